#ifndef EP_INI_H
#define EP_INI_H

#include <stddef.h>
#include <stdint.h>

/*
 * The INI front end of every INI format of the program (profiles,
 * deployment files).  inih parses; this module hands it the text a line
 * at a time and owns what the formats share:
 *
 *  - line numbers, and the first error with its line: "LABEL:LINE: why";
 *  - a UTF-8 byte order mark at the start, skipped;
 *  - a NUL byte, or a line longer than EP_INI_LINE_MAX characters (its
 *    end, LF or CR LF, not counted), refused: inih would split it;
 *  - blanks at the start of a line, stripped: an indented line is an
 *    ordinary line, never inih's continuation of the value above;
 *  - section headers: "[" TEXT "]", a comment at most after it, TEXT
 *    handed to the format without the blanks around it;
 *  - comments: a line starting with ';' or '#', a ';' after a blank in a
 *    value (inih's rule), a ';' or '#' after a header;
 *  - inih's own complaint, a line that is none of these;
 *  - a key without a value ("KEY: no value");
 *  - value parsers, so that both formats word their errors alike:
 *    "KEY 'VALUE': why".
 *
 * A format is a spec of callbacks with its tables and setters.
 */

#define EP_INI_LINE_MAX	198	/* characters of a line, without its end */
#define EP_INI_ITEM_MAX	64	/* bytes of an ep_ini_split item, with NUL */

/* One parse in progress, handed to the callbacks; lives in ep_ini_parse. */
struct ep_ini;

/* A value's spelling and what it stands for, in a table of words. */
struct ep_ini_word {
	const char	*name;		/* as written in the file */
	int		 value;
};

/*
 * What a format does with the lines of a text.  Each callback returns 0,
 * or -1 once ep_ini_fail or ep_ini_fail_at has said why; -1 ends the
 * parse.  arg is ep_ini_parse's.
 */
struct ep_ini_spec {
	/* A header line: its TEXT, NUL-terminated, len bytes, maybe "". */
	int	(*section)(struct ep_ini *ini, void *arg, const char *header,
		    size_t len);
	/* A KEY = VALUE line; value is not empty. */
	int	(*key)(struct ep_ini *ini, void *arg, const char *name,
		    const char *value);
	/* NULL, or called after the last line when nothing failed before. */
	int	(*end)(struct ep_ini *ini, void *arg);
};

/*
 * Parses the len bytes of text (the whole file; need not end in a
 * newline nor be NUL-terminated) line by line, calling spec's callbacks
 * in file order.  label names the text in errors: its path, or where a
 * compiled-in text came from.  Returns 0, or -1 with "LABEL:LINE: why"
 * in err, the first error by line winning: one the callbacks report, or
 * one of this module's.  "LABEL: why" is for memory only.
 */
int ep_ini_parse(const char *label, const char *text, size_t len,
    const struct ep_ini_spec *spec, void *arg, char *err, size_t errlen);

/*
 * Returns the number of the line being parsed, from 1; in spec->end, of
 * the last line (0 for a text of no lines).
 */
unsigned ep_ini_line(const struct ep_ini *ini);

/*
 * Records why the text is refused, at the current line (line 1 for a
 * text of no lines), with printf formatting, unless an error is recorded
 * already: the first one wins.  Returns -1, for the callback to return.
 */
int ep_ini_fail(struct ep_ini *ini, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * As ep_ini_fail, at line (0 stands for 1): a format that finds a fault
 * only later (a section without a key it needs) names the line at fault.
 */
int ep_ini_fail_at(struct ep_ini *ini, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * The value parsers.  Each names the key in its error as key says (a
 * format may give "[section] key") and, where there is one, the bad value
 * in quotes.  Each returns 0 with the result set, or -1 after
 * ep_ini_fail.
 */

/*
 * A whole number from min to max, decimal digits only (no sign, no
 * blanks): "KEY 'V': expected a whole number from MIN to MAX".
 */
int ep_ini_number(struct ep_ini *ini, const char *key, const char *value,
    unsigned long min, unsigned long max, unsigned long *out);

/*
 * A TCP port, 1 to 65535, digits only: "KEY 'V': a port is a number from
 * 1 to 65535".
 */
int ep_ini_port(struct ep_ini *ini, const char *key, const char *value,
    uint16_t *out);

/*
 * One of the n words of table w (case-sensitive), *out its value:
 * "KEY 'V': expected A, B or C".
 */
int ep_ini_word(struct ep_ini *ini, const char *key, const char *value,
    const struct ep_ini_word *w, size_t n, int *out);

/* yes (1) or no (0): "KEY 'V': expected yes or no". */
int ep_ini_yesno(struct ep_ini *ini, const char *key, const char *value,
    int *out);

/*
 * A host name to look up (ep_host_problem), copied normalized into out
 * (outlen bytes, EP_NAME_MAX + 1 suffice): "KEY 'V': not a valid host
 * name: why", or "KEY V: an IP address, not a host name".
 */
int ep_ini_host(struct ep_ini *ini, const char *key, const char *value,
    char *out, size_t outlen);

/*
 * Text for people (a title, a description) copied into out, shorter than
 * size bytes, without control characters: "KEY: longer than N
 * characters", "KEY: holds a control character".
 */
int ep_ini_text(struct ep_ini *ini, const char *key, const char *value,
    char *out, size_t size);

/*
 * Calls item for each comma-separated item of value, in order, without
 * the blanks around it; an empty item is refused first ("KEY: an empty
 * item in the list").  Returns 0, or -1 when item or the list failed.
 */
int ep_ini_list(struct ep_ini *ini, const char *key, const char *value,
    int (*item)(struct ep_ini *ini, void *arg, const char *item),
    void *arg);

/*
 * Splits value as ep_ini_list into items, at most max: "KEY: more than
 * MAX items", "KEY 'ITEM': longer than 63 characters".  When none is not
 * NULL, the value none alone is the empty list (*n is 0), and none among
 * other items is refused.  Returns 0 and sets *n, or -1.
 */
int ep_ini_split(struct ep_ini *ini, const char *key, const char *value,
    const char *none, char (*items)[EP_INI_ITEM_MAX], size_t max,
    size_t *n);

#endif /* EP_INI_H */
