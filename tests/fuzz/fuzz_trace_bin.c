/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the binary trace reader.  trace_open() must accept the
 * file or return a negative errno with one line, and an accepted trace must
 * only hold records that pass trace_check_record().
 *
 * An input that starts with the magic is the whole .zswt file.  Any other
 * input is records only: a valid header (256 slots, 2 streams, memcgs root
 * and root/a, no page store) is put in front of the input's bytes after the
 * first, cut to whole 24-byte records, so the fuzzer spends its time in the
 * record checks instead of on the exact file size the header demands.
 * When the first byte has bit 7 set, the header varies too: the next 40
 * bytes replace the fixed fields from the version to the reserved word
 * (offsets 8..47), and with bit 6 the next 144 bytes replace the memcg table;
 * record_count is then set to the records that follow unless bit 5 is set,
 * so most varied headers still describe the file's size.
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

#define HDR_SIZE (320 + 2 * 72)   /* docs/trace-format.md: fixed header + 2 memcgs */

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));   /* little-endian hosts only, as the reader */
}

#define VARY_FIELDS 40
#define VARY_MEMCGS (2 * 72)

/* The header of a records-only input, byte by byte from the format doc. */
static size_t records_file(const uint8_t *data, size_t size, uint8_t *buf)
{
	size_t skip = 1, fields = 0, memcgs = 0;
	uint64_t nrec;

	if (size && (data[0] & 0x80)) {
		fields = size > skip + VARY_FIELDS ? VARY_FIELDS : 0;
		skip += fields;
		if ((data[0] & 0x40) && size > skip + VARY_MEMCGS) {
			memcgs = skip;
			skip += VARY_MEMCGS;
		}
	}
	nrec = size > skip ? (size - skip) / 24 : 0;

	memset(buf, 0, HDR_SIZE);
	memcpy(buf, "ZSWTRACE", 8);
	put32(buf + 8, 1);              /* version */
	put32(buf + 12, HDR_SIZE);      /* header_size */
	put32(buf + 16, 24);            /* record_size */
	put32(buf + 20, 4096);          /* page_size */
	memcpy(buf + 24, &nrec, 8);     /* record_count */
	put32(buf + 32, 256);           /* slot_count */
	put32(buf + 36, 2);             /* stream_count */
	put32(buf + 40, 2);             /* memcg_count */
	memcpy(buf + 320, "root", 4);
	put32(buf + 320 + 64, (uint32_t)-1);
	memcpy(buf + 392, "a", 1);
	put32(buf + 392 + 64, 0);
	if (fields) {
		memcpy(buf + 8, data + 1, VARY_FIELDS);
		if (!(data[0] & 0x20))
			memcpy(buf + 24, &nrec, 8);
	}
	if (memcgs)
		memcpy(buf + 320, data + memcgs, VARY_MEMCGS);
	memcpy(buf + HDR_SIZE, data + skip, nrec * 24);
	return HDR_SIZE + nrec * 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[HDR_SIZE + 4096];
	char path[256], err[512];
	int ret;

	if (size && data[0] != 'Z' && size <= 4096)
		fuzz_write_file("in.zswt", buf, records_file(data, size, buf), path, sizeof(path));
	else
		fuzz_write_file("in.zswt", data, size, path, sizeof(path));
	err[0] = '\0';
	ret = trace_open(&t, path, err, sizeof(err));
	fuzz_check_err(ret, err, sizeof(err));
	if (!ret) {
		check_accepted(&t);
		trace_close(&t);
	}
	return 0;
}
