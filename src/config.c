/* PLACEHOLDER: replaced by the deployment-file reader. */

#include <stdio.h>
#include <stdlib.h>

#include "ep_config.h"

int
ep_config_load(const char *path, struct ep_config **out, char *err,
    size_t errlen)
{
	*out = NULL;
	snprintf(err, errlen, "%s: deployment files are not read yet", path);
	return -1;
}

void
ep_config_free(struct ep_config *c)
{
	(void)c;
}

const struct ep_config_settings *
ep_config_settings(const struct ep_config *c)
{
	(void)c;
	return NULL;
}

int
ep_config_apply(const struct ep_config *c, struct ep_plan *plan, char *err,
    size_t errlen)
{
	(void)c;
	(void)plan;
	snprintf(err, errlen, "deployment files are not read yet");
	return -1;
}
