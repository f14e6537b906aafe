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
 * the config's policy object into the policy's private state struct (zeroed,
 * defaults filled, then overridden) once, when the config is loaded, rejects
 * unknown keys by name, and checks types and ranges; each model gets its own
 * copy.  `zswapsim policies` prints the same table.
 *
 * What a hook may touch.  Hooks receive a handle to the model (struct zswap)
 * and, where it matters, to a memcg (struct zswap_memcg), both opaque here: a
 * policy file includes this header only, never models/zswap_internal.h, so it
 * cannot write a field of the model.  It reads the model and acts on it
 * through the core's functions below, grouped by who may call them:
 *
 *   everyone     the clock, memcgs and their writeback setting, LRU order and
 *                entries' store times (read only)
 *   limit        the kernel's admission checks, and room making for folio
 *                admission policies (each counts what the kernel counts)
 *   lru          the per-memcg list order and the entries' referenced bit,
 *                which the LRU policy owns
 *   writeback    the shrink worker, the pressure shrinker, writeback of a
 *                chosen entry, submission batching, memory.zswap.writeback
 *
 * The mechanisms (limits, the shrink worker, the pressure shrinker, writeback)
 * live in the core (models/zswap*.c); no policy file exports anything but its
 * vtable.  Hot-path hooks do no allocation and no I/O.
 */
#ifndef ZSWAPSIM_POLICY_H
#define ZSWAPSIM_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "models/page.h"
#include "models/zswap.h"

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
	/* Nonzero if the policy reads when entries were stored
	 * (zswap_entry_stored_ns(), an LRU stored() hook's prev_store_ns): the
	 * model keeps store times only for such runs. */
	int store_times;
	/* Cross-parameter validation after parsing; NULL if none. */
	int (*check)(void *state, char *err, size_t errlen);
	/* Once, after zswap_create() built the model (NULL = nothing): size
	 * per-memcg tables (zswap_memcg_count()), turn writeback off, set the
	 * writeback batch...  Allocations made here are freed by detach. */
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
	 * The policy links it into mc's list (zswap_lru_add(),
	 * zswap_lru_link_before()) and may set the referenced bit.  prev_store_ns is the
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
	/* Account, without running them, timer firings at or before until, so
	 * an idle stretch costs O(1), not one call per period.  known_idle = 0:
	 * nothing changes the state before until (the none engine knows its next
	 * event), skip the firings that the current state says would change
	 * nothing; known_idle = 1: the engine saw every change of the state that
	 * could make a firing do work (timing hook timer_moved) and none did, so
	 * skip them all.  NULL = none skipped. */
	void (*skip_idle)(struct zswap *zs, void *st, uint64_t until, int known_idle);
	/* The earliest firing, at or after next_timer(), that can change the
	 * state as the state is now (UINT64_MAX: none); NULL = next_timer(). */
	uint64_t (*next_due)(const struct zswap *zs, const void *st);
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

/* ---- the core, for every hook (read only) ---------------------------------- */

/* zswap_now(), zswap_memcg_count() and ZSWAP_WHO_WORKER: models/zswap.h. */
#define ZSWAP_NIL UINT32_MAX        /* no slot: the end of an LRU list */

struct zswap_memcg *zswap_memcg(struct zswap *zs, unsigned idx);
unsigned zswap_memcg_index(const struct zswap_memcg *mc);
/* mem_cgroup_zswap_writeback_enabled(): the memcg's and its ancestors'
 * memory.zswap.writeback all allow it. */
int zswap_memcg_writeback_enabled(const struct zswap_memcg *mc);
/* The memcg's LRU list: its first (oldest end) entry or ZSWAP_NIL, the entry
 * after slot, and the length. */
uint32_t zswap_lru_first(const struct zswap_memcg *mc);
uint32_t zswap_lru_next(const struct zswap *zs, uint32_t slot);
uint64_t zswap_lru_length(const struct zswap_memcg *mc);
/* When the entry of slot was stored. */
uint64_t zswap_entry_stored_ns(const struct zswap *zs, uint32_t slot);
/* zswap_pool_reached_full: the global limit's sticky full state. */
int zswap_pool_is_full(const struct zswap *zs);
/* The zswap.shrinker_enabled module parameter. */
int zswap_shrinker_enabled(const struct zswap *zs);

/* ---- limit policies ------------------------------------------------------- */

/* The kernel's admission check (zswap_store(); "folio-once" applies it once
 * per folio, "per-page" before every page): over memcg zswap.max, write one
 * entry of the memcg back and go on only if one went; then the global limit
 * with its hysteresis (zswap_check_limits(), counting pool_limit_hit).
 * 0 = admit, -1 = reject. */
int zswap_limit_check_kernel(struct zswap *zs, struct zswap_memcg *mc, int who);
/* The same as an admit_folio hook ("folio-once", the default). */
int zswap_limit_admit_kernel(struct zswap *zs, void *st, struct zswap_memcg *mc,
			     uint32_t nr_pages, int who);
/* For policies that admit a folio by its expected size.  memcg: make room
 * for extra_bytes in mc and its ancestors with up to tries shrink_memcg()
 * writebacks.  pool: the global limit with hysteresis, then extra_pages more
 * pool pages; a miss counts pool_limit_hit and sets the full state, as
 * zswap_check_limits() does.  0 if the folio fits, else -1. */
int zswap_memcg_make_room(struct zswap *zs, struct zswap_memcg *mc, uint64_t extra_bytes,
			  uint32_t tries, int who);
int zswap_pool_make_room(struct zswap *zs, uint64_t extra_pages);

/* ---- LRU policies: list order and the referenced bit ----------------------- */

/* zswap_lru_add(): a new entry at the tail of mc's list, with its
 * referenced bit set or not. */
void zswap_lru_add(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot, int referenced);
/* The kernel LRU's stored hook: zswap_lru_add() with entry->referenced =
 * true.  The store runs it inline when a policy names it (zswap.c). */
void zswap_lru_stored_referenced(struct zswap *zs, void *st, struct zswap_memcg *mc,
				 uint32_t slot, uint64_t prev_store_ns);
void zswap_lru_link_tail(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot);
/* Link slot in front of `before` (ZSWAP_NIL = at the tail). */
void zswap_lru_link_before(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot,
			   uint32_t before);
void zswap_lru_unlink(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot);
/* The entry's referenced bit (entry->referenced): the LRU policy's to use. */
int zswap_entry_referenced(const struct zswap *zs, uint32_t slot);
void zswap_entry_set_referenced(struct zswap *zs, uint32_t slot, int referenced);
/* Clear the bit; was it set?  (A second-chance walk's test.) */
int zswap_entry_clear_referenced(struct zswap *zs, uint32_t slot);
/* The kernel's examine, for an LRU policy to plug in as it is
 * (shrink_memcg_cb()'s second chance): a referenced entry loses the bit and
 * is rotated, an unreferenced one written back.  A walk runs it inline
 * instead of calling it, once for every entry it looks at. */
enum zswap_lru_verdict zswap_lru_kernel_examine(struct zswap *zs, void *st,
						struct zswap_memcg *mc, uint32_t slot);

/* ---- writeback policies ---------------------------------------------------- */

/* The kernel's hooks, for a writeback policy to plug in as they are.
 * store_failed: queue the shrink worker if the pool is full (zswap_store()).
 * swapped_out: with zswap.shrinker_enabled, the replayed reclaim pass of the
 * pressure shrinker (zswap_shrinker_replay()). */
void zswap_wb_kernel_store_failed(struct zswap *zs, void *st);
void zswap_wb_kernel_swapped_out(struct zswap *zs, void *st, struct zswap_memcg *mc,
				 uint32_t nr_pages, int who);
/* An attach for a policy whose state starts with its int64_t `batch`
 * parameter (POLICY_PARAM_WB_BATCH): applies it with zswap_set_wb_batch(). */
int zswap_wb_attach_batch(struct zswap *zs, void *st, char *err, size_t errlen);
/* Reclaim replayed from swap-outs (a swap trace has no reclaim events): one
 * pass of the pressure shrinker (zswap_shrinker_count() / _scan() under the
 * do_shrink_slab() arithmetic) at shrinker.priority per shrinker.every pages
 * mc swaps out; none when shrinker.every is 0. */
void zswap_shrinker_replay(struct zswap *zs, struct zswap_memcg *mc, uint32_t nr_pages,
			   int who);
/* shrink_memcg_cb() on a chosen entry: move it to the tail of its list,
 * write it back, count written_back_pages or reject_reclaim_fail.  0 or a
 * negative errno (-ENOENT: no entry there). */
int zswap_lru_writeback_one(struct zswap *zs, uint32_t slot, int who);
/* Submit the writes queued by writebacks to the swap device. */
void zswap_wb_flush(struct zswap *zs);
/* Entries written back per swap-device submission (>= 1; the kernel: 1). */
void zswap_set_wb_batch(struct zswap *zs, unsigned batch);
/* Set memory.zswap.writeback of every memcg. */
void zswap_set_writeback_all(struct zswap *zs, int enabled);

/* The `batch` parameter of a writeback policy whose state has an int64_t
 * field for it (attach applies it with zswap_set_wb_batch()). */
#define POLICY_PARAM_WB_BATCH(type, field) \
	{ "batch", PP_INT, 1, 1, 512, offsetof(type, field), \
	  "entries written back per swap-device submission (1 = kernel: one bio per folio)" }

#endif
