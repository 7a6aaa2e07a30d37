/*
 * Metrics for node_exporter's textfile collector (see ep_prometheus.h):
 * the exposition format, and a file replaced whole.  The collector reads
 * the file whenever it is scraped, so the new one is written beside it
 * and renamed over it only once it is complete and on disk.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/ep_escape.h"
#include "report/ep_prometheus.h"

/* A label value of n bytes escaped: 5 a byte at most ("\\xNN"), "...". */
#define LABEL_ESC(n)	((n) * 5 + 4)
#define ENDPOINT_MAX	(LABEL_ESC(EP_NAME_MAX) + 256)	/* its labels */
#define CERT_MAX	(2 * LABEL_ESC(EP_CERT_CN_MAX) + \
			    LABEL_ESC(EP_CERT_SERIAL_MAX * 2 + 4) + 64)

struct ep_prom {
	char	*path;		/* the file replaced */
	char	*dir;		/* its directory, synced after the rename */
	char	*tmp;		/* the temporary file; NULL once renamed */
	FILE	*fp;		/* open on tmp until committed */
};

/* HELP and TYPE of a family: every metric here is a gauge. */
static void
family(FILE *fp, const char *name, const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static int
live(const struct ep_obs *o)
{
	return o->kind == EP_OBS_LIVE;
}

/* role, name, address, port: the labels of every series of an endpoint. */
static void
endpoint_labels(const struct ep_report *r, const struct ep_obs *o, char *out,
    size_t outlen)
{
	const struct ep_target	*t = ep_plan_target(r->plan, o->target);
	char			 name[LABEL_ESC(EP_NAME_MAX)];
	char			 addr[LABEL_ESC(EP_ADDRSTR_MAX)], port[8] = "";

	ep_esc_prom_label(t->name, strlen(t->name), name, sizeof(name));
	addr[0] = '\0';
	if (live(o) && o->has_addr)
		ep_esc_prom_label(o->addrstr, strnlen(o->addrstr,
		    sizeof(o->addrstr)), addr, sizeof(addr));
	if (live(o))
		snprintf(port, sizeof(port), "%u", o->port);
	snprintf(out, outlen, "role=\"%s\",name=\"%s\",address=\"%s\","
	    "port=\"%s\"", ep_role_name(t->role), name, addr, port);
}

/* The certificates of an observation that carry real dates. */
static size_t
dated_chain(const struct ep_obs *o)
{
	return o->kind == EP_OBS_CSR ? 0 : o->chain_len;
}

static void
print_endpoints(FILE *fp, const struct ep_report *r)
{
	const struct ep_observations	*obs = r->obs;
	char				 l[ENDPOINT_MAX];
	size_t				 i;

	family(fp, "edgeprobe_probe_success", "Whether the TLS handshake "
	    "with the endpoint was done (1) or not (0).");
	for (i = 0; i < obs->n; i++) {
		endpoint_labels(r, &obs->v[i], l, sizeof(l));
		fprintf(fp, "edgeprobe_probe_success{%s} %d\n", l,
		    obs->v[i].status == EP_OBS_OK);
	}
	family(fp, "edgeprobe_endpoint_status", "The endpoint's status: 0 "
	    "ok, 1 warning, 2 critical, 3 unknown.");
	for (i = 0; i < obs->n; i++) {
		endpoint_labels(r, &obs->v[i], l, sizeof(l));
		fprintf(fp, "edgeprobe_endpoint_status{%s} %d\n", l,
		    ep_severity_exit_code(ep_severity_status(r->ix.worst[i])));
	}
	family(fp, "edgeprobe_handshake_duration_seconds", "The TCP "
	    "connect and TLS handshake with the endpoint.");
	for (i = 0; i < obs->n; i++) {
		if (!live(&obs->v[i]) || !obs->v[i].has_addr)
			continue;
		endpoint_labels(r, &obs->v[i], l, sizeof(l));
		fprintf(fp, "edgeprobe_handshake_duration_seconds{%s} %.3f\n",
		    l, obs->v[i].elapsed_ms / 1000.0);
	}
	family(fp, "edgeprobe_tls_version_info", "The TLS version the "
	    "endpoint agreed to.");
	for (i = 0; i < obs->n; i++) {
		const struct ep_obs	*o = &obs->v[i];
		char			 v[LABEL_ESC(sizeof(o->tls_version))];

		if (!live(o) || o->status != EP_OBS_OK ||
		    o->tls_version[0] == '\0')
			continue;
		endpoint_labels(r, o, l, sizeof(l));
		ep_esc_prom_label(o->tls_version, strnlen(o->tls_version,
		    sizeof(o->tls_version)), v, sizeof(v));
		fprintf(fp, "edgeprobe_tls_version_info{%s,version=\"%s\"} 1\n",
		    l, v);
	}
}

static void
print_certs(FILE *fp, const struct ep_report *r)
{
	static const char		*names[] = {
		"edgeprobe_cert_not_before_timestamp_seconds",
		"edgeprobe_cert_not_after_timestamp_seconds",
	};
	static const char		*helps[] = {
		"When the certificate becomes valid, Unix time.",
		"When the certificate expires, Unix time.",
	};
	const struct ep_observations	*obs = r->obs;
	char				 l[ENDPOINT_MAX], c[CERT_MAX];
	size_t				 i, k, m;

	family(fp, "edgeprobe_earliest_cert_expiry_timestamp_seconds",
	    "When the first certificate of the chain the endpoint presented "
	    "expires, Unix time.");
	for (i = 0; i < obs->n; i++) {
		const struct ep_obs	*o = &obs->v[i];
		time_t			 first = 0;

		int			 any = 0;

		for (k = 0; k < dated_chain(o); k++) {
			const struct ep_cert	*x = ep_certs_get(obs->certs,
						    o->chain[k]);

			/* What does not parse has no dates. */
			if (x->malformed[0] != '\0')
				continue;
			if (!any || x->not_after < first)
				first = x->not_after;
			any = 1;
		}
		if (!any)
			continue;
		endpoint_labels(r, o, l, sizeof(l));
		fprintf(fp, "edgeprobe_earliest_cert_expiry_timestamp_seconds"
		    "{%s} %lld\n", l, (long long)first);
	}
	for (m = 0; m < sizeof(names) / sizeof(names[0]); m++) {
		family(fp, names[m], helps[m]);
		for (i = 0; i < obs->n; i++) {
			const struct ep_obs	*o = &obs->v[i];

			if (dated_chain(o) > 0)
				endpoint_labels(r, o, l, sizeof(l));
			for (k = 0; k < dated_chain(o); k++) {
				const struct ep_cert	*x;
				char			 cn[LABEL_ESC(
							     EP_CERT_CN_MAX)];
				char			 issuer[sizeof(cn)];
				char			 serial[LABEL_ESC(
							     EP_CERT_SERIAL_MAX
							     * 2 + 4)];

				x = ep_certs_get(obs->certs, o->chain[k]);
				if (x->malformed[0] != '\0')
					continue;
				ep_esc_prom_label(x->cn, x->cn_len, cn,
				    sizeof(cn));
				ep_esc_prom_label(x->issuer_cn,
				    x->issuer_cn_len, issuer, sizeof(issuer));
				ep_esc_prom_label(x->serial, strlen(x->serial),
				    serial, sizeof(serial));
				snprintf(c, sizeof(c), "chain_index=\"%zu\","
				    "cn=\"%s\",issuer_cn=\"%s\",serial=\"%s\"",
				    k, cn, issuer, serial);
				fprintf(fp, "%s{%s,%s} %lld\n", names[m], l, c,
				    (long long)(m == 0 ? x->not_before :
				    x->not_after));
			}
		}
	}
}

/* Findings of one endpoint, then the deployment's, by name, check, ... */
static int
by_labels(const void *a, const void *b)
{
	const struct ep_finding	*x = *(const struct ep_finding *const *)a;
	const struct ep_finding	*y = *(const struct ep_finding *const *)b;
	int			 c;

	if (x->obs != y->obs)
		return x->obs < y->obs ? -1 : 1;
	if (x->obs == EP_FINDING_NO_OBS && (c = strcmp(x->name, y->name)) != 0)
		return c;
	if (x->check != y->check)
		return x->check < y->check ? -1 : 1;
	if (x->severity != y->severity)
		return x->severity < y->severity ? -1 : 1;
	if (x->accepted != y->accepted)
		return x->accepted < y->accepted ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* One series per label set, counting the findings that have it. */
static int
print_findings(FILE *fp, const struct ep_report *r)
{
	const struct ep_findings	 *f = r->findings;
	const struct ep_finding		**v;
	char				  l[ENDPOINT_MAX];
	size_t				  i, n;

	family(fp, "edgeprobe_findings", "How many findings of the check, "
	    "severity and acceptance the endpoint (or, with no role, the "
	    "deployment) has.");
	if ((v = calloc(f->n ? f->n : 1, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < f->n; i++)
		v[i] = &f->v[i];
	qsort(v, f->n, sizeof(*v), by_labels);
	for (i = 0; i < f->n; i += n) {
		const struct ep_finding	*x = v[i];

		for (n = 1; i + n < f->n && v[i + n]->obs == x->obs &&
		    v[i + n]->check == x->check &&
		    v[i + n]->severity == x->severity &&
		    v[i + n]->accepted == x->accepted &&
		    (x->obs != EP_FINDING_NO_OBS ||
		    strcmp(v[i + n]->name, x->name) == 0); n++)
			continue;
		if (x->obs < r->obs->n)
			endpoint_labels(r, &r->obs->v[x->obs], l, sizeof(l));
		else {
			char	name[LABEL_ESC(EP_FINDING_NAME_MAX)];

			ep_esc_prom_label(x->name, strnlen(x->name,
			    sizeof(x->name)), name, sizeof(name));
			snprintf(l, sizeof(l), "role=\"\",name=\"%s\","
			    "address=\"\",port=\"\"", name);
		}
		fprintf(fp, "edgeprobe_findings{%s,check=\"%s\","
		    "severity=\"%s\",accepted=\"%s\"} %zu\n", l,
		    ep_check_info(x->check)->id,
		    ep_severity_name(x->severity), x->accepted ? "true" :
		    "false", n);
	}
	free(v);
	return 0;
}

int
ep_report_prometheus(FILE *fp, const struct ep_report *r)
{
	print_endpoints(fp, r);
	print_certs(fp, r);
	if (print_findings(fp, r) == -1)
		return -1;
	family(fp, "edgeprobe_run_duration_seconds", "How long the run "
	    "took, discovery included.");
	fprintf(fp, "edgeprobe_run_duration_seconds %.3f\n",
	    r->obs->elapsed_ms / 1000.0);
	family(fp, "edgeprobe_last_run_timestamp_seconds", "When the run "
	    "started, Unix time.");
	fprintf(fp, "edgeprobe_last_run_timestamp_seconds %lld\n",
	    (long long)r->started);
	family(fp, "edgeprobe_run_status", "The run's exit status: 0 ok, "
	    "1 warning, 2 critical, 3 unknown.");
	fprintf(fp, "edgeprobe_run_status %d\n",
	    ep_severity_exit_code(r->sum.status));
	family(fp, "edgeprobe_run_interrupted", "Whether a signal stopped "
	    "the run before every endpoint was done (1) or not (0).");
	fprintf(fp, "edgeprobe_run_interrupted %d\n",
	    ep_report_interrupted(r->obs) != NULL);
	return ferror(fp) ? -1 : 0;
}

/* Closes and removes the temporary file, if there is one. */
static void
discard(struct ep_prom *p)
{
	if (p->fp != NULL)
		fclose(p->fp);
	p->fp = NULL;
	if (p->tmp != NULL)
		unlink(p->tmp);
	free(p->tmp);
	p->tmp = NULL;
}

void
ep_prom_free(struct ep_prom *p)
{
	if (p == NULL)
		return;
	discard(p);
	free(p->path);
	free(p->dir);
	free(p);
}

int
ep_prom_open(const char *path, struct ep_prom **out, char *err,
    size_t errlen)
{
	struct ep_prom	*p;
	struct stat	 st;
	const char	*slash = strrchr(path, '/');
	const char	*base = slash != NULL ? slash + 1 : path;
	size_t		 dirlen = slash != NULL ? (size_t)(slash - path) : 0;
	mode_t		 mask;
	int		 fd;

	*out = NULL;
	if (*base == '\0') {
		snprintf(err, errlen, "%s: not a file name", path);
		return -1;
	}
	/* A rename would replace a link, a device, ... as root: refused. */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->path = strdup(path)) == NULL ||
	    (p->dir = slash == NULL ? strdup(".") : dirlen == 0 ?
	    strdup("/") : strndup(path, dirlen)) == NULL ||
	    (p->tmp = malloc(strlen(path) + 16)) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		goto fail;
	}
	/* "DIR/.NAME.XXXXXX": hidden, and not a .prom the collector reads. */
	snprintf(p->tmp, strlen(path) + 16, "%.*s.%s.XXXXXX",
	    (int)(base - path), path, base);
	if ((fd = mkstemp(p->tmp)) == -1) {
		snprintf(err, errlen, "%s: cannot create a file in %s: %s",
		    path, p->dir, strerror(errno));
		free(p->tmp);
		p->tmp = NULL;
		goto fail;
	}
	/* Read the umask the only way there is: set it, and set it back. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) == -1 ||
	    (p->fp = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", p->tmp, strerror(errno));
		close(fd);
		goto fail;
	}
	*out = p;
	return 0;
fail:
	ep_prom_free(p);
	return -1;
}

int
ep_prom_commit(struct ep_prom *p, const struct ep_report *r, char *err,
    size_t errlen)
{
	int	fd, e;

	errno = 0;
	if (ep_report_prometheus(p->fp, r) == -1 || fflush(p->fp) == EOF ||
	    fsync(fileno(p->fp)) == -1) {
		e = errno != 0 ? errno : EIO;
		snprintf(err, errlen, "cannot write %s: %s", p->path,
		    strerror(e));
		goto fail;
	}
	e = fclose(p->fp);
	p->fp = NULL;
	if (e == EOF || rename(p->tmp, p->path) == -1) {
		snprintf(err, errlen, "cannot write %s: %s", p->path,
		    strerror(errno));
		goto fail;
	}
	free(p->tmp);
	p->tmp = NULL;
	/* The rename reaches the disk with the directory; not all can sync. */
	if ((fd = open(p->dir, O_RDONLY | O_DIRECTORY)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	return 0;
fail:
	discard(p);
	return -1;
}
