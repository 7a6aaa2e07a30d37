/* What the fuzz targets share (see fuzz.h). */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char	tmpdir[PATH_MAX];

void
fuzz_fail(const char *fmt, ...)
{
	va_list	ap;

	fputs("fuzz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	/* abort(), not exit(): libFuzzer keeps the input of a crash. */
	abort();
}

const char *
fuzz_fixture(const char *name)
{
	static char	 path[PATH_MAX];
	const char	*dir = getenv("EP_TEST_DATA");

	if (dir == NULL || *dir == '\0')
		dir = "tests";
	snprintf(path, sizeof(path), "%s/unit/fixtures/%s", dir, name);
	return path;
}

void
fuzz_slurp(const char *name, unsigned char **out, size_t *len)
{
	const char	*path = fuzz_fixture(name);
	FILE		*fp;
	long		 n;

	if ((fp = fopen(path, "rb")) == NULL ||
	    fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1 ||
	    (*out = malloc((size_t)n + 1)) == NULL ||
	    fread(*out, 1, (size_t)n, fp) != (size_t)n)
		fuzz_fail("%s: %s (run from the top of the tree, or set "
		    "EP_TEST_DATA)", path, strerror(errno));
	fclose(fp);
	(*out)[n] = '\0';
	*len = (size_t)n;
}

/* Removes the directory and what the readers left in it (a lock file). */
static void
remove_tmpdir(void)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[PATH_MAX + 256];

	if ((d = opendir(tmpdir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", tmpdir,
			    e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(tmpdir);
}

const char *
fuzz_path(const char *name)
{
	static char	 path[PATH_MAX + 256];
	const char	*dir;

	if (tmpdir[0] == '\0') {
		if ((dir = getenv("TMPDIR")) == NULL || *dir == '\0')
			dir = "/tmp";
		snprintf(tmpdir, sizeof(tmpdir), "%s/edgeprobe-fuzz-XXXXXX",
		    dir);
		if (mkdtemp(tmpdir) == NULL)
			fuzz_fail("%s: %s", tmpdir, strerror(errno));
		atexit(remove_tmpdir);
	}
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

const char *
fuzz_file(const char *name, const void *data, size_t size)
{
	const char	*path = fuzz_path(name);
	int		 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || (size > 0 && write(fd, data, size) !=
	    (ssize_t)size) || close(fd) == -1)
		fuzz_fail("%s: %s", path, strerror(errno));
	return path;
}
