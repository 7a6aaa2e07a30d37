#ifndef EP_FILE_H
#define EP_FILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Input files read whole into memory, bounded: every file the program
 * takes is read before it is parsed, and before the first socket opens.
 * Regular files and pipes (a FIFO, "<(cmd)", /dev/stdin from a pipe) are
 * read; a pipe has no size, so the bound is on the bytes read.
 */

/*
 * Reads the file at path into *out: a malloc'd buffer (the caller frees
 * it) of *len bytes with a NUL after them, so that out[len] == '\0' even
 * for an empty file.  A file of more than max bytes is refused; max must
 * be below SIZE_MAX / 2.  Only a regular file or a FIFO is opened: a
 * device may block or act on open.  Returns 0, or -1 with "PATH: reason"
 * in err ("a directory, not a file", "not a regular file or pipe",
 * "larger than MAX bytes", or the system's word for an open or read
 * error); *out is then untouched.
 */
int ep_file_read(const char *path, size_t max, char **out, size_t *len,
    char *err, size_t errlen);

/*
 * As ep_file_read for the open descriptor fd (standard input), named
 * label in errors.  Anything but a directory is read: the descriptor was
 * opened by whoever started the program, a terminal or socket included.
 * A non-blocking descriptor is waited on.  fd is not closed.
 */
int ep_file_read_fd(int fd, const char *label, size_t max, char **out,
    size_t *len, char *err, size_t errlen);

#define EP_FILE_SECRET_MAX	(64 * 1024)	/* bytes of a file holding a secret */

/*
 * Reads the first line of the file at path (of at most EP_FILE_SECRET_MAX
 * bytes), without its end, into *out (the caller frees it, after wiping
 * it when it is a secret): for a password file.  The copy read is wiped.
 * Returns 0, or -1 with "PATH: reason" in err, "the first line is longer
 * than MAX bytes" when it is.
 */
int ep_file_first_line(const char *path, size_t max, char **out, char *err,
    size_t errlen);

/*
 * Replaces the file at path with the len bytes of text, atomically: they
 * are written to a temporary file in the same directory, flushed to disk
 * (fsync), and renamed over path, so that a reader sees the old file or
 * the new one, never half of one, and a failure (a full disk) leaves the
 * old one in place.  mode is the new file's (0644...).  Returns 0, or -1
 * with "PATH: why" in err.
 */
int ep_file_replace(const char *path, const char *text, size_t len,
    mode_t mode, char *err, size_t errlen);

#endif /* EP_FILE_H */
