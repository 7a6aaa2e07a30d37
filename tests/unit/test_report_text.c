/*
 * Unit tests for the text report (src/report/text.c): a finding shared by
 * the endpoints of one certificate told once, naming them; one told under
 * an earlier name referred to; lines wrapped to the width asked for;
 * quiet mode showing only what is wrong; colour only when asked; two
 * certificates of one key told apart by their fingerprints; a summary
 * whose counts add up to its status.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/ep_plan.h"
#include "judge/ep_finding.h"
#include "net/ep_observe.h"
#include "report/ep_report.h"
#include "x509/ep_cert.h"
#include "fixture.h"
#include "report_rig.h"

#define setup		rig_setup
#define teardown	rig_teardown
#define target		rig_target

/* An endpoint of target t at 192.0.2.LAST:443 presenting fixture pem. */
static size_t
endpoint(struct rig *g, size_t t, int last, const char *pem)
{
	return rig_observe(g, t, EP_OBS_LIVE, last, 443, pem);
}

static struct ep_finding *
finding(struct rig *g, enum ep_check check, size_t obs, enum ep_severity sev,
    const char *msg)
{
	return rig_finding(g, check, obs, NULL, sev, msg);
}

/* Renders the text report. */
static const char *
render(struct rig *g)
{
	return rig_render(g, ep_report_text);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t		 n = 0;
	const char	*p = hay;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/* The longest line, in characters (UTF-8 continuation bytes not counted). */
static size_t
longest_line(const char *s)
{
	size_t	best = 0, cur = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\n') {
			cur = 0;
			continue;
		}
		if (((unsigned char)*s & 0xc0) != 0x80 && ++cur > best)
			best = cur;
	}
	return best;
}

#define SOON	"the certificate expires on 2026-06-11T00:00:00Z, in 10 days"

/*
 * Three endpoints of one certificate share an expires-soon: one
 * paragraph, after the endpoints, "all 3 endpoints".  A finding only one
 * of them has stays under it.
 */
static void
test_shared_by_all(void **state)
{
	struct rig	*g = *state;
	size_t		 t = target(g, EP_ROLE_ACCESS, "sip.contoso.example");
	const char	*c = "access.pem";
	size_t		 i;
	const char	*s;

	for (i = 0; i < 3; i++)
		finding(g, EP_CHECK_EXPIRES_SOON, endpoint(g, t, (int)i + 1, c),
		    EP_SEV_WARNING, SOON);
	finding(g, EP_CHECK_TIMEOUT, 1, EP_SEV_CRITICAL,
	    "only the second endpoint");
	s = render(g);
	assert_int_equal(count(s, "expires-soon"), 1);
	assert_non_null(strstr(s, "  all 3 endpoints (certificate A):\n"
	    "        WARNING expires-soon: the certificate expires"));
	/* The lone finding sits under its endpoint, before the shared one. */
	assert_non_null(strstr(s, "192.0.2.2:443          TLS1.3  certificate "
	    "A  CRITICAL\n        CRITICAL timeout: only the second endpoint"));
	assert_true(strstr(s, "only the second") < strstr(s, "all 3"));
}

/*
 * Two of three endpoints share a finding: the heading names the two.
 * The third endpoint's different message is its own.
 */
static void
test_shared_by_some(void **state)
{
	struct rig	*g = *state;
	size_t		 t = target(g, EP_ROLE_ACCESS, "sip.contoso.example");
	const char	*c = "access.pem";
	const char	*s;

	finding(g, EP_CHECK_EXPIRES_SOON, endpoint(g, t, 1, c), EP_SEV_WARNING,
	    SOON);
	finding(g, EP_CHECK_EXPIRES_SOON, endpoint(g, t, 2, c), EP_SEV_WARNING,
	    "another message");
	finding(g, EP_CHECK_EXPIRES_SOON, endpoint(g, t, 3, c), EP_SEV_WARNING,
	    SOON);
	s = render(g);
	assert_int_equal(count(s, "expires-soon"), 2);
	assert_non_null(strstr(s, "  192.0.2.1:443, 192.0.2.3:443 (certificate "
	    "A):\n        WARNING expires-soon: the certificate"));
	assert_non_null(strstr(s, "A  WARNING\n        WARNING expires-soon: "
	    "another message"));
}

/*
 * The same certificate under a second name: described once, and its
 * finding there refers to the first name instead of being told again.
 * Another certificate's same message is its own.
 */
static void
test_reference_across_names(void **state)
{
	struct rig	*g = *state;
	size_t		 t1 = target(g, EP_ROLE_REVERSE_PROXY,
			    "lyncdiscover.contoso.example");
	size_t		 t2 = target(g, EP_ROLE_REVERSE_PROXY,
			    "meet.contoso.example");
	size_t		 t3 = target(g, EP_ROLE_REVERSE_PROXY,
			    "dialin.contoso.example");
	const char	*c = "wildcard.pem", *d = "rp.pem";
	const char	*s;

	finding(g, EP_CHECK_EXPIRES_SOON, endpoint(g, t1, 1, c),
	    EP_SEV_WARNING, SOON);
	finding(g, EP_CHECK_EXPIRES_SOON, endpoint(g, t2, 1, c),
	    EP_SEV_WARNING, SOON);
	finding(g, EP_CHECK_EXPIRES_SOON, endpoint(g, t3, 2, d),
	    EP_SEV_WARNING, SOON);
	endpoint(g, target(g, EP_ROLE_REVERSE_PROXY, "scheduler.contoso.example"),
	    1, c);
	s = render(g);
	assert_int_equal(count(s, "SAN:"), 2);
	/* Where it was described, however many names use it since. */
	assert_int_equal(count(s, "  certificate A  as under "
	    "lyncdiscover.contoso.example above\n"), 2);
	assert_non_null(strstr(s, "WARNING expires-soon: the same as under"));
	assert_int_equal(count(s, "the same as under"), 1);
	assert_int_equal(count(s, "the certificate expires on"), 2);
}

/*
 * Seventeen SANs and long messages: no line is wider than asked, at 80
 * and at 60 columns, and every SAN is still there.
 */
static void
test_wrap(void **state)
{
	struct rig	*g = *state;
	size_t		 t = target(g, EP_ROLE_ACCESS, "access.contoso.example");
	const char	*c = "many-sans.pem";
	const char	*s;

	finding(g, EP_CHECK_EXPIRES_SOON, endpoint(g, t, 1, c),
	    EP_SEV_WARNING, SOON ". " SOON ". " SOON);
	s = render(g);
	assert_true(longest_line(s) <= 80);
	assert_non_null(strstr(s, "sip.alpineski.example"));
	assert_non_null(strstr(s, "sip.fabrikam.example"));
	g->r.width = 60;
	s = render(g);
	assert_true(longest_line(s) <= 60);
	assert_non_null(strstr(s, "sip.alpineski.example"));
	g->r.width = 200;
	s = render(g);
	assert_true(longest_line(s) > 80);
	assert_true(longest_line(s) <= 200);
}

/*
 * Quiet: the ok endpoint, the info finding and the accepted warning are
 * left out; the critical one and its certificate stay.  All ok and
 * quiet, no endpoint is shown.
 */
static void
test_quiet(void **state)
{
	struct rig		*g = *state;
	size_t			 t = target(g, EP_ROLE_ACCESS,
				    "sip.contoso.example");
	size_t			 u = target(g, EP_ROLE_WEBCON,
				    "webcon.contoso.example");
	const char		*a = "access.pem";
	const char		*w = "wildcard.pem";
	size_t			 e1, e2;
	const char		*s;
	struct ep_finding	*x;

	e1 = endpoint(g, t, 1, a);
	e2 = endpoint(g, t, 2, a);
	endpoint(g, u, 3, w);
	finding(g, EP_CHECK_CHAIN_INCOMPLETE, e1, EP_SEV_CRITICAL,
	    "the critical one");
	finding(g, EP_CHECK_CERT_CHANGED, e1, EP_SEV_INFO, "an info one");
	x = finding(g, EP_CHECK_EXPIRES_SOON, e2, EP_SEV_WARNING,
	    "an accepted one");
	x->accepted = 1;
	g->r.quiet = 1;
	s = render(g);
	assert_non_null(strstr(s, "the critical one"));
	assert_null(strstr(s, "an info one"));
	assert_null(strstr(s, "an accepted one"));
	assert_null(strstr(s, "192.0.2.2"));
	assert_null(strstr(s, "webcon.contoso.example"));
	assert_int_equal(count(s, "SAN:"), 1);
	assert_non_null(strstr(s, "CRITICAL - 3 endpoints"));
	g->r.quiet = 0;
	s = render(g);
	assert_non_null(strstr(s, "an info one"));
	assert_non_null(strstr(s, "expires-soon (accepted): an accepted one"));
	assert_non_null(strstr(s, "webcon.contoso.example"));
}

/* Colour codes only when asked, and then around severity words. */
static void
test_color(void **state)
{
	struct rig	*g = *state;
	size_t		 t = target(g, EP_ROLE_ACCESS, "sip.contoso.example");

	finding(g, EP_CHECK_EXPIRES_SOON,
	    endpoint(g, t, 1, "access.pem"), EP_SEV_WARNING, SOON);
	assert_null(strchr(render(g), '\033'));
	g->r.color = 1;
	assert_non_null(strstr(render(g), "\033[33mWARNING\033[0m "
	    "expires-soon"));
	/* Colour codes take no columns: the paragraph wraps as without. */
	assert_true(strstr(g->out, "renew") != NULL);
}

/*
 * access.pem and access-serial2.pem share a key: the SPKI hashes match,
 * the fingerprints do not.
 */
static void
test_fingerprint(void **state)
{
	struct rig	*g = *state;
	size_t		 t = target(g, EP_ROLE_ACCESS, "sip.contoso.example");
	const char	*s, *a, *b;
	char		 spki_a[40], spki_b[40], fp_a[40], fp_b[40];

	endpoint(g, t, 1, "access.pem");
	endpoint(g, t, 2, "access-serial2.pem");
	s = render(g);
	assert_non_null(a = strstr(s, "SPKI sha256 "));
	assert_non_null(b = strstr(a + 1, "SPKI sha256 "));
	assert_int_equal(sscanf(a, "SPKI sha256 %39s", spki_a), 1);
	assert_int_equal(sscanf(b, "SPKI sha256 %39s", spki_b), 1);
	assert_string_equal(spki_a, spki_b);
	assert_non_null(a = strstr(s, "fingerprint sha256 "));
	assert_non_null(b = strstr(a + 1, "fingerprint sha256 "));
	assert_int_equal(sscanf(a, "fingerprint sha256 %39s", fp_a), 1);
	assert_int_equal(sscanf(b, "fingerprint sha256 %39s", fp_b), 1);
	assert_string_not_equal(fp_a, fp_b);
	assert_int_equal(strlen(fp_a), strlen("98:10:eb...7d:60"));
}

/*
 * Every endpoint ok but two deployment warnings: the summary says WARNING
 * and shows where the warnings are, not "0 warning".
 */
static void
test_summary(void **state)
{
	struct rig		*g = *state;
	size_t			 t = target(g, EP_ROLE_ACCESS,
				    "sip.contoso.example");
	struct ep_finding	*x;

	endpoint(g, t, 1, "access.pem");
	endpoint(g, t, 2, "access.pem");
	x = finding(g, EP_CHECK_DNS_SRV_MISSING, EP_FINDING_NO_OBS,
	    EP_SEV_WARNING, "no SRV one");
	x->group = EP_FINDING_NO_GROUP;
	x = finding(g, EP_CHECK_DNS_SRV_MISSING, EP_FINDING_NO_OBS,
	    EP_SEV_WARNING, "no SRV two");
	x->group = EP_FINDING_NO_GROUP;
	render(g);
	assert_non_null(strstr(g->out, "\nWARNING - 2 endpoints in 0.00 s: "
	    "2 ok; deployment: 2 warning\n"));
	assert_null(strstr(g->out, "0 warning"));
}

/*
 * A run a signal stopped: its endpoint not finished says UNKNOWN and
 * interrupted, and the summary which signal stopped the run.
 */
static void
test_interrupted(void **state)
{
	struct rig	*g = *state;
	size_t		 t = target(g, EP_ROLE_ACCESS, "sip.contoso.example");
	size_t		 o;

	endpoint(g, t, 1, "access.pem");
	o = endpoint(g, t, 2, NULL);
	g->o.v[o].status = EP_OBS_INTERRUPTED;
	g->o.interrupted = SIGINT;
	finding(g, EP_CHECK_INTERRUPTED, o, EP_SEV_UNKNOWN, "sip.contoso."
	    "example was not checked to the end: the run was interrupted "
	    "during the TLS handshake");
	render(g);
	assert_non_null(strstr(g->out, "  192.0.2.2:443          UNKNOWN\n"
	    "        UNKNOWN interrupted: sip.contoso.example was not checked"));
	assert_non_null(strstr(g->out, "\nUNKNOWN - 2 endpoints in 0.00 s, "
	    "interrupted by SIGINT: 1 unknown, 1 ok\n"));
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_shared_by_all, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_shared_by_some, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reference_across_names,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quiet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_color, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fingerprint, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_summary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupted, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, fx_lync_setup, fx_lync_teardown);
}
