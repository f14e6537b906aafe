/* SPDX-License-Identifier: MIT */
/* Sweep plans: expansion order, ids, overrides, zipped axes, repetitions,
 * validation, the plan round trip and the summary of a directory. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/sweep.h"

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_sweepXXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Write a sweep file into tmpdir; its base is the absolute path of the
 * repository's configs/experiments/replay-default.json. */
static const char *sweep_file(const char *text)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/sweep.json", tmpdir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static char cwd_default[1200];

static const char *base_default(void)
{
	char cwd[1024];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	snprintf(cwd_default, sizeof(cwd_default), "%s/configs/experiments/replay-default.json", cwd);
	return cwd_default;
}

static int load(const char *fmt, struct sweep_plan *p, char *err, size_t errlen)
{
	char text[2048];
	snprintf(text, sizeof(text), fmt, base_default());
	return sweep_plan_load(p, sweep_file(text), err, errlen);
}

START_TEST(product_first_axis_slowest)
{
	struct sweep_plan p;
	char err[1024];
	ck_assert_msg(load("{\"base\": \"%s\", \"set\": {\"timing.backend\": \"none\"},"
			   " \"axes\": [{\"key\": \"zswap.max_pool_percent\", \"values\": [10, 20]},"
			   "            {\"key\": \"zswap.compressor\", \"values\": [\"lzo\", \"lz4\", \"zstd\"]}]}",
			   &p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(p.npoints, 6);
	ck_assert_uint_eq(json_array_size(p.axes), 2);
	ck_assert_uint_eq(json_array_size(p.metrics), 7);   /* the default metrics */
	/* point 4 = (20, lz4) */
	struct sweep_point *pt = &p.points[4];
	ck_assert_int_eq(json_integer_value(json_object_get(pt->axes, "zswap.max_pool_percent")), 20);
	ck_assert_str_eq(json_string_value(json_object_get(pt->axes, "zswap.compressor")), "lz4");
	ck_assert_uint_eq(pt->noverrides, 3);
	ck_assert_str_eq(pt->overrides[0], "timing.backend=\"none\"");
	ck_assert_str_eq(pt->overrides[1], "zswap.max_pool_percent=20");
	ck_assert_str_eq(pt->overrides[2], "zswap.compressor=\"lz4\"");
	ck_assert_int_eq(strncmp(pt->id, "004-", 4), 0);
	ck_assert_uint_eq(strlen(pt->id), 12);
	ck_assert_uint_eq(strlen(pt->config_hash), 16);
	/* ids and hashes are all different */
	for (size_t i = 0; i < p.npoints; i++)
		for (size_t j = i + 1; j < p.npoints; j++) {
			ck_assert_str_ne(p.points[i].id + 4, p.points[j].id + 4);
			ck_assert_str_ne(p.points[i].config_hash, p.points[j].config_hash);
		}
	sweep_plan_free(&p);
}
END_TEST

START_TEST(ids_depend_on_values_not_on_order_of_other_points)
{
	struct sweep_plan a, b;
	char err[1024];
	ck_assert(!load("{\"base\": \"%s\", \"axes\": [{\"key\": \"zswap.max_pool_percent\", \"values\": [10, 20]}]}",
			&a, err, sizeof(err)));
	ck_assert(!load("{\"base\": \"%s\", \"axes\": [{\"key\": \"zswap.max_pool_percent\", \"values\": [20, 10]}]}",
			&b, err, sizeof(err)));
	/* same value, same hash part and same config hash, whatever its index */
	ck_assert_str_eq(a.points[0].id + 4, b.points[1].id + 4);
	ck_assert_str_eq(a.points[0].config_hash, b.points[1].config_hash);
	sweep_plan_free(&a);
	sweep_plan_free(&b);
}
END_TEST

START_TEST(zipped_axes_and_repetitions)
{
	struct sweep_plan p;
	char err[1024];
	ck_assert_msg(!load("{\"base\": \"%s\", \"repetitions\": 3, \"seed_start\": 7,"
			    " \"metrics\": [\"stats.global.zswpout\"],"
			    " \"axes\": [{\"keys\": [\"zswap.compressor\", \"zswap.zstd_level\"],"
			    "             \"values\": [[\"zstd\", 1], [\"zstd\", 9]]}]}",
			    &p, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(p.npoints, 6);
	ck_assert_uint_eq(json_array_size(p.axes), 3);
	ck_assert_str_eq(json_string_value(json_array_get(p.axes, 2)), "seed");
	/* point 5 = (zstd, 9), seed 7 + 2 */
	ck_assert_str_eq(p.points[5].overrides[1], "zswap.zstd_level=9");
	ck_assert_str_eq(p.points[5].overrides[2], "seed=9");
	ck_assert_str_eq(p.points[3].overrides[2], "seed=7");
	ck_assert_str_eq(json_string_value(json_array_get(p.metrics, 0)), "stats.global.zswpout");
	sweep_plan_free(&p);
}
END_TEST

START_TEST(bad_sweep_files)
{
	struct sweep_plan p;
	char err[1024];
	ck_assert_int_eq(sweep_plan_load(&p, "/nonexistent/sweep.json", err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(load("{\"base\": \"%s\", \"axis\": []}", &p, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "unknown key 'axis'"));
	ck_assert_int_eq(load("{\"base\": \"%s\", \"axes\": [{\"key\": \"seed\", \"values\": []}]}",
			      &p, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "axes[0]: expected"));
	ck_assert_int_eq(load("{\"base\": \"%s\", \"axes\": [{\"key\": \"seed\", \"values\": [1]},"
			      " {\"key\": \"seed\", \"values\": [2]}]}", &p, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "axes[1]: key 'seed' is on two axes"));
	ck_assert_int_eq(load("{\"base\": \"%s\", \"repetitions\": 2, \"axes\": [{\"key\": \"seed\", "
			      "\"values\": [1]}]}", &p, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "also an axis"));
	ck_assert_int_eq(load("{\"base\": \"%s\", \"axes\": [{\"key\": \"zswap.max_pool_percent\", "
			      "\"values\": [50, 101]}]}", &p, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "point 001-") && strstr(err, "(zswap.max_pool_percent=101)") &&
		      strstr(err, "out of range [0, 100]"), "%s", err);
	ck_assert_int_eq(load("{\"base\": \"%s\", \"metrics\": [3], \"axes\": [{\"key\": \"seed\", "
			      "\"values\": [1]}]}", &p, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "\"metrics\" must be a list"));
}
END_TEST

START_TEST(base_paths_are_normalized)
{
	struct sweep_plan p;
	char err[1024];
	/* configs/sweeps/x.json naming "../experiments/replay-default.json" gives
	 * configs/experiments/replay-default.json */
	ck_assert_msg(!sweep_plan_load(&p, "configs/sweeps/default-pool-codec.json", err, sizeof(err)),
		      "%s", err);
	ck_assert_str_eq(p.base, "configs/experiments/replay-default.json");
	ck_assert_uint_eq(p.npoints, 12);
	sweep_plan_free(&p);
}
END_TEST

START_TEST(plan_round_trip_and_summary_of_missing_points)
{
	struct sweep_plan p, q;
	char err[1024], path[512];
	/* a string axis whose value holds a comma, for the CSV */
	ck_assert_msg(!load("{\"base\": \"%s\", \"metrics\": [\"stats.global.zswpout\", \"elapsed_ns\"],"
			    " \"axes\": [{\"key\": \"hw.cpu.stream_cores\", \"values\": [\"0\", \"0,1\"]}]}",
			    &p, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(sweep_plan_write(&p, tmpdir, err, sizeof(err)), 0);
	ck_assert_int_eq(sweep_plan_read(&q, tmpdir, err, sizeof(err)), 0);
	ck_assert_uint_eq(q.npoints, 2);
	ck_assert_str_eq(q.points[1].id, p.points[1].id);
	ck_assert_str_eq(q.points[1].config_hash, p.points[1].config_hash);
	ck_assert_str_eq(q.points[1].overrides[0], "hw.cpu.stream_cores=\"0,1\"");
	ck_assert_str_eq(q.base, p.base);

	/* point 1 failed: its stderr's last line is the error */
	sweep_point_path(tmpdir, &q.points[1], "stderr.txt", path, sizeof(path));
	FILE *f = fopen(path, "w");
	fputs("zswapsim: first\nzswapsim: trace: cannot open\n\n", f);
	fclose(f);
	size_t nok, nbad;
	json_t *s = sweep_summary(&q, tmpdir, &nok, &nbad);
	ck_assert_uint_eq(nok, 0);
	ck_assert_uint_eq(nbad, 2);
	json_t *pts = json_object_get(s, "points");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(pts, 0), "status")), "missing");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(pts, 1), "status")), "failed");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(pts, 1), "error")),
			 "zswapsim: trace: cannot open");
	ck_assert_int_eq(sweep_summary_write(s, tmpdir, err, sizeof(err)), 0);
	json_decref(s);

	/* the CSV quotes the value with a comma */
	char line[512], expect[512];
	snprintf(path, sizeof(path), "%s/summary.csv", tmpdir);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "id,status,hw.cpu.stream_cores,stats.global.zswpout,elapsed_ns,error\n");
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	snprintf(expect, sizeof(expect), "%s,failed,\"0,1\",,,zswapsim: trace: cannot open\n", q.points[1].id);
	ck_assert_str_eq(line, expect);
	fclose(f);
	ck_assert(!sweep_point_done(tmpdir, &q.points[0]));
	sweep_plan_free(&p);
	sweep_plan_free(&q);
}
END_TEST

/* A workload run's base (configs/default.json): each repetition sets its
 * workload.seed too, whatever the base config says it is, and the default
 * metrics start with what the tasks got done. */
START_TEST(repetitions_of_a_workload_run_vary_its_seed)
{
	struct sweep_plan p;
	char err[1024], base[1200], cwd[1024], text[2048];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	snprintf(base, sizeof(base), "%s/configs/default.json", cwd);
	snprintf(text, sizeof(text), "{\"base\": \"%s\", \"repetitions\": 2, \"seed_start\": 7,"
		 " \"set\": {\"workload.seed\": 99},"
		 " \"axes\": [{\"key\": \"zswap.compressor\", \"values\": [\"lzo\"]}]}", base);
	ck_assert_msg(!sweep_plan_load(&p, sweep_file(text), err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(p.npoints, 2);
	ck_assert_uint_eq(json_array_size(p.repeat_keys), 2);
	ck_assert_str_eq(json_string_value(json_array_get(p.repeat_keys, 1)), "workload.seed");
	ck_assert_int_eq(json_integer_value(json_object_get(p.points[1].axes, "workload.seed")), 8);
	ck_assert_str_eq(json_string_value(json_array_get(p.metrics, 0)),
			 "workload.throughput_bytes_per_s");
	ck_assert_str_eq(json_string_value(json_array_get(p.metrics, 3)), "stats.global.stored_pages");
	sweep_plan_free(&p);
}
END_TEST

START_TEST(repetitions_vary_the_generated_workload)
{
	struct sweep_plan p;
	char err[1024];
	/* repetitions set the config seed and the generator's; trace_gen options
	 * are axes like config keys; "content" resolves against the sweep file */
	ck_assert_msg(!load("{\"base\": \"%s\", \"repetitions\": 2, \"seed_start\": 5,"
			    " \"trace_gen\": {\"kind\": \"usemem\", \"options\": {\"size\": \"1M\","
			    "   \"no-exit\": true, \"content\": \"x/../pages/a.pages:2,b.pages\"}},"
			    " \"axes\": [{\"key\": \"trace_gen.streams\", \"values\": [1, 2]}]}",
			    &p, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(p.npoints, 4);
	ck_assert_uint_eq(json_array_size(p.repeat_keys), 2);
	ck_assert_str_eq(json_string_value(json_array_get(p.axes, 1)), "seed");
	ck_assert_str_eq(json_string_value(json_array_get(p.axes, 2)), "trace_gen.seed");
	struct sweep_point *pt = &p.points[3];   /* streams 2, repetition 1 */
	ck_assert_int_eq(json_integer_value(json_object_get(pt->gen, "streams")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(pt->gen, "seed")), 6);
	ck_assert(json_is_true(json_object_get(pt->gen, "no-exit")));
	char want[512];
	snprintf(want, sizeof(want), "%s/pages/a.pages:2,%s/b.pages", tmpdir, tmpdir);
	ck_assert_str_eq(json_string_value(json_object_get(pt->gen, "content")), want);
	/* resolved once: the plan's record of the options says the same */
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(p.trace_gen, "options"),
							   "content")), want);
	/* only config keys become overrides */
	ck_assert_uint_eq(pt->noverrides, 1);
	ck_assert_str_eq(pt->overrides[0], "seed=6");
	sweep_plan_free(&p);

	/* repeat_keys: any key, e.g. only the generator's seed */
	ck_assert_msg(!load("{\"base\": \"%s\", \"repetitions\": 3, \"repeat_keys\": [\"trace_gen.seed\"],"
			    " \"trace_gen\": {\"kind\": \"usemem\"},"
			    " \"axes\": [{\"key\": \"zswap.max_pool_percent\", \"values\": [10]}]}",
			    &p, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(p.points[2].noverrides, 1);
	ck_assert_int_eq(json_integer_value(json_object_get(p.points[2].gen, "seed")), 3);
	sweep_plan_free(&p);

	ck_assert_int_eq(load("{\"base\": \"%s\", \"axes\": [{\"key\": \"trace_gen.size\","
			      " \"values\": [1]}]}", &p, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "the sweep has no \"trace_gen\""), "%s", err);
	ck_assert_int_eq(load("{\"base\": \"%s\", \"trace_gen\": {\"kind\": \"zipf\", \"options\":"
			      " {\"o\": \"x.zswt\"}}, \"axes\": [{\"key\": \"seed\", \"values\": [1]}]}",
			      &p, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "the sweep chooses the output"), "%s", err);
}
END_TEST

START_TEST(paths_in_axis_values_resolve_against_the_sweep_file)
{
	struct sweep_plan p;
	char err[1024], want[512];
	ck_assert_msg(!load("{\"base\": \"%s\", \"axes\": [{\"key\": \"trace.path\","
			    " \"values\": [\"t/x.zswt\", \"/abs/y.zswt\"]}]}", &p, err, sizeof(err)),
		      "%s", err);
	snprintf(want, sizeof(want), "trace.path=\"%s/t/x.zswt\"", tmpdir);
	ck_assert_str_eq(p.points[0].overrides[0], want);
	ck_assert_str_eq(p.points[1].overrides[0], "trace.path=\"/abs/y.zswt\"");
	/* and the pre-pass names the resolved path of a missing trace */
	ck_assert_int_eq(sweep_plan_prepare(&p, tmpdir, NULL, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "(trace.path=\"t/x.zswt\"): trace.path: %s/t/x.zswt: ", tmpdir);
	ck_assert_msg(strstr(err, want), "%s", err);
	sweep_plan_free(&p);
}
END_TEST

START_TEST(prepass_checks_policies_memcgs_and_hw)
{
	static const char *const bad[][2] = {
		{ "\"policy.lru\", \"values\": [{\"name\": \"kernel\"}, {\"name\": \"nosuch\"}]",
		  "policy.lru: unknown policy 'nosuch'" },
		{ "\"policy.writeback\", \"values\": [{\"name\": \"pool-limit\", \"bogus\": 1}]",
		  "'bogus'" },
		{ "\"memcg\", \"values\": [{\"nosuch\": {\"writeback\": false}}]",
		  "memcg.nosuch: the trace has no memcg of that name" },
		{ "\"hw.cpu.stream_cores\", \"values\": [\"0,99\"]", "hw.cpu.stream_cores" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sweep_plan p;
		char err[1024], text[1024];
		snprintf(text, sizeof(text), "{\"base\": \"%%s\", \"set\": {\"timing.backend\": \"simgrid\"},"
			 " \"axes\": [{\"key\": %s}]}", bad[i][0]);
		/* every key is a config key: loading the plan translates each
		 * point's config (policies and their parameters fail there), the
		 * pre-pass builds the rest of its setup (memcgs against the trace,
		 * hw cores); either way before anything runs, naming the point */
		int r = load(text, &p, err, sizeof(err));
		if (!r) {
			r = sweep_plan_prepare(&p, tmpdir, NULL, err, sizeof(err));
			sweep_plan_free(&p);
		}
		ck_assert_int_eq(r, -EINVAL);
		ck_assert_msg(strstr(err, bad[i][1]) && strstr(err, ": point 00"), "%zu: %s", i, err);
	}
}
END_TEST

START_TEST(shortest_round_trip_numbers)
{
	static const struct { double v; const char *text; } cases[] = {
		{ 2178.1320800799999, "2178.13208008" }, { 0.1, "0.1" }, { 2250.0, "2250" },
		{ 4456.666666666667, "4456.666666666667" }, { -3.5, "-3.5" }, { 0.0, "0" },
		{ 1e-7, "1e-07" }, { 1e20, "1e+20" }, { 123456789012345.0, "123456789012345" },
	};
	char buf[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sweep_format_double(cases[i].v, buf, sizeof(buf));
		ck_assert_str_eq(buf, cases[i].text);
	}
}
END_TEST

/* A report of point pt in tmpdir with written_back_pages wb (as run would write it). */
static void fake_report(const struct sweep_point *pt, int wb)
{
	char path[512];
	sweep_point_path(tmpdir, pt, "report.json", path, sizeof(path));
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "{\"schema\": \"zswapsim-report/1\", \"config_hash\": \"%s\", \"trace\":"
		" {\"checksum\": \"%s\", \"page_store_checksum\": \"%s\"},"
		" \"stats\": {\"global\": {\"written_back_pages\": %d}}}\n",
		pt->config_hash, pt->trace_checksum, pt->page_store_checksum, wb);
	fclose(f);
}

START_TEST(groups_give_mean_range_and_confidence_interval)
{
	struct sweep_plan p;
	char err[1024];
	ck_assert_msg(!load("{\"base\": \"%s\", \"repetitions\": 3,"
			    " \"metrics\": [\"stats.global.written_back_pages\"],"
			    " \"axes\": [{\"key\": \"zswap.max_pool_percent\", \"values\": [10, 20]}]}",
			    &p, err, sizeof(err)), "%s", err);
	ck_assert_msg(!sweep_plan_prepare(&p, tmpdir, NULL, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(strlen(p.points[0].trace_checksum), 16);
	ck_assert_int_eq(sweep_plan_write(&p, tmpdir, err, sizeof(err)), 0);
	/* group 10: 10, 12, 14; group 20: 7 and a failed repetition */
	fake_report(&p.points[0], 10);
	fake_report(&p.points[1], 12);
	fake_report(&p.points[2], 14);
	fake_report(&p.points[3], 7);
	size_t nok, nbad;
	json_t *s = sweep_summary(&p, tmpdir, &nok, &nbad);
	ck_assert_uint_eq(nok, 4);
	ck_assert_uint_eq(nbad, 2);
	json_t *g0 = json_array_get(json_object_get(s, "groups"), 0);
	json_t *st = json_object_get(json_object_get(g0, "metrics"), "stats.global.written_back_pages");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(g0, "axes"),
							    "zswap.max_pool_percent")), 10);
	ck_assert_uint_eq(json_array_size(json_object_get(g0, "points")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(st, "n")), 3);
	ck_assert_double_eq_tol(json_real_value(json_object_get(st, "mean")), 12.0, 1e-12);
	ck_assert_double_eq_tol(json_real_value(json_object_get(st, "stddev")), 2.0, 1e-12);
	/* t(0.975, 2) = 4.302652729911275: 12 -+ 4.3027 * 2 / sqrt(3) */
	double half = 4.302652729911275 * 2.0 / sqrt(3.0);
	ck_assert_double_eq_tol(json_real_value(json_array_get(json_object_get(st, "ci95"), 0)),
				12.0 - half, 1e-9);
	ck_assert_double_eq_tol(json_real_value(json_array_get(json_object_get(st, "ci95"), 1)),
				12.0 + half, 1e-9);
	json_t *g1 = json_array_get(json_object_get(s, "groups"), 1);
	st = json_object_get(json_object_get(g1, "metrics"), "stats.global.written_back_pages");
	ck_assert_int_eq(json_integer_value(json_object_get(st, "n")), 1);
	ck_assert(json_is_null(json_object_get(st, "ci95")));
	ck_assert_int_eq(sweep_summary_write(s, tmpdir, err, sizeof(err)), 0);
	json_decref(s);

	char line[512], path[512];
	snprintf(path, sizeof(path), "%s/summary-groups.csv", tmpdir);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "zswap.max_pool_percent,stats.global.written_back_pages:n,"
			 "stats.global.written_back_pages:mean,stats.global.written_back_pages:min,"
			 "stats.global.written_back_pages:max,stats.global.written_back_pages:ci95_low,"
			 "stats.global.written_back_pages:ci95_high\n");
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	/* n, mean, min, max exactly; the interval's last digits are libm's */
	ck_assert_int_eq(strncmp(line, "10,3,12,10,14,", 14), 0);
	char *end;
	ck_assert_double_eq_tol(strtod(line + 14, &end), 12.0 - half, 1e-9);
	ck_assert_double_eq_tol(strtod(end + 1, NULL), 12.0 + half, 1e-9);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "20,1,7,7,7,,\n");
	fclose(f);
	sweep_plan_free(&p);
}
END_TEST

START_TEST(report_states_fifo_corrupt_stale)
{
	struct sweep_plan p;
	char err[1024], why[1024], path[512];
	ck_assert_msg(!load("{\"base\": \"%s\", \"axes\": [{\"key\": \"seed\", \"values\": [1, 2, 3, 4]}]}",
			    &p, err, sizeof(err)), "%s", err);
	ck_assert_msg(!sweep_plan_prepare(&p, tmpdir, NULL, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(sweep_plan_write(&p, tmpdir, err, sizeof(err)), 0);
	/* 0: a FIFO must not block the reader */
	sweep_point_path(tmpdir, &p.points[0], "report.json", path, sizeof(path));
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(sweep_point_report(tmpdir, &p.points[0], NULL, why, sizeof(why)),
			 SWEEP_REPORT_CORRUPT);
	ck_assert_msg(strstr(why, "not a regular file"), "%s", why);
	/* 1: not JSON */
	sweep_point_path(tmpdir, &p.points[1], "report.json", path, sizeof(path));
	FILE *f = fopen(path, "w");
	fputs("{\"schema\": ", f);
	fclose(f);
	ck_assert_int_eq(sweep_point_report(tmpdir, &p.points[1], NULL, why, sizeof(why)),
			 SWEEP_REPORT_CORRUPT);
	ck_assert_msg(strstr(why, "bad JSON"), "%s", why);
	/* 2: the config matches, the trace does not */
	struct sweep_point moved = p.points[2];
	snprintf(moved.trace_checksum, sizeof(moved.trace_checksum), "00000000deadbeef");
	fake_report(&moved, 1);
	ck_assert_int_eq(sweep_point_report(tmpdir, &p.points[2], NULL, why, sizeof(why)),
			 SWEEP_REPORT_STALE);
	ck_assert_msg(strstr(why, "from another trace (trace checksum 00000000deadbeef, now "), "%s", why);
	/* 3: missing */
	ck_assert_int_eq(sweep_point_report(tmpdir, &p.points[3], NULL, why, sizeof(why)),
			 SWEEP_REPORT_MISSING);
	size_t nok, nbad;
	json_t *s = sweep_summary(&p, tmpdir, &nok, &nbad);
	ck_assert_uint_eq(nbad, 4);
	const char *want[] = { "corrupt", "corrupt", "stale", "missing" };
	for (int i = 0; i < 4; i++)
		ck_assert_str_eq(json_string_value(json_object_get(
			json_array_get(json_object_get(s, "points"), (size_t)i), "status")), want[i]);
	json_decref(s);
	sweep_plan_free(&p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sweep");
	TCase *tc = tcase_create("plan");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, product_first_axis_slowest);
	tcase_add_test(tc, ids_depend_on_values_not_on_order_of_other_points);
	tcase_add_test(tc, zipped_axes_and_repetitions);
	tcase_add_test(tc, bad_sweep_files);
	tcase_add_test(tc, base_paths_are_normalized);
	tcase_add_test(tc, plan_round_trip_and_summary_of_missing_points);
	tcase_add_test(tc, repetitions_vary_the_generated_workload);
	tcase_add_test(tc, repetitions_of_a_workload_run_vary_its_seed);
	tcase_add_test(tc, paths_in_axis_values_resolve_against_the_sweep_file);
	tcase_add_test(tc, prepass_checks_policies_memcgs_and_hw);
	tcase_add_test(tc, shortest_round_trip_numbers);
	tcase_add_test(tc, groups_give_mean_range_and_confidence_interval);
	tcase_add_test(tc, report_states_fifo_corrupt_stale);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
