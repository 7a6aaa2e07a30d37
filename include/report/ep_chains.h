#ifndef EP_CHAINS_H
#define EP_CHAINS_H

#include <stddef.h>

#include "report/ep_report.h"

/*
 * --save-chains: every chain a server presented, as PEM, one file per
 * endpoint, so that an admin can open it in other tools.
 */

/*
 * Makes sure dir can take the files before any probe is sent: creates
 * it when missing (its parent must exist) and proves it writable by
 * creating and removing a file in it.  Returns 0, or -1 with "DIR: why"
 * in err.
 */
int ep_chains_prepare(const char *dir, char *err, size_t errlen);

/*
 * Writes the chain of each live endpoint that presented one to
 * dir/NAME_ADDRESS_PORT.pem (each part made safe by ep_esc_filename),
 * certificates in the order they were sent, each file replaced
 * atomically.  Sets *saved to the files written.  Returns 0, or -1 with
 * "FILE: why" in err at the first file that could not be written (the
 * ones before it are written).
 */
int ep_chains_save(const char *dir, const struct ep_report *r, size_t *saved,
    char *err, size_t errlen);

#endif /* EP_CHAINS_H */
