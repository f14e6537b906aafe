/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the binary access-trace reader.  access_open() must accept
 * the file or return a negative errno with one line, and an accepted trace
 * must only hold records that pass access_check_record().
 *
 * An input that starts with the magic is the whole .zswa file.  Any other
 * input is records only: a valid header (2 tasks of 64 and 16 pages, memcgs
 * root and root/a, no page store) is put in front of the input's bytes after
 * the first, cut to whole 24-byte records, so the fuzzer spends its time in
 * the record checks instead of on the exact file size the header demands.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz_input.h"
#include "traces/access.h"

static struct access_trace t;   /* ~350 KiB of metadata: not on the stack */

static void check_accepted(const struct access_trace *tr)
{
	struct access_check c;
	char reason[256];

	if (access_check_init(&c, &tr->meta))
		abort();
	for (uint64_t i = 0; i < tr->nrec; i++)
		if (access_check_record(&c, &tr->rec[i], reason, sizeof(reason))) {
			fprintf(stderr, "accepted a bad record %llu: %s\n",
				(unsigned long long)i, reason);
			abort();
		}
	if (c.global_order != tr->global_order) {
		fprintf(stderr, "global_order %d, the records say %d\n", tr->global_order,
			c.global_order);
		abort();
	}
	access_check_free(&c);
}

/* docs/trace-format.md: fixed header + 2 memcgs + 2 tasks (8 bytes) */
#define HDR_SIZE (360 + 2 * 88 + 8)

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));   /* little-endian hosts only, as the reader */
}

/* The header of a records-only input, byte by byte from the format doc. */
static size_t records_file(const uint8_t *data, size_t size, uint8_t *buf)
{
	uint64_t nrec = size ? (size - 1) / 24 : 0;

	memset(buf, 0, HDR_SIZE);
	memcpy(buf, "ZSWACCES", 8);
	put32(buf + 8, 1);              /* version */
	put32(buf + 12, HDR_SIZE);      /* header_size */
	put32(buf + 16, 24);            /* record_size */
	put32(buf + 20, 4096);          /* page_size */
	memcpy(buf + 24, &nrec, 8);     /* record_count */
	put32(buf + 32, 2);             /* task_count */
	put32(buf + 36, 2);             /* memcg_count */
	memcpy(buf + 360, "root", 4);
	put32(buf + 360 + 64, (uint32_t)-1);
	memcpy(buf + 448, "a", 1);
	put32(buf + 448 + 64, 0);
	put32(buf + 536, 64);           /* task 0 pages */
	put32(buf + 540, 16);           /* task 1 pages */
	memcpy(buf + HDR_SIZE, data + 1, nrec * 24);
	return HDR_SIZE + nrec * 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[HDR_SIZE + 4096];
	char path[256], err[512];
	int ret;

	if (size && data[0] != 'Z' && size <= 4096)
		fuzz_write_file("in.zswa", buf, records_file(data, size, buf), path, sizeof(path));
	else
		fuzz_write_file("in.zswa", data, size, path, sizeof(path));
	err[0] = '\0';
	ret = access_open(&t, path, err, sizeof(err));
	fuzz_check_err(ret, err, sizeof(err));
	if (!ret) {
		check_accepted(&t);
		access_close(&t);
	}
	return 0;
}
