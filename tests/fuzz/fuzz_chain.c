/*
 * Fuzz target: a chain file judged offline (--chain), as main.c judges
 * one: ep_offline_observe reads it (x509/cert.c's PEM scanner and
 * ep_certs_load_file_any, the leaf picked by ep_trust_leaf), then the
 * rules (the path built and verified by x509/trust.c) and the reports.
 *
 * Input: DER certificates one after another, each written to the file as
 * a PEM block, so that mutations reach the DER inside; bytes after the
 * last whole DER element, or an input that does not start with one, go
 * to the file as they are (PEM text, one DER certificate, garbage).
 * Seeds: the unit fixtures' chains as DER (tests/fuzz/make-seeds).
 */

#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "net/ep_offline.h"

#include "fuzz.h"
#include "judge.h"

#define DER_SEQUENCE	0x30

/* The length of the DER element at p (len bytes), or 0 when it is none. */
static size_t
der_span(const uint8_t *p, size_t len)
{
	size_t	n, i, v = 0;

	if (len < 2 || p[0] != DER_SEQUENCE)
		return 0;
	if (!(p[1] & 0x80))
		v = p[1];
	else {
		n = p[1] & 0x7f;
		if (n == 0 || n > 3 || len < 2 + n)
			return 0;
		for (i = 0; i < n; i++)
			v = v << 8 | p[2 + i];
		if (v > len - 2 - n)
			return 0;
		return 2 + n + v;
	}
	return v > len - 2 ? 0 : 2 + v;
}

/* Appends n bytes to the growing file text. */
static void
append(char **text, size_t *len, const void *p, size_t n)
{
	if ((*text = realloc(*text, *len + n + 1)) == NULL)
		fuzz_fail("out of memory");
	memcpy(*text + *len, p, n);
	*len += n;
}

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
	gnutls_datum_t		 der, pem;
	char			*text = NULL, err[1024];
	size_t			 len = 0, at = 0, span;

	while ((span = der_span(data + at, size - at)) != 0) {
		der.data = (unsigned char *)(uintptr_t)(data + at);
		der.size = (unsigned)span;
		if (gnutls_pem_base64_encode2("CERTIFICATE", &der, &pem) < 0)
			fuzz_fail("PEM encoding failed");
		append(&text, &len, pem.data, pem.size);
		gnutls_free(pem.data);
		at += span;
	}
	append(&text, &len, data + at, size - at);

	if (ep_observations_init(&o) == -1)
		fuzz_fail("out of memory");
	o.no_fetch = 1;
	in.input = EP_OFFLINE_CHAIN;
	in.path = fuzz_file("chain.pem", text, len);
	in.password = NULL;
	if (ep_offline_observe(fuzz_rig_plan(rig), EP_ROLE_ACCESS, &in, &o,
	    err, sizeof(err)) == 0)
		fuzz_judge(rig, &o, NULL);
	ep_observations_clear(&o);
	free(text);
	return 0;
}
