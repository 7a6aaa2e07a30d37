/* Host name matching under edgeprobe's policy (see ep_names.h). */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpsl.h>

#include "x509/ep_names.h"

#define DNS_NAME_MAX	253	/* octets in a name, without its trailing dot */
#define DNS_LABEL_MAX	63	/* octets in one label */
#define IP_TEXT_MAX	45	/* longest IPv6 text, with an embedded IPv4 */

/* Where Debian's publicsuffix package puts the list in text form. */
#define PSL_SYSTEM_FILE	"/usr/share/publicsuffix/public_suffix_list.dat"

/*
 * Only the ICANN section counts.  Without PSL_TYPE_NO_STAR_RULE libpsl
 * calls every unknown single-label TLD (test, local) a public suffix; a
 * wildcard base always has two labels or more, so the implicit rule could
 * never apply to it, and leaving it out keeps the answer to what the list
 * says.
 */
#define PSL_ICANN	(PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE)

/*
 * Every real list has com in its ICANN section.  libpsl happily loads a
 * file without section markers, or one that is not a list at all, and
 * then no name is an ICANN suffix: every wildcard would pass.
 */
#define PSL_PROBE	"com"

struct ep_names {
	psl_ctx_t	*psl;		/* libpsl's; may be its built-in data */
};

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char
to_lower(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	return (char)c;
}

static void
set_err(char *err, size_t errlen, const char *what, const char *why)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", what, why);
}

int
ep_names_new(struct ep_names **out, const char *psl_file,
    char *err, size_t errlen)
{
	struct ep_names	*n;
	const char	*what;
	int		 rc = -1;

	*out = NULL;
	what = psl_file != NULL ? psl_file : "system Public Suffix List";
	if ((n = calloc(1, sizeof(*n))) == NULL) {
		set_err(err, errlen, what, "out of memory");
		goto out;
	}
	/*
	 * psl_latest takes the newer of the distribution's list and libpsl's
	 * built-in data; a libpsl built elsewhere may know neither, so
	 * Debian's text file is the last resort.
	 */
	if (psl_file != NULL)
		n->psl = psl_load_file(psl_file);
	else if ((n->psl = psl_latest(NULL)) == NULL)
		n->psl = psl_load_file(PSL_SYSTEM_FILE);
	if (n->psl == NULL) {
		set_err(err, errlen, what, "cannot be loaded");
		goto out;
	}
	if (psl_is_public_suffix2(n->psl, PSL_PROBE, PSL_ICANN) != 1) {
		set_err(err, errlen, what,
		    "no ICANN section that lists " PSL_PROBE);
		goto out;
	}
	*out = n;
	n = NULL;
	rc = 0;
out:
	ep_names_free(n);
	return rc;
}

void
ep_names_free(struct ep_names *n)
{
	if (n == NULL)
		return;
	/* psl_free leaves libpsl's built-in data alone. */
	psl_free(n->psl);
	free(n);
}

/*
 * Checks the presented name p (len untrusted bytes) and copies it
 * lowercased, without its one trailing dot, NUL-terminated into buf
 * (DNS_NAME_MAX + 1 bytes).  *wild says whether it starts with the "*"
 * label.  Returns the length copied, or -1 when the name breaks the
 * policy and so can match nothing.
 */
static int
parse_presented(const char *p, size_t len, char *buf, int *wild)
{
	size_t		 i, start, lablen = 0, nlabels = 0;
	unsigned char	 c, prev = '.';
	int		 alldigits = 1;

	*wild = 0;
	if (len > 0 && p[len - 1] == '.')
		len--;
	if (len == 0 || len > DNS_NAME_MAX)
		return -1;
	/* "*" alone or in any other place is caught below as a non-LDH byte. */
	if (len >= 2 && p[0] == '*' && p[1] == '.') {
		*wild = 1;
		buf[0] = '*';
		buf[1] = '.';
	}
	start = *wild ? 2 : 0;
	for (i = start; i < len; i++) {
		c = (unsigned char)p[i];
		if (c == '.') {
			if (lablen == 0 || prev == '-')
				return -1;
			nlabels++;
			lablen = 0;
			alldigits = 1;
		} else {
			if (!is_alpha(c) && !is_digit(c) && c != '-')
				return -1;
			if (lablen == 0 && c == '-')
				return -1;
			if (++lablen > DNS_LABEL_MAX)
				return -1;
			if (!is_digit(c))
				alldigits = 0;
		}
		buf[i] = to_lower(c);
		prev = c;
	}
	/* An all-digit last label is an IPv4 address or no name at all. */
	if (lablen == 0 || prev == '-' || alldigits)
		return -1;
	nlabels++;
	/* "*.com" would cover a whole TLD; CA/B Forum wants two labels. */
	if (*wild && nlabels < 2)
		return -1;
	buf[len] = '\0';
	return (int)len;
}

/*
 * Checks the reference name ref and copies it lowercased, without its one
 * trailing dot, NUL-terminated into buf (DNS_NAME_MAX + 1 bytes).
 * Returns the length copied, or -1 when ref is not a reference host name.
 */
static int
parse_reference(const char *ref, char *buf)
{
	size_t		 i, len, lablen = 0;
	unsigned char	 c;

	if (ref == NULL)
		return -1;
	/* One more than a name and its dot is enough to see it is too long. */
	len = strnlen(ref, DNS_NAME_MAX + 2);
	if (len > 0 && ref[len - 1] == '.')
		len--;
	if (len == 0 || len > DNS_NAME_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		c = (unsigned char)ref[i];
		if (c == '.') {
			if (lablen == 0)
				return -1;
			lablen = 0;
		} else {
			if (!is_alpha(c) && !is_digit(c) && c != '-' &&
			    c != '_')
				return -1;
			if (++lablen > DNS_LABEL_MAX)
				return -1;
		}
		buf[i] = to_lower(c);
	}
	if (lablen == 0)
		return -1;
	buf[len] = '\0';
	/*
	 * Checked on the copy so that "192.0.2.1." counts as the address it
	 * names, not as a host name with a numeric TLD.
	 */
	if (ep_names_is_ip_literal(buf))
		return -1;
	return (int)len;
}

enum ep_name_match
ep_names_match(const struct ep_names *n, const char *presented,
    size_t presented_len, const char *ref)
{
	char		 pbuf[DNS_NAME_MAX + 1], rbuf[DNS_NAME_MAX + 1];
	const char	*rest;
	int		 plen, rlen, wild;

	if (n == NULL || presented == NULL || ref == NULL)
		return EP_NAME_NO_MATCH;
	/* IP references are checked against iPAddress SANs elsewhere. */
	if ((rlen = parse_reference(ref, rbuf)) == -1)
		return EP_NAME_NO_MATCH;
	if ((plen = parse_presented(presented, presented_len, pbuf,
	    &wild)) == -1)
		return EP_NAME_NO_MATCH;
	if (!wild) {
		if (plen == rlen && memcmp(pbuf, rbuf, (size_t)plen) == 0)
			return EP_NAME_EXACT;
		return EP_NAME_NO_MATCH;
	}
	/* "*" stands for exactly the first label, which is never empty. */
	if ((rest = memchr(rbuf, '.', (size_t)rlen)) == NULL)
		return EP_NAME_NO_MATCH;
	if (strcmp(rest + 1, pbuf + 2) != 0)
		return EP_NAME_NO_MATCH;
	/* Anything but a clear "no" from libpsl refuses the wildcard. */
	if (psl_is_public_suffix2(n->psl, pbuf + 2, PSL_ICANN) != 0)
		return EP_NAME_NO_MATCH;
	return EP_NAME_WILDCARD;
}

int
ep_names_valid_reference(const char *ref)
{
	char	buf[DNS_NAME_MAX + 1];

	return parse_reference(ref, buf) != -1;
}

int
ep_names_is_ip_literal(const char *s)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;

	if (s == NULL || strnlen(s, IP_TEXT_MAX + 1) > IP_TEXT_MAX)
		return 0;
	return inet_pton(AF_INET, s, &a4) == 1 ||
	    inet_pton(AF_INET6, s, &a6) == 1;
}

int
ep_name_normalize(const char *in, char *out, size_t outlen)
{
	char	buf[DNS_NAME_MAX + 1];
	int	len;

	if (out == NULL || outlen == 0)
		return -1;
	out[0] = '\0';
	if ((len = parse_reference(in, buf)) == -1 || (size_t)len >= outlen)
		return -1;
	memcpy(out, buf, (size_t)len + 1);
	return 0;
}
