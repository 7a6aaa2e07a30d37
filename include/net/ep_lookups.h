#ifndef EP_LOOKUPS_H
#define EP_LOOKUPS_H

#include <stddef.h>

#include "net/ep_resolve.h"

/*
 * The lookups of one run: each name is asked once, whoever asks for it
 * and however often, and its answer is kept for whoever asks later.  At
 * most window lookups are out at once, in the order they were asked for:
 * a burst of thousands of queries overflows a DNS server's socket buffer
 * or its rate limits.  The caller's event loop drives the resolver
 * (ep_lookups_resolver) and calls ep_lookups_flush on every turn.
 */

struct ep_lookups;

/*
 * Makes the lookups of a run over a resolver of their own (see
 * ep_resolver_new for servers, family and timeout_ms).  window: lookups
 * out at once, 1 or more.  Returns 0, or -1 with a reason in err.
 */
int ep_lookups_new(struct ep_lookups **out, const char *servers, int family,
    unsigned timeout_ms, size_t window, char *err, size_t errlen);

/*
 * Frees everything; callbacks still waiting are dropped without a call.
 * lk may be NULL.
 */
void ep_lookups_free(struct ep_lookups *lk);

/*
 * Asks for the addresses of name (a host name, no search domains) and
 * calls cb(arg, ...) once with the answer, as ep_resolve_cb says, or with
 * the status ep_lookups_give_up was given once it ran.  A name answered before is
 * answered from here, within this call; others from the resolver's
 * processing or ep_lookups_give_up.  Returns 0, or -1 when out of memory
 * (cb is then never called).
 */
int ep_lookups_addr(struct ep_lookups *lk, const char *name,
    ep_resolve_cb *cb, void *arg);

/*
 * As ep_lookups_addr, with the addresses of every family whatever the
 * lookups' family: for a host that is reached, not probed (a fetch's).
 */
int ep_lookups_addr_any(struct ep_lookups *lk, const char *name,
    ep_resolve_cb *cb, void *arg);

/*
 * As ep_lookups_addr, for the SRV records of name (see ep_srv_cb).
 */
int ep_lookups_srv(struct ep_lookups *lk, const char *name, ep_srv_cb *cb,
    void *arg);

/*
 * Sends queued lookups while fewer than the window are out.  Returns 0,
 * or -1 when out of memory.
 */
int ep_lookups_flush(struct ep_lookups *lk);

/*
 * The run deadline passed (st EP_DNS_LATE) or the run was stopped (st
 * EP_DNS_INTERRUPTED): every lookup not answered yet is answered st now,
 * and so is every new one.
 */
void ep_lookups_give_up(struct ep_lookups *lk, enum ep_dns_status st);

/*
 * Returns the lookups asked for and not answered yet.
 */
size_t ep_lookups_pending(const struct ep_lookups *lk);

/*
 * Returns the resolver, for the event loop: its sockets, timeout and
 * processing (ep_resolve.h).
 */
struct ep_resolver *ep_lookups_resolver(struct ep_lookups *lk);

#endif /* EP_LOOKUPS_H */
