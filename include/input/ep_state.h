#ifndef EP_STATE_H
#define EP_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "input/ep_hostname.h"

/*
 * What the last run saw, kept between runs in a state file (--state):
 * each endpoint's leaf, key, expiry and since when it serves that leaf,
 * so that the rules can say what changed.  The file is JSON, versioned
 * ("edgeprobe_state"), read before the run and replaced after it,
 * atomically; a lock file beside it (FILE.lock, flock) keeps two runs
 * from interleaving.  A missing file is a first run.  A file that cannot
 * be read as a state is reported, never fatal: the run goes on without
 * it, and it is replaced, but for one a newer edgeprobe wrote, which is
 * left as it is.
 */

#define EP_STATE_VERSION	1		/* of the file written */
#define EP_STATE_FILE_MAX	(256 * 1024 * 1024)	/* bytes read at most */
#define EP_STATE_ADDR_MAX	46		/* an address as text */
#define EP_STATE_ROLE_MAX	16		/* a role's name */

struct ep_state;

/* What became of the state file when it was opened. */
enum ep_state_status {
	EP_STATE_FIRST,		/* no file yet: a first run */
	EP_STATE_READ,		/* read: the entries are the last run's */
	EP_STATE_UNREADABLE,	/* not a state (corrupt, cut, foreign):
				   replaced after the run */
	EP_STATE_NEWER,		/* a newer edgeprobe's: left alone */
	EP_STATE_LOCKED,	/* another run held the lock too long: neither
				   read nor written */
};

/* One endpoint as the last run left it. */
struct ep_state_entry {
	char		 role[EP_STATE_ROLE_MAX];
	char		 name[EP_NAME_MAX + 1];
	char		 address[EP_STATE_ADDR_MAX];	/* "" for none */
	uint16_t	 port;
	int		 answered;	/* its last probe got a chain */
	int		 has_leaf;	/* the fields below are known */
	unsigned char	 sha256[32];	/* of the leaf */
	unsigned char	 spki_sha256[32];
	time_t		 not_after;
	time_t		 since;		/* first seen serving this leaf */
	time_t		 seen;		/* last run that got a chain from it */
};

/*
 * Takes the lock of the state file path, waiting at most wait_ms (0: not
 * at all), and reads the file.  Returns 0 and sets *out, whatever became
 * of the file (ep_state_status says); or -1 with "PATH: why" in err when
 * the lock file cannot be made or opened (a directory that does not
 * exist or cannot be written): nothing could be kept then.
 */
int ep_state_open(const char *path, unsigned wait_ms, struct ep_state **out,
    char *err, size_t errlen);

/*
 * Releases the lock and frees s; s may be NULL.
 */
void ep_state_close(struct ep_state *s);

/*
 * Returns what became of the file, and in *why (when not NULL) why it
 * could not be read, for people.
 */
enum ep_state_status ep_state_status(const struct ep_state *s,
    const char **why);

/*
 * Returns the number of entries read, and entry i.
 */
size_t ep_state_count(const struct ep_state *s);
const struct ep_state_entry *ep_state_entry(const struct ep_state *s,
    size_t i);

/*
 * Returns the last run's entry of an endpoint, or NULL.
 */
const struct ep_state_entry *ep_state_find(const struct ep_state *s,
    const char *role, const char *name, const char *address, uint16_t port);

/*
 * Replaces the state file with the len bytes of text: written to a
 * temporary file beside it, flushed to disk, then renamed over it, so
 * that a reader never sees half a file and a full disk leaves the old one
 * in place.  Refused for EP_STATE_NEWER and EP_STATE_LOCKED.  Returns 0,
 * or -1 with "PATH: why" in err.
 */
int ep_state_replace(struct ep_state *s, const char *text, size_t len,
    char *err, size_t errlen);

#endif /* EP_STATE_H */
