/*
 * Fuzz target: a profile file (--profile FILE, edgeprobe-probes(5)), read
 * by src/input/profile.c through the INI front end (src/input/ini.c).  A
 * file may name a built-in profile or another file as its base.  What is
 * accepted must hold values within the bounds the rules index by, and
 * serve as the profile of a plan.
 *
 * Seeds: the profiles of probes/, and based profiles (tests/fuzz/make-seeds).
 */

#include <stdio.h>
#include <string.h>

#include "input/ep_plan.h"
#include "input/ep_profile.h"

#include "fuzz.h"

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

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ep_profile	*p;
	struct ep_plan		*plan;
	const char		*path;
	char			 err[1024];

	path = fuzz_file("profile.ini", data, size);
	if (ep_profile_load(path, &p, err, sizeof(err)) == -1) {
		if (err[0] == '\0')
			fuzz_fail("refused without a reason");
		return 0;
	}
	check(p);
	if ((plan = ep_plan_new(p)) == NULL)
		fuzz_fail("out of memory");
	if (ep_plan_add_target(plan, EP_ROLE_ACCESS, "access.contoso.example",
	    "fuzz", err, sizeof(err)) == -1)
		fuzz_fail("access.contoso.example: %s", err);
	ep_plan_free(plan);
	ep_profile_free(p);
	return 0;
}
