/* PLACEHOLDER: replaced by the offline (chain, PFX, CSR) reader. */

#include <stdio.h>

#include "ep_offline.h"

int
ep_offline_observe(const struct ep_plan *plan, enum ep_role role,
    const struct ep_offline *in, struct ep_observations *out, char *err,
    size_t errlen)
{
	(void)plan;
	(void)role;
	(void)out;
	snprintf(err, errlen, "%s: offline checks are not done yet", in->path);
	return -1;
}
