/*
 * Certificates: GnuTLS parses, this module copies out with bounds what the
 * rules and reports need, and keeps each distinct certificate once.
 */

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The parse of c, which a struct cert holds: writable in this file. */
#define CRT(c)	(((struct cert *)(void *)(c))->crt)

gnutls_x509_crt_t
ep_cert_crt(const struct ep_cert *c)
{
	return ((const struct cert *)(const void *)c)->crt;
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

/*
 * The last CN of the subject (or issuer) is the most specific one, the
 * one clients used to look at.
 */
static void
get_cn(gnutls_x509_crt_t crt, int issuer, char *cn, size_t *cn_len)
{
	char	buf[EP_CERT_CN_MAX];
	size_t	size;
	int	i, r;

	cn[0] = '\0';
	*cn_len = 0;
	for (i = 0; i < 16; i++) {
		size = sizeof(buf);
		r = issuer ? gnutls_x509_crt_get_issuer_dn_by_oid(crt,
		    GNUTLS_OID_X520_COMMON_NAME, (unsigned)i, 0, buf, &size) :
		    gnutls_x509_crt_get_dn_by_oid(crt,
		    GNUTLS_OID_X520_COMMON_NAME, (unsigned)i, 0, buf, &size);
		if (r < 0)
			break;
		if (size >= EP_CERT_CN_MAX)
			size = EP_CERT_CN_MAX - 1;
		memcpy(cn, buf, size);
		cn[size] = '\0';
		*cn_len = size;
	}
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
	for (i = 0; i < EP_CERT_SAN_MAX; i++) {
		gnutls_datum_t	 san, other;
		struct ep_san	*s;

		if (gnutls_subject_alt_names_get(sans, i, &type, &san, &other) < 0)
			break;
		if (type != GNUTLS_SAN_DNSNAME && type != GNUTLS_SAN_IPADDRESS)
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
	if (len == 0 || len > EP_CERT_DER_MAX) {
		snprintf(err, errlen, "certificate of %zu bytes (limit %d)", len,
		    EP_CERT_DER_MAX);
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
	get_cn(CRT(c), 0, c->cn, &c->cn_len);
	get_cn(CRT(c), 1, c->issuer_cn, &c->issuer_cn_len);
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
		    &idx[n], why, sizeof(why)) == -1) {
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
		    sizeof(why)) == -1) {
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
