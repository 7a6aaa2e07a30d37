/*
 * Rules of trust: what was presented and the path a client builds from
 * it (cert-malformed, chain-untrusted, chain-incomplete, self-signed,
 * internal-ca-on-external, chain-order; interrupted when the run was
 * stopped before a missing intermediate was fetched).  x509/trust.c
 * builds and verifies the path.
 */

#include <stdio.h>
#include <string.h>

#include "judge/rules_impl.h"

#define ORDER_MAX	6	/* certificates named in a chain-order message */

/* A presented certificate by its place, and its fingerprint's start. */
static void
presented_label(const struct ep_cert *c, size_t i, char *out, size_t outlen)
{
	char	hex[96];

	ep_cert_hex(c->sha256, hex, sizeof(hex));
	snprintf(out, outlen, "%s %zu (sha256 %.11s...)", i == 0 ?
	    "the first certificate, the leaf," : "certificate", i + 1, hex);
}

int
ep_rule_malformed(struct endpoint *ep)
{
	const struct ep_obs	*obs = ep->obs;
	char			 msg[EP_FINDING_MSG_MAX], which[128];
	size_t			 i;

	if (obs->status != EP_OBS_OK)
		return 0;
	for (i = 0; i < obs->chain_len && i < EP_CHAIN_MAX; i++) {
		const struct ep_cert	*c = ep_certs_get(ep->o->certs,
					    obs->chain[i]);

		/* Too large to parse is not malformed: see chain-over-limit. */
		if (c->malformed[0] == '\0' || c->over_limit)
			continue;
		presented_label(c, i, which, sizeof(which));
		snprintf(msg, sizeof(msg), "%s, as %s presents it, cannot be "
		    "parsed: %.200s; clients reject a chain they cannot parse%s",
		    which, ep_rule_holder(ep), c->malformed,
		    ep->leaf_malformed && i == 0 ? ", and nothing else of the "
		    "certificate can be judged" : "");
		if (ep_rule_add(ep, EP_CHECK_CERT_MALFORMED, NULL, msg) == -1)
			return -1;
	}
	return 0;
}

/* The AIA URL a fetched certificate of the path came from, or NULL. */
static const char *
aia_url_of(const struct endpoint *ep, const struct ep_cert *c)
{
	size_t	i;

	for (i = 0; i < ep->naia; i++)
		if (ep->aia[i] == c)
			return ep->aia_url[i];
	return NULL;
}

/*
 * When the path stops short, what fetching its top's AIA caIssuers URL
 * came to: "; its AIA URL U could not be fetched: why", or "".  Returns
 * 1 when the run was stopped before the fetch ended: what clients make
 * of the chain is then unknown.
 */
static int
aia_failure(const struct endpoint *ep, const struct ep_cert *top, char *out,
    size_t outlen)
{
	const struct ep_fetched	*f;
	size_t			 u;

	out[0] = '\0';
	for (u = 0; u < top->nissuer_urls; u++) {
		f = ep_observations_fetched(ep->o, EP_FETCHED_ISSUER,
		    top->issuer_urls[u], NULL);
		if (f == NULL)
			continue;
		if (!f->ok && f->interrupted) {
			snprintf(out, outlen, "; the run was interrupted before "
			    "its AIA URL %.200s was fetched, so whether clients "
			    "that fetch complete it is unknown", f->url);
			return 1;
		}
		if (!f->ok)
			snprintf(out, outlen, "; its AIA URL %.200s could not be "
			    "fetched (%.100s), so no client completes it",
			    f->url, f->why);
		else
			snprintf(out, outlen, "; what its AIA URL %.200s serves "
			    "does not lead to a trusted root either", f->url);
		return 0;
	}
	return 0;
}

/*
 * The path needs what was not presented: named, with what a client can
 * do about it.  An intermediate at the leaf's AIA URL leaves the chain
 * to clients that fetch it (Windows, browsers): a warning; one known only
 * from the CA files, or nowhere, fails the others: the profile's.
 */
static int
incomplete(struct endpoint *ep)
{
	const struct ep_trust_result	*r = ep->trust;
	const struct ep_cert		*top = r->path[r->npath - 1];
	const char			*url = NULL, *holder = ep_rule_holder(ep);
	const char			*verb;
	/* Cut to EP_FINDING_MSG_MAX when added. */
	char				 msg[EP_FINDING_MSG_MAX * 2], aia[400];
	size_t				 i;
	int				 server = ep->obs->kind == EP_OBS_LIVE;
	int				 fetched_only = 1, stopped;

	verb = server ? "send" : "hold";
	for (i = 0; i < r->npath; i++)
		if (!r->path_sent[i]) {
			if (r->path_fetched[i] && url == NULL)
				url = aia_url_of(ep, r->path[i]);
			fetched_only &= r->path_fetched[i];
		}
	if (r->trusted && url != NULL && fetched_only) {
		snprintf(msg, sizeof(msg), "%s does not %s the intermediate "
		    "certificate %.250s; clients that fetch it from the "
		    "certificate's AIA URL %.200s (Windows, browsers) complete "
		    "the chain, but many phones, federation partners' servers "
		    "and non-Windows clients do not", holder, verb, r->missing,
		    url);
		return ep_rule_add_sev_cap(ep, EP_CHECK_CHAIN_INCOMPLETE, NULL,
		    msg, EP_SEV_WARNING);
	}
	stopped = aia_failure(ep, top, aia, sizeof(aia));
	if (r->completed || !top->is_ca)
		snprintf(msg, sizeof(msg), "%s does not %s the intermediate "
		    "certificate %.300s; %s%s%s", holder, verb, r->missing,
		    server ? "clients that cannot fetch it fail" : "a server "
		    "given this file does not send it", aia,
		    r->completed || aia[0] != '\0' ? "" : " (edgeprobe does "
		    "not have it either, so it cannot tell whether the chain "
		    "leads to a trusted root)");
	else
		/*
		 * Nothing known issued the top, a CA's certificate: its
		 * issuer is an intermediate not presented, or a root no
		 * client here trusts.
		 */
		snprintf(msg, sizeof(msg), "%s does not %s the certificate of "
		    "%.150s, which issued %.60s, and it is no trust anchor: if "
		    "it is an intermediate CA, %s; if it is a root, clients do "
		    "not trust it (edgeprobe cannot tell which)%s", holder,
		    verb, r->missing, top->cn_len > 0 ? top->cn :
		    "the last certificate presented", server ? "clients that "
		    "cannot fetch it fail" : "a server given this file does "
		    "not send it", aia);
	/*
	 * Stopped first, the chain is incomplete all the same, a warning at
	 * least; how bad for clients is unknown, and says so.
	 */
	if (stopped)
		return ep_rule_add(ep, EP_CHECK_INTERRUPTED, NULL, msg) == -1 ||
		    ep_rule_add_sev_cap(ep, EP_CHECK_CHAIN_INCOMPLETE, NULL,
		    msg, EP_SEV_WARNING) == -1 ? -1 : 0;
	return ep_rule_add(ep, EP_CHECK_CHAIN_INCOMPLETE, NULL, msg);
}

int
ep_rule_trust(struct endpoint *ep)
{
	const struct ep_trust_result	*r = ep->trust;
	const struct ep_cert		*top;
	char				 msg[EP_FINDING_MSG_MAX];

	if (r == NULL || (r->trusted && !r->incomplete))
		return 0;
	top = r->path[r->npath - 1];
	/* Trusted, but by the wrong kind of CA: say so rather than "untrusted". */
	if (r->anchor_internal && !r->trusted) {
		snprintf(msg, sizeof(msg), "the chain ends at an internal CA "
		    "(%.300s); external clients and federation partners do not "
		    "trust it", top->issuer);
		return ep_rule_add(ep, EP_CHECK_INTERNAL_CA_ON_EXTERNAL, NULL, msg);
	}
	if (r->self_signed) {
		snprintf(msg, sizeof(msg), "the certificate is self-signed "
		    "(%.300s): no client trusts it", ep->chain[0]->subject);
		return ep_rule_add(ep, EP_CHECK_SELF_SIGNED, NULL, msg);
	}
	if (r->incomplete) {
		if (incomplete(ep) == -1)
			return -1;
		if (r->trusted || !r->completed)
			return 0;
	}
	/* name-constraints-violated says it, naming the name. */
	if (r->constraints && ep_rule_reports(ep,
	    EP_CHECK_NAME_CONSTRAINTS_VIOLATED))
		return 0;
	snprintf(msg, sizeof(msg), "the chain is not trusted: %.400s",
	    r->reason);
	return ep_rule_add(ep, EP_CHECK_CHAIN_UNTRUSTED, NULL, msg);
}

/* "CN=a, CN=b, ...": certificates by their subjects, at most ORDER_MAX. */
static void
subjects(const struct ep_cert *const *v, size_t n, char *out, size_t outlen)
{
	size_t	i, o = 0;

	out[0] = '\0';
	for (i = 0; i < n && i < ORDER_MAX && o < outlen; i++)
		o += (size_t)snprintf(out + o, outlen - o, "%s%.60s",
		    i ? ", " : "", v[i]->subject[0] != '\0' ? v[i]->subject :
		    "(no subject)");
	if (n > ORDER_MAX && o < outlen)
		snprintf(out + o, outlen - o, ", ...");
}

/*
 * TLS 1.2 (RFC 5246 7.4.2) wants each certificate to certify the one
 * before it; TLS 1.3 relaxes it, and clients that follow 1.2 strictly
 * reject an out-of-order chain.  A file's order is only a note: the
 * leaf is found wherever it is, but a server given the file may send it
 * so.
 */
int
ep_rule_chain_order(struct endpoint *ep)
{
	const struct ep_trust_result	*r = ep->trust;
	char				 got[160], want[160];
	char				 msg[EP_FINDING_MSG_MAX];
	int				 server = ep->obs->kind == EP_OBS_LIVE;

	if (r == NULL || r->in_order)
		return 0;
	subjects(ep->sent, ep->nsent, got, sizeof(got));
	subjects(ep->chain, ep->n, want, sizeof(want));
	snprintf(msg, sizeof(msg), "%s %s the chain out of order (%.150s) "
	    "rather than leaf first, each certificate followed by its issuer "
	    "(%.150s)%s",
	    ep_rule_holder(ep), server ? "sends" : "holds", got, want, server ?
	    "; TLS 1.2 requires that order and some clients reject another" :
	    "; edgeprobe judged the leaf where it is, but a server given the "
	    "file may send it in this order");
	return ep_rule_add_sev_cap(ep, EP_CHECK_CHAIN_ORDER, NULL, msg,
	    server ? EP_SEV_UNKNOWN : EP_SEV_INFO);
}
