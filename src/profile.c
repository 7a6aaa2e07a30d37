/*
 * Built-in role profiles.  The values restate Microsoft's "Certificate
 * requirements for external user access in Lync Server 2013" and the
 * pages it links (wildcard support, reverse proxy certificates).
 */

#include <string.h>

#include "ep_profile.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct ep_role_rules lync2013_roles[EP_ROLE__MAX] = {
	[EP_ROLE_ACCESS] = {
		.name = "access",
		.title = "ACCESS EDGE",
		.probed = 1,
		.ports = { 443, 5061 },	/* client sign-in, federation */
		.nports = 2,
		.trust = EP_TRUST_PUBLIC,
		.names = EP_NAMES_SAN_ONLY,
		.wildcard_ok = 0,
		.need_sip_domains = 1,
		.pool = EP_POOL_SAME_KEY,
	},
	[EP_ROLE_WEBCON] = {
		.name = "webcon",
		.title = "WEB CONFERENCING EDGE",
		.probed = 1,
		.ports = { 443 },
		.nports = 1,
		.trust = EP_TRUST_PUBLIC,
		.names = EP_NAMES_SAN_ONLY,
		.wildcard_ok = 0,
		.pool = EP_POOL_SAME_KEY,
	},
	[EP_ROLE_AV] = {
		/* TURN over TCP on 443 is not TLS: nothing to handshake. */
		.name = "av",
		.title = "A/V EDGE",
		.probed = 0,
		.nports = 0,
		.trust = EP_TRUST_PUBLIC,
		.names = EP_NAMES_SAN_ONLY,
		.pool = EP_POOL_NONE,
	},
	[EP_ROLE_INTERNAL] = {
		.name = "internal",
		.title = "EDGE INTERNAL",
		.probed = 1,
		.ports = { 5061 },
		.nports = 1,
		.trust = EP_TRUST_INTERNAL_OR_PUBLIC,
		.names = EP_NAMES_SAN_OR_CN,
		.wildcard_ok = 1,
		.pool = EP_POOL_SAME_KEY,
	},
	[EP_ROLE_REVERSE_PROXY] = {
		.name = "reverse-proxy",
		.title = "REVERSE PROXY",
		.probed = 1,
		.ports = { 443 },
		.nports = 1,
		.trust = EP_TRUST_PUBLIC,
		.names = EP_NAMES_SAN_ONLY,
		.wildcard_ok = 1,
		.need_published = 1,
		.pool = EP_POOL_NONE,
	},
	[EP_ROLE_GENERIC] = {
		.name = "generic",
		.title = "TLS SERVER",
		.probed = 1,
		.ports = { 443 },
		.nports = 1,
		.trust = EP_TRUST_PUBLIC,
		.names = EP_NAMES_SAN_ONLY,
		.wildcard_ok = 1,
		.pool = EP_POOL_NONE,
	},
};

static struct ep_profile builtin[1];
static int builtin_ready;

/* Severities start as the check table's defaults. */
static void
fill(struct ep_profile *p, const char *name, const char *desc,
    const struct ep_role_rules *roles)
{
	size_t	i;

	p->name = name;
	p->description = desc;
	memcpy(p->roles, roles, sizeof(p->roles));
	for (i = 0; i < EP_CHECK__MAX; i++)
		p->severity[i] = ep_check_info((enum ep_check)i)->severity;
}

const struct ep_profile *
ep_profile_builtin(const char *name)
{
	size_t	i;

	/* Built once, single-threaded, before any use: then read-only. */
	if (!builtin_ready) {
		fill(&builtin[0], "lync2013", "Lync Server 2013 edge and "
		    "reverse proxy certificate requirements", lync2013_roles);
		builtin_ready = 1;
	}
	for (i = 0; i < NELEM(builtin); i++)
		if (strcmp(builtin[i].name, name) == 0)
			return &builtin[i];
	return NULL;
}

int
ep_role_by_name(const char *name, enum ep_role *out)
{
	size_t	i;

	for (i = 0; i < EP_ROLE__MAX; i++) {
		if (strcmp(lync2013_roles[i].name, name) == 0) {
			*out = (enum ep_role)i;
			return 0;
		}
	}
	return -1;
}

const char *
ep_role_name(enum ep_role role)
{
	return lync2013_roles[role].name;
}
