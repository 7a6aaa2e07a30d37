/*
 * Fuzz target: one certificate as a server presents it, DER of any
 * bytes: src/x509/cert.c's parse (GnuTLS's, then what it copies out with
 * its own DER reading: key identifiers, signature, serial), kept as
 * malformed when it does not parse (ep_certs_add_any); the accessors the
 * rules and reports use; an OCSP request for it; then the rules, the
 * reports and the state, as a live access edge that sent it alone.  What
 * is copied out must be within its bounds, its CN the subject's last as
 * GnuTLS reads it, and the state must read back with the certificate's
 * digest and expiry.
 *
 * Seeds: every certificate of the unit fixtures, as DER
 * (tests/fuzz/make-seeds).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "x509/ep_cert.h"
#include "x509/ep_revoke.h"

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

/*
 * The last CN of the subject, read with room for any: what c->cn must
 * be, cut to fit (the first 16 CNs are looked at, as cert.c does).
 */
static void
check_cn(const struct ep_cert *c)
{
	gnutls_x509_crt_t	 crt;
	gnutls_datum_t		 d = { c->der, (unsigned)c->der_len };
	char			 last[EP_CERT_CN_MAX], *buf;
	size_t			 size, len = 0;
	int			 i, r;

	if (gnutls_x509_crt_init(&crt) < 0 ||
	    gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) < 0)
		fuzz_fail("parsed, yet GnuTLS does not parse it again");
	for (i = 0; i < 16; i++) {
		size = 0;
		r = gnutls_x509_crt_get_dn_by_oid(crt,
		    GNUTLS_OID_X520_COMMON_NAME, (unsigned)i, 0, NULL, &size);
		if (r != GNUTLS_E_SHORT_MEMORY_BUFFER)
			break;
		if ((buf = malloc(++size)) == NULL)
			fuzz_fail("out of memory");
		if (gnutls_x509_crt_get_dn_by_oid(crt,
		    GNUTLS_OID_X520_COMMON_NAME, (unsigned)i, 0, buf,
		    &size) < 0)
			fuzz_fail("CN %d cannot be read", i);
		len = size < sizeof(last) - 1 ? size : sizeof(last) - 1;
		memcpy(last, buf, len);
		free(buf);
	}
	gnutls_x509_crt_deinit(crt);
	if (c->cn_len != len || memcmp(c->cn, last, len) != 0)
		fuzz_fail("CN '%.*s' kept as '%s'", (int)len, last, c->cn);
}

/* What a parsed certificate holds is bounded and terminated. */
static void
check(const struct ep_cert *c)
{
	size_t	i;

	if (strnlen(c->subject, sizeof(c->subject)) == sizeof(c->subject) ||
	    strnlen(c->issuer, sizeof(c->issuer)) == sizeof(c->issuer) ||
	    strnlen(c->serial, sizeof(c->serial)) == sizeof(c->serial) ||
	    strnlen(c->aki_id, sizeof(c->aki_id)) == sizeof(c->aki_id) ||
	    strnlen(c->own_id, sizeof(c->own_id)) == sizeof(c->own_id) ||
	    strnlen(c->aia_where, sizeof(c->aia_where)) ==
	    sizeof(c->aia_where) || c->cn_len >= sizeof(c->cn) ||
	    c->issuer_cn_len >= sizeof(c->issuer_cn))
		fuzz_fail("a field of the certificate is not terminated");
	if (c->nsans > EP_CERT_SAN_MAX || c->ncrl_urls > EP_CERT_URLS_MAX ||
	    c->nocsp_urls > EP_CERT_URLS_MAX ||
	    c->nissuer_urls > EP_CERT_URLS_MAX)
		fuzz_fail("more entries than are kept");
	for (i = 0; i < c->nsans; i++)
		if (c->sans[i].value[c->sans[i].len] != '\0')
			fuzz_fail("SAN %zu is not terminated", i);
	for (i = 0; i < c->ncrl_urls; i++)
		if (strlen(c->crl_urls[i]) >= EP_CERT_URL_MAX)
			fuzz_fail("CRL URL %zu too long", i);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ep_cert	*c;
	struct ep_observations	 o;
	struct ep_state		*st;
	unsigned char		 id[64], *req;
	char			 err[1024], text[128], *pem = NULL;
	char			 path[4096];
	size_t			 idx, again, len = 0, idlen = sizeof(id);

	if (ep_observations_init(&o) == -1)
		fuzz_fail("out of memory");
	o.no_fetch = 1;
	if (ep_certs_add_any(o.certs, data, size, &idx, err,
	    sizeof(err)) == -1)
		fuzz_fail("refused: %s", err);
	if (ep_certs_add_any(o.certs, data, size, &again, err,
	    sizeof(err)) == -1 || again != idx)
		fuzz_fail("the same bytes stored twice");
	c = ep_certs_get(o.certs, idx);
	if (c->der_len != size || memcmp(c->der, data, size) != 0)
		fuzz_fail("the bytes kept are not those presented");
	if (ep_cert_pem_append(c, &pem, &len) == -1)
		fuzz_fail("out of memory");
	free(pem);
	ep_cert_hex(c->sha256, text, sizeof(text));
	if (c->malformed[0] == '\0') {
		check(c);
		check_cn(c);
		ep_cert_key_desc(c, text, sizeof(text));
		(void)ep_cert_key_id(c, id, &idlen);
		(void)ep_cert_issued_by(c, c);
		if (ep_ocsp_request(c, c, &req, &len, err, sizeof(err)) == 0)
			free(req);
	}
	fuzz_add_live(&o, &idx, 1);
	ep_observations_sort(&o);
	/* A first run, whose state the next must read. */
	snprintf(path, sizeof(path), "%s", fuzz_path("state"));
	unlink(path);
	if (ep_state_open(path, 0, &st, err, sizeof(err)) == -1)
		fuzz_fail("state: %s", err);
	fuzz_judge(fuzz_rig(), &o, st);
	ep_state_close(st);
	fuzz_check_state(path, &o);
	ep_observations_clear(&o);
	return 0;
}
