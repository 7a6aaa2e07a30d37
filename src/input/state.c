/*
 * The state kept between runs (see ep_state.h): a lock, a bounded read
 * through the one file reader, jansson's parse, and entries kept sorted
 * by their key so that each endpoint is found in O(log n).
 */

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "input/ep_file.h"
#include "input/ep_state.h"
#include "input/ep_time.h"

#define LOCK_POLL_MS	50	/* between tries of a held lock */
#define WHY_MAX		600

struct ep_state {
	char			*path;
	int			 lockfd;	/* -1: no lock held */
	enum ep_state_status	 status;
	char			 why[WHY_MAX];
	struct ep_state_entry	*v;		/* sorted by key */
	size_t			 n;
};

static int
key_cmp(const char *role, const char *name, const char *address,
    uint16_t port, const struct ep_state_entry *e)
{
	int	c;

	if ((c = strcmp(role, e->role)) != 0 ||
	    (c = strcmp(name, e->name)) != 0 ||
	    (c = strcmp(address, e->address)) != 0)
		return c;
	return port < e->port ? -1 : port > e->port;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct ep_state_entry	*x = a;

	return key_cmp(x->role, x->name, x->address, x->port, b);
}

/* Takes the lock, trying until wait_ms passed.  Returns 1 held, 0 not. */
static int
take_lock(int fd, unsigned wait_ms)
{
	struct timespec	ts = { 0, LOCK_POLL_MS * 1000000L };
	int64_t		deadline = ep_time_mono_ms() + wait_ms;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 1;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return 0;
		if (ep_time_mono_ms() >= deadline)
			return 0;
		nanosleep(&ts, NULL);
	}
}

static void
unreadable(struct ep_state *s, const char *why)
{
	s->status = EP_STATE_UNREADABLE;
	snprintf(s->why, sizeof(s->why), "%s", why);
}

/* A 64-digit hex digest into 32 bytes.  Returns 0, or -1. */
static int
hex32(const char *hex, unsigned char out[32])
{
	unsigned	v;
	size_t		i;

	if (hex == NULL || strlen(hex) != 64)
		return -1;
	for (i = 0; i < 32; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

static int
get_time(json_t *o, const char *key, time_t *out)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL && ep_time_parse_iso(s, out) == 0 ? 0 : -1;
}

/* One endpoint of the file.  Returns 0, or -1 when it is not one. */
static int
take_entry(json_t *o, struct ep_state_entry *e)
{
	const char	*role, *name, *address;
	json_int_t	 port;
	json_t		*leaf;

	memset(e, 0, sizeof(*e));
	role = json_string_value(json_object_get(o, "role"));
	name = json_string_value(json_object_get(o, "name"));
	address = json_string_value(json_object_get(o, "address"));
	port = json_integer_value(json_object_get(o, "port"));
	if (role == NULL || name == NULL || address == NULL ||
	    strlen(role) >= sizeof(e->role) || strlen(name) >= sizeof(e->name) ||
	    strlen(address) >= sizeof(e->address) || port < 0 || port > 65535 ||
	    !json_is_boolean(json_object_get(o, "answered")))
		return -1;
	memcpy(e->role, role, strlen(role) + 1);
	memcpy(e->name, name, strlen(name) + 1);
	memcpy(e->address, address, strlen(address) + 1);
	e->port = (uint16_t)port;
	e->answered = json_is_true(json_object_get(o, "answered"));
	if ((leaf = json_object_get(o, "leaf")) == NULL || json_is_null(leaf))
		return 0;
	if (hex32(json_string_value(json_object_get(leaf, "sha256")),
	    e->sha256) == -1 ||
	    hex32(json_string_value(json_object_get(leaf, "spki_sha256")),
	    e->spki_sha256) == -1 ||
	    get_time(leaf, "not_after", &e->not_after) == -1 ||
	    get_time(leaf, "since", &e->since) == -1 ||
	    get_time(leaf, "seen", &e->seen) == -1)
		return -1;
	e->has_leaf = 1;
	return 0;
}

/* Reads the text of a state file into s; what is not a state, it says. */
static int
take_text(struct ep_state *s, const char *text, size_t len)
{
	json_error_t	 jerr;
	json_t		*doc, *v, *eps;
	json_int_t	 version;
	size_t		 i, n;
	char		 why[WHY_MAX];
	int		 ret = 0;

	if ((doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		snprintf(why, sizeof(why), "not JSON, or cut short (line %d: "
		    "%.100s)", jerr.line, jerr.text);
		unreadable(s, why);
		return 0;
	}
	v = json_object_get(doc, "edgeprobe_state");
	if (!json_is_integer(v)) {
		unreadable(s, "not an edgeprobe state file");
		goto out;
	}
	if ((version = json_integer_value(v)) > EP_STATE_VERSION) {
		s->status = EP_STATE_NEWER;
		snprintf(s->why, sizeof(s->why), "written by a newer edgeprobe "
		    "(state version %lld; this one reads %d): left as it is",
		    (long long)version, EP_STATE_VERSION);
		goto out;
	}
	eps = json_object_get(doc, "endpoints");
	if (version < 1 || !json_is_array(eps)) {
		unreadable(s, "not an edgeprobe state file");
		goto out;
	}
	n = json_array_size(eps);
	if ((s->v = calloc(n ? n : 1, sizeof(*s->v))) == NULL) {
		ret = -1;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (take_entry(json_array_get(eps, i), &s->v[i]) == -1) {
			snprintf(why, sizeof(why), "endpoint %zu is damaged",
			    i + 1);
			unreadable(s, why);
			free(s->v);
			s->v = NULL;
			goto out;
		}
	s->n = n;
	qsort(s->v, n, sizeof(*s->v), entry_cmp);
	s->status = EP_STATE_READ;
out:
	json_decref(doc);
	return ret;
}

int
ep_state_open(const char *path, unsigned wait_ms, struct ep_state **out,
    char *err, size_t errlen)
{
	struct ep_state	*s;
	char		*lock = NULL, *text = NULL, why[512];
	size_t		 len;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(path)) == NULL ||
	    (lock = malloc(strlen(path) + sizeof(".lock"))) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		goto fail;
	}
	s->lockfd = -1;
	snprintf(lock, strlen(path) + sizeof(".lock"), "%s.lock", path);
	/* Made now: a directory that cannot hold the state fails first. */
	if ((s->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) ==
	    -1) {
		snprintf(err, errlen, "%s: %s", lock, strerror(errno));
		goto fail;
	}
	if (!take_lock(s->lockfd, wait_ms)) {
		close(s->lockfd);
		s->lockfd = -1;
		s->status = EP_STATE_LOCKED;
		snprintf(s->why, sizeof(s->why), "another run held its lock "
		    "(%.200s) for longer than this one could wait", lock);
		goto done;
	}
	if (access(path, F_OK) == -1 && errno == ENOENT) {
		s->status = EP_STATE_FIRST;
		goto done;
	}
	if (ep_file_read(path, EP_STATE_FILE_MAX, &text, &len, why,
	    sizeof(why)) == -1) {
		unreadable(s, why);
		goto done;
	}
	if (take_text(s, text, len) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		goto fail;
	}
done:
	free(text);
	free(lock);
	*out = s;
	return 0;
fail:
	free(text);
	free(lock);
	ep_state_close(s);
	return -1;
}

void
ep_state_close(struct ep_state *s)
{
	if (s == NULL)
		return;
	/* Closing the descriptor releases the lock. */
	if (s->lockfd != -1)
		close(s->lockfd);
	free(s->v);
	free(s->path);
	free(s);
}

enum ep_state_status
ep_state_status(const struct ep_state *s, const char **why)
{
	if (why != NULL)
		*why = s->why;
	return s->status;
}

size_t
ep_state_count(const struct ep_state *s)
{
	return s->n;
}

const struct ep_state_entry *
ep_state_entry(const struct ep_state *s, size_t i)
{
	return &s->v[i];
}

const struct ep_state_entry *
ep_state_find(const struct ep_state *s, const char *role, const char *name,
    const char *address, uint16_t port)
{
	size_t	lo = 0, hi = s->n, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = key_cmp(role, name, address, port, &s->v[mid]);
		if (c == 0)
			return &s->v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int
ep_state_replace(struct ep_state *s, const char *text, size_t len, char *err,
    size_t errlen)
{
	if (s->status == EP_STATE_NEWER || s->status == EP_STATE_LOCKED) {
		snprintf(err, errlen, "%s: %s", s->path, s->why);
		return -1;
	}
	return ep_file_replace(s->path, text, len, 0644, err, errlen);
}
