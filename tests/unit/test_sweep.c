/* SPDX-License-Identifier: MIT */
/* Sweep plans: expansion order, ids, overrides, zipped axes, repetitions,
 * validation, the plan round trip and the summary of a directory. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
 * repository's configs/default.json. */
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
	snprintf(cwd_default, sizeof(cwd_default), "%s/configs/default.json", cwd);
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
	/* configs/sweeps/x.json naming "../default.json" gives configs/default.json */
	ck_assert_msg(!sweep_plan_load(&p, "configs/sweeps/default-pool-codec.json", err, sizeof(err)),
		      "%s", err);
	ck_assert_str_eq(p.base, "configs/default.json");
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
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
