/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the writeback policies (models/policy/wb_*.c) on hand-built
 * records with compressed-length hints: 2040 bytes (two per pool page) or
 * 4096 (stored raw, one page each).  total_ram = 100 pages, max_pool_percent
 * 20 -> pool limit 20 pages, accept at <= 18.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "models/zswap.h"
#include "models/zswap_internal.h"
#include "tests/unit/support_zswap.h"

static struct zt_topo meta;
static struct zswap_config cfg;
static char err[256];

static void setup(void)
{
	zt_topo_init(&meta, 256, 1, 1);
	zt_cfg_init(&cfg, 100);
}

static struct zswap *mk(const char *wb, const char *params, const char *lru)
{
	ck_assert_msg(zt_policy(&cfg, "writeback", wb, params, err, sizeof(err)) == 0, "%s", err);
	if (lru)
		ck_assert_msg(zt_policy(&cfg, "lru", lru, NULL, err, sizeof(err)) == 0, "%s", err);
	return zt_create(&cfg, &meta, NULL);
}

static enum zswap_out_result out_at(struct zswap *zs, uint32_t slot, uint32_t hint, uint64_t t)
{
	struct zswap_folio f = zt_hint_folio(slot, 0, hint, 0, 0);

	zswap_set_now(zs, t);
	return zswap_swap_out(zs, &f);
}

static json_t *results(struct zswap *zs, json_t *stats)
{
	zswap_report_policies(zs, stats);
	return json_object_get(json_object_get(json_object_get(stats, "policy"), "results"),
			       "writeback");
}

struct io_log { unsigned writes, pages; };

static void h_write(void *ctx, int who, uint32_t slot, unsigned nr)
{
	struct io_log *l = ctx;

	(void)who;
	(void)slot;
	l->writes++;
	l->pages += nr;
}

static const struct zswap_timing io_hooks = { .disk_write = h_write };

/*
 * off: writeback disabled in every memcg.  An incompressible page is rejected
 * (lzo, no compressor given: -EINVAL, reject_compress_fail) and stays resident; 39 pages of 2040 bytes fill the
 * pool to 20 pages (two per page); the 40th sees 20 >= 20, is rejected and
 * stays resident; the shrink worker it queues finds no candidate (16 empty
 * tree walks) and writes nothing back.
 */
START_TEST(test_off)
{
	setup();
	struct zswap *zs = mk("off", NULL, NULL);
	const struct zswap_stats *st = zswap_stats(zs);

	ck_assert_int_eq(zs->memcg[0].wb_enabled, 0);
	ck_assert_int_eq(out_at(zs, 200, 4096, 0), ZSWAP_OUT_ACTIVATED);
	ck_assert_uint_eq(st->reject_compress_fail, 1);
	for (uint32_t s = 0; s < 39; s++)
		ck_assert_int_eq(out_at(zs, s, 2040, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(st->pool_total_size, 20 * 4096);
	ck_assert_int_eq(out_at(zs, 39, 2040, 0), ZSWAP_OUT_ACTIVATED);
	ck_assert_int_eq(zswap_shrink_pending(zs), 1);
	zswap_shrink_worker(zs);
	ck_assert_uint_eq(st->written_back_pages, 0);
	ck_assert_uint_eq(st->pswpout, 0);
	ck_assert_uint_eq(st->sim_reactivated_pages, 2);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/*
 * shrinker: a pass every 8 swapped-out pages at priority 0, whatever
 * zswap.shrinker_enabled says (0 here).  After 8 pages of 2040 bytes:
 * count = lru_len 8 * nr_backing (16320 >> 12 = 3) / nr_stored 8 = 3;
 * scan = (3 >> 0) * 4 / 2 = 6 (<= 2 * 3), one batch of 6 since 6 >= 3.
 * fifo writes back the 6 oldest; kernel only rotates them (second chance).
 * pool-limit with shrinker_enabled = 0 runs no pass at all.
 */
START_TEST(test_shrinker)
{
	const char *wb[] = { "shrinker", "shrinker", "pool-limit" };
	const char *lru[] = { "fifo", "kernel", "fifo" };
	const uint64_t written[] = { 6, 0, 0 }, scans[] = { 1, 1, 0 };

	for (unsigned i = 0; i < 3; i++) {
		setup();
		cfg.shrinker_every = 8;
		cfg.shrinker_priority = 0;
		struct zswap *zs = mk(wb[i], NULL, lru[i]);
		const struct zswap_stats *st = zswap_stats(zs);

		for (uint32_t s = 0; s < 8; s++)
			ck_assert_int_eq(out_at(zs, s, 2040, 0), ZSWAP_OUT_STORED);
		ck_assert_msg(st->written_back_pages == written[i], "%s/%s wrote back %llu", wb[i],
			      lru[i], (unsigned long long)st->written_back_pages);
		ck_assert_uint_eq(st->sim_shrinker_scans, scans[i]);
		ck_assert_uint_eq(st->stored_pages, 8 - written[i]);
		zt_check_inv(zs);
		zswap_destroy(zs);
	}
}
END_TEST

/*
 * proactive-age, age 100 ns, period 1000 ns, batch 2.  Stores: slot 0 at
 * t 10, 1 at t 500, 2 at t 950.  First pass at t 1000: 0 (age 990) and 1
 * (age 500) written back in one submission of 2 pages; 2 (age 50) stops the
 * walk.  Next pass at t 2000: 2 (age 1050) written back, flushed alone.  The
 * referenced bits of the kernel LRU are not consulted.
 */
START_TEST(test_proactive_age)
{
	setup();
	struct zswap *zs = mk("proactive-age",
			      "{\"age_ns\": 100, \"period_ns\": 1000, \"batch\": 2}", NULL);
	const struct zswap_stats *st = zswap_stats(zs);
	struct io_log log = { 0, 0 };

	zswap_set_timing(zs, &io_hooks, &log);
	out_at(zs, 0, 2040, 10);
	out_at(zs, 1, 2040, 500);
	out_at(zs, 2, 2040, 950);
	ck_assert_uint_eq(zswap_next_timer(zs), 1000);
	zswap_set_now(zs, 1000);
	zswap_timer(zs);
	ck_assert_uint_eq(st->written_back_pages, 2);
	ck_assert_uint_eq(log.writes, 1);
	ck_assert_uint_eq(log.pages, 2);
	ck_assert_uint_eq(zs->memcg[0].lru_head, 2);
	ck_assert_uint_eq(zswap_next_timer(zs), 2000);
	zswap_set_now(zs, 2000);
	zswap_timer(zs);
	ck_assert_uint_eq(st->written_back_pages, 3);
	ck_assert_uint_eq(log.writes, 2);
	ck_assert_uint_eq(log.pages, 3);
	ck_assert_uint_eq(st->zswpwb, 3);

	json_t *stats = json_object();
	json_t *res = results(zs, stats);
	ck_assert_int_eq(json_integer_value(json_object_get(res, "passes")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(res, "proactive_written_back_pages")), 3);
	json_decref(stats);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

static void h_moved(void *ctx)
{
	(*(unsigned *)ctx)++;
}

static const struct zswap_timing moved_hooks = { .timer_moved = h_moved };

static void inval(struct zswap *zs, uint32_t slot)
{
	struct zswap_folio f = zt_hint_folio(slot, 0, 0, 0, 0);

	zswap_invalidate(zs, &f);
}

/*
 * What lets the simgrid worker sleep past idle passes: proactive-age, age
 * 30 us, period 1 us.  The first useful pass is the first period boundary at
 * or after the oldest head's store + 30 us; the timing hook timer_moved fires
 * whenever a list's head changes (a first entry, the head removed), and only
 * then; passes the engine knows were idle are counted without running.  An
 * entry rotated to the tail keeps its age, so removing the head in front of
 * it makes the first useful pass earlier.
 */
START_TEST(test_proactive_age_next_due)
{
	setup();
	struct zswap *zs = mk("proactive-age", "{\"age_ns\": 30000, \"period_ns\": 1000}", NULL);
	unsigned moved = 0;

	zswap_set_timing(zs, &moved_hooks, &moved);
	ck_assert_uint_eq(zswap_next_timer(zs), 1000);
	ck_assert_uint_eq(zswap_next_due_timer(zs), UINT64_MAX);    /* empty lists */
	out_at(zs, 0, 2040, 100);
	ck_assert_uint_eq(moved, 1);                                  /* a first entry */
	ck_assert_uint_eq(zswap_next_due_timer(zs), 31000);          /* 30100 rounded up */
	out_at(zs, 1, 2040, 5000);
	ck_assert_uint_eq(moved, 1);                                  /* at the tail */
	zswap_lru_move_tail(zs, &zs->memcg[0], 0);                   /* a rotation */
	ck_assert_uint_eq(moved, 2);
	ck_assert_uint_eq(zs->memcg[0].lru_head, 1);
	ck_assert_uint_eq(zswap_next_due_timer(zs), 35000);
	zswap_skip_known_idle_timers(zs, 29999);                     /* 1000 .. 29000 */
	ck_assert_uint_eq(zswap_next_timer(zs), 30000);
	inval(zs, 1);                                                 /* exposes slot 0 */
	ck_assert_uint_eq(moved, 3);
	ck_assert_uint_eq(zswap_next_due_timer(zs), 31000);
	/* the none engine's skip checks the state: the pass at 31000 is not idle */
	zswap_skip_idle_timers(zs, 50000);
	ck_assert_uint_eq(zswap_next_timer(zs), 31000);
	zswap_set_now(zs, 31000);
	zswap_timer(zs);
	ck_assert_uint_eq(zswap_stats(zs)->written_back_pages, 1);
	ck_assert_uint_eq(moved, 4);                                  /* the list emptied */
	ck_assert_uint_eq(zswap_next_due_timer(zs), UINT64_MAX);

	json_t *stats = json_object();
	json_t *res = results(zs, stats);
	ck_assert_int_eq(json_integer_value(json_object_get(res, "passes")), 31);   /* 29 + 1 + 1 */
	json_decref(stats);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/* A late timer (the engine jumped past several periods) runs one pass and
 * schedules the next one period after now. */
START_TEST(test_proactive_age_late)
{
	setup();
	struct zswap *zs = mk("proactive-age", "{\"age_ns\": 0, \"period_ns\": 1000}", NULL);

	out_at(zs, 0, 2040, 10);
	zswap_set_now(zs, 5500);
	zswap_timer(zs);
	ck_assert_uint_eq(zswap_stats(zs)->written_back_pages, 1);
	ck_assert_uint_eq(zswap_next_timer(zs), 6500);
	zswap_destroy(zs);
}
END_TEST

/* batch = 4 on the pool-limit shrink worker: 20 raw pages, fifo, worker
 * writes back 2 (down to 18): one submission of 2 pages at the end. */
START_TEST(test_batch_worker)
{
	setup();
	struct zswap *zs = mk("shrinker", "{\"batch\": 4}", "fifo");
	struct io_log log = { 0, 0 };

	for (uint32_t s = 0; s < 20; s++)
		ck_assert_int_eq(out_at(zs, s, 4096, 0), ZSWAP_OUT_STORED);
	zswap_set_timing(zs, &io_hooks, &log);
	ck_assert_int_eq(out_at(zs, 40, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(log.writes, 1);            /* the rejected page itself */
	zswap_shrink_worker(zs);
	ck_assert_uint_eq(zswap_stats(zs)->written_back_pages, 2);
	ck_assert_uint_eq(log.writes, 2);
	ck_assert_uint_eq(log.pages, 3);
	zswap_destroy(zs);
}
END_TEST

START_TEST(test_wb_registry)
{
	const char *names[] = { "pool-limit", "shrinker", "proactive-age", "off" };

	for (unsigned i = 0; i < 4; i++)
		ck_assert_ptr_nonnull(policy_find_wb(names[i]));
	setup();
	ck_assert_int_eq(zt_policy(&cfg, "writeback", "proactive-age", "{\"period_ns\": 10}", err,
				   sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "period_ns") && strstr(err, "range"), "%s", err);
	ck_assert_int_eq(zt_policy(&cfg, "writeback", "off", "{\"batch\": 2}", err, sizeof(err)),
			 -EINVAL);
	ck_assert_msg(strstr(err, "takes none"), "%s", err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy_wb");
	TCase *tc = tcase_create("writeback");

	tcase_add_test(tc, test_off);
	tcase_add_test(tc, test_shrinker);
	tcase_add_test(tc, test_proactive_age);
	tcase_add_test(tc, test_proactive_age_late);
	tcase_add_test(tc, test_proactive_age_next_due);
	tcase_add_test(tc, test_batch_worker);
	tcase_add_test(tc, test_wb_registry);
	suite_add_tcase(s, tc);
	return zt_run_suite(s);
}
