/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: what `zswapsim compare` reads: the tolerance file
 * (cmp_tolerance_load) and two reports or sweep summaries
 * (cmp_load_document), then the comparison itself.  The input is
 * TOLERANCE NUL BASE NUL NEW; an empty TOLERANCE means the defaults, a
 * missing NEW compares BASE with itself.  Checked:
 *  - every rejected file is a negative errno with one line;
 *  - a document compared with itself moves nothing: no failed row, under any
 *    tolerance (or the comparison is refused, e.g. a rule matching no key);
 *  - a comparison's failed count is the number of its rows marked failed,
 *    and the table prints.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/compare.h"
#include "tests/fuzz/fuzz_input.h"

static json_t *load_doc(const char *name, const uint8_t *data, size_t size)
{
	char path[256], err[4096];
	json_t *doc = NULL;
	int r;

	fuzz_write_file(name, data, size, path, sizeof(path));
	err[0] = '\0';
	r = cmp_load_document(path, &doc, err, sizeof(err));
	fuzz_check_err(r, err, sizeof(err));
	return r ? NULL : doc;
}

static void compare(json_t *a, json_t *b, const struct cmp_tolerance *t, int self)
{
	static FILE *devnull;
	struct cmp_result res;
	char err[4096];
	size_t failed = 0;
	int r;

	memset(&res, 0, sizeof(res));
	err[0] = '\0';
	r = cmp_documents(a, b, t, 0, &res, err, sizeof(err));
	fuzz_check_err(r, err, sizeof(err));
	if (!r) {
		for (size_t i = 0; i < res.nrows; i++)
			failed += res.rows[i].fail != 0;
		if (failed != res.failed || (self && res.failed)) {
			fprintf(stderr, "compare: %zu failed rows, counted %zu%s\n", failed,
				res.failed, self ? " (a document against itself)" : "");
			abort();
		}
		if (!devnull)
			devnull = fopen("/dev/null", "w");
		cmp_print(&res, devnull, 0);
	}
	cmp_result_free(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *end = data + size, *p1 = memchr(data, 0, size), *p2;
	struct cmp_tolerance t;
	char path[256], err[4096];
	json_t *base, *new = NULL;
	int r;

	if (!p1)
		return 0;
	p2 = memchr(p1 + 1, 0, (size_t)(end - p1 - 1));
	err[0] = '\0';
	if (p1 == data) {
		r = cmp_tolerance_load(&t, NULL, err, sizeof(err));
	} else {
		fuzz_write_file("tol.json", data, (size_t)(p1 - data), path, sizeof(path));
		r = cmp_tolerance_load(&t, path, err, sizeof(err));
	}
	fuzz_check_err(r, err, sizeof(err));
	if (r)
		return 0;
	base = load_doc("base.json", p1 + 1, (size_t)((p2 ? p2 : end) - p1 - 1));
	if (base && p2)
		new = load_doc("new.json", p2 + 1, (size_t)(end - p2 - 1));
	if (base)
		compare(base, base, &t, 1);
	if (base && new)
		compare(base, new, &t, 0);
	json_decref(base);
	json_decref(new);
	cmp_tolerance_free(&t);
	return 0;
}
