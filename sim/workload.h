/* SPDX-License-Identifier: MIT */
/*
 * Workload runs: tasks touch pages and the reclaim model (models/reclaim.h)
 * decides, inside the simulation, what goes to zswap and when; zswap's
 * charges, writeback folios and the shrink worker feed back into reclaim.
 * A config with a `workload` section (instead of `trace`) makes one.
 *
 *   config (sim/cfg_workload.c) -> access source (traces/access_source.h:
 *   a file or a generator) -> reclaim model -> zswap model
 *
 * The `none` backend applies the records in global (time, task) order with
 * no time passing; the `simgrid` backend runs one actor per task.
 */
#ifndef ZSWAPSIM_WORKLOAD_H
#define ZSWAPSIM_WORKLOAD_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "models/memcg.h"

struct sim;
struct cfg;

/* The workload section and the kernel knobs of a workload run, translated
 * at load (sim/cfg_workload.c). */
struct cfg_workload {
	char kind[16];             /* usemem, zipf, selftest, file */
	char path[2048];           /* file: resolved path */
	int format;                /* enum access_format */
	uint64_t think_ns;         /* file formats without times */
	char columns[256];         /* CSV column mapping */
	uint64_t seed;             /* workload.seed, else the config's seed */
	uint64_t swap_bytes;       /* swap device; 0 = twice the tasks' pages */
	char content[2048];        /* content mix sources PATH[:W],... (file formats) */
	double zero, same, random, dirty;
	json_t *gen;               /* generator options (borrowed from the config) */
	enum memcg_version cgroup; /* system.cgroup */
	unsigned hz;               /* system.hz */
	unsigned swappiness;       /* vm.swappiness */
	unsigned page_cluster;     /* vm.page_cluster */
	unsigned reclaim_batch;    /* batch.reclaim_folios */
};

/* Set up the workload of s->cfg (content, compressor, zswap, reclaim). */
int workload_setup(struct sim *s, char *err, size_t errlen);
void workload_teardown(struct sim *s);
/* The `none` backend for a workload run. */
int workload_run_none(struct sim *s, char *err, size_t errlen);
/* The report's `workload` section, and each memcg's reclaim counters into
 * stats.memcg.<name>. */
void workload_report(const struct sim *s, json_t *root, json_t *memcgs);
/* One line for the run summary on stdout. */
void workload_summary(const struct sim *s, FILE *f);

#endif
