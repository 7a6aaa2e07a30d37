/* Observations: what the probes saw, in a stable order. */

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/ep_observe.h"

#define EP_OBS_MAX	(1024 * 1024)	/* observations in one run */

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
ep_observations_clear(struct ep_observations *o)
{
	if (o == NULL)
		return;
	free(o->v);
	ep_certs_free(o->certs);
	memset(o, 0, sizeof(*o));
}

const struct ep_cert *
ep_obs_leaf(const struct ep_observations *o, const struct ep_obs *obs)
{
	if (obs->status != EP_OBS_OK || obs->chain_len == 0)
		return NULL;
	return ep_certs_get(o->certs, obs->chain[0]);
}
