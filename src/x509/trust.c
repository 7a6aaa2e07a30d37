/*
 * Trust anchors and chain verification.  GnuTLS's trust lists verify;
 * this module only picks the list and explains a failure: a missing
 * intermediate, a self-signed leaf, an unknown root.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "x509/cert_impl.h"
#include "x509/ep_trust.h"

#define EP_TRUST_FILE_MAX	4096	/* certificates in one CA file */
#define EP_CHAIN_SENT_MAX	16	/* certificates of a chain verified */
#define PATH_MAX_CERTS		(2 * EP_CHAIN_SENT_MAX)	/* sent, then completed */

struct inter {
	const struct ep_cert	*cert;		/* in ep_trust.known */
	int			 internal;	/* from the internal CA file */
};

struct ep_trust {
	gnutls_x509_trust_list_t	 pub;		/* public anchors */
	gnutls_x509_trust_list_t	 internal;	/* internal anchors, or NULL */
	struct ep_certs			*known;		/* everything the CA files hold */
	struct inter			*inter;		/* known intermediates */
	size_t				 ninter;
};

/*
 * Dates are the rules' business (they judge at --at, not now), weak
 * algorithms too: verification here answers only "does it chain".
 */
static const unsigned verify_flags = GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
    GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |
    GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1 | GNUTLS_VERIFY_ALLOW_BROKEN |
    GNUTLS_VERIFY_DISABLE_CRL_CHECKS;

/*
 * Splits a CA file: self-signed certificates become anchors of list,
 * other CA certificates known intermediates.
 */
static int
load_file(struct ep_trust *t, gnutls_x509_trust_list_t list, int internal,
    const char *path, char *err, size_t errlen)
{
	size_t	*idx, i, anchors = 0;
	int	 n, ret = -1;

	if ((idx = calloc(EP_TRUST_FILE_MAX, sizeof(*idx))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	if ((n = ep_certs_load_file(t->known, path, idx, EP_TRUST_FILE_MAX, err,
	    errlen)) == -1)
		goto out;
	for (i = 0; i < (size_t)n; i++) {
		const struct ep_cert	*c = ep_certs_get(t->known, idx[i]);
		gnutls_datum_t		 der;

		if (c->self_signed) {
			der.data = c->der;
			der.size = (unsigned)c->der_len;
			if (gnutls_x509_trust_list_add_trust_mem(list, &der, NULL,
			    GNUTLS_X509_FMT_DER, 0, 0) < 0) {
				snprintf(err, errlen, "%s: certificate %zu cannot "
				    "be used as an anchor", path, i + 1);
				goto out;
			}
			anchors++;
		} else if (c->is_ca && t->ninter < EP_TRUST_FILE_MAX) {
			t->inter[t->ninter].cert = c;
			t->inter[t->ninter++].internal = internal;
		}
	}
	if (anchors == 0) {
		snprintf(err, errlen, "%s: no self-signed CA certificate to use "
		    "as a trust anchor", path);
		goto out;
	}
	ret = 0;
out:
	free(idx);
	return ret;
}

int
ep_trust_new(struct ep_trust **out, const char *ca_file,
    const char *internal_ca, char *err, size_t errlen)
{
	struct ep_trust	*t;
	int		 r;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->known = ep_certs_new()) == NULL ||
	    (t->inter = calloc(EP_TRUST_FILE_MAX, sizeof(*t->inter))) == NULL)
		goto nomem;
	if (gnutls_x509_trust_list_init(&t->pub, 0) < 0)
		goto nomem;
	if (ca_file != NULL) {
		if (load_file(t, t->pub, 0, ca_file, err, errlen) == -1)
			goto fail;
	} else {
		r = gnutls_x509_trust_list_add_system_trust(t->pub, 0, 0);
		if (r <= 0) {
			snprintf(err, errlen, "no system trust store (%s): "
			    "install ca-certificates or give --ca-file",
			    r < 0 ? gnutls_strerror(r) : "empty");
			goto fail;
		}
	}
	if (internal_ca != NULL) {
		if (gnutls_x509_trust_list_init(&t->internal, 0) < 0)
			goto nomem;
		if (load_file(t, t->internal, 1, internal_ca, err, errlen) == -1)
			goto fail;
	}
	*out = t;
	return 0;
nomem:
	snprintf(err, errlen, "%s", strerror(ENOMEM));
fail:
	ep_trust_free(t);
	return -1;
}

void
ep_trust_free(struct ep_trust *t)
{
	if (t == NULL)
		return;
	if (t->pub != NULL)
		gnutls_x509_trust_list_deinit(t->pub, 1);
	if (t->internal != NULL)
		gnutls_x509_trust_list_deinit(t->internal, 1);
	free(t->inter);
	ep_certs_free(t->known);
	free(t);
}

/* Returns 1 and the status when list verifies the chain, 0 otherwise. */
static int
verify(gnutls_x509_trust_list_t list, const struct ep_cert *const *chain,
    size_t n, unsigned *status)
{
	gnutls_x509_crt_t	crts[PATH_MAX_CERTS];
	size_t			i;

	*status = GNUTLS_CERT_INVALID;
	if (list == NULL || n == 0 || n > sizeof(crts) / sizeof(crts[0]))
		return 0;
	for (i = 0; i < n; i++)
		crts[i] = ep_cert_crt(chain[i]);
	if (gnutls_x509_trust_list_verify_crt2(list, crts, (unsigned)n, NULL, 0,
	    verify_flags, status, NULL) < 0)
		return 0;
	return *status == 0;
}

static int
is_anchor_issuer(gnutls_x509_trust_list_t list, const struct ep_cert *c)
{
	gnutls_x509_crt_t	issuer = NULL;

	if (list == NULL)
		return 0;
	if (gnutls_x509_trust_list_get_issuer(list, ep_cert_crt(c), &issuer,
	    GNUTLS_TL_GET_COPY) < 0)
		return 0;
	gnutls_x509_crt_deinit(issuer);
	return 1;
}

static void
status_text(unsigned status, char *out, size_t outlen)
{
	gnutls_datum_t	d = { NULL, 0 };

	if (gnutls_certificate_verification_status_print(status,
	    GNUTLS_CRT_X509, &d, 0) < 0) {
		snprintf(out, outlen, "verification failed");
		return;
	}
	snprintf(out, outlen, "%.*s", (int)d.size, (const char *)d.data);
	gnutls_free(d.data);
}

/*
 * Step 1, follow: the path from the leaf through what the server sent,
 * whatever its order, each certificate used once.  Returns its length.
 */
static size_t
follow(const struct ep_cert *const *chain, size_t n,
    const struct ep_cert **path)
{
	const struct ep_cert	*top;
	size_t			 np = 1, i;
	int			 used[EP_CHAIN_SENT_MAX] = { 0 };

	path[0] = chain[0];
	used[0] = 1;
	for (;;) {
		top = path[np - 1];
		if (top->self_signed)
			break;
		for (i = 0; i < n; i++)
			if (!used[i] && ep_cert_issued_by(top, chain[i]))
				break;
		if (i == n)
			break;
		used[i] = 1;
		path[np++] = chain[i];
	}
	return np;
}

/*
 * Step 2, complete: adds the known intermediates (from the CA files)
 * that issued the top of the path, one after the other.  Returns how
 * many were added; the first is named in res->missing.
 */
static size_t
complete(const struct ep_trust *t, int allow_internal,
    const struct ep_cert **path, size_t *np, struct ep_trust_result *res)
{
	const struct ep_cert	*top = path[*np - 1];
	size_t			 i, added = 0;

	while (*np < PATH_MAX_CERTS && !top->self_signed) {
		for (i = 0; i < t->ninter; i++)
			if ((allow_internal || !t->inter[i].internal) &&
			    ep_cert_issued_by(top, t->inter[i].cert))
				break;
		if (i == t->ninter)
			break;
		if (added++ == 0)
			snprintf(res->missing, sizeof(res->missing), "%s",
			    t->inter[i].cert->subject);
		path[(*np)++] = top = t->inter[i].cert;
	}
	return added;
}

/*
 * Step 3, classify: why a path that GnuTLS does not trust fails.  The
 * path is what was sent (completed when added is not 0).
 */
static void
classify(const struct ep_trust *t, int allow_internal,
    const struct ep_cert **path, size_t np, size_t sent, size_t added,
    struct ep_trust_result *res)
{
	const struct ep_cert	*top = path[np - 1];
	unsigned		 status;

	if (added > 0) {
		res->incomplete = 1;
		res->completed = 1;
		if (verify(t->pub, path, np, &status) ||
		    (allow_internal && verify(t->internal, path, np, &status)))
			res->trusted = 1;
		else
			status_text(status, res->reason, sizeof(res->reason));
		return;
	}
	if (sent == 1 && top->self_signed) {
		res->self_signed = 1;
		snprintf(res->reason, sizeof(res->reason), "self-signed");
		return;
	}
	if (top->self_signed) {
		snprintf(res->reason, sizeof(res->reason), "the chain ends at "
		    "%.400s, which is not a trust anchor", top->subject);
		return;
	}
	/* It reaches an anchor but fails: GnuTLS's reason stands. */
	if (is_anchor_issuer(t->pub, top) ||
	    (allow_internal && is_anchor_issuer(t->internal, top)))
		return;
	/*
	 * Nothing known issued the top certificate.  A server that sent no CA
	 * certificate at all has left out its intermediate; one that sent a
	 * CA certificate whose issuer nobody knows leads to an unknown root.
	 */
	if (!top->is_ca) {
		res->incomplete = 1;
		snprintf(res->missing, sizeof(res->missing), "%s", top->issuer);
		snprintf(res->reason, sizeof(res->reason), "its issuer %.400s was "
		    "not sent and is not a trust anchor", top->issuer);
	} else
		snprintf(res->reason, sizeof(res->reason), "the chain ends at "
		    "%.200s, issued by %.200s, which is neither sent nor a trust "
		    "anchor", top->subject, top->issuer);
}

int
ep_trust_verify(const struct ep_trust *t, const struct ep_cert *const *chain,
    size_t n, int allow_internal, struct ep_trust_result *res)
{
	const struct ep_cert	*path[PATH_MAX_CERTS];
	size_t			 np, added = 0;
	unsigned		 status;

	memset(res, 0, sizeof(*res));
	if (n == 0 || n > EP_CHAIN_SENT_MAX) {
		snprintf(res->reason, sizeof(res->reason), "%zu certificates "
		    "sent", n);
		return 0;
	}
	/* Public first: most chains end there, and one verification is enough. */
	if (verify(t->pub, chain, n, &status)) {
		res->trusted = 1;
		return 0;
	}
	status_text(status, res->reason, sizeof(res->reason));
	res->anchor_internal = verify(t->internal, chain, n, &status);
	if (allow_internal && res->anchor_internal) {
		res->trusted = 1;
		return 0;
	}
	if (res->anchor_internal) {
		snprintf(res->reason, sizeof(res->reason), "the chain ends at "
		    "an internal trust anchor");
		return 0;
	}
	np = follow(chain, n, path);
	/* A path that ends at a root, or at an anchor's child, needs no more. */
	if (!path[np - 1]->self_signed && !is_anchor_issuer(t->pub,
	    path[np - 1]) && !(allow_internal && is_anchor_issuer(t->internal,
	    path[np - 1])))
		added = complete(t, allow_internal, path, &np, res);
	classify(t, allow_internal, path, np, n, added, res);
	return 0;
}
