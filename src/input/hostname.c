/* Host name syntax (see ep_hostname.h). */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "input/ep_hostname.h"

#define LABEL_MAX	63	/* octets in one label */
#define IP_TEXT_MAX	45	/* longest IPv6 text, with an embedded IPv4 */

static int
is_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int
ep_host_is_ip(const char *s)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;

	if (s == NULL || strnlen(s, IP_TEXT_MAX + 1) > IP_TEXT_MAX)
		return 0;
	return inet_pton(AF_INET, s, &a4) == 1 ||
	    inet_pton(AF_INET6, s, &a6) == 1;
}

int
ep_host_normalize(const char *in, char *out, size_t outlen)
{
	char		 buf[EP_NAME_MAX + 1];
	size_t		 i, len, lablen = 0;
	unsigned char	 c;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (in == NULL || out == NULL || outlen == 0)
		return -1;
	/* One more than a name and its dot is enough to see it is too long. */
	len = strnlen(in, EP_NAME_MAX + 2);
	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0 || len > EP_NAME_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		if (c == '.') {
			if (lablen == 0)
				return -1;
			lablen = 0;
		} else {
			if (!is_ldh(c) || ++lablen > LABEL_MAX)
				return -1;
		}
		buf[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	if (lablen == 0)
		return -1;
	buf[len] = '\0';
	/*
	 * Checked on the copy so that "192.0.2.1." counts as the address it
	 * names, not as a host name with a numeric TLD.
	 */
	if (ep_host_is_ip(buf) || len >= outlen)
		return -1;
	memcpy(out, buf, len + 1);
	return 0;
}

int
ep_host_valid(const char *ref)
{
	char	buf[EP_NAME_MAX + 1];

	return ep_host_normalize(ref, buf, sizeof(buf)) != -1;
}
