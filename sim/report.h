/* SPDX-License-Identifier: MIT */
/* The JSON report of a run (docs/report-schema.md). */
#ifndef ZSWAPSIM_REPORT_H
#define ZSWAPSIM_REPORT_H

#include <jansson.h>
#include "sim/sim.h"

#define REPORT_SCHEMA "zswapsim-report/1"

/* The runtime section: the only part that differs between two runs. */
struct report_runtime {
	double wall_s;         /* setup + replay */
	double replay_s;       /* the backend's run only */
	double replay_cpu_s;   /* ... its CPU time (user + system) */
	uint64_t events;       /* records replayed */
	uint64_t pages;        /* page events replayed */
	long peak_rss_kb;
	size_t bytes_per_slot; /* zswap model state per tracked swap slot */
	size_t bytes_per_page; /* workload runs: reclaim model state per task page (0: none) */
	double codec_s;        /* real compression during the replay */
	double timer_s;        /* timing those compressions (compressor_timer_seconds) */
	double codec_ahead_s;  /* compression on the ahead workers' threads (sim/codec_ahead.c) */
	uint64_t codec_ahead_pages; /* pages they compressed */
	uint64_t codec_ahead_used;  /* of those, pages the replay took over */
	unsigned codec_threads;     /* how many there were */
};
/* Original bytes of every page stored over the compressed bytes, 0 if none
 * (stats.compression.ratio, and the summary `zswapsim run` prints). */
double report_compression_ratio(const struct zswap_stats *st);

void report_add_runtime(json_t *rep, const struct report_runtime *r);

/* Write atomically: a temp file in the same directory, then rename, so a
 * failed run never leaves a half-written report.  Creates the directory. */
int report_write(const json_t *rep, const char *path, char *err, size_t errlen);

#endif
