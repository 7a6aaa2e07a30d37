#ifndef EP_TIME_H
#define EP_TIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * Returns milliseconds on the monotonic clock.
 */
int64_t ep_time_mono_ms(void);

/*
 * Writes t as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into out, the year of four
 * digits (0000 to 9999), so that ep_time_parse_iso reads it back; "?"
 * for a time outside those years, or when out is too small.
 */
void ep_time_iso(time_t t, char *out, size_t outlen);

/*
 * Parses an ISO 8601 date ("2026-12-01", midnight UTC) or date-time
 * ("2026-12-01T08:00:00Z", "2026-12-01T08:00Z", "...+01:00").  Returns 0
 * and sets *out, or -1 when s is anything else, or a moment (its offset
 * applied) outside the years ep_time_iso writes.
 */
int ep_time_parse_iso(const char *s, time_t *out);

#endif /* EP_TIME_H */
