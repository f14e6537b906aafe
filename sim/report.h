/* SPDX-License-Identifier: MIT */
/* The JSON report of a run (docs/report-schema.md). */
#ifndef ZSWAPSIM_REPORT_H
#define ZSWAPSIM_REPORT_H

#include <jansson.h>
#include "sim/sim.h"

#define REPORT_SCHEMA "zswapsim-report/1"

/* The runtime section: the only part that differs between two runs. */
void report_add_runtime(json_t *rep, double wall_s, uint64_t events, long peak_rss_kb);

/* Write atomically: a temp file in the same directory, then rename, so a
 * failed run never leaves a half-written report.  Creates the directory. */
int report_write(const json_t *rep, const char *path, char *err, size_t errlen);

#endif
