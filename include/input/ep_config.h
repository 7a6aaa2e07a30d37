#ifndef EP_CONFIG_H
#define EP_CONFIG_H

#include <stddef.h>
#include <time.h>

#include "input/ep_plan.h"

/*
 * Deployment files (edgeprobe.conf(5)): INI files naming the SIP domains,
 * the profile, and per edge pool or reverse proxy the FQDNs of each role,
 * published names, ports and explicit pool members.  A file is read and
 * checked whole before anything is applied: an unknown key or a bad value
 * is an error with file:line.
 */

#define EP_CONFIG_FILES_MAX	16		/* -f given this often */
#define EP_CONFIG_FILE_MAX	(1024 * 1024)	/* bytes of one file */
#define EP_CONFIG_SECTIONS_MAX	1024		/* sections of one file */

struct ep_config;

/*
 * The time limits a file (or a flag of the same name) may set.  Each is
 * from 0.1 to 3600 seconds, kept in milliseconds.
 */
enum ep_limit {
	EP_LIMIT_TIMEOUT,	/* "timeout": connect + handshake of a probe */
	EP_LIMIT_CONNECT,	/* "connect-timeout": the TCP connect */
	EP_LIMIT_HANDSHAKE,	/* "handshake-timeout": the TLS handshake */
	EP_LIMIT_DNS,		/* "dns-timeout": a DNS question, all its
				   tries together */
	EP_LIMIT_RUN,		/* "run-timeout": discovery and every probe */
	EP_LIMIT_FETCH,		/* "fetch-timeout": one HTTP fetch (OCSP,
				   CRL, AIA issuer), its wait included */
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

/*
 * When a certificate's coming expiry is reported: a number of days
 * before its not-after, or a share of its lifetime (not-before to
 * not-after) left, the way ACME clients renew with a third of it left: a
 * fixed 30 days would keep a 47-day certificate in warning for good.
 */
struct ep_threshold {
	int	value;		/* days, or percent; -1 when unset */
	int	percent;	/* 1: value is a share of the lifetime, 1-99 */
};

#define EP_DAYS_MAX	36500	/* a threshold of days at most */

/*
 * Parses "N" (days, 0 to EP_DAYS_MAX) or "N%" (1 to 99 percent of the
 * lifetime) into *out.  Returns 0, or -1 with "NAME 'S': expected ..." in
 * err, name being the flag or key.
 */
int ep_threshold_parse(const char *name, const char *s,
    struct ep_threshold *out, char *err, size_t errlen);

/*
 * Returns the seconds before not_after at which a certificate valid from
 * not_before crosses t (t set).
 */
long long ep_threshold_seconds(const struct ep_threshold *t,
    time_t not_before, time_t not_after);

/*
 * Writes t as given: "30" or "33%".
 */
void ep_threshold_text(const struct ep_threshold *t, char *out,
    size_t outlen);

/*
 * Settings that flags and files may give: those one file gives
 * (ep_config_settings), or a run's, merged from flags, files and defaults
 * by ep_settings_init, ep_settings_fill and ep_settings_finish.
 */
struct ep_settings {
	const char	*profile;	/* a name or path; NULL when unset */
	const char	*dns;		/* servers as --dns takes them; NULL
					   when unset */
	const char	*ca_file;	/* NULL when unset */
	const char	*internal_ca;	/* NULL when unset */
	struct ep_threshold warn;	/* expires-soon: a warning */
	struct ep_threshold crit;	/* expires-soon: critical */
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
 * Returns the settings the file gives, the others unset; the strings
 * live as long as c.
 */
const struct ep_settings *ep_config_settings(const struct ep_config *c);

/*
 * Makes every setting of s unset.  Then flags set what they give, and
 * ep_settings_fill and ep_settings_finish do the rest.
 */
void ep_settings_init(struct ep_settings *s);

/*
 * Sets what is unset in s to what file c gives, so that a flag wins over
 * every file and, filled in the order given, a file over those after it.
 * The strings are c's: c must outlive s.
 */
void ep_settings_fill(struct ep_settings *s, const struct ep_config *c);

/*
 * Sets what is still unset in s to its default: profile lync2013, 30
 * warn days, 7 crit days, a timeout of 5 s, and a DNS timeout of the
 * timeout but at most 2 s.  The DNS servers, the CA files and the other
 * time limits stay unset: the system's, and no limit of their own.
 */
void ep_settings_finish(struct ep_settings *s);

/*
 * Adds the file's SIP domains, targets (with their ports and members) and
 * published names to plan, each target's source being "path:line".
 * Returns 0, or -1 with a reason in err.
 */
int ep_config_apply(const struct ep_config *c, struct ep_plan *plan, char *err,
    size_t errlen);

#endif /* EP_CONFIG_H */
