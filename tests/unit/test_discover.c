/*
 * Unit tests for SIP-domain discovery (src/net/discover.c) and SRV ordering
 * (src/net/resolve.c): the parts that need no DNS server that answers (one
 * test has a UDP socket of its own that never does).  Lookups against a
 * real server are the integration cases discovery-*.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "net/ep_discover.h"
#include "net/ep_resolve.h"
#include "input/ep_time.h"
#include "fixture.h"

#define LONG_MS		10000	/* a DNS try no test waits for */
#define SHORT_MS	200	/* a deadline a test does wait for */
#define SLACK_MS	3000	/* the run must end well within LONG_MS */

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The parent is one label up, normalized, and never a top-level domain. */
static void
test_parent(void **state)
{
	static const struct {
		const char	*name;
		const char	*parent;	/* NULL: none */
	} v[] = {
		{ "sip.contoso.com", "contoso.com" },
		{ "SIP.Contoso.COM.", "contoso.com" },
		{ "a.b.c.d.example", "b.c.d.example" },
		{ "sip.contoso.co.uk", "contoso.co.uk" },
		{ "contoso.com", NULL },
		{ "contoso.com.", NULL },
		{ "com", NULL },
		{ "", NULL },
		{ ".", NULL },
		{ "sip..contoso.com", NULL },
		{ "sip.contoso.com..", NULL },
		{ "192.0.2.1", NULL },
		{ "2001:db8::1", NULL },
		{ "sip contoso.com", NULL },
	};
	char	out[EP_NAME_MAX + 1];
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(v); i++) {
		int	r = ep_discover_parent(v[i].name, out, sizeof(out));

		if (v[i].parent == NULL) {
			if (r != -1)
				fail_msg("%s: parent %s, expected none",
				    v[i].name, out);
			continue;
		}
		if (r != 0)
			fail_msg("%s: no parent, expected %s", v[i].name,
			    v[i].parent);
		assert_string_equal(out, v[i].parent);
	}
	/* A parent that does not fit is refused, not cut. */
	assert_int_equal(ep_discover_parent("sip.contoso.com", out, 11), -1);
	assert_int_equal(ep_discover_parent("sip.contoso.com", out, 12), 0);
	assert_string_equal(out, "contoso.com");
}

/* Inside means the domain itself or under it, on a label boundary. */
static void
test_in_domain(void **state)
{
	static const struct {
		const char	*name;
		const char	*domain;
		int		 in;
	} v[] = {
		{ "sip.contoso.com", "contoso.com", 1 },
		{ "contoso.com", "contoso.com", 1 },
		{ "sip.eu.contoso.com", "contoso.com", 1 },
		{ "SIP.CONTOSO.COM", "contoso.com", 1 },
		{ "sip.contoso.com", "Contoso.Com", 1 },
		{ "sip.contoso.com.", "contoso.com", 1 },
		{ "sip.contoso.com", "contoso.com.", 1 },
		{ "sip.contoso.com.", "contoso.com.", 1 },
		{ "badcontoso.com", "contoso.com", 0 },
		{ "sip.badcontoso.com", "contoso.com", 0 },
		{ "contoso.com", "sip.contoso.com", 0 },
		{ "sip.contoso.com.evil.example", "contoso.com", 0 },
		{ "sip.fabrikam.com", "contoso.com", 0 },
		{ "com", "contoso.com", 0 },
		{ "", "contoso.com", 0 },
		{ "sip.contoso.com", "", 0 },
		{ "sip.contoso.com", ".", 0 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(v); i++)
		if (ep_discover_in_domain(v[i].name, v[i].domain) != v[i].in)
			fail_msg("%s in %s: expected %d", v[i].name,
			    v[i].domain, v[i].in);
}

static struct ep_srv
srv(const char *target, uint16_t port, uint16_t priority, uint16_t weight)
{
	struct ep_srv	s;

	memset(&s, 0, sizeof(s));
	snprintf(s.target, sizeof(s.target), "%s", target);
	s.port = port;
	s.priority = priority;
	s.weight = weight;
	return s;
}

/* Priority ascending, weight descending, then target and port. */
static void
test_srv_order(void **state)
{
	struct ep_srv	v[6];
	size_t		n;

	(void)state;
	v[0] = srv("b.contoso.com", 443, 20, 0);
	v[1] = srv("c.contoso.com", 443, 10, 5);
	v[2] = srv("a.contoso.com", 443, 10, 50);
	v[3] = srv("b.contoso.com", 5061, 10, 5);
	v[4] = srv("A.contoso.com", 444, 10, 50);
	v[5] = srv("", 0, 0, 0);
	n = ep_srv_order(v, NELEM(v));
	assert_int_equal(n, 6);
	assert_string_equal(v[0].target, "");
	assert_string_equal(v[1].target, "a.contoso.com");
	assert_int_equal(v[1].port, 443);
	assert_string_equal(v[2].target, "A.contoso.com");
	assert_int_equal(v[2].port, 444);
	assert_string_equal(v[3].target, "b.contoso.com");
	assert_int_equal(v[3].port, 5061);
	assert_string_equal(v[4].target, "c.contoso.com");
	assert_string_equal(v[5].target, "b.contoso.com");
	assert_int_equal(v[5].priority, 20);
	assert_int_equal(ep_srv_order(v, 0), 0);
}

/* A target and port seen again, in any case, is dropped; the best stays. */
static void
test_srv_dedup(void **state)
{
	struct ep_srv	v[5];
	size_t		n;

	(void)state;
	v[0] = srv("sip.contoso.com", 443, 20, 0);
	v[1] = srv("SIP.contoso.com", 443, 10, 0);
	v[2] = srv("sip.contoso.com", 443, 10, 0);
	v[3] = srv("sip.contoso.com", 5061, 30, 0);
	v[4] = srv("sip2.contoso.com", 443, 10, 0);
	n = ep_srv_order(v, NELEM(v));
	assert_int_equal(n, 3);
	assert_int_equal(v[0].priority, 10);
	assert_int_equal(v[0].port, 443);
	assert_true(strcasecmp(v[0].target, "sip.contoso.com") == 0);
	assert_string_equal(v[1].target, "sip2.contoso.com");
	assert_int_equal(v[2].port, 5061);
	assert_int_equal(v[2].priority, 30);
}

/*
 * Bad input fails before any query goes out, and leaves the plan and the
 * findings as they were.
 */
static void
test_refused_before_dns(void **state)
{
	static const char	*bad[] = {
		"192.0.2.1", "2001:db8::1", "contoso..com", "", "a b.com",
	};
	struct ep_discover_opts	 o;
	struct ep_findings	 f = { NULL, 0, 0 };
	struct ep_plan		*plan;
	const char		*names[EP_DISCOVER_NAMES_MAX + 1];
	char			 err[512];
	size_t			 i;

	(void)state;
	assert_non_null(plan = ep_plan_new(fx_lync()));
	memset(&o, 0, sizeof(o));
	o.family = AF_UNSPEC;
	o.timeout_ms = 100;
	/* Never used: every call below fails before a lookup. */
	o.dns_servers = "127.0.0.1:1";
	for (i = 0; i < NELEM(bad); i++) {
		const char	*two[2] = { "contoso.com", bad[i] };

		err[0] = '\0';
		assert_int_equal(ep_discover(plan, two, 2, &o, &f, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, bad[i]));
	}
	for (i = 0; i < NELEM(names); i++)
		names[i] = "contoso.com";
	assert_int_equal(ep_discover(plan, names, NELEM(names), &o, &f, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "names"));
	o.dns_servers = "not-an-address";
	assert_int_equal(ep_discover(plan, names, 1, &o, &f, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "not-an-address"));
	assert_int_equal(plan->ntargets, 0);
	assert_int_equal(plan->nsip_domains, 0);
	assert_int_equal(plan->npublished, 0);
	assert_int_equal(f.n, 0);
	ep_plan_free(plan);
}

/* No names: nothing to look up, nothing added. */
static void
test_no_names(void **state)
{
	struct ep_discover_opts	 o;
	struct ep_findings	 f = { NULL, 0, 0 };
	struct ep_plan		*plan;
	char			 err[512] = "";

	(void)state;
	assert_non_null(plan = ep_plan_new(fx_lync()));
	memset(&o, 0, sizeof(o));
	o.family = AF_UNSPEC;
	o.timeout_ms = 100;
	o.dns_servers = "127.0.0.1:1";
	if (ep_discover(plan, NULL, 0, &o, &f, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(plan->ntargets, 0);
	assert_int_equal(plan->nsip_domains, 0);
	assert_int_equal(f.n, 0);
	ep_plan_free(plan);
}

/*
 * A DNS server that never answers: at the deadline, discovery ends with
 * what it has (nothing) and says why, instead of waiting out the tries.
 */
static void
test_deadline(void **state)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	struct ep_discover_opts	 o;
	struct ep_findings	 f = { NULL, 0, 0 };
	struct ep_plan		*plan;
	const char		*names[] = { "contoso.com" };
	char			 err[512] = "", dns[64];
	int64_t			 t0;
	int			 fd;

	(void)state;
	assert_int_not_equal(fd = socket(AF_INET, SOCK_DGRAM, 0), -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	snprintf(dns, sizeof(dns), "127.0.0.1:%u", ntohs(sin.sin_port));

	assert_non_null(plan = ep_plan_new(fx_lync()));
	memset(&o, 0, sizeof(o));
	o.family = AF_UNSPEC;
	o.timeout_ms = LONG_MS;
	o.dns_servers = dns;
	t0 = ep_time_mono_ms();
	o.deadline_ms = t0 + SHORT_MS;
	if (ep_discover(plan, names, 1, &o, &f, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(ep_time_mono_ms() - t0 >= SHORT_MS);
	assert_true(ep_time_mono_ms() - t0 < SLACK_MS);
	assert_int_equal(plan->ntargets, 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.v[0].check, EP_CHECK_DNS_SRV_MISSING);
	assert_int_equal(f.v[0].severity, EP_SEV_CRITICAL);
	assert_string_equal(f.v[0].name, "contoso.com");
	if (strstr(f.v[0].message, "the run deadline passed") == NULL)
		fail_msg("not said: %s", f.v[0].message);
	ep_findings_clear(&f);
	ep_plan_free(plan);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_parent),
		cmocka_unit_test(test_in_domain),
		cmocka_unit_test(test_srv_order),
		cmocka_unit_test(test_srv_dedup),
		cmocka_unit_test(test_refused_before_dns),
		cmocka_unit_test(test_no_names),
		cmocka_unit_test(test_deadline),
	};

	return cmocka_run_group_tests(tests, fx_lync_setup, fx_lync_teardown);
}
