#ifndef EP_NAMES_H
#define EP_NAMES_H

#include <stddef.h>

/*
 * Host name matching under edgeprobe's policy: RFC 6125 / RFC 9525 and
 * the CA/Browser Forum rules.  Presented names are LDH only; a wildcard is
 * the whole left-most label, matches exactly one label, and never sits
 * directly over an ICANN public suffix; ASCII case-insensitive; one
 * trailing dot ignored on either side; IP references never match a DNS
 * name.
 */

struct ep_names;

/* How a presented name relates to a reference name. */
enum ep_name_match {
	EP_NAME_NO_MATCH = 0,	/* does not cover it (or the presented name is invalid) */
	EP_NAME_EXACT,		/* equal, ignoring case and one trailing dot */
	EP_NAME_WILDCARD,	/* covered by a valid wildcard */
};

/*
 * Makes a matcher.  psl_file is a Public Suffix List file; NULL means the
 * system's (libpsl's default, Debian's publicsuffix package).  Returns 0,
 * or -1 with a reason in err when the list cannot be loaded.
 */
int ep_names_new(struct ep_names **out, const char *psl_file,
    char *err, size_t errlen);

/*
 * Frees a matcher; n may be NULL.
 */
void ep_names_free(struct ep_names *n);

/*
 * Matches presented (a dNSName SAN or, where a role allows, a subject CN)
 * of presented_len bytes, which may hold any bytes including NUL, against
 * the reference name ref (a NUL-terminated host name).  Returns how it
 * matches.
 */
enum ep_name_match ep_names_match(const struct ep_names *n,
    const char *presented, size_t presented_len, const char *ref);

#endif /* EP_NAMES_H */
