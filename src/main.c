/*
 * edgeprobe: checks that the certificates a Lync / Skype for Business
 * edge deployment presents fit the rules of each endpoint's role.
 *
 * argv -> plan -> resolve + probe -> observations -> rules -> findings
 * -> report -> exit code.  Only this file prints fatal errors or exits.
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "input/ep_config.h"
#include "net/ep_engine.h"
#include "report/ep_escape.h"
#include "x509/ep_names.h"
#include "net/ep_offline.h"
#include "input/ep_plan.h"
#include "report/ep_report.h"
#include "judge/ep_rules.h"
#include "input/ep_time.h"
#include "x509/ep_trust.h"
#include "ep_version.h"

#define EXIT_USAGE	3	/* Nagios UNKNOWN: nothing was judged */

#define EP_CONFIG_FILES_MAX	16	/* -f given this often at most */

/* A name or port option, applied once the profile is known. */
struct deferred {
	int		 opt;
	const char	*arg;
};

struct options {
	const char		*dns;
	const char		*ca_file;
	const char		*internal_ca;
	const char		*at;
	const char		*priority;
	const char		*profile;
	const char		*files[EP_CONFIG_FILES_MAX];	/* -f */
	size_t			 nfiles;
	struct deferred		*deferred;	/* argc slots */
	size_t			 ndeferred;
	struct ep_offline	 offline;	/* --chain, --pfx, --csr */
	int			 has_offline;
	const char		*role;		/* --role for offline input */
	const char		*pfx_password_file;
	const char		*targets_file;	/* --targets-file, "-" for stdin */
	int			 json;
	int			 verbose;
	int			 family;
	unsigned		 limit_ms[EP_LIMIT__MAX];	/* 0: unset */
	int			 full_handshake;
	unsigned		 jobs;
	int			 warn_days;	/* -1: unset */
	int			 crit_days;	/* -1: unset */
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
	OPT_FULL_HANDSHAKE,
	OPT_WARN_DAYS,
	OPT_CRIT_DAYS,
	OPT_JSON,
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
	{ "full-handshake",	no_argument,		NULL, OPT_FULL_HANDSHAKE },
	{ "warn-days",		required_argument,	NULL, OPT_WARN_DAYS },
	{ "crit-days",		required_argument,	NULL, OPT_CRIT_DAYS },
	{ "json",		no_argument,		NULL, OPT_JSON },
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
	{ "jobs",		required_argument,	NULL, 'j' },
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
"  --dns-timeout SECONDS  wait for a DNS answer; every server is asked twice,\n"
"                         the second time twice as long (default --timeout,\n"
"                         at most 2)\n"
"  --run-timeout SECONDS  the whole run, discovery included; what is not done\n"
"                         by then is reported as timed out (default none)\n"
"  --full-handshake       finish every TLS handshake instead of stopping\n"
"                         once the chain and the server's key proof are in\n"
"  -j, --jobs N           handshakes in flight at once (default 1024, fewer\n"
"                         when the open-file limit is lower)\n"
"  -4, -6                 probe only IPv4 or only IPv6 addresses\n"
"  --priority STRING      GnuTLS priority string (default NORMAL, with the\n"
"                         X25519 group first)\n"
"\n"
"Judging:\n"
"  --profile NAME|FILE    role rules: lync2013 (default), skype2015, skype2019,\n"
"                         generic, or a profile file (edgeprobe-probes(5))\n"
"  --warn-days N          expires-soon warning within N days (default 30)\n"
"  --crit-days N          expires-soon critical within N days (default 7)\n"
"  --at WHEN              judge validity at an ISO 8601 date or date-time\n"
"                         (2026-12-01, 2026-12-01T08:00:00Z) instead of now\n"
"\n"
"Output:\n"
"  --json                 one JSON document instead of the text report\n"
"  -v, --verbose          say more on standard error\n"
"  -h, --help             this help\n"
"  -V, --version          the version\n"
"\n"
"Exit status: 0 ok, 1 warning, 2 critical, 3 unknown (usage or internal\n"
"error).  See edgeprobe(1).\n");
}

/* Messages may hold what the admin or a file gave: escaped, one line. */
static void __attribute__((noreturn))
fatal(int code, const char *msg)
{
	char	buf[2048];

	fprintf(stderr, "edgeprobe: %s\n", ep_esc_str(msg, buf, sizeof(buf)));
	exit(code);
}

static void __attribute__((format(printf, 1, 2), noreturn))
fatal_usage(const char *fmt, ...)
{
	char	buf[512], esc[2048];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "edgeprobe: %s (see edgeprobe --help)\n",
	    ep_esc_str(buf, esc, sizeof(esc)));
	exit(EXIT_USAGE);
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

/* Adds each comma-separated name of list. */
static void
add_names(struct ep_plan *plan, int opt, const char *list)
{
	static const struct {
		int		 opt;
		enum ep_role	 role;
		const char	*source;
	} roles[] = {
		{ OPT_ACCESS, EP_ROLE_ACCESS, "--access" },
		{ OPT_WEBCON, EP_ROLE_WEBCON, "--webcon" },
		{ OPT_AV, EP_ROLE_AV, "--av" },
		{ OPT_INTERNAL, EP_ROLE_INTERNAL, "--internal" },
		{ OPT_REVERSE_PROXY, EP_ROLE_REVERSE_PROXY, "--reverse-proxy" },
		{ OPT_NAME, EP_ROLE_GENERIC, "--name" },
	};
	char	*copy, *p, *name, err[512];
	size_t	 i;
	int	 r = 0;

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
		else {
			for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
				if (roles[i].opt == opt)
					break;
			r = ep_plan_add_target(plan, roles[i].role, name,
			    roles[i].source, err, sizeof(err));
		}
	}
	free(copy);
	if (r == -1)
		fatal_usage("%s", err);
}

#define EP_PASSWORD_MAX	1024	/* bytes of a PFX password line */

/* Reads the first line of a password file, without its newline. */
static char *
read_password(const char *path)
{
	char	 buf[EP_PASSWORD_MAX + 2], msg[600], *pw;
	FILE	*fp;
	size_t	 len;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(msg, sizeof(msg), "%.300s: %s", path, strerror(errno));
		fatal(EXIT_USAGE, msg);
	}
	if (fgets(buf, sizeof(buf), fp) == NULL)
		buf[0] = '\0';
	fclose(fp);
	len = strcspn(buf, "\r\n");
	if (len > EP_PASSWORD_MAX) {
		explicit_bzero(buf, sizeof(buf));
		snprintf(msg, sizeof(msg), "%.300s: the password is longer than "
		    "%d bytes", path, EP_PASSWORD_MAX);
		fatal(EXIT_USAGE, msg);
	}
	buf[len] = '\0';
	pw = strdup(buf);
	/* The only other copy of the password: wipe it. */
	explicit_bzero(buf, sizeof(buf));
	if (pw == NULL)
		fatal(EXIT_USAGE, strerror(ENOMEM));
	return pw;
}

/* Loads the deployment files, in order; the first profile named wins. */
static void
load_files(const struct options *opt, struct ep_config **cfg)
{
	char	err[1024];
	size_t	i;

	for (i = 0; i < opt->nfiles; i++)
		if (ep_config_load(opt->files[i], &cfg[i], err,
		    sizeof(err)) == -1)
			fatal(EXIT_USAGE, err);
}

/*
 * Flags override the files, and the first file to give a setting the
 * others: config.c merges them and sets the defaults.
 */
static void
merge_settings(struct options *opt, struct ep_config *const *cfg)
{
	struct ep_settings	s;
	size_t			i;

	ep_settings_init(&s);
	s.profile = opt->profile;
	s.dns = opt->dns;
	s.ca_file = opt->ca_file;
	s.internal_ca = opt->internal_ca;
	s.warn_days = opt->warn_days;
	s.crit_days = opt->crit_days;
	memcpy(s.limit_ms, opt->limit_ms, sizeof(s.limit_ms));
	for (i = 0; i < opt->nfiles; i++)
		ep_settings_fill(&s, cfg[i]);
	ep_settings_finish(&s);
	opt->profile = s.profile;
	opt->dns = s.dns;
	opt->ca_file = s.ca_file;
	opt->internal_ca = s.internal_ca;
	opt->warn_days = s.warn_days;
	opt->crit_days = s.crit_days;
	memcpy(opt->limit_ms, s.limit_ms, sizeof(opt->limit_ms));
}

static void
parse_args(int argc, char *argv[], struct options *opt)
{
	size_t	i;
	int	ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":46f:hj:vV", longopts,
	    NULL)) != -1) {
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
			opt->deferred[opt->ndeferred].opt = ch;
			opt->deferred[opt->ndeferred++].arg = optarg;
			break;
		case OPT_DNS:
			opt->dns = optarg;
			break;
		case OPT_CA_FILE:
			opt->ca_file = optarg;
			break;
		case OPT_INTERNAL_CA:
			opt->internal_ca = optarg;
			break;
		case OPT_TIMEOUT:
		case OPT_CONNECT_TIMEOUT:
		case OPT_HANDSHAKE_TIMEOUT:
		case OPT_DNS_TIMEOUT:
		case OPT_RUN_TIMEOUT:
			for (i = 0; limit_flags[i].opt != ch; i++)
				continue;
			opt->limit_ms[limit_flags[i].limit] =
			    seconds_ms(limit_flags[i].flag, optarg);
			break;
		case OPT_FULL_HANDSHAKE:
			opt->full_handshake = 1;
			break;
		case OPT_WARN_DAYS:
			opt->warn_days = (int)number("--warn-days", optarg, 0,
			    36500);
			break;
		case OPT_CRIT_DAYS:
			opt->crit_days = (int)number("--crit-days", optarg, 0,
			    36500);
			break;
		case OPT_JSON:
			opt->json = 1;
			break;
		case OPT_AT:
			opt->at = optarg;
			break;
		case OPT_PRIORITY:
			opt->priority = optarg;
			break;
		case OPT_PROFILE:
			opt->profile = optarg;
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
		case '4':
			opt->family = AF_INET;
			break;
		case '6':
			opt->family = AF_INET6;
			break;
		case 'j':
			opt->jobs = (unsigned)number("--jobs", optarg, 1, 65536);
			break;
		case 'v':
			opt->verbose = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("edgeprobe %s\n", EP_VERSION);
			exit(0);
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
 * What discovery left of the run's budget, in ms; with none left the
 * engine still runs, for 1 ms, to report every probe as not done.
 */
static unsigned
budget_left(int64_t deadline)
{
	int64_t	left = deadline - ep_time_mono_ms();

	return left < 1 ? 1 : left > UINT_MAX ? UINT_MAX : (unsigned)left;
}

#define EP_TARGET_LINE_MAX	1024	/* bytes of one --targets-file line */

/* The targets of the command line and of --targets-file, in order. */
struct targets {
	char	**v;
	char	**src;		/* "argument" or "FILE:LINE" */
	size_t	  n;
};

static void
push_target(struct targets *t, const char *name, const char *src)
{
	if (t->n >= EP_PLAN_NAMES_MAX)
		fatal_usage("more than %d targets", EP_PLAN_NAMES_MAX);
	if ((t->v = reallocarray(t->v, t->n + 1, sizeof(*t->v))) == NULL ||
	    (t->src = reallocarray(t->src, t->n + 1, sizeof(*t->src))) == NULL ||
	    (t->v[t->n] = strdup(name)) == NULL ||
	    (t->src[t->n] = strdup(src)) == NULL)
		fatal(EXIT_USAGE, strerror(ENOMEM));
	t->n++;
}

/*
 * Reads one target a line; blank lines and lines starting with '#' are
 * skipped, blanks around a target ignored.
 */
static void
read_targets(const char *path, struct targets *t)
{
	char	 line[EP_TARGET_LINE_MAX + 2], src[600], msg[700], *p, *e;
	FILE	*fp;
	size_t	 lineno = 0;

	fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (fp == NULL) {
		snprintf(msg, sizeof(msg), "%.300s: %s", path, strerror(errno));
		fatal(EXIT_USAGE, msg);
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			snprintf(msg, sizeof(msg), "%.300s:%zu: line longer than "
			    "%d bytes", path, lineno, EP_TARGET_LINE_MAX);
			fatal(EXIT_USAGE, msg);
		}
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		e = p + strcspn(p, "\r\n");
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		*e = '\0';
		if (*p == '\0' || *p == '#')
			continue;
		snprintf(src, sizeof(src), "%.300s:%zu", fp == stdin ?
		    "standard input" : path, lineno);
		push_target(t, p, src);
	}
	if (ferror(fp)) {
		snprintf(msg, sizeof(msg), "%.300s: read error", path);
		fatal(EXIT_USAGE, msg);
	}
	if (fp != stdin)
		fclose(fp);
}

/*
 * Adds "HOST", "HOST:PORT", "ADDR", "ADDR:PORT", "[ADDR6]:PORT" or a bare
 * IPv6 address as a generic target, in its own group.
 */
static void
add_host(struct ep_plan *plan, const char *arg, const char *src)
{
	char		 host[EP_NAME_MAX + 1], err[1024];
	const char	*colon, *portstr = NULL, *whole = arg;
	struct ep_port	 port = { 0, 0 };
	size_t		 len;
	int		 r;

	if (arg[0] == '[') {
		if ((colon = strchr(arg, ']')) == NULL ||
		    (colon[1] != '\0' && colon[1] != ':'))
			fatal_usage("%s '%.200s': expected [ADDRESS]:PORT", src, arg);
		len = (size_t)(colon - arg - 1);
		if (colon[1] == ':')
			portstr = colon + 2;
		arg++;
	} else if ((colon = strchr(arg, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		len = (size_t)(colon - arg);
		portstr = colon + 1;
	} else
		len = strlen(arg);	/* a name, or an IPv6 address */
	if (len == 0 || len >= sizeof(host))
		fatal_usage("%s '%.200s': not a host", src, arg);
	memcpy(host, arg, len);
	host[len] = '\0';
	if (portstr != NULL)
		port.port = (uint16_t)number(src, portstr, 1, 65535);
	if (ep_plan_begin_group(plan, whole, err, sizeof(err)) == -1)
		fatal(EXIT_USAGE, err);
	r = port.port != 0 ?
	    ep_plan_add_target_port(plan, EP_ROLE_GENERIC, host, &port, src,
	    err, sizeof(err)) :
	    ep_plan_add_target(plan, EP_ROLE_GENERIC, host, src, err,
	    sizeof(err));
	if (r == -1)
		fatal_usage("%s", err);
}

static void
free_targets(struct targets *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i]);
		free(t->src[i]);
	}
	free(t->v);
	free(t->src);
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
	role = ep_plan_target(plan, 0)->role;
	return role;
}

int
main(int argc, char *argv[])
{
	struct options		 opt;
	struct ep_config	*cfg[EP_CONFIG_FILES_MAX] = { NULL };
	struct targets		 tg = { NULL, NULL, 0 };
	struct ep_plan		*plan;
	struct ep_profile	*profile = NULL;
	struct ep_trust		*trust = NULL;
	struct ep_names		*names = NULL;
	struct ep_observations	 obs;
	struct ep_findings	 findings = { NULL, 0, 0 };
	struct ep_engine_opts	 eo;
	struct ep_rules_ctx	 rc;
	struct ep_report	 rep;
	enum ep_severity	 st;
	time_t			 started = time(NULL), at;
	int64_t			 mono_started = ep_time_mono_ms();
	int64_t			 run_deadline = 0;	/* 0: none */
	char			 err[1024], *password = NULL;
	size_t			 i;
	int			 r;

	/* A closed pipe must end in a write error, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	memset(&opt, 0, sizeof(opt));
	opt.jobs = 0;	/* the engine picks from RLIMIT_NOFILE */
	opt.warn_days = -1;
	opt.crit_days = -1;
	opt.family = AF_UNSPEC;
	opt.priority = EP_ENGINE_PRIORITY_DEFAULT;
	if ((opt.deferred = calloc((size_t)argc, sizeof(*opt.deferred))) == NULL)
		fatal(EXIT_USAGE, strerror(ENOMEM));
	parse_args(argc, argv, &opt);
	at = started;
	if (opt.at != NULL && ep_time_parse_iso(opt.at, &at) == -1)
		fatal_usage("--at '%.100s': expected an ISO 8601 date "
		    "(2026-12-01) or date-time (2026-12-01T08:00:00Z)", opt.at);

	/* Every file is read before the first socket opens. */
	load_files(&opt, cfg);
	merge_settings(&opt, cfg);
	/* The run's budget counts from the start: files are read by now. */
	if (opt.limit_ms[EP_LIMIT_RUN] != 0)
		run_deadline = mono_started + opt.limit_ms[EP_LIMIT_RUN];
	if (ep_profile_load(opt.profile, &profile, err, sizeof(err)) == -1)
		fatal(EXIT_USAGE, err);
	if ((plan = ep_plan_new(profile)) == NULL)
		fatal(EXIT_USAGE, strerror(ENOMEM));
	for (i = 0; i < opt.nfiles; i++)
		if (ep_config_apply(cfg[i], plan, err, sizeof(err)) == -1)
			fatal(EXIT_USAGE, err);
	for (i = 0; i < opt.ndeferred; i++) {
		if (opt.deferred[i].opt != OPT_PORT)
			add_names(plan, opt.deferred[i].opt, opt.deferred[i].arg);
		else if (ep_plan_parse_ports(plan, opt.deferred[i].arg, err,
		    sizeof(err)) == -1)
			fatal_usage("%s", err);
	}
	if (!opt.has_offline && opt.role != NULL)
		fatal_usage("%s", "--role goes with --chain, --pfx or --csr");
	if (opt.pfx_password_file != NULL && (!opt.has_offline ||
	    opt.offline.input != EP_OFFLINE_PFX))
		fatal_usage("%s", "--pfx-password-file goes with --pfx");
	for (i = (size_t)optind; i < (size_t)argc; i++)
		push_target(&tg, argv[i], "argument");
	if (opt.targets_file != NULL)
		read_targets(opt.targets_file, &tg);
	if (opt.has_offline && tg.n > 0)
		fatal_usage("%s", "an offline check takes no target to probe");
	if (profile->arguments == EP_ARGS_HOSTS) {
		for (i = 0; i < tg.n; i++)
			add_host(plan, tg.v[i], tg.src[i]);
		free_targets(&tg);
		memset(&tg, 0, sizeof(tg));
	}
	for (i = 0; i < tg.n; i++)
		if (ep_plan_add_discovery(plan, tg.v[i], err, sizeof(err)) == -1)
			fatal(EXIT_USAGE, err);
	if (!opt.has_offline && ep_plan_ntargets(plan) == 0 &&
	    ep_plan_ndiscoveries(plan) == 0)
		fatal_usage("%s", "nothing to check: give a SIP domain, -f FILE, "
		    "--access, --webcon, --internal or --reverse-proxy");
	if (ep_trust_new(&trust, opt.ca_file, opt.internal_ca, err,
	    sizeof(err)) == -1)
		fatal(EXIT_USAGE, err);
	if (ep_names_new(&names, NULL, err, sizeof(err)) == -1)
		fatal(EXIT_USAGE, err);
	if (ep_observations_init(&obs) == -1)
		fatal(EXIT_USAGE, strerror(ENOMEM));

	if (opt.has_offline) {
		if (opt.offline.input == EP_OFFLINE_PFX) {
			if (opt.pfx_password_file != NULL)
				password = read_password(opt.pfx_password_file);
			else if (getenv("EDGEPROBE_PFX_PASSWORD") != NULL)
				password = strdup(getenv("EDGEPROBE_PFX_PASSWORD"));
			opt.offline.password = password;
		}
		if (ep_offline_observe(plan, offline_role(&opt, plan),
		    &opt.offline, &obs, err, sizeof(err)) == -1)
			fatal(EXIT_USAGE, err);
	} else {
		memset(&eo, 0, sizeof(eo));
		eo.dns_servers = opt.dns;
		eo.family = opt.family;
		eo.timeout_ms = opt.limit_ms[EP_LIMIT_TIMEOUT];
		eo.connect_timeout_ms = opt.limit_ms[EP_LIMIT_CONNECT];
		eo.handshake_timeout_ms = opt.limit_ms[EP_LIMIT_HANDSHAKE];
		eo.dns_timeout_ms = opt.limit_ms[EP_LIMIT_DNS];
		eo.full_handshake = opt.full_handshake;
		if (run_deadline != 0)
			eo.run_timeout_ms = budget_left(run_deadline);
		eo.max_inflight = opt.jobs;
		eo.priority = opt.priority;
		if (ep_engine_run(plan, &eo, &obs, err, sizeof(err)) == -1)
			fatal(EXIT_USAGE, err);
	}
	/* What the admin waited for, discovery included. */
	obs.elapsed_ms = (unsigned)(ep_time_mono_ms() - mono_started);
	if (opt.verbose)
		fprintf(stderr, "edgeprobe: %zu endpoints observed in %u ms\n",
		    obs.n, obs.elapsed_ms);

	memset(&rc, 0, sizeof(rc));
	rc.plan = plan;
	rc.trust = trust;
	rc.names = names;
	rc.now = at;
	rc.warn_days = opt.warn_days;
	rc.crit_days = opt.crit_days;
	if (ep_rules_run(&rc, &obs, &findings, err, sizeof(err)) == -1)
		fatal(EXIT_USAGE, err);

	memset(&rep, 0, sizeof(rep));
	rep.plan = plan;
	rep.obs = &obs;
	rep.findings = &findings;
	rep.at = at;
	rep.started = started;
	rep.verbose = opt.verbose;
	if (ep_report_open(&rep) == -1)
		fatal(EXIT_USAGE, strerror(ENOMEM));
	r = opt.json ? ep_report_json(stdout, &rep) : ep_report_text(stdout, &rep);
	if (r == -1 || fflush(stdout) == EOF)
		fatal(EXIT_USAGE, "cannot write the report");
	st = rep.sum.status;
	ep_report_close(&rep);

	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	ep_findings_clear(&findings);
	ep_observations_clear(&obs);
	ep_names_free(names);
	ep_trust_free(trust);
	ep_plan_free(plan);
	ep_profile_free(profile);
	for (i = 0; i < opt.nfiles; i++)
		ep_config_free(cfg[i]);
	free(opt.deferred);
	free_targets(&tg);
	return ep_severity_exit_code(st);
}
