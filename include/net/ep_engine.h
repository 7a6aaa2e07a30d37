#ifndef EP_ENGINE_H
#define EP_ENGINE_H

#include <signal.h>
#include <stddef.h>

#include "input/ep_plan.h"
#include "net/ep_observe.h"
#include "net/ep_resolve.h"
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
 *
 * When *stop is set (by a signal handler: its wait then ends with EINTR,
 * and the loop looks at *stop every turn), the run gives up the same
 * way: no probe, lookup or fetch starts any more, every probe not
 * finished (queued ones too) and every name not resolved ends as
 * EP_OBS_INTERRUPTED, discovery's lookups as EP_DNS_INTERRUPTED, fetches
 * not done with interrupted set, their sockets closed; what was observed
 * is kept.
 */

#define EP_ENGINE_INFLIGHT_DEFAULT	1024	/* max_inflight 0: at most this */
#define EP_ENGINE_INFLIGHT_MAX		65536	/* max_inflight at most (-j) */
/*
 * Descriptors kept from the open-file limit for c-ares, stdio, the poller
 * and the files libraries open: probes get the rest.
 */
#define EP_ENGINE_FD_RESERVE		(EP_RESOLVE_SOCKS_MAX + 32)
/*
 * Endpoints (observations) of one run.  What the plan names makes at
 * least one per port of each target, or of each of its members: a plan
 * that makes more is refused.  What DNS adds past it (addresses,
 * discovered names) is left out and counted.
 */
#define EP_ENDPOINTS_MAX		(256 * 1024)

/*
 * per_address 0: at most this many probes in flight to one address.  A
 * thousand names on one reverse proxy would otherwise be a thousand
 * handshakes at once from one client, which looks like a flood to the
 * server's and its firewall's defences (per-source connection limits,
 * SYN flood protection) and queues on its cores, while 32 still keep a
 * server 50 ms away busy with a few hundred handshakes a second.
 */
#define EP_ENGINE_PER_ADDRESS_DEFAULT	32
#define EP_ENGINE_PER_ADDRESS_MAX	EP_ENGINE_INFLIGHT_MAX	/* --per-address */
#define EP_ENGINE_RATE_MAX		1000000	/* --rate: a handshake a
						   microsecond is no limit */

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
	unsigned	 max_inflight;	/* probes at once, at most
					   EP_ENGINE_INFLIGHT_MAX; 0: chosen,
					   see below */
	size_t		 max_endpoints;	/* 0: EP_ENDPOINTS_MAX; tests set
					   less */
	unsigned	 per_address;	/* probes at once to one address (IP,
					   whatever the port), at most
					   EP_ENGINE_PER_ADDRESS_MAX; 0:
					   EP_ENGINE_PER_ADDRESS_DEFAULT */
	unsigned	 rate;		/* new probes a second to one address,
					   at most EP_ENGINE_RATE_MAX, a token
					   bucket holding a tenth of a
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
	/*
	 * A run that streams: NULL, or called during the run once per
	 * target whose observations are all in (probes done, fetches
	 * ended, no port to come from discovery), with their indexes in
	 * out, n of them.  The callee judges and reports them, then
	 * retires them (ep_observations_retire); on return the run goes
	 * on.  Targets are numbered as the plan is before it is settled.
	 * With it, out holds no observation when the run returns.
	 */
	void		(*group_done)(void *arg, struct ep_observations *out,
			    size_t target, const size_t *idx, size_t n);
	void		*group_arg;
	/*
	 * NULL, or a flag a signal handler sets to the signal's number:
	 * nonzero, the run stops (see above) and out->interrupted says
	 * which signal it was.  The caller blocks the signal for the run
	 * and gives in wait_mask the mask without it: the loop's wait alone
	 * takes it (ep_poller_pwait), so that one that comes after the flag
	 * was looked at ends the wait rather than waiting for it.
	 */
	const volatile sig_atomic_t	*stop;
	const sigset_t	*wait_mask;	/* NULL: the mask as it is */
};

/*
 * What a run refuses before it starts, past the limits: a plan that makes
 * more than max_endpoints (EP_ENDPOINTS_MAX) endpoints before any DNS
 * answer adds to it, and a max_inflight above EP_ENGINE_INFLIGHT_MAX or
 * above what the hard open-file limit holds besides
 * EP_ENGINE_FD_RESERVE.  Returns 0, or -1 with a one-line reason in err.
 */
int ep_engine_check(const struct ep_plan *plan,
    const struct ep_engine_opts *opts, char *err, size_t errlen);

/*
 * Runs the plan and fills out (initialized by the caller) with one
 * observation per (target, address, port), or one per (target, port)
 * with EP_OBS_NO_ADDRESS, sorted, and with what discovery saw.  Network
 * failures are observations, not errors.  Discovery adds to the plan
 * through its door; the plan is settled (ep_plan_settle) before this
 * returns.  Endpoints past max_endpoints are not probed: out counts them
 * (endpoints_left_out).
 *
 * Each probe holds a descriptor.  The soft RLIMIT_NOFILE is raised for
 * the run (up to the hard limit) to fit max_inflight probes, or
 * EP_ENGINE_INFLIGHT_DEFAULT when max_inflight is 0, plus
 * EP_ENGINE_FD_RESERVE for c-ares, stdio and the poller; with
 * max_inflight 0, fewer run at once when the limit does not stretch that
 * far.  It is put back on return.
 *
 * Returns 0, or -1 with a reason in err on what ep_engine_check refuses,
 * a failure of this host (out of memory, out of descriptors with no
 * probe running, a TLS session that cannot be set up), or a bad priority
 * string.
 */
int ep_engine_run(struct ep_plan *plan, const struct ep_engine_opts *opts,
    struct ep_observations *out, char *err, size_t errlen);

#endif /* EP_ENGINE_H */
