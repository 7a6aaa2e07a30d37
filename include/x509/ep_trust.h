#ifndef EP_TRUST_H
#define EP_TRUST_H

#include <stddef.h>
#include <time.h>

#include "x509/ep_cert.h"

/*
 * Trust anchors and certification paths.  From what a server or a file
 * presents, in whatever order, this module builds the path a client
 * builds: from the leaf through the certificates presented (and the
 * intermediates the CA files hold, as a client that fetches them would)
 * to an anchor, preferring a path that reaches an anchor the role
 * accepts, then one whose certificates are all valid at the moment
 * judged, then one that needs nothing the server did not send, then the
 * shortest.  GnuTLS's trust lists verify the path chosen; this module
 * explains a failure: a missing intermediate, a self-signed leaf, an
 * unknown root.
 *
 * In a CA file, self-signed certificates are anchors; other CA
 * certificates are known intermediates.  The system store's anchors are
 * read once, at ep_trust_new.
 */

#define EP_TRUST_PATH_MAX	16	/* certificates of a path, the anchor
					   not counted */
#define EP_TRUST_SENT_MAX	16	/* certificates of a chain judged */
#define EP_TRUST_FILE_MAX	4096	/* certificates of one CA file: a
					   file of more is refused */

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
	/* The path, leaf first, each certificate issued by the next. */
	const struct ep_cert	*path[EP_TRUST_PATH_MAX];
	int			 path_sent[EP_TRUST_PATH_MAX];	/* presented;
						   else a known intermediate, or
						   one fetched: */
	int			 path_fetched[EP_TRUST_PATH_MAX];	/* from
						   an AIA caIssuers URL */
	size_t			 npath;
	const struct ep_cert	*anchor;	/* that issued the path's top, or
						   NULL when none did */
	size_t			 extra[EP_TRUST_SENT_MAX];	/* presented but
						   not on the path: indexes
						   into the chain given */
	size_t			 nextra;
	int			 in_order;	/* the leaf first, then the path's
						   presented certificates in path
						   order (TLS 1.2's rule) */
	int	trusted;	/* the path reaches an anchor the role accepts and
				   GnuTLS verifies it */
	int	anchor_internal;	/* it reaches an internal anchor (which
					   the role may not accept) */
	int	self_signed;	/* the leaf is self-signed and alone */
	int	incomplete;	/* the path needs a certificate not presented */
	int	completed;	/* ...found among the known intermediates, and
				   the path reaches an anchor with it */
	int	constraints;	/* GnuTLS refuses the path for a certificate
				   outside a CA's name constraints, and for
				   nothing else */
	char	missing[EP_CERT_DN_MAX];	/* DN of the first certificate
						   not presented */
	char	reason[512];	/* why the chain is not trusted, for people */
};

/*
 * Finds the leaf among n presented certificates, as a client would in a
 * file of any order: the one that issued none of the others, a
 * certificate that is not a CA's before one that is, the first of equals;
 * never a malformed one.  Returns its index (0 when there is none).
 */
size_t ep_trust_leaf(const struct ep_cert *const *chain, size_t n);

/*
 * Builds and verifies the path of chain (n well-formed certificates as
 * presented, chain[leaf] the leaf) against the public anchors, and also
 * the internal ones when allow_internal is set, preferring certificates
 * valid at the moment at.  fetched (nfetched, may be NULL) are issuers
 * fetched from AIA caIssuers URLs: a path may use them as a client that
 * fetches them would, after the CA files' intermediates.  Validity dates
 * are not otherwise judged here: the rules judge them against their own
 * clock.  Fills *res.  Returns 0, or -1 on an internal error (out of
 * memory).
 */
int ep_trust_verify(const struct ep_trust *t, const struct ep_cert *const *chain,
    size_t n, size_t leaf, const struct ep_cert *const *fetched,
    size_t nfetched, int allow_internal, time_t at,
    struct ep_trust_result *res);

/*
 * The anchor or known intermediate (of the CA files) that issued c, an
 * internal one only when allow_internal; NULL when none did.
 */
const struct ep_cert *ep_trust_issuer(const struct ep_trust *t,
    const struct ep_cert *c, int allow_internal);

#endif /* EP_TRUST_H */
