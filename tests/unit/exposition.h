/*
 * The rules of Prometheus's text exposition format that a metrics file
 * must keep, as Prometheus's own parser (expfmt) and promtool check them,
 * for the unit tests that read what edgeprobe writes: valid UTF-8; lines
 * ended by a newline; "# HELP name text" and "# TYPE name type" before a
 * family's samples, each family in one piece; samples "name{label="value",
 * ...} value", names of the allowed characters, label values with no
 * escape but \\, \" and \n, no label twice in a sample, no series twice.
 */

#ifndef EP_TEST_EXPOSITION_H
#define EP_TEST_EXPOSITION_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPO_FAMILIES_MAX	64	/* families one file may name */
#define EXPO_LABELS_MAX		16	/* labels of one sample */

static inline int
expo_name_char(int c, int first, int colon)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (!first && c >= '0' && c <= '9') || (colon && c == ':');
}

/* The length of the name at s (0: none). */
static inline size_t
expo_name(const char *s, int colon)
{
	size_t	n = 0;

	while (expo_name_char((unsigned char)s[n], n == 0, colon))
		n++;
	return n;
}

/* Whether s (len bytes) is valid UTF-8, overlong forms and surrogates not. */
static inline int
expo_utf8(const unsigned char *s, size_t len)
{
	size_t		i = 0, n, k;
	uint32_t	c;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		n = s[i] >= 0xc2 && s[i] <= 0xdf ? 2 : s[i] >= 0xe0 &&
		    s[i] <= 0xef ? 3 : s[i] >= 0xf0 && s[i] <= 0xf4 ? 4 : 0;
		if (n == 0 || i + n > len)
			return 0;
		c = s[i] & (0x7f >> n);
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
		    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += n;
	}
	return 1;
}

static inline int
expo_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Checks the NUL-free text s (len bytes).  Returns 0, or -1 with why
 * (and the line) in why.
 */
static inline int
expo_check(const char *s, size_t len, char *why, size_t whylen)
{
	char		 families[EXPO_FAMILIES_MAX][128], family[128] = "";
	char		 labels[EXPO_LABELS_MAX][128], **keys = NULL;
	const char	*p = s, *end = s + len, *nl;
	size_t		 nfam = 0, nkeys = 0, line = 0, n, i, k, nlab;
	int		 typed = 0, ret = -1;

#define EXPO_FAIL(msg) do { \
	snprintf(why, whylen, "line %zu: %s: %.*s", line, (msg), \
	    (int)(nl - p), p); \
	goto out; \
} while (0)

	nl = p;
	if (!expo_utf8((const unsigned char *)s, len)) {
		snprintf(why, whylen, "not valid UTF-8");
		return -1;
	}
	if (len == 0 || s[len - 1] != '\n') {
		snprintf(why, whylen, "not ended by a newline");
		return -1;
	}
	if ((keys = calloc(len, sizeof(*keys))) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	for (; p < end; p = nl + 1) {
		const char	*q, *key;

		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (strncmp(p, "# HELP ", 7) == 0 ||
		    strncmp(p, "# TYPE ", 7) == 0) {
			q = p + 7;
			if ((n = expo_name(q, 1)) == 0 || n >= sizeof(family) ||
			    q[n] != ' ')
				EXPO_FAIL("bad metric name");
			if (p[2] == 'H') {
				for (i = 0; i < nfam; i++)
					if (strlen(families[i]) == n &&
					    strncmp(families[i], q, n) == 0)
						EXPO_FAIL("a family twice");
				if (nfam == EXPO_FAMILIES_MAX)
					EXPO_FAIL("too many families");
				memcpy(families[nfam], q, n);
				families[nfam++][n] = '\0';
				memcpy(family, q, n);
				family[n] = '\0';
				typed = 0;
				for (q += n + 1; q < nl; q++)
					if (*q == '\\' && q[1] != '\\' &&
					    q[1] != 'n')
						EXPO_FAIL("bad escape in HELP");
			} else {
				if (strncmp(q, family, n) != 0 ||
				    family[n] != '\0' || typed)
					EXPO_FAIL("TYPE not after its HELP");
				q += n + 1;
				if ((size_t)(nl - q) != 5 ||
				    strncmp(q, "gauge", 5) != 0)
					EXPO_FAIL("not a gauge");
				typed = 1;
			}
			continue;
		}
		if (*p == '#')
			continue;
		if ((n = expo_name(p, 1)) == 0)
			EXPO_FAIL("bad metric name");
		if (strncmp(p, family, n) != 0 || family[n] != '\0' || !typed)
			EXPO_FAIL("a sample out of its family");
		key = p;
		q = p + n;
		nlab = 0;
		if (*q == '{') {
			for (q++; *q != '}'; ) {
				if ((n = expo_name(q, 0)) == 0 || q[n] != '=' ||
				    q[n + 1] != '"' || n >= sizeof(labels[0]))
					EXPO_FAIL("bad label");
				for (k = 0; k < nlab; k++)
					if (strlen(labels[k]) == n &&
					    strncmp(labels[k], q, n) == 0)
						EXPO_FAIL("a label twice");
				if (nlab == EXPO_LABELS_MAX)
					EXPO_FAIL("too many labels");
				memcpy(labels[nlab], q, n);
				labels[nlab++][n] = '\0';
				for (q += n + 2; *q != '"'; q++) {
					if (q >= nl)
						EXPO_FAIL("value not ended");
					if (*q == '\\' && q[1] != '\\' &&
					    q[1] != '"' && q[1] != 'n')
						EXPO_FAIL("bad escape");
					if (*q == '\\')
						q++;
				}
				q++;
				if (*q == ',')
					q++;
				else if (*q != '}')
					EXPO_FAIL("bad label list");
			}
			q++;
		}
		if (*q != ' ')
			EXPO_FAIL("no value");
		keys[nkeys] = strndup(key, (size_t)(q - key));
		if (keys[nkeys++] == NULL)
			EXPO_FAIL("out of memory");
		{
			char	*vend;

			strtod(q + 1, &vend);
			if (vend == q + 1 || vend != nl)
				EXPO_FAIL("bad value");
		}
	}
	qsort(keys, nkeys, sizeof(*keys), expo_cmp);
	for (i = 1; i < nkeys; i++)
		if (strcmp(keys[i - 1], keys[i]) == 0) {
			snprintf(why, whylen, "a series twice: %s", keys[i]);
			goto out;
		}
	ret = 0;
out:
	for (i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	return ret;
#undef EXPO_FAIL
}

#endif /* EP_TEST_EXPOSITION_H */
