/*
 * Unit tests for the escaping of outside strings (src/report/escape.c),
 * and for the reports that use it (src/report/text.c, json.c, nagios.c,
 * prometheus.c): a certificate made here with C0 and C1 controls, ESC
 * sequences, NUL, BEL, bidirectional overrides and invalid UTF-8 in its
 * subject, issuer and SAN goes through every output, and no raw control
 * byte comes out; the metrics keep the exposition format's rules, and
 * promtool, where it is installed, accepts them.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <jansson.h>

#include "judge/ep_rules.h"
#include "report/ep_escape.h"
#include "report/ep_nagios.h"
#include "report/ep_prometheus.h"
#include "report/ep_report.h"
#include "exposition.h"
#include "fixture.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* What a terminal acts on: C0 but the newline, DEL, and C1 as UTF-8. */
static void
assert_no_raw_control(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			fail_msg("raw byte 0x%02x at %zu: %.*s", c, i,
			    (int)(len - i < 40 ? len - i : 40), s + i);
		if (c == 0xc2 && i + 1 < len &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			fail_msg("raw C1 control at %zu", i);
		if (c == 0xe2 && i + 2 < len &&
		    (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] == 0xae)
			fail_msg("raw U+202E at %zu", i);
	}
}

/* Every byte is part of valid UTF-8 (jansson checks it for us). */
static void
assert_utf8(const char *s, size_t len)
{
	json_t	*j = json_stringn(s, len);

	if (j == NULL)
		fail_msg("not valid UTF-8: %.*s", (int)len, s);
	json_decref(j);
}

struct esc_case {
	const char	*in;
	size_t		 len;
	const char	*out;
};

#define IN(s)	(s), sizeof(s) - 1

/* The text form of each kind of byte a certificate may hold. */
static void
test_text(void **state)
{
	static const struct esc_case	v[] = {
		{ IN("sip.contoso.example"), "sip.contoso.example" },
		{ IN("a\x1b[2Jb"), "a\\x1b[2Jb" },
		{ IN("x\x1b]0;t\x07y"), "x\\x1b]0;t\\x07y" },
		{ IN("nul\0here"), "nul\\x00here" },
		{ IN("tab\tnl\ncr\r"), "tab\\x09nl\\x0acr\\x0d" },
		{ IN("del\x7f"), "del\\x7f" },
		{ IN("c1\xc2\x9b" "x"), "c1\\xc2\\x9bx" },
		{ IN("bad\xff\xfe"), "bad\\xff\\xfe" },
		{ IN("cut\xc3"), "cut\\xc3" },
		{ IN("overlong\xc0\xaf"), "overlong\\xc0\\xaf" },
		{ IN("surrogate\xed\xa0\x80"), "surrogate\\xed\\xa0\\x80" },
		{ IN("rlo\xe2\x80\xae" "abc"), "rlo\\xe2\\x80\\xaeabc" },
		{ IN("zwsp\xe2\x80\x8b"), "zwsp\\xe2\\x80\\x8b" },
		{ IN("back\\slash"), "back\\\\slash" },
		{ IN("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92"),
		    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92" },
	};
	char	out[128];
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(v); i++) {
		ep_esc_text(v[i].in, v[i].len, out, sizeof(out));
		if (strcmp(out, v[i].out) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, out,
			    v[i].out);
		assert_no_raw_control(out, strlen(out));
		assert_utf8(out, strlen(out));
	}
}

/* Text too long is cut at a whole character and marked, never split. */
static void
test_text_cut(void **state)
{
	char	out[12];

	(void)state;
	ep_esc_str("abcdefghijklmnop", out, sizeof(out));
	assert_string_equal(out, "abcdefgh...");
	ep_esc_str("abcdefghijk", out, sizeof(out));
	assert_string_equal(out, "abcdefghijk");
	/* \x1b is 4 bytes out: it does not fit whole, so it is left out. */
	ep_esc_text("abcdefg\x1bhi", 10, out, sizeof(out));
	assert_string_equal(out, "abcdefg...");
	ep_esc_str("", out, sizeof(out));
	assert_string_equal(out, "");
}

/* Plugin output: the text form, and '|' spelled out, never raw. */
static void
test_nagios(void **state)
{
	static const struct esc_case	v[] = {
		{ IN("webcon.contoso.example"), "webcon.contoso.example" },
		{ IN("CN=a|b"), "CN=a\\x7cb" },
		{ IN("x | y=1;2"), "x \\x7c y=1;2" },
		{ IN("a\x1b[2J\nb"), "a\\x1b[2J\\x0ab" },
		{ IN("bad\xff"), "bad\\xff" },
		{ IN("back\\slash"), "back\\\\slash" },
	};
	char	out[128];
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(v); i++) {
		ep_esc_nagios(v[i].in, v[i].len, out, sizeof(out));
		if (strcmp(out, v[i].out) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, out,
			    v[i].out);
		assert_null(strchr(out, '|'));
		assert_no_raw_control(out, strlen(out));
	}
}

/*
 * Reads back an exposition-format label value the way Prometheus's text
 * parser does: only \\, \" and \n are escapes, a raw '"' or newline
 * ends it wrongly.  Returns 0 and the value in out, or -1.
 */
static int
prom_unescape(const char *s, char *out, size_t outlen)
{
	size_t	o = 0;

	for (; *s != '\0' && o + 1 < outlen; s++) {
		if (*s == '"' || *s == '\n')
			return -1;
		if (*s != '\\') {
			out[o++] = *s;
			continue;
		}
		s++;
		if (*s == '\\' || *s == '"')
			out[o++] = *s;
		else if (*s == 'n')
			out[o++] = '\n';
		else
			return -1;
	}
	out[o] = '\0';
	return 0;
}

/*
 * Label values: the format's three escapes, everything else that a
 * terminal acts on or that is not UTF-8 as the text \xNN; what Prometheus
 * reads back is valid UTF-8 with no control character but the newline.
 */
static void
test_prom_label(void **state)
{
	static const struct esc_case	v[] = {
		{ IN("sip.contoso.example"), "sip.contoso.example" },
		{ IN("a\"b"), "a\\\"b" },
		{ IN("back\\slash"), "back\\\\slash" },
		{ IN("two\nlines"), "two\\nlines" },
		{ IN("esc\x1b[2J"), "esc\\\\x1b[2J" },
		{ IN("nul\0bel\x07"), "nul\\\\x00bel\\\\x07" },
		{ IN("c1\xc2\x9b"), "c1\\\\xc2\\\\x9b" },
		{ IN("rlo\xe2\x80\xae"), "rlo\\\\xe2\\\\x80\\\\xae" },
		{ IN("bad\xff\xfe"), "bad\\\\xff\\\\xfe" },
		{ IN("caf\xc3\xa9"), "caf\xc3\xa9" },
	};
	static const char	*back[] = {
		"sip.contoso.example", "a\"b", "back\\slash", "two\nlines",
		"esc\\x1b[2J", "nul\\x00bel\\x07", "c1\\xc2\\x9b",
		"rlo\\xe2\\x80\\xae", "bad\\xff\\xfe", "caf\xc3\xa9",
	};
	char	out[128], read[128];
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(v); i++) {
		ep_esc_prom_label(v[i].in, v[i].len, out, sizeof(out));
		if (strcmp(out, v[i].out) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, out,
			    v[i].out);
		assert_no_raw_control(out, strlen(out));
		assert_utf8(out, strlen(out));
		if (prom_unescape(out, read, sizeof(read)) == -1)
			fail_msg("case %zu: '%s' does not parse", i, out);
		assert_string_equal(read, back[i]);
	}
	/* Cut at a whole escape: "\\x1b" is never split. */
	ep_esc_prom_label(IN("abcd\x1b"), out, 9);
	assert_string_equal(out, "abcd...");
	assert_int_equal(prom_unescape(out, read, sizeof(read)), 0);
}

/* Perfdata labels: printable ASCII, quotes doubled, nothing else. */
static void
test_perf_label(void **state)
{
	char	out[16];

	(void)state;
	assert_string_equal(ep_esc_perf_label("expiry a.test", out,
	    sizeof(out)), "expiry a.test");
	assert_string_equal(ep_esc_perf_label("it's", out, sizeof(out)),
	    "it''s");
	assert_string_equal(ep_esc_perf_label("a|b\x1b\n\xc3\xa9", out,
	    sizeof(out)), "a_b____");
	/* A doubled quote that does not fit is left out whole. */
	assert_string_equal(ep_esc_perf_label("abcdefghijklmn'", out,
	    sizeof(out)), "abcdefghijklmn");
	assert_string_equal(ep_esc_perf_label("abcdefghijklmnopq", out,
	    sizeof(out)), "abcdefghijklmno");
}

/* JSON keeps valid UTF-8 and spells out the bytes that are not. */
static void
test_json(void **state)
{
	json_t	*j;

	(void)state;
	assert_non_null(j = ep_esc_json(IN("a\x1b[2J\xc3\xa9")));
	assert_string_equal(json_string_value(j), "a\x1b[2J\xc3\xa9");
	json_decref(j);
	assert_non_null(j = ep_esc_json(IN("x\xff" "y\0z")));
	assert_int_equal(json_string_length(j), 8);
	assert_memory_equal(json_string_value(j), "x\\xffy\0z", 8);
	json_decref(j);
}

/* File names: safe characters kept, no hidden or parent names. */
static void
test_filename(void **state)
{
	char	out[64];

	(void)state;
	assert_string_equal(ep_esc_filename("sip.contoso.example_127.0.0.1_443",
	    out, sizeof(out)), "sip.contoso.example_127.0.0.1_443");
	assert_string_equal(ep_esc_filename("../../etc/passwd", out,
	    sizeof(out)), "_._.._etc_passwd");
	assert_string_equal(ep_esc_filename(".hidden", out, sizeof(out)),
	    "_hidden");
	assert_string_equal(ep_esc_filename("2001:db8::1", out, sizeof(out)),
	    "2001_db8__1");
	assert_string_equal(ep_esc_filename("a\x1b\xff", out, sizeof(out)),
	    "a__");
}

/* DER of an ASN.1 string of tag and n bytes (n < 128). */
static size_t
der_string(unsigned char tag, const void *v, size_t n, unsigned char *out)
{
	out[0] = tag;
	out[1] = (unsigned char)n;
	memcpy(out + 2, v, n);
	return n + 2;
}

/*
 * Valid UTF-8 that a terminal acts on: GnuTLS passes it through.  (Bytes
 * that are not UTF-8 in a UTF8String, it shows as hex itself.)
 */
#define NASTY	"evil\x1b[2J\x1b]0;title\x07\xc2\x9b\xe2\x80\xae" "x"

/*
 * A self-signed certificate with the characters above in its subject
 * and issuer CN, and a dNSName SAN holding ESC, BEL, NUL and a byte that
 * is no UTF-8, its extension made by hand since GnuTLS refuses such
 * names.  Returns its DER (free with gnutls_free).
 */
static gnutls_datum_t
nasty_cert(void)
{
	static const unsigned char	nasty[] = NASTY;
	static const unsigned char	san_name[] =
					    "webcon.evil.test\x1b[31m\x07\0\xff";
	gnutls_x509_crt_t		crt;
	gnutls_x509_privkey_t		key;
	gnutls_datum_t			der = { NULL, 0 };
	unsigned char			cn[64], gn[64], ext[80];
	const unsigned char		serial = 1;
	size_t				cnlen, gnlen;

	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_privkey_init(&key), 0);
	assert_int_equal(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0), 0);
	cnlen = der_string(0x0c, nasty, sizeof(nasty) - 1, cn);
	assert_int_equal(gnutls_x509_crt_set_dn_by_oid(crt,
	    GNUTLS_OID_X520_COMMON_NAME, 1, cn, (unsigned)cnlen), 0);
	assert_int_equal(gnutls_x509_crt_set_issuer_dn_by_oid(crt,
	    GNUTLS_OID_X520_COMMON_NAME, 1, cn, (unsigned)cnlen), 0);
	/* GeneralNames: SEQUENCE { [2] IA5String bytes }. */
	gnlen = der_string(0x82, san_name, sizeof(san_name) - 1, gn);
	der_string(0x30, gn, gnlen, ext);
	assert_int_equal(gnutls_x509_crt_set_extension_by_oid(crt,
	    "2.5.29.17", ext, gnlen + 2, 0), 0);
	assert_int_equal(gnutls_x509_crt_set_key(crt, key), 0);
	assert_int_equal(gnutls_x509_crt_set_version(crt, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(crt, &serial, 1), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(crt, FX_FROM), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(crt, FX_TO), 0);
	assert_int_equal(gnutls_x509_crt_sign2(crt, crt, key,
	    GNUTLS_DIG_SHA256, 0), 0);
	assert_int_equal(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER,
	    &der), 0);
	gnutls_x509_privkey_deinit(key);
	gnutls_x509_crt_deinit(crt);
	return der;
}

/* Writes report r with fn into memory; returns it (free it). */
static char *
render(int (*fn)(FILE *, const struct ep_report *),
    const struct ep_report *r, size_t *len)
{
	char	*buf = NULL;
	FILE	*fp;

	assert_non_null(fp = open_memstream(&buf, len));
	assert_int_equal(fn(fp, r), 0);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/*
 * Whether promtool check metrics accepts len bytes of text: 1, 0, or -1
 * when there is no promtool to ask.
 */
static int
promtool_accepts(const char *text, size_t len)
{
	FILE	*fp;
	int	 st;

	if (system("command -v promtool >/dev/null 2>&1") != 0)
		return -1;
	assert_non_null(fp = popen("promtool check metrics >&2", "w"));
	assert_int_equal(fwrite(text, 1, len, fp), len);
	st = pclose(fp);
	return st == 0;
}

/*
 * The nasty certificate, presented by a webcon endpoint, judged: its
 * findings (self-signed, names) quote the subject.  Neither report lets
 * a raw control byte through, and the JSON is one valid document.
 */
static void
test_reports(void **state)
{
	struct ep_observations	 o;
	struct ep_findings	 f = { NULL, 0, 0 };
	struct ep_plan		*plan;
	struct ep_trust		*trust;
	struct ep_names		*names;
	struct ep_rules_ctx	 ctx;
	struct ep_report	 r;
	struct ep_obs		 obs;
	gnutls_datum_t		 der = nasty_cert();
	json_error_t		 jerr;
	json_t			*doc;
	char			 err[256], *text, *js, *ng, *bar, *pm;
	char			 why[512];
	size_t			 len, jlen, nlen, plen;

	(void)state;
	assert_non_null(plan = ep_plan_new(fx_lync()));
	assert_int_equal(ep_plan_add_target(plan, EP_ROLE_ACCESS,
	    "sip.evil.test", "--access", err, sizeof(err)), 0);
	assert_int_equal(ep_observations_init(&o), 0);
	memset(&obs, 0, sizeof(obs));
	obs.status = EP_OBS_OK;
	obs.has_addr = 1;
	obs.family = AF_INET;
	snprintf(obs.addrstr, sizeof(obs.addrstr), "192.0.2.9");
	obs.port = 443;
	snprintf(obs.tls_version, sizeof(obs.tls_version), "TLS1.3");
	assert_int_equal(ep_certs_add(o.certs, der.data, der.size,
	    &obs.chain[0], err, sizeof(err)), 0);
	obs.chain_len = 1;
	assert_int_not_equal(ep_observations_add(&o, &obs), (size_t)-1);
	assert_int_equal(ep_trust_new(&trust, fx_path("public-root.pem"),
	    NULL, err, sizeof(err)), 0);
	assert_int_equal(ep_names_new(&names, NULL, err, sizeof(err)), 0);
	memset(&ctx, 0, sizeof(ctx));
	ctx.plan = plan;
	ctx.trust = trust;
	ctx.names = names;
	ctx.now = FX_NOW;
	ctx.warn = (struct ep_threshold){ 30, 0 };
	ctx.crit = (struct ep_threshold){ 7, 0 };
	assert_int_equal(ep_rules_run(&ctx, &o, &f, err, sizeof(err)), 0);
	assert_true(f.n > 0);

	memset(&r, 0, sizeof(r));
	r.plan = plan;
	r.obs = &o;
	r.findings = &f;
	r.at = r.started = FX_NOW;
	assert_int_equal(ep_report_open(&r), 0);
	text = render(ep_report_text, &r, &len);
	assert_no_raw_control(text, len);
	assert_utf8(text, len);
	/* The bytes are shown, not dropped: the admin sees what is there. */
	assert_non_null(strstr(text, "CN=evil\\x1b[2J\\x1b]0"));
	assert_non_null(strstr(text, "title\\x07\\xc2\\x9b\\xe2\\x80\\xaex"));
	assert_non_null(strstr(text, "webcon.evil.test\\x1b[31m\\x07\\x00"
	    "\\xff"));
	js = render(ep_report_json, &r, &jlen);
	assert_no_raw_control(js, jlen);
	assert_utf8(js, jlen);
	if ((doc = json_loadb(js, jlen, JSON_ALLOW_NUL, &jerr)) == NULL)
		fail_msg("JSON: %s", jerr.text);
	json_decref(doc);
	/* Plugin output: one '|', the one before the performance data. */
	ng = render(ep_report_nagios, &r, &nlen);
	assert_no_raw_control(ng, nlen);
	assert_utf8(ng, nlen);
	assert_non_null(bar = strstr(ng, " | "));
	assert_true(bar < strchr(ng, '\n'));
	if (strchr(bar + 2, '|') != NULL)
		fail_msg("a second '|': %s", ng);
	assert_non_null(strstr(ng, "CN=evil\\x1b[2J\\x1b]0"));
	free(ng);
	/*
	 * Metrics: the CNs as label values, in the format's rules (GnuTLS
	 * gives the ';' of the CN as "\;").
	 */
	pm = render(ep_report_prometheus, &r, &plen);
	assert_no_raw_control(pm, plen);
	assert_utf8(pm, plen);
	if (expo_check(pm, plen, why, sizeof(why)) == -1)
		fail_msg("%s", why);
	assert_non_null(strstr(pm, "cn=\"evil\\\\x1b[2J\\\\x1b]0\\\\;title"
	    "\\\\x07\\\\xc2\\\\x9b\\\\xe2\\\\x80\\\\xaex\""));
	if (promtool_accepts(pm, plen) == 0)
		fail_msg("promtool check metrics refuses:\n%s", pm);
	free(pm);
	free(text);
	free(js);
	ep_report_close(&r);
	ep_findings_clear(&f);
	ep_observations_clear(&o);
	ep_names_free(names);
	ep_trust_free(trust);
	ep_plan_free(plan);
	gnutls_free(der.data);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_cut),
		cmocka_unit_test(test_nagios),
		cmocka_unit_test(test_prom_label),
		cmocka_unit_test(test_perf_label),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_filename),
		cmocka_unit_test(test_reports),
	};

	return cmocka_run_group_tests(tests, fx_lync_setup, fx_lync_teardown);
}
