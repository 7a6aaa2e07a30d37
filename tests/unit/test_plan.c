/* Unit tests for the plan (src/input/plan.c) and the role profile (src/input/profile.c). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/ep_plan.h"
#include "fixture.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MANY		5000	/* targets of the hash test: many growths */

static int
setup(void **state)
{
	if ((*state = ep_plan_new(fx_lync())) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	ep_plan_free(*state);
	return 0;
}

static void
add_ok(struct ep_plan *plan, enum ep_role role, const char *name)
{
	char	err[512] = "";

	if (ep_plan_add_target(plan, role, name, "--test", err,
	    sizeof(err)) != 0)
		fail_msg("adding %s: %s", name, err);
}

static size_t
nports(const struct ep_plan *plan, enum ep_role role)
{
	const struct ep_port	*ports;

	return ep_plan_role_ports(plan, role, &ports);
}

static void
assert_ports(const struct ep_plan *plan, enum ep_role role,
    const uint16_t *want, size_t n)
{
	const struct ep_port	*ports;
	size_t			 i;

	assert_int_equal(ep_plan_role_ports(plan, role, &ports), n);
	for (i = 0; i < n; i++)
		assert_int_equal(ports[i].port, want[i]);
}

/* Targets keep their order, role and source; the same name+role once. */
static void
test_add_and_dedupe_targets(void **state)
{
	struct ep_plan	*plan = *state;
	char		 err[256];

	add_ok(plan, EP_ROLE_ACCESS, "access.contoso.example");
	add_ok(plan, EP_ROLE_WEBCON, "webcon.contoso.example");
	add_ok(plan, EP_ROLE_ACCESS, "access.contoso.example");
	assert_int_equal(ep_plan_ntargets(plan), 2);
	/* The same name in another role is another target. */
	assert_int_equal(ep_plan_add_target(plan, EP_ROLE_INTERNAL,
	    "access.contoso.example", "--internal", err, sizeof(err)), 0);
	assert_int_equal(ep_plan_ntargets(plan), 3);
	assert_int_equal(ep_plan_target(plan, 0)->role, EP_ROLE_ACCESS);
	assert_string_equal(ep_plan_target(plan, 0)->name, "access.contoso.example");
	assert_string_equal(ep_plan_target(plan, 0)->source, "--test");
	assert_int_equal(ep_plan_target(plan, 1)->role, EP_ROLE_WEBCON);
	assert_string_equal(ep_plan_target(plan, 1)->name, "webcon.contoso.example");
	assert_int_equal(ep_plan_target(plan, 2)->role, EP_ROLE_INTERNAL);
	assert_string_equal(ep_plan_target(plan, 2)->source, "--internal");
}

/*
 * Many targets: each found again by name and role through the hash, as
 * it grows, and every one kept in order.
 */
static void
test_many_targets(void **state)
{
	struct ep_plan	*plan = *state;
	char		 name[64];
	size_t		 i;

	for (i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "n%zu.contoso.example", i);
		add_ok(plan, EP_ROLE_ACCESS, name);
		/* Each step again: the hash finds what it just took. */
		add_ok(plan, EP_ROLE_ACCESS, name);
		assert_int_equal(ep_plan_ntargets(plan), i + 1);
	}
	for (i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "N%zu.Contoso.Example.", i);
		add_ok(plan, EP_ROLE_ACCESS, name);
		snprintf(name, sizeof(name), "n%zu.contoso.example", i);
		assert_string_equal(ep_plan_target(plan, i)->name, name);
	}
	assert_int_equal(ep_plan_ntargets(plan), MANY);
	/* Another role is another target, hashed apart. */
	add_ok(plan, EP_ROLE_WEBCON, "n0.contoso.example");
	assert_int_equal(ep_plan_ntargets(plan), MANY + 1);
	assert_int_equal(ep_plan_target(plan, MANY)->role, EP_ROLE_WEBCON);
}

/* Names are stored lowercase without the trailing dot, and dedupe so. */
static void
test_normalization(void **state)
{
	struct ep_plan	*plan = *state;

	add_ok(plan, EP_ROLE_ACCESS, "ACCESS.Contoso.EXAMPLE.");
	assert_int_equal(ep_plan_ntargets(plan), 1);
	assert_string_equal(ep_plan_target(plan, 0)->name, "access.contoso.example");
	add_ok(plan, EP_ROLE_ACCESS, "access.contoso.example");
	add_ok(plan, EP_ROLE_ACCESS, "Access.Contoso.Example");
	assert_int_equal(ep_plan_ntargets(plan), 1);
}

/* Invalid names are refused with a message naming them; nothing added. */
static void
test_invalid_names_rejected(void **state)
{
	static const char	*bad[] = {
		"", "a..b", "*.x.com", "has space", "10.0.0.1", "::1",
		".lead.example", "two..dots.example.", "under/score.example",
	};
	struct ep_plan		*plan = *state;
	char			 err[512];
	size_t			 i;

	for (i = 0; i < NELEM(bad); i++) {
		err[0] = '\0';
		if (ep_plan_add_target(plan, EP_ROLE_ACCESS, bad[i], "--access",
		    err, sizeof(err)) != -1)
			fail_msg("'%s' accepted", bad[i]);
		assert_true(err[0] != '\0');
		if (bad[i][0] != '\0' && strstr(err, bad[i]) == NULL)
			fail_msg("'%s' rejected with '%s'", bad[i], err);
	}
	assert_int_equal(ep_plan_ntargets(plan), 0);
	/* An IP literal is named as such where the role wants host names. */
	assert_int_equal(ep_plan_add_target(plan, EP_ROLE_WEBCON, "10.0.0.1",
	    "--target", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "IP address"));
}

/* The generic role takes IP addresses, one spelling per address. */
static void
test_generic_ip_targets(void **state)
{
	struct ep_plan	*plan = *state;

	add_ok(plan, EP_ROLE_GENERIC, "192.0.2.7");
	add_ok(plan, EP_ROLE_GENERIC, "2001:DB8:0:0::1");
	add_ok(plan, EP_ROLE_GENERIC, "2001:db8::1");
	assert_int_equal(ep_plan_ntargets(plan), 2);
	assert_string_equal(ep_plan_target(plan, 0)->name, "192.0.2.7");
	assert_string_equal(ep_plan_target(plan, 1)->name, "2001:db8::1");
}

/* 253 octets (with or without the final dot) pass, 254 do not. */
static void
test_name_length_limit(void **state)
{
	struct ep_plan	*plan = *state;
	char		 name[300], err[512];
	size_t		 i;

	/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 octets. */
	memset(name, 'a', sizeof(name));
	for (i = 63; i < 253; i += 64)
		name[i] = '.';
	name[253] = '\0';
	add_ok(plan, EP_ROLE_GENERIC, name);
	assert_int_equal(strlen(ep_plan_target(plan, 0)->name), 253);
	name[253] = '.';
	name[254] = '\0';
	add_ok(plan, EP_ROLE_GENERIC, name);
	assert_int_equal(ep_plan_ntargets(plan), 1);	/* the same name */
	name[253] = 'b';
	assert_int_equal(strlen(name), 254);
	err[0] = '\0';
	assert_int_equal(ep_plan_add_target(plan, EP_ROLE_GENERIC, name,
	    "--target", err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(ep_plan_ntargets(plan), 1);
	/* A label of 64 octets is too long. */
	assert_int_equal(ep_plan_add_target(plan, EP_ROLE_GENERIC,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    ".example", "--target", err, sizeof(err)), -1);
}

/* SIP domains are normalized, deduplicated, and checked. */
static void
test_sip_domains(void **state)
{
	struct ep_plan	*plan = *state;
	char		 err[512];

	assert_int_equal(ep_plan_add_sip_domain(plan, "Contoso.Example.", err,
	    sizeof(err)), 0);
	assert_int_equal(ep_plan_add_sip_domain(plan, "contoso.example", err,
	    sizeof(err)), 0);
	assert_int_equal(ep_plan_add_sip_domain(plan, "fabrikam.example", err,
	    sizeof(err)), 0);
	assert_int_equal(ep_plan_nsip_domains(plan), 2);
	assert_string_equal(ep_plan_sip_domain(plan, 0), "contoso.example");
	assert_string_equal(ep_plan_sip_domain(plan, 1), "fabrikam.example");
	err[0] = '\0';
	assert_int_equal(ep_plan_add_sip_domain(plan, "bad domain", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "bad domain"));
	assert_int_equal(ep_plan_nsip_domains(plan), 2);
	assert_int_equal(ep_plan_ntargets(plan), 0);	/* domains are not probed */
}

/* Published names: listed once, each a reverse-proxy target "--published". */
static void
test_published_names(void **state)
{
	struct ep_plan	*plan = *state;
	char		 err[512];

	assert_int_equal(ep_plan_add_published(plan, "Meet.Contoso.Example", "--published", err, sizeof(err)), 0);
	assert_int_equal(ep_plan_add_published(plan, "meet.contoso.example.", "--published", err, sizeof(err)), 0);
	assert_int_equal(ep_plan_add_published(plan, "dialin.contoso.example", "--published", err, sizeof(err)), 0);
	assert_int_equal(ep_plan_npublished(plan), 2);
	assert_string_equal(ep_plan_published(plan, 0), "meet.contoso.example");
	assert_string_equal(ep_plan_published(plan, 1), "dialin.contoso.example");
	assert_int_equal(ep_plan_ntargets(plan), 2);
	assert_int_equal(ep_plan_target(plan, 0)->role, EP_ROLE_REVERSE_PROXY);
	assert_string_equal(ep_plan_target(plan, 0)->name, "meet.contoso.example");
	assert_string_equal(ep_plan_target(plan, 0)->source, "--published");
	assert_int_equal(ep_plan_target(plan, 1)->role, EP_ROLE_REVERSE_PROXY);
	assert_string_equal(ep_plan_target(plan, 1)->name, "dialin.contoso.example");
	assert_string_equal(ep_plan_target(plan, 1)->source, "--published");

	/* A name already a reverse-proxy target stays one target. */
	add_ok(plan, EP_ROLE_REVERSE_PROXY, "ext.contoso.example");
	assert_int_equal(ep_plan_add_published(plan, "ext.contoso.example", "--published", err, sizeof(err)), 0);
	assert_int_equal(ep_plan_npublished(plan), 3);
	assert_int_equal(ep_plan_ntargets(plan), 3);

	err[0] = '\0';
	assert_int_equal(ep_plan_add_published(plan, "192.0.2.1", "--published", err,
	    sizeof(err)), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(ep_plan_npublished(plan), 3);
	assert_int_equal(ep_plan_ntargets(plan), 3);
}

/* Default ports per role: access 443,5061; webcon 443; internal 5061... */
static void
test_default_ports(void **state)
{
	static const uint16_t	access[] = { 443, 5061 };
	static const uint16_t	p443[] = { 443 };
	static const uint16_t	p5061[] = { 5061 };
	struct ep_plan		*plan = *state;

	assert_ports(plan, EP_ROLE_ACCESS, access, 2);
	assert_ports(plan, EP_ROLE_WEBCON, p443, 1);
	assert_ports(plan, EP_ROLE_INTERNAL, p5061, 1);
	assert_ports(plan, EP_ROLE_REVERSE_PROXY, p443, 1);
	assert_ports(plan, EP_ROLE_GENERIC, p443, 1);
	assert_int_equal(nports(plan, EP_ROLE_AV), 0);
}

/* "access=8443,15061" replaces the access ports and no other role's. */
static void
test_parse_ports_good(void **state)
{
	static const uint16_t	want[] = { 8443, 15061 };
	static const uint16_t	eight[] = { 1, 2, 3, 4, 5, 6, 7, 65535 };
	static const uint16_t	p443[] = { 443 };
	static const uint16_t	p8443[] = { 8443 };
	struct ep_plan		*plan = *state;
	char			 err[512] = "";

	assert_int_equal(ep_plan_parse_ports(plan, "access=8443,15061", err,
	    sizeof(err)), 0);
	assert_ports(plan, EP_ROLE_ACCESS, want, 2);
	assert_ports(plan, EP_ROLE_WEBCON, p443, 1);
	assert_int_equal(ep_plan_parse_ports(plan,
	    "reverse-proxy=1,2,3,4,5,6,7,65535", err, sizeof(err)), 0);
	assert_ports(plan, EP_ROLE_REVERSE_PROXY, eight, 8);
	assert_int_equal(ep_plan_parse_ports(plan, "generic=8443", err,
	    sizeof(err)), 0);
	assert_ports(plan, EP_ROLE_GENERIC, p8443, 1);
}

/* Malformed port specs are refused with a message; ports unchanged. */
static void
test_parse_ports_bad(void **state)
{
	static const char	*bad[] = {
		"access", "=443", "nosuch=1", "av=443", "webcon=0",
		"webcon=65536", "webcon=1,,2", "webcon=443x", "webcon=",
		"webcon=443,", "webcon=,443", "webcon=-1", "webcon= 443",
		"webcon=+443", "webcon=99999999999999999999",
		"webcon=1,2,3,4,5,6,7,8,9", "Access=443", "access =443",
	};
	static const uint16_t	p443[] = { 443 };
	struct ep_plan		*plan = *state;
	char			 err[512];
	size_t			 i;

	for (i = 0; i < NELEM(bad); i++) {
		err[0] = '\0';
		if (ep_plan_parse_ports(plan, bad[i], err, sizeof(err)) != -1)
			fail_msg("'%s' accepted", bad[i]);
		if (err[0] == '\0')
			fail_msg("'%s' refused without a message", bad[i]);
		assert_ports(plan, EP_ROLE_WEBCON, p443, 1);
	}
	assert_int_equal(nports(plan, EP_ROLE_AV), 0);
	assert_int_equal(nports(plan, EP_ROLE_ACCESS), 2);
}

/* ep_plan_set_ports: 1 to 8 nonzero ports. */
static void
test_set_ports(void **state)
{
	static const uint16_t	nine[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const uint16_t	zero[] = { 443, 0 };
	struct ep_plan		*plan = *state;
	char			 err[512] = "";

	assert_int_equal(ep_plan_set_ports(plan, EP_ROLE_WEBCON, nine, 0, err,
	    sizeof(err)), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(ep_plan_set_ports(plan, EP_ROLE_WEBCON, nine, 9, err,
	    sizeof(err)), -1);
	assert_int_equal(ep_plan_set_ports(plan, EP_ROLE_WEBCON, zero, 2, err,
	    sizeof(err)), -1);
	assert_int_equal(nports(plan, EP_ROLE_WEBCON), 1);
	assert_int_equal(ep_plan_set_ports(plan, EP_ROLE_WEBCON, nine, 8, err,
	    sizeof(err)), 0);
	assert_ports(plan, EP_ROLE_WEBCON, nine, 8);
}

/* Probed targets: every role with ports that is handshaked, not av. */
static void
test_probed_targets(void **state)
{
	struct ep_plan	*plan = *state;

	assert_int_equal(ep_plan_probed_targets(plan), 0);
	add_ok(plan, EP_ROLE_ACCESS, "access.contoso.example");
	add_ok(plan, EP_ROLE_AV, "av.contoso.example");
	add_ok(plan, EP_ROLE_WEBCON, "webcon.contoso.example");
	add_ok(plan, EP_ROLE_INTERNAL, "edge01.corp.contoso.example");
	add_ok(plan, EP_ROLE_AV, "av2.contoso.example");
	assert_int_equal(ep_plan_ntargets(plan), 5);
	assert_int_equal(ep_plan_probed_targets(plan), 3);
}

/* Role names round-trip; the built-in profile is found by name only. */
static void
test_roles_and_profile(void **state)
{
	static const char	*names[EP_ROLE__MAX] = {
		[EP_ROLE_ACCESS] = "access",
		[EP_ROLE_WEBCON] = "webcon",
		[EP_ROLE_AV] = "av",
		[EP_ROLE_INTERNAL] = "internal",
		[EP_ROLE_REVERSE_PROXY] = "reverse-proxy",
		[EP_ROLE_GENERIC] = "generic",
	};
	const struct ep_profile	*p = fx_lync();
	enum ep_role		 r;
	size_t			 i;

	(void)state;
	for (i = 0; i < EP_ROLE__MAX; i++) {
		assert_string_equal(ep_role_name((enum ep_role)i), names[i]);
		assert_int_equal(ep_role_by_name(names[i], &r), 0);
		assert_int_equal(r, i);
		assert_string_equal(p->roles[i].name, names[i]);
	}
	assert_int_equal(ep_role_by_name("edge", &r), -1);
	assert_int_equal(ep_role_by_name("", &r), -1);
	assert_non_null(p);
	assert_string_equal(p->name, "lync2013");
	{
		struct ep_profile	*none = NULL;
		char			 err[512] = "";

		assert_int_equal(ep_profile_load("lync2010", &none, err,
		    sizeof(err)), -1);
		assert_null(none);
		assert_non_null(strstr(err, "lync2010"));
	}
	assert_int_equal(p->roles[EP_ROLE_AV].probed, 0);
	/* Severities start as the check table's defaults. */
	for (i = 0; i < EP_CHECK__MAX; i++)
		assert_int_equal(p->severity[i],
		    ep_check_info((enum ep_check)i)->severity);
}

/* What discovery found for domain d: SRV sign-in and federation, sip.d. */
static void
found(struct ep_plan *plan, size_t group, const char *d, const char *target,
    size_t *touched, size_t *n)
{
	struct ep_srv	signin, fed;
	struct ep_found	f;
	char		q0[300], q1[300], sip[300], meet[300], err[512] = "";

	memset(&signin, 0, sizeof(signin));
	memset(&fed, 0, sizeof(fed));
	snprintf(signin.target, sizeof(signin.target), "%s", target);
	signin.port = 443;
	fed = signin;
	fed.port = 5061;
	snprintf(q0, sizeof(q0), "_sip._tls.%s", d);
	snprintf(q1, sizeof(q1), "_sipfederationtls._tcp.%s", d);
	snprintf(sip, sizeof(sip), "sip.%s", d);
	snprintf(meet, sizeof(meet), "meet.%s", d);
	memset(&f, 0, sizeof(f));
	f.domain = d;
	f.srv[0].qname = q0;
	f.srv[0].v = &signin;
	f.srv[0].n = 1;
	f.srv[1].qname = q1;
	f.srv[1].v = &fed;
	f.srv[1].n = 1;
	f.srv[1].flags = EP_PORT_FEDERATION;
	f.access = sip;
	f.published[0] = meet;
	f.npublished = 1;
	if (ep_plan_add_found(plan, group, &f, touched, n, err,
	    sizeof(err)) != 0)
		fail_msg("ep_plan_add_found: %s", err);
}

static size_t
find(const struct ep_plan *plan, enum ep_role role, const char *name)
{
	size_t	i;

	for (i = 0; i < ep_plan_ntargets(plan); i++)
		if (ep_plan_target(plan, i)->role == role &&
		    strcmp(ep_plan_target(plan, i)->name, name) == 0)
			return i;
	fail_msg("no %s %s", ep_role_name(role), name);
	return 0;
}

/*
 * The door: an SRV target on each record's port (federation flagged),
 * sip.<d> on the role's ports too, published names; every target it
 * named is touched; all in the discovering group, with the SIP domain.
 */
static void
test_found(void **state)
{
	struct ep_plan		*plan = *state;
	const struct ep_target	*t;
	const struct ep_port	*ports;
	size_t			 touched[EP_FOUND_TOUCHED_MAX], n = 0, g;
	char			 err[512] = "";

	assert_int_equal(ep_plan_add_discovery(plan, "Contoso.Example.", err,
	    sizeof(err)), 0);
	assert_string_equal(ep_plan_discovery(plan, 0, &g), "contoso.example");
	found(plan, g, "contoso.example", "sip.contoso.example", touched, &n);
	/* sip.contoso.example (SRV and A), meet.contoso.example. */
	assert_int_equal(ep_plan_ntargets(plan), 2);
	assert_int_equal(n, 2);
	t = ep_plan_target(plan, find(plan, EP_ROLE_ACCESS,
	    "sip.contoso.example"));
	assert_int_equal(t->group, g);
	assert_string_equal(t->source, "_sip._tls.contoso.example SRV; "
	    "_sipfederationtls._tcp.contoso.example SRV; "
	    "sip.contoso.example A/AAAA");
	assert_int_equal(ep_plan_ports(plan, find(plan, EP_ROLE_ACCESS,
	    "sip.contoso.example"), &ports), 2);
	assert_int_equal(ports[0].port, 443);
	assert_int_equal(ports[0].flags, 0);
	assert_int_equal(ports[1].port, 5061);
	assert_int_equal(ports[1].flags, EP_PORT_FEDERATION);
	assert_true(ep_plan_is_published(plan, "meet.contoso.example"));
	assert_int_equal(ep_plan_nsip_domains(plan), 1);
	assert_string_equal(ep_plan_sip_domain(plan, 0), "contoso.example");
	assert_true(ep_plan_sip_domain_concerns(plan, 0, find(plan,
	    EP_ROLE_ACCESS, "sip.contoso.example")));
}

/*
 * Records that cannot be probed (an IP address, no host name, port 0,
 * ".") add nothing: the rules say what is wrong with them.
 */
static void
test_found_unusable(void **state)
{
	static const char	*bad[] = { "192.0.2.1", "bad..name", "" };
	struct ep_plan		*plan = *state;
	struct ep_srv		 v[4];
	struct ep_found		 f;
	size_t			 touched[EP_FOUND_TOUCHED_MAX], n = 9, i;
	char			 err[512] = "";

	memset(v, 0, sizeof(v));
	for (i = 0; i < NELEM(bad); i++) {
		snprintf(v[i].target, sizeof(v[i].target), "%s", bad[i]);
		v[i].port = 443;
	}
	snprintf(v[3].target, sizeof(v[3].target), "sip.contoso.example");
	memset(&f, 0, sizeof(f));
	f.domain = "contoso.example";
	f.srv[0].qname = "_sip._tls.contoso.example";
	f.srv[0].v = v;
	f.srv[0].n = 4;
	assert_int_equal(ep_plan_add_discovery(plan, "contoso.example", err,
	    sizeof(err)), 0);
	assert_int_equal(ep_plan_add_found(plan, 0, &f, touched, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ep_plan_ntargets(plan), 0);
	assert_int_equal(ep_plan_nsip_domains(plan), 1);
}

/*
 * Whatever order the answers came in, ep_plan_settle leaves what was
 * named before the run first, then each argument's finds in argument
 * order; a target two arguments found belongs to the first.
 */
static void
test_settle(void **state)
{
	struct ep_plan	*plan = *state;
	size_t		 touched[EP_FOUND_TOUCHED_MAX], n, *remap = NULL;
	size_t		 ga, gb, before;
	char		 err[512] = "";

	add_ok(plan, EP_ROLE_WEBCON, "webcon.a.example");	/* before */
	assert_int_equal(ep_plan_add_discovery(plan, "a.example", err,
	    sizeof(err)), 0);
	assert_int_equal(ep_plan_add_discovery(plan, "b.example", err,
	    sizeof(err)), 0);
	ep_plan_discovery(plan, 0, &ga);
	ep_plan_discovery(plan, 1, &gb);
	/* b answers first; both name one edge. */
	found(plan, gb, "b.example", "edge.shared.example", touched, &n);
	found(plan, ga, "a.example", "edge.shared.example", touched, &n);
	before = find(plan, EP_ROLE_ACCESS, "edge.shared.example");
	assert_int_equal(ep_plan_settle(plan, &remap), 0);
	assert_non_null(remap);
	assert_int_equal(remap[0], 0);
	assert_string_equal(ep_plan_target(plan, 0)->name, "webcon.a.example");
	assert_int_equal(ep_plan_target(plan, 0)->group, EP_GROUP_NONE);
	/* a's finds: the shared edge, sip.a, meet.a; then b's. */
	assert_string_equal(ep_plan_target(plan, 1)->name,
	    "edge.shared.example");
	assert_int_equal(ep_plan_target(plan, 1)->group, ga);
	assert_int_equal(remap[before], 1);
	assert_string_equal(ep_plan_target(plan, 2)->name, "sip.a.example");
	assert_string_equal(ep_plan_target(plan, 3)->name, "meet.a.example");
	assert_string_equal(ep_plan_target(plan, 4)->name, "sip.b.example");
	assert_int_equal(ep_plan_target(plan, 4)->group, gb);
	assert_string_equal(ep_plan_target(plan, 5)->name, "meet.b.example");
	assert_string_equal(ep_plan_sip_domain(plan, 0), "a.example");
	assert_string_equal(ep_plan_sip_domain(plan, 1), "b.example");
	assert_string_equal(ep_plan_published(plan, 0), "meet.a.example");
	/* The hash still finds every target where it now is. */
	add_ok(plan, EP_ROLE_ACCESS, "edge.shared.example");
	assert_int_equal(ep_plan_ntargets(plan), 6);
	free(remap);
}

/*
 * Accepts: a check on every name, or on one (normalized); an ID no check
 * has, or a NAME that is no host name, is refused.
 */
static void
test_accepts(void **state)
{
	struct ep_plan	*plan = *state;
	char		 err[512] = "";

	assert_int_equal(ep_plan_add_accept(plan, "crl-dp-missing", "--accept",
	    err, sizeof(err)), 0);
	assert_int_equal(ep_plan_add_accept(plan,
	    "eku-client-auth-missing@SIP.Contoso.Example.", "--accept", err,
	    sizeof(err)), 0);
	assert_int_equal(ep_plan_naccepts(plan), 2);
	assert_string_equal(ep_plan_accept(plan, 1),
	    "eku-client-auth-missing@sip.contoso.example");
	assert_true(ep_plan_accepted(plan, EP_CHECK_CRL_DP_MISSING, NULL,
	    NULL));
	assert_true(ep_plan_accepted(plan, EP_CHECK_EKU_CLIENT_AUTH_MISSING,
	    NULL, "sip.contoso.example"));
	assert_false(ep_plan_accepted(plan, EP_CHECK_EKU_CLIENT_AUTH_MISSING,
	    "other.example", "sip.fabrikam.example"));
	assert_false(ep_plan_accepted(plan, EP_CHECK_EXPIRED, NULL, NULL));
	assert_int_equal(ep_plan_add_accept(plan, "no-such-check", "--accept",
	    err, sizeof(err)), -1);
	assert_string_equal(err, "--accept 'no-such-check': no check has "
	    "the ID 'no-such-check'");
	assert_int_equal(ep_plan_add_accept(plan, "expired@bad..name",
	    "--accept", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "expected CHECK or CHECK@NAME"));
	assert_int_equal(ep_accept_check("weak-key@", err, sizeof(err)), -1);
	assert_int_equal(ep_plan_naccepts(plan), 2);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_add_and_dedupe_targets),
		T(test_many_targets),
		T(test_normalization),
		T(test_invalid_names_rejected),
		T(test_generic_ip_targets),
		T(test_name_length_limit),
		T(test_sip_domains),
		T(test_published_names),
		T(test_default_ports),
		T(test_parse_ports_good),
		T(test_parse_ports_bad),
		T(test_set_ports),
		T(test_probed_targets),
		T(test_found),
		T(test_found_unusable),
		T(test_settle),
		T(test_accepts),
		cmocka_unit_test(test_roles_and_profile),
	};

	return cmocka_run_group_tests(tests, fx_lync_setup, fx_lync_teardown);
}
