/*
 * Unit tests for what the lookups (src/net/lookups.c, over the resolver
 * of src/net/resolve.c, which reads every record) keep of an answer, at
 * their limits and past them, against a DNS server of the test's own: a child process on 127.0.0.1, UDP and TCP on one port, whose
 * answers the query name says.
 * "a65.limits.test" has 65 A records, 127.0.80.65 down to 127.0.80.1;
 * "r65.limits.test" 127.0.80.64 down to 127.0.80.1 and 127.0.80.1 again;
 * "s17.limits.test" 17 SRV records, the worst priority first.  Nothing is
 * asked beyond loopback, and the addresses are of 127.0.80.0/24.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/ep_plan.h"
#include "net/ep_engine.h"
#include "net/ep_lookups.h"
#include "net/ep_resolve.h"
#include "input/ep_time.h"
#include "fixture.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define QUERY_MAX	512	/* a question */
#define ANSWER_MAX	4096	/* the answers made here fit */
#define RECORDS_MAX	250	/* what a query name may ask for */
#define TRY_MS		2000	/* a DNS try; the server answers at once */
#define RUN_MS		5000	/* a lookup or a run ends well within */
#define TYPE_A		1
#define TYPE_AAAA	28
#define TYPE_SRV	33
#define SRV_PORT	5061
#define PORT_TRIES	16	/* ports tried for the server's UDP and TCP */

struct server {
	pid_t		pid;
	char		addr[32];	/* "127.0.0.1:PORT" for --dns */
};

/* Appends a 16-bit value at *at. */
static void
put16(unsigned char *m, size_t *at, unsigned v)
{
	m[(*at)++] = (unsigned char)(v >> 8);
	m[(*at)++] = (unsigned char)v;
}

/* Appends name ("t1.limits.test") as DNS labels. */
static void
put_name(unsigned char *m, size_t *at, const char *name)
{
	const char	*p = name, *dot;
	size_t		 len;

	while (*p != '\0') {
		dot = strchr(p, '.');
		len = dot != NULL ? (size_t)(dot - p) : strlen(p);
		m[(*at)++] = (unsigned char)len;
		memcpy(m + *at, p, len);
		*at += len;
		p += len + (dot != NULL);
	}
	m[(*at)++] = 0;
}

/*
 * The answer to query q (qlen bytes) into a: the records its first label
 * asks for ("a65": 65 A records; "r65": 64 and a repeat of the lowest;
 * "s17": 17 SRV records), none for any other type.  Returns its
 * length, or 0 for a query it does not understand.
 */
static size_t
answer(const unsigned char *q, size_t qlen, unsigned char *a)
{
	size_t		 at = 12, end, i, n;
	unsigned	 qtype;
	char		 kind, target[64];

	if (qlen < 12 + 1 + 4 || q[12] < 2 || q[12] > 4)
		return 0;
	kind = (char)q[13];
	for (n = 0, i = 14; i < 13 + (size_t)q[12]; i++)
		n = n * 10 + (size_t)(q[i] - '0');
	for (end = 12; end < qlen && q[end] != 0; end += q[end] + 1)
		;
	if (end + 5 > qlen || n == 0 || n > RECORDS_MAX)
		return 0;
	qtype = (unsigned)q[end + 1] << 8 | q[end + 2];
	end += 5;		/* the root label, type and class */
	memcpy(a, q, end);
	a[2] = 0x84;		/* a response, authoritative */
	a[3] = 0x00;
	if ((kind == 'a' || kind == 'r') && qtype != TYPE_A)
		n = 0;
	if (kind == 's' && qtype != TYPE_SRV)
		n = 0;
	a[6] = (unsigned char)(n >> 8);
	a[7] = (unsigned char)n;
	memset(a + 8, 0, 4);
	at = end;
	for (i = 0; i < n; i++) {
		put16(a, &at, 0xc00c);	/* the question's name */
		put16(a, &at, kind == 's' ? TYPE_SRV : TYPE_A);
		put16(a, &at, 1);
		put16(a, &at, 0);
		put16(a, &at, 60);
		if (kind == 's') {
			size_t	len_at = at;

			snprintf(target, sizeof(target), "t%zu.limits.test",
			    n - i);
			at += 2;
			put16(a, &at, (unsigned)(n - i));	/* priority */
			put16(a, &at, 0);
			put16(a, &at, SRV_PORT);
			put_name(a, &at, target);
			a[len_at] = (unsigned char)((at - len_at - 2) >> 8);
			a[len_at + 1] = (unsigned char)(at - len_at - 2);
			continue;
		}
		put16(a, &at, 4);
		a[at++] = 127;
		a[at++] = 0;
		a[at++] = 80;
		a[at++] = (unsigned char)(kind != 'r' ? n - i :
		    i == n - 1 ? 1 : n - 1 - i);
	}
	return at;
}

/* Reads exactly n bytes; returns 0, or -1 at the end or an error. */
static int
read_all(int fd, unsigned char *buf, size_t n)
{
	ssize_t	r;

	while (n > 0) {
		if ((r = read(fd, buf, n)) == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		buf += r;
		n -= (size_t)r;
	}
	return 0;
}

/* One TCP client: questions and answers, each after its length. */
static void
serve_tcp(int fd)
{
	unsigned char	q[QUERY_MAX], a[ANSWER_MAX + 2];
	size_t		qlen, n;

	while (read_all(fd, q, 2) == 0) {
		qlen = (size_t)q[0] << 8 | q[1];
		if (qlen > sizeof(q) || read_all(fd, q, qlen) == -1)
			break;
		if ((n = answer(q, qlen, a + 2)) == 0)
			break;
		a[0] = (unsigned char)(n >> 8);
		a[1] = (unsigned char)n;
		if (write(fd, a, n + 2) != (ssize_t)(n + 2))
			break;
	}
	close(fd);
}

/*
 * The server's loop, in the child: answers until it is killed, each TCP
 * connection in a child of its own.  An answer over 512 bytes sends
 * c-ares to TCP, as a truncated one would.
 */
static void
serve(int udp, int tcp)
{
	struct sockaddr_storage	 from;
	socklen_t		 fromlen;
	struct pollfd		 pfd[2];
	unsigned char		 q[QUERY_MAX], a[ANSWER_MAX];
	ssize_t			 r;
	size_t			 n;
	int			 c;

	signal(SIGCHLD, SIG_IGN);	/* no zombies of the TCP servers */
	pfd[0].fd = udp;
	pfd[1].fd = tcp;
	pfd[0].events = pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		/* c-ares may hold several connections open at once. */
		if ((pfd[1].revents & POLLIN) &&
		    (c = accept(tcp, NULL, NULL)) != -1) {
			if (fork() == 0) {
				serve_tcp(c);
				_exit(0);
			}
			close(c);
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		fromlen = sizeof(from);
		r = recvfrom(udp, q, sizeof(q), 0, (struct sockaddr *)&from,
		    &fromlen);
		if (r > 0 && (n = answer(q, (size_t)r, a)) > 0)
			sendto(udp, a, n, 0, (struct sockaddr *)&from, fromlen);
	}
}

/*
 * A UDP and a TCP socket on one port of 127.0.0.1: the first port the
 * kernel gives UDP that TCP has free too.  Returns 0, or -1.
 */
static int
bind_pair(int *udp, int *tcp, uint16_t *port)
{
	struct sockaddr_in	sin;
	socklen_t		len;
	int			try, one = 1;

	for (try = 0; try < PORT_TRIES; try++) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(sin);
		if ((*udp = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
			return -1;
		if ((*tcp = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
			close(*udp);
			return -1;
		}
		if (bind(*udp, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
		    getsockname(*udp, (struct sockaddr *)&sin, &len) == 0 &&
		    setsockopt(*tcp, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one)) == 0 && bind(*tcp, (struct sockaddr *)&sin,
		    sizeof(sin)) == 0 && listen(*tcp, 8) == 0) {
			*port = ntohs(sin.sin_port);
			return 0;
		}
		close(*udp);
		close(*tcp);
	}
	return -1;
}

static int
server_setup(void **state)
{
	struct server	*s;
	uint16_t	 port;
	int		 udp, tcp;

	if (fx_lync_setup(state) != 0 ||
	    (s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	if (bind_pair(&udp, &tcp, &port) == -1 || (s->pid = fork()) == -1) {
		free(s);
		return -1;
	}
	if (s->pid == 0)
		serve(udp, tcp);
	snprintf(s->addr, sizeof(s->addr), "127.0.0.1:%u", port);
	close(udp);
	close(tcp);
	*state = s;
	return 0;
}

static int
server_teardown(void **state)
{
	struct server	*s = *state;

	/* A failed setup leaves no server. */
	if (s != NULL) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		free(s);
	}
	return fx_lync_teardown(state);
}

/* What one lookup was called back with. */
struct got {
	int			 done;
	enum ep_dns_status	 st;
	struct ep_addr		 addrs[EP_RESOLVE_ADDRS_MAX];
	struct ep_srv		 srv[EP_SRV_MAX];
	size_t			 n, total;
};

static void
got_addrs(void *arg, enum ep_dns_status st, const struct ep_addr *addrs,
    size_t n, size_t total, const char *error)
{
	struct got	*g = arg;

	if (error != NULL)
		print_message("lookup: %s\n", error);
	g->done = 1;
	g->st = st;
	g->n = n;
	g->total = total;
	assert_true(n <= EP_RESOLVE_ADDRS_MAX);
	memcpy(g->addrs, addrs, n * sizeof(*addrs));
}

static void
got_srv(void *arg, enum ep_dns_status st, const struct ep_srv *srv,
    size_t n, size_t total, const char *error)
{
	struct got	*g = arg;

	if (error != NULL)
		print_message("lookup: %s\n", error);
	g->done = 1;
	g->st = st;
	g->n = n;
	g->total = total;
	assert_true(n <= EP_SRV_MAX);
	memcpy(g->srv, srv, n * sizeof(*srv));
}

/* Asks the server for name (SRV or A) and drives the lookups to the end. */
static void
ask(const struct server *s, const char *name, int srv, struct got *g)
{
	struct ep_lookups	*lk;
	struct ep_resolver	*r;
	struct pollfd		 pfd[EP_RESOLVE_SOCKS_MAX];
	int64_t			 end = ep_time_mono_ms() + RUN_MS;
	char			 err[256] = "";
	size_t			 n;

	memset(g, 0, sizeof(*g));
	if (ep_lookups_new(&lk, s->addr, AF_INET, TRY_MS, err,
	    sizeof(err)) != 0)
		fail_msg("lookups: %s", err);
	r = ep_lookups_resolver(lk);
	assert_int_equal(srv ? ep_lookups_srv(lk, name, got_srv, g) :
	    ep_lookups_addr(lk, name, got_addrs, g), 0);
	while (!g->done && ep_time_mono_ms() < end) {
		ep_lookups_expire(lk);
		assert_int_equal(ep_lookups_flush(lk), 0);
		n = ep_resolver_fill(r, pfd, EP_RESOLVE_SOCKS_MAX);
		assert_true(poll(pfd, n, ep_lookups_timeout(lk, RUN_MS)) !=
		    -1);
		ep_resolver_process(r, pfd, n);
	}
	ep_lookups_free(lk);
	assert_true(g->done);
	assert_int_equal(g->st, EP_DNS_ANSWERED);
}

/* Asserts that g holds 127.0.80.1 to 127.0.80.N in that order. */
static void
expect_lowest(const struct got *g, size_t n)
{
	size_t	i;

	assert_int_equal(g->n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(g->addrs[i].family, AF_INET);
		if (g->addrs[i].addr[3] != i + 1)
			fail_msg("address %zu is 127.0.80.%u", i,
			    g->addrs[i].addr[3]);
	}
}

/*
 * EP_RESOLVE_ADDRS_MAX addresses are all kept, in order; one more is
 * counted, and the highest is the one left out, whatever order the
 * answer gave.
 */
static void
test_addrs_limit(void **state)
{
	struct got	g;
	char		name[64];

	snprintf(name, sizeof(name), "a%d.limits.test", EP_RESOLVE_ADDRS_MAX);
	ask(*state, name, 0, &g);
	expect_lowest(&g, EP_RESOLVE_ADDRS_MAX);
	assert_int_equal(g.total, EP_RESOLVE_ADDRS_MAX);
	snprintf(name, sizeof(name), "a%d.limits.test",
	    EP_RESOLVE_ADDRS_MAX + 1);
	ask(*state, name, 0, &g);
	expect_lowest(&g, EP_RESOLVE_ADDRS_MAX);
	assert_int_equal(g.total, EP_RESOLVE_ADDRS_MAX + 1);
}

/* An address the answer repeats counts once: that is no overflow. */
static void
test_addrs_repeated(void **state)
{
	struct got	g;
	char		name[64];

	snprintf(name, sizeof(name), "r%d.limits.test",
	    EP_RESOLVE_ADDRS_MAX + 1);
	ask(*state, name, 0, &g);
	expect_lowest(&g, EP_RESOLVE_ADDRS_MAX);
	assert_int_equal(g.total, EP_RESOLVE_ADDRS_MAX);
}

/*
 * EP_SRV_MAX records are all kept; of one more, the one clients try last
 * is left out, though the answer lists it first.
 */
static void
test_srv_limit(void **state)
{
	struct got	g;
	char		name[64];
	size_t		i;

	snprintf(name, sizeof(name), "s%d.limits.test", EP_SRV_MAX);
	ask(*state, name, 1, &g);
	assert_int_equal(g.n, EP_SRV_MAX);
	assert_int_equal(g.total, EP_SRV_MAX);
	snprintf(name, sizeof(name), "s%d.limits.test", EP_SRV_MAX + 1);
	ask(*state, name, 1, &g);
	assert_int_equal(g.n, EP_SRV_MAX);
	assert_int_equal(g.total, EP_SRV_MAX + 1);
	for (i = 0; i < EP_SRV_MAX; i++) {
		assert_int_equal(g.srv[i].priority, i + 1);
		assert_int_equal(g.srv[i].port, SRV_PORT);
		snprintf(name, sizeof(name), "t%zu.limits.test", i + 1);
		assert_string_equal(g.srv[i].target, name);
	}
}

/* A port nothing listens on: each probe there ends at once, refused. */
static uint16_t
refused_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd;

	assert_int_not_equal(fd = socket(AF_INET, SOCK_STREAM, 0), -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

/* The options of a run that asks s, IPv4 only, fetching nothing. */
static void
run_opts(const struct server *s, struct ep_engine_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->family = AF_INET;
	o->timeout_ms = RUN_MS;
	o->dns_timeout_ms = TRY_MS;
	o->dns_servers = s->addr;
	o->priority = "NORMAL";
	o->no_fetch = 1;
}

/*
 * A run probes each kept address and tells every observation how many
 * the name had: a name at the limit, and one past it.
 */
static void
test_run_addrs(void **state)
{
	const struct server	*s = *state;
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	uint16_t		 port = refused_port();
	char			 err[512] = "", name[2][64];
	size_t			 i, k, seen[2] = { 0, 0 };

	assert_non_null(plan = ep_plan_new(fx_lync()));
	assert_int_equal(ep_plan_set_ports(plan, EP_ROLE_GENERIC, &port, 1,
	    err, sizeof(err)), 0);
	for (k = 0; k < 2; k++) {
		snprintf(name[k], sizeof(name[k]), "a%zu.limits.test",
		    EP_RESOLVE_ADDRS_MAX + k);
		if (ep_plan_add_target(plan, EP_ROLE_GENERIC, name[k], "--test",
		    err, sizeof(err)) != 0)
			fail_msg("%s", err);
	}
	run_opts(s, &o);
	assert_int_equal(ep_observations_init(&obs), 0);
	if (ep_engine_run(plan, &o, &obs, err, sizeof(err)) != 0)
		fail_msg("run: %s", err);
	for (i = 0; i < obs.n; i++) {
		const char	*t = ep_plan_target(plan, obs.v[i].target)->name;

		k = strcmp(t, name[1]) == 0;
		seen[k]++;

		assert_int_equal(obs.v[i].dns_total, EP_RESOLVE_ADDRS_MAX + k);
		assert_int_equal(obs.v[i].status, EP_OBS_CONNECT_FAILED);
	}
	assert_int_equal(seen[0], EP_RESOLVE_ADDRS_MAX);
	assert_int_equal(seen[1], EP_RESOLVE_ADDRS_MAX);
	ep_observations_clear(&obs);
	ep_plan_free(plan);
}

/*
 * A run takes as many endpoints as it may and counts the rest: with room
 * for exactly what two names make, none is left out; with less, the
 * rest are, whichever name they belong to.
 */
static void
test_run_endpoints(void **state)
{
	const struct server	*s = *state;
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	static const size_t	 room[] = { 2 * EP_RESOLVE_ADDRS_MAX,
				    2 * EP_RESOLVE_ADDRS_MAX - 1, 100 };
	uint16_t		 port = refused_port();
	char			 err[512] = "", name[64];
	size_t			 k;

	assert_non_null(plan = ep_plan_new(fx_lync()));
	assert_int_equal(ep_plan_set_ports(plan, EP_ROLE_GENERIC, &port, 1,
	    err, sizeof(err)), 0);
	/* 64 addresses each, the second name's answer with a repeat. */
	for (k = 0; k < 2; k++) {
		snprintf(name, sizeof(name), "%c%d.limits.test", k == 0 ? 'a' :
		    'r', EP_RESOLVE_ADDRS_MAX + (int)k);
		if (ep_plan_add_target(plan, EP_ROLE_GENERIC, name, "--test",
		    err, sizeof(err)) != 0)
			fail_msg("%s", err);
	}
	for (k = 0; k < NELEM(room); k++) {
		run_opts(s, &o);
		o.max_endpoints = room[k];
		assert_int_equal(ep_observations_init(&obs), 0);
		if (ep_engine_run(plan, &o, &obs, err, sizeof(err)) != 0)
			fail_msg("run: %s", err);
		assert_int_equal(obs.n, room[k]);
		assert_int_equal(obs.endpoints_left_out,
		    2 * EP_RESOLVE_ADDRS_MAX - room[k]);
		ep_observations_clear(&obs);
	}
	ep_plan_free(plan);
}

/* EP_DNS_SERVERS_MAX servers are taken; one more is refused, saying so. */
static void
test_servers_limit(void **state)
{
	struct ep_resolver	*r;
	char			 csv[512], err[512] = "", want[64];
	size_t			 i, len = 0;

	(void)state;
	for (i = 0; i <= EP_DNS_SERVERS_MAX; i++) {
		len += (size_t)snprintf(csv + len, sizeof(csv) - len,
		    "%s127.0.80.%zu", i > 0 ? "," : "", i + 1);
		if (i == EP_DNS_SERVERS_MAX - 1) {
			if (ep_resolver_new(&r, csv, TRY_MS, err,
			    sizeof(err)) != 0)
				fail_msg("%zu servers: %s", i + 1, err);
			ep_resolver_free(r);
		}
	}
	assert_int_equal(ep_resolver_new(&r, csv, TRY_MS, err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want), "at most %d", EP_DNS_SERVERS_MAX);
	assert_non_null(strstr(err, want));
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_addrs_limit),
		cmocka_unit_test(test_addrs_repeated),
		cmocka_unit_test(test_srv_limit),
		cmocka_unit_test(test_run_addrs),
		cmocka_unit_test(test_run_endpoints),
		cmocka_unit_test(test_servers_limit),
	};

	return cmocka_run_group_tests(tests, server_setup, server_teardown);
}
