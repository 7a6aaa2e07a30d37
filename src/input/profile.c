/*
 * Role profiles: what each role's certificate must be, as data.  A
 * profile is an INI file (edgeprobe-probes(5)) read by the INI front end
 * (input/ep_ini.h); the built-in ones are the files of probes/, compiled
 * in by probes/embed.sh.  What is here is the format: its sections, keys
 * and words and what each sets.  Roles themselves are code: their names
 * and order stay here.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "input/ep_file.h"
#include "input/ep_ini.h"
#include "input/ep_profile.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define TITLE_MAX		64	/* bytes of a role's title, with NUL */
#define KEY_SHOWN_MAX		96	/* "[section] key" in a reason */
#define SHOWN_MAX		64	/* bytes of a bad name in a reason */
#define SET_MAX			8	/* words in a list of words */
#define RSA_BITS_MIN		512
#define RSA_BITS_MAX		16384
#define EC_BITS_MIN		160
#define EC_BITS_MAX		571	/* sect571: the largest named curve */
#define BASE_DEPTH_MAX		8	/* profiles based on profiles */
#define SOURCE_MAX		(PATH_MAX + 16)	/* a profile's name or path */

/*
 * The files of probes/ as C strings, from probes/embed.sh: two
 * NULL-terminated arrays in step, the default profile first.
 */
extern const char *const ep_profile_data_names[];
extern const char *const ep_profile_data_texts[];

/* The roles' names, indexed by enum ep_role; a word of the role lists. */
static const struct ep_ini_word roles[] = {
	[EP_ROLE_ACCESS] = { "access", EP_ROLE_ACCESS },
	[EP_ROLE_WEBCON] = { "webcon", EP_ROLE_WEBCON },
	[EP_ROLE_AV] = { "av", EP_ROLE_AV },
	[EP_ROLE_INTERNAL] = { "internal", EP_ROLE_INTERNAL },
	[EP_ROLE_REVERSE_PROXY] = { "reverse-proxy", EP_ROLE_REVERSE_PROXY },
	[EP_ROLE_GENERIC] = { "generic", EP_ROLE_GENERIC },
};

_Static_assert(NELEM(roles) == EP_ROLE__MAX, "role names incomplete");
_Static_assert(EP_ROLE__MAX <= 16, "a set of roles must fit an unsigned");

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
	K_BASE,
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
	K_SERVER_AUTH,
	K_REVOCATION,
	K_RSA_SIZES,
	K_POOL,
	K_OFFLINE_ALSO,
	K_EXPECTED_WITH,
	K__MAX
};

enum key_need {
	NEED_ALWAYS,			/* every section it belongs in has it */
	NEED_PROBED,			/* a probed role has it, no other */
	NEED_NEVER,			/* may be left out */
};

struct key {
	const char	*name;		/* as written in the file */
	int		 role;		/* 1: of role sections, 0: [profile] */
	enum key_need	 need;
};

static const struct key keys[] = {
	[K_BASE] = { "base", 0, NEED_NEVER },
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
	[K_SERVER_AUTH] = { "server-auth", 1, NEED_PROBED },
	[K_REVOCATION] = { "revocation", 1, NEED_PROBED },
	[K_RSA_SIZES] = { "rsa-sizes", 1, NEED_PROBED },
	[K_POOL] = { "pool", 1, NEED_PROBED },
	[K_OFFLINE_ALSO] = { "offline-also", 1, NEED_PROBED },
	[K_EXPECTED_WITH] = { "expected-with", 1, NEED_PROBED },
};

_Static_assert(NELEM(keys) == K__MAX, "key table incomplete");

static const struct ep_ini_word trusts[] = {
	{ "public", EP_TRUST_PUBLIC },
	{ "internal-or-public", EP_TRUST_INTERNAL_OR_PUBLIC },
};

static const struct ep_ini_word name_sources[] = {
	{ "san", EP_NAMES_SAN_ONLY },
	{ "san-or-cn", EP_NAMES_SAN_OR_CN },
};

static const struct ep_ini_word subjects[] = {
	{ "any", EP_SUBJECT_ANY },
	{ "self", EP_SUBJECT_SELF },
};

static const struct ep_ini_word server_auths[] = {
	{ "if-present", 0 },
	{ "required", 1 },
};

static const struct ep_ini_word revocations[] = {
	{ "soft-fail", 0 },
	{ "required", 1 },
};

static const struct ep_ini_word pools[] = {
	{ "none", EP_POOL_NONE },
	{ "same-key", EP_POOL_SAME_KEY },
};

static const struct ep_ini_word arguments[] = {
	{ "sip-domains", EP_ARGS_SIP_DOMAINS },
	{ "hosts", EP_ARGS_HOSTS },
};

static const struct ep_ini_word tls_versions[] = {
	{ "tls1.0", GNUTLS_TLS1_0 },
	{ "tls1.1", GNUTLS_TLS1_1 },
	{ "tls1.2", GNUTLS_TLS1_2 },
	{ "tls1.3", GNUTLS_TLS1_3 },
};

/* "ok" is the severity's own name; "off" says what it does. */
static const struct ep_ini_word severities[] = {
	{ "off", EP_SEV_OK },
	{ "ok", EP_SEV_OK },
	{ "info", EP_SEV_INFO },
	{ "warning", EP_SEV_WARNING },
	{ "critical", EP_SEV_CRITICAL },
	{ "unknown", EP_SEV_UNKNOWN },
};

enum requirement {
	REQ_SIP_DOMAINS,
	REQ_PUBLISHED,
};

static const struct ep_ini_word requirements[] = {
	{ "sip-domains", REQ_SIP_DOMAINS },
	{ "published", REQ_PUBLISHED },
};

/* A profile and the titles its roles point at, allocated and freed as one. */
struct profile_store {
	struct ep_profile	p;	/* first: a profile is its store */
	char			titles[EP_ROLE__MAX][TITLE_MAX];
};

/*
 * The profiles being read, the outermost first: a base is read while the
 * profile that names it is, and one that comes back is a loop.
 */
struct lineage {
	char			 source[BASE_DEPTH_MAX + 1][SOURCE_MAX];
	int			 file[BASE_DEPTH_MAX + 1];	/* source is a
						   file's real path, not a
						   built-in's name */
	size_t			 n;
	int			 failed;	/* err is the reason, told
						   where it arose */
	char			 err[1024];
};

static int load(const char *name_or_path, struct lineage *lin,
    struct ep_profile **out, char *err, size_t errlen);

/* One parse of one profile text. */
struct parse {
	struct lineage		*lineage;	/* this text's source last */
	int			 based;		/* base = given: what this text
						   leaves out is the base's */
	int			 base_probed[EP_ROLE__MAX];	/* the base's
						   roles that are probed */
	struct ep_ini		*ini;		/* the front end's: errors */
	int			 section;	/* enum section of the line */
	char			 key[KEY_SHOWN_MAX];	/* "[section] key" being
						   set, for reasons */
	unsigned		 section_line[SEC__MAX];	/* 0: none */
	unsigned		 key_line[SEC__MAX][K__MAX];	/* 0: not set */
	unsigned		 severity_line[EP_CHECK__MAX];	/* 0: not set */
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
	return roles[section].name;
}

/* A word of table w as the current key's value.  Returns 0, or -1. */
#define WORD(ps, value, w, out) \
	ep_ini_word((ps)->ini, (ps)->key, (value), (w), NELEM(w), (out))

/*
 * Reads a list of distinct ports, or none (allowed when none is not
 * NULL).  Returns 0 and sets *n, or -1.
 */
static int
port_list(struct parse *ps, const char *value, const char *none,
    uint16_t *out, size_t *n)
{
	char	items[EP_PORTS_MAX][EP_INI_ITEM_MAX];
	size_t	i, j, nitems;

	if (ep_ini_split(ps->ini, ps->key, value, none, items, EP_PORTS_MAX,
	    &nitems) == -1)
		return -1;
	for (i = 0; i < nitems; i++) {
		if (ep_ini_port(ps->ini, ps->key, items[i], &out[i]) == -1)
			return -1;
		for (j = 0; j < i; j++)
			if (out[j] == out[i])
				return ep_ini_fail(ps->ini, "%s: %u is listed "
				    "twice", ps->key, (unsigned)out[i]);
	}
	*n = nitems;
	return 0;
}

/* Reads a list of distinct RSA key sizes, or "any".  Returns 0, or -1. */
static int
size_list(struct parse *ps, const char *value, unsigned *out, size_t *n)
{
	char		items[EP_RSA_SIZES_MAX][EP_INI_ITEM_MAX];
	unsigned long	v;
	size_t		i, j, nitems;

	if (ep_ini_split(ps->ini, ps->key, value, "any", items,
	    EP_RSA_SIZES_MAX, &nitems) == -1)
		return -1;
	for (i = 0; i < nitems; i++) {
		if (ep_ini_number(ps->ini, ps->key, items[i], RSA_BITS_MIN,
		    RSA_BITS_MAX, &v) == -1)
			return -1;
		for (j = 0; j < i; j++)
			if (out[j] == v)
				return ep_ini_fail(ps->ini, "%s: %lu is listed "
				    "twice", ps->key, v);
		out[i] = (unsigned)v;
	}
	*n = nitems;
	return 0;
}

/*
 * Reads a list of distinct words of table w (values below 32), or "none",
 * into a set: bit v for value v.  Returns 0, or -1.
 */
static int
word_set(struct parse *ps, const char *value, const struct ep_ini_word *w,
    size_t nw, unsigned *out)
{
	char	items[SET_MAX][EP_INI_ITEM_MAX];
	size_t	i, nitems;
	int	v;

	*out = 0;
	if (ep_ini_split(ps->ini, ps->key, value, "none", items, NELEM(items),
	    &nitems) == -1)
		return -1;
	for (i = 0; i < nitems; i++) {
		if (ep_ini_word(ps->ini, ps->key, items[i], w, nw, &v) == -1)
			return -1;
		if (*out & 1u << v)
			return ep_ini_fail(ps->ini, "%s: %s is listed twice",
			    ps->key, items[i]);
		*out |= 1u << v;
	}
	return 0;
}

/* Reads a list of distinct digest names, gnutls's, or "none". */
static int
hash_list(struct parse *ps, const char *value, int *out, size_t *n)
{
	char				items[EP_HASHES_MAX][EP_INI_ITEM_MAX];
	gnutls_digest_algorithm_t	d;
	size_t				i, j, nitems;

	if (ep_ini_split(ps->ini, ps->key, value, "none", items,
	    EP_HASHES_MAX, &nitems) == -1)
		return -1;
	for (i = 0; i < nitems; i++) {
		if ((d = gnutls_digest_get_id(items[i])) == GNUTLS_DIG_UNKNOWN)
			return ep_ini_fail(ps->ini, "%s: '%s' is not a hash "
			    "GnuTLS knows (md5, sha1, sha256, ...)", ps->key,
			    items[i]);
		for (j = 0; j < i; j++)
			if (out[j] == (int)d)
				return ep_ini_fail(ps->ini, "%s: %s is listed "
				    "twice", ps->key, items[i]);
		out[i] = (int)d;
	}
	*n = nitems;
	return 0;
}

/* A name with a '/' or ending in .ini is a file, any other a built-in. */
static int
is_path(const char *s)
{
	size_t	len = strlen(s);

	return strchr(s, '/') != NULL ||
	    (len >= 4 && strcmp(s + len - 4, ".ini") == 0);
}

/*
 * base = NAME|FILE: the base profile, read whole, becomes what this text
 * starts from; its keys then override.  A relative FILE is found beside
 * the file that names it.
 */
static int
take_base(struct parse *ps, const char *value)
{
	const struct lineage	*lin = ps->lineage;
	struct profile_store	*bs;
	struct ep_profile	*b;
	char			 path[SOURCE_MAX], err[1024];
	const char		*cur = lin->source[lin->n - 1], *slash;
	size_t			 i, n;
	int			 k, sec;

	/* It sets every key: one given before it would be lost. */
	for (sec = 0; sec < SEC__MAX; sec++)
		if (sec != SEC_PROFILE && ps->section_line[sec] != 0)
			break;
	for (k = 0; k < K__MAX && sec == SEC__MAX; k++)
		if (k != K_BASE && ps->key_line[SEC_PROFILE][k] != 0)
			break;
	if (sec != SEC__MAX || k != K__MAX)
		return ep_ini_fail(ps->ini, "%s: must be the file's first key, "
		    "since it sets them all", ps->key);
	snprintf(path, sizeof(path), "%s", value);
	if (is_path(value) && value[0] != '/' && lin->file[lin->n - 1] &&
	    (slash = strrchr(cur, '/')) != NULL &&
	    (size_t)snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - cur),
	    cur, value) >= sizeof(path))
		return ep_ini_fail(ps->ini, "%s: path too long", ps->key);
	if (load(path, ps->lineage, &b, err, sizeof(err)) == -1)
		return ep_ini_fail(ps->ini, "%s = %.*s: %s", ps->key,
		    SHOWN_MAX, value, err);
	bs = (struct profile_store *)b;
	memcpy(ps->store, bs, sizeof(*bs));
	for (i = 0; i < EP_ROLE__MAX; i++) {
		struct ep_role_rules	*r = &ps->store->p.roles[i];

		if (r->title == bs->titles[i])
			r->title = ps->store->titles[i];
		ps->base_probed[i] = r->probed;
		/* Flagged again at the end, among the ports then. */
		for (n = 0, k = 0; k < (int)r->nports; k++)
			if (r->ports[k].flags & EP_PORT_FEDERATION)
				ps->federation[i][n++] = r->ports[k].port;
		ps->nfederation[i] = n;
	}
	snprintf(ps->store->p.description, sizeof(ps->store->p.description),
	    "%s, changed", b->name);
	ep_profile_free(b);
	ps->based = 1;
	return 0;
}

static int
set_profile_key(struct parse *ps, enum key_id k, const char *value)
{
	struct ep_profile	*p = &ps->store->p;
	unsigned long		 v;
	size_t			 i;
	int			 w;

	switch (k) {
	case K_BASE:
		return take_base(ps, value);
	case K_NAME:
		if (ep_ini_text(ps->ini, ps->key, value, p->name,
		    sizeof(p->name)) == -1)
			return -1;
		for (i = 0; p->name[i] != '\0'; i++)
			if (strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    p->name[i]) == NULL)
				return ep_ini_fail(ps->ini, "%s: letters, "
				    "digits, '.', '_' and '-' only", ps->key);
		return 0;
	case K_DESCRIPTION:
		return ep_ini_text(ps->ini, ps->key, value, p->description,
		    sizeof(p->description));
	case K_MIN_RSA_BITS:
		if (ep_ini_number(ps->ini, ps->key, value, RSA_BITS_MIN,
		    RSA_BITS_MAX, &v) == -1)
			return -1;
		p->min_rsa_bits = (unsigned)v;
		return 0;
	case K_MIN_EC_BITS:
		if (ep_ini_number(ps->ini, ps->key, value, EC_BITS_MIN,
		    EC_BITS_MAX, &v) == -1)
			return -1;
		p->min_ec_bits = (unsigned)v;
		return 0;
	case K_WEAK_HASHES:
		return hash_list(ps, value, p->weak_hashes, &p->nweak_hashes);
	case K_PSS:
		return ep_ini_yesno(ps->ini, ps->key, value, &p->pss_ok);
	case K_MIN_TLS:
		return WORD(ps, value, tls_versions, &p->min_tls);
	case K_ARGUMENTS:
		if (WORD(ps, value, arguments, &w) == -1)
			return -1;
		p->arguments = (enum ep_arguments)w;
		return 0;
	default:
		break;
	}
	return ep_ini_fail(ps->ini, "%s: not a [profile] key", ps->key);
}

static int
set_role_key(struct parse *ps, enum key_id k, const char *value)
{
	struct ep_role_rules	*r = &ps->store->p.roles[ps->section];
	char			*title = ps->store->titles[ps->section];
	unsigned		 req;
	size_t			 i;
	int			 v;

	switch (k) {
	case K_TITLE:
		if (ep_ini_text(ps->ini, ps->key, value, title,
		    TITLE_MAX) == -1)
			return -1;
		r->title = title;
		return 0;
	case K_PORTS: {
		uint16_t	ports[EP_PORTS_MAX];

		if (port_list(ps, value, NULL, ports, &r->nports) == -1)
			return -1;
		for (i = 0; i < r->nports; i++) {
			r->ports[i].port = ports[i];
			r->ports[i].flags = 0;
		}
		return 0;
	}
	case K_FEDERATION_PORTS:
		/* Flagged once the ports are known: the order is free. */
		return port_list(ps, value, "none",
		    ps->federation[ps->section],
		    &ps->nfederation[ps->section]);
	case K_REQUIRE:
		if (word_set(ps, value, requirements, NELEM(requirements),
		    &req) == -1)
			return -1;
		r->need_sip_domains = (req & 1u << REQ_SIP_DOMAINS) != 0;
		r->need_published = (req & 1u << REQ_PUBLISHED) != 0;
		return 0;
	case K_OFFLINE_ALSO:
		return word_set(ps, value, roles, NELEM(roles),
		    &r->offline_also);
	case K_EXPECTED_WITH:
		return word_set(ps, value, roles, NELEM(roles),
		    &r->expected_with);
	case K_RSA_SIZES:
		return size_list(ps, value, r->rsa_sizes, &r->nrsa_sizes);
	case K_TRUST:
		if (WORD(ps, value, trusts, &v) == -1)
			return -1;
		r->trust = (enum ep_trust_kind)v;
		return 0;
	case K_NAMES:
		if (WORD(ps, value, name_sources, &v) == -1)
			return -1;
		r->names = (enum ep_name_source)v;
		return 0;
	case K_SUBJECT:
		if (WORD(ps, value, subjects, &v) == -1)
			return -1;
		r->subject = (enum ep_subject_policy)v;
		return 0;
	case K_SERVER_AUTH:
		return WORD(ps, value, server_auths, &r->server_auth_required);
	case K_REVOCATION:
		return WORD(ps, value, revocations, &r->revocation_required);
	case K_POOL:
		if (WORD(ps, value, pools, &v) == -1)
			return -1;
		r->pool = (enum ep_pool_policy)v;
		return 0;
	case K_PROBED:
		return ep_ini_yesno(ps->ini, ps->key, value, &r->probed);
	case K_IP_NAMES:
		return ep_ini_yesno(ps->ini, ps->key, value, &r->ip_names_ok);
	case K_WILDCARD:
		return ep_ini_yesno(ps->ini, ps->key, value, &r->wildcard_ok);
	case K_SUBJECT_WILDCARD:
		return ep_ini_yesno(ps->ini, ps->key, value,
		    &r->subject_wildcard_ok);
	case K_WILDCARD_ORDER:
		return ep_ini_yesno(ps->ini, ps->key, value,
		    &r->wildcard_order);
	default:
		break;
	}
	return ep_ini_fail(ps->ini, "%s: not a role key", ps->key);
}

static int
set_severity(struct parse *ps, const char *id, const char *value)
{
	enum ep_check	c;
	unsigned	line = ep_ini_line(ps->ini);
	int		v;

	if (ep_check_by_id(id, &c) == -1)
		return ep_ini_fail(ps->ini, "[severity] %.*s: no check has "
		    "this ID", SHOWN_MAX, id);
	if (ps->severity_line[c] != 0)
		return ep_ini_fail(ps->ini, "[severity] %s: given twice "
		    "(first on line %u)", id, ps->severity_line[c]);
	ps->severity_line[c] = line;
	if (WORD(ps, value, severities, &v) == -1)
		return -1;
	ps->store->p.severity[c] = (enum ep_severity)v;
	return 0;
}

/* Takes one key = value line.  Returns 0, or -1 to reject the text. */
static int
on_key(struct ep_ini *ini, void *arg, const char *name, const char *value)
{
	struct parse	*ps = arg;
	unsigned	 line = ep_ini_line(ini);
	int		 role, k;

	ps->ini = ini;
	if (ps->section == SEC_NONE)
		return ep_ini_fail(ini, "%.*s: a key before the first "
		    "[section]", SHOWN_MAX, name);
	snprintf(ps->key, sizeof(ps->key), "[%s] %.*s",
	    section_name(ps->section), SHOWN_MAX, name);
	if (ps->section == SEC_SEVERITY)
		return set_severity(ps, name, value);
	role = ps->section != SEC_PROFILE;
	for (k = 0; k < K__MAX; k++)
		if (keys[k].role == role && strcmp(keys[k].name, name) == 0)
			break;
	if (k == K__MAX)
		return ep_ini_fail(ini, "%s: no such key", ps->key);
	if (ps->key_line[ps->section][k] != 0)
		return ep_ini_fail(ini, "%s: given twice (first on line %u)",
		    ps->key, ps->key_line[ps->section][k]);
	ps->key_line[ps->section][k] = line;
	if (role)
		return set_role_key(ps, (enum key_id)k, value);
	return set_profile_key(ps, (enum key_id)k, value);
}

/* Starts the section of a header, of the text between its brackets. */
static int
on_section(struct ep_ini *ini, void *arg, const char *header, size_t len)
{
	struct parse	*ps = arg;
	int		 i;

	ps->ini = ini;
	for (i = 0; i < SEC__MAX; i++)
		if (strcmp(section_name(i), header) == 0)
			break;
	if (i == SEC__MAX)
		return ep_ini_fail(ini, "[%.*s]: no such section (there are "
		    "[profile], [severity], [access], [webcon], [av], "
		    "[internal], [reverse-proxy] and [generic])",
		    len < SHOWN_MAX ? (int)len : SHOWN_MAX, header);
	if (ps->section_line[i] != 0)
		return ep_ini_fail(ini, "[%s] again (first on line %u)",
		    section_name(i), ps->section_line[i]);
	ps->section_line[i] = ep_ini_line(ini);
	ps->section = i;
	return 0;
}

/*
 * A based profile that names itself not: the name of its file ("contoso"
 * for /etc/edgeprobe/contoso.ini), made of the characters a name takes.
 */
static void
name_from_source(struct parse *ps)
{
	const char	*src = ps->lineage->source[ps->lineage->n - 1];
	const char	*base = strrchr(src, '/');
	char		*name = ps->store->p.name;
	size_t		 i, len;

	base = base != NULL ? base + 1 : src;
	len = strlen(base);
	if (len > 4 && strcmp(base + len - 4, ".ini") == 0)
		len -= 4;
	if (len >= sizeof(ps->store->p.name))
		len = sizeof(ps->store->p.name) - 1;
	for (i = 0; i < len; i++)
		name[i] = strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", base[i]) != NULL &&
		    base[i] != '\0' ? base[i] : '_';
	name[len] = '\0';
}

/* Checks what only the whole file shows: every section and key is there. */
static int
on_end(struct ep_ini *ini, void *arg)
{
	struct parse		*ps = arg;
	struct ep_profile	*p = &ps->store->p;
	unsigned		 line;
	size_t			 i, j;
	int			 s, k;

	if (ps->section_line[SEC_PROFILE] == 0)
		return ep_ini_fail(ini, "no [profile] section");
	for (s = 0; s < EP_ROLE__MAX; s++)
		if (ps->section_line[s] == 0 && !ps->based)
			return ep_ini_fail(ini, "no [%s] section",
			    roles[s].name);
	for (k = 0; k < K__MAX; k++)
		if (!keys[k].role && keys[k].need == NEED_ALWAYS &&
		    ps->key_line[SEC_PROFILE][k] == 0 && !ps->based)
			return ep_ini_fail_at(ini,
			    ps->section_line[SEC_PROFILE], "[profile] has no "
			    "%s", keys[k].name);
	/* Not the base's name: the report must not claim the base's rules. */
	if (ps->based && ps->key_line[SEC_PROFILE][K_NAME] == 0)
		name_from_source(ps);
	for (s = 0; s < EP_ROLE__MAX; s++) {
		struct ep_role_rules	*r = &p->roles[s];

		for (k = 0; k < K__MAX; k++) {
			if (!keys[k].role)
				continue;
			line = ps->key_line[s][k];
			/* A base's probed role has all of them. */
			if (line == 0 && ps->based &&
			    (keys[k].need == NEED_ALWAYS || ps->base_probed[s]))
				continue;
			if (line == 0 && (keys[k].need == NEED_ALWAYS ||
			    r->probed))
				return ep_ini_fail_at(ini, ps->section_line[s],
				    "[%s] has no %s%s", roles[s].name,
				    keys[k].name, keys[k].need == NEED_ALWAYS ?
				    "" : ", which a probed role needs");
			if (line != 0 && keys[k].need == NEED_PROBED &&
			    !r->probed)
				return ep_ini_fail_at(ini, line, "[%s] %s: a "
				    "role that is not probed takes title and "
				    "probed only", roles[s].name, keys[k].name);
		}
		for (j = 0; j < r->nports; j++)
			r->ports[j].flags &= ~(unsigned)EP_PORT_FEDERATION;
		for (i = 0; i < ps->nfederation[s]; i++) {
			for (j = 0; j < r->nports; j++)
				if (r->ports[j].port == ps->federation[s][i])
					break;
			if (j == r->nports)
				return ep_ini_fail_at(ini,
				    ps->key_line[s][K_FEDERATION_PORTS],
				    "[%s] federation-ports: %u is not among "
				    "the ports", roles[s].name,
				    (unsigned)ps->federation[s][i]);
			r->ports[j].flags |= EP_PORT_FEDERATION;
		}
	}
	return 0;
}

static const struct ep_ini_spec profile_spec = {
	.section = on_section,
	.key = on_key,
	.end = on_end,
};

/*
 * Parses a profile text; label names it in err.  Returns 0 and sets *out,
 * or -1.
 */
static int
parse(const char *label, const char *text, size_t len, struct lineage *lin,
    struct ep_profile **out, char *err, size_t errlen)
{
	struct parse	ps;
	size_t		i;

	memset(&ps, 0, sizeof(ps));
	ps.section = SEC_NONE;
	ps.lineage = lin;
	if ((ps.store = calloc(1, sizeof(*ps.store))) == NULL) {
		snprintf(err, errlen, "%s: %s", label, strerror(ENOMEM));
		return -1;
	}
	for (i = 0; i < EP_ROLE__MAX; i++)
		ps.store->p.roles[i].name = roles[i].name;
	/* A check that [severity] does not name keeps its table default. */
	for (i = 0; i < EP_CHECK__MAX; i++)
		ps.store->p.severity[i] =
		    ep_check_info((enum ep_check)i)->severity;
	if (ep_ini_parse(label, text, len, &profile_spec, &ps, err,
	    errlen) == -1) {
		/*
		 * A fault in a base is told as it is, where it is, not
		 * wrapped once for each profile based on it.
		 */
		if (lin->failed)
			snprintf(err, errlen, "%s", lin->err);
		else {
			snprintf(lin->err, sizeof(lin->err), "%s", err);
			lin->failed = 1;
		}
		free(ps.store);
		return -1;
	}
	*out = &ps.store->p;
	return 0;
}

/*
 * Adds a profile to those being read: refused when it is one of them (a
 * loop) or when they are too many.  Returns 0, or -1 with a reason.
 */
static int
lineage_push(struct lineage *lin, const char *source, int file, char *err,
    size_t errlen)
{
	size_t	i, n;

	for (i = 0; i < lin->n; i++)
		if (strcmp(lin->source[i], source) == 0)
			break;
	if (i == lin->n && lin->n <= BASE_DEPTH_MAX) {
		snprintf(lin->source[lin->n], SOURCE_MAX, "%s", source);
		lin->file[lin->n++] = file;
		return 0;
	}
	if (i == lin->n) {
		snprintf(err, errlen, "profiles based on profiles more than "
		    "%d deep", BASE_DEPTH_MAX);
		return -1;
	}
	n = (size_t)snprintf(err, errlen, "a loop of bases:");
	for (; i < lin->n && n < errlen; i++)
		n += (size_t)snprintf(err + n, errlen - n, " %.100s ->",
		    lin->source[i]);
	if (n < errlen)
		snprintf(err + n, errlen - n, " %.100s", source);
	return -1;
}

int
ep_profile_load(const char *name_or_path, struct ep_profile **out,
    char *err, size_t errlen)
{
	struct lineage	*lin;
	int		 ret;

	if ((lin = calloc(1, sizeof(*lin))) == NULL) {
		*out = NULL;
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	ret = load(name_or_path, lin, out, err, errlen);
	free(lin);
	return ret;
}

static int
load(const char *name_or_path, struct lineage *lin, struct ep_profile **out,
    char *err, size_t errlen)
{
	char	*text = NULL, label[EP_PROFILE_NAME_MAX + 16];
	char	 real[PATH_MAX];
	size_t	 i, len, n;
	int	 ret;

	*out = NULL;
	if (is_path(name_or_path)) {
		if (ep_file_read(name_or_path, EP_PROFILE_FILE_MAX, &text, &len,
		    err, errlen) == -1)
			return -1;
		if (realpath(name_or_path, real) == NULL)
			snprintf(real, sizeof(real), "%s", name_or_path);
		if (lineage_push(lin, real, 1, err, errlen) == -1) {
			free(text);
			return -1;
		}
		ret = parse(name_or_path, text, len, lin, out, err, errlen);
		lin->n--;
		free(text);
		return ret;
	}
	for (i = 0; ep_profile_data_names[i] != NULL; i++) {
		if (strcmp(ep_profile_data_names[i], name_or_path) != 0)
			continue;
		if (lineage_push(lin, name_or_path, 0, err, errlen) == -1)
			return -1;
		/* Where the text came from, for a message that cannot be. */
		snprintf(label, sizeof(label), "probes/%s.ini", name_or_path);
		ret = parse(label, ep_profile_data_texts[i],
		    strlen(ep_profile_data_texts[i]), lin, out, err, errlen);
		lin->n--;
		if (ret == -1)
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
		if (strcmp(roles[i].name, name) == 0) {
			*out = (enum ep_role)i;
			return 0;
		}
	}
	return -1;
}

const char *
ep_role_name(enum ep_role role)
{
	return roles[role].name;
}

const char *
ep_role_option(enum ep_role role)
{
	return role_options[role];
}

int
ep_role_by_option(const char *option, enum ep_role *out)
{
	size_t	i;

	for (i = 0; i < EP_ROLE__MAX; i++) {
		if (strcmp(role_options[i], option) == 0) {
			*out = (enum ep_role)i;
			return 0;
		}
	}
	return -1;
}
