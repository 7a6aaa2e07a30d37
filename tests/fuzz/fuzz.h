/*
 * What the fuzz targets share: where the unit tests' fixtures are, the
 * input as a file for the readers that take a path, and a stop that
 * libFuzzer reports as a crash, for a property that does not hold.
 */

#ifndef EP_FUZZ_H
#define EP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The moment the unit fixtures are judged at: 2026-06-01T00:00:00Z. */
#define FUZZ_NOW	((time_t)1780272000)

/* libFuzzer's entry points, which each target defines. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Returns the path of fixture name under $EP_TEST_DATA/unit/fixtures
 * (EP_TEST_DATA defaults to "tests"), in a buffer the next call reuses.
 */
const char *fuzz_fixture(const char *name);

/*
 * Returns the path of file name in a directory of this process's own
 * under $TMPDIR (made on first use, removed with its files at exit); the
 * path lives until the next call of fuzz_path or fuzz_file.
 */
const char *fuzz_path(const char *name);

/*
 * Replaces file name, in a directory of this process's own under $TMPDIR
 * (made on first use, removed with its files at exit), with the size
 * bytes of data, and returns its path, which lives until the next call.
 */
const char *fuzz_file(const char *name, const void *data, size_t size);

/*
 * Reads fixture name whole into *out (malloc'd) and *len.  Stops the
 * run when it cannot: a target without its fixtures tests nothing.
 */
void fuzz_slurp(const char *name, unsigned char **out, size_t *len);

/*
 * Stops the run with a message: what should hold does not.
 */
void fuzz_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif /* EP_FUZZ_H */
