#ifndef EP_HOSTNAME_H
#define EP_HOSTNAME_H

#include <stddef.h>

/*
 * Host names as the admin, a file or DNS gives them: syntax only.  A
 * reference host name is ASCII letters, digits, '-' and '_', 1 to 63
 * octets a label, at most EP_NAME_MAX octets, with one trailing dot
 * allowed; IP literals are not host names.  Matching against what a
 * certificate presents is x509/ep_names.h's.
 */

#define EP_NAME_MAX	253	/* octets of a DNS name, no trailing dot */

/*
 * Returns 1 when ref is a reference host name (see above), 0 otherwise
 * (NULL too).  This is what name matching takes: a certificate may be
 * asked about "-.example.com" as TLS clients are.
 */
int ep_host_valid(const char *ref);

/*
 * Why name cannot be a name to look up, as the admin or a file gives
 * one: NULL when it can, else a short reason for a message ("an empty
 * label", "a label starts with '-'", ...).  It must be a reference host
 * name, and no label may start with '-': RFC 1123 allows none, and an
 * argument that does is an option given where a value was wanted.  An
 * IP literal has the reason "an IP address, not a host name".
 */
const char *ep_host_problem(const char *name);

/*
 * Returns 1 when s is an IPv4 or IPv6 literal, 0 otherwise (NULL too).
 */
int ep_host_is_ip(const char *s);

/*
 * Copies the host name in into out (outlen bytes) lowercased and without
 * its one trailing dot.  Returns 0, or -1 when in is not a
 * reference host name or does not fit (out is then "" when outlen > 0).
 */
int ep_host_normalize(const char *in, char *out, size_t outlen);

#endif /* EP_HOSTNAME_H */
