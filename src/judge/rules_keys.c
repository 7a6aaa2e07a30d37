/*
 * Rules of keys and signatures: strength (weak-key, weak-signature), the
 * sizes and schemes a role's peers support (key-size-unsupported,
 * signature-pss-unsupported), and the private key of a PFX
 * (pfx-key-missing, pfx-key-mismatch).
 */

#include <stdio.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "judge/rules_impl.h"

/*
 * Returns 1 when the key of chain[i] is relied upon.  A self-signed
 * certificate sent after the leaf is a root, trusted by its identity if
 * at all; the leaf's key makes the handshake, whatever signed it.
 */
static int
key_relied_upon(const struct endpoint *ep, size_t i)
{
	return i == 0 || !ep->chain[i]->self_signed;
}

/*
 * Returns 1 when the signature on chain[i] is relied upon.  A
 * self-signature never is: a root is trusted by its identity, and a
 * self-signed leaf is not trusted at all (self-signed says so).
 */
static int
signature_relied_upon(const struct endpoint *ep, size_t i)
{
	return !ep->chain[i]->self_signed;
}

static int
is_rsa(const struct ep_cert *c)
{
	return c->key_algo == GNUTLS_PK_RSA || c->key_algo == GNUTLS_PK_RSA_PSS;
}

/* Returns the profile's least size for c's key type, 0 for no limit. */
static unsigned
min_key_bits(const struct ep_profile *p, const struct ep_cert *c)
{
	if (is_rsa(c))
		return p->min_rsa_bits;
	if (c->key_algo == GNUTLS_PK_ECDSA)
		return p->min_ec_bits;
	return 0;
}

static int
is_weak_key(const struct ep_profile *p, const struct ep_cert *c)
{
	return c->key_bits < min_key_bits(p, c);
}

int
ep_rule_weak_key(struct endpoint *ep)
{
	char	msg[EP_FINDING_MSG_MAX], which[EP_RULE_WHICH_MAX], key[64];
	size_t	i;

	for (i = 0; i < ep->n; i++) {
		const struct ep_cert	*c = ep->chain[i];

		if (!key_relied_upon(ep, i) || !is_weak_key(ep->profile, c))
			continue;
		ep_rule_cert_label(ep, i, which, sizeof(which));
		ep_cert_key_desc(c, key, sizeof(key));
		/* Only RSA and EC keys have a least size: "an" fits both. */
		snprintf(msg, sizeof(msg), "%s has an %s key, below the %u "
		    "bits required", which, key, min_key_bits(ep->profile, c));
		if (ep_rule_add(ep, EP_CHECK_WEAK_KEY, NULL, msg) == -1)
			return -1;
	}
	return 0;
}

/* The servers of a role support only some RSA sizes; CAs are not theirs. */
int
ep_rule_key_size(struct endpoint *ep)
{
	const struct ep_cert	*leaf = ep->chain[0];
	char			 msg[EP_FINDING_MSG_MAX], sizes[128];
	size_t			 i, len = 0;

	if (ep->role->nrsa_sizes == 0 || !is_rsa(leaf))
		return 0;
	/* A key too weak to use is named once, by weak-key. */
	if (is_weak_key(ep->profile, leaf) && ep_rule_reports(ep, EP_CHECK_WEAK_KEY))
		return 0;
	sizes[0] = '\0';
	for (i = 0; i < ep->role->nrsa_sizes && i < EP_RSA_SIZES_MAX; i++) {
		if (ep->role->rsa_sizes[i] == leaf->key_bits)
			return 0;
		if (len < sizeof(sizes))
			len += (size_t)snprintf(sizes + len, sizeof(sizes) - len,
			    "%s%u", i > 0 ? ", " : "", ep->role->rsa_sizes[i]);
	}
	snprintf(msg, sizeof(msg), "the certificate's RSA key has %u bits; "
	    "the %s role supports %s bits only", leaf->key_bits,
	    ep->role->name, sizes);
	return ep_rule_add(ep, EP_CHECK_KEY_SIZE_UNSUPPORTED, NULL, msg);
}

/* An RSASSA-PSS key cannot make the PKCS#1 v1.5 signatures peers expect. */
int
ep_rule_pss_key(struct endpoint *ep)
{
	if (ep->profile->pss_ok || ep->chain[0]->key_algo != GNUTLS_PK_RSA_PSS)
		return 0;
	return ep_rule_add(ep, EP_CHECK_SIGNATURE_PSS_UNSUPPORTED, NULL,
	    "the certificate's key is an RSA-PSS key, usable for RSASSA-PSS "
	    "signatures only, which this profile's peers do not support");
}

static int
is_weak_hash(const struct ep_profile *p, int sig)
{
	int	hash = (int)gnutls_sign_get_hash_algorithm(sig);
	size_t	i;

	for (i = 0; i < p->nweak_hashes && i < EP_HASHES_MAX; i++)
		if (p->weak_hashes[i] == hash)
			return 1;
	return 0;
}

static const char *
sign_name(int sig)
{
	const char	*name = gnutls_sign_get_name(sig);

	return name != NULL ? name : "an unknown algorithm";
}

int
ep_rule_weak_signature(struct endpoint *ep)
{
	char	msg[EP_FINDING_MSG_MAX], which[EP_RULE_WHICH_MAX];
	size_t	i;

	for (i = 0; i < ep->n; i++) {
		const struct ep_cert	*c = ep->chain[i];

		if (!signature_relied_upon(ep, i) ||
		    !is_weak_hash(ep->profile, c->sig_algo))
			continue;
		ep_rule_cert_label(ep, i, which, sizeof(which));
		snprintf(msg, sizeof(msg), "%s is signed with %s, a broken hash",
		    which, sign_name(c->sig_algo));
		if (ep_rule_add(ep, EP_CHECK_WEAK_SIGNATURE, NULL, msg) == -1)
			return -1;
	}
	return 0;
}

int
ep_rule_pss_signature(struct endpoint *ep)
{
	char	msg[EP_FINDING_MSG_MAX], which[EP_RULE_WHICH_MAX];
	size_t	i;

	if (ep->profile->pss_ok)
		return 0;
	for (i = 0; i < ep->n; i++) {
		const struct ep_cert	*c = ep->chain[i];

		if (!signature_relied_upon(ep, i) ||
		    gnutls_sign_get_pk_algorithm(c->sig_algo) != GNUTLS_PK_RSA_PSS)
			continue;
		ep_rule_cert_label(ep, i, which, sizeof(which));
		snprintf(msg, sizeof(msg), "%s is signed with RSASSA-PSS (%s), "
		    "which this profile's peers cannot verify", which,
		    sign_name(c->sig_algo));
		if (ep_rule_add(ep, EP_CHECK_SIGNATURE_PSS_UNSUPPORTED, NULL, msg) == -1)
			return -1;
	}
	return 0;
}

/*
 * A PFX is how the one key reaches every edge server of a pool (A/V
 * authentication needs the same private key on each).
 */
int
ep_rule_pfx_key(struct endpoint *ep)
{
	char	msg[EP_FINDING_MSG_MAX];

	if (!ep->obs->has_key) {
		snprintf(msg, sizeof(msg), "%.300s holds no private key: the "
		    "certificate was exported without it (or it is not "
		    "exportable), and the A/V authentication service needs it",
		    ep->obs->file);
		return ep_rule_add(ep, EP_CHECK_PFX_KEY_MISSING, NULL, msg);
	}
	if (ep->obs->key_matches)
		return 0;
	snprintf(msg, sizeof(msg), "the private key in %.300s is not the key "
	    "of the certificate %.150s", ep->obs->file, ep->chain[0]->subject);
	return ep_rule_add(ep, EP_CHECK_PFX_KEY_MISMATCH, NULL, msg);
}
