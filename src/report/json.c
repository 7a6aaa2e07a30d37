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

#include "report/ep_report.h"
#include "report/ep_report_index.h"
#include "input/ep_time.h"
#include "ep_version.h"

/*
 * Certificate strings come from the network and need not be UTF-8, which
 * jansson requires: bytes that do not decode are replaced by U+FFFD.
 */
static json_t *
jstr(const char *s, size_t len)
{
	json_t		*j;
	char		*buf;
	size_t		 i, o = 0;

	if ((j = json_stringn(s, len)) != NULL)
		return j;
	if ((buf = malloc(len * 3 + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c < 0x80)
			buf[o++] = (char)c;
		else {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
		}
	}
	j = json_stringn(buf, o);
	free(buf);
	return j;
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

static json_t *
cert_json(const struct ep_cert *c)
{
	json_t	*j = json_object(), *san = json_array();
	char	 key[48], ip[46];
	size_t	 i;
	int	 bad = j == NULL || san == NULL;

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
	bad |= put(j, "san", san);
	bad |= put(j, "not_before", jtime(c->not_before));
	bad |= put(j, "not_after", jtime(c->not_after));
	bad |= put(j, "sha256", jhex(c->sha256));
	bad |= put(j, "spki_sha256", jhex(c->spki_sha256));
	bad |= put(j, "key", json_string(key));
	bad |= put(j, "self_signed", json_boolean(c->self_signed));
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *
finding_json(const struct ep_finding *f)
{
	json_t	*j = json_object();
	int	 bad = j == NULL;

	if (bad)
		return NULL;
	bad |= put(j, "check", json_string(ep_check_info(f->check)->id));
	bad |= put(j, "severity", json_string(ep_severity_name(f->severity)));
	bad |= put(j, "message", jstr(f->message, strlen(f->message)));
	bad |= put(j, "advice", json_string(ep_check_info(f->check)->advice));
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
		if (put(a, NULL, finding_json(&r->findings->v[ix->forder[i]])) ==
		    -1) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static const char *
obs_status(enum ep_obs_status s)
{
	static const char	*names[] = {
		[EP_OBS_OK] = "ok",
		[EP_OBS_NO_ADDRESS] = "no-address",
		[EP_OBS_CONNECT_FAILED] = "connect-failed",
		[EP_OBS_TIMEOUT] = "timeout",
		[EP_OBS_HANDSHAKE_FAILED] = "handshake-failed",
	};

	return names[s];
}

static const char *
obs_kind(enum ep_obs_kind k)
{
	static const char	*names[] = {
		[EP_OBS_LIVE] = "live",
		[EP_OBS_CHAIN] = "chain",
		[EP_OBS_PFX] = "pfx",
		[EP_OBS_CSR] = "csr",
	};

	return names[k];
}

static json_t *
endpoint_json(const struct ep_report *r, const struct ep_report_index *ix,
    size_t i)
{
	const struct ep_obs	*o = &r->obs->v[i];
	const struct ep_target	*t = &r->plan->targets[o->target];
	json_t			*j = json_object(), *tls, *chain;
	size_t			 k;
	int			 bad = j == NULL;
	int			 live = o->kind == EP_OBS_LIVE;

	if (bad)
		return NULL;
	bad |= put(j, "kind", json_string(obs_kind(o->kind)));
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
	bad |= put(j, "source", json_string(t->source));
	bad |= put(j, "target", t->group == EP_GROUP_NONE ? json_null() :
	    json_string(r->plan->groups[t->group]));
	bad |= put(j, "status", json_string(ep_severity_name(ix->worst[i])));
	bad |= put(j, "probe", json_string(obs_status(o->status)));
	if (o->error[0] != '\0')
		bad |= put(j, "error", jstr(o->error, strlen(o->error)));
	bad |= put(j, "elapsed_ms", json_integer(o->elapsed_ms));
	if (o->status == EP_OBS_OK && live) {
		tls = json_object();
		bad |= tls == NULL;
		if (tls != NULL) {
			bad |= put(tls, "version", json_string(o->tls_version));
			bad |= put(tls, "cipher", json_string(o->cipher));
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
	bad |= put(j, "findings", findings_of(r, ix, i));
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *
names_json(char *const *v, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; a != NULL && i < n; i++) {
		if (put(a, NULL, json_string(v[i])) == -1) {
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

	for (i = 0; !bad && i < plan->ntargets; i++) {
		const struct ep_target	*t = &plan->targets[i];
		json_t			*o = json_object(), *ports = json_array();

		bad |= o == NULL || ports == NULL;
		const struct ep_port	*pp;
		size_t			 np = ep_plan_ports(plan, i, &pp);

		for (p = 0; !bad && plan->profile->roles[t->role].probed &&
		    p < np; p++)
			bad |= put(ports, NULL, json_integer(pp[p].port));
		if (o != NULL) {
			bad |= put(o, "role", json_string(ep_role_name(t->role)));
			bad |= put(o, "name", json_string(t->name));
			bad |= put(o, "source", json_string(t->source));
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
	bad |= put(j, "profile", json_string(plan->profile->name));
	bad |= put(j, "sip_domains", names_json(plan->sip_domains,
	    plan->nsip_domains));
	bad |= put(j, "published", names_json(plan->published,
	    plan->npublished));
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

	for (g = 0; a != NULL && g < r->plan->ngroups; g++) {
		struct ep_group_tally	 c;
		json_t			*o = json_object();
		int			 bad = o == NULL;

		ep_report_index_tally(ix, g, &c);
		if (o != NULL) {
			bad |= put(o, "name", jstr(r->plan->groups[g],
			    strlen(r->plan->groups[g])));
			bad |= put(o, "status",
			    json_string(ep_severity_name(c.worst)));
			bad |= put(o, "endpoints", json_integer((json_int_t)c.n));
			bad |= put(o, "ok",
			    json_integer((json_int_t)c.count[EP_SEV_OK]));
			bad |= put(o, "warning",
			    json_integer((json_int_t)c.count[EP_SEV_WARNING]));
			bad |= put(o, "critical",
			    json_integer((json_int_t)c.count[EP_SEV_CRITICAL]));
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

int
ep_report_json(FILE *fp, const struct ep_report *r)
{
	json_t			*doc = json_object(), *eps = json_array(), *sum;
	struct ep_report_index	 ix;
	enum ep_severity	 st = ep_report_status(r);
	size_t			 i, count[EP_SEV_UNKNOWN + 1] = { 0 };
	int			 bad = doc == NULL || eps == NULL, ret = -1;

	if (ep_report_index_build(&ix, r) == -1) {
		json_decref(eps);
		json_decref(doc);
		return -1;
	}
	for (i = 0; !bad && i < r->obs->n; i++) {
		count[ix.worst[i]]++;
		bad |= put(eps, NULL, endpoint_json(r, &ix, i));
	}
	if (bad) {
		json_decref(eps);
		goto out;
	}
	bad |= put(doc, "edgeprobe", json_string(EP_VERSION));
	bad |= put(doc, "time", jtime(r->started));
	bad |= put(doc, "at", jtime(r->at));
	bad |= put(doc, "status", json_string(ep_severity_name(st)));
	bad |= put(doc, "exit_code", json_integer(ep_severity_exit_code(st)));
	bad |= put(doc, "plan", plan_json(r->plan));
	bad |= put(doc, "endpoints", eps);
	bad |= put(doc, "findings", findings_of(r, &ix, ix.nobs));
	sum = json_object();
	if (sum != NULL) {
		bad |= put(sum, "endpoints", json_integer((json_int_t)r->obs->n));
		bad |= put(sum, "ok", json_integer((json_int_t)count[EP_SEV_OK]));
		bad |= put(sum, "warning",
		    json_integer((json_int_t)count[EP_SEV_WARNING]));
		bad |= put(sum, "critical",
		    json_integer((json_int_t)count[EP_SEV_CRITICAL]));
		bad |= put(sum, "findings",
		    json_integer((json_int_t)r->findings->n));
		bad |= put(sum, "elapsed_ms", json_integer(r->obs->elapsed_ms));
	}
	bad |= put(doc, "summary", sum);
	bad |= put(doc, "targets", targets_json(r, &ix));
	if (bad || json_dumpf(doc, fp, JSON_INDENT(2)) == -1)
		goto out;
	fputc('\n', fp);
	ret = ferror(fp) ? -1 : 0;
out:
	ep_report_index_free(&ix);
	json_decref(doc);
	return ret;
}
