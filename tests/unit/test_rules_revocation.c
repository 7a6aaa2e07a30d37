/*
 * Unit tests for the revocation rules (src/judge/rules_revocation.c) and
 * for chains completed by AIA (src/judge/rules_trust.c), on observations
 * whose fetches are made of the fixtures of fixtures/make-revocation:
 * stapled and fetched OCSP answers, fetched and given CRLs, fetches that
 * failed or hit their cap, --no-fetch, a missing intermediate fetched or
 * not; and what the rules keep for the reports.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "input/ep_plan.h"
#include "input/ep_profile.h"
#include "judge/ep_rules.h"
#include "net/ep_observe.h"
#include "net/ep_probe.h"
#include "x509/ep_names.h"
#include "x509/ep_trust.h"
#include "fixture.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define OCSP_URL	"http://ocsp.contoso.example/"
#define ISSUER_URL	"http://ca.contoso.example/pubint.cer"
#define CRL_URL		"http://crl.contoso.example/pub.crl"

struct world {
	struct ep_profile	*profile;
	struct ep_plan		*plan;
	struct ep_trust		*trust;
	struct ep_names		*names;
	struct ep_observations	 o;
	struct ep_findings	 f;
	struct ep_revchecks	 revs;
};

static int
setup(void **state)
{
	struct world	*w;
	char		 err[256];

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    ep_profile_load("lync2013", &w->profile, err, sizeof(err)) == -1 ||
	    (w->plan = ep_plan_new(w->profile)) == NULL ||
	    ep_trust_new(&w->trust, fx_path("public-root.pem"), NULL, err,
	    sizeof(err)) == -1 ||
	    ep_names_new(&w->names, NULL, err, sizeof(err)) == -1 ||
	    ep_observations_init(&w->o) == -1)
		return -1;
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world	*w = *state;

	ep_revchecks_clear(&w->revs);
	ep_findings_clear(&w->f);
	ep_observations_clear(&w->o);
	ep_names_free(w->names);
	ep_trust_free(w->trust);
	ep_plan_free(w->plan);
	ep_profile_free(w->profile);
	free(w);
	return 0;
}

static size_t
target_named(struct world *w, enum ep_role role, const char *name)
{
	char	err[256];

	if (ep_plan_add_target(w->plan, role, name, "--test", err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	return ep_plan_ntargets(w->plan) - 1;
}

/* The name of revocation/leaf.pem. */
static size_t
target(struct world *w, enum ep_role role)
{
	return target_named(w, role, "webcon.contoso.example");
}

/* Loads fixture name; returns its store index. */
static size_t
cert(struct world *w, const char *name)
{
	size_t	idx;
	char	err[256];

	if (ep_certs_load_file(w->o.certs, fx_path(name), &idx, 1, err,
	    sizeof(err)) != 1)
		fail_msg("%s: %s", name, err);
	return idx;
}

/* A live endpoint of t at 192.0.2.last:443 presenting the fixtures. */
static size_t
endpoint(struct world *w, size_t t, int last, const char *leaf,
    const char *inter)
{
	struct ep_obs	obs;
	size_t		i;

	memset(&obs, 0, sizeof(obs));
	obs.target = t;
	obs.kind = EP_OBS_LIVE;
	obs.status = EP_OBS_OK;
	obs.has_addr = 1;
	obs.family = AF_INET;
	snprintf(obs.addrstr, sizeof(obs.addrstr), "192.0.2.%d", last);
	obs.port = 443;
	obs.chain[obs.chain_len++] = cert(w, leaf);
	if (inter != NULL)
		obs.chain[obs.chain_len++] = cert(w, inter);
	assert_int_not_equal(i = ep_observations_add(&w->o, &obs), (size_t)-1);
	return i;
}

/*
 * Records a fetch: of kind, url, about the certificate of fixture about
 * (OCSP), its body the fixture body (NULL: it failed, with why; capped
 * when cap).  Returns its index.
 */
static size_t
fetched(struct world *w, enum ep_fetched_kind kind, const char *url,
    const char *about, const char *body, const char *why, int cap)
{
	struct ep_fetched	f;
	gnutls_datum_t		d;
	char			path[128];
	size_t			i;

	memset(&f, 0, sizeof(f));
	f.kind = kind;
	assert_non_null(f.url = strdup(url));
	if (about != NULL) {
		f.cert = cert(w, about);
		f.issuer = cert(w, "public-int.pem");
	}
	if (body != NULL && kind == EP_FETCHED_ISSUER) {
		assert_non_null(f.certs = calloc(1, sizeof(*f.certs)));
		f.certs[f.ncerts++] = cert(w, body);
		f.ok = 1;
	} else if (body != NULL) {
		snprintf(path, sizeof(path), "revocation/%s", body);
		assert_int_equal(gnutls_load_file(fx_path(path), &d), 0);
		assert_non_null(f.body = malloc(d.size));
		memcpy(f.body, d.data, d.size);
		f.len = d.size;
		gnutls_free(d.data);
		f.ok = 1;
	} else {
		snprintf(f.why, sizeof(f.why), "%s", why);
		f.capped = cap;
	}
	assert_int_not_equal(i = ep_observations_add_fetched(&w->o, &f),
	    (size_t)-1);
	return i;
}

/* A file given with --crl or --ocsp-response. */
static void
given(struct world *w, enum ep_fetched_kind kind, const char *body)
{
	size_t	i = fetched(w, kind, body, NULL, body, NULL, 0);

	w->o.fetched[i].given = 1;
}

static void
run(struct world *w)
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
	ctx.revs = &w->revs;
	assert_int_equal(ep_rules_run(&ctx, &w->o, &w->f, err, sizeof(err)),
	    0);
}

struct want {
	enum ep_check		check;
	enum ep_severity	severity;
	size_t			obs;
};

#define W(c, s, o)	{ EP_CHECK_##c, EP_SEV_##s, (o) }

static void
dump(const struct world *w)
{
	size_t	i;

	for (i = 0; i < w->f.n; i++)
		print_message("  %s %s obs=%zu: %s\n",
		    ep_check_info(w->f.v[i].check)->id,
		    ep_severity_name(w->f.v[i].severity), w->f.v[i].obs,
		    w->f.v[i].message);
}

/* The findings are exactly want, in any order. */
static void
expect(const struct world *w, const struct want *want, size_t n)
{
	int	used[64] = { 0 };
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < w->f.n; j++)
			if (!used[j] && w->f.v[j].check == want[i].check &&
			    w->f.v[j].severity == want[i].severity &&
			    w->f.v[j].obs == want[i].obs)
				break;
		if (j == w->f.n) {
			dump(w);
			fail_msg("missing %s %s obs=%zu",
			    ep_check_info(want[i].check)->id,
			    ep_severity_name(want[i].severity), want[i].obs);
		}
		used[j] = 1;
	}
	if (w->f.n != n) {
		dump(w);
		fail_msg("%zu findings, %zu wanted", w->f.n, n);
	}
}

#define EXPECT(w, ...) do {						\
	const struct want want_[] = { __VA_ARGS__ };			\
	expect((w), want_, NELEM(want_));				\
} while (0)
#define EXPECT_NONE(w)	expect((w), NULL, 0)

static const struct ep_finding *
finding_of(const struct world *w, enum ep_check c)
{
	size_t	i;

	for (i = 0; i < w->f.n; i++)
		if (w->f.v[i].check == c)
			return &w->f.v[i];
	fail_msg("no %s", ep_check_info(c)->id);
	return NULL;
}

/* The revocation checks kept of observation obs at depth d by method m. */
static const struct ep_revcheck *
check_of(const struct world *w, size_t obs, size_t d, enum ep_rev_method m,
    const char *url)
{
	size_t	i;

	for (i = 0; i < w->revs.n; i++) {
		const struct ep_revcheck	*c = &w->revs.v[i];

		if (c->obs == obs && c->depth == d && c->method == m &&
		    (url == NULL || (c->url != NULL &&
		    strcmp(c->url, url) == 0)))
			return c;
	}
	fail_msg("no %s check of obs %zu depth %zu", ep_rev_method_name(m),
	    obs, d);
	return NULL;
}

/*
 * A good staple and a good CRL: nothing wrong.  The responder is not
 * asked (the staple is what clients use); the LDAP distribution point is
 * listed as not checked.
 */
static void
test_all_good(void **state)
{
	struct world		*w = *state;
	size_t			 i;
	const struct ep_revcheck *c;

	i = endpoint(w, target(w, EP_ROLE_WEBCON), 1, "revocation/leaf.pem",
	    "public-int.pem");
	w->o.v[i].staple = fetched(w, EP_FETCHED_STAPLE, "-", NULL,
	    "ocsp-good.der", NULL, 0) + 1;
	fetched(w, EP_FETCHED_CRL, CRL_URL, NULL, "crl-good.pem", NULL, 0);
	run(w);
	EXPECT_NONE(w);
	c = check_of(w, i, 0, EP_REVM_OCSP_STAPLED, NULL);
	assert_int_equal(c->outcome, EP_REVO_GOOD);
	assert_int_equal(c->next_update, FX_NOW + 6 * 86400);
	assert_int_equal(check_of(w, i, 0, EP_REVM_CRL, CRL_URL)->outcome,
	    EP_REVO_GOOD);
	c = check_of(w, i, 0, EP_REVM_CRL, NULL);
	assert_int_equal(w->revs.n, 3);
	for (i = 0; i < w->revs.n; i++)
		assert_int_not_equal(w->revs.v[i].method, EP_REVM_OCSP);
}

/*
 * Revoked, as the responder and the CRL both say: one critical finding,
 * told by the first source asked (OCSP), with the date and its reason,
 * both answers kept for the reports; and no staple for a leaf that
 * demands one.
 */
static void
test_revoked(void **state)
{
	struct world		*w = *state;
	const struct ep_finding	*f;

	endpoint(w, target(w, EP_ROLE_WEBCON), 1, "revocation/leaf.pem",
	    "public-int.pem");
	fetched(w, EP_FETCHED_OCSP, OCSP_URL, "revocation/leaf.pem",
	    "ocsp-revoked.der", NULL, 0);
	fetched(w, EP_FETCHED_CRL, CRL_URL, NULL, "crl-revoked.pem", NULL, 0);
	run(w);
	EXPECT(w, W(REVOKED, CRITICAL, 0), W(MUST_STAPLE_MISSING, CRITICAL, 0));
	f = finding_of(w, EP_CHECK_REVOKED);
	assert_non_null(strstr(f->message, "revoked on 2026-03-01"));
	assert_non_null(strstr(f->message, "(keyCompromise), says the OCSP "
	    "responder " OCSP_URL));
	assert_int_equal(check_of(w, 0, 0, EP_REVM_OCSP, OCSP_URL)->outcome,
	    EP_REVO_REVOKED);
	assert_int_equal(check_of(w, 0, 0, EP_REVM_CRL, CRL_URL)->outcome,
	    EP_REVO_REVOKED);
}

/*
 * A staple too large to keep (EP_PROBE_STAPLE_MAX) is an unusable
 * response, saying why, and no missing staple; the responder is not
 * asked in its place, as for any staple.
 */
static void
test_staple_over_limit(void **state)
{
	struct world	*w = *state;
	size_t		 i;
	char		 why[128];

	i = endpoint(w, target(w, EP_ROLE_WEBCON), 1, "revocation/leaf.pem",
	    "public-int.pem");
	snprintf(why, sizeof(why), "it is %d bytes, over edgeprobe's limit "
	    "of %d", EP_PROBE_STAPLE_MAX + 1, EP_PROBE_STAPLE_MAX);
	w->o.v[i].staple = fetched(w, EP_FETCHED_STAPLE, "-", NULL, NULL, why,
	    1) + 1;
	fetched(w, EP_FETCHED_CRL, CRL_URL, NULL, "crl-good.pem", NULL, 0);
	run(w);
	EXPECT(w, W(OCSP_RESPONSE_INVALID, WARNING, 0));
	assert_non_null(strstr(finding_of(w,
	    EP_CHECK_OCSP_RESPONSE_INVALID)->message, why));
	assert_int_equal(check_of(w, i, 0, EP_REVM_OCSP_STAPLED,
	    NULL)->outcome, EP_REVO_INVALID);
}

/*
 * Fetches that failed: the responder (info: responders are flaky), the
 * CRL (a warning where the role's clients must check, info where they
 * go on without), a CRL over its cap (invalid).
 */
static void
test_unreachable(void **state)
{
	struct world		*w = *state;
	const struct ep_finding	*f;

	endpoint(w, target(w, EP_ROLE_WEBCON), 1,
	    "revocation/leaf-no-staple.pem", "public-int.pem");
	endpoint(w, target(w, EP_ROLE_INTERNAL), 2,
	    "revocation/leaf-no-staple.pem", "public-int.pem");
	fetched(w, EP_FETCHED_OCSP, OCSP_URL, "revocation/leaf-no-staple.pem",
	    NULL, "connection refused", 0);
	fetched(w, EP_FETCHED_CRL, CRL_URL, NULL, NULL, "HTTP 404", 0);
	run(w);
	EXPECT(w, W(OCSP_UNREACHABLE, INFO, 0), W(CRL_UNREACHABLE, WARNING, 0),
	    W(OCSP_UNREACHABLE, INFO, 1), W(CRL_UNREACHABLE, INFO, 1));
	f = finding_of(w, EP_CHECK_CRL_UNREACHABLE);
	assert_non_null(strstr(f->message, CRL_URL " could not be fetched: "
	    "HTTP 404; clients that must check revocation fail"));
	assert_int_equal(check_of(w, 0, 0, EP_REVM_OCSP, OCSP_URL)->outcome,
	    EP_REVO_UNREACHABLE);

	ep_findings_clear(&w->f);
	free(w->o.fetched[1].url);
	w->o.nfetched = 1;
	fetched(w, EP_FETCHED_CRL, CRL_URL, NULL, NULL,
	    "larger than 67108864 bytes", 1);
	run(w);
	assert_non_null(strstr(finding_of(w, EP_CHECK_CRL_INVALID)->message,
	    "larger than 67108864 bytes"));
}

/*
 * CRLs that cannot be used: stale (critical: Windows takes revocation
 * as unknown), signed by another key (invalid); a revocation on a stale
 * list still stands.  An OCSP answer that is stale, or says unknown.
 */
static void
test_unusable(void **state)
{
	struct world	*w = *state;
	size_t		 t = target_named(w, EP_ROLE_GENERIC,
			    "access.contoso.example");
	size_t		 u = target(w, EP_ROLE_WEBCON);

	endpoint(w, t, 1, "access.pem", "public-int.pem");
	fetched(w, EP_FETCHED_CRL, "http://crl.contoso.example/pub.crl", NULL,
	    "crl-stale.pem", NULL, 0);
	run(w);
	EXPECT(w, W(CRL_STALE, CRITICAL, 0));
	ep_findings_clear(&w->f);
	free(w->o.fetched[0].body);
	free(w->o.fetched[0].url);
	w->o.nfetched = 0;
	fetched(w, EP_FETCHED_CRL, CRL_URL, NULL, "crl-wrong-key.pem", NULL, 0);
	run(w);
	EXPECT(w, W(CRL_INVALID, CRITICAL, 0));
	assert_non_null(strstr(w->f.v[0].message, "signature"));

	ep_findings_clear(&w->f);
	endpoint(w, u, 2, "revocation/leaf-no-staple.pem", "public-int.pem");
	/* leaf.pem's answer, asked about another certificate of the CA. */
	fetched(w, EP_FETCHED_OCSP, OCSP_URL, "revocation/leaf-no-staple.pem",
	    "ocsp-good.der", NULL, 0);
	run(w);
	EXPECT(w, W(CRL_INVALID, CRITICAL, 0), W(CRL_INVALID, CRITICAL, 1),
	    W(OCSP_RESPONSE_INVALID, WARNING, 1));
}

/* --no-fetch: nothing fetched, nothing found; each check not checked. */
static void
test_no_fetch(void **state)
{
	struct world	*w = *state;
	size_t		 i;

	w->o.no_fetch = 1;
	i = endpoint(w, target(w, EP_ROLE_WEBCON), 1,
	    "revocation/leaf-no-staple.pem", "public-int.pem");
	run(w);
	EXPECT_NONE(w);
	assert_int_equal(check_of(w, i, 0, EP_REVM_OCSP, OCSP_URL)->outcome,
	    EP_REVO_NOT_CHECKED);
	assert_non_null(strstr(check_of(w, i, 0, EP_REVM_CRL, CRL_URL)->why,
	    "--no-fetch"));
}

/*
 * A revoked intermediate, in a CRL of the root given as a file (as with
 * --crl): the leaf's issuing CA is revoked.
 */
static void
test_intermediate_revoked(void **state)
{
	struct world		*w = *state;
	const struct ep_finding	*f;

	endpoint(w, target_named(w, EP_ROLE_GENERIC, "access.contoso.example"),
	    1, "access.pem", "public-int.pem");
	given(w, EP_FETCHED_CRL, "crl-root-revoked.pem");
	fetched(w, EP_FETCHED_CRL, CRL_URL, NULL, "crl-good.pem", NULL, 0);
	run(w);
	EXPECT(w, W(REVOKED, CRITICAL, 0));
	f = finding_of(w, EP_CHECK_REVOKED);
	assert_non_null(strstr(f->message, "intermediate CN=Fixture Public "
	    "Issuing CA"));
	assert_int_equal(check_of(w, 0, 1, EP_REVM_CRL_FILE, NULL)->outcome,
	    EP_REVO_REVOKED);
}

/*
 * A server without its intermediate.  Fetched from the leaf's caIssuers
 * URL, the path is trusted: chain-incomplete, a warning naming the URL.
 * When that fetch failed: critical, saying why.
 */
static void
test_aia_completion(void **state)
{
	struct world		*w = *state;
	const struct ep_finding	*f;
	size_t			 t = target(w, EP_ROLE_WEBCON);

	w->o.no_fetch = 1;	/* only the AIA fetch is the point here */
	endpoint(w, t, 1, "revocation/leaf-no-staple.pem", NULL);
	fetched(w, EP_FETCHED_ISSUER, ISSUER_URL, NULL, "public-int.pem",
	    NULL, 0);
	run(w);
	EXPECT(w, W(CHAIN_INCOMPLETE, WARNING, 0));
	f = finding_of(w, EP_CHECK_CHAIN_INCOMPLETE);
	assert_non_null(strstr(f->message, "AIA URL " ISSUER_URL));
	assert_non_null(strstr(f->message, "many phones"));

	ep_findings_clear(&w->f);
	w->o.fetched[0].ok = 0;
	snprintf(w->o.fetched[0].why, sizeof(w->o.fetched[0].why),
	    "HTTP 404");
	run(w);
	EXPECT(w, W(CHAIN_INCOMPLETE, CRITICAL, 0));
	assert_non_null(strstr(w->f.v[0].message, "its AIA URL " ISSUER_URL
	    " could not be fetched (HTTP 404)"));

	/* Stopped before it came: a warning at least, and unknown. */
	ep_findings_clear(&w->f);
	w->o.fetched[0].interrupted = 1;
	run(w);
	EXPECT(w, W(INTERRUPTED, UNKNOWN, 0), W(CHAIN_INCOMPLETE, WARNING, 0));
	assert_non_null(strstr(w->f.v[0].message, "the run was interrupted "
	    "before its AIA URL " ISSUER_URL " was fetched"));
}

/*
 * Fetches the run was stopped before they ended tell nothing: neither
 * unreachable nor revoked, but interrupted, unknown, and not checked.
 */
static void
test_interrupted_fetches(void **state)
{
	struct world		*w = *state;
	size_t			 o, c;

	endpoint(w, target(w, EP_ROLE_WEBCON), 1,
	    "revocation/leaf-no-staple.pem", "public-int.pem");
	o = fetched(w, EP_FETCHED_OCSP, OCSP_URL,
	    "revocation/leaf-no-staple.pem", NULL, "the run was interrupted "
	    "before it was fetched", 0);
	c = fetched(w, EP_FETCHED_CRL, CRL_URL, NULL, NULL, "the run was "
	    "interrupted before it was fetched", 0);
	w->o.fetched[o].interrupted = 1;
	w->o.fetched[c].interrupted = 1;
	run(w);
	EXPECT(w, W(INTERRUPTED, UNKNOWN, 0), W(INTERRUPTED, UNKNOWN, 0));
	assert_non_null(strstr(w->f.v[0].message, "the run was interrupted "
	    "before the OCSP responder " OCSP_URL " answered"));
	assert_non_null(strstr(w->f.v[1].message, "the run was interrupted "
	    "before the CRL of the certificate at " CRL_URL " was fetched"));
	assert_int_equal(check_of(w, 0, 0, EP_REVM_OCSP, OCSP_URL)->outcome,
	    EP_REVO_NOT_CHECKED);
	assert_int_equal(check_of(w, 0, 0, EP_REVM_CRL, CRL_URL)->outcome,
	    EP_REVO_NOT_CHECKED);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_all_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupted_fetches, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_staple_over_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unreachable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unusable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_fetch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intermediate_revoked,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_aia_completion, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
