/* SPDX-License-Identifier: MIT */
/* The reclaim models' swap-slot allocator (see swap_slots.h). */
#include <errno.h>
#include <stdlib.h>

#include "models/swap_slots.h"

int swap_slots_init(struct swap_slots *s, uint32_t nslots)
{
	s->nslots = nslots;
	s->low = 0;
	s->used = 0;
	s->bits = calloc(((uint64_t)nslots + 63) / 64 ? ((uint64_t)nslots + 63) / 64 : 1,
			 sizeof(uint64_t));
	return s->bits ? 0 : -ENOMEM;
}

void swap_slots_destroy(struct swap_slots *s)
{
	free(s->bits);
	s->bits = NULL;
}

static void swap_slots_mark(struct swap_slots *s, uint32_t slot, unsigned nr, int used)
{
	for (unsigned i = 0; i < nr; i++) {
		uint64_t bit = 1ull << ((slot + i) % 64);

		if (used)
			s->bits[(slot + i) / 64] |= bit;
		else
			s->bits[(slot + i) / 64] &= ~bit;
	}
}

uint32_t swap_slots_alloc(struct swap_slots *s, unsigned order)
{
	unsigned nr = 1u << order;
	uint64_t at = s->low & ~(uint64_t)(nr - 1);

	while (at + nr <= s->nslots) {
		/* an aligned block of up to 64 slots lies in one word: a full
		 * word holds none */
		if (nr <= 64 && s->bits[at / 64] == UINT64_MAX) {
			at = (at | 63) + 1;
			continue;
		}
		unsigned i = 0;

		while (i < nr && !swap_slots_in_use(s, (uint32_t)(at + i)))
			i++;
		if (i < nr) {
			at += nr;
			continue;
		}
		swap_slots_mark(s, (uint32_t)at, nr, 1);
		s->used += nr;
		while (s->low < s->nslots && swap_slots_in_use(s, s->low))
			s->low++;
		return (uint32_t)at;
	}
	return SWAP_SLOTS_NONE;
}

void swap_slots_free(struct swap_slots *s, uint32_t slot, unsigned nr)
{
	swap_slots_mark(s, slot, nr, 0);
	s->used -= nr;
	if (slot < s->low)
		s->low = slot;
}
