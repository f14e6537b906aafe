/* SPDX-License-Identifier: MIT */
/*
 * make bench: how fast an access source delivers records.
 *
 *     bench_access FORMAT FILE [THINK_NS]
 *
 * Opens FILE as FORMAT (zswapsim, oracleGeneral, csv) three times and pulls
 * every record in global order (access_source_next(), what a `none` workload
 * run does); prints the best of the three as key=value lines:
 * access_open_s (open and validate, the oracleGeneral id -> page pass),
 * access_next_ns_per_record and access_records_per_s (the pulls alone).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "traces/access_source.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	struct access_file_opts o = { .think_ns = argc > 3 ? strtoull(argv[3], NULL, 10) : 1000 };
	double best_open = 1e30, best_next = 1e30;
	uint64_t n = 0, sum = 0;
	int fmt = argc > 2 ? access_format_parse(argv[1]) : -1;

	if (fmt < 0) {
		fprintf(stderr, "usage: bench_access zswapsim|oracleGeneral|csv FILE [THINK_NS]\n");
		return 2;
	}
	for (int rep = 0; rep < 3; rep++) {
		struct access_source *src;
		struct access_record r;
		char err[1024];
		double t0 = now(), t1, t2;
		int ret;

		if (access_source_open(&src, argv[2], (enum access_format)fmt, &o, err,
				       sizeof(err))) {
			fprintf(stderr, "bench_access: %s\n", err);
			return 2;
		}
		t1 = now();
		n = 0;
		while ((ret = access_source_next(src, &r)) == 1) {
			n++;
			sum += r.vpage;   /* use the record, so the loop is not optimised away */
		}
		t2 = now();
		if (ret < 0) {
			fprintf(stderr, "bench_access: %s\n", access_source_error(src));
			return 1;
		}
		access_source_close(src);
		best_open = t1 - t0 < best_open ? t1 - t0 : best_open;
		best_next = t2 - t1 < best_next ? t2 - t1 : best_next;
	}
	printf("access_records=%llu\n", (unsigned long long)n);
	printf("access_open_s=%.3f\n", best_open);
	printf("access_next_ns_per_record=%.2f\n", n ? best_next / (double)n * 1e9 : 0);
	printf("access_records_per_s=%.0f\n", best_next > 0 ? (double)n / best_next : 0);
	fprintf(stderr, "(checksum of pages %llu)\n", (unsigned long long)sum);
	return 0;
}
