/*
 * The run: one poll loop drives c-ares and every probe.  Each turn
 * rebuilds the pollfd array from the resolver's sockets and the probes'
 * states; the poll timeout is the earliest probe deadline or c-ares's own,
 * whichever is sooner.  A probe starts as soon as its address is known.
 */

#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "ep_engine.h"
#include "ep_probe.h"
#include "ep_resolve.h"
#include "ep_time.h"

#define EP_JOBS_MAX	(1024 * 1024)	/* probes queued in one run */

/* A probe waiting for a slot. */
struct job {
	size_t		target;
	struct ep_port	port;
	struct ep_addr	addr;
};

/* One DNS name and the targets that share it. */
struct name {
	struct engine	*e;
	const char	*name;
	size_t		*targets;
	size_t		 ntargets;
};

struct active {
	struct job	 job;
	struct ep_probe	*p;
};

struct engine {
	const struct ep_plan		*plan;
	const struct ep_engine_opts	*opts;
	struct ep_observations		*out;
	gnutls_certificate_credentials_t cred;
	struct ep_resolver		*res;
	struct job			*queue;		/* FIFO of jobs */
	size_t				 qhead, qlen, qcap;
	struct active			*act;		/* max_inflight slots */
	size_t				 nact;
	struct pollfd			*pfd;
	int				 failed;	/* out of memory in a callback */
	char				*err;
	size_t				 errlen;
};

static int
push_job(struct engine *e, const struct job *j)
{
	if (e->qhead + e->qlen == e->qcap) {
		struct job	*nq;
		size_t		 ncap;

		/* Reclaim consumed slots before growing. */
		if (e->qhead > 0) {
			memmove(e->queue, e->queue + e->qhead,
			    e->qlen * sizeof(*e->queue));
			e->qhead = 0;
		}
		if (e->qlen == e->qcap) {
			ncap = e->qcap ? e->qcap * 2 : 64;
			if (ncap > EP_JOBS_MAX || (nq = reallocarray(e->queue,
			    ncap, sizeof(*nq))) == NULL)
				return -1;
			e->queue = nq;
			e->qcap = ncap;
		}
	}
	e->queue[e->qhead + e->qlen++] = *j;
	return 0;
}

static void
fill_addr(struct ep_obs *o, const struct ep_addr *a)
{
	o->has_addr = 1;
	o->family = a->family;
	memcpy(o->addr, a->addr, sizeof(o->addr));
	inet_ntop(a->family, a->addr, o->addrstr, sizeof(o->addrstr));
}

static void
record(struct engine *e, struct ep_obs *o)
{
	if (ep_observations_add(e->out, o) == (size_t)-1 && !e->failed) {
		e->failed = 1;
		snprintf(e->err, e->errlen, "%s", strerror(ENOMEM));
	}
}

/* Queues a probe of every address on every port of target ti. */
static void
queue_target(struct engine *e, size_t ti, const struct ep_addr *addrs, size_t n,
    const char *error)
{
	const struct ep_port	*ports;
	size_t			 nports, a, p;

	nports = ep_plan_ports(e->plan, ti, &ports);
	for (p = 0; p < nports; p++) {
		if (n == 0) {
			struct ep_obs	o;

			memset(&o, 0, sizeof(o));
			o.target = ti;
			o.port = ports[p].port;
			o.port_flags = ports[p].flags;
			o.status = EP_OBS_NO_ADDRESS;
			snprintf(o.error, sizeof(o.error), "%s", error);
			record(e, &o);
			continue;
		}
		for (a = 0; a < n; a++) {
			struct job	j = { ti, ports[p], addrs[a] };

			if (push_job(e, &j) == -1 && !e->failed) {
				e->failed = 1;
				snprintf(e->err, e->errlen, "%s", strerror(ENOMEM));
			}
		}
	}
}

static void
resolved(void *arg, const struct ep_addr *addrs, size_t n, const char *error)
{
	struct name	*nm = arg;
	size_t		 t;

	for (t = 0; t < nm->ntargets; t++)
		queue_target(nm->e, nm->targets[t], addrs, n, error);
}

/* Starts queued jobs while slots are free. */
static void
start_jobs(struct engine *e, int64_t now)
{
	char	why[256];

	while (e->qlen > 0 && e->nact < e->opts->max_inflight) {
		struct job	*j = &e->queue[e->qhead];
		struct active	*a = &e->act[e->nact];

		a->job = *j;
		e->qhead++;
		e->qlen--;
		if (ep_probe_new(&a->p, e->plan->targets[j->target].name,
		    &j->addr, j->port.port, e->cred, e->opts->priority, now,
		    now + e->opts->timeout_ms, why, sizeof(why)) == -1) {
			/* No socket for this one: an observation, not a crash. */
			struct ep_obs	o;

			memset(&o, 0, sizeof(o));
			o.target = j->target;
			o.port = j->port.port;
			o.port_flags = j->port.flags;
			fill_addr(&o, &j->addr);
			o.status = EP_OBS_CONNECT_FAILED;
			snprintf(o.error, sizeof(o.error), "%s", why);
			record(e, &o);
			continue;
		}
		e->nact++;
	}
}

/* Collects done probes, keeping the active slots packed. */
static void
reap(struct engine *e)
{
	size_t	i = 0;

	while (i < e->nact) {
		struct active	*a = &e->act[i];
		struct ep_obs	 o;

		if (!ep_probe_done(a->p)) {
			i++;
			continue;
		}
		memset(&o, 0, sizeof(o));
		o.target = a->job.target;
		o.port = a->job.port.port;
		o.port_flags = a->job.port.flags;
		fill_addr(&o, &a->job.addr);
		ep_probe_result(a->p, &o, e->out->certs);
		record(e, &o);
		ep_probe_free(a->p);
		e->act[i] = e->act[--e->nact];
	}
}

static int
loop(struct engine *e)
{
	for (;;) {
		int64_t	now = ep_time_mono_ms(), next = -1;
		size_t	nres, n, i;
		int	timeout, r;

		start_jobs(e, now);
		reap(e);
		if (e->failed)
			return -1;
		if (e->nact == 0 && e->qlen == 0 &&
		    ep_resolver_pending(e->res) == 0)
			return 0;
		if (e->nact == 0 && e->qlen > 0)
			continue;

		nres = ep_resolver_fill(e->res, e->pfd,
		    ep_resolver_nsockets(e->res));
		n = nres;
		for (i = 0; i < e->nact; i++) {
			int64_t	dl = ep_probe_deadline(e->act[i].p);

			e->pfd[n].fd = ep_probe_fd(e->act[i].p);
			e->pfd[n].events = ep_probe_events(e->act[i].p);
			e->pfd[n].revents = 0;
			n++;
			if (next == -1 || dl < next)
				next = dl;
		}
		timeout = next == -1 ? -1 : next - now < 0 ? 0 :
		    (int)(next - now);
		timeout = ep_resolver_timeout(e->res, timeout);
		r = poll(e->pfd, (nfds_t)n, timeout);
		if (r == -1 && errno != EINTR) {
			snprintf(e->err, e->errlen, "poll: %s", strerror(errno));
			return -1;
		}
		now = ep_time_mono_ms();
		ep_resolver_process(e->res, e->pfd, nres);
		for (i = 0; i < e->nact; i++)
			ep_probe_step(e->act[i].p, r > 0 ?
			    e->pfd[nres + i].revents : 0, now);
	}
}

/* Groups targets by name, so that a name in two roles is looked up once. */
static struct name *
group_names(const struct ep_plan *plan, struct engine *e, size_t *nnames)
{
	struct name	*v;
	size_t		 i, j, n = 0;

	if ((v = calloc(plan->ntargets ? plan->ntargets : 1, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < plan->ntargets; i++) {
		const struct ep_target	*t = &plan->targets[i];
		const struct ep_port	*ports;

		/* Explicit members need no lookup: queued by the caller. */
		if (!plan->profile->roles[t->role].probed ||
		    ep_plan_ports(plan, i, &ports) == 0 || t->nmembers > 0)
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(v[j].name, t->name) == 0)
				break;
		if (j == n) {
			v[n].e = e;
			v[n].name = t->name;
			if ((v[n].targets = calloc(plan->ntargets,
			    sizeof(size_t))) == NULL)
				goto fail;
			n++;
		}
		v[j].targets[v[j].ntargets++] = i;
	}
	*nnames = n;
	return v;
fail:
	for (j = 0; j < n; j++)
		free(v[j].targets);
	free(v);
	return NULL;
}

int
ep_engine_run(const struct ep_plan *plan, const struct ep_engine_opts *opts,
    struct ep_observations *out, char *err, size_t errlen)
{
	struct engine	 e;
	struct name	*names = NULL;
	size_t		 nnames = 0, i;
	int64_t		 t0 = ep_time_mono_ms();
	int		 ret = -1;

	memset(&e, 0, sizeof(e));
	e.plan = plan;
	e.opts = opts;
	e.out = out;
	e.err = err;
	e.errlen = errlen;
	if (opts->max_inflight == 0) {
		snprintf(err, errlen, "no probe may run: -j 0");
		return -1;
	}
	if (gnutls_certificate_allocate_credentials(&e.cred) < 0 ||
	    (e.act = calloc(opts->max_inflight, sizeof(*e.act))) == NULL ||
	    (e.pfd = calloc(opts->max_inflight + EP_RESOLVE_SOCKS_MAX,
	    sizeof(*e.pfd))) == NULL ||
	    (names = group_names(plan, &e, &nnames)) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		goto out;
	}
	if (ep_resolver_new(&e.res, opts->dns_servers, opts->family,
	    opts->dns_timeout_ms, err, errlen) == -1)
		goto out;
	for (i = 0; i < plan->ntargets; i++)
		if (plan->targets[i].nmembers > 0 &&
		    plan->profile->roles[plan->targets[i].role].probed)
			queue_target(&e, i, plan->targets[i].members,
			    plan->targets[i].nmembers, NULL);
	for (i = 0; i < nnames; i++) {
		if (ep_resolver_lookup(e.res, names[i].name, resolved,
		    &names[i]) == -1) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			goto out;
		}
	}
	if (loop(&e) == -1)
		goto out;
	ep_observations_sort(out);
	out->elapsed_ms = (unsigned)(ep_time_mono_ms() - t0);
	ret = 0;
out:
	for (i = 0; e.act != NULL && i < e.nact; i++)
		ep_probe_free(e.act[i].p);
	/* Destroying the channel calls back pending lookups: names must live. */
	ep_resolver_free(e.res);
	if (names != NULL)
		for (i = 0; i < nnames; i++)
			free(names[i].targets);
	free(names);
	free(e.pfd);
	free(e.act);
	free(e.queue);
	if (e.cred != NULL)
		gnutls_certificate_free_credentials(e.cred);
	return ret;
}
