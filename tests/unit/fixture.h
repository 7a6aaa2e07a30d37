/*
 * Shared helpers of the unit tests: where the certificate fixtures live
 * and the fixed clock they were made for (see fixtures/make-fixtures).
 */

#ifndef EP_TEST_FIXTURE_H
#define EP_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "input/ep_profile.h"

#define FX_DAY		86400
/* The moment the tests judge at: 2026-06-01T00:00:00Z. */
#define FX_NOW		((time_t)1780272000)
/* Validity of most fixtures: 2025-01-01T00:00:00Z to 2028-01-01T00:00:00Z. */
#define FX_FROM		((time_t)1735689600)
#define FX_TO		((time_t)1830297600)

#define FX_PATH_MAX	4096
#define FX_PATH_SLOTS	8	/* fx_path results alive at once */

/*
 * Returns the path of fixture file name under $EP_TEST_DATA (default
 * "tests").  The result lives until FX_PATH_SLOTS more calls.
 */
static inline const char *
fx_path(const char *name)
{
	static char	 buf[FX_PATH_SLOTS][FX_PATH_MAX];
	static unsigned	 next;
	const char	*dir = getenv("EP_TEST_DATA");
	char		*p = buf[next++ % FX_PATH_SLOTS];

	if (dir == NULL || *dir == '\0')
		dir = "tests";
	snprintf(p, FX_PATH_MAX, "%s/unit/fixtures/%s", dir, name);
	return p;
}

/*
 * The lync2013 profile of a test group: loaded by fx_lync_setup, freed by
 * fx_lync_teardown (cmocka group setup and teardown), read with fx_lync().
 */
static inline struct ep_profile **
fx_lync_slot(void)
{
	static struct ep_profile	*p;

	return &p;
}

static inline struct ep_profile *
fx_lync(void)
{
	return *fx_lync_slot();
}

static inline int
fx_lync_setup(void **state)
{
	char	err[512];

	(void)state;
	return ep_profile_load("lync2013", fx_lync_slot(), err, sizeof(err));
}

static inline int
fx_lync_teardown(void **state)
{
	(void)state;
	ep_profile_free(fx_lync());
	*fx_lync_slot() = NULL;
	return 0;
}

/*
 * Writes len bytes to a new temporary file named prefix-XXXXXX under
 * $TMPDIR (or /tmp); its path goes into path.  The caller removes it.
 */
static inline void
fx_tmp_file(const char *prefix, const void *data, size_t len, char *path,
    size_t pathlen)
{
	const char	*dir = getenv("TMPDIR");
	int		 fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	snprintf(path, pathlen, "%s/%s-XXXXXX", dir, prefix);
	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

#endif /* EP_TEST_FIXTURE_H */
