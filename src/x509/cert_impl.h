#ifndef EP_CERT_IMPL_H
#define EP_CERT_IMPL_H

/*
 * What the certificate layer (src/x509) shares and no other sees:
 * GnuTLS's parse of a certificate, for chain verification.
 */

#include <gnutls/x509.h>

#include "x509/ep_cert.h"

/*
 * Returns GnuTLS's parse of c, which lives as long as c.
 */
gnutls_x509_crt_t ep_cert_crt(const struct ep_cert *c);

#endif /* EP_CERT_IMPL_H */
