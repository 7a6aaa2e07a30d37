/* FNV-1a (see ep_hash.h). */

#include <stdint.h>

#include "input/ep_hash.h"

#define FNV_PRIME	1099511628211ULL

size_t
ep_hash(const void *data, size_t len, size_t h)
{
	const unsigned char	*p = data;
	uint64_t		 v = h;
	size_t			 i;

	for (i = 0; i < len; i++)
		v = (v ^ p[i]) * FNV_PRIME;
	return (size_t)v;
}
