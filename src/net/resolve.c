/*
 * DNS questions with c-ares 1.18, driven from the caller's poll loop
 * through ARES_OPT_SOCK_STATE_CB and ares_process_fd().
 *
 * c-ares 1.18 takes one timeout for a whole channel, doubles it on each
 * round of tries, and cannot say that a try was lost before it gives the
 * query up.  So every query here is sent once (ARES_OPT_TRIES 1) and
 * retries are the caller's, as new queries, after a time it measures.  A
 * try must go to the next server when the first does not answer: c-ares
 * picks the server of a query by itself, so each server has a channel of
 * its own, and the caller says which one a try goes to.
 */

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <ares.h>

#include "net/resolve_impl.h"

#define RCVBUF		(1024 * 1024)	/* bytes, each UDP socket's */

struct ep_resolver;

/* A channel of one server. */
struct chan {
	struct ep_resolver	*r;
	ares_channel		 ch;
};

struct sock {
	ares_socket_t	 fd;
	short		 events;
	struct chan	*c;		/* whose socket it is */
};

struct ep_resolver {
	struct chan	 chans[EP_DNS_SERVERS_MAX];
	size_t		 nchans;
	int		 lib;		/* ares_library_init succeeded */
	int		 hosts;		/* read the hosts file first */
	struct sock	 socks[EP_RESOLVE_SOCKS_MAX];
	size_t		 nsocks;
	size_t		 pending;
};

struct query {
	struct ep_resolver	*r;
	enum ep_rr		 rr;
	ep_query_cb		*cb;
	void			*arg;
};

static void
sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct chan		*c = data;
	struct ep_resolver	*r = c->r;
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
	r->socks[i].c = c;
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
		if (len == 0 || len >= sizeof(buf) || ++n > EP_DNS_SERVERS_MAX)
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

/* A channel's options: one try, our timeout, our sockets. */
static int
chan_init(struct ep_resolver *r, struct chan *c, unsigned timeout_ms,
    int with_hosts)
{
	struct ares_options	o;
	int			mask;
	char			lookups[] = "b";

	c->r = r;
	memset(&o, 0, sizeof(o));
	o.sock_state_cb = sock_state;
	o.sock_state_cb_data = c;
	/* Names are FQDNs: a search domain would test some other name. */
	o.flags = ARES_FLAG_NOSEARCH;
	o.timeout = (int)(timeout_ms ? timeout_ms : 1);
	o.tries = 1;
	/*
	 * A window of answers may come in while the loop is busy with
	 * handshakes: the default buffer holds about 200 small datagrams
	 * (each costs a kernel buffer's size, not its own).  The kernel caps
	 * this at its net.core.rmem_max.
	 */
	o.socket_receive_buffer_size = RCVBUF;
	mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS |
	    ARES_OPT_TRIES | ARES_OPT_SOCK_RCVBUF;
	if (!with_hosts) {
		/* Asked to use these servers, /etc/hosts must not answer. */
		o.lookups = lookups;
		mask |= ARES_OPT_LOOKUPS;
	}
	return ares_init_options(&c->ch, &o, mask);
}

int
ep_resolver_new(struct ep_resolver **out, const char *servers,
    unsigned timeout_ms, char *err, size_t errlen)
{
	struct ep_resolver		*r;
	struct ares_addr_port_node	*list = NULL, *node, one;
	int				 st;

	*out = NULL;
	if (servers != NULL && !valid_servers(servers)) {
		snprintf(err, errlen, "--dns %.200s: expected ADDR[:PORT] or "
		    "[ADDR6]:PORT, comma-separated, at most %d", servers,
		    EP_DNS_SERVERS_MAX);
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
	r->hosts = servers == NULL;
	/*
	 * The first channel reads resolv.conf or takes --dns, and says which
	 * servers there are; each then gets a channel of its own.
	 */
	if ((st = chan_init(r, &r->chans[0], timeout_ms, r->hosts)) !=
	    ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares: %s", ares_strerror(st));
		goto fail;
	}
	r->nchans = 1;
	if (servers != NULL && (st = ares_set_servers_ports_csv(
	    r->chans[0].ch, servers)) != ARES_SUCCESS) {
		snprintf(err, errlen, "--dns %.200s: %s", servers,
		    ares_strerror(st));
		goto fail;
	}
	if ((st = ares_get_servers_ports(r->chans[0].ch, &list)) !=
	    ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares: %s", ares_strerror(st));
		goto fail;
	}
	for (node = list; node != NULL; node = node->next) {
		struct chan	*c = &r->chans[r->nchans - 1];

		if (node != list) {
			if (r->nchans == EP_DNS_SERVERS_MAX)
				break;
			c = &r->chans[r->nchans];
			if ((st = chan_init(r, c, timeout_ms, r->hosts)) !=
			    ARES_SUCCESS) {
				snprintf(err, errlen, "c-ares: %s",
				    ares_strerror(st));
				goto fail;
			}
			r->nchans++;
		}
		one = *node;
		one.next = NULL;
		if ((st = ares_set_servers_ports(c->ch, &one)) !=
		    ARES_SUCCESS) {
			snprintf(err, errlen, "c-ares: %s", ares_strerror(st));
			goto fail;
		}
	}
	ares_free_data(list);
	*out = r;
	return 0;
fail:
	ares_free_data(list);
	ep_resolver_free(r);
	return -1;
}

void
ep_resolver_free(struct ep_resolver *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nchans; i++)
		ares_destroy(r->chans[i].ch);	/* calls back pending queries */
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

/* What c-ares says came in a DNS answer from a server. */
static int
replied(int status)
{
	switch (status) {
	case ARES_SUCCESS:
	case ARES_ENODATA:
	case ARES_ENOTFOUND:
	case ARES_ESERVFAIL:
	case ARES_EREFUSED:
	case ARES_ENOTIMP:
	case ARES_EFORMERR:
	case ARES_EBADRESP:
		return 1;
	default:
		return 0;
	}
}

/* IPv4 before IPv6, then by the address's bytes. */
static int
addr_cmp(const void *a, const void *b)
{
	const struct ep_addr	*x = a, *y = b;

	if (x->family != y->family)
		return x->family == AF_INET ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

size_t
ep_addr_order(struct ep_addr *v, size_t n)
{
	size_t	i, kept = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), addr_cmp);
	for (i = 0; i < n; i++)
		if (kept == 0 || addr_cmp(&v[kept - 1], &v[i]) != 0)
			v[kept++] = v[i];
	return kept;
}

/*
 * The addresses of an A or AAAA answer, every one: the DNS message bounds
 * them.  Returns how many were put in *out (NULL when none); status is
 * c-ares's, ARES_ENOMEM when out of memory.
 */
size_t
ep_resolve_parse_addrs(enum ep_rr rr, const unsigned char *abuf, int alen,
    struct ep_addr **out, int *status)
{
	struct hostent	*he = NULL;
	struct ep_addr	*v;
	size_t		 n = 0, i;
	int		 family = rr == EP_RR_A ? AF_INET : AF_INET6;
	int		 len = rr == EP_RR_A ? 4 : 16;

	*out = NULL;
	if (rr == EP_RR_A)
		*status = ares_parse_a_reply(abuf, alen, &he, NULL, NULL);
	else
		*status = ares_parse_aaaa_reply(abuf, alen, &he, NULL, NULL);
	if (*status != ARES_SUCCESS || he == NULL || he->h_addrtype != family ||
	    he->h_length != len) {
		if (he != NULL)
			ares_free_hostent(he);
		return 0;
	}
	while (he->h_addr_list[n] != NULL)
		n++;
	if (n > 0 && (v = calloc(n, sizeof(*v))) == NULL) {
		*status = ARES_ENOMEM;
		n = 0;
	} else if (n > 0) {
		for (i = 0; i < n; i++) {
			v[i].family = family;
			memcpy(v[i].addr, he->h_addr_list[i], (size_t)len);
		}
		*out = v;
	}
	ares_free_hostent(he);
	return n;
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
 * The usable records of an SRV answer, every one (the DNS message bounds
 * them), in client order; error set when none is usable.  Returns how
 * many were put in *out (NULL when none); status is c-ares's,
 * ARES_ENOMEM when out of memory.
 */
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

size_t
ep_resolve_parse_srv(const unsigned char *abuf, int alen, struct ep_srv **out,
    int *status, const char **error)
{
	struct ares_srv_reply	*reply = NULL, *rr;
	struct ep_srv		*v = NULL;
	size_t			 n = 0, len, all = 0;

	*out = NULL;
	if ((*status = ares_parse_srv_reply(abuf, alen, &reply)) !=
	    ARES_SUCCESS)
		return 0;
	for (rr = reply; rr != NULL; rr = rr->next)
		all++;
	if (all > 0 && (v = calloc(all, sizeof(*v))) == NULL) {
		*status = ARES_ENOMEM;
		ares_free_data(reply);
		return 0;
	}
	for (rr = reply; rr != NULL; rr = rr->next) {
		len = strlen(rr->host);
		/* The root, ".", says the service is not offered. */
		if (len == 1 && rr->host[0] == '.')
			len = 0;
		else if (root_dot(rr->host, len))
			len--;
		if (len > EP_SRV_TARGET_MAX)
			continue;
		memcpy(v[n].target, rr->host, len);
		v[n].port = rr->port;
		v[n].priority = rr->priority;
		v[n].weight = rr->weight;
		n++;
	}
	ares_free_data(reply);
	if (n == 0) {
		*error = "no SRV target is a usable host name";
		free(v);
		return 0;
	}
	*out = v;
	return ep_srv_order(v, n);
}

static void
query_done(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct query		*q = arg;
	struct ep_query_result	 res;
	struct ep_addr		*addrs = NULL;
	struct ep_srv		*srv = NULL;

	(void)timeouts;
	q->r->pending--;
	memset(&res, 0, sizeof(res));
	res.replied = replied(status);
	res.lost = status == ARES_ETIMEOUT;
	if (status == ARES_SUCCESS) {
		if (q->rr == EP_RR_SRV) {
			res.n = ep_resolve_parse_srv(abuf, alen, &srv, &status,
			    &res.error);
			res.srv = srv;
		} else {
			res.n = ep_resolve_parse_addrs(q->rr, abuf, alen, &addrs,
			    &status);
			res.addrs = addrs;
		}
	}
	if (res.error != NULL)
		res.st = EP_DNS_FAILED;
	else if (res.n > 0)
		res.st = EP_DNS_ANSWERED;
	else if (status == ARES_SUCCESS)
		res.st = EP_DNS_NONE;
	else
		res.st = dns_status(status);
	/* That an SRV record does not exist is no error. */
	if (res.st == EP_DNS_NONE && q->rr != EP_RR_SRV)
		res.error = status == ARES_ENOTFOUND ? why(status) :
		    why(ARES_ENODATA);
	else if (res.st == EP_DNS_FAILED && res.error == NULL)
		res.error = why(status);
	q->cb(q->arg, &res);
	free(addrs);
	free(srv);
	free(q);
}

int
ep_resolver_query(struct ep_resolver *r, const char *name, enum ep_rr rr,
    unsigned server, ep_query_cb *cb, void *arg)
{
	struct query	*q;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return -1;
	q->r = r;
	q->rr = rr;
	q->cb = cb;
	q->arg = arg;
	r->pending++;
	ares_query(r->chans[server % r->nchans].ch, name, ns_c_in,
	    rr == EP_RR_SRV ? ns_t_srv : rr == EP_RR_A ? ns_t_a : ns_t_aaaa,
	    query_done, q);
	return 0;
}

size_t
ep_resolver_nservers(const struct ep_resolver *r)
{
	return r->nchans;
}

size_t
ep_resolver_hosts(struct ep_resolver *r, const char *name, int family,
    struct ep_addr *out, size_t max)
{
	struct hostent	*he = NULL;
	size_t		 n = 0;
	int		 len = family == AF_INET ? 4 : 16;

	if (!r->hosts || ares_gethostbyname_file(r->chans[0].ch, name, family,
	    &he) != ARES_SUCCESS || he == NULL)
		return 0;
	if (he->h_addrtype == family && he->h_length == len)
		for (; n < max && he->h_addr_list[n] != NULL; n++) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].family = family;
			memcpy(out[n].addr, he->h_addr_list[n], (size_t)len);
		}
	ares_free_hostent(he);
	return n;
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
	long long	 ms, best = max_ms;
	size_t		 i;

	if (r->pending == 0)
		return max_ms;
	for (i = 0; i < r->nchans; i++) {
		if (best >= 0) {
			maxtv.tv_sec = best / 1000;
			maxtv.tv_usec = (best % 1000) * 1000;
		}
		t = ares_timeout(r->chans[i].ch, best >= 0 ? &maxtv : NULL,
		    &tv);
		if (t == NULL)
			continue;
		/* Round up: waking a hair early would spin without work. */
		ms = (long long)t->tv_sec * 1000 + (t->tv_usec + 999) / 1000;
		if (best < 0 || ms < best)
			best = ms;
	}
	return best > 0x7fffffff ? 0x7fffffff : (int)best;
}

void
ep_resolver_process(struct ep_resolver *r, const struct pollfd *pfd, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		ares_socket_t	rfd = ARES_SOCKET_BAD, wfd = ARES_SOCKET_BAD;

		if (pfd[i].revents & (POLLIN | POLLERR | POLLHUP))
			rfd = pfd[i].fd;
		if (pfd[i].revents & POLLOUT)
			wfd = pfd[i].fd;
		if (rfd == ARES_SOCKET_BAD && wfd == ARES_SOCKET_BAD)
			continue;
		/* A socket c-ares closed meanwhile belongs to nobody. */
		for (j = 0; j < r->nsocks; j++)
			if (r->socks[j].fd == pfd[i].fd)
				break;
		if (j < r->nsocks)
			ares_process_fd(r->socks[j].c->ch, rfd, wfd);
	}
	/* Expired queries are failed only from here. */
	for (i = 0; i < r->nchans; i++)
		ares_process_fd(r->chans[i].ch, ARES_SOCKET_BAD,
		    ARES_SOCKET_BAD);
}

size_t
ep_resolver_pending(const struct ep_resolver *r)
{
	return r->pending;
}
