/*
 * Unit tests for the INI front end (src/input/ini.c): what reaches a
 * format's callbacks and on which line, what is refused and where, and
 * each value parser at and just past its bounds.  Texts are parsed from
 * memory; a recording spec writes what it is called with into a log.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "input/ep_hostname.h"
#include "input/ep_ini.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define LOG_MAX		2048
#define ERR_MAX		1024
#define TEXT_MAX	1024
#define LABEL		"t.ini"
#define END_HERE	((unsigned)-1)

/* One parse: what the callbacks saw, and what a value parser gave. */
struct run {
	char		 log[LOG_MAX];	/* "LINE [HEADER]", "LINE KEY=VALUE",
					   "LINE end", one a line */
	int		(*on_key)(struct ep_ini *, struct run *, const char *,
			    const char *);	/* NULL: log the key */
	unsigned	 end_fail;	/* the end callback fails at this
					   line, END_HERE at its own, or 0 */
	unsigned long	 num;
	uint16_t	 port;
	int		 word;
	char		 text[EP_NAME_MAX + 1];
	char		 items[4][EP_INI_ITEM_MAX];
	size_t		 nitems;
};

static void __attribute__((format(printf, 2, 3)))
say(struct run *r, const char *fmt, ...)
{
	size_t	len = strlen(r->log);
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(r->log + len, sizeof(r->log) - len, fmt, ap);
	va_end(ap);
}

/* A header "fail" fails; any other is logged. */
static int
on_section(struct ep_ini *ini, void *arg, const char *header, size_t len)
{
	struct run	*r = arg;

	assert_int_equal(strlen(header), len);
	if (strcmp(header, "fail") == 0)
		return ep_ini_fail(ini, "header failed");
	say(r, "%u [%s]\n", ep_ini_line(ini), header);
	return 0;
}

/* A key "fail" fails with its value as the reason; others are logged. */
static int
on_key(struct ep_ini *ini, void *arg, const char *name, const char *value)
{
	struct run	*r = arg;

	if (strcmp(name, "fail") == 0)
		return ep_ini_fail(ini, "failed: %s", value);
	if (r->on_key != NULL)
		return r->on_key(ini, r, name, value);
	say(r, "%u %s=%s\n", ep_ini_line(ini), name, value);
	return 0;
}

static int
on_end(struct ep_ini *ini, void *arg)
{
	struct run	*r = arg;

	say(r, "%u end\n", ep_ini_line(ini));
	if (r->end_fail == END_HERE)
		return ep_ini_fail(ini, "end failed");
	if (r->end_fail != 0)
		return ep_ini_fail_at(ini, r->end_fail, "end failed");
	return 0;
}

static const struct ep_ini_spec spec = {
	.section = on_section,
	.key = on_key,
	.end = on_end,
};

/* Parses len bytes of text; returns ep_ini_parse's result. */
static int
parse_len(struct run *r, const char *text, size_t len, char *err)
{
	err[0] = '\0';
	return ep_ini_parse(LABEL, text, len, &spec, r, err, ERR_MAX);
}

/* text must parse, and the callbacks must have logged exactly want. */
static void
parses(const char *text, const char *want)
{
	struct run	r;
	char		err[ERR_MAX];

	memset(&r, 0, sizeof(r));
	if (parse_len(&r, text, strlen(text), err) != 0)
		fail_msg("'%s': %s", text, err);
	assert_string_equal(r.log, want);
}

/* len bytes of text must fail with exactly "t.ini:LINE: reason". */
static void
fails_len(const char *text, size_t len, unsigned line, const char *reason)
{
	struct run	r;
	char		err[ERR_MAX], want[ERR_MAX];

	memset(&r, 0, sizeof(r));
	assert_int_equal(parse_len(&r, text, len, err), -1);
	snprintf(want, sizeof(want), LABEL ":%u: %s", line, reason);
	assert_string_equal(err, want);
	/* Nothing is the end of a text refused on its way. */
	assert_null(strstr(r.log, " end\n"));
}

static void
fails(const char *text, unsigned line, const char *reason)
{
	fails_len(text, strlen(text), line, reason);
}

/*
 * Headers and keys reach the callbacks in order with their lines; a
 * header's text loses the blanks around it; comments and blank lines
 * reach nothing; the end comes after the last line.
 */
static void
test_lines(void **state)
{
	(void)state;
	parses("; a comment\n"
	    "# another\n"
	    "\n"
	    "[one]\n"
	    "a = 1\n"
	    "b=two words\n"
	    "[  edge-pool \"x y\"  ]  ; a comment [with brackets]\n"
	    "[three]# right after\n"
	    "[]\n"
	    "c = x ; an inline comment\n"
	    "d = x;not one\n"
	    "e = x #not one either\n",
	    "4 [one]\n"
	    "5 a=1\n"
	    "6 b=two words\n"
	    "7 [edge-pool \"x y\"]\n"
	    "8 [three]\n"
	    "9 []\n"
	    "10 c=x\n"
	    "11 d=x;not one\n"
	    "12 e=x #not one either\n"
	    "12 end\n");
	/* No lines at all: only the end, after line 0. */
	parses("", "0 end\n");
}

/* CR LF line ends, and a last line without its end. */
static void
test_line_ends(void **state)
{
	(void)state;
	parses("[s]\r\na = 1\r\nb = 2", "1 [s]\n2 a=1\n3 b=2\n3 end\n");
	parses("[s] \r\n", "1 [s]\n1 end\n");
}

/*
 * A byte order mark starts the text unseen; one anywhere else on line 1
 * is refused, as inih would skip it and a header after it unseen.
 */
static void
test_bom(void **state)
{
	(void)state;
	parses("\xef\xbb\xbf[s]\na = 1\n", "1 [s]\n2 a=1\n2 end\n");
	parses("\xef\xbb\xbf", "0 end\n");
	fails("\xef\xbb\xbf\xef\xbb\xbf[s]\n", 1,
	    "a byte order mark after the start of the text");
	fails(" \xef\xbb\xbf[s]\n", 1,
	    "a byte order mark after the start of the text");
}

/*
 * Leading blanks are stripped: an indented key is a key of its own,
 * never the continuation of the value above, and an indented header is
 * a header.
 */
static void
test_leading_blanks(void **state)
{
	(void)state;
	parses("[s]\na = 1\n  b = 2\n\tc = 3\n\v\fd = 4\n  [t]\n   ; note\n",
	    "1 [s]\n2 a=1\n3 b=2\n4 c=3\n5 d=4\n6 [t]\n7 end\n");
	/* Not a continuation: a line without '=' is still refused. */
	fails("[s]\na = 1\n  more words\n", 3,
	    "not a [section] header, key = value, or comment");
}

/* A NUL byte is refused on its line, whatever follows it. */
static void
test_nul(void **state)
{
	static const char	text[] = "[s]\na = 1\nb = \0x\n";

	(void)state;
	fails_len(text, sizeof(text) - 1, 3, "a NUL byte");
	fails_len("\0", 1, 1, "a NUL byte");
}

/*
 * A line of EP_INI_LINE_MAX characters is read whole, its end not
 * counted, blanks counted; one more character is refused, never split.
 */
static void
test_long_line(void **state)
{
	char	text[TEXT_MAX], want[TEXT_MAX], reason[64];
	int	n = EP_INI_LINE_MAX - 4;

	(void)state;
	snprintf(text, sizeof(text), "k = %0*d\r\n", n, 0);
	snprintf(want, sizeof(want), "1 k=%0*d\n1 end\n", n, 0);
	parses(text, want);
	snprintf(text, sizeof(text), " k = %0*d\n", n, 0);
	snprintf(reason, sizeof(reason), "a line longer than %d characters",
	    EP_INI_LINE_MAX);
	fails(text, 1, reason);
	snprintf(text, sizeof(text), "[s]\n; %0*d\n", EP_INI_LINE_MAX - 1, 0);
	fails(text, 2, reason);
}

/* Header lines: a ']' closes them, and only a comment may follow. */
static void
test_header_errors(void **state)
{
	(void)state;
	fails("[s]\n[t\n", 2, "a section header without ']'");
	fails("[s] x\n", 1, "text after the section header");
	fails("[s]] \n", 1, "text after the section header");
	fails("a = 1\n[fail]\n", 2, "header failed");
}

/* A key without a value is refused by its name. */
static void
test_no_value(void **state)
{
	(void)state;
	fails("[s]\na =\n", 2, "a: no value");
	fails("[s]\na = ; a comment only\n", 2, "a: no value");
}

/* inih's complaint: a line that is no header, key = value or comment. */
static void
test_inih_complaint(void **state)
{
	(void)state;
	fails("[s]\na = 1\nwords only\n", 3,
	    "not a [section] header, key = value, or comment");
}

/*
 * The first error by line wins, whoever finds it: inih, which reports
 * only at the end, or a callback, or this module.
 */
static void
test_first_error_wins(void **state)
{
	static const char	nul[] = "x\n\0\n";

	(void)state;
	fails("[s]\nwords\nfail = later\n", 2,
	    "not a [section] header, key = value, or comment");
	fails("[s]\nfail = first\nwords\n", 2, "failed: first");
	fails("words\n[fail]\n", 1,
	    "not a [section] header, key = value, or comment");
	fails("[fail]\nwords\n", 1, "header failed");
	fails("fail = one\nfail = two\n", 1, "failed: one");
	fails_len(nul, sizeof(nul) - 1, 1,
	    "not a [section] header, key = value, or comment");
}

/*
 * The end callback comes after the last line only when nothing failed,
 * and may fail at an earlier line; a text of no lines fails at line 1.
 */
static void
test_end(void **state)
{
	struct run	r;
	char		err[ERR_MAX];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.end_fail = 2;
	assert_int_equal(parse_len(&r, "[s]\na = 1\nb = 2\n", 16, err), -1);
	assert_string_equal(err, LABEL ":2: end failed");
	assert_string_equal(r.log, "1 [s]\n2 a=1\n3 b=2\n3 end\n");

	memset(&r, 0, sizeof(r));
	r.end_fail = END_HERE;
	assert_int_equal(parse_len(&r, "", 0, err), -1);
	assert_string_equal(err, LABEL ":1: end failed");
	assert_string_equal(r.log, "0 end\n");
}

/* The message is cut to fit err. */
static void
test_short_err(void **state)
{
	struct run	r;
	char		err[8];

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(ep_ini_parse(LABEL, "x\n", 2, &spec, &r, err,
	    sizeof(err)), -1);
	assert_string_equal(err, LABEL ":1");
}

/* The value parsers, each through a key of its own. */
static int
key_number(struct ep_ini *ini, struct run *r, const char *name,
    const char *value)
{
	return ep_ini_number(ini, name, value, 5, 300, &r->num);
}

static int
key_number_max(struct ep_ini *ini, struct run *r, const char *name,
    const char *value)
{
	return ep_ini_number(ini, name, value, 0, (unsigned long)-1, &r->num);
}

static int
key_port(struct ep_ini *ini, struct run *r, const char *name,
    const char *value)
{
	return ep_ini_port(ini, name, value, &r->port);
}

static const struct ep_ini_word colours[] = {
	{ "red", 10 },
	{ "green", 20 },
	{ "blue", 30 },
};

static int
key_word(struct ep_ini *ini, struct run *r, const char *name,
    const char *value)
{
	return ep_ini_word(ini, name, value, colours, NELEM(colours),
	    &r->word);
}

static int
key_word1(struct ep_ini *ini, struct run *r, const char *name,
    const char *value)
{
	return ep_ini_word(ini, name, value, colours, 1, &r->word);
}

static int
key_yesno(struct ep_ini *ini, struct run *r, const char *name,
    const char *value)
{
	return ep_ini_yesno(ini, name, value, &r->word);
}

static int
key_host(struct ep_ini *ini, struct run *r, const char *name,
    const char *value)
{
	return ep_ini_host(ini, name, value, r->text, sizeof(r->text));
}

static int
key_text(struct ep_ini *ini, struct run *r, const char *name,
    const char *value)
{
	return ep_ini_text(ini, name, value, r->text, 6);
}

/* Each item of a list in the log; an item "bad" fails. */
static int
list_item(struct ep_ini *ini, void *arg, const char *item)
{
	struct run	*r = arg;

	if (strcmp(item, "bad") == 0)
		return ep_ini_fail(ini, "item %s is bad", item);
	say(r, "<%s>", item);
	return 0;
}

static int
key_list(struct ep_ini *ini, struct run *r, const char *name,
    const char *value)
{
	return ep_ini_list(ini, name, value, list_item, r);
}

static int
key_split(struct ep_ini *ini, struct run *r, const char *name,
    const char *value)
{
	return ep_ini_split(ini, name, value, "none", r->items,
	    NELEM(r->items), &r->nitems);
}

static int
key_split_no_none(struct ep_ini *ini, struct run *r, const char *name,
    const char *value)
{
	return ep_ini_split(ini, name, value, NULL, r->items, 2, &r->nitems);
}

/* "k = value" parsed with fn as the key callback must succeed into *r. */
static void
value_ok(int (*fn)(struct ep_ini *, struct run *, const char *,
    const char *), const char *value, struct run *r)
{
	char	text[TEXT_MAX], err[ERR_MAX];

	memset(r, 0, sizeof(*r));
	r->on_key = fn;
	snprintf(text, sizeof(text), "k = %s\n", value);
	if (parse_len(r, text, strlen(text), err) != 0)
		fail_msg("'%s': %s", value, err);
}

/* As value_ok, failing with exactly "t.ini:1: reason". */
static void
value_fails(int (*fn)(struct ep_ini *, struct run *, const char *,
    const char *), const char *value, const char *reason)
{
	struct run	r;
	char		text[TEXT_MAX], err[ERR_MAX], want[ERR_MAX];

	memset(&r, 0, sizeof(r));
	r.on_key = fn;
	snprintf(text, sizeof(text), "k = %s\n", value);
	assert_int_equal(parse_len(&r, text, strlen(text), err), -1);
	snprintf(want, sizeof(want), LABEL ":1: %s", reason);
	assert_string_equal(err, want);
}

/* Whole numbers: min and max taken, one past either refused; digits only. */
static void
test_number(void **state)
{
	static const char *const	 bad[] = { "4", "301", "-5", "+5",
	    "5x", "0x10", "5.0", "1 000", "99999999999999999999999999" };
	struct run			 r;
	char				 why[128];
	size_t				 i;

	(void)state;
	value_ok(key_number, "5", &r);
	assert_int_equal(r.num, 5);
	value_ok(key_number, "300", &r);
	assert_int_equal(r.num, 300);
	value_ok(key_number, "0042", &r);
	assert_int_equal(r.num, 42);
	for (i = 0; i < NELEM(bad); i++) {
		snprintf(why, sizeof(why), "k '%s': expected a whole number "
		    "from 5 to 300", bad[i]);
		value_fails(key_number, bad[i], why);
	}
	/* The largest number there is, and one past it: no wrap. */
	value_ok(key_number_max, "18446744073709551615", &r);
	assert_true(r.num == (unsigned long)-1);
	value_fails(key_number_max, "18446744073709551616",
	    "k '18446744073709551616': expected a whole number from 0 to "
	    "18446744073709551615");
}

/* Ports: 1 and 65535 taken; 0, 65536 and anything but digits refused. */
static void
test_port(void **state)
{
	struct run	r;

	(void)state;
	value_ok(key_port, "1", &r);
	assert_int_equal(r.port, 1);
	value_ok(key_port, "65535", &r);
	assert_int_equal(r.port, 65535);
	value_fails(key_port, "0", "k '0': a port is a number from 1 to "
	    "65535");
	value_fails(key_port, "65536", "k '65536': a port is a number from 1 "
	    "to 65535");
	value_fails(key_port, "https", "k 'https': a port is a number from 1 "
	    "to 65535");
}

/* Words of a table, case-sensitive; the error lists every choice. */
static void
test_word(void **state)
{
	struct run	r;

	(void)state;
	value_ok(key_word, "red", &r);
	assert_int_equal(r.word, 10);
	value_ok(key_word, "blue", &r);
	assert_int_equal(r.word, 30);
	value_fails(key_word, "Red", "k 'Red': expected red, green or blue");
	value_fails(key_word, "redd", "k 'redd': expected red, green or blue");
	value_fails(key_word1, "green", "k 'green': expected red");
	value_ok(key_yesno, "yes", &r);
	assert_int_equal(r.word, 1);
	value_ok(key_yesno, "no", &r);
	assert_int_equal(r.word, 0);
	value_fails(key_yesno, "true", "k 'true': expected yes or no");
}

/*
 * Host names come out normalized; IP addresses and bad names are refused,
 * each saying why.
 */
static void
test_host(void **state)
{
	char		long_label[80], name[EP_NAME_MAX + 16], why[512];
	struct run	r;

	(void)state;
	value_ok(key_host, "Sip.Contoso.COM.", &r);
	assert_string_equal(r.text, "sip.contoso.com");
	value_fails(key_host, "sip..contoso.com",
	    "k 'sip..contoso.com': not a valid host name: an empty label");
	value_fails(key_host, "-sip.contoso.com",
	    "k '-sip.contoso.com': not a valid host name: starts with '-'");
	value_fails(key_host, "sip.-contoso.com",
	    "k 'sip.-contoso.com': not a valid host name: a label starts "
	    "with '-'");
	value_fails(key_host, "192.0.2.1",
	    "k 192.0.2.1: an IP address, not a host name");
	value_fails(key_host, "2001:db8::1",
	    "k 2001:db8::1: an IP address, not a host name");
	/* A label of 63 octets is one, of 64 is not. */
	memset(long_label, 'a', 63);
	long_label[63] = '\0';
	snprintf(name, sizeof(name), "%s.example", long_label);
	value_ok(key_host, name, &r);
	assert_string_equal(r.text, name);
	snprintf(name, sizeof(name), "a%s.example", long_label);
	snprintf(why, sizeof(why), "k '%s': not a valid host name: a label "
	    "longer than 63 bytes", name);
	value_fails(key_host, name, why);
}

/* Text for people: up to the size, without control characters. */
static void
test_text(void **state)
{
	struct run	r;

	(void)state;
	value_ok(key_text, "a b c", &r);
	assert_string_equal(r.text, "a b c");
	value_fails(key_text, "a b cd", "k: longer than 5 characters");
	value_fails(key_text, "a\x01z", "k: holds a control character");
	value_fails(key_text, "a\x7fz", "k: holds a control character");
}

/* Lists: items in order without their blanks; an empty one refused. */
static void
test_list(void **state)
{
	struct run	r;

	(void)state;
	value_ok(key_list, "a", &r);
	assert_string_equal(r.log, "<a>1 end\n");
	value_ok(key_list, "a ,b,\tc d , e", &r);
	assert_string_equal(r.log, "<a><b><c d><e>1 end\n");
	value_fails(key_list, "a,,b", "k: an empty item in the list");
	value_fails(key_list, "a, ,b", "k: an empty item in the list");
	value_fails(key_list, "a,", "k: an empty item in the list");
	value_fails(key_list, ",a", "k: an empty item in the list");
	value_fails(key_list, "a, bad, c", "item bad is bad");
}

/*
 * Lists into an array: up to its count, none alone for no items, an item
 * up to EP_INI_ITEM_MAX - 1 characters.
 */
static void
test_split(void **state)
{
	char		item[EP_INI_ITEM_MAX + 1], text[TEXT_MAX], why[256];
	struct run	r;

	(void)state;
	value_ok(key_split, "a, b ,c,d", &r);
	assert_int_equal(r.nitems, 4);
	assert_string_equal(r.items[0], "a");
	assert_string_equal(r.items[1], "b");
	assert_string_equal(r.items[3], "d");
	value_fails(key_split, "a,b,c,d,e", "k: more than 4 items");
	value_ok(key_split, "none", &r);
	assert_int_equal(r.nitems, 0);
	value_fails(key_split, "a, none", "k: none stands alone, not in a "
	    "list");
	value_fails(key_split, "a,,b", "k: an empty item in the list");
	value_ok(key_split_no_none, "none", &r);
	assert_int_equal(r.nitems, 1);
	value_fails(key_split_no_none, "a,b,c", "k: more than 2 items");

	memset(item, 'x', EP_INI_ITEM_MAX - 1);
	item[EP_INI_ITEM_MAX - 1] = '\0';
	value_ok(key_split, item, &r);
	assert_string_equal(r.items[0], item);
	snprintf(text, sizeof(text), "a, %sx", item);
	snprintf(why, sizeof(why), "k '%sx': longer than %d characters", item,
	    EP_INI_ITEM_MAX - 1);
	value_fails(key_split, text, why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_leading_blanks),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_no_value),
		cmocka_unit_test(test_inih_complaint),
		cmocka_unit_test(test_first_error_wins),
		cmocka_unit_test(test_end),
		cmocka_unit_test(test_short_err),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_port),
		cmocka_unit_test(test_word),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
