/*
 * Rules of change since the last run (--state): a leaf renewed
 * (cert-changed), with a new key (key-changed), an endpoint that answered
 * then and does not now (endpoint-gone), one seen for the first time
 * (endpoint-new), and a state that could not be read (state-unreadable).
 * A first run has nothing to compare with and says nothing, and nor does
 * an endpoint the run was stopped before it answered.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/ep_time.h"
#include "judge/rules_impl.h"

/* Writes t's date, "2026-12-01". */
static const char *
date(time_t t, char *buf, size_t len)
{
	char	iso[32];

	ep_time_iso(t, iso, sizeof(iso));
	snprintf(buf, len, "%.10s", iso);
	return buf;
}

/* The endpoint's key in the state: its address, "" when it has none. */
static const struct ep_state_entry *
entry_of(const struct ep_rules_ctx *ctx, const struct ep_obs *obs)
{
	const struct ep_target	*t = ep_plan_target(ctx->plan, obs->target);

	return ep_state_find(ctx->prev, ep_role_name(t->role), t->name,
	    obs->has_addr ? obs->addrstr : "", obs->port);
}

/* One observation against its entry of the last run (NULL: none). */
static int
compare(struct endpoint *ep, const struct ep_state_entry *e)
{
	const struct ep_cert	*leaf = ep->n > 0 ? ep->chain[0] : NULL;
	char			 msg[EP_FINDING_MSG_MAX], a[16], b[16], c[16];

	if (e == NULL) {
		if (leaf == NULL)
			return 0;
		snprintf(msg, sizeof(msg), "%s port %u is seen for the first "
		    "time", ep->obs->has_addr ? ep->obs->addrstr : "(none)",
		    ep->obs->port);
		return ep_rule_add(ep, EP_CHECK_ENDPOINT_NEW, NULL, msg);
	}
	if (leaf == NULL) {
		/* Stopped before it answered: nothing is known of it. */
		if (!e->answered || ep->obs->status == EP_OBS_INTERRUPTED)
			return 0;
		snprintf(msg, sizeof(msg), "it answered the last run (last "
		    "seen %s) and does not now", e->has_leaf ?
		    date(e->seen, a, sizeof(a)) : "before");
		return ep_rule_add(ep, EP_CHECK_ENDPOINT_GONE, NULL, msg);
	}
	if (!e->has_leaf || memcmp(leaf->sha256, e->sha256, 32) == 0)
		return 0;
	snprintf(msg, sizeof(msg), "the certificate changed: the one served "
	    "since %s expired on %s, the new one expires on %s",
	    date(e->since, a, sizeof(a)), date(e->not_after, b, sizeof(b)),
	    date(leaf->not_after, c, sizeof(c)));
	if (ep_rule_add(ep, EP_CHECK_CERT_CHANGED, NULL, msg) == -1)
		return -1;
	if (memcmp(leaf->spki_sha256, e->spki_sha256, 32) == 0)
		return 0;
	return ep_rule_add(ep, EP_CHECK_KEY_CHANGED, NULL, "the new "
	    "certificate has a new key: every member of a pool needs the same "
	    "one (A/V authentication), and federation partners that pin the "
	    "key see another");
}

int
ep_rule_changes(struct endpoint *ep)
{
	const struct ep_state	*prev = ep->ctx->prev;

	if (prev == NULL || ep_state_status(prev, NULL) != EP_STATE_READ)
		return 0;
	return compare(ep, entry_of(ep->ctx, ep->obs));
}

/*
 * Endpoints that answered the last run and were not observed at all in
 * this one: no longer among their name's addresses, or no longer on
 * their ports.  Only for names this run checks: another command line
 * with the same state file is not a loss; and not when the run was
 * interrupted, whose lookups did not all end.
 */
static int
gone(const struct ep_rules_ctx *ctx, const struct ep_observations *o,
    struct ep_findings *out)
{
	const struct ep_state	*prev = ctx->prev;
	char			*seen, msg[EP_FINDING_MSG_MAX], d[16];
	size_t			 n = ep_state_count(prev), i, t;
	enum ep_role		 role;
	int			 ret = -1;

	/* A run stopped early did not see all it would have. */
	if (o->interrupted)
		return 0;
	if ((seen = calloc(n ? n : 1, 1)) == NULL)
		return -1;
	for (i = 0; i < o->n; i++) {
		const struct ep_state_entry	*e = entry_of(ctx, &o->v[i]);

		if (e != NULL)
			seen[e - ep_state_entry(prev, 0)] = 1;
	}
	for (i = 0; i < n; i++) {
		const struct ep_state_entry	*e = ep_state_entry(prev, i);

		if (seen[i] || !e->answered ||
		    ep_role_by_name(e->role, &role) == -1 ||
		    ep_plan_find(ctx->plan, role, e->name, &t) == -1)
			continue;
		snprintf(msg, sizeof(msg), "%s port %u of %s answered the last "
		    "run (last seen %s) and is no longer among its endpoints",
		    e->address[0] != '\0' ? e->address : "(no address)",
		    e->port, e->name, e->has_leaf ? date(e->seen, d,
		    sizeof(d)) : "before");
		if (ep_rule_add_deployment(ctx, out, EP_CHECK_ENDPOINT_GONE,
		    ep_plan_target(ctx->plan, t)->group, e->name, msg,
		    EP_SEV_OK) == -1)
			goto out;
	}
	ret = 0;
out:
	free(seen);
	return ret;
}

int
ep_rule_state(const struct ep_rules_ctx *ctx, const struct ep_observations *o,
    struct ep_findings *out)
{
	const char	*why;
	char		 msg[EP_FINDING_MSG_MAX];

	if (ctx->prev == NULL || o->offline)
		return 0;
	switch (ep_state_status(ctx->prev, &why)) {
	case EP_STATE_FIRST:
		return 0;
	case EP_STATE_READ:
		return gone(ctx, o, out);
	default:
		break;
	}
	snprintf(msg, sizeof(msg), "the state of the last run could not be "
	    "read: %.400s; nothing is said of what changed", why);
	return ep_rule_add_deployment(ctx, out, EP_CHECK_STATE_UNREADABLE,
	    EP_FINDING_NO_GROUP, NULL, msg, EP_SEV_OK);
}
