#ifndef EP_REVFETCH_H
#define EP_REVFETCH_H

#include <stddef.h>

#include "net/ep_lookups.h"
#include "net/ep_observe.h"
#include "net/ep_poller.h"
#include "x509/ep_trust.h"

/*
 * What the chains of a run ask to be fetched, and the fetching of it, in
 * the engine's loop: the leaf's OCSP answer (when the server stapled
 * none), every CRL of the leaf and of its issuers, and the issuer a
 * server did not send, from the AIA caIssuers URL of the certificate it
 * issued (and then that issuer's own needs).  Each URL (an OCSP request:
 * each URL and certificate) is fetched once a run, however many
 * endpoints need it; what came back, or why nothing did, is recorded in
 * the observations (ep_observations_add_fetched), certificates from an
 * AIA URL in their store.  Host names in URLs are looked up with the
 * run's lookups (the user's --dns); libcurl connects to what they give.
 */

struct ep_revfetch;

/*
 * Observation i waits for no fetch any more: what it needed is in the
 * observations, or will never be.
 */
typedef void ep_revfetch_done_cb(void *arg, size_t i);

struct ep_revfetch_opts {
	const char	*user_agent;	/* NULL: "edgeprobe" */
	unsigned	 deadline_ms;	/* per fetch, DNS included; 0: the
					   fetcher's default */
	size_t		 max_concurrent;	/* 0: the fetcher's default */
	ep_revfetch_done_cb	*done;	/* NULL, or told of each observation
					   given to ep_revfetch_obs once it
					   waits for nothing: from that call
					   or from the loop's */
	void		*done_arg;
};

/*
 * Makes the fetching of a run: its sockets go to poller, its host names
 * to lk, what it finds to out, issuers it looks for among trust's.
 * Returns 0, or -1 with a reason in err.
 */
int ep_revfetch_new(struct ep_revfetch **rf, struct ep_poller *poller,
    struct ep_lookups *lk, const struct ep_trust *trust,
    struct ep_observations *out, const struct ep_revfetch_opts *opts,
    char *err, size_t errlen);

/*
 * Frees it; fetches not done are recorded as not done ("the run ended
 * first").  rf may be NULL.
 */
void ep_revfetch_free(struct ep_revfetch *rf);

/*
 * Observation i of out is in: asks for what its chain needs (a handshake
 * that got one), then tells opts->done when all of it ended, which may
 * be at once.  Returns 0, or -1 when out of memory.
 */
int ep_revfetch_obs(struct ep_revfetch *rf, size_t i);

/*
 * The loop's part, as for ep_fetch.h: whether a poller event's arg is
 * ours, an event on one of our sockets, when to tick (-1: never), the
 * tick.  Event and tick return 0, or -1 with errno set.
 */
int ep_revfetch_owns(const struct ep_revfetch *rf, const void *arg);
int ep_revfetch_event(struct ep_revfetch *rf, int fd, unsigned events);
int ep_revfetch_timeout(const struct ep_revfetch *rf);
int ep_revfetch_tick(struct ep_revfetch *rf);

/*
 * Returns the fetches (and their lookups) not done yet.
 */
size_t ep_revfetch_pending(const struct ep_revfetch *rf);

/*
 * The run deadline passed, or the run was stopped (interrupted 1): every
 * fetch not done ends now, why saying so.  Stopped, what is recorded
 * failed from here on has interrupted set.
 */
void ep_revfetch_give_up(struct ep_revfetch *rf, const char *why,
    int interrupted);

#endif /* EP_REVFETCH_H */
