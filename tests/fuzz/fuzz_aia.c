/*
 * Fuzz target: what an AIA caIssuers URL served, read by
 * ep_certs_add_issuers (src/x509/revoke.c): a DER or PEM certificate, or
 * a certs-only PKCS#7 bundle, each certificate kept in the store; then
 * those certificates offered to the path of a live access edge that left
 * its intermediate out, as a fetch would, through the rules and the
 * reports.
 *
 * Seeds: the fixtures' public-int.pem as DER and PEM, and bundles of it
 * (tests/fuzz/make-seeds).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x509/ep_revoke.h"

#include "fuzz.h"
#include "judge.h"

#define ISSUERS_MAX	8	/* certificates taken from one answer */
/* The caIssuers URL of revocation/leaf.pem (make-revocation). */
#define ISSUER_URL	"http://ca.contoso.example/pubint.cer"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_rig();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ep_observations	 o;
	struct ep_fetched	 f;
	size_t			 idx[ISSUERS_MAX], leaf, before;
	char			 err[1024] = "";
	int			 n, i;

	if (ep_observations_init(&o) == -1)
		fuzz_fail("out of memory");
	leaf = fuzz_add_fixture(o.certs, "revocation/leaf.pem");
	before = ep_certs_count(o.certs);
	n = ep_certs_add_issuers(o.certs, data, size, idx, ISSUERS_MAX, err,
	    sizeof(err));
	if (n == -1 && err[0] == '\0')
		fuzz_fail("refused without a reason");
	if (n > ISSUERS_MAX || (n > 0 && ep_certs_count(o.certs) - before >
	    (size_t)n))
		fuzz_fail("%d issuers, %zu stored", n,
		    ep_certs_count(o.certs) - before);
	for (i = 0; i < n; i++)
		if (idx[i] >= ep_certs_count(o.certs) ||
		    ep_certs_get(o.certs, idx[i])->malformed[0] != '\0')
			fuzz_fail("issuer %d is no certificate", i);
	memset(&f, 0, sizeof(f));
	f.kind = EP_FETCHED_ISSUER;
	if ((f.url = strdup(ISSUER_URL)) == NULL)
		fuzz_fail("out of memory");
	if (n > 0) {
		f.ok = 1;
		if ((f.certs = malloc((size_t)n * sizeof(*f.certs))) == NULL)
			fuzz_fail("out of memory");
		memcpy(f.certs, idx, (size_t)n * sizeof(*f.certs));
		f.ncerts = (size_t)n;
	} else
		snprintf(f.why, sizeof(f.why), "%s", err);
	if (ep_observations_add_fetched(&o, &f) == (size_t)-1)
		fuzz_fail("out of memory");
	fuzz_add_live(&o, &leaf, 1);
	ep_observations_sort(&o);
	fuzz_judge(fuzz_rig(), &o, NULL);
	ep_observations_clear(&o);
	return 0;
}
