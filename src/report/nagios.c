/*
 * The Nagios / Icinga plugin output (see ep_nagios.h): what a pager
 * shows first, performance data for graphs, and the long output for the
 * web interface.  Every string that came from outside goes through
 * ep_esc_nagios: a '|' in a certificate's subject must not start
 * performance data, which Nagios also reads from the long output.
 */

#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/ep_escape.h"
#include "report/ep_nagios.h"

#define DAY		86400
#define NAME_ESC	(EP_FINDING_NAME_MAX * 4)	/* a name, escaped */
#define MSG_ESC		(EP_FINDING_MSG_MAX * 4)	/* a message, escaped */
#define WHERE_MAX	(sizeof(((struct ep_obs *)0)->file) * 4 + 64)

/* One entry of the status line: a check that failed on a name. */
struct problem {
	const char		*name;		/* the endpoint's host, or the
						   finding's name */
	enum ep_check		 check;
	enum ep_severity	 status;	/* the worst of its findings' */
	size_t			 order;		/* of its first finding, in
						   report order */
	long long		 days;		/* expires-soon: days left;
						   else -1 */
};

/* The earliest expiring leaf of a name, for its perfdata. */
struct expiry {
	const char		*name;
	const struct ep_cert	*cert;
};

static const char *
word(enum ep_severity s)
{
	static const char	*words[EP_SEV__MAX] = { "OK", "INFO", "WARNING",
				    "CRITICAL", "UNKNOWN" };

	return words[s];
}

/* The status line lists critical problems first, then unknown, warning. */
static int
rank(enum ep_severity s)
{
	return s == EP_SEV_CRITICAL ? 0 : s == EP_SEV_UNKNOWN ? 1 : 2;
}

static const char *
target_name(const struct ep_report *r, const struct ep_obs *o)
{
	return ep_plan_target(r->plan, o->target)->name;
}

/* Days from the moment judged to the earliest expiry of o's chain. */
static long long
days_left(const struct ep_report *r, const struct ep_obs *o)
{
	time_t		first = 0;
	long long	left;
	size_t		k;
	int		any = 0;

	for (k = 0; k < o->chain_len; k++) {
		const struct ep_cert	*c = ep_certs_get(r->obs->certs,
					    o->chain[k]);

		/* What does not parse has no dates. */
		if (c->malformed[0] != '\0')
			continue;
		if (!any || c->not_after < first)
			first = c->not_after;
		any = 1;
	}
	if (!any)
		return -1;
	left = (long long)first - r->at;
	return left < 0 ? 0 : left / DAY;
}

static int
by_name_check(const void *a, const void *b)
{
	const struct problem	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	if (x->check != y->check)
		return x->check < y->check ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
by_rank_order(const void *a, const void *b)
{
	const struct problem	*x = a, *y = b;

	if (rank(x->status) != rank(y->status))
		return rank(x->status) - rank(y->status);
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * The problems of the status line, one per (name, check), in the order
 * they are listed: sets *out (free it) and *nout.  Returns 0, or -1 when
 * out of memory.
 */
static int
problems(const struct ep_report *r, struct problem **out, size_t *nout)
{
	const struct ep_report_index	*ix = &r->ix;
	const struct ep_findings	*f = r->findings;
	struct problem			*p;
	size_t				 k, n = 0, m = 0;

	if ((p = calloc(f->n ? f->n : 1, sizeof(*p))) == NULL)
		return -1;
	/* forder is report order: each endpoint's, then the deployment's. */
	for (k = 0; k < f->n; k++) {
		const struct ep_finding	*x = &f->v[ix->forder[k]];
		const struct ep_obs	*o = x->obs < ix->nobs ?
					    &r->obs->v[x->obs] : NULL;

		if (x->accepted || ep_severity_status(x->severity) <
		    EP_SEV_WARNING)
			continue;
		p[n].name = o != NULL ? target_name(r, o) : x->name;
		p[n].check = x->check;
		p[n].status = x->severity;
		p[n].order = k;
		p[n].days = o != NULL && x->check == EP_CHECK_EXPIRES_SOON ?
		    days_left(r, o) : -1;
		n++;
	}
	/* Sorted by name and check, the first of each run is its earliest. */
	qsort(p, n, sizeof(*p), by_name_check);
	for (k = 0; k < n; k++) {
		struct problem	*q = m > 0 ? &p[m - 1] : NULL;

		if (q != NULL && strcmp(q->name, p[k].name) == 0 &&
		    q->check == p[k].check) {
			if (rank(p[k].status) < rank(q->status))
				q->status = p[k].status;
			if (p[k].days >= 0 &&
			    (q->days < 0 || p[k].days < q->days))
				q->days = p[k].days;
			continue;
		}
		p[m++] = p[k];
	}
	qsort(p, m, sizeof(*p), by_rank_order);
	*out = p;
	*nout = m;
	return 0;
}

/* One problem as the status line lists it. */
static void
problem_text(const struct problem *p, char *out, size_t outlen)
{
	char	name[NAME_ESC], days[32] = "";

	ep_esc_nagios(p->name, strlen(p->name), name, sizeof(name));
	if (p->days >= 0)
		snprintf(days, sizeof(days), " %lldd", p->days);
	snprintf(out, outlen, "%s%s%s%s", name, name[0] != '\0' ? " " : "",
	    ep_check_info(p->check)->id, days);
}

/* "EDGEPROBE CRITICAL - 1 critical, 1 warning, 9 ok" */
static size_t
status_head(const struct ep_report *r, char *out, size_t outlen)
{
	static const enum ep_severity	order[] = { EP_SEV_CRITICAL,
					    EP_SEV_WARNING, EP_SEV_UNKNOWN,
					    EP_SEV_OK };
	const struct ep_summary		*s = &r->sum;
	const char			*sep = "";
	size_t				 i, o;

	o = (size_t)snprintf(out, outlen, "EDGEPROBE %s - ", word(s->status));
	if (s->endpoints == 0)
		o += (size_t)snprintf(out + o, outlen - o, "no endpoints");
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (s->count[order[i]] == 0)
			continue;
		o += (size_t)snprintf(out + o, outlen - o, "%s%zu %s", sep,
		    s->count[order[i]], ep_severity_name(order[i]));
		sep = ", ";
	}
	if (ep_report_interrupted(r->obs) != NULL)
		o += (size_t)snprintf(out + o, outlen - o, "%sinterrupted by %s",
		    sep, ep_report_interrupted(r->obs));
	return o;
}

/*
 * The status line without its perfdata: the head, then the problems
 * while they fit, the rest counted.  At the problem before the one that
 * does not fit, "; and N more" was seen to fit: the line stays within
 * EP_NAGIOS_STATUS_MAX, but for a first problem too long by itself.
 */
static int
print_status(FILE *fp, const struct ep_report *r)
{
	struct problem	*p = NULL;
	char		 head[256], item[NAME_ESC + 128], more[64];
	const char	*sep = ": ";
	size_t		 len, add, i, n;

	if (problems(r, &p, &n) == -1)
		return -1;
	len = status_head(r, head, sizeof(head));
	fputs(head, fp);
	for (i = 0; i < n; i++) {
		problem_text(&p[i], item, sizeof(item));
		add = strlen(sep) + strlen(item);
		more[0] = '\0';
		if (i + 1 < n)
			snprintf(more, sizeof(more), "; and %zu more",
			    n - i - 1);
		if (i > 0 && len + add + strlen(more) > EP_NAGIOS_STATUS_MAX)
			break;
		fprintf(fp, "%s%s", sep, item);
		len += add;
		sep = "; ";
	}
	if (i < n)
		fprintf(fp, "; and %zu more", n - i);
	free(p);
	return 0;
}

/* By name, and a name's earliest expiry first. */
static int
by_name_expiry(const void *a, const void *b)
{
	const struct expiry	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->cert->not_after < y->cert->not_after ? -1 :
	    x->cert->not_after > y->cert->not_after;
}

/*
 * One perfdata item per name: days to its earliest expiring leaf, with
 * the thresholds as ranges ("30:": alert below 30), 0 to its lifetime.
 * A name in two roles is one item.
 */
static int
print_expiry(FILE *fp, const struct ep_report *r)
{
	const struct ep_report_index	*ix = &r->ix;
	struct expiry			*e;
	size_t				 t, k, n = 0;
	size_t				 nt = ep_plan_ntargets(r->plan);

	if ((e = calloc(nt ? nt : 1, sizeof(*e))) == NULL)
		return -1;
	for (t = 0; t < nt; t++) {
		const struct ep_cert	*first = NULL;

		for (k = ix->ostart[t]; k < ix->ostart[t + 1]; k++) {
			const struct ep_obs	*o = &r->obs->v[ix->oorder[k]];
			const struct ep_cert	*c;

			/* A request's stand-in has no real dates. */
			if (o->chain_len == 0 || o->kind == EP_OBS_CSR)
				continue;
			c = ep_certs_get(r->obs->certs, o->chain[0]);
			if (c->malformed[0] != '\0')
				continue;
			if (first == NULL || c->not_after < first->not_after)
				first = c;
		}
		if (first == NULL)
			continue;
		e[n].name = ep_plan_target(r->plan, t)->name;
		e[n++].cert = first;
	}
	qsort(e, n, sizeof(*e), by_name_expiry);
	for (k = 0; k < n; k++) {
		const struct ep_cert	*c = e[k].cert;
		char			 label[NAME_ESC + 16];
		char			 esc[NAME_ESC + 32];
		char			 warn[32] = "", crit[32] = "";
		long long		 left = (long long)c->not_after - r->at;
		long long		 life = (long long)c->not_after -
					     c->not_before;

		if (k > 0 && strcmp(e[k - 1].name, e[k].name) == 0)
			continue;
		snprintf(label, sizeof(label), "expiry %s", e[k].name);
		ep_esc_perf_label(label, esc, sizeof(esc));
		if (r->warn.value >= 0)
			snprintf(warn, sizeof(warn), "%lld:",
			    ep_threshold_seconds(&r->warn, c->not_before,
			    c->not_after) / DAY);
		if (r->crit.value >= 0)
			snprintf(crit, sizeof(crit), "%lld:",
			    ep_threshold_seconds(&r->crit, c->not_before,
			    c->not_after) / DAY);
		fprintf(fp, " '%s'=%lldd;%s;%s;0;%lld", esc,
		    left < 0 ? 0 : left / DAY, warn, crit, life < 0 ? 0 :
		    life / DAY);
	}
	free(e);
	return 0;
}

/* Where an observation was made: an address, or the file judged. */
static void
where(const struct ep_obs *o, char *out, size_t outlen)
{
	char	file[sizeof(o->file) * 4];

	ep_esc_nagios(o->file, strnlen(o->file, sizeof(o->file)), file,
	    sizeof(file));
	ep_obs_where(o, file, out, outlen);
}

static void
print_finding(FILE *fp, const struct ep_report *r, const struct ep_finding *x)
{
	char	name[NAME_ESC], msg[MSG_ESC], at[WHERE_MAX] = "";
	size_t	len;

	if (x->obs < r->ix.nobs) {
		const struct ep_obs	*o = &r->obs->v[x->obs];
		const char		*host = target_name(r, o);

		ep_esc_nagios(host, strlen(host), name, sizeof(name));
		where(o, at, sizeof(at));
	} else
		ep_esc_nagios(x->name, strnlen(x->name, sizeof(x->name)), name,
		    sizeof(name));
	len = strnlen(x->message, sizeof(x->message));
	ep_esc_nagios(x->message, len, msg, sizeof(msg));
	fprintf(fp, "%s %s%s", word(x->severity), ep_check_info(x->check)->id,
	    x->accepted ? " (accepted)" : "");
	if (name[0] != '\0')
		fprintf(fp, " %s", name);
	if (at[0] != '\0')
		fprintf(fp, " %s", at);
	fprintf(fp, ": %s\n", msg);
}

static void
print_endpoint(FILE *fp, const struct ep_report *r, size_t i)
{
	const struct ep_obs	*o = &r->obs->v[i];
	const char		*host = target_name(r, o);
	char			 name[NAME_ESC], at[WHERE_MAX], tls[64];

	ep_esc_nagios(host, strlen(host), name, sizeof(name));
	where(o, at, sizeof(at));
	fprintf(fp, "%s %s %s", name, at,
	    word(ep_severity_status(r->ix.worst[i])));
	if (o->kind == EP_OBS_LIVE && o->status == EP_OBS_OK)
		fprintf(fp, " %s", ep_esc_nagios(o->tls_version,
		    strnlen(o->tls_version, sizeof(o->tls_version)), tls,
		    sizeof(tls)));
	else if (o->kind == EP_OBS_LIVE)
		fprintf(fp, " %s", ep_obs_status_name(o->status));
	fputc('\n', fp);
}

int
ep_report_nagios(FILE *fp, const struct ep_report *r)
{
	const struct ep_summary	*s = &r->sum;
	size_t			 k;

	if (print_status(fp, r) == -1)
		return -1;
	fprintf(fp, " | endpoints=%zu;;;0 ok=%zu warning=%zu critical=%zu "
	    "unknown=%zu time=%.3fs", s->endpoints, s->count[EP_SEV_OK],
	    s->count[EP_SEV_WARNING], s->count[EP_SEV_CRITICAL],
	    s->count[EP_SEV_UNKNOWN], r->obs->elapsed_ms / 1000.0);
	if (print_expiry(fp, r) == -1)
		return -1;
	fputc('\n', fp);
	for (k = 0; k < r->findings->n; k++)
		print_finding(fp, r, &r->findings->v[r->ix.forder[k]]);
	for (k = 0; k < r->ix.nobs; k++)
		print_endpoint(fp, r, k);
	return ferror(fp) ? -1 : 0;
}

void
ep_nagios_unknown(FILE *fp, const char *why)
{
	char	buf[2048];

	fprintf(fp, "EDGEPROBE UNKNOWN - %s\n",
	    ep_esc_nagios(why, strlen(why), buf, sizeof(buf)));
}
