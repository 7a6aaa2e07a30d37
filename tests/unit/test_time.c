/* Unit tests for clocks and ISO 8601 times (src/time.c). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "input/ep_time.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Expected values come from `date -u -d '...' +%s`. */
#define T_2026_12_01		((time_t)1796083200)	/* 2026-12-01T00:00:00Z */
#define T_2026_12_01_0800	((time_t)1796112000)	/* 2026-12-01T08:00:00Z */
#define T_2024_02_29		((time_t)1709164800)	/* 2024-02-29T00:00:00Z */
#define T_2000_02_29		((time_t)951782400)	/* 2000-02-29T00:00:00Z */
#define T_1969_12_31_2330	((time_t)-1800)		/* 1969-12-31T23:30:00Z */
#define T_0000_01_01		((time_t)-62167219200)	/* 0000-01-01T00:00:00Z */
#define T_0999_01_01		((time_t)-30641737500)	/* 0999-01-01T06:15:00Z */
#define T_9999_12_31_235959	((time_t)253402300799)	/* 9999-12-31T23:59:59Z */

static void
expect_time(const char *s, time_t want)
{
	time_t	got = 0;

	if (ep_time_parse_iso(s, &got) != 0)
		fail_msg("'%s' refused", s);
	if (got != want)
		fail_msg("'%s' -> %lld, want %lld", s, (long long)got,
		    (long long)want);
}

/* Dates and date-times in every accepted form. */
static void
test_parse_good(void **state)
{
	(void)state;
	expect_time("2026-12-01", T_2026_12_01);
	expect_time("2026-12-01T08:00:00Z", T_2026_12_01_0800);
	expect_time("2026-12-01T08:00Z", T_2026_12_01_0800);
	expect_time("2026-12-01T09:00:00+01:00", T_2026_12_01_0800);
	expect_time("2026-12-01T09:00+01:00", T_2026_12_01_0800);
	expect_time("2026-12-01T03:30:00-04:30", T_2026_12_01_0800);
	expect_time("2026-12-01T08:00:00+00:00", T_2026_12_01_0800);
	expect_time("2026-12-01T08:00:59Z", T_2026_12_01_0800 + 59);
	expect_time("2026-12-01T23:59:59Z", T_2026_12_01 + 86399);
	expect_time("2024-02-29", T_2024_02_29);
	expect_time("2000-02-29", T_2000_02_29);
	expect_time("1970-01-01T00:00:00Z", 0);
	expect_time("1970-01-01T00:00:00+00:30", T_1969_12_31_2330);
	expect_time("2026-06-01", (time_t)1780272000);
}

/* Everything else is refused and leaves *out alone. */
static void
test_parse_bad(void **state)
{
	static const char	*bad[] = {
		"", "2026-13-01", "2026-00-01", "2026-02-30", "2025-02-29",
		"2100-02-29", "2026-04-31", "2026-12-00", "2026-12-32",
		"2026-12-01T08:00:00", "2026-12-01T08:00", "2026-12-01T",
		"2026-12-01T25:00Z", "2026-12-01T24:00Z", "2026-12-01T08:60Z",
		"2026-12-01T08:00:61Z", "tomorrow", "2026-12-01Tfoo",
		"2026-12-01T08:00:00Zjunk", "2026-12-01x", "2026-12-1",
		"2026-1-01", "26-12-01", "2026/12/01", "2026-12-01T8:00Z",
		"2026-12-01T08:00:00+0100", "2026-12-01T08:00:00+01",
		"2026-12-01T08:00:00+24:00", "2026-12-01T08:00:00+01:60",
		"2026-12-01T08:00:00+01:00x", "2026-12-01T08:00:00 Z",
		" 2026-12-01", "2026-12-01 ", "+2026-12-01", "2026-12-01T08:00:0Z",
		/* Years of four digits, in UTC too. */
		"9999-12-31T23:59:59-00:01", "0000-01-01T00:00:00+00:01",
		"10000-01-01",
	};
	time_t			 t;
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		t = 12345;
		if (ep_time_parse_iso(bad[i], &t) != -1)
			fail_msg("'%s' accepted as %lld", bad[i], (long long)t);
		assert_int_equal(t, 12345);
	}
}

/* ep_time_iso writes UTC as YYYY-MM-DDTHH:MM:SSZ. */
static void
test_iso_format(void **state)
{
	char	out[32];

	(void)state;
	ep_time_iso(0, out, sizeof(out));
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	ep_time_iso(T_2026_12_01_0800 + 59, out, sizeof(out));
	assert_string_equal(out, "2026-12-01T08:00:59Z");
	ep_time_iso(T_2024_02_29 + 86399, out, sizeof(out));
	assert_string_equal(out, "2024-02-29T23:59:59Z");
	ep_time_iso(T_1969_12_31_2330, out, sizeof(out));
	assert_string_equal(out, "1969-12-31T23:30:00Z");
	/* Exactly big enough: 20 characters and the NUL. */
	memset(out, 'X', sizeof(out));
	ep_time_iso(T_2026_12_01, out, 21);
	assert_string_equal(out, "2026-12-01T00:00:00Z");
	assert_int_equal(out[21], 'X');
	/* One byte short: no date cut in the middle. */
	ep_time_iso(T_2026_12_01, out, 20);
	assert_string_equal(out, "?");
	/* The year always of four digits; none of more, or before 0000. */
	ep_time_iso(T_0999_01_01, out, sizeof(out));
	assert_string_equal(out, "0999-01-01T06:15:00Z");
	ep_time_iso(T_0000_01_01, out, sizeof(out));
	assert_string_equal(out, "0000-01-01T00:00:00Z");
	ep_time_iso(T_9999_12_31_235959 + 1, out, sizeof(out));
	assert_string_equal(out, "?");
	ep_time_iso(T_0000_01_01 - 1, out, sizeof(out));
	assert_string_equal(out, "?");
}

/* Formatting and parsing agree, second by second over odd moments. */
static void
test_iso_round_trip(void **state)
{
	static const time_t	v[] = { 0, 1, 59, 86399, 951782399, 951782400,
				    1709251199, 1780272000, 4102444799,
				    T_0000_01_01, T_0999_01_01,
				    T_9999_12_31_235959 };
	char			out[32];
	time_t			t;
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(v); i++) {
		ep_time_iso(v[i], out, sizeof(out));
		assert_int_equal(ep_time_parse_iso(out, &t), 0);
		assert_int_equal(t, v[i]);
	}
	ep_time_iso(4102444799, out, sizeof(out));
	assert_string_equal(out, "2099-12-31T23:59:59Z");
}

/* The monotonic clock never goes back and does move. */
static void
test_mono_non_decreasing(void **state)
{
	struct timespec	ts = { 0, 2 * 1000 * 1000 };
	int64_t		a, b, prev;
	int		i;

	(void)state;
	a = ep_time_mono_ms();
	assert_true(a >= 0);
	prev = a;
	for (i = 0; i < 100000; i++) {
		b = ep_time_mono_ms();
		assert_true(b >= prev);
		prev = b;
	}
	assert_int_equal(nanosleep(&ts, NULL), 0);
	b = ep_time_mono_ms();
	assert_true(b >= a + 2);
	assert_true(b - a < 10000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_iso_format),
		cmocka_unit_test(test_iso_round_trip),
		cmocka_unit_test(test_mono_non_decreasing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
