/* PLACEHOLDER: replaced by SIP-domain discovery. */

#include <stdio.h>

#include "ep_discover.h"

int
ep_discover(struct ep_plan *plan, const char *const *names, size_t n,
    const struct ep_discover_opts *opts, struct ep_findings *findings,
    char *err, size_t errlen)
{
	(void)plan;
	(void)opts;
	(void)findings;
	(void)n;
	snprintf(err, errlen, "%s: discovery is not done yet", names[0]);
	return -1;
}
