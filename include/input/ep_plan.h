#ifndef EP_PLAN_H
#define EP_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "input/ep_hostname.h"
#include "input/ep_profile.h"
#include "net/ep_resolve.h"

/*
 * The plan: which names are checked in which role, on which ports, for
 * which SIP domains.  Built from flags (and later deployment files or DNS
 * discovery) before any socket opens; read-only afterwards.
 */

#define EP_PLAN_NAMES_MAX	65536	/* targets, SIP domains or published names */
#define EP_SOURCE_MAX		1024	/* how a target was found, as text */
#define EP_MEMBERS_MAX		64	/* explicit addresses of one target */
#define EP_GROUP_NONE		((size_t)-1)	/* a target named by flags or files */

/* One name to probe in one role; its name and role never change once added. */
struct ep_target {
	enum ep_role	 role;		/* what it is */
	char		*name;		/* lowercase, no trailing dot */
	char		*source;	/* how it entered the plan: "--access",
					   "_sip._tls.contoso.com SRV", ... */
	struct ep_port	 ports[EP_PORTS_MAX];	/* its own ports... */
	size_t		 nports;	/* ...or 0: the role's ports */
	struct ep_addr	*members;	/* explicit pool members: no DNS lookup */
	size_t		 nmembers;
	size_t		 group;		/* index into plan->groups, or EP_GROUP_NONE */
	size_t		*in_groups;	/* every group that found it */
	size_t		 nin_groups;
};

struct ep_plan {
	const struct ep_profile	*profile;	/* the role rules in force */
	struct ep_target	*targets;	/* in the order given */
	size_t			 ntargets;
	char			**sip_domains;	/* lowercase, no trailing dot */
	size_t			*sip_groups;	/* each domain's group: EP_GROUP_NONE
						   when flags or files named it */
	size_t			 nsip_domains;
	char			**published;	/* names the reverse proxy publishes */
	size_t			 npublished;
	char			**groups;	/* the arguments targets came from */
	size_t			 ngroups;
	size_t			 cur_group;	/* new targets' group */
	struct ep_port		 ports[EP_ROLE__MAX][EP_PORTS_MAX];	/* per role */
	size_t			 nports[EP_ROLE__MAX];
	size_t			*byname;	/* private: targets hashed by role
						   and name, index + 1; 0 empty */
	size_t			 byname_cap;	/* its slots, a power of two */
};

/*
 * Makes an empty plan under profile p (not copied: it must outlive the
 * plan), with each role's default ports.  Returns NULL when out of memory.
 */
struct ep_plan *ep_plan_new(const struct ep_profile *p);

/*
 * Frees the plan and everything in it; plan may be NULL.
 */
void ep_plan_free(struct ep_plan *plan);

/*
 * Adds name in role.  The name is checked to be a host name (see
 * ep_host_normalize) and stored normalized; adding the same name in the
 * same role twice keeps one.  source says where it came from.  Returns 0,
 * or -1 with a one-line reason in err.
 */
int ep_plan_add_target(struct ep_plan *plan, enum ep_role role,
    const char *name, const char *source, char *err, size_t errlen);

/*
 * Adds name in role (as ep_plan_add_target) with its own port: a target
 * given ports this way is probed on those only, not on the role's.  A port
 * already listed gets flags added.  source is appended to the target's
 * source when it says something new.  Returns 0, or -1 with a reason.
 */
int ep_plan_add_target_port(struct ep_plan *plan, enum ep_role role,
    const char *name, const struct ep_port *port, const char *source,
    char *err, size_t errlen);

/*
 * Adds addr as an explicit pool member of name in role (added if need
 * be): such a target is probed at its members, without a DNS lookup.
 * Returns 0, or -1 with a reason in err.
 */
int ep_plan_add_member(struct ep_plan *plan, enum ep_role role,
    const char *name, const struct ep_addr *addr, const char *source,
    char *err, size_t errlen);

/*
 * Sets *ports to the ports target t is probed on (its own, or its role's)
 * and returns how many.
 */
size_t ep_plan_ports(const struct ep_plan *plan, size_t t,
    const struct ep_port **ports);

/*
 * Starts the group called name (an argument: a SIP domain, a host):
 * targets added from now on that are new to the plan belong to it, so
 * that each argument's results can be reported on their own.  A target
 * found again keeps its first group.  Returns 0, or -1 with a reason.
 */
int ep_plan_begin_group(struct ep_plan *plan, const char *name, char *err,
    size_t errlen);

/*
 * Adds a SIP domain (normalized, deduplicated) in the current group (see
 * ep_plan_begin_group).  Returns 0, or -1 with a reason in err.
 */
int ep_plan_add_sip_domain(struct ep_plan *plan, const char *domain,
    char *err, size_t errlen);

/*
 * Returns 1 when SIP domain d concerns target t: the domain was named by
 * flags or files (it concerns every target), or it was discovered by an
 * argument that also found t.  One command line may hold unrelated
 * deployments; each access edge answers only for its own SIP domains.
 */
int ep_plan_sip_domain_concerns(const struct ep_plan *plan, size_t d,
    size_t t);

/*
 * Adds a name the reverse proxy publishes (meet, dialin, lyncdiscover...):
 * it is probed in the reverse-proxy role and every reverse-proxy
 * certificate must cover it.  Its source is "--published".  Returns 0, or
 * -1 with a reason in err.
 */
int ep_plan_add_published(struct ep_plan *plan, const char *name,
    char *err, size_t errlen);

/*
 * As ep_plan_add_published, with the source given: the record or file
 * line the name came from.
 */
int ep_plan_add_published_from(struct ep_plan *plan, const char *name,
    const char *source, char *err, size_t errlen);

/*
 * Replaces the ports of role with the n given ports (1 to EP_PORTS_MAX,
 * each nonzero).  The i-th new port keeps the flags of the role's i-th
 * default port, so "access=8443,15061" still makes 15061 the federation
 * port.  Returns 0, or -1 with a reason in err.
 */
int ep_plan_set_ports(struct ep_plan *plan, enum ep_role role,
    const uint16_t *ports, size_t n, char *err, size_t errlen);

/*
 * Parses "ROLE=PORT[,PORT...]" and sets that role's ports as
 * ep_plan_set_ports.  Returns 0, or -1 with a reason in err.
 */
int ep_plan_parse_ports(struct ep_plan *plan, const char *spec,
    char *err, size_t errlen);

/*
 * Returns the number of probed targets (those whose role has ports and is
 * handshaked).
 */
size_t ep_plan_probed_targets(const struct ep_plan *plan);

#endif /* EP_PLAN_H */
