#ifndef EP_DISCOVER_H
#define EP_DISCOVER_H

#include <stddef.h>
#include <stdint.h>

#include "judge/ep_finding.h"
#include "input/ep_plan.h"

/*
 * SIP-domain discovery: from a name the admin types ("contoso.com",
 * "sip.contoso.com") to the edge and reverse proxy endpoints DNS
 * publishes.  For each name, the name itself and its parent (when the
 * parent has two labels or more: "com" is no SIP domain) are candidates
 * for the SIP domain d.  d is the first candidate with a SIP SRV record;
 * failing that, the first where any of the names below resolves.  Then:
 *   _sip._tls.d SRV               -> access edge, the SRV's port (sign-in)
 *   _sipfederationtls._tcp.d SRV  -> access edge, the SRV's port, federation
 *   sip.d A/AAAA                  -> access edge, the role's ports
 *   lyncdiscover.d, meet.d, dialin.d A/AAAA -> reverse proxy, published
 *				     names, where they resolve
 * A target found by several records is probed on all their ports.
 * Every lookup of every candidate of every name is in flight at once,
 * with the DNS servers the probes use.  The web conferencing edge is not
 * in DNS: discovery never finds one.  Lookups still out when the deadline
 * passes count as failed ("the run deadline passed before the answer").
 */

#define EP_DISCOVER_NAMES_MAX	4096	/* names discovered in one run */

struct ep_discover_opts {
	const char	*dns_servers;	/* NULL: the system's; see ep_resolver_new */
	int		 family;	/* AF_UNSPEC, AF_INET or AF_INET6 */
	unsigned	 timeout_ms;	/* per DNS query try */
	int64_t		 deadline_ms;	/* on ep_time_mono_ms's clock; 0: none */
};

/*
 * Discovers each of the n names and adds to plan the SIP domains and the
 * targets found, each with a source naming the record it came from
 * ("_sip._tls.contoso.com SRV").  Adds deployment-level findings
 * (EP_FINDING_NO_OBS) to findings, named after the record or name they
 * concern, with the severity plan->profile gives their check (none when
 * the profile turns the check off): dns-srv-missing for a SIP SRV record
 * of d that does not exist (or could not be looked up),
 * srv-target-outside-domain for an SRV target outside d, and, critical,
 * dns-srv-missing naming the name when nothing at all was found for it.
 * Returns 0, or -1 with a reason in err (a name that is no host name,
 * more than EP_DISCOVER_NAMES_MAX names, bad DNS servers, out of memory).
 */
int ep_discover(struct ep_plan *plan, const char *const *names, size_t n,
    const struct ep_discover_opts *opts, struct ep_findings *findings,
    char *err, size_t errlen);

/*
 * Writes to out (outlen bytes) the parent of the host name name,
 * normalized (lowercase, no trailing dot): "contoso.com" for
 * "sip.contoso.com".  Returns 0, or -1 when name is no valid host name or
 * its parent would have fewer than two labels.
 */
int ep_discover_parent(const char *name, char *out, size_t outlen);

/*
 * Returns 1 when name is domain or a name under it ("sip.eu.contoso.com"
 * under "contoso.com", not "badcontoso.com"), ignoring case and one
 * trailing dot on either; 0 otherwise.
 */
int ep_discover_in_domain(const char *name, const char *domain);

#endif /* EP_DISCOVER_H */
