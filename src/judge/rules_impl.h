#ifndef EP_RULES_IMPL_H
#define EP_RULES_IMPL_H

/*
 * What the rule files of src/judge share, and only they: the view of one
 * endpoint, the helpers that add findings, and each family's rules.  The
 * table that runs them is in rules.c; the public surface is
 * judge/ep_rules.h.
 */

#include <stddef.h>

#include "judge/ep_finding.h"
#include "judge/ep_rules.h"
#include "x509/ep_trust.h"

#define EP_RULE_WHICH_MAX	320	/* "intermediate <DN>", cut */

/*
 * The last chain whose path was built and what came of it: the endpoints
 * of a pool and its ports come one after another and mostly present one
 * chain.
 */
struct ep_trust_memo {
	const struct ep_cert	*sent[EP_CHAIN_MAX];
	size_t			 n;	/* 0: nothing yet */
	size_t			 leaf;
	int			 internal_ok;
	struct ep_trust_result	 r;
};

/* What one endpoint rule sees. */
struct endpoint {
	const struct ep_rules_ctx	*ctx;
	struct ep_trust_memo		*memo;
	const struct ep_profile		*profile;
	const struct ep_observations	*o;
	size_t				 idx;		/* observation index */
	const struct ep_obs		*obs;
	const struct ep_target		*target;
	const struct ep_role_rules	*role;
	/* What was presented, as presented: */
	const struct ep_cert		*sent[EP_CHAIN_MAX];	/* those
							   that parse */
	size_t				 nsent;
	size_t				 leaf;		/* in sent */
	int				 leaf_malformed;	/* no leaf
							   to judge */
	/* Issuers fetched from the AIA caIssuers URLs of those: */
	const struct ep_cert		*aia[EP_CHAIN_MAX];
	const char			*aia_url[EP_CHAIN_MAX];
	size_t				 naia;
	/* The path a client builds (ep_trust.h), and what it used: */
	const struct ep_trust_result	*trust;		/* NULL for a request */
	const struct ep_cert		*chain[EP_CHAIN_MAX];	/* the
							   path's presented
							   certificates, leaf
							   first; a request's
							   stand-in alone */
	size_t				 n;
	struct ep_findings		*out;
};

/*
 * Adds a finding on the endpoint with the profile's severity for its
 * check, raised to at least min.  A check the profile turns off adds
 * nothing.  name may be NULL.  Returns 0, or -1 when out of memory.
 */
int ep_rule_add_sev(struct endpoint *ep, enum ep_check check,
    const char *name, const char *msg, enum ep_severity min);

/*
 * As ep_rule_add_sev, with the profile's severity lowered to at most cap.
 */
int ep_rule_add_sev_cap(struct endpoint *ep, enum ep_check check,
    const char *name, const char *msg, enum ep_severity cap);

/*
 * As ep_rule_add_sev, with the profile's severity as it is.
 */
int ep_rule_add(struct endpoint *ep, enum ep_check check, const char *name,
    const char *msg);

/*
 * Adds a finding that concerns no endpoint, on group g (a plan group or
 * EP_FINDING_NO_GROUP), as ep_rule_add_sev does.  Returns 0, or -1.
 */
int ep_rule_add_deployment(const struct ep_rules_ctx *ctx,
    struct ep_findings *out, enum ep_check check, size_t g, const char *name,
    const char *msg, enum ep_severity min);

/*
 * Returns 1 when the profile has check on.
 */
int ep_rule_reports(const struct endpoint *ep, enum ep_check check);

/*
 * What presented the endpoint's certificates, for a message: "the
 * server", "the chain file", "the PFX file" or "the request".
 */
const char *ep_rule_holder(const struct endpoint *ep);

/*
 * Names chain[i] in a message: "the certificate" for the leaf, an
 * intermediate by its DN.
 */
void ep_rule_cert_label(const struct endpoint *ep, size_t i, char *out,
    size_t outlen);

/*
 * The endpoint rules, one family a file.  Each returns 0, or -1 when out
 * of memory.  They run only on the observation kinds rules.c's table
 * gives them, and those that read the chain only when there is one.
 */
int ep_rule_reach(struct endpoint *ep);			/* rules_reach.c */
int ep_rule_tls_version(struct endpoint *ep);
int ep_rule_names(struct endpoint *ep);			/* rules_names.c */
int ep_rule_subject_self(struct endpoint *ep);
int ep_rule_subject_wildcard(struct endpoint *ep);
int ep_rule_san_order(struct endpoint *ep);
int ep_rule_malformed(struct endpoint *ep);		/* rules_trust.c */
int ep_rule_trust(struct endpoint *ep);
int ep_rule_chain_order(struct endpoint *ep);
int ep_rule_validity(struct endpoint *ep);		/* rules_dates.c */
int ep_rule_extra_expired(struct endpoint *ep);
int ep_rule_anchor(struct endpoint *ep);
int ep_rule_eku(struct endpoint *ep);			/* rules_usage.c */
int ep_rule_eku_client(struct endpoint *ep);
int ep_rule_crl_dp(struct endpoint *ep);
int ep_rule_weak_key(struct endpoint *ep);		/* rules_keys.c */
int ep_rule_key_size(struct endpoint *ep);
int ep_rule_pss_key(struct endpoint *ep);
int ep_rule_weak_signature(struct endpoint *ep);
int ep_rule_pss_signature(struct endpoint *ep);
int ep_rule_pfx_key(struct endpoint *ep);
int ep_rule_changes(struct endpoint *ep);		/* rules_changes.c */
int ep_rule_revocation(struct endpoint *ep);		/* rules_revocation.c */
int ep_rule_must_staple(struct endpoint *ep);
/* rules_conformance.c */
int ep_rule_leaf_is_ca(struct endpoint *ep);
int ep_rule_leaf_any_eku(struct endpoint *ep);
int ep_rule_key_type(struct endpoint *ep);
int ep_rule_serial(struct endpoint *ep);
int ep_rule_key_ids(struct endpoint *ep);
int ep_rule_root_aki(struct endpoint *ep);
int ep_rule_aia(struct endpoint *ep);
int ep_rule_san_criticality(struct endpoint *ep);
int ep_rule_name_constraints(struct endpoint *ep);
int ep_rule_name_constraints_empty(struct endpoint *ep);
int ep_rule_chain_limit(struct endpoint *ep);		/* rules_limits.c */
int ep_rule_cert_limit(struct endpoint *ep);

/*
 * The pool of target observations [first, last), adjacent once sorted
 * (rules_pool.c).  Returns 0, or -1 when out of memory.
 */
int ep_rule_pool(const struct ep_rules_ctx *ctx,
    const struct ep_observations *o, size_t first, size_t last,
    struct ep_findings *out);

/*
 * The addresses of target observations [first, last), as ep_rule_pool
 * takes them: dns-over-limit when DNS had more than were probed
 * (rules_limits.c).  Returns 0, or -1 when out of memory.
 */
int ep_rule_addr_limit(const struct ep_rules_ctx *ctx,
    const struct ep_observations *o, size_t first, size_t last,
    struct ep_findings *out);

/*
 * The endpoints a run left out past its limit: endpoints-over-limit
 * (rules_limits.c).  Returns 0, or -1 when out of memory.
 */
int ep_rule_run_limit(const struct ep_rules_ctx *ctx,
    const struct ep_observations *o, struct ep_findings *out);

/*
 * The deployment's rules (rules_dns.c): what discovery found in DNS, and
 * roles expected but not checked.  Returns 0, or -1 when out of memory.
 */
int ep_rule_dns(const struct ep_rules_ctx *ctx,
    const struct ep_observations *o, struct ep_findings *out);

/*
 * What the state file says of the run as a whole (rules_changes.c):
 * state-unreadable, and the endpoints gone without an observation.
 * Returns 0, or -1 when out of memory.
 */
int ep_rule_state(const struct ep_rules_ctx *ctx,
    const struct ep_observations *o, struct ep_findings *out);

#endif /* EP_RULES_IMPL_H */
