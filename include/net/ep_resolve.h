#ifndef EP_RESOLVE_H
#define EP_RESOLVE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "input/ep_dns.h"

/*
 * Asynchronous A/AAAA and SRV lookups with c-ares, driven by the caller's
 * poll loop: the resolver never blocks and never polls by itself.
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
 * Called once per lookup, from ep_resolver_process() or ep_resolver_free().
 * st EP_DNS_ANSWERED: n >= 1 addresses, at most EP_RESOLVE_ADDRS_MAX, in
 * ep_addr_order()'s order, of total distinct ones in the answer, and
 * error NULL.  Otherwise n == total == 0 and error says why: EP_DNS_NONE
 * "no such name", "no A or AAAA record"; EP_DNS_FAILED "DNS query timed
 * out", "DNS server failure", ...  addrs is valid only during the call.
 */
typedef void ep_resolve_cb(void *arg, enum ep_dns_status st,
    const struct ep_addr *addrs, size_t n, size_t total, const char *error);

/*
 * Called once per SRV lookup, from ep_resolver_process() or
 * ep_resolver_free().  st EP_DNS_ANSWERED: n >= 1 records, at most
 * EP_SRV_MAX, the first in ep_srv_order()'s order of total usable ones,
 * error NULL.  EP_DNS_NONE: the name has no SRV record (no such name, or
 * no record of that type).  EP_DNS_FAILED: error says why, and whether
 * the record exists is unknown.  srv is valid only during the call.
 */
typedef void ep_srv_cb(void *arg, enum ep_dns_status st,
    const struct ep_srv *srv, size_t n, size_t total, const char *error);

/*
 * Makes a resolver.  servers is NULL for the system's resolv.conf, or
 * "HOST[:PORT][,HOST[:PORT]...]" (IPv6 as [ADDR]:PORT), in which case
 * /etc/hosts is not read either.  family is AF_UNSPEC, AF_INET or
 * AF_INET6.  timeout_ms bounds each query try.  Returns 0, or -1 with a
 * reason in err.
 */
int ep_resolver_new(struct ep_resolver **out, const char *servers, int family,
    unsigned timeout_ms, char *err, size_t errlen);

/*
 * Frees the resolver; pending lookups get their callback with an error
 * first.  r may be NULL.
 */
void ep_resolver_free(struct ep_resolver *r);

/*
 * Starts looking up name (no search domains are appended).  cb is called
 * later with arg.  Returns 0, or -1 when out of memory.
 */
int ep_resolver_lookup(struct ep_resolver *r, const char *name,
    ep_resolve_cb *cb, void *arg);

/*
 * As ep_resolver_lookup, for addresses of both families whatever the
 * resolver's.
 */
int ep_resolver_lookup_any(struct ep_resolver *r, const char *name,
    ep_resolve_cb *cb, void *arg);

/*
 * Starts looking up the SRV records of name (no search domains are
 * appended).  Records whose target is longer than EP_SRV_TARGET_MAX are
 * dropped (an answer left with none is a failed lookup); of the others,
 * the first EP_SRV_MAX in client order are kept.  cb is called later
 * with arg.  Returns 0, or -1 when out of memory.
 */
int ep_resolver_srv(struct ep_resolver *r, const char *name, ep_srv_cb *cb,
    void *arg);

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
 * Returns the number of lookups (A/AAAA and SRV) not yet called back.
 */
size_t ep_resolver_pending(const struct ep_resolver *r);

#endif /* EP_RESOLVE_H */
