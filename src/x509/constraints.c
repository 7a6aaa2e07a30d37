/*
 * Name constraints across the certificates of a chain (see
 * ep_constraints.h).  GnuTLS's verifier applies a CA's constraints to the
 * leaf only; a CA below a constrained one is checked here, with the same
 * API, name by name.
 */

#include <arpa/inet.h>
#include <sys/socket.h>
#include <stdio.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "x509/cert_impl.h"
#include "x509/ep_constraints.h"

#define IPV4_LEN	4
#define IPV6_LEN	16

/* Writes a SAN as text: a DNS name (printable ASCII) or an IP address. */
static void
san_text(const struct ep_san *s, char *out, size_t outlen)
{
	char	buf[INET6_ADDRSTRLEN];
	size_t	i, n;

	if (s->is_ip) {
		if ((s->len == IPV4_LEN && inet_ntop(AF_INET, s->value, buf,
		    sizeof(buf)) != NULL) || (s->len == IPV6_LEN &&
		    inet_ntop(AF_INET6, s->value, buf, sizeof(buf)) != NULL))
			snprintf(out, outlen, "%s", buf);
		else
			snprintf(out, outlen, "an IP address of %zu octets",
			    s->len);
		return;
	}
	n = s->len < outlen - 1 ? s->len : outlen - 1;
	for (i = 0; i < n; i++)
		out[i] = s->value[i] > ' ' && s->value[i] <= '~' ?
		    (char)s->value[i] : '?';
	out[n] = '\0';
}

/* Returns the first SAN of c that nc does not allow, or NULL. */
static const struct ep_san *
san_outside(gnutls_x509_name_constraints_t nc, const struct ep_cert *c)
{
	gnutls_datum_t	d;
	size_t		i;

	for (i = 0; i < c->nsans; i++) {
		d.data = c->sans[i].value;
		d.size = (unsigned)c->sans[i].len;
		if (!gnutls_x509_name_constraints_check(nc, c->sans[i].is_ip ?
		    GNUTLS_SAN_IPADDRESS : GNUTLS_SAN_DNSNAME, &d))
			return &c->sans[i];
	}
	return NULL;
}

/*
 * A leaf is judged by GnuTLS as its verifier would, CN included; the
 * names are then gone through to say which one is outside.
 */
static int
leaf_within(gnutls_x509_name_constraints_t nc, const struct ep_cert *c)
{
	gnutls_x509_crt_t	crt = ep_cert_crt(c);

	return gnutls_x509_name_constraints_check_crt(nc, GNUTLS_SAN_DNSNAME,
	    crt) && gnutls_x509_name_constraints_check_crt(nc,
	    GNUTLS_SAN_IPADDRESS, crt);
}

int
ep_cert_within_constraints(const struct ep_cert *ca, const struct ep_cert *c,
    int leaf, char *name, size_t namelen)
{
	gnutls_x509_name_constraints_t	 nc = NULL;
	const struct ep_san		*s;
	unsigned			 crit;
	int				 ret = 1;

	if (!ca->has_name_constraints)
		return 1;
	if (gnutls_x509_name_constraints_init(&nc) < 0)
		return -1;
	if (gnutls_x509_crt_get_name_constraints(ep_cert_crt(ca), nc, 0,
	    &crit) < 0)
		goto out;
	if ((s = san_outside(nc, c)) != NULL) {
		san_text(s, name, namelen);
		ret = 0;
	} else if (leaf && !leaf_within(nc, c)) {
		/* No SAN is outside: GnuTLS judged the subject CN. */
		snprintf(name, namelen, "CN=%.*s", (int)c->cn_len, c->cn);
		ret = 0;
	}
out:
	gnutls_x509_name_constraints_deinit(nc);
	return ret;
}

int
ep_cert_names_issuer(const struct ep_cert *c, const struct ep_cert *issuer)
{
	return gnutls_x509_crt_check_issuer(ep_cert_crt(c),
	    ep_cert_crt(issuer)) != 0;
}
