/*
 * What edgeprobe left unjudged for its own limits (edgeprobe(1), LIMITS):
 * never silently.  A server's chain longer than EP_CHAIN_MAX, or with a
 * certificate larger than EP_CERT_DER_MAX (chain-over-limit), and a
 * certificate with more SANs than EP_CERT_SAN_MAX (san-over-limit).
 * What DNS answered past its limits is in rules_dns.c.
 */

#include <stdio.h>

#include "judge/rules_impl.h"

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
ep_rule_san_limit(struct endpoint *ep)
{
	const struct ep_cert	*leaf = ep->chain[0];
	char			 msg[EP_FINDING_MSG_MAX];

	if (leaf->sans_total <= leaf->nsans)
		return 0;
	snprintf(msg, sizeof(msg), "the certificate lists %zu DNS names and "
	    "IP addresses in its subject alternative names; edgeprobe reads "
	    "the first %d, so a name it reports missing may be among the "
	    "others", leaf->sans_total, EP_CERT_SAN_MAX);
	return ep_rule_add(ep, EP_CHECK_SAN_OVER_LIMIT, NULL, msg);
}
