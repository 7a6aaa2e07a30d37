/*
 * tarpit: a TCP server that does not speak TLS, for the lab's timeout and
 * handshake-failed endpoints.
 *
 *	tarpit silent|garbage|full ADDR PORT PIDFILE
 *
 * silent accepts and never writes, so a TLS client waits for a ServerHello
 * that never comes; it also reads and drops UDP datagrams on the same
 * address and port, a DNS server that never answers.  garbage answers
 * every connection with an HTTP error and half-closes, so a TLS client
 * reads a record that is not TLS.  Both hold at most MAX_CONNS
 * connections (the oldest goes first) and read and drop whatever clients
 * send: closing a socket with unread data would send a reset instead of
 * the answer.  full never accepts, and fills its one-place accept queue
 * with connections of its own: the kernel then drops every SYN, so a
 * client's TCP connect never completes.  The pid file is written once the
 * socket listens, so it doubles as the readiness signal; SIGTERM or
 * SIGINT ends the program with status 0 and removes the pid file.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "labnet.h"

#define MAX_CONNS	64
#define FILLERS		2	/* more than a backlog of 0 holds */

enum mode { SILENT, GARBAGE, FULL };

static const char	garbage_reply[] = "HTTP/1.0 400 Bad Request\r\n\r\n";

static void
usage(void)
{
	fprintf(stderr, "usage: tarpit silent|garbage|full ADDR PORT PIDFILE\n");
	exit(2);
}

/* Connects to the listener lfd without ever being accepted. */
static int
fill_queue(int lfd, int *fillers)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	int			i;

	if (getsockname(lfd, (struct sockaddr *)&ss, &len) == -1) {
		fprintf(stderr, "tarpit: getsockname: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < FILLERS; i++) {
		if ((fillers[i] = socket(ss.ss_family, SOCK_STREAM, 0)) == -1 ||
		    labnet_nonblock(fillers[i]) == -1 ||
		    (connect(fillers[i], (struct sockaddr *)&ss, len) == -1 &&
		    errno != EINPROGRESS)) {
			fprintf(stderr, "tarpit: connect: %s\n",
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* conns[] is kept oldest first. */
static void
drop_conn(int *conns, size_t *n, size_t i)
{
	close(conns[i]);
	memmove(&conns[i], &conns[i + 1], (*n - i - 1) * sizeof(conns[0]));
	(*n)--;
}

static void
accept_one(int lfd, enum mode mode, int *conns, size_t *n)
{
	int	fd;

	if ((fd = accept(lfd, NULL, NULL)) == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR && errno != ECONNABORTED)
			fprintf(stderr, "tarpit: accept: %s\n", strerror(errno));
		return;
	}
	if (labnet_nonblock(fd) == -1) {
		close(fd);
		return;
	}
	if (mode == GARBAGE) {
		/* A fresh socket's send buffer takes these bytes whole. */
		if (write(fd, garbage_reply, sizeof(garbage_reply) - 1) < 0 ||
		    shutdown(fd, SHUT_WR) == -1) {
			close(fd);
			return;
		}
	}
	if (*n == MAX_CONNS)
		drop_conn(conns, n, 0);
	conns[(*n)++] = fd;
}

int
main(int argc, char *argv[])
{
	struct pollfd		pfd[3 + MAX_CONNS];
	int			conns[MAX_CONNS], fillers[FILLERS];
	size_t			nconns = 0, i;
	int			stop, lfd, ufd = -1, status = 0;
	enum mode		mode;
	char			buf[4096];
	ssize_t			r;

	if (argc != 5)
		usage();
	if (strcmp(argv[1], "silent") == 0)
		mode = SILENT;
	else if (strcmp(argv[1], "garbage") == 0)
		mode = GARBAGE;
	else if (strcmp(argv[1], "full") == 0)
		mode = FULL;
	else
		usage();
	for (i = 0; i < FILLERS; i++)
		fillers[i] = -1;

	labnet_prog = "tarpit";
	if ((stop = labnet_stop_fd()) == -1)
		return 1;
	if ((lfd = labnet_bind(argv[2], argv[3], SOCK_STREAM,
	    mode == FULL ? 0 : 64)) == -1)
		return 1;
	if (mode == SILENT &&
	    (ufd = labnet_bind(argv[2], argv[3], SOCK_DGRAM, 0)) == -1)
		return 1;
	if (mode == FULL && fill_queue(lfd, fillers) == -1)
		return 1;
	if (labnet_pidfile(argv[4]) == -1)
		return 1;

	for (;;) {
		pfd[0].fd = stop;
		pfd[0].events = POLLIN;
		/* full never accepts: its queue stays full. */
		pfd[1].fd = mode == FULL ? -1 : lfd;
		pfd[1].events = POLLIN;
		pfd[2].fd = ufd;
		pfd[2].events = POLLIN;
		for (i = 0; i < nconns; i++) {
			pfd[3 + i].fd = conns[i];
			pfd[3 + i].events = POLLIN;
		}
		if (poll(pfd, 3 + nconns, -1) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "tarpit: poll: %s\n", strerror(errno));
			status = 1;
			break;
		}
		if (pfd[0].revents != 0)
			break;
		/* Backwards, so dropping one leaves the rest in place. */
		for (i = nconns; i-- > 0;) {
			if (pfd[3 + i].revents == 0)
				continue;
			r = read(conns[i], buf, sizeof(buf));
			if (r == 0 || (r == -1 && errno != EAGAIN &&
			    errno != EWOULDBLOCK && errno != EINTR))
				drop_conn(conns, &nconns, i);
		}
		if (pfd[2].revents & POLLIN &&
		    recv(ufd, buf, sizeof(buf), 0) == -1 && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != EINTR)
			fprintf(stderr, "tarpit: recv: %s\n", strerror(errno));
		if (pfd[1].revents & POLLIN)
			accept_one(lfd, mode, conns, &nconns);
	}

	while (nconns > 0)
		drop_conn(conns, &nconns, nconns - 1);
	for (i = 0; i < FILLERS; i++)
		if (fillers[i] != -1)
			close(fillers[i]);
	if (ufd != -1)
		close(ufd);
	close(lfd);
	unlink(argv[4]);
	return status;
}
