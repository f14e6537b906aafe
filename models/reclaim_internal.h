/* SPDX-License-Identifier: MIT */
/*
 * Inside the reclaim model: per-page state, tasks, per-memcg LRU vectors and
 * the helpers models/reclaim.c, models/vmscan.c and models/fault.c share.
 * Only those include this; everyone else uses models/reclaim.h.
 *
 * Pages are indexed globally: task t's virtual page v is page
 * task[t].base + v, and every task's base is a multiple of the largest folio
 * that fits in it (2^RECLAIM_MAX_ORDER pages at most), so a folio that is
 * naturally aligned in the task is aligned in the global index and its head
 * is page & ~(2^order - 1).  A resident folio's LRU links and folio flags
 * live in its head page.
 *
 * The page array is made ready one chunk of RC_CHUNK pages at a time, when a
 * task first touches a page in it (rc_page_ready()), so a run's memory grows
 * with the pages its tasks touch, not with the address spaces they declare.
 * A chunk not made ready is all zeroes, which reads as pages in PS_NONE.  A
 * free or MADV_PAGEOUT of a range skips such chunks (rc_chunk_ready()): on
 * some hosts, this project's machine among them, reading untouched anonymous
 * memory maps pages that count in the process's RSS, so an exit of a task of
 * 2^24 pages took the peak RSS from 13 MB to 402 MB.  Readahead stays in the
 * faulting page's chunk; the invariants' walk reads every page.
 */
#ifndef ZSWAPSIM_RECLAIM_INTERNAL_H
#define ZSWAPSIM_RECLAIM_INTERNAL_H


#include "models/reclaim.h"
#include "models/rng.h"
#include "models/swap_slots.h"

/* Page states. */
enum {
	PS_NONE = 0,     /* never touched, or freed */
	PS_MAPPED,       /* resident and mapped by its task (maybe in the swap cache: slot) */
	PS_CACHED,       /* resident in the swap cache, not mapped (readahead, writeback,
			    or unmapped by reclaim and not freed yet) */
	PS_SWAPPED,      /* not resident: its data is in slot (zswap, zeromap or disk) */
	PS_ZEROPAGE,     /* read before any write: mapped to the shared zero page (no memory) */
};

/* Per-page flags (rc_page.flags). */
#define PF_YOUNG     0x01u   /* pte accessed bit */
#define PF_WRITTEN   0x02u   /* written since its content last went to swap */
#define PF_SHADOW    0x04u   /* SWAPPED: a workingset shadow is in .prev */
#define PF_SHADOW_WS 0x08u   /* SWAPPED: the shadow's workingset bit */
#define PF_FREEPEND  0x10u   /* freed by its task while its folio was locked by reclaim */
#define PF_PENDING   0x20u   /* head: in its CPU's lru_add batch, not on the LRU yet */
#define PF_ONLRU     0x40u   /* head: on an LRU list (PG_lru) */

/* Folio flags (head page, rc_page.fflags). */
#define FF_ACTIVE     0x01u  /* on the active list (PG_active) */
#define FF_REFERENCED 0x02u  /* PG_referenced */
#define FF_WORKINGSET 0x04u  /* PG_workingset */
#define FF_DIRTY      0x08u  /* PG_dirty: differs from its swap copy (or has none) */
#define FF_WRITEBACK  0x10u  /* PG_writeback: an asynchronous write is in flight */
#define FF_RECLAIM    0x20u  /* PG_reclaim: rotate to the inactive tail when the write ends */
#define FF_LOCKED     0x40u  /* isolated by reclaim (folio lock held) */
#define FF_PINNED     0x80u  /* its task's fault waits for the lock, holding a reference */
/* PG_readahead: read by readahead, not faulted yet.  The kernel's page flags
 * alias it to PG_reclaim (page-flags.h: "PG_readahead is only used for
 * reads; PG_reclaim is only for writes"), and the two meet on a swap-cache
 * folio: a fault on a folio being written with PG_reclaim counts a
 * readahead hit and clears it (swap_update_readahead()), so the write's end
 * does not rotate it; a write's end clears a readahead mark. */
#define FF_READAHEAD  FF_RECLAIM

struct rc_page {
	uint32_t prev, next;   /* resident folio head on an LRU list: prev = its index in
				  the list's ring (struct rc_list), next unused;
				  SWAPPED with PF_SHADOW: prev = eviction age, next = the
				  memcg whose clock it is (the reclaim target) */
	uint32_t slot;         /* swap slot (SWAPPED; swap cache of MAPPED/CACHED) or NIL */
	uint32_t content;      /* page-store index of what the page holds */
	uint16_t memcg;        /* charged memcg (resident), swap record (SWAPPED) */
	uint16_t task;         /* owner */
	uint8_t state;         /* PS_* */
	uint8_t order;         /* resident: order of its folio */
	uint8_t flags;         /* PF_* */
	uint8_t fflags;        /* head of a resident folio: FF_* */
};

enum { LRU_INACTIVE = 0, LRU_ACTIVE = 1 };

/*
 * One LRU list: a ring of folio heads in list order, so that reclaim reads
 * the folios it takes from the tail out of one array and can fetch their
 * page state all at once (a linked list through the pages would make every
 * step wait for the previous page's miss).  Entries at positions lo .. hi-1
 * (index = position & mask, positions wrap at 2^32): lo is the head (most
 * recently added), hi-1 the tail (reclaim takes it first).  A folio deleted
 * from inside leaves a hole (RC_HOLE), trimmed when it reaches an end and
 * squeezed out when the ring is full; the ring doubles when it is more than
 * half live, so it grows a few times per run, never on the access path.
 */
#define RC_HOLE UINT32_MAX

struct rc_list {
	uint32_t *q;
	uint32_t mask;               /* capacity - 1 (capacity a power of two, or 0) */
	uint32_t lo, hi;
	uint32_t folios;             /* folios on the list (entries that are not holes) */
};

/* One memcg's anon lruvec (one node); index nmemcg is the root's. */
struct rc_lruvec {
	struct rc_list list[2];      /* per lru: LRU_INACTIVE, LRU_ACTIVE */
	uint64_t pages[2];           /* own pages per list */
	uint64_t hier[2];            /* pages per list of the memcg and its descendants */
	uint64_t isolated;           /* own pages isolated by reclaim */
	uint64_t nonresident_age;    /* workingset clock: evictions and activations below */
	uint64_t refaults_snap;      /* WORKINGSET_ACTIVATE_ANON at the last reclaim (may_deactivate) */
	uint64_t activate_hier;      /* WORKINGSET_ACTIVATE_ANON of the subtree */
	uint64_t anon_cost;          /* lru_note_cost() */
	uint32_t iter;               /* shared reclaim iterator: next position in its subtree walk */
	uint32_t iter_gen;           /* ... and its generation (walks completed) */
};

#define LRU_ADD_BATCH 31             /* PAGEVEC_SIZE: folios per per-CPU lru_add batch */

struct rc_cpu {
	uint32_t lru_add[LRU_ADD_BATCH];
	unsigned n;
};

struct rc_task {
	uint32_t base, npages;
	uint32_t cpu;
	uint32_t memcg;              /* where it runs */
	uint64_t nr_over_high;       /* current->memcg_nr_pages_over_high */
	uint32_t lru_batch;          /* folios in its per-CPU LRU add batch */
	/* VMA readahead state (vma->swap_readahead_info, one VMA per task) */
	uint32_t ra_prev, ra_win, ra_hits;
	int in_reclaim;              /* PF_MEMALLOC */
	uint64_t rng;                /* its dirty draws (models/rng.h) */
	struct reclaim_task_stats st;
};

/* The worker's own reclaim context (zswap's shrink worker). */
struct rc_ctx {
	int in_reclaim;
};

/* The one zone (the workload's RAM) and its kswapd (models/kswapd.c). */
struct rc_kswapd {
	struct reclaim_wmark wm;
	struct reclaim_vmstat vs;
	unsigned failures;           /* pgdat->kswapd_failures */
	int pending;                 /* woken, not back asleep (not on kswapd_wait) */
	unsigned throttled;          /* tasks on pfmemalloc_wait */
	struct rc_ctx ctx;           /* its PF_MEMALLOC */
};

struct reclaim {
	struct reclaim_config cfg;
	struct reclaim_swap_ops ops;
	void *ops_ctx;
	const struct reclaim_timing *t;
	void *tctx;

	struct memcg_set mc;
	struct rc_lruvec *lru;       /* per memcg, + the root's at [nmemcg] */
	struct rc_cpu *cpu;          /* per CPU (+ the worker's) */
	uint32_t **subtree;          /* per memcg: its subtree in pre-order (itself first) */
	uint32_t *subtree_n;
	uint64_t isolated;           /* pages isolated machine-wide (too_many_isolated()) */
	uint64_t inactive;           /* inactive pages machine-wide */
	uint32_t scratch[1u << RECLAIM_MAX_ORDER];   /* PAGEOUT op: heads */
	uint32_t draw_buf[1u << RECLAIM_MAX_ORDER];  /* content of a new folio */
	struct rc_page *pg;
	uint64_t npages;
	uint64_t *ready;             /* one bit per chunk of RC_CHUNK pages: initialised */
	struct rc_task *task;
	unsigned ntasks;
	struct rc_ctx worker;
	struct rc_kswapd kswapd;

	/* swap slots: the allocator and each slot's owner page */
	struct swap_slots slots;
	uint32_t *slot_page;

	void *stock;                 /* struct rc_stock per CPU (+ one for the worker) */
	uint64_t *charging;          /* per memcg: pages charged whose folio is not placed
					yet, while the charging task reclaims over memory.high */
	uint64_t *freeing;           /* per memcg (v2): pages of freed folios still charged,
					in a reclaimer's free batch */
	uint64_t freeing_pages;      /* pages of freed folios not back in RAM yet (ditto) */
	uint64_t ram_pages;          /* RAM limit (0 = none) */
	uint64_t resident;           /* resident pages, machine-wide */
	struct reclaim_mthp mthp[RECLAIM_MAX_ORDER + 1];   /* by folio order; [0] unused */
	uint32_t orders_used;        /* a bit per order a first touch asked for */

	char errmsg[256];
	int err;
};

/* ---- reclaim.c: pages, slots, LRU --------------------------------------------------- */
#define RC_CHUNK_SHIFT RECLAIM_MAX_ORDER   /* a chunk holds any folio whose head is in it */
#define RC_CHUNK (1u << RC_CHUNK_SHIFT)

void rc_chunk_init(struct reclaim *rm, uint32_t chunk);
/* Page g's chunk is initialised (its slots and links none, its task set). */
static inline int rc_chunk_ready(const struct reclaim *rm, uint64_t g)
{
	uint64_t c = g >> RC_CHUNK_SHIFT;

	return (rm->ready[c >> 6] >> (c & 63)) & 1;
}
static inline void rc_page_ready(struct reclaim *rm, uint32_t g)
{
	if (!rc_chunk_ready(rm, g))
		rc_chunk_init(rm, g >> RC_CHUNK_SHIFT);
}
/* The page whose data is in swap slot s, or RECLAIM_NIL.  slot_page holds
 * page + 1, so that its untouched (zero) memory means "no page". */
static inline uint32_t rc_slot_page(const struct reclaim *rm, uint32_t s)
{
	return s < rm->cfg.nslots ? rm->slot_page[s] - 1 : RECLAIM_NIL;
}
static inline void rc_slot_set_page(struct reclaim *rm, uint32_t s, uint32_t g)
{
	rm->slot_page[s] = g + 1;   /* RECLAIM_NIL + 1 wraps to 0 */
}
static inline uint32_t rc_head(const struct reclaim *rm, uint32_t g)
{
	return g & ~((1u << rm->pg[g].order) - 1);
}
static inline uint32_t rc_nr(const struct reclaim *rm, uint32_t h)
{
	return 1u << rm->pg[h].order;
}
static inline int *rc_in_reclaim(struct reclaim *rm, int who)
{
	if (who == RECLAIM_WHO_KSWAPD)
		return &rm->kswapd.ctx.in_reclaim;
	return who < 0 ? &rm->worker.in_reclaim : &rm->task[who].in_reclaim;
}
/* The CPU who runs on: a task's own, the shrink worker's or kswapd's. */
static inline unsigned rc_who_cpu(const struct reclaim *rm, int who)
{
	if (who == RECLAIM_WHO_KSWAPD)
		return rm->cfg.kswapd_cpu;
	return who < 0 ? rm->cfg.worker_cpu : rm->task[who].cpu;
}

void rc_fail(struct reclaim *rm, int err, const char *msg);
uint32_t rc_slot_alloc(struct reclaim *rm, unsigned order);
void rc_slot_release(struct reclaim *rm, uint32_t slot, unsigned nr);
void rc_lru_add(struct reclaim *rm, uint32_t h, int lru, int at_tail);
void rc_lru_del(struct reclaim *rm, uint32_t h);
/* isolate_lru_folios()'s list work: folios off the tail of memcg m's list
 * lru into out[] (at most max) until nr_to_scan pages; returns how many,
 * *nr_taken their pages. */
unsigned rc_lru_take_tail(struct reclaim *rm, uint32_t m, int lru, uint64_t nr_to_scan,
			  uint32_t *out, unsigned max, uint64_t *nr_taken);
/* The folio at the tail of a list (RECLAIM_NIL when empty): holes trimmed. */
static inline uint32_t rc_list_tail(struct rc_list *l)
{
	while (l->hi != l->lo && l->q[(l->hi - 1) & l->mask] == RC_HOLE)
		l->hi--;
	return l->hi != l->lo ? l->q[(l->hi - 1) & l->mask] : RECLAIM_NIL;
}
/* Prefetch a page's state: both ends, since a 24-byte entry straddles two
 * cache lines for a quarter of the pages. */
static inline void rc_prefetch_page(const struct reclaim *rm, uint32_t g)
{
	const char *p = (const char *)&rm->pg[g];

	__builtin_prefetch(p, 1, 3);
	__builtin_prefetch(p + sizeof(struct rc_page) - 1, 1, 3);
}
/* Prefetch the page state of the (up to) n folios at a list's tail. */
void rc_list_prefetch_tail(const struct reclaim *rm, const struct rc_list *l, unsigned n);
void rc_lru_lock(struct reclaim *rm, int who, uint32_t memcg, uint64_t n);
void rc_work(struct reclaim *rm, int who, enum reclaim_work w, uint64_t n);
/* The folio at h was unlocked, freed or its write ended: wake its waiters. */
static inline void rc_folio_wake(struct reclaim *rm, uint32_t h)
{
	if (rm->t && rm->t->folio_wake)
		rm->t->folio_wake(rm->tctx, h);
}
/* Charge nr pages to memcg for who, reclaiming and OOM-killing as
 * try_charge_memcg() does.  0, or -ENOMEM (charge failed; *killed_self when
 * who was the OOM victim). */
int rc_charge(struct reclaim *rm, int who, uint32_t memcg, uint32_t nr, int may_oom,
	      int *killed_self);
void rc_uncharge(struct reclaim *rm, uint32_t memcg, uint32_t nr);
/* A charge that may not block (mTHP fault) or, with may_reclaim, may reclaim
 * but not OOM-kill (a PMD THP): 0 or -ENOMEM. */
int rc_charge_nowait(struct reclaim *rm, int who, uint32_t memcg, uint32_t nr, int may_reclaim);
/* The page allocator under the RAM limit: an allocation that may wake
 * kswapd, reclaim and OOM-kill (GFP_HIGHUSER_MOVABLE, GFP_KERNEL); -ENOMEM
 * when the allocating task was killed meanwhile. */
int rc_alloc_pages(struct reclaim *rm, int who, uint32_t nr);
/* A PMD THP (GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM): one direct
 * reclaim round at its order, no kswapd wakeup, no OOM kill; -ENOMEM when
 * it failed or the task was killed meanwhile. */
int rc_alloc_pages_thp(struct reclaim *rm, int who, uint32_t nr);
/* An mTHP (GFP_TRANSHUGE_LIGHT): neither reclaims nor wakes kswapd. */
int rc_alloc_pages_nowait(struct reclaim *rm, uint32_t nr);
uint64_t rc_ram_used(struct reclaim *rm);

/* ---- kswapd.c: watermarks and kswapd ------------------------------------------------- */
void rc_wmark_setup(struct reclaim *rm);
/* __zone_watermark_ok() of an allocation of nr pages against mark. */
int rc_wmark_ok(struct reclaim *rm, uint32_t nr, uint64_t mark);
/* should_reclaim_retry() after a direct reclaim round of an order-0
 * allocation (progress: it reclaimed something): 0 = go OOM. */
int rc_should_reclaim_retry(struct reclaim *rm, uint32_t nr, int progress, int *no_progress_loops);
/* pgdat_balanced(): free pages above the high watermark. */
int rc_pgdat_balanced(struct reclaim *rm);
/* wakeup_kswapd() from the allocator's slow path. */
void rc_wakeup_kswapd(struct reclaim *rm);
/* allow_direct_reclaim(): free pages above half the min watermark (else
 * kswapd is woken). */
int rc_allow_direct_reclaim(struct reclaim *rm);
/* throttle_direct_reclaim() before a task's global direct reclaim. */
void rc_throttle_direct_reclaim(struct reclaim *rm, int who);
/* wake_up_all(&pgdat->pfmemalloc_wait), if anyone waits. */
void rc_kswapd_wake_throttled(struct reclaim *rm);
/* Global reclaim of who counted by kind: pgscan/pgsteal of kswapd, direct
 * or proactive reclaim, per memcg and (not cgroup reclaim) per machine. */
void rc_count_scan(struct reclaim *rm, int who, int global, int proactive, uint32_t m,
		   uint64_t nr);
void rc_count_steal(struct reclaim *rm, int who, int global, int proactive, uint32_t m,
		    uint64_t nr);
/* __split_huge_pmd() of the huge zero page that page g is part of, if any. */
void rc_split_huge_zero(struct reclaim *rm, uint32_t g);
/* folio_swapcache_freeable() && !folio_swapped(): not under writeback, and
 * no page of the folio still named by a swap PTE (unmapped in the cache). */
int rc_swap_freeable(const struct reclaim *rm, uint32_t h);
/* mem_cgroup_swap_full(): swap more than half used (globally, or v2 memcg). */
int rc_swap_full(const struct reclaim *rm, uint32_t memcg);
/* Free the pages of folio h that their task freed while it was locked. */
void rc_free_pending(struct reclaim *rm, int who, uint32_t h);
/* Free a task's page range (munmap): resident folios, swap-cache folios, slots. */
void rc_free_range(struct reclaim *rm, int who, uint32_t first, uint32_t n);
int rc_oom_kill(struct reclaim *rm, int who, uint32_t memcg, int *killed_self);

/* ---- vmscan.c -------------------------------------------------------------------------- */
/* try_to_free_mem_cgroup_pages() on target (-1: the whole machine, global
 * reclaim); returns pages reclaimed. */
uint64_t rc_try_to_free(struct reclaim *rm, int who, int target, uint64_t nr_pages, int may_swap,
			int proactive);
/* try_to_free_pages() for an allocation of 2^order pages (a PMD THP):
 * global direct reclaim that, for a costly order, keeps shrinking while
 * should_continue_reclaim() and stops once compaction_ready(); returns 1
 * when it stopped for compaction. */
int rc_try_to_free_pages_order(struct reclaim *rm, int who, unsigned order);
/* MADV_PAGEOUT of the folios at heads[] (isolated already). */
uint64_t rc_reclaim_folios(struct reclaim *rm, int who, uint32_t *heads, unsigned n);
/* balance_pgdat()'s priority loop; returns pages reclaimed. */
uint64_t rc_balance_pgdat(struct reclaim *rm);
enum folioref { FOLIOREF_RECLAIM, FOLIOREF_KEEP, FOLIOREF_ACTIVATE };
/* folio_check_references() for the private anon folio at h. */
enum folioref rc_check_references(struct reclaim *rm, uint32_t h);

/* ---- fault.c --------------------------------------------------------------------------- */
int rc_access(struct reclaim *rm, const struct reclaim_req *r);
/* A folio at h was read into the swap cache (it was PS_SWAPPED; now charged,
 * not yet on the LRU): workingset refault check, which may activate it. */
void rc_workingset_refault(struct reclaim *rm, uint32_t h);
/* folio_add_lru(): into who's CPU batch, or onto the LRU now (large folio,
 * or the batch is full). */
void rc_lru_cache_add(struct reclaim *rm, int who, uint32_t h);
/* lru_add_drain() of who's CPU; lru_add_drain_all() of every CPU. */
void rc_lru_add_drain(struct reclaim *rm, int who);
void rc_lru_add_drain_all(struct reclaim *rm);
/* Free swap for memcg, the root's at nmemcg (mem_cgroup_get_nr_swap_pages() > 0). */
int rc_swap_available(const struct reclaim *rm, uint32_t memcg);
/* workingset_age_nonresident(): the clock of lruvec m (or the root's, -1) and its ancestors. */
void rc_age_nonresident(struct reclaim *rm, int m, uint64_t nr);
/* lru_note_cost(): anon reclaim cost of m and its ancestors. */
void rc_note_cost(struct reclaim *rm, uint32_t m, uint64_t nr_io, uint64_t nr_rotated);

#endif
