/* SPDX-License-Identifier: MIT */
/*
 * LRU policy "cold-first": write back the entry stored longest ago among
 * those not re-stored recently.  An entry is "re-stored recently" when its
 * slot held an earlier zswap entry (the page came back and was swapped out
 * again: it is in use) and this store is less than age_ns old; such entries
 * are protected.  New entries go to the tail, so the list is in store order;
 * a writeback walk looks at the first unprotected entry from the head,
 * skipping protected ones without spending walk budget on them (at most
 * `scan` of them per look), and writes it back.  If the first `scan` entries
 * are all protected, the head is rotated to the tail (budget consumed, as the
 * kernel's second chance).  age_ns = 0 protects nothing (fifo).
 *
 * The idea is the cold-age threshold of Google's software-defined far memory
 * (Lagar-Cavilla et al., ASPLOS'19: only pages idle longer than a threshold
 * are compressed), applied to writeback from zswap to disk.
 */
#include <stddef.h>
#include <jansson.h>

#include "models/policy/policy.h"

struct cold_first {
	int64_t age_ns;         /* protection of a re-stored entry */
	int64_t scan;           /* protected entries skipped per look, at most */
	uint64_t nprotected;    /* re-stored entries given protection */
	uint64_t skipped;       /* protected entries skipped by looks */
	uint64_t rotated;       /* looks that found only protected entries */
};

static const struct policy_param cold_first_params[] = {
	{ "age_ns", PP_INT, 1e9, 0, 9.2e18, offsetof(struct cold_first, age_ns),
	  "ns a re-stored entry is protected from writeback after its store (0 = none: fifo)" },
	{ "scan", PP_INT, 64, 0, 1e6, offsetof(struct cold_first, scan),
	  "protected entries a look may skip to reach an unprotected one (bounds the work per look)" },
};

static void cold_first_stored(struct zswap *zs, void *state, struct zswap_memcg *mc,
			      uint32_t slot, uint64_t prev_store_ns)
{
	struct cold_first *c = state;

	/* The referenced bit marks a protected (re-stored) entry here. */
	int protect = prev_store_ns && c->age_ns;

	c->nprotected += (uint64_t)protect;
	zswap_lru_add(zs, mc, slot, protect);
}

/* Still protected?  Drops the mark of an entry that aged out. */
static int cold_first_protected(struct zswap *zs, const struct cold_first *c, uint32_t slot)
{
	uint64_t now = zswap_now(zs), stored = zswap_entry_stored_ns(zs, slot);

	if (!zswap_entry_referenced(zs, slot))
		return 0;
	if (now >= stored && now - stored >= (uint64_t)c->age_ns) {
		zswap_entry_set_referenced(zs, slot, 0);
		return 0;
	}
	return 1;
}

static uint32_t cold_first_pick(struct zswap *zs, void *state, struct zswap_memcg *mc)
{
	struct cold_first *c = state;
	uint32_t slot = zswap_lru_first(mc);

	for (int64_t n = 0; slot != ZSWAP_NIL; n++) {
		if (!cold_first_protected(zs, c, slot))
			return slot;
		if (n == c->scan)
			break;
		c->skipped++;
		slot = zswap_lru_next(zs, slot);
	}
	return zswap_lru_first(mc);      /* only protected entries in reach: examine rotates it */
}

static enum zswap_lru_verdict cold_first_examine(struct zswap *zs, void *state,
						 struct zswap_memcg *mc, uint32_t slot)
{
	struct cold_first *c = state;

	(void)mc;
	if (!cold_first_protected(zs, c, slot))
		return ZSWAP_LRU_WRITEBACK;
	c->rotated++;
	return ZSWAP_LRU_ROTATE;
}

static void cold_first_report(const struct zswap *zs, const void *state, void *json_obj)
{
	const struct cold_first *c = state;

	(void)zs;
	json_object_set_new(json_obj, "protected_entries", json_integer((json_int_t)c->nprotected));
	json_object_set_new(json_obj, "skipped", json_integer((json_int_t)c->skipped));
	json_object_set_new(json_obj, "rotated", json_integer((json_int_t)c->rotated));
}

const struct zswap_lru_policy lru_cold_first = {
	.c = {
		.name = "cold-first",
		.desc = "write back the oldest entry among those not re-stored within age_ns (protected entries are skipped, up to scan per look)",
		.params = cold_first_params,
		.nparams = sizeof(cold_first_params) / sizeof(cold_first_params[0]),
		.state_size = sizeof(struct cold_first),
		.store_times = 1,
		.report = cold_first_report,
	},
	.stored = cold_first_stored,
	.examine = cold_first_examine,
	.pick = cold_first_pick,
};
