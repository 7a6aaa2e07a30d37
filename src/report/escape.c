/* Strings made safe for where they go (see ep_escape.h). */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/ep_escape.h"

#define MORE		"..."

/*
 * Decodes the UTF-8 character at s (at most len bytes).  Returns its
 * length and sets *cp, or 0 when the bytes there are not valid UTF-8
 * (overlong forms and surrogates included).
 */
static size_t
utf8_char(const unsigned char *s, size_t len, uint32_t *cp)
{
	static const uint32_t	min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t			n, i;
	uint32_t		c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Characters a terminal acts on, or that reorder or hide the text. */
static int
unsafe(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
	    (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	    c == 0x2028 || c == 0x2029 || (c >= 0x2060 && c <= 0x2069) ||
	    c == 0xfeff;
}

/* Where an escaped string goes: what each form escapes beyond the text's. */
enum form {
	FORM_TEXT,	/* ep_esc_text */
	FORM_NAGIOS,	/* and '|', which starts plugin performance data */
	FORM_PROM,	/* an exposition-format label value */
};

#define PIECE_MAX	24	/* one character escaped, at most 4 bytes of
				   5 ("\\xNN") each, and a NUL */

/* Writes byte b as the text \xNN into out. */
static size_t
hex_byte(unsigned char b, enum form form, char *out, size_t outlen)
{
	/* In a label value the backslash of \xNN is itself escaped. */
	if (form == FORM_PROM)
		return (size_t)snprintf(out, outlen, "\\\\x%02x", b);
	return (size_t)snprintf(out, outlen, "\\x%02x", b);
}

/*
 * Writes the escaped form of the character at p (at most left bytes)
 * into piece (PIECE_MAX bytes); sets *n to the bytes it took.  Returns
 * the length written.
 */
static size_t
escape_one(const unsigned char *p, size_t left, enum form form, char *piece,
    size_t *n)
{
	uint32_t	c;
	size_t		k, len = 0;

	if ((*n = utf8_char(p, left, &c)) == 0) {
		*n = 1;
		return hex_byte(p[0], form, piece, PIECE_MAX);
	}
	if (c == '\\') {
		memcpy(piece, "\\\\", 3);
		return 2;
	}
	if (form == FORM_PROM && (c == '"' || c == '\n')) {
		snprintf(piece, PIECE_MAX, "\\%c", c == '"' ? '"' : 'n');
		return 2;
	}
	if (unsafe(c) || (form == FORM_NAGIOS && c == '|')) {
		for (k = 0; k < *n; k++)
			len += hex_byte(p[k], form, piece + len,
			    PIECE_MAX - len);
		return len;
	}
	memcpy(piece, p, *n);
	piece[*n] = '\0';
	return *n;
}

/* Writes s escaped in form into out; what does not fit is cut and marked. */
static char *
escape(const char *s, size_t len, enum form form, char *out, size_t outlen)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, o = 0, n, plen, need = 0, room;
	char			 piece[PIECE_MAX];

	if (outlen == 0)
		return out;
	for (i = 0; i < len; i += n)
		need += escape_one(p + i, len - i, form, piece, &n);
	/* Cut only what does not fit, and then leave room for the mark. */
	room = need < outlen ? outlen - 1 : outlen > sizeof(MORE) ?
	    outlen - sizeof(MORE) : 0;
	for (i = 0; i < len; i += n) {
		plen = escape_one(p + i, len - i, form, piece, &n);
		if (o + plen > room)
			break;
		memcpy(out + o, piece, plen);
		o += plen;
	}
	if (i < len && o + sizeof(MORE) <= outlen) {
		memcpy(out + o, MORE, sizeof(MORE) - 1);
		o += sizeof(MORE) - 1;
	}
	out[o] = '\0';
	return out;
}

char *
ep_esc_text(const char *s, size_t len, char *out, size_t outlen)
{
	return escape(s, len, FORM_TEXT, out, outlen);
}

char *
ep_esc_nagios(const char *s, size_t len, char *out, size_t outlen)
{
	return escape(s, len, FORM_NAGIOS, out, outlen);
}

char *
ep_esc_prom_label(const char *s, size_t len, char *out, size_t outlen)
{
	return escape(s, len, FORM_PROM, out, outlen);
}

char *
ep_esc_str(const char *s, char *out, size_t outlen)
{
	return ep_esc_text(s, strlen(s), out, outlen);
}

json_t *
ep_esc_json(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	json_t			*j;
	char			*buf;
	size_t			 i = 0, o = 0, n;
	uint32_t		 c;

	if ((j = json_stringn(s, len)) != NULL)
		return j;
	/* Not valid UTF-8 (or no memory): at most 4 bytes out per byte in. */
	if ((buf = malloc(len * 4 + 1)) == NULL)
		return NULL;
	while (i < len) {
		if ((n = utf8_char(p + i, len - i, &c)) == 0) {
			o += (size_t)snprintf(buf + o, 5, "\\x%02x", p[i]);
			n = 1;
		} else {
			memcpy(buf + o, p + i, n);
			o += n;
		}
		i += n;
	}
	j = json_stringn(buf, o);
	free(buf);
	return j;
}

char *
ep_esc_filename(const char *s, char *out, size_t outlen)
{
	size_t	i;

	if (outlen == 0)
		return out;
	for (i = 0; s[i] != '\0' && i < outlen - 1; i++) {
		unsigned char	ch = (unsigned char)s[i];

		out[i] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    (ch == '.' && i > 0) ? (char)ch : '_';
	}
	out[i] = '\0';
	return out;
}

char *
ep_esc_perf_label(const char *s, char *out, size_t outlen)
{
	size_t	i, o = 0;

	if (outlen == 0)
		return out;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char	ch = (unsigned char)s[i];

		/* A quote doubled is one character: never cut in two. */
		if (o + (ch == '\'' ? 2 : 1) >= outlen)
			break;
		if (ch == '\'') {
			out[o++] = '\'';
			out[o++] = '\'';
		} else
			out[o++] = ch >= 0x20 && ch < 0x7f && ch != '|' ?
			    (char)ch : '_';
	}
	out[o] = '\0';
	return out;
}
