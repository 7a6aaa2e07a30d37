/*
 * One probe: a non-blocking TCP connect and TLS handshake, stepped by the
 * caller's event loop.  It records what the server presented and judges
 * nothing.  GnuTLS's certificate verify callback and a handshake hook
 * record the chain and end the handshake as soon as nothing more is to
 * be learnt (see ep_probe.h).
 */

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "input/ep_hostname.h"
#include "net/ep_probe.h"
#include "x509/ep_trust.h"

#define EP_PROBE_RETRIES	16	/* non-fatal handshake returns in a row */
#define EP_PROBE_STOP		GNUTLS_E_USER_ERROR	/* the hook's way out */
#define EP_HELLO_RANDOM		32	/* ServerHello: random after version */

struct ep_tls {
	gnutls_certificate_credentials_t cred;	/* verifies nothing: the
						   rules judge the chain */
	gnutls_priority_t		 prio;
};

struct ep_probe {
	int			 fd;
	enum ep_probe_phase	 phase;
	short			 events;	/* what poll should wait for */
	int			 full;		/* complete the handshake */
	int			 stopped;	/* ended early, all recorded */
	int			 bad_chain;	/* the chain was not kept */
	int64_t			 started;
	gnutls_session_t	 s;
	enum ep_obs_status	 status;
	char			 error[256];
	char			 version[16];
	int			 proto;		/* gnutls_protocol_t */
	char			 cipher[96];
	int			 ccr;		/* client cert requested */
	gnutls_datum_t		 chain[EP_CHAIN_MAX];	/* copies of the DER */
	size_t			 chain_len;
	size_t			 chain_sent;	/* in the Certificate message */
	gnutls_datum_t		 staple;	/* a copy of the OCSP response
						   the server stapled, or none */
	size_t			 staple_over;	/* the size of one not kept */
	unsigned char		*raw;		/* the Certificate message as
						   received, until the probe
						   ends */
	size_t			 rawlen;
	unsigned		 elapsed_ms;
};

/* The trust module judges every certificate a probe keeps. */
_Static_assert(EP_CHAIN_MAX <= EP_TRUST_SENT_MAX, "chains kept but not judged");

static void
finish(struct ep_probe *p, enum ep_obs_status st, int64_t now, const char *why)
{
	p->status = st;
	if (why != NULL)
		snprintf(p->error, sizeof(p->error), "%s", why);
	p->phase = EP_PROBE_DONE;
	p->events = 0;
	p->elapsed_ms = (unsigned)(now - p->started);
	free(p->raw);
	p->raw = NULL;
	if (p->s != NULL) {
		gnutls_deinit(p->s);
		p->s = NULL;
	}
	if (p->fd != -1) {
		close(p->fd);
		p->fd = -1;
	}
}

static void
drop_chain(struct ep_probe *p)
{
	size_t	i;

	for (i = 0; i < p->chain_len; i++)
		free(p->chain[i].data);
	p->chain_len = 0;
	p->chain_sent = 0;
}

/*
 * Keeps copies: the session's own are gone once it is deinitialized.
 * The first EP_CHAIN_MAX, all of them or none; the others are counted.
 * A certificate of any size is kept: the message bounds it, and the
 * store tells one over its own limit.
 */
static int
keep_chain(struct ep_probe *p)
{
	const gnutls_datum_t	*peers;
	unsigned		 n = 0, i;

	if (p->chain_len > 0)
		return 0;
	peers = gnutls_certificate_get_peers(p->s, &n);
	if (peers == NULL || n == 0)
		return -1;
	for (i = 0; i < n && i < EP_CHAIN_MAX; i++) {
		if (peers[i].size == 0 ||
		    (p->chain[i].data = malloc(peers[i].size)) == NULL) {
			drop_chain(p);
			return -1;
		}
		memcpy(p->chain[i].data, peers[i].data, peers[i].size);
		p->chain[i].size = peers[i].size;
		p->chain_len++;
	}
	p->chain_sent = n;
	return 0;
}

/*
 * The OCSP response the server stapled for its certificate, if any: in
 * TLS 1.3 with the Certificate, in 1.2 in CertificateStatus, before
 * ServerHelloDone.  GnuTLS asks for one by default.
 */
static void
keep_staple(struct ep_probe *p)
{
	gnutls_datum_t	d = { NULL, 0 };

	if (p->staple.data != NULL ||
	    gnutls_ocsp_status_request_get2(p->s, 0, &d) < 0 || d.size == 0)
		return;
	if (d.size > EP_PROBE_STAPLE_MAX) {
		p->staple_over = d.size;
		return;
	}
	if ((p->staple.data = malloc(d.size)) == NULL)
		return;
	memcpy(p->staple.data, d.data, d.size);
	p->staple.size = d.size;
}

/* The version is known from the ServerHello on. */
static void
keep_version(struct ep_probe *p)
{
	const char	*v;

	p->proto = gnutls_protocol_get_version(p->s);
	v = gnutls_protocol_get_name(p->proto);
	snprintf(p->version, sizeof(p->version), "%s", v ? v : "?");
}

/*
 * Names the suite of a ServerHello (version, random, session ID, suite)
 * from its bytes: gnutls_ciphersuite_get() says nothing until a handshake
 * completes, and an early stop never completes one.
 */
static void
keep_suite(struct ep_probe *p, const gnutls_datum_t *msg)
{
	const char	*name;
	unsigned char	 id[2];
	size_t		 off = 2 + EP_HELLO_RANDOM, i;

	if (msg->size < off + 1 || msg->size < off + 1 + msg->data[off] + 2)
		return;
	off += 1 + msg->data[off];
	for (i = 0; (name = gnutls_cipher_suite_info(i, id, NULL, NULL, NULL,
	    NULL)) != NULL; i++) {
		if (id[0] == msg->data[off] && id[1] == msg->data[off + 1]) {
			snprintf(p->cipher, sizeof(p->cipher), "%s", name);
			return;
		}
	}
	snprintf(p->cipher, sizeof(p->cipher), "0x%02X%02X",
	    msg->data[off], msg->data[off + 1]);
}

/*
 * GnuTLS's verify callback: the server's Certificate is in, and in TLS
 * 1.3 its CertificateVerify checked too, which leaves only Finished.
 */
static int
got_certificate(gnutls_session_t s)
{
	struct ep_probe	*p = gnutls_session_get_ptr(s);

	keep_version(p);
	if (keep_chain(p) == -1) {
		p->bad_chain = 1;
		return -1;
	}
	keep_staple(p);
	if (p->full || p->proto != GNUTLS_TLS1_3)
		return 0;
	p->ccr = gnutls_certificate_client_get_request_status(s) != 0;
	p->stopped = 1;
	return 1;
}

/*
 * Every handshake message, once processed.  In TLS 1.2 and older the
 * server's first flight ends with ServerHelloDone, its key exchange
 * signature checked and any CertificateRequest seen.
 */
static int
got_message(gnutls_session_t s, unsigned htype, unsigned when,
    unsigned incoming, const gnutls_datum_t *msg)
{
	struct ep_probe	*p = gnutls_session_get_ptr(s);

	if (!incoming)
		return 0;
	/*
	 * The server's Certificate as received, before GnuTLS parses it: a
	 * certificate GnuTLS cannot parse ends the handshake, and is then
	 * still what the server presented.
	 */
	if (when == GNUTLS_HOOK_PRE) {
		if (htype == GNUTLS_HANDSHAKE_CERTIFICATE_PKT && p->raw == NULL &&
		    msg->size <= EP_PROBE_MESSAGE_MAX && msg->size > 0 &&
		    (p->raw = malloc(msg->size)) != NULL) {
			memcpy(p->raw, msg->data, msg->size);
			p->rawlen = msg->size;
		}
		return 0;
	}
	if (htype == GNUTLS_HANDSHAKE_SERVER_HELLO)
		keep_suite(p, msg);
	if (htype != GNUTLS_HANDSHAKE_SERVER_HELLO_DONE || p->full ||
	    p->chain_len == 0)
		return 0;
	keep_staple(p);
	p->ccr = gnutls_certificate_client_get_request_status(s) != 0;
	p->stopped = 1;
	return EP_PROBE_STOP;
}

/* Reads a big-endian length of n octets at *q, before end; moves *q. */
static int
get_len(const unsigned char **q, const unsigned char *end, size_t n,
    size_t *out)
{
	size_t	i;

	if ((size_t)(end - *q) < n)
		return -1;
	for (*out = 0, i = 0; i < n; i++)
		*out = *out << 8 | *(*q)++;
	return (size_t)(end - *q) < *out ? -1 : 0;
}

/*
 * The certificates of the Certificate message kept, as TLS frames them
 * (RFC 8446 4.4.2: a request context, then entries with extensions; RFC
 * 5246 7.4.2: the list alone), into p->chain: the first EP_CHAIN_MAX,
 * the others counted.  Returns 0, or -1 when the message does not frame.
 */
static int
split_raw(struct ep_probe *p)
{
	const unsigned char	*q = p->raw, *end = p->raw + p->rawlen, *lend;
	size_t			 n, ext;
	int			 tls13;

	tls13 = gnutls_protocol_get_version(p->s) == GNUTLS_TLS1_3;
	if (tls13 && (get_len(&q, end, 1, &n) == -1 || (q += n, q > end)))
		return -1;
	if (get_len(&q, end, 3, &n) == -1)
		return -1;
	lend = q + n;
	while (q < lend) {
		if (get_len(&q, lend, 3, &n) == -1 || n == 0)
			return -1;
		p->chain_sent++;
		if (p->chain_len < EP_CHAIN_MAX) {
			gnutls_datum_t	*d = &p->chain[p->chain_len];

			if ((d->data = malloc(n)) == NULL)
				return -1;
			memcpy(d->data, q, n);
			d->size = (unsigned)n;
			p->chain_len++;
		}
		q += n;
		if (tls13 && (get_len(&q, lend, 2, &ext) == -1 ||
		    (q += ext, q > lend)))
			return -1;
	}
	return p->chain_len > 0 ? 0 : -1;
}

/*
 * 1 when the handshake ended over a certificate GnuTLS cannot parse: the
 * chain received is then kept, for the rules to say so.
 */
static int
unparseable_chain(struct ep_probe *p)
{
	struct ep_cert	*c;
	size_t		 i;
	char		 why[256];

	if (p->raw == NULL || p->chain_len > 0)
		return 0;
	if (split_raw(p) == -1) {
		drop_chain(p);
		return 0;
	}
	for (i = 0; i < p->chain_len; i++) {
		if (ep_cert_parse(p->chain[i].data, p->chain[i].size, &c, why,
		    sizeof(why)) == -1)
			return 1;
		ep_cert_free(c);
	}
	drop_chain(p);
	return 0;
}

/* Ends the probe on fatal GnuTLS error r, naming the server's alert. */
static void
handshake_failed(struct ep_probe *p, int r, int64_t now)
{
	char		 why[256];
	const char	*alert;

	if (unparseable_chain(p)) {
		keep_version(p);
		finish(p, EP_OBS_OK, now, "the handshake ended at a "
		    "certificate that cannot be parsed");
		return;
	}

	if (p->bad_chain) {
		finish(p, EP_OBS_HANDSHAKE_FAILED, now,
		    "the server sent no usable certificate");
		return;
	}
	if (r == GNUTLS_E_HANDSHAKE_TOO_LARGE) {
		snprintf(why, sizeof(why), "a handshake message from the server "
		    "(its certificate chain, or the CAs it takes client "
		    "certificates from) is over %d bytes, edgeprobe's limit",
		    EP_PROBE_MESSAGE_MAX);
		finish(p, EP_OBS_HANDSHAKE_FAILED, now, why);
		return;
	}
	if (r == GNUTLS_E_FATAL_ALERT_RECEIVED &&
	    (alert = gnutls_alert_get_name(gnutls_alert_get(p->s))) != NULL) {
		snprintf(why, sizeof(why), "the server ended the handshake with "
		    "the alert \"%s\"", alert);
		finish(p, EP_OBS_HANDSHAKE_FAILED, now, why);
		return;
	}
	finish(p, EP_OBS_HANDSHAKE_FAILED, now, gnutls_strerror(r));
}

static void
handshake(struct ep_probe *p, int64_t now)
{
	int	r, tries;

	for (tries = 0; tries < EP_PROBE_RETRIES; tries++) {
		r = gnutls_handshake(p->s);
		if (r == GNUTLS_E_SUCCESS)
			break;
		if (p->stopped) {
			finish(p, EP_OBS_OK, now, NULL);
			return;
		}
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
			p->events = gnutls_record_get_direction(p->s) ?
			    POLLOUT : POLLIN;
			return;
		}
		if (gnutls_error_is_fatal(r)) {
			handshake_failed(p, r, now);
			return;
		}
	}
	if (tries == EP_PROBE_RETRIES) {
		finish(p, EP_OBS_HANDSHAKE_FAILED, now, "too many warning alerts");
		return;
	}
	/* The whole handshake: a CertificateRequest of TLS 1.2 is known now. */
	keep_version(p);
	keep_staple(p);
	p->ccr = gnutls_certificate_client_get_request_status(p->s) != 0;
	if (keep_chain(p) == -1) {
		finish(p, EP_OBS_HANDSHAKE_FAILED, now,
		    "the server sent no usable certificate");
		return;
	}
	finish(p, EP_OBS_OK, now, NULL);
}

int
ep_tls_new(struct ep_tls **out, const char *priority, char *err,
    size_t errlen)
{
	struct ep_tls	*t;
	const char	*errpos = NULL;
	int		 r;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    gnutls_certificate_allocate_credentials(&t->cred) < 0) {
		free(t);
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	if ((r = gnutls_priority_init(&t->prio, priority, &errpos)) < 0) {
		t->prio = NULL;
		snprintf(err, errlen, "priority '%.100s': %s%s%.50s",
		    priority ? priority : "", gnutls_strerror(r),
		    errpos ? " at " : "", errpos ? errpos : "");
		ep_tls_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

void
ep_tls_free(struct ep_tls *t)
{
	if (t == NULL)
		return;
	if (t->cred != NULL)
		gnutls_certificate_free_credentials(t->cred);
	if (t->prio != NULL)
		gnutls_priority_deinit(t->prio);
	free(t);
}

static int
start_tls(struct ep_probe *p, const char *sni, const struct ep_tls *tls,
    char *err, size_t errlen)
{
	int	r;

	/*
	 * One key share, for the priority's first group: the second that
	 * GnuTLS sends by default costs a key generation on every probe,
	 * and only a TLS 1.3 server without the first group needs another
	 * (it asks, one round trip more).
	 */
	if ((r = gnutls_init(&p->s, GNUTLS_CLIENT | GNUTLS_NONBLOCK |
	    GNUTLS_NO_SIGNAL | GNUTLS_KEY_SHARE_TOP)) < 0)
		goto fail;
	gnutls_session_set_ptr(p->s, p);
	gnutls_handshake_set_max_packet_length(p->s, EP_PROBE_MESSAGE_MAX);
	if ((r = gnutls_priority_set(p->s, tls->prio)) < 0)
		goto fail;
	if ((r = gnutls_credentials_set(p->s, GNUTLS_CRD_CERTIFICATE,
	    tls->cred)) < 0)
		goto fail;
	/* RFC 6066: SNI carries host names only, never IP literals. */
	if (!ep_host_is_ip(sni) && (r = gnutls_server_name_set(p->s,
	    GNUTLS_NAME_DNS, sni, strlen(sni))) < 0)
		goto fail;
	gnutls_session_set_verify_function(p->s, got_certificate);
	gnutls_handshake_set_hook_function(p->s, GNUTLS_HANDSHAKE_ANY,
	    GNUTLS_HOOK_BOTH, got_message);
	/* The caller keeps the deadlines. */
	gnutls_handshake_set_timeout(p->s, GNUTLS_INDEFINITE_TIMEOUT);
	gnutls_transport_set_int(p->s, p->fd);
	return 0;
fail:
	snprintf(err, errlen, "TLS setup: %s", gnutls_strerror(r));
	errno = r == GNUTLS_E_MEMORY_ERROR ? ENOMEM : EINVAL;
	return -1;
}

int
ep_probe_new(struct ep_probe **out, const char *sni, const struct ep_addr *addr,
    uint16_t port, const struct ep_tls *tls, int full, int64_t now_ms,
    char *err, size_t errlen)
{
	struct ep_probe		*p;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 saved;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	p->fd = -1;
	p->full = full;
	p->started = now_ms;
	memset(&ss, 0, sizeof(ss));
	if (addr->family == AF_INET) {
		struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, addr->addr, 4);
		sslen = sizeof(*sin);
	} else {
		struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, addr->addr, 16);
		sslen = sizeof(*sin6);
	}
	p->fd = socket(addr->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (p->fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	if (start_tls(p, sni, tls, err, errlen) == -1)
		goto fail;
	*out = p;
	if (connect(p->fd, (struct sockaddr *)&ss, sslen) == 0) {
		p->phase = EP_PROBE_HANDSHAKING;
		handshake(p, now_ms);
	} else if (errno == EINPROGRESS) {
		p->phase = EP_PROBE_CONNECTING;
		p->events = POLLOUT;
	} else
		finish(p, EP_OBS_CONNECT_FAILED, now_ms, strerror(errno));
	return 0;
fail:
	saved = errno;
	ep_probe_free(p);
	errno = saved;
	return -1;
}

void
ep_probe_free(struct ep_probe *p)
{
	if (p == NULL)
		return;
	if (p->s != NULL)
		gnutls_deinit(p->s);
	if (p->fd != -1)
		close(p->fd);
	drop_chain(p);
	free(p->staple.data);
	free(p);
}

const unsigned char *
ep_probe_staple(const struct ep_probe *p, size_t *len)
{
	*len = p->staple.data != NULL ? p->staple.size : p->staple_over;
	return p->staple.data;
}

int
ep_probe_fd(const struct ep_probe *p)
{
	return p->fd;
}

short
ep_probe_events(const struct ep_probe *p)
{
	return p->events;
}

enum ep_probe_phase
ep_probe_phase(const struct ep_probe *p)
{
	return p->phase;
}

void
ep_probe_step(struct ep_probe *p, short revents, int64_t now_ms)
{
	int		soerr = 0;
	socklen_t	len = sizeof(soerr);

	if (revents == 0)
		return;
	switch (p->phase) {
	case EP_PROBE_CONNECTING:
		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
			soerr = errno;
		if (soerr != 0) {
			finish(p, EP_OBS_CONNECT_FAILED, now_ms, strerror(soerr));
			return;
		}
		p->phase = EP_PROBE_HANDSHAKING;
		/* FALLTHROUGH */
	case EP_PROBE_HANDSHAKING:
		handshake(p, now_ms);
		break;
	case EP_PROBE_DONE:
		break;
	}
}

void
ep_probe_expire(struct ep_probe *p, int64_t now_ms, const char *why)
{
	if (p->phase != EP_PROBE_DONE)
		finish(p, EP_OBS_TIMEOUT, now_ms, why);
}

void
ep_probe_interrupt(struct ep_probe *p, int64_t now_ms, const char *why)
{
	if (p->phase != EP_PROBE_DONE)
		finish(p, EP_OBS_INTERRUPTED, now_ms, why);
}

void
ep_probe_result(const struct ep_probe *p, struct ep_obs *obs,
    struct ep_certs *certs)
{
	size_t	i;
	char	why[256];

	obs->status = p->status;
	snprintf(obs->error, sizeof(obs->error), "%s", p->error);
	snprintf(obs->tls_version, sizeof(obs->tls_version), "%s", p->version);
	obs->tls_proto = p->proto;
	snprintf(obs->cipher, sizeof(obs->cipher), "%s", p->cipher);
	obs->client_cert_requested = p->ccr;
	obs->elapsed_ms = p->elapsed_ms;
	obs->chain_len = 0;
	obs->chain_sent = p->chain_sent;
	/* A hostile server's garbage is an observation: kept malformed. */
	for (i = 0; i < p->chain_len; i++) {
		if (ep_certs_add_any(certs, p->chain[i].data, p->chain[i].size,
		    &obs->chain[i], why, sizeof(why)) == -1) {
			obs->status = EP_OBS_HANDSHAKE_FAILED;
			obs->chain_len = 0;
			obs->chain_sent = 0;
			snprintf(obs->error, sizeof(obs->error), "certificate "
			    "%zu from the server: %.200s", i + 1, why);
			return;
		}
		obs->chain_len++;
	}
}
