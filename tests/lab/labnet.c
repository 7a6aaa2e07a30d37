/* The lab servers' shared plumbing (see labnet.h). */

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "labnet.h"

const char	*labnet_prog = "lab";

/* Written by the signal handler, read by the caller's poll loop. */
static int	wake_fd = -1;

int
labnet_nonblock(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    (fl = fcntl(fd, F_GETFD)) == -1 ||
	    fcntl(fd, F_SETFD, fl | FD_CLOEXEC) == -1)
		return -1;
	return 0;
}

int
labnet_bind(const char *addr, const char *port, int type, int backlog)
{
	struct addrinfo	 hints, *res, *ai;
	int		 fd = -1, on = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = type;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rc = getaddrinfo(addr, port, &hints, &res)) != 0) {
		fprintf(stderr, "%s: %s port %s: %s\n", labnet_prog, addr, port,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd == -1)
			continue;
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
		    sizeof(on)) == 0 &&
		    bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    (type != SOCK_STREAM || listen(fd, backlog) == 0) &&
		    labnet_nonblock(fd) == 0)
			break;
		fprintf(stderr, "%s: %s port %s: %s\n", labnet_prog, addr, port,
		    strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int
labnet_pidfile(const char *path)
{
	char	 tmp[4096];
	FILE	*f;
	int	 n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		fprintf(stderr, "%s: %s: path too long\n", labnet_prog, path);
		return -1;
	}
	if ((f = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", labnet_prog, tmp,
		    strerror(errno));
		return -1;
	}
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "%s: %s: %s\n", labnet_prog, path,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void
on_signal(int sig)
{
	int	saved = errno;
	char	c = (char)sig;

	/* A full pipe already holds a wake-up: nothing lost. */
	if (write(wake_fd, &c, 1) < 0) {
		/* nothing to do */
	}
	errno = saved;
}

int
labnet_stop_fd(void)
{
	struct sigaction	sa;
	int			pipefd[2];

	if (pipe(pipefd) == -1 || labnet_nonblock(pipefd[0]) == -1 ||
	    labnet_nonblock(pipefd[1]) == -1) {
		fprintf(stderr, "%s: pipe: %s\n", labnet_prog, strerror(errno));
		return -1;
	}
	wake_fd = pipefd[1];
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1) {
		fprintf(stderr, "%s: sigaction: %s\n", labnet_prog,
		    strerror(errno));
		return -1;
	}
	/* A client gone before our reply must not kill us. */
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1) {
		fprintf(stderr, "%s: sigaction: %s\n", labnet_prog,
		    strerror(errno));
		return -1;
	}
	return pipefd[0];
}

int64_t
labnet_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
