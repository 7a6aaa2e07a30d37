/*
 * Fuzz target: the state file (--state), read by src/input/state.c
 * (jansson, then each endpoint checked), then the last run's entries
 * compared with a run that saw the unit fixtures' access chain on the
 * access edge (src/judge/rules_changes.c), the reports of that, and the
 * state that run writes (src/report/state.c, which carries entries
 * over).  Every entry read must be found again by its key, and the
 * state written must read back.
 *
 * Seeds: state files as edgeprobe writes them, one matching that run,
 * one about another certificate, and damaged ones
 * (tests/fuzz/make-seeds).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/ep_state.h"
#include "net/ep_observe.h"

#include "fuzz.h"
#include "judge.h"

static unsigned char	*chain;		/* access-chain.pem */
static size_t		 chain_len;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_slurp("access-chain.pem", &chain, &chain_len);
	fuzz_rig();
	return 0;
}

/* Each entry is found by its own key, as the rules look it up. */
static void
check(const struct ep_state *s)
{
	const struct ep_state_entry	*e, *f;
	size_t				 i;

	for (i = 0; i < ep_state_count(s); i++) {
		e = ep_state_entry(s, i);
		if (strlen(e->role) >= sizeof(e->role) ||
		    strlen(e->name) >= sizeof(e->name) ||
		    strlen(e->address) >= sizeof(e->address))
			fuzz_fail("entry %zu overflows", i);
		f = ep_state_find(s, e->role, e->name, e->address, e->port);
		if (f == NULL || strcmp(f->role, e->role) != 0 ||
		    strcmp(f->name, e->name) != 0 ||
		    strcmp(f->address, e->address) != 0 || f->port != e->port)
			fuzz_fail("entry %zu is not found by its key", i);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ep_observations	 o;
	struct ep_state		*s;
	enum ep_state_status	 st;
	char			 path[4096], err[1024];
	size_t			 idx[EP_CHAIN_MAX];
	int			 n;

	snprintf(path, sizeof(path), "%s", fuzz_file("state", data, size));
	if (ep_state_open(path, 0, &s, err, sizeof(err)) == -1)
		fuzz_fail("%s", err);
	check(s);
	st = ep_state_status(s, NULL);
	if (ep_observations_init(&o) == -1)
		fuzz_fail("out of memory");
	o.no_fetch = 1;
	n = ep_certs_load_file(o.certs, fuzz_file("chain.pem", chain,
	    chain_len), idx, EP_CHAIN_MAX, err, sizeof(err));
	if (n <= 0)
		fuzz_fail("access-chain.pem: %s", err);
	fuzz_add_live(&o, idx, (size_t)n);
	ep_observations_sort(&o);
	fuzz_judge(fuzz_rig(), &o, s);
	ep_state_close(s);
	/* What this run wrote, the next must read: a newer one's is kept. */
	if (st != EP_STATE_NEWER)
		fuzz_check_state(path, &o);
	ep_observations_clear(&o);
	return 0;
}
