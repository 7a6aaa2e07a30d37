/*
 * The rig of the fuzz targets that judge what they read: a plan under
 * the lync2013 profile (SIP domains contoso.example and fabrikam.example,
 * access.contoso.example as access edge, webcon.contoso.example as web
 * conferencing edge), the unit fixtures' public and internal roots as
 * anchors, the system's public suffix list.  Judging runs the rules and
 * writes the text, JSON and Nagios reports, then checks what every
 * report must be whatever a certificate or file holds: JSON that parses,
 * and text without a byte that could drive a terminal; and that the
 * state it writes for the next run can be read by that run.
 */

#ifndef EP_FUZZ_JUDGE_H
#define EP_FUZZ_JUDGE_H

#include <stddef.h>

#include "input/ep_state.h"
#include "net/ep_observe.h"
#include "x509/ep_trust.h"

struct fuzz_rig;

/*
 * Returns the rig, made on first use; stops the run when it cannot be
 * made.  It lives until the process ends.
 */
const struct fuzz_rig *fuzz_rig(void);

/*
 * The rig's plan, for observing files against it.
 */
const struct ep_plan *fuzz_rig_plan(const struct fuzz_rig *r);

/*
 * The rig's anchors, for verifying paths against them.
 */
const struct ep_trust *fuzz_rig_trust(const struct fuzz_rig *r);

/*
 * Appends to o a live observation of the access edge on 192.0.2.1:443
 * that presented the n certificates of chain (indexes into o->certs).
 * Stops the run when out of memory.
 */
void fuzz_add_live(struct ep_observations *o, const size_t *chain, size_t n);

/*
 * Adds the one certificate of unit fixture name to store s and returns
 * its index; stops the run when it cannot.
 */
size_t fuzz_add_fixture(struct ep_certs *s, const char *name);

/*
 * Judges o (sorted) with the last run's state st (NULL: none), writes
 * every report and checks them; stops the run when a report is not what
 * it must be.  With st, this run's state is written over st's file, as
 * main.c writes it (not for a state ep_state.h says is left alone).
 */
void fuzz_judge(const struct fuzz_rig *r, const struct ep_observations *o,
    struct ep_state *st);

/*
 * As fuzz_judge, with the targets of plan (under lync2013) rather than
 * the rig's.
 */
void fuzz_judge_plan(const struct fuzz_rig *r, const struct ep_plan *plan,
    const struct ep_observations *o, struct ep_state *st);

/*
 * Reads the state file at path, as the next run would, and stops the run
 * unless it reads, with every live endpoint of o that answered found in
 * it with its leaf.
 */
void fuzz_check_state(const char *path, const struct ep_observations *o);

/*
 * Stops the run unless the len bytes of s are what a terminal may be
 * given: valid UTF-8 with no control character but the newline, and none
 * of the invisible characters that reorder or hide text.  what names the
 * output in the message.
 */
void fuzz_check_text(const char *what, const char *s, size_t len);

#endif /* EP_FUZZ_JUDGE_H */
