/* SPDX-License-Identifier: MIT */
/*
 * Inside the zswap model: per-slot state, memcgs, and the functions the
 * core's files share.  Only models/zswap*.c (and white-box unit tests)
 * include this; policies use the handle API of models/policy/policy.h, and
 * everyone else models/zswap.h.
 *
 * Per-slot state is one 16-byte struct zswap_slot per swap slot, indexed by
 * slot number (the kernel's xarray + struct zswap_entry + zeromap bit + swap
 * map state in one place).  LRU lists are rings of slot indices in list
 * order, one per memcg (the kernel's memcg-aware list_lru on a single NUMA
 * node); a slot on a list knows its index in the ring (struct zswap_slot
 * lru_ipos, struct zswap_lru_ring).
 */
#ifndef ZSWAPSIM_ZSWAP_INTERNAL_H
#define ZSWAPSIM_ZSWAP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "models/zswap.h"
#include "models/pool.h"
#include "models/policy/policy.h"

#define ZSWAP_MAX_RECLAIM_RETRIES 16 /* MAX_RECLAIM_RETRIES in mm/internal.h */

/* Slot state (low 2 bits of zswap_slot.state) and flags. */
enum {
	ZSWAP_S_NONE  = 0,   /* nothing: never swapped out, swapped in, freed, or reactivated */
	ZSWAP_S_ZERO  = 1,   /* swap zeromap bit set */
	ZSWAP_S_ZSWAP = 2,   /* a zswap entry */
	ZSWAP_S_DISK  = 3,   /* contents on the swap device */
};
#define ZSWAP_S_MASK  0x03u
#define ZSWAP_S_REF   0x04u  /* entry->referenced (second chance) */
#define ZSWAP_S_WB    0x08u  /* a writeback of this entry is in progress */
#define ZSWAP_S_RA    0x10u  /* with ZSWAP_S_NONE: read by readahead, still in the swap
			      * cache with PG_readahead set (a fault on it is a readahead hit) */

/*
 * A slot's entry: 16 bytes, four to a cache line, what every event reads.
 * When the entry was stored is kept apart (zswap->store_ns), and only by a
 * run that reads it (zswap->keep_store_ns).
 */
struct zswap_slot {
	uint32_t lru_ipos;   /* ~(index in its memcg's LRU ring): zswap_slot_lru_pos() */
	uint32_t zspage;     /* zsmalloc handle: zspage id */
	uint16_t length;     /* compressed length (4096 = stored raw) */
	uint16_t memcg;      /* memcg that swapped the slot out */
	uint8_t klass;       /* zsmalloc handle: class */
	uint8_t state;       /* ZSWAP_S_* | flags */
	uint16_t io;         /* ZSWAP_IO_*: swap-out in progress (folio locked), ever swapped out */
};

/*
 * A slot's place in its memcg's LRU ring, ZSWAP_NIL when on no list.  Kept
 * inverted so that a slot never touched reads as on no list: the slot array
 * is zeroed memory mapped on demand, and a slot_count of 2^28 with a few
 * events costs the pages of the slots used, not a pass over all of them.
 */
static inline uint32_t zswap_slot_lru_pos(const struct zswap_slot *s)
{
	return ~s->lru_ipos;
}

static inline void zswap_slot_set_lru_pos(struct zswap_slot *s, uint32_t pos)
{
	s->lru_ipos = ~pos;
}

/* A swap-out of the slot's folio is in progress (between the start of
 * swap_writeout() and the end of its I/O): the folio is locked in the swap
 * cache, so a fault on the slot is a swap-cache hit, a writeback of its entry
 * finds the folio already cached (-EEXIST), and freeing the slot waits for
 * the folio (INVAL_PENDING, applied when the swap-out ends). */
#define ZSWAP_IO_BUSY          0x1u
#define ZSWAP_IO_INVAL_PENDING 0x2u
/* The replay has swapped the slot out at least once (kept for the whole run):
 * a swap-in of a slot without it reads data from before the trace began. */
#define ZSWAP_IO_SWAPPED       0x4u

/*
 * One LRU list: the slots in list order in a ring, so a writeback walk reads
 * the entries it will visit out of one array and can fetch their state ahead
 * of time (a list linked through the slots makes every step of a walk wait
 * for the previous slot's cache miss).  Positions lo .. hi-1 (ring index =
 * position & mask; positions wrap at 2^32): lo is the head (oldest, walks
 * start there), hi-1 the tail (new entries).  An entry unlinked from inside
 * leaves a hole (ZSWAP_LRU_HOLE), trimmed when it reaches an end and
 * squeezed out when the ring is full; the ring doubles when it is more than
 * half live.  Both ends are never holes.
 */
#define ZSWAP_LRU_HOLE UINT32_MAX

struct zswap_lru_ring {
	uint32_t *q;
	uint32_t mask;                 /* capacity - 1 (a power of two), 0 before the first add */
	uint32_t lo, hi;
};

struct zswap_memcg {
	struct zswap_memcg_stats st;   /* hierarchical, as memory.stat reports them */
	int idx;
	int parent;                    /* memcg index or -1 */
	uint64_t max_pages;            /* memory.zswap.max in pages, UINT64_MAX = max */
	int wb_own;                    /* own memory.zswap.writeback knob */
	int wb_enabled;                /* mem_cgroup_zswap_writeback_enabled() */
	/* own LRU list (list_lru_one of this memcg) */
	struct zswap_lru_ring lru;
	uint64_t lru_len;
	/* prefetch run-ahead of writeback walks (hints, never model state):
	 * the next ring position the cursor looks at */
	uint32_t pf_pos;
	/* pressure shrinker */
	uint64_t nr_disk_swapins;      /* zswap_lruvec_state.nr_disk_swapins */
	uint64_t nr_deferred;          /* shrinker->nr_deferred of this memcg */
	uint64_t pages_since_reclaim;  /* replay-driven reclaim pass counter */
	uint64_t over_bytes;           /* current zswap bytes above zswap.max */
};

/* Metrics of the limit check, any limit policy (stats.limit). */
struct zswap_limit_stats {
	uint64_t rejected_folios;
	uint64_t wasted_compressions;
	uint64_t overshoot_max_global;   /* bytes */
	uint64_t overshoot_max_memcg;    /* bytes */
	uint64_t over_global;            /* current pool bytes above the limit */
	uint64_t over_memcg_sum;         /* current sum of memcg overshoots */
	uint64_t over_since_ns;          /* time of the last change of the above */
	double over_global_bns;          /* integrals, byte * ns */
	double over_memcg_bns;
	/* Folio stores cut short part-way by a per-page check (per-page policy):
	 * where in the folio they failed, how many other stores were in flight,
	 * and the longest run of failed stores with no store completing between
	 * them: the signature of concurrent large-folio stores all failing near
	 * their last page while none completes. */
	uint64_t aborted_folios;
	uint64_t abort_quarter[4];       /* by failing page index / nr_pages */
	uint64_t abort_concurrent_sum;   /* other stores in flight at each abort */
	uint64_t fail_run, fail_run_max; /* consecutive failed folio stores */
	uint32_t stores_in_flight;
	uint64_t *stream_stored;         /* folio stores per stream */
	uint64_t *stream_rejected;
	uint32_t nstreams;
};

struct zswap {
	struct zswap_config cfg;
	const struct zswap_env *env;    /* workload runs: reclaim around zswap, else NULL */
	void *env_ctx;
	/* Whose CPU a memcg charge or uncharge runs on: set by each entry
	 * point and again after each hook (another actor may have run zswap
	 * while a timing hook or the writeback's folio allocation waited). */
	int32_t charge_who;
	struct compressor *comp;
	struct zs_pool *pool;
	uint64_t now_ns;

	struct zswap_stats st;
	struct zswap_slot *slots;
	uint32_t nslots;
	/* When each slot's entry was stored, written only if keep_store_ns:
	 * a policy reads it (policy_common.store_times), or a timing or
	 * environment hook may let another actor replace an entry while a
	 * writeback waits (writeback_entry() compares it before and after).
	 * Elsewhere a store touches no more than its slot entry. */
	uint64_t *store_ns;
	int keep_store_ns;
	struct zswap_memcg *memcg;
	uint32_t nmemcg;
	int *preorder;                  /* memcg indices in mem_cgroup_iter() order */
	int shrink_cursor;              /* zswap_next_shrink: position in preorder, -1 = none */

	/* global limit */
	uint64_t max_pages;             /* zswap_max_pages() */
	uint64_t accept_pages;          /* zswap_accept_thr_pages() */
	int reached_full;               /* zswap_pool_reached_full */
	uint64_t pool_pages;            /* zs_get_total_pages(), refreshed on every change */
	int shrink_pending;             /* shrink work queued (WORK_STRUCT_PENDING) */
	/* shrink_worker()'s locals while a run goes step by step */
	int wk_running, wk_failures, wk_attempts;
	uint64_t wk_thr;

	/* swapin_nr_pages() state (mm/swap_state.c, cluster readahead) */
	uint64_t ra_hits;               /* swapin_readahead_hits, starts at 4 */
	uint64_t ra_prev_offset;        /* prev_offset */
	uint64_t ra_last_pages;         /* last_readahead_pages */

	/* writeback submission batching (writeback policy param `batch`) */
	unsigned wb_batch;              /* entries per swap-device submission (>= 1) */
	unsigned wbq_n;
	uint32_t wbq_first;
	int wbq_who;

	const struct zswap_timing *t;
	void *tctx;

	const struct zswap_limit_policy *limit; void *limit_st;
	const struct zswap_lru_policy *lru;     void *lru_st;
	const struct zswap_wb_policy *wb;       void *wb_st;
	/* wb->swapped_out, or NULL when it does nothing for this run (the
	 * kernel's hook without zswap.shrinker_enabled): called per swap-out */
	void (*swapped_out)(struct zswap *zs, void *st, struct zswap_memcg *mc,
			    uint32_t nr_pages, int who);
	int limit_attached, lru_attached, wb_attached;

	struct zswap_limit_stats lim;
	int lru_nomem;                  /* an LRU ring could not grow: the run fails */
	uint64_t inv_cursor;            /* invariant check: next window of slots */
	uint64_t *inv_scratch;          /* invariant check: 2 * nmemcg sums */
};

/* ---- shared by the core's files ------------------------------------------------ */

/* When the slot's entry was stored; 0 in a run that keeps no store times. */
static inline uint64_t zswap_slot_store_ns(const struct zswap *zs, uint32_t slot)
{
	return zs->keep_store_ns ? zs->store_ns[slot] : 0;
}

static inline struct zswap_memcg *zswap_slot_memcg(struct zswap *zs, uint32_t slot)
{
	return &zs->memcg[zs->slots[slot].memcg];
}

/* obj_cgroup_may_zswap(): memcg and every ancestor below their zswap.max. */
int zswap_memcg_may_zswap(const struct zswap *zs, const struct zswap_memcg *mc);
/* Would extra_bytes more still keep memcg and ancestors strictly below their
 * limits? */
int zswap_memcg_fits(const struct zswap *zs, const struct zswap_memcg *mc, uint64_t extra_bytes);
/* zswap_check_limits(): the global limit with hysteresis; true = reject. */
int zswap_check_limits(struct zswap *zs);
/* Would extra_pages more pool pages stay below the global limit (and the
 * full state not be set)? Does not count pool_limit_hit. */
int zswap_pool_fits(const struct zswap *zs, uint64_t extra_pages);
/* shrink_memcg(): 0 (wrote back), -ENOENT (no candidate), -EAGAIN. */
int zswap_shrink_memcg(struct zswap *zs, struct zswap_memcg *mc, int who);

/* zswap_limit_check_kernel()'s body, inline for the store, which calls it
 * directly when the run's limit policy is the kernel's (zswap_admit_folio()). */
static inline __attribute__((always_inline)) int
zswap_limit_check(struct zswap *zs, struct zswap_memcg *mc, int who)
{
	/* Over zswap.max: write back one entry of this memcg (second chance
	 * applies); go on without re-checking only if one went. */
	if (!zswap_memcg_may_zswap(zs, mc) && zswap_shrink_memcg(zs, mc, who))
		return -1;
	return zswap_check_limits(zs) ? -1 : 0;
}
/* queue_work(shrink_wq, &zswap_shrink_work). */
void zswap_kick_shrink_worker(struct zswap *zs);
/* list_lru_walk_one() with shrink_memcg_cb(): at most nr_to_walk entries
 * from the head of mc's list; returns the number written back; *stop set when
 * a writeback hit an entry already being written back (-EEXIST). */
unsigned long zswap_lru_walk(struct zswap *zs, struct zswap_memcg *mc,
			     unsigned long nr_to_walk, int who, int *stop);
/* zswap_writeback_entry() for slot; 0 or a negative errno. */
int zswap_writeback_entry(struct zswap *zs, uint32_t slot, int who);
void zswap_lru_move_tail(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot);
/* The entry after slot on its list, ZSWAP_NIL at the tail. */
uint32_t zswap_lru_next_entry(const struct zswap *zs, uint32_t slot);
/* Free mc's ring (zswap_destroy()). */
void zswap_lru_free(struct zswap_memcg *mc);
/* A writeback walk's look ahead along mc's ring (hints). */
void zswap_prefetch_walk(const struct zswap *zs, struct zswap_memcg *mc);
/* The entry at the head / tail of mc's list, ZSWAP_NIL when empty. */
static inline uint32_t zswap_lru_head(const struct zswap_memcg *mc)
{
	return mc->lru_len ? mc->lru.q[mc->lru.lo & mc->lru.mask] : ZSWAP_NIL;
}
static inline uint32_t zswap_lru_tail(const struct zswap_memcg *mc)
{
	return mc->lru_len ? mc->lru.q[(mc->lru.hi - 1) & mc->lru.mask] : ZSWAP_NIL;
}

/* The pressure shrinker (zswap_shrinker.c): zswap_shrinker_count() /
 * zswap_shrinker_scan() of mm/zswap.c and the do_shrink_slab() arithmetic of
 * mm/shrinker.c for one memcg at one reclaim priority; returns the number of
 * entries written back.  zswap_shrinker_replay() is in policy.h. */
#define ZSWAP_SHRINK_BATCH   128u   /* SHRINK_BATCH (shrinker->batch = 0) */
#define ZSWAP_DEFAULT_SEEKS  2u     /* DEFAULT_SEEKS */
#define ZSWAP_SHRINK_STOP    (~0ul) /* SHRINK_STOP */
unsigned long zswap_shrinker_count(struct zswap *zs, struct zswap_memcg *mc);
unsigned long zswap_shrinker_scan(struct zswap *zs, struct zswap_memcg *mc,
				  unsigned long nr_to_scan, int who);
unsigned long zswap_shrinker_pass(struct zswap *zs, struct zswap_memcg *mc,
				  unsigned priority, int who);

/* Internal, shared by zswap*.c. */
void zswap_entry_free(struct zswap *zs, uint32_t slot);
void zswap_pool_resized(struct zswap *zs, uint64_t pages);
void zswap_memcg_charge(struct zswap *zs, struct zswap_memcg *mc, uint32_t len);
void zswap_memcg_uncharge(struct zswap *zs, struct zswap_memcg *mc, uint32_t len);
void zswap_time_decompress(struct zswap *zs, int who, const uint32_t *lens, unsigned n);
void zswap_time_disk_write(struct zswap *zs, int who, uint32_t slot, unsigned nr);
void zswap_memcg_add(struct zswap *zs, struct zswap_memcg *mc, size_t field_off, uint64_t v);

#define ZSWAP_MEMCG_ADD(zs, mc, field, v) \
	zswap_memcg_add((zs), (mc), offsetof(struct zswap_memcg_stats, field), (v))

/* The pool's page count may have changed (a store or a free).  Inline: most
 * leave it as it was (their zspage had room, or keeps other objects), so
 * the replay pays a load and a compare for them. */
static inline void zswap_pool_changed(struct zswap *zs)
{
	uint64_t pages = zs_get_total_pages(zs->pool);

	if (pages != zs->pool_pages)
		zswap_pool_resized(zs, pages);
}

/* zswap_lru_kernel_examine()'s body (shrink_memcg_cb()'s second chance):
 * inlined into the writeback walk. */
static inline enum zswap_lru_verdict zswap_slot_second_chance(struct zswap_slot *s)
{
	if (!(s->state & ZSWAP_S_REF))
		return ZSWAP_LRU_WRITEBACK;
	s->state &= (uint8_t)~ZSWAP_S_REF;
	return ZSWAP_LRU_ROTATE;
}

/* A list's head changed: the earliest useful firing of a time-driven policy
 * may be earlier now; tell an engine that sleeps until it. */
static inline void zswap_timer_moved(struct zswap *zs)
{
	if (zs->wb->next_due && zs->t && zs->t->timer_moved)
		zs->t->timer_moved(zs->tctx);
}

/* zswap_lru_del(): take slot off mc's list.  Inline, for
 * zswap_entry_free() and the writeback walk's rotation: every free and every
 * second chance unlinks. */
static inline __attribute__((always_inline)) void zswap_lru_del(struct zswap *zs,
								struct zswap_memcg *mc,
								uint32_t slot)
{
	struct zswap_slot *s = &zs->slots[slot];
	struct zswap_lru_ring *r = &mc->lru;

	uint32_t pos = zswap_slot_lru_pos(s);

	if (pos == ZSWAP_NIL)
		return;               /* never linked: its ring could not grow */

	r->q[pos] = ZSWAP_LRU_HOLE;
	zswap_slot_set_lru_pos(s, ZSWAP_NIL);
	mc->lru_len--;
	/* Trim the holes at the end the entry leaves (a walk taking the head
	 * leaves none).  The ends are never holes, so an entry from inside
	 * leaves nothing to trim, and the head one (the tail too if it was
	 * alone) nothing at the tail. */
	if (pos == (r->lo & r->mask)) {
		/* A list still holding entries has a live tail, where the scan
		 * stops without comparing with hi; lo stays in a register (a
		 * store into the ring could otherwise alias it). */
		uint32_t lo = r->lo;

		if (mc->lru_len)
			while (r->q[++lo & r->mask] == ZSWAP_LRU_HOLE)
				;
		else
			lo = r->hi;
		r->lo = lo;
		/* the next head may be older (rotated entries keep their age) */
		zswap_timer_moved(zs);
	} else if (pos == ((r->hi - 1) & r->mask)) {
		while (r->q[(r->hi - 1) & r->mask] == ZSWAP_LRU_HOLE)
			r->hi--;      /* stops at the live head */
	}
}

/* Grow mc's full ring (zswap_lru.c, cold): 0 on success. */
int zswap_lru_ring_grow(struct zswap *zs, struct zswap_memcg *mc);

/* Put slot at position pos of the ring. */
static inline void zswap_lru_ring_set(struct zswap *zs, struct zswap_lru_ring *r, uint32_t pos,
				      uint32_t slot)
{
	r->q[pos & r->mask] = slot;
	if (slot != ZSWAP_LRU_HOLE)
		zswap_slot_set_lru_pos(&zs->slots[slot], pos & r->mask);
}

/* A free position in front of lo and behind hi-1: false when the ring could
 * not grow (the run then fails, zswap_failed()). */
static inline int zswap_lru_ring_room(struct zswap *zs, struct zswap_memcg *mc)
{
	struct zswap_lru_ring *r = &mc->lru;

	if (r->q && r->hi - r->lo <= r->mask)
		return 1;
	if (!zswap_lru_ring_grow(zs, mc))
		return 1;
	zs->lru_nomem = 1;
	return 0;
}

/* zswap_lru_add()'s link at the tail.  Inline: every store links (through
 * the kernel LRU's hook, zswap_lru_stored() in zswap.c), and a writeback
 * walk rotates every referenced entry it meets (the kernel LRU's second
 * chance: most entries once). */
static inline __attribute__((always_inline)) void zswap_lru_link_tail_inline(struct zswap *zs,
									   struct zswap_memcg *mc,
									   uint32_t slot)
{
	if (!zswap_lru_ring_room(zs, mc))
		return;
	zswap_lru_ring_set(zs, &mc->lru, mc->lru.hi++, slot);
	if (mc->lru_len++)
		return;
	zswap_timer_moved(zs);   /* a first entry: a proactive pass may find it */
}

#endif
