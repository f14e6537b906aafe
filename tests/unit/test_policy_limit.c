/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the limit-check policies (models/policy/limit_*.c) on
 * hand-built records with compressed-length hints.
 *
 * Geometry (checked in test_geometry of test_zswap.c): a hint of 4096 is
 * stored raw, one pool page per page.  Default config here: total_ram = 100
 * pages, max_pool_percent 20 -> max 20 pool pages, accept at <= 18.
 * memcg zswap.max: (zswap bytes + extra) / 4096 must stay below max_pages.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "models/zswap.h"
#include "models/zswap_internal.h"
#include "tests/unit/support_zswap.h"

static struct zt_topo meta;
static struct zswap_config cfg;
static char err[256];

static void setup(uint32_t nmemcg, uint32_t nstreams)
{
	zt_topo_init(&meta, 1024, nmemcg, nstreams);
	zt_cfg_init(&cfg, 100);
}

static struct zswap *mk(const char *limit, const char *params)
{
	ck_assert_msg(zt_policy(&cfg, "limit", limit, params, err, sizeof(err)) == 0, "%s", err);
	return zt_create(&cfg, &meta, NULL);
}

/* stats.limit.<key> of the report, as a number. */
static double limit_stat(struct zswap *zs, const char *key)
{
	json_t *stats = json_object();
	double v;

	zswap_report_policies(zs, stats);
	v = json_number_value(json_object_get(json_object_get(stats, "limit"), key));
	json_decref(stats);
	return v;
}

/* 18 raw pages in the pool (slots 0..17): 2 pages below the limit. */
static void fill18(struct zswap *zs)
{
	for (uint32_t s = 0; s < 18; s++)
		ck_assert_int_eq(zt_out(zs, s, 0, 4096, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(zswap_stats(zs)->pool_total_size, 18 * 4096);
}

/*
 * folio-once: 18 < 20, the order-2 raw folio is admitted whole: 22 pool
 * pages, 2 above the limit = 8192 bytes overshoot.  Stored at t = 1 s and
 * invalidated at t = 3 s: 8192 B * 2 s = 16384 byte-seconds.
 */
START_TEST(test_folio_once_overshoots)
{
	setup(1, 1);
	struct zswap *zs = mk("folio-once", NULL);

	fill18(zs);
	zswap_set_now(zs, 1000000000ull);
	ck_assert_int_eq(zt_out(zs, 100, 2, 4096, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(zswap_stats(zs)->pool_total_size, 22 * 4096);
	zswap_set_now(zs, 3000000000ull);
	zt_inval(zs, 100, 2);
	zswap_set_now(zs, 5000000000ull);
	ck_assert_int_eq((int)limit_stat(zs, "overshoot_max_bytes"), 8192);
	ck_assert_double_eq_tol(limit_stat(zs, "overshoot_byte_seconds"), 16384.0, 1e-6);
	ck_assert_int_eq((int)limit_stat(zs, "wasted_compressions"), 0);
	ck_assert_int_eq((int)limit_stat(zs, "rejected_folios"), 0);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/*
 * per-page, same folio: page 0 sees 18 < 20 (stored: 19), page 1 sees 19
 * (stored: 20), page 2 sees 20 >= 20: pool_limit_hit, full, abort.  Two
 * compressions wasted, the two published pages erased (pool back to 18), the
 * folio goes to disk, no overshoot.  The next single page sees 18 <= accept
 * 18: full cleared, stored.
 */
START_TEST(test_per_page_aborts)
{
	setup(1, 1);
	struct zswap *zs = mk("per-page", NULL);
	const struct zswap_stats *st = zswap_stats(zs);

	fill18(zs);
	ck_assert_int_eq(zt_out(zs, 100, 2, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(st->pool_limit_hit, 1);
	ck_assert_uint_eq(st->pool_total_size, 18 * 4096);
	ck_assert_uint_eq(st->pswpout, 4);
	ck_assert_int_eq((int)limit_stat(zs, "wasted_compressions"), 2);
	ck_assert_int_eq((int)limit_stat(zs, "rejected_folios"), 1);
	ck_assert_int_eq((int)limit_stat(zs, "overshoot_max_bytes"), 0);
	ck_assert_int_eq(zt_out(zs, 200, 0, 4096, 0), ZSWAP_OUT_STORED);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/*
 * per-page, one-page folios (zswap_swap_out()'s own path for them): pages
 * see 18 and 19 < 20 (stored: 20 pool pages), the third sees 20 >= 20 at
 * its page 0: pool_limit_hit, an ordinary rejection (not an abort), nothing
 * compressed, the page to disk.
 */
START_TEST(test_per_page_order0)
{
	setup(1, 1);
	struct zswap *zs = mk("per-page", NULL);
	const struct zswap_stats *st = zswap_stats(zs);

	fill18(zs);
	ck_assert_int_eq(zt_out(zs, 100, 0, 4096, 0), ZSWAP_OUT_STORED);
	ck_assert_int_eq(zt_out(zs, 101, 0, 4096, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(st->pool_total_size, 20 * 4096);
	ck_assert_int_eq(zt_out(zs, 102, 0, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(st->pool_limit_hit, 1);
	ck_assert_uint_eq(st->pswpout, 1);
	ck_assert_uint_eq(st->zswpout, 20);
	ck_assert_uint_eq(st->pool_total_size, 20 * 4096);
	ck_assert_int_eq((int)limit_stat(zs, "rejected_folios"), 1);
	ck_assert_int_eq((int)limit_stat(zs, "aborted_folios"), 0);
	ck_assert_int_eq((int)limit_stat(zs, "wasted_compressions"), 0);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/* per-page at a memcg limit: zswap.max 3 pages = 12288 bytes, writeback off
 * (no room can be made).  An order-2 folio of 2040-byte pages: its pages see
 * 0, 2040, 4080, 6120 bytes (0 or 1 page < 3): stored, 8160 bytes.  A second
 * one: its pages see 8160 (1 page), 10200 (2), 12240 (2: stored, 14280 bytes,
 * 1992 above zswap.max: a page's worth of overshoot at most), then 14280 (3
 * >= 3): abort after 3 compressions, the 3 pages erased. */
START_TEST(test_per_page_memcg)
{
	setup(1, 1);
	meta.memcg[0].zswap_max = 3 * 4096;
	meta.memcg[0].writeback = 0;
	struct zswap *zs = mk("per-page", NULL);

	ck_assert_int_eq(zt_out(zs, 0, 2, 2040, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 0)->zswap, 8160);
	ck_assert_int_eq(zt_out(zs, 4, 2, 2040, 0), ZSWAP_OUT_ACTIVATED);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 0)->zswap, 8160);
	ck_assert_int_eq((int)limit_stat(zs, "wasted_compressions"), 3);
	ck_assert_int_eq((int)limit_stat(zs, "overshoot_max_bytes"), 1992);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/*
 * batch-uncompressed: the folio needs 4 pool pages, 18 + 4 = 22 is not below
 * 20: rejected before any compression, counted as a limit hit (full state,
 * shrink worker queued).  A single page then sees 18 <= accept 18 (full
 * cleared) and 18 + 1 < 20: stored.
 */
START_TEST(test_batch_uncompressed_pool)
{
	setup(1, 1);
	struct zswap *zs = mk("batch-uncompressed", NULL);
	const struct zswap_stats *st = zswap_stats(zs);

	fill18(zs);
	ck_assert_int_eq(zt_out(zs, 100, 2, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(st->pool_limit_hit, 1);
	ck_assert_int_eq(zswap_shrink_pending(zs), 1);
	ck_assert_int_eq((int)limit_stat(zs, "wasted_compressions"), 0);
	ck_assert_int_eq((int)limit_stat(zs, "overshoot_max_bytes"), 0);
	ck_assert_int_eq(zt_out(zs, 200, 0, 4096, 0), ZSWAP_OUT_STORED);
	/* 19 + 1 = 20 is not below 20: a second limit hit */
	ck_assert_int_eq(zt_out(zs, 201, 0, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(st->pool_limit_hit, 2);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/*
 * A memcg with zswap.max 10 pages = 40960 bytes, writeback off, order-2
 * folios of 1024-byte pages (4096 bytes charged each).  batch-uncompressed
 * needs 16384 bytes of room: the k-th folio fits while 4096 (k-1) + 16384 <
 * 40960, i.e. k <= 6; the 7th and 8th are rejected.  folio-once admits all 8
 * (32768 bytes = 8 pages < 10); batch-estimate learns ratio 4 from the first
 * folio and estimates 4096 bytes: all 8 fit (28672 + 4096 < 40960).
 * Then an order-2 folio of 3000-byte pages: folio-once (8 < 10 pages) and
 * batch-estimate (32768 + 4096 < 40960) admit it and overshoot by 32768 +
 * 12000 - 40960 = 3808 bytes.
 */
START_TEST(test_batch_memcg_compare)
{
	static const char *const names[] = { "folio-once", "batch-uncompressed", "batch-estimate" };
	static const int stored[] = { 8, 6, 8 };

	for (unsigned p = 0; p < 3; p++) {
		setup(1, 1);
		cfg.total_ram_bytes = 1000 * 4096;
		meta.memcg[0].zswap_max = 10 * 4096;
		meta.memcg[0].writeback = 0;
		struct zswap *zs = mk(names[p], NULL);
		int n = 0;

		for (uint32_t k = 0; k < 8; k++)
			n += zt_out(zs, 4 * k, 2, 1024, 0) == ZSWAP_OUT_STORED;
		ck_assert_msg(n == stored[p], "%s stored %d", names[p], n);
		ck_assert_int_eq((int)limit_stat(zs, "rejected_folios"), 8 - stored[p]);
		if (p != 1) {
			ck_assert_int_eq(zt_out(zs, 100, 2, 3000, 0), ZSWAP_OUT_STORED);
			ck_assert_int_eq((int)limit_stat(zs, "overshoot_max_bytes"), 3808);
			ck_assert_int_eq((int)limit_stat(zs, "overshoot_max_bytes_memcg"), 3808);
		}
		zt_check_inv(zs);
		zswap_destroy(zs);
	}
}
END_TEST

/*
 * batch-estimate with weight 0.5, zswap.max 40960 bytes, writeback off:
 *   A order 2, 1024 B/page: no sample, ratio 1: 16384 fits; sample 16384/4096 = 4 -> avg 4
 *   B order 3, 2048 B/page: 32768/4 = 8192, 4096 + 8192 fits; zswap 20480;
 *     sample 32768/16384 = 2 -> avg 0.5*4 + 0.5*2 = 3
 *   C order 3, 2048 B/page: 32768/3 = 10922.67 -> 10923, 20480 + 10923 =
 *     31403 fits; zswap 36864; avg 0.5*3 + 0.5*2 = 2.5
 *   D order 0, 2048 B: 4096/2.5 = 1638.4 -> 1639, 38503 fits; zswap 38912; avg 2.25
 *   E order 1, 100 B/page: 8192/2.25 = 3640.9 -> 3641, 42553 does not fit:
 *     rejected (it would have fitted: 200 bytes)
 * batch-uncompressed on C: 20480 + 32768 >= 40960: rejected.
 */
START_TEST(test_batch_estimate_ewma)
{
	setup(1, 1);
	cfg.total_ram_bytes = 1000 * 4096;
	meta.memcg[0].zswap_max = 10 * 4096;
	meta.memcg[0].writeback = 0;
	struct zswap *zs = mk("batch-estimate", "{\"name\": \"batch-estimate\", \"weight\": 0.5}");

	ck_assert_int_eq(zt_out(zs, 0, 2, 1024, 0), ZSWAP_OUT_STORED);
	ck_assert_int_eq(zt_out(zs, 8, 3, 2048, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 0)->zswap, 20480);
	ck_assert_int_eq(zt_out(zs, 16, 3, 2048, 0), ZSWAP_OUT_STORED);
	ck_assert_int_eq(zt_out(zs, 24, 0, 2048, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 0)->zswap, 38912);
	ck_assert_int_eq(zt_out(zs, 26, 1, 100, 0), ZSWAP_OUT_ACTIVATED);
	ck_assert_int_eq((int)limit_stat(zs, "rejected_folios"), 1);

	json_t *stats = json_object();
	zswap_report_policies(zs, stats);
	json_t *res = json_object_get(json_object_get(json_object_get(stats, "policy"), "results"),
				      "limit");
	ck_assert_double_eq_tol(json_real_value(json_object_get(res, "ratio_global")), 2.25, 1e-12);
	ck_assert_double_eq_tol(json_real_value(json_array_get(json_object_get(res, "ratio_memcg"), 0)),
				2.25, 1e-12);
	json_decref(stats);
	zt_check_inv(zs);
	zswap_destroy(zs);

	setup(1, 1);
	cfg.total_ram_bytes = 1000 * 4096;
	meta.memcg[0].zswap_max = 10 * 4096;
	meta.memcg[0].writeback = 0;
	zs = mk("batch-uncompressed", NULL);
	ck_assert_int_eq(zt_out(zs, 0, 2, 1024, 0), ZSWAP_OUT_STORED);
	ck_assert_int_eq(zt_out(zs, 8, 3, 2048, 0), ZSWAP_OUT_STORED);
	ck_assert_int_eq(zt_out(zs, 16, 3, 2048, 0), ZSWAP_OUT_ACTIVATED);
	zswap_destroy(zs);
}
END_TEST

/*
 * batch-estimate against the pool: after 18 raw pages (ratio 1) an order-2
 * folio is estimated at 4 pages: 22 is not below 20, rejected.  With
 * initial_ratio 4 and no folio stored yet, an order-4 folio (16 pages) of
 * 1024-byte pages is estimated at 16384 bytes = 4 pages: admitted.
 */
START_TEST(test_batch_estimate_pool)
{
	setup(1, 1);
	struct zswap *zs = mk("batch-estimate", NULL);

	fill18(zs);
	ck_assert_int_eq(zt_out(zs, 100, 2, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(zswap_stats(zs)->pool_limit_hit, 1);
	zswap_destroy(zs);

	setup(1, 1);
	cfg.total_ram_bytes = 30 * 4096;       /* max 6 pool pages */
	zs = mk("batch-estimate", "{\"initial_ratio\": 4}");
	ck_assert_int_eq(zt_out(zs, 0, 4, 1024, 0), ZSWAP_OUT_STORED);
	zswap_destroy(zs);
	zs = mk("batch-uncompressed", NULL);
	ck_assert_int_eq(zt_out(zs, 0, 4, 1024, 0), ZSWAP_OUT_DISK);
	zswap_destroy(zs);
}
END_TEST

/*
 * Jain's index over streams: memcg zswap.max 4 pages = 16384 bytes,
 * writeback off, per-page checks, 2040-byte pages.  Stream 0 stores an
 * order-1 folio (4080 B), stream 1 an order-2 one (pages see at most 10200 B
 * = 2 pages: 12240 B), stream 0 another order-1 (12240 and 14280 B = 3 pages
 * < 4: 16320 B), stream 1 another order-2: page 0 sees 16320 (3 pages,
 * stored, 18360), page 1 sees 18360 (4 >= 4): abort, 1 compression wasted.
 * x0 = 2/2 = 1, x1 = 1/2: J = 1.5^2 / (2 * (1 + 0.25)) = 0.9.
 */
START_TEST(test_per_page_fairness)
{
	setup(1, 2);
	meta.memcg[0].zswap_max = 4 * 4096;
	meta.memcg[0].writeback = 0;
	struct zswap *zs = mk("per-page", NULL);
	struct zswap_folio f;

	f = zt_hint_folio(0, 1, 2040, 0, 0); ck_assert_int_eq(zswap_swap_out(zs, &f), ZSWAP_OUT_STORED);
	f = zt_hint_folio(4, 2, 2040, 0, 1); ck_assert_int_eq(zswap_swap_out(zs, &f), ZSWAP_OUT_STORED);
	f = zt_hint_folio(2, 1, 2040, 0, 0); ck_assert_int_eq(zswap_swap_out(zs, &f), ZSWAP_OUT_STORED);
	f = zt_hint_folio(8, 2, 2040, 0, 1); ck_assert_int_eq(zswap_swap_out(zs, &f), ZSWAP_OUT_ACTIVATED);
	ck_assert_double_eq_tol(limit_stat(zs, "jain_fairness"), 0.9, 1e-12);
	ck_assert_int_eq((int)limit_stat(zs, "wasted_compressions"), 1);
	ck_assert_int_eq((int)limit_stat(zs, "overshoot_max_bytes"), 18360 - 16384);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/* Parameters: defaults, range errors, unknown keys (rejected when the
 * config is loaded, before any model is made). */
START_TEST(test_limit_params)
{
	setup(1, 1);
	ck_assert_int_eq(zt_policy(&cfg, "limit", "batch-estimate", "{\"weight\": 0}", err,
				   sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "weight") && strstr(err, "range"), "%s", err);
	ck_assert_int_eq(zt_policy(&cfg, "limit", "batch-estimate", "{\"ratio\": 2}", err,
				   sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "'ratio'") && strstr(err, "initial_ratio"), "%s", err);
	ck_assert_int_eq(zt_policy(&cfg, "limit", "per-page", "{\"weight\": 1}", err,
				   sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "takes none"), "%s", err);

	const struct zswap_limit_policy *p = policy_find_limit("batch-estimate");
	void *st;
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(policy_parse_params(&p->c, "limit", NULL, &st, err, sizeof(err)), 0);
	ck_assert_double_eq(*(double *)st, 0.125);
	free(st);
	ck_assert_ptr_nonnull(policy_find_limit("per-page"));
	ck_assert_ptr_nonnull(policy_find_limit("batch-uncompressed"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy_limit");
	TCase *tc = tcase_create("limit");

	tcase_add_test(tc, test_folio_once_overshoots);
	tcase_add_test(tc, test_per_page_aborts);
	tcase_add_test(tc, test_per_page_memcg);
	tcase_add_test(tc, test_per_page_order0);
	tcase_add_test(tc, test_batch_uncompressed_pool);
	tcase_add_test(tc, test_batch_memcg_compare);
	tcase_add_test(tc, test_batch_estimate_ewma);
	tcase_add_test(tc, test_batch_estimate_pool);
	tcase_add_test(tc, test_per_page_fairness);
	tcase_add_test(tc, test_limit_params);
	suite_add_tcase(s, tc);
	return zt_run_suite(s);
}
