/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the CSV access reader.  An input whose first line starts
 * with '@' gives the column mapping on that line ("@vpage=page,op=kind"); the
 * rest is the CSV file.  The reader must accept the file or return a negative
 * errno with one line; an accepted file must give every record in the
 * per-task orders and in global order, each valid for the meta it derived.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz_input.h"
#include "traces/access_source.h"

static void check_accepted(struct access_source *src)
{
	const struct access_meta *m = access_source_meta(src);
	struct access_check c;
	struct access_record r;
	char reason[256];
	uint64_t n = 0;
	int ret;

	if (access_check_init(&c, m))
		abort();
	while ((ret = access_source_next(src, &r)) == 1) {
		n++;
		if (access_check_record(&c, &r, reason, sizeof(reason)) || !c.global_order) {
			fprintf(stderr, "record %llu: %s\n", (unsigned long long)n,
				c.global_order ? reason : "out of global order");
			abort();
		}
	}
	if (ret || n != access_source_records(src)) {
		fprintf(stderr, "%llu records of %llu: %s\n", (unsigned long long)n,
			(unsigned long long)access_source_records(src), access_source_error(src));
		abort();
	}
	access_check_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct access_file_opts o = { .think_ns = 10 };
	struct access_source *src;
	char path[256], err[512], map[256];
	size_t skip = 0;
	int ret;

	if (size && data[0] == '@') {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t n = nl ? (size_t)(nl - data) : size;

		if (n - 1 >= sizeof(map))
			return 0;
		memcpy(map, data + 1, n - 1);
		map[n - 1] = '\0';
		if (strlen(map) != n - 1)
			return 0;   /* a NUL inside the mapping: not a C string */
		o.csv_columns = map;
		skip = nl ? n + 1 : n;
	}
	fuzz_write_file("in.csv", data + skip, size - skip, path, sizeof(path));
	err[0] = '\0';
	ret = access_source_open(&src, path, ACCESS_FMT_CSV, &o, err, sizeof(err));
	fuzz_check_err(ret, err, sizeof(err));
	if (!ret) {
		check_accepted(src);
		access_source_close(src);
	}
	return 0;
}
