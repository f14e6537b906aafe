/* SPDX-License-Identifier: MIT */
/* Report comparison: globs, tolerances, what fails and what only warns. */
#include <check.h>
#include <errno.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "sim/compare.h"

#define SAMPLE_NONE    "tests/data/report-none.json"
#define SAMPLE_SIMGRID "tests/data/report-simgrid.json"

static json_t *load(const char *path)
{
	char err[512];
	json_t *doc = NULL;
	ck_assert_msg(cmp_load_document(path, &doc, err, sizeof(err)) == 0, "%s", err);
	return doc;
}

static json_t *at(json_t *doc, const char *a, const char *b, const char *c)
{
	json_t *v = json_object_get(doc, a);
	if (b)
		v = json_object_get(v, b);
	if (c)
		v = json_object_get(v, c);
	ck_assert_ptr_nonnull(v);
	return v;
}

static void set_int(json_t *doc, const char *a, const char *b, const char *c, json_int_t x)
{
	json_t *parent = c ? at(doc, a, b, NULL) : at(doc, a, NULL, NULL);
	json_object_set_new(parent, c ? c : b, json_integer(x));
}

/* Compare base with new under the tolerance file text tol (or defaults);
 * the return value of cmp_documents(), its message in err. */
static int try_compare(json_t *base, json_t *new, const char *tol, struct cmp_result *res,
		       char *err, size_t errlen)
{
	char path[] = "/tmp/test_compare_tolXXXXXX";
	struct cmp_tolerance t;
	if (tol) {
		int fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, tol, strlen(tol)), (ssize_t)strlen(tol));
		close(fd);
	}
	ck_assert_msg(cmp_tolerance_load(&t, tol ? path : NULL, err, errlen) == 0, "%s", err);
	if (tol)
		unlink(path);
	int r = cmp_documents(base, new, &t, 0, res, err, errlen);
	cmp_tolerance_free(&t);
	return r;
}

static void compare(json_t *base, json_t *new, const char *tol, struct cmp_result *res)
{
	char err[512];
	ck_assert_msg(try_compare(base, new, tol, res, err, sizeof(err)) == 0, "%s", err);
}

static const struct cmp_row *row(const struct cmp_result *res, const char *key)
{
	for (size_t i = 0; i < res->nrows; i++)
		if (!strcmp(res->rows[i].key, key))
			return &res->rows[i];
	return NULL;
}

START_TEST(glob_matches_dots_and_brackets_literally)
{
	ck_assert(cmp_glob_match("stats.*", "stats.global.zswpout"));
	ck_assert(cmp_glob_match("*.p99_ns", "latency.load.p99_ns"));
	ck_assert(cmp_glob_match("timeseries.stored_pages[*]", "timeseries.stored_pages[12]"));
	ck_assert(cmp_glob_match("latency.?oad.*", "latency.load.max_ns"));
	ck_assert(!cmp_glob_match("stats.*", "statsx"));
	ck_assert(!cmp_glob_match("stats.global.zswp?ut", "stats.global.zswpin"));
	ck_assert(cmp_glob_match("*", ""));
	ck_assert(!cmp_glob_match("a*b*c", "aXbY"));
	ck_assert(cmp_glob_match("a*b*c", "aXbYbZc"));
}
END_TEST

START_TEST(identical_reports_pass)
{
	json_t *a = load(SAMPLE_SIMGRID), *b = load(SAMPLE_SIMGRID);
	/* runtime and tool never count */
	json_object_set_new(at(b, "runtime", NULL, NULL), "wall_seconds", json_real(99.5));
	json_object_set_new(at(b, "tool", NULL, NULL), "git_rev", json_string("0123456789ab"));
	struct cmp_result res;
	compare(a, b, NULL, &res);
	ck_assert_uint_eq(res.failed, 0);
	ck_assert_uint_eq(res.nrows, 0);
	ck_assert_uint_eq(res.nwarnings, 0);
	ck_assert_uint_gt(res.compared, 150);
	cmp_result_free(&res);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(changed_counter_fails_exactly)
{
	json_t *a = load(SAMPLE_NONE), *b = load(SAMPLE_NONE);
	set_int(b, "stats", "global", "written_back_pages", 1338);
	struct cmp_result res;
	compare(a, b, NULL, &res);
	ck_assert_uint_eq(res.failed, 1);
	const struct cmp_row *r = row(&res, "stats.global.written_back_pages");
	ck_assert_ptr_nonnull(r);
	ck_assert(r->fail);
	ck_assert_str_eq(r->old_text, "1337");
	ck_assert_str_eq(r->new_text, "1338");
	ck_assert_str_eq(r->tol, "exact");
	cmp_result_free(&res);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(timeseries_rows_are_named_by_field)
{
	json_t *a = load(SAMPLE_NONE), *b = load(SAMPLE_NONE);
	/* rows[4][1] is pool_total_size at the fifth sample */
	json_array_set_new(json_array_get(at(b, "timeseries", "rows", NULL), 4), 1,
			   json_integer(14684160));
	struct cmp_result res;
	compare(a, b, NULL, &res);
	ck_assert_uint_eq(res.failed, 1);
	ck_assert_ptr_nonnull(row(&res, "timeseries.pool_total_size[4]"));
	cmp_result_free(&res);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(timings_have_a_two_percent_default)
{
	json_t *a = load(SAMPLE_SIMGRID), *b = load(SAMPLE_SIMGRID);
	/* p99 of load 6120 ns: +2 % = 6242.4 is the edge */
	set_int(b, "latency", "load", "p99_ns", 6242);
	set_int(b, "latency", "load", "p50_ns", 1643);     /* 1610 + 2.05 % */
	struct cmp_result res;
	compare(a, b, NULL, &res);
	ck_assert_uint_eq(res.nrows, 2);
	ck_assert_uint_eq(res.failed, 1);
	ck_assert(!row(&res, "latency.load.p99_ns")->fail);
	ck_assert(row(&res, "latency.load.p50_ns")->fail);
	ck_assert_str_eq(row(&res, "latency.load.p50_ns")->tol, "rel 2%");
	cmp_result_free(&res);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(counters_off_the_none_backend_get_the_relative_default)
{
	json_t *a = load(SAMPLE_SIMGRID), *b = load(SAMPLE_SIMGRID);
	set_int(b, "stats", "global", "written_back_pages", 1350);  /* +0.97 % */
	struct cmp_result res;
	compare(a, b, NULL, &res);
	ck_assert_uint_eq(res.nrows, 1);
	ck_assert_uint_eq(res.failed, 0);
	cmp_result_free(&res);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(tolerance_file_longest_glob_wins)
{
	json_t *a = load(SAMPLE_NONE), *b = load(SAMPLE_NONE);
	set_int(b, "stats", "global", "written_back_pages", 1400);  /* +63 */
	set_int(b, "stats", "global", "zswpwb", 1400);              /* +63 */
	set_int(b, "stats", "global", "pswpout", 1441);             /* +63 */
	set_int(b, "stats", "global", "stored_pages", 9877);        /* +1 */
	const char *tol = "{\"comment\": \"test\","
			  " \"stats.global.*\": {\"abs\": 100},"
			  " \"stats.global.zswp*\": {\"abs\": 10},"
			  " \"stats.global.pswp*\": {\"rel\": 0.05},"
			  " \"stats.global.stored_pages\": {\"ignore\": true}}";
	struct cmp_result res;
	compare(a, b, tol, &res);
	ck_assert(!row(&res, "stats.global.written_back_pages")->fail);   /* abs 100 */
	ck_assert(row(&res, "stats.global.zswpwb")->fail);                /* abs 10 */
	ck_assert(!row(&res, "stats.global.pswpout")->fail);              /* 63/1378 < 5 % */
	ck_assert_ptr_null(row(&res, "stats.global.stored_pages"));       /* ignored */
	ck_assert_uint_eq(res.failed, 1);
	cmp_result_free(&res);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(config_and_trace_changes_only_warn)
{
	json_t *a = load(SAMPLE_NONE), *b = load(SAMPLE_NONE);
	set_int(b, "config", "zswap", "max_pool_percent", 25);
	json_object_set_new(at(b, "trace", NULL, NULL), "checksum", json_string("00000000deadbeef"));
	json_object_set_new(at(b, "stats", "global", NULL), "sim_new_counter", json_integer(7));
	struct cmp_result res;
	compare(a, b, NULL, &res);
	ck_assert_uint_eq(res.failed, 0);
	ck_assert_uint_eq(res.nwarnings, 3);
	ck_assert_str_eq(res.warnings[0], "config differs in 1 key: zswap.max_pool_percent");
	ck_assert_str_eq(res.warnings[1], "trace checksum differs: 9a3c51e07d2b4f18 -> 00000000deadbeef");
	ck_assert_str_eq(res.warnings[2], "1 metric only in NEW (first: stats.global.sim_new_counter)");
	cmp_result_free(&res);
	json_decref(a);
	json_decref(b);
	/* a config number written as 2.0 in one report and 2 in the other (jq
	 * rewrites reals that way) is the same value: no warning */
	a = load(SAMPLE_NONE);
	b = load(SAMPLE_NONE);
	json_object_set_new(at(a, "config", "zswap", NULL), "max_pool_percent", json_real(20.0));
	json_object_set_new(at(b, "config", "zswap", NULL), "max_pool_percent", json_integer(20));
	compare(a, b, NULL, &res);
	ck_assert_uint_eq(res.nwarnings, 0);
	cmp_result_free(&res);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(simgrid_section_is_timing_and_its_version_only_warns)
{
	json_t *a = load(SAMPLE_SIMGRID), *b = load(SAMPLE_SIMGRID);
	json_object_set_new(a, "simgrid", json_pack("{s:s, s:i}", "version", "SimGrid version 3.32",
						    "coalesced_records", 1000));
	json_object_set_new(b, "simgrid", json_pack("{s:s, s:i}", "version", "SimGrid version 3.35",
						    "coalesced_records", 1015));
	struct cmp_result res;
	compare(a, b, NULL, &res);
	ck_assert_uint_eq(res.failed, 0);
	ck_assert_uint_eq(res.nrows, 1);
	ck_assert_str_eq(res.rows[0].key, "simgrid.coalesced_records");
	ck_assert_str_eq(res.rows[0].tol, "rel 2%");
	ck_assert_uint_eq(res.nwarnings, 1);
	ck_assert_str_eq(res.warnings[0], "SimGrid differs: SimGrid version 3.32 -> SimGrid version 3.35");
	cmp_result_free(&res);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(removed_metric_and_changed_string_fail)
{
	json_t *a = load(SAMPLE_NONE), *b = load(SAMPLE_NONE);
	json_object_del(at(b, "stats", "global", NULL), "zswpin");
	json_object_set_new(at(b, "stats", "policy", NULL), "lru", json_string("fifo"));
	struct cmp_result res;
	compare(a, b, NULL, &res);
	ck_assert_uint_eq(res.failed, 2);
	ck_assert_str_eq(row(&res, "stats.global.zswpin")->tol, "missing");
	ck_assert_str_eq(row(&res, "stats.global.zswpin")->new_text, "-");
	ck_assert_str_eq(row(&res, "stats.policy.lru")->new_text, "fifo");
	cmp_result_free(&res);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(bad_inputs_are_rejected)
{
	char err[512];
	json_t *doc = NULL;
	struct cmp_tolerance t;
	ck_assert_int_eq(cmp_load_document("tests/data/no-such-report.json", &doc, err, sizeof(err)),
			 -ENOENT);
	ck_assert_int_eq(cmp_load_document("configs/sweeps/default-pool-codec.json", &doc, err,
					   sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a zswapsim report"));
	ck_assert_int_eq(cmp_tolerance_load(&t, "tests/data/report-none.json", err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "\"schema\""));

	/* a report against a summary */
	json_t *a = load(SAMPLE_NONE), *s = json_pack("{s:s, s:[]}", "schema", "zswapsim-sweep/1",
						      "points");
	struct cmp_result res;
	ck_assert_int_eq(cmp_tolerance_load(&t, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(cmp_documents(a, s, &t, 0, &res, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "cannot compare a report with a sweep summary");
	json_decref(a);
	json_decref(s);
}
END_TEST

/* Keys are quoted as written; a newline in one must not make a second line
 * of error (found by fuzz_compare: a rule entry "max_i\ncrease"). */
START_TEST(errors_quoting_control_characters_stay_one_line)
{
	char err[512], path[] = "/tmp/zswapsim-test-compare-XXXXXX";
	int fd = mkstemp(path);
	static const char text[] = "{\"late\\nncy.*\": {\"max_i\\ncrease\": 0.1}}";
	struct cmp_tolerance t;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	ck_assert_int_eq(cmp_tolerance_load(&t, path, err, sizeof(err)), -EINVAL);
	unlink(path);
	ck_assert_ptr_nonnull(strstr(err, "bad entry \"max_i?crease\""));
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

/* A summary of two points, 000-aaaa and 001-bbbb, with zswpwb w0 and w1. */
static json_t *sample_summary(int w0, int w1)
{
	return json_pack("{s:s, s:{s:{s:s}}, s:[{s:s, s:s, s:{s:i}, s:{s:i, s:i}},"
			 " {s:s, s:s, s:{s:i}, s:{s:i, s:i}}]}",
			 "schema", "zswapsim-sweep/1", "base_config", "timing", "backend", "none",
			 "points",
			 "id", "000-aaaa", "status", "ok", "axes", "zswap.max_pool_percent", 10,
			 "metrics", "stats.global.zswpwb", w0, "latency.load.p99_ns", 1000,
			 "id", "001-bbbb", "status", "ok", "axes", "zswap.max_pool_percent", 20,
			 "metrics", "stats.global.zswpwb", w1, "latency.load.p99_ns", 900);
}

START_TEST(summaries_compare_point_by_point)
{
	json_t *a = sample_summary(5, 3);
	json_t *b = json_deep_copy(a);
	json_t *p1 = json_array_get(json_object_get(b, "points"), 1);
	json_object_set_new(json_object_get(p1, "metrics"), "stats.global.zswpwb", json_integer(4));
	json_object_set_new(json_object_get(p1, "metrics"), "latency.load.p99_ns", json_integer(910));
	struct cmp_result res;
	compare(a, b, NULL, &res);
	ck_assert_uint_eq(res.nrows, 2);
	ck_assert_uint_eq(res.failed, 1);
	ck_assert(row(&res, "001-bbbb:stats.global.zswpwb")->fail);
	ck_assert(!row(&res, "001-bbbb:latency.load.p99_ns")->fail);
	cmp_result_free(&res);

	/* a failed point fails the comparison */
	json_object_set_new(p1, "status", json_string("failed"));
	compare(a, b, NULL, &res);
	ck_assert(row(&res, "001-bbbb:status")->fail);
	cmp_result_free(&res);
	json_decref(a);
	json_decref(b);
}
END_TEST

/* Two leaves with one key were compared with each other's values: a summary
 * with a repeated point id failed against itself (found by fuzz_compare); a
 * report with "global.zswpout" beside "global": {"zswpout"} the same. */
START_TEST(a_key_twice_is_an_error)
{
	json_t *a = sample_summary(5, 3), *r;
	struct cmp_result res;
	char err[1024];

	json_object_set_new(json_array_get(json_object_get(a, "points"), 1), "id",
			    json_string("000-aaaa"));
	ck_assert_int_eq(try_compare(a, a, NULL, &res, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "BASE has the key '000-aaaa:status' twice"), "%s", err);
	json_decref(a);
	r = json_pack("{s:s, s:{s:{s:i}, s:i}}", "schema", "zswapsim-report/1", "stats", "global",
		      "zswpout", 1, "global.zswpout", 2);
	ck_assert_int_eq(try_compare(r, r, NULL, &res, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "the key 'stats.global.zswpout' twice"), "%s", err);
	json_decref(r);
}
END_TEST

START_TEST(a_rule_matching_nothing_is_an_error)
{
	json_t *a = load(SAMPLE_NONE);
	struct cmp_result res;
	char err[1024];
	/* the typo of the issue: it used to give "OK: 0 metrics compared" */
	ck_assert_int_eq(try_compare(a, a, "{\"stats.global.writen_back_pages\": {\"rel\": 0.05}}",
				     &res, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "rule \"stats.global.writen_back_pages\" matches no metric") &&
		      strstr(err, "(nearest: stats.global.written_back_pages, "), "%s", err);
	json_decref(a);
}
END_TEST

START_TEST(comparing_nothing_fails)
{
	json_t *a = load(SAMPLE_NONE);
	struct cmp_result res;
	compare(a, a, "{\"*\": {\"ignore\": true}}", &res);
	ck_assert_uint_eq(res.compared, 0);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cmp_print(&res, f, 0);
	fclose(f);
	ck_assert_msg(strstr(text, "FAIL: no metric compared"), "%s", text);
	free(text);
	cmp_result_free(&res);
	json_decref(a);
}
END_TEST

START_TEST(one_sided_rules_bound_one_direction)
{
	json_t *a = load(SAMPLE_NONE), *b = load(SAMPLE_NONE);
	set_int(b, "stats", "global", "written_back_pages", 749);  /* 1337 - 44 % */
	set_int(b, "stats", "global", "zswpwb", 1404);             /* 1337 + 5.01 % */
	set_int(b, "stats", "global", "pswpout", 1240);            /* 1378 - 10.01 % */
	set_int(b, "stats", "global", "pswpin", 521);              /* 512 + 1.76 %: unbounded */
	const char *tol = "{\"stats.global.written_back_pages\": {\"max_increase\": 0.05},"
			  " \"stats.global.zswpwb\": {\"max_increase\": 0.05},"
			  " \"stats.global.pswpout\": {\"max_increase\": 0, \"max_decrease\": 0.10},"
			  " \"stats.global.pswpin\": {\"max_decrease\": 0}}";
	struct cmp_result res;
	compare(a, b, tol, &res);
	ck_assert(!row(&res, "stats.global.written_back_pages")->fail);   /* an improvement */
	ck_assert_str_eq(row(&res, "stats.global.written_back_pages")->tol, "+5%|-any");
	ck_assert(row(&res, "stats.global.zswpwb")->fail);
	ck_assert(row(&res, "stats.global.pswpout")->fail);
	ck_assert_str_eq(row(&res, "stats.global.pswpout")->tol, "+0%|-10%");
	ck_assert(!row(&res, "stats.global.pswpin")->fail);
	ck_assert_uint_eq(res.failed, 2);
	cmp_result_free(&res);
	json_decref(a);
	json_decref(b);

	char err[512];
	struct cmp_tolerance t;
	char path[] = "/tmp/test_compare_tolXXXXXX";
	int fd = mkstemp(path);
	const char *mixed = "{\"stats.*\": {\"rel\": 0.1, \"max_increase\": 0.05}}";
	ck_assert_int_eq(write(fd, mixed, strlen(mixed)), (ssize_t)strlen(mixed));
	close(fd);
	ck_assert_int_eq(cmp_tolerance_load(&t, path, err, sizeof(err)), -EINVAL);
	unlink(path);
	ck_assert_msg(strstr(err, "symmetric (rel, abs) or one-sided"), "%s", err);
}
END_TEST

START_TEST(summary_point_globs_win_when_longer)
{
	json_t *a = sample_summary(100, 100), *b = sample_summary(108, 108);
	/* the bare path rule is shorter than the point's: 001 gets 10 %, 000 stays at 5 % */
	struct cmp_result res;
	compare(a, b, "{\"stats.global.zswpwb\": {\"rel\": 0.05},"
		" \"001-bbbb:stats.global.zswpwb\": {\"rel\": 0.10}}", &res);
	ck_assert(row(&res, "000-aaaa:stats.global.zswpwb")->fail);
	ck_assert(!row(&res, "001-bbbb:stats.global.zswpwb")->fail);
	ck_assert_uint_eq(res.failed, 1);
	cmp_result_free(&res);
	/* and "<id>:*" globs too */
	compare(a, b, "{\"000-aaaa:*\": {\"ignore\": true}, \"stats.*\": {\"abs\": 10}}", &res);
	ck_assert_ptr_null(row(&res, "000-aaaa:stats.global.zswpwb"));
	ck_assert(!row(&res, "001-bbbb:stats.global.zswpwb")->fail);
	cmp_result_free(&res);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(schema_versions_must_match)
{
	json_t *a = load(SAMPLE_NONE), *b = load(SAMPLE_NONE);
	json_object_set_new(b, "schema", json_string("zswapsim-report/2"));
	struct cmp_result res;
	char err[512];
	ck_assert_int_eq(try_compare(a, b, NULL, &res, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "schema differs: zswapsim-report/1 -> zswapsim-report/2"), "%s", err);
	struct cmp_tolerance t;
	ck_assert_int_eq(cmp_tolerance_load(&t, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(cmp_documents(a, b, &t, 1, &res, err, sizeof(err)), 0);
	ck_assert_uint_eq(res.nwarnings, 1);
	ck_assert_str_eq(res.warnings[0], "schema differs: zswapsim-report/1 -> zswapsim-report/2");
	cmp_result_free(&res);
	json_decref(a);
	json_decref(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("compare");
	TCase *tc = tcase_create("compare");
	tcase_add_test(tc, glob_matches_dots_and_brackets_literally);
	tcase_add_test(tc, identical_reports_pass);
	tcase_add_test(tc, changed_counter_fails_exactly);
	tcase_add_test(tc, timeseries_rows_are_named_by_field);
	tcase_add_test(tc, timings_have_a_two_percent_default);
	tcase_add_test(tc, counters_off_the_none_backend_get_the_relative_default);
	tcase_add_test(tc, tolerance_file_longest_glob_wins);
	tcase_add_test(tc, config_and_trace_changes_only_warn);
	tcase_add_test(tc, simgrid_section_is_timing_and_its_version_only_warns);
	tcase_add_test(tc, removed_metric_and_changed_string_fail);
	tcase_add_test(tc, bad_inputs_are_rejected);
	tcase_add_test(tc, summaries_compare_point_by_point);
	tcase_add_test(tc, a_rule_matching_nothing_is_an_error);
	tcase_add_test(tc, comparing_nothing_fails);
	tcase_add_test(tc, one_sided_rules_bound_one_direction);
	tcase_add_test(tc, summary_point_globs_win_when_longer);
	tcase_add_test(tc, schema_versions_must_match);
	tcase_add_test(tc, a_key_twice_is_an_error);
	tcase_add_test(tc, errors_quoting_control_characters_stay_one_line);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
