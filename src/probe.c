/*
 * One probe: a non-blocking TCP connect and TLS handshake, stepped by the
 * caller's poll loop.  It records what the server presented and judges
 * nothing.
 */

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "ep_names.h"
#include "ep_probe.h"

#define EP_PROBE_RETRIES	16	/* non-fatal handshake returns in a row */

enum state {
	ST_CONNECTING,
	ST_HANDSHAKE,
	ST_DONE,
};

struct ep_probe {
	int			 fd;
	enum state		 st;
	short			 events;	/* what poll should wait for */
	int64_t			 started;
	int64_t			 deadline;
	gnutls_session_t	 s;
	enum ep_obs_status	 status;
	char			 error[256];
	char			 version[16];
	int			 proto;		/* gnutls_protocol_t */
	char			 cipher[96];
	int			 ccr;		/* client certificate requested */
	gnutls_datum_t		 chain[EP_CHAIN_MAX];	/* copies of the DER */
	size_t			 chain_len;
	unsigned		 elapsed_ms;
};

static void
finish(struct ep_probe *p, enum ep_obs_status st, int64_t now, const char *why)
{
	p->status = st;
	if (why != NULL)
		snprintf(p->error, sizeof(p->error), "%s", why);
	p->st = ST_DONE;
	p->events = 0;
	p->elapsed_ms = (unsigned)(now - p->started);
	if (p->s != NULL) {
		gnutls_deinit(p->s);
		p->s = NULL;
	}
	if (p->fd != -1) {
		close(p->fd);
		p->fd = -1;
	}
}

/* Keeps copies: the session's own are gone once it is deinitialized. */
static int
keep_chain(struct ep_probe *p)
{
	const gnutls_datum_t	*peers;
	unsigned		 n = 0, i;

	peers = gnutls_certificate_get_peers(p->s, &n);
	if (peers == NULL || n == 0)
		return -1;
	for (i = 0; i < n && i < EP_CHAIN_MAX; i++) {
		if (peers[i].size == 0 || peers[i].size > EP_CERT_DER_MAX)
			return -1;
		if ((p->chain[i].data = malloc(peers[i].size)) == NULL)
			return -1;
		memcpy(p->chain[i].data, peers[i].data, peers[i].size);
		p->chain[i].size = peers[i].size;
		p->chain_len++;
	}
	return 0;
}

static void
handshake(struct ep_probe *p, int64_t now)
{
	const char	*v, *c;
	int		 r, tries;

	for (tries = 0; tries < EP_PROBE_RETRIES; tries++) {
		r = gnutls_handshake(p->s);
		if (r == GNUTLS_E_SUCCESS)
			break;
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
			p->events = gnutls_record_get_direction(p->s) ?
			    POLLOUT : POLLIN;
			return;
		}
		if (gnutls_error_is_fatal(r)) {
			finish(p, EP_OBS_HANDSHAKE_FAILED, now, gnutls_strerror(r));
			return;
		}
	}
	if (tries == EP_PROBE_RETRIES) {
		finish(p, EP_OBS_HANDSHAKE_FAILED, now, "too many warning alerts");
		return;
	}
	p->proto = gnutls_protocol_get_version(p->s);
	v = gnutls_protocol_get_name(p->proto);
	c = gnutls_ciphersuite_get(p->s);
	snprintf(p->version, sizeof(p->version), "%s", v ? v : "?");
	snprintf(p->cipher, sizeof(p->cipher), "%s", c ? c : "?");
	p->ccr = gnutls_certificate_client_get_request_status(p->s) != 0;
	if (keep_chain(p) == -1) {
		finish(p, EP_OBS_HANDSHAKE_FAILED, now, "the server sent no usable certificate");
		return;
	}
	finish(p, EP_OBS_OK, now, NULL);
}

static int
start_tls(struct ep_probe *p, const char *sni,
    gnutls_certificate_credentials_t cred, const char *priority,
    char *err, size_t errlen)
{
	const char	*errpos = NULL;
	int		 r;

	if ((r = gnutls_init(&p->s, GNUTLS_CLIENT | GNUTLS_NONBLOCK |
	    GNUTLS_NO_SIGNAL)) < 0)
		goto fail;
	if ((r = gnutls_priority_set_direct(p->s, priority, &errpos)) < 0)
		goto fail;
	if ((r = gnutls_credentials_set(p->s, GNUTLS_CRD_CERTIFICATE,
	    cred)) < 0)
		goto fail;
	/* RFC 6066: SNI carries host names only, never IP literals. */
	if (!ep_names_is_ip_literal(sni) && (r = gnutls_server_name_set(p->s,
	    GNUTLS_NAME_DNS, sni, strlen(sni))) < 0)
		goto fail;
	/* The probe has a deadline of its own. */
	gnutls_handshake_set_timeout(p->s, GNUTLS_INDEFINITE_TIMEOUT);
	gnutls_transport_set_int(p->s, p->fd);
	return 0;
fail:
	snprintf(err, errlen, "TLS setup: %s%s%s", gnutls_strerror(r),
	    errpos ? " at " : "", errpos ? errpos : "");
	return -1;
}

int
ep_probe_new(struct ep_probe **out, const char *sni, const struct ep_addr *addr,
    uint16_t port, gnutls_certificate_credentials_t cred, const char *priority,
    int64_t now_ms, int64_t deadline_ms, char *err, size_t errlen)
{
	struct ep_probe		*p;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	p->fd = -1;
	p->started = now_ms;
	p->deadline = deadline_ms;
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
	if (start_tls(p, sni, cred, priority, err, errlen) == -1)
		goto fail;
	*out = p;
	if (connect(p->fd, (struct sockaddr *)&ss, sslen) == 0) {
		p->st = ST_HANDSHAKE;
		handshake(p, now_ms);
	} else if (errno == EINPROGRESS) {
		p->st = ST_CONNECTING;
		p->events = POLLOUT;
	} else
		finish(p, EP_OBS_CONNECT_FAILED, now_ms, strerror(errno));
	return 0;
fail:
	ep_probe_free(p);
	return -1;
}

void
ep_probe_free(struct ep_probe *p)
{
	size_t	i;

	if (p == NULL)
		return;
	if (p->s != NULL)
		gnutls_deinit(p->s);
	if (p->fd != -1)
		close(p->fd);
	for (i = 0; i < p->chain_len; i++)
		free(p->chain[i].data);
	free(p);
}

int
ep_probe_fd(const struct ep_probe *p)
{
	return p->st == ST_DONE ? -1 : p->fd;
}

short
ep_probe_events(const struct ep_probe *p)
{
	return p->events;
}

int64_t
ep_probe_deadline(const struct ep_probe *p)
{
	return p->deadline;
}

int
ep_probe_done(const struct ep_probe *p)
{
	return p->st == ST_DONE;
}

void
ep_probe_step(struct ep_probe *p, short revents, int64_t now_ms)
{
	int		soerr = 0;
	socklen_t	len = sizeof(soerr);

	if (p->st == ST_DONE)
		return;
	if (revents == 0) {
		if (now_ms >= p->deadline)
			finish(p, EP_OBS_TIMEOUT, now_ms, p->st == ST_CONNECTING ?
			    "no answer to the TCP connect" :
			    "the TLS handshake did not finish");
		return;
	}
	switch (p->st) {
	case ST_CONNECTING:
		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
			soerr = errno;
		if (soerr != 0) {
			finish(p, EP_OBS_CONNECT_FAILED, now_ms, strerror(soerr));
			return;
		}
		p->st = ST_HANDSHAKE;
		/* FALLTHROUGH */
	case ST_HANDSHAKE:
		handshake(p, now_ms);
		break;
	case ST_DONE:
		break;
	}
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
	for (i = 0; i < p->chain_len; i++) {
		if (ep_certs_add(certs, p->chain[i].data, p->chain[i].size,
		    &obs->chain[i], why, sizeof(why)) == -1) {
			/* A hostile server's garbage is an observation. */
			obs->status = EP_OBS_HANDSHAKE_FAILED;
			obs->chain_len = 0;
			snprintf(obs->error, sizeof(obs->error), "certificate "
			    "%zu from the server: %.200s", i + 1, why);
			return;
		}
		obs->chain_len++;
	}
}
