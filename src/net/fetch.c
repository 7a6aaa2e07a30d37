/*
 * HTTP fetches (see ep_fetch.h) with libcurl's multi interface, driven by
 * the caller's loop: CURLMOPT_SOCKETFUNCTION tells the poller what each
 * of libcurl's sockets waits for, CURLMOPT_TIMERFUNCTION when libcurl
 * wants to run, and curl_multi_socket_action does the work.
 *
 * Fetches live in a table keyed by what makes two requests the same (URL,
 * and a POST's body and content type), allocated one by one so that a
 * callback that asks for more never moves the fetch being answered.  A
 * fetch is queued, running, or done; a done one whose requests are still
 * to be called back waits on the ready list, and every callback runs from
 * deliver(), after libcurl has returned, never from inside libcurl.
 */

#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "input/ep_hash.h"
#include "input/ep_time.h"
#include "net/ep_fetch.h"

#define SLOTS_MIN	64	/* first table size, a power of two */
#define BODY_MIN	4096	/* first body buffer */
#define REASON_MAX	256	/* a reason's bytes */
#define PROTOCOLS	"http,https"
#define CURL_NEEDED	0x075500	/* 7.85.0: CURLOPT_PROTOCOLS_STR */

#define FREED		"abandoned: the fetcher was freed"

struct waiter {
	TAILQ_ENTRY(waiter)	 link;
	ep_fetch_done_cb	*done;
	void			*arg;
	int64_t			 asked;
};

TAILQ_HEAD(waitq, waiter);

enum state {
	S_QUEUED,		/* waits for a transfer */
	S_RUNNING,		/* its easy handle is in the multi */
	S_DONE,			/* the outcome is known */
};

struct fetch {
	struct ep_fetch		*f;
	enum state		 state;
	size_t			 hash;
	char			*url;
	unsigned char		*post;		/* NULL: a GET */
	size_t			 postlen;
	char			*ctype;		/* a POST's content type */
	size_t			 cap;
	unsigned		 deadline_ms;
	int64_t			 asked;		/* the first request: the
						   deadline counts from here */
	char			*resolve;	/* "host:port:addr,...", or
						   NULL */
	CURL			*easy;		/* S_RUNNING */
	struct curl_slist	*resolve_list;
	struct curl_slist	*headers;
	char			**visited;	/* URLs answered, redirects
						   included: to tell a loop */
	size_t			 nvisited;
	char			 errbuf[CURL_ERROR_SIZE];

	/* The outcome, once S_DONE. */
	int			 ok;
	int			 status;
	int			 capped;
	int			 nomem;		/* the body found no memory */
	int			 dropped;	/* body freed, requests told */
	int			 cancelled;	/* a repeat fetches anew */
	unsigned char		*body;
	size_t			 len;
	size_t			 bodycap;
	char			*rtype;		/* the response's type */
	char			 reason[REASON_MAX];

	struct waitq		 waiters;	/* in the order they asked */
	int			 on_ready;
	int			 in_table;	/* else freed once delivered */
	unsigned		 delivering;	/* deliver() calls under way */
	TAILQ_ENTRY(fetch)	 link;		/* queue, running or ready */
};

TAILQ_HEAD(fetchq, fetch);

struct ep_fetch {
	struct ep_poller	*poller;
	CURLM			*multi;
	char			*ua;
	size_t			 max;		/* transfers at once */
	unsigned		 deadline_ms;
	unsigned		 redirects;
	size_t			 caps[3];	/* by enum ep_fetch_kind */
	struct fetch		**slots;	/* open addressing */
	size_t			 nslots;	/* a power of two, >= 2 n */
	size_t			 n;
	struct fetchq		 queue;
	struct fetchq		 running;
	struct fetchq		 ready;
	size_t			 nrunning;
	size_t			 nready;
	size_t			 pending;	/* requests not called back */
	int64_t			 timer_at;	/* libcurl's timer; -1: none */
	int			 sock_err;	/* errno of a poller failure */
	int			 closing;	/* ep_fetch_free runs */
};

static pthread_once_t	curl_once = PTHREAD_ONCE_INIT;
static CURLcode		curl_init_result = CURLE_FAILED_INIT;

/*
 * libcurl's global state, once for the process: curl_global_init is not
 * safe to run twice at once, and cleaning up would race another fetcher.
 */
static void
curl_init(void)
{
	curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Writes ms as seconds: "5 s", "0.2 s". */
static const char *
secs(unsigned ms, char *buf, size_t len)
{
	snprintf(buf, len, "%g s", (double)ms / 1000);
	return buf;
}

/* Sets x's reason, on one line whatever libcurl or a server wrote. */
static void __attribute__((format(printf, 2, 3)))
say(struct fetch *x, const char *fmt, ...)
{
	va_list	ap;
	size_t	i, len;

	va_start(ap, fmt);
	vsnprintf(x->reason, sizeof(x->reason), fmt, ap);
	va_end(ap);
	for (i = 0; x->reason[i] != '\0'; i++)
		if ((unsigned char)x->reason[i] < 0x20 ||
		    x->reason[i] == 0x7f)
			x->reason[i] = ' ';
	len = strlen(x->reason);
	while (len > 0 && x->reason[len - 1] == ' ')
		x->reason[--len] = '\0';
}

static int
on_socket(CURL *easy, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct ep_fetch	*f = arg;
	unsigned	 ev;
	int		 r;

	(void)easy;
	(void)sockp;
	switch (what) {
	case CURL_POLL_IN:
		ev = EP_POLLER_IN;
		break;
	case CURL_POLL_OUT:
		ev = EP_POLLER_OUT;
		break;
	case CURL_POLL_INOUT:
		ev = EP_POLLER_IN | EP_POLLER_OUT;
		break;
	default:
		ev = 0;		/* CURL_POLL_REMOVE */
		break;
	}
	/*
	 * Renewed, not set: libcurl may have closed a socket and opened
	 * another under the same number since it last told us.
	 */
	r = ev == 0 ? ep_poller_set(f->poller, s, 0, NULL) :
	    ep_poller_renew(f->poller, s, ev, f);
	if (r == -1) {
		f->sock_err = errno;
		return -1;	/* libcurl fails the transfers */
	}
	return 0;
}

static int
on_timer(CURLM *multi, long ms, void *arg)
{
	struct ep_fetch	*f = arg;

	(void)multi;
	f->timer_at = ms < 0 ? -1 : ep_time_mono_ms() + ms;
	return 0;
}

int
ep_fetch_new(struct ep_fetch **out, struct ep_poller *p,
    const struct ep_fetch_opts *opts, char *err, size_t errlen)
{
	static const struct ep_fetch_opts	 none;
	const curl_version_info_data		*v;
	struct ep_fetch				*f;
	const char				*ua;

	*out = NULL;
	if (opts == NULL)
		opts = &none;
	ua = opts->user_agent != NULL ? opts->user_agent : "edgeprobe";
	if (strpbrk(ua, "\r\n") != NULL) {
		snprintf(err, errlen, "user agent: a line break");
		return -1;
	}
	if (pthread_once(&curl_once, curl_init) != 0 ||
	    curl_init_result != CURLE_OK) {
		snprintf(err, errlen, "libcurl: %s",
		    curl_easy_strerror(curl_init_result));
		return -1;
	}
	v = curl_version_info(CURLVERSION_NOW);
	if (v->version_num < CURL_NEEDED) {
		snprintf(err, errlen, "libcurl %s: 7.85.0 or newer needed",
		    v->version);
		return -1;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->ua = strdup(ua)) == NULL) {
		free(f);
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	f->poller = p;
	f->max = opts->max_concurrent ? opts->max_concurrent :
	    EP_FETCH_CONCURRENT_DEFAULT;
	f->deadline_ms = opts->deadline_ms ? opts->deadline_ms :
	    EP_FETCH_DEADLINE_DEFAULT;
	f->redirects = opts->max_redirects ? opts->max_redirects :
	    EP_FETCH_REDIRECTS_DEFAULT;
	f->caps[EP_FETCH_CRL] = opts->cap_crl ? opts->cap_crl :
	    EP_FETCH_CAP_CRL_DEFAULT;
	f->caps[EP_FETCH_OCSP] = opts->cap_ocsp ? opts->cap_ocsp :
	    EP_FETCH_CAP_SMALL_DEFAULT;
	f->caps[EP_FETCH_CERT] = opts->cap_cert ? opts->cap_cert :
	    EP_FETCH_CAP_SMALL_DEFAULT;
	f->timer_at = -1;
	TAILQ_INIT(&f->queue);
	TAILQ_INIT(&f->running);
	TAILQ_INIT(&f->ready);
	if ((f->multi = curl_multi_init()) == NULL ||
	    curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION,
	    on_socket) != CURLM_OK ||
	    curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f) != CURLM_OK ||
	    curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION,
	    on_timer) != CURLM_OK ||
	    curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f) != CURLM_OK) {
		snprintf(err, errlen, "libcurl: cannot make a multi handle");
		ep_fetch_free(f);
		return -1;
	}
	*out = f;
	return 0;
}

static size_t
key_hash(const char *url, const unsigned char *post, size_t postlen,
    const char *ctype)
{
	size_t		h = ep_hash(url, strlen(url) + 1, EP_HASH_INIT);
	unsigned char	method = post != NULL;

	h = ep_hash(&method, 1, h);
	if (post != NULL) {
		h = ep_hash(ctype, strlen(ctype) + 1, h);
		h = ep_hash(post, postlen, h);
	}
	return h;
}

static int
same(const struct fetch *x, const struct ep_fetch_req *req, size_t h)
{
	if (x->hash != h || strcmp(x->url, req->url) != 0 ||
	    (x->post != NULL) != (req->body != NULL))
		return 0;
	if (x->post == NULL)
		return 1;
	return x->postlen == req->bodylen &&
	    memcmp(x->post, req->body, req->bodylen) == 0 &&
	    strcmp(x->ctype, req->content_type) == 0;
}

/* The slot of req's fetch, or the empty one it would take. */
static size_t
find_slot(const struct ep_fetch *f, const struct ep_fetch_req *req, size_t h)
{
	size_t	mask = f->nslots - 1, i = h & mask;

	while (f->slots[i] != NULL && !same(f->slots[i], req, h))
		i = (i + 1) & mask;
	return i;
}

/* Makes room for one more fetch, the table at most half full. */
static int
grow(struct ep_fetch *f)
{
	struct fetch	**old = f->slots;
	size_t		  oldn = f->nslots, i, j, mask;

	if ((f->n + 1) * 2 <= f->nslots)
		return 0;
	f->nslots = oldn ? oldn * 2 : SLOTS_MIN;
	if ((f->slots = calloc(f->nslots, sizeof(*f->slots))) == NULL) {
		f->slots = old;
		f->nslots = oldn;
		return -1;
	}
	mask = f->nslots - 1;
	for (i = 0; i < oldn; i++) {
		if (old[i] == NULL)
			continue;
		for (j = old[i]->hash & mask; f->slots[j] != NULL;
		    j = (j + 1) & mask)
			;
		f->slots[j] = old[i];
	}
	free(old);
	return 0;
}

static void
free_visited(struct fetch *x)
{
	size_t	i;

	for (i = 0; i < x->nvisited; i++)
		free(x->visited[i]);
	free(x->visited);
	x->visited = NULL;
	x->nvisited = 0;
}

static void
free_fetch(struct fetch *x)
{
	struct waiter	*w;

	while ((w = TAILQ_FIRST(&x->waiters)) != NULL) {
		TAILQ_REMOVE(&x->waiters, w, link);
		free(w);
	}
	free_visited(x);
	free(x->url);
	free(x->post);
	free(x->ctype);
	free(x->resolve);
	free(x->body);
	free(x->rtype);
	free(x);
}

static void
make_ready(struct ep_fetch *f, struct fetch *x)
{
	if (x->on_ready || TAILQ_EMPTY(&x->waiters))
		return;
	TAILQ_INSERT_TAIL(&f->ready, x, link);
	x->on_ready = 1;
	f->nready++;
}

/*
 * Frees the body once every request asking for it was told, and the
 * fetch itself once nothing refers to it.
 */
static void
settle(struct fetch *x)
{
	if (x->delivering > 0 || x->on_ready)
		return;
	free(x->body);
	x->body = NULL;
	x->len = x->bodycap = 0;
	x->dropped = 1;
	if (!x->in_table)
		free_fetch(x);
}

static void
result(const struct fetch *x, struct ep_fetch_result *r)
{
	memset(r, 0, sizeof(*r));
	r->url = x->url;
	r->ok = x->ok;
	r->status = x->status;
	if (!x->dropped) {
		r->body = x->body;
		r->len = x->len;
	}
	r->content_type = x->rtype != NULL ? x->rtype : "";
	r->reason = x->ok ? "" : x->reason;
	r->capped = x->capped;
	r->again = x->dropped;
}

/*
 * Calls back the requests of x, done.  They are taken off first: one may
 * ask for x again, and is then called back by the next delivery.
 */
static void
deliver(struct ep_fetch *f, struct fetch *x)
{
	struct ep_fetch_result	 r;
	struct waitq		 ws;
	struct waiter		*w;
	int64_t			 now = ep_time_mono_ms();

	if (x->on_ready) {
		TAILQ_REMOVE(&f->ready, x, link);
		x->on_ready = 0;
		f->nready--;
	}
	TAILQ_INIT(&ws);
	TAILQ_CONCAT(&ws, &x->waiters, link);
	result(x, &r);
	x->delivering++;
	while ((w = TAILQ_FIRST(&ws)) != NULL) {
		TAILQ_REMOVE(&ws, w, link);
		f->pending--;
		r.ms = now > w->asked ? (unsigned)(now - w->asked) : 0;
		w->done(w->arg, &r);
		free(w);
	}
	x->delivering--;
	settle(x);
}

/*
 * Delivers what was ready when called: what callbacks make ready waits
 * for the next call, so that a callback asking again cannot keep us.
 */
static void
flush(struct ep_fetch *f)
{
	struct fetch	*x;
	size_t		 n = f->nready;

	while (n-- > 0 && (x = TAILQ_FIRST(&f->ready)) != NULL)
		deliver(f, x);
}

/* Takes x's transfer out of libcurl. */
static void
detach(struct ep_fetch *f, struct fetch *x)
{
	if (x->state != S_RUNNING)
		return;
	TAILQ_REMOVE(&f->running, x, link);
	f->nrunning--;
	curl_multi_remove_handle(f->multi, x->easy);
	curl_easy_cleanup(x->easy);
	x->easy = NULL;
	curl_slist_free_all(x->resolve_list);
	curl_slist_free_all(x->headers);
	x->resolve_list = x->headers = NULL;
	free_visited(x);
}

/* Ends x, queued or running, not ok, for why. */
static void
end(struct ep_fetch *f, struct fetch *x, const char *why)
{
	if (x->state == S_QUEUED)
		TAILQ_REMOVE(&f->queue, x, link);
	detach(f, x);
	x->state = S_DONE;
	x->ok = 0;
	say(x, "%s", why);
	make_ready(f, x);
}

/* A body belongs to the last response: a new status line starts it. */
static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct fetch	*x = arg;
	char		*url = NULL, **v;

	if (n >= 5 && size == 1 && memcmp(p, "HTTP/", 5) == 0) {
		x->len = 0;
		if (x->nvisited <= x->f->redirects &&
		    curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL,
		    &url) == CURLE_OK && url != NULL &&
		    (v = reallocarray(x->visited, x->nvisited + 1,
		    sizeof(*v))) != NULL) {
			x->visited = v;
			if ((v[x->nvisited] = strdup(url)) != NULL)
				x->nvisited++;
		}
	}
	return size * n;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct fetch	*x = arg;
	unsigned char	*nb;
	size_t		 len = size * n, ncap;

	if (len > x->cap - x->len) {
		x->capped = 1;
		return 0;	/* CURLE_WRITE_ERROR ends the transfer */
	}
	if (x->len + len > x->bodycap) {
		ncap = x->bodycap ? x->bodycap : BODY_MIN;
		while (ncap < x->len + len)
			ncap = ncap > x->cap / 2 ? x->cap : ncap * 2;
		if ((nb = realloc(x->body, ncap)) == NULL) {
			x->nomem = 1;
			return 0;
		}
		x->body = nb;
		x->bodycap = ncap;
	}
	memcpy(x->body + x->len, p, len);
	x->len += len;
	return len;
}

/* Whether the redirect libcurl refused to follow goes where it has been. */
static int
looped(struct fetch *x)
{
	char	*next = NULL;
	size_t	 i;

	if (curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &next) !=
	    CURLE_OK || next == NULL)
		return 0;
	for (i = 0; i < x->nvisited; i++)
		if (strcmp(x->visited[i], next) == 0)
			return 1;
	return 0;
}

/* Says why the transfer of x ended with code. */
static void
explain(struct fetch *x, CURLcode code)
{
	char	s[32];
	long	oserr = 0;

	switch (code) {
	case CURLE_OPERATION_TIMEDOUT:
		say(x, "timed out after %s", secs(x->deadline_ms, s,
		    sizeof(s)));
		return;
	case CURLE_FILESIZE_EXCEEDED:
		x->capped = 1;
		break;
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &oserr);
		if (oserr == ECONNREFUSED)
			say(x, "connection refused");
		else if (oserr != 0)
			say(x, "could not connect: %s", strerror((int)oserr));
		else
			break;
		return;
	case CURLE_TOO_MANY_REDIRECTS:
		if (looped(x))
			say(x, "redirect loop");
		else
			say(x, "more than %u redirects", x->f->redirects);
		return;
	case CURLE_UNSUPPORTED_PROTOCOL:
		/* A response came: what was refused is where it led. */
		if (x->nvisited == 0)
			break;
		say(x, "redirected to a URL that is not http or https");
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
		say(x, "https: the server's certificate did not verify: %s",
		    x->errbuf[0] != '\0' ? x->errbuf : "no reason given");
		return;
	case CURLE_GOT_NOTHING:
		say(x, "the server closed the connection without answering");
		return;
	case CURLE_PARTIAL_FILE:
		say(x, "the connection closed before the whole body came");
		return;
	default:
		break;
	}
	if (x->capped)
		say(x, "larger than %zu bytes", x->cap);
	else if (x->nomem)
		say(x, "%s", strerror(ENOMEM));
	else if (x->errbuf[0] != '\0')
		say(x, "%s", x->errbuf);
	else
		say(x, "%s", curl_easy_strerror(code));
}

/* The transfer of x ended with code: keeps its outcome. */
static void
finish(struct ep_fetch *f, struct fetch *x, CURLcode code)
{
	long	 status = 0;
	char	*ct = NULL;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	x->status = (int)status;
	if (curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct) ==
	    CURLE_OK && ct != NULL)
		x->rtype = strdup(ct);
	if (code != CURLE_OK)
		explain(x, code);
	else if (status >= 200 && status <= 299)
		x->ok = 1;
	else
		say(x, "HTTP %ld", status);
	detach(f, x);
	x->state = S_DONE;
	make_ready(f, x);
}

/* Collects the transfers libcurl has finished. */
static void
reap(struct ep_fetch *f)
{
	struct fetch	*x;
	CURLMsg		*m;
	char		*priv;
	int		 left;

	while ((m = curl_multi_info_read(f->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		priv = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		if ((x = (struct fetch *)(void *)priv) != NULL)
			finish(f, x, m->data.result);
	}
}

/* The options of x's transfer; returns 0 or a libcurl error. */
static CURLcode
setup(struct ep_fetch *f, struct fetch *x, int64_t now)
{
	CURL		*e = x->easy;
	CURLcode	 c;
	int64_t		 left = x->asked + x->deadline_ms - now;
	char		 ct[512];

	if ((c = curl_easy_setopt(e, CURLOPT_URL, x->url)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)x)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, PROTOCOLS)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR,
	    PROTOCOLS)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_MAXREDIRS,
	    (long)f->redirects)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_USERAGENT, f->ua)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
	    (long)(left > 1 ? left : 1))) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)(x->cap > INT64_MAX ? INT64_MAX : x->cap))) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_WRITEDATA, x)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_HEADERDATA, x)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf)) !=
	    CURLE_OK)
		return c;
	if (x->resolve != NULL) {
		if ((x->resolve_list = curl_slist_append(NULL,
		    x->resolve)) == NULL)
			return CURLE_OUT_OF_MEMORY;
		if ((c = curl_easy_setopt(e, CURLOPT_RESOLVE,
		    x->resolve_list)) != CURLE_OK)
			return c;
	}
	if (x->post == NULL)
		return CURLE_OK;
	snprintf(ct, sizeof(ct), "Content-Type: %s", x->ctype);
	/* "Expect:" sends the body at once, with no 100-continue wait. */
	if ((x->headers = curl_slist_append(NULL, ct)) == NULL ||
	    curl_slist_append(x->headers, "Expect:") == NULL)
		return CURLE_OUT_OF_MEMORY;
	if ((c = curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)x->postlen)) != CURLE_OK ||
	    (c = curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->post)) !=
	    CURLE_OK)
		return c;
	return CURLE_OK;
}

/* Hands x to libcurl; a fetch that cannot start is done, saying why. */
static void
start(struct ep_fetch *f, struct fetch *x, int64_t now)
{
	CURLcode	c;
	CURLMcode	mc;

	TAILQ_REMOVE(&f->queue, x, link);
	x->errbuf[0] = '\0';
	if ((x->easy = curl_easy_init()) == NULL) {
		x->state = S_DONE;
		say(x, "internal error: libcurl: no easy handle");
		make_ready(f, x);
		return;
	}
	x->state = S_RUNNING;
	TAILQ_INSERT_TAIL(&f->running, x, link);
	f->nrunning++;
	if ((c = setup(f, x, now)) != CURLE_OK)
		say(x, "internal error: libcurl: %s", curl_easy_strerror(c));
	else if ((mc = curl_multi_add_handle(f->multi, x->easy)) != CURLM_OK)
		say(x, "internal error: libcurl: %s", curl_multi_strerror(mc));
	else
		return;
	/* Not in the multi: removing it there does nothing. */
	detach(f, x);
	x->state = S_DONE;
	make_ready(f, x);
}

static void
start_queued(struct ep_fetch *f)
{
	struct fetch	*x;
	int64_t		 now = ep_time_mono_ms();

	while (f->nrunning < f->max && (x = TAILQ_FIRST(&f->queue)) != NULL)
		start(f, x, now);
}

/* Ends the fetches still waiting for a transfer whose deadline passed. */
static void
expire_queued(struct ep_fetch *f, int64_t now)
{
	struct fetch	*x, *next;
	char		 why[128], s[32];

	for (x = TAILQ_FIRST(&f->queue); x != NULL; x = next) {
		next = TAILQ_NEXT(x, link);
		if (now < x->asked + x->deadline_ms)
			continue;
		snprintf(why, sizeof(why), "timed out after %s waiting for "
		    "a free transfer", secs(x->deadline_ms, s, sizeof(s)));
		end(f, x, why);
	}
}

/*
 * Whether url is an http or https URL that libcurl parses; if so, *host
 * and *port are set (curl_free them), else why says what is wrong.
 */
static int
check_url(const char *url, char **host, char **port, char *why,
    size_t whylen)
{
	CURLU		*u;
	CURLUcode	 uc;
	char		*scheme = NULL;
	size_t		 n;
	int		 ok = 0;

	*host = *port = NULL;
	n = strspn(url, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
	if (url[n] != ':' || !((n == 4 && strncasecmp(url, "http", 4) == 0) ||
	    (n == 5 && strncasecmp(url, "https", 5) == 0))) {
		snprintf(why, whylen, "not an http or https URL");
		return 0;
	}
	if (strlen(url) > EP_FETCH_URL_MAX) {
		snprintf(why, whylen, "a URL longer than %d bytes",
		    EP_FETCH_URL_MAX);
		return 0;
	}
	if ((u = curl_url()) == NULL) {
		snprintf(why, whylen, "%s", strerror(ENOMEM));
		return 0;
	}
	if ((uc = curl_url_set(u, CURLUPART_URL, url, 0)) != CURLUE_OK ||
	    (uc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0)) !=
	    CURLUE_OK ||
	    (uc = curl_url_get(u, CURLUPART_HOST, host, 0)) != CURLUE_OK ||
	    (uc = curl_url_get(u, CURLUPART_PORT, port,
	    CURLU_DEFAULT_PORT)) != CURLUE_OK)
		snprintf(why, whylen, "malformed URL: %s",
		    curl_url_strerror(uc));
	else if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
		snprintf(why, whylen, "not an http or https URL");
	else
		ok = 1;
	curl_free(scheme);
	curl_url_cleanup(u);
	if (!ok) {
		curl_free(*host);
		curl_free(*port);
		*host = *port = NULL;
	}
	return ok;
}

/*
 * The host of an http or https URL, without an IPv6 address's brackets,
 * for the caller to resolve.
 */
int
ep_fetch_url_host(const char *url, char *host, size_t hostlen)
{
	char	*h, *port, why[128];
	size_t	 n;
	int	 rc = -1;

	if (!check_url(url, &h, &port, why, sizeof(why)))
		return -1;
	n = strlen(h);
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		if (n - 2 < hostlen) {
			memcpy(host, h + 1, n - 2);
			host[n - 2] = '\0';
			rc = 0;
		}
	} else if (n < hostlen && n > 0) {
		memcpy(host, h, n + 1);
		rc = 0;
	}
	curl_free(h);
	curl_free(port);
	return rc;
}

/*
 * CURLOPT_RESOLVE's "host:port:addr,..." for the addresses req gives, or
 * NULL (*out too) when there are none to give: none passed, or the host
 * is an address already.  Returns 0, or -1 when out of memory.
 */
static int
resolve_entry(const struct ep_fetch_req *req, const char *host,
    const char *port, char **out)
{
	char		 a[INET6_ADDRSTRLEN];
	unsigned char	 bin[16];
	size_t		 i, n, len, cap;
	char		*s;
	int		 used = 0;

	*out = NULL;
	if (req->addrs == NULL || req->naddrs == 0 || host[0] == '[' ||
	    inet_pton(AF_INET, host, bin) == 1 || strpbrk(host, ":,") != NULL)
		return 0;
	n = req->naddrs < EP_FETCH_ADDRS_MAX ? req->naddrs :
	    EP_FETCH_ADDRS_MAX;
	cap = strlen(host) + strlen(port) + 2 + n * (INET6_ADDRSTRLEN + 3);
	if ((s = malloc(cap)) == NULL)
		return -1;
	len = (size_t)snprintf(s, cap, "%s:%s:", host, port);
	for (i = 0; i < n; i++) {
		if ((req->addrs[i].family != AF_INET &&
		    req->addrs[i].family != AF_INET6) ||
		    inet_ntop(req->addrs[i].family, req->addrs[i].addr, a,
		    sizeof(a)) == NULL)
			continue;
		len += (size_t)snprintf(s + len, cap - len,
		    req->addrs[i].family == AF_INET6 ? "%s[%s]" : "%s%s",
		    used ? "," : "", a);
		used = 1;
	}
	if (!used) {
		free(s);
		return 0;
	}
	*out = s;
	return 0;
}

/* Makes the fetch of req, queued, or done at once when its URL is refused. */
static struct fetch *
make_fetch(struct ep_fetch *f, const struct ep_fetch_req *req, size_t h,
    int64_t now)
{
	struct fetch	*x;
	char		*host, *port, why[REASON_MAX];

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->f = f;
	x->hash = h;
	x->asked = now;
	x->cap = req->cap ? req->cap : f->caps[req->kind];
	x->deadline_ms = req->deadline_ms ? req->deadline_ms :
	    f->deadline_ms;
	TAILQ_INIT(&x->waiters);
	if ((x->url = strdup(req->url)) == NULL)
		goto nomem;
	if (req->body != NULL &&
	    ((x->post = malloc(req->bodylen ? req->bodylen : 1)) == NULL ||
	    (x->ctype = strdup(req->content_type)) == NULL))
		goto nomem;
	if (req->body != NULL) {
		memcpy(x->post, req->body, req->bodylen);
		x->postlen = req->bodylen;
	}
	if (!check_url(req->url, &host, &port, why, sizeof(why))) {
		x->state = S_DONE;
		say(x, "%s", why);
		return x;
	}
	if (resolve_entry(req, host, port, &x->resolve) == -1) {
		curl_free(host);
		curl_free(port);
		goto nomem;
	}
	curl_free(host);
	curl_free(port);
	x->state = S_QUEUED;
	TAILQ_INSERT_TAIL(&f->queue, x, link);
	return x;
nomem:
	free_fetch(x);
	return NULL;
}

int
ep_fetch_get(struct ep_fetch *f, const struct ep_fetch_req *req,
    ep_fetch_done_cb *done, void *arg)
{
	struct fetch	*x, *old;
	struct waiter	*w;
	size_t		 h, slot;
	int64_t		 now = ep_time_mono_ms();

	if (f->closing) {
		errno = ECANCELED;
		return -1;
	}
	if (req->url == NULL || done == NULL ||
	    (unsigned)req->kind > EP_FETCH_CERT ||
	    (req->body != NULL && (req->content_type == NULL ||
	    strpbrk(req->content_type, "\r\n") != NULL))) {
		errno = EINVAL;
		return -1;
	}
	if (grow(f) == -1 || (w = calloc(1, sizeof(*w))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	w->done = done;
	w->arg = arg;
	w->asked = now;
	h = key_hash(req->url, req->body, req->bodylen, req->content_type);
	slot = find_slot(f, req, h);
	if ((x = f->slots[slot]) == NULL || x->cancelled) {
		if ((x = make_fetch(f, req, h, now)) == NULL) {
			free(w);
			errno = ENOMEM;
			return -1;
		}
		x->in_table = 1;
		if ((old = f->slots[slot]) != NULL) {
			/* Cancelled: it goes once its requests are told. */
			old->in_table = 0;
			if (old->delivering == 0 && !old->on_ready)
				free_fetch(old);
		} else
			f->n++;
		f->slots[slot] = x;
	}
	TAILQ_INSERT_TAIL(&x->waiters, w, link);
	f->pending++;
	if (x->state == S_DONE)
		make_ready(f, x);
	else
		start_queued(f);
	return 0;
}

int
ep_fetch_owns(const struct ep_fetch *f, const void *arg)
{
	return arg == f;
}

/*
 * After libcurl ran: transfers it finished or failed, the queue, and the
 * callbacks.  Returns 0, or -1 with errno set when a socket could not
 * be told to the poller.
 */
static int
after(struct ep_fetch *f, CURLMcode mc)
{
	struct fetch	*x;
	char		 why[REASON_MAX];
	int		 err = f->sock_err;

	reap(f);
	if (mc != CURLM_OK || err != 0) {
		/* Whatever libcurl left running cannot go on. */
		if (err != 0)
			snprintf(why, sizeof(why), "internal error: the poller:"
			    " %s", strerror(err));
		else
			snprintf(why, sizeof(why), "internal error: libcurl: "
			    "%s", curl_multi_strerror(mc));
		while ((x = TAILQ_FIRST(&f->running)) != NULL)
			end(f, x, why);
		f->sock_err = 0;
	}
	start_queued(f);
	flush(f);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

int
ep_fetch_event(struct ep_fetch *f, int fd, unsigned events)
{
	CURLMcode	mc;
	int		mask = 0, running;

	if (events & EP_POLLER_IN)
		mask |= CURL_CSELECT_IN;
	if (events & EP_POLLER_OUT)
		mask |= CURL_CSELECT_OUT;
	if (events & EP_POLLER_ERR)
		mask |= CURL_CSELECT_ERR;
	mc = curl_multi_socket_action(f->multi, fd, mask, &running);
	return after(f, mc);
}

int
ep_fetch_timeout(const struct ep_fetch *f)
{
	const struct fetch	*x;
	int64_t			 next = f->timer_at, now;

	if (f->nready > 0 || (!TAILQ_EMPTY(&f->queue) && f->nrunning < f->max))
		return 0;
	TAILQ_FOREACH(x, &f->queue, link)
		if (next == -1 || x->asked + x->deadline_ms < next)
			next = x->asked + x->deadline_ms;
	if (next == -1)
		return -1;
	now = ep_time_mono_ms();
	return next <= now ? 0 : next - now > INT_MAX ? INT_MAX :
	    (int)(next - now);
}

int
ep_fetch_tick(struct ep_fetch *f)
{
	CURLMcode	mc = CURLM_OK;
	int64_t		now = ep_time_mono_ms();
	int		running;

	expire_queued(f, now);
	if (f->timer_at != -1 && now >= f->timer_at) {
		/* libcurl sets its next timer from within the call. */
		f->timer_at = -1;
		mc = curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0,
		    &running);
	}
	return after(f, mc);
}

void
ep_fetch_cancel_all(struct ep_fetch *f, const char *why)
{
	struct fetch	*x;

	while ((x = TAILQ_FIRST(&f->running)) != NULL ||
	    (x = TAILQ_FIRST(&f->queue)) != NULL) {
		x->cancelled = 1;
		end(f, x, why);
	}
	flush(f);
}

void
ep_fetch_free(struct ep_fetch *f)
{
	struct fetch	*x;
	size_t		 i;

	if (f == NULL)
		return;
	f->closing = 1;
	while ((x = TAILQ_FIRST(&f->running)) != NULL ||
	    (x = TAILQ_FIRST(&f->queue)) != NULL)
		end(f, x, FREED);
	flush(f);
	for (i = 0; i < f->nslots; i++)
		if (f->slots[i] != NULL)
			free_fetch(f->slots[i]);
	free(f->slots);
	/* Closes cached connections, telling the poller. */
	if (f->multi != NULL)
		curl_multi_cleanup(f->multi);
	free(f->ua);
	free(f);
}

size_t
ep_fetch_pending(const struct ep_fetch *f)
{
	return f->pending;
}
