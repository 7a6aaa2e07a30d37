/*
 * dnsdelay: a DNS relay over UDP that adds a fixed one-way delay, and
 * optionally drops what a small resolver would drop in a burst: the lab's
 * zone that answers late, and the benchmark's resolver far away.
 *
 *	dnsdelay -l ADDR:PORT -u ADDR:PORT -d MS [-q N] -p PIDFILE
 *
 * Each query read on -l is sent to the upstream server -u MS milliseconds
 * later, and each answer goes back to its client MS milliseconds after it
 * came: a lookup through the relay takes 2 * MS more.  With -q, at most
 * N queries wait for their answer at once; more are dropped, as a DNS
 * server drops what overflows its queue.  A query not answered 10 s after
 * it reached the upstream server is forgotten.  IPv4 only.  The pid file is written once the socket is
 * bound, so it doubles as the readiness signal; SIGTERM or SIGINT end the
 * program with status 0 and remove the pid file.
 */

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "labnet.h"

#define MSG_MAX		4096	/* a DNS message over UDP, with EDNS */
#define QUEUE_MAX	4096	/* datagrams waiting for their time */
#define IDS		65536	/* DNS message IDs */
#define FORGET_MS	10000	/* an unanswered query's slot is freed
				   this long after it went upstream */
#define DELAY_MAX_MS	60000
#define BURST_MAX	256	/* datagrams read a wake-up, each way */

/* A datagram waiting for its time to go. */
struct item {
	int64_t			due;
	struct sockaddr_in	to;
	size_t			len;
	unsigned char		msg[MSG_MAX];
};

/* A FIFO of items: with one delay for all, also in order of due time. */
struct fifo {
	struct item	*v;
	size_t		 head, n;
};

/* A query sent upstream, found by the ID it was given. */
struct slot {
	int			used;
	int64_t			sent;
	struct sockaddr_in	client;
	uint16_t		id;		/* the client's own */
};

static struct slot	slots[IDS];
static size_t		inflight;
static uint16_t		next_id;

static void
usage(void)
{
	fprintf(stderr, "usage: dnsdelay -l ADDR:PORT -u ADDR:PORT -d MS "
	    "[-q N] -p PIDFILE\n");
	exit(2);
}

static int
parse_addr(const char *s, struct sockaddr_in *sin, char *host, size_t hlen,
    char *port, size_t plen)
{
	const char	*colon = strrchr(s, ':');

	if (colon == NULL || (size_t)(colon - s) >= hlen ||
	    strlen(colon + 1) >= plen)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	strcpy(port, colon + 1);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)atoi(port));
	return inet_pton(AF_INET, host, &sin->sin_addr) == 1 &&
	    atoi(port) > 0 && atoi(port) < 65536 ? 0 : -1;
}

static int
push(struct fifo *q, int64_t due, const struct sockaddr_in *to,
    const unsigned char *msg, size_t len)
{
	struct item	*it;

	if (q->n == QUEUE_MAX)
		return -1;
	it = &q->v[(q->head + q->n++) % QUEUE_MAX];
	it->due = due;
	it->to = *to;
	it->len = len;
	memcpy(it->msg, msg, len);
	return 0;
}

/* Sends the items whose time has come. */
static void
release(struct fifo *q, int fd, int64_t now)
{
	struct item	*it;

	while (q->n > 0 && (it = &q->v[q->head])->due <= now) {
		if (sendto(fd, it->msg, it->len, 0, (struct sockaddr *)&it->to,
		    sizeof(it->to)) == -1 && errno != EAGAIN &&
		    errno != EWOULDBLOCK)
			fprintf(stderr, "dnsdelay: sendto: %s\n",
			    strerror(errno));
		q->head = (q->head + 1) % QUEUE_MAX;
		q->n--;
	}
}

/* Frees the slots of queries that were never answered. */
static void
forget(int64_t now, int64_t delay)
{
	static uint32_t	scan;
	size_t		k;

	/* A little at a time: 64k slots are too many to look at each turn. */
	for (k = 0; k < 256; k++, scan = (scan + 1) % IDS)
		if (slots[scan].used &&
		    now - slots[scan].sent > delay + FORGET_MS) {
			slots[scan].used = 0;
			inflight--;
		}
}

/*
 * A query from a client: kept for its time, under an ID of ours.
 * Returns -1 when there was nothing to read.
 */
static int
from_client(int fd, struct fifo *up, const struct sockaddr_in *upstream,
    size_t qmax, int64_t delay, int64_t now)
{
	struct sockaddr_in	from;
	socklen_t		flen = sizeof(from);
	unsigned char		msg[MSG_MAX];
	ssize_t			n;
	size_t			k;

	if ((n = recvfrom(fd, msg, sizeof(msg), 0, (struct sockaddr *)&from,
	    &flen)) == -1)
		return -1;
	if (n < 12 || (qmax > 0 && inflight >= qmax))
		return 0;	/* not DNS, or the burst overflowed: dropped */
	for (k = 0; k < IDS && slots[next_id].used; k++)
		next_id++;
	if (k == IDS)
		return 0;
	slots[next_id].used = 1;
	slots[next_id].sent = now;
	slots[next_id].client = from;
	slots[next_id].id = (uint16_t)(msg[0] << 8 | msg[1]);
	msg[0] = (unsigned char)(next_id >> 8);
	msg[1] = (unsigned char)next_id;
	next_id++;
	inflight++;
	if (push(up, now + delay, upstream, msg, (size_t)n) == -1) {
		slots[(uint16_t)(msg[0] << 8 | msg[1])].used = 0;
		inflight--;
	}
	return 0;
}

/*
 * An answer from upstream: back to its client, with its own ID.  Returns
 * -1 when there was nothing to read.
 */
static int
from_upstream(int fd, struct fifo *down, int64_t delay, int64_t now)
{
	unsigned char	msg[MSG_MAX];
	ssize_t		n;
	uint16_t	id;

	if ((n = recv(fd, msg, sizeof(msg), 0)) == -1)
		return -1;
	if (n < 12)
		return 0;
	id = (uint16_t)(msg[0] << 8 | msg[1]);
	if (!slots[id].used)
		return 0;
	msg[0] = (unsigned char)(slots[id].id >> 8);
	msg[1] = (unsigned char)slots[id].id;
	slots[id].used = 0;
	inflight--;
	(void)push(down, now + delay, &slots[id].client, msg, (size_t)n);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct pollfd		pfd[3];
	struct sockaddr_in	front, upstream;
	struct fifo		up = { NULL, 0, 0 }, down = { NULL, 0, 0 };
	const char		*l = NULL, *u = NULL, *pidfile = NULL;
	char			host[64], port[16];
	int64_t			delay = -1, now, next;
	size_t			qmax = 0, k;
	int			ch, ffd, ufd, stop, timeout, status = 0;

	labnet_prog = "dnsdelay";
	while ((ch = getopt(argc, argv, "l:u:d:q:p:")) != -1) {
		switch (ch) {
		case 'l':
			l = optarg;
			break;
		case 'u':
			u = optarg;
			break;
		case 'd':
			delay = atoll(optarg);
			break;
		case 'q':
			qmax = (size_t)atoll(optarg);
			break;
		case 'p':
			pidfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || l == NULL || u == NULL || pidfile == NULL ||
	    delay < 0 || delay > DELAY_MAX_MS)
		usage();
	if (parse_addr(u, &upstream, host, sizeof(host), port,
	    sizeof(port)) == -1 || parse_addr(l, &front, host, sizeof(host),
	    port, sizeof(port)) == -1)
		usage();
	if ((up.v = calloc(QUEUE_MAX, sizeof(*up.v))) == NULL ||
	    (down.v = calloc(QUEUE_MAX, sizeof(*down.v))) == NULL) {
		fprintf(stderr, "dnsdelay: out of memory\n");
		return 1;
	}
	if ((stop = labnet_stop_fd()) == -1 ||
	    (ffd = labnet_bind(host, port, SOCK_DGRAM, 0)) == -1 ||
	    (ufd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    labnet_nonblock(ufd) == -1 || labnet_pidfile(pidfile) == -1)
		return 1;

	for (;;) {
		now = labnet_now_ms();
		release(&up, ufd, now);
		release(&down, ffd, now);
		forget(now, delay);
		next = -1;
		if (up.n > 0)
			next = up.v[up.head].due;
		if (down.n > 0 && (next == -1 || down.v[down.head].due < next))
			next = down.v[down.head].due;
		timeout = next == -1 ? 1000 : next <= now ? 0 : (int)(next - now);
		pfd[0].fd = stop;
		pfd[1].fd = ffd;
		pfd[2].fd = ufd;
		pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
		if (poll(pfd, 3, timeout) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "dnsdelay: poll: %s\n", strerror(errno));
			status = 1;
			break;
		}
		if (pfd[0].revents != 0)
			break;
		now = labnet_now_ms();
		/* A burst is read whole: that is what -q is about. */
		for (k = 0; (pfd[1].revents & POLLIN) && k < BURST_MAX; k++)
			if (from_client(ffd, &up, &upstream, qmax, delay,
			    now) == -1)
				break;
		for (k = 0; (pfd[2].revents & POLLIN) && k < BURST_MAX; k++)
			if (from_upstream(ufd, &down, delay, now) == -1)
				break;
	}
	close(ffd);
	close(ufd);
	free(up.v);
	free(down.v);
	unlink(pidfile);
	return status;
}
