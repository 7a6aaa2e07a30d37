/* Observations: what the probes and discovery saw, in a stable order. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "input/ep_hash.h"
#include "net/ep_observe.h"

#define EP_OBS_MAX	(1024 * 1024)	/* observations in one run */

static const struct ep_disc_record_info disc_records[EP_DISC__MAX] = {
	[EP_DISC_SIP_SRV] = { "_sip._tls.", 1, 0 },
	[EP_DISC_FED_SRV] = { "_sipfederationtls._tcp.", 1, 1 },
	[EP_DISC_SIP] = { "sip.", 0, 0 },
	[EP_DISC_LYNCDISCOVER] = { "lyncdiscover.", 0, 0 },
	[EP_DISC_MEET] = { "meet.", 0, 0 },
	[EP_DISC_DIALIN] = { "dialin.", 0, 0 },
};

const struct ep_disc_record_info *
ep_disc_record(enum ep_disc_record r)
{
	return &disc_records[r];
}

int
ep_disc_qname(enum ep_disc_record r, const char *d, char *out, size_t outlen)
{
	int	n;

	n = snprintf(out, outlen, "%s%s", disc_records[r].prefix, d);
	return n < 0 || (size_t)n >= outlen || n > EP_NAME_MAX ? -1 : 0;
}

int
ep_observations_discoveries(struct ep_observations *o, size_t n)
{
	size_t	i;

	if (n == 0)
		return 0;
	if ((o->disc = calloc(n, sizeof(*o->disc))) == NULL)
		return -1;
	o->ndisc = n;
	for (i = 0; i < n; i++)
		o->disc[i].chosen = -1;
	return 0;
}

int
ep_observations_init(struct ep_observations *o)
{
	memset(o, 0, sizeof(*o));
	if ((o->certs = ep_certs_new()) == NULL)
		return -1;
	return 0;
}

size_t
ep_observations_add(struct ep_observations *o, const struct ep_obs *obs)
{
	struct ep_obs	*nv;
	size_t		 i;

	if (o->nspare > 0) {
		i = o->spare[--o->nspare];
		o->v[i] = *obs;
		return i;
	}
	if (o->n == o->cap) {
		size_t	ncap = o->cap ? o->cap * 2 : 64;

		if (ncap > EP_OBS_MAX || (nv = reallocarray(o->v, ncap,
		    sizeof(*nv))) == NULL)
			return (size_t)-1;
		o->v = nv;
		o->cap = ncap;
	}
	o->v[o->n] = *obs;
	return o->n++;
}

int
ep_observations_retire(struct ep_observations *o, size_t i)
{
	struct ep_fetched	*f;
	size_t			*nv;

	if (o->nspare == o->spare_cap) {
		size_t	ncap = o->spare_cap ? o->spare_cap * 2 : 64;

		if ((nv = reallocarray(o->spare, ncap, sizeof(*nv))) == NULL)
			return -1;
		o->spare = nv;
		o->spare_cap = ncap;
	}
	if (o->v[i].staple > 0) {
		f = &o->fetched[o->v[i].staple - 1];
		free(f->body);
		f->body = NULL;
		f->len = 0;
	}
	memset(&o->v[i], 0, sizeof(o->v[i]));
	o->spare[o->nspare++] = i;
	return 0;
}

/* Whether f is found by its kind, URL and certificate. */
static int
keyed(const struct ep_fetched *f)
{
	return f->kind != EP_FETCHED_STAPLE && !f->given && f->url != NULL;
}

/*
 * The hash of (kind, url, cert): the certificate counts for an OCSP
 * response alone, by its place in memory, as ep_observations_fetched
 * is asked.
 */
static size_t
fetched_hash(enum ep_fetched_kind kind, const char *url,
    const struct ep_cert *cert)
{
	size_t	h = ep_hash(url, strlen(url), EP_HASH_INIT ^ (size_t)kind);

	if (kind == EP_FETCHED_OCSP)
		h = ep_hash(&cert, sizeof(cert), h);
	return h;
}

static int
fetched_is(const struct ep_observations *o, const struct ep_fetched *f,
    enum ep_fetched_kind kind, const char *url, const struct ep_cert *cert)
{
	return f->kind == kind && strcmp(f->url, url) == 0 &&
	    (kind != EP_FETCHED_OCSP || ep_certs_get(o->certs, f->cert) == cert);
}

/* The cert an OCSP entry is about, else NULL: as the hash takes it. */
static const struct ep_cert *
fetched_cert(const struct ep_observations *o, const struct ep_fetched *f)
{
	return f->kind == EP_FETCHED_OCSP ? ep_certs_get(o->certs, f->cert) :
	    NULL;
}

/* Puts entry i in the table, which has room. */
static void
fslot_put(struct ep_observations *o, size_t i)
{
	const struct ep_fetched	*f = &o->fetched[i];
	size_t			 k;

	k = fetched_hash(f->kind, f->url, fetched_cert(o, f)) &
	    (o->nfslots - 1);
	while (o->fslots[k] != 0)
		k = (k + 1) & (o->nfslots - 1);
	o->fslots[k] = i + 1;
}

/* Makes room in the table for one entry more. */
static int
fslots_grow(struct ep_observations *o)
{
	size_t	*nv, n, i;

	if ((o->nfkeyed + 1) * 2 <= o->nfslots)
		return 0;
	n = o->nfslots ? o->nfslots * 2 : 64;
	if ((nv = calloc(n, sizeof(*nv))) == NULL)
		return -1;
	free(o->fslots);
	o->fslots = nv;
	o->nfslots = n;
	for (i = 0; i < o->nfetched; i++)
		if (keyed(&o->fetched[i]))
			fslot_put(o, i);
	return 0;
}

size_t
ep_observations_add_fetched(struct ep_observations *o,
    const struct ep_fetched *f)
{
	struct ep_fetched	*nv;

	if (o->nfetched == o->fetched_cap) {
		size_t	ncap = o->fetched_cap ? o->fetched_cap * 2 : 16;

		if ((nv = reallocarray(o->fetched, ncap, sizeof(*nv))) == NULL)
			return (size_t)-1;
		o->fetched = nv;
		o->fetched_cap = ncap;
	}
	if (keyed(f) && fslots_grow(o) == -1)
		return (size_t)-1;
	o->fetched[o->nfetched] = *f;
	if (keyed(f)) {
		fslot_put(o, o->nfetched);
		o->nfkeyed++;
	}
	return o->nfetched++;
}

const struct ep_fetched *
ep_observations_fetched(const struct ep_observations *o,
    enum ep_fetched_kind kind, const char *url, const struct ep_cert *cert)
{
	size_t	k;

	if (o->nfslots == 0)
		return NULL;
	k = fetched_hash(kind, url, kind == EP_FETCHED_OCSP ? cert : NULL) &
	    (o->nfslots - 1);
	for (; o->fslots[k] != 0; k = (k + 1) & (o->nfslots - 1))
		if (fetched_is(o, &o->fetched[o->fslots[k] - 1], kind, url,
		    cert))
			return &o->fetched[o->fslots[k] - 1];
	return NULL;
}

static int
cmp_obs(const void *a, const void *b)
{
	const struct ep_obs	*x = a, *y = b;
	int			 c;

	if (x->target != y->target)
		return x->target < y->target ? -1 : 1;
	/* No address, then IPv4, then IPv6 (AF_INET < AF_INET6), then port. */
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if ((c = memcmp(x->addr, y->addr, sizeof(x->addr))) != 0)
		return c;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return 0;
}

void
ep_observations_sort(struct ep_observations *o)
{
	if (o->n > 1)
		qsort(o->v, o->n, sizeof(*o->v), cmp_obs);
}

void
ep_observations_remap(struct ep_observations *o, const size_t *remap)
{
	size_t	i;

	for (i = 0; i < o->n; i++)
		o->v[i].target = remap[o->v[i].target];
}

void
ep_observations_clear(struct ep_observations *o)
{
	size_t	i, c, r;

	if (o == NULL)
		return;
	for (i = 0; i < o->ndisc; i++)
		for (c = 0; c < EP_DISC_CANDIDATES; c++)
			for (r = 0; r < EP_DISC__MAX; r++) {
				free(o->disc[i].answer[c][r].srv);
				free(o->disc[i].answer[c][r].addrs);
			}
	free(o->disc);
	free(o->v);
	free(o->spare);
	for (i = 0; i < o->nfetched; i++) {
		free(o->fetched[i].url);
		free(o->fetched[i].body);
		free(o->fetched[i].certs);
	}
	free(o->fetched);
	free(o->fslots);
	ep_certs_free(o->certs);
	memset(o, 0, sizeof(*o));
}

const char *
ep_obs_status_name(enum ep_obs_status s)
{
	static const char	*names[] = {
		[EP_OBS_OK] = "ok",
		[EP_OBS_NO_ADDRESS] = "no-address",
		[EP_OBS_CONNECT_FAILED] = "connect-failed",
		[EP_OBS_TIMEOUT] = "timeout",
		[EP_OBS_HANDSHAKE_FAILED] = "handshake-failed",
		[EP_OBS_INTERRUPTED] = "interrupted",
	};

	return names[s];
}

const char *
ep_obs_kind_name(enum ep_obs_kind k)
{
	static const char	*names[] = {
		[EP_OBS_LIVE] = "live",
		[EP_OBS_CHAIN] = "chain",
		[EP_OBS_PFX] = "pfx",
		[EP_OBS_CSR] = "csr",
	};

	return names[k];
}

enum ep_input
ep_obs_input(enum ep_obs_kind k)
{
	return k == EP_OBS_LIVE ? EP_INPUT_SERVER : k == EP_OBS_CSR ?
	    EP_INPUT_REQUEST : EP_INPUT_FILE;
}

void
ep_obs_where(const struct ep_obs *o, const char *file, char *out,
    size_t outlen)
{
	if (o->kind == EP_OBS_CHAIN)
		snprintf(out, outlen, "chain file %s", file);
	else if (o->kind == EP_OBS_PFX)
		snprintf(out, outlen, "PFX file %s", file);
	else if (o->kind == EP_OBS_CSR)
		snprintf(out, outlen, "request %s", file);
	else if (!o->has_addr)
		snprintf(out, outlen, "(no address):%u", o->port);
	else if (o->family == AF_INET6)
		snprintf(out, outlen, "[%s]:%u", o->addrstr, o->port);
	else
		snprintf(out, outlen, "%s:%u", o->addrstr, o->port);
}

const struct ep_cert *
ep_obs_leaf(const struct ep_observations *o, const struct ep_obs *obs)
{
	const struct ep_cert	*c;

	if (obs->status != EP_OBS_OK || obs->chain_len == 0)
		return NULL;
	c = ep_certs_get(o->certs, obs->chain[0]);
	return c->malformed[0] == '\0' ? c : NULL;
}
