/*
 * Rules of the connection: whether the endpoint could be reached and
 * handshaked with (dns-no-address, dns-lookup-failed, connect-failed,
 * timeout, handshake-failed, interrupted: the run was stopped first), and
 * the TLS version it speaks (tls-legacy-version).
 */

#include <stdio.h>

#include <gnutls/gnutls.h>

#include "judge/rules_impl.h"

int
ep_rule_reach(struct endpoint *ep)
{
	static const enum ep_check	by_status[] = {
		[EP_OBS_NO_ADDRESS] = EP_CHECK_DNS_NO_ADDRESS,
		[EP_OBS_CONNECT_FAILED] = EP_CHECK_CONNECT_FAILED,
		[EP_OBS_TIMEOUT] = EP_CHECK_TIMEOUT,
		[EP_OBS_HANDSHAKE_FAILED] = EP_CHECK_HANDSHAKE_FAILED,
		[EP_OBS_INTERRUPTED] = EP_CHECK_INTERRUPTED,
	};
	static const char		*what[] = {
		[EP_OBS_NO_ADDRESS] = "does not resolve",
		[EP_OBS_CONNECT_FAILED] = "takes no connection",
		[EP_OBS_TIMEOUT] = "timed out",
		[EP_OBS_HANDSHAKE_FAILED] = "failed the TLS handshake",
		[EP_OBS_INTERRUPTED] = "was not checked to the end",
	};
	const struct ep_obs	*obs = ep->obs;
	char			 msg[EP_FINDING_MSG_MAX];

	if (obs->status == EP_OBS_OK)
		return 0;
	/*
	 * A resolver that did not answer says nothing of the name: that is
	 * the monitoring host's fault, not the deployment's.
	 */
	if (obs->status == EP_OBS_NO_ADDRESS &&
	    (obs->dns == EP_DNS_FAILED || obs->dns == EP_DNS_LATE)) {
		snprintf(msg, sizeof(msg), "the lookup of %s could not be "
		    "made: %.300s", ep->target->name, obs->error);
		return ep_rule_add(ep, EP_CHECK_DNS_LOOKUP_FAILED, NULL, msg);
	}
	snprintf(msg, sizeof(msg), "%s %s: %.300s", ep->target->name,
	    what[obs->status], obs->error);
	return ep_rule_add(ep, by_status[obs->status], NULL, msg);
}

/*
 * The probe offers every version its priority string allows, so the
 * version agreed on is the best one the server accepts.
 */
int
ep_rule_tls_version(struct endpoint *ep)
{
	const char	*got, *want;
	char		 msg[EP_FINDING_MSG_MAX];
	int		 min = ep->profile->min_tls;

	if (min == 0 || ep->obs->tls_proto == 0 || ep->obs->tls_proto >= min)
		return 0;
	got = gnutls_protocol_get_name((gnutls_protocol_t)ep->obs->tls_proto);
	want = gnutls_protocol_get_name((gnutls_protocol_t)min);
	snprintf(msg, sizeof(msg), "the server negotiated %s, the best version "
	    "it accepts of those offered; %s or later is needed",
	    got != NULL ? got : "an old version",
	    want != NULL ? want : "a newer one");
	return ep_rule_add(ep, EP_CHECK_TLS_LEGACY_VERSION, NULL, msg);
}
