/*
 * Unit tests for revocation (src/x509/revoke.c) on the fixtures of
 * fixtures/make-revocation: CRLs about access.pem and its issuing CA,
 * OCSP responses about revocation/leaf.pem, good, revoked, unknown, stale, signed by the wrong
 * key, about another certificate, from a delegated responder; an OCSP
 * request GnuTLS reads back; AIA bodies as DER, PEM and PKCS#7.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/ocsp.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>

#include "x509/ep_cert.h"
#include "x509/ep_revoke.h"
#include "fixture.h"

#define DAY	86400

struct rig {
	struct ep_certs		*certs;
	const struct ep_cert	*root, *inter, *leaf, *other;
	const struct ep_cert	*oleaf, *oother;	/* OCSP: of leaf.pem */
};

static const struct ep_cert *
load(struct ep_certs *s, const char *name)
{
	size_t	idx;
	char	err[256];

	if (ep_certs_load_file(s, fx_path(name), &idx, 1, err,
	    sizeof(err)) != 1)
		fail_msg("%s: %s", name, err);
	return ep_certs_get(s, idx);
}

static int
setup(void **state)
{
	struct rig	*g;

	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (g->certs = ep_certs_new()) == NULL)
		return -1;
	g->root = load(g->certs, "public-root.pem");
	g->inter = load(g->certs, "public-int.pem");
	g->leaf = load(g->certs, "access.pem");
	g->oleaf = load(g->certs, "revocation/leaf.pem");
	g->oother = load(g->certs, "revocation/leaf-no-staple.pem");
	g->other = load(g->certs, "access-serial2.pem");
	*state = g;
	return 0;
}

static int
teardown(void **state)
{
	struct rig	*g = *state;

	ep_certs_free(g->certs);
	free(g);
	return 0;
}

/* Reads fixture revocation/NAME into d (gnutls_free d->data). */
static void
slurp(const char *name, gnutls_datum_t *d)
{
	char	path[128];

	snprintf(path, sizeof(path), "revocation/%s", name);
	if (gnutls_load_file(fx_path(path), d) < 0)
		fail_msg("cannot read %s", path);
}

static void
crl(const char *name, const struct ep_cert *cert, const struct ep_cert *ca,
    time_t at, struct ep_rev *out)
{
	gnutls_datum_t	d;

	slurp(name, &d);
	ep_crl_check(d.data, d.size, cert, ca, at, out);
	gnutls_free(d.data);
}

static void
ocsp(const char *name, const struct ep_cert *cert, const struct ep_cert *ca,
    time_t at, struct ep_rev *out)
{
	gnutls_datum_t	d;

	slurp(name, &d);
	ep_ocsp_check(d.data, d.size, cert, ca, at, out);
	gnutls_free(d.data);
}

/* 2026-03-01T00:00:00Z, the revocation date of the fixtures. */
#define GONE	((time_t)1772323200)

/*
 * CRLs: the leaf not listed (good, with the list's dates), listed
 * (revoked, since when), the issuing CA listed in the root's.
 */
static void
test_crl_good_and_revoked(void **state)
{
	struct rig	*g = *state;
	struct ep_rev	 r;

	crl("crl-good.pem", g->leaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_GOOD);
	assert_int_equal(r.this_update, FX_NOW - 7 * DAY);
	assert_int_equal(r.next_update, FX_NOW + 24 * DAY);
	crl("crl-revoked.pem", g->leaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_REVOKED);
	assert_int_equal(r.revoked_at, GONE);
	/* Another certificate of the same CA is not on it. */
	crl("crl-revoked.pem", g->other, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_GOOD);
	crl("crl-root-revoked.pem", g->inter, g->root, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_REVOKED);
	crl("crl-root.pem", g->inter, g->root, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_GOOD);
}

/*
 * A stale CRL (next update past) is no clean bill, but a revocation on
 * it stands; one signed by another key, or under another CA's name, or
 * not a CRL, is invalid, saying why.
 */
static void
test_crl_invalid(void **state)
{
	struct rig	*g = *state;
	struct ep_rev	 r;

	crl("crl-stale.pem", g->leaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_INVALID);
	assert_int_equal(r.stale, 1);
	assert_non_null(strstr(r.why, "stale"));
	/* Judged before its next update, it is good. */
	crl("crl-stale.pem", g->leaf, g->inter, FX_NOW - 40 * DAY, &r);
	assert_int_equal(r.status, EP_REV_GOOD);
	crl("crl-stale-revoked.pem", g->leaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_REVOKED);

	crl("crl-wrong-key.pem", g->leaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_INVALID);
	assert_int_equal(r.stale, 0);
	assert_non_null(strstr(r.why, "signature"));
	crl("crl-root.pem", g->leaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_INVALID);
	assert_non_null(strstr(r.why, "another CA"));
	crl("ocsp-good.der", g->leaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_INVALID);
	assert_string_equal(r.why, "not a CRL");
}

/* Makes a certificate of key under dn, signed by ikey's ca (or itself). */
static gnutls_x509_crt_t
make_crt(gnutls_x509_privkey_t key, const char *dn, unsigned char serial,
    gnutls_x509_crt_t ca, gnutls_x509_privkey_t ikey)
{
	gnutls_x509_crt_t	c;

	assert_int_equal(gnutls_x509_crt_init(&c), 0);
	assert_int_equal(gnutls_x509_crt_set_dn(c, dn, NULL), 0);
	assert_int_equal(gnutls_x509_crt_set_key(c, key), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(c, &serial, 1), 0);
	assert_int_equal(gnutls_x509_crt_set_version(c, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(c, FX_FROM), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(c, FX_TO), 0);
	assert_int_equal(gnutls_x509_crt_set_basic_constraints(c, ca == NULL,
	    -1), 0);
	assert_int_equal(gnutls_x509_crt_sign2(c, ca != NULL ? ca : c,
	    ikey != NULL ? ikey : key, GNUTLS_DIG_SHA256, 0), 0);
	return c;
}

/* Adds c to the store; returns the store's. */
static const struct ep_cert *
keep(struct ep_certs *s, gnutls_x509_crt_t c)
{
	gnutls_datum_t	der;
	char		err[256];
	size_t		idx;

	assert_int_equal(gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_DER,
	    &der), 0);
	if (ep_certs_add(s, der.data, der.size, &idx, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	gnutls_free(der.data);
	return ep_certs_get(s, idx);
}

/*
 * An entry whose serial is longer than any certificate's (70 octets, a
 * CA's slip) does not end the reading of the list: a certificate listed
 * after it is revoked, and one that is not stays good.
 */
static void
test_crl_long_serial(void **state)
{
	struct rig		*g = *state;
	gnutls_x509_privkey_t	 ckey, lkey;
	gnutls_x509_crt_t	 ca, leaf, other;
	gnutls_x509_crl_t	 c;
	gnutls_datum_t		 der;
	const struct ep_cert	*C, *L, *O;
	unsigned char		 longer[70], listed = 0x42;
	struct ep_rev		 r;

	memset(longer, 0x11, sizeof(longer));
	assert_int_equal(gnutls_x509_privkey_init(&ckey), 0);
	assert_int_equal(gnutls_x509_privkey_init(&lkey), 0);
	assert_int_equal(gnutls_x509_privkey_generate(ckey, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0), 0);
	assert_int_equal(gnutls_x509_privkey_generate(lkey, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0), 0);
	ca = make_crt(ckey, "CN=Long Serial CA", 1, NULL, NULL);
	leaf = make_crt(lkey, "CN=leaf.contoso.example", listed, ca, ckey);
	other = make_crt(lkey, "CN=other.contoso.example", 0x43, ca, ckey);
	C = keep(g->certs, ca);
	L = keep(g->certs, leaf);
	O = keep(g->certs, other);

	assert_int_equal(gnutls_x509_crl_init(&c), 0);
	assert_int_equal(gnutls_x509_crl_set_version(c, 2), 0);
	assert_int_equal(gnutls_x509_crl_set_this_update(c, FX_NOW - DAY), 0);
	assert_int_equal(gnutls_x509_crl_set_next_update(c, FX_NOW + DAY), 0);
	assert_int_equal(gnutls_x509_crl_set_crt_serial(c, longer,
	    sizeof(longer), GONE - DAY), 0);
	assert_int_equal(gnutls_x509_crl_set_crt_serial(c, &listed, 1, GONE),
	    0);
	assert_int_equal(gnutls_x509_crl_sign2(c, ca, ckey, GNUTLS_DIG_SHA256,
	    0), 0);
	assert_int_equal(gnutls_x509_crl_export2(c, GNUTLS_X509_FMT_DER,
	    &der), 0);

	ep_crl_check(der.data, der.size, L, C, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_REVOKED);
	assert_int_equal(r.revoked_at, GONE);
	ep_crl_check(der.data, der.size, O, C, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_GOOD);
	assert_int_equal(r.revoked_at, 0);

	gnutls_free(der.data);
	gnutls_x509_crl_deinit(c);
	gnutls_x509_crt_deinit(other);
	gnutls_x509_crt_deinit(leaf);
	gnutls_x509_crt_deinit(ca);
	gnutls_x509_privkey_deinit(lkey);
	gnutls_x509_privkey_deinit(ckey);
}

/* A CRL file covers the certificates of the CA whose name it bears. */
static void
test_crl_covers(void **state)
{
	struct rig	*g = *state;
	gnutls_datum_t	 d;

	slurp("crl-good.pem", &d);
	assert_true(ep_crl_covers(d.data, d.size, g->leaf));
	assert_false(ep_crl_covers(d.data, d.size, g->inter));
	gnutls_free(d.data);
}

/*
 * OCSP: good, revoked (since when, and why), unknown; signed by the
 * issuer or by a responder it delegated to.
 */
static void
test_ocsp_answers(void **state)
{
	struct rig	*g = *state;
	struct ep_rev	 r;

	ocsp("ocsp-good.der", g->oleaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_GOOD);
	assert_int_equal(r.this_update, FX_NOW - DAY);
	assert_int_equal(r.next_update, FX_NOW + 6 * DAY);
	ocsp("ocsp-revoked.der", g->oleaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_REVOKED);
	assert_int_equal(r.revoked_at, GONE);
	assert_string_equal(r.reason, "keyCompromise");
	ocsp("ocsp-unknown.der", g->oleaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_UNKNOWN);
	ocsp("ocsp-delegated.der", g->oleaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_GOOD);
}

/*
 * OCSP answers that cannot be used: stale, from before it was made,
 * signed by another key under the issuer's name, about another
 * certificate, not a response.
 */
static void
test_ocsp_invalid(void **state)
{
	struct rig	*g = *state;
	struct ep_rev	 r;

	ocsp("ocsp-stale.der", g->oleaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_INVALID);
	assert_non_null(strstr(r.why, "stale"));
	ocsp("ocsp-good.der", g->oleaf, g->inter, FX_NOW - 10 * DAY, &r);
	assert_int_equal(r.status, EP_REV_INVALID);
	assert_non_null(strstr(r.why, "after the moment judged"));
	ocsp("ocsp-wrong-key.der", g->oleaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_INVALID);
	assert_non_null(strstr(r.why, "sign"));
	ocsp("ocsp-other.der", g->oleaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_INVALID);
	assert_non_null(strstr(r.why, "not about this certificate"));
	ocsp("ocsp-garbage.der", g->oleaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_INVALID);
	assert_string_equal(r.why, "not an OCSP response");
}

/* The request names the leaf by its issuer and serial, no nonce. */
static void
test_ocsp_request(void **state)
{
	struct rig		*g = *state;
	gnutls_ocsp_req_t	 req;
	gnutls_datum_t		 d, serial, nonce;
	unsigned char		*der;
	size_t			 len;
	char			 err[256];
	unsigned		 crit;

	assert_int_equal(ep_ocsp_request(g->oleaf, g->inter, &der, &len, err,
	    sizeof(err)), 0);
	assert_int_equal(gnutls_ocsp_req_init(&req), 0);
	d.data = der;
	d.size = (unsigned)len;
	assert_int_equal(gnutls_ocsp_req_import(req, &d), 0);
	assert_int_equal(gnutls_ocsp_req_get_cert_id(req, 0, NULL, NULL, NULL,
	    &serial), 0);
	assert_int_equal(serial.size, 2);
	assert_int_equal(serial.data[0], 0x10);
	assert_int_equal(serial.data[1], 0xcc);
	gnutls_free(serial.data);
	assert_int_equal(gnutls_ocsp_req_get_nonce(req, &crit, &nonce),
	    GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE);
	assert_int_equal(gnutls_ocsp_req_get_cert_id(req, 1, NULL, NULL, NULL,
	    &serial), GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE);
	gnutls_ocsp_req_deinit(req);
	free(der);
}

/*
 * What an AIA caIssuers URL serves: a DER certificate, a PEM one, a
 * PKCS#7 bundle of two; anything else is refused with a reason.
 */
static void
test_aia_bodies(void **state)
{
	struct rig		*g = *state;
	gnutls_pkcs7_t		 p7;
	gnutls_datum_t		 d, der;
	size_t			 idx[4];
	char			 err[256];

	assert_int_equal(ep_certs_add_issuers(g->certs, g->inter->der,
	    g->inter->der_len, idx, 4, err, sizeof(err)), 1);
	assert_ptr_equal(ep_certs_get(g->certs, idx[0]), g->inter);

	assert_int_equal(gnutls_pkcs7_init(&p7), 0);
	d.data = g->inter->der;
	d.size = (unsigned)g->inter->der_len;
	assert_int_equal(gnutls_pkcs7_set_crt_raw(p7, &d), 0);
	d.data = g->root->der;
	d.size = (unsigned)g->root->der_len;
	assert_int_equal(gnutls_pkcs7_set_crt_raw(p7, &d), 0);
	assert_int_equal(gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER, &der),
	    0);
	gnutls_pkcs7_deinit(p7);
	assert_int_equal(ep_certs_add_issuers(g->certs, der.data, der.size,
	    idx, 4, err, sizeof(err)), 2);
	/* In the bundle's order, which PKCS#7 (a SET) may change. */
	assert_true((ep_certs_get(g->certs, idx[0]) == g->inter &&
	    ep_certs_get(g->certs, idx[1]) == g->root) ||
	    (ep_certs_get(g->certs, idx[0]) == g->root &&
	    ep_certs_get(g->certs, idx[1]) == g->inter));
	gnutls_free(der.data);

	assert_int_equal(ep_certs_add_issuers(g->certs,
	    (const unsigned char *)"<html>404</html>", 16, idx, 4, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "neither a certificate nor"));
}

/*
 * Where a certificate says revocation and its issuer are published, as
 * kept: the HTTP and the LDAP distribution points, the responder, the
 * caIssuers URL; and RFC 7633's demand for a staple.
 */
static void
test_cert_urls(void **state)
{
	struct rig	*g = *state;

	assert_int_equal(g->oleaf->ncrl_urls, 2);
	assert_string_equal(g->oleaf->crl_urls[0],
	    "http://crl.contoso.example/pub.crl");
	assert_int_equal(strncmp(g->oleaf->crl_urls[1], "ldap:///", 8), 0);
	assert_int_equal(g->oleaf->nocsp_urls, 1);
	assert_string_equal(g->oleaf->ocsp_urls[0],
	    "http://ocsp.contoso.example/");
	assert_int_equal(g->oleaf->nissuer_urls, 1);
	assert_string_equal(g->oleaf->issuer_urls[0],
	    "http://ca.contoso.example/pubint.cer");
	assert_int_equal(g->oleaf->must_staple, 1);
	assert_int_equal(g->oother->must_staple, 0);
	assert_int_equal(g->root->ncrl_urls + g->root->nocsp_urls +
	    g->root->nissuer_urls, 0);
}

/*
 * The memo: a second look at the same bytes (by their place), the same
 * certificates and moment, gets the first answer without judging again,
 * as a response damaged in place shows; another certificate or moment is
 * judged afresh; and once full it forgets, so the damage then shows.
 */
static void
test_memo(void **state)
{
	struct rig		*g = *state;
	struct ep_revmemo	*m;
	struct ep_rev		 r;
	gnutls_datum_t		 d;
	time_t			 t;

	assert_non_null(m = ep_revmemo_new());
	slurp("ocsp-good.der", &d);
	ep_ocsp_check_memo(m, d.data, d.size, g->oleaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_GOOD);
	d.data[d.size - 10] ^= 0xff;	/* in the signature */
	ep_ocsp_check(d.data, d.size, g->oleaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_INVALID);
	ep_ocsp_check_memo(m, d.data, d.size, g->oleaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_GOOD);
	ep_ocsp_check_memo(m, d.data, d.size, g->oleaf, g->inter, FX_NOW + 1,
	    &r);
	assert_int_equal(r.status, EP_REV_INVALID);
	/* Enough other moments to fill it: it starts afresh. */
	for (t = 2; t < 2000; t++)
		ep_ocsp_check_memo(m, d.data, d.size, g->oleaf, g->inter,
		    FX_NOW + t, &r);
	ep_ocsp_check_memo(m, d.data, d.size, g->oleaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_INVALID);
	/* Without a memo, straight. */
	ep_crl_check_memo(NULL, d.data, d.size, g->leaf, g->inter, FX_NOW, &r);
	assert_int_equal(r.status, EP_REV_INVALID);
	gnutls_free(d.data);
	ep_revmemo_free(m);
	ep_revmemo_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_crl_good_and_revoked),
		cmocka_unit_test(test_crl_invalid),
		cmocka_unit_test(test_crl_long_serial),
		cmocka_unit_test(test_crl_covers),
		cmocka_unit_test(test_ocsp_answers),
		cmocka_unit_test(test_ocsp_invalid),
		cmocka_unit_test(test_ocsp_request),
		cmocka_unit_test(test_aia_bodies),
		cmocka_unit_test(test_cert_urls),
		cmocka_unit_test(test_memo),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
