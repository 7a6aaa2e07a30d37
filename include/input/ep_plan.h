#ifndef EP_PLAN_H
#define EP_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "input/ep_dns.h"
#include "input/ep_hostname.h"
#include "input/ep_profile.h"

/*
 * The plan: which names are checked in which role, on which ports, for
 * which SIP domains.  Built from flags, deployment files and targets
 * files before any socket opens.  During the run, SIP-domain discovery
 * adds what DNS publishes through one door, ep_plan_add_found; after the
 * run, ep_plan_settle puts what was found in a fixed order, whatever
 * order the answers came in.  Read-only from then on.
 */

#define EP_PLAN_NAMES_MAX	(1 << 20)	/* targets, SIP domains or published names:
					   a host's tenants, by the hundred thousand */
#define EP_SOURCE_MAX		1024	/* how a target was found, as text */
#define EP_MEMBERS_MAX		64	/* explicit addresses of one target */
#define EP_GROUP_NONE		((size_t)-1)	/* a target named by flags or files */

struct ep_plan;

/* One name to probe in one role; its name and role never change once added. */
struct ep_target {
	enum ep_role	 role;		/* what it is */
	char		*name;		/* lowercase, no trailing dot; or an IP
					   address where the role allows */
	char		*source;	/* how it entered the plan: "--access",
					   "_sip._tls.contoso.com SRV", ... */
	struct ep_port	 ports[EP_PORTS_MAX];	/* its own ports... */
	size_t		 nports;	/* ...or 0: the role's ports */
	struct ep_addr	*members;	/* explicit pool members: no DNS lookup */
	size_t		 nmembers;
	size_t		 group;		/* the first group (argument) that found
					   it, or EP_GROUP_NONE */
	size_t		*in_groups;	/* every group that found it */
	size_t		 nin_groups;
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
 * Returns the profile the plan was made under.
 */
const struct ep_profile *ep_plan_profile(const struct ep_plan *plan);

/*
 * Returns the number of targets, and target i (below that number).
 */
size_t ep_plan_ntargets(const struct ep_plan *plan);
const struct ep_target *ep_plan_target(const struct ep_plan *plan, size_t i);

/*
 * Returns the number of SIP domains, and domain i (lowercase, no trailing
 * dot).
 */
size_t ep_plan_nsip_domains(const struct ep_plan *plan);
const char *ep_plan_sip_domain(const struct ep_plan *plan, size_t i);

/*
 * Returns the number of names the reverse proxy publishes, and name i.
 */
size_t ep_plan_npublished(const struct ep_plan *plan);
const char *ep_plan_published(const struct ep_plan *plan, size_t i);

/*
 * Finds the target of name (normalized) in role.  Returns 0 and sets
 * *index, or -1 when the plan has none.
 */
int ep_plan_find(const struct ep_plan *plan, enum ep_role role,
    const char *name, size_t *index);

/*
 * Returns 1 when name (normalized) is a published name, 0 otherwise.
 */
int ep_plan_is_published(const struct ep_plan *plan, const char *name);

/*
 * Returns the number of groups (arguments: SIP domains, hosts), and the
 * argument of group g as it was given.
 */
size_t ep_plan_ngroups(const struct ep_plan *plan);
const char *ep_plan_group(const struct ep_plan *plan, size_t g);

/*
 * Adds name in role.  The name is checked to be a host name to look up
 * (see ep_host_problem) and stored normalized; adding the same name in the
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
 * Sets *ports to the ports of role (the profile's, or as set by
 * ep_plan_set_ports) and returns how many.
 */
size_t ep_plan_role_ports(const struct ep_plan *plan, enum ep_role role,
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
 * certificate must cover it.  source says where it came from
 * ("--published", a file line, a record).  Returns 0, or -1 with a reason
 * in err.
 */
int ep_plan_add_published(struct ep_plan *plan, const char *name,
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

/*
 * Adds name (a SIP domain, or a host name in one) to be discovered in DNS
 * during the run, in a group of its own named after it (see
 * ep_plan_begin_group).  Returns 0, or -1 with a reason in err: name is
 * no host name, or more than EP_PLAN_NAMES_MAX are given.
 */
int ep_plan_add_discovery(struct ep_plan *plan, const char *name, char *err,
    size_t errlen);

/*
 * Returns the number of names to discover, and name i (normalized) with
 * its group in *group.
 */
size_t ep_plan_ndiscoveries(const struct ep_plan *plan);
const char *ep_plan_discovery(const struct ep_plan *plan, size_t i,
    size_t *group);

/*
 * Accepts the findings of a check, on one name or on all: an accepted
 * finding stays in every report, marked accepted, but sets no status, so
 * that a known and accepted warning does not hold a scheduled check in
 * WARNING for good.  spec is "CHECK" or "CHECK@NAME" (CHECK an ID of the
 * check table, NAME a host name).  Returns 0, or -1 with a reason in err.
 */
int ep_plan_add_accept(struct ep_plan *plan, const char *spec,
    const char *source, char *err, size_t errlen);

/*
 * Checks spec as ep_plan_add_accept takes it, with no plan: for a file
 * read before the plan is made.  Returns 0, or -1 with a reason in err.
 */
int ep_accept_check(const char *spec, char *err, size_t errlen);

/*
 * Returns 1 when findings of check are accepted on name or on name2
 * (either may be NULL: a finding of the whole deployment), 0 otherwise.
 */
int ep_plan_accepted(const struct ep_plan *plan, enum ep_check check,
    const char *name, const char *name2);

/*
 * Returns the number of accepts, and accept i as "CHECK[@NAME]".
 */
size_t ep_plan_naccepts(const struct ep_plan *plan);
const char *ep_plan_accept(const struct ep_plan *plan, size_t i);

#define EP_FOUND_PUBLISHED_MAX	4	/* published names of one domain */
#define EP_FOUND_TOUCHED_MAX	64	/* targets one domain's records name */

/* One kind of SRV record found for a SIP domain. */
struct ep_found_srv {
	const char		*qname;	/* "_sip._tls.contoso.com" */
	const struct ep_srv	*v;	/* the records, in client order */
	size_t			 n;
	unsigned		 flags;	/* EP_PORT_* of the ports they name */
};

/* What discovery found in DNS for one SIP domain. */
struct ep_found {
	const char		*domain;	/* the SIP domain, normalized */
	struct ep_found_srv	 srv[2];	/* sign-in and federation */
	const char		*access;	/* sip.<domain> when it resolves,
						   else NULL */
	const char		*published[EP_FOUND_PUBLISHED_MAX];
						/* names of the reverse proxy
						   that resolve */
	size_t			 npublished;
};

/*
 * The door discovery adds through, during the run: the SIP domain of f,
 * an access edge target for each SRV record that names a probable host
 * (on the record's port, with the kind's flags, source "QNAME SRV"),
 * f->access as an access edge target on the role's ports, and each
 * published name (source "NAME A/AAAA"), all in group.  A target reached
 * several ways is probed on every port that led to it.  Records that
 * cannot be probed (an IP address, no host name, port 0, ".") are left
 * out: the rules report them from the observations.  Sets touched[0 ..
 * *ntouched - 1] (room for EP_FOUND_TOUCHED_MAX) to every target the
 * records named, new or not.  Returns 0, or -1 with a reason in err.
 */
int ep_plan_add_found(struct ep_plan *plan, size_t group,
    const struct ep_found *f, size_t *touched, size_t *ntouched, char *err,
    size_t errlen);

/*
 * Puts what the door added in the order of the arguments that found it,
 * as if each had been discovered in turn: targets, SIP domains and
 * published names.  Targets named before the run keep their place, first.
 * Sets *remap to a new array (free it) mapping each old target index to
 * its new one.  Returns 0, or -1 when out of memory.
 */
int ep_plan_settle(struct ep_plan *plan, size_t **remap);

#endif /* EP_PLAN_H */
