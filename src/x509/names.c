/* Host name matching under edgeprobe's policy (see ep_names.h). */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpsl.h>

#include "input/ep_hostname.h"
#include "x509/ep_names.h"

#define DNS_NAME_MAX	EP_NAME_MAX
#define DNS_LABEL_MAX	63	/* octets in one label */

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
	if (ep_host_normalize(ref, rbuf, sizeof(rbuf)) == -1)
		return EP_NAME_NO_MATCH;
	rlen = (int)strlen(rbuf);
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
