/*
 * Unit tests for deployment files (src/input/config.c): a good file applied in
 * full, and every kind of error with the line it names.  The files are
 * written at run time into a directory of their own.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/ep_config.h"
#include "input/ep_plan.h"

#define TEST_DIR_MAX	1024	/* the test directory's path */
#define TEST_PATH_MAX	4096
#define ERR_MAX		1024
#define SIZE_LIMIT	(1024 * 1024)	/* the limit config.c sets */

static struct ep_profile	*profile;
static char			 dir[TEST_DIR_MAX];

static int
group_setup(void **state)
{
	const char	*tmp = getenv("TMPDIR");
	char		 err[512];

	(void)state;
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/test_config.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL)
		return -1;
	return ep_profile_load("lync2013", &profile, err, sizeof(err));
}

/* Removes what the tests wrote: flat files and one subdirectory. */
static int
group_teardown(void **state)
{
	char	cmd[TEST_PATH_MAX + 16];

	(void)state;
	ep_profile_free(profile);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
setup(void **state)
{
	if ((*state = ep_plan_new(profile)) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	ep_plan_free(*state);
	return 0;
}

/* Writes len bytes of text to name in the test directory; returns its path. */
static const char *
write_bytes(const char *name, const char *text, size_t len)
{
	static char	 path[TEST_PATH_MAX];
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "wb")) == NULL)
		fail_msg("cannot write %s", path);
	if (fwrite(text, 1, len, fp) != len || fclose(fp) != 0)
		fail_msg("cannot write %s", path);
	return path;
}

static const char *
write_file(const char *name, const char *text)
{
	return write_bytes(name, text, strlen(text));
}

/* Loads a file that must load. */
static struct ep_config *
load_ok(const char *path)
{
	struct ep_config	*c = NULL;
	char			 err[ERR_MAX] = "";

	if (ep_config_load(path, &c, err, sizeof(err)) != 0)
		fail_msg("loading %s: %s", path, err);
	assert_non_null(c);
	return c;
}

static void
apply_ok(const struct ep_config *c, struct ep_plan *plan)
{
	char	err[ERR_MAX] = "";

	if (ep_config_apply(c, plan, err, sizeof(err)) != 0)
		fail_msg("applying: %s", err);
}

/*
 * The file at path must fail to load with an error naming line (0: the
 * file itself) and saying what.
 */
static void
load_path_fails(const char *path, unsigned line, const char *what)
{
	struct ep_config	*c = (struct ep_config *)1;
	char			 err[ERR_MAX] = "", want[TEST_PATH_MAX + 32];

	assert_int_equal(ep_config_load(path, &c, err, sizeof(err)), -1);
	assert_null(c);
	if (line != 0)
		snprintf(want, sizeof(want), "%s:%u: ", path, line);
	else
		snprintf(want, sizeof(want), "%s: ", path);
	if (strncmp(err, want, strlen(want)) != 0 ||
	    strstr(err, what) == NULL)
		fail_msg("want \"%s...%s\", got \"%s\"", want, what, err);
}

/* As load_path_fails, for text written as a file. */
static void
load_fails(const char *text, unsigned line, const char *what)
{
	load_path_fails(write_file("bad.conf", text), line, what);
}

/* Finds a target; fails the test when it is not there. */
static const struct ep_target *
target(const struct ep_plan *plan, enum ep_role role, const char *name)
{
	size_t	i;

	for (i = 0; i < ep_plan_ntargets(plan); i++)
		if (ep_plan_target(plan, i)->role == role &&
		    strcmp(ep_plan_target(plan, i)->name, name) == 0)
			return ep_plan_target(plan, i);
	fail_msg("no %s target %s", ep_role_name(role), name);
	return NULL;
}

static void
assert_source(const struct ep_target *t, const char *path, unsigned line)
{
	char	want[TEST_PATH_MAX + 32];

	snprintf(want, sizeof(want), "%s:%u", path, line);
	assert_string_equal(t->source, want);
}

static void
assert_member(const struct ep_target *t, size_t i, const char *addr)
{
	char	got[INET6_ADDRSTRLEN];

	assert_true(i < t->nmembers);
	assert_non_null(inet_ntop(t->members[i].family, t->members[i].addr,
	    got, sizeof(got)));
	assert_string_equal(got, addr);
}

static const char good[] =
    "; a deployment\n"					/* 1 */
    "[deployment]\n"
    "profile = lync2013\n"
    "sip-domains = Contoso.com, fabrikam.com.\n"
    "sip-domains = contoso.com\n"			/* 5 */
    "dns = 192.0.2.53, [2001:db8::53]:5353\n"
    "ca-file = roots.pem\n"
    "internal-ca = /etc/ssl/internal.pem\n"
    "warn-days = 45\n"
    "crit-days = 10\n"					/* 10 */
    "timeout = 2.5\n"
    "\n"
    "[edge-pool \"dublin\"]\n"
    "access = SIP.contoso.com\n"
    "access-ports = 4443, 5062\n"			/* 15 */
    "access-members = 203.0.113.10, 203.0.113.20\n"
    "webcon = webcon.contoso.com\n"
    "av = av.contoso.com\n"
    "internal = lsedge.contoso.local\n"
    "internal-members = 2001:db8::10\n"			/* 20 */
    "\n"
    "[reverse-proxy web]\n"
    "fqdn = webext.contoso.com\n"
    "published = meet.contoso.com, dialin.contoso.com\n"
    "published = lyncdiscover.contoso.com\n"		/* 25 */
    "members = 198.51.100.80\n";

/* Every key of a good file reaches the settings or the plan, in order. */
static void
test_good_file(void **state)
{
	struct ep_plan				*plan = *state;
	struct ep_config			*c;
	const struct ep_settings		*st;
	const struct ep_target			*t;
	const char				*path;
	char					 ca[TEST_PATH_MAX + 16];
	static const char *const		 rp[] = { "webext.contoso.com",
	    "meet.contoso.com", "dialin.contoso.com",
	    "lyncdiscover.contoso.com" };
	static const unsigned			 rp_line[] = { 23, 24, 24, 25 };
	size_t					 i;

	path = write_file("good.conf", good);
	c = load_ok(path);
	st = ep_config_settings(c);
	assert_string_equal(st->profile, "lync2013");
	assert_string_equal(st->dns, "192.0.2.53,[2001:db8::53]:5353");
	snprintf(ca, sizeof(ca), "%s/roots.pem", dir);
	assert_string_equal(st->ca_file, ca);
	assert_string_equal(st->internal_ca, "/etc/ssl/internal.pem");
	assert_int_equal(st->warn.value, 45);
	assert_int_equal(st->crit.value, 10);
	assert_int_equal(st->limit_ms[EP_LIMIT_TIMEOUT], 2500);

	apply_ok(c, plan);
	assert_int_equal(ep_plan_nsip_domains(plan), 2);
	assert_string_equal(ep_plan_sip_domain(plan, 0), "contoso.com");
	assert_string_equal(ep_plan_sip_domain(plan, 1), "fabrikam.com");

	assert_int_equal(ep_plan_ntargets(plan), 8);
	t = ep_plan_target(plan, 0);
	assert_int_equal(t->role, EP_ROLE_ACCESS);
	assert_string_equal(t->name, "sip.contoso.com");
	assert_source(t, path, 14);
	/* Position-wise, as --port: the second port is the federation one. */
	assert_int_equal(t->nports, 2);
	assert_int_equal(t->ports[0].port, 4443);
	assert_int_equal(t->ports[0].flags, 0);
	assert_int_equal(t->ports[1].port, 5062);
	assert_int_equal(t->ports[1].flags, EP_PORT_FEDERATION);
	assert_int_equal(t->nmembers, 2);
	assert_member(t, 0, "203.0.113.10");
	assert_member(t, 1, "203.0.113.20");

	t = ep_plan_target(plan, 1);
	assert_int_equal(t->role, EP_ROLE_WEBCON);
	assert_string_equal(t->name, "webcon.contoso.com");
	assert_source(t, path, 17);
	assert_int_equal(t->nports, 0);
	assert_int_equal(t->nmembers, 0);

	t = ep_plan_target(plan, 2);
	assert_int_equal(t->role, EP_ROLE_AV);
	assert_string_equal(t->name, "av.contoso.com");
	assert_source(t, path, 18);

	t = ep_plan_target(plan, 3);
	assert_int_equal(t->role, EP_ROLE_INTERNAL);
	assert_string_equal(t->name, "lsedge.contoso.local");
	assert_source(t, path, 19);
	assert_int_equal(t->nports, 0);
	assert_int_equal(t->nmembers, 1);
	assert_member(t, 0, "2001:db8::10");

	/* The proxy's members stand for its FQDN and its published names. */
	for (i = 0; i < 4; i++) {
		t = ep_plan_target(plan, 4 + i);
		assert_int_equal(t->role, EP_ROLE_REVERSE_PROXY);
		assert_string_equal(t->name, rp[i]);
		assert_source(t, path, rp_line[i]);
		assert_int_equal(t->nports, 0);
		assert_int_equal(t->nmembers, 1);
		assert_member(t, 0, "198.51.100.80");
	}
	assert_int_equal(ep_plan_npublished(plan), 3);
	assert_string_equal(ep_plan_published(plan, 0), "meet.contoso.com");
	assert_string_equal(ep_plan_published(plan, 1), "dialin.contoso.com");
	assert_string_equal(ep_plan_published(plan, 2), "lyncdiscover.contoso.com");
	ep_config_free(c);
}

/* Every time limit has its key, each kept in milliseconds. */
static void
test_time_limits(void **state)
{
	struct ep_config			*c;
	const struct ep_settings		*st;

	(void)state;
	c = load_ok(write_file("limits.conf", "[deployment]\n"
	    "timeout = 2.5\n"
	    "connect-timeout = 1.005\n"
	    "handshake-timeout = 4\n"
	    "dns-timeout = 1.5\n"
	    "run-timeout = 60\n"));
	st = ep_config_settings(c);
	assert_int_equal(st->limit_ms[EP_LIMIT_TIMEOUT], 2500);
	/* 1.005 is 1004.99... in binary: rounded, not cut, to milliseconds. */
	assert_int_equal(st->limit_ms[EP_LIMIT_CONNECT], 1005);
	assert_int_equal(st->limit_ms[EP_LIMIT_HANDSHAKE], 4000);
	assert_int_equal(st->limit_ms[EP_LIMIT_DNS], 1500);
	assert_int_equal(st->limit_ms[EP_LIMIT_RUN], 60000);
	ep_config_free(c);
}

/* A file that gives nothing leaves every setting unset and the plan empty. */
static void
test_empty_file(void **state)
{
	struct ep_plan				*plan = *state;
	struct ep_config			*c;
	const struct ep_settings		*st;
	size_t					 i;

	c = load_ok(write_file("empty.conf", ""));
	st = ep_config_settings(c);
	assert_null(st->profile);
	assert_null(st->dns);
	assert_null(st->ca_file);
	assert_null(st->internal_ca);
	assert_int_equal(st->warn.value, -1);
	assert_int_equal(st->crit.value, -1);
	for (i = 0; i < EP_LIMIT__MAX; i++)
		assert_int_equal(st->limit_ms[i], 0);
	apply_ok(c, plan);
	ep_config_free(c);

	c = load_ok(write_file("comments.conf", "; nothing\n# at all\n\n"
	    "[deployment]\n"));
	apply_ok(c, plan);
	assert_int_equal(ep_plan_ntargets(plan), 0);
	assert_int_equal(ep_plan_nsip_domains(plan), 0);
	ep_config_free(c);
}

/*
 * Windows editors' byte order mark and CRLF, indented keys (never inih
 * continuation lines), inline comments, unnamed sections.
 */
static void
test_layout(void **state)
{
	struct ep_plan		*plan = *state;
	struct ep_config	*c;
	const struct ep_target	*t;

	c = load_ok(write_file("layout.conf",
	    "\xef\xbb\xbf[edge-pool]\r\n"
	    "\taccess = sip.a.example ; the pool's\r\n"
	    "    webcon = webcon.a.example\r\n"
	    "  [ edge-pool ]   ; a second, unnamed\r\n"
	    "access=sip.b.example\r\n"));
	apply_ok(c, plan);
	assert_int_equal(ep_plan_ntargets(plan), 3);
	t = target(plan, EP_ROLE_ACCESS, "sip.a.example");
	assert_int_equal(t->nports, 0);
	(void)target(plan, EP_ROLE_WEBCON, "webcon.a.example");
	(void)target(plan, EP_ROLE_ACCESS, "sip.b.example");
	ep_config_free(c);
}

/* federation-port picks the federation port from access-ports. */
static void
test_federation_port(void **state)
{
	struct ep_plan		*plan = *state;
	struct ep_config	*c;
	const struct ep_target	*t;

	c = load_ok(write_file("fed.conf",
	    "[edge-pool one]\n"
	    "access = sip.one.example\n"
	    "access-ports = 5061, 443\n"
	    "[edge-pool two]\n"
	    "access = sip.two.example\n"
	    "access-ports = 5061, 443\n"
	    "federation-port = 5061\n"
	    "internal = int.two.example\n"
	    "internal-ports = 5061\n"));
	apply_ok(c, plan);
	/* Without it, by position: the profile's second port federates. */
	t = target(plan, EP_ROLE_ACCESS, "sip.one.example");
	assert_int_equal(t->nports, 2);
	assert_int_equal(t->ports[0].flags, 0);
	assert_int_equal(t->ports[1].flags, EP_PORT_FEDERATION);
	t = target(plan, EP_ROLE_ACCESS, "sip.two.example");
	assert_int_equal(t->ports[0].port, 5061);
	assert_int_equal(t->ports[0].flags, EP_PORT_FEDERATION);
	assert_int_equal(t->ports[1].port, 443);
	assert_int_equal(t->ports[1].flags, 0);
	t = target(plan, EP_ROLE_INTERNAL, "int.two.example");
	assert_int_equal(t->nports, 1);
	assert_int_equal(t->ports[0].port, 5061);
	assert_int_equal(t->ports[0].flags, 0);
	ep_config_free(c);
}

/* Two files naming one target: the plan keeps both lines as its source. */
static void
test_two_files_merge(void **state)
{
	struct ep_plan		*plan = *state;
	struct ep_config	*a, *b;
	const struct ep_target	*t;
	char			 pa[TEST_PATH_MAX], pb[TEST_PATH_MAX];
	char			 want[2 * TEST_PATH_MAX + 16];

	snprintf(pa, sizeof(pa), "%s", write_file("a.conf",
	    "[edge-pool]\naccess = sip.contoso.com\n"));
	snprintf(pb, sizeof(pb), "%s", write_file("b.conf",
	    "[deployment]\nwarn-days = 3\n[edge-pool]\n"
	    "access = sip.contoso.com\naccess-members = 192.0.2.1\n"));
	a = load_ok(pa);
	b = load_ok(pb);
	apply_ok(a, plan);
	apply_ok(b, plan);
	assert_int_equal(ep_plan_ntargets(plan), 1);
	t = target(plan, EP_ROLE_ACCESS, "sip.contoso.com");
	snprintf(want, sizeof(want), "%s:2; %s:4", pa, pb);
	assert_string_equal(t->source, want);
	assert_int_equal(t->nmembers, 1);
	assert_int_equal(ep_config_settings(a)->warn.value, -1);
	assert_int_equal(ep_config_settings(b)->warn.value, 3);
	ep_config_free(a);
	ep_config_free(b);
}

/* Paths are relative to the file's directory; a profile only with a slash. */
static void
test_relative_paths(void **state)
{
	struct ep_config			*c;
	const struct ep_settings		*st;
	char					 sub[TEST_DIR_MAX + 16],
						 path[TEST_PATH_MAX],
						 want[TEST_PATH_MAX + 32],
						 cwd[TEST_PATH_MAX];
	FILE					*fp;

	(void)state;
	snprintf(sub, sizeof(sub), "%s/site", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/site.conf", sub);
	assert_non_null(fp = fopen(path, "w"));
	fputs("[deployment]\nprofile = ./rules.ini\n"
	    "ca-file = ../pki/roots.pem\n"
	    "internal-ca = internal.pem\n", fp);
	assert_int_equal(fclose(fp), 0);
	c = load_ok(path);
	st = ep_config_settings(c);
	snprintf(want, sizeof(want), "%s/./rules.ini", sub);
	assert_string_equal(st->profile, want);
	snprintf(want, sizeof(want), "%s/../pki/roots.pem", sub);
	assert_string_equal(st->ca_file, want);
	snprintf(want, sizeof(want), "%s/internal.pem", sub);
	assert_string_equal(st->internal_ca, want);
	ep_config_free(c);

	/* A file named without a directory is in the working directory. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(sub), 0);
	c = load_ok("site.conf");
	st = ep_config_settings(c);
	assert_string_equal(st->ca_file, "../pki/roots.pem");
	ep_config_free(c);
	assert_int_equal(chdir("/"), 0);
	c = load_ok(path + 1);
	st = ep_config_settings(c);
	snprintf(want, sizeof(want), "%s/internal.pem", sub + 1);
	assert_string_equal(st->internal_ca, want);
	ep_config_free(c);
	assert_int_equal(chdir(cwd), 0);
}

/* The examples shipped in probes/examples/ load and apply. */
static void
test_examples(void **state)
{
	static const char *const	 names[] = { "contoso.conf",
	    "lab.conf", "two-sites.conf" };
	const char			*data = getenv("EP_TEST_DATA");
	struct ep_config		*c;
	struct ep_plan			*plan;
	char				 path[TEST_PATH_MAX];
	size_t				 i;

	(void)state;
	if (data == NULL || *data == '\0')
		data = "tests";
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/../probes/examples/%s", data,
		    names[i]);
		c = load_ok(path);
		assert_non_null(plan = ep_plan_new(profile));
		apply_ok(c, plan);
		assert_true(ep_plan_ntargets(plan) > 0);
		assert_true(ep_plan_nsip_domains(plan) > 0);
		ep_plan_free(plan);
		ep_config_free(c);
	}
}

/* A failed load gives no configuration, so nothing can reach a plan. */
static void
test_never_half_applied(void **state)
{
	struct ep_plan	*plan = *state;

	load_fails("[deployment]\nsip-domains = contoso.com\n"
	    "[edge-pool]\naccess = sip.contoso.com\n"
	    "webcon = webcon.contoso.com\n"
	    "internal = bad..name\n", 6, "not a valid host name");
	assert_int_equal(ep_plan_ntargets(plan), 0);
	assert_int_equal(ep_plan_nsip_domains(plan), 0);
}

static void
test_error_unknown_key(void **state)
{
	(void)state;
	load_fails("[edge-pool a]\naccess = sip.contoso.com\n"
	    "acces-ports = 443\n", 3,
	    "unknown key 'acces-ports' in [edge-pool]");
}

static void
test_error_key_in_wrong_section(void **state)
{
	(void)state;
	load_fails("[deployment]\naccess = sip.contoso.com\n", 2,
	    "access belongs in [edge-pool], not [deployment]");
}

static void
test_error_key_outside_section(void **state)
{
	(void)state;
	load_fails("; first\nsip-domains = contoso.com\n", 2,
	    "outside a section");
}

static void
test_error_unknown_section(void **state)
{
	(void)state;
	load_fails("[deployment]\nsip-domains = contoso.com\n\n"
	    "[edge \"dublin\"]\naccess = sip.contoso.com\n", 4,
	    "unknown section [edge]");
}

static void
test_error_bad_section_header(void **state)
{
	(void)state;
	load_fails("[edge-pool dublin 2]\n", 1, "expected [TYPE]");
	load_fails("\n[edge-pool \"dublin]\n", 2, "ends in '\"'");
	load_fails("\n[edge-pool \"dublin\"\n", 2,
	    "a section header without ']'");
	load_fails("[edge-pool]x\n", 1, "text after the section header");
	load_fails("[deployment main]\n", 1, "[deployment] takes no name");
	load_fails("[edge-pool \"\"]\n", 1, "an empty section name");
}

static void
test_error_duplicate_section(void **state)
{
	(void)state;
	load_fails("[edge-pool \"dublin\"]\naccess = sip.a.example\n"
	    "[edge-pool dublin]\naccess = sip.b.example\n", 3,
	    "[edge-pool \"dublin\"] again (first on line 1)");
	load_fails("[deployment]\n[deployment]\n", 2, "again");
}

static void
test_error_bad_port(void **state)
{
	(void)state;
	load_fails("[edge-pool]\naccess = sip.contoso.com\n"
	    "access-ports = 443, 70000\n", 3,
	    "access-ports '70000': a port is a number from 1 to 65535");
	load_fails("[reverse-proxy]\nfqdn = ext.contoso.com\nports = 0\n", 3,
	    "ports '0'");
	load_fails("[reverse-proxy]\nfqdn = ext.contoso.com\n"
	    "ports = 443, 443\n", 3, "port 443 listed twice");
	load_fails("[reverse-proxy]\nfqdn = ext.contoso.com\n"
	    "ports = 1,2,3,4,5,6,7,8,9\n", 3, "more than 8 ports");
}

static void
test_error_bad_member(void **state)
{
	(void)state;
	load_fails("[edge-pool]\naccess = sip.contoso.com\n"
	    "access-members = 203.0.113.10, 203.0.113.300\n", 3,
	    "access-members '203.0.113.300': not an IPv4 or IPv6 address");
	load_fails("[edge-pool]\naccess = sip.contoso.com\n"
	    "access-members = 203.0.113.10\n"
	    "access-members = 203.0.113.10\n", 4,
	    "203.0.113.10 listed twice");
}

static void
test_error_bad_host_name(void **state)
{
	(void)state;
	load_fails("[edge-pool]\n\naccess = sip..contoso.com\n", 3,
	    "access 'sip..contoso.com': not a valid host name");
	load_fails("[edge-pool]\nwebcon = 192.0.2.1\n", 2,
	    "webcon 192.0.2.1: an IP address, not a host name");
	load_fails("[deployment]\nsip-domains = contoso.com, fabrikam com\n", 2,
	    "sip-domains 'fabrikam com': not a valid host name");
	load_fails("[edge-pool]\naccess = sip.a.example, sip.b.example\n", 2,
	    "access takes one name");
}

static void
test_error_duplicate_key(void **state)
{
	(void)state;
	load_fails("[edge-pool]\naccess = sip.a.example\nwebcon = w.a.example\n"
	    "access = sip.b.example\n", 4,
	    "access given twice (first on line 2)");
	load_fails("[deployment]\nwarn-days = 3\nwarn-days = 3\n", 3,
	    "given twice");
}

static void
test_error_missing_fqdn(void **state)
{
	(void)state;
	load_fails("[reverse-proxy web]\npublished = meet.contoso.com\n"
	    "[edge-pool]\naccess = sip.contoso.com\n", 1,
	    "[reverse-proxy \"web\"] has no fqdn");
	load_fails("[edge-pool]\naccess = sip.contoso.com\n"
	    "[edge-pool dublin]\n", 3,
	    "[edge-pool \"dublin\"] names no access, webcon, av or internal");
	load_fails("[edge-pool]\naccess = sip.contoso.com\n"
	    "webcon-ports = 443\n", 3, "webcon-ports without webcon");
	load_fails("[edge-pool]\nwebcon = webcon.contoso.com\n"
	    "access-members = 192.0.2.1\n", 3,
	    "access-members without access");
}

static void
test_error_federation_port(void **state)
{
	(void)state;
	load_fails("[edge-pool]\naccess = sip.contoso.com\n"
	    "access-ports = 443, 5061\nfederation-port = 5062\n", 4,
	    "federation-port 5062 is not one of access-ports");
	load_fails("[edge-pool]\naccess = sip.contoso.com\n"
	    "federation-port = 5061\n", 3, "needs access-ports");
}

static void
test_error_number_out_of_range(void **state)
{
	(void)state;
	load_fails("[deployment]\nwarn-days = 36501\n", 2,
	    "warn-days '36501': expected a whole number of days from 0 to "
	    "36500, or a share of the lifetime from 1% to 99%");
	load_fails("[deployment]\ncrit-days = -1\n", 2, "crit-days '-1'");
	load_fails("[deployment]\ntimeout = 0.01\n", 2,
	    "timeout '0.01': expected seconds from 0.1 to 3600");
	load_fails("[deployment]\ntimeout = 5s\n", 2, "timeout '5s'");
	load_fails("[deployment]\nrun-timeout = 7200\n", 2,
	    "run-timeout '7200': expected seconds from 0.1 to 3600");
	load_fails("[deployment]\ndns-timeout = -1\n", 2, "dns-timeout '-1'");
}

/*
 * A file's crit-days may not exceed its warn-days in the same unit, said
 * on the later line; in different units they are not compared.
 */
static void
test_error_crit_over_warn(void **state)
{
	(void)state;
	load_fails("[deployment]\nwarn-days = 10\ncrit-days = 20\n", 3,
	    "crit-days 20 is more than warn-days 10 (line 2 and this one)");
	load_fails("[deployment]\ncrit-days = 20%\n\nwarn-days = 10%\n", 4,
	    "crit-days 20% is more than warn-days 10% (line 2 and this one)");
	ep_config_free(load_ok(write_file("ok.conf", "[deployment]\n"
	    "warn-days = 10\ncrit-days = 10\n[edge-pool]\n"
	    "access = sip.contoso.com\n")));
	ep_config_free(load_ok(write_file("ok.conf", "[deployment]\n"
	    "warn-days = 10\ncrit-days = 20%\n[edge-pool]\n"
	    "access = sip.contoso.com\n")));
}

static void
test_error_bad_dns(void **state)
{
	(void)state;
	load_fails("[deployment]\ndns = ns1.contoso.com\n", 2,
	    "dns 'ns1.contoso.com': expected an IP address");
	load_fails("[deployment]\ndns = [2001:db8::1]\n", 2,
	    "dns '[2001:db8::1]'");
	load_fails("[deployment]\ndns = 192.0.2.1:0\n", 2, "dns '0'");
	load_fails("[deployment]\ndns = 1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,"
	    "1.1.1.5,1.1.1.6,1.1.1.7,1.1.1.8,1.1.1.9,1.1.1.10,1.1.1.11,"
	    "1.1.1.12,1.1.1.13,1.1.1.14,1.1.1.15,1.1.1.16,1.1.1.17\n", 2,
	    "more than 16 servers");
}

static void
test_error_bad_values(void **state)
{
	(void)state;
	load_fails("[edge-pool]\naccess =\n", 2, "access: no value");
	load_fails("[reverse-proxy]\nfqdn = ext.contoso.com\n"
	    "published = meet.contoso.com,,dialin.contoso.com\n", 3,
	    "an empty item in the list");
}

/* inih's own complaint, a line without '=', keeps its place in line. */
static void
test_error_syntax(void **state)
{
	(void)state;
	load_fails("[edge-pool]\naccess sip.contoso.com\n", 2,
	    "not a [section] header, key = value, or comment");
	/* The first error is the one reported, whoever finds it. */
	load_fails("[edge-pool]\naccess sip.contoso.com\nwebcon = bad..name\n",
	    2, "not a [section] header, key = value, or comment");
	load_fails("[edge-pool]\nwebcon = bad..name\naccess sip.contoso.com\n",
	    2, "not a valid host name");
}

static void
test_error_long_line(void **state)
{
	char	text[512];

	(void)state;
	snprintf(text, sizeof(text), "[reverse-proxy]\nfqdn = ext.contoso.com\n"
	    "published = %0300d\n", 0);
	load_fails(text, 3, "longer than");
}

static void
test_error_nul_byte(void **state)
{
	static const char	text[] = "[edge-pool]\naccess = sip\0.contoso.com\n";

	(void)state;
	load_path_fails(write_bytes("bad.conf", text, sizeof(text) - 1), 2,
	    "a NUL byte");
}

static void
test_error_no_such_file(void **state)
{
	struct ep_config	*c = (struct ep_config *)1;
	char			 err[ERR_MAX], path[TEST_PATH_MAX + 16];
	char			 want[TEST_PATH_MAX + 64];

	(void)state;
	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	assert_int_equal(ep_config_load(path, &c, err, sizeof(err)), -1);
	assert_null(c);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);
}

static void
test_error_directory(void **state)
{
	struct ep_config	*c = (struct ep_config *)1;
	char			 err[ERR_MAX], want[TEST_PATH_MAX + 64];

	(void)state;
	assert_int_equal(ep_config_load(dir, &c, err, sizeof(err)), -1);
	assert_null(c);
	snprintf(want, sizeof(want), "%s: a directory, not a file", dir);
	assert_string_equal(err, want);
}

/* Up to the limit is read; one byte more is refused before parsing. */
static void
test_error_too_large(void **state)
{
	struct ep_config	*c;
	char			*text;
	size_t			 i;

	(void)state;
	assert_non_null(text = malloc(SIZE_LIMIT + 1));
	/* Comment lines: the size, not the content, is the point. */
	for (i = 0; i < SIZE_LIMIT; i += 64) {
		memset(text + i, ' ', 63);
		text[i] = ';';
		text[i + 63] = '\n';
	}
	c = load_ok(write_bytes("big.conf", text, SIZE_LIMIT));
	ep_config_free(c);
	text[SIZE_LIMIT] = '\n';
	load_path_fails(write_bytes("bad.conf", text, SIZE_LIMIT + 1), 0,
	    "larger than 1048576 bytes");
	free(text);
}

/* A new run's settings are all unset, as a file that gives none. */
static void
test_settings_init(void **state)
{
	struct ep_settings	s;
	size_t			i;

	(void)state;
	memset(&s, 0x55, sizeof(s));
	ep_settings_init(&s);
	assert_null(s.profile);
	assert_null(s.dns);
	assert_null(s.ca_file);
	assert_null(s.internal_ca);
	assert_int_equal(s.warn.value, -1);
	assert_int_equal(s.crit.value, -1);
	for (i = 0; i < EP_LIMIT__MAX; i++)
		assert_int_equal(s.limit_ms[i], 0);
}

/*
 * A flag wins over every file, and the first file to give a setting over
 * those after it; what none gives stays unset until finished.
 */
static void
test_settings_fill(void **state)
{
	struct ep_config		*a, *b;
	struct ep_settings		 s;
	const struct ep_settings	*sa, *sb;

	(void)state;
	a = load_ok(write_file("a.conf", "[deployment]\n"
	    "profile = skype2015\n"
	    "dns = 192.0.2.53\n"
	    "warn-days = 40\n"
	    "timeout = 3\n"
	    "connect-timeout = 1\n"));
	b = load_ok(write_file("b.conf", "[deployment]\n"
	    "profile = skype2019\n"
	    "ca-file = /b/roots.pem\n"
	    "internal-ca = /b/internal.pem\n"
	    "warn-days = 50\n"
	    "crit-days = 0\n"
	    "timeout = 4\n"
	    "run-timeout = 60\n"));
	sa = ep_config_settings(a);
	sb = ep_config_settings(b);

	/* Flags: a DNS server, a CA file and a connect timeout. */
	ep_settings_init(&s);
	s.dns = "198.51.100.53";
	s.ca_file = "/flag/roots.pem";
	s.limit_ms[EP_LIMIT_CONNECT] = 700;
	ep_settings_fill(&s, a);
	ep_settings_fill(&s, b);
	assert_string_equal(s.dns, "198.51.100.53");
	assert_string_equal(s.ca_file, "/flag/roots.pem");
	assert_int_equal(s.limit_ms[EP_LIMIT_CONNECT], 700);
	/* The first file's, the strings its own. */
	assert_ptr_equal(s.profile, sa->profile);
	assert_string_equal(s.profile, "skype2015");
	assert_int_equal(s.warn.value, 40);
	assert_int_equal(s.limit_ms[EP_LIMIT_TIMEOUT], 3000);
	/* What only the second gives; 0 days is a setting, not unset. */
	assert_ptr_equal(s.internal_ca, sb->internal_ca);
	assert_int_equal(s.crit.value, 0);
	assert_int_equal(s.limit_ms[EP_LIMIT_RUN], 60000);
	/* What neither gives. */
	assert_int_equal(s.limit_ms[EP_LIMIT_HANDSHAKE], 0);
	assert_int_equal(s.limit_ms[EP_LIMIT_DNS], 0);

	/* The other order: the second file first. */
	ep_settings_init(&s);
	ep_settings_fill(&s, b);
	ep_settings_fill(&s, a);
	assert_string_equal(s.profile, "skype2019");
	assert_string_equal(s.dns, "192.0.2.53");
	assert_int_equal(s.warn.value, 50);
	assert_int_equal(s.crit.value, 0);
	assert_int_equal(s.limit_ms[EP_LIMIT_TIMEOUT], 4000);
	assert_int_equal(s.limit_ms[EP_LIMIT_CONNECT], 1000);
	ep_config_free(a);
	ep_config_free(b);
}

/* Defaults fill only what nothing set: the DNS timeout follows the timeout. */
static void
test_settings_finish(void **state)
{
	struct ep_settings	s;

	(void)state;
	ep_settings_init(&s);
	ep_settings_finish(&s);
	assert_string_equal(s.profile, "lync2013");
	assert_int_equal(s.warn.value, 30);
	assert_int_equal(s.crit.value, 7);
	assert_int_equal(s.limit_ms[EP_LIMIT_TIMEOUT], 5000);
	assert_int_equal(s.limit_ms[EP_LIMIT_DNS], 2000);
	assert_int_equal(s.limit_ms[EP_LIMIT_CONNECT], 0);
	assert_int_equal(s.limit_ms[EP_LIMIT_HANDSHAKE], 0);
	assert_int_equal(s.limit_ms[EP_LIMIT_RUN], 0);
	assert_null(s.dns);
	assert_null(s.ca_file);
	assert_null(s.internal_ca);

	/* A timeout under 2 s is the DNS timeout too; at 2 s and above, 2 s. */
	ep_settings_init(&s);
	s.limit_ms[EP_LIMIT_TIMEOUT] = 1999;
	ep_settings_finish(&s);
	assert_int_equal(s.limit_ms[EP_LIMIT_DNS], 1999);
	ep_settings_init(&s);
	s.limit_ms[EP_LIMIT_TIMEOUT] = 2001;
	ep_settings_finish(&s);
	assert_int_equal(s.limit_ms[EP_LIMIT_DNS], 2000);

	/* What is set stays, 0 days included. */
	ep_settings_init(&s);
	s.profile = "generic";
	s.warn.value = 0;
	s.crit.value = 0;
	s.limit_ms[EP_LIMIT_TIMEOUT] = 9000;
	s.limit_ms[EP_LIMIT_DNS] = 8000;
	ep_settings_finish(&s);
	assert_string_equal(s.profile, "generic");
	assert_int_equal(s.warn.value, 0);
	assert_int_equal(s.crit.value, 0);
	assert_int_equal(s.limit_ms[EP_LIMIT_TIMEOUT], 9000);
	assert_int_equal(s.limit_ms[EP_LIMIT_DNS], 8000);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* Thresholds: days or a share of the lifetime, and where they are crossed. */
static void
test_thresholds(void **state)
{
	static const struct {
		const char	*s;
		int		 value, percent;	/* -1: refused */
	} v[] = {
		{ "0", 0, 0 }, { "30", 30, 0 }, { "36500", 36500, 0 },
		{ "33%", 33, 1 }, { "1%", 1, 1 }, { "99%", 99, 1 },
		{ "36501", -1, 0 }, { "0%", -1, 0 }, { "100%", -1, 0 },
		{ "-1", -1, 0 }, { "", -1, 0 }, { "5d", -1, 0 },
		{ "33%%", -1, 0 }, { "%", -1, 0 }, { " 3", -1, 0 },
	};
	struct ep_threshold	t;
	char			err[256], text[16];
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int	r = ep_threshold_parse("--warn-days", v[i].s, &t, err,
			    sizeof(err));

		if (v[i].value == -1) {
			if (r != -1)
				fail_msg("'%s' accepted", v[i].s);
			assert_non_null(strstr(err, "--warn-days '"));
			continue;
		}
		if (r != 0)
			fail_msg("'%s': %s", v[i].s, err);
		assert_int_equal(t.value, v[i].value);
		assert_int_equal(t.percent, v[i].percent);
		ep_threshold_text(&t, text, sizeof(text));
		assert_string_equal(text, v[i].s);
	}
	/* 47 days of life, a third left: 15.67 days, in seconds. */
	t = (struct ep_threshold){ 33, 1 };
	assert_int_equal(ep_threshold_seconds(&t, 0, 47 * 86400),
	    47LL * 86400 * 33 / 100);
	t = (struct ep_threshold){ 30, 0 };
	assert_int_equal(ep_threshold_seconds(&t, 0, 47 * 86400),
	    30LL * 86400);
	/* No lifetime to take a share of: crossed only at the end. */
	t = (struct ep_threshold){ 50, 1 };
	assert_int_equal(ep_threshold_seconds(&t, 100, 50), 0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_thresholds),
		T(test_good_file),
		T(test_empty_file),
		T(test_time_limits),
		T(test_layout),
		T(test_federation_port),
		T(test_two_files_merge),
		T(test_relative_paths),
		T(test_examples),
		T(test_never_half_applied),
		T(test_error_unknown_key),
		T(test_error_key_in_wrong_section),
		T(test_error_key_outside_section),
		T(test_error_unknown_section),
		T(test_error_bad_section_header),
		T(test_error_duplicate_section),
		T(test_error_bad_port),
		T(test_error_bad_member),
		T(test_error_bad_host_name),
		T(test_error_duplicate_key),
		T(test_error_missing_fqdn),
		T(test_error_federation_port),
		T(test_error_number_out_of_range),
		T(test_error_crit_over_warn),
		T(test_error_bad_dns),
		T(test_error_bad_values),
		T(test_error_syntax),
		T(test_error_long_line),
		T(test_error_nul_byte),
		T(test_error_no_such_file),
		T(test_error_directory),
		T(test_error_too_large),
		T(test_settings_init),
		T(test_settings_fill),
		T(test_settings_finish),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
