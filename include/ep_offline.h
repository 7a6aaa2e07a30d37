#ifndef EP_OFFLINE_H
#define EP_OFFLINE_H

#include <stddef.h>

#include "ep_observe.h"
#include "ep_plan.h"

/*
 * Pre-go-live checks: a chain file, a PKCS#12 (PFX) file or a certificate
 * request becomes observations that the same rules judge as a live probe,
 * with no network at all.
 */

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
 * the union of the role's), so that each name's rules apply to the one
 * certificate.  Returns 0, or -1 with a one-line reason in err (unreadable
 * or malformed file, wrong PFX password, no target of the role).
 */
int ep_offline_observe(const struct ep_plan *plan, enum ep_role role,
    const struct ep_offline *in, struct ep_observations *out, char *err,
    size_t errlen);

#endif /* EP_OFFLINE_H */
