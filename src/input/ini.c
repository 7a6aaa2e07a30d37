/*
 * The INI front end: inih parses, fed one line at a time by reader(),
 * which sees every line first.  What both formats share is here, once;
 * see include/input/ep_ini.h.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ini.h>

#include "input/ep_hostname.h"
#include "input/ep_ini.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define REASON_MAX	512	/* one error, before "label:line: " */
#define SHOWN_MAX	100	/* bytes of a bad value in a reason */
#define CHOICES_MAX	256	/* the words of a table, listed in a reason */
#define PORT_MAX	65535

#define BLANKS		" \t\v\f\r"	/* inih's isspace(), in the C locale */
#define BOM		"\xef\xbb\xbf"	/* UTF-8 byte order mark */

struct ep_ini {
	const struct ep_ini_spec *spec;
	void		*arg;
	const char	*text;
	size_t		 len;
	size_t		 pos;		/* of the next line */
	unsigned	 line;		/* being read, from 1 */
	unsigned	 err_line;	/* of the first error, or 0 */
	char		 reason[REASON_MAX];
};

/* One ep_ini_split in progress. */
struct split {
	const char	*key;
	char		(*items)[EP_INI_ITEM_MAX];
	size_t		 max;
	size_t		 n;
};

static const struct ep_ini_word yesno[] = {
	{ "yes", 1 },
	{ "no", 0 },
};

static int __attribute__((format(printf, 3, 0)))
vfail_at(struct ep_ini *ini, unsigned line, const char *fmt, va_list ap)
{
	if (ini->err_line != 0)
		return -1;
	ini->err_line = line > 0 ? line : 1;
	vsnprintf(ini->reason, sizeof(ini->reason), fmt, ap);
	return -1;
}

int
ep_ini_fail_at(struct ep_ini *ini, unsigned line, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfail_at(ini, line, fmt, ap);
	va_end(ap);
	return -1;
}

int
ep_ini_fail(struct ep_ini *ini, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfail_at(ini, ini->line, fmt, ap);
	va_end(ap);
	return -1;
}

unsigned
ep_ini_line(const struct ep_ini *ini)
{
	return ini->line;
}

/*
 * Takes the header line s..end (from its '['): the text between the
 * brackets goes to the format.  The first ']' closes it, so a comment
 * after it may hold brackets.
 */
static int
header(struct ep_ini *ini, const char *s, const char *end)
{
	char		 text[EP_INI_LINE_MAX + 1];
	const char	*close, *p;
	size_t		 n;

	if ((close = memchr(s, ']', (size_t)(end - s))) == NULL)
		return ep_ini_fail(ini, "a section header without ']'");
	for (p = close + 1; p < end && strchr(BLANKS, *p) != NULL; p++)
		;
	if (p < end && *p != ';' && *p != '#')
		return ep_ini_fail(ini, "text after the section header");
	for (s++; s < close && strchr(BLANKS, *s) != NULL; s++)
		;
	while (close > s && strchr(BLANKS, close[-1]) != NULL)
		close--;
	/* The line is at most EP_INI_LINE_MAX: so is its header. */
	n = (size_t)(close - s);
	memcpy(text, s, n);
	text[n] = '\0';
	if (ini->spec->section(ini, ini->arg, text, n) == -1)
		return ep_ini_fail(ini, "[%s]: refused", text);
	return 0;
}

/*
 * inih's reader: the next line, or NULL at the end or once the text is
 * refused.  One line a call keeps inih's line numbers and ours the same,
 * which its own complaint needs.
 */
static char *
reader(char *buf, int size, void *stream)
{
	struct ep_ini	*ini = stream;
	const char	*s, *end, *nl;
	size_t		 max;

	if (ini->err_line != 0 || ini->pos >= ini->len)
		return NULL;
	s = ini->text + ini->pos;
	nl = memchr(s, '\n', ini->len - ini->pos);
	end = nl != NULL ? nl : ini->text + ini->len;
	ini->pos = (size_t)(end - ini->text) + 1;
	ini->line++;
	if (end > s && end[-1] == '\r')
		end--;
	if (memchr(s, '\0', (size_t)(end - s)) != NULL) {
		ep_ini_fail(ini, "a NUL byte");
		return NULL;
	}
	/* inih would read the rest of a longer line as a line of its own. */
	max = EP_INI_LINE_MAX;
	if (size < 1)
		max = 0;
	else if ((size_t)size - 1 < max)
		max = (size_t)size - 1;
	if ((size_t)(end - s) > max) {
		ep_ini_fail(ini, "a line longer than %zu characters", max);
		return NULL;
	}
	/* inih reads an indented line after a key as more of its value. */
	while (s < end && strchr(BLANKS, *s) != NULL)
		s++;
	/* inih would skip this one, and a header after it, unseen by us. */
	if (ini->line == 1 && end - s >= 3 && memcmp(s, BOM, 3) == 0) {
		ep_ini_fail(ini, "a byte order mark after the start of the "
		    "text");
		return NULL;
	}
	/* inih cuts long section names short, and keeps no line of them. */
	if (s < end && *s == '[') {
		if (header(ini, s, end) == -1)
			return NULL;
		s = end;
	}
	memcpy(buf, s, (size_t)(end - s));
	buf[end - s] = '\0';
	return buf;
}

/* inih's handler.  Returns 1, or 0 to refuse the text. */
static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct ep_ini	*ini = user;

	/* The section is the format's to know, not inih's cut copy. */
	(void)section;
	if (ini->err_line != 0)
		return 0;
	if (*value == '\0') {
		ep_ini_fail(ini, "%s: no value", name);
		return 0;
	}
	if (ini->spec->key(ini, ini->arg, name, value) == -1) {
		ep_ini_fail(ini, "%s: refused", name);
		return 0;
	}
	return 1;
}

int
ep_ini_parse(const char *label, const char *text, size_t len,
    const struct ep_ini_spec *spec, void *arg, char *err, size_t errlen)
{
	struct ep_ini	ini;
	int		r;

	memset(&ini, 0, sizeof(ini));
	ini.text = text;
	ini.len = len;
	ini.spec = spec;
	ini.arg = arg;
	/* A UTF-8 byte order mark, as Windows editors write, is no text. */
	if (len >= 3 && memcmp(text, BOM, 3) == 0)
		ini.pos = 3;
	if ((r = ini_parse_stream(reader, &ini, handler, &ini)) < 0) {
		snprintf(err, errlen, "%s: %s", label, strerror(ENOMEM));
		return -1;
	}
	/*
	 * inih goes on past a line it cannot read and says which at the
	 * end: it wins when it came before any error of ours.
	 */
	if (r > 0 && (ini.err_line == 0 || (unsigned)r < ini.err_line)) {
		ini.err_line = 0;
		ep_ini_fail_at(&ini, (unsigned)r, "not a [section] header, "
		    "key = value, or comment");
	}
	if (ini.err_line == 0 && spec->end != NULL && spec->end(&ini,
	    arg) == -1)
		ep_ini_fail(&ini, "refused");
	if (ini.err_line == 0)
		return 0;
	snprintf(err, errlen, "%s:%u: %s", label, ini.err_line, ini.reason);
	return -1;
}

/* Reads decimal digits only, from min to max.  Returns 0, or -1. */
static int
digits(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	const char	*p;
	unsigned long	 v = 0, d;
	int		 over = 0;

	/* Past max the value stops growing, so that it cannot wrap. */
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		d = (unsigned long)(*p - '0');
		if (v > max / 10 || (v == max / 10 && d > max % 10))
			over = 1;
		else
			v = v * 10 + d;
	}
	if (p == s || *p != '\0' || over || v < min)
		return -1;
	*out = v;
	return 0;
}

int
ep_ini_number(struct ep_ini *ini, const char *key, const char *value,
    unsigned long min, unsigned long max, unsigned long *out)
{
	if (digits(value, min, max, out) == -1)
		return ep_ini_fail(ini, "%s '%.*s': expected a whole number "
		    "from %lu to %lu", key, SHOWN_MAX, value, min, max);
	return 0;
}

int
ep_ini_port(struct ep_ini *ini, const char *key, const char *value,
    uint16_t *out)
{
	unsigned long	v;

	if (digits(value, 1, PORT_MAX, &v) == -1)
		return ep_ini_fail(ini, "%s '%.*s': a port is a number from 1 "
		    "to %d", key, SHOWN_MAX, value, PORT_MAX);
	*out = (uint16_t)v;
	return 0;
}

int
ep_ini_word(struct ep_ini *ini, const char *key, const char *value,
    const struct ep_ini_word *w, size_t n, int *out)
{
	char	choices[CHOICES_MAX];
	size_t	i, len = 0;

	for (i = 0; i < n; i++) {
		if (strcmp(w[i].name, value) == 0) {
			*out = w[i].value;
			return 0;
		}
	}
	choices[0] = '\0';
	for (i = 0; i < n && len < sizeof(choices); i++)
		len += (size_t)snprintf(choices + len, sizeof(choices) - len,
		    "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ",
		    w[i].name);
	return ep_ini_fail(ini, "%s '%.*s': expected %s", key, SHOWN_MAX,
	    value, choices);
}

int
ep_ini_yesno(struct ep_ini *ini, const char *key, const char *value,
    int *out)
{
	return ep_ini_word(ini, key, value, yesno, NELEM(yesno), out);
}

int
ep_ini_host(struct ep_ini *ini, const char *key, const char *value,
    char *out, size_t outlen)
{
	const char	*why;

	if (ep_host_is_ip(value))
		return ep_ini_fail(ini, "%s %.*s: an IP address, not a host "
		    "name", key, SHOWN_MAX, value);
	if ((why = ep_host_problem(value)) != NULL ||
	    ep_host_normalize(value, out, outlen) == -1)
		return ep_ini_fail(ini, "%s '%.*s': not a valid host name: %s",
		    key, SHOWN_MAX, value, why != NULL ? why : "too long");
	return 0;
}

int
ep_ini_text(struct ep_ini *ini, const char *key, const char *value,
    char *out, size_t size)
{
	const unsigned char	*s;
	size_t			 len = strlen(value);

	if (len >= size)
		return ep_ini_fail(ini, "%s: longer than %zu characters", key,
		    size - 1);
	for (s = (const unsigned char *)value; *s != '\0'; s++)
		if (*s < ' ' || *s == 0x7f)
			return ep_ini_fail(ini, "%s: holds a control character",
			    key);
	memcpy(out, value, len + 1);
	return 0;
}

int
ep_ini_list(struct ep_ini *ini, const char *key, const char *value,
    int (*item)(struct ep_ini *ini, void *arg, const char *item),
    void *arg)
{
	char		 buf[EP_INI_LINE_MAX + 1];
	const char	*p = value, *end;
	size_t		 len;

	for (;; p = end + 1) {
		p += strspn(p, BLANKS);
		end = p + strcspn(p, ",");
		for (len = (size_t)(end - p); len > 0 &&
		    strchr(BLANKS, p[len - 1]) != NULL; len--)
			;
		/* An empty item is a slip of the pen, not nothing. */
		if (len == 0)
			return ep_ini_fail(ini, "%s: an empty item in the list",
			    key);
		if (len >= sizeof(buf))
			return ep_ini_fail(ini, "%s '%.*s': longer than %zu "
			    "characters", key, SHOWN_MAX, p, sizeof(buf) - 1);
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (item(ini, arg, buf) == -1)
			return ep_ini_fail(ini, "%s '%s': refused", key, buf);
		if (*end == '\0')
			return 0;
	}
}

/* ep_ini_split's item callback: a copy of item in the next slot. */
static int
split_item(struct ep_ini *ini, void *arg, const char *item)
{
	struct split	*sp = arg;
	size_t		 len = strlen(item);

	if (sp->n == sp->max)
		return ep_ini_fail(ini, "%s: more than %zu items", sp->key,
		    sp->max);
	if (len >= EP_INI_ITEM_MAX)
		return ep_ini_fail(ini, "%s '%.*s': longer than %d characters",
		    sp->key, SHOWN_MAX, item, EP_INI_ITEM_MAX - 1);
	memcpy(sp->items[sp->n++], item, len + 1);
	return 0;
}

int
ep_ini_split(struct ep_ini *ini, const char *key, const char *value,
    const char *none, char (*items)[EP_INI_ITEM_MAX], size_t max,
    size_t *n)
{
	struct split	sp = { key, items, max, 0 };
	size_t		i;

	*n = 0;
	if (none != NULL && strcmp(value, none) == 0)
		return 0;
	if (ep_ini_list(ini, key, value, split_item, &sp) == -1)
		return -1;
	if (none != NULL)
		for (i = 0; i < sp.n; i++)
			if (strcmp(items[i], none) == 0)
				return ep_ini_fail(ini, "%s: %s stands alone, "
				    "not in a list", key, none);
	*n = sp.n;
	return 0;
}
