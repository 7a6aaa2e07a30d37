/*
 * Fuzz target: a CRL, DER or PEM, read by src/x509/revoke.c
 * (ep_crl_readable, ep_crl_covers, ep_crl_check: GnuTLS's parse and
 * signature check, then whether the serial is listed and the list
 * current) about the unit fixtures' access.pem and its issuer
 * public-int.pem, and about public-int.pem and the root; then fetched
 * from the distribution point of revocation/leaf.pem, sent by a live
 * access edge, through the revocation rules and the reports.
 *
 * Seeds: the CRLs of tests/unit/fixtures/revocation, as they are and as
 * DER (tests/fuzz/make-seeds).
 */

#include <stdlib.h>
#include <string.h>

#include "x509/ep_revoke.h"

#include "fuzz.h"
#include "judge.h"

/* The distribution point of revocation/leaf.pem (make-revocation). */
#define CRL_URL		"http://crl.contoso.example/pub.crl"

static struct ep_certs		*certs;
static const struct ep_cert	*leaf, *inter, *root;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_rig();
	if ((certs = ep_certs_new()) == NULL)
		fuzz_fail("out of memory");
	leaf = ep_certs_get(certs, fuzz_add_fixture(certs, "access.pem"));
	inter = ep_certs_get(certs, fuzz_add_fixture(certs,
	    "public-int.pem"));
	root = ep_certs_get(certs, fuzz_add_fixture(certs,
	    "public-root.pem"));
	return 0;
}

static void
check(const unsigned char *data, size_t size, const struct ep_cert *c,
    const struct ep_cert *issuer)
{
	struct ep_rev	rev;

	ep_crl_check(data, size, c, issuer, FUZZ_NOW, &rev);
	if (rev.status > EP_REV_INVALID ||
	    strnlen(rev.why, sizeof(rev.why)) == sizeof(rev.why) ||
	    (rev.status == EP_REV_INVALID) != (rev.why[0] != '\0') ||
	    (rev.stale && rev.status != EP_REV_INVALID))
		fuzz_fail("status %d, why '%.100s'", (int)rev.status, rev.why);
	if (rev.status != EP_REV_INVALID && !ep_crl_readable(data, size))
		fuzz_fail("judged, yet not readable");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ep_observations	 o;
	struct ep_fetched	 f;
	size_t			 chain[2];

	(void)ep_crl_covers(data, size, leaf);
	check(data, size, leaf, inter);
	check(data, size, inter, root);

	if (ep_observations_init(&o) == -1)
		fuzz_fail("out of memory");
	chain[0] = fuzz_add_fixture(o.certs, "revocation/leaf.pem");
	chain[1] = fuzz_add_fixture(o.certs, "public-int.pem");
	memset(&f, 0, sizeof(f));
	f.kind = EP_FETCHED_CRL;
	f.ok = 1;
	if ((f.url = strdup(CRL_URL)) == NULL ||
	    (f.body = malloc(size ? size : 1)) == NULL)
		fuzz_fail("out of memory");
	memcpy(f.body, data, size);
	f.len = size;
	if (ep_observations_add_fetched(&o, &f) == (size_t)-1)
		fuzz_fail("out of memory");
	fuzz_add_live(&o, chain, 2);
	ep_observations_sort(&o);
	fuzz_judge(fuzz_rig(), &o, NULL);
	ep_observations_clear(&o);
	return 0;
}
