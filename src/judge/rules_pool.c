/*
 * Rules of pools: every address of an edge name is a member of one pool
 * (pool-key-mismatch, pool-cert-mismatch).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/ep_time.h"
#include "judge/rules_impl.h"

/*
 * With --state, since when obs serves the certificate of SHA-256 sha:
 * " (since 2026-11-02)", or "" when the last run knew nothing of it.
 */
static void
since_text(const struct ep_rules_ctx *ctx, const struct ep_target *t,
    const struct ep_obs *obs, const unsigned char sha[32], char *out,
    size_t outlen)
{
	const struct ep_state_entry	*e;
	char				 iso[32];

	out[0] = '\0';
	if (ctx->prev == NULL ||
	    ep_state_status(ctx->prev, NULL) != EP_STATE_READ)
		return;
	e = ep_state_find(ctx->prev, ep_role_name(t->role), t->name,
	    obs->addrstr, obs->port);
	if (e == NULL || !e->has_leaf || memcmp(e->sha256, sha, 32) != 0)
		return;
	ep_time_iso(e->since, iso, sizeof(iso));
	snprintf(out, outlen, ", and has served it since %.10s", iso);
}

/* Index of the value occurring most often in v (first on a tie). */
static size_t
most_common(const unsigned char (*v)[32], size_t n)
{
	size_t	i, j, best = 0, bestn = 0;

	for (i = 0; i < n; i++) {
		size_t	c = 0;

		for (j = 0; j < n; j++)
			if (memcmp(v[i], v[j], 32) == 0)
				c++;
		if (c > bestn) {
			best = i;
			bestn = c;
		}
	}
	return best;
}

/*
 * Every address of an edge name is a member of one pool: members must
 * present one key (A/V authentication), and should present one
 * certificate.  Observations of a target are adjacent once sorted.
 */
int
ep_rule_pool(const struct ep_rules_ctx *ctx, const struct ep_observations *o,
    size_t first, size_t last, struct ep_findings *out)
{
	const struct ep_target	*t = ep_plan_target(ctx->plan, o->v[first].target);
	unsigned char		(*keys)[32] = NULL, (*certs)[32] = NULL;
	size_t			*idx = NULL, n = 0, i, kref, cref, ncert = 0;
	struct endpoint		 ep;
	char			 msg[EP_FINDING_MSG_MAX], since[64];
	int			 ret = -1;

	if (ep_plan_profile(ctx->plan)->roles[t->role].pool != EP_POOL_SAME_KEY ||
	    last - first < 2)
		return 0;
	keys = calloc(last - first, sizeof(*keys));
	certs = calloc(last - first, sizeof(*certs));
	idx = calloc(last - first, sizeof(*idx));
	if (keys == NULL || certs == NULL || idx == NULL)
		goto out;
	for (i = first; i < last; i++) {
		const struct ep_cert	*leaf = ep_obs_leaf(o, &o->v[i]);

		/* A file judged offline is no pool member. */
		if (leaf == NULL || o->v[i].kind != EP_OBS_LIVE)
			continue;
		memcpy(keys[n], leaf->spki_sha256, 32);
		idx[n++] = i;
	}
	if (n < 2) {
		ret = 0;
		goto out;
	}
	kref = most_common((const unsigned char (*)[32])keys, n);
	memset(&ep, 0, sizeof(ep));
	ep.ctx = ctx;
	ep.profile = ep_plan_profile(ctx->plan);
	ep.target = t;
	ep.o = o;
	ep.out = out;
	for (i = 0; i < n; i++) {
		const struct ep_obs	*ref = &o->v[idx[kref]];

		ep.idx = idx[i];
		if (memcmp(keys[i], keys[kref], 32) == 0) {
			memcpy(certs[ncert], ep_obs_leaf(o, &o->v[idx[i]])->sha256,
			    32);
			idx[ncert++] = idx[i];
			continue;
		}
		snprintf(msg, sizeof(msg), "this pool member presents a "
		    "different key than %s port %u", ref->addrstr, ref->port);
		if (ep_rule_add(&ep, EP_CHECK_POOL_KEY_MISMATCH, NULL, msg) == -1)
			goto out;
	}
	/* idx now lists only the members with the common key. */
	cref = most_common((const unsigned char (*)[32])certs, ncert);
	for (i = 0; i < ncert; i++) {
		const struct ep_obs	*ref = &o->v[idx[cref]];

		if (memcmp(certs[i], certs[cref], 32) == 0)
			continue;
		ep.idx = idx[i];
		since_text(ctx, t, &o->v[idx[i]], certs[i], since,
		    sizeof(since));
		snprintf(msg, sizeof(msg), "this pool member has the same key "
		    "but a different certificate than %s port %u%s",
		    ref->addrstr, ref->port, since);
		if (ep_rule_add(&ep, EP_CHECK_POOL_CERT_MISMATCH, NULL, msg) == -1)
			goto out;
	}
	ret = 0;
out:
	free(keys);
	free(certs);
	free(idx);
	return ret;
}
