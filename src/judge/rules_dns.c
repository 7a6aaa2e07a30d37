/*
 * Rules of the deployment as DNS publishes it, from what discovery saw:
 * SIP SRV records missing or unusable (dns-srv-missing), SRV targets
 * outside their SIP domain (srv-target-outside-domain), more SRV records
 * than are kept (dns-over-limit), a name where
 * nothing at all was found (dns-srv-missing, critical), and lookups the
 * resolver could not make, which say nothing of the deployment
 * (dns-lookup-failed, unknown; interrupted when the run was stopped
 * first).  These
 * findings concern no one endpoint: each is on the group (argument) that
 * discovered it.  And what DNS cannot say: a role the profile expects
 * beside those checked, named nowhere (role-not-checked).
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "input/ep_hostname.h"
#include "judge/rules_impl.h"
#include "net/ep_discover.h"
#include "net/ep_resolve.h"

#define LATE_ANSWER	"the run deadline passed before the answer"
#define STOPPED_ANSWER	"the run was interrupted before the answer"

static const char *
why_failed(const struct ep_dns_answer *a)
{
	return a->st == EP_DNS_LATE ? LATE_ANSWER :
	    a->st == EP_DNS_INTERRUPTED ? STOPPED_ANSWER : a->error;
}

static int
failed(const struct ep_dns_answer *a)
{
	return a->st == EP_DNS_FAILED || a->st == EP_DNS_LATE ||
	    a->st == EP_DNS_INTERRUPTED;
}

/* What a lookup that failed makes: stopped by a signal, interrupted. */
static enum ep_check
failed_check(const struct ep_dns_answer *a)
{
	return a->st == EP_DNS_INTERRUPTED ? EP_CHECK_INTERRUPTED :
	    EP_CHECK_DNS_LOOKUP_FAILED;
}

/* Returns 1 when a probe could be made at what s names. */
static int
usable(const struct ep_srv *s, char *target, size_t len)
{
	return s->port != 0 && ep_host_problem(s->target) == NULL &&
	    ep_host_normalize(s->target, target, len) == 0;
}

/* One kind of SIP SRV record of SIP domain dc->domain[c]. */
static int
srv_record(const struct ep_rules_ctx *ctx, struct ep_findings *out,
    const struct ep_discovery *dc, int c, enum ep_disc_record r)
{
	const struct ep_dns_answer	*a = &dc->answer[c][r];
	const char			*d = dc->domain[c];
	char				 q[EP_DISC_QNAME_MAX + 1];
	char				 target[EP_NAME_MAX + 1];
	char				 msg[EP_FINDING_MSG_MAX];
	size_t				 i, j;
	int				 any = 0;

	if (ep_disc_qname(r, d, q, sizeof(q)) == -1)
		return 0;	/* no such name can exist: nothing was asked */
	if (failed(a)) {
		snprintf(msg, sizeof(msg), "the lookup of the %.200s SRV record "
		    "could not be made (%.150s), so whether it exists is "
		    "unknown", q, why_failed(a));
		return ep_rule_add_deployment(ctx, out, failed_check(a),
		    dc->group, q, msg, EP_SEV_OK);
	}
	if (a->st != EP_DNS_ANSWERED) {
		snprintf(msg, sizeof(msg), "there is no %.200s SRV record: %s", q,
		    ep_disc_record(r)->federation ? "federation partners "
		    "cannot discover the Access Edge of the domain" : "external "
		    "clients cannot locate the Access Edge for sign-in through "
		    "DNS SRV");
		return ep_rule_add_deployment(ctx, out,
		    EP_CHECK_DNS_SRV_MISSING, dc->group, q, msg, EP_SEV_OK);
	}
	if (a->total > a->n) {
		snprintf(msg, sizeof(msg), "%.200s has %zu SRV records; "
		    "edgeprobe keeps the %d that clients try first and checked "
		    "those alone", q, a->total, EP_SRV_MAX);
		if (ep_rule_add_deployment(ctx, out, EP_CHECK_DNS_OVER_LIMIT,
		    dc->group, q, msg, EP_SEV_OK) == -1)
			return -1;
	}
	for (i = 0; i < a->n; i++) {
		const struct ep_srv	*s = &a->srv[i];

		if (s->target[0] == '\0')
			continue;
		if (!usable(s, target, sizeof(target))) {
			snprintf(msg, sizeof(msg), "the %.200s SRV record points "
			    "to %.200s port %u, which cannot be probed", q,
			    s->target, s->port);
			if (ep_rule_add_deployment(ctx, out,
			    EP_CHECK_DNS_SRV_MISSING, dc->group, q, msg,
			    EP_SEV_OK) == -1)
				return -1;
			continue;
		}
		any = 1;
		if (ep_discover_in_domain(target, d))
			continue;
		/* One finding per target, whatever its ports. */
		for (j = 0; j < i; j++)
			if (strcasecmp(a->srv[j].target, s->target) == 0)
				break;
		if (j < i)
			continue;
		snprintf(msg, sizeof(msg), "the %.120s SRV record points to "
		    "%.120s, outside the SIP domain %.100s: clients prompt or "
		    "fail unless TrustModelData lists the target", q, target, d);
		if (ep_rule_add_deployment(ctx, out,
		    EP_CHECK_SRV_TARGET_OUTSIDE_DOMAIN, dc->group, q, msg,
		    EP_SEV_OK) == -1)
			return -1;
	}
	if (!any && a->n > 0 && a->srv[0].target[0] == '\0') {
		snprintf(msg, sizeof(msg), "the %.200s SRV record has the "
		    "target \".\": the domain says it offers no such service", q);
		return ep_rule_add_deployment(ctx, out,
		    EP_CHECK_DNS_SRV_MISSING, dc->group, q, msg, EP_SEV_OK);
	}
	return 0;
}

/*
 * Nothing at all was found for a name: there is nothing to check.  When
 * a lookup could not be made, that may be why: the run knows nothing.
 */
static int
nothing_found(const struct ep_rules_ctx *ctx, struct ep_findings *out,
    const struct ep_discovery *dc)
{
	const struct ep_dns_answer	*a = NULL;
	const char			*why = NULL;
	char				 msg[EP_FINDING_MSG_MAX], where[300];
	int				 c, r;

	for (c = 0; why == NULL && c < EP_DISC_CANDIDATES; c++)
		for (r = 0; why == NULL && dc->domain[c][0] != '\0' &&
		    r < EP_DISC__MAX; r++)
			if (failed(a = &dc->answer[c][r]))
				why = why_failed(a);
	snprintf(where, sizeof(where), "%.120s%s%.120s", dc->domain[0],
	    dc->domain[1][0] != '\0' ? " or its parent " : "", dc->domain[1]);
	if (why != NULL) {
		if (a->st == EP_DNS_INTERRUPTED)
			snprintf(msg, sizeof(msg), "nothing was found for %s "
			    "before the run was interrupted: whether it "
			    "publishes an edge is unknown", where);
		else
			snprintf(msg, sizeof(msg), "nothing was found for %s, "
			    "and a lookup could not be made (%.100s): whether "
			    "it publishes an edge is unknown", where, why);
		return ep_rule_add_deployment(ctx, out, failed_check(a),
		    dc->group, dc->domain[0], msg, EP_SEV_OK);
	}
	snprintf(msg, sizeof(msg), "no SIP SRV record and none of sip., "
	    "lyncdiscover., meet. and dialin. was found for %s: nothing to "
	    "check", where);
	return ep_rule_add_deployment(ctx, out, EP_CHECK_DNS_SRV_MISSING,
	    dc->group, dc->domain[0], msg, EP_SEV_CRITICAL);
}

/* Returns 1 when an earlier discovery than k took the same SIP domain. */
static int
judged_before(const struct ep_observations *o, size_t k)
{
	const struct ep_discovery	*dc = &o->disc[k];
	size_t				 i;

	for (i = 0; i < k; i++)
		if (o->disc[i].chosen != -1 &&
		    strcmp(o->disc[i].domain[o->disc[i].chosen],
		    dc->domain[dc->chosen]) == 0)
			return 1;
	return 0;
}

/*
 * A live run that checks a role the profile expects another beside (an
 * access edge, with its web conferencing edge) but none of that other.
 * Files judged offline are for one role: nothing is missing from them.
 */
static int
roles_not_checked(const struct ep_rules_ctx *ctx,
    const struct ep_observations *o, struct ep_findings *out)
{
	const struct ep_profile	*p = ep_plan_profile(ctx->plan);
	char			 msg[EP_FINDING_MSG_MAX];
	unsigned		 present = 0, with;
	size_t			 t, r, k;

	if (o->offline)
		return 0;
	for (t = 0; t < ep_plan_ntargets(ctx->plan); t++)
		present |= 1u << ep_plan_target(ctx->plan, t)->role;
	for (r = 0; r < EP_ROLE__MAX; r++) {
		with = p->roles[r].expected_with & present;
		if (with == 0 || (present & (1u << r)))
			continue;
		for (k = 0; !(with & (1u << k)); k++)
			;
		snprintf(msg, sizeof(msg), "the %s is checked but no %s, which "
		    "DNS does not publish, so that discovery cannot find it: "
		    "give it with %s", p->roles[k].title, p->roles[r].title,
		    ep_role_option((enum ep_role)r));
		if (ep_rule_add_deployment(ctx, out, EP_CHECK_ROLE_NOT_CHECKED,
		    EP_FINDING_NO_GROUP, p->roles[r].name, msg, EP_SEV_OK) == -1)
			return -1;
	}
	return 0;
}

int
ep_rule_dns(const struct ep_rules_ctx *ctx, const struct ep_observations *o,
    struct ep_findings *out)
{
	size_t	k;
	int	r;

	for (k = 0; k < o->ndisc; k++) {
		const struct ep_discovery	*dc = &o->disc[k];

		if (dc->chosen == -1) {
			if (nothing_found(ctx, out, dc) == -1)
				return -1;
			continue;
		}
		/* A domain two arguments led to is judged once. */
		if (judged_before(o, k))
			continue;
		for (r = 0; r < EP_DISC__MAX; r++)
			if (ep_disc_record(r)->srv &&
			    srv_record(ctx, out, dc, dc->chosen, r) == -1)
				return -1;
	}
	return roles_not_checked(ctx, o, out);
}
