#ifndef EP_ENGINE_H
#define EP_ENGINE_H

#include <stddef.h>

#include "input/ep_plan.h"
#include "net/ep_observe.h"
#include "x509/ep_trust.h"

/*
 * The run: discovers the plan's SIP domains (ep_discover.h), resolves
 * every name and probes every address on every port of its role, all in
 * one event loop on one thread (epoll on Linux, poll() elsewhere).  A
 * target with explicit members is probed at those, and one named by an
 * IP address at that address, without DNS.  Each name is looked up once
 * (ep_lookups.h), as many at a time as the DNS servers answer.  A handshake starts as
 * soon as its address is known, fewer than max_inflight are running, and
 * fewer than per_address at that address (and, with rate, that address
 * has a token): a discovered name's probes do not wait for another
 * name's discovery, nor an address's for another address at its limit.
 * An address that does not answer costs one deadline: nothing is retried.
 *
 * Deadlines, on the monotonic clock: a probe gets connect_timeout_ms for
 * the TCP connect, then handshake_timeout_ms for the TLS handshake, and
 * timeout_ms for both together; it ends as EP_OBS_TIMEOUT at whichever
 * comes first.  When run_timeout_ms passes, every probe not finished ends
 * as EP_OBS_TIMEOUT (queued ones too) and every name not resolved as
 * EP_OBS_NO_ADDRESS, each saying so ("the run deadline passed ...").
 */

#define EP_ENGINE_INFLIGHT_DEFAULT	1024	/* max_inflight 0: at most this */

/*
 * per_address 0: at most this many probes in flight to one address.  A
 * thousand names on one reverse proxy would otherwise be a thousand
 * handshakes at once from one client, which looks like a flood to the
 * server's and its firewall's defences (per-source connection limits,
 * SYN flood protection) and queues on its cores, while 32 still keep a
 * server 50 ms away busy with a few hundred handshakes a second.
 */
#define EP_ENGINE_PER_ADDRESS_DEFAULT	32

/*
 * GnuTLS's NORMAL with X25519 the first group: a probe sends one key
 * share, for the first group, and X25519's costs the least to make and
 * to use.
 */
#define EP_ENGINE_PRIORITY_DEFAULT	"NORMAL:-GROUP-ALL:+GROUP-X25519:" \
	"+GROUP-SECP256R1:+GROUP-SECP384R1:+GROUP-SECP521R1:+GROUP-X448:" \
	"+GROUP-FFDHE2048:+GROUP-FFDHE3072:+GROUP-FFDHE4096:" \
	"+GROUP-FFDHE6144:+GROUP-FFDHE8192"

/*
 * How far a run has come, for a progress line.  Endpoints known so far:
 * done + running + queued; discovery and lookups may add more.
 */
struct ep_progress {
	size_t		 done;		/* observations made */
	size_t		 running;	/* handshakes in flight */
	size_t		 queued;	/* addresses waiting for a slot */
	size_t		 lookups;	/* DNS questions not answered yet */
	unsigned	 elapsed_ms;	/* since the engine started */
	int		 last;		/* the run is over: nothing follows */
};

#define EP_ENGINE_PROGRESS_MS	250	/* between two progress calls */

struct ep_engine_opts {
	const char	*dns_servers;	/* NULL: the system's; see ep_resolver_new */
	int		 family;	/* AF_UNSPEC, AF_INET or AF_INET6; explicit
					   members of another family are skipped */
	unsigned	 timeout_ms;	/* per probe: connect + handshake; > 0 */
	unsigned	 connect_timeout_ms;	/* 0: half of timeout_ms */
	unsigned	 handshake_timeout_ms;	/* from the connect; 0: timeout_ms */
	unsigned	 run_timeout_ms;	/* the whole run; 0: none */
	unsigned	 dns_timeout_ms;	/* per DNS question, its tries
					   together (ep_lookups.h) */
	unsigned	 max_inflight;	/* probes at once; 0: chosen, see below */
	unsigned	 per_address;	/* probes at once to one address (IP,
					   whatever the port); 0:
					   EP_ENGINE_PER_ADDRESS_DEFAULT */
	unsigned	 rate;		/* new probes a second to one address,
					   a token bucket holding a tenth of a
					   second's worth (at least one); 0:
					   no limit */
	const char	*priority;	/* GnuTLS priority string; NULL: GnuTLS's
					   default.  A probe sends one TLS 1.3
					   key share, for its first group */
	int		 full_handshake;	/* 1: complete every handshake; 0: stop
					   once the chain is in hand (ep_probe.h) */
	void		(*progress)(const struct ep_progress *, void *);
					/* NULL, or called every
					   EP_ENGINE_PROGRESS_MS while the run
					   lasts, and once with last set */
	void		*progress_arg;
	/*
	 * Revocation and issuers over HTTP (ep_revfetch.h), once a chain
	 * is in: when trust is not NULL and no_fetch is 0.
	 */
	const struct ep_trust	*trust;
	int		 no_fetch;
	unsigned	 fetch_timeout_ms;	/* per fetch; 0: the default */
	const char	*user_agent;	/* of the fetches */
};

/*
 * Runs the plan and fills out (initialized by the caller) with one
 * observation per (target, address, port), or one per (target, port)
 * with EP_OBS_NO_ADDRESS, sorted, and with what discovery saw.  Network
 * failures are observations, not errors.  Discovery adds to the plan
 * through its door; the plan is settled (ep_plan_settle) before this
 * returns.
 *
 * Each probe holds a descriptor.  The soft RLIMIT_NOFILE is raised for
 * the run (up to the hard limit) to fit max_inflight probes, or
 * EP_ENGINE_INFLIGHT_DEFAULT when max_inflight is 0, plus a reserve for
 * c-ares, stdio and the poller; fewer run at once when the limit does not
 * stretch that far.  It is put back on return.
 *
 * Returns 0, or -1 with a reason in err on a failure of this host (out
 * of memory, out of descriptors with no probe running, a TLS session
 * that cannot be set up), a plan limit, or a bad priority string.
 */
int ep_engine_run(struct ep_plan *plan, const struct ep_engine_opts *opts,
    struct ep_observations *out, char *err, size_t errlen);

#endif /* EP_ENGINE_H */
