/*
 * Unit tests for the HTTP fetcher (src/net/fetch.c), driven as the engine
 * drives it: a poller loop that hands the fetcher the events of its
 * sockets and ticks it when ep_fetch_timeout's time has come.  The
 * servers are this file's: a small HTTP/1.1 server in a child process on
 * 127.0.0.1 (one poll loop over its connections) that answers by path and
 * writes one line a request to a pipe, which the test reads, and a GnuTLS
 * server for https.  No lab needed.
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

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "input/ep_time.h"
#include "net/ep_fetch.h"
#include "net/ep_poller.h"

#define SHORT_MS	200	/* a deadline a test does wait for */
#define SLOW_MS		300	/* the server's delay on /slow paths */
#define SLACK_MS	8000	/* a test's loop must end well within this */
#define TLS_MS		60000	/* the https test's: loading the system's
				   store is slow under valgrind */
#define SERVER_SECS	30	/* a server child's life at most */
#define EV_MAX		16	/* events read back by one wait */
#define SRV_CONNS	64	/* connections a server holds at once */
#define SRV_BUF		8192	/* a request's bytes */
#define LOG_MAX		65536	/* a server's log */
#define BODY_MAX	256	/* bytes of a body a test keeps */
#define BIG		100000	/* bytes of the bodies over the cap */
#define CAP		65536	/* the cap they go over */
#define NCONC		6	/* requests of the concurrency test */
#define MAXCONC		2	/* its limit */
#define UA		"edgeprobe/test"

/* An OCSP request's stand-in: binary, with a NUL in it. */
static const unsigned char	ocsp_req[] = { 0x30, 0x03, 0x00, 0x01, 0xff };

/*
 * The server child.
 */

struct sconn {
	int	fd;		/* -1: a free place */
	char	buf[SRV_BUF];
	size_t	len;
	int	in;		/* the whole request is in */
	int64_t	at;		/* answer then; -1: never */
};

/* Writes s whole, ignoring a client that left. */
static void
put(int fd, const void *s, size_t len)
{
	const char	*p = s;
	ssize_t		 n;

	while (len > 0 && (n = write(fd, p, len)) > 0) {
		p += n;
		len -= (size_t)n;
	}
}

static void
puts_fd(int fd, const char *s)
{
	put(fd, s, strlen(s));
}

/* A complete response with a body of len bytes. */
static void
reply(int fd, int status, const char *type, const void *body, size_t len)
{
	char	h[256];

	snprintf(h, sizeof(h), "HTTP/1.1 %d X\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", status, type,
	    len);
	puts_fd(fd, h);
	put(fd, body, len);
}

static void
redirect(int fd, const char *to, const char *extra)
{
	char	h[512];

	snprintf(h, sizeof(h), "HTTP/1.1 302 Found\r\nLocation: %s\r\n%s"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n", to, extra);
	puts_fd(fd, h);
}

/* The value of header name in c's request, or "" (into out). */
static void
header(const struct sconn *c, const char *name, char *out, size_t outlen)
{
	const char	*p = c->buf, *end;
	size_t		 n = strlen(name);

	out[0] = '\0';
	while ((p = strstr(p, "\r\n")) != NULL && p[2] != '\r') {
		p += 2;
		if (strncasecmp(p, name, n) != 0 || p[n] != ':')
			continue;
		p += n + 1;
		p += strspn(p, " ");
		end = strstr(p, "\r\n");
		n = (size_t)(end - p) < outlen ? (size_t)(end - p) : outlen - 1;
		memcpy(out, p, n);
		out[n] = '\0';
		return;
	}
}

/* Bytes of the headers, "\r\n\r\n" included; 0 while incomplete. */
static size_t
head_len(const struct sconn *c)
{
	const char	*e = strstr(c->buf, "\r\n\r\n");

	return e == NULL ? 0 : (size_t)(e - c->buf) + 4;
}

static int
complete(const struct sconn *c)
{
	char	cl[32];
	size_t	h = head_len(c);

	if (h == 0)
		return 0;
	header(c, "Content-Length", cl, sizeof(cl));
	return c->len >= h + strtoul(cl, NULL, 10);
}

/* The request line's method (8 bytes) and target (1024 bytes). */
static void
request_line(const struct sconn *c, char *method, char *target)
{
	if (sscanf(c->buf, "%7s %1023s", method, target) != 2)
		method[0] = target[0] = '\0';
}

static int64_t
answer_at(const struct sconn *c, int64_t now)
{
	char	m[8], t[1024];

	request_line(c, m, t);
	if (strncmp(t, "/silent", 7) == 0)
		return -1;
	return strncmp(t, "/slow", 5) == 0 ? now + SLOW_MS : now;
}

static void
answer_ocsp(int fd, const struct sconn *c, const char *method)
{
	char	type[128];
	size_t	h = head_len(c);

	header(c, "Content-Type", type, sizeof(type));
	if (strcmp(method, "POST") == 0 &&
	    strcmp(type, "application/ocsp-request") == 0 &&
	    c->len - h == sizeof(ocsp_req) &&
	    memcmp(c->buf + h, ocsp_req, sizeof(ocsp_req)) == 0)
		reply(fd, 200, "application/ocsp-response", "ocsp ok", 7);
	else
		reply(fd, 400, "text/plain", "bad", 3);
}

/* A body of BIG bytes, with a length or ended by the close. */
static void
answer_big(int fd, int with_length)
{
	static char	big[BIG];
	char		h[256];

	memset(big, 'x', sizeof(big));
	if (with_length)
		snprintf(h, sizeof(h), "HTTP/1.1 200 OK\r\nContent-Length: "
		    "%d\r\nConnection: close\r\n\r\n", BIG);
	else
		snprintf(h, sizeof(h), "HTTP/1.1 200 OK\r\nConnection: close"
		    "\r\n\r\n");
	puts_fd(fd, h);
	put(fd, big, sizeof(big));
}

static void
answer(const struct sconn *c, int proxy)
{
	char	m[8], t[1024], path[1024], v[256], to[64];
	int	fd = c->fd;

	request_line(c, m, t);
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(t, "?"), t);
	if (proxy)
		reply(fd, 200, "text/plain", "proxied", 7);
	else if (strcmp(path, "/hello") == 0) {
		/* In pieces: the headers, then the body in two. */
		puts_fd(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
		    "Content-Length: 12\r\nConnection: close\r\n\r\n");
		usleep(20000);
		puts_fd(fd, "hello, ");
		usleep(20000);
		puts_fd(fd, "world");
	} else if (strcmp(path, "/chunked") == 0) {
		puts_fd(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
		    "Connection: close\r\n\r\n5\r\nhello\r\n");
		usleep(20000);
		puts_fd(fd, "9\r\n, chunked\r\n");
		usleep(20000);
		puts_fd(fd, "6\r\n world\r\n0\r\n\r\n");
	} else if (strcmp(path, "/big") == 0)
		answer_big(fd, 1);
	else if (strcmp(path, "/bigstream") == 0)
		answer_big(fd, 0);
	else if (strcmp(path, "/redirect") == 0)
		redirect(fd, "/hello", "");
	else if (strcmp(path, "/loop") == 0)
		redirect(fd, "/loop2", "");
	else if (strcmp(path, "/loop2") == 0)
		redirect(fd, "/loop", "");
	else if (strncmp(path, "/chain/", 7) == 0) {
		snprintf(to, sizeof(to), "/chain/%d", atoi(path + 7) + 1);
		redirect(fd, to, "");
	} else if (strcmp(path, "/tofile") == 0)
		redirect(fd, "file:///etc/passwd", "");
	else if (strcmp(path, "/toftp") == 0)
		redirect(fd, "ftp://127.0.0.1:1/ca.crt", "");
	else if (strcmp(path, "/ocsp") == 0)
		answer_ocsp(fd, c, m);
	else if (strcmp(path, "/ua") == 0) {
		header(c, "User-Agent", v, sizeof(v));
		reply(fd, 200, "text/plain", v, strlen(v));
	} else if (strcmp(path, "/cookie") == 0)
		redirect(fd, "/cookie2", "Set-Cookie: sid=1; Path=/\r\n");
	else if (strcmp(path, "/cookie2") == 0) {
		header(c, "Cookie", v, sizeof(v));
		if (v[0] == '\0')
			snprintf(v, sizeof(v), "none");
		reply(fd, 200, "text/plain", v, strlen(v));
	} else if (strncmp(path, "/slow", 5) == 0)
		reply(fd, 200, "text/plain", t, strlen(t));
	else
		reply(fd, 404, "text/plain", "no such thing", 13);
}

/* A request is in: one line to the log, "METHOD TARGET OPEN". */
static void
logged(int logfd, const struct sconn *c, int open)
{
	char	m[8], t[1024], line[1100];

	request_line(c, m, t);
	snprintf(line, sizeof(line), "%s %s %d\n", m, t, open);
	puts_fd(logfd, line);
}

static void
drop(struct sconn *c, int *open)
{
	if (c->in)
		(*open)--;
	close(c->fd);
	c->fd = -1;
}

/* Answers what is due; returns the next time one is, or -1. */
static int64_t
answer_due(struct sconn *c, int *open, int proxy)
{
	int64_t	now = ep_time_mono_ms(), next = -1;
	int	i;

	for (i = 0; i < SRV_CONNS; i++) {
		if (c[i].fd == -1 || !c[i].in || c[i].at == -1)
			continue;
		if (c[i].at <= now) {
			answer(&c[i], proxy);
			drop(&c[i], open);
		} else if (next == -1 || c[i].at < next)
			next = c[i].at;
	}
	return next;
}

static void
take(struct sconn *c, int lfd)
{
	int	fd, i;

	if ((fd = accept(lfd, NULL, NULL)) == -1)
		return;
	for (i = 0; i < SRV_CONNS && c[i].fd != -1; i++)
		;
	if (i == SRV_CONNS) {
		close(fd);
		return;
	}
	memset(&c[i], 0, sizeof(c[i]));
	c[i].fd = fd;
}

static void
readable(struct sconn *c, int *open, int logfd)
{
	char	scratch[512];
	ssize_t	n;

	/* Past the request, reading only tells a client that left. */
	if (c->in)
		n = read(c->fd, scratch, sizeof(scratch));
	else if (c->len + 1 < sizeof(c->buf))
		n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	else
		n = 0;
	if (n <= 0) {
		drop(c, open);
		return;
	}
	if (c->in)
		return;
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	if (complete(c)) {
		c->in = 1;
		(*open)++;
		c->at = answer_at(c, ep_time_mono_ms());
		logged(logfd, c, *open);
	}
}

static void __attribute__((noreturn))
serve(int lfd, int logfd, int proxy)
{
	static struct sconn	c[SRV_CONNS];
	struct pollfd		pfd[SRV_CONNS + 1];
	int			idx[SRV_CONNS + 1], open = 0, i, n, k;
	int64_t			next;

	alarm(SERVER_SECS);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < SRV_CONNS; i++)
		c[i].fd = -1;
	for (;;) {
		next = answer_due(c, &open, proxy);
		n = 0;
		pfd[n].fd = lfd;
		pfd[n++].events = POLLIN;
		for (i = 0; i < SRV_CONNS; i++) {
			if (c[i].fd == -1)
				continue;
			pfd[n].fd = c[i].fd;
			pfd[n].events = POLLIN;
			idx[n++] = i;
		}
		if (poll(pfd, (nfds_t)n, next == -1 ? -1 :
		    (int)(next - ep_time_mono_ms() + 1)) == -1)
			_exit(2);
		if (pfd[0].revents & POLLIN)
			take(c, lfd);
		for (k = 1; k < n; k++)
			if (pfd[k].revents != 0 && c[idx[k]].fd != -1)
				readable(&c[idx[k]], &open, logfd);
	}
}

/*
 * The parent's side.
 */

struct server {
	pid_t	 pid;
	uint16_t port;
	int	 logfd;
	char	 log[LOG_MAX];
	size_t	 loglen;
};

/* A socket on 127.0.0.1 at a port the kernel picks. */
static int
local_socket(uint16_t *port)
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
	*port = ntohs(sin.sin_port);
	return fd;
}

static int
listener(uint16_t *port)
{
	int	fd = local_socket(port);

	assert_int_equal(listen(fd, 64), 0);
	return fd;
}

/* A port nothing listens on: connecting is refused. */
static uint16_t
refused_port(void)
{
	uint16_t	port;

	close(local_socket(&port));
	return port;
}

/*
 * Starts the server child; proxy: it answers every request "proxied", as
 * a proxy would.  Before the fetcher is made: the child must not hold
 * copies of its sockets.
 */
static void
server_start(struct server *s, int proxy)
{
	int	lfd, p[2];

	memset(s, 0, sizeof(*s));
	lfd = listener(&s->port);
	assert_int_equal(pipe(p), 0);
	assert_int_not_equal(s->pid = fork(), -1);
	if (s->pid == 0) {
		close(p[0]);
		serve(lfd, p[1], proxy);
	}
	close(p[1]);
	close(lfd);
	s->logfd = p[0];
	assert_int_equal(fcntl(s->logfd, F_SETFL, O_NONBLOCK), 0);
}

/* Reads what the server logged so far. */
static void
server_read(struct server *s)
{
	ssize_t	n;

	while (s->loglen + 1 < sizeof(s->log) &&
	    (n = read(s->logfd, s->log + s->loglen,
	    sizeof(s->log) - 1 - s->loglen)) > 0)
		s->loglen += (size_t)n;
	s->log[s->loglen] = '\0';
}

/* Stops the server, which must not have died before, and reads its log. */
static void
server_stop(struct server *s)
{
	int	status;

	assert_int_equal(kill(s->pid, SIGTERM), 0);
	assert_int_equal(waitpid(s->pid, &status, 0), s->pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGTERM)
		fail_msg("server child ended early: status %d", status);
	server_read(s);
	close(s->logfd);
}

/* The line after p's, or the end of the log. */
static const char *
next_line(const char *p)
{
	p += strcspn(p, "\n");
	return *p == '\n' ? p + 1 : p;
}

/* Requests the server logged as "METHOD TARGET". */
static int
seen(const struct server *s, const char *what)
{
	const char	*p;
	size_t		 n = strlen(what);
	int		 k = 0;

	for (p = s->log; *p != '\0'; p = next_line(p))
		if (strncmp(p, what, n) == 0 && p[n] == ' ')
			k++;
	return k;
}

static int
lines(const struct server *s)
{
	const char	*p;
	int		 k = 0;

	for (p = s->log; (p = strchr(p, '\n')) != NULL; p++)
		k++;
	return k;
}

/* The most requests the server held at once. */
static int
most_open(const struct server *s)
{
	const char	*p, *sp;
	int		 most = 0, v;

	/* The last field of each line. */
	for (p = s->log; *p != '\0'; p = next_line(p)) {
		for (sp = p + strcspn(p, "\n"); sp > p && sp[-1] != ' '; sp--)
			;
		if ((v = atoi(sp)) > most)
			most = v;
	}
	return most;
}

static const char *
url(char *buf, size_t len, uint16_t port, const char *path)
{
	snprintf(buf, len, "http://127.0.0.1:%u%s", port, path);
	return buf;
}

/* What a request was told. */
struct got {
	int		calls;
	int		ok;
	int		status;
	int		capped;
	int		again;
	int		nobody;		/* body NULL */
	size_t		len;
	char		body[BODY_MAX];
	char		type[64];
	char		reason[256];
	char		url[256];
	unsigned	ms;
	int		get_then;	/* what ep_fetch_get returned from
					   within the callback, if asked */
};

/* The fetcher and its loop. */
struct rig {
	struct ep_poller	*p;
	struct ep_fetch		*f;
	int			 in_get;	/* ep_fetch_get runs */
	int			 retry;		/* on_done asks again */
};

static struct rig	*cur_rig;

static void
on_done(void *arg, const struct ep_fetch_result *r)
{
	struct got		*g = arg;
	struct ep_fetch_req	 q;
	size_t			 n;

	g->calls++;
	if (cur_rig->in_get)
		fail_msg("done called from within ep_fetch_get");
	g->ok = r->ok;
	g->status = r->status;
	g->capped = r->capped;
	g->again = r->again;
	g->nobody = r->body == NULL;
	g->len = r->len;
	n = r->body == NULL ? 0 : r->len < BODY_MAX - 1 ? r->len :
	    BODY_MAX - 1;
	if (n > 0)
		memcpy(g->body, r->body, n);
	g->body[n] = '\0';
	snprintf(g->type, sizeof(g->type), "%s", r->content_type);
	snprintf(g->reason, sizeof(g->reason), "%s", r->reason);
	snprintf(g->url, sizeof(g->url), "%s", r->url);
	g->ms = r->ms;
	if (cur_rig->retry) {
		memset(&q, 0, sizeof(q));
		q.url = "http://127.0.0.1:1/retry";
		g->get_then = ep_fetch_get(cur_rig->f, &q, on_done, g);
	}
}

static void
rig_new(struct rig *r, const struct ep_fetch_opts *o)
{
	struct ep_fetch_opts	def;
	char			err[256] = "";

	memset(r, 0, sizeof(*r));
	if (o == NULL) {
		memset(&def, 0, sizeof(def));
		def.user_agent = UA;
		o = &def;
	}
	assert_int_equal(ep_poller_new(&r->p, 0), 0);
	if (ep_fetch_new(&r->f, r->p, o, err, sizeof(err)) == -1)
		fail_msg("ep_fetch_new: %s", err);
	cur_rig = r;
}

/* Frees the fetcher: none of its sockets may stay with the poller. */
static void
rig_free(struct rig *r)
{
	ep_fetch_free(r->f);
	assert_int_equal(ep_poller_count(r->p), 0);
	ep_poller_free(r->p);
	cur_rig = NULL;
}

static void
ask(struct rig *r, const struct ep_fetch_req *q, struct got *g)
{
	r->in_get = 1;
	assert_int_equal(ep_fetch_get(r->f, q, on_done, g), 0);
	r->in_get = 0;
}

static void
ask_url(struct rig *r, const char *u, struct got *g)
{
	struct ep_fetch_req	q;

	memset(&q, 0, sizeof(q));
	q.url = u;
	q.kind = EP_FETCH_CERT;
	ask(r, &q, g);
}

/*
 * One turn of the loop, as the engine's: waits for the fetcher's sockets
 * at most until its timeout (or until end), hands it the events, and
 * ticks it when that timeout came.
 */
static void
turn(struct rig *r, int64_t end)
{
	struct ep_poller_event	ev[EV_MAX];
	int64_t			now = ep_time_mono_ms(), due;
	int			to = ep_fetch_timeout(r->f), n, i;

	due = to == -1 ? -1 : now + to;
	if (to == -1 || to > end - now)
		to = end > now ? (int)(end - now) : 0;
	assert_int_not_equal(n = ep_poller_wait(r->p, ev, EV_MAX, to), -1);
	for (i = 0; i < n; i++) {
		if (!ep_fetch_owns(r->f, ev[i].arg))
			fail_msg("an event the fetcher does not own");
		assert_int_equal(ep_fetch_event(r->f, ev[i].fd,
		    ev[i].events), 0);
	}
	if (due != -1 && ep_time_mono_ms() >= due)
		assert_int_equal(ep_fetch_tick(r->f), 0);
}

/* Runs the loop until every request was called back, at most limit ms. */
static void
drive_for(struct rig *r, int limit)
{
	int64_t	end = ep_time_mono_ms() + limit;

	while (ep_fetch_pending(r->f) > 0) {
		if (ep_time_mono_ms() >= end)
			fail_msg("%zu requests still pending after %d ms",
			    ep_fetch_pending(r->f), limit);
		turn(r, end);
	}
}

static void
drive(struct rig *r)
{
	drive_for(r, SLACK_MS);
}

/* Runs the loop until *calls is set. */
static void
drive_until_called(struct rig *r, const int *calls)
{
	int64_t	end = ep_time_mono_ms() + SLACK_MS;

	while (*calls == 0) {
		if (ep_time_mono_ms() >= end)
			fail_msg("no callback after %d ms", SLACK_MS);
		turn(r, end);
	}
}

/* Runs the loop until server s has logged n requests. */
static void
drive_until_seen(struct rig *r, struct server *s, int n)
{
	int64_t	end = ep_time_mono_ms() + SLACK_MS;

	for (server_read(s); lines(s) < n; server_read(s)) {
		if (ep_time_mono_ms() >= end)
			fail_msg("the server saw %d requests, not %d",
			    lines(s), n);
		turn(r, ep_time_mono_ms() + 20 < end ?
		    ep_time_mono_ms() + 20 : end);
	}
}

static void
expect_reason(const struct got *g, const char *why)
{
	if (g->calls != 1)
		fail_msg("%s: called back %d times", g->url, g->calls);
	if (g->ok)
		fail_msg("%s: ok, expected '%s'", g->url, why);
	if (strcmp(g->reason, why) != 0)
		fail_msg("%s: reason '%s', expected '%s'", g->url, g->reason,
		    why);
}

static void
expect_body(const struct got *g, const char *body)
{
	if (g->calls != 1)
		fail_msg("%s: called back %d times", g->url, g->calls);
	if (!g->ok)
		fail_msg("%s: not ok: %s", g->url, g->reason);
	assert_int_equal(g->status, 200);
	assert_string_equal(g->reason, "");
	assert_string_equal(g->body, body);
	assert_int_equal(g->len, strlen(body));
}

/*
 * A 200 whose headers and body come in three writes is put together;
 * the result carries the URL, the content type and the time taken, and
 * every event the loop sees is the fetcher's.  Once done, no socket of
 * the fetcher's is left with the poller.
 */
static void
test_pieces(void **state)
{
	struct server	s;
	struct rig	r;
	struct got	g = { 0 };
	char		u[128];
	int		other;

	(void)state;
	server_start(&s, 0);
	rig_new(&r, NULL);
	assert_int_equal(ep_fetch_timeout(r.f), -1);
	ask_url(&r, url(u, sizeof(u), s.port, "/hello"), &g);
	assert_int_equal(ep_fetch_pending(r.f), 1);
	assert_int_equal(g.calls, 0);
	drive(&r);
	expect_body(&g, "hello, world");
	assert_string_equal(g.url, u);
	assert_string_equal(g.type, "text/plain");
	assert_false(g.capped);
	assert_false(g.again);
	assert_true(g.ms >= 40);	/* the server's two pauses */
	assert_int_equal(ep_poller_count(r.p), 0);
	assert_false(ep_fetch_owns(r.f, NULL));
	assert_false(ep_fetch_owns(r.f, &other));
	rig_free(&r);
	server_stop(&s);
	assert_int_equal(seen(&s, "GET /hello"), 1);
}

/* A chunked body is put together from its chunks. */
static void
test_chunked(void **state)
{
	struct server	s;
	struct rig	r;
	struct got	g = { 0 };
	char		u[128];

	(void)state;
	server_start(&s, 0);
	rig_new(&r, NULL);
	ask_url(&r, url(u, sizeof(u), s.port, "/chunked"), &g);
	drive(&r);
	expect_body(&g, "hello, chunked world");
	rig_free(&r);
	server_stop(&s);
}

/* A 404 is not ok, says so, and still carries its status and body. */
static void
test_not_found(void **state)
{
	struct server	s;
	struct rig	r;
	struct got	g = { 0 };
	char		u[128];

	(void)state;
	server_start(&s, 0);
	rig_new(&r, NULL);
	ask_url(&r, url(u, sizeof(u), s.port, "/nothing-here"), &g);
	drive(&r);
	expect_reason(&g, "HTTP 404");
	assert_int_equal(g.status, 404);
	assert_string_equal(g.body, "no such thing");
	rig_free(&r);
	server_stop(&s);
}

/*
 * A server that takes the request and never answers costs the deadline:
 * the request ends then, saying so, and the loop does not hang.
 */
static void
test_deadline(void **state)
{
	struct ep_fetch_req	 q;
	struct server		 s;
	struct rig		 r;
	struct got		 g = { 0 };
	char			 u[128];

	(void)state;
	server_start(&s, 0);
	rig_new(&r, NULL);
	memset(&q, 0, sizeof(q));
	q.url = url(u, sizeof(u), s.port, "/silent");
	q.deadline_ms = SHORT_MS;
	ask(&r, &q, &g);
	drive(&r);
	expect_reason(&g, "timed out after 0.2 s");
	assert_true(g.ms >= SHORT_MS);
	assert_true(g.ms < SHORT_MS + 1000);
	rig_free(&r);
	server_stop(&s);
	assert_int_equal(seen(&s, "GET /silent"), 1);
}

static void
test_refused(void **state)
{
	struct rig	r;
	struct got	g = { 0 };
	char		u[128];

	(void)state;
	rig_new(&r, NULL);
	ask_url(&r, url(u, sizeof(u), refused_port(), "/x"), &g);
	drive(&r);
	expect_reason(&g, "connection refused");
	assert_int_equal(g.status, 0);
	rig_free(&r);
}

/*
 * The byte cap stops a body over it, announced (Content-Length) or not
 * (read until the close), and says so; a body of exactly the cap is
 * whole, one byte more is not.  A CRL takes the larger default cap.
 */
static void
test_cap(void **state)
{
	struct ep_fetch_req	 q;
	struct server		 s;
	struct rig		 r;
	struct got		 g[5];
	char			 u[5][128];
	int			 i;

	(void)state;
	memset(g, 0, sizeof(g));
	server_start(&s, 0);
	rig_new(&r, NULL);
	memset(&q, 0, sizeof(q));
	q.kind = EP_FETCH_OCSP;
	q.url = url(u[0], sizeof(u[0]), s.port, "/big");
	q.cap = CAP;
	ask(&r, &q, &g[0]);
	q.url = url(u[1], sizeof(u[1]), s.port, "/bigstream");
	ask(&r, &q, &g[1]);
	q.url = url(u[2], sizeof(u[2]), s.port, "/hello?exact");
	q.cap = 12;
	ask(&r, &q, &g[2]);
	q.url = url(u[3], sizeof(u[3]), s.port, "/hello?under");
	q.cap = 11;
	ask(&r, &q, &g[3]);
	q.url = url(u[4], sizeof(u[4]), s.port, "/bigstream?crl");
	q.kind = EP_FETCH_CRL;
	q.cap = 0;
	ask(&r, &q, &g[4]);
	drive(&r);
	for (i = 0; i < 2; i++) {
		expect_reason(&g[i], "larger than 65536 bytes");
		assert_true(g[i].capped);
	}
	expect_body(&g[2], "hello, world");
	expect_reason(&g[3], "larger than 11 bytes");
	assert_true(g[3].capped);
	assert_true(g[4].ok);
	assert_int_equal(g[4].len, BIG);
	rig_free(&r);
	server_stop(&s);
}

/*
 * A redirect to another path is followed; a loop is stopped and called
 * one; an endless chain stops after the default five redirects.
 */
static void
test_redirects(void **state)
{
	struct server	s;
	struct rig	r;
	struct got	g[3];
	char		u[3][128];

	(void)state;
	memset(g, 0, sizeof(g));
	server_start(&s, 0);
	rig_new(&r, NULL);
	ask_url(&r, url(u[0], sizeof(u[0]), s.port, "/redirect"), &g[0]);
	ask_url(&r, url(u[1], sizeof(u[1]), s.port, "/loop"), &g[1]);
	ask_url(&r, url(u[2], sizeof(u[2]), s.port, "/chain/0"), &g[2]);
	drive(&r);
	expect_body(&g[0], "hello, world");
	expect_reason(&g[1], "redirect loop");
	assert_int_equal(g[1].status, 302);
	expect_reason(&g[2], "more than 5 redirects");
	rig_free(&r);
	server_stop(&s);
	assert_int_equal(seen(&s, "GET /redirect"), 1);
	assert_int_equal(seen(&s, "GET /hello"), 1);
	assert_int_equal(seen(&s, "GET /loop") + seen(&s, "GET /loop2"), 6);
	assert_int_equal(seen(&s, "GET /chain/5"), 1);
	assert_int_equal(seen(&s, "GET /chain/6"), 0);
}

/*
 * A redirect to file:///etc/passwd is not followed, nor one to ftp://
 * (which libcurl would follow by default: it would then try port 1 and
 * say the connection was refused).
 */
static void
test_redirect_file(void **state)
{
	struct server	s;
	struct rig	r;
	struct got	g[2];
	char		u[2][128];

	(void)state;
	memset(g, 0, sizeof(g));
	server_start(&s, 0);
	rig_new(&r, NULL);
	ask_url(&r, url(u[0], sizeof(u[0]), s.port, "/tofile"), &g[0]);
	ask_url(&r, url(u[1], sizeof(u[1]), s.port, "/toftp"), &g[1]);
	drive(&r);
	expect_reason(&g[0], "redirected to a URL that is not http or https");
	assert_null(strstr(g[0].body, "root:"));
	expect_reason(&g[1], "redirected to a URL that is not http or https");
	rig_free(&r);
	server_stop(&s);
}

/*
 * URLs of other schemes, or none, are refused before libcurl sees them:
 * nothing connects to the listener their host and port name, no socket
 * reaches the poller, and they are called back by the next tick, not
 * from within ep_fetch_get.
 */
static void
test_schemes_refused(void **state)
{
	static const char	*pre[] = {
		"ldap://127.0.0.1:", "file:///etc/passwd?",
		"gopher://127.0.0.1:", "127.0.0.1:", "HTTP//127.0.0.1:",
		"httpx://127.0.0.1:",
	};
	struct rig	 r;
	struct got	 g[6], bad = { 0 };
	char		 u[6][128];
	uint16_t	 port;
	int		 lfd = listener(&port), i;

	(void)state;
	memset(g, 0, sizeof(g));
	rig_new(&r, NULL);
	for (i = 0; i < 6; i++) {
		snprintf(u[i], sizeof(u[i]), "%s%u/cn=CA", pre[i], port);
		ask_url(&r, u[i], &g[i]);
	}
	ask_url(&r, "http://[127.0.0.1/", &bad);
	assert_int_equal(g[0].calls, 0);
	assert_int_equal(ep_fetch_timeout(r.f), 0);
	assert_int_equal(ep_fetch_tick(r.f), 0);
	for (i = 0; i < 6; i++)
		expect_reason(&g[i], "not an http or https URL");
	assert_int_equal(bad.calls, 1);
	assert_false(bad.ok);
	assert_non_null(strstr(bad.reason, "malformed URL"));
	assert_int_equal(ep_fetch_pending(r.f), 0);
	assert_int_equal(ep_poller_count(r.p), 0);
	assert_int_equal(fcntl(lfd, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(accept(lfd, NULL, NULL), -1);
	assert_int_equal(errno, EAGAIN);
	rig_free(&r);
	close(lfd);
}

/* A POST carries its binary body and content type; the server checks. */
static void
test_post(void **state)
{
	struct ep_fetch_req	 q;
	struct server		 s;
	struct rig		 r;
	struct got		 g = { 0 };
	char			 u[128];

	(void)state;
	server_start(&s, 0);
	rig_new(&r, NULL);
	memset(&q, 0, sizeof(q));
	q.url = url(u, sizeof(u), s.port, "/ocsp");
	q.kind = EP_FETCH_OCSP;
	q.body = ocsp_req;
	q.bodylen = sizeof(ocsp_req);
	q.content_type = "application/ocsp-request";
	ask(&r, &q, &g);
	drive(&r);
	expect_body(&g, "ocsp ok");
	assert_string_equal(g.type, "application/ocsp-response");
	q.content_type = NULL;
	assert_int_equal(ep_fetch_get(r.f, &q, on_done, &g), -1);
	assert_int_equal(errno, EINVAL);
	rig_free(&r);
	server_stop(&s);
	assert_int_equal(seen(&s, "POST /ocsp"), 1);
}

/*
 * The User-Agent is the one from the options; a cookie set by a redirect
 * is not sent to where it leads.
 */
static void
test_agent_no_cookies(void **state)
{
	struct server	s;
	struct rig	r;
	struct got	g[2];
	char		u[2][128];

	(void)state;
	memset(g, 0, sizeof(g));
	server_start(&s, 0);
	rig_new(&r, NULL);
	ask_url(&r, url(u[0], sizeof(u[0]), s.port, "/ua"), &g[0]);
	ask_url(&r, url(u[1], sizeof(u[1]), s.port, "/cookie"), &g[1]);
	drive(&r);
	expect_body(&g[0], UA);
	expect_body(&g[1], "none");
	rig_free(&r);
	server_stop(&s);
	assert_int_equal(seen(&s, "GET /cookie2"), 1);
}

/*
 * The same URL asked twice while in flight is one request to the server,
 * both waiters get the body; asked again once done, it is answered by
 * the next tick, not within ep_fetch_get, from the result kept: no body,
 * again set.
 */
static void
test_once(void **state)
{
	struct server	s;
	struct rig	r;
	struct got	g[3];
	char		u[128];
	int		i;

	(void)state;
	memset(g, 0, sizeof(g));
	server_start(&s, 0);
	rig_new(&r, NULL);
	url(u, sizeof(u), s.port, "/slow/once");
	ask_url(&r, u, &g[0]);
	ask_url(&r, u, &g[1]);
	assert_int_equal(ep_fetch_pending(r.f), 2);
	drive(&r);
	for (i = 0; i < 2; i++) {
		expect_body(&g[i], "/slow/once");
		assert_false(g[i].again);
	}
	ask_url(&r, u, &g[2]);
	assert_int_equal(g[2].calls, 0);
	assert_int_equal(ep_fetch_timeout(r.f), 0);
	drive(&r);
	assert_int_equal(g[2].calls, 1);
	assert_true(g[2].ok);
	assert_int_equal(g[2].status, 200);
	assert_true(g[2].again);
	assert_true(g[2].nobody);
	assert_int_equal(g[2].len, 0);
	rig_free(&r);
	server_stop(&s);
	assert_int_equal(seen(&s, "GET /slow/once"), 1);
}

/*
 * POSTs are the same request when URL, body and content type are: two
 * alike are one request, another body is another.
 */
static void
test_once_post(void **state)
{
	static const unsigned char	 other[] = { 0x30, 0x00 };
	struct ep_fetch_req		 q;
	struct server			 s;
	struct rig			 r;
	struct got			 g[3];
	char				 u[128];

	(void)state;
	memset(g, 0, sizeof(g));
	server_start(&s, 0);
	rig_new(&r, NULL);
	memset(&q, 0, sizeof(q));
	q.url = url(u, sizeof(u), s.port, "/ocsp");
	q.kind = EP_FETCH_OCSP;
	q.body = ocsp_req;
	q.bodylen = sizeof(ocsp_req);
	q.content_type = "application/ocsp-request";
	ask(&r, &q, &g[0]);
	ask(&r, &q, &g[1]);
	q.body = other;
	q.bodylen = sizeof(other);
	ask(&r, &q, &g[2]);
	drive(&r);
	expect_body(&g[0], "ocsp ok");
	expect_body(&g[1], "ocsp ok");
	expect_reason(&g[2], "HTTP 400");
	rig_free(&r);
	server_stop(&s);
	assert_int_equal(seen(&s, "POST /ocsp"), 2);
}

/*
 * With max_concurrent 2, six slow requests reach the server two at a
 * time (it counts the requests it holds unanswered), all in order.
 */
static void
test_max_concurrent(void **state)
{
	struct ep_fetch_opts	 o;
	struct server		 s;
	struct rig		 r;
	struct got		 g[NCONC];
	char			 u[NCONC][128], path[32];
	int64_t			 t0;
	int			 i;

	(void)state;
	memset(g, 0, sizeof(g));
	server_start(&s, 0);
	memset(&o, 0, sizeof(o));
	o.max_concurrent = MAXCONC;
	rig_new(&r, &o);
	t0 = ep_time_mono_ms();
	for (i = 0; i < NCONC; i++) {
		snprintf(path, sizeof(path), "/slow/c%d", i);
		ask_url(&r, url(u[i], sizeof(u[i]), s.port, path), &g[i]);
	}
	drive(&r);
	for (i = 0; i < NCONC; i++) {
		snprintf(path, sizeof(path), "/slow/c%d", i);
		expect_body(&g[i], path);
	}
	assert_true(ep_time_mono_ms() - t0 >= NCONC / MAXCONC * SLOW_MS);
	rig_free(&r);
	server_stop(&s);
	assert_int_equal(lines(&s), NCONC);
	assert_int_equal(most_open(&s), MAXCONC);
}

/*
 * A request waiting for a transfer ends at its deadline, saying that it
 * waited, while the one ahead of it goes on.
 */
static void
test_queue_deadline(void **state)
{
	struct ep_fetch_opts	 o;
	struct ep_fetch_req	 q;
	struct server		 s;
	struct rig		 r;
	struct got		 g[2];
	char			 u[2][128];

	(void)state;
	memset(g, 0, sizeof(g));
	server_start(&s, 0);
	memset(&o, 0, sizeof(o));
	o.max_concurrent = 1;
	rig_new(&r, &o);
	ask_url(&r, url(u[0], sizeof(u[0]), s.port, "/silent/first"), &g[0]);
	memset(&q, 0, sizeof(q));
	q.url = url(u[1], sizeof(u[1]), s.port, "/silent/second");
	q.deadline_ms = SHORT_MS;
	ask(&r, &q, &g[1]);
	drive_until_called(&r, &g[1].calls);
	expect_reason(&g[1],
	    "timed out after 0.2 s waiting for a free transfer");
	assert_int_equal(g[0].calls, 0);
	assert_int_equal(ep_fetch_pending(r.f), 1);
	ep_fetch_cancel_all(r.f, "stop");
	expect_reason(&g[0], "stop");
	rig_free(&r);
	server_stop(&s);
	assert_int_equal(seen(&s, "GET /silent/second"), 0);
}

/*
 * cancel_all ends the running, the queued and the refused request at
 * once, each once, and takes libcurl's sockets out of the poller; the
 * fetcher goes on: a new request is fetched, and a cancelled one asked
 * again is fetched anew.
 */
static void
test_cancel_all(void **state)
{
	struct ep_fetch_opts	 o;
	struct ep_fetch_req	 q;
	struct server		 s;
	struct rig		 r;
	struct got		 g[5];
	char			 u[5][128];
	int			 i;

	(void)state;
	memset(g, 0, sizeof(g));
	server_start(&s, 0);
	memset(&o, 0, sizeof(o));
	o.max_concurrent = 1;
	rig_new(&r, &o);
	ask_url(&r, url(u[0], sizeof(u[0]), s.port, "/silent/x1"), &g[0]);
	ask_url(&r, url(u[1], sizeof(u[1]), s.port, "/silent/x2"), &g[1]);
	ask_url(&r, "ldap://127.0.0.1/cn=x", &g[2]);
	drive_until_seen(&r, &s, 1);
	assert_int_equal(g[2].calls, 1);	/* answered by a tick already */
	assert_true(ep_poller_count(r.p) > 0);
	ep_fetch_cancel_all(r.f, "the run deadline passed");
	for (i = 0; i < 2; i++)
		expect_reason(&g[i], "the run deadline passed");
	expect_reason(&g[2], "not an http or https URL");
	assert_int_equal(ep_fetch_pending(r.f), 0);
	assert_int_equal(ep_poller_count(r.p), 0);
	assert_int_equal(ep_fetch_timeout(r.f), -1);

	ask_url(&r, url(u[3], sizeof(u[3]), s.port, "/hello"), &g[3]);
	memset(&q, 0, sizeof(q));
	q.url = u[1];
	q.deadline_ms = SHORT_MS;
	ask(&r, &q, &g[4]);
	drive(&r);
	expect_body(&g[3], "hello, world");
	expect_reason(&g[4], "timed out after 0.2 s");
	rig_free(&r);
	server_stop(&s);
	assert_int_equal(seen(&s, "GET /silent/x1"), 1);
	assert_int_equal(seen(&s, "GET /silent/x2"), 1);
}

/* What on_reenter asks from within its callback. */
static struct got	reentered;

/*
 * A callback that asks again for the URL it was told about, then cancels
 * everything: ep_fetch_cancel_all tells the repeat, finished, its result.
 */
static void
on_reenter(void *arg, const struct ep_fetch_result *r)
{
	struct ep_fetch_req	q;
	char			u[256];

	on_done(arg, r);
	snprintf(u, sizeof(u), "%s", r->url);
	memset(&q, 0, sizeof(q));
	q.url = u;
	assert_int_equal(ep_fetch_get(cur_rig->f, &q, on_done, &reentered), 0);
	assert_int_equal(reentered.calls, 0);
	ep_fetch_cancel_all(cur_rig->f, "enough");
	assert_int_equal(reentered.calls, 1);
}

/*
 * From within a callback, a request for the same URL and a cancel_all:
 * the running request ends "enough", the repeat gets the body still kept
 * (not again), each is called once.
 */
static void
test_reentry(void **state)
{
	struct ep_fetch_req	 q;
	struct server		 s;
	struct rig		 r;
	struct got		 g[2];
	char			 u[2][128];

	(void)state;
	memset(g, 0, sizeof(g));
	memset(&reentered, 0, sizeof(reentered));
	server_start(&s, 0);
	rig_new(&r, NULL);
	ask_url(&r, url(u[0], sizeof(u[0]), s.port, "/silent/r"), &g[0]);
	memset(&q, 0, sizeof(q));
	q.url = url(u[1], sizeof(u[1]), s.port, "/hello");
	r.in_get = 1;
	assert_int_equal(ep_fetch_get(r.f, &q, on_reenter, &g[1]), 0);
	r.in_get = 0;
	drive(&r);
	expect_reason(&g[0], "enough");
	expect_body(&g[1], "hello, world");
	expect_body(&reentered, "hello, world");
	assert_false(reentered.again);
	rig_free(&r);
	server_stop(&s);
	assert_int_equal(seen(&s, "GET /hello"), 1);
}

/*
 * Freeing the fetcher calls back every request still pending, once: the
 * running and the queued one abandoned, the refused one with its reason.
 * A request made from those callbacks fails.  No socket stays with the
 * poller (rig_free checks).
 */
static void
test_free_pending(void **state)
{
	struct ep_fetch_opts	 o;
	struct server		 s;
	struct rig		 r;
	struct got		 g[3];
	char			 u[2][128];
	int			 i;

	(void)state;
	memset(g, 0, sizeof(g));
	server_start(&s, 0);
	memset(&o, 0, sizeof(o));
	o.max_concurrent = 1;
	rig_new(&r, &o);
	ask_url(&r, url(u[0], sizeof(u[0]), s.port, "/silent/f1"), &g[0]);
	ask_url(&r, url(u[1], sizeof(u[1]), s.port, "/silent/f2"), &g[1]);
	drive_until_seen(&r, &s, 1);
	ask_url(&r, "file:///etc/passwd", &g[2]);
	r.retry = 1;
	rig_free(&r);
	for (i = 0; i < 2; i++) {
		expect_reason(&g[i], "abandoned: the fetcher was freed");
		assert_int_equal(g[i].get_then, -1);
	}
	expect_reason(&g[2], "not an http or https URL");
	server_stop(&s);
}

/*
 * http_proxy from the environment is honoured: the proxy gets the
 * absolute URI, the origin nothing, and the address given for the host
 * is not used.  With the host in no_proxy the request goes straight to
 * that address, with no lookup of the name (origin.test is in no DNS).
 */
static void
test_proxy(void **state)
{
	struct ep_fetch_req	 q;
	struct ep_addr		 a;
	struct server		 origin, proxy;
	struct rig		 r;
	struct got		 g[2];
	char			 u[2][128], p[64], line[160];

	(void)state;
	memset(g, 0, sizeof(g));
	server_start(&origin, 0);
	server_start(&proxy, 1);
	snprintf(p, sizeof(p), "http://127.0.0.1:%u", proxy.port);
	assert_int_equal(setenv("http_proxy", p, 1), 0);
	rig_new(&r, NULL);
	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.addr[0] = 127;
	a.addr[3] = 1;
	memset(&q, 0, sizeof(q));
	snprintf(u[0], sizeof(u[0]), "http://origin.test:%u/hello",
	    origin.port);
	q.url = u[0];
	q.addrs = &a;
	q.naddrs = 1;
	ask(&r, &q, &g[0]);
	drive(&r);
	expect_body(&g[0], "proxied");

	assert_int_equal(setenv("no_proxy", "origin.test", 1), 0);
	snprintf(u[1], sizeof(u[1]), "http://origin.test:%u/hello?direct",
	    origin.port);
	q.url = u[1];
	ask(&r, &q, &g[1]);
	drive(&r);
	expect_body(&g[1], "hello, world");
	assert_int_equal(unsetenv("http_proxy"), 0);
	assert_int_equal(unsetenv("no_proxy"), 0);
	rig_free(&r);
	server_stop(&origin);
	server_stop(&proxy);
	snprintf(line, sizeof(line), "GET %s", u[0]);
	assert_int_equal(seen(&proxy, line), 1);
	assert_int_equal(lines(&proxy), 1);
	assert_int_equal(seen(&origin, "GET /hello?direct"), 1);
	assert_int_equal(lines(&origin), 1);
}

/*
 * The https server child: a self-signed ECDSA certificate made here, one
 * handshake.  Exits 0, or the step that failed.
 */
static void __attribute__((noreturn))
tls_server(int lfd)
{
	gnutls_certificate_credentials_t	 cred;
	gnutls_x509_privkey_t			 key;
	gnutls_x509_crt_t			 crt;
	gnutls_session_t			 ss;
	unsigned char				 serial = 1;
	time_t					 now = time(NULL);
	int					 fd, st;

	alarm(SERVER_SECS);
	signal(SIGPIPE, SIG_IGN);
	if (gnutls_x509_privkey_init(&key) < 0 ||
	    gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0 ||
	    gnutls_x509_crt_init(&crt) < 0 ||
	    gnutls_x509_crt_set_version(crt, 3) < 0 ||
	    gnutls_x509_crt_set_serial(crt, &serial, 1) < 0 ||
	    gnutls_x509_crt_set_activation_time(crt, now - 60) < 0 ||
	    gnutls_x509_crt_set_expiration_time(crt, now + 3600) < 0 ||
	    gnutls_x509_crt_set_dn(crt, "CN=127.0.0.1", NULL) < 0 ||
	    gnutls_x509_crt_set_key(crt, key) < 0 ||
	    gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) < 0)
		_exit(1);
	if (gnutls_certificate_allocate_credentials(&cred) < 0 ||
	    gnutls_certificate_set_x509_key(cred, &crt, 1, key) < 0)
		_exit(2);
	if ((fd = accept(lfd, NULL, NULL)) == -1 ||
	    gnutls_init(&ss, GNUTLS_SERVER) < 0 ||
	    gnutls_set_default_priority(ss) < 0 ||
	    gnutls_credentials_set(ss, GNUTLS_CRD_CERTIFICATE, cred) < 0)
		_exit(3);
	gnutls_transport_set_int(ss, fd);
	while ((st = gnutls_handshake(ss)) < 0 && !gnutls_error_is_fatal(st))
		;
	_exit(0);
}

/*
 * https is verified against the system's store: a server whose
 * certificate is its own, in no store, is not trusted.
 */
static void
test_https_verified(void **state)
{
	struct ep_fetch_req	 q;
	struct rig		 r;
	struct got		 g = { 0 };
	char			 u[128];
	uint16_t		 port;
	pid_t			 pid;
	int			 lfd = listener(&port), st;

	(void)state;
	assert_int_not_equal(pid = fork(), -1);
	if (pid == 0)
		tls_server(lfd);
	close(lfd);
	rig_new(&r, NULL);
	snprintf(u, sizeof(u), "https://127.0.0.1:%u/ca.crt", port);
	memset(&q, 0, sizeof(q));
	q.url = u;
	q.deadline_ms = TLS_MS;
	ask(&r, &q, &g);
	drive_for(&r, TLS_MS);
	assert_int_equal(g.calls, 1);
	assert_false(g.ok);
	if (strncmp(g.reason, "https: the server's certificate did not "
	    "verify: ", 44) != 0)
		fail_msg("reason: %s", g.reason);
	rig_free(&r);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("TLS server child: status %d", st);
}

int
main(void)
{
	static const char	*proxies[] = { "http_proxy", "https_proxy",
		"HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy",
		"NO_PROXY" };
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_pieces),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_redirects),
		cmocka_unit_test(test_redirect_file),
		cmocka_unit_test(test_schemes_refused),
		cmocka_unit_test(test_post),
		cmocka_unit_test(test_agent_no_cookies),
		cmocka_unit_test(test_once),
		cmocka_unit_test(test_once_post),
		cmocka_unit_test(test_max_concurrent),
		cmocka_unit_test(test_queue_deadline),
		cmocka_unit_test(test_cancel_all),
		cmocka_unit_test(test_reentry),
		cmocka_unit_test(test_free_pending),
		cmocka_unit_test(test_proxy),
		cmocka_unit_test(test_https_verified),
	};
	size_t			 i;

	/* The servers are on loopback: a proxy of the caller's would not be. */
	for (i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++)
		unsetenv(proxies[i]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
