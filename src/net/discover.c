/*
 * SIP-domain discovery inside the run (see ep_discover.h).  Each name to
 * discover has its lookups, one per candidate domain and record kind;
 * the last answer in picks the SIP domain and opens the plan's door.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input/ep_hostname.h"
#include "net/ep_discover.h"

/* One lookup of one name: where its answer goes. */
struct query {
	struct name	*nm;
	int		 cand;		/* candidate domain */
	int		 rec;		/* enum ep_disc_record */
};

/* A name being discovered. */
struct name {
	struct ep_discover	*d;
	size_t			 index;		/* into obs->disc */
	size_t			 pending;	/* lookups not answered yet */
	struct query		 q[EP_DISC_CANDIDATES][EP_DISC__MAX];
};

struct ep_discover {
	struct ep_plan		*plan;
	struct ep_observations	*obs;
	struct name		*names;
	size_t			 nnames;
	ep_discover_cb		*cb;
	void			*arg;
	size_t			 unfinished;	/* names still asked about */
	int			 failed;
	char			 why[256];
};

int
ep_discover_parent(const char *name, char *out, size_t outlen)
{
	char		 norm[EP_NAME_MAX + 1];
	const char	*dot;
	size_t		 len;

	if (ep_host_is_ip(name) ||
	    ep_host_normalize(name, norm, sizeof(norm)) == -1)
		return -1;
	/* A one-label parent is a top-level domain, never a SIP domain. */
	if ((dot = strchr(norm, '.')) == NULL || strchr(dot + 1, '.') == NULL)
		return -1;
	len = strlen(dot + 1);
	if (len >= outlen)
		return -1;
	memcpy(out, dot + 1, len + 1);
	return 0;
}

int
ep_discover_in_domain(const char *name, const char *domain)
{
	size_t	nl = strlen(name), dl = strlen(domain);

	if (nl > 0 && name[nl - 1] == '.')
		nl--;
	if (dl > 0 && domain[dl - 1] == '.')
		dl--;
	if (dl == 0 || nl < dl ||
	    strncasecmp(name + nl - dl, domain, dl) != 0)
		return 0;
	/* On a label boundary: badcontoso.com is not under contoso.com. */
	return nl == dl || name[nl - dl - 1] == '.';
}

static void
fail(struct ep_discover *d, const char *why)
{
	if (d->failed)
		return;
	d->failed = 1;
	snprintf(d->why, sizeof(d->why), "%s", why);
}

static int
any_answered(const struct ep_discovery *dc, int c, int srv)
{
	int	r;

	for (r = 0; r < EP_DISC__MAX; r++)
		if (ep_disc_record(r)->srv == srv &&
		    dc->answer[c][r].st == EP_DNS_ANSWERED)
			return 1;
	return 0;
}

/*
 * Picks the SIP domain from the candidates: SRV records weigh more than
 * host names, the name more than its parent.  Returns the candidate, or
 * -1 when nothing was found.
 */
static int
choose(const struct ep_discovery *dc)
{
	int	c, srv;

	for (srv = 1; srv >= 0; srv--)
		for (c = 0; c < EP_DISC_CANDIDATES; c++)
			if (dc->domain[c][0] != '\0' && any_answered(dc, c, srv))
				return c;
	return -1;
}

/* Every answer of nm is in: the SIP domain, then the plan's door. */
static void
finish(struct name *nm)
{
	struct ep_discover	*d = nm->d;
	struct ep_discovery	*dc = &d->obs->disc[nm->index];
	struct ep_found		 f;
	char			 qname[EP_DISC__MAX][EP_DISC_QNAME_MAX + 1];
	char			 err[256];
	size_t			 touched[EP_FOUND_TOUCHED_MAX], n = 0, k = 0;
	int			 c, r;

	d->unfinished--;
	if ((c = dc->chosen = choose(dc)) == -1)
		return;
	memset(&f, 0, sizeof(f));
	f.domain = dc->domain[c];
	for (r = 0; r < EP_DISC__MAX; r++) {
		const struct ep_dns_answer	*a = &dc->answer[c][r];

		if (a->st != EP_DNS_ANSWERED ||
		    ep_disc_qname(r, f.domain, qname[r], sizeof(qname[r])) == -1)
			continue;
		if (ep_disc_record(r)->srv) {
			struct ep_found_srv	*fs = &f.srv[k++];

			fs->qname = qname[r];
			fs->v = a->srv;
			fs->n = a->n;
			fs->flags = ep_disc_record(r)->federation ?
			    EP_PORT_FEDERATION : 0;
		} else if (r == EP_DISC_SIP)
			f.access = qname[r];
		else if (f.npublished < EP_FOUND_PUBLISHED_MAX)
			f.published[f.npublished++] = qname[r];
	}
	if (ep_plan_add_found(d->plan, dc->group, &f, touched, &n, err,
	    sizeof(err)) == -1) {
		fail(d, err);
		return;
	}
	if (n > 0)
		d->cb(d->arg, touched, n);
}

/* Files one answer; the last one of a name finishes it. */
static void
answered(struct query *q, enum ep_dns_status st, const void *v, size_t n,
    size_t total, size_t size, const char *error)
{
	struct name		*nm = q->nm;
	struct ep_dns_answer	*a;
	void			*copy = NULL;

	a = &nm->d->obs->disc[nm->index].answer[q->cand][q->rec];
	if (n > 0 && (copy = calloc(n, size)) == NULL) {
		fail(nm->d, strerror(ENOMEM));
		n = total = 0;
	}
	if (n > 0)
		memcpy(copy, v, n * size);
	if (ep_disc_record(q->rec)->srv)
		a->srv = copy;
	else
		a->addrs = copy;
	a->n = n;
	a->total = total;
	a->st = st;
	if (st == EP_DNS_LATE)
		snprintf(a->error, sizeof(a->error), "the run deadline passed "
		    "before the answer");
	else if (st == EP_DNS_INTERRUPTED)
		snprintf(a->error, sizeof(a->error), "the run was interrupted "
		    "before the answer");
	else if (error != NULL)
		snprintf(a->error, sizeof(a->error), "%s", error);
	if (--nm->pending == 0)
		finish(nm);
}

static void
addr_answer(void *arg, enum ep_dns_status st, const struct ep_addr *addrs,
    size_t n, size_t total, const char *error)
{
	answered(arg, st, addrs, n, total, sizeof(*addrs), error);
}

static void
srv_answer(void *arg, enum ep_dns_status st, const struct ep_srv *srv,
    size_t n, size_t total, const char *error)
{
	answered(arg, st, srv, n, total, sizeof(*srv), error);
}

/*
 * Asks for every record of both candidates of nm.  The count of answers
 * to wait for is set before the first question: an answer known already
 * comes back at once.
 */
static int
ask(struct ep_discover *d, struct name *nm, struct ep_lookups *lk)
{
	struct ep_discovery	*dc = &d->obs->disc[nm->index];
	char			 qname[EP_DISC_QNAME_MAX + 1];
	int			 c, r, asked[EP_DISC_CANDIDATES][EP_DISC__MAX];

	nm->pending = 1;	/* held until every question is out */
	for (c = 0; c < EP_DISC_CANDIDATES; c++)
		for (r = 0; r < EP_DISC__MAX; r++) {
			asked[c][r] = dc->domain[c][0] != '\0' &&
			    ep_disc_qname(r, dc->domain[c], qname,
			    sizeof(qname)) == 0;
			/* A name too long to exist has no records. */
			if (dc->domain[c][0] != '\0' && !asked[c][r])
				dc->answer[c][r].st = EP_DNS_NONE;
			nm->pending += asked[c][r];
		}
	for (c = 0; c < EP_DISC_CANDIDATES; c++)
		for (r = 0; r < EP_DISC__MAX; r++) {
			struct query	*q = &nm->q[c][r];
			int		 rc;

			if (!asked[c][r])
				continue;
			q->nm = nm;
			q->cand = c;
			q->rec = r;
			ep_disc_qname(r, dc->domain[c], qname, sizeof(qname));
			rc = ep_disc_record(r)->srv ?
			    ep_lookups_srv(lk, qname, srv_answer, q) :
			    ep_lookups_addr(lk, qname, addr_answer, q);
			if (rc == -1)
				return -1;
		}
	if (--nm->pending == 0)
		finish(nm);
	return 0;
}

int
ep_discover_start(struct ep_discover **out, struct ep_plan *plan,
    struct ep_lookups *lk, struct ep_observations *obs, ep_discover_cb *cb,
    void *arg, char *err, size_t errlen)
{
	struct ep_discover	*d;
	size_t			 i, n = ep_plan_ndiscoveries(plan);

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->names = calloc(n ? n : 1, sizeof(*d->names))) == NULL ||
	    ep_observations_discoveries(obs, n) == -1) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		ep_discover_free(d);
		return -1;
	}
	d->plan = plan;
	d->obs = obs;
	d->cb = cb;
	d->arg = arg;
	d->nnames = n;
	d->unfinished = n;
	/* Every name has its candidates before the first question goes out. */
	for (i = 0; i < n; i++) {
		struct ep_discovery	*dc = &obs->disc[i];
		const char		*name;

		name = ep_plan_discovery(plan, i, &dc->group);
		snprintf(dc->domain[0], sizeof(dc->domain[0]), "%s", name);
		if (ep_discover_parent(name, dc->domain[1],
		    sizeof(dc->domain[1])) == -1)
			dc->domain[1][0] = '\0';
		d->names[i].d = d;
		d->names[i].index = i;
	}
	*out = d;
	for (i = 0; i < n; i++)
		if (ask(d, &d->names[i], lk) == -1) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			return -1;
		}
	return 0;
}

int
ep_discover_done(const struct ep_discover *d)
{
	return d == NULL || d->unfinished == 0;
}

int
ep_discover_failed(const struct ep_discover *d, char *err, size_t errlen)
{
	if (d == NULL || !d->failed)
		return 0;
	snprintf(err, errlen, "%s", d->why);
	return 1;
}

void
ep_discover_free(struct ep_discover *d)
{
	if (d == NULL)
		return;
	free(d->names);
	free(d);
}
