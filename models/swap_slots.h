/* SPDX-License-Identifier: MIT */
/*
 * The swap-slot allocator of the reclaim models (the workload runs'
 * models/reclaim.c and the trace generators' traces/reclaim.c): a folio of
 * 2^order pages gets the lowest naturally aligned block of free slots, and
 * freed slots are reused (the kernel's swap allocator reuses them too; which
 * slots a folio gets changes no counter).  One bit per slot, and one per
 * 64 slots that says which words have a free slot; no allocation after
 * swap_slots_init().
 */
#ifndef ZSWAPSIM_SWAP_SLOTS_H
#define ZSWAPSIM_SWAP_SLOTS_H

#include <stdint.h>

#define SWAP_SLOTS_NONE UINT32_MAX

struct swap_slots {
	uint64_t *bits;       /* 1 = in use */
	uint64_t *nonfull;    /* bit w: word w of bits has a free slot */
	uint32_t nslots;
	uint32_t low;         /* no free slot below it */
	uint64_t used;        /* slots in use */
};

/* 0, or -ENOMEM. */
int swap_slots_init(struct swap_slots *s, uint32_t nslots);
void swap_slots_destroy(struct swap_slots *s);
/* The lowest naturally aligned free block of 2^order slots, marked used, or
 * SWAP_SLOTS_NONE when there is none. */
uint32_t swap_slots_alloc(struct swap_slots *s, unsigned order);
/* Slots slot..slot+nr-1 are free again. */
void swap_slots_free(struct swap_slots *s, uint32_t slot, unsigned nr);

static inline int swap_slots_in_use(const struct swap_slots *s, uint32_t slot)
{
	return (s->bits[slot / 64] >> (slot % 64)) & 1;
}

#endif
