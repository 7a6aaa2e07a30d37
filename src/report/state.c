/*
 * The state of this run for the next one (see input/ep_state.h): every
 * live endpoint with its leaf, since when it serves it, and whether it
 * answered.  An endpoint that did not answer keeps the leaf it had, so
 * that its return with the same certificate is no change.  jansson
 * writes the JSON.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "input/ep_time.h"
#include "report/ep_report.h"
#include "report/ep_state_out.h"
#include "report/ep_version.h"

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
	static const char	digits[] = "0123456789abcdef";
	char			buf[65];
	size_t			i;

	for (i = 0; i < 32; i++) {
		buf[2 * i] = digits[sha[i] >> 4];
		buf[2 * i + 1] = digits[sha[i] & 0xf];
	}
	buf[64] = '\0';
	return json_string(buf);
}

/* The leaf as the state keeps it. */
static json_t *
leaf_json(const unsigned char sha[32], const unsigned char spki[32],
    time_t not_after, time_t since, time_t seen)
{
	json_t	*j = json_object();

	if (j == NULL || json_object_set_new(j, "sha256", jhex(sha)) == -1 ||
	    json_object_set_new(j, "spki_sha256", jhex(spki)) == -1 ||
	    json_object_set_new(j, "not_after", jtime(not_after)) == -1 ||
	    json_object_set_new(j, "since", jtime(since)) == -1 ||
	    json_object_set_new(j, "seen", jtime(seen)) == -1) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *
endpoint_json(const struct ep_report *r, const struct ep_state *prev,
    const struct ep_obs *o)
{
	const struct ep_target		*t = ep_plan_target(r->plan, o->target);
	const struct ep_cert		*leaf = ep_obs_leaf(r->obs, o);
	const struct ep_state_entry	*e = NULL;
	const char			*addr = o->has_addr ? o->addrstr : "";
	json_t				*j = json_object(), *l = json_null();
	time_t				 since = r->started;

	if (prev != NULL && ep_state_status(prev, NULL) == EP_STATE_READ)
		e = ep_state_find(prev, ep_role_name(t->role), t->name, addr,
		    o->port);
	if (leaf != NULL) {
		if (e != NULL && e->has_leaf &&
		    memcmp(e->sha256, leaf->sha256, 32) == 0)
			since = e->since;
		l = leaf_json(leaf->sha256, leaf->spki_sha256, leaf->not_after,
		    since, r->started);
	} else if (e != NULL && e->has_leaf)
		l = leaf_json(e->sha256, e->spki_sha256, e->not_after,
		    e->since, e->seen);
	if (j == NULL || l == NULL ||
	    json_object_set_new(j, "role",
	    json_string(ep_role_name(t->role))) == -1 ||
	    json_object_set_new(j, "name", json_string(t->name)) == -1 ||
	    json_object_set_new(j, "address", json_string(addr)) == -1 ||
	    json_object_set_new(j, "port", json_integer(o->port)) == -1 ||
	    json_object_set_new(j, "answered",
	    json_boolean(leaf != NULL)) == -1 ||
	    json_object_set_new(j, "leaf", l) == -1) {
		json_decref(j);
		return NULL;
	}
	return j;
}

int
ep_report_state(struct ep_state *st, const struct ep_report *r, char *err,
    size_t errlen)
{
	json_t	*doc = json_object(), *eps = json_array();
	char	*text = NULL;
	size_t	 i;
	int	 bad = doc == NULL || eps == NULL, ret = -1;

	for (i = 0; !bad && i < r->obs->n; i++) {
		if (r->obs->v[i].kind != EP_OBS_LIVE)
			continue;
		bad |= json_array_append_new(eps, endpoint_json(r, st,
		    &r->obs->v[i])) == -1;
	}
	if (!bad) {
		bad |= json_object_set_new(doc, "edgeprobe_state",
		    json_integer(EP_STATE_VERSION)) == -1;
		bad |= json_object_set_new(doc, "edgeprobe",
		    json_string(EP_VERSION)) == -1;
		bad |= json_object_set_new(doc, "written",
		    jtime(r->started)) == -1;
		bad |= json_object_set_new(doc, "endpoints", eps) == -1;
		eps = NULL;
	}
	if (bad || (text = json_dumps(doc, JSON_INDENT(1) |
	    JSON_ENSURE_ASCII)) == NULL) {
		snprintf(err, errlen, "state: out of memory");
		goto out;
	}
	ret = ep_state_replace(st, text, strlen(text), err, errlen);
out:
	free(text);
	json_decref(eps);
	json_decref(doc);
	return ret;
}
