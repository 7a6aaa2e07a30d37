/*
 * Unit tests for the poller (src/net/poller.c), with pipes.  Every test runs
 * twice: with the default backend (epoll on Linux) and with poll().
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "net/ep_poller.h"

#define EV_MAX		16	/* events read back by one wait */
#define NPIPES		3	/* pipes of the fairness test */

/* What a test runs on: a poller of one backend. */
struct fixture {
	unsigned		 flags;		/* for ep_poller_new */
	struct ep_poller	*p;
};

static struct fixture	fx_default = { 0, NULL };
static struct fixture	fx_portable = { EP_POLLER_PORTABLE, NULL };

static int
setup(void **state)
{
	struct fixture	*f = *state;

	return ep_poller_new(&f->p, f->flags);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	ep_poller_free(f->p);
	f->p = NULL;
	return 0;
}

static void
make_pipe(int fd[2])
{
	int	i;

	assert_int_equal(pipe(fd), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(fcntl(fd[i], F_SETFL, O_NONBLOCK), 0);
}

static void
put_byte(int fd)
{
	assert_int_equal(write(fd, "x", 1), 1);
}

/* Waits without blocking; returns the number of events. */
static int
poll_now(struct ep_poller *p, struct ep_poller_event *ev, size_t max)
{
	int	n = ep_poller_wait(p, ev, max, 0);

	assert_true(n >= 0);
	return n;
}

/* The backend asked for is the one in use. */
static void
test_backend(void **state)
{
	struct fixture	*f = *state;

#ifdef __linux__
	assert_string_equal(ep_poller_backend(f->p),
	    f->flags & EP_POLLER_PORTABLE ? "poll" : "epoll");
#else
	assert_string_equal(ep_poller_backend(f->p), "poll");
#endif
}

/* Nothing watched, nothing ready: the wait times out empty. */
static void
test_empty(void **state)
{
	struct fixture		*f = *state;
	struct ep_poller_event	 ev[EV_MAX];

	assert_int_equal(ep_poller_wait(f->p, ev, EV_MAX, 10), 0);
	assert_int_equal(ep_poller_count(f->p), 0);
}

/* A read end is reported once data is there, with its arg, every time. */
static void
test_readable_level(void **state)
{
	struct fixture		*f = *state;
	struct ep_poller_event	 ev[EV_MAX];
	int			 fd[2], tag;
	char			 c;

	make_pipe(fd);
	assert_int_equal(ep_poller_set(f->p, fd[0], EP_POLLER_IN, &tag), 0);
	assert_int_equal(ep_poller_count(f->p), 1);
	assert_int_equal(poll_now(f->p, ev, EV_MAX), 0);
	put_byte(fd[1]);
	assert_int_equal(ep_poller_wait(f->p, ev, EV_MAX, 1000), 1);
	assert_int_equal(ev[0].fd, fd[0]);
	assert_int_equal(ev[0].events, EP_POLLER_IN);
	assert_ptr_equal(ev[0].arg, &tag);
	/* Level-triggered: still there until read. */
	assert_int_equal(poll_now(f->p, ev, EV_MAX), 1);
	assert_int_equal(read(fd[0], &c, 1), 1);
	assert_int_equal(poll_now(f->p, ev, EV_MAX), 0);
	assert_int_equal(ep_poller_set(f->p, fd[0], 0, NULL), 0);
	close(fd[0]);
	close(fd[1]);
}

/* Changing the interest (out, in, both) and the arg takes effect. */
static void
test_change_interest(void **state)
{
	struct fixture		*f = *state;
	struct ep_poller_event	 ev[EV_MAX];
	int			 fd[2], a, b;

	make_pipe(fd);
	/* A write end is writable at once, and never readable. */
	assert_int_equal(ep_poller_set(f->p, fd[1], EP_POLLER_OUT, &a), 0);
	assert_int_equal(poll_now(f->p, ev, EV_MAX), 1);
	assert_int_equal(ev[0].events, EP_POLLER_OUT);
	assert_ptr_equal(ev[0].arg, &a);
	assert_int_equal(ep_poller_set(f->p, fd[1], EP_POLLER_IN, &a), 0);
	assert_int_equal(poll_now(f->p, ev, EV_MAX), 0);
	assert_int_equal(ep_poller_set(f->p, fd[1],
	    EP_POLLER_IN | EP_POLLER_OUT, &a), 0);
	assert_int_equal(poll_now(f->p, ev, EV_MAX), 1);
	assert_int_equal(ev[0].events, EP_POLLER_OUT);
	/* Same events, another arg: reported with the new one. */
	assert_int_equal(ep_poller_set(f->p, fd[1],
	    EP_POLLER_IN | EP_POLLER_OUT, &b), 0);
	assert_int_equal(poll_now(f->p, ev, EV_MAX), 1);
	assert_ptr_equal(ev[0].arg, &b);
	assert_int_equal(ep_poller_count(f->p), 1);
	assert_int_equal(ep_poller_set(f->p, fd[1], 0, NULL), 0);
	assert_int_equal(ep_poller_count(f->p), 0);
	assert_int_equal(poll_now(f->p, ev, EV_MAX), 0);
	close(fd[0]);
	close(fd[1]);
}

/* A read end whose writer is gone reports a hangup. */
static void
test_hangup(void **state)
{
	struct fixture		*f = *state;
	struct ep_poller_event	 ev[EV_MAX];
	int			 fd[2];

	make_pipe(fd);
	assert_int_equal(ep_poller_set(f->p, fd[0], EP_POLLER_IN, NULL), 0);
	close(fd[1]);
	assert_int_equal(poll_now(f->p, ev, EV_MAX), 1);
	assert_true(ev[0].events & EP_POLLER_ERR);
	assert_int_equal(ep_poller_set(f->p, fd[0], 0, NULL), 0);
	close(fd[0]);
}

/*
 * Closed and forgotten, a number used again by a new descriptor is
 * watched afresh; closed behind the poller's back, renew repairs it.
 */
static void
test_reuse(void **state)
{
	struct fixture		*f = *state;
	struct ep_poller_event	 ev[EV_MAX];
	int			 fd[2], fd2[2], old;

	make_pipe(fd);
	old = fd[0];
	assert_int_equal(ep_poller_set(f->p, fd[0], EP_POLLER_IN, NULL), 0);
	close(fd[0]);
	close(fd[1]);
	ep_poller_forget(f->p, old);
	assert_int_equal(ep_poller_count(f->p), 0);
	make_pipe(fd2);
	assert_int_equal(fd2[0], old);
	assert_int_equal(ep_poller_set(f->p, fd2[0], EP_POLLER_IN, NULL), 0);
	put_byte(fd2[1]);
	assert_int_equal(poll_now(f->p, ev, EV_MAX), 1);
	assert_int_equal(ev[0].fd, old);

	/* Closed and reopened unseen, as c-ares may do. */
	close(fd2[0]);
	close(fd2[1]);
	make_pipe(fd);
	assert_int_equal(fd[0], old);
	assert_int_equal(ep_poller_renew(f->p, fd[0], EP_POLLER_IN, NULL), 0);
	put_byte(fd[1]);
	assert_int_equal(poll_now(f->p, ev, EV_MAX), 1);
	assert_int_equal(ev[0].fd, old);
	assert_int_equal(ep_poller_count(f->p), 1);
	/* Taking out a descriptor closed already is no error. */
	close(fd[0]);
	close(fd[1]);
	assert_int_equal(ep_poller_set(f->p, old, 0, NULL), 0);
	assert_int_equal(ep_poller_count(f->p), 0);
}

/*
 * What a descriptor is watched with, so that one who stops watching a
 * number it closed can tell whether someone else watches it now.
 */
static void
test_arg(void **state)
{
	struct fixture	*f = *state;
	int		 fd[2], fd2[2], old, a, b;

	make_pipe(fd);
	old = fd[0];
	assert_null(ep_poller_arg(f->p, fd[0]));
	assert_int_equal(ep_poller_set(f->p, fd[0], EP_POLLER_IN, &a), 0);
	assert_ptr_equal(ep_poller_arg(f->p, fd[0]), &a);
	/* Closed by its owner, opened again and watched by another. */
	close(fd[0]);
	close(fd[1]);
	make_pipe(fd2);
	assert_int_equal(fd2[0], old);
	assert_int_equal(ep_poller_renew(f->p, fd2[0], EP_POLLER_OUT, &b), 0);
	assert_ptr_equal(ep_poller_arg(f->p, old), &b);
	assert_int_equal(ep_poller_set(f->p, fd2[0], 0, NULL), 0);
	assert_null(ep_poller_arg(f->p, old));
	assert_null(ep_poller_arg(f->p, -1));
	assert_null(ep_poller_arg(f->p, 1000));
	close(fd2[0]);
	close(fd2[1]);
}

/* More ready than room: the next waits report the others. */
static void
test_fairness(void **state)
{
	struct fixture		*f = *state;
	struct ep_poller_event	 ev[EV_MAX];
	int			 fd[NPIPES][2], seen[NPIPES] = { 0 };
	size_t			 i, w, k;
	int			 n;

	for (i = 0; i < NPIPES; i++) {
		make_pipe(fd[i]);
		put_byte(fd[i][1]);
		assert_int_equal(ep_poller_set(f->p, fd[i][0], EP_POLLER_IN,
		    &seen[i]), 0);
	}
	for (w = 0; w < NPIPES; w++) {
		n = poll_now(f->p, ev, 1);
		assert_int_equal(n, 1);
		for (k = 0; k < NPIPES; k++)
			if (ev[0].arg == &seen[k])
				seen[k]++;
	}
	for (i = 0; i < NPIPES; i++) {
		assert_int_equal(seen[i], 1);
		assert_int_equal(ep_poller_set(f->p, fd[i][0], 0, NULL), 0);
		close(fd[i][0]);
		close(fd[i][1]);
	}
}

/* Bad descriptors, events and sizes are refused. */
static void
test_invalid(void **state)
{
	struct fixture		*f = *state;
	struct ep_poller_event	 ev[EV_MAX];

	errno = 0;
	assert_int_equal(ep_poller_set(f->p, -1, EP_POLLER_IN, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ep_poller_set(f->p, 0, EP_POLLER_ERR, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ep_poller_wait(f->p, ev, 0, 0), -1);
	assert_int_equal(errno, EINVAL);
	/* Not watched: nothing to take out. */
	assert_int_equal(ep_poller_set(f->p, 1000, 0, NULL), 0);
	ep_poller_forget(f->p, 1000);
	assert_int_equal(ep_poller_count(f->p), 0);
}

static volatile sig_atomic_t	got_usr1;

static void
on_usr1(int sig)
{
	got_usr1 = sig;
}

/*
 * A signal blocked outside the wait and pending before it is taken by
 * the wait, which it ends: the mask is the wait's alone, and put back.
 */
static void
test_pwait_signal(void **state)
{
	struct fixture		*f = *state;
	struct ep_poller_event	 ev[EV_MAX];
	struct sigaction	 sa, old;
	sigset_t		 block, before, after;
	int			 fd[2];

	make_pipe(fd);
	assert_int_equal(ep_poller_set(f->p, fd[0], EP_POLLER_IN, NULL), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	assert_int_equal(sigprocmask(SIG_BLOCK, &block, &before), 0);
	got_usr1 = 0;
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(got_usr1, 0);
	/* Nothing to read: only the signal can end this wait early. */
	assert_int_equal(ep_poller_pwait(f->p, ev, EV_MAX, 10000, &before), 0);
	assert_int_equal(got_usr1, SIGUSR1);
	assert_int_equal(sigprocmask(SIG_SETMASK, &before, &after), 0);
	assert_true(sigismember(&after, SIGUSR1));
	assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
	close(fd[0]);
	close(fd[1]);
}

/* Each test with the default backend, then with poll(). */
#define BOTH(t)	\
	{ #t, t, setup, teardown, &fx_default }, \
	{ #t " (poll)", t, setup, teardown, &fx_portable }

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		BOTH(test_backend),
		BOTH(test_empty),
		BOTH(test_readable_level),
		BOTH(test_change_interest),
		BOTH(test_hangup),
		BOTH(test_reuse),
		BOTH(test_arg),
		BOTH(test_fairness),
		BOTH(test_invalid),
		BOTH(test_pwait_signal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
