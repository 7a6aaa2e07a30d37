/*
 * Unit tests for SIP-domain discovery (src/net/discover.c) and SRV ordering
 * (src/net/resolve.c): the parts that need no DNS server that answers (one
 * test has a UDP socket of its own that never does).  Lookups against a
 * real server are the integration cases discovery-*; what the rules make
 * of the answers is test_rules_dns.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "net/ep_discover.h"
#include "net/ep_engine.h"
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

/* Names that are no host names are refused before any query goes out. */
static void
test_refused_before_dns(void **state)
{
	static const char	*bad[] = {
		"192.0.2.1", "2001:db8::1", "contoso..com", "", "a b.com",
	};
	struct ep_plan		*plan;
	char			 err[512];
	size_t			 i;

	(void)state;
	assert_non_null(plan = ep_plan_new(fx_lync()));
	for (i = 0; i < NELEM(bad); i++) {
		err[0] = '\0';
		assert_int_equal(ep_plan_add_discovery(plan, bad[i], err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, bad[i]));
	}
	assert_int_equal(ep_plan_ndiscoveries(plan), 0);
	assert_int_equal(ep_plan_ngroups(plan), 0);
	ep_plan_free(plan);
}

/* A UDP socket on 127.0.0.1 that never answers, as a DNS server. */
static int
silent_dns(char *dns, size_t len)
{
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	int			 fd;

	assert_int_not_equal(fd = socket(AF_INET, SOCK_DGRAM, 0), -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	snprintf(dns, len, "127.0.0.1:%u", ntohs(sin.sin_port));
	return fd;
}

static void
run(struct ep_plan *plan, const char *dns, struct ep_observations *obs)
{
	struct ep_engine_opts	o;
	char			err[512] = "";

	memset(&o, 0, sizeof(o));
	o.family = AF_INET;	/* one A query a host name */
	o.timeout_ms = LONG_MS;
	o.dns_timeout_ms = LONG_MS;
	o.run_timeout_ms = SHORT_MS;
	o.dns_servers = dns;
	assert_int_equal(ep_observations_init(obs), 0);
	if (ep_engine_run(plan, &o, obs, err, sizeof(err)) == -1)
		fail_msg("run: %s", err);
}

/* The question name of a DNS message, and its type. */
static void
question(const unsigned char *m, size_t len, char *out, size_t outlen,
    unsigned *type)
{
	size_t	i = 12, o = 0;

	while (i < len && m[i] != 0 && o + m[i] + 2 < outlen) {
		if (o > 0)
			out[o++] = '.';
		memcpy(out + o, m + i + 1, m[i]);
		o += m[i];
		i += m[i] + 1;
	}
	out[o] = '\0';
	*type = i + 2 < len ? (unsigned)(m[i + 1] << 8 | m[i + 2]) : 0;
}

/*
 * A DNS server that never answers: at the run deadline every lookup of
 * discovery is answered late, nothing is chosen, nothing is probed, and
 * every question went out once, however many names share it ("contoso.
 * test" is a name and the parent of the other).
 */
static void
test_deadline_and_once(void **state)
{
	static const char	*names[] = { "sip.contoso.test",
				    "contoso.test" };
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	unsigned char		 msg[512];
	char			 dns[64], q[300], key[320], err[256];
	char			 seen[32][320];
	size_t			 nseen = 0, i, k;
	unsigned		 type;
	ssize_t			 n;
	int			 fd, c, r;

	(void)state;
	fd = silent_dns(dns, sizeof(dns));
	assert_non_null(plan = ep_plan_new(fx_lync()));
	for (i = 0; i < NELEM(names); i++)
		if (ep_plan_add_discovery(plan, names[i], err,
		    sizeof(err)) == -1)
			fail_msg("%s", err);
	run(plan, dns, &obs);
	assert_int_equal(obs.ndisc, 2);
	assert_int_equal(obs.n, 0);
	assert_int_equal(ep_plan_ntargets(plan), 0);
	for (i = 0; i < obs.ndisc; i++) {
		assert_int_equal(obs.disc[i].chosen, -1);
		for (c = 0; c < EP_DISC_CANDIDATES; c++)
			for (r = 0; obs.disc[i].domain[c][0] != '\0' &&
			    r < EP_DISC__MAX; r++)
				assert_int_equal(obs.disc[i].answer[c][r].st,
				    EP_DNS_LATE);
	}
	assert_string_equal(obs.disc[0].domain[1], "contoso.test");
	assert_string_equal(obs.disc[1].domain[1], "");
	/* 6 records of sip.contoso.test and 6 of contoso.test, once each. */
	assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	while ((n = recv(fd, msg, sizeof(msg), 0)) > 0) {
		question(msg, (size_t)n, q, sizeof(q), &type);
		snprintf(key, sizeof(key), "%s/%u", q, type);
		for (k = 0; k < nseen; k++)
			if (strcmp(seen[k], key) == 0)
				fail_msg("%s asked twice", key);
		assert_true(nseen < NELEM(seen));
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", key);
	}
	assert_int_equal(nseen, 12);
	ep_observations_clear(&obs);
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
		cmocka_unit_test(test_deadline_and_once),
	};

	return cmocka_run_group_tests(tests, fx_lync_setup, fx_lync_teardown);
}
