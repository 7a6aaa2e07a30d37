#ifndef EP_CHECK_H
#define EP_CHECK_H

/*
 * The stable check IDs: one enum, one table.  An ID never changes meaning;
 * new checks get new IDs appended before EP_CHECK__MAX.
 */

/*
 * Ordered: a worse severity is a greater value.  A profile that sets a
 * check to EP_SEV_OK turns it off.
 */
enum ep_severity {
	EP_SEV_OK = 0,		/* nothing wrong */
	EP_SEV_INFO,		/* worth knowing; sets no status */
	EP_SEV_WARNING,		/* works today, fix it soon */
	EP_SEV_CRITICAL,	/* clients fail now */
	EP_SEV_UNKNOWN,		/* could not be checked */
	EP_SEV__MAX
};

enum ep_check {
	EP_CHECK_DNS_NO_ADDRESS,
	EP_CHECK_DNS_SRV_MISSING,
	EP_CHECK_SRV_TARGET_OUTSIDE_DOMAIN,
	EP_CHECK_CONNECT_FAILED,
	EP_CHECK_TIMEOUT,
	EP_CHECK_HANDSHAKE_FAILED,
	EP_CHECK_NAME_NOT_IN_SAN,
	EP_CHECK_NAME_ONLY_IN_SUBJECT,
	EP_CHECK_SUBJECT_NOT_ACCESS_FQDN,
	EP_CHECK_SUBJECT_WILDCARD,
	EP_CHECK_WILDCARD_NOT_ALLOWED,
	EP_CHECK_SAN_WILDCARD_FIRST,
	EP_CHECK_CHAIN_UNTRUSTED,
	EP_CHECK_CHAIN_INCOMPLETE,
	EP_CHECK_SELF_SIGNED,
	EP_CHECK_INTERNAL_CA_ON_EXTERNAL,
	EP_CHECK_EXPIRED,
	EP_CHECK_NOT_YET_VALID,
	EP_CHECK_EXPIRES_SOON,
	EP_CHECK_EKU_SERVER_AUTH_MISSING,
	EP_CHECK_EKU_CLIENT_AUTH_MISSING,
	EP_CHECK_WEAK_KEY,
	EP_CHECK_WEAK_SIGNATURE,
	EP_CHECK_KEY_SIZE_UNSUPPORTED,
	EP_CHECK_SIGNATURE_PSS_UNSUPPORTED,
	EP_CHECK_CRL_DP_MISSING,
	EP_CHECK_POOL_KEY_MISMATCH,
	EP_CHECK_POOL_CERT_MISMATCH,
	EP_CHECK_TLS_LEGACY_VERSION,
	EP_CHECK_PFX_KEY_MISSING,
	EP_CHECK_PFX_KEY_MISMATCH,
	EP_CHECK_ROLE_NOT_CHECKED,
	EP_CHECK_DNS_LOOKUP_FAILED,
	EP_CHECK_CERT_CHANGED,
	EP_CHECK_KEY_CHANGED,
	EP_CHECK_ENDPOINT_GONE,
	EP_CHECK_ENDPOINT_NEW,
	EP_CHECK_STATE_UNREADABLE,
	EP_CHECK_CERT_MALFORMED,
	EP_CHECK_CHAIN_EXTRA_EXPIRED,
	EP_CHECK_ANCHOR_EXPIRED,
	EP_CHECK_CHAIN_ORDER,
	EP_CHECK_LEAF_IS_CA,
	EP_CHECK_LEAF_ANY_EKU,
	EP_CHECK_KEY_TYPE_UNSUPPORTED,
	EP_CHECK_SERIAL_INVALID,
	EP_CHECK_KEY_ID_MISSING,
	EP_CHECK_ROOT_AKI_MISMATCH,
	EP_CHECK_AIA_MALFORMED,
	EP_CHECK_SAN_CRITICALITY,
	EP_CHECK_NAME_CONSTRAINTS_VIOLATED,
	EP_CHECK_NAME_CONSTRAINTS_EMPTY,
	EP_CHECK_REVOKED,
	EP_CHECK_OCSP_UNREACHABLE,
	EP_CHECK_OCSP_RESPONSE_INVALID,
	EP_CHECK_MUST_STAPLE_MISSING,
	EP_CHECK_CRL_UNREACHABLE,
	EP_CHECK_CRL_STALE,
	EP_CHECK_CRL_INVALID,
	EP_CHECK_INTERRUPTED,
	EP_CHECK_CHAIN_OVER_LIMIT,
	EP_CHECK_CERT_OVER_LIMIT,
	EP_CHECK_DNS_OVER_LIMIT,
	EP_CHECK_ENDPOINTS_OVER_LIMIT,
	EP_CHECK__MAX
};

/*
 * What a finding was made on: what a server presents, a chain or PFX
 * file before it is installed, or a certificate request before it goes
 * to the CA.  The advice fits it.
 */
enum ep_input {
	EP_INPUT_SERVER,
	EP_INPUT_FILE,
	EP_INPUT_REQUEST,
	EP_INPUT__MAX
};

/* One row of the check table. */
struct ep_check_info {
	const char		*id;		/* stable ID, the JSON "check" field */
	enum ep_severity	 severity;	/* default severity */
	const char		*advice;	/* what the admin should do */
	const char		*advice_file;	/* ...for a file, when it differs */
	const char		*advice_request;	/* ...for a request */
};

/*
 * Returns the table row of check c; c must be below EP_CHECK__MAX.
 */
const struct ep_check_info *ep_check_info(enum ep_check c);

/*
 * Returns the advice of check c for a finding on input: the table's
 * advice, or its variant for a file or a request.
 */
const char *ep_check_advice(enum ep_check c, enum ep_input input);

/*
 * Looks a check up by its ID.  Returns 0 and sets *out, or -1 when no
 * check has that ID.
 */
int ep_check_by_id(const char *id, enum ep_check *out);

/*
 * Returns "ok", "info", "warning", "critical" or "unknown".
 */
const char *ep_severity_name(enum ep_severity s);

/*
 * Returns the status a severity gives an endpoint or a run: itself, but
 * EP_SEV_OK for EP_SEV_INFO.
 */
enum ep_severity ep_severity_status(enum ep_severity s);

/*
 * Maps a severity to the Nagios exit code: 0 ok (and info), 1 warning,
 * 2 critical, 3 unknown.
 */
int ep_severity_exit_code(enum ep_severity s);

#endif /* EP_CHECK_H */
