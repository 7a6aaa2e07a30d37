/*
 * Presented chains saved as PEM files.  A file name is made of the
 * endpoint's name, address and port, each escaped for a file name, so
 * that no byte from DNS or an argument picks a path.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/ep_file.h"
#include "report/ep_chains.h"
#include "report/ep_escape.h"

#define PATH_LEN	4096

int
ep_chains_prepare(const char *dir, char *err, size_t errlen)
{
	char		probe[PATH_LEN], esc[PATH_LEN];
	struct stat	st;
	int		fd;

	ep_esc_str(dir, esc, sizeof(esc));
	if (*dir == '\0') {
		snprintf(err, errlen, "--save-chains needs a directory");
		return -1;
	}
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", esc, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) == -1) {
		snprintf(err, errlen, "%s: %s", esc, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", esc);
		return -1;
	}
	/* access() says yes to root on a read-only mount: try it instead. */
	if ((size_t)snprintf(probe, sizeof(probe), "%s/.edgeprobe-XXXXXX",
	    dir) >= sizeof(probe)) {
		snprintf(err, errlen, "%s: path too long", esc);
		return -1;
	}
	if ((fd = mkstemp(probe)) == -1) {
		snprintf(err, errlen, "%s: cannot write there: %s", esc,
		    strerror(errno));
		return -1;
	}
	close(fd);
	unlink(probe);
	return 0;
}

/* dir/NAME_ADDRESS_PORT.pem for observation o of target name. */
static int
file_name(const char *dir, const char *name, const struct ep_obs *o,
    char *out, size_t outlen)
{
	char	n[EP_FINDING_NAME_MAX], a[sizeof(o->addrstr)];

	ep_esc_filename(name, n, sizeof(n));
	ep_esc_filename(o->addrstr, a, sizeof(a));
	return (size_t)snprintf(out, outlen, "%s/%s_%s_%u.pem", dir, n, a,
	    o->port) >= outlen ? -1 : 0;
}

int
ep_chains_save(const char *dir, const struct ep_report *r, size_t *saved,
    char *err, size_t errlen)
{
	const struct ep_observations	*obs = r->obs;
	char				 path[PATH_LEN], esc[PATH_LEN];
	char				*pem = NULL;
	size_t				 i, k, len;

	*saved = 0;
	for (i = 0; i < obs->n; i++) {
		const struct ep_obs	*o = &obs->v[i];

		if (o->kind != EP_OBS_LIVE || !o->has_addr || o->chain_len == 0)
			continue;
		if (file_name(dir, ep_plan_target(r->plan, o->target)->name, o,
		    path, sizeof(path)) == -1) {
			snprintf(err, errlen, "%s: path too long",
			    ep_esc_str(dir, esc, sizeof(esc)));
			return -1;
		}
		len = 0;
		for (k = 0; k < o->chain_len; k++)
			if (ep_cert_pem_append(ep_certs_get(obs->certs,
			    o->chain[k]), &pem, &len) == -1) {
				free(pem);
				snprintf(err, errlen, "%s", strerror(ENOMEM));
				return -1;
			}
		if (ep_file_replace(path, pem, len, 0644, err, errlen) == -1) {
			free(pem);
			return -1;
		}
		(*saved)++;
	}
	free(pem);
	return 0;
}
