/* SPDX-License-Identifier: MIT */
/*
 * The summary of a sweep: one row per point (its axis values, status and
 * metrics), and with repetitions one group per combination of the other
 * axes: n, mean, min, max, standard deviation and a 95 % confidence interval
 * (Student's t) of every metric over the group's finished points.
 */
#include "sim/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

/* The value at a dotted path ("stats.global.zswpout") of a report, or NULL.
 * A report key may itself hold a dot (stats.memcg.<name>.zswap.current, the
 * kernel's file name), so at each level the longest key that matches a
 * prefix of the rest of the path wins. */
static json_t *report_value(json_t *rep, const char *dotted)
{
	if (!*dotted || !json_is_object(rep))
		return NULL;
	json_t *v = json_object_get(rep, dotted);
	if (v)
		return v;
	for (const char *dot = strrchr(dotted, '.'); dot; ) {
		char key[512];
		size_t n = (size_t)(dot - dotted);
		if (n < sizeof(key)) {
			memcpy(key, dotted, n);
			key[n] = 0;
			json_t *sub = report_value(json_object_get(rep, key), dot + 1);
			if (sub)
				return sub;
		}
		while (--dot > dotted && *dot != '.')
			;
		if (dot <= dotted)
			break;
	}
	return NULL;
}

static const char *const state_name[] = {
	[SWEEP_REPORT_OK] = "ok", [SWEEP_REPORT_MISSING] = "missing",
	[SWEEP_REPORT_CORRUPT] = "corrupt", [SWEEP_REPORT_STALE] = "stale",
};

static json_t *point_row(const struct sweep_plan *p, const char *dir, const struct sweep_point *pt,
			 int *ok)
{
	char why[2600], msg[1024];
	json_t *row = json_pack("{s:s, s:O}", "id", pt->id, "axes", pt->axes);
	json_t *rep, *metrics = json_object();
	enum sweep_report_state st = sweep_point_report(dir, pt, &rep, why, sizeof(why));
	const char *status = state_name[st];
	*ok = st == SWEEP_REPORT_OK;
	if (*ok) {
		size_t i;
		json_t *m;
		json_array_foreach(p->metrics, i, m) {
			json_t *v = report_value(rep, json_string_value(m));
			json_object_set(metrics, json_string_value(m), v ? v : json_null());
		}
	} else if (st == SWEEP_REPORT_MISSING) {
		/* a run that failed leaves no report and says why on its stderr */
		sweep_point_error(dir, pt, msg, sizeof(msg));
		status = msg[0] ? "failed" : status;
		snprintf(why, sizeof(why), "%s", msg[0] ? msg : "no report.json");
	}
	json_object_set_new(row, "status", json_string(status));
	if (!*ok)
		json_object_set_new(row, "error", json_string(why));
	json_object_set_new(row, "metrics", metrics);
	json_decref(rep);
	return row;
}

/* ---- groups of repetitions --------------------------------------------------- */

/* Is key one of the repetition keys? */
static int is_repeat_key(const struct sweep_plan *p, const char *key)
{
	size_t i;
	json_t *k;
	json_array_foreach(p->repeat_keys, i, k)
		if (!strcmp(json_string_value(k), key))
			return 1;
	return 0;
}

/* {n, mean, min, max, stddev, ci95: [low, high]} of the numbers in xs;
 * stddev and ci95 are null for fewer than two. */
static json_t *stats_of(const double *xs, size_t n)
{
	double sum = 0, lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		sum += xs[i];
		lo = fmin(lo, xs[i]);
		hi = fmax(hi, xs[i]);
	}
	if (!n)
		return json_pack("{s:i, s:n, s:n, s:n, s:n, s:n}", "n", 0, "mean", "min", "max",
				 "stddev", "ci95");
	double mean = sum / (double)n;
	json_t *o = json_pack("{s:I, s:f, s:f, s:f}", "n", (json_int_t)n, "mean", mean, "min", lo,
			      "max", hi);
	if (n < 2) {
		json_object_set_new(o, "stddev", json_null());
		json_object_set_new(o, "ci95", json_null());
		return o;
	}
	double ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (xs[i] - mean) * (xs[i] - mean);
	double sd = sqrt(ss / (double)(n - 1));
	double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
	json_object_set_new(o, "stddev", json_real(sd));
	json_object_set_new(o, "ci95", json_pack("[f, f]", mean - half, mean + half));
	return o;
}

/* One group per combination of the non-repetition axes, in the order of the
 * points; the statistics are over its points whose status is ok. */
static json_t *summary_groups(const struct sweep_plan *p, json_t *rows)
{
	json_t *groups = json_array(), *index = json_object();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		json_t *axes = json_object(), *all = json_object_get(row, "axes");
		const char *k;
		json_t *v;
		json_object_foreach(all, k, v)
			if (!is_repeat_key(p, k))
				json_object_set(axes, k, v);
		char *key = json_dumps(axes, JSON_COMPACT | JSON_SORT_KEYS);
		json_t *g = key ? json_object_get(index, key) : NULL;
		if (key && !g) {
			g = json_pack("{s:o, s:[]}", "axes", json_incref(axes), "points");
			json_array_append_new(groups, g);
			json_object_set(index, key, g);
		}
		free(key);
		json_decref(axes);
		if (g)
			json_array_append(json_object_get(g, "points"), row);
	}
	json_decref(index);
	json_t *g;
	json_array_foreach(groups, i, g) {
		json_t *pts = json_object_get(g, "points"), *ids = json_array(), *stats = json_object();
		size_t n = json_array_size(pts), j, m;
		double *xs = calloc(n + 1, sizeof(*xs));
		json_t *metric;
		json_array_foreach(p->metrics, m, metric) {
			size_t k = 0;
			json_array_foreach(pts, j, row) {
				json_t *v = json_object_get(json_object_get(row, "metrics"),
							    json_string_value(metric));
				if (xs && json_is_number(v) &&
				    !strcmp(json_string_value(json_object_get(row, "status")), "ok"))
					xs[k++] = json_number_value(v);
			}
			json_object_set_new(stats, json_string_value(metric), stats_of(xs, xs ? k : 0));
		}
		free(xs);
		json_array_foreach(pts, j, row)
			json_array_append(ids, json_object_get(row, "id"));
		json_object_set_new(g, "points", ids);
		json_object_set_new(g, "metrics", stats);
	}
	return groups;
}

json_t *sweep_summary(const struct sweep_plan *p, const char *dir, size_t *nok, size_t *nbad)
{
	json_t *points = json_array();
	*nok = *nbad = 0;
	for (size_t i = 0; i < p->npoints; i++) {
		int ok;
		json_array_append_new(points, point_row(p, dir, &p->points[i], &ok));
		(*(ok ? nok : nbad))++;
	}
	json_t *s = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O, s:O}", "schema", SWEEP_SUMMARY_SCHEMA,
			      "sweep", p->sweep, "base", p->base, "axes", p->axes,
			      "repeat_keys", p->repeat_keys, "metrics", p->metrics,
			      "base_config", p->base_config);
	if (!s) {
		json_decref(points);
		return NULL;
	}
	if (p->trace_gen)
		json_object_set(s, "trace_gen", p->trace_gen);
	json_object_set_new(s, "points", points);
	if (json_array_size(p->repeat_keys))
		json_object_set_new(s, "groups", summary_groups(p, points));
	return s;
}

/* ---- CSV -------------------------------------------------------------------------- */

void sweep_format_double(double v, char *buf, size_t len)
{
	/* plain decimals where they are readable: the fewest that read back */
	if (isfinite(v) && (v == 0 || (fabs(v) >= 1e-4 && fabs(v) < 1e16)))
		for (int decimals = 0; decimals <= 20; decimals++) {
			snprintf(buf, len, "%.*f", decimals, v);
			if (strtod(buf, NULL) == v)
				return;
		}
	/* else the shortest exponent form that reads back */
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* One CSV field: numbers and booleans as they are (reals in their shortest
 * round-trip form), text quoted when needed. */
static void csv_field(FILE *f, json_t *v, int first)
{
	if (!first)
		fputc(',', f);
	if (!v || json_is_null(v))
		return;
	char num[40];
	if (json_is_real(v)) {
		sweep_format_double(json_real_value(v), num, sizeof(num));
		fputs(num, f);
		return;
	}
	char *text = json_is_string(v) ? strdup(json_string_value(v))
				       : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	if (!text)
		return;
	if (strpbrk(text, ",\"\n\r")) {
		fputc('"', f);
		for (const char *c = text; *c; c++) {
			if (*c == '"')
				fputc('"', f);
			fputc(*c, f);
		}
		fputc('"', f);
	} else {
		fputs(text, f);
	}
	free(text);
}

static char *summary_csv(const json_t *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	json_t *axes = json_object_get(s, "axes"), *metrics = json_object_get(s, "metrics"), *v, *row;
	size_t i, j;
	fputs("id,status", f);
	json_array_foreach(axes, i, v)
		csv_field(f, v, 0);
	json_array_foreach(metrics, i, v)
		csv_field(f, v, 0);
	fputs(",error\n", f);
	json_array_foreach(json_object_get(s, "points"), j, row) {
		csv_field(f, json_object_get(row, "id"), 1);
		csv_field(f, json_object_get(row, "status"), 0);
		json_array_foreach(axes, i, v)
			csv_field(f, json_object_get(json_object_get(row, "axes"), json_string_value(v)), 0);
		json_array_foreach(metrics, i, v)
			csv_field(f, json_object_get(json_object_get(row, "metrics"), json_string_value(v)), 0);
		csv_field(f, json_object_get(row, "error"), 0);
		fputc('\n', f);
	}
	fclose(f);
	return buf;
}

/* summary-groups.csv: the group's axis values, then per metric
 * n, mean, min, max, ci95_low, ci95_high. */
static char *groups_csv(const json_t *s)
{
	static const char *const cols[] = { "n", "mean", "min", "max", "ci95_low", "ci95_high" };
	char *buf = NULL, head[600];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	json_t *groups = json_object_get(s, "groups"), *metrics = json_object_get(s, "metrics");
	json_t *first = json_object_get(json_array_get(groups, 0), "axes"), *v, *g, *m;
	const char *k;
	size_t i, j;
	int col = 0;
	json_object_foreach(first, k, v) {
		json_t *name = json_string(k);
		csv_field(f, name, !col++);
		json_decref(name);
	}
	json_array_foreach(metrics, i, m)
		for (size_t c = 0; c < 6; c++) {
			snprintf(head, sizeof(head), "%s:%s", json_string_value(m), cols[c]);
			json_t *name = json_string(head);
			csv_field(f, name, !col++);
			json_decref(name);
		}
	fputc('\n', f);
	json_array_foreach(groups, j, g) {
		col = 0;
		json_object_foreach(first, k, v)
			csv_field(f, json_object_get(json_object_get(g, "axes"), k), !col++);
		json_array_foreach(metrics, i, m) {
			json_t *st = json_object_get(json_object_get(g, "metrics"), json_string_value(m));
			json_t *ci = json_object_get(st, "ci95");
			json_t *vals[6] = { json_object_get(st, "n"), json_object_get(st, "mean"),
					    json_object_get(st, "min"), json_object_get(st, "max"),
					    json_array_get(ci, 0), json_array_get(ci, 1) };
			for (size_t c = 0; c < 6; c++)
				csv_field(f, vals[c], !col++);
		}
		fputc('\n', f);
	}
	fclose(f);
	return buf;
}

static int write_csv(const char *dir, const char *name, char *csv, char *err, size_t errlen)
{
	char path[2048];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!csv) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	int r = outfile_write_text(path, csv, err, errlen);
	free(csv);
	return r;
}

int sweep_summary_write(const json_t *summary, const char *dir, char *err, size_t errlen)
{
	char path[2048];
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	int r = sweep_write_json(path, summary, err, errlen);
	if (!r)
		r = write_csv(dir, "summary.csv", summary_csv(summary), err, errlen);
	if (!r && json_object_get(summary, "groups"))
		r = write_csv(dir, "summary-groups.csv", groups_csv(summary), err, errlen);
	return r;
}
