#ifndef EP_ESCAPE_H
#define EP_ESCAPE_H

#include <stddef.h>

#include <jansson.h>

/*
 * The one place where strings from certificates, DNS answers, files and
 * arguments are made safe for where they go.  They may hold any bytes:
 * terminal escape sequences, NUL, invalid UTF-8.  Every report writes
 * such a string only through these.
 */

/*
 * For a terminal or a plain-text file: writes s (len bytes) into out
 * (outlen bytes, NUL-terminated), valid UTF-8 kept as it is but for
 * control characters (C0, DEL, C1) and the invisible format characters
 * that reorder or hide text (U+200B-U+200F, U+202A-U+202E, U+2028,
 * U+2029, U+2060-U+2069, U+FEFF): those, and every byte that is not part
 * of valid UTF-8, are written as \xNN, a backslash as \\.  What does not
 * fit is cut at a character and marked "...".  Returns out.
 */
char *ep_esc_text(const char *s, size_t len, char *out, size_t outlen);

/*
 * As ep_esc_text, for a NUL-terminated string.
 */
char *ep_esc_str(const char *s, char *out, size_t outlen);

/*
 * For a line of Nagios plugin output: as ep_esc_text, and '|' as \x7c
 * too, since a '|' there starts performance data.  Returns out.
 */
char *ep_esc_nagios(const char *s, size_t len, char *out, size_t outlen);

/*
 * For a Prometheus exposition-format label value, between its double
 * quotes: a backslash, double quote or newline escaped as the format says
 * (\\, \", \n); every other character ep_esc_text escapes, and every
 * byte that is not part of valid UTF-8, written as the text \xNN (in the
 * file \\xNN, since the format escapes that backslash too).  The value
 * read back is valid UTF-8 without a control character but the newline.
 * Cut as ep_esc_text cuts, never inside an escape.  Returns out.
 */
char *ep_esc_prom_label(const char *s, size_t len, char *out, size_t outlen);

/*
 * For a Nagios performance-data label, between its single quotes: printable
 * ASCII kept, a single quote doubled, '|' and every other byte made '_'.
 * What does not fit in out (outlen bytes, NUL-terminated) is cut, never
 * inside a doubled quote.  Returns out.
 */
char *ep_esc_perf_label(const char *s, char *out, size_t outlen);

/*
 * For JSON: a jansson string of s (len bytes) that is valid UTF-8 whatever
 * s holds.  Valid UTF-8 is kept as it is (jansson escapes the control
 * characters); each byte that is not part of valid UTF-8 is written as
 * the text \xNN.  Returns a new reference, or NULL when out of memory.
 */
json_t *ep_esc_json(const char *s, size_t len);

/*
 * For a file name: writes s into out (outlen bytes, NUL-terminated) with
 * letters, digits, '.', '-' and '_' kept and every other byte made '_';
 * a leading '.' is made '_' too, so that no name is hidden, "." or "..".
 * Returns out.
 */
char *ep_esc_filename(const char *s, char *out, size_t outlen);

#endif /* EP_ESCAPE_H */
