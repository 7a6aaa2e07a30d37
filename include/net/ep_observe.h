#ifndef EP_OBSERVE_H
#define EP_OBSERVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "x509/ep_cert.h"

/*
 * Observations: what a probe saw at one (name, address, port), judged by
 * nobody yet.  The chain is kept as indexes into a certificate store.
 */

#define EP_CHAIN_MAX	16	/* certificates kept from one server */
#define EP_ADDRSTR_MAX	46	/* INET6_ADDRSTRLEN */

/* Where an observation comes from; rules pick what applies to each. */
enum ep_obs_kind {
	EP_OBS_LIVE,		/* a handshake with a server */
	EP_OBS_CHAIN,		/* a chain file, before it is installed */
	EP_OBS_PFX,		/* a PKCS#12 file with the key */
	EP_OBS_CSR,		/* a certificate request: chain[0] is a stand-in
				   certificate carrying the request's subject,
				   extensions and key, signed by nobody real */
};

enum ep_obs_status {
	EP_OBS_OK,		/* handshake done, chain in hand */
	EP_OBS_NO_ADDRESS,	/* the name has no A/AAAA */
	EP_OBS_CONNECT_FAILED,	/* TCP refused, unreachable... */
	EP_OBS_TIMEOUT,		/* the deadline passed */
	EP_OBS_HANDSHAKE_FAILED,	/* TLS failed */
};

struct ep_obs {
	enum ep_obs_kind	 kind;
	size_t			 target;	/* index into plan->targets */
	uint16_t		 port;
	unsigned		 port_flags;	/* EP_PORT_* of the port probed */
	int			 has_addr;	/* 0 for EP_OBS_NO_ADDRESS */
	int			 family;	/* AF_INET or AF_INET6 */
	unsigned char		 addr[16];	/* network order */
	char			 addrstr[EP_ADDRSTR_MAX];	/* "127.0.0.1", "::1" */
	enum ep_obs_status	 status;
	char			 error[256];	/* why it failed, for people */
	char			 tls_version[16];	/* "TLS1.3" or "" */
	int			 tls_proto;	/* gnutls_protocol_t, 0 when none */
	char			 cipher[96];	/* GnuTLS's suite name or "" */
	int			 client_cert_requested;
	size_t			 chain[EP_CHAIN_MAX];	/* indexes into certs, leaf first */
	size_t			 chain_len;
	unsigned		 elapsed_ms;	/* connect + handshake */
	int			 has_key;	/* EP_OBS_PFX: the file holds a private key */
	int			 key_matches;	/* ...and it belongs to chain[0] */
	char			 file[256];	/* offline kinds: the file judged */
};

/* Everything a run saw. */
struct ep_observations {
	struct ep_obs		*v;
	size_t			 n;
	size_t			 cap;
	struct ep_certs		*certs;	/* owned */
	unsigned		 elapsed_ms;	/* the whole run, discovery
						   included: set by its caller */
};

/*
 * Initializes an empty set with its own certificate store.  Returns 0, or
 * -1 when out of memory.
 */
int ep_observations_init(struct ep_observations *o);

/*
 * Appends a copy of obs.  Returns its index, or (size_t)-1 when out of
 * memory.
 */
size_t ep_observations_add(struct ep_observations *o, const struct ep_obs *obs);

/*
 * Sorts the observations by target, address family, address and port, so
 * reports read the same on every run.  Must be called before findings
 * refer to indexes.
 */
void ep_observations_sort(struct ep_observations *o);

/*
 * Frees everything; o may be NULL.
 */
void ep_observations_clear(struct ep_observations *o);

/*
 * Returns the leaf certificate of obs or NULL when it has none.
 */
const struct ep_cert *ep_obs_leaf(const struct ep_observations *o,
    const struct ep_obs *obs);

#endif /* EP_OBSERVE_H */
