/*
 * Fuzz target: a certificate request judged before go-live (--csr), read
 * by src/net/offline.c (GnuTLS's PKCS#10 parse and signature check, then
 * the stand-in certificate made of it), then the rules and the reports.
 *
 * Seeds: the requests of tests/unit/fixtures/offline, PEM and DER
 * (tests/fuzz/make-seeds).
 */

#include <string.h>

#include "net/ep_offline.h"

#include "fuzz.h"
#include "judge.h"

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
	const struct fuzz_rig	*rig = fuzz_rig();
	struct ep_observations	 o;
	struct ep_offline	 in;
	char			 err[1024] = "";

	if (ep_observations_init(&o) == -1)
		fuzz_fail("out of memory");
	o.no_fetch = 1;
	in.input = EP_OFFLINE_CSR;
	in.path = fuzz_file("request.csr", data, size);
	in.password = NULL;
	if (ep_offline_observe(fuzz_rig_plan(rig), EP_ROLE_ACCESS, &in, &o,
	    err, sizeof(err)) == 0)
		fuzz_judge(rig, &o, NULL);
	else if (err[0] == '\0' || strchr(err, '\n') != NULL)
		fuzz_fail("refused with '%s'", err);
	ep_observations_clear(&o);
	return 0;
}
