/*
 * Certificates: GnuTLS parses, this module copies out with bounds what the
 * rules and reports need, and keeps each distinct certificate once.
 */

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/x509-ext.h>

#include "input/ep_file.h"
#include "x509/cert_impl.h"

#define EP_EKU_MAX		64			/* key purposes looked at */

/* A certificate and GnuTLS's parse of it, which only x509/ sees. */
struct cert {
	struct ep_cert		pub;	/* first: an ep_cert is its cert */
	gnutls_x509_crt_t	crt;
};

/*
 * The cert of c, writable in this file: the parse is a cache, made and
 * dropped behind a const certificate (ep_cert_crt, ep_cert_release).
 */
static struct cert *
cert_of(const struct ep_cert *c)
{
	return (struct cert *)(uintptr_t)c;
}

#define CRT(c)	(cert_of(c)->crt)

/*
 * The parse is a cache of der: a run that streams drops it once the
 * certificate's endpoints were judged (ep_cert_release), and it is made
 * again if the certificate is seen again.  NULL for a malformed one, or
 * when memory ran out.
 */
gnutls_x509_crt_t
ep_cert_crt(const struct ep_cert *c)
{
	gnutls_datum_t	d;

	if (CRT(c) != NULL || c->malformed[0] != '\0' || c->der == NULL)
		return CRT(c);
	d.data = c->der;
	d.size = (unsigned)c->der_len;
	if (gnutls_x509_crt_init(&CRT(c)) < 0)
		return CRT(c) = NULL;
	if (gnutls_x509_crt_import(CRT(c), &d, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(CRT(c));
		CRT(c) = NULL;
	}
	return CRT(c);
}

void
ep_cert_release(const struct ep_cert *c)
{
	if (c == NULL || CRT(c) == NULL || c->malformed[0] != '\0')
		return;
	gnutls_x509_crt_deinit(CRT(c));
	CRT(c) = NULL;
}
#define DER_SEQUENCE		0x30	/* a DER file starts so */
#define OID_ANY_EKU		"2.5.29.37.0"

/* Copies a datum into a NUL-terminated, bounded string. */
static void
copy_datum(char *dst, size_t dstlen, const gnutls_datum_t *d)
{
	size_t	n = d->size < dstlen - 1 ? d->size : dstlen - 1;

	memcpy(dst, d->data, n);
	dst[n] = '\0';
}

static int
get_dns(gnutls_x509_crt_t crt, int issuer, char *out, size_t outlen)
{
	gnutls_datum_t	d = { NULL, 0 };
	int		r;

	r = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0) :
	    gnutls_x509_crt_get_dn3(crt, &d, 0);
	if (r < 0) {
		out[0] = '\0';
		return 0;	/* an empty DN is legal in a leaf with SANs */
	}
	copy_datum(out, outlen, &d);
	gnutls_free(d.data);
	return 0;
}

/* Reads CN i of the subject (or issuer) into buf, of *size bytes. */
static int
read_cn(gnutls_x509_crt_t crt, int issuer, int i, char *buf, size_t *size)
{
	return issuer ? gnutls_x509_crt_get_issuer_dn_by_oid(crt,
	    GNUTLS_OID_X520_COMMON_NAME, (unsigned)i, 0, buf, size) :
	    gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME,
	    (unsigned)i, 0, buf, size);
}

/*
 * The last CN of the subject (or issuer) is the most specific one, the
 * one clients used to look at; one too long to keep is kept cut, never
 * passed over for an earlier one.  Returns 0, or -1 when out of memory.
 */
static int
get_cn(gnutls_x509_crt_t crt, int issuer, char *cn, size_t *cn_len)
{
	char	buf[EP_CERT_CN_MAX], *p;
	size_t	size;
	int	i, r;

	cn[0] = '\0';
	*cn_len = 0;
	for (i = 0; i < 16; i++) {
		p = buf;
		size = sizeof(buf);
		r = read_cn(crt, issuer, i, p, &size);
		if (r == GNUTLS_E_SHORT_MEMORY_BUFFER) {
			if ((p = malloc(++size)) == NULL)
				return -1;
			r = read_cn(crt, issuer, i, p, &size);
		}
		if (r >= 0) {
			if (size >= EP_CERT_CN_MAX)
				size = EP_CERT_CN_MAX - 1;
			memcpy(cn, p, size);
			cn[size] = '\0';
			*cn_len = size;
		}
		if (p != buf)
			free(p);
		if (r < 0)
			break;
	}
	return 0;
}

/* The serial as hex (see ep_cert.h); "" when GnuTLS cannot give it. */
static void
get_serial(struct ep_cert *c)
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		buf[256];
	size_t			size = sizeof(buf), i = 0, o = 0;

	c->serial[0] = '\0';
	if (gnutls_x509_crt_get_serial(CRT(c), buf, &size) < 0 || size == 0)
		return;
	/* DER puts a zero octet before a number whose high bit is set. */
	while (i + 1 < size && buf[i] == 0)
		i++;
	for (; i < size && o < EP_CERT_SERIAL_MAX * 2; i++) {
		c->serial[o++] = hex[buf[i] >> 4];
		c->serial[o++] = hex[buf[i] & 0xf];
	}
	if (i < size) {
		memcpy(c->serial + o, "...", 3);
		o += 3;
	}
	c->serial[o] = '\0';
}

/*
 * The dNSName and iPAddress entries, the first EP_CERT_SAN_MAX of them
 * kept; sans_total counts them all, so that the rules can say when some
 * were not read.  Other kinds (URIs, e-mail addresses) are passed over
 * and count for nothing.
 */
static int
get_sans(struct ep_cert *c, char *err, size_t errlen)
{
	gnutls_datum_t			ext = { NULL, 0 };
	gnutls_subject_alt_names_t	sans = NULL;
	struct ep_san			*v;
	unsigned			i, type, crit;
	int				ret = -1;

	if (gnutls_x509_crt_get_extension_by_oid2(CRT(c), GNUTLS_X509EXT_OID_SAN,
	    0, &ext, &crit) < 0)
		return 0;
	c->has_san = 1;
	if (gnutls_subject_alt_names_init(&sans) < 0 ||
	    gnutls_x509_ext_import_subject_alt_names(&ext, sans, 0) < 0) {
		snprintf(err, errlen, "malformed subjectAltName extension");
		goto out;
	}
	if ((c->sans = calloc(EP_CERT_SAN_MAX, sizeof(*c->sans))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		goto out;
	}
	/* The certificate's size (EP_CERT_DER_MAX) bounds the entries. */
	for (i = 0; ; i++) {
		gnutls_datum_t	 san, other;
		struct ep_san	*s;

		if (gnutls_subject_alt_names_get(sans, i, &type, &san, &other) < 0)
			break;
		if (type != GNUTLS_SAN_DNSNAME && type != GNUTLS_SAN_IPADDRESS)
			continue;
		if (c->sans_total++ >= EP_CERT_SAN_MAX)
			continue;
		s = &c->sans[c->nsans];
		s->is_ip = type == GNUTLS_SAN_IPADDRESS;
		if ((s->value = malloc(san.size + 1)) == NULL) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			goto out;
		}
		memcpy(s->value, san.data, san.size);
		s->value[san.size] = '\0';
		s->len = san.size;
		c->nsans++;
	}
	/* A store of thousands of leaves keeps only what they hold. */
	if ((v = realloc(c->sans, (c->nsans ? c->nsans : 1) *
	    sizeof(*v))) != NULL)
		c->sans = v;
	ret = 0;
out:
	gnutls_subject_alt_names_deinit(sans);
	gnutls_free(ext.data);
	return ret;
}

static void
get_eku(struct ep_cert *c)
{
	char		oid[128];
	size_t		size;
	unsigned	i, crit;

	for (i = 0; i < EP_EKU_MAX; i++) {
		size = sizeof(oid);
		if (gnutls_x509_crt_get_key_purpose_oid(CRT(c), i, oid, &size,
		    &crit) < 0)
			break;
		c->has_eku = 1;
		if (strcmp(oid, GNUTLS_KP_TLS_WWW_SERVER) == 0 ||
		    strcmp(oid, OID_ANY_EKU) == 0)
			c->eku_server = 1;
		if (strcmp(oid, GNUTLS_KP_TLS_WWW_CLIENT) == 0 ||
		    strcmp(oid, OID_ANY_EKU) == 0)
			c->eku_client = 1;
	}
}

static int
get_spki_hash(struct ep_cert *c)
{
	gnutls_pubkey_t	pub = NULL;
	gnutls_datum_t	der = { NULL, 0 };
	int		ret = -1;

	if (gnutls_pubkey_init(&pub) < 0 ||
	    gnutls_pubkey_import_x509(pub, CRT(c), 0) < 0 ||
	    gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &der) < 0 ||
	    gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size,
	    c->spki_sha256) < 0)
		goto out;
	ret = 0;
out:
	gnutls_free(der.data);
	gnutls_pubkey_deinit(pub);
	return ret;
}

/*
 * Subject equals issuer.  Not gnutls_x509_crt_check_issuer(): it also
 * compares key identifiers, and a renewed CA's stale authority key ID
 * must not hide that a certificate is self-issued.
 */
static int
same_dn(gnutls_x509_crt_t crt)
{
	gnutls_datum_t	subj = { NULL, 0 }, iss = { NULL, 0 };
	int		same = 0;

	if (gnutls_x509_crt_get_raw_dn(crt, &subj) >= 0 &&
	    gnutls_x509_crt_get_raw_issuer_dn(crt, &iss) >= 0)
		same = subj.size == iss.size &&
		    memcmp(subj.data, iss.data, subj.size) == 0;
	gnutls_free(subj.data);
	gnutls_free(iss.data);
	return same;
}

/*
 * Conformance: what the rules of src/judge/rules_conformance.c read, all
 * found by get_conformance().  A few need the DER itself (the signed part
 * and the key's bits), which GnuTLS does not hand out: der_next() reads
 * just enough of it, every length checked.
 */
#define DER_TAG_SEQUENCE	0x30
#define DER_TAG_BIT_STRING	0x03
#define DER_TAG_VERSION		0xa0	/* [0] EXPLICIT, in a TBSCertificate */
#define DER_TAG_LONG		0x1f	/* a tag of more than one octet */
#define DER_LENGTH_LONG		0x80	/* the length's octet count follows */
#define DER_LENGTH_OCTETS_MAX	4
#define OID_AD_OCSP		GNUTLS_OID_AD_OCSP
#define OID_AD_CA_ISSUERS	GNUTLS_OID_AD_CAISSUERS
#define SHA1_LEN		20
#define SHA256_LEN		32

/* One DER element. */
struct der {
	const unsigned char	*tlv;	/* the whole element */
	size_t			 tlvlen;
	unsigned		 tag;
	const unsigned char	*v;	/* its contents */
	size_t			 len;
};

/*
 * Reads the element at *p, of the *left bytes there, into e and moves
 * past it.  One-octet tags and definite lengths only, as in DER.  Returns
 * 0, or -1 when the element does not fit.
 */
static int
der_next(const unsigned char **p, size_t *left, struct der *e)
{
	const unsigned char	*q = *p;
	size_t			 hdr = 2, len, n, i;

	if (*left < 2 || (q[0] & DER_TAG_LONG) == DER_TAG_LONG)
		return -1;
	len = q[1];
	if (len & DER_LENGTH_LONG) {
		n = len & ~(size_t)DER_LENGTH_LONG;
		if (n == 0 || n > DER_LENGTH_OCTETS_MAX || *left - 2 < n)
			return -1;
		for (len = 0, i = 0; i < n; i++)
			len = len << 8 | q[2 + i];
		hdr += n;
	}
	if (len > *left - hdr)
		return -1;
	e->tlv = q;
	e->tlvlen = hdr + len;
	e->tag = q[0];
	e->v = q + hdr;
	e->len = len;
	*p += hdr + len;
	*left -= hdr + len;
	return 0;
}

/* The parts of a certificate that are hashed or verified here. */
struct cert_parts {
	struct der	tbs;	/* the signed TBSCertificate, whole */
	struct der	spki;	/* its SubjectPublicKeyInfo, whole */
	struct der	key;	/* the subjectPublicKey BIT STRING */
	struct der	sig;	/* the signatureValue BIT STRING */
};

/* Finds the parts of c's DER.  Returns 0, or -1 when it is not DER. */
static int
cert_parts(const struct ep_cert *c, struct cert_parts *cp)
{
	const unsigned char	*p = c->der;
	size_t			 left = c->der_len, i;
	struct der		 cert, alg, e;

	if (der_next(&p, &left, &cert) == -1 || cert.tag != DER_TAG_SEQUENCE)
		return -1;
	p = cert.v;
	left = cert.len;
	if (der_next(&p, &left, &cp->tbs) == -1 ||
	    der_next(&p, &left, &alg) == -1 ||
	    der_next(&p, &left, &cp->sig) == -1 ||
	    cp->sig.tag != DER_TAG_BIT_STRING || cp->sig.len < 1)
		return -1;
	p = cp->tbs.v;
	left = cp->tbs.len;
	if (der_next(&p, &left, &e) == -1 ||
	    (e.tag == DER_TAG_VERSION && der_next(&p, &left, &e) == -1))
		return -1;
	/* After the serial: signature, issuer, validity, subject, the key. */
	for (i = 0; i < 5; i++)
		if (der_next(&p, &left, &cp->spki) == -1)
			return -1;
	p = cp->spki.v;
	left = cp->spki.len;
	if (cp->spki.tag != DER_TAG_SEQUENCE ||
	    der_next(&p, &left, &alg) == -1 ||
	    der_next(&p, &left, &cp->key) == -1 ||
	    cp->key.tag != DER_TAG_BIT_STRING || cp->key.len < 1)
		return -1;
	return 0;
}

/* Writes n octets as hex with colons, cut beyond EP_CERT_KEYID_MAX. */
static void
key_id_hex(const unsigned char *id, size_t n, char *out, size_t outlen)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i, o = 0;

	for (i = 0; i < n && i < EP_CERT_KEYID_MAX && o + 4 < outlen; i++) {
		if (i > 0)
			out[o++] = ':';
		out[o++] = hex[id[i] >> 4];
		out[o++] = hex[id[i] & 0xf];
	}
	if (i < n && o + 4 <= outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/*
 * The serial's sign and length.  GnuTLS gives the INTEGER's contents as
 * they are: a first octet with its high bit set is a negative number.
 */
static void
get_serial_class(struct ep_cert *c)
{
	unsigned char	buf[256];
	size_t		size = sizeof(buf), i;
	int		r;

	c->serial_sign = 1;
	r = gnutls_x509_crt_get_serial(CRT(c), buf, &size);
	if (r == GNUTLS_E_SHORT_MEMORY_BUFFER) {
		c->serial_octets = size;	/* the size it would need */
		return;
	}
	if (r < 0 || size == 0)
		return;
	c->serial_octets = size;
	if (buf[0] & 0x80) {
		c->serial_sign = -1;
		return;
	}
	for (i = 0; i < size && buf[i] == 0; i++)
		;
	if (i == size)
		c->serial_sign = 0;
}

static void
get_usage(struct ep_cert *c)
{
	char		oid[128];
	size_t		size;
	unsigned	ku = 0, i, crit;

	if (gnutls_x509_crt_get_key_usage(CRT(c), &ku, &crit) >= 0)
		c->ku_cert_sign = (ku & GNUTLS_KEY_KEY_CERT_SIGN) != 0;
	for (i = 0; i < EP_EKU_MAX; i++) {
		size = sizeof(oid);
		if (gnutls_x509_crt_get_key_purpose_oid(CRT(c), i, oid, &size,
		    &crit) < 0)
			break;
		if (strcmp(oid, OID_ANY_EKU) == 0)
			c->eku_any = 1;
		if (strcmp(oid, GNUTLS_KP_TLS_WWW_SERVER) == 0)
			c->eku_server_listed = 1;
	}
}

/*
 * Whether id is one of the identifiers of c's key that CAs use: RFC 5280
 * 4.2.1.2's two methods, RFC 7093's first (SHA-256, cut to 160 bits) and
 * GnuTLS's own (SHA-1 of the whole SubjectPublicKeyInfo).
 */
static int
is_own_key_id(const struct cert_parts *cp, const unsigned char *id,
    size_t n)
{
	unsigned char		 sha1[SHA1_LEN], sha256[SHA256_LEN], m2[8];
	/* The key's bits follow the BIT STRING's unused-bits octet. */
	const unsigned char	*bits = cp->key.v + 1;
	size_t			 nbits = cp->key.len - 1;

	if (gnutls_hash_fast(GNUTLS_DIG_SHA1, bits, nbits, sha1) < 0 ||
	    gnutls_hash_fast(GNUTLS_DIG_SHA256, bits, nbits, sha256) < 0)
		return 1;	/* cannot tell: no finding */
	/* Method 2: 0100, then the least significant 60 bits of the SHA-1. */
	m2[0] = 0x40 | (sha1[12] & 0x0f);
	memcpy(m2 + 1, sha1 + 13, sizeof(m2) - 1);
	if ((n == SHA1_LEN && (memcmp(id, sha1, n) == 0 ||
	    memcmp(id, sha256, n) == 0)) ||
	    (n == sizeof(m2) && memcmp(id, m2, n) == 0))
		return 1;
	if (gnutls_hash_fast(GNUTLS_DIG_SHA1, cp->spki.tlv, cp->spki.tlvlen,
	    sha1) < 0)
		return 1;
	return n == SHA1_LEN && memcmp(id, sha1, n) == 0;
}

/*
 * Whether c's own key verifies its signature.  Not ep_cert_issued_by():
 * GnuTLS's issuer check also compares the AKI, and a root whose AKI names
 * another key is still signed by its own.
 */
static int
verify_own_signature(struct ep_cert *c, const struct cert_parts *cp)
{
	const unsigned		flags = GNUTLS_VERIFY_ALLOW_BROKEN |
				    GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1;
	gnutls_pubkey_t		pub = NULL;
	gnutls_datum_t		tbs, sig;
	int			ok;

	if (gnutls_pubkey_init(&pub) < 0)
		return -1;
	tbs.data = (unsigned char *)(uintptr_t)cp->tbs.tlv;
	tbs.size = (unsigned)cp->tbs.tlvlen;
	sig.data = (unsigned char *)(uintptr_t)(cp->sig.v + 1);
	sig.size = (unsigned)(cp->sig.len - 1);
	ok = gnutls_pubkey_import_x509(pub, CRT(c), 0) >= 0 &&
	    gnutls_pubkey_verify_data2(pub, c->sig_algo, flags, &tbs,
	    &sig) >= 0;
	gnutls_pubkey_deinit(pub);
	return ok;
}

/*
 * Reads c's AKI keyIdentifier and SKI into aki and ski (size 0: none;
 * free both with gnutls_free()) and notes which extensions exist.
 * Returns 0, or -1 when out of memory.
 */
static int
read_key_ids(struct ep_cert *c, gnutls_datum_t *aki, gnutls_datum_t *ski)
{
	gnutls_datum_t		ext = { NULL, 0 }, id;
	gnutls_x509_aki_t	a = NULL;
	unsigned		crit;
	int			ret = 0;

	if (gnutls_x509_crt_get_extension_by_oid2(CRT(c),
	    GNUTLS_X509EXT_OID_SUBJECT_KEY_ID, 0, &ext, &crit) >= 0) {
		c->has_ski = 1;
		if (gnutls_x509_ext_import_subject_key_id(&ext, ski) < 0)
			ski->size = 0;
		gnutls_free(ext.data);
		ext.data = NULL;
	}
	if (gnutls_x509_crt_get_extension_by_oid2(CRT(c),
	    GNUTLS_X509EXT_OID_AUTHORITY_KEY_ID, 0, &ext, &crit) < 0)
		return 0;
	c->has_aki = 1;
	if (gnutls_x509_aki_init(&a) < 0)
		ret = -1;
	else if (gnutls_x509_ext_import_authority_key_id(&ext, a, 0) >= 0 &&
	    gnutls_x509_aki_get_id(a, &id) >= 0 && id.size > 0) {
		/* The ID lives in a: copy it out. */
		if ((aki->data = gnutls_malloc(id.size)) == NULL)
			ret = -1;
		else {
			memcpy(aki->data, id.data, id.size);
			aki->size = id.size;
		}
	}
	gnutls_x509_aki_deinit(a);
	gnutls_free(ext.data);
	return ret;
}

/*
 * Key identifiers: which exist, what the AKI names, and whether a
 * certificate signed by its own key names another key in its AKI.
 * Returns 0, or -1 when out of memory.
 */
static int
get_key_ids(struct ep_cert *c)
{
	gnutls_datum_t		aki = { NULL, 0 }, ski = { NULL, 0 };
	unsigned char		sha1[SHA1_LEN];
	struct cert_parts	cp;
	int			ret = -1, r;

	if (read_key_ids(c, &aki, &ski) == -1)
		goto out;
	key_id_hex(aki.data, aki.size, c->aki_id, sizeof(c->aki_id));
	ret = 0;
	if (cert_parts(c, &cp) == -1)
		goto out;	/* GnuTLS parsed it: not to happen */
	if (ski.size > 0)
		key_id_hex(ski.data, ski.size, c->own_id, sizeof(c->own_id));
	else if (gnutls_hash_fast(GNUTLS_DIG_SHA1, cp.key.v + 1,
	    cp.key.len - 1, sha1) >= 0)
		key_id_hex(sha1, sizeof(sha1), c->own_id, sizeof(c->own_id));
	if (c->self_signed)
		c->signed_by_own_key = 1;
	else if (c->self_issued) {
		if ((r = verify_own_signature(c, &cp)) == -1) {
			ret = -1;
			goto out;
		}
		c->signed_by_own_key = r;
	}
	if (c->signed_by_own_key && aki.size > 0)
		c->aki_other_key = ski.size > 0 ? aki.size != ski.size ||
		    memcmp(aki.data, ski.data, aki.size) != 0 :
		    !is_own_key_id(&cp, aki.data, aki.size);
out:
	gnutls_free(aki.data);
	gnutls_free(ski.data);
	return ret;
}

/*
 * Whether a location of an OCSP responder (http only) or of the issuer's
 * certificate (http, or ldap as Active Directory CAs publish) is a URI
 * of the expected form: the scheme, and printable characters after it.
 */
static int
aia_location_ok(int ca_issuers, unsigned type, const gnutls_datum_t *loc)
{
	size_t	i, skip;

	if (type != GNUTLS_SAN_URI)
		return 0;
	if (loc->size > 7 && strncasecmp((const char *)loc->data, "http://",
	    7) == 0 && loc->data[7] != '/')
		skip = 7;
	else if (ca_issuers && loc->size >= 7 &&
	    strncasecmp((const char *)loc->data, "ldap://", 7) == 0)
		skip = 7;
	else
		return 0;
	for (i = skip; i < loc->size; i++)
		if (loc->data[i] <= ' ' || loc->data[i] > '~')
			return 0;
	return 1;
}

/*
 * Says where an access location is, for a message: "caIssuers location
 * <URI>", cut to fit EP_CERT_AIA_MAX.
 */
static void
aia_describe(int ca_issuers, unsigned type, const gnutls_datum_t *loc,
    char *out, size_t outlen)
{
	char	text[EP_CERT_AIA_MAX - 32];
	size_t	i, n = loc->size < sizeof(text) - 1 ? loc->size :
		    sizeof(text) - 1;

	/* Only printable ASCII reaches a report. */
	for (i = 0; i < n; i++)
		text[i] = loc->data[i] > ' ' && loc->data[i] <= '~' ?
		    (char)loc->data[i] : '?';
	text[n] = '\0';
	if (type == GNUTLS_SAN_URI)
		snprintf(out, outlen, "%s location %s", ca_issuers ?
		    "caIssuers" : "OCSP", text);
	else
		snprintf(out, outlen, "%s location of name type %u, not a URI",
		    ca_issuers ? "caIssuers" : "OCSP", type);
}

/* Whether an OID datum from GnuTLS is oid (it may count a final NUL). */
static int
oid_is(const gnutls_datum_t *d, const char *oid)
{
	size_t	n = d->size;

	if (n > 0 && d->data[n - 1] == '\0')
		n--;
	return n == strlen(oid) && memcmp(d->data, oid, n) == 0;
}

/*
 * Keeps a URI of type type (printable ASCII, shorter than
 * EP_CERT_URL_MAX bytes) of c in v, unless v holds EP_CERT_URLS_MAX
 * already; one past either limit is counted in urls_left_out.  Returns 0,
 * or -1 when out of memory.
 */
static int
keep_url(struct ep_cert *c, char **v, size_t *n, unsigned type,
    const gnutls_datum_t *loc)
{
	size_t	i;

	if (type != GNUTLS_SAN_URI || loc->size == 0)
		return 0;
	for (i = 0; i < loc->size; i++)
		if (loc->data[i] <= ' ' || loc->data[i] > '~')
			return 0;
	if (*n == EP_CERT_URLS_MAX || loc->size >= EP_CERT_URL_MAX) {
		c->urls_left_out++;
		return 0;
	}
	if ((v[*n] = malloc(loc->size + 1)) == NULL)
		return -1;
	memcpy(v[*n], loc->data, loc->size);
	v[(*n)++][loc->size] = '\0';
	return 0;
}

/* The CRL distribution points' URIs. */
static int
get_crl_urls(struct ep_cert *c)
{
	char		 buf[EP_CERT_URL_MAX];
	gnutls_datum_t	 loc;
	size_t		 size;
	unsigned	 i, crit;
	int		 r;

	for (i = 0;; i++) {
		size = sizeof(buf);
		r = gnutls_x509_crt_get_crl_dist_points(CRT(c), i, buf, &size,
		    NULL, &crit);
		if (r == GNUTLS_E_SHORT_MEMORY_BUFFER) {
			c->urls_left_out++;	/* too long to keep */
			continue;
		}
		if (r < 0)
			return 0;
		loc.data = (unsigned char *)buf;
		loc.size = (unsigned)size;
		if (keep_url(c, c->crl_urls, &c->ncrl_urls, (unsigned)r,
		    &loc) == -1)
			return -1;
	}
}

/* RFC 7633's TLS feature extension asking for status_request. */
static void
get_must_staple(struct ep_cert *c)
{
	gnutls_x509_tlsfeatures_t	f;
	unsigned			i, feature, crit;

	if (gnutls_x509_tlsfeatures_init(&f) < 0)
		return;
	if (gnutls_x509_crt_get_tlsfeatures(CRT(c), f, 0, &crit) >= 0)
		for (i = 0; gnutls_x509_tlsfeatures_get(f, i, &feature) >= 0;
		    i++)
			if (feature == 5)
				c->must_staple = 1;
	gnutls_x509_tlsfeatures_deinit(f);
}

static int
get_aia(struct ep_cert *c)
{
	gnutls_datum_t		ext = { NULL, 0 }, oid, loc;
	gnutls_x509_aia_t	aia = NULL;
	unsigned		i, type, crit;
	int			r, ca_issuers;

	if (gnutls_x509_crt_get_extension_by_oid2(CRT(c),
	    GNUTLS_X509EXT_OID_AUTHORITY_INFO_ACCESS, 0, &ext, &crit) < 0)
		return 0;
	if (gnutls_x509_aia_init(&aia) < 0) {
		gnutls_free(ext.data);
		return -1;
	}
	c->aia = EP_AIA_MALFORMED;
	if (gnutls_x509_ext_import_aia(&ext, aia, 0) < 0)
		goto out;
	for (i = 0;; i++) {
		r = gnutls_x509_aia_get(aia, i, &oid, &type, &loc);
		if (r == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (r < 0)
			goto out;
		ca_issuers = oid_is(&oid, OID_AD_CA_ISSUERS);
		if ((ca_issuers && keep_url(c, c->issuer_urls, &c->nissuer_urls,
		    type, &loc) == -1) || (oid_is(&oid, OID_AD_OCSP) &&
		    keep_url(c, c->ocsp_urls, &c->nocsp_urls, type, &loc) ==
		    -1)) {
			gnutls_x509_aia_deinit(aia);
			gnutls_free(ext.data);
			return -1;
		}
		if ((ca_issuers || oid_is(&oid, OID_AD_OCSP)) &&
		    c->aia != EP_AIA_BAD_LOCATION &&
		    !aia_location_ok(ca_issuers, type, &loc)) {
			c->aia = EP_AIA_BAD_LOCATION;
			aia_describe(ca_issuers, type, &loc, c->aia_where,
			    sizeof(c->aia_where));
		}
	}
	/* AuthorityInfoAccessSyntax is a SEQUENCE SIZE (1..MAX). */
	if (i > 0 && c->aia != EP_AIA_BAD_LOCATION)
		c->aia = EP_AIA_OK;
out:
	gnutls_x509_aia_deinit(aia);
	gnutls_free(ext.data);
	return 0;
}

/* Name constraints: present, and empty (neither subtree list holds one). */
static int
get_name_constraints(struct ep_cert *c)
{
	gnutls_x509_name_constraints_t	nc = NULL;
	gnutls_datum_t			ext = { NULL, 0 }, name;
	unsigned			crit, type;

	if (gnutls_x509_crt_get_extension_by_oid2(CRT(c),
	    GNUTLS_X509EXT_OID_NAME_CONSTRAINTS, 0, &ext, &crit) < 0)
		return 0;
	gnutls_free(ext.data);
	c->has_name_constraints = 1;
	if (gnutls_x509_name_constraints_init(&nc) < 0)
		return -1;
	/* One that does not parse is not judged empty. */
	if (gnutls_x509_crt_get_name_constraints(CRT(c), nc, 0, &crit) >= 0)
		c->name_constraints_empty =
		    gnutls_x509_name_constraints_get_permitted(nc, 0, &type,
		    &name) == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE &&
		    gnutls_x509_name_constraints_get_excluded(nc, 0, &type,
		    &name) == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE;
	gnutls_x509_name_constraints_deinit(nc);
	return 0;
}

static void
get_san_criticality(struct ep_cert *c)
{
	gnutls_datum_t	ext = { NULL, 0 }, dn = { NULL, 0 };
	unsigned	crit = 0;

	if (gnutls_x509_crt_get_extension_by_oid2(CRT(c),
	    GNUTLS_X509EXT_OID_SAN, 0, &ext, &crit) >= 0)
		c->san_critical = crit != 0;
	gnutls_free(ext.data);
	/* An empty Name is the two octets of an empty SEQUENCE. */
	if (gnutls_x509_crt_get_raw_dn(CRT(c), &dn) >= 0)
		c->subject_empty = dn.size <= 2;
	gnutls_free(dn.data);
}

/*
 * Fills what the conformance rules read (see ep_cert.h).  Returns 0, or
 * -1 with a reason in err when out of memory.
 */
static int
get_conformance(struct ep_cert *c, char *err, size_t errlen)
{
	get_serial_class(c);
	get_usage(c);
	get_san_criticality(c);
	get_must_staple(c);
	if (get_key_ids(c) == -1 || get_aia(c) == -1 ||
	    get_name_constraints(c) == -1 || get_crl_urls(c) == -1) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	return 0;
}

int
ep_cert_parse(const unsigned char *der, size_t len, struct ep_cert **out,
    char *err, size_t errlen)
{
	struct ep_cert	*c;
	gnutls_datum_t	 d;
	unsigned	 crit, ca, bits = 0;
	int		 pathlen, r;
	char		 buf[8];
	size_t		 size;

	*out = NULL;
	if (len == 0) {
		snprintf(err, errlen, "an empty certificate");
		return -1;
	}
	if (len > EP_CERT_DER_MAX) {
		snprintf(err, errlen, "a certificate of %zu bytes, over the "
		    "limit of %d", len, EP_CERT_DER_MAX);
		return -1;
	}
	if ((c = calloc(1, sizeof(struct cert))) == NULL ||
	    (c->der = malloc(len)) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		goto fail;
	}
	memcpy(c->der, der, len);
	c->der_len = len;
	d.data = c->der;
	d.size = (unsigned)len;
	if (gnutls_x509_crt_init(&CRT(c)) < 0) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		goto fail;
	}
	if ((r = gnutls_x509_crt_import(CRT(c), &d, GNUTLS_X509_FMT_DER)) < 0) {
		snprintf(err, errlen, "unparseable certificate: %s",
		    gnutls_strerror(r));
		gnutls_x509_crt_deinit(CRT(c));
		CRT(c) = NULL;
		goto fail;
	}
	get_dns(CRT(c), 0, c->subject, sizeof(c->subject));
	get_dns(CRT(c), 1, c->issuer, sizeof(c->issuer));
	if (get_cn(CRT(c), 0, c->cn, &c->cn_len) == -1 ||
	    get_cn(CRT(c), 1, c->issuer_cn, &c->issuer_cn_len) == -1) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		goto fail;
	}
	get_serial(c);
	if (get_sans(c, err, errlen) == -1)
		goto fail;
	c->not_before = gnutls_x509_crt_get_activation_time(CRT(c));
	c->not_after = gnutls_x509_crt_get_expiration_time(CRT(c));
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, der, len, c->sha256) < 0 ||
	    get_spki_hash(c) == -1) {
		snprintf(err, errlen, "cannot hash the certificate or its key");
		goto fail;
	}
	if (gnutls_x509_crt_get_basic_constraints(CRT(c), &crit, &ca,
	    &pathlen) >= 0)
		c->is_ca = ca != 0;
	c->self_issued = same_dn(CRT(c));
	c->self_signed = c->self_issued && ep_cert_issued_by(c, c);
	get_eku(c);
	c->key_algo = gnutls_x509_crt_get_pk_algorithm(CRT(c), &bits);
	c->key_bits = bits;
	c->sig_algo = gnutls_x509_crt_get_signature_algorithm(CRT(c));
	size = sizeof(buf);
	r = gnutls_x509_crt_get_crl_dist_points(CRT(c), 0, buf, &size, NULL,
	    &crit);
	c->has_crl_dp = r >= 0 || r == GNUTLS_E_SHORT_MEMORY_BUFFER;
	if (get_conformance(c, err, errlen) == -1)
		goto fail;
	*out = c;
	return 0;
fail:
	ep_cert_free(c);
	return -1;
}

void
ep_cert_free(struct ep_cert *c)
{
	size_t	i;

	if (c == NULL)
		return;
	if (c->sans != NULL)
		for (i = 0; i < c->nsans; i++)
			free(c->sans[i].value);
	free(c->sans);
	for (i = 0; i < c->ncrl_urls; i++)
		free(c->crl_urls[i]);
	for (i = 0; i < c->nocsp_urls; i++)
		free(c->ocsp_urls[i]);
	for (i = 0; i < c->nissuer_urls; i++)
		free(c->issuer_urls[i]);
	if (CRT(c) != NULL)
		gnutls_x509_crt_deinit(CRT(c));
	free(c->der);
	free(c);
}

/*
 * The length of the DER element at der (len bytes): its header and
 * value together.  Returns 0, or -1 when it does not fit.
 */
static int
der_span(const unsigned char *der, size_t len, size_t *span)
{
	size_t	n, i, v = 0;

	if (len < 2)
		return -1;
	if (!(der[1] & 0x80)) {
		v = der[1];
		n = 0;
	} else {
		n = der[1] & 0x7f;
		if (n == 0 || n > sizeof(size_t) - 1 || len < 2 + n)
			return -1;
		for (i = 0; i < n; i++)
			v = v << 8 | der[2 + i];
	}
	if (v > len - 2 - n)
		return -1;
	*span = 2 + n + v;
	return 0;
}

/*
 * The subject's signature checked with the issuer's key alone, over the
 * TBSCertificate (the first element inside the outer SEQUENCE).
 */
static int
signature_ok(const struct ep_cert *subject, const struct ep_cert *issuer)
{
	const unsigned char	*der = subject->der;
	unsigned char		 sig[2048];
	gnutls_datum_t		 tbs, sd;
	size_t			 outer, hdr, span, size = sizeof(sig);
	int			 algo, r;

	if (der_span(der, subject->der_len, &outer) == -1 || der[0] != 0x30)
		return 0;
	hdr = der[1] & 0x80 ? 2 + (size_t)(der[1] & 0x7f) : 2;
	if (der_span(der + hdr, outer - hdr, &span) == -1)
		return 0;
	tbs.data = (unsigned char *)(uintptr_t)(der + hdr);
	tbs.size = (unsigned)span;
	if (gnutls_x509_crt_get_signature(ep_cert_crt(subject), (char *)sig,
	    &size) < 0)
		return 0;
	sd.data = sig;
	sd.size = (unsigned)size;
	algo = gnutls_x509_crt_get_signature_algorithm(ep_cert_crt(subject));
	r = gnutls_x509_crt_verify_data2(ep_cert_crt(issuer),
	    (gnutls_sign_algorithm_t)algo, GNUTLS_VERIFY_ALLOW_BROKEN |
	    GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1, &tbs, &sd);
	/* It checks the issuer's dates after the signature: not its job here. */
	return r >= 0 || r == GNUTLS_E_EXPIRED || r == GNUTLS_E_NOT_YET_ACTIVATED;
}

/* The subject's issuer name is the issuer's subject name, byte for byte. */
static int
names_chain(const struct ep_cert *subject, const struct ep_cert *issuer)
{
	gnutls_datum_t	a = { NULL, 0 }, b = { NULL, 0 };
	int		same = 0;

	if (gnutls_x509_crt_get_raw_issuer_dn(ep_cert_crt(subject), &a) >= 0 &&
	    gnutls_x509_crt_get_raw_dn(ep_cert_crt(issuer), &b) >= 0)
		same = a.size == b.size && memcmp(a.data, b.data, a.size) == 0;
	gnutls_free(a.data);
	gnutls_free(b.data);
	return same;
}

int
ep_cert_issued_by(const struct ep_cert *subject, const struct ep_cert *issuer)
{
	/*
	 * Only the signature and the names: CA flags, dates, algorithm
	 * strength, key identifiers and name constraints are judged by
	 * their own checks, so that each problem is named once.
	 */
	const unsigned	flags = GNUTLS_VERIFY_DISABLE_CA_SIGN |
			    GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
			    GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |
			    GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1 |
			    GNUTLS_VERIFY_ALLOW_BROKEN;
	gnutls_x509_crt_t	ca = ep_cert_crt(issuer);
	unsigned		status = 0;

	if (ca == NULL || ep_cert_crt(subject) == NULL ||
	    !names_chain(subject, issuer))
		return 0;
	/* GnuTLS trusts a certificate found in the CA list as it is. */
	if (subject != issuer && memcmp(subject->sha256, issuer->sha256,
	    32) != 0 && gnutls_x509_crt_verify(ep_cert_crt(subject), &ca, 1,
	    flags, &status) >= 0 && status == 0)
		return 1;
	/*
	 * GnuTLS also refuses a subject outside the issuer's name
	 * constraints, or whose key identifiers do not match: the signature
	 * alone decides here.
	 */
	return signature_ok(subject, issuer);
}

int
ep_cert_pem_append(const struct ep_cert *c, char **buf, size_t *len)
{
	gnutls_datum_t	 der = { c->der, (unsigned)c->der_len }, pem;
	char		*p;

	if (gnutls_pem_base64_encode2("CERTIFICATE", &der, &pem) < 0)
		return -1;
	if ((p = realloc(*buf, *len + pem.size + 1)) == NULL) {
		gnutls_free(pem.data);
		return -1;
	}
	memcpy(p + *len, pem.data, pem.size);
	*len += pem.size;
	p[*len] = '\0';
	*buf = p;
	gnutls_free(pem.data);
	return 0;
}

void
ep_cert_hex(const unsigned char sha[32], char *out, size_t outlen)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i, o = 0;

	for (i = 0; i < 32 && o + 3 < outlen; i++) {
		if (i > 0)
			out[o++] = ':';
		out[o++] = hex[sha[i] >> 4];
		out[o++] = hex[sha[i] & 0xf];
	}
	if (outlen > 0)
		out[o < outlen ? o : outlen - 1] = '\0';
}

void
ep_cert_key_desc(const struct ep_cert *c, char *out, size_t outlen)
{
	const char	*name;

	switch (c->key_algo) {
	case GNUTLS_PK_RSA:
		name = "RSA";
		break;
	case GNUTLS_PK_RSA_PSS:
		name = "RSA-PSS";
		break;
	case GNUTLS_PK_ECDSA:
		name = "EC";
		break;
	case GNUTLS_PK_EDDSA_ED25519:
	case GNUTLS_PK_EDDSA_ED448:
		name = "EdDSA";
		break;
	default:
		name = gnutls_pk_algorithm_get_name(c->key_algo);
		if (name == NULL)
			name = "unknown";
		break;
	}
	snprintf(out, outlen, "%s %u", name, c->key_bits);
}

/*
 * The store finds a certificate by its SHA-256 in an open-addressing
 * table, so that thousands of distinct certificates cost no quadratic
 * scan.  The digest is uniform already: its first bytes are the hash.
 */
#define EP_CERTS_SLOTS_MIN	64	/* first table size, a power of two */

struct ep_certs {
	struct ep_cert	**v;
	size_t		  n;
	size_t		  cap;
	size_t		 *slots;	/* index + 1 into v; 0: empty */
	size_t		  nslots;	/* a power of two, at least 2 n */
};

struct ep_certs *
ep_certs_new(void)
{
	return calloc(1, sizeof(struct ep_certs));
}

void
ep_certs_free(struct ep_certs *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		ep_cert_free(s->v[i]);
	free(s->v);
	free(s->slots);
	free(s);
}

static size_t
slot_of(const unsigned char sha[32], size_t nslots)
{
	size_t	h;

	memcpy(&h, sha, sizeof(h));
	return h & (nslots - 1);
}

/* Returns the slot holding sha, or the empty slot where it would go. */
static size_t
find_slot(const struct ep_certs *s, const unsigned char sha[32])
{
	size_t	i = slot_of(sha, s->nslots);

	while (s->slots[i] != 0 &&
	    memcmp(s->v[s->slots[i] - 1]->sha256, sha, 32) != 0)
		i = (i + 1) & (s->nslots - 1);
	return i;
}

/* Doubles the table (or makes the first) and puts every index back. */
static int
grow_slots(struct ep_certs *s)
{
	size_t	*old = s->slots, oldn = s->nslots, i;

	s->nslots = oldn ? oldn * 2 : EP_CERTS_SLOTS_MIN;
	if ((s->slots = calloc(s->nslots, sizeof(*s->slots))) == NULL) {
		s->slots = old;
		s->nslots = oldn;
		return -1;
	}
	for (i = 0; i < oldn; i++)
		if (old[i] != 0)
			s->slots[find_slot(s, s->v[old[i] - 1]->sha256)] =
			    old[i];
	free(old);
	return 0;
}

/*
 * What was presented but does not parse: its bytes and their hash, and
 * the parser's reason, every other field zero.
 */
static int
malformed(const unsigned char *der, size_t len, const char *why,
    struct ep_cert **out, char *err, size_t errlen)
{
	struct ep_cert	*c;

	if ((c = calloc(1, sizeof(struct cert))) == NULL ||
	    (c->der = malloc(len ? len : 1)) == NULL) {
		free(c);
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	memcpy(c->der, der, len);
	c->der_len = len;
	c->over_limit = len > EP_CERT_DER_MAX;
	snprintf(c->malformed, sizeof(c->malformed), "%s", why);
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, der, len, c->sha256) < 0) {
		ep_cert_free(c);
		snprintf(err, errlen, "cannot hash certificate");
		return -1;
	}
	*out = c;
	return 0;
}

static int store(struct ep_certs *s, const unsigned char *der, size_t len,
    int any, const char *stub, size_t *index, char *err, size_t errlen);

/* Parses and keeps der; with any, keeps it malformed if it does not parse. */
static int
add(struct ep_certs *s, const unsigned char *der, size_t len, int any,
    size_t *index, char *err, size_t errlen)
{
	return store(s, der, len, any, NULL, index, err, errlen);
}

/* Keeps bytes that are not DER at all as a malformed certificate. */
static int
add_stub(struct ep_certs *s, const unsigned char *bytes, size_t len,
    const char *why, size_t *index, char *err, size_t errlen)
{
	return store(s, bytes, len, 1, why, index, err, errlen);
}

int
ep_certs_add(struct ep_certs *s, const unsigned char *der, size_t len,
    size_t *index, char *err, size_t errlen)
{
	return add(s, der, len, 0, index, err, errlen);
}

int
ep_certs_add_any(struct ep_certs *s, const unsigned char *der, size_t len,
    size_t *index, char *err, size_t errlen)
{
	return add(s, der, len, 1, index, err, errlen);
}

/*
 * Adds der to the store, or finds it there: parsed, or, with any, kept
 * malformed when it does not parse; stub, when not NULL, is why it is
 * malformed without parsing it.
 */
static int
store(struct ep_certs *s, const unsigned char *der, size_t len, int any,
    const char *stub, size_t *index, char *err, size_t errlen)
{
	struct ep_cert	 *c, **nv;
	unsigned char	  sha[32];
	size_t		  slot;
	char		  why[256];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, der, len, sha) < 0) {
		snprintf(err, errlen, "cannot hash certificate");
		return -1;
	}
	if (s->nslots > 0) {
		slot = find_slot(s, sha);
		if (s->slots[slot] != 0) {
			*index = s->slots[slot] - 1;
			return 0;
		}
	}
	if (s->n >= EP_CERTS_MAX) {
		snprintf(err, errlen, "more than %d distinct certificates",
		    EP_CERTS_MAX);
		return -1;
	}
	if (s->n == s->cap) {
		size_t	ncap = s->cap ? s->cap * 2 : 16;

		if ((nv = reallocarray(s->v, ncap, sizeof(*nv))) == NULL) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			return -1;
		}
		s->v = nv;
		s->cap = ncap;
	}
	/* At most half full, so that probing stays short. */
	if ((s->n + 1) * 2 > s->nslots && grow_slots(s) == -1) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	if (stub != NULL)
		snprintf(why, sizeof(why), "%s", stub);
	if (stub != NULL || ep_cert_parse(der, len, &c, why,
	    sizeof(why)) == -1) {
		if (!any) {
			snprintf(err, errlen, "%s", why);
			return -1;
		}
		if (malformed(der, len, why, &c, err, errlen) == -1)
			return -1;
	}
	s->v[s->n] = c;
	s->slots[find_slot(s, c->sha256)] = s->n + 1;
	*index = s->n++;
	return 0;
}

const struct ep_cert *
ep_certs_get(const struct ep_certs *s, size_t i)
{
	return s->v[i];
}

size_t
ep_certs_count(const struct ep_certs *s)
{
	return s->n;
}

int
ep_cert_key_id(const struct ep_cert *c, unsigned char *id, size_t *len)
{
	return gnutls_x509_crt_get_key_id(ep_cert_crt(c),
	    GNUTLS_KEYID_USE_SHA256, id, len) < 0 ? -1 : 0;
}

/* The first n bytes of needle in hay (len bytes), which may hold NULs. */
static const char *
find(const char *hay, size_t len, const char *needle)
{
	size_t	n = strlen(needle), i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

/* The PEM labels of a certificate, as GnuTLS's list import takes them. */
static const char *const pem_labels[] = { "CERTIFICATE", "X509 CERTIFICATE" };

/*
 * The next PEM certificate block of text[0 .. len) from *at: sets *label,
 * *begin and *end (past its END line, or len for a block cut short, when
 * *cut is set) and moves *at past it.  Returns 1, or 0 when there is none.
 */
static int
next_pem(const char *text, size_t len, size_t *at, const char **label,
    size_t *begin, size_t *end, int *cut)
{
	char		 line[64];
	const char	*p;
	size_t		 i, rest;

	for (;;) {
		rest = len - *at;
		if ((p = find(text + *at, rest, "-----BEGIN ")) == NULL)
			return 0;
		*begin = (size_t)(p - text);
		*at = *begin + 11;
		for (i = 0; i < sizeof(pem_labels) / sizeof(pem_labels[0]); i++) {
			snprintf(line, sizeof(line), "-----BEGIN %s-----",
			    pem_labels[i]);
			if (len - *begin >= strlen(line) &&
			    memcmp(text + *begin, line, strlen(line)) == 0)
				break;
		}
		if (i == sizeof(pem_labels) / sizeof(pem_labels[0]))
			continue;	/* a key, a request: not ours */
		*label = pem_labels[i];
		snprintf(line, sizeof(line), "-----END %s-----", *label);
		p = find(text + *at, len - *at, line);
		*cut = p == NULL;
		*end = p == NULL ? len : (size_t)(p - text) + strlen(line);
		*at = *end;
		return 1;
	}
}

/*
 * Adds one PEM block: decoded and parsed, or, with any, kept as
 * malformed when it is cut short or not base64.  Returns 0, or -1.
 */
static int
add_pem(struct ep_certs *s, const char *label, const char *block,
    size_t len, int cut, int any, size_t *idx, char *err, size_t errlen)
{
	gnutls_datum_t	in = { (unsigned char *)(uintptr_t)block,
			    (unsigned)len }, der = { NULL, 0 };
	char		why[256];
	int		r;

	if (cut)
		snprintf(why, sizeof(why), "a PEM block cut short: no END "
		    "line");
	else if ((r = gnutls_pem_base64_decode2(label, &in, &der)) < 0)
		snprintf(why, sizeof(why), "a PEM block that does not decode: "
		    "%s", gnutls_strerror(r));
	else {
		r = add(s, der.data, der.size, any, idx, err, errlen);
		gnutls_free(der.data);
		return r;
	}
	if (!any) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	/* No DER to keep: the block itself stands for what was sent. */
	return add_stub(s, (const unsigned char *)block, len, why, idx, err,
	    errlen);
}

/*
 * Forgets the certificates added after the first n: a file refused
 * leaves the store as it was.
 */
static void
truncate_store(struct ep_certs *s, size_t n)
{
	size_t	i;

	if (s->n <= n)
		return;
	for (i = n; i < s->n; i++)
		ep_cert_free(s->v[i]);
	s->n = n;
	memset(s->slots, 0, s->nslots * sizeof(*s->slots));
	for (i = 0; i < n; i++)
		s->slots[find_slot(s, s->v[i]->sha256)] = i + 1;
}

/*
 * A file's certificate kept unparsed for its size: the file is refused,
 * as any file past a limit is, rather than judged in part.
 */
static int
over_limit(const struct ep_certs *s, size_t i, char *why, size_t whylen)
{
	if (!s->v[i]->over_limit)
		return 0;
	snprintf(why, whylen, "%s", s->v[i]->malformed);
	return 1;
}

static int
load_file(struct ep_certs *s, const char *path, size_t *idx, size_t max,
    int any, char *err, size_t errlen)
{
	size_t		 before = s->n;
	const char	*label;
	char		*text, why[256];
	size_t		 len, at = 0, begin, end, n = 0;
	int		 ret = -1, cut;

	if (ep_file_read(path, EP_CERT_FILE_MAX, &text, &len, err,
	    errlen) == -1)
		return -1;
	while (next_pem(text, len, &at, &label, &begin, &end, &cut)) {
		if (n == max) {
			snprintf(err, errlen, "%s: more than %zu certificates",
			    path, max);
			goto out;
		}
		if (add_pem(s, label, text + begin, end - begin, cut, any,
		    &idx[n], why, sizeof(why)) == -1 ||
		    over_limit(s, idx[n], why, sizeof(why))) {
			snprintf(err, errlen, "%s: certificate %zu: %s", path,
			    n + 1, why);
			goto out;
		}
		n++;
	}
	/* No PEM certificate: one DER certificate, if it looks like one. */
	if (n == 0 && len > 0 && (unsigned char)text[0] == DER_SEQUENCE &&
	    find(text, len, "-----BEGIN ") == NULL) {
		if (add(s, (unsigned char *)text, len, any, &idx[0], why,
		    sizeof(why)) == -1 ||
		    over_limit(s, idx[0], why, sizeof(why))) {
			snprintf(err, errlen, "%s: %s", path, why);
			goto out;
		}
		n = 1;
	}
	if (n == 0) {
		snprintf(err, errlen, "%s: no certificate in it", path);
		goto out;
	}
	ret = (int)n;
out:
	if (ret == -1)
		truncate_store(s, before);
	free(text);
	return ret;
}

int
ep_certs_load_file(struct ep_certs *s, const char *path, size_t *idx,
    size_t max, char *err, size_t errlen)
{
	return load_file(s, path, idx, max, 0, err, errlen);
}

int
ep_certs_load_file_any(struct ep_certs *s, const char *path, size_t *idx,
    size_t max, char *err, size_t errlen)
{
	return load_file(s, path, idx, max, 1, err, errlen);
}
