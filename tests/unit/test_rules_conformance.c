/*
 * Unit tests for the X.509 conformance rules
 * (src/judge/rules_conformance.c) and what x509/ reads for them, against
 * the certificates of fixtures/conformance/, which
 * fixtures/make-conformance writes.  Each rule is run under generic and
 * lync2013 as the files of probes/ set them: the severities are the
 * profiles' data, and the tests pin what they say.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "input/ep_check.h"
#include "judge/ep_finding.h"
#include "judge/ep_rules.h"
#include "fixture.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define WEBCON		"webcon.contoso.example"
#define FABRIKAM	"www.fabrikam.example"
#define DN_NC_CA	"CN=Fixture Constrained CA,O=edgeprobe fixtures"
#define DN_NC_INT	"CN=Fixture Unconstrained Name CA,O=edgeprobe fixtures"

/* One run of the rules: a profile, its plan, anchors, observations. */
struct world {
	struct ep_profile	*profile;
	struct ep_plan		*plan;
	struct ep_trust		*trust;
	struct ep_names		*names;
	struct ep_observations	 o;
	struct ep_findings	 f;
};

/* One finding expected: its check, severity and observation. */
struct want {
	enum ep_check		 check;
	enum ep_severity	 severity;
	size_t			 obs;
};

#define W(chk, sev, obs)	{ EP_CHECK_##chk, EP_SEV_##sev, (obs) }

/* conformance/NAME as fx_path() wants it. */
static const char *
cf(const char *name)
{
	static char	buf[FX_PATH_SLOTS][128];
	static unsigned	next;
	char		*p = buf[next++ % FX_PATH_SLOTS];

	snprintf(p, sizeof(buf[0]), "conformance/%s", name);
	return p;
}

/*
 * A world judging by the built-in profile (generic, lync2013, ...) with
 * the fixture ca (a path under fixtures/) as its one public anchor.
 */
static struct world *
world_new(const char *profile, const char *ca)
{
	struct world	*w;
	char		 err[512] = "";

	assert_non_null(w = calloc(1, sizeof(*w)));
	if (ep_profile_load(profile, &w->profile, err, sizeof(err)) != 0)
		fail_msg("ep_profile_load %s: %s", profile, err);
	assert_non_null(w->plan = ep_plan_new(w->profile));
	if (ep_trust_new(&w->trust, fx_path(ca), NULL, err,
	    sizeof(err)) != 0)
		fail_msg("ep_trust_new %s: %s", ca, err);
	if (ep_names_new(&w->names, NULL, err, sizeof(err)) != 0)
		fail_msg("ep_names_new: %s", err);
	assert_int_equal(ep_observations_init(&w->o), 0);
	return w;
}

static void
world_free(struct world *w)
{
	ep_findings_clear(&w->f);
	ep_observations_clear(&w->o);
	ep_names_free(w->names);
	ep_trust_free(w->trust);
	ep_plan_free(w->plan);
	ep_profile_free(w->profile);
	free(w);
}

/* Adds a TLS server named name (the generic role) and returns its index. */
static size_t
target(struct world *w, const char *name)
{
	char	err[256] = "";
	size_t	i;

	if (ep_plan_add_target(w->plan, EP_ROLE_GENERIC, name, "--test", err,
	    sizeof(err)) != 0)
		fail_msg("ep_plan_add_target %s: %s", name, err);
	for (i = 0; i < ep_plan_ntargets(w->plan); i++)
		if (strcmp(ep_plan_target(w->plan, i)->name, name) == 0)
			return i;
	fail_msg("target %s not in the plan", name);
	return 0;
}

/*
 * Records an observation of kind of target t whose chain is the
 * certificates of the fixture files (paths under fixtures/), in order,
 * NULL-terminated.  A live one answered on 192.0.2.1:443 in TLS 1.3.
 */
static void
observe(struct world *w, enum ep_obs_kind kind, size_t t, ...)
{
	struct ep_obs	 obs;
	const char	*file;
	char		 err[512] = "";
	va_list		 ap;
	int		 n;

	memset(&obs, 0, sizeof(obs));
	obs.kind = kind;
	obs.target = t;
	obs.status = EP_OBS_OK;
	if (kind == EP_OBS_LIVE) {
		obs.port = 443;
		obs.has_addr = 1;
		obs.family = AF_INET;
		obs.addr[0] = 192;
		obs.addr[2] = 2;
		obs.addr[3] = 1;
		snprintf(obs.addrstr, sizeof(obs.addrstr), "192.0.2.1");
		snprintf(obs.tls_version, sizeof(obs.tls_version), "TLS1.3");
	} else
		snprintf(obs.file, sizeof(obs.file), "test.file");
	va_start(ap, t);
	while ((file = va_arg(ap, const char *)) != NULL) {
		n = ep_certs_load_file(w->o.certs, fx_path(file),
		    obs.chain + obs.chain_len, EP_CHAIN_MAX - obs.chain_len,
		    err, sizeof(err));
		if (n <= 0)
			fail_msg("loading %s: %s", file, err);
		obs.chain_len += (size_t)n;
	}
	va_end(ap);
	assert_true(ep_observations_add(&w->o, &obs) != (size_t)-1);
}

static void
run(struct world *w)
{
	struct ep_rules_ctx	ctx;
	char			err[256] = "";

	memset(&ctx, 0, sizeof(ctx));
	ctx.plan = w->plan;
	ctx.trust = w->trust;
	ctx.names = w->names;
	ctx.now = FX_NOW;
	ctx.warn = (struct ep_threshold){ 30, 0 };
	ctx.crit = (struct ep_threshold){ 7, 0 };
	ep_observations_sort(&w->o);
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
		print_message("  %s %s obs=%zu: %s\n",
		    ep_check_info(f->v[i].check)->id,
		    ep_severity_name(f->v[i].severity), f->v[i].obs,
		    f->v[i].message);
}

/* Asserts the findings are exactly the n wanted ones, in any order. */
static void
expect(const struct ep_findings *f, const struct want *want, size_t n)
{
	int	used[32] = { 0 };
	size_t	i, j;

	assert_true(f->n <= NELEM(used));
	for (i = 0; i < n; i++) {
		for (j = 0; j < f->n; j++)
			if (!used[j] && f->v[j].check == want[i].check &&
			    f->v[j].severity == want[i].severity &&
			    f->v[j].obs == want[i].obs)
				break;
		if (j == f->n) {
			dump(f);
			fail_msg("missing %s %s obs=%zu",
			    ep_check_info(want[i].check)->id,
			    ep_severity_name(want[i].severity), want[i].obs);
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
	dump(&w->f);
	fail_msg("no %s finding", ep_check_info(c)->id);
	return NULL;
}

static void
assert_says(const struct ep_finding *f, const char *text)
{
	if (strstr(f->message, text) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", f->message, text);
}

/*
 * Judges the chain files (under fixtures/, NULL-terminated) of a live
 * TLS server named name under profile, anchored at public-root.pem, and
 * leaves the findings in the returned world.
 */
static struct world *
judge(const char *profile, const char *name, ...)
{
	struct world	*w = world_new(profile, "public-root.pem");
	const char	*files[EP_CHAIN_MAX + 1] = { NULL };
	const char	*file;
	size_t		 n = 0, t = target(w, name);
	va_list		 ap;

	va_start(ap, name);
	while ((file = va_arg(ap, const char *)) != NULL &&
	    n < EP_CHAIN_MAX)
		files[n++] = file;
	va_end(ap);
	assert_true(n > 0 && n <= 3);
	observe(w, EP_OBS_LIVE, t, files[0], files[1], files[2], NULL);
	run(w);
	return w;
}

/* ---- the profiles' data -------------------------------------------------- */

/* The IDs the test cases of the integration suite name, each found. */
static void
test_check_ids(void **state)
{
	static const struct {
		const char	*id;
		enum ep_check	 check;
	} ids[] = {
		{ "leaf-is-ca", EP_CHECK_LEAF_IS_CA },
		{ "leaf-any-eku", EP_CHECK_LEAF_ANY_EKU },
		{ "key-type-unsupported", EP_CHECK_KEY_TYPE_UNSUPPORTED },
		{ "serial-invalid", EP_CHECK_SERIAL_INVALID },
		{ "key-id-missing", EP_CHECK_KEY_ID_MISSING },
		{ "root-aki-mismatch", EP_CHECK_ROOT_AKI_MISMATCH },
		{ "aia-malformed", EP_CHECK_AIA_MALFORMED },
		{ "san-criticality", EP_CHECK_SAN_CRITICALITY },
		{ "name-constraints-violated",
		    EP_CHECK_NAME_CONSTRAINTS_VIOLATED },
		{ "name-constraints-empty", EP_CHECK_NAME_CONSTRAINTS_EMPTY },
	};
	enum ep_check	c;
	size_t		i;

	(void)state;
	for (i = 0; i < NELEM(ids); i++) {
		assert_int_equal(ep_check_by_id(ids[i].id, &c), 0);
		assert_int_equal(c, ids[i].check);
	}
}

/*
 * What each built-in profile says: the Lync and Skype profiles, whose
 * clients are Windows, critical only where Windows fails the chain;
 * generic, critical where any mainstream client does, which is all ten.
 */
static void
test_profile_severities(void **state)
{
	static const enum ep_check	windows_fails[] = {
		EP_CHECK_KEY_TYPE_UNSUPPORTED, EP_CHECK_ROOT_AKI_MISMATCH,
		EP_CHECK_NAME_CONSTRAINTS_VIOLATED,
	};
	static const char *const	windows[] = {
		"lync2013", "skype2015", "skype2019",
	};
	struct ep_profile		*p;
	char				 err[256];
	size_t				 i, k;
	int				 crit;

	(void)state;
	for (k = 0; k < NELEM(windows); k++) {
		assert_int_equal(ep_profile_load(windows[k], &p, err,
		    sizeof(err)), 0);
		for (i = EP_CHECK_LEAF_IS_CA;
		    i <= EP_CHECK_NAME_CONSTRAINTS_EMPTY; i++) {
			crit = 0;
			for (size_t j = 0; j < NELEM(windows_fails); j++)
				crit |= windows_fails[j] == i;
			assert_int_equal(p->severity[i], crit ?
			    EP_SEV_CRITICAL : EP_SEV_WARNING);
		}
		ep_profile_free(p);
	}
	assert_int_equal(ep_profile_load("generic", &p, err, sizeof(err)), 0);
	for (i = EP_CHECK_LEAF_IS_CA; i <= EP_CHECK_NAME_CONSTRAINTS_EMPTY;
	    i++)
		assert_int_equal(p->severity[i], EP_SEV_CRITICAL);
	ep_profile_free(p);
}

/*
 * A conformant chain, its AIA with an Active Directory CA's ldap:///
 * caIssuers beside http:// locations: no finding under either profile.
 */
static void
test_good_chain(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("good.pem"), NULL);
	EXPECT_NONE(w);
	world_free(w);
	w = judge("lync2013", WEBCON, cf("good.pem"), NULL);
	EXPECT_NONE(w);
	world_free(w);
}

/* ---- leaf-is-ca ---------------------------------------------------------- */

/*
 * A leaf with cA=TRUE: critical for generic (Firefox and rustls reject
 * it), a warning for lync2013 (Windows takes it).  The one difference of
 * profile, from the same certificate.
 */
static void
test_leaf_ca_true(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("leaf-ca.pem"), NULL);
	EXPECT(w, W(LEAF_IS_CA, CRITICAL, 0));
	assert_says(finding_of(w, EP_CHECK_LEAF_IS_CA), "cA=TRUE");
	world_free(w);
	w = judge("lync2013", WEBCON, cf("leaf-ca.pem"), NULL);
	EXPECT(w, W(LEAF_IS_CA, WARNING, 0));
	world_free(w);
}

/* keyCertSign without cA=TRUE (OpenSSL's strict mode rejects it). */
static void
test_leaf_cert_sign(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("leaf-certsign.pem"), NULL);
	EXPECT(w, W(LEAF_IS_CA, CRITICAL, 0));
	assert_says(finding_of(w, EP_CHECK_LEAF_IS_CA), "keyCertSign");
	world_free(w);
}

/* ---- leaf-any-eku -------------------------------------------------------- */

/*
 * anyExtendedKeyUsage in place of serverAuth is the form clients reject:
 * the profile's severity, critical or warning.
 */
static void
test_any_eku_instead_of_server(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("eku-any.pem"), NULL);
	EXPECT(w, W(LEAF_ANY_EKU, CRITICAL, 0));
	assert_says(finding_of(w, EP_CHECK_LEAF_ANY_EKU),
	    "without Server Authentication");
	world_free(w);
	w = judge("lync2013", WEBCON, cf("eku-any.pem"), NULL);
	EXPECT(w, W(LEAF_ANY_EKU, WARNING, 0));
	world_free(w);
}

/*
 * Beside serverAuth only the Baseline Requirements forbid it: a warning
 * even where the profile says critical.
 */
static void
test_any_eku_beside_server(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("eku-any-server.pem"), NULL);
	EXPECT(w, W(LEAF_ANY_EKU, WARNING, 0));
	assert_says(finding_of(w, EP_CHECK_LEAF_ANY_EKU), "beside");
	world_free(w);
}

/*
 * A form only the standards forbid is capped at warning, never raised:
 * a profile that says info gets info, one that says off gets nothing.
 */
static void
test_rules_only_form_keeps_lower_severity(void **state)
{
	struct world	*w = world_new("generic", "public-root.pem");
	size_t		 t = target(w, WEBCON);

	(void)state;
	observe(w, EP_OBS_LIVE, t, cf("eku-any-server.pem"), NULL);
	w->profile->severity[EP_CHECK_LEAF_ANY_EKU] = EP_SEV_INFO;
	run(w);
	EXPECT(w, W(LEAF_ANY_EKU, INFO, 0));
	w->profile->severity[EP_CHECK_LEAF_ANY_EKU] = EP_SEV_OK;
	run(w);
	EXPECT_NONE(w);
	world_free(w);
}

/* ---- key-type-unsupported ------------------------------------------------ */

/* A DSA leaf: critical in both profiles (Windows has no DSA suite on). */
static void
test_key_dsa(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("key-dsa.pem"), NULL);
	EXPECT(w, W(KEY_TYPE_UNSUPPORTED, CRITICAL, 0));
	assert_says(finding_of(w, EP_CHECK_KEY_TYPE_UNSUPPORTED),
	    "the certificate has a DSA key");
	world_free(w);
	w = judge("lync2013", WEBCON, cf("key-dsa.pem"), NULL);
	EXPECT(w, W(KEY_TYPE_UNSUPPORTED, CRITICAL, 0));
	world_free(w);
}

/* An Ed25519 leaf, then an Ed25519 issuing CA: each named. */
static void
test_key_ed25519(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("key-ed25519.pem"), NULL);
	EXPECT(w, W(KEY_TYPE_UNSUPPORTED, CRITICAL, 0));
	assert_says(finding_of(w, EP_CHECK_KEY_TYPE_UNSUPPORTED),
	    "the certificate has an Ed25519 key");
	world_free(w);
	w = judge("lync2013", WEBCON, cf("int-ed25519.pem"), NULL);
	EXPECT(w, W(KEY_TYPE_UNSUPPORTED, CRITICAL, 0));
	assert_says(finding_of(w, EP_CHECK_KEY_TYPE_UNSUPPORTED),
	    "intermediate CN=Fixture Ed25519 Issuing CA");
	world_free(w);
}

/*
 * An RSA-PSS key is the profile's pss to judge: generic (pss = yes)
 * says nothing of it here, lync2013 says signature-pss-unsupported, once.
 */
static void
test_key_rsa_pss_left_to_pss(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, "pss-key.pem", "public-int.pem", NULL);
	EXPECT_NONE(w);
	world_free(w);
	w = judge("lync2013", WEBCON, "pss-key.pem", "public-int.pem", NULL);
	EXPECT(w, W(SIGNATURE_PSS_UNSUPPORTED, CRITICAL, 0));
	world_free(w);
}

/*
 * A request's key is the applicant's choice: judged.  What the CA
 * decides (here a missing AKI and a negative serial on the stand-in) is
 * not.
 */
static void
test_key_type_request(void **state)
{
	struct world	*w = world_new("generic", "public-root.pem");
	size_t		 t = target(w, WEBCON);

	(void)state;
	observe(w, EP_OBS_CSR, t, cf("key-dsa.pem"), NULL);
	observe(w, EP_OBS_CSR, t, cf("no-aki.pem"), NULL);
	observe(w, EP_OBS_CSR, t, cf("serial-negative.pem"), NULL);
	run(w);
	EXPECT(w, W(KEY_TYPE_UNSUPPORTED, CRITICAL, 0));
	world_free(w);
}

/* ---- serial-invalid ------------------------------------------------------ */

/*
 * GnuTLS hands out the serial's octets as they are: 0x8f at the front is
 * a negative number, which x509/ tells, and its octets are kept as hex.
 */
static void
test_serial_as_parsed(void **state)
{
	static const struct {
		const char	*file;
		int		 sign;
		size_t		 octets;
		const char	*hex;
	} cases[] = {
		{ "serial-negative.pem", -1, 3, "8f1234" },
		{ "serial-zero.pem", 0, 1, "00" },
		{ "serial-long.pem", 1, 22, "1212121212121212121212"
		    "1212121212121212121212" },
		{ "good.pem", 1, 2, "1389" },
	};
	struct ep_certs		*s;
	const struct ep_cert	*c;
	size_t			 i, idx[2];
	char			 err[256];

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		assert_non_null(s = ep_certs_new());
		if (ep_certs_load_file(s, fx_path(cf(cases[i].file)), idx, 2,
		    err, sizeof(err)) < 1)
			fail_msg("%s: %s", cases[i].file, err);
		c = ep_certs_get(s, idx[0]);
		assert_int_equal(c->serial_sign, cases[i].sign);
		assert_int_equal(c->serial_octets, cases[i].octets);
		assert_string_equal(c->serial, cases[i].hex);
		ep_certs_free(s);
	}
}

/* A negative serial, which Go refuses: the profile's severity. */
static void
test_serial_negative(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("serial-negative.pem"), NULL);
	EXPECT(w, W(SERIAL_INVALID, CRITICAL, 0));
	assert_says(finding_of(w, EP_CHECK_SERIAL_INVALID),
	    "the serial number of the certificate is negative (0x8f1234)");
	world_free(w);
	w = judge("lync2013", WEBCON, cf("serial-negative.pem"), NULL);
	EXPECT(w, W(SERIAL_INVALID, WARNING, 0));
	world_free(w);
}

/* Zero and 22 octets: clients take them, so a warning even in generic. */
static void
test_serial_zero_and_long(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("serial-zero.pem"), NULL);
	EXPECT(w, W(SERIAL_INVALID, WARNING, 0));
	assert_says(finding_of(w, EP_CHECK_SERIAL_INVALID), "is zero");
	world_free(w);
	w = judge("generic", WEBCON, cf("serial-long.pem"), NULL);
	EXPECT(w, W(SERIAL_INVALID, WARNING, 0));
	assert_says(finding_of(w, EP_CHECK_SERIAL_INVALID),
	    "is 22 octets long");
	world_free(w);
}

/* ---- key-id-missing ------------------------------------------------------ */

/*
 * No AKI in the leaf, or an AKI that names its issuer by name and serial
 * only: OpenSSL's strict mode (Python 3.13) fails both.
 */
static void
test_aki_missing(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("no-aki.pem"), NULL);
	EXPECT(w, W(KEY_ID_MISSING, CRITICAL, 0));
	assert_says(finding_of(w, EP_CHECK_KEY_ID_MISSING),
	    "the certificate has no authorityKeyIdentifier");
	world_free(w);
	w = judge("lync2013", WEBCON, cf("no-aki.pem"), NULL);
	EXPECT(w, W(KEY_ID_MISSING, WARNING, 0));
	world_free(w);
	w = judge("generic", WEBCON, cf("aki-no-keyid.pem"), NULL);
	EXPECT(w, W(KEY_ID_MISSING, CRITICAL, 0));
	assert_says(finding_of(w, EP_CHECK_KEY_ID_MISSING),
	    "without keyIdentifier");
	world_free(w);
}

/* An issuing CA without a subjectKeyIdentifier, named as such. */
static void
test_ski_missing_in_ca(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("int-no-ski.pem"), NULL);
	EXPECT(w, W(KEY_ID_MISSING, CRITICAL, 0));
	assert_says(finding_of(w, EP_CHECK_KEY_ID_MISSING), "intermediate "
	    "CN=Fixture No SKI Issuing CA,O=edgeprobe fixtures is a CA "
	    "certificate without a subjectKeyIdentifier");
	world_free(w);
}

/* ---- root-aki-mismatch --------------------------------------------------- */

/*
 * The same root key and name twice: with no AKI (self-signed, so none is
 * needed) nothing, anchor or sent; the one whose AKI names another key,
 * sent beside the sound anchor, is on no path: nothing; as the anchor the
 * path ends at, critical in both profiles, with both key IDs named.
 * GnuTLS does not take it for self-signed, edgeprobe does.
 */
static void
test_root_aki_mismatch(void **state)
{
	static const char *const	profiles[] = { "generic", "lync2013" };
	struct world			*w;
	size_t				 i, t;

	(void)state;
	for (i = 0; i < NELEM(profiles); i++) {
		w = world_new(profiles[i], cf("aki-root.pem"));
		t = target(w, WEBCON);
		observe(w, EP_OBS_LIVE, t, cf("by-aki-root.pem"),
		    cf("aki-root.pem"), NULL);
		run(w);
		EXPECT_NONE(w);
		/* Sent, but the path ends at the sound anchor: nothing. */
		ep_observations_clear(&w->o);
		assert_int_equal(ep_observations_init(&w->o), 0);
		observe(w, EP_OBS_LIVE, t, cf("by-aki-root.pem"),
		    cf("aki-root-other.pem"), NULL);
		run(w);
		EXPECT_NONE(w);
		world_free(w);
		/* The anchor the path ends at is the one whose AKI is wrong. */
		w = world_new(profiles[i], cf("aki-root-other.pem"));
		t = target(w, WEBCON);
		observe(w, EP_OBS_LIVE, t, cf("by-aki-root.pem"), NULL);
		run(w);
		EXPECT(w, W(ROOT_AKI_MISMATCH, CRITICAL, 0));
		assert_says(finding_of(w, EP_CHECK_ROOT_AKI_MISMATCH),
		    "the trust anchor CN=Fixture AKI Root,O=edgeprobe fixtures "
		    "is self-signed, but its authorityKeyIdentifier names the "
		    "key f1:e3:b1:53");
		assert_says(finding_of(w, EP_CHECK_ROOT_AKI_MISMATCH),
		    "not its own (ab:a5:ab:0e");
		world_free(w);
	}
}

/* ---- aia-malformed ------------------------------------------------------- */

/* An AIA that does not parse (Chrome and Go refuse the certificate). */
static void
test_aia_garbage(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("aia-garbage.pem"), NULL);
	EXPECT(w, W(AIA_MALFORMED, CRITICAL, 0));
	assert_says(finding_of(w, EP_CHECK_AIA_MALFORMED), "does not parse");
	world_free(w);
	w = judge("lync2013", WEBCON, cf("aia-garbage.pem"), NULL);
	EXPECT(w, W(AIA_MALFORMED, WARNING, 0));
	world_free(w);
}

/* A caIssuers location that is a DNS name: a warning even in generic. */
static void
test_aia_not_uri(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("aia-not-uri.pem"), NULL);
	EXPECT(w, W(AIA_MALFORMED, WARNING, 0));
	assert_says(finding_of(w, EP_CHECK_AIA_MALFORMED),
	    "caIssuers location of name type");
	world_free(w);
}

/* ---- san-criticality ----------------------------------------------------- */

/*
 * An empty subject with a non-critical SAN (RFC 5280's MUST; Chrome and
 * OpenSSL's strict mode refuse it): the profile's severity.
 */
static void
test_san_noncritical_empty_subject(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("san-empty-subject.pem"), NULL);
	EXPECT(w, W(SAN_CRITICALITY, CRITICAL, 0));
	assert_says(finding_of(w, EP_CHECK_SAN_CRITICALITY),
	    "empty subject and a non-critical subjectAltName");
	world_free(w);
	w = judge("lync2013", WEBCON, cf("san-empty-subject.pem"), NULL);
	EXPECT(w, W(SAN_CRITICALITY, WARNING, 0));
	world_free(w);
}

/* A critical SAN beside a subject: only the BRs forbid it, a warning. */
static void
test_san_critical_with_subject(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("san-critical.pem"), NULL);
	EXPECT(w, W(SAN_CRITICALITY, WARNING, 0));
	assert_says(finding_of(w, EP_CHECK_SAN_CRITICALITY),
	    "critical although its subject is not empty");
	world_free(w);
}

/* ---- name constraints ---------------------------------------------------- */

/*
 * An intermediate whose own dNSName is outside the constraints of the CA
 * above it.  GnuTLS's verifier checks only the leaf, which is inside: the
 * chain is trusted, and this rule alone sees it, in both profiles.
 */
static void
test_nc_intermediate_outside(void **state)
{
	static const char *const	profiles[] = { "generic", "lync2013" };
	struct world			*w;
	size_t				 i;

	(void)state;
	for (i = 0; i < NELEM(profiles); i++) {
		w = judge(profiles[i], WEBCON, cf("nc-int-out.pem"),
		    cf("nc-ca.pem"), NULL);
		EXPECT(w, W(NAME_CONSTRAINTS_VIOLATED, CRITICAL, 0));
		assert_says(finding_of(w, EP_CHECK_NAME_CONSTRAINTS_VIOLATED),
		    "the name ca.fabrikam.example of intermediate "
		    DN_NC_INT " is outside the name constraints of "
		    DN_NC_CA);
		world_free(w);
	}
}

/*
 * The same chain sent out of order: the constrained CA is found above
 * the other by name and key ID, not by place.
 */
static void
test_nc_unordered_chain(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("nc-unordered.pem"), NULL);
	assert_says(finding_of(w, EP_CHECK_NAME_CONSTRAINTS_VIOLATED),
	    "the name ca.fabrikam.example of intermediate " DN_NC_INT);
	world_free(w);
}

/*
 * Leaves under the constrained CA: inside, nothing; a dNSName or an IP
 * address outside, named.  (The trust check fails such a leaf too:
 * GnuTLS's verifier applies the constraints to it.)
 */
static void
test_nc_leaf(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("nc-leaf-in.pem"), cf("nc-ca.pem"),
	    NULL);
	EXPECT_NONE(w);
	world_free(w);
	w = judge("generic", FABRIKAM, cf("nc-leaf-out.pem"), cf("nc-ca.pem"),
	    NULL);
	assert_int_equal(finding_of(w,
	    EP_CHECK_NAME_CONSTRAINTS_VIOLATED)->severity, EP_SEV_CRITICAL);
	assert_says(finding_of(w, EP_CHECK_NAME_CONSTRAINTS_VIOLATED),
	    "the name " FABRIKAM " of the certificate is outside the name "
	    "constraints of " DN_NC_CA);
	world_free(w);
	w = judge("generic", WEBCON, cf("nc-leaf-ip.pem"), cf("nc-ca.pem"),
	    NULL);
	assert_says(finding_of(w, EP_CHECK_NAME_CONSTRAINTS_VIOLATED),
	    "the name 198.51.100.7 of the certificate");
	world_free(w);
}

/* ---- name-constraints-empty ---------------------------------------------- */

/* An issuing CA with empty name constraints (Go refuses it). */
static void
test_nc_empty(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", WEBCON, cf("nc-empty.pem"), NULL);
	EXPECT(w, W(NAME_CONSTRAINTS_EMPTY, CRITICAL, 0));
	assert_says(finding_of(w, EP_CHECK_NAME_CONSTRAINTS_EMPTY),
	    "intermediate CN=Fixture Empty Constraints CA,O=edgeprobe "
	    "fixtures has a nameConstraints extension with neither");
	world_free(w);
	w = judge("lync2013", WEBCON, cf("nc-empty.pem"), NULL);
	EXPECT(w, W(NAME_CONSTRAINTS_EMPTY, WARNING, 0));
	world_free(w);
}

/*
 * The certificates the other unit tests use, certtool's, give none of
 * these findings: a chain with its root sent along (self-signed, so its
 * missing AKI is fine), and a self-signed leaf, which is only that.
 */
static void
test_certtool_fixtures_conform(void **state)
{
	struct world	*w;

	(void)state;
	w = judge("generic", "access.contoso.example", "access-chain.pem",
	    "public-root.pem", NULL);
	EXPECT_NONE(w);
	world_free(w);
	w = judge("generic", WEBCON, "self-signed.pem", NULL);
	EXPECT(w, W(SELF_SIGNED, CRITICAL, 0));
	world_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_ids),
		cmocka_unit_test(test_profile_severities),
		cmocka_unit_test(test_good_chain),
		cmocka_unit_test(test_leaf_ca_true),
		cmocka_unit_test(test_leaf_cert_sign),
		cmocka_unit_test(test_any_eku_instead_of_server),
		cmocka_unit_test(test_any_eku_beside_server),
		cmocka_unit_test(test_rules_only_form_keeps_lower_severity),
		cmocka_unit_test(test_key_dsa),
		cmocka_unit_test(test_key_ed25519),
		cmocka_unit_test(test_key_rsa_pss_left_to_pss),
		cmocka_unit_test(test_key_type_request),
		cmocka_unit_test(test_serial_as_parsed),
		cmocka_unit_test(test_serial_negative),
		cmocka_unit_test(test_serial_zero_and_long),
		cmocka_unit_test(test_aki_missing),
		cmocka_unit_test(test_ski_missing_in_ca),
		cmocka_unit_test(test_root_aki_mismatch),
		cmocka_unit_test(test_aia_garbage),
		cmocka_unit_test(test_aia_not_uri),
		cmocka_unit_test(test_san_noncritical_empty_subject),
		cmocka_unit_test(test_san_critical_with_subject),
		cmocka_unit_test(test_nc_intermediate_outside),
		cmocka_unit_test(test_nc_unordered_chain),
		cmocka_unit_test(test_nc_leaf),
		cmocka_unit_test(test_nc_empty),
		cmocka_unit_test(test_certtool_fixtures_conform),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
