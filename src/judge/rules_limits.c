/*
 * What edgeprobe left unjudged for its own limits (edgeprobe(1), LIMITS):
 * never silently.  A server's chain longer than EP_CHAIN_MAX, or with a
 * certificate larger than EP_CERT_DER_MAX (chain-over-limit), and a
 * certificate with more SANs than EP_CERT_SAN_MAX, or URLs past
 * EP_CERT_URLS_MAX or EP_CERT_URL_MAX (cert-over-limit).  A
 * name with more addresses than EP_RESOLVE_ADDRS_MAX (dns-over-limit);
 * discovery's SRV records past EP_SRV_MAX are rules_dns.c's.  A run
 * whose names and answers make more endpoints than EP_ENDPOINTS_MAX
 * (endpoints-over-limit).
 */

#include <stdio.h>

#include "judge/rules_impl.h"
#include "net/ep_resolve.h"

int
ep_rule_chain_limit(struct endpoint *ep)
{
	const struct ep_obs	*obs = ep->obs;
	char			 msg[EP_FINDING_MSG_MAX];
	size_t			 i;

	if (obs->status != EP_OBS_OK)
		return 0;
	if (obs->chain_sent > obs->chain_len) {
		snprintf(msg, sizeof(msg), "the server sent %zu certificates; "
		    "edgeprobe keeps the first %d and judged those alone, so "
		    "what it says of the path may be wrong; GnuTLS clients "
		    "refuse a chain of more than 16", obs->chain_sent,
		    EP_CHAIN_MAX);
		if (ep_rule_add(ep, EP_CHECK_CHAIN_OVER_LIMIT, NULL, msg) == -1)
			return -1;
	}
	for (i = 0; i < obs->chain_len && i < EP_CHAIN_MAX; i++) {
		const struct ep_cert	*c = ep_certs_get(ep->o->certs,
					    obs->chain[i]);

		if (!c->over_limit)
			continue;
		snprintf(msg, sizeof(msg), "certificate %zu %s sent is %zu "
		    "bytes, over edgeprobe's limit of %d: it was not parsed, "
		    "and nothing that needs it was judged%s", i + 1,
		    ep_rule_holder(ep), c->der_len, EP_CERT_DER_MAX,
		    i == obs->leaf ? " (it is the leaf)" : "");
		if (ep_rule_add(ep, EP_CHECK_CHAIN_OVER_LIMIT, NULL, msg) == -1)
			return -1;
	}
	return 0;
}

int
ep_rule_cert_limit(struct endpoint *ep)
{
	char	msg[EP_FINDING_MSG_MAX], which[EP_RULE_WHICH_MAX];
	size_t	i;

	for (i = 0; i < ep->n; i++) {
		const struct ep_cert	*c = ep->chain[i];

		ep_rule_cert_label(ep, i, which, sizeof(which));
		if (c->sans_total > c->nsans) {
			snprintf(msg, sizeof(msg), "%.300s lists %zu DNS names and "
			    "IP addresses in its subject alternative names; "
			    "edgeprobe reads the first %d, so a name it reports "
			    "missing may be among the others", which,
			    c->sans_total, EP_CERT_SAN_MAX);
			if (ep_rule_add(ep, EP_CHECK_CERT_OVER_LIMIT, NULL,
			    msg) == -1)
				return -1;
		}
		if (c->urls_left_out > 0) {
			snprintf(msg, sizeof(msg), "%.200s lists %zu CRL, OCSP or "
			    "issuer URLs past the first %d of a kind, or of %d "
			    "bytes or more, which edgeprobe does not fetch: "
			    "revocation and a missing issuer were judged "
			    "without them", which, c->urls_left_out,
			    EP_CERT_URLS_MAX, EP_CERT_URL_MAX);
			if (ep_rule_add(ep, EP_CHECK_CERT_OVER_LIMIT, NULL,
			    msg) == -1)
				return -1;
		}
	}
	return 0;
}

int
ep_rule_addr_limit(const struct ep_rules_ctx *ctx,
    const struct ep_observations *o, size_t first, size_t last,
    struct ep_findings *out)
{
	const struct ep_target	*t;
	char			 msg[EP_FINDING_MSG_MAX];
	size_t			 i, total = 0;

	for (i = first; i < last; i++)
		if (o->v[i].dns_total > total)
			total = o->v[i].dns_total;
	if (total <= EP_RESOLVE_ADDRS_MAX)
		return 0;
	t = ep_plan_target(ctx->plan, o->v[first].target);
	snprintf(msg, sizeof(msg), "%.253s has %zu addresses in DNS; edgeprobe "
	    "probes the lowest %d (IPv4 first) and judged those alone",
	    t->name, total, EP_RESOLVE_ADDRS_MAX);
	return ep_rule_add_deployment(ctx, out, EP_CHECK_DNS_OVER_LIMIT,
	    t->group, t->name, msg, EP_SEV_OK);
}

int
ep_rule_run_limit(const struct ep_rules_ctx *ctx,
    const struct ep_observations *o, struct ep_findings *out)
{
	char	msg[EP_FINDING_MSG_MAX];

	if (o->endpoints_left_out == 0)
		return 0;
	snprintf(msg, sizeof(msg), "what DNS answered for the names given "
	    "makes %zu endpoints more than a run probes (%zu): those were not "
	    "probed", o->endpoints_left_out, o->n);
	return ep_rule_add_deployment(ctx, out, EP_CHECK_ENDPOINTS_OVER_LIMIT,
	    EP_FINDING_NO_GROUP, NULL, msg, EP_SEV_OK);
}
