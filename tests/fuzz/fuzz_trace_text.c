/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the text trace reader.  The input is a whole .txt trace;
 * trace_open() must accept it or return a negative errno with one line.  An
 * accepted trace must survive a round trip through the writer, as
 * `zswapsim trace convert` relies on.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz_input.h"
#include "traces/trace.h"

static struct trace t, back;   /* ~80 KiB each: not on the stack */

/* Write the accepted trace as binary and read it again: same records. */
static void check_round_trip(const struct trace *tr)
{
	char path[256], err[512];
	int ret;

	snprintf(path, sizeof(path), "%s/out.zswt", fuzz_dir());
	ret = trace_write(path, &tr->meta, tr->rec, tr->nrec, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "accepted trace does not write back: %s\n", err);
		abort();
	}
	ret = trace_open(&back, path, err, sizeof(err));
	/* The page store (if any) was resolved against the input's directory,
	 * which is the same scratch directory: the result must not differ. */
	if (ret) {
		fprintf(stderr, "written trace does not read back: %s\n", err);
		abort();
	}
	if (back.nrec != tr->nrec ||
	    (tr->nrec && memcmp(back.rec, tr->rec, tr->nrec * sizeof(*tr->rec)))) {
		fprintf(stderr, "records differ after a text -> binary round trip\n");
		abort();
	}
	trace_close(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[256], err[512];
	int ret;

	fuzz_write_file("in.txt", data, size, path, sizeof(path));
	err[0] = '\0';
	ret = trace_open(&t, path, err, sizeof(err));
	fuzz_check_err(ret, err, sizeof(err));
	if (!ret) {
		check_round_trip(&t);
		trace_close(&t);
	}
	return 0;
}
