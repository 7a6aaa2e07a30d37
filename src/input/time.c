/* Clocks and ISO 8601 times. */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "input/ep_time.h"

/* The times the form holds: years of four digits. */
#define ISO_MIN		(-62167219200LL)	/* 0000-01-01T00:00:00Z */
#define ISO_MAX		253402300799LL		/* 9999-12-31T23:59:59Z */

int64_t
ep_time_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
ep_time_iso(time_t t, char *out, size_t outlen)
{
	struct tm	tm;
	long long	year;
	int		n = -1;

	/*
	 * Not strftime: its %Y writes the year 999 as "999", which no
	 * reader of the form takes back.
	 */
	if (t >= ISO_MIN && t <= ISO_MAX && gmtime_r(&t, &tm) != NULL) {
		year = (long long)tm.tm_year + 1900;
		n = snprintf(out, outlen, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
		    year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec);
	}
	if (n < 0 || (size_t)n >= outlen)
		snprintf(out, outlen, "?");
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long	era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static int
digits(const char *s, size_t n, unsigned *out)
{
	unsigned	v = 0;
	size_t		i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int
ep_time_parse_iso(const char *s, time_t *out)
{
	static const unsigned	mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
				    30, 31, 30, 31 };
	unsigned		y, mo, d, h = 0, mi = 0, sec = 0, oh, om;
	long long		t, off = 0;
	size_t			len = strlen(s);
	const char		*p;

	if (len < 10 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return -1;
	if (mo == 2 && d == 29 &&
	    !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	p = s + 10;
	if (*p != '\0') {
		/* A time needs an explicit zone: a local time would be a guess. */
		if ((*p != 'T' && *p != ' ') || digits(p + 1, 2, &h) ||
		    p[3] != ':' || digits(p + 4, 2, &mi))
			return -1;
		p += 6;
		if (*p == ':') {
			if (digits(p + 1, 2, &sec))
				return -1;
			p += 3;
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		if (*p == 'Z' && p[1] == '\0')
			off = 0;
		else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
		    !digits(p + 1, 2, &oh) && p[3] == ':' &&
		    !digits(p + 4, 2, &om) && oh <= 23 && om <= 59)
			off = (*p == '-' ? -1 : 1) * (long long)(oh * 3600 + om * 60);
		else
			return -1;
	}
	t = days_from_civil(y, mo, d) * 86400LL + h * 3600 + mi * 60 + sec - off;
	/* An offset may push a time out of the years ep_time_iso writes. */
	if (t < ISO_MIN || t > ISO_MAX || (long long)(time_t)t != t)
		return -1;
	*out = (time_t)t;
	return 0;
}
