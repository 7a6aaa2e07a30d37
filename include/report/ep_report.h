#ifndef EP_REPORT_H
#define EP_REPORT_H

#include <stdio.h>
#include <time.h>

#include "input/ep_config.h"
#include "input/ep_plan.h"
#include "judge/ep_finding.h"
#include "net/ep_observe.h"
#include "report/ep_report_index.h"

/*
 * Reports: text for people, one JSON document for programs.  Both show
 * the same plan, observations and findings, with the same status and
 * counts; neither judges anything.  Every string that came from outside
 * is written through ep_escape.h.
 */

struct ep_report {
	const struct ep_plan		*plan;
	const struct ep_observations	*obs;
	const struct ep_findings	*findings;
	const struct ep_revchecks	*revs;		/* NULL: none kept */
	time_t				 at;		/* the moment judged */
	time_t				 started;	/* wall clock at start */
	int				 verbose;	/* text: show ok endpoints' details */
	int				 quiet;		/* text: only what is wrong
							   and not accepted */
	int				 color;		/* text: severities in ANSI
							   colour */
	unsigned			 width;		/* text: columns to wrap at;
							   0: 80 */
	struct ep_threshold		 warn;		/* expires-soon thresholds, */
	struct ep_threshold		 crit;		/* for perfdata and metrics */
	struct ep_report_index		 ix;		/* ep_report_open's */
	struct ep_summary		 sum;		/* ep_report_open's: the
							   run's status and counts */
};

/*
 * Builds r->ix and r->sum from the plan, observations and findings set
 * in r.  Returns 0, or -1 when out of memory or r is inconsistent.
 */
int ep_report_open(struct ep_report *r);

/*
 * As ep_report_open, for a part of a run (a target's observations, as a
 * run that streams judges them), in time that grows with the part, not
 * with the plan: r->ix then has no tallies by target or argument, which
 * only the text report and the document need.
 */
int ep_report_open_part(struct ep_report *r);

/*
 * Frees what ep_report_open built; r stays usable for another open.
 */
void ep_report_close(struct ep_report *r);

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
 * JSON Lines, for a run that streams: one object a line.  The first
 * writes one "endpoint" object for each observation of r (the fields of
 * the document's endpoints), the second the closing "summary" object:
 * the run's status from total (every part's summary added up,
 * ep_summary_add), discovery and the deployment's findings from r.
 * Both return 0, or -1 on a write or memory error.
 */
int ep_report_jsonl_endpoints(FILE *fp, const struct ep_report *r);
int ep_report_jsonl_summary(FILE *fp, const struct ep_report *r,
    const struct ep_summary *total);

#endif /* EP_REPORT_H */
