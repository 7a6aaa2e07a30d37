/*
 * Fuzz target: a --targets-file, one target a line, read by
 * src/input/targets.c, then put into a plan both ways a profile reads
 * arguments: as SIP domains to discover (lync2013) and as HOST[:PORT]
 * to probe (generic), the latter splitting each with ep_target_split;
 * a plan made must be one (plan.c).
 *
 * Seeds: a few files of names, ports, addresses, comments and blanks
 * (tests/fuzz/make-seeds).
 */

#include <stdio.h>
#include <string.h>

#include "input/ep_plan.h"
#include "input/ep_profile.h"
#include "input/ep_targets.h"

#include "fuzz.h"
#include "plan.h"

static struct ep_profile	*lync, *generic;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	err[1024];

	(void)argc;
	(void)argv;
	if (ep_profile_load("lync2013", &lync, err, sizeof(err)) == -1 ||
	    ep_profile_load("generic", &generic, err, sizeof(err)) == -1)
		fuzz_fail("profiles: %s", err);
	return 0;
}

/* Plans the targets under profile p; a refusal must say why. */
static void
plan_under(const struct ep_targets *t, const struct ep_profile *p)
{
	struct ep_plan	*plan;
	char		 err[1024] = "";

	if ((plan = ep_plan_new(p)) == NULL)
		fuzz_fail("out of memory");
	if (ep_targets_plan(t, plan, err, sizeof(err)) == 0)
		fuzz_check_plan(plan);
	else if (err[0] == '\0')
		fuzz_fail("%s: refused without a reason", p->name);
	ep_plan_free(plan);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ep_targets	*t;
	const char		*path;
	char			 err[1024] = "";

	if ((t = ep_targets_new()) == NULL)
		fuzz_fail("out of memory");
	path = fuzz_file("targets", data, size);
	if (ep_targets_read(t, path, err, sizeof(err)) == -1) {
		if (err[0] == '\0')
			fuzz_fail("refused without a reason");
	} else {
		plan_under(t, lync);
		plan_under(t, generic);
	}
	ep_targets_free(t);
	return 0;
}
