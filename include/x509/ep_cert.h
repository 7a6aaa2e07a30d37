#ifndef EP_CERT_H
#define EP_CERT_H

#include <stddef.h>
#include <time.h>

/*
 * Parsed certificates and the store that keeps each distinct one once.
 * Parsing is GnuTLS's; this module only copies out, with bounds, what the
 * rules and reports read.
 */

#define EP_CERT_DER_MAX		(64 * 1024)	/* larger certificates are not
						   parsed (over_limit) */
#define EP_CERT_SAN_MAX		1024		/* dNSName and iPAddress SANs
						   read per certificate; the
						   rest are counted */
#define EP_CERT_DN_MAX		1024		/* a DN as text, cut beyond */
#define EP_CERT_CN_MAX		256		/* a subject CN as text */
#define EP_CERT_SERIAL_MAX	32		/* serial octets kept as hex */
#define EP_CERTS_MAX		100000		/* distinct certificates in one run */
#define EP_CERT_FILE_MAX	(16 * 1024 * 1024)	/* a chain or CA file */
#define EP_CERT_KEYID_MAX	32		/* key ID octets shown as hex */
#define EP_CERT_AIA_MAX		256		/* an access location as text */
#define EP_CERT_URLS_MAX	4		/* URLs of each kind kept;
						   the rest are counted */
#define EP_CERT_URL_MAX		1024		/* URLs this long or longer
						   are counted, not kept */

/* One subjectAltName entry that matters to TLS: a dNSName or iPAddress. */
struct ep_san {
	int		 is_ip;		/* 1: iPAddress, 0: dNSName */
	unsigned char	*value;		/* raw bytes, NUL-terminated for convenience */
	size_t		 len;		/* bytes in value, without the NUL */
};

/* What a certificate's authorityInfoAccess extension is like. */
enum ep_aia {
	EP_AIA_NONE,		/* no such extension */
	EP_AIA_OK,		/* parses; its locations are as expected */
	EP_AIA_MALFORMED,	/* it does not parse, or is empty */
	EP_AIA_BAD_LOCATION,	/* an OCSP location is no http:// URI, or a
				   caIssuers one no http:// or ldap:// URI */
};

/*
 * A certificate.  One that GnuTLS cannot parse is kept too, as what was
 * presented: its der, sha256 and why in malformed, every other field zero
 * (its subject, issuer and SAN list empty), but over_limit, set for one
 * not parsed because it is larger than EP_CERT_DER_MAX.
 *
 * Its serial is the lowercase hex of the number's
 * octets, leading zero octets left out but the last ("1001", "01"), as
 * OpenSSL prints it but for case; of a serial longer than
 * EP_CERT_SERIAL_MAX octets (RFC 5280 allows 20), the first ones and "...".
 */
struct ep_cert {
	unsigned char		*der;		/* the certificate as received */
	size_t			 der_len;
	char			 malformed[256];	/* "": parsed; else the
						   parser's reason */
	int			 over_limit;	/* not parsed: over
						   EP_CERT_DER_MAX bytes */
	char			 subject[EP_CERT_DN_MAX];	/* RFC 4514 DN */
	char			 issuer[EP_CERT_DN_MAX];	/* RFC 4514 DN */
	char			 cn[EP_CERT_CN_MAX];	/* last subject CN, or "" */
	size_t			 cn_len;	/* bytes in cn (it may hold a NUL) */
	char			 issuer_cn[EP_CERT_CN_MAX];	/* last issuer CN */
	size_t			 issuer_cn_len;	/* bytes in issuer_cn */
	char			 serial[EP_CERT_SERIAL_MAX * 2 + 4];	/* see above */
	int			 has_san;	/* a subjectAltName extension exists */
	struct ep_san		*sans;		/* dNSName and iPAddress entries, in order;
						   may be NULL when nsans is 0 */
	size_t			 nsans;		/* at most EP_CERT_SAN_MAX */
	size_t			 sans_total;	/* such entries listed: more
						   than nsans when past
						   EP_CERT_SAN_MAX */
	time_t			 not_before;
	time_t			 not_after;
	unsigned char		 sha256[32];	/* of der */
	unsigned char		 spki_sha256[32];	/* of the SubjectPublicKeyInfo */
	int			 is_ca;		/* basicConstraints CA:TRUE */
	int			 self_issued;	/* subject == issuer */
	int			 self_signed;	/* self-issued and its own key verifies it */
	int			 has_eku;	/* an extKeyUsage extension exists */
	int			 eku_server;	/* serverAuth (or anyExtendedKeyUsage) */
	int			 eku_client;	/* clientAuth (or anyExtendedKeyUsage) */
	int			 key_algo;	/* gnutls_pk_algorithm_t, as an int */
	unsigned		 key_bits;
	int			 sig_algo;	/* gnutls_sign_algorithm_t, as an int */
	int			 has_crl_dp;	/* a CRL distribution point exists */
	/*
	 * What the conformance rules read (RFC 5280, the CA/Browser Forum
	 * Baseline Requirements).  Key IDs are lowercase hex with colons,
	 * cut with "..." beyond EP_CERT_KEYID_MAX octets.
	 */
	int			 ku_cert_sign;	/* keyUsage keyCertSign */
	int			 eku_any;	/* anyExtendedKeyUsage listed */
	int			 eku_server_listed;	/* serverAuth itself */
	int			 serial_sign;	/* -1, 0 or 1 */
	size_t			 serial_octets;	/* of the DER INTEGER */
	int			 has_aki;	/* authorityKeyIdentifier */
	int			 has_ski;	/* subjectKeyIdentifier */
	/* The AKI's keyIdentifier, "" if none. */
	char			 aki_id[EP_CERT_KEYID_MAX * 3 + 4];
	/* The SKI, or else the key's RFC 5280 method 1 ID. */
	char			 own_id[EP_CERT_KEYID_MAX * 3 + 4];
	/* Self-issued, and its own key verifies it, whatever its AKI. */
	int			 signed_by_own_key;
	/* signed_by_own_key, and aki_id is no ID of its own key. */
	int			 aki_other_key;
	enum ep_aia		 aia;
	/* EP_AIA_BAD_LOCATION: "caIssuers location ...", "OCSP ...". */
	char			 aia_where[EP_CERT_AIA_MAX];
	int			 san_critical;	/* subjectAltName critical */
	int			 subject_empty;	/* an empty sequence */
	int			 has_name_constraints;	/* nameConstraints */
	/* ...with neither permitted nor excluded subtrees. */
	int			 name_constraints_empty;
	/*
	 * Where revocation and the issuer are published: URIs as the
	 * certificate gives them, printable ASCII only (others are not
	 * kept), any scheme; fetching decides what it fetches.
	 */
	char			*crl_urls[EP_CERT_URLS_MAX];	/* CRL DPs */
	size_t			 ncrl_urls;
	char			*ocsp_urls[EP_CERT_URLS_MAX];	/* AIA OCSP */
	size_t			 nocsp_urls;
	char			*issuer_urls[EP_CERT_URLS_MAX];	/* AIA
							   caIssuers */
	size_t			 nissuer_urls;
	size_t			 urls_left_out;	/* URLs of those kinds not
						   kept for EP_CERT_URLS_MAX
						   or EP_CERT_URL_MAX */
	int			 must_staple;	/* TLS feature status_request
						   (RFC 7633) */
};

/*
 * Parses one DER certificate of len bytes into a new ep_cert.  Returns 0,
 * or -1 with a reason in err (malformed, over EP_CERT_DER_MAX).
 */
int ep_cert_parse(const unsigned char *der, size_t len, struct ep_cert **out,
    char *err, size_t errlen);

/*
 * Frees a certificate; c may be NULL.
 */
void ep_cert_free(struct ep_cert *c);

/*
 * Drops GnuTLS's parse of c (most of what a certificate takes, some 20
 * KiB), for a run that streams, once the endpoints that presented it
 * were judged; its fields stay, and the parse is made again from its
 * DER should it be needed.
 */
void ep_cert_release(const struct ep_cert *c);

/*
 * Returns 1 when issuer's subject is subject's issuer and issuer's key
 * verifies subject's signature, 0 otherwise (always 0 for a malformed
 * certificate).
 */
int ep_cert_issued_by(const struct ep_cert *subject, const struct ep_cert *issuer);

/*
 * Writes the SHA-256 in hex with colons ("3f:9a:...") into out, which
 * must hold 96 bytes.
 */
void ep_cert_hex(const unsigned char sha[32], char *out, size_t outlen);

/*
 * Appends c as a PEM block ("-----BEGIN CERTIFICATE-----") to the
 * buffer *buf of *len bytes (NUL-terminated), growing it with realloc.
 * Returns 0, or -1 when out of memory (*buf still the caller's to free).
 */
int ep_cert_pem_append(const struct ep_cert *c, char **buf, size_t *len);

/*
 * Writes a short key description ("RSA 2048", "EC 256") into out.
 */
void ep_cert_key_desc(const struct ep_cert *c, char *out, size_t outlen);

/*
 * Writes the SHA-256 key ID of c's public key (as GnuTLS computes it for
 * private keys too) into id, of *len bytes; sets *len.  Returns 0, or -1.
 */
int ep_cert_key_id(const struct ep_cert *c, unsigned char *id, size_t *len);

/* Distinct certificates, each parsed once, found by index. */
struct ep_certs;

/*
 * Makes an empty store.  Returns NULL when out of memory.
 */
struct ep_certs *ep_certs_new(void);

/*
 * Frees the store and its certificates; s may be NULL.
 */
void ep_certs_free(struct ep_certs *s);

/*
 * Adds a DER certificate, or finds it when the same bytes were added
 * before.  Sets *index.  Returns 0, or -1 with a reason in err (one that
 * does not parse, too).
 */
int ep_certs_add(struct ep_certs *s, const unsigned char *der, size_t len,
    size_t *index, char *err, size_t errlen);

/*
 * As ep_certs_add, but bytes that do not parse are kept as a malformed
 * certificate (see struct ep_cert): what a server or a file presented is
 * an observation, not an error.  Returns -1 only when out of memory or
 * past EP_CERTS_MAX.
 */
int ep_certs_add_any(struct ep_certs *s, const unsigned char *der, size_t len,
    size_t *index, char *err, size_t errlen);

/*
 * Returns certificate i; i must be below ep_certs_count(s).
 */
const struct ep_cert *ep_certs_get(const struct ep_certs *s, size_t i);

/*
 * Returns how many certificates the store holds.
 */
size_t ep_certs_count(const struct ep_certs *s);

/*
 * Reads a file of certificates into the store, in the file's order,
 * appending their indexes to idx (at most max): the PEM certificate blocks
 * of a PEM file (other blocks, keys and requests, are passed over), or
 * one DER certificate.  Returns the number read, or -1 with "PATH: why"
 * in err: for a file that holds nothing that looks like a certificate,
 * or one of them that does not parse; and past a limit, a file of more
 * than EP_CERT_FILE_MAX bytes, more than max certificates, or one of more
 * than EP_CERT_DER_MAX bytes.
 */
int ep_certs_load_file(struct ep_certs *s, const char *path, size_t *idx,
    size_t max, char *err, size_t errlen);

/*
 * As ep_certs_load_file, but a certificate that does not parse, a PEM
 * block cut short or not base64, is kept as malformed (see struct
 * ep_cert) in its place: what a file presents is judged, not refused.
 * The limits still refuse the file.
 */
int ep_certs_load_file_any(struct ep_certs *s, const char *path,
    size_t *idx, size_t max, char *err, size_t errlen);

#endif /* EP_CERT_H */
