/*
 * Descriptor readiness for the event loop.  A table indexed by descriptor
 * number remembers what each descriptor waits for, so that only changes
 * reach the kernel: epoll_ctl() on Linux; elsewhere, edits of the pollfd
 * array that poll() is given whole on every wait.
 */

#ifdef __linux__
#define _GNU_SOURCE	/* glibc declares ppoll() for it */
#endif

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/epoll.h>
#endif

#include "net/ep_poller.h"

#define EP_POLLER_FDS_MAX	(1 << 24)	/* highest descriptor number + 1 */
#define EP_POLLER_SLOTS_MIN	64		/* first table size */
#define NOPOS			((size_t)-1)	/* not in the pollfd array */

/* What one descriptor number waits for. */
struct slot {
	unsigned	 events;	/* EP_POLLER_IN/OUT; 0: not watched */
	void		*arg;
	size_t		 pos;		/* poll(): its index in pfd */
};

struct ep_poller {
	int			 epfd;		/* -1: poll() */
	struct slot		*slots;		/* indexed by descriptor */
	size_t			 nslots;
	size_t			 count;		/* watched descriptors */
	struct pollfd		*pfd;		/* poll(): count of them */
	size_t			 pfdcap;
	size_t			 next;		/* poll(): first index reported
						   by the next wait */
#ifdef __linux__
	struct epoll_event	*eev;		/* epoll_wait()'s output */
	size_t			 neev;
#endif
};

int
ep_poller_new(struct ep_poller **out, unsigned flags)
{
	struct ep_poller	*p;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -1;
	p->epfd = -1;
#ifdef __linux__
	if (!(flags & EP_POLLER_PORTABLE) &&
	    (p->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		free(p);
		return -1;
	}
#else
	(void)flags;
#endif
	*out = p;
	return 0;
}

void
ep_poller_free(struct ep_poller *p)
{
	if (p == NULL)
		return;
	if (p->epfd != -1)
		close(p->epfd);
#ifdef __linux__
	free(p->eev);
#endif
	free(p->pfd);
	free(p->slots);
	free(p);
}

static int
grow_slots(struct ep_poller *p, int fd)
{
	struct slot	*ns;
	size_t		 ncap, i;

	if ((size_t)fd < p->nslots)
		return 0;
	ncap = p->nslots ? p->nslots : EP_POLLER_SLOTS_MIN;
	while (ncap <= (size_t)fd)
		ncap *= 2;
	if ((ns = reallocarray(p->slots, ncap, sizeof(*ns))) == NULL)
		return -1;
	for (i = p->nslots; i < ncap; i++) {
		ns[i].events = 0;
		ns[i].arg = NULL;
		ns[i].pos = NOPOS;
	}
	p->slots = ns;
	p->nslots = ncap;
	return 0;
}

static short
to_poll(unsigned events)
{
	return (short)(((events & EP_POLLER_IN) ? POLLIN : 0) |
	    ((events & EP_POLLER_OUT) ? POLLOUT : 0));
}

static unsigned
from_poll(short revents)
{
	return ((revents & POLLIN) ? EP_POLLER_IN : 0) |
	    ((revents & POLLOUT) ? EP_POLLER_OUT : 0) |
	    ((revents & (POLLERR | POLLHUP | POLLNVAL)) ? EP_POLLER_ERR : 0);
}

/* poll(): appends fd to the array. */
static int
pfd_add(struct ep_poller *p, int fd, unsigned events)
{
	struct pollfd	*np;
	size_t		 ncap;

	if (p->count == p->pfdcap) {
		ncap = p->pfdcap ? p->pfdcap * 2 : EP_POLLER_SLOTS_MIN;
		if ((np = reallocarray(p->pfd, ncap, sizeof(*np))) == NULL)
			return -1;
		p->pfd = np;
		p->pfdcap = ncap;
	}
	p->pfd[p->count].fd = fd;
	p->pfd[p->count].events = to_poll(events);
	p->pfd[p->count].revents = 0;
	p->slots[fd].pos = p->count;
	return 0;
}

/* poll(): takes fd out of the array, moving the last entry into its place. */
static void
pfd_del(struct ep_poller *p, int fd)
{
	size_t	pos = p->slots[fd].pos, last = p->count - 1;

	if (pos != last) {
		p->pfd[pos] = p->pfd[last];
		p->slots[p->pfd[pos].fd].pos = pos;
	}
	p->slots[fd].pos = NOPOS;
}

#ifdef __linux__
static int
ctl(struct ep_poller *p, int op, int fd, unsigned events)
{
	struct epoll_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = ((events & EP_POLLER_IN) ? EPOLLIN : 0) |
	    ((events & EP_POLLER_OUT) ? EPOLLOUT : 0);
	ev.data.fd = fd;
	return epoll_ctl(p->epfd, op, fd, &ev);
}

/*
 * Adds or modifies, whichever the kernel needs: after a close and a new
 * open under the same number our table and the kernel's set disagree.
 */
static int
ctl_watch(struct ep_poller *p, int fd, unsigned events, int known)
{
	int	op = known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;

	if (ctl(p, op, fd, events) == 0)
		return 0;
	if (op == EPOLL_CTL_MOD && errno == ENOENT)
		return ctl(p, EPOLL_CTL_ADD, fd, events);
	if (op == EPOLL_CTL_ADD && errno == EEXIST)
		return ctl(p, EPOLL_CTL_MOD, fd, events);
	return -1;
}
#endif

static void
unwatch(struct ep_poller *p, int fd)
{
	if (p->epfd == -1)
		pfd_del(p, fd);
	p->slots[fd].events = 0;
	p->slots[fd].arg = NULL;
	p->count--;
}

static int
set(struct ep_poller *p, int fd, unsigned events, void *arg, int force)
{
	struct slot	*s;

	if (fd < 0 || fd >= EP_POLLER_FDS_MAX ||
	    (events & ~(unsigned)(EP_POLLER_IN | EP_POLLER_OUT)) != 0) {
		errno = EINVAL;
		return -1;
	}
	if (events == 0) {
		if ((size_t)fd >= p->nslots || p->slots[fd].events == 0)
			return 0;
#ifdef __linux__
		/* Gone already (closed) is as good as taken out. */
		if (p->epfd != -1 && epoll_ctl(p->epfd, EPOLL_CTL_DEL, fd,
		    NULL) == -1 && errno != ENOENT && errno != EBADF)
			return -1;
#endif
		unwatch(p, fd);
		return 0;
	}
	if (grow_slots(p, fd) == -1)
		return -1;
	s = &p->slots[fd];
	if (s->events == events && !force) {
		s->arg = arg;
		return 0;
	}
	if (p->epfd != -1) {
#ifdef __linux__
		if (ctl_watch(p, fd, events, s->events != 0) == -1)
			return -1;
#endif
	} else if (s->events == 0) {
		if (pfd_add(p, fd, events) == -1)
			return -1;
	} else
		p->pfd[s->pos].events = to_poll(events);
	if (s->events == 0)
		p->count++;
	s->events = events;
	s->arg = arg;
	return 0;
}

int
ep_poller_set(struct ep_poller *p, int fd, unsigned events, void *arg)
{
	return set(p, fd, events, arg, 0);
}

int
ep_poller_renew(struct ep_poller *p, int fd, unsigned events, void *arg)
{
	return set(p, fd, events, arg, 1);
}

void *
ep_poller_arg(const struct ep_poller *p, int fd)
{
	if (fd < 0 || (size_t)fd >= p->nslots || p->slots[fd].events == 0)
		return NULL;
	return p->slots[fd].arg;
}

void
ep_poller_forget(struct ep_poller *p, int fd)
{
	if (fd < 0 || (size_t)fd >= p->nslots || p->slots[fd].events == 0)
		return;
	unwatch(p, fd);
}

#ifdef __linux__
static int
wait_epoll(struct ep_poller *p, struct ep_poller_event *ev, size_t max,
    int timeout_ms, const sigset_t *mask)
{
	struct epoll_event	*ne;
	int			 n, i, k = 0;

	if (max > INT_MAX)
		max = INT_MAX;
	if (p->neev < max) {
		if ((ne = reallocarray(p->eev, max, sizeof(*ne))) == NULL)
			return -1;
		p->eev = ne;
		p->neev = max;
	}
	if ((n = epoll_pwait(p->epfd, p->eev, (int)max, timeout_ms,
	    mask)) == -1)
		return errno == EINTR ? 0 : -1;
	for (i = 0; i < n; i++) {
		int		 fd = p->eev[i].data.fd;
		uint32_t	 e = p->eev[i].events;

		if (fd < 0 || (size_t)fd >= p->nslots ||
		    p->slots[fd].events == 0)
			continue;
		ev[k].fd = fd;
		ev[k].events = ((e & EPOLLIN) ? EP_POLLER_IN : 0) |
		    ((e & EPOLLOUT) ? EP_POLLER_OUT : 0) |
		    ((e & (EPOLLERR | EPOLLHUP)) ? EP_POLLER_ERR : 0);
		ev[k].arg = p->slots[fd].arg;
		k++;
	}
	return k;
}
#endif

/* poll(), with mask for the wait alone when there is one. */
static int
do_poll(struct pollfd *pfd, nfds_t n, int timeout_ms, const sigset_t *mask)
{
#if defined(__linux__) || defined(__FreeBSD__) || defined(__OpenBSD__) || \
    defined(__NetBSD__)
	struct timespec	ts, *tsp = NULL;

	if (mask == NULL)
		return poll(pfd, n, timeout_ms);
	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000;
		tsp = &ts;
	}
	return ppoll(pfd, n, tsp, mask);
#else
	sigset_t	old;
	int		r, e;

	/* Without ppoll() a signal can come just before poll() blocks. */
	if (mask == NULL)
		return poll(pfd, n, timeout_ms);
	if (sigprocmask(SIG_SETMASK, mask, &old) == -1)
		return -1;
	r = poll(pfd, n, timeout_ms);
	e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return r;
#endif
}

static int
wait_poll(struct ep_poller *p, struct ep_poller_event *ev, size_t max,
    int timeout_ms, const sigset_t *mask)
{
	size_t	j, i;
	int	k = 0;

	if (do_poll(p->pfd, (nfds_t)p->count, timeout_ms, mask) == -1)
		return errno == EINTR ? 0 : -1;
	if (max > INT_MAX)
		max = INT_MAX;
	if (p->next >= p->count)
		p->next = 0;
	/* Start past the last one reported, so that none waits forever. */
	for (j = 0; j < p->count && (size_t)k < max; j++) {
		i = (p->next + j) % p->count;
		if (p->pfd[i].revents == 0)
			continue;
		ev[k].fd = p->pfd[i].fd;
		ev[k].events = from_poll(p->pfd[i].revents);
		ev[k].arg = p->slots[p->pfd[i].fd].arg;
		k++;
		if ((size_t)k == max)
			p->next = i + 1;
	}
	return k;
}

int
ep_poller_pwait(struct ep_poller *p, struct ep_poller_event *ev, size_t max,
    int timeout_ms, const sigset_t *mask)
{
	if (max == 0) {
		errno = EINVAL;
		return -1;
	}
#ifdef __linux__
	if (p->epfd != -1)
		return wait_epoll(p, ev, max, timeout_ms, mask);
#endif
	return wait_poll(p, ev, max, timeout_ms, mask);
}

int
ep_poller_wait(struct ep_poller *p, struct ep_poller_event *ev, size_t max,
    int timeout_ms)
{
	return ep_poller_pwait(p, ev, max, timeout_ms, NULL);
}

size_t
ep_poller_count(const struct ep_poller *p)
{
	return p->count;
}

const char *
ep_poller_backend(const struct ep_poller *p)
{
	return p->epfd != -1 ? "epoll" : "poll";
}
