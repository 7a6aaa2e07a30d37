/*
 * The JSON report: one document with the plan, every endpoint with its
 * observation and findings, and a summary -- enough to rebuild the text
 * report without probing again.  jansson does the encoding.
 */

#include <arpa/inet.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "input/ep_time.h"
#include "report/ep_escape.h"
#include "report/ep_report.h"
#include "report/ep_version.h"

/*
 * The document's version: fields may be added under one version, never
 * renamed or given another meaning.
 */
#define EP_JSON_SCHEMA	1

static json_t *
jstr(const char *s, size_t len)
{
	return ep_esc_json(s, len);
}

/* A string the program made itself, or that was checked already. */
static json_t *
jtext(const char *s)
{
	return ep_esc_json(s, strlen(s));
}

static json_t *
jtime(time_t t)
{
	char	buf[32];

	ep_time_iso(t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
jhex(const unsigned char sha[32])
{
	char	buf[96];

	ep_cert_hex(sha, buf, sizeof(buf));
	return json_string(buf);
}

/* Adds to an object or array; a NULL value marks the document failed. */
static int
put(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL)
		return -1;
	if (key == NULL)
		return json_array_append_new(obj, v);
	return json_object_set_new(obj, key, v);
}

/*
 * A certificate that does not parse: its fingerprint and why, the fields
 * parsing would give null, so that every chain entry has the same keys.
 */
static json_t *
malformed_json(const struct ep_cert *c)
{
	static const char *const	 none[] = { "subject", "issuer",
					    "serial", "san", "not_before",
					    "not_after", "spki_sha256", "key",
					    "self_signed", "crl_urls",
					    "ocsp_urls", "issuer_urls",
					    "must_staple" };
	json_t				*j = json_object();
	size_t				 i;
	int				 bad = j == NULL;

	for (i = 0; !bad && i < sizeof(none) / sizeof(none[0]); i++)
		bad |= put(j, none[i], json_null());
	if (!bad) {
		bad |= put(j, "sha256", jhex(c->sha256));
		bad |= put(j, "malformed", jstr(c->malformed,
		    strlen(c->malformed)));
	}
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* URLs from a certificate: printable ASCII, kept so by x509. */
static json_t *
urls_json(char *const *v, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; a != NULL && i < n; i++)
		if (put(a, NULL, jstr(v[i], strlen(v[i]))) == -1) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* What the revocation checks of observation i came to. */
static json_t *
revocation_json(const struct ep_report *r, const struct ep_report_index *ix,
    size_t i)
{
	json_t	*a = json_array(), *j;
	size_t	 k;
	int	 bad = a == NULL;

	for (k = ix->rstart[i]; !bad && k < ix->rstart[i + 1]; k++) {
		const struct ep_revcheck *c = &r->revs->v[ix->rorder[k]];

		if ((j = json_object()) == NULL) {
			bad = 1;
			break;
		}
		bad |= put(j, "depth", json_integer((json_int_t)c->depth));
		bad |= put(j, "certificate", jhex(c->cert->sha256));
		bad |= put(j, "method", json_string(
		    ep_rev_method_name(c->method)));
		bad |= put(j, "url", c->url != NULL ? jstr(c->url,
		    strlen(c->url)) : json_null());
		bad |= put(j, "status", json_string(
		    ep_rev_outcome_name(c->outcome)));
		bad |= put(j, "this_update", c->this_update != 0 ?
		    jtime(c->this_update) : json_null());
		bad |= put(j, "next_update", c->next_update != 0 ?
		    jtime(c->next_update) : json_null());
		bad |= put(j, "revoked_at", c->outcome == EP_REVO_REVOKED ?
		    jtime(c->revoked_at) : json_null());
		bad |= put(j, "reason", c->reason[0] != '\0' ?
		    json_string(c->reason) : json_null());
		bad |= put(j, "error", c->why[0] != '\0' ? jstr(c->why,
		    strlen(c->why)) : json_null());
		bad |= put(a, NULL, j);
	}
	if (bad) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *
cert_json(const struct ep_cert *c)
{
	json_t	*j, *san;
	char	 key[48], ip[46];
	size_t	 i;
	int	 bad;

	if (c->malformed[0] != '\0')
		return malformed_json(c);
	j = json_object();
	san = json_array();
	bad = j == NULL || san == NULL;

	for (i = 0; !bad && i < c->nsans; i++) {
		if (c->sans[i].is_ip && (c->sans[i].len == 4 ||
		    c->sans[i].len == 16)) {
			inet_ntop(c->sans[i].len == 4 ? AF_INET : AF_INET6,
			    c->sans[i].value, ip, sizeof(ip));
			bad |= put(san, NULL, json_string(ip));
		} else if (!c->sans[i].is_ip)
			bad |= put(san, NULL, jstr((const char *)c->sans[i].value,
			    c->sans[i].len));
	}
	ep_cert_key_desc(c, key, sizeof(key));
	if (bad) {
		json_decref(san);
		json_decref(j);
		return NULL;
	}
	bad |= put(j, "subject", jstr(c->subject, strlen(c->subject)));
	bad |= put(j, "issuer", jstr(c->issuer, strlen(c->issuer)));
	bad |= put(j, "serial", json_string(c->serial));
	bad |= put(j, "san", san);
	bad |= put(j, "not_before", jtime(c->not_before));
	bad |= put(j, "not_after", jtime(c->not_after));
	bad |= put(j, "sha256", jhex(c->sha256));
	bad |= put(j, "spki_sha256", jhex(c->spki_sha256));
	bad |= put(j, "key", json_string(key));
	bad |= put(j, "self_signed", json_boolean(c->self_signed));
	bad |= put(j, "crl_urls", urls_json(c->crl_urls, c->ncrl_urls));
	bad |= put(j, "ocsp_urls", urls_json(c->ocsp_urls, c->nocsp_urls));
	bad |= put(j, "issuer_urls", urls_json(c->issuer_urls,
	    c->nissuer_urls));
	bad |= put(j, "must_staple", json_boolean(c->must_staple));
	bad |= put(j, "malformed", json_null());
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *
finding_json(const struct ep_observations *obs, const struct ep_finding *f)
{
	json_t	*j = json_object();
	int	 bad = j == NULL;

	if (bad)
		return NULL;
	bad |= put(j, "check", json_string(ep_check_info(f->check)->id));
	bad |= put(j, "severity", json_string(ep_severity_name(f->severity)));
	bad |= put(j, "message", jstr(f->message, strlen(f->message)));
	bad |= put(j, "advice", json_string(ep_report_advice(obs, f)));
	bad |= put(j, "accepted", json_boolean(f->accepted));
	if (f->name[0] != '\0')
		bad |= put(j, "name", jstr(f->name, strlen(f->name)));
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* The findings of observation k; k == ix->nobs: the deployment-level ones. */
static json_t *
findings_of(const struct ep_report *r, const struct ep_report_index *ix,
    size_t k)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = ix->fstart[k]; a != NULL && i < ix->fstart[k + 1]; i++) {
		if (put(a, NULL, finding_json(r->obs,
		    &r->findings->v[ix->forder[i]])) == -1) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *
endpoint_json(const struct ep_report *r, const struct ep_report_index *ix,
    size_t i)
{
	const struct ep_obs	*o = &r->obs->v[i];
	const struct ep_target	*t = ep_plan_target(r->plan, o->target);
	json_t			*j = json_object(), *tls, *chain;
	size_t			 k;
	int			 bad = j == NULL;
	int			 live = o->kind == EP_OBS_LIVE;

	if (bad)
		return NULL;
	bad |= put(j, "kind", json_string(ep_obs_kind_name(o->kind)));
	bad |= put(j, "role", json_string(ep_role_name(t->role)));
	bad |= put(j, "host", json_string(t->name));
	/* A file judged offline has no port, address or SNI. */
	bad |= put(j, "port", live ? json_integer(o->port) : json_null());
	bad |= put(j, "address", o->has_addr ? json_string(o->addrstr) :
	    json_null());
	bad |= put(j, "sni", live ? json_string(t->name) : json_null());
	bad |= put(j, "file", live ? json_null() :
	    jstr(o->file, strlen(o->file)));
	if (o->kind == EP_OBS_PFX) {
		bad |= put(j, "key_present", json_boolean(o->has_key));
		bad |= put(j, "key_matches", json_boolean(o->key_matches));
	}
	bad |= put(j, "source", jtext(t->source));
	bad |= put(j, "target", t->group == EP_GROUP_NONE ? json_null() :
	    jtext(ep_plan_group(r->plan, t->group)));
	bad |= put(j, "status",
	    json_string(ep_severity_name(ep_severity_status(ix->worst[i]))));
	bad |= put(j, "probe", json_string(ep_obs_status_name(o->status)));
	if (o->error[0] != '\0')
		bad |= put(j, "error", jstr(o->error, strlen(o->error)));
	bad |= put(j, "elapsed_ms", json_integer(o->elapsed_ms));
	if (o->status == EP_OBS_OK && live) {
		tls = json_object();
		bad |= tls == NULL;
		if (tls != NULL) {
			bad |= put(tls, "version", jtext(o->tls_version));
			bad |= put(tls, "cipher", jtext(o->cipher));
			bad |= put(tls, "client_cert_requested",
			    json_boolean(o->client_cert_requested));
		}
		bad |= put(j, "tls", tls);
	} else
		bad |= put(j, "tls", json_null());
	chain = json_array();
	for (k = 0; chain != NULL && k < o->chain_len; k++)
		bad |= put(chain, NULL, cert_json(ep_certs_get(r->obs->certs,
		    o->chain[k])));
	bad |= put(j, "chain", chain);
	bad |= put(j, "leaf", o->chain_len > 0 ? json_integer((json_int_t)
	    o->leaf) : json_null());
	bad |= put(j, "revocation", ix->rstart != NULL ?
	    revocation_json(r, ix, i) : json_array());
	bad |= put(j, "findings", findings_of(r, ix, i));
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* A list of the plan's names: n of them, name(plan, i) each. */
static json_t *
names_json(const struct ep_plan *plan, size_t n,
    const char *(*name)(const struct ep_plan *, size_t))
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; a != NULL && i < n; i++) {
		if (put(a, NULL, jtext(name(plan, i))) == -1) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *
plan_json(const struct ep_plan *plan)
{
	json_t	*j = json_object(), *targets = json_array();
	size_t	 i, p;
	int	 bad = j == NULL || targets == NULL;

	for (i = 0; !bad && i < ep_plan_ntargets(plan); i++) {
		const struct ep_target	*t = ep_plan_target(plan, i);
		json_t			*o = json_object(), *ports = json_array();
		const struct ep_port	*pp;
		size_t			 np = ep_plan_ports(plan, i, &pp);

		bad |= o == NULL || ports == NULL;
		for (p = 0; !bad && ep_plan_profile(plan)->roles[t->role].probed &&
		    p < np; p++)
			bad |= put(ports, NULL, json_integer(pp[p].port));
		if (o != NULL) {
			bad |= put(o, "role", json_string(ep_role_name(t->role)));
			bad |= put(o, "name", jtext(t->name));
			bad |= put(o, "source", jtext(t->source));
			bad |= put(o, "ports", ports);
			ports = NULL;
		}
		json_decref(ports);
		bad |= put(targets, NULL, o);
	}
	if (bad) {
		json_decref(targets);
		json_decref(j);
		return NULL;
	}
	bad |= put(j, "profile", jtext(ep_plan_profile(plan)->name));
	bad |= put(j, "sip_domains", names_json(plan,
	    ep_plan_nsip_domains(plan), ep_plan_sip_domain));
	bad |= put(j, "published", names_json(plan, ep_plan_npublished(plan),
	    ep_plan_published));
	bad |= put(j, "accepted", names_json(plan, ep_plan_naccepts(plan),
	    ep_plan_accept));
	bad |= put(j, "targets", targets);
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* One summary per argument (SIP domain or host), each judged alone. */
static json_t *
targets_json(const struct ep_report *r, const struct ep_report_index *ix)
{
	json_t	*a = json_array();
	size_t	 g;

	for (g = 0; a != NULL && g < ep_plan_ngroups(r->plan); g++) {
		struct ep_group_tally	 c;
		json_t			*o = json_object();
		int			 bad = o == NULL;

		ep_report_index_tally(ix, g, &c);
		if (o != NULL) {
			bad |= put(o, "name", jtext(ep_plan_group(r->plan, g)));
			bad |= put(o, "status",
			    json_string(ep_severity_name(c.worst)));
			bad |= put(o, "endpoints", json_integer((json_int_t)c.n));
			bad |= put(o, "ok",
			    json_integer((json_int_t)c.count[EP_SEV_OK]));
			bad |= put(o, "warning",
			    json_integer((json_int_t)c.count[EP_SEV_WARNING]));
			bad |= put(o, "critical",
			    json_integer((json_int_t)c.count[EP_SEV_CRITICAL]));
			bad |= put(o, "unknown",
			    json_integer((json_int_t)c.count[EP_SEV_UNKNOWN]));
		}
		if (bad) {
			json_decref(o);
			json_decref(a);
			return NULL;
		}
		/* Appending takes o over, even when it fails. */
		if (put(a, NULL, o) == -1) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static const char *
dns_status(enum ep_dns_status st)
{
	static const char	*names[] = {
		[EP_DNS_ANSWERED] = "answered",
		[EP_DNS_NONE] = "none",
		[EP_DNS_FAILED] = "failed",
		[EP_DNS_LATE] = "late",
		[EP_DNS_INTERRUPTED] = "interrupted",
	};

	return names[st];
}

/* One lookup of discovery and what it answered. */
static json_t *
lookup_json(const struct ep_discovery *dc, int c, int rec)
{
	const struct ep_dns_answer	*a = &dc->answer[c][rec];
	json_t				*j = json_object(), *v = json_array();
	char				 q[EP_DISC_QNAME_MAX + 1], ip[46];
	size_t				 i;
	int				 bad = j == NULL || v == NULL;

	ep_disc_qname(rec, dc->domain[c], q, sizeof(q));
	for (i = 0; !bad && i < a->n; i++) {
		if (ep_disc_record(rec)->srv) {
			json_t	*o = json_object();

			bad |= o == NULL;
			if (o != NULL) {
				bad |= put(o, "target", jtext(a->srv[i].target));
				bad |= put(o, "port",
				    json_integer(a->srv[i].port));
				bad |= put(o, "priority",
				    json_integer(a->srv[i].priority));
				bad |= put(o, "weight",
				    json_integer(a->srv[i].weight));
			}
			bad |= put(v, NULL, o);
		} else {
			inet_ntop(a->addrs[i].family, a->addrs[i].addr, ip,
			    sizeof(ip));
			bad |= put(v, NULL, json_string(ip));
		}
	}
	if (!bad) {
		bad |= put(j, "name", jtext(q));
		bad |= put(j, "type", json_string(ep_disc_record(rec)->srv ?
		    "SRV" : "A/AAAA"));
		bad |= put(j, "status", json_string(dns_status(a->st)));
		if (a->error[0] != '\0')
			bad |= put(j, "error", jtext(a->error));
		bad |= put(j, ep_disc_record(rec)->srv ? "records" :
		    "addresses", v);
		v = NULL;
	}
	json_decref(v);
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* What discovery saw for each name: its lookups and the SIP domain. */
static json_t *
discovery_json(const struct ep_report *r)
{
	const struct ep_observations	*o = r->obs;
	json_t				*a = json_array();
	size_t				 k;
	int				 c, rec, bad = a == NULL;

	for (k = 0; !bad && k < o->ndisc; k++) {
		const struct ep_discovery	*dc = &o->disc[k];
		json_t				*d = json_object();
		json_t				*l = json_array();

		bad |= d == NULL || l == NULL;
		for (c = 0; !bad && c < EP_DISC_CANDIDATES; c++)
			for (rec = 0; !bad && dc->domain[c][0] != '\0' &&
			    rec < EP_DISC__MAX; rec++)
				bad |= put(l, NULL, lookup_json(dc, c, rec));
		if (!bad) {
			bad |= put(d, "name", jtext(dc->domain[0]));
			bad |= put(d, "target",
			    jtext(ep_plan_group(r->plan, dc->group)));
			bad |= put(d, "sip_domain", dc->chosen == -1 ?
			    json_null() : jtext(dc->domain[dc->chosen]));
			bad |= put(d, "lookups", l);
			l = NULL;
		}
		json_decref(l);
		bad |= put(a, NULL, d);
	}
	if (bad) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* The counts of the summary: by status, and the deployment's by severity. */
static json_t *
summary_json(const struct ep_report *r, const struct ep_summary *s)
{
	json_t			*j = json_object(), *d = json_object();
	int			 bad = j == NULL || d == NULL;

	if (!bad) {
		bad |= put(j, "endpoints", json_integer((json_int_t)s->endpoints));
		bad |= put(j, "ok",
		    json_integer((json_int_t)s->count[EP_SEV_OK]));
		bad |= put(j, "warning",
		    json_integer((json_int_t)s->count[EP_SEV_WARNING]));
		bad |= put(j, "critical",
		    json_integer((json_int_t)s->count[EP_SEV_CRITICAL]));
		bad |= put(j, "unknown",
		    json_integer((json_int_t)s->count[EP_SEV_UNKNOWN]));
		bad |= put(j, "findings", json_integer((json_int_t)s->findings));
		bad |= put(j, "accepted", json_integer((json_int_t)s->accepted));
		bad |= put(d, "findings",
		    json_integer((json_int_t)s->deployment));
		bad |= put(d, "info",
		    json_integer((json_int_t)s->dcount[EP_SEV_INFO]));
		bad |= put(d, "warning",
		    json_integer((json_int_t)s->dcount[EP_SEV_WARNING]));
		bad |= put(d, "critical",
		    json_integer((json_int_t)s->dcount[EP_SEV_CRITICAL]));
		bad |= put(d, "unknown",
		    json_integer((json_int_t)s->dcount[EP_SEV_UNKNOWN]));
		bad |= put(j, "deployment", d);
		d = NULL;
		bad |= put(j, "elapsed_ms", json_integer(r->obs->elapsed_ms));
	}
	json_decref(d);
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

int
ep_report_json(FILE *fp, const struct ep_report *r)
{
	json_t	*doc = json_object(), *eps = json_array();
	size_t	 i;
	int	 bad = doc == NULL || eps == NULL, ret = -1;

	for (i = 0; !bad && i < r->obs->n; i++)
		bad |= put(eps, NULL, endpoint_json(r, &r->ix, i));
	if (bad) {
		json_decref(eps);
		goto out;
	}
	bad |= put(doc, "schema_version", json_integer(EP_JSON_SCHEMA));
	bad |= put(doc, "edgeprobe", json_string(EP_VERSION));
	bad |= put(doc, "time", jtime(r->started));
	bad |= put(doc, "at", jtime(r->at));
	bad |= put(doc, "status", json_string(ep_severity_name(r->sum.status)));
	bad |= put(doc, "exit_code",
	    json_integer(ep_severity_exit_code(r->sum.status)));
	bad |= put(doc, "interrupted", ep_report_interrupted(r->obs) != NULL ?
	    json_string(ep_report_interrupted(r->obs)) : json_null());
	bad |= put(doc, "plan", plan_json(r->plan));
	bad |= put(doc, "discovery", discovery_json(r));
	bad |= put(doc, "endpoints", eps);
	bad |= put(doc, "findings", findings_of(r, &r->ix, r->ix.nobs));
	bad |= put(doc, "summary", summary_json(r, &r->sum));
	bad |= put(doc, "targets", targets_json(r, &r->ix));
	/*
	 * ASCII only: a control character from a certificate is written
	 * escaped (\u001b).
	 */
	if (bad || json_dumpf(doc, fp, JSON_INDENT(2) | JSON_ENSURE_ASCII) == -1)
		goto out;
	fputc('\n', fp);
	ret = ferror(fp) ? -1 : 0;
out:
	json_decref(doc);
	return ret;
}

/* Writes one object a line, ASCII only: a reader takes it line by line. */
static int
line(FILE *fp, json_t *j)
{
	int	ret;

	ret = j == NULL || json_dumpf(j, fp, JSON_COMPACT |
	    JSON_ENSURE_ASCII) == -1 || fputc('\n', fp) == EOF ? -1 : 0;
	json_decref(j);
	return ret;
}

/* o, "type" first: a reader picks objects by it. */
static json_t *
typed(const char *type, json_t *o)
{
	json_t	*j;

	if (o == NULL)
		return NULL;
	if ((j = json_object()) == NULL ||
	    json_object_set_new(j, "type", json_string(type)) == -1 ||
	    json_object_update(j, o) == -1) {
		json_decref(j);
		j = NULL;
	}
	json_decref(o);
	return j;
}

int
ep_report_jsonl_endpoints(FILE *fp, const struct ep_report *r)
{
	size_t	i;

	for (i = 0; i < r->obs->n; i++) {
		/* Quiet: what is wrong only. */
		if (r->quiet &&
		    ep_severity_status(r->ix.worst[i]) == EP_SEV_OK)
			continue;
		if (line(fp, typed("endpoint", endpoint_json(r, &r->ix,
		    i))) == -1)
			return -1;
	}
	return ferror(fp) ? -1 : 0;
}

int
ep_report_jsonl_summary(FILE *fp, const struct ep_report *r,
    const struct ep_summary *total)
{
	json_t	*doc = json_object();
	int	 bad = doc == NULL;

	bad |= put(doc, "type", json_string("summary"));
	bad |= put(doc, "schema_version", json_integer(EP_JSON_SCHEMA));
	bad |= put(doc, "edgeprobe", json_string(EP_VERSION));
	bad |= put(doc, "time", jtime(r->started));
	bad |= put(doc, "at", jtime(r->at));
	bad |= put(doc, "status", json_string(ep_severity_name(total->status)));
	bad |= put(doc, "exit_code",
	    json_integer(ep_severity_exit_code(total->status)));
	bad |= put(doc, "interrupted", ep_report_interrupted(r->obs) != NULL ?
	    json_string(ep_report_interrupted(r->obs)) : json_null());
	bad |= put(doc, "discovery", discovery_json(r));
	bad |= put(doc, "findings", findings_of(r, &r->ix, r->ix.nobs));
	bad |= put(doc, "summary", summary_json(r, total));
	if (bad) {
		json_decref(doc);
		return -1;
	}
	if (line(fp, doc) == -1)
		return -1;
	return ferror(fp) ? -1 : 0;
}
