/*
 * Unit tests for the arguments to check (src/input/targets.c): HOST[:PORT]
 * forms, targets files (comments, blanks, long lines, where each came
 * from), and how they enter the plan under either kind of profile.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/ep_targets.h"
#include "fixture.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static char	dir[FX_PATH_MAX];

static int
group_setup(void **state)
{
	snprintf(dir, sizeof(dir), "%s/ep-targets-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	return fx_lync_setup(state);
}

static int
group_teardown(void **state)
{
	char	path[FX_PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/targets", dir);
	unlink(path);
	rmdir(dir);
	return fx_lync_teardown(state);
}

static const char *
write_targets(const char *text, size_t len)
{
	static char	 path[FX_PATH_MAX + 32];
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/targets", dir);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* Every form a host argument takes, and those it must not. */
static void
test_split(void **state)
{
	static const struct {
		const char	*arg;
		const char	*host;	/* NULL: refused */
		uint16_t	 port;
		const char	*says;
	} v[] = {
		{ "sip.contoso.example", "sip.contoso.example", 0, NULL },
		{ "sip.contoso.example:5061", "sip.contoso.example", 5061, NULL },
		{ "192.0.2.1", "192.0.2.1", 0, NULL },
		{ "192.0.2.1:8443", "192.0.2.1", 8443, NULL },
		{ "2001:db8::1", "2001:db8::1", 0, NULL },
		{ "[2001:db8::1]:443", "2001:db8::1", 443, NULL },
		{ "[2001:db8::1]", "2001:db8::1", 0, NULL },
		{ "[2001:db8::1", NULL, 0, "expected [ADDRESS]:PORT" },
		{ "[2001:db8::1]x", NULL, 0, "expected [ADDRESS]:PORT" },
		{ ":443", NULL, 0, "not a host" },
		{ "", NULL, 0, "not a host" },
		{ "a.example:0", NULL, 0, "from 1 to 65535" },
		{ "a.example:65536", NULL, 0, "from 1 to 65535" },
		{ "a.example:x", NULL, 0, "from 1 to 65535" },
		{ "a.example:", NULL, 0, "from 1 to 65535" },
	};
	char		host[EP_NAME_MAX + 1], err[256];
	uint16_t	port;
	size_t		i;
	int		r;

	(void)state;
	for (i = 0; i < NELEM(v); i++) {
		err[0] = '\0';
		r = ep_target_split(v[i].arg, "argument", host, sizeof(host),
		    &port, err, sizeof(err));
		if (v[i].host == NULL) {
			if (r != -1)
				fail_msg("'%s' accepted", v[i].arg);
			if (strstr(err, v[i].says) == NULL ||
			    strstr(err, "argument") == NULL)
				fail_msg("'%s': '%s'", v[i].arg, err);
			continue;
		}
		if (r != 0)
			fail_msg("'%s' refused: %s", v[i].arg, err);
		assert_string_equal(host, v[i].host);
		assert_int_equal(port, v[i].port);
	}
}

/*
 * A targets file: comments, blank lines and blanks around a name are no
 * targets; each target says its file and line; CR LF ends are fine.
 */
static void
test_read(void **state)
{
	static const char	text[] = "# tenants\n\n  a.example  \r\n"
				    "\tb.example:8443\n#c.example\nc.example";
	struct ep_targets	*t;
	struct ep_plan		*plan;
	const char		*path = write_targets(text, sizeof(text) - 1);
	char			 err[512] = "", want[FX_PATH_MAX + 64];
	struct ep_profile	*generic;

	(void)state;
	assert_non_null(t = ep_targets_new());
	if (ep_targets_read(t, path, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(ep_targets_count(t), 3);
	assert_int_equal(ep_profile_load("generic", &generic, err,
	    sizeof(err)), 0);
	assert_non_null(plan = ep_plan_new(generic));
	if (ep_targets_plan(t, plan, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(ep_plan_ntargets(plan), 3);
	assert_int_equal(ep_plan_ngroups(plan), 3);
	assert_string_equal(ep_plan_target(plan, 1)->name, "b.example");
	assert_int_equal(ep_plan_target(plan, 1)->nports, 1);
	assert_int_equal(ep_plan_target(plan, 1)->ports[0].port, 8443);
	assert_string_equal(ep_plan_group(plan, 1), "b.example:8443");
	snprintf(want, sizeof(want), "%s:3", path);
	assert_string_equal(ep_plan_target(plan, 0)->source, want);
	snprintf(want, sizeof(want), "%s:6", path);
	assert_string_equal(ep_plan_target(plan, 2)->source, want);
	ep_plan_free(plan);
	ep_profile_free(generic);
	ep_targets_free(t);
}

/* A line at the limit is a target; one byte more is refused with its line. */
static void
test_long_line(void **state)
{
	struct ep_targets	*t;
	char			*text, err[512] = "", want[FX_PATH_MAX + 64];
	const char		*path;
	size_t			 n = EP_TARGET_LINE_MAX;

	(void)state;
	assert_non_null(text = malloc(2 * n + 8));
	memset(text, 'a', n);
	text[n] = '\n';
	memset(text + n + 1, 'b', n + 1);
	text[2 * n + 2] = '\n';
	path = write_targets(text, 2 * n + 3);
	assert_non_null(t = ep_targets_new());
	assert_int_equal(ep_targets_read(t, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: line longer than %d bytes", path,
	    EP_TARGET_LINE_MAX);
	assert_string_equal(err, want);
	assert_int_equal(ep_targets_count(t), 1);
	ep_targets_free(t);
	/* A CR LF end is no part of the line either. */
	memcpy(text + n, "\r\n", 2);
	path = write_targets(text, n + 2);
	assert_non_null(t = ep_targets_new());
	if (ep_targets_read(t, path, err, sizeof(err)) != 0)
		fail_msg("CR LF: %s", err);
	assert_int_equal(ep_targets_count(t), 1);
	ep_targets_free(t);
	free(text);
}

/* A missing file says so; a NUL byte is no text. */
static void
test_bad_files(void **state)
{
	struct ep_targets	*t;
	char			 err[512] = "", path[FX_PATH_MAX + 32];

	(void)state;
	assert_non_null(t = ep_targets_new());
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(ep_targets_read(t, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	assert_int_equal(ep_targets_read(t, write_targets("a.example\0x\n", 12),
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: a NUL byte"));
	assert_int_equal(ep_targets_count(t), 0);
	ep_targets_free(t);
}

/*
 * Under a profile of SIP domains, arguments are names to discover, each
 * in its group; one that is no host name is refused.
 */
static void
test_plan_discovery(void **state)
{
	struct ep_targets	*t;
	struct ep_plan		*plan;
	char			 err[512] = "";
	size_t			 g;

	(void)state;
	assert_non_null(t = ep_targets_new());
	assert_non_null(plan = ep_plan_new(fx_lync()));
	assert_int_equal(ep_targets_add(t, "Contoso.Example", "argument", err,
	    sizeof(err)), 0);
	assert_int_equal(ep_targets_add(t, "sip.fabrikam.example", "argument",
	    err, sizeof(err)), 0);
	assert_int_equal(ep_targets_plan(t, plan, err, sizeof(err)), 0);
	assert_int_equal(ep_plan_ndiscoveries(plan), 2);
	assert_string_equal(ep_plan_discovery(plan, 0, &g), "contoso.example");
	assert_string_equal(ep_plan_group(plan, g), "Contoso.Example");
	assert_int_equal(ep_plan_ntargets(plan), 0);
	assert_int_equal(ep_targets_add(t, "bad..name", "argument", err,
	    sizeof(err)), 0);
	assert_int_equal(ep_targets_plan(t, plan, err, sizeof(err)), -1);
	assert_string_equal(err, "argument 'bad..name': not a SIP domain or a "
	    "host name in one: an empty label");
	ep_plan_free(plan);
	ep_targets_free(t);
}

/*
 * What is wrong with a target of a file is told with its file and line,
 * under either kind of profile; a name starting with '-' is refused.
 */
static void
test_file_line_errors(void **state)
{
	static const struct {
		const char	*profile;
		const char	*text;
		const char	*says;	/* after "FILE:" */
	} v[] = {
		{ "lync2013", "a.example\n\n  -b.example\n",
		  "3: '-b.example': not a SIP domain or a host name in one: "
		  "starts with '-'" },
		{ "lync2013", "a.example\nb.-x.example\n",
		  "2: 'b.-x.example': not a SIP domain or a host name in one: "
		  "a label starts with '-'" },
		{ "generic", "a.example\n--json\n",
		  "2: '--json': not a valid host name: starts with '-'" },
		{ "generic", "a.example:99999\n",
		  "1: '99999': expected a whole number from 1 to 65535" },
		{ "generic", "# x\n[2001:db8::1\n",
		  "2: '[2001:db8::1': expected [ADDRESS]:PORT" },
	};
	struct ep_targets	*t;
	struct ep_plan		*plan;
	struct ep_profile	*prof;
	const char		*path;
	char			 err[512], want[FX_PATH_MAX + 256];
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(v); i++) {
		path = write_targets(v[i].text, strlen(v[i].text));
		assert_non_null(t = ep_targets_new());
		assert_int_equal(ep_profile_load(v[i].profile, &prof, err,
		    sizeof(err)), 0);
		assert_non_null(plan = ep_plan_new(prof));
		if (ep_targets_read(t, path, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_int_equal(ep_targets_plan(t, plan, err, sizeof(err)),
		    -1);
		snprintf(want, sizeof(want), "%s:%s", path, v[i].says);
		assert_string_equal(err, want);
		ep_plan_free(plan);
		ep_profile_free(prof);
		ep_targets_free(t);
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_plan_discovery),
		cmocka_unit_test(test_file_line_errors),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
