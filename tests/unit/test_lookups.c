/*
 * Unit tests for the run's lookups (src/net/lookups.c, over
 * src/net/resolve.c) against DNS servers of this test on 127.0.0.1: a
 * child process answers UDP queries (each name has the address
 * 127.0.0.1, no AAAA record, no SRV record), or drops a burst of them,
 * or never answers A queries, or some names, or never answers at all,
 * and counts what it was asked.  The names are probed on a port nothing listens on, so a
 * name that resolved ends as a refused connect and one that did not as
 * no address, with how its lookup ended.  No lab needed.
 *
 * No test waits for a timeout it could avoid to prove a point: a retry
 * sent only after --dns-timeout would make the names end at the run
 * deadline instead (EP_DNS_LATE), which the tests tell apart.
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

#include "net/ep_engine.h"
#include "input/ep_plan.h"
#include "fixture.h"

#define LONG_MS		10000	/* a --dns-timeout no test waits for */
#define RUN_MS		5000	/* a run deadline no passing test meets */
#define NAMES		60	/* of the burst test */
#define BURST_KEPT	8	/* of the first burst, what is answered */
#define BURST_WAIT_MS	50	/* the server lets a burst gather */
#define MANY		300	/* names behind a server that is down */
#define QUESTIONS_MAX	1024	/* the server counts this many apart */
#define SERVER_SECS	30	/* the server child's life at most */

/* How the server child behaves. */
enum mode {
	M_ANSWER,		/* answers everything */
	M_DROP_BURST,		/* drops its first burst, but BURST_KEPT */
	M_NO_A,			/* answers AAAA (no record), never A */
	M_DEAD_NAMES,		/* never answers a name that starts with
				   "dead", the others always */
	M_SILENT,		/* answers nothing */
};

/* What the child saw, sent back when it is told to stop. */
struct seen {
	unsigned	queries;	/* read */
	unsigned	dropped;	/* dropped on purpose */
	unsigned	questions;	/* distinct name and type */
	unsigned	most;		/* asks of the question asked most */
	unsigned	once;		/* questions asked exactly once */
};

struct server {
	pid_t		pid;
	int		stop;		/* closed: the child reports, exits */
	int		report;		/* the child's report */
	char		addr[64];	/* "127.0.0.1:PORT" */
};

/* The question of a DNS message: its end, name and type; 0 if malformed. */
static size_t
question(const unsigned char *m, size_t len, char *name, size_t namelen,
    unsigned *type)
{
	size_t	i = 12, o = 0;

	if (len < 12)
		return 0;
	while (i < len && m[i] != 0) {
		if (m[i] > 63 || i + 1 + m[i] >= len || o + m[i] + 2 > namelen)
			return 0;
		if (o > 0)
			name[o++] = '.';
		memcpy(name + o, m + i + 1, m[i]);
		o += m[i];
		i += (size_t)m[i] + 1;
	}
	name[o] = '\0';
	if (i + 5 > len)
		return 0;
	*type = (unsigned)(m[i + 1] << 8 | m[i + 2]);
	return i + 5;
}

/*
 * The answer to a query: its header and question, with the address
 * 127.0.0.1 for A, nothing for any other type.  Returns its length.
 */
static size_t
reply(const unsigned char *q, size_t qend, unsigned type, unsigned char *out)
{
	static const unsigned char	rr[] = {
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 127, 0, 0, 1,
	};
	size_t				len = qend;

	memcpy(out, q, qend);
	out[2] = (unsigned char)(0x80 | (q[2] & 0x01));	/* QR, RD */
	out[3] = 0x80;					/* RA, NOERROR */
	out[6] = out[7] = out[8] = out[9] = out[10] = out[11] = 0;
	if (type == 1) {
		out[7] = 1;
		memcpy(out + len, rr, sizeof(rr));
		len += sizeof(rr);
	}
	return len;
}

/* The child: serves fd until stop closes, then writes what it saw. */
static void __attribute__((noreturn))
serve(int fd, int stop, int report, enum mode mode)
{
	static char		names[QUESTIONS_MAX][300];
	static unsigned		asked[QUESTIONS_MAX];
	struct pollfd		pfd[2];
	struct sockaddr_in	from;
	socklen_t		flen;
	struct seen		s;
	unsigned char		m[512], out[600];
	char			name[260], key[300];
	unsigned		type, k, i;
	size_t			qend;
	ssize_t			n;
	int			burst = mode == M_DROP_BURST, inburst;

	alarm(SERVER_SECS);
	memset(&s, 0, sizeof(s));
	pfd[0].fd = fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = stop;
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (pfd[1].revents != 0)
			break;
		/* The first burst gathers in the socket, then is read whole. */
		inburst = burst;
		if (inburst)
			usleep(BURST_WAIT_MS * 1000);
		for (k = 0;; k++) {
			flen = sizeof(from);
			if ((n = recvfrom(fd, m, sizeof(m), MSG_DONTWAIT,
			    (struct sockaddr *)&from, &flen)) == -1)
				break;
			s.queries++;
			if ((qend = question(m, (size_t)n, name, sizeof(name),
			    &type)) == 0)
				continue;
			snprintf(key, sizeof(key), "%s/%u", name, type);
			for (i = 0; i < s.questions; i++)
				if (strcmp(names[i], key) == 0)
					break;
			if (i == s.questions && s.questions < QUESTIONS_MAX)
				snprintf(names[s.questions++], sizeof(names[0]),
				    "%s", key);
			if (i < QUESTIONS_MAX)
				asked[i]++;
			if (mode == M_SILENT || (mode == M_NO_A && type == 1) ||
			    (mode == M_DEAD_NAMES &&
			    strncmp(name, "dead", 4) == 0))
				continue;
			if (inburst && k >= BURST_KEPT) {
				s.dropped++;
				continue;
			}
			(void)sendto(fd, out, reply(m, qend, type, out), 0,
			    (struct sockaddr *)&from, flen);
		}
		burst = 0;
	}
	for (k = 0; k < s.questions; k++) {
		if (asked[k] > s.most)
			s.most = asked[k];
		s.once += asked[k] == 1;
	}
	(void)write(report, &s, sizeof(s));
	_exit(0);
}

/* Starts a server child in mode on a port of its own. */
static void
server_start(struct server *sv, enum mode mode)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd, sp[2], rp[2], i;

	assert_int_not_equal(fd = socket(AF_INET, SOCK_DGRAM, 0), -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	snprintf(sv->addr, sizeof(sv->addr), "127.0.0.1:%u",
	    ntohs(sin.sin_port));
	assert_int_equal(pipe(sp), 0);
	assert_int_equal(pipe(rp), 0);
	assert_int_not_equal(sv->pid = fork(), -1);
	if (sv->pid == 0) {
		/* Another server's stop pipe held here would never close. */
		for (i = 3; i < 1024; i++)
			if (i != fd && i != sp[0] && i != rp[1])
				close(i);
		serve(fd, sp[0], rp[1], mode);
	}
	close(fd);
	close(sp[0]);
	close(rp[1]);
	sv->stop = sp[1];
	sv->report = rp[0];
}

/* Stops the child and reads what it saw. */
static void
server_stop(struct server *sv, struct seen *s)
{
	int	status;

	close(sv->stop);
	assert_int_equal(read(sv->report, s, sizeof(*s)), (ssize_t)sizeof(*s));
	close(sv->report);
	assert_int_equal(waitpid(sv->pid, &status, 0), sv->pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A port nothing listens on: connecting is refused. */
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

/* n names, n0.test to n<n-1>.test, probed on a refused port. */
static struct ep_plan *
plan_of(size_t n)
{
	struct ep_plan	*plan;
	uint16_t	 port = refused_port();
	char		 name[32], err[512];
	size_t		 i;

	assert_non_null(plan = ep_plan_new(fx_lync()));
	if (ep_plan_set_ports(plan, EP_ROLE_GENERIC, &port, 1, err,
	    sizeof(err)) == -1)
		fail_msg("ports: %s", err);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "n%zu.test", i);
		if (ep_plan_add_target(plan, EP_ROLE_GENERIC, name, "--test",
		    err, sizeof(err)) == -1)
			fail_msg("target: %s", err);
	}
	return plan;
}

static void
run(struct ep_plan *plan, const char *dns, int family, unsigned dns_ms,
    unsigned run_ms, struct ep_observations *obs)
{
	struct ep_engine_opts	o;
	char			err[512] = "";

	memset(&o, 0, sizeof(o));
	o.family = family;
	o.timeout_ms = LONG_MS;
	o.dns_timeout_ms = dns_ms;
	o.run_timeout_ms = run_ms;
	o.dns_servers = dns;
	o.priority = "NORMAL";
	assert_int_equal(ep_observations_init(obs), 0);
	if (ep_engine_run(plan, &o, obs, err, sizeof(err)) == -1)
		fail_msg("run: %s", err);
}

/* Every name resolved: its connect was refused at 127.0.0.1. */
static void
expect_resolved(const struct ep_observations *obs, size_t n)
{
	size_t	i;

	assert_int_equal(obs->n, n);
	for (i = 0; i < n; i++)
		if (obs->v[i].status != EP_OBS_CONNECT_FAILED ||
		    strcmp(obs->v[i].addrstr, "127.0.0.1") != 0)
			fail_msg("name %zu: status %d (%s), not resolved", i,
			    obs->v[i].status, obs->v[i].error);
}

/* Every name failed to resolve, and says why. */
static void
expect_failed(const struct ep_observations *obs, size_t n, const char *why)
{
	size_t	i;

	assert_int_equal(obs->n, n);
	for (i = 0; i < n; i++) {
		if (obs->v[i].status != EP_OBS_NO_ADDRESS ||
		    obs->v[i].dns != EP_DNS_FAILED)
			fail_msg("name %zu: status %d dns %d (%s), expected "
			    "a failed lookup", i, obs->v[i].status,
			    obs->v[i].dns, obs->v[i].error);
		if (strstr(obs->v[i].error, why) == NULL)
			fail_msg("name %zu: '%s' does not say '%s'", i,
			    obs->v[i].error, why);
	}
}

/* A server that answers all: each question goes out once, none lost. */
static void
test_all_answered(void **state)
{
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	struct server		 sv;
	struct seen		 s;

	(void)state;
	server_start(&sv, M_ANSWER);
	plan = plan_of(NAMES);
	run(plan, sv.addr, AF_UNSPEC, LONG_MS, RUN_MS, &obs);
	server_stop(&sv, &s);
	expect_resolved(&obs, NAMES);
	/* An A and an AAAA question a name, each asked once. */
	assert_int_equal(s.questions, 2 * NAMES);
	assert_int_equal(s.queries, 2 * NAMES);
	assert_int_equal(obs.dns.questions, 2 * NAMES);
	assert_int_equal(obs.dns.queries, 2 * NAMES);
	assert_int_equal(obs.dns.resent, 0);
	assert_int_equal(obs.dns.decreases, 0);
	/* Answers widened the window past where it starts. */
	assert_true(obs.dns.window_max > 64);
	assert_true(obs.dns.srtt_ms < 1000);
	ep_observations_clear(&obs);
	ep_plan_free(plan);
}

/*
 * A server that drops a burst: what it dropped is asked again after a
 * timeout taken from the answers it did give, well before --dns-timeout
 * (10 s: a retry that waited for it would meet the 5 s run deadline),
 * every name resolves, and the loss halved the window.
 */
static void
test_burst_dropped(void **state)
{
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	struct server		 sv;
	struct seen		 s;

	(void)state;
	server_start(&sv, M_DROP_BURST);
	plan = plan_of(NAMES);
	run(plan, sv.addr, AF_INET, LONG_MS, RUN_MS, &obs);
	server_stop(&sv, &s);
	expect_resolved(&obs, NAMES);
	assert_true(s.dropped > 0);
	assert_int_equal(s.questions, NAMES);
	/* Each dropped query was asked again; nothing else was. */
	assert_int_equal(s.queries, NAMES + obs.dns.resent);
	assert_true(obs.dns.resent >= s.dropped);
	assert_true(s.once >= NAMES - s.dropped);
	assert_int_equal(obs.dns.unanswered, 0);
	assert_true(obs.dns.decreases >= 1);
	ep_observations_clear(&obs);
	ep_plan_free(plan);
}

/*
 * A server that never answers: each name is asked again before it fails
 * at --dns-timeout (1 s), a failed lookup (dns-lookup-failed), not a name
 * without an address, and not the run deadline's.
 */
static void
test_never_answers(void **state)
{
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	struct server		 sv;
	struct seen		 s;

	(void)state;
	server_start(&sv, M_SILENT);
	plan = plan_of(5);
	run(plan, sv.addr, AF_INET, 1000, RUN_MS, &obs);
	server_stop(&sv, &s);
	expect_failed(&obs, 5, "DNS query timed out");
	assert_int_equal(s.questions, 5);
	assert_int_equal(s.once, 0);
	assert_true(s.queries >= 2 * 5);
	assert_int_equal(obs.dns.unanswered, 5);
	assert_true(obs.dns.decreases >= 1);
	ep_observations_clear(&obs);
	ep_plan_free(plan);
}

/*
 * One family's question lost, the other's answered "no record": whether
 * the name has an address is unknown, so the lookup failed; before, the
 * name was reported as having none (a critical dns-no-address).
 */
static void
test_one_family_lost(void **state)
{
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	struct server		 sv;
	struct seen		 s;

	(void)state;
	server_start(&sv, M_NO_A);
	plan = plan_of(3);
	run(plan, sv.addr, AF_UNSPEC, 1000, RUN_MS, &obs);
	server_stop(&sv, &s);
	expect_failed(&obs, 3, "DNS query timed out");
	assert_int_equal(s.questions, 6);
	ep_observations_clear(&obs);
	ep_plan_free(plan);
}

/*
 * Servers that are down cost about two --dns-timeout for all the names,
 * not one for each window of them that losses made narrow: 300 names
 * fail by 2 s or so, before the 4 s run deadline.
 */
static void
test_servers_down(void **state)
{
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	struct server		 sv;
	struct seen		 s;

	(void)state;
	server_start(&sv, M_SILENT);
	plan = plan_of(MANY);
	run(plan, sv.addr, AF_INET, 1000, 4000, &obs);
	server_stop(&sv, &s);
	expect_failed(&obs, MANY, "DNS query timed out");
	/* Most names were never sent: the window held them back. */
	assert_true(s.questions < MANY);
	assert_int_equal(obs.dns.unanswered, MANY);
	ep_observations_clear(&obs);
	ep_plan_free(plan);
}

/*
 * A resolver that never answers the names of one zone, the first 70
 * asked (more than the first window), answers the others: they resolve,
 * and only the silent ones fail.  The servers are not taken as down when
 * the first of these fail with nothing answered since.
 */
static void
test_silent_names(void **state)
{
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	struct server		 sv;
	struct seen		 s;
	uint16_t		 port = refused_port();
	char			 name[32], err[512];
	size_t			 i, failed = 0, resolved = 0;

	(void)state;
	server_start(&sv, M_DEAD_NAMES);
	assert_non_null(plan = ep_plan_new(fx_lync()));
	if (ep_plan_set_ports(plan, EP_ROLE_GENERIC, &port, 1, err,
	    sizeof(err)) == -1)
		fail_msg("ports: %s", err);
	for (i = 0; i < 90; i++) {
		snprintf(name, sizeof(name), "%s%zu.test", i < 70 ? "dead" :
		    "live", i);
		if (ep_plan_add_target(plan, EP_ROLE_GENERIC, name, "--test",
		    err, sizeof(err)) == -1)
			fail_msg("target: %s", err);
	}
	run(plan, sv.addr, AF_INET, 1000, RUN_MS, &obs);
	server_stop(&sv, &s);
	assert_int_equal(obs.n, 90);
	for (i = 0; i < obs.n; i++) {
		const char	*host = ep_plan_target(plan,
				    obs.v[i].target)->name;

		if (strncmp(host, "dead", 4) == 0) {
			if (obs.v[i].dns != EP_DNS_FAILED)
				fail_msg("%s: dns %d", host, obs.v[i].dns);
			failed++;
		} else {
			if (obs.v[i].status != EP_OBS_CONNECT_FAILED)
				fail_msg("%s: status %d (%s)", host,
				    obs.v[i].status, obs.v[i].error);
			resolved++;
		}
	}
	assert_int_equal(failed, 70);
	assert_int_equal(resolved, 20);
	ep_observations_clear(&obs);
	ep_plan_free(plan);
}

/*
 * A try the first server does not answer goes to the second: with the
 * first silent, every name resolves through the second, long before
 * --dns-timeout.
 */
static void
test_next_server(void **state)
{
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	struct server		 dead, live;
	struct seen		 sd, sl;
	char			 dns[160];

	(void)state;
	server_start(&dead, M_SILENT);
	server_start(&live, M_ANSWER);
	snprintf(dns, sizeof(dns), "%s,%s", dead.addr, live.addr);
	plan = plan_of(4);
	run(plan, dns, AF_INET, LONG_MS, RUN_MS, &obs);
	server_stop(&dead, &sd);
	server_stop(&live, &sl);
	expect_resolved(&obs, 4);
	/* First tries to the first server, second tries to the second. */
	assert_int_equal(sd.questions, 4);
	assert_int_equal(sl.questions, 4);
	assert_int_equal(obs.dns.resent, 4);
	ep_observations_clear(&obs);
	ep_plan_free(plan);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_all_answered),
		cmocka_unit_test(test_burst_dropped),
		cmocka_unit_test(test_never_answers),
		cmocka_unit_test(test_one_family_lost),
		cmocka_unit_test(test_servers_down),
		cmocka_unit_test(test_silent_names),
		cmocka_unit_test(test_next_server),
	};

	return cmocka_run_group_tests(tests, fx_lync_setup, fx_lync_teardown);
}
