#ifndef EP_RESOLVE_H
#define EP_RESOLVE_H

#include <poll.h>
#include <stddef.h>

/*
 * Asynchronous A/AAAA lookups with c-ares, driven by the caller's poll
 * loop: the resolver never blocks and never polls by itself.
 */

#define EP_RESOLVE_ADDRS_MAX	64	/* addresses kept per name */
#define EP_RESOLVE_SOCKS_MAX	64	/* sockets tracked; c-ares opens one or two a server */

struct ep_resolver;

/* One address of a name. */
struct ep_addr {
	int		family;		/* AF_INET or AF_INET6 */
	unsigned char	addr[16];	/* network order; 4 bytes used for IPv4 */
};

/*
 * Called once per lookup, from ep_resolver_process() or ep_resolver_free().
 * On success n >= 1 and error is NULL; otherwise n == 0 and error says why
 * ("no such name", "no address", "timed out", ...).  addrs is valid only
 * during the call.
 */
typedef void ep_resolve_cb(void *arg, const struct ep_addr *addrs, size_t n,
    const char *error);

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
 * Returns the number of lookups not yet called back.
 */
size_t ep_resolver_pending(const struct ep_resolver *r);

#endif /* EP_RESOLVE_H */
