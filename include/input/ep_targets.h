#ifndef EP_TARGETS_H
#define EP_TARGETS_H

#include <stddef.h>
#include <stdint.h>

#include "input/ep_plan.h"

/*
 * What the command line's arguments and --targets-file name, each with
 * where it came from ("argument", "FILE:LINE"), put into the plan the way
 * the profile reads arguments: SIP domains to discover, or HOST[:PORT]
 * to probe as they are.
 */

#define EP_TARGET_LINE_MAX	1024	/* bytes of one targets-file line,
					   its end (LF, CR LF) not counted */
#define EP_TARGETS_FILE_MAX	(64 * 1024 * 1024)	/* bytes of the file */

struct ep_targets;

/*
 * Makes an empty list.  Returns NULL when out of memory.
 */
struct ep_targets *ep_targets_new(void);

/*
 * Frees the list; t may be NULL.
 */
void ep_targets_free(struct ep_targets *t);

/*
 * Appends arg, from source.  Returns 0, or -1 with a reason in err (more
 * than EP_PLAN_NAMES_MAX, out of memory).
 */
int ep_targets_add(struct ep_targets *t, const char *arg, const char *source,
    char *err, size_t errlen);

/*
 * Appends the targets of the file at path ("-": standard input), one a
 * line: blanks around a target are ignored, and so are blank lines and
 * lines starting with '#'.  Returns 0, or -1 with "FILE[:LINE]: why" in
 * err (unreadable, a line over EP_TARGET_LINE_MAX bytes, too many).  What
 * is wrong with a target itself is told by ep_targets_plan, with
 * "FILE:LINE:" too.
 */
int ep_targets_read(struct ep_targets *t, const char *path, char *err,
    size_t errlen);

/*
 * Returns how many targets the list holds.
 */
size_t ep_targets_count(const struct ep_targets *t);

/*
 * Splits "HOST", "HOST:PORT", "ADDR", "ADDR:PORT", "[ADDR6]:PORT" or a
 * bare IPv6 address: host into host (hostlen bytes), the port into *port
 * (0 when none).  source begins the errors ("argument", "FILE:LINE:").
 * Returns 0, or -1 with a reason in err.  The host's syntax is not
 * checked here.
 */
int ep_target_split(const char *arg, const char *source, char *host,
    size_t hostlen, uint16_t *port, char *err, size_t errlen);

/*
 * Puts every target into plan, in order, each in a group of its own: a
 * name to discover (ep_plan_add_discovery) when the profile's arguments
 * are SIP domains, else a generic target on its own port, or the role's.
 * Each must be a host name to look up (ep_host_problem), or in a profile
 * of hosts an IP address too.  Returns 0, or -1 with a reason in err,
 * which begins "FILE:LINE:" for a target of a file, "argument" for one
 * of the command line.
 */
int ep_targets_plan(const struct ep_targets *t, struct ep_plan *plan,
    char *err, size_t errlen);

#endif /* EP_TARGETS_H */
