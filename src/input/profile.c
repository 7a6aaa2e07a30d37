/*
 * Role profiles: what each role's certificate must be, as data.  A
 * profile is an INI file (edgeprobe-probes(5)) read with inih; the
 * built-in ones are the files of probes/, compiled in by probes/embed.sh.
 * Roles themselves are code: their names and order stay here.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <ini.h>

#include "input/ep_profile.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define PROFILE_FILE_MAX	(1024 * 1024)	/* bytes of a profile file */
#define PROFILE_CHUNK		4096	/* first read buffer; it doubles */
#define TITLE_MAX		64	/* bytes of a role's title, with NUL */
#define REASON_MAX		320	/* why a file is refused, sans line */
#define WORDS_MAX		128	/* the choices listed in a reason */
#define LIST_MAX		8	/* items of one list value */
#define ITEM_MAX		24	/* bytes of one list item, with NUL */
#define SHOWN_MAX		64	/* bytes of a bad value in a reason */
#define RSA_BITS_MIN		512
#define RSA_BITS_MAX		16384
#define EC_BITS_MIN		160
#define EC_BITS_MAX		571	/* sect571: the largest named curve */
#define PORT_MAX		65535

_Static_assert(LIST_MAX >= EP_PORTS_MAX && LIST_MAX >= EP_RSA_SIZES_MAX &&
    LIST_MAX >= EP_HASHES_MAX, "a list value must fit every list field");

/*
 * The files of probes/ as C strings, from probes/embed.sh: two
 * NULL-terminated arrays in step, the default profile first.
 */
extern const char *const ep_profile_data_names[];
extern const char *const ep_profile_data_texts[];

static const char *const role_names[] = {
	[EP_ROLE_ACCESS] = "access",
	[EP_ROLE_WEBCON] = "webcon",
	[EP_ROLE_AV] = "av",
	[EP_ROLE_INTERNAL] = "internal",
	[EP_ROLE_REVERSE_PROXY] = "reverse-proxy",
	[EP_ROLE_GENERIC] = "generic",
};

_Static_assert(NELEM(role_names) == EP_ROLE__MAX, "role names incomplete");

/* The option that names a target of each role. */
static const char *const role_options[] = {
	[EP_ROLE_ACCESS] = "--access",
	[EP_ROLE_WEBCON] = "--webcon",
	[EP_ROLE_AV] = "--av",
	[EP_ROLE_INTERNAL] = "--internal",
	[EP_ROLE_REVERSE_PROXY] = "--reverse-proxy",
	[EP_ROLE_GENERIC] = "--name",
};

_Static_assert(NELEM(role_options) == EP_ROLE__MAX, "role options incomplete");

/* Sections: a role's is numbered by its enum ep_role, then these. */
enum section {
	SEC_PROFILE = EP_ROLE__MAX,
	SEC_SEVERITY,
	SEC__MAX,
	SEC_NONE = -1,			/* before the first header */
};

/* The keys of [profile] and of the role sections. */
enum key_id {
	K_NAME,
	K_DESCRIPTION,
	K_MIN_RSA_BITS,
	K_MIN_EC_BITS,
	K_WEAK_HASHES,
	K_PSS,
	K_MIN_TLS,
	K_ARGUMENTS,
	K_TITLE,
	K_PROBED,
	K_PORTS,
	K_FEDERATION_PORTS,
	K_TRUST,
	K_NAMES,
	K_IP_NAMES,
	K_WILDCARD,
	K_SUBJECT_WILDCARD,
	K_SUBJECT,
	K_REQUIRE,
	K_WILDCARD_ORDER,
	K_RSA_SIZES,
	K_POOL,
	K__MAX
};

enum key_need {
	NEED_ALWAYS,			/* every section it belongs in has it */
	NEED_PROBED,			/* a probed role has it, no other */
};

struct key {
	const char	*name;		/* as written in the file */
	int		 role;		/* 1: of role sections, 0: [profile] */
	enum key_need	 need;
};

static const struct key keys[] = {
	[K_NAME] = { "name", 0, NEED_ALWAYS },
	[K_DESCRIPTION] = { "description", 0, NEED_ALWAYS },
	[K_MIN_RSA_BITS] = { "min-rsa-bits", 0, NEED_ALWAYS },
	[K_MIN_EC_BITS] = { "min-ec-bits", 0, NEED_ALWAYS },
	[K_WEAK_HASHES] = { "weak-hashes", 0, NEED_ALWAYS },
	[K_PSS] = { "pss", 0, NEED_ALWAYS },
	[K_MIN_TLS] = { "min-tls", 0, NEED_ALWAYS },
	[K_ARGUMENTS] = { "arguments", 0, NEED_ALWAYS },
	[K_TITLE] = { "title", 1, NEED_ALWAYS },
	[K_PROBED] = { "probed", 1, NEED_ALWAYS },
	[K_PORTS] = { "ports", 1, NEED_PROBED },
	[K_FEDERATION_PORTS] = { "federation-ports", 1, NEED_PROBED },
	[K_TRUST] = { "trust", 1, NEED_PROBED },
	[K_NAMES] = { "names", 1, NEED_PROBED },
	[K_IP_NAMES] = { "ip-names", 1, NEED_PROBED },
	[K_WILDCARD] = { "wildcard", 1, NEED_PROBED },
	[K_SUBJECT_WILDCARD] = { "subject-wildcard", 1, NEED_PROBED },
	[K_SUBJECT] = { "subject", 1, NEED_PROBED },
	[K_REQUIRE] = { "require", 1, NEED_PROBED },
	[K_WILDCARD_ORDER] = { "wildcard-order", 1, NEED_PROBED },
	[K_RSA_SIZES] = { "rsa-sizes", 1, NEED_PROBED },
	[K_POOL] = { "pool", 1, NEED_PROBED },
};

_Static_assert(NELEM(keys) == K__MAX, "key table incomplete");

/* A value's spelling and what it stands for. */
struct word {
	const char	*name;
	int		 value;
};

static const struct word bools[] = {
	{ "yes", 1 },
	{ "no", 0 },
};

static const struct word trusts[] = {
	{ "public", EP_TRUST_PUBLIC },
	{ "internal-or-public", EP_TRUST_INTERNAL_OR_PUBLIC },
};

static const struct word name_sources[] = {
	{ "san", EP_NAMES_SAN_ONLY },
	{ "san-or-cn", EP_NAMES_SAN_OR_CN },
};

static const struct word subjects[] = {
	{ "any", EP_SUBJECT_ANY },
	{ "self", EP_SUBJECT_SELF },
};

static const struct word pools[] = {
	{ "none", EP_POOL_NONE },
	{ "same-key", EP_POOL_SAME_KEY },
};

static const struct word arguments[] = {
	{ "sip-domains", EP_ARGS_SIP_DOMAINS },
	{ "hosts", EP_ARGS_HOSTS },
};

static const struct word tls_versions[] = {
	{ "tls1.0", GNUTLS_TLS1_0 },
	{ "tls1.1", GNUTLS_TLS1_1 },
	{ "tls1.2", GNUTLS_TLS1_2 },
	{ "tls1.3", GNUTLS_TLS1_3 },
};

/* "ok" is the severity's own name; "off" says what it does. */
static const struct word severities[] = {
	{ "off", EP_SEV_OK },
	{ "ok", EP_SEV_OK },
	{ "warning", EP_SEV_WARNING },
	{ "critical", EP_SEV_CRITICAL },
};

enum requirement {
	REQ_SIP_DOMAINS,
	REQ_PUBLISHED,
	REQ_WEBCON_OFFLINE,
};

static const struct word requirements[] = {
	{ "sip-domains", REQ_SIP_DOMAINS },
	{ "published", REQ_PUBLISHED },
	{ "webcon-offline", REQ_WEBCON_OFFLINE },
};

/* A profile and the titles its roles point at, allocated and freed as one. */
struct profile_store {
	struct ep_profile	p;	/* first: a profile is its store */
	char			titles[EP_ROLE__MAX][TITLE_MAX];
};

/* One parse of one profile text. */
struct parse {
	const char		*text;		/* the whole file */
	size_t			 len;
	size_t			 pos;		/* of the next line */
	int			 line;		/* the last read, from 1 */
	int			 err_line;	/* of the first error, or 0 */
	char			 reason[REASON_MAX];
	int			 section;	/* enum section of the line */
	const char		*key;		/* being set, for reasons */
	int			 section_line[SEC__MAX];	/* 0: none */
	int			 key_line[SEC__MAX][K__MAX];	/* 0: not set */
	int			 severity_line[EP_CHECK__MAX];	/* 0: not set */
	uint16_t		 federation[EP_ROLE__MAX][EP_PORTS_MAX];
	size_t			 nfederation[EP_ROLE__MAX];
	struct profile_store	*store;
};

static const char *
section_name(int section)
{
	if (section == SEC_PROFILE)
		return "profile";
	if (section == SEC_SEVERITY)
		return "severity";
	return role_names[section];
}

/*
 * Records why the text is rejected, at line, unless an earlier error
 * was recorded.  Returns -1, for the caller to return.
 */
static int __attribute__((format(printf, 3, 4)))
fail_at(struct parse *ps, int line, const char *fmt, ...)
{
	va_list	ap;

	if (ps->err_line != 0)
		return -1;
	ps->err_line = line > 0 ? line : 1;
	va_start(ap, fmt);
	vsnprintf(ps->reason, sizeof(ps->reason), fmt, ap);
	va_end(ap);
	return -1;
}

/* Records why the value of the current key is wrong.  Returns -1. */
static int __attribute__((format(printf, 2, 3)))
bad_value(struct parse *ps, const char *fmt, ...)
{
	char	why[REASON_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return fail_at(ps, ps->line, "[%s] %s: %s", section_name(ps->section),
	    ps->key, why);
}

/* Lists the spellings of a table, for a reason. */
static void
list_words(const struct word *w, size_t n, char *out, size_t outlen)
{
	size_t	i, len = 0;

	out[0] = '\0';
	for (i = 0; i < n && len < outlen; i++)
		len += (size_t)snprintf(out + len, outlen - len, "%s%s",
		    i == 0 ? "" : i + 1 == n ? " or " : ", ", w[i].name);
}

/* Looks s up in a table of spellings.  Returns 0 and sets *out, or -1. */
static int
find_word(const struct word *w, size_t n, const char *s, int *out)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(w[i].name, s) == 0) {
			*out = w[i].value;
			return 0;
		}
	}
	return -1;
}

/* Reads a one-word value of the current key.  Returns 0, or -1. */
static int
word_value(struct parse *ps, const char *value, const struct word *w,
    size_t n, int *out)
{
	char	choices[WORDS_MAX];

	if (find_word(w, n, value, out) == 0)
		return 0;
	list_words(w, n, choices, sizeof(choices));
	return bad_value(ps, "'%.*s' is not %s", SHOWN_MAX, value, choices);
}

/* Reads a decimal number, digits only, from min to max.  Returns 0, or -1. */
static int
number(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char		*end;
	unsigned long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
number_value(struct parse *ps, const char *value, unsigned long min,
    unsigned long max, unsigned *out)
{
	unsigned long	v;

	if (number(value, min, max, &v) == -1)
		return bad_value(ps, "'%.*s' is not a number from %lu to %lu",
		    SHOWN_MAX, value, min, max);
	*out = (unsigned)v;
	return 0;
}

/*
 * Splits a comma-separated value into at most max items, without the
 * blanks around them.  Returns 0 and sets *n, or -1.
 */
static int
split(struct parse *ps, const char *value, size_t max,
    char items[][ITEM_MAX], size_t *n)
{
	const char	*p = value, *end;
	size_t		 len;

	for (*n = 0;; p = end + 1) {
		p += strspn(p, " \t");
		end = p + strcspn(p, ",");
		for (len = (size_t)(end - p); len > 0 &&
		    (p[len - 1] == ' ' || p[len - 1] == '\t'); len--)
			;
		if (len == 0)
			return bad_value(ps, "an empty item in the list");
		if (*n == max)
			return bad_value(ps, "more than %zu items", max);
		if (len >= ITEM_MAX)
			return bad_value(ps, "'%.*s' is too long", SHOWN_MAX,
			    p);
		memcpy(items[*n], p, len);
		items[*n][len] = '\0';
		(*n)++;
		if (*end == '\0')
			return 0;
	}
}

/* Returns 1 when v is among the first n of list. */
static int
listed(const unsigned *list, size_t n, unsigned v)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (list[i] == v)
			return 1;
	return 0;
}

/*
 * Reads a list of distinct numbers from min to max, or none (allowed
 * when empty_word is not NULL).  Returns 0 and sets *n, or -1.
 */
static int
number_list(struct parse *ps, const char *value, const char *empty_word,
    unsigned long min, unsigned long max, size_t nmax, unsigned *out,
    size_t *n)
{
	char		items[LIST_MAX][ITEM_MAX];
	unsigned long	v;
	size_t		i, nitems;

	*n = 0;
	if (empty_word != NULL && strcmp(value, empty_word) == 0)
		return 0;
	if (split(ps, value, nmax, items, &nitems) == -1)
		return -1;
	for (i = 0; i < nitems; i++) {
		if (number(items[i], min, max, &v) == -1)
			return bad_value(ps, "'%s' is not a number from %lu to "
			    "%lu", items[i], min, max);
		if (listed(out, *n, (unsigned)v))
			return bad_value(ps, "%lu is listed twice", v);
		out[(*n)++] = (unsigned)v;
	}
	return 0;
}

/* Reads a list of distinct words of a table, or "none".  Returns 0, or -1. */
static int
word_list(struct parse *ps, const char *value, const struct word *w,
    size_t nw, size_t nmax, unsigned *out, size_t *n)
{
	char	items[LIST_MAX][ITEM_MAX], choices[WORDS_MAX];
	int	v;
	size_t	i, nitems;

	*n = 0;
	if (strcmp(value, "none") == 0)
		return 0;
	if (split(ps, value, nmax, items, &nitems) == -1)
		return -1;
	for (i = 0; i < nitems; i++) {
		if (find_word(w, nw, items[i], &v) == -1) {
			list_words(w, nw, choices, sizeof(choices));
			return bad_value(ps, "'%s' is not %s, or none alone",
			    items[i], choices);
		}
		if (listed(out, *n, (unsigned)v))
			return bad_value(ps, "%s is listed twice", items[i]);
		out[(*n)++] = (unsigned)v;
	}
	return 0;
}

/* Reads a list of distinct digest names, gnutls's, or "none". */
static int
hash_list(struct parse *ps, const char *value, int *out, size_t *n)
{
	char				items[LIST_MAX][ITEM_MAX];
	gnutls_digest_algorithm_t	d;
	size_t				i, j, nitems;

	*n = 0;
	if (strcmp(value, "none") == 0)
		return 0;
	if (split(ps, value, EP_HASHES_MAX, items, &nitems) == -1)
		return -1;
	for (i = 0; i < nitems; i++) {
		if ((d = gnutls_digest_get_id(items[i])) == GNUTLS_DIG_UNKNOWN)
			return bad_value(ps, "'%s' is not a hash GnuTLS knows "
			    "(md5, sha1, sha256, ...)", items[i]);
		for (j = 0; j < *n; j++)
			if (out[j] == (int)d)
				return bad_value(ps, "%s is listed twice",
				    items[i]);
		out[(*n)++] = (int)d;
	}
	return 0;
}

/*
 * Reads a title or description: at least one character, none of them a
 * control character, shorter than size.  Returns 0, or -1.
 */
static int
text_value(struct parse *ps, const char *value, char *out, size_t size)
{
	const unsigned char	*s = (const unsigned char *)value;
	size_t			 len = strlen(value);

	if (len >= size)
		return bad_value(ps, "longer than %zu characters", size - 1);
	for (; *s != '\0'; s++)
		if (*s < ' ' || *s == 0x7f)
			return bad_value(ps, "holds a control character");
	memcpy(out, value, len + 1);
	return 0;
}

static int
set_profile_key(struct parse *ps, enum key_id k, const char *value)
{
	struct ep_profile	*p = &ps->store->p;
	size_t			 i;
	int			 v;

	switch (k) {
	case K_NAME:
		if (text_value(ps, value, p->name, sizeof(p->name)) == -1)
			return -1;
		for (i = 0; p->name[i] != '\0'; i++)
			if (strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    p->name[i]) == NULL)
				return bad_value(ps, "letters, digits, '.', "
				    "'_' and '-' only");
		return 0;
	case K_DESCRIPTION:
		return text_value(ps, value, p->description,
		    sizeof(p->description));
	case K_MIN_RSA_BITS:
		return number_value(ps, value, RSA_BITS_MIN, RSA_BITS_MAX,
		    &p->min_rsa_bits);
	case K_MIN_EC_BITS:
		return number_value(ps, value, EC_BITS_MIN, EC_BITS_MAX,
		    &p->min_ec_bits);
	case K_WEAK_HASHES:
		return hash_list(ps, value, p->weak_hashes, &p->nweak_hashes);
	case K_PSS:
		if (word_value(ps, value, bools, NELEM(bools), &v) == -1)
			return -1;
		p->pss_ok = v;
		return 0;
	case K_MIN_TLS:
		if (word_value(ps, value, tls_versions, NELEM(tls_versions),
		    &v) == -1)
			return -1;
		p->min_tls = v;
		return 0;
	case K_ARGUMENTS:
		if (word_value(ps, value, arguments, NELEM(arguments),
		    &v) == -1)
			return -1;
		p->arguments = (enum ep_arguments)v;
		return 0;
	default:
		break;
	}
	return bad_value(ps, "not a [profile] key");
}

static int
set_role_key(struct parse *ps, enum key_id k, const char *value)
{
	struct ep_role_rules	*r = &ps->store->p.roles[ps->section];
	char			*title = ps->store->titles[ps->section];
	unsigned		 ports[EP_PORTS_MAX], req[NELEM(requirements)];
	size_t			 i, n;
	int			 v;

	switch (k) {
	case K_TITLE:
		if (text_value(ps, value, title, TITLE_MAX) == -1)
			return -1;
		r->title = title;
		return 0;
	case K_PORTS:
		if (number_list(ps, value, NULL, 1, PORT_MAX, EP_PORTS_MAX,
		    ports, &n) == -1)
			return -1;
		for (i = 0; i < n; i++) {
			r->ports[i].port = (uint16_t)ports[i];
			r->ports[i].flags = 0;
		}
		r->nports = n;
		return 0;
	case K_FEDERATION_PORTS:
		/* Flagged once the ports are known: the order is free. */
		if (number_list(ps, value, "none", 1, PORT_MAX, EP_PORTS_MAX,
		    ports, &n) == -1)
			return -1;
		for (i = 0; i < n; i++)
			ps->federation[ps->section][i] = (uint16_t)ports[i];
		ps->nfederation[ps->section] = n;
		return 0;
	case K_REQUIRE:
		if (word_list(ps, value, requirements, NELEM(requirements),
		    NELEM(requirements), req, &n) == -1)
			return -1;
		r->need_sip_domains = listed(req, n, REQ_SIP_DOMAINS);
		r->need_published = listed(req, n, REQ_PUBLISHED);
		r->need_webcon_offline = listed(req, n, REQ_WEBCON_OFFLINE);
		return 0;
	case K_RSA_SIZES:
		return number_list(ps, value, "any", RSA_BITS_MIN, RSA_BITS_MAX,
		    EP_RSA_SIZES_MAX, r->rsa_sizes, &r->nrsa_sizes);
	case K_TRUST:
		if (word_value(ps, value, trusts, NELEM(trusts), &v) == -1)
			return -1;
		r->trust = (enum ep_trust_kind)v;
		return 0;
	case K_NAMES:
		if (word_value(ps, value, name_sources, NELEM(name_sources),
		    &v) == -1)
			return -1;
		r->names = (enum ep_name_source)v;
		return 0;
	case K_SUBJECT:
		if (word_value(ps, value, subjects, NELEM(subjects), &v) == -1)
			return -1;
		r->subject = (enum ep_subject_policy)v;
		return 0;
	case K_POOL:
		if (word_value(ps, value, pools, NELEM(pools), &v) == -1)
			return -1;
		r->pool = (enum ep_pool_policy)v;
		return 0;
	default:
		break;
	}
	/* The rest are yes or no. */
	if (word_value(ps, value, bools, NELEM(bools), &v) == -1)
		return -1;
	switch (k) {
	case K_PROBED:
		r->probed = v;
		break;
	case K_IP_NAMES:
		r->ip_names_ok = v;
		break;
	case K_WILDCARD:
		r->wildcard_ok = v;
		break;
	case K_SUBJECT_WILDCARD:
		r->subject_wildcard_ok = v;
		break;
	case K_WILDCARD_ORDER:
		r->wildcard_order = v;
		break;
	default:
		return bad_value(ps, "not a role key");
	}
	return 0;
}

static int
set_severity(struct parse *ps, const char *id, const char *value)
{
	enum ep_check	c;
	int		v;

	if (ep_check_by_id(id, &c) == -1)
		return fail_at(ps, ps->line, "[severity] %.*s: no check has "
		    "this ID", SHOWN_MAX, id);
	if (ps->severity_line[c] != 0)
		return fail_at(ps, ps->line, "[severity] %s: given twice "
		    "(first on line %d)", id, ps->severity_line[c]);
	ps->severity_line[c] = ps->line;
	if (word_value(ps, value, severities, NELEM(severities), &v) == -1)
		return -1;
	ps->store->p.severity[c] = (enum ep_severity)v;
	return 0;
}

/* Takes one key = value line.  Returns 0, or -1 to reject the text. */
static int
take_value(struct parse *ps, const char *name, const char *value)
{
	int	role, k;

	if (ps->section == SEC_NONE)
		return fail_at(ps, ps->line, "%.*s: a key before the first "
		    "[section]", SHOWN_MAX, name);
	ps->key = name;
	if (*value == '\0')
		return bad_value(ps, "no value");
	if (ps->section == SEC_SEVERITY)
		return set_severity(ps, name, value);
	role = ps->section != SEC_PROFILE;
	for (k = 0; k < K__MAX; k++)
		if (keys[k].role == role && strcmp(keys[k].name, name) == 0)
			break;
	if (k == K__MAX)
		return fail_at(ps, ps->line, "[%s] %.*s: no such key",
		    section_name(ps->section), SHOWN_MAX, name);
	if (ps->key_line[ps->section][k] != 0)
		return bad_value(ps, "given twice (first on line %d)",
		    ps->key_line[ps->section][k]);
	ps->key_line[ps->section][k] = ps->line;
	if (role)
		return set_role_key(ps, (enum key_id)k, value);
	return set_profile_key(ps, (enum key_id)k, value);
}

/* inih's handler.  Returns 1, or 0 to reject the text. */
static int
on_value(void *arg, const char *section, const char *name, const char *value)
{
	struct parse	*ps = arg;

	/* The section is the one check_line() saw, not inih's cut copy. */
	(void)section;
	return ps->err_line == 0 && take_value(ps, name, value) == 0;
}

/*
 * Looks at a line before inih does: inih reads an indented line after a
 * key as more of its value, and calls the handler for no section header,
 * so a misspelt empty section would pass unseen.  Returns 0, or -1.
 */
static int
check_line(struct parse *ps, const char *line)
{
	const char	*s = line, *start, *end;
	size_t		 len;
	int		 i;

	/* inih skips a UTF-8 byte order mark too. */
	if (ps->line == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	start = s;
	s += strspn(s, " \t");
	if (*s == '\0' || *s == '\r' || *s == '\n' || *s == ';' || *s == '#')
		return 0;
	if (s != start)
		return fail_at(ps, ps->line, "an indented line: keys and "
		    "section headers start the line, and a value takes one "
		    "line");
	if (*s != '[')
		return 0;
	if ((end = strchr(s, ']')) == NULL)
		return fail_at(ps, ps->line, "a section header without ']'");
	len = (size_t)(end - s - 1);
	end++;
	end += strspn(end, " \t\r\n");
	if (*end != '\0' && *end != ';' && *end != '#')
		return fail_at(ps, ps->line, "text after the section header");
	for (i = 0; i < SEC__MAX; i++)
		if (strlen(section_name(i)) == len &&
		    strncmp(section_name(i), s + 1, len) == 0)
			break;
	if (i == SEC__MAX)
		return fail_at(ps, ps->line, "[%.*s]: no such section (there "
		    "are [profile], [severity], [access], [webcon], [av], "
		    "[internal], [reverse-proxy] and [generic])",
		    len < SHOWN_MAX ? (int)len : SHOWN_MAX, s + 1);
	if (ps->section_line[i] != 0)
		return fail_at(ps, ps->line, "[%s] again (first on line %d)",
		    section_name(i), ps->section_line[i]);
	ps->section_line[i] = ps->line;
	ps->section = i;
	return 0;
}

/*
 * inih's reader: the next line of the text, whole, or NULL at the end
 * or once the text is rejected.  One call per line keeps inih's line
 * numbers and ours the same.
 */
static char *
read_line(char *buf, int size, void *arg)
{
	struct parse	*ps = arg;
	const char	*start, *nl;
	size_t		 len;

	if (ps->err_line != 0 || ps->pos >= ps->len)
		return NULL;
	start = ps->text + ps->pos;
	nl = memchr(start, '\n', ps->len - ps->pos);
	len = nl != NULL ? (size_t)(nl - start) + 1 : ps->len - ps->pos;
	ps->pos += len;
	ps->line++;
	/* inih would read the rest of a longer line as a line of its own. */
	if (size < 3 || len > (size_t)size - 1) {
		fail_at(ps, ps->line, "a line longer than %d characters",
		    size < 3 ? 0 : size - 2);
		return NULL;
	}
	memcpy(buf, start, len);
	buf[len] = '\0';
	if (check_line(ps, buf) == -1)
		return NULL;
	return buf;
}

/* Checks what only the whole file shows: every section and key is there. */
static int
finish(struct parse *ps)
{
	struct ep_profile	*p = &ps->store->p;
	int			 end = ps->line, s, k, line;
	size_t			 i, j;

	if (ps->section_line[SEC_PROFILE] == 0)
		return fail_at(ps, end, "no [profile] section");
	for (s = 0; s < EP_ROLE__MAX; s++)
		if (ps->section_line[s] == 0)
			return fail_at(ps, end, "no [%s] section",
			    role_names[s]);
	for (k = 0; k < K__MAX; k++)
		if (!keys[k].role && ps->key_line[SEC_PROFILE][k] == 0)
			return fail_at(ps, ps->section_line[SEC_PROFILE],
			    "[profile] has no %s", keys[k].name);
	for (s = 0; s < EP_ROLE__MAX; s++) {
		struct ep_role_rules	*r = &p->roles[s];

		for (k = 0; k < K__MAX; k++) {
			if (!keys[k].role)
				continue;
			line = ps->key_line[s][k];
			if (line == 0 && (keys[k].need == NEED_ALWAYS ||
			    r->probed))
				return fail_at(ps, ps->section_line[s],
				    "[%s] has no %s%s", role_names[s],
				    keys[k].name, keys[k].need == NEED_ALWAYS ?
				    "" : ", which a probed role needs");
			if (line != 0 && keys[k].need == NEED_PROBED &&
			    !r->probed)
				return fail_at(ps, line, "[%s] %s: a role that "
				    "is not probed takes title and probed only",
				    role_names[s], keys[k].name);
		}
		for (i = 0; i < ps->nfederation[s]; i++) {
			for (j = 0; j < r->nports; j++)
				if (r->ports[j].port == ps->federation[s][i])
					break;
			if (j == r->nports)
				return fail_at(ps,
				    ps->key_line[s][K_FEDERATION_PORTS],
				    "[%s] federation-ports: %u is not among "
				    "the ports", role_names[s],
				    (unsigned)ps->federation[s][i]);
			r->ports[j].flags |= EP_PORT_FEDERATION;
		}
	}
	return 0;
}

/*
 * Parses a profile text; label names it in err.  Returns 0 and sets *out,
 * or -1.
 */
static int
parse(const char *label, const char *text, size_t len,
    struct ep_profile **out, char *err, size_t errlen)
{
	struct parse	 ps;
	const char	*nul;
	size_t		 i;
	int		 ret = -1, r;

	memset(&ps, 0, sizeof(ps));
	ps.text = text;
	ps.len = len;
	ps.section = SEC_NONE;
	if ((nul = memchr(text, '\0', len)) != NULL) {
		ps.line = 1;
		for (i = 0; text + i < nul; i++)
			if (text[i] == '\n')
				ps.line++;
		fail_at(&ps, ps.line, "a NUL byte");
		goto out;
	}
	if ((ps.store = calloc(1, sizeof(*ps.store))) == NULL) {
		snprintf(err, errlen, "%s: %s", label, strerror(ENOMEM));
		return -1;
	}
	for (i = 0; i < EP_ROLE__MAX; i++)
		ps.store->p.roles[i].name = role_names[i];
	/* A check that [severity] does not name keeps its table default. */
	for (i = 0; i < EP_CHECK__MAX; i++)
		ps.store->p.severity[i] =
		    ep_check_info((enum ep_check)i)->severity;
	r = ini_parse_stream(read_line, &ps, on_value, &ps);
	if (r < 0) {
		snprintf(err, errlen, "%s: %s", label, strerror(ENOMEM));
		goto out;
	}
	/* inih's own complaint, about a line before any of ours. */
	if (r > 0 && (ps.err_line == 0 || r < ps.err_line)) {
		ps.err_line = 0;
		fail_at(&ps, r, "not a [section] header, key = value, or "
		    "comment");
	}
	if (ps.err_line == 0 && finish(&ps) == 0) {
		*out = &ps.store->p;
		ps.store = NULL;
		ret = 0;
	}
out:
	if (ret == -1 && ps.err_line != 0)
		snprintf(err, errlen, "%s:%d: %s", label, ps.err_line,
		    ps.reason);
	free(ps.store);
	return ret;
}

/*
 * Reads a whole profile file, at most PROFILE_FILE_MAX bytes, into
 * *text (to free).  Returns 0 and sets *text and *len, or -1 with why
 * in err.
 */
static int
read_file(const char *path, char **text, size_t *len, char *err,
    size_t errlen)
{
	struct stat	 st;
	char		*buf = NULL, *nbuf;
	size_t		 cap = 0, n = 0;
	ssize_t		 r;
	int		 fd, ret = -1;

	/* Non-blocking: a FIFO must not hang the open; it is refused below. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	/* The size may change while it is read: the bound is on the bytes. */
	for (;;) {
		if (n == cap) {
			if (cap > PROFILE_FILE_MAX)
				break;
			cap = cap == 0 ? PROFILE_CHUNK : cap * 2;
			if (cap > PROFILE_FILE_MAX + 1)
				cap = PROFILE_FILE_MAX + 1;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				snprintf(err, errlen, "%s: %s", path,
				    strerror(ENOMEM));
				goto out;
			}
			buf = nbuf;
		}
		if ((r = read(fd, buf + n, cap - n)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > PROFILE_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path,
		    PROFILE_FILE_MAX);
		goto out;
	}
	*text = buf;
	*len = n;
	buf = NULL;
	ret = 0;
out:
	free(buf);
	close(fd);
	return ret;
}

/* A name with a '/' or ending in .ini is a file, any other a built-in. */
static int
is_path(const char *s)
{
	size_t	len = strlen(s);

	return strchr(s, '/') != NULL ||
	    (len >= 4 && strcmp(s + len - 4, ".ini") == 0);
}

int
ep_profile_load(const char *name_or_path, struct ep_profile **out,
    char *err, size_t errlen)
{
	char	*text = NULL, label[EP_PROFILE_NAME_MAX + 16];
	size_t	 i, len, n;
	int	 ret;

	*out = NULL;
	if (is_path(name_or_path)) {
		if (read_file(name_or_path, &text, &len, err, errlen) == -1)
			return -1;
		ret = parse(name_or_path, text, len, out, err, errlen);
		free(text);
		return ret;
	}
	for (i = 0; ep_profile_data_names[i] != NULL; i++) {
		if (strcmp(ep_profile_data_names[i], name_or_path) != 0)
			continue;
		/* Where the text came from, for a message that cannot be. */
		snprintf(label, sizeof(label), "probes/%s.ini", name_or_path);
		if (parse(label, ep_profile_data_texts[i],
		    strlen(ep_profile_data_texts[i]), out, err, errlen) == -1)
			return -1;
		if (strcmp((*out)->name, name_or_path) != 0) {
			snprintf(err, errlen, "%s: names itself '%s'", label,
			    (*out)->name);
			ep_profile_free(*out);
			*out = NULL;
			return -1;
		}
		return 0;
	}
	n = (size_t)snprintf(err, errlen, "no profile named '%.100s' (built "
	    "in:", name_or_path);
	for (i = 0; ep_profile_data_names[i] != NULL && n < errlen; i++)
		n += (size_t)snprintf(err + n, errlen - n, " %s",
		    ep_profile_data_names[i]);
	if (n < errlen)
		snprintf(err + n, errlen - n, "; a profile file's name holds "
		    "a '/' or ends in .ini)");
	return -1;
}

void
ep_profile_free(struct ep_profile *p)
{
	/* The profile is the first member of its store: this frees both. */
	free(p);
}

const char *const *
ep_profile_builtin_names(void)
{
	return ep_profile_data_names;
}

int
ep_role_by_name(const char *name, enum ep_role *out)
{
	size_t	i;

	for (i = 0; i < EP_ROLE__MAX; i++) {
		if (strcmp(role_names[i], name) == 0) {
			*out = (enum ep_role)i;
			return 0;
		}
	}
	return -1;
}

const char *
ep_role_name(enum ep_role role)
{
	return role_names[role];
}

const char *
ep_role_option(enum ep_role role)
{
	return role_options[role];
}
