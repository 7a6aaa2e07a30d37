/*
 * Fuzz target: what the resolver (src/net/resolve.c) makes of DNS
 * answers, without a network: the SRV records of a query's answer
 * (c-ares's ares_parse_srv_reply, then our filtering and ordering) and
 * the addresses of a getaddrinfo answer.
 *
 * Input: the first byte picks what the rest is, by its two low bits:
 *	0  the answer to an SRV query; the byte's other bits pick the
 *	   c-ares status the query ended with
 *	1  the answer to an A query, 2 to an AAAA query, turned into the
 *	   address list c-ares's getaddrinfo gives
 *	3  that address list itself: a byte choosing IPv4, IPv6 or another
 *	   family, then the address, again and again
 * SRV records then go where discovery of contoso.example takes them, as
 * both its sign-in and its federation records: into a plan
 * (ep_plan_add_found, src/input/plan.c), and through the rules
 * (src/judge/rules_dns.c) and the reports.
 *
 * Besides not crashing: the records are in ep_srv_order's order with no
 * repeat, their targets neither end in the root's dot nor lose half of
 * an escape, the lookup's status agrees with what came back, the plan is
 * one (plan.c), and every distinct address is kept once, up to
 * EP_RESOLVE_ADDRS_MAX.
 *
 * Seeds: answers made by tests/fuzz/make-seeds.
 */

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ares.h>

#include "input/ep_plan.h"
#include "net/ep_observe.h"
#include "net/resolve_impl.h"

#include "fuzz.h"
#include "judge.h"
#include "plan.h"

#define DOMAIN		"contoso.example"

#define NODES_MAX	256	/* addresses given in one list */

static const int	statuses[] = {
	ARES_SUCCESS, ARES_ENODATA, ARES_ENOTFOUND, ARES_ETIMEOUT,
	ARES_ESERVFAIL, ARES_EREFUSED, ARES_EBADRESP, ARES_ECONNREFUSED,
};

/* One address of a getaddrinfo list, with room for either family. */
struct node {
	struct ares_addrinfo_node	n;
	union {
		struct sockaddr_in	sin;
		struct sockaddr_in6	sin6;
		struct sockaddr		sa;
	} u;
};

static struct node	nodes[NODES_MAX];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
		fuzz_fail("c-ares does not start");
	fuzz_rig();
	return 0;
}

/* Whether a should come after b in the order clients try them. */
static int
after(const struct ep_srv *a, const struct ep_srv *b)
{
	int	c;

	if (a->priority != b->priority)
		return a->priority > b->priority;
	if (a->weight != b->weight)
		return a->weight < b->weight;
	if ((c = strcasecmp(a->target, b->target)) != 0)
		return c > 0;
	return a->port > b->port;
}

/*
 * Whether a name of len bytes as c-ares writes it (a dot inside a label
 * as \., a backslash as \\) ends in the root's dot, or in half an
 * escape: what a cut in the wrong place leaves.
 */
static int
badly_ended(const char *s, size_t len)
{
	size_t	n = 0;

	if (len > 0 && s[len - 1] == '.')
		len--;
	else if (len == 0 || s[len - 1] != '\\')
		return 0;
	/* A backslash that escapes is one of a pair, or the dot's. */
	while (n < len && s[len - 1 - n] == '\\')
		n++;
	return s[len] == '.' ? n % 2 == 0 : n % 2 == 1;
}

/* Sets a of the observations to what a lookup found (copied). */
static void
answer(struct ep_dns_answer *a, enum ep_dns_status st,
    const struct ep_srv *v, size_t n, const char *error)
{
	a->st = st;
	snprintf(a->error, sizeof(a->error), "%s", error != NULL ? error : "");
	if (n > 0) {
		if ((a->srv = malloc(n * sizeof(*v))) == NULL)
			fuzz_fail("out of memory");
		memcpy(a->srv, v, n * sizeof(*v));
	}
	a->n = n;
}

/* What discovery of DOMAIN makes of the records, as both kinds. */
static void
discover(enum ep_dns_status st, const struct ep_srv *v, size_t n,
    const char *error)
{
	const struct ep_port	*ports;
	struct ep_plan		*plan;
	struct ep_observations	 o;
	struct ep_discovery	*d;
	struct ep_found		 f;
	struct ep_obs		 obs;
	size_t			 touched[EP_FOUND_TOUCHED_MAX], ntouched = 0;
	size_t			 group, *remap = NULL, i, p, np;
	char			 err[1024];
	int			 r;

	if ((plan = ep_plan_new(ep_plan_profile(fuzz_rig_plan(
	    fuzz_rig())))) == NULL ||
	    ep_plan_add_discovery(plan, DOMAIN, err, sizeof(err)) == -1)
		fuzz_fail("plan: %s", err);
	(void)ep_plan_discovery(plan, 0, &group);
	memset(&f, 0, sizeof(f));
	f.domain = DOMAIN;
	f.srv[0] = (struct ep_found_srv){ "_sip._tls." DOMAIN, v, n, 0 };
	f.srv[1] = (struct ep_found_srv){ "_sipfederationtls._tcp." DOMAIN, v,
	    n, EP_PORT_FEDERATION };
	if (st == EP_DNS_ANSWERED) {
		if (ep_plan_add_found(plan, group, &f, touched, &ntouched, err,
		    sizeof(err)) == -1)
			fuzz_fail("found, then refused: %s", err);
		for (i = 0; i < ntouched; i++)
			if (ntouched > EP_FOUND_TOUCHED_MAX ||
			    touched[i] >= ep_plan_ntargets(plan))
				fuzz_fail("touched %zu of %zu", touched[i],
				    ep_plan_ntargets(plan));
	}
	if (ep_plan_settle(plan, &remap) == -1)
		fuzz_fail("out of memory");
	free(remap);
	fuzz_check_plan(plan);

	/* The run: every target unresolved, as the engine tells it. */
	if (ep_observations_init(&o) == -1 ||
	    ep_observations_discoveries(&o, 1) == -1)
		fuzz_fail("out of memory");
	o.no_fetch = 1;
	d = &o.disc[0];
	d->group = group;
	snprintf(d->domain[0], sizeof(d->domain[0]), "%s", DOMAIN);
	for (r = 0; r < EP_DISC__MAX; r++)
		d->answer[0][r].st = EP_DNS_NONE;
	answer(&d->answer[0][EP_DISC_SIP_SRV], st, v, n, error);
	answer(&d->answer[0][EP_DISC_FED_SRV], st, v, n, error);
	d->chosen = st == EP_DNS_ANSWERED ? 0 : -1;
	for (i = 0; i < ep_plan_ntargets(plan); i++) {
		np = ep_plan_ports(plan, i, &ports);
		for (p = 0; p < np; p++) {
			memset(&obs, 0, sizeof(obs));
			obs.target = i;
			obs.port = ports[p].port;
			obs.port_flags = ports[p].flags;
			obs.status = EP_OBS_NO_ADDRESS;
			obs.dns = EP_DNS_NONE;
			snprintf(obs.error, sizeof(obs.error), "no such name");
			if (ep_observations_add(&o, &obs) == (size_t)-1)
				fuzz_fail("out of memory");
		}
	}
	ep_observations_sort(&o);
	fuzz_judge_plan(fuzz_rig(), plan, &o, NULL);
	ep_observations_clear(&o);
	ep_plan_free(plan);
}

static void
srv(int status, const uint8_t *data, size_t size)
{
	struct ep_srv		 v[EP_SRV_MAX];
	enum ep_dns_status	 st;
	const char		*error;
	size_t			 n, i, j, len;

	st = ep_resolve_srv_answer(status, data, (int)size, v, &n, &error);
	if (n > EP_SRV_MAX)
		fuzz_fail("%zu records", n);
	if ((st == EP_DNS_ANSWERED) != (n > 0 && error == NULL) ||
	    (st == EP_DNS_FAILED) != (error != NULL) ||
	    (st == EP_DNS_NONE && n != 0))
		fuzz_fail("status %d with %zu records, error %s", (int)st, n,
		    error != NULL ? error : "none");
	for (i = 0; i < n; i++) {
		len = strnlen(v[i].target, sizeof(v[i].target));
		if (len > EP_SRV_TARGET_MAX || badly_ended(v[i].target, len))
			fuzz_fail("target '%s'", v[i].target);
		if (i > 0 && after(&v[i - 1], &v[i]))
			fuzz_fail("records %zu and %zu out of order", i - 1, i);
		for (j = 0; j < i; j++)
			if (v[j].port == v[i].port &&
			    strcasecmp(v[j].target, v[i].target) == 0)
				fuzz_fail("%s:%u twice", v[i].target,
				    v[i].port);
	}
	discover(st, v, n, error);
}

/* Chains the first n nodes into a getaddrinfo answer. */
static void
link_nodes(struct ares_addrinfo *ai, size_t n)
{
	size_t	i;

	memset(ai, 0, sizeof(*ai));
	ai->nodes = n > 0 ? &nodes[0].n : NULL;
	for (i = 0; i < n; i++)
		nodes[i].n.ai_next = i + 1 < n ? &nodes[i + 1].n : NULL;
}

/* Sets node i to an address of family af (its bytes at a). */
static void
set_node(size_t i, int af, const void *a)
{
	struct node	*nd = &nodes[i];

	memset(nd, 0, sizeof(*nd));
	nd->n.ai_family = af;
	nd->n.ai_socktype = SOCK_STREAM;
	nd->n.ai_addr = &nd->u.sa;
	if (af == AF_INET) {
		nd->u.sin.sin_family = AF_INET;
		memcpy(&nd->u.sin.sin_addr, a, 4);
		nd->n.ai_addrlen = sizeof(nd->u.sin);
	} else if (af == AF_INET6) {
		nd->u.sin6.sin6_family = AF_INET6;
		memcpy(&nd->u.sin6.sin6_addr, a, 16);
		nd->n.ai_addrlen = sizeof(nd->u.sin6);
	} else
		nd->u.sa.sa_family = (sa_family_t)af;
}

/* The addresses of the DNS answer to an A or AAAA query. */
static size_t
from_answer(int af, const uint8_t *data, size_t size)
{
	struct hostent	*h = NULL;
	size_t		 n = 0;
	int		 r;

	r = af == AF_INET ? ares_parse_a_reply(data, (int)size, &h, NULL,
	    NULL) : ares_parse_aaaa_reply(data, (int)size, &h, NULL, NULL);
	if (r != ARES_SUCCESS || h == NULL) {
		if (h != NULL)
			ares_free_hostent(h);
		return 0;
	}
	for (; h->h_addr_list[n] != NULL && n < NODES_MAX; n++)
		set_node(n, h->h_addrtype, h->h_addr_list[n]);
	ares_free_hostent(h);
	return n;
}

/* An address list as the input spells it. */
static size_t
from_list(const uint8_t *data, size_t size)
{
	size_t	n = 0, at = 0, len;
	int	af;

	while (at < size && n < NODES_MAX) {
		af = data[at] % 3 == 0 ? AF_INET : data[at] % 3 == 1 ?
		    AF_INET6 : AF_UNIX;
		len = af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
		if (size - ++at < len)
			break;
		set_node(n++, af, data + at);
		at += len;
	}
	return n;
}

/* The list's addresses as ep_addr, for comparing. */
static int
addr_of(size_t i, struct ep_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = nodes[i].n.ai_family;
	if (a->family == AF_INET)
		memcpy(a->addr, &nodes[i].u.sin.sin_addr, 4);
	else if (a->family == AF_INET6)
		memcpy(a->addr, &nodes[i].u.sin6.sin6_addr, 16);
	else
		return -1;
	return 0;
}

static void
addrs(size_t nn)
{
	struct ares_addrinfo	ai;
	struct ep_addr		out[EP_RESOLVE_ADDRS_MAX], a, b;
	size_t			n, i, j, distinct = 0;

	link_nodes(&ai, nn);
	n = ep_resolve_addrs(&ai, out);
	for (i = 0; i < nn; i++) {
		if (addr_of(i, &a) == -1)
			continue;
		for (j = 0; j < i; j++)
			if (addr_of(j, &b) == 0 && memcmp(&a, &b,
			    sizeof(a)) == 0)
				break;
		distinct += j == i;
	}
	if (n != (distinct < EP_RESOLVE_ADDRS_MAX ? distinct :
	    EP_RESOLVE_ADDRS_MAX))
		fuzz_fail("%zu addresses kept of %zu distinct", n, distinct);
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (memcmp(&out[i], &out[j], sizeof(out[i])) == 0)
				fuzz_fail("address %zu repeats %zu", i, j);
	if (ep_resolve_addrs(NULL, out) != 0)
		fuzz_fail("addresses without an answer");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] & 3) {
	case 0:
		srv(statuses[(data[0] >> 2) % (sizeof(statuses) /
		    sizeof(statuses[0]))], data + 1, size - 1);
		break;
	case 1:
		addrs(from_answer(AF_INET, data + 1, size - 1));
		break;
	case 2:
		addrs(from_answer(AF_INET6, data + 1, size - 1));
		break;
	default:
		addrs(from_list(data + 1, size - 1));
		break;
	}
	return 0;
}
