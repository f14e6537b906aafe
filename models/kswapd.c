/* SPDX-License-Identifier: MIT */
/*
 * The zone watermarks and kswapd of a workload run, as mm/page_alloc.c and
 * mm/vmscan.c of 6.18 have them.
 *
 * The model has one node with one zone: the workload's RAM limit (the
 * access source's ram_pages).  Its managed pages are that limit, its free
 * pages what the resident folios and the zswap pool leave of it.  Without a
 * RAM limit there is no zone: no watermarks, no kswapd.
 *
 * kswapd's reclaim goes through vmscan.c's shrink path under its own
 * reclaimer id (RECLAIM_WHO_KSWAPD).  A backend with a kswapd_wake hook runs
 * it on an actor of its own; without one (the `none` backend) it runs
 * synchronously at the point that woke it, to the end of its work.
 */
#include <string.h>

#include "models/reclaim_internal.h"

#define MAX_RECLAIM_RETRIES 16          /* mm/internal.h */
#define MIN_FREE_KBYTES_MIN 128         /* calculate_min_free_kbytes() clamp */
#define MIN_FREE_KBYTES_MAX 262144

/* int_sqrt() */
static uint64_t kswapd_int_sqrt(uint64_t x)
{
	uint64_t r = 0, bit = 1ull << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/* calculate_min_free_kbytes() at boot: the watermarks are still 0, so
 * nr_free_buffer_pages() is every managed page. */
static unsigned kswapd_min_free_kbytes(uint64_t managed)
{
	uint64_t k = kswapd_int_sqrt(managed * 4 * 16);

	if (k < MIN_FREE_KBYTES_MIN)
		k = MIN_FREE_KBYTES_MIN;
	return k > MIN_FREE_KBYTES_MAX ? MIN_FREE_KBYTES_MAX : (unsigned)k;
}

/* mult_frac() */
static uint64_t kswapd_mult_frac(uint64_t x, uint64_t n, uint64_t d)
{
	return x / d * n + x % d * n / d;
}

/* __setup_per_zone_wmarks() for one lowmem zone, which holds all the
 * lowmem pages: its min is pages_min itself. */
void rc_wmark_setup(struct reclaim *rm)
{
	struct reclaim_wmark *wm = &rm->kswapd.wm;
	uint64_t managed = rm->ram_pages, tmp;
	int user = rm->cfg.min_free_kbytes;

	memset(wm, 0, sizeof(*wm));
	if (!managed)
		return;
	wm->min_free_kbytes = user >= 0 ? (unsigned)user : kswapd_min_free_kbytes(managed);
	wm->min = wm->min_free_kbytes >> 2;            /* >> (PAGE_SHIFT - 10) */
	tmp = kswapd_mult_frac(managed, rm->cfg.watermark_scale_factor, 10000);
	if (tmp < wm->min >> 2)
		tmp = wm->min >> 2;
	wm->low = wm->min + tmp;
	wm->high = wm->low + tmp;
}

static int64_t kswapd_free_pages(struct reclaim *rm)
{
	return (int64_t)rm->ram_pages - (int64_t)rc_ram_used(rm);
}

/* __zone_watermark_ok(): no lowmem_reserve in the only zone, no
 * fragmentation (every free page is in one free list). */
int rc_wmark_ok(struct reclaim *rm, uint32_t nr, uint64_t mark)
{
	return kswapd_free_pages(rm) - (int64_t)(nr - 1) > (int64_t)mark;
}

int rc_pgdat_balanced(struct reclaim *rm)
{
	return rc_wmark_ok(rm, 1, rm->kswapd.wm.high);
}

/* Wake the direct reclaimers throttled on pfmemalloc_wait: they check
 * allow_direct_reclaim() again. */
void rc_kswapd_wake_throttled(struct reclaim *rm)
{
	if (rm->kswapd.throttled && rm->t && rm->t->pfmemalloc_wake)
		rm->t->pfmemalloc_wake(rm->tctx);
}

/* prepare_kswapd_sleep(): no direct reclaimer may stay throttled while
 * kswapd sleeps (a premature wakeup throttles them again); then a hopeless
 * node, or a balanced one. */
static int kswapd_may_sleep(struct reclaim *rm)
{
	rc_kswapd_wake_throttled(rm);
	return rm->kswapd.failures >= MAX_RECLAIM_RETRIES || rc_pgdat_balanced(rm);
}

/* zone_reclaimable_pages(): the LRU's anon pages while there is swap space
 * (can_reclaim_anon_pages() with no memcg; the model has no file pages). */
static uint64_t kswapd_zone_reclaimable(struct reclaim *rm)
{
	const struct rc_lruvec *root = &rm->lru[rm->mc.n];

	return rc_swap_available(rm, rm->mc.n) ? root->hier[LRU_INACTIVE] + root->hier[LRU_ACTIVE] : 0;
}

/* should_reclaim_retry() of an order-0 allocation after a direct reclaim
 * round: progress starts the count of rounds without it again; more than
 * MAX_RECLAIM_RETRIES of them, or a zone that would not pass min even with
 * every reclaimable page freed (__zone_watermark_ok() on free +
 * reclaimable), and the caller goes OOM. */
int rc_should_reclaim_retry(struct reclaim *rm, uint32_t nr, int progress, int *no_progress_loops)
{
	int64_t available;

	*no_progress_loops = progress ? 0 : *no_progress_loops + 1;
	if (*no_progress_loops > MAX_RECLAIM_RETRIES)
		return 0;
	available = kswapd_free_pages(rm) + (int64_t)kswapd_zone_reclaimable(rm);
	return available - (int64_t)(nr - 1) > (int64_t)rm->kswapd.wm.min;
}

/*
 * allow_direct_reclaim() of the only node: free pages above half the min
 * watermark (the PFMEMALLOC reserve), or a hopeless node, or a zone with
 * nothing to reclaim (no LRU pages, or anon only and no swap left) and
 * free pages.  Below it, a sleeping kswapd is woken.
 */
int rc_allow_direct_reclaim(struct reclaim *rm)
{
	int64_t free = kswapd_free_pages(rm);
	uint64_t reclaimable = kswapd_zone_reclaimable(rm);

	if (!rm->ram_pages || rm->kswapd.failures >= MAX_RECLAIM_RETRIES)
		return 1;
	if ((!reclaimable && free > 0) || !rm->kswapd.wm.min)
		return 1;
	if (free > (int64_t)(rm->kswapd.wm.min / 2))
		return 1;
	rc_wakeup_kswapd(rm);
	return 0;
}

/*
 * throttle_direct_reclaim() before a task's global direct reclaim
 * (try_to_free_pages()): with the reserve depleted the task waits on
 * pfmemalloc_wait until allow_direct_reclaim() holds, woken by kswapd
 * (__GFP_FS: no timeout).  Kernel threads (the shrink worker) and tasks
 * being killed are not throttled.  Without a backend to wait in, kswapd
 * has run at the wakeup to the end of its work already, and the task
 * goes on.
 */
void rc_throttle_direct_reclaim(struct reclaim *rm, int who)
{
	struct rc_kswapd *k = &rm->kswapd;

	if (who < 0 || rm->task[who].st.killed || rc_allow_direct_reclaim(rm))
		return;
	k->vs.pgscan_direct_throttle++;
	if (!rm->t || !rm->t->pfmemalloc_wait)
		return;
	k->throttled++;
	do
		rm->t->pfmemalloc_wait(rm->tctx, who);
	while (!rm->task[who].st.killed && !rm->err && !rc_allow_direct_reclaim(rm));
	k->throttled--;
}

int reclaim_kswapd_balance(struct reclaim *rm)
{
	struct rc_kswapd *k = &rm->kswapd;

	rc_balance_pgdat(rm);
	if (k->failures > k->vs.sim_kswapd_failures_max)
		k->vs.sim_kswapd_failures_max = k->failures;
	/* kswapd_try_to_sleep(): not balanced after balance_pgdat() means
	 * no short nap; the second check fails as well, and kswapd goes
	 * round again at once */
	if (kswapd_may_sleep(rm)) {
		k->pending = 0;
		return 1;
	}
	k->vs.kswapd_high_wmark_hit_quickly++;
	return 0;
}

void reclaim_kswapd_woken_early(struct reclaim *rm)
{
	rm->kswapd.vs.kswapd_low_wmark_hit_quickly++;
}

int reclaim_kswapd_nap_end(struct reclaim *rm)
{
	if (kswapd_may_sleep(rm))
		return 1;
	rm->kswapd.vs.kswapd_high_wmark_hit_quickly++;
	rm->kswapd.pending = 1;
	return 0;
}

int reclaim_kswapd_pending(const struct reclaim *rm)
{
	return rm->kswapd.pending;
}

/*
 * kswapd run where it was woken, for the `none` backend: balance_pgdat()
 * until kswapd may sleep.  With no time its short nap is never cut short
 * (no kswapd_low_wmark_hit_quickly), and a kswapd that reclaims something
 * every round without getting above the high watermark (its swap-outs
 * filling the zswap pool as fast as they free RAM) would spin for ever
 * while nothing else runs: MAX_RECLAIM_RETRIES rounds at most per wakeup,
 * the next allocation under the low watermark wakes it again.
 */
static void kswapd_run_sync(struct reclaim *rm)
{
	for (int round = 0; round < MAX_RECLAIM_RETRIES; round++)
		if (reclaim_kswapd_balance(rm))
			return;
	rm->kswapd.pending = 0;
}

/* wakeup_kswapd(): only a sleeping kswapd is woken, never for a hopeless
 * or balanced node. */
void rc_wakeup_kswapd(struct reclaim *rm)
{
	struct rc_kswapd *k = &rm->kswapd;

	if (!rm->ram_pages || k->pending)
		return;
	if (k->failures >= MAX_RECLAIM_RETRIES || rc_pgdat_balanced(rm))
		return;
	k->vs.sim_kswapd_wakeups++;
	k->pending = 1;
	if (rm->t && rm->t->kswapd_wake)
		rm->t->kswapd_wake(rm->tctx);
	else
		kswapd_run_sync(rm);
}

static void kswapd_count(struct reclaim *rm, int who, int global, int proactive, uint32_t m,
			 uint64_t nr, int steal)
{
	struct memcg_events *e = &rm->mc.m[m].ev;
	struct reclaim_vmstat *vs = &rm->kswapd.vs;

	/* reclaimer_offset() */
	if (who == RECLAIM_WHO_KSWAPD) {
		*(steal ? &e->pgsteal_kswapd : &e->pgscan_kswapd) += nr;
		if (global)
			*(steal ? &vs->pgsteal_kswapd : &vs->pgscan_kswapd) += nr;
	} else if (proactive) {
		*(steal ? &e->pgsteal_proactive : &e->pgscan_proactive) += nr;
	} else {
		*(steal ? &e->pgsteal_direct : &e->pgscan_direct) += nr;
		if (global)
			*(steal ? &vs->pgsteal_direct : &vs->pgscan_direct) += nr;
	}
}

void rc_count_scan(struct reclaim *rm, int who, int global, int proactive, uint32_t m,
		   uint64_t nr)
{
	kswapd_count(rm, who, global, proactive, m, nr, 0);
}

void rc_count_steal(struct reclaim *rm, int who, int global, int proactive, uint32_t m,
		    uint64_t nr)
{
	kswapd_count(rm, who, global, proactive, m, nr, 1);
}

const struct reclaim_wmark *reclaim_watermarks(const struct reclaim *rm)
{
	return &rm->kswapd.wm;
}

const struct reclaim_vmstat *reclaim_vmstat(const struct reclaim *rm)
{
	return &rm->kswapd.vs;
}

const struct reclaim_mthp *reclaim_mthp(const struct reclaim *rm, unsigned order)
{
	return order >= 1 && order <= RECLAIM_MAX_ORDER ? &rm->mthp[order] : NULL;
}

uint32_t reclaim_orders_used(const struct reclaim *rm)
{
	return rm->orders_used;
}
