/*
 * Unit tests for the offline inputs (src/net/offline.c): chain files, PKCS#12
 * files and certificate requests become observations.  The fixtures are
 * in fixtures/offline/ (see make-offline-fixtures there).
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>

#include "net/ep_offline.h"
#include "fixture.h"
#include "mkcert.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define C		"contoso.example"
#define DN_INT		"CN=Offline Fixture Issuing CA,O=edgeprobe fixtures"
#define DN_ROOT		"CN=Offline Fixture Root,O=edgeprobe fixtures"
#define STANDIN_DN	"CN=edgeprobe request stand-in"
/* The password of the fixture PFX files, as in fixtures/offline/pfx.pass. */
#define PASSWORD	"offline fixture password"
#define NOT_AFTER_NEVER	((time_t)253402300799)	/* 9999-12-31T23:59:59Z */
#define MUTATIONS_MAX	64	/* damaged copies tried per file */
#define PER_PART	16	/* certificates in each part of a PFX made */

/* What each test works on: a plan and the observations made under it. */
struct fx {
	struct ep_plan		*plan;
	struct ep_observations	 obs;
	char			 err[1024];
};

/* Adds a target, which must succeed. */
static void
add(struct fx *f, enum ep_role role, const char *name)
{
	char	err[512] = "";

	if (ep_plan_add_target(f->plan, role, name, "--test", err,
	    sizeof(err)) != 0)
		fail_msg("adding %s: %s", name, err);
}

/* A plan with the access name, a second access name and a webcon name. */
static int
setup(void **state)
{
	struct fx	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->plan = ep_plan_new(fx_lync())) == NULL ||
	    ep_observations_init(&f->obs) == -1)
		return -1;
	add(f, EP_ROLE_ACCESS, "access." C);
	add(f, EP_ROLE_WEBCON, "webcon." C);
	add(f, EP_ROLE_ACCESS, "sip." C);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;

	ep_observations_clear(&f->obs);
	ep_plan_free(f->plan);
	free(f);
	return 0;
}

/* Runs ep_offline_observe on a file (a fixture name or a path). */
static int
observe(struct fx *f, enum ep_role role, enum ep_offline_input input,
    const char *path, const char *password)
{
	struct ep_offline	in;

	in.input = input;
	in.path = path;
	in.password = password;
	f->err[0] = '\0';
	return ep_offline_observe(f->plan, role, &in, &f->obs, f->err,
	    sizeof(f->err));
}

/* Observes a file that must be accepted. */
static void
observe_ok(struct fx *f, enum ep_role role, enum ep_offline_input input,
    const char *path, const char *password)
{
	if (observe(f, role, input, path, password) != 0)
		fail_msg("%s: %s", path, f->err);
}

/*
 * Observes a file that must be refused, with one line that starts with
 * want (or with the path and ": " when want is NULL) and adds nothing.
 */
static void
observe_fails(struct fx *f, enum ep_role role, enum ep_offline_input input,
    const char *path, const char *password, const char *want)
{
	char	prefix[FX_PATH_MAX + 4];

	if (observe(f, role, input, path, password) != -1)
		fail_msg("%s was accepted", path);
	if (want == NULL) {
		snprintf(prefix, sizeof(prefix), "%s: ", path);
		want = prefix;
	}
	if (strncmp(f->err, want, strlen(want)) != 0)
		fail_msg("%s: got \"%s\", want \"%s...\"", path, f->err, want);
	assert_null(strchr(f->err, '\n'));
	assert_int_equal(f->obs.n, 0);
}

static const struct ep_cert *
chain_cert(const struct fx *f, const struct ep_obs *o, size_t i)
{
	assert_true(i < o->chain_len);
	return ep_certs_get(f->obs.certs, o->chain[i]);
}

static void
assert_dns_san(const struct ep_cert *c, size_t i, const char *name)
{
	assert_true(i < c->nsans);
	assert_int_equal(c->sans[i].is_ip, 0);
	assert_int_equal(c->sans[i].len, strlen(name));
	assert_memory_equal(c->sans[i].value, name, strlen(name) + 1);
}

/* The fixture access certificate: its names, and its issuer's. */
static void
assert_access_leaf(const struct ep_cert *c)
{
	assert_string_equal(c->cn, "access." C);
	assert_string_equal(c->issuer, DN_INT);
	assert_int_equal(c->is_ca, 0);
	assert_int_equal(c->nsans, 4);
	assert_dns_san(c, 0, "access." C);
	assert_dns_san(c, 1, "webcon." C);
	assert_dns_san(c, 2, "sip." C);
	assert_dns_san(c, 3, "sip.fabrikam.example");
}

/* What every offline observation has: no address, no port, the file. */
static void
assert_offline(const struct ep_obs *o, enum ep_obs_kind kind,
    const char *path)
{
	assert_int_equal(o->kind, kind);
	assert_int_equal(o->status, EP_OBS_OK);
	assert_int_equal(o->has_addr, 0);
	assert_int_equal(o->port, 0);
	assert_string_equal(o->file, path);
	assert_string_equal(o->tls_version, "");
	assert_true(o->chain_len > 0);
}

/* Makes a sparse temporary file of size bytes. */
static void
tmp_sparse(off_t size, char *path, size_t pathlen)
{
	fx_tmp_file("ep-test-offline", "", 0, path, pathlen);
	assert_int_equal(truncate(path, size), 0);
}

/* A chain file: one observation per target of the role, leaf first. */
static void
test_chain_per_target(void **state)
{
	struct fx	*f = *state;
	const char	*path = fx_path("offline/access-chain.pem");
	size_t		 i;

	observe_ok(f, EP_ROLE_ACCESS, EP_OFFLINE_CHAIN, path, NULL);
	assert_int_equal(f->obs.n, 2);
	for (i = 0; i < 2; i++) {
		const struct ep_obs	*o = &f->obs.v[i];

		assert_offline(o, EP_OBS_CHAIN, path);
		/* Sorted by target: access., then sip. (added third). */
		assert_int_equal(o->target, i == 0 ? 0 : 2);
		/* 443 and 5061: 5061 is the federation port. */
		assert_int_equal(o->port_flags, EP_PORT_FEDERATION);
		assert_int_equal(o->has_key, 0);
		assert_int_equal(o->chain_len, 2);
		assert_access_leaf(chain_cert(f, o, 0));
		assert_string_equal(chain_cert(f, o, 1)->subject, DN_INT);
	}
	/* The same certificates, stored once. */
	assert_int_equal(ep_certs_count(f->obs.certs), 2);
	assert_int_equal(f->obs.v[0].chain[0], f->obs.v[1].chain[0]);
}

/* A webcon target: its own port's flags, none. */
static void
test_chain_webcon(void **state)
{
	struct fx	*f = *state;
	const char	*path = fx_path("offline/access.der");

	observe_ok(f, EP_ROLE_WEBCON, EP_OFFLINE_CHAIN, path, NULL);
	assert_int_equal(f->obs.n, 1);
	assert_offline(&f->obs.v[0], EP_OBS_CHAIN, path);
	assert_int_equal(f->obs.v[0].target, 1);
	assert_int_equal(f->obs.v[0].port_flags, 0);
	assert_int_equal(f->obs.v[0].chain_len, 1);
	assert_access_leaf(chain_cert(f, &f->obs.v[0], 0));
}

/* No name of the role: nothing to judge the file against. */
static void
test_no_target_of_role(void **state)
{
	struct fx	*f = *state;
	const char	*path = fx_path("offline/access-chain.pem");
	char		 want[FX_PATH_MAX + 64];

	snprintf(want, sizeof(want), "no --reverse-proxy name given to judge "
	    "%s against", path);
	observe_fails(f, EP_ROLE_REVERSE_PROXY, EP_OFFLINE_CHAIN, path, NULL,
	    want);
	assert_string_equal(f->err, want);
	snprintf(want, sizeof(want), "no --name name given to judge %s "
	    "against", path);
	observe_fails(f, EP_ROLE_GENERIC, EP_OFFLINE_PFX, path, PASSWORD, want);
	assert_string_equal(f->err, want);
}

/*
 * A PFX with its key, DER and PEM: the leaf is the key's certificate
 * though the file lists the issuing CA first; then the path to the root.
 */
static void
test_pfx_with_key(void **state)
{
	static const char	*files[] = { "offline/access.pfx",
				    "offline/access-pem.pfx" };
	struct fx		*f = *state;
	size_t			 i;

	for (i = 0; i < NELEM(files); i++) {
		const char		*path = fx_path(files[i]);
		const struct ep_obs	*o;

		ep_observations_clear(&f->obs);
		assert_int_equal(ep_observations_init(&f->obs), 0);
		observe_ok(f, EP_ROLE_ACCESS, EP_OFFLINE_PFX, path, PASSWORD);
		assert_int_equal(f->obs.n, 2);
		o = &f->obs.v[0];
		assert_offline(o, EP_OBS_PFX, path);
		assert_int_equal(o->port_flags, EP_PORT_FEDERATION);
		assert_int_equal(o->has_key, 1);
		assert_int_equal(o->key_matches, 1);
		assert_int_equal(o->chain_len, 3);
		assert_access_leaf(chain_cert(f, o, 0));
		assert_string_equal(chain_cert(f, o, 1)->subject, DN_INT);
		assert_string_equal(chain_cert(f, o, 2)->subject, DN_ROOT);
		assert_int_equal(chain_cert(f, o, 2)->self_signed, 1);
	}
}

/* Another key than the certificate's: present, not matching. */
static void
test_pfx_wrong_key(void **state)
{
	struct fx		*f = *state;
	const char		*path = fx_path("offline/wrong-key.pfx");
	const struct ep_obs	*o;

	observe_ok(f, EP_ROLE_ACCESS, EP_OFFLINE_PFX, path, PASSWORD);
	assert_int_equal(f->obs.n, 2);
	o = &f->obs.v[0];
	assert_offline(o, EP_OBS_PFX, path);
	assert_int_equal(o->has_key, 1);
	assert_int_equal(o->key_matches, 0);
	assert_int_equal(o->chain_len, 2);
	assert_access_leaf(chain_cert(f, o, 0));
	assert_string_equal(chain_cert(f, o, 1)->subject, DN_INT);
}

/* Certificates without a key: the chain still, and no key. */
static void
test_pfx_no_key(void **state)
{
	struct fx		*f = *state;
	const char		*path = fx_path("offline/no-key.pfx");
	const struct ep_obs	*o;

	observe_ok(f, EP_ROLE_WEBCON, EP_OFFLINE_PFX, path, PASSWORD);
	assert_int_equal(f->obs.n, 1);
	o = &f->obs.v[0];
	assert_offline(o, EP_OBS_PFX, path);
	assert_int_equal(o->has_key, 0);
	assert_int_equal(o->key_matches, 0);
	assert_int_equal(o->chain_len, 2);
	assert_access_leaf(chain_cert(f, o, 0));
}

/* Exported without a password: opens with none given. */
static void
test_pfx_empty_password(void **state)
{
	struct fx	*f = *state;
	const char	*path = fx_path("offline/empty-password.pfx");

	observe_ok(f, EP_ROLE_WEBCON, EP_OFFLINE_PFX, path, NULL);
	assert_int_equal(f->obs.n, 1);
	assert_int_equal(f->obs.v[0].has_key, 1);
	assert_int_equal(f->obs.v[0].key_matches, 1);
}

/* Without a MAC, a wrong password shows when decrypting. */
static void
test_pfx_no_mac(void **state)
{
	struct fx	*f = *state;
	const char	*path = fx_path("offline/no-mac.pfx");
	char		 want[FX_PATH_MAX + 64];

	snprintf(want, sizeof(want), "%s: wrong password or damaged file",
	    path);
	observe_fails(f, EP_ROLE_WEBCON, EP_OFFLINE_PFX, path, "not it", want);
	assert_string_equal(f->err, want);
	observe_fails(f, EP_ROLE_WEBCON, EP_OFFLINE_PFX, path, NULL, want);
	observe_ok(f, EP_ROLE_WEBCON, EP_OFFLINE_PFX, path, PASSWORD);
	assert_int_equal(f->obs.v[0].has_key, 1);
	assert_int_equal(f->obs.v[0].key_matches, 1);
}

/* A wrong or missing password: one line that never shows a password. */
static void
test_pfx_wrong_password(void **state)
{
	struct fx	*f = *state;
	const char	*path = fx_path("offline/access.pfx");
	char		 want[FX_PATH_MAX + 64];

	snprintf(want, sizeof(want), "%s: wrong password or damaged file",
	    path);
	observe_fails(f, EP_ROLE_ACCESS, EP_OFFLINE_PFX, path, "hunter2", want);
	assert_string_equal(f->err, want);
	observe_fails(f, EP_ROLE_ACCESS, EP_OFFLINE_PFX, path, "", want);
	observe_fails(f, EP_ROLE_ACCESS, EP_OFFLINE_PFX, path, NULL, want);
	assert_non_null(strstr(f->err, "no password given"));
	assert_null(strstr(f->err, PASSWORD));
}

/* A file asking for more key derivation than anyone uses. */
static void
test_pfx_costly(void **state)
{
	struct fx	*f = *state;
	const char	*path = fx_path("offline/costly.pfx");

	observe_fails(f, EP_ROLE_ACCESS, EP_OFFLINE_PFX, path, PASSWORD, NULL);
	assert_non_null(strstr(f->err, "3000000 key derivation rounds"));
}

/*
 * A request becomes a stand-in certificate: the request's subject, SANs
 * in order, EKU and key, under a name no one trusts, valid forever.
 */
static void
test_csr(void **state)
{
	static const char	*files[] = { "offline/access.csr",
				    "offline/access-der.csr" };
	struct fx		*f = *state;
	struct ep_certs		*s = ep_certs_new();
	size_t			 idx[2], i;
	char			 err[512];

	/* The chain's leaf was issued for the same key. */
	assert_int_equal(ep_certs_load_file(s,
	    fx_path("offline/access-chain.pem"), idx, NELEM(idx), err,
	    sizeof(err)), 2);
	for (i = 0; i < NELEM(files); i++) {
		const char		*path = fx_path(files[i]);
		const struct ep_cert	*c;

		ep_observations_clear(&f->obs);
		assert_int_equal(ep_observations_init(&f->obs), 0);
		observe_ok(f, EP_ROLE_ACCESS, EP_OFFLINE_CSR, path, NULL);
		assert_int_equal(f->obs.n, 2);
		assert_offline(&f->obs.v[0], EP_OBS_CSR, path);
		assert_int_equal(f->obs.v[0].has_key, 0);
		assert_int_equal(f->obs.v[0].chain_len, 1);
		c = chain_cert(f, &f->obs.v[0], 0);
		assert_string_equal(c->subject, "CN=access." C);
		assert_string_equal(c->issuer, STANDIN_DN);
		assert_int_equal(c->nsans, 4);
		assert_dns_san(c, 0, "access." C);
		assert_dns_san(c, 1, "webcon." C);
		assert_dns_san(c, 2, "sip." C);
		assert_dns_san(c, 3, "sip.fabrikam.example");
		assert_int_equal(c->eku_server, 1);
		assert_int_equal(c->eku_client, 1);
		assert_int_equal(c->is_ca, 0);
		assert_int_equal(c->self_issued, 0);
		assert_int_equal(c->key_bits, 2048);
		assert_int_equal(c->not_after, NOT_AFTER_NEVER);
		assert_memory_equal(c->spki_sha256,
		    ep_certs_get(s, idx[0])->spki_sha256, 32);
	}
	ep_certs_free(s);
}

/* A request that leaves a SIP domain out, and a wildcard request. */
static void
test_csr_names(void **state)
{
	struct fx		*f = *state;
	const struct ep_cert	*c;

	observe_ok(f, EP_ROLE_ACCESS, EP_OFFLINE_CSR,
	    fx_path("offline/no-fabrikam.csr"), NULL);
	c = chain_cert(f, &f->obs.v[0], 0);
	assert_int_equal(c->nsans, 3);
	assert_dns_san(c, 0, "access." C);
	assert_dns_san(c, 1, "webcon." C);
	assert_dns_san(c, 2, "sip." C);

	ep_observations_clear(&f->obs);
	assert_int_equal(ep_observations_init(&f->obs), 0);
	observe_ok(f, EP_ROLE_WEBCON, EP_OFFLINE_CSR,
	    fx_path("offline/wildcard.csr"), NULL);
	assert_int_equal(f->obs.n, 1);
	c = chain_cert(f, &f->obs.v[0], 0);
	assert_string_equal(c->cn, "*." C);
	assert_int_equal(c->nsans, 1);
	assert_dns_san(c, 0, "*." C);
}

/* A request whose subject was changed after signing. */
static void
test_csr_forged(void **state)
{
	struct fx	*f = *state;
	gnutls_datum_t	 der;
	unsigned char	*p = NULL;
	char		 path[FX_PATH_MAX];
	size_t		 i;

	assert_int_equal(gnutls_load_file(fx_path("offline/access-der.csr"),
	    &der), 0);
	for (i = 0; i + 6 <= der.size; i++)
		if (memcmp(der.data + i, "access", 6) == 0) {
			p = der.data + i;
			break;
		}
	assert_non_null(p);
	*p = 'b';
	fx_tmp_file("ep-test-offline", der.data, der.size, path, sizeof(path));
	gnutls_free(der.data);
	observe_fails(f, EP_ROLE_ACCESS, EP_OFFLINE_CSR, path, NULL, NULL);
	assert_non_null(strstr(f->err, "signature does not verify"));
	unlink(path);
}

/* Empty, garbage, cut short, missing: one line each, nothing added. */
static void
test_malformed(void **state)
{
	static const struct {
		enum ep_offline_input	 input;
		const char		*file;
	} bad[] = {
		{ EP_OFFLINE_CHAIN, "offline/empty.pem" },
		{ EP_OFFLINE_CHAIN, "offline/garbage.pem" },
		{ EP_OFFLINE_CHAIN, "offline/access.csr" },
		{ EP_OFFLINE_CHAIN, "offline/no-such-file" },
		{ EP_OFFLINE_PFX, "offline/empty.pem" },
		{ EP_OFFLINE_PFX, "offline/garbage.pem" },
		{ EP_OFFLINE_PFX, "offline/truncated.pfx" },
		{ EP_OFFLINE_PFX, "offline/access-chain.pem" },
		{ EP_OFFLINE_PFX, "offline/no-such-file" },
		{ EP_OFFLINE_CSR, "offline/empty.pem" },
		{ EP_OFFLINE_CSR, "offline/garbage.pem" },
		{ EP_OFFLINE_CSR, "offline/truncated.csr" },
		{ EP_OFFLINE_CSR, "offline/access-chain.pem" },
		{ EP_OFFLINE_CSR, "offline/access.pfx" },
		{ EP_OFFLINE_CSR, "offline/no-such-file" },
	};
	struct fx	*f = *state;
	size_t		 i;

	for (i = 0; i < NELEM(bad); i++)
		observe_fails(f, EP_ROLE_ACCESS, bad[i].input,
		    fx_path(bad[i].file), PASSWORD, NULL);
}

/* Reads fixture name whole into d (free d->data with gnutls_free()). */
static void
slurp(const char *name, gnutls_datum_t *d)
{
	assert_int_equal(gnutls_load_file(fx_path(name), d), 0);
}

/*
 * A chain file in any order: the leaf is found where it is (the CA first,
 * the leaf second).  A second certificate cut short is kept, malformed,
 * after the first, which is the leaf; so is one whose DER does not parse.
 */
static void
test_chain_order_and_damage(void **state)
{
	struct fx		*f = *state;
	gnutls_datum_t		 a, b;
	char			*text, path[FX_PATH_MAX];
	const struct ep_obs	*o;
	size_t			 n;

	slurp("access.pem", &a);
	slurp("public-int.pem", &b);
	assert_non_null(text = malloc(a.size + b.size + 1));

	memcpy(text, b.data, b.size);
	memcpy(text + b.size, a.data, a.size);
	fx_tmp_file("ep-test-offline", text, a.size + b.size, path,
	    sizeof(path));
	observe_ok(f, EP_ROLE_ACCESS, EP_OFFLINE_CHAIN, path, NULL);
	o = &f->obs.v[0];
	assert_int_equal(o->chain_len, 2);
	assert_int_equal(o->leaf, 1);
	assert_string_equal(chain_cert(f, o, 1)->cn, "access." C);
	unlink(path);

	/* The intermediate cut in the middle of its base64. */
	n = a.size + b.size / 2;
	memcpy(text, a.data, a.size);
	memcpy(text + a.size, b.data, b.size / 2);
	fx_tmp_file("ep-test-offline", text, n, path, sizeof(path));
	ep_observations_clear(&f->obs);
	assert_int_equal(ep_observations_init(&f->obs), 0);
	observe_ok(f, EP_ROLE_ACCESS, EP_OFFLINE_CHAIN, path, NULL);
	o = &f->obs.v[0];
	assert_int_equal(o->chain_len, 2);
	assert_int_equal(o->leaf, 0);
	assert_string_equal(chain_cert(f, o, 0)->malformed, "");
	assert_non_null(strstr(chain_cert(f, o, 1)->malformed, "cut short"));
	unlink(path);

	/*
	 * The leaf's DER damaged, its PEM whole: "MIID" after the header
	 * made "MIZD", the outer length's own length 6 octets.
	 */
	memcpy(text, a.data, a.size);
	assert_int_equal(memcmp(text + 28, "MII", 3), 0);
	text[30] = 'Z';
	memcpy(text + a.size, b.data, b.size);
	fx_tmp_file("ep-test-offline", text, a.size + b.size, path,
	    sizeof(path));
	ep_observations_clear(&f->obs);
	assert_int_equal(ep_observations_init(&f->obs), 0);
	observe_ok(f, EP_ROLE_ACCESS, EP_OFFLINE_CHAIN, path, NULL);
	o = &f->obs.v[0];
	assert_int_equal(o->chain_len, 2);
	assert_true(chain_cert(f, o, 0)->malformed[0] != '\0');
	/* The only certificate that parses is a CA's: the leaf is lost. */
	assert_int_equal(o->leaf, 0);
	unlink(path);
	free(text);
	gnutls_free(a.data);
	gnutls_free(b.data);
}

/* Files past each input's size limit are refused before parsing. */
static void
test_huge(void **state)
{
	static const struct {
		enum ep_offline_input	input;
		off_t			size;
	} huge[] = {
		{ EP_OFFLINE_CHAIN, EP_CERT_FILE_MAX + 1 },
		{ EP_OFFLINE_PFX, EP_OFFLINE_PFX_MAX + 1 },
		{ EP_OFFLINE_CSR, EP_OFFLINE_CSR_MAX + 1 },
	};
	struct fx	*f = *state;
	char		 path[FX_PATH_MAX];
	size_t		 i;

	for (i = 0; i < NELEM(huge); i++) {
		tmp_sparse(huge[i].size, path, sizeof(path));
		observe_fails(f, EP_ROLE_ACCESS, huge[i].input, path, PASSWORD,
		    NULL);
		assert_non_null(strstr(f->err, "larger than"));
		unlink(path);
	}
}

/* ---- the limits of what a file may hold -------------------------------- */

/* Writes copies of the fixture file, n times over, into a new file. */
static void
copies_file(const char *fixture, size_t n, char *path, size_t pathlen)
{
	gnutls_datum_t	 pem;
	char		*text;
	size_t		 i;

	assert_int_equal(gnutls_load_file(fx_path(fixture), &pem), 0);
	assert_non_null(text = malloc(n * pem.size + 1));
	for (i = 0; i < n; i++)
		memcpy(text + i * pem.size, pem.data, pem.size);
	fx_tmp_file("ep-test-offline", text, n * pem.size, path, pathlen);
	free(text);
	gnutls_free(pem.data);
}

/*
 * A chain file of EP_CHAIN_MAX certificates is judged whole; one more is
 * refused, saying so.
 */
static void
test_chain_file_count(void **state)
{
	struct fx	*f = *state;
	char		 path[FX_PATH_MAX], want[FX_PATH_MAX + 64];

	copies_file("access.pem", EP_CHAIN_MAX, path, sizeof(path));
	observe_ok(f, EP_ROLE_ACCESS, EP_OFFLINE_CHAIN, path, NULL);
	assert_int_equal(f->obs.v[0].chain_len, EP_CHAIN_MAX);
	unlink(path);
	ep_observations_clear(&f->obs);
	assert_int_equal(ep_observations_init(&f->obs), 0);
	copies_file("access.pem", EP_CHAIN_MAX + 1, path, sizeof(path));
	snprintf(want, sizeof(want), "%s: more than %d certificates", path,
	    EP_CHAIN_MAX);
	observe_fails(f, EP_ROLE_ACCESS, EP_OFFLINE_CHAIN, path, NULL, want);
	unlink(path);
}

/*
 * n end-entity certificates of one issuer (CA: 0) or n self-signed ones
 * (CA: 1, which a PFX's chain takes as CAs), DER, to free with
 * gnutls_free.
 */
static gnutls_datum_t *
certs_for_pfx(size_t n, int ca)
{
	gnutls_x509_privkey_t	 ikey, key;
	gnutls_x509_crt_t	 issuer, crt;
	gnutls_datum_t		*v;
	unsigned char		 serial[2];
	char			 dn[64];
	size_t			 i;

	assert_non_null(v = calloc(n, sizeof(*v)));
	if (ca) {
		for (i = 0; i < n; i++)
			mk_cert(1, 0, &v[i]);
		return v;
	}
	assert_int_equal(gnutls_x509_privkey_init(&ikey), 0);
	assert_int_equal(gnutls_x509_privkey_init(&key), 0);
	assert_int_equal(gnutls_x509_privkey_generate(ikey,
	    GNUTLS_PK_EDDSA_ED25519, 0, 0), 0);
	assert_int_equal(gnutls_x509_privkey_generate(key,
	    GNUTLS_PK_EDDSA_ED25519, 0, 0), 0);
	assert_int_equal(gnutls_x509_crt_init(&issuer), 0);
	assert_int_equal(gnutls_x509_crt_set_version(issuer, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(issuer, "\x01", 1), 0);
	assert_int_equal(gnutls_x509_crt_set_dn(issuer, "CN=limits issuer",
	    NULL), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(issuer, FX_FROM),
	    0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(issuer, FX_TO),
	    0);
	assert_int_equal(gnutls_x509_crt_set_basic_constraints(issuer, 1, -1),
	    0);
	assert_int_equal(gnutls_x509_crt_set_key(issuer, ikey), 0);
	assert_int_equal(gnutls_x509_crt_sign2(issuer, issuer, ikey,
	    GNUTLS_DIG_SHA512, 0), 0);
	for (i = 0; i < n; i++) {
		serial[0] = (unsigned char)(1 + (i >> 8));
		serial[1] = (unsigned char)i;
		snprintf(dn, sizeof(dn), "CN=leaf%zu.limits.test", i);
		assert_int_equal(gnutls_x509_crt_init(&crt), 0);
		assert_int_equal(gnutls_x509_crt_set_version(crt, 3), 0);
		assert_int_equal(gnutls_x509_crt_set_serial(crt, serial,
		    sizeof(serial)), 0);
		assert_int_equal(gnutls_x509_crt_set_dn(crt, dn, NULL), 0);
		assert_int_equal(gnutls_x509_crt_set_activation_time(crt,
		    FX_FROM), 0);
		assert_int_equal(gnutls_x509_crt_set_expiration_time(crt,
		    FX_TO), 0);
		assert_int_equal(gnutls_x509_crt_set_key(crt, key), 0);
		assert_int_equal(gnutls_x509_crt_sign2(crt, issuer, ikey,
		    GNUTLS_DIG_SHA512, 0), 0);
		assert_int_equal(gnutls_x509_crt_export2(crt,
		    GNUTLS_X509_FMT_DER, &v[i]), 0);
		gnutls_x509_crt_deinit(crt);
	}
	gnutls_x509_crt_deinit(issuer);
	gnutls_x509_privkey_deinit(key);
	gnutls_x509_privkey_deinit(ikey);
	return v;
}

/*
 * A PFX file of the n certificates of certs_for_pfx, PER_PART to a part
 * (GnuTLS takes 32 at most), without a key, its MAC under PASSWORD; in
 * fmt, and for PEM padded with text to size bytes when size is more.
 */
static void
pfx_file(size_t n, int ca, gnutls_x509_crt_fmt_t fmt, size_t size,
    char *path, size_t pathlen)
{
	gnutls_pkcs12_t		 p12;
	gnutls_pkcs12_bag_t	 bag;
	gnutls_datum_t		*v = certs_for_pfx(n, ca), out;
	size_t			 i, k;
	char			*text;

	assert_int_equal(gnutls_pkcs12_init(&p12), 0);
	for (i = 0; i < n; i += PER_PART) {
		assert_int_equal(gnutls_pkcs12_bag_init(&bag), 0);
		for (k = i; k < n && k < i + PER_PART; k++) {
			assert_true(gnutls_pkcs12_bag_set_data(bag,
			    GNUTLS_BAG_CERTIFICATE, &v[k]) >= 0);
			gnutls_free(v[k].data);
		}
		assert_int_equal(gnutls_pkcs12_set_bag(p12, bag), 0);
		gnutls_pkcs12_bag_deinit(bag);
	}
	free(v);
	assert_int_equal(gnutls_pkcs12_generate_mac2(p12, GNUTLS_MAC_SHA256,
	    PASSWORD), 0);
	assert_int_equal(gnutls_pkcs12_export2(p12, fmt, &out), 0);
	/* PEM may have text after it: size bytes in all. */
	if (size > out.size) {
		assert_non_null(text = malloc(size));
		memset(text, '#', size);
		memcpy(text, out.data, out.size);
		text[size - 1] = '\n';
		fx_tmp_file("ep-test-offline", text, size, path, pathlen);
		free(text);
	} else
		fx_tmp_file("ep-test-offline", out.data, out.size, path,
		    pathlen);
	gnutls_free(out.data);
	gnutls_pkcs12_deinit(p12);
}

/*
 * A PFX of EP_PFX_CERTS_MAX certificates is read (its end-entity
 * certificates but the first are no part of the chain); one more is
 * refused.  A PFX whose chain is EP_CHAIN_MAX certificates long is
 * judged; one whose chain would be longer is refused.
 */
static void
test_pfx_counts(void **state)
{
	static const struct {
		size_t		 n;
		int		 ca;
		int		 limit;	/* 0: read; else the one passed */
		const char	*what;	/* ...of certificates */
	} v[] = {
		{ EP_PFX_CERTS_MAX, 0, 0, NULL },
		{ EP_PFX_CERTS_MAX + 1, 0, EP_PFX_CERTS_MAX, "" },
		{ EP_CHAIN_MAX, 1, 0, NULL },
		{ EP_CHAIN_MAX + 1, 1, EP_CHAIN_MAX, " in the chain" },
	};
	struct fx	*f = *state;
	char		 path[FX_PATH_MAX], want[FX_PATH_MAX + 64];
	size_t		 i;

	for (i = 0; i < NELEM(v); i++) {
		ep_observations_clear(&f->obs);
		assert_int_equal(ep_observations_init(&f->obs), 0);
		pfx_file(v[i].n, v[i].ca, GNUTLS_X509_FMT_DER, 0, path,
		    sizeof(path));
		if (v[i].limit == 0) {
			observe_ok(f, EP_ROLE_ACCESS, EP_OFFLINE_PFX, path,
			    PASSWORD);
			assert_int_equal(f->obs.v[0].chain_len, v[i].ca ?
			    EP_CHAIN_MAX : 1);
		} else {
			snprintf(want, sizeof(want), "%s: more than %d "
			    "certificates%s", path, v[i].limit, v[i].what);
			observe_fails(f, EP_ROLE_ACCESS, EP_OFFLINE_PFX, path,
			    PASSWORD, want);
		}
		unlink(path);
	}
}

/*
 * A PFX file of EP_OFFLINE_PFX_MAX bytes is read; one byte more is
 * refused unread.
 */
static void
test_pfx_size(void **state)
{
	struct fx	*f = *state;
	char		 path[FX_PATH_MAX], want[FX_PATH_MAX + 64];

	pfx_file(2, 0, GNUTLS_X509_FMT_PEM, EP_OFFLINE_PFX_MAX, path,
	    sizeof(path));
	observe_ok(f, EP_ROLE_ACCESS, EP_OFFLINE_PFX, path, PASSWORD);
	unlink(path);
	ep_observations_clear(&f->obs);
	assert_int_equal(ep_observations_init(&f->obs), 0);
	pfx_file(2, 0, GNUTLS_X509_FMT_PEM, EP_OFFLINE_PFX_MAX + 1, path,
	    sizeof(path));
	snprintf(want, sizeof(want), "%s: larger than %d bytes", path,
	    EP_OFFLINE_PFX_MAX);
	observe_fails(f, EP_ROLE_ACCESS, EP_OFFLINE_PFX, path, PASSWORD, want);
	unlink(path);
}

/*
 * Damaged copies of a PFX and a request, a byte changed at a time across
 * the file: each is refused with one line or read whole, never a crash or
 * a leak (run under ASan and valgrind).
 */
static void
test_damaged_copies(void **state)
{
	static const struct {
		enum ep_offline_input	 input;
		const char		*file;
	} files[] = {
		{ EP_OFFLINE_PFX, "offline/no-mac.pfx" },
		{ EP_OFFLINE_CSR, "offline/access-der.csr" },
	};
	struct fx	*f = *state;
	gnutls_datum_t	 d;
	char		 path[FX_PATH_MAX];
	size_t		 i, k, at;

	for (i = 0; i < NELEM(files); i++) {
		assert_int_equal(gnutls_load_file(fx_path(files[i].file), &d),
		    0);
		for (k = 0; k < MUTATIONS_MAX; k++) {
			at = k * d.size / MUTATIONS_MAX;
			d.data[at] ^= 0x5a;
			fx_tmp_file("ep-test-offline", d.data, d.size, path, sizeof(path));
			d.data[at] ^= 0x5a;
			ep_observations_clear(&f->obs);
			assert_int_equal(ep_observations_init(&f->obs), 0);
			if (observe(f, EP_ROLE_ACCESS, files[i].input, path,
			    PASSWORD) == 0)
				assert_int_equal(f->obs.n, 2);
			else {
				assert_int_equal(strncmp(f->err, path,
				    strlen(path)), 0);
				assert_null(strchr(f->err, '\n'));
			}
			unlink(path);
		}
		gnutls_free(d.data);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_chain_per_target, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_chain_webcon, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_chain_order_and_damage,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_target_of_role, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pfx_with_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pfx_wrong_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pfx_no_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pfx_empty_password, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pfx_no_mac, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pfx_wrong_password, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pfx_costly, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_csr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csr_names, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_csr_forged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_huge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_file_count, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pfx_counts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pfx_size, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_damaged_copies, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, fx_lync_setup, fx_lync_teardown);
}
