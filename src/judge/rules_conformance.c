/*
 * Rules of X.509 conformance (RFC 5280, the CA/Browser Forum Baseline
 * Requirements): what a leaf may be (leaf-is-ca, leaf-any-eku), keys
 * (key-type-unsupported), serials (serial-invalid), key identifiers
 * (key-id-missing, root-aki-mismatch), authorityInfoAccess
 * (aia-malformed), subjectAltName criticality (san-criticality) and name
 * constraints (name-constraints-violated, name-constraints-empty).
 *
 * The profile's severity of each check is for the forms of the defect
 * that TLS clients reject.  A form only the standards forbid, which
 * clients accept, is reported at most as a warning (add_rules_only()):
 * edgeprobe-probes(5) lists which form is which, and which clients.
 */

#include <stdio.h>

#include <gnutls/gnutls.h>

#include "judge/rules_impl.h"
#include "x509/ep_constraints.h"

#define RFC5280_SERIAL_MAX	20	/* octets of a serial (4.1.2.2) */

/*
 * Names chain[i] in a message, as ep_rule_cert_label() does, but a
 * self-signed certificate after the leaf is the root it is.
 */
static void
cert_label(const struct endpoint *ep, size_t i, char *out, size_t outlen)
{
	if (i > 0 && ep->chain[i]->signed_by_own_key)
		snprintf(out, outlen, "root %.290s", ep->chain[i]->subject);
	else
		ep_rule_cert_label(ep, i, out, outlen);
}

/*
 * Adds a finding for a form of the defect that clients accept and only
 * the standards forbid: the profile's severity, but at most a warning.
 */
static int
add_rules_only(struct endpoint *ep, enum ep_check check, const char *msg)
{
	size_t	n = ep->out->n;

	if (ep_rule_add(ep, check, NULL, msg) == -1)
		return -1;
	if (ep->out->n > n && ep->out->v[n].severity > EP_SEV_WARNING)
		ep->out->v[n].severity = EP_SEV_WARNING;
	return 0;
}

/* An end-entity certificate is no CA: neither cA=TRUE nor keyCertSign. */
int
ep_rule_leaf_is_ca(struct endpoint *ep)
{
	const struct ep_cert	*leaf = ep->chain[0];

	if (leaf->is_ca)
		return ep_rule_add(ep, EP_CHECK_LEAF_IS_CA, NULL,
		    leaf->ku_cert_sign ? "the certificate is a CA certificate "
		    "(basicConstraints cA=TRUE, keyUsage keyCertSign), not an "
		    "end-entity certificate" : "the certificate is a CA "
		    "certificate (basicConstraints cA=TRUE), not an end-entity "
		    "certificate");
	if (leaf->ku_cert_sign)
		return ep_rule_add(ep, EP_CHECK_LEAF_IS_CA, NULL,
		    "the certificate's keyUsage asserts keyCertSign, which "
		    "only a CA certificate (cA=TRUE) may");
	return 0;
}

/*
 * anyExtendedKeyUsage in place of Server Authentication is what clients
 * that want Server Authentication itself reject; beside it, only the
 * Baseline Requirements forbid it.
 */
int
ep_rule_leaf_any_eku(struct endpoint *ep)
{
	const struct ep_cert	*leaf = ep->chain[0];

	if (!leaf->eku_any)
		return 0;
	if (!leaf->eku_server_listed)
		return ep_rule_add(ep, EP_CHECK_LEAF_ANY_EKU, NULL,
		    "the certificate's extended key usage is "
		    "anyExtendedKeyUsage without Server Authentication; "
		    "clients that require Server Authentication itself reject "
		    "it");
	return add_rules_only(ep, EP_CHECK_LEAF_ANY_EKU,
	    "the certificate's extended key usage lists anyExtendedKeyUsage "
	    "beside Server Authentication, which a TLS server certificate "
	    "must not");
}

/*
 * Returns the name of a key type TLS clients do not accept in a server's
 * chain, or NULL.  RSA and ECDSA are fine (an EC key's curve size is
 * weak-key's); an RSA-PSS key is what the profile's pss says it is, and
 * signature-pss-unsupported's to report.
 */
static const char *
unsupported_key(const struct ep_cert *c)
{
	switch (c->key_algo) {
	case GNUTLS_PK_RSA:
	case GNUTLS_PK_RSA_PSS:
	case GNUTLS_PK_ECDSA:
		return NULL;
	case GNUTLS_PK_DSA:
		return "a DSA";
	case GNUTLS_PK_EDDSA_ED25519:
		return "an Ed25519";
	case GNUTLS_PK_EDDSA_ED448:
		return "an Ed448";
	case GNUTLS_PK_GOST_01:
	case GNUTLS_PK_GOST_12_256:
	case GNUTLS_PK_GOST_12_512:
		return "a GOST R 34.10";
	case GNUTLS_PK_ECDH_X25519:
	case GNUTLS_PK_ECDH_X448:
		return "a key-agreement-only (X25519, X448)";
	default:
		return "an unknown";
	}
}

/*
 * The leaf's key and those of the intermediates; a root sent along is
 * trusted, if at all, by its identity, and its key signs the chain in
 * signatures judged on their own.
 */
int
ep_rule_key_type(struct endpoint *ep)
{
	char		 msg[EP_FINDING_MSG_MAX], which[EP_RULE_WHICH_MAX];
	const char	*kind;
	size_t		 i;

	for (i = 0; i < ep->n; i++) {
		if (i > 0 && ep->chain[i]->signed_by_own_key)
			continue;
		if ((kind = unsupported_key(ep->chain[i])) == NULL)
			continue;
		ep_rule_cert_label(ep, i, which, sizeof(which));
		snprintf(msg, sizeof(msg), "%s has %s key, which TLS clients "
		    "do not accept in a server's certificate chain", which,
		    kind);
		if (ep_rule_add(ep, EP_CHECK_KEY_TYPE_UNSUPPORTED, NULL,
		    msg) == -1)
			return -1;
	}
	return 0;
}

/*
 * RFC 5280 4.1.2.2: a positive integer of at most 20 octets.  Clients
 * refuse negative serials; zero and longer ones they accept.
 */
int
ep_rule_serial(struct endpoint *ep)
{
	char	msg[EP_FINDING_MSG_MAX], which[EP_RULE_WHICH_MAX];
	size_t	i;
	int	r = 0;

	for (i = 0; i < ep->n && r == 0; i++) {
		const struct ep_cert	*c = ep->chain[i];

		cert_label(ep, i, which, sizeof(which));
		if (c->serial_sign < 0) {
			snprintf(msg, sizeof(msg), "the serial number of %s is "
			    "negative (0x%s)", which, c->serial);
			r = ep_rule_add(ep, EP_CHECK_SERIAL_INVALID, NULL, msg);
		} else if (c->serial_sign == 0) {
			snprintf(msg, sizeof(msg), "the serial number of %s is "
			    "zero", which);
			r = add_rules_only(ep, EP_CHECK_SERIAL_INVALID, msg);
		} else if (c->serial_octets > RFC5280_SERIAL_MAX) {
			snprintf(msg, sizeof(msg), "the serial number of %s is "
			    "%zu octets long (0x%s); at most %d are allowed",
			    which, c->serial_octets, c->serial,
			    RFC5280_SERIAL_MAX);
			r = add_rules_only(ep, EP_CHECK_SERIAL_INVALID, msg);
		}
	}
	return r;
}

/*
 * RFC 5280 4.2.1.1: every certificate but a self-signed one names its
 * issuer's key (keyIdentifier); 4.2.1.2: every CA certificate names its
 * own.
 */
int
ep_rule_key_ids(struct endpoint *ep)
{
	char		 msg[EP_FINDING_MSG_MAX], which[EP_RULE_WHICH_MAX];
	const char	*aki;
	size_t		 i;
	int		 no_ski;

	for (i = 0; i < ep->n; i++) {
		const struct ep_cert	*c = ep->chain[i];

		if (c->signed_by_own_key || c->aki_id[0] != '\0')
			aki = NULL;
		else
			aki = c->has_aki ? "an authorityKeyIdentifier without "
			    "keyIdentifier" : "no authorityKeyIdentifier";
		no_ski = c->is_ca && !c->has_ski;
		if (aki == NULL && !no_ski)
			continue;
		cert_label(ep, i, which, sizeof(which));
		if (aki != NULL && no_ski)
			snprintf(msg, sizeof(msg), "%s has %s, and no "
			    "subjectKeyIdentifier although it is a CA "
			    "certificate", which, aki);
		else if (aki != NULL)
			snprintf(msg, sizeof(msg), "%s has %s", which, aki);
		else
			snprintf(msg, sizeof(msg), "%s is a CA certificate "
			    "without a subjectKeyIdentifier", which);
		if (ep_rule_add(ep, EP_CHECK_KEY_ID_MISSING, NULL, msg) == -1)
			return -1;
	}
	return 0;
}

/*
 * A self-signed certificate's AKI, if any, names its own key: clients
 * that match issuers by key identifier take one that names another key
 * for issued by someone else, and look for that issuer in vain.
 */
int
ep_rule_root_aki(struct endpoint *ep)
{
	char	msg[EP_FINDING_MSG_MAX], which[EP_RULE_WHICH_MAX];
	size_t	i;

	const struct ep_cert	*anchor = ep->trust ? ep->trust->anchor : NULL;

	for (i = 0; i <= ep->n; i++) {
		const struct ep_cert	*c = i < ep->n ? ep->chain[i] : anchor;

		/* The anchor the path ends at counts: clients use it. */
		if (c == NULL || !c->aki_other_key ||
		    (i == ep->n && ep->n > 0 && c == ep->chain[ep->n - 1]))
			continue;
		if (i < ep->n)
			cert_label(ep, i, which, sizeof(which));
		else
			snprintf(which, sizeof(which), "the trust anchor %.280s",
			    c->subject);
		snprintf(msg, sizeof(msg), "%.230s is self-signed, but its "
		    "authorityKeyIdentifier names the key %s, not its own (%s)",
		    which, c->aki_id, c->own_id);
		if (ep_rule_add(ep, EP_CHECK_ROOT_AKI_MISMATCH, NULL,
		    msg) == -1)
			return -1;
	}
	return 0;
}

/*
 * An authorityInfoAccess that does not parse fails clients that parse it;
 * a location that is not an http:// (or, for caIssuers, ldap://) URI is
 * one they cannot fetch from.
 */
static int
aia_of(struct endpoint *ep, size_t i)
{
	const struct ep_cert	*c = ep->chain[i];
	char			 msg[EP_FINDING_MSG_MAX];
	char			 which[EP_RULE_WHICH_MAX];

	cert_label(ep, i, which, sizeof(which));
	if (c->aia == EP_AIA_MALFORMED) {
		snprintf(msg, sizeof(msg), "the authorityInfoAccess extension "
		    "of %s does not parse, or holds no access description",
		    which);
		return ep_rule_add(ep, EP_CHECK_AIA_MALFORMED, NULL, msg);
	}
	if (c->aia != EP_AIA_BAD_LOCATION)
		return 0;
	snprintf(msg, sizeof(msg), "the authorityInfoAccess of %.200s gives "
	    "the %.150s; an OCSP location must be an http:// URI, a "
	    "caIssuers one an http:// or ldap:// URI", which, c->aia_where);
	return add_rules_only(ep, EP_CHECK_AIA_MALFORMED, msg);
}

int
ep_rule_aia(struct endpoint *ep)
{
	size_t	i;

	for (i = 0; i < ep->n; i++)
		if (aia_of(ep, i) == -1)
			return -1;
	return 0;
}

/*
 * RFC 5280 4.2.1.6: with an empty subject the SAN extension MUST be
 * critical (clients reject it otherwise); with a subject it SHOULD not
 * be, and the Baseline Requirements say MUST NOT.
 */
static int
san_criticality_of(struct endpoint *ep, size_t i)
{
	const struct ep_cert	*c = ep->chain[i];
	char			 msg[EP_FINDING_MSG_MAX];
	char			 which[EP_RULE_WHICH_MAX];

	if (!c->has_san || c->subject_empty == c->san_critical)
		return 0;
	cert_label(ep, i, which, sizeof(which));
	if (c->subject_empty) {
		snprintf(msg, sizeof(msg), "%s has an empty subject and a "
		    "non-critical subjectAltName extension; with an empty "
		    "subject it must be critical", which);
		return ep_rule_add(ep, EP_CHECK_SAN_CRITICALITY, NULL, msg);
	}
	snprintf(msg, sizeof(msg), "%s marks its subjectAltName extension "
	    "critical although its subject is not empty", which);
	return add_rules_only(ep, EP_CHECK_SAN_CRITICALITY, msg);
}

int
ep_rule_san_criticality(struct endpoint *ep)
{
	size_t	i;

	for (i = 0; i < ep->n; i++)
		if (san_criticality_of(ep, i) == -1)
			return -1;
	return 0;
}

/*
 * Returns 1 when chain[j] is the issuer of chain[i], or of an issuer of
 * it, by name and key identifier.  The chain is not assumed to be in
 * order: a CA's constraints bind only the certificates below it.
 */
static int
is_above(const struct endpoint *ep, size_t i, size_t j)
{
	size_t	cur = i, k, steps;

	for (steps = 0; steps < ep->n; steps++) {
		for (k = 0; k < ep->n; k++)
			if (k != cur && ep_cert_names_issuer(ep->chain[cur],
			    ep->chain[k]))
				break;
		if (k == ep->n)
			return 0;
		if (k == j)
			return 1;
		cur = k;
	}
	return 0;
}

/*
 * Returns 1 when chain[i] is outside the name constraints of a CA above
 * it, with the name in name and the CA's index in *ca; 0 when not; -1
 * when out of memory.  RFC 5280 6.1.3 (b): a self-issued CA certificate
 * other than the last is not checked.
 */
static int
outside_constraints(const struct endpoint *ep, size_t i, size_t *ca,
    char *name, size_t namelen)
{
	size_t	j;
	int	r;

	if (i > 0 && ep->chain[i]->self_issued)
		return 0;
	for (j = 0; j < ep->n; j++) {
		if (j == i || !ep->chain[j]->is_ca ||
		    !ep->chain[j]->has_name_constraints || !is_above(ep, i, j))
			continue;
		r = ep_cert_within_constraints(ep->chain[j], ep->chain[i],
		    i == 0, name, namelen);
		if (r == -1)
			return -1;
		if (r == 0) {
			*ca = j;
			return 1;
		}
	}
	return 0;
}

/*
 * The leaf and every CA below a constrained one.  GnuTLS's verifier
 * checks the leaf (a violation there is chain-untrusted too, this names
 * the name), but not an intermediate's own names.
 */
int
ep_rule_name_constraints(struct endpoint *ep)
{
	char	msg[EP_FINDING_MSG_MAX], which[EP_RULE_WHICH_MAX];
	char	name[EP_CONSTRAINT_NAME_MAX];
	size_t	i, ca = 0;
	int	r;

	for (i = 0; i < ep->n; i++) {
		if ((r = outside_constraints(ep, i, &ca, name,
		    sizeof(name))) == -1)
			return -1;
		if (r == 0)
			continue;
		cert_label(ep, i, which, sizeof(which));
		snprintf(msg, sizeof(msg), "the name %.150s of %.150s is "
		    "outside the name constraints of %.150s", name, which,
		    ep->chain[ca]->subject);
		if (ep_rule_add(ep, EP_CHECK_NAME_CONSTRAINTS_VIOLATED, NULL,
		    msg) == -1)
			return -1;
	}
	return 0;
}

/* RFC 5280 4.2.1.10: permittedSubtrees or excludedSubtrees MUST be there. */
int
ep_rule_name_constraints_empty(struct endpoint *ep)
{
	char	msg[EP_FINDING_MSG_MAX], which[EP_RULE_WHICH_MAX];
	size_t	i;

	for (i = 0; i < ep->n; i++) {
		if (!ep->chain[i]->name_constraints_empty)
			continue;
		cert_label(ep, i, which, sizeof(which));
		snprintf(msg, sizeof(msg), "%s has a nameConstraints extension "
		    "with neither permitted nor excluded subtrees", which);
		if (ep_rule_add(ep, EP_CHECK_NAME_CONSTRAINTS_EMPTY, NULL,
		    msg) == -1)
			return -1;
	}
	return 0;
}
