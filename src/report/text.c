/*
 * The text report, for a person at a terminal: is anything wrong, where,
 * why it matters, what to do.  Grouped role -> name -> address, one block
 * per finding, each distinct certificate described once.  Every string
 * that came from outside goes through ep_esc_text.
 */

#include <arpa/inet.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/ep_time.h"
#include "report/ep_escape.h"
#include "report/ep_report.h"
#include "report/ep_version.h"

#define WRAP		78	/* columns of a finding's text */
#define INDENT		8	/* a finding's text starts here */
#define LABELS_MAX	(26 * 27)	/* A..Z, AA..ZZ; then by number */
#define LINE_MAX	2048	/* one escaped string, cut beyond */

/* Certificate labels (A, B, ...) in order of first appearance. */
struct labels {
	size_t	*cert;		/* label number of each stored certificate + 1 */
	size_t	 next;
	char	*shown;		/* identity already printed */
};

static void
label_name(size_t n, char *out, size_t outlen)
{
	if (n < 26)
		snprintf(out, outlen, "%c", (int)('A' + n));
	else if (n < LABELS_MAX)
		snprintf(out, outlen, "%c%c", (int)('A' + n / 26 - 1),
		    (int)('A' + n % 26));
	else
		snprintf(out, outlen, "#%zu", n + 1);
}

static size_t
label_of(struct labels *l, size_t cert)
{
	if (l->cert[cert] == 0)
		l->cert[cert] = ++l->next;
	return l->cert[cert] - 1;
}

/* Writes len bytes of s, escaped. */
static void
put(FILE *fp, const char *s, size_t len)
{
	char	buf[LINE_MAX];

	fputs(ep_esc_text(s, len, buf, sizeof(buf)), fp);
}

static void
puts_esc(FILE *fp, const char *s)
{
	put(fp, s, strlen(s));
}

/* Prints text (escaped already) wrapped at WRAP columns, indented. */
static void
wrap(FILE *fp, int indent, const char *text)
{
	const char	*p = text;
	int		 col = indent;

	fprintf(fp, "%*s", indent, "");
	while (*p != '\0') {
		const char	*w = p;
		int		 len;

		while (*w != '\0' && *w != ' ')
			w++;
		len = (int)(w - p);
		if (col > indent && col + 1 + len > WRAP) {
			fprintf(fp, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', fp);
			col++;
		}
		fwrite(p, 1, (size_t)len, fp);
		col += len;
		p = w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', fp);
}

static const char *
upper(enum ep_severity s)
{
	static const char	*names[EP_SEV__MAX] = { "ok", "INFO", "WARNING",
				    "CRITICAL", "UNKNOWN" };

	return names[s];
}

/* A finding as one paragraph: severity, ID, message, what to do. */
static void
print_finding(FILE *fp, int indent, const struct ep_finding *x)
{
	char	msg[EP_FINDING_MSG_MAX * 4], text[sizeof(msg) + 768];

	ep_esc_str(x->message, msg, sizeof(msg));
	snprintf(text, sizeof(text), "%s %s%s: %s. To fix: %s.",
	    upper(x->severity), ep_check_info(x->check)->id,
	    x->accepted ? " (accepted)" : "", msg,
	    ep_check_info(x->check)->advice);
	wrap(fp, indent, text);
}

/* A request's stand-in certificate has no real issuer or dates. */
static void
print_cert(FILE *fp, const struct ep_cert *c, const char *label, time_t at,
    int request)
{
	char	date[32], hex[96], key[48];
	size_t	i;

	fprintf(fp, "  certificate %-2s ", label);
	if (c->cn_len > 0) {
		fputs("CN=", fp);
		put(fp, c->cn, c->cn_len);
	} else
		fputs("(no CN)", fp);
	fputs("  SAN:", fp);
	if (c->nsans == 0)
		fputs(" (none)", fp);
	for (i = 0; i < c->nsans; i++) {
		char	ip[46];

		fputc(' ', fp);
		if (c->sans[i].is_ip) {
			if (c->sans[i].len == 4 || c->sans[i].len == 16) {
				inet_ntop(c->sans[i].len == 4 ? AF_INET :
				    AF_INET6, c->sans[i].value, ip, sizeof(ip));
				fputs(ip, fp);
			} else
				fputs("(bad IP)", fp);
		} else
			put(fp, (const char *)c->sans[i].value, c->sans[i].len);
	}
	fputc('\n', fp);
	ep_time_iso(c->not_after, date, sizeof(date));
	if (request)
		fprintf(fp, "                 requested, not issued yet\n");
	else {
		fprintf(fp, "                 issuer ");
		puts_esc(fp, c->issuer);
		fprintf(fp, ", expires %.10s (%lld days)\n", date,
		    ((long long)c->not_after - at) / 86400);
	}
	ep_cert_key_desc(c, key, sizeof(key));
	ep_cert_hex(c->spki_sha256, hex, sizeof(hex));
	fprintf(fp, "                 key %s, SPKI sha256 %.8s...%s\n", key, hex,
	    hex + strlen(hex) - 5);
}

/* Where an observation was made: an address, or the file judged. */
static void
print_where(FILE *fp, const struct ep_obs *o)
{
	char	where[sizeof(o->file) * 4 + 64], file[sizeof(o->file) * 4];

	ep_esc_str(o->file, file, sizeof(file));
	if (o->kind == EP_OBS_CHAIN)
		snprintf(where, sizeof(where), "chain file %s", file);
	else if (o->kind == EP_OBS_PFX)
		snprintf(where, sizeof(where), "PFX file %s", file);
	else if (o->kind == EP_OBS_CSR)
		snprintf(where, sizeof(where), "request %s", file);
	else if (!o->has_addr)
		snprintf(where, sizeof(where), "(no address):%u", o->port);
	else if (o->family == AF_INET6)
		snprintf(where, sizeof(where), "[%s]:%u", o->addrstr, o->port);
	else
		snprintf(where, sizeof(where), "%s:%u", o->addrstr, o->port);
	fprintf(fp, "  %-22s", where);
}

static void
print_endpoint(FILE *fp, const struct ep_report *r, struct labels *l, size_t i)
{
	const struct ep_report_index	*ix = &r->ix;
	const struct ep_obs		*o = &r->obs->v[i];
	char				 lab[16] = "-";
	size_t				 k;

	if (o->chain_len > 0)
		label_name(label_of(l, o->chain[0]), lab, sizeof(lab));
	print_where(fp, o);
	if (o->status == EP_OBS_OK && o->kind == EP_OBS_LIVE)
		fprintf(fp, " %-7s certificate %-2s", o->tls_version, lab);
	else if (o->status == EP_OBS_OK)
		fprintf(fp, "  certificate %-2s", lab);
	fprintf(fp, " %s\n", upper(ep_severity_status(ix->worst[i])));
	for (k = ix->fstart[i]; k < ix->fstart[i + 1]; k++)
		print_finding(fp, INDENT, &r->findings->v[ix->forder[k]]);
}

static void
print_target(FILE *fp, const struct ep_report *r, struct labels *l, size_t t)
{
	const struct ep_report_index	*ix = &r->ix;
	const struct ep_plan		*plan = r->plan;
	const struct ep_target		*tg = ep_plan_target(plan, t);
	const struct ep_role_rules	*role;
	const struct ep_observations	*o = r->obs;
	const struct ep_port		*ports;
	size_t				 i, k, p, nports;

	role = &ep_plan_profile(plan)->roles[tg->role];
	fputc('\n', fp);
	puts_esc(fp, role->title);
	fprintf(fp, "  %s  (", tg->name);
	puts_esc(fp, tg->source);
	if (!role->probed) {
		fprintf(fp, ")\n  not handshaked: this role's port does not "
		    "speak TLS\n");
		return;
	}
	nports = ep_plan_ports(plan, t, &ports);
	fprintf(fp, "; port%s", nports > 1 ? "s" : "");
	for (p = 0; p < nports; p++)
		fprintf(fp, "%s %u", p ? "," : "", ports[p].port);
	fprintf(fp, ")\n");

	/* Identities first, once each, in the order the endpoints use them. */
	for (k = ix->ostart[t]; k < ix->ostart[t + 1]; k++) {
		size_t	c;
		char	lab[16];

		i = ix->oorder[k];
		if (o->v[i].chain_len == 0)
			continue;
		c = o->v[i].chain[0];
		if (l->shown[c])
			continue;
		l->shown[c] = 1;
		label_name(label_of(l, c), lab, sizeof(lab));
		print_cert(fp, ep_certs_get(o->certs, c), lab, r->at,
		    o->v[i].kind == EP_OBS_CSR);
	}
	for (k = ix->ostart[t]; k < ix->ostart[t + 1]; k++)
		print_endpoint(fp, r, l, ix->oorder[k]);
	/* Only an offline run leaves a name unobserved. */
	if (ix->ostart[t] == ix->ostart[t + 1])
		fprintf(fp, "  not judged on its own: the file is for another "
		    "role\n");
}

#define GROUP_ALL	((size_t)-2)	/* every target, grouped or not */

/* Prints the targets of group g (or all), role by role. */
static void
print_group(FILE *fp, const struct ep_report *r, struct labels *l, size_t g)
{
	const struct ep_report_index	*ix = &r->ix;
	const struct ep_plan		*plan = r->plan;
	size_t				 role, k, t, from = 0;
	size_t				 to = ep_plan_ntargets(plan);

	if (g != GROUP_ALL) {
		if (g == EP_GROUP_NONE)
			g = ix->ngroups;
		from = ix->tstart[g];
		to = ix->tstart[g + 1];
	}
	for (role = 0; role < EP_ROLE__MAX; role++)
		for (k = from; k < to; k++) {
			t = g == GROUP_ALL ? k : ix->torder[k];
			if (ep_plan_target(plan, t)->role == role)
				print_target(fp, r, l, t);
		}
}

/* "1 critical, 2 warning, 3 ok": the counts that are not zero. */
static void
print_counts(FILE *fp, const size_t *count, int ok_too)
{
	static const enum ep_severity	order[] = { EP_SEV_CRITICAL,
					    EP_SEV_WARNING, EP_SEV_UNKNOWN,
					    EP_SEV_INFO, EP_SEV_OK };
	const char			*sep = "";
	size_t				 i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (count[order[i]] == 0 && !(ok_too && order[i] == EP_SEV_OK))
			continue;
		fprintf(fp, "%s%zu %s", sep, count[order[i]],
		    ep_severity_name(order[i]));
		sep = ", ";
	}
}

static void
print_header(FILE *fp, const struct ep_report *r)
{
	const struct ep_plan	*plan = r->plan;
	char			 now[32], at[32];
	size_t			 i, n = ep_plan_nsip_domains(plan);

	ep_time_iso(r->started, now, sizeof(now));
	ep_time_iso(r->at, at, sizeof(at));
	fprintf(fp, "edgeprobe %s - profile ", EP_VERSION);
	puts_esc(fp, ep_plan_profile(plan)->name);
	fprintf(fp, ", %.10s %.5s UTC", now, now + 11);
	if (r->at != r->started)
		fprintf(fp, ", judged as of %.10s %.5s UTC", at, at + 11);
	fputc('\n', fp);
	if (n > 0) {
		fprintf(fp, "SIP domain%s:", n > 1 ? "s" : "");
		for (i = 0; i < n; i++)
			fprintf(fp, " %s", ep_plan_sip_domain(plan, i));
		fputc('\n', fp);
	}
}

/*
 * The last line: the status, then the counts it comes from, so that the
 * two never disagree.
 */
static void
print_summary(FILE *fp, const struct ep_report *r)
{
	const struct ep_summary	*s = &r->sum;

	fprintf(fp, "\n%s: ", s->status == EP_SEV_OK ? "OK" : upper(s->status));
	print_counts(fp, s->count, 1);
	fprintf(fp, " - %zu endpoint%s", s->endpoints,
	    s->endpoints == 1 ? "" : "s");
	if (s->deployment > 0) {
		fprintf(fp, "; %zu deployment finding%s (", s->deployment,
		    s->deployment == 1 ? "" : "s");
		print_counts(fp, s->dcount, 0);
		fputc(')', fp);
	}
	if (s->accepted > 0)
		fprintf(fp, "; %zu accepted", s->accepted);
	fprintf(fp, " in %.2f s\n", r->obs->elapsed_ms / 1000.0);
}

int
ep_report_text(FILE *fp, const struct ep_report *r)
{
	const struct ep_report_index	*ix = &r->ix;
	const struct ep_plan		*plan = r->plan;
	struct labels			 l;
	size_t				 g, i, ng = ep_plan_ngroups(plan);

	memset(&l, 0, sizeof(l));
	l.cert = calloc(ep_certs_count(r->obs->certs) + 1, sizeof(*l.cert));
	l.shown = calloc(ep_certs_count(r->obs->certs) + 1, 1);
	if (l.cert == NULL || l.shown == NULL) {
		free(l.cert);
		free(l.shown);
		return -1;
	}
	print_header(fp, r);
	if (ng < 2)
		print_group(fp, r, &l, GROUP_ALL);
	else {
		/* Each argument on its own: one customer's report per heading. */
		for (g = 0; g < ng; g++) {
			struct ep_group_tally	c;

			ep_report_index_tally(ix, g, &c);
			fprintf(fp, "\n==== ");
			puts_esc(fp, ep_plan_group(plan, g));
			fprintf(fp, ": %s - ", c.worst == EP_SEV_OK ? "OK" :
			    upper(c.worst));
			print_counts(fp, c.count, 1);
			fputc('\n', fp);
			print_group(fp, r, &l, g);
		}
		if (ix->tstart[ng] < ix->tstart[ng + 1]) {
			fprintf(fp, "\n==== named by flags and files\n");
			print_group(fp, r, &l, EP_GROUP_NONE);
		}
	}
	for (i = ix->fstart[ix->nobs]; i < ix->fstart[ix->nobs + 1]; i++) {
		/* Apart from the last endpoint: these concern no endpoint. */
		if (i == ix->fstart[ix->nobs])
			fprintf(fp, "\nDEPLOYMENT\n");
		print_finding(fp, 2, &r->findings->v[ix->forder[i]]);
	}
	print_summary(fp, r);
	free(l.cert);
	free(l.shown);
	return ferror(fp) ? -1 : 0;
}
