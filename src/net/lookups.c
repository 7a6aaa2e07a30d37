/*
 * The lookups of one run (see ep_lookups.h): a table of names, each with
 * its questions, its answer once known and the callbacks waiting for it;
 * a queue of the questions to send, retries first; and a heap of the
 * questions out, by the time their latest try counts as lost or they
 * fail.  Entries are allocated one by one, so that a callback that asks
 * for another name (and grows the table) never moves the entry being
 * answered; they live until the lookups are freed, and so does every
 * question a try out at the resolver points to.
 */

#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/ep_hash.h"
#include "input/ep_time.h"
#include "net/ep_lookups.h"

#define SLOTS_MIN	64	/* first table size, a power of two */

/*
 * The window, in queries out at once.  It starts at 64, a burst no
 * resolver minds, and doubles each round trip (slow start) up to
 * SSTHRESH_INIT, 256: what the fixed pace this replaced had out (128
 * names, an A and an AAAA query each), which a resolver on the same host
 * took.  Past it, and past half the window at a loss, it grows by one a
 * round trip: a resolver that takes more gets more, but slowly, since a
 * forwarder's limit on queries waiting at once is not known in advance
 * and slow start past it loses most of a round trip's queries.  A loss
 * halves it.  It never goes below WINDOW_MIN, so that names whose server
 * never answers (each a loss) cannot stall the others; WINDOW_MAX bounds
 * a burst even to a server that answers everything.
 */
#define WINDOW_INIT	64
#define WINDOW_MIN	4
#define WINDOW_MAX	2048
#define SSTHRESH_INIT	256

/*
 * Pacing: the window's queries go out spread over a round trip, not in
 * one burst.  Answers come back as bunched as their queries went out
 * (nothing on the way spaces them, as a bottleneck link spaces TCP's
 * acknowledgements), and a small resolver's limit is on queries waiting
 * at once: a burst it would drop, the same queries spread it takes.  At
 * most a sixteenth of the window, or two milliseconds' worth, go at
 * once: the loop wakes up once a millisecond at best.
 */
#define PACE_BURST_DIV	16

/*
 * A try's timeout, as recursive resolvers time their servers (Unbound:
 * RFC 6298's formula): the smoothed round trip plus four times its
 * variation, that margin at least RTO_MARGIN_MS, since a steady server's
 * variation shrinks to nothing and the loop's own delays (a burst of
 * handshakes to do) would then make answers late that are not lost.
 * Before any answer, 400 ms: longer than a resolver takes to ask the
 * authorities on a cache miss, and far below the 2 s of a default
 * --dns-timeout.  Each try of a question waits twice as long as the one
 * before, up to TRIES_MAX tries.
 */
#define RTO_INIT_MS	400
#define RTO_MARGIN_MS	50
#define TRIES_MAX	5

#define NO_HEAP		((size_t)-1)

/* What an entry asks: its kind is part of its key. */
#define Q_ADDR		0	/* addresses of the run's family */
#define Q_SRV		1	/* SRV records */
#define Q_ANY		2	/* addresses of every family: a fetch's host */

#define QUESTIONS_MAX	2	/* an entry's: A and AAAA */

struct waiter {
	struct waiter	*next;
	ep_resolve_cb	*addr_cb;	/* one of the two is set */
	ep_srv_cb	*srv_cb;
	void		*arg;
};

enum qstate {
	QS_QUEUED,		/* waits for room in the window */
	QS_OUT,			/* a try is out */
	QS_DONE,		/* answered or failed: st and records kept */
};

struct entry;

/* One question of a name: A, AAAA or SRV. */
struct question {
	struct entry		*e;
	enum ep_rr		 rr;
	enum qstate		 state;
	unsigned		 tries;		/* sent so far */
	int			 counted;	/* its latest try is in the
						   window */
	int64_t			 first;		/* its first try went out */
	int64_t			 sent;		/* its latest did */
	int64_t			 due;		/* the heap's key */
	size_t			 hi;		/* its place in the heap, or
						   NO_HEAP */
	TAILQ_ENTRY(question)	 sendq;		/* while QS_QUEUED */
	enum ep_dns_status	 st;		/* QS_DONE: how it ended */
	char			*error;
	void			*recs;		/* addresses or SRV records */
	size_t			 n;
};

TAILQ_HEAD(questionq, question);

/* One try of a question, out at the resolver. */
struct try {
	struct ep_lookups	*lk;
	struct question		*q;
	unsigned		 n;		/* which: 1 for the first */
	int64_t			 sent;
};

struct entry {
	struct ep_lookups	*lk;
	int			 srv;		/* Q_SRV, Q_ADDR or Q_ANY */
	int			 done;
	struct question		 qv[QUESTIONS_MAX];
	size_t			 nq;
	size_t			 left;		/* questions not QS_DONE */
	enum ep_dns_status	 st;		/* done: the answer */
	char			*error;		/* why, or NULL */
	struct ep_addr		*addrs;
	struct ep_srv		*srvs;
	size_t			 n;		/* addresses or records */
	size_t			 total;		/* ...in the answers, kept or
						   not */
	struct waiter		*whead, *wtail;	/* in the order they asked */
	struct entry		*gnext;		/* the give-up list */
	size_t			 hash;
	char			 name[];
};

struct ep_lookups {
	struct ep_resolver	*res;
	int			 family;	/* of Q_ADDR */
	int64_t			 bound;		/* timeout_ms: a question's
						   tries together */
	struct entry		**slots;	/* open addressing; NULL empty */
	size_t			 nslots;	/* a power of two, >= 2 n */
	size_t			 n;		/* entries */
	struct questionq	 queue;		/* to send, retries first */
	struct question		**heap;		/* questions out or waiting
						   for a retry, by due */
	size_t			 nheap, heapcap;
	size_t			 pending;	/* entries not done */
	size_t			 inflight;	/* questions counted in the
						   window */
	unsigned		 window;
	unsigned		 ssthresh;
	unsigned		 acked;		/* answers since the window
						   last grew, past ssthresh */
	int64_t			 recovered;	/* the last halving: tries sent
						   before it do not halve again */
	int64_t			 srtt, rttvar;	/* ms; srtt -1: no sample */
	double			 tokens;	/* queries pacing lets go now */
	int64_t			 paced;		/* tokens counted up to then */
	int64_t			 last_reply;	/* a server last answered */
	int64_t			 silent;	/* a question failed then with
						   nothing answered since it
						   went out; -1: none since
						   the last answer */
	struct ep_dns_stats	 stats;
	int			 late;		/* ep_lookups_give_up ran */
	enum ep_dns_status	 late_st;	/* ...and answers all so */
	int			 closing;	/* callbacks go nowhere now */
};

int
ep_lookups_new(struct ep_lookups **out, const char *servers, int family,
    unsigned timeout_ms, char *err, size_t errlen)
{
	struct ep_lookups	*lk;

	*out = NULL;
	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) {
		snprintf(err, errlen, "address family %d", family);
		return -1;
	}
	if ((lk = calloc(1, sizeof(*lk))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	lk->family = family;
	lk->bound = timeout_ms > 0 ? timeout_ms : 1;
	TAILQ_INIT(&lk->queue);
	lk->window = lk->stats.window_max = WINDOW_INIT;
	lk->ssthresh = SSTHRESH_INIT;
	lk->recovered = -1;
	lk->srtt = -1;
	lk->last_reply = -1;
	lk->silent = -1;
	/*
	 * A try c-ares keeps out may still be answered until the question
	 * itself gives up: nothing waits longer than that.
	 */
	if (ep_resolver_new(&lk->res, servers, (unsigned)lk->bound, err,
	    errlen) == -1) {
		free(lk);
		return -1;
	}
	*out = lk;
	return 0;
}

static void
free_entry(struct entry *e)
{
	struct waiter	*w, *next;
	size_t		 i;

	for (w = e->whead; w != NULL; w = next) {
		next = w->next;
		free(w);
	}
	for (i = 0; i < e->nq; i++) {
		free(e->qv[i].error);
		free(e->qv[i].recs);
	}
	free(e->error);
	free(e->addrs);
	free(e->srvs);
	free(e);
}

void
ep_lookups_free(struct ep_lookups *lk)
{
	size_t	i;

	if (lk == NULL)
		return;
	/* The resolver calls back what is out: entries must still be here. */
	lk->closing = 1;
	ep_resolver_free(lk->res);
	for (i = 0; i < lk->nslots; i++)
		if (lk->slots[i] != NULL)
			free_entry(lk->slots[i]);
	free(lk->slots);
	free(lk->heap);
	free(lk);
}

/* ---- the heap of questions by due time ---------------------------------- */

static void
heap_put(struct ep_lookups *lk, size_t i, struct question *q)
{
	lk->heap[i] = q;
	q->hi = i;
}

static void
heap_up(struct ep_lookups *lk, size_t i)
{
	struct question	*q = lk->heap[i];

	while (i > 0 && lk->heap[(i - 1) / 2]->due > q->due) {
		heap_put(lk, i, lk->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_put(lk, i, q);
}

static void
heap_down(struct ep_lookups *lk, size_t i)
{
	struct question	*q = lk->heap[i];
	size_t		 c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= lk->nheap)
			break;
		if (c + 1 < lk->nheap && lk->heap[c + 1]->due < lk->heap[c]->due)
			c++;
		if (lk->heap[c]->due >= q->due)
			break;
		heap_put(lk, i, lk->heap[c]);
		i = c;
	}
	heap_put(lk, i, q);
}

static void
heap_remove(struct ep_lookups *lk, struct question *q)
{
	size_t	i = q->hi;

	if (i == NO_HEAP)
		return;
	q->hi = NO_HEAP;
	if (--lk->nheap == i)
		return;
	/* The last one takes its place, then goes down or up from there. */
	q = lk->heap[lk->nheap];
	heap_put(lk, i, q);
	heap_down(lk, i);
	heap_up(lk, q->hi);
}

/* Sets q's due time, in the heap or into it; -1 when out of memory. */
static int
heap_set(struct ep_lookups *lk, struct question *q, int64_t due)
{
	struct question	**nh;
	size_t		  ncap;

	heap_remove(lk, q);
	if (lk->nheap == lk->heapcap) {
		ncap = lk->heapcap ? lk->heapcap * 2 : 64;
		if ((nh = reallocarray(lk->heap, ncap, sizeof(*nh))) == NULL)
			return -1;
		lk->heap = nh;
		lk->heapcap = ncap;
	}
	q->due = due;
	heap_put(lk, lk->nheap++, q);
	heap_up(lk, q->hi);
	return 0;
}

/* ---- the window and the round trip -------------------------------------- */

static void
window_set(struct ep_lookups *lk, unsigned w)
{
	lk->window = w < WINDOW_MIN ? WINDOW_MIN : w > WINDOW_MAX ?
	    WINDOW_MAX : w;
	if (lk->window > lk->stats.window_max)
		lk->stats.window_max = lk->window;
}

/* A server answered: the window grows, by one a round trip past ssthresh. */
static void
window_grow(struct ep_lookups *lk)
{
	if (lk->window < lk->ssthresh) {
		window_set(lk, lk->window + 1);
		return;
	}
	if (++lk->acked >= lk->window) {
		lk->acked = 0;
		window_set(lk, lk->window + 1);
	}
}

/*
 * A try sent at sent was lost: the window halves, unless it did since
 * that try went out (a burst lost together is one loss, as in TCP).
 */
static void
window_loss(struct ep_lookups *lk, int64_t sent, int64_t now)
{
	if (sent <= lk->recovered)
		return;
	lk->recovered = now;
	lk->ssthresh = lk->window / 2 < WINDOW_MIN ? WINDOW_MIN :
	    lk->window / 2;
	lk->acked = 0;
	window_set(lk, lk->ssthresh);
	lk->stats.decreases++;
}

/* RFC 6298, in ms: the smoothed round trip and its variation. */
static void
rtt_sample(struct ep_lookups *lk, int64_t rtt)
{
	int64_t	delta;

	if (rtt < 0)
		rtt = 0;
	if (lk->srtt < 0) {
		lk->srtt = rtt;
		lk->rttvar = rtt / 2;
		return;
	}
	delta = lk->srtt > rtt ? lk->srtt - rtt : rtt - lk->srtt;
	lk->rttvar = (3 * lk->rttvar + delta) / 4;
	lk->srtt = (7 * lk->srtt + rtt) / 8;
}

/* Queries a millisecond pacing lets go; 0: no round trip known yet. */
static double
pace_rate(const struct ep_lookups *lk)
{
	if (lk->srtt < 0)
		return 0;
	return lk->window / (double)(lk->srtt > 0 ? lk->srtt : 1);
}

/* Adds the tokens of the time since they were last counted. */
static void
pace_refill(struct ep_lookups *lk, int64_t now)
{
	double	cap = lk->window / PACE_BURST_DIV, rate = pace_rate(lk);

	if (cap < 2 * rate)
		cap = 2 * rate;
	if (cap < WINDOW_MIN)
		cap = WINDOW_MIN;
	/* Before any answer, the first window goes out at once. */
	if (rate == 0)
		lk->tokens = lk->window;
	else if (now > lk->paced)
		lk->tokens += (double)(now - lk->paced) * rate;
	if (lk->tokens > cap && rate > 0)
		lk->tokens = cap;
	lk->paced = now;
}

/* A first try's timeout, before the doubling of later tries. */
static int64_t
rto(const struct ep_lookups *lk)
{
	int64_t	t;

	if (lk->srtt < 0)
		t = RTO_INIT_MS;
	else
		t = lk->srtt + (4 * lk->rttvar > RTO_MARGIN_MS ?
		    4 * lk->rttvar : RTO_MARGIN_MS);
	return t < lk->bound ? t : lk->bound;
}

/* ---- the table of names --------------------------------------------------- */

static size_t
key_hash(int srv, const char *name)
{
	return ep_hash(name, strlen(name), srv == Q_SRV ? ~EP_HASH_INIT :
	    srv == Q_ANY ? EP_HASH_INIT ^ 0x9e3779b9u : EP_HASH_INIT);
}

/* The slot of (srv, name): its entry's, or the empty one it would take. */
static size_t
find_slot(const struct ep_lookups *lk, int srv, const char *name, size_t h)
{
	size_t	mask = lk->nslots - 1, i = h & mask;

	while (lk->slots[i] != NULL && (lk->slots[i]->srv != srv ||
	    lk->slots[i]->hash != h || strcmp(lk->slots[i]->name, name) != 0))
		i = (i + 1) & mask;
	return i;
}

/* Makes room for one more entry, the table at most half full. */
static int
grow(struct ep_lookups *lk)
{
	struct entry	**old = lk->slots;
	size_t		  oldn = lk->nslots, i;

	if ((lk->n + 1) * 2 <= lk->nslots)
		return 0;
	lk->nslots = oldn ? oldn * 2 : SLOTS_MIN;
	if ((lk->slots = calloc(lk->nslots, sizeof(*lk->slots))) == NULL) {
		lk->slots = old;
		lk->nslots = oldn;
		return -1;
	}
	for (i = 0; i < oldn; i++)
		if (old[i] != NULL)
			lk->slots[find_slot(lk, old[i]->srv, old[i]->name,
			    old[i]->hash)] = old[i];
	free(old);
	return 0;
}

static void
call(const struct entry *e, const struct waiter *w)
{
	if (w->addr_cb != NULL)
		w->addr_cb(w->arg, e->st, e->addrs, e->n, e->total, e->error);
	else
		w->srv_cb(w->arg, e->st, e->srvs, e->n, e->total, e->error);
}

/*
 * Answers every waiter of e, which is done now.  The list is taken off
 * first: a waiter may ask for e again, and is then answered at once.
 */
static void
answer(struct entry *e)
{
	struct waiter	*w, *next;

	e->done = 1;
	e->lk->pending--;
	w = e->whead;
	e->whead = e->wtail = NULL;
	for (; w != NULL; w = next) {
		next = w->next;
		call(e, w);
		free(w);
	}
}

/*
 * Sets e's answer from the total records of v, in the order they are
 * kept: the first EP_RESOLVE_ADDRS_MAX addresses or EP_SRV_MAX records
 * are.  On no memory, the answer is a failure.
 */
static void
settle(struct entry *e, enum ep_dns_status st, const void *v, size_t total,
    const char *error)
{
	size_t	size = e->srv == Q_SRV ? sizeof(struct ep_srv) :
		    sizeof(struct ep_addr);
	size_t	max = e->srv == Q_SRV ? EP_SRV_MAX : EP_RESOLVE_ADDRS_MAX;
	size_t	n = total < max ? total : max;
	void	*copy = NULL;

	if (n > 0 && (copy = calloc(n, size)) == NULL) {
		st = EP_DNS_FAILED;
		error = strerror(ENOMEM);
		n = total = 0;
	}
	if (n > 0)
		memcpy(copy, v, n * size);
	if (e->srv == Q_SRV)
		e->srvs = copy;
	else
		e->addrs = copy;
	e->n = n;
	e->total = total;
	e->st = st;
	if (error != NULL && (e->error = strdup(error)) == NULL)
		e->error = NULL;
}

/*
 * Every question of e is done: its answer.  A name's addresses are
 * those of both questions, in ep_addr_order's order; with none, a failed
 * question leaves it unknown whether the name has any (a failure, not
 * "no address").
 */
static void
complete(struct entry *e)
{
	struct ep_addr			*v = NULL;
	const struct question		*failed = NULL, *none = NULL;
	size_t				 i, n = 0, all = 0;

	if (e->srv == Q_SRV) {
		settle(e, e->qv[0].st, e->qv[0].recs, e->qv[0].n,
		    e->qv[0].error);
		answer(e);
		return;
	}
	for (i = 0; i < e->nq; i++)
		if (e->qv[i].st == EP_DNS_ANSWERED)
			all += e->qv[i].n;
	if (all > 0 && (v = calloc(all, sizeof(*v))) == NULL) {
		settle(e, EP_DNS_FAILED, NULL, 0, strerror(ENOMEM));
		answer(e);
		return;
	}
	for (i = 0; i < e->nq; i++) {
		const struct question	*q = &e->qv[i];

		if (q->st == EP_DNS_ANSWERED) {
			memcpy(v + n, q->recs, q->n * sizeof(*v));
			n += q->n;
		} else if (q->st == EP_DNS_FAILED && failed == NULL)
			failed = q;
		else if (q->st == EP_DNS_NONE && (none == NULL ||
		    strcmp(q->error, "no such name") == 0))
			none = q;
	}
	/*
	 * Past EP_RESOLVE_ADDRS_MAX, the lowest addresses are kept rather
	 * than the first: a server that rotates its answer would otherwise
	 * make every run probe other ones.
	 */
	if (n > 0)
		settle(e, EP_DNS_ANSWERED, v, ep_addr_order(v, n), NULL);
	else if (failed != NULL)
		settle(e, EP_DNS_FAILED, NULL, 0, failed->error);
	else
		settle(e, EP_DNS_NONE, NULL, 0, none != NULL ? none->error :
		    "no A or AAAA record");
	free(v);
	answer(e);
}

/* Takes q out of the window, the queue and the heap. */
static void
unhook(struct ep_lookups *lk, struct question *q)
{
	if (q->counted) {
		q->counted = 0;
		lk->inflight--;
	}
	if (q->state == QS_QUEUED)
		TAILQ_REMOVE(&lk->queue, q, sendq);
	heap_remove(lk, q);
}

/*
 * q ended: it keeps what it came to, and its entry is answered once all
 * of its questions have.
 */
static void
finish(struct ep_lookups *lk, struct question *q, enum ep_dns_status st,
    const void *recs, size_t n, const char *error)
{
	size_t	size = q->rr == EP_RR_SRV ? sizeof(struct ep_srv) :
		    sizeof(struct ep_addr);

	unhook(lk, q);
	q->state = QS_DONE;
	q->st = st;
	if (n > 0 && (q->recs = calloc(n, size)) == NULL) {
		q->st = EP_DNS_FAILED;
		error = strerror(ENOMEM);
		n = 0;
	}
	if (n > 0)
		memcpy(q->recs, recs, n * size);
	q->n = n;
	if (error != NULL && (q->error = strdup(error)) == NULL)
		q->st = EP_DNS_FAILED;
	if (q->error == NULL && q->st == EP_DNS_FAILED)
		q->error = strdup(strerror(ENOMEM));
	if (--q->e->left == 0 && !q->e->done)
		complete(q->e);
}

/* ---- asking --------------------------------------------------------------- */

/* What the resolver said to one try. */
static void
try_done(void *arg, const struct ep_query_result *res)
{
	struct try		*t = arg;
	struct ep_lookups	*lk = t->lk;
	struct question		*q = t->q;
	int64_t			 now;

	if (lk->closing) {
		free(t);
		return;
	}
	now = ep_time_mono_ms();
	if (res->replied) {
		/* Which try it answers is known: the sample is exact. */
		lk->last_reply = now;
		rtt_sample(lk, now - t->sent);
		window_grow(lk);
	}
	/*
	 * A lost try is the question's timer's to count: it passed before
	 * the resolver's own.  A failure of this host ends the question.
	 */
	if (q->state != QS_DONE && !res->lost)
		finish(lk, q, res->st, res->st != EP_DNS_ANSWERED ? NULL :
		    q->rr == EP_RR_SRV ? (const void *)res->srv :
		    (const void *)res->addrs, res->n, res->error);
	free(t);
}

/* Sends q's next try, to the next server.  Returns -1 on no memory. */
static int
send_try(struct ep_lookups *lk, struct question *q, int64_t now)
{
	struct try	*t;
	int64_t		 due;
	unsigned	 n;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -1;
	if (q->tries == 0)
		q->first = now;
	due = now + (rto(lk) << q->tries);
	if (due > q->first + lk->bound)
		due = q->first + lk->bound;
	if (heap_set(lk, q, due) == -1) {
		free(t);
		return -1;
	}
	t->lk = lk;
	t->q = q;
	t->n = n = ++q->tries;
	t->sent = q->sent = now;
	q->state = QS_OUT;
	q->counted = 1;
	lk->inflight++;
	/*
	 * Tries rotate through the servers, the first server first.  The
	 * resolver may call back now (and free t), so q is ready for it
	 * before.
	 */
	if (ep_resolver_query(lk->res, q->e->name, q->rr, n - 1, try_done,
	    t) == -1) {
		free(t);
		q->tries--;
		unhook(lk, q);
		return -1;
	}
	lk->stats.queries++;
	if (n == 1)
		lk->stats.questions++;
	else
		lk->stats.resent++;
	return 0;
}

/* The hosts file's addresses of an address entry, as the system's do. */
static int
from_hosts(struct ep_lookups *lk, struct entry *e)
{
	struct ep_addr	v[2 * EP_RESOLVE_ADDRS_MAX];
	size_t		n = 0, i;

	for (i = 0; i < e->nq; i++)
		n += ep_resolver_hosts(lk->res, e->name, e->qv[i].rr ==
		    EP_RR_A ? AF_INET : AF_INET6, v + n, EP_RESOLVE_ADDRS_MAX);
	if (n == 0)
		return 0;
	for (i = 0; i < e->nq; i++) {
		unhook(lk, &e->qv[i]);
		e->qv[i].state = QS_DONE;
	}
	e->left = 0;
	settle(e, EP_DNS_ANSWERED, v, ep_addr_order(v, n), NULL);
	answer(e);
	return 1;
}

/* Adds q to the queue: a new question at the end, a retry at the head. */
static void
enqueue(struct ep_lookups *lk, struct question *q, int retry)
{
	q->state = QS_QUEUED;
	if (retry)
		TAILQ_INSERT_HEAD(&lk->queue, q, sendq);
	else
		TAILQ_INSERT_TAIL(&lk->queue, q, sendq);
}

/* Finds or makes the entry of (srv, name) and adds the waiter. */
static int
ask(struct ep_lookups *lk, int srv, const char *name, ep_resolve_cb *acb,
    ep_srv_cb *scb, void *arg)
{
	struct entry	*e;
	struct waiter	*w;
	size_t		 h = key_hash(srv, name), slot, len, i;
	int		 fam = srv == Q_ADDR ? lk->family : AF_UNSPEC;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -1;
	w->addr_cb = acb;
	w->srv_cb = scb;
	w->arg = arg;
	if (grow(lk) == -1) {
		free(w);
		return -1;
	}
	slot = find_slot(lk, srv, name, h);
	if ((e = lk->slots[slot]) == NULL) {
		len = strlen(name);
		if ((e = calloc(1, sizeof(*e) + len + 1)) == NULL) {
			free(w);
			return -1;
		}
		e->lk = lk;
		e->srv = srv;
		e->hash = h;
		memcpy(e->name, name, len + 1);
		if (srv == Q_SRV)
			e->qv[e->nq++].rr = EP_RR_SRV;
		if (srv != Q_SRV && fam != AF_INET6)
			e->qv[e->nq++].rr = EP_RR_A;
		if (srv != Q_SRV && fam != AF_INET)
			e->qv[e->nq++].rr = EP_RR_AAAA;
		lk->slots[slot] = e;
		lk->n++;
		lk->pending++;
		for (i = 0; i < e->nq; i++) {
			e->qv[i].e = e;
			e->qv[i].hi = NO_HEAP;
			e->qv[i].state = QS_DONE;
		}
		if (lk->late) {
			e->st = lk->late_st;
			e->done = 1;
			lk->pending--;
		} else {
			e->left = e->nq;
			for (i = 0; i < e->nq; i++)
				enqueue(lk, &e->qv[i], 0);
		}
	}
	if (e->done) {
		call(e, w);
		free(w);
		return 0;
	}
	if (e->wtail != NULL)
		e->wtail->next = w;
	else
		e->whead = w;
	e->wtail = w;
	return 0;
}

int
ep_lookups_addr(struct ep_lookups *lk, const char *name, ep_resolve_cb *cb,
    void *arg)
{
	return ask(lk, Q_ADDR, name, cb, NULL, arg);
}

int
ep_lookups_addr_any(struct ep_lookups *lk, const char *name,
    ep_resolve_cb *cb, void *arg)
{
	return ask(lk, Q_ANY, name, cb, NULL, arg);
}

int
ep_lookups_srv(struct ep_lookups *lk, const char *name, ep_srv_cb *cb,
    void *arg)
{
	return ask(lk, Q_SRV, name, NULL, cb, arg);
}

int
ep_lookups_flush(struct ep_lookups *lk)
{
	struct question	*q;
	int64_t		 now = ep_time_mono_ms();

	pace_refill(lk, now);
	while (lk->inflight < lk->window && lk->tokens >= 1 &&
	    (q = TAILQ_FIRST(&lk->queue)) != NULL) {
		/* The system's resolver reads the hosts file first. */
		if (q->tries == 0 && q->e->srv != Q_SRV &&
		    q == &q->e->qv[0] && from_hosts(lk, q->e))
			continue;
		TAILQ_REMOVE(&lk->queue, q, sendq);
		if (send_try(lk, q, now) == -1) {
			enqueue(lk, q, 1);
			return -1;
		}
		lk->tokens -= 1;
	}
	return 0;
}

/*
 * Nothing was answered since a question that has now failed went out,
 * nor since another failed so before it was first sent: the servers are
 * down, and every question still waiting fails now, and so does every
 * one its callbacks ask for meanwhile.  One such failure alone is not
 * enough: the questions out may all be of a zone whose servers are down
 * while the resolver is fine, and those queued behind them would then
 * fail unasked.
 */
static void
servers_down(struct ep_lookups *lk)
{
	struct question	*q;
	char		 why[EP_DNS_ERROR_MAX];

	snprintf(why, sizeof(why), "DNS query timed out: no DNS server "
	    "answered anything in %g s", (double)lk->bound / 1000);
	for (;;) {
		if ((q = TAILQ_FIRST(&lk->queue)) == NULL && lk->nheap > 0)
			q = lk->heap[0];
		if (q == NULL)
			break;
		lk->stats.unanswered++;
		finish(lk, q, EP_DNS_FAILED, NULL, 0, why);
	}
}

void
ep_lookups_expire(struct ep_lookups *lk)
{
	struct question	*q;
	int64_t		 now = ep_time_mono_ms();
	char		 why[EP_DNS_ERROR_MAX];

	while (lk->nheap > 0 && (q = lk->heap[0])->due <= now) {
		if (now - q->first >= lk->bound) {
			snprintf(why, sizeof(why), "DNS query timed out: no "
			    "answer to %u %s in %g s", q->tries,
			    q->tries == 1 ? "try" : "tries",
			    (double)lk->bound / 1000);
			if (q->counted)
				window_loss(lk, q->sent, now);
			lk->stats.unanswered++;
			finish(lk, q, EP_DNS_FAILED, NULL, 0, why);
			if (lk->last_reply >= q->first)
				continue;
			if (lk->silent >= 0 && lk->last_reply < lk->silent &&
			    q->first >= lk->silent)
				servers_down(lk);
			else if (lk->silent < 0 || lk->last_reply >= lk->silent)
				lk->silent = now;
			continue;
		}
		/* Its latest try is lost; tries still out may answer yet. */
		if (q->counted) {
			q->counted = 0;
			lk->inflight--;
			window_loss(lk, q->sent, now);
		}
		if (q->tries < TRIES_MAX && q->state == QS_OUT)
			enqueue(lk, q, 1);
		/* Waiting for room or for its tries, it still fails in time. */
		if (heap_set(lk, q, q->first + lk->bound) == -1) {
			/* No memory to wait: it fails now. */
			lk->stats.unanswered++;
			finish(lk, q, EP_DNS_FAILED, NULL, 0, strerror(ENOMEM));
		}
	}
}

int
ep_lookups_timeout(const struct ep_lookups *lk, int max_ms)
{
	int64_t	wait;
	double	rate = pace_rate(lk);
	int	t = max_ms;

	if (lk->nheap > 0) {
		wait = lk->heap[0]->due - ep_time_mono_ms();
		if (wait < 0)
			wait = 0;
		if (t < 0 || wait < t)
			t = wait > 0x7fffffff ? 0x7fffffff : (int)wait;
	}
	/* Pacing holds back what the window would let go. */
	if (!TAILQ_EMPTY(&lk->queue) && lk->inflight < lk->window &&
	    lk->tokens < 1 && rate > 0) {
		wait = (int64_t)((1 - lk->tokens) / rate) + 1;
		if (t < 0 || wait < t)
			t = (int)wait;
	}
	return ep_resolver_timeout(lk->res, t);
}

void
ep_lookups_give_up(struct ep_lookups *lk, enum ep_dns_status st)
{
	struct entry	*list = NULL, *e;
	size_t		 i, k;

	/* From here, a new name is answered st at once: no list grows. */
	lk->late = 1;
	lk->late_st = st;
	for (i = 0; i < lk->nslots; i++) {
		e = lk->slots[i];
		if (e == NULL || e->done)
			continue;
		for (k = 0; k < e->nq; k++) {
			if (e->qv[k].state != QS_DONE) {
				unhook(lk, &e->qv[k]);
				e->qv[k].state = QS_DONE;
			}
		}
		e->left = 0;
		e->gnext = list;
		list = e;
	}
	while ((e = list) != NULL) {
		list = e->gnext;
		e->gnext = NULL;
		e->st = st;
		answer(e);
	}
}

size_t
ep_lookups_pending(const struct ep_lookups *lk)
{
	return lk->pending;
}

void
ep_lookups_stats(const struct ep_lookups *lk, struct ep_dns_stats *out)
{
	*out = lk->stats;
	out->window = lk->window;
	out->srtt_ms = lk->srtt < 0 ? 0 : (unsigned)lk->srtt;
	out->rto_ms = (unsigned)rto(lk);
}

struct ep_resolver *
ep_lookups_resolver(struct ep_lookups *lk)
{
	return lk->res;
}
