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

/*
 * Copies in to buf (EP_NAME_MAX + 1 bytes) lowercased, without its one
 * trailing dot.  Returns NULL, or why in is not a reference host name;
 * *hyphen is set when a label starts with '-', which name matching
 * allows and ep_host_problem does not.
 */
static const char *
scan(const char *in, char *buf, int *hyphen)
{
	size_t		 i, len, lablen = 0;
	unsigned char	 c;

	*hyphen = 0;
	if (in == NULL)
		return "no name";
	/* One more than a name and its dot is enough to see it is too long. */
	len = strnlen(in, EP_NAME_MAX + 2);
	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0)
		return "empty";
	if (len > EP_NAME_MAX)
		return "longer than 253 bytes";
	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		if (c == '.') {
			if (lablen == 0)
				return "an empty label";
			lablen = 0;
		} else {
			if (!is_ldh(c))
				return "a character other than letters, "
				    "digits, '-', '_' and '.'";
			if (++lablen > LABEL_MAX)
				return "a label longer than 63 bytes";
			if (lablen == 1 && c == '-')
				*hyphen = 1;
		}
		buf[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	if (lablen == 0)
		return "an empty label";
	buf[len] = '\0';
	/*
	 * Checked on the copy so that "192.0.2.1." counts as the address it
	 * names, not as a host name with a numeric TLD.
	 */
	if (ep_host_is_ip(buf))
		return "an IP address, not a host name";
	return NULL;
}

int
ep_host_normalize(const char *in, char *out, size_t outlen)
{
	char	buf[EP_NAME_MAX + 1];
	int	hyphen;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (out == NULL || outlen == 0 || scan(in, buf, &hyphen) != NULL ||
	    strlen(buf) >= outlen)
		return -1;
	memcpy(out, buf, strlen(buf) + 1);
	return 0;
}

const char *
ep_host_problem(const char *name)
{
	char		 buf[EP_NAME_MAX + 1];
	const char	*why;
	int		 hyphen;

	if ((why = scan(name, buf, &hyphen)) != NULL)
		return why;
	if (hyphen)
		return name[0] == '-' ? "starts with '-'" :
		    "a label starts with '-'";
	return NULL;
}

int
ep_host_valid(const char *ref)
{
	char	buf[EP_NAME_MAX + 1];

	return ep_host_normalize(ref, buf, sizeof(buf)) != -1;
}
