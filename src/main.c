/*
 * edgeprobe: checks that the certificates a Lync / Skype for Business
 * edge deployment presents fit the rules of each endpoint's role.
 *
 * argv and files -> plan -> engine (discover, resolve, probe) or files
 * judged offline -> observations -> rules -> findings -> report -> exit
 * code.  main() is that pipeline; only this file prints fatal errors or
 * exits.
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "input/ep_config.h"
#include "input/ep_file.h"
#include "input/ep_plan.h"
#include "input/ep_state.h"
#include "input/ep_targets.h"
#include "input/ep_time.h"
#include "judge/ep_rules.h"
#include "net/ep_engine.h"
#include "net/ep_offline.h"
#include "report/ep_chains.h"
#include "report/ep_escape.h"
#include "report/ep_nagios.h"
#include "report/ep_prometheus.h"
#include "report/ep_report.h"
#include "report/ep_state_out.h"
#include "x509/ep_names.h"
#include "x509/ep_revoke.h"
#include "x509/ep_trust.h"
#include "report/ep_version.h"

#define EXIT_USAGE	3	/* Nagios UNKNOWN: nothing was judged */

#define STATE_WAIT_MS	60000	/* for another run's lock, with no
				   --run-timeout to bound it */

/* A name or port option, applied once the profile is known. */
struct deferred {
	int		 opt;
	const char	*arg;
};

struct options {
	struct ep_settings	 set;		/* what files may give too */
	const char		*at;
	const char		*priority;
	const char		*files[EP_CONFIG_FILES_MAX];	/* -f */
	size_t			 nfiles;
	struct deferred		*deferred;	/* argc slots */
	const char		**crl_files;	/* --crl: argc slots */
	size_t			 ncrl_files;
	const char		**ocsp_files;	/* --ocsp-response: argc slots */
	size_t			 nocsp_files;
	int			 no_fetch;	/* --no-fetch */
	size_t			 ndeferred;
	struct ep_offline	 offline;	/* --chain, --pfx, --csr */
	int			 has_offline;
	const char		*role;		/* --role for offline input */
	const char		*pfx_password_file;
	const char		*targets_file;	/* --targets-file, "-" for stdin */
	const char		*state_file;	/* --state */
	const char		*save_chains;	/* --save-chains DIR */
	int			 json;
	int			 jsonl;		/* --jsonl: streamed */
	int			 quiet;		/* -q: problems only, if any */
	int			 nagios;	/* --nagios: plugin output */
	const char		*prometheus;	/* --prometheus FILE */
	int			 verbose;
	int			 help;		/* -h: once every flag is good */
	int			 version;	/* -V: likewise */
	int			 family;
	int			 full_handshake;
	unsigned		 jobs;
	unsigned		 per_address;	/* --per-address; 0: default */
	unsigned		 rate;		/* --rate; 0: none */
};

/* Everything one run holds, freed by run_free(). */
struct run {
	struct options		 opt;
	time_t			 started;	/* wall clock */
	int64_t			 mono_started;	/* the run's budget counts from
						   here */
	time_t			 at;		/* the moment judged */
	struct ep_config	*cfg[EP_CONFIG_FILES_MAX];
	struct ep_targets	*targets;	/* arguments, --targets-file */
	struct ep_profile	*profile;
	struct ep_plan		*plan;
	struct ep_trust		*trust;
	struct ep_names		*names;
	char			*password;	/* PFX; wiped when freed */
	struct ep_state		*state;		/* --state: the last run's */
	struct ep_prom		*prom;		/* --prometheus, being written */
	struct ep_observations	 obs;
	struct ep_findings	 findings;
	struct ep_revchecks	 revs;		/* what revocation checks came to */
	struct ep_summary	 total;		/* --jsonl: the parts told so far */
	struct ep_revmemo	*revmemo;	/* revocation answers judged */
	size_t			 saved;		/* --save-chains: files written */
};

enum {
	OPT_ACCESS = 256,
	OPT_WEBCON,
	OPT_AV,
	OPT_INTERNAL,
	OPT_REVERSE_PROXY,
	OPT_PUBLISHED,
	OPT_SIP_DOMAIN,
	OPT_PORT,
	OPT_DNS,
	OPT_CA_FILE,
	OPT_INTERNAL_CA,
	OPT_TIMEOUT,
	OPT_CONNECT_TIMEOUT,
	OPT_HANDSHAKE_TIMEOUT,
	OPT_DNS_TIMEOUT,
	OPT_RUN_TIMEOUT,
	OPT_FETCH_TIMEOUT,
	OPT_FULL_HANDSHAKE,
	OPT_WARN_DAYS,
	OPT_CRIT_DAYS,
	OPT_JSON,
	OPT_JSONL,
	OPT_AT,
	OPT_PRIORITY,
	OPT_PROFILE,
	OPT_CHAIN,
	OPT_PFX,
	OPT_PFX_PASSWORD_FILE,
	OPT_CSR,
	OPT_ROLE,
	OPT_NAME,
	OPT_TARGETS_FILE,
	OPT_ACCEPT,
	OPT_STATE,
	OPT_SAVE_CHAINS,
	OPT_NAGIOS,
	OPT_PROMETHEUS,
	OPT_NO_FETCH,
	OPT_PER_ADDRESS,
	OPT_RATE,
	OPT_CRL,
	OPT_OCSP_RESPONSE,
};

static const struct option longopts[] = {
	{ "access",		required_argument,	NULL, OPT_ACCESS },
	{ "webcon",		required_argument,	NULL, OPT_WEBCON },
	{ "av",			required_argument,	NULL, OPT_AV },
	{ "internal",		required_argument,	NULL, OPT_INTERNAL },
	{ "reverse-proxy",	required_argument,	NULL, OPT_REVERSE_PROXY },
	{ "published",		required_argument,	NULL, OPT_PUBLISHED },
	{ "sip-domain",		required_argument,	NULL, OPT_SIP_DOMAIN },
	{ "port",		required_argument,	NULL, OPT_PORT },
	{ "dns",		required_argument,	NULL, OPT_DNS },
	{ "ca-file",		required_argument,	NULL, OPT_CA_FILE },
	{ "internal-ca",	required_argument,	NULL, OPT_INTERNAL_CA },
	{ "timeout",		required_argument,	NULL, OPT_TIMEOUT },
	{ "connect-timeout",	required_argument,	NULL, OPT_CONNECT_TIMEOUT },
	{ "handshake-timeout",	required_argument,	NULL, OPT_HANDSHAKE_TIMEOUT },
	{ "dns-timeout",	required_argument,	NULL, OPT_DNS_TIMEOUT },
	{ "run-timeout",	required_argument,	NULL, OPT_RUN_TIMEOUT },
	{ "fetch-timeout",	required_argument,	NULL, OPT_FETCH_TIMEOUT },
	{ "full-handshake",	no_argument,		NULL, OPT_FULL_HANDSHAKE },
	{ "warn-days",		required_argument,	NULL, OPT_WARN_DAYS },
	{ "crit-days",		required_argument,	NULL, OPT_CRIT_DAYS },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "jsonl",		no_argument,		NULL, OPT_JSONL },
	{ "nagios",		no_argument,		NULL, OPT_NAGIOS },
	{ "prometheus",		required_argument,	NULL, OPT_PROMETHEUS },
	{ "at",			required_argument,	NULL, OPT_AT },
	{ "priority",		required_argument,	NULL, OPT_PRIORITY },
	{ "profile",		required_argument,	NULL, OPT_PROFILE },
	{ "file",		required_argument,	NULL, 'f' },
	{ "chain",		required_argument,	NULL, OPT_CHAIN },
	{ "pfx",		required_argument,	NULL, OPT_PFX },
	{ "pfx-password-file",	required_argument,	NULL, OPT_PFX_PASSWORD_FILE },
	{ "csr",		required_argument,	NULL, OPT_CSR },
	{ "role",		required_argument,	NULL, OPT_ROLE },
	{ "name",		required_argument,	NULL, OPT_NAME },
	{ "targets-file",	required_argument,	NULL, OPT_TARGETS_FILE },
	{ "accept",		required_argument,	NULL, OPT_ACCEPT },
	{ "state",		required_argument,	NULL, OPT_STATE },
	{ "save-chains",	required_argument,	NULL, OPT_SAVE_CHAINS },
	{ "no-fetch",		no_argument,		NULL, OPT_NO_FETCH },
	{ "crl",		required_argument,	NULL, OPT_CRL },
	{ "ocsp-response",	required_argument,	NULL, OPT_OCSP_RESPONSE },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "jobs",		required_argument,	NULL, 'j' },
	{ "per-address",	required_argument,	NULL, OPT_PER_ADDRESS },
	{ "rate",		required_argument,	NULL, OPT_RATE },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

/* The flag of each time limit; a deployment file's key has its name. */
static const struct {
	int		 opt;
	enum ep_limit	 limit;
	const char	*flag;
} limit_flags[] = {
	{ OPT_TIMEOUT, EP_LIMIT_TIMEOUT, "--timeout" },
	{ OPT_CONNECT_TIMEOUT, EP_LIMIT_CONNECT, "--connect-timeout" },
	{ OPT_HANDSHAKE_TIMEOUT, EP_LIMIT_HANDSHAKE, "--handshake-timeout" },
	{ OPT_DNS_TIMEOUT, EP_LIMIT_DNS, "--dns-timeout" },
	{ OPT_RUN_TIMEOUT, EP_LIMIT_RUN, "--run-timeout" },
	{ OPT_FETCH_TIMEOUT, EP_LIMIT_FETCH, "--fetch-timeout" },
};

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: edgeprobe [options] [SIP-DOMAIN | NAME-IN-A-SIP-DOMAIN ...]\n"
"       edgeprobe --profile generic [options] HOST[:PORT] ...\n"
"       edgeprobe [options] -f DEPLOYMENT-FILE ...\n"
"       edgeprobe [options] --access FQDN | --webcon FQDN | --internal FQDN |\n"
"                 --reverse-proxy FQDN ...\n"
"       edgeprobe [options] --chain FILE | --pfx FILE | --csr FILE --role ROLE\n"
"                 --access FQDN ...\n"
"\n"
"Checks the certificates that Lync / Skype for Business edge and reverse\n"
"proxy endpoints present against the rules of each endpoint's role.  A SIP\n"
"domain given as an argument is discovered in DNS (SRV, sip., lyncdiscover.,\n"
"meet., dialin.).\n"
"\n"
"What to check (each may be repeated or given a comma-separated list):\n"
"  --access FQDN          Access Edge external FQDN (ports 443, 5061)\n"
"  --webcon FQDN          Web Conferencing Edge external FQDN (443)\n"
"  --av FQDN              A/V Edge external FQDN (listed, not handshaked)\n"
"  --internal FQDN        Edge internal interface FQDN (5061)\n"
"  --reverse-proxy FQDN   external web services FQDN of the reverse proxy (443)\n"
"  --published NAME       a name the reverse proxy publishes (meet, dialin,\n"
"                         lyncdiscover...): probed, and required on the\n"
"                         reverse-proxy certificate\n"
"  --sip-domain DOMAIN    a SIP domain: the access certificate must cover\n"
"                         sip.DOMAIN\n"
"  --port ROLE=PORT[,PORT]  ports of a role instead of its defaults\n"
"  --name NAME            a plain TLS server name or IP address (role generic)\n"
"  -f, --file FILE        a deployment file (edgeprobe.conf(5)); flags override\n"
"  --targets-file FILE    more arguments, one a line ('-': standard input)\n"
"\n"
"Before go-live, without network (one of):\n"
"  --chain FILE           judge a chain file (PEM or DER, leaf first)\n"
"  --pfx FILE             judge a PKCS#12 file: chain, and key present and\n"
"                         matching; password from --pfx-password-file or\n"
"                         EDGEPROBE_PFX_PASSWORD\n"
"  --pfx-password-file FILE  the PFX password, first line of FILE\n"
"  --csr FILE             judge a certificate request before it goes to the CA\n"
"  --role ROLE            the role the file is for: access, webcon, internal,\n"
"                         reverse-proxy, generic\n"
"  --crl FILE             a CRL (PEM or DER) to check the chain against, as\n"
"                         if fetched; also with live checks\n"
"  --ocsp-response FILE   an OCSP response (DER) about the leaf, likewise\n"
"\n"
"How:\n"
"  --dns ADDR[:PORT][,...]  DNS servers (IPv6: [ADDR]:PORT) instead of\n"
"                         /etc/resolv.conf\n"
"  --ca-file FILE         trust anchors instead of the system store\n"
"  --internal-ca FILE     anchors accepted only for the internal role\n"
"  --timeout SECONDS      per-endpoint connect + handshake limit (default 5)\n"
"  --connect-timeout SECONDS  the TCP connect alone (default half of\n"
"                         --timeout)\n"
"  --handshake-timeout SECONDS  the TLS handshake alone, counted from the\n"
"                         connect (default --timeout)\n"
"  --dns-timeout SECONDS  the longest a DNS question waits for an answer,\n"
"                         its tries together: a lost query is sent again\n"
"                         sooner, after a time measured from the server's\n"
"                         answers (default --timeout, at most 2)\n"
"  --run-timeout SECONDS  the whole run, discovery included; what is not done\n"
"                         by then is reported as timed out (default none)\n"
"  --fetch-timeout SECONDS  one HTTP fetch (an OCSP response, a CRL, a\n"
"                         missing intermediate), its wait included (default\n"
"                         10)\n"
"  --no-fetch             fetch nothing over HTTP, for isolated networks:\n"
"                         revocation is checked only from staples, --crl\n"
"                         and --ocsp-response; missing intermediates are\n"
"                         not fetched\n"
"  --full-handshake       finish every TLS handshake instead of stopping\n"
"                         once the chain and the server's key proof are in\n"
"  -j, --jobs N           handshakes in flight at once (default 1024, fewer\n"
"                         when the open-file limit is lower)\n"
"  --per-address N        handshakes in flight at once with one address\n"
"                         (default 32): many names on one server do not\n"
"                         flood it\n"
"  --rate N               new handshakes a second with one address, at most\n"
"                         (default no limit)\n"
"  -4, -6                 probe only IPv4 or only IPv6 addresses (not both)\n"
"  --priority STRING      GnuTLS priority string (default NORMAL, with the\n"
"                         X25519 group first)\n"
"\n"
"Judging:\n"
"  --profile NAME|FILE    role rules: lync2013 (default), skype2015, skype2019,\n"
"                         generic, or a profile file (edgeprobe-probes(5))\n"
"  --warn-days N|N%%       expires-soon warning within N days, or with N%% of\n"
"                         the certificate's lifetime left (default 30)\n"
"  --crit-days N|N%%       expires-soon critical, likewise (default 7); not\n"
"                         above --warn-days when both are days or both %%\n"
"  --accept CHECK[@NAME]  a finding the admin accepts: still reported,\n"
"                         marked accepted, but it sets no status\n"
"  --at WHEN              judge validity at an ISO 8601 date or date-time\n"
"                         (2026-12-01, 2026-12-01T08:00:00Z) instead of now\n"
"\n"
"Output:\n"
"  --json                 one JSON document instead of the text report\n"
"  --jsonl                JSON Lines instead: an object per endpoint as soon\n"
"                         as its name is judged, then a summary; memory\n"
"                         holds what is in flight, for runs of many names\n"
"  --nagios               Nagios/Icinga plugin output instead: a status\n"
"                         line with perfdata, then the long output\n"
"  --prometheus FILE      also write metrics to FILE, for node_exporter's\n"
"                         textfile collector; replaced whole\n"
"  -q, --quiet            print nothing when all is ok, else only what is\n"
"                         wrong: for cron, which mails only when there is\n"
"                         output; SIGHUP is ignored\n"
"  --state FILE           remember what this run saw in FILE, and report\n"
"                         what changed since the last run that did\n"
"  --save-chains DIR      write each presented chain to DIR as PEM, one\n"
"                         file per endpoint (NAME_ADDRESS_PORT.pem)\n"
"  -v, --verbose          say more on standard error\n"
"  -h, --help             this help\n"
"  -V, --version          the version\n"
"\n"
"Exit status: 0 ok, 1 warning, 2 critical, 3 unknown (usage or internal\n"
"error, or interrupted: SIGINT or SIGTERM reports what was done, a second\n"
"one ends at once).  See edgeprobe(1).\n");
}

/*
 * How fatal() says why: main.c's alone, set from argv before getopt reads
 * a flag, since an error in a flag before --nagios must already come out
 * as the plugin's line.
 */
static struct {
	int		 nagios;	/* the UNKNOWN line on stdout, nothing
					   on stderr: Icinga 2 shows both */
	struct ep_prom	*prom;		/* its temporary file is removed */
} fatal_to;

/* Messages may hold what the admin or a file gave: escaped, one line. */
static void __attribute__((noreturn))
fatal(int code, const char *msg)
{
	char	buf[2048];

	ep_prom_free(fatal_to.prom);
	if (fatal_to.nagios)
		ep_nagios_unknown(stdout, msg);
	else
		fprintf(stderr, "edgeprobe: %s\n",
		    ep_esc_str(msg, buf, sizeof(buf)));
	exit(code);
}

static void __attribute__((format(printf, 1, 2), noreturn))
fatal_usage(const char *fmt, ...)
{
	char	buf[512], line[sizeof(buf) + 32];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s (see edgeprobe --help)", buf);
	fatal(EXIT_USAGE, line);
}

/*
 * The signal that stops the run (SIGINT, SIGTERM), set by on_stop: the
 * engine looks at it every turn of its loop, whose wait the signal ends
 * (the handler is installed without SA_RESTART).
 */
static volatile sig_atomic_t	stop_signal;

#define STOP_SIGNALS	2
static const int	stop_signals[STOP_SIGNALS] = { SIGINT, SIGTERM };
static int		stop_caught[STOP_SIGNALS];	/* ours: not ignored
							   when we began */

/*
 * The first signal stops the run; a second ends edgeprobe at once, as
 * the default disposition, restored here, does.  sigaction is
 * async-signal-safe.
 */
static void
on_stop(int sig)
{
	struct sigaction	sa;
	size_t			i;

	stop_signal = sig;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < STOP_SIGNALS; i++)
		if (stop_caught[i])
			sigaction(stop_signals[i], &sa, NULL);
}

/*
 * Catches SIGINT and SIGTERM for the run, saving what they did in saved,
 * and blocks them but in the engine's wait: *wait_mask is the mask as it
 * was, for that wait.  A signal ignored when edgeprobe began (nohup, a
 * background job of a shell without job control) stays ignored.
 */
static void
catch_stop(struct sigaction saved[STOP_SIGNALS], sigset_t *wait_mask)
{
	struct sigaction	sa;
	sigset_t		block;
	size_t			i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < STOP_SIGNALS; i++)
		sigaddset(&sa.sa_mask, stop_signals[i]);
	sa.sa_flags = 0;	/* no SA_RESTART: the loop's wait must end */
	sigemptyset(&block);
	for (i = 0; i < STOP_SIGNALS; i++) {
		if (sigaction(stop_signals[i], NULL, &saved[i]) == -1 ||
		    saved[i].sa_handler == SIG_IGN)
			continue;
		stop_caught[i] = 1;
		sigaddset(&block, stop_signals[i]);
		sigaction(stop_signals[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &block, wait_mask);
}

/*
 * Once the run is over the signals do as they did: one that comes while
 * the report is written ends edgeprobe.  One that came since the last
 * wait is taken first, by the handler: the run is over, the report whole.
 */
static void
release_stop(const struct sigaction saved[STOP_SIGNALS],
    const sigset_t *mask)
{
	size_t	i;

	sigprocmask(SIG_SETMASK, mask, NULL);
	for (i = 0; i < STOP_SIGNALS; i++)
		if (stop_caught[i]) {
			stop_caught[i] = 0;
			sigaction(stop_signals[i], &saved[i], NULL);
		}
}

/*
 * Whether --nagios is among the arguments (getopt also takes "--nag" and
 * "--nagi" for it), read before getopt reads any.
 */
static int
wants_nagios(int argc, char *argv[])
{
	size_t	len;
	int	i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		len = strlen(argv[i]);
		if (len >= 5 && strncmp(argv[i], "--nagios", len) == 0)
			return 1;
	}
	return 0;
}

/*
 * Standard output could not be written (a closed pipe, a full disk): one
 * line on standard error, even with --nagios, whose line would go where
 * nothing can be written.
 */
static void __attribute__((noreturn))
fatal_output(const char *what)
{
	char	msg[256];
	int	e = errno;

	snprintf(msg, sizeof(msg), "cannot write %s to standard output: %s",
	    what, e != 0 ? strerror(e) : "write error");
	fatal_to.nagios = 0;
	fatal(EXIT_USAGE, msg);
}

static long
number(const char *opt, const char *s, long min, long max)
{
	char	*end, buf[256];
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		snprintf(buf, sizeof(buf), "%s '%.100s': expected a whole number "
		    "from %ld to %ld", opt, s, min, max);
		fatal_usage("%s", buf);
	}
	return v;
}

static unsigned
seconds_ms(const char *opt, const char *s)
{
	char		buf[256];
	unsigned	ms;

	if (ep_limit_parse(opt, s, &ms, buf, sizeof(buf)) == -1)
		fatal_usage("%s", buf);
	return ms;
}

static void
threshold(const char *opt, const char *s, struct ep_threshold *out)
{
	char	buf[256];

	if (ep_threshold_parse(opt, s, out, buf, sizeof(buf)) == -1)
		fatal_usage("%s", buf);
}

/* The option of each name option that names a role's targets. */
static const struct {
	int		 opt;
	const char	*flag;
} role_flags[] = {
	{ OPT_ACCESS, "--access" },
	{ OPT_WEBCON, "--webcon" },
	{ OPT_AV, "--av" },
	{ OPT_INTERNAL, "--internal" },
	{ OPT_REVERSE_PROXY, "--reverse-proxy" },
	{ OPT_NAME, "--name" },
};

/* Adds each comma-separated name of a name option's list. */
static void
add_names(struct ep_plan *plan, int opt, const char *list)
{
	enum ep_role	 role = EP_ROLE__MAX;
	char		*copy, *p, *name, err[512];
	size_t		 i;
	int		 r = 0;

	for (i = 0; i < sizeof(role_flags) / sizeof(role_flags[0]); i++)
		if (role_flags[i].opt == opt &&
		    ep_role_by_option(role_flags[i].flag, &role) == -1)
			fatal(EXIT_USAGE, role_flags[i].flag);
	if ((copy = strdup(list)) == NULL)
		fatal(EXIT_USAGE, strerror(ENOMEM));
	for (p = copy; r == 0 && (name = strsep(&p, ",")) != NULL;) {
		if (*name == '\0')
			continue;
		if (opt == OPT_SIP_DOMAIN)
			r = ep_plan_add_sip_domain(plan, name, err, sizeof(err));
		else if (opt == OPT_PUBLISHED)
			r = ep_plan_add_published(plan, name, "--published", err,
			    sizeof(err));
		else if (opt == OPT_ACCEPT)
			r = ep_plan_add_accept(plan, name, "--accept", err,
			    sizeof(err));
		else
			r = ep_plan_add_target(plan, role, name,
			    ep_role_option(role), err, sizeof(err));
	}
	free(copy);
	if (r == -1)
		fatal_usage("%s", err);
}

/* The long name of option ch, for messages: "--access", "--file". */
static const char *
flag_name(int ch, char *buf, size_t len)
{
	const struct option	*o;

	for (o = longopts; o->name != NULL; o++)
		if (o->val == ch) {
			snprintf(buf, len, "--%s", o->name);
			return buf;
		}
	snprintf(buf, len, "-%c", ch);
	return buf;
}

/*
 * A value that starts with '-' is an option given where a value was
 * wanted ("--access --json"), never a value: names cannot start so, and
 * a file whose name does is "./-name".  '-' alone is standard input for
 * --targets-file.  Numbers are left to their own checks, which refuse a
 * sign with the range they take.
 */
static void
check_value(int ch, const char *arg)
{
	char	flag[40];

	switch (ch) {
	case OPT_TIMEOUT:
	case OPT_CONNECT_TIMEOUT:
	case OPT_HANDSHAKE_TIMEOUT:
	case OPT_DNS_TIMEOUT:
	case OPT_RUN_TIMEOUT:
	case OPT_FETCH_TIMEOUT:
	case OPT_WARN_DAYS:
	case OPT_CRIT_DAYS:
	case 'j':
		return;
	case OPT_ACCESS:
	case OPT_WEBCON:
	case OPT_AV:
	case OPT_INTERNAL:
	case OPT_REVERSE_PROXY:
	case OPT_PUBLISHED:
	case OPT_SIP_DOMAIN:
	case OPT_NAME:
		flag_name(ch, flag, sizeof(flag));
		if (arg[0] == '-')
			fatal_usage("%s '%.100s': a name cannot start with '-', "
			    "and %s needs one", flag, arg, flag);
		if (arg[strspn(arg, ",")] == '\0')
			fatal_usage("%s '%.100s': no name", flag, arg);
		return;
	case OPT_TARGETS_FILE:
		if (strcmp(arg, "-") == 0)
			return;
		/* FALLTHROUGH */
	case 'f':
	case OPT_CA_FILE:
	case OPT_INTERNAL_CA:
	case OPT_CHAIN:
	case OPT_PFX:
	case OPT_PFX_PASSWORD_FILE:
	case OPT_CSR:
	case OPT_CRL:
	case OPT_OCSP_RESPONSE:
	case OPT_STATE:
	case OPT_SAVE_CHAINS:
	case OPT_PROMETHEUS:
	case OPT_PROFILE:
		if (arg[0] == '-')
			fatal_usage("%s '%.100s': a value cannot start with '-', "
			    "and %s needs one (a file so named: ./%.100s)",
			    flag_name(ch, flag, sizeof(flag)), arg, flag, arg);
		return;
	default:
		if (arg[0] == '-')
			fatal_usage("%s '%.100s': a value cannot start with '-', "
			    "and %s needs one", flag_name(ch, flag,
			    sizeof(flag)), arg, flag);
		return;
	}
}

static void
parse_args(int argc, char *argv[], struct options *opt)
{
	size_t	i;
	int	ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":46f:hj:qvV", longopts,
	    NULL)) != -1) {
		if (optarg != NULL && ch != ':' && ch != '?')
			check_value(ch, optarg);
		switch (ch) {
		case OPT_ACCESS:
		case OPT_WEBCON:
		case OPT_AV:
		case OPT_INTERNAL:
		case OPT_REVERSE_PROXY:
		case OPT_PUBLISHED:
		case OPT_SIP_DOMAIN:
		case OPT_NAME:
		case OPT_PORT:
		case OPT_ACCEPT:
			opt->deferred[opt->ndeferred].opt = ch;
			opt->deferred[opt->ndeferred++].arg = optarg;
			break;
		case OPT_DNS:
			opt->set.dns = optarg;
			break;
		case OPT_CA_FILE:
			opt->set.ca_file = optarg;
			break;
		case OPT_INTERNAL_CA:
			opt->set.internal_ca = optarg;
			break;
		case OPT_TIMEOUT:
		case OPT_CONNECT_TIMEOUT:
		case OPT_HANDSHAKE_TIMEOUT:
		case OPT_DNS_TIMEOUT:
		case OPT_RUN_TIMEOUT:
		case OPT_FETCH_TIMEOUT:
			for (i = 0; limit_flags[i].opt != ch; i++)
				continue;
			opt->set.limit_ms[limit_flags[i].limit] =
			    seconds_ms(limit_flags[i].flag, optarg);
			break;
		case OPT_FULL_HANDSHAKE:
			opt->full_handshake = 1;
			break;
		case OPT_WARN_DAYS:
			threshold("--warn-days", optarg, &opt->set.warn);
			break;
		case OPT_CRIT_DAYS:
			threshold("--crit-days", optarg, &opt->set.crit);
			break;
		case OPT_JSONL:
			opt->jsonl = 1;
			break;
		case OPT_JSON:
			opt->json = 1;
			break;
		case OPT_NAGIOS:
			opt->nagios = 1;
			break;
		case OPT_PROMETHEUS:
			opt->prometheus = optarg;
			break;
		case OPT_AT:
			opt->at = optarg;
			break;
		case OPT_PRIORITY:
			opt->priority = optarg;
			break;
		case OPT_PROFILE:
			opt->set.profile = optarg;
			break;
		case 'f':
			if (opt->nfiles == EP_CONFIG_FILES_MAX)
				fatal_usage("-f given more than %d times",
				    EP_CONFIG_FILES_MAX);
			opt->files[opt->nfiles++] = optarg;
			break;
		case OPT_CHAIN:
		case OPT_PFX:
		case OPT_CSR:
			if (opt->has_offline)
				fatal_usage("%s", "give one of --chain, --pfx and "
				    "--csr, once");
			opt->has_offline = 1;
			opt->offline.input = ch == OPT_CHAIN ? EP_OFFLINE_CHAIN :
			    ch == OPT_PFX ? EP_OFFLINE_PFX : EP_OFFLINE_CSR;
			opt->offline.path = optarg;
			break;
		case OPT_PFX_PASSWORD_FILE:
			opt->pfx_password_file = optarg;
			break;
		case OPT_ROLE:
			opt->role = optarg;
			break;
		case OPT_TARGETS_FILE:
			opt->targets_file = optarg;
			break;
		case OPT_STATE:
			opt->state_file = optarg;
			break;
		case '4':
		case '6':
			if (opt->family == (ch == '4' ? AF_INET6 : AF_INET))
				fatal_usage("%s", "-4 and -6: give one of them "
				    "(without either, both families are "
				    "probed)");
			opt->family = ch == '4' ? AF_INET : AF_INET6;
			break;
		case 'j':
			opt->jobs = (unsigned)number("--jobs", optarg, 1,
			    EP_ENGINE_INFLIGHT_MAX);
			break;
		case OPT_PER_ADDRESS:
			opt->per_address = (unsigned)number("--per-address",
			    optarg, 1, EP_ENGINE_PER_ADDRESS_MAX);
			break;
		case OPT_RATE:
			opt->rate = (unsigned)number("--rate", optarg, 1,
			    EP_ENGINE_RATE_MAX);
			break;
		case 'v':
			opt->verbose = 1;
			break;
		case 'q':
			opt->quiet = 1;
			break;
		case OPT_NO_FETCH:
			opt->no_fetch = 1;
			break;
		case OPT_CRL:
			opt->crl_files[opt->ncrl_files++] = optarg;
			break;
		case OPT_OCSP_RESPONSE:
			opt->ocsp_files[opt->nocsp_files++] = optarg;
			break;
		case OPT_SAVE_CHAINS:
			opt->save_chains = optarg;
			break;
		case 'h':
			opt->help = 1;
			break;
		case 'V':
			opt->version = 1;
			break;
		case ':':
			fatal_usage("option %s needs a value", argv[optind - 1]);
		default:
			if (optopt != 0 && optopt < 256) {
				char	o[3] = { '-', (char)optopt, '\0' };

				fatal_usage("unknown option %s", o);
			}
			/* getopt names a known flag given "=VALUE" by its value. */
			if (optopt >= 256)
				fatal_usage("option %.*s takes no value",
				    (int)strcspn(argv[optind - 1], "="),
				    argv[optind - 1]);
			fatal_usage("unknown option %s", argv[optind - 1]);
		}
	}
}

/*
 * What reading the files left of the run's budget, in ms; with none left
 * the engine still runs, for 1 ms, to report every probe as not done.
 */
static unsigned
budget_left(int64_t deadline)
{
	int64_t	left = deadline - ep_time_mono_ms();

	return left < 1 ? 1 : left > UINT_MAX ? UINT_MAX : (unsigned)left;
}

static void
run_init(struct run *r, int argc)
{
	memset(r, 0, sizeof(*r));
	r->started = time(NULL);
	r->mono_started = ep_time_mono_ms();
	ep_settings_init(&r->opt.set);
	r->opt.jobs = 0;	/* the engine picks from RLIMIT_NOFILE */
	r->opt.family = AF_UNSPEC;
	r->opt.priority = EP_ENGINE_PRIORITY_DEFAULT;
	if ((r->opt.crl_files = calloc((size_t)argc,
	    sizeof(*r->opt.crl_files))) == NULL ||
	    (r->opt.ocsp_files = calloc((size_t)argc,
	    sizeof(*r->opt.ocsp_files))) == NULL ||
	    (r->opt.deferred = calloc((size_t)argc,
	    sizeof(*r->opt.deferred))) == NULL ||
	    (r->targets = ep_targets_new()) == NULL ||
	    (r->revmemo = ep_revmemo_new()) == NULL ||
	    ep_observations_init(&r->obs) == -1)
		fatal(EXIT_USAGE, strerror(ENOMEM));
}

static void
run_free(struct run *r)
{
	size_t	i;

	if (r->password != NULL) {
		explicit_bzero(r->password, strlen(r->password));
		free(r->password);
	}
	ep_state_close(r->state);
	fatal_to.prom = NULL;
	ep_prom_free(r->prom);
	ep_findings_clear(&r->findings);
	ep_revchecks_clear(&r->revs);
	ep_revmemo_free(r->revmemo);
	ep_observations_clear(&r->obs);
	ep_names_free(r->names);
	ep_trust_free(r->trust);
	ep_plan_free(r->plan);
	ep_profile_free(r->profile);
	ep_targets_free(r->targets);
	for (i = 0; i < r->opt.nfiles; i++)
		ep_config_free(r->cfg[i]);
	free(r->opt.deferred);
	free(r->opt.crl_files);
	free(r->opt.ocsp_files);
}

/* Flags that go together, and --at: refused before any file is read. */
static void
check_options(struct run *r)
{
	const struct options	*opt = &r->opt;

	r->at = r->started;
	if (opt->at != NULL && ep_time_parse_iso(opt->at, &r->at) == -1)
		fatal_usage("--at '%.100s': expected an ISO 8601 date "
		    "(2026-12-01) or date-time (2026-12-01T08:00:00Z)", opt->at);
	if (opt->json + opt->nagios + opt->jsonl > 1)
		fatal_usage("%s and %s: give one of them", opt->json ? "--json" :
		    "--jsonl", opt->nagios ? "--nagios" : "--jsonl");
	/* What streams is gone once told: these need the whole run. */
	if (opt->jsonl && opt->state_file != NULL)
		fatal_usage("%s", "--jsonl and --state: a run that streams "
		    "keeps nothing to compare");
	if (opt->jsonl && opt->prometheus != NULL)
		fatal_usage("%s", "--jsonl and --prometheus: a run that streams "
		    "keeps nothing to count");
	/* A plugin must always print its status line. */
	if (opt->quiet && opt->nagios)
		fatal_usage("%s", "--quiet and --nagios: a plugin always says "
		    "its status");
	if (!opt->has_offline && opt->role != NULL)
		fatal_usage("%s", "--role goes with --chain, --pfx or --csr");
	if (opt->pfx_password_file != NULL && (!opt->has_offline ||
	    opt->offline.input != EP_OFFLINE_PFX))
		fatal_usage("%s", "--pfx-password-file goes with --pfx");
	if (opt->has_offline && opt->state_file != NULL)
		fatal_usage("%s", "--state is for live runs, not with --chain, "
		    "--pfx or --csr");
	if (opt->has_offline && opt->save_chains != NULL)
		fatal_usage("%s", "--save-chains is for live runs: the chain "
		    "judged offline is a file already");
}

/*
 * The threshold that applies and where it came from, for a message: the
 * flag, the first file that gives it, or the default.
 */
static const char *
threshold_said(const struct run *r, const struct ep_threshold *t, int crit,
    char *buf, size_t len)
{
	const struct ep_settings	*fs;
	const char			*flag = crit ? "--crit-days" :
					    "--warn-days";
	char				 v[16];
	size_t				 i;

	ep_threshold_text(t, v, sizeof(v));
	if ((crit ? r->opt.set.crit : r->opt.set.warn).value != -1) {
		snprintf(buf, len, "%s %s", flag, v);
		return buf;
	}
	for (i = 0; i < r->opt.nfiles; i++) {
		fs = ep_config_settings(r->cfg[i]);
		if ((crit ? fs->crit : fs->warn).value != -1) {
			snprintf(buf, len, "%s %s in %.200s", flag + 2, v,
			    r->opt.files[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%s %s (the default)", flag, v);
	return buf;
}

/*
 * A certificate must warn before it is critical: --crit-days may not
 * exceed --warn-days, whichever of flags, files and defaults gives them.
 * Given one in days and one as a share of the lifetime, they are not
 * compared (which comes first depends on the lifetime): each applies,
 * critical first.  Checked before the files' settings are merged in, so
 * that a message can say where each came from.
 */
static void
check_thresholds(const struct run *r)
{
	struct ep_settings	set = r->opt.set;
	char			w[256], c[256];
	size_t			i;

	for (i = 0; i < r->opt.nfiles; i++)
		ep_settings_fill(&set, r->cfg[i]);
	ep_settings_finish(&set);
	if (set.warn.percent != set.crit.percent ||
	    set.crit.value <= set.warn.value)
		return;
	fatal_usage("%s is more than %s: a certificate would be critical "
	    "before it warns", threshold_said(r, &set.crit, 1, c, sizeof(c)),
	    threshold_said(r, &set.warn, 0, w, sizeof(w)));
}

/*
 * CRLs and OCSP responses given as files, to judge with as if fetched:
 * each must be one (else exit 3, naming it).
 */
static void
read_given(struct run *r, enum ep_fetched_kind kind, const char **paths,
    size_t n)
{
	struct ep_fetched	 f;
	char			*text, err[1024], msg[1100];
	size_t			 i, len;
	int			 ok;

	for (i = 0; i < n; i++) {
		if (ep_file_read(paths[i], kind == EP_FETCHED_CRL ? EP_CRL_MAX :
		    EP_OCSP_RESPONSE_MAX, &text, &len, err, sizeof(err)) == -1)
			fatal(EXIT_USAGE, err);
		ok = kind == EP_FETCHED_CRL ?
		    ep_crl_readable((unsigned char *)text, len) :
		    ep_ocsp_readable((unsigned char *)text, len);
		if (!ok) {
			free(text);
			snprintf(msg, sizeof(msg), "%s: not %s", paths[i],
			    kind == EP_FETCHED_CRL ? "a CRL (DER or PEM)" :
			    "an OCSP response (DER)");
			fatal(EXIT_USAGE, msg);
		}
		memset(&f, 0, sizeof(f));
		f.kind = kind;
		f.given = 1;
		f.ok = 1;
		f.body = (unsigned char *)text;
		f.len = len;
		if ((f.url = strdup(paths[i])) == NULL ||
		    ep_observations_add_fetched(&r->obs, &f) == (size_t)-1) {
			free(f.url);
			free(text);
			fatal(EXIT_USAGE, strerror(ENOMEM));
		}
	}
}

/*
 * Every file is read before the first socket opens: deployment files
 * (whose settings fill what no flag set), the profile, the targets and
 * the PFX password.
 */
static void
read_inputs(struct run *r, int argc, char *argv[])
{
	struct options	*opt = &r->opt;
	char		 err[1024];
	const char	*env;
	size_t		 i;
	int		 k;

	for (i = 0; i < opt->nfiles; i++) {
		if (ep_config_load(opt->files[i], &r->cfg[i], err,
		    sizeof(err)) == -1)
			fatal(EXIT_USAGE, err);
	}
	check_thresholds(r);
	for (i = 0; i < opt->nfiles; i++)
		ep_settings_fill(&opt->set, r->cfg[i]);
	ep_settings_finish(&opt->set);
	if (ep_profile_load(opt->set.profile, &r->profile, err,
	    sizeof(err)) == -1)
		fatal(EXIT_USAGE, err);
	for (k = optind; k < argc; k++)
		if (ep_targets_add(r->targets, argv[k], "argument", err,
		    sizeof(err)) == -1)
			fatal_usage("%s", err);
	if (opt->targets_file != NULL &&
	    ep_targets_read(r->targets, opt->targets_file, err,
	    sizeof(err)) == -1)
		fatal(EXIT_USAGE, err);
	if (opt->has_offline && ep_targets_count(r->targets) > 0)
		fatal_usage("%s", "an offline check takes no target to probe");
	if (opt->pfx_password_file != NULL) {
		if (ep_file_first_line(opt->pfx_password_file,
		    EP_OFFLINE_PASSWORD_MAX, &r->password, err,
		    sizeof(err)) == -1)
			fatal(EXIT_USAGE, err);
	} else if (opt->has_offline && opt->offline.input == EP_OFFLINE_PFX &&
	    (env = getenv("EDGEPROBE_PFX_PASSWORD")) != NULL) {
		if (strlen(env) > EP_OFFLINE_PASSWORD_MAX) {
			snprintf(err, sizeof(err), "EDGEPROBE_PFX_PASSWORD is "
			    "longer than %d bytes", EP_OFFLINE_PASSWORD_MAX);
			fatal(EXIT_USAGE, err);
		}
		if ((r->password = strdup(env)) == NULL)
			fatal(EXIT_USAGE, strerror(ENOMEM));
	}
	opt->offline.password = r->password;
	read_given(r, EP_FETCHED_CRL, opt->crl_files, opt->ncrl_files);
	read_given(r, EP_FETCHED_OCSP, opt->ocsp_files, opt->nocsp_files);
	/*
	 * The last run's state, under its lock: a run that overlaps waits,
	 * for half of the run's budget at most, so that the other half still
	 * gives a report.
	 */
	if (opt->state_file != NULL && ep_state_open(opt->state_file,
	    opt->set.limit_ms[EP_LIMIT_RUN] != 0 ?
	    opt->set.limit_ms[EP_LIMIT_RUN] / 2 : STATE_WAIT_MS, &r->state,
	    err, sizeof(err)) == -1)
		fatal(EXIT_USAGE, err);
}

/*
 * The plan: the deployment files' names, then the flags', then the
 * arguments (SIP domains to discover, or hosts).
 */
static void
build_plan(struct run *r)
{
	const struct options	*opt = &r->opt;
	char			 err[1024];
	size_t			 i;

	if ((r->plan = ep_plan_new(r->profile)) == NULL)
		fatal(EXIT_USAGE, strerror(ENOMEM));
	for (i = 0; i < opt->nfiles; i++)
		if (ep_config_apply(r->cfg[i], r->plan, err, sizeof(err)) == -1)
			fatal(EXIT_USAGE, err);
	for (i = 0; i < opt->ndeferred; i++) {
		if (opt->deferred[i].opt != OPT_PORT)
			add_names(r->plan, opt->deferred[i].opt,
			    opt->deferred[i].arg);
		else if (ep_plan_parse_ports(r->plan, opt->deferred[i].arg, err,
		    sizeof(err)) == -1)
			fatal_usage("%s", err);
	}
	if (ep_targets_plan(r->targets, r->plan, err, sizeof(err)) == -1)
		fatal_usage("%s", err);
	if (!opt->has_offline && ep_plan_ntargets(r->plan) == 0 &&
	    ep_plan_ndiscoveries(r->plan) == 0)
		fatal_usage("%s", "nothing to check: give a SIP domain, -f FILE, "
		    "--access, --webcon, --internal or --reverse-proxy");
}

/* The trust anchors and the public suffix list, read now as well. */
static void
load_anchors(struct run *r)
{
	char	err[1024];

	if (ep_trust_new(&r->trust, r->opt.set.ca_file, r->opt.set.internal_ca,
	    err, sizeof(err)) == -1)
		fatal(EXIT_USAGE, err);
	if (ep_names_new(&r->names, NULL, err, sizeof(err)) == -1)
		fatal(EXIT_USAGE, err);
}

/*
 * Where output files go is tried now, after the files are read and before
 * the first probe: a path that cannot be written costs no probe.  The
 * metrics file is begun here.
 */
static void
prepare_outputs(struct run *r)
{
	char	err[1024], msg[sizeof(err) + 32];

	if (r->opt.save_chains != NULL &&
	    ep_chains_prepare(r->opt.save_chains, err, sizeof(err)) == -1) {
		snprintf(msg, sizeof(msg), "--save-chains %s", err);
		fatal(EXIT_USAGE, msg);
	}
	if (r->opt.prometheus == NULL)
		return;
	if (ep_prom_open(r->opt.prometheus, &r->prom, err, sizeof(err)) == -1) {
		snprintf(msg, sizeof(msg), "--prometheus %s", err);
		fatal(EXIT_USAGE, msg);
	}
	fatal_to.prom = r->prom;
}

/*
 * The progress line: on a terminal, once a run has taken a second, on
 * one line rewritten in place and wiped at the end.
 */
static void
show_progress(const struct ep_progress *p, void *arg)
{
	int	*shown = arg;

	if (p->last) {
		if (*shown)
			fputs("\r\033[K", stderr);
		return;
	}
	if (p->elapsed_ms < 1000)
		return;
	*shown = 1;
	fprintf(stderr, "\redgeprobe: %zu of %zu endpoints done, %zu DNS "
	    "question%s open, %u s\033[K", p->done, p->done + p->running +
	    p->queued, p->lookups, p->lookups == 1 ? "" : "s",
	    p->elapsed_ms / 1000);
	fflush(stderr);
}

/* Picks the role an offline input is judged in. */
static enum ep_role
offline_role(const struct options *opt, const struct ep_plan *plan)
{
	enum ep_role	role;

	if (opt->role != NULL) {
		if (ep_role_by_name(opt->role, &role) == -1 ||
		    !ep_plan_profile(plan)->roles[role].probed)
			fatal_usage("--role '%.100s': expected access, webcon, "
			    "internal, reverse-proxy or generic", opt->role);
		return role;
	}
	/* Without --role, the one role that has names. */
	if (ep_plan_ntargets(plan) == 0)
		fatal_usage("%s", "an offline check needs the names to judge: "
		    "give --role and --access, --webcon, ... or --name");
	return ep_plan_target(plan, 0)->role;
}

static int streams(const struct run *r);
static void stream_group(void *arg, struct ep_observations *all,
    size_t target, const size_t *idx, size_t n);

/* The observations: of the files judged offline, or of the network. */
static void
observe(struct run *r)
{
	const struct options	*opt = &r->opt;
	struct ep_engine_opts	 eo;
	struct sigaction	 saved[STOP_SIGNALS];
	sigset_t		 mask;
	char			 err[1024];
	int			 shown = 0, rc;

	if (opt->has_offline) {
		/* Offline, nothing is fetched: files stand for what would be. */
		r->obs.no_fetch = 1;
		if (ep_offline_observe(r->plan, offline_role(opt, r->plan),
		    &opt->offline, &r->obs, err, sizeof(err)) == -1)
			fatal(EXIT_USAGE, err);
	} else {
		memset(&eo, 0, sizeof(eo));
		eo.dns_servers = opt->set.dns;
		eo.family = opt->family;
		eo.timeout_ms = opt->set.limit_ms[EP_LIMIT_TIMEOUT];
		eo.connect_timeout_ms = opt->set.limit_ms[EP_LIMIT_CONNECT];
		eo.handshake_timeout_ms = opt->set.limit_ms[EP_LIMIT_HANDSHAKE];
		eo.dns_timeout_ms = opt->set.limit_ms[EP_LIMIT_DNS];
		eo.full_handshake = opt->full_handshake;
		if (opt->set.limit_ms[EP_LIMIT_RUN] != 0)
			eo.run_timeout_ms = budget_left(r->mono_started +
			    opt->set.limit_ms[EP_LIMIT_RUN]);
		eo.max_inflight = opt->jobs;
		eo.per_address = opt->per_address;
		eo.rate = opt->rate;
		eo.priority = opt->priority;
		eo.trust = r->trust;
		eo.no_fetch = opt->no_fetch;
		eo.fetch_timeout_ms = opt->set.limit_ms[EP_LIMIT_FETCH];
		if (streams(r)) {
			eo.group_done = stream_group;
			eo.group_arg = r;
		}
		eo.user_agent = "edgeprobe/" EP_VERSION;
		if (isatty(STDERR_FILENO)) {
			eo.progress = show_progress;
			eo.progress_arg = &shown;
		}
		eo.stop = &stop_signal;
		catch_stop(saved, &mask);
		eo.wait_mask = &mask;
		rc = ep_engine_run(r->plan, &eo, &r->obs, err, sizeof(err));
		release_stop(saved, &mask);
		if (rc == -1)
			fatal(EXIT_USAGE, err);
	}
	/* What the admin waited for, discovery included. */
	r->obs.elapsed_ms = (unsigned)(ep_time_mono_ms() - r->mono_started);
	if (opt->verbose)
		fprintf(stderr, "edgeprobe: %zu endpoints observed in %u ms%s%s\n",
		    streams(r) ? r->total.endpoints : r->obs.n,
		    r->obs.elapsed_ms, r->obs.interrupted ?
		    ", interrupted by " : "", r->obs.interrupted ?
		    ep_report_interrupted(&r->obs) : "");
	if (opt->verbose && !opt->has_offline) {
		const struct ep_dns_stats	*d = &r->obs.dns;

		fprintf(stderr, "edgeprobe: DNS: %zu questions, %zu queries "
		    "(%zu sent again), %zu never answered; window up to %u, "
		    "halved %zu times; round trip %u ms, a first try's "
		    "timeout %u ms\n", d->questions, d->queries, d->resent,
		    d->unanswered, d->window_max, d->decreases, d->srtt_ms,
		    d->rto_ms);
	}
}

/* The rules' context, revocation checks kept in revs. */
static void
rules_ctx(const struct run *r, struct ep_rules_ctx *rc,
    struct ep_revchecks *revs)
{
	memset(rc, 0, sizeof(*rc));
	rc->plan = r->plan;
	rc->trust = r->trust;
	rc->names = r->names;
	rc->now = r->at;
	rc->warn = r->opt.set.warn;
	rc->crit = r->opt.set.crit;
	rc->prev = r->state;
	rc->revs = revs;
	rc->revmemo = r->revmemo;
}

/* A run that streams: every endpoint was judged as its target ended. */
static int
streams(const struct run *r)
{
	return r->opt.jsonl && !r->opt.has_offline;
}

static void
judge(struct run *r)
{
	struct ep_rules_ctx	rc;
	char			err[1024];
	int			rv;

	rules_ctx(r, &rc, &r->revs);
	rv = streams(r) ? ep_rules_deployment(&rc, &r->obs, &r->findings, err,
	    sizeof(err)) : ep_rules_run(&rc, &r->obs, &r->findings, err,
	    sizeof(err));
	if (rv == -1)
		fatal(EXIT_USAGE, err);
}

/* Colour for a terminal that wants it (no-color.org). */
static int
wants_color(void)
{
	const char	*nc = getenv("NO_COLOR"), *term = getenv("TERM");

	return isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0') &&
	    term != NULL && strcmp(term, "dumb") != 0;
}

/* The terminal's width, or 80 when the report goes elsewhere. */
static unsigned
report_width(void)
{
	struct winsize	ws;

	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* A report of obs and their findings f and revocation checks revs. */
static void
report_init(const struct run *r, struct ep_report *rep,
    const struct ep_observations *obs, const struct ep_findings *f,
    const struct ep_revchecks *revs)
{
	memset(rep, 0, sizeof(*rep));
	rep->plan = r->plan;
	rep->obs = obs;
	rep->findings = f;
	rep->revs = revs;
	rep->at = r->at;
	rep->started = r->started;
	rep->verbose = r->opt.verbose;
	rep->quiet = r->opt.quiet;
	rep->color = wants_color();
	rep->width = report_width();
	rep->warn = r->opt.set.warn;
	rep->crit = r->opt.set.crit;
}

/* Writes chains of rep to --save-chains's directory, if given. */
static void
save_chains(struct run *r, const struct ep_report *rep)
{
	char	err[1024];
	size_t	n;

	if (r->opt.save_chains == NULL)
		return;
	if (ep_chains_save(r->opt.save_chains, rep, &n, err,
	    sizeof(err)) == -1)
		fatal(EXIT_USAGE, err);
	r->saved += n;
}

/*
 * A run that streams (--jsonl): the observations of one target, in as
 * the engine tells, are judged, written and let go, so that memory
 * holds what is in flight, not what is done.
 */
static void
stream_group(void *arg, struct ep_observations *all, size_t target,
    const size_t *idx, size_t n)
{
	struct run		*r = arg;
	struct ep_observations	 g;
	struct ep_findings	 f;
	struct ep_revchecks	 revs;
	struct ep_rules_ctx	 rc;
	struct ep_report	 rep;
	char			 err[1024];
	size_t			 k;

	(void)target;
	memset(&g, 0, sizeof(g));
	memset(&f, 0, sizeof(f));
	memset(&revs, 0, sizeof(revs));
	if ((g.v = calloc(n, sizeof(*g.v))) == NULL)
		fatal(EXIT_USAGE, strerror(ENOMEM));
	for (k = 0; k < n; k++)
		g.v[k] = all->v[idx[k]];
	g.n = g.cap = n;
	/* The run's, lent: the part owns none of them. */
	g.certs = all->certs;
	g.fetched = all->fetched;
	g.nfetched = all->nfetched;
	g.fslots = all->fslots;
	g.nfslots = all->nfslots;
	g.nfkeyed = all->nfkeyed;
	g.no_fetch = all->no_fetch;
	ep_observations_sort(&g);
	rules_ctx(r, &rc, &revs);
	if (ep_rules_endpoints(&rc, &g, &f, err, sizeof(err)) == -1)
		fatal(EXIT_USAGE, err);
	report_init(r, &rep, &g, &f, &revs);
	if (ep_report_open_part(&rep) == -1)
		fatal(EXIT_USAGE, strerror(ENOMEM));
	save_chains(r, &rep);
	/* Flushed: a reader may act on each line as it comes. */
	if (ep_report_jsonl_endpoints(stdout, &rep) == -1 ||
	    fflush(stdout) == EOF)
		fatal(EXIT_USAGE, "cannot write the report");
	ep_summary_add(&r->total, &rep.sum);
	ep_report_close(&rep);
	ep_findings_clear(&f);
	ep_revchecks_clear(&revs);
	/* Parsed again if another endpoint presents them. */
	for (k = 0; k < n; k++) {
		size_t	c;

		for (c = 0; c < g.v[k].chain_len; c++)
			ep_cert_release(ep_certs_get(all->certs,
			    g.v[k].chain[c]));
	}
	free(g.v);
	for (k = 0; k < n; k++)
		if (ep_observations_retire(all, idx[k]) == -1)
			fatal(EXIT_USAGE, strerror(ENOMEM));
}

/* Writes the report; returns the run's status, which every output shares. */
static enum ep_severity
report(struct run *r)
{
	struct ep_report	rep;
	enum ep_severity	st;
	char			err[1024];
	int			rc;

	report_init(r, &rep, &r->obs, &r->findings, &r->revs);
	if (ep_report_open(&rep) == -1)
		fatal(EXIT_USAGE, strerror(ENOMEM));
	if (r->opt.jsonl) {
		/* Streamed, the endpoints were told (and saved) already. */
		if (!streams(r))
			save_chains(r, &rep);
		ep_summary_add(&r->total, &rep.sum);
		st = r->total.status;
		rc = 0;
		if (!r->opt.quiet || st != EP_SEV_OK) {
			if (!streams(r))
				rc = ep_report_jsonl_endpoints(stdout, &rep);
			if (rc == 0)
				rc = ep_report_jsonl_summary(stdout, &rep,
				    &r->total);
		}
		if (rc == -1 || fflush(stdout) == EOF)
			fatal(EXIT_USAGE, "cannot write the report");
		if (r->opt.verbose && r->opt.save_chains != NULL)
			fprintf(stderr, "edgeprobe: %zu chains saved\n",
			    r->saved);
		ep_report_close(&rep);
		return st;
	}
	/* First: its failure must not follow a report that all is well. */
	if (r->prom != NULL &&
	    ep_prom_commit(r->prom, &rep, err, sizeof(err)) == -1)
		fatal(EXIT_USAGE, err);
	save_chains(r, &rep);
	if (r->opt.verbose && r->opt.save_chains != NULL)
		fprintf(stderr, "edgeprobe: %zu chains saved\n", r->saved);
	/* Quiet and all is well: no output, so that cron mails nothing. */
	if (r->opt.quiet && rep.sum.status == EP_SEV_OK)
		rc = 0;
	else if (r->opt.json)
		rc = ep_report_json(stdout, &rep);
	else if (r->opt.nagios)
		rc = ep_report_nagios(stdout, &rep);
	else
		rc = ep_report_text(stdout, &rep);
	if (rc == -1 || fflush(stdout) == EOF)
		fatal_output("the report");
	st = rep.sum.status;
	/*
	 * What this run saw, for the next, unless the file is not ours, or
	 * the run was interrupted: what it did not see is no change.
	 */
	if (r->state != NULL && !r->obs.interrupted) {
		enum ep_state_status	ss = ep_state_status(r->state, NULL);

		if (ss != EP_STATE_NEWER && ss != EP_STATE_LOCKED &&
		    ep_report_state(r->state, &rep, err, sizeof(err)) == -1)
			fatal(EXIT_USAGE, err);
	}
	ep_report_close(&rep);
	return st;
}

int
main(int argc, char *argv[])
{
	struct run		r;
	enum ep_severity	st;

	/* A closed pipe or a file size limit must end in a write error. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	fatal_to.nagios = wants_nagios(argc, argv);
	run_init(&r, argc);
	parse_args(argc, argv, &r.opt);
	check_options(&r);
	/* Asked for with a usage error beside, the error wins: exit 3. */
	if (r.opt.help || r.opt.version) {
		if (r.opt.help)
			usage(stdout);
		else
			printf("edgeprobe %s\n", EP_VERSION);
		if (fflush(stdout) == EOF || ferror(stdout))
			fatal_output(r.opt.help ? "the help" : "the version");
		run_free(&r);
		return 0;
	}
	/* For cron: a terminal that hangs up does not end the run. */
	if (r.opt.quiet)
		signal(SIGHUP, SIG_IGN);
	read_inputs(&r, argc, argv);
	build_plan(&r);
	load_anchors(&r);
	prepare_outputs(&r);
	observe(&r);
	judge(&r);
	st = report(&r);
	run_free(&r);
	return ep_severity_exit_code(st);
}
