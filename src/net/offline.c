/*
 * Offline inputs: a chain file, a PKCS#12 (PFX) file or a certificate
 * request becomes observations that the rules judge like a handshake's,
 * with no network.  GnuTLS parses; this module picks the leaf, tells
 * whether the key belongs to it, and dresses a request up as a stand-in
 * certificate.  Every file is hostile until parsed: sizes, bags, keys and
 * key-derivation work are bounded.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>

#include "input/ep_file.h"
#include "net/ep_offline.h"
#include "x509/ep_trust.h"

#define EP_KEY_ID_MAX		64	/* bytes of a key ID (SHA-256: 32) */

/* The few DER tags and bits a PFX's MAC is found by. */
#define DER_INTEGER		0x02
#define DER_OCTET_STRING	0x04
#define DER_SEQUENCE		0x30	/* also how a DER file starts */
#define DER_TAG_MASK		0x1f	/* all ones: a multi-byte tag */
#define DER_LONG_LENGTH		0x80	/* the length's length follows */
#define DER_INTEGER_SIGN	0x80	/* a negative INTEGER */

#define STANDIN_ISSUER		"CN=edgeprobe request stand-in"
#define STANDIN_NOT_AFTER	((time_t)-1)	/* 99991231235959Z: no expiry */

/* What a PFX held, before the leaf is picked. */
struct pfx {
	size_t		 certs[EP_PFX_CERTS_MAX];	/* store indexes */
	size_t		 ncerts;
	unsigned char	 keys[EP_PFX_KEYS_MAX][EP_KEY_ID_MAX];	/* key IDs */
	size_t		 keylen[EP_PFX_KEYS_MAX];
	size_t		 nkeys;
};

/*
 * Reads the whole file of in, at most max bytes, as a datum: file->data
 * is to be freed with free().
 */
static int
read_input(const struct ep_offline *in, size_t max, gnutls_datum_t *file,
    char *err, size_t errlen)
{
	char	*text;
	size_t	 len;

	if (ep_file_read(in->path, max, &text, &len, err, errlen) == -1)
		return -1;
	file->data = (unsigned char *)text;
	file->size = (unsigned)len;
	return 0;
}

/*
 * DER starts with a SEQUENCE tag; anything else is taken for PEM.  One
 * format picked up front makes the error about the right one.
 */
static int
looks_der(const gnutls_datum_t *d)
{
	return d->size > 0 && d->data[0] == DER_SEQUENCE;
}

static int
read_chain(const struct ep_offline *in, struct ep_observations *out,
    struct ep_obs *obs, char *err, size_t errlen)
{
	const struct ep_cert	*ok[EP_CHAIN_MAX];
	size_t			 at[EP_CHAIN_MAX], nok = 0, i, bad = EP_CHAIN_MAX;
	int			 n;

	n = ep_certs_load_file_any(out->certs, in->path, obs->chain,
	    EP_CHAIN_MAX, err, errlen);
	if (n == -1)
		return -1;
	obs->chain_len = (size_t)n;
	/* The leaf as a client finds it, among what parses, in any order. */
	for (i = 0; i < obs->chain_len; i++) {
		const struct ep_cert	*c = ep_certs_get(out->certs,
					    obs->chain[i]);

		if (c->malformed[0] == '\0') {
			ok[nok] = c;
			at[nok++] = i;
		} else if (bad == EP_CHAIN_MAX)
			bad = i;
	}
	obs->leaf = nok > 0 ? at[ep_trust_leaf(ok, nok)] : 0;
	/* Only CA certificates parse: the leaf is what does not. */
	if (bad != EP_CHAIN_MAX && (nok == 0 ||
	    ep_certs_get(out->certs, obs->chain[obs->leaf])->is_ca))
		obs->leaf = bad;
	return 0;
}

static int
pfx_too_costly(const struct ep_offline *in, unsigned long iter, char *err,
    size_t errlen)
{
	if (iter <= EP_PFX_ITER_MAX)
		return 0;
	snprintf(err, errlen, "%s: asks for %lu key derivation rounds (limit "
	    "%d): damaged or hostile", in->path, iter, EP_PFX_ITER_MAX);
	return 1;
}

static void
wrong_password(const struct ep_offline *in, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: wrong password or damaged file%s", in->path,
	    in->password == NULL ? " (no password given: use "
	    "--pfx-password-file or EDGEPROBE_PFX_PASSWORD)" : "");
}

/*
 * Reads the DER element at *p, before end: its tag, and where its value
 * is.  Moves *p past it.  Returns 0, or -1 for what this reader does not
 * take (multi-byte tags, indefinite or oversized lengths).
 */
static int
der_next(const unsigned char **p, const unsigned char *end, unsigned *tag,
    const unsigned char **val, size_t *len)
{
	const unsigned char	*q = *p;
	size_t			 n, nlen;

	if (end - q < 2 || (*q & DER_TAG_MASK) == DER_TAG_MASK)
		return -1;
	*tag = *q++;
	n = *q++;
	if (n & DER_LONG_LENGTH) {
		nlen = n & ~(size_t)DER_LONG_LENGTH;
		if (nlen == 0 || nlen > sizeof(unsigned) ||
		    (size_t)(end - q) < nlen)
			return -1;
		for (n = 0; nlen > 0; nlen--)
			n = n << 8 | *q++;
	}
	if ((size_t)(end - q) < n)
		return -1;
	*val = q;
	*len = n;
	*p = q + n;
	return 0;
}

/*
 * Sets *iter to the MAC's key derivation rounds, 0 when the PFX has no
 * MAC.  GnuTLS 3.7's gnutls_pkcs12_mac_info() leaves the count unset, so
 * the DER is read here:
 *	PFX ::= SEQUENCE { version INTEGER, authSafe ContentInfo,
 *	    macData MacData OPTIONAL }
 *	MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING,
 *	    iterations INTEGER DEFAULT 1 }
 * Returns 0, or -1 when the structure is not that.
 */
static int
pfx_mac_rounds(gnutls_pkcs12_t p12, unsigned long *iter)
{
	gnutls_datum_t		 der = { NULL, 0 };
	const unsigned char	*p, *end, *v;
	unsigned		 tag;
	size_t			 n, i;
	int			 ret = -1;

	/* The parse re-encoded: DER whatever the file was. */
	if (gnutls_pkcs12_export2(p12, GNUTLS_X509_FMT_DER, &der) < 0)
		return -1;
	p = der.data;
	end = p + der.size;
	if (der_next(&p, end, &tag, &v, &n) == -1 || tag != DER_SEQUENCE)
		goto out;
	p = v;
	end = v + n;
	if (der_next(&p, end, &tag, &v, &n) == -1 || tag != DER_INTEGER ||
	    der_next(&p, end, &tag, &v, &n) == -1 || tag != DER_SEQUENCE)
		goto out;
	*iter = 0;
	if (p == end) {
		ret = 0;
		goto out;
	}
	if (der_next(&p, end, &tag, &v, &n) == -1 || tag != DER_SEQUENCE)
		goto out;
	p = v;
	end = v + n;
	if (der_next(&p, end, &tag, &v, &n) == -1 || tag != DER_SEQUENCE ||
	    der_next(&p, end, &tag, &v, &n) == -1 || tag != DER_OCTET_STRING)
		goto out;
	*iter = 1;
	if (p == end) {
		ret = 0;
		goto out;
	}
	if (der_next(&p, end, &tag, &v, &n) == -1 || tag != DER_INTEGER ||
	    n == 0 || (v[0] & DER_INTEGER_SIGN))
		goto out;
	/* Past what a long holds is past any limit. */
	if (n > sizeof(*iter) - 1)
		*iter = (unsigned long)-1;
	else
		for (*iter = 0, i = 0; i < n; i++)
			*iter = *iter << 8 | v[i];
	ret = 0;
out:
	gnutls_free(der.data);
	return ret;
}

/*
 * Checks the MAC, when there is one, and sets *pass to the password that
 * opens the rest.  Without a password given, both PKCS#12 spellings of
 * "none" are tried (empty, and absent), since exporters differ.
 */
static int
pfx_check_mac(gnutls_pkcs12_t p12, const struct ep_offline *in,
    const char **pass, char *err, size_t errlen)
{
	unsigned long	iter;
	int		r;

	*pass = in->password != NULL ? in->password : "";
	if (pfx_mac_rounds(p12, &iter) == -1) {
		snprintf(err, errlen, "%s: damaged PKCS#12 structure",
		    in->path);
		return -1;
	}
	if (iter == 0)
		return 0;	/* no MAC: decrypting tells a wrong password */
	if (pfx_too_costly(in, iter, err, errlen))
		return -1;
	r = gnutls_pkcs12_verify_mac(p12, *pass);
	if (r == GNUTLS_E_MAC_VERIFY_FAILED && in->password == NULL &&
	    gnutls_pkcs12_verify_mac(p12, NULL) == 0) {
		*pass = NULL;
		return 0;
	}
	if (r == GNUTLS_E_MAC_VERIFY_FAILED) {
		wrong_password(in, err, errlen);
		return -1;
	}
	if (r < 0) {
		snprintf(err, errlen, "%s: unsupported or damaged integrity "
		    "check (%s)", in->path, gnutls_strerror(r));
		return -1;
	}
	return 0;
}

/* Adds a certificate bag's certificate to the store and to p. */
static int
pfx_add_cert(const struct ep_offline *in, struct ep_observations *out,
    struct pfx *p, const gnutls_datum_t *data, char *err, size_t errlen)
{
	char	why[256];

	if (p->ncerts == EP_PFX_CERTS_MAX) {
		snprintf(err, errlen, "%s: more than %d certificates", in->path,
		    EP_PFX_CERTS_MAX);
		return -1;
	}
	if (ep_certs_add(out->certs, data->data, data->size,
	    &p->certs[p->ncerts], why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: certificate %zu: %s", in->path,
		    p->ncerts + 1, why);
		return -1;
	}
	p->ncerts++;
	return 0;
}

/*
 * Decrypts a key bag and keeps only its key ID: the key itself is not
 * needed past this function.
 */
static int
pfx_add_key(const struct ep_offline *in, const char *pass, struct pfx *p,
    const gnutls_datum_t *data, int encrypted, char *err, size_t errlen)
{
	gnutls_x509_privkey_t	key = NULL;
	unsigned		iter = 1;
	size_t			size = EP_KEY_ID_MAX;
	int			ret = -1;

	if (p->nkeys == EP_PFX_KEYS_MAX) {
		snprintf(err, errlen, "%s: more than %d private keys", in->path,
		    EP_PFX_KEYS_MAX);
		return -1;
	}
	if (encrypted) {
		if (gnutls_pkcs8_info(data, GNUTLS_X509_FMT_DER, NULL, NULL,
		    NULL, NULL, &iter, NULL) < 0) {
			snprintf(err, errlen, "%s: private key %zu: unknown "
			    "encryption or damaged", in->path, p->nkeys + 1);
			return -1;
		}
		if (pfx_too_costly(in, iter, err, errlen))
			return -1;
	}
	if (gnutls_x509_privkey_init(&key) < 0) {
		snprintf(err, errlen, "%s: %s", in->path, strerror(ENOMEM));
		return -1;
	}
	if (gnutls_x509_privkey_import_pkcs8(key, data, GNUTLS_X509_FMT_DER,
	    encrypted ? pass : NULL, encrypted ? 0 : GNUTLS_PKCS_PLAIN) < 0) {
		wrong_password(in, err, errlen);
		goto out;
	}
	if (gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256,
	    p->keys[p->nkeys], &size) < 0) {
		snprintf(err, errlen, "%s: private key %zu is unusable",
		    in->path, p->nkeys + 1);
		goto out;
	}
	p->keylen[p->nkeys++] = size;
	ret = 0;
out:
	gnutls_x509_privkey_deinit(key);
	return ret;
}

/*
 * Reads bag i of the PFX into p.  Returns 0, 1 when there is no bag i,
 * or -1 with a reason in err.
 */
static int
pfx_read_bag(gnutls_pkcs12_t p12, int i, const struct ep_offline *in,
    const char *pass, struct ep_observations *out, struct pfx *p, char *err,
    size_t errlen)
{
	gnutls_pkcs12_bag_t	bag = NULL;
	gnutls_datum_t		data;
	unsigned		iter = 1;
	int			n, j, type, r, ret = -1;

	if (gnutls_pkcs12_bag_init(&bag) < 0) {
		snprintf(err, errlen, "%s: %s", in->path, strerror(ENOMEM));
		return -1;
	}
	if ((r = gnutls_pkcs12_get_bag(p12, i, bag)) ==
	    GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
		ret = 1;
		goto out;
	}
	if (r < 0) {
		snprintf(err, errlen, "%s: part %d is damaged (%s)", in->path,
		    i + 1, gnutls_strerror(r));
		goto out;
	}
	if (gnutls_pkcs12_bag_get_type(bag, 0) == GNUTLS_BAG_ENCRYPTED) {
		if (gnutls_pkcs12_bag_enc_info(bag, NULL, NULL, NULL, NULL,
		    &iter, NULL) < 0) {
			snprintf(err, errlen, "%s: part %d: unknown encryption "
			    "or damaged", in->path, i + 1);
			goto out;
		}
		if (pfx_too_costly(in, iter, err, errlen))
			goto out;
		if (gnutls_pkcs12_bag_decrypt(bag, pass) < 0) {
			wrong_password(in, err, errlen);
			goto out;
		}
	}
	if ((n = gnutls_pkcs12_bag_get_count(bag)) < 0) {
		snprintf(err, errlen, "%s: part %d is damaged", in->path,
		    i + 1);
		goto out;
	}
	for (j = 0; j < n; j++) {
		type = gnutls_pkcs12_bag_get_type(bag, (unsigned)j);
		if (type != GNUTLS_BAG_CERTIFICATE &&
		    type != GNUTLS_BAG_PKCS8_KEY &&
		    type != GNUTLS_BAG_PKCS8_ENCRYPTED_KEY)
			continue;	/* CRLs, secrets: nothing to judge */
		if (gnutls_pkcs12_bag_get_data(bag, (unsigned)j, &data) < 0) {
			snprintf(err, errlen, "%s: part %d is damaged",
			    in->path, i + 1);
			goto out;
		}
		if (type == GNUTLS_BAG_CERTIFICATE)
			r = pfx_add_cert(in, out, p, &data, err, errlen);
		else
			r = pfx_add_key(in, pass, p, &data, type ==
			    GNUTLS_BAG_PKCS8_ENCRYPTED_KEY, err, errlen);
		if (r == -1)
			goto out;
	}
	ret = 0;
out:
	gnutls_pkcs12_bag_deinit(bag);
	return ret;
}

/* Returns 1 when one of the PFX's keys is the key of certificate c. */
static int
pfx_key_of(const struct pfx *p, const struct ep_cert *c)
{
	unsigned char	id[EP_KEY_ID_MAX];
	size_t		size = sizeof(id), k;

	if (ep_cert_key_id(c, id, &size) == -1)
		return 0;
	for (k = 0; k < p->nkeys; k++)
		if (p->keylen[k] == size && memcmp(p->keys[k], id, size) == 0)
			return 1;
	return 0;
}

static int
pfx_is_ca(const struct ep_cert *c)
{
	/* An old root may lack basicConstraints, but it is still a CA. */
	return c->is_ca || c->self_signed;
}

static int
in_chain(const struct ep_obs *obs, size_t c)
{
	size_t	i;

	for (i = 0; i < obs->chain_len; i++)
		if (obs->chain[i] == c)
			return 1;
	return 0;
}

/* Appends store index c to the chain unless it is there already. */
static int
chain_push(const struct ep_offline *in, struct ep_obs *obs, size_t c,
    char *err, size_t errlen)
{
	if (in_chain(obs, c))
		return 0;
	if (obs->chain_len == EP_CHAIN_MAX) {
		snprintf(err, errlen, "%s: more than %d certificates in the "
		    "chain", in->path, EP_CHAIN_MAX);
		return -1;
	}
	obs->chain[obs->chain_len++] = c;
	return 0;
}

/*
 * The leaf is the certificate of the key, else the first end-entity
 * certificate, else the first one.  Its issuers follow in path order,
 * then the PFX's other CA certificates: what an import puts on the
 * server.  Other end-entity certificates are left out.
 */
static int
pfx_order(const struct ep_offline *in, const struct ep_certs *s,
    const struct pfx *p, struct ep_obs *obs, char *err, size_t errlen)
{
	const struct ep_cert	*cur, *c;
	size_t			 i, leaf = p->ncerts;

	for (i = 0; leaf == p->ncerts && i < p->ncerts; i++)
		if (pfx_key_of(p, ep_certs_get(s, p->certs[i])))
			leaf = i;
	obs->key_matches = leaf < p->ncerts;
	for (i = 0; leaf == p->ncerts && i < p->ncerts; i++)
		if (!pfx_is_ca(ep_certs_get(s, p->certs[i])))
			leaf = i;
	if (leaf == p->ncerts)
		leaf = 0;
	obs->chain[0] = p->certs[leaf];
	obs->chain_len = 1;
	/* Each round adds a certificate not yet in the chain, or ends. */
	for (;;) {
		cur = ep_certs_get(s, obs->chain[obs->chain_len - 1]);
		if (cur->self_signed)
			break;
		for (i = 0; i < p->ncerts; i++) {
			c = ep_certs_get(s, p->certs[i]);
			if (pfx_is_ca(c) && !in_chain(obs, p->certs[i]) &&
			    ep_cert_issued_by(cur, c))
				break;
		}
		if (i == p->ncerts)
			break;
		if (chain_push(in, obs, p->certs[i], err, errlen) == -1)
			return -1;
	}
	for (i = 0; i < p->ncerts; i++)
		if (pfx_is_ca(ep_certs_get(s, p->certs[i])) &&
		    chain_push(in, obs, p->certs[i], err, errlen) == -1)
			return -1;
	return 0;
}

static int
read_pfx(const struct ep_offline *in, struct ep_observations *out,
    struct ep_obs *obs, char *err, size_t errlen)
{
	gnutls_pkcs12_t	 p12 = NULL;
	gnutls_datum_t	 file = { NULL, 0 };
	struct pfx	*p = NULL;
	const char	*pass;
	int		 i, r, ret = -1;

	if (read_input(in, EP_OFFLINE_PFX_MAX, &file, err, errlen) == -1)
		return -1;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    gnutls_pkcs12_init(&p12) < 0) {
		snprintf(err, errlen, "%s: %s", in->path, strerror(ENOMEM));
		goto out;
	}
	r = gnutls_pkcs12_import(p12, &file, looks_der(&file) ?
	    GNUTLS_X509_FMT_DER : GNUTLS_X509_FMT_PEM, 0);
	if (r < 0) {
		snprintf(err, errlen, "%s: not a PKCS#12 (PFX) file (%s)",
		    in->path, gnutls_strerror(r));
		goto out;
	}
	if (pfx_check_mac(p12, in, &pass, err, errlen) == -1)
		goto out;
	for (i = 0; (r = pfx_read_bag(p12, i, in, pass, out, p, err,
	    errlen)) == 0; i++)
		if (i == EP_PFX_BAGS_MAX) {
			snprintf(err, errlen, "%s: more than %d parts",
			    in->path, EP_PFX_BAGS_MAX);
			goto out;
		}
	if (r == -1)
		goto out;
	if (p->ncerts == 0) {
		snprintf(err, errlen, "%s: no certificate in it", in->path);
		goto out;
	}
	obs->has_key = p->nkeys > 0;
	if (pfx_order(in, out->certs, p, obs, err, errlen) == -1)
		goto out;
	ret = 0;
out:
	free(p);
	gnutls_pkcs12_deinit(p12);
	free(file.data);
	return ret;
}

/*
 * Makes a certificate of the request's subject, extensions and key,
 * issued by a name no client trusts and signed by a key thrown away:
 * only what the applicant chose is meant to be judged on it.
 */
static int
standin(gnutls_x509_crq_t crq, gnutls_datum_t *der)
{
	gnutls_x509_crt_t	crt = NULL, issuer = NULL;
	gnutls_x509_privkey_t	key = NULL;
	const unsigned char	serial = 1;
	int			r;

	if ((r = gnutls_x509_crt_init(&crt)) < 0 ||
	    (r = gnutls_x509_crt_init(&issuer)) < 0 ||
	    (r = gnutls_x509_privkey_init(&key)) < 0)
		goto out;
	if ((r = gnutls_x509_crt_set_crq(crt, crq)) < 0 ||
	    (r = gnutls_x509_crt_set_crq_extensions(crt, crq)) < 0 ||
	    (r = gnutls_x509_crt_set_version(crt, 3)) < 0 ||
	    (r = gnutls_x509_crt_set_serial(crt, &serial,
	    sizeof(serial))) < 0 ||
	    (r = gnutls_x509_crt_set_activation_time(crt, 0)) < 0 ||
	    (r = gnutls_x509_crt_set_expiration_time(crt,
	    STANDIN_NOT_AFTER)) < 0)
		goto out;
	/* Signing reads the issuer's name and its key's parameters. */
	if ((r = gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0)) < 0 ||
	    (r = gnutls_x509_crt_set_dn(issuer, STANDIN_ISSUER, NULL)) < 0 ||
	    (r = gnutls_x509_crt_set_key(issuer, key)) < 0 ||
	    (r = gnutls_x509_crt_sign2(crt, issuer, key, GNUTLS_DIG_SHA256,
	    0)) < 0)
		goto out;
	r = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, der);
out:
	gnutls_x509_privkey_deinit(key);
	gnutls_x509_crt_deinit(issuer);
	gnutls_x509_crt_deinit(crt);
	return r;
}

static int
read_csr(const struct ep_offline *in, struct ep_observations *out,
    struct ep_obs *obs, char *err, size_t errlen)
{
	gnutls_x509_crq_t	crq = NULL;
	gnutls_datum_t		file = { NULL, 0 }, der = { NULL, 0 };
	char			why[256];
	int			r, ret = -1;

	if (read_input(in, EP_OFFLINE_CSR_MAX, &file, err, errlen) == -1)
		return -1;
	if (gnutls_x509_crq_init(&crq) < 0) {
		snprintf(err, errlen, "%s: %s", in->path, strerror(ENOMEM));
		goto out;
	}
	r = gnutls_x509_crq_import(crq, &file, looks_der(&file) ?
	    GNUTLS_X509_FMT_DER : GNUTLS_X509_FMT_PEM);
	if (r < 0) {
		snprintf(err, errlen, "%s: not a certificate request (%s)",
		    in->path, gnutls_strerror(r));
		goto out;
	}
	if (gnutls_x509_crq_verify(crq, 0) < 0) {
		snprintf(err, errlen, "%s: the request's signature does not "
		    "verify: it is damaged or forged", in->path);
		goto out;
	}
	if ((r = standin(crq, &der)) < 0) {
		snprintf(err, errlen, "%s: cannot make a certificate of the "
		    "request (%s)", in->path, gnutls_strerror(r));
		goto out;
	}
	if (ep_certs_add(out->certs, der.data, der.size, &obs->chain[0], why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", in->path, why);
		goto out;
	}
	obs->chain_len = 1;
	ret = 0;
out:
	gnutls_free(der.data);
	gnutls_x509_crq_deinit(crq);
	free(file.data);
	return ret;
}

int
ep_offline_observe(const struct ep_plan *plan, enum ep_role role,
    const struct ep_offline *in, struct ep_observations *out, char *err,
    size_t errlen)
{
	const struct ep_port	*ports;
	struct ep_obs		 obs;
	size_t			 t, p, np, ntargets = 0;
	int			 r;

	for (t = 0; t < ep_plan_ntargets(plan); t++)
		if (ep_plan_target(plan, t)->role == role)
			ntargets++;
	if (ntargets == 0) {
		snprintf(err, errlen, "no %s name given to judge %s against",
		    ep_role_option(role), in->path);
		return -1;
	}
	memset(&obs, 0, sizeof(obs));
	switch (in->input) {
	case EP_OFFLINE_CHAIN:
		obs.kind = EP_OBS_CHAIN;
		r = read_chain(in, out, &obs, err, errlen);
		break;
	case EP_OFFLINE_PFX:
		obs.kind = EP_OBS_PFX;
		r = read_pfx(in, out, &obs, err, errlen);
		break;
	case EP_OFFLINE_CSR:
		obs.kind = EP_OBS_CSR;
		r = read_csr(in, out, &obs, err, errlen);
		break;
	default:
		snprintf(err, errlen, "%s: unknown kind of input", in->path);
		return -1;
	}
	if (r == -1)
		return -1;
	obs.status = EP_OBS_OK;
	snprintf(obs.file, sizeof(obs.file), "%s", in->path);
	out->offline = 1;
	for (t = 0; t < ep_plan_ntargets(plan); t++) {
		if (ep_plan_target(plan, t)->role != role)
			continue;
		obs.target = t;
		obs.port_flags = 0;
		np = ep_plan_ports(plan, t, &ports);
		for (p = 0; p < np; p++)
			obs.port_flags |= ports[p].flags;
		if (ep_observations_add(out, &obs) == (size_t)-1) {
			snprintf(err, errlen, "%s: %s", in->path,
			    strerror(ENOMEM));
			return -1;
		}
	}
	ep_observations_sort(out);
	return 0;
}
