/* SPDX-License-Identifier: MIT */
/*
 * Kernel-parity regressions found by the audit of the zswap model against
 * Linux 6.18 (docs/kernel-parity.md §3): each case failed on the model before
 * its fix.  Expected values are worked out by hand next to the asserts.
 *
 * Sizes: hint 2040 -> 2048-byte zsmalloc object, 2 per 1-page zspage; hint
 * 4096 -> stored raw (length 4096, one huge page) when writeback is allowed.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "models/zswap.h"
#include "models/zswap_internal.h"
#include "models/compressor.h"
#include "tests/unit/support_zswap.h"

static struct zt_topo meta;
static struct zswap_config cfg;

/*
 * mm/list_lru.c __list_lru_walk_one() walks with list_for_each_safe(): the
 * next item is read before shrink_memcg_cb() runs, and only LRU_RETRY /
 * LRU_REMOVED_RETRY restart from the head.  LRU_ROTATE of the only entry
 * moves it to the tail of a one-entry list, the next item is the list head,
 * and the walk ends with budget left.
 *
 * One raw entry (hint 4096, writeback allowed): MEMCG_ZSWAP_B 4096 ->
 * nr_backing 1, nr_stored 1, list length 1: count = mult_frac(1, 1, 1) = 1.
 * Pass 1 at priority 0: nr = 0, delta = (1 >> 0) * 4 / 2 = 2, total_scan =
 * min(0 + 2, 2 * 1) = 2 >= freeable 1: scan 2.  The walk rotates the entry
 * (clears referenced) and ends: 0 written back -> SHRINK_STOP, scanned 0,
 * nr_deferred = min(0 + 2 - 0, 2) = 2.  (Before the fix the walk went on and
 * wrote the entry back: pass 1 returned 1, nr_deferred 0.)
 * Pass 2: count 1, nr = 2, total_scan = min((2 >> 0) + 2, 2) = 2: the entry
 * is unreferenced now and written back (LRU_REMOVED_RETRY, restart on an
 * empty list): returns 1, scanned 2, nr_deferred = min(2 + 2 - 2, 2) = 2.
 */
START_TEST(test_walk_single_referenced_entry)
{
	zt_topo_init(&meta, 64, 1, 1);
	zt_cfg_init(&cfg, 100);
	cfg.shrinker_enabled = 1;
	struct zswap *zs = zt_create(&cfg, &meta, NULL);
	const struct zswap_stats *st = zswap_stats(zs);
	struct zswap_memcg *mc = &zs->memcg[0];

	ck_assert_int_eq(zt_out(zs, 0, 0, 4096, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(zswap_shrinker_count(zs, mc), 1);
	ck_assert_uint_eq(zswap_shrinker_pass(zs, mc, 0, 0), 0);
	ck_assert_uint_eq(st->written_back_pages, 0);
	ck_assert_uint_eq(st->sim_shrinker_scans, 1);
	ck_assert_uint_eq(mc->nr_deferred, 2);
	ck_assert_uint_eq(zs->slots[0].state, ZSWAP_S_ZSWAP);   /* referenced cleared */

	ck_assert_uint_eq(zswap_shrinker_pass(zs, mc, 0, 0), 1);
	ck_assert_uint_eq(st->written_back_pages, 1);
	ck_assert_uint_eq(st->zswpwb, 1);
	ck_assert_uint_eq(st->pswpout, 1);
	ck_assert_uint_eq(mc->nr_deferred, 2);
	ck_assert_uint_eq(zs->slots[0].state & ZSWAP_S_MASK, ZSWAP_S_DISK);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/*
 * With a second entry behind it the walk goes on: list [0 ref, 1 ref], 3 to
 * walk: rotate 0 (next was 1) -> [1, 0]; rotate 1 (next was 0) -> [0, 1];
 * 0 is unreferenced: written back, restart -> [1], budget spent.  Returns 1.
 */
START_TEST(test_walk_two_referenced_entries)
{
	zt_topo_init(&meta, 64, 1, 1);
	zt_cfg_init(&cfg, 100);
	cfg.shrinker_enabled = 1;
	struct zswap *zs = zt_create(&cfg, &meta, NULL);
	struct zswap_memcg *mc = &zs->memcg[0];

	zt_out(zs, 0, 0, 2040, 0);
	zt_out(zs, 1, 0, 2040, 0);
	ck_assert_uint_eq(zswap_shrinker_scan(zs, mc, 3, 0), 1);
	ck_assert_uint_eq(zs->slots[0].state & ZSWAP_S_MASK, ZSWAP_S_DISK);
	ck_assert_uint_eq(zs->slots[1].state, ZSWAP_S_ZSWAP);   /* referenced cleared */
	ck_assert_uint_eq(zswap_lru_head(mc), 1);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/*
 * zswap_compress() with memory.zswap.writeback = 0 keeps the compressor's
 * errno: -ENOSPC -> reject_compress_poor, anything else (and a successful
 * dlen of 0 or >= PAGE_SIZE, made -EINVAL) -> reject_compress_fail.  Output
 * that does not fit the PAGE_SIZE destination is -EINVAL for lzo (the 6.18
 * default, also the codec without a compressor), lz4 and zstd, -E2BIG for
 * IAA, and -ENOSPC only for deflate.  (Before the fix a hint >= 4096 was
 * "poor" whatever the codec.)
 */
START_TEST(test_hint_incompressible_errno_by_codec)
{
	static const struct { int codec; int poor; } cases[] = {
		{ -1, 0 },                   /* no compressor: lzo */
		{ CODEC_LZO, 0 }, { CODEC_LZ4, 0 }, { CODEC_ZSTD, 0 },
		{ CODEC_DEFLATE, 1 }, { CODEC_DEFLATE_IAA, 0 },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct compressor c;

		memset(&c, 0, sizeof(c));
		c.codec = cases[i].codec;
		zt_topo_init(&meta, 64, 1, 1);
		zt_cfg_init(&cfg, 100);
		meta.memcg[0].writeback = 0;
		struct zswap *zs = zt_create(&cfg, &meta, cases[i].codec < 0 ? NULL : &c);
		const struct zswap_stats *st = zswap_stats(zs);

		ck_assert_int_eq(zt_out(zs, 0, 0, 4096, 0), ZSWAP_OUT_ACTIVATED);
		ck_assert_uint_eq(st->reject_compress_poor, (uint64_t)cases[i].poor);
		ck_assert_uint_eq(st->reject_compress_fail, (uint64_t)!cases[i].poor);
		/* a hint of 0 is "!dlen": -EINVAL for every codec */
		ck_assert_int_eq(zt_out(zs, 1, 0, 0, 0), ZSWAP_OUT_ACTIVATED);
		ck_assert_uint_eq(st->reject_compress_fail, (uint64_t)!cases[i].poor + 1);
		ck_assert_uint_eq(st->stored_pages, 0);
		zswap_destroy(zs);
	}
}
END_TEST

/*
 * mm/swap_state.c swapin_nr_pages() sizes the cluster readahead window:
 * swapin_readahead_hits starts at 4; hits h > 0 give pages = the power of two
 * >= h + 2 (at least 4); no hits give 2 for a fault next to prev_offset, else
 * 1; at most 2^page_cluster = 8; never below half the previous window
 * (last_readahead_pages / 2); prev_offset moves only when there were no hits.
 * The window is the aligned block offset & ~mask .. offset | mask.
 * 48 zswap entries in slots 0..47 (24 pool pages, limit 200 of 1000):
 *   in 20: hits 4 -> 6 -> 8 pages: 16..23, zswpin 8; last 8, prev 0
 *   in 40: no hits, 40 not next to 0 -> 1, but >= 8 / 2 = 4: 40..43, zswpin 12;
 *          last 4, prev 40
 *   in 30: 1, >= 4 / 2 = 2: 30..31, zswpin 14; last 2, prev 30
 *   in 45: 1, >= 2 / 2 = 1: no readahead, zswpin 15; last 1, prev 45
 *   in 46: next to 45 -> 2 (>= 0): 46..47, zswpin 17; last 2, prev 46
 *   in 21, 22, 23, 47: swap-cache hits on readahead folios: hits 4; in 20
 *          (the first fault, not read ahead) is a hit without PG_readahead
 *   in 0: hits 4 -> 8: 0..7, zswpin 25; last 8, prev stays 46
 * (Before the fix every fault read the whole 8-slot block: in 40 already
 * gave zswpin 16.)  A recorded readahead read (ZSWAP_FOLIO_READAHEAD) leaves a
 * readahead folio too: reading 10 that way, then faulting on it, is a hit.
 */
START_TEST(test_readahead_window_adapts)
{
	zt_topo_init(&meta, 1024, 1, 1);
	zt_cfg_init(&cfg, 1000);
	cfg.page_cluster = 3;
	struct zswap *zs = zt_create(&cfg, &meta, NULL);
	const struct zswap_stats *st = zswap_stats(zs);
	static const struct { uint32_t slot; uint64_t zswpin, last, prev; } faults[] = {
		{ 20, 8, 8, 0 }, { 40, 12, 4, 40 }, { 30, 14, 2, 30 },
		{ 45, 15, 1, 45 }, { 46, 17, 2, 46 },
	};

	for (uint32_t s = 0; s < 48; s++)
		ck_assert_int_eq(zt_out(zs, s, 0, 2040, 0), ZSWAP_OUT_STORED);
	for (unsigned i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		ck_assert_int_eq(zt_in(zs, faults[i].slot), ZSWAP_IN_ZSWAP);
		ck_assert_uint_eq(st->zswpin, faults[i].zswpin);
		ck_assert_uint_eq(zs->ra_last_pages, faults[i].last);
		ck_assert_uint_eq(zs->ra_prev_offset, faults[i].prev);
		ck_assert_uint_eq(zs->ra_hits, 0);
	}
	ck_assert_int_eq(zs->slots[17].state & ZSWAP_S_MASK, ZSWAP_S_NONE);
	ck_assert_int_eq(zs->slots[44].state & ZSWAP_S_MASK, ZSWAP_S_ZSWAP);  /* outside 40..43 */
	ck_assert_int_eq(zs->slots[32].state & ZSWAP_S_MASK, ZSWAP_S_ZSWAP);  /* outside 30..31 */

	ck_assert_int_eq(zt_in(zs, 20), ZSWAP_IN_ABSENT);
	ck_assert_uint_eq(zs->ra_hits, 0);
	ck_assert_int_eq(zt_in(zs, 21), ZSWAP_IN_ABSENT);
	ck_assert_int_eq(zt_in(zs, 22), ZSWAP_IN_ABSENT);
	ck_assert_int_eq(zt_in(zs, 23), ZSWAP_IN_ABSENT);
	ck_assert_int_eq(zt_in(zs, 47), ZSWAP_IN_ABSENT);
	ck_assert_uint_eq(zs->ra_hits, 4);
	ck_assert_int_eq(zt_in(zs, 21), ZSWAP_IN_ABSENT);   /* flag cleared: no second hit */
	ck_assert_uint_eq(zs->ra_hits, 4);
	ck_assert_uint_eq(st->zswpin, 17);

	ck_assert_int_eq(zt_in(zs, 0), ZSWAP_IN_ZSWAP);
	ck_assert_uint_eq(st->zswpin, 25);
	ck_assert_uint_eq(zs->ra_last_pages, 8);
	ck_assert_uint_eq(zs->ra_prev_offset, 46);
	ck_assert_uint_eq(zs->ra_hits, 0);
	ck_assert_uint_eq(st->stored_pages, 48 - 25);

	struct zswap_folio ra = zt_hint_folio(10, 0, 0, 0, 0);

	ra.flags = ZSWAP_FOLIO_READAHEAD;
	ck_assert_int_eq(zswap_swap_in(zs, &ra), ZSWAP_IN_ZSWAP);
	ck_assert_uint_eq(st->zswpin, 26);                  /* not expanded again */
	ck_assert_int_eq(zt_in(zs, 10), ZSWAP_IN_ABSENT);
	ck_assert_uint_eq(zs->ra_hits, 1);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

static Suite *parity_suite(void)
{
	Suite *s = suite_create("zswap_parity");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_walk_single_referenced_entry);
	tcase_add_test(tc, test_walk_two_referenced_entries);
	tcase_add_test(tc, test_hint_incompressible_errno_by_codec);
	tcase_add_test(tc, test_readahead_window_adapts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return zt_run_suite(parity_suite());
}
