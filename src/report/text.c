/*
 * The text report, for a person at a terminal or on call: is anything
 * wrong, where, why it matters, what to do.  Grouped role -> name ->
 * address; each distinct certificate described once; a finding that
 * several endpoints share told once, naming them.  Every string that came
 * from outside goes through ep_esc_text, and text is wrapped to the width
 * asked for, colour codes not counted.
 */

#include <arpa/inet.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input/ep_time.h"
#include "report/ep_escape.h"
#include "report/ep_report.h"
#include "report/ep_version.h"

#define WIDTH_DEFAULT	80
#define WIDTH_MIN	40	/* narrower terminals wrap as if this wide */
#define WIDTH_MAX	1000
#define INDENT		8	/* a finding's text starts here */
#define CERT_INDENT	17	/* a certificate's details start here */
#define LABELS_MAX	(26 * 27)	/* A..Z, AA..ZZ; then by number */
#define LINE_MAX	2048	/* one escaped string, cut beyond */
#define LIST_MAX	20	/* endpoints named in one heading */
#define NONE		((size_t)-1)

/* Where the output stands: wrapping and colour. */
struct out {
	FILE	*fp;
	int	 width;
	int	 color;
	int	 col;		/* columns written on this line */
	int	 indent;	/* continuation lines start here */
	int	 bol;		/* nothing on this line but the indent */
};

/* One finding shown under an endpoint, with what makes it the same as
 * another endpoint's. */
struct item {
	size_t			 cert;	/* leaf's store index, or NONE */
	size_t			 trank;	/* its target's place in the report */
	size_t			 pos;	/* its endpoint's place in the target */
	size_t			 k;	/* finding index */
	const struct ep_finding	*x;
};

/* What the report works out before writing a line. */
struct text {
	const struct ep_report	*r;
	struct out		 o;
	size_t			*label;	/* per stored certificate: label + 1 */
	size_t			 nlabels;
	size_t			*shown;	/* per certificate: target + 1 under
					   which it was described */
	size_t			*seen;	/* per certificate: the last target + 1
					   that showed or referred to it */
	size_t			*trank;	/* per target: place in the report */
	size_t			 nranked;
	struct item		*items;
	size_t			 nitems;
	size_t			*run;	/* per finding: its item run's first
					   item (NONE: not an item) */
	size_t			*runlen;	/* per finding: items in that run */
	size_t			*ref;	/* per finding: the earlier target with
					   the same finding, or NONE */
	unsigned char		*told;	/* per finding: its run told */
};

/* ---- output ---- */

/* Columns taken by UTF-8 text: one per character. */
static int
columns(const char *s, size_t len)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

static void
o_newline(struct out *o)
{
	fputc('\n', o->fp);
	o->col = 0;
	o->bol = 1;
}

/* Starts a line: a new one if this one has text, then indent columns. */
static void
o_start(struct out *o, int indent)
{
	if (o->col > 0)
		o_newline(o);
	fprintf(o->fp, "%*s", indent, "");
	o->col = indent;
	o->indent = indent;
	o->bol = 1;
}

/* Writes s as it is (escaped already), no wrapping. */
static void
o_raw(struct out *o, const char *s)
{
	fputs(s, o->fp);
	o->col += columns(s, strlen(s));
	o->bol = 0;
}

/*
 * Writes one word of len bytes (escaped already): on this line after a
 * space when sep and it fits, else on the next line at the indent.
 */
static void
o_word(struct out *o, const char *s, size_t len, int sep, const char *color)
{
	int	w = columns(s, len);

	if (!o->bol && o->col + sep + w > o->width) {
		o_newline(o);
		fprintf(o->fp, "%*s", o->indent, "");
		o->col = o->indent;
	} else if (sep && !o->bol) {
		fputc(' ', o->fp);
		o->col++;
	}
	if (color != NULL && o->color)
		fprintf(o->fp, "\033[%sm", color);
	fwrite(s, 1, len, o->fp);
	if (color != NULL && o->color)
		fputs("\033[0m", o->fp);
	o->col += w;
	o->bol = 0;
}

/* Writes text (escaped already) word by word, wrapped. */
static void
o_words(struct out *o, const char *text)
{
	const char	*p = text, *w;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		for (w = p; *w != '\0' && *w != ' '; w++)
			;
		if (w > p)
			o_word(o, p, (size_t)(w - p), 1, NULL);
		p = w;
	}
}

/* Writes a phrase (escaped already) that is not to be broken. */
static void
o_unit(struct out *o, const char *s)
{
	o_word(o, s, strlen(s), 1, NULL);
}

/* Writes s (len bytes from outside) escaped, as one word. */
static void
o_esc_word(struct out *o, const char *s, size_t len, int sep)
{
	char	buf[LINE_MAX];

	ep_esc_text(s, len, buf, sizeof(buf));
	o_word(o, buf, strlen(buf), sep, NULL);
}

/* Writes s (from outside) escaped, wrapped at its blanks. */
static void
o_esc_words(struct out *o, const char *s)
{
	char	buf[LINE_MAX];

	o_words(o, ep_esc_str(s, buf, sizeof(buf)));
}

static const char *
upper(enum ep_severity s)
{
	static const char	*names[EP_SEV__MAX] = { "ok", "INFO", "WARNING",
				    "CRITICAL", "UNKNOWN" };

	return names[s];
}

/* SGR colours: red, yellow, magenta for the bad, green for ok. */
static const char *
color_of(enum ep_severity s)
{
	static const char	*c[EP_SEV__MAX] = { "32", "36", "33", "1;31",
				    "35" };

	return c[s];
}

/* A status, as a heading or the last line says it: "OK", "WARNING"... */
static void
o_status(struct out *o, enum ep_severity s, int sep)
{
	const char	*w = s == EP_SEV_OK ? "OK" : upper(s);

	o_word(o, w, strlen(w), sep, color_of(s));
}

/* A severity word, coloured on a terminal; suffix (e.g. ":") after it. */
static void
o_severity(struct out *o, enum ep_severity s, const char *suffix, int sep)
{
	char	w[32];

	snprintf(w, sizeof(w), "%s%s", upper(s), suffix);
	if (o->color && *suffix != '\0') {
		/* Colour the word, not the punctuation after it. */
		o_word(o, upper(s), strlen(upper(s)), sep, color_of(s));
		o_raw(o, suffix);
	} else
		o_word(o, w, strlen(w), sep, color_of(s));
}

/* ---- certificates ---- */

static void
label_name(size_t n, char *out, size_t outlen)
{
	if (n < 26)
		snprintf(out, outlen, "%c", (int)('A' + n));
	else if (n < LABELS_MAX)
		snprintf(out, outlen, "%c%c", (int)('A' + n / 26 - 1),
		    (int)('A' + n % 26));
	else
		snprintf(out, outlen, "#%zu", n + 1);
}

/* Certificate labels (A, B, ...) go in order of first appearance. */
static void
label(struct text *t, size_t cert, char *out, size_t outlen)
{
	if (cert == NONE) {
		snprintf(out, outlen, "-");
		return;
	}
	if (t->label[cert] == 0)
		t->label[cert] = ++t->nlabels;
	label_name(t->label[cert] - 1, out, outlen);
}

/* "75:57:2b...1b:1d": enough of a SHA-256 to tell two apart by eye. */
static void
short_hash(const unsigned char sha[32], char *out, size_t outlen)
{
	char	hex[96];

	ep_cert_hex(sha, hex, sizeof(hex));
	snprintf(out, outlen, "%.8s...%s", hex, hex + strlen(hex) - 5);
}

/* A request's stand-in certificate has no real issuer or dates. */
static void
print_cert(struct text *t, const struct ep_cert *c, size_t cert, int request)
{
	struct out	*o = &t->o;
	char		 lab[16], date[32], key[48], spki[32], fpr[32], buf[64];
	size_t		 i;

	label(t, cert, lab, sizeof(lab));
	o_start(o, 2);
	snprintf(buf, sizeof(buf), "certificate %-2s ", lab);
	o_raw(o, buf);
	o->indent = CERT_INDENT;
	if (c->malformed[0] != '\0') {
		/* Nothing parsed: what it is, and why not. */
		o_words(o, "cannot be parsed:");
		o_esc_words(o, c->malformed);
		o_start(o, CERT_INDENT);
		short_hash(c->sha256, fpr, sizeof(fpr));
		snprintf(buf, sizeof(buf), "fingerprint sha256 %s", fpr);
		o_unit(o, buf);
		o_newline(o);
		return;
	}
	if (c->cn_len > 0) {
		char	esc[LINE_MAX + 3];

		snprintf(esc, sizeof(esc), "CN=");
		ep_esc_text(c->cn, c->cn_len, esc + 3, sizeof(esc) - 3);
		o_word(o, esc, strlen(esc), 0, NULL);
	} else
		o_word(o, "(no CN)", 7, 0, NULL);

	/* SANs on a line of their own, continued under the first. */
	o_start(o, CERT_INDENT);
	o_raw(o, "SAN:");
	o->indent = CERT_INDENT + 5;
	if (c->nsans == 0)
		o_word(o, "(none)", 6, 1, NULL);
	for (i = 0; i < c->nsans; i++) {
		char	ip[46];

		if (!c->sans[i].is_ip)
			o_esc_word(o, (const char *)c->sans[i].value,
			    c->sans[i].len, 1);
		else if ((c->sans[i].len == 4 || c->sans[i].len == 16) &&
		    inet_ntop(c->sans[i].len == 4 ? AF_INET : AF_INET6,
		    c->sans[i].value, ip, sizeof(ip)) != NULL)
			o_word(o, ip, strlen(ip), 1, NULL);
		else
			o_word(o, "(bad-IP)", 8, 1, NULL);
	}

	o_start(o, CERT_INDENT);
	if (request)
		o_words(o, "requested, not issued yet");
	else {
		o_words(o, "issuer");
		o_esc_words(o, c->issuer);
		o_start(o, CERT_INDENT);
		ep_time_iso(c->not_after, date, sizeof(date));
		snprintf(buf, sizeof(buf), "expires %.10s (%lld days)", date,
		    ((long long)c->not_after - t->r->at) / 86400);
		o_unit(o, buf);
	}

	o_start(o, CERT_INDENT);
	ep_cert_key_desc(c, key, sizeof(key));
	short_hash(c->spki_sha256, spki, sizeof(spki));
	short_hash(c->sha256, fpr, sizeof(fpr));
	snprintf(buf, sizeof(buf), "key %s,", key);
	o_unit(o, buf);
	snprintf(buf, sizeof(buf), "SPKI sha256 %s", spki);
	o_unit(o, buf);
	/* Two certificates of one key differ here. */
	o_start(o, CERT_INDENT);
	snprintf(buf, sizeof(buf), "fingerprint sha256 %s", fpr);
	o_unit(o, buf);
	o_newline(o);
}

/* ---- what is shown ---- */

/* Quiet: only what is wrong, and not accepted. */
static int
finding_shown(const struct ep_report *r, const struct ep_finding *x)
{
	return !r->quiet || (!x->accepted && x->severity >= EP_SEV_WARNING);
}

static int
endpoint_shown(const struct ep_report *r, size_t i)
{
	return !r->quiet || ep_severity_status(r->ix.worst[i]) != EP_SEV_OK;
}

static int
target_shown(const struct ep_report *r, size_t t)
{
	size_t	k;

	if (!r->quiet)
		return 1;
	for (k = r->ix.ostart[t]; k < r->ix.ostart[t + 1]; k++)
		if (endpoint_shown(r, r->ix.oorder[k]))
			return 1;
	return 0;
}

static size_t
leaf(const struct ep_obs *o)
{
	return o->chain_len > o->leaf ? o->chain[o->leaf] : NONE;
}

/* "1 critical, 2 warning, 3 ok": the counts that are not zero. */
static void
print_counts(struct out *o, const size_t *count, int ok_too)
{
	static const enum ep_severity	order[] = { EP_SEV_CRITICAL,
					    EP_SEV_WARNING, EP_SEV_UNKNOWN,
					    EP_SEV_INFO, EP_SEV_OK };
	char				 buf[64];
	size_t				 i, n = 0;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (count[order[i]] > 0 || (ok_too && order[i] == EP_SEV_OK))
			n++;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (count[order[i]] == 0 && !(ok_too && order[i] == EP_SEV_OK))
			continue;
		snprintf(buf, sizeof(buf), "%zu %s%s", count[order[i]],
		    ep_severity_name(order[i]), --n > 0 ? "," : "");
		o_words(o, buf);
	}
}

/* ---- the order targets are written in ---- */

#define GROUP_ALL	((size_t)-2)	/* every target, grouped or not */

typedef void (*visit_fn)(struct text *, size_t);

/* The range of group g's targets in ix->torder; g may be EP_GROUP_NONE. */
static void
group_range(const struct ep_report_index *ix, size_t g, size_t *from,
    size_t *to)
{
	if (g == EP_GROUP_NONE)
		g = ix->ngroups;
	*from = ix->tstart[g];
	*to = ix->tstart[g + 1];
}

/* Visits the targets of group g (or all), role by role. */
static void
each_target(struct text *t, size_t g, visit_fn fn)
{
	const struct ep_plan	*plan = t->r->plan;
	size_t			 role, k, tg, from = 0;
	size_t			 to = ep_plan_ntargets(plan);

	if (g != GROUP_ALL)
		group_range(&t->r->ix, g, &from, &to);
	for (role = 0; role < EP_ROLE__MAX; role++)
		for (k = from; k < to; k++) {
			tg = g == GROUP_ALL ? k : t->r->ix.torder[k];
			if (ep_plan_target(plan, tg)->role == role)
				fn(t, tg);
		}
}

static int
group_shown(struct text *t, size_t g)
{
	size_t	k, from, to;

	if (!t->r->quiet)
		return 1;
	group_range(&t->r->ix, g, &from, &to);
	for (k = from; k < to; k++)
		if (target_shown(t->r, t->r->ix.torder[k]))
			return 1;
	return 0;
}

/*
 * Visits every target in the order of the report; with headings, writes
 * each group's heading before its targets.
 */
static void
each_group(struct text *t, visit_fn fn, int headings)
{
	const struct ep_report_index	*ix = &t->r->ix;
	const struct ep_plan		*plan = t->r->plan;
	struct out			*o = &t->o;
	size_t				 g, ng = ep_plan_ngroups(plan);

	if (ng < 2) {
		each_target(t, GROUP_ALL, fn);
		return;
	}
	/* Each argument on its own: one customer's report per heading. */
	for (g = 0; g < ng; g++) {
		struct ep_group_tally	c;
		const char		*name = ep_plan_group(plan, g);

		ep_report_index_tally(ix, g, &c);
		if (headings && (!t->r->quiet || c.worst != EP_SEV_OK)) {
			o_newline(o);
			o_start(o, 0);
			o_raw(o, "====");
			o->indent = 5;
			o_esc_word(o, name, strlen(name), 1);
			o_raw(o, ":");
			o_status(o, c.worst, 1);
			o_word(o, "-", 1, 1, NULL);
			print_counts(o, c.count, 1);
			o_newline(o);
		}
		each_target(t, g, fn);
	}
	if (ix->tstart[ng] < ix->tstart[ng + 1]) {
		if (headings && group_shown(t, EP_GROUP_NONE)) {
			o_newline(o);
			o_start(o, 0);
			o_raw(o, "==== named by flags and files");
			o_newline(o);
		}
		each_target(t, EP_GROUP_NONE, fn);
	}
}

static void
rank_target(struct text *t, size_t tg)
{
	t->trank[tg] = t->nranked++;
}

/* ---- findings several endpoints share ---- */

static int
same_finding(const struct item *a, const struct item *b)
{
	return a->cert == b->cert && a->x->check == b->x->check &&
	    a->x->severity == b->x->severity &&
	    a->x->accepted == b->x->accepted &&
	    strcmp(a->x->message, b->x->message) == 0;
}

static int
item_cmp(const void *pa, const void *pb)
{
	const struct item	*a = pa, *b = pb;
	int			 c;

	if (a->cert != b->cert)
		return a->cert < b->cert ? -1 : 1;
	if (a->x->check != b->x->check)
		return a->x->check < b->x->check ? -1 : 1;
	if (a->x->severity != b->x->severity)
		return a->x->severity < b->x->severity ? -1 : 1;
	if (a->x->accepted != b->x->accepted)
		return a->x->accepted < b->x->accepted ? -1 : 1;
	if ((c = strcmp(a->x->message, b->x->message)) != 0)
		return c;
	if (a->trank != b->trank)
		return a->trank < b->trank ? -1 : 1;
	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	return a->k < b->k ? -1 : a->k > b->k;
}

/*
 * Finds the findings that are the same (check, severity, message) on
 * endpoints presenting the same certificate: within a target they are
 * told once; a later target refers to the first.  Sorting makes this
 * n log n, for pools of thousands.
 */
static int
find_shared(struct text *t)
{
	const struct ep_report		*r = t->r;
	const struct ep_report_index	*ix = &r->ix;
	const struct ep_observations	*obs = r->obs;
	size_t				 nf = r->findings->n, i, k, s, e = 0, ks;
	size_t				*pos;

	if ((pos = calloc(ix->nobs + 1, sizeof(*pos))) == NULL ||
	    (t->items = calloc(nf + 1, sizeof(*t->items))) == NULL ||
	    (t->run = calloc(nf + 1, sizeof(*t->run))) == NULL ||
	    (t->runlen = calloc(nf + 1, sizeof(*t->runlen))) == NULL ||
	    (t->ref = calloc(nf + 1, sizeof(*t->ref))) == NULL ||
	    (t->told = calloc(nf + 1, 1)) == NULL) {
		free(pos);
		return -1;
	}
	for (i = 0; i < ep_plan_ntargets(r->plan); i++)
		for (k = ix->ostart[i]; k < ix->ostart[i + 1]; k++)
			pos[ix->oorder[k]] = k;
	for (i = 0; i < ix->nobs; i++) {
		if (!endpoint_shown(r, i))
			continue;
		for (k = ix->fstart[i]; k < ix->fstart[i + 1]; k++) {
			const struct ep_finding	*x = &r->findings->v[ix->forder[k]];
			struct item		*it = &t->items[t->nitems];

			if (!finding_shown(r, x))
				continue;
			it->cert = leaf(&obs->v[i]);
			it->trank = t->trank[obs->v[i].target];
			it->pos = pos[i];
			it->k = ix->forder[k];
			it->x = x;
			t->nitems++;
		}
	}
	free(pos);
	for (k = 0; k < nf; k++) {
		t->run[k] = t->ref[k] = NONE;
		t->runlen[k] = 0;
	}
	qsort(t->items, t->nitems, sizeof(*t->items), item_cmp);
	for (ks = 0; ks < t->nitems; ks = e) {
		/* ks: the first of the same finding; s..e: of one target. */
		for (s = ks; s < t->nitems && same_finding(&t->items[ks],
		    &t->items[s]); s = e) {
			for (e = s; e < t->nitems &&
			    same_finding(&t->items[ks], &t->items[e]) &&
			    t->items[e].trank == t->items[s].trank; e++)
				;
			for (i = s; i < e; i++) {
				k = t->items[i].k;
				t->run[k] = s;
				t->runlen[k] = e - s;
				/* No certificate: nothing ties two targets. */
				if (s != ks && t->items[ks].cert != NONE)
					t->ref[k] = obs->v[t->items[ks].x->obs].target;
			}
		}
	}
	return 0;
}

/* ---- endpoints and findings ---- */

/* Where an observation was made: an address, or the file judged. */
static void
where(const struct ep_obs *o, char *out, size_t outlen)
{
	char	file[sizeof(o->file) * 4];

	ep_esc_str(o->file, file, sizeof(file));
	ep_obs_where(o, file, out, outlen);
}

/* A finding as one paragraph: severity, ID, message, what to do. */
static void
print_finding(struct text *t, int indent, size_t k)
{
	const struct ep_finding	*x = &t->r->findings->v[k];
	const struct ep_check_info *ci = ep_check_info(x->check);
	struct out		*o = &t->o;
	char			 msg[EP_FINDING_MSG_MAX * 4];
	char			 text[sizeof(msg) + 768];

	o_start(o, indent);
	/* A deployment finding's lines hang under its first. */
	if (indent < INDENT)
		o->indent = indent + 2;
	o_severity(o, x->severity, "", 0);
	snprintf(text, sizeof(text), "%s%s:", ci->id,
	    x->accepted ? " (accepted)" : "");
	o_words(o, text);
	if (t->ref[k] != NONE) {
		/* Told in full under an earlier name already. */
		snprintf(text, sizeof(text), "the same as under %s above.",
		    ep_plan_target(t->r->plan, t->ref[k])->name);
		o_words(o, text);
	} else {
		ep_esc_str(x->message, msg, sizeof(msg));
		snprintf(text, sizeof(text), "%s. To fix: %s.", msg,
		    ep_report_advice(t->r->obs, x));
		o_words(o, text);
	}
	o_newline(o);
}

/*
 * One line of what the revocation checks of endpoint i came to: "OCSP
 * (stapled) good to 2026-12-07, CRL good; issuer: CRL good".  What is
 * wrong is in the findings; this says what was checked.
 */
static void
print_revocation(struct text *t, size_t i)
{
	static const char *const	 how[EP_REVM__MAX] = {
		[EP_REVM_OCSP_STAPLED] = "OCSP (stapled)",
		[EP_REVM_OCSP] = "OCSP",
		[EP_REVM_CRL] = "CRL",
		[EP_REVM_OCSP_FILE] = "OCSP file",
		[EP_REVM_CRL_FILE] = "CRL file",
	};
	const struct ep_report_index	*ix = &t->r->ix;
	struct out			*o = &t->o;
	size_t				 k, depth = 0, n = 0;
	char				 buf[96], date[32];

	if (t->r->quiet || ix->rstart == NULL ||
	    ix->rstart[i] == ix->rstart[i + 1])
		return;
	o_start(o, INDENT);
	o->indent = INDENT + 2;
	o_raw(o, "revocation:");
	for (k = ix->rstart[i]; k < ix->rstart[i + 1]; k++) {
		const struct ep_revcheck *c = &t->r->revs->v[ix->rorder[k]];
		const char		 *what;

		if (c->depth != depth || n == 0) {
			if (n > 0)
				o_raw(o, ";");
			if (c->depth > 0) {
				snprintf(buf, sizeof(buf), "%s:", c->depth == 1 ?
				    "issuer" : "its issuer");
				o_words(o, buf);
			}
			depth = c->depth;
		} else
			o_raw(o, ",");
		n++;
		what = ep_rev_outcome_name(c->outcome);
		if (c->outcome == EP_REVO_GOOD && c->next_update != 0) {
			ep_time_iso(c->next_update, date, sizeof(date));
			snprintf(buf, sizeof(buf), "%s good to %.10s",
			    how[c->method], date);
		} else if (c->outcome == EP_REVO_NOT_CHECKED &&
		    c->url != NULL && strncasecmp(c->url, "http", 4) != 0) {
			/* An ldap: point: which one was left unasked. */
			o_words(o, how[c->method]);
			o_esc_word(o, c->url, strlen(c->url), 1);
			o_words(o, "not checked");
			continue;
		} else
			snprintf(buf, sizeof(buf), "%s %s", how[c->method],
			    c->outcome == EP_REVO_REVOKED ? "REVOKED" :
			    c->outcome == EP_REVO_NOT_CHECKED ? "not checked" :
			    what);
		o_words(o, buf);
	}
	o_newline(o);
}

static void
print_endpoint(struct text *t, size_t i)
{
	const struct ep_report		*r = t->r;
	const struct ep_report_index	*ix = &r->ix;
	const struct ep_obs		*ob = &r->obs->v[i];
	struct out			*o = &t->o;
	char				 lab[16], w[sizeof(ob->file) * 4 + 64];
	char				 buf[sizeof(w) + 64];
	size_t				 k;

	label(t, leaf(ob), lab, sizeof(lab));
	where(ob, w, sizeof(w));
	o_start(o, 2);
	o->indent = INDENT;
	snprintf(buf, sizeof(buf), "%-22s", w);
	o_raw(o, buf);
	if (ob->status == EP_OBS_OK && ob->kind == EP_OBS_LIVE)
		snprintf(buf, sizeof(buf), " %-7s certificate %-2s",
		    ob->tls_version, lab);
	else if (ob->status == EP_OBS_OK)
		snprintf(buf, sizeof(buf), "  certificate %-2s", lab);
	else
		buf[0] = '\0';
	o_raw(o, buf);
	o_severity(o, ep_severity_status(ix->worst[i]), "", 1);
	o_newline(o);
	print_revocation(t, i);
	for (k = ix->fstart[i]; k < ix->fstart[i + 1]; k++) {
		size_t	f = ix->forder[k];

		if (finding_shown(r, &r->findings->v[f]) && t->runlen[f] < 2)
			print_finding(t, INDENT, f);
	}
}

/*
 * A finding on several endpoints of one certificate: the endpoints, then
 * the finding once.
 */
static void
print_shared(struct text *t, size_t tg, size_t f)
{
	const struct ep_report		*r = t->r;
	const struct ep_report_index	*ix = &r->ix;
	const struct item		*it = &t->items[t->run[f]];
	struct out			*o = &t->o;
	size_t				 n = t->runlen[f], i;
	char				 lab[16], w[sizeof(r->obs->v->file) * 4 + 64];
	char				 buf[sizeof(w) + 64];

	label(t, it->cert, lab, sizeof(lab));
	o_start(o, 2);
	o->indent = 4;
	if (n == ix->ostart[tg + 1] - ix->ostart[tg]) {
		snprintf(buf, sizeof(buf), "all %zu endpoints", n);
		o_words(o, buf);
	} else
		for (i = 0; i < n && i < LIST_MAX; i++) {
			where(&r->obs->v[it[i].x->obs], w, sizeof(w));
			snprintf(buf, sizeof(buf), "%s%s", w,
			    i + 1 < n && i + 1 < LIST_MAX ? "," : "");
			o_words(o, buf);
		}
	if (n > LIST_MAX) {
		snprintf(buf, sizeof(buf), "and %zu more", n - LIST_MAX);
		o_words(o, buf);
	}
	if (it->cert != NONE) {
		snprintf(buf, sizeof(buf), "(certificate %s):", lab);
		o_words(o, buf);
	} else
		o_raw(o, ":");
	o_newline(o);
	print_finding(t, INDENT, f);
}

static void
print_heading(struct text *t, size_t tg)
{
	const struct ep_plan		*plan = t->r->plan;
	const struct ep_target		*target = ep_plan_target(plan, tg);
	const struct ep_role_rules	*role;
	const struct ep_port		*ports;
	struct out			*o = &t->o;
	char				 buf[64], src[LINE_MAX + 1];
	size_t				 p, nports;

	role = &ep_plan_profile(plan)->roles[target->role];
	o_newline(o);
	o_start(o, 0);
	o->indent = 2;
	o_esc_words(o, role->title);
	o_raw(o, " ");
	o_word(o, target->name, strlen(target->name), 1, NULL);
	o_raw(o, " ");
	ep_esc_str(target->source, src + 1, sizeof(src) - 1);
	src[0] = '(';
	o_words(o, src);
	if (!role->probed) {
		o_raw(o, ")");
		o_newline(o);
		return;
	}
	nports = ep_plan_ports(plan, tg, &ports);
	o_raw(o, ";");
	o_words(o, nports > 1 ? "ports" : "port");
	for (p = 0; p < nports; p++) {
		snprintf(buf, sizeof(buf), "%u%s", ports[p].port,
		    p + 1 < nports ? "," : ")");
		o_words(o, buf);
	}
	if (nports == 0)
		o_raw(o, ")");
	o_newline(o);
}

static void
print_target(struct text *t, size_t tg)
{
	const struct ep_report		*r = t->r;
	const struct ep_report_index	*ix = &r->ix;
	const struct ep_plan		*plan = r->plan;
	const struct ep_observations	*obs = r->obs;
	struct out			*o = &t->o;
	size_t				 i, k, c, f;

	if (!target_shown(r, tg))
		return;
	print_heading(t, tg);
	if (!ep_plan_profile(plan)->roles[ep_plan_target(plan, tg)->role].probed) {
		o_start(o, 2);
		o_words(o, "not handshaked: this role's port does not speak "
		    "TLS");
		o_newline(o);
		return;
	}

	/* Identities first, once each, in the order the endpoints use them. */
	for (k = ix->ostart[tg]; k < ix->ostart[tg + 1]; k++) {
		i = ix->oorder[k];
		if (!endpoint_shown(r, i) || (c = leaf(&obs->v[i])) == NONE ||
		    t->seen[c] == tg + 1)
			continue;
		t->seen[c] = tg + 1;
		if (t->shown[c] == 0) {
			t->shown[c] = tg + 1;
			print_cert(t, ep_certs_get(obs->certs, c), c,
			    obs->v[i].kind == EP_OBS_CSR);
		} else {
			char	lab[16], buf[64];
			size_t	first = t->shown[c] - 1;

			/* Described under another name: said where. */
			label(t, c, lab, sizeof(lab));
			o_start(o, 2);
			o->indent = CERT_INDENT;
			snprintf(buf, sizeof(buf), "certificate %-2s as under",
			    lab);
			o_raw(o, buf);
			o_word(o, ep_plan_target(plan, first)->name,
			    strlen(ep_plan_target(plan, first)->name), 1, NULL);
			o_words(o, "above");
			o_newline(o);
		}
	}
	for (k = ix->ostart[tg]; k < ix->ostart[tg + 1]; k++)
		if (endpoint_shown(r, ix->oorder[k]))
			print_endpoint(t, ix->oorder[k]);
	/* Then what several of them share, in the order of the first. */
	for (k = ix->ostart[tg]; k < ix->ostart[tg + 1]; k++) {
		i = ix->oorder[k];
		if (!endpoint_shown(r, i))
			continue;
		for (c = ix->fstart[i]; c < ix->fstart[i + 1]; c++) {
			f = ix->forder[c];
			if (t->runlen[f] < 2 || t->told[t->items[t->run[f]].k])
				continue;
			t->told[t->items[t->run[f]].k] = 1;
			print_shared(t, tg, f);
		}
	}
	/* Only an offline run leaves a name unobserved. */
	if (ix->ostart[tg] == ix->ostart[tg + 1]) {
		o_start(o, 2);
		o_words(o, "not judged on its own: the file is for another "
		    "role");
		o_newline(o);
	}
}

/* ---- the run ---- */

static void
print_header(struct text *t)
{
	const struct ep_report	*r = t->r;
	const struct ep_plan	*plan = r->plan;
	struct out		*o = &t->o;
	char			 now[32], at[32], buf[128];
	size_t			 i, n = ep_plan_nsip_domains(plan);

	ep_time_iso(r->started, now, sizeof(now));
	ep_time_iso(r->at, at, sizeof(at));
	o_start(o, 0);
	o->indent = 2;
	snprintf(buf, sizeof(buf), "edgeprobe %s - profile", EP_VERSION);
	o_words(o, buf);
	o_esc_word(o, ep_plan_profile(plan)->name,
	    strlen(ep_plan_profile(plan)->name), 1);
	snprintf(buf, sizeof(buf), ", %.10s %.5s UTC", now, now + 11);
	o_raw(o, buf);
	if (r->at != r->started) {
		snprintf(buf, sizeof(buf), ", judged as of %.10s %.5s UTC", at,
		    at + 11);
		o_words(o, buf);
	}
	o_newline(o);
	if (n > 0) {
		o_start(o, 0);
		o->indent = 2;
		o_raw(o, n > 1 ? "SIP domains:" : "SIP domain:");
		for (i = 0; i < n; i++)
			o_word(o, ep_plan_sip_domain(plan, i),
			    strlen(ep_plan_sip_domain(plan, i)), 1, NULL);
		o_newline(o);
	}
}

static void
print_deployment(struct text *t)
{
	const struct ep_report		*r = t->r;
	const struct ep_report_index	*ix = &r->ix;
	struct out			*o = &t->o;
	size_t				 i, f, n = 0;

	/* After the last endpoint's: these concern no endpoint. */
	for (i = ix->fstart[ix->nobs]; i < ix->fstart[ix->nobs + 1]; i++) {
		f = ix->forder[i];
		if (!finding_shown(r, &r->findings->v[f]))
			continue;
		if (n++ == 0) {
			o_newline(o);
			o_start(o, 0);
			o_raw(o, "DEPLOYMENT");
			o_newline(o);
		}
		print_finding(t, 2, f);
	}
}

/*
 * The last line: the status, then the counts it comes from, endpoints and
 * deployment apart, so that the two never seem to disagree.
 */
static void
print_summary(struct text *t)
{
	const struct ep_report	*r = t->r;
	const struct ep_summary	*s = &r->sum;
	const char		*sig = ep_report_interrupted(r->obs);
	struct out		*o = &t->o;
	char			 buf[128];

	o_newline(o);
	o_start(o, 0);
	o->indent = 2;
	o_status(o, s->status, 0);
	o_word(o, "-", 1, 1, NULL);
	snprintf(buf, sizeof(buf), "%zu endpoint%s in %.2f s%s%s:",
	    s->endpoints, s->endpoints == 1 ? "" : "s",
	    r->obs->elapsed_ms / 1000.0, sig != NULL ? ", interrupted by " : "",
	    sig != NULL ? sig : "");
	o_words(o, buf);
	print_counts(o, s->count, s->endpoints == 0);
	if (s->dcount[EP_SEV_INFO] + s->dcount[EP_SEV_WARNING] +
	    s->dcount[EP_SEV_CRITICAL] + s->dcount[EP_SEV_UNKNOWN] > 0) {
		o_raw(o, ";");
		o_words(o, "deployment:");
		print_counts(o, s->dcount, 0);
	}
	if (s->accepted > 0) {
		snprintf(buf, sizeof(buf), "; %zu accepted", s->accepted);
		o_raw(o, buf);
	}
	o_newline(o);
}

static void
text_free(struct text *t)
{
	free(t->label);
	free(t->shown);
	free(t->seen);
	free(t->trank);
	free(t->items);
	free(t->run);
	free(t->runlen);
	free(t->ref);
	free(t->told);
}

int
ep_report_text(FILE *fp, const struct ep_report *r)
{
	struct text	t;
	size_t		ncerts = ep_certs_count(r->obs->certs);

	memset(&t, 0, sizeof(t));
	t.r = r;
	t.o.fp = fp;
	t.o.color = r->color;
	t.o.width = r->width == 0 ? WIDTH_DEFAULT : r->width < WIDTH_MIN ?
	    WIDTH_MIN : r->width > WIDTH_MAX ? WIDTH_MAX : (int)r->width;
	if ((t.label = calloc(ncerts + 1, sizeof(*t.label))) == NULL ||
	    (t.shown = calloc(ncerts + 1, sizeof(*t.shown))) == NULL ||
	    (t.seen = calloc(ncerts + 1, sizeof(*t.seen))) == NULL ||
	    (t.trank = calloc(ep_plan_ntargets(r->plan) + 1,
	    sizeof(*t.trank))) == NULL) {
		text_free(&t);
		return -1;
	}
	each_group(&t, rank_target, 0);
	if (find_shared(&t) == -1) {
		text_free(&t);
		return -1;
	}
	print_header(&t);
	each_group(&t, print_target, 1);
	print_deployment(&t);
	print_summary(&t);
	text_free(&t);
	return ferror(fp) ? -1 : 0;
}
