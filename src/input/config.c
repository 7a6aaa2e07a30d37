/*
 * Deployment files (edgeprobe.conf(5)).  A file is read into memory whole,
 * parsed by the INI front end (input/ep_ini.h) into this module's own
 * structures and checked, and only then, by ep_config_apply, added to a
 * plan: a bad line never leaves a plan half-built.  What is here is the
 * format: its sections, its keys and what each sets.
 */

#include <sys/socket.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/ep_config.h"
#include "input/ep_file.h"
#include "input/ep_hostname.h"
#include "input/ep_ini.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define SECTION_NAME_MAX	64	/* octets of a section's name */
#define REASON_MAX		512	/* one error, before "path:line: " */
#define PROFILE_DEFAULT		"lync2013"
#define WARN_DAYS_DEFAULT	30
#define CRIT_DAYS_DEFAULT	7
#define TIMEOUT_DEFAULT_MS	5000
#define DNS_TIMEOUT_MAX_MS	2000	/* default: the timeout, at most this */

enum section_type {
	SECT_DEPLOYMENT,
	SECT_EDGE_POOL,
	SECT_REVERSE_PROXY,
	SECT__MAX
};

static const char *const section_types[SECT__MAX] = {
	[SECT_DEPLOYMENT] = "deployment",
	[SECT_EDGE_POOL] = "edge-pool",
	[SECT_REVERSE_PROXY] = "reverse-proxy",
};

enum key_kind {
	KEY_PROFILE,
	KEY_SIP_DOMAINS,
	KEY_DNS,
	KEY_CA_FILE,
	KEY_INTERNAL_CA,
	KEY_WARN_DAYS,
	KEY_CRIT_DAYS,
	KEY_LIMIT,		/* a time limit: role is the ep_limit */
	KEY_FQDN,		/* the one name of a role in a section */
	KEY_PORTS,		/* that name's own ports */
	KEY_MEMBERS,		/* that name's pool members */
	KEY_PUBLISHED,
	KEY_ACCEPT,
	KEY_FEDERATION_PORT,
};

/* One key a section may hold. */
struct key {
	enum section_type	 section;
	const char		*name;
	enum key_kind		 kind;
	int			 role;		/* ep_role of KEY_FQDN, KEY_PORTS,
						   KEY_MEMBERS; ep_limit of
						   KEY_LIMIT */
	int			 list;		/* may be repeated, each adding items */
};

static const struct key keys[] = {
	{ SECT_DEPLOYMENT, "profile", KEY_PROFILE, EP_ROLE_GENERIC, 0 },
	{ SECT_DEPLOYMENT, "sip-domains", KEY_SIP_DOMAINS, EP_ROLE_GENERIC, 1 },
	{ SECT_DEPLOYMENT, "dns", KEY_DNS, EP_ROLE_GENERIC, 0 },
	{ SECT_DEPLOYMENT, "ca-file", KEY_CA_FILE, EP_ROLE_GENERIC, 0 },
	{ SECT_DEPLOYMENT, "internal-ca", KEY_INTERNAL_CA, EP_ROLE_GENERIC, 0 },
	{ SECT_DEPLOYMENT, "warn-days", KEY_WARN_DAYS, EP_ROLE_GENERIC, 0 },
	{ SECT_DEPLOYMENT, "crit-days", KEY_CRIT_DAYS, EP_ROLE_GENERIC, 0 },
	{ SECT_DEPLOYMENT, "accept", KEY_ACCEPT, EP_ROLE_GENERIC, 1 },
	{ SECT_DEPLOYMENT, "timeout", KEY_LIMIT, EP_LIMIT_TIMEOUT, 0 },
	{ SECT_DEPLOYMENT, "connect-timeout", KEY_LIMIT, EP_LIMIT_CONNECT, 0 },
	{ SECT_DEPLOYMENT, "handshake-timeout", KEY_LIMIT, EP_LIMIT_HANDSHAKE,
	    0 },
	{ SECT_DEPLOYMENT, "dns-timeout", KEY_LIMIT, EP_LIMIT_DNS, 0 },
	{ SECT_DEPLOYMENT, "run-timeout", KEY_LIMIT, EP_LIMIT_RUN, 0 },
	{ SECT_DEPLOYMENT, "fetch-timeout", KEY_LIMIT, EP_LIMIT_FETCH, 0 },
	{ SECT_EDGE_POOL, "access", KEY_FQDN, EP_ROLE_ACCESS, 0 },
	{ SECT_EDGE_POOL, "access-ports", KEY_PORTS, EP_ROLE_ACCESS, 0 },
	{ SECT_EDGE_POOL, "access-members", KEY_MEMBERS, EP_ROLE_ACCESS, 1 },
	{ SECT_EDGE_POOL, "federation-port", KEY_FEDERATION_PORT,
	    EP_ROLE_ACCESS, 0 },
	{ SECT_EDGE_POOL, "webcon", KEY_FQDN, EP_ROLE_WEBCON, 0 },
	{ SECT_EDGE_POOL, "webcon-ports", KEY_PORTS, EP_ROLE_WEBCON, 0 },
	{ SECT_EDGE_POOL, "webcon-members", KEY_MEMBERS, EP_ROLE_WEBCON, 1 },
	{ SECT_EDGE_POOL, "av", KEY_FQDN, EP_ROLE_AV, 0 },
	{ SECT_EDGE_POOL, "internal", KEY_FQDN, EP_ROLE_INTERNAL, 0 },
	{ SECT_EDGE_POOL, "internal-ports", KEY_PORTS, EP_ROLE_INTERNAL, 0 },
	{ SECT_EDGE_POOL, "internal-members", KEY_MEMBERS, EP_ROLE_INTERNAL,
	    1 },
	{ SECT_REVERSE_PROXY, "fqdn", KEY_FQDN, EP_ROLE_REVERSE_PROXY, 0 },
	{ SECT_REVERSE_PROXY, "ports", KEY_PORTS, EP_ROLE_REVERSE_PROXY, 0 },
	{ SECT_REVERSE_PROXY, "members", KEY_MEMBERS, EP_ROLE_REVERSE_PROXY,
	    1 },
	{ SECT_REVERSE_PROXY, "published", KEY_PUBLISHED,
	    EP_ROLE_REVERSE_PROXY, 1 },
};

/* What a section gives one role beyond its name. */
struct role_conf {
	unsigned	 fqdn_line;	/* 0: the section names no one here */
	uint16_t	 ports[EP_PORTS_MAX];
	size_t		 nports;	/* 0: the role's ports */
	struct ep_addr	*members;
	size_t		 nmembers;	/* 0: look the name up in DNS */
};

struct section {
	enum section_type	 type;
	char			 name[SECTION_NAME_MAX + 1];	/* "": unnamed */
	unsigned		 line;
	unsigned		 seen[NELEM(keys)];	/* line of each key, or 0 */
	struct role_conf	 roles[EP_ROLE__MAX];
	uint16_t		 federation_port;	/* 0: as the profile says */
	unsigned		 federation_line;
};

enum entry_kind {
	ENTRY_SIP_DOMAIN,
	ENTRY_TARGET,
	ENTRY_PUBLISHED,
	ENTRY_ACCEPT,
};

/* A name the file gives, kept in file order so the plan keeps it too. */
struct entry {
	enum entry_kind	 kind;
	enum ep_role	 role;		/* of ENTRY_TARGET */
	size_t		 section;	/* whose ports and members apply */
	unsigned	 line;
	char		*name;		/* normalized */
};

struct ep_config {
	char				*path;
	struct ep_settings		 settings;	/* points at the below */
	char				*profile;
	char				*dns;
	char				*ca_file;
	char				*internal_ca;
	struct section			*sections;
	size_t				 nsections;
	struct entry			*entries;
	size_t				 nentries;
};

/* The state of one parse. */
struct parse {
	struct ep_config	*c;
	struct ep_ini		*ini;		/* the front end's, for errors */
	struct section		*sect;		/* the current one, NULL before any */
};

/* One list value being taken: its parse and its key. */
struct list {
	struct parse		*p;
	const struct key	*k;
};

/*
 * Sets *out to value as a path: an absolute one as it is, a relative one
 * under the directory of the file, so a file means the same from any
 * working directory.
 */
static int
file_relative(struct parse *p, const char *value, char **out)
{
	const char	*path = p->c->path, *slash = strrchr(path, '/');
	size_t		 dirlen, len;

	if (value[0] == '/' || slash == NULL)
		*out = strdup(value);
	else {
		/* "/x.conf" lives in "/", not in "". */
		dirlen = slash == path ? 1 : (size_t)(slash - path);
		len = dirlen + 1 + strlen(value) + 1;
		if ((*out = malloc(len)) != NULL)
			snprintf(*out, len, "%.*s/%s", (int)dirlen, path,
			    value);
	}
	if (*out == NULL)
		return ep_ini_fail(p->ini, "%s", strerror(ENOMEM));
	return 0;
}

/* Sets *out to a copy of value, or with path set, to value as a path. */
static int
set_string(struct parse *p, char **out, const char *value, int path)
{
	if (path)
		return file_relative(p, value, out);
	if ((*out = strdup(value)) == NULL)
		return ep_ini_fail(p->ini, "%s", strerror(ENOMEM));
	return 0;
}

/* Checks one DNS server as --dns takes it: ADDR, ADDR:PORT, [ADDR6]:PORT. */
static int
dns_server(struct parse *p, const struct key *k, const char *item)
{
	char		 host[INET6_ADDRSTRLEN + 1];
	const char	*s = item, *end, *port = NULL;
	unsigned char	 a[16];
	size_t		 len;
	uint16_t	 v;
	int		 af = AF_INET;

	if (s[0] == '[') {
		/* Brackets exist only to carry a port. */
		if ((end = strchr(s, ']')) == NULL || end[1] != ':')
			goto bad;
		s++;
		port = end + 2;
		af = AF_INET6;
	} else if (strchr(s, ':') != strrchr(s, ':')) {
		end = s + strlen(s);
		af = AF_INET6;
	} else if ((end = strchr(s, ':')) != NULL)
		port = end + 1;
	else
		end = s + strlen(s);
	len = (size_t)(end - s);
	if (len >= sizeof(host))
		goto bad;
	memcpy(host, s, len);
	host[len] = '\0';
	if (inet_pton(af, host, a) != 1)
		goto bad;
	if (port != NULL && ep_ini_port(p->ini, k->name, port, &v) == -1)
		return -1;
	return 0;
bad:
	return ep_ini_fail(p->ini, "%s '%.100s': expected an IP address with "
	    "an optional port ([ADDR]:PORT for IPv6)", k->name, item);
}

/* Reads a pool member: an IPv4 or IPv6 address, no port. */
static int
member_addr(struct parse *p, const struct key *k, const char *s,
    struct ep_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, s, out->addr) == 1)
		out->family = AF_INET6;
	else
		return ep_ini_fail(p->ini, "%s '%.100s': not an IPv4 or IPv6 "
		    "address", k->name, s);
	return 0;
}

int
ep_limit_parse(const char *name, const char *s, unsigned *ms, char *err,
    size_t errlen)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' ||
	    !(v >= EP_LIMIT_S_MIN && v <= EP_LIMIT_S_MAX)) {
		snprintf(err, errlen, "%s '%.100s': expected seconds from %g "
		    "to %g", name, s, EP_LIMIT_S_MIN, EP_LIMIT_S_MAX);
		return -1;
	}
	*ms = (unsigned)(v * 1000 + 0.5);
	return 0;
}

static int
add_entry(struct parse *p, enum entry_kind kind, enum ep_role role,
    const char *name)
{
	struct ep_config	*c = p->c;
	struct entry		*ne;

	if ((ne = reallocarray(c->entries, c->nentries + 1,
	    sizeof(*ne))) == NULL)
		return ep_ini_fail(p->ini, "%s", strerror(ENOMEM));
	c->entries = ne;
	ne = &ne[c->nentries];
	ne->kind = kind;
	ne->role = role;
	ne->section = (size_t)(p->sect - c->sections);
	ne->line = ep_ini_line(p->ini);
	if ((ne->name = strdup(name)) == NULL)
		return ep_ini_fail(p->ini, "%s", strerror(ENOMEM));
	c->nentries++;
	return 0;
}

/* Takes one item of a list value (blanks around it trimmed). */
static int
list_item(struct ep_ini *ini, void *arg, const char *item)
{
	struct list		*l = arg;
	struct parse		*p = l->p;
	const struct key	*k = l->k;
	struct role_conf	*rc = &p->sect->roles[k->role];
	struct ep_addr		 a, *nm;
	char			 name[EP_NAME_MAX + 1], reason[REASON_MAX];
	uint16_t		 port;
	size_t			 i;

	switch (k->kind) {
	case KEY_SIP_DOMAINS:
		if (ep_ini_host(ini, k->name, item, name, sizeof(name)) == -1)
			return -1;
		return add_entry(p, ENTRY_SIP_DOMAIN, EP_ROLE_GENERIC, name);
	case KEY_PUBLISHED:
		if (ep_ini_host(ini, k->name, item, name, sizeof(name)) == -1)
			return -1;
		return add_entry(p, ENTRY_PUBLISHED, k->role, name);
	case KEY_ACCEPT:
		if (ep_accept_check(item, reason, sizeof(reason)) == -1)
			return ep_ini_fail(ini, "%s %s", k->name, reason);
		return add_entry(p, ENTRY_ACCEPT, EP_ROLE_GENERIC, item);
	case KEY_DNS:
		return dns_server(p, k, item);
	case KEY_PORTS:
		if (ep_ini_port(ini, k->name, item, &port) == -1)
			return -1;
		for (i = 0; i < rc->nports; i++)
			if (rc->ports[i] == port)
				return ep_ini_fail(ini, "%s: port %u listed "
				    "twice", k->name, port);
		if (rc->nports == EP_PORTS_MAX)
			return ep_ini_fail(ini, "%s: more than %d ports",
			    k->name, EP_PORTS_MAX);
		rc->ports[rc->nports++] = port;
		return 0;
	case KEY_MEMBERS:
		if (member_addr(p, k, item, &a) == -1)
			return -1;
		for (i = 0; i < rc->nmembers; i++)
			if (memcmp(&rc->members[i], &a, sizeof(a)) == 0)
				return ep_ini_fail(ini, "%s: %s listed twice",
				    k->name, item);
		if (rc->nmembers == EP_MEMBERS_MAX)
			return ep_ini_fail(ini, "%s: more than %d members",
			    k->name, EP_MEMBERS_MAX);
		if ((nm = reallocarray(rc->members, rc->nmembers + 1,
		    sizeof(*nm))) == NULL)
			return ep_ini_fail(ini, "%s", strerror(ENOMEM));
		rc->members = nm;
		nm[rc->nmembers++] = a;
		return 0;
	default:
		return ep_ini_fail(ini, "%s: not a list", k->name);
	}
}

static int
list_value(struct parse *p, const struct key *k, const char *value)
{
	struct list	l = { p, k };

	return ep_ini_list(p->ini, k->name, value, list_item, &l);
}

/* Rewrites a checked server list without blanks, as --dns takes it. */
static int
set_dns(struct parse *p, const struct key *k, const char *value)
{
	const char	*v;
	char		*q;
	size_t		 n = 1;

	if (list_value(p, k, value) == -1)
		return -1;
	for (v = value; *v != '\0'; v++)
		if (*v == ',')
			n++;
	if (n > EP_DNS_SERVERS_MAX)
		return ep_ini_fail(p->ini, "%s: more than %d servers", k->name,
		    EP_DNS_SERVERS_MAX);
	if ((p->c->dns = malloc(strlen(value) + 1)) == NULL)
		return ep_ini_fail(p->ini, "%s", strerror(ENOMEM));
	for (q = p->c->dns, v = value; *v != '\0'; v++)
		if (*v != ' ' && *v != '\t')
			*q++ = *v;
	*q = '\0';
	return 0;
}

/* Sets *out to a number of days, as --warn-days and --crit-days take. */
static int
set_days(struct parse *p, const struct key *k, const char *value,
    struct ep_threshold *out)
{
	char	reason[REASON_MAX];

	const struct ep_threshold	*warn = &p->c->settings.warn;
	const struct ep_threshold	*crit = &p->c->settings.crit;
	char				 w[16], c[16];
	size_t				 i;
	unsigned			 first = 0;

	if (ep_threshold_parse(k->name, value, out, reason,
	    sizeof(reason)) == -1)
		return ep_ini_fail(p->ini, "%s", reason);
	/*
	 * A certificate must warn before it is critical; in different
	 * units the two are not compared (edgeprobe(1), --crit-days).
	 */
	if (warn->value == -1 || crit->value == -1 ||
	    warn->percent != crit->percent || crit->value <= warn->value)
		return 0;
	for (i = 0; i < NELEM(keys); i++)
		if (keys[i].section == p->sect->type && &keys[i] != k &&
		    (keys[i].kind == KEY_WARN_DAYS ||
		    keys[i].kind == KEY_CRIT_DAYS))
			first = p->sect->seen[i];
	ep_threshold_text(warn, w, sizeof(w));
	ep_threshold_text(crit, c, sizeof(c));
	return ep_ini_fail(p->ini, "crit-days %s is more than warn-days %s "
	    "(line %u and this one): a certificate would be critical before "
	    "it warns", c, w, first);
}

/* Takes one "key = value" line of the current section. */
static int
on_key(struct ep_ini *ini, void *arg, const char *name, const char *value)
{
	struct parse		*p = arg;
	struct ep_config	*c = p->c;
	struct section		*s = p->sect;
	const struct key	*k = NULL;
	char			 fqdn[EP_NAME_MAX + 1], reason[REASON_MAX];
	unsigned		 line = ep_ini_line(ini);
	size_t			 i;

	p->ini = ini;
	if (s == NULL)
		return ep_ini_fail(ini, "%s outside a section: it belongs "
		    "under [deployment], [edge-pool] or [reverse-proxy]", name);
	for (i = 0; i < NELEM(keys); i++)
		if (keys[i].section == s->type &&
		    strcmp(keys[i].name, name) == 0)
			k = &keys[i];
	if (k == NULL) {
		for (i = 0; i < NELEM(keys); i++)
			if (strcmp(keys[i].name, name) == 0)
				return ep_ini_fail(ini, "%s belongs in [%s], "
				    "not [%s]", name,
				    section_types[keys[i].section],
				    section_types[s->type]);
		return ep_ini_fail(ini, "unknown key '%.100s' in [%s]", name,
		    section_types[s->type]);
	}
	i = (size_t)(k - keys);
	if (s->seen[i] != 0 && !k->list)
		return ep_ini_fail(ini, "%s given twice (first on line %u)",
		    k->name, s->seen[i]);
	if (s->seen[i] == 0)
		s->seen[i] = line;

	switch (k->kind) {
	case KEY_PROFILE:
		/* A name is built in; with a slash it is a profile file. */
		return set_string(p, &c->profile, value,
		    strchr(value, '/') != NULL);
	case KEY_DNS:
		return set_dns(p, k, value);
	case KEY_CA_FILE:
		return set_string(p, &c->ca_file, value, 1);
	case KEY_INTERNAL_CA:
		return set_string(p, &c->internal_ca, value, 1);
	case KEY_WARN_DAYS:
		return set_days(p, k, value, &c->settings.warn);
	case KEY_CRIT_DAYS:
		return set_days(p, k, value, &c->settings.crit);
	case KEY_LIMIT:
		if (ep_limit_parse(k->name, value,
		    &c->settings.limit_ms[k->role], reason,
		    sizeof(reason)) == -1)
			return ep_ini_fail(ini, "%s", reason);
		return 0;
	case KEY_FQDN:
		if (strchr(value, ',') != NULL)
			return ep_ini_fail(ini, "%s takes one name; another "
			    "pool or proxy is another section", k->name);
		if (ep_ini_host(ini, k->name, value, fqdn, sizeof(fqdn)) == -1)
			return -1;
		s->roles[k->role].fqdn_line = line;
		return add_entry(p, ENTRY_TARGET, k->role, fqdn);
	case KEY_FEDERATION_PORT:
		s->federation_line = line;
		return ep_ini_port(ini, k->name, value, &s->federation_port);
	case KEY_SIP_DOMAINS:
	case KEY_PORTS:
	case KEY_MEMBERS:
	case KEY_PUBLISHED:
	case KEY_ACCEPT:
		return list_value(p, k, value);
	}
	return ep_ini_fail(ini, "%s: not handled", k->name);
}

/* Writes a section's header for messages: [TYPE "NAME"] or [TYPE]. */
static const char *
section_title(const struct section *s, char *buf, size_t len)
{
	if (s->name[0] != '\0')
		snprintf(buf, len, "[%s \"%s\"]", section_types[s->type],
		    s->name);
	else
		snprintf(buf, len, "[%s]", section_types[s->type]);
	return buf;
}

/* Checks what only a whole section shows: its names, and keys that need one. */
static int
section_end(struct parse *p)
{
	const struct section	*s = p->sect;
	const struct role_conf	*rc;
	char			 title[SECTION_NAME_MAX + 32];
	size_t			 i, r, named = 0;

	if (s == NULL)
		return 0;
	for (r = 0; r < EP_ROLE__MAX; r++)
		if (s->roles[r].fqdn_line != 0)
			named++;
	section_title(s, title, sizeof(title));
	if (s->type == SECT_EDGE_POOL && named == 0)
		return ep_ini_fail_at(p->ini, s->line, "%s names no access, "
		    "webcon, av or internal FQDN", title);
	if (s->type == SECT_REVERSE_PROXY && named == 0)
		return ep_ini_fail_at(p->ini, s->line, "%s has no fqdn", title);
	/* Ports or members of a role the section names nobody in. */
	for (i = 0; i < NELEM(keys); i++) {
		if (keys[i].section != s->type || s->seen[i] == 0 ||
		    (keys[i].kind != KEY_PORTS && keys[i].kind != KEY_MEMBERS &&
		    keys[i].kind != KEY_FEDERATION_PORT))
			continue;
		if (s->roles[keys[i].role].fqdn_line == 0)
			return ep_ini_fail_at(p->ini, s->seen[i], "%s without "
			    "%s in %s", keys[i].name,
			    ep_role_name(keys[i].role), title);
	}
	if (s->federation_port != 0) {
		rc = &s->roles[EP_ROLE_ACCESS];
		if (rc->nports == 0)
			return ep_ini_fail_at(p->ini, s->federation_line,
			    "federation-port needs access-ports, the list it "
			    "picks from");
		for (i = 0; i < rc->nports; i++)
			if (rc->ports[i] == s->federation_port)
				break;
		if (i == rc->nports)
			return ep_ini_fail_at(p->ini, s->federation_line,
			    "federation-port %u is not one of access-ports",
			    s->federation_port);
	}
	return 0;
}

/* Characters of a section name: unquoted, or also blanks when quoted. */
static int
name_char(char ch, int quoted)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' ||
	    (quoted && ch == ' ');
}

/*
 * Starts the section of a header, closing the one before: TYPE, TYPE NAME
 * or TYPE "NAME", the text between the brackets.
 */
static int
on_section(struct ep_ini *ini, void *arg, const char *header, size_t len)
{
	struct parse		*p = arg;
	struct ep_config	*c = p->c;
	struct section		*ns;
	char			 type[32], name[SECTION_NAME_MAX + 1], title[128];
	const char		*end = header + len, *q = header;
	size_t			 n, i;
	int			 t, quoted = 0;

	p->ini = ini;
	if (section_end(p) == -1)
		return -1;
	p->sect = NULL;
	for (n = 0; q < end && name_char(*q, 0); q++)
		if (n < sizeof(type) - 1)
			type[n++] = *q;
	type[n] = '\0';
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q < end && *q == '"') {
		quoted = 1;
		q++;
	}
	for (n = 0; q < end && name_char(*q, quoted); q++) {
		if (n == SECTION_NAME_MAX)
			return ep_ini_fail(ini, "a section name has at most "
			    "%d characters", SECTION_NAME_MAX);
		name[n++] = *q;
	}
	name[n] = '\0';
	if (quoted && (q == end || *q++ != '"'))
		return ep_ini_fail(ini, "a quoted section name has letters, "
		    "digits, blanks, '.', '_' and '-', and ends in '\"'");
	if (q != end)
		return ep_ini_fail(ini, "expected [TYPE], [TYPE NAME] or "
		    "[TYPE \"NAME\"], a name having letters, digits, '.', '_' "
		    "and '-'");
	for (t = 0; t < SECT__MAX; t++)
		if (strcmp(section_types[t], type) == 0)
			break;
	if (t == SECT__MAX)
		return ep_ini_fail(ini, "unknown section [%s]: expected "
		    "deployment, edge-pool or reverse-proxy", type);
	if (t == SECT_DEPLOYMENT && (quoted || name[0] != '\0'))
		return ep_ini_fail(ini, "[deployment] takes no name");
	if (quoted && name[0] == '\0')
		return ep_ini_fail(ini, "an empty section name");
	/* Unnamed pools and proxies are distinct sections; named ones too. */
	for (i = 0; i < c->nsections; i++)
		if ((int)c->sections[i].type == t &&
		    (t == SECT_DEPLOYMENT || (name[0] != '\0' &&
		    strcmp(c->sections[i].name, name) == 0)))
			return ep_ini_fail(ini, "%s again (first on line %u)",
			    section_title(&c->sections[i], title,
			    sizeof(title)), c->sections[i].line);
	if (c->nsections == EP_CONFIG_SECTIONS_MAX)
		return ep_ini_fail(ini, "more than %d sections",
		    EP_CONFIG_SECTIONS_MAX);
	if ((ns = reallocarray(c->sections, c->nsections + 1,
	    sizeof(*ns))) == NULL)
		return ep_ini_fail(ini, "%s", strerror(ENOMEM));
	c->sections = ns;
	ns = &ns[c->nsections++];
	memset(ns, 0, sizeof(*ns));
	ns->type = (enum section_type)t;
	memcpy(ns->name, name, sizeof(ns->name));
	ns->line = ep_ini_line(ini);
	p->sect = ns;
	return 0;
}

static int
on_end(struct ep_ini *ini, void *arg)
{
	struct parse	*p = arg;

	p->ini = ini;
	return section_end(p);
}

static const struct ep_ini_spec conf_spec = {
	.section = on_section,
	.key = on_key,
	.end = on_end,
};

int
ep_config_load(const char *path, struct ep_config **out, char *err,
    size_t errlen)
{
	struct ep_config	*c;
	struct parse		 p;
	char			*buf = NULL;
	size_t			 len;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		goto fail;
	}
	ep_settings_init(&c->settings);
	if (ep_file_read(path, EP_CONFIG_FILE_MAX, &buf, &len, err,
	    errlen) == -1)
		goto fail;
	memset(&p, 0, sizeof(p));
	p.c = c;
	if (ep_ini_parse(path, buf, len, &conf_spec, &p, err, errlen) == -1)
		goto fail;

	c->settings.profile = c->profile;
	c->settings.dns = c->dns;
	c->settings.ca_file = c->ca_file;
	c->settings.internal_ca = c->internal_ca;
	free(buf);
	*out = c;
	return 0;
fail:
	free(buf);
	ep_config_free(c);
	return -1;
}

void
ep_config_free(struct ep_config *c)
{
	size_t	i, r;

	if (c == NULL)
		return;
	for (i = 0; i < c->nsections; i++)
		for (r = 0; r < EP_ROLE__MAX; r++)
			free(c->sections[i].roles[r].members);
	for (i = 0; i < c->nentries; i++)
		free(c->entries[i].name);
	free(c->sections);
	free(c->entries);
	free(c->path);
	free(c->profile);
	free(c->dns);
	free(c->ca_file);
	free(c->internal_ca);
	free(c);
}

const struct ep_settings *
ep_config_settings(const struct ep_config *c)
{
	return &c->settings;
}

void
ep_settings_init(struct ep_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->warn.value = -1;
	s->crit.value = -1;
}

void
ep_settings_fill(struct ep_settings *s, const struct ep_config *c)
{
	const struct ep_settings	*f = &c->settings;
	size_t				 i;

	if (s->profile == NULL)
		s->profile = f->profile;
	if (s->dns == NULL)
		s->dns = f->dns;
	if (s->ca_file == NULL)
		s->ca_file = f->ca_file;
	if (s->internal_ca == NULL)
		s->internal_ca = f->internal_ca;
	if (s->warn.value < 0)
		s->warn = f->warn;
	if (s->crit.value < 0)
		s->crit = f->crit;
	for (i = 0; i < EP_LIMIT__MAX; i++)
		if (s->limit_ms[i] == 0)
			s->limit_ms[i] = f->limit_ms[i];
}

void
ep_settings_finish(struct ep_settings *s)
{
	if (s->profile == NULL)
		s->profile = PROFILE_DEFAULT;
	if (s->warn.value < 0) {
		s->warn.value = WARN_DAYS_DEFAULT;
		s->warn.percent = 0;
	}
	if (s->crit.value < 0) {
		s->crit.value = CRIT_DAYS_DEFAULT;
		s->crit.percent = 0;
	}
	if (s->limit_ms[EP_LIMIT_TIMEOUT] == 0)
		s->limit_ms[EP_LIMIT_TIMEOUT] = TIMEOUT_DEFAULT_MS;
	/* c-ares tries twice, the second time twice as long: 3x in all. */
	if (s->limit_ms[EP_LIMIT_DNS] == 0)
		s->limit_ms[EP_LIMIT_DNS] =
		    s->limit_ms[EP_LIMIT_TIMEOUT] < DNS_TIMEOUT_MAX_MS ?
		    s->limit_ms[EP_LIMIT_TIMEOUT] : DNS_TIMEOUT_MAX_MS;
}

/*
 * The flags of the i-th port a section gives role: those of the profile's
 * i-th port of the role, as --port does, unless federation-port says.
 */
static unsigned
port_flags(const struct ep_profile *prof, const struct section *s,
    enum ep_role role, size_t i)
{
	const struct ep_role_rules	*r = &prof->roles[role];
	unsigned			 flags;

	flags = i < r->nports ? r->ports[i].flags : 0;
	if (role == EP_ROLE_ACCESS && s->federation_port != 0) {
		flags &= ~(unsigned)EP_PORT_FEDERATION;
		if (s->roles[role].ports[i] == s->federation_port)
			flags |= EP_PORT_FEDERATION;
	}
	return flags;
}

/* Adds name in role with the ports and members its section gives. */
static int
add_target(const struct ep_config *c, struct ep_plan *plan,
    const struct entry *e, enum ep_role role, const char *source, char *err,
    size_t errlen)
{
	const struct section	*s = &c->sections[e->section];
	const struct role_conf	*rc = &s->roles[role];
	struct ep_port		 port;
	size_t			 i;

	if (ep_plan_add_target(plan, role, e->name, source, err, errlen) == -1)
		return -1;
	for (i = 0; i < rc->nports; i++) {
		port.port = rc->ports[i];
		port.flags = port_flags(ep_plan_profile(plan), s, role, i);
		if (ep_plan_add_target_port(plan, role, e->name, &port, source,
		    err, errlen) == -1)
			return -1;
	}
	for (i = 0; i < rc->nmembers; i++)
		if (ep_plan_add_member(plan, role, e->name, &rc->members[i],
		    source, err, errlen) == -1)
			return -1;
	return 0;
}

int
ep_config_apply(const struct ep_config *c, struct ep_plan *plan, char *err,
    size_t errlen)
{
	const struct entry	*e;
	char			 source[EP_SOURCE_MAX], reason[REASON_MAX];
	size_t			 i;
	int			 rc = 0;

	/* What load checked cannot fail here: only memory and plan limits. */
	for (i = 0; rc == 0 && i < c->nentries; i++) {
		e = &c->entries[i];
		snprintf(source, sizeof(source), "%s:%u", c->path, e->line);
		switch (e->kind) {
		case ENTRY_SIP_DOMAIN:
			rc = ep_plan_add_sip_domain(plan, e->name, reason,
			    sizeof(reason));
			break;
		case ENTRY_PUBLISHED:
			rc = ep_plan_add_published(plan, e->name, source,
			    reason, sizeof(reason));
			if (rc == 0)
				rc = add_target(c, plan, e,
				    EP_ROLE_REVERSE_PROXY, source, reason,
				    sizeof(reason));
			break;
		case ENTRY_TARGET:
			rc = add_target(c, plan, e, e->role, source, reason,
			    sizeof(reason));
			break;
		case ENTRY_ACCEPT:
			rc = ep_plan_add_accept(plan, e->name, "accept", reason,
			    sizeof(reason));
			break;
		}
		if (rc == -1)
			snprintf(err, errlen, "%s: %s", source, reason);
	}
	return rc;
}

int
ep_threshold_parse(const char *name, const char *s, struct ep_threshold *out,
    char *err, size_t errlen)
{
	const char	*q;
	long		 v = 0;
	int		 pct;

	for (q = s; *q >= '0' && *q <= '9' && v <= EP_DAYS_MAX; q++)
		v = v * 10 + (*q - '0');
	pct = *q == '%';
	if (q == s || (pct ? q[1] != '\0' || v < 1 || v > 99 :
	    *q != '\0' || v > EP_DAYS_MAX)) {
		snprintf(err, errlen, "%s '%.100s': expected a whole number "
		    "of days from 0 to %d, or a share of the lifetime from 1%% "
		    "to 99%%", name, s, EP_DAYS_MAX);
		return -1;
	}
	out->value = (int)v;
	out->percent = pct;
	return 0;
}

long long
ep_threshold_seconds(const struct ep_threshold *t, time_t not_before,
    time_t not_after)
{
	long long	life = (long long)not_after - not_before;

	if (!t->percent)
		return (long long)t->value * 86400;
	return life > 0 ? life / 100 * t->value + life % 100 * t->value / 100 :
	    0;
}

void
ep_threshold_text(const struct ep_threshold *t, char *out, size_t outlen)
{
	snprintf(out, outlen, "%d%s", t->value, t->percent ? "%" : "");
}
