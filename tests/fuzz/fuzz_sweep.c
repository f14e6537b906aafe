/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the sweep file (sweep_plan_load()).  The input is the
 * sweep file; its base may be base.json (a small config replaying t.txt) in
 * the same directory.  Checked:
 *  - a rejected sweep is a negative errno with one line;
 *  - an accepted one has at most SWEEP_MAX_POINTS points with distinct ids,
 *    each with a config hash;
 *  - its plan, written as plan.json (sweep_plan_write) and read back as
 *    `sweep --collect` does (sweep_plan_read), has the same points: ids,
 *    config hashes and overrides.
 * A sweep of more than MAX_POINTS points (axes' values x repetitions, as the
 * harness counts them before loading) is skipped: loading is linear in the
 * points (one config each; 80,000 points take 13 s of CPU without the
 * sanitizers), which a valid sweep may ask for, and the smoke test's 20 s
 * limit per input would fail on it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/sweep.h"
#include "tests/fuzz/fuzz_input.h"

static const char base_json[] =
	"{ \"trace\": { \"path\": \"t.txt\" }, \"timing\": { \"backend\": \"none\" },\n"
	"  \"system\": { \"ram\": \"64MiB\" }, \"memcg\": { \"app\": { \"zswap_max\": \"max\" } } }\n";
static const char trace_txt[] =
	"zswapsim-trace 1\nslot_count 64\nstream_count 2\nmemcg 0 root -1\nmemcg 1 app 0\n"
	"100 out 0 0 0 1 1200 hint\n200 in 0 0 0 1 0 -\n";

#define MAX_POINTS 2000

/* The points the sweep file would have, roughly: the product over the axes
 * of their longest array member, times the repetitions. */
static int too_many_points(const uint8_t *data, size_t size)
{
	json_t *s = json_loadb((const char *)data, size, 0, NULL), *ax, *v;
	double n = 1;
	size_t i;
	const char *k;

	if (!s)
		return 0;
	json_array_foreach(json_object_get(s, "axes"), i, ax) {
		size_t m = 1;

		json_object_foreach(ax, k, v)
			if (json_is_array(v) && json_array_size(v) > m)
				m = json_array_size(v);
		n *= (double)m;
	}
	if (json_is_integer(json_object_get(s, "repetitions")) &&
	    json_integer_value(json_object_get(s, "repetitions")) > 1)
		n *= (double)json_integer_value(json_object_get(s, "repetitions"));
	json_decref(s);
	return n > MAX_POINTS;
}

static void die(const char *what, const char *id)
{
	fprintf(stderr, "%s (point %s)\n", what, id);
	abort();
}

static void check_same_points(const struct sweep_plan *a, const struct sweep_plan *b)
{
	if (a->npoints != b->npoints)
		die("plan.json has another number of points", "-");
	for (size_t i = 0; i < a->npoints; i++) {
		const struct sweep_point *p = &a->points[i], *q = &b->points[i];

		if (strcmp(p->id, q->id) || strcmp(p->config_hash, q->config_hash))
			die("plan.json has another id or config hash", p->id);
		if (p->noverrides != q->noverrides)
			die("plan.json has other overrides", p->id);
		for (size_t j = 0; j < p->noverrides; j++)
			if (strcmp(p->overrides[j], q->overrides[j]))
				die("plan.json has another override", p->id);
	}
}

static void check_plan(const struct sweep_plan *p)
{
	char dir[300], err[1024];
	struct sweep_plan back;
	int r;

	if (p->npoints > SWEEP_MAX_POINTS)
		die("more points than SWEEP_MAX_POINTS", "-");
	for (size_t i = 0; i < p->npoints; i++) {
		if (!p->points[i].id[0] || strlen(p->points[i].config_hash) != 16)
			die("a point without id or config hash", p->points[i].id);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(p->points[i].id, p->points[j].id))
				die("two points with one id", p->points[i].id);
	}
	snprintf(dir, sizeof(dir), "%s/out", fuzz_dir());
	err[0] = '\0';
	r = sweep_plan_write(p, dir, err, sizeof(err));
	fuzz_check_err(r, err, sizeof(err));
	if (r)
		return;
	r = sweep_plan_read(&back, dir, err, sizeof(err));
	if (r) {
		fprintf(stderr, "the plan.json just written does not read back: %s\n", err);
		abort();
	}
	check_same_points(p, &back);
	sweep_plan_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sweep_plan p;
	char path[256], err[1024];
	int ret;

	fuzz_write_file("base.json", (const uint8_t *)base_json, sizeof(base_json) - 1, path,
			sizeof(path));
	fuzz_write_file("t.txt", (const uint8_t *)trace_txt, sizeof(trace_txt) - 1, path,
			sizeof(path));
	if (too_many_points(data, size))
		return 0;
	fuzz_write_file("sweep.json", data, size, path, sizeof(path));
	err[0] = '\0';
	ret = sweep_plan_load(&p, path, err, sizeof(err));
	fuzz_check_err(ret, err, sizeof(err));
	if (!ret) {
		check_plan(&p);
		sweep_plan_free(&p);
	}
	return 0;
}
