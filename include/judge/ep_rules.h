#ifndef EP_RULES_H
#define EP_RULES_H

#include <stddef.h>
#include <time.h>

#include "input/ep_config.h"
#include "input/ep_state.h"
#include "judge/ep_finding.h"
#include "judge/ep_revcheck.h"
#include "x509/ep_names.h"
#include "net/ep_observe.h"
#include "input/ep_plan.h"
#include "x509/ep_trust.h"

/*
 * The rules: pure functions from observations, trust anchors and a clock
 * to findings.  The same code judges a live probe and a chain read from a
 * file.
 */

struct ep_rules_ctx {
	const struct ep_plan	*plan;		/* roles, SIP domains, published names */
	const struct ep_trust	*trust;		/* anchors */
	const struct ep_names	*names;		/* name matcher */
	time_t			 now;		/* the moment judged (--at) */
	struct ep_threshold	 warn;		/* expires-soon: a warning */
	struct ep_threshold	 crit;		/* expires-soon: critical */
	const struct ep_state	*prev;		/* the last run's, or NULL:
						   no --state */
	struct ep_revchecks	*revs;		/* what revocation checks came
						   to, or NULL: not kept */
};

/*
 * Judges every observation, then every pool, appending findings to out
 * with the severities of ctx->plan->profile.  Returns 0, or -1 with a
 * reason in err on an internal error (out of memory).
 */
int ep_rules_run(const struct ep_rules_ctx *ctx, const struct ep_observations *o,
    struct ep_findings *out, char *err, size_t errlen);

/*
 * The two halves of ep_rules_run, for a run that judges as it goes:
 * every observation of o and every pool (o sorted, each target's
 * observations together), then what concerns the deployment (discovery,
 * the last run's state) once.  Return as ep_rules_run.
 */
int ep_rules_endpoints(const struct ep_rules_ctx *ctx,
    const struct ep_observations *o, struct ep_findings *out, char *err,
    size_t errlen);
int ep_rules_deployment(const struct ep_rules_ctx *ctx,
    const struct ep_observations *o, struct ep_findings *out, char *err,
    size_t errlen);

#endif /* EP_RULES_H */
