/*
 * The lookups of one run (see ep_lookups.h): a table of names, each with
 * its answer once known and the callbacks waiting for it, and a FIFO of
 * the names not asked yet.  Entries are allocated one by one, so that a
 * callback that asks for another name (and grows the table) never moves
 * the entry being answered.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/ep_hash.h"
#include "net/ep_lookups.h"

#define SLOTS_MIN	64	/* first table size, a power of two */

/* What an entry asks: its kind is part of its key. */
#define Q_ADDR		0	/* addresses of the run's family */
#define Q_SRV		1	/* SRV records */
#define Q_ANY		2	/* addresses of every family: a fetch's host */

struct waiter {
	struct waiter	*next;
	ep_resolve_cb	*addr_cb;	/* one of the two is set */
	ep_srv_cb	*srv_cb;
	void		*arg;
};

enum state {
	S_QUEUED,		/* waits for a place in the window */
	S_ASKING,		/* out at the resolver */
	S_DONE,			/* answered: st and the records are kept */
};

struct entry {
	struct ep_lookups	*lk;
	int			 srv;		/* Q_SRV, Q_ADDR or Q_ANY */
	enum state		 state;
	enum ep_dns_status	 st;
	char			*error;		/* why, or NULL */
	struct ep_addr		*addrs;
	struct ep_srv		*srvs;
	size_t			 n;		/* addresses or records */
	size_t			 total;		/* ...in the answer, kept or not */
	struct waiter		*whead, *wtail;	/* in the order they asked */
	struct entry		*qnext;		/* the send FIFO, or the
						   give-up list */
	size_t			 hash;
	char			 name[];
};

struct ep_lookups {
	struct ep_resolver	*res;
	struct entry		**slots;	/* open addressing; NULL empty */
	size_t			 nslots;	/* a power of two, >= 2 n */
	size_t			 n;		/* entries */
	struct entry		*qhead, *qtail;	/* not asked yet */
	size_t			 pending;	/* entries not S_DONE */
	size_t			 asking;	/* entries out at the resolver */
	size_t			 window;
	int			 late;		/* ep_lookups_give_up ran */
	enum ep_dns_status	 late_st;	/* ...and answers all so */
	int			 closing;	/* callbacks go nowhere now */
};

int
ep_lookups_new(struct ep_lookups **out, const char *servers, int family,
    unsigned timeout_ms, size_t window, char *err, size_t errlen)
{
	struct ep_lookups	*lk;

	*out = NULL;
	if ((lk = calloc(1, sizeof(*lk))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	lk->window = window > 0 ? window : 1;
	if (ep_resolver_new(&lk->res, servers, family, timeout_ms, err,
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

	for (w = e->whead; w != NULL; w = next) {
		next = w->next;
		free(w);
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
	free(lk);
}

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

	e->state = S_DONE;
	e->lk->pending--;
	w = e->whead;
	e->whead = e->wtail = NULL;
	for (; w != NULL; w = next) {
		next = w->next;
		call(e, w);
		free(w);
	}
}

/* Keeps what the resolver said; on no memory, the answer is a failure. */
static void
keep(struct entry *e, enum ep_dns_status st, const void *v, size_t n,
    size_t total, size_t size, const char *error)
{
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
	if (error != NULL)
		e->error = strdup(error);
}

/* The resolver's answer to an entry; ignored once given up or closing. */
static void
addr_done(void *arg, enum ep_dns_status st, const struct ep_addr *addrs,
    size_t n, size_t total, const char *error)
{
	struct entry	*e = arg;

	e->lk->asking--;
	if (e->lk->closing || e->state == S_DONE)
		return;
	keep(e, st, addrs, n, total, sizeof(*addrs), error);
	answer(e);
}

static void
srv_done(void *arg, enum ep_dns_status st, const struct ep_srv *srv,
    size_t n, size_t total, const char *error)
{
	struct entry	*e = arg;

	e->lk->asking--;
	if (e->lk->closing || e->state == S_DONE)
		return;
	keep(e, st, srv, n, total, sizeof(*srv), error);
	answer(e);
}

/* Finds or makes the entry of (srv, name) and adds the waiter. */
static int
ask(struct ep_lookups *lk, int srv, const char *name, ep_resolve_cb *acb,
    ep_srv_cb *scb, void *arg)
{
	struct entry	*e;
	struct waiter	*w;
	size_t		 h = key_hash(srv, name), slot, len;

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
		lk->slots[slot] = e;
		lk->n++;
		lk->pending++;
		if (lk->late) {
			e->st = lk->late_st;
			e->state = S_DONE;
			lk->pending--;
		} else {
			e->state = S_QUEUED;
			if (lk->qtail != NULL)
				lk->qtail->qnext = e;
			else
				lk->qhead = e;
			lk->qtail = e;
		}
	}
	if (e->state == S_DONE) {
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
	struct entry	*e;
	int		 r;

	while (lk->asking < lk->window && (e = lk->qhead) != NULL) {
		if ((lk->qhead = e->qnext) == NULL)
			lk->qtail = NULL;
		e->qnext = NULL;
		e->state = S_ASKING;
		lk->asking++;
		r = e->srv == Q_SRV ? ep_resolver_srv(lk->res, e->name,
		    srv_done, e) : e->srv == Q_ANY ? ep_resolver_lookup_any(
		    lk->res, e->name, addr_done, e) : ep_resolver_lookup(
		    lk->res, e->name, addr_done, e);
		if (r == -1) {
			lk->asking--;
			return -1;
		}
	}
	return 0;
}

void
ep_lookups_give_up(struct ep_lookups *lk, enum ep_dns_status st)
{
	struct entry	*list = NULL, *e;
	size_t		 i;

	/* From here, a new name is answered late at once: no list grows. */
	lk->late = 1;
	lk->late_st = st;
	lk->qhead = lk->qtail = NULL;
	for (i = 0; i < lk->nslots; i++) {
		e = lk->slots[i];
		if (e == NULL || e->state == S_DONE)
			continue;
		e->qnext = list;
		list = e;
	}
	while ((e = list) != NULL) {
		list = e->qnext;
		e->qnext = NULL;
		e->st = st;
		answer(e);
	}
}

size_t
ep_lookups_pending(const struct ep_lookups *lk)
{
	return lk->pending;
}

struct ep_resolver *
ep_lookups_resolver(struct ep_lookups *lk)
{
	return lk->res;
}
