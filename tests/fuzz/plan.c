/* What every plan holds (see plan.h). */

#include <string.h>

#include "input/ep_hostname.h"
#include "input/ep_profile.h"

#include "fuzz.h"
#include "plan.h"

/* A name as the plan keeps it: already normalized. */
static int
normalized(const char *name)
{
	char	norm[EP_NAME_MAX + 1];

	return ep_host_normalize(name, norm, sizeof(norm)) == 0 &&
	    strcmp(norm, name) == 0;
}

void
fuzz_check_plan(const struct ep_plan *plan)
{
	const struct ep_profile	*p = ep_plan_profile(plan);
	const struct ep_target	*t;
	const struct ep_port	*ports;
	size_t			 i, j, n, found;

	for (i = 0; i < ep_plan_ntargets(plan); i++) {
		t = ep_plan_target(plan, i);
		if (!normalized(t->name) && !(ep_host_is_ip(t->name) &&
		    p->roles[t->role].ip_names_ok))
			fuzz_fail("target '%s'", t->name);
		if (ep_plan_find(plan, t->role, t->name, &found) == -1 ||
		    found != i)
			fuzz_fail("target '%s' is found as another", t->name);
		if (t->nports > EP_PORTS_MAX || t->nmembers > EP_MEMBERS_MAX)
			fuzz_fail("target '%s': %zu ports, %zu members",
			    t->name, t->nports, t->nmembers);
		n = ep_plan_ports(plan, i, &ports);
		if (n == 0 && p->roles[t->role].probed)
			fuzz_fail("target '%s' has no port", t->name);
		for (j = 0; j < n; j++)
			if (ports[j].port == 0)
				fuzz_fail("target '%s': port 0", t->name);
		for (j = 0; j < t->nin_groups; j++)
			if (t->in_groups[j] >= ep_plan_ngroups(plan))
				fuzz_fail("target '%s': group %zu", t->name,
				    t->in_groups[j]);
	}
	for (i = 0; i < ep_plan_nsip_domains(plan); i++)
		if (!normalized(ep_plan_sip_domain(plan, i)))
			fuzz_fail("SIP domain '%s'",
			    ep_plan_sip_domain(plan, i));
	for (i = 0; i < ep_plan_npublished(plan); i++)
		if (!normalized(ep_plan_published(plan, i)))
			fuzz_fail("published '%s'", ep_plan_published(plan, i));
}
