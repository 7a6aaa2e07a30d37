#ifndef EP_PROBE_H
#define EP_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "input/ep_dns.h"
#include "net/ep_observe.h"

/*
 * One TCP connect and TLS handshake, non-blocking, as a step function the
 * caller's event loop drives.  It records what it saw and judges nothing.
 * Deadlines are the caller's: it ends a probe that ran out of time with
 * ep_probe_expire().
 *
 * The handshake stops as soon as everything the probe records is known,
 * and the probe is then done with EP_OBS_OK and the chain.  In TLS 1.3
 * that is when GnuTLS runs the certificate verify callback, after the
 * server's CertificateVerify (proof that it holds the key) was checked
 * and a CertificateRequest, if any, was seen.  In TLS 1.2 and older it is
 * when ServerHelloDone arrives, after the ServerKeyExchange signature was
 * checked and a CertificateRequest, if any, was seen.  What is not done:
 * the server's Finished is not awaited (with RSA key exchange, which has
 * no ServerKeyExchange, that was the only proof of the key), and the
 * client sends neither its key exchange nor its Finished.  A probe made
 * with full set completes the handshake instead, as a TLS client would.
 */

/*
 * What a server may send: a handshake message (its Certificate, or a
 * CertificateRequest listing the CAs it takes) of at most
 * EP_PROBE_MESSAGE_MAX bytes -- a larger one fails the handshake, saying
 * so -- and of its chain the first EP_CHAIN_MAX certificates are kept,
 * the others counted (chain_sent).  Every probe in flight may hold a
 * message that large: with EP_ENGINE_INFLIGHT_DEFAULT of them, a quarter
 * of a GiB at most.
 */
#define EP_PROBE_MESSAGE_MAX	(256 * 1024)
#define EP_PROBE_STAPLE_MAX	(64 * 1024)	/* bytes of a stapled OCSP
						   response kept */

struct ep_probe;

/* What every probe of a run shares: TLS credentials and priorities. */
struct ep_tls;

/*
 * Makes the shared TLS settings: priority is a GnuTLS priority string
 * (NULL: GnuTLS's default).  A probe sends one TLS 1.3 key share, for the
 * priority's first group.  Returns 0, or -1 with a reason in err (a bad
 * priority string says where it is bad).
 */
int ep_tls_new(struct ep_tls **out, const char *priority, char *err,
    size_t errlen);

/*
 * Frees the settings; t may be NULL.  No probe made with them may be left.
 */
void ep_tls_free(struct ep_tls *t);

enum ep_probe_phase {
	EP_PROBE_CONNECTING,	/* the TCP connect is in progress */
	EP_PROBE_HANDSHAKING,	/* the TLS handshake is in progress */
	EP_PROBE_DONE,		/* ep_probe_result() may be called */
};

/*
 * Starts connecting to addr:port, to handshake with SNI sni (not sent
 * when sni is an IP literal) under tls.  full: complete the handshake
 * (see above).  now_ms is the monotonic time now.  A connect that fails
 * at once is not an error: the probe is then done with
 * EP_OBS_CONNECT_FAILED.  Returns 0, or -1 with errno set (EMFILE or
 * ENFILE when out of descriptors, ENOMEM...) and a reason in err: a
 * failure of this host, not of the server.
 */
int ep_probe_new(struct ep_probe **out, const char *sni,
    const struct ep_addr *addr, uint16_t port, const struct ep_tls *tls,
    int full, int64_t now_ms, char *err, size_t errlen);

/*
 * Frees the probe and closes its socket; p may be NULL.
 */
void ep_probe_free(struct ep_probe *p);

/*
 * Returns the socket to wait on, or -1 when the probe is done (the socket
 * is closed as soon as the probe is done).
 */
int ep_probe_fd(const struct ep_probe *p);

/*
 * Returns the poll events the probe waits for (POLLIN or POLLOUT), 0 when
 * it is done.
 */
short ep_probe_events(const struct ep_probe *p);

/*
 * Returns where the probe is.
 */
enum ep_probe_phase ep_probe_phase(const struct ep_probe *p);

/*
 * Advances the probe with the poll events its socket reported (POLLIN,
 * POLLOUT, POLLERR, POLLHUP; nonzero).  now_ms is the monotonic time now.
 */
void ep_probe_step(struct ep_probe *p, short revents, int64_t now_ms);

/*
 * Ends a probe that is not done as EP_OBS_TIMEOUT, why saying what did
 * not happen in time.
 */
void ep_probe_expire(struct ep_probe *p, int64_t now_ms, const char *why);

/*
 * Ends a probe that is not done as EP_OBS_INTERRUPTED: the run was
 * stopped, why saying in which phase.  Its socket is closed.
 */
void ep_probe_interrupt(struct ep_probe *p, int64_t now_ms, const char *why);

/*
 * Fills obs's status, error, TLS fields and chain (added to certs) from a
 * done probe; the caller fills target, port and address.  A certificate
 * the store refuses (unparseable, too large) makes the observation
 * EP_OBS_HANDSHAKE_FAILED: a hostile server's bytes are an observation,
 * not an error.
 */
void ep_probe_result(const struct ep_probe *p, struct ep_obs *obs,
    struct ep_certs *certs);

/*
 * The OCSP response the server stapled (DER, *len bytes), valid until the
 * probe is freed, or NULL when it stapled none (*len 0) or one over
 * EP_PROBE_STAPLE_MAX bytes, not kept (*len its size).
 */
const unsigned char *ep_probe_staple(const struct ep_probe *p, size_t *len);

#endif /* EP_PROBE_H */
