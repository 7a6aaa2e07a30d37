/*
 * Rules of revocation (revoked, ocsp-unreachable, ocsp-response-invalid,
 * must-staple-missing, crl-unreachable, crl-stale, crl-invalid, and
 * interrupted when the run was stopped before a fetch ended): what
 * the responses the server stapled, those fetched from the leaf's OCSP
 * responder, and the CRLs fetched from each certificate's distribution
 * points (or given as files) say of the path a client builds.
 * x509/revoke.c reads and verifies them; the engine fetched them.
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "input/ep_time.h"
#include "judge/rules_impl.h"
#include "x509/ep_revoke.h"

/* What one method's answer was, for a report and a message. */
struct answer {
	enum ep_rev_method	 method;
	const char		*url;		/* NULL: stapled */
	size_t			 depth;
	struct ep_rev		 rev;
	enum ep_rev_outcome	 outcome;
	const char		*why;		/* unreachable, not checked */
	int			*told;		/* the certificate's revocation
						   was reported already */
};

static int
http_url(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0;
}

/* Keeps the answer for the reports. */
static int
keep(struct endpoint *ep, const struct answer *a)
{
	struct ep_revcheck	c;

	if (ep->ctx->revs == NULL)
		return 0;
	memset(&c, 0, sizeof(c));
	c.obs = ep->idx;
	c.depth = a->depth;
	c.cert = ep->trust->path[a->depth];
	c.method = a->method;
	c.outcome = a->outcome;
	c.url = a->url;
	c.this_update = a->rev.this_update;
	c.next_update = a->rev.next_update;
	c.revoked_at = a->rev.revoked_at;
	snprintf(c.reason, sizeof(c.reason), "%s", a->rev.reason);
	snprintf(c.why, sizeof(c.why), "%.159s", a->why != NULL ? a->why :
	    a->rev.why);
	return ep_revchecks_add(ep->ctx->revs, &c);
}

/* "the certificate" or "intermediate CN=...", of path depth d. */
static void
label(const struct endpoint *ep, size_t d, char *out, size_t outlen)
{
	if (d == 0)
		snprintf(out, outlen, "the certificate");
	else
		snprintf(out, outlen, "intermediate %.250s",
		    ep->trust->path[d]->subject);
}

/* "OCSP (stapled)", "the OCSP responder U", "the CRL at U", "file F". */
static void
source(const struct answer *a, char *out, size_t outlen)
{
	switch (a->method) {
	case EP_REVM_OCSP_STAPLED:
		snprintf(out, outlen, "the OCSP response the server staples");
		break;
	case EP_REVM_OCSP:
		snprintf(out, outlen, "the OCSP responder %.200s", a->url);
		break;
	case EP_REVM_CRL:
		snprintf(out, outlen, "the CRL at %.200s", a->url);
		break;
	case EP_REVM_OCSP_FILE:
		snprintf(out, outlen, "the OCSP response %.200s", a->url);
		break;
	default:
		snprintf(out, outlen, "the CRL %.200s", a->url);
		break;
	}
}

/* The findings an answer that arrived gives, and its outcome. */
static int
judge_answer(struct endpoint *ep, struct answer *a, int ocsp)
{
	char	msg[EP_FINDING_MSG_MAX * 2], which[280], from[240], when[32];

	label(ep, a->depth, which, sizeof(which));
	source(a, from, sizeof(from));
	switch (a->rev.status) {
	case EP_REV_GOOD:
		a->outcome = EP_REVO_GOOD;
		return 0;
	case EP_REV_REVOKED:
		a->outcome = EP_REVO_REVOKED;
		/* One finding a certificate: the first source says it. */
		if (*a->told)
			return 0;
		*a->told = 1;
		ep_time_iso(a->rev.revoked_at, when, sizeof(when));
		snprintf(msg, sizeof(msg), "%s was revoked on %s%s%s%s, says "
		    "%s", which, when, a->rev.reason[0] != '\0' ? " (" : "",
		    a->rev.reason, a->rev.reason[0] != '\0' ? ")" : "", from);
		return ep_rule_add(ep, EP_CHECK_REVOKED, NULL, msg);
	case EP_REV_UNKNOWN:
		a->outcome = EP_REVO_UNKNOWN;
		snprintf(msg, sizeof(msg), "%s does not know %s: clients that "
		    "require an answer refuse it", from, which);
		return ep_rule_add(ep, EP_CHECK_OCSP_RESPONSE_INVALID, NULL,
		    msg);
	default:
		a->outcome = EP_REVO_INVALID;
		snprintf(msg, sizeof(msg), "%s about %s cannot be used: %s",
		    from, which, a->rev.why);
		if (ocsp)
			return ep_rule_add(ep, EP_CHECK_OCSP_RESPONSE_INVALID,
			    NULL, msg);
		return ep_rule_add(ep, a->rev.stale ? EP_CHECK_CRL_STALE :
		    EP_CHECK_CRL_INVALID, NULL, msg);
	}
}

/* OCSP for the leaf: the staple, else the responders, and given files. */
static int
ocsp(struct endpoint *ep, const struct ep_cert *leaf,
    const struct ep_cert *issuer, int *told)
{
	const struct ep_observations	*o = ep->o;
	const struct ep_fetched		*f;
	struct answer			 a;
	char				 msg[EP_FINDING_MSG_MAX];
	size_t				 u, i;
	int				 stapled = 0, given = 0;

	if (ep->obs->staple > 0) {
		f = &o->fetched[ep->obs->staple - 1];
		memset(&a, 0, sizeof(a));
		a.told = told;
		a.method = EP_REVM_OCSP_STAPLED;
		if (f->ok)
			ep_ocsp_check(f->body, f->len, leaf, issuer,
			    ep->ctx->now, &a.rev);
		else {
			/* Not kept: too large (EP_PROBE_STAPLE_MAX). */
			a.rev.status = EP_REV_INVALID;
			snprintf(a.rev.why, sizeof(a.rev.why), "%s", f->why);
		}
		if (judge_answer(ep, &a, 1) == -1 || keep(ep, &a) == -1)
			return -1;
		stapled = a.outcome == EP_REVO_GOOD;
	}
	for (i = 0; i < o->nfetched; i++) {
		f = &o->fetched[i];
		if (f->kind != EP_FETCHED_OCSP || !f->given)
			continue;
		memset(&a, 0, sizeof(a));
		a.told = told;
		a.method = EP_REVM_OCSP_FILE;
		a.url = f->url;
		ep_ocsp_check(f->body, f->len, leaf, issuer, ep->ctx->now,
		    &a.rev);
		/* A file about another certificate is not this one's. */
		if (a.rev.status == EP_REV_INVALID &&
		    strstr(a.rev.why, "not about this") != NULL)
			continue;
		given = 1;
		if (judge_answer(ep, &a, 1) == -1 || keep(ep, &a) == -1)
			return -1;
	}
	/* A good staple is what clients use: no responder was asked. */
	if (stapled)
		return 0;
	for (u = 0; u < leaf->nocsp_urls; u++) {
		memset(&a, 0, sizeof(a));
		a.told = told;
		a.method = EP_REVM_OCSP;
		a.url = leaf->ocsp_urls[u];
		if (!http_url(a.url) || (f = ep_observations_fetched(o,
		    EP_FETCHED_OCSP, a.url, leaf)) == NULL) {
			/* A file given in its place answered already. */
			if (given)
				continue;
			a.outcome = EP_REVO_NOT_CHECKED;
			a.why = !http_url(a.url) ? "not an HTTP URL" :
			    o->no_fetch ? "fetching is off (--no-fetch)" :
			    "not fetched";
			if (keep(ep, &a) == -1)
				return -1;
			continue;
		}
		if (!f->ok && f->interrupted) {
			a.outcome = EP_REVO_NOT_CHECKED;
			a.why = f->why;
			snprintf(msg, sizeof(msg), "the run was interrupted before "
			    "the OCSP responder %.200s answered about the "
			    "certificate: whether it is revoked is unknown",
			    a.url);
			if (ep_rule_add(ep, EP_CHECK_INTERRUPTED, NULL,
			    msg) == -1 || keep(ep, &a) == -1)
				return -1;
			continue;
		}
		if (!f->ok) {
			a.outcome = EP_REVO_UNREACHABLE;
			a.why = f->why;
			snprintf(msg, sizeof(msg), "the OCSP responder %.200s "
			    "could not be asked about the certificate: %.150s",
			    a.url, f->why);
			if (ep_rule_add(ep, EP_CHECK_OCSP_UNREACHABLE, NULL,
			    msg) == -1 || keep(ep, &a) == -1)
				return -1;
			continue;
		}
		ep_ocsp_check(f->body, f->len, leaf, issuer, ep->ctx->now,
		    &a.rev);
		if (judge_answer(ep, &a, 1) == -1 || keep(ep, &a) == -1)
			return -1;
	}
	return 0;
}

/* The CRLs of path certificate d, from its URLs and given files. */
static int
crl(struct endpoint *ep, size_t d, const struct ep_cert *issuer, int *told)
{
	const struct ep_observations	*o = ep->o;
	const struct ep_cert		*c = ep->trust->path[d];
	const struct ep_fetched		*f;
	struct answer			 a;
	char				 msg[EP_FINDING_MSG_MAX * 2];
	char				 which[280];
	size_t				 u, i;
	int				 given = 0;

	for (i = 0; i < o->nfetched; i++) {
		f = &o->fetched[i];
		if (f->kind != EP_FETCHED_CRL || !f->given ||
		    !ep_crl_covers(f->body, f->len, c))
			continue;
		memset(&a, 0, sizeof(a));
		a.told = told;
		a.method = EP_REVM_CRL_FILE;
		a.url = f->url;
		a.depth = d;
		ep_crl_check(f->body, f->len, c, issuer, ep->ctx->now,
		    &a.rev);
		given = 1;
		if (judge_answer(ep, &a, 0) == -1 || keep(ep, &a) == -1)
			return -1;
	}
	for (u = 0; u < c->ncrl_urls; u++) {
		memset(&a, 0, sizeof(a));
		a.told = told;
		a.method = EP_REVM_CRL;
		a.url = c->crl_urls[u];
		a.depth = d;
		if (!http_url(a.url) || (f = ep_observations_fetched(o,
		    EP_FETCHED_CRL, a.url, NULL)) == NULL) {
			/* LDAP distribution points are common inside. */
			if (given)
				continue;
			a.outcome = EP_REVO_NOT_CHECKED;
			a.why = !http_url(a.url) ? "not an HTTP URL: not "
			    "fetched" : o->no_fetch ? "fetching is off "
			    "(--no-fetch)" : "not fetched";
			if (keep(ep, &a) == -1)
				return -1;
			continue;
		}
		if (!f->ok) {
			label(ep, d, which, sizeof(which));
			a.why = f->why;
			if (f->interrupted) {
				a.outcome = EP_REVO_NOT_CHECKED;
				snprintf(msg, sizeof(msg), "the run was "
				    "interrupted before the CRL of %s at %.200s "
				    "was fetched: whether it is revoked is "
				    "unknown", which, a.url);
				if (ep_rule_add(ep, EP_CHECK_INTERRUPTED, NULL,
				    msg) == -1 || keep(ep, &a) == -1)
					return -1;
				continue;
			}
			if (f->capped) {
				a.outcome = EP_REVO_INVALID;
				snprintf(msg, sizeof(msg), "the CRL at %.200s "
				    "for %s cannot be used: %.150s", a.url,
				    which, f->why);
				if (ep_rule_add(ep, EP_CHECK_CRL_INVALID, NULL,
				    msg) == -1 || keep(ep, &a) == -1)
					return -1;
				continue;
			}
			a.outcome = EP_REVO_UNREACHABLE;
			snprintf(msg, sizeof(msg), "the CRL of %s at %.200s "
			    "could not be fetched: %.150s%s", which, a.url,
			    f->why, ep->role->revocation_required ? "; clients "
			    "that must check revocation fail" : "");
			/* Clients that go on without it: worth knowing. */
			if (ep_rule_add_sev_cap(ep, EP_CHECK_CRL_UNREACHABLE,
			    NULL, msg, ep->role->revocation_required ?
			    EP_SEV_UNKNOWN : EP_SEV_INFO) == -1 ||
			    keep(ep, &a) == -1)
				return -1;
			continue;
		}
		ep_crl_check(f->body, f->len, c, issuer, ep->ctx->now,
		    &a.rev);
		if (judge_answer(ep, &a, 0) == -1 || keep(ep, &a) == -1)
			return -1;
	}
	return 0;
}

int
ep_rule_revocation(struct endpoint *ep)
{
	const struct ep_trust_result	*r = ep->trust;
	const struct ep_cert		*issuer;
	size_t				 d;
	int				 told;

	if (r == NULL)
		return 0;
	for (d = 0; d < r->npath; d++) {
		issuer = d + 1 < r->npath ? r->path[d + 1] : r->anchor;
		/* Without its issuer nothing about it can be verified. */
		if (issuer == NULL)
			break;
		told = 0;
		if (d == 0 && ocsp(ep, r->path[0], issuer, &told) == -1)
			return -1;
		if (crl(ep, d, issuer, &told) == -1)
			return -1;
	}
	return 0;
}

/*
 * RFC 7633: a certificate that demands a staple is refused by clients
 * that honour the extension (Firefox) when the server staples nothing.
 */
int
ep_rule_must_staple(struct endpoint *ep)
{
	if (ep->obs->kind != EP_OBS_LIVE || !ep->chain[0]->must_staple ||
	    ep->obs->staple > 0)
		return 0;
	return ep_rule_add(ep, EP_CHECK_MUST_STAPLE_MISSING, NULL, "the "
	    "certificate demands an OCSP staple (TLS feature status_request) "
	    "and the server staples none: clients that honour it refuse the "
	    "certificate");
}
