#ifndef EP_PROFILE_H
#define EP_PROFILE_H

#include <stdint.h>
#include <stddef.h>

#include "input/ep_check.h"

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

#define EP_PORTS_MAX	8	/* ports per role or target */
#define EP_RSA_SIZES_MAX	8	/* supported RSA sizes listed per role */
#define EP_HASHES_MAX	8	/* weak signature hashes listed */
#define EP_PROFILE_NAME_MAX	64
#define EP_PROFILE_FILE_MAX	(1024 * 1024)	/* bytes of a profile file */

#define EP_PORT_FEDERATION	0x01	/* the edge is a TLS client here too: clientAuth */

/* One port of a role or target and what it serves. */
struct ep_port {
	uint16_t	port;
	unsigned	flags;		/* EP_PORT_* */
};

enum ep_trust_kind {
	EP_TRUST_PUBLIC,		/* public CA only */
	EP_TRUST_INTERNAL_OR_PUBLIC,	/* internal anchors accepted too */
};

enum ep_name_source {
	EP_NAMES_SAN_ONLY,		/* TLS clients ignore the subject */
	EP_NAMES_SAN_OR_CN,		/* subject CN accepted (edge internal) */
};

enum ep_subject_policy {
	EP_SUBJECT_ANY,			/* the subject CN is not checked */
	EP_SUBJECT_SELF,		/* the CN should be the endpoint's FQDN */
};

enum ep_arguments {
	EP_ARGS_SIP_DOMAINS,		/* arguments are SIP domains to discover */
	EP_ARGS_HOSTS,			/* arguments are HOST[:PORT] to probe as is */
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
	struct ep_port		 ports[EP_PORTS_MAX];	/* default ports */
	size_t			 nports;	/* how many ports are used */
	enum ep_trust_kind	 trust;		/* which anchors a chain may end at */
	enum ep_name_source	 names;		/* where a required name may appear */
	int			 ip_names_ok;	/* targets may be IP addresses (matched
						   against iPAddress SANs only) */
	int			 wildcard_ok;	/* a wildcard SAN may cover a required name */
	int			 subject_wildcard_ok;	/* the subject CN may be a wildcard */
	enum ep_subject_policy	 subject;	/* what the subject CN should be */
	int			 need_sip_domains;	/* must cover sip.<d> for every SIP domain */
	int			 need_published;	/* must cover every published name */
	unsigned		 offline_also;	/* roles (1u << enum ep_role) whose
						   names a file judged offline must
						   cover too */
	unsigned		 expected_with;	/* roles (1u << enum ep_role) whose
						   presence makes this one expected */
	int			 wildcard_order;	/* explicit SANs must precede wildcards */
	int			 revocation_required;	/* 1: the role's clients
						   check revocation and fail
						   when they cannot (Windows,
						   federation partners); 0:
						   they go on without it */
	int			 server_auth_required;	/* 1: the leaf must have an
						   EKU with serverAuth; 0: only
						   when it has an EKU at all
						   (RFC 5280: none is any
						   purpose) */
	unsigned		 rsa_sizes[EP_RSA_SIZES_MAX];	/* leaf RSA sizes supported */
	size_t			 nrsa_sizes;	/* 0: any size */
	enum ep_pool_policy	 pool;		/* what pool members must share */
};

/* A named set of role rules and check severities, loaded from probes/. */
struct ep_profile {
	char			 name[EP_PROFILE_NAME_MAX];	/* e.g. "lync2013" */
	char			 description[256];	/* one line */
	struct ep_role_rules	 roles[EP_ROLE__MAX];	/* indexed by enum ep_role */
	enum ep_severity	 severity[EP_CHECK__MAX];	/* EP_SEV_OK: the check is off */
	unsigned		 min_rsa_bits;	/* weaker RSA keys are weak-key */
	unsigned		 min_ec_bits;	/* weaker EC keys are weak-key */
	int			 weak_hashes[EP_HASHES_MAX];	/* gnutls_digest_algorithm_t */
	size_t			 nweak_hashes;
	int			 pss_ok;	/* RSASSA-PSS signatures are supported */
	int			 min_tls;	/* gnutls_protocol_t; below: tls-legacy-version */
	enum ep_arguments	 arguments;	/* what the command line's arguments are */
};

/*
 * Loads a profile: name_or_path is a built-in profile's name (the files of
 * probes/, compiled in) or the path of a profile file.  A malformed file
 * is rejected whole with "file:line: reason" in err.  Returns 0 and sets
 * *out (free with ep_profile_free), or -1.
 */
int ep_profile_load(const char *name_or_path, struct ep_profile **out,
    char *err, size_t errlen);

/*
 * Frees a profile; p may be NULL.
 */
void ep_profile_free(struct ep_profile *p);

/*
 * Returns the names of the built-in profiles, NULL-terminated.
 */
const char *const *ep_profile_builtin_names(void);

/*
 * Looks a role up by its name ("access", "webcon", "av", "internal",
 * "reverse-proxy", "generic").  Returns 0 and sets *out, or -1.
 */
int ep_role_by_name(const char *name, enum ep_role *out);

/*
 * Returns the role's name as used on the command line and in JSON.
 */
const char *ep_role_name(enum ep_role role);

/*
 * Returns the command-line option that names a target of the role:
 * "--access", ..., "--name" for generic.
 */
const char *ep_role_option(enum ep_role role);

/*
 * Looks a role up by its option ("--access", ..., "--name").  Returns 0
 * and sets *out, or -1.
 */
int ep_role_by_option(const char *option, enum ep_role *out);

#endif /* EP_PROFILE_H */
