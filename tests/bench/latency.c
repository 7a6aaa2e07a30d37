/*
 * latency: a TCP relay that adds a fixed one-way delay, for edgeprobe's
 * benchmark (tests/bench/bench).  The kernel's netem is not available
 * everywhere the benchmark runs, so the delay is made in user space.
 *
 *	latency -d MS -m MAPFILE -p PIDFILE
 *
 * MAPFILE has one endpoint a line, IPv4 only:
 *
 *	FRONT-ADDR PORT BACKEND-ADDR PORT	relay FRONT to BACKEND
 *	FRONT-ADDR PORT -			a dead server
 *
 * A dead server accepts connections and never reads nor writes, so that a
 * TLS client waits for its whole timeout.
 *
 * Every chunk read from one side is written to the other side MS
 * milliseconds later, in order: a round trip through the relay takes
 * 2 * MS more.  The client's TCP handshake with the relay is not delayed
 * (the kernel completes it before we see the connection), only its data.
 * Each direction queues at most MAX_QUEUED bytes (plus one chunk); past
 * that the relay stops reading that side until the queue drains.  An EOF
 * is delayed like data; a reset or an error closes both sides at once.
 *
 * One process, one epoll loop, level-triggered.  The pid file is written
 * once every socket listens, so it doubles as the readiness signal;
 * SIGTERM or SIGINT end the program with status 0 and remove the pid file.
 * SIGUSR1 writes to standard error the line "latency: peak N", N the most
 * client connections open at once since the last SIGUSR1 (or the start):
 * accepted and not yet closed by the client, what a server sees of a
 * client's concurrency.
 */

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "labnet.h"

#define MAX_LISTENERS	4096
#define MAX_PAIRS	16384
#define MAX_HELD	1024		/* connections dead servers hold */
#define MAX_QUEUED	(256 * 1024)	/* bytes queued in one direction */
#define CHUNK_MAX	16384
#define MAX_EVENTS	256
#define MAX_DELAY_MS	10000
#define ACCEPTS_PER_WAKE 64		/* so that one busy port starves none */

/* What an epoll event points at: each of these structs starts with it. */
enum kind {
	K_SIGNAL,
	K_LISTENER,
	K_SIDE,
};

struct dir;
struct pair;

struct chunk {
	struct chunk	*next;		/* in its direction's queue */
	struct chunk	*tprev, *tnext;	/* in the timeline, until due */
	struct dir	*dir;
	int64_t		 due;		/* CLOCK_MONOTONIC, ns */
	int		 ready;		/* due has passed: may be written */
	int		 eof;		/* no data: the source's EOF */
	size_t		 len, off;
	unsigned char	 data[];
};

struct dir {
	struct pair	*pair;
	int		 idx;		/* from pair->s[idx] to s[1 - idx] */
	struct chunk	*head, *tail;
	size_t		 queued;	/* data bytes in the queue */
	int		 src_eof;	/* the source said EOF: read no more */
	int		 done;		/* the EOF was passed on */
};

struct side {
	enum kind	 kind;
	struct pair	*pair;
	int		 fd;
	int		 registered;	/* with epoll */
	uint32_t	 events;	/* as registered */
};

struct pair {
	struct side	 s[2];		/* 0: the client, 1: the backend */
	struct dir	 d[2];		/* d[i] carries what s[i] sends */
	int		 connecting;	/* the backend connect is in progress */
	int		 client_open;	/* counted in nclients */
	int		 closed;
	struct pair	*next_closed;	/* freed after the current events */
};

struct listener {
	enum kind		 kind;
	int			 fd;
	int			 dead;
	struct sockaddr_in	 backend;
};

static const enum kind	 signal_kind = K_SIGNAL;

static int		 ep = -1;
static int64_t		 delay_ns;
static struct chunk	*tl_head, *tl_tail;	/* waiting chunks, by due */
static struct pair	*closed_pairs;
static size_t		 npairs;
static int		 held[MAX_HELD];	/* a ring, oldest at held_first */
static size_t		 held_first, nheld;
static int		 reserve_fd = -1;	/* given up when out of fds */
static unsigned long	 nrelayed, nfailed, nrefused;
static size_t		 nclients, peak_clients;	/* open at once */

static void	close_pair(struct pair *);

/* The client of p closed its side, or p went: one client fewer. */
static void
client_gone(struct pair *p)
{
	if (p->client_open) {
		p->client_open = 0;
		nclients--;
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: latency -d MS -m MAPFILE -p PIDFILE\n");
	exit(2);
}

static int64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* TLS records are small and come in bursts: Nagle would add its own delay. */
static void
set_nodelay(int fd)
{
	int	on = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

/* ---- the timeline ------------------------------------------------------ */

/* The delay is the same for every chunk, so appending keeps the order. */
static void
tl_append(struct chunk *c)
{
	c->tnext = NULL;
	c->tprev = tl_tail;
	if (tl_tail != NULL)
		tl_tail->tnext = c;
	else
		tl_head = c;
	tl_tail = c;
}

static void
tl_unlink(struct chunk *c)
{
	if (c->tprev != NULL)
		c->tprev->tnext = c->tnext;
	else
		tl_head = c->tnext;
	if (c->tnext != NULL)
		c->tnext->tprev = c->tprev;
	else
		tl_tail = c->tprev;
	c->tprev = c->tnext = NULL;
}

/* ---- pairs ------------------------------------------------------------- */

static void
set_events(struct side *s, uint32_t ev)
{
	struct epoll_event	e;

	if (s->fd == -1 || (s->registered && ev == s->events))
		return;
	memset(&e, 0, sizeof(e));
	e.events = ev;
	e.data.ptr = s;
	if (epoll_ctl(ep, s->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD,
	    s->fd, &e) == -1) {
		fprintf(stderr, "latency: epoll_ctl: %s\n", strerror(errno));
		close_pair(s->pair);
		return;
	}
	s->registered = 1;
	s->events = ev;
}

/*
 * Registers what each side waits for.  A side with nothing left to read
 * and nothing left to be written to it leaves epoll: it would report
 * EPOLLHUP in a loop while the other direction's EOF is still delayed.
 */
static void
update_events(struct pair *p)
{
	struct chunk	*c;
	uint32_t	 ev;
	int		 j;

	for (j = 0; j < 2 && !p->closed; j++) {
		struct side	*s = &p->s[j];
		struct dir	*in = &p->d[j], *out = &p->d[1 - j];

		if (in->src_eof && out->done) {
			if (s->registered &&
			    epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL) == 0)
				s->registered = 0;
			continue;
		}
		ev = 0;
		if (j == 1 && p->connecting) {
			set_events(s, EPOLLOUT);
			continue;
		}
		if (!in->src_eof && in->queued < MAX_QUEUED)
			ev |= EPOLLIN;
		if ((c = out->head) != NULL && c->ready && !c->eof)
			ev |= EPOLLOUT;
		set_events(s, ev);
	}
}

static void
free_chunks(struct dir *d)
{
	struct chunk	*c;

	while ((c = d->head) != NULL) {
		d->head = c->next;
		if (!c->ready)
			tl_unlink(c);
		free(c);
	}
	d->tail = NULL;
	d->queued = 0;
}

/* Closes both sides now; the struct goes after the current events. */
static void
close_pair(struct pair *p)
{
	int	j;

	if (p->closed)
		return;
	p->closed = 1;
	client_gone(p);
	for (j = 0; j < 2; j++) {
		/* close() also takes the socket out of epoll. */
		if (p->s[j].fd != -1)
			close(p->s[j].fd);
		p->s[j].fd = -1;
		free_chunks(&p->d[j]);
	}
	npairs--;
	p->next_closed = closed_pairs;
	closed_pairs = p;
}

static void
free_closed(void)
{
	struct pair	*p;

	while ((p = closed_pairs) != NULL) {
		closed_pairs = p->next_closed;
		free(p);
	}
}

/* Writes the due chunks of direction i to its destination. */
static void
flush(struct pair *p, int i)
{
	struct dir	*d = &p->d[i];
	struct side	*dst = &p->s[1 - i];
	struct chunk	*c;
	ssize_t		 w;

	if (p->closed || (i == 0 && p->connecting))
		return;
	while ((c = d->head) != NULL && c->ready) {
		if (c->eof) {
			/* A half close: the other direction may go on. */
			if (shutdown(dst->fd, SHUT_WR) == -1 && errno != ENOTCONN) {
				close_pair(p);
				return;
			}
			d->done = 1;
		} else {
			w = send(dst->fd, c->data + c->off, c->len - c->off,
			    MSG_NOSIGNAL);
			if (w == -1) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					break;
				close_pair(p);
				return;
			}
			c->off += (size_t)w;
			if (c->off < c->len)
				continue;
			d->queued -= c->len;
		}
		d->head = c->next;
		if (d->head == NULL)
			d->tail = NULL;
		free(c);
	}
	if (p->d[0].done && p->d[1].done) {
		close_pair(p);
		return;
	}
	update_events(p);
}

static int
enqueue(struct dir *d, const unsigned char *buf, size_t len, int eof)
{
	struct chunk	*c;

	if ((c = malloc(sizeof(*c) + len)) == NULL)
		return -1;
	memset(c, 0, sizeof(*c));
	c->dir = d;
	c->due = now_ns() + delay_ns;
	c->eof = eof;
	c->len = len;
	if (len > 0)
		memcpy(c->data, buf, len);
	if (d->tail != NULL)
		d->tail->next = c;
	else
		d->head = c;
	d->tail = c;
	d->queued += len;
	tl_append(c);
	return 0;
}

/*
 * Reads one chunk from side j into direction j.  Returns 1 when there may
 * be more to read, 0 when there is not (or the pair closed).
 */
static int
read_side(struct pair *p, int j)
{
	unsigned char	 buf[CHUNK_MAX];
	struct dir	*d = &p->d[j];
	ssize_t		 r;

	if (d->src_eof || d->queued >= MAX_QUEUED)
		return 0;
	r = recv(p->s[j].fd, buf, sizeof(buf), 0);
	if (r == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		close_pair(p);
		return 0;
	}
	if (r == 0) {
		d->src_eof = 1;
		if (j == 0)
			client_gone(p);
	}
	if (enqueue(d, buf, (size_t)r, r == 0) == -1) {
		fprintf(stderr, "latency: out of memory\n");
		close_pair(p);
		return 0;
	}
	update_events(p);
	return r > 0;
}

static void
side_event(struct side *s, uint32_t ev)
{
	struct pair	*p = s->pair;
	int		 j = s == &p->s[0] ? 0 : 1, err = 0;
	socklen_t	 len = sizeof(err);

	if (p->closed)
		return;
	if (j == 1 && p->connecting) {
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 ||
		    err != 0) {
			nfailed++;
			close_pair(p);
			return;
		}
		if ((ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0)
			return;
		p->connecting = 0;
		nrelayed++;
		flush(p, 0);
		return;
	}
	/* A reset: nothing queued can be delivered in order any more. */
	if (ev & EPOLLERR) {
		close_pair(p);
		return;
	}
	if (ev & EPOLLOUT)
		flush(p, 1 - j);
	/*
	 * A client's side is read until nothing is left: its end must be
	 * seen before a connection it opens next is accepted.
	 */
	while (!p->closed && (ev & (EPOLLIN | EPOLLHUP)) &&
	    read_side(p, j) && j == 0)
		;
}

/* ---- listeners --------------------------------------------------------- */

static void
hold(int fd)
{
	if (nheld == MAX_HELD) {
		close(held[held_first]);
		held_first = (held_first + 1) % MAX_HELD;
		nheld--;
	}
	held[(held_first + nheld) % MAX_HELD] = fd;
	nheld++;
}

static void
start_pair(struct listener *l, int cfd)
{
	struct pair	*p;
	int		 bfd, j;

	if (npairs >= MAX_PAIRS || (p = calloc(1, sizeof(*p))) == NULL) {
		nrefused++;
		close(cfd);
		return;
	}
	if ((bfd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    labnet_nonblock(bfd) == -1) {
		nrefused++;
		if (bfd != -1)
			close(bfd);
		close(cfd);
		free(p);
		return;
	}
	set_nodelay(cfd);
	set_nodelay(bfd);
	npairs++;
	p->client_open = 1;
	if (++nclients > peak_clients)
		peak_clients = nclients;
	for (j = 0; j < 2; j++) {
		p->s[j].kind = K_SIDE;
		p->s[j].pair = p;
		p->d[j].pair = p;
		p->d[j].idx = j;
	}
	p->s[0].fd = cfd;
	p->s[1].fd = bfd;
	if (connect(bfd, (struct sockaddr *)&l->backend,
	    sizeof(l->backend)) == 0) {
		nrelayed++;
	} else if (errno == EINPROGRESS) {
		p->connecting = 1;
	} else {
		nfailed++;
		close_pair(p);
		return;
	}
	update_events(p);
}

static void
accept_some(struct listener *l)
{
	int	fd, i;

	for (i = 0; i < ACCEPTS_PER_WAKE; i++) {
		if ((fd = accept(l->fd, NULL, NULL)) == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				/*
				 * Out of descriptors: refuse this one rather
				 * than let it wake us up forever.
				 */
				if (reserve_fd != -1) {
					close(reserve_fd);
					if ((fd = accept(l->fd, NULL,
					    NULL)) != -1)
						close(fd);
					nrefused++;
					reserve_fd = open("/dev/null", O_RDONLY);
				}
			}
			return;
		}
		if (labnet_nonblock(fd) == -1) {
			close(fd);
			continue;
		}
		if (l->dead)
			hold(fd);
		else
			start_pair(l, fd);
	}
}

static int
listen_on(struct listener *l, const char *addr, unsigned port)
{
	struct epoll_event	e;
	char			p[16];

	snprintf(p, sizeof(p), "%u", port);
	l->kind = K_LISTENER;
	if ((l->fd = labnet_bind(addr, p, SOCK_STREAM, 512)) == -1)
		return -1;
	memset(&e, 0, sizeof(e));
	e.events = EPOLLIN;
	e.data.ptr = l;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, l->fd, &e) == -1) {
		fprintf(stderr, "latency: epoll_ctl: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Reads the map and listens on every front address it names. */
static int
load_map(const char *path, struct listener **out, size_t *nout)
{
	struct listener	*v;
	FILE		*f;
	char		 line[512], front[64], back[64];
	unsigned	 fport, bport;
	size_t		 n = 0, lineno = 0;
	int		 k;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "latency: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((v = calloc(MAX_LISTENERS, sizeof(*v))) == NULL) {
		fclose(f);
		fprintf(stderr, "latency: out of memory\n");
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		k = sscanf(line, "%63s %u %63s %u", front, &fport, back, &bport);
		if (n == MAX_LISTENERS || k < 3 || fport == 0 || fport > 65535 ||
		    (strcmp(back, "-") != 0 && (k != 4 || bport == 0 ||
		    bport > 65535))) {
			fprintf(stderr, "latency: %s:%zu: bad line\n", path,
			    lineno);
			goto fail;
		}
		if (strcmp(back, "-") == 0)
			v[n].dead = 1;
		else {
			v[n].backend.sin_family = AF_INET;
			v[n].backend.sin_port = htons((uint16_t)bport);
			if (inet_pton(AF_INET, back,
			    &v[n].backend.sin_addr) != 1) {
				fprintf(stderr, "latency: %s:%zu: %s: not an "
				    "IPv4 address\n", path, lineno, back);
				goto fail;
			}
		}
		v[n].fd = -1;
		if (listen_on(&v[n], front, fport) == -1)
			goto fail;
		n++;
	}
	if (ferror(f) || n == 0) {
		fprintf(stderr, "latency: %s: %s\n", path,
		    n == 0 ? "no endpoints" : strerror(errno));
		goto fail;
	}
	fclose(f);
	*out = v;
	*nout = n;
	return 0;
fail:
	while (n-- > 0)
		close(v[n].fd);
	free(v);
	fclose(f);
	return -1;
}

/* Each connection takes two descriptors: ask for all we may have. */
static void
raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Marks the chunks whose time has come and writes them. */
static void
release(int64_t now)
{
	struct chunk	*c;

	while ((c = tl_head) != NULL && c->due <= now) {
		tl_unlink(c);
		c->ready = 1;
		/* May close the pair, which frees c: do not touch it after. */
		flush(c->dir->pair, c->dir->idx);
	}
}

int
main(int argc, char *argv[])
{
	struct epoll_event	 evs[MAX_EVENTS];
	struct epoll_event	 e;
	struct listener		*ls = NULL;
	struct signalfd_siginfo	 si;
	const char		*map = NULL, *pidfile = NULL;
	sigset_t		 mask;
	size_t			 nls = 0, i;
	int64_t			 now, wait;
	long			 ms = -1;
	char			*end;
	int			 ch, sfd, n, k, timeout, status = 0;

	while ((ch = getopt(argc, argv, "d:m:p:")) != -1) {
		switch (ch) {
		case 'd':
			errno = 0;
			ms = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    ms < 0 || ms > MAX_DELAY_MS)
				usage();
			break;
		case 'm':
			map = optarg;
			break;
		case 'p':
			pidfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || ms < 0 || map == NULL || pidfile == NULL)
		usage();
	delay_ns = (int64_t)ms * 1000000;

	/* Signals arrive through the loop, not between two writes. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) == -1 ||
	    (sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		fprintf(stderr, "latency: signalfd: %s\n", strerror(errno));
		return 1;
	}
	/* A client gone before its answer must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();

	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		fprintf(stderr, "latency: epoll_create1: %s\n", strerror(errno));
		return 1;
	}
	memset(&e, 0, sizeof(e));
	e.events = EPOLLIN;
	e.data.ptr = (void *)(uintptr_t)&signal_kind;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &e) == -1) {
		fprintf(stderr, "latency: epoll_ctl: %s\n", strerror(errno));
		return 1;
	}
	if (load_map(map, &ls, &nls) == -1)
		return 1;
	reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (labnet_pidfile(pidfile) == -1)
		return 1;

	for (;;) {
		now = now_ns();
		release(now);
		free_closed();
		timeout = -1;
		if (tl_head != NULL) {
			wait = tl_head->due - now_ns();
			/* Rounded up: waking early would only spin. */
			timeout = wait <= 0 ? 0 : (int)((wait + 999999) / 1000000);
		}
		n = epoll_wait(ep, evs, MAX_EVENTS, timeout);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "latency: epoll_wait: %s\n",
			    strerror(errno));
			status = 1;
			break;
		}
		/*
		 * Connections first, new ones after: a client that closed one
		 * and opened the next is not counted with both at once.
		 */
		for (k = 0; k < n; k++) {
			enum kind	kd = *(const enum kind *)evs[k].data.ptr;

			if (kd == K_SIGNAL) {
				if (read(sfd, &si, sizeof(si)) <= 0)
					continue;
				if (si.ssi_signo != SIGUSR1)
					goto out;
				fprintf(stderr, "latency: peak %zu\n",
				    peak_clients);
				peak_clients = nclients;
			} else if (kd == K_SIDE)
				side_event(evs[k].data.ptr, evs[k].events);
		}
		for (k = 0; k < n; k++)
			if (*(const enum kind *)evs[k].data.ptr == K_LISTENER)
				accept_some(evs[k].data.ptr);
	}
out:
	fprintf(stderr, "latency: %lu relayed, %lu backend connects failed, "
	    "%lu refused\n", nrelayed, nfailed, nrefused);
	/*
	 * Stop accepting, then remove the pid file: once it is gone, a relay
	 * started in our place finds every address free.  The kernel closes
	 * the relayed connections.
	 */
	for (i = 0; i < nls; i++)
		close(ls[i].fd);
	free(ls);
	unlink(pidfile);
	return status;
}
