/*
 * Unit tests for the role profiles (src/input/profile.c): the shipped files of
 * probes/, and malformed files, written at test time, each rejected whole
 * with the line at fault.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "input/ep_plan.h"
#include "input/ep_profile.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define TEST_PATH_MAX	4096
#define ERR_MAX		1024
#define FILE_MAX	(1024 * 1024)	/* profile.c's bound on a file */
#define TEXT_MAX	8192		/* a case's profile text */

/* The temporary directory of the group's files. */
static char	dir[TEST_PATH_MAX];

/*
 * A small complete profile that the malformed cases start from.  Each
 * role has ports of its own, so that a line can be found by its text.
 */
#define ROLE(sec, title, ports, fed, also, with) \
	"[" sec "]\n" \
	"title = " title "\n" \
	"probed = yes\n" \
	"ports = " ports "\n" \
	"federation-ports = " fed "\n" \
	"trust = public\n" \
	"names = san\n" \
	"ip-names = no\n" \
	"wildcard = no\n" \
	"subject-wildcard = no\n" \
	"subject = any\n" \
	"require = none\n" \
	"wildcard-order = no\n" \
	"server-auth = required\n" \
	"revocation = required\n" \
	"rsa-sizes = any\n" \
	"pool = none\n" \
	"offline-also = " also "\n" \
	"expected-with = " with "\n" \
	"\n"

static const char base[] =
	"# The unit tests' profile.\n"
	"[profile]\n"
	"name = base\n"
	"description = the unit tests' profile\n"
	"min-rsa-bits = 3072\n"
	"min-ec-bits = 384\n"
	"weak-hashes = md5, sha1, sha224\n"
	"pss = yes\n"
	"min-tls = tls1.3\n"
	"arguments = hosts\n"
	"\n"
	ROLE("access", "ACCESS", "444, 5062", "5062", "webcon, internal",
	    "none")
	ROLE("webcon", "WEBCON", "8443", "none", "none", "access, generic")
	"[av]\n"
	"title = AV\n"
	"probed = no\n"
	"\n"
	ROLE("internal", "INTERNAL", "5061", "none", "none", "none")
	ROLE("reverse-proxy", "PROXY", "443", "none", "none", "none")
	ROLE("generic", "ANY", "4443", "none", "none", "none")
	"[severity]\n"
	"expired = warning ; inline comments end a value\n"
	"self-signed = info\n"
	"crl-dp-missing = off\n"
	"pool-key-mismatch = ok\n";

static const char *
tmp_path(const char *name)
{
	static char	path[TEST_PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		fail_msg("%s/%s: too long", dir, name);
	return path;
}

/* Writes len bytes of text to the file name in the temporary directory. */
static const char *
write_file(const char *name, const char *text, size_t len)
{
	const char	*path = tmp_path(name);
	FILE		*f;

	if ((f = fopen(path, "w")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	if (fwrite(text, 1, len, f) != len || fclose(f) != 0)
		fail_msg("%s: write failed", path);
	return path;
}

static const char *
write_str(const char *name, const char *text)
{
	return write_file(name, text, strlen(text));
}

/* Returns the number of the line of base that is exactly line. */
static int
line_of(const char *line)
{
	const char	*p = base;
	size_t		 len = strlen(line);
	int		 n;

	for (n = 1; *p != '\0'; n++) {
		if (strncmp(p, line, len) == 0 && p[len] == '\n')
			return n;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		p++;
	}
	fail_msg("no line '%s' in the base profile", line);
	return 0;
}

/*
 * Copies text (base, or base changed below line find) with its line find
 * (the first so in base) replaced by repl.
 */
static void
mutate(const char *text, const char *find, const char *repl, char *out,
    size_t outlen)
{
	const char	*at = text;
	size_t		 len = strlen(find);
	int		 n, target = line_of(find);

	for (n = 1; n < target; n++)
		at = strchr(at, '\n') + 1;
	assert_true(strncmp(at, find, len) == 0);
	assert_true((size_t)snprintf(out, outlen, "%.*s%s%s", (int)(at - text),
	    text, repl, at + len) < outlen);
}

static int
group_setup(void **state)
{
	const char	*tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/test_profile.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	static const char	*files[] = { "case.ini", "big.ini", "base.ini",
				    "nul.ini", "short.ini", "indented.ini",
				    "fifo.ini", "contoso.ini", "over.ini",
				    "loop-a.ini", "loop-b.ini", "late.ini",
				    "d0.ini", "d1.ini", "d2.ini", "d3.ini",
				    "d4.ini", "d5.ini", "d6.ini", "d7.ini",
				    "d8.ini", "d9.ini", "unprobed.ini",
				    "probed.ini" };
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(files); i++)
		unlink(tmp_path(files[i]));
	return rmdir(dir);
}

static struct ep_profile *
load_ok(const char *name)
{
	struct ep_profile	*p = NULL;
	char			 err[ERR_MAX] = "";

	if (ep_profile_load(name, &p, err, sizeof(err)) != 0)
		fail_msg("loading %s: %s", name, err);
	assert_non_null(p);
	return p;
}

/* The path of probes/NAME.ini, from tests/ ($EP_TEST_DATA). */
static const char *
probes_path(const char *name)
{
	static char	 path[TEST_PATH_MAX];
	const char	*data = getenv("EP_TEST_DATA");

	snprintf(path, sizeof(path), "%s/../probes/%s.ini",
	    data != NULL && *data != '\0' ? data : "tests", name);
	return path;
}

/* Asserts that two profiles hold the same rules, strings compared. */
static void
assert_same_roles(const struct ep_profile *a, const struct ep_profile *b)
{
	size_t	i, j;

	for (i = 0; i < EP_ROLE__MAX; i++) {
		const struct ep_role_rules	*x = &a->roles[i];
		const struct ep_role_rules	*y = &b->roles[i];

		assert_string_equal(x->name, y->name);
		assert_int_equal(x->probed, y->probed);
		if (x->title != NULL || y->title != NULL)
			assert_string_equal(x->title, y->title);
		assert_int_equal(x->nports, y->nports);
		for (j = 0; j < x->nports; j++) {
			assert_int_equal(x->ports[j].port, y->ports[j].port);
			assert_int_equal(x->ports[j].flags, y->ports[j].flags);
		}
		assert_int_equal(x->trust, y->trust);
		assert_int_equal(x->names, y->names);
		assert_int_equal(x->ip_names_ok, y->ip_names_ok);
		assert_int_equal(x->wildcard_ok, y->wildcard_ok);
		assert_int_equal(x->subject_wildcard_ok,
		    y->subject_wildcard_ok);
		assert_int_equal(x->subject, y->subject);
		assert_int_equal(x->need_sip_domains, y->need_sip_domains);
		assert_int_equal(x->need_published, y->need_published);
		assert_int_equal(x->offline_also, y->offline_also);
		assert_int_equal(x->expected_with, y->expected_with);
		assert_int_equal(x->wildcard_order, y->wildcard_order);
		assert_int_equal(x->nrsa_sizes, y->nrsa_sizes);
		for (j = 0; j < x->nrsa_sizes; j++)
			assert_int_equal(x->rsa_sizes[j], y->rsa_sizes[j]);
		assert_int_equal(x->pool, y->pool);
	}
	assert_int_equal(a->min_rsa_bits, b->min_rsa_bits);
	assert_int_equal(a->min_ec_bits, b->min_ec_bits);
	assert_int_equal(a->nweak_hashes, b->nweak_hashes);
	for (j = 0; j < a->nweak_hashes; j++)
		assert_int_equal(a->weak_hashes[j], b->weak_hashes[j]);
	assert_int_equal(a->pss_ok, b->pss_ok);
	assert_int_equal(a->min_tls, b->min_tls);
}

static void
assert_rsa_sizes(const struct ep_role_rules *r, const unsigned *sizes,
    size_t n)
{
	size_t	i;

	assert_int_equal(r->nrsa_sizes, n);
	for (i = 0; i < n; i++)
		assert_int_equal(r->rsa_sizes[i], sizes[i]);
}

/*
 * Every built-in profile loads, calls itself by its name, and is the same
 * as its file in probes/ read from disk: the embedding loses nothing.
 */
static void
test_builtins_load(void **state)
{
	const char *const	*names = ep_profile_builtin_names();
	struct ep_profile	*p, *f;
	size_t			 i, n;

	(void)state;
	assert_string_equal(names[0], "lync2013");
	for (n = 0; names[n] != NULL; n++) {
		p = load_ok(names[n]);
		assert_string_equal(p->name, names[n]);
		assert_true(strlen(p->description) > 0);
		for (i = 0; i < EP_ROLE__MAX; i++) {
			assert_string_equal(p->roles[i].name,
			    ep_role_name((enum ep_role)i));
			assert_non_null(p->roles[i].title);
			/* A probed role has somewhere to probe. */
			if (p->roles[i].probed)
				assert_true(p->roles[i].nports > 0);
		}
		f = load_ok(probes_path(names[n]));
		assert_string_equal(f->name, p->name);
		assert_string_equal(f->description, p->description);
		assert_same_roles(p, f);
		assert_memory_equal(p->severity, f->severity,
		    sizeof(p->severity));
		ep_profile_free(f);
		ep_profile_free(p);
	}
	assert_int_equal(n, 4);
	assert_string_equal(names[1], "skype2015");
	assert_string_equal(names[2], "skype2019");
	assert_string_equal(names[3], "generic");
}

/*
 * Each file of probes/ names every check in its [severity] section, so
 * that it reads as the whole rule set: a check added to the table must
 * be added to every profile.
 */
static void
test_builtins_list_every_check(void **state)
{
	const char *const	*names = ep_profile_builtin_names();
	static char		 text[64 * 1024];
	char			 want[128];
	const char		*sev;
	FILE			*fp;
	size_t			 i, n, len;

	(void)state;
	for (n = 0; names[n] != NULL; n++) {
		if ((fp = fopen(probes_path(names[n]), "r")) == NULL)
			fail_msg("%s: %s", probes_path(names[n]),
			    strerror(errno));
		len = fread(text, 1, sizeof(text) - 1, fp);
		assert_true(len < sizeof(text) - 1);
		text[len] = '\0';
		fclose(fp);
		assert_non_null(sev = strstr(text, "\n[severity]\n"));
		for (i = 0; i < EP_CHECK__MAX; i++) {
			snprintf(want, sizeof(want), "\n%s = ",
			    ep_check_info((enum ep_check)i)->id);
			if (strstr(sev, want) == NULL)
				fail_msg("%s: [severity] lacks %s", names[n],
				    want + 1);
		}
	}
}

/* lync2013 against DESIGN.md's table and Microsoft's page. */
static void
test_lync2013(void **state)
{
	static const unsigned	 sizes[] = { 1024, 2048, 4096 };
	struct ep_profile	*p = load_ok("lync2013");
	const struct ep_role_rules *r;
	size_t			 i;

	(void)state;
	r = &p->roles[EP_ROLE_ACCESS];
	assert_string_equal(r->title, "ACCESS EDGE");
	assert_true(r->probed);
	assert_int_equal(r->nports, 2);
	assert_int_equal(r->ports[0].port, 443);
	assert_int_equal(r->ports[0].flags, 0);
	assert_int_equal(r->ports[1].port, 5061);
	assert_int_equal(r->ports[1].flags, EP_PORT_FEDERATION);
	assert_int_equal(r->trust, EP_TRUST_PUBLIC);
	assert_int_equal(r->names, EP_NAMES_SAN_ONLY);
	assert_false(r->ip_names_ok);
	assert_false(r->wildcard_ok);
	assert_false(r->subject_wildcard_ok);
	assert_int_equal(r->subject, EP_SUBJECT_SELF);
	assert_true(r->need_sip_domains);
	assert_false(r->need_published);
	assert_int_equal(r->offline_also, 1u << EP_ROLE_WEBCON);
	assert_false(r->wildcard_order);
	assert_rsa_sizes(r, sizes, NELEM(sizes));
	assert_int_equal(r->pool, EP_POOL_SAME_KEY);

	r = &p->roles[EP_ROLE_WEBCON];
	assert_int_equal(r->nports, 1);
	assert_int_equal(r->ports[0].port, 443);
	assert_int_equal(r->ports[0].flags, 0);
	assert_int_equal(r->trust, EP_TRUST_PUBLIC);
	assert_false(r->wildcard_ok);
	assert_int_equal(r->subject, EP_SUBJECT_ANY);
	assert_false(r->need_sip_domains);
	assert_rsa_sizes(r, sizes, NELEM(sizes));
	assert_int_equal(r->pool, EP_POOL_SAME_KEY);
	/* Only the access edge's file stands for the others. */
	for (i = EP_ROLE_WEBCON; i < EP_ROLE__MAX; i++)
		assert_int_equal(p->roles[i].offline_also, 0);
	/* DNS publishes no webcon name: an access edge alone hints at it. */
	assert_int_equal(r->expected_with, 1u << EP_ROLE_ACCESS);
	for (i = 0; i < EP_ROLE__MAX; i++)
		if (i != EP_ROLE_WEBCON)
			assert_int_equal(p->roles[i].expected_with, 0);

	r = &p->roles[EP_ROLE_AV];
	assert_false(r->probed);
	assert_int_equal(r->nports, 0);

	r = &p->roles[EP_ROLE_INTERNAL];
	assert_int_equal(r->nports, 1);
	assert_int_equal(r->ports[0].port, 5061);
	assert_int_equal(r->ports[0].flags, 0);
	assert_int_equal(r->trust, EP_TRUST_INTERNAL_OR_PUBLIC);
	assert_int_equal(r->names, EP_NAMES_SAN_OR_CN);
	assert_true(r->wildcard_ok);
	assert_true(r->subject_wildcard_ok);
	assert_rsa_sizes(r, sizes, NELEM(sizes));

	r = &p->roles[EP_ROLE_REVERSE_PROXY];
	assert_int_equal(r->ports[0].port, 443);
	assert_int_equal(r->trust, EP_TRUST_PUBLIC);
	assert_true(r->wildcard_ok);
	assert_false(r->subject_wildcard_ok);
	assert_true(r->need_published);
	assert_false(r->need_sip_domains);
	assert_true(r->wildcard_order);
	assert_rsa_sizes(r, sizes, NELEM(sizes));
	assert_int_equal(r->pool, EP_POOL_NONE);

	r = &p->roles[EP_ROLE_GENERIC];
	assert_true(r->ip_names_ok);
	assert_true(r->wildcard_ok);
	assert_int_equal(r->nrsa_sizes, 0);
	assert_int_equal(r->pool, EP_POOL_NONE);

	assert_int_equal(p->min_rsa_bits, 2048);
	assert_int_equal(p->min_ec_bits, 256);
	assert_int_equal(p->nweak_hashes, 2);
	assert_int_equal(p->weak_hashes[0], GNUTLS_DIG_MD5);
	assert_int_equal(p->weak_hashes[1], GNUTLS_DIG_SHA1);
	assert_false(p->pss_ok);
	assert_int_equal(p->min_tls, GNUTLS_TLS1_2);

	assert_int_equal(p->severity[EP_CHECK_POOL_CERT_MISMATCH],
	    EP_SEV_WARNING);
	assert_int_equal(p->severity[EP_CHECK_POOL_KEY_MISMATCH],
	    EP_SEV_CRITICAL);
	assert_int_equal(p->severity[EP_CHECK_EXPIRES_SOON], EP_SEV_WARNING);
	assert_int_equal(p->severity[EP_CHECK_CRL_DP_MISSING], EP_SEV_WARNING);
	assert_int_equal(p->severity[EP_CHECK_TLS_LEGACY_VERSION],
	    EP_SEV_WARNING);
	assert_int_equal(p->severity[EP_CHECK_ROLE_NOT_CHECKED], EP_SEV_INFO);
	/* Today's behaviour: the check table's defaults, every one. */
	for (i = 0; i < EP_CHECK__MAX; i++)
		assert_int_equal(p->severity[i],
		    ep_check_info((enum ep_check)i)->severity);
	ep_profile_free(p);
}

/*
 * Skype for Business 2015 and 2019 ask the same of edge certificates as
 * Lync 2013; 2019 speaks TLS 1.2 and later only.
 */
static void
test_skype(void **state)
{
	struct ep_profile	*lync = load_ok("lync2013");
	struct ep_profile	*s15 = load_ok("skype2015");
	struct ep_profile	*s19 = load_ok("skype2019");

	(void)state;
	assert_same_roles(lync, s15);
	assert_same_roles(lync, s19);
	assert_memory_equal(lync->severity, s15->severity,
	    sizeof(lync->severity));
	assert_int_equal(s19->severity[EP_CHECK_TLS_LEGACY_VERSION],
	    EP_SEV_CRITICAL);
	s19->severity[EP_CHECK_TLS_LEGACY_VERSION] =
	    lync->severity[EP_CHECK_TLS_LEGACY_VERSION];
	assert_memory_equal(lync->severity, s19->severity,
	    sizeof(lync->severity));
	ep_profile_free(lync);
	ep_profile_free(s15);
	ep_profile_free(s19);
}

/* A plain TLS server: none of Lync's own rules. */
static void
test_generic(void **state)
{
	static const enum ep_check	 off[] = { EP_CHECK_CRL_DP_MISSING,
	    EP_CHECK_KEY_SIZE_UNSUPPORTED, EP_CHECK_SIGNATURE_PSS_UNSUPPORTED,
	    EP_CHECK_EKU_CLIENT_AUTH_MISSING, EP_CHECK_SAN_WILDCARD_FIRST,
	    EP_CHECK_SUBJECT_NOT_ACCESS_FQDN, EP_CHECK_POOL_KEY_MISMATCH,
	    EP_CHECK_POOL_CERT_MISMATCH };
	struct ep_profile		*p = load_ok("generic");
	size_t				 i;

	(void)state;
	for (i = 0; i < NELEM(off); i++)
		assert_int_equal(p->severity[off[i]], EP_SEV_OK);
	assert_int_equal(p->severity[EP_CHECK_NAME_NOT_IN_SAN],
	    EP_SEV_CRITICAL);
	assert_int_equal(p->severity[EP_CHECK_EKU_SERVER_AUTH_MISSING],
	    EP_SEV_CRITICAL);
	for (i = 0; i < EP_ROLE__MAX; i++) {
		const struct ep_role_rules	*r = &p->roles[i];

		if (!r->probed)
			continue;
		assert_int_equal(r->names, EP_NAMES_SAN_ONLY);
		assert_true(r->ip_names_ok);
		assert_true(r->wildcard_ok);
		assert_true(r->subject_wildcard_ok);
		assert_int_equal(r->subject, EP_SUBJECT_ANY);
		assert_false(r->wildcard_order);
		assert_int_equal(r->offline_also, 0);
		assert_int_equal(r->expected_with, 0);
		assert_int_equal(r->nrsa_sizes, 0);
		assert_int_equal(r->pool, EP_POOL_NONE);
	}
	assert_int_equal(p->roles[EP_ROLE_GENERIC].trust, EP_TRUST_PUBLIC);
	assert_int_equal(p->roles[EP_ROLE_GENERIC].ports[0].port, 443);
	assert_true(p->pss_ok);
	ep_profile_free(p);
}

/*
 * A profile file named by its path: its values, and the plan probing
 * with its ports.
 */
static void
test_file_end_to_end(void **state)
{
	const char		*path = write_file("base.ini", base,
				    strlen(base));
	struct ep_profile	*p = load_ok(path);
	struct ep_plan		*plan;
	const struct ep_port	*ports;
	char			 err[ERR_MAX] = "";
	size_t			 i;

	(void)state;
	assert_string_equal(p->name, "base");
	assert_string_equal(p->description, "the unit tests' profile");
	assert_int_equal(p->min_rsa_bits, 3072);
	assert_int_equal(p->min_ec_bits, 384);
	assert_int_equal(p->nweak_hashes, 3);
	assert_int_equal(p->weak_hashes[2], GNUTLS_DIG_SHA224);
	assert_true(p->pss_ok);
	assert_int_equal(p->min_tls, GNUTLS_TLS1_3);
	assert_string_equal(p->roles[EP_ROLE_WEBCON].title, "WEBCON");
	assert_int_equal(p->roles[EP_ROLE_WEBCON].ports[0].port, 8443);
	assert_int_equal(p->roles[EP_ROLE_ACCESS].offline_also,
	    1u << EP_ROLE_WEBCON | 1u << EP_ROLE_INTERNAL);
	assert_int_equal(p->roles[EP_ROLE_WEBCON].offline_also, 0);
	assert_int_equal(p->roles[EP_ROLE_WEBCON].expected_with,
	    1u << EP_ROLE_ACCESS | 1u << EP_ROLE_GENERIC);
	assert_int_equal(p->roles[EP_ROLE_ACCESS].expected_with, 0);
	assert_false(p->roles[EP_ROLE_AV].probed);
	assert_int_equal(p->severity[EP_CHECK_EXPIRED], EP_SEV_WARNING);
	assert_int_equal(p->severity[EP_CHECK_CRL_DP_MISSING], EP_SEV_OK);
	assert_int_equal(p->severity[EP_CHECK_POOL_KEY_MISMATCH], EP_SEV_OK);
	/* info: reported, setting no status. */
	assert_int_equal(p->severity[EP_CHECK_SELF_SIGNED], EP_SEV_INFO);
	/* Unlisted: the table's default. */
	assert_int_equal(p->severity[EP_CHECK_CHAIN_INCOMPLETE],
	    ep_check_info(EP_CHECK_CHAIN_INCOMPLETE)->severity);
	for (i = 0; i < EP_ROLE__MAX; i++)
		assert_int_equal(p->roles[i].nrsa_sizes, 0);

	assert_non_null(plan = ep_plan_new(p));
	if (ep_plan_add_target(plan, EP_ROLE_ACCESS, "sip.contoso.example",
	    "--test", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(ep_plan_ports(plan, 0, &ports), 2);
	assert_int_equal(ports[0].port, 444);
	assert_int_equal(ports[0].flags, 0);
	assert_int_equal(ports[1].port, 5062);
	assert_int_equal(ports[1].flags, EP_PORT_FEDERATION);
	ep_plan_free(plan);
	ep_profile_free(p);

	/* A name with '/' or ending in .ini is a file, even a shipped one's. */
	p = load_ok(probes_path("generic"));
	assert_string_equal(p->name, "generic");
	ep_profile_free(p);
}

/* One malformed text: base with a line or two replaced. */
struct bad_case {
	const char	*what;
	const char	*find;		/* the line of base replaced */
	const char	*repl;		/* what replaces it */
	const char	*at;		/* the line reported, NULL: find's */
	int		 delta;		/* added to at's number */
	const char	*reason;	/* in the message, NULL: any */
	const char	*find2;		/* a later line replaced, or NULL */
	const char	*repl2;
};

static const struct bad_case bad_cases[] = {
	{ "unknown key", "wildcard-order = no", "colour = blue", NULL, 0,
	    "[access] colour: no such key", NULL, NULL },
	{ "unknown role section", "[webcon]", "[edge]", NULL, 0,
	    "[edge]: no such section", NULL, NULL },
	{ "port above 65535", "ports = 8443", "ports = 8443, 65536", NULL, 0,
	    "[webcon] ports '65536': a port is a number from 1 to 65535", NULL,
	    NULL },
	{ "port 0", "ports = 8443", "ports = 0", NULL, 0,
	    "'0': a port is a number from 1 to 65535", NULL, NULL },
	{ "port not a number", "ports = 8443", "ports = https", NULL, 0,
	    "'https': a port is a number", NULL, NULL },
	{ "port listed twice", "ports = 8443", "ports = 8443, 8443", NULL, 0,
	    "8443 is listed twice", NULL, NULL },
	{ "more ports than EP_PORTS_MAX", "ports = 8443",
	    "ports = 1, 2, 3, 4, 5, 6, 7, 8, 9", NULL, 0, "more than 8 items",
	    NULL, NULL },
	{ "empty list item", "ports = 8443", "ports = 8443,, 443", NULL, 0,
	    "an empty item", NULL, NULL },
	{ "federation port not a port", "federation-ports = 5062",
	    "federation-ports = 5061", NULL, 0, "5061 is not among the ports",
	    NULL, NULL },
	{ "bad severity", "crl-dp-missing = off", "crl-dp-missing = fatal",
	    NULL, 0, "[severity] crl-dp-missing 'fatal': expected off, ok, "
	    "info, warning, critical or unknown", NULL, NULL },
	{ "unknown check id", "crl-dp-missing = off", "crl-missing = off",
	    NULL, 0, "[severity] crl-missing: no check has this ID", NULL,
	    NULL },
	{ "check listed twice", "pool-key-mismatch = ok",
	    "expired = critical", NULL, 0, "expired: given twice (first on "
	    "line", NULL, NULL },
	{ "probed role without ports", "ports = 444, 5062", "", "[access]", 0,
	    "[access] has no ports, which a probed role needs", NULL, NULL },
	{ "duplicate key", "wildcard-order = no", "title = AGAIN", NULL, 0,
	    "[access] title: given twice (first on line", NULL, NULL },
	{ "duplicate section", "[generic]", "[webcon]", NULL, 0,
	    "[webcon] again (first on line", NULL, NULL },
	{ "a key of a role not probed", "probed = no",
	    "probed = no\nports = 1", NULL, 1, "[av] ports: a role that is not "
	    "probed takes title and probed only", NULL, NULL },
	{ "[profile] without min-tls", "min-tls = tls1.3", "", "[profile]", 0,
	    "[profile] has no min-tls", NULL, NULL },
	{ "role without title", "title = AV", "", "[av]", 0,
	    "[av] has no title", NULL, NULL },
	{ "bad trust", "trust = public", "trust = private", NULL, 0,
	    "[access] trust 'private': expected public or internal-or-public",
	    NULL, NULL },
	{ "bad boolean", "pss = yes", "pss = true", NULL, 0,
	    "[profile] pss 'true': expected yes or no", NULL, NULL },
	{ "bad requirement", "require = none", "require = sip-domains, meet",
	    NULL, 0, "'meet': expected sip-domains or published", NULL, NULL },
	{ "webcon-offline, now offline-also", "require = none",
	    "require = sip-domains, webcon-offline", NULL, 0,
	    "[access] require 'webcon-offline': expected sip-domains or "
	    "published", NULL, NULL },
	{ "unknown role in offline-also", "offline-also = webcon, internal",
	    "offline-also = webcon, edge", NULL, 0, "[access] offline-also "
	    "'edge': expected access, webcon, av, internal, reverse-proxy or "
	    "generic", NULL, NULL },
	{ "none among roles", "offline-also = webcon, internal",
	    "offline-also = none, webcon", NULL, 0, "[access] offline-also: "
	    "none stands alone", NULL, NULL },
	{ "role listed twice", "offline-also = webcon, internal",
	    "offline-also = webcon, webcon", NULL, 0, "[access] offline-also: "
	    "webcon is listed twice", NULL, NULL },
	{ "probed role without offline-also",
	    "offline-also = webcon, internal", "", "[access]", 0,
	    "[access] has no offline-also, which a probed role needs", NULL,
	    NULL },
	{ "unknown role in expected-with", "expected-with = access, generic",
	    "expected-with = access, edge", NULL, 0, "[webcon] expected-with "
	    "'edge': expected access, webcon, av", NULL, NULL },
	{ "probed role without expected-with",
	    "expected-with = access, generic", "", "[webcon]", 0,
	    "[webcon] has no expected-with, which a probed role needs", NULL,
	    NULL },
	{ "offline-also of a role not probed", "probed = no",
	    "probed = no\noffline-also = none", NULL, 1, "[av] offline-also: a "
	    "role that is not probed takes title and probed only", NULL,
	    NULL },
	{ "unknown hash", "weak-hashes = md5, sha1, sha224",
	    "weak-hashes = md5, sha0", NULL, 0, "'sha0' is not a hash", NULL,
	    NULL },
	{ "[profile] without arguments", "arguments = hosts", "",
	    "[profile]", 0, "[profile] has no arguments", NULL, NULL },
	{ "unknown arguments kind", "arguments = hosts", "arguments = urls",
	    NULL, 0, "urls", NULL, NULL },
	{ "unknown TLS version", "min-tls = tls1.3", "min-tls = ssl3", NULL, 0,
	    "'ssl3': expected tls1.0, tls1.1, tls1.2 or tls1.3", NULL, NULL },
	{ "RSA size out of range", "rsa-sizes = any", "rsa-sizes = 256",
	    NULL, 0, "'256': expected a whole number from 512 to 16384", NULL,
	    NULL },
	{ "least EC size out of range", "min-ec-bits = 384",
	    "min-ec-bits = 1024", NULL, 0, "from 160 to 571", NULL, NULL },
	{ "empty value", "subject = any", "subject =", NULL, 0, "no value",
	    NULL, NULL },
	{ "bad profile name", "name = base", "name = my profile", NULL, 0,
	    "letters, digits", NULL, NULL },
	{ "title too long", "title = WEBCON",
	    "title = 0123456789012345678901234567890123456789012345678901234567"
	    "89012345", NULL, 0, "longer than 63 characters", NULL, NULL },
	{ "not key = value", "pool = none", "pool", NULL, 0,
	    "not a [section] header, key = value, or comment", NULL, NULL },
	{ "section header without ]", "[webcon]", "[webcon", NULL, 0,
	    "without ']'", NULL, NULL },
	{ "text after a section header", "[webcon]", "[webcon] x", NULL, 0,
	    "text after the section header", NULL, NULL },
	{ "key before any section", "[profile]", "", "name = base", 0,
	    "name: a key before the first [section]", NULL, NULL },
	{ "inih's error before ours", "pss = yes", "pss", NULL, 0,
	    "not a [section] header", "ports = 8443", "xorts = 8443" },
	{ "our error before inih's", "pss = yes", "pss = maybe", NULL, 0,
	    "'maybe': expected yes or no", "ports = 8443", "ports" },
	{ "line too long", "# The unit tests' profile.",
	    "# 456789012345678901234567890123456789012345678901234567890123456"
	    "789012345678901234567890123456789012345678901234567890123456789012"
	    "34567890123456789012345678901234567890123456789012345678901234567"
	    "8901234567890", NULL, 0, "a line longer than", NULL, NULL },
};

static void
test_malformed(void **state)
{
	static struct ep_profile	 poison;
	static char			 text[TEXT_MAX], first[TEXT_MAX];
	struct ep_profile		*p;
	char				 err[ERR_MAX], want[ERR_MAX];
	const char			*path;
	size_t				 i;
	int				 line;

	(void)state;
	for (i = 0; i < NELEM(bad_cases); i++) {
		const struct bad_case	*c = &bad_cases[i];

		mutate(base, c->find, c->repl, text, sizeof(text));
		if (c->find2 != NULL) {
			memcpy(first, text, sizeof(first));
			mutate(first, c->find2, c->repl2, text, sizeof(text));
		}
		path = write_file("case.ini", text, strlen(text));
		line = line_of(c->at != NULL ? c->at : c->find) + c->delta;
		snprintf(want, sizeof(want), "%s:%d: ", path, line);
		/* Rejected whole: *out is NULL, whatever it was. */
		p = &poison;
		err[0] = '\0';
		if (ep_profile_load(path, &p, err, sizeof(err)) != -1)
			fail_msg("%s: loaded", c->what);
		assert_null(p);
		if (strncmp(err, want, strlen(want)) != 0)
			fail_msg("%s: '%s', not at %s", c->what, err, want);
		if (c->reason != NULL && strstr(err, c->reason) == NULL)
			fail_msg("%s: '%s' lacks '%s'", c->what, err,
			    c->reason);
	}
}

/* A file that ends before a section is there: reported at its end. */
static void
test_missing_section(void **state)
{
	struct ep_profile	*p = NULL;
	char			 text[TEXT_MAX], err[ERR_MAX], want[ERR_MAX];
	const char		*path;

	(void)state;
	memcpy(text, base, sizeof(base));
	*strstr(text, "[generic]\n") = '\0';
	path = write_file("short.ini", text, strlen(text));
	assert_int_equal(ep_profile_load(path, &p, err, sizeof(err)), -1);
	assert_null(p);
	snprintf(want, sizeof(want), "%s:%d: no [generic] section", path,
	    line_of("[generic]") - 1);
	assert_string_equal(err, want);

	/* Nothing at all: no [profile]. */
	path = write_file("short.ini", "", 0);
	assert_int_equal(ep_profile_load(path, &p, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1: no [profile] section", path);
	assert_string_equal(err, want);
}

/* The base text really is valid, so each case fails for its own reason. */
static void
test_base_is_valid(void **state)
{
	char	text[TEXT_MAX];

	(void)state;
	mutate(base, "pss = yes", "pss = yes", text, sizeof(text));
	assert_string_equal(text, base);
	ep_profile_free(load_ok(write_file("base.ini", base, strlen(base))));
}

/*
 * An indented line is an ordinary line: leading blanks are stripped, as
 * in deployment files, so that inih never reads an indented key as more
 * of the value above it (which would set that key twice, and fail).
 */
static void
test_indented_lines(void **state)
{
	static char		 text[TEXT_MAX], first[TEXT_MAX];
	struct ep_profile	*p;

	(void)state;
	/* The first of each is [access]'s. */
	mutate(base, "ip-names = no", "  ip-names = yes", first,
	    sizeof(first));
	mutate(first, "[webcon]", "\t[webcon]", text, sizeof(text));
	p = load_ok(write_file("indented.ini", text, strlen(text)));
	assert_true(p->roles[EP_ROLE_ACCESS].ip_names_ok);
	assert_false(p->roles[EP_ROLE_ACCESS].subject_wildcard_ok);
	assert_string_equal(p->roles[EP_ROLE_WEBCON].title, "WEBCON");
	ep_profile_free(p);
}

/*
 * A profile may come from a pipe, as a deployment file may: --profile
 * <(command) and a FIFO whose writer comes later are read whole.
 */
static void
test_fifo(void **state)
{
	struct ep_profile	*p;
	const char		*path = tmp_path("fifo.ini");
	size_t			 off = 0, len = strlen(base);
	ssize_t			 r;
	pid_t			 pid;
	int			 fd, status;

	(void)state;
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		if ((fd = open(path, O_WRONLY)) == -1)
			_exit(1);
		while (off < len && (r = write(fd, base + off, len - off)) > 0)
			off += (size_t)r;
		_exit(off == len ? 0 : 1);
	}
	p = load_ok(path);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_string_equal(p->name, "base");
	ep_profile_free(p);
}

/* Up to 1 MiB is read; a byte more is refused before any parsing. */
static void
test_size_limit(void **state)
{
	struct ep_profile	*p = NULL;
	char			*text, err[ERR_MAX] = "";
	const char		*path;
	size_t			 len = strlen(base), i;

	(void)state;
	assert_non_null(text = malloc(FILE_MAX + 1));
	memcpy(text, base, len);
	/* Comment lines to the limit, the last one ending it exactly. */
	for (i = len; i < FILE_MAX; i++)
		text[i] = (i - len) % 100 == 99 || i == FILE_MAX - 1 ? '\n' :
		    (i - len) % 100 == 0 ? '#' : 'x';
	ep_profile_free(load_ok(write_file("big.ini", text, FILE_MAX)));
	text[FILE_MAX] = '\n';
	path = write_file("big.ini", text, FILE_MAX + 1);
	assert_int_equal(ep_profile_load(path, &p, err, sizeof(err)), -1);
	assert_null(p);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "larger than 1048576 bytes"));
	free(text);
}

/* What is not a readable profile file is refused, and nothing built in. */
static void
test_bad_paths(void **state)
{
	struct ep_profile	*p = NULL;
	char			 err[ERR_MAX] = "", text[TEXT_MAX];
	const char		*path;

	(void)state;
	path = tmp_path("absent.ini");
	assert_int_equal(ep_profile_load(path, &p, err, sizeof(err)), -1);
	assert_null(p);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, strerror(ENOENT)));

	assert_int_equal(ep_profile_load(dir, &p, err, sizeof(err)), -1);
	assert_null(p);
	assert_non_null(strstr(err, "a directory, not a file"));

	/* A bare name is never looked for on disk. */
	assert_int_equal(ep_profile_load("base", &p, err, sizeof(err)), -1);
	assert_null(p);
	assert_non_null(strstr(err, "no profile named 'base'"));
	assert_non_null(strstr(err, "lync2013 skype2015 skype2019 generic"));

	/* A NUL byte, reported on its line. */
	memcpy(text, base, sizeof(base));
	*strstr(text, "probed = no") = '\0';
	path = write_file("nul.ini", text, sizeof(base) - 1);
	assert_int_equal(ep_profile_load(path, &p, err, sizeof(err)), -1);
	assert_null(p);
	snprintf(text, sizeof(text), "%s:%d: a NUL byte", path,
	    line_of("probed = no"));
	assert_string_equal(err, text);

	/* The message fits what it is given, cut. */
	assert_int_equal(ep_profile_load("lync2010", &p, err, 8), -1);
	assert_int_equal(strlen(err), 7);
}

/*
 * base = lync2013 and a few lines: the rest is lync2013's; the name is
 * the file's unless given; a based profile can be a base again, found
 * beside the file that names it; federation ports follow changed ports.
 */
static void
test_base_overrides(void **state)
{
	struct ep_profile	*lync, *p, *q;
	struct ep_profile	 want;
	char			 err[ERR_MAX] = "";

	(void)state;
	lync = load_ok("lync2013");
	p = load_ok(write_str("contoso.ini",
	    "[profile]\n"
	    "base = lync2013\n"
	    "min-rsa-bits = 3072\n"
	    "[severity]\n"
	    "eku-client-auth-missing = off\n"
	    "[webcon]\n"
	    "ports = 443, 8443\n"));
	assert_string_equal(p->name, "contoso");
	assert_string_equal(p->description, "lync2013, changed");
	assert_int_equal(p->min_rsa_bits, 3072);
	assert_int_equal(p->severity[EP_CHECK_EKU_CLIENT_AUTH_MISSING],
	    EP_SEV_OK);
	assert_int_equal(p->severity[EP_CHECK_EXPIRED],
	    lync->severity[EP_CHECK_EXPIRED]);
	assert_int_equal(p->roles[EP_ROLE_WEBCON].nports, 2);
	assert_int_equal(p->roles[EP_ROLE_WEBCON].ports[1].port, 8443);
	/* Everything else as in lync2013, titles too. */
	want = *lync;
	want.min_rsa_bits = 3072;
	want.roles[EP_ROLE_WEBCON] = p->roles[EP_ROLE_WEBCON];
	assert_same_roles(p, &want);
	assert_string_equal(p->roles[EP_ROLE_ACCESS].title,
	    lync->roles[EP_ROLE_ACCESS].title);

	/* A base of a base, by a relative path; a name of its own. */
	q = load_ok(write_str("over.ini",
	    "[profile]\n"
	    "base = contoso.ini\n"
	    "name = contoso-strict\n"
	    "[access]\n"
	    "ports = 443, 5061, 5062\n"
	    "federation-ports = 5062\n"));
	assert_string_equal(q->name, "contoso-strict");
	assert_int_equal(q->min_rsa_bits, 3072);
	assert_int_equal(q->severity[EP_CHECK_EKU_CLIENT_AUTH_MISSING],
	    EP_SEV_OK);
	assert_int_equal(q->roles[EP_ROLE_ACCESS].nports, 3);
	assert_int_equal(q->roles[EP_ROLE_ACCESS].ports[1].flags, 0);
	assert_int_equal(q->roles[EP_ROLE_ACCESS].ports[2].flags,
	    EP_PORT_FEDERATION);
	ep_profile_free(q);

	/* Ports changed, federation kept: 5061 must still be among them. */
	assert_int_equal(ep_profile_load(write_str("over.ini",
	    "[profile]\nbase = lync2013\n[access]\nports = 443\n"),
	    &q, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[access] federation-ports: 5061 is not "
	    "among the ports"));
	ep_profile_free(p);
	ep_profile_free(lync);
}

/*
 * What a base cannot be: itself by a loop, deeper than 8, absent, or
 * given after keys it would overwrite.  A role made probed in a based
 * profile needs its keys; one made unprobed keeps them unused.
 */
static void
test_base_refused(void **state)
{
	struct ep_profile	*p = NULL;
	char			 err[ERR_MAX] = "", name[16], text[128];
	char			 deep[4096];
	int			 i;

	(void)state;
	write_str("loop-a.ini", "[profile]\nbase = loop-b.ini\n");
	assert_int_equal(ep_profile_load(write_str("loop-b.ini",
	    "[profile]\nbase = loop-a.ini\n"), &p, err, sizeof(err)), -1);
	assert_null(p);
	assert_non_null(strstr(err, "a loop of bases:"));
	assert_non_null(strstr(err, "loop-b.ini -> "));

	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "d%u.ini", (unsigned)i % 10);
		if (i < 9)
			snprintf(text, sizeof(text), "[profile]\nbase = "
			    "d%u.ini\n", (unsigned)(i + 1) % 10);
		else
			snprintf(text, sizeof(text), "[profile]\nbase = "
			    "lync2013\n");
		write_file(name, text, strlen(text));
	}
	/* Below d0 are ten bases (d1 .. d9, lync2013), below d2 eight. */
	assert_int_equal(ep_profile_load(tmp_path("d0.ini"), &p, deep,
	    sizeof(deep)), -1);
	assert_non_null(strstr(deep, "d8.ini:2: [profile] base = d9.ini: "
	    "profiles based on profiles more than 8 deep"));
	p = load_ok(tmp_path("d2.ini"));
	assert_string_equal(p->name, "d2");
	ep_profile_free(p);
	p = NULL;

	assert_int_equal(ep_profile_load(write_str("late.ini",
	    "[profile]\nmin-rsa-bits = 4096\nbase = lync2013\n"), &p,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "late.ini:3: [profile] base: must be the "
	    "file's first key"));
	assert_int_equal(ep_profile_load(write_str("late.ini",
	    "[profile]\nbase = lync2010\n"), &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "base = lync2010: no profile named "
	    "'lync2010'"));
	assert_null(p);

	/* [av] is not probed in lync2013: probing it asks for its keys. */
	assert_int_equal(ep_profile_load(write_str("probed.ini",
	    "[profile]\nbase = lync2013\n[av]\nprobed = yes\n"), &p,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[av] has no ports, which a probed role "
	    "needs"));
	p = load_ok(write_str("unprobed.ini",
	    "[profile]\nbase = lync2013\n[webcon]\nprobed = no\n"));
	assert_false(p->roles[EP_ROLE_WEBCON].probed);
	ep_profile_free(p);
}

/* Roles are code: their names, and no section name is one. */
static void
test_roles(void **state)
{
	enum ep_role	r;
	size_t		i;

	(void)state;
	for (i = 0; i < EP_ROLE__MAX; i++) {
		assert_int_equal(ep_role_by_name(ep_role_name((enum ep_role)i),
		    &r), 0);
		assert_int_equal(r, i);
	}
	assert_int_equal(ep_role_by_name("profile", &r), -1);
	assert_int_equal(ep_role_by_name("severity", &r), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtins_load),
		cmocka_unit_test(test_builtins_list_every_check),
		cmocka_unit_test(test_lync2013),
		cmocka_unit_test(test_skype),
		cmocka_unit_test(test_generic),
		cmocka_unit_test(test_file_end_to_end),
		cmocka_unit_test(test_base_is_valid),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_missing_section),
		cmocka_unit_test(test_indented_lines),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_bad_paths),
		cmocka_unit_test(test_base_overrides),
		cmocka_unit_test(test_base_refused),
		cmocka_unit_test(test_roles),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
