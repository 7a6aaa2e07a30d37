/* Unit tests for the host name matcher (src/x509/names.c). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "input/ep_hostname.h"
#include "x509/ep_names.h"

#define NSS_ROWS	134	/* rows in tests/vectors/hostname-nss.json */
#define CURL_ROWS	46	/* rows in tests/vectors/hostname-curl.json */
#define VEC_BYTES_MAX	1024	/* longest presented or reference name in a row */
#define SHOW_MAX	(4 * VEC_BYTES_MAX + 1)	/* a row's name, escaped */
#define PATH_MAX_LEN	4096

#define MATCHES(n, p, r)	ep_names_match((n), (p), strlen(p), (r))

static int
setup(void **state)
{
	struct ep_names	*n;
	char		 err[256];

	if (ep_names_new(&n, NULL, err, sizeof(err)) == -1) {
		print_error("ep_names_new: %s\n", err);
		return -1;
	}
	*state = n;
	return 0;
}

static int
teardown(void **state)
{
	ep_names_free(*state);
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes hex into out (VEC_BYTES_MAX bytes); returns the length or -1. */
static long
unhex(const char *hex, char *out)
{
	size_t	i, len = strlen(hex);
	int	hi, lo;

	if (len % 2 != 0 || len / 2 > VEC_BYTES_MAX)
		return -1;
	for (i = 0; i < len / 2; i++) {
		if ((hi = hexval(hex[2 * i])) == -1 ||
		    (lo = hexval(hex[2 * i + 1])) == -1)
			return -1;
		out[i] = (char)(hi << 4 | lo);
	}
	return (long)(len / 2);
}

/* Writes len bytes of s into out (SHOW_MAX bytes) with C escapes. */
static void
show(const char *s, size_t len, char *out)
{
	size_t		 i, o = 0;
	unsigned char	 c;

	for (i = 0; i < len && i < VEC_BYTES_MAX; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, SHOW_MAX - o, "\\x%02x", c);
	}
	out[o] = '\0';
}

/*
 * Reads the name in field (or its _hex twin, which is exact where the text
 * is lossy) of row into out; returns its length or -1.
 */
static long
row_name(json_t *row, const char *field, char *out)
{
	char		 hexfield[32];
	json_t		*v;
	size_t		 len;

	snprintf(hexfield, sizeof(hexfield), "%s_hex", field);
	if ((v = json_object_get(row, hexfield)) != NULL)
		return json_is_string(v) ? unhex(json_string_value(v), out) : -1;
	if ((v = json_object_get(row, field)) == NULL || !json_is_string(v))
		return -1;
	if ((len = json_string_length(v)) > VEC_BYTES_MAX)
		return -1;
	memcpy(out, json_string_value(v), len);
	return (long)len;
}

/*
 * Runs every row of tests/vectors/hostname-<which>.json through the
 * matcher, reports each row that disagrees with policy_match, and checks
 * the file held nrows rows.
 */
static void
run_vectors(struct ep_names *n, const char *which, size_t nrows)
{
	char		 path[PATH_MAX_LEN];
	char		 pres[VEC_BYTES_MAX], ref[VEC_BYTES_MAX + 1];
	char		 pshow[SHOW_MAX], rshow[SHOW_MAX];
	const char	*dir;
	json_error_t	 jerr;
	json_t		*rows, *row, *want;
	size_t		 i, bad = 0, got_rows;
	long		 plen, rlen;
	int		 got;

	if ((dir = getenv("EP_TEST_DATA")) == NULL || *dir == '\0')
		dir = "tests";
	snprintf(path, sizeof(path), "%s/vectors/hostname-%s.json", dir, which);
	/* The NSS file spells a NUL as \u0000 in its text fields. */
	rows = json_load_file(path, JSON_ALLOW_NUL, &jerr);
	if (rows == NULL)
		fail_msg("%s:%d: %s", path, jerr.line, jerr.text);
	/* An empty or cut file must not pass for want of rows. */
	if ((got_rows = json_array_size(rows)) != nrows) {
		json_decref(rows);
		fail_msg("%s: %zu rows, expected %zu", path, got_rows, nrows);
	}

	json_array_foreach(rows, i, row) {
		plen = row_name(row, "presented", pres);
		rlen = row_name(row, "reference", ref);
		want = json_object_get(row, "policy_match");
		if (plen == -1 || rlen == -1 || !json_is_boolean(want) ||
		    memchr(ref, '\0', (size_t)rlen) != NULL) {
			print_error("%s row %zu: malformed\n", which, i);
			bad++;
			continue;
		}
		ref[rlen] = '\0';
		got = ep_names_match(n, pres, (size_t)plen, ref) !=
		    EP_NAME_NO_MATCH;
		if (got != json_is_true(want)) {
			show(pres, (size_t)plen, pshow);
			show(ref, (size_t)rlen, rshow);
			print_error("%s row %zu: presented \"%s\" reference "
			    "\"%s\": expected %s, got %s\n", which, i, pshow,
			    rshow, json_is_true(want) ? "match" : "no match",
			    got ? "match" : "no match");
			bad++;
		}
	}
	json_decref(rows);
	if (bad > 0)
		fail_msg("%s: %zu of %zu rows disagree with policy_match",
		    path, bad, nrows);
}

/* Every NSS (mozilla::pkix) vector gives its policy_match. */
static void
test_vectors_nss_follow_policy(void **state)
{
	run_vectors(*state, "nss", NSS_ROWS);
}

/* Every curl vector gives its policy_match. */
static void
test_vectors_curl_follow_policy(void **state)
{
	run_vectors(*state, "curl", CURL_ROWS);
}

/* An identical name is EXACT, a different one NO_MATCH. */
static void
test_exact_match_returns_exact(void **state)
{
	assert_int_equal(MATCHES(*state, "sip.contoso.test",
	    "sip.contoso.test"), EP_NAME_EXACT);
	assert_int_equal(MATCHES(*state, "sip.contoso.test",
	    "sipx.contoso.test"), EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "sip.contoso.test",
	    "sip.contoso.tes"), EP_NAME_NO_MATCH);
}

/* A wildcard covering the lab's .test names is WILDCARD. */
static void
test_wildcard_match_returns_wildcard(void **state)
{
	assert_int_equal(MATCHES(*state, "*.contoso.test", "sip.contoso.test"),
	    EP_NAME_WILDCARD);
	assert_int_equal(MATCHES(*state, "*.contoso.test",
	    "access-edge_1.contoso.test"), EP_NAME_WILDCARD);
	assert_int_equal(MATCHES(*state, "*.example.local",
	    "x.example.local"), EP_NAME_WILDCARD);
}

/* "*" covers exactly one label: not zero, not two. */
static void
test_wildcard_covers_one_label(void **state)
{
	assert_int_equal(MATCHES(*state, "*.contoso.test", "contoso.test"),
	    EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "*.contoso.test",
	    "a.b.contoso.test"), EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "*.contoso.test", ".contoso.test"),
	    EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "*.contoso.test", "sip.contoso.com"),
	    EP_NAME_NO_MATCH);
}

/* A wildcard over a TLD or an ICANN public suffix matches nothing. */
static void
test_wildcard_over_public_suffix_never_matches(void **state)
{
	assert_int_equal(MATCHES(*state, "*.com", "example.com"),
	    EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "*.test", "contoso.test"),
	    EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "*.local", "host.local"),
	    EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "*.co.uk", "example.co.uk"),
	    EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "*.co.uk.", "example.co.uk"),
	    EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "*.CO.UK", "example.co.uk"),
	    EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "*.com.br", "example.com.br"),
	    EP_NAME_NO_MATCH);
	/* The list's "*.ck" rule makes every second-level .ck a suffix. */
	assert_int_equal(MATCHES(*state, "*.foo.ck", "www.foo.ck"),
	    EP_NAME_NO_MATCH);
	/* One level below a public suffix is a registrable domain. */
	assert_int_equal(MATCHES(*state, "*.example.co.uk",
	    "www.example.co.uk"), EP_NAME_WILDCARD);
}

/* Suffixes from the list's private section do not stop a wildcard. */
static void
test_wildcard_over_private_suffix_matches(void **state)
{
	assert_int_equal(MATCHES(*state, "*.appspot.com", "x.appspot.com"),
	    EP_NAME_WILDCARD);
	assert_int_equal(MATCHES(*state, "*.s3.amazonaws.com",
	    "bucket.s3.amazonaws.com"), EP_NAME_WILDCARD);
}

/* Names compare ASCII case-insensitively on both sides. */
static void
test_match_ignores_ascii_case(void **state)
{
	assert_int_equal(MATCHES(*state, "SIP.Contoso.TEST",
	    "sip.contoso.test"), EP_NAME_EXACT);
	assert_int_equal(MATCHES(*state, "sip.contoso.test",
	    "SIP.CONTOSO.TEST"), EP_NAME_EXACT);
	assert_int_equal(MATCHES(*state, "*.CONTOSO.test", "Sip.Contoso.Test"),
	    EP_NAME_WILDCARD);
	/* Latin-1 upper/lower case is not ASCII case. */
	assert_int_equal(ep_names_match(*state, "\xc9.contoso.test", 14,
	    "\xe9.contoso.test"), EP_NAME_NO_MATCH);
}

/* One trailing dot on either side is ignored; two are not. */
static void
test_match_ignores_one_trailing_dot(void **state)
{
	assert_int_equal(MATCHES(*state, "sip.contoso.test.",
	    "sip.contoso.test"), EP_NAME_EXACT);
	assert_int_equal(MATCHES(*state, "sip.contoso.test",
	    "sip.contoso.test."), EP_NAME_EXACT);
	assert_int_equal(MATCHES(*state, "sip.contoso.test.",
	    "sip.contoso.test."), EP_NAME_EXACT);
	assert_int_equal(MATCHES(*state, "*.contoso.test.",
	    "sip.contoso.test."), EP_NAME_WILDCARD);
	assert_int_equal(MATCHES(*state, "sip.contoso.test..",
	    "sip.contoso.test"), EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "sip.contoso.test",
	    "sip.contoso.test.."), EP_NAME_NO_MATCH);
}

/* An IP reference never matches a dNSName, not even its own text. */
static void
test_ip_reference_never_matches_dns_name(void **state)
{
	assert_int_equal(MATCHES(*state, "192.0.2.1", "192.0.2.1"),
	    EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "*.0.2.1", "192.0.2.1"),
	    EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "192.0.2.1.", "192.0.2.1."),
	    EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "2001:db8::1", "2001:db8::1"),
	    EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "sip.contoso.test", "192.0.2.1"),
	    EP_NAME_NO_MATCH);
}

/* A NUL inside the presented bytes makes it invalid, wherever it sits. */
static void
test_embedded_nul_never_matches(void **state)
{
	static const char	 evil[] = "sip.contoso.test\0.evil.com";
	static const char	 trail[] = "sip.contoso.test\0";
	static const char	 wild[] = "*.contoso.test\0";

	assert_int_equal(ep_names_match(*state, evil, sizeof(evil) - 1,
	    "sip.contoso.test"), EP_NAME_NO_MATCH);
	assert_int_equal(ep_names_match(*state, trail, sizeof(trail) - 1,
	    "sip.contoso.test"), EP_NAME_NO_MATCH);
	assert_int_equal(ep_names_match(*state, wild, sizeof(wild) - 1,
	    "sip.contoso.test"), EP_NAME_NO_MATCH);
	/* The length given is the name, whatever follows in memory. */
	assert_int_equal(ep_names_match(*state, evil, 16,
	    "sip.contoso.test"), EP_NAME_EXACT);
}

/* Presented names that break the LDH, wildcard or length rules fail. */
static void
test_invalid_presented_never_matches(void **state)
{
	static const struct {
		const char	*presented;
		const char	*reference;
	} bad[] = {
		{ "", "a.test" },
		{ ".", "a.test" },
		{ "sip_1.contoso.test", "sip_1.contoso.test" },
		{ "sip .contoso.test", "sip .contoso.test" },
		{ " sip.contoso.test", "sip.contoso.test" },
		{ "-sip.contoso.test", "-sip.contoso.test" },
		{ "sip-.contoso.test", "sip-.contoso.test" },
		{ "sip..contoso.test", "sip.contoso.test" },
		{ ".sip.contoso.test", "sip.contoso.test" },
		{ "sip.contoso.123", "sip.contoso.123" },
		{ "s*.contoso.test", "sip.contoso.test" },
		{ "*ip.contoso.test", "sip.contoso.test" },
		{ "**.contoso.test", "sip.contoso.test" },
		{ "*.*.contoso.test", "a.sip.contoso.test" },
		{ "sip.*.test", "sip.contoso.test" },
		{ "sip.contoso.*", "sip.contoso.test" },
		{ "*", "test" },
		{ "*.", "test" },
		{ "*.contoso", "sip.contoso" },
		{ "sip.contoso.test\xff", "sip.contoso.test" },
	};
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (MATCHES(*state, bad[i].presented, bad[i].reference) !=
		    EP_NAME_NO_MATCH)
			fail_msg("\"%s\" matched \"%s\"", bad[i].presented,
			    bad[i].reference);
	}
}

/* Fills out with "aaa...a" labels of lablen joined by dots, total len. */
static void
make_name(char *out, size_t len, size_t lablen)
{
	size_t	i;

	for (i = 0; i < len; i++)
		out[i] = (i + 1) % (lablen + 1) == 0 ? '.' : 'a';
	out[len] = '\0';
}

/* Labels of 63 and names of 253 octets pass; 64 and 254 do not. */
static void
test_length_limits(void **state)
{
	char	name[300], dotted[sizeof(name) + 1], l63[80], l64[80];

	memset(l63, 'a', 63);
	memcpy(l63 + 63, ".contoso.test", 14);
	memset(l64, 'a', 64);
	memcpy(l64 + 64, ".contoso.test", 14);
	assert_int_equal(MATCHES(*state, l63, l63), EP_NAME_EXACT);
	assert_int_equal(MATCHES(*state, "*.contoso.test", l63),
	    EP_NAME_WILDCARD);
	assert_int_equal(MATCHES(*state, l64, l64), EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(*state, "*.contoso.test", l64),
	    EP_NAME_NO_MATCH);
	assert_true(ep_host_valid(l63));
	assert_false(ep_host_valid(l64));

	/* labels of 9 octets, the last one of 3 */
	make_name(name, 253, 9);
	assert_int_equal(strlen(name), 253);
	assert_int_equal(MATCHES(*state, name, name), EP_NAME_EXACT);
	assert_true(ep_host_valid(name));
	snprintf(dotted, sizeof(dotted), "%s.", name);
	assert_int_equal(MATCHES(*state, dotted, dotted), EP_NAME_EXACT);
	assert_true(ep_host_valid(dotted));

	make_name(name, 254, 9);
	assert_int_equal(MATCHES(*state, name, name), EP_NAME_NO_MATCH);
	assert_false(ep_host_valid(name));
	snprintf(dotted, sizeof(dotted), "%s.", name);
	assert_false(ep_host_valid(dotted));
}

/* Valid and invalid reference names. */
static void
test_valid_reference(void **state)
{
	(void)state;
	assert_true(ep_host_valid("sip.contoso.test"));
	assert_true(ep_host_valid("sip.contoso.test."));
	assert_true(ep_host_valid("SIP.Contoso.Test"));
	assert_true(ep_host_valid("localhost"));
	assert_true(ep_host_valid("_sip._tls.contoso.test"));
	assert_true(ep_host_valid("-.contoso.test"));
	assert_true(ep_host_valid("xn--l8j.example.net"));

	assert_false(ep_host_valid(NULL));
	assert_false(ep_host_valid(""));
	assert_false(ep_host_valid("."));
	assert_false(ep_host_valid("sip.contoso.test.."));
	assert_false(ep_host_valid(".sip.contoso.test"));
	assert_false(ep_host_valid("sip..contoso.test"));
	assert_false(ep_host_valid("sip contoso.test"));
	assert_false(ep_host_valid(" sip.contoso.test"));
	assert_false(ep_host_valid("*.contoso.test"));
	assert_false(ep_host_valid("sip.contoso.test:5061"));
	assert_false(ep_host_valid("\xfe\xfe.contoso.test"));
	assert_false(ep_host_valid("192.0.2.1"));
	assert_false(ep_host_valid("192.0.2.1."));
	assert_false(ep_host_valid("2001:db8::1"));
}

/*
 * A name to look up, as the admin gives one: a reference name whose
 * labels do not start with '-', each refusal saying why.
 */
static void
test_host_problem(void **state)
{
	char	name[300], l64[80];

	(void)state;
	assert_null(ep_host_problem("sip.contoso.test"));
	assert_null(ep_host_problem("sip.contoso.test."));
	assert_null(ep_host_problem("_sip._tls.contoso.test"));
	assert_null(ep_host_problem("xn--l8j.example.net"));
	assert_null(ep_host_problem("edge-1.contoso.test"));
	assert_null(ep_host_problem("edge-.contoso.test"));

	assert_string_equal(ep_host_problem("-x.contoso.test"),
	    "starts with '-'");
	assert_string_equal(ep_host_problem("--json"), "starts with '-'");
	assert_string_equal(ep_host_problem("sip.-contoso.test"),
	    "a label starts with '-'");
	assert_string_equal(ep_host_problem("-.contoso.test"),
	    "starts with '-'");
	assert_string_equal(ep_host_problem(""), "empty");
	assert_string_equal(ep_host_problem("."), "empty");
	assert_string_equal(ep_host_problem("sip..contoso.test"),
	    "an empty label");
	assert_string_equal(ep_host_problem(".contoso.test"),
	    "an empty label");
	assert_string_equal(ep_host_problem("192.0.2.1"),
	    "an IP address, not a host name");
	assert_non_null(strstr(ep_host_problem("a\x1b[31m.test"),
	    "a character other than"));
	memset(l64, 'a', 64);
	memcpy(l64 + 64, ".contoso.test", 14);
	assert_string_equal(ep_host_problem(l64),
	    "a label longer than 63 bytes");
	make_name(name, 254, 9);
	assert_string_equal(ep_host_problem(name), "longer than 253 bytes");
	make_name(name, 253, 9);
	assert_null(ep_host_problem(name));
	/* Matching takes what looking up does not. */
	assert_true(ep_host_valid("-x.contoso.test"));
}

/* Normalizing lowercases, drops one trailing dot, refuses bad names. */
static void
test_normalize(void **state)
{
	char	out[256], small[17];

	(void)state;
	assert_int_equal(ep_host_normalize("SIP.Contoso.Test.", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "sip.contoso.test");
	assert_int_equal(ep_host_normalize("_SIP._TLS.contoso.test", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "_sip._tls.contoso.test");

	/* 16 octets and the NUL fit in 17 bytes, not in 16 */
	assert_int_equal(ep_host_normalize("sip.contoso.test", small,
	    sizeof(small)), 0);
	assert_string_equal(small, "sip.contoso.test");
	assert_int_equal(ep_host_normalize("sip.contoso.test", small,
	    sizeof(small) - 1), -1);
	assert_string_equal(small, "");

	assert_int_equal(ep_host_normalize("", out, sizeof(out)), -1);
	assert_int_equal(ep_host_normalize("a..b", out, sizeof(out)), -1);
	assert_int_equal(ep_host_normalize("a.b..", out, sizeof(out)), -1);
	assert_int_equal(ep_host_normalize("a b", out, sizeof(out)), -1);
	assert_int_equal(ep_host_normalize("*.b", out, sizeof(out)), -1);
	assert_int_equal(ep_host_normalize("192.0.2.1", out, sizeof(out)),
	    -1);
	assert_int_equal(ep_host_normalize(NULL, out, sizeof(out)), -1);
	assert_int_equal(ep_host_normalize("a.b", NULL, 0), -1);
}

/* IPv4 and IPv6 literals are recognized, host names and junk are not. */
static void
test_is_ip_literal(void **state)
{
	(void)state;
	assert_true(ep_host_is_ip("192.0.2.1"));
	assert_true(ep_host_is_ip("0.0.0.0"));
	assert_true(ep_host_is_ip("::1"));
	assert_true(ep_host_is_ip("2001:db8::1"));
	assert_true(ep_host_is_ip("fe80::3285:a9ff:fe46:b619"));
	assert_true(ep_host_is_ip(
	    "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"));

	assert_false(ep_host_is_ip(NULL));
	assert_false(ep_host_is_ip(""));
	assert_false(ep_host_is_ip("sip.contoso.test"));
	assert_false(ep_host_is_ip("192.0.2"));
	assert_false(ep_host_is_ip("192.0.2.256"));
	assert_false(ep_host_is_ip(" 192.0.2.1"));
	assert_false(ep_host_is_ip("[::1]"));
	assert_false(ep_host_is_ip("fe80::1%eth0"));
	assert_false(ep_host_is_ip("2001:db8::1:"));
}

/* NULL arguments match nothing; freeing NULL is harmless. */
static void
test_null_arguments(void **state)
{
	assert_int_equal(ep_names_match(NULL, "a.test", 6, "a.test"),
	    EP_NAME_NO_MATCH);
	assert_int_equal(ep_names_match(*state, NULL, 0, "a.test"),
	    EP_NAME_NO_MATCH);
	assert_int_equal(ep_names_match(*state, "a.test", 6, NULL),
	    EP_NAME_NO_MATCH);
	ep_names_free(NULL);
}

/* Writes text to a fresh temporary file; its name goes to path. */
static void
write_temp(char *path, size_t pathlen, const char *text)
{
	const char	*dir;
	size_t		 len = strlen(text);
	int		 fd;

	if ((dir = getenv("TMPDIR")) == NULL || *dir == '\0')
		dir = "/tmp";
	snprintf(path, pathlen, "%s/ep_names_psl.XXXXXX", dir);
	assert_int_not_equal(fd = mkstemp(path), -1);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* A list file that cannot be read is an error with a reason. */
static void
test_new_fails_on_missing_file(void **state)
{
	struct ep_names	*n;
	char		 err[256] = "", dummy;

	(void)state;
	/* so that the test sees ep_names_new clear it */
	n = (struct ep_names *)(void *)&dummy;
	assert_int_equal(ep_names_new(&n, "/nonexistent/psl.dat", err,
	    sizeof(err)), -1);
	assert_null(n);
	assert_non_null(strstr(err, "/nonexistent/psl.dat"));
}

/* A file without an ICANN section would pass every wildcard: refused. */
static void
test_new_fails_without_icann_section(void **state)
{
	struct ep_names	*n = NULL;
	char		 path[PATH_MAX_LEN], err[256] = "";

	(void)state;
	write_temp(path, sizeof(path), "com\nco.uk\n");
	assert_int_equal(ep_names_new(&n, path, err, sizeof(err)), -1);
	unlink(path);
	assert_null(n);
	assert_string_not_equal(err, "");
}

/* A list file given by name is the one used. */
static void
test_new_reads_given_file(void **state)
{
	struct ep_names	*n;
	char		 path[PATH_MAX_LEN], err[256] = "";

	(void)state;
	write_temp(path, sizeof(path),
	    "// ===BEGIN ICANN DOMAINS===\ncom\nuk\nco.uk\n"
	    "// ===END ICANN DOMAINS===\n"
	    "// ===BEGIN PRIVATE DOMAINS===\nappspot.com\n"
	    "// ===END PRIVATE DOMAINS===\n");
	assert_int_equal(ep_names_new(&n, path, err, sizeof(err)), 0);
	unlink(path);
	assert_non_null(n);
	assert_int_equal(MATCHES(n, "*.co.uk", "a.co.uk"), EP_NAME_NO_MATCH);
	assert_int_equal(MATCHES(n, "*.appspot.com", "a.appspot.com"),
	    EP_NAME_WILDCARD);
	/* com.br is a suffix in the real list, not in this one. */
	assert_int_equal(MATCHES(n, "*.com.br", "a.com.br"),
	    EP_NAME_WILDCARD);
	ep_names_free(n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_nss_follow_policy),
		cmocka_unit_test(test_vectors_curl_follow_policy),
		cmocka_unit_test(test_exact_match_returns_exact),
		cmocka_unit_test(test_wildcard_match_returns_wildcard),
		cmocka_unit_test(test_wildcard_covers_one_label),
		cmocka_unit_test(test_wildcard_over_public_suffix_never_matches),
		cmocka_unit_test(test_wildcard_over_private_suffix_matches),
		cmocka_unit_test(test_match_ignores_ascii_case),
		cmocka_unit_test(test_match_ignores_one_trailing_dot),
		cmocka_unit_test(test_ip_reference_never_matches_dns_name),
		cmocka_unit_test(test_embedded_nul_never_matches),
		cmocka_unit_test(test_invalid_presented_never_matches),
		cmocka_unit_test(test_length_limits),
		cmocka_unit_test(test_valid_reference),
		cmocka_unit_test(test_host_problem),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_is_ip_literal),
		cmocka_unit_test(test_null_arguments),
		cmocka_unit_test(test_new_fails_on_missing_file),
		cmocka_unit_test(test_new_fails_without_icann_section),
		cmocka_unit_test(test_new_reads_given_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
