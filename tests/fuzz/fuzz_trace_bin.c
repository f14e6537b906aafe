/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the binary trace reader.  The input is a whole .zswt
 * file; trace_open() must accept it or return a negative errno with one line,
 * and an accepted trace must only hold records that pass trace_check_record().
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz_input.h"
#include "traces/trace.h"

static struct trace t;   /* ~80 KiB of metadata: not on the stack */

static void check_accepted(const struct trace *tr)
{
	static uint64_t prev[TRACE_MAX_STREAMS];
	char reason[256];

	memset(prev, 0, sizeof(prev));
	for (uint64_t i = 0; i < tr->nrec; i++)
		if (trace_check_record(&tr->meta, &tr->rec[i], prev, reason, sizeof(reason))) {
			fprintf(stderr, "accepted a bad record %llu: %s\n",
				(unsigned long long)i, reason);
			abort();
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[256], err[512];
	int ret;

	fuzz_write_file("in.zswt", data, size, path, sizeof(path));
	err[0] = '\0';
	ret = trace_open(&t, path, err, sizeof(err));
	fuzz_check_err(ret, err, sizeof(err), 0);
	if (!ret) {
		check_accepted(&t);
		trace_close(&t);
	}
	return 0;
}
