/* SPDX-License-Identifier: MIT */
/* Unit tests of the config loader: defaults, files, base chains, --set, errors. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/config.h"

static char tmpdir[256];

static void write_file(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static const char *tpath(const char *name)
{
	static char path[4][512];
	static int i;
	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", tmpdir, name);
	return path[i];
}

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/zswapsim-test-config-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

START_TEST(defaults_are_the_kernels)
{
	struct cfg c;
	char err[512];
	ck_assert_int_eq(cfg_load(&c, NULL, NULL, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg_int(&c, "zswap.max_pool_percent"), 20);
	ck_assert_int_eq(cfg_int(&c, "zswap.accept_threshold_percent"), 90);
	ck_assert_str_eq(cfg_str(&c, "zswap.compressor"), "lzo");
	ck_assert_int_eq(cfg_bool(&c, "zswap.shrinker_enabled"), 0);
	ck_assert_str_eq(cfg_str(&c, "timing.backend"), "none");
	ck_assert_uint_eq(cfg_size(&c, "system.ram"), 8ull << 30);
	cfg_free(&c);
}
END_TEST

START_TEST(file_and_overrides)
{
	struct cfg c;
	char err[512];
	write_file("a.json", "{\"zswap\": {\"max_pool_percent\": 10}, \"system\": {\"ram\": \"64M\"}}");
	const char *ov[] = { "zswap.compressor=zstd", "zswap.max_pool_percent=15",
			     "policy.limit.name=batch-estimate", "policy.limit.weight=0.25" };
	ck_assert_int_eq(cfg_load(&c, tpath("a.json"), ov, 4, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg_int(&c, "zswap.max_pool_percent"), 15);
	ck_assert_str_eq(cfg_str(&c, "zswap.compressor"), "zstd");
	ck_assert_uint_eq(cfg_size(&c, "system.ram"), 64ull << 20);
	json_t *lim = cfg_json(&c, "policy.limit");
	ck_assert_str_eq(json_string_value(json_object_get(lim, "name")), "batch-estimate");
	ck_assert(json_real_value(json_object_get(lim, "weight")) == 0.25);
	ck_assert(*(const double *)c.zswap.limit_params == 0.25);   /* parsed at load */
	cfg_free(&c);
}
END_TEST

START_TEST(base_chain_and_relative_paths)
{
	struct cfg c;
	char err[512];
	char sub[600];
	snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
	ck_assert_int_eq(mkdir(sub, 0777), 0);
	write_file("base.json", "{\"trace\": {\"path\": \"t.zswt\"}, \"zswap\": {\"max_pool_percent\": 30}}");
	write_file("sub/exp.json", "{\"base\": \"../base.json\", \"zswap\": {\"accept_threshold_percent\": 50}}");
	ck_assert_int_eq(cfg_load(&c, tpath("sub/exp.json"), NULL, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg_int(&c, "zswap.max_pool_percent"), 30);
	ck_assert_int_eq(cfg_int(&c, "zswap.accept_threshold_percent"), 50);
	char buf[1024], want[1024];
	snprintf(want, sizeof(want), "%s/t.zswt", tmpdir);
	/* the base file's relative path is relative to the base file */
	cfg_path(&c, "trace.path", buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
	cfg_free(&c);
}
END_TEST

/* A "base" chain that comes back to one of its files is named as a loop;
 * a long chain without a loop is refused by its depth. */
START_TEST(base_loop)
{
	struct cfg c;
	char err[512];

	write_file("self.json", "{\"base\": \"self.json\"}");
	ck_assert_int_eq(cfg_load(&c, tpath("self.json"), NULL, 0, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "base: \"self.json\" is ") && strstr(err, "again, a loop"), "%s", err);
	write_file("a.json", "{\"base\": \"b.json\"}");
	write_file("b.json", "{\"base\": \"./a.json\"}");
	ck_assert_int_eq(cfg_load(&c, tpath("a.json"), NULL, 0, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "b.json: base: \"./a.json\" is ") && strstr(err, "a.json again, a loop"),
		      "%s", err);
	for (int i = 0; i < 12; i++) {
		char name[32], body[64];

		snprintf(name, sizeof(name), "d%d.json", i);
		snprintf(body, sizeof(body), "{\"base\": \"d%d.json\"}", i + 1);
		write_file(name, body);
	}
	write_file("d12.json", "{}");
	ck_assert_int_eq(cfg_load(&c, tpath("d0.json"), NULL, 0, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "\"base\" chain deeper than"), "%s", err);
}
END_TEST

/* A section name given a value is named as a section, not as an unknown key
 * with an unrelated nearest name ('zswap' suggested 'seed'). */
START_TEST(section_given_a_value)
{
	struct cfg c;
	char err[512];
	const char *ov[] = { "timing=null" };

	write_file("sec.json", "{\"zswap\": 1}");
	ck_assert_int_eq(cfg_load(&c, tpath("sec.json"), NULL, 0, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "sec.json: 'zswap' is a section of keys: expected an object"), "%s", err);
	write_file("ok.json", "{}");
	ck_assert_int_eq(cfg_load(&c, tpath("ok.json"), ov, 1, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "--set: 'timing' is a section of keys: set one of them, e.g. --set timing."),
		      "%s", err);
}
END_TEST

START_TEST(unknown_key_names_nearest)
{
	struct cfg c;
	char err[512];
	write_file("bad.json", "{\"zswap\": {\"max_pool_precent\": 10}}");
	ck_assert_int_eq(cfg_load(&c, tpath("bad.json"), NULL, 0, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "unknown config key 'zswap.max_pool_precent'"));
	ck_assert_ptr_nonnull(strstr(err, "did you mean 'zswap.max_pool_percent'"));
	ck_assert_ptr_null(strchr(err, '\n'));

	const char *ov[] = { "zswap.compresor=lz4" };
	ck_assert_int_eq(cfg_load(&c, NULL, ov, 1, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "zswap.compressor"));
}
END_TEST

/* Found by tests/fuzz/fuzz_config: a key holding a newline (a --set argument,
 * or "\n" in a JSON key) was quoted into a two-line error. */
START_TEST(errors_stay_one_line)
{
	struct cfg c;
	char err[512];
	const char *ov[] = { "zswap.max_p\npool\t=7" };

	ck_assert_int_eq(cfg_load(&c, NULL, ov, 1, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "unknown config key 'zswap.max_p?pool?'"));
	ck_assert_ptr_null(strchr(err, '\n'));

	write_file("nl.json", "{\"zswap\": {\"max\\npool\": 1}}");
	ck_assert_int_eq(cfg_load(&c, tpath("nl.json"), NULL, 0, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "unknown config key 'zswap.max?pool'"));
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

/* Found by tests/fuzz/fuzz_config: a --set key inside an object-typed key
 * with a part of 256+ characters crashed (parent_of() gave up and the value
 * was set on a NULL parent under an unset name). */
START_TEST(override_long_key_part)
{
	struct cfg c;
	char err[512], ov[400];
	const char *ovs[] = { ov };

	snprintf(ov, sizeof(ov), "memcg.%0300d.writeback=1", 0);
	ck_assert_int_eq(cfg_load(&c, NULL, ovs, 1, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "a part is longer than 255 characters"));

	/* 255 is still a key (the limit is the part, not the whole key) */
	snprintf(ov, sizeof(ov), "memcg.%0255d.writeback=1", 0);
	ck_assert_int_eq(cfg_load(&c, NULL, ovs, 1, err, sizeof(err)), 0);
	cfg_free(&c);
}
END_TEST

/* The loaders beside the key tables translate at load: what the models take
 * is filled in, and what a model would reject (a cross-key hw constraint, a
 * policy or its parameters, a memcg knob) fails cfg_load() itself, whatever
 * the backend. */
START_TEST(translated_at_load)
{
	struct cfg c;
	char err[512];
	const char *ok[] = {
		"zswap.max_pool_percent=10", "hw.cpu.cores=4", "memcg.a.zswap_max=\"10K\"",
		"memcg.b.writeback=false", "policy.writeback={\"name\": \"shrinker\", \"batch\": 4}",
	};
	ck_assert_msg(cfg_load(&c, NULL, ok, 5, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(c.zswap.max_pool_percent, 10);
	ck_assert_uint_eq(c.zswap.total_ram_bytes, 8ull << 30);
	ck_assert_uint_eq(c.hw.cores, 4);
	ck_assert_int_eq(c.hw.worker_core, 3);           /* -1: the last core */
	ck_assert_uint_eq(c.nmemcg, 2);
	ck_assert_str_eq(cfg_memcg_find(&c, "a")->name, "a");
	ck_assert_uint_eq(cfg_memcg_find(&c, "a")->zswap_max, 10240);
	ck_assert_int_eq(cfg_memcg_find(&c, "a")->writeback, 1);
	ck_assert_uint_eq(cfg_memcg_find(&c, "b")->zswap_max, ZSWAP_MAX_UNLIMITED);
	ck_assert_int_eq(cfg_memcg_find(&c, "b")->writeback, 0);
	ck_assert_ptr_null(cfg_memcg_find(&c, "c"));
	ck_assert_ptr_nonnull(c.zswap.limit_params);       /* folio-once, no parameters */
	ck_assert_int_eq(*(const int64_t *)c.zswap.wb_params, 4);   /* its `batch` */
	cfg_free(&c);

	const char *bad[][2] = {
		{ "hw.iaa.engines=2", "hw.iaa.comp_engines=4" },
		{ "policy.lru={\"name\": \"nope\"}", "timing.backend=none" },
		{ "policy.writeback={\"name\": \"pool-limit\", \"batch\": 0}", "timing.backend=none" },
		{ "memcg.a.zswap_max=-5", "timing.backend=none" },
		{ "memcg.a.color=1", "timing.backend=none" },
	};
	const char *want[] = {
		"hw.iaa.comp_engines: 4 is more than hw.iaa.engines (2)",
		"policy.lru: unknown policy 'nope' (known: kernel, fifo, lru, cold-first)",
		"policy.writeback: pool-limit parameter 'batch' = 0 is out of range [1, 512]",
		"memcg.a.zswap_max: expected bytes, a size such as \"10K\", or \"max\"",
		"memcg.a.color: unknown memcg knob (known: zswap_max, writeback, memory_max, memory_high, memory_swap_max, memsw_max)",
	};
	for (unsigned i = 0; i < 5; i++) {
		ck_assert_int_eq(cfg_load(&c, NULL, bad[i], 2, err, sizeof(err)), -EINVAL);
		ck_assert_str_eq(err, want[i]);
	}
}
END_TEST

START_TEST(range_and_type_errors)
{
	struct cfg c;
	char err[512];
	const char *ov1[] = { "zswap.max_pool_percent=101" };
	ck_assert_int_eq(cfg_load(&c, NULL, ov1, 1, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "zswap.max_pool_percent"));
	ck_assert_ptr_nonnull(strstr(err, "[0, 100]"));

	const char *ov2[] = { "zswap.compressor=lzma" };
	ck_assert_int_eq(cfg_load(&c, NULL, ov2, 1, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "lzo|lz4|zstd|deflate|deflate-iaa"));

	write_file("type.json", "{\"zswap\": {\"enabled\": \"yes\"}}");
	ck_assert_int_eq(cfg_load(&c, tpath("type.json"), NULL, 0, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "zswap.enabled: expected a boolean"));

	write_file("int.json", "{\"zswap\": {\"max_pool_percent\": \"abc\"}}");
	ck_assert_int_eq(cfg_load(&c, tpath("int.json"), NULL, 0, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "zswap.max_pool_percent: expected an integer"));

	write_file("json.json", "{\"zswap\": {\"enabled\": true,}}");
	ck_assert_int_eq(cfg_load(&c, tpath("json.json"), NULL, 0, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "bad JSON"));

	ck_assert_int_eq(cfg_load(&c, tpath("missing.json"), NULL, 0, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "missing.json"));

	/* a workload number given as a string: one error naming the key (the
	 * loader used to convert the unset value first, which UBSan caught in a
	 * long fuzz_workload run when the stack held a NaN; not reproducible
	 * from a single input, its input is a seed of tests/fuzz/corpus/workload) */
	write_file("wl.json", "{\"workload\": {\"kind\": \"zipf\", \"seed\": \"60K\"}}");
	ck_assert_int_eq(cfg_load(&c, tpath("wl.json"), NULL, 0, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "workload.seed: expected a number"));
}
END_TEST

START_TEST(sizes)
{
	uint64_t v;
	ck_assert_int_eq(cfg_parse_size("4096", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(cfg_parse_size("8GiB", &v), 0);
	ck_assert_uint_eq(v, 8ull << 30);
	ck_assert_int_eq(cfg_parse_size("10K", &v), 0);
	ck_assert_uint_eq(v, 10240);
	ck_assert_int_eq(cfg_parse_size("1.5M", &v), 0);
	ck_assert_uint_eq(v, 1572864);
	ck_assert_int_eq(cfg_parse_size("12X", &v), -EINVAL);
	/* decimal only: strtod() read these as 4096 and 5 */
	ck_assert_int_eq(cfg_parse_size("0x1000", &v), -EINVAL);
	ck_assert_int_eq(cfg_parse_size("0X1p12", &v), -EINVAL);
	ck_assert_int_eq(cfg_parse_size(" 5", &v), -EINVAL);
	ck_assert_int_eq(cfg_parse_size("+5", &v), -EINVAL);
	ck_assert_int_eq(cfg_parse_size("-1", &v), -EINVAL);
	ck_assert_int_eq(cfg_parse_size("", &v), -EINVAL);
	/* byte counts exactly, up to 1.8e19; the units up to EiB */
	ck_assert_int_eq(cfg_parse_size("18000000000000000000", &v), 0);
	ck_assert_uint_eq(v, 18000000000000000000ull);
	ck_assert_int_eq(cfg_parse_size("18000000000000001024", &v), -ERANGE);
	ck_assert_int_eq(cfg_parse_size("99999999999999999999999", &v), -ERANGE);
	ck_assert_int_eq(cfg_parse_size("4097B", &v), 0);
	ck_assert_uint_eq(v, 4097);
	ck_assert_int_eq(cfg_parse_size("1PiB", &v), 0);
	ck_assert_uint_eq(v, 1ull << 50);
	ck_assert_int_eq(cfg_parse_size("15EiB", &v), 0);
	ck_assert_uint_eq(v, 15ull << 60);
	ck_assert_int_eq(cfg_parse_size("16EiB", &v), -ERANGE);
}
END_TEST

START_TEST(hash_is_stable_and_sensitive)
{
	struct cfg a, b, d;
	char err[512];
	const char *ov[] = { "seed=7" };
	ck_assert_int_eq(cfg_load(&a, NULL, NULL, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg_load(&b, NULL, NULL, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg_load(&d, NULL, ov, 1, err, sizeof(err)), 0);
	ck_assert_uint_eq(cfg_hash(&a), cfg_hash(&b));
	ck_assert_uint_ne(cfg_hash(&a), cfg_hash(&d));
	cfg_free(&a);
	cfg_free(&b);
	cfg_free(&d);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, defaults_are_the_kernels);
	tcase_add_test(tc, file_and_overrides);
	tcase_add_test(tc, base_chain_and_relative_paths);
	tcase_add_test(tc, base_loop);
	tcase_add_test(tc, section_given_a_value);
	tcase_add_test(tc, unknown_key_names_nearest);
	tcase_add_test(tc, errors_stay_one_line);
	tcase_add_test(tc, override_long_key_part);
	tcase_add_test(tc, translated_at_load);
	tcase_add_test(tc, range_and_type_errors);
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, hash_is_stable_and_sensitive);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
