/* SPDX-License-Identifier: MIT */
/*
 * Faults of the reclaim model (mm/memory.c do_anonymous_page(),
 * alloc_anon_folio(), do_swap_page(), should_try_to_free_swap();
 * mm/swap_state.c swap_vma_readahead(), __swapin_nr_pages(),
 * swap_update_readahead(), __read_swap_cache_async(); mm/workingset.c
 * workingset_refault(); mm/swap.c folio_add_lru()).
 */
#include <errno.h>
#include <string.h>

#include "models/page.h"
#include "models/reclaim_internal.h"

#define SWAP_RA_ORDER_CEILING 5
#define SWAP_RA_HITS_MAX      63
#define PMD_PAGES             512u

/* ---- LRU add batches ------------------------------------------------------------------ */

/* The shrink worker is an unbound kworker; the model runs it on
 * cfg.worker_cpu, whose LRU batch and charge stock it shares. */
static struct rc_cpu *rc_cpu_of(struct reclaim *rm, int who)
{
	return &rm->cpu[rc_who_cpu(rm, who)];
}

/* folio_batch_move_lru() with lru_add(): every folio of the batch onto the
 * head of its list, under its lruvec's lock (taken again when the lruvec
 * changes).  The batch is per CPU and tasks sharing the CPU may run while
 * this one waits for a lock, so the folios move first and the lock holds are
 * timed after: nothing here waits half-way through the batch. */
static void rc_lru_batch_flush(struct reclaim *rm, int who, struct rc_cpu *c)
{
	uint32_t memcg[LRU_ADD_BATCH], held[LRU_ADD_BATCH];
	unsigned nlock = 0;

	for (unsigned i = 0; i < c->n; i++) {
		uint32_t h = c->lru_add[i];
		struct rc_page *f = &rm->pg[h];

		if (!(f->flags & PF_PENDING))
			continue;         /* freed or isolated meanwhile */
		f->flags &= (uint8_t)~PF_PENDING;
		rc_lru_add(rm, h, (f->fflags & FF_ACTIVE) ? LRU_ACTIVE : LRU_INACTIVE, 0);
		if (!nlock || memcg[nlock - 1] != f->memcg) {
			memcg[nlock] = f->memcg;
			held[nlock++] = 0;
		}
		held[nlock - 1]++;
	}
	c->n = 0;
	for (unsigned i = 0; i < nlock; i++)
		rc_lru_lock(rm, who, memcg[i], held[i]);
}

void rc_lru_cache_add(struct reclaim *rm, int who, uint32_t h)
{
	struct rc_cpu *c = rc_cpu_of(rm, who);
	struct rc_page *f = &rm->pg[h];

	/* folio_may_be_lru_cached(): large folios skip the batch.  On the
	 * list first, the lock hold timed after: the hook may let other tasks
	 * run, which must find the folio where reclaim looks for it. */
	if (f->order) {
		rc_lru_add(rm, h, (f->fflags & FF_ACTIVE) ? LRU_ACTIVE : LRU_INACTIVE, 0);
		rc_lru_lock(rm, who, f->memcg, 1);
		return;
	}
	f->flags |= PF_PENDING;
	c->lru_add[c->n++] = h;
	if (c->n == LRU_ADD_BATCH)
		rc_lru_batch_flush(rm, who, c);
}

void rc_lru_add_drain_all(struct reclaim *rm)
{
	for (unsigned c = 0; c < rm->cfg.ncpus; c++)
		if (rm->cpu[c].n)
			rc_lru_batch_flush(rm, RECLAIM_WHO_WORKER, &rm->cpu[c]);
}

void rc_lru_add_drain(struct reclaim *rm, int who)
{
	struct rc_cpu *c = rc_cpu_of(rm, who);

	if (c->n)
		rc_lru_batch_flush(rm, who, c);
}

/* ---- workingset -------------------------------------------------------------------------- */

void rc_age_nonresident(struct reclaim *rm, int m, uint64_t nr)
{
	for (; m >= 0; m = rm->mc.m[m].parent)
		rm->lru[m].nonresident_age += nr;
	rm->lru[rm->mc.n].nonresident_age += nr;      /* the root's */
}

/* lru_note_cost_unlock_irq(): the memcg's lruvec and each parent's up to the
 * root's (global reclaim's scan balance reads the root's); no cost, no decay. */
void rc_note_cost(struct reclaim *rm, uint32_t m, uint64_t nr_io, uint64_t nr_rotated)
{
	uint64_t cost = nr_io * SWAP_CLUSTER_MAX + nr_rotated;

	if (!cost)
		return;
	for (int i = (int)m;; i = rm->mc.m[i].parent) {
		struct rc_lruvec *l = &rm->lru[i < 0 ? rm->mc.n : (unsigned)i];
		uint64_t lrusize = l->hier[0] + l->hier[1];

		l->anon_cost += cost;
		if (l->anon_cost > lrusize / 4)
			l->anon_cost /= 2;
		if (i < 0)
			break;
	}
}

int rc_swap_available(const struct reclaim *rm, uint32_t memcg)
{
	if (rm->slots.used >= rm->cfg.nslots)
		return 0;
	/* mem_cgroup_get_nr_swap_pages(): the root (memcg == nmemcg) and v1
	 * see the machine's free swap only */
	if (rm->mc.version != MEMCG_V2 || memcg >= rm->mc.n)
		return 1;
	for (int i = (int)memcg; i >= 0; i = rm->mc.m[i].parent) {
		const struct memcg *c = &rm->mc.m[i];

		if (c->lim.swap_max != MEMCG_NOLIMIT && c->swap >= c->lim.swap_max)
			return 0;
	}
	return 1;
}

/* workingset_refault() for a folio read back into the swap cache: always a
 * refault of the folio's memcg; activated when it was evicted less than the
 * eviction lruvec's active list ago (with swap to spare). */
void rc_workingset_refault(struct reclaim *rm, uint32_t h)
{
	struct rc_page *p = &rm->pg[h];
	uint32_t nr = 1u << p->order;

	if (!(p->flags & PF_SHADOW))
		return;
	uint32_t evm = p->next, eviction = p->prev;
	int ws = (p->flags & PF_SHADOW_WS) != 0;
	const struct rc_lruvec *el = &rm->lru[evm];
	uint32_t distance = (uint32_t)el->nonresident_age - eviction;
	uint64_t size = rc_swap_available(rm, evm) ? el->hier[LRU_ACTIVE] : 0;

	p->flags &= (uint8_t)~(PF_SHADOW | PF_SHADOW_WS);
	p->prev = p->next = RECLAIM_NIL;
	rm->mc.m[p->memcg].ev.workingset_refault_anon += nr;
	if (distance > size)
		return;
	p->fflags |= FF_ACTIVE;
	rc_age_nonresident(rm, p->memcg, nr);
	rm->mc.m[p->memcg].ev.workingset_activate_anon += nr;
	for (int i = p->memcg; i >= 0; i = rm->mc.m[i].parent)
		rm->lru[i].activate_hier += nr;
	rm->lru[rm->mc.n].activate_hier += nr;
	if (ws) {
		p->fflags |= FF_WORKINGSET;
		rc_note_cost(rm, p->memcg, nr, 0);
		rm->mc.m[p->memcg].ev.workingset_restore_anon += nr;
	}
}

/* ---- swap-in ------------------------------------------------------------------------------ */

/* __read_swap_cache_async() for a swapped page: allocate and charge a folio
 * (to the memcg recorded for the slot), refault check, onto the LRU via the
 * batch, then read it.  Returns the read's enum reclaim_in_result, or -1 when
 * the charge failed (the page stays out). */
static int rc_swapin_page(struct reclaim *rm, int who, uint32_t g, int readahead, int *killed)
{
	struct rc_page *p = &rm->pg[g];

	if (rc_alloc_pages(rm, who, 1) || rc_charge(rm, who, p->memcg, 1, 1, killed))
		return -1;
	if (p->state != PS_SWAPPED) {     /* a hook let another task bring it in */
		rc_uncharge(rm, p->memcg, 1);
		return -1;
	}
	memcg_swapin_uncharge_swap(&rm->mc, p->memcg, 1);
	rm->resident++;
	p->state = PS_CACHED;
	p->order = 0;
	p->flags &= (uint8_t)(PF_SHADOW | PF_SHADOW_WS);
	p->fflags = 0;
	rc_workingset_refault(rm, g);
	/* the read, under the folio lock: zswap decompresses (and frees the
	 * entry: the folio is dirty), disk and zeromap give a clean copy that
	 * keeps its slot; then onto the LRU */
	p->fflags |= FF_LOCKED;
	int res = rm->ops.swap_in(rm->ops_ctx, p->slot, p->memcg, who, readahead);

	if (res == RECLAIM_IN_DISK_ASYNC) {
		/* in flight: locked (a fault on it waits) and off the LRU until
		 * reclaim_read_done() */
		p->fflags |= FF_READAHEAD;
		rm->mc.m[p->memcg].ev.swap_ra++;
		return RECLAIM_IN_DISK;
	}
	p->fflags &= (uint8_t)~FF_LOCKED;
	rc_folio_wake(rm, g);
	rc_lru_cache_add(rm, who, g);
	if (res == RECLAIM_IN_ZSWAP)
		p->fflags |= FF_DIRTY;
	if (readahead) {
		p->fflags |= FF_READAHEAD;
		rm->mc.m[p->memcg].ev.swap_ra++;
	}
	if (p->flags & PF_FREEPEND)
		rc_free_pending(rm, who, g);
	return res;
}

/* swap_vma_ra_win() + __swapin_nr_pages(): the readahead window around vpage
 * v of task t, from the task's last fault, window and hits; returns the
 * window's size before clipping (1: no readahead).  A task that has not
 * faulted yet has no previous address (ra_prev RECLAIM_NIL: the kernel's
 * empty swap_readahead_info reads as address 0, never next to a fault). */
static uint32_t rc_ra_window(struct reclaim *rm, struct rc_task *t, uint32_t v, uint32_t *start,
			     uint32_t *end)
{
	unsigned pc = rm->cfg.page_cluster < SWAP_RA_ORDER_CEILING ? rm->cfg.page_cluster :
								    SWAP_RA_ORDER_CEILING;
	uint32_t max_win = 1u << pc, prev = t->ra_prev, hits = t->ra_hits, pages, win;
	int64_t left;

	*start = v;
	*end = v + 1;
	if (max_win == 1)
		return 1;
	pages = hits + 2;
	if (pages == 2) {
		if ((uint64_t)prev + 1 != v && (uint64_t)v + 1 != prev)
			pages = 1;
	} else {
		uint32_t roundup = 4;

		while (roundup < pages)
			roundup <<= 1;
		pages = roundup;
	}
	if (pages > max_win)
		pages = max_win;
	if (pages < t->ra_win / 2)          /* don't shrink readahead too fast */
		pages = t->ra_win / 2;
	win = pages;
	t->ra_prev = v;
	t->ra_win = win;
	t->ra_hits = 0;
	if (win == 1)
		return 1;
	if ((uint64_t)prev + 1 == v)
		left = v;
	else if ((uint64_t)v + 1 == prev)
		left = (int64_t)v - win + 1;
	else
		left = (int64_t)v - (win - 1) / 2;
	int64_t right = left + win;

	if (left < 0)
		left = 0;
	/* clipped to the VMA (the task's space) and to the PMD of the fault */
	uint32_t pmd = v & ~(PMD_PAGES - 1);

	*start = (uint32_t)(left > pmd ? left : pmd);
	*end = (uint32_t)(right < (int64_t)t->npages ? right : t->npages);
	if (*end > pmd + PMD_PAGES)
		*end = pmd + PMD_PAGES;
	return win;
}

/* swap_update_readahead() on a swap-cache hit. */
static void rc_ra_hit(struct reclaim *rm, struct rc_task *t, uint32_t g, uint32_t v)
{
	struct rc_page *p = &rm->pg[g];

	if (p->order)
		return;
	t->ra_prev = v;
	if (p->fflags & FF_READAHEAD) {
		p->fflags &= (uint8_t)~FF_READAHEAD;
		if (t->ra_hits < SWAP_RA_HITS_MAX)
			t->ra_hits++;
		rm->mc.m[p->memcg].ev.swap_ra_hit++;
	}
}

/* should_try_to_free_swap() then folio_free_swap(): a write fault (we are
 * the only user) or a swap space more than half full frees the slot; the
 * folio is dirty from then on.  Not while its write is in flight:
 * folio_swapcache_freeable() refuses a folio under writeback, which keeps
 * its slot until reclaim meets it again. */
static void rc_maybe_free_swap(struct reclaim *rm, int who, uint32_t g, int write)
{
	uint32_t h = rc_head(rm, g), nr = rc_nr(rm, h), slot = rm->pg[h].slot;
	struct rc_page *f = &rm->pg[h];

	if (slot == RECLAIM_NIL || (f->fflags & FF_WRITEBACK))
		return;
	/* without a full swap, only a write by the folio's one user: its
	 * refcount is the swap cache's and the fault's, no LRU batch's */
	if (!rc_swap_full(rm, f->memcg) && (!write || (f->flags & PF_PENDING)))
		return;
	if (nr > 1 && !rc_swap_freeable(rm, h))
		return;              /* folio_swapped(): a swap PTE still names a page */
	rm->ops.swap_free(rm->ops_ctx, slot, nr, f->memcg, who);
	memcg_uncharge_swap(&rm->mc, f->memcg, nr, 1);
	rc_slot_release(rm, slot, nr);
	for (uint32_t i = 0; i < nr; i++)
		rm->pg[h + i].slot = RECLAIM_NIL;
	f->fflags |= FF_DIRTY;
}

/* do_swap_page() on a large swap-cache folio: when the PTEs of all its pages
 * still hold its swap entries, in order (swap_pte_batch() == nr), the whole
 * folio is mapped by the one fault; otherwise the faulting page alone. */
static int rc_folio_swap_ptes(const struct reclaim *rm, uint32_t h)
{
	uint32_t nr = rc_nr(rm, h), slot = rm->pg[h].slot;

	if (slot == RECLAIM_NIL)
		return 0;
	for (uint32_t i = 0; i < nr; i++) {
		const struct rc_page *p = &rm->pg[h + i];

		if (p->state != PS_CACHED || (p->flags & PF_FREEPEND) || p->slot != slot + i)
			return 0;
	}
	return 1;
}

/* Map a resident swap-cache page (after a read or a swap-cache hit). */
static void rc_map_cached(struct reclaim *rm, int who, uint32_t g, int write)
{
	uint32_t h = rc_head(rm, g), first = g, n = 1;

	if (rm->pg[h].order && rc_folio_swap_ptes(rm, h)) {
		first = h;
		n = rc_nr(rm, h);
	}
	for (uint32_t i = 0; i < n; i++) {
		struct rc_page *p = &rm->pg[first + i];

		p->state = PS_MAPPED;
		p->flags |= PF_YOUNG;
		rm->task[p->task].st.rss++;
		rm->task[p->task].st.swapents--;
	}
	rc_maybe_free_swap(rm, who, g, write);
	if (write)
		rm->pg[rc_head(rm, g)].fflags |= FF_DIRTY;
}

/* do_swap_page() for a page that is out: VMA readahead brings the page and
 * its swapped neighbours into the swap cache, then the page is mapped.
 * *major is set when the page was read but the fault must be retried. */
static int rc_swap_fault(struct reclaim *rm, int who, uint32_t g, uint32_t v, int write, int *major)
{
	struct rc_task *t = &rm->task[who];
	uint32_t start, end;
	int res = -1, killed = 0;

	if (rc_ra_window(rm, t, v, &start, &end) > 1) {
		for (uint32_t u = start; u < end && !killed && !t->st.killed; u++) {
			uint32_t q = t->base + u;

			if (rm->pg[q].state != PS_SWAPPED)
				continue;
			int r = rc_swapin_page(rm, who, q, q != g, &killed);

			if (q == g)
				res = r;
		}
		rc_lru_add_drain(rm, who);     /* after the readahead loop only */
	}
	if (rm->pg[g].state == PS_SWAPPED && !killed && !t->st.killed)
		res = rc_swapin_page(rm, who, g, 0, &killed);   /* no window, or outside it */
	if (killed || t->st.killed)
		return RECLAIM_KILLED;
	if (rm->pg[g].state != PS_CACHED || res < 0) {
		/* the charge failed without a kill (a large ask), or another task
		 * mapped it meanwhile: the fault is retried */
		return rm->pg[g].state == PS_MAPPED ? RECLAIM_MINOR : RECLAIM_DEAD;
	}
	t->st.majfaults++;
	rm->mc.m[t->memcg].ev.pgmajfault++;
	if (write && !(rm->pg[rc_head(rm, g)].flags & PF_ONLRU))
		rc_lru_add_drain(rm, who);   /* the write's drain, as on a swap-cache hit */
	if ((rm->pg[rc_head(rm, g)].fflags & FF_LOCKED) || rm->pg[g].state != PS_CACHED) {
		/* folio_lock_or_retry(): another task's reclaimer isolated the
		 * folio while this one waited in a hook (draining its LRU batch,
		 * reading a neighbour): retry the fault, which waits for the
		 * folio lock (VM_FAULT_RETRY; counted as one major fault) */
		*major = 1;
		return RECLAIM_DEAD;
	}
	rc_map_cached(rm, who, g, write);
	switch (res) {
	case RECLAIM_IN_ZERO:
		return RECLAIM_MAJOR_ZERO;
	case RECLAIM_IN_ZSWAP:
		return RECLAIM_MAJOR_ZSWAP;
	default:
		return RECLAIM_MAJOR_DISK;
	}
}

/* ---- new pages ------------------------------------------------------------------------------- */

/* A new folio of 2^order pages at head h, charged to memcg: content drawn
 * for the whole folio (page g gets `content` when the access names it),
 * PTEs young and dirty, onto the LRU through the batch. */
static void rc_map_new(struct reclaim *rm, int who, uint32_t h, unsigned order, uint32_t memcg,
		       uint32_t g, uint32_t content)
{
	uint32_t nr = 1u << order;

	rm->cfg.draw_content(rm->cfg.draw_ctx, rm->pg[h].task, nr, rm->draw_buf);
	for (uint32_t i = 0; i < nr; i++) {
		struct rc_page *p = &rm->pg[h + i];

		p->state = PS_MAPPED;
		p->order = (uint8_t)order;
		p->memcg = (uint16_t)memcg;
		p->flags = PF_YOUNG;
		p->fflags = 0;
		p->slot = RECLAIM_NIL;
		p->content = rm->draw_buf[i];
	}
	if (content != RECLAIM_CONTENT_DRAW)
		rm->pg[g].content = content;
	rm->pg[h].fflags = FF_DIRTY;
	rm->resident += nr;
	rm->task[who].st.rss += nr;
	rc_lru_cache_add(rm, who, h);
}

/* vma_alloc_anon_folio_pmd() then map_anon_folio_pmd(): a PMD folio at h,
 * allocated (one reclaim round, no OOM kill) and charged (it may reclaim),
 * mapped whole; thp_fault_alloc, or thp_fault_fallback (and
 * thp_fault_fallback_charge when the charge failed) and -ENOMEM. */
static int rc_thp_fault_alloc(struct reclaim *rm, int who, uint32_t h, uint32_t memcg,
			      uint32_t g, uint32_t content)
{
	struct reclaim_vmstat *vs = &rm->kswapd.vs;
	struct reclaim_mthp *st = &rm->mthp[RECLAIM_MAX_ORDER];

	if (rc_alloc_pages_thp(rm, who, PMD_PAGES)) {
		vs->thp_fault_fallback++;
		st->anon_fault_fallback++;
		return -ENOMEM;
	}
	if (rc_charge_nowait(rm, who, memcg, PMD_PAGES, 1)) {
		vs->thp_fault_fallback++;
		vs->thp_fault_fallback_charge++;
		st->anon_fault_fallback++;
		st->anon_fault_fallback_charge++;
		return -ENOMEM;
	}
	rc_map_new(rm, who, h, RECLAIM_MAX_ORDER, memcg, g, content);
	vs->thp_fault_alloc++;
	st->anon_fault_alloc++;
	rm->mc.m[memcg].ev.thp_fault_alloc++;
	return 0;
}

/* alloc_anon_folio(): the mapping's order when its aligned block is all
 * unpopulated and the allocation and charge succeed, else order 0.  A
 * sub-PMD order's gfp (vma_thp_gfp_mask(): GFP_TRANSHUGE_LIGHT without
 * MADV_HUGEPAGE) may not reclaim: it fits in the free RAM and the memcg's
 * margin or falls back; a PMD order (9, MADV_HUGEPAGE: __GFP_DIRECT_RECLAIM)
 * may reclaim but never OOM-kills. */
static int rc_anon_fault(struct reclaim *rm, int who, uint32_t g, unsigned order, uint32_t memcg,
			 uint32_t content, int cow)
{
	struct rc_task *t = &rm->task[who];
	int killed = 0;

	if (order && !cow) {
		uint32_t nr = 1u << order, h = g & ~(nr - 1), ok = h >= t->base &&
			     h + nr <= t->base + t->npages;

		for (uint32_t i = 0; ok && i < nr; i++)
			ok = rm->pg[h + i].state == PS_NONE;
		if (ok && order == RECLAIM_MAX_ORDER) {
			if (!rc_thp_fault_alloc(rm, who, h, memcg, g, content))
				return RECLAIM_FIRST_TOUCH;
			if (t->st.killed)
				return RECLAIM_KILLED;
		} else if (ok) {
			/* vma_thp_gfp_mask() without MADV_HUGEPAGE: no direct
			 * reclaim; each failure counts anon_fault_fallback */
			struct reclaim_mthp *st = &rm->mthp[order];

			if (!rc_alloc_pages_nowait(rm, nr)) {
				if (!rc_charge_nowait(rm, who, memcg, nr, 0)) {
					rc_map_new(rm, who, h, order, memcg, g, content);
					st->anon_fault_alloc++;
					return RECLAIM_FIRST_TOUCH;
				}
				st->anon_fault_fallback_charge++;
			}
			st->anon_fault_fallback++;
		}
	}
	if (rc_alloc_pages(rm, who, 1))
		return RECLAIM_KILLED;
	if (rc_charge(rm, who, memcg, 1, 1, &killed))
		return killed || t->st.killed ? RECLAIM_KILLED : RECLAIM_DEAD;
	if (rm->pg[g].state != PS_NONE && rm->pg[g].state != PS_ZEROPAGE) {
		/* another task's hook ran and this page appeared: give the charge back */
		rc_uncharge(rm, memcg, 1);
		return RECLAIM_HIT;
	}
	rc_map_new(rm, who, g, 0, memcg, g, content);
	return RECLAIM_FIRST_TOUCH;
}

/* The PMD block of page g lies in task t and its 512 pages are all in state
 * (and, for the huge zero page, marked as one PMD: order 9). */
static int rc_pmd_all(const struct reclaim *rm, const struct rc_task *t, uint32_t g, uint8_t state)
{
	uint32_t h = g & ~(PMD_PAGES - 1);

	if (h < t->base || (uint64_t)h + PMD_PAGES > (uint64_t)t->base + t->npages)
		return 0;
	for (uint32_t i = 0; i < PMD_PAGES; i++) {
		const struct rc_page *p = &rm->pg[h + i];

		if (p->state != state || (state == PS_ZEROPAGE && p->order != RECLAIM_MAX_ORDER))
			return 0;
	}
	return 1;
}

/* do_huge_zero_wp_pmd(): a write to the huge zero page allocates a PMD folio
 * (it may reclaim, never OOM-kills); when that fails the PMD is split into
 * zero-page PTEs (__split_huge_pmd()) and the write copies one page. */
static int rc_huge_zero_wp(struct reclaim *rm, int who, uint32_t g, uint32_t memcg,
			   uint32_t content)
{
	uint32_t h = g & ~(PMD_PAGES - 1);

	if (rc_pmd_all(rm, &rm->task[who], g, PS_ZEROPAGE) &&
	    !rc_thp_fault_alloc(rm, who, h, memcg, g, content))
		return RECLAIM_FIRST_TOUCH;
	if (rm->task[who].st.killed)
		return RECLAIM_KILLED;
	rc_split_huge_zero(rm, g);
	return rc_anon_fault(rm, who, g, 0, memcg, content, 1);
}

/* A store to a mapped page: a named content replaces what it holds; an
 * unnamed one may change it (drawn at its next swap-out, with probability
 * cfg.dirty). */
static void rc_set_written(struct reclaim *rm, uint32_t g, uint32_t content)
{
	struct rc_page *p = &rm->pg[g];

	if (content != RECLAIM_CONTENT_DRAW) {
		p->content = content;
		p->flags &= (uint8_t)~PF_WRITTEN;
	} else {
		p->flags |= PF_WRITTEN;
	}
}

/* ---- one access ------------------------------------------------------------------------------- */

/* A hit on a mapped page: the PTE young; a write dirties the folio. */
static inline void rc_hit_mapped(struct reclaim *rm, uint32_t g, int write, uint32_t content)
{
	struct rc_page *p = &rm->pg[g];

	p->flags |= PF_YOUNG;
	if (write) {
		rm->pg[rc_head(rm, g)].fflags |= FF_DIRTY;
		rc_set_written(rm, g, content);
	}
}

int rc_access(struct reclaim *rm, const struct reclaim_req *r)
{
	struct rc_task *t = &rm->task[r->task];
	int who = (int)r->task, write = r->op == RECLAIM_OP_WRITE;
	uint32_t g = t->base + r->vpage;
	struct rc_page *p = &rm->pg[g];
	int ret, major = 0, drained = 0;

	rc_page_ready(rm, g);

	t->st.accesses++;
	t->st.bytes += SIM_PAGE_SIZE;
	for (int tries = 0;; tries++) {
		/* a fault that keeps racing is a model bug; with a timing backend
		 * a folio may be relocked by other tasks before we run again */
		if (tries > (rm->t && rm->t->folio_wait ? 1 << 20 : 64))
			return -EAGAIN;
		switch (p->state) {
		case PS_MAPPED:
			rc_hit_mapped(rm, g, write, r->content);
			rc_work(rm, who, RECLAIM_W_ACCESS, 1);
			return RECLAIM_HIT;
		case PS_ZEROPAGE:
			if (!write) {
				rc_work(rm, who, RECLAIM_W_ACCESS, 1);
				return RECLAIM_HIT;
			}
			/* do_wp_page() on the zero page: a new order-0 folio;
			 * on the huge zero page, a PMD folio if it can */
			t->st.faults++;
			rm->mc.m[r->memcg].ev.pgfault++;
			rc_work(rm, who, RECLAIM_W_FAULT, 1);
			ret = p->order ? rc_huge_zero_wp(rm, who, g, r->memcg, r->content) :
					 rc_anon_fault(rm, who, g, 0, r->memcg, r->content, 1);
			if (ret == RECLAIM_FIRST_TOUCH)
				t->st.first_touch++;
			return ret;
		case PS_NONE:
			rm->orders_used |= 1u << r->order;
			t->st.faults++;
			rm->mc.m[r->memcg].ev.pgfault++;
			rc_work(rm, who, RECLAIM_W_FAULT, 1);
			if (!write) {
				/* do_anonymous_page(): a read maps the shared zero
				 * page; in an unpopulated PMD block of a MADV_HUGEPAGE
				 * mapping, the huge zero page for all 512 pages
				 * (do_huge_pmd_anonymous_page(), use_zero_page 1) */
				t->st.zero_faults++;
				if (r->order == RECLAIM_MAX_ORDER && rc_pmd_all(rm, t, g, PS_NONE)) {
					uint32_t h = g & ~(PMD_PAGES - 1);

					for (uint32_t i = 0; i < PMD_PAGES; i++) {
						rm->pg[h + i].state = PS_ZEROPAGE;
						rm->pg[h + i].order = RECLAIM_MAX_ORDER;
					}
				} else {
					p->state = PS_ZEROPAGE;
					p->order = 0;
				}
				return RECLAIM_FIRST_TOUCH;
			}
			ret = rc_anon_fault(rm, who, g, r->order, r->memcg, r->content, 0);
			if (ret == RECLAIM_FIRST_TOUCH)
				t->st.first_touch++;
			return ret;
		case PS_CACHED: {
			uint32_t h = rc_head(rm, g);

			if (rm->pg[h].fflags & FF_LOCKED) {
				/* under reclaim or being read: wait for the folio lock,
				 * holding the reference swap_cache_get_folio() took, so
				 * reclaim cannot free the folio meanwhile (only its
				 * task faults on it: one waiter at most) */
				if (rm->t && rm->t->folio_wait) {
					rm->pg[h].fflags |= FF_PINNED;
					rm->t->folio_wait(rm->tctx, who, h);
					rm->pg[h].fflags &= (uint8_t)~FF_PINNED;
					continue;
				}
			}
			/* do_swap_page(): a write to a swap-cache folio not on the
			 * LRU drains this CPU's batch, whose reference would keep
			 * the slot; its hooks may let other tasks run: look again */
			if (write && !drained && !(rm->pg[h].flags & PF_ONLRU) &&
			    rc_cpu_of(rm, who)->n) {
				drained = 1;
				rc_lru_add_drain(rm, who);
				continue;
			}
			if (!major) {       /* a retried major fault counts once */
				t->st.faults++;
				t->st.minfaults++;
				/* mm_account_fault(): a VM_FAULT_RETRY attempt is
				 * not counted, the completed fault once */
				rm->mc.m[r->memcg].ev.pgfault++;
			}
			rc_ra_hit(rm, t, g, r->vpage);
			rc_map_cached(rm, who, g, write);
			if (write)
				rc_set_written(rm, g, r->content);
			/* timed once mapped: the hook may let other tasks run, and
			 * a reclaimer must not isolate the folio between the
			 * lock check above and the mapping */
			rc_work(rm, who, RECLAIM_W_FAULT, 1);
			return RECLAIM_MINOR;
		}
		case PS_SWAPPED:
			t->st.faults++;
			rm->mc.m[r->memcg].ev.pgfault++;
			rc_work(rm, who, RECLAIM_W_FAULT, 1);
			ret = rc_swap_fault(rm, who, g, r->vpage, write, &major);
			if (ret == RECLAIM_DEAD)
				continue;        /* retry the fault */
			if (write && ret != RECLAIM_KILLED)
				rc_set_written(rm, g, r->content);
			return ret;
		default:
			return -EINVAL;
		}
	}
}

/* reclaim_step() of a run of hits: what it does for one (the task's memcg,
 * its counters, rc_access()'s hit cases) and nothing else, since a hit
 * leaves nothing to do on the way back to user space. */
unsigned reclaim_hits(struct reclaim *rm, const struct reclaim_req *q, unsigned n)
{
	unsigned i;

	if (rm->err || rm->t)
		return 0;
	for (i = 0; i < n; i++) {
		const struct reclaim_req *r = &q[i];
		struct rc_task *t = &rm->task[r->task];
		int write = r->op == RECLAIM_OP_WRITE;

		if ((r->op != RECLAIM_OP_READ && !write) || t->st.killed || t->st.exited ||
		    t->nr_over_high)
			break;
		uint32_t g = t->base + r->vpage;
		uint8_t state = rm->pg[g].state;

		if (state == PS_MAPPED)
			rc_hit_mapped(rm, g, write, r->content);
		else if (state != PS_ZEROPAGE || write)
			break;
		t->memcg = r->memcg;
		t->st.accesses++;
		t->st.bytes += SIM_PAGE_SIZE;
	}
	return i;
}
