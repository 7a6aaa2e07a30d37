/*
 * Unit tests for the reports' lookups (src/report_index.c): findings by
 * observation, observations by target, targets by group, each in the
 * order of what it indexes, the worst severities and a group's tally.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge/ep_finding.h"
#include "net/ep_observe.h"
#include "input/ep_plan.h"
#include "report/ep_report.h"
#include "report/ep_report_index.h"
#include "fixture.h"
#include "report_rig.h"

#define setup		rig_setup
#define teardown	rig_teardown

static void
target(struct ep_plan *plan, enum ep_role role, const char *name)
{
	char	err[512] = "";

	if (ep_plan_add_target(plan, role, name, "--test", err,
	    sizeof(err)) != 0)
		fail_msg("adding %s: %s", name, err);
}

static void
observe(struct ep_observations *o, size_t t)
{
	struct ep_obs	obs;

	memset(&obs, 0, sizeof(obs));
	obs.target = t;
	assert_int_not_equal(ep_observations_add(o, &obs), (size_t)-1);
}

static void
finding(struct ep_findings *f, size_t obs, size_t group,
    enum ep_severity sev)
{
	struct ep_finding	*x;

	assert_non_null(x = ep_findings_add(f, EP_CHECK_TIMEOUT, obs, NULL,
	    "t"));
	x->group = group;
	x->severity = sev;
}

/* Expects range k of start/order to hold exactly want (n entries). */
static void
expect_range(const size_t *start, const size_t *order, size_t k,
    const size_t *want, size_t n)
{
	size_t	i;

	assert_int_equal(start[k + 1] - start[k], n);
	for (i = 0; i < n; i++)
		assert_int_equal(order[start[k] + i], want[i]);
}

/*
 * Two groups and a target of none; targets with two observations, one,
 * and none; findings of observations, of groups, and of no group, given
 * out of order.  An info finding makes no endpoint's status.
 */
static void
test_index(void **state)
{
	struct rig		*g = *state;
	struct ep_plan		*plan = g->plan;
	struct ep_findings	*f = &g->f;
	struct ep_report_index	 ix;
	struct ep_group_tally	 tally;
	char			 err[512];
	struct ep_summary	 sum;
	static const size_t	 f_obs2[] = { 0, 3 }, f_obs0[] = { 1 },
				 f_obs3[] = { 6 },
				 f_dep[] = { 2, 4, 5 }, o_t1[] = { 1, 2 },
				 o_t3[] = { 0 }, o_t0[] = { 3 },
				 t_g0[] = { 1, 2 }, t_g1[] = { 3 }, t_none[] = { 0 };

	/* Named by flags before the groups: in none. */
	target(plan, EP_ROLE_ACCESS, "sip.c.example");		/* t0 */
	assert_int_equal(ep_plan_begin_group(plan, "a.example", err,
	    sizeof(err)), 0);
	target(plan, EP_ROLE_ACCESS, "sip.a.example");		/* t1 */
	target(plan, EP_ROLE_WEBCON, "webcon.a.example");	/* t2 */
	assert_int_equal(ep_plan_begin_group(plan, "b.example", err,
	    sizeof(err)), 0);
	target(plan, EP_ROLE_ACCESS, "sip.b.example");		/* t3 */

	observe(&g->o, 3);
	observe(&g->o, 1);
	observe(&g->o, 1);
	observe(&g->o, 0);

	finding(f, 2, EP_FINDING_NO_GROUP, EP_SEV_WARNING);
	finding(f, 0, EP_FINDING_NO_GROUP, EP_SEV_CRITICAL);
	finding(f, EP_FINDING_NO_OBS, 1, EP_SEV_CRITICAL);
	finding(f, 2, EP_FINDING_NO_GROUP, EP_SEV_CRITICAL);
	finding(f, EP_FINDING_NO_OBS, EP_FINDING_NO_GROUP, EP_SEV_WARNING);
	finding(f, EP_FINDING_NO_OBS, 0, EP_SEV_INFO);
	finding(f, 3, EP_FINDING_NO_GROUP, EP_SEV_INFO);

	assert_int_equal(ep_report_index_build(&ix, plan, &g->o, f), 0);
	assert_int_equal(ix.nobs, 4);
	assert_int_equal(ix.ngroups, 2);

	assert_int_equal(ix.worst[0], EP_SEV_CRITICAL);
	assert_int_equal(ix.worst[1], EP_SEV_OK);
	assert_int_equal(ix.worst[2], EP_SEV_CRITICAL);
	assert_int_equal(ix.worst[3], EP_SEV_INFO);
	expect_range(ix.fstart, ix.forder, 0, f_obs0, 1);
	expect_range(ix.fstart, ix.forder, 1, NULL, 0);
	expect_range(ix.fstart, ix.forder, 2, f_obs2, 2);
	expect_range(ix.fstart, ix.forder, 3, f_obs3, 1);
	expect_range(ix.fstart, ix.forder, 4, f_dep, 3);

	expect_range(ix.ostart, ix.oorder, 0, o_t0, 1);
	expect_range(ix.ostart, ix.oorder, 1, o_t1, 2);
	expect_range(ix.ostart, ix.oorder, 2, NULL, 0);
	expect_range(ix.ostart, ix.oorder, 3, o_t3, 1);

	expect_range(ix.tstart, ix.torder, 0, t_g0, 2);
	expect_range(ix.tstart, ix.torder, 1, t_g1, 1);
	expect_range(ix.tstart, ix.torder, 2, t_none, 1);

	/*
	 * The summary every output prints: the info endpoint is ok, the
	 * info deployment finding is counted as info and sets no status.
	 */
	ep_report_index_summary(&ix, f, &sum);
	assert_int_equal(sum.status, EP_SEV_CRITICAL);
	assert_int_equal(sum.endpoints, 4);
	assert_int_equal(sum.count[EP_SEV_OK], 2);
	assert_int_equal(sum.count[EP_SEV_INFO], 0);
	assert_int_equal(sum.count[EP_SEV_CRITICAL], 2);
	assert_int_equal(sum.findings, 7);
	assert_int_equal(sum.deployment, 3);
	assert_int_equal(sum.dcount[EP_SEV_CRITICAL], 1);
	assert_int_equal(sum.dcount[EP_SEV_WARNING], 1);
	assert_int_equal(sum.dcount[EP_SEV_INFO], 1);

	assert_int_equal(ix.gworst[0], EP_SEV_INFO);
	assert_int_equal(ix.gworst[1], EP_SEV_CRITICAL);
	assert_int_equal(ix.gworst[2], EP_SEV_WARNING);

	/*
	 * Group a: sip.a's two endpoints (ok, critical), webcon.a none; its
	 * info deployment finding makes no status.
	 */
	ep_report_index_tally(&ix, 0, &tally);
	assert_int_equal(tally.n, 2);
	assert_int_equal(tally.count[EP_SEV_OK], 1);
	assert_int_equal(tally.count[EP_SEV_WARNING], 0);
	assert_int_equal(tally.count[EP_SEV_CRITICAL], 1);
	assert_int_equal(tally.worst, EP_SEV_CRITICAL);
	ep_report_index_tally(&ix, 1, &tally);
	assert_int_equal(tally.n, 1);
	assert_int_equal(tally.count[EP_SEV_CRITICAL], 1);
	assert_int_equal(tally.worst, EP_SEV_CRITICAL);
	/* The flags' group: one endpoint with an info finding, so ok. */
	ep_report_index_tally(&ix, 2, &tally);
	assert_int_equal(tally.n, 1);
	assert_int_equal(tally.count[EP_SEV_OK], 1);
	assert_int_equal(tally.worst, EP_SEV_WARNING);

	ep_report_index_free(&ix);
}

/* Nothing at all: empty ranges, nothing to index, nothing leaked. */
static void
test_empty(void **state)
{
	struct rig		*g = *state;
	struct ep_report_index	 ix;

	assert_int_equal(ep_report_index_build(&ix, g->plan, &g->o, &g->f), 0);
	assert_int_equal(ix.fstart[0], ix.fstart[1]);
	assert_int_equal(ix.tstart[0], ix.tstart[1]);
	assert_int_equal(ix.gworst[0], EP_SEV_OK);
	ep_report_index_free(&ix);
}

/* A finding of an observation that does not exist is refused. */
static void
test_bad_observation(void **state)
{
	struct rig		*g = *state;
	struct ep_report_index	 ix;

	finding(&g->f, 7, EP_FINDING_NO_GROUP, EP_SEV_WARNING);
	assert_int_equal(ep_report_index_build(&ix, g->plan, &g->o, &g->f), -1);
	assert_null(ix.worst);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_observation, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, fx_lync_setup, fx_lync_teardown);
}
