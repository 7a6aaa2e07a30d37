/*
 * The rules: observations + anchors + clock -> findings.  Each endpoint
 * rule is one function in the table below; role differences come from the
 * profile's data, never from testing a role by name.
 */

#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_rules.h"
#include "ep_time.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define DAY		86400

/* What one endpoint rule sees. */
struct endpoint {
	const struct ep_rules_ctx	*ctx;
	const struct ep_observations	*o;
	size_t				 idx;		/* observation index */
	const struct ep_obs		*obs;
	const struct ep_target		*target;
	const struct ep_role_rules	*role;
	const struct ep_cert		*chain[EP_CHAIN_MAX];	/* as sent */
	size_t				 n;
	struct ep_findings		*out;
};

struct endpoint_rule {
	const char	*name;		/* what it judges */
	int		 needs_chain;	/* runs only after a handshake */
	int		(*run)(struct endpoint *);
};

/*
 * Adds a finding with the profile's severity for its check, raised to
 * at least min.  A check the profile turns off adds nothing.  Returns 0,
 * or -1 when out of memory.
 */
static int
add_sev(struct endpoint *ep, enum ep_check check, const char *name,
    const char *msg, enum ep_severity min)
{
	enum ep_severity	 sev = ep->ctx->plan->profile->severity[check];
	struct ep_finding	*f;

	if (sev == EP_SEV_OK)
		return 0;
	if ((f = ep_findings_add(ep->out, check, ep->idx, name, "%s",
	    msg)) == NULL)
		return -1;
	f->severity = sev > min ? sev : min;
	return 0;
}

static int
add(struct endpoint *ep, enum ep_check check, const char *name,
    const char *msg)
{
	return add_sev(ep, check, name, msg, EP_SEV_OK);
}

static int
rule_reach(struct endpoint *ep)
{
	static const enum ep_check	by_status[] = {
		[EP_OBS_NO_ADDRESS] = EP_CHECK_DNS_NO_ADDRESS,
		[EP_OBS_CONNECT_FAILED] = EP_CHECK_CONNECT_FAILED,
		[EP_OBS_TIMEOUT] = EP_CHECK_TIMEOUT,
		[EP_OBS_HANDSHAKE_FAILED] = EP_CHECK_HANDSHAKE_FAILED,
	};
	static const char		*what[] = {
		[EP_OBS_NO_ADDRESS] = "does not resolve",
		[EP_OBS_CONNECT_FAILED] = "takes no connection",
		[EP_OBS_TIMEOUT] = "timed out",
		[EP_OBS_HANDSHAKE_FAILED] = "failed the TLS handshake",
	};
	const struct ep_obs	*obs = ep->obs;
	char			 msg[EP_FINDING_MSG_MAX];

	if (obs->status == EP_OBS_OK)
		return 0;
	snprintf(msg, sizeof(msg), "%s %s: %.300s", ep->target->name,
	    what[obs->status], obs->error);
	return add(ep, by_status[obs->status], NULL, msg);
}

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

static int
in_list(char *const *v, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

/*
 * The names an endpoint must cover: its own, sip.<d> for every SIP domain
 * where the role serves client auto-configuration and federation, and
 * every published name on the external web services FQDN itself.  req
 * has room for 1 + nsip_domains + npublished names.
 */
static void
required_names(const struct endpoint *ep, char (*req)[EP_NAME_MAX + 1],
    size_t *nreq)
{
	const struct ep_plan	*plan = ep->ctx->plan;
	char			 buf[EP_NAME_MAX + 8];
	size_t			 i, j, n = 0;
	const char		*cand;

	for (i = 0; ; i++) {
		if (i == 0)
			cand = ep->target->name;
		else if (ep->role->need_sip_domains && i - 1 < plan->nsip_domains) {
			snprintf(buf, sizeof(buf), "sip.%s",
			    plan->sip_domains[i - 1]);
			cand = buf;
		} else if (ep->role->need_published &&
		    !in_list(plan->published, plan->npublished, ep->target->name) &&
		    i - 1 - (ep->role->need_sip_domains ? plan->nsip_domains : 0) <
		    plan->npublished)
			cand = plan->published[i - 1 -
			    (ep->role->need_sip_domains ? plan->nsip_domains : 0)];
		else
			break;
		if (strlen(cand) > EP_NAME_MAX)
			continue;	/* sip.<253-octet domain> cannot exist */
		for (j = 0; j < n; j++)
			if (strcmp(req[j], cand) == 0)
				break;
		if (j < n)
			continue;
		memcpy(req[n++], cand, strlen(cand) + 1);
	}
	*nreq = n;
}

static int
rule_names(struct endpoint *ep)
{
	char			(*req)[EP_NAME_MAX + 1];
	const struct ep_cert	*leaf = ep->chain[0];
	size_t			 nreq = 0, i;
	int			 san_or_cn = ep->role->names == EP_NAMES_SAN_OR_CN;
	char			 msg[EP_FINDING_MSG_MAX];
	int			 ret = -1;

	req = calloc(1 + ep->ctx->plan->nsip_domains + ep->ctx->plan->npublished,
	    sizeof(*req));
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
		if (add(ep, check, req[i], msg) == -1)
			goto out;
	}
	ret = 0;
out:
	free(req);
	return ret;
}

static int
rule_trust(struct endpoint *ep)
{
	struct ep_trust_result	r;
	char			msg[EP_FINDING_MSG_MAX];
	int			internal_ok;

	internal_ok = ep->role->trust == EP_TRUST_INTERNAL_OR_PUBLIC;
	if (ep_trust_verify(ep->ctx->trust, ep->chain, ep->n, internal_ok,
	    &r) == -1)
		return -1;
	if (r.trusted && !r.incomplete)
		return 0;
	if (r.self_signed) {
		snprintf(msg, sizeof(msg), "the certificate is self-signed "
		    "(%.300s): no client trusts it", ep->chain[0]->subject);
		return add(ep, EP_CHECK_SELF_SIGNED, NULL, msg);
	}
	if (r.incomplete) {
		snprintf(msg, sizeof(msg), "the server does not send the "
		    "intermediate certificate %.300s; clients that cannot fetch it "
		    "fail%s", r.missing, r.completed ? "" : " (edgeprobe does "
		    "not have it either, so it cannot tell whether the chain "
		    "leads to a trusted root)");
		if (add(ep, EP_CHECK_CHAIN_INCOMPLETE, NULL, msg) == -1)
			return -1;
		if (r.trusted || !r.completed)
			return 0;
	}
	if (r.anchor_internal && !internal_ok)
		snprintf(msg, sizeof(msg), "the chain ends at an internal CA, "
		    "which external clients and federation partners do not "
		    "trust");
	else
		snprintf(msg, sizeof(msg), "the chain is not trusted: %.400s",
		    r.reason);
	return add(ep, EP_CHECK_CHAIN_UNTRUSTED, NULL, msg);
}

static int
rule_validity(struct endpoint *ep)
{
	const struct ep_rules_ctx	*ctx = ep->ctx;
	char				 msg[EP_FINDING_MSG_MAX], when[32];
	size_t				 i;

	for (i = 0; i < ep->n; i++) {
		const struct ep_cert	*c = ep->chain[i];
		char			 which[320];
		long long		 left = (long long)c->not_after - ctx->now;

		if (i == 0)
			snprintf(which, sizeof(which), "the certificate");
		else
			snprintf(which, sizeof(which), "intermediate %.290s",
			    c->subject);

		if (ctx->now < c->not_before) {
			ep_time_iso(c->not_before, when, sizeof(when));
			snprintf(msg, sizeof(msg), "%s is not valid until %s",
			    which, when);
			if (add(ep, EP_CHECK_NOT_YET_VALID, NULL, msg) == -1)
				return -1;
		} else if (left < 0) {
			ep_time_iso(c->not_after, when, sizeof(when));
			snprintf(msg, sizeof(msg), "%s expired on %s (%lld days "
			    "ago)", which, when, (-left) / DAY);
			if (add(ep, EP_CHECK_EXPIRED, NULL, msg) == -1)
				return -1;
		} else if (left <= (long long)ctx->warn_days * DAY ||
		    left <= (long long)ctx->crit_days * DAY) {
			ep_time_iso(c->not_after, when, sizeof(when));
			snprintf(msg, sizeof(msg), "%s expires on %s, in %lld "
			    "days", which, when, left / DAY);
			/* Within --crit-days it is critical, whatever the profile. */
			if (add_sev(ep, EP_CHECK_EXPIRES_SOON, NULL, msg,
			    left <= (long long)ctx->crit_days * DAY ?
			    EP_SEV_CRITICAL : EP_SEV_OK) == -1)
				return -1;
		}
	}
	return 0;
}

static int
rule_eku(struct endpoint *ep)
{
	const struct ep_cert	*leaf = ep->chain[0];

	if (leaf->eku_server)
		return 0;
	return add(ep, EP_CHECK_EKU_SERVER_AUTH_MISSING, NULL, leaf->has_eku ?
	    "the certificate's extended key usage lacks Server Authentication" :
	    "the certificate has no extended key usage: Lync requires "
	    "Server Authentication");
}

static const struct endpoint_rule endpoint_rules[] = {
	{ .name = "reachability", .needs_chain = 0, .run = rule_reach },
	{ .name = "names", .needs_chain = 1, .run = rule_names },
	{ .name = "trust", .needs_chain = 1, .run = rule_trust },
	{ .name = "validity", .needs_chain = 1, .run = rule_validity },
	{ .name = "eku", .needs_chain = 1, .run = rule_eku },
};

/* Index of the value occurring most often in v (first on a tie). */
static size_t
most_common(const unsigned char (*v)[32], size_t n)
{
	size_t	i, j, best = 0, bestn = 0;

	for (i = 0; i < n; i++) {
		size_t	c = 0;

		for (j = 0; j < n; j++)
			if (memcmp(v[i], v[j], 32) == 0)
				c++;
		if (c > bestn) {
			best = i;
			bestn = c;
		}
	}
	return best;
}

/*
 * Every address of an edge name is a member of one pool: members must
 * present one key (A/V authentication), and should present one
 * certificate.  Observations of a target are adjacent once sorted.
 */
static int
rule_pool(const struct ep_rules_ctx *ctx, const struct ep_observations *o,
    size_t first, size_t last, struct ep_findings *out)
{
	const struct ep_target	*t = &ctx->plan->targets[o->v[first].target];
	unsigned char		(*keys)[32] = NULL, (*certs)[32] = NULL;
	size_t			*idx = NULL, n = 0, i, kref, cref, ncert = 0;
	struct endpoint		 ep;
	char			 msg[EP_FINDING_MSG_MAX];
	int			 ret = -1;

	if (ctx->plan->profile->roles[t->role].pool != EP_POOL_SAME_KEY ||
	    last - first < 2)
		return 0;
	keys = calloc(last - first, sizeof(*keys));
	certs = calloc(last - first, sizeof(*certs));
	idx = calloc(last - first, sizeof(*idx));
	if (keys == NULL || certs == NULL || idx == NULL)
		goto out;
	for (i = first; i < last; i++) {
		const struct ep_cert	*leaf = ep_obs_leaf(o, &o->v[i]);

		if (leaf == NULL)
			continue;
		memcpy(keys[n], leaf->spki_sha256, 32);
		idx[n++] = i;
	}
	if (n < 2) {
		ret = 0;
		goto out;
	}
	kref = most_common((const unsigned char (*)[32])keys, n);
	memset(&ep, 0, sizeof(ep));
	ep.ctx = ctx;
	ep.o = o;
	ep.out = out;
	for (i = 0; i < n; i++) {
		const struct ep_obs	*ref = &o->v[idx[kref]];

		ep.idx = idx[i];
		if (memcmp(keys[i], keys[kref], 32) == 0) {
			memcpy(certs[ncert], ep_obs_leaf(o, &o->v[idx[i]])->sha256,
			    32);
			idx[ncert++] = idx[i];
			continue;
		}
		snprintf(msg, sizeof(msg), "this pool member presents a "
		    "different key than %s port %u", ref->addrstr, ref->port);
		if (add(&ep, EP_CHECK_POOL_KEY_MISMATCH, NULL, msg) == -1)
			goto out;
	}
	/* idx now lists only the members with the common key. */
	cref = most_common((const unsigned char (*)[32])certs, ncert);
	for (i = 0; i < ncert; i++) {
		const struct ep_obs	*ref = &o->v[idx[cref]];

		if (memcmp(certs[i], certs[cref], 32) == 0)
			continue;
		ep.idx = idx[i];
		snprintf(msg, sizeof(msg), "this pool member has the same key "
		    "but a different certificate than %s port %u", ref->addrstr,
		    ref->port);
		if (add(&ep, EP_CHECK_POOL_CERT_MISMATCH, NULL, msg) == -1)
			goto out;
	}
	ret = 0;
out:
	free(keys);
	free(certs);
	free(idx);
	return ret;
}

int
ep_rules_run(const struct ep_rules_ctx *ctx, const struct ep_observations *o,
    struct ep_findings *out, char *err, size_t errlen)
{
	size_t	i, r, first;

	for (i = 0; i < o->n; i++) {
		struct endpoint	ep;

		memset(&ep, 0, sizeof(ep));
		ep.ctx = ctx;
		ep.o = o;
		ep.idx = i;
		ep.obs = &o->v[i];
		ep.target = &ctx->plan->targets[ep.obs->target];
		ep.role = &ctx->plan->profile->roles[ep.target->role];
		ep.out = out;
		if (ep.obs->status == EP_OBS_OK)
			for (ep.n = 0; ep.n < ep.obs->chain_len; ep.n++)
				ep.chain[ep.n] = ep_certs_get(o->certs,
				    ep.obs->chain[ep.n]);
		for (r = 0; r < NELEM(endpoint_rules); r++) {
			if (endpoint_rules[r].needs_chain && ep.n == 0)
				continue;
			if (endpoint_rules[r].run(&ep) == -1)
				goto fail;
		}
	}
	for (first = 0; first < o->n; first = i) {
		for (i = first; i < o->n && o->v[i].target == o->v[first].target;
		    i++)
			;
		if (rule_pool(ctx, o, first, i, out) == -1)
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "judging observations: %s", strerror(ENOMEM));
	return -1;
}
