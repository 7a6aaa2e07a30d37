/*
 * Certificates made at test time, for the tests of the limits: as many
 * dNSName SANs as a test asks for, and a size to the byte.  Each is
 * self-signed with an Ed25519 key, whose signatures are all of one size,
 * so that a certificate's size depends only on what is put in it; an
 * extension of filler bytes under a documentation OID (RFC 5612's
 * enterprise number) takes it to the size asked for.  Each also has a URI
 * SAN, first, which the SAN limit must not count.  Others have as many
 * CRL distribution points and OCSP responders as a test asks for.
 */

#ifndef EP_TEST_MKCERT_H
#define EP_TEST_MKCERT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/x509-ext.h>

#include "fixture.h"

#define MK_FILLER_OID	"1.3.6.1.4.1.32473.1"	/* no parser knows it */
#define MK_TRIES	8	/* sizes tried before one fits to the byte */
#define MK_URI		"https://www.limits.test/"
#define MK_AIA_OID	"1.3.6.1.5.5.7.1.1"	/* authorityInfoAccess */

/* The DER of an OCTET STRING of n zero octets, into *len bytes at out. */
static inline unsigned char *
mk_octets(size_t n, size_t *len)
{
	unsigned char	*out;
	size_t		 h = n < 0x80 ? 2 : n < 0x100 ? 3 : n < 0x10000 ? 4 : 5;
	size_t		 i;

	assert_non_null(out = calloc(1, n + h));
	out[0] = 0x04;
	if (h == 2)
		out[1] = (unsigned char)n;
	else {
		out[1] = (unsigned char)(0x80 | (h - 2));
		for (i = 0; i < h - 2; i++)
			out[h - 1 - i] = (unsigned char)(n >> (8 * i));
	}
	*len = n + h;
	return out;
}

/* The name of SAN i of a made certificate. */
static inline void
mk_san_name(size_t i, char *out, size_t outlen)
{
	snprintf(out, outlen, "n%zu.limits.test", i);
}

/* One certificate of key with nsans dNSNames and filler octets. */
static inline void
mk_sign(gnutls_x509_privkey_t key, size_t nsans, size_t filler,
    gnutls_datum_t *out)
{
	static const unsigned char	 serial[] = { 0x01 };
	gnutls_x509_crt_t		 crt;
	unsigned char			*ext;
	char				 name[64];
	size_t				 i, len;

	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_crt_set_version(crt, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(crt, serial,
	    sizeof(serial)), 0);
	assert_int_equal(gnutls_x509_crt_set_dn(crt, "CN=limits.test", NULL),
	    0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(crt, FX_FROM), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(crt, FX_TO), 0);
	assert_int_equal(gnutls_x509_crt_set_key(crt, key), 0);
	assert_int_equal(gnutls_x509_crt_set_subject_alt_name(crt,
	    GNUTLS_SAN_URI, MK_URI, strlen(MK_URI), GNUTLS_FSAN_APPEND), 0);
	for (i = 0; i < nsans; i++) {
		mk_san_name(i, name, sizeof(name));
		assert_int_equal(gnutls_x509_crt_set_subject_alt_name(crt,
		    GNUTLS_SAN_DNSNAME, name, strlen(name),
		    GNUTLS_FSAN_APPEND), 0);
	}
	if (filler > 0) {
		ext = mk_octets(filler, &len);
		assert_int_equal(gnutls_x509_crt_set_extension_by_oid(crt,
		    MK_FILLER_OID, ext, len, 0), 0);
		free(ext);
	}
	assert_int_equal(gnutls_x509_crt_sign2(crt, crt, key,
	    GNUTLS_DIG_SHA512, 0), 0);
	assert_int_equal(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER,
	    out), 0);
	gnutls_x509_crt_deinit(crt);
}

/*
 * A certificate with nsans dNSNames (mk_san_name), of exactly size bytes
 * of DER, or as it comes when size is 0.  Free out->data with
 * gnutls_free.
 */
static inline void
mk_cert(size_t nsans, size_t size, gnutls_datum_t *out)
{
	gnutls_x509_privkey_t	key;
	size_t			filler = 16;
	int			i;

	assert_int_equal(gnutls_x509_privkey_init(&key), 0);
	assert_int_equal(gnutls_x509_privkey_generate(key,
	    GNUTLS_PK_EDDSA_ED25519, 0, 0), 0);
	mk_sign(key, nsans, 0, out);
	/* Each try corrects the filler by what the last one missed by. */
	for (i = 0; size != 0 && out->size != size && i < MK_TRIES; i++) {
		long	off = (long)size - (long)out->size;

		assert_true((long)filler + off > 0);
		filler = (size_t)((long)filler + off);
		gnutls_free(out->data);
		mk_sign(key, nsans, filler, out);
	}
	if (size != 0 && out->size != size)
		fail_msg("made %u bytes, not %zu", out->size, size);
	gnutls_x509_privkey_deinit(key);
}

/* A URL of len bytes, prefix and filler after it. */
static inline void
mk_url(const char *prefix, size_t i, size_t len, char *out)
{
	size_t	n = (size_t)snprintf(out, len + 1, "%s%zu/", prefix, i);

	assert_true(n < len);
	memset(out + n, 'x', len - n);
	out[len] = '\0';
}

/*
 * A certificate with n CRL distribution points and n OCSP responders,
 * each URL of len bytes.  Free out->data with gnutls_free.
 */
static inline void
mk_cert_urls(size_t n, size_t len, gnutls_datum_t *out)
{
	static const unsigned char	 serial[] = { 0x02 };
	gnutls_x509_privkey_t		 key;
	gnutls_x509_crt_t		 crt;
	gnutls_x509_crl_dist_points_t	 dps;
	gnutls_x509_aia_t		 aia;
	gnutls_datum_t			 url, ext;
	char				*buf;
	size_t				 i;

	assert_non_null(buf = malloc(len + 1));
	assert_int_equal(gnutls_x509_privkey_init(&key), 0);
	assert_int_equal(gnutls_x509_privkey_generate(key,
	    GNUTLS_PK_EDDSA_ED25519, 0, 0), 0);
	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_crt_set_version(crt, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(crt, serial,
	    sizeof(serial)), 0);
	assert_int_equal(gnutls_x509_crt_set_dn(crt, "CN=urls.limits.test",
	    NULL), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(crt, FX_FROM), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(crt, FX_TO), 0);
	assert_int_equal(gnutls_x509_crt_set_key(crt, key), 0);
	assert_int_equal(gnutls_x509_crl_dist_points_init(&dps), 0);
	assert_int_equal(gnutls_x509_aia_init(&aia), 0);
	for (i = 0; i < n; i++) {
		mk_url("http://crl.limits.test/", i, len, buf);
		url.data = (unsigned char *)buf;
		url.size = (unsigned)len;
		assert_int_equal(gnutls_x509_crl_dist_points_set(dps,
		    GNUTLS_SAN_URI, &url, 0), 0);
		mk_url("http://ocsp.limits.test/", i, len, buf);
		assert_int_equal(gnutls_x509_aia_set(aia, GNUTLS_OID_AD_OCSP,
		    GNUTLS_SAN_URI, &url), 0);
	}
	if (n > 0) {
		assert_int_equal(gnutls_x509_ext_export_crl_dist_points(dps,
		    &ext), 0);
		assert_int_equal(gnutls_x509_crt_set_extension_by_oid(crt,
		    GNUTLS_X509EXT_OID_CRL_DIST_POINTS, ext.data, ext.size, 0),
		    0);
		gnutls_free(ext.data);
		assert_int_equal(gnutls_x509_ext_export_aia(aia, &ext), 0);
		assert_int_equal(gnutls_x509_crt_set_extension_by_oid(crt,
		    MK_AIA_OID, ext.data, ext.size, 0), 0);
		gnutls_free(ext.data);
	}
	assert_int_equal(gnutls_x509_crt_sign2(crt, crt, key,
	    GNUTLS_DIG_SHA512, 0), 0);
	assert_int_equal(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER,
	    out), 0);
	gnutls_x509_aia_deinit(aia);
	gnutls_x509_crl_dist_points_deinit(dps);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	free(buf);
}

#endif /* EP_TEST_MKCERT_H */
