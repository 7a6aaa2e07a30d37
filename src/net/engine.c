/*
 * The run: one event loop on one thread drives c-ares (through the run's
 * lookups), SIP-domain discovery and every probe.  A descriptor is told
 * to the poller (epoll on Linux) when what it waits for changes, not on
 * every turn.  Deadlines live in three FIFOs of active probes: every
 * probe gets the same limits, so a list kept in order of the time its
 * limit counts from is in deadline order too, and its head is its
 * earliest.  The loop sleeps until the earliest head, c-ares's own
 * timeout or the run deadline, whichever is sooner.
 *
 * Probes waiting for a slot queue by address: each address has a FIFO
 * of its probes, and the addresses that may start one (below their
 * limit of probes in flight, and with a token when --rate is given) take
 * turns on a ready list.  An address at its limit leaves the list until
 * one of its probes ends, so it holds back no other address's probes.
 */

#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/ep_hash.h"
#include "input/ep_hostname.h"
#include "input/ep_time.h"
#include "net/ep_discover.h"
#include "net/ep_engine.h"
#include "net/ep_lookups.h"
#include "net/ep_poller.h"
#include "net/ep_probe.h"
#include "net/ep_resolve.h"
#include "net/ep_revfetch.h"

#define NONE		((size_t)-1)	/* no job: the end of a FIFO */
#define DESTS_MIN	64	/* first table size, a power of two */
#define TOKEN		1000	/* --rate's tokens count in thousandths */

#define LATE_NAME	"the run deadline passed before the name resolved"
#define STOPPED_NAME	"the run was interrupted before the name resolved"

/* A probe waiting for a slot. */
struct job {
	size_t		target;
	struct ep_port	port;
	struct ep_addr	addr;
};

/* A job in the pool, linked into its address's FIFO or the free list. */
struct qjob {
	struct job	j;
	size_t		next;		/* index, or NONE */
};

/* Where an address is. */
enum dwhere {
	D_IDLE,			/* nothing to start, or at its limit */
	D_READY,		/* on e->ready: may start its next probe */
	D_THROTTLED,		/* on e->throttled: waits for a --rate token */
};

/* An address probes go to: its probes in flight and its queue. */
struct dest {
	struct ep_addr		 addr;
	size_t			 hash;
	size_t			 running;	/* probes in flight */
	size_t			 head, tail;	/* its FIFO of jobs, or NONE */
	size_t			 njobs;
	enum dwhere		 where;
	int64_t			 tokens;	/* --rate, in TOKEN a probe */
	int64_t			 stamp;		/* tokens counted up to then */
	int64_t			 eligible;	/* D_THROTTLED: a token then */
	TAILQ_ENTRY(dest)	 link;		/* e->ready or e->throttled */
};

TAILQ_HEAD(destq, dest);

/*
 * What the run did about one target: the ports queued so far.  Allocated
 * one by one, since a pending lookup holds a pointer to it while the
 * table of them grows.
 */
struct tstate {
	struct engine	*e;
	size_t		 target;
	uint16_t	 queued[EP_PORTS_MAX];
	size_t		 nqueued;
	/* For a run that streams (opts->group_done): */
	int		 addressed;	/* its addresses are known */
	size_t		 jobs;		/* probes queued or running */
	size_t		 open;		/* observations waiting for fetches */
	size_t		*obs;		/* its observations' indexes */
	size_t		 nobs, capobs;
	int		 emitted;	/* told to opts->group_done */
	size_t		 dns_total;	/* addresses of its name in DNS */
};

/* A slot for one probe in flight. */
struct active {
	struct job		 job;
	struct dest		*d;		/* its address */
	struct ep_probe		*p;
	int			 fd;		/* told to the poller, or -1 */
	unsigned		 events;	/* EP_POLLER_* told for fd */
	enum ep_probe_phase	 phase;		/* which phase list it is on */
	int64_t			 started;	/* connect and total limits */
	int64_t			 connected;	/* handshake limit */
	TAILQ_ENTRY(active)	 age;		/* e->byage, or e->idle */
	TAILQ_ENTRY(active)	 plist;		/* e->connecting or
						   e->handshaking */
};

TAILQ_HEAD(actq, active);

struct engine {
	struct ep_plan			*plan;
	const struct ep_engine_opts	*opts;
	struct ep_observations		*out;
	struct ep_tls			*tls;
	struct ep_lookups		*lk;
	struct ep_discover		*disc;
	struct ep_revfetch		*rf;	/* HTTP fetches, or NULL */
	struct ep_poller		*poller;
	struct ep_poller_event		*ev;	/* nev of them */
	size_t				 nev;
	int				 rfd[EP_RESOLVE_SOCKS_MAX];
					/* c-ares's, as told to the poller */
	size_t				 nrfd;
	struct tstate			**ts;	/* per target, or NULL */
	size_t				 nts;
	struct qjob			*jobs;	/* the pool of waiting jobs */
	size_t				 njobs_cap;
	size_t				 jfree;	/* its free list, or NONE */
	size_t				 qlen;	/* jobs waiting */
	struct dest			**dests;	/* open addressing; NULL
						   empty */
	size_t				 ndests, dslots;	/* dslots a power
						   of two, >= 2 ndests */
	struct destq			 ready;	/* may start a probe, in turn */
	struct destq			 throttled;	/* by eligible */
	size_t				 per_address;	/* probes in flight an
						   address, at most */
	int64_t				 rate;	/* --rate: tokens a ms, in
						   TOKEN a probe; 0: none */
	int64_t				 burst;	/* tokens an address saves
						   up, at most */
	struct active			*slots;	/* nslots of them */
	size_t				 nslots;
	size_t				 limit;	/* slots usable: fewer once
						   descriptors ran out */
	size_t				 nact;
	size_t				 nendpoints;	/* recorded or queued */
	size_t				 max_endpoints;
	struct actq			 idle;	/* free slots */
	struct actq			 byage;	/* by start: total */
	struct actq			 connecting;	/* by start: connect */
	struct actq			 handshaking;	/* by connect */
	int64_t				 total_ms;
	int64_t				 connect_ms;
	int64_t				 handshake_ms;
	int64_t				 run_deadline;	/* -1: none */
	int64_t				 t0;		/* the run's start */
	int64_t				 next_progress;	/* opts->progress is
							   due then */
	size_t				 recorded;	/* observations made */
	int				 disc_started;	/* found() may come */
	int				 swept;		/* whole targets told
							   once discovery ended */
	int				 stopped;	/* the signal that
							   stopped the run, or 0 */
	int				 failed;	/* internal error */
	char				*err;
	size_t				 errlen;
};

static void
fail(struct engine *e, const char *what, int errnum)
{
	if (e->failed)
		return;
	e->failed = 1;
	if (what != NULL)
		snprintf(e->err, e->errlen, "%s: %s", what, strerror(errnum));
	else
		snprintf(e->err, e->errlen, "%s", strerror(errnum));
}

static void
fail_why(struct engine *e, const char *why)
{
	if (e->failed)
		return;
	e->failed = 1;
	snprintf(e->err, e->errlen, "%s", why);
}

static size_t
addr_hash(const struct ep_addr *a)
{
	return ep_hash(a->addr, sizeof(a->addr),
	    ep_hash(&a->family, sizeof(a->family), EP_HASH_INIT));
}

static int
same_addr(const struct ep_addr *a, const struct ep_addr *b)
{
	return a->family == b->family &&
	    memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

/* The slot of address a: its dest's, or the empty one it would take. */
static size_t
dest_slot(const struct engine *e, const struct ep_addr *a, size_t h)
{
	size_t	mask = e->dslots - 1, i = h & mask;

	while (e->dests[i] != NULL && (e->dests[i]->hash != h ||
	    !same_addr(&e->dests[i]->addr, a)))
		i = (i + 1) & mask;
	return i;
}

/* The dest of address a, made on first use; NULL when out of memory. */
static struct dest *
dest_get(struct engine *e, const struct ep_addr *a)
{
	struct dest	**old = e->dests, *d;
	size_t		  oldn = e->dslots, h = addr_hash(a), i;

	if ((e->ndests + 1) * 2 > e->dslots) {
		e->dslots = oldn ? oldn * 2 : DESTS_MIN;
		if ((e->dests = calloc(e->dslots, sizeof(*e->dests))) ==
		    NULL) {
			e->dests = old;
			e->dslots = oldn;
			return NULL;
		}
		for (i = 0; i < oldn; i++)
			if (old[i] != NULL)
				e->dests[dest_slot(e, &old[i]->addr,
				    old[i]->hash)] = old[i];
		free(old);
	}
	i = dest_slot(e, a, h);
	if ((d = e->dests[i]) != NULL)
		return d;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->addr = *a;
	d->hash = h;
	d->head = d->tail = NONE;
	d->where = D_IDLE;
	d->tokens = e->burst;
	d->stamp = ep_time_mono_ms();
	e->dests[i] = d;
	e->ndests++;
	return d;
}

/* Counts the tokens d earned since they were last counted. */
static void
refill(const struct engine *e, struct dest *d, int64_t now)
{
	if (now > d->stamp) {
		d->tokens += (now - d->stamp) * e->rate;
		if (d->tokens > e->burst)
			d->tokens = e->burst;
	}
	d->stamp = now;
}

/* Takes d off the list it is on. */
static void
dest_unlist(struct engine *e, struct dest *d)
{
	if (d->where == D_READY)
		TAILQ_REMOVE(&e->ready, d, link);
	else if (d->where == D_THROTTLED)
		TAILQ_REMOVE(&e->throttled, d, link);
	d->where = D_IDLE;
}

/*
 * Puts d where it belongs now, if it is on no list: at the end of the
 * ready list when it may start its next probe; on the throttled list,
 * in the order they get a token, when --rate holds it back.
 */
static void
dest_place(struct engine *e, struct dest *d, int64_t now)
{
	struct dest	*x;

	if (d->where != D_IDLE || d->njobs == 0 ||
	    d->running >= e->per_address)
		return;
	if (e->rate > 0) {
		refill(e, d, now);
		if (d->tokens < TOKEN) {
			d->eligible = now + (TOKEN - d->tokens + e->rate - 1) /
			    e->rate;
			/* Mostly at the end: the rate is the same for all. */
			TAILQ_FOREACH_REVERSE(x, &e->throttled, destq, link)
				if (x->eligible <= d->eligible)
					break;
			if (x != NULL)
				TAILQ_INSERT_AFTER(&e->throttled, x, d, link);
			else
				TAILQ_INSERT_HEAD(&e->throttled, d, link);
			d->where = D_THROTTLED;
			return;
		}
	}
	TAILQ_INSERT_TAIL(&e->ready, d, link);
	d->where = D_READY;
}

/* Moves the addresses whose token has come to the ready list. */
static void
wake_throttled(struct engine *e, int64_t now)
{
	struct dest	*d;

	while ((d = TAILQ_FIRST(&e->throttled)) != NULL &&
	    d->eligible <= now) {
		dest_unlist(e, d);
		dest_place(e, d, now);
	}
}

/* A free job of the pool; NONE when out of memory. */
static size_t
job_alloc(struct engine *e)
{
	struct qjob	*nv;
	size_t		 k, ncap;

	if (e->jfree == NONE) {
		ncap = e->njobs_cap ? e->njobs_cap * 2 : 64;
		/* Never reached: endpoints are fewer. */
		if (ncap > EP_ENDPOINTS_MAX || (nv = reallocarray(e->jobs,
		    ncap, sizeof(*nv))) == NULL)
			return NONE;
		for (k = ncap; k-- > e->njobs_cap;) {
			nv[k].next = e->jfree;
			e->jfree = k;
		}
		e->jobs = nv;
		e->njobs_cap = ncap;
	}
	k = e->jfree;
	e->jfree = e->jobs[k].next;
	return k;
}

/* Queues j at the end of its address's FIFO, or at its head (front). */
static int
push_job(struct engine *e, const struct job *j, int front)
{
	struct dest	*d;
	size_t		 k;

	if ((d = dest_get(e, &j->addr)) == NULL || (k = job_alloc(e)) == NONE)
		return -1;
	e->jobs[k].j = *j;
	e->jobs[k].next = NONE;
	if (d->head == NONE)
		d->head = d->tail = k;
	else if (front) {
		e->jobs[k].next = d->head;
		d->head = k;
	} else {
		e->jobs[d->tail].next = k;
		d->tail = k;
	}
	d->njobs++;
	e->qlen++;
	dest_place(e, d, ep_time_mono_ms());
	return 0;
}

/* Takes the first job of d's FIFO, which has one. */
static struct job
pop_job(struct engine *e, struct dest *d)
{
	size_t		k = d->head;
	struct job	j = e->jobs[k].j;

	if ((d->head = e->jobs[k].next) == NONE)
		d->tail = NONE;
	e->jobs[k].next = e->jfree;
	e->jfree = k;
	d->njobs--;
	e->qlen--;
	return j;
}

static void
fill_addr(struct ep_obs *o, const struct ep_addr *a)
{
	o->has_addr = 1;
	o->family = a->family;
	memcpy(o->addr, a->addr, sizeof(o->addr));
	inet_ntop(a->family, a->addr, o->addrstr, sizeof(o->addrstr));
}

/*
 * Target ts is whole when its addresses are known, its probes done, and
 * its observations wait for no fetch, once discovery can add no port to
 * it: the caller gets it then, in a run that streams.
 */
static void
check_group(struct engine *e, struct tstate *ts)
{
	size_t	*v = ts->obs, n = ts->nobs;

	if (e->opts->group_done == NULL || ts->emitted || !ts->addressed ||
	    ts->jobs > 0 || ts->open > 0 || n == 0 || !e->disc_started ||
	    !ep_discover_done(e->disc) || e->failed)
		return;
	ts->emitted = 1;
	ts->obs = NULL;
	ts->nobs = ts->capobs = 0;
	e->opts->group_done(e->opts->group_arg, e->out, ts->target, v, n);
	free(v);
}

/* Every target that is whole, told. */
static void
check_groups(struct engine *e)
{
	size_t	t;

	for (t = 0; t < e->nts; t++)
		if (e->ts[t] != NULL)
			check_group(e, e->ts[t]);
}

/* Observation i waits for nothing more. */
static void
obs_done(void *arg, size_t i)
{
	struct engine	*e = arg;
	struct tstate	*ts = e->ts[e->out->v[i].target];

	if (e->opts->group_done == NULL)
		return;
	ts->open--;
	check_group(e, ts);
}

/*
 * Records observation o of target ts, from a job (a probe, or a job
 * that got none) or not (no address), then what it needs fetched.
 */
static void
record(struct engine *e, struct tstate *ts, struct ep_obs *o, int from_job)
{
	size_t	i, *nv;

	if (from_job)
		ts->jobs--;
	if ((i = ep_observations_add(e->out, o)) == (size_t)-1) {
		fail(e, NULL, ENOMEM);
		return;
	}
	e->recorded++;
	if (e->opts->group_done != NULL) {
		if (ts->nobs == ts->capobs) {
			size_t	ncap = ts->capobs ? ts->capobs * 2 : 4;

			if ((nv = reallocarray(ts->obs, ncap,
			    sizeof(*nv))) == NULL) {
				fail(e, NULL, ENOMEM);
				return;
			}
			ts->obs = nv;
			ts->capobs = ncap;
		}
		ts->obs[ts->nobs++] = i;
		ts->open++;
	}
	if (e->rf == NULL)
		obs_done(e, i);
	else if (!e->failed && ep_revfetch_obs(e->rf, i) == -1)
		fail(e, NULL, ENOMEM);
}

/* The observation of job j, before its outcome. */
static void
job_obs(const struct engine *e, const struct job *j, struct ep_obs *o)
{
	memset(o, 0, sizeof(*o));
	o->target = j->target;
	o->port = j->port.port;
	o->port_flags = j->port.flags;
	fill_addr(o, &j->addr);
	o->dns_total = e->ts[j->target]->dns_total;
}

/* Records a job that never got a probe: no time left. */
static void
record_job(struct engine *e, const struct job *j, enum ep_obs_status st,
    const char *why)
{
	struct ep_obs	o;

	job_obs(e, j, &o);
	o.status = st;
	snprintf(o.error, sizeof(o.error), "%s", why);
	record(e, e->ts[j->target], &o, 1);
}

/* The state of target t, made on first use; NULL when out of memory. */
static struct tstate *
tstate(struct engine *e, size_t t)
{
	struct tstate	**nv;
	size_t		  n = ep_plan_ntargets(e->plan), i;

	if (t >= e->nts) {
		if ((nv = reallocarray(e->ts, n, sizeof(*nv))) == NULL)
			return NULL;
		for (i = e->nts; i < n; i++)
			nv[i] = NULL;
		e->ts = nv;
		e->nts = n;
	}
	if (e->ts[t] == NULL) {
		if ((e->ts[t] = calloc(1, sizeof(**e->ts))) == NULL)
			return NULL;
		e->ts[t]->e = e;
		e->ts[t]->target = t;
	}
	return e->ts[t];
}

/*
 * Takes one endpoint more, unless the run has as many as it takes: that
 * one is then counted as left out.  Returns 1 when it was taken.
 */
static int
take_endpoint(struct engine *e)
{
	if (e->nendpoints == e->max_endpoints) {
		e->out->endpoints_left_out++;
		return 0;
	}
	e->nendpoints++;
	return 1;
}

/*
 * Queues a probe of every address on every port of target ts not queued
 * yet; with no address, each such port is observed as unresolved, the
 * lookup having ended as st.
 */

static void
queue_target(struct engine *e, struct tstate *ts, const struct ep_addr *addrs,
    size_t n, enum ep_dns_status st, const char *error)
{
	const struct ep_port	*ports;
	size_t			 nports, a, p, q;

	nports = ep_plan_ports(e->plan, ts->target, &ports);
	for (p = 0; p < nports; p++) {
		for (q = 0; q < ts->nqueued; q++)
			if (ts->queued[q] == ports[p].port)
				break;
		if (q < ts->nqueued || ts->nqueued == EP_PORTS_MAX)
			continue;
		ts->queued[ts->nqueued++] = ports[p].port;
		if (n == 0) {
			struct ep_obs	o;

			if (!take_endpoint(e))
				continue;
			memset(&o, 0, sizeof(o));
			o.target = ts->target;
			o.port = ports[p].port;
			o.port_flags = ports[p].flags;
			o.status = st == EP_DNS_INTERRUPTED ?
			    EP_OBS_INTERRUPTED : EP_OBS_NO_ADDRESS;
			o.dns = st;
			snprintf(o.error, sizeof(o.error), "%s", error);
			record(e, ts, &o, 0);
			continue;
		}
		for (a = 0; a < n; a++) {
			struct job	j = { ts->target, ports[p], addrs[a] };

			if (!take_endpoint(e))
				continue;
			if (push_job(e, &j, 0) == -1)
				fail(e, NULL, ENOMEM);
			else
				ts->jobs++;
		}
	}
	ts->addressed = 1;
	check_group(e, ts);
}

static int
family_ok(const struct engine *e, int family)
{
	return e->opts->family == AF_UNSPEC || e->opts->family == family;
}

/* Explicit pool members, of the family asked for. */
static void
queue_members(struct engine *e, struct tstate *ts)
{
	const struct ep_target	*t = ep_plan_target(e->plan, ts->target);
	struct ep_addr		*v;
	size_t			 i, n = 0;

	if ((v = calloc(t->nmembers, sizeof(*v))) == NULL) {
		fail(e, NULL, ENOMEM);
		return;
	}
	for (i = 0; i < t->nmembers; i++)
		if (family_ok(e, t->members[i].family))
			v[n++] = t->members[i];
	queue_target(e, ts, v, n, EP_DNS_NONE, e->opts->family == AF_INET ?
	    "no IPv4 member address (-4)" : "no IPv6 member address (-6)");
	free(v);
}

/* A target named by an IP address is probed there: DNS has nothing to say. */
static void
queue_literal(struct engine *e, struct tstate *ts)
{
	const char	*name = ep_plan_target(e->plan, ts->target)->name;
	struct ep_addr	 a;

	memset(&a, 0, sizeof(a));
	a.family = strchr(name, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(a.family, name, a.addr) != 1) {
		fail(e, name, EINVAL);
		return;
	}
	if (family_ok(e, a.family))
		queue_target(e, ts, &a, 1, EP_DNS_ANSWERED, NULL);
	else
		queue_target(e, ts, NULL, 0, EP_DNS_NONE, a.family == AF_INET ?
		    "an IPv4 address, left out by -6" :
		    "an IPv6 address, left out by -4");
}

static void
resolved(void *arg, enum ep_dns_status st, const struct ep_addr *addrs,
    size_t n, size_t total, const char *error)
{
	struct tstate	*ts = arg;

	ts->dns_total = total;
	queue_target(ts->e, ts, addrs, n, st, st == EP_DNS_LATE ? LATE_NAME :
	    st == EP_DNS_INTERRUPTED ? STOPPED_NAME : error);
}

/*
 * Probes target t on whatever ports of it are not queued yet: at its
 * members, at its address, or where its name resolves (once the lookups
 * know, which may be now).
 */
static void
want(struct engine *e, size_t t)
{
	const struct ep_target	*tg = ep_plan_target(e->plan, t);
	const struct ep_port	*ports;
	struct tstate		*ts;

	if (!ep_plan_profile(e->plan)->roles[tg->role].probed ||
	    ep_plan_ports(e->plan, t, &ports) == 0)
		return;
	if ((ts = tstate(e, t)) == NULL) {
		fail(e, NULL, ENOMEM);
		return;
	}
	if (tg->nmembers > 0)
		queue_members(e, ts);
	else if (ep_host_is_ip(tg->name))
		queue_literal(e, ts);
	else if (ep_lookups_addr(e->lk, tg->name, resolved, ts) == -1)
		fail(e, NULL, ENOMEM);
}

/* What discovery found for one name: its targets, probed from now on. */
static void
found(void *arg, const size_t *targets, size_t n)
{
	struct engine	*e = arg;
	size_t		 i;

	for (i = 0; i < n; i++)
		want(e, targets[i]);
}

static unsigned
to_poller(short events)
{
	return ((events & POLLIN) ? EP_POLLER_IN : 0) |
	    ((events & POLLOUT) ? EP_POLLER_OUT : 0);
}

static short
from_poller(unsigned events)
{
	return (short)(((events & EP_POLLER_IN) ? POLLIN : 0) |
	    ((events & EP_POLLER_OUT) ? POLLOUT : 0) |
	    ((events & EP_POLLER_ERR) ? POLLERR : 0));
}

/*
 * The OCSP response the server stapled, recorded for the rules; one too
 * large to keep is recorded as such, for them to say so.
 */
static void
keep_staple(struct engine *e, const struct ep_probe *p, struct ep_obs *o)
{
	struct ep_fetched	 f;
	const unsigned char	*d;
	size_t			 len, i;

	d = ep_probe_staple(p, &len);
	if (len == 0 || o->chain_len == 0)
		return;
	memset(&f, 0, sizeof(f));
	f.kind = EP_FETCHED_STAPLE;
	f.cert = o->chain[0];
	if (d == NULL) {
		f.capped = 1;
		snprintf(f.why, sizeof(f.why), "it is %zu bytes, over "
		    "edgeprobe's limit of %d", len, EP_PROBE_STAPLE_MAX);
	} else if ((f.body = malloc(len)) == NULL) {
		fail(e, NULL, ENOMEM);
		return;
	} else {
		memcpy(f.body, d, len);
		f.len = len;
		f.ok = 1;
	}
	if ((i = ep_observations_add_fetched(e->out, &f)) == (size_t)-1) {
		free(f.body);
		fail(e, NULL, ENOMEM);
		return;
	}
	o->staple = i + 1;
}

/* Records a done probe and frees its slot at once. */
static void
reap(struct engine *e, struct active *a)
{
	struct ep_obs	o;

	job_obs(e, &a->job, &o);
	ep_probe_result(a->p, &o, e->out->certs);
	keep_staple(e, a->p, &o);
	record(e, e->ts[a->job.target], &o, 1);
	ep_probe_free(a->p);
	a->p = NULL;
	/* Its address may start another. */
	a->d->running--;
	dest_place(e, a->d, ep_time_mono_ms());
	TAILQ_REMOVE(&e->byage, a, age);
	TAILQ_REMOVE(a->phase == EP_PROBE_CONNECTING ? &e->connecting :
	    &e->handshaking, a, plist);
	TAILQ_INSERT_HEAD(&e->idle, a, age);
	e->nact--;
}

/*
 * Follows a probe after it moved (started, stepped, expired): its phase
 * list, what the poller waits for, and its end.
 */
static void
track(struct engine *e, struct active *a, int64_t now)
{
	enum ep_probe_phase	ph = ep_probe_phase(a->p);
	unsigned		want_ev;

	if (ph == EP_PROBE_DONE) {
		/* The probe closed its socket, which left the kernel's set. */
		if (a->fd != -1)
			ep_poller_forget(e->poller, a->fd);
		a->fd = -1;
		reap(e, a);
		return;
	}
	if (ph == EP_PROBE_HANDSHAKING && a->phase == EP_PROBE_CONNECTING) {
		TAILQ_REMOVE(&e->connecting, a, plist);
		a->phase = EP_PROBE_HANDSHAKING;
		a->connected = now;
		TAILQ_INSERT_TAIL(&e->handshaking, a, plist);
	}
	want_ev = to_poller(ep_probe_events(a->p));
	if (want_ev == a->events && ep_probe_fd(a->p) == a->fd)
		return;
	a->fd = ep_probe_fd(a->p);
	a->events = want_ev;
	if (ep_poller_set(e->poller, a->fd, want_ev, a) == -1)
		fail(e, ep_poller_backend(e->poller), errno);
}

/*
 * Starts job j in a free slot.  Returns 0 when it started, -1 when
 * descriptors ran out and it must wait for a running probe to end.  A
 * probe this host cannot make otherwise fails the run: it would say
 * nothing about the server.
 */
static int
start_job(struct engine *e, const struct job *j, struct dest *d)
{
	struct active	*a = TAILQ_FIRST(&e->idle);
	int64_t		 now = ep_time_mono_ms();
	char		 why[256];

	if (ep_probe_new(&a->p, ep_plan_target(e->plan, j->target)->name,
	    &j->addr, j->port.port, e->tls, e->opts->full_handshake, now, why,
	    sizeof(why)) == -1) {
		if ((errno == EMFILE || errno == ENFILE) && e->nact > 0)
			return -1;
		fail_why(e, why);
		return 0;
	}
	TAILQ_REMOVE(&e->idle, a, age);
	e->nact++;
	a->job = *j;
	a->d = d;
	a->fd = -1;
	a->events = 0;
	a->phase = EP_PROBE_CONNECTING;
	a->started = now;
	a->connected = now;
	TAILQ_INSERT_TAIL(&e->byage, a, age);
	TAILQ_INSERT_TAIL(&e->connecting, a, plist);
	track(e, a, now);
	return 0;
}

/*
 * Starts queued jobs while slots are free, one from each ready address
 * in turn.  A job is counted as its address's from before it starts: a
 * probe may end within start_job.
 */
static void
start_jobs(struct engine *e)
{
	struct dest	*d;
	struct job	 j;
	int64_t		 now = ep_time_mono_ms();

	wake_throttled(e, now);
	while (e->nact < e->limit && !e->failed &&
	    (d = TAILQ_FIRST(&e->ready)) != NULL) {
		dest_unlist(e, d);
		j = pop_job(e, d);
		d->running++;
		if (e->rate > 0)
			d->tokens -= TOKEN;
		dest_place(e, d, now);
		if (start_job(e, &j, d) == -1) {
			/* The descriptor limit is lower than we thought. */
			d->running--;
			if (e->rate > 0)
				d->tokens += TOKEN;
			dest_unlist(e, d);
			if (push_job(e, &j, 1) == -1)
				fail(e, NULL, ENOMEM);
			e->limit = e->nact;
			return;
		}
	}
}

/* Writes ms as seconds: "5 s", "2.5 s". */
static const char *
secs(int64_t ms, char *buf, size_t len)
{
	snprintf(buf, len, "%g s", (double)ms / 1000);
	return buf;
}

static void
expire_one(struct engine *e, struct active *a, int64_t now, const char *why)
{
	ep_probe_expire(a->p, now, why);
	track(e, a, now);
}

/* Ends the probes whose connect, handshake or total limit passed. */
static void
expire(struct engine *e, int64_t now)
{
	struct active	*a;
	char		 why[128], s[32];

	while ((a = TAILQ_FIRST(&e->connecting)) != NULL &&
	    a->started + e->connect_ms <= now) {
		snprintf(why, sizeof(why), "no answer to the TCP connect in %s",
		    secs(e->connect_ms, s, sizeof(s)));
		expire_one(e, a, now, why);
	}
	while ((a = TAILQ_FIRST(&e->handshaking)) != NULL &&
	    a->connected + e->handshake_ms <= now) {
		snprintf(why, sizeof(why), "the TLS handshake did not finish "
		    "in %s", secs(e->handshake_ms, s, sizeof(s)));
		expire_one(e, a, now, why);
	}
	while ((a = TAILQ_FIRST(&e->byage)) != NULL &&
	    a->started + e->total_ms <= now) {
		snprintf(why, sizeof(why), "%s in %s (connect and handshake)",
		    a->phase == EP_PROBE_CONNECTING ?
		    "no answer to the TCP connect" :
		    "the TLS handshake did not finish",
		    secs(e->total_ms, s, sizeof(s)));
		expire_one(e, a, now, why);
	}
}

/* Returns the earliest deadline, or -1 when nothing has one. */
static int64_t
next_deadline(const struct engine *e)
{
	const struct active	*a;
	const struct dest	*d;
	int64_t			 next = e->run_deadline;

	if ((a = TAILQ_FIRST(&e->byage)) != NULL &&
	    (next == -1 || a->started + e->total_ms < next))
		next = a->started + e->total_ms;
	if ((a = TAILQ_FIRST(&e->connecting)) != NULL &&
	    (next == -1 || a->started + e->connect_ms < next))
		next = a->started + e->connect_ms;
	if ((a = TAILQ_FIRST(&e->handshaking)) != NULL &&
	    (next == -1 || a->connected + e->handshake_ms < next))
		next = a->connected + e->handshake_ms;
	/* An address waiting for a --rate token gets one then. */
	if ((d = TAILQ_FIRST(&e->throttled)) != NULL &&
	    (next == -1 || d->eligible < next))
		next = d->eligible;
	return next;
}

/*
 * The run deadline passed, or the run was stopped (e->stopped): whatever
 * is not done ends now, as EP_OBS_TIMEOUT or EP_OBS_INTERRUPTED.  Lookups
 * go first, since their answers (late ones, all) may queue more jobs;
 * those are recorded with the queue.  Every probe's socket is closed
 * here, and the fetches' connections once the fetcher is freed.
 */
static void
give_up(struct engine *e, int64_t now)
{
	struct active	*a;
	const char	*why;
	size_t		 i;

	while ((a = TAILQ_FIRST(&e->byage)) != NULL) {
		if (e->stopped) {
			why = a->phase == EP_PROBE_CONNECTING ?
			    "the run was interrupted during the TCP connect" :
			    "the run was interrupted during the TLS handshake";
			ep_probe_interrupt(a->p, now, why);
			track(e, a, now);
		} else
			expire_one(e, a, now, a->phase == EP_PROBE_CONNECTING ?
			    "the run deadline passed during the TCP connect" :
			    "the run deadline passed during the TLS handshake");
	}
	ep_lookups_give_up(e->lk, e->stopped ? EP_DNS_INTERRUPTED :
	    EP_DNS_LATE);
	if (e->rf != NULL)
		ep_revfetch_give_up(e->rf, e->stopped ? "the run was "
		    "interrupted before it was fetched" : "the run deadline "
		    "passed before it was fetched", e->stopped);
	for (i = 0; i < e->dslots; i++) {
		struct dest	*d = e->dests[i];
		struct job	 j;

		if (d == NULL)
			continue;
		dest_unlist(e, d);
		while (d->njobs > 0) {
			j = pop_job(e, d);
			record_job(e, &j, e->stopped ? EP_OBS_INTERRUPTED :
			    EP_OBS_TIMEOUT, e->stopped ? "the run was "
			    "interrupted before the probe started" :
			    "the run deadline passed before the probe started");
		}
	}
}

/*
 * Tells the poller about c-ares's sockets after c-ares ran: ones it
 * closed leave, the others are renewed, since one closed and opened again
 * under the same number looks unchanged from here.  A number c-ares closed
 * may be someone else's already: the callbacks of the answers run before
 * this, and may have opened a socket (libcurl's, a probe's) that got it
 * and is watched for that one; that stays.
 */
static void
sync_resolver(struct engine *e)
{
	struct pollfd	cur[EP_RESOLVE_SOCKS_MAX];
	size_t		n, i, j;

	n = ep_resolver_fill(ep_lookups_resolver(e->lk), cur,
	    EP_RESOLVE_SOCKS_MAX);
	for (i = 0; i < e->nrfd; i++) {
		for (j = 0; j < n; j++)
			if (cur[j].fd == e->rfd[i])
				break;
		if (j == n && ep_poller_arg(e->poller, e->rfd[i]) == &e->lk &&
		    ep_poller_set(e->poller, e->rfd[i], 0, NULL) == -1)
			fail(e, ep_poller_backend(e->poller), errno);
	}
	for (j = 0; j < n; j++) {
		if (ep_poller_renew(e->poller, cur[j].fd,
		    to_poller(cur[j].events), &e->lk) == -1)
			fail(e, ep_poller_backend(e->poller), errno);
		e->rfd[j] = cur[j].fd;
	}
	e->nrfd = n;
}

/*
 * Counts lost DNS queries, sends what lookups wait to send, and follows
 * their sockets.
 */
static void
flush_lookups(struct engine *e)
{
	ep_lookups_expire(e->lk);
	if (ep_lookups_flush(e->lk) == -1)
		fail(e, NULL, ENOMEM);
	sync_resolver(e);
}

/* Internal failures of callbacks: discovery's own. */
static void
check_discovery(struct engine *e)
{
	char	why[256];

	if (ep_discover_failed(e->disc, why, sizeof(why)))
		fail_why(e, why);
	/* Once no target can gain a port, those whole are told. */
	if (e->opts->group_done != NULL && !e->swept && e->disc_started &&
	    ep_discover_done(e->disc)) {
		e->swept = 1;
		check_groups(e);
	}
}

/* Tells the caller how far the run has come, now and then. */
static void
progress(struct engine *e, int64_t now, int last)
{
	struct ep_progress	p;

	if (e->opts->progress == NULL ||
	    (!last && now < e->next_progress))
		return;
	e->next_progress = now + EP_ENGINE_PROGRESS_MS;
	memset(&p, 0, sizeof(p));
	p.done = e->recorded;
	p.running = e->nact;
	p.queued = e->qlen;
	p.lookups = ep_lookups_pending(e->lk);
	p.elapsed_ms = (unsigned)(now - e->t0);
	p.last = last;
	e->opts->progress(&p, e->opts->progress_arg);
}

static int
loop(struct engine *e)
{
	struct ep_resolver	*res = ep_lookups_resolver(e->lk);
	struct pollfd		 rp[EP_RESOLVE_SOCKS_MAX];
	int64_t			 now = ep_time_mono_ms(), next;
	size_t			 nr;
	int			 timeout, n, i;

	for (;;) {
		/* A signal ends the wait (EINTR): the next turn sees it. */
		if (e->opts->stop != NULL && *e->opts->stop != 0)
			e->stopped = *e->opts->stop;
		if (e->stopped ||
		    (e->run_deadline != -1 && now >= e->run_deadline)) {
			give_up(e, now);
			check_discovery(e);
			return e->failed ? -1 : 0;
		}
		/*
		 * now is when the last wait returned: a probe with no event
		 * then had no answer then, however long the turn took.
		 */
		expire(e, now);
		if (e->rf != NULL && ep_revfetch_tick(e->rf) == -1)
			fail(e, "fetching", errno);
		flush_lookups(e);
		start_jobs(e);
		check_discovery(e);
		if (e->failed)
			return -1;
		if (e->nact == 0 && e->qlen == 0 &&
		    ep_lookups_pending(e->lk) == 0 &&
		    (e->rf == NULL || ep_revfetch_pending(e->rf) == 0))
			return 0;

		now = ep_time_mono_ms();
		progress(e, now, 0);
		next = next_deadline(e);
		/* A progress line moves on even while nothing answers. */
		if (e->opts->progress != NULL &&
		    (next == -1 || next > e->next_progress))
			next = e->next_progress;
		timeout = next == -1 ? -1 : next <= now ? 0 :
		    next - now > INT_MAX ? INT_MAX : (int)(next - now);
		timeout = ep_lookups_timeout(e->lk, timeout);
		if (e->rf != NULL) {
			int	ft = ep_revfetch_timeout(e->rf);

			if (ft >= 0 && (timeout < 0 || ft < timeout))
				timeout = ft;
		}
		if ((n = ep_poller_pwait(e->poller, e->ev, e->nev, timeout,
		    e->opts->wait_mask)) == -1) {
			fail(e, ep_poller_backend(e->poller), errno);
			return -1;
		}
		now = ep_time_mono_ms();
		nr = 0;
		for (i = 0; i < n; i++) {
			struct active	*a = e->ev[i].arg;

			if (e->rf != NULL && ep_revfetch_owns(e->rf,
			    e->ev[i].arg)) {
				if (ep_revfetch_event(e->rf, e->ev[i].fd,
				    e->ev[i].events) == -1)
					fail(e, "fetching", errno);
				continue;
			}
			if (e->ev[i].arg == &e->lk) {
				if (nr < EP_RESOLVE_SOCKS_MAX) {
					rp[nr].fd = e->ev[i].fd;
					rp[nr].events = 0;
					rp[nr].revents =
					    from_poller(e->ev[i].events);
					nr++;
				}
				continue;
			}
			ep_probe_step(a->p, from_poller(e->ev[i].events), now);
			track(e, a, now);
		}
		/* c-ares reads even a late answer: unread, it would spin us. */
		if (nr > 0 || ep_resolver_pending(res) > 0)
			ep_resolver_process(res, rp, nr);
	}
}

/* Probes the hard open-file limit leaves room for. */
static size_t
nofile_room(const struct rlimit *rl)
{
	if (rl->rlim_max == RLIM_INFINITY ||
	    rl->rlim_max >= EP_ENGINE_INFLIGHT_MAX + EP_ENGINE_FD_RESERVE)
		return EP_ENGINE_INFLIGHT_MAX;
	return rl->rlim_max > EP_ENGINE_FD_RESERVE ?
	    (size_t)(rl->rlim_max - EP_ENGINE_FD_RESERVE) : 0;
}

/*
 * Picks how many probes run at once and makes room for their descriptors:
 * raises the soft RLIMIT_NOFILE (saved in *saved, *raised set) up to the
 * hard limit, and takes fewer probes when even that is too low.  An
 * asked number ep_engine_check let through fits.
 */
static size_t
fit_inflight(unsigned asked, struct rlimit *saved, int *raised)
{
	struct rlimit	rl;
	rlim_t		want_n = asked ? asked : EP_ENGINE_INFLIGHT_DEFAULT;

	*raised = 0;
	if (getrlimit(RLIMIT_NOFILE, saved) == -1)
		return (size_t)want_n;
	rl = *saved;
	if (rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < want_n + EP_ENGINE_FD_RESERVE) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ||
		    rl.rlim_max > want_n + EP_ENGINE_FD_RESERVE ?
		    want_n + EP_ENGINE_FD_RESERVE : rl.rlim_max;
		if (rl.rlim_cur > saved->rlim_cur &&
		    setrlimit(RLIMIT_NOFILE, &rl) == 0)
			*raised = 1;
		else
			rl = *saved;
	}
	if (rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < want_n + EP_ENGINE_FD_RESERVE)
		want_n = rl.rlim_cur > EP_ENGINE_FD_RESERVE ?
		    rl.rlim_cur - EP_ENGINE_FD_RESERVE : 1;
	return (size_t)want_n;
}

/*
 * The endpoints the plan makes before DNS adds any: one per port of each
 * probed target, or of each of its members of the family asked for.
 */
static size_t
planned_endpoints(const struct ep_plan *plan, int family)
{
	const struct ep_port	*ports;
	size_t			 t, m, k, n = 0;

	for (t = 0; t < ep_plan_ntargets(plan); t++) {
		const struct ep_target	*tg = ep_plan_target(plan, t);

		if (!ep_plan_profile(plan)->roles[tg->role].probed)
			continue;
		for (m = 0, k = 0; k < tg->nmembers; k++)
			m += family == AF_UNSPEC ||
			    tg->members[k].family == family;
		n += ep_plan_ports(plan, t, &ports) * (m > 0 ? m : 1);
	}
	return n;
}

int
ep_engine_check(const struct ep_plan *plan, const struct ep_engine_opts *opts,
    char *err, size_t errlen)
{
	struct rlimit	rl;
	size_t		max = opts->max_endpoints ? opts->max_endpoints :
			    EP_ENDPOINTS_MAX, n, room;

	if ((n = planned_endpoints(plan, opts->family)) > max) {
		snprintf(err, errlen, "the names given make %zu endpoints (each "
		    "name or member on each port), over the limit of %zu a "
		    "run: split them over several runs", n, max);
		return -1;
	}
	if (opts->max_inflight > EP_ENGINE_INFLIGHT_MAX) {
		snprintf(err, errlen, "-j %u: at most %d handshakes run at "
		    "once", opts->max_inflight, EP_ENGINE_INFLIGHT_MAX);
		return -1;
	}
	if (opts->max_inflight > 0 && getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    opts->max_inflight > (room = nofile_room(&rl))) {
		snprintf(err, errlen, "-j %u: the open-file limit (%llu) "
		    "leaves room for %zu handshakes at once; raise it "
		    "(ulimit -Hn) or ask for fewer", opts->max_inflight,
		    (unsigned long long)rl.rlim_max, room);
		return -1;
	}
	return 0;
}

/* Per-phase limits from the options: none longer than the total. */
static int
set_limits(struct engine *e, const struct ep_engine_opts *o, int64_t t0)
{
	if (o->timeout_ms == 0) {
		snprintf(e->err, e->errlen, "no time for a probe: timeout 0");
		return -1;
	}
	e->total_ms = o->timeout_ms;
	e->connect_ms = o->connect_timeout_ms ? o->connect_timeout_ms :
	    (o->timeout_ms + 1) / 2;
	e->handshake_ms = o->handshake_timeout_ms ? o->handshake_timeout_ms :
	    o->timeout_ms;
	if (e->connect_ms > e->total_ms)
		e->connect_ms = e->total_ms;
	if (e->handshake_ms > e->total_ms)
		e->handshake_ms = e->total_ms;
	e->run_deadline = o->run_timeout_ms ? t0 + o->run_timeout_ms : -1;
	return 0;
}

/*
 * Puts what discovery added to the plan in its fixed order, and the
 * observations with it.
 */
static int
settle(struct engine *e)
{
	size_t	*remap;

	if (ep_plan_settle(e->plan, &remap) == -1) {
		fail(e, NULL, ENOMEM);
		return -1;
	}
	/* A run that streamed told every observation and retired it. */
	if (e->opts->group_done != NULL) {
		e->out->n = 0;
		e->out->nspare = 0;
	}
	ep_observations_remap(e->out, remap);
	free(remap);
	ep_observations_sort(e->out);
	return 0;
}

int
ep_engine_run(struct ep_plan *plan, const struct ep_engine_opts *opts,
    struct ep_observations *out, char *err, size_t errlen)
{
	struct engine	 e;
	struct active	*a;
	struct rlimit	 saved;
	size_t		 i, n;
	int64_t		 t0 = ep_time_mono_ms();
	int		 raised = 0, ret = -1;

	memset(&e, 0, sizeof(e));
	e.plan = plan;
	e.opts = opts;
	e.out = out;
	e.err = err;
	e.errlen = errlen;
	e.t0 = e.next_progress = t0;
	TAILQ_INIT(&e.idle);
	TAILQ_INIT(&e.byage);
	TAILQ_INIT(&e.connecting);
	TAILQ_INIT(&e.handshaking);
	TAILQ_INIT(&e.ready);
	TAILQ_INIT(&e.throttled);
	e.jfree = NONE;
	e.per_address = opts->per_address ? opts->per_address :
	    EP_ENGINE_PER_ADDRESS_DEFAULT;
	/* Tokens come in thousandths: the rate a second is that a ms. */
	e.rate = opts->rate;
	e.burst = (opts->rate / 10 > 1 ? opts->rate / 10 : 1) * (int64_t)TOKEN;
	if (set_limits(&e, opts, t0) == -1 ||
	    ep_engine_check(plan, opts, err, errlen) == -1)
		return -1;
	e.max_endpoints = opts->max_endpoints ? opts->max_endpoints :
	    EP_ENDPOINTS_MAX;
	if (ep_tls_new(&e.tls, opts->priority, err, errlen) == -1)
		goto out;
	e.nslots = e.limit = fit_inflight(opts->max_inflight, &saved, &raised);
	e.nev = e.nslots + EP_RESOLVE_SOCKS_MAX;
	if ((e.slots = calloc(e.nslots, sizeof(*e.slots))) == NULL ||
	    (e.ev = calloc(e.nev, sizeof(*e.ev))) == NULL) {
		fail(&e, NULL, ENOMEM);
		goto out;
	}
	if (ep_poller_new(&e.poller, 0) == -1) {
		fail(&e, "poller", errno);
		goto out;
	}
	for (i = 0; i < e.nslots; i++)
		TAILQ_INSERT_TAIL(&e.idle, &e.slots[i], age);
	if (ep_lookups_new(&e.lk, opts->dns_servers, opts->family,
	    opts->dns_timeout_ms, err, errlen) == -1)
		goto out;
	out->no_fetch = opts->no_fetch || opts->trust == NULL;
	if (!out->no_fetch) {
		struct ep_revfetch_opts	ro;

		memset(&ro, 0, sizeof(ro));
		ro.user_agent = opts->user_agent;
		ro.deadline_ms = opts->fetch_timeout_ms;
		ro.done = obs_done;
		ro.done_arg = &e;
		if (ep_revfetch_new(&e.rf, e.poller, e.lk, opts->trust, out,
		    &ro, err, errlen) == -1)
			goto out;
	}
	/* What was named before the run first, in plan order. */
	n = ep_plan_ntargets(plan);
	for (i = 0; i < n && !e.failed; i++)
		want(&e, i);
	if (!e.failed && ep_discover_start(&e.disc, plan, e.lk, out, found,
	    &e, err, errlen) == -1)
		goto out;
	e.disc_started = 1;
	if (e.failed || loop(&e) == -1)
		goto out;
	/* Every target is whole by now: told, the last ones. */
	check_groups(&e);
	for (i = 0; opts->group_done != NULL && i < e.nts; i++)
		if (e.ts[i] != NULL && !e.ts[i]->emitted &&
		    e.ts[i]->nobs > 0) {
			fail_why(&e, "a target's observations were left "
			    "untold");
			goto out;
		}
	if (e.failed || settle(&e) == -1)
		goto out;
	out->interrupted = e.stopped;
	ep_lookups_stats(e.lk, &out->dns);
	ret = 0;
out:
	if (e.lk != NULL)
		progress(&e, ep_time_mono_ms(), 1);
	while ((a = TAILQ_FIRST(&e.byage)) != NULL) {
		TAILQ_REMOVE(&e.byage, a, age);
		ep_probe_free(a->p);
	}
	/* What it still waits for is recorded as not done. */
	ep_revfetch_free(e.rf);
	/* Pending lookups point into discovery and the targets' states. */
	ep_lookups_free(e.lk);
	ep_discover_free(e.disc);
	ep_poller_free(e.poller);
	for (i = 0; i < e.nts; i++) {
		if (e.ts[i] != NULL)
			free(e.ts[i]->obs);
		free(e.ts[i]);
	}
	free(e.ts);
	free(e.ev);
	free(e.slots);
	for (i = 0; i < e.dslots; i++)
		free(e.dests[i]);
	free(e.dests);
	free(e.jobs);
	ep_tls_free(e.tls);
	if (raised)
		setrlimit(RLIMIT_NOFILE, &saved);
	return ret;
}
