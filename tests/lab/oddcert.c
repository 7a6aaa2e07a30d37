/*
 * oddcert: makes the lab's certificate whose subject and SAN hold what a
 * terminal acts on, for the cases that show that no output passes such
 * bytes through raw.  certtool cannot write these names.
 *
 *	oddcert NAME CA.pem CA.key LEAF.key OUT.pem CRL-URL
 *
 * The certificate is for NAME (a dNSName SAN, so that the endpoint is
 * otherwise sound), issued by CA, valid from 30 days ago for a year,
 * serverAuth, with CRL-URL as its CRL distribution point and an
 * authorityKeyIdentifier like the lab's other leaves.
 * Its subject CN is ESC [2J (clear the screen), an OSC title sequence
 * ended by BEL, a C1 CSI and a right-to-left override, all valid UTF-8;
 * a second dNSName holds ESC, BEL, NUL and a byte that is not UTF-8.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#define DAY	86400

static const char	odd_cn[] = "odd\x1b[2J\x1b]0;pwned\x07"
			    "\xc2\x9b" "31m\xe2\x80\xae" "txet";
static const char	odd_san[] = "odd.evil.test\x1b[5m\x07\0\xff";

static gnutls_datum_t
load(const char *path)
{
	gnutls_datum_t	d = { NULL, 0 };

	if (gnutls_load_file(path, &d) < 0) {
		fprintf(stderr, "oddcert: %s: cannot read\n", path);
		exit(1);
	}
	return d;
}

static void
check(int r, const char *what)
{
	if (r < 0) {
		fprintf(stderr, "oddcert: %s: %s\n", what, gnutls_strerror(r));
		exit(1);
	}
}

/* DER of an ASN.1 element of tag and n bytes (n < 128). */
static size_t
der(unsigned char tag, const void *v, size_t n, unsigned char *out)
{
	out[0] = tag;
	out[1] = (unsigned char)n;
	memcpy(out + 2, v, n);
	return n + 2;
}

int
main(int argc, char *argv[])
{
	gnutls_x509_crt_t	crt, ca;
	gnutls_x509_privkey_t	cakey, key;
	gnutls_datum_t		d, out;
	unsigned char		cn[128], names[256], ext[260], serial[8];
	unsigned char		keyid[64];
	size_t			cnlen, n, keyidlen = sizeof(keyid);
	time_t			now = time(NULL);
	FILE			*fp;

	if (argc != 7) {
		fprintf(stderr, "usage: oddcert NAME CA.pem CA.key LEAF.key "
		    "OUT.pem CRL-URL\n");
		return 2;
	}
	check(gnutls_global_init(), "init");
	check(gnutls_x509_crt_init(&crt), "crt");
	check(gnutls_x509_crt_init(&ca), "crt");
	check(gnutls_x509_privkey_init(&cakey), "key");
	check(gnutls_x509_privkey_init(&key), "key");
	d = load(argv[2]);
	check(gnutls_x509_crt_import(ca, &d, GNUTLS_X509_FMT_PEM), argv[2]);
	gnutls_free(d.data);
	d = load(argv[3]);
	check(gnutls_x509_privkey_import(cakey, &d, GNUTLS_X509_FMT_PEM),
	    argv[3]);
	gnutls_free(d.data);
	d = load(argv[4]);
	check(gnutls_x509_privkey_import(key, &d, GNUTLS_X509_FMT_PEM),
	    argv[4]);
	gnutls_free(d.data);

	/* A UTF8String given raw: GnuTLS would refuse no byte of it. */
	cnlen = der(0x0c, odd_cn, sizeof(odd_cn) - 1, cn);
	check(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME,
	    1, cn, (unsigned)cnlen), "subject");
	/* GeneralNames: SEQUENCE { [2] NAME, [2] the odd name }. */
	n = der(0x82, argv[1], strlen(argv[1]), names);
	n += der(0x82, odd_san, sizeof(odd_san) - 1, names + n);
	if (n > 127) {
		fprintf(stderr, "oddcert: %s: name too long\n", argv[1]);
		return 1;
	}
	n = der(0x30, names, n, ext);
	check(gnutls_x509_crt_set_extension_by_oid(crt, GNUTLS_X509EXT_OID_SAN,
	    ext, n, 0), "SAN");
	check(gnutls_x509_crt_set_key_purpose_oid(crt,
	    GNUTLS_KP_TLS_WWW_SERVER, 0), "EKU");
	check(gnutls_x509_crt_set_crl_dist_points(crt, GNUTLS_SAN_URI,
	    argv[6], 0), "CRL DP");
	/* certtool names the issuer's key; gnutls_x509_crt_sign2 does not. */
	check(gnutls_x509_crt_get_subject_key_id(ca, keyid, &keyidlen, NULL),
	    "CA key ID");
	check(gnutls_x509_crt_set_authority_key_id(crt, keyid, keyidlen),
	    "AKI");
	check(gnutls_x509_crt_set_key(crt, key), "key");
	check(gnutls_x509_crt_set_version(crt, 3), "version");
	check(gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial)), "serial");
	serial[0] &= 0x7f;
	check(gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)),
	    "serial");
	check(gnutls_x509_crt_set_activation_time(crt, now - 30 * DAY),
	    "dates");
	check(gnutls_x509_crt_set_expiration_time(crt, now + 365 * DAY),
	    "dates");
	check(gnutls_x509_crt_sign2(crt, ca, cakey, GNUTLS_DIG_SHA256, 0),
	    "sign");
	check(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out), "export");
	if ((fp = fopen(argv[5], "w")) == NULL ||
	    fwrite(out.data, 1, out.size, fp) != out.size || fclose(fp) != 0) {
		fprintf(stderr, "oddcert: %s: cannot write\n", argv[5]);
		return 1;
	}
	gnutls_free(out.data);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_crt_deinit(ca);
	gnutls_x509_privkey_deinit(cakey);
	gnutls_x509_privkey_deinit(key);
	gnutls_global_deinit();
	return 0;
}
