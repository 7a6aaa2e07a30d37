#ifndef EP_REVCHECK_H
#define EP_REVCHECK_H

#include <stddef.h>
#include <time.h>

#include "x509/ep_cert.h"

/*
 * What the rules found of each certificate's revocation, method by
 * method, for the reports: the findings say what is wrong; these say
 * what was checked, and how it came out, when nothing is.
 */

enum ep_rev_method {
	EP_REVM_OCSP_STAPLED,	/* the response the server stapled */
	EP_REVM_OCSP,		/* a response fetched from the AIA's URL */
	EP_REVM_CRL,		/* a CRL fetched from a distribution point */
	EP_REVM_OCSP_FILE,	/* --ocsp-response */
	EP_REVM_CRL_FILE,	/* --crl */
	EP_REVM__MAX
};

enum ep_rev_outcome {
	EP_REVO_GOOD,
	EP_REVO_REVOKED,
	EP_REVO_UNKNOWN,	/* the responder does not know it */
	EP_REVO_INVALID,	/* the answer cannot be used */
	EP_REVO_UNREACHABLE,	/* it could not be fetched */
	EP_REVO_NOT_CHECKED,	/* not fetched: --no-fetch, or a URL of
				   another scheme (ldap:) */
	EP_REVO__MAX
};

/* One method's check of one certificate of an endpoint's path. */
struct ep_revcheck {
	size_t			 obs;		/* observation index */
	size_t			 depth;		/* 0: the leaf; 1: its issuer... */
	const struct ep_cert	*cert;		/* that certificate; lives as
						   long as the observations and
						   the trust store */
	enum ep_rev_method	 method;
	enum ep_rev_outcome	 outcome;
	const char		*url;		/* the URL or file; NULL when
						   stapled.  Lives as long as the
						   observations */
	time_t			 this_update;	/* 0: not known */
	time_t			 next_update;	/* 0: none */
	time_t			 revoked_at;	/* EP_REVO_REVOKED */
	char			 reason[48];	/* a revocation's, or "" */
	char			 why[160];	/* invalid, unreachable, not
						   checked: why */
};

struct ep_revchecks {
	struct ep_revcheck	*v;
	size_t			 n;
	size_t			 cap;
};

/*
 * Appends a copy of c.  Returns 0, or -1 when out of memory.
 */
int ep_revchecks_add(struct ep_revchecks *r, const struct ep_revcheck *c);

/*
 * Frees the list and leaves it empty; r may be NULL.
 */
void ep_revchecks_clear(struct ep_revchecks *r);

/*
 * Returns "ocsp-stapled", "ocsp", "crl", "ocsp-file", "crl-file"; and
 * "good", "revoked", "unknown", "invalid", "unreachable", "not-checked".
 */
const char *ep_rev_method_name(enum ep_rev_method m);
const char *ep_rev_outcome_name(enum ep_rev_outcome o);

#endif /* EP_REVCHECK_H */
