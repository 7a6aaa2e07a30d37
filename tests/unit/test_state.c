/*
 * Unit tests for the state kept between runs (src/input/state.c): a
 * first run, a state read back and found by key, every kind of file that
 * is not a state (reported, never fatal), a newer version (left alone),
 * a lock held by another run, and the atomic replace.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/file.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/ep_state.h"
#include "input/ep_time.h"
#include "fixture.h"

#define PAD_CHUNK	(1024 * 1024)	/* blanks written at a time */

static char	dir[FX_PATH_MAX];
static char	path[FX_PATH_MAX + 32];

static int
group_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/ep-state-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/state.json", dir);
	return 0;
}

static int
group_teardown(void **state)
{
	char	lock[FX_PATH_MAX + 64];

	(void)state;
	snprintf(lock, sizeof(lock), "%s.lock", path);
	unlink(path);
	unlink(lock);
	rmdir(dir);
	return 0;
}

static void
write_state(const char *text)
{
	FILE	*fp;

	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static struct ep_state *
open_state(unsigned wait_ms)
{
	struct ep_state	*s = NULL;
	char		 err[512] = "";

	if (ep_state_open(path, wait_ms, &s, err, sizeof(err)) != 0)
		fail_msg("ep_state_open: %s", err);
	return s;
}

#define LEAF(sha, since) \
	"\"leaf\": { \"sha256\": \"" sha "\", \"spki_sha256\": \"" sha "\", " \
	"\"not_after\": \"2027-01-01T00:00:00Z\", \"since\": \"" since "\", " \
	"\"seen\": \"2026-06-01T00:00:00Z\" }"
#define SHA_A	"0000000000000000000000000000000000000000000000000000000000000a0a"
#define SHA_B	"0000000000000000000000000000000000000000000000000000000000000b0b"

/* No file: a first run, no entry, and the lock file made beside it. */
static void
test_first_run(void **state)
{
	struct ep_state	*s;
	char		 lock[FX_PATH_MAX + 64];

	(void)state;
	unlink(path);
	s = open_state(0);
	assert_int_equal(ep_state_status(s, NULL), EP_STATE_FIRST);
	assert_int_equal(ep_state_count(s), 0);
	assert_null(ep_state_find(s, "access", "a.example", "", 443));
	snprintf(lock, sizeof(lock), "%s.lock", path);
	assert_int_equal(access(lock, F_OK), 0);
	ep_state_close(s);
}

/* A state read back: every field, each endpoint found by its key. */
static void
test_read(void **state)
{
	const struct ep_state_entry	*e;
	struct ep_state			*s;
	time_t				 since;

	(void)state;
	write_state("{ \"edgeprobe_state\": 1, \"endpoints\": ["
	    "{ \"role\": \"webcon\", \"name\": \"w.example\", \"address\": "
	    "\"192.0.2.2\", \"port\": 443, \"answered\": true, "
	    LEAF(SHA_B, "2026-05-01T00:00:00Z") " },"
	    "{ \"role\": \"access\", \"name\": \"sip.example\", \"address\": "
	    "\"192.0.2.1\", \"port\": 5061, \"answered\": false, "
	    LEAF(SHA_A, "2026-01-01T00:00:00Z") " },"
	    "{ \"role\": \"access\", \"name\": \"sip.example\", \"address\": "
	    "\"\", \"port\": 443, \"answered\": false, \"leaf\": null } ] }");
	s = open_state(0);
	assert_int_equal(ep_state_status(s, NULL), EP_STATE_READ);
	assert_int_equal(ep_state_count(s), 3);
	assert_non_null(e = ep_state_find(s, "access", "sip.example",
	    "192.0.2.1", 5061));
	assert_false(e->answered);
	assert_true(e->has_leaf);
	assert_int_equal(e->sha256[31], 0x0a);
	assert_int_equal(ep_time_parse_iso("2026-01-01", &since), 0);
	assert_int_equal(e->since, since);
	assert_non_null(e = ep_state_find(s, "webcon", "w.example",
	    "192.0.2.2", 443));
	assert_true(e->answered);
	assert_int_equal(e->spki_sha256[30], 0x0b);
	assert_non_null(e = ep_state_find(s, "access", "sip.example", "", 443));
	assert_false(e->has_leaf);
	assert_null(ep_state_find(s, "access", "sip.example", "192.0.2.1",
	    443));
	assert_null(ep_state_find(s, "internal", "sip.example", "192.0.2.1",
	    5061));
	ep_state_close(s);
}

/* Whatever is not a state is reported, with why, and never fatal. */
static void
test_unreadable(void **state)
{
	static const struct {
		const char	*text;
		const char	*why;
	} v[] = {
		{ "garbage", "not JSON, or cut short" },
		{ "{ \"edgeprobe_state\": 1, \"endpoints\": [", "cut short" },
		{ "", "not JSON" },
		{ "{ \"something\": \"else\" }", "not an edgeprobe state file" },
		{ "[1, 2]", "not an edgeprobe state file" },
		{ "{ \"edgeprobe_state\": 0, \"endpoints\": [] }",
		    "not an edgeprobe state file" },
		{ "{ \"edgeprobe_state\": 1, \"endpoints\": {} }",
		    "not an edgeprobe state file" },
		{ "{ \"edgeprobe_state\": 1, \"endpoints\": [ { \"role\": 7 } ] }",
		    "endpoint 1 is damaged" },
		{ "{ \"edgeprobe_state\": 1, \"endpoints\": [ { \"role\": "
		    "\"webcon\", \"name\": \"w\", \"address\": \"\", \"port\": "
		    "70000, \"answered\": true } ] }", "endpoint 1 is damaged" },
		{ "{ \"edgeprobe_state\": 1, \"endpoints\": [ { \"role\": "
		    "\"webcon\", \"name\": \"w\", \"address\": \"\", \"port\": "
		    "443, \"answered\": true, \"leaf\": { \"sha256\": \"xyz\" } "
		    "} ] }", "endpoint 1 is damaged" },
		{ "{ \"edgeprobe_state\": 1, \"edgeprobe_state\": 1, "
		    "\"endpoints\": [] }", "not JSON" },
	};
	struct ep_state	*s;
	const char	*why;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		write_state(v[i].text);
		s = open_state(0);
		if (ep_state_status(s, &why) != EP_STATE_UNREADABLE)
			fail_msg("case %zu read as a state", i);
		if (strstr(why, v[i].why) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, why, v[i].why);
		assert_int_equal(ep_state_count(s), 0);
		ep_state_close(s);
	}
}

/*
 * A newer edgeprobe's state is reported and left alone: replacing it is
 * refused.  An unreadable one is replaced, atomically, whole.
 */
static void
test_newer_and_replace(void **state)
{
	struct ep_state	*s;
	const char	*why;
	char		 err[512] = "", *text;
	size_t		 len;
	FILE		*fp;

	(void)state;
	write_state("{ \"edgeprobe_state\": 2, \"endpoints\": [] }");
	s = open_state(0);
	assert_int_equal(ep_state_status(s, &why), EP_STATE_NEWER);
	assert_non_null(strstr(why, "state version 2"));
	assert_int_equal(ep_state_replace(s, "x", 1, err, sizeof(err)), -1);
	ep_state_close(s);

	write_state("garbage");
	s = open_state(0);
	assert_int_equal(ep_state_replace(s, "{\"new\": 1}\n", 11, err,
	    sizeof(err)), 0);
	ep_state_close(s);
	assert_non_null(fp = fopen(path, "r"));
	assert_non_null(text = calloc(1, 64));
	len = fread(text, 1, 63, fp);
	fclose(fp);
	assert_int_equal(len, 11);
	assert_string_equal(text, "{\"new\": 1}\n");
	free(text);
}

/*
 * Another run holds the lock: this one waits as long as it may, then
 * reports it, reads nothing and may write nothing.  Once freed, the lock
 * is taken at once.
 */
static void
test_locked(void **state)
{
	struct ep_state	*s;
	const char	*why;
	char		 lock[FX_PATH_MAX + 64], err[512];
	int64_t		 t0;
	int		 fd;

	(void)state;
	write_state("{ \"edgeprobe_state\": 1, \"endpoints\": [] }");
	snprintf(lock, sizeof(lock), "%s.lock", path);
	assert_int_not_equal(fd = open(lock, O_RDWR | O_CREAT, 0644), -1);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	t0 = ep_time_mono_ms();
	s = open_state(300);
	assert_true(ep_time_mono_ms() - t0 >= 300);
	assert_int_equal(ep_state_status(s, &why), EP_STATE_LOCKED);
	assert_non_null(strstr(why, "another run held its lock"));
	assert_int_equal(ep_state_replace(s, "x", 1, err, sizeof(err)), -1);
	ep_state_close(s);
	close(fd);
	s = open_state(0);
	assert_int_equal(ep_state_status(s, NULL), EP_STATE_READ);
	ep_state_close(s);
}

/* A directory that does not exist cannot hold a state: an error. */
static void
test_no_directory(void **state)
{
	struct ep_state	*s = (struct ep_state *)1;
	char		 bad[FX_PATH_MAX + 64], err[512] = "";

	(void)state;
	snprintf(bad, sizeof(bad), "%s/missing/state.json", dir);
	assert_int_equal(ep_state_open(bad, 0, &s, err, sizeof(err)), -1);
	assert_null(s);
	assert_non_null(strstr(err, "No such file or directory"));
}

/*
 * Writes a state of one endpoint followed by blanks, size bytes in all,
 * a chunk at a time.
 */
static void
write_padded(size_t size)
{
	static const char	 doc[] = "{ \"edgeprobe_state\": 1, "
				    "\"endpoints\": [ { \"role\": \"webcon\", "
				    "\"name\": \"w.example\", \"address\": "
				    "\"192.0.2.2\", \"port\": 443, "
				    "\"answered\": false, \"leaf\": null } ] }";
	char			*chunk;
	FILE			*fp;
	size_t			 left, n;

	assert_non_null(chunk = malloc(PAD_CHUNK));
	memset(chunk, ' ', PAD_CHUNK);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(doc, 1, sizeof(doc) - 1, fp), sizeof(doc) - 1);
	for (left = size - (sizeof(doc) - 1); left > 0; left -= n) {
		n = left < PAD_CHUNK ? left : PAD_CHUNK;
		assert_int_equal(fwrite(chunk, 1, n, fp), n);
	}
	assert_int_equal(fclose(fp), 0);
	free(chunk);
}

/*
 * A state file of EP_STATE_FILE_MAX bytes is read; one byte more is not,
 * and is reported as unreadable for its size, never read in part.
 */
static void
test_size_limit(void **state)
{
	struct ep_state	*s;
	const char	*why;
	char		 want[64];

	(void)state;
	write_padded(EP_STATE_FILE_MAX);
	s = open_state(0);
	assert_int_equal(ep_state_status(s, NULL), EP_STATE_READ);
	assert_int_equal(ep_state_count(s), 1);
	ep_state_close(s);
	write_padded((size_t)EP_STATE_FILE_MAX + 1);
	s = open_state(0);
	assert_int_equal(ep_state_status(s, &why), EP_STATE_UNREADABLE);
	snprintf(want, sizeof(want), "larger than %d bytes", EP_STATE_FILE_MAX);
	assert_non_null(strstr(why, want));
	assert_int_equal(ep_state_count(s), 0);
	ep_state_close(s);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_first_run),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_newer_and_replace),
		cmocka_unit_test(test_locked),
		cmocka_unit_test(test_no_directory),
		cmocka_unit_test(test_size_limit),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
