/*
 * Shared helpers of the unit tests: where the certificate fixtures live
 * and the fixed clock they were made for (see fixtures/make-fixtures).
 */

#ifndef EP_TEST_FIXTURE_H
#define EP_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

#endif /* EP_TEST_FIXTURE_H */
