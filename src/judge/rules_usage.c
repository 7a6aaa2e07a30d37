/*
 * Rules of what the leaf may be used for: Server Authentication
 * (eku-server-auth-missing), Client Authentication on the federation
 * port (eku-client-auth-missing), and where its revocation is published
 * (crl-dp-missing).
 */

#include <stdio.h>

#include "judge/rules_impl.h"

int
ep_rule_eku(struct endpoint *ep)
{
	const struct ep_cert	*leaf = ep->chain[0];

	char			 msg[EP_FINDING_MSG_MAX];

	if (leaf->eku_server)
		return 0;
	if (leaf->has_eku)
		return ep_rule_add(ep, EP_CHECK_EKU_SERVER_AUTH_MISSING, NULL,
		    "the certificate's extended key usage lacks Server "
		    "Authentication: TLS clients refuse it for a server");
	/* RFC 5280 reads no EKU as any purpose; a profile may ask more. */
	if (!ep->role->server_auth_required)
		return 0;
	snprintf(msg, sizeof(msg), "the certificate has no extended key usage "
	    "extension, and profile %s requires Server Authentication in it "
	    "(RFC 5280 and Windows read a missing extension as any purpose)",
	    ep->profile->name);
	return ep_rule_add(ep, EP_CHECK_EKU_SERVER_AUTH_MISSING, NULL, msg);
}

/* The ports this observation stands for: one live, all of them offline. */
static unsigned
port_flags(const struct endpoint *ep)
{
	const struct ep_port	*ports;
	unsigned		 flags = ep->obs->port_flags;
	size_t			 i, n;

	if (ep->obs->kind == EP_OBS_LIVE)
		return flags;
	n = ep_plan_ports(ep->ctx->plan, ep->obs->target, &ports);
	for (i = 0; i < n; i++)
		flags |= ports[i].flags;
	return flags;
}

/*
 * Federation is mutual TLS: on the federation port the edge is a TLS
 * client of its partners too, with the same certificate.  Without an EKU
 * extension every purpose is allowed, and eku-server-auth-missing asks
 * for a reissue anyway.
 */
int
ep_rule_eku_client(struct endpoint *ep)
{
	const struct ep_cert	*leaf = ep->chain[0];

	if (!(port_flags(ep) & EP_PORT_FEDERATION) || !leaf->has_eku ||
	    leaf->eku_client)
		return 0;
	return ep_rule_add(ep, EP_CHECK_EKU_CLIENT_AUTH_MISSING, NULL,
	    "the certificate lacks Client Authentication in its extended key "
	    "usage: federation is mutual TLS and the edge is also a TLS "
	    "client. Public CAs are removing clientAuth from server "
	    "certificates (Let's Encrypt's default profile since 2026-02-11; "
	    "Chrome Root Program policy 1.8 requires serverAuth-only "
	    "hierarchies by 2027-03-15), so a renewal can drop it silently");
}

int
ep_rule_crl_dp(struct endpoint *ep)
{
	if (ep->chain[0]->has_crl_dp)
		return 0;
	return ep_rule_add(ep, EP_CHECK_CRL_DP_MISSING, NULL, "the certificate has no "
	    "CRL distribution point, so clients that check revocation cannot");
}
