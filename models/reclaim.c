/* SPDX-License-Identifier: MIT */
/*
 * The reclaim model (see reclaim.h): creation, tasks, swap slots, LRU lists,
 * charging with reclaim and OOM (try_charge_memcg(), mem_cgroup_oom()),
 * memory.high on the way back to user space (mem_cgroup_handle_over_high()),
 * munmap / exit, memory.reclaim, memory.max writes, zswap writeback folios.
 * Scanning is in vmscan.c, faults in fault.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/hugemem.h"
#include "models/idx_ring.h"
#include "models/reclaim_internal.h"

#define MAX_RECLAIM_RETRIES        16   /* mm/internal.h */
#define MEMCG_MAX_HIGH_DELAY_JIFFIES(hz) (2ull * (hz))

void rc_fail(struct reclaim *rm, int err, const char *msg)
{
	if (!rm->err) {
		rm->err = err;
		snprintf(rm->errmsg, sizeof(rm->errmsg), "%s", msg);
	}
}

void rc_work(struct reclaim *rm, int who, enum reclaim_work w, uint64_t n)
{
	if (rm->t && rm->t->work && n)
		rm->t->work(rm->tctx, who, w, n);
}

void rc_lru_lock(struct reclaim *rm, int who, uint32_t memcg, uint64_t n)
{
	if (rm->t && rm->t->lru_lock)
		rm->t->lru_lock(rm->tctx, who, memcg, n);
}

/* ---- swap slots ------------------------------------------------------------------ */

/* A block of 2^order slots (models/swap_slots.h), or RECLAIM_NIL when swap
 * is full. */
uint32_t rc_slot_alloc(struct reclaim *rm, unsigned order)
{
	uint32_t s = swap_slots_alloc(&rm->slots, order);

	return s == SWAP_SLOTS_NONE ? RECLAIM_NIL : s;
}

void rc_slot_release(struct reclaim *rm, uint32_t slot, unsigned nr)
{
	swap_slots_free(&rm->slots, slot, nr);
	for (unsigned i = 0; i < nr; i++)
		rc_slot_set_page(rm, slot + i, RECLAIM_NIL);
}

/* ---- LRU lists ---------------------------------------------------------------------- */

/* Own and hierarchical list sizes (the root's at [nmemcg]). */
static void rc_lru_count(struct reclaim *rm, uint32_t memcg, int lru, uint32_t nr, int add)
{
	if (add) {
		rm->lru[memcg].pages[lru] += nr;
		for (int m = (int)memcg; m >= 0; m = rm->mc.m[m].parent)
			rm->lru[m].hier[lru] += nr;
		rm->lru[rm->mc.n].hier[lru] += nr;
		if (lru == LRU_INACTIVE)
			rm->inactive += nr;
	} else {
		rm->lru[memcg].pages[lru] -= nr;
		for (int m = (int)memcg; m >= 0; m = rm->mc.m[m].parent)
			rm->lru[m].hier[lru] -= nr;
		rm->lru[rm->mc.n].hier[lru] -= nr;
		if (lru == LRU_INACTIVE)
			rm->inactive -= nr;
	}
}

/* A broken list is a model bug that would corrupt every later step: the
 * debug (ASan) build stops at the first one. */
static void rc_debug_check(int ok, const char *what, uint32_t h)
{
#ifdef ZSWAPSIM_DEBUG_INVARIANTS
	if (!ok) {
		fprintf(stderr, "zswapsim: reclaim model bug: %s (page %u)\n", what, h);
		abort();
	}
#else
	(void)ok;
	(void)what;
	(void)h;
#endif
}

static void rc_list_moved(void *ctx, uint32_t h, uint32_t ridx)
{
	((struct reclaim *)ctx)->pg[h].prev = ridx;
}

/* Make room in a full ring (idx_ring_make_room()); every folio's ring index
 * is updated.  -ENOMEM. */
static int rc_list_make_room(struct reclaim *rm, struct rc_list *l)
{
	return idx_ring_make_room(&l->q, &l->mask, &l->lo, &l->hi, l->folios, RC_HOLE,
				  rc_list_moved, NULL, rm);
}

/* lruvec_add_folio() (head: most recently used end) or
 * lruvec_add_folio_tail() (the end reclaim takes first). */
void rc_lru_add(struct reclaim *rm, uint32_t h, int lru, int at_tail)
{
	struct rc_page *f = &rm->pg[h];
	struct rc_list *l = &rm->lru[f->memcg].list[lru];
	uint32_t pos;

	rc_debug_check(!(f->flags & PF_ONLRU), "rc_lru_add: folio already on an LRU list", h);
	if ((!l->q || l->hi - l->lo == l->mask + 1) && rc_list_make_room(rm, l)) {
		rc_fail(rm, -ENOMEM, "out of memory for an LRU list");
		return;
	}
	f->flags |= PF_ONLRU;
	pos = at_tail ? l->hi++ : --l->lo;
	l->q[pos & l->mask] = h;
	f->prev = pos & l->mask;
	l->folios++;
	rc_lru_count(rm, f->memcg, lru, 1u << f->order, 1);
	if (lru == LRU_ACTIVE)
		f->fflags |= FF_ACTIVE;
	else
		f->fflags &= (uint8_t)~FF_ACTIVE;
}

void rc_lru_del(struct reclaim *rm, uint32_t h)
{
	struct rc_page *f = &rm->pg[h];
	int lru = (f->fflags & FF_ACTIVE) ? LRU_ACTIVE : LRU_INACTIVE;
	struct rc_list *l = &rm->lru[f->memcg].list[lru];

	rc_debug_check((f->flags & PF_ONLRU) && l->q && l->q[f->prev & l->mask] == h,
		       "rc_lru_del: folio not on its LRU list", h);
	f->flags &= (uint8_t)~PF_ONLRU;
	l->q[f->prev] = RC_HOLE;
	l->folios--;
	/* trim holes at the ends: a folio taken from the tail leaves none */
	while (l->hi != l->lo && l->q[(l->hi - 1) & l->mask] == RC_HOLE)
		l->hi--;
	while (l->hi != l->lo && l->q[l->lo & l->mask] == RC_HOLE)
		l->lo++;
	f->prev = RECLAIM_NIL;
	rc_lru_count(rm, f->memcg, lru, 1u << f->order, 0);
}

unsigned rc_lru_take_tail(struct reclaim *rm, uint32_t m, int lru, uint64_t nr_to_scan,
			  uint32_t *out, unsigned max, uint64_t *nr_taken)
{
	struct rc_list *l = &rm->lru[m].list[lru];
	uint64_t taken = 0;
	unsigned n = 0;
	uint32_t h;

	while (taken < nr_to_scan && n < max && (h = rc_list_tail(l)) != RECLAIM_NIL) {
		struct rc_page *f = &rm->pg[h];

		rc_debug_check((f->flags & PF_ONLRU) && f->prev == ((l->hi - 1) & l->mask),
			       "rc_lru_take_tail: folio not on its LRU list", h);
		l->hi--;
		l->folios--;
		f->flags &= (uint8_t)~PF_ONLRU;
		f->prev = RECLAIM_NIL;
		taken += 1u << f->order;
		out[n++] = h;
	}
	/* the counters are read by nothing in between: one update */
	if (taken)
		rc_lru_count(rm, m, lru, (uint32_t)taken, 0);
	*nr_taken = taken;
	return n;
}

void rc_list_prefetch_tail(const struct reclaim *rm, const struct rc_list *l, unsigned n)
{
	for (uint32_t pos = l->hi; n && pos != l->lo; n--) {
		uint32_t h = l->q[--pos & l->mask];

		if (h != RC_HOLE)
			rc_prefetch_page(rm, h);
	}
}

/* ---- charging ------------------------------------------------------------------------ */

/* The per-CPU charge stock (memcg_stock_pcp): up to NR_MEMCG_STOCK memcgs,
 * each with a few pre-charged pages, so most charges touch no page counter
 * and the counters run ahead of the pages in use by up to 64 pages per
 * memcg and CPU. */
#define NR_MEMCG_STOCK 7

struct rc_stock {
	int32_t cached[NR_MEMCG_STOCK];   /* memcg index, -1 = empty */
	uint8_t nr[NR_MEMCG_STOCK];
	uint64_t rng;                     /* the CPU's choice of a slot to give up */
};

static struct rc_stock *rc_stock_of(struct reclaim *rm, int who)
{
	return &((struct rc_stock *)rm->stock)[rc_who_cpu(rm, who)];
}

/* consume_stock() */
static int rc_consume_stock(struct reclaim *rm, int who, uint32_t memcg, uint32_t nr)
{
	struct rc_stock *st = rc_stock_of(rm, who);

	if (nr > MEMCG_CHARGE_BATCH)
		return 0;
	for (int i = 0; i < NR_MEMCG_STOCK; i++) {
		if (st->cached[i] != (int32_t)memcg)
			continue;
		if (st->nr[i] >= nr) {
			st->nr[i] -= (uint8_t)nr;
			return 1;
		}
		return 0;
	}
	return 0;
}

static void rc_drain_stock(struct reclaim *rm, struct rc_stock *st, int i)
{
	if (st->cached[i] < 0)
		return;
	if (st->nr[i])
		memcg_uncharge(&rm->mc, (unsigned)st->cached[i], st->nr[i]);
	st->nr[i] = 0;
	st->cached[i] = -1;
}

/* refill_stock(); a full stock gives up a slot chosen at random, as the
 * kernel does (get_random_u32_below()), from the run's seeded generator */
static void rc_refill_stock(struct reclaim *rm, int who, uint32_t memcg, uint32_t nr)
{
	struct rc_stock *st = rc_stock_of(rm, who);
	int empty = -1;

	if (nr > MEMCG_CHARGE_BATCH) {
		memcg_uncharge(&rm->mc, memcg, nr);
		return;
	}
	for (int i = 0; i < NR_MEMCG_STOCK; i++) {
		if (st->cached[i] < 0 && empty < 0)
			empty = i;
		if (st->cached[i] == (int32_t)memcg) {
			unsigned pages = st->nr[i] + nr;

			st->nr[i] = (uint8_t)pages;
			if (pages > MEMCG_CHARGE_BATCH)
				rc_drain_stock(rm, st, i);
			return;
		}
	}
	if (empty < 0) {
		empty = (int)rng_below(&st->rng, NR_MEMCG_STOCK);
		rc_drain_stock(rm, st, empty);
	}
	st->cached[empty] = (int32_t)memcg;
	st->nr[empty] = (uint8_t)nr;
}

/* drain_all_stock(): every CPU's stock of a memcg in root's subtree. */
static void rc_drain_all_stock(struct reclaim *rm, uint32_t root)
{
	for (unsigned cpu = 0; cpu <= rm->cfg.ncpus; cpu++) {
		struct rc_stock *st = &((struct rc_stock *)rm->stock)[cpu];

		for (int i = 0; i < NR_MEMCG_STOCK; i++)
			if (st->cached[i] >= 0 && st->nr[i] &&
			    memcg_in_subtree(&rm->mc, (unsigned)st->cached[i], root))
				rc_drain_stock(rm, st, i);
	}
}

static void rc_memcg_event(struct reclaim *rm, uint32_t memcg, size_t off)
{
	(*(uint64_t *)((char *)&rm->mc.m[memcg].ev + off))++;
}
#define RC_EVENT(rm, m, field) rc_memcg_event((rm), (m), offsetof(struct memcg_events, field))

static void rc_handle_over_high(struct reclaim *rm, int who);

/*
 * try_charge_memcg(): charge from the stock, else batch-charge the counters;
 * over a limit, reclaim from the memcg that is over and retry while it helps,
 * then OOM-kill.  Reclaim itself (PF_MEMALLOC) charges by force, so reclaim
 * never recurses into reclaim.
 */
int rc_charge(struct reclaim *rm, int who, uint32_t memcg, uint32_t nr, int may_oom,
	      int *killed_self)
{
	uint32_t batch = nr > MEMCG_CHARGE_BATCH ? nr : MEMCG_CHARGE_BATCH;
	int retries = MAX_RECLAIM_RETRIES, drained = 0, passed_oom = 0, raised_max = 0;
	int over, memsw_over;

	*killed_self = 0;
retry:
	if (rc_consume_stock(rm, who, memcg, nr))
		return 0;
	if (!memcg_try_charge(&rm->mc, memcg, batch, &over, &memsw_over))
		goto done_restock;
	if (batch > nr) {
		batch = nr;
		goto retry;
	}
	if (*rc_in_reclaim(rm, who))
		goto force;
	RC_EVENT(rm, (uint32_t)over, max);
	raised_max = 1;
	uint64_t reclaimed = rc_try_to_free(rm, who, over, nr, !memsw_over, 0);

	if (memcg_margin(&rm->mc, (unsigned)over) >= nr)
		goto retry;
	if (!drained) {
		rc_drain_all_stock(rm, (uint32_t)over);
		drained = 1;
		goto retry;
	}
	if (reclaimed && nr <= (1u << PAGE_ALLOC_COSTLY_ORDER))
		goto retry;
	if (retries--)
		goto retry;
	if (!may_oom)
		return -ENOMEM;
	if (passed_oom && who >= 0 && rm->task[who].st.killed)
		return -ENOMEM;
	/* mem_cgroup_oom(): a victim dies and frees its memory, then retry */
	if (rc_oom_kill(rm, who, (uint32_t)over, killed_self)) {
		if (*killed_self)
			return -ENOMEM;
		passed_oom = 1;
		retries = MAX_RECLAIM_RETRIES;
		goto retry;
	}
	/* No task left to kill: the kernel's fault would retry for ever; the
	 * model lets the charge through and counts it (sim_charge_reclaims). */
force:
	if (!raised_max)
		RC_EVENT(rm, (uint32_t)over, max);
	memcg_force_charge(&rm->mc, memcg, nr);
	return 0;

done_restock:
	if (batch > nr)
		rc_refill_stock(rm, who, memcg, batch - nr);
	/* Over memory.high: reclaim and throttle on the way back to user
	 * space (the caller runs rc_handle_over_high() after the fault), or
	 * now when much is owed already. */
	if (who >= 0 && memcg_over_high(&rm->mc, memcg)) {
		rm->task[who].nr_over_high += batch;
		if (rm->task[who].nr_over_high > MEMCG_CHARGE_BATCH && !*rc_in_reclaim(rm, who)) {
			/* the caller places its folio only when this returns, and
			 * other tasks run while this one reclaims: count the pages
			 * so that memory.current adds up meanwhile */
			rm->charging[memcg] += nr;
			rc_handle_over_high(rm, who);
			rm->charging[memcg] -= nr;
		}
	}
	return 0;
}

void rc_uncharge(struct reclaim *rm, uint32_t memcg, uint32_t nr)
{
	memcg_uncharge(&rm->mc, memcg, nr);
}

int rc_charge_nowait(struct reclaim *rm, int who, uint32_t memcg, uint32_t nr, int may_reclaim)
{
	int over, memsw_over, killed_self;

	if (may_reclaim)
		return rc_charge(rm, who, memcg, nr, 0, &killed_self);
	if (rc_consume_stock(rm, who, memcg, nr))
		return 0;
	/* GFP_TRANSHUGE_LIGHT has no __GFP_RECLAIM bit: !gfpflags_allow_spinning()
	 * charges the exact size (no stock refill), and !gfpflags_allow_blocking()
	 * fails instead of reclaiming */
	if (memcg_try_charge(&rm->mc, memcg, nr, &over, &memsw_over))
		return -ENOMEM;
	/* done_restock: over memory.high the pages are owed all the same, paid
	 * on the way back to user space (never here: the charge may not block) */
	if (who >= 0 && memcg_over_high(&rm->mc, memcg))
		rm->task[who].nr_over_high += nr;
	return 0;
}

int rc_swap_full(const struct reclaim *rm, uint32_t memcg)
{
	/* vm_swap_full(): free swap below half */
	if ((rm->cfg.nslots - rm->slots.used) * 2 < rm->cfg.nslots)
		return 1;
	if (rm->mc.version != MEMCG_V2)
		return 0;
	for (int i = (int)memcg; i >= 0; i = rm->mc.m[i].parent) {
		const struct memcg *c = &rm->mc.m[i];

		if (c->lim.swap_max != MEMCG_NOLIMIT && c->swap * 2 >= c->lim.swap_max)
			return 1;
	}
	return 0;
}

/* reclaim_high(): the memcg and each ancestor over memory.high reclaim. */
static uint64_t rc_reclaim_high(struct reclaim *rm, int who, uint32_t memcg, uint64_t nr)
{
	uint64_t reclaimed = 0;

	for (int m = (int)memcg; m >= 0; m = rm->mc.m[m].parent) {
		const struct memcg *c = &rm->mc.m[m];

		if (c->lim.high == MEMCG_NOLIMIT || c->memory <= c->lim.high)
			continue;
		RC_EVENT(rm, (uint32_t)m, high);
		reclaimed += rc_try_to_free(rm, who, m, nr, 1, 0);
	}
	return reclaimed;
}

/* __mem_cgroup_handle_over_high() */
static void rc_handle_over_high(struct reclaim *rm, int who)
{
	struct rc_task *t = &rm->task[who];
	uint64_t nr = t->nr_over_high;
	int retries = MAX_RECLAIM_RETRIES, in_retry = 0;
	uint64_t max_delay = MEMCG_MAX_HIGH_DELAY_JIFFIES(rm->mc.hz);

	t->nr_over_high = 0;
	for (;;) {
		if (t->st.killed || t->st.exited)
			return;
		uint64_t reclaimed = rc_reclaim_high(rm, who, t->memcg, in_retry ? SWAP_CLUSTER_MAX : nr);
		uint64_t penalty = memcg_high_delay(&rm->mc, nr, memcg_max_overage(&rm->mc, t->memcg));

		if (penalty > max_delay)
			penalty = max_delay;
		if (penalty <= rm->mc.hz / 100)
			return;
		if (reclaimed || retries--) {
			in_retry = 1;
			continue;
		}
		/* schedule_timeout_killable(penalty_jiffies) */
		uint64_t ns = penalty * (1000000000ull / rm->mc.hz);

		t->st.throttle_ns += ns;
		rm->mc.m[t->memcg].ev.sim_high_throttle_ns += ns;
		if (rm->t && rm->t->throttle)
			rm->t->throttle(rm->tctx, who, ns);
		return;
	}
}

/* ---- freeing --------------------------------------------------------------------------- */

/* Give the slots of nr pages from slot back (swap_free_nr() of the last
 * reference): the swap layer (zswap) forgets them, the swap charge goes. */
static void rc_free_slots(struct reclaim *rm, int who, uint32_t slot, uint32_t nr, uint32_t memcg,
			  int resident)
{
	rm->ops.swap_free(rm->ops_ctx, slot, nr, memcg, who);
	memcg_uncharge_swap(&rm->mc, memcg, nr, resident);
	rc_slot_release(rm, slot, nr);
}

/* Drop one resident folio (munmap, exit, OOM kill): off the LRU, uncharged,
 * swap-cache slots freed.  Pages become PS_NONE. */
static void rc_drop_folio(struct reclaim *rm, int who, uint32_t h)
{
	struct rc_page *f = &rm->pg[h];
	uint32_t nr = rc_nr(rm, h), memcg = f->memcg;

	if (f->flags & PF_PENDING)
		f->flags &= (uint8_t)~PF_PENDING;   /* its batch entry is skipped */
	else
		rc_lru_del(rm, h);
	rc_uncharge(rm, memcg, nr);
	rm->resident -= nr;
	for (uint32_t i = 0; i < nr; i++) {
		struct rc_page *p = &rm->pg[h + i];

		if (p->slot != RECLAIM_NIL)
			rc_free_slots(rm, who, p->slot, 1, memcg, 1);
		if (p->state == PS_MAPPED)
			rm->task[p->task].st.rss--;
		else if (p->state == PS_CACHED)
			rm->task[p->task].st.swapents--;   /* its PTE held the swap entry */
		p->state = PS_NONE;
		p->slot = RECLAIM_NIL;
		p->flags = 0;
		p->fflags = 0;
		p->order = 0;
	}
}

/* munmap of n pages of one task from global page first.  A folio locked by
 * reclaim (another task's, or this one's blocked in a hook) or under
 * writeback is freed when it is unlocked / the write ends (PF_FREEPEND);
 * a large folio partly in the range goes whole. */
void rc_free_range(struct reclaim *rm, int who, uint32_t first, uint32_t n)
{
	uint64_t end = (uint64_t)first + n;

	for (uint64_t g = first; g < end; g++) {
		struct rc_page *p = &rm->pg[g];

		if (!rc_chunk_ready(rm, g)) {
			/* never touched: nothing to free, and reading its zeroes
			 * would map them (the kernel counts a read of untouched
			 * anonymous memory in the process's RSS here) */
			g |= RC_CHUNK - 1;
			continue;
		}
		switch (p->state) {
		case PS_MAPPED:
		case PS_CACHED: {
			uint32_t h = rc_head(rm, (uint32_t)g);

			if (rm->pg[h].fflags & (FF_LOCKED | FF_WRITEBACK)) {
				p->flags |= PF_FREEPEND;
				break;
			}
			rc_drop_folio(rm, who, h);
			break;
		}
		case PS_SWAPPED:
			rc_free_slots(rm, who, p->slot, 1, p->memcg, 0);
			rm->task[p->task].st.swapents--;
			p->state = PS_NONE;
			p->slot = RECLAIM_NIL;
			p->flags = 0;
			break;
		case PS_ZEROPAGE:
			rc_split_huge_zero(rm, (uint32_t)g);   /* a part of a huge zero PMD */
			p->state = PS_NONE;
			break;
		default:
			break;
		}
	}
}

/* __split_huge_pmd() of a huge zero page: its pages become zero-page PTEs. */
void rc_split_huge_zero(struct reclaim *rm, uint32_t g)
{
	uint32_t h = g & ~((1u << RECLAIM_MAX_ORDER) - 1);

	if (rm->pg[g].order != RECLAIM_MAX_ORDER)
		return;
	for (uint32_t i = 0; i < (1u << RECLAIM_MAX_ORDER); i++)
		if (rm->pg[h + i].state == PS_ZEROPAGE)
			rm->pg[h + i].order = 0;
}

/* Pages of a folio that their task freed while it was locked: free them now
 * that it is unlocked (the rest of the folio stays). */
void rc_free_pending(struct reclaim *rm, int who, uint32_t h)
{
	uint32_t nr = 1u << rm->pg[h].order;
	int any = 0;

	for (uint32_t i = 0; i < nr; i++)
		any |= rm->pg[h + i].flags & PF_FREEPEND;
	if (!any)
		return;
	if (rm->pg[h].state == PS_MAPPED || rm->pg[h].state == PS_CACHED) {
		rc_drop_folio(rm, who, h);
		return;
	}
	/* the folio went to swap meanwhile: free the slots of the pages */
	for (uint32_t i = 0; i < nr; i++) {
		struct rc_page *p = &rm->pg[h + i];

		if (!(p->flags & PF_FREEPEND))
			continue;
		if (p->state == PS_SWAPPED) {
			rc_free_slots(rm, who, p->slot, 1, p->memcg, 0);
			rm->task[p->task].st.swapents--;
		}
		p->state = PS_NONE;
		p->slot = RECLAIM_NIL;
		p->flags = 0;
	}
}

/* The task is gone (exit or OOM kill): all it mapped is freed. */
static void rc_task_release(struct reclaim *rm, int who, unsigned t)
{
	rc_free_range(rm, who, rm->task[t].base, rm->task[t].npages);
}

/* ---- OOM ------------------------------------------------------------------------------------ */

/* select_bad_process(): the live task of memcg's subtree (every task for
 * the machine's OOM, memcg = nmemcg) with the highest oom_badness() (rss +
 * swap entries; page tables are not modelled), the later task on a tie
 * (oom_evaluate_task() takes points >= chosen); -1 if none. */
static int rc_oom_select(const struct reclaim *rm, uint32_t memcg)
{
	int victim = -1;
	uint64_t best = 0;

	for (unsigned k = 0; k < rm->mc.n; k++) {
		unsigned m = (unsigned)rm->mc.preorder[k];

		if (memcg < rm->mc.n && !memcg_in_subtree(&rm->mc, m, memcg))
			continue;
		for (unsigned t = 0; t < rm->ntasks; t++) {
			const struct rc_task *x = &rm->task[t];

			if (x->memcg != m || x->st.killed || x->st.exited)
				continue;
			uint64_t points = x->st.rss + x->st.swapents;

			if (victim < 0 || points >= best) {
				victim = (int)t;
				best = points;
			}
		}
	}
	return victim;
}

/* __oom_kill_process(): the victim's memcg counts oom_kill (memory.events)
 * and the node OOM_KILL (vmstat); the victim dies and its memory is freed. */
static void rc_oom_kill_task(struct reclaim *rm, int who, int victim, int *killed_self)
{
	RC_EVENT(rm, rm->task[victim].memcg, oom_kill);
	rm->kswapd.vs.oom_kill++;
	rm->task[victim].st.killed = 1;
	rc_task_release(rm, who, (unsigned)victim);
	*killed_self = victim == who;
}

/* mem_cgroup_out_of_memory(): memory.events oom, then a victim from the
 * memcg's subtree.  Returns 1 when a task was killed. */
int rc_oom_kill(struct reclaim *rm, int who, uint32_t memcg, int *killed_self)
{
	int victim;

	RC_EVENT(rm, memcg, oom);
	victim = rc_oom_select(rm, memcg);
	if (victim < 0)
		return 0;
	rc_oom_kill_task(rm, who, victim, killed_self);
	return 1;
}

/* out_of_memory() for the machine (__alloc_pages_may_oom(): oc->memcg is
 * NULL): a victim among every task, and no memcg oom event (that one is
 * mem_cgroup_out_of_memory()'s).  Returns 1 when a task was killed. */
static int rc_oom_kill_global(struct reclaim *rm, int who, int *killed_self)
{
	int victim = rc_oom_select(rm, rm->mc.n);

	if (victim < 0)
		return 0;
	rc_oom_kill_task(rm, who, victim, killed_self);
	return 1;
}

/* ---- the machine's RAM ----------------------------------------------------------------------- */

uint64_t rc_ram_used(struct reclaim *rm)
{
	return rm->resident + (rm->ops.pool_pages ? rm->ops.pool_pages(rm->ops_ctx) : 0);
}

/* An allocation that may not reclaim (an mTHP's GFP_TRANSHUGE_LIGHT, no
 * __GFP_KSWAPD_RECLAIM either): it passes the low watermark in the fast
 * path or the min watermark in the slow path, or fails. */
int rc_alloc_pages_nowait(struct reclaim *rm, uint32_t nr)
{
	return !rm->ram_pages || rc_wmark_ok(rm, nr, rm->kswapd.wm.min) ? 0 : -ENOMEM;
}

/* No allocator work: no RAM limit, a reclaimer's own allocation
 * (PF_MEMALLOC: ALLOC_NO_WATERMARKS), or the fast path, which takes pages
 * while they leave free above the low watermark (ALLOC_WMARK_LOW). */
static int rc_alloc_fast(struct reclaim *rm, int who, uint32_t nr)
{
	return !rm->ram_pages || *rc_in_reclaim(rm, who) || rc_wmark_ok(rm, nr, rm->kswapd.wm.low);
}

/* The page allocator under a RAM limit, for an order-0 allocation that may
 * reclaim and OOM-kill (GFP_HIGHUSER_MOVABLE, GFP_KERNEL;
 * __alloc_pages_slowpath()): past the fast path, the slow path wakes
 * kswapd (ALLOC_KSWAPD) and tries the min watermark; under it, global
 * direct reclaim (every memcg), then should_reclaim_retry(): kswapd woken
 * again and another round, unless more than MAX_RECLAIM_RETRIES rounds in a
 * row made no progress or the zone would stay under min with every
 * reclaimable page freed; then __alloc_pages_may_oom() (its high-watermark
 * try cannot pass where min failed): out_of_memory() kills a task and the
 * allocation starts again.  Returns -ENOMEM when the allocating task was
 * killed (by its own OOM kill or by another's meanwhile). */
int rc_alloc_pages(struct reclaim *rm, int who, uint32_t nr)
{
	int loops = 0, killed_self = 0;

	if (rc_alloc_fast(rm, who, nr))
		return 0;
	rc_wakeup_kswapd(rm);
	while (!rc_wmark_ok(rm, nr, rm->kswapd.wm.min)) {
		if (who >= 0 && rm->task[who].st.killed)
			return -ENOMEM;   /* an OOM victim: the reserves, then it dies */
		rc_throttle_direct_reclaim(rm, who);    /* try_to_free_pages() */
		uint64_t progress = rc_try_to_free(rm, who, -1, nr, 1, 0);

		if (rc_wmark_ok(rm, nr, rm->kswapd.wm.min))
			break;
		if (!rc_should_reclaim_retry(rm, nr, progress != 0, &loops)) {
			/* no task left to kill (the shrink worker allocating): the
			 * kernel panics, "System is deadlocked on memory"; the
			 * model lets the allocation through */
			if (!rc_oom_kill_global(rm, who, &killed_self))
				break;
			if (killed_self)
				return -ENOMEM;
			loops = 0;
		}
		rc_wakeup_kswapd(rm);
	}
	return 0;
}

/* A PMD THP (vma_thp_gfp_mask() with MADV_HUGEPAGE, defrag=madvise:
 * GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM; __alloc_pages_slowpath() of a
 * costly order without __GFP_RETRY_MAYFAIL): no kswapd wakeup; under min,
 * direct compaction (which gains nothing where free RAM has no
 * fragmentation), one direct reclaim round at the folio's order, the min
 * watermark again, then `goto nopage`: no retry and no OOM kill.  Returns
 * -ENOMEM when it failed (the fault falls back to order 0) or the task was
 * killed meanwhile. */
int rc_alloc_pages_thp(struct reclaim *rm, int who, uint32_t nr)
{
	if (rc_alloc_fast(rm, who, nr) || rc_wmark_ok(rm, nr, rm->kswapd.wm.min))
		return 0;
	rc_throttle_direct_reclaim(rm, who);           /* try_to_free_pages() */
	rc_try_to_free_pages_order(rm, who, (unsigned)__builtin_ctz(nr));
	if (who >= 0 && rm->task[who].st.killed)
		return -ENOMEM;
	return rc_wmark_ok(rm, nr, rm->kswapd.wm.min) ? 0 : -ENOMEM;
}

/* ---- zswap writeback folios -------------------------------------------------------------------- */

int reclaim_writeback_folio(struct reclaim *rm, uint32_t slot, int who)
{
	uint32_t g = rc_slot_page(rm, slot);
	int killed_self;

	if (g == RECLAIM_NIL || rm->pg[g].state != PS_SWAPPED)
		return -EEXIST;   /* no owner out there, or already in the swap cache */
	struct rc_page *p = &rm->pg[g];

	/* __read_swap_cache_async(): allocate and charge to the entry's memcg
	 * (from the shrink worker this may reclaim, even OOM-kill) */
	if (rc_alloc_pages(rm, who, 1) || rc_charge(rm, who, p->memcg, 1, 1, &killed_self))
		return -ENOMEM;
	if (p->state != PS_SWAPPED) {    /* the owner faulted it in meanwhile */
		rc_uncharge(rm, p->memcg, 1);
		return -EEXIST;
	}
	memcg_swapin_uncharge_swap(&rm->mc, p->memcg, 1);
	rm->resident++;
	p->state = PS_CACHED;
	p->order = 0;
	p->flags &= (uint8_t)(PF_SHADOW | PF_SHADOW_WS);
	/* zswap_writeback_entry(): clean, PG_reclaim so the write's end rotates
	 * it to the inactive tail; the eviction shadow makes it a refault.  It
	 * stays locked (a fault on it waits) until the write is submitted. */
	p->fflags = FF_WRITEBACK | FF_RECLAIM | FF_LOCKED;
	rc_workingset_refault(rm, g);
	return 0;
}

void reclaim_writeback_unlock(struct reclaim *rm, uint32_t slot, int who, int ok)
{
	uint32_t g = rc_slot_page(rm, slot);

	if (g == RECLAIM_NIL || rm->pg[g].state != PS_CACHED || !(rm->pg[g].fflags & FF_LOCKED))
		return;
	struct rc_page *p = &rm->pg[g];

	p->fflags &= (uint8_t)~FF_LOCKED;
	rc_folio_wake(rm, g);
	if (!ok) {
		/* the entry went away: delete_from_swap_cache(), the folio goes */
		p->fflags = 0;
		rm->resident--;
		rc_uncharge(rm, p->memcg, 1);
		p->state = PS_SWAPPED;
		if (p->flags & PF_FREEPEND)
			rc_free_pending(rm, who, g);
		return;
	}
	rc_lru_cache_add(rm, who, g);     /* folio_add_lru() */
	if (p->flags & PF_FREEPEND)
		rc_free_pending(rm, who, g);
}

/* folio_end_writeback(): a PG_reclaim folio on the LRU moves to the inactive
 * tail (folio_rotate_reclaimable(): not when it is isolated or still in a
 * per-CPU batch), so the next scan frees it. */
void reclaim_write_done(struct reclaim *rm, uint32_t slot)
{
	uint32_t g = rc_slot_page(rm, slot);

	if (g == RECLAIM_NIL || (rm->pg[g].state != PS_MAPPED && rm->pg[g].state != PS_CACHED))
		return;
	uint32_t h = rc_head(rm, g);
	struct rc_page *f = &rm->pg[h];

	if (!(f->fflags & FF_WRITEBACK))
		return;
	f->fflags &= (uint8_t)~FF_WRITEBACK;
	rc_folio_wake(rm, h);
	if (f->fflags & FF_RECLAIM) {
		f->fflags &= (uint8_t)~FF_RECLAIM;
		if (!(f->fflags & FF_LOCKED) && !(f->flags & PF_PENDING) && !(f->fflags & FF_DIRTY)) {
			rc_lru_del(rm, h);
			rc_lru_add(rm, h, LRU_INACTIVE, 1);
			rm->mc.m[f->memcg].ev.pgrotated += rc_nr(rm, h);
		}
	}
	/* pages its task freed during the write go now, unless a reclaimer
	 * has the folio isolated: then its putback frees them */
	if (!(f->fflags & FF_LOCKED))
		rc_free_pending(rm, RECLAIM_WHO_WORKER, h);
}

void reclaim_read_done(struct reclaim *rm, uint32_t slot, int who)
{
	uint32_t g = rc_slot_page(rm, slot);

	if (g == RECLAIM_NIL || rm->pg[g].state != PS_CACHED || !(rm->pg[g].fflags & FF_LOCKED))
		return;
	struct rc_page *p = &rm->pg[g];

	p->fflags &= (uint8_t)~FF_LOCKED;
	rc_folio_wake(rm, g);
	rc_lru_cache_add(rm, who, g);     /* folio_add_lru() */
	if (p->flags & PF_FREEPEND)
		rc_free_pending(rm, who, g);
}

/*
 * obj_cgroup_charge_zswap() / obj_cgroup_uncharge_zswap(): the objcg's
 * whole pages go through try_charge_memcg() like any charge (the CPU's
 * stock, a 64-page batch, memory.high debt), and come back through
 * refill_stock().  zswap_store() runs under PF_MEMALLOC: over memory.max
 * the charge is forced with a `max` event, never reclaims.
 */
void reclaim_zswap_charge(struct reclaim *rm, uint32_t memcg, int who, int64_t delta_bytes)
{
	int64_t pages = memcg_charge_zswap(&rm->mc, memcg, delta_bytes);

	if (pages > 0) {
		int *memalloc = rc_in_reclaim(rm, who), was = *memalloc, killed_self;

		*memalloc = 1;
		rc_charge(rm, who, memcg, (uint32_t)pages, 0, &killed_self);
		*memalloc = was;
	} else if (pages < 0) {
		rc_refill_stock(rm, who, memcg, (uint32_t)-pages);
	}
}

/* ---- control ops ---------------------------------------------------------------------------------- */

/* memory.reclaim (user_proactive_reclaim()): a quarter of what is left per
 * round (reclaim takes at least SWAP_CLUSTER_MAX), giving up after
 * MAX_RECLAIM_RETRIES rounds without progress; the last round drains every
 * CPU's LRU batch first. */
static void rc_memory_reclaim(struct reclaim *rm, int who, uint32_t memcg, uint64_t nr)
{
	uint64_t done = 0;
	unsigned retries = MAX_RECLAIM_RETRIES;

	while (done < nr) {
		if (!retries)
			rc_lru_add_drain_all(rm);
		uint64_t got = rc_try_to_free(rm, who, (int)memcg, (nr - done) / 4, 1, 1);

		if (!got && !retries--)
			break;
		done += got;
	}
}

/* memory_max_write(): reclaim down to the new limit, then OOM-kill. */
static void rc_set_max(struct reclaim *rm, int who, uint32_t memcg, uint64_t max)
{
	int reclaims = MAX_RECLAIM_RETRIES, drained = 0, killed_self;
	struct memcg *c = &rm->mc.m[memcg];

	c->lim.max = max ? max : MEMCG_NOLIMIT;
	while (c->lim.max != MEMCG_NOLIMIT && c->memory > c->lim.max) {
		if (!drained) {
			rc_drain_all_stock(rm, memcg);
			drained = 1;
			continue;
		}
		if (reclaims) {
			if (!rc_try_to_free(rm, who, (int)memcg, c->memory - c->lim.max, 1, 0))
				reclaims--;
			continue;
		}
		if (!rc_oom_kill(rm, who, memcg, &killed_self))
			break;
	}
}

static void rc_set_ram(struct reclaim *rm, int who, uint64_t pages)
{
	int retries = MAX_RECLAIM_RETRIES;

	rm->ram_pages = pages;
	rc_wmark_setup(rm);
	while (pages && rc_ram_used(rm) > pages) {
		if (!rc_try_to_free(rm, who, -1, rc_ram_used(rm) - pages, 1, 0) && !retries--)
			break;
	}
}

/* Each memcg's subtree in pre-order, itself first; [nmemcg]: every memcg. */
static int rc_build_subtrees(struct reclaim *rm)
{
	unsigned n = rm->mc.n;

	rm->subtree = calloc(n + 1, sizeof(*rm->subtree));
	rm->subtree_n = calloc(n + 1, sizeof(*rm->subtree_n));
	if (!rm->subtree || !rm->subtree_n)
		return -ENOMEM;
	for (unsigned r = 0; r <= n; r++) {
		rm->subtree[r] = malloc((n ? n : 1) * sizeof(uint32_t));
		if (!rm->subtree[r])
			return -ENOMEM;
		for (unsigned k = 0; k < n; k++) {
			unsigned m = (unsigned)rm->mc.preorder[k];

			if (r == n || memcg_in_subtree(&rm->mc, m, r))
				rm->subtree[r][rm->subtree_n[r]++] = m;
		}
	}
	return 0;
}

/* Initialise the pages of one chunk: no slot, no links, and each page's
 * owner (UINT16_MAX in the alignment gaps between tasks). */
void rc_chunk_init(struct reclaim *rm, uint32_t chunk)
{
	uint64_t g = (uint64_t)chunk << RC_CHUNK_SHIFT, end = g + RC_CHUNK;
	unsigned lo = 0, hi = rm->ntasks;

	if (end > rm->npages)
		end = rm->npages;
	while (hi - lo > 1) {          /* the last task whose base is <= g */
		unsigned mid = lo + (hi - lo) / 2;

		if (rm->task[mid].base <= g)
			lo = mid;
		else
			hi = mid;
	}
	for (unsigned i = lo; g < end; g++) {
		struct rc_page *p = &rm->pg[g];

		while (i + 1 < rm->ntasks && rm->task[i + 1].base <= g)
			i++;
		memset(p, 0, sizeof(*p));
		p->prev = p->next = p->slot = RECLAIM_NIL;
		p->task = g >= rm->task[i].base && g < (uint64_t)rm->task[i].base + rm->task[i].npages ?
			  (uint16_t)i : UINT16_MAX;
	}
	rm->ready[chunk >> 6] |= 1ull << (chunk & 63);
}

/* ---- creation ----------------------------------------------------------------------------------- */

struct reclaim *reclaim_create(const struct reclaim_config *cfg, const struct reclaim_topology *t,
			       const struct reclaim_swap_ops *ops, void *ops_ctx,
			       char *err, size_t errlen)
{
	struct reclaim *rm = calloc(1, sizeof(*rm));
	uint64_t npages = 0;

	if (!rm) {
		snprintf(err, errlen, "reclaim: out of memory");
		return NULL;
	}
	rm->cfg = *cfg;
	rm->ops = *ops;
	rm->ops_ctx = ops_ctx;
	if (!rm->cfg.reclaim_batch)
		rm->cfg.reclaim_batch = 1;
	if (!rm->cfg.ncpus)
		rm->cfg.ncpus = 1;
	if (rm->cfg.worker_cpu >= rm->cfg.ncpus)
		rm->cfg.worker_cpu = rm->cfg.ncpus - 1;
	if (rm->cfg.kswapd_cpu >= rm->cfg.ncpus)
		rm->cfg.kswapd_cpu = rm->cfg.ncpus - 1;
	/* task indices are uint16_t with UINT16_MAX for the gaps between
	 * tasks' pages: 65535 tasks (0 .. 65534) fit */
	if (!t->ntasks || t->ntasks > UINT16_MAX || !cfg->nslots || cfg->page_cluster > 16 ||
	    cfg->swappiness > 200 || !cfg->draw_content) {
		snprintf(err, errlen, "reclaim: bad parameters (tasks %u, slots %u, page_cluster %u, "
			 "swappiness %u)", t->ntasks, cfg->nslots, cfg->page_cluster, cfg->swappiness);
		goto fail;
	}
	if (memcg_set_init(&rm->mc, cfg->cgroup, t->nmemcg, t->parents, t->names, t->limits, cfg->hz,
			   err, errlen))
		goto fail;
	rm->task = calloc(t->ntasks, sizeof(*rm->task));
	if (!rm->task)
		goto nomem;
	rm->ntasks = t->ntasks;
	for (unsigned i = 0; i < t->ntasks; i++) {
		struct rc_task *x = &rm->task[i];
		/* aligned for the largest folio that fits in the task: a task
		 * of 3 pages holds folios of order 1 at most */
		uint64_t align = 1;

		while (align < (1u << RECLAIM_MAX_ORDER) && align * 2 <= t->tasks[i].pages)
			align *= 2;

		if (t->tasks[i].cpu >= rm->cfg.ncpus) {
			snprintf(err, errlen, "reclaim: task %u on CPU %u of %u", i, t->tasks[i].cpu,
				 rm->cfg.ncpus);
			goto fail;
		}
		npages = (npages + align - 1) & ~(align - 1);
		x->base = (uint32_t)npages;
		x->npages = t->tasks[i].pages;
		x->cpu = t->tasks[i].cpu;
		x->ra_hits = 4;        /* an empty swap_readahead_info reads as 4 hits */
		x->ra_prev = RECLAIM_NIL;   /* and its address as 0: next to no fault */
		npages += t->tasks[i].pages;
		if (npages >= RECLAIM_NIL) {
			snprintf(err, errlen, "reclaim: the tasks' address spaces add up to more than "
				 "2^32 - 1 pages");
			goto fail;
		}
	}
	rm->npages = npages;
	rm->pg = hugemem_alloc((npages ? npages : 1) * sizeof(*rm->pg));
	rm->ready = calloc((npages >> RC_CHUNK_SHIFT) / 64 + 1, sizeof(uint64_t));
	rm->lru = calloc(t->nmemcg + 1, sizeof(*rm->lru));
	rm->cpu = calloc(rm->cfg.ncpus + 1, sizeof(*rm->cpu));
	rm->slot_page = hugemem_alloc((size_t)cfg->nslots * sizeof(uint32_t));
	rm->stock = calloc(rm->cfg.ncpus + 1, sizeof(struct rc_stock));
	rm->charging = calloc(t->nmemcg + 1, sizeof(*rm->charging));
	rm->freeing = calloc(t->nmemcg + 1, sizeof(*rm->freeing));
	if (!rm->pg || !rm->ready || !rm->lru || !rm->cpu || swap_slots_init(&rm->slots, cfg->nslots) ||
	    !rm->slot_page || !rm->stock ||
	    !rm->charging || !rm->freeing ||
	    rc_build_subtrees(rm))
		goto nomem;
	for (unsigned i = 0; i < t->ntasks; i++)
		rm->task[i].rng = rng_stream(cfg->seed, i);
	for (unsigned c = 0; c <= rm->cfg.ncpus; c++) {
		struct rc_stock *st = &((struct rc_stock *)rm->stock)[c];

		for (int i = 0; i < NR_MEMCG_STOCK; i++)
			st->cached[i] = -1;
		st->rng = rng_stream(cfg->seed ^ 0x73746f636bull, c);
	}
	rm->ram_pages = cfg->ram_pages;
	rc_wmark_setup(rm);
	return rm;
nomem:
	snprintf(err, errlen, "reclaim: out of memory for %llu pages and %u slots",
		 (unsigned long long)npages, cfg->nslots);
fail:
	reclaim_destroy(rm);
	return NULL;
}

void reclaim_destroy(struct reclaim *rm)
{
	if (!rm)
		return;
	if (rm->subtree)
		for (unsigned m = 0; m <= rm->mc.n; m++)
			free(rm->subtree[m]);
	free(rm->subtree);
	free(rm->subtree_n);
	if (rm->lru)
		for (unsigned m = 0; m <= rm->mc.n; m++)
			for (int l = 0; l < 2; l++)
				free(rm->lru[m].list[l].q);
	memcg_set_free(&rm->mc);
	free(rm->task);
	hugemem_free(rm->pg, (rm->npages ? rm->npages : 1) * sizeof(*rm->pg));
	free(rm->ready);
	free(rm->lru);
	swap_slots_destroy(&rm->slots);
	hugemem_free(rm->slot_page, (size_t)rm->cfg.nslots * sizeof(uint32_t));
	free(rm->stock);
	free(rm->charging);
	free(rm->freeing);
	free(rm->cpu);
	free(rm);
}

void reclaim_set_timing(struct reclaim *rm, const struct reclaim_timing *t, void *ctx)
{
	rm->t = t;
	rm->tctx = ctx;
}

/* ---- one step of a task --------------------------------------------------------------------------- */

int reclaim_step(struct reclaim *rm, const struct reclaim_req *r)
{
	struct rc_task *t = &rm->task[r->task];
	int ret;

	if (rm->err)
		return rm->err;
	if (t->st.killed || t->st.exited)
		return RECLAIM_DEAD;
	t->memcg = r->memcg;
	switch (r->op) {
	case RECLAIM_OP_READ:
	case RECLAIM_OP_WRITE:
		ret = rc_access(rm, r);
		break;
	case RECLAIM_OP_FREE:
		rc_free_range(rm, (int)r->task, t->base + r->vpage, r->count);
		ret = RECLAIM_DONE;
		break;
	case RECLAIM_OP_EXIT:
		t->st.exited = 1;
		rc_task_release(rm, (int)r->task, r->task);
		ret = RECLAIM_DONE;
		break;
	case RECLAIM_OP_RECLAIM:
		rc_memory_reclaim(rm, (int)r->task, r->memcg, r->count);
		ret = RECLAIM_DONE;
		break;
	case RECLAIM_OP_PAGEOUT: {
		uint32_t *heads = rm->scratch;        /* heads of one chunk */
		uint64_t end = (uint64_t)t->base + r->vpage + r->count;

		for (uint64_t g = t->base + r->vpage; g < end;) {
			unsigned n = 0;

			for (; g < end && n < (1u << RECLAIM_MAX_ORDER); g++) {
				struct rc_page *p = &rm->pg[g];

				if (!rc_chunk_ready(rm, g)) {
					g |= RC_CHUNK - 1;    /* never touched */
					continue;
				}
				if (p->state == PS_MAPPED && rc_head(rm, (uint32_t)g) == g &&
				    !(p->fflags & FF_LOCKED))
					heads[n++] = (uint32_t)g;
			}
			rc_reclaim_folios(rm, (int)r->task, heads, n);
		}
		ret = RECLAIM_DONE;
		break;
	}
	case RECLAIM_OP_SET_MAX:
		rc_set_max(rm, (int)r->task, r->memcg, r->count);
		ret = RECLAIM_DONE;
		break;
	case RECLAIM_OP_SET_RAM:
		rc_set_ram(rm, (int)r->task, r->count);
		ret = RECLAIM_DONE;
		break;
	default:
		return -EINVAL;
	}
	/* back to user space: memory.high reclaim and throttling */
	if (t->nr_over_high && !t->st.killed)
		rc_handle_over_high(rm, (int)r->task);
	/* a task killed while this step was blocked in a hook may have
	 * allocated after its memory was freed */
	if (t->st.killed && ret != RECLAIM_KILLED) {
		rc_task_release(rm, (int)r->task, r->task);
		ret = RECLAIM_KILLED;
	}
	return rm->err ? rm->err : ret;
}

/* ---- results ---------------------------------------------------------------------------------------- */

const struct memcg_set *reclaim_memcgs(const struct reclaim *rm)
{
	return &rm->mc;
}

const struct reclaim_task_stats *reclaim_task(const struct reclaim *rm, unsigned task)
{
	return task < rm->ntasks ? &rm->task[task].st : NULL;
}

unsigned reclaim_task_count(const struct reclaim *rm)
{
	return rm->ntasks;
}

uint64_t reclaim_resident(const struct reclaim *rm)
{
	return rm->resident;
}

void reclaim_prefetch_pages(const struct reclaim *rm, const struct reclaim_req *q, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		rc_prefetch_page(rm, rm->task[q[i].task].base + q[i].vpage);
}

void reclaim_prefetch_slots(const struct reclaim *rm, const struct reclaim_req *q, unsigned n,
			    int stage)
{
	if (!rm->ops.prefetch)
		return;
	for (unsigned i = 0; i < n; i++) {
		const struct rc_page *p = &rm->pg[rm->task[q[i].task].base + q[i].vpage];

		if (p->state == PS_SWAPPED)
			rm->ops.prefetch(rm->ops_ctx, p->slot, stage);
	}
}

size_t reclaim_bytes_per_page(void)
{
	return sizeof(struct rc_page);
}

const char *reclaim_error(const struct reclaim *rm)
{
	return rm->errmsg;
}

uint32_t reclaim_slot_state(const struct reclaim *rm, uint32_t slot)
{
	uint32_t g = rc_slot_page(rm, slot);

	if (g == RECLAIM_NIL)
		return RECLAIM_SLOT_FREE;
	return rm->pg[g].state == PS_SWAPPED ? RECLAIM_SLOT_SWAPPED : RECLAIM_SLOT_CACHED;
}

/* ---- invariants ------------------------------------------------------------------------------------ */

#define RC_INV(...) do { snprintf(reason, len, __VA_ARGS__); return -EFAULT; } while (0)

/* Lists, page states, charges and per-task gauges agree.  O(pages): for
 * tests and debug builds. */
int reclaim_check_invariants(const struct reclaim *rm, char *reason, size_t len)
{
	uint64_t resident = 0, *own = calloc(rm->mc.n + 1, sizeof(uint64_t));
	uint64_t *rss = calloc(rm->ntasks, sizeof(uint64_t)), *swp = calloc(rm->ntasks, sizeof(uint64_t));
	int ret = -EFAULT;

	if (!own || !rss || !swp) {
		snprintf(reason, len, "out of memory");
		goto out;
	}
	uint64_t onlru = 0;

	for (unsigned m = 0; m < rm->mc.n; m++)
		for (int lru = 0; lru < 2; lru++) {
			const struct rc_list *l = &rm->lru[m].list[lru];
			uint64_t pages = 0, folios = 0;

			if (l->hi - l->lo > (l->q ? l->mask + 1 : 0)) {
				snprintf(reason, len, "memcg %u list %d: ring overfull", m, lru);
				goto out;
			}
			for (uint32_t pos = l->lo; pos != l->hi; pos++) {
				uint32_t h = l->q[pos & l->mask];

				if (h == RC_HOLE)
					continue;
				if (h >= rm->npages) {
					snprintf(reason, len, "memcg %u list %d: bad entry", m, lru);
					goto out;
				}
				const struct rc_page *f = &rm->pg[h];

				if ((f->state != PS_MAPPED && f->state != PS_CACHED) || f->memcg != m ||
				    !!(f->fflags & FF_ACTIVE) != lru || f->prev != (pos & l->mask) ||
				    (f->fflags & FF_LOCKED) || (f->flags & PF_PENDING) ||
				    !(f->flags & PF_ONLRU)) {
					snprintf(reason, len, "memcg %u list %d: page %u state %u memcg %u "
						 "fflags %#x flags %#x", m, lru, h, f->state, f->memcg,
						 f->fflags, f->flags);
					goto out;
				}
				pages += 1u << f->order;
				folios++;
				onlru++;
			}
			if (pages != rm->lru[m].pages[lru] || folios != l->folios) {
				snprintf(reason, len, "memcg %u list %d holds %llu pages, counted %llu", m,
					 lru, (unsigned long long)pages,
					 (unsigned long long)rm->lru[m].pages[lru]);
				goto out;
			}
		}
	for (uint64_t g = 0; g < rm->npages; g++) {
		const struct rc_page *p = &rm->pg[g];

		if (p->task >= rm->ntasks)
			continue;          /* alignment gap between tasks */
		switch (p->state) {
		case PS_MAPPED:
		case PS_CACHED:
			/* a resident folio is where reclaim can find it (an LRU
			 * list), on its way there (a CPU batch), or held by whoever
			 * locked it (isolated, being read or written back) */
			if (rc_head(rm, (uint32_t)g) == g && !(p->flags & (PF_ONLRU | PF_PENDING)) &&
			    !(p->fflags & FF_LOCKED)) {
				snprintf(reason, len, "page %llu (task %u): resident folio of order %u on "
					 "no list, in no batch, not locked (state %u fflags %#x)",
					 (unsigned long long)g, p->task, p->order, p->state, p->fflags);
				goto out;
			}
			resident++;
			own[p->memcg]++;
			onlru -= !!(p->flags & PF_ONLRU);
			if (p->state == PS_MAPPED)
				rss[p->task]++;
			else
				swp[p->task]++;
			if (p->slot != RECLAIM_NIL && rc_slot_page(rm, p->slot) != g) {
				snprintf(reason, len, "page %llu: slot %u owned by %u", (unsigned long long)g,
					 p->slot, rc_slot_page(rm, p->slot));
				goto out;
			}
			break;
		case PS_SWAPPED:
			swp[p->task]++;
			if (p->slot >= rm->cfg.nslots || rc_slot_page(rm, p->slot) != g) {
				snprintf(reason, len, "swapped page %llu: slot %u", (unsigned long long)g,
					 p->slot);
				goto out;
			}
			break;
		default:
			break;
		}
	}
	if (onlru) {
		snprintf(reason, len, "PG_lru set on folios not on a list, or missing");
		goto out;
	}
	/* freed folios in a reclaimer's free batch are still in RAM */
	if (resident + rm->freeing_pages != rm->resident) {
		snprintf(reason, len, "%llu pages resident and %llu being freed, counted %llu",
			 (unsigned long long)resident, (unsigned long long)rm->freeing_pages,
			 (unsigned long long)rm->resident);
		goto out;
	}
	for (unsigned t = 0; t < rm->ntasks; t++)
		if (rss[t] != rm->task[t].st.rss || swp[t] != rm->task[t].st.swapents) {
			snprintf(reason, len, "task %u: rss %llu swapents %llu, counted %llu %llu", t,
				 (unsigned long long)rss[t], (unsigned long long)swp[t],
				 (unsigned long long)rm->task[t].st.rss,
				 (unsigned long long)rm->task[t].st.swapents);
			goto out;
		}
	/* memory.current = resident pages below + stocked pages + zswap pages
	 * + pages charged for folios not placed yet + pages of freed folios not
	 * uncharged yet */
	for (unsigned m = 0; m < rm->mc.n; m++) {
		uint64_t want = 0;

		for (unsigned c = 0; c < rm->mc.n; c++)
			if (memcg_in_subtree(&rm->mc, c, m))
				want += own[c] + rm->mc.m[c].zswap_pages + rm->charging[c] +
					rm->freeing[c];
		for (unsigned cpu = 0; cpu <= rm->cfg.ncpus; cpu++) {
			const struct rc_stock *st = &((const struct rc_stock *)rm->stock)[cpu];

			for (int i = 0; i < NR_MEMCG_STOCK; i++)
				if (st->cached[i] >= 0 && memcg_in_subtree(&rm->mc, (unsigned)st->cached[i], m))
					want += st->nr[i];
		}
		if (want != rm->mc.m[m].memory) {
			snprintf(reason, len, "memcg %u: memory.current %llu, pages, stock and "
				 "charging %llu", m,
				 (unsigned long long)rm->mc.m[m].memory, (unsigned long long)want);
			goto out;
		}
	}
	ret = 0;
out:
	free(own);
	free(rss);
	free(swp);
	return ret;
}
