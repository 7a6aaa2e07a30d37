/*
 * Fuzz target: a CRL, DER or PEM, read by src/x509/revoke.c
 * (ep_crl_readable, ep_crl_covers, ep_crl_check: GnuTLS's parse and
 * signature check, then whether the serial is listed and the list
 * current) about the unit fixtures' access.pem and its issuer
 * public-int.pem, and about public-int.pem and the root; then fetched
 * from the distribution point of revocation/leaf.pem, sent by a live
 * access edge, through the revocation rules and the reports.
 *
 * A mutated CRL no longer verifies, so what comes after the signature
 * check is reached another way too: an input that starts with a NUL byte
 * describes a CRL (see signed_crl below) that a CA made here signs, about
 * a leaf it issued, and ep_crl_check's verdict must be the one the
 * entries call for: revoked when the leaf's serial is listed, else
 * invalid and stale when the next update is past, else good.
 *
 * Seeds: the CRLs of tests/unit/fixtures/revocation, as they are and as
 * DER, and a few descriptions (tests/fuzz/make-seeds).
 */

#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "x509/ep_revoke.h"

#include "fuzz.h"
#include "judge.h"

/* The distribution point of revocation/leaf.pem (make-revocation). */
#define CRL_URL		"http://crl.contoso.example/pub.crl"

#define SIGNED_CRL	0x00	/* first byte of a described CRL */
#define ENTRIES_MAX	64	/* entries of a described CRL */
#define GEN_SERIAL	0x42	/* the serial of the leaf made here */

static struct ep_certs		*certs;
static const struct ep_cert	*leaf, *inter, *root;

/* A CA of this run's own, its key, and a leaf it issued. */
static gnutls_x509_privkey_t	 gen_key;
static gnutls_x509_crt_t	 gen_ca;
static const struct ep_cert	*gen_leaf, *gen_issuer;
static unsigned char		 gen_serial[64];	/* the leaf's, as */
static size_t			 gen_serial_len;	/* GnuTLS reads it */

/* Makes a certificate of key under dn, signed by issuer (NULL: itself). */
static gnutls_x509_crt_t
make_cert(gnutls_x509_privkey_t key, const char *dn, unsigned char serial,
    gnutls_x509_crt_t issuer, gnutls_x509_privkey_t ikey)
{
	gnutls_x509_crt_t	c;

	if (gnutls_x509_crt_init(&c) < 0 ||
	    gnutls_x509_crt_set_dn(c, dn, NULL) < 0 ||
	    gnutls_x509_crt_set_key(c, key) < 0 ||
	    gnutls_x509_crt_set_serial(c, &serial, 1) < 0 ||
	    gnutls_x509_crt_set_version(c, 3) < 0 ||
	    gnutls_x509_crt_set_activation_time(c, FUZZ_NOW - 86400) < 0 ||
	    gnutls_x509_crt_set_expiration_time(c, FUZZ_NOW + 86400) < 0 ||
	    gnutls_x509_crt_set_basic_constraints(c, issuer == NULL, -1) < 0 ||
	    (issuer == NULL && gnutls_x509_crt_set_key_usage(c,
	    GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN) < 0) ||
	    gnutls_x509_crt_sign2(c, issuer != NULL ? issuer : c,
	    ikey != NULL ? ikey : key, GNUTLS_DIG_SHA256, 0) < 0)
		fuzz_fail("cannot make %s", dn);
	return c;
}

/* Adds c to the store; returns it as the store keeps it. */
static const struct ep_cert *
keep(gnutls_x509_crt_t c)
{
	gnutls_datum_t	der;
	char		err[256];
	size_t		idx;

	if (gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_DER, &der) < 0 ||
	    ep_certs_add(certs, der.data, der.size, &idx, err,
	    sizeof(err)) == -1)
		fuzz_fail("cannot keep a certificate made here");
	gnutls_free(der.data);
	return ep_certs_get(certs, idx);
}

static void
make_issuer(void)
{
	gnutls_x509_privkey_t	lkey;
	gnutls_x509_crt_t	lcrt;

	if (gnutls_x509_privkey_init(&gen_key) < 0 ||
	    gnutls_x509_privkey_init(&lkey) < 0 ||
	    gnutls_x509_privkey_generate(gen_key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0 ||
	    gnutls_x509_privkey_generate(lkey, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0)
		fuzz_fail("cannot make keys");
	gen_ca = make_cert(gen_key, "CN=Fuzz CRL CA", 1, NULL, NULL);
	lcrt = make_cert(lkey, "CN=leaf.contoso.example", GEN_SERIAL, gen_ca,
	    gen_key);
	gen_issuer = keep(gen_ca);
	gen_leaf = keep(lcrt);
	gen_serial_len = sizeof(gen_serial);
	if (gnutls_x509_crt_get_serial(lcrt, gen_serial, &gen_serial_len) < 0)
		fuzz_fail("the leaf's serial");
	gnutls_x509_crt_deinit(lcrt);
	gnutls_x509_privkey_deinit(lkey);
}

/*
 * A moment from the input, at *p: a signed number of seconds (4 bytes)
 * from FUZZ_NOW, but not before 1970, which GnuTLS does not read back.
 */
static time_t
moment(const uint8_t *p)
{
	long	off = (long)(int32_t)((uint32_t)p[0] << 24 |
		    (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);

	return FUZZ_NOW + off > 0 ? FUZZ_NOW + off : 1;
}

/*
 * Whether the leaf made here is listed in crl, as GnuTLS reads each
 * entry with room for any serial: the answer ep_crl_check must give.
 * Sets *when to when the first entry of it was revoked.
 */
static int
first_listed(gnutls_x509_crl_t crl, time_t *when)
{
	unsigned char	serial[4096];
	size_t		size;
	int		i, n;

	n = gnutls_x509_crl_get_crt_count(crl);
	for (i = 0; i < n; i++) {
		size = sizeof(serial);
		if (gnutls_x509_crl_get_crt_serial(crl, i, serial, &size,
		    when) < 0)
			fuzz_fail("entry %d cannot be read", i);
		if (size == gen_serial_len &&
		    memcmp(serial, gen_serial, size) == 0)
			return 1;
	}
	return 0;
}

/*
 * The CRL the input describes: a flags byte (bit 0: a next update),
 * this and next update (4 bytes each, see moment),
 * then entries, each a length byte, that many bytes of serial, and when
 * it was revoked (4 bytes).  Signed by the CA made here; its verdict on
 * the leaf made here is checked against the entries.
 */
static void
signed_crl(const uint8_t *data, size_t size)
{
	gnutls_x509_crl_t	 crl;
	gnutls_datum_t		 der;
	struct ep_rev		 rev;
	time_t			 thisu, nextu = 0, when, listed = 0;
	size_t			 at = 9, len, n = 0;
	int			 found;

	if (size < at)
		return;
	thisu = moment(data + 1);
	if (data[0] & 1)
		nextu = moment(data + 5);
	if (gnutls_x509_crl_init(&crl) < 0 ||
	    gnutls_x509_crl_set_version(crl, 2) < 0 ||
	    gnutls_x509_crl_set_this_update(crl, thisu) < 0 ||
	    (nextu != 0 && gnutls_x509_crl_set_next_update(crl, nextu) < 0))
		fuzz_fail("cannot make a CRL");
	while (n < ENTRIES_MAX && at < size && size - at >= 1u + data[at] + 4) {
		len = data[at++];
		when = moment(data + at + len);
		if (len > 0 && gnutls_x509_crl_set_crt_serial(crl, data + at,
		    len, when) >= 0)
			n++;
		at += len + 4;
	}
	if (gnutls_x509_crl_sign2(crl, gen_ca, gen_key, GNUTLS_DIG_SHA256,
	    0) < 0 || gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_DER,
	    &der) < 0)
		fuzz_fail("cannot sign the CRL");
	found = first_listed(crl, &listed);
	gnutls_x509_crl_deinit(crl);

	ep_crl_check(der.data, der.size, gen_leaf, gen_issuer, FUZZ_NOW, &rev);
	if (found && (rev.status != EP_REV_REVOKED || rev.revoked_at != listed))
		fuzz_fail("the leaf is listed (since %lld), but the verdict is "
		    "%d: %s", (long long)listed, (int)rev.status, rev.why);
	if (!found && nextu != 0 && nextu < FUZZ_NOW &&
	    (rev.status != EP_REV_INVALID || !rev.stale))
		fuzz_fail("a stale list, but the verdict is %d",
		    (int)rev.status);
	if (!found && (nextu == 0 || nextu >= FUZZ_NOW) &&
	    rev.status != EP_REV_GOOD)
		fuzz_fail("the leaf is not listed, but the verdict is %d: %s",
		    (int)rev.status, rev.why);
	if (rev.status != EP_REV_INVALID && (rev.this_update != thisu ||
	    rev.next_update != nextu))
		fuzz_fail("dates %lld %lld read as %lld %lld",
		    (long long)thisu, (long long)nextu,
		    (long long)rev.this_update, (long long)rev.next_update);
	gnutls_free(der.data);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_rig();
	if ((certs = ep_certs_new()) == NULL)
		fuzz_fail("out of memory");
	leaf = ep_certs_get(certs, fuzz_add_fixture(certs, "access.pem"));
	inter = ep_certs_get(certs, fuzz_add_fixture(certs,
	    "public-int.pem"));
	root = ep_certs_get(certs, fuzz_add_fixture(certs,
	    "public-root.pem"));
	make_issuer();
	return 0;
}

static void
check(const unsigned char *data, size_t size, const struct ep_cert *c,
    const struct ep_cert *issuer)
{
	struct ep_rev	rev;

	ep_crl_check(data, size, c, issuer, FUZZ_NOW, &rev);
	if (rev.status > EP_REV_INVALID ||
	    strnlen(rev.why, sizeof(rev.why)) == sizeof(rev.why) ||
	    (rev.status == EP_REV_INVALID) != (rev.why[0] != '\0') ||
	    (rev.stale && rev.status != EP_REV_INVALID))
		fuzz_fail("status %d, why '%.100s'", (int)rev.status, rev.why);
	if (rev.status != EP_REV_INVALID && !ep_crl_readable(data, size))
		fuzz_fail("judged, yet not readable");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ep_observations	 o;
	struct ep_fetched	 f;
	size_t			 chain[2];

	if (size > 0 && data[0] == SIGNED_CRL) {
		signed_crl(data + 1, size - 1);
		return 0;
	}
	(void)ep_crl_covers(data, size, leaf);
	check(data, size, leaf, inter);
	check(data, size, inter, root);

	if (ep_observations_init(&o) == -1)
		fuzz_fail("out of memory");
	chain[0] = fuzz_add_fixture(o.certs, "revocation/leaf.pem");
	chain[1] = fuzz_add_fixture(o.certs, "public-int.pem");
	memset(&f, 0, sizeof(f));
	f.kind = EP_FETCHED_CRL;
	f.ok = 1;
	if ((f.url = strdup(CRL_URL)) == NULL ||
	    (f.body = malloc(size ? size : 1)) == NULL)
		fuzz_fail("out of memory");
	memcpy(f.body, data, size);
	f.len = size;
	if (ep_observations_add_fetched(&o, &f) == (size_t)-1)
		fuzz_fail("out of memory");
	fuzz_add_live(&o, chain, 2);
	ep_observations_sort(&o);
	fuzz_judge(fuzz_rig(), &o, NULL);
	ep_observations_clear(&o);
	return 0;
}
