/*
 * What every plan holds, however the files, arguments or DNS answers
 * that built it were: for the targets that build one.
 */

#ifndef EP_FUZZ_PLAN_H
#define EP_FUZZ_PLAN_H

#include "input/ep_plan.h"

/*
 * Stops the run unless every target of plan is a normalized host name
 * (or an IP address where its role takes one), once in its role, found
 * by ep_plan_find, with ports and members within their bounds; and
 * every SIP domain and published name is a normalized host name.
 */
void fuzz_check_plan(const struct ep_plan *plan);

#endif /* EP_FUZZ_PLAN_H */
