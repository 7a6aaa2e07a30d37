#ifndef EP_REPORT_H
#define EP_REPORT_H

#include <stdio.h>
#include <time.h>

#include "judge/ep_finding.h"
#include "net/ep_observe.h"
#include "input/ep_plan.h"

/*
 * Reports: text for people, one JSON document for programs.  Both show
 * the same plan, observations and findings; neither judges anything.
 */

struct ep_report {
	const struct ep_plan		*plan;
	const struct ep_observations	*obs;
	const struct ep_findings	*findings;
	time_t				 at;		/* the moment judged */
	time_t				 started;	/* wall clock at start */
	int				 verbose;	/* text: show ok endpoints' details */
};

/*
 * Writes the text report to fp.  Returns 0, or -1 on a write error.
 */
int ep_report_text(FILE *fp, const struct ep_report *r);

/*
 * Writes the JSON report to fp.  Returns 0, or -1 on a write or memory
 * error.
 */
int ep_report_json(FILE *fp, const struct ep_report *r);

/*
 * Returns the run's status: the worst severity of all findings.
 */
enum ep_severity ep_report_status(const struct ep_report *r);

#endif /* EP_REPORT_H */
