/* SPDX-License-Identifier: MIT */
/*
 * LRU policy "cold-first": write back the entry stored longest ago among
 * those not re-stored recently.  An entry is "re-stored recently" when its
 * slot held an earlier zswap entry (the page came back and was swapped out
 * again: it is in use) and this store is less than age_ns old.  Such entries
 * are protected: a walk that meets one at the head rotates it to the tail
 * (budget consumed, as the kernel's second chance) and keeps its protection
 * until it is age_ns old; every other entry is written back at once, oldest
 * store first.  New entries go to the tail.  age_ns = 0 protects nothing
 * (fifo).
 *
 * The idea is the cold-age threshold of Google's software-defined far memory
 * (Lagar-Cavilla et al., ASPLOS'19: only pages idle longer than a threshold
 * are compressed), applied to writeback from zswap to disk.
 */
#include <stddef.h>
#include <jansson.h>

#include "models/zswap_internal.h"

struct cold_first {
	int64_t age_ns;         /* protection of a re-stored entry */
	uint64_t nprotected;    /* re-stored entries given protection */
	uint64_t spared;        /* walk looks that spared a protected entry */
};

static const struct policy_param cold_first_params[] = {
	{ "age_ns", PP_INT, 1e9, 0, 9.2e18, offsetof(struct cold_first, age_ns),
	  "ns a re-stored entry is protected from writeback after its store (0 = none: fifo)" },
};

static void cold_first_stored(struct zswap *zs, void *state, struct zswap_memcg *mc,
			      uint32_t slot, uint64_t prev_store_ns)
{
	struct cold_first *c = state;

	/* ZSWAP_S_REF marks a re-stored (hot) entry here. */
	if (prev_store_ns && c->age_ns) {
		zs->slots[slot].state |= ZSWAP_S_REF;
		c->nprotected++;
	}
	zswap_lru_link_tail(zs, mc, slot);
}

static enum zswap_lru_verdict cold_first_examine(struct zswap *zs, void *state,
						 struct zswap_memcg *mc, uint32_t slot)
{
	struct cold_first *c = state;
	struct zswap_slot *s = &zs->slots[slot];

	(void)mc;
	if (!(s->state & ZSWAP_S_REF))
		return ZSWAP_LRU_WRITEBACK;
	if (zs->now_ns >= s->store_ns && zs->now_ns - s->store_ns >= (uint64_t)c->age_ns) {
		s->state &= (uint8_t)~ZSWAP_S_REF;    /* cold now */
		return ZSWAP_LRU_WRITEBACK;
	}
	c->spared++;
	return ZSWAP_LRU_ROTATE;
}

static void cold_first_report(const struct zswap *zs, const void *state, void *json_obj)
{
	const struct cold_first *c = state;

	(void)zs;
	json_object_set_new(json_obj, "protected_entries", json_integer((json_int_t)c->nprotected));
	json_object_set_new(json_obj, "spared_looks", json_integer((json_int_t)c->spared));
}

const struct zswap_lru_policy lru_cold_first = {
	.c = {
		.name = "cold-first",
		.desc = "write back the oldest entry among those not re-stored within age_ns (re-stored entries are protected until age_ns old)",
		.params = cold_first_params,
		.nparams = sizeof(cold_first_params) / sizeof(cold_first_params[0]),
		.state_size = sizeof(struct cold_first),
		.report = cold_first_report,
	},
	.stored = cold_first_stored,
	.examine = cold_first_examine,
};
