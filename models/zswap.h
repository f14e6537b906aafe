/* SPDX-License-Identifier: MIT */
/*
 * The zswap model: Linux 6.18 zswap semantics on per-slot state.
 *
 * Its input is its own small vocabulary, plain data that a caller builds
 * cheaply: a struct zswap_topology (swap slots, streams or tasks, the memcg
 * tree with its knobs) when the model is made, and a struct zswap_folio per
 * event: swap-out of a folio, swap-in, invalidate (zswap_swap_out() /
 * zswap_swap_in() / zswap_invalidate()).  The model knows nothing of trace
 * files or configs: sim/ builds these from trace records, and can build them
 * from anything else that swaps (a workload's reclaim).  Those follow the
 * kernel's swap_writeout() -> zswap_store(), swap_read_folio() -> zswap_load()
 * and zswap_invalidate() paths, with the kernel's counters.  Policies (limit
 * check, LRU, writeback) are vtables in models/policy/ selected by name; their
 * defaults reproduce the kernel.
 *
 * Time: the model never measures time.  It reads zs->now_ns (set by the engine
 * before each event, and by a timing backend after any blocking call) and tells
 * the timing backend what work it does through struct zswap_timing hooks.  With
 * the `none` backend the hooks are NULL and every event is atomic.  With the
 * `simgrid` backend a hook may block the calling actor, so concurrent stores of
 * different streams interleave page by page, as they do in the kernel.
 */
#ifndef ZSWAPSIM_ZSWAP_H
#define ZSWAPSIM_ZSWAP_H

#include <stddef.h>
#include <stdint.h>

#include "models/compressor.h"
#include "models/page.h"

struct zswap_limit_policy;
struct zswap_lru_policy;
struct zswap_wb_policy;

/* ---- input ----------------------------------------------------------------- */

/* Where the bytes of a swapped-out folio come from. */
enum zswap_content_kind {
	ZSWAP_CONTENT_PAGES = 0,  /* page-store pages: page i of the folio is page value + i
				     of the compressor's page store */
	ZSWAP_CONTENT_HINT,       /* no bytes: value is the compressed length of every page
				     (0: the codec fails; >= SIM_PAGE_SIZE: does not fit) */
	ZSWAP_CONTENT_LIST,       /* page-store pages, one index per page: page i of the
				     folio is list[i * stride] (a workload's pages, which
				     need not be consecutive in the store) */
};

struct zswap_content {
	uint32_t value;   /* page-store index of page 0, or the hinted length */
	uint8_t kind;     /* enum zswap_content_kind */
	uint8_t zero;     /* HINT: the folio is zero-filled (PAGES: the page store tells) */
	uint16_t stride;  /* LIST: uint32_t steps between pages' indices */
	const uint32_t *list;   /* LIST: page 0's index */
};

/* Page i's page-store index (PAGES and LIST content). */
static inline uint64_t zswap_content_page(const struct zswap_content *c, uint32_t i)
{
	return c->kind == ZSWAP_CONTENT_LIST ? c->list[(size_t)i * c->stride] : (uint64_t)c->value + i;
}

#define ZSWAP_FOLIO_READAHEAD 0x01u   /* swap-in issued by readahead, not by a fault */
#define ZSWAP_FOLIO_CLEAN     0x02u   /* swap-out without a write: reclaim dropped a clean
					 swap-cache folio whose data is still in its slots
					 (swap device or zeromap); counts nothing */

/* One event's folio: 2^order pages in consecutive swap slots. */
struct zswap_folio {
	uint32_t slot;                  /* first slot: the folio covers slot .. slot + 2^order - 1 */
	int32_t who;                    /* the stream or task doing it, 0 .. nwho - 1 */
	uint16_t memcg;                 /* swap-out: the memcg charged (index in the topology) */
	uint8_t order;
	uint8_t flags;                  /* ZSWAP_FOLIO_* */
	struct zswap_content content;   /* swap-out: the folio's bytes */
};

static inline uint32_t zswap_folio_nr_pages(const struct zswap_folio *f)
{
	return 1u << f->order;
}

#define ZSWAP_MAX_UNLIMITED UINT64_MAX
#define ZSWAP_MAX_MEMCGS    65535u      /* memcg indices fit in 16 bits */
/* Swap slots a run may have: 2^28 (1 TiB of swap in 4 KiB pages), decided up
 * front rather than found by allocation: per-slot state is 16 or 24 bytes
 * here (runtime.state_bytes_per_slot), 6 GiB at the limit, more with reclaim and
 * simgrid state.  A trace may declare up to 2^32 - 1 (docs/trace-format.md). */
#define ZSWAP_MAX_SLOTS     (1u << 28)

/* One memcg: its place in the tree and its zswap knobs. */
struct zswap_memcg_desc {
	const char *name;      /* for messages (used only by zswap_create()) */
	int32_t parent;        /* index of the parent memcg, -1 for a top-level one */
	uint64_t zswap_max;    /* memory.zswap.max in bytes; ZSWAP_MAX_UNLIMITED = "max" */
	int writeback;         /* memory.zswap.writeback (own knob; hierarchical in effect) */
};

/* What the model is sized for. */
struct zswap_topology {
	uint32_t nslots;                        /* swap slots 0 .. nslots - 1 */
	uint32_t nwho;                          /* streams or tasks */
	uint32_t nmemcg;                        /* 1 .. ZSWAP_MAX_MEMCGS */
	const struct zswap_memcg_desc *memcg;   /* nmemcg entries */
};

/* Global counters under their kernel names (debugfs zswap/ and vmstat),
 * then simulator-only ones prefixed sim_. */
#define ZSWAP_GLOBAL_COUNTERS(X) \
	X(pool_limit_hit) X(reject_reclaim_fail) X(reject_alloc_fail) \
	X(reject_kmemcache_fail) X(reject_compress_fail) X(reject_compress_poor) \
	X(decompress_fail) X(written_back_pages) X(pool_total_size) X(stored_pages) \
	X(stored_incompressible_pages) \
	X(zswpin) X(zswpout) X(zswpwb) X(pswpin) X(pswpout) X(swpin_zero) X(swpout_zero) \
	X(pool_total_size_peak) X(stored_pages_peak) \
	X(sim_swapout_folios) X(sim_stored_folios) X(sim_rejected_folios) \
	X(sim_reactivated_pages) X(sim_shrink_worker_runs) X(sim_shrinker_scans) \
	X(sim_compressed_bytes) X(sim_stored_bytes) X(sim_in_unknown_slot)

/* Per-memcg counters (memory.stat / memory.zswap.* names). */
#define ZSWAP_MEMCG_COUNTERS(X) \
	X(zswap) X(zswapped) X(zswpin) X(zswpout) X(zswpwb) \
	X(swpin_zero) X(swpout_zero) X(pswpin) X(pswpout) \
	X(zswap_peak) X(zswapped_peak) X(sim_reactivated_pages)

struct zswap_stats {
#define ZSWAP_X(name) uint64_t name;
	ZSWAP_GLOBAL_COUNTERS(ZSWAP_X)
#undef ZSWAP_X
};

struct zswap_memcg_stats {
#define ZSWAP_X(name) uint64_t name;
	ZSWAP_MEMCG_COUNTERS(ZSWAP_X)
#undef ZSWAP_X
};

struct zswap_config {
	int enabled;                        /* module param enabled */
	unsigned max_pool_percent;          /* 0..100, default 20 */
	unsigned accept_threshold_percent;  /* 0..100, default 90 */
	int shrinker_enabled;               /* default 0 */
	uint64_t total_ram_bytes;           /* totalram_pages() * PAGE_SIZE */
	unsigned zsmalloc_chain_size;       /* 1..16, default 8 */
	unsigned compress_batch;            /* pages compressed per call, 1..8 (1 = kernel) */
	unsigned page_cluster;              /* swap-in readahead window 2^page_cluster; 0 = off */
	unsigned decompress_batch;          /* readahead zswap pages decompressed per call */
	unsigned shrinker_every;            /* replay-driven reclaim: a shrinker pass every N
					       swapped-out pages of a memcg (0 = never) */
	unsigned shrinker_priority;         /* reclaim priority of those passes (DEF_PRIORITY 12) */
	int cgroup_v1;                      /* workload run under cgroup v1: no memcg zswap stats,
					       so the pressure shrinker counts nothing */
	/* Policies (models/policy/policy.h), NULL = the kernel's default, and
	 * their parameters as policy_parse_params() made them (NULL = the
	 * defaults); zswap_create() copies the parameters. */
	const struct zswap_limit_policy *limit_policy;  const void *limit_params;
	const struct zswap_lru_policy *lru_policy;      const void *lru_params;
	const struct zswap_wb_policy *wb_policy;        const void *wb_params;
};

/* Who does the work, for the timing backend: a stream or task (>= 0), the
 * shrink worker, or another negative id of the caller's (a workload run's
 * kswapd), which zswap passes on to its hooks as it is. */
#define ZSWAP_WHO_WORKER (-1)   /* the global shrink worker (kworker) */

/* Hooks to a timing backend.  Each may block (simgrid) and advance zs->now_ns.
 * lens[] are compressed lengths (4096 for raw pages). */
struct zswap_timing {
	void (*compress)(void *ctx, int who, int codec, const uint32_t *lens, unsigned n);
	void (*decompress)(void *ctx, int who, int codec, const uint32_t *lens, unsigned n);
	void (*disk_write)(void *ctx, int who, uint32_t slot, unsigned nr_pages);
	/* readahead: a neighbour read by readahead, not the faulting page */
	void (*disk_read)(void *ctx, int who, uint32_t slot, unsigned nr_pages, int readahead);
	void (*kick_shrink_worker)(void *ctx);   /* NULL: the engine runs it inline */
	/* zswap_next_due_timer() may have moved earlier (a list's head changed,
	 * under a time-driven writeback policy).  NULL: the engine does not sleep
	 * past idle firings. */
	void (*timer_moved)(void *ctx);
};

/*
 * What a workload run's reclaim model does around zswap (NULL members: a
 * swap-trace replay, where a trace says what reclaim did):
 *  - charge: obj_cgroup_charge_zswap() / uncharge of a memcg's compressed
 *    bytes (cgroup v2 charges them to memory.current);
 *  - wb_folio: zswap_writeback_entry()'s __read_swap_cache_async(): allocate
 *    and charge a swap-cache folio for the slot (may reclaim): 0, -ENOMEM
 *    (charge failed) or -EEXIST (the folio is in the swap cache already);
 *  - wb_written: the folio's write was submitted (ok) or, when the entry
 *    went away meanwhile, the writeback was abandoned (!ok).
 */
struct zswap_env {
	void (*charge)(void *ctx, unsigned memcg, int who, int64_t delta_bytes);
	int (*wb_folio)(void *ctx, uint32_t slot, int who);
	void (*wb_written)(void *ctx, uint32_t slot, int who, int ok);
};

enum zswap_out_result {
	ZSWAP_OUT_ZERO = 0,   /* whole folio zero: swap zeromap, swpout_zero */
	ZSWAP_OUT_STORED,     /* stored in zswap */
	ZSWAP_OUT_DISK,       /* rejected, written to the swap device */
	ZSWAP_OUT_ACTIVATED,  /* rejected, writeback disabled: stays resident */
};

enum zswap_in_result {
	ZSWAP_IN_ZERO = 0,    /* zeromap: zero-filled page */
	ZSWAP_IN_ZSWAP,       /* decompressed from zswap (entry freed) */
	ZSWAP_IN_DISK,        /* read from the swap device */
	ZSWAP_IN_ABSENT,      /* slot holds nothing (never swapped out, or reactivated) */
};

struct zswap;

/* comp may be NULL (hinted content only).  NULL with one line in err when
 * the config or the topology is bad or memory runs out. */
struct zswap *zswap_create(const struct zswap_config *cfg, const struct zswap_topology *topo,
			   struct compressor *comp, char *err, size_t errlen);
void zswap_destroy(struct zswap *zs);
void zswap_set_timing(struct zswap *zs, const struct zswap_timing *t, void *ctx);
void zswap_set_env(struct zswap *zs, const struct zswap_env *env, void *ctx);
void zswap_set_now(struct zswap *zs, uint64_t now_ns);
uint64_t zswap_now(const struct zswap *zs);

/* Events.  The folio lies inside the topology (slots, who, memcg): the
 * caller has checked it. */
enum zswap_out_result zswap_swap_out(struct zswap *zs, const struct zswap_folio *f);
/* The swap-outs of n <= ZSWAP_OUT_BATCH_MAX folios of one reclaimer
 * (batch.reclaim_folios): their pages share compression calls of
 * batch.compress pages.  res[k] gets folio k's result. */
#define ZSWAP_OUT_BATCH_MAX 64
void zswap_swap_out_batch(struct zswap *zs, const struct zswap_folio *f, unsigned n,
			  enum zswap_out_result *res);
/* The result says where the first page came from (zero map, zswap, the swap
 * device, or nowhere: a swap-cache hit). */
enum zswap_in_result zswap_swap_in(struct zswap *zs, const struct zswap_folio *f);
void zswap_invalidate(struct zswap *zs, const struct zswap_folio *f);

/* The global shrink worker: pending after a store failed while the pool was
 * full (queue_work() in zswap_store(); a pending item is not queued twice);
 * the engine (or the simgrid worker actor) runs it.  zswap_shrink_worker()
 * is one whole run.  An engine that runs the worker concurrently with the
 * stores calls zswap_shrink_worker_begin() (the item is dequeued: a failed
 * store from now on queues it again) and then zswap_shrink_worker_step(),
 * one iteration of shrink_worker()'s loop (one shrink_memcg(), or the end of
 * a memcg tree walk), until it returns 0; *examined is the number of LRU
 * entries the step looked at (0 or 1). */
int zswap_shrink_pending(const struct zswap *zs);
void zswap_shrink_worker(struct zswap *zs);
void zswap_shrink_worker_begin(struct zswap *zs);
int zswap_shrink_worker_step(struct zswap *zs, unsigned *examined);

/* shrink_slab() of one memcg at a reclaim priority, from a workload run's
 * reclaim: the pressure shrinker's count and scan when zswap.shrinker_enabled
 * (else nothing).  Returns the entries written back. */
uint64_t zswap_shrink_slab(struct zswap *zs, unsigned memcg, int priority, int who);

/* Periodic work of time-driven policies (proactive writeback); the engine
 * calls it when simulated time passes zswap_next_timer(). UINT64_MAX = none. */
uint64_t zswap_next_timer(const struct zswap *zs);
void zswap_timer(struct zswap *zs);
/* The caller guarantees no event before until: skip the timer firings up to
 * until that would do nothing (the policy counts them as done). */
void zswap_skip_idle_timers(struct zswap *zs, uint64_t until);
/* False when the writeback policy has no time-driven work: then, for the
 * whole run, zswap_next_timer() is UINT64_MAX and zswap_skip_idle_timers()
 * does nothing, so an engine may leave both out of its per-event loop. */
int zswap_has_timers(const struct zswap *zs);
/* For an engine whose events interleave with the timer (simgrid): the earliest
 * firing that can do work as the state is now (>= zswap_next_timer()), and,
 * having slept until then with every timing hook timer_moved() heeded, count
 * the firings at or before until as done without running them. */
uint64_t zswap_next_due_timer(const struct zswap *zs);
void zswap_skip_known_idle_timers(struct zswap *zs, uint64_t until);

const struct zswap_stats *zswap_stats(const struct zswap *zs);
const struct zswap_memcg_stats *zswap_memcg_stats(const struct zswap *zs, unsigned memcg);
unsigned zswap_memcg_count(const struct zswap *zs);

/* Add policy-specific results (e.g. stats.limit) to a jansson object. */
void zswap_report_policies(const struct zswap *zs, void *json_stats);

/* Check the model's invariants; returns 0 or -EFAULT with a reason.  Called
 * after every event when built with ZSWAPSIM_DEBUG_INVARIANTS. */
int zswap_check_invariants(const struct zswap *zs, char *reason, size_t len);
/* The slot holds a page's data: the zeromap, a zswap entry or the swap
 * device (checks of a swap layer's user against it). */
int zswap_slot_has_data(const struct zswap *zs, uint32_t slot);

/* Prefetch a slot's state ahead of an event on it (a hint, no effect). */
void zswap_prefetch(const struct zswap *zs, uint32_t slot);
/* The same in stages, for an engine that knows its next events: stage 1
 * the nr slot entries from slot; later (once they are likely cached) stage 2
 * the LRU ring positions and zspages their entries point to, stage 3 the zspage's
 * list neighbours.  Hints only: the model's state is never changed. */
void zswap_prefetch_slots(const struct zswap *zs, uint32_t slot, uint32_t nr);
void zswap_prefetch_state(const struct zswap *zs, uint32_t slot, uint32_t nr, int stage);
/* Once every ZSWAP_PREFETCH_LRU_EVERY events: run ahead of the next
 * writeback walk along the LRU list of the memcg the shrink worker visits
 * next, two ring positions per event (hint state only).  Every event cost
 * about 48 instructions for what is mostly a look at cursors that are
 * already ahead. */
#define ZSWAP_PREFETCH_LRU_EVERY 4
void zswap_prefetch_lru(struct zswap *zs);

/* Fault in the memory of nr slot entries from slot (hugemem_populate()):
 * the slot array is zeroed memory mapped on first touch, and an engine
 * that knows its records can have another thread take that cost out of
 * the replay.  Safe while the model runs on another thread (it changes no
 * byte); 0 or -errno. */
int zswap_prefault_slots(struct zswap *zs, uint32_t slot, uint32_t nr);

/* Bytes of simulator state per tracked swap slot (for make bench): the
 * 16-byte entry, and 8 more where the run keeps store times (a policy reads
 * them, or a timing or environment hook is attached).  The LRU rings add 4
 * bytes per ring position (zswap_lru_ring_bytes()). */
size_t zswap_bytes_per_slot(const struct zswap *zs);
/* Bytes the LRU rings take now, over every memcg. */
uint64_t zswap_lru_ring_bytes(const struct zswap *zs);
/* An LRU ring could not grow (out of memory): the model's lists are
 * incomplete and the run must fail. */
int zswap_failed(const struct zswap *zs);

#endif
