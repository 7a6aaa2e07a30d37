/*
 * What the report tests build by hand: a lync2013 plan, observations
 * (live endpoints at 192.0.2.x, or files judged offline) presenting
 * fixture chains, findings, and the report over them; and the report
 * rendered to memory.  Include after cmocka.h and fixture.h; run the
 * tests in a group with fx_lync_setup.
 */

#ifndef EP_TEST_REPORT_RIG_H
#define EP_TEST_REPORT_RIG_H

#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/ep_plan.h"
#include "judge/ep_finding.h"
#include "net/ep_observe.h"
#include "report/ep_report.h"
#include "x509/ep_cert.h"

struct rig {
	struct ep_plan		*plan;
	struct ep_observations	 o;
	struct ep_findings	 f;
	struct ep_report	 r;	/* judged at FX_NOW, thresholds 30/7 */
	char			*out;	/* the last rendering */
	size_t			 len;
	char			 dir[64];	/* for a test that writes files */
};

/* A cmocka setup: *state becomes a new rig. */
static inline int
rig_setup(void **state)
{
	struct rig	*g;

	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (g->plan = ep_plan_new(fx_lync())) == NULL ||
	    ep_observations_init(&g->o) == -1) {
		if (g != NULL)
			ep_plan_free(g->plan);
		free(g);
		return -1;
	}
	g->r.plan = g->plan;
	g->r.obs = &g->o;
	g->r.findings = &g->f;
	g->r.at = g->r.started = FX_NOW;
	g->r.warn = (struct ep_threshold){ 30, 0 };
	g->r.crit = (struct ep_threshold){ 7, 0 };
	*state = g;
	return 0;
}

/* A cmocka teardown: frees the rig (not files in dir). */
static inline int
rig_teardown(void **state)
{
	struct rig	*g = *state;

	ep_report_close(&g->r);
	free(g->out);
	ep_findings_clear(&g->f);
	ep_observations_clear(&g->o);
	ep_plan_free(g->plan);
	free(g);
	return 0;
}

/* Adds a target named by "--test"; returns its index. */
static inline size_t
rig_target(struct rig *g, enum ep_role role, const char *name)
{
	char	err[512] = "";

	if (ep_plan_add_target(g->plan, role, name, "--test", err,
	    sizeof(err)) != 0)
		fail_msg("adding %s: %s", name, err);
	return ep_plan_ntargets(g->plan) - 1;
}

/*
 * Adds an observation of target t: live, at 192.0.2.last:port over TLS
 * 1.3 in 25 ms, or of a file judged offline (kind), presenting the chain
 * of fixture file pem (none when NULL).  Returns its index.
 */
static inline size_t
rig_observe(struct rig *g, size_t t, enum ep_obs_kind kind, int last,
    unsigned port, const char *pem)
{
	struct ep_obs	obs;
	char		err[512] = "";
	size_t		i;
	int		n;

	memset(&obs, 0, sizeof(obs));
	obs.target = t;
	obs.kind = kind;
	obs.status = EP_OBS_OK;
	if (kind == EP_OBS_LIVE) {
		obs.has_addr = 1;
		obs.family = AF_INET;
		snprintf(obs.addrstr, sizeof(obs.addrstr), "192.0.2.%d", last);
		obs.port = (uint16_t)port;
		obs.elapsed_ms = 25;
		snprintf(obs.tls_version, sizeof(obs.tls_version), "TLS1.3");
	} else if (pem != NULL)
		snprintf(obs.file, sizeof(obs.file), "%s", pem);
	if (pem != NULL) {
		if ((n = ep_certs_load_file(g->o.certs, fx_path(pem), obs.chain,
		    EP_CHAIN_MAX, err, sizeof(err))) < 1)
			fail_msg("%s: %s", pem, err);
		obs.chain_len = (size_t)n;
	}
	assert_int_not_equal(i = ep_observations_add(&g->o, &obs), (size_t)-1);
	return i;
}

/* Adds a finding of check on observation obs (or EP_FINDING_NO_OBS). */
static inline struct ep_finding *
rig_finding(struct rig *g, enum ep_check check, size_t obs, const char *name,
    enum ep_severity sev, const char *msg)
{
	struct ep_finding	*x;

	assert_non_null(x = ep_findings_add(&g->f, check, obs, name, "%s",
	    msg));
	x->severity = sev;
	return x;
}

/* Renders report fn of the rig into g->out (NUL-terminated); returns it. */
static inline char *
rig_render(struct rig *g, int (*fn)(FILE *, const struct ep_report *))
{
	FILE	*fp;

	ep_report_close(&g->r);
	free(g->out);
	g->out = NULL;
	assert_int_equal(ep_report_open(&g->r), 0);
	assert_non_null(fp = open_memstream(&g->out, &g->len));
	assert_int_equal(fn(fp, &g->r), 0);
	assert_int_equal(fclose(fp), 0);
	return g->out;
}

#endif /* EP_TEST_REPORT_RIG_H */
