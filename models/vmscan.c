/* SPDX-License-Identifier: MIT */
/*
 * Reclaim of the reclaim model (mm/vmscan.c, classic LRU, anon only, one
 * node): try_to_free_mem_cgroup_pages() / do_try_to_free_pages() and their
 * priority loop, shrink_node_memcgs() with the shared reclaim iterator,
 * get_scan_count(), shrink_lruvec(), shrink_active_list(),
 * shrink_inactive_list(), shrink_folio_list() with folio_check_references(),
 * add_to_swap(), pageout() and __remove_mapping(); workingset_eviction().
 * docs/kernel-parity.md names the kernel text of each rule.
 */
#include <errno.h>
#include <string.h>

#include "models/reclaim_internal.h"

#define MAX_SWAPPINESS 200

enum scan_balance { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE };

/* struct scan_control, the parts that matter for anon */
struct rc_scan {
	int who;
	int target;               /* memcg whose limit is reclaimed, -1 = global */
	uint64_t nr_to_reclaim, nr_reclaimed, nr_scanned;
	int priority;
	int may_swap, proactive, ignore_references;
	int may_deactivate, force_deactivate, skipped_deactivate;
	int file_is_tiny;
	int memcg_full_walk;
	unsigned order;           /* the allocation's order (direct reclaim for a PMD THP) */
	int compaction_ready;     /* reclaim stopped for compaction: the allocation can go */
	uint64_t anon_cost;
};

/* One memcg's folio isolation: heads and what became of them. */
struct rc_folio_list {
	uint32_t h[SWAP_CLUSTER_MAX + (1u << RECLAIM_MAX_ORDER)];   /* room for one split */
	unsigned n;
};

static int rc_is_global(const struct rc_scan *sc)
{
	return sc->target < 0;
}

/* The lruvec whose statistics a scan control reads (the root's for global). */
static struct rc_lruvec *rc_target_lruvec(struct reclaim *rm, const struct rc_scan *sc)
{
	return &rm->lru[sc->target < 0 ? rm->mc.n : (unsigned)sc->target];
}

/* inactive_is_low() on hierarchical sizes. */
static int rc_inactive_is_low(const struct rc_lruvec *l)
{
	uint64_t inactive = l->hier[LRU_INACTIVE], active = l->hier[LRU_ACTIVE];
	uint64_t gb = (inactive + active) >> (30 - 12), ratio = 1;

	if (gb) {
		ratio = 1;
		while ((ratio + 1) * (ratio + 1) <= 10 * gb)
			ratio++;      /* int_sqrt(10 * gb) */
	}
	return inactive * ratio < active;
}

/* ---- folio list helpers ----------------------------------------------------------------- */

/* isolate_lru_folios(): from the tail of memcg m's list lru, up to nr_to_scan
 * base pages; the folios leave the list (locked: FF_LOCKED). */
static uint64_t rc_isolate(struct reclaim *rm, const struct rc_scan *sc, uint32_t m, int lru,
			   uint64_t nr_to_scan, struct rc_folio_list *out, uint64_t *nr_taken)
{
	struct rc_lruvec *l = &rm->lru[m];
	struct rc_list *list = &l->list[lru];

	rc_lru_lock(rm, sc->who, m, 1);
	/* every folio takes at least one page of nr_to_scan */
	rc_list_prefetch_tail(rm, list, nr_to_scan < SWAP_CLUSTER_MAX ? (unsigned)nr_to_scan :
								       SWAP_CLUSTER_MAX);
	out->n = rc_lru_take_tail(rm, m, lru, nr_to_scan, out->h,
				  sizeof(out->h) / sizeof(out->h[0]), nr_taken);
	for (unsigned i = 0; i < out->n; i++)
		rm->pg[out->h[i]].fflags |= FF_LOCKED;
	l->isolated += *nr_taken;
	rm->isolated += *nr_taken;
	/* the next scan of this list starts where this one stopped: its
	 * folios arrive while this batch is being processed */
	rc_list_prefetch_tail(rm, list, SWAP_CLUSTER_MAX);
	/* no folio is skipped: scanned = taken */
	return *nr_taken;
}

/* move_folios_to_lru(): the folios that stay back onto their lists' heads
 * (activated ones age the workingset clock). */
static void rc_putback(struct reclaim *rm, const struct rc_scan *sc, uint32_t m,
		       const uint32_t *heads, unsigned n, uint64_t nr_taken)
{
	struct rc_lruvec *l = &rm->lru[m];
	unsigned locked = 0;

	for (unsigned i = 0; i < n; i++) {
		uint32_t h = heads[i];

		if (h == RECLAIM_NIL)
			continue;          /* reclaimed: it left the list */
		struct rc_page *f = &rm->pg[h];

		if (f->state != PS_MAPPED && f->state != PS_CACHED)
			continue;          /* freed */
		if (!locked) {
			rc_lru_lock(rm, sc->who, m, n);
			locked = 1;
		}
		f->fflags &= (uint8_t)~FF_LOCKED;
		rc_folio_wake(rm, h);
		if (f->fflags & FF_ACTIVE) {
			rc_lru_add(rm, h, LRU_ACTIVE, 0);
			rc_age_nonresident(rm, (int)f->memcg, rc_nr(rm, h));
		} else {
			rc_lru_add(rm, h, LRU_INACTIVE, 0);
		}
	}
	l->isolated -= nr_taken;
	rm->isolated -= nr_taken;
	for (unsigned i = 0; i < n; i++) {
		uint32_t h = heads[i];

		if (h != RECLAIM_NIL && (rm->pg[h].state == PS_MAPPED || rm->pg[h].state == PS_CACHED))
			rc_free_pending(rm, sc->who, h);
	}
}

/* ---- references --------------------------------------------------------------------------- */

/* folio_referenced(): mappings with a young PTE (one VMA per task here),
 * clearing the bits. */
static int rc_folio_referenced(struct reclaim *rm, uint32_t h)
{
	uint32_t nr = rc_nr(rm, h);
	int young = 0;

	for (uint32_t i = 0; i < nr; i++) {
		struct rc_page *p = &rm->pg[h + i];

		if (p->state == PS_MAPPED && (p->flags & PF_YOUNG)) {
			young = 1;
			p->flags &= (uint8_t)~PF_YOUNG;
		}
	}
	return young;
}

/* folio_check_references() for a private anon folio. */
enum folioref rc_check_references(struct reclaim *rm, uint32_t h)
{
	struct rc_page *f = &rm->pg[h];
	int referenced_ptes = rc_folio_referenced(rm, h);
	int referenced_folio = (f->fflags & FF_REFERENCED) != 0;

	f->fflags &= (uint8_t)~FF_REFERENCED;
	if (referenced_ptes) {
		f->fflags |= FF_REFERENCED;
		return referenced_folio ? FOLIOREF_ACTIVATE : FOLIOREF_KEEP;
	}
	return FOLIOREF_RECLAIM;
}

/* ---- freeing reclaimed folios ------------------------------------------------------------------ */

/* workingset_eviction(): the reclaim target's clock goes into the shadow of
 * each page, and ages by the folio's size. */
static void rc_evict_shadow(struct reclaim *rm, const struct rc_scan *sc, uint32_t h)
{
	uint32_t nr = rc_nr(rm, h);
	unsigned clock = sc->target < 0 ? rm->mc.n : (unsigned)sc->target;
	uint32_t age = (uint32_t)rm->lru[clock].nonresident_age;
	int ws = (rm->pg[h].fflags & FF_WORKINGSET) != 0;

	for (uint32_t i = 0; i < nr; i++) {
		struct rc_page *p = &rm->pg[h + i];

		p->prev = age;
		p->next = clock;
		p->flags |= PF_SHADOW;
		if (ws)
			p->flags |= PF_SHADOW_WS;
	}
	rc_age_nonresident(rm, sc->target, nr);
}

/*
 * shrink_folio_list()'s free_folios: a freed folio's pages go back to RAM
 * with the batch (free_unref_folios()), when it holds PAGEVEC_SIZE folios
 * and at the end of the list; so does its memory charge on v2
 * (mem_cgroup_uncharge_folios()), where v1 uncharged it in
 * __remove_mapping() (memcg1_swapout(), memsw accounting only).  Until
 * then other reclaimers and chargers see the pages in use.
 */
struct rc_free_batch {
	uint32_t memcg[LRU_ADD_BATCH], nr[LRU_ADD_BATCH];
	unsigned n;
};

static void rc_free_batch_flush(struct reclaim *rm, struct rc_free_batch *fb)
{
	for (unsigned i = 0; i < fb->n; i++) {
		if (rm->mc.version == MEMCG_V2) {
			rm->freeing[fb->memcg[i]] -= fb->nr[i];
			memcg_swapout(&rm->mc, fb->memcg[i], fb->nr[i]);
		}
		rm->freeing_pages -= fb->nr[i];
		rm->resident -= fb->nr[i];
	}
	fb->n = 0;
}

static void rc_free_batch_add(struct reclaim *rm, struct rc_free_batch *fb, uint32_t memcg,
			      uint32_t nr)
{
	if (rm->mc.version == MEMCG_V2)
		rm->freeing[memcg] += nr;
	else
		memcg_swapout(&rm->mc, memcg, nr);
	rm->freeing_pages += nr;
	fb->memcg[fb->n] = memcg;
	fb->nr[fb->n++] = nr;
	if (fb->n == LRU_ADD_BATCH)
		rc_free_batch_flush(rm, fb);
}

/* __remove_mapping()'s refcount freeze fails while a fault waiting for the
 * folio holds a reference: the folio is kept (keep_locked:), clean in the
 * swap cache, and the fault maps it once reclaim puts it back. */
static int rc_pinned(struct reclaim *rm, uint32_t h)
{
	struct rc_page *f = &rm->pg[h];

	if (!(f->fflags & FF_PINNED))
		return 0;
	rm->mc.m[f->memcg].ev.sim_pinned_kept += rc_nr(rm, h);
	return 1;
}

/* __remove_mapping() of a swap-cache folio: the pages are out, with a shadow
 * (reclaim) or not (MADV_PAGEOUT passes the target too); the folio joins
 * the free batch (v1 memsw stays with the swap entry). */
static void rc_remove_mapping(struct reclaim *rm, const struct rc_scan *sc,
			      struct rc_free_batch *fb, uint32_t h)
{
	struct rc_page *f = &rm->pg[h];
	uint32_t nr = rc_nr(rm, h), memcg = f->memcg;

	rc_evict_shadow(rm, sc, h);
	for (uint32_t i = 0; i < nr; i++) {
		struct rc_page *p = &rm->pg[h + i];

		p->state = PS_SWAPPED;
		p->flags &= (uint8_t)(PF_SHADOW | PF_SHADOW_WS | PF_WRITTEN | PF_FREEPEND);
		p->fflags = 0;
		p->order = 0;
	}
	rc_free_batch_add(rm, fb, memcg, nr);
	rc_folio_wake(rm, h);
	if (f->flags & PF_FREEPEND)
		rc_free_pending(rm, sc->who, h);
	else
		for (uint32_t i = 1; i < nr; i++)
			if (rm->pg[h + i].flags & PF_FREEPEND)
				rc_free_pending(rm, sc->who, h + i);
}

/* ---- shrink_folio_list -------------------------------------------------------------------------- */

/* Pages of a folio about to be written: a page written since its content last
 * went out gets new content with probability cfg.dirty. */
static void rc_folio_content(struct reclaim *rm, uint32_t h)
{
	uint32_t nr = rc_nr(rm, h);

	for (uint32_t i = 0; i < nr; i++) {
		struct rc_page *p = &rm->pg[h + i];

		if ((p->flags & PF_WRITTEN) && rm->cfg.dirty > 0 &&
		    rng_uniform(&rm->task[p->task].rng) < rm->cfg.dirty)
			rm->cfg.draw_content(rm->cfg.draw_ctx, p->task, 1, &p->content);
		p->flags &= (uint8_t)~PF_WRITTEN;
	}
}

/* folio_alloc_swap(): a run of slots for 2^order pages, then (v2) their swap
 * charge; a failed charge gives the slots back.  RECLAIM_NIL on failure. */
static uint32_t rc_folio_alloc_swap(struct reclaim *rm, uint32_t memcg, unsigned order)
{
	uint32_t slot = rc_slot_alloc(rm, order);

	if (slot != RECLAIM_NIL && memcg_try_charge_swap(&rm->mc, memcg, 1u << order)) {
		rc_slot_release(rm, slot, 1u << order);
		slot = RECLAIM_NIL;
	}
	return slot;
}

/* add_to_swap(): slots for the folio.  A large folio that gets none (no
 * contiguous run, or no swap charge) is split into base pages (the tail
 * pages join the list) and tried again as one page.  0, or -ENOSPC
 * (activate). */
static int rc_add_to_swap(struct reclaim *rm, uint32_t h, struct rc_folio_list *list)
{
	struct rc_page *f = &rm->pg[h];
	uint32_t nr = rc_nr(rm, h), slot;

	slot = rc_folio_alloc_swap(rm, f->memcg, f->order);
	if (slot == RECLAIM_NIL && f->order) {
		/* split_folio_to_list(): each page its own folio, the tails
		 * queued behind the list for their own pass; the split and
		 * the fallback counted at the folio's order */
		rm->mthp[f->order].split++;
		rm->mthp[f->order].swpout_fallback++;
		if (f->order == RECLAIM_MAX_ORDER) {
			rm->kswapd.vs.thp_split_page++;
			rm->kswapd.vs.thp_swpout_fallback++;
			rm->mc.m[f->memcg].ev.thp_swpout_fallback++;
		}
		for (uint32_t i = 1; i < nr; i++) {
			struct rc_page *p = &rm->pg[h + i];

			p->order = 0;
			p->fflags = f->fflags;       /* locked (isolated) like the head */
			list->h[list->n++] = h + i;
		}
		f->order = 0;
		nr = 1;
		slot = rc_folio_alloc_swap(rm, f->memcg, 0);
	}
	if (slot == RECLAIM_NIL)
		return -ENOSPC;
	for (uint32_t i = 0; i < nr; i++) {
		rm->pg[h + i].slot = slot + i;
		rc_slot_set_page(rm, slot + i, h + i);
	}
	f->fflags |= FF_DIRTY;
	return 0;
}

/* try_to_unmap(): the task's PTEs become swap entries. */
static uint32_t rc_unmap(struct reclaim *rm, uint32_t h)
{
	uint32_t nr = rc_nr(rm, h), unmapped = 0;

	for (uint32_t i = 0; i < nr; i++) {
		struct rc_page *p = &rm->pg[h + i];

		if (p->state != PS_MAPPED)
			continue;
		p->state = PS_CACHED;
		p->flags &= (uint8_t)~PF_YOUNG;
		rm->task[p->task].st.rss--;
		rm->task[p->task].st.swapents++;
		unmapped++;
	}
	return unmapped;
}

/* folio_free_swap(): not while the folio is under writeback, nor while a
 * page table still holds one of its swap entries (folio_swapped(): a page
 * unmapped by reclaim or read ahead and not yet faulted in). */
int rc_swap_freeable(const struct reclaim *rm, uint32_t h)
{
	uint32_t nr = rc_nr(rm, h);

	if (rm->pg[h].fflags & FF_WRITEBACK)
		return 0;
	for (uint32_t i = 0; i < nr; i++)
		if (rm->pg[h + i].state == PS_CACHED && !(rm->pg[h + i].flags & PF_FREEPEND))
			return 0;
	return 1;
}

/* activate_locked: back to the active list, dropping the swap slot when swap
 * is getting full and the slot can go. */
static void rc_activate(struct reclaim *rm, uint32_t h, int who)
{
	struct rc_page *f = &rm->pg[h];
	uint32_t nr = rc_nr(rm, h);

	if (f->slot != RECLAIM_NIL && rc_swap_full(rm, f->memcg) && rc_swap_freeable(rm, h)) {
		rm->ops.swap_free(rm->ops_ctx, f->slot, nr, f->memcg, who);
		memcg_uncharge_swap(&rm->mc, f->memcg, nr, 1);
		rc_slot_release(rm, f->slot, nr);
		for (uint32_t i = 0; i < nr; i++)
			rm->pg[h + i].slot = RECLAIM_NIL;
		f->fflags |= FF_DIRTY;
	}
	f->fflags |= FF_ACTIVE;
	rm->mc.m[f->memcg].ev.pgactivate += nr;
}

/* The folios of one pageout batch: written together (batch.reclaim_folios),
 * then each freed, kept or activated by its result. */
struct rc_pageout {
	uint32_t h[64];
	unsigned idx[64];     /* each folio's index in the isolated list */
	struct reclaim_folio f[64];
	int res[64];
	unsigned n;
};

/* A large folio's swap_writeout(): zswap_store() took it (zswpout at its
 * order) or __swap_writepage() wrote it (count_swpout_vm_event(): swpout,
 * and thp_swpout for a PMD folio); a zero-filled one is neither. */
static void rc_count_swpout(struct reclaim *rm, uint32_t h, int res)
{
	const struct rc_page *f = &rm->pg[h];

	if (res == RECLAIM_OUT_STORED) {
		rm->mthp[f->order].zswpout++;
	} else if (res == RECLAIM_OUT_DISK || res == RECLAIM_OUT_DISK_ASYNC) {
		rm->mthp[f->order].swpout++;
		if (f->order == RECLAIM_MAX_ORDER) {
			rm->kswapd.vs.thp_swpout++;
			rm->mc.m[f->memcg].ev.thp_swpout++;
		}
	}
}

/* swap_writeout() of the batch; a folio that goes leaves the isolated list
 * (its entry becomes RECLAIM_NIL): the swap-out may block, and a task may
 * fault the page back in and put it on the LRU before our putback. */
static uint64_t rc_pageout_flush(struct reclaim *rm, struct rc_scan *sc, struct rc_pageout *po,
				 struct rc_folio_list *list, struct rc_free_batch *fb,
				 uint64_t *nr_pageout)
{
	uint64_t reclaimed = 0;

	if (!po->n)
		return 0;
	/*
	 * PG_writeback before the writes start: the batch's swap-out takes
	 * time, and an asynchronous write of its first folio may end while a
	 * later one is compressed; reclaim_write_done() must find the flag to
	 * clear.  The folios are isolated and locked: no one else looks at it.
	 */
	for (unsigned i = 0; i < po->n; i++)
		rm->pg[po->h[i]].fflags |= FF_WRITEBACK;
	rm->ops.swap_out(rm->ops_ctx, po->f, po->n, sc->who, po->res);
	for (unsigned i = 0; i < po->n; i++) {
		uint32_t h = po->h[i];
		struct rc_page *f = &rm->pg[h];
		uint32_t nr = rc_nr(rm, h);

		if (po->res[i] != RECLAIM_OUT_DISK_ASYNC)
			f->fflags &= (uint8_t)~FF_WRITEBACK;
		if (f->order)
			rc_count_swpout(rm, h, po->res[i]);
		if (po->res[i] == RECLAIM_OUT_ACTIVATE) {
			/* AOP_WRITEPAGE_ACTIVATE: redirtied and activated;
			 * writeout() clears PG_reclaim, else the next fault
			 * would read it as PG_readahead and count a hit */
			f->fflags |= FF_DIRTY;
			f->fflags &= (uint8_t)~FF_RECLAIM;
			rc_activate(rm, h, sc->who);
			continue;
		}
		*nr_pageout += nr;
		/* still in flight: keep (inactive head).  A write that ended
		 * during the batch is shrink_folio_list()'s synchronous case
		 * ("probably a ramdisk"): the folio is freed now. */
		if (po->res[i] == RECLAIM_OUT_DISK_ASYNC && (f->fflags & FF_WRITEBACK))
			continue;
		f->fflags &= (uint8_t)~FF_RECLAIM;
		if (rc_pinned(rm, h))
			continue;
		rc_remove_mapping(rm, sc, fb, h);
		list->h[po->idx[i]] = RECLAIM_NIL;
		reclaimed += nr;
	}
	po->n = 0;
	return reclaimed;
}

/*
 * shrink_folio_list() for isolated folios of one memcg: references, swap
 * slots, unmap, pageout (zswap store, zero page, disk), free.  Folios that
 * stay are left locked in list for rc_putback(), with FF_ACTIVE set when
 * they are to be activated.  Returns pages reclaimed.
 */
static uint64_t rc_shrink_folio_list(struct reclaim *rm, struct rc_scan *sc,
				     struct rc_folio_list *list, uint64_t *nr_pageout)
{
	struct rc_pageout po;
	struct rc_free_batch fb;
	uint64_t reclaimed = 0;
	unsigned batch = rm->cfg.reclaim_batch < 64 ? rm->cfg.reclaim_batch : 64;

	po.n = 0;
	fb.n = 0;
	*nr_pageout = 0;
	for (unsigned i = 0; i < list->n; i++) {
		uint32_t h = list->h[i];
		struct rc_page *f = &rm->pg[h];
		uint32_t nr = rc_nr(rm, h);

		rc_work(rm, sc->who, RECLAIM_W_SCAN, 1);
		if ((f->fflags & (FF_WRITEBACK | FF_RECLAIM)) == (FF_WRITEBACK | FF_RECLAIM) &&
		    !rc_is_global(sc) && rm->mc.version == MEMCG_V1 && rm->t && rm->t->folio_wait) {
			/* v1 memcg reclaim waits for a write it started before */
			rm->t->folio_wait(rm->tctx, sc->who, h);
			if (f->fflags & FF_WRITEBACK)
				continue;
		}
		if (f->fflags & FF_WRITEBACK) {
			/* an async write is still in flight: PG_reclaim, activate (it
			 * rotates to the inactive tail when the write ends) */
			f->fflags |= FF_RECLAIM;
			rc_activate(rm, h, sc->who);
			continue;
		}
		enum folioref ref = sc->ignore_references ? FOLIOREF_RECLAIM : rc_check_references(rm, h);

		if (ref == FOLIOREF_ACTIVATE) {
			rc_activate(rm, h, sc->who);
			continue;
		}
		if (ref == FOLIOREF_KEEP)
			continue;
		if (f->slot == RECLAIM_NIL) {
			if (!sc->may_swap || rc_add_to_swap(rm, h, list)) {
				rc_activate(rm, h, sc->who);
				continue;
			}
			nr = rc_nr(rm, h);     /* it may have been split */
		}
		/* try_to_unmap() comes before pageout() whatever becomes of the
		 * folio: a folio that goes to the swap device pays for it in this
		 * pass, not when a later scan frees it (already unmapped then:
		 * folio_mapped() is false and only __remove_mapping() is left) */
		if (rc_unmap(rm, h))
			rc_work(rm, sc->who, RECLAIM_W_UNMAP, 1);
		if (!(f->fflags & FF_DIRTY)) {
			if (rc_pinned(rm, h))
				continue;
			/* a clean swap-cache folio: freed without a write */
			struct reclaim_folio cf = {
				.slot = f->slot, .order = f->order, .memcg = f->memcg,
				.content_stride = sizeof(struct rc_page) / sizeof(uint32_t),
				.content = &f->content,
			};

			rm->ops.swap_clean(rm->ops_ctx, &cf, sc->who);
			rm->mc.m[f->memcg].ev.sim_swapcache_drop += nr;
			rc_remove_mapping(rm, sc, &fb, h);
			list->h[i] = RECLAIM_NIL;
			reclaimed += nr;
			continue;
		}
		/* pageout(): folio_clear_dirty_for_io(), PG_reclaim, swap_writeout() */
		f->fflags &= (uint8_t)~FF_DIRTY;
		f->fflags |= FF_RECLAIM;
		struct reclaim_folio *rf = &po.f[po.n];

		rc_folio_content(rm, h);
		rf->slot = f->slot;
		rf->order = f->order;
		rf->memcg = f->memcg;
		rf->content = &f->content;
		rf->content_stride = sizeof(struct rc_page) / sizeof(uint32_t);
		po.idx[po.n] = i;
		po.h[po.n++] = h;
		if (po.n == batch)
			reclaimed += rc_pageout_flush(rm, sc, &po, list, &fb, nr_pageout);
	}
	reclaimed += rc_pageout_flush(rm, sc, &po, list, &fb, nr_pageout);
	rc_free_batch_flush(rm, &fb);
	return reclaimed;
}

/* ---- the lists ---------------------------------------------------------------------------------- */

/* too_many_isolated(): more than an eighth of the inactive pages isolated
 * machine-wide (cgroup v2 and global reclaim only: writeback_throttling_sane());
 * a check that finds it false wakes the throttled reclaimers
 * (wake_throttle_isolated()). */
static int rc_too_many_isolated(struct reclaim *rm, const struct rc_scan *sc)
{
	if (sc->who == RECLAIM_WHO_KSWAPD)
		return 0;
	if (!rc_is_global(sc) && rm->mc.version != MEMCG_V2)
		return 0;
	if (rm->isolated > rm->inactive / 8)
		return 1;
	if (rm->t && rm->t->isolated_wake)
		rm->t->isolated_wake(rm->tctx);
	return 0;
}

/* reclaim_throttle(VMSCAN_THROTTLE_ISOLATED): up to HZ/50, or until woken;
 * the shrink worker (a workqueue) is not throttled. */
static void rc_throttle_isolated(struct reclaim *rm, const struct rc_scan *sc)
{
	if (sc->who >= 0 && rm->t && rm->t->isolated_wait)
		rm->t->isolated_wait(rm->tctx, sc->who, 1000000000ull / 50);
}

static uint64_t rc_shrink_inactive_list(struct reclaim *rm, struct rc_scan *sc, uint32_t m,
					uint64_t nr_to_scan)
{
	struct rc_folio_list list;
	uint64_t nr_taken, nr_pageout = 0;

	if (rc_too_many_isolated(rm, sc)) {
		/* wait a bit for the other reclaimers; give up the list if
		 * they still hold too many */
		rc_throttle_isolated(rm, sc);
		if (rc_too_many_isolated(rm, sc))
			return 0;
	}
	rc_lru_add_drain(rm, sc->who);
	uint64_t nr_scanned = rc_isolate(rm, sc, m, LRU_INACTIVE, nr_to_scan, &list, &nr_taken);

	rm->mc.m[m].ev.pgscan += nr_scanned;
	rc_count_scan(rm, sc->who, rc_is_global(sc), sc->proactive, m, nr_scanned);
	sc->nr_scanned += nr_scanned;
	if (!nr_taken)
		return 0;
	/* the swap layer's state of the folios that have slots (swapped in
	 * before), all at once, ahead of their swap-outs */
	if (rm->ops.prefetch)
		for (unsigned i = 0; i < list.n; i++)
			if (rm->pg[list.h[i]].slot != RECLAIM_NIL)
				rm->ops.prefetch(rm->ops_ctx, rm->pg[list.h[i]].slot, 1);
	uint64_t reclaimed = rc_shrink_folio_list(rm, sc, &list, &nr_pageout);

	rc_putback(rm, sc, m, list.h, list.n, nr_taken);
	rm->mc.m[m].ev.pgsteal += reclaimed;
	rc_count_steal(rm, sc->who, rc_is_global(sc), sc->proactive, m, reclaimed);
	rc_note_cost(rm, m, nr_pageout, nr_scanned - reclaimed);
	return reclaimed;
}

/* shrink_active_list(): every anon folio goes to the inactive head with
 * PG_workingset, its young bits cleared on the way. */
static void rc_shrink_active_list(struct reclaim *rm, struct rc_scan *sc, uint32_t m,
				  uint64_t nr_to_scan)
{
	struct rc_folio_list list;
	uint64_t nr_taken, deactivated = 0;

	rc_lru_add_drain(rm, sc->who);
	uint64_t nr_scanned = rc_isolate(rm, sc, m, LRU_ACTIVE, nr_to_scan, &list, &nr_taken);

	rm->mc.m[m].ev.pgrefill += nr_scanned;
	for (unsigned i = 0; i < list.n; i++) {
		uint32_t h = list.h[i];
		struct rc_page *f = &rm->pg[h];

		rc_work(rm, sc->who, RECLAIM_W_SCAN, 1);
		rc_folio_referenced(rm, h);
		f->fflags &= (uint8_t)~FF_ACTIVE;
		f->fflags |= FF_WORKINGSET;
		deactivated += rc_nr(rm, h);
	}
	rc_putback(rm, sc, m, list.h, list.n, nr_taken);
	rm->mc.m[m].ev.pgdeactivate += deactivated;
}

/* get_scan_count() for anon: SCAN_FRACT between anon and (absent) file by
 * swappiness and reclaim cost, except at priority 0 (SCAN_EQUAL) and in
 * global reclaim when file_is_tiny (SCAN_ANON). */
static void rc_get_scan_count(struct reclaim *rm, const struct rc_scan *sc, uint32_t m,
			      uint64_t nr[2])
{
	const struct rc_lruvec *l = &rm->lru[m];
	uint64_t sw = rm->cfg.swappiness;
	enum scan_balance bal;
	uint64_t ap = 1, fp = 0;

	nr[0] = nr[1] = 0;
	if (!sc->may_swap || !rc_swap_available(rm, m))
		return;                            /* SCAN_FILE */
	if (!rc_is_global(sc) && sw == 0)
		return;
	if (sc->priority == 0 && sw)
		bal = SCAN_EQUAL;
	else if (sc->file_is_tiny)
		bal = SCAN_ANON;
	else
		bal = SCAN_FRACT;
	if (bal == SCAN_FRACT) {
		/* calculate_pressure_balance(), file_cost = 0 */
		uint64_t total = sc->anon_cost, anon_cost = total + sc->anon_cost, file_cost = total;

		total = anon_cost + file_cost;
		ap = sw * (total + 1) / (anon_cost + 1);
		fp = (MAX_SWAPPINESS - sw) * (total + 1) / (file_cost + 1);
	}
	for (int lru = 0; lru < 2; lru++) {
		uint64_t scan = l->pages[lru] >> sc->priority;

		if (bal == SCAN_FRACT)
			scan = ap + fp ? scan * ap / (ap + fp) : 0;
		nr[lru] = scan;
	}
}

static void rc_shrink_lruvec(struct reclaim *rm, struct rc_scan *sc, uint32_t m)
{
	uint64_t nr[2], reclaimed = 0;
	int proportional = rc_is_global(sc) && sc->who != RECLAIM_WHO_KSWAPD &&
			   sc->priority == DEF_PRIORITY;

	rc_get_scan_count(rm, sc, m, nr);
	while (nr[LRU_INACTIVE]) {
		for (int lru = 0; lru < 2; lru++) {
			if (!nr[lru])
				continue;
			uint64_t n = nr[lru] < SWAP_CLUSTER_MAX ? nr[lru] : SWAP_CLUSTER_MAX;

			nr[lru] -= n;
			if (lru == LRU_INACTIVE)
				reclaimed += rc_shrink_inactive_list(rm, sc, m, n);
			else if (sc->may_deactivate)
				rc_shrink_active_list(rm, sc, m, n);
			else
				sc->skipped_deactivate = 1;
		}
		if (reclaimed < sc->nr_to_reclaim || proportional)
			continue;
		break;      /* no file pages: stop once this lruvec did the job */
	}
	sc->nr_reclaimed += reclaimed;
	/* rebalance the lists even when nothing was to be swapped */
	if (rm->cfg.nslots && rc_inactive_is_low(&rm->lru[m]))
		rc_shrink_active_list(rm, sc, m, SWAP_CLUSTER_MAX);
}

/* prepare_scan_control() for anon. */
static void rc_prepare_scan(struct reclaim *rm, struct rc_scan *sc)
{
	struct rc_lruvec *tl = rc_target_lruvec(rm, sc);

	sc->anon_cost = tl->anon_cost;
	if (sc->force_deactivate)
		sc->may_deactivate = 1;
	else
		sc->may_deactivate = tl->activate_hier != tl->refaults_snap || rc_inactive_is_low(tl);
	/*
	 * The cache trap check of global reclaim.  There are no file pages, and
	 * direct reclaim runs with free memory under the high watermark, so it
	 * force-scans anon unless anon is being deactivated or its inactive
	 * list is empty at this priority: then the scan is SCAN_FRACT, as for
	 * a memcg.
	 */
	sc->file_is_tiny = rc_is_global(sc) && !sc->may_deactivate &&
			   tl->hier[LRU_INACTIVE] >> sc->priority;
}

/* shrink_node_memcgs(): the target's subtree in pre-order.  Direct reclaim
 * shares one iterator per target (mem_cgroup_iter() with a cookie): a walk
 * resumes after the memcg the last one stopped at, ends at the end of the
 * subtree (or when a concurrent walker finished the cycle), and stops early
 * once enough is reclaimed.  A full walk (retry) visits everything.  Empty
 * memcgs other than the target are skipped (mem_cgroup_below_min() with no
 * protection set). */
static void rc_shrink_node(struct reclaim *rm, struct rc_scan *sc)
{
	unsigned root = sc->target < 0 ? rm->mc.n : (unsigned)sc->target;
	struct rc_lruvec *rl = &rm->lru[root];
	const uint32_t *sub = rm->subtree[root];
	uint32_t n = rm->subtree_n[root], gen = rl->iter_gen;
	int partial = !sc->memcg_full_walk, first = 1;

	rc_prepare_scan(rm, sc);
	for (uint32_t k = 0;; k++) {
		if (partial) {
			k = rl->iter;
			if (k >= n) {
				rl->iter = 0;
				rl->iter_gen++;
				if (!first)
					return;
				k = 0;
				gen = rl->iter_gen;
			}
			rl->iter = k + 1;
		} else if (k >= n) {
			return;
		}
		first = 0;
		uint32_t m = sub[k];

		if ((int)m != sc->target && !rm->mc.m[m].memory)
			continue;
		rc_shrink_lruvec(rm, sc, m);
		if (rm->ops.shrink_slab)
			rm->ops.shrink_slab(rm->ops_ctx, m, sc->priority, sc->who);
		if (partial && (sc->nr_reclaimed >= sc->nr_to_reclaim || rl->iter_gen != gen))
			return;
	}
}

/* A page allocation of 2^order pages would pass the min watermark (the
 * model's free RAM has no fragmentation: zone_watermark_ok() at the order). */
static int rc_alloc_would_succeed(struct reclaim *rm, unsigned order)
{
	return rc_wmark_ok(rm, 1u << order, rm->kswapd.wm.min);
}

/*
 * should_continue_reclaim(): reclaim for a costly order (reclaim/compaction,
 * in_reclaim_compaction(); or order > 0 below DEF_PRIORITY - 2) goes on
 * shrinking the node while its last pass reclaimed something, the
 * allocation cannot succeed yet and the inactive lists hold more than
 * compact_gap() = 2 << order pages.  compaction_suitable()'s own test (free
 * over min + compact_gap + low - min) cannot pass before the allocation's.
 */
static int rc_should_continue_reclaim(struct reclaim *rm, const struct rc_scan *sc,
				      uint64_t nr_reclaimed)
{
	const struct rc_lruvec *root = &rm->lru[rm->mc.n];

	if (!sc->order || (sc->order <= PAGE_ALLOC_COSTLY_ORDER && sc->priority >= DEF_PRIORITY - 2))
		return 0;
	if (!nr_reclaimed || rc_alloc_would_succeed(rm, sc->order))
		return 0;
	/* NR_INACTIVE_FILE is 0 here; inactive anon counts while swap has room */
	return rc_swap_available(rm, rm->mc.n) && root->hier[LRU_INACTIVE] > 2ull << sc->order;
}

/* shrink_zones() of the only zone: global reclaim for a costly order stops
 * before the node when compaction could already run (compaction_ready():
 * the allocation passes the min watermark); else shrink_node(), again while
 * should_continue_reclaim(). */
static void rc_shrink_zones(struct reclaim *rm, struct rc_scan *sc)
{
	uint64_t before;

	if (rc_is_global(sc) && sc->order > PAGE_ALLOC_COSTLY_ORDER &&
	    rc_alloc_would_succeed(rm, sc->order)) {
		sc->compaction_ready = 1;
		return;
	}
	do {
		before = sc->nr_reclaimed;
		rc_shrink_node(rm, sc);
	} while (rc_should_continue_reclaim(rm, sc, sc->nr_reclaimed - before));
}

/* do_try_to_free_pages() with the scan control filled in. */
static uint64_t rc_do_try_to_free(struct reclaim *rm, struct rc_scan *sc)
{
	int *pf_memalloc = rc_in_reclaim(rm, sc->who), saved = *pf_memalloc;

	*pf_memalloc = 1;                              /* memalloc_noreclaim_save() */
	for (;;) {
		if (sc->target < 0)
			rm->kswapd.vs.allocstall_movable++;    /* do_try_to_free_pages() */
		for (sc->priority = DEF_PRIORITY; sc->priority >= 0; sc->priority--) {
			sc->nr_scanned = 0;
			rc_shrink_zones(rm, sc);
			if (sc->nr_reclaimed >= sc->nr_to_reclaim || sc->compaction_ready)
				break;
		}
		struct rc_lruvec *tl = rc_target_lruvec(rm, sc);

		tl->refaults_snap = tl->activate_hier;      /* snapshot_refaults() */
		if (sc->nr_reclaimed || sc->compaction_ready)
			break;
		if (!sc->memcg_full_walk) {
			sc->memcg_full_walk = 1;
			continue;
		}
		if (sc->skipped_deactivate) {
			sc->force_deactivate = 1;
			sc->skipped_deactivate = 0;
			continue;
		}
		break;
	}
	*pf_memalloc = saved;
	if (sc->target >= 0)
		rm->mc.m[sc->target].ev.sim_reclaim_calls++;
	if (sc->nr_reclaimed)
		rm->kswapd.failures = 0;   /* shrink_node(): progress revives kswapd */
	return sc->nr_reclaimed;
}

uint64_t rc_try_to_free(struct reclaim *rm, int who, int target, uint64_t nr_pages, int may_swap,
			int proactive)
{
	struct rc_scan sc = {
		.who = who,
		.target = target,
		.nr_to_reclaim = nr_pages > SWAP_CLUSTER_MAX ? nr_pages : SWAP_CLUSTER_MAX,
		.may_swap = may_swap,
		.proactive = proactive,
	};

	if (target < 0)
		sc.nr_to_reclaim = SWAP_CLUSTER_MAX;   /* try_to_free_pages() */
	return rc_do_try_to_free(rm, &sc);
}

int rc_try_to_free_pages_order(struct reclaim *rm, int who, unsigned order)
{
	struct rc_scan sc = {
		.who = who,
		.target = -1,
		.nr_to_reclaim = SWAP_CLUSTER_MAX,
		.may_swap = 1,
		.order = order,
	};

	rc_do_try_to_free(rm, &sc);
	return sc.compaction_ready;
}

/*
 * balance_pgdat() of the only node at order 0 (kswapd is only woken by
 * order-0 allocations here): from DEF_PRIORITY down to 1, each round
 * kswapd_shrink_node() with nr_to_reclaim = max(high, SWAP_CLUSTER_MAX),
 * walking every memcg (no reclaim cookie for kswapd); the priority stays
 * when the round scanned enough and reclaimed something.  No boost (no
 * fragmentation), no kswapd_age_node() beyond shrink_lruvec()'s own
 * rebalancing.  Returns pages reclaimed; a run that reclaimed nothing
 * counts a kswapd failure.
 */
uint64_t rc_balance_pgdat(struct reclaim *rm)
{
	struct rc_scan sc = {
		.who = RECLAIM_WHO_KSWAPD,
		.target = -1,
		.may_swap = 1,
		.memcg_full_walk = 1,
	};
	int *pf_memalloc = rc_in_reclaim(rm, RECLAIM_WHO_KSWAPD);
	uint64_t high = rm->kswapd.wm.high;

	rm->kswapd.vs.pageoutrun++;
	*pf_memalloc = 1;
	sc.priority = DEF_PRIORITY;
	do {
		uint64_t before = sc.nr_reclaimed;

		if (rc_pgdat_balanced(rm))
			goto out;
		sc.nr_to_reclaim = high > SWAP_CLUSTER_MAX ? high : SWAP_CLUSTER_MAX;
		sc.nr_scanned = 0;
		rc_shrink_node(rm, &sc);
		/* the reserve restored: throttled direct reclaimers go on */
		if (rm->kswapd.throttled && rc_allow_direct_reclaim(rm))
			rc_kswapd_wake_throttled(rm);
		uint64_t done = sc.nr_reclaimed - before;
		int enough = (sc.nr_scanned > done ? sc.nr_scanned : done) >= sc.nr_to_reclaim;

		if (!enough || !done)
			sc.priority--;
	} while (sc.priority >= 1);
	if (!sc.nr_reclaimed)
		rm->kswapd.failures++;
out:
	rm->lru[rm->mc.n].refaults_snap = rm->lru[rm->mc.n].activate_hier;   /* snapshot_refaults() */
	*pf_memalloc = 0;
	if (sc.nr_reclaimed)
		rm->kswapd.failures = 0;
	return sc.nr_reclaimed;
}

/* reclaim_pages() for MADV_PAGEOUT: the folios are reclaimed whatever their
 * references (their young bits are cleared), one memcg list at a time.
 * reclaim_folio_list()'s scan control has no target memcg: evictions take
 * the root's workingset clock, and nothing counts PGSTEAL.  The folios are
 * taken with folio_isolate_lru(), which leaves NR_ISOLATED_ANON alone. */
uint64_t rc_reclaim_folios(struct reclaim *rm, int who, uint32_t *heads, unsigned n)
{
	uint64_t done = 0;
	int *pf_memalloc = rc_in_reclaim(rm, who), saved = *pf_memalloc;

	*pf_memalloc = 1;
	for (unsigned i = 0; i < n;) {
		struct rc_folio_list list;
		uint32_t m = rm->pg[heads[i]].memcg;
		uint64_t taken = 0, pageout;
		struct rc_scan sc = {
			.who = who, .target = -1, .nr_to_reclaim = UINT64_MAX,
			.may_swap = 1, .ignore_references = 1,
		};

		list.n = 0;
		rc_lru_add_drain(rm, who);
		rc_lru_lock(rm, who, m, 1);
		for (; i < n && rm->pg[heads[i]].memcg == m && taken < SWAP_CLUSTER_MAX; i++) {
			uint32_t h = heads[i];

			if (rm->pg[h].state != PS_MAPPED || (rm->pg[h].fflags & FF_LOCKED) ||
			    (rm->pg[h].flags & PF_PENDING))
				continue;
			rc_lru_del(rm, h);
			/* reclaim_pages(): folio_clear_active() */
			rm->pg[h].fflags = (uint8_t)((rm->pg[h].fflags | FF_LOCKED) &
						     ~(FF_ACTIVE | FF_REFERENCED));
			rc_folio_referenced(rm, h);
			list.h[list.n++] = h;
			taken += rc_nr(rm, h);
		}
		done += rc_shrink_folio_list(rm, &sc, &list, &pageout);
		rc_putback(rm, &sc, m, list.h, list.n, 0);
	}
	*pf_memalloc = saved;
	return done;
}
