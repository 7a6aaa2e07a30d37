/*
 * Built-in role profiles.  The values restate Microsoft's "Certificate
 * requirements for external user access in Lync Server 2013" and the
 * pages it links (wildcard support, reverse proxy certificates).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_profile.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct ep_role_rules lync2013_roles[EP_ROLE__MAX] = {
	[EP_ROLE_ACCESS] = {
		.name = "access",
		.title = "ACCESS EDGE",
		.probed = 1,
		.ports = { { 443, 0 }, { 5061, EP_PORT_FEDERATION } },
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
		.ports = { { 443, 0 } },
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
		.ports = { { 5061, 0 } },
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
		.ports = { { 443, 0 } },
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
		.ip_names_ok = 1,
		.ports = { { 443, 0 } },
		.nports = 1,
		.trust = EP_TRUST_PUBLIC,
		.names = EP_NAMES_SAN_ONLY,
		.wildcard_ok = 1,
		.pool = EP_POOL_NONE,
	},
};

int
ep_profile_load(const char *name, struct ep_profile **out, char *err,
    size_t errlen)
{
	struct ep_profile	*p;
	size_t			 i;

	*out = NULL;
	if (strcmp(name, "lync2013") != 0) {
		snprintf(err, errlen, "no profile named '%.100s'", name);
		return -1;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	snprintf(p->name, sizeof(p->name), "lync2013");
	snprintf(p->description, sizeof(p->description), "Lync Server 2013 "
	    "edge and reverse proxy certificate requirements");
	memcpy(p->roles, lync2013_roles, sizeof(p->roles));
	for (i = 0; i < EP_CHECK__MAX; i++)
		p->severity[i] = ep_check_info((enum ep_check)i)->severity;
	p->min_rsa_bits = 2048;
	p->min_ec_bits = 256;
	*out = p;
	return 0;
}

void
ep_profile_free(struct ep_profile *p)
{
	free(p);
}

const char *const *
ep_profile_builtin_names(void)
{
	static const char *const names[] = { "lync2013", NULL };

	return names;
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
