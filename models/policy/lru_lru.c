/* SPDX-License-Identifier: MIT */
/*
 * LRU policy "lru": the list is kept in order of each entry's last store time
 * (a swapped-out page was last used when it was stored; zswap loads free the
 * entry, so a store is the only "access" an entry sees).  New entries go to
 * the tail with the referenced bit set, as in the kernel.  Where the kernel's
 * second chance would rotate a referenced entry to the tail, giving it a full
 * extra lap of the list, lru clears the bit and moves the entry to the place
 * its store time gives it: behind every entry stored earlier.  The walk's
 * budget is consumed (as for a rotation), but the entry keeps its age: it is
 * the next victim unless an older one is found.
 *
 * Entries only leave store order when a writeback fails (the core has moved
 * the candidate to the tail); the reinsertion walks from the head past the
 * older entries, so it costs nothing while the list is in order.
 */
#include "models/policy/policy.h"

struct lru_lru { int unused; };

/* New entries: at the tail, referenced, as the kernel's. */
static void lru_lru_stored(struct zswap *zs, void *st, struct zswap_memcg *mc, uint32_t slot,
			   uint64_t prev_store_ns)
{
	(void)st;
	(void)prev_store_ns;
	zswap_lru_add(zs, mc, slot, 1);
}

/* Move slot (the head) behind the entries stored before it. */
static void lru_lru_reposition(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot)
{
	uint64_t t = zswap_entry_stored_ns(zs, slot);
	uint32_t before = zswap_lru_next(zs, slot);

	while (before != ZSWAP_NIL && zswap_entry_stored_ns(zs, before) < t)
		before = zswap_lru_next(zs, before);
	if (before == zswap_lru_next(zs, slot))
		return;                 /* already in place */
	zswap_lru_unlink(zs, mc, slot);
	zswap_lru_link_before(zs, mc, slot, before);
}

static enum zswap_lru_verdict lru_lru_examine(struct zswap *zs, void *st,
					      struct zswap_memcg *mc, uint32_t slot)
{
	(void)st;
	if (!zswap_entry_clear_referenced(zs, slot))
		return ZSWAP_LRU_WRITEBACK;
	lru_lru_reposition(zs, mc, slot);
	return ZSWAP_LRU_KEEP;
}

const struct zswap_lru_policy lru_lru = {
	.c = {
		.name = "lru",
		.desc = "list ordered by last store time: a referenced entry is moved by its store time instead of to the tail (no extra lap)",
		.params = NULL,
		.nparams = 0,
		.state_size = sizeof(struct lru_lru),
		.store_times = 1,
	},
	.stored = lru_lru_stored,
	.examine = lru_lru_examine,
};
