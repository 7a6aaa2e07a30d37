/* The judging rig of the fuzz targets (see judge.h). */


#include <arpa/inet.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <jansson.h>

#include "input/ep_plan.h"
#include "input/ep_profile.h"
#include "judge/ep_rules.h"
#include "report/ep_nagios.h"
#include "report/ep_report.h"
#include "report/ep_state_out.h"
#include "x509/ep_names.h"
#include "x509/ep_trust.h"

#include "fuzz.h"
#include "judge.h"

struct fuzz_rig {
	struct ep_profile	*profile;
	struct ep_plan		*plan;
	struct ep_trust		*trust;
	struct ep_names		*names;
};

static void
add_target(struct fuzz_rig *r, enum ep_role role, const char *name)
{
	char	err[512];

	if (ep_plan_add_target(r->plan, role, name, "fuzz", err,
	    sizeof(err)) == -1)
		fuzz_fail("%s: %s", name, err);
}

const struct fuzz_rig *
fuzz_rig(void)
{
	static struct fuzz_rig	 rig;
	static int		 made;
	char			 err[1024], internal[4096];

	if (made)
		return &rig;
	if (ep_profile_load("lync2013", &rig.profile, err, sizeof(err)) == -1)
		fuzz_fail("lync2013: %s", err);
	if ((rig.plan = ep_plan_new(rig.profile)) == NULL)
		fuzz_fail("out of memory");
	if (ep_plan_add_sip_domain(rig.plan, "contoso.example", err,
	    sizeof(err)) == -1 || ep_plan_add_sip_domain(rig.plan,
	    "fabrikam.example", err, sizeof(err)) == -1)
		fuzz_fail("SIP domains: %s", err);
	add_target(&rig, EP_ROLE_ACCESS, "access.contoso.example");
	add_target(&rig, EP_ROLE_WEBCON, "webcon.contoso.example");
	/* fuzz_fixture's buffer is reused: the first path is copied out. */
	snprintf(internal, sizeof(internal), "%s",
	    fuzz_fixture("internal-root.pem"));
	if (ep_trust_new(&rig.trust, fuzz_fixture("public-root.pem"),
	    internal, err, sizeof(err)) == -1)
		fuzz_fail("anchors: %s", err);
	if (ep_names_new(&rig.names, NULL, err, sizeof(err)) == -1)
		fuzz_fail("names: %s", err);
	made = 1;
	return &rig;
}

const struct ep_plan *
fuzz_rig_plan(const struct fuzz_rig *r)
{
	return r->plan;
}

const struct ep_trust *
fuzz_rig_trust(const struct fuzz_rig *r)
{
	return r->trust;
}

void
fuzz_add_live(struct ep_observations *o, const size_t *chain, size_t n)
{
	struct ep_obs	obs;

	memset(&obs, 0, sizeof(obs));
	obs.kind = EP_OBS_LIVE;
	obs.target = 0;		/* access.contoso.example */
	obs.port = 443;
	obs.has_addr = 1;
	obs.family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", obs.addr);
	snprintf(obs.addrstr, sizeof(obs.addrstr), "192.0.2.1");
	obs.status = EP_OBS_OK;
	snprintf(obs.tls_version, sizeof(obs.tls_version), "TLS1.3");
	obs.tls_proto = GNUTLS_TLS1_3;
	snprintf(obs.cipher, sizeof(obs.cipher), "TLS_AES_128_GCM_SHA256");
	if (n > EP_CHAIN_MAX)
		n = EP_CHAIN_MAX;
	memcpy(obs.chain, chain, n * sizeof(*chain));
	obs.chain_len = n;
	if (ep_observations_add(o, &obs) == (size_t)-1)
		fuzz_fail("out of memory");
}

size_t
fuzz_add_fixture(struct ep_certs *s, const char *name)
{
	char	err[1024];
	size_t	idx;

	if (ep_certs_load_file(s, fuzz_fixture(name), &idx, 1, err,
	    sizeof(err)) != 1)
		fuzz_fail("%s", err);
	return idx;
}

void
fuzz_check_state(const char *path, const struct ep_observations *o)
{
	const struct ep_target		*t;
	const struct ep_state_entry	*e;
	const struct ep_cert		*leaf;
	struct ep_state			*s;
	const char			*why;
	char				 err[1024];
	size_t				 i;

	if (ep_state_open(path, 0, &s, err, sizeof(err)) == -1)
		fuzz_fail("state: %s", err);
	if (ep_state_status(s, &why) != EP_STATE_READ)
		fuzz_fail("the state written cannot be read: %s", why);
	for (i = 0; i < o->n; i++) {
		if (o->v[i].kind != EP_OBS_LIVE ||
		    (leaf = ep_obs_leaf(o, &o->v[i])) == NULL)
			continue;
		t = ep_plan_target(fuzz_rig()->plan, o->v[i].target);
		e = ep_state_find(s, ep_role_name(t->role), t->name,
		    o->v[i].addrstr, o->v[i].port);
		if (e == NULL || !e->answered || !e->has_leaf ||
		    memcmp(e->sha256, leaf->sha256, 32) != 0 ||
		    e->not_after != leaf->not_after)
			fuzz_fail("the state written lost %s port %u",
			    o->v[i].addrstr, o->v[i].port);
	}
	ep_state_close(s);
}

/* Whether code point c may reach a terminal (see fuzz_check_text). */
static int
shown(unsigned long c)
{
	if (c == '\n')
		return 1;
	if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
		return 0;
	return !((c >= 0x200b && c <= 0x200f) || (c >= 0x202a &&
	    c <= 0x202e) || c == 0x2028 || c == 0x2029 || (c >= 0x2060 &&
	    c <= 0x2069) || c == 0xfeff);
}

void
fuzz_check_text(const char *what, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned long		 c, min;
	size_t			 i = 0, n, k;

	while (i < len) {
		if (p[i] < 0x80) {
			c = p[i];
			n = 1;
			min = 0;
		} else if ((p[i] & 0xe0) == 0xc0) {
			c = p[i] & 0x1f;
			n = 2;
			min = 0x80;
		} else if ((p[i] & 0xf0) == 0xe0) {
			c = p[i] & 0x0f;
			n = 3;
			min = 0x800;
		} else if ((p[i] & 0xf8) == 0xf0) {
			c = p[i] & 0x07;
			n = 4;
			min = 0x10000;
		} else
			fuzz_fail("%s: byte 0x%02x at %zu is no UTF-8", what,
			    p[i], i);
		if (len - i < n)
			fuzz_fail("%s: UTF-8 cut short at %zu", what, i);
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				fuzz_fail("%s: bad UTF-8 at %zu", what, i);
			c = c << 6 | (p[i + k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			fuzz_fail("%s: bad UTF-8 at %zu", what, i);
		if (!shown(c))
			fuzz_fail("%s: U+%04lX at %zu reaches the terminal",
			    what, c, i);
		i += n;
	}
}

/* Writes one report into memory; returns it (free it) and its length. */
static char *
write_report(int (*fn)(FILE *, const struct ep_report *),
    const struct ep_report *rep, const char *what, size_t *len)
{
	FILE	*fp;
	char	*buf = NULL;
	int	 r;

	if ((fp = open_memstream(&buf, len)) == NULL)
		fuzz_fail("%s: out of memory", what);
	r = fn(fp, rep);
	if (fclose(fp) == EOF || r == -1)
		fuzz_fail("%s: the report failed", what);
	return buf;
}

void
fuzz_judge(const struct fuzz_rig *r, const struct ep_observations *o,
    struct ep_state *st)
{
	fuzz_judge_plan(r, r->plan, o, st);
}

void
fuzz_judge_plan(const struct fuzz_rig *r, const struct ep_plan *plan,
    const struct ep_observations *o, struct ep_state *st)
{
	struct ep_rules_ctx	 ctx;
	struct ep_findings	 f;
	struct ep_revchecks	 revs;
	struct ep_report	 rep;
	json_error_t		 jerr;
	json_t			*doc;
	char			 err[1024], *out;
	size_t			 len;

	memset(&f, 0, sizeof(f));
	memset(&revs, 0, sizeof(revs));
	memset(&ctx, 0, sizeof(ctx));
	ctx.plan = plan;
	ctx.trust = r->trust;
	ctx.names = r->names;
	ctx.now = FUZZ_NOW;
	ctx.warn = (struct ep_threshold){ 30, 0 };
	ctx.crit = (struct ep_threshold){ 7, 0 };
	ctx.prev = st;
	ctx.revs = &revs;
	if (ep_rules_run(&ctx, o, &f, err, sizeof(err)) == -1)
		fuzz_fail("rules: %s", err);

	memset(&rep, 0, sizeof(rep));
	rep.plan = plan;
	rep.obs = o;
	rep.findings = &f;
	rep.revs = &revs;
	rep.at = FUZZ_NOW;
	rep.started = FUZZ_NOW;
	rep.verbose = 1;
	rep.warn = ctx.warn;
	rep.crit = ctx.crit;
	if (ep_report_open(&rep) == -1)
		fuzz_fail("report: out of memory");
	out = write_report(ep_report_text, &rep, "text report", &len);
	fuzz_check_text("text report", out, len);
	free(out);
	out = write_report(ep_report_nagios, &rep, "Nagios output", &len);
	fuzz_check_text("Nagios output", out, len);
	free(out);
	out = write_report(ep_report_json, &rep, "JSON report", &len);
	/* A NUL in a certificate's string is \u0000, which JSON allows. */
	if ((doc = json_loadb(out, len, JSON_ALLOW_NUL, &jerr)) == NULL)
		fuzz_fail("JSON report: %s at line %d", jerr.text, jerr.line);
	json_decref(doc);
	free(out);
	if (st != NULL && ep_state_status(st, NULL) != EP_STATE_NEWER &&
	    ep_state_status(st, NULL) != EP_STATE_LOCKED &&
	    ep_report_state(st, &rep, err, sizeof(err)) == -1)
		fuzz_fail("state: %s", err);
	ep_report_close(&rep);
	ep_revchecks_clear(&revs);
	ep_findings_clear(&f);
}
