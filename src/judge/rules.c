/*
 * The rules: observations + anchors + clock -> findings.  Each endpoint
 * rule is one function in the table below, in the file of its family
 * (rules_*.c); then the pools, then the deployment.  Role differences
 * come from the profile's data, never from testing a role by name.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "judge/rules_impl.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Observation kinds as a mask, for the kinds a rule judges. */
#define KIND(k)		(1u << (k))
#define KINDS_LIVE	KIND(EP_OBS_LIVE)
/*
 * Certificates a CA issued: what the CA decides (trust, dates, EKU, CRL
 * distribution point, signatures) is judged on these, never on a CSR's
 * stand-in certificate.
 */
#define KINDS_ISSUED	(KIND(EP_OBS_LIVE) | KIND(EP_OBS_CHAIN) | \
			    KIND(EP_OBS_PFX))
/* What the applicant decides (names, subject, key) is judged on all. */
#define KINDS_ALL	(KINDS_ISSUED | KIND(EP_OBS_CSR))
#define KINDS_PFX	KIND(EP_OBS_PFX)

struct endpoint_rule {
	const char	*name;		/* what it judges */
	unsigned	 kinds;		/* KIND()s of the observations it judges */
	int		 needs_chain;	/* runs only when there is a certificate */
	int		(*run)(struct endpoint *);
};

/* The severity check gets: the profile's, raised to min; OK is off. */
static enum ep_severity
severity(const struct ep_profile *p, enum ep_check check,
    enum ep_severity min)
{
	enum ep_severity	sev = p->severity[check];

	if (sev == EP_SEV_OK)
		return EP_SEV_OK;
	return sev > min ? sev : min;
}

int
ep_rule_add_sev(struct endpoint *ep, enum ep_check check, const char *name,
    const char *msg, enum ep_severity min)
{
	enum ep_severity	 sev = severity(ep->profile, check, min);
	struct ep_finding	*f;

	if (sev == EP_SEV_OK)
		return 0;
	if ((f = ep_findings_add(ep->out, check, ep->idx, name, "%s",
	    msg)) == NULL)
		return -1;
	f->severity = sev;
	f->accepted = ep_plan_accepted(ep->ctx->plan, check, name,
	    ep->target->name);
	return 0;
}

int
ep_rule_add_sev_cap(struct endpoint *ep, enum ep_check check,
    const char *name, const char *msg, enum ep_severity cap)
{
	enum ep_severity	 sev = ep->profile->severity[check];
	struct ep_finding	*f;

	if (sev == EP_SEV_OK)
		return 0;
	if ((f = ep_findings_add(ep->out, check, ep->idx, name, "%s",
	    msg)) == NULL)
		return -1;
	f->severity = sev < cap ? sev : cap;
	f->accepted = ep_plan_accepted(ep->ctx->plan, check, name,
	    ep->target->name);
	return 0;
}

int
ep_rule_add(struct endpoint *ep, enum ep_check check, const char *name,
    const char *msg)
{
	return ep_rule_add_sev(ep, check, name, msg, EP_SEV_OK);
}

int
ep_rule_add_deployment(const struct ep_rules_ctx *ctx, struct ep_findings *out,
    enum ep_check check, size_t g, const char *name, const char *msg,
    enum ep_severity min)
{
	enum ep_severity	 sev;
	struct ep_finding	*f;

	sev = severity(ep_plan_profile(ctx->plan), check, min);
	if (sev == EP_SEV_OK)
		return 0;
	if ((f = ep_findings_add(out, check, EP_FINDING_NO_OBS, name, "%s",
	    msg)) == NULL)
		return -1;
	f->severity = sev;
	f->group = g;
	f->accepted = ep_plan_accepted(ctx->plan, check, name, NULL);
	return 0;
}

int
ep_rule_reports(const struct endpoint *ep, enum ep_check check)
{
	return ep->profile->severity[check] != EP_SEV_OK;
}

const char *
ep_rule_holder(const struct endpoint *ep)
{
	switch (ep->obs->kind) {
	case EP_OBS_CHAIN:
		return "the chain file";
	case EP_OBS_PFX:
		return "the PFX file";
	case EP_OBS_CSR:
		return "the request";
	default:
		return "the server";
	}
}

void
ep_rule_cert_label(const struct endpoint *ep, size_t i, char *out,
    size_t outlen)
{
	if (i == 0)
		snprintf(out, outlen, "the certificate");
	else
		snprintf(out, outlen, "intermediate %.290s",
		    ep->chain[i]->subject);
}

static const struct endpoint_rule endpoint_rules[] = {
	{ .name = "reachability", .kinds = KINDS_LIVE, .needs_chain = 0,
	    .run = ep_rule_reach },
	{ .name = "malformed certificates", .kinds = KINDS_ISSUED,
	    .needs_chain = 0, .run = ep_rule_malformed },
	{ .name = "chain limits", .kinds = KINDS_LIVE, .needs_chain = 0,
	    .run = ep_rule_chain_limit },
	{ .name = "certificate limits", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = ep_rule_cert_limit },
	{ .name = "names", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = ep_rule_names },
	{ .name = "subject", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = ep_rule_subject_self },
	{ .name = "subject wildcard", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = ep_rule_subject_wildcard },
	{ .name = "SAN order", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = ep_rule_san_order },
	{ .name = "trust", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_trust },
	{ .name = "chain order", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_chain_order },
	{ .name = "validity", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_validity },
	{ .name = "extra certificates", .kinds = KINDS_ISSUED,
	    .needs_chain = 1, .run = ep_rule_extra_expired },
	{ .name = "anchor", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_anchor },
	{ .name = "server EKU", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_eku },
	{ .name = "client EKU", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_eku_client },
	{ .name = "key strength", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = ep_rule_weak_key },
	{ .name = "key size", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = ep_rule_key_size },
	{ .name = "PSS key", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = ep_rule_pss_key },
	{ .name = "signature hash", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_weak_signature },
	{ .name = "PSS signature", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_pss_signature },
	{ .name = "CRL distribution point", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_crl_dp },
	{ .name = "TLS version", .kinds = KINDS_LIVE, .needs_chain = 1,
	    .run = ep_rule_tls_version },
	{ .name = "PFX key", .kinds = KINDS_PFX, .needs_chain = 1,
	    .run = ep_rule_pfx_key },
	{ .name = "leaf is no CA", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_leaf_is_ca },
	{ .name = "anyExtendedKeyUsage", .kinds = KINDS_ISSUED,
	    .needs_chain = 1, .run = ep_rule_leaf_any_eku },
	{ .name = "key type", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = ep_rule_key_type },
	{ .name = "serial number", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_serial },
	{ .name = "key identifiers", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_key_ids },
	{ .name = "root AKI", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_root_aki },
	{ .name = "authorityInfoAccess", .kinds = KINDS_ISSUED,
	    .needs_chain = 1, .run = ep_rule_aia },
	{ .name = "SAN criticality", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_san_criticality },
	{ .name = "name constraints", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_name_constraints },
	{ .name = "empty name constraints", .kinds = KINDS_ISSUED,
	    .needs_chain = 1, .run = ep_rule_name_constraints_empty },
	{ .name = "revocation", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = ep_rule_revocation },
	{ .name = "OCSP must-staple", .kinds = KINDS_LIVE, .needs_chain = 1,
	    .run = ep_rule_must_staple },
	{ .name = "changes since the last run", .kinds = KINDS_LIVE,
	    .needs_chain = 0, .run = ep_rule_changes },
};

/*
 * The path of what the endpoint presented, built once for a run of
 * endpoints presenting the same chain.  Returns 0, or -1.
 */
static int
build_path(struct endpoint *ep)
{
	struct ep_trust_memo	*m = ep->memo;
	int			 internal_ok;

	internal_ok = ep->role->trust == EP_TRUST_INTERNAL_OR_PUBLIC;
	if (m->n != ep->nsent || m->leaf != ep->leaf ||
	    m->internal_ok != internal_ok || memcmp(m->sent, ep->sent,
	    ep->nsent * sizeof(ep->sent[0])) != 0) {
		m->n = 0;
		if (ep_trust_verify(ep->ctx->trust, ep->sent, ep->nsent,
		    ep->leaf, ep->aia, ep->naia, internal_ok, ep->ctx->now,
		    &m->r) == -1)
			return -1;
		memcpy(m->sent, ep->sent, ep->nsent * sizeof(ep->sent[0]));
		m->n = ep->nsent;
		m->leaf = ep->leaf;
		m->internal_ok = internal_ok;
	}
	ep->trust = &m->r;
	return 0;
}

/* 1 when c is among the n certificates of v. */
static int
among(const struct ep_cert *const *v, size_t n, const struct ep_cert *c)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (v[i] == c)
			return 1;
	return 0;
}

/*
 * The issuers fetched from the AIA caIssuers URLs of what was presented,
 * and of what those served in turn, as a client that fetches them has.
 */
static void
aia_issuers(struct endpoint *ep)
{
	const struct ep_cert	*c;
	const struct ep_fetched	*f;
	size_t			 u, k, done = 0;

	for (;;) {
		/* The presented first, then each issuer fetched in turn. */
		if (done < ep->nsent)
			c = ep->sent[done];
		else if (done - ep->nsent < ep->naia)
			c = ep->aia[done - ep->nsent];
		else
			return;
		done++;
		for (u = 0; u < c->nissuer_urls; u++) {
			f = ep_observations_fetched(ep->o, EP_FETCHED_ISSUER,
			    c->issuer_urls[u], NULL);
			if (f == NULL || !f->ok)
				continue;
			for (k = 0; k < f->ncerts; k++) {
				const struct ep_cert	*x;

				x = ep_certs_get(ep->o->certs, f->certs[k]);
				if (ep->naia == EP_CHAIN_MAX ||
				    among(ep->sent, ep->nsent, x) ||
				    among(ep->aia, ep->naia, x))
					continue;
				ep->aia_url[ep->naia] = f->url;
				ep->aia[ep->naia++] = x;
			}
		}
	}
}

/*
 * What the endpoint presented that parses, its leaf, and the path a
 * client builds from it; the rules see the path's presented
 * certificates.  A request's stand-in is judged alone.  Returns 0, or -1.
 */
static int
prepare(struct endpoint *ep)
{
	const struct ep_obs	*obs = ep->obs;
	size_t			 i;

	if (obs->status != EP_OBS_OK)
		return 0;
	for (i = 0; i < obs->chain_len && i < EP_CHAIN_MAX; i++) {
		const struct ep_cert	*c;

		c = ep_certs_get(ep->o->certs, obs->chain[i]);
		if (c->malformed[0] != '\0') {
			/* The leaf is what the observation says it is. */
			ep->leaf_malformed |= i == obs->leaf;
			continue;
		}
		if (i == obs->leaf)
			ep->leaf = ep->nsent;
		ep->sent[ep->nsent++] = c;
	}
	if (ep->nsent == 0 || ep->leaf_malformed)
		return 0;
	if (obs->kind == EP_OBS_CSR) {
		ep->chain[ep->n++] = ep->sent[0];
		return 0;
	}
	aia_issuers(ep);
	if (build_path(ep) == -1)
		return -1;
	for (i = 0; i < ep->trust->npath && ep->n < EP_CHAIN_MAX; i++)
		if (ep->trust->path_sent[i])
			ep->chain[ep->n++] = ep->trust->path[i];
	return 0;
}

static void
failed(const struct ep_findings *out, char *err, size_t errlen)
{
	if (out->n >= EP_FINDINGS_MAX)
		snprintf(err, errlen, "judging observations: more than %d "
		    "findings", EP_FINDINGS_MAX);
	else
		snprintf(err, errlen, "judging observations: %s",
		    strerror(ENOMEM));
}

int
ep_rules_run(const struct ep_rules_ctx *ctx, const struct ep_observations *o,
    struct ep_findings *out, char *err, size_t errlen)
{
	if (ep_rules_endpoints(ctx, o, out, err, errlen) == -1 ||
	    ep_rules_deployment(ctx, o, out, err, errlen) == -1)
		return -1;
	return 0;
}

int
ep_rules_deployment(const struct ep_rules_ctx *ctx,
    const struct ep_observations *o, struct ep_findings *out, char *err,
    size_t errlen)
{
	if (ep_rule_dns(ctx, o, out) == -1 || ep_rule_state(ctx, o, out) == -1 ||
	    ep_rule_run_limit(ctx, o, out) == -1) {
		failed(out, err, errlen);
		return -1;
	}
	return 0;
}

int
ep_rules_endpoints(const struct ep_rules_ctx *ctx,
    const struct ep_observations *o, struct ep_findings *out, char *err,
    size_t errlen)
{
	struct ep_trust_memo	memo;
	size_t			i, r, first;

	memset(&memo, 0, sizeof(memo));
	for (i = 0; i < o->n; i++) {
		struct endpoint	ep;

		memset(&ep, 0, sizeof(ep));
		ep.ctx = ctx;
		ep.memo = &memo;
		ep.profile = ep_plan_profile(ctx->plan);
		ep.o = o;
		ep.idx = i;
		ep.obs = &o->v[i];
		ep.target = ep_plan_target(ctx->plan, ep.obs->target);
		ep.role = &ep.profile->roles[ep.target->role];
		ep.out = out;
		if (prepare(&ep) == -1)
			goto fail;
		for (r = 0; r < NELEM(endpoint_rules); r++) {
			if (!(endpoint_rules[r].kinds & KIND(ep.obs->kind)) ||
			    (endpoint_rules[r].needs_chain && ep.n == 0))
				continue;
			if (endpoint_rules[r].run(&ep) == -1)
				goto fail;
		}
	}
	for (first = 0; first < o->n; first = i) {
		for (i = first; i < o->n && o->v[i].target == o->v[first].target;
		    i++)
			;
		if (ep_rule_pool(ctx, o, first, i, out) == -1 ||
		    ep_rule_addr_limit(ctx, o, first, i, out) == -1)
			goto fail;
	}
	return 0;
fail:
	failed(out, err, errlen);
	return -1;
}
