/*
 * Unit tests for the bounded file reader (src/input/file.c): sizes at and
 * past the bound, the kinds of file taken and refused, pipes fed by
 * another process, and the NUL after the bytes; and the atomic replace.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "input/ep_file.h"

#define TEST_PATH_MAX	4096
#define ERR_MAX		1024
#define BIG		(3 * 4096 + 5)	/* past the first buffer, twice */

static char	dir[TEST_PATH_MAX];

static const char *
tmp_path(const char *name)
{
	static char	path[TEST_PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		fail_msg("%s/%s: too long", dir, name);
	return path;
}

/* Writes len bytes to name in the test directory; returns its path. */
static const char *
write_file(const char *name, const void *data, size_t len)
{
	const char	*path = tmp_path(name);
	FILE		*fp;

	if ((fp = fopen(path, "wb")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	if (fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
		fail_msg("%s: write failed", path);
	return path;
}

/* Bytes that differ from one offset to the next, so that none is lost. */
static void
fill(char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		p[i] = (char)('a' + i % 23);
}

/* As fill, into a new buffer to free. */
static char *
pattern(size_t len)
{
	char	*p;

	assert_non_null(p = malloc(len == 0 ? 1 : len));
	fill(p, len);
	return p;
}

/*
 * Forks a child that waits delay_ms, opens path for writing when it is
 * not NULL (else writes to fd), writes len (at most BIG) bytes of fill()
 * and exits.  The child allocates nothing, so that it has no leak of its
 * own under valgrind.  Returns its pid.
 */
static pid_t
feed(const char *path, int fd, size_t len, int delay_ms)
{
	static char	 p[BIG];
	struct timespec	 ts;
	size_t		 off = 0;
	ssize_t		 r;
	pid_t		 pid;

	assert_true((pid = fork()) != -1);
	if (pid != 0)
		return pid;
	/* The reader stops early when the bound is passed: not a signal. */
	signal(SIGPIPE, SIG_IGN);
	ts.tv_sec = delay_ms / 1000;
	ts.tv_nsec = (long)(delay_ms % 1000) * 1000000;
	nanosleep(&ts, NULL);
	if (path != NULL && (fd = open(path, O_WRONLY)) == -1)
		_exit(1);
	fill(p, len);
	while (off < len && (r = write(fd, p + off, len - off)) > 0)
		off += (size_t)r;
	_exit(off == len ? 0 : 1);
}

static void
wait_ok(pid_t pid)
{
	int	status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ep_file_read must succeed; returns the bytes and checks the NUL. */
static char *
read_ok(const char *path, size_t max, size_t *len)
{
	char	*out = NULL, err[ERR_MAX] = "";

	if (ep_file_read(path, max, &out, len, err, sizeof(err)) != 0)
		fail_msg("%s: %s", path, err);
	assert_non_null(out);
	assert_int_equal(out[*len], '\0');
	return out;
}

/* ep_file_read must fail with exactly "path: reason", leaving out alone. */
static void
read_fails(const char *path, size_t max, const char *reason)
{
	char	*out = (char *)&out, err[ERR_MAX] = "", want[ERR_MAX];
	size_t	 len = 7;

	assert_int_equal(ep_file_read(path, max, &out, &len, err,
	    sizeof(err)), -1);
	assert_ptr_equal(out, (char *)&out);
	assert_int_equal(len, 7);
	snprintf(want, sizeof(want), "%s: %s", path, reason);
	assert_string_equal(err, want);
}

static int
group_setup(void **state)
{
	const char	*tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/test_file.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	char	cmd[TEST_PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* An empty file is read as no bytes, still NUL-terminated. */
static void
test_empty(void **state)
{
	char	*out;
	size_t	 len = 99;

	(void)state;
	out = read_ok(write_file("empty", "", 0), 10, &len);
	assert_int_equal(len, 0);
	free(out);
	/* With no byte allowed at all, too. */
	out = read_ok(write_file("empty", "", 0), 0, &len);
	assert_int_equal(len, 0);
	free(out);
}

/* Exactly max bytes are read whole; one more is refused, whatever max. */
static void
test_bound(void **state)
{
	static const size_t	 maxes[] = { 0, 1, 4095, 4096, 4097, BIG };
	char			*p, *out, why[64];
	const char		*path;
	size_t			 i, len;

	(void)state;
	for (i = 0; i < sizeof(maxes) / sizeof(maxes[0]); i++) {
		p = pattern(maxes[i] + 1);
		out = read_ok(write_file("bound", p, maxes[i]), maxes[i],
		    &len);
		assert_int_equal(len, maxes[i]);
		assert_memory_equal(out, p, len);
		free(out);
		path = write_file("bound", p, maxes[i] + 1);
		snprintf(why, sizeof(why), "larger than %zu bytes", maxes[i]);
		read_fails(path, maxes[i], why);
		free(p);
	}
}

/* The buffer has the NUL after the bytes; a NUL among them is kept. */
static void
test_nul_termination(void **state)
{
	char	*out;
	size_t	 len;

	(void)state;
	out = read_ok(write_file("nul", "a\0bc", 4), 100, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(out, "a\0bc\0", 5);
	free(out);
	/* A file that fills the first buffer exactly still gets its NUL. */
	out = pattern(4096);
	free(read_ok(write_file("nul", out, 4096), 1 << 20, &len));
	assert_int_equal(len, 4096);
	free(out);
}

/*
 * A FIFO whose writer opens it only later (the open waits for it) and
 * writes more than one buffer.
 */
static void
test_fifo(void **state)
{
	const char	*path = tmp_path("fifo");
	char		*out, *p;
	size_t		 len;
	pid_t		 pid;

	(void)state;
	/* A FIFO left by a failed run would make this one fail too. */
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	pid = feed(path, -1, BIG, 100);
	out = read_ok(path, BIG, &len);
	wait_ok(pid);
	assert_int_equal(len, BIG);
	p = pattern(BIG);
	assert_memory_equal(out, p, BIG);
	free(p);
	free(out);
	unlink(path);
}

/* A FIFO's bound holds too: its writer gets no more room than a file's. */
static void
test_fifo_too_large(void **state)
{
	const char	*path = tmp_path("fifo");
	pid_t		 pid;

	(void)state;
	/* A FIFO left by a failed run would make this one fail too. */
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	pid = feed(path, -1, 100, 0);
	read_fails(path, 99, "larger than 99 bytes");
	waitpid(pid, NULL, 0);
	unlink(path);
}

/* What is not a file or a pipe, or is not there, is refused by name. */
static void
test_refused(void **state)
{
	char	path[TEST_PATH_MAX + 8];

	(void)state;
	read_fails(dir, 100, "a directory, not a file");
	read_fails("/dev/null", 100, "not a regular file or pipe");
	snprintf(path, sizeof(path), "%s", tmp_path("missing"));
	read_fails(path, 100, strerror(ENOENT));
	snprintf(path, sizeof(path), "%s/x", tmp_path("missing"));
	read_fails(path, 100, strerror(ENOENT));
}

/*
 * Standard input: a pipe, even a non-blocking one whose writer is late,
 * is read whole under its label; the descriptor stays open.
 */
static void
test_fd_pipe(void **state)
{
	char	*out = NULL, *p, err[ERR_MAX] = "";
	size_t	 len;
	pid_t	 pid;
	int	 fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	pid = feed(NULL, fds[1], BIG, 100);
	close(fds[1]);
	if (ep_file_read_fd(fds[0], "standard input", BIG, &out, &len, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	wait_ok(pid);
	assert_int_equal(len, BIG);
	assert_int_equal(out[len], '\0');
	p = pattern(BIG);
	assert_memory_equal(out, p, BIG);
	free(p);
	free(out);
	assert_int_not_equal(fcntl(fds[0], F_GETFD), -1);
	close(fds[0]);
}

/* Standard input past the bound, or a directory, is refused by label. */
static void
test_fd_refused(void **state)
{
	char	*out = NULL, err[ERR_MAX] = "";
	size_t	 len;
	int	 fds[2], fd;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "abcd", 4), 4);
	close(fds[1]);
	assert_int_equal(ep_file_read_fd(fds[0], "standard input", 3, &out,
	    &len, err, sizeof(err)), -1);
	assert_null(out);
	assert_string_equal(err, "standard input: larger than 3 bytes");
	close(fds[0]);

	assert_true((fd = open(dir, O_RDONLY)) != -1);
	assert_int_equal(ep_file_read_fd(fd, "standard input", 3, &out, &len,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "standard input: a directory, not a file");
	close(fd);

	/* A terminal or device given as standard input is read. */
	assert_true((fd = open("/dev/null", O_RDONLY)) != -1);
	assert_int_equal(ep_file_read_fd(fd, "standard input", 3, &out, &len,
	    err, sizeof(err)), 0);
	assert_int_equal(len, 0);
	free(out);
	close(fd);
}

/* How many entries the test directory holds, . and .. not counted. */
static size_t
entries(void)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 n = 0;

	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/*
 * A first line of max bytes is read, its end (LF or CR LF) cut off; one
 * byte more is refused, and so is a file past EP_FILE_SECRET_MAX whatever
 * its first line.
 */
static void
test_first_line(void **state)
{
	static const char	*ends[] = { "", "\n", "\r\n" };
	const size_t		 max = 1024;
	char			*p, *out, err[ERR_MAX], want[ERR_MAX];
	const char		*path;
	size_t			 i, n;

	(void)state;
	p = pattern(EP_FILE_SECRET_MAX + 1);
	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		/* A line at the end of the file needs no end of its own. */
		n = strlen(ends[i]);
		memcpy(p + max, ends[i], n);
		memcpy(p + max + n, "rest\n", 5);
		path = write_file("first", p, n == 0 ? max : max + n + 5);
		if (ep_file_first_line(path, max, &out, err, sizeof(err)) != 0)
			fail_msg("end %zu: %s", i, err);
		assert_int_equal(strlen(out), max);
		assert_memory_equal(out, p, max);
		free(out);
	}
	fill(p, max + 1);
	memcpy(p + max + 1, "\n", 1);
	path = write_file("first", p, max + 2);
	assert_int_equal(ep_file_first_line(path, max, &out, err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: the first line is longer than %zu "
	    "bytes", path, max);
	assert_string_equal(err, want);
	fill(p, EP_FILE_SECRET_MAX + 1);
	p[0] = '\n';
	path = write_file("first", p, EP_FILE_SECRET_MAX + 1);
	assert_int_equal(ep_file_first_line(path, max, &out, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than"));
	free(p);
	unlink(path);
}

/*
 * ep_file_replace puts the new bytes in place with the mode asked for,
 * and leaves nothing beside the file.  A write that fails half way (a
 * file size limit, as a full disk) leaves the old file whole and no
 * temporary file; a directory that does not exist is an error naming the
 * path.
 */
static void
test_replace(void **state)
{
	struct rlimit	 was, small;
	struct stat	 st;
	char		*out, err[ERR_MAX] = "", big[BIG];
	const char	*path = tmp_path("replaced");
	size_t		 len, before;

	(void)state;
	before = entries();
	assert_int_equal(ep_file_replace(path, "old", 3, 0640, err,
	    sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(ep_file_replace(path, "new text", 8, 0644, err,
	    sizeof(err)), 0);
	out = read_ok(path, 100, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(out, "new text", 8);
	free(out);
	assert_int_equal(entries(), before + 1);

	fill(big, sizeof(big));
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &was), 0);
	small = was;
	small.rlim_cur = 4096;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	assert_int_equal(ep_file_replace(path, big, sizeof(big), 0644, err,
	    sizeof(err)), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &was), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, strerror(EFBIG)));
	out = read_ok(path, 100, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(out, "new text", 8);
	free(out);
	assert_int_equal(entries(), before + 1);

	assert_int_equal(ep_file_replace(tmp_path("no-such-dir/file"), "x", 1,
	    0644, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no-such-dir/file: "));
	assert_non_null(strstr(err, strerror(ENOENT)));
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_nul_termination),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_fifo_too_large),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_fd_pipe),
		cmocka_unit_test(test_fd_refused),
		cmocka_unit_test(test_first_line),
		cmocka_unit_test(test_replace),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
