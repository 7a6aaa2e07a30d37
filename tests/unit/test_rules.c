/*
 * Unit tests for the rules (src/rules.c), chain verification (src/trust.c),
 * the check table (src/check.c) and findings (src/finding.c).
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <gnutls/gnutls.h>

#include "input/ep_check.h"
#include "judge/ep_finding.h"
#include "judge/ep_rules.h"
#include "fixture.h"
#include "mkcert.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define C		"contoso.example"
#define DN_PUBLIC_INT	"CN=Fixture Public Issuing CA,O=edgeprobe fixtures"

/* Everything one run of the rules needs. */
struct world {
	struct ep_profile	*profile;
	struct ep_plan		*plan;
	struct ep_trust		*trust;
	struct ep_names		*names;		/* shared by all tests */
	struct ep_observations	 o;
	struct ep_findings	 f;
	time_t			 now;
	struct ep_threshold	 warn, crit;
};

/* One expected finding. */
struct want {
	enum ep_check		 check;
	enum ep_severity	 severity;
	size_t			 obs;
	const char		*name;		/* "" for none */
};

#define W(chk, sev, obs, name) \
	{ EP_CHECK_##chk, EP_SEV_##sev, (obs), (name) }

static struct ep_names	*names;

static int
group_setup(void **state)
{
	char	err[256];

	(void)state;
	if (ep_names_new(&names, NULL, err, sizeof(err)) == -1) {
		print_error("ep_names_new: %s\n", err);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	ep_names_free(names);
	return 0;
}

/*
 * The role values of DESIGN.md's lync2013, set here so that the rules are
 * tested against known values whatever the profile files hold.
 */
static void
lync_values(struct ep_profile *p)
{
	static const enum ep_role	sized[] = { EP_ROLE_ACCESS, EP_ROLE_WEBCON,
					    EP_ROLE_INTERNAL, EP_ROLE_REVERSE_PROXY };
	static const unsigned		sizes[] = { 1024, 2048, 4096 };
	size_t				i;

	/*
	 * No role expects another: what the endpoint rules make is tested
	 * here, role-not-checked in test_rules_dns.
	 */
	for (i = 0; i < EP_ROLE__MAX; i++) {
		p->roles[i].subject = EP_SUBJECT_ANY;
		p->roles[i].subject_wildcard_ok = 0;
		p->roles[i].wildcard_order = 0;
		p->roles[i].offline_also = 0;
		p->roles[i].expected_with = 0;
		p->roles[i].nrsa_sizes = 0;
	}
	p->roles[EP_ROLE_ACCESS].subject = EP_SUBJECT_SELF;
	p->roles[EP_ROLE_ACCESS].offline_also = 1u << EP_ROLE_WEBCON;
	p->roles[EP_ROLE_INTERNAL].subject_wildcard_ok = 1;
	p->roles[EP_ROLE_REVERSE_PROXY].wildcard_order = 1;
	for (i = 0; i < NELEM(sized); i++) {
		memcpy(p->roles[sized[i]].rsa_sizes, sizes, sizeof(sizes));
		p->roles[sized[i]].nrsa_sizes = NELEM(sizes);
	}
	p->min_rsa_bits = 2048;
	p->min_ec_bits = 256;
	p->weak_hashes[0] = GNUTLS_DIG_SHA1;
	p->weak_hashes[1] = GNUTLS_DIG_MD5;
	p->nweak_hashes = 2;
	p->pss_ok = 0;
	p->min_tls = GNUTLS_TLS1_2;
	for (i = 0; i < EP_CHECK__MAX; i++)
		p->severity[i] = ep_check_info((enum ep_check)i)->severity;
}

/* A new world: lync2013, CA file ca (a fixture), internal-root.pem. */
static struct world *
world_new(const char *ca)
{
	struct world	*w;
	char		 err[512] = "";

	assert_non_null(w = calloc(1, sizeof(*w)));
	if (ep_profile_load("lync2013", &w->profile, err, sizeof(err)) != 0)
		fail_msg("ep_profile_load: %s", err);
	lync_values(w->profile);
	assert_non_null(w->plan = ep_plan_new(w->profile));
	if (ep_trust_new(&w->trust, fx_path(ca), fx_path("internal-root.pem"),
	    err, sizeof(err)) != 0)
		fail_msg("ep_trust_new: %s", err);
	w->names = names;
	assert_int_equal(ep_observations_init(&w->o), 0);
	w->now = FX_NOW;
	w->warn = (struct ep_threshold){ 30, 0 };
	w->crit = (struct ep_threshold){ 7, 0 };
	return w;
}

static int
world_setup(void **state)
{
	*state = world_new("public-root.pem");
	return 0;
}

static void
world_free(struct world *w)
{
	if (w == NULL)
		return;
	ep_findings_clear(&w->f);
	ep_observations_clear(&w->o);
	ep_trust_free(w->trust);
	ep_plan_free(w->plan);
	ep_profile_free(w->profile);
	free(w);
}

static int
world_teardown(void **state)
{
	world_free(*state);
	return 0;
}

/* Adds target name in role and returns its index in plan->targets. */
static size_t
target(struct world *w, enum ep_role role, const char *name)
{
	char	err[256] = "";
	size_t	i;

	if (ep_plan_add_target(w->plan, role, name, "--test", err,
	    sizeof(err)) != 0)
		fail_msg("ep_plan_add_target %s: %s", name, err);
	for (i = 0; i < ep_plan_ntargets(w->plan); i++)
		if (ep_plan_target(w->plan, i)->role == role &&
		    strcmp(ep_plan_target(w->plan, i)->name, name) == 0)
			return i;
	fail_msg("target %s not in the plan", name);
	return 0;
}

static void
sip_domain(struct world *w, const char *d)
{
	char	err[256] = "";

	if (ep_plan_add_sip_domain(w->plan, d, err, sizeof(err)) != 0)
		fail_msg("ep_plan_add_sip_domain %s: %s", d, err);
}

static void
published(struct world *w, const char *name)
{
	char	err[256] = "";

	if (ep_plan_add_published(w->plan, name, "--published", err,
	    sizeof(err)) != 0)
		fail_msg("ep_plan_add_published %s: %s", name, err);
}

/* Fills the address and port of an observation. */
static void
obs_at(struct ep_obs *obs, size_t t, const char *addr, uint16_t port)
{
	memset(obs, 0, sizeof(*obs));
	obs->target = t;
	obs->port = port;
	obs->has_addr = 1;
	if (inet_pton(AF_INET, addr, obs->addr) == 1)
		obs->family = AF_INET;
	else {
		assert_int_equal(inet_pton(AF_INET6, addr, obs->addr), 1);
		obs->family = AF_INET6;
	}
	snprintf(obs->addrstr, sizeof(obs->addrstr), "%s", addr);
}

/* Appends the certificates of fixture file to the chain of obs. */
static void
chain_add(struct world *w, struct ep_obs *obs, const char *file)
{
	char	err[512] = "";
	int	n;

	n = ep_certs_load_file(w->o.certs, fx_path(file),
	    obs->chain + obs->chain_len, EP_CHAIN_MAX - obs->chain_len, err,
	    sizeof(err));
	if (n <= 0)
		fail_msg("loading %s: %s", file, err);
	obs->chain_len += (size_t)n;
}

/*
 * Records a handshake with target t at addr:port whose server sent the
 * certificates of the fixture files (leaf first), NULL-terminated.
 * Returns the observation's index.
 */
static size_t
obs_ok(struct world *w, size_t t, const char *addr, unsigned port, ...)
{
	struct ep_obs	 obs;
	const char	*file;
	va_list		 ap;
	size_t		 i;

	assert_true(port > 0 && port <= 65535);
	obs_at(&obs, t, addr, (uint16_t)port);
	obs.status = EP_OBS_OK;
	snprintf(obs.tls_version, sizeof(obs.tls_version), "TLS1.3");
	va_start(ap, port);
	while ((file = va_arg(ap, const char *)) != NULL)
		chain_add(w, &obs, file);
	va_end(ap);
	assert_true(obs.chain_len > 0);
	i = ep_observations_add(&w->o, &obs);
	assert_true(i != (size_t)-1);
	return i;
}

/*
 * Records an offline observation of kind (chain file, PFX, CSR) for
 * target t: no address, no port, the certificates of the fixture files,
 * NULL-terminated.  port_flags stays 0: the rules must find a federation
 * port in the plan themselves.  Returns the observation's index.
 */
static size_t
obs_file(struct world *w, size_t t, enum ep_obs_kind kind, ...)
{
	struct ep_obs	 obs;
	const char	*file;
	va_list		 ap;
	size_t		 i;

	memset(&obs, 0, sizeof(obs));
	obs.kind = kind;
	obs.target = t;
	obs.status = EP_OBS_OK;
	snprintf(obs.file, sizeof(obs.file), "test.file");
	va_start(ap, kind);
	while ((file = va_arg(ap, const char *)) != NULL)
		chain_add(w, &obs, file);
	va_end(ap);
	assert_true(obs.chain_len > 0);
	i = ep_observations_add(&w->o, &obs);
	assert_true(i != (size_t)-1);
	return i;
}

/* Records a failed probe; chain_file, when not NULL, is a partial chain. */
static size_t
obs_failed(struct world *w, size_t t, const char *addr, uint16_t port,
    enum ep_obs_status status, const char *chain_file)
{
	struct ep_obs	obs;
	size_t		i;

	obs_at(&obs, t, addr, port);
	if (status == EP_OBS_NO_ADDRESS) {
		obs.has_addr = 0;
		obs.family = 0;
		memset(obs.addr, 0, sizeof(obs.addr));
		obs.addrstr[0] = '\0';
	}
	obs.status = status;
	snprintf(obs.error, sizeof(obs.error), "test failure %d", (int)status);
	if (chain_file != NULL)
		chain_add(w, &obs, chain_file);
	i = ep_observations_add(&w->o, &obs);
	assert_true(i != (size_t)-1);
	return i;
}

/* The rules' context of the world w. */
static void
rules_ctx(const struct world *w, struct ep_rules_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->plan = w->plan;
	ctx->trust = w->trust;
	ctx->names = w->names;
	ctx->now = w->now;
	ctx->warn = w->warn;
	ctx->crit = w->crit;
}

/* Sorts the observations (as the engine does) and runs the rules. */
static void
run(struct world *w)
{
	struct ep_rules_ctx	ctx;
	char			err[256] = "";

	ep_observations_sort(&w->o);
	rules_ctx(w, &ctx);
	ep_findings_clear(&w->f);
	if (ep_rules_run(&ctx, &w->o, &w->f, err, sizeof(err)) != 0)
		fail_msg("ep_rules_run: %s", err);
}

static void
dump(const struct ep_findings *f)
{
	size_t	i;

	print_message("%zu finding(s):\n", f->n);
	for (i = 0; i < f->n; i++)
		print_message("  %s %s obs=%zu name='%s': %s\n",
		    ep_check_info(f->v[i].check)->id,
		    ep_severity_name(f->v[i].severity), f->v[i].obs,
		    f->v[i].name, f->v[i].message);
}

/* Asserts the findings are exactly the n wanted ones, in any order. */
static void
expect(const struct ep_findings *f, const struct want *want, size_t n)
{
	int	used[64] = { 0 };
	size_t	i, j;

	assert_true(n <= NELEM(used));
	for (i = 0; i < f->n; i++)
		if (f->v[i].message[0] == '\0') {
			dump(f);
			fail_msg("finding %zu has no message", i);
		}
	for (i = 0; i < n; i++) {
		for (j = 0; j < f->n && j < NELEM(used); j++)
			if (!used[j] && f->v[j].check == want[i].check &&
			    f->v[j].severity == want[i].severity &&
			    f->v[j].obs == want[i].obs &&
			    strcmp(f->v[j].name, want[i].name) == 0)
				break;
		if (j == f->n || j == NELEM(used)) {
			dump(f);
			fail_msg("missing %s %s obs=%zu name='%s'",
			    ep_check_info(want[i].check)->id,
			    ep_severity_name(want[i].severity), want[i].obs,
			    want[i].name);
		}
		used[j] = 1;
	}
	if (f->n != n) {
		dump(f);
		fail_msg("%zu findings, %zu wanted", f->n, n);
	}
}

#define EXPECT(w, ...) do {						\
	const struct want want_[] = { __VA_ARGS__ };			\
	expect(&(w)->f, want_, NELEM(want_));				\
} while (0)

#define EXPECT_NONE(w)	expect(&(w)->f, NULL, 0)

/* Returns the first finding of check c, failing when there is none. */
static const struct ep_finding *
finding_of(const struct world *w, enum ep_check c)
{
	size_t	i;

	for (i = 0; i < w->f.n; i++)
		if (w->f.v[i].check == c)
			return &w->f.v[i];
	fail_msg("no %s finding", ep_check_info(c)->id);
	return NULL;
}

/* ---- names --------------------------------------------------------------- */

/* An access edge whose chain and SANs cover every name: no finding. */
static void
test_access_good(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	sip_domain(w, C);
	sip_domain(w, "fabrikam.example");
	t = target(w, EP_ROLE_ACCESS, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "access-chain.pem", NULL);
	obs_ok(w, t, "192.0.2.10", 5061, "access-chain.pem", NULL);
	run(w);
	EXPECT_NONE(w);
}

/* An access edge lacking sip.<second domain>: name-not-in-san for it. */
static void
test_access_missing_sip_name(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	sip_domain(w, C);
	sip_domain(w, "fabrikam.example");
	t = target(w, EP_ROLE_ACCESS, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "access-nofab.pem", "public-int.pem",
	    NULL);
	run(w);
	EXPECT(w, W(NAME_NOT_IN_SAN, CRITICAL, 0, "sip.fabrikam.example"));
	assert_non_null(strstr(w->f.v[0].message, "sip.fabrikam.example"));
}

/*
 * A wildcard SAN on the access edge: wildcard-not-allowed per name.  Its
 * wildcard subject CN is subject-wildcard, named once: not also
 * subject-not-access-fqdn.
 */
static void
test_access_wildcard_not_allowed(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	sip_domain(w, C);
	t = target(w, EP_ROLE_ACCESS, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "wildcard.pem", "public-int.pem", NULL);
	run(w);
	EXPECT(w,
	    W(WILDCARD_NOT_ALLOWED, CRITICAL, 0, "access." C),
	    W(WILDCARD_NOT_ALLOWED, CRITICAL, 0, "sip." C),
	    W(SUBJECT_WILDCARD, CRITICAL, 0, ""));
}

/*
 * The same wildcard certificate on the reverse proxy covers every name;
 * only its wildcard subject CN is wrong there.
 */
static void
test_reverse_proxy_wildcard_ok(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	sip_domain(w, C);
	published(w, "meet." C);
	published(w, "dialin." C);
	published(w, "lyncdiscover." C);
	t = target(w, EP_ROLE_REVERSE_PROXY, "ext." C);
	obs_ok(w, t, "192.0.2.20", 443, "wildcard.pem", "public-int.pem", NULL);
	run(w);
	EXPECT(w, W(SUBJECT_WILDCARD, CRITICAL, 0, ""));
}

/* Webcon name only in the subject CN (SAN differs): name-only-in-subject. */
static void
test_webcon_name_only_in_cn(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	obs_ok(w, t, "192.0.2.11", 443, "cn-not-in-san.pem", "public-int.pem",
	    NULL);
	run(w);
	EXPECT(w, W(NAME_ONLY_IN_SUBJECT, CRITICAL, 0, "webcon." C));
}

/* A CN-only certificate from the internal root on the internal role: fine. */
static void
test_internal_cn_only_ok(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	t = target(w, EP_ROLE_INTERNAL, "edge01.corp." C);
	obs_ok(w, t, "10.0.0.5", 5061, "internal-cn.pem", NULL);
	run(w);
	EXPECT_NONE(w);
}

/*
 * The same certificate on webcon: internal-ca-on-external instead of
 * chain-untrusted, and the name only in the CN.
 */
static void
test_internal_cert_on_webcon(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	t = target(w, EP_ROLE_WEBCON, "edge01.corp." C);
	obs_ok(w, t, "192.0.2.11", 443, "internal-cn.pem", NULL);
	run(w);
	EXPECT(w,
	    W(INTERNAL_CA_ON_EXTERNAL, CRITICAL, 0, ""),
	    W(NAME_ONLY_IN_SUBJECT, CRITICAL, 0, "edge01.corp." C));
	assert_non_null(strstr(finding_of(w,
	    EP_CHECK_INTERNAL_CA_ON_EXTERNAL)->message, "internal CA"));
}

/*
 * One chain on two internal members and on webcon, webcon's target added
 * first or last (observations go in target order): a verification reused
 * from one endpoint to the next still judges each by its own role.
 */
static void
same_chain_two_roles(struct world *w, int webcon_first)
{
	size_t	in, web, web_obs = webcon_first ? 0 : 2;

	if (webcon_first)
		web = target(w, EP_ROLE_WEBCON, "edge01.corp." C);
	in = target(w, EP_ROLE_INTERNAL, "edge01.corp." C);
	if (!webcon_first)
		web = target(w, EP_ROLE_WEBCON, "edge01.corp." C);
	obs_ok(w, in, "10.0.0.5", 5061, "internal-cn.pem", NULL);
	obs_ok(w, in, "10.0.0.6", 5061, "internal-cn.pem", NULL);
	obs_ok(w, web, "192.0.2.11", 443, "internal-cn.pem", NULL);
	run(w);
	EXPECT(w,
	    W(INTERNAL_CA_ON_EXTERNAL, CRITICAL, web_obs, ""),
	    W(NAME_ONLY_IN_SUBJECT, CRITICAL, web_obs, "edge01.corp." C));
}

static void
test_same_chain_internal_then_webcon(void **state)
{
	same_chain_two_roles(*state, 0);
}

static void
test_same_chain_webcon_then_internal(void **state)
{
	same_chain_two_roles(*state, 1);
}

/*
 * A run whose findings fill EP_FINDINGS_MAX fails saying so, not as if
 * memory had run out.
 */
static void
test_too_many_findings(void **state)
{
	struct world		*w = *state;
	struct ep_rules_ctx	 ctx;
	char			 err[256] = "";
	size_t			 t;

	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	obs_failed(w, t, "192.0.2.1", 443, EP_OBS_TIMEOUT, NULL);
	while (ep_findings_add(&w->f, EP_CHECK_TIMEOUT, EP_FINDING_NO_OBS,
	    NULL, "filler") != NULL)
		continue;
	assert_int_equal(w->f.n, EP_FINDINGS_MAX);
	rules_ctx(w, &ctx);
	assert_int_equal(ep_rules_run(&ctx, &w->o, &w->f, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "more than 100000 findings"));
}

/* The reverse proxy's own FQDN must cover every published name. */
static void
test_reverse_proxy_needs_published_names(void **state)
{
	struct world	*w = *state;
	size_t		 ext, meet;

	published(w, "meet." C);
	published(w, "dialin." C);
	published(w, "lyncdiscover." C);
	ext = target(w, EP_ROLE_REVERSE_PROXY, "ext." C);
	meet = target(w, EP_ROLE_REVERSE_PROXY, "meet." C);
	assert_int_equal(meet, 0);	/* the published names came first */
	/* rp.pem: ext, meet, dialin; no lyncdiscover. */
	obs_ok(w, meet, "192.0.2.20", 443, "rp.pem", "public-int.pem", NULL);
	obs_ok(w, ext, "192.0.2.20", 443, "rp.pem", "public-int.pem", NULL);
	run(w);
	/* Sorted by target: meet (0) first, ext (3) second. */
	assert_int_equal(w->o.v[1].target, ext);
	EXPECT(w, W(NAME_NOT_IN_SAN, CRITICAL, 1, "lyncdiscover." C));
}

/*
 * An IP reference is matched against iPAddress SANs only (the generic
 * role takes IP addresses as names).
 */
static void
test_ip_reference_matches_ip_san(void **state)
{
	struct world	*w = *state;
	size_t		 a, b, c, d;

	a = target(w, EP_ROLE_GENERIC, "192.0.2.7");
	b = target(w, EP_ROLE_GENERIC, "2001:db8::7");
	c = target(w, EP_ROLE_GENERIC, "192.0.2.8");
	d = target(w, EP_ROLE_GENERIC, "ipsan." C);
	obs_ok(w, a, "192.0.2.7", 443, "ip-san.pem", "public-int.pem", NULL);
	obs_ok(w, b, "2001:db8::7", 443, "ip-san.pem", "public-int.pem", NULL);
	obs_ok(w, c, "192.0.2.8", 443, "ip-san.pem", "public-int.pem", NULL);
	obs_ok(w, d, "192.0.2.7", 443, "ip-san.pem", "public-int.pem", NULL);
	run(w);
	EXPECT(w, W(NAME_NOT_IN_SAN, CRITICAL, 2, "192.0.2.8"));
}

/*
 * Many SIP domains (the plan takes up to EP_PLAN_NAMES_MAX) are judged,
 * not an internal error: one name-not-in-san per uncovered sip.<domain>.
 */
static void
test_many_sip_domains(void **state)
{
	struct world		*w = *state;
	struct ep_rules_ctx	 ctx;
	char			 d[64], err[256] = "";
	size_t			 t, i, n = 1100;
	int			 rc;

	for (i = 0; i < n; i++) {
		snprintf(d, sizeof(d), "d%zu.example", i);
		sip_domain(w, d);
	}
	sip_domain(w, C);	/* covered by the certificate */
	assert_int_equal(ep_plan_nsip_domains(w->plan), n + 1);
	t = target(w, EP_ROLE_ACCESS, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "access-chain.pem", NULL);
	memset(&ctx, 0, sizeof(ctx));
	ctx.plan = w->plan;
	ctx.trust = w->trust;
	ctx.names = w->names;
	ctx.now = w->now;
	ctx.warn = w->warn;
	ctx.crit = w->crit;
	rc = ep_rules_run(&ctx, &w->o, &w->f, err, sizeof(err));
	if (rc != 0)
		fail_msg("ep_rules_run with %zu SIP domains: %s", n + 1, err);
	assert_int_equal(w->f.n, n);
	for (i = 0; i < w->f.n; i++) {
		snprintf(d, sizeof(d), "sip.d%zu.example", i);
		assert_int_equal(w->f.v[i].check, EP_CHECK_NAME_NOT_IN_SAN);
		assert_string_equal(w->f.v[i].name, d);
	}
}

/* ---- trust --------------------------------------------------------------- */

/* The server sends only the leaf, edgeprobe lacks the intermediate. */
static void
test_chain_incomplete_unknown_intermediate(void **state)
{
	struct world		*w = *state;
	const struct ep_finding	*f;
	size_t			 t;

	sip_domain(w, C);
	t = target(w, EP_ROLE_ACCESS, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "access.pem", NULL);
	run(w);
	EXPECT(w, W(CHAIN_INCOMPLETE, CRITICAL, 0, ""));
	f = finding_of(w, EP_CHECK_CHAIN_INCOMPLETE);
	assert_non_null(strstr(f->message, DN_PUBLIC_INT));
	assert_non_null(strstr(f->message, "cannot tell"));
}

/* Leaf only, the intermediate known from the CA bundle: incomplete only. */
static void
test_chain_incomplete_completed(void **state)
{
	struct world		*w = world_new("public-bundle.pem");
	const struct ep_finding	*f;
	size_t			 t;

	(void)state;
	sip_domain(w, C);
	t = target(w, EP_ROLE_ACCESS, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "access.pem", NULL);
	run(w);
	EXPECT(w, W(CHAIN_INCOMPLETE, CRITICAL, 0, ""));
	f = finding_of(w, EP_CHECK_CHAIN_INCOMPLETE);
	assert_non_null(strstr(f->message, DN_PUBLIC_INT));
	assert_null(strstr(f->message, "cannot tell"));
	world_free(w);
}

/*
 * A whole chain with the root: no finding.  The same sent out of order
 * (the root before the intermediate): trusted, but TLS 1.2 forbids the
 * order, chain-order.
 */
static void
test_chain_with_root_and_unordered(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	t = target(w, EP_ROLE_GENERIC, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "access-chain.pem", "public-root.pem",
	    NULL);
	obs_ok(w, t, "192.0.2.11", 443, "access.pem", "public-root.pem",
	    "public-int.pem", NULL);
	run(w);
	EXPECT(w, W(CHAIN_ORDER, WARNING, 1, ""));
}

/*
 * Leaf plus a wrong intermediate of the right name (the impostor): the
 * real one is missing; known from the bundle, it completes the chain.
 */
static void
test_chain_wrong_intermediate(void **state)
{
	struct world	*w = world_new("public-bundle.pem");
	struct ep_obs	 obs;
	size_t		 t, idx[2], leaf[1];
	char		 err[512] = "";

	(void)state;
	t = target(w, EP_ROLE_WEBCON, "access." C);
	assert_int_equal(ep_certs_load_file(w->o.certs, fx_path("access.pem"),
	    leaf, 1, err, sizeof(err)), 1);
	assert_int_equal(ep_certs_load_file(w->o.certs,
	    fx_path("rogue-chain.pem"), idx, 2, err, sizeof(err)), 2);
	obs_at(&obs, t, "192.0.2.10", 443);
	obs.status = EP_OBS_OK;
	obs.chain[0] = leaf[0];
	obs.chain[1] = idx[1];		/* the impostor issuing CA */
	obs.chain_len = 2;
	assert_true(ep_observations_add(&w->o, &obs) == 0);
	run(w);
	EXPECT(w, W(CHAIN_INCOMPLETE, CRITICAL, 0, ""));
	assert_null(strstr(w->f.v[0].message, "cannot tell"));
	world_free(w);
}

/* An extra unrelated certificate after a good chain changes nothing. */
static void
test_chain_with_extra_certificate(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	t = target(w, EP_ROLE_WEBCON, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "access-chain.pem", "rogue-root.pem",
	    NULL);
	run(w);
	EXPECT_NONE(w);
}

/*
 * A chain that ends at an unknown root, sent with it (impostor
 * intermediate): chain-untrusted.  Without the root, nothing tells an
 * unknown root from an intermediate not sent: chain-incomplete, which
 * says both.
 */
static void
test_chain_untrusted_rogue(void **state)
{
	struct world	*w = world_new("public-bundle.pem");
	size_t		 t;

	(void)state;
	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	obs_ok(w, t, "192.0.2.11", 443, "rogue-chain.pem", "rogue-root.pem",
	    NULL);
	obs_ok(w, t, "192.0.2.12", 443, "rogue-chain.pem", NULL);
	run(w);
	EXPECT(w, W(CHAIN_UNTRUSTED, CRITICAL, 0, ""),
	    W(CHAIN_INCOMPLETE, CRITICAL, 1, ""));
	assert_non_null(strstr(w->f.v[1].message, "if it is a root, clients "
	    "do not trust it"));
	world_free(w);
}

/*
 * The chain of pain: leaf, intermediate, and the public root's expired
 * cross-sign by an older root, the public root itself an anchor.  The
 * path clients build ends at the anchor: no expired, no untrusted; the
 * extra certificate, expired, is a warning that names it.  Sent in that
 * order the chain is in order: the cross-sign certifies the intermediate.
 */
static void
test_chain_of_pain(void **state)
{
	struct world		*w = *state;
	const struct ep_finding	*f;
	size_t			 t;

	t = target(w, EP_ROLE_WEBCON, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "access-chain-cross.pem", NULL);
	run(w);
	EXPECT(w, W(CHAIN_EXTRA_EXPIRED, WARNING, 0, ""));
	f = finding_of(w, EP_CHECK_CHAIN_EXTRA_EXPIRED);
	assert_non_null(strstr(f->message, "the server also sends "
	    "CN=Fixture Public Root"));
	assert_non_null(strstr(f->message, "expired on 2021-09-30"));
	assert_non_null(strstr(f->message, "OpenSSL before 1.1.0"));
}

/*
 * The same chain, the old root the only anchor: the only path goes
 * through the expired cross-sign, which is then expired on the path.
 */
static void
test_chain_of_pain_old_root_only(void **state)
{
	struct world		*w = world_new("old-root.pem");
	size_t			 t;

	(void)state;
	t = target(w, EP_ROLE_WEBCON, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "access-chain-cross.pem", NULL);
	run(w);
	EXPECT(w, W(EXPIRED, CRITICAL, 0, ""));
	assert_non_null(strstr(w->f.v[0].message, "intermediate "
	    "CN=Fixture Public Root"));
	world_free(w);
}

/* A path to an anchor that expired before the moment judged. */
static void
test_anchor_expired(void **state)
{
	struct world		*w = world_new("expired-root.pem");
	size_t			 t;

	(void)state;
	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	obs_ok(w, t, "192.0.2.10", 443, "by-expired-root.pem", NULL);
	run(w);
	EXPECT(w, W(ANCHOR_EXPIRED, CRITICAL, 0, ""));
	assert_non_null(strstr(w->f.v[0].message, "CN=Fixture Expired Root"));
	assert_non_null(strstr(w->f.v[0].message, "expired on 2020-01-01"));
	world_free(w);
}

/*
 * Three levels of CAs.  Sent whole: nothing.  Without the middle CA, the
 * anchors (the root alone) do not know it: chain-incomplete all the same,
 * naming it, not chain-untrusted; anchors that know it complete the
 * path, and the chain is incomplete but trusted.
 */
static void
test_chain_three_levels(void **state)
{
	struct world		*w = *state, *w2;
	const struct ep_finding	*f;
	size_t			 t;

	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	obs_ok(w, t, "192.0.2.10", 443, "deep-chain.pem", NULL);
	obs_ok(w, t, "192.0.2.11", 443, "deep-nomid.pem", NULL);
	run(w);
	EXPECT(w, W(CHAIN_INCOMPLETE, CRITICAL, 1, ""));
	f = finding_of(w, EP_CHECK_CHAIN_INCOMPLETE);
	assert_non_null(strstr(f->message, "CN=Fixture Policy CA"));
	assert_non_null(strstr(f->message, "if it is an intermediate CA"));

	w2 = world_new("policy-bundle.pem");
	t = target(w2, EP_ROLE_WEBCON, "webcon." C);
	obs_ok(w2, t, "192.0.2.11", 443, "deep-nomid.pem", NULL);
	run(w2);
	EXPECT(w2, W(CHAIN_INCOMPLETE, CRITICAL, 0, ""));
	assert_non_null(strstr(w2->f.v[0].message, "the intermediate "
	    "certificate CN=Fixture Policy CA"));
	assert_null(strstr(w2->f.v[0].message, "cannot tell"));
	world_free(w2);
}

/*
 * A chain file with the CA first and the leaf second, the leaf found:
 * it alone is judged as the leaf (no name or EKU finding on the CA), and
 * the order is a note.  A server sending an intermediate before the
 * leaf's issuer: chain-order, a warning.
 */
static void
test_chain_order(void **state)
{
	struct world		*w = *state;
	const struct ep_finding	*f;
	size_t			 t, i;

	sip_domain(w, C);
	t = target(w, EP_ROLE_ACCESS, "access." C);
	i = obs_file(w, t, EP_OBS_CHAIN, "public-int.pem", "access.pem", NULL);
	w->o.v[i].leaf = 1;
	obs_ok(w, t, "192.0.2.10", 443, "access.pem", "pubroot-cross.pem",
	    "public-int.pem", NULL);
	run(w);
	EXPECT(w, W(CHAIN_ORDER, INFO, 0, ""), W(CHAIN_ORDER, WARNING, 1, ""),
	    W(CHAIN_EXTRA_EXPIRED, WARNING, 1, ""));
	f = &w->f.v[0];
	assert_non_null(strstr(f->message, "the chain file holds the chain "
	    "out of order"));
	assert_non_null(strstr(f->message, "a server given the file"));
}

/*
 * What does not parse is a finding, not an error: an intermediate that
 * does not parse (the chain is then short of it), and a leaf that does
 * not, which leaves nothing else to judge.
 */
static void
test_cert_malformed(void **state)
{
	static const unsigned char	 junk[] = { 0x30, 0x03, 0x02, 0x01,
					    0x00 };
	struct world			*w = *state;
	struct ep_obs			 obs;
	size_t				 t, bad, i;
	char				 err[256];

	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	assert_int_equal(ep_certs_add_any(w->o.certs, junk, sizeof(junk), &bad,
	    err, sizeof(err)), 0);
	assert_true(ep_certs_get(w->o.certs, bad)->malformed[0] != '\0');
	i = obs_ok(w, t, "192.0.2.10", 443, "eku-none.pem", NULL);
	memcpy(&obs, &w->o.v[i], sizeof(obs));
	w->o.v[i].chain[1] = bad;
	w->o.v[i].chain_len = 2;
	obs_at(&obs, t, "192.0.2.11", 443);
	obs.status = EP_OBS_OK;
	obs.chain[0] = bad;
	obs.chain_len = 1;
	assert_true(ep_observations_add(&w->o, &obs) != (size_t)-1);
	run(w);
	EXPECT(w, W(CERT_MALFORMED, CRITICAL, 0, ""),
	    W(CHAIN_INCOMPLETE, CRITICAL, 0, ""),
	    W(EKU_SERVER_AUTH_MISSING, CRITICAL, 0, ""),
	    W(CRL_DP_MISSING, WARNING, 0, ""),
	    W(CERT_MALFORMED, CRITICAL, 1, ""));
	assert_non_null(strstr(finding_of(w, EP_CHECK_CERT_MALFORMED)->message,
	    "certificate 2"));
}

/* ---- edgeprobe's own limits ------------------------------------------- */

/* How many findings of check c the last run made. */
static size_t
count_of(const struct world *w, enum ep_check c)
{
	size_t	i, n = 0;

	for (i = 0; i < w->f.n; i++)
		n += w->f.v[i].check == c;
	return n;
}

/*
 * Runs the rules on the one observation of w as it is, and as with
 * chain_sent raised to sent; returns how many findings the second run
 * made beyond the first, which must all be of check c.
 */
static size_t
added_by(struct world *w, size_t sent, enum ep_check c)
{
	size_t	before[EP_CHECK__MAX], k;

	run(w);
	assert_int_equal(count_of(w, c), 0);
	for (k = 0; k < EP_CHECK__MAX; k++)
		before[k] = count_of(w, (enum ep_check)k);
	w->o.v[0].chain_sent = sent;
	run(w);
	for (k = 0; k < EP_CHECK__MAX; k++)
		if (k != c && count_of(w, (enum ep_check)k) != before[k]) {
			dump(&w->f);
			fail_msg("%s changed too", ep_check_info(
			    (enum ep_check)k)->id);
		}
	return count_of(w, c);
}

/*
 * A chain of EP_CHAIN_MAX certificates, all kept: nothing about the
 * limit.  One more sent than kept: chain-over-limit, naming both counts,
 * and nothing else changes.
 */
static void
test_chain_over_limit(void **state)
{
	struct world	*w = *state;
	size_t		 t, i;
	char		 want[128];

	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	i = obs_ok(w, t, "192.0.2.10", 443, "access-chain.pem", NULL);
	while (w->o.v[i].chain_len < EP_CHAIN_MAX) {
		w->o.v[i].chain[w->o.v[i].chain_len] = w->o.v[i].chain[1];
		w->o.v[i].chain_len++;
	}
	w->o.v[i].chain_sent = EP_CHAIN_MAX;
	assert_int_equal(added_by(w, EP_CHAIN_MAX + 1,
	    EP_CHECK_CHAIN_OVER_LIMIT), 1);
	assert_int_equal(finding_of(w, EP_CHECK_CHAIN_OVER_LIMIT)->severity,
	    EP_SEV_WARNING);
	snprintf(want, sizeof(want), "the server sent %d certificates; "
	    "edgeprobe keeps the first %d", EP_CHAIN_MAX + 1, EP_CHAIN_MAX);
	assert_non_null(strstr(finding_of(w, EP_CHECK_CHAIN_OVER_LIMIT)->message,
	    want));
}

/*
 * A certificate of EP_CERT_DER_MAX bytes in a chain is judged like any
 * other; one of a byte more is chain-over-limit, and not cert-malformed.
 */
static void
test_cert_too_large(void **state)
{
	struct world	*w = *state;
	gnutls_datum_t	 der[2];
	size_t		 t, i, k, idx;
	char		 err[256] = "";

	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	mk_cert(1, EP_CERT_DER_MAX, &der[0]);
	mk_cert(1, EP_CERT_DER_MAX + 1, &der[1]);
	for (k = 0; k < 2; k++) {
		i = obs_ok(w, t, k == 0 ? "192.0.2.10" : "192.0.2.11", 443,
		    "access-chain.pem", NULL);
		assert_int_equal(ep_certs_add_any(w->o.certs, der[k].data,
		    der[k].size, &idx, err, sizeof(err)), 0);
		w->o.v[i].chain[w->o.v[i].chain_len++] = idx;
		w->o.v[i].chain_sent = w->o.v[i].chain_len;
		gnutls_free(der[k].data);
	}
	run(w);
	assert_int_equal(count_of(w, EP_CHECK_CERT_MALFORMED), 0);
	assert_int_equal(count_of(w, EP_CHECK_CHAIN_OVER_LIMIT), 1);
	assert_int_equal(finding_of(w, EP_CHECK_CHAIN_OVER_LIMIT)->obs, 1);
	assert_non_null(strstr(finding_of(w, EP_CHECK_CHAIN_OVER_LIMIT)->message,
	    "certificate 3 the server sent is 65537 bytes, over edgeprobe's "
	    "limit of 65536"));
}

/*
 * Runs the rules on one observation of target t presenting der alone;
 * returns how many findings they made.
 */
static size_t
judge_alone(struct world *w, size_t t, gnutls_datum_t *der)
{
	struct ep_obs	obs;
	char		err[256] = "";

	ep_observations_clear(&w->o);
	assert_int_equal(ep_observations_init(&w->o), 0);
	obs_at(&obs, t, "192.0.2.10", 443);
	obs.status = EP_OBS_OK;
	if (ep_certs_add(w->o.certs, der->data, der->size, &obs.chain[0], err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	obs.chain_len = obs.chain_sent = 1;
	assert_true(ep_observations_add(&w->o, &obs) != (size_t)-1);
	gnutls_free(der->data);
	run(w);
	return w->f.n;
}

/*
 * A leaf with EP_CERT_SAN_MAX names is read whole; one with a name more
 * is cert-over-limit, and nothing else changes.
 */
static void
test_san_over_limit(void **state)
{
	struct world	*w = *state;
	gnutls_datum_t	 der;
	size_t		 t, before;
	char		 want[128];

	t = target(w, EP_ROLE_GENERIC, "n0.limits.test");
	mk_cert(EP_CERT_SAN_MAX, 0, &der);
	before = judge_alone(w, t, &der);
	assert_int_equal(count_of(w, EP_CHECK_CERT_OVER_LIMIT), 0);
	mk_cert(EP_CERT_SAN_MAX + 1, 0, &der);
	assert_int_equal(judge_alone(w, t, &der), before + 1);
	assert_int_equal(count_of(w, EP_CHECK_CERT_OVER_LIMIT), 1);
	snprintf(want, sizeof(want), "the certificate lists %d DNS names and "
	    "IP addresses in its subject alternative names; edgeprobe reads "
	    "the first %d", EP_CERT_SAN_MAX + 1, EP_CERT_SAN_MAX);
	assert_non_null(strstr(finding_of(w, EP_CHECK_CERT_OVER_LIMIT)->message,
	    want));
}

/*
 * A leaf with EP_CERT_URLS_MAX CRL and OCSP URLs is read whole; one with
 * a URL more of each is cert-over-limit, once, counting both, and
 * nothing else changes.
 */
static void
test_urls_over_limit(void **state)
{
	struct world	*w = *state;
	gnutls_datum_t	 der;
	size_t		 t, before;
	char		 want[128];

	t = target(w, EP_ROLE_GENERIC, "urls.limits.test");
	mk_cert_urls(EP_CERT_URLS_MAX, 100, &der);
	before = judge_alone(w, t, &der);
	assert_int_equal(count_of(w, EP_CHECK_CERT_OVER_LIMIT), 0);
	mk_cert_urls(EP_CERT_URLS_MAX + 1, 100, &der);
	assert_int_equal(judge_alone(w, t, &der), before + 1);
	assert_int_equal(count_of(w, EP_CHECK_CERT_OVER_LIMIT), 1);
	snprintf(want, sizeof(want), "the certificate lists 2 CRL, OCSP or "
	    "issuer URLs past the first %d of a kind, or of %d bytes or more",
	    EP_CERT_URLS_MAX, EP_CERT_URL_MAX);
	assert_non_null(strstr(finding_of(w, EP_CHECK_CERT_OVER_LIMIT)->message,
	    want));
}

/*
 * RFC 5280 reads a leaf with no EKU as good for any purpose: a role whose
 * profile says server-auth = if-present asks nothing of it; lync2013's
 * roles require Server Authentication.
 */
static void
test_eku_none_if_present(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	w->profile->roles[EP_ROLE_GENERIC].server_auth_required = 0;
	w->profile->severity[EP_CHECK_CRL_DP_MISSING] = EP_SEV_OK;
	t = target(w, EP_ROLE_GENERIC, "webcon." C);
	obs_ok(w, t, "192.0.2.10", 443, "eku-none.pem", "public-int.pem", NULL);
	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	obs_ok(w, t, "192.0.2.10", 443, "eku-none.pem", "public-int.pem", NULL);
	run(w);
	EXPECT(w, W(EKU_SERVER_AUTH_MISSING, CRITICAL, 1, ""));
	assert_non_null(strstr(w->f.v[0].message, "profile lync2013 requires"));
	assert_null(strstr(w->f.v[0].message, "Lync requires"));
}

/* The rogue chain is trusted once its own root is the anchor. */
static void
test_chain_rogue_trusted_by_its_root(void **state)
{
	struct world	*w = world_new("rogue-root.pem");
	size_t		 t;

	(void)state;
	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	obs_ok(w, t, "192.0.2.11", 443, "rogue-chain.pem", NULL);
	run(w);
	EXPECT_NONE(w);
	world_free(w);
}

/* A self-signed leaf: self-signed and nothing else. */
static void
test_self_signed(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	obs_ok(w, t, "192.0.2.11", 443, "self-signed.pem", NULL);
	run(w);
	EXPECT(w, W(SELF_SIGNED, CRITICAL, 0, ""));
}

/* ep_trust_verify's result fields for the typical chains. */
static void
test_trust_verify_results(void **state)
{
	struct world		*w = world_new("public-bundle.pem");
	struct ep_trust_result	 r;
	const struct ep_cert	*ch[3];
	size_t			 idx[3];
	char			 err[256];
	size_t			 leaf, inter, intleaf, self;

	(void)state;
	assert_int_equal(ep_certs_load_file(w->o.certs,
	    fx_path("access-chain.pem"), idx, 3, err, sizeof(err)), 2);
	leaf = idx[0];
	inter = idx[1];
	assert_int_equal(ep_certs_load_file(w->o.certs,
	    fx_path("internal-cn.pem"), idx, 3, err, sizeof(err)), 1);
	intleaf = idx[0];
	assert_int_equal(ep_certs_load_file(w->o.certs,
	    fx_path("self-signed.pem"), idx, 3, err, sizeof(err)), 1);
	self = idx[0];

	ch[0] = ep_certs_get(w->o.certs, leaf);
	ch[1] = ep_certs_get(w->o.certs, inter);
	assert_int_equal(ep_trust_verify(w->trust, ch, 2, 0, NULL, 0, 0,
	    FX_NOW, &r), 0);
	assert_int_equal(r.trusted, 1);
	assert_int_equal(r.incomplete, 0);
	assert_int_equal(r.self_signed, 0);
	assert_int_equal(r.anchor_internal, 0);

	assert_int_equal(ep_trust_verify(w->trust, ch, 1, 0, NULL, 0, 0,
	    FX_NOW, &r), 0);
	assert_int_equal(r.trusted, 1);
	assert_int_equal(r.incomplete, 1);
	assert_int_equal(r.completed, 1);
	assert_string_equal(r.missing, DN_PUBLIC_INT);

	ch[0] = ep_certs_get(w->o.certs, intleaf);
	assert_int_equal(ep_trust_verify(w->trust, ch, 1, 0, NULL, 0, 1,
	    FX_NOW, &r), 0);
	assert_int_equal(r.trusted, 1);
	assert_int_equal(r.anchor_internal, 1);
	assert_int_equal(ep_trust_verify(w->trust, ch, 1, 0, NULL, 0, 0,
	    FX_NOW, &r), 0);
	assert_int_equal(r.trusted, 0);
	assert_int_equal(r.anchor_internal, 1);
	assert_int_equal(r.incomplete, 0);
	assert_true(r.reason[0] != '\0');

	ch[0] = ep_certs_get(w->o.certs, self);
	assert_int_equal(ep_trust_verify(w->trust, ch, 1, 0, NULL, 0, 1,
	    FX_NOW, &r), 0);
	assert_int_equal(r.trusted, 0);
	assert_int_equal(r.self_signed, 1);
	assert_int_equal(r.incomplete, 0);

	assert_int_equal(ep_trust_verify(w->trust, ch, 0, 0, NULL, 0, 1,
	    FX_NOW, &r), 0);
	assert_int_equal(r.trusted, 0);
	world_free(w);
}

/* ep_trust_new refuses missing files and files without an anchor. */
static void
test_trust_new_errors(void **state)
{
	struct ep_trust	*t = (struct ep_trust *)(uintptr_t)1;
	const char	*p;
	char		 err[512] = "";

	(void)state;
	p = fx_path("no-such-ca.pem");
	assert_int_equal(ep_trust_new(&t, p, NULL, err, sizeof(err)), -1);
	assert_null(t);
	assert_non_null(strstr(err, p));

	/* An intermediate alone is no trust anchor. */
	err[0] = '\0';
	p = fx_path("public-int.pem");
	assert_int_equal(ep_trust_new(&t, p, NULL, err, sizeof(err)), -1);
	assert_null(t);
	assert_non_null(strstr(err, p));

	err[0] = '\0';
	p = fx_path("access.pem");
	assert_int_equal(ep_trust_new(&t, fx_path("public-root.pem"), p, err,
	    sizeof(err)), -1);
	assert_null(t);
	assert_non_null(strstr(err, p));
}

/* ---- validity ------------------------------------------------------------ */

/* Runs one webcon observation of file at now with warn/crit days. */
static struct world *
validity_world(const char *file, time_t now, int warn, int crit)
{
	struct world	*w = world_new("public-root.pem");
	size_t		 t;

	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	obs_ok(w, t, "192.0.2.11", 443, file, "public-int.pem", NULL);
	w->now = now;
	w->warn = (struct ep_threshold){ warn, 0 };
	w->crit = (struct ep_threshold){ crit, 0 };
	run(w);
	return w;
}

/* Expired at the judging moment: expired, critical. */
static void
test_expired(void **state)
{
	struct world	*w = validity_world("expired.pem", FX_NOW, 30, 7);

	(void)state;
	EXPECT(w, W(EXPIRED, CRITICAL, 0, ""));
	world_free(w);
}

/* Not valid until after the judging moment: not-yet-valid. */
static void
test_not_yet_valid(void **state)
{
	struct world	*w = validity_world("future.pem", FX_NOW, 30, 7);

	(void)state;
	EXPECT(w, W(NOT_YET_VALID, CRITICAL, 0, ""));
	world_free(w);
}

/* 10 days left with warn 30 / crit 7: expires-soon warning. */
static void
test_expires_soon_warning(void **state)
{
	struct world	*w = validity_world("soon10.pem", FX_NOW, 30, 7);

	(void)state;
	EXPECT(w, W(EXPIRES_SOON, WARNING, 0, ""));
	assert_non_null(strstr(w->f.v[0].message, "2026-06-11"));
	world_free(w);
}

/* 3 days left with warn 30 / crit 7: expires-soon critical. */
static void
test_expires_soon_critical(void **state)
{
	struct world	*w = validity_world("soon3.pem", FX_NOW, 30, 7);

	(void)state;
	EXPECT(w, W(EXPIRES_SOON, CRITICAL, 0, ""));
	world_free(w);
}

/* 10 days left with warn 5: nothing. */
static void
test_expires_beyond_warn_days(void **state)
{
	struct world	*w = validity_world("soon10.pem", FX_NOW, 5, 3);

	(void)state;
	EXPECT_NONE(w);
	world_free(w);
}

/* Judges rp.pem (ext.) at FX_NOW with thresholds warn and crit. */
static struct world *
share_world(struct ep_threshold warn, struct ep_threshold crit)
{
	struct world	*w = world_new("public-root.pem");
	size_t		 t;

	t = target(w, EP_ROLE_REVERSE_PROXY, "ext." C);
	obs_ok(w, t, "192.0.2.11", 443, "rp.pem", "public-int.pem", NULL);
	w->now = FX_NOW;
	w->warn = warn;
	w->crit = crit;
	run(w);
	return w;
}

/*
 * A share of the lifetime: the fixtures live 3 years (1095 days) and
 * have 579 days left at FX_NOW, 52%; the leaf and its intermediate alike.
 * With 33% nothing is said; with 60% it is a warning that says the share;
 * crit 55% makes it critical.
 */
static void
test_expires_share_of_lifetime(void **state)
{
	struct world	*w;

	(void)state;
	w = share_world((struct ep_threshold){ 33, 1 },
	    (struct ep_threshold){ 7, 0 });
	EXPECT_NONE(w);
	world_free(w);
	w = share_world((struct ep_threshold){ 60, 1 },
	    (struct ep_threshold){ 7, 0 });
	EXPECT(w, W(EXPIRES_SOON, WARNING, 0, ""),
	    W(EXPIRES_SOON, WARNING, 0, ""));
	assert_non_null(strstr(w->f.v[0].message,
	    "in 579 days (52% of its 1095-day lifetime left)"));
	world_free(w);
	w = share_world((struct ep_threshold){ 60, 1 },
	    (struct ep_threshold){ 55, 1 });
	EXPECT(w, W(EXPIRES_SOON, CRITICAL, 0, ""),
	    W(EXPIRES_SOON, CRITICAL, 0, ""));
	world_free(w);
}

/* Validity is inclusive: notBefore and notAfter themselves are valid. */
static void
test_validity_boundaries(void **state)
{
	struct world	*w;

	(void)state;
	w = validity_world("future.pem", (time_t)1788220800 - 1, 30, 7);
	EXPECT(w, W(NOT_YET_VALID, CRITICAL, 0, ""));
	world_free(w);
	w = validity_world("future.pem", (time_t)1788220800, 30, 7);
	EXPECT_NONE(w);
	world_free(w);
	w = validity_world("expired.pem", (time_t)1767225600, 30, 7);
	EXPECT(w, W(EXPIRES_SOON, CRITICAL, 0, ""));
	world_free(w);
	w = validity_world("expired.pem", (time_t)1767225600 + 1, 30, 7);
	EXPECT(w, W(EXPIRED, CRITICAL, 0, ""));
	world_free(w);
}

/* The intermediate's dates are judged too, each certificate once. */
static void
test_intermediate_expiry(void **state)
{
	struct world	*w = validity_world("future.pem", FX_TO - 2 * FX_DAY,
			    30, 7);
	size_t		 i, inter = 0;

	(void)state;
	/* Both leaf and intermediate end on 2028-01-01: two findings. */
	EXPECT(w,
	    W(EXPIRES_SOON, CRITICAL, 0, ""),
	    W(EXPIRES_SOON, CRITICAL, 0, ""));
	for (i = 0; i < w->f.n; i++)
		if (strstr(w->f.v[i].message, "Fixture Public Issuing CA"))
			inter++;
	assert_int_equal(inter, 1);
	world_free(w);
}

/* ---- EKU ----------------------------------------------------------------- */

/* clientAuth only: eku-server-auth-missing. */
static void
test_eku_client_only(void **state)
{
	struct world	*w = validity_world("eku-client.pem", FX_NOW, 30, 7);

	(void)state;
	EXPECT(w, W(EKU_SERVER_AUTH_MISSING, CRITICAL, 0, ""));
	world_free(w);
}

/*
 * No EKU extension at all: eku-server-auth-missing.  (The fixture has no
 * CRL distribution point either.)
 */
static void
test_eku_none(void **state)
{
	struct world	*w = validity_world("eku-none.pem", FX_NOW, 30, 7);

	(void)state;
	EXPECT(w,
	    W(EKU_SERVER_AUTH_MISSING, CRITICAL, 0, ""),
	    W(CRL_DP_MISSING, WARNING, 0, ""));
	world_free(w);
}

/* ---- pools --------------------------------------------------------------- */

/* Two access members, different keys: pool-key-mismatch on the second. */
static void
test_pool_key_mismatch(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	sip_domain(w, C);
	t = target(w, EP_ROLE_ACCESS, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "access-chain.pem", NULL);
	obs_ok(w, t, "192.0.2.11", 443, "access-key2.pem", "public-int.pem",
	    NULL);
	run(w);
	EXPECT(w, W(POOL_KEY_MISMATCH, CRITICAL, 1, ""));
}

/* Same key, another certificate: pool-cert-mismatch, a warning. */
static void
test_pool_cert_mismatch(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	sip_domain(w, C);
	t = target(w, EP_ROLE_ACCESS, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "access-chain.pem", NULL);
	obs_ok(w, t, "192.0.2.11", 443, "access-serial2.pem", "public-int.pem",
	    NULL);
	run(w);
	EXPECT(w, W(POOL_CERT_MISMATCH, WARNING, 1, ""));
}

/* Three members, the odd key first: only the odd one is flagged. */
static void
test_pool_majority_key(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	sip_domain(w, C);
	t = target(w, EP_ROLE_ACCESS, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "access-key2.pem", "public-int.pem",
	    NULL);
	obs_ok(w, t, "192.0.2.11", 443, "access-chain.pem", NULL);
	obs_ok(w, t, "192.0.2.12", 443, "access-chain.pem", NULL);
	run(w);
	EXPECT(w, W(POOL_KEY_MISMATCH, CRITICAL, 0, ""));
	assert_non_null(strstr(w->f.v[0].message, "192.0.2.11"));
}

/* Pool members are grouped after sorting, whatever order they came in. */
static void
test_pool_unsorted_input(void **state)
{
	struct world	*w = *state;
	size_t		 a, wc;

	sip_domain(w, C);
	a = target(w, EP_ROLE_ACCESS, "access." C);
	wc = target(w, EP_ROLE_WEBCON, "webcon." C);
	obs_ok(w, a, "192.0.2.12", 443, "access-chain.pem", NULL);
	obs_ok(w, wc, "192.0.2.11", 443, "soon10.pem", "public-int.pem", NULL);
	obs_ok(w, a, "192.0.2.10", 443, "access-key2.pem", "public-int.pem",
	    NULL);
	obs_ok(w, a, "192.0.2.11", 443, "access-chain.pem", NULL);
	run(w);
	/* Sorted: access .10 (key2), .11, .12, then webcon. */
	EXPECT(w,
	    W(POOL_KEY_MISMATCH, CRITICAL, 0, ""),
	    W(EXPIRES_SOON, WARNING, 3, ""));
}

/* Reverse-proxy members (pool policy none) may have different keys. */
static void
test_reverse_proxy_no_pool_rule(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	published(w, "meet." C);
	published(w, "dialin." C);
	t = target(w, EP_ROLE_REVERSE_PROXY, "ext." C);
	obs_ok(w, t, "192.0.2.20", 443, "rp.pem", "public-int.pem", NULL);
	obs_ok(w, t, "192.0.2.21", 443, "wildcard.pem", "public-int.pem", NULL);
	run(w);
	/* Only the wildcard CN, no pool finding. */
	EXPECT(w, W(SUBJECT_WILDCARD, CRITICAL, 1, ""));
}

/* A failed pool member is not compared; the rest agree. */
static void
test_pool_ignores_failed_member(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	sip_domain(w, C);
	t = target(w, EP_ROLE_ACCESS, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "access-chain.pem", NULL);
	obs_failed(w, t, "192.0.2.11", 443, EP_OBS_HANDSHAKE_FAILED,
	    "access-key2.pem");
	obs_ok(w, t, "192.0.2.12", 443, "access-chain.pem", NULL);
	run(w);
	EXPECT(w, W(HANDSHAKE_FAILED, CRITICAL, 1, ""));
}

/* ---- reachability -------------------------------------------------------- */

/* Each failure status gives its one finding and no chain checks. */
static void
test_failed_observations(void **state)
{
	struct world	*w = *state;
	size_t		 a, wc, in, rp;

	sip_domain(w, C);
	a = target(w, EP_ROLE_ACCESS, "access." C);
	wc = target(w, EP_ROLE_WEBCON, "webcon." C);
	in = target(w, EP_ROLE_INTERNAL, "edge01.corp." C);
	rp = target(w, EP_ROLE_REVERSE_PROXY, "ext." C);
	obs_failed(w, a, "0.0.0.0", 443, EP_OBS_NO_ADDRESS, NULL);
	obs_failed(w, wc, "192.0.2.11", 443, EP_OBS_CONNECT_FAILED, NULL);
	obs_failed(w, in, "10.0.0.5", 5061, EP_OBS_TIMEOUT, NULL);
	/* A chain seen before the handshake failed is not judged. */
	obs_failed(w, rp, "192.0.2.20", 443, EP_OBS_HANDSHAKE_FAILED,
	    "self-signed.pem");
	run(w);
	EXPECT(w,
	    W(DNS_NO_ADDRESS, CRITICAL, 0, ""),
	    W(CONNECT_FAILED, CRITICAL, 1, ""),
	    W(TIMEOUT, CRITICAL, 2, ""),
	    W(HANDSHAKE_FAILED, CRITICAL, 3, ""));
	assert_non_null(strstr(w->f.v[0].message, "access." C));
	assert_non_null(strstr(finding_of(w, EP_CHECK_TIMEOUT)->message,
	    "test failure"));
}

/*
 * An endpoint the run was stopped before it finished is interrupted,
 * unknown, and no other rule judges it, whatever it had received.
 */
static void
test_interrupted_observation(void **state)
{
	struct world	*w = *state;
	size_t		 wc, rp;

	sip_domain(w, C);
	wc = target(w, EP_ROLE_WEBCON, "webcon." C);
	rp = target(w, EP_ROLE_REVERSE_PROXY, "ext." C);
	obs_failed(w, wc, "192.0.2.11", 443, EP_OBS_INTERRUPTED, NULL);
	obs_failed(w, rp, "192.0.2.20", 443, EP_OBS_INTERRUPTED,
	    "self-signed.pem");
	run(w);
	EXPECT(w,
	    W(INTERRUPTED, UNKNOWN, 0, ""),
	    W(INTERRUPTED, UNKNOWN, 1, ""));
	assert_non_null(strstr(w->f.v[0].message, "webcon." C
	    " was not checked to the end: test failure"));
	assert_string_equal(ep_check_info(EP_CHECK_INTERRUPTED)->id,
	    "interrupted");
}

/* ---- subject ------------------------------------------------------------- */

/* The access edge's subject CN is another name: subject-not-access-fqdn. */
static void
test_subject_not_access_fqdn(void **state)
{
	struct world	*w = *state;
	size_t		 a, g;

	sip_domain(w, C);
	w->profile->roles[EP_ROLE_ACCESS].pool = EP_POOL_NONE;
	a = target(w, EP_ROLE_ACCESS, "access." C);
	/* The same certificate where the role does not judge the subject. */
	g = target(w, EP_ROLE_GENERIC, "access." C);
	obs_ok(w, a, "192.0.2.10", 443, "cn-other.pem", "public-int.pem", NULL);
	obs_ok(w, g, "192.0.2.10", 443, "cn-other.pem", "public-int.pem", NULL);
	/* The right CN, in another case: no finding. */
	obs_ok(w, a, "192.0.2.11", 443, "access-chain.pem", NULL);
	run(w);
	EXPECT(w, W(SUBJECT_NOT_ACCESS_FQDN, WARNING, 0, ""));
	assert_non_null(strstr(w->f.v[0].message, "other." C));
	assert_non_null(strstr(w->f.v[0].message, "access." C));
}

/*
 * One edge found under two names (sip.<d> of two SIP domains): a CN
 * naming either access target is the access FQDN; another name is not.
 */
static void
test_subject_any_access_target(void **state)
{
	struct world	*w = *state;
	size_t		 a, s;

	sip_domain(w, C);
	w->profile->roles[EP_ROLE_ACCESS].pool = EP_POOL_NONE;
	a = target(w, EP_ROLE_ACCESS, "access." C);
	s = target(w, EP_ROLE_ACCESS, "sip." C);
	obs_ok(w, a, "192.0.2.10", 443, "access-chain.pem", NULL);
	obs_ok(w, s, "192.0.2.10", 443, "access-chain.pem", NULL);
	obs_ok(w, s, "192.0.2.11", 443, "cn-other.pem", "public-int.pem", NULL);
	run(w);
	EXPECT(w, W(SUBJECT_NOT_ACCESS_FQDN, WARNING, 2, ""));
}

/*
 * A wildcard CN is subject-wildcard alone; with that check off, it is
 * still not the access FQDN.
 */
static void
test_subject_wildcard_named_once(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	w->profile->severity[EP_CHECK_SUBJECT_WILDCARD] = EP_SEV_OK;
	w->profile->severity[EP_CHECK_WILDCARD_NOT_ALLOWED] = EP_SEV_OK;
	t = target(w, EP_ROLE_ACCESS, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "wildcard.pem", "public-int.pem", NULL);
	run(w);
	EXPECT(w, W(SUBJECT_NOT_ACCESS_FQDN, WARNING, 0, ""));
}

/* A wildcard CN: critical on webcon, allowed on the edge internal. */
static void
test_subject_wildcard_by_role(void **state)
{
	struct world	*w = *state;
	size_t		 wc, in;

	wc = target(w, EP_ROLE_WEBCON, "webcon." C);
	in = target(w, EP_ROLE_INTERNAL, "edge." C);
	obs_ok(w, wc, "192.0.2.11", 443, "wildcard.pem", "public-int.pem",
	    NULL);
	obs_ok(w, in, "10.0.0.5", 5061, "wildcard.pem", "public-int.pem", NULL);
	run(w);
	EXPECT(w,
	    W(WILDCARD_NOT_ALLOWED, CRITICAL, 0, "webcon." C),
	    W(SUBJECT_WILDCARD, CRITICAL, 0, ""));
	assert_non_null(strstr(finding_of(w, EP_CHECK_SUBJECT_WILDCARD)->message,
	    "*." C));
}

/*
 * Where the role wants its own FQDN as subject, a published name served
 * with the external web services FQDN's certificate is not judged.
 */
static void
test_subject_self_skips_published(void **state)
{
	struct world	*w = *state;
	size_t		 ext, meet;

	w->profile->roles[EP_ROLE_REVERSE_PROXY].subject = EP_SUBJECT_SELF;
	published(w, "meet." C);
	published(w, "dialin." C);
	meet = target(w, EP_ROLE_REVERSE_PROXY, "meet." C);
	ext = target(w, EP_ROLE_REVERSE_PROXY, "ext." C);
	obs_ok(w, meet, "192.0.2.20", 443, "rp.pem", "public-int.pem", NULL);
	obs_ok(w, ext, "192.0.2.20", 443, "rp.pem", "public-int.pem", NULL);
	run(w);
	EXPECT_NONE(w);
}

/* A wildcard SAN before the explicit FQDN: san-wildcard-first. */
static void
test_san_wildcard_first(void **state)
{
	struct world	*w = *state;
	size_t		 t, g;

	published(w, "meet." C);	/* target 0 */
	t = target(w, EP_ROLE_REVERSE_PROXY, "ext." C);
	g = target(w, EP_ROLE_GENERIC, "ext." C);
	obs_ok(w, t, "192.0.2.20", 443, "rp-wild-first.pem", "public-int.pem",
	    NULL);
	obs_ok(w, t, "192.0.2.21", 443, "rp-wild-last.pem", "public-int.pem",
	    NULL);
	/* Only wildcards: nothing explicit is hidden (CN aside). */
	obs_ok(w, t, "192.0.2.22", 443, "wildcard.pem", "public-int.pem",
	    NULL);
	/* ext, *, meet: meet comes after the wildcard. */
	obs_ok(w, t, "192.0.2.23", 443, "rp-wild-middle.pem",
	    "public-int.pem", NULL);
	/* A role without the rule. */
	obs_ok(w, g, "192.0.2.20", 443, "rp-wild-first.pem", "public-int.pem",
	    NULL);
	run(w);
	EXPECT(w,
	    W(SAN_WILDCARD_FIRST, WARNING, 0, ""),
	    W(SUBJECT_WILDCARD, CRITICAL, 2, ""),
	    W(SAN_WILDCARD_FIRST, WARNING, 3, ""));
	assert_non_null(strstr(w->f.v[0].message, "*." C));
	assert_non_null(strstr(w->f.v[0].message, "ext." C));
	assert_non_null(strstr(w->f.v[2].message, "meet." C));
}

/* ---- clientAuth ---------------------------------------------------------- */

/* serverAuth only: eku-client-auth-missing on the federation port alone. */
static void
test_eku_client_auth_federation_port(void **state)
{
	struct world		*w = *state;
	const struct ep_finding	*f;
	size_t			 t, i;

	sip_domain(w, C);
	t = target(w, EP_ROLE_ACCESS, "access." C);
	obs_ok(w, t, "192.0.2.10", 443, "access-server-only.pem",
	    "public-int.pem", NULL);
	i = obs_ok(w, t, "192.0.2.10", 5061, "access-server-only.pem",
	    "public-int.pem", NULL);
	w->o.v[i].port_flags = EP_PORT_FEDERATION;
	/* clientAuth present on another federation port: fine. */
	i = obs_ok(w, t, "192.0.2.11", 5061, "access-chain.pem", NULL);
	w->o.v[i].port_flags = EP_PORT_FEDERATION;
	run(w);
	/* The key and certificate differ on .11: pool findings for it. */
	EXPECT(w,
	    W(EKU_CLIENT_AUTH_MISSING, WARNING, 1, ""),
	    W(POOL_CERT_MISMATCH, WARNING, 2, ""));
	f = finding_of(w, EP_CHECK_EKU_CLIENT_AUTH_MISSING);
	assert_non_null(strstr(f->message, "mutual TLS"));
	assert_non_null(strstr(f->message, "2026-02-11"));
	assert_non_null(strstr(f->message, "2027-03-15"));
}

/*
 * No EKU extension allows every purpose: eku-server-auth-missing asks
 * for a reissue, but clientAuth is not missing.
 */
static void
test_eku_client_auth_no_eku(void **state)
{
	struct world	*w = *state;
	size_t		 t, i;

	t = target(w, EP_ROLE_ACCESS, "webcon." C);
	i = obs_ok(w, t, "192.0.2.10", 5061, "eku-none.pem", "public-int.pem",
	    NULL);
	w->o.v[i].port_flags = EP_PORT_FEDERATION;
	w->profile->severity[EP_CHECK_CRL_DP_MISSING] = EP_SEV_OK;
	run(w);
	EXPECT(w, W(EKU_SERVER_AUTH_MISSING, CRITICAL, 0, ""));
}

/* Offline, the role's ports say whether the certificate federates. */
static void
test_eku_client_auth_offline(void **state)
{
	struct world	*w = *state;
	const uint16_t	 https_only[] = { 443 };
	char		 err[256] = "";
	size_t		 t;

	sip_domain(w, C);
	t = target(w, EP_ROLE_ACCESS, "access." C);
	obs_file(w, t, EP_OBS_CHAIN, "access-server-only.pem",
	    "public-int.pem", NULL);
	run(w);
	EXPECT(w, W(EKU_CLIENT_AUTH_MISSING, WARNING, 0, ""));

	/* --port access=443: the first default port, not the federation one. */
	if (ep_plan_set_ports(w->plan, EP_ROLE_ACCESS, https_only, 1, err,
	    sizeof(err)) != 0)
		fail_msg("ep_plan_set_ports: %s", err);
	run(w);
	EXPECT_NONE(w);
}

/* ---- keys ---------------------------------------------------------------- */

/* RSA 1024 leaf: weak-key (1024 is a size Lync supports, so nothing more). */
static void
test_weak_key_rsa1024(void **state)
{
	struct world	*w = validity_world("key1024.pem", FX_NOW, 30, 7);

	(void)state;
	EXPECT(w, W(WEAK_KEY, CRITICAL, 0, ""));
	assert_non_null(strstr(w->f.v[0].message, "RSA 1024"));
	world_free(w);
}

/* An RSA 1024 intermediate signed with SHA-1: both, naming it. */
static void
test_weak_intermediate(void **state)
{
	struct world	*w = validity_world("weak-int-chain.pem", FX_NOW, 30, 7);
	size_t		 i;

	(void)state;
	EXPECT(w,
	    W(WEAK_KEY, CRITICAL, 0, ""),
	    W(WEAK_SIGNATURE, CRITICAL, 0, ""));
	for (i = 0; i < w->f.n; i++)
		assert_non_null(strstr(w->f.v[i].message,
		    "Fixture Weak Issuing CA"));
	world_free(w);
}

/*
 * The key of a root sent along is not relied upon; a leaf's always is,
 * self-signed or not.  (A profile asking for 3072 bits makes the 2048-bit
 * fixtures weak.)
 */
static void
test_weak_key_root_ignored(void **state)
{
	struct world	*w = world_new("sha1-root.pem");
	size_t		 t;

	(void)state;
	w->profile->min_rsa_bits = 3072;
	w->profile->nweak_hashes = 0;
	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	obs_ok(w, t, "192.0.2.11", 443, "sha1-root-chain.pem", NULL);
	obs_ok(w, t, "192.0.2.12", 443, "self-signed.pem", NULL);
	w->profile->roles[EP_ROLE_WEBCON].pool = EP_POOL_NONE;
	run(w);
	EXPECT(w,
	    W(WEAK_KEY, CRITICAL, 0, ""),
	    W(WEAK_KEY, CRITICAL, 1, ""),
	    W(SELF_SIGNED, CRITICAL, 1, ""));
	assert_non_null(strstr(w->f.v[0].message, "the certificate"));
	world_free(w);
}

/* EC keys: P-224 is weak, P-256 is not. */
static void
test_weak_key_ec(void **state)
{
	struct world	*w = *state;
	size_t		 a, b;

	w->profile->roles[EP_ROLE_WEBCON].pool = EP_POOL_NONE;
	a = target(w, EP_ROLE_WEBCON, "webcon." C);
	b = target(w, EP_ROLE_GENERIC, "webcon." C);
	obs_ok(w, a, "192.0.2.11", 443, "ec224.pem", "public-int.pem", NULL);
	obs_ok(w, b, "192.0.2.11", 443, "ec256.pem", "public-int.pem", NULL);
	obs_ok(w, a, "192.0.2.12", 443, "ec256.pem", "public-int.pem", NULL);
	run(w);
	EXPECT(w, W(WEAK_KEY, CRITICAL, 0, ""));
	assert_non_null(strstr(w->f.v[0].message, "EC 224"));
}

/*
 * Lync supports RSA 1024, 2048 and 4096: a 3072 leaf is flagged, a 4096
 * leaf is not, and a 3072 intermediate is not (CA keys are not the
 * servers' business).
 */
static void
test_key_size_unsupported(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	obs_ok(w, t, "192.0.2.11", 443, "key3072.pem", "public-int.pem", NULL);
	obs_ok(w, t, "192.0.2.12", 443, "key4096.pem", "public-int.pem", NULL);
	obs_ok(w, t, "192.0.2.13", 443, "int3072-chain.pem", NULL);
	run(w);
	/* Three keys in one pool: the 2048 one is the odd one out twice. */
	w->profile->roles[EP_ROLE_WEBCON].pool = EP_POOL_NONE;
	run(w);
	EXPECT(w, W(KEY_SIZE_UNSUPPORTED, WARNING, 0, ""));
	assert_non_null(strstr(w->f.v[0].message, "3072"));
	assert_non_null(strstr(w->f.v[0].message, "1024, 2048, 4096"));
}

/* A key too weak is named once, by weak-key, unless that check is off. */
static void
test_key_size_named_once(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	w->profile->roles[EP_ROLE_WEBCON].rsa_sizes[0] = 4096;
	w->profile->roles[EP_ROLE_WEBCON].nrsa_sizes = 1;
	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	obs_ok(w, t, "192.0.2.11", 443, "key1024.pem", "public-int.pem", NULL);
	run(w);
	EXPECT(w, W(WEAK_KEY, CRITICAL, 0, ""));
	w->profile->severity[EP_CHECK_WEAK_KEY] = EP_SEV_OK;
	run(w);
	EXPECT(w, W(KEY_SIZE_UNSUPPORTED, WARNING, 0, ""));
}

/* ---- signatures ---------------------------------------------------------- */

/* A SHA-1 signed leaf: weak-signature. */
static void
test_weak_signature_leaf(void **state)
{
	struct world	*w = validity_world("sha1-signed.pem", FX_NOW, 30, 7);

	(void)state;
	EXPECT(w, W(WEAK_SIGNATURE, CRITICAL, 0, ""));
	assert_non_null(strstr(w->f.v[0].message, "the certificate"));
	assert_non_null(strstr(w->f.v[0].message, "SHA1"));
	world_free(w);
}

/* A root's own SHA-1 signature, the root sent along: no finding. */
static void
test_weak_signature_root_ignored(void **state)
{
	struct world	*w = world_new("sha1-root.pem");
	size_t		 t;

	(void)state;
	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	obs_ok(w, t, "192.0.2.11", 443, "sha1-root-chain.pem", NULL);
	run(w);
	EXPECT_NONE(w);
	/* Unless a profile calls SHA-256 weak: then the leaf's counts. */
	w->profile->weak_hashes[0] = GNUTLS_DIG_SHA256;
	run(w);
	EXPECT(w, W(WEAK_SIGNATURE, CRITICAL, 0, ""));
	world_free(w);
}

/* An RSASSA-PSS signature, an RSA-PSS key: each flagged unless pss_ok. */
static void
test_signature_pss(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	obs_ok(w, t, "192.0.2.11", 443, "pss-signed.pem", "public-int.pem",
	    NULL);
	obs_ok(w, t, "192.0.2.12", 443, "pss-key.pem", "public-int.pem", NULL);
	w->profile->roles[EP_ROLE_WEBCON].pool = EP_POOL_NONE;
	run(w);
	EXPECT(w,
	    W(SIGNATURE_PSS_UNSUPPORTED, CRITICAL, 0, ""),
	    W(SIGNATURE_PSS_UNSUPPORTED, CRITICAL, 1, ""));
	assert_non_null(strstr(w->f.v[0].message, "signed with RSASSA-PSS"));
	assert_non_null(strstr(w->f.v[1].message, "RSA-PSS key"));
	w->profile->pss_ok = 1;
	run(w);
	EXPECT_NONE(w);
}

/* ---- CRL distribution point ---------------------------------------------- */

static void
test_crl_dp_missing(void **state)
{
	struct world	*w = validity_world("no-crl-dp.pem", FX_NOW, 30, 7);

	(void)state;
	EXPECT(w, W(CRL_DP_MISSING, WARNING, 0, ""));
	world_free(w);
}

/* ---- TLS version --------------------------------------------------------- */

/* Below the profile's least version: a warning, or what the profile says. */
static void
test_tls_legacy_version(void **state)
{
	struct world	*w = *state;
	size_t		 t, i;

	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	i = obs_ok(w, t, "192.0.2.11", 443, "soon10.pem", "public-int.pem",
	    NULL);
	w->o.v[i].tls_proto = GNUTLS_TLS1_0;
	w->now = FX_FROM;	/* soon10.pem is fine then */
	i = obs_ok(w, t, "192.0.2.12", 443, "soon10.pem", "public-int.pem",
	    NULL);
	w->o.v[i].tls_proto = GNUTLS_TLS1_2;
	/* No version recorded: nothing to judge. */
	obs_ok(w, t, "192.0.2.13", 443, "soon10.pem", "public-int.pem", NULL);
	run(w);
	EXPECT(w, W(TLS_LEGACY_VERSION, WARNING, 0, ""));
	assert_non_null(strstr(w->f.v[0].message, "TLS1.0"));
	assert_non_null(strstr(w->f.v[0].message, "TLS1.2"));
	w->profile->severity[EP_CHECK_TLS_LEGACY_VERSION] = EP_SEV_CRITICAL;
	run(w);
	EXPECT(w, W(TLS_LEGACY_VERSION, CRITICAL, 0, ""));
	w->profile->min_tls = 0;
	run(w);
	EXPECT_NONE(w);
}

/* ---- offline kinds ------------------------------------------------------- */

/* A PFX without its key, with another key, with its own; live: no rule. */
static void
test_pfx_key(void **state)
{
	struct world	*w = *state;
	size_t		 t, i;

	t = target(w, EP_ROLE_WEBCON, "webcon." C);
	i = obs_file(w, t, EP_OBS_PFX, "no-crl-dp.pem", "public-int.pem", NULL);
	w->o.v[i].has_key = 0;
	/* Offline observations sort alike: told apart by their findings. */
	w->o.v[i].port = 1;
	i = obs_file(w, t, EP_OBS_PFX, "no-crl-dp.pem", "public-int.pem", NULL);
	w->o.v[i].has_key = 1;
	w->o.v[i].port = 2;
	i = obs_file(w, t, EP_OBS_PFX, "no-crl-dp.pem", "public-int.pem", NULL);
	w->o.v[i].has_key = 1;
	w->o.v[i].key_matches = 1;
	w->o.v[i].port = 3;
	obs_ok(w, t, "192.0.2.11", 443, "no-crl-dp.pem", "public-int.pem", NULL);
	w->profile->severity[EP_CHECK_CRL_DP_MISSING] = EP_SEV_OK;
	run(w);
	EXPECT(w,
	    W(PFX_KEY_MISSING, CRITICAL, 0, ""),
	    W(PFX_KEY_MISMATCH, CRITICAL, 1, ""));
	assert_non_null(strstr(w->f.v[0].message, "test.file"));
}

/*
 * A certificate request: its stand-in certificate is judged for what the
 * applicant decides (names, subject, key), never for what the CA will
 * (trust, dates, EKU, CRL distribution point, signature).
 */
static void
test_csr_judges_applicant_only(void **state)
{
	struct world	*w = *state;
	size_t		 wc, a, i;

	sip_domain(w, C);
	a = target(w, EP_ROLE_ACCESS, "access." C);
	wc = target(w, EP_ROLE_WEBCON, "webcon." C);
	/* Expired, no intermediate, no EKU, no CRL DP, SHA-1, PSS signed. */
	obs_file(w, wc, EP_OBS_CSR, "expired.pem", NULL);
	obs_file(w, wc, EP_OBS_CSR, "eku-none.pem", NULL);
	obs_file(w, wc, EP_OBS_CSR, "sha1-signed.pem", NULL);
	obs_file(w, wc, EP_OBS_CSR, "pss-signed.pem", NULL);
	obs_file(w, wc, EP_OBS_CSR, "self-signed.pem", NULL);
	/* Only the stand-in counts, not what follows it. */
	obs_file(w, wc, EP_OBS_CSR, "ec256.pem", "weak-int.pem", NULL);
	/* Live-only rules do not apply either. */
	i = obs_file(w, wc, EP_OBS_CSR, "soon10.pem", NULL);
	w->o.v[i].tls_proto = GNUTLS_TLS1_0;
	run(w);
	EXPECT_NONE(w);

	/* What the applicant chose is judged. */
	ep_observations_clear(&w->o);
	assert_int_equal(ep_observations_init(&w->o), 0);
	obs_file(w, wc, EP_OBS_CSR, "key3072.pem", NULL);
	obs_file(w, wc, EP_OBS_CSR, "pss-key.pem", NULL);
	obs_file(w, wc, EP_OBS_CSR, "ec224.pem", NULL);
	obs_file(w, a, EP_OBS_CSR, "wildcard.pem", NULL);
	run(w);
	/*
	 * Sorted: access (target 0) first, then webcon in the order given.
	 * An access request is the one external edge certificate: the
	 * wildcard does not do for the webcon FQDN either.
	 */
	EXPECT(w,
	    W(WILDCARD_NOT_ALLOWED, CRITICAL, 0, "access." C),
	    W(WILDCARD_NOT_ALLOWED, CRITICAL, 0, "sip." C),
	    W(WILDCARD_NOT_ALLOWED, CRITICAL, 0, "webcon." C),
	    W(SUBJECT_WILDCARD, CRITICAL, 0, ""),
	    W(KEY_SIZE_UNSUPPORTED, WARNING, 1, ""),
	    W(SIGNATURE_PSS_UNSUPPORTED, CRITICAL, 2, ""),
	    W(WEAK_KEY, CRITICAL, 3, ""));
}

/*
 * A chain file for the access edge is the one external edge certificate:
 * it must name the web conferencing FQDNs too.  Live, each service is
 * probed under its own name.
 */
static void
test_offline_access_needs_webcon(void **state)
{
	struct world	*w = *state;
	size_t		 a, wc;

	sip_domain(w, C);
	a = target(w, EP_ROLE_ACCESS, "access." C);
	wc = target(w, EP_ROLE_WEBCON, "webcon." C);
	assert_true(wc > a);
	obs_file(w, a, EP_OBS_CHAIN, "access-chain.pem", NULL);
	obs_file(w, a, EP_OBS_PFX, "edge-all.pem", "public-int.pem", NULL);
	obs_ok(w, a, "192.0.2.10", 443, "access-chain.pem", NULL);
	obs_ok(w, wc, "192.0.2.11", 443, "edge-all.pem", "public-int.pem",
	    NULL);
	w->o.v[1].has_key = w->o.v[1].key_matches = 1;
	run(w);
	/* Offline observations have no address: they sort first. */
	EXPECT(w, W(NAME_NOT_IN_SAN, CRITICAL, 0, "webcon." C));
	assert_int_equal(w->o.v[0].kind, EP_OBS_CHAIN);
}

/* Files judged offline are no pool members, whatever their keys. */
static void
test_offline_not_a_pool(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	sip_domain(w, C);
	t = target(w, EP_ROLE_ACCESS, "access." C);
	obs_file(w, t, EP_OBS_CHAIN, "access-chain.pem", NULL);
	obs_file(w, t, EP_OBS_CHAIN, "access-key2.pem", "public-int.pem", NULL);
	run(w);
	EXPECT_NONE(w);
}

/* ---- profiles ------------------------------------------------------------ */

/*
 * Every check the profile turns off (severity ok) is silent, and the
 * others still speak.
 */
static void
test_checks_off(void **state)
{
	static const enum ep_check	off[] = {
		EP_CHECK_SUBJECT_NOT_ACCESS_FQDN, EP_CHECK_SUBJECT_WILDCARD,
		EP_CHECK_SAN_WILDCARD_FIRST, EP_CHECK_INTERNAL_CA_ON_EXTERNAL,
		EP_CHECK_EKU_CLIENT_AUTH_MISSING, EP_CHECK_WEAK_KEY,
		EP_CHECK_WEAK_SIGNATURE, EP_CHECK_KEY_SIZE_UNSUPPORTED,
		EP_CHECK_SIGNATURE_PSS_UNSUPPORTED, EP_CHECK_CRL_DP_MISSING,
		EP_CHECK_TLS_LEGACY_VERSION, EP_CHECK_PFX_KEY_MISSING,
		EP_CHECK_PFX_KEY_MISMATCH,
	};
	static const char		*bad[] = {
		"cn-other.pem", "key1024.pem", "key3072.pem", "ec224.pem",
		"sha1-signed.pem", "pss-signed.pem", "pss-key.pem",
		"no-crl-dp.pem", "access-server-only.pem",
	};
	struct world	*w = *state;
	char		 addr[32];
	size_t		 a, rp, wc, i, k;

	for (i = 0; i < NELEM(off); i++)
		w->profile->severity[off[i]] = EP_SEV_OK;
	sip_domain(w, C);
	a = target(w, EP_ROLE_ACCESS, "access." C);
	rp = target(w, EP_ROLE_REVERSE_PROXY, "ext." C);
	wc = target(w, EP_ROLE_WEBCON, "edge01.corp." C);
	w->profile->roles[EP_ROLE_ACCESS].pool = EP_POOL_NONE;
	for (i = 0; i < NELEM(bad); i++) {
		snprintf(addr, sizeof(addr), "192.0.2.%zu", 100 + i);
		k = obs_ok(w, a, addr, 5061, bad[i], "public-int.pem", NULL);
		w->o.v[k].port_flags = EP_PORT_FEDERATION;
		w->o.v[k].tls_proto = GNUTLS_TLS1_0;
	}
	obs_ok(w, rp, "192.0.2.20", 443, "rp-wild-first.pem", "public-int.pem",
	    NULL);
	obs_ok(w, rp, "192.0.2.21", 443, "wildcard.pem", "public-int.pem", NULL);
	obs_ok(w, wc, "192.0.2.11", 443, "internal-cn.pem", NULL);
	obs_file(w, a, EP_OBS_PFX, "access-chain.pem", NULL);
	run(w);
	/*
	 * What remains: the names the test certificates lack (their SANs
	 * name webcon.C, not access.C) and the CN-only internal name.
	 */
	for (i = 0; i < w->f.n; i++) {
		enum ep_check	c = w->f.v[i].check;

		if (c != EP_CHECK_NAME_NOT_IN_SAN &&
		    c != EP_CHECK_NAME_ONLY_IN_SUBJECT) {
			dump(&w->f);
			fail_msg("%s reported though off", ep_check_info(c)->id);
		}
	}
	assert_non_null(finding_of(w, EP_CHECK_NAME_ONLY_IN_SUBJECT));
}

/*
 * A generic role (no subject policy, any RSA size, any SAN order) judges
 * only what every role does: key strength, signatures, CRL DP.
 */
static void
test_generic_role_rules(void **state)
{
	struct world	*w = *state;
	size_t		 t;

	t = target(w, EP_ROLE_GENERIC, "webcon." C);
	obs_ok(w, t, "192.0.2.1", 443, "key3072.pem", "public-int.pem", NULL);
	obs_ok(w, t, "192.0.2.2", 443, "key1024.pem", "public-int.pem", NULL);
	obs_ok(w, t, "192.0.2.3", 443, "sha1-signed.pem", "public-int.pem",
	    NULL);
	obs_ok(w, t, "192.0.2.4", 443, "no-crl-dp.pem", "public-int.pem", NULL);
	run(w);
	EXPECT(w,
	    W(WEAK_KEY, CRITICAL, 1, ""),
	    W(WEAK_SIGNATURE, CRITICAL, 2, ""),
	    W(CRL_DP_MISSING, WARNING, 3, ""));
}

/* ---- check table and findings -------------------------------------------- */

/* Every check has a unique, non-empty, lowercase-hyphen id and advice. */
static void
test_check_table_ids(void **state)
{
	size_t	i, j;

	(void)state;
	for (i = 0; i < EP_CHECK__MAX; i++) {
		const struct ep_check_info	*c = ep_check_info((enum ep_check)i);
		const char			*p;

		assert_non_null(c);
		assert_non_null(c->id);
		assert_true(c->id[0] != '\0');
		for (p = c->id; *p != '\0'; p++)
			if (!islower((unsigned char)*p) &&
			    !isdigit((unsigned char)*p) && *p != '-')
				fail_msg("check %zu id '%s'", i, c->id);
		assert_non_null(c->advice);
		assert_true(c->advice[0] != '\0');
		assert_true(c->severity > EP_SEV_OK &&
		    c->severity <= EP_SEV_UNKNOWN);
		for (j = 0; j < i; j++)
			if (strcmp(ep_check_info((enum ep_check)j)->id,
			    c->id) == 0)
				fail_msg("checks %zu and %zu share id %s", j, i,
				    c->id);
	}
}

/* ep_check_by_id finds every check by its id, and nothing else. */
static void
test_check_by_id(void **state)
{
	static const struct {
		const char	*id;
		enum ep_check	 check;
	} stable[] = {
		{ "dns-no-address", EP_CHECK_DNS_NO_ADDRESS },
		{ "name-not-in-san", EP_CHECK_NAME_NOT_IN_SAN },
		{ "chain-incomplete", EP_CHECK_CHAIN_INCOMPLETE },
		{ "expires-soon", EP_CHECK_EXPIRES_SOON },
		{ "pool-key-mismatch", EP_CHECK_POOL_KEY_MISMATCH },
		{ "tls-legacy-version", EP_CHECK_TLS_LEGACY_VERSION },
		{ "pfx-key-missing", EP_CHECK_PFX_KEY_MISSING },
		{ "pfx-key-mismatch", EP_CHECK_PFX_KEY_MISMATCH },
	};
	enum ep_check	out;
	size_t		i;

	(void)state;
	for (i = 0; i < EP_CHECK__MAX; i++) {
		out = EP_CHECK__MAX;
		assert_int_equal(ep_check_by_id(
		    ep_check_info((enum ep_check)i)->id, &out), 0);
		assert_int_equal(out, i);
	}
	for (i = 0; i < NELEM(stable); i++) {
		assert_int_equal(ep_check_by_id(stable[i].id, &out), 0);
		assert_int_equal(out, stable[i].check);
	}
	out = EP_CHECK__MAX;
	assert_int_equal(ep_check_by_id("no-such-check", &out), -1);
	assert_int_equal(ep_check_by_id("", &out), -1);
	assert_int_equal(ep_check_by_id("Expired", &out), -1);
	assert_int_equal(out, EP_CHECK__MAX);
}

/* Severity names and Nagios exit codes 0/1/2/3. */
static void
test_severity_names_and_exit_codes(void **state)
{
	(void)state;
	assert_string_equal(ep_severity_name(EP_SEV_OK), "ok");
	assert_string_equal(ep_severity_name(EP_SEV_WARNING), "warning");
	assert_string_equal(ep_severity_name(EP_SEV_CRITICAL), "critical");
	assert_string_equal(ep_severity_name(EP_SEV_UNKNOWN), "unknown");
	assert_int_equal(ep_severity_exit_code(EP_SEV_OK), 0);
	assert_int_equal(ep_severity_exit_code(EP_SEV_WARNING), 1);
	assert_int_equal(ep_severity_exit_code(EP_SEV_CRITICAL), 2);
	assert_int_equal(ep_severity_exit_code(EP_SEV_UNKNOWN), 3);
}

/* Findings: default severity, name, cut message, worst and worst-of. */
static void
test_findings_list(void **state)
{
	struct ep_findings	 f = { NULL, 0, 0 };
	struct ep_finding	*x;
	char			 longmsg[2 * EP_FINDING_MSG_MAX];
	size_t			 i;

	(void)state;
	assert_int_equal(ep_findings_worst(&f), EP_SEV_OK);
	x = ep_findings_add(&f, EP_CHECK_EXPIRES_SOON, 3, "a.example", "in %d "
	    "days", 9);
	assert_non_null(x);
	assert_int_equal(x->severity, EP_SEV_WARNING);
	assert_int_equal(x->obs, 3);
	assert_string_equal(x->name, "a.example");
	assert_string_equal(x->message, "in 9 days");
	memset(longmsg, 'm', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	x = ep_findings_add(&f, EP_CHECK_EXPIRED, EP_FINDING_NO_OBS, NULL, "%s",
	    longmsg);
	assert_non_null(x);
	assert_string_equal(x->name, "");
	assert_int_equal(strlen(x->message), EP_FINDING_MSG_MAX - 1);
	assert_int_equal(ep_findings_worst(&f), EP_SEV_CRITICAL);
	/* Growth keeps earlier findings. */
	for (i = 0; i < 100; i++)
		assert_non_null(ep_findings_add(&f, EP_CHECK_TIMEOUT, i, NULL,
		    "t"));
	assert_int_equal(f.n, 102);
	assert_string_equal(f.v[0].message, "in 9 days");
	ep_findings_clear(&f);
	assert_int_equal(f.n, 0);
	assert_null(f.v);
	ep_findings_clear(NULL);
}

#define WT(fn)	cmocka_unit_test_setup_teardown(fn, world_setup, world_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		WT(test_access_good),
		WT(test_access_missing_sip_name),
		WT(test_access_wildcard_not_allowed),
		WT(test_reverse_proxy_wildcard_ok),
		WT(test_webcon_name_only_in_cn),
		WT(test_internal_cn_only_ok),
		WT(test_internal_cert_on_webcon),
		WT(test_same_chain_internal_then_webcon),
		WT(test_same_chain_webcon_then_internal),
		WT(test_too_many_findings),
		WT(test_reverse_proxy_needs_published_names),
		WT(test_ip_reference_matches_ip_san),
		WT(test_many_sip_domains),
		WT(test_chain_incomplete_unknown_intermediate),
		cmocka_unit_test(test_chain_incomplete_completed),
		WT(test_chain_with_root_and_unordered),
		cmocka_unit_test(test_chain_wrong_intermediate),
		WT(test_chain_with_extra_certificate),
		cmocka_unit_test(test_chain_untrusted_rogue),
		WT(test_chain_of_pain),
		cmocka_unit_test(test_chain_of_pain_old_root_only),
		cmocka_unit_test(test_anchor_expired),
		WT(test_chain_three_levels),
		WT(test_chain_order),
		WT(test_cert_malformed),
		WT(test_chain_over_limit),
		WT(test_cert_too_large),
		WT(test_san_over_limit),
		WT(test_urls_over_limit),
		WT(test_eku_none_if_present),
		cmocka_unit_test(test_chain_rogue_trusted_by_its_root),
		WT(test_self_signed),
		cmocka_unit_test(test_trust_verify_results),
		cmocka_unit_test(test_trust_new_errors),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_not_yet_valid),
		cmocka_unit_test(test_expires_soon_warning),
		cmocka_unit_test(test_expires_soon_critical),
		cmocka_unit_test(test_expires_beyond_warn_days),
		cmocka_unit_test(test_expires_share_of_lifetime),
		cmocka_unit_test(test_validity_boundaries),
		cmocka_unit_test(test_intermediate_expiry),
		cmocka_unit_test(test_eku_client_only),
		cmocka_unit_test(test_eku_none),
		WT(test_pool_key_mismatch),
		WT(test_pool_cert_mismatch),
		WT(test_pool_majority_key),
		WT(test_pool_unsorted_input),
		WT(test_reverse_proxy_no_pool_rule),
		WT(test_pool_ignores_failed_member),
		WT(test_failed_observations),
		WT(test_interrupted_observation),
		WT(test_subject_not_access_fqdn),
		WT(test_subject_any_access_target),
		WT(test_subject_wildcard_named_once),
		WT(test_subject_wildcard_by_role),
		WT(test_subject_self_skips_published),
		WT(test_san_wildcard_first),
		WT(test_eku_client_auth_federation_port),
		WT(test_eku_client_auth_no_eku),
		WT(test_eku_client_auth_offline),
		cmocka_unit_test(test_weak_key_rsa1024),
		cmocka_unit_test(test_weak_intermediate),
		cmocka_unit_test(test_weak_key_root_ignored),
		WT(test_weak_key_ec),
		WT(test_key_size_unsupported),
		WT(test_key_size_named_once),
		cmocka_unit_test(test_weak_signature_leaf),
		cmocka_unit_test(test_weak_signature_root_ignored),
		WT(test_signature_pss),
		cmocka_unit_test(test_crl_dp_missing),
		WT(test_tls_legacy_version),
		WT(test_pfx_key),
		WT(test_csr_judges_applicant_only),
		WT(test_offline_access_needs_webcon),
		WT(test_offline_not_a_pool),
		WT(test_checks_off),
		WT(test_generic_role_rules),
		cmocka_unit_test(test_check_table_ids),
		cmocka_unit_test(test_check_by_id),
		cmocka_unit_test(test_severity_names_and_exit_codes),
		cmocka_unit_test(test_findings_list),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
