/*
 * What the chains of a run ask to be fetched over HTTP, asked once each,
 * and what came back, recorded in the observations.  Deciding what a
 * chain needs takes its issuers: presented, known to the trust store, or
 * fetched from an AIA caIssuers URL (and then that one's needs in turn).
 * The fetching itself is net/fetch.c's; host names go through the run's
 * lookups.
 */

#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/ep_fetch.h"
#include "net/ep_revfetch.h"
#include "x509/ep_revoke.h"

#define NONE		((size_t)-1)
#define SLOTS_MIN	64
#define CERTS_MAX	(EP_CHAIN_MAX + 8)	/* presented, and fetched issuers */
#define HOST_MAX	256

enum state {
	R_LOOKUP,	/* its host name is being looked up */
	R_FETCHING,
	R_DONE,
};

/* One thing to fetch, once a run. */
struct req {
	struct ep_revfetch	*rf;
	enum ep_fetched_kind	 kind;
	char			*url;
	size_t			 cert;		/* OCSP: about it (store index) */
	unsigned char		*body;		/* OCSP: the request */
	size_t			 bodylen;
	enum state		 state;
	size_t			*waiters;	/* ISSUER: observations to look at
						   again once it is done */
	size_t			 nwait, capwait;
	size_t			 fetched;	/* DONE: in out->fetched */
};

struct ep_revfetch {
	struct ep_fetch		*f;
	struct ep_lookups	*lk;
	const struct ep_trust	*trust;
	struct ep_observations	*out;
	unsigned		 deadline_ms;
	struct req		**reqs;
	size_t			 nreqs, capreqs;
	size_t			*slots;		/* hash of reqs: index + 1 */
	size_t			 nslots;
	size_t			 pending;
	int			 failed;	/* out of memory once */
	int			 interrupted;	/* given up as the run was
						   stopped: what fails from
						   now on was cut short */
	size_t			 last[EP_CHAIN_MAX];	/* the last chain asked */
	size_t			 nlast;
	struct req		**lastreqs;	/* what it waits for */
	size_t			 nlastreqs, caplastreqs;
	int			 collect;	/* need() adds to lastreqs */
	size_t			*open;		/* per observation: requests
						   it waits for */
	size_t			 nopen;
	ep_revfetch_done_cb	*done;
	void			*done_arg;
};

/* ---- the requests, once each ---- */

static uint64_t
hash(enum ep_fetched_kind kind, const char *url, size_t cert)
{
	uint64_t	h = 1469598103934665603ULL;
	const char	*p;
	size_t		 i;

	h = (h ^ (unsigned)kind) * 1099511628211ULL;
	for (p = url; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (i = 0; i < sizeof(cert); i++)
		h = (h ^ ((cert >> (8 * i)) & 0xff)) * 1099511628211ULL;
	return h;
}

static int
same(const struct req *r, enum ep_fetched_kind kind, const char *url,
    size_t cert)
{
	return r->kind == kind && r->cert == cert && strcmp(r->url, url) == 0;
}

/* The slot of (kind, url, cert), or the empty one where it would go. */
static size_t
slot(const struct ep_revfetch *rf, enum ep_fetched_kind kind,
    const char *url, size_t cert)
{
	size_t	i = (size_t)hash(kind, url, cert) & (rf->nslots - 1);

	while (rf->slots[i] != 0 &&
	    !same(rf->reqs[rf->slots[i] - 1], kind, url, cert))
		i = (i + 1) & (rf->nslots - 1);
	return i;
}

static int
grow(struct ep_revfetch *rf)
{
	size_t	*old = rf->slots, n = rf->nslots, i;
	struct req	*r;

	rf->nslots = n ? n * 2 : SLOTS_MIN;
	if ((rf->slots = calloc(rf->nslots, sizeof(*rf->slots))) == NULL) {
		rf->slots = old;
		rf->nslots = n;
		return -1;
	}
	for (i = 0; i < rf->nreqs; i++) {
		r = rf->reqs[i];
		rf->slots[slot(rf, r->kind, r->url, r->cert)] = i + 1;
	}
	free(old);
	return 0;
}

static int
http_url(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0;
}

/* ---- recording what came back ---- */

/* Records how r ended; f->url and the body become the observations'. */
static void
finish(struct req *r, int ok, const char *why, int capped,
    const unsigned char *body, size_t len, unsigned ms)
{
	struct ep_revfetch	*rf = r->rf;
	struct ep_fetched	 f;
	size_t			 idx[EP_CHAIN_MAX];
	char			 err[256];
	int			 n;

	memset(&f, 0, sizeof(f));
	f.kind = r->kind;
	f.cert = r->cert;
	f.issuer = NONE;
	f.ok = ok;
	f.capped = capped;
	f.interrupted = !ok && rf->interrupted;
	f.elapsed_ms = ms;
	snprintf(f.why, sizeof(f.why), "%s", ok ? "" : why);
	if ((f.url = strdup(r->url)) == NULL)
		goto nomem;
	if (ok && r->kind == EP_FETCHED_ISSUER) {
		n = ep_certs_add_issuers(rf->out->certs, body, len, idx,
		    EP_CHAIN_MAX, err, sizeof(err));
		if (n <= 0) {
			f.ok = 0;
			snprintf(f.why, sizeof(f.why), "%s", err);
		} else if ((f.certs = calloc((size_t)n,
		    sizeof(*f.certs))) == NULL)
			goto nomem;
		else {
			memcpy(f.certs, idx, (size_t)n * sizeof(*idx));
			f.ncerts = (size_t)n;
		}
	} else if (ok) {
		if ((f.body = malloc(len ? len : 1)) == NULL)
			goto nomem;
		memcpy(f.body, body, len);
		f.len = len;
	}
	if ((r->fetched = ep_observations_add_fetched(rf->out, &f)) ==
	    (size_t)-1)
		goto nomem;
	r->state = R_DONE;
	rf->pending--;
	return;
nomem:
	free(f.url);
	free(f.body);
	free(f.certs);
	r->state = R_DONE;
	r->fetched = NONE;
	rf->pending--;
	rf->failed = 1;
}

static int need(struct ep_revfetch *rf, size_t i);
static void check_done(struct ep_revfetch *rf, size_t i);

/* r ended: recorded, and who waited on it looks again. */
static void
ended(struct req *r, int ok, const char *why, int capped,
    const unsigned char *body, size_t len, unsigned ms)
{
	struct ep_revfetch	*rf = r->rf;
	size_t			*w = r->waiters, nw = r->nwait, k;

	finish(r, ok, why, capped, body, len, ms);
	r->waiters = NULL;
	r->nwait = r->capwait = 0;
	for (k = 0; k < nw; k++) {
		rf->open[w[k]]--;
		/*
		 * An issuer brings its own needs, which the pool members
		 * still to come wait for too.
		 */
		if (r->kind == EP_FETCHED_ISSUER) {
			rf->collect = 1;
			if (need(rf, w[k]) == -1)
				rf->failed = 1;
			rf->collect = 0;
		}
		check_done(rf, w[k]);
	}
	free(w);
}

static void
fetched(void *arg, const struct ep_fetch_result *res)
{
	ended(arg, res->ok, res->reason, res->capped, res->body, res->len,
	    res->ms);
}

static void
fetched_failed(struct req *r, const char *why)
{
	ended(r, 0, why, 0, NULL, 0, 0);
}

static void
start_fetch(struct req *r, const struct ep_addr *addrs, size_t naddrs)
{
	struct ep_fetch_req	q;

	memset(&q, 0, sizeof(q));
	q.url = r->url;
	q.kind = r->kind == EP_FETCHED_CRL ? EP_FETCH_CRL :
	    r->kind == EP_FETCHED_OCSP ? EP_FETCH_OCSP : EP_FETCH_CERT;
	q.body = r->body;
	q.bodylen = r->bodylen;
	q.content_type = r->body != NULL ? "application/ocsp-request" : NULL;
	q.deadline_ms = r->rf->deadline_ms;
	q.addrs = addrs;
	q.naddrs = naddrs;
	r->state = R_FETCHING;
	if (ep_fetch_get(r->rf->f, &q, fetched, r) == -1)
		fetched_failed(r, errno == ENOMEM ? "out of memory" :
		    "cannot be fetched");
}

/* ---- host names ---- */

/* The URL's host looked up: fetched there, or the lookup's failure. */
static void
looked_up(void *arg, enum ep_dns_status st, const struct ep_addr *addrs,
    size_t n, size_t total, const char *error)
{
	struct req	*r = arg;
	char		 why[256];

	/* A fetch tries a few addresses, never all: the rest are no loss. */
	(void)total;

	/* Ended already, when the run deadline passed. */
	if (r->state != R_LOOKUP)
		return;
	if (st == EP_DNS_ANSWERED && n > 0) {
		start_fetch(r, addrs, n);
		return;
	}
	if (st == EP_DNS_LATE || st == EP_DNS_INTERRUPTED)
		snprintf(why, sizeof(why), "the run %s before its host name "
		    "resolved", st == EP_DNS_LATE ? "deadline passed" :
		    "was interrupted");
	else
		snprintf(why, sizeof(why), "its host name does not resolve: "
		    "%s", error != NULL ? error : "no address");
	fetched_failed(r, why);
}

/*
 * Asks for the fetch of kind of url (about cert, for OCSP, with its
 * request), once: returns the request, new or not; NULL when out of
 * memory.
 */
static struct req *
want(struct ep_revfetch *rf, enum ep_fetched_kind kind, const char *url,
    size_t cert, const struct ep_cert *c, const struct ep_cert *issuer)
{
	struct req	*r, **nv;
	char		 host[HOST_MAX], err[256];
	unsigned char	 a[16];
	size_t		 sl;

	if ((rf->nreqs + 1) * 2 > rf->nslots && grow(rf) == -1)
		return NULL;
	sl = slot(rf, kind, url, cert);
	if (rf->slots[sl] != 0)
		return rf->reqs[rf->slots[sl] - 1];
	if (rf->nreqs == rf->capreqs) {
		size_t	ncap = rf->capreqs ? rf->capreqs * 2 : 32;

		if ((nv = reallocarray(rf->reqs, ncap, sizeof(*nv))) == NULL)
			return NULL;
		rf->reqs = nv;
		rf->capreqs = ncap;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->url = strdup(url)) == NULL) {
		free(r);
		return NULL;
	}
	r->rf = rf;
	r->kind = kind;
	r->cert = cert;
	r->fetched = NONE;
	rf->reqs[rf->nreqs] = r;
	rf->slots[sl] = ++rf->nreqs;
	rf->pending++;
	if (kind == EP_FETCHED_OCSP && ep_ocsp_request(c, issuer, &r->body,
	    &r->bodylen, err, sizeof(err)) == -1) {
		fetched_failed(r, err);
		return r;
	}
	/*
	 * A host name goes through the run's lookups (the user's --dns);
	 * an address is used as it is.
	 */
	if (ep_fetch_url_host(url, host, sizeof(host)) == -1) {
		fetched_failed(r, "not a URL that can be fetched");
		return r;
	}
	if (inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1) {
		start_fetch(r, NULL, 0);
		return r;
	}
	r->state = R_LOOKUP;
	if (ep_lookups_addr_any(rf->lk, host, looked_up, r) == -1)
		fetched_failed(r, "out of memory");
	return r;
}

/* Makes room for observation i's count of requests waited for. */
static int
grow_open(struct ep_revfetch *rf, size_t i)
{
	size_t	*nv, ncap;

	if (i < rf->nopen)
		return 0;
	ncap = rf->nopen ? rf->nopen : 64;
	while (ncap <= i)
		ncap *= 2;
	if ((nv = reallocarray(rf->open, ncap, sizeof(*nv))) == NULL)
		return -1;
	memset(nv + rf->nopen, 0, (ncap - rf->nopen) * sizeof(*nv));
	rf->open = nv;
	rf->nopen = ncap;
	return 0;
}

/* r is among what the last chain asked waits for. */
static int
keep_last(struct ep_revfetch *rf, struct req *r)
{
	struct req	**nv;
	size_t		  ncap;

	if (rf->nlastreqs == rf->caplastreqs) {
		ncap = rf->caplastreqs ? rf->caplastreqs * 2 : 8;
		if ((nv = reallocarray(rf->lastreqs, ncap,
		    sizeof(*nv))) == NULL)
			return -1;
		rf->lastreqs = nv;
		rf->caplastreqs = ncap;
	}
	rf->lastreqs[rf->nlastreqs++] = r;
	return 0;
}

/* Observation i waits for nothing more: the caller's to judge. */
static void
check_done(struct ep_revfetch *rf, size_t i)
{
	if ((i >= rf->nopen || rf->open[i] == 0) && rf->done != NULL)
		rf->done(rf->done_arg, i);
}

/*
 * Adds observation i to those r's end concerns: it is judged once all
 * it waits for ended, and an issuer's brings it back to need().
 */
static int
wait_on(struct req *r, size_t i)
{
	size_t	*nv, k;

	for (k = 0; k < r->nwait; k++)
		if (r->waiters[k] == i)
			return 0;
	if (r->nwait == r->capwait) {
		size_t	ncap = r->capwait ? r->capwait * 2 : 4;

		if ((nv = reallocarray(r->waiters, ncap, sizeof(*nv))) == NULL)
			return -1;
		r->waiters = nv;
		r->capwait = ncap;
	}
	if (grow_open(r->rf, i) == -1)
		return -1;
	r->waiters[r->nwait++] = i;
	r->rf->open[i]++;
	if (r->rf->collect)
		return keep_last(r->rf, r);
	return 0;
}

/* want(), observation i waiting for it until it is done. */
static int
want_for(struct ep_revfetch *rf, size_t i, enum ep_fetched_kind kind,
    const char *url, size_t cert, const struct ep_cert *c,
    const struct ep_cert *issuer)
{
	struct req	*r;

	if ((r = want(rf, kind, url, cert, c, issuer)) == NULL)
		return -1;
	return r->state == R_DONE ? 0 : wait_on(r, i);
}

/* 1 when store index c is among the n of v. */
static int
among(const size_t *v, size_t n, size_t c)
{
	size_t	k;

	for (k = 0; k < n; k++)
		if (v[k] == c)
			return 1;
	return 0;
}

/*
 * The issuer of certificate k of list v: presented, then fetched from
 * the AIA URLs of it (appended to v), then in the trust store (*known).
 * Sets *issuer (store index in v, or NONE) and returns the certificate,
 * or NULL: none yet, and the AIA fetches that may bring it are asked for,
 * observation i waiting on them.  Returns NULL and sets *oom on memory.
 */
static const struct ep_cert *
issuer_of(struct ep_revfetch *rf, size_t i, size_t *v, size_t *n, size_t k,
    int *oom)
{
	const struct ep_certs	*s = rf->out->certs;
	const struct ep_cert	*c = ep_certs_get(s, v[k]), *x;
	const struct ep_fetched	*f;
	struct req		*r;
	size_t			 j, u;

	for (j = 0; j < *n; j++)
		if (j != k && ep_cert_issued_by(c, ep_certs_get(s, v[j])))
			return ep_certs_get(s, v[j]);
	if ((x = ep_trust_issuer(rf->trust, c, 1)) != NULL)
		return x;
	if (c->self_signed)
		return NULL;
	for (u = 0; u < c->nissuer_urls; u++) {
		if (!http_url(c->issuer_urls[u]))
			continue;
		if ((r = want(rf, EP_FETCHED_ISSUER, c->issuer_urls[u], NONE,
		    NULL, NULL)) == NULL) {
			*oom = 1;
			return NULL;
		}
		if (r->state != R_DONE) {
			if (wait_on(r, i) == -1)
				*oom = 1;
			continue;
		}
		if (r->fetched == NONE)
			continue;
		f = &rf->out->fetched[r->fetched];
		for (j = 0; f->ok && j < f->ncerts; j++) {
			x = ep_certs_get(s, f->certs[j]);
			if (!ep_cert_issued_by(c, x))
				continue;
			if (!among(v, *n, f->certs[j]) && *n < CERTS_MAX)
				v[(*n)++] = f->certs[j];
			return x;
		}
	}
	return NULL;
}

/*
 * What observation i's chain needs, asked for: the CRLs of every
 * certificate, the leaf's OCSP answer when it has no staple, and the
 * issuers not presented.
 */
static int
need(struct ep_revfetch *rf, size_t i)
{
	const struct ep_obs	*obs = &rf->out->v[i];
	const struct ep_cert	*c, *issuer;
	size_t			 v[CERTS_MAX], n = 0, k, u;
	int			 oom = 0;

	for (k = 0; k < obs->chain_len && k < EP_CHAIN_MAX; k++)
		if (ep_certs_get(rf->out->certs, obs->chain[k])->malformed[0] ==
		    '\0')
			v[n++] = obs->chain[k];
	for (k = 0; k < n && !oom; k++) {
		c = ep_certs_get(rf->out->certs, v[k]);
		for (u = 0; u < c->ncrl_urls; u++)
			if (http_url(c->crl_urls[u]) && want_for(rf, i,
			    EP_FETCHED_CRL, c->crl_urls[u], NONE, NULL,
			    NULL) == -1)
				return -1;
		issuer = issuer_of(rf, i, v, &n, k, &oom);
		/* A server's own certificate comes first; a good staple is
		 * what clients use. */
		if (k != 0 || issuer == NULL || obs->staple > 0 ||
		    obs->chain[0] != v[0])
			continue;
		for (u = 0; u < c->nocsp_urls; u++)
			if (http_url(c->ocsp_urls[u]) && want_for(rf, i,
			    EP_FETCHED_OCSP, c->ocsp_urls[u], v[0], c,
			    issuer) == -1)
				return -1;
	}
	return oom ? -1 : 0;
}

/* ---- the loop's part ---- */

int
ep_revfetch_new(struct ep_revfetch **out, struct ep_poller *poller,
    struct ep_lookups *lk, const struct ep_trust *trust,
    struct ep_observations *obs, const struct ep_revfetch_opts *opts,
    char *err, size_t errlen)
{
	struct ep_revfetch	*rf;
	struct ep_fetch_opts	 fo;

	*out = NULL;
	if ((rf = calloc(1, sizeof(*rf))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	memset(&fo, 0, sizeof(fo));
	if (opts != NULL) {
		fo.user_agent = opts->user_agent;
		fo.max_concurrent = opts->max_concurrent;
		fo.deadline_ms = opts->deadline_ms;
		rf->deadline_ms = opts->deadline_ms;
	}
	if (ep_fetch_new(&rf->f, poller, &fo, err, errlen) == -1) {
		free(rf);
		return -1;
	}
	rf->lk = lk;
	rf->trust = trust;
	rf->out = obs;
	if (opts != NULL) {
		rf->done = opts->done;
		rf->done_arg = opts->done_arg;
	}
	*out = rf;
	return 0;
}

void
ep_revfetch_free(struct ep_revfetch *rf)
{
	size_t	i;

	if (rf == NULL)
		return;
	/* What is still in flight is called back, and recorded, from here. */
	ep_fetch_free(rf->f);
	for (i = 0; i < rf->nreqs; i++) {
		free(rf->reqs[i]->url);
		free(rf->reqs[i]->body);
		free(rf->reqs[i]->waiters);
		free(rf->reqs[i]);
	}
	free(rf->reqs);
	free(rf->slots);
	free(rf->lastreqs);
	free(rf->open);
	free(rf);
}

int
ep_revfetch_obs(struct ep_revfetch *rf, size_t i)
{
	const struct ep_obs	*obs = &rf->out->v[i];
	size_t			 k;
	int			 rc;

	if (grow_open(rf, i) == -1)
		return -1;
	rf->open[i] = 0;
	if (obs->status != EP_OBS_OK || obs->chain_len == 0) {
		check_done(rf, i);
		return 0;
	}
	/*
	 * A pool presents one chain: its needs are asked for already, and
	 * it waits for what the last one waits for.
	 */
	if (obs->chain_len == rf->nlast && obs->staple == 0 &&
	    memcmp(obs->chain, rf->last, rf->nlast * sizeof(rf->last[0])) ==
	    0) {
		for (k = 0; k < rf->nlastreqs; k++)
			if (rf->lastreqs[k]->state != R_DONE &&
			    wait_on(rf->lastreqs[k], i) == -1)
				return -1;
		check_done(rf, i);
		return 0;
	}
	memcpy(rf->last, obs->chain, obs->chain_len * sizeof(rf->last[0]));
	rf->nlast = obs->chain_len;
	rf->nlastreqs = 0;
	rf->collect = 1;
	rc = need(rf, i);
	rf->collect = 0;
	if (rc == -1 || rf->failed)
		return -1;
	check_done(rf, i);
	return 0;
}

int
ep_revfetch_owns(const struct ep_revfetch *rf, const void *arg)
{
	return ep_fetch_owns(rf->f, arg);
}

int
ep_revfetch_event(struct ep_revfetch *rf, int fd, unsigned events)
{
	return ep_fetch_event(rf->f, fd, events);
}

int
ep_revfetch_timeout(const struct ep_revfetch *rf)
{
	return ep_fetch_timeout(rf->f);
}

int
ep_revfetch_tick(struct ep_revfetch *rf)
{
	return ep_fetch_tick(rf->f);
}

size_t
ep_revfetch_pending(const struct ep_revfetch *rf)
{
	return rf->pending;
}

void
ep_revfetch_give_up(struct ep_revfetch *rf, const char *why, int interrupted)
{
	size_t	i;

	rf->interrupted = interrupted;
	ep_fetch_cancel_all(rf->f, why);
	/* Lookups are the run's: what still waits on one ends here. */
	for (i = 0; i < rf->nreqs; i++)
		if (rf->reqs[i]->state == R_LOOKUP)
			fetched_failed(rf->reqs[i], why);
}
