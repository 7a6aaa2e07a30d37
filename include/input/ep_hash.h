#ifndef EP_HASH_H
#define EP_HASH_H

#include <stddef.h>

/*
 * FNV-1a over len bytes of data, continuing from h (EP_HASH_INIT for a
 * new hash): for the open-addressing tables that find names in linear
 * time.  Not for untrusted keys an attacker picks to collide; names from
 * the admin and from DNS answers to the admin's queries are not that.
 */

#define EP_HASH_INIT	((size_t)14695981039346656037ULL)

size_t ep_hash(const void *data, size_t len, size_t h);

#endif /* EP_HASH_H */
