/*
 * Unit tests for the run (src/net/engine.c) against sockets of this process
 * on 127.0.0.1: a listener that never accepts (the kernel completes the
 * TCP connect, nobody answers the ClientHello), one whose accept queue is
 * full (the kernel drops the SYN: the connect never completes), a port
 * nothing listens on, a DNS server that never answers, a GnuTLS server
 * in a child process that demands a client certificate, and a child that
 * accepts connections, never answers them and counts how many are open
 * at once.  No lab needed.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gnutls/gnutls.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/ep_engine.h"
#include "input/ep_plan.h"
#include "input/ep_time.h"
#include "fixture.h"

#define LONG_MS		5000	/* a limit no test waits for */
#define SHORT_MS	200	/* a limit a test does wait for */
#define SLACK_MS	3000	/* a run must end well within this */
#define MANY		20	/* probes of the descriptor test */
#define FREE_FDS	4	/* descriptors left free there */
#define LOW_NOFILE	300	/* a soft limit below the engine's wish */
#define CHILD_SKIP	77	/* the child could not set the limit */
#define FILLERS		2	/* connects that fill a backlog of 0 */
#define SERVER_SECS	20	/* the TLS server child's life at most */
#define PER_ADDRESS	3	/* of the per-address tests */
#define ONE_ADDRESS	12	/* names at one address there */
#define CONNS_MAX	64	/* the counting child holds this many */
#define RATE		10	/* --rate of the rate test: a second */
#define RATE_JOBS	20	/* probes of each address there */
#define RATE_RUN_MS	500	/* its run deadline */

/* A socket of type on 127.0.0.1 at a port the kernel picks. */
static int
local_socket(int type, uint16_t *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd;

	assert_int_not_equal(fd = socket(AF_INET, type, 0), -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Accepts connections into its backlog and never answers them. */
static int
silent_listener(uint16_t *port)
{
	int	fd = local_socket(SOCK_STREAM, port);

	assert_int_equal(listen(fd, 64), 0);
	return fd;
}

/*
 * A listener whose one-place accept queue holds connections of ours: the
 * kernel drops further SYNs, so a connect to it never completes.
 */
static int
full_listener(uint16_t *port, int *fillers)
{
	struct sockaddr_in	sin;
	int			fd = local_socket(SOCK_STREAM, port), i;

	assert_int_equal(listen(fd, 0), 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(*port);
	for (i = 0; i < FILLERS; i++) {
		assert_int_not_equal(fillers[i] = socket(AF_INET, SOCK_STREAM,
		    0), -1);
		assert_int_not_equal(fcntl(fillers[i], F_SETFL, O_NONBLOCK),
		    -1);
		if (connect(fillers[i], (struct sockaddr *)&sin,
		    sizeof(sin)) == -1)
			assert_int_equal(errno, EINPROGRESS);
	}
	return fd;
}

/* A port nothing listens on: connecting is refused. */
static uint16_t
refused_port(void)
{
	uint16_t	port;

	close(local_socket(SOCK_STREAM, &port));
	return port;
}

static void
opts_init(struct ep_engine_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	o->timeout_ms = LONG_MS;
	o->dns_timeout_ms = LONG_MS;
	o->priority = "NORMAL";
}

static struct ep_plan *
plan_with_ports(const uint16_t *ports, size_t n)
{
	struct ep_plan	*plan;
	char		 err[512];

	assert_non_null(plan = ep_plan_new(fx_lync()));
	if (ep_plan_set_ports(plan, EP_ROLE_GENERIC, ports, n, err,
	    sizeof(err)) == -1)
		fail_msg("ports: %s", err);
	return plan;
}

/* A member of the generic role at 127.0.0.<last>. */
static void
add_member_at(struct ep_plan *plan, const char *name, unsigned char last)
{
	struct ep_addr	a;
	char		err[512];

	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.addr[0] = 127;
	a.addr[3] = last;
	if (ep_plan_add_member(plan, EP_ROLE_GENERIC, name, &a, "--test", err,
	    sizeof(err)) == -1)
		fail_msg("member: %s", err);
}

static void
add_member(struct ep_plan *plan, const char *name)
{
	add_member_at(plan, name, 1);
}

static void
add_target(struct ep_plan *plan, enum ep_role role, const char *name)
{
	char	err[512];

	if (ep_plan_add_target(plan, role, name, "--test", err,
	    sizeof(err)) == -1)
		fail_msg("target: %s", err);
}

/* Runs the plan; returns its wall-clock time. */
static int64_t
run(struct ep_plan *plan, const struct ep_engine_opts *o,
    struct ep_observations *obs)
{
	char	err[512] = "";
	int64_t	t0 = ep_time_mono_ms();

	assert_int_equal(ep_observations_init(obs), 0);
	if (ep_engine_run(plan, o, obs, err, sizeof(err)) == -1)
		fail_msg("run: %s", err);
	return ep_time_mono_ms() - t0;
}

static void
expect_obs(const struct ep_obs *o, enum ep_obs_status st, const char *why)
{
	if (o->status != st)
		fail_msg("status %d, want %d (%s)", o->status, st, o->error);
	if (strstr(o->error, why) == NULL)
		fail_msg("error '%s' does not say '%s'", o->error, why);
}

/* A server that never answers costs the handshake limit, not the total. */
static void
test_handshake_deadline(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	uint16_t		 port;
	int			 lfd = silent_listener(&port);

	(void)state;
	plan = plan_with_ports(&port, 1);
	add_member(plan, "silent.test");
	opts_init(&o);
	o.handshake_timeout_ms = SHORT_MS;
	assert_true(run(plan, &o, &obs) < SLACK_MS);
	assert_int_equal(obs.n, 1);
	expect_obs(&obs.v[0], EP_OBS_TIMEOUT,
	    "the TLS handshake did not finish in 0.2 s");
	assert_string_equal(obs.v[0].addrstr, "127.0.0.1");
	ep_observations_clear(&obs);
	ep_plan_free(plan);
	close(lfd);
}

/* The total limit applies when the phases have none shorter. */
static void
test_total_deadline(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	uint16_t		 port;
	int			 lfd = silent_listener(&port);

	(void)state;
	plan = plan_with_ports(&port, 1);
	add_member(plan, "silent.test");
	opts_init(&o);
	o.timeout_ms = SHORT_MS;
	assert_true(run(plan, &o, &obs) < SLACK_MS);
	assert_int_equal(obs.n, 1);
	expect_obs(&obs.v[0], EP_OBS_TIMEOUT, "did not finish in 0.2 s");
	ep_observations_clear(&obs);
	ep_plan_free(plan);
	close(lfd);
}

/* A connect that never completes costs the connect limit alone. */
static void
test_connect_deadline(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	uint16_t		 port;
	int			 fillers[FILLERS], lfd, i;

	(void)state;
	lfd = full_listener(&port, fillers);
	plan = plan_with_ports(&port, 1);
	add_member(plan, "blackhole.test");
	opts_init(&o);
	o.connect_timeout_ms = SHORT_MS;
	assert_true(run(plan, &o, &obs) < SLACK_MS);
	assert_int_equal(obs.n, 1);
	expect_obs(&obs.v[0], EP_OBS_TIMEOUT,
	    "no answer to the TCP connect in 0.2 s");
	ep_observations_clear(&obs);
	ep_plan_free(plan);
	for (i = 0; i < FILLERS; i++)
		close(fillers[i]);
	close(lfd);
}

/* ClientHellos the child's server has seen. */
static int	hellos;

static int
count_hello(gnutls_session_t s, unsigned htype, unsigned when,
    unsigned incoming, const gnutls_datum_t *msg)
{
	(void)s;
	(void)htype;
	(void)when;
	(void)msg;
	hellos += incoming != 0;
	return 0;
}

/*
 * The child: a TLS server with the fixture PFX's chain and priority prio,
 * for n connections.  With require, it demands a client certificate: in
 * TLS 1.2, refusing the empty one, it never sends its Finished.  With
 * want_hellos, that many ClientHellos must come in all.  Exits 0, or the
 * step that failed.
 */
static void __attribute__((noreturn))
tls_server(int lfd, int n, const char *prio, int require, int want_hellos)
{
	gnutls_certificate_credentials_t	 cred;
	gnutls_session_t			 s;
	int					 fd, r;

	alarm(SERVER_SECS);
	/* A probe that stops early closes while the server still writes. */
	signal(SIGPIPE, SIG_IGN);
	if (gnutls_certificate_allocate_credentials(&cred) < 0 ||
	    gnutls_certificate_set_x509_simple_pkcs12_file(cred,
	    fx_path("offline/access.pfx"), GNUTLS_X509_FMT_DER,
	    "offline fixture password") < 0)
		_exit(1);
	for (; n > 0; n--) {
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			_exit(2);
		if (gnutls_init(&s, GNUTLS_SERVER) < 0 ||
		    gnutls_priority_set_direct(s, prio, NULL) < 0 ||
		    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred) < 0)
			_exit(3);
		if (require)
			gnutls_certificate_server_set_request(s,
			    GNUTLS_CERT_REQUIRE);
		gnutls_handshake_set_hook_function(s,
		    GNUTLS_HANDSHAKE_CLIENT_HELLO, GNUTLS_HOOK_PRE, count_hello);
		gnutls_transport_set_int(s, fd);
		do
			r = gnutls_handshake(s);
		while (r < 0 && !gnutls_error_is_fatal(r));
		if (r < 0)
			gnutls_alert_send_appropriate(s, r);
		gnutls_deinit(s);
		close(fd);
	}
	gnutls_certificate_free_credentials(cred);
	_exit(want_hellos != 0 && hellos != want_hellos ? 5 : 0);
}

/* Starts tls_server in a child; returns its pid. */
static pid_t
start_tls_server(int lfd, int n, const char *prio, int require,
    int want_hellos)
{
	pid_t	pid;

	assert_int_not_equal(pid = fork(), -1);
	if (pid == 0)
		tls_server(lfd, n, prio, require, want_hellos);
	return pid;
}

/* Waits for the child pid of start_tls_server: it must have exited 0. */
static void
expect_tls_server_done(pid_t pid)
{
	int	status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("TLS server child: status %d", status);
}

/*
 * A server that refuses the handshake after its first flight: stopping
 * once the chain is in sees the chain and the certificate request; the
 * full handshake runs into the refusal.
 */
static void
test_full_handshake(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	uint16_t		 port;
	pid_t			 pid;
	int			 lfd;

	(void)state;
	lfd = silent_listener(&port);
	pid = start_tls_server(lfd, 2, "NORMAL:-VERS-TLS1.3", 1, 0);
	plan = plan_with_ports(&port, 1);
	add_member(plan, "mtls.test");
	opts_init(&o);

	run(plan, &o, &obs);
	assert_int_equal(obs.n, 1);
	expect_obs(&obs.v[0], EP_OBS_OK, "");
	assert_true(obs.v[0].chain_len >= 1);
	assert_true(obs.v[0].client_cert_requested);
	ep_observations_clear(&obs);

	o.full_handshake = 1;
	run(plan, &o, &obs);
	assert_int_equal(obs.n, 1);
	assert_int_equal(obs.v[0].status, EP_OBS_HANDSHAKE_FAILED);
	ep_observations_clear(&obs);

	expect_tls_server_done(pid);
	ep_plan_free(plan);
	close(lfd);
}

/*
 * One key share goes out, for X25519: a TLS 1.3 server without X25519
 * asks for another group (a second ClientHello, which the child checks),
 * and the handshake still gets the chain.
 */
static void
test_hello_retry(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	uint16_t		 port;
	pid_t			 pid;
	int			 lfd;

	(void)state;
	lfd = silent_listener(&port);
	pid = start_tls_server(lfd, 1, "NORMAL:-GROUP-ALL:+GROUP-SECP256R1", 0,
	    2);
	plan = plan_with_ports(&port, 1);
	add_member(plan, "p256.test");
	opts_init(&o);
	o.priority = EP_ENGINE_PRIORITY_DEFAULT;
	run(plan, &o, &obs);
	assert_int_equal(obs.n, 1);
	expect_obs(&obs.v[0], EP_OBS_OK, "");
	assert_string_equal(obs.v[0].tls_version, "TLS1.3");
	assert_true(obs.v[0].chain_len >= 1);
	ep_observations_clear(&obs);
	expect_tls_server_done(pid);
	ep_plan_free(plan);
	close(lfd);
}

static void
test_connect_refused(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	uint16_t		 port = refused_port();

	(void)state;
	plan = plan_with_ports(&port, 1);
	add_member(plan, "refused.test");
	opts_init(&o);
	run(plan, &o, &obs);
	assert_int_equal(obs.n, 1);
	expect_obs(&obs.v[0], EP_OBS_CONNECT_FAILED, "refused");
	ep_observations_clear(&obs);
	ep_plan_free(plan);
}

/*
 * At the run deadline the running probe, the queued one and the lookup
 * in flight all end, each saying why.
 */
static void
test_run_deadline(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	uint16_t		 ports[2], dport;
	int			 lfd[2], dfd;
	size_t			 first;
	char			 dns[64];

	(void)state;
	lfd[0] = silent_listener(&ports[0]);
	lfd[1] = silent_listener(&ports[1]);
	dfd = local_socket(SOCK_DGRAM, &dport);
	snprintf(dns, sizeof(dns), "127.0.0.1:%u", dport);
	plan = plan_with_ports(ports, 2);
	add_member(plan, "silent.test");
	add_target(plan, EP_ROLE_GENERIC, "unanswered.test");
	opts_init(&o);
	o.dns_servers = dns;
	o.max_inflight = 1;
	o.run_timeout_ms = SHORT_MS;
	assert_true(run(plan, &o, &obs) < SLACK_MS);
	assert_int_equal(obs.n, 4);
	/* Sorted by port: the first port of the list is probed first. */
	first = obs.v[0].port == ports[0] ? 0 : 1;
	expect_obs(&obs.v[first], EP_OBS_TIMEOUT,
	    "the run deadline passed during the TLS handshake");
	assert_int_equal(obs.v[first].port, ports[0]);
	expect_obs(&obs.v[1 - first], EP_OBS_TIMEOUT,
	    "the run deadline passed before the probe started");
	assert_int_equal(obs.v[1 - first].port, ports[1]);
	expect_obs(&obs.v[2], EP_OBS_NO_ADDRESS,
	    "the run deadline passed before the name resolved");
	expect_obs(&obs.v[3], EP_OBS_NO_ADDRESS,
	    "the run deadline passed before the name resolved");
	ep_observations_clear(&obs);
	ep_plan_free(plan);
	close(lfd[0]);
	close(lfd[1]);
	close(dfd);
}

static volatile sig_atomic_t	stopped_by;

static void
on_alarm(int sig)
{
	stopped_by = sig;
}

/*
 * A signal stops the run as the run deadline does: its handler (without
 * SA_RESTART) sets the flag the engine looks at, the loop's wait ends,
 * and the probe in flight, the one queued and the name not resolved all
 * end as interrupted, each saying why; the run says which signal.  With
 * masked set, the signal is blocked but in the loop's wait, as edgeprobe
 * runs it.
 */
static void
stop_flag(int masked)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	struct sigaction	 sa, old;
	struct itimerval	 it;
	sigset_t		 block, before;
	uint16_t		 ports[2], dport;
	int			 lfd[2], dfd;
	size_t			 first;
	char			 dns[64];

	lfd[0] = silent_listener(&ports[0]);
	lfd[1] = silent_listener(&ports[1]);
	dfd = local_socket(SOCK_DGRAM, &dport);
	snprintf(dns, sizeof(dns), "127.0.0.1:%u", dport);
	plan = plan_with_ports(ports, 2);
	add_member(plan, "silent.test");
	add_target(plan, EP_ROLE_GENERIC, "unanswered.test");
	opts_init(&o);
	o.dns_servers = dns;
	o.max_inflight = 1;
	o.stop = &stopped_by;
	stopped_by = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	assert_int_equal(sigprocmask(masked ? SIG_BLOCK : SIG_UNBLOCK, &block,
	    &before), 0);
	if (masked)
		o.wait_mask = &before;
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = SHORT_MS * 1000;
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	assert_true(run(plan, &o, &obs) < SLACK_MS);
	assert_int_equal(sigprocmask(SIG_SETMASK, &before, NULL), 0);
	assert_int_equal(sigaction(SIGALRM, &old, NULL), 0);
	assert_int_equal(obs.interrupted, SIGALRM);
	assert_int_equal(obs.n, 4);
	first = obs.v[0].port == ports[0] ? 0 : 1;
	expect_obs(&obs.v[first], EP_OBS_INTERRUPTED,
	    "the run was interrupted during the TLS handshake");
	expect_obs(&obs.v[1 - first], EP_OBS_INTERRUPTED,
	    "the run was interrupted before the probe started");
	expect_obs(&obs.v[2], EP_OBS_INTERRUPTED,
	    "the run was interrupted before the name resolved");
	assert_int_equal(obs.v[2].has_addr, 0);
	assert_int_equal(obs.v[2].dns, EP_DNS_INTERRUPTED);
	expect_obs(&obs.v[3], EP_OBS_INTERRUPTED,
	    "the run was interrupted before the name resolved");
	ep_observations_clear(&obs);
	ep_plan_free(plan);
	close(lfd[0]);
	close(lfd[1]);
	close(dfd);
}

static void
test_stop_flag(void **state)
{
	(void)state;
	stop_flag(0);
}

static void
test_stop_flag_masked(void **state)
{
	(void)state;
	stop_flag(1);
}

/* A run whose flag was never set is not interrupted. */
static void
test_stop_flag_unset(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	uint16_t		 port = refused_port();

	(void)state;
	plan = plan_with_ports(&port, 1);
	add_member(plan, "refused.test");
	opts_init(&o);
	stopped_by = 0;
	o.stop = &stopped_by;
	assert_true(run(plan, &o, &obs) < SLACK_MS);
	assert_int_equal(obs.interrupted, 0);
	assert_int_equal(obs.n, 1);
	assert_int_equal(obs.v[0].status, EP_OBS_CONNECT_FAILED);
	ep_observations_clear(&obs);
	ep_plan_free(plan);
}

/* Reads the query name of a DNS message into out ("a.test"). */
static void
qname(const unsigned char *m, size_t len, char *out, size_t outlen)
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
}

/*
 * A name in several roles is looked up once, and every target of a name
 * not resolved in time gets its observation.
 */
static void
test_lookup_once(void **state)
{
	static const char	*names[] = { "a.test", "b.test", "c.test" };
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	unsigned char		 msg[512];
	char			 dns[64], q[256];
	uint16_t		 dport;
	int			 dfd, seen[3] = { 0, 0, 0 };
	size_t			 i;
	ssize_t			 n;

	(void)state;
	dfd = local_socket(SOCK_DGRAM, &dport);
	snprintf(dns, sizeof(dns), "127.0.0.1:%u", dport);
	assert_non_null(plan = ep_plan_new(fx_lync()));
	add_target(plan, EP_ROLE_WEBCON, "a.test");
	add_target(plan, EP_ROLE_REVERSE_PROXY, "a.test");
	add_target(plan, EP_ROLE_INTERNAL, "b.test");
	add_target(plan, EP_ROLE_GENERIC, "b.test");
	add_target(plan, EP_ROLE_WEBCON, "c.test");
	add_target(plan, EP_ROLE_AV, "c.test");	/* not probed: no lookup */
	opts_init(&o);
	o.family = AF_INET;	/* one A query a name */
	o.dns_servers = dns;
	o.run_timeout_ms = SHORT_MS;
	run(plan, &o, &obs);
	/* webcon, reverse proxy, internal, generic, webcon: one port each. */
	assert_int_equal(obs.n, 5);
	for (i = 0; i < obs.n; i++)
		expect_obs(&obs.v[i], EP_OBS_NO_ADDRESS, "run deadline");
	assert_int_equal(fcntl(dfd, F_SETFL, O_NONBLOCK), 0);
	while ((n = recv(dfd, msg, sizeof(msg), 0)) > 0) {
		qname(msg, (size_t)n, q, sizeof(q));
		for (i = 0; i < 3; i++)
			if (strcmp(q, names[i]) == 0)
				seen[i]++;
	}
	for (i = 0; i < 3; i++)
		if (seen[i] != 1)
			fail_msg("%s asked %d times", names[i], seen[i]);
	ep_observations_clear(&obs);
	ep_plan_free(plan);
	close(dfd);
}

/* -6 leaves out IPv4 members: nothing is left to probe. */
static void
test_family_members(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	uint16_t		 port = refused_port();

	(void)state;
	plan = plan_with_ports(&port, 1);
	add_member(plan, "v4.test");
	opts_init(&o);
	o.family = AF_INET6;
	run(plan, &o, &obs);
	assert_int_equal(obs.n, 1);
	expect_obs(&obs.v[0], EP_OBS_NO_ADDRESS, "no IPv6 member");
	ep_observations_clear(&obs);
	ep_plan_free(plan);
}

/*
 * A target named by an IP address is probed there without a DNS query,
 * unless -4 or -6 leaves its family out.
 */
static void
test_ip_literal(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	unsigned char		 msg[512];
	uint16_t		 port = refused_port(), dport;
	int			 dfd;
	char			 dns[64];

	(void)state;
	dfd = local_socket(SOCK_DGRAM, &dport);
	snprintf(dns, sizeof(dns), "127.0.0.1:%u", dport);
	plan = plan_with_ports(&port, 1);
	add_target(plan, EP_ROLE_GENERIC, "127.0.0.1");
	add_target(plan, EP_ROLE_GENERIC, "::1");
	opts_init(&o);
	o.dns_servers = dns;
	o.family = AF_INET;
	assert_true(run(plan, &o, &obs) < SLACK_MS);
	assert_int_equal(obs.n, 2);
	expect_obs(&obs.v[0], EP_OBS_CONNECT_FAILED, "refused");
	assert_string_equal(obs.v[0].addrstr, "127.0.0.1");
	expect_obs(&obs.v[1], EP_OBS_NO_ADDRESS, "left out by -4");
	assert_int_equal(fcntl(dfd, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(recv(dfd, msg, sizeof(msg), 0), -1);
	ep_observations_clear(&obs);
	ep_plan_free(plan);
	close(dfd);
}

/* What a run that streams told, target by target. */
struct told {
	size_t	calls[8];	/* by target */
	size_t	nobs[8];
	int	still_in;	/* an observation was retired already */
	size_t	maxidx;		/* the highest slot told */
};

static void
told(void *arg, struct ep_observations *out, size_t target,
    const size_t *idx, size_t n)
{
	struct told	*t = arg;
	size_t		 k;

	assert_true(target < 8);
	t->calls[target]++;
	t->nobs[target] += n;
	for (k = 0; k < n; k++) {
		if (out->v[idx[k]].target != target)
			t->still_in = 1;
		if (idx[k] > t->maxidx)
			t->maxidx = idx[k];
		assert_int_equal(ep_observations_retire(out, idx[k]), 0);
	}
}

/*
 * Streamed, every target is told once, with all its observations (a
 * refused probe, or a name left out by -4), during the run; their slots
 * are retired and taken again, and nothing is left in the observations
 * at the end.
 */
static void
test_streamed_groups(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	struct told		 t;
	uint16_t		 ports[2];
	size_t			 i;

	(void)state;
	ports[0] = refused_port();
	ports[1] = refused_port();
	plan = plan_with_ports(ports, 2);
	add_member(plan, "a.test");
	add_member(plan, "b.test");
	add_member(plan, "c.test");
	add_target(plan, EP_ROLE_GENERIC, "::1");
	memset(&t, 0, sizeof(t));
	opts_init(&o);
	o.family = AF_INET;
	o.group_done = told;
	o.group_arg = &t;
	o.max_inflight = 1;	/* one at a time: slots free as targets end */
	run(plan, &o, &obs);
	for (i = 0; i < 4; i++) {
		assert_int_equal(t.calls[i], 1);
		assert_int_equal(t.nobs[i], 2);
	}
	assert_false(t.still_in);
	assert_int_equal(obs.n, 0);
	/* Eight observations, in four slots at most: retired ones reused. */
	assert_true(t.maxidx < 4);
	ep_observations_clear(&obs);
	ep_plan_free(plan);
}

static void
test_bad_priority(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	uint16_t		 port = refused_port();
	char			 err[512] = "";

	(void)state;
	plan = plan_with_ports(&port, 1);
	add_member(plan, "x.test");
	opts_init(&o);
	o.priority = "NO-SUCH-PRIORITY";
	assert_int_equal(ep_observations_init(&obs), 0);
	assert_int_equal(ep_engine_run(plan, &o, &obs, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "priority"));
	ep_observations_clear(&obs);
	ep_plan_free(plan);
}

/* The soft descriptor limit raised for the run is put back after it. */
static void
test_limit_restored(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	struct rlimit		 orig, low, after;
	uint16_t		 port = refused_port();

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &orig), 0);
	if (orig.rlim_max != RLIM_INFINITY &&
	    orig.rlim_max < EP_ENGINE_INFLIGHT_DEFAULT * 2)
		skip();
	low = orig;
	low.rlim_cur = LOW_NOFILE;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	plan = plan_with_ports(&port, 1);
	add_member(plan, "x.test");
	opts_init(&o);
	run(plan, &o, &obs);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &after), 0);
	assert_int_equal(after.rlim_cur, LOW_NOFILE);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &orig), 0);
	ep_observations_clear(&obs);
	ep_plan_free(plan);
}

/*
 * In a child whose descriptors are nearly all taken: probes that find no
 * descriptor wait for one, rather than ending as connect-failed.
 */
static int
starved_child(void)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	struct rlimit		 rl;
	uint16_t		 port;
	char			 name[32], err[512];
	int			 lfd, fd, last = -1, i, ret = 0;
	size_t			 k;

	/* The engine may not raise it: hard and soft alike. */
	rl.rlim_cur = rl.rlim_max = LOW_NOFILE;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		return CHILD_SKIP;	/* valgrind keeps the limit to itself */
	lfd = silent_listener(&port);
	plan = plan_with_ports(&port, 1);
	for (i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "t%d.test", i);
		add_member(plan, name);
	}
	if (ep_observations_init(&obs) == -1)
		return 2;
	while ((fd = dup(0)) != -1)
		last = fd;
	for (i = 0; i < FREE_FDS; i++)
		close(last - i);
	opts_init(&o);
	o.handshake_timeout_ms = SHORT_MS;
	if (ep_engine_run(plan, &o, &obs, err, sizeof(err)) == -1)
		ret = 3;
	else if (obs.n != MANY)
		ret = 4;
	for (k = 0; ret == 0 && k < obs.n; k++)
		if (obs.v[k].status != EP_OBS_TIMEOUT)
			ret = 5;
	ep_observations_clear(&obs);
	ep_plan_free(plan);
	close(lfd);
	return ret;
}

static void
test_out_of_descriptors(void **state)
{
	pid_t	pid;
	int	status;

	(void)state;
	assert_int_not_equal(pid = fork(), -1);
	if (pid == 0)
		_exit(starved_child());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == CHILD_SKIP)
		skip();
	if (WEXITSTATUS(status) != 0)
		fail_msg("child failed at step %d", WEXITSTATUS(status));
}

/*
 * The child: accepts on lfd, never answers, and counts the connections
 * open at once (accepted, not closed by the client) until stop closes;
 * then writes the most it saw to report.
 */
static void __attribute__((noreturn))
counting_server(int lfd, int stop, int report)
{
	struct pollfd	pfd[2 + CONNS_MAX];
	char		buf[4096];
	int		conns[CONNS_MAX], nconns = 0, peak = 0, fd, i, k;
	ssize_t		n;

	alarm(SERVER_SECS);
	if (fcntl(lfd, F_SETFL, O_NONBLOCK) == -1)
		_exit(1);
	for (;;) {
		pfd[0].fd = stop;
		pfd[1].fd = lfd;
		for (i = 0; i < nconns; i++)
			pfd[2 + i].fd = conns[i];
		for (i = 0; i < 2 + nconns; i++)
			pfd[i].events = POLLIN;
		if (poll(pfd, (nfds_t)(2 + nconns), -1) == -1) {
			if (errno == EINTR)
				continue;
			_exit(2);
		}
		if (pfd[0].revents != 0)
			break;
		/*
		 * Closes first: a client that closes one connection before it
		 * opens the next must not be counted with both.
		 */
		for (i = nconns - 1; i >= 0; i--) {
			if (pfd[2 + i].revents == 0)
				continue;
			if ((n = read(conns[i], buf, sizeof(buf))) > 0)
				continue;
			close(conns[i]);
			for (k = i; k < nconns - 1; k++)
				conns[k] = conns[k + 1];
			nconns--;
		}
		while (nconns < CONNS_MAX &&
		    (fd = accept(lfd, NULL, NULL)) != -1) {
			conns[nconns++] = fd;
			if (nconns > peak)
				peak = nconns;
		}
	}
	(void)write(report, &peak, sizeof(peak));
	_exit(0);
}

/*
 * Many names at one address, with --per-address 3: the server never has
 * more than 3 of them at once, and still sees 3 (the limit is reached,
 * not undershot), and every probe runs.
 */
static void
test_per_address(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	uint16_t		 port;
	pid_t			 pid;
	char			 name[32];
	int			 lfd = silent_listener(&port), sp[2], rp[2];
	int			 peak = -1, status, i;
	size_t			 k;

	(void)state;
	assert_int_equal(pipe(sp), 0);
	assert_int_equal(pipe(rp), 0);
	assert_int_not_equal(pid = fork(), -1);
	if (pid == 0) {
		close(sp[1]);
		close(rp[0]);
		counting_server(lfd, sp[0], rp[1]);
	}
	close(sp[0]);
	close(rp[1]);
	plan = plan_with_ports(&port, 1);
	for (i = 0; i < ONE_ADDRESS; i++) {
		snprintf(name, sizeof(name), "m%d.test", i);
		add_member(plan, name);
	}
	opts_init(&o);
	o.handshake_timeout_ms = SHORT_MS;
	o.per_address = PER_ADDRESS;
	run(plan, &o, &obs);
	close(sp[1]);
	assert_int_equal(read(rp[0], &peak, sizeof(peak)),
	    (ssize_t)sizeof(peak));
	close(rp[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(peak, PER_ADDRESS);
	assert_int_equal(obs.n, ONE_ADDRESS);
	for (k = 0; k < obs.n; k++)
		expect_obs(&obs.v[k], EP_OBS_TIMEOUT,
		    "the TLS handshake did not finish");
	ep_observations_clear(&obs);
	ep_plan_free(plan);
	close(lfd);
}

/*
 * An address at its limit holds back no other address: with -j 2 and
 * --per-address 1, the probes of a server that never answers (queued
 * first) wait for its one slot, while those of another address, queued
 * after them, all run before the run deadline.
 */
static void
test_no_head_of_line(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	uint16_t		 port;
	char			 name[32];
	int			 lfd = silent_listener(&port), i;
	size_t			 k, slow = 0, fast = 0, waited = 0;

	(void)state;
	plan = plan_with_ports(&port, 1);
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "silent%d.test", i);
		add_member_at(plan, name, 1);
	}
	/* Nothing listens on 127.0.0.2 at that port: refused at once. */
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "refused%d.test", i);
		add_member_at(plan, name, 2);
	}
	opts_init(&o);
	o.max_inflight = 2;
	o.per_address = 1;
	o.run_timeout_ms = SHORT_MS;
	run(plan, &o, &obs);
	assert_int_equal(obs.n, 8);
	for (k = 0; k < obs.n; k++) {
		if (strcmp(obs.v[k].addrstr, "127.0.0.2") == 0) {
			expect_obs(&obs.v[k], EP_OBS_CONNECT_FAILED, "refused");
			fast++;
		} else if (strstr(obs.v[k].error, "before the probe started")) {
			waited++;
		} else {
			expect_obs(&obs.v[k], EP_OBS_TIMEOUT,
			    "the run deadline passed during the TLS handshake");
			slow++;
		}
	}
	assert_int_equal(fast, 4);
	assert_int_equal(slow, 1);
	assert_int_equal(waited, 3);
	ep_observations_clear(&obs);
	ep_plan_free(plan);
	close(lfd);
}

/*
 * --rate 10: each address starts one probe at once (the bucket holds a
 * tenth of a second's worth, at least one), then one every 100 ms; by a
 * 500 ms run deadline each of two addresses has started between 2 and
 * 7 of its 20, on its own bucket, and the rest never started.
 */
static void
test_rate(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_observations	 obs;
	struct ep_plan		*plan;
	uint16_t		 port = refused_port();
	char			 name[32];
	size_t			 k, started[2] = { 0, 0 };
	int			 i, b;

	(void)state;
	plan = plan_with_ports(&port, 1);
	for (b = 0; b < 2; b++)
		for (i = 0; i < RATE_JOBS; i++) {
			snprintf(name, sizeof(name), "r%d-%d.test", b, i);
			add_member_at(plan, name, (unsigned char)(1 + b));
		}
	opts_init(&o);
	o.rate = RATE;
	o.run_timeout_ms = RATE_RUN_MS;
	run(plan, &o, &obs);
	assert_int_equal(obs.n, 2 * RATE_JOBS);
	for (k = 0; k < obs.n; k++) {
		b = strcmp(obs.v[k].addrstr, "127.0.0.2") == 0;
		if (obs.v[k].status == EP_OBS_CONNECT_FAILED)
			started[b]++;
		else
			expect_obs(&obs.v[k], EP_OBS_TIMEOUT,
			    "before the probe started");
	}
	for (b = 0; b < 2; b++)
		if (started[b] < 2 ||
		    started[b] > 1 + RATE * RATE_RUN_MS / 1000 + 1)
			fail_msg("address %d started %zu probes", b, started[b]);
	ep_observations_clear(&obs);
	ep_plan_free(plan);
}

/*
 * A plan that makes EP_ENDPOINTS_MAX endpoints before any DNS answer is
 * let through; one endpoint more is refused before anything starts,
 * saying how many it makes.  Members of the family left out do not count.
 */
static void
test_endpoints_planned(void **state)
{
	struct ep_engine_opts	 o;
	struct ep_plan		*plan;
	struct ep_addr		 a;
	uint16_t		 port = refused_port();
	char			 name[32], err[512] = "", want[128];
	size_t			 t, m;

	(void)state;
	plan = plan_with_ports(&port, 1);
	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.addr[0] = 127;
	a.addr[2] = 80;
	for (t = 0; t < EP_ENDPOINTS_MAX / EP_MEMBERS_MAX; t++) {
		snprintf(name, sizeof(name), "t%zu.test", t);
		for (m = 0; m < EP_MEMBERS_MAX; m++) {
			a.addr[3] = (unsigned char)m;
			if (ep_plan_add_member(plan, EP_ROLE_GENERIC, name, &a,
			    "--test", err, sizeof(err)) == -1)
				fail_msg("member: %s", err);
		}
	}
	opts_init(&o);
	if (ep_engine_check(plan, &o, err, sizeof(err)) != 0)
		fail_msg("at the limit: %s", err);
	/* An IPv6 member is no endpoint of a run of IPv4 (-4). */
	a.family = AF_INET6;
	if (ep_plan_add_member(plan, EP_ROLE_GENERIC, "six.test", &a, "--test",
	    err, sizeof(err)) == -1)
		fail_msg("member: %s", err);
	add_member(plan, "six.test");
	o.family = AF_INET;
	if (ep_engine_check(plan, &o, err, sizeof(err)) != -1)
		fail_msg("one past the limit was let through");
	snprintf(want, sizeof(want), "make %d endpoints", EP_ENDPOINTS_MAX + 1);
	assert_non_null(strstr(err, want));
	ep_plan_free(plan);
}

/* In a child with a hard open-file limit of LOW_NOFILE: what -j fits. */
static int
jobs_child(void)
{
	struct ep_engine_opts	 o;
	struct ep_plan		*plan;
	struct rlimit		 rl;
	char			 err[512], want[64];
	int			 ret = 0;

	snprintf(want, sizeof(want), "leaves room for %d handshakes",
	    LOW_NOFILE - EP_ENGINE_FD_RESERVE);
	rl.rlim_cur = rl.rlim_max = LOW_NOFILE;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		return CHILD_SKIP;
	if ((plan = ep_plan_new(fx_lync())) == NULL)
		return 2;
	opts_init(&o);
	o.max_inflight = LOW_NOFILE - EP_ENGINE_FD_RESERVE;
	if (ep_engine_check(plan, &o, err, sizeof(err)) != 0)
		ret = 3;
	o.max_inflight++;
	if (ret == 0 && (ep_engine_check(plan, &o, err, sizeof(err)) != -1 ||
	    strstr(err, want) == NULL))
		ret = 4;
	/* Chosen, not asked: fewer run, and nothing is refused. */
	o.max_inflight = 0;
	if (ret == 0 && ep_engine_check(plan, &o, err, sizeof(err)) != 0)
		ret = 5;
	o.max_inflight = EP_ENGINE_INFLIGHT_MAX + 1;
	if (ret == 0 && ep_engine_check(plan, &o, err, sizeof(err)) != -1)
		ret = 6;
	ep_plan_free(plan);
	return ret;
}

/*
 * -j at most what the hard open-file limit holds beside
 * EP_ENGINE_FD_RESERVE: one more is refused, saying how many fit.
 */
static void
test_jobs_limit(void **state)
{
	pid_t	pid;
	int	status;

	(void)state;
	assert_int_not_equal(pid = fork(), -1);
	if (pid == 0)
		_exit(jobs_child());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == CHILD_SKIP)
		skip();
	if (WEXITSTATUS(status) != 0)
		fail_msg("child failed at step %d", WEXITSTATUS(status));
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_handshake_deadline),
		cmocka_unit_test(test_total_deadline),
		cmocka_unit_test(test_connect_deadline),
		cmocka_unit_test(test_full_handshake),
		cmocka_unit_test(test_hello_retry),
		cmocka_unit_test(test_connect_refused),
		cmocka_unit_test(test_run_deadline),
		cmocka_unit_test(test_stop_flag),
		cmocka_unit_test(test_stop_flag_masked),
		cmocka_unit_test(test_stop_flag_unset),
		cmocka_unit_test(test_lookup_once),
		cmocka_unit_test(test_family_members),
		cmocka_unit_test(test_ip_literal),
		cmocka_unit_test(test_streamed_groups),
		cmocka_unit_test(test_bad_priority),
		cmocka_unit_test(test_limit_restored),
		cmocka_unit_test(test_out_of_descriptors),
		cmocka_unit_test(test_per_address),
		cmocka_unit_test(test_no_head_of_line),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_endpoints_planned),
		cmocka_unit_test(test_jobs_limit),
	};

	return cmocka_run_group_tests(tests, fx_lync_setup, fx_lync_teardown);
}
