/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the libCacheSim oracleGeneral reader.  An input that
 * starts with the zstd magic is read as a .zst file, any other as a plain
 * one.  The reader must accept the file or return a negative errno with one
 * line; an accepted file must give exactly its counted records, all of task
 * 0 within the task's pages, the k-th at k * think, with every page up to
 * task_pages first seen in order, a write the first time, a read after.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz_input.h"
#include "traces/access_source.h"

#define THINK 3

static void check_accepted(struct access_source *src)
{
	const struct access_meta *m = access_source_meta(src);
	uint64_t n = 0, next_new = 0;
	struct access_record r;
	int ret;

	while ((ret = access_source_next(src, &r)) == 1) {
		int first = r.vpage == next_new;

		n++;
		if (r.task || r.memcg || r.op != (first ? ACCESS_WRITE : ACCESS_READ) || r.order ||
		    r.arg != (first ? ACCESS_CONTENT_DRAW : 0) || r.flags ||
		    r.time_ns != n * THINK || r.vpage >= m->task_pages[0] || r.vpage > next_new) {
			fprintf(stderr, "bad record %llu: page %u of %u\n", (unsigned long long)n,
				r.vpage, m->task_pages[0]);
			abort();
		}
		next_new += first;   /* pages are numbered in first-seen order */
	}
	if (ret || n != access_source_records(src) || next_new != m->task_pages[0]) {
		fprintf(stderr, "%llu records of %llu, %llu pages of %u\n", (unsigned long long)n,
			(unsigned long long)access_source_records(src),
			(unsigned long long)next_new, m->task_pages[0]);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	struct access_file_opts o = { .think_ns = THINK };
	struct access_source *src;
	char path[256], err[512];
	int zst = size >= 4 && !memcmp(data, zstd_magic, 4);
	int ret;

	fuzz_write_file(zst ? "in.oracleGeneral.zst" : "in.oracleGeneral", data, size, path,
			sizeof(path));
	err[0] = '\0';
	ret = access_source_open(&src, path, ACCESS_FMT_ORACLE, &o, err, sizeof(err));
	fuzz_check_err(ret, err, sizeof(err));
	if (!ret) {
		check_accepted(src);
		access_source_close(src);
	}
	return 0;
}
