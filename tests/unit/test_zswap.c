/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the zswap model on hand-built record sequences.
 *
 * Sizes used throughout (zsmalloc geometry, checked in test_geometry):
 *   hint 2040 -> object 2048 B (with the 8-byte handle): 2 per 1-page zspage
 *   hint 1016 -> object 1024 B: 4 per 1-page zspage
 *   hint 4096 (or >= 4096, or 0) -> stored raw: a huge object, 1 page each
 * Default config: total_ram = 100 pages, max_pool_percent 20 -> max 20 pages,
 * accept_threshold_percent 90 -> accept at <= 18 pages.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <jansson.h>
#include <gsl/gsl_rng.h>

#include "models/zswap.h"
#include "models/zswap_internal.h"
#include "models/pool.h"
#include "models/policy/policy.h"
#include "tests/unit/support_zswap.h"

static struct zt_topo meta;
static struct zswap_config cfg;
static char err[256];

static void setup_meta(uint32_t nmemcg, uint32_t nstreams)
{
	zt_topo_init(&meta, 1024, nmemcg, nstreams);
}

static void setup_cfg(void)
{
	zt_cfg_init(&cfg, 100);
}

static struct zswap *mk(void)
{
	return zt_create(&cfg, &meta, NULL);
}

/* ---- geometry the expected values below rely on ------------------------------ */

START_TEST(test_geometry)
{
	ck_assert_uint_eq(zs_class_size_for(2040), 2048);
	ck_assert_uint_eq(zs_pages_per_zspage(2040), 1);
	ck_assert_uint_eq(zs_objs_per_zspage(2040), 2);
	ck_assert_uint_eq(zs_class_size_for(1016), 1024);
	ck_assert_uint_eq(zs_objs_per_zspage(1016), 4);
	ck_assert_int_eq(zs_is_huge(4096), 1);
}
END_TEST

/* A slot's entry is 16 bytes; store times add 8 where the run keeps them:
 * a policy reads them, or a hook may run another actor mid-writeback. */
START_TEST(test_bytes_per_slot)
{
	static const struct zswap_timing none_hooks = { 0 };

	setup_meta(1, 1); setup_cfg();
	struct zswap *zs = mk();

	ck_assert_uint_eq(zswap_bytes_per_slot(zs), 16);
	zswap_set_timing(zs, &none_hooks, NULL);
	ck_assert_uint_eq(zswap_bytes_per_slot(zs), 24);
	zswap_destroy(zs);

	struct zswap_config c = cfg;

	c.lru_policy = policy_find_lru("lru");
	ck_assert_ptr_nonnull(c.lru_policy);
	zs = zt_create(&c, &meta, NULL);
	ck_assert_uint_eq(zswap_bytes_per_slot(zs), 24);
	zswap_destroy(zs);
}
END_TEST

/* ---- the slot array's first touch -------------------------------------------- */

/* Is the page holding p mapped in (mincore())? */
static int resident(const void *p)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095;
	unsigned char v = 0;

	ck_assert_int_eq(mincore((void *)a, 4096, &v), 0);
	return v & 1;
}

/* zswap_prefault_slots() maps the entries asked for and no others far from
 * them (a huge page may take up to 2 MiB either side), leaves them zeroed,
 * and leaves the model as it was: a slot there stores and loads as usual. */
START_TEST(test_prefault_slots)
{
	const uint32_t G = 1u << 16;   /* 2 MiB of 32-byte entries */

	zt_topo_init(&meta, 6 * G, 1, 1);
	setup_cfg();
	struct zswap *zs = mk();

	ck_assert_int_eq(resident(&zs->slots[G + 100]), 0);
	ck_assert_int_eq(resident(&zs->slots[5 * G]), 0);
	ck_assert_int_eq(zswap_prefault_slots(zs, G, G), 0);
	ck_assert_int_eq(resident(&zs->slots[G]), 1);
	ck_assert_int_eq(resident(&zs->slots[G + 100]), 1);
	ck_assert_int_eq(resident(&zs->slots[2 * G - 1]), 1);
	ck_assert_int_eq(resident(&zs->slots[5 * G]), 0);
	for (uint32_t i = G; i < 2 * G; i++)
		ck_assert_int_eq(zswap_slot_has_data(zs, i), 0);
	/* past the end: nothing to do; across it: clipped */
	ck_assert_int_eq(zswap_prefault_slots(zs, 6 * G, G), 0);
	ck_assert_int_eq(zswap_prefault_slots(zs, 6 * G - 1, G), 0);
	ck_assert_int_eq(resident(&zs->slots[6 * G - 1]), 1);
	ck_assert_int_eq(zt_out(zs, G + 100, 0, 2040, 0), ZSWAP_OUT_STORED);
	ck_assert_int_eq(zt_in(zs, G + 100), ZSWAP_IN_ZSWAP);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/* ---- store / load / invalidate ----------------------------------------------- */

START_TEST(test_store_basic)
{
	setup_meta(1, 1); setup_cfg();
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);
	const struct zswap_memcg_stats *m = zswap_memcg_stats(zs, 0);

	ck_assert_int_eq(zt_out(zs, 0, 0, 2040, 0), ZSWAP_OUT_STORED);
	/* one 2048-byte object opens a 1-page zspage */
	ck_assert_uint_eq(st->stored_pages, 1);
	ck_assert_uint_eq(st->pool_total_size, 4096);
	ck_assert_uint_eq(st->zswpout, 1);
	ck_assert_uint_eq(m->zswap, 2040);       /* exact compressed length */
	ck_assert_uint_eq(m->zswapped, 4096);    /* original bytes */
	ck_assert_uint_eq(zt_out(zs, 1, 0, 2040, 0), ZSWAP_OUT_STORED);
	/* second object fills the same zspage */
	ck_assert_uint_eq(st->pool_total_size, 4096);
	ck_assert_uint_eq(m->zswap, 4080);
	ck_assert_uint_eq(m->zswpout, 2);
	ck_assert_uint_eq(st->stored_pages_peak, 2);
	ck_assert_uint_eq(st->sim_stored_folios, 2);
	zt_check_inv(zs);
	zt_inval(zs, 0, 0);
	zt_inval(zs, 1, 0);
	ck_assert_uint_eq(st->stored_pages, 0);
	ck_assert_uint_eq(st->pool_total_size, 0);
	ck_assert_uint_eq(st->pool_total_size_peak, 4096);
	ck_assert_uint_eq(m->zswap, 0);
	ck_assert_uint_eq(m->zswap_peak, 4080);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

START_TEST(test_large_folio)
{
	setup_meta(1, 1); setup_cfg();
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);

	/* order 2: four 1024-byte objects, one page; zswpout counts pages */
	ck_assert_int_eq(zt_out(zs, 8, 2, 1016, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(st->stored_pages, 4);
	ck_assert_uint_eq(st->pool_total_size, 4096);
	ck_assert_uint_eq(st->zswpout, 4);
	ck_assert_uint_eq(st->sim_stored_folios, 1);
	/* swap-in is per base page */
	ck_assert_int_eq(zt_in(zs, 9), ZSWAP_IN_ZSWAP);
	ck_assert_uint_eq(st->stored_pages, 3);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

START_TEST(test_zero_folio)
{
	setup_meta(1, 1); setup_cfg();
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);
	struct zswap_folio f = zt_hint_folio(4, 2, 0, 0, 0);

	f.content.zero = 1;
	ck_assert_int_eq(zswap_swap_out(zs, &f), ZSWAP_OUT_ZERO);
	ck_assert_uint_eq(st->swpout_zero, 4);
	ck_assert_uint_eq(st->stored_pages, 0);
	ck_assert_uint_eq(st->zswpout, 0);
	ck_assert_int_eq(zt_in(zs, 5), ZSWAP_IN_ZERO);
	ck_assert_uint_eq(st->swpin_zero, 1);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 0)->swpin_zero, 1);
	ck_assert_int_eq(zt_in(zs, 5), ZSWAP_IN_ABSENT);
	zswap_destroy(zs);
}
END_TEST

START_TEST(test_exclusive_load)
{
	setup_meta(1, 1); setup_cfg();
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);

	zt_out(zs, 5, 0, 2040, 0);
	ck_assert_int_eq(zt_in(zs, 5), ZSWAP_IN_ZSWAP);
	ck_assert_uint_eq(st->zswpin, 1);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 0)->zswpin, 1);
	/* the load freed the entry: compressed memory and charge released */
	ck_assert_uint_eq(st->stored_pages, 0);
	ck_assert_uint_eq(st->pool_total_size, 0);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 0)->zswap, 0);
	ck_assert_int_eq(zt_in(zs, 5), ZSWAP_IN_ABSENT);
	ck_assert_uint_eq(st->zswpin, 1);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/*
 * A trace that starts mid-run faults on slots it never swapped out: nothing
 * is read, and each such page counts once in sim_in_unknown_slot.  A second
 * fault on a slot the replay did swap out (already read, so a swap-cache
 * hit), one on a reactivated slot and one after an invalidation are not
 * unknown: the replay knows what became of those slots.
 */
START_TEST(test_in_unknown_slot)
{
	setup_meta(2, 1); setup_cfg();
	meta.memcg[1].writeback = 0;
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);
	struct zswap_folio in = zt_hint_folio(40, 2, 0, 0, 0);

	ck_assert_int_eq(zt_in(zs, 7), ZSWAP_IN_ABSENT);
	ck_assert_uint_eq(st->sim_in_unknown_slot, 1);
	/* an order-2 swap-in of 4 unknown slots: 4 pages */
	ck_assert_int_eq(zswap_swap_in(zs, &in), ZSWAP_IN_ABSENT);
	ck_assert_uint_eq(st->sim_in_unknown_slot, 5);
	/* known slots: stored then read twice, reactivated, invalidated */
	zt_out(zs, 5, 0, 2040, 0);
	ck_assert_int_eq(zt_in(zs, 5), ZSWAP_IN_ZSWAP);
	ck_assert_int_eq(zt_in(zs, 5), ZSWAP_IN_ABSENT);
	ck_assert_int_eq(zt_out(zs, 6, 0, 4096, 1), ZSWAP_OUT_ACTIVATED);
	ck_assert_int_eq(zt_in(zs, 6), ZSWAP_IN_ABSENT);
	zt_out(zs, 8, 0, 2040, 0);
	zt_inval(zs, 8, 0);
	ck_assert_int_eq(zt_in(zs, 8), ZSWAP_IN_ABSENT);
	ck_assert_uint_eq(st->sim_in_unknown_slot, 5);
	/* slot 7 is still unknown: counted again */
	ck_assert_int_eq(zt_in(zs, 7), ZSWAP_IN_ABSENT);
	ck_assert_uint_eq(st->sim_in_unknown_slot, 6);
	/* a clean eviction says the slot holds data: the next swap-in reads it */
	struct zswap_folio clean = zt_hint_folio(7, 0, 2040, 0, 0);

	clean.flags |= ZSWAP_FOLIO_CLEAN;
	ck_assert_int_eq(zswap_swap_out(zs, &clean), ZSWAP_OUT_DISK);
	ck_assert_int_eq(zt_in(zs, 7), ZSWAP_IN_DISK);
	ck_assert_int_eq(zt_in(zs, 7), ZSWAP_IN_ABSENT);
	ck_assert_uint_eq(st->sim_in_unknown_slot, 6);
	ck_assert_uint_eq(st->zswpin, 1);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

START_TEST(test_disabled_goes_to_disk)
{
	setup_meta(1, 1); setup_cfg();
	cfg.enabled = 0;
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);

	ck_assert_int_eq(zt_out(zs, 3, 1, 2040, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(st->pswpout, 2);
	ck_assert_uint_eq(st->sim_rejected_folios, 1);
	ck_assert_int_eq(zt_in(zs, 3), ZSWAP_IN_DISK);
	ck_assert_uint_eq(st->pswpin, 1);
	/* a disk swap-in feeds the shrinker's protection */
	ck_assert_uint_eq(zs->memcg[0].nr_disk_swapins, 1);
	zt_inval(zs, 4, 0);
	ck_assert_int_eq(zt_in(zs, 4), ZSWAP_IN_ABSENT);
	zswap_destroy(zs);
}
END_TEST

/* ZSWAP_FOLIO_CLEAN: reclaim dropped a clean folio whose data stayed in its slot
 * after a disk or zeromap swap-in; nothing is written or counted, and the
 * next swap-in reads the slot again (pswpin / swpin_zero once more). */
START_TEST(test_clean_eviction)
{
	setup_meta(1, 1); setup_cfg();
	cfg.enabled = 0;
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);
	struct zswap_folio clean = zt_hint_folio(3, 0, 2040, 0, 0);
	struct zswap_folio zclean = zt_hint_folio(5, 0, 0, 0, 0);

	ck_assert_int_eq(zt_out(zs, 3, 0, 2040, 0), ZSWAP_OUT_DISK);
	ck_assert_int_eq(zt_in(zs, 3), ZSWAP_IN_DISK);
	clean.flags |= ZSWAP_FOLIO_CLEAN;
	ck_assert_int_eq(zswap_swap_out(zs, &clean), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(st->pswpout, 1);
	ck_assert_uint_eq(st->sim_swapout_folios, 1);
	ck_assert_int_eq(zt_in(zs, 3), ZSWAP_IN_DISK);
	ck_assert_uint_eq(st->pswpin, 2);

	/* a zero-filled folio: back on the zeromap */
	zclean.content.zero = 1;
	zclean.flags |= ZSWAP_FOLIO_CLEAN;
	ck_assert_int_eq(zswap_swap_out(zs, &zclean), ZSWAP_OUT_ZERO);
	ck_assert_uint_eq(st->swpout_zero, 0);
	ck_assert_int_eq(zt_in(zs, 5), ZSWAP_IN_ZERO);
	ck_assert_uint_eq(st->swpin_zero, 1);
	ck_assert_uint_eq(st->zswpout + st->zswpin, 0);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/* A clean eviction of a folio still stored in zswap (reclaim kept it after
 * its store because a fault held it, and it was never read back): the
 * entry stays, nothing is counted, and the next swap-in loads it from
 * zswap.  Before, the entry was freed and the slot taken for the disk's,
 * so the swap-in read a disk no one had written (pswpin with pswpout 0). */
START_TEST(test_clean_eviction_stored)
{
	setup_meta(1, 1); setup_cfg();
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);
	struct zswap_folio clean = zt_hint_folio(3, 0, 2040, 0, 0);

	ck_assert_int_eq(zt_out(zs, 3, 0, 2040, 0), ZSWAP_OUT_STORED);
	clean.flags |= ZSWAP_FOLIO_CLEAN;
	ck_assert_int_eq(zswap_swap_out(zs, &clean), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(st->stored_pages, 1);
	ck_assert_uint_eq(st->zswpout, 1);
	ck_assert_int_eq(zt_in(zs, 3), ZSWAP_IN_ZSWAP);
	ck_assert_uint_eq(st->zswpin, 1);
	ck_assert_uint_eq(st->pswpin + st->pswpout, 0);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

START_TEST(test_raw_incompressible)
{
	setup_meta(1, 1); setup_cfg();
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);

	/* >= 4096: output does not fit (lzo: -EINVAL); writeback allowed ->
	 * stored as is */
	ck_assert_int_eq(zt_out(zs, 0, 0, 4096, 0), ZSWAP_OUT_STORED);
	/* 0: "!dlen", a compress failure; also stored raw */
	ck_assert_int_eq(zt_out(zs, 1, 0, 0, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(st->stored_pages, 2);
	ck_assert_uint_eq(st->stored_incompressible_pages, 2);
	ck_assert_uint_eq(st->pool_total_size, 2 * 4096);   /* one huge page each */
	ck_assert_uint_eq(zswap_memcg_stats(zs, 0)->zswap, 8192);
	ck_assert_uint_eq(st->reject_compress_poor, 0);
	ck_assert_uint_eq(st->reject_compress_fail, 0);
	zt_inval(zs, 0, 0);
	ck_assert_uint_eq(st->stored_incompressible_pages, 1);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

START_TEST(test_stale_entry_replacement)
{
	setup_meta(2, 1); setup_cfg();
	meta.memcg[1].writeback = 0;
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);

	zt_out(zs, 3, 0, 2040, 0);
	/* the folio was redirtied and is swapped out again: the new entry
	 * replaces the stale one (xa_store + zswap_entry_free(old)) */
	ck_assert_int_eq(zt_out(zs, 3, 0, 1016, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(st->stored_pages, 1);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 0)->zswap, 1016);
	zt_check_inv(zs);
	/* a failed store erases the stale entry of its slots (check_old):
	 * memcg 1 has writeback off, so an incompressible page is rejected
	 * (lzo, no compressor given: -EINVAL, reject_compress_fail) */
	zt_out(zs, 7, 0, 2040, 1);
	ck_assert_uint_eq(st->stored_pages, 2);
	ck_assert_int_eq(zt_out(zs, 7, 0, 4096, 1), ZSWAP_OUT_ACTIVATED);
	ck_assert_uint_eq(st->reject_compress_fail, 1);
	ck_assert_uint_eq(st->stored_pages, 1);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 1)->zswap, 0);
	ck_assert_int_eq(zt_in(zs, 7), ZSWAP_IN_ABSENT);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/* ---- global limit --------------------------------------------------------------- */

START_TEST(test_hysteresis)
{
	setup_meta(1, 1); setup_cfg();
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);

	for (uint32_t s = 0; s < 20; s++)
		ck_assert_int_eq(zt_out(zs, s, 0, 4096, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(st->pool_total_size, 20 * 4096);
	ck_assert_uint_eq(st->pool_limit_hit, 0);
	/* 20 >= max 20: hit, full, reject -> disk, shrink worker queued */
	ck_assert_int_eq(zt_out(zs, 100, 0, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(st->pool_limit_hit, 1);
	ck_assert_int_eq(zswap_shrink_pending(zs), 1);
	/* 19 pages: inside the band (18, 20) with full set: rejected without
	 * counting pool_limit_hit */
	zt_inval(zs, 0, 0);
	ck_assert_int_eq(zt_out(zs, 101, 0, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(st->pool_limit_hit, 1);
	ck_assert_uint_eq(st->sim_rejected_folios, 2);
	/* 18 pages <= accept 18: full cleared, stored (19 pages) */
	zt_inval(zs, 1, 0);
	ck_assert_int_eq(zt_out(zs, 102, 0, 4096, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(st->pool_total_size, 19 * 4096);
	/* 19 < 20 and not full: stored (20); then 20 >= 20 again: hit 2 */
	ck_assert_int_eq(zt_out(zs, 103, 0, 4096, 0), ZSWAP_OUT_STORED);
	ck_assert_int_eq(zt_out(zs, 104, 0, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(st->pool_limit_hit, 2);
	ck_assert_uint_eq(st->pswpout, 3);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/*
 * 20 raw entries, all referenced.  Run 1 of the worker: each shrink_memcg()
 * only rotates the head (second chance) and fails (-EAGAIN); the end-of-tree
 * step after a walk with attempts is not a failure; the 16th failure stops it:
 * slots 0..15 rotated, nothing written back.  Run 2: slots 16..19 (still
 * referenced) rotate (4 failures), then slot 0 is written back (19 pages,
 * above 18), then slot 1 (18 <= accept 18): stop.
 */
START_TEST(test_shrink_worker_second_chance)
{
	setup_meta(1, 1); setup_cfg();
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);

	for (uint32_t s = 0; s < 20; s++)
		zt_out(zs, s, 0, 4096, 0);
	ck_assert_int_eq(zt_out(zs, 100, 0, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_int_eq(zswap_shrink_pending(zs), 1);
	zswap_shrink_worker(zs);
	ck_assert_int_eq(zswap_shrink_pending(zs), 0);
	ck_assert_uint_eq(st->written_back_pages, 0);
	ck_assert_uint_eq(st->stored_pages, 20);
	ck_assert_uint_eq(zswap_lru_head(&zs->memcg[0]), 16);
	for (uint32_t s = 0; s < 16; s++)
		ck_assert_int_eq(zs->slots[s].state & ZSWAP_S_REF, 0);

	zswap_shrink_worker(zs);
	ck_assert_uint_eq(st->written_back_pages, 2);
	ck_assert_uint_eq(st->zswpwb, 2);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 0)->zswpwb, 2);
	ck_assert_uint_eq(st->pswpout, 3);    /* the rejected folio + 2 writebacks */
	ck_assert_uint_eq(st->pool_total_size, 18 * 4096);
	ck_assert_uint_eq(st->reject_reclaim_fail, 0);
	ck_assert_uint_eq(st->sim_shrink_worker_runs, 2);
	/* written back to their own slots: now on disk */
	ck_assert_int_eq(zt_in(zs, 0), ZSWAP_IN_DISK);
	ck_assert_int_eq(zt_in(zs, 1), ZSWAP_IN_DISK);
	ck_assert_int_eq(zt_in(zs, 2), ZSWAP_IN_ZSWAP);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/* Round robin over two memcgs: the worker alternates between their lists. */
START_TEST(test_shrink_worker_round_robin)
{
	setup_meta(2, 1); setup_cfg();
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);

	/* cg0: slots 0..9, cg1: slots 10..19, all raw; then make them
	 * unreferenced through one full walk of each list */
	for (uint32_t s = 0; s < 20; s++)
		zt_out(zs, s, 0, 4096, s < 10 ? 0 : 1);
	for (int m = 0; m < 2; m++) {
		int stop = 0;
		ck_assert_uint_eq(zswap_lru_walk(zs, &zs->memcg[m], 10, 0, &stop), 0);
	}
	zt_out(zs, 100, 0, 4096, 0);   /* full: rejected, worker queued */
	zswap_shrink_worker(zs);
	/* cg0 head (slot 0) -> 19 pages; cg1 head (slot 10) -> 18: stop */
	ck_assert_uint_eq(st->written_back_pages, 2);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 0)->zswpwb, 1);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 1)->zswpwb, 1);
	ck_assert_int_eq(zs->slots[0].state & ZSWAP_S_MASK, ZSWAP_S_DISK);
	ck_assert_int_eq(zs->slots[10].state & ZSWAP_S_MASK, ZSWAP_S_DISK);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/* ---- memcg limit ------------------------------------------------------------------ */

/*
 * parent cg0 zswap.max = 8192 (2 pages), child cg1 below it, unlimited.
 * Stores of 2040 bytes into the child are checked against the parent's
 * hierarchical usage in pages (bytes / 4096): 0,2040,4080,6120,8160 -> 0,0,0,1,1
 * pages < 2: five stores succeed, reaching 10200 (2008 above the limit: the
 * once-per-folio check overshoots).  Then 10200/4096 = 2 >= 2: shrink_memcg of
 * the child rotates its referenced head and the store is rejected (5 times,
 * one per entry); the 11th attempt finds slot 0 unreferenced, writes it back
 * (8160) and stores without re-checking (10200 again).
 */
START_TEST(test_memcg_limit_hierarchy)
{
	setup_meta(2, 1); setup_cfg();
	meta.memcg[1].parent = 0;
	meta.memcg[0].zswap_max = 8192;
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);
	const struct zswap_memcg_stats *p = zswap_memcg_stats(zs, 0), *c = zswap_memcg_stats(zs, 1);

	zswap_set_now(zs, 1000000000ull);
	for (uint32_t s = 0; s < 5; s++)
		ck_assert_int_eq(zt_out(zs, s, 0, 2040, 1), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(p->zswap, 10200);
	ck_assert_uint_eq(c->zswap, 10200);
	for (uint32_t s = 5; s < 10; s++)
		ck_assert_int_eq(zt_out(zs, s, 0, 2040, 1), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(st->written_back_pages, 0);
	ck_assert_uint_eq(st->pool_limit_hit, 0);
	zswap_set_now(zs, 3000000000ull);
	ck_assert_int_eq(zt_out(zs, 10, 0, 2040, 1), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(st->written_back_pages, 1);
	ck_assert_uint_eq(c->zswpwb, 1);
	ck_assert_uint_eq(p->zswpwb, 1);     /* memory.stat is hierarchical */
	ck_assert_uint_eq(p->zswap, 10200);
	ck_assert_uint_eq(p->zswpout, 6);
	ck_assert_int_eq(zt_in(zs, 0), ZSWAP_IN_DISK);

	/* overshoot: 2008 bytes from t=1 s to t=3 s (the writeback and the
	 * store at t=3 s leave it at 2008 again) and on until now = 4 s */
	zswap_set_now(zs, 4000000000ull);
	json_t *stats = json_object();
	zswap_report_policies(zs, stats);
	json_t *lim = json_object_get(stats, "limit");
	ck_assert_int_eq(json_integer_value(json_object_get(lim, "overshoot_max_bytes")), 2008);
	ck_assert_double_eq_tol(json_real_value(json_object_get(lim, "overshoot_byte_seconds")),
				2008.0 * 3, 1e-6);
	ck_assert_int_eq(json_integer_value(json_object_get(lim, "rejected_folios")), 5);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(stats, "policy"), "limit")),
			 "folio-once");
	json_decref(stats);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

START_TEST(test_memcg_limit_zero)
{
	setup_meta(1, 1); setup_cfg();
	meta.memcg[0].zswap_max = 0;
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);

	/* zswap.max = 0: every store rejected (shrink_memcg finds an empty
	 * list), folios go to disk, zswpout stays 0 (selftest swapin_nozswap) */
	for (uint32_t s = 0; s < 4; s++)
		ck_assert_int_eq(zt_out(zs, s, 0, 1016, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(st->zswpout, 0);
	ck_assert_uint_eq(st->pswpout, 4);
	zswap_destroy(zs);
}
END_TEST

/* ---- memory.zswap.writeback = 0 (kernel-zswap.md §3.7 a-d) ---------------------- */

START_TEST(test_writeback_disabled)
{
	setup_meta(2, 1); setup_cfg();
	meta.memcg[1].parent = 0;
	meta.memcg[0].writeback = 0;          /* parent off: child inherits it */
	meta.memcg[1].writeback = 1;
	meta.memcg[1].zswap_max = 4096;       /* 1 page */
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);

	/* (d) incompressible pages are rejected, not stored raw; with lzo
	 * (no compressor given) output that does not fit is -EINVAL and a
	 * dlen of 0 is made -EINVAL: both reject_compress_fail (the codec
	 * cases are in test_zswap_parity.c) */
	ck_assert_int_eq(zt_out(zs, 0, 0, 4096, 1), ZSWAP_OUT_ACTIVATED);
	ck_assert_uint_eq(st->reject_compress_fail, 1);
	ck_assert_int_eq(zt_out(zs, 1, 0, 0, 1), ZSWAP_OUT_ACTIVATED);
	ck_assert_uint_eq(st->reject_compress_fail, 2);
	ck_assert_uint_eq(st->reject_compress_poor, 0);
	/* (a) a rejected folio stays resident: no disk write */
	ck_assert_uint_eq(st->pswpout, 0);
	ck_assert_uint_eq(st->sim_reactivated_pages, 2);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 1)->sim_reactivated_pages, 2);
	/* (b) over zswap.max: shrink_memcg() returns -ENOENT, no writeback.
	 * The checks before stores 1..3 see 0, 2040, 4080 bytes = 0 pages < 1:
	 * stored; before store 4: 6120 bytes = 1 page >= 1: rejected */
	for (uint32_t s = 2; s < 5; s++)
		ck_assert_int_eq(zt_out(zs, s, 0, 2040, 1), ZSWAP_OUT_STORED);
	ck_assert_int_eq(zt_out(zs, 5, 0, 2040, 1), ZSWAP_OUT_ACTIVATED);
	ck_assert_int_eq(zswap_shrink_memcg(zs, &zs->memcg[1], 0), -ENOENT);
	ck_assert_uint_eq(st->zswpwb, 0);
	/* (c) the shrinker counts nothing */
	ck_assert_uint_eq(zswap_shrinker_count(zs, &zs->memcg[1]), 0);
	ck_assert_uint_eq(zswap_shrinker_pass(zs, &zs->memcg[1], 0, 0), 0);
	/* and the shrink worker skips both memcgs (-ENOENT: not candidates) */
	zswap_shrink_worker(zs);
	ck_assert_uint_eq(st->written_back_pages, 0);
	ck_assert_uint_eq(st->stored_pages, 3);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/* ---- pressure shrinker ------------------------------------------------------------- */

/*
 * 10 entries of 2040 bytes: memcg zswap 20400 -> nr_backing 4, nr_stored 10;
 * count = mult_frac(10, 4, 10) = 4.  Priority 0: delta = 4 * 4 / 2 = 8,
 * total_scan = min(8, 2 * 4) = 8 >= freeable 4: one scan of 8.
 * Pass 1: 8 referenced heads rotate, nothing written back -> SHRINK_STOP;
 * deferred = 0 + 8 - 0 = 8 (cap 8).  Pass 2: total = (8 >> 0) + 8 capped at
 * 8; list is 8,9 (referenced), 0..7: rotate 8, 9, write back 0..5 -> 6;
 * deferred = min(8 + 8 - 8, 8) = 8.
 */
START_TEST(test_shrinker_pass)
{
	setup_meta(1, 1); setup_cfg();
	cfg.shrinker_enabled = 1;
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);
	struct zswap_memcg *mc = &zs->memcg[0];

	for (uint32_t s = 0; s < 10; s++)
		zt_out(zs, s, 0, 2040, 0);
	ck_assert_uint_eq(zswap_shrinker_pass(zs, mc, 0, 0), 0);
	ck_assert_uint_eq(mc->nr_deferred, 8);
	ck_assert_uint_eq(st->written_back_pages, 0);
	ck_assert_uint_eq(zswap_shrinker_pass(zs, mc, 0, 0), 6);
	ck_assert_uint_eq(st->written_back_pages, 6);
	ck_assert_uint_eq(mc->nr_deferred, 8);
	for (uint32_t s = 0; s < 6; s++)
		ck_assert_int_eq(zs->slots[s].state & ZSWAP_S_MASK, ZSWAP_S_DISK);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/*
 * Disk swap-ins protect the LRU: 10 entries (count 4 as above); after 3 disk
 * swap-ins, freeable = 10 - 3 = 7 and count = mult_frac(7, 4, 10) = 2, the
 * 3 swap-ins consumed.  At priority 12 a small list gives delta 0: no scan.
 */
START_TEST(test_shrinker_count_swapins)
{
	setup_meta(1, 1); setup_cfg();
	meta.memcg[0].zswap_max = 0;
	struct zswap *zs = mk();
	struct zswap_memcg *mc = &zs->memcg[0];

	/* slots 20..22 go to disk (zswap.max 0), then are read back */
	for (uint32_t s = 20; s < 23; s++) {
		ck_assert_int_eq(zt_out(zs, s, 0, 2040, 0), ZSWAP_OUT_DISK);
		ck_assert_int_eq(zt_in(zs, s), ZSWAP_IN_DISK);
	}
	ck_assert_uint_eq(mc->nr_disk_swapins, 3);
	mc->max_pages = UINT64_MAX;          /* lift the limit */
	for (uint32_t s = 0; s < 10; s++)
		zt_out(zs, s, 0, 2040, 0);
	ck_assert_uint_eq(zswap_shrinker_count(zs, mc), 2);
	ck_assert_uint_eq(mc->nr_disk_swapins, 0);
	ck_assert_uint_eq(zswap_shrinker_count(zs, mc), 4);
	ck_assert_uint_eq(zswap_shrinker_pass(zs, mc, 12, 0), 0);
	ck_assert_uint_eq(zswap_stats(zs)->sim_shrinker_scans, 0);
	ck_assert_uint_eq(mc->nr_deferred, 0);
	zswap_destroy(zs);
}
END_TEST

/* cgroup v1: obj_cgroup_charge_zswap() returns before MEMCG_ZSWAPPED is
 * counted, so zswap_shrinker_count() finds nr_stored 0 and counts nothing;
 * the same entries under v2 count (10 entries of 2040: backing 20400 / 4096
 * = 4 pages, stored 10: mult_frac(10, 4, 10) = 4). */
START_TEST(test_shrinker_count_v1)
{
	for (int v1 = 0; v1 <= 1; v1++) {
		setup_meta(1, 1); setup_cfg();
		cfg.shrinker_enabled = 1;
		cfg.cgroup_v1 = v1;
		struct zswap *zs = mk();
		struct zswap_memcg *mc = &zs->memcg[0];

		for (uint32_t s = 0; s < 10; s++)
			zt_out(zs, s, 0, 2040, 0);
		ck_assert_uint_eq(mc->lru_len, 10);
		ck_assert_uint_eq(zswap_shrinker_count(zs, mc), v1 ? 0 : 4);
		ck_assert_uint_eq(zswap_shrinker_pass(zs, mc, 0, 0), 0);
		ck_assert_uint_eq(zswap_stats(zs)->sim_shrinker_scans, v1 ? 0 : 1);
		zswap_destroy(zs);
	}
}
END_TEST

/* Replay drives reclaim: shrinker.every = 4 pages, priority 0.  After the
 * 4th page: count 1 entry... 4 entries of 2040: backing 8160/4096 = 1,
 * stored 4: count = mult_frac(4, 1, 4) = 1; delta = 1*4/2 = 2, total =
 * min(2, 2) = 2 >= 1: one scan of 2 (rotations only: SHRINK_STOP). */
START_TEST(test_shrinker_replay_driven)
{
	setup_meta(1, 1); setup_cfg();
	cfg.shrinker_enabled = 1;
	cfg.shrinker_every = 4;
	cfg.shrinker_priority = 0;
	struct zswap *zs = mk();

	for (uint32_t s = 0; s < 3; s++)
		zt_out(zs, s, 0, 2040, 0);
	ck_assert_uint_eq(zswap_stats(zs)->sim_shrinker_scans, 0);
	zt_out(zs, 3, 0, 2040, 0);
	ck_assert_uint_eq(zswap_stats(zs)->sim_shrinker_scans, 1);
	ck_assert_uint_eq(zswap_lru_head(&zs->memcg[0]), 2);   /* 0 and 1 rotated */
	ck_assert_uint_eq(zswap_stats(zs)->written_back_pages, 0);
	zswap_destroy(zs);
}
END_TEST

/* ---- readahead ---------------------------------------------------------------------- */

struct hook_log {
	unsigned compress_calls, compress_pages;
	unsigned decompress_calls, decompress_pages;
	unsigned disk_writes, disk_write_pages, disk_reads, kicks;
	unsigned last_n[16];
};

static void h_compress(void *ctx, int who, int codec, const uint32_t *lens, unsigned n)
{
	struct hook_log *l = ctx;
	(void)who; (void)codec; (void)lens;
	if (l->compress_calls < 16)
		l->last_n[l->compress_calls] = n;
	l->compress_calls++;
	l->compress_pages += n;
}

static void h_decompress(void *ctx, int who, int codec, const uint32_t *lens, unsigned n)
{
	struct hook_log *l = ctx;
	(void)who; (void)codec; (void)lens;
	l->decompress_calls++;
	l->decompress_pages += n;
}

static void h_write(void *ctx, int who, uint32_t slot, unsigned nr)
{
	struct hook_log *l = ctx;
	(void)who; (void)slot;
	l->disk_writes++;
	l->disk_write_pages += nr;
}

static void h_read(void *ctx, int who, uint32_t slot, unsigned nr, int ra)
{
	struct hook_log *l = ctx;
	(void)who; (void)slot; (void)nr; (void)ra;
	l->disk_reads++;
}

static void h_kick(void *ctx)
{
	((struct hook_log *)ctx)->kicks++;
}

static const struct zswap_timing hooks = {
	.compress = h_compress, .decompress = h_decompress,
	.disk_write = h_write, .disk_read = h_read, .kick_shrink_worker = h_kick,
};

/*
 * First fault: swapin_readahead_hits starts at 4 -> 4 + 2 = 6 -> 8 pages
 * (= 2^3, test_zswap_parity.c has the adaptive cases): fault at 10 ->
 * window 8..15.  Slots: 8 zswap, 9 disk,
 * 10 zswap (fault), 11 zero, 12 zswap, 13 zswap, 15 zswap, 14 empty.
 * Fault: decompress 1.  Neighbours: zswap 8, 12, 13, 15 in calls of 2 -> 2
 * calls; disk 9 -> pswpin; zero 11 -> swpin_zero.  zswpin = 5.
 */
START_TEST(test_readahead)
{
	setup_meta(2, 1); setup_cfg();
	cfg.page_cluster = 3;
	cfg.decompress_batch = 2;
	meta.memcg[1].zswap_max = 0;          /* cg1's stores go to disk */
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);
	struct hook_log log = { 0 };
	struct zswap_folio z = zt_hint_folio(11, 0, 0, 0, 0);

	z.content.zero = 1;
	for (uint32_t s = 8; s < 16; s++)
		if (s != 9 && s != 11 && s != 14)
			zt_out(zs, s, 0, 2040, 0);
	zt_out(zs, 9, 0, 2040, 1);
	zswap_swap_out(zs, &z);
	zswap_set_timing(zs, &hooks, &log);
	ck_assert_int_eq(zt_in(zs, 10), ZSWAP_IN_ZSWAP);
	ck_assert_uint_eq(st->zswpin, 5);
	ck_assert_uint_eq(st->pswpin, 1);
	ck_assert_uint_eq(st->swpin_zero, 1);
	ck_assert_uint_eq(st->stored_pages, 0);
	ck_assert_uint_eq(log.decompress_calls, 3);
	ck_assert_uint_eq(log.decompress_pages, 5);
	ck_assert_uint_eq(log.disk_reads, 1);
	ck_assert_uint_eq(zs->memcg[1].nr_disk_swapins, 1);
	/* the neighbours are in the swap cache now: their faults read nothing */
	ck_assert_int_eq(zt_in(zs, 12), ZSWAP_IN_ABSENT);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/* Reclaim batching (batch.reclaim_folios, the IAA series): the order-0
 * folios of one swap_out_batch share compress calls of compress_batch
 * pages; a zero folio goes to the zeromap and a folio over its memcg's
 * zswap.max to disk, neither compressed.  10 folios, slot 5 zero, slot 7 in
 * cg1 (zswap.max 0): 8 pages compressed in one call of 8. */
START_TEST(test_store_batch)
{
	setup_meta(2, 1); setup_cfg();
	cfg.compress_batch = 8;
	meta.memcg[1].zswap_max = 0;
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);
	struct hook_log log = { 0 };
	struct zswap_folio f[10];
	enum zswap_out_result res[10];

	for (uint32_t k = 0; k < 10; k++)
		f[k] = zt_hint_folio(k, 0, 2040, k == 7, 0);
	f[5].content.zero = 1;
	zswap_set_timing(zs, &hooks, &log);
	zswap_swap_out_batch(zs, f, 10, res);
	ck_assert_uint_eq(log.compress_calls, 1);
	ck_assert_uint_eq(log.last_n[0], 8);
	for (uint32_t k = 0; k < 10; k++)
		ck_assert_int_eq(res[k], k == 5 ? ZSWAP_OUT_ZERO : k == 7 ? ZSWAP_OUT_DISK : ZSWAP_OUT_STORED);
	ck_assert_uint_eq(st->zswpout, 8);
	ck_assert_uint_eq(st->swpout_zero, 1);
	ck_assert_uint_eq(st->pswpout, 1);
	ck_assert_uint_eq(log.disk_writes, 1);
	/* the same folios one at a time: one call per page */
	for (uint32_t k = 0; k < 10; k++)
		zt_in(zs, k);
	memset(&log, 0, sizeof(log));
	for (uint32_t k = 0; k < 10; k++)
		zswap_swap_out(zs, &f[k]);
	ck_assert_uint_eq(log.compress_calls, 8);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/* ---- timing hooks -------------------------------------------------------------------- */

START_TEST(test_timing_hooks)
{
	setup_meta(1, 1); setup_cfg();
	cfg.compress_batch = 4;
	struct zswap *zs = mk();
	struct hook_log log = { 0 };

	zswap_set_timing(zs, &hooks, &log);
	/* order 3 = 8 pages in calls of 4 */
	ck_assert_int_eq(zt_out(zs, 0, 3, 1016, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(log.compress_calls, 2);
	ck_assert_uint_eq(log.last_n[0], 4);
	ck_assert_uint_eq(log.last_n[1], 4);
	/* order 0: one call of 1 */
	zt_out(zs, 8, 0, 1016, 0);
	ck_assert_uint_eq(log.compress_calls, 3);
	ck_assert_uint_eq(log.last_n[2], 1);
	/* fill to the limit with raw pages: 3 pages used (9 objects of 1024,
	 * 4 per page) + 17 raw = 20; the next store is rejected, written to
	 * disk, and kicks the worker through the hook (once: it stays pending) */
	for (uint32_t s = 16; s < 33; s++)
		ck_assert_int_eq(zt_out(zs, s, 0, 4096, 0), ZSWAP_OUT_STORED);
	ck_assert_int_eq(zt_out(zs, 40, 1, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_int_eq(zt_out(zs, 42, 0, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(log.kicks, 1);
	ck_assert_uint_eq(log.disk_writes, 2);
	ck_assert_uint_eq(log.disk_write_pages, 3);
	ck_assert_int_eq(zt_in(zs, 40), ZSWAP_IN_DISK);
	ck_assert_uint_eq(log.disk_reads, 1);
	zswap_destroy(zs);
}
END_TEST

/*
 * zswap_store() (mm/zswap.c, 6.18) ends with
 *	if (!ret && zswap_pool_reached_full) queue_work(shrink_wq, &zswap_shrink_work);
 * so every store that fails while the pool is full queues the shrink work,
 * at or above the limit and in the hysteresis band alike, unless the item is
 * pending (queue_work() on a pending work item is a no-op: never queued
 * twice).  The workqueue dequeues the item when its run starts, so a store
 * failing during the run queues it again and it runs once more afterwards.
 * Pool: 100 pages of RAM at 20 % = 20 pages, accept threshold 18.
 */
START_TEST(test_shrink_work_queued_at_failed_store)
{
	setup_meta(1, 1); setup_cfg();
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);
	struct hook_log log = { 0 };
	unsigned examined, steps = 0, rotated;

	zswap_set_timing(zs, &hooks, &log);
	for (uint32_t s = 0; s < 20; s++)           /* 20 raw pages: the pool is full */
		ck_assert_int_eq(zt_out(zs, s, 0, 4096, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(log.kicks, 0);
	ck_assert_int_eq(zswap_shrink_pending(zs), 0);
	/* at the limit: the store fails and queues the work */
	ck_assert_int_eq(zt_out(zs, 30, 0, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(st->pool_limit_hit, 1);
	ck_assert_uint_eq(log.kicks, 1);
	ck_assert_int_eq(zswap_shrink_pending(zs), 1);
	/* pending: the next failed stores do not queue it twice */
	ck_assert_int_eq(zt_out(zs, 31, 0, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_int_eq(zt_out(zs, 32, 1, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(st->pool_limit_hit, 3);
	ck_assert_uint_eq(log.kicks, 1);
	/* the run starts: the item is dequeued */
	zswap_shrink_worker_begin(zs);
	ck_assert_int_eq(zswap_shrink_pending(zs), 0);
	ck_assert_uint_eq(st->sim_shrink_worker_runs, 1);
	/* first step: the head entry is referenced, rotated; pool 20 > 18 */
	ck_assert_int_eq(zswap_shrink_worker_step(zs, &examined), 1);
	ck_assert_uint_eq(examined, 1);
	/* a load frees an entry: pool 19, in the hysteresis band with
	 * reached_full set.  A store failing there counts no pool_limit_hit and
	 * queues the work again (it was dequeued), once */
	ck_assert_int_eq(zt_in(zs, 19), ZSWAP_IN_ZSWAP);
	ck_assert_int_eq(zt_out(zs, 34, 0, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(st->pool_limit_hit, 3);
	ck_assert_uint_eq(log.kicks, 2);
	ck_assert_int_eq(zt_out(zs, 35, 0, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(log.kicks, 2);
	ck_assert_int_eq(zswap_shrink_pending(zs), 1);
	/* the run goes on to MAX_RECLAIM_RETRIES failures: 15 more rotations,
	 * each after the end of a tree walk that found a candidate */
	rotated = 1;
	while (zswap_shrink_worker_step(zs, &examined)) {
		steps++;
		rotated += examined;
	}
	rotated += examined;
	ck_assert_uint_eq(rotated, 16);
	ck_assert_uint_eq(steps, 29);
	ck_assert_uint_eq(st->written_back_pages, 0);
	ck_assert_int_eq(zswap_shrink_worker_step(zs, &examined), 0);   /* ended */
	ck_assert_uint_eq(examined, 0);
	/* still queued: the second run rotates the 3 referenced entries left
	 * and writes back the unreferenced head, down to the threshold */
	ck_assert_int_eq(zswap_shrink_pending(zs), 1);
	zswap_shrink_worker(zs);
	ck_assert_int_eq(zswap_shrink_pending(zs), 0);
	ck_assert_uint_eq(st->sim_shrink_worker_runs, 2);
	ck_assert_uint_eq(st->written_back_pages, 1);
	ck_assert_uint_eq(log.kicks, 2);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/* ---- policies -------------------------------------------------------------------------- */

START_TEST(test_policy_errors)
{
	setup_meta(1, 1); setup_cfg();
	/* parameters are checked when they are parsed (at config load) */
	ck_assert_int_eq(zt_policy(&cfg, "writeback", "pool-limit", "{\"bogus\": 1}", err,
				   sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "'bogus'") && strstr(err, "batch"), "%s", err);
	ck_assert_int_eq(zt_policy(&cfg, "writeback", "pool-limit", "{\"batch\": 0}", err,
				   sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "batch") && strstr(err, "range"), "%s", err);
	ck_assert_int_eq(zt_policy(&cfg, "writeback", "pool-limit", "{\"batch\": \"x\"}", err,
				   sizeof(err)), -EINVAL);
	ck_assert_int_eq(zt_policy(&cfg, "writeback", "pool-limit", "[1]", err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_eq(zt_policy(&cfg, "limit", "folio-once", "{\"x\": 1}", err, sizeof(err)),
			 -EINVAL);
	ck_assert_msg(strstr(err, "takes none"), "%s", err);

	/* batch = 4 accepted and reported */
	ck_assert_int_eq(zt_policy(&cfg, "limit", "folio-once", "{}", err, sizeof(err)), 0);
	ck_assert_int_eq(zt_policy(&cfg, "writeback", "pool-limit", "{\"batch\": 4}", err,
				   sizeof(err)), 0);
	struct zswap *zs = mk();
	json_t *stats = json_object();
	zswap_report_policies(zs, stats);
	json_t *p = json_object_get(json_object_get(json_object_get(stats, "policy"), "params"),
				    "writeback");
	ck_assert_int_eq(json_integer_value(json_object_get(p, "batch")), 4);
	json_decref(stats);
	zswap_destroy(zs);
}
END_TEST

/* Writeback batching: 4 writebacks per submission. */
START_TEST(test_writeback_batch)
{
	setup_meta(1, 1); setup_cfg();
	ck_assert_int_eq(zt_policy(&cfg, "writeback", "pool-limit", "{\"batch\": 4}", err,
				   sizeof(err)), 0);
	struct zswap *zs = mk();
	struct hook_log log = { 0 };
	int stop = 0;

	for (uint32_t s = 0; s < 6; s++)
		zt_out(zs, s, 0, 2040, 0);
	zswap_set_timing(zs, &hooks, &log);
	/* first walk rotates all six, the second writes back five */
	zswap_lru_walk(zs, &zs->memcg[0], 6, 0, &stop);
	ck_assert_uint_eq(zswap_lru_walk(zs, &zs->memcg[0], 5, 0, &stop), 5);
	zswap_wb_flush(zs);
	ck_assert_uint_eq(log.disk_writes, 2);       /* 4 + 1 */
	ck_assert_uint_eq(log.disk_write_pages, 5);
	ck_assert_uint_eq(log.decompress_calls, 5);
	zswap_destroy(zs);
}
END_TEST

/* Jain's index: stream 0 stores 2 of 2 (x = 1), stream 1 stores 1 of 2
 * (x = 0.5): (1.5)^2 / (2 * (1 + 0.25)) = 0.9. */
START_TEST(test_limit_fairness)
{
	setup_meta(2, 2); setup_cfg();
	meta.memcg[1].zswap_max = 0;
	struct zswap *zs = mk();
	struct zswap_folio f;

	f = zt_hint_folio(0, 0, 2040, 0, 0); zswap_swap_out(zs, &f);
	f = zt_hint_folio(1, 0, 2040, 0, 0); zswap_swap_out(zs, &f);
	f = zt_hint_folio(2, 0, 2040, 0, 1); zswap_swap_out(zs, &f);
	f = zt_hint_folio(3, 0, 2040, 1, 1); zswap_swap_out(zs, &f);
	json_t *stats = json_object();
	zswap_report_policies(zs, stats);
	json_t *lim = json_object_get(stats, "limit");
	ck_assert_double_eq_tol(json_real_value(json_object_get(lim, "jain_fairness")), 0.9, 1e-12);
	json_t *s1 = json_object_get(json_object_get(lim, "streams"), "1");
	ck_assert_int_eq(json_integer_value(json_object_get(s1, "stored_folios")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(s1, "rejected_folios")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(lim, "wasted_compressions")), 0);
	json_decref(stats);
	zswap_destroy(zs);
}
END_TEST

/* ---- invariants ------------------------------------------------------------------------ */

START_TEST(test_invariants_detect)
{
	setup_meta(1, 1); setup_cfg();
	struct zswap *zs = mk();
	char reason[256];

	zt_out(zs, 0, 0, 2040, 0);
	zt_out(zs, 1, 0, 4096, 0);
	zt_check_inv(zs);
	zs->st.stored_pages++;
	ck_assert_int_eq(zswap_check_invariants(zs, reason, sizeof(reason)), -EFAULT);
	ck_assert_msg(strstr(reason, "stored_pages"), "%s", reason);
	zs->st.stored_pages--;
	zs->memcg[0].st.zswap += 1;
	ck_assert_int_eq(zswap_check_invariants(zs, reason, sizeof(reason)), -EFAULT);
	zs->memcg[0].st.zswap -= 1;
	zs->slots[5].state = ZSWAP_S_DISK | ZSWAP_S_REF;
	ck_assert_int_eq(zswap_check_invariants(zs, reason, sizeof(reason)), -EFAULT);
	zs->slots[5].state = ZSWAP_S_NONE;
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST


/* ---- random sequences with interleaving hooks ----------------------------------- */

/*
 * 30000 random events over 256 slots, three memcgs (cg1 under cg0, cg2 with
 * writeback off and a small zswap.max), a small pool, shrinker passes every 8
 * pages, readahead, batching; the decompress and disk hooks run another event
 * in the middle (as a simgrid actor switch would).  The invariants must hold
 * after every event, and the counters must balance at the end.
 */
static struct zswap *fz;
static gsl_rng *frng;
static int fdepth;

enum { F_OUT, F_IN, F_INVAL };

struct rand_event {
	unsigned op;   /* F_* */
	struct zswap_folio f;
};

static struct rand_event rand_rec(void)
{
	unsigned op = (unsigned)gsl_rng_uniform_int(frng, 3);
	unsigned order = gsl_rng_uniform_int(frng, 8) == 0 ? 2 : 0;
	uint32_t slot = (uint32_t)gsl_rng_uniform_int(frng, 256) & ~((1u << order) - 1);
	uint32_t hint = (uint32_t)gsl_rng_uniform_int(frng, 4200);
	unsigned memcg = (unsigned)gsl_rng_uniform_int(frng, 3);
	struct rand_event r = {
		.op = op,
		.f = zt_hint_folio(slot, order, hint, memcg, (unsigned)gsl_rng_uniform_int(frng, 4)),
	};

	if (op == F_OUT && gsl_rng_uniform_int(frng, 16) == 0)
		r.f.content.zero = 1;
	return r;
}

static void apply(const struct rand_event *r)
{
	if (r->op == F_OUT)
		zswap_swap_out(fz, &r->f);
	else if (r->op == F_IN)
		zswap_swap_in(fz, &r->f);
	else
		zswap_invalidate(fz, &r->f);
}

static void nested(void)
{
	if (fdepth || gsl_rng_uniform_int(frng, 4))
		return;
	struct rand_event r = rand_rec();
	fdepth++;
	apply(&r);
	fdepth--;
}

static void f_comp(void *c, int w, int k, const uint32_t *l, unsigned n)
{ (void)c; (void)w; (void)k; (void)l; (void)n; nested(); }
static void f_io(void *c, int w, uint32_t s, unsigned n)
{ (void)c; (void)w; (void)s; (void)n; nested(); }

static void f_read(void *c, int w, uint32_t s, unsigned n, int ra)
{ (void)ra; f_io(c, w, s, n); }

static const struct zswap_timing fuzz_hooks = {
	.compress = f_comp, .decompress = f_comp, .disk_write = f_io, .disk_read = f_read,
};

START_TEST(test_random_interleaved)
{
	setup_meta(3, 4); setup_cfg();
	meta.topo.nslots = 256;
	meta.memcg[1].parent = 0;
	meta.memcg[0].zswap_max = 40 * 4096;
	meta.memcg[2].writeback = 0;
	meta.memcg[2].zswap_max = 8 * 4096;
	cfg.total_ram_bytes = 300 * 4096;     /* pool limit 60 pages, accept 54 */
	cfg.shrinker_enabled = 1;
	cfg.shrinker_every = 8;
	cfg.shrinker_priority = 1;
	cfg.page_cluster = 2;
	cfg.compress_batch = 2;
	cfg.decompress_batch = 2;
	ck_assert_int_eq(zt_policy(&cfg, "writeback", "pool-limit", "{\"batch\": 3}", err,
				   sizeof(err)), 0);
	fz = mk();
	frng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(frng, 42);
	zswap_set_timing(fz, &fuzz_hooks, NULL);
	for (unsigned i = 0; i < 30000; i++) {
		struct rand_event r = rand_rec();

		zswap_set_now(fz, (uint64_t)i * 1000);
		apply(&r);
		if (zswap_shrink_pending(fz))
			zswap_shrink_worker(fz);
		zt_check_inv(fz);
	}
	const struct zswap_stats *st = zswap_stats(fz);
	/* every page stored either is still stored or left: loaded, written
	 * back, invalidated or replaced; pool and counters stay in step */
	ck_assert_uint_gt(st->zswpout, 1000);
	ck_assert_uint_gt(st->written_back_pages, 100);
	ck_assert_uint_gt(st->pool_limit_hit, 0);
	ck_assert_uint_eq(st->zswpwb, st->written_back_pages);
	ck_assert_uint_eq(zswap_memcg_stats(fz, 2)->zswpwb, 0);
	ck_assert_uint_eq(zswap_memcg_stats(fz, 2)->pswpout, 0);
	ck_assert_uint_le(st->stored_pages, 256);
	for (uint32_t s = 0; s < 256; s++)
		zt_inval(fz, s, 0);
	zt_check_inv(fz);
	ck_assert_uint_eq(st->stored_pages, 0);
	ck_assert_uint_eq(st->pool_total_size, 0);
	ck_assert_uint_eq(zswap_memcg_stats(fz, 0)->zswap, 0);
	gsl_rng_free(frng);
	zswap_destroy(fz);
}
END_TEST

/* ---- events of other streams during a swap-out ------------------------------------ */

static struct zswap *nz;
static int nested_op;     /* what the compress hook does once: 1 inval, 2 in, 3 writeback */
static int nested_ret;

static void n_comp(void *c, int w, int k, const uint32_t *l, unsigned n)
{
	(void)c; (void)w; (void)k; (void)l; (void)n;
	int op = nested_op;

	nested_op = 0;
	if (op == 1)
		zt_inval(nz, 0, 1);
	else if (op == 2)
		nested_ret = zt_in(nz, 0);
	else if (op == 3)
		nested_ret = zswap_writeback_entry(nz, 0, 1);
}

static const struct zswap_timing nested_hooks = { .compress = n_comp };

/*
 * Order-1 folio at slots 0-1, compressed one page per call.  The first
 * compress hook of the swap-out runs another stream's event on slot 0 (which
 * still holds the entry of the previous swap-out): a free of the slots waits
 * for the swap-out (then both slots are freed); a fault is a swap-cache hit;
 * a writeback finds the folio in the swap cache (-EEXIST).
 */
START_TEST(test_events_during_swapout)
{
	setup_meta(1, 2); setup_cfg();
	nz = mk();
	const struct zswap_stats *st = zswap_stats(nz);

	zswap_set_timing(nz, &nested_hooks, NULL);
	nested_op = 0;
	ck_assert_int_eq(zt_out(nz, 0, 1, 2040, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(st->stored_pages, 2);

	/* invalidate arriving mid-store: deferred, applied at the end */
	nested_op = 1;
	ck_assert_int_eq(zt_out(nz, 0, 1, 2040, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(st->stored_pages, 0);
	ck_assert_uint_eq(st->zswpout, 4);
	zt_check_inv(nz);

	nested_op = 2;
	ck_assert_int_eq(zt_out(nz, 0, 1, 2040, 0), ZSWAP_OUT_STORED);
	ck_assert_int_eq(nested_ret, ZSWAP_IN_ABSENT);
	ck_assert_uint_eq(st->zswpin, 0);
	ck_assert_uint_eq(st->stored_pages, 2);

	nested_op = 3;
	ck_assert_int_eq(zt_out(nz, 0, 1, 2040, 0), ZSWAP_OUT_STORED);
	ck_assert_int_eq(nested_ret, -EEXIST);
	ck_assert_uint_eq(st->zswpwb, 0);
	ck_assert_uint_eq(st->stored_pages, 2);
	zt_check_inv(nz);
	zswap_destroy(nz);
}
END_TEST

/* ---- the hooks later policies rely on ----------------------------------------------- */

static unsigned t_stored_calls;
static uint64_t t_stored_bytes;

/* A per-page check that refuses page index 2 of any folio. */
static int t_admit_folio(struct zswap *zs, void *st, struct zswap_memcg *mc, uint32_t nr, int who)
{ (void)zs; (void)st; (void)mc; (void)nr; (void)who; return 0; }
static int t_admit_page(struct zswap *zs, void *st, struct zswap_memcg *mc, uint32_t index,
			uint32_t nr, int who)
{ (void)zs; (void)st; (void)mc; (void)nr; (void)who; return index == 2; }
static void t_stored(struct zswap *zs, void *st, struct zswap_memcg *mc, uint32_t nr, uint64_t b)
{ (void)zs; (void)st; (void)mc; (void)nr; t_stored_calls++; t_stored_bytes += b; }

static const struct zswap_limit_policy t_limit = {
	.c = { .name = "test-per-page", .desc = "test", .state_size = 1 },
	.admit_folio = t_admit_folio, .admit_page = t_admit_page, .stored = t_stored,
};

/* An LRU without second chance (what "fifo" will be). */
static void t_lru_stored(struct zswap *zs, void *st, struct zswap_memcg *mc, uint32_t slot,
			 uint64_t prev)
{ (void)st; (void)prev; zswap_lru_link_tail(zs, mc, slot); }
static enum zswap_lru_verdict t_lru_examine(struct zswap *zs, void *st, struct zswap_memcg *mc,
					    uint32_t slot)
{ (void)zs; (void)st; (void)mc; (void)slot; return ZSWAP_LRU_WRITEBACK; }

static const struct zswap_lru_policy t_lru = {
	.c = { .name = "test-fifo", .desc = "test", .state_size = 1 },
	.stored = t_lru_stored, .examine = t_lru_examine,
};

/*
 * Per-page admission: an order-2 folio (4 pages) is refused before page 2,
 * after pages 0 and 1 were compressed and published: both are erased and
 * counted as wasted; an order-1 folio passes and reports its 2 * 1016 bytes.
 * Without the referenced bit, one shrink_memcg() writes back the head at once.
 */
START_TEST(test_policy_hooks)
{
	setup_meta(1, 1); setup_cfg();
	struct zswap *zs = mk();
	const struct zswap_stats *st = zswap_stats(zs);

	zs->limit = &t_limit;
	zs->lru = &t_lru;
	t_stored_calls = 0;
	t_stored_bytes = 0;
	ck_assert_int_eq(zt_out(zs, 0, 2, 1016, 0), ZSWAP_OUT_DISK);
	ck_assert_uint_eq(st->stored_pages, 0);
	ck_assert_uint_eq(zs->lim.wasted_compressions, 2);
	ck_assert_uint_eq(t_stored_calls, 0);
	ck_assert_int_eq(zt_out(zs, 4, 1, 1016, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(t_stored_calls, 1);
	ck_assert_uint_eq(t_stored_bytes, 2032);
	ck_assert_int_eq(zs->slots[4].state & ZSWAP_S_REF, 0);
	ck_assert_int_eq(zswap_shrink_memcg(zs, &zs->memcg[0], 0), 0);
	ck_assert_int_eq(zs->slots[4].state & ZSWAP_S_MASK, ZSWAP_S_DISK);
	ck_assert_uint_eq(st->written_back_pages, 1);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

static Suite *zswap_suite(void)
{
	Suite *s = suite_create("zswap");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_geometry);
	tcase_add_test(tc, test_bytes_per_slot);
	tcase_add_test(tc, test_store_basic);
	tcase_add_test(tc, test_large_folio);
	tcase_add_test(tc, test_zero_folio);
	tcase_add_test(tc, test_clean_eviction);
	tcase_add_test(tc, test_clean_eviction_stored);
	tcase_add_test(tc, test_exclusive_load);
	tcase_add_test(tc, test_in_unknown_slot);
	tcase_add_test(tc, test_disabled_goes_to_disk);
	tcase_add_test(tc, test_raw_incompressible);
	tcase_add_test(tc, test_stale_entry_replacement);
	tcase_add_test(tc, test_hysteresis);
	tcase_add_test(tc, test_shrink_worker_second_chance);
	tcase_add_test(tc, test_shrink_worker_round_robin);
	tcase_add_test(tc, test_shrink_work_queued_at_failed_store);
	tcase_add_test(tc, test_memcg_limit_hierarchy);
	tcase_add_test(tc, test_memcg_limit_zero);
	tcase_add_test(tc, test_writeback_disabled);
	tcase_add_test(tc, test_shrinker_pass);
	tcase_add_test(tc, test_shrinker_count_v1);
	tcase_add_test(tc, test_shrinker_count_swapins);
	tcase_add_test(tc, test_shrinker_replay_driven);
	tcase_add_test(tc, test_readahead);
	tcase_add_test(tc, test_store_batch);
	tcase_add_test(tc, test_timing_hooks);
	tcase_add_test(tc, test_policy_errors);
	tcase_add_test(tc, test_writeback_batch);
	tcase_add_test(tc, test_limit_fairness);
	tcase_add_test(tc, test_invariants_detect);
	tcase_add_test(tc, test_random_interleaved);
	tcase_add_test(tc, test_events_during_swapout);
	tcase_add_test(tc, test_policy_hooks);
	tcase_add_test(tc, test_prefault_slots);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return zt_run_suite(zswap_suite());
}
