#ifndef EP_REPORT_INDEX_H
#define EP_REPORT_INDEX_H

#include <stddef.h>

#include "input/ep_plan.h"
#include "judge/ep_finding.h"
#include "judge/ep_revcheck.h"
#include "net/ep_observe.h"

/*
 * The lookups both reports make, built once per report in linear time,
 * so that a run of tens of thousands of targets is not reported in
 * quadratic time: each observation's worst severity and findings, each
 * target's observations, each group's targets and the worst of its
 * deployment-level findings.  Every list keeps the order of what it
 * indexes.
 *
 * A range is given as [start[k], start[k + 1]) into the matching order
 * array.
 */
struct ep_report_index {
	size_t			 nobs;
	size_t			 ngroups;
	enum ep_severity	*worst;		/* per observation */
	size_t			*fstart;	/* nobs + 2: findings of
						   observation k; k == nobs:
						   the deployment-level ones */
	size_t			*forder;	/* finding indexes */
	size_t			*ostart;	/* ntargets + 1: observations of
						   target k */
	size_t			*oorder;	/* observation indexes */
	size_t			*tstart;	/* ngroups + 2: targets of group
						   k; k == ngroups: of no group */
	size_t			*torder;	/* target indexes */
	enum ep_severity	*gworst;	/* ngroups + 1: worst deployment-
						   level finding of group k */
	size_t			*rstart;	/* nobs + 1: revocation checks
						   of observation k (NULL when
						   none were kept) */
	size_t			*rorder;	/* ep_revcheck indexes */
};

/*
 * Builds the index of the findings f on the observations obs of plan.
 * Returns 0, or -1 when out of memory or when a finding or observation
 * names an observation or target that does not exist (nothing to free
 * then).
 */
int ep_report_index_build(struct ep_report_index *ix,
    const struct ep_plan *plan, const struct ep_observations *obs,
    const struct ep_findings *f);

/* The endpoints of one group (argument), counted by their status. */
struct ep_group_tally {
	size_t			 n;	/* endpoints */
	size_t			 count[EP_SEV__MAX];	/* by status (see
						   ep_severity_status: no info) */
	enum ep_severity	 worst;	/* status of these and of the group's
					   deployment-level findings */
};

/*
 * Fills *out for group g (0 .. ngroups - 1).
 */
void ep_report_index_tally(const struct ep_report_index *ix, size_t g,
    struct ep_group_tally *out);

/*
 * The run's status and counts, the same for every output.  An endpoint's
 * status is that of its worst finding (info is ok); the run's is the
 * worst of every finding's.
 */
struct ep_summary {
	enum ep_severity	 status;	/* the run's: ok, warning,
						   critical or unknown */
	size_t			 endpoints;
	size_t			 count[EP_SEV__MAX];	/* endpoints by status */
	size_t			 findings;	/* all of them */
	size_t			 deployment;	/* of those, on no endpoint */
	size_t			 dcount[EP_SEV__MAX];	/* ...by severity, those
							   not accepted */
	size_t			 accepted;	/* findings accepted: shown,
						   of no status */
};

/*
 * Fills *out from ix and the findings f it indexes.
 */
void ep_report_index_summary(const struct ep_report_index *ix,
    const struct ep_findings *f, struct ep_summary *out);

/*
 * Adds s to *to, for a run reported in parts: counts add up, the status
 * is the worse.
 */
void ep_summary_add(struct ep_summary *to, const struct ep_summary *s);

/*
 * The name of the signal that stopped the run ("SIGINT", "SIGTERM"), or
 * NULL when it ran to its end.
 */
const char *ep_report_interrupted(const struct ep_observations *obs);

/*
 * The advice of finding x, worded for what it was made on (a server, a
 * file, a request: ep_check_advice); a deployment finding's is the
 * server's.
 */
const char *ep_report_advice(const struct ep_observations *obs,
    const struct ep_finding *x);

/*
 * Adds to ix the revocation checks r by observation (rstart, rorder).
 * Returns 0, or -1 when out of memory or a check names an observation
 * that does not exist.
 */
int ep_report_index_revs(struct ep_report_index *ix,
    const struct ep_revchecks *r);

/*
 * Frees what ep_report_index_build and ep_report_index_revs allocated.
 */
void ep_report_index_free(struct ep_report_index *ix);

#endif /* EP_REPORT_INDEX_H */
