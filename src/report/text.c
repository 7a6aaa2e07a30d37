/*
 * The text report, for a person at a terminal: is anything wrong, where,
 * why it matters, what to do.  Grouped role -> name -> address, one block
 * per finding, each distinct certificate described once.
 */

#include <arpa/inet.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/ep_report.h"
#include "report/ep_report_index.h"
#include "input/ep_time.h"
#include "ep_version.h"

#define WRAP		78	/* columns of a finding's text */
#define INDENT		8	/* a finding's text starts here */
#define LABELS_MAX	(26 * 27)	/* A..Z, AA..ZZ; then by number */

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

/* Prints text wrapped at WRAP columns, every line indented. */
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

/* Prints a string that may hold control bytes from a certificate. */
static void
put_safe(FILE *fp, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\x%02x", c);
		else
			fputc(c, fp);
	}
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
		put_safe(fp, c->cn, c->cn_len);
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
			put_safe(fp, (const char *)c->sans[i].value,
			    c->sans[i].len);
	}
	fputc('\n', fp);
	ep_time_iso(c->not_after, date, sizeof(date));
	if (request)
		fprintf(fp, "                 requested, not issued yet\n");
	else {
		fprintf(fp, "                 issuer ");
		put_safe(fp, c->issuer, strlen(c->issuer));
		fprintf(fp, ", expires %.10s (%lld days)\n", date,
		    ((long long)c->not_after - at) / 86400);
	}
	ep_cert_key_desc(c, key, sizeof(key));
	ep_cert_hex(c->spki_sha256, hex, sizeof(hex));
	fprintf(fp, "                 key %s, SPKI sha256 %.8s...%s\n", key, hex,
	    hex + strlen(hex) - 5);
}

static const char *
upper(enum ep_severity s)
{
	static const char	*names[] = { "ok", "INFO", "WARNING", "CRITICAL", "UNKNOWN" };

	return names[s];
}

static void
print_endpoint(FILE *fp, const struct ep_report *r,
    const struct ep_report_index *ix, struct labels *l, size_t i)
{
	const struct ep_obs	*o = &r->obs->v[i];
	const struct ep_findings *f = r->findings;
	enum ep_severity	 worst = ix->worst[i];
	char			 where[sizeof(o->file) + 64], lab[16] = "-";
	size_t			 k;

	/* A file judged offline stands where the address would. */
	if (o->kind == EP_OBS_CHAIN)
		snprintf(where, sizeof(where), "chain file %s", o->file);
	else if (o->kind == EP_OBS_PFX)
		snprintf(where, sizeof(where), "PFX file %s (%s)", o->file,
		    !o->has_key ? "no key" : o->key_matches ?
		    "key present, matches" : "key present, does not match");
	else if (o->kind == EP_OBS_CSR)
		snprintf(where, sizeof(where), "request %s", o->file);
	else if (!o->has_addr)
		snprintf(where, sizeof(where), "(no address):%u", o->port);
	else if (o->family == AF_INET6)
		snprintf(where, sizeof(where), "[%s]:%u", o->addrstr, o->port);
	else
		snprintf(where, sizeof(where), "%s:%u", o->addrstr, o->port);
	if (o->chain_len > 0)
		label_name(label_of(l, o->chain[0]), lab, sizeof(lab));
	fprintf(fp, "  %-22s", where);
	if (o->status == EP_OBS_OK && o->kind == EP_OBS_LIVE)
		fprintf(fp, " %-7s certificate %-2s", o->tls_version, lab);
	else if (o->status == EP_OBS_OK)
		fprintf(fp, "  certificate %-2s", lab);
	fprintf(fp, " %s\n", upper(worst));
	for (k = ix->fstart[i]; k < ix->fstart[i + 1]; k++) {
		const struct ep_finding	*x = &f->v[ix->forder[k]];
		char			 text[EP_FINDING_MSG_MAX + 640];

		snprintf(text, sizeof(text), "%s %s: %s. To fix: %s.",
		    upper(x->severity), ep_check_info(x->check)->id, x->message,
		    ep_check_info(x->check)->advice);
		wrap(fp, INDENT, text);
	}
}

static void
print_target(FILE *fp, const struct ep_report *r,
    const struct ep_report_index *ix, struct labels *l, size_t t)
{
	const struct ep_plan		*plan = r->plan;
	const struct ep_target		*tg = &plan->targets[t];
	const struct ep_role_rules	*role = &plan->profile->roles[tg->role];
	const struct ep_observations	*o = r->obs;
	const struct ep_port		*ports;
	size_t				 i, k, p, nports;

	fprintf(fp, "\n%s  %s  (%s", role->title, tg->name, tg->source);
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
		print_endpoint(fp, r, ix, l, ix->oorder[k]);
	/* Only an offline run leaves a name unobserved. */
	if (ix->ostart[t] == ix->ostart[t + 1])
		fprintf(fp, "  not judged on its own: the file is for another "
		    "role\n");
}

#define GROUP_ALL	((size_t)-2)	/* every target, grouped or not */

/* Prints the targets of group g (or all), role by role. */
static void
print_group(FILE *fp, const struct ep_report *r,
    const struct ep_report_index *ix, struct labels *l, size_t g,
    int *any_edge, int *webcon)
{
	const struct ep_plan	*plan = r->plan;
	size_t			 role, k, t, from = 0, to = plan->ntargets;

	if (g != GROUP_ALL) {
		if (g == EP_GROUP_NONE)
			g = ix->ngroups;
		from = ix->tstart[g];
		to = ix->tstart[g + 1];
	}
	for (role = 0; role < EP_ROLE__MAX; role++) {
		for (k = from; k < to; k++) {
			t = g == GROUP_ALL ? k : ix->torder[k];
			if (plan->targets[t].role != role)
				continue;
			if (role == EP_ROLE_ACCESS)
				*any_edge = 1;
			if (role == EP_ROLE_WEBCON)
				*webcon = 1;
			print_target(fp, r, ix, l, t);
		}
	}
}

enum ep_severity
ep_report_status(const struct ep_report *r)
{
	return ep_findings_worst(r->findings);
}

int
ep_report_text(FILE *fp, const struct ep_report *r)
{
	const struct ep_plan	*plan = r->plan;
	struct labels		 l;
	struct ep_report_index	 ix;
	enum ep_severity	 st = ep_report_status(r);
	size_t			 g, i, ncrit = 0, nwarn = 0, nok = 0, ndep = 0;
	int			 any_edge = 0, webcon = 0;
	char			 now[32], at[32];

	memset(&l, 0, sizeof(l));
	l.cert = calloc(ep_certs_count(r->obs->certs) + 1, sizeof(*l.cert));
	l.shown = calloc(ep_certs_count(r->obs->certs) + 1, 1);
	if (l.cert == NULL || l.shown == NULL ||
	    ep_report_index_build(&ix, r) == -1) {
		free(l.cert);
		free(l.shown);
		return -1;
	}
	ep_time_iso(r->started, now, sizeof(now));
	ep_time_iso(r->at, at, sizeof(at));
	fprintf(fp, "edgeprobe %s - profile %s, %.10s %.5s UTC", EP_VERSION,
	    plan->profile->name, now, now + 11);
	if (r->at != r->started)
		fprintf(fp, ", judged as of %.10s %.5s UTC", at, at + 11);
	fputc('\n', fp);
	if (plan->nsip_domains > 0) {
		fprintf(fp, "SIP domain%s:", plan->nsip_domains > 1 ? "s" : "");
		for (i = 0; i < plan->nsip_domains; i++)
			fprintf(fp, " %s", plan->sip_domains[i]);
		fputc('\n', fp);
	}
	if (plan->ngroups < 2)
		print_group(fp, r, &ix, &l, GROUP_ALL, &any_edge, &webcon);
	else {
		/* Each argument on its own: one customer's report per heading. */
		for (g = 0; g < plan->ngroups; g++) {
			struct ep_group_tally	c;

			ep_report_index_tally(&ix, g, &c);
			/* An unknown endpoint counts as critical, as below. */
			fprintf(fp, "\n==== %s: %s - %zu critical, %zu warning, "
			    "%zu ok\n", plan->groups[g], c.worst == EP_SEV_OK ?
			    "OK" : upper(c.worst), c.count[EP_SEV_CRITICAL] +
			    c.count[EP_SEV_UNKNOWN], c.count[EP_SEV_WARNING],
			    c.count[EP_SEV_OK]);
			print_group(fp, r, &ix, &l, g, &any_edge, &webcon);
		}
		if (ix.tstart[plan->ngroups] < ix.tstart[plan->ngroups + 1]) {
			fprintf(fp, "\n==== named by flags and files\n");
			print_group(fp, r, &ix, &l, EP_GROUP_NONE, &any_edge,
			    &webcon);
		}
	}
	if (any_edge && !webcon)
		fprintf(fp, "\n%s  not checked: not in DNS; give --webcon "
		    "FQDN or -f FILE\n",
		    plan->profile->roles[EP_ROLE_WEBCON].title);
	for (i = ix.fstart[ix.nobs]; i < ix.fstart[ix.nobs + 1]; i++) {
		const struct ep_finding	*x = &r->findings->v[ix.forder[i]];
		char			 text[EP_FINDING_MSG_MAX + 640];

		/* Apart from the last endpoint: these concern no endpoint. */
		if (ndep++ == 0)
			fprintf(fp, "\nDEPLOYMENT\n");
		snprintf(text, sizeof(text), "%s %s: %s. To fix: %s.",
		    upper(x->severity), ep_check_info(x->check)->id, x->message,
		    ep_check_info(x->check)->advice);
		wrap(fp, 2, text);
	}
	for (i = 0; i < r->obs->n; i++) {
		switch (ix.worst[i]) {
		case EP_SEV_OK:
			nok++;
			break;
		case EP_SEV_WARNING:
			nwarn++;
			break;
		default:
			ncrit++;
			break;
		}
	}
	fprintf(fp, "\n%s: %zu critical, %zu warning, %zu ok - %zu endpoint%s",
	    st == EP_SEV_OK ? "OK" : upper(st), ncrit, nwarn, nok, r->obs->n,
	    r->obs->n == 1 ? "" : "s");
	if (ndep > 0)
		fprintf(fp, ", %zu deployment finding%s", ndep,
		    ndep == 1 ? "" : "s");
	fprintf(fp, " in %.2f s\n", r->obs->elapsed_ms / 1000.0);
	ep_report_index_free(&ix);
	free(l.cert);
	free(l.shown);
	return ferror(fp) ? -1 : 0;
}
