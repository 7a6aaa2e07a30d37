#ifndef EP_CONFIG_H
#define EP_CONFIG_H

#include <stddef.h>

#include "input/ep_plan.h"

/*
 * Deployment files (edgeprobe.conf(5)): INI files naming the SIP domains,
 * the profile, and per edge pool or reverse proxy the FQDNs of each role,
 * published names, ports and explicit pool members.  A file is read and
 * checked whole before anything is applied: an unknown key or a bad value
 * is an error with file:line.
 */

struct ep_config;

/*
 * The time limits a file (or a flag of the same name) may set.  Each is
 * from 0.1 to 3600 seconds, kept in milliseconds.
 */
enum ep_limit {
	EP_LIMIT_TIMEOUT,	/* "timeout": connect + handshake of a probe */
	EP_LIMIT_CONNECT,	/* "connect-timeout": the TCP connect */
	EP_LIMIT_HANDSHAKE,	/* "handshake-timeout": the TLS handshake */
	EP_LIMIT_DNS,		/* "dns-timeout": one try of a DNS query */
	EP_LIMIT_RUN,		/* "run-timeout": discovery and every probe */
	EP_LIMIT__MAX
};

#define EP_LIMIT_S_MIN	0.1
#define EP_LIMIT_S_MAX	3600.0

/*
 * Parses a time limit s in seconds (a flag's value or a file key's) into
 * *ms, rounded to the millisecond: 1.005 is 1004.99... in binary.
 * Returns 0, or -1 with "NAME 'S': expected seconds from 0.1 to 3600" in
 * err, name being the flag or key.
 */
int ep_limit_parse(const char *name, const char *s, unsigned *ms, char *err,
    size_t errlen);

/* Settings a file may give; flags on the command line override them. */
struct ep_config_settings {
	const char	*profile;	/* NULL when the file names none */
	const char	*dns;		/* NULL when unset */
	const char	*ca_file;
	const char	*internal_ca;
	int		 warn_days;	/* -1 when unset */
	int		 crit_days;	/* -1 when unset */
	unsigned	 limit_ms[EP_LIMIT__MAX];	/* 0 when unset */
};

/*
 * Reads and checks the file at path.  Returns 0 and sets *out (free with
 * ep_config_free), or -1 with "path:line: reason" in err.
 */
int ep_config_load(const char *path, struct ep_config **out, char *err,
    size_t errlen);

/*
 * Frees a configuration; c may be NULL.
 */
void ep_config_free(struct ep_config *c);

/*
 * Returns the file's settings; the strings live as long as c.
 */
const struct ep_config_settings *ep_config_settings(const struct ep_config *c);

/*
 * Adds the file's SIP domains, targets (with their ports and members) and
 * published names to plan, each target's source being "path:line".
 * Returns 0, or -1 with a reason in err.
 */
int ep_config_apply(const struct ep_config *c, struct ep_plan *plan, char *err,
    size_t errlen);

#endif /* EP_CONFIG_H */
