/*
 * Fuzz target: a deployment file (-f FILE, edgeprobe.conf(5)), read by
 * src/input/config.c through the INI front end, then applied to a plan
 * under lync2013 as main.c applies it, its settings merged with the
 * defaults.  What load accepts, apply must not refuse but for plan
 * limits; the time limits it keeps are within their bounds, and the plan
 * is one (plan.c).
 *
 * Seeds: the deployment files of probes/examples (read, never run), and
 * a few more (tests/fuzz/make-seeds).
 */

#include <stdio.h>
#include <string.h>

#include "input/ep_config.h"
#include "input/ep_plan.h"
#include "input/ep_profile.h"

#include "fuzz.h"
#include "plan.h"

static struct ep_profile	*lync;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	err[1024];

	(void)argc;
	(void)argv;
	if (ep_profile_load("lync2013", &lync, err, sizeof(err)) == -1)
		fuzz_fail("lync2013: %s", err);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ep_config	*c;
	struct ep_plan		*plan;
	struct ep_settings	 s;
	const char		*path;
	char			 err[1024], text[32];
	size_t			 i;

	path = fuzz_file("deploy.conf", data, size);
	if (ep_config_load(path, &c, err, sizeof(err)) == -1) {
		if (err[0] == '\0')
			fuzz_fail("refused without a reason");
		return 0;
	}
	ep_settings_init(&s);
	ep_settings_fill(&s, c);
	ep_settings_finish(&s);
	for (i = 0; i < EP_LIMIT__MAX; i++)
		if (s.limit_ms[i] != 0 && (s.limit_ms[i] < 100 ||
		    s.limit_ms[i] > 3600 * 1000))
			fuzz_fail("time limit %zu: %u ms", i, s.limit_ms[i]);
	ep_threshold_text(&s.warn, text, sizeof(text));
	ep_threshold_text(&s.crit, text, sizeof(text));
	if ((plan = ep_plan_new(lync)) == NULL)
		fuzz_fail("out of memory");
	if (ep_config_apply(c, plan, err, sizeof(err)) == 0)
		fuzz_check_plan(plan);
	else if (strstr(err, "more than") == NULL)
		fuzz_fail("accepted, then refused: %s", err);
	ep_plan_free(plan);
	ep_config_free(c);
	return 0;
}
