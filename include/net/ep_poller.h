#ifndef EP_POLLER_H
#define EP_POLLER_H

#include <signal.h>
#include <stddef.h>

/*
 * Readiness of many descriptors at once, for one event loop: epoll on
 * Linux, poll() elsewhere (or when asked), behind one small interface.
 * Level-triggered: a descriptor is reported on every wait while it stays
 * ready.  The caller says what a descriptor waits for only when that
 * changes; a descriptor whose interest did not change costs nothing per
 * wait.  Functions return -1 with errno set on failure.
 */

#define EP_POLLER_IN		0x01	/* readable */
#define EP_POLLER_OUT		0x02	/* writable */
#define EP_POLLER_ERR		0x04	/* error or hangup: reported whatever
					   was asked */

#define EP_POLLER_PORTABLE	0x01	/* ep_poller_new: poll() even where
					   epoll exists */

struct ep_poller;

/* One ready descriptor. */
struct ep_poller_event {
	int		 fd;
	unsigned	 events;	/* EP_POLLER_* that happened */
	void		*arg;		/* as given to ep_poller_set */
};

/*
 * Makes an empty poller; flags is 0 or EP_POLLER_PORTABLE.  Returns 0 and
 * sets *out, or -1.
 */
int ep_poller_new(struct ep_poller **out, unsigned flags);

/*
 * Frees the poller (the descriptors it watches stay open); p may be NULL.
 */
void ep_poller_free(struct ep_poller *p);

/*
 * Watches fd for events (EP_POLLER_IN, EP_POLLER_OUT or both), reporting
 * arg with them; events 0 stops watching fd (closed already or not).
 * Nothing reaches the kernel when only arg changes.  Returns 0, or -1.
 */
int ep_poller_set(struct ep_poller *p, int fd, unsigned events, void *arg);

/*
 * As ep_poller_set, but tells the kernel even when nothing changed here:
 * for a descriptor that someone else (c-ares) may have closed and opened
 * again under the same number since the last call.  Returns 0, or -1.
 */
int ep_poller_renew(struct ep_poller *p, int fd, unsigned events, void *arg);

/*
 * Stops watching fd without a system call: for a descriptor the caller
 * has just closed (closing took it out of the kernel's set).  Must come
 * before anything can open a descriptor under the same number.
 */
void ep_poller_forget(struct ep_poller *p, int fd);

/*
 * Returns what fd is watched with (the arg of the call that watches it),
 * or NULL when it is not watched.
 */
void *ep_poller_arg(const struct ep_poller *p, int fd);

/*
 * Waits at most timeout_ms (-1: no limit) for watched descriptors to be
 * ready and writes at most max of them to ev; descriptors left out are
 * reported by the next wait.  Returns how many were written, 0 when the
 * time ran out or a signal came, or -1.
 */
int ep_poller_wait(struct ep_poller *p, struct ep_poller_event *ev,
    size_t max, int timeout_ms);

/*
 * As ep_poller_wait, with the signal mask mask in place for the wait
 * alone, set and put back with it at once (epoll_pwait, ppoll): a signal
 * the caller blocks elsewhere is taken during the wait only, which it
 * ends.  So a flag its handler sets, looked at before the wait, is never
 * missed for a whole wait.  mask NULL: as ep_poller_wait.
 */
int ep_poller_pwait(struct ep_poller *p, struct ep_poller_event *ev,
    size_t max, int timeout_ms, const sigset_t *mask);

/*
 * Returns how many descriptors are watched.
 */
size_t ep_poller_count(const struct ep_poller *p);

/*
 * Returns the mechanism in use: "epoll" or "poll".
 */
const char *ep_poller_backend(const struct ep_poller *p);

#endif /* EP_POLLER_H */
