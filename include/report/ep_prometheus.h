#ifndef EP_PROMETHEUS_H
#define EP_PROMETHEUS_H

#include <stddef.h>
#include <stdio.h>

#include "report/ep_report.h"

/*
 * Metrics for Prometheus in the text exposition format, as a file for
 * node_exporter's textfile collector, in the shapes blackbox_exporter and
 * ssl_exporter users know: times are Unix timestamps in seconds, so that
 * alert rules do the arithmetic.  All are gauges.  An endpoint's series
 * are labelled role, name, address and port; a file judged offline has
 * address and port "", and a deployment-level finding role, address and
 * port "".
 *
 *	edgeprobe_probe_success			1 handshake done, 0 not
 *	edgeprobe_endpoint_status		0 ok, 1 warning, 2 critical,
 *						3 unknown
 *	edgeprobe_handshake_duration_seconds	connect and handshake (live)
 *	edgeprobe_tls_version_info		1, labelled version
 *	edgeprobe_earliest_cert_expiry_timestamp_seconds
 *						of the chain presented
 *	edgeprobe_cert_not_before_timestamp_seconds
 *	edgeprobe_cert_not_after_timestamp_seconds
 *						each certificate presented,
 *						labelled chain_index (0: the
 *						leaf), cn, issuer_cn, serial
 *	edgeprobe_findings			how many, labelled check,
 *						severity, accepted
 *	edgeprobe_run_duration_seconds		the run, discovery included
 *	edgeprobe_last_run_timestamp_seconds	when it started
 *	edgeprobe_run_status			its exit status, 0 to 3
 *
 * A request (--csr) has no certificate series: its stand-in has no real
 * dates.  Label values go through ep_esc_prom_label.
 */

/* A textfile being written: a temporary file beside it until committed. */
struct ep_prom;

/*
 * Starts writing the file at path: makes a temporary file in its
 * directory now, so that a path that cannot be written is told before
 * anything is probed, with the mode a new file gets under the umask (not
 * mkstemp's 0600, which would keep the collector's user out).  It is
 * hidden and does not end in .prom, so that the collector never reads it.
 * path must not name a directory, a link or another file that is not a
 * regular one.  Returns 0 and sets *out, or -1 with a reason in err.
 */
int ep_prom_open(const char *path, struct ep_prom **out, char *err,
    size_t errlen);

/*
 * Writes r's metrics (r opened by ep_report_open) into the temporary
 * file, syncs it to disk and renames it over the path: a reader sees the
 * old file or the new one, never part of one.  Returns 0, or -1 with a
 * reason in err, the temporary file removed and the old file left as it
 * was.  Call it once.
 */
int ep_prom_commit(struct ep_prom *p, const struct ep_report *r, char *err,
    size_t errlen);

/*
 * Frees p, and removes its temporary file unless it was committed; p may
 * be NULL.
 */
void ep_prom_free(struct ep_prom *p);

/*
 * Writes r's metrics to fp.  Returns 0, or -1 on a write or memory error.
 */
int ep_report_prometheus(FILE *fp, const struct ep_report *r);

#endif /* EP_PROMETHEUS_H */
