/*
 * Unit tests for the rules of what discovery saw in DNS
 * (src/judge/rules_dns.c): every branch of dns-srv-missing and
 * srv-target-outside-domain, from observations made here, with no
 * network; role-not-checked; and dns-over-limit, of SRV records and of
 * a name's addresses (src/judge/rules_limits.c).  Discovery itself against a real DNS server is the
 * integration cases discovery-*.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge/ep_rules.h"
#include "net/ep_discover.h"
#include "net/ep_resolve.h"
#include "fixture.h"

#define D	"contoso.example"

/* One run of the rules over discoveries made by hand. */
struct world {
	struct ep_plan		*plan;
	struct ep_trust		*trust;
	struct ep_names		*names;
	struct ep_observations	 o;
	struct ep_findings	 f;
};

static int
setup(void **state)
{
	struct world	*w;
	char		 err[256];

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->plan = ep_plan_new(fx_lync())) == NULL ||
	    ep_observations_init(&w->o) == -1 ||
	    ep_trust_new(&w->trust, fx_path("public-root.pem"), NULL, err,
	    sizeof(err)) == -1 ||
	    ep_names_new(&w->names, NULL, err, sizeof(err)) == -1)
		return -1;
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world	*w = *state;

	ep_findings_clear(&w->f);
	ep_observations_clear(&w->o);
	ep_names_free(w->names);
	ep_trust_free(w->trust);
	ep_plan_free(w->plan);
	free(w);
	return 0;
}

/*
 * Adds n discoveries of the given names, each answered EP_DNS_NONE for
 * every record of its candidates (the parent when it has one), nothing
 * chosen yet.
 */
static void
discoveries(struct world *w, const char *const *names, size_t n)
{
	size_t	i;
	int	c, r;
	char	err[256];

	for (i = 0; i < n; i++)
		if (ep_plan_add_discovery(w->plan, names[i], err,
		    sizeof(err)) == -1)
			fail_msg("%s: %s", names[i], err);
	assert_int_equal(ep_observations_discoveries(&w->o, n), 0);
	for (i = 0; i < n; i++) {
		struct ep_discovery	*dc = &w->o.disc[i];

		ep_plan_discovery(w->plan, i, &dc->group);
		snprintf(dc->domain[0], sizeof(dc->domain[0]), "%s", names[i]);
		if (ep_discover_parent(names[i], dc->domain[1],
		    sizeof(dc->domain[1])) == -1)
			dc->domain[1][0] = '\0';
		for (c = 0; c < EP_DISC_CANDIDATES; c++)
			for (r = 0; r < EP_DISC__MAX; r++)
				dc->answer[c][r].st = EP_DNS_NONE;
	}
}

/* Sets one answer: status, error, and SRV records "target:port" each. */
static void
answer(struct world *w, size_t k, int c, enum ep_disc_record r,
    enum ep_dns_status st, const char *error, const char *const *recs,
    size_t n)
{
	struct ep_dns_answer	*a = &w->o.disc[k].answer[c][r];
	size_t			 i;

	a->st = st;
	snprintf(a->error, sizeof(a->error), "%s", error ? error : "");
	if (n == 0)
		return;
	if (ep_disc_record(r)->srv) {
		assert_non_null(a->srv = calloc(n, sizeof(*a->srv)));
		for (i = 0; i < n; i++) {
			const char	*colon = strrchr(recs[i], ':');

			assert_non_null(colon);
			snprintf(a->srv[i].target, sizeof(a->srv[i].target),
			    "%.*s", (int)(colon - recs[i]), recs[i]);
			a->srv[i].port = (uint16_t)atoi(colon + 1);
		}
	} else
		assert_non_null(a->addrs = calloc(n, sizeof(*a->addrs)));
	a->n = a->total = n;
}

static void
judge(struct world *w)
{
	struct ep_rules_ctx	ctx;
	char			err[256];

	memset(&ctx, 0, sizeof(ctx));
	ctx.plan = w->plan;
	ctx.trust = w->trust;
	ctx.names = w->names;
	ctx.now = FX_NOW;
	ctx.warn = (struct ep_threshold){ 30, 0 };
	ctx.crit = (struct ep_threshold){ 7, 0 };
	if (ep_rules_run(&ctx, &w->o, &w->f, err, sizeof(err)) == -1)
		fail_msg("rules: %s", err);
}

/* Fails unless finding i is check c, severity s, on name, saying text. */
static void
expect(const struct world *w, size_t i, enum ep_check c, enum ep_severity s,
    const char *name, const char *text)
{
	const struct ep_finding	*f;

	if (i >= w->f.n)
		fail_msg("finding %zu of %zu", i, w->f.n);
	f = &w->f.v[i];
	if (f->check != c || f->severity != s)
		fail_msg("finding %zu: %s %s, want %s %s", i,
		    ep_check_info(f->check)->id, ep_severity_name(f->severity),
		    ep_check_info(c)->id, ep_severity_name(s));
	assert_int_equal(f->obs, EP_FINDING_NO_OBS);
	assert_string_equal(f->name, name);
	if (strstr(f->message, text) == NULL)
		fail_msg("finding %zu: '%s' does not say '%s'", i, f->message,
		    text);
}

/* A domain with both SRV records, targets inside it: nothing to say. */
static void
test_good(void **state)
{
	static const char	*const names[] = { D };
	static const char	*const recs[] = { "sip." D ":443" };
	static const char	*const fed[] = { "sip." D ":5061" };
	struct world		*w = *state;

	discoveries(w, names, 1);
	answer(w, 0, 0, EP_DISC_SIP_SRV, EP_DNS_ANSWERED, NULL, recs, 1);
	answer(w, 0, 0, EP_DISC_FED_SRV, EP_DNS_ANSWERED, NULL, fed, 1);
	w->o.disc[0].chosen = 0;
	judge(w);
	assert_int_equal(w->f.n, 0);
}

/*
 * No record of either kind: one warning each, saying who cannot find
 * the edge (clients for sign-in, partners for federation).
 */
static void
test_srv_none(void **state)
{
	static const char	*const names[] = { D };
	struct world		*w = *state;

	discoveries(w, names, 1);
	answer(w, 0, 0, EP_DISC_SIP, EP_DNS_ANSWERED, NULL, NULL, 1);
	w->o.disc[0].chosen = 0;
	judge(w);
	assert_int_equal(w->f.n, 2);
	expect(w, 0, EP_CHECK_DNS_SRV_MISSING, EP_SEV_WARNING, "_sip._tls." D,
	    "external clients cannot locate the Access Edge");
	expect(w, 1, EP_CHECK_DNS_SRV_MISSING, EP_SEV_WARNING,
	    "_sipfederationtls._tcp." D, "federation partners cannot discover");
	assert_int_equal(w->f.v[0].group, w->o.disc[0].group);
}

/*
 * A lookup the resolver could not make, or that ran past the deadline:
 * whether the record exists is unknown, which is the monitoring host's
 * problem, not the deployment's: dns-lookup-failed, unknown.
 */
static void
test_srv_failed_and_late(void **state)
{
	static const char	*const names[] = { D };
	static const char	*const recs[] = { "sip." D ":443" };
	struct world		*w = *state;

	discoveries(w, names, 1);
	answer(w, 0, 0, EP_DISC_SIP_SRV, EP_DNS_FAILED, "DNS server failure",
	    NULL, 0);
	answer(w, 0, 0, EP_DISC_FED_SRV, EP_DNS_LATE, NULL, NULL, 0);
	answer(w, 0, 0, EP_DISC_SIP, EP_DNS_ANSWERED, NULL, recs, 1);
	w->o.disc[0].chosen = 0;
	judge(w);
	assert_int_equal(w->f.n, 2);
	expect(w, 0, EP_CHECK_DNS_LOOKUP_FAILED, EP_SEV_UNKNOWN,
	    "_sip._tls." D, "could not be made (DNS server failure), so "
	    "whether it exists is unknown");
	expect(w, 1, EP_CHECK_DNS_LOOKUP_FAILED, EP_SEV_UNKNOWN,
	    "_sipfederationtls._tcp." D, "the run deadline passed");
}

/*
 * A lookup the run was stopped before it was answered says nothing
 * either: interrupted, unknown; and so for a name where nothing was
 * found before the stop.
 */
static void
test_interrupted(void **state)
{
	static const char	*const names[] = { D, "lone.example" };
	static const char	*const recs[] = { "sip." D ":443" };
	struct world		*w = *state;

	discoveries(w, names, 2);
	answer(w, 0, 0, EP_DISC_SIP_SRV, EP_DNS_ANSWERED, NULL, recs, 1);
	answer(w, 0, 0, EP_DISC_FED_SRV, EP_DNS_INTERRUPTED, NULL, NULL, 0);
	w->o.disc[0].chosen = 0;
	answer(w, 1, 0, EP_DISC_SIP_SRV, EP_DNS_INTERRUPTED, NULL, NULL, 0);
	judge(w);
	assert_int_equal(w->f.n, 2);
	expect(w, 0, EP_CHECK_INTERRUPTED, EP_SEV_UNKNOWN,
	    "_sipfederationtls._tcp." D, "could not be made (the run was "
	    "interrupted before the answer), so whether it exists is unknown");
	expect(w, 1, EP_CHECK_INTERRUPTED, EP_SEV_UNKNOWN, "lone.example",
	    "nothing was found for lone.example before the run was "
	    "interrupted: whether it publishes an edge is unknown");
}

/*
 * Records that name no host a probe can reach: an IP address, a name
 * that is no host name, port 0.  Each is named; the usable one is not.
 */
static void
test_srv_unusable_targets(void **state)
{
	static const char	*const names[] = { D };
	static const char	*const recs[] = { "192.0.2.1:443",
				    "bad..name." D ":443", "sip." D ":0",
				    "sip." D ":443" };
	static const char	*const fed[] = { "sip." D ":5061" };
	struct world		*w = *state;

	discoveries(w, names, 1);
	answer(w, 0, 0, EP_DISC_SIP_SRV, EP_DNS_ANSWERED, NULL, recs, 4);
	answer(w, 0, 0, EP_DISC_FED_SRV, EP_DNS_ANSWERED, NULL, fed, 1);
	w->o.disc[0].chosen = 0;
	judge(w);
	assert_int_equal(w->f.n, 3);
	expect(w, 0, EP_CHECK_DNS_SRV_MISSING, EP_SEV_WARNING, "_sip._tls." D,
	    "points to 192.0.2.1 port 443, which cannot be probed");
	expect(w, 1, EP_CHECK_DNS_SRV_MISSING, EP_SEV_WARNING, "_sip._tls." D,
	    "points to bad..name." D " port 443");
	expect(w, 2, EP_CHECK_DNS_SRV_MISSING, EP_SEV_WARNING, "_sip._tls." D,
	    "points to sip." D " port 0");
}

/* The target ".": the domain says it offers no such service. */
static void
test_srv_dot(void **state)
{
	static const char	*const names[] = { D };
	static const char	*const dot[] = { ":0" };
	static const char	*const fed[] = { "sip." D ":5061" };
	struct world		*w = *state;

	discoveries(w, names, 1);
	answer(w, 0, 0, EP_DISC_SIP_SRV, EP_DNS_ANSWERED, NULL, dot, 1);
	answer(w, 0, 0, EP_DISC_FED_SRV, EP_DNS_ANSWERED, NULL, fed, 1);
	w->o.disc[0].chosen = 0;
	judge(w);
	assert_int_equal(w->f.n, 1);
	expect(w, 0, EP_CHECK_DNS_SRV_MISSING, EP_SEV_WARNING, "_sip._tls." D,
	    "has the target \".\"");
}

/*
 * A target outside the SIP domain is named once, whatever its ports; one
 * in a subdomain is inside, and a look-alike domain is outside.
 */
static void
test_srv_outside(void **state)
{
	static const char	*const names[] = { D };
	static const char	*const recs[] = { "sip.fabrikam.example:443",
				    "SIP.Fabrikam.Example:444",
				    "edge.eu." D ":443", "sip.bad" D ":443" };
	static const char	*const fed[] = { "sip.fabrikam.example:5061" };
	struct world		*w = *state;

	discoveries(w, names, 1);
	answer(w, 0, 0, EP_DISC_SIP_SRV, EP_DNS_ANSWERED, NULL, recs, 4);
	answer(w, 0, 0, EP_DISC_FED_SRV, EP_DNS_ANSWERED, NULL, fed, 1);
	w->o.disc[0].chosen = 0;
	judge(w);
	assert_int_equal(w->f.n, 3);
	expect(w, 0, EP_CHECK_SRV_TARGET_OUTSIDE_DOMAIN, EP_SEV_WARNING,
	    "_sip._tls." D, "points to sip.fabrikam.example, outside the SIP "
	    "domain " D);
	expect(w, 1, EP_CHECK_SRV_TARGET_OUTSIDE_DOMAIN, EP_SEV_WARNING,
	    "_sip._tls." D, "points to sip.bad" D ",");
	expect(w, 2, EP_CHECK_SRV_TARGET_OUTSIDE_DOMAIN, EP_SEV_WARNING,
	    "_sipfederationtls._tcp." D, "sip.fabrikam.example");
}

/*
 * Nothing found for a name: critical, naming the name and its parent;
 * unknown instead when a lookup could not be made, naming why.
 */
static void
test_nothing_found(void **state)
{
	static const char	*const names[] = { "sip." D, "lone.example" };
	struct world		*w = *state;

	discoveries(w, names, 2);
	answer(w, 0, 1, EP_DISC_MEET, EP_DNS_FAILED, "DNS query timed out",
	    NULL, 0);
	judge(w);
	assert_int_equal(w->f.n, 2);
	expect(w, 0, EP_CHECK_DNS_LOOKUP_FAILED, EP_SEV_UNKNOWN, "sip." D,
	    "nothing was found for sip." D " or its parent " D ", and a "
	    "lookup could not be made (DNS query timed out)");
	assert_int_equal(w->f.v[0].group, w->o.disc[0].group);
	expect(w, 1, EP_CHECK_DNS_SRV_MISSING, EP_SEV_CRITICAL, "lone.example",
	    "found for lone.example: nothing to check");
	assert_int_equal(w->f.v[1].group, w->o.disc[1].group);
}

/*
 * Two names that lead to one SIP domain: its records are judged once,
 * on the first name's group.
 */
static void
test_domain_judged_once(void **state)
{
	static const char	*const names[] = { D, "sip." D };
	struct world		*w = *state;

	discoveries(w, names, 2);
	answer(w, 0, 0, EP_DISC_SIP, EP_DNS_ANSWERED, NULL, NULL, 1);
	answer(w, 1, 1, EP_DISC_SIP, EP_DNS_ANSWERED, NULL, NULL, 1);
	w->o.disc[0].chosen = 0;
	w->o.disc[1].chosen = 1;
	judge(w);
	assert_int_equal(w->f.n, 2);
	assert_int_equal(w->f.v[0].group, w->o.disc[0].group);
	assert_int_equal(w->f.v[1].group, w->o.disc[0].group);
}

/* Adds name in role to the plan. */
static void
target(struct world *w, enum ep_role role, const char *name)
{
	char	err[256];

	if (ep_plan_add_target(w->plan, role, name, "--test", err,
	    sizeof(err)) == -1)
		fail_msg("%s: %s", name, err);
}

/*
 * A live run that checks an access edge and no web conferencing edge:
 * role-not-checked, info, saying what to give.  None with one, none for
 * a run of other roles, none for a file judged offline.
 */
static void
test_role_not_checked(void **state)
{
	struct world	*w = *state;

	target(w, EP_ROLE_ACCESS, "sip." D);
	target(w, EP_ROLE_REVERSE_PROXY, "ext." D);
	judge(w);
	assert_int_equal(w->f.n, 1);
	expect(w, 0, EP_CHECK_ROLE_NOT_CHECKED, EP_SEV_INFO, "webcon",
	    "the ACCESS EDGE is checked but no WEB CONFERENCING EDGE");
	assert_non_null(strstr(w->f.v[0].message, "give it with --webcon"));
	assert_int_equal(w->f.v[0].group, EP_FINDING_NO_GROUP);

	ep_findings_clear(&w->f);
	w->o.offline = 1;
	judge(w);
	assert_int_equal(w->f.n, 0);

	w->o.offline = 0;
	target(w, EP_ROLE_WEBCON, "webcon." D);
	judge(w);
	assert_int_equal(w->f.n, 0);
}

/* Only the roles the profile names: a reverse proxy alone expects none. */
static void
test_role_not_expected(void **state)
{
	struct world	*w = *state;

	target(w, EP_ROLE_REVERSE_PROXY, "ext." D);
	target(w, EP_ROLE_INTERNAL, "edge-int." D);
	judge(w);
	assert_int_equal(w->f.n, 0);
}

/* How many findings of check c the last judge made. */
static size_t
count_of(const struct world *w, enum ep_check c)
{
	size_t	i, n = 0;

	for (i = 0; i < w->f.n; i++)
		n += w->f.v[i].check == c;
	return n;
}

/*
 * EP_SRV_MAX records, all kept: nothing about the limit.  More in the
 * answer than were kept: dns-over-limit on the record's name, once.
 */
static void
test_srv_over_limit(void **state)
{
	static const char	*const names[] = { D };
	struct world		*w = *state;
	const char		*recs[EP_SRV_MAX];
	char			 targets[EP_SRV_MAX][64], want[128];
	size_t			 i;

	for (i = 0; i < EP_SRV_MAX; i++) {
		snprintf(targets[i], sizeof(targets[i]), "sip%zu." D ":443", i);
		recs[i] = targets[i];
	}
	discoveries(w, names, 1);
	answer(w, 0, 0, EP_DISC_SIP_SRV, EP_DNS_ANSWERED, NULL, recs,
	    EP_SRV_MAX);
	w->o.disc[0].chosen = 0;
	judge(w);
	assert_int_equal(count_of(w, EP_CHECK_DNS_OVER_LIMIT), 0);
	w->o.disc[0].answer[0][EP_DISC_SIP_SRV].total = EP_SRV_MAX + 1;
	ep_findings_clear(&w->f);
	judge(w);
	assert_int_equal(count_of(w, EP_CHECK_DNS_OVER_LIMIT), 1);
	snprintf(want, sizeof(want), "_sip._tls." D " has %d SRV records; "
	    "edgeprobe keeps the %d that clients try first", EP_SRV_MAX + 1,
	    EP_SRV_MAX);
	for (i = 0; w->f.v[i].check != EP_CHECK_DNS_OVER_LIMIT; i++)
		;
	expect(w, i, EP_CHECK_DNS_OVER_LIMIT, EP_SEV_WARNING, "_sip._tls." D,
	    want);
	assert_int_equal(w->f.v[i].group, w->o.disc[0].group);
}

/*
 * A name whose every address was probed: nothing about the limit.  One
 * with more in DNS than were probed: dns-over-limit on the name, once
 * however many observations it has.
 */
static void
test_addrs_over_limit(void **state)
{
	struct world	*w = *state;
	struct ep_obs	 obs;
	char		 err[256], want[128];
	size_t		 i;

	if (ep_plan_add_target(w->plan, EP_ROLE_WEBCON, "webcon." D, "--test",
	    err, sizeof(err)) == -1)
		fail_msg("%s", err);
	for (i = 0; i < 3; i++) {
		memset(&obs, 0, sizeof(obs));
		obs.port = 443;
		obs.has_addr = 1;
		obs.family = AF_INET;
		obs.addr[0] = 127;
		obs.addr[1] = 0;
		obs.addr[2] = 80;
		obs.addr[3] = (unsigned char)(i + 1);
		snprintf(obs.addrstr, sizeof(obs.addrstr), "127.0.80.%zu",
		    i + 1);
		obs.status = EP_OBS_CONNECT_FAILED;
		obs.dns_total = EP_RESOLVE_ADDRS_MAX;
		assert_true(ep_observations_add(&w->o, &obs) != (size_t)-1);
	}
	judge(w);
	assert_int_equal(count_of(w, EP_CHECK_DNS_OVER_LIMIT), 0);
	for (i = 0; i < w->o.n; i++)
		w->o.v[i].dns_total = EP_RESOLVE_ADDRS_MAX + 1;
	ep_findings_clear(&w->f);
	judge(w);
	assert_int_equal(count_of(w, EP_CHECK_DNS_OVER_LIMIT), 1);
	snprintf(want, sizeof(want), "webcon." D " has %d addresses in DNS; "
	    "edgeprobe probes the lowest %d", EP_RESOLVE_ADDRS_MAX + 1,
	    EP_RESOLVE_ADDRS_MAX);
	for (i = 0; w->f.v[i].check != EP_CHECK_DNS_OVER_LIMIT; i++)
		;
	expect(w, i, EP_CHECK_DNS_OVER_LIMIT, EP_SEV_WARNING, "webcon." D,
	    want);
	assert_int_equal(w->f.v[i].group, EP_FINDING_NO_GROUP);
}

/*
 * A run that left no endpoint out: nothing about the limit.  One that
 * left some out: endpoints-over-limit, on the run, saying how many.
 */
static void
test_endpoints_over_limit(void **state)
{
	struct world	*w = *state;

	judge(w);
	assert_int_equal(count_of(w, EP_CHECK_ENDPOINTS_OVER_LIMIT), 0);
	w->o.endpoints_left_out = 1;
	ep_findings_clear(&w->f);
	judge(w);
	assert_int_equal(w->f.n, 1);
	expect(w, 0, EP_CHECK_ENDPOINTS_OVER_LIMIT, EP_SEV_WARNING, "",
	    "makes 1 endpoints more than a run probes");
	assert_int_equal(w->f.v[0].group, EP_FINDING_NO_GROUP);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_srv_none, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_srv_failed_and_late,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_srv_unusable_targets,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_srv_dot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_srv_outside, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nothing_found, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_domain_judged_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_role_not_checked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_srv_over_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_addrs_over_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_endpoints_over_limit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_role_not_expected, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, fx_lync_setup, fx_lync_teardown);
}
