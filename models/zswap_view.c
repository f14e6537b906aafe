/* SPDX-License-Identifier: MIT */
/*
 * The handle API of the policies (models/policy/policy.h): what a policy may
 * read of the model, and the few fields it owns (an entry's referenced bit,
 * the writeback batch).  The mechanisms policies call live with the rest of
 * the core (zswap_limit.c, zswap_lru.c, zswap_shrinker.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "models/zswap_internal.h"

struct zswap_memcg *zswap_memcg(struct zswap *zs, unsigned idx)
{
	return &zs->memcg[idx];
}

unsigned zswap_memcg_index(const struct zswap_memcg *mc)
{
	return (unsigned)mc->idx;
}

int zswap_memcg_writeback_enabled(const struct zswap_memcg *mc)
{
	return mc->wb_enabled;
}

uint32_t zswap_lru_first(const struct zswap_memcg *mc)
{
	return zswap_lru_head(mc);
}

uint32_t zswap_lru_next(const struct zswap *zs, uint32_t slot)
{
	return zswap_lru_next_entry(zs, slot);
}

uint64_t zswap_lru_length(const struct zswap_memcg *mc)
{
	return mc->lru_len;
}

/* Store times are kept only for a run that reads them: a policy that does
 * says so (policy_common.store_times), or it would read zeros. */
uint64_t zswap_entry_stored_ns(const struct zswap *zs, uint32_t slot)
{
	if (!zs->keep_store_ns) {
		fprintf(stderr, "zswapsim: policy %s/%s/%s reads store times without "
			"setting store_times\n", zs->limit->c.name, zs->lru->c.name, zs->wb->c.name);
		abort();
	}
	return zs->store_ns[slot];
}

int zswap_pool_is_full(const struct zswap *zs)
{
	return zs->reached_full;
}

int zswap_shrinker_enabled(const struct zswap *zs)
{
	return zs->cfg.shrinker_enabled;
}

int zswap_entry_referenced(const struct zswap *zs, uint32_t slot)
{
	return (zs->slots[slot].state & ZSWAP_S_REF) != 0;
}

void zswap_entry_set_referenced(struct zswap *zs, uint32_t slot, int referenced)
{
	if (referenced)
		zs->slots[slot].state |= ZSWAP_S_REF;
	else
		zs->slots[slot].state &= (uint8_t)~ZSWAP_S_REF;
}

int zswap_entry_clear_referenced(struct zswap *zs, uint32_t slot)
{
	struct zswap_slot *s = &zs->slots[slot];
	int was = (s->state & ZSWAP_S_REF) != 0;

	s->state &= (uint8_t)~ZSWAP_S_REF;
	return was;
}

enum zswap_lru_verdict zswap_lru_kernel_examine(struct zswap *zs, void *st,
						struct zswap_memcg *mc, uint32_t slot)
{
	(void)st;
	(void)mc;
	return zswap_slot_second_chance(&zs->slots[slot]);
}

void zswap_set_wb_batch(struct zswap *zs, unsigned batch)
{
	zs->wb_batch = batch ? batch : 1;
}

int zswap_wb_attach_batch(struct zswap *zs, void *st, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	zswap_set_wb_batch(zs, (unsigned)*(const int64_t *)st);
	return 0;
}

int zswap_slot_has_data(const struct zswap *zs, uint32_t slot)
{
	return slot < zs->nslots && (zs->slots[slot].state & ZSWAP_S_MASK) != ZSWAP_S_NONE;
}
