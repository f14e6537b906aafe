/* SPDX-License-Identifier: MIT */
/*
 * Memory cgroups of the reclaim model: the page counters and their limits
 * (mm/page_counter.c), the per-CPU charge stock, memory.high's throttling
 * arithmetic and the memcg events and statistics (mm/memcontrol.c,
 * mm/memcontrol-v1.c).  Accounting only: reclaim itself is models/reclaim.c,
 * which calls memcg_try_charge() and reclaims when it fails.
 *
 * Two hierarchies, chosen by system.cgroup:
 *  - v2: `memory` (memory.max, memory.high) and `swap` (memory.swap.max)
 *    counters; zswap's compressed bytes are charged to `memory`
 *    (obj_cgroup_charge_zswap()), swap slots to `swap`.
 *  - v1: `memory` (memory.limit_in_bytes) and `memsw` (memory + swap,
 *    memory.memsw.limit_in_bytes); zswap is not charged, and memory.high,
 *    memory.swap.max and the zswap files do not exist.
 * Counters are hierarchical: a charge goes to the memcg and every ancestor,
 * and fails at the first counter that would exceed its limit, as
 * page_counter_try_charge() does.  The root memcg (parent -1 at the top of
 * the table's tree) is not limited, as try_charge() skips it.
 */
#ifndef ZSWAPSIM_MEMCG_H
#define ZSWAPSIM_MEMCG_H

#include <stddef.h>
#include <stdint.h>

#define MEMCG_NOLIMIT        UINT64_MAX
#define MEMCG_CHARGE_BATCH   64u        /* include/linux/memcontrol.h */

enum memcg_version { MEMCG_V1 = 1, MEMCG_V2 = 2 };

/* memory.events names (hierarchical, as memory.events reports them). */
#define MEMCG_EVENT_LIST(X) X(low) X(high) X(max) X(oom) X(oom_kill)

/* memory.stat / vmstat event names the reclaim model counts per memcg. */
#define MEMCG_STAT_LIST(X) \
	X(pgfault) X(pgmajfault) X(pgscan) X(pgsteal) \
	X(pgscan_kswapd) X(pgscan_direct) X(pgscan_proactive) \
	X(pgsteal_kswapd) X(pgsteal_direct) X(pgsteal_proactive) \
	X(pgactivate) X(pgdeactivate) X(pgrefill) X(pgrotated) \
	X(workingset_refault_anon) X(workingset_activate_anon) X(workingset_restore_anon) \
	X(swap_ra) X(swap_ra_hit) X(thp_fault_alloc) X(thp_swpout) X(thp_swpout_fallback) \
	X(sim_swapcache_drop) X(sim_pinned_kept) X(sim_high_throttle_ns) \
	X(sim_reclaim_calls)

struct memcg_events {
#define MEMCG_X(n) uint64_t n;
	MEMCG_EVENT_LIST(MEMCG_X)
	MEMCG_STAT_LIST(MEMCG_X)
#undef MEMCG_X
};

/* Knobs of one memcg, in pages (MEMCG_NOLIMIT = "max"). */
struct memcg_limits {
	uint64_t max;        /* memory.max (v2) / memory.limit_in_bytes (v1) */
	uint64_t high;       /* memory.high (v2 only) */
	uint64_t swap_max;   /* memory.swap.max (v2 only) */
	uint64_t memsw_max;  /* memory.memsw.limit_in_bytes (v1 only) */
};

struct memcg {
	int parent;                  /* index, or -1 for a child of the (unlimited) root */
	struct memcg_limits lim;
	/* page counters: hierarchical usage in pages */
	uint64_t memory, memory_peak;
	uint64_t swap;               /* v2 swap counter */
	uint64_t memsw;              /* v1 memory + swap */
	/* zswap bytes charged to this memcg's own objcg and the pages they
	 * make in its counters (v2: rounded up per objcg) */
	uint64_t zswap_bytes, zswap_pages;
	struct memcg_events ev;      /* local; reports sum them over the subtree */
};

struct memcg_set {
	enum memcg_version version;
	struct memcg *m;
	unsigned n;
	int *preorder;               /* mem_cgroup_iter() order of the whole tree */
	unsigned hz;                 /* CONFIG_HZ, for memory.high's penalty in jiffies */
};

/* Build n memcgs from parents[] (-1 = top level) and limits[].  Returns 0 or
 * -EINVAL (cycle, bad parent, a v2 knob under v1) / -ENOMEM, with a reason. */
int memcg_set_init(struct memcg_set *s, enum memcg_version v, unsigned n, const int *parents,
		   const char *const *names, const struct memcg_limits *limits, unsigned hz,
		   char *err, size_t errlen);
void memcg_set_free(struct memcg_set *s);

/* page_counter_try_charge() of nr pages on `memory` (and v1 `memsw`) of m and
 * its ancestors.  0 on success; else nothing is charged and the memcg whose
 * counter is over is returned in *over, with *memsw_over set when that
 * counter was memsw (reclaim may not swap then). */
int memcg_try_charge(struct memcg_set *s, unsigned m, uint64_t nr, int *over, int *memsw_over);
/* Charge regardless of limits (the kernel's `force:` path). */
void memcg_force_charge(struct memcg_set *s, unsigned m, uint64_t nr);
void memcg_uncharge(struct memcg_set *s, unsigned m, uint64_t nr);
/* mem_cgroup_margin(): pages m can still charge before its own limits. */
uint64_t memcg_margin(const struct memcg_set *s, unsigned m);

/* A folio of nr pages of m went to swap (v1: memory uncharged, memsw kept
 * for the swap entry; v2: memory uncharged, swap charged at slot allocation
 * by memcg_try_charge_swap()). */
void memcg_swapout(struct memcg_set *s, unsigned m, uint64_t nr);
/* v2 __mem_cgroup_try_charge_swap(): 0, or -ENOMEM when memory.swap.max of m
 * or an ancestor is reached (the folio cannot get swap: it is activated). */
int memcg_try_charge_swap(struct memcg_set *s, unsigned m, uint64_t nr);
/* Swap slots of m freed (swap_entries_free() -> mem_cgroup_uncharge_swap()):
 * v2 uncharges `swap`; v1 uncharges `memsw` only when the page was out (a
 * resident swap-cache folio's memsw share is the folio's own charge). */
void memcg_uncharge_swap(struct memcg_set *s, unsigned m, uint64_t nr, int resident);
/* A swapped-in folio is charged to memory; v1 drops the entry's memsw share
 * (the folio's charge now covers it). */
void memcg_swapin_uncharge_swap(struct memcg_set *s, unsigned m, uint64_t nr);

/* obj_cgroup_charge_zswap() / uncharge on v2 (0 on v1): bytes of m's own
 * objcg, in whole pages as its byte stock holds them.  Returns the pages
 * the caller charges (> 0, try_charge_memcg()) or gives back (< 0,
 * refill_stock()); the memory counter is not touched here. */
int64_t memcg_charge_zswap(struct memcg_set *s, unsigned m, int64_t delta_bytes);

/* True when m or an ancestor is above memory.high. */
int memcg_over_high(const struct memcg_set *s, unsigned m);
/* The highest memory.high overage of m and its ancestors, fixed point
 * (mem_find_max_overage(), MEMCG_DELAY_PRECISION_SHIFT). */
uint64_t memcg_max_overage(const struct memcg_set *s, unsigned m);
/* calculate_high_delay(): jiffies of throttling for nr_pages charged at
 * max_overage (before the clamp). */
uint64_t memcg_high_delay(const struct memcg_set *s, uint64_t nr_pages, uint64_t max_overage);

/* Is m (or any memcg) inside the subtree of root? */
int memcg_in_subtree(const struct memcg_set *s, unsigned m, unsigned root);

/* Sum of the events of m and its descendants (memory.events / memory.stat). */
void memcg_events_hier(const struct memcg_set *s, unsigned m, struct memcg_events *out);

#define MEMCG_EV(s, m, field) ((s)->m[(m)].ev.field)

#endif
