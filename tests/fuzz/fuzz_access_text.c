/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the text access-trace reader.  The input is a whole .txt
 * access trace; access_open() must accept it or return a negative errno with
 * one line.  An accepted trace must survive a round trip through the writer
 * (text -> binary: the same header and records), as `zswapsim trace convert`
 * relies on.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz_input.h"
#include "traces/access.h"

static struct access_trace t, back;   /* ~350 KiB each: not on the stack */

static void check_round_trip(const struct access_trace *tr)
{
	char path[256], err[512];
	int ret;

	snprintf(path, sizeof(path), "%s/out.zswa", fuzz_dir());
	ret = access_write(path, &tr->meta, tr->rec, tr->nrec, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "accepted trace does not write back: %s\n", err);
		abort();
	}
	/* The page store (if any) was resolved against the input's directory,
	 * which is the same scratch directory: the result must not differ. */
	ret = access_open(&back, path, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "written trace does not read back: %s\n", err);
		abort();
	}
	if (back.nrec != tr->nrec || memcmp(&back.meta, &tr->meta, sizeof(tr->meta)) ||
	    (tr->nrec && memcmp(back.rec, tr->rec, tr->nrec * sizeof(*tr->rec))) ||
	    back.global_order != tr->global_order) {
		fprintf(stderr, "header or records differ after a text -> binary round trip\n");
		abort();
	}
	access_close(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[256], err[512];
	int ret;

	fuzz_write_file("in.txt", data, size, path, sizeof(path));
	err[0] = '\0';
	ret = access_open(&t, path, err, sizeof(err));
	fuzz_check_err(ret, err, sizeof(err));
	if (!ret) {
		check_round_trip(&t);
		access_close(&t);
	}
	return 0;
}
