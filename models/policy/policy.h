/* SPDX-License-Identifier: MIT */
/*
 * Pluggable zswap policies: three families of small vtables registered by name
 * (design §2.5).  The store / load / writeback paths of models/zswap*.c call
 * through them; the kernel's behaviour is the default of each family:
 *
 *   limit      when may a folio enter zswap      default "folio-once"
 *   lru        which entry does writeback take   default "kernel" (second chance)
 *   writeback  when does writeback run           default "pool-limit"
 *
 * Adding a policy = one file in models/policy/ defining a const struct of the
 * family's type, plus one line in registry.c.  A policy's parameters are a
 * table of struct policy_param; the generic parser (policy_parse_params) turns
 * the JSON text of the config into the policy's private state struct (zeroed,
 * defaults filled, then overridden), rejects unknown keys by name, and checks
 * types and ranges.  `zswapsim policies` prints the same table.
 *
 * Hooks receive the model (struct zswap, see models/zswap_internal.h) and the
 * policy's state; they may use the core helpers declared there
 * (zswap_memcg_may_zswap, zswap_check_limits, zswap_shrink_memcg, ...).
 * Hot-path hooks do no allocation and no I/O.
 */
#ifndef ZSWAPSIM_POLICY_H
#define ZSWAPSIM_POLICY_H

#include <stddef.h>
#include <stdint.h>

struct zswap;
struct zswap_memcg;
struct json_t;

enum policy_param_type {
	PP_INT,      /* int64_t in the state struct */
	PP_DOUBLE,   /* double */
	PP_BOOL,     /* int (0/1) */
};

struct policy_param {
	const char *name;
	enum policy_param_type type;
	double def, min, max;   /* default and inclusive range */
	size_t offset;          /* offsetof(state struct, field) */
	const char *help;       /* one line, with unit */
};

/* What every policy has, whatever its family. */
struct policy_common {
	const char *name;
	const char *desc;                      /* one line */
	const struct policy_param *params;     /* nparams entries */
	unsigned nparams;
	size_t state_size;                     /* private state, >= 1 */
	/* Cross-parameter validation after parsing; NULL if none. */
	int (*check)(void *state, char *err, size_t errlen);
	/* Once, after zswap_create() built the model (NULL = nothing): size
	 * per-memcg or per-stream tables (zs->nmemcg, zs->lim.nstreams), turn
	 * writeback off, set zs->wb_batch...  Allocations made here are freed
	 * by detach. */
	int (*attach)(struct zswap *zs, void *state, char *err, size_t errlen);
	void (*detach)(struct zswap *zs, void *state);
	/* Policy-specific results, added to the json object (a json_t *) of
	 * stats.policy.results.<family> (NULL = none). */
	void (*report)(const struct zswap *zs, const void *state, void *json_obj);
};

/* ---- limit family: may this folio (page) be stored? ---------------------- */
struct zswap_limit_policy {
	struct policy_common c;
	/* Required.  Once per folio, before any compression.  0 = go on, nonzero = reject
	 * the folio.  Kernel: memcg zswap.max (shrink_memcg on excess), then the
	 * global zswap_check_limits(). */
	int (*admit_folio)(struct zswap *zs, void *st, struct zswap_memcg *mc,
			   uint32_t nr_pages, int who);
	/* Before compressing page `index` of the folio (NULL = no per-page check).
	 * Nonzero aborts the folio; pages already compressed are discarded. */
	int (*admit_page)(struct zswap *zs, void *st, struct zswap_memcg *mc,
			  uint32_t index, uint32_t nr_pages, int who);
	/* After a whole folio was stored (NULL = nothing): e.g. a running
	 * compression-ratio estimate.  comp_bytes = sum of stored lengths. */
	void (*stored)(struct zswap *zs, void *st, struct zswap_memcg *mc,
		       uint32_t nr_pages, uint64_t comp_bytes);
};

/* ---- LRU family: order of the per-memcg lists, choice of victims --------- */
enum zswap_lru_verdict {
	ZSWAP_LRU_WRITEBACK = 0,  /* write this entry back now (core moves it to the tail first) */
	ZSWAP_LRU_ROTATE,         /* spare it: core moves it to the tail; walk budget consumed */
	ZSWAP_LRU_KEEP,           /* spare it: the policy already repositioned it; budget consumed */
};

struct zswap_lru_policy {
	struct policy_common c;
	/* Required.  A new entry was published for slot (called last, as zswap_lru_add()).
	 * The policy links it into mc's list with zswap_lru_link_tail() or
	 * zswap_lru_link_before() and may set ZSWAP_S_REF.  prev_store_ns is the
	 * store time of the slot's previous entry (0 if none). */
	void (*stored)(struct zswap *zs, void *st, struct zswap_memcg *mc, uint32_t slot,
		       uint64_t prev_store_ns);
	/* Required.  A writeback walk reached slot at the head of its list (or
	 * the entry pick() chose). */
	enum zswap_lru_verdict (*examine)(struct zswap *zs, void *st, struct zswap_memcg *mc,
					  uint32_t slot);
	/* Optional (NULL = the head).  The entry of mc's non-empty list the
	 * walk looks at next, for policies that skip entries without spending
	 * walk budget on them (cold-first).  Bounded work, no allocation. */
	uint32_t (*pick)(struct zswap *zs, void *st, struct zswap_memcg *mc);
};

/* ---- writeback family: when to write back --------------------------------- */
struct zswap_wb_policy {
	struct policy_common c;
	/* A folio store failed (kernel: kick shrink_worker if the pool is full).
	 * NULL = nothing.  Every other hook of this family is optional too. */
	void (*store_failed)(struct zswap *zs, void *st);
	/* nr pages of memcg mc were swapped out by stream who (any outcome):
	 * the replay-driven reclaim pass of the pressure shrinker. NULL = none. */
	void (*swapped_out)(struct zswap *zs, void *st, struct zswap_memcg *mc,
			    uint32_t nr_pages, int who);
	/* Time-driven work (NULL = none). */
	uint64_t (*next_timer)(const struct zswap *zs, const void *st);
	void (*timer)(struct zswap *zs, void *st);
};

/* Registries (registry.c), NULL-terminated. */
extern const struct zswap_limit_policy *const zswap_limit_policies[];
extern const struct zswap_lru_policy *const zswap_lru_policies[];
extern const struct zswap_wb_policy *const zswap_wb_policies[];

#define POLICY_DEFAULT_LIMIT "folio-once"
#define POLICY_DEFAULT_LRU   "kernel"
#define POLICY_DEFAULT_WB    "pool-limit"

const struct zswap_limit_policy *policy_find_limit(const char *name);
const struct zswap_lru_policy *policy_find_lru(const char *name);
const struct zswap_wb_policy *policy_find_wb(const char *name);

/* Comma-separated names of a family ("limit", "lru", "writeback"), for errors. */
void policy_family_names(const char *family, char *buf, size_t len);

/* A policy of a family ("limit", "lru", "writeback") by name, NULL if none;
 * the pointer is the vtable's first member (c). */
const struct policy_common *policy_find(const char *family, const char *name);

/* Allocate the state of policy c and fill it from params (NULL = defaults; a
 * JSON object whose "name" key is ignored): zeroed, defaults filled, then
 * overridden.  Returns 0 or -EINVAL/-ENOMEM with one line in err naming the
 * policy and the parameter.  The caller frees *state with free().  Done once,
 * when the config is loaded. */
int policy_parse_params(const struct policy_common *c, const char *family,
			const struct json_t *params, void **state, char *err, size_t errlen);

/* A model's own copy of parameters made by policy_parse_params() (NULL: the
 * defaults).  0 or -ENOMEM with err. */
int policy_state_new(const struct policy_common *c, const char *family, const void *params,
		     void **state, char *err, size_t errlen);

/* The pressure shrinker (wb_shrinker.c): zswap_shrinker_count() /
 * zswap_shrinker_scan() of mm/zswap.c and the do_shrink_slab() arithmetic of
 * mm/shrinker.c for one memcg at one reclaim priority.  Returns the number of
 * entries written back. */
#define ZSWAP_SHRINK_BATCH   128u   /* SHRINK_BATCH (shrinker->batch = 0) */
#define ZSWAP_DEFAULT_SEEKS  2u     /* DEFAULT_SEEKS */
#define ZSWAP_SHRINK_STOP    (~0ul) /* SHRINK_STOP */
unsigned long zswap_shrinker_count(struct zswap *zs, struct zswap_memcg *mc);
unsigned long zswap_shrinker_scan(struct zswap *zs, struct zswap_memcg *mc,
				  unsigned long nr_to_scan, int who);
unsigned long zswap_shrinker_pass(struct zswap *zs, struct zswap_memcg *mc,
				  unsigned priority, int who);
/* Replayed reclaim: memcg mc swapped out nr_pages; one zswap_shrinker_pass()
 * at shrinker.priority per shrinker.every pages (none when that is 0). */
void zswap_shrinker_replay(struct zswap *zs, struct zswap_memcg *mc, uint32_t nr_pages,
			   int who);

/* The kernel's admission check (zswap_store(), "folio-once" applies it once
 * per folio, "per-page" before every page): over memcg zswap.max, write one
 * entry of the memcg back and go on only if one went; then the global limit
 * with its hysteresis (zswap_check_limits()).  0 = admit, -1 = reject. */
int limit_kernel_check(struct zswap *zs, struct zswap_memcg *mc, int who);

/* The room checks of "batch-uncompressed" (limit_batch_uncompressed.c), which
 * "batch-estimate" applies to its estimate.  memcg: make room for extra bytes
 * in mc and its ancestors with up to tries shrink_memcg() writebacks; pool:
 * the global limit with hysteresis, then extra_pages more pool pages (a miss
 * sets the full state, pool_limit_hit).  0 if the folio fits, else -1. */
int limit_batch_memcg_room(struct zswap *zs, struct zswap_memcg *mc, uint64_t extra,
			   uint32_t tries, int who);
int limit_batch_pool_room(struct zswap *zs, uint64_t extra_pages);

/* The store hook of "kernel" (lru_kernel.c), which "lru" shares: the new
 * entry goes to the tail with the referenced bit set. */
void lru_kernel_stored(struct zswap *zs, void *st, struct zswap_memcg *mc, uint32_t slot,
		       uint64_t prev_store_ns);

/* Hooks of "pool-limit" (wb_pool_limit.c) that the writeback policies built
 * on the kernel's behaviour reuse: a failed store queues the shrink worker if
 * the pool is full; swapped-out pages drive zswap_shrinker_replay() when
 * zswap.shrinker_enabled.  "shrinker" also shares its state and parameter
 * (`batch`, entries per swap-device submission), which attach applies. */
struct wb_pool_limit_state {
	int64_t batch;
};
extern const struct policy_param wb_pool_limit_params[1];
int wb_pool_limit_attach(struct zswap *zs, void *st, char *err, size_t errlen);
void wb_pool_limit_store_failed(struct zswap *zs, void *st);
void wb_pool_limit_swapped_out(struct zswap *zs, void *st, struct zswap_memcg *mc,
			       uint32_t nr_pages, int who);

#endif
