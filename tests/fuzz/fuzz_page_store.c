/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the page-store loader.  The input is a whole page-store
 * file; page_store_open() must load it (a positive multiple of 4096 bytes) or
 * return a negative errno with one line.  A loaded store's dedup tables must
 * be consistent: each page's canonical page is byte-identical to it and is
 * its own canonical page, and the zero/same flags match the bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "models/compressor.h"
#include "tests/fuzz/fuzz_input.h"

static unsigned page_flags(const uint8_t *p)
{
	uint64_t w0, w;
	unsigned f = PS_F_SAME;

	memcpy(&w0, p, sizeof(w0));
	for (size_t i = 0; i < SIM_PAGE_SIZE; i += sizeof(w)) {
		memcpy(&w, p + i, sizeof(w));
		if (w != w0)
			f = 0;
	}
	if (f && !w0)
		f |= PS_F_ZERO;
	return f;
}

static void check_loaded(const struct page_store *ps)
{
	for (uint64_t i = 0; i < ps->npages; i++) {
		uint64_t c = ps->canon[i];
		const uint8_t *p = page_store_page(ps, i);

		if (c > i || ps->canon[c] != c ||
		    memcmp(page_store_page(ps, c), p, SIM_PAGE_SIZE) ||
		    (ps->flags[i] & (PS_F_ZERO | PS_F_SAME)) != page_flags(p)) {
			fprintf(stderr, "page %llu: canon %llu flags 0x%x inconsistent\n",
				(unsigned long long)i, (unsigned long long)c, ps->flags[i]);
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct page_store ps;
	char path[256], err[512];
	int ret;

	fuzz_write_file("in.pages", data, size, path, sizeof(path));
	err[0] = '\0';
	ret = page_store_open(&ps, path, err, sizeof(err));
	fuzz_check_err(ret, err, sizeof(err));
	if (!ret) {
		check_loaded(&ps);
		page_store_close(&ps);
	}
	return 0;
}
