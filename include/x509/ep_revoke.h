#ifndef EP_REVOKE_H
#define EP_REVOKE_H

#include <stddef.h>
#include <time.h>

#include "x509/ep_cert.h"

/*
 * Revocation: OCSP requests built, OCSP responses and CRLs read and
 * verified (GnuTLS's gnutls_ocsp_* and gnutls_x509_crl_*), against a
 * certificate, its issuer and a moment.  What to make of the answer is
 * the rules' business; fetching is the engine's.
 */

#define EP_OCSP_RESPONSE_MAX	(64 * 1024)	/* bytes of an OCSP response */
#define EP_CRL_MAX		(64 * 1024 * 1024)	/* bytes of a CRL */

enum ep_rev_status {
	EP_REV_GOOD,		/* not revoked, as of this_update */
	EP_REV_REVOKED,		/* revoked at revoked_at */
	EP_REV_UNKNOWN,		/* the responder does not know it */
	EP_REV_INVALID,		/* the answer cannot be used: why says */
};

/* What one OCSP response or CRL says of one certificate. */
struct ep_rev {
	enum ep_rev_status	 status;
	time_t			 this_update;	/* 0: not known */
	time_t			 next_update;	/* 0: none given */
	time_t			 revoked_at;	/* EP_REV_REVOKED */
	char			 reason[48];	/* "keyCompromise"..., or "" */
	int			 stale;		/* EP_REV_INVALID: next_update is
						   past at (a CRL); else 0 */
	char			 why[256];	/* EP_REV_INVALID: what is wrong */
};

/*
 * Builds the DER OCSP request for cert, issued by issuer (a CertID with
 * SHA-1, as responders expect; no nonce, so that an answer may be cached
 * and one request serves a run).  Sets *der (free with free()) and *len.
 * Returns 0, or -1 with a reason in err.
 */
int ep_ocsp_request(const struct ep_cert *cert, const struct ep_cert *issuer,
    unsigned char **der, size_t *len, char *err, size_t errlen);

/*
 * Reads the DER OCSP response der of len bytes for cert, issued by
 * issuer, at the moment at: successful, signed by the issuer or by a
 * responder the issuer delegated to, about cert, and current (this
 * update not in the future, next update if any not past).  Fills *out.
 */
void ep_ocsp_check(const unsigned char *der, size_t len,
    const struct ep_cert *cert, const struct ep_cert *issuer, time_t at,
    struct ep_rev *out);

/*
 * Reads the CRL data (DER or PEM, len bytes) for cert, issued by issuer,
 * at the moment at: issued by cert's issuer (name and signature), then
 * whether cert's serial is listed; a CRL whose next update is past at is
 * invalid and stale.  Fills *out.
 */
void ep_crl_check(const unsigned char *data, size_t len,
    const struct ep_cert *cert, const struct ep_cert *issuer, time_t at,
    struct ep_rev *out);

/*
 * Whether data (len bytes) is a CRL (DER or PEM), or an OCSP response
 * (DER), at all: for a file given to judge with, before anything else.
 */
int ep_crl_readable(const unsigned char *data, size_t len);
int ep_ocsp_readable(const unsigned char *data, size_t len);

/*
 * Whether the CRL data is issued under the name of cert's issuer, for a
 * CRL given as a file rather than fetched from cert's own URL.
 */
int ep_crl_covers(const unsigned char *data, size_t len,
    const struct ep_cert *cert);

/*
 * Reads what an AIA caIssuers URL served (RFC 5280 4.2.2.1: a DER
 * certificate, or a certs-only CMS/PKCS#7 bundle; a PEM certificate is
 * taken too) into the store, at most max, their indexes in idx.  Returns
 * how many, or -1 with a reason in err when none is in it.
 */
int ep_certs_add_issuers(struct ep_certs *s, const unsigned char *data,
    size_t len, size_t *idx, size_t max, char *err, size_t errlen);

/*
 * A run's memory of answers already judged: the same response or CRL
 * (by its bytes' place, which must not be freed while the memo lives),
 * about the same certificate by the same issuer at the same moment, has
 * the same answer, so that a pool or a wildcard certificate on thousands
 * of endpoints is verified once, not once an endpoint.  Bounded: it
 * forgets everything when it is full.
 */
struct ep_revmemo;

/*
 * Makes a memo; NULL when out of memory (the checks then go without).
 */
struct ep_revmemo *ep_revmemo_new(void);

/*
 * Frees it; m may be NULL.
 */
void ep_revmemo_free(struct ep_revmemo *m);

/*
 * ep_ocsp_check and ep_crl_check through memo m (NULL: straight).
 */
void ep_ocsp_check_memo(struct ep_revmemo *m, const unsigned char *der,
    size_t len, const struct ep_cert *cert, const struct ep_cert *issuer,
    time_t at, struct ep_rev *out);
void ep_crl_check_memo(struct ep_revmemo *m, const unsigned char *data,
    size_t len, const struct ep_cert *cert, const struct ep_cert *issuer,
    time_t at, struct ep_rev *out);

#endif /* EP_REVOKE_H */
