#ifndef EP_NAGIOS_H
#define EP_NAGIOS_H

#include <stdio.h>

#include "report/ep_report.h"

/*
 * The output of a Nagios or Icinga plugin, as the monitoring-plugins
 * development guidelines have it: a status line short enough for a pager,
 * with performance data after a '|', then the long output, one finding or
 * endpoint a line.  It formats the report's summary; it judges nothing.
 */

#define EP_NAGIOS_STATUS_MAX	200	/* the status line before its
					   perfdata, about: see below */

/*
 * Writes the plugin output of r (opened by ep_report_open) to fp.
 *
 * The status line: "EDGEPROBE STATUS - COUNTS: PROBLEMS | PERFDATA".
 * STATUS is r->sum's (OK, WARNING, CRITICAL, UNKNOWN); COUNTS the
 * endpoints by status ("1 critical, 1 warning, 9 ok"); PROBLEMS the
 * findings not accepted of a status (warning, critical, unknown), one per
 * name and check ("webcon.soon.test expires-soon 19d": with the days left
 * for expires-soon), critical first, then unknown, then warning, each in
 * report order.  Problems are listed while the line stays within
 * EP_NAGIOS_STATUS_MAX characters, the rest counted ("; and 3 more"); the
 * first is always listed, so a line with a long name may be longer.
 *
 * PERFDATA: the counts ("endpoints=11;;;0 ok=9 warning=1 critical=1
 * unknown=0"), the run's time ("time=0.41s"), then for each name checked
 * that presented a certificate, the days to its earliest expiring leaf:
 * "'expiry NAME'=97d;30:;7:;0;365", the thresholds as ranges (alert
 * below), 0 once expired, the certificate's lifetime as the maximum.
 *
 * The long output: each finding ("SEVERITY CHECK NAME ADDRESS:PORT:
 * message", "(accepted)" after the check when it is), then each endpoint
 * ("NAME ADDRESS:PORT STATUS TLS-VERSION", the probe's outcome when it
 * failed).  Every string from outside goes through ep_esc_nagios.
 *
 * Returns 0, or -1 on a write or memory error.
 */
int ep_report_nagios(FILE *fp, const struct ep_report *r);

/*
 * Writes the one line a run ends with when it judged nothing (a usage,
 * file or internal error): "EDGEPROBE UNKNOWN - why", why escaped.
 */
void ep_nagios_unknown(FILE *fp, const char *why);

#endif /* EP_NAGIOS_H */
