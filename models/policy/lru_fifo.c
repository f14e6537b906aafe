/* SPDX-License-Identifier: MIT */
/*
 * LRU policy "fifo": the kernel's list without the referenced bit (zswap
 * before 6.12 had no second chance either).  New entries go to the tail,
 * loads and invalidations unlink them, and a writeback walk writes back
 * whatever entry is at the head: the one stored longest ago.
 */
#include "models/policy/policy.h"

struct lru_fifo { int unused; };

static void lru_fifo_stored(struct zswap *zs, void *st, struct zswap_memcg *mc,
			    uint32_t slot, uint64_t prev_store_ns)
{
	(void)st;
	(void)prev_store_ns;
	zswap_lru_add(zs, mc, slot, 0);
}

static enum zswap_lru_verdict lru_fifo_examine(struct zswap *zs, void *st,
					       struct zswap_memcg *mc, uint32_t slot)
{
	(void)zs;
	(void)st;
	(void)mc;
	(void)slot;
	return ZSWAP_LRU_WRITEBACK;
}

const struct zswap_lru_policy lru_fifo = {
	.c = {
		.name = "fifo",
		.desc = "per-memcg list in store order, no referenced bit: a walk writes back the head (oldest store) at once",
		.params = NULL,
		.nparams = 0,
		.state_size = sizeof(struct lru_fifo),
	},
	.stored = lru_fifo_stored,
	.examine = lru_fifo_examine,
};
