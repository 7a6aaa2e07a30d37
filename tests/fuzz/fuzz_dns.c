/*
 * Fuzz target: what the resolver (src/net/resolve.c) makes of DNS
 * answers, without a network: the SRV records of a query's answer
 * (c-ares's ares_parse_srv_reply, then our filtering and ordering) and
 * the addresses of an A or AAAA answer.
 *
 * Input: the first byte picks what the rest is, by its two low bits:
 *	0  the answer to an SRV query; the byte's other bits pick the
 *	   c-ares status the query ended with
 *	1  the answer to an A query, 2 to an AAAA query
 *	3  an address list as answers make one: a byte choosing IPv4 or
 *	   IPv6, then the address, again and again
 * SRV records then go where discovery of contoso.example takes them, as
 * both its sign-in and its federation records: into a plan
 * (ep_plan_add_found, src/input/plan.c), and through the rules
 * (src/judge/rules_dns.c) and the reports.
 *
 * Besides not crashing: the records are in ep_srv_order's order with no
 * repeat, their targets neither end in the root's dot nor lose half of
 * an escape, the lookup's status agrees with what came back, the plan is
 * one (plan.c), and ep_addr_order keeps every distinct address once, in
 * order.
 *
 * Seeds: answers made by tests/fuzz/make-seeds.
 */

#include <arpa/inet.h>
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
	struct ep_srv		*v = NULL;
	enum ep_dns_status	 st;
	const char		*error = NULL;
	size_t			 n = 0, i, j, len;

	/* As the resolver's query_done: parsed only when it answered. */
	if (status == ARES_SUCCESS)
		n = ep_resolve_parse_srv(data, (int)size, &v, &status, &error);
	st = error != NULL ? EP_DNS_FAILED : n > 0 ? EP_DNS_ANSWERED :
	    status == ARES_SUCCESS || status == ARES_ENODATA ||
	    status == ARES_ENOTFOUND ? EP_DNS_NONE : EP_DNS_FAILED;
	if (st == EP_DNS_FAILED && error == NULL)
		error = "the lookup failed";
	if ((n > 0) != (v != NULL) || (error != NULL && n > 0))
		fuzz_fail("%zu records, error %s", n,
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
	/* The lookups keep the first EP_SRV_MAX, as discovery gets them. */
	discover(st, v, n < EP_SRV_MAX ? n : EP_SRV_MAX, error);
	free(v);
}

/*
 * ep_addr_order on v: every distinct address once, IPv4 first, each
 * family in the order of its bytes.
 */
static void
order(struct ep_addr *v, size_t n)
{
	size_t	distinct = 0, kept, i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (memcmp(&v[i], &v[j], sizeof(v[i])) == 0)
				break;
		distinct += j == i;
	}
	kept = ep_addr_order(v, n);
	if (kept != distinct)
		fuzz_fail("%zu addresses kept of %zu distinct", kept, distinct);
	for (i = 1; i < kept; i++)
		if (v[i - 1].family == v[i].family ? memcmp(v[i - 1].addr,
		    v[i].addr, sizeof(v[i].addr)) >= 0 :
		    v[i - 1].family != AF_INET)
			fuzz_fail("addresses %zu and %zu out of order", i - 1,
			    i);
}

/* The addresses of the DNS answer to an A or AAAA query. */
static void
from_answer(enum ep_rr rr, const uint8_t *data, size_t size)
{
	struct ep_addr	*v = NULL;
	size_t		 n, i;
	int		 status;

	n = ep_resolve_parse_addrs(rr, data, (int)size, &v, &status);
	if ((n > 0) != (v != NULL) || (n > 0 && status != ARES_SUCCESS))
		fuzz_fail("%zu addresses, status %d", n, status);
	for (i = 0; i < n; i++)
		if (v[i].family != (rr == EP_RR_A ? AF_INET : AF_INET6))
			fuzz_fail("address %zu of family %d", i, v[i].family);
	order(v, n);
	free(v);
}

/* An address list as the input spells it: a family byte, the address. */
static void
from_list(const uint8_t *data, size_t size)
{
	static struct ep_addr	v[NODES_MAX];
	size_t			n = 0, at = 0, len;

	while (at < size && n < NODES_MAX) {
		memset(&v[n], 0, sizeof(v[n]));
		v[n].family = data[at] % 2 == 0 ? AF_INET : AF_INET6;
		len = v[n].family == AF_INET ? 4 : 16;
		if (size - ++at < len)
			break;
		memcpy(v[n++].addr, data + at, len);
		at += len;
	}
	order(v, n);
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
		from_answer(EP_RR_A, data + 1, size - 1);
		break;
	case 2:
		from_answer(EP_RR_AAAA, data + 1, size - 1);
		break;
	default:
		from_list(data + 1, size - 1);
		break;
	}
	return 0;
}
