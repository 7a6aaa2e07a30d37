/* The arguments to check and where they came from (see ep_targets.h). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/ep_file.h"
#include "input/ep_hostname.h"
#include "input/ep_targets.h"

#define SOURCE_MAX	320	/* "FILE:LINE", the file's name cut */

struct target {
	char	*arg;
	char	*source;
	char	*what;	/* begins its errors: "FILE:LINE:", "argument" */
};

struct ep_targets {
	struct target	*v;
	size_t		 n;
};

struct ep_targets *
ep_targets_new(void)
{
	return calloc(1, sizeof(struct ep_targets));
}

void
ep_targets_free(struct ep_targets *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->v[i].arg);
		free(t->v[i].source);
		free(t->v[i].what);
	}
	free(t->v);
	free(t);
}

/* Appends arg; what begins the errors about it. */
static int
add(struct ep_targets *t, const char *arg, const char *source,
    const char *what, char *err, size_t errlen)
{
	struct target	*nv;

	if (t->n >= EP_PLAN_NAMES_MAX) {
		snprintf(err, errlen, "more than %d targets", EP_PLAN_NAMES_MAX);
		return -1;
	}
	if ((nv = reallocarray(t->v, t->n + 1, sizeof(*nv))) == NULL)
		goto nomem;
	t->v = nv;
	nv[t->n].arg = strdup(arg);
	nv[t->n].source = strdup(source);
	nv[t->n].what = strdup(what);
	if (nv[t->n].arg == NULL || nv[t->n].source == NULL ||
	    nv[t->n].what == NULL) {
		free(nv[t->n].arg);
		free(nv[t->n].source);
		free(nv[t->n].what);
		goto nomem;
	}
	t->n++;
	return 0;
nomem:
	snprintf(err, errlen, "%s", strerror(ENOMEM));
	return -1;
}

int
ep_targets_add(struct ep_targets *t, const char *arg, const char *source,
    char *err, size_t errlen)
{
	return add(t, arg, source, source, err, errlen);
}

size_t
ep_targets_count(const struct ep_targets *t)
{
	return t->n;
}

/* Takes one line of a targets file (len bytes, its LF cut off). */
static int
take_line(struct ep_targets *t, const char *label, size_t lineno,
    char *line, size_t len, char *err, size_t errlen)
{
	char	 source[SOURCE_MAX], what[SOURCE_MAX + 1], why[128];
	char	*p = line, *e;

	/* A CR LF end is an end, as a LF is: neither counts. */
	if (len > 0 && line[len - 1] == '\r')
		len--;
	e = line + len;
	if (len > EP_TARGET_LINE_MAX) {
		snprintf(err, errlen, "%.300s:%zu: line longer than %d bytes",
		    label, lineno, EP_TARGET_LINE_MAX);
		return -1;
	}
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*e = '\0';
	if (*p == '\0' || *p == '#')
		return 0;
	if (memchr(p, '\0', (size_t)(e - p)) != NULL) {
		snprintf(err, errlen, "%.300s:%zu: a NUL byte: not a text file",
		    label, lineno);
		return -1;
	}
	snprintf(source, sizeof(source), "%.300s:%zu", label, lineno);
	snprintf(what, sizeof(what), "%s:", source);
	if (add(t, p, source, what, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s %s", what, why);
		return -1;
	}
	return 0;
}

int
ep_targets_read(struct ep_targets *t, const char *path, char *err,
    size_t errlen)
{
	const char	*label = path;
	char		*text, *line, *nl;
	size_t		 len, lineno = 0;
	int		 r = 0;

	if (strcmp(path, "-") == 0) {
		label = "standard input";
		r = ep_file_read_fd(STDIN_FILENO, label, EP_TARGETS_FILE_MAX,
		    &text, &len, err, errlen);
	} else
		r = ep_file_read(path, EP_TARGETS_FILE_MAX, &text, &len, err,
		    errlen);
	if (r == -1)
		return -1;
	for (line = text; r == 0 && line < text + len; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(text + len - line))) ==
		    NULL)
			nl = text + len;
		r = take_line(t, label, ++lineno, line, (size_t)(nl - line),
		    err, errlen);
	}
	free(text);
	return r;
}

/* A port given after a host: 1 to 65535, digits only. */
static int
port_number(const char *s, const char *source, uint16_t *port, char *err,
    size_t errlen)
{
	unsigned long	 v = 0;
	const char	*q;

	for (q = s; *q >= '0' && *q <= '9' && v <= 65535; q++)
		v = v * 10 + (unsigned long)(*q - '0');
	if (q == s || *q != '\0' || v == 0 || v > 65535) {
		snprintf(err, errlen, "%s '%.100s': expected a whole number "
		    "from 1 to 65535", source, s);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

int
ep_target_split(const char *arg, const char *source, char *host,
    size_t hostlen, uint16_t *port, char *err, size_t errlen)
{
	const char	*colon, *portstr = NULL, *start = arg;
	size_t		 len;

	*port = 0;
	if (arg[0] == '[') {
		if ((colon = strchr(arg, ']')) == NULL ||
		    (colon[1] != '\0' && colon[1] != ':')) {
			snprintf(err, errlen, "%s '%.200s': expected "
			    "[ADDRESS]:PORT", source, arg);
			return -1;
		}
		len = (size_t)(colon - arg - 1);
		if (colon[1] == ':')
			portstr = colon + 2;
		start = arg + 1;
	} else if ((colon = strchr(arg, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		len = (size_t)(colon - arg);
		portstr = colon + 1;
	} else
		len = strlen(arg);	/* a name, or an IPv6 address */
	if (len == 0 || len >= hostlen) {
		snprintf(err, errlen, "%s '%.200s': not a host", source, arg);
		return -1;
	}
	memcpy(host, start, len);
	host[len] = '\0';
	if (portstr != NULL &&
	    port_number(portstr, source, port, err, errlen) == -1)
		return -1;
	return 0;
}

/* A HOST[:PORT] argument, as a generic target in its own group. */
static int
plan_host(struct ep_plan *plan, const struct target *tg, char *err,
    size_t errlen)
{
	char		 host[EP_NAME_MAX + 1];
	const char	*why;
	struct ep_port	 port = { 0, 0 };

	if (ep_target_split(tg->arg, tg->what, host, sizeof(host),
	    &port.port, err, errlen) == -1)
		return -1;
	if (!ep_host_is_ip(host) && (why = ep_host_problem(host)) != NULL) {
		snprintf(err, errlen, "%s '%.300s': not a valid host name: %s",
		    tg->what, tg->arg, why);
		return -1;
	}
	if (ep_plan_begin_group(plan, tg->arg, err, errlen) == -1)
		return -1;
	if (port.port != 0)
		return ep_plan_add_target_port(plan, EP_ROLE_GENERIC, host,
		    &port, tg->source, err, errlen);
	return ep_plan_add_target(plan, EP_ROLE_GENERIC, host, tg->source, err,
	    errlen);
}

/* A SIP domain, or a name in one, to discover. */
static int
plan_discovery(struct ep_plan *plan, const struct target *tg, char *err,
    size_t errlen)
{
	const char	*why;

	if ((why = ep_host_problem(tg->arg)) != NULL) {
		snprintf(err, errlen, "%s '%.300s': not a SIP domain or a host "
		    "name in one: %s", tg->what, tg->arg, why);
		return -1;
	}
	return ep_plan_add_discovery(plan, tg->arg, err, errlen);
}

int
ep_targets_plan(const struct ep_targets *t, struct ep_plan *plan, char *err,
    size_t errlen)
{
	size_t	i;
	int	hosts = ep_plan_profile(plan)->arguments == EP_ARGS_HOSTS;

	for (i = 0; i < t->n; i++)
		if ((hosts ? plan_host(plan, &t->v[i], err, errlen) :
		    plan_discovery(plan, &t->v[i], err, errlen)) == -1)
			return -1;
	return 0;
}
