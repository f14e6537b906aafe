/* SPDX-License-Identifier: MIT */
/*
 * LRU policy "kernel" (6.12+): new entries at the tail with the referenced
 * bit set; a writeback walk clears the bit of a referenced entry and rotates
 * it (second chance), writing it back only when it reaches the head again.
 */
#include "models/zswap_internal.h"

struct lru_kernel { int unused; };

void lru_kernel_stored(struct zswap *zs, void *st, struct zswap_memcg *mc,
		       uint32_t slot, uint64_t prev_store_ns)
{
	(void)st;
	(void)prev_store_ns;
	zs->slots[slot].state |= ZSWAP_S_REF;
	zswap_lru_link_tail(zs, mc, slot);
}

static enum zswap_lru_verdict lru_kernel_examine(struct zswap *zs, void *st,
						 struct zswap_memcg *mc, uint32_t slot)
{
	struct zswap_slot *s = &zs->slots[slot];

	(void)st;
	(void)mc;
	if (s->state & ZSWAP_S_REF) {
		s->state &= (uint8_t)~ZSWAP_S_REF;
		return ZSWAP_LRU_ROTATE;
	}
	return ZSWAP_LRU_WRITEBACK;
}

const struct zswap_lru_policy lru_kernel = {
	.c = {
		.name = "kernel",
		.desc = "kernel 6.12+: per-memcg LRU, second chance through the referenced bit set at store",
		.params = NULL,
		.nparams = 0,
		.state_size = sizeof(struct lru_kernel),
	},
	.stored = lru_kernel_stored,
	.examine = lru_kernel_examine,
};
