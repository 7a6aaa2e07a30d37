#ifndef EP_OBSERVE_H
#define EP_OBSERVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "input/ep_check.h"
#include "input/ep_dns.h"
#include "input/ep_hostname.h"
#include "x509/ep_cert.h"

/*
 * Observations: what a probe saw at one (name, address, port), judged by
 * nobody yet.  The chain is kept as indexes into a certificate store.
 */

#define EP_CHAIN_MAX	16	/* certificates kept from one server or
				   file; a file of more is refused */
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
	EP_OBS_INTERRUPTED,	/* the run was stopped (a signal) before the
				   probe, or its lookup, ended */
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
	enum ep_dns_status	 dns;		/* EP_OBS_NO_ADDRESS: how the
						   lookup ended (EP_DNS_NONE
						   for an address left out) */
	size_t			 dns_total;	/* addresses the target's
						   name had in DNS: more
						   than were probed past
						   EP_RESOLVE_ADDRS_MAX; 0
						   when not looked up */
	char			 error[256];	/* why it failed, for people */
	char			 tls_version[16];	/* "TLS1.3" or "" */
	int			 tls_proto;	/* gnutls_protocol_t, 0 when none */
	char			 cipher[96];	/* GnuTLS's suite name or "" */
	int			 client_cert_requested;
	size_t			 chain[EP_CHAIN_MAX];	/* indexes into certs,
						   as presented */
	size_t			 chain_len;
	size_t			 chain_sent;	/* certificates the server
						   sent: more than chain_len
						   past EP_CHAIN_MAX; 0 for
						   a file */
	size_t			 leaf;		/* the leaf's place in chain: 0
						   but in a chain file, where a
						   client finds it (ep_trust.h) */
	unsigned		 elapsed_ms;	/* connect + handshake */
	size_t			 staple;	/* the OCSP response the server
						   stapled: its fetched index + 1;
						   0: none */
	int			 has_key;	/* EP_OBS_PFX: the file holds a private key */
	int			 key_matches;	/* ...and it belongs to chain[0] */
	char			 file[256];	/* offline kinds: the file judged */
};

/*
 * The records SIP-domain discovery asks for about a candidate domain d,
 * as in DESIGN.md's discovery section.
 */
enum ep_disc_record {
	EP_DISC_SIP_SRV,	/* _sip._tls.d SRV: client sign-in */
	EP_DISC_FED_SRV,	/* _sipfederationtls._tcp.d SRV: federation */
	EP_DISC_SIP,		/* sip.d A/AAAA: legacy auto-configuration */
	EP_DISC_LYNCDISCOVER,	/* lyncdiscover.d A/AAAA: published */
	EP_DISC_MEET,		/* meet.d A/AAAA: published */
	EP_DISC_DIALIN,		/* dialin.d A/AAAA: published */
	EP_DISC__MAX
};

/* What a record kind is. */
struct ep_disc_record_info {
	const char	*prefix;	/* before d: "_sip._tls." */
	int		 srv;		/* SRV, else A/AAAA */
	int		 federation;	/* its SRV names the federation port */
};

#define EP_DISC_CANDIDATES	2	/* the argument itself, and its parent */
#define EP_DNS_ERROR_MAX	128	/* why a lookup failed, for people */
#define EP_DISC_QNAME_MAX	(EP_NAME_MAX + 32)	/* a prefix and a domain */

/* One lookup of discovery and how it ended. */
struct ep_dns_answer {
	enum ep_dns_status	 st;
	char			 error[EP_DNS_ERROR_MAX];	/* why, or "" */
	struct ep_srv		*srv;	/* SRV: the records, in client order */
	struct ep_addr		*addrs;	/* A/AAAA: the addresses */
	size_t			 n;	/* records or addresses */
	size_t			 total;	/* ...in the answer: more than n past
					   EP_SRV_MAX or EP_RESOLVE_ADDRS_MAX */
};

/* What discovery saw for one argument. */
struct ep_discovery {
	size_t			 group;		/* the argument's plan group */
	char			 domain[EP_DISC_CANDIDATES][EP_NAME_MAX + 1];
					/* the argument, then its parent
					   (two labels at least); "": none */
	struct ep_dns_answer	 answer[EP_DISC_CANDIDATES][EP_DISC__MAX];
	int			 chosen;	/* the candidate taken as the SIP
						   domain, or -1: nothing found */
};

/* What one HTTP fetch (or a file standing for one) brought. */
enum ep_fetched_kind {
	EP_FETCHED_CRL,		/* a CRL, from a CRL distribution point */
	EP_FETCHED_OCSP,	/* an OCSP response about cert */
	EP_FETCHED_ISSUER,	/* certificates from an AIA caIssuers URL */
	EP_FETCHED_STAPLE,	/* an OCSP response a server stapled */
};

struct ep_fetched {
	enum ep_fetched_kind	 kind;
	char			*url;	/* the certificate's URL; a file's
					   path for one given; NULL: stapled */
	int			 given;	/* from a file (--crl,
					   --ocsp-response), not fetched */
	size_t			 cert;	/* OCSP: the certificate asked about
					   and its issuer (store indexes) */
	size_t			 issuer;
	int			 ok;	/* what was asked for arrived */
	int			 capped;	/* !ok: it was larger than its
						   cap */
	int			 interrupted;	/* !ok: the run was stopped
						   before it came */
	char			 why[256];	/* !ok: why not, for people */
	unsigned char		*body;	/* CRL, OCSP response; else NULL */
	size_t			 len;
	size_t			*certs;	/* ISSUER: what it served */
	size_t			 ncerts;
	unsigned		 elapsed_ms;
};

/* How the run's DNS went (ep_lookups.h): for -v and the benchmark. */
struct ep_dns_stats {
	size_t		 questions;	/* asked of DNS servers (each A, AAAA
					   and SRV of a name) */
	size_t		 queries;	/* sent, tries again included */
	size_t		 resent;	/* tries after a question's first */
	size_t		 unanswered;	/* questions none of whose tries was
					   answered in time (--dns-timeout) */
	size_t		 decreases;	/* times a loss halved the window */
	unsigned	 window;	/* queries out at once allowed, now */
	unsigned	 window_max;	/* the widest it was */
	unsigned	 srtt_ms;	/* smoothed round trip; 0: none yet */
	unsigned	 rto_ms;	/* a first try's timeout, now */
};

/* Everything a run saw. */
struct ep_observations {
	struct ep_obs		*v;
	size_t			 n;
	size_t			 cap;
	struct ep_certs		*certs;	/* owned */
	struct ep_discovery	*disc;	/* one per discovered argument, in
					   the plan's order of them */
	size_t			 ndisc;
	int			 offline;	/* files were judged, no network */
	struct ep_fetched	*fetched;	/* once each, in the order done */
	size_t			 nfetched;
	size_t			 fetched_cap;
	size_t			*fslots;	/* the fetched by kind, URL and
						   certificate: index + 1, 0
						   empty (staples and files
						   given are not in it) */
	size_t			 nfslots;	/* a power of two, or 0 */
	size_t			 nfkeyed;	/* entries in it */
	int			 no_fetch;	/* nothing was to be fetched */
	size_t			*spare;		/* retired slots of v, reused
						   by ep_observations_add */
	size_t			 nspare, spare_cap;
	int			 interrupted;	/* the signal that stopped the
						   run (SIGINT, SIGTERM), or 0 */
	size_t			 endpoints_left_out;	/* past the run's
							   limit: not probed,
							   not observed */
	unsigned		 elapsed_ms;	/* the whole run, discovery
						   included: set by its caller */
	struct ep_dns_stats	 dns;	/* the run's lookups */
};

/*
 * Returns what record kind r is; r is below EP_DISC__MAX.
 */
const struct ep_disc_record_info *ep_disc_record(enum ep_disc_record r);

/*
 * Writes the name record r of candidate domain d asks for into out
 * (EP_DISC_QNAME_MAX + 1 bytes).  Returns 0, or -1 when it would be
 * longer than a DNS name: no such name can exist.
 */
int ep_disc_qname(enum ep_disc_record r, const char *d, char *out,
    size_t outlen);

/*
 * Makes room for n discoveries, zeroed, with chosen -1.  Returns 0, or -1
 * when out of memory.
 */
int ep_observations_discoveries(struct ep_observations *o, size_t n);

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
 * Retires observation i once it was judged and reported, for runs that
 * stream: what only it holds (a stapled response's body) is freed, and
 * its slot is taken by a later ep_observations_add.  Nothing may refer
 * to i after this.  Returns 0, or -1 when out of memory (i then stays).
 */
int ep_observations_retire(struct ep_observations *o, size_t i);

/*
 * Appends a copy of f, taking what it points to (url, body, certs), which
 * the set frees.  Returns its index, or (size_t)-1 when out of memory
 * (f's pointers are then still the caller's).
 */
size_t ep_observations_add_fetched(struct ep_observations *o,
    const struct ep_fetched *f);

/*
 * The fetch of kind of url (and for OCSP, about cert, else NULL), or NULL
 * when there was none.
 */
const struct ep_fetched *ep_observations_fetched(
    const struct ep_observations *o, enum ep_fetched_kind kind,
    const char *url, const struct ep_cert *cert);

/*
 * Sorts the observations by target, address family, address and port, so
 * reports read the same on every run.  Must be called before findings
 * refer to indexes.
 */
void ep_observations_sort(struct ep_observations *o);

/*
 * Renumbers the targets of the observations: target t becomes remap[t]
 * (see ep_plan_settle).
 */
void ep_observations_remap(struct ep_observations *o, const size_t *remap);

/*
 * Frees everything; o may be NULL.
 */
void ep_observations_clear(struct ep_observations *o);

/*
 * The names reports give a probe's outcome ("ok", "no-address",
 * "connect-failed", "timeout", "handshake-failed") and an observation's
 * kind ("live", "chain", "pfx", "csr").
 */
const char *ep_obs_status_name(enum ep_obs_status s);
const char *ep_obs_kind_name(enum ep_obs_kind k);

/*
 * What an observation of kind k was made on, for the advice that fits
 * it: a server, a file, or a request.
 */
enum ep_input ep_obs_input(enum ep_obs_kind k);

/*
 * Writes where obs was made into out: "ADDRESS:PORT" ("[ADDRESS]:PORT"
 * for IPv6), "(no address):PORT", or for a file judged offline "chain
 * file FILE", "PFX file FILE", "request FILE", with file as given (the
 * caller escapes it for where it goes).
 */
void ep_obs_where(const struct ep_obs *obs, const char *file, char *out,
    size_t outlen);

/*
 * Returns the leaf certificate of obs (the first presented) or NULL when
 * it has none or when it is malformed.
 */
const struct ep_cert *ep_obs_leaf(const struct ep_observations *o,
    const struct ep_obs *obs);

#endif /* EP_OBSERVE_H */
