#ifndef EP_DISCOVER_H
#define EP_DISCOVER_H

#include <stddef.h>

#include "ep_finding.h"
#include "ep_plan.h"

/*
 * SIP-domain discovery: from a name the admin types ("contoso.com",
 * "sip.contoso.com") to the edge and reverse proxy endpoints DNS
 * publishes.  The SIP domain d is the name itself, or its parent when the
 * name has no SIP SRV record.  Then:
 *   _sip._tls.d SRV               -> access edge, the SRV's port (sign-in)
 *   _sipfederationtls._tcp.d SRV  -> access edge, the SRV's port, federation
 *   sip.d A/AAAA                  -> access edge, the role's ports
 *   lyncdiscover.d, meet.d, dialin.d A/AAAA -> reverse proxy, where they resolve
 * Every lookup is in flight at once, on the same resolver as the probes.
 */

struct ep_discover_opts {
	const char	*dns_servers;	/* NULL: the system's; see ep_resolver_new */
	int		 family;	/* AF_UNSPEC, AF_INET or AF_INET6 */
	unsigned	 timeout_ms;	/* per DNS query try */
};

/*
 * Discovers each of the n names and adds to plan the SIP domains and the
 * targets found, each with a source naming the record it came from
 * ("_sip._tls.contoso.com SRV").  Adds deployment-level findings
 * (EP_FINDING_NO_OBS) to findings: dns-srv-missing for a SIP SRV record
 * that does not exist, srv-target-outside-domain for an SRV target
 * outside the SIP domain, and dns-srv-missing naming the domain when
 * nothing at all was found for a name.  Returns 0, or -1 with a reason
 * in err (bad DNS servers, out of memory).
 */
int ep_discover(struct ep_plan *plan, const char *const *names, size_t n,
    const struct ep_discover_opts *opts, struct ep_findings *findings,
    char *err, size_t errlen);

#endif /* EP_DISCOVER_H */
