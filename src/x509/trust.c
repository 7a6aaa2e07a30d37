/*
 * Trust anchors and certification paths.  The path is built here, as a
 * client builds it; GnuTLS's trust lists verify it; this module explains
 * a failure: a missing intermediate, a self-signed leaf, an unknown root.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "x509/cert_impl.h"
#include "x509/ep_constraints.h"
#include "x509/ep_trust.h"

#define ANCHORS_MAX		(2 * EP_TRUST_FILE_MAX)
#define SEARCH_MAX		4096	/* paths tried for one chain: a hostile
					   chain of look-alike CAs ends here */

/* A CA certificate the CA files or the store hold. */
struct known {
	const struct ep_cert	*cert;		/* in ep_trust.certs */
	int			 internal;	/* from the internal CA file */
};

struct ep_trust {
	gnutls_x509_trust_list_t	 pub;		/* public anchors */
	gnutls_x509_trust_list_t	 internal;	/* internal anchors, or NULL */
	struct ep_certs			*certs;		/* everything below */
	struct known			*anchors;
	size_t				 nanchors;
	struct known			*inter;		/* known intermediates */
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

static void
add_known(struct known *v, size_t *n, size_t max, const struct ep_cert *c,
    int internal)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if (v[i].cert == c && v[i].internal == internal)
			return;
	if (*n < max) {
		v[*n].cert = c;
		v[(*n)++].internal = internal;
	}
}

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
	if ((n = ep_certs_load_file(t->certs, path, idx, EP_TRUST_FILE_MAX, err,
	    errlen)) == -1)
		goto out;
	for (i = 0; i < (size_t)n; i++) {
		const struct ep_cert	*c = ep_certs_get(t->certs, idx[i]);
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
			add_known(t->anchors, &t->nanchors, ANCHORS_MAX, c,
			    internal);
			anchors++;
		} else if (c->is_ca)
			add_known(t->inter, &t->ninter, EP_TRUST_FILE_MAX, c,
			    internal);
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

/*
 * The system store's anchors, kept as certificates too, so that a path
 * is built to them as to a CA file's.  One that does not parse here is
 * left to GnuTLS alone.
 */
static int
load_system(struct ep_trust *t, char *err, size_t errlen)
{
	gnutls_x509_trust_list_iter_t	 iter = NULL;
	gnutls_x509_crt_t		 crt;
	gnutls_datum_t			 der;
	size_t				 idx;
	char				 why[256];
	int				 r;

	r = gnutls_x509_trust_list_add_system_trust(t->pub, 0, 0);
	if (r <= 0) {
		snprintf(err, errlen, "no system trust store (%s): install "
		    "ca-certificates or give --ca-file", r < 0 ?
		    gnutls_strerror(r) : "empty");
		return -1;
	}
	while (gnutls_x509_trust_list_iter_get_ca(t->pub, &iter, &crt) == 0) {
		if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER,
		    &der) == 0) {
			if (ep_certs_add(t->certs, der.data, der.size, &idx, why,
			    sizeof(why)) == 0)
				add_known(t->anchors, &t->nanchors, ANCHORS_MAX,
				    ep_certs_get(t->certs, idx), 0);
			gnutls_free(der.data);
		}
		gnutls_x509_crt_deinit(crt);
	}
	gnutls_x509_trust_list_iter_deinit(iter);
	return 0;
}

int
ep_trust_new(struct ep_trust **out, const char *ca_file,
    const char *internal_ca, char *err, size_t errlen)
{
	struct ep_trust	*t;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->certs = ep_certs_new()) == NULL ||
	    (t->anchors = calloc(ANCHORS_MAX, sizeof(*t->anchors))) == NULL ||
	    (t->inter = calloc(EP_TRUST_FILE_MAX, sizeof(*t->inter))) == NULL)
		goto nomem;
	if (gnutls_x509_trust_list_init(&t->pub, 0) < 0)
		goto nomem;
	if (ca_file != NULL) {
		if (load_file(t, t->pub, 0, ca_file, err, errlen) == -1)
			goto fail;
	} else if (load_system(t, err, errlen) == -1)
		goto fail;
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
	free(t->anchors);
	free(t->inter);
	ep_certs_free(t->certs);
	free(t);
}

size_t
ep_trust_leaf(const struct ep_cert *const *chain, size_t n)
{
	size_t	i, j, best = n;

	for (i = 0; i < n; i++) {
		if (chain[i]->malformed[0] != '\0')
			continue;
		for (j = 0; j < n; j++)
			if (j != i && chain[j] != chain[i] &&
			    ep_cert_issued_by(chain[j], chain[i]))
				break;
		if (j < n)
			continue;
		/* A CA's certificate is a leaf only when nothing else is. */
		if (best == n || (chain[best]->is_ca && !chain[i]->is_ca))
			best = i;
	}
	return best == n ? 0 : best;
}

/* ---- building the path ---- */

/* How good a path is, compared field by field, the first deciding. */
struct score {
	int	anchored;	/* 2: an anchor the role accepts; 1: an internal
				   one it does not; 0: none */
	int	valid;		/* every certificate, the anchor's too, valid at
				   the moment judged */
	int	unsent;		/* known intermediates it needs: fewer wins */
	int	len;		/* shorter wins */
};

/* One search: the chain given, and the best path found so far. */
struct search {
	const struct ep_trust	*t;
	const struct ep_cert	*const *chain;
	size_t			 n;
	const struct ep_cert	*const *fetched;
	size_t			 nfetched;
	int			 allow_internal;
	time_t			 at;
	unsigned		 tries;
	const struct ep_cert	*path[EP_TRUST_PATH_MAX];
	int			 sent[EP_TRUST_PATH_MAX];
	int			 from_aia[EP_TRUST_PATH_MAX];
	int			 used[EP_TRUST_SENT_MAX];
	size_t			 np;
	/* The best: */
	struct score		 best;
	int			 have_best;
	const struct ep_cert	*bpath[EP_TRUST_PATH_MAX];
	int			 bsent[EP_TRUST_PATH_MAX];
	int			 bfetched[EP_TRUST_PATH_MAX];
	size_t			 bnp;
	const struct known	*banchor;
};

static int
valid_at(const struct ep_cert *c, time_t at)
{
	return c->not_before <= at && at <= c->not_after;
}

/* 1 when a is better than b. */
static int
better(const struct score *a, const struct score *b)
{
	if (a->anchored != b->anchored)
		return a->anchored > b->anchored;
	if (a->valid != b->valid)
		return a->valid > b->valid;
	if (a->unsent != b->unsent)
		return a->unsent < b->unsent;
	return a->len < b->len;
}

/* Offers the path as it stands, ending at anchor a (or at none). */
static void
offer(struct search *s, const struct known *a)
{
	struct score	sc;
	size_t		i;

	sc.anchored = a == NULL ? 0 : (!a->internal || s->allow_internal) ?
	    2 : 1;
	sc.valid = a == NULL || valid_at(a->cert, s->at);
	sc.unsent = 0;
	for (i = 0; i < s->np; i++) {
		sc.valid &= valid_at(s->path[i], s->at);
		sc.unsent += !s->sent[i];
	}
	sc.len = (int)s->np;
	if (s->have_best && !better(&sc, &s->best))
		return;
	s->best = sc;
	s->have_best = 1;
	memcpy(s->bpath, s->path, s->np * sizeof(s->path[0]));
	memcpy(s->bsent, s->sent, s->np * sizeof(s->sent[0]));
	memcpy(s->bfetched, s->from_aia, s->np * sizeof(s->from_aia[0]));
	s->bnp = s->np;
	s->banchor = a;
}

static int
on_path(const struct search *s, const struct ep_cert *c)
{
	size_t	i;

	for (i = 0; i < s->np; i++)
		if (s->path[i] == c)
			return 1;
	return 0;
}

/*
 * Extends the path from its top, depth first: every anchor that issued
 * the top ends a path; every presented certificate, then every known
 * intermediate, that issued it goes on.  A top nothing issued ends one
 * too, without an anchor.
 */
static void
extend(struct search *s)
{
	const struct ep_trust	*t = s->t;
	const struct ep_cert	*top = s->path[s->np - 1];
	size_t			 i;
	int			 ended = 0, went = 0;

	if (++s->tries > SEARCH_MAX)
		return;
	for (i = 0; i < t->nanchors; i++)
		if (ep_cert_issued_by(top, t->anchors[i].cert)) {
			offer(s, &t->anchors[i]);
			ended = 1;
		}
	/* A client stops at an anchor; so does this, once one is reached. */
	if (ended || top->self_signed || s->np == EP_TRUST_PATH_MAX) {
		if (!ended)
			offer(s, NULL);
		return;
	}
	for (i = 0; i < s->n; i++) {
		if (s->used[i] || on_path(s, s->chain[i]) ||
		    !ep_cert_issued_by(top, s->chain[i]))
			continue;
		s->used[i] = 1;
		s->sent[s->np] = 1;
		s->from_aia[s->np] = 0;
		s->path[s->np++] = s->chain[i];
		extend(s);
		s->np--;
		s->used[i] = 0;
		went = 1;
	}
	for (i = 0; i < t->ninter; i++) {
		if ((t->inter[i].internal && !s->allow_internal) ||
		    on_path(s, t->inter[i].cert) ||
		    !ep_cert_issued_by(top, t->inter[i].cert))
			continue;
		s->sent[s->np] = 0;
		s->from_aia[s->np] = 0;
		s->path[s->np++] = t->inter[i].cert;
		extend(s);
		s->np--;
		went = 1;
	}
	/* What a client that fetches AIA issuers would have. */
	for (i = 0; i < s->nfetched; i++) {
		if (on_path(s, s->fetched[i]) ||
		    !ep_cert_issued_by(top, s->fetched[i]))
			continue;
		s->sent[s->np] = 0;
		s->from_aia[s->np] = 1;
		s->path[s->np++] = s->fetched[i];
		extend(s);
		s->np--;
		went = 1;
	}
	if (!went)
		offer(s, NULL);
}

/* ---- verifying and explaining it ---- */

/* Returns 1 and the status when list verifies the path, 0 otherwise. */
static int
verify(gnutls_x509_trust_list_t list, const struct ep_cert *const *path,
    size_t n, unsigned *status)
{
	gnutls_x509_crt_t	crts[EP_TRUST_PATH_MAX];
	size_t			i;

	*status = GNUTLS_CERT_INVALID;
	if (list == NULL || n == 0 || n > EP_TRUST_PATH_MAX)
		return 0;
	for (i = 0; i < n; i++)
		crts[i] = ep_cert_crt(path[i]);
	if (gnutls_x509_trust_list_verify_crt2(list, crts, (unsigned)n, NULL, 0,
	    verify_flags, status, NULL) < 0)
		return 0;
	return *status == 0;
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

/* 1 when chain[k] was presented before. */
static int
repeated(const struct ep_cert *const *chain, size_t k)
{
	size_t	i;

	for (i = 0; i < k; i++)
		if (chain[i] == chain[k])
			return 1;
	return 0;
}

/* Which presented certificates the path leaves out, and their order. */
static void
presented(const struct search *s, size_t leaf, struct ep_trust_result *res)
{
	size_t	i, j, k = 1;

	for (i = 0; i < s->n; i++) {
		for (j = 0; j < s->bnp; j++)
			if (s->bpath[j] == s->chain[i] && s->bsent[j])
				break;
		if (j == s->bnp && i != leaf && res->nextra < EP_TRUST_SENT_MAX)
			res->extra[res->nextra++] = i;
	}
	/*
	 * The leaf first, then each presented issuer right after; a
	 * certificate presented twice counts once (clients skip repeats).
	 */
	res->in_order = leaf == 0;
	for (j = 1; j < s->bnp && res->in_order; j++) {
		if (!s->bsent[j])
			continue;
		while (k < s->n && repeated(s->chain, k))
			k++;
		res->in_order = k < s->n && s->chain[k] == s->bpath[j];
		k++;
	}
}

/*
 * 1 when a certificate of the path (the anchor's constraints counting)
 * is outside the name constraints of a CA above it.
 */
static int
outside_constraints(const struct ep_trust_result *res)
{
	const struct ep_cert	*above[EP_TRUST_PATH_MAX + 1];
	char			 name[EP_CONSTRAINT_NAME_MAX];
	size_t			 n = res->npath, i, j;

	memcpy(above, res->path, n * sizeof(above[0]));
	if (res->anchor != NULL)
		above[n++] = res->anchor;
	for (i = 0; i < res->npath; i++)
		for (j = i + 1; j < n; j++)
			if (ep_cert_within_constraints(above[j], res->path[i],
			    i == 0, name, sizeof(name)) == 0)
				return 1;
	return 0;
}

/* Why a path that reaches no accepted anchor fails. */
static void
explain(struct ep_trust_result *res, size_t n)
{
	const struct ep_cert	*top = res->path[res->npath - 1];

	if (res->anchor_internal) {
		snprintf(res->reason, sizeof(res->reason), "the chain ends at "
		    "an internal trust anchor");
		return;
	}
	if (res->npath == 1 && n == 1 && top->self_signed) {
		res->self_signed = 1;
		snprintf(res->reason, sizeof(res->reason), "self-signed");
		return;
	}
	if (top->self_signed) {
		snprintf(res->reason, sizeof(res->reason), "the chain ends at "
		    "%.400s, which is not a trust anchor", top->subject);
		return;
	}
	/*
	 * Nothing known issued the top: whatever it is, an intermediate not
	 * sent or a root not trusted, the chain as presented stops short of
	 * an anchor, wherever the anchors come from.
	 */
	res->incomplete = 1;
	if (res->missing[0] == '\0')
		snprintf(res->missing, sizeof(res->missing), "%s", top->issuer);
	snprintf(res->reason, sizeof(res->reason), "%.200s's issuer %.200s "
	    "was not presented and is not a trust anchor", top->subject,
	    top->issuer);
}

const struct ep_cert *
ep_trust_issuer(const struct ep_trust *t, const struct ep_cert *c,
    int allow_internal)
{
	size_t	i;

	for (i = 0; i < t->nanchors; i++)
		if ((allow_internal || !t->anchors[i].internal) &&
		    ep_cert_issued_by(c, t->anchors[i].cert))
			return t->anchors[i].cert;
	for (i = 0; i < t->ninter; i++)
		if ((allow_internal || !t->inter[i].internal) &&
		    ep_cert_issued_by(c, t->inter[i].cert))
			return t->inter[i].cert;
	return NULL;
}

int
ep_trust_verify(const struct ep_trust *t, const struct ep_cert *const *chain,
    size_t n, size_t leaf, const struct ep_cert *const *fetched,
    size_t nfetched, int allow_internal, time_t at,
    struct ep_trust_result *res)
{
	struct search	*s;
	unsigned	 status;
	size_t		 i;

	memset(res, 0, sizeof(*res));
	if (n == 0 || n > EP_TRUST_SENT_MAX || leaf >= n) {
		snprintf(res->reason, sizeof(res->reason), "%zu certificates "
		    "presented", n);
		return 0;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->t = t;
	s->chain = chain;
	s->n = n;
	s->fetched = fetched;
	s->nfetched = nfetched;
	s->allow_internal = allow_internal;
	s->at = at;
	s->path[0] = chain[leaf];
	s->sent[0] = 1;
	s->used[leaf] = 1;
	s->np = 1;
	extend(s);
	if (!s->have_best)	/* the search bound, at once: the leaf alone */
		offer(s, NULL);

	memcpy(res->path, s->bpath, s->bnp * sizeof(s->bpath[0]));
	memcpy(res->path_sent, s->bsent, s->bnp * sizeof(s->bsent[0]));
	memcpy(res->path_fetched, s->bfetched, s->bnp * sizeof(s->bfetched[0]));
	res->npath = s->bnp;
	res->anchor = s->banchor != NULL ? s->banchor->cert : NULL;
	res->anchor_internal = s->banchor != NULL && s->banchor->internal;
	presented(s, leaf, res);
	for (i = 0; i < res->npath; i++)
		if (!res->path_sent[i] && res->missing[0] == '\0')
			snprintf(res->missing, sizeof(res->missing), "%s",
			    res->path[i]->subject);
	res->incomplete = res->missing[0] != '\0';

	if (s->best.anchored == 2) {
		gnutls_x509_trust_list_t	list = s->banchor->internal ?
						    t->internal : t->pub;

		res->completed = res->incomplete;
		if (verify(list, res->path, res->npath, &status))
			res->trusted = 1;
		else {
			status_text(status, res->reason, sizeof(res->reason));
			res->constraints = (status & ~(unsigned)(
			    GNUTLS_CERT_INVALID |
			    GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE)) == 0 &&
			    outside_constraints(res);
		}
	} else
		explain(res, n);
	free(s);
	return 0;
}
