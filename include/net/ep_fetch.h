#ifndef EP_FETCH_H
#define EP_FETCH_H

#include <stddef.h>

#include "input/ep_dns.h"
#include "net/ep_poller.h"

/*
 * HTTP fetches of what certificates point to: CRLs, OCSP responses and CA
 * certificates (authorityInfoAccess caIssuers), with libcurl's multi
 * interface, driven by the caller's event loop over the caller's poller.
 * The fetcher never blocks, never waits or polls by itself and starts no
 * thread (libcurl's own resolver may run one for a host name it looks up
 * itself, see addrs below).
 *
 * The loop's part: libcurl's sockets are told to the poller with an arg
 * of the fetcher's (ep_fetch_owns says which events are its), each such
 * event goes to ep_fetch_event, and ep_fetch_tick runs when
 * ep_fetch_timeout's time has come.
 *
 * Each request is fetched once per fetcher: the same URL (and, for a
 * POST, the same body and content type) asked for again, while in flight
 * or after, is answered by the same fetch.  Bodies are kept only until
 * the requests waiting for them were called back: the caller copies what
 * it keeps.  A request answered after that gets the fetch's result with
 * no body (again set); results themselves are kept for the fetcher's
 * life, under a kilobyte each besides the URL.
 *
 * Only http and https URLs are fetched: a file:, ldap: or any other URL
 * asked for is refused before libcurl sees it, and libcurl follows no
 * redirect to one.  https is verified, the name and the chain, against
 * the system's store (libcurl's default: the /etc/ssl/certs directory on
 * Debian).  Proxies are libcurl's from the environment: http_proxy for
 * http, https_proxy (or HTTPS_PROXY) for https, all_proxy, and no_proxy
 * for the hosts to reach directly.  No cookies are kept or sent, no
 * .netrc is read, no body is decompressed (the byte cap counts what the
 * server sends).
 */

#define EP_FETCH_CONCURRENT_DEFAULT	16	/* transfers at once */
#define EP_FETCH_DEADLINE_DEFAULT	10000	/* ms, per request */
#define EP_FETCH_CAP_CRL_DEFAULT	((size_t)64 << 20)	/* 64 MiB */
#define EP_FETCH_CAP_SMALL_DEFAULT	((size_t)64 << 10)	/* 64 KiB: OCSP
						   responses, certificates */
#define EP_FETCH_REDIRECTS_DEFAULT	5	/* redirects followed */
#define EP_FETCH_URL_MAX		8192	/* longer URLs are refused */
#define EP_FETCH_ADDRS_MAX		16	/* addresses kept per request */

struct ep_fetch;

/* What a request fetches: it picks the default byte cap. */
enum ep_fetch_kind {
	EP_FETCH_CRL,		/* cap_crl */
	EP_FETCH_OCSP,		/* cap_ocsp */
	EP_FETCH_CERT,		/* cap_cert: a CA certificate (caIssuers) */
};

/* Zeroed, every field takes its default. */
struct ep_fetch_opts {
	const char	*user_agent;	/* "edgeprobe/VERSION"; NULL:
					   "edgeprobe" */
	size_t		 max_concurrent;	/* transfers at once, the
						   rest wait in order; 0:
						   the default */
	unsigned	 deadline_ms;	/* a request's; 0: the default */
	size_t		 cap_crl;	/* bytes of body; 0: the default */
	size_t		 cap_ocsp;	/* 0: EP_FETCH_CAP_SMALL_DEFAULT */
	size_t		 cap_cert;	/* 0: EP_FETCH_CAP_SMALL_DEFAULT */
	unsigned	 max_redirects;	/* 0: the default */
};

/*
 * One request: a GET, or a POST of bodylen bytes of body with its
 * content type (for OCSP, "application/ocsp-request").  addrs are the
 * URL host's addresses as the caller resolved them (with the run's DNS
 * servers): libcurl then connects there without a lookup of its own, and
 * so does a redirect to the same host and port.  Without them, or for
 * another host, libcurl looks the name up with the system's resolver.
 * Through a proxy they are not used: the proxy resolves the host.
 */
struct ep_fetch_req {
	const char		*url;
	enum ep_fetch_kind	 kind;
	const unsigned char	*body;		/* NULL: a GET */
	size_t			 bodylen;
	const char		*content_type;	/* a POST's, required */
	size_t			 cap;		/* bytes of body received at
						   most; 0: the kind's
						   default */
	unsigned		 deadline_ms;	/* from this call to the end of
						   the fetch, waiting for a
						   transfer included; 0: the
						   options' */
	const struct ep_addr	*addrs;		/* NULL, or naddrs of them */
	size_t			 naddrs;	/* at most EP_FETCH_ADDRS_MAX
						   are used */
};

/*
 * What a request got.  Pointers are valid during the callback only.
 */
struct ep_fetch_result {
	const char		*url;		/* as requested */
	int			 ok;		/* a 2xx, its body whole */
	int			 status;	/* the last response's, or 0 */
	const unsigned char	*body;		/* NULL when none or not kept */
	size_t			 len;
	const char		*content_type;	/* the response's; "" if none */
	const char		*reason;	/* one line when !ok
						   ("HTTP 404",
						   "timed out after 5 s",
						   "larger than 65536 bytes",
						   "connection refused",
						   "redirect loop", "not an
						   http or https URL", ...);
						   "" when ok */
	int			 capped;	/* the byte cap stopped it */
	int			 again;		/* answered after the fetch's
						   body was dropped: body NULL,
						   len 0, the rest as first
						   told */
	unsigned		 ms;		/* from the request to this
						   call */
};

/*
 * Called once per request, with the arg given with it.  It may make new
 * requests (ep_fetch_get) and call ep_fetch_cancel_all, never
 * ep_fetch_free.
 */
typedef void ep_fetch_done_cb(void *arg, const struct ep_fetch_result *r);

/*
 * Makes a fetcher whose sockets go to poller p, which must outlive it;
 * opts may be NULL for the defaults.  libcurl's global state is set up by
 * the first call and kept for the process's life.  Returns 0, or -1 with
 * a reason in err.
 */
int ep_fetch_new(struct ep_fetch **out, struct ep_poller *p,
    const struct ep_fetch_opts *opts, char *err, size_t errlen);

/*
 * Frees the fetcher; f may be NULL.  Every request not called back yet
 * is called back first, from here: a finished fetch with its result, the
 * others not ok, "abandoned: the fetcher was freed".  Requests made from
 * those callbacks fail (-1).  Every socket told to the poller is taken
 * out of it.
 */
void ep_fetch_free(struct ep_fetch *f);

/*
 * Asks for req (copied: nothing of it need outlive the call) and calls
 * done(arg, ...) once with the result, never from within this call: from
 * ep_fetch_event, ep_fetch_tick, ep_fetch_cancel_all or ep_fetch_free.
 * A request answered without a transfer (a URL refused, a repeat of a
 * finished fetch) is called back by the next of these, and
 * ep_fetch_timeout says 0 meanwhile.  A repeat takes the fetch's cap,
 * deadline and addresses, those of the first request.  Returns 0, or -1
 * with errno set (ENOMEM; EINVAL: no URL, or a POST without a content
 * type; ECANCELED: the fetcher is being freed), and done is then never
 * called.
 */
int ep_fetch_get(struct ep_fetch *f, const struct ep_fetch_req *req,
    ep_fetch_done_cb *done, void *arg);

/*
 * Whether arg, from an ep_poller_event, marks a socket of the fetcher's.
 */
int ep_fetch_owns(const struct ep_fetch *f, const void *arg);

/*
 * Services one of the fetcher's sockets: fd and events (EP_POLLER_*) as
 * the poller reported them.  Requests that ended are called back from
 * here.  Returns 0, or -1 with errno set when the poller could not take
 * one of libcurl's sockets; the transfers in flight then end, each
 * saying so.
 */
int ep_fetch_event(struct ep_fetch *f, int fd, unsigned events);

/*
 * Returns in how many milliseconds ep_fetch_tick must run: 0 when it has
 * work now, -1 when it has none to come (nothing pending, or all waiting
 * on sockets with no timer: libcurl always sets one while it works).
 */
int ep_fetch_timeout(const struct ep_fetch *f);

/*
 * Runs what is due: libcurl's timers, deadlines of requests still
 * waiting for a transfer, transfers to start, callbacks of requests
 * answered without a transfer.  Harmless when nothing is due.  Returns
 * as ep_fetch_event.
 */
int ep_fetch_tick(struct ep_fetch *f);

/*
 * Ends every request not called back yet, from here: fetches not
 * finished end not ok with why as the reason (a repeat of one of them
 * later fetches it anew); finished ones are told their result.  The
 * fetcher stays usable.
 */
void ep_fetch_cancel_all(struct ep_fetch *f, const char *why);

/*
 * Writes the host of url, an http or https URL, to host (an IPv6
 * address without its brackets), for the caller to look up.  Returns 0,
 * or -1 when url is not one the fetcher would fetch or the host does not
 * fit.
 */
int ep_fetch_url_host(const char *url, char *host, size_t hostlen);

/*
 * Returns the requests not called back yet.
 */
size_t ep_fetch_pending(const struct ep_fetch *f);

#endif /* EP_FETCH_H */
