/*
 * measure: runs a command and records what it cost, for edgeprobe's
 * benchmark (tests/bench/bench).
 *
 *	measure -t SECONDS OUTFILE COMMAND [ARG ...]
 *
 * Writes one line to OUTFILE:
 *
 *	WALL-S USER-S SYS-S MAXRSS-KIB STATUS
 *
 * WALL-S is the monotonic time from fork to reaping, USER-S and SYS-S the
 * CPU time of the command and of every descendant it waited for (what
 * wait4 reports on Linux), so a shell loop is charged for all its
 * children; MAXRSS-KIB is the largest resident set among them.  STATUS is
 * the exit status, 128 + N for a signal N, 124 if the command ran out of
 * time.  GNU time does the same at a 10 ms resolution; the small
 * configurations need better.
 *
 * The command runs in its own process group, so that a limit or an
 * interrupt stops all of it (an xargs loop and its gnutls-cli children),
 * not just its first process.  measure exits with STATUS, or dies of the
 * signal that interrupted it.
 */

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define GRACE_S		5	/* after SIGTERM, before SIGKILL */

static void
usage(void)
{
	fprintf(stderr, "usage: measure -t SECONDS OUTFILE COMMAND [ARG ...]\n");
	exit(2);
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
tv_s(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

int
main(int argc, char *argv[])
{
	struct rusage	 ru;
	struct timespec	 ts;
	sigset_t	 set, old;
	siginfo_t	 si;
	FILE		*f;
	double		 t0, t1, limit = 0, deadline, left;
	pid_t		 pid, r;
	char		*end;
	int		 ch, st = 0, status, sig, caught = 0, killed = 0;

	while ((ch = getopt(argc, argv, "+t:")) != -1) {
		switch (ch) {
		case 't':
			errno = 0;
			limit = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    !(limit > 0 && limit <= 86400))
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (limit == 0 || argc < 2)
		usage();

	/* Taken with sigtimedwait: no handler runs between fork and wait. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, &old) == -1) {
		fprintf(stderr, "measure: sigprocmask: %s\n", strerror(errno));
		return 1;
	}

	t0 = now_s();
	if ((pid = fork()) == -1) {
		fprintf(stderr, "measure: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "measure: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	/* Both sides set it, so that no kill below can miss the group. */
	setpgid(pid, pid);

	deadline = t0 + limit;
	for (;;) {
		r = wait4(pid, &st, WNOHANG, &ru);
		if (r == pid)
			break;
		if (r == -1 && errno != EINTR) {
			fprintf(stderr, "measure: wait4: %s\n", strerror(errno));
			return 1;
		}
		left = deadline - now_s();
		if (left <= 0) {
			if (killed) {
				/* Past the grace period too: no more asking. */
				kill(-pid, SIGKILL);
				deadline = now_s() + 3600;
			} else {
				if (!caught)
					fprintf(stderr, "measure: %s: no end "
					    "after %g s, stopping it\n",
					    argv[1], limit);
				kill(-pid, SIGTERM);
				killed = 1;
				deadline = now_s() + GRACE_S;
			}
			continue;
		}
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		sig = sigtimedwait(&set, &si, &ts);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			/* Passed on to the whole group, then ours again. */
			caught = sig;
			deadline = now_s();
		}
	}
	t1 = now_s();

	if (WIFEXITED(st))
		status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		status = 128 + WTERMSIG(st);
	else
		status = 1;
	if (killed && !caught)
		status = 124;

	if ((f = fopen(argv[0], "w")) == NULL) {
		fprintf(stderr, "measure: %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	fprintf(f, "%.6f %.6f %.6f %ld %d\n", t1 - t0, tv_s(&ru.ru_utime),
	    tv_s(&ru.ru_stime), ru.ru_maxrss, status);
	if (fclose(f) != 0) {
		fprintf(stderr, "measure: %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	if (caught) {
		signal(caught, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		raise(caught);
	}
	return status;
}
