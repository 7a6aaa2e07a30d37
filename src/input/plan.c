/* The plan: names, roles, ports and SIP domains to check. */

#include <arpa/inet.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/ep_hostname.h"
#include "input/ep_plan.h"

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
	free(plan->byname);
	free_names(plan->sip_domains, plan->nsip_domains);
	free(plan->sip_groups);
	free_names(plan->published, plan->npublished);
	free_names(plan->groups, plan->ngroups);
	free(plan);
}

static int
normalize(const char *what, const char *in, char *out, size_t outlen,
    char *err, size_t errlen)
{
	if (ep_host_is_ip(in)) {
		snprintf(err, errlen, "%s %s: an IP address, not a host name",
		    what, in);
		return -1;
	}
	if (ep_host_normalize(in, out, outlen) == -1) {
		snprintf(err, errlen, "%s '%.300s': not a valid host name",
		    what, in);
		return -1;
	}
	return 0;
}

/* Appends name to a deduplicated list unless it is there already. */
static int
add_unique(char ***v, size_t *n, const char *name, char *err, size_t errlen)
{
	char	**nv;
	size_t	  i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], name) == 0)
			return 0;
	if (*n >= EP_PLAN_NAMES_MAX) {
		snprintf(err, errlen, "more than %d names", EP_PLAN_NAMES_MAX);
		return -1;
	}
	if ((nv = reallocarray(*v, *n + 1, sizeof(*nv))) == NULL)
		goto nomem;
	*v = nv;
	if ((nv[*n] = strdup(name)) == NULL)
		goto nomem;
	(*n)++;
	return 0;
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

/* FNV-1a of a role and a normalized name. */
static size_t
name_hash(enum ep_role role, const char *name)
{
	uint64_t	h = 14695981039346656037ULL;

	h = (h ^ (uint64_t)role) * 1099511628211ULL;
	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	return (size_t)h;
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

/* Finds name in role, or adds it; sets *index. */
static int
find_or_add(struct ep_plan *plan, enum ep_role role, const char *name,
    const char *source, size_t *index, char *err, size_t errlen)
{
	struct ep_target	*nt, *t;
	char			 norm[EP_NAME_MAX + 1];
	size_t			 slot;

	if (plan->profile->roles[role].ip_names_ok &&
	    ep_host_is_ip(name)) {
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
		return join_group(plan, &plan->targets[*index], err, errlen);
	}
	if (plan->ntargets >= EP_PLAN_NAMES_MAX) {
		snprintf(err, errlen, "more than %d targets", EP_PLAN_NAMES_MAX);
		return -1;
	}
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
	plan->byname[slot] = plan->ntargets + 1;
	*index = plan->ntargets++;
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
	char	norm[EP_NAME_MAX + 1];
	size_t	i, *ng;

	if (normalize("--sip-domain", domain, norm, sizeof(norm), err,
	    errlen) == -1)
		return -1;
	for (i = 0; i < plan->nsip_domains; i++) {
		if (strcmp(plan->sip_domains[i], norm) == 0) {
			/* Named by flags or files: it concerns everyone. */
			if (plan->cur_group == EP_GROUP_NONE)
				plan->sip_groups[i] = EP_GROUP_NONE;
			return 0;
		}
	}
	if ((ng = reallocarray(plan->sip_groups, plan->nsip_domains + 1,
	    sizeof(*ng))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	plan->sip_groups = ng;
	ng[plan->nsip_domains] = plan->cur_group;
	return add_unique(&plan->sip_domains, &plan->nsip_domains, norm, err,
	    errlen);
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
ep_plan_add_published_from(struct ep_plan *plan, const char *name,
    const char *source, char *err, size_t errlen)
{
	char	norm[EP_NAME_MAX + 1];

	if (normalize(source, name, norm, sizeof(norm), err, errlen) == -1)
		return -1;
	if (add_unique(&plan->published, &plan->npublished, norm, err,
	    errlen) == -1)
		return -1;
	return ep_plan_add_target(plan, EP_ROLE_REVERSE_PROXY, norm, source,
	    err, errlen);
}

int
ep_plan_add_published(struct ep_plan *plan, const char *name, char *err,
    size_t errlen)
{
	return ep_plan_add_published_from(plan, name, "--published", err,
	    errlen);
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
