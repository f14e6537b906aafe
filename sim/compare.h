/* SPDX-License-Identifier: MIT */
/*
 * Metric-by-metric comparison of two zswapsim reports or two sweep summaries
 * (the engine of `zswapsim compare`, sim/compare.c; docs/regression.md).
 *
 * Both documents are flattened to dotted keys ("stats.global.zswpout",
 * "timeseries.stored_pages[3]", "latency.load.p99_ns").  Each key gets a
 * tolerance: the longest glob of the tolerance file that matches it, else the
 * default for its section:
 *   stats.*, timeseries.*          exact with the none backend, else default_rel
 *   latency.*, hardware.*, streams.*, simgrid.*, elapsed_ns   default_rel (2 %)
 *   anything else                  exact
 *   runtime.*, tool.*, schema      ignored
 *   config, config_hash, trace.*, simgrid.version   not compared; a difference is a warning
 * A key present only in BASE fails (a metric disappeared); a key present only
 * in NEW is a warning (a metric was added).  A comparison of no key fails.
 */
#ifndef ZSWAPSIM_COMPARE_H
#define ZSWAPSIM_COMPARE_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#define CMP_DEFAULT_REL 0.02

struct cmp_rule {
	char *glob;          /* '*' any run of characters, '?' one character */
	double rel, abs;     /* symmetric: pass when |new-old| <= abs or <= rel*|old| */
	double max_inc;      /* one-sided: pass when new-old <= max_inc*|old| (-1: unbounded) */
	double max_dec;      /* one-sided: pass when old-new <= max_dec*|old| (-1: unbounded) */
	int ignore;
};

struct cmp_tolerance {
	struct cmp_rule *rules;
	size_t n;
	double default_rel;  /* for timing sections (and counters off the none backend) */
	char *path;          /* the tolerance file (for messages), NULL for the defaults */
};

/* One compared key whose value moved (within tolerance or not). */
struct cmp_row {
	char *key;
	char *old_text, *new_text;   /* values as printed ("-" when absent) */
	double old, new;             /* numeric values (when both are numbers) */
	int numeric;
	int fail;
	char tol[48];                 /* "exact", "rel 2%", "abs 10", "missing" */
};

struct cmp_result {
	struct cmp_row *rows;
	size_t nrows, cap;
	size_t compared;             /* keys compared */
	size_t failed;               /* rows outside tolerance */
	char **warnings;
	size_t nwarnings, wcap;
};

/* Tolerances: defaults only (path NULL) or a tolerance file (JSON object
 * mapping globs to {"rel": x}, {"abs": y}, both, {"max_increase": x},
 * {"max_decrease": y}, both, or {"ignore": true}).
 * 0 or -ENOENT/-EINVAL with one line in err. */
int cmp_tolerance_load(struct cmp_tolerance *t, const char *path, char *err, size_t errlen);
void cmp_tolerance_free(struct cmp_tolerance *t);

/* The tolerance rule for a key (the longest glob matching key, or alt when
 * alt is not NULL: a summary key "<id>:path" matches by itself or by path)
 * or NULL. */
const struct cmp_rule *cmp_tolerance_rule(const struct cmp_tolerance *t, const char *key,
					  const char *alt);

/* Does key match glob ('*' and '?' only; '.' and '[' are ordinary characters)? */
int cmp_glob_match(const char *glob, const char *key);

/* Load a report or a sweep summary; -ENOENT/-EINVAL with one line in err. */
int cmp_load_document(const char *path, json_t **out, char *err, size_t errlen);

/* Compare two loaded documents of the same kind.  0, or -EINVAL with one line
 * in err when they are not comparable: a report against a summary, schemas
 * that differ (unless allow_schema_change), or a tolerance rule that matches
 * no key of either document (a typo would otherwise pass silently). */
int cmp_documents(json_t *base, json_t *new, const struct cmp_tolerance *t,
		  int allow_schema_change, struct cmp_result *res, char *err, size_t errlen);
void cmp_result_free(struct cmp_result *res);

/* The table of moved metrics (failures first, at most max_rows; 0 = all),
 * the warnings, and a one-line verdict. */
void cmp_print(const struct cmp_result *res, FILE *f, size_t max_rows);

#endif
