/*
 * SIP-domain discovery: every SRV and A/AAAA lookup of every candidate
 * domain goes out at once on a resolver of its own; once all are in, each
 * name picks its SIP domain and the plan gets the targets DNS publishes.
 */

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/ep_discover.h"
#include "input/ep_hostname.h"
#include "net/ep_resolve.h"
#include "input/ep_time.h"

#define CANDIDATES	2	/* the name itself and its parent */
#define QNAME_MAX	(EP_NAME_MAX + 32)	/* a prefix and a domain */
#define QERROR_MAX	128	/* why a lookup failed */

/* The records looked up for each candidate domain d. */
enum kind {
	K_SIP_SRV,		/* _sip._tls.d: client sign-in */
	K_FED_SRV,		/* _sipfederationtls._tcp.d: federation */
	K_SIP,			/* sip.d: legacy client auto-configuration */
	K_LYNCDISCOVER,		/* the reverse proxy's published names */
	K_MEET,
	K_DIALIN,
	K__MAX
};

static const struct {
	const char	*prefix;
	int		 srv;		/* an SRV lookup, else A/AAAA */
} kinds[K__MAX] = {
	[K_SIP_SRV] = { "_sip._tls.", 1 },
	[K_FED_SRV] = { "_sipfederationtls._tcp.", 1 },
	[K_SIP] = { "sip.", 0 },
	[K_LYNCDISCOVER] = { "lyncdiscover.", 0 },
	[K_MEET] = { "meet.", 0 },
	[K_DIALIN] = { "dialin.", 0 },
};

/* One lookup, shared by every candidate that needs the same name. */
struct query {
	struct disco	*dc;
	char		 name[QNAME_MAX + 1];
	int		 srv;		/* SRV, else A/AAAA */
	int		 found;		/* records or an address */
	struct ep_srv	*recs;		/* the SRV records found */
	size_t		 nrecs;
	char		 error[QERROR_MAX];	/* why it failed; "" if it did not */
};

/* A domain that may be a name's SIP domain, and its lookups. */
struct cand {
	char		 domain[EP_NAME_MAX + 1];	/* "": no such candidate */
	struct query	*q[K__MAX];
};

struct disco {
	struct ep_plan		*plan;
	struct ep_findings	*findings;
	struct ep_resolver	*res;
	struct query		*qs;		/* never moved once lookups run */
	size_t			 nqs;
	struct cand		*cands;		/* CANDIDATES per name */
	const char		**done;		/* SIP domains already planned */
	size_t			 ndone;
	int64_t			 deadline;	/* 0: none */
	int			 late;		/* the deadline passed */
	int			 nomem;		/* a callback ran out of memory */
	char			*err;
	size_t			 errlen;
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

#define LATE	"the run deadline passed before the answer"

static void
srv_done(void *arg, const struct ep_srv *srv, size_t n, const char *error)
{
	struct query	*q = arg;

	if (error != NULL) {
		snprintf(q->error, sizeof(q->error), "%s",
		    q->dc->late ? LATE : error);
		return;
	}
	if (n == 0)
		return;
	if ((q->recs = calloc(n, sizeof(*q->recs))) == NULL) {
		q->dc->nomem = 1;
		return;
	}
	memcpy(q->recs, srv, n * sizeof(*srv));
	q->nrecs = n;
	q->found = 1;
}

static void
host_done(void *arg, const struct ep_addr *addrs, size_t n, const char *error)
{
	struct query	*q = arg;

	/* Only whether the name resolves matters: the probes look again. */
	(void)addrs;
	if (error != NULL && q->dc->late)
		snprintf(q->error, sizeof(q->error), "%s", LATE);
	q->found = n > 0;
}

/* Finds the lookup of name, or adds it to the table (sized by the caller). */
static struct query *
query_for(struct disco *dc, const char *prefix, const char *domain, int srv)
{
	char	name[QNAME_MAX + 1];
	size_t	i;

	snprintf(name, sizeof(name), "%s%s", prefix, domain);
	for (i = 0; i < dc->nqs; i++)
		if (dc->qs[i].srv == srv && strcmp(dc->qs[i].name, name) == 0)
			return &dc->qs[i];
	memcpy(dc->qs[dc->nqs].name, name, sizeof(name));
	dc->qs[dc->nqs].srv = srv;
	dc->qs[dc->nqs].dc = dc;
	return &dc->qs[dc->nqs++];
}

/* Starts every lookup; a name too long to exist needs none. */
static int
start(struct disco *dc)
{
	size_t	i;
	int	r;

	for (i = 0; i < dc->nqs; i++) {
		struct query	*q = &dc->qs[i];

		if (strlen(q->name) > EP_NAME_MAX)
			continue;
		r = q->srv ? ep_resolver_srv(dc->res, q->name, srv_done, q) :
		    ep_resolver_lookup(dc->res, q->name, host_done, q);
		if (r == -1) {
			snprintf(dc->err, dc->errlen, "%s", strerror(ENOMEM));
			return -1;
		}
	}
	return 0;
}

/*
 * The poll loop of engine.c, with nothing but DNS in it.  At the deadline
 * the resolver goes: it calls back what is still out, marked late.
 */
static int
run(struct disco *dc)
{
	struct pollfd	pfd[EP_RESOLVE_SOCKS_MAX];
	size_t		n;
	int64_t		left;
	int		wait;

	while (ep_resolver_pending(dc->res) > 0) {
		wait = -1;
		if (dc->deadline != 0) {
			if ((left = dc->deadline - ep_time_mono_ms()) <= 0) {
				dc->late = 1;
				ep_resolver_free(dc->res);
				dc->res = NULL;
				break;
			}
			wait = left > INT_MAX ? INT_MAX : (int)left;
		}
		n = ep_resolver_fill(dc->res, pfd, EP_RESOLVE_SOCKS_MAX);
		if (poll(pfd, (nfds_t)n, ep_resolver_timeout(dc->res, wait)) == -1 &&
		    errno != EINTR) {
			snprintf(dc->err, dc->errlen, "poll: %s", strerror(errno));
			return -1;
		}
		ep_resolver_process(dc->res, pfd, n);
	}
	if (dc->nomem) {
		snprintf(dc->err, dc->errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	return 0;
}

/*
 * Adds a deployment-level finding with the profile's severity for check,
 * raised to at least min; a check the profile turns off adds nothing.
 */
static int __attribute__((format(printf, 5, 6)))
finding(struct disco *dc, enum ep_check check, enum ep_severity min,
    const char *name, const char *fmt, ...)
{
	enum ep_severity	 sev = dc->plan->profile->severity[check];
	struct ep_finding	*f;
	char			 msg[EP_FINDING_MSG_MAX];
	va_list			 ap;

	if (sev == EP_SEV_OK)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if ((f = ep_findings_add(dc->findings, check, EP_FINDING_NO_OBS, name,
	    "%s", msg)) == NULL) {
		snprintf(dc->err, dc->errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	f->severity = sev > min ? sev : min;
	f->group = dc->plan->cur_group;
	return 0;
}

static const struct ep_target *
planned(const struct ep_plan *plan, enum ep_role role, const char *name)
{
	size_t	i;

	for (i = 0; i < plan->ntargets; i++)
		if (plan->targets[i].role == role &&
		    strcmp(plan->targets[i].name, name) == 0)
			return &plan->targets[i];
	return NULL;
}

/*
 * Adds the access edge name (normalized) on port, or on the role's ports
 * when port is NULL.  ep_plan probes a target that has ports of its own
 * on those only, so a name reached both ways gets the role's ports
 * listed too: it is probed on everything that led to it.
 */
static int
add_access(struct disco *dc, const char *name, const struct ep_port *port,
    const char *source)
{
	struct ep_plan		*plan = dc->plan;
	const struct ep_target	*t = planned(plan, EP_ROLE_ACCESS, name);
	size_t			 i;

	if (port == NULL && (t == NULL || t->nports == 0))
		return ep_plan_add_target(plan, EP_ROLE_ACCESS, name, source,
		    dc->err, dc->errlen);
	if (port == NULL || (t != NULL && t->nports == 0))
		for (i = 0; i < plan->nports[EP_ROLE_ACCESS]; i++)
			if (ep_plan_add_target_port(plan, EP_ROLE_ACCESS, name,
			    &plan->ports[EP_ROLE_ACCESS][i], source, dc->err,
			    dc->errlen) == -1)
				return -1;
	if (port == NULL)
		return 0;
	return ep_plan_add_target_port(plan, EP_ROLE_ACCESS, name, port, source,
	    dc->err, dc->errlen);
}

/*
 * Plans the targets of one SIP SRV record of domain, and reports the
 * record missing, failed, or pointing outside the domain.
 */
static int
plan_srv(struct disco *dc, const char *domain, const struct query *q,
    unsigned flags)
{
	char	source[QNAME_MAX + 8], target[EP_NAME_MAX + 1];
	size_t	i, j;
	int	usable = 0;

	if (q->error[0] != '\0')
		return finding(dc, EP_CHECK_DNS_SRV_MISSING, EP_SEV_OK, q->name,
		    "the lookup of the %s SRV record failed (%s), so whether "
		    "it exists is unknown", q->name, q->error);
	if (!q->found)
		return finding(dc, EP_CHECK_DNS_SRV_MISSING, EP_SEV_OK, q->name,
		    "there is no %s SRV record: %s", q->name,
		    flags & EP_PORT_FEDERATION ? "federation partners cannot "
		    "discover the Access Edge of the domain" : "external "
		    "clients cannot locate the Access Edge for sign-in through "
		    "DNS SRV");
	snprintf(source, sizeof(source), "%s SRV", q->name);
	for (i = 0; i < q->nrecs; i++) {
		const struct ep_srv	*s = &q->recs[i];
		struct ep_port		 port = { s->port, flags };

		if (s->target[0] == '\0')
			continue;
		/* c-ares escapes what is not printable: safe to print. */
		if (ep_host_is_ip(s->target) ||
		    ep_host_normalize(s->target, target, sizeof(target)) == -1 ||
		    s->port == 0) {
			if (finding(dc, EP_CHECK_DNS_SRV_MISSING, EP_SEV_OK,
			    q->name, "the %s SRV record points to %s port %u, "
			    "which cannot be probed", q->name, s->target,
			    s->port) == -1)
				return -1;
			continue;
		}
		usable = 1;
		if (add_access(dc, target, &port, source) == -1)
			return -1;
		if (ep_discover_in_domain(target, domain))
			continue;
		/* One finding per target, whatever its ports. */
		for (j = 0; j < i; j++)
			if (strcasecmp(q->recs[j].target, s->target) == 0)
				break;
		if (j == i && finding(dc, EP_CHECK_SRV_TARGET_OUTSIDE_DOMAIN,
		    EP_SEV_OK, q->name, "the %s SRV record points to %s, "
		    "outside the SIP domain %s: clients prompt or fail unless "
		    "TrustModelData lists the target", q->name, target,
		    domain) == -1)
			return -1;
	}
	if (!usable && q->nrecs > 0 && q->recs[0].target[0] == '\0')
		return finding(dc, EP_CHECK_DNS_SRV_MISSING, EP_SEV_OK, q->name,
		    "the %s SRV record has the target \".\": the domain says "
		    "it offers no such service", q->name);
	return 0;
}

/* Plans everything found for SIP domain c->domain, once per domain. */
static int
plan_domain(struct disco *dc, const struct cand *c)
{
	struct ep_plan	*plan = dc->plan;
	char		 source[QNAME_MAX + 16];
	const char	**nd;
	size_t		 i;
	int		 k;

	for (i = 0; i < dc->ndone; i++)
		if (strcmp(dc->done[i], c->domain) == 0)
			return 0;
	if ((nd = reallocarray(dc->done, dc->ndone + 1, sizeof(*nd))) == NULL) {
		snprintf(dc->err, dc->errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	dc->done = nd;
	nd[dc->ndone++] = c->domain;

	if (ep_plan_add_sip_domain(plan, c->domain, dc->err, dc->errlen) == -1 ||
	    plan_srv(dc, c->domain, c->q[K_SIP_SRV], 0) == -1 ||
	    plan_srv(dc, c->domain, c->q[K_FED_SRV], EP_PORT_FEDERATION) == -1)
		return -1;
	if (c->q[K_SIP]->found) {
		snprintf(source, sizeof(source), "%s A/AAAA", c->q[K_SIP]->name);
		if (add_access(dc, c->q[K_SIP]->name, NULL, source) == -1)
			return -1;
	}
	for (k = K_LYNCDISCOVER; k <= K_DIALIN; k++) {
		const struct query	*q = c->q[k];

		if (!q->found)
			continue;
		/*
		 * Published, not plain reverse-proxy targets: each must cover
		 * itself, and an external web services FQDN given with
		 * --reverse-proxy must cover them all.
		 */
		snprintf(source, sizeof(source), "%s A/AAAA", q->name);
		if (ep_plan_add_published_from(plan, q->name, source, dc->err,
		    dc->errlen) == -1)
			return -1;
	}
	return 0;
}

static int
any_srv(const struct cand *c)
{
	return c->q[K_SIP_SRV]->found || c->q[K_FED_SRV]->found;
}

static int
any_host(const struct cand *c)
{
	int	k;

	for (k = K_SIP; k < K__MAX; k++)
		if (c->q[k]->found)
			return 1;
	return 0;
}

/*
 * Picks the SIP domain of one name from its candidates c[0] (the name)
 * and c[1] (its parent): SRV records weigh more than host names, the
 * name more than its parent.  Reports the name when nothing was found.
 */
static int
plan_name(struct disco *dc, const struct cand *c)
{
	const char	*failed = NULL;
	size_t		 i;
	int		 k;

	for (i = 0; i < CANDIDATES; i++)
		if (c[i].domain[0] != '\0' && any_srv(&c[i]))
			return plan_domain(dc, &c[i]);
	for (i = 0; i < CANDIDATES; i++)
		if (c[i].domain[0] != '\0' && any_host(&c[i]))
			return plan_domain(dc, &c[i]);
	for (i = 0; failed == NULL && i < CANDIDATES; i++)
		for (k = 0; failed == NULL && c[i].domain[0] != '\0' &&
		    k < K__MAX; k++)
			if (c[i].q[k]->error[0] != '\0')
				failed = c[i].q[k]->error;
	return finding(dc, EP_CHECK_DNS_SRV_MISSING, EP_SEV_CRITICAL,
	    c[0].domain, "no SIP SRV record and none of sip., lyncdiscover., "
	    "meet. and dialin. was found for %s%s%s%s%s%s: nothing to check",
	    c[0].domain, c[1].domain[0] != '\0' ? " or its parent " : "",
	    c[1].domain, failed != NULL ? " (a lookup failed: " : "",
	    failed != NULL ? failed : "", failed != NULL ? ")" : "");
}

int
ep_discover(struct ep_plan *plan, const char *const *names, size_t n,
    const struct ep_discover_opts *opts, struct ep_findings *findings,
    char *err, size_t errlen)
{
	struct disco	dc;
	size_t		i, j;
	int		k, ret = -1;

	memset(&dc, 0, sizeof(dc));
	dc.plan = plan;
	dc.findings = findings;
	dc.err = err;
	dc.errlen = errlen;
	dc.deadline = opts->deadline_ms;
	if (n > EP_DISCOVER_NAMES_MAX) {
		snprintf(err, errlen, "more than %d names to discover",
		    EP_DISCOVER_NAMES_MAX);
		return -1;
	}
	if ((dc.cands = calloc(n ? n * CANDIDATES : 1,
	    sizeof(*dc.cands))) == NULL ||
	    (dc.qs = calloc(n ? n * CANDIDATES * K__MAX : 1,
	    sizeof(*dc.qs))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		goto out;
	}
	/* Every name is checked before the first query goes out. */
	for (i = 0; i < n; i++) {
		struct cand	*c = &dc.cands[i * CANDIDATES];

		if (ep_host_is_ip(names[i]) ||
		    ep_host_normalize(names[i], c[0].domain,
		    sizeof(c[0].domain)) == -1) {
			snprintf(err, errlen, "'%.300s': not a SIP domain or a "
			    "host name in one", names[i]);
			goto out;
		}
		if (ep_discover_parent(c[0].domain, c[1].domain,
		    sizeof(c[1].domain)) == -1)
			c[1].domain[0] = '\0';
		for (j = 0; j < CANDIDATES; j++)
			for (k = 0; c[j].domain[0] != '\0' && k < K__MAX; k++)
				c[j].q[k] = query_for(&dc, kinds[k].prefix,
				    c[j].domain, kinds[k].srv);
	}
	if (ep_resolver_new(&dc.res, opts->dns_servers, opts->family,
	    opts->timeout_ms, err, errlen) == -1 ||
	    start(&dc) == -1 || run(&dc) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (ep_plan_begin_group(plan, names[i], err, errlen) == -1 ||
		    plan_name(&dc, &dc.cands[i * CANDIDATES]) == -1)
			goto out;
	ret = 0;
out:
	/* Pending lookups are called back from here: the table must live. */
	ep_resolver_free(dc.res);
	for (i = 0; dc.qs != NULL && i < dc.nqs; i++)
		free(dc.qs[i].recs);
	free(dc.qs);
	free(dc.cands);
	free(dc.done);
	return ret;
}
