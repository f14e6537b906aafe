/* SPDX-License-Identifier: MIT */
/*
 * The reclaim model: tasks touch pages; memcg charges, the anon LRU, direct
 * reclaim, memory.high throttling, OOM kills, the swap cache, swap-in
 * readahead and workingset refaults decide which folios go to swap and when,
 * as mm/memory.c, mm/memcontrol.c, mm/vmscan.c, mm/swap_state.c and
 * mm/workingset.c do for anonymous memory (classic two-list LRU, one node).
 *
 * Where swapped folios go is not decided here: swap-outs, swap-ins and slot
 * frees go through struct reclaim_swap_ops, which the engine binds to the
 * zswap model (models/zswap.h) in a workload run, or to a trace recorder in
 * `trace gen`.  Time is not measured here either: the work done is reported
 * through struct reclaim_timing hooks (NULL with the `none` backend, so every
 * access is atomic), which a timing backend turns into CPU time, lock waits
 * and sleeps; a hook may block the calling task while other tasks run, and
 * the model's state is consistent at every hook call.
 *
 * docs/kernel-parity.md lists each behaviour with its kernel function and
 * test; docs/workloads.md what is modelled and what is left out.
 */
#ifndef ZSWAPSIM_RECLAIM_H
#define ZSWAPSIM_RECLAIM_H

#include <stddef.h>
#include <stdint.h>

#include "models/memcg.h"

#define RECLAIM_NIL       UINT32_MAX
#define RECLAIM_MAX_ORDER 9
#define SWAP_CLUSTER_MAX  32u
#define DEF_PRIORITY      12
#define PAGE_ALLOC_COSTLY_ORDER 3

/* ---- what the engine gives ------------------------------------------------ */

/* One thing a task does (the engine translates access records into these). */
enum reclaim_op {
	RECLAIM_OP_READ = 0,
	RECLAIM_OP_WRITE,
	RECLAIM_OP_FREE,      /* munmap of `count` pages from vpage */
	RECLAIM_OP_EXIT,      /* the task exits */
	RECLAIM_OP_RECLAIM,   /* memory.reclaim of `count` pages on memcg */
	RECLAIM_OP_PAGEOUT,   /* MADV_PAGEOUT of `count` pages from vpage */
	RECLAIM_OP_SET_MAX,   /* memcg's memory.max := count pages (0 = max) */
	RECLAIM_OP_SET_RAM,   /* RAM limit := count pages (0 = none) */
};

#define RECLAIM_CONTENT_DRAW UINT32_MAX

struct reclaim_req {
	uint32_t task;
	uint32_t vpage;
	uint32_t count;       /* FREE/PAGEOUT/RECLAIM/SET_*: pages */
	uint32_t content;     /* WRITE: page-store index, or RECLAIM_CONTENT_DRAW */
	uint16_t memcg;       /* the task's memcg: new pages are charged to it */
	uint8_t op;           /* enum reclaim_op */
	uint8_t order;        /* READ/WRITE: folio order a first touch allocates */
};

/* What an access did. */
enum reclaim_result {
	RECLAIM_HIT = 0,          /* the page was mapped */
	RECLAIM_FIRST_TOUCH,      /* a new folio was allocated */
	RECLAIM_MINOR,            /* swap-cache hit (readahead or writeback folio) */
	RECLAIM_MAJOR_ZERO,       /* swapped in from the zeromap */
	RECLAIM_MAJOR_ZSWAP,      /* swapped in from zswap */
	RECLAIM_MAJOR_DISK,       /* swapped in from the swap device */
	RECLAIM_DONE,             /* a non-access op finished */
	RECLAIM_KILLED,           /* the task was OOM-killed (it does nothing more) */
	RECLAIM_DEAD,             /* the task had exited or been killed before */
};

/* ---- where swapped folios go -------------------------------------------------- */

enum reclaim_out_result {
	RECLAIM_OUT_ZERO = 0,     /* zeromap: nothing written */
	RECLAIM_OUT_STORED,       /* stored in zswap: synchronous, the folio can go */
	RECLAIM_OUT_DISK,         /* written to the swap device, the write already done */
	RECLAIM_OUT_DISK_ASYNC,   /* written to the swap device, the write in flight:
				     reclaim_write_done(slot) follows */
	RECLAIM_OUT_ACTIVATE,     /* rejected with writeback disabled: stays resident */
};

enum reclaim_in_result {
	RECLAIM_IN_ZERO = 0,      /* zeromap: a clean zero folio */
	RECLAIM_IN_ZSWAP,         /* decompressed; the entry is gone, the folio is dirty */
	RECLAIM_IN_DISK,          /* read from disk: the folio is clean */
	RECLAIM_IN_DISK_ASYNC,    /* readahead from disk, the read in flight:
				     reclaim_read_done(slot) follows */
	RECLAIM_IN_ABSENT,        /* the slot holds nothing (bug in the caller) */
};

/* A folio to swap out: 2^order pages at slot..; page i holds page-store
 * page content[i * content_stride]. */
struct reclaim_folio {
	uint32_t slot;
	uint32_t order;
	uint32_t memcg;
	uint32_t content_stride;
	const uint32_t *content;
};

struct reclaim_swap_ops {
	/* swap_writeout() of n folios of one reclaim batch, in order; who is
	 * the reclaiming task (or RECLAIM_WHO_WORKER).  res[i] gets each
	 * folio's enum reclaim_out_result. */
	void (*swap_out)(void *ctx, const struct reclaim_folio *f, unsigned n, int who, int *res);
	/* swap_read_folio() of one slot into the swap cache (readahead: a
	 * neighbour read by readahead).  Returns enum reclaim_in_result. */
	int (*swap_in)(void *ctx, uint32_t slot, uint32_t memcg, int who, int readahead);
	/* Slots freed (swap_entries_free()/zswap_invalidate()). */
	void (*swap_free)(void *ctx, uint32_t slot, uint32_t nr, uint32_t memcg, int who);
	/* A clean swap-cache folio (read from the swap device or the zeromap,
	 * not written since) was dropped without pageout(): its slots hold its
	 * data again, the next swap-in reads them once more. */
	void (*swap_clean)(void *ctx, const struct reclaim_folio *f, int who);
	/* shrink_slab() of one memcg at a reclaim priority: the zswap
	 * shrinker (NULL = none).  Returns entries written back. */
	uint64_t (*shrink_slab)(void *ctx, uint32_t memcg, int priority, int who);
	/* Pages the swap layer itself holds in RAM (the zswap pool), which
	 * count against the RAM limit (NULL = none). */
	uint64_t (*pool_pages)(void *ctx);
	/* A swap-out or swap-in of slot is coming soon: fetch the swap
	 * layer's state for it into the cache, in stages each reading what
	 * the one before brought in: 1 the slot's own state, 2 and 3 what a
	 * swap-in of it touches beyond (NULL = none; no effect on anything
	 * but speed). */
	void (*prefetch)(void *ctx, uint32_t slot, int stage);
};

#define RECLAIM_WHO_WORKER (-1)
/* kswapd's reclaim (-2 is taken by the simgrid backend's writer actors) */
#define RECLAIM_WHO_KSWAPD (-3)

/* ---- time --------------------------------------------------------------------------- */

enum reclaim_work {
	RECLAIM_W_ACCESS = 0,     /* a hit: the access itself (per access) */
	RECLAIM_W_FAULT,          /* a fault's own path (per fault) */
	RECLAIM_W_SCAN,           /* a folio looked at by reclaim (per folio) */
	RECLAIM_W_UNMAP,          /* a folio unmapped / freed by reclaim (per folio) */
	RECLAIM_W_COUNT
};

struct reclaim_timing {
	/* n units of work w by who on its core (NULL = no time) */
	void (*work)(void *ctx, int who, enum reclaim_work w, uint64_t n);
	/* take memcg's LRU lock for n folios' worth of list work, then release */
	void (*lru_lock)(void *ctx, int who, uint32_t memcg, uint64_t n);
	/* memory.high throttling: who sleeps ns */
	void (*throttle)(void *ctx, int who, uint64_t ns);
	/* reclaim_throttle(VMSCAN_THROTTLE_ISOLATED): who sleeps up to ns, or
	 * until isolated_wake() */
	void (*isolated_wait)(void *ctx, int who, uint64_t ns);
	void (*isolated_wake)(void *ctx);
	/* who waits until the folio at page index head is unlocked (a fault on
	 * a folio under reclaim by another task) */
	void (*folio_wait)(void *ctx, int who, uint32_t head);
	/* the folio at head was unlocked or freed, or its write ended: tasks
	 * blocked in folio_wait() may go on (they check again) */
	void (*folio_wake)(void *ctx, uint32_t head);
	/* wakeup_kswapd() found kswapd needed: the backend runs
	 * reclaim_kswapd_balance() on kswapd's own actor (NULL = the model
	 * runs kswapd synchronously at the wake point) */
	void (*kswapd_wake)(void *ctx);
	/* throttle_direct_reclaim(): who waits on pfmemalloc_wait until
	 * pfmemalloc_wake(), then checks again (NULL = no waiting: the task
	 * goes on at once) */
	void (*pfmemalloc_wait)(void *ctx, int who);
	void (*pfmemalloc_wake)(void *ctx);
};

/* ---- configuration -------------------------------------------------------------------- */

struct reclaim_task_desc {
	uint32_t pages;           /* address-space size in pages */
	uint32_t cpu;             /* CPU it runs on (charge stock, readahead state) */
};

struct reclaim_config {
	enum memcg_version cgroup;
	unsigned hz;              /* CONFIG_HZ */
	uint32_t nslots;          /* swap device size in pages */
	uint64_t ram_pages;       /* RAM limit on resident + zswap pages; 0 = none */
	unsigned page_cluster;    /* vm.page-cluster (readahead max 2^page_cluster) */
	unsigned swappiness;      /* vm.swappiness / memory.swappiness */
	unsigned reclaim_batch;   /* folios swapped out together (batch.reclaim_folios) */
	unsigned ncpus;
	unsigned worker_cpu;      /* CPU the shrink worker runs on (< ncpus) */
	unsigned kswapd_cpu;      /* CPU kswapd runs on (< ncpus) */
	int min_free_kbytes;      /* vm.min_free_kbytes; -1 = calculate_min_free_kbytes() */
	unsigned watermark_scale_factor;   /* vm.watermark_scale_factor */
	/* new content for a folio of nr pages of task: nr page-store indices
	 * (drawn from the task's own stream, so that what a task gets does not
	 * depend on how it was interleaved with others) */
	void (*draw_content)(void *ctx, unsigned task, unsigned nr, uint32_t *out);
	void *draw_ctx;
	double dirty;             /* probability a write gives the page new content */
	uint64_t seed;
};

struct reclaim_topology {
	unsigned ntasks;
	const struct reclaim_task_desc *tasks;
	unsigned nmemcg;
	const int *parents;
	const char *const *names;
	const struct memcg_limits *limits;
};

/* Per-task results. */
struct reclaim_task_stats {
	uint64_t accesses, bytes, faults, majfaults, minfaults, first_touch;
	uint64_t zero_faults;            /* reads that mapped the (huge) zero page */
	uint64_t rss, swapents;           /* gauges */
	uint64_t throttle_ns;
	int killed, exited;
};

struct reclaim;

struct reclaim *reclaim_create(const struct reclaim_config *cfg, const struct reclaim_topology *t,
			       const struct reclaim_swap_ops *ops, void *ops_ctx,
			       char *err, size_t errlen);
void reclaim_destroy(struct reclaim *rm);
void reclaim_set_timing(struct reclaim *rm, const struct reclaim_timing *t, void *ctx);

/* One step of a task.  Returns its enum reclaim_result; a negative errno
 * on an internal failure (out of swap slots: -ENOSPC, with a message). */
int reclaim_step(struct reclaim *rm, const struct reclaim_req *r);

/* zswap writeback wants a swap-cache folio for slot (the entry's memcg):
 * charge it (the worker may reclaim to make room) and put it on the LRU as
 * an unmapped swap-cache folio under writeback.  0, or -ENOMEM when the
 * charge failed (the writeback fails). */
int reclaim_writeback_folio(struct reclaim *rm, uint32_t slot, int who);
/* zswap writeback submitted the write of slot's folio (ok), or gave it up
 * (!ok: the entry went away; the folio is dropped). */
void reclaim_writeback_unlock(struct reclaim *rm, uint32_t slot, int who, int ok);
/* The write of slot's folio (a zswap writeback, or a disk swap-out) ended. */
void reclaim_write_done(struct reclaim *rm, uint32_t slot);
/* The readahead read of slot that who submitted (RECLAIM_IN_DISK_ASYNC) ended:
 * the folio is unlocked and goes onto the LRU. */
void reclaim_read_done(struct reclaim *rm, uint32_t slot, int who);
/* zswap's charge of compressed bytes to a memcg changed (v2 charging), on
 * who's CPU. */
void reclaim_zswap_charge(struct reclaim *rm, uint32_t memcg, int who, int64_t delta_bytes);

/* The zone's watermarks in pages (all 0 without a RAM limit). */
struct reclaim_wmark {
	uint64_t min, low, high;
	unsigned min_free_kbytes;         /* in effect */
};
const struct reclaim_wmark *reclaim_watermarks(const struct reclaim *rm);

/* /proc/vmstat events of the page allocator and kswapd (global reclaim
 * only, as the kernel counts them), and two of the model's own. */
#define RECLAIM_VMSTAT_LIST(X) \
	X(pgscan_kswapd) X(pgscan_direct) X(pgsteal_kswapd) X(pgsteal_direct) \
	X(allocstall_movable) X(pageoutrun) \
	X(kswapd_low_wmark_hit_quickly) X(kswapd_high_wmark_hit_quickly) \
	X(pgscan_direct_throttle) X(oom_kill) \
	X(thp_fault_alloc) X(thp_fault_fallback) X(thp_fault_fallback_charge) \
	X(thp_split_page) X(thp_swpout) X(thp_swpout_fallback) \
	X(sim_kswapd_wakeups) X(sim_kswapd_failures_max)

struct reclaim_vmstat {
#define RECLAIM_X(n) uint64_t n;
	RECLAIM_VMSTAT_LIST(RECLAIM_X)
#undef RECLAIM_X
};
const struct reclaim_vmstat *reclaim_vmstat(const struct reclaim *rm);

/* Per-order large-folio events, the kernel's
 * /sys/kernel/mm/transparent_hugepage/hugepages-<size>kB/stats/ (count_mthp_stat();
 * swap-ins are order 0 once zswap was enabled, so no swpin keys). */
#define RECLAIM_MTHP_LIST(X) \
	X(anon_fault_alloc) X(anon_fault_fallback) X(anon_fault_fallback_charge) \
	X(zswpout) X(swpout) X(swpout_fallback) X(split)

struct reclaim_mthp {
#define RECLAIM_X(n) uint64_t n;
	RECLAIM_MTHP_LIST(RECLAIM_X)
#undef RECLAIM_X
};
/* The counters of folios of 2^order pages (1..RECLAIM_MAX_ORDER), NULL for
 * another order. */
const struct reclaim_mthp *reclaim_mthp(const struct reclaim *rm, unsigned order);
/* A bit per folio order that some first touch asked for. */
uint32_t reclaim_orders_used(const struct reclaim *rm);

/* kswapd's side, for a backend that runs it on an actor of its own
 * (reclaim_timing.kswapd_wake): one balance_pgdat(), then 1 when kswapd
 * may sleep (prepare_kswapd_sleep()), 0 when it must balance again at once
 * (counted as kswapd_high_wmark_hit_quickly). */
int reclaim_kswapd_balance(struct reclaim *rm);
/* kswapd's short nap (HZ/10) before sleeping was cut short by a wakeup:
 * kswapd_low_wmark_hit_quickly. */
void reclaim_kswapd_woken_early(struct reclaim *rm);
/* kswapd's nap ended without a wakeup: 1 when it may sleep until woken, 0
 * when the node fell under the high watermark meanwhile (counted as
 * kswapd_high_wmark_hit_quickly): balance again. */
int reclaim_kswapd_nap_end(struct reclaim *rm);
/* kswapd has work to do (woken and not sleeping yet). */
int reclaim_kswapd_pending(const struct reclaim *rm);

/* The message of the last internal failure (reclaim_step() < 0). */
const char *reclaim_error(const struct reclaim *rm);
const struct memcg_set *reclaim_memcgs(const struct reclaim *rm);
const struct reclaim_task_stats *reclaim_task(const struct reclaim *rm, unsigned task);
unsigned reclaim_task_count(const struct reclaim *rm);
/* Resident pages of the whole machine (mapped + swap cache). */
uint64_t reclaim_resident(const struct reclaim *rm);
/* Bytes of model state per tracked page (for make bench). */
size_t reclaim_bytes_per_page(void);

/* The leading requests of q[0..n) that are hits (a READ or WRITE of a page
 * its live task has mapped, or a READ of the zero page), applied exactly as
 * reclaim_step() applies them; returns how many, stopping at the first that
 * is not one.  Only without timing hooks (0 otherwise): a hit then touches
 * nothing but the page and the task's counters, so an engine may apply a run
 * of them with none of its own per-step work in between. */
unsigned reclaim_hits(struct reclaim *rm, const struct reclaim_req *q, unsigned n);

/* Coming requests (accesses some way ahead): fetch their pages' state into
 * the cache; then, closer, the swap layer's state of those that are swapped
 * out, stage by stage (reclaim_swap_ops.prefetch).  Speed only. */
void reclaim_prefetch_pages(const struct reclaim *rm, const struct reclaim_req *q, unsigned n);
void reclaim_prefetch_slots(const struct reclaim *rm, const struct reclaim_req *q, unsigned n,
			    int stage);

/* Lists, page states, charges and per-task gauges agree (O(pages)); the
 * state holds at every timing hook call, so a timing backend may run this
 * whenever a task yields.  0, or -EFAULT with the first broken rule. */
int reclaim_check_invariants(const struct reclaim *rm, char *reason, size_t len);

/* Who holds a swap slot, for checks against the swap layer: nobody, a page
 * that is out (its data must be in the slot), or a swap-cache page. */
enum { RECLAIM_SLOT_FREE = 0, RECLAIM_SLOT_SWAPPED, RECLAIM_SLOT_CACHED };
uint32_t reclaim_slot_state(const struct reclaim *rm, uint32_t slot);

#endif
