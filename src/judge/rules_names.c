/*
 * Rules of names: which names the leaf must cover and how (name-not-in-san,
 * name-only-in-subject, wildcard-not-allowed), what its subject should be
 * (subject-not-access-fqdn, subject-wildcard), and the order of its SANs
 * (san-wildcard-first).
 */

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/ep_hostname.h"
#include "judge/rules_impl.h"

enum coverage {
	COV_NONE,
	COV_CN,			/* only the subject CN matches */
	COV_SAN_WILDCARD,	/* a wildcard SAN matches */
	COV_SAN_EXACT,		/* a SAN names it */
};

static enum coverage
coverage(const struct ep_names *names, const struct ep_cert *c,
    const char *name, int cn_wildcard_ok)
{
	enum coverage		best = COV_NONE;
	enum ep_name_match	m;
	unsigned char		ip[16];
	size_t			i, iplen = 0;

	/* An IP reference is matched only against iPAddress SANs. */
	if (inet_pton(AF_INET, name, ip) == 1)
		iplen = 4;
	else if (inet_pton(AF_INET6, name, ip) == 1)
		iplen = 16;
	for (i = 0; i < c->nsans; i++) {
		const struct ep_san	*s = &c->sans[i];

		if (iplen > 0) {
			if (s->is_ip && s->len == iplen &&
			    memcmp(s->value, ip, iplen) == 0)
				return COV_SAN_EXACT;
			continue;
		}
		if (s->is_ip)
			continue;
		m = ep_names_match(names, (const char *)s->value, s->len, name);
		if (m == EP_NAME_EXACT)
			return COV_SAN_EXACT;
		if (m == EP_NAME_WILDCARD)
			best = COV_SAN_WILDCARD;
	}
	if (best == COV_NONE && iplen == 0 && c->cn_len > 0) {
		m = ep_names_match(names, c->cn, c->cn_len, name);
		if (m == EP_NAME_EXACT || (m == EP_NAME_WILDCARD && cn_wildcard_ok))
			best = COV_CN;
	}
	return best;
}

/* Appends cand to req (n names so far) unless it is there already. */
static void
push_name(char (*req)[EP_NAME_MAX + 1], size_t *n, const char *cand)
{
	size_t	i, len = strlen(cand);

	if (len > EP_NAME_MAX)
		return;		/* sip.<253-octet domain> cannot exist */
	for (i = 0; i < *n; i++)
		if (strcmp(req[i], cand) == 0)
			return;
	memcpy(req[(*n)++], cand, len + 1);
}

/*
 * How many names required_names() may return for ep.  The other roles'
 * names count only offline: live, a room for every target at every
 * endpoint made a run of many names quadratic.
 */
static size_t
required_max(const struct endpoint *ep)
{
	const struct ep_plan	*plan = ep->ctx->plan;

	return 1 + ep_plan_nsip_domains(plan) + ep_plan_npublished(plan) +
	    (ep->role->offline_also != 0 && ep->obs->kind != EP_OBS_LIVE ?
	    ep_plan_ntargets(plan) : 0);
}

/*
 * The names an endpoint must cover: its own, sip.<d> for every SIP domain
 * where the role serves client auto-configuration and federation, every
 * published name on the external web services FQDN itself, and, for a
 * certificate judged before it is installed, the names of the roles the
 * profile's offline-also lists (the one external edge certificate covers
 * the web conferencing FQDN too; live, each edge service is probed under
 * its own name).  req has room for required_max(ep) names.
 */
static void
required_names(const struct endpoint *ep, char (*req)[EP_NAME_MAX + 1],
    size_t *nreq)
{
	const struct ep_plan	*plan = ep->ctx->plan;
	char			 buf[EP_NAME_MAX + 8];
	size_t			 i, n = 0;

	push_name(req, &n, ep->target->name);
	if (ep->role->need_sip_domains)
		for (i = 0; i < ep_plan_nsip_domains(plan); i++) {
			if (!ep_plan_sip_domain_concerns(plan, i,
			    ep->obs->target))
				continue;
			snprintf(buf, sizeof(buf), "sip.%s",
			    ep_plan_sip_domain(plan, i));
			push_name(req, &n, buf);
		}
	if (ep->role->need_published &&
	    !ep_plan_is_published(plan, ep->target->name))
		for (i = 0; i < ep_plan_npublished(plan); i++)
			push_name(req, &n, ep_plan_published(plan, i));
	if (ep->role->offline_also != 0 && ep->obs->kind != EP_OBS_LIVE)
		for (i = 0; i < ep_plan_ntargets(plan); i++)
			if (ep->role->offline_also &
			    (1u << ep_plan_target(plan, i)->role))
				push_name(req, &n, ep_plan_target(plan, i)->name);
	*nreq = n;
}

int
ep_rule_names(struct endpoint *ep)
{
	char			(*req)[EP_NAME_MAX + 1];
	const struct ep_cert	*leaf = ep->chain[0];
	size_t			 nreq = 0, i;
	int			 san_or_cn = ep->role->names == EP_NAMES_SAN_OR_CN;
	char			 msg[EP_FINDING_MSG_MAX];
	int			 ret = -1;

	req = calloc(required_max(ep), sizeof(*req));
	if (req == NULL)
		return -1;
	required_names(ep, req, &nreq);
	for (i = 0; i < nreq; i++) {
		enum coverage	cov = coverage(ep->ctx->names, leaf, req[i],
				    ep->role->wildcard_ok);
		enum ep_check	check;

		if (cov == COV_SAN_EXACT ||
		    (cov == COV_SAN_WILDCARD && ep->role->wildcard_ok) ||
		    (cov == COV_CN && san_or_cn))
			continue;
		if (cov == COV_SAN_WILDCARD) {
			check = EP_CHECK_WILDCARD_NOT_ALLOWED;
			snprintf(msg, sizeof(msg), "%s is covered only by a "
			    "wildcard SAN; the %s role needs it listed "
			    "explicitly", req[i], ep->role->name);
		} else if (cov == COV_CN) {
			check = EP_CHECK_NAME_ONLY_IN_SUBJECT;
			snprintf(msg, sizeof(msg), "%s is only the subject CN; "
			    "TLS clients check the SAN list, which lacks it",
			    req[i]);
		} else {
			check = EP_CHECK_NAME_NOT_IN_SAN;
			snprintf(msg, sizeof(msg), "%s is not among the "
			    "certificate's names%s", req[i],
			    leaf->has_san ? "" : " (it has no SAN extension)");
		}
		if (ep_rule_add(ep, check, req[i], msg) == -1)
			goto out;
	}
	ret = 0;
out:
	free(req);
	return ret;
}

/* Returns 1 when the bytes of a presented name hold a wildcard. */
static int
has_wildcard(const void *name, size_t len)
{
	return memchr(name, '*', len) != NULL;
}

/*
 * Returns 1 when the leaf's subject CN is the name of a target of the
 * endpoint's role other than a published name: one edge serving several
 * SIP domains is found under each sip.<domain>, and its one certificate
 * names one of them as subject.
 */
static int
cn_is_role_fqdn(const struct endpoint *ep, const struct ep_cert *leaf)
{
	const struct ep_plan	*plan = ep->ctx->plan;
	char			 cn[EP_NAME_MAX + 1];
	size_t			 i;

	/* A NUL inside the CN would cut the comparison short. */
	if (leaf->cn_len == 0 || strlen(leaf->cn) != leaf->cn_len ||
	    ep_host_normalize(leaf->cn, cn, sizeof(cn)) == -1)
		return 0;
	if (strcmp(cn, ep->target->name) == 0)
		return 1;
	for (i = 0; i < ep_plan_ntargets(plan); i++)
		if (ep_plan_target(plan, i)->role == ep->target->role &&
		    strcmp(cn, ep_plan_target(plan, i)->name) == 0 &&
		    !ep_plan_is_published(plan, cn))
			return 1;
	return 0;
}

/*
 * The subject CN should be the endpoint's own FQDN where the role says
 * so (OCS-era clients still look at it).  A published name is served
 * under the external web services FQDN's certificate, so it is not
 * expected in the subject.
 */
int
ep_rule_subject_self(struct endpoint *ep)
{
	const struct ep_plan	*plan = ep->ctx->plan;
	const struct ep_cert	*leaf = ep->chain[0];
	char			 msg[EP_FINDING_MSG_MAX];

	if (ep->role->subject != EP_SUBJECT_SELF ||
	    ep_plan_is_published(plan, ep->target->name) ||
	    cn_is_role_fqdn(ep, leaf))
		return 0;
	/* A wildcard subject is named once, by the graver subject-wildcard. */
	if (has_wildcard(leaf->cn, leaf->cn_len) &&
	    !ep->role->subject_wildcard_ok &&
	    ep_rule_reports(ep, EP_CHECK_SUBJECT_WILDCARD))
		return 0;
	if (leaf->cn_len == 0)
		snprintf(msg, sizeof(msg), "the certificate's subject has no "
		    "CN; it should be the endpoint's FQDN %s", ep->target->name);
	else
		snprintf(msg, sizeof(msg), "the subject CN is %.*s, not the "
		    "endpoint's FQDN %s", (int)leaf->cn_len, leaf->cn,
		    ep->target->name);
	return ep_rule_add(ep, EP_CHECK_SUBJECT_NOT_ACCESS_FQDN, NULL, msg);
}

int
ep_rule_subject_wildcard(struct endpoint *ep)
{
	const struct ep_cert	*leaf = ep->chain[0];
	char			 msg[EP_FINDING_MSG_MAX];

	if (ep->role->subject_wildcard_ok ||
	    !has_wildcard(leaf->cn, leaf->cn_len))
		return 0;
	snprintf(msg, sizeof(msg), "the subject CN %.*s is a wildcard; the %s "
	    "role needs an explicit name as subject", (int)leaf->cn_len,
	    leaf->cn, ep->role->name);
	return ep_rule_add(ep, EP_CHECK_SUBJECT_WILDCARD, NULL, msg);
}

/*
 * UC devices take the first dNSName of the SAN list as the server's name:
 * every explicit FQDN must come before the first wildcard.
 */
int
ep_rule_san_order(struct endpoint *ep)
{
	const struct ep_cert	*leaf = ep->chain[0];
	const struct ep_san	*wild = NULL;
	char			 msg[EP_FINDING_MSG_MAX];
	size_t			 i;

	if (!ep->role->wildcard_order)
		return 0;
	for (i = 0; i < leaf->nsans; i++) {
		const struct ep_san	*san = &leaf->sans[i];

		if (san->is_ip)
			continue;
		if (has_wildcard(san->value, san->len)) {
			if (wild == NULL)
				wild = san;
			continue;
		}
		if (wild == NULL)
			continue;
		snprintf(msg, sizeof(msg), "the wildcard SAN %.*s comes before "
		    "the explicit name %.*s; UC devices take the first entry",
		    (int)(wild->len < EP_NAME_MAX ? wild->len : EP_NAME_MAX),
		    (const char *)wild->value,
		    (int)(san->len < EP_NAME_MAX ? san->len : EP_NAME_MAX),
		    (const char *)san->value);
		return ep_rule_add(ep, EP_CHECK_SAN_WILDCARD_FIRST, NULL, msg);
	}
	return 0;
}
