#ifndef EP_LABNET_H
#define EP_LABNET_H

/*
 * What the lab's small servers (tarpit, dnsdelay) and the benchmark's
 * relay (tests/bench/latency.c) share: sockets bound to a loopback
 * address, a pid file that says "ready", and a signal that ends the
 * program through its poll loop.  Errors are printed, prefixed with
 * labnet_prog, and returned as -1.
 */

#include <stdint.h>

extern const char	*labnet_prog;	/* set by main: "tarpit" ... */

/*
 * Adds O_NONBLOCK (and FD_CLOEXEC) to fd.  Returns 0, or -1.
 */
int labnet_nonblock(int fd);

/*
 * Returns a non-blocking socket of type (SOCK_STREAM or SOCK_DGRAM)
 * bound to the numeric address addr and port, listening with backlog
 * when it is a stream socket; or -1.
 */
int labnet_bind(const char *addr, const char *port, int type, int backlog);

/*
 * Writes this process's pid to path (written aside, then renamed: a
 * reader never sees half a pid).  Returns 0, or -1.
 */
int labnet_pidfile(const char *path);

/*
 * Makes SIGTERM and SIGINT write a byte to a pipe, and ignores SIGPIPE.
 * Returns the pipe's read end, to poll: readable means "stop".  Returns
 * -1 on failure.
 */
int labnet_stop_fd(void);

/*
 * Returns milliseconds on the monotonic clock.
 */
int64_t labnet_now_ms(void);

#endif /* EP_LABNET_H */
