/* SPDX-License-Identifier: MIT */
/*
 * Sweeps: a base config, axes of config values, and the metrics to collect
 * (docs/sweeps.md).  sim/sweep_plan.c expands a sweep file into points and
 * builds the summary from the points' reports; sim/sweep.c (`zswapsim sweep`)
 * runs the points, one `zswapsim run` process each, or emits them as a Slurm
 * job array or a GNU parallel job list.
 *
 * Output layout (DIR):
 *   plan.json                   the expanded points (ids, overrides, config hashes)
 *   points/<id>/point.json      one point: its axis values and --set overrides
 *   points/<id>/report.json     its report, written atomically by `zswapsim run`
 *   points/<id>/stderr.txt      what the run printed on stderr (errors)
 *   summary.json, summary.csv   one row per point: axis values and metrics
 * A point is done when its report exists and the report's config_hash is the
 * hash of the point's effective config: a changed base config or binary
 * default reruns it, a finished point is never rerun.
 */
#ifndef ZSWAPSIM_SWEEP_H
#define ZSWAPSIM_SWEEP_H

#include <stddef.h>
#include <jansson.h>

#define SWEEP_SUMMARY_SCHEMA "zswapsim-sweep/1"
#define SWEEP_PLAN_SCHEMA    "zswapsim-sweep-plan/1"
#define SWEEP_MAX_POINTS     100000

struct sweep_point {
	char id[48];            /* "<index>-<8 hex of the overrides' hash>" */
	json_t *axes;           /* {config key: value} of this point */
	char **overrides;       /* "key=<compact JSON>", the fixed "set" ones first */
	size_t noverrides;
	char config_hash[17];   /* of the effective config, as in a report */
};

struct sweep_plan {
	char sweep[1024];       /* the sweep file, as given */
	char base[1024];        /* the base config, relative to the working directory */
	json_t *axes;           /* [config key, ...] in axis order */
	json_t *metrics;        /* [dotted report path, ...] */
	json_t *base_config;    /* effective config of the base with the fixed overrides */
	struct sweep_point *points;
	size_t npoints;
};

/* Expand a sweep file: validates the file and every point's config (errors
 * name the sweep file, the point and the key).  0, -ENOENT or -EINVAL. */
int sweep_plan_load(struct sweep_plan *p, const char *path, char *err, size_t errlen);
/* Write DIR/plan.json and DIR/points/<id>/point.json for every point. */
int sweep_plan_write(const struct sweep_plan *p, const char *dir, char *err, size_t errlen);
/* Read DIR/plan.json back (for --collect). */
int sweep_plan_read(struct sweep_plan *p, const char *dir, char *err, size_t errlen);
void sweep_plan_free(struct sweep_plan *p);

/* DIR/points/<id>/<file> into buf. */
void sweep_point_path(const char *dir, const struct sweep_point *pt, const char *file,
		      char *buf, size_t len);

/* Is the point finished: a report whose config_hash is the point's? */
int sweep_point_done(const char *dir, const struct sweep_point *pt);

/* The git revision of the build that made a finished point's report;
 * -ENOENT when the point is not finished. */
int sweep_point_git_rev(const char *dir, const struct sweep_point *pt, char *buf, size_t len);

/* The last non-empty line of the point's stderr.txt into buf ("" if none). */
void sweep_point_error(const char *dir, const struct sweep_point *pt, char *buf, size_t len);

/* Build the summary from the reports found in DIR; nok and nbad count the
 * finished points and the others (failed, missing or stale). */
json_t *sweep_summary(const struct sweep_plan *p, const char *dir, size_t *nok, size_t *nbad);

/* Write DIR/summary.json and DIR/summary.csv atomically. */
int sweep_summary_write(const json_t *summary, const char *dir, char *err, size_t errlen);

/* Write text to path atomically: "<path>.tmp.<pid>", then rename (a killed
 * point's leftover report.json.tmp.* is removed by the sweep). */
int sweep_write_file(const char *path, const char *text, char *err, size_t errlen);
/* mkdir -p */
int sweep_mkdirs(const char *path, char *err, size_t errlen);

#endif
