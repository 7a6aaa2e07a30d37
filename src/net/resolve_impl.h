#ifndef EP_RESOLVE_IMPL_H
#define EP_RESOLVE_IMPL_H

/*
 * What the resolver (src/net/resolve.c) makes of c-ares's answers, apart
 * from the lookups that get them, so that answers can be given to it
 * without a network: its fuzz target (tests/fuzz/fuzz_dns.c) does.
 */

#include <stddef.h>

#include <ares.h>

#include "net/ep_resolve.h"

/*
 * The addresses of a getaddrinfo answer (res may be NULL), each once, at
 * most EP_RESOLVE_ADDRS_MAX, into addrs.  Returns how many.
 */
size_t ep_resolve_addrs(const struct ares_addrinfo *res,
    struct ep_addr *addrs);

/*
 * What an SRV query that ended with c-ares status status found, from its
 * answer abuf of alen bytes: the records kept (see ep_resolver_srv) into
 * v (EP_SRV_MAX of them), in ep_srv_order()'s order, their number in
 * *n, and why the lookup failed in *error, NULL when it did not.
 * Returns how the lookup ended, as ep_srv_cb is told.
 */
enum ep_dns_status ep_resolve_srv_answer(int status,
    const unsigned char *abuf, int alen, struct ep_srv *v, size_t *n,
    const char **error);

#endif /* EP_RESOLVE_IMPL_H */
