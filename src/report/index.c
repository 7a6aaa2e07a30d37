/*
 * The reports' lookups: stable counting sorts of findings by observation,
 * observations by target and targets by group.
 */

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "report/ep_report.h"

/*
 * Sorts the indexes 0..n-1 by key[i] (0..nkeys-1), keeping their order
 * within a key: *start gets nkeys + 1 entries, *order n.
 */
static int
buckets(const size_t *key, size_t n, size_t nkeys, size_t **start,
    size_t **order)
{
	size_t	*s, *o, *next, i;

	s = calloc(nkeys + 1, sizeof(*s));
	o = calloc(n ? n : 1, sizeof(*o));
	next = calloc(nkeys ? nkeys : 1, sizeof(*next));
	if (s == NULL || o == NULL || next == NULL) {
		free(s);
		free(o);
		free(next);
		return -1;
	}
	for (i = 0; i < n; i++)
		s[key[i] + 1]++;
	for (i = 0; i < nkeys; i++)
		s[i + 1] += s[i];
	memcpy(next, s, nkeys * sizeof(*next));
	for (i = 0; i < n; i++)
		o[next[key[i]]++] = i;
	free(next);
	*start = s;
	*order = o;
	return 0;
}

/*
 * The findings by observation, and each observation's worst; with plan,
 * the targets and arguments too (ng of these, nt of those), else none.
 */
static int
build(struct ep_report_index *ix, const struct ep_plan *plan,
    const struct ep_observations *obs, const struct ep_findings *f)
{
	size_t	nobs = obs->n, ng = plan ? ep_plan_ngroups(plan) : 0;
	size_t	nt = plan ? ep_plan_ntargets(plan) : 0, *key, i, n;

	memset(ix, 0, sizeof(*ix));
	ix->nobs = nobs;
	ix->ngroups = ng;
	n = f->n;
	if (nt > n)
		n = nt;
	if (nobs > n)
		n = nobs;
	if ((key = calloc(n ? n : 1, sizeof(*key))) == NULL ||
	    (ix->worst = calloc(nobs ? nobs : 1, sizeof(*ix->worst))) == NULL ||
	    (ix->gworst = calloc(ng + 1, sizeof(*ix->gworst))) == NULL)
		goto fail;

	/*
	 * Deployment-level findings sort last, after every observation's.
	 * An observation or target index out of range is a bug elsewhere:
	 * refused, not written past the tables.
	 */
	for (i = 0; i < f->n; i++) {
		if (f->v[i].obs >= nobs && f->v[i].obs != EP_FINDING_NO_OBS)
			goto fail;
		key[i] = f->v[i].obs < nobs ? f->v[i].obs : nobs;
	}
	if (buckets(key, f->n, nobs + 1, &ix->fstart, &ix->forder) == -1)
		goto fail;
	for (i = 0; i < f->n; i++) {
		const struct ep_finding	*x = &f->v[i];

		/* An accepted finding is shown, but makes no status. */
		if (x->accepted)
			continue;
		if (x->obs < nobs) {
			if (x->severity > ix->worst[x->obs])
				ix->worst[x->obs] = x->severity;
		} else if (x->severity > ix->gworst[x->group < ng ? x->group : ng])
			ix->gworst[x->group < ng ? x->group : ng] = x->severity;
	}

	if (plan == NULL) {
		free(key);
		return 0;
	}
	for (i = 0; i < nobs; i++)
		if ((key[i] = obs->v[i].target) >= nt)
			goto fail;
	if (buckets(key, nobs, nt, &ix->ostart, &ix->oorder) == -1)
		goto fail;

	for (i = 0; i < nt; i++) {
		size_t	g = ep_plan_target(plan, i)->group;

		key[i] = g < ng ? g : ng;
	}
	if (buckets(key, nt, ng + 1, &ix->tstart, &ix->torder) == -1)
		goto fail;
	free(key);
	return 0;
fail:
	free(key);
	ep_report_index_free(ix);
	return -1;
}

void
ep_report_index_tally(const struct ep_report_index *ix, size_t g,
    struct ep_group_tally *out)
{
	size_t	k, j;

	memset(out, 0, sizeof(*out));
	out->worst = ep_severity_status(ix->gworst[g]);
	for (k = ix->tstart[g]; k < ix->tstart[g + 1]; k++) {
		size_t	t = ix->torder[k];

		for (j = ix->ostart[t]; j < ix->ostart[t + 1]; j++) {
			enum ep_severity	w;

			w = ep_severity_status(ix->worst[ix->oorder[j]]);
			out->count[w]++;
			out->n++;
			if (w > out->worst)
				out->worst = w;
		}
	}
}

const char *
ep_report_interrupted(const struct ep_observations *obs)
{
	switch (obs->interrupted) {
	case 0:
		return NULL;
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	default:
		return "a signal";
	}
}

void
ep_report_index_summary(const struct ep_report_index *ix,
    const struct ep_findings *f, struct ep_summary *out)
{
	size_t	i;

	memset(out, 0, sizeof(*out));
	out->endpoints = ix->nobs;
	out->findings = f->n;
	out->status = ep_severity_status(ep_findings_worst(f));
	for (i = 0; i < ix->nobs; i++)
		out->count[ep_severity_status(ix->worst[i])]++;
	for (i = ix->fstart[ix->nobs]; i < ix->fstart[ix->nobs + 1]; i++) {
		out->deployment++;
		if (!f->v[ix->forder[i]].accepted)
			out->dcount[f->v[ix->forder[i]].severity]++;
	}
	for (i = 0; i < f->n; i++)
		out->accepted += f->v[i].accepted;
}

void
ep_summary_add(struct ep_summary *to, const struct ep_summary *s)
{
	int	k;

	if (s->status > to->status)
		to->status = s->status;
	to->endpoints += s->endpoints;
	to->findings += s->findings;
	to->deployment += s->deployment;
	to->accepted += s->accepted;
	for (k = 0; k < EP_SEV__MAX; k++) {
		to->count[k] += s->count[k];
		to->dcount[k] += s->dcount[k];
	}
}

void
ep_report_index_free(struct ep_report_index *ix)
{
	free(ix->worst);
	free(ix->fstart);
	free(ix->forder);
	free(ix->ostart);
	free(ix->oorder);
	free(ix->tstart);
	free(ix->torder);
	free(ix->gworst);
	free(ix->rstart);
	free(ix->rorder);
	memset(ix, 0, sizeof(*ix));
}

int
ep_report_index_revs(struct ep_report_index *ix, const struct ep_revchecks *r)
{
	size_t	*key, i;
	int	 ret;

	if ((key = calloc(r->n ? r->n : 1, sizeof(*key))) == NULL)
		return -1;
	for (i = 0; i < r->n; i++) {
		if (r->v[i].obs >= ix->nobs) {
			free(key);
			return -1;
		}
		key[i] = r->v[i].obs;
	}
	ret = buckets(key, r->n, ix->nobs, &ix->rstart, &ix->rorder);
	free(key);
	return ret;
}

int
ep_report_index_build(struct ep_report_index *ix, const struct ep_plan *plan,
    const struct ep_observations *obs, const struct ep_findings *f)
{
	return build(ix, plan, obs, f);
}

static int
open_report(struct ep_report *r, int whole)
{
	if (build(&r->ix, whole ? r->plan : NULL, r->obs, r->findings) == -1)
		return -1;
	if (r->revs != NULL && ep_report_index_revs(&r->ix, r->revs) == -1) {
		ep_report_index_free(&r->ix);
		return -1;
	}
	ep_report_index_summary(&r->ix, r->findings, &r->sum);
	return 0;
}

int
ep_report_open(struct ep_report *r)
{
	return open_report(r, 1);
}

int
ep_report_open_part(struct ep_report *r)
{
	return open_report(r, 0);
}

void
ep_report_close(struct ep_report *r)
{
	ep_report_index_free(&r->ix);
	memset(&r->sum, 0, sizeof(r->sum));
}

const char *
ep_report_advice(const struct ep_observations *obs,
    const struct ep_finding *x)
{
	enum ep_input	in = EP_INPUT_SERVER;

	if (x->obs != EP_FINDING_NO_OBS && x->obs < obs->n)
		in = ep_obs_input(obs->v[x->obs].kind);
	return ep_check_advice(x->check, in);
}
