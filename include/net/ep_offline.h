#ifndef EP_OFFLINE_H
#define EP_OFFLINE_H

#include <stddef.h>

#include "net/ep_observe.h"
#include "input/ep_plan.h"

/*
 * Pre-go-live checks: a chain file, a PKCS#12 (PFX) file or a certificate
 * request becomes observations that the same rules judge as a live probe,
 * with no network at all.
 */

#define EP_OFFLINE_PFX_MAX	(1024 * 1024)	/* bytes of a PFX (real: KBs) */
#define EP_OFFLINE_CSR_MAX	(256 * 1024)	/* bytes of a request */
#define EP_OFFLINE_PASSWORD_MAX	1024	/* bytes of a PFX password: the
					   first line of its file, or the
					   environment's */
/*
 * What a PFX may hold: parts (safe contents), certificates and private
 * keys, and the rounds of key derivation it may ask for, for its MAC or
 * any encrypted part.  Exporters use 2048 to 600000 rounds; a hostile
 * file could ask for four billion and hold edgeprobe for hours.  Past any
 * of these the file is refused, as is a chain file of more than
 * EP_CHAIN_MAX certificates or a PFX whose chain would be longer.
 */
#define EP_PFX_BAGS_MAX		64
#define EP_PFX_CERTS_MAX	64
#define EP_PFX_KEYS_MAX		8
#define EP_PFX_ITER_MAX		(2 * 1000 * 1000)

enum ep_offline_input {
	EP_OFFLINE_CHAIN,	/* PEM or DER certificates, leaf first */
	EP_OFFLINE_PFX,		/* PKCS#12 with key and chain */
	EP_OFFLINE_CSR,		/* PKCS#10 request, PEM or DER */
};

struct ep_offline {
	enum ep_offline_input	 input;
	const char		*path;		/* the file to judge */
	const char		*password;	/* PFX only; NULL for none */
};

/*
 * Reads the file and adds one observation of kind EP_OBS_CHAIN, _PFX or
 * _CSR for every target of role in plan (port 0, no address, port_flags
 * the union of the role's, file the path), so that each name's rules
 * apply to the one certificate.  Returns 0, or -1 with a one-line reason
 * in err, "FILE: why" (unreadable, malformed or oversized file -- chain
 * files up to EP_CERT_FILE_MAX bytes --, wrong PFX password, a PFX asking
 * for hostile amounts of key derivation, a request whose signature does
 * not verify) or "no --ROLE name given to judge FILE against".
 *
 * A chain file is PEM or DER, leaf first, as ep_certs_load_file reads it.
 *
 * A PFX's chain starts with the certificate of its private key, else the
 * first end-entity certificate, else its first certificate; then that
 * certificate's issuers in the file, in path order, then its other CA
 * certificates.  has_key says whether it holds a private key, key_matches
 * whether one of its keys belongs to chain[0].  Without a password (NULL),
 * the empty and the absent password are tried.  The password is never
 * copied or put in err.
 *
 * A request's chain is one stand-in certificate: the request's subject,
 * extensions and public key, issued by "CN=edgeprobe request stand-in",
 * valid from 1970 to 9999, signed by a key made for it and thrown away.
 */
int ep_offline_observe(const struct ep_plan *plan, enum ep_role role,
    const struct ep_offline *in, struct ep_observations *out, char *err,
    size_t errlen);

#endif /* EP_OFFLINE_H */
