#ifndef EP_STATE_OUT_H
#define EP_STATE_OUT_H

#include <stddef.h>

#include "input/ep_state.h"
#include "report/ep_report.h"

/*
 * Writes this run's state over the state file of st (input/ep_state.h):
 * every live endpoint of r, with its leaf and since when it serves it
 * (from the last run's state when the leaf is the same), atomically.
 * Returns 0, or -1 with a reason in err (out of memory, a write that
 * failed, a state file left alone: newer or locked).
 */
int ep_report_state(struct ep_state *st, const struct ep_report *r,
    char *err, size_t errlen);

#endif /* EP_STATE_OUT_H */
