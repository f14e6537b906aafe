/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the CSV importer.  The input is a CSV file, or a column
 * mapping (--columns), a NUL byte and the CSV file.  import_csv() must accept
 * it or return a negative errno with one line, in both content modes (hints
 * of a ratio, and pages drawn from a 4-page store); an accepted import must
 * be a trace that trace_open() accepts, with the records the summary counts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz_input.h"
#include "traces/import.h"
#include "traces/trace.h"

static struct trace t;   /* ~80 KiB: not on the stack */

/* A 4-page source store in the scratch directory, written once. */
static const char *source_store(void)
{
	static char path[256];

	if (!path[0]) {
		static uint8_t pages[4 * SIM_PAGE_SIZE];

		for (size_t i = 0; i < sizeof(pages); i++)
			pages[i] = (uint8_t)(i * 13 / 7);
		fuzz_write_file("src.pages", pages, sizeof(pages), path, sizeof(path));
	}
	return path;
}

static void import_one(const char *in, const struct import_params *p)
{
	struct import_summary sum;
	char out[256], err[1024];
	int ret;

	snprintf(out, sizeof(out), "%s/out.zswt", fuzz_dir());
	err[0] = '\0';
	ret = import_csv(in, out, p, &sum, err, sizeof(err));
	fuzz_check_err(ret, err, sizeof(err));
	if (ret)
		return;
	ret = trace_open(&t, out, err, sizeof(err));
	if (ret || t.nrec != sum.records || t.meta.memcg_count != sum.memcgs) {
		fprintf(stderr, "imported trace does not read back: %s\n", ret ? err : "counts differ");
		abort();
	}
	trace_close(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t skip = nul ? (size_t)(nul - data) + 1 : 0;
	char path[256], *columns = NULL;
	struct import_params p = { .ratio = 2.5, .seed = 1 };

	if (nul) {
		columns = strndup((const char *)data, (size_t)(nul - data));
		if (!columns)
			return 0;
	}
	fuzz_write_file("in.csv", data + skip, size - skip, path, sizeof(path));
	p.columns = columns;
	import_one(path, &p);
	p.ratio = 0;
	p.content = source_store();
	p.max_pages = 64;
	import_one(path, &p);
	free(columns);
	return 0;
}
