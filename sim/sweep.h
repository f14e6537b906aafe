/* SPDX-License-Identifier: MIT */
/*
 * Sweeps: a base config, axes of config values, and the metrics to collect
 * (docs/sweeps.md).  sim/sweep_plan.c expands a sweep file into points and
 * builds the summary from the points' reports; sim/sweep.c (`zswapsim sweep`)
 * runs the points, one `zswapsim run` process each, or emits them as a Slurm
 * job array or a GNU parallel job list.
 *
 * Output layout (DIR):
 *   plan.json                   the expanded points (ids, overrides, config hashes, input checksums)
 *   traces/<kind>-<checksum>/   traces generated from the sweep's "trace_gen" (content-addressed)
 *   points/<id>/point.json      one point: its axis values and --set overrides
 *   points/<id>/report.json     its report, written atomically by `zswapsim run`
 *   points/<id>/stderr.txt      what the run printed on stderr (errors)
 *   summary.json, summary.csv   one row per point: axis values and metrics
 *   summary-groups.csv          with repetitions: mean, min, max, 95 % CI per metric and group
 * A point is done when its report exists and records the point's inputs: the
 * hash of the effective config (base chain, "set" and axis values) and the
 * checksums of the trace and of its page store.  A changed base config, trace
 * or page store reruns it; a finished point is never rerun.
 */
#ifndef ZSWAPSIM_SWEEP_H
#define ZSWAPSIM_SWEEP_H

#include <stddef.h>
#include <jansson.h>

#include "traces/outfile.h"

struct cfg;

#define SWEEP_SUMMARY_SCHEMA "zswapsim-sweep/1"
#define SWEEP_PLAN_SCHEMA    "zswapsim-sweep-plan/1"
#define SWEEP_MAX_POINTS     100000

struct sweep_point {
	char id[48];            /* "<index>-<8 hex of the axis values' hash>" */
	json_t *axes;           /* {key: value} of this point (config keys, trace_gen.* keys) */
	char **overrides;       /* "key=<compact JSON>": "set", axes, then a generated trace.path */
	size_t noverrides;
	json_t *gen;            /* trace_gen options of this point, NULL without trace_gen */
	char config_hash[17];   /* of the effective config, as in a report */
	char trace_checksum[17];       /* of its trace (sweep_plan_prepare), as in a report */
	char page_store_checksum[17];  /* of the trace's page store, "" when it has none */
};

struct sweep_plan {
	char sweep[1024];       /* the sweep file, as given */
	char base[1024];        /* the base config, relative to the working directory */
	char dir[1024];         /* the sweep file's directory (its relative paths' origin) */
	json_t *axes;           /* [key, ...] in axis order, the repetition keys last */
	json_t *repeat_keys;    /* [key, ...] the repetitions vary ([] without repetitions) */
	json_t *metrics;        /* [dotted report path, ...] */
	json_t *base_config;    /* effective config of the base with the fixed overrides */
	int workload;           /* the base is a workload run (a workload section) */
	json_t *trace_gen;      /* {"kind": K, "options": {...}} with paths resolved, or NULL */
	struct sweep_point *points;
	size_t npoints;
};

/* Expand a sweep file: validates the file and every point's config (errors
 * name the sweep file, the point and the key).  0, -ENOENT or -EINVAL. */
int sweep_plan_load(struct sweep_plan *p, const char *path, char *err, size_t errlen);
/* A point's axis values as "key=value key=value" (for messages). */
void sweep_point_describe(const struct sweep_point *pt, char *buf, size_t len);

/* Load the effective config of a point (the base with its overrides) and
 * set its config_hash; errors name the sweep file and the point. */
int sweep_point_config(const struct sweep_plan *p, struct sweep_point *pt, struct cfg *cfg,
		       char *err, size_t errlen);

/* The pre-pass before anything runs (sim/sweep_prepare.c): generate the
 * traces of "trace_gen" into DIR/traces (running `self trace gen`), then
 * check every point's whole setup as `zswapsim run` would build it (trace
 * and page store, memcgs, policies and their parameters, hw) and record the
 * checksums of its inputs.  0, -EINVAL (bad input: exit 2) or another
 * negative errno, with one line naming the point and the resolved path. */
/* An interrupt during it (SIGINT, SIGTERM, SIGHUP) is passed on to the
 * generator running and ends it with -EINTR, scratch files removed;
 * sweep_prepare_signal() is then the signal. */
int sweep_prepare_signal(void);
int sweep_plan_prepare(struct sweep_plan *p, const char *dir, const char *self,
		       char *err, size_t errlen);
/* Write DIR/plan.json and DIR/points/<id>/point.json for every point. */
int sweep_plan_write(const struct sweep_plan *p, const char *dir, char *err, size_t errlen);
/* Read DIR/plan.json back (for --collect). */
int sweep_plan_read(struct sweep_plan *p, const char *dir, char *err, size_t errlen);
void sweep_plan_free(struct sweep_plan *p);

/* DIR/points/<id>/<file> into buf. */
void sweep_point_path(const char *dir, const struct sweep_point *pt, const char *file,
		      char *buf, size_t len);

/* Is the point finished: a report of the point's config and inputs? */
int sweep_point_done(const char *dir, const struct sweep_point *pt);

/* A point's report.json, read only when it is a regular file. */
enum sweep_report_state {
	SWEEP_REPORT_OK,        /* a report of the point's config and inputs */
	SWEEP_REPORT_MISSING,   /* no report.json */
	SWEEP_REPORT_CORRUPT,   /* not a regular file, not JSON, or not a report */
	SWEEP_REPORT_STALE,     /* a report of another config or other inputs */
};
/* The state of the point's report and, unless OK or MISSING, why (into why);
 * *rep gets the report (new reference) when rep is not NULL and it is OK. */
enum sweep_report_state sweep_point_report(const char *dir, const struct sweep_point *pt,
					   json_t **rep, char *why, size_t whylen);

/* The git revision of the build that made a finished point's report;
 * -ENOENT when the point is not finished. */
int sweep_point_git_rev(const char *dir, const struct sweep_point *pt, char *buf, size_t len);

/* The last non-empty line of the point's stderr.txt into buf ("" if none). */
void sweep_point_error(const char *dir, const struct sweep_point *pt, char *buf, size_t len);

/* Build the summary from the reports found in DIR (sim/sweep_summary.c);
 * nok and nbad count the finished points and the others (failed, missing,
 * corrupt or stale).  With repetitions it has "groups": per combination of
 * the other axes, n, mean, min, max, stddev and a 95 % confidence interval
 * of every metric over the finished repetitions. */
json_t *sweep_summary(const struct sweep_plan *p, const char *dir, size_t *nok, size_t *nbad);

/* Write DIR/summary.json, DIR/summary.csv and, with groups,
 * DIR/summary-groups.csv atomically. */
int sweep_summary_write(const json_t *summary, const char *dir, char *err, size_t errlen);

/* A number in the shortest form that reads back to the same double
 * ("2178.13208008", not "2178.1320800799999"). */
void sweep_format_double(double v, char *buf, size_t len);

/* Read a JSON file only when it is a regular file (a FIFO would block):
 * NULL with *ret -ENOENT (missing), -EINVAL (not a regular file, or bad
 * JSON: the reason in err). */
json_t *sweep_read_json(const char *path, int *ret, char *err, size_t errlen);

/* Write the JSON document doc (and a newline) to path atomically
 * (outfile_write_text()). */
int sweep_write_json(const char *path, const json_t *doc, char *err, size_t errlen);

/* mkdir -p */
int sweep_mkdirs(const char *path, char *err, size_t errlen);

#endif
