/*
 * The plan: names, roles, ports and SIP domains to check.  Every item
 * has a rank, the order it would have had had discovery run one argument
 * after another: what was named before the run first, then what each
 * argument found, in argument order.  The door keeps each item's least
 * rank; ep_plan_settle sorts by it.
 */

#include <arpa/inet.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/ep_hash.h"
#include "input/ep_hostname.h"
#include "input/ep_plan.h"

/* Where an item would stand: lexicographic, less is earlier. */
struct rank {
	size_t	major;		/* 0 before the run; 1 + the finding group */
	size_t	minor;		/* order of addition */
};

/* Findings accepted: of check, on name ("" for every name). */
struct accept {
	enum ep_check	 check;
	char		*name;
	char		*spec;		/* as given, normalized */
};

/* A name discovery looks up during the run. */
struct discovery {
	char	*name;		/* normalized */
	size_t	 group;
};

struct ep_plan {
	const struct ep_profile	*profile;	/* the role rules in force */
	struct ep_target	*targets;	/* in the order given */
	struct rank		*trank;		/* each target's */
	size_t			 ntargets;
	char			**sip_domains;	/* lowercase, no trailing dot */
	size_t			*sip_groups;	/* each domain's group: EP_GROUP_NONE
						   when flags or files named it */
	struct rank		*srank;
	size_t			 nsip_domains;
	char			**published;	/* names the reverse proxy publishes */
	struct rank		*prank;
	size_t			 npublished;
	char			**groups;	/* the arguments targets came from */
	size_t			 ngroups;
	struct discovery	*disc;
	size_t			 ndisc;
	struct accept		*accepts;
	size_t			 naccepts;
	size_t			 cur_group;	/* new items' group */
	struct rank		 cur_rank;	/* ...and rank: major, and the
						   minor of the next one */
	struct ep_port		 ports[EP_ROLE__MAX][EP_PORTS_MAX];	/* per role */
	size_t			 nports[EP_ROLE__MAX];
	size_t			*byname;	/* targets hashed by role and name,
						   index + 1; 0 empty */
	size_t			 byname_cap;	/* its slots, a power of two */
	size_t			*touched;	/* the door's caller's, or NULL */
	size_t			 ntouched;
};

struct ep_plan *
ep_plan_new(const struct ep_profile *p)
{
	struct ep_plan	*plan;
	size_t		 r;

	if ((plan = calloc(1, sizeof(*plan))) == NULL)
		return NULL;
	plan->profile = p;
	plan->cur_group = EP_GROUP_NONE;
	for (r = 0; r < EP_ROLE__MAX; r++) {
		memcpy(plan->ports[r], p->roles[r].ports, sizeof(plan->ports[r]));
		plan->nports[r] = p->roles[r].nports;
	}
	return plan;
}

const struct ep_profile *
ep_plan_profile(const struct ep_plan *plan)
{
	return plan->profile;
}

size_t
ep_plan_ntargets(const struct ep_plan *plan)
{
	return plan->ntargets;
}

const struct ep_target *
ep_plan_target(const struct ep_plan *plan, size_t i)
{
	return &plan->targets[i];
}

size_t
ep_plan_nsip_domains(const struct ep_plan *plan)
{
	return plan->nsip_domains;
}

const char *
ep_plan_sip_domain(const struct ep_plan *plan, size_t i)
{
	return plan->sip_domains[i];
}

size_t
ep_plan_npublished(const struct ep_plan *plan)
{
	return plan->npublished;
}

const char *
ep_plan_published(const struct ep_plan *plan, size_t i)
{
	return plan->published[i];
}

int
ep_plan_is_published(const struct ep_plan *plan, const char *name)
{
	size_t	i;

	for (i = 0; i < plan->npublished; i++)
		if (strcmp(plan->published[i], name) == 0)
			return 1;
	return 0;
}

size_t
ep_plan_ngroups(const struct ep_plan *plan)
{
	return plan->ngroups;
}

const char *
ep_plan_group(const struct ep_plan *plan, size_t g)
{
	return plan->groups[g];
}

static int
rank_less(struct rank a, struct rank b)
{
	return a.major < b.major || (a.major == b.major && a.minor < b.minor);
}

/* The rank of the next item added. */
static struct rank
next_rank(struct ep_plan *plan)
{
	return (struct rank){ plan->cur_rank.major, plan->cur_rank.minor++ };
}

static void
free_names(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
ep_plan_free(struct ep_plan *plan)
{
	size_t	i;

	if (plan == NULL)
		return;
	for (i = 0; i < plan->ntargets; i++) {
		free(plan->targets[i].name);
		free(plan->targets[i].source);
		free(plan->targets[i].members);
		free(plan->targets[i].in_groups);
	}
	free(plan->targets);
	free(plan->trank);
	free(plan->byname);
	free_names(plan->sip_domains, plan->nsip_domains);
	free(plan->sip_groups);
	free(plan->srank);
	free_names(plan->published, plan->npublished);
	free(plan->prank);
	free_names(plan->groups, plan->ngroups);
	for (i = 0; i < plan->ndisc; i++)
		free(plan->disc[i].name);
	free(plan->disc);
	for (i = 0; i < plan->naccepts; i++) {
		free(plan->accepts[i].name);
		free(plan->accepts[i].spec);
	}
	free(plan->accepts);
	free(plan);
}

static int
normalize(const char *what, const char *in, char *out, size_t outlen,
    char *err, size_t errlen)
{
	const char	*why;

	if (ep_host_is_ip(in)) {
		snprintf(err, errlen, "%s %s: an IP address, not a host name",
		    what, in);
		return -1;
	}
	if ((why = ep_host_problem(in)) != NULL ||
	    ep_host_normalize(in, out, outlen) == -1) {
		snprintf(err, errlen, "%s '%.300s': not a valid host name: %s",
		    what, in, why != NULL ? why : "too long");
		return -1;
	}
	return 0;
}

/*
 * Finds name in a deduplicated list with ranks, or appends it with the
 * next rank; sets *index.  Found again at a lesser rank, it takes that
 * rank.  Returns 1 when it was added, 0 when found, -1 with a reason.
 */
static int
add_unique(struct ep_plan *plan, char ***v, struct rank **ranks, size_t *n,
    const char *name, size_t *index, char *err, size_t errlen)
{
	struct rank	 r = next_rank(plan), *nr;
	char		**nv;
	size_t		  i;

	for (i = 0; i < *n; i++) {
		if (strcmp((*v)[i], name) != 0)
			continue;
		if (rank_less(r, (*ranks)[i]))
			(*ranks)[i] = r;
		*index = i;
		return 0;
	}
	if (*n >= EP_PLAN_NAMES_MAX) {
		snprintf(err, errlen, "more than %d names", EP_PLAN_NAMES_MAX);
		return -1;
	}
	if ((nv = reallocarray(*v, *n + 1, sizeof(*nv))) == NULL)
		goto nomem;
	*v = nv;
	if ((nr = reallocarray(*ranks, *n + 1, sizeof(*nr))) == NULL)
		goto nomem;
	*ranks = nr;
	if ((nv[*n] = strdup(name)) == NULL)
		goto nomem;
	nr[*n] = r;
	*index = (*n)++;
	return 1;
nomem:
	snprintf(err, errlen, "%s", strerror(ENOMEM));
	return -1;
}

/* Records that the current group found t too. */
static int
join_group(struct ep_plan *plan, struct ep_target *t, char *err, size_t errlen)
{
	size_t	*ng, i;

	if (plan->cur_group == EP_GROUP_NONE)
		return 0;
	for (i = 0; i < t->nin_groups; i++)
		if (t->in_groups[i] == plan->cur_group)
			return 0;
	if ((ng = reallocarray(t->in_groups, t->nin_groups + 1,
	    sizeof(*ng))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	t->in_groups = ng;
	ng[t->nin_groups++] = plan->cur_group;
	return 0;
}

#define BYNAME_MIN	64	/* first size of the target hash */

static size_t
name_hash(enum ep_role role, const char *name)
{
	unsigned char	r = (unsigned char)role;

	return ep_hash(name, strlen(name), ep_hash(&r, 1, EP_HASH_INIT));
}

/* The slot of (role, name): the target's, or the empty one it would take. */
static size_t
byname_slot(const struct ep_plan *plan, enum ep_role role, const char *name)
{
	size_t	mask = plan->byname_cap - 1, i = name_hash(role, name) & mask;

	while (plan->byname[i] != 0) {
		const struct ep_target	*t = &plan->targets[plan->byname[i] - 1];

		if (t->role == role && strcmp(t->name, name) == 0)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

/* Makes room for one more target in the hash, at most half full. */
static int
byname_grow(struct ep_plan *plan)
{
	size_t	*old = plan->byname, oldcap = plan->byname_cap, i;

	if ((plan->ntargets + 1) * 2 <= plan->byname_cap)
		return 0;
	plan->byname_cap = oldcap ? oldcap * 2 : BYNAME_MIN;
	if ((plan->byname = calloc(plan->byname_cap, sizeof(size_t))) == NULL) {
		plan->byname = old;
		plan->byname_cap = oldcap;
		return -1;
	}
	for (i = 0; i < oldcap; i++)
		if (old[i] != 0) {
			const struct ep_target	*t = &plan->targets[old[i] - 1];

			plan->byname[byname_slot(plan, t->role, t->name)] =
			    old[i];
		}
	free(old);
	return 0;
}

/* Remembers, for the door's caller, that target i was named. */
static void
touch(struct ep_plan *plan, size_t i)
{
	size_t	k;

	if (plan->touched == NULL)
		return;
	for (k = 0; k < plan->ntouched; k++)
		if (plan->touched[k] == i)
			return;
	if (plan->ntouched < EP_FOUND_TOUCHED_MAX)
		plan->touched[plan->ntouched++] = i;
}

/*
 * Finds name in role, or adds it; sets *index.  A target found again at
 * a lesser rank takes that rank and the current group with it.
 */
static int
find_or_add(struct ep_plan *plan, enum ep_role role, const char *name,
    const char *source, size_t *index, char *err, size_t errlen)
{
	struct ep_target	*nt, *t;
	struct rank		 r = next_rank(plan), *nr;
	char			 norm[EP_NAME_MAX + 1];
	size_t			 slot;

	if (plan->profile->roles[role].ip_names_ok && ep_host_is_ip(name)) {
		unsigned char	a[16];
		int		af = strchr(name, ':') ? AF_INET6 : AF_INET;

		/* One spelling per address, so duplicates are found. */
		if (inet_pton(af, name, a) != 1 ||
		    inet_ntop(af, a, norm, sizeof(norm)) == NULL) {
			snprintf(err, errlen, "%s %.100s: not an address",
			    source, name);
			return -1;
		}
	} else if (normalize(source, name, norm, sizeof(norm), err,
	    errlen) == -1)
		return -1;
	if (byname_grow(plan) == -1)
		goto nomem;
	slot = byname_slot(plan, role, norm);
	if (plan->byname[slot] != 0) {
		*index = plan->byname[slot] - 1;
		if (rank_less(r, plan->trank[*index])) {
			plan->trank[*index] = r;
			plan->targets[*index].group = plan->cur_group;
		}
		touch(plan, *index);
		return join_group(plan, &plan->targets[*index], err, errlen);
	}
	if (plan->ntargets >= EP_PLAN_NAMES_MAX) {
		snprintf(err, errlen, "more than %d targets", EP_PLAN_NAMES_MAX);
		return -1;
	}
	if ((nr = reallocarray(plan->trank, plan->ntargets + 1,
	    sizeof(*nr))) == NULL)
		goto nomem;
	plan->trank = nr;
	nt = reallocarray(plan->targets, plan->ntargets + 1, sizeof(*nt));
	if (nt == NULL)
		goto nomem;
	plan->targets = nt;
	t = &nt[plan->ntargets];
	memset(t, 0, sizeof(*t));
	t->role = role;
	t->group = plan->cur_group;
	t->name = strdup(norm);
	t->source = strdup(source);
	if (t->name == NULL || t->source == NULL) {
		free(t->name);
		free(t->source);
		goto nomem;
	}
	nr[plan->ntargets] = r;
	plan->byname[slot] = plan->ntargets + 1;
	*index = plan->ntargets++;
	touch(plan, *index);
	return join_group(plan, t, err, errlen);
nomem:
	snprintf(err, errlen, "%s", strerror(ENOMEM));
	return -1;
}

/* Returns 1 when source is one of the "; "-separated parts of list. */
static int
has_part(const char *list, const char *source)
{
	size_t		 len = strlen(source);
	const char	*p = list;

	for (;;) {
		if (strncmp(p, source, len) == 0 &&
		    (p[len] == '\0' || strncmp(p + len, "; ", 2) == 0))
			return 1;
		if ((p = strstr(p, "; ")) == NULL)
			return 0;
		p += 2;
	}
}

/* Appends "; source" to a target's source unless it is there already. */
static int
add_source(struct ep_target *t, const char *source, char *err, size_t errlen)
{
	char	*ns;
	size_t	 len;

	if (has_part(t->source, source))
		return 0;
	len = strlen(t->source) + 2 + strlen(source) + 1;
	if (len > EP_SOURCE_MAX)
		return 0;	/* the first sources say enough */
	if ((ns = realloc(t->source, len)) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	t->source = ns;
	strcat(ns, "; ");
	strcat(ns, source);
	return 0;
}

int
ep_plan_find(const struct ep_plan *plan, enum ep_role role, const char *name,
    size_t *index)
{
	size_t	slot;

	if (plan->byname_cap == 0)
		return -1;
	slot = byname_slot(plan, role, name);
	if (plan->byname[slot] == 0)
		return -1;
	*index = plan->byname[slot] - 1;
	return 0;
}

int
ep_plan_add_target(struct ep_plan *plan, enum ep_role role, const char *name,
    const char *source, char *err, size_t errlen)
{
	size_t	i;

	if (find_or_add(plan, role, name, source, &i, err, errlen) == -1)
		return -1;
	return add_source(&plan->targets[i], source, err, errlen);
}

int
ep_plan_add_target_port(struct ep_plan *plan, enum ep_role role,
    const char *name, const struct ep_port *port, const char *source,
    char *err, size_t errlen)
{
	struct ep_target	*t;
	size_t			 i, p;

	if (port->port == 0) {
		snprintf(err, errlen, "%s: port 0", name);
		return -1;
	}
	if (find_or_add(plan, role, name, source, &i, err, errlen) == -1)
		return -1;
	t = &plan->targets[i];
	for (p = 0; p < t->nports; p++)
		if (t->ports[p].port == port->port)
			break;
	if (p == t->nports) {
		if (t->nports == EP_PORTS_MAX) {
			snprintf(err, errlen, "%s: more than %d ports", t->name,
			    EP_PORTS_MAX);
			return -1;
		}
		t->ports[t->nports++].port = port->port;
	}
	t->ports[p].flags |= port->flags;
	return add_source(t, source, err, errlen);
}

int
ep_plan_add_member(struct ep_plan *plan, enum ep_role role, const char *name,
    const struct ep_addr *addr, const char *source, char *err, size_t errlen)
{
	struct ep_target	*t;
	struct ep_addr		*nm;
	size_t			 i, m;

	if (find_or_add(plan, role, name, source, &i, err, errlen) == -1)
		return -1;
	t = &plan->targets[i];
	for (m = 0; m < t->nmembers; m++)
		if (memcmp(&t->members[m], addr, sizeof(*addr)) == 0)
			return 0;
	if (t->nmembers == EP_MEMBERS_MAX) {
		snprintf(err, errlen, "%s: more than %d members", t->name,
		    EP_MEMBERS_MAX);
		return -1;
	}
	if ((nm = reallocarray(t->members, t->nmembers + 1,
	    sizeof(*nm))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	t->members = nm;
	nm[t->nmembers++] = *addr;
	return add_source(t, source, err, errlen);
}

size_t
ep_plan_ports(const struct ep_plan *plan, size_t t, const struct ep_port **ports)
{
	const struct ep_target	*tg = &plan->targets[t];

	if (tg->nports > 0) {
		*ports = tg->ports;
		return tg->nports;
	}
	*ports = plan->ports[tg->role];
	return plan->nports[tg->role];
}

size_t
ep_plan_role_ports(const struct ep_plan *plan, enum ep_role role,
    const struct ep_port **ports)
{
	*ports = plan->ports[role];
	return plan->nports[role];
}

int
ep_plan_begin_group(struct ep_plan *plan, const char *name, char *err,
    size_t errlen)
{
	char	**ng;

	if (plan->ngroups >= EP_PLAN_NAMES_MAX) {
		snprintf(err, errlen, "more than %d targets", EP_PLAN_NAMES_MAX);
		return -1;
	}
	if ((ng = reallocarray(plan->groups, plan->ngroups + 1,
	    sizeof(*ng))) == NULL)
		goto nomem;
	plan->groups = ng;
	if ((ng[plan->ngroups] = strdup(name)) == NULL)
		goto nomem;
	plan->cur_group = plan->ngroups++;
	return 0;
nomem:
	snprintf(err, errlen, "%s", strerror(ENOMEM));
	return -1;
}

int
ep_plan_add_sip_domain(struct ep_plan *plan, const char *domain, char *err,
    size_t errlen)
{
	struct rank	 before;
	char		 norm[EP_NAME_MAX + 1];
	size_t		 i, *ng;
	int		 r;

	if (normalize("--sip-domain", domain, norm, sizeof(norm), err,
	    errlen) == -1)
		return -1;
	/* Room first: a new domain must find its group's place. */
	if ((ng = reallocarray(plan->sip_groups, plan->nsip_domains + 1,
	    sizeof(*ng))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	plan->sip_groups = ng;
	before = plan->cur_rank;
	if ((r = add_unique(plan, &plan->sip_domains, &plan->srank,
	    &plan->nsip_domains, norm, &i, err, errlen)) == -1)
		return -1;
	/* Named by flags or files it concerns everyone; found, its finder. */
	if (r == 1 || (plan->srank[i].major == before.major &&
	    plan->srank[i].minor == before.minor))
		ng[i] = plan->cur_group;
	return 0;
}

int
ep_plan_sip_domain_concerns(const struct ep_plan *plan, size_t d, size_t t)
{
	const struct ep_target	*tg = &plan->targets[t];
	size_t			 i;

	if (plan->sip_groups[d] == EP_GROUP_NONE)
		return 1;
	for (i = 0; i < tg->nin_groups; i++)
		if (tg->in_groups[i] == plan->sip_groups[d])
			return 1;
	return 0;
}

int
ep_plan_add_published(struct ep_plan *plan, const char *name,
    const char *source, char *err, size_t errlen)
{
	char	norm[EP_NAME_MAX + 1];
	size_t	i;

	if (normalize(source, name, norm, sizeof(norm), err, errlen) == -1)
		return -1;
	if (add_unique(plan, &plan->published, &plan->prank,
	    &plan->npublished, norm, &i, err, errlen) == -1)
		return -1;
	return ep_plan_add_target(plan, EP_ROLE_REVERSE_PROXY, norm, source,
	    err, errlen);
}

int
ep_plan_set_ports(struct ep_plan *plan, enum ep_role role,
    const uint16_t *ports, size_t n, char *err, size_t errlen)
{
	const struct ep_role_rules	*r = &plan->profile->roles[role];
	size_t				 i;

	if (n == 0 || n > EP_PORTS_MAX) {
		snprintf(err, errlen, "role %s: 1 to %d ports", r->name,
		    EP_PORTS_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (ports[i] == 0) {
			snprintf(err, errlen, "role %s: port 0", r->name);
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		plan->ports[role][i].port = ports[i];
		plan->ports[role][i].flags = i < r->nports ? r->ports[i].flags : 0;
	}
	plan->nports[role] = n;
	return 0;
}

int
ep_plan_parse_ports(struct ep_plan *plan, const char *spec, char *err,
    size_t errlen)
{
	char		 rolename[32];
	const char	*eq, *p;
	uint16_t	 ports[EP_PORTS_MAX];
	size_t		 n = 0;
	enum ep_role	 role;

	eq = strchr(spec, '=');
	if (eq == NULL || (size_t)(eq - spec) >= sizeof(rolename) ||
	    eq == spec) {
		snprintf(err, errlen, "--port %.100s: expected ROLE=PORT[,PORT...]",
		    spec);
		return -1;
	}
	memcpy(rolename, spec, (size_t)(eq - spec));
	rolename[eq - spec] = '\0';
	if (ep_role_by_name(rolename, &role) == -1 ||
	    !plan->profile->roles[role].probed) {
		snprintf(err, errlen, "--port: no probed role named '%s'", rolename);
		return -1;
	}
	for (p = eq + 1;;) {
		char		*end;
		unsigned long	 v;

		errno = 0;
		if (*p < '0' || *p > '9' || n == EP_PORTS_MAX)
			goto bad;
		v = strtoul(p, &end, 10);
		if (errno != 0 || v == 0 || v > 65535)
			goto bad;
		ports[n++] = (uint16_t)v;
		if (*end == '\0')
			break;
		if (*end != ',')
			goto bad;
		p = end + 1;
	}
	return ep_plan_set_ports(plan, role, ports, n, err, errlen);
bad:
	snprintf(err, errlen, "--port %.100s: ports are 1-65535, at most %d, "
	    "comma-separated", spec, EP_PORTS_MAX);
	return -1;
}

size_t
ep_plan_probed_targets(const struct ep_plan *plan)
{
	const struct ep_port	*ports;
	size_t			 i, n = 0;

	for (i = 0; i < plan->ntargets; i++)
		if (plan->profile->roles[plan->targets[i].role].probed &&
		    ep_plan_ports(plan, i, &ports) > 0)
			n++;
	return n;
}

int
ep_plan_add_discovery(struct ep_plan *plan, const char *name, char *err,
    size_t errlen)
{
	struct discovery	*nd;
	const char		*why;
	char			 norm[EP_NAME_MAX + 1];
	size_t			 saved;

	if ((why = ep_host_problem(name)) != NULL ||
	    ep_host_normalize(name, norm, sizeof(norm)) == -1) {
		snprintf(err, errlen, "'%.300s': not a SIP domain or a host "
		    "name in one: %s", name, why != NULL ? why : "too long");
		return -1;
	}
	if (plan->ndisc >= EP_PLAN_NAMES_MAX) {
		snprintf(err, errlen, "more than %d names to discover",
		    EP_PLAN_NAMES_MAX);
		return -1;
	}
	if ((nd = reallocarray(plan->disc, plan->ndisc + 1,
	    sizeof(*nd))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	plan->disc = nd;
	/* Only the door adds to the group: what is added next is not its. */
	saved = plan->cur_group;
	if (ep_plan_begin_group(plan, name, err, errlen) == -1)
		return -1;
	nd[plan->ndisc].group = plan->cur_group;
	plan->cur_group = saved;
	if ((nd[plan->ndisc].name = strdup(norm)) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	plan->ndisc++;
	return 0;
}

size_t
ep_plan_ndiscoveries(const struct ep_plan *plan)
{
	return plan->ndisc;
}

const char *
ep_plan_discovery(const struct ep_plan *plan, size_t i, size_t *group)
{
	*group = plan->disc[i].group;
	return plan->disc[i].name;
}

/*
 * Adds the access edge name on port, or on the role's ports when port is
 * NULL.  A target that has ports of its own is probed on those only, so
 * one reached both ways gets the role's ports listed too: it is probed on
 * everything that led to it.
 */
static int
add_access(struct ep_plan *plan, const char *name, const struct ep_port *port,
    const char *source, char *err, size_t errlen)
{
	const struct ep_target	*t = NULL;
	size_t			 i, slot;

	if (plan->byname_cap > 0) {
		slot = byname_slot(plan, EP_ROLE_ACCESS, name);
		if (plan->byname[slot] != 0)
			t = &plan->targets[plan->byname[slot] - 1];
	}
	if (port == NULL && (t == NULL || t->nports == 0))
		return ep_plan_add_target(plan, EP_ROLE_ACCESS, name, source,
		    err, errlen);
	if (port == NULL || (t != NULL && t->nports == 0))
		for (i = 0; i < plan->nports[EP_ROLE_ACCESS]; i++)
			if (ep_plan_add_target_port(plan, EP_ROLE_ACCESS, name,
			    &plan->ports[EP_ROLE_ACCESS][i], source, err,
			    errlen) == -1)
				return -1;
	if (port == NULL)
		return 0;
	return ep_plan_add_target_port(plan, EP_ROLE_ACCESS, name, port, source,
	    err, errlen);
}

/* The access edge targets of one kind of SRV record. */
static int
add_srv(struct ep_plan *plan, const struct ep_found_srv *fs, char *err,
    size_t errlen)
{
	char	source[EP_NAME_MAX + 48], target[EP_NAME_MAX + 1];
	size_t	i;

	snprintf(source, sizeof(source), "%s SRV", fs->qname);
	for (i = 0; i < fs->n; i++) {
		const struct ep_srv	*s = &fs->v[i];
		struct ep_port		 port = { s->port, fs->flags };

		if (s->target[0] == '\0' || s->port == 0 ||
		    ep_host_problem(s->target) != NULL ||
		    ep_host_normalize(s->target, target, sizeof(target)) == -1)
			continue;
		if (add_access(plan, target, &port, source, err, errlen) == -1)
			return -1;
	}
	return 0;
}

int
ep_plan_add_found(struct ep_plan *plan, size_t group,
    const struct ep_found *f, size_t *touched, size_t *ntouched, char *err,
    size_t errlen)
{
	struct rank	 saved_rank = plan->cur_rank;
	size_t		 saved_group = plan->cur_group, i, k;
	char		 source[EP_NAME_MAX + 16];
	int		 r = -1;

	plan->cur_group = group;
	plan->cur_rank.major = 1 + group;
	plan->cur_rank.minor = 0;
	plan->touched = touched;
	plan->ntouched = 0;
	if (ep_plan_add_sip_domain(plan, f->domain, err, errlen) == -1)
		goto out;
	for (k = 0; k < 2; k++)
		if (add_srv(plan, &f->srv[k], err, errlen) == -1)
			goto out;
	if (f->access != NULL) {
		snprintf(source, sizeof(source), "%s A/AAAA", f->access);
		if (add_access(plan, f->access, NULL, source, err,
		    errlen) == -1)
			goto out;
	}
	/*
	 * Published, not plain reverse-proxy targets: each must cover itself,
	 * and an external web services FQDN given with --reverse-proxy must
	 * cover them all.
	 */
	for (i = 0; i < f->npublished && i < EP_FOUND_PUBLISHED_MAX; i++) {
		snprintf(source, sizeof(source), "%s A/AAAA", f->published[i]);
		if (ep_plan_add_published(plan, f->published[i], source, err,
		    errlen) == -1)
			goto out;
	}
	r = 0;
out:
	*ntouched = plan->ntouched;
	plan->touched = NULL;
	plan->ntouched = 0;
	plan->cur_group = saved_group;
	plan->cur_rank = saved_rank;
	return r;
}

/* An index and its rank, for sorting. */
struct ranked {
	struct rank	r;
	size_t		i;
};

static int
by_rank(const void *a, const void *b)
{
	const struct ranked	*x = a, *y = b;

	return rank_less(x->r, y->r) ? -1 : rank_less(y->r, x->r) ? 1 : 0;
}

/* The indexes 0..n-1 sorted by ranks; NULL when out of memory. */
static size_t *
rank_order(const struct rank *ranks, size_t n)
{
	struct ranked	*v;
	size_t		*order, i;

	if ((v = calloc(n ? n : 1, sizeof(*v))) == NULL)
		return NULL;
	if ((order = calloc(n ? n : 1, sizeof(*order))) == NULL) {
		free(v);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		v[i].r = ranks[i];
		v[i].i = i;
	}
	/* Ranks are distinct: the order is the same on every run. */
	qsort(v, n, sizeof(*v), by_rank);
	for (i = 0; i < n; i++)
		order[i] = v[i].i;
	free(v);
	return order;
}

/* Reorders a list of names with ranks (and groups, when given) by rank. */
static int
settle_names(char **v, struct rank *ranks, size_t *groups, size_t n)
{
	char		**nv = NULL;
	struct rank	 *nr = NULL;
	size_t		 *ng = NULL, *order, i;
	int		  ret = -1;

	if (n == 0)
		return 0;
	if ((order = rank_order(ranks, n)) == NULL ||
	    (nv = calloc(n ? n : 1, sizeof(*nv))) == NULL ||
	    (nr = calloc(n ? n : 1, sizeof(*nr))) == NULL ||
	    (ng = calloc(n ? n : 1, sizeof(*ng))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		nv[i] = v[order[i]];
		nr[i] = ranks[order[i]];
		if (groups != NULL)
			ng[i] = groups[order[i]];
	}
	memcpy(v, nv, n * sizeof(*v));
	memcpy(ranks, nr, n * sizeof(*ranks));
	if (groups != NULL)
		memcpy(groups, ng, n * sizeof(*groups));
	ret = 0;
out:
	free(order);
	free(nv);
	free(nr);
	free(ng);
	return ret;
}

int
ep_plan_settle(struct ep_plan *plan, size_t **remap)
{
	struct ep_target	*nt = NULL;
	struct rank		*nr = NULL;
	size_t			*order, *map = NULL, i, n = plan->ntargets;

	*remap = NULL;
	if ((order = rank_order(plan->trank, n)) == NULL ||
	    (map = calloc(n ? n : 1, sizeof(*map))) == NULL ||
	    (nt = calloc(n ? n : 1, sizeof(*nt))) == NULL ||
	    (nr = calloc(n ? n : 1, sizeof(*nr))) == NULL ||
	    settle_names(plan->sip_domains, plan->srank, plan->sip_groups,
	    plan->nsip_domains) == -1 ||
	    settle_names(plan->published, plan->prank, NULL,
	    plan->npublished) == -1) {
		free(order);
		free(map);
		free(nt);
		free(nr);
		return -1;
	}
	for (i = 0; i < n; i++) {
		nt[i] = plan->targets[order[i]];
		nr[i] = plan->trank[order[i]];
		map[order[i]] = i;
	}
	free(plan->targets);
	free(plan->trank);
	plan->targets = nt;
	plan->trank = nr;
	for (i = 0; i < plan->byname_cap; i++)
		if (plan->byname[i] != 0)
			plan->byname[i] = map[plan->byname[i] - 1] + 1;
	free(order);
	*remap = map;
	return 0;
}

#define EP_ACCEPTS_MAX	1024	/* accepts in one run */

/*
 * Parses "CHECK" or "CHECK@NAME" into *check and name (normalized, "" for
 * none).  Returns 0, or -1 with a reason in err.
 */
static int
parse_accept(const char *spec, enum ep_check *check, char *name,
    size_t namelen, char *err, size_t errlen)
{
	char		 id[64];
	const char	*at = strchr(spec, '@');
	size_t		 idlen = at != NULL ? (size_t)(at - spec) : strlen(spec);

	name[0] = '\0';
	if (idlen >= sizeof(id))
		idlen = sizeof(id) - 1;
	memcpy(id, spec, idlen);
	id[idlen] = '\0';
	if (ep_check_by_id(id, check) == -1) {
		snprintf(err, errlen, "'%.100s': no check has the ID '%.64s'",
		    spec, id);
		return -1;
	}
	if (at == NULL)
		return 0;
	if (ep_host_is_ip(at + 1) && strlen(at + 1) < namelen) {
		memcpy(name, at + 1, strlen(at + 1) + 1);
		return 0;
	}
	if (ep_host_problem(at + 1) != NULL ||
	    ep_host_normalize(at + 1, name, namelen) == -1) {
		snprintf(err, errlen, "'%.100s': expected CHECK or CHECK@NAME, "
		    "NAME a host name", spec);
		return -1;
	}
	return 0;
}

int
ep_accept_check(const char *spec, char *err, size_t errlen)
{
	enum ep_check	check;
	char		name[EP_NAME_MAX + 1];

	return parse_accept(spec, &check, name, sizeof(name), err, errlen);
}

int
ep_plan_add_accept(struct ep_plan *plan, const char *spec, const char *source,
    char *err, size_t errlen)
{
	struct accept	*na, a;
	char		 name[EP_NAME_MAX + 1], why[256];
	size_t		 len;

	memset(&a, 0, sizeof(a));
	if (parse_accept(spec, &a.check, name, sizeof(name), why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "%s %s", source, why);
		return -1;
	}
	if (plan->naccepts >= EP_ACCEPTS_MAX) {
		snprintf(err, errlen, "%s: more than %d accepted findings",
		    source, EP_ACCEPTS_MAX);
		return -1;
	}
	if ((na = reallocarray(plan->accepts, plan->naccepts + 1,
	    sizeof(*na))) == NULL)
		goto nomem;
	plan->accepts = na;
	len = strlen(ep_check_info(a.check)->id) + 1 + strlen(name) + 1;
	a.name = strdup(name);
	a.spec = malloc(len);
	if (a.name == NULL || a.spec == NULL) {
		free(a.name);
		free(a.spec);
		goto nomem;
	}
	snprintf(a.spec, len, "%s%s%s", ep_check_info(a.check)->id,
	    name[0] != '\0' ? "@" : "", name);
	na[plan->naccepts++] = a;
	return 0;
nomem:
	snprintf(err, errlen, "%s", strerror(ENOMEM));
	return -1;
}

int
ep_plan_accepted(const struct ep_plan *plan, enum ep_check check,
    const char *name, const char *name2)
{
	const struct accept	*a;
	size_t			 i;

	for (i = 0; i < plan->naccepts; i++) {
		a = &plan->accepts[i];
		if (a->check != check)
			continue;
		if (a->name[0] == '\0' ||
		    (name != NULL && strcmp(a->name, name) == 0) ||
		    (name2 != NULL && strcmp(a->name, name2) == 0))
			return 1;
	}
	return 0;
}

size_t
ep_plan_naccepts(const struct ep_plan *plan)
{
	return plan->naccepts;
}

const char *
ep_plan_accept(const struct ep_plan *plan, size_t i)
{
	return plan->accepts[i].spec;
}
