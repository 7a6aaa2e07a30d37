#ifndef EP_DISCOVER_H
#define EP_DISCOVER_H

#include <stddef.h>

#include "input/ep_plan.h"
#include "net/ep_lookups.h"
#include "net/ep_observe.h"

/*
 * SIP-domain discovery, inside the run: from a name the admin types
 * ("contoso.com", "sip.contoso.com") to the edge and reverse proxy
 * endpoints DNS publishes.  For each name of the plan to discover
 * (ep_plan_add_discovery), the name itself and its parent (when the
 * parent has two labels or more: "com" is no SIP domain) are candidates
 * for the SIP domain d, and every record of ep_disc_record() is looked up
 * for each, through the run's lookups.  Once a name's answers are all in,
 * d is the first candidate with a SIP SRV record; failing that, the first
 * where any of the host names resolves.  What d's records name goes into
 * the plan through ep_plan_add_found, and the caller is told which
 * targets to probe: one name's probes start while another's lookups are
 * still out.  What every lookup answered is kept in the observations
 * (obs->disc), for the rules to judge: discovery judges nothing.
 */

struct ep_discover;

/*
 * Called once per discovered name whose records named targets, with
 * their indexes in the plan (valid during the call).
 */
typedef void ep_discover_cb(void *arg, const size_t *targets, size_t n);

/*
 * Starts discovering every name of the plan's discoveries: asks lk for
 * their records and fills obs->disc (allocated here) as answers come.
 * Answers lk has already may call cb before this returns.  Returns 0, or
 * -1 with a reason in err (out of memory); *out may be set either way,
 * to be freed after lk.
 */
int ep_discover_start(struct ep_discover **out, struct ep_plan *plan,
    struct ep_lookups *lk, struct ep_observations *obs, ep_discover_cb *cb,
    void *arg, char *err, size_t errlen);

/*
 * Returns 1 once every name was answered (and its targets told), so that
 * no target gains ports any more; also for d NULL.
 */
int ep_discover_done(const struct ep_discover *d);

/*
 * Returns 1 and the reason in err when something went wrong while
 * answers came in (out of memory, a plan limit), 0 otherwise.
 */
int ep_discover_failed(const struct ep_discover *d, char *err, size_t errlen);

/*
 * Frees the discovery; d may be NULL.  The lookups it asked for must be
 * freed first or answered: no callback may reach a freed discovery.
 */
void ep_discover_free(struct ep_discover *d);

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
