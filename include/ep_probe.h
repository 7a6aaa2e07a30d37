#ifndef EP_PROBE_H
#define EP_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include <gnutls/gnutls.h>

#include "ep_observe.h"
#include "ep_resolve.h"

/*
 * One TCP connect and TLS handshake, non-blocking, as a step function the
 * caller's poll loop drives.  It records what it saw and judges nothing.
 */

struct ep_probe;

/*
 * Starts connecting to addr:port, to handshake with SNI sni (not sent
 * when sni is an IP literal).  now_ms is the monotonic time now; the
 * probe gives up at deadline_ms.  A connect that fails at once is not an error: the
 * probe is then done with EP_OBS_CONNECT_FAILED.  Returns 0, or -1 with a
 * reason in err when out of memory or descriptors.
 */
int ep_probe_new(struct ep_probe **out, const char *sni,
    const struct ep_addr *addr, uint16_t port,
    gnutls_certificate_credentials_t cred, const char *priority,
    int64_t now_ms, int64_t deadline_ms, char *err, size_t errlen);

/*
 * Frees the probe and closes its socket; p may be NULL.
 */
void ep_probe_free(struct ep_probe *p);

/*
 * Returns the socket to poll, or -1 when the probe is done.
 */
int ep_probe_fd(const struct ep_probe *p);

/*
 * Returns the poll events the probe waits for (POLLIN or POLLOUT), 0 when
 * it is done.
 */
short ep_probe_events(const struct ep_probe *p);

/*
 * Returns the probe's deadline (monotonic milliseconds).
 */
int64_t ep_probe_deadline(const struct ep_probe *p);

/*
 * Advances the probe with the events poll reported (0 when only time
 * passed).  Past the deadline the probe ends as EP_OBS_TIMEOUT.
 */
void ep_probe_step(struct ep_probe *p, short revents, int64_t now_ms);

/*
 * Returns 1 when the probe is done.
 */
int ep_probe_done(const struct ep_probe *p);

/*
 * Fills obs's status, error, TLS fields and chain (added to certs) from a
 * done probe; the caller fills target, port and address.  A certificate
 * the store refuses (unparseable, too large) makes the observation
 * EP_OBS_HANDSHAKE_FAILED: a hostile server's bytes are an observation,
 * not an error.
 */
void ep_probe_result(const struct ep_probe *p, struct ep_obs *obs,
    struct ep_certs *certs);

#endif /* EP_PROBE_H */
