/*
 * The rules: observations + anchors + clock -> findings.  Each endpoint
 * rule is one function in the table below; role differences come from the
 * profile's data, never from testing a role by name.
 */

#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "input/ep_hostname.h"
#include "judge/ep_rules.h"
#include "input/ep_time.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define DAY		86400
#define WHICH_MAX	320	/* "intermediate <DN>", cut */

/* Observation kinds as a mask, for the kinds a rule judges. */
#define KIND(k)		(1u << (k))
#define KINDS_LIVE	KIND(EP_OBS_LIVE)
/*
 * Certificates a CA issued: what the CA decides (trust, dates, EKU, CRL
 * distribution point, signatures) is judged on these, never on a CSR's
 * stand-in certificate.
 */
#define KINDS_ISSUED	(KIND(EP_OBS_LIVE) | KIND(EP_OBS_CHAIN) | \
			    KIND(EP_OBS_PFX))
/* What the applicant decides (names, subject, key) is judged on all. */
#define KINDS_ALL	(KINDS_ISSUED | KIND(EP_OBS_CSR))
#define KINDS_PFX	KIND(EP_OBS_PFX)

/* What one endpoint rule sees. */
/*
 * The last chain verified and what came of it: the endpoints of a pool
 * and its ports come one after another and mostly present one chain.
 */
struct trust_memo {
	const struct ep_cert	*chain[EP_CHAIN_MAX];
	size_t			 n;	/* 0: nothing yet */
	int			 internal_ok;
	struct ep_trust_result	 r;
};

struct endpoint {
	const struct ep_rules_ctx	*ctx;
	struct trust_memo		*memo;
	const struct ep_profile		*profile;
	const struct ep_observations	*o;
	size_t				 idx;		/* observation index */
	const struct ep_obs		*obs;
	const struct ep_target		*target;
	const struct ep_role_rules	*role;
	const struct ep_cert		*chain[EP_CHAIN_MAX];	/* as sent */
	size_t				 n;
	struct ep_findings		*out;
};

struct endpoint_rule {
	const char	*name;		/* what it judges */
	unsigned	 kinds;		/* KIND()s of the observations it judges */
	int		 needs_chain;	/* runs only when there is a certificate */
	int		(*run)(struct endpoint *);
};

/*
 * Adds a finding with the profile's severity for its check, raised to
 * at least min.  A check the profile turns off adds nothing.  Returns 0,
 * or -1 when out of memory.
 */
static int
add_sev(struct endpoint *ep, enum ep_check check, const char *name,
    const char *msg, enum ep_severity min)
{
	enum ep_severity	 sev = ep->profile->severity[check];
	struct ep_finding	*f;

	if (sev == EP_SEV_OK)
		return 0;
	if ((f = ep_findings_add(ep->out, check, ep->idx, name, "%s",
	    msg)) == NULL)
		return -1;
	f->severity = sev > min ? sev : min;
	return 0;
}

static int
add(struct endpoint *ep, enum ep_check check, const char *name,
    const char *msg)
{
	return add_sev(ep, check, name, msg, EP_SEV_OK);
}

/* Returns 1 when the profile has check on. */
static int
reports(const struct endpoint *ep, enum ep_check check)
{
	return ep->profile->severity[check] != EP_SEV_OK;
}

/* Names chain[i] in a message: the leaf or an intermediate by its DN. */
static void
cert_label(const struct endpoint *ep, size_t i, char *out, size_t outlen)
{
	if (i == 0)
		snprintf(out, outlen, "the certificate");
	else
		snprintf(out, outlen, "intermediate %.290s",
		    ep->chain[i]->subject);
}

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
rule_reach(struct endpoint *ep)
{
	static const enum ep_check	by_status[] = {
		[EP_OBS_NO_ADDRESS] = EP_CHECK_DNS_NO_ADDRESS,
		[EP_OBS_CONNECT_FAILED] = EP_CHECK_CONNECT_FAILED,
		[EP_OBS_TIMEOUT] = EP_CHECK_TIMEOUT,
		[EP_OBS_HANDSHAKE_FAILED] = EP_CHECK_HANDSHAKE_FAILED,
	};
	static const char		*what[] = {
		[EP_OBS_NO_ADDRESS] = "does not resolve",
		[EP_OBS_CONNECT_FAILED] = "takes no connection",
		[EP_OBS_TIMEOUT] = "timed out",
		[EP_OBS_HANDSHAKE_FAILED] = "failed the TLS handshake",
	};
	const struct ep_obs	*obs = ep->obs;
	char			 msg[EP_FINDING_MSG_MAX];

	if (obs->status == EP_OBS_OK)
		return 0;
	snprintf(msg, sizeof(msg), "%s %s: %.300s", ep->target->name,
	    what[obs->status], obs->error);
	return add(ep, by_status[obs->status], NULL, msg);
}

enum coverage {
	COV_NONE,
	COV_CN,			/* only the subject CN matches */
	COV_SAN_WILDCARD,	/* a wildcard SAN matches */
	COV_SAN_EXACT,		/* a SAN names it */
};

static enum coverage
coverage(const struct ep_names *names, const struct ep_cert *c,
    const char *name, int cn_wildcard_ok)
{
	enum coverage		best = COV_NONE;
	enum ep_name_match	m;
	unsigned char		ip[16];
	size_t			i, iplen = 0;

	/* An IP reference is matched only against iPAddress SANs. */
	if (inet_pton(AF_INET, name, ip) == 1)
		iplen = 4;
	else if (inet_pton(AF_INET6, name, ip) == 1)
		iplen = 16;
	for (i = 0; i < c->nsans; i++) {
		const struct ep_san	*s = &c->sans[i];

		if (iplen > 0) {
			if (s->is_ip && s->len == iplen &&
			    memcmp(s->value, ip, iplen) == 0)
				return COV_SAN_EXACT;
			continue;
		}
		if (s->is_ip)
			continue;
		m = ep_names_match(names, (const char *)s->value, s->len, name);
		if (m == EP_NAME_EXACT)
			return COV_SAN_EXACT;
		if (m == EP_NAME_WILDCARD)
			best = COV_SAN_WILDCARD;
	}
	if (best == COV_NONE && iplen == 0 && c->cn_len > 0) {
		m = ep_names_match(names, c->cn, c->cn_len, name);
		if (m == EP_NAME_EXACT || (m == EP_NAME_WILDCARD && cn_wildcard_ok))
			best = COV_CN;
	}
	return best;
}

static int
in_list(char *const *v, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* Appends cand to req (n names so far) unless it is there already. */
static void
push_name(char (*req)[EP_NAME_MAX + 1], size_t *n, const char *cand)
{
	size_t	i, len = strlen(cand);

	if (len > EP_NAME_MAX)
		return;		/* sip.<253-octet domain> cannot exist */
	for (i = 0; i < *n; i++)
		if (strcmp(req[i], cand) == 0)
			return;
	memcpy(req[(*n)++], cand, len + 1);
}

/* How many names required_names() may return for plan. */
static size_t
required_max(const struct ep_plan *plan)
{
	return 1 + plan->nsip_domains + plan->npublished + plan->ntargets;
}

/*
 * The names an endpoint must cover: its own, sip.<d> for every SIP domain
 * where the role serves client auto-configuration and federation, every
 * published name on the external web services FQDN itself, and, for a
 * certificate judged before it is installed as the one external edge
 * certificate, every web conferencing FQDN (live, each edge service is
 * probed under its own name).  req has room for required_max() names.
 */
static void
required_names(const struct endpoint *ep, char (*req)[EP_NAME_MAX + 1],
    size_t *nreq)
{
	const struct ep_plan	*plan = ep->ctx->plan;
	char			 buf[EP_NAME_MAX + 8];
	size_t			 i, n = 0;

	push_name(req, &n, ep->target->name);
	if (ep->role->need_sip_domains)
		for (i = 0; i < plan->nsip_domains; i++) {
			if (!ep_plan_sip_domain_concerns(plan, i,
			    ep->obs->target))
				continue;
			snprintf(buf, sizeof(buf), "sip.%s",
			    plan->sip_domains[i]);
			push_name(req, &n, buf);
		}
	if (ep->role->need_published &&
	    !in_list(plan->published, plan->npublished, ep->target->name))
		for (i = 0; i < plan->npublished; i++)
			push_name(req, &n, plan->published[i]);
	if (ep->role->offline_also != 0 && ep->obs->kind != EP_OBS_LIVE)
		for (i = 0; i < plan->ntargets; i++)
			if (ep->role->offline_also &
			    (1u << plan->targets[i].role))
				push_name(req, &n, plan->targets[i].name);
	*nreq = n;
}

static int
rule_names(struct endpoint *ep)
{
	char			(*req)[EP_NAME_MAX + 1];
	const struct ep_cert	*leaf = ep->chain[0];
	size_t			 nreq = 0, i;
	int			 san_or_cn = ep->role->names == EP_NAMES_SAN_OR_CN;
	char			 msg[EP_FINDING_MSG_MAX];
	int			 ret = -1;

	req = calloc(required_max(ep->ctx->plan), sizeof(*req));
	if (req == NULL)
		return -1;
	required_names(ep, req, &nreq);
	for (i = 0; i < nreq; i++) {
		enum coverage	cov = coverage(ep->ctx->names, leaf, req[i],
				    ep->role->wildcard_ok);
		enum ep_check	check;

		if (cov == COV_SAN_EXACT ||
		    (cov == COV_SAN_WILDCARD && ep->role->wildcard_ok) ||
		    (cov == COV_CN && san_or_cn))
			continue;
		if (cov == COV_SAN_WILDCARD) {
			check = EP_CHECK_WILDCARD_NOT_ALLOWED;
			snprintf(msg, sizeof(msg), "%s is covered only by a "
			    "wildcard SAN; the %s role needs it listed "
			    "explicitly", req[i], ep->role->name);
		} else if (cov == COV_CN) {
			check = EP_CHECK_NAME_ONLY_IN_SUBJECT;
			snprintf(msg, sizeof(msg), "%s is only the subject CN; "
			    "TLS clients check the SAN list, which lacks it",
			    req[i]);
		} else {
			check = EP_CHECK_NAME_NOT_IN_SAN;
			snprintf(msg, sizeof(msg), "%s is not among the "
			    "certificate's names%s", req[i],
			    leaf->has_san ? "" : " (it has no SAN extension)");
		}
		if (add(ep, check, req[i], msg) == -1)
			goto out;
	}
	ret = 0;
out:
	free(req);
	return ret;
}

/* Returns 1 when the bytes of a presented name hold a wildcard. */
static int
has_wildcard(const void *name, size_t len)
{
	return memchr(name, '*', len) != NULL;
}

/*
 * Returns 1 when the leaf's subject CN is the name of a target of the
 * endpoint's role other than a published name: one edge serving several
 * SIP domains is found under each sip.<domain>, and its one certificate
 * names one of them as subject.
 */
static int
cn_is_role_fqdn(const struct endpoint *ep, const struct ep_cert *leaf)
{
	const struct ep_plan	*plan = ep->ctx->plan;
	char			 cn[EP_NAME_MAX + 1];
	size_t			 i;

	/* A NUL inside the CN would cut the comparison short. */
	if (leaf->cn_len == 0 || strlen(leaf->cn) != leaf->cn_len ||
	    ep_host_normalize(leaf->cn, cn, sizeof(cn)) == -1)
		return 0;
	if (strcmp(cn, ep->target->name) == 0)
		return 1;
	for (i = 0; i < plan->ntargets; i++)
		if (plan->targets[i].role == ep->target->role &&
		    strcmp(cn, plan->targets[i].name) == 0 &&
		    !in_list(plan->published, plan->npublished, cn))
			return 1;
	return 0;
}

/*
 * The subject CN should be the endpoint's own FQDN where the role says
 * so (OCS-era clients still look at it).  A published name is served
 * under the external web services FQDN's certificate, so it is not
 * expected in the subject.
 */
static int
rule_subject_self(struct endpoint *ep)
{
	const struct ep_plan	*plan = ep->ctx->plan;
	const struct ep_cert	*leaf = ep->chain[0];
	char			 msg[EP_FINDING_MSG_MAX];

	if (ep->role->subject != EP_SUBJECT_SELF ||
	    in_list(plan->published, plan->npublished, ep->target->name) ||
	    cn_is_role_fqdn(ep, leaf))
		return 0;
	/* A wildcard subject is named once, by the graver subject-wildcard. */
	if (has_wildcard(leaf->cn, leaf->cn_len) &&
	    !ep->role->subject_wildcard_ok &&
	    reports(ep, EP_CHECK_SUBJECT_WILDCARD))
		return 0;
	if (leaf->cn_len == 0)
		snprintf(msg, sizeof(msg), "the certificate's subject has no "
		    "CN; it should be the endpoint's FQDN %s", ep->target->name);
	else
		snprintf(msg, sizeof(msg), "the subject CN is %.*s, not the "
		    "endpoint's FQDN %s", (int)leaf->cn_len, leaf->cn,
		    ep->target->name);
	return add(ep, EP_CHECK_SUBJECT_NOT_ACCESS_FQDN, NULL, msg);
}

static int
rule_subject_wildcard(struct endpoint *ep)
{
	const struct ep_cert	*leaf = ep->chain[0];
	char			 msg[EP_FINDING_MSG_MAX];

	if (ep->role->subject_wildcard_ok ||
	    !has_wildcard(leaf->cn, leaf->cn_len))
		return 0;
	snprintf(msg, sizeof(msg), "the subject CN %.*s is a wildcard; the %s "
	    "role needs an explicit name as subject", (int)leaf->cn_len,
	    leaf->cn, ep->role->name);
	return add(ep, EP_CHECK_SUBJECT_WILDCARD, NULL, msg);
}

/*
 * UC devices take the first dNSName of the SAN list as the server's name:
 * every explicit FQDN must come before the first wildcard.
 */
static int
rule_san_order(struct endpoint *ep)
{
	const struct ep_cert	*leaf = ep->chain[0];
	const struct ep_san	*wild = NULL;
	char			 msg[EP_FINDING_MSG_MAX];
	size_t			 i;

	if (!ep->role->wildcard_order)
		return 0;
	for (i = 0; i < leaf->nsans; i++) {
		const struct ep_san	*san = &leaf->sans[i];

		if (san->is_ip)
			continue;
		if (has_wildcard(san->value, san->len)) {
			if (wild == NULL)
				wild = san;
			continue;
		}
		if (wild == NULL)
			continue;
		snprintf(msg, sizeof(msg), "the wildcard SAN %.*s comes before "
		    "the explicit name %.*s; UC devices take the first entry",
		    (int)(wild->len < EP_NAME_MAX ? wild->len : EP_NAME_MAX),
		    (const char *)wild->value,
		    (int)(san->len < EP_NAME_MAX ? san->len : EP_NAME_MAX),
		    (const char *)san->value);
		return add(ep, EP_CHECK_SAN_WILDCARD_FIRST, NULL, msg);
	}
	return 0;
}

static int
rule_trust(struct endpoint *ep)
{
	struct ep_trust_result	r;
	char			msg[EP_FINDING_MSG_MAX];
	int			internal_ok;

	internal_ok = ep->role->trust == EP_TRUST_INTERNAL_OR_PUBLIC;
	if (ep->memo->n == ep->n && ep->memo->internal_ok == internal_ok &&
	    memcmp(ep->memo->chain, ep->chain, ep->n * sizeof(ep->chain[0])) == 0)
		r = ep->memo->r;
	else {
		if (ep_trust_verify(ep->ctx->trust, ep->chain, ep->n,
		    internal_ok, &r) == -1)
			return -1;
		memcpy(ep->memo->chain, ep->chain, ep->n * sizeof(ep->chain[0]));
		ep->memo->n = ep->n;
		ep->memo->internal_ok = internal_ok;
		ep->memo->r = r;
	}
	if (r.trusted && !r.incomplete)
		return 0;
	/* Trusted, but by the wrong kind of CA: say so rather than "untrusted". */
	if (r.anchor_internal && !internal_ok) {
		snprintf(msg, sizeof(msg), "the chain ends at an internal CA "
		    "(%.300s); external clients and federation partners do not "
		    "trust it", ep->chain[ep->n - 1]->issuer);
		return add(ep, EP_CHECK_INTERNAL_CA_ON_EXTERNAL, NULL, msg);
	}
	if (r.self_signed) {
		snprintf(msg, sizeof(msg), "the certificate is self-signed "
		    "(%.300s): no client trusts it", ep->chain[0]->subject);
		return add(ep, EP_CHECK_SELF_SIGNED, NULL, msg);
	}
	if (r.incomplete) {
		snprintf(msg, sizeof(msg), "the server does not send the "
		    "intermediate certificate %.300s; clients that cannot fetch it "
		    "fail%s", r.missing, r.completed ? "" : " (edgeprobe does "
		    "not have it either, so it cannot tell whether the chain "
		    "leads to a trusted root)");
		if (add(ep, EP_CHECK_CHAIN_INCOMPLETE, NULL, msg) == -1)
			return -1;
		if (r.trusted || !r.completed)
			return 0;
	}
	snprintf(msg, sizeof(msg), "the chain is not trusted: %.400s",
	    r.reason);
	return add(ep, EP_CHECK_CHAIN_UNTRUSTED, NULL, msg);
}

static int
rule_validity(struct endpoint *ep)
{
	const struct ep_rules_ctx	*ctx = ep->ctx;
	char				 msg[EP_FINDING_MSG_MAX], when[32];
	size_t				 i;

	for (i = 0; i < ep->n; i++) {
		const struct ep_cert	*c = ep->chain[i];
		char			 which[WHICH_MAX];
		long long		 left = (long long)c->not_after - ctx->now;

		cert_label(ep, i, which, sizeof(which));

		if (ctx->now < c->not_before) {
			ep_time_iso(c->not_before, when, sizeof(when));
			snprintf(msg, sizeof(msg), "%s is not valid until %s",
			    which, when);
			if (add(ep, EP_CHECK_NOT_YET_VALID, NULL, msg) == -1)
				return -1;
		} else if (left < 0) {
			ep_time_iso(c->not_after, when, sizeof(when));
			snprintf(msg, sizeof(msg), "%s expired on %s (%lld days "
			    "ago)", which, when, (-left) / DAY);
			if (add(ep, EP_CHECK_EXPIRED, NULL, msg) == -1)
				return -1;
		} else if (left <= (long long)ctx->warn_days * DAY ||
		    left <= (long long)ctx->crit_days * DAY) {
			ep_time_iso(c->not_after, when, sizeof(when));
			snprintf(msg, sizeof(msg), "%s expires on %s, in %lld "
			    "days", which, when, left / DAY);
			/* Within --crit-days it is critical, whatever the profile. */
			if (add_sev(ep, EP_CHECK_EXPIRES_SOON, NULL, msg,
			    left <= (long long)ctx->crit_days * DAY ?
			    EP_SEV_CRITICAL : EP_SEV_OK) == -1)
				return -1;
		}
	}
	return 0;
}

static int
rule_eku(struct endpoint *ep)
{
	const struct ep_cert	*leaf = ep->chain[0];

	if (leaf->eku_server)
		return 0;
	return add(ep, EP_CHECK_EKU_SERVER_AUTH_MISSING, NULL, leaf->has_eku ?
	    "the certificate's extended key usage lacks Server Authentication" :
	    "the certificate has no extended key usage: Lync requires "
	    "Server Authentication");
}

/* The ports this observation stands for: one live, all of them offline. */
static unsigned
port_flags(const struct endpoint *ep)
{
	const struct ep_port	*ports;
	unsigned		 flags = ep->obs->port_flags;
	size_t			 i, n;

	if (ep->obs->kind == EP_OBS_LIVE)
		return flags;
	n = ep_plan_ports(ep->ctx->plan, ep->obs->target, &ports);
	for (i = 0; i < n; i++)
		flags |= ports[i].flags;
	return flags;
}

/*
 * Federation is mutual TLS: on the federation port the edge is a TLS
 * client of its partners too, with the same certificate.  Without an EKU
 * extension every purpose is allowed, and eku-server-auth-missing asks
 * for a reissue anyway.
 */
static int
rule_eku_client(struct endpoint *ep)
{
	const struct ep_cert	*leaf = ep->chain[0];

	if (!(port_flags(ep) & EP_PORT_FEDERATION) || !leaf->has_eku ||
	    leaf->eku_client)
		return 0;
	return add(ep, EP_CHECK_EKU_CLIENT_AUTH_MISSING, NULL,
	    "the certificate lacks Client Authentication in its extended key "
	    "usage: federation is mutual TLS and the edge is also a TLS "
	    "client. Public CAs are removing clientAuth from server "
	    "certificates (Let's Encrypt's default profile since 2026-02-11; "
	    "Chrome Root Program policy 1.8 requires serverAuth-only "
	    "hierarchies by 2027-03-15), so a renewal can drop it silently");
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

static int
rule_weak_key(struct endpoint *ep)
{
	char	msg[EP_FINDING_MSG_MAX], which[WHICH_MAX], key[64];
	size_t	i;

	for (i = 0; i < ep->n; i++) {
		const struct ep_cert	*c = ep->chain[i];

		if (!key_relied_upon(ep, i) || !is_weak_key(ep->profile, c))
			continue;
		cert_label(ep, i, which, sizeof(which));
		ep_cert_key_desc(c, key, sizeof(key));
		/* Only RSA and EC keys have a least size: "an" fits both. */
		snprintf(msg, sizeof(msg), "%s has an %s key, below the %u "
		    "bits required", which, key, min_key_bits(ep->profile, c));
		if (add(ep, EP_CHECK_WEAK_KEY, NULL, msg) == -1)
			return -1;
	}
	return 0;
}

/* The servers of a role support only some RSA sizes; CAs are not theirs. */
static int
rule_key_size(struct endpoint *ep)
{
	const struct ep_cert	*leaf = ep->chain[0];
	char			 msg[EP_FINDING_MSG_MAX], sizes[128];
	size_t			 i, len = 0;

	if (ep->role->nrsa_sizes == 0 || !is_rsa(leaf))
		return 0;
	/* A key too weak to use is named once, by weak-key. */
	if (is_weak_key(ep->profile, leaf) && reports(ep, EP_CHECK_WEAK_KEY))
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
	return add(ep, EP_CHECK_KEY_SIZE_UNSUPPORTED, NULL, msg);
}

/* An RSASSA-PSS key cannot make the PKCS#1 v1.5 signatures peers expect. */
static int
rule_pss_key(struct endpoint *ep)
{
	if (ep->profile->pss_ok || ep->chain[0]->key_algo != GNUTLS_PK_RSA_PSS)
		return 0;
	return add(ep, EP_CHECK_SIGNATURE_PSS_UNSUPPORTED, NULL,
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

static int
rule_weak_signature(struct endpoint *ep)
{
	char	msg[EP_FINDING_MSG_MAX], which[WHICH_MAX];
	size_t	i;

	for (i = 0; i < ep->n; i++) {
		const struct ep_cert	*c = ep->chain[i];

		if (!signature_relied_upon(ep, i) ||
		    !is_weak_hash(ep->profile, c->sig_algo))
			continue;
		cert_label(ep, i, which, sizeof(which));
		snprintf(msg, sizeof(msg), "%s is signed with %s, a broken hash",
		    which, sign_name(c->sig_algo));
		if (add(ep, EP_CHECK_WEAK_SIGNATURE, NULL, msg) == -1)
			return -1;
	}
	return 0;
}

static int
rule_pss_signature(struct endpoint *ep)
{
	char	msg[EP_FINDING_MSG_MAX], which[WHICH_MAX];
	size_t	i;

	if (ep->profile->pss_ok)
		return 0;
	for (i = 0; i < ep->n; i++) {
		const struct ep_cert	*c = ep->chain[i];

		if (!signature_relied_upon(ep, i) ||
		    gnutls_sign_get_pk_algorithm(c->sig_algo) != GNUTLS_PK_RSA_PSS)
			continue;
		cert_label(ep, i, which, sizeof(which));
		snprintf(msg, sizeof(msg), "%s is signed with RSASSA-PSS (%s), "
		    "which this profile's peers cannot verify", which,
		    sign_name(c->sig_algo));
		if (add(ep, EP_CHECK_SIGNATURE_PSS_UNSUPPORTED, NULL, msg) == -1)
			return -1;
	}
	return 0;
}

static int
rule_crl_dp(struct endpoint *ep)
{
	if (ep->chain[0]->has_crl_dp)
		return 0;
	return add(ep, EP_CHECK_CRL_DP_MISSING, NULL, "the certificate has no "
	    "CRL distribution point, so clients that check revocation cannot");
}

/*
 * The probe offers every version its priority string allows, so the
 * version agreed on is the best one the server accepts.
 */
static int
rule_tls_version(struct endpoint *ep)
{
	const char	*got, *want;
	char		 msg[EP_FINDING_MSG_MAX];
	int		 min = ep->profile->min_tls;

	if (min == 0 || ep->obs->tls_proto == 0 || ep->obs->tls_proto >= min)
		return 0;
	got = gnutls_protocol_get_name((gnutls_protocol_t)ep->obs->tls_proto);
	want = gnutls_protocol_get_name((gnutls_protocol_t)min);
	snprintf(msg, sizeof(msg), "the server negotiated %s, the best version "
	    "it accepts of those offered; %s or later is needed",
	    got != NULL ? got : "an old version",
	    want != NULL ? want : "a newer one");
	return add(ep, EP_CHECK_TLS_LEGACY_VERSION, NULL, msg);
}

/*
 * A PFX is how the one key reaches every edge server of a pool (A/V
 * authentication needs the same private key on each).
 */
static int
rule_pfx_key(struct endpoint *ep)
{
	char	msg[EP_FINDING_MSG_MAX];

	if (!ep->obs->has_key) {
		snprintf(msg, sizeof(msg), "%.300s holds no private key: the "
		    "certificate was exported without it (or it is not "
		    "exportable), and the A/V authentication service needs it",
		    ep->obs->file);
		return add(ep, EP_CHECK_PFX_KEY_MISSING, NULL, msg);
	}
	if (ep->obs->key_matches)
		return 0;
	snprintf(msg, sizeof(msg), "the private key in %.300s is not the key "
	    "of the certificate %.150s", ep->obs->file, ep->chain[0]->subject);
	return add(ep, EP_CHECK_PFX_KEY_MISMATCH, NULL, msg);
}

static const struct endpoint_rule endpoint_rules[] = {
	{ .name = "reachability", .kinds = KINDS_LIVE, .needs_chain = 0,
	    .run = rule_reach },
	{ .name = "names", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = rule_names },
	{ .name = "subject", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = rule_subject_self },
	{ .name = "subject wildcard", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = rule_subject_wildcard },
	{ .name = "SAN order", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = rule_san_order },
	{ .name = "trust", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = rule_trust },
	{ .name = "validity", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = rule_validity },
	{ .name = "server EKU", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = rule_eku },
	{ .name = "client EKU", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = rule_eku_client },
	{ .name = "key strength", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = rule_weak_key },
	{ .name = "key size", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = rule_key_size },
	{ .name = "PSS key", .kinds = KINDS_ALL, .needs_chain = 1,
	    .run = rule_pss_key },
	{ .name = "signature hash", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = rule_weak_signature },
	{ .name = "PSS signature", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = rule_pss_signature },
	{ .name = "CRL distribution point", .kinds = KINDS_ISSUED, .needs_chain = 1,
	    .run = rule_crl_dp },
	{ .name = "TLS version", .kinds = KINDS_LIVE, .needs_chain = 1,
	    .run = rule_tls_version },
	{ .name = "PFX key", .kinds = KINDS_PFX, .needs_chain = 1,
	    .run = rule_pfx_key },
};

/* Index of the value occurring most often in v (first on a tie). */
static size_t
most_common(const unsigned char (*v)[32], size_t n)
{
	size_t	i, j, best = 0, bestn = 0;

	for (i = 0; i < n; i++) {
		size_t	c = 0;

		for (j = 0; j < n; j++)
			if (memcmp(v[i], v[j], 32) == 0)
				c++;
		if (c > bestn) {
			best = i;
			bestn = c;
		}
	}
	return best;
}

/*
 * Every address of an edge name is a member of one pool: members must
 * present one key (A/V authentication), and should present one
 * certificate.  Observations of a target are adjacent once sorted.
 */
static int
rule_pool(const struct ep_rules_ctx *ctx, const struct ep_observations *o,
    size_t first, size_t last, struct ep_findings *out)
{
	const struct ep_target	*t = &ctx->plan->targets[o->v[first].target];
	unsigned char		(*keys)[32] = NULL, (*certs)[32] = NULL;
	size_t			*idx = NULL, n = 0, i, kref, cref, ncert = 0;
	struct endpoint		 ep;
	char			 msg[EP_FINDING_MSG_MAX];
	int			 ret = -1;

	if (ctx->plan->profile->roles[t->role].pool != EP_POOL_SAME_KEY ||
	    last - first < 2)
		return 0;
	keys = calloc(last - first, sizeof(*keys));
	certs = calloc(last - first, sizeof(*certs));
	idx = calloc(last - first, sizeof(*idx));
	if (keys == NULL || certs == NULL || idx == NULL)
		goto out;
	for (i = first; i < last; i++) {
		const struct ep_cert	*leaf = ep_obs_leaf(o, &o->v[i]);

		/* A file judged offline is no pool member. */
		if (leaf == NULL || o->v[i].kind != EP_OBS_LIVE)
			continue;
		memcpy(keys[n], leaf->spki_sha256, 32);
		idx[n++] = i;
	}
	if (n < 2) {
		ret = 0;
		goto out;
	}
	kref = most_common((const unsigned char (*)[32])keys, n);
	memset(&ep, 0, sizeof(ep));
	ep.ctx = ctx;
	ep.profile = ctx->plan->profile;
	ep.o = o;
	ep.out = out;
	for (i = 0; i < n; i++) {
		const struct ep_obs	*ref = &o->v[idx[kref]];

		ep.idx = idx[i];
		if (memcmp(keys[i], keys[kref], 32) == 0) {
			memcpy(certs[ncert], ep_obs_leaf(o, &o->v[idx[i]])->sha256,
			    32);
			idx[ncert++] = idx[i];
			continue;
		}
		snprintf(msg, sizeof(msg), "this pool member presents a "
		    "different key than %s port %u", ref->addrstr, ref->port);
		if (add(&ep, EP_CHECK_POOL_KEY_MISMATCH, NULL, msg) == -1)
			goto out;
	}
	/* idx now lists only the members with the common key. */
	cref = most_common((const unsigned char (*)[32])certs, ncert);
	for (i = 0; i < ncert; i++) {
		const struct ep_obs	*ref = &o->v[idx[cref]];

		if (memcmp(certs[i], certs[cref], 32) == 0)
			continue;
		ep.idx = idx[i];
		snprintf(msg, sizeof(msg), "this pool member has the same key "
		    "but a different certificate than %s port %u", ref->addrstr,
		    ref->port);
		if (add(&ep, EP_CHECK_POOL_CERT_MISMATCH, NULL, msg) == -1)
			goto out;
	}
	ret = 0;
out:
	free(keys);
	free(certs);
	free(idx);
	return ret;
}

int
ep_rules_run(const struct ep_rules_ctx *ctx, const struct ep_observations *o,
    struct ep_findings *out, char *err, size_t errlen)
{
	struct trust_memo	memo;
	size_t			i, r, first;

	memset(&memo, 0, sizeof(memo));
	for (i = 0; i < o->n; i++) {
		struct endpoint	ep;

		memset(&ep, 0, sizeof(ep));
		ep.ctx = ctx;
		ep.memo = &memo;
		ep.profile = ctx->plan->profile;
		ep.o = o;
		ep.idx = i;
		ep.obs = &o->v[i];
		ep.target = &ctx->plan->targets[ep.obs->target];
		ep.role = &ep.profile->roles[ep.target->role];
		ep.out = out;
		if (ep.obs->status == EP_OBS_OK)
			for (ep.n = 0; ep.n < ep.obs->chain_len &&
			    ep.n < EP_CHAIN_MAX; ep.n++)
				ep.chain[ep.n] = ep_certs_get(o->certs,
				    ep.obs->chain[ep.n]);
		/* A request's stand-in has no real issuer: only it is judged. */
		if (ep.obs->kind == EP_OBS_CSR && ep.n > 1)
			ep.n = 1;
		for (r = 0; r < NELEM(endpoint_rules); r++) {
			if (!(endpoint_rules[r].kinds & KIND(ep.obs->kind)) ||
			    (endpoint_rules[r].needs_chain && ep.n == 0))
				continue;
			if (endpoint_rules[r].run(&ep) == -1)
				goto fail;
		}
	}
	for (first = 0; first < o->n; first = i) {
		for (i = first; i < o->n && o->v[i].target == o->v[first].target;
		    i++)
			;
		if (rule_pool(ctx, o, first, i, out) == -1)
			goto fail;
	}
	return 0;
fail:
	if (out->n >= EP_FINDINGS_MAX)
		snprintf(err, errlen, "judging observations: more than %d "
		    "findings", EP_FINDINGS_MAX);
	else
		snprintf(err, errlen, "judging observations: %s",
		    strerror(ENOMEM));
	return -1;
}
