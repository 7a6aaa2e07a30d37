#ifndef EP_TRUST_H
#define EP_TRUST_H

#include <stddef.h>

#include "x509/ep_cert.h"

/*
 * Trust anchors and chain verification.  GnuTLS's trust lists do the
 * verifying; this module decides which list applies and tells an
 * incomplete chain from an untrusted one.
 *
 * In a CA file, self-signed certificates are anchors; other CA
 * certificates are known intermediates, used only to complete a chain a
 * server sent short, so that a missing intermediate is named as such.
 */

struct ep_trust;

/*
 * Loads the anchors: ca_file replaces the system store when not NULL;
 * internal_ca, when not NULL, holds anchors accepted only where a role
 * allows an internal CA.  Reads the files now, before any network use.
 * Returns 0, or -1 with a one-line reason in err.
 */
int ep_trust_new(struct ep_trust **out, const char *ca_file,
    const char *internal_ca, char *err, size_t errlen);

/*
 * Frees the store; t may be NULL.
 */
void ep_trust_free(struct ep_trust *t);

/* What verification of one presented chain found. */
struct ep_trust_result {
	int	trusted;	/* the chain (completed if need be) reaches an anchor */
	int	anchor_internal;	/* the chain reaches an internal anchor and
					   no public one */
	int	self_signed;	/* the leaf is self-signed and alone */
	int	incomplete;	/* the server omitted an intermediate the chain needs */
	int	completed;	/* ...which was found among the known intermediates, so
				   trusted says whether the completed chain verifies */
	char	missing[EP_CERT_DN_MAX];	/* DN of the first certificate not sent */
	char	reason[512];	/* why the chain is not trusted, for people */
};

/*
 * Verifies chain (n certificates, leaf first, as the server sent them)
 * against the public anchors, and also against the internal anchors when
 * allow_internal is set.  Validity dates are not checked here: the rules
 * check them against their own clock.  Fills *res.  Returns 0, or -1 on
 * an internal error (out of memory).
 */
int ep_trust_verify(const struct ep_trust *t, const struct ep_cert *const *chain,
    size_t n, int allow_internal, struct ep_trust_result *res);

#endif /* EP_TRUST_H */
