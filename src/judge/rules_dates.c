/*
 * Rules of dates: every certificate of the chain at the moment judged
 * (expired, not-yet-valid, expires-soon).
 */

#include <stdio.h>

#include "input/ep_time.h"
#include "judge/rules_impl.h"

#define DAY		86400

int
ep_rule_validity(struct endpoint *ep)
{
	const struct ep_rules_ctx	*ctx = ep->ctx;
	char				 msg[EP_FINDING_MSG_MAX], when[32];
	size_t				 i;

	for (i = 0; i < ep->n; i++) {
		const struct ep_cert	*c = ep->chain[i];
		char			 which[EP_RULE_WHICH_MAX], share[80] = "";
		long long		 left = (long long)c->not_after - ctx->now;
		long long		 life = (long long)c->not_after -
					     c->not_before;
		long long		 warn, crit;

		warn = ep_threshold_seconds(&ctx->warn, c->not_before,
		    c->not_after);
		crit = ep_threshold_seconds(&ctx->crit, c->not_before,
		    c->not_after);

		ep_rule_cert_label(ep, i, which, sizeof(which));

		if (ctx->now < c->not_before) {
			ep_time_iso(c->not_before, when, sizeof(when));
			snprintf(msg, sizeof(msg), "%s is not valid until %s",
			    which, when);
			if (ep_rule_add(ep, EP_CHECK_NOT_YET_VALID, NULL, msg) == -1)
				return -1;
		} else if (left < 0) {
			ep_time_iso(c->not_after, when, sizeof(when));
			snprintf(msg, sizeof(msg), "%s expired on %s (%lld days "
			    "ago)", which, when, (-left) / DAY);
			if (ep_rule_add(ep, EP_CHECK_EXPIRED, NULL, msg) == -1)
				return -1;
		} else if (left <= warn || left <= crit) {
			ep_time_iso(c->not_after, when, sizeof(when));
			/* A share of the lifetime says what it is a share of. */
			if ((ctx->warn.percent || ctx->crit.percent) && life > 0)
				snprintf(share, sizeof(share), " (%lld%% of its "
				    "%lld-day lifetime left)", left * 100 / life,
				    life / DAY);
			snprintf(msg, sizeof(msg), "%s expires on %s, in %lld "
			    "days%s", which, when, left / DAY, share);
			/* Within --crit-days it is critical, whatever the profile. */
			if (ep_rule_add_sev(ep, EP_CHECK_EXPIRES_SOON, NULL, msg,
			    left <= crit ? EP_SEV_CRITICAL : EP_SEV_OK) == -1)
				return -1;
		}
	}
	return 0;
}

/*
 * A presented certificate on no path a client builds is harmless to a
 * client that builds paths, but one that takes the chain as sent (OpenSSL
 * before 1.1.0, Android before 7.1, other old stacks) may follow it, and
 * an expired one then fails: the 2021 "chain of pain" of expired
 * cross-signs.
 */
int
ep_rule_extra_expired(struct endpoint *ep)
{
	const struct ep_trust_result	*r = ep->trust;
	char				 msg[EP_FINDING_MSG_MAX], when[32];
	size_t				 i;

	if (r == NULL)
		return 0;
	for (i = 0; i < r->nextra; i++) {
		const struct ep_cert	*c = ep->sent[r->extra[i]];

		if (c->not_after >= ep->ctx->now)
			continue;
		ep_time_iso(c->not_after, when, sizeof(when));
		snprintf(msg, sizeof(msg), "%s also %s %.300s, which expired "
		    "on %s and is on no path clients build; clients that "
		    "follow the chain as sent (OpenSSL before 1.1.0, Android "
		    "before 7.1) fail on it", ep_rule_holder(ep),
		    ep->obs->kind == EP_OBS_LIVE ? "sends" : "holds",
		    c->subject, when);
		if (ep_rule_add(ep, EP_CHECK_CHAIN_EXTRA_EXPIRED, NULL,
		    msg) == -1)
			return -1;
	}
	return 0;
}

/*
 * An anchor's dates count: GnuTLS, Windows and most clients reject a
 * path whose root has expired, whatever the store says.
 */
int
ep_rule_anchor(struct endpoint *ep)
{
	const struct ep_trust_result	*r = ep->trust;
	char				 msg[EP_FINDING_MSG_MAX], when[32];

	if (r == NULL || r->anchor == NULL ||
	    (r->anchor->not_before <= ep->ctx->now &&
	    ep->ctx->now <= r->anchor->not_after))
		return 0;
	if (ep->ctx->now > r->anchor->not_after) {
		ep_time_iso(r->anchor->not_after, when, sizeof(when));
		snprintf(msg, sizeof(msg), "the chain ends at the trust anchor "
		    "%.300s, which expired on %s: clients reject the path",
		    r->anchor->subject, when);
	} else {
		ep_time_iso(r->anchor->not_before, when, sizeof(when));
		snprintf(msg, sizeof(msg), "the chain ends at the trust anchor "
		    "%.300s, which is not valid until %s: clients reject the "
		    "path", r->anchor->subject, when);
	}
	return ep_rule_add(ep, EP_CHECK_ANCHOR_EXPIRED, NULL, msg);
}
