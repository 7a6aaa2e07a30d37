/*
 * Rules of trust: whether the chain reaches an anchor the role accepts
 * (chain-untrusted, chain-incomplete, self-signed,
 * internal-ca-on-external).  x509/trust.c does the verifying.
 */

#include <stdio.h>
#include <string.h>

#include "judge/rules_impl.h"

int
ep_rule_trust(struct endpoint *ep)
{
	struct ep_trust_result	r;
	char			msg[EP_FINDING_MSG_MAX];
	int			internal_ok;

	internal_ok = ep->role->trust == EP_TRUST_INTERNAL_OR_PUBLIC;
	if (ep->memo->n == ep->n && ep->memo->internal_ok == internal_ok &&
	    memcmp(ep->memo->chain, ep->chain, ep->n * sizeof(ep->chain[0])) == 0)
		r = ep->memo->r;
	else {
		if (ep_trust_verify(ep->ctx->trust, ep->chain, ep->n,
		    internal_ok, &r) == -1)
			return -1;
		memcpy(ep->memo->chain, ep->chain, ep->n * sizeof(ep->chain[0]));
		ep->memo->n = ep->n;
		ep->memo->internal_ok = internal_ok;
		ep->memo->r = r;
	}
	if (r.trusted && !r.incomplete)
		return 0;
	/* Trusted, but by the wrong kind of CA: say so rather than "untrusted". */
	if (r.anchor_internal && !internal_ok) {
		snprintf(msg, sizeof(msg), "the chain ends at an internal CA "
		    "(%.300s); external clients and federation partners do not "
		    "trust it", ep->chain[ep->n - 1]->issuer);
		return ep_rule_add(ep, EP_CHECK_INTERNAL_CA_ON_EXTERNAL, NULL, msg);
	}
	if (r.self_signed) {
		snprintf(msg, sizeof(msg), "the certificate is self-signed "
		    "(%.300s): no client trusts it", ep->chain[0]->subject);
		return ep_rule_add(ep, EP_CHECK_SELF_SIGNED, NULL, msg);
	}
	if (r.incomplete) {
		snprintf(msg, sizeof(msg), "the server does not send the "
		    "intermediate certificate %.300s; clients that cannot fetch it "
		    "fail%s", r.missing, r.completed ? "" : " (edgeprobe does "
		    "not have it either, so it cannot tell whether the chain "
		    "leads to a trusted root)");
		if (ep_rule_add(ep, EP_CHECK_CHAIN_INCOMPLETE, NULL, msg) == -1)
			return -1;
		if (r.trusted || !r.completed)
			return 0;
	}
	snprintf(msg, sizeof(msg), "the chain is not trusted: %.400s",
	    r.reason);
	return ep_rule_add(ep, EP_CHECK_CHAIN_UNTRUSTED, NULL, msg);
}
