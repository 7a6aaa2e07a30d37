/*
 * Bounded reads of whole input files: profiles, deployment files and the
 * like.  One reader, so that every file has the same size policy and the
 * same messages.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/ep_file.h"

#define FILE_CHUNK	4096	/* the first buffer; it doubles */

/*
 * Says what is wrong with a file of mode m, or NULL when it may be read:
 * a regular file or a pipe, or with any_kind anything but a directory.
 */
static const char *
refused_kind(mode_t m, int any_kind)
{
	if (S_ISDIR(m))
		return "a directory, not a file";
	if (!any_kind && !S_ISREG(m) && !S_ISFIFO(m))
		return "not a regular file or pipe";
	return NULL;
}

/* Reads fd to its end into *out, at most max bytes.  Returns 0, or -1. */
static int
read_all(int fd, const char *label, size_t max, char **out, size_t *len,
    char *err, size_t errlen)
{
	struct pollfd	 pfd;
	char		*buf = NULL, *nbuf;
	size_t		 cap = 0, n = 0;
	ssize_t		 r;
	int		 ret = -1;

	/*
	 * A pipe has no size and a file may grow while it is read: the bound
	 * is on the bytes read.  One byte past max is read to know there is
	 * more, and the buffer keeps one more for the NUL.
	 */
	for (;;) {
		if (n == cap) {
			if (cap > max)
				break;
			cap = cap == 0 ? FILE_CHUNK : cap * 2;
			if (cap > max + 1)
				cap = max + 1;
			if ((nbuf = realloc(buf, cap + 1)) == NULL) {
				snprintf(err, errlen, "%s: %s", label,
				    strerror(ENOMEM));
				goto out;
			}
			buf = nbuf;
		}
		if ((r = read(fd, buf + n, cap - n)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				/* A descriptor not ours may be non-blocking. */
				pfd.fd = fd;
				pfd.events = POLLIN;
				if (poll(&pfd, 1, -1) != -1 || errno == EINTR)
					continue;
			}
			snprintf(err, errlen, "%s: %s", label, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		snprintf(err, errlen, "%s: larger than %zu bytes", label, max);
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
	ret = 0;
out:
	free(buf);
	return ret;
}

int
ep_file_read(const char *path, size_t max, char **out, size_t *len,
    char *err, size_t errlen)
{
	struct stat	 st;
	const char	*why;
	int		 fd, ret = -1;

	/*
	 * The kind is known before the open: opening a device may block or
	 * act (a tape rewinds), and a FIFO's open waits for its writer.
	 */
	if (stat(path, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((why = refused_kind(st.st_mode, 0)) != NULL) {
		snprintf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	while ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 && errno == EINTR)
		;
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* The path may name something else by now. */
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((why = refused_kind(st.st_mode, 0)) != NULL) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto out;
	}
	ret = read_all(fd, path, max, out, len, err, errlen);
out:
	close(fd);
	return ret;
}

int
ep_file_read_fd(int fd, const char *label, size_t max, char **out,
    size_t *len, char *err, size_t errlen)
{
	struct stat	 st;
	const char	*why;

	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", label, strerror(errno));
		return -1;
	}
	if ((why = refused_kind(st.st_mode, 1)) != NULL) {
		snprintf(err, errlen, "%s: %s", label, why);
		return -1;
	}
	return read_all(fd, label, max, out, len, err, errlen);
}

int
ep_file_first_line(const char *path, size_t max, char **out, char *err,
    size_t errlen)
{
	char	*text, *line;
	size_t	 len, n;

	if (ep_file_read(path, EP_FILE_SECRET_MAX, &text, &len, err,
	    errlen) == -1)
		return -1;
	n = strcspn(text, "\r\n");
	line = n > max ? NULL : strndup(text, n);
	/* The file may hold a secret: no copy of it outlives this call. */
	explicit_bzero(text, len);
	free(text);
	if (n > max) {
		snprintf(err, errlen, "%s: the first line is longer than %zu "
		    "bytes", path, max);
		return -1;
	}
	if (line == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -1;
	}
	*out = line;
	return 0;
}

int
ep_file_replace(const char *path, const char *text, size_t len, mode_t mode,
    char *err, size_t errlen)
{
	char	 tmp[4096];
	size_t	 off = 0;
	ssize_t	 w;
	int	 fd, n;

	n = snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (off < len) {
		if ((w = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	/* On disk before the rename: a crash leaves the old file or this. */
	if (fchmod(fd, mode) == -1 || fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return -1;
}
