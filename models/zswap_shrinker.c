/* SPDX-License-Identifier: MIT */
/*
 * The memory-pressure shrinker: mm/zswap.c zswap_shrinker_count() and
 * zswap_shrinker_scan(), driven by the do_shrink_slab() arithmetic of
 * mm/shrinker.c for one memcg at one reclaim priority.
 *
 * A swap trace carries no reclaim events, so reclaim is replayed from the
 * swap-outs: zswap_shrinker_replay() runs one zswap_shrinker_pass() per
 * shrinker.every swapped-out pages of a memcg.  Writeback policies call it
 * from their swapped_out hook (the kernel's, zswap_wb_kernel_swapped_out(),
 * when zswap.shrinker_enabled is set; "shrinker" always).
 */
#include "models/zswap_internal.h"

/* mult_frac(x, n, d) of include/linux/math.h */
static uint64_t mult_frac(uint64_t x, uint64_t n, uint64_t d)
{
	uint64_t q = x / d, r = x % d;

	return q * n + r * n / d;
}

/*
 * zswap_shrinker_count(): the memcg's LRU length, less the disk swap-ins seen
 * since the last count (consumed here), scaled by the compression ratio
 * (MEMCG_ZSWAP_B pages / MEMCG_ZSWAPPED).  Under cgroup v1
 * obj_cgroup_charge_zswap() returns before it counts MEMCG_ZSWAPPED, so
 * nr_stored is 0 and the count is 0: the shrinker never writes back there.
 */
unsigned long zswap_shrinker_count(struct zswap *zs, struct zswap_memcg *mc)
{
	if (!mc->wb_enabled || zs->cfg.cgroup_v1)
		return 0;

	uint64_t nr_backing = mc->st.zswap / SIM_PAGE_SIZE;
	uint64_t nr_stored = mc->st.zswapped / SIM_PAGE_SIZE;
	uint64_t nr_freeable, consumed;

	if (!nr_stored)
		return 0;
	nr_freeable = mc->lru_len;
	if (!nr_freeable)
		return 0;
	consumed = mc->nr_disk_swapins < nr_freeable ? mc->nr_disk_swapins : nr_freeable;
	mc->nr_disk_swapins -= consumed;
	nr_freeable -= consumed;
	if (!nr_freeable)
		return 0;
	return mult_frac(nr_freeable, nr_backing, nr_stored);
}

/* zswap_shrinker_scan(): walk nr_to_scan entries; SHRINK_STOP when nothing
 * was written back or an entry was already being written back. */
unsigned long zswap_shrinker_scan(struct zswap *zs, struct zswap_memcg *mc,
				  unsigned long nr_to_scan, int who)
{
	int stop = 0;
	unsigned long freed;

	if (!mc->wb_enabled)
		return ZSWAP_SHRINK_STOP;
	zs->st.sim_shrinker_scans++;
	freed = zswap_lru_walk(zs, mc, nr_to_scan, who, &stop);
	zswap_wb_flush(zs);
	if (stop)
		return ZSWAP_SHRINK_STOP;
	return freed ? freed : ZSWAP_SHRINK_STOP;
}

/*
 * do_shrink_slab(): delta = (freeable >> priority) * 4 / seeks, plus the
 * deferred work >> priority, capped at 2 * freeable, scanned in batches of
 * SHRINK_BATCH while total_scan >= batch or >= freeable; what was not done
 * is deferred to the next pass of this memcg.
 */
unsigned long zswap_shrinker_pass(struct zswap *zs, struct zswap_memcg *mc,
				  unsigned priority, int who)
{
	uint64_t freeable = zswap_shrinker_count(zs, mc);
	uint64_t nr, delta, total_scan, scanned = 0, freed = 0, next;

	if (!freeable)
		return 0;
	nr = mc->nr_deferred;
	mc->nr_deferred = 0;
	delta = (freeable >> priority) * 4 / ZSWAP_DEFAULT_SEEKS;
	total_scan = (nr >> priority) + delta;
	if (total_scan > 2 * freeable)
		total_scan = 2 * freeable;

	while (total_scan >= ZSWAP_SHRINK_BATCH || total_scan >= freeable) {
		uint64_t nr_to_scan = total_scan < ZSWAP_SHRINK_BATCH ? total_scan : ZSWAP_SHRINK_BATCH;
		unsigned long ret = zswap_shrinker_scan(zs, mc, nr_to_scan, who);

		if (ret == ZSWAP_SHRINK_STOP)
			break;
		freed += ret;
		total_scan -= nr_to_scan;
		scanned += nr_to_scan;
	}

	next = nr + delta > scanned ? nr + delta - scanned : 0;
	if (next > 2 * freeable)
		next = 2 * freeable;
	mc->nr_deferred += next;
	return freed;
}

void zswap_shrinker_replay(struct zswap *zs, struct zswap_memcg *mc, uint32_t nr_pages,
			   int who)
{
	if (!zs->cfg.shrinker_every)
		return;
	mc->pages_since_reclaim += nr_pages;
	while (mc->pages_since_reclaim >= zs->cfg.shrinker_every) {
		mc->pages_since_reclaim -= zs->cfg.shrinker_every;
		zswap_shrinker_pass(zs, mc, zs->cfg.shrinker_priority, who);
	}
}

void zswap_wb_kernel_swapped_out(struct zswap *zs, void *st, struct zswap_memcg *mc,
				 uint32_t nr_pages, int who)
{
	(void)st;
	if (zs->cfg.shrinker_enabled)
		zswap_shrinker_replay(zs, mc, nr_pages, who);
}
