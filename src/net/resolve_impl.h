#ifndef EP_RESOLVE_IMPL_H
#define EP_RESOLVE_IMPL_H

/*
 * What the resolver (src/net/resolve.c) makes of a DNS answer, apart from
 * the query that got it, so that answers can be given to it without a
 * network: its fuzz target (tests/fuzz/fuzz_dns.c) does.
 */

#include <stddef.h>

#include <ares.h>

#include "net/ep_resolve.h"

/*
 * The addresses of the answer abuf (alen bytes) to an A or AAAA query
 * (rr), every one: the DNS message bounds them.  Returns how many were
 * put in *out (free it; NULL when none); *status is c-ares's,
 * ARES_ENOMEM when out of memory.
 */
size_t ep_resolve_parse_addrs(enum ep_rr rr, const unsigned char *abuf,
    int alen, struct ep_addr **out, int *status);

/*
 * The usable SRV records of the answer abuf (alen bytes), in
 * ep_srv_order()'s order: their targets without the root's dot, those
 * too long left out.  Returns how many were put in *out (free it; NULL
 * when none); *status is c-ares's; *error says why none was usable.
 */
size_t ep_resolve_parse_srv(const unsigned char *abuf, int alen,
    struct ep_srv **out, int *status, const char **error);

#endif /* EP_RESOLVE_IMPL_H */
