#ifndef EP_REPORT_INDEX_H
#define EP_REPORT_INDEX_H

#include <stddef.h>

#include "judge/ep_finding.h"
#include "report/ep_report.h"

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
};

/*
 * Builds the index of r.  Returns 0, or -1 when out of memory or when r
 * names an observation or target that does not exist (nothing to free
 * then).
 */
int ep_report_index_build(struct ep_report_index *ix, const struct ep_report *r);

/* The endpoints of one group (argument), counted by their worst finding. */
struct ep_group_tally {
	size_t			 n;	/* endpoints */
	size_t			 count[EP_SEV_UNKNOWN + 1];	/* by severity */
	enum ep_severity	 worst;	/* of these and of the group's
					   deployment-level findings */
};

/*
 * Fills *out for group g (0 .. ngroups - 1).
 */
void ep_report_index_tally(const struct ep_report_index *ix, size_t g,
    struct ep_group_tally *out);

/*
 * Frees what ep_report_index_build allocated.
 */
void ep_report_index_free(struct ep_report_index *ix);

#endif /* EP_REPORT_INDEX_H */
