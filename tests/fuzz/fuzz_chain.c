/*
 * Fuzz target: a chain file judged offline (--chain), as main.c judges
 * one: ep_offline_observe reads it (x509/cert.c's PEM scanner and
 * ep_certs_load_file_any, the leaf picked by ep_trust_leaf), then the
 * rules (the path built and verified by x509/trust.c) and the reports.
 * The path is also built here, with and without the internal anchors,
 * and must be one: the leaf first, each certificate issued by the next,
 * the top by the anchor when there is one, every presented certificate
 * on it or told as extra, within the bounds of ep_trust.h.
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

/* The path of the n certificates of sent, leaf sent[leaf], is a path. */
static void
check_path(const struct ep_cert *const *sent, size_t n, size_t leaf,
    int allow_internal)
{
	struct ep_trust_result	res;
	size_t			i, j, k = 0;

	if (ep_trust_verify(fuzz_rig_trust(fuzz_rig()), sent, n, leaf, NULL,
	    0, allow_internal, FUZZ_NOW, &res) == -1)
		fuzz_fail("trust: out of memory");
	if (n > EP_TRUST_SENT_MAX)
		return;
	if (res.npath == 0 || res.npath > EP_TRUST_PATH_MAX ||
	    res.nextra > EP_TRUST_SENT_MAX || res.path[0] != sent[leaf])
		fuzz_fail("a path of %zu from the wrong leaf", res.npath);
	for (i = 0; i + 1 < res.npath; i++)
		if (!ep_cert_issued_by(res.path[i], res.path[i + 1]))
			fuzz_fail("path certificate %zu not issued by the "
			    "next", i);
	if (res.anchor != NULL &&
	    !ep_cert_issued_by(res.path[res.npath - 1], res.anchor))
		fuzz_fail("the anchor did not issue the path's top");
	if ((res.trusted && res.anchor == NULL) || (res.trusted &&
	    res.anchor_internal && !allow_internal) ||
	    (res.incomplete && res.missing[0] == '\0'))
		fuzz_fail("trusted %d, anchor %p, internal %d, incomplete %d",
		    res.trusted, (const void *)res.anchor,
		    res.anchor_internal, res.incomplete);
	for (i = 0; i < res.nextra; i++)
		if (res.extra[i] >= n || res.extra[i] == leaf)
			fuzz_fail("extra certificate %zu", res.extra[i]);
	/* Each presented certificate: on the path as presented, or extra. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < res.npath; j++)
			if (res.path[j] == sent[i] && res.path_sent[j])
				break;
		for (k = 0; j == res.npath && k < res.nextra; k++)
			if (res.extra[k] == i)
				break;
		if (j == res.npath && k == res.nextra)
			fuzz_fail("presented certificate %zu is lost", i);
	}
}

/* Builds the path of obs as the rules do: of what parses. */
static void
check_paths(const struct ep_observations *o, const struct ep_obs *obs)
{
	const struct ep_cert	*sent[EP_CHAIN_MAX], *c;
	size_t			 i, n = 0, leaf = 0;

	for (i = 0; i < obs->chain_len; i++) {
		c = ep_certs_get(o->certs, obs->chain[i]);
		if (c->malformed[0] != '\0') {
			if (i == obs->leaf)
				return;
			continue;
		}
		if (i == obs->leaf)
			leaf = n;
		sent[n++] = c;
	}
	if (n == 0)
		return;
	check_path(sent, n, leaf, 0);
	check_path(sent, n, leaf, 1);
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
	    err, sizeof(err)) == 0) {
		check_paths(&o, &o.v[0]);
		fuzz_judge(rig, &o, NULL);
	}
	ep_observations_clear(&o);
	free(text);
	return 0;
}
