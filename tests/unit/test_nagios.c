/*
 * Unit tests for the Nagios plugin output (src/report/nagios.c), on
 * reports built here by hand: the status line's words, counts, problems
 * (worst first, one per name and check, accepted and info ones left out)
 * and its cap; the performance data's grammar and values; the long
 * output, one line per finding and endpoint; the UNKNOWN line.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "judge/ep_finding.h"
#include "net/ep_observe.h"
#include "input/ep_plan.h"
#include "report/ep_nagios.h"
#include "report/ep_report.h"
#include "fixture.h"
#include "report_rig.h"

/*
 * One item of performance data, as the monitoring-plugins guidelines
 * give it: 'label'=value[UOM];[warn];[crit];[min];[max], the thresholds
 * ranges ([@][start:][end], start "~" for minus infinity).
 */
#define NUM	"-?[0-9]+(\\.[0-9]+)?"
#define RANGE	"@?((" NUM "|~):)?(" NUM ")?"
#define ITEM	"('([^']|'')+'|[^' =]+)=" NUM "(s|ms|us|%|B|KB|MB|TB|c|d)?" \
		"(;(" RANGE ")?(;(" RANGE ")?(;(" NUM ")?(;(" NUM ")?)?)?)?)?"
#define PERFDATA	"^" ITEM "( " ITEM ")*$"

static int
setup(void **state)
{
	if (rig_setup(state) == -1)
		return -1;
	((struct rig *)*state)->o.elapsed_ms = 412;
	return 0;
}

#define teardown	rig_teardown
#define target		rig_target

/* A live endpoint at 192.0.2.last:port presenting fixture pem. */
static size_t
observe(struct rig *g, size_t t, int last, unsigned port, const char *pem)
{
	return rig_observe(g, t, EP_OBS_LIVE, last, port, pem);
}

static struct ep_finding *
finding(struct rig *g, enum ep_check check, size_t obs, const char *name,
    enum ep_severity sev)
{
	return rig_finding(g, check, obs, name, sev, "m");
}

/* Renders the plugin output; returns its first line (in g->out). */
static char *
render(struct rig *g)
{
	char	*nl;

	rig_render(g, ep_report_nagios);
	assert_non_null(nl = strchr(g->out, '\n'));
	*nl = '\0';
	return g->out;
}

/* The status line alone: the first line up to its perfdata. */
static const char *
status_of(char *line)
{
	char	*bar = strstr(line, " | ");

	assert_non_null(bar);
	*bar = '\0';
	return line;
}

/* No finding: OK and the count, nothing more before the perfdata. */
static void
test_ok(void **state)
{
	struct rig	*g = *state;
	size_t		 t;

	t = target(g, EP_ROLE_WEBCON, "webcon.contoso.example");
	observe(g, t, 1, 443, "access.pem");
	observe(g, t, 2, 443, "access.pem");
	finding(g, EP_CHECK_ROLE_NOT_CHECKED, EP_FINDING_NO_OBS, "access",
	    EP_SEV_INFO);
	assert_string_equal(status_of(render(g)), "EDGEPROBE OK - 2 ok");
}

/*
 * Problems: critical, then unknown, then warning, each in report order;
 * one per name and check however many addresses have it; the days left
 * for expires-soon; a deployment finding by its name; accepted and info
 * findings left out.
 */
static void
test_order(void **state)
{
	struct rig	*g = *state;
	size_t		 soon, pool, nointer, hs, o1, o2, o3, o4, o5, o6;

	soon = target(g, EP_ROLE_WEBCON, "s.example");
	pool = target(g, EP_ROLE_ACCESS, "p.example");
	nointer = target(g, EP_ROLE_WEBCON, "n.example");
	hs = target(g, EP_ROLE_WEBCON, "h.example");
	o1 = observe(g, soon, 1, 443, "soon10.pem");
	o2 = observe(g, pool, 2, 443, "access.pem");
	o3 = observe(g, pool, 3, 443, "access.pem");
	o4 = observe(g, nointer, 4, 443, "access.pem");
	o5 = observe(g, hs, 5, 443, NULL);
	o6 = observe(g, hs, 6, 443, "access.pem");
	finding(g, EP_CHECK_EXPIRES_SOON, o1, NULL, EP_SEV_WARNING);
	finding(g, EP_CHECK_POOL_KEY_MISMATCH, o2, NULL, EP_SEV_CRITICAL);
	finding(g, EP_CHECK_POOL_KEY_MISMATCH, o3, NULL, EP_SEV_CRITICAL);
	finding(g, EP_CHECK_CHAIN_INCOMPLETE, o4, NULL, EP_SEV_CRITICAL);
	finding(g, EP_CHECK_HANDSHAKE_FAILED, o5, NULL, EP_SEV_UNKNOWN);
	finding(g, EP_CHECK_CRL_DP_MISSING, o6, NULL, EP_SEV_WARNING)->
	    accepted = 1;
	finding(g, EP_CHECK_SELF_SIGNED, o6, NULL, EP_SEV_CRITICAL)->
	    accepted = 1;
	finding(g, EP_CHECK_DNS_SRV_MISSING, EP_FINDING_NO_OBS,
	    "d.example", EP_SEV_WARNING);
	finding(g, EP_CHECK_ROLE_NOT_CHECKED, EP_FINDING_NO_OBS, "internal",
	    EP_SEV_INFO);
	/* Unknown is the worst status, though critical comes first. */
	assert_string_equal(status_of(render(g)), "EDGEPROBE UNKNOWN - "
	    "3 critical, 1 warning, 1 unknown, 1 ok: "
	    "p.example pool-key-mismatch; n.example chain-incomplete; "
	    "h.example handshake-failed; s.example expires-soon 10d; "
	    "d.example dns-srv-missing");
}

/*
 * Many problems: listed while the line stays within the cap, the rest
 * counted, and together they are all of them, first ones first.
 */
static void
test_cap(void **state)
{
	struct rig	*g = *state;
	char		 name[64], tail[64], next[64], *line, *p;
	const char	*status;
	size_t		 t, i, listed = 0, more = 0, base;

	for (i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "rp%02zu.contoso.example", i + 1);
		t = target(g, EP_ROLE_REVERSE_PROXY, name);
		finding(g, EP_CHECK_EXPIRED, observe(g, t, (int)i + 1, 443,
		    "expired.pem"), NULL, EP_SEV_CRITICAL);
	}
	line = render(g);
	status = status_of(line);
	if (strlen(status) > EP_NAGIOS_STATUS_MAX)
		fail_msg("%zu characters: %s", strlen(status), status);
	assert_non_null(p = strstr(status, "; and "));
	assert_int_equal(sscanf(p, "; and %zu more", &more), 1);
	assert_string_equal(p + strlen(p) - 5, " more");
	assert_non_null(strstr(status, "EDGEPROBE CRITICAL - 30 critical: "
	    "rp01.contoso.example expired; rp02.contoso.example expired"));
	for (p = line; (p = strstr(p, " expired")) != NULL; p++)
		listed++;
	assert_int_equal(listed + more, 30);
	/* One more would not have fitted, with its own tail. */
	snprintf(tail, sizeof(tail), "; and %zu more", more);
	base = strlen(status) - strlen(tail);
	snprintf(next, sizeof(next), "; rp%02zu.contoso.example expired",
	    listed + 1);
	snprintf(tail, sizeof(tail), "; and %zu more", more - 1);
	assert_true(base + strlen(next) + (more > 1 ? strlen(tail) : 0) >
	    EP_NAGIOS_STATUS_MAX);
}

/* A first problem longer than the cap is listed all the same. */
static void
test_cap_first(void **state)
{
	struct rig	*g = *state;
	char		 name[256];
	size_t		 t;

	memset(name, 'a', 60);
	memcpy(name + 60, ".", 1);
	memset(name + 61, 'b', 60);
	memcpy(name + 121, ".", 1);
	memset(name + 122, 'c', 60);
	memcpy(name + 182, ".example", 9);
	t = target(g, EP_ROLE_WEBCON, name);
	finding(g, EP_CHECK_EXPIRED, observe(g, t, 1, 443, "expired.pem"),
	    NULL, EP_SEV_CRITICAL);
	t = target(g, EP_ROLE_WEBCON, "webcon.contoso.example");
	finding(g, EP_CHECK_EXPIRED, observe(g, t, 2, 443, "expired.pem"),
	    NULL, EP_SEV_CRITICAL);
	assert_non_null(strstr(status_of(render(g)), ".example expired; "
	    "and 1 more"));
}

/*
 * Performance data: every item in the guidelines' grammar; the counts
 * and time; the days to each name's earliest leaf expiry with the
 * thresholds as ranges and the lifetime as maximum, one item for a name
 * seen twice; none for a name without a certificate.
 */
static void
test_perfdata(void **state)
{
	struct rig	*g = *state;
	regex_t		 re;
	char		*line, *perf;
	size_t		 t;

	t = target(g, EP_ROLE_ACCESS, "sip.contoso.example");
	observe(g, t, 1, 443, "access.pem");
	observe(g, t, 2, 443, "soon10.pem");
	t = target(g, EP_ROLE_WEBCON, "sip.contoso.example");
	observe(g, t, 1, 443, "access.pem");
	t = target(g, EP_ROLE_WEBCON, "b.example");
	observe(g, t, 3, 443, "access.pem");
	t = target(g, EP_ROLE_WEBCON, "dead.example");
	observe(g, t, 4, 443, NULL);
	line = render(g);
	assert_non_null(perf = strstr(line, " | "));
	perf += 3;
	assert_int_equal(regcomp(&re, PERFDATA, REG_EXTENDED | REG_NOSUB), 0);
	if (regexec(&re, perf, 0, NULL, 0) != 0)
		fail_msg("perfdata out of the grammar: %s", perf);
	regfree(&re);
	assert_string_equal(perf, "endpoints=5;;;0 ok=5 warning=0 critical=0 "
	    "unknown=0 time=0.412s "
	    "'expiry b.example'=579d;30:;7:;0;1095 "
	    "'expiry sip.contoso.example'=10d;30:;7:;0;526");
}

/* Thresholds as a share of the lifetime are shown in days. */
static void
test_perfdata_percent(void **state)
{
	struct rig	*g = *state;
	char		*line;

	g->r.warn = (struct ep_threshold){ 50, 1 };
	g->r.crit = (struct ep_threshold){ 10, 1 };
	observe(g, target(g, EP_ROLE_WEBCON, "a.example"), 1, 443,
	    "access.pem");
	line = render(g);
	assert_non_null(strstr(line, " 'expiry a.example'=579d;547:;109:;0;"
	    "1095"));
}

/*
 * The long output: a line per finding (accepted ones marked, deployment
 * ones by their name), then a line per endpoint; no '|' anywhere in it,
 * even from a message that holds one.
 */
static void
test_long_output(void **state)
{
	struct rig		*g = *state;
	struct ep_finding	*x;
	size_t			 t, o1, o2;

	t = target(g, EP_ROLE_WEBCON, "webcon.contoso.example");
	o1 = observe(g, t, 1, 443, "access.pem");
	o2 = observe(g, t, 2, 443, NULL);
	g->o.v[o2].status = EP_OBS_TIMEOUT;
	g->o.v[o2].tls_version[0] = '\0';
	x = finding(g, EP_CHECK_CRL_DP_MISSING, o1, NULL, EP_SEV_WARNING);
	x->accepted = 1;
	snprintf(x->message, sizeof(x->message), "CN=a|b\x1b[2J");
	finding(g, EP_CHECK_TIMEOUT, o2, NULL, EP_SEV_CRITICAL);
	finding(g, EP_CHECK_DNS_SRV_MISSING, EP_FINDING_NO_OBS,
	    "contoso.example", EP_SEV_WARNING);
	render(g);
	assert_string_equal(g->out + strlen(g->out) + 1,
	    "WARNING crl-dp-missing (accepted) webcon.contoso.example "
	    "192.0.2.1:443: CN=a\\x7cb\\x1b[2J\n"
	    "CRITICAL timeout webcon.contoso.example 192.0.2.2:443: m\n"
	    "WARNING dns-srv-missing contoso.example: m\n"
	    "webcon.contoso.example 192.0.2.1:443 OK TLS1.3\n"
	    "webcon.contoso.example 192.0.2.2:443 CRITICAL timeout\n");
}

/*
 * A run a signal stopped: the status line says so after the counts, and
 * the endpoint it did not finish is interrupted in the long output.
 */
static void
test_interrupted(void **state)
{
	struct rig	*g = *state;
	char		*line;
	size_t		 t, o2;

	t = target(g, EP_ROLE_WEBCON, "webcon.contoso.example");
	observe(g, t, 1, 443, "access.pem");
	o2 = observe(g, t, 2, 443, NULL);
	g->o.v[o2].status = EP_OBS_INTERRUPTED;
	g->o.v[o2].tls_version[0] = '\0';
	g->o.interrupted = SIGTERM;
	finding(g, EP_CHECK_INTERRUPTED, o2, NULL, EP_SEV_UNKNOWN);
	line = render(g);
	assert_non_null(strstr(line + strlen(line) + 1,
	    "webcon.contoso.example 192.0.2.2:443 UNKNOWN interrupted\n"));
	assert_string_equal(status_of(line), "EDGEPROBE UNKNOWN - "
	    "1 unknown, 1 ok, interrupted by SIGTERM: webcon.contoso.example "
	    "interrupted");
}

/* An error's line: escaped, and no '|' that would start perfdata. */
static void
test_unknown(void **state)
{
	char	*buf = NULL;
	size_t	 len;
	FILE	*fp;

	(void)state;
	assert_non_null(fp = open_memstream(&buf, &len));
	ep_nagios_unknown(fp, "-f a|b\x1b.conf: No such file or directory");
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(buf, "EDGEPROBE UNKNOWN - -f a\\x7cb\\x1b.conf: "
	    "No such file or directory\n");
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap_first, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_perfdata, setup, teardown),
		cmocka_unit_test_setup_teardown(test_perfdata_percent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_long_output, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_interrupted, setup,
		    teardown),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests(tests, fx_lync_setup, fx_lync_teardown);
}
