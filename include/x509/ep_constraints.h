#ifndef EP_CONSTRAINTS_H
#define EP_CONSTRAINTS_H

#include <stddef.h>

#include "x509/ep_cert.h"

/*
 * Name constraints across certificates: whether a CA's nameConstraints
 * allow another certificate's names, as GnuTLS's name constraints API
 * judges them.  Only dNSName and iPAddress names are checked, the ones
 * TLS clients match.
 */

#define EP_CONSTRAINT_NAME_MAX	300	/* a name as text, cut */

/*
 * Checks the names of c against the name constraints of ca.  Those of an
 * end entity (leaf nonzero) are its dNSName and iPAddress SANs, or its
 * subject CN when it has no dNSName and may be a TLS server, as GnuTLS's
 * verifier checks a leaf; those of a CA are its dNSName and iPAddress
 * SANs only, as its CN is no host name.  Returns 1 when every name is
 * allowed (or ca has no constraints GnuTLS reads), 0 when one is not,
 * written into name (a DNS name, an IP address, or "CN=" and the CN), or
 * -1 when out of memory.
 */
int ep_cert_within_constraints(const struct ep_cert *ca,
    const struct ep_cert *c, int leaf, char *name, size_t namelen);

/*
 * Returns 1 when c names issuer as its issuer (issuer's subject is c's
 * issuer, and c's authorityKeyIdentifier, if any, is issuer's key), 0
 * otherwise.  No signature is verified: GnuTLS's verifier fails a
 * certificate its issuer's constraints exclude, and that issuer is the
 * one above it all the same.
 */
int ep_cert_names_issuer(const struct ep_cert *c, const struct ep_cert *issuer);

#endif /* EP_CONSTRAINTS_H */
