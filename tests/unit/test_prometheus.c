/*
 * Unit tests for the Prometheus textfile (src/report/prometheus.c): the
 * metrics of a report built here by hand, in the exposition format's
 * rules (exposition.h), with the values and labels the reports' data
 * give; and the file replaced whole or not at all: refused paths, a
 * failed write (a file size limit) that leaves the old file and no
 * temporary one, the mode a new file gets.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "judge/ep_finding.h"
#include "net/ep_observe.h"
#include "input/ep_plan.h"
#include "report/ep_prometheus.h"
#include "report/ep_report.h"
#include "exposition.h"
#include "fixture.h"
#include "report_rig.h"

/* A rig with a directory of its own for files. */
static int
setup(void **state)
{
	struct rig	*g;

	if (rig_setup(state) == -1)
		return -1;
	g = *state;
	snprintf(g->dir, sizeof(g->dir), "%s/ep-prom.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(g->dir) == NULL)
		return -1;
	g->r.started = FX_NOW + 60;
	g->o.elapsed_ms = 1234;
	return 0;
}

/* Removes the test's directory and what is in it (no subdirectories). */
static void
remove_dir(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[512];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int
teardown(void **state)
{
	remove_dir(((struct rig *)*state)->dir);
	return rig_teardown(state);
}

#define target	rig_target

/*
 * Adds an observation of target t, of kind, at 192.0.2.last:443 over TLS
 * 1.2 when live, presenting the chain in fixture file pem (none when
 * NULL).
 */
static size_t
observe(struct rig *g, size_t t, enum ep_obs_kind kind, int last,
    const char *pem)
{
	size_t	i = rig_observe(g, t, kind, last, 443, pem);

	if (kind == EP_OBS_LIVE)
		snprintf(g->o.v[i].tls_version, sizeof(g->o.v[i].tls_version),
		    "TLS1.2");
	return i;
}

static struct ep_finding *
finding(struct rig *g, enum ep_check check, size_t obs, const char *name,
    enum ep_severity sev)
{
	return rig_finding(g, check, obs, name, sev, "m");
}

/* Renders the metrics into g->out, which must keep the format's rules. */
static const char *
render(struct rig *g)
{
	char	 why[512];

	rig_render(g, ep_report_prometheus);
	if (expo_check(g->out, g->len, why, sizeof(why)) == -1)
		fail_msg("%s\n%s", why, g->out);
	return g->out;
}

static void
assert_has(const char *text, const char *line)
{
	char	want[2048];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (strstr(text, want) == NULL)
		fail_msg("no line: %s\nin:\n%s", line, text);
}

static void
assert_lacks(const char *text, const char *part)
{
	if (strstr(text, part) != NULL)
		fail_msg("has: %s\nin:\n%s", part, text);
}

#define EP_WEB	"role=\"webcon\",name=\"webcon.contoso.example\"," \
		"address=\"192.0.2.1\",port=\"443\""

/*
 * A live endpoint with a chain: success, status, handshake time, TLS
 * version, each certificate's dates with its position, CNs and serial,
 * the earliest expiry; findings counted by their labels, the deployment's
 * with empty role, address and port; the run's time, start and status.
 */
static void
test_metrics(void **state)
{
	struct rig	*g = *state;
	const char	*m;
	size_t		 t, o1, o2;

	t = target(g, EP_ROLE_WEBCON, "webcon.contoso.example");
	o1 = observe(g, t, EP_OBS_LIVE, 1, "soon10.pem");
	o2 = observe(g, t, EP_OBS_LIVE, 2, NULL);
	g->o.v[o2].status = EP_OBS_TIMEOUT;
	g->o.v[o2].tls_version[0] = '\0';
	finding(g, EP_CHECK_EXPIRES_SOON, o1, NULL, EP_SEV_WARNING);
	finding(g, EP_CHECK_NAME_NOT_IN_SAN, o1, "a.example", EP_SEV_CRITICAL);
	finding(g, EP_CHECK_NAME_NOT_IN_SAN, o1, "b.example", EP_SEV_CRITICAL);
	finding(g, EP_CHECK_CRL_DP_MISSING, o1, NULL, EP_SEV_WARNING)->
	    accepted = 1;
	finding(g, EP_CHECK_TIMEOUT, o2, NULL, EP_SEV_CRITICAL);
	finding(g, EP_CHECK_DNS_SRV_MISSING, EP_FINDING_NO_OBS,
	    "contoso.example", EP_SEV_WARNING);
	finding(g, EP_CHECK_DNS_SRV_MISSING, EP_FINDING_NO_OBS,
	    "contoso.example", EP_SEV_WARNING);
	m = render(g);
	assert_has(m, "edgeprobe_probe_success{" EP_WEB "} 1");
	assert_has(m, "edgeprobe_probe_success{role=\"webcon\","
	    "name=\"webcon.contoso.example\",address=\"192.0.2.2\","
	    "port=\"443\"} 0");
	assert_has(m, "edgeprobe_endpoint_status{" EP_WEB "} 2");
	assert_has(m, "edgeprobe_handshake_duration_seconds{" EP_WEB "} "
	    "0.025");
	assert_has(m, "edgeprobe_tls_version_info{" EP_WEB ",version="
	    "\"TLS1.2\"} 1");
	assert_lacks(m, "address=\"192.0.2.2\",port=\"443\",version=");
	/* soon10.pem: 2025-01-01 to 2026-06-11, serial 0x100e. */
	assert_has(m, "edgeprobe_cert_not_before_timestamp_seconds{" EP_WEB
	    ",chain_index=\"0\",cn=\"webcon.contoso.example\",issuer_cn="
	    "\"Fixture Public Issuing CA\",serial=\"100e\"} 1735689600");
	assert_has(m, "edgeprobe_cert_not_after_timestamp_seconds{" EP_WEB
	    ",chain_index=\"0\",cn=\"webcon.contoso.example\",issuer_cn="
	    "\"Fixture Public Issuing CA\",serial=\"100e\"} 1781136000");
	assert_has(m, "edgeprobe_earliest_cert_expiry_timestamp_seconds{"
	    EP_WEB "} 1781136000");
	assert_has(m, "edgeprobe_findings{" EP_WEB ",check=\"name-not-in-san\","
	    "severity=\"critical\",accepted=\"false\"} 2");
	assert_has(m, "edgeprobe_findings{" EP_WEB ",check=\"crl-dp-missing\","
	    "severity=\"warning\",accepted=\"true\"} 1");
	assert_has(m, "edgeprobe_findings{role=\"\",name=\"contoso.example\","
	    "address=\"\",port=\"\",check=\"dns-srv-missing\",severity="
	    "\"warning\",accepted=\"false\"} 2");
	assert_has(m, "edgeprobe_run_duration_seconds 1.234");
	assert_has(m, "edgeprobe_last_run_timestamp_seconds 1780272060");
	assert_has(m, "edgeprobe_run_status 2");
	assert_has(m, "edgeprobe_run_interrupted 0");
}

/*
 * A run a signal stopped: the endpoint it did not finish failed its
 * probe, has its interrupted finding, and the run says it was stopped.
 */
static void
test_interrupted(void **state)
{
	struct rig	*g = *state;
	const char	*m;
	size_t		 t, o2;

	t = target(g, EP_ROLE_WEBCON, "webcon.contoso.example");
	observe(g, t, EP_OBS_LIVE, 1, "soon10.pem");
	o2 = observe(g, t, EP_OBS_LIVE, 2, NULL);
	g->o.v[o2].status = EP_OBS_INTERRUPTED;
	g->o.v[o2].tls_version[0] = '\0';
	g->o.interrupted = SIGINT;
	finding(g, EP_CHECK_INTERRUPTED, o2, NULL, EP_SEV_UNKNOWN);
	m = render(g);
	assert_has(m, "edgeprobe_probe_success{role=\"webcon\","
	    "name=\"webcon.contoso.example\",address=\"192.0.2.2\","
	    "port=\"443\"} 0");
	assert_has(m, "edgeprobe_findings{role=\"webcon\","
	    "name=\"webcon.contoso.example\",address=\"192.0.2.2\","
	    "port=\"443\",check=\"interrupted\",severity=\"unknown\","
	    "accepted=\"false\"} 1");
	assert_has(m, "edgeprobe_run_status 3");
	assert_has(m, "edgeprobe_run_interrupted 1");
}

/*
 * Files judged offline: no address or port, no handshake time or TLS
 * version; a chain file's certificates with their dates, a request's
 * stand-in none.
 */
static void
test_offline(void **state)
{
	struct rig	*g = *state;
	const char	*m;

	observe(g, target(g, EP_ROLE_ACCESS, "access.contoso.example"),
	    EP_OBS_CHAIN, 0, "access-chain.pem");
	observe(g, target(g, EP_ROLE_WEBCON, "webcon.contoso.example"),
	    EP_OBS_CSR, 0, "access.pem");
	g->o.offline = 1;
	m = render(g);
	assert_has(m, "edgeprobe_probe_success{role=\"access\",name="
	    "\"access.contoso.example\",address=\"\",port=\"\"} 1");
	assert_non_null(strstr(m, "edgeprobe_cert_not_after_timestamp_seconds"
	    "{role=\"access\",name=\"access.contoso.example\",address=\"\","
	    "port=\"\",chain_index=\"1\","));
	assert_lacks(m, "edgeprobe_handshake_duration_seconds{");
	assert_lacks(m, "edgeprobe_tls_version_info{");
	assert_lacks(m, "timestamp_seconds{role=\"webcon\"");
}

/* Lines of the file at path, or -1 when it cannot be read. */
static long
file_lines(const char *path)
{
	FILE	*fp;
	long	 n = 0;
	int	 c;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while ((c = fgetc(fp)) != EOF)
		n += c == '\n';
	fclose(fp);
	return n;
}

/* How many entries the directory holds. */
static int
entries(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/*
 * The file is written, replaces the old one, has the mode of a new file
 * under the umask, and nothing else is left in the directory.
 */
static void
test_commit(void **state)
{
	struct rig	*g = *state;
	struct ep_prom	*p;
	struct stat	 st;
	char		 path[128], err[512];
	mode_t		 old;
	FILE		*fp;

	observe(g, target(g, EP_ROLE_WEBCON, "webcon.contoso.example"),
	    EP_OBS_LIVE, 1, "access.pem");
	assert_int_equal(ep_report_open(&g->r), 0);
	snprintf(path, sizeof(path), "%s/edgeprobe.prom", g->dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("old\n", fp);
	assert_int_equal(fclose(fp), 0);
	old = umask(022);
	if (ep_prom_open(path, &p, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	umask(old);
	/* Until it is committed, the old file is what a reader finds. */
	assert_int_equal(file_lines(path), 1);
	assert_int_equal(entries(g->dir), 2);
	if (ep_prom_commit(p, &g->r, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	ep_prom_free(p);
	assert_true(file_lines(path) > 20);
	assert_int_equal(entries(g->dir), 1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
}

/* Freed without a commit: the temporary file goes, the old file stays. */
static void
test_abandon(void **state)
{
	struct rig	*g = *state;
	struct ep_prom	*p;
	char		 path[128], err[512];

	snprintf(path, sizeof(path), "%s/edgeprobe.prom", g->dir);
	if (ep_prom_open(path, &p, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(entries(g->dir), 1);
	ep_prom_free(p);
	assert_int_equal(entries(g->dir), 0);
	ep_prom_free(NULL);
}

/*
 * A write that fails (a file size limit as small as a full disk) is an
 * error naming the file; the old file stays whole and the temporary one
 * goes.
 */
static void
test_write_fails(void **state)
{
	struct rig	*g = *state;
	struct ep_prom	*p;
	struct rlimit	 was, small;
	char		 path[128], name[64], err[512] = "";
	size_t		 t, i;
	FILE		*fp;
	int		 r;

	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "rp%02zu.contoso.example", i);
		t = target(g, EP_ROLE_REVERSE_PROXY, name);
		observe(g, t, EP_OBS_LIVE, (int)i + 1, "access-chain.pem");
	}
	assert_int_equal(ep_report_open(&g->r), 0);
	snprintf(path, sizeof(path), "%s/edgeprobe.prom", g->dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("old\n", fp);
	assert_int_equal(fclose(fp), 0);
	if (ep_prom_open(path, &p, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	/* Beyond the limit write() fails with EFBIG instead of a signal. */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &was), 0);
	small = was;
	small.rlim_cur = 4096;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	r = ep_prom_commit(p, &g->r, err, sizeof(err));
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &was), 0);
	signal(SIGXFSZ, SIG_DFL);
	ep_prom_free(p);
	assert_int_equal(r, -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, strerror(EFBIG)));
	assert_int_equal(file_lines(path), 1);
	assert_int_equal(entries(g->dir), 1);
}

/*
 * Paths refused before anything is probed: a directory that does not
 * exist, a directory, a name ending in '/', a device, a link.
 */
static void
test_open_refused(void **state)
{
	struct rig	*g = *state;
	struct ep_prom	*p = NULL;
	char		 path[128], link[160], err[512];

	snprintf(path, sizeof(path), "%s/none/edgeprobe.prom", g->dir);
	assert_int_equal(ep_prom_open(path, &p, err, sizeof(err)), -1);
	assert_null(p);
	assert_non_null(strstr(err, strerror(ENOENT)));
	assert_int_equal(ep_prom_open(g->dir, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
	snprintf(path, sizeof(path), "%s/", g->dir);
	assert_int_equal(ep_prom_open(path, &p, err, sizeof(err)), -1);
	assert_int_equal(ep_prom_open("/dev/null", &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
	snprintf(link, sizeof(link), "%s/link.prom", g->dir);
	assert_int_equal(symlink("/dev/null", link), 0);
	assert_int_equal(ep_prom_open(link, &p, err, sizeof(err)), -1);
	assert_int_equal(entries(g->dir), 1);
}

/* The format's checker itself refuses what Prometheus's parser refuses. */
static void
test_checker(void **state)
{
	static const char	*bad[] = {
		"m 1\n",
		"# HELP m h\n# TYPE m gauge\nm{a=\"\\x\"} 1\n",
		"# HELP m h\n# TYPE m gauge\nm{a=\"x\ny\"} 1\n",
		"# HELP m h\n# TYPE m gauge\nm{a=\"\xff\"} 1\n",
		"# HELP m h\n# TYPE m gauge\nm{a=\"1\"} 1\nm{a=\"1\"} 2\n",
		"# HELP m h\n# TYPE m gauge\nm{a=\"1\",a=\"2\"} 1\n",
		"# HELP m h\n# TYPE m gauge\nn 1\n",
		"# HELP m h\n# TYPE m gauge\nm x\n",
		"# HELP m h\n# TYPE m gauge\nm 1",
		"# HELP m h\n# TYPE m gauge\n# HELP m h\n# TYPE m gauge\n",
		"# HELP m h\n# TYPE m gauge\nm{1a=\"1\"} 1\n",
	};
	static const char	 good[] = "# HELP m h\n# TYPE m gauge\n"
				    "m{a=\"\\\\x1b \\\" \\n\",b=\"\"} 1.5\n"
				    "m 2\n";
	char			 why[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (expo_check(bad[i], strlen(bad[i]), why, sizeof(why)) != -1)
			fail_msg("case %zu passes: %s", i, bad[i]);
	if (expo_check(good, strlen(good), why, sizeof(why)) == -1)
		fail_msg("%s", why);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_checker),
		cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_offline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abandon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_refused, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, fx_lync_setup, fx_lync_teardown);
}
