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
#include "models/zswap.h"
#include "traces/content_pool.h"

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
	int min_free_kbytes;       /* vm.min_free_kbytes (-1 = the kernel's formula) */
	unsigned watermark_scale_factor;   /* vm.watermark_scale_factor */
	unsigned reclaim_batch;    /* batch.reclaim_folios */
};

/* Where the tasks' time went, by category (simgrid; `none` has app only):
 * CPU work (app, fault, reclaim, compress and decompress including IAA
 * waits), waits for the LRU lock, for a locked folio or its write, memory.high
 * throttling, synchronous swap-device reads, and runqueue: the rest of the
 * tasks' elapsed time, when their cores were busy with other tasks or the
 * shrink worker. */
#define WL_TIME_LIST(X) X(app) X(fault) X(reclaim) X(compress) X(decompress) X(lock_wait) \
	X(folio_wait) X(throttle) X(disk_wait) X(runqueue)
enum wl_time {
#define WL_E(n) WL_TIME_##n,
	WL_TIME_LIST(WL_E)
#undef WL_E
	WL_TIME_COUNT
};
extern const char *const wl_time_names[WL_TIME_COUNT];

struct access_source;
struct access_record;
struct reclaim;
struct gen_kind;
struct gen_opt;

struct wl_buf;

/* A workload run's state, in struct sim. */
struct wl_run {
	struct access_source *src;
	struct content_pool pool;
	struct reclaim *rm;
	uint32_t slots;
	double dirty;
	int async_disk;            /* disk writes complete later (simgrid) */
	uint64_t swap_outs, swap_ins, oom_killed;
	/* per task: first and last record times, think time, seen */
	uint64_t *first_ns, *last_ns, *think_ns;
	uint64_t *end_ns;          /* simgrid: when each task finished (NULL for none) */
	uint8_t *seen;
	struct wl_buf *buf;        /* the `none` loop's records read ahead (workload.c) */
	double time_ns[WL_TIME_COUNT];   /* all tasks, by category */
	/* simgrid: the calling task's own time, ns, and where a swap-out's time
	 * goes (zswap_store() of one reclaim batch of nr_folios); NULL with none */
	double (*task_clock)(void);
	void (*store_done)(double ns, unsigned nr_folios);
	/* a generator's arguments and the option texts they point into */
	const struct gen_kind *gen_kind;
	void *gen_args;
	char **gen_text;
};

/* The generator option of kind k that workload member key names (NULL if
 * none); a content spec with its paths made relative to the config file. */
const struct gen_opt *cfg_workload_gen_opt(const struct gen_kind *k, const char *key);
int cfg_content_spec_join(const struct cfg *c, const char *spec, char *out, size_t len);

/* Set up the workload of s->cfg (content, compressor, zswap, reclaim). */
int workload_setup(struct sim *s, char *err, size_t errlen);
void workload_teardown(struct sim *s);
/* The `none` backend for a workload run. */
int workload_run_none(struct sim *s, char *err, size_t errlen);
/* The report's `workload` section, and each memcg's reclaim counters into
 * stats.memcg.<name>. */
void workload_report(const struct sim *s, json_t *root, json_t *memcgs);
/* Apply one access record to the model (both backends). */
int workload_apply(struct sim *s, const struct access_record *a, char *err, size_t errlen);
/* The number of tasks of a workload run. */
unsigned workload_tasks(const struct sim *s);
/* Full consistency check of a workload run: the reclaim model
 * (reclaim_check_invariants()), zswap (zswap_check_invariants()) and the two
 * against each other (a slot reclaim holds for a page that is out holds data;
 * a free slot holds none).  O(pages + slots): ZSWAPSIM_CHECK_EVERY_STEP runs
 * it after every record and at every yield of an actor. */
int workload_check(const struct sim *s, char *reason, size_t len);
/* One line for the run summary on stdout. */
void workload_summary(const struct sim *s, FILE *f);

#endif
