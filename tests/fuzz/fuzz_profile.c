/*
 * Fuzz target: a profile file (--profile FILE, edgeprobe-probes(5)), read
 * by src/input/profile.c through the INI front end (src/input/ini.c).  A
 * file may name a built-in profile or another file as its base.  What is
 * accepted must hold values within the bounds the rules index by, and
 * serve as the profile of a plan (plan.c checks it) under which the
 * rules judge the fixtures' access chain on the access edge, when the
 * profile probes that role, and the reports tell of it (judge.c).
 *
 * Seeds: the profiles of probes/, and based profiles (tests/fuzz/make-seeds).
 */

#include <stdio.h>
#include <string.h>

#include "input/ep_plan.h"
#include "input/ep_profile.h"
#include "net/ep_observe.h"

#include "fuzz.h"
#include "judge.h"
#include "plan.h"

#define NAME_CHARS	"abcdefghijklmnopqrstuvwxyz" \
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"

/* What every accepted profile holds, whatever its file said. */
static void
check(const struct ep_profile *p)
{
	const struct ep_role_rules	*r;
	size_t				 i, j;

	if (p->name[0] == '\0' || strspn(p->name, NAME_CHARS) !=
	    strlen(p->name))
		fuzz_fail("profile name '%s'", p->name);
	if (p->nweak_hashes > EP_HASHES_MAX)
		fuzz_fail("%zu weak hashes", p->nweak_hashes);
	for (i = 0; i < EP_CHECK__MAX; i++)
		if (p->severity[i] < EP_SEV_OK ||
		    p->severity[i] > EP_SEV_UNKNOWN)
			fuzz_fail("severity %d", (int)p->severity[i]);
	for (i = 0; i < EP_ROLE__MAX; i++) {
		r = &p->roles[i];
		if (r->name == NULL || r->title == NULL)
			fuzz_fail("role %zu has no name or title", i);
		if (r->nports > EP_PORTS_MAX ||
		    r->nrsa_sizes > EP_RSA_SIZES_MAX)
			fuzz_fail("role %s: %zu ports, %zu RSA sizes", r->name,
			    r->nports, r->nrsa_sizes);
		for (j = 0; j < r->nports; j++)
			if (r->ports[j].port == 0)
				fuzz_fail("role %s: port 0", r->name);
	}
}

/* A plan under p, and a run that saw the access chain on its access edge. */
static void
judge_under(const struct ep_profile *p)
{
	struct ep_observations	 o;
	struct ep_plan		*plan;
	size_t			 idx[EP_CHAIN_MAX];
	char			 err[1024];
	int			 n;

	if ((plan = ep_plan_new(p)) == NULL)
		fuzz_fail("out of memory");
	if (ep_plan_add_sip_domain(plan, "contoso.example", err,
	    sizeof(err)) == -1 || ep_plan_add_target(plan, EP_ROLE_ACCESS,
	    "access.contoso.example", "fuzz", err, sizeof(err)) == -1)
		fuzz_fail("plan: %s", err);
	fuzz_check_plan(plan);
	if (p->roles[EP_ROLE_ACCESS].probed) {
		if (ep_observations_init(&o) == -1)
			fuzz_fail("out of memory");
		o.no_fetch = 1;
		if ((n = ep_certs_load_file(o.certs,
		    fuzz_fixture("access-chain.pem"), idx, EP_CHAIN_MAX, err,
		    sizeof(err))) <= 0)
			fuzz_fail("access-chain.pem: %s", err);
		fuzz_add_live(&o, idx, (size_t)n);
		ep_observations_sort(&o);
		fuzz_judge_plan(fuzz_rig(), plan, &o, NULL);
		ep_observations_clear(&o);
	}
	ep_plan_free(plan);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_rig();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ep_profile	*p;
	const char		*path;
	char			 err[1024];

	path = fuzz_file("profile.ini", data, size);
	if (ep_profile_load(path, &p, err, sizeof(err)) == -1) {
		if (err[0] == '\0')
			fuzz_fail("refused without a reason");
		return 0;
	}
	check(p);
	judge_under(p);
	ep_profile_free(p);
	return 0;
}
