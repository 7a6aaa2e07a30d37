/*
 * Fuzz target: an OCSP response, read by src/x509/revoke.c
 * (ep_ocsp_readable, ep_ocsp_check: GnuTLS's parse and signature check,
 * then which answer is about the certificate and whether it is current)
 * about the unit fixtures' revocation/leaf.pem and its issuer
 * public-int.pem; then stapled by a live access edge that sent that
 * chain, through the revocation rules and the reports.
 *
 * Seeds: the OCSP responses of tests/unit/fixtures/revocation.
 */

#include <stdlib.h>
#include <string.h>

#include "x509/ep_revoke.h"

#include "fuzz.h"
#include "judge.h"

static struct ep_certs		*certs;
static const struct ep_cert	*leaf, *issuer;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_rig();
	if ((certs = ep_certs_new()) == NULL)
		fuzz_fail("out of memory");
	leaf = ep_certs_get(certs, fuzz_add_fixture(certs,
	    "revocation/leaf.pem"));
	issuer = ep_certs_get(certs, fuzz_add_fixture(certs,
	    "public-int.pem"));
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ep_observations	 o;
	struct ep_fetched	 f;
	struct ep_rev		 rev;
	size_t			 chain[2], at;

	(void)ep_ocsp_readable(data, size);
	ep_ocsp_check(data, size, leaf, issuer, FUZZ_NOW, &rev);
	if (rev.status > EP_REV_INVALID ||
	    strnlen(rev.why, sizeof(rev.why)) == sizeof(rev.why) ||
	    strnlen(rev.reason, sizeof(rev.reason)) == sizeof(rev.reason) ||
	    (rev.status == EP_REV_INVALID) != (rev.why[0] != '\0'))
		fuzz_fail("status %d, why '%.100s'", (int)rev.status, rev.why);

	if (ep_observations_init(&o) == -1)
		fuzz_fail("out of memory");
	chain[0] = fuzz_add_fixture(o.certs, "revocation/leaf.pem");
	chain[1] = fuzz_add_fixture(o.certs, "public-int.pem");
	memset(&f, 0, sizeof(f));
	f.kind = EP_FETCHED_STAPLE;
	f.cert = chain[0];
	f.issuer = chain[1];
	f.ok = 1;
	if ((f.body = malloc(size ? size : 1)) == NULL)
		fuzz_fail("out of memory");
	memcpy(f.body, data, size);
	f.len = size;
	if ((at = ep_observations_add_fetched(&o, &f)) == (size_t)-1)
		fuzz_fail("out of memory");
	fuzz_add_live(&o, chain, 2);
	o.v[0].staple = at + 1;
	ep_observations_sort(&o);
	fuzz_judge(fuzz_rig(), &o, NULL);
	ep_observations_clear(&o);
	return 0;
}
