/*
 * Fuzz target: the host name matcher (src/x509/names.c) and host name
 * syntax (src/input/hostname.c).  The first byte is the length of the
 * presented name (a SAN or CN: any bytes), the rest the reference name
 * (a C string: up to its first NUL).  Besides not crashing: matching
 * ignores ASCII case, an exact match is between equal normalized names,
 * a wildcard match is of a "*." name, and normalizing is idempotent.
 *
 * Seeds: tests/vectors (NSS's and curl's tables) and the fixtures' names
 * (tests/fuzz/make-seeds).
 */

#include <stdlib.h>
#include <string.h>

#include "input/ep_hostname.h"
#include "x509/ep_names.h"

#include "fuzz.h"

#define NAME_BUF	(EP_NAME_MAX + 1)

static struct ep_names	*names;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	err[1024];

	(void)argc;
	(void)argv;
	if (ep_names_new(&names, NULL, err, sizeof(err)) == -1)
		fuzz_fail("names: %s", err);
	return 0;
}

static void
upcase(char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 'a' + 'A');
}

/* The presented name as the matcher compares it: lowercase, no dot. */
static size_t
plain(const char *p, size_t len, char *out)
{
	size_t	i;

	if (len > 0 && p[len - 1] == '.')
		len--;
	for (i = 0; i < len; i++)
		out[i] = p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] - 'A' + 'a') :
		    p[i];
	return len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum ep_name_match	 m, m2;
	char			*pres, *ref, norm[NAME_BUF], again[NAME_BUF];
	char			 low[256];
	size_t			 plen, rlen;
	int			 valid;

	if (size == 0)
		return 0;
	plen = data[0] < size - 1 ? data[0] : size - 1;
	rlen = size - 1 - plen;
	if ((pres = malloc(plen + 1)) == NULL ||
	    (ref = malloc(rlen + 1)) == NULL)
		fuzz_fail("out of memory");
	memcpy(pres, data + 1, plen);
	pres[plen] = '\0';
	memcpy(ref, data + 1 + plen, rlen);
	ref[rlen] = '\0';

	valid = ep_host_normalize(ref, norm, sizeof(norm)) == 0;
	if (valid != ep_host_valid(ref))
		fuzz_fail("ep_host_valid disagrees with ep_host_normalize");
	if (valid && (ep_host_normalize(norm, again, sizeof(again)) != 0 ||
	    strcmp(norm, again) != 0))
		fuzz_fail("normalizing '%s' again gives another name", norm);
	if (valid && ep_host_is_ip(norm))
		fuzz_fail("'%s' is a host name and an IP address", norm);
	(void)ep_host_is_ip(ref);

	m = ep_names_match(names, pres, plen, ref);
	if (m != EP_NAME_NO_MATCH && !valid)
		fuzz_fail("a match for the invalid reference '%s'", ref);
	if (m == EP_NAME_EXACT && (plain(pres, plen, low) != strlen(norm) ||
	    memcmp(low, norm, strlen(norm)) != 0))
		fuzz_fail("'%s' matches '%s' exactly", pres, ref);
	if (m == EP_NAME_WILDCARD && (plen < 2 || memcmp(pres, "*.", 2) != 0))
		fuzz_fail("'%s' matches '%s' as a wildcard", pres, ref);
	upcase(pres, plen);
	upcase(ref, strlen(ref));
	m2 = ep_names_match(names, pres, plen, ref);
	if (m2 != m)
		fuzz_fail("case changes the match of '%s' and '%s'", pres, ref);
	free(pres);
	free(ref);
	return 0;
}
