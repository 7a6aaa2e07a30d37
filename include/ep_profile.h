#ifndef EP_PROFILE_H
#define EP_PROFILE_H

#include <stdint.h>
#include <stddef.h>

#include "ep_check.h"

/*
 * Role rules: what each kind of endpoint must present.  The values are
 * data; the rules module reads them and never tests a role by name.
 */

enum ep_role {
	EP_ROLE_ACCESS,		/* Access Edge external */
	EP_ROLE_WEBCON,		/* Web Conferencing Edge external */
	EP_ROLE_AV,		/* A/V Edge external: not handshaked */
	EP_ROLE_INTERNAL,	/* Edge internal interface */
	EP_ROLE_REVERSE_PROXY,	/* reverse proxy: external web services */
	EP_ROLE_GENERIC,	/* any TLS server */
	EP_ROLE__MAX
};

#define EP_PORTS_MAX	8	/* ports per role */

enum ep_trust_kind {
	EP_TRUST_PUBLIC,		/* public CA only */
	EP_TRUST_INTERNAL_OR_PUBLIC,	/* internal anchors accepted too */
};

enum ep_name_source {
	EP_NAMES_SAN_ONLY,		/* TLS clients ignore the subject */
	EP_NAMES_SAN_OR_CN,		/* subject CN accepted (edge internal) */
};

enum ep_pool_policy {
	EP_POOL_NONE,			/* members may differ */
	EP_POOL_SAME_KEY,		/* one private key across the pool */
};

/* The rules of one role. */
struct ep_role_rules {
	const char		*name;		/* role name on the command line and in JSON */
	const char		*title;		/* heading of the text report */
	int			 probed;	/* 0: nothing to handshake with */
	uint16_t		 ports[EP_PORTS_MAX];	/* default ports */
	size_t			 nports;	/* how many ports are used */
	enum ep_trust_kind	 trust;		/* which anchors a chain may end at */
	enum ep_name_source	 names;		/* where a required name may appear */
	int			 wildcard_ok;	/* a wildcard SAN may cover a required name */
	int			 need_sip_domains;	/* must cover sip.<d> for every SIP domain */
	int			 need_published;	/* must cover every published name */
	enum ep_pool_policy	 pool;		/* what pool members must share */
};

/* A named set of role rules and check severities. */
struct ep_profile {
	const char		*name;			/* e.g. "lync2013" */
	const char		*description;		/* one line */
	struct ep_role_rules	 roles[EP_ROLE__MAX];	/* indexed by enum ep_role */
	enum ep_severity	 severity[EP_CHECK__MAX];	/* indexed by enum ep_check */
};

/*
 * Returns the built-in profile called name, or NULL when there is none.
 * The profile is static and must not be freed.
 */
const struct ep_profile *ep_profile_builtin(const char *name);

/*
 * Looks a role up by its name ("access", "webcon", "av", "internal",
 * "reverse-proxy", "generic").  Returns 0 and sets *out, or -1.
 */
int ep_role_by_name(const char *name, enum ep_role *out);

/*
 * Returns the role's name as used on the command line and in JSON.
 */
const char *ep_role_name(enum ep_role role);

#endif /* EP_PROFILE_H */
