#ifndef EP_LOOKUPS_H
#define EP_LOOKUPS_H

#include <stddef.h>

#include "net/ep_observe.h"
#include "net/ep_resolve.h"

/*
 * The lookups of one run: each name is asked once, whoever asks for it
 * and however often, and its answer is kept for whoever asks later.
 *
 * The questions (A, AAAA, SRV: a name's addresses are two) go out in the
 * order they were asked for, paced by a window of queries out at once
 * that adapts as TCP's congestion window does: it starts at 64, doubles
 * every round trip while every query is answered (slow start) up to 256,
 * then grows by one a round trip, and halves when a query is lost, once
 * a round trip at most.  The window's queries are spread over the round
 * trip rather than sent in bursts.  A DNS server that drops a burst (a
 * socket buffer overflowed, a forwarder's limit of queries waiting) thus
 * gets fewer at once; one that answers everything gets them as fast as
 * it answers.
 *
 * A query not answered within a timeout measured from the server's
 * round trips (RFC 6298: the smoothed round trip plus four times its
 * variation, that margin 50 ms at least; 400 ms before any answer, at
 * most timeout_ms) counts as lost, and the question is asked again,
 * each time waiting twice as long, of the next server.  An answer to
 * any of its tries is taken.  A question none of whose tries is answered
 * within timeout_ms of its first fails ("DNS query timed out",
 * EP_DNS_FAILED).  When that happens twice in a row with no server
 * answering anything meanwhile (the second question first sent after the
 * first failed), the servers are down: every question still waiting
 * fails with it, rather than each waiting its own timeout_ms behind a
 * window that losses shrank.
 *
 * The caller's event loop drives the resolver (ep_lookups_resolver) and
 * calls ep_lookups_expire and ep_lookups_flush on every turn, waking up
 * by ep_lookups_timeout.
 */

struct ep_lookups;

/*
 * Makes the lookups of a run over a resolver of their own (see
 * ep_resolver_new for servers).  family (AF_UNSPEC, AF_INET or AF_INET6)
 * is what ep_lookups_addr asks for.  timeout_ms bounds each question,
 * all its tries together.  Returns 0, or -1 with a reason in err.
 */
int ep_lookups_new(struct ep_lookups **out, const char *servers, int family,
    unsigned timeout_ms, char *err, size_t errlen);

/*
 * Frees everything; callbacks still waiting are dropped without a call.
 * lk may be NULL.
 */
void ep_lookups_free(struct ep_lookups *lk);

/*
 * Asks for the addresses of name (a host name, no search domains) and
 * calls cb(arg, ...) once with the answer, as ep_resolve_cb says, or
 * with the status ep_lookups_give_up was given once it ran.  The
 * addresses are those of both families' questions together; when one
 * failed and the other has none, the lookup failed (EP_DNS_FAILED, its
 * error): whether the name has an address is unknown.  A name answered
 * before is answered from here, within this call; others from the
 * resolver's processing, ep_lookups_flush, ep_lookups_expire or
 * ep_lookups_give_up.  Returns 0, or -1 when out of memory (cb is then
 * never called).
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
 * Sends queued questions while the window has room.  Returns 0, or -1
 * when out of memory.
 */
int ep_lookups_flush(struct ep_lookups *lk);

/*
 * Counts as lost the queries whose timeout passed (their questions wait
 * to be sent again) and fails the questions whose timeout_ms passed.
 */
void ep_lookups_expire(struct ep_lookups *lk);

/*
 * Returns the milliseconds until ep_lookups_expire or the resolver have
 * work, at most max_ms; -1 when nothing waits and max_ms is -1.
 */
int ep_lookups_timeout(const struct ep_lookups *lk, int max_ms);

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
 * How the lookups went so far.
 */
void ep_lookups_stats(const struct ep_lookups *lk, struct ep_dns_stats *out);

/*
 * Returns the resolver, for the event loop: its sockets and processing
 * (ep_resolve.h).
 */
struct ep_resolver *ep_lookups_resolver(struct ep_lookups *lk);

#endif /* EP_LOOKUPS_H */
