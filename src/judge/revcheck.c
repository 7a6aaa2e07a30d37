/*
 * The list of revocation checks the rules keep for the reports.
 */

#include <stdlib.h>

#include "judge/ep_revcheck.h"

int
ep_revchecks_add(struct ep_revchecks *r, const struct ep_revcheck *c)
{
	struct ep_revcheck	*nv;

	if (r->n == r->cap) {
		size_t	ncap = r->cap ? r->cap * 2 : 16;

		if ((nv = reallocarray(r->v, ncap, sizeof(*nv))) == NULL)
			return -1;
		r->v = nv;
		r->cap = ncap;
	}
	r->v[r->n++] = *c;
	return 0;
}

void
ep_revchecks_clear(struct ep_revchecks *r)
{
	if (r == NULL)
		return;
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

const char *
ep_rev_method_name(enum ep_rev_method m)
{
	static const char *const	names[EP_REVM__MAX] = {
		[EP_REVM_OCSP_STAPLED] = "ocsp-stapled",
		[EP_REVM_OCSP] = "ocsp",
		[EP_REVM_CRL] = "crl",
		[EP_REVM_OCSP_FILE] = "ocsp-file",
		[EP_REVM_CRL_FILE] = "crl-file",
	};

	return names[m];
}

const char *
ep_rev_outcome_name(enum ep_rev_outcome o)
{
	static const char *const	names[EP_REVO__MAX] = {
		[EP_REVO_GOOD] = "good",
		[EP_REVO_REVOKED] = "revoked",
		[EP_REVO_UNKNOWN] = "unknown",
		[EP_REVO_INVALID] = "invalid",
		[EP_REVO_UNREACHABLE] = "unreachable",
		[EP_REVO_NOT_CHECKED] = "not-checked",
	};

	return names[o];
}
