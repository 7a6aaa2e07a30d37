/* Unit tests for certificate parsing and the certificate store (src/x509/cert.c). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "x509/ep_cert.h"
#include "fixture.h"
#include "mkcert.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Expected hashes, computed by fixtures/make-fixtures with openssl:
 * sha256sum of the DER certificate, and of the DER SubjectPublicKeyInfo
 * (openssl x509 -pubkey -noout | openssl pkey -pubin -outform der).
 */
#define SHA_PUBLIC_ROOT	"91cb3d7e7ad164ffec8d18a33ce85a9d2555dd65766140f94e68a863b765d3e1"
#define SHA_PUBLIC_INT	"f73c591cc312b470f3cc99df6ae8e58cdd3006f49958721908c24e94861bc1d1"
#define SHA_INTERNAL_ROOT "b662e8272b9b4ec3feaaf5d580f53d38fb5a100f4a56deb2292acae07c6b6055"
#define SHA_ROGUE_ROOT	"d8d608af713aaef9092ce0056825801c7a7ebd01ba20db83f2976dfa31016b7a"
#define SHA_ACCESS	"b8faf76a8e011f92956d81bf9f92680c8b2edf6304cb48ee66081e434733ad1d"
#define SHA_ACCESS_SERIAL2 "34b340c8c29a5e6fc35c3cb494d40f674a9a2bcf9e71b1304a404a63b9a18797"
#define SHA_ACCESS_KEY2	"eeee104b967018e101541dc971ab3df4d6148a1e5c54605567c87423f0b16c6b"
#define SHA_WILDCARD	"ba5ec5e8e8f4aad3ecaee0128102953bdb9d79beb44724e5f9697f13b1ae0a46"
#define SHA_INTERNAL_CN	"8d32a14bbe15fc3e3f5b93e318c9b4ac7195b416919668caece3c9935e9a49ce"
#define SHA_SELF_SIGNED	"cf3f1e571651d607a2b2333a64d7c67da11215a64c2714038d9bbd7f4c5e2fd0"
#define SHA_SELF_ISSUED	"b1689f92fdd31c58c52519244f74b48aabb95dd74dbb34c3bb3132db2f5ac10c"
#define SHA_IP_SAN	"a132f3a41c6410342eab61e1e86ba5c905b9b6040323306de4125d952dcc6295"
#define SHA_ODD_NAMES	"250b6e5957e5303ab69803ae902587168f9be733b11f17645204696133754c0c"

#define SPKI_PUBLIC_ROOT "c8e995060824d99e4761b32be2af15dd02c67bec8ffce2fa56a58455efc45a9a"
#define SPKI_PUBLIC_INT	"f5797d8dd73a8f89d0ac34fcd27545d1d471b49af6ae59714348f40d67557063"
#define SPKI_INTERNAL_ROOT "09ab0ddefef753824a9df75d3f5cecc8061b1e673370af66a291439cecc24340"
#define SPKI_ROGUE_ROOT	"94d4b6a2e6e5617f07ea0da991b8110cb859cbd7b6bc8e92009db0c9f3bc46ea"
#define SPKI_LEAF	"9810ebb3d9e6931badfd7e204b59bc6d4305440715a8309c622e0da1b097d60c"
#define SPKI_LEAF2	"f58bb02b7b065c656cf743141ede5f51a01aa630d61d8152eec045d1f5e40459"

#define DN_PUBLIC_ROOT	"CN=Fixture Public Root,O=edgeprobe fixtures"
#define DN_PUBLIC_INT	"CN=Fixture Public Issuing CA,O=edgeprobe fixtures"
#define DN_INTERNAL_ROOT "CN=Fixture Internal Root,O=edgeprobe fixtures"
#define DN_ROGUE_ROOT	"CN=Fixture Rogue Root,O=edgeprobe fixtures"

/* Dates of the special fixtures (date -u -d ... +%s). */
#define T_2026_01_01	((time_t)1767225600)
#define T_2026_09_01	((time_t)1788220800)
#define T_2026_06_11	((time_t)1781136000)
#define T_2026_06_04	((time_t)1780531200)

/*
 * Reads certificate n (from 0) of a fixture file as DER, with GnuTLS
 * directly rather than the code under test.  Free out->data with
 * gnutls_free.
 */
static void
fixture_der(const char *file, unsigned n, gnutls_datum_t *out)
{
	gnutls_x509_crt_t	*crts = NULL;
	gnutls_datum_t		 pem = { NULL, 0 };
	unsigned		 ncrts = 0, i;

	assert_int_equal(gnutls_load_file(fx_path(file), &pem), 0);
	assert_int_equal(gnutls_x509_crt_list_import2(&crts, &ncrts, &pem,
	    GNUTLS_X509_FMT_PEM, 0), 0);
	assert_true(n < ncrts);
	assert_int_equal(gnutls_x509_crt_export2(crts[n], GNUTLS_X509_FMT_DER,
	    out), 0);
	for (i = 0; i < ncrts; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
	gnutls_free(pem.data);
}

/* Parses certificate n of a fixture file, which must succeed. */
static struct ep_cert *
parse_fixture(const char *file, unsigned n)
{
	gnutls_datum_t	 der;
	struct ep_cert	*c = NULL;
	char		 err[256] = "";

	fixture_der(file, n, &der);
	if (ep_cert_parse(der.data, der.size, &c, err, sizeof(err)) != 0)
		fail_msg("ep_cert_parse %s: %s", file, err);
	assert_non_null(c);
	assert_int_equal(c->der_len, der.size);
	assert_memory_equal(c->der, der.data, der.size);
	gnutls_free(der.data);
	return c;
}

/* Compares a 32-byte hash with expected lowercase hex. */
static void
assert_hash(const unsigned char got[32], const char *want)
{
	char	hex[65];
	size_t	i;

	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", got[i]);
	assert_string_equal(hex, want);
}

static void
assert_dns_san(const struct ep_cert *c, size_t i, const char *name)
{
	assert_true(i < c->nsans);
	assert_int_equal(c->sans[i].is_ip, 0);
	assert_int_equal(c->sans[i].len, strlen(name));
	assert_memory_equal(c->sans[i].value, name, strlen(name) + 1);
}

/* The public leaf: DNs, CN, SANs in order, dates, hashes, flags, key. */
static void
test_parse_public_leaf(void **state)
{
	struct ep_cert	*c = parse_fixture("access.pem", 0);
	char		 desc[64];

	(void)state;
	assert_string_equal(c->subject, "CN=access.contoso.example");
	assert_string_equal(c->issuer, DN_PUBLIC_INT);
	assert_string_equal(c->cn, "access.contoso.example");
	assert_int_equal(c->cn_len, 22);
	assert_string_equal(c->issuer_cn, "Fixture Public Issuing CA");
	assert_int_equal(c->issuer_cn_len, 25);
	assert_string_equal(c->serial, "1001");	/* serial = 4097 */
	assert_int_equal(c->has_san, 1);
	assert_int_equal(c->nsans, 3);
	assert_dns_san(c, 0, "access.contoso.example");
	assert_dns_san(c, 1, "sip.contoso.example");
	assert_dns_san(c, 2, "sip.fabrikam.example");
	assert_int_equal(c->not_before, FX_FROM);
	assert_int_equal(c->not_after, FX_TO);
	assert_hash(c->sha256, SHA_ACCESS);
	assert_hash(c->spki_sha256, SPKI_LEAF);
	assert_int_equal(c->is_ca, 0);
	assert_int_equal(c->self_issued, 0);
	assert_int_equal(c->self_signed, 0);
	assert_int_equal(c->has_eku, 1);
	assert_int_equal(c->eku_server, 1);
	assert_int_equal(c->eku_client, 1);
	assert_int_equal(c->key_algo, GNUTLS_PK_RSA);
	assert_int_equal(c->key_bits, 2048);
	assert_int_equal(c->sig_algo, GNUTLS_SIGN_RSA_SHA256);
	assert_int_equal(c->has_crl_dp, 1);
	ep_cert_key_desc(c, desc, sizeof(desc));
	assert_string_equal(desc, "RSA 2048");
	ep_cert_free(c);
}

/* A root: self-issued, self-signed, CA, no SAN, no EKU, no CRL DP. */
static void
test_parse_roots(void **state)
{
	static const struct {
		const char	*file, *dn, *cn, *sha, *spki, *serial;
	} roots[] = {
		{ "public-root.pem", DN_PUBLIC_ROOT, "Fixture Public Root",
		    SHA_PUBLIC_ROOT, SPKI_PUBLIC_ROOT, "01" },
		{ "internal-root.pem", DN_INTERNAL_ROOT,
		    "Fixture Internal Root", SHA_INTERNAL_ROOT,
		    SPKI_INTERNAL_ROOT, "03" },
		{ "rogue-root.pem", DN_ROGUE_ROOT, "Fixture Rogue Root",
		    SHA_ROGUE_ROOT, SPKI_ROGUE_ROOT, "04" },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(roots); i++) {
		struct ep_cert	*c = parse_fixture(roots[i].file, 0);

		assert_string_equal(c->subject, roots[i].dn);
		assert_string_equal(c->issuer, roots[i].dn);
		assert_string_equal(c->cn, roots[i].cn);
		assert_int_equal(c->cn_len, strlen(roots[i].cn));
		assert_string_equal(c->issuer_cn, roots[i].cn);
		assert_string_equal(c->serial, roots[i].serial);
		assert_int_equal(c->has_san, 0);
		assert_int_equal(c->nsans, 0);
		assert_int_equal(c->not_before, FX_FROM);
		assert_int_equal(c->not_after, FX_TO);
		assert_hash(c->sha256, roots[i].sha);
		assert_hash(c->spki_sha256, roots[i].spki);
		assert_int_equal(c->is_ca, 1);
		assert_int_equal(c->self_issued, 1);
		assert_int_equal(c->self_signed, 1);
		assert_int_equal(c->has_eku, 0);
		assert_int_equal(c->eku_server, 0);
		assert_int_equal(c->eku_client, 0);
		assert_int_equal(c->has_crl_dp, 0);
		assert_int_equal(c->key_algo, GNUTLS_PK_RSA);
		assert_int_equal(c->key_bits, 2048);
		ep_cert_free(c);
	}
}

/* Writes a DER tag and length (below 65536); returns the bytes written. */
static size_t
der_head(unsigned char tag, size_t len, unsigned char *out)
{
	out[0] = tag;
	if (len < 0x80) {
		out[1] = (unsigned char)len;
		return 2;
	}
	if (len < 0x100) {
		out[1] = 0x81;
		out[2] = (unsigned char)len;
		return 3;
	}
	out[1] = 0x82;
	out[2] = (unsigned char)(len >> 8);
	out[3] = (unsigned char)len;
	return 4;
}

/* Reads the DER tag and length at p; returns the header's size. */
static size_t
der_read(const unsigned char *p, size_t *len)
{
	size_t	i, n;

	if (p[1] < 0x80) {
		*len = p[1];
		return 2;
	}
	n = p[1] & 0x7f;
	*len = 0;
	for (i = 0; i < n; i++)
		*len = *len << 8 | p[2 + i];
	return 2 + n;
}

/*
 * A self-signed certificate with the given serial octets, made here and
 * parsed: the fixtures have short serials only.  GnuTLS makes serials of
 * 20 octets at most, as RFC 5280 says; a longer one is put in the DER
 * afterwards (its signature no longer verifies: parsing does not care).
 */
static struct ep_cert *
serial_cert(const unsigned char *serial, size_t len)
{
	static const unsigned char	one = 1;
	gnutls_x509_crt_t		crt;
	gnutls_x509_privkey_t		key;
	gnutls_datum_t			der = { NULL, 0 };
	struct ep_cert			*c = NULL;
	unsigned char			tbs[4096], body[4096], out[4096];
	const unsigned char		*p, *q, *v, *sn;
	size_t				h1, l1, h2, l2, vsz, ssz, ls, o, n;
	char				err[256] = "";

	assert_true(len < 128);
	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_privkey_init(&key), 0);
	assert_int_equal(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0), 0);
	assert_int_equal(gnutls_x509_crt_set_dn_by_oid(crt,
	    GNUTLS_OID_X520_COMMON_NAME, 0, "serial.test", 11), 0);
	assert_int_equal(gnutls_x509_crt_set_key(crt, key), 0);
	assert_int_equal(gnutls_x509_crt_set_version(crt, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(crt,
	    len <= 20 ? serial : &one, len <= 20 ? len : 1), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(crt, FX_FROM), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(crt, FX_TO), 0);
	assert_int_equal(gnutls_x509_crt_sign2(crt, crt, key,
	    GNUTLS_DIG_SHA256, 0), 0);
	assert_int_equal(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER,
	    &der), 0);
	p = der.data;
	n = der.size;
	if (len > 20) {
		/* Certificate { TBS { [0] version, serial, ... }, ... } */
		h1 = der_read(p, &l1);
		q = p + h1;
		h2 = der_read(q, &l2);
		v = q + h2;
		vsz = 2 + (size_t)v[1];
		sn = v + vsz;
		ssz = der_read(sn, &ls) + ls;
		memcpy(tbs, v, vsz);
		o = vsz + der_head(0x02, len, tbs + vsz);
		memcpy(tbs + o, serial, len);
		o += len;
		memcpy(tbs + o, sn + ssz, l2 - vsz - ssz);
		o += l2 - vsz - ssz;
		n = der_head(0x30, o, body);
		memcpy(body + n, tbs, o);
		n += o;
		memcpy(body + n, q + h2 + l2, l1 - h2 - l2);
		n += l1 - h2 - l2;
		o = der_head(0x30, n, out);
		memcpy(out + o, body, n);
		n += o;
		p = out;
	}
	if (ep_cert_parse(p, n, &c, err, sizeof(err)) != 0)
		fail_msg("ep_cert_parse: %s", err);
	gnutls_free(der.data);
	gnutls_x509_privkey_deinit(key);
	gnutls_x509_crt_deinit(crt);
	return c;
}

/*
 * Serials as hex: the DER sign octet left out, one octet as two digits,
 * one of the 20 octets RFC 5280 allows kept whole, a longer one cut and
 * marked.
 */
static void
test_parse_serial(void **state)
{
	static const unsigned char	high[] = { 0x00, 0x9f, 0x01 };
	static const unsigned char	small[] = { 0x05 };
	unsigned char			long20[20], long40[40];
	struct ep_cert			*c;
	char				want[128];
	size_t				i;

	(void)state;
	c = serial_cert(high, sizeof(high));
	assert_string_equal(c->serial, "9f01");
	ep_cert_free(c);
	c = serial_cert(small, sizeof(small));
	assert_string_equal(c->serial, "05");
	ep_cert_free(c);
	for (i = 0; i < sizeof(long20); i++)
		long20[i] = (unsigned char)(0x10 + i);
	c = serial_cert(long20, sizeof(long20));
	assert_string_equal(c->serial,
	    "101112131415161718191a1b1c1d1e1f20212223");
	ep_cert_free(c);
	for (i = 0; i < sizeof(long40); i++)
		long40[i] = (unsigned char)(0x40 + i);
	c = serial_cert(long40, sizeof(long40));
	for (i = 0; i < EP_CERT_SERIAL_MAX; i++)
		snprintf(want + 2 * i, 3, "%02x", 0x40 + (unsigned)i);
	strcat(want, "...");
	assert_string_equal(c->serial, want);
	ep_cert_free(c);
}

/* The intermediate: a CA that is neither self-issued nor self-signed. */
static void
test_parse_intermediate(void **state)
{
	struct ep_cert	*c = parse_fixture("public-int.pem", 0);

	(void)state;
	assert_string_equal(c->subject, DN_PUBLIC_INT);
	assert_string_equal(c->issuer, DN_PUBLIC_ROOT);
	assert_string_equal(c->cn, "Fixture Public Issuing CA");
	assert_string_equal(c->issuer_cn, "Fixture Public Root");
	assert_hash(c->sha256, SHA_PUBLIC_INT);
	assert_hash(c->spki_sha256, SPKI_PUBLIC_INT);
	assert_int_equal(c->is_ca, 1);
	assert_int_equal(c->self_issued, 0);
	assert_int_equal(c->self_signed, 0);
	assert_int_equal(c->has_san, 0);
	ep_cert_free(c);
}

/* The rogue intermediate has the public one's DN but another key. */
static void
test_parse_impostor_intermediate(void **state)
{
	struct ep_cert	*c = parse_fixture("rogue-chain.pem", 1);

	(void)state;
	assert_string_equal(c->subject, DN_PUBLIC_INT);
	assert_string_equal(c->issuer, DN_ROGUE_ROOT);
	assert_int_equal(c->is_ca, 1);
	assert_int_equal(c->self_signed, 0);
	ep_cert_free(c);
}

/* A leaf without a subjectAltName extension: has_san 0, CN kept. */
static void
test_parse_cn_only(void **state)
{
	struct ep_cert	*c = parse_fixture("internal-cn.pem", 0);

	(void)state;
	assert_string_equal(c->subject, "CN=edge01.corp.contoso.example");
	assert_string_equal(c->issuer, DN_INTERNAL_ROOT);
	assert_string_equal(c->cn, "edge01.corp.contoso.example");
	assert_int_equal(c->cn_len, 27);
	assert_int_equal(c->has_san, 0);
	assert_int_equal(c->nsans, 0);
	assert_hash(c->sha256, SHA_INTERNAL_CN);
	assert_hash(c->spki_sha256, SPKI_LEAF);
	assert_int_equal(c->eku_server, 1);
	ep_cert_free(c);
}

/* CN and SAN differ: each is reported as it is in the certificate. */
static void
test_parse_cn_differs_from_san(void **state)
{
	struct ep_cert	*c = parse_fixture("cn-not-in-san.pem", 0);

	(void)state;
	assert_string_equal(c->cn, "webcon.contoso.example");
	assert_int_equal(c->cn_len, 22);
	assert_int_equal(c->has_san, 1);
	assert_int_equal(c->nsans, 1);
	assert_dns_san(c, 0, "other.contoso.example");
	ep_cert_free(c);
}

/* A wildcard SAN is kept verbatim; the key is the second leaf key. */
static void
test_parse_wildcard(void **state)
{
	struct ep_cert	*c = parse_fixture("wildcard.pem", 0);

	(void)state;
	assert_string_equal(c->cn, "*.contoso.example");
	assert_int_equal(c->nsans, 1);
	assert_dns_san(c, 0, "*.contoso.example");
	assert_hash(c->sha256, SHA_WILDCARD);
	assert_hash(c->spki_sha256, SPKI_LEAF2);
	ep_cert_free(c);
}

/* iPAddress SANs hold the raw 4 or 16 network-order bytes, in order. */
static void
test_parse_ip_san(void **state)
{
	static const unsigned char	v4[4] = { 192, 0, 2, 7 };
	static const unsigned char	v6[16] = { 0x20, 0x01, 0x0d, 0xb8,
					    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7 };
	struct ep_cert			*c = parse_fixture("ip-san.pem", 0);

	(void)state;
	assert_int_equal(c->has_san, 1);
	assert_int_equal(c->nsans, 3);
	assert_dns_san(c, 0, "ipsan.contoso.example");
	assert_int_equal(c->sans[1].is_ip, 1);
	assert_int_equal(c->sans[1].len, 4);
	assert_memory_equal(c->sans[1].value, v4, 4);
	assert_int_equal(c->sans[1].value[4], 0);
	assert_int_equal(c->sans[2].is_ip, 1);
	assert_int_equal(c->sans[2].len, 16);
	assert_memory_equal(c->sans[2].value, v6, 16);
	assert_hash(c->sha256, SHA_IP_SAN);
	ep_cert_free(c);
}

/* Two subject CNs: the last is kept; a URI SAN is not listed. */
static void
test_parse_last_cn_and_other_sans(void **state)
{
	struct ep_cert	*c = parse_fixture("odd-names.pem", 0);

	(void)state;
	assert_string_equal(c->subject,
	    "CN=last.contoso.example,CN=first.contoso.example");
	assert_string_equal(c->cn, "last.contoso.example");
	assert_int_equal(c->cn_len, 20);
	assert_int_equal(c->has_san, 1);
	assert_int_equal(c->nsans, 1);
	assert_dns_san(c, 0, "dns.contoso.example");
	assert_hash(c->sha256, SHA_ODD_NAMES);
	assert_hash(c->spki_sha256, SPKI_LEAF);
	assert_int_equal(c->eku_server, 1);
	assert_int_equal(c->eku_client, 0);
	ep_cert_free(c);
}

/*
 * A last CN too long to keep is still the last: kept cut, not passed
 * over for the CN before it, which clients do not look at.
 */
static void
test_parse_last_cn_too_long(void **state)
{
	gnutls_x509_privkey_t	 key;
	gnutls_x509_crt_t	 crt;
	gnutls_datum_t		 der;
	struct ep_cert		*c = NULL;
	char			 longer[300], err[256] = "";
	unsigned char		 serial = 7;
	static const char	 first[] = "access.contoso.example";

	(void)state;
	memset(longer, 'a', sizeof(longer));
	assert_int_equal(gnutls_x509_privkey_init(&key), 0);
	assert_int_equal(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0), 0);
	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_crt_set_dn_by_oid(crt,
	    GNUTLS_OID_X520_COMMON_NAME, 0, first, sizeof(first) - 1), 0);
	assert_int_equal(gnutls_x509_crt_set_dn_by_oid(crt,
	    GNUTLS_OID_X520_COMMON_NAME, 0, longer, sizeof(longer)), 0);
	assert_int_equal(gnutls_x509_crt_set_key(crt, key), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(crt, &serial, 1), 0);
	assert_int_equal(gnutls_x509_crt_set_version(crt, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(crt, FX_FROM), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(crt, FX_TO), 0);
	assert_int_equal(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256,
	    0), 0);
	assert_int_equal(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER,
	    &der), 0);
	if (ep_cert_parse(der.data, der.size, &c, err, sizeof(err)) != 0)
		fail_msg("ep_cert_parse: %s", err);
	assert_int_equal(c->cn_len, EP_CERT_CN_MAX - 1);
	assert_memory_equal(c->cn, longer, EP_CERT_CN_MAX - 1);
	assert_int_equal(c->cn[EP_CERT_CN_MAX - 1], '\0');
	ep_cert_free(c);
	gnutls_free(der.data);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
}

/* A self-signed end-entity certificate: self-signed but not a CA. */
static void
test_parse_self_signed_leaf(void **state)
{
	struct ep_cert	*c = parse_fixture("self-signed.pem", 0);

	(void)state;
	assert_string_equal(c->subject, "CN=webcon.contoso.example");
	assert_string_equal(c->issuer, "CN=webcon.contoso.example");
	assert_int_equal(c->is_ca, 0);
	assert_int_equal(c->self_issued, 1);
	assert_int_equal(c->self_signed, 1);
	assert_hash(c->sha256, SHA_SELF_SIGNED);
	assert_hash(c->spki_sha256, SPKI_LEAF);
	ep_cert_free(c);
}

/*
 * Subject == issuer (the public root's name) but signed by the root's
 * key, not its own: self-issued, not self-signed.
 */
static void
test_parse_self_issued_not_self_signed(void **state)
{
	struct ep_cert	*c = parse_fixture("self-issued.pem", 0);
	int		 self_issued, self_signed;

	(void)state;
	assert_string_equal(c->subject, DN_PUBLIC_ROOT);
	assert_string_equal(c->issuer, DN_PUBLIC_ROOT);
	assert_hash(c->sha256, SHA_SELF_ISSUED);
	self_issued = c->self_issued;
	self_signed = c->self_signed;
	ep_cert_free(c);
	assert_int_equal(self_signed, 0);
	assert_int_equal(self_issued, 1);
}

/* EKU: clientAuth only, and no EKU extension (nor CRL DP) at all. */
static void
test_parse_eku(void **state)
{
	struct ep_cert	*c;

	(void)state;
	c = parse_fixture("eku-client.pem", 0);
	assert_int_equal(c->has_eku, 1);
	assert_int_equal(c->eku_server, 0);
	assert_int_equal(c->eku_client, 1);
	assert_int_equal(c->has_crl_dp, 1);
	ep_cert_free(c);

	c = parse_fixture("eku-none.pem", 0);
	assert_int_equal(c->has_eku, 0);
	assert_int_equal(c->eku_server, 0);
	assert_int_equal(c->eku_client, 0);
	assert_int_equal(c->has_crl_dp, 0);
	ep_cert_free(c);
}

/* not_before/not_after equal the fixed dates of the dated fixtures. */
static void
test_parse_dates(void **state)
{
	static const struct {
		const char	*file;
		time_t		 from, to;
	} v[] = {
		{ "expired.pem", FX_FROM, T_2026_01_01 },
		{ "future.pem", T_2026_09_01, FX_TO },
		{ "soon10.pem", FX_FROM, T_2026_06_11 },
		{ "soon3.pem", FX_FROM, T_2026_06_04 },
	};
	size_t	i;

	(void)state;
	/* The dates as the fixtures' generator states them. */
	assert_int_equal(T_2026_06_11 - FX_NOW, 10 * FX_DAY);
	assert_int_equal(T_2026_06_04 - FX_NOW, 3 * FX_DAY);
	for (i = 0; i < NELEM(v); i++) {
		struct ep_cert	*c = parse_fixture(v[i].file, 0);

		assert_int_equal(c->not_before, v[i].from);
		assert_int_equal(c->not_after, v[i].to);
		ep_cert_free(c);
	}
}

/* Parsing refuses bad input with -1, a reason, *out NULL (no leak). */
static void
expect_parse_fails(const unsigned char *der, size_t len)
{
	struct ep_cert	*c = (struct ep_cert *)(uintptr_t)1;
	char		 err[256] = "";

	assert_int_equal(ep_cert_parse(der, len, &c, err, sizeof(err)), -1);
	assert_null(c);
	assert_true(err[0] != '\0');
}

/* Empty input is refused. */
static void
test_parse_rejects_empty(void **state)
{
	static const unsigned char	nothing[1] = { 0 };

	(void)state;
	expect_parse_fails(nothing, 0);
}

/* Random bytes, and a DER SEQUENCE header over garbage, are refused. */
static void
test_parse_rejects_garbage(void **state)
{
	unsigned char	buf[1500];
	uint32_t	x = 12345;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 16);
	}
	expect_parse_fails(buf, sizeof(buf));
	buf[0] = 0x30;
	buf[1] = 0x82;
	buf[2] = 0x05;
	buf[3] = 0xd8;	/* SEQUENCE of 1496 bytes: exactly the rest */
	expect_parse_fails(buf, sizeof(buf));
}

/* A certificate cut anywhere is refused. */
static void
test_parse_rejects_truncated(void **state)
{
	static const size_t	cut[] = { 1, 4, 10, 100, 500 };
	gnutls_datum_t		der;
	size_t			i;

	(void)state;
	fixture_der("access.pem", 0, &der);
	for (i = 0; i < NELEM(cut); i++)
		expect_parse_fails(der.data, der.size - cut[i]);
	expect_parse_fails(der.data, der.size / 2);
	expect_parse_fails(der.data, 10);
	gnutls_free(der.data);
}

/* More than EP_CERT_DER_MAX bytes are refused even when they start well. */
static void
test_parse_rejects_oversize(void **state)
{
	gnutls_datum_t	 der;
	unsigned char	*big;

	(void)state;
	fixture_der("access.pem", 0, &der);
	assert_non_null(big = calloc(1, EP_CERT_DER_MAX + 1));
	memcpy(big, der.data, der.size);
	expect_parse_fails(big, EP_CERT_DER_MAX + 1);
	free(big);
	gnutls_free(der.data);
}

/*
 * EP_CERT_SAN_MAX dNSNames are all read; one more is counted but not
 * read.  The URI SAN before them counts for nothing.
 */
static void
test_sans_at_limit(void **state)
{
	static const size_t	 n[] = { EP_CERT_SAN_MAX, EP_CERT_SAN_MAX + 1 };
	gnutls_datum_t		 der;
	struct ep_cert		*c;
	char			 err[256] = "", name[64];
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(n); i++) {
		mk_cert(n[i], 0, &der);
		if (ep_cert_parse(der.data, der.size, &c, err,
		    sizeof(err)) != 0)
			fail_msg("%zu SANs: %s", n[i], err);
		assert_int_equal(c->nsans, EP_CERT_SAN_MAX);
		assert_int_equal(c->sans_total, n[i]);
		mk_san_name(0, name, sizeof(name));
		assert_dns_san(c, 0, name);
		mk_san_name(EP_CERT_SAN_MAX - 1, name, sizeof(name));
		assert_dns_san(c, EP_CERT_SAN_MAX - 1, name);
		ep_cert_free(c);
		gnutls_free(der.data);
	}
}

/*
 * EP_CERT_URLS_MAX URLs of a kind are kept, one more is counted; a URL
 * shorter than EP_CERT_URL_MAX bytes is kept, one that long is counted.
 */
static void
test_urls_at_limit(void **state)
{
	static const struct {
		size_t	n, len;		/* of each kind */
		size_t	kept, out;
	} v[] = {
		{ EP_CERT_URLS_MAX, 100, EP_CERT_URLS_MAX, 0 },
		{ EP_CERT_URLS_MAX + 1, 100, EP_CERT_URLS_MAX, 2 },
		{ 1, EP_CERT_URL_MAX - 1, 1, 0 },
		{ 1, EP_CERT_URL_MAX, 0, 2 },
	};
	gnutls_datum_t	 der;
	struct ep_cert	*c;
	char		 err[256] = "", *url;
	size_t		 i;

	(void)state;
	assert_non_null(url = malloc(EP_CERT_URL_MAX + 1));
	for (i = 0; i < NELEM(v); i++) {
		mk_cert_urls(v[i].n, v[i].len, &der);
		if (ep_cert_parse(der.data, der.size, &c, err,
		    sizeof(err)) != 0)
			fail_msg("case %zu: %s", i, err);
		assert_int_equal(c->ncrl_urls, v[i].kept);
		assert_int_equal(c->nocsp_urls, v[i].kept);
		assert_int_equal(c->urls_left_out, v[i].out);
		if (v[i].kept > 0) {
			mk_url("http://crl.limits.test/", 0, v[i].len, url);
			assert_string_equal(c->crl_urls[0], url);
		}
		ep_cert_free(c);
		gnutls_free(der.data);
	}
	free(url);
}

/*
 * A certificate of EP_CERT_DER_MAX bytes is parsed; one byte more is
 * refused, and a store keeps it unparsed, marked over the limit rather
 * than merely malformed.
 */
static void
test_size_at_limit(void **state)
{
	struct ep_certs		*s = ep_certs_new();
	gnutls_datum_t		 at, past;
	struct ep_cert		*c;
	const struct ep_cert	*k;
	size_t			 i = 99;
	char			 err[256] = "", want[64];

	(void)state;
	mk_cert(2, EP_CERT_DER_MAX, &at);
	mk_cert(2, EP_CERT_DER_MAX + 1, &past);
	if (ep_cert_parse(at.data, at.size, &c, err, sizeof(err)) != 0)
		fail_msg("%u bytes: %s", at.size, err);
	assert_int_equal(c->over_limit, 0);
	assert_int_equal(c->nsans, 2);
	ep_cert_free(c);
	expect_parse_fails(past.data, past.size);
	assert_int_equal(ep_certs_add_any(s, past.data, past.size, &i, err,
	    sizeof(err)), 0);
	k = ep_certs_get(s, i);
	assert_int_equal(k->over_limit, 1);
	assert_int_equal(k->der_len, EP_CERT_DER_MAX + 1);
	snprintf(want, sizeof(want), "over the limit of %d", EP_CERT_DER_MAX);
	assert_non_null(strstr(k->malformed, want));
	/* Malformed for any other reason is not over the limit. */
	assert_int_equal(ep_certs_add_any(s, at.data, 100, &i, err,
	    sizeof(err)), 0);
	assert_int_equal(ep_certs_get(s, i)->over_limit, 0);
	assert_true(ep_certs_get(s, i)->malformed[0] != '\0');
	gnutls_free(at.data);
	gnutls_free(past.data);
	ep_certs_free(s);
}

/* issued_by: names and signature must both fit. */
static void
test_issued_by(void **state)
{
	struct ep_cert	*root = parse_fixture("public-root.pem", 0);
	struct ep_cert	*inter = parse_fixture("public-int.pem", 0);
	struct ep_cert	*leaf = parse_fixture("access.pem", 0);
	struct ep_cert	*introot = parse_fixture("internal-root.pem", 0);
	struct ep_cert	*intleaf = parse_fixture("internal-cn.pem", 0);
	struct ep_cert	*rleaf = parse_fixture("rogue-chain.pem", 0);
	struct ep_cert	*rint = parse_fixture("rogue-chain.pem", 1);
	struct ep_cert	*rroot = parse_fixture("rogue-root.pem", 0);
	struct ep_cert	*selfiss = parse_fixture("self-issued.pem", 0);

	(void)state;
	assert_int_equal(ep_cert_issued_by(leaf, inter), 1);
	assert_int_equal(ep_cert_issued_by(inter, root), 1);
	assert_int_equal(ep_cert_issued_by(root, root), 1);
	assert_int_equal(ep_cert_issued_by(rleaf, rint), 1);
	assert_int_equal(ep_cert_issued_by(rint, rroot), 1);
	assert_int_equal(ep_cert_issued_by(intleaf, introot), 1);
	assert_int_equal(ep_cert_issued_by(selfiss, root), 1);
	/* Wrong name. */
	assert_int_equal(ep_cert_issued_by(leaf, root), 0);
	assert_int_equal(ep_cert_issued_by(inter, leaf), 0);
	assert_int_equal(ep_cert_issued_by(intleaf, root), 0);
	assert_int_equal(ep_cert_issued_by(root, inter), 0);
	/* Right name, wrong key: the impostor and the real issuing CA. */
	assert_int_equal(ep_cert_issued_by(leaf, rint), 0);
	assert_int_equal(ep_cert_issued_by(rleaf, inter), 0);
	/* Self-issued under another key does not verify itself. */
	assert_int_equal(ep_cert_issued_by(selfiss, selfiss), 0);
	ep_cert_free(root);
	ep_cert_free(inter);
	ep_cert_free(leaf);
	ep_cert_free(introot);
	ep_cert_free(intleaf);
	ep_cert_free(rleaf);
	ep_cert_free(rint);
	ep_cert_free(rroot);
	ep_cert_free(selfiss);
}

/* ep_cert_hex: 32 lowercase hex pairs joined by colons, 95 chars. */
static void
test_hex_format(void **state)
{
	unsigned char	sha[32];
	char		out[96], small[12];
	size_t		i;

	(void)state;
	for (i = 0; i < 32; i++)
		sha[i] = (unsigned char)(i * 8 + 7);	/* 07 0f 17 ... ff */
	memset(out, 'X', sizeof(out));
	ep_cert_hex(sha, out, sizeof(out));
	assert_string_equal(out,
	    "07:0f:17:1f:27:2f:37:3f:47:4f:57:5f:67:6f:77:7f:"
	    "87:8f:97:9f:a7:af:b7:bf:c7:cf:d7:df:e7:ef:f7:ff");
	assert_int_equal(strlen(out), 95);

	/* A shorter buffer gets a terminated prefix and nothing beyond. */
	memset(small, 'X', sizeof(small));
	ep_cert_hex(sha, small, 9);
	assert_true(memchr(small, '\0', 9) != NULL);
	assert_int_equal(strncmp(out, small, strlen(small)), 0);
	assert_int_equal(small[9], 'X');
	assert_int_equal(small[10], 'X');
}

/* ep_cert_hex of a parsed certificate equals the openssl fingerprint. */
static void
test_hex_of_fingerprint(void **state)
{
	struct ep_cert	*c = parse_fixture("public-root.pem", 0);
	char		 out[96];

	(void)state;
	ep_cert_hex(c->sha256, out, sizeof(out));
	assert_string_equal(out,
	    "91:cb:3d:7e:7a:d1:64:ff:ec:8d:18:a3:3c:e8:5a:9d:"
	    "25:55:dd:65:76:61:40:f9:4e:68:a8:63:b7:65:d3:e1");
	ep_cert_free(c);
}

/* The store keeps the same DER once: same index, count 1. */
static void
test_store_dedupes(void **state)
{
	struct ep_certs	*s = ep_certs_new();
	gnutls_datum_t	 a, b;
	size_t		 i1 = 99, i2 = 99, i3 = 99;
	char		 err[256];

	(void)state;
	assert_non_null(s);
	assert_int_equal(ep_certs_count(s), 0);
	fixture_der("access.pem", 0, &a);
	fixture_der("access-serial2.pem", 0, &b);
	assert_int_equal(ep_certs_add(s, a.data, a.size, &i1, err,
	    sizeof(err)), 0);
	assert_int_equal(ep_certs_add(s, a.data, a.size, &i2, err,
	    sizeof(err)), 0);
	assert_int_equal(i1, 0);
	assert_int_equal(i2, 0);
	assert_int_equal(ep_certs_count(s), 1);
	/* Same key and names, another serial: another certificate. */
	assert_int_equal(ep_certs_add(s, b.data, b.size, &i3, err,
	    sizeof(err)), 0);
	assert_int_equal(i3, 1);
	assert_int_equal(ep_certs_count(s), 2);
	assert_hash(ep_certs_get(s, 0)->sha256, SHA_ACCESS);
	assert_hash(ep_certs_get(s, 1)->sha256, SHA_ACCESS_SERIAL2);
	gnutls_free(a.data);
	gnutls_free(b.data);
	ep_certs_free(s);
}

/* The store refuses garbage with a reason and keeps nothing of it. */
static void
test_store_rejects_garbage(void **state)
{
	static const unsigned char	junk[] = "not a certificate at all";
	struct ep_certs			*s = ep_certs_new();
	gnutls_datum_t			 a;
	size_t				 idx = 99;
	char				 err[256] = "";

	(void)state;
	assert_int_equal(ep_certs_add(s, junk, sizeof(junk), &idx, err,
	    sizeof(err)), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(ep_certs_count(s), 0);
	/* The same junk again is refused again, not found as a duplicate. */
	err[0] = '\0';
	assert_int_equal(ep_certs_add(s, junk, sizeof(junk), &idx, err,
	    sizeof(err)), -1);
	assert_true(err[0] != '\0');
	fixture_der("access.pem", 0, &a);
	assert_int_equal(ep_certs_add(s, a.data, a.size, &idx, err,
	    sizeof(err)), 0);
	assert_int_equal(idx, 0);
	assert_int_equal(ep_certs_count(s), 1);
	gnutls_free(a.data);
	ep_certs_free(s);
}

/* Loading PEM chain files: count returned, indexes in file order, dedupe. */
static void
test_load_chain_file(void **state)
{
	struct ep_certs	*s = ep_certs_new();
	size_t		 idx[4] = { 99, 99, 99, 99 };
	char		 err[256];

	(void)state;
	assert_int_equal(ep_certs_load_file(s, fx_path("access-chain.pem"), idx,
	    NELEM(idx), err, sizeof(err)), 2);
	assert_int_equal(idx[0], 0);
	assert_int_equal(idx[1], 1);
	assert_int_equal(idx[2], 99);
	assert_int_equal(ep_certs_count(s), 2);
	assert_hash(ep_certs_get(s, idx[0])->sha256, SHA_ACCESS);
	assert_hash(ep_certs_get(s, idx[1])->sha256, SHA_PUBLIC_INT);

	/* Root then intermediate: the intermediate is found, not added. */
	assert_int_equal(ep_certs_load_file(s, fx_path("public-bundle.pem"), idx,
	    NELEM(idx), err, sizeof(err)), 2);
	assert_int_equal(idx[0], 2);
	assert_int_equal(idx[1], 1);
	assert_int_equal(ep_certs_count(s), 3);
	assert_hash(ep_certs_get(s, 2)->sha256, SHA_PUBLIC_ROOT);
	ep_certs_free(s);
}

/* A DER file loads too, as the same certificate as its PEM form. */
static void
test_load_der_file(void **state)
{
	struct ep_certs	*s = ep_certs_new();
	gnutls_datum_t	 der;
	size_t		 idx[2] = { 99, 99 };
	char		 path[FX_PATH_MAX], err[256];

	(void)state;
	fixture_der("wildcard.pem", 0, &der);
	fx_tmp_file("ep-test-cert", der.data, der.size, path, sizeof(path));
	assert_int_equal(ep_certs_load_file(s, fx_path("wildcard.pem"), idx, 2,
	    err, sizeof(err)), 1);
	assert_int_equal(idx[0], 0);
	assert_int_equal(ep_certs_load_file(s, path, idx, 2, err, sizeof(err)),
	    1);
	assert_int_equal(idx[0], 0);
	assert_int_equal(ep_certs_count(s), 1);
	assert_hash(ep_certs_get(s, 0)->sha256, SHA_WILDCARD);
	unlink(path);
	gnutls_free(der.data);
	ep_certs_free(s);
}

/* Fails with -1, a message naming path, and the store unchanged. */
static void
expect_load_fails(struct ep_certs *s, const char *path, size_t max)
{
	size_t	idx[4];
	size_t	before = ep_certs_count(s);
	char	err[512] = "";

	assert_int_equal(ep_certs_load_file(s, path, idx, max, err,
	    sizeof(err)), -1);
	if (strstr(err, path) == NULL)
		fail_msg("message '%s' does not name %s", err, path);
	assert_int_equal(ep_certs_count(s), before);
}

/* Nonexistent, empty, garbage and truncated-PEM files are refused. */
static void
test_load_bad_files(void **state)
{
	static const char	 garbage[] = "\x01\x02 this is no certificate "
				    "\xff\xfe\x30\x82\x00\x10 at all\n";
	struct ep_certs		*s = ep_certs_new();
	gnutls_datum_t		 pem;
	char			 path[FX_PATH_MAX];

	(void)state;
	expect_load_fails(s, fx_path("no-such-file.pem"), 4);

	fx_tmp_file("ep-test-cert", "", 0, path, sizeof(path));
	expect_load_fails(s, path, 4);
	unlink(path);

	fx_tmp_file("ep-test-cert", garbage, sizeof(garbage) - 1, path, sizeof(path));
	expect_load_fails(s, path, 4);
	unlink(path);

	/* The first half of a PEM certificate. */
	assert_int_equal(gnutls_load_file(fx_path("access.pem"), &pem), 0);
	fx_tmp_file("ep-test-cert", pem.data, pem.size / 2, path, sizeof(path));
	expect_load_fails(s, path, 4);
	unlink(path);
	gnutls_free(pem.data);
	ep_certs_free(s);
}

/* A file with more certificates than idx holds is refused. */
static void
test_load_too_many(void **state)
{
	struct ep_certs	*s = ep_certs_new();

	(void)state;
	expect_load_fails(s, fx_path("access-chain.pem"), 1);
	ep_certs_free(s);
}

/* Writes der as a PEM file; returns its path, to be unlinked. */
static void
pem_file(const gnutls_datum_t *der, char *path, size_t pathlen)
{
	gnutls_datum_t	pem;

	assert_int_equal(gnutls_pem_base64_encode2("CERTIFICATE", der, &pem),
	    0);
	fx_tmp_file("ep-test-cert", pem.data, pem.size, path, pathlen);
	gnutls_free(pem.data);
}

/*
 * A file's certificate over EP_CERT_DER_MAX bytes refuses the file, even
 * where malformed ones are kept: what is past a limit is not judged in
 * part.  One of EP_CERT_DER_MAX bytes is read.
 */
static void
test_load_cert_size(void **state)
{
	struct ep_certs	*s = ep_certs_new();
	gnutls_datum_t	 at, past;
	size_t		 idx[2];
	char		 path[FX_PATH_MAX], err[512] = "", want[128];

	(void)state;
	snprintf(want, sizeof(want), ": certificate 1: a certificate of %d "
	    "bytes, over the limit of %d", EP_CERT_DER_MAX + 1,
	    EP_CERT_DER_MAX);
	mk_cert(1, EP_CERT_DER_MAX, &at);
	mk_cert(1, EP_CERT_DER_MAX + 1, &past);
	pem_file(&at, path, sizeof(path));
	assert_int_equal(ep_certs_load_file_any(s, path, idx, 2, err,
	    sizeof(err)), 1);
	assert_int_equal(ep_certs_get(s, idx[0])->der_len, EP_CERT_DER_MAX);
	unlink(path);
	pem_file(&past, path, sizeof(path));
	assert_int_equal(ep_certs_load_file_any(s, path, idx, 2, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, want));
	assert_int_equal(ep_certs_count(s), 1);
	unlink(path);
	/* As DER, the same. */
	fx_tmp_file("ep-test-cert", past.data, past.size, path, sizeof(path));
	assert_int_equal(ep_certs_load_file_any(s, path, idx, 2, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, want + strlen(": certificate 1: ")));
	unlink(path);
	gnutls_free(at.data);
	gnutls_free(past.data);
	ep_certs_free(s);
}

/*
 * A chain file of EP_CERT_FILE_MAX bytes (a chain and text around it, as
 * some tools write) is read; one byte more is refused unread.
 */
static void
test_load_file_size(void **state)
{
	struct ep_certs	*s = ep_certs_new();
	gnutls_datum_t	 pem;
	char		 path[FX_PATH_MAX], err[512] = "", want[64], *text;
	size_t		 idx[4], n;

	(void)state;
	snprintf(want, sizeof(want), "larger than %d bytes", EP_CERT_FILE_MAX);
	assert_int_equal(gnutls_load_file(fx_path("access-chain.pem"), &pem),
	    0);
	for (n = EP_CERT_FILE_MAX; n <= (size_t)EP_CERT_FILE_MAX + 1; n++) {
		assert_non_null(text = malloc(n));
		memset(text, '#', n);
		memcpy(text, pem.data, pem.size);
		text[pem.size] = '\n';
		fx_tmp_file("ep-test-cert", text, n, path, sizeof(path));
		free(text);
		if (n == EP_CERT_FILE_MAX) {
			if (ep_certs_load_file(s, path, idx, NELEM(idx), err,
			    sizeof(err)) != 2)
				fail_msg("%zu bytes: %s", n, err);
		} else {
			assert_int_equal(ep_certs_load_file(s, path, idx,
			    NELEM(idx), err, sizeof(err)), -1);
			assert_non_null(strstr(err, want));
		}
		unlink(path);
	}
	gnutls_free(pem.data);
	ep_certs_free(s);
}

/*
 * A key ID names the key, not the certificate: a renewal with the same
 * key has the same ID (what pfx-key-mismatch compares), another key not.
 */
static void
test_key_id(void **state)
{
	struct ep_cert	*a, *same, *other;
	unsigned char	 ida[64], ids[64], ido[64];
	size_t		 la = sizeof(ida), ls = sizeof(ids), lo = sizeof(ido);

	(void)state;
	a = parse_fixture("access.pem", 0);
	same = parse_fixture("access-serial2.pem", 0);
	other = parse_fixture("access-key2.pem", 0);
	assert_int_equal(ep_cert_key_id(a, ida, &la), 0);
	assert_int_equal(ep_cert_key_id(same, ids, &ls), 0);
	assert_int_equal(ep_cert_key_id(other, ido, &lo), 0);
	assert_int_equal(la, 32);
	assert_int_equal(ls, la);
	assert_memory_equal(ida, ids, la);
	assert_memory_not_equal(ida, ido, la);
	la = 8;
	assert_int_equal(ep_cert_key_id(a, ida, &la), -1);
	ep_cert_free(a);
	ep_cert_free(same);
	ep_cert_free(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_public_leaf),
		cmocka_unit_test(test_parse_roots),
		cmocka_unit_test(test_parse_serial),
		cmocka_unit_test(test_parse_intermediate),
		cmocka_unit_test(test_parse_impostor_intermediate),
		cmocka_unit_test(test_parse_cn_only),
		cmocka_unit_test(test_parse_cn_differs_from_san),
		cmocka_unit_test(test_parse_wildcard),
		cmocka_unit_test(test_parse_ip_san),
		cmocka_unit_test(test_parse_last_cn_and_other_sans),
		cmocka_unit_test(test_parse_last_cn_too_long),
		cmocka_unit_test(test_parse_self_signed_leaf),
		cmocka_unit_test(test_parse_self_issued_not_self_signed),
		cmocka_unit_test(test_parse_eku),
		cmocka_unit_test(test_parse_dates),
		cmocka_unit_test(test_parse_rejects_empty),
		cmocka_unit_test(test_parse_rejects_garbage),
		cmocka_unit_test(test_parse_rejects_truncated),
		cmocka_unit_test(test_parse_rejects_oversize),
		cmocka_unit_test(test_sans_at_limit),
		cmocka_unit_test(test_size_at_limit),
		cmocka_unit_test(test_urls_at_limit),
		cmocka_unit_test(test_issued_by),
		cmocka_unit_test(test_hex_format),
		cmocka_unit_test(test_hex_of_fingerprint),
		cmocka_unit_test(test_store_dedupes),
		cmocka_unit_test(test_store_rejects_garbage),
		cmocka_unit_test(test_load_chain_file),
		cmocka_unit_test(test_load_der_file),
		cmocka_unit_test(test_load_bad_files),
		cmocka_unit_test(test_load_too_many),
		cmocka_unit_test(test_load_cert_size),
		cmocka_unit_test(test_load_file_size),
		cmocka_unit_test(test_key_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
