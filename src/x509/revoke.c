/*
 * Revocation: OCSP requests built, OCSP responses and CRLs read and
 * verified, all by GnuTLS; this module only says, of one certificate and
 * one moment, what the answer is and, when it cannot be used, why.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/ocsp.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>

#include "x509/cert_impl.h"
#include "x509/ep_revoke.h"

#define SERIAL_MAX	64	/* octets of a serial compared */
#define CLOCK_SKEW	300	/* seconds an answer may come from the future */

/* RFC 5280's CRLReason names. */
static const char *
reason_name(int r)
{
	static const char *const	names[] = {
		"unspecified", "keyCompromise", "cACompromise",
		"affiliationChanged", "superseded", "cessationOfOperation",
		"certificateHold", "", "removeFromCRL", "privilegeWithdrawn",
		"aACompromise",
	};

	if (r < 0 || (size_t)r >= sizeof(names) / sizeof(names[0]))
		return "";
	return names[r];
}

static void
invalid(struct ep_rev *out, const char *why)
{
	out->status = EP_REV_INVALID;
	snprintf(out->why, sizeof(out->why), "%s", why);
}

int
ep_ocsp_request(const struct ep_cert *cert, const struct ep_cert *issuer,
    unsigned char **der, size_t *len, char *err, size_t errlen)
{
	gnutls_ocsp_req_t	req = NULL;
	gnutls_datum_t		d = { NULL, 0 };
	int			r;

	*der = NULL;
	if (ep_cert_crt(cert) == NULL || ep_cert_crt(issuer) == NULL) {
		snprintf(err, errlen, "a certificate that does not parse");
		return -1;
	}
	if ((r = gnutls_ocsp_req_init(&req)) < 0 ||
	    (r = gnutls_ocsp_req_add_cert(req, GNUTLS_DIG_SHA1,
	    ep_cert_crt(issuer), ep_cert_crt(cert))) < 0 ||
	    (r = gnutls_ocsp_req_export(req, &d)) < 0) {
		snprintf(err, errlen, "OCSP request: %s", gnutls_strerror(r));
		gnutls_ocsp_req_deinit(req);
		return -1;
	}
	gnutls_ocsp_req_deinit(req);
	if ((*der = malloc(d.size)) == NULL) {
		gnutls_free(d.data);
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	memcpy(*der, d.data, d.size);
	*len = d.size;
	gnutls_free(d.data);
	return 0;
}

/* Why the responder's signature does not hold, from GnuTLS's reasons. */
static const char *
ocsp_verify_text(unsigned v)
{
	if (v & GNUTLS_OCSP_VERIFY_SIGNER_NOT_FOUND)
		return "its signer is neither the issuer nor a responder the "
		    "issuer delegated to";
	if (v & GNUTLS_OCSP_VERIFY_SIGNER_KEYUSAGE_ERROR)
		return "its signer may not sign OCSP responses";
	if (v & GNUTLS_OCSP_VERIFY_UNTRUSTED_SIGNER)
		return "its signer is not trusted";
	if (v & GNUTLS_OCSP_VERIFY_INSECURE_ALGORITHM)
		return "it is signed with an insecure algorithm";
	if (v & GNUTLS_OCSP_VERIFY_SIGNATURE_FAILURE)
		return "its signature does not verify";
	return "its signature cannot be verified";
}

/* The response's status, when not successful: what the responder said. */
static const char *
ocsp_status_text(int s)
{
	switch (s) {
	case GNUTLS_OCSP_RESP_MALFORMEDREQUEST:
		return "the responder says the request is malformed";
	case GNUTLS_OCSP_RESP_INTERNALERROR:
		return "the responder reports an internal error";
	case GNUTLS_OCSP_RESP_TRYLATER:
		return "the responder says to try later";
	case GNUTLS_OCSP_RESP_SIGREQUIRED:
		return "the responder wants a signed request";
	case GNUTLS_OCSP_RESP_UNAUTHORIZED:
		return "the responder is not authorized for this certificate";
	default:
		return "the responder's status is not successful";
	}
}

void
ep_ocsp_check(const unsigned char *der, size_t len,
    const struct ep_cert *cert, const struct ep_cert *issuer, time_t at,
    struct ep_rev *out)
{
	gnutls_ocsp_resp_t	resp = NULL;
	gnutls_datum_t		d = { (unsigned char *)(uintptr_t)der,
				    (unsigned)len };
	unsigned		verify = 0, i, status, reason;
	int			r;
	time_t			thisu, nextu, revu;

	memset(out, 0, sizeof(*out));
	if (ep_cert_crt(cert) == NULL || ep_cert_crt(issuer) == NULL) {
		invalid(out, "a certificate that does not parse");
		return;
	}
	if (len == 0 || len > EP_OCSP_RESPONSE_MAX ||
	    gnutls_ocsp_resp_init(&resp) < 0 ||
	    gnutls_ocsp_resp_import(resp, &d) < 0) {
		invalid(out, "not an OCSP response");
		goto out;
	}
	if ((r = gnutls_ocsp_resp_get_status(resp)) !=
	    GNUTLS_OCSP_RESP_SUCCESSFUL) {
		invalid(out, ocsp_status_text(r));
		goto out;
	}
	if (gnutls_ocsp_resp_verify_direct(resp, ep_cert_crt(issuer), &verify,
	    0) < 0 || verify != 0) {
		invalid(out, ocsp_verify_text(verify));
		goto out;
	}
	/* One response may answer for several certificates: find ours. */
	for (i = 0;; i++) {
		r = gnutls_ocsp_resp_check_crt(resp, i, ep_cert_crt(cert));
		if (r == 0)
			break;
		if (r != GNUTLS_E_OCSP_RESPONSE_ERROR) {
			invalid(out, "it is not about this certificate");
			goto out;
		}
	}
	if (gnutls_ocsp_resp_get_single(resp, i, NULL, NULL, NULL, NULL,
	    &status, &thisu, &nextu, &revu, &reason) < 0) {
		invalid(out, "it holds no usable answer");
		goto out;
	}
	out->this_update = thisu;
	out->next_update = nextu == (time_t)-1 ? 0 : nextu;
	if (thisu > at + CLOCK_SKEW) {
		invalid(out, "it was produced after the moment judged");
		goto out;
	}
	if (out->next_update != 0 && out->next_update < at) {
		invalid(out, "it is stale: its next update is past");
		goto out;
	}
	if (status == GNUTLS_OCSP_CERT_REVOKED) {
		out->status = EP_REV_REVOKED;
		out->revoked_at = revu;
		snprintf(out->reason, sizeof(out->reason), "%s",
		    reason_name((int)reason));
	} else if (status == GNUTLS_OCSP_CERT_GOOD)
		out->status = EP_REV_GOOD;
	else
		out->status = EP_REV_UNKNOWN;
out:
	gnutls_ocsp_resp_deinit(resp);
}

/* Imports a CRL given as DER or as PEM. */
static int
crl_import(gnutls_x509_crl_t crl, const unsigned char *data, size_t len)
{
	gnutls_datum_t	d = { (unsigned char *)(uintptr_t)data,
			    (unsigned)len };

	if (gnutls_x509_crl_import(crl, &d, GNUTLS_X509_FMT_DER) >= 0)
		return 0;
	return gnutls_x509_crl_import(crl, &d, GNUTLS_X509_FMT_PEM) >= 0 ?
	    0 : -1;
}

/* The CRL's issuer name is the certificate's issuer name. */
static int
crl_names(gnutls_x509_crl_t crl, const struct ep_cert *cert)
{
	gnutls_datum_t	a = { NULL, 0 }, b = { NULL, 0 };
	int		same = 0;

	if (gnutls_x509_crl_get_raw_issuer_dn(crl, &a) >= 0 &&
	    gnutls_x509_crt_get_raw_issuer_dn(ep_cert_crt(cert), &b) >= 0)
		same = a.size == b.size && memcmp(a.data, b.data, a.size) == 0;
	gnutls_free(a.data);
	gnutls_free(b.data);
	return same;
}

int
ep_crl_readable(const unsigned char *data, size_t len)
{
	gnutls_x509_crl_t	crl;
	int			ok;

	if (len == 0 || len > EP_CRL_MAX || gnutls_x509_crl_init(&crl) < 0)
		return 0;
	ok = crl_import(crl, data, len) == 0;
	gnutls_x509_crl_deinit(crl);
	return ok;
}

int
ep_ocsp_readable(const unsigned char *data, size_t len)
{
	gnutls_ocsp_resp_t	resp;
	gnutls_datum_t		d = { (unsigned char *)(uintptr_t)data,
				    (unsigned)len };
	int			ok;

	if (len == 0 || len > EP_OCSP_RESPONSE_MAX ||
	    gnutls_ocsp_resp_init(&resp) < 0)
		return 0;
	ok = gnutls_ocsp_resp_import(resp, &d) >= 0;
	gnutls_ocsp_resp_deinit(resp);
	return ok;
}

int
ep_crl_covers(const unsigned char *data, size_t len,
    const struct ep_cert *cert)
{
	gnutls_x509_crl_t	crl;
	int			yes = 0;

	if (ep_cert_crt(cert) == NULL || gnutls_x509_crl_init(&crl) < 0)
		return 0;
	if (crl_import(crl, data, len) == 0)
		yes = crl_names(crl, cert);
	gnutls_x509_crl_deinit(crl);
	return yes;
}

/*
 * Whether serial (of len octets) is listed in crl; when so, since when.
 * Returns 1 or 0, or -1 when out of memory.
 */
static int
listed(gnutls_x509_crl_t crl, const unsigned char *serial, size_t len,
    time_t *when)
{
	gnutls_x509_crl_iter_t	 iter = NULL;
	unsigned char		 room[SERIAL_MAX], *buf = room, *nbuf;
	size_t			 cap = sizeof(room), n;
	time_t			 t;
	int			 r, found = 0;

	for (;;) {
		n = cap;
		r = gnutls_x509_crl_iter_crt_serial(crl, &iter, buf, &n, &t);
		if (r == GNUTLS_E_SHORT_MEMORY_BUFFER && n > cap) {
			/*
			 * An entry's serial longer than any certificate's is
			 * no reason to stop: the entries after it count.
			 * GnuTLS's iterator cannot step over it, so the list
			 * is read again from its start with room for it.
			 */
			cap = n > 2 * cap ? n : 2 * cap;
			if ((nbuf = malloc(cap)) == NULL) {
				found = -1;
				break;
			}
			if (buf != room)
				free(buf);
			buf = nbuf;
			gnutls_x509_crl_iter_deinit(iter);
			iter = NULL;
			continue;
		}
		if (r < 0)
			break;
		if (n == len && memcmp(buf, serial, n) == 0) {
			*when = t;
			found = 1;
			break;
		}
	}
	gnutls_x509_crl_iter_deinit(iter);
	if (buf != room)
		free(buf);
	return found;
}

void
ep_crl_check(const unsigned char *data, size_t len,
    const struct ep_cert *cert, const struct ep_cert *issuer, time_t at,
    struct ep_rev *out)
{
	const unsigned	 flags = GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
			    GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1 |
			    GNUTLS_VERIFY_ALLOW_BROKEN;
	gnutls_x509_crl_t	crl = NULL;
	gnutls_x509_crt_t	ca;
	unsigned char		serial[SERIAL_MAX];
	size_t			slen = sizeof(serial);
	unsigned		verify = 0;
	time_t			nextu;

	memset(out, 0, sizeof(*out));
	if (ep_cert_crt(cert) == NULL || ep_cert_crt(issuer) == NULL) {
		invalid(out, "a certificate that does not parse");
		return;
	}
	ca = ep_cert_crt(issuer);
	if (len == 0 || len > EP_CRL_MAX || gnutls_x509_crl_init(&crl) < 0 ||
	    crl_import(crl, data, len) == -1) {
		invalid(out, "not a CRL");
		goto out;
	}
	if (!crl_names(crl, cert)) {
		invalid(out, "it is issued by another CA than the "
		    "certificate's");
		goto out;
	}
	/* Its dates are judged below, at the moment asked, not now. */
	if (gnutls_x509_crl_verify(crl, &ca, 1, flags, &verify) < 0 ||
	    (verify & ~(unsigned)(GNUTLS_CERT_INVALID |
	    GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED |
	    GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE)) != 0) {
		invalid(out, "its signature does not verify with the issuer's "
		    "key");
		goto out;
	}
	out->this_update = gnutls_x509_crl_get_this_update(crl);
	nextu = gnutls_x509_crl_get_next_update(crl);
	out->next_update = nextu == (time_t)-1 ? 0 : nextu;
	if (gnutls_x509_crt_get_serial(ep_cert_crt(cert), serial,
	    &slen) < 0) {
		invalid(out, "the certificate's serial cannot be read");
		goto out;
	}
	switch (listed(crl, serial, slen, &out->revoked_at)) {
	case 1:
		out->status = EP_REV_REVOKED;
		break;
	case 0:
		out->status = EP_REV_GOOD;
		break;
	default:
		invalid(out, strerror(ENOMEM));
		goto out;
	}
	/* A revocation stands however old the list; a clean bill does not. */
	if (out->status == EP_REV_GOOD && out->next_update != 0 &&
	    out->next_update < at) {
		invalid(out, "it is stale: its next update is past");
		out->stale = 1;
	}
out:
	if (crl != NULL)
		gnutls_x509_crl_deinit(crl);
}

int
ep_certs_add_issuers(struct ep_certs *s, const unsigned char *data,
    size_t len, size_t *idx, size_t max, char *err, size_t errlen)
{
	gnutls_pkcs7_t	p7 = NULL;
	gnutls_datum_t	d = { (unsigned char *)(uintptr_t)data,
			    (unsigned)len }, c;
	int		n = 0, i, count;

	/* A certificate, DER or PEM, is the usual answer. */
	if (ep_certs_add(s, data, len, &idx[0], err, errlen) == 0)
		return 1;
	if (gnutls_pkcs7_init(&p7) < 0) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	if (gnutls_pkcs7_import(p7, &d, GNUTLS_X509_FMT_DER) < 0 &&
	    gnutls_pkcs7_import(p7, &d, GNUTLS_X509_FMT_PEM) < 0) {
		gnutls_pkcs7_deinit(p7);
		snprintf(err, errlen, "neither a certificate nor a PKCS#7 "
		    "bundle of certificates");
		return -1;
	}
	count = gnutls_pkcs7_get_crt_count(p7);
	for (i = 0; i < count && (size_t)n < max; i++) {
		if (gnutls_pkcs7_get_crt_raw2(p7, (unsigned)i, &c) < 0)
			continue;
		if (ep_certs_add(s, c.data, c.size, &idx[n], err,
		    errlen) == 0)
			n++;
		gnutls_free(c.data);
	}
	gnutls_pkcs7_deinit(p7);
	if (n == 0) {
		snprintf(err, errlen, "a PKCS#7 bundle with no certificate");
		return -1;
	}
	return n;
}

/* ---- the memo ---- */

#define MEMO_SLOTS	1024	/* a power of two */
#define MEMO_FULL	(MEMO_SLOTS / 4 * 3)	/* then it starts afresh */

struct memo_entry {
	int			 used;
	int			 crl;		/* a CRL's answer, else OCSP's */
	const unsigned char	*data;
	size_t			 len;
	const struct ep_cert	*cert;
	const struct ep_cert	*issuer;
	time_t			 at;
	struct ep_rev		 rev;
};

struct ep_revmemo {
	struct memo_entry	*v;
	size_t			 n;
};

struct ep_revmemo *
ep_revmemo_new(void)
{
	struct ep_revmemo	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if ((m->v = calloc(MEMO_SLOTS, sizeof(*m->v))) == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void
ep_revmemo_free(struct ep_revmemo *m)
{
	if (m == NULL)
		return;
	free(m->v);
	free(m);
}

static size_t
memo_hash(int crl, const unsigned char *data, size_t len,
    const struct ep_cert *cert, const struct ep_cert *issuer, time_t at)
{
	uintptr_t	k[6] = { (uintptr_t)crl, (uintptr_t)data, len,
			    (uintptr_t)cert, (uintptr_t)issuer, (uintptr_t)at };
	size_t		h = 14695981039346656037ULL, i;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		h = (h ^ k[i]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

/* The entry of the key, found (used set) or the empty one it would take. */
static struct memo_entry *
memo_slot(struct ep_revmemo *m, int crl, const unsigned char *data,
    size_t len, const struct ep_cert *cert, const struct ep_cert *issuer,
    time_t at)
{
	size_t			 i;
	struct memo_entry	*e;

	i = memo_hash(crl, data, len, cert, issuer, at) & (MEMO_SLOTS - 1);
	for (;; i = (i + 1) & (MEMO_SLOTS - 1)) {
		e = &m->v[i];
		if (!e->used || (e->crl == crl && e->data == data &&
		    e->len == len && e->cert == cert && e->issuer == issuer &&
		    e->at == at))
			return e;
	}
}

static void
memo_check(struct ep_revmemo *m, int crl, const unsigned char *data,
    size_t len, const struct ep_cert *cert, const struct ep_cert *issuer,
    time_t at, struct ep_rev *out)
{
	struct memo_entry	*e;

	if (m == NULL) {
		(crl ? ep_crl_check : ep_ocsp_check)(data, len, cert, issuer,
		    at, out);
		return;
	}
	e = memo_slot(m, crl, data, len, cert, issuer, at);
	if (e->used) {
		*out = e->rev;
		return;
	}
	(crl ? ep_crl_check : ep_ocsp_check)(data, len, cert, issuer, at, out);
	if (m->n >= MEMO_FULL) {
		memset(m->v, 0, MEMO_SLOTS * sizeof(*m->v));
		m->n = 0;
		e = memo_slot(m, crl, data, len, cert, issuer, at);
	}
	e->used = 1;
	e->crl = crl;
	e->data = data;
	e->len = len;
	e->cert = cert;
	e->issuer = issuer;
	e->at = at;
	e->rev = *out;
	m->n++;
}

void
ep_ocsp_check_memo(struct ep_revmemo *m, const unsigned char *der,
    size_t len, const struct ep_cert *cert, const struct ep_cert *issuer,
    time_t at, struct ep_rev *out)
{
	memo_check(m, 0, der, len, cert, issuer, at, out);
}

void
ep_crl_check_memo(struct ep_revmemo *m, const unsigned char *data,
    size_t len, const struct ep_cert *cert, const struct ep_cert *issuer,
    time_t at, struct ep_rev *out)
{
	memo_check(m, 1, data, len, cert, issuer, at, out);
}
