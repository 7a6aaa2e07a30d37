#ifndef EP_FINDING_H
#define EP_FINDING_H

#include <stddef.h>

#include "input/ep_check.h"

#define EP_FINDING_NO_OBS	((size_t)-1)	/* deployment-level finding */
#define EP_FINDING_NO_GROUP	((size_t)-1)	/* concerns no one argument */
#define EP_FINDING_NAME_MAX	256		/* a DNS name and its NUL */
#define EP_FINDING_MSG_MAX	512		/* longer messages are cut */

/* One thing found wrong, tied to an endpoint observation or to the run. */
struct ep_finding {
	enum ep_check		 check;			/* which check */
	enum ep_severity	 severity;		/* as judged this time */
	int			 accepted;		/* the admin accepts it: it
							   sets no status */
	size_t			 obs;			/* observation index or EP_FINDING_NO_OBS */
	size_t			 group;			/* deployment-level: the plan group
						   (argument) it concerns, or
						   EP_FINDING_NO_GROUP */
	char			 name[EP_FINDING_NAME_MAX];	/* the name concerned, or "" */
	char			 message[EP_FINDING_MSG_MAX];	/* one human sentence or two */
};

/* A growable list of findings, owned by its user. */
struct ep_findings {
	struct ep_finding	*v;		/* the findings */
	size_t			 n;		/* how many are used */
	size_t			 cap;		/* how many are allocated */
};

#define EP_FINDINGS_MAX	100000	/* a run that finds more is broken */

/*
 * Appends a finding with the check's default severity.  name may be NULL.
 * The message is printf-formatted and cut at EP_FINDING_MSG_MAX.  Returns
 * the new finding, or NULL when memory or EP_FINDINGS_MAX runs out.
 */
struct ep_finding *ep_findings_add(struct ep_findings *f, enum ep_check check,
    size_t obs, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * Returns the worst severity of the findings not accepted (EP_SEV_OK when
 * there are none).
 */
enum ep_severity ep_findings_worst(const struct ep_findings *f);

/*
 * Frees the list's storage and leaves it empty; f may be NULL.
 */
void ep_findings_clear(struct ep_findings *f);

#endif /* EP_FINDING_H */
