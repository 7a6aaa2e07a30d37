/*
 * A/AAAA and SRV lookups with c-ares 1.18, driven from the caller's poll
 * loop through ARES_OPT_SOCK_STATE_CB and ares_process_fd().
 */

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <ares.h>

#include "net/resolve_impl.h"

struct sock {
	ares_socket_t	fd;
	short		events;
};

struct ep_resolver {
	ares_channel	 ch;
	int		 lib;		/* ares_library_init succeeded */
	struct sock	 socks[EP_RESOLVE_SOCKS_MAX];
	size_t		 nsocks;
	size_t		 pending;
	int		 family;	/* AF_UNSPEC, AF_INET or AF_INET6 */
};

struct lookup {
	struct ep_resolver	*r;
	ep_resolve_cb		*cb;
	void			*arg;
};

struct srv_lookup {
	struct ep_resolver	*r;
	ep_srv_cb		*cb;
	void			*arg;
};

static void
sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct ep_resolver	*r = data;
	size_t			 i;
	short			 ev = (short)((readable ? POLLIN : 0) |
				     (writable ? POLLOUT : 0));

	for (i = 0; i < r->nsocks; i++)
		if (r->socks[i].fd == fd)
			break;
	if (ev == 0) {
		if (i < r->nsocks)
			r->socks[i] = r->socks[--r->nsocks];
		return;
	}
	if (i == r->nsocks) {
		/* c-ares opens few sockets; past the table it would starve. */
		if (r->nsocks == EP_RESOLVE_SOCKS_MAX)
			return;
		r->nsocks++;
	}
	r->socks[i].fd = fd;
	r->socks[i].events = ev;
}

/*
 * c-ares accepts ports past 65535 and names it cannot use: check each
 * "ADDR", "ADDR:PORT" or "[ADDR6]:PORT" here.
 */
static int
valid_servers(const char *servers)
{
	char		 buf[256], host[64];
	const char	*p = servers, *end, *hend, *port;
	unsigned char	 a[16];
	size_t		 len, n = 0;

	for (;;) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len == 0 || len >= sizeof(buf) || ++n > 16)
			return 0;
		memcpy(buf, p, len);
		buf[len] = '\0';
		port = NULL;
		if (buf[0] == '[') {
			/* Brackets exist only to carry a port. */
			if ((hend = strchr(buf, ']')) == NULL || hend[1] != ':')
				return 0;
			len = (size_t)(hend - buf - 1);
			if (len >= sizeof(host))
				return 0;
			memcpy(host, buf + 1, len);
			host[len] = '\0';
			if (inet_pton(AF_INET6, host, a) != 1)
				return 0;
			port = hend + 2;
		} else if (strchr(buf, ':') != strrchr(buf, ':')) {
			if (inet_pton(AF_INET6, buf, a) != 1)
				return 0;
		} else {
			if ((hend = strchr(buf, ':')) != NULL) {
				port = hend + 1;
				buf[hend - buf] = '\0';
			}
			if (inet_pton(AF_INET, buf, a) != 1)
				return 0;
		}
		if (port != NULL) {
			unsigned long	v = 0;
			const char	*q;

			for (q = port; *q >= '0' && *q <= '9' && v <= 65535; q++)
				v = v * 10 + (unsigned long)(*q - '0');
			if (q == port || *q != '\0' || v == 0 || v > 65535)
				return 0;
		}
		if (end == NULL)
			return 1;
		p = end + 1;
	}
}

int
ep_resolver_new(struct ep_resolver **out, const char *servers, int family,
    unsigned timeout_ms, char *err, size_t errlen)
{
	struct ep_resolver	*r;
	struct ares_options	 o;
	int			 mask, st;
	char			 lookups[] = "b";

	*out = NULL;
	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) {
		snprintf(err, errlen, "address family %d", family);
		return -1;
	}
	if (servers != NULL && !valid_servers(servers)) {
		snprintf(err, errlen, "--dns %.200s: expected ADDR[:PORT] or "
		    "[ADDR6]:PORT, comma-separated, at most 16", servers);
		return -1;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	if ((st = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares: %s", ares_strerror(st));
		goto fail;
	}
	r->lib = 1;
	r->family = family;
	memset(&o, 0, sizeof(o));
	o.sock_state_cb = sock_state;
	o.sock_state_cb_data = r;
	/* Names are FQDNs: a search domain would test some other name. */
	o.flags = ARES_FLAG_NOSEARCH;
	o.timeout = (int)(timeout_ms ? timeout_ms : 1);
	o.tries = 2;
	mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS |
	    ARES_OPT_TRIES;
	if (servers != NULL) {
		/* Asked to use these servers, /etc/hosts must not answer. */
		o.lookups = lookups;
		mask |= ARES_OPT_LOOKUPS;
	}
	if ((st = ares_init_options(&r->ch, &o, mask)) != ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares: %s", ares_strerror(st));
		goto fail;
	}
	if (servers != NULL &&
	    (st = ares_set_servers_ports_csv(r->ch, servers)) != ARES_SUCCESS) {
		snprintf(err, errlen, "--dns %.200s: %s", servers,
		    ares_strerror(st));
		goto fail;
	}
	*out = r;
	return 0;
fail:
	ep_resolver_free(r);
	return -1;
}

void
ep_resolver_free(struct ep_resolver *r)
{
	if (r == NULL)
		return;
	if (r->ch != NULL)
		ares_destroy(r->ch);	/* calls back pending lookups */
	if (r->lib)
		ares_library_cleanup();
	free(r);
}

static const char *
why(int status)
{
	switch (status) {
	case ARES_ENOTFOUND:
		return "no such name";
	case ARES_ENODATA:
		return "no A or AAAA record";
	case ARES_ETIMEOUT:
		return "DNS query timed out";
	case ARES_ECONNREFUSED:
		return "DNS server refused the connection";
	case ARES_EREFUSED:
		return "DNS server refused the query";
	case ARES_ESERVFAIL:
		return "DNS server failure";
	case ARES_EDESTRUCTION:
		return "lookup cancelled";
	case ARES_EBADRESP:
		return "malformed DNS answer";
	default:
		return ares_strerror(status);
	}
}

/* Only these say the name or the record does not exist. */
static enum ep_dns_status
dns_status(int status)
{
	switch (status) {
	case ARES_SUCCESS:
		return EP_DNS_ANSWERED;
	case ARES_ENOTFOUND:
	case ARES_ENODATA:
		return EP_DNS_NONE;
	default:
		return EP_DNS_FAILED;
	}
}

size_t
ep_resolve_addrs(const struct ares_addrinfo *res, struct ep_addr *addrs)
{
	const struct ares_addrinfo_node	*node;
	size_t				 n = 0, i;

	for (node = res != NULL ? res->nodes : NULL;
	    node != NULL && n < EP_RESOLVE_ADDRS_MAX; node = node->ai_next) {
		const struct sockaddr_in	*sin;
		const struct sockaddr_in6	*sin6;
		struct ep_addr			 a;

		memset(&a, 0, sizeof(a));
		a.family = node->ai_family;
		if (node->ai_family == AF_INET) {
			sin = (const void *)node->ai_addr;
			memcpy(a.addr, &sin->sin_addr, 4);
		} else if (node->ai_family == AF_INET6) {
			sin6 = (const void *)node->ai_addr;
			memcpy(a.addr, &sin6->sin6_addr, 16);
		} else
			continue;
		/* c-ares may list an address once per socket type. */
		for (i = 0; i < n; i++)
			if (memcmp(&addrs[i], &a, sizeof(a)) == 0)
				break;
		if (i == n)
			addrs[n++] = a;
	}
	return n;
}

static void
gai_done(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	struct lookup	*lk = arg;
	struct ep_addr	 addrs[EP_RESOLVE_ADDRS_MAX];
	size_t		 n = 0;

	(void)timeouts;
	lk->r->pending--;
	if (status == ARES_SUCCESS)
		n = ep_resolve_addrs(res, addrs);
	if (res != NULL)
		ares_freeaddrinfo(res);
	if (n > 0)
		lk->cb(lk->arg, EP_DNS_ANSWERED, addrs, n, NULL);
	else if (status == ARES_SUCCESS)
		lk->cb(lk->arg, EP_DNS_NONE, NULL, 0, "no A or AAAA record");
	else
		lk->cb(lk->arg, dns_status(status), NULL, 0, why(status));
	free(lk);
}

static int
lookup(struct ep_resolver *r, const char *name, int family, ep_resolve_cb *cb,
    void *arg)
{
	struct ares_addrinfo_hints	 hints;
	struct lookup			*lk;

	if ((lk = calloc(1, sizeof(*lk))) == NULL)
		return -1;
	lk->r = r;
	lk->cb = cb;
	lk->arg = arg;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	/* Every address is probed: sorting them would only cost syscalls. */
	hints.ai_flags = ARES_AI_NOSORT;
	r->pending++;
	ares_getaddrinfo(r->ch, name, NULL, &hints, gai_done, lk);
	return 0;
}

int
ep_resolver_lookup(struct ep_resolver *r, const char *name, ep_resolve_cb *cb,
    void *arg)
{
	return lookup(r, name, r->family, cb, arg);
}

int
ep_resolver_lookup_any(struct ep_resolver *r, const char *name,
    ep_resolve_cb *cb, void *arg)
{
	return lookup(r, name, AF_UNSPEC, cb, arg);
}

static int
srv_cmp(const void *a, const void *b)
{
	const struct ep_srv	*x = a, *y = b;
	int			 c;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	if ((c = strcasecmp(x->target, y->target)) != 0)
		return c;
	return (int)x->port - (int)y->port;
}

size_t
ep_srv_order(struct ep_srv *v, size_t n)
{
	size_t	i, j, kept = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), srv_cmp);
	/* A repeat at a worse priority is no second way in: keep the first. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < kept; j++)
			if (v[j].port == v[i].port &&
			    strcasecmp(v[j].target, v[i].target) == 0)
				break;
		if (j < kept)
			continue;
		if (kept != i)
			v[kept] = v[i];
		kept++;
	}
	return kept;
}

/*
 * Whether the name host (len bytes) ends in the root's dot.  c-ares
 * writes a dot inside a label as "\.", and a backslash as "\\": a dot
 * after an odd number of backslashes is the last label's own.
 */
static int
root_dot(const char *host, size_t len)
{
	size_t	n = 0;

	if (len == 0 || host[len - 1] != '.')
		return 0;
	while (n + 1 < len && host[len - 2 - n] == '\\')
		n++;
	return n % 2 == 0;
}

enum ep_dns_status
ep_resolve_srv_answer(int status, const unsigned char *abuf, int alen,
    struct ep_srv *v, size_t *nv, const char **error)
{
	struct ares_srv_reply	*reply = NULL, *rr;
	size_t			 n = 0, len, seen = 0;

	*error = NULL;
	if (status == ARES_SUCCESS)
		status = ares_parse_srv_reply(abuf, alen, &reply);
	switch (status) {
	case ARES_SUCCESS:
		for (rr = reply; rr != NULL && seen < EP_SRV_MAX;
		    rr = rr->next, seen++) {
			len = strlen(rr->host);
			/* The root, ".", says the service is not offered. */
			if (len == 1 && rr->host[0] == '.')
				len = 0;
			else if (root_dot(rr->host, len))
				len--;
			if (len > EP_SRV_TARGET_MAX)
				continue;
			memset(&v[n], 0, sizeof(v[n]));
			memcpy(v[n].target, rr->host, len);
			v[n].port = rr->port;
			v[n].priority = rr->priority;
			v[n].weight = rr->weight;
			n++;
		}
		if (n == 0)
			*error = "no SRV target is a usable host name";
		break;
	case ARES_ENOTFOUND:
	case ARES_ENODATA:
		break;	/* the record does not exist: no error */
	default:
		*error = why(status);
		break;
	}
	if (reply != NULL)
		ares_free_data(reply);
	*nv = ep_srv_order(v, n);
	return *error != NULL ? EP_DNS_FAILED : n > 0 ? EP_DNS_ANSWERED :
	    EP_DNS_NONE;
}

static void
srv_done(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct srv_lookup	*lk = arg;
	struct ep_srv		 v[EP_SRV_MAX];
	const char		*error;
	enum ep_dns_status	 st;
	size_t			 n;

	(void)timeouts;
	lk->r->pending--;
	st = ep_resolve_srv_answer(status, abuf, alen, v, &n, &error);
	lk->cb(lk->arg, st, v, n, error);
	free(lk);
}

int
ep_resolver_srv(struct ep_resolver *r, const char *name, ep_srv_cb *cb,
    void *arg)
{
	struct srv_lookup	*lk;

	if ((lk = calloc(1, sizeof(*lk))) == NULL)
		return -1;
	lk->r = r;
	lk->cb = cb;
	lk->arg = arg;
	r->pending++;
	ares_query(r->ch, name, ns_c_in, ns_t_srv, srv_done, lk);
	return 0;
}

size_t
ep_resolver_fill(const struct ep_resolver *r, struct pollfd *pfd, size_t max)
{
	size_t	i;

	for (i = 0; i < r->nsocks && i < max; i++) {
		pfd[i].fd = r->socks[i].fd;
		pfd[i].events = r->socks[i].events;
		pfd[i].revents = 0;
	}
	return i;
}

size_t
ep_resolver_nsockets(const struct ep_resolver *r)
{
	return r->nsocks;
}

int
ep_resolver_timeout(const struct ep_resolver *r, int max_ms)
{
	struct timeval	 maxtv, tv, *t;
	long long	 ms;

	if (r->pending == 0)
		return max_ms;
	if (max_ms >= 0) {
		maxtv.tv_sec = max_ms / 1000;
		maxtv.tv_usec = (max_ms % 1000) * 1000;
	}
	t = ares_timeout(r->ch, max_ms >= 0 ? &maxtv : NULL, &tv);
	if (t == NULL)
		return max_ms;
	/* Round up: waking a hair early would spin without work. */
	ms = (long long)t->tv_sec * 1000 + (t->tv_usec + 999) / 1000;
	return ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

void
ep_resolver_process(struct ep_resolver *r, const struct pollfd *pfd, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		ares_socket_t	rfd = ARES_SOCKET_BAD, wfd = ARES_SOCKET_BAD;

		if (pfd[i].revents & (POLLIN | POLLERR | POLLHUP))
			rfd = pfd[i].fd;
		if (pfd[i].revents & POLLOUT)
			wfd = pfd[i].fd;
		if (rfd != ARES_SOCKET_BAD || wfd != ARES_SOCKET_BAD)
			ares_process_fd(r->ch, rfd, wfd);
	}
	/* Expired queries are retried or failed only from here. */
	ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

size_t
ep_resolver_pending(const struct ep_resolver *r)
{
	return r->pending;
}
