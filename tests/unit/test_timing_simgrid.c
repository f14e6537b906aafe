/* SPDX-License-Identifier: MIT */
/*
 * The simgrid backend (fork mode: one SimGrid engine per process, so one
 * simgrid run per test).  Expected values are worked out from the cost
 * formulas of models/hw.c and the default / preset parameters.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/sim.h"

static char dir[PATH_MAX], err[1024];

/* A one-memcg text trace in the test's temp directory. */
static void write_trace(const char *name, unsigned slots, unsigned streams, const char *records)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "zswapsim-trace 1\npage_size 4096\nslot_count %u\nstream_count %u\n"
		"memcg 0 m -1\n%s", slots, streams, records);
	ck_assert_int_eq(fclose(f), 0);
}

/* A config naming the trace, on top of a preset of the repository (or none). */
static void write_config(const char *name, const char *preset, const char *body)
{
	char path[PATH_MAX + 64], cwd[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	if (preset)
		fprintf(f, "{\"base\": \"%s/configs/hw/%s\", %s}\n", cwd, preset, body);
	else
		fprintf(f, "{%s}\n", body);
	ck_assert_int_eq(fclose(f), 0);
}

static void run(struct sim *s, struct cfg *c, const char *config, const char *const *sets, int n)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", dir, config);
	ck_assert_msg(cfg_load(c, path, sets, n, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(sim_setup(s, c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(sim_run(s, err, sizeof(err)) == 0, "%s", err);
}

static void done(struct sim *s, struct cfg *c)
{
	sim_teardown(s);
	cfg_free(c);
}

static json_int_t lat(const struct sim *s, const char *op, const char *key)
{
	json_t *o = json_object_get(json_object_get(s->backend_report, "latency"), op);
	ck_assert_ptr_nonnull(o);
	return json_integer_value(json_object_get(o, key));
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/zswapsim-sgtest-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd)) {
		/* a leftover temp directory is harmless */
	}
}

/* One 32 KiB folio of 1932-byte pages with batch.compress = 8 on the EMR
 * preset: L = 8 * 371 + 4 * (1334 + 0.13 * 1932) + 1612 = 10920.64 ns. */
START_TEST(test_iaa_batch_latency)
{
	struct sim s;
	struct cfg c;
	write_trace("t.txt", 16, 1, "1000 out 8 3 0 0 1932 hint\n");
	write_config("c.json", "emr-1iaa.json",
		     "\"trace\": {\"path\": \"t.txt\"}, \"timing\": {\"backend\": \"simgrid\"},"
		     "\"zswap\": {\"compressor\": \"deflate-iaa\"}, \"batch\": {\"compress\": 8}");
	run(&s, &c, "c.json", NULL, 0);
	ck_assert_int_eq(lat(&s, "compress_batch", "count"), 1);
	ck_assert_int_eq(lat(&s, "compress_batch", "max_ns"), 10921);
	ck_assert_int_eq(lat(&s, "compress_page", "count"), 8);
	ck_assert_int_eq(lat(&s, "compress_page", "p50_ns"), 1365);
	ck_assert_int_eq(lat(&s, "store_folio", "max_ns"), 10921);
	json_t *st = json_array_get(json_object_get(s.backend_report, "streams"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(st, "finish_ns")), 1000 + 10921);
	done(&s, &c);
}
END_TEST

/* Two streams on two cores store a 32 KiB folio each at the same time: both
 * submit 8 descriptors (2968 ns), then 16 descriptors share the 2 compress
 * engines in FIFO order: the last call ends after 8 services:
 * 2968 + 8 * 1585.16 + 1612 = 17261.28 ns. */
START_TEST(test_iaa_contention)
{
	struct sim s;
	struct cfg c;
	write_trace("t.txt", 32, 2, "1000 out 8 3 0 0 1932 hint\n1000 out 24 3 1 0 1932 hint\n");
	write_config("c.json", "emr-1iaa.json",
		     "\"trace\": {\"path\": \"t.txt\"}, \"timing\": {\"backend\": \"simgrid\"},"
		     "\"zswap\": {\"compressor\": \"deflate-iaa\"}, \"batch\": {\"compress\": 8}");
	run(&s, &c, "c.json", NULL, 0);
	ck_assert_int_eq(lat(&s, "compress_batch", "count"), 2);
	/* the two calls' descriptors reach the WQ at the same instant and may
	 * interleave: the first call takes 4 to 7 services, the second 8 */
	ck_assert_int_ge(lat(&s, "compress_batch", "p50_ns"), 10921);
	ck_assert_int_lt(lat(&s, "compress_batch", "p50_ns"), 17261);
	ck_assert_int_eq(lat(&s, "compress_batch", "max_ns"), 17261);
	json_t *dev = json_array_get(json_object_get(json_object_get(json_object_get(
		s.backend_report, "hardware"), "iaa"), "devices"), 0);
	/* 16 descriptors queued at once, less what idle engines took on arrival */
	json_int_t q = json_integer_value(json_object_get(dev, "max_queued"));
	ck_assert_int_ge(q, 14);
	ck_assert_int_le(q, 16);
	done(&s, &c);
}
END_TEST

/* Software lzo at the defaults (5354 ns per compress).  Open: records wait
 * for the stream; closed: the 1000 ns gaps are compute time added to it. */
#define THREE_STORES "1000 out 0 0 0 0 1000 hint\n2000 out 1 0 0 0 1000 hint\n3000 out 2 0 0 0 1000 hint\n"

START_TEST(test_open_replay)
{
	struct sim s;
	struct cfg c;
	write_trace("t.txt", 8, 1, THREE_STORES);
	write_config("c.json", NULL, "\"trace\": {\"path\": \"t.txt\"}, \"timing\": {\"backend\": \"simgrid\"}");
	run(&s, &c, "c.json", NULL, 0);
	json_t *st = json_array_get(json_object_get(s.backend_report, "streams"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(st, "finish_ns")), 1000 + 3 * 5354);
	ck_assert_int_eq(json_integer_value(json_object_get(s.backend_report, "elapsed_ns")), 1000 + 3 * 5354);
	ck_assert_int_eq(lat(&s, "store_folio", "p50_ns"), 5354);
	done(&s, &c);
}
END_TEST

START_TEST(test_closed_replay)
{
	struct sim s;
	struct cfg c;
	const char *sets[] = { "replay.mode=closed", "timing.coalesce=false" };
	write_trace("t.txt", 8, 1, THREE_STORES);
	write_config("c.json", NULL, "\"trace\": {\"path\": \"t.txt\"}, \"timing\": {\"backend\": \"simgrid\"}");
	run(&s, &c, "c.json", sets, 2);
	json_t *st = json_array_get(json_object_get(s.backend_report, "streams"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(st, "finish_ns")), 1000 + 3 * 5354 + 2000);
	json_t *cpu = json_object_get(json_object_get(json_object_get(s.backend_report, "hardware"), "cpu"), "total_ns");
	ck_assert_int_eq(json_integer_value(json_object_get(cpu, "app")), 2000);
	ck_assert_int_eq(json_integer_value(json_object_get(cpu, "compress")), 3 * 5354);
	done(&s, &c);
}
END_TEST

/* Pool pressure with writeback, rejections and disk swap-ins, two streams
 * whose records are 1 ms apart (nothing overlaps): the state equals the
 * `none` backend's, counter by counter. */
START_TEST(test_state_equals_none)
{
	char recs[65536];
	size_t at = 0;
	uint64_t t = 1000000;
	for (unsigned i = 0; i < 96; i++, t += 1000000)
		at += (size_t)snprintf(recs + at, sizeof(recs) - at, "%llu out %u 0 %u 0 %u hint\n",
				       (unsigned long long)t, i, i % 2, 900 + 30 * (i % 50));
	for (unsigned i = 0; i < 96; i += 3, t += 1000000)
		at += (size_t)snprintf(recs + at, sizeof(recs) - at, "%llu in %u 0 %u 0 0 -\n",
				       (unsigned long long)t, i, i % 2);
	write_trace("t.txt", 128, 2, recs);
	write_config("c.json", NULL, "\"trace\": {\"path\": \"t.txt\"}, \"system\": {\"ram\": \"160KiB\"}");
	struct sim a, b;
	struct cfg ca, cb;
	const char *sg[] = { "timing.backend=simgrid" };
	run(&a, &ca, "c.json", NULL, 0);
	run(&b, &cb, "c.json", sg, 1);
	const struct zswap_stats *x = zswap_stats(a.zs), *y = zswap_stats(b.zs);
	ck_assert_uint_gt(x->written_back_pages, 0);
	ck_assert_uint_gt(x->pswpin, 0);
#define EQ(name) ck_assert_msg(x->name == y->name, #name ": none %llu simgrid %llu", \
			       (unsigned long long)x->name, (unsigned long long)y->name);
	ZSWAP_GLOBAL_COUNTERS(EQ)
#undef EQ
	const struct zswap_memcg_stats *m = zswap_memcg_stats(a.zs, 0), *n = zswap_memcg_stats(b.zs, 0);
#define EQ(name) ck_assert_msg(m->name == n->name, "memcg " #name);
	ZSWAP_MEMCG_COUNTERS(EQ)
#undef EQ
	ck_assert_int_gt(lat(&b, "writeback", "count"), 0);
	ck_assert_int_eq(lat(&b, "disk_read", "p50_ns"), 85000 + 1280);
	done(&a, &ca);
	done(&b, &cb);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("timing_simgrid");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_iaa_batch_latency);
	tcase_add_test(tc, test_iaa_contention);
	tcase_add_test(tc, test_open_replay);
	tcase_add_test(tc, test_closed_replay);
	tcase_add_test(tc, test_state_equals_none);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
