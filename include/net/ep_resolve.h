#ifndef EP_RESOLVE_H
#define EP_RESOLVE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "input/ep_dns.h"

/*
 * Asynchronous DNS questions with c-ares, driven by the caller's poll
 * loop: the resolver never blocks and never polls by itself.  Each query
 * goes out once (to each server, if one fails): when to ask again is the
 * caller's (ep_lookups.h), who knows more than c-ares 1.18 can be told.
 */

/*
 * What one answer may bring: the addresses of a name (A and AAAA
 * together) and the SRV records of a name, each the first in order
 * (ep_addr_order, ep_srv_order); the callbacks are told how many there
 * were in all, so that what was left out is reported, never dropped
 * unsaid.  The DNS message itself, 64 KiB at most, bounds what c-ares
 * reads.
 */
#define EP_RESOLVE_ADDRS_MAX	64	/* addresses kept per name */
#define EP_RESOLVE_SOCKS_MAX	64	/* sockets tracked; c-ares opens one or two a server */
#define EP_SRV_MAX		16	/* SRV records kept per name */

struct ep_resolver;

/*
 * The answer to a name's addresses (ep_lookups_addr).  st
 * EP_DNS_ANSWERED: n >= 1 addresses, at most EP_RESOLVE_ADDRS_MAX, in
 * ep_addr_order()'s order, of total distinct ones in the answers, and
 * error NULL.  Otherwise n == total == 0 and error says why: EP_DNS_NONE
 * "no such name", "no A or AAAA record"; EP_DNS_FAILED "DNS query timed
 * out", "DNS server failure", ...  addrs is valid only during the call.
 */
typedef void ep_resolve_cb(void *arg, enum ep_dns_status st,
    const struct ep_addr *addrs, size_t n, size_t total, const char *error);

/*
 * The answer to a name's SRV records (ep_lookups_srv).  st
 * EP_DNS_ANSWERED: n >= 1 records, at most EP_SRV_MAX, the first in
 * ep_srv_order()'s order of total usable ones, error NULL.  EP_DNS_NONE: the name has no SRV record (no such name, or
 * no record of that type).  EP_DNS_FAILED: error says why, and whether
 * the record exists is unknown.  srv is valid only during the call.
 */
typedef void ep_srv_cb(void *arg, enum ep_dns_status st,
    const struct ep_srv *srv, size_t n, size_t total, const char *error);

/* What one question asks for. */
enum ep_rr {
	EP_RR_A,
	EP_RR_AAAA,
	EP_RR_SRV,
};

/*
 * How one query ended.  st EP_DNS_ANSWERED: n >= 1 records, every one
 * of the answer (the DNS message bounds them): addrs for A and AAAA, in
 * the answer's order; srv for SRV, those whose target is usable, in
 * ep_srv_order()'s order.  Error NULL.  EP_DNS_NONE: the name or the
 * record does not exist; error says which for addresses ("no such name",
 * "no A or AAAA record"), and is NULL for SRV.  EP_DNS_FAILED: error says why ("DNS
 * server failure", "DNS query timed out"...).  replied: a server sent a
 * DNS answer, whatever its code (it is up, and the query was not lost);
 * lost: no answer came before the resolver's timeout.  Neither: this
 * host failed it (refused connection, no memory, the resolver freed).
 * Pointers are valid only during the call.
 */
struct ep_query_result {
	enum ep_dns_status	 st;
	int			 replied;
	int			 lost;
	const struct ep_addr	*addrs;
	const struct ep_srv	*srv;
	size_t			 n;
	const char		*error;
};

/*
 * Called once per query, from ep_resolver_query() itself (a query that
 * cannot go out), ep_resolver_process() or ep_resolver_free().
 */
typedef void ep_query_cb(void *arg, const struct ep_query_result *res);

/*
 * Makes a resolver.  servers is NULL for the system's resolv.conf, or
 * "HOST[:PORT][,HOST[:PORT]...]" (IPv6 as [ADDR]:PORT), in which case
 * ep_resolver_hosts answers nothing.  timeout_ms: how long a query waits
 * for each server's answer before it is lost.  Returns 0, or -1 with a
 * reason in err.
 */
int ep_resolver_new(struct ep_resolver **out, const char *servers,
    unsigned timeout_ms, char *err, size_t errlen);

/*
 * Frees the resolver; pending queries get their callback with an error
 * first.  r may be NULL.
 */
void ep_resolver_free(struct ep_resolver *r);

/*
 * Sends one query for the rr records of name (no search domains are
 * appended), once, to server number server (modulo their number: 0 is
 * the first of --dns or resolv.conf); should it not answer at all, to
 * the next ones after it, each waiting the resolver's timeout.  SRV
 * records whose target is longer than EP_SRV_TARGET_MAX are dropped (an
 * answer left with none is a failed query).  cb is called later with
 * arg, or now if the query cannot go out.  Returns 0, or -1 when out of
 * memory (cb is then never called).
 */
int ep_resolver_query(struct ep_resolver *r, const char *name, enum ep_rr rr,
    unsigned server, ep_query_cb *cb, void *arg);

/*
 * Returns how many servers the resolver asks, 1 or more.
 */
size_t ep_resolver_nservers(const struct ep_resolver *r);

/*
 * The addresses of family (AF_INET or AF_INET6) the hosts file gives
 * name, at most max of them into out, when the resolver reads it (made
 * with servers NULL): as the system's resolver would answer, before any
 * DNS server is asked.  Returns how many.
 */
size_t ep_resolver_hosts(struct ep_resolver *r, const char *name, int family,
    struct ep_addr *out, size_t max);

/*
 * Puts the n records of v in the order clients try them: priority
 * ascending, then weight descending (RFC 2782 picks among one priority
 * at random, weighted; heaviest first keeps reports stable), then target
 * (without regard to case) and port.  A record repeating the target and
 * port of an earlier one is dropped.  Returns how many are left.
 */
size_t ep_srv_order(struct ep_srv *v, size_t n);

/*
 * Puts the n addresses of v in the order they are kept: IPv4 before
 * IPv6, then by value.  A repeated address is dropped.  Returns how many
 * are left.
 */
size_t ep_addr_order(struct ep_addr *v, size_t n);

/*
 * Writes at most max pollfd entries for the resolver's sockets into pfd.
 * Returns how many were written.
 */
size_t ep_resolver_fill(const struct ep_resolver *r, struct pollfd *pfd,
    size_t max);

/*
 * Returns the number of sockets c-ares has open, at most
 * EP_RESOLVE_SOCKS_MAX (an upper bound for fill).
 */
size_t ep_resolver_nsockets(const struct ep_resolver *r);

/*
 * Returns the milliseconds until the resolver needs service, at most
 * max_ms; -1 when nothing is pending and max_ms is -1.
 */
int ep_resolver_timeout(const struct ep_resolver *r, int max_ms);

/*
 * Services the sockets in pfd (as filled by ep_resolver_fill and set by
 * poll) and any expired timeouts.  Callbacks run from here.
 */
void ep_resolver_process(struct ep_resolver *r, const struct pollfd *pfd,
    size_t n);

/*
 * Returns the number of queries not yet called back.
 */
size_t ep_resolver_pending(const struct ep_resolver *r);

#endif /* EP_RESOLVE_H */
