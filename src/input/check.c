/* The check table: stable IDs, default severities, advice. */

#include <string.h>

#include "input/ep_check.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct ep_check_info checks[] = {
	[EP_CHECK_DNS_NO_ADDRESS] = { "dns-no-address", EP_SEV_CRITICAL,
	    "publish A/AAAA records for the name, or correct the name" },
	[EP_CHECK_DNS_SRV_MISSING] = { "dns-srv-missing", EP_SEV_WARNING,
	    "publish the SRV record clients and federation partners look up" },
	[EP_CHECK_SRV_TARGET_OUTSIDE_DOMAIN] = { "srv-target-outside-domain",
	    EP_SEV_WARNING, "point the SRV record at a name inside the SIP "
	    "domain, or list the target in the clients' TrustModelData" },
	[EP_CHECK_CONNECT_FAILED] = { "connect-failed", EP_SEV_CRITICAL,
	    "check that the service listens and that firewalls let the port through" },
	[EP_CHECK_TIMEOUT] = { "timeout", EP_SEV_CRITICAL,
	    "the server accepted nothing or answered nothing in time: check "
	    "firewalls, load balancers and the service" },
	[EP_CHECK_HANDSHAKE_FAILED] = { "handshake-failed", EP_SEV_CRITICAL,
	    "the port does not speak TLS acceptably: check the service bound to "
	    "it and its TLS settings" },
	[EP_CHECK_NAME_NOT_IN_SAN] = { "name-not-in-san", EP_SEV_CRITICAL,
	    "reissue the certificate with the name in its subject alternative "
	    "names", NULL, "make a new request with the name in its subject "
	    "alternative names" },
	[EP_CHECK_NAME_ONLY_IN_SUBJECT] = { "name-only-in-subject", EP_SEV_CRITICAL,
	    "TLS ignores the subject: reissue with the name in the SAN list too",
	    NULL, "TLS ignores the subject: put the name in the request's SAN "
	    "list too" },
	[EP_CHECK_SUBJECT_NOT_ACCESS_FQDN] = { "subject-not-access-fqdn",
	    EP_SEV_WARNING, "make the subject CN the Access Edge FQDN" },
	[EP_CHECK_SUBJECT_WILDCARD] = { "subject-wildcard", EP_SEV_CRITICAL,
	    "use an explicit name as subject; wildcards belong in the SAN list" },
	[EP_CHECK_WILDCARD_NOT_ALLOWED] = { "wildcard-not-allowed", EP_SEV_CRITICAL,
	    "this role needs the explicit name in the SAN list; a wildcard "
	    "does not do" },
	[EP_CHECK_SAN_WILDCARD_FIRST] = { "san-wildcard-first", EP_SEV_WARNING,
	    "list the explicit FQDNs before the wildcard SAN" },
	[EP_CHECK_CHAIN_UNTRUSTED] = { "chain-untrusted", EP_SEV_CRITICAL,
	    "use a certificate from a CA the clients trust" },
	[EP_CHECK_CHAIN_INCOMPLETE] = { "chain-incomplete", EP_SEV_CRITICAL,
	    "install the issuing CA's intermediate certificate on the server "
	    "so that it sends the whole chain",
	    "add the issuing CA's intermediate certificate to the file (a PFX: "
	    "export the certificate with its whole chain) so that a server "
	    "given it sends the whole chain" },
	[EP_CHECK_SELF_SIGNED] = { "self-signed", EP_SEV_CRITICAL,
	    "replace the self-signed certificate with one from a trusted CA" },
	[EP_CHECK_INTERNAL_CA_ON_EXTERNAL] = { "internal-ca-on-external",
	    EP_SEV_CRITICAL, "external interfaces need a public CA's certificate" },
	[EP_CHECK_EXPIRED] = { "expired", EP_SEV_CRITICAL,
	    "renew the certificate and install it on every pool member",
	    "renew the certificate before installing it" },
	[EP_CHECK_NOT_YET_VALID] = { "not-yet-valid", EP_SEV_CRITICAL,
	    "the certificate is not valid yet: check its dates and the server clock" },
	[EP_CHECK_EXPIRES_SOON] = { "expires-soon", EP_SEV_WARNING,
	    "renew the certificate before it expires" },
	[EP_CHECK_EKU_SERVER_AUTH_MISSING] = { "eku-server-auth-missing",
	    EP_SEV_CRITICAL, "reissue with the Server Authentication EKU",
	    NULL, "ask for the Server Authentication EKU in the request or "
	    "the CA's template" },
	[EP_CHECK_EKU_CLIENT_AUTH_MISSING] = { "eku-client-auth-missing",
	    EP_SEV_WARNING, "check what your CA still offers (a profile with "
	    "Client Authentication, or another CA) and what your federation "
	    "partners need before the next renewal" },
	[EP_CHECK_WEAK_KEY] = { "weak-key", EP_SEV_CRITICAL,
	    "reissue with an RSA key of 2048 bits or more (EC: 256); a weak "
	    "intermediate is the CA's to replace", NULL,
	    "make a new key of 2048 bits or more (EC: 256) and a new request "
	    "with it" },
	[EP_CHECK_WEAK_SIGNATURE] = { "weak-signature", EP_SEV_CRITICAL,
	    "reissue with a SHA-256 signature, and send the CA's SHA-256 "
	    "intermediate" },
	[EP_CHECK_KEY_SIZE_UNSUPPORTED] = { "key-size-unsupported", EP_SEV_WARNING,
	    "use an RSA key of 2048 or 4096 bits", NULL,
	    "make a new request with an RSA key of 2048 or 4096 bits" },
	[EP_CHECK_SIGNATURE_PSS_UNSUPPORTED] = { "signature-pss-unsupported",
	    EP_SEV_CRITICAL, "reissue with an RSA key and a PKCS#1 v1.5 "
	    "signature", NULL, "make a new request with a plain RSA key, not "
	    "an RSA-PSS one" },
	[EP_CHECK_CRL_DP_MISSING] = { "crl-dp-missing", EP_SEV_WARNING,
	    "use a certificate with a CRL distribution point that clients "
	    "can reach" },
	[EP_CHECK_POOL_KEY_MISMATCH] = { "pool-key-mismatch", EP_SEV_CRITICAL,
	    "A/V authentication needs one private key on every pool member: "
	    "export the certificate with its key and import it on each member" },
	[EP_CHECK_POOL_CERT_MISMATCH] = { "pool-cert-mismatch", EP_SEV_WARNING,
	    "install the same certificate on every pool member" },
	[EP_CHECK_TLS_LEGACY_VERSION] = { "tls-legacy-version", EP_SEV_WARNING,
	    "enable TLS 1.2 on the server" },
	[EP_CHECK_PFX_KEY_MISSING] = { "pfx-key-missing", EP_SEV_CRITICAL,
	    "export the certificate again with its private key (marked "
	    "exportable): every edge server of the pool needs the key" },
	[EP_CHECK_PFX_KEY_MISMATCH] = { "pfx-key-mismatch", EP_SEV_CRITICAL,
	    "export the certificate together with its own private key" },
	[EP_CHECK_ROLE_NOT_CHECKED] = { "role-not-checked", EP_SEV_INFO,
	    "name the role's FQDN with its option or in a deployment file "
	    "(edgeprobe.conf(5))" },
	[EP_CHECK_DNS_LOOKUP_FAILED] = { "dns-lookup-failed", EP_SEV_UNKNOWN,
	    "check the DNS servers this host asks (--dns, or /etc/resolv.conf) "
	    "and that it reaches them: they timed out, refused or failed, so "
	    "nothing is known of the name, which may well be published" },
	[EP_CHECK_CERT_CHANGED] = { "cert-changed", EP_SEV_INFO,
	    "nothing, if the renewal was meant: check that every pool member "
	    "has the new certificate" },
	[EP_CHECK_KEY_CHANGED] = { "key-changed", EP_SEV_WARNING,
	    "make sure every pool member has the new key (A/V authentication "
	    "needs one key), and tell federation partners that pin the old "
	    "one" },
	[EP_CHECK_ENDPOINT_GONE] = { "endpoint-gone", EP_SEV_WARNING,
	    "if the server was taken out on purpose, nothing; else bring it "
	    "back, or its DNS record" },
	[EP_CHECK_ENDPOINT_NEW] = { "endpoint-new", EP_SEV_INFO,
	    "nothing, if the server was added on purpose" },
	[EP_CHECK_STATE_UNREADABLE] = { "state-unreadable", EP_SEV_WARNING,
	    "nothing, once: the file is replaced by this run's state (a newer "
	    "edgeprobe's is left alone: run that one); a lock held for good "
	    "is a run that hangs" },
	[EP_CHECK_CERT_MALFORMED] = { "cert-malformed", EP_SEV_CRITICAL,
	    "have the CA reissue the certificate (a malformed intermediate: "
	    "install the CA's current one); clients reject what they cannot "
	    "parse", "have the CA reissue the certificate, or replace the "
	    "damaged part of the file with the certificate as the CA sent it" },
	[EP_CHECK_CHAIN_EXTRA_EXPIRED] = { "chain-extra-expired",
	    EP_SEV_WARNING, "stop sending the expired certificate: remove it "
	    "from the chain installed on the server", "remove the expired "
	    "certificate from the file before installing it" },
	[EP_CHECK_ANCHOR_EXPIRED] = { "anchor-expired", EP_SEV_CRITICAL,
	    "get a certificate that chains to a current root (the CA's new "
	    "root, or its cross-signed intermediate that leads to one)" },
	[EP_CHECK_CHAIN_ORDER] = { "chain-order", EP_SEV_WARNING,
	    "install the chain in issuing order: the certificate, then the "
	    "CA that issued it, then that CA's issuer", "put the chain in "
	    "issuing order in the file: the certificate first, then each "
	    "issuer" },
	[EP_CHECK_LEAF_IS_CA] = { "leaf-is-ca", EP_SEV_WARNING,
	    "get the certificate reissued as an end-entity certificate: "
	    "basicConstraints cA=FALSE (or none) and no keyCertSign" },
	[EP_CHECK_LEAF_ANY_EKU] = { "leaf-any-eku", EP_SEV_WARNING,
	    "get the certificate reissued with Server Authentication (and "
	    "Client Authentication where federation needs it) in place of "
	    "anyExtendedKeyUsage" },
	[EP_CHECK_KEY_TYPE_UNSUPPORTED] = { "key-type-unsupported",
	    EP_SEV_CRITICAL, "reissue with an RSA key (2048 bits or more) or "
	    "an ECDSA P-256 or P-384 key; an intermediate's key is the CA's to "
	    "change", NULL, "make a new RSA key (2048 bits or more) or ECDSA "
	    "P-256 or P-384 key, and a new request with it" },
	[EP_CHECK_SERIAL_INVALID] = { "serial-invalid", EP_SEV_WARNING,
	    "get the certificate reissued with a positive serial number of at "
	    "most 20 octets; an intermediate's serial is the CA's to fix" },
	[EP_CHECK_KEY_ID_MISSING] = { "key-id-missing", EP_SEV_WARNING,
	    "get the certificate reissued with its key identifiers "
	    "(authorityKeyIdentifier, and subjectKeyIdentifier in a CA); an "
	    "intermediate's are the CA's to add" },
	[EP_CHECK_ROOT_AKI_MISMATCH] = { "root-aki-mismatch", EP_SEV_CRITICAL,
	    "stop sending the root, and ask its CA for one whose "
	    "authorityKeyIdentifier names its own key, or has none" },
	[EP_CHECK_AIA_MALFORMED] = { "aia-malformed", EP_SEV_WARNING,
	    "get the certificate reissued by the CA with an authorityInfoAccess "
	    "of http:// URIs; an intermediate's is the CA's to fix" },
	[EP_CHECK_SAN_CRITICALITY] = { "san-criticality", EP_SEV_WARNING,
	    "get the certificate reissued with a subject and a non-critical "
	    "subjectAltName extension" },
	[EP_CHECK_NAME_CONSTRAINTS_VIOLATED] = { "name-constraints-violated",
	    EP_SEV_CRITICAL, "get the certificate from a CA whose name "
	    "constraints allow its names, or drop the names it may not hold" },
	[EP_CHECK_NAME_CONSTRAINTS_EMPTY] = { "name-constraints-empty",
	    EP_SEV_WARNING, "the CA must reissue its certificate without the "
	    "empty nameConstraints extension; meanwhile use a chain through "
	    "another intermediate" },
	[EP_CHECK_REVOKED] = { "revoked", EP_SEV_CRITICAL,
	    "replace the certificate now: a revoked certificate (or one under "
	    "a revoked intermediate) is refused by every client that checks",
	    "do not install it: get a new certificate" },
	[EP_CHECK_OCSP_UNREACHABLE] = { "ocsp-unreachable", EP_SEV_INFO,
	    "check that the CA's OCSP responder answers from where the "
	    "clients are (responders are often briefly unavailable; this "
	    "host may also be kept from it)" },
	[EP_CHECK_OCSP_RESPONSE_INVALID] = { "ocsp-response-invalid",
	    EP_SEV_WARNING, "a stale staple: check the server's OCSP stapling "
	    "(it must refresh the response); else tell the CA its responder "
	    "answers wrongly" },
	[EP_CHECK_MUST_STAPLE_MISSING] = { "must-staple-missing",
	    EP_SEV_CRITICAL, "turn OCSP stapling on for this server (the "
	    "certificate demands it), or use a certificate without the TLS "
	    "feature extension" },
	[EP_CHECK_CRL_UNREACHABLE] = { "crl-unreachable", EP_SEV_WARNING,
	    "make the CRL distribution point reachable over HTTP from where "
	    "the clients and federation partners are (proxies, firewalls)" },
	[EP_CHECK_CRL_STALE] = { "crl-stale", EP_SEV_CRITICAL,
	    "have the CA publish a current CRL: past its next update, Windows "
	    "takes revocation as unknown and refuses the certificate" },
	[EP_CHECK_CRL_INVALID] = { "crl-invalid", EP_SEV_CRITICAL,
	    "have the CA publish a proper CRL at the distribution point: "
	    "clients cannot use what is there" },
	[EP_CHECK_INTERRUPTED] = { "interrupted", EP_SEV_UNKNOWN,
	    "run edgeprobe again and let it finish" },
	/* Past edgeprobe's own limits (edgeprobe(1), LIMITS). */
	[EP_CHECK_CHAIN_OVER_LIMIT] = { "chain-over-limit", EP_SEV_WARNING,
	    "send the leaf and the intermediates that lead to the root, no "
	    "more: a chain that long or that large is a mistake, and clients "
	    "that bound what they take refuse it" },
	[EP_CHECK_CERT_OVER_LIMIT] = { "cert-over-limit", EP_SEV_WARNING,
	    "check what is past the limit by hand (certtool -i), and ask for "
	    "fewer names or URLs at the next renewal", NULL,
	    "put fewer names in the request: CAs take a few hundred at most" },
	[EP_CHECK_DNS_OVER_LIMIT] = { "dns-over-limit", EP_SEV_WARNING,
	    "check the records past the limit by hand (dig), or give the pool "
	    "members in a deployment file; so many records are rarely meant" },
	[EP_CHECK_ENDPOINTS_OVER_LIMIT] = { "endpoints-over-limit",
	    EP_SEV_WARNING, "split the names over several runs, each under "
	    "the limit" },
};

/* Every check must have a row: a hole would be a NULL id at run time. */
_Static_assert(NELEM(checks) == EP_CHECK__MAX, "check table incomplete");

const struct ep_check_info *
ep_check_info(enum ep_check c)
{
	return &checks[c];
}

const char *
ep_check_advice(enum ep_check c, enum ep_input input)
{
	if (input == EP_INPUT_FILE && checks[c].advice_file != NULL)
		return checks[c].advice_file;
	if (input == EP_INPUT_REQUEST && checks[c].advice_request != NULL)
		return checks[c].advice_request;
	return checks[c].advice;
}

int
ep_check_by_id(const char *id, enum ep_check *out)
{
	size_t	i;

	for (i = 0; i < NELEM(checks); i++) {
		if (strcmp(checks[i].id, id) == 0) {
			*out = (enum ep_check)i;
			return 0;
		}
	}
	return -1;
}

const char *
ep_severity_name(enum ep_severity s)
{
	switch (s) {
	case EP_SEV_OK:
		return "ok";
	case EP_SEV_INFO:
		return "info";
	case EP_SEV_WARNING:
		return "warning";
	case EP_SEV_CRITICAL:
		return "critical";
	case EP_SEV_UNKNOWN:
	case EP_SEV__MAX:
		break;
	}
	return "unknown";
}

enum ep_severity
ep_severity_status(enum ep_severity s)
{
	return s == EP_SEV_INFO ? EP_SEV_OK : s;
}

int
ep_severity_exit_code(enum ep_severity s)
{
	switch (ep_severity_status(s)) {
	case EP_SEV_OK:
		return 0;
	case EP_SEV_WARNING:
		return 1;
	case EP_SEV_CRITICAL:
		return 2;
	default:
		return 3;
	}
}
