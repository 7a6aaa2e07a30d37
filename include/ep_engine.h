#ifndef EP_ENGINE_H
#define EP_ENGINE_H

#include <stddef.h>

#include "ep_observe.h"
#include "ep_plan.h"

/*
 * The run: resolves every name of the plan and probes every address on
 * every port of its role, all in one poll loop.  A handshake starts as
 * soon as its address is known.
 */

struct ep_engine_opts {
	const char	*dns_servers;	/* NULL: the system's; see ep_resolver_new */
	int		 family;	/* AF_UNSPEC, AF_INET or AF_INET6 */
	unsigned	 timeout_ms;	/* per probe: connect + handshake */
	unsigned	 dns_timeout_ms;	/* per DNS query try */
	unsigned	 max_inflight;	/* probes at once */
	const char	*priority;	/* GnuTLS priority string */
};

/*
 * Runs the plan and fills out (initialized by the caller) with one
 * observation per (target, address, port), or one per (target, port)
 * with EP_OBS_NO_ADDRESS, sorted.  Network failures are observations,
 * not errors.  Returns 0, or -1 with a reason in err on an internal
 * error.
 */
int ep_engine_run(const struct ep_plan *plan, const struct ep_engine_opts *opts,
    struct ep_observations *out, char *err, size_t errlen);

#endif /* EP_ENGINE_H */
