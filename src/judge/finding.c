/* A growable list of findings. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge/ep_finding.h"

struct ep_finding *
ep_findings_add(struct ep_findings *f, enum ep_check check, size_t obs,
    const char *name, const char *fmt, ...)
{
	struct ep_finding	*x;
	va_list			 ap;

	if (f->n == f->cap) {
		size_t	ncap = f->cap ? f->cap * 2 : 16;

		if (ncap > EP_FINDINGS_MAX)
			ncap = EP_FINDINGS_MAX;
		if (ncap <= f->n)
			return NULL;
		x = reallocarray(f->v, ncap, sizeof(*x));
		if (x == NULL)
			return NULL;
		f->v = x;
		f->cap = ncap;
	}
	x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	x->check = check;
	x->severity = ep_check_info(check)->severity;
	x->obs = obs;
	x->group = EP_FINDING_NO_GROUP;
	if (name != NULL)
		snprintf(x->name, sizeof(x->name), "%s", name);
	va_start(ap, fmt);
	vsnprintf(x->message, sizeof(x->message), fmt, ap);
	va_end(ap);
	return x;
}

enum ep_severity
ep_findings_worst(const struct ep_findings *f)
{
	enum ep_severity	w = EP_SEV_OK;
	size_t			i;

	for (i = 0; i < f->n; i++)
		if (!f->v[i].accepted && f->v[i].severity > w)
			w = f->v[i].severity;
	return w;
}

void
ep_findings_clear(struct ep_findings *f)
{
	if (f == NULL)
		return;
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}
