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

/* The lowest free slot at or after from, or nslots: a word at a time (the
 * bits past nslots in the last word are 0, so they are cut off here). */
static uint64_t swap_slots_next_free(const struct swap_slots *s, uint64_t from)
{
	while (from < s->nslots) {
		uint64_t w = ~s->bits[from / 64] & (~0ull << (from % 64));

		if (w) {
			uint64_t slot = (from & ~63ull) + (uint64_t)__builtin_ctzll(w);

			return slot < s->nslots ? slot : s->nslots;
		}
		from = (from | 63) + 1;
	}
	return s->nslots;
}

/* Bits at the multiples of nr (a power of two up to 64) in a word. */
static uint64_t swap_slots_align_mask(unsigned nr)
{
	uint64_t m = 1;

	for (unsigned sh = nr; sh < 64; sh <<= 1)
		m |= m << sh;
	return m;
}

/* In word w (1 = in use), the lowest naturally aligned block of nr <= 64
 * free bits starting at bit first or above: its first bit, or 64.  Bit i of
 * f ends up set iff bits i .. i + nr - 1 are all free. */
static unsigned swap_slots_block_in_word(uint64_t w, unsigned nr, unsigned first, uint64_t align)
{
	uint64_t f = ~w;

	for (unsigned sh = 1; sh < nr; sh <<= 1)
		f &= f >> sh;
	f &= align & (~0ull << first);
	return f ? (unsigned)__builtin_ctzll(f) : 64;
}

uint32_t swap_slots_alloc(struct swap_slots *s, unsigned order)
{
	unsigned nr = 1u << order;
	uint64_t at = s->low & ~(uint64_t)(nr - 1);

	if (nr <= 64) {
		uint64_t align = swap_slots_align_mask(nr);

		for (; at + nr <= s->nslots; at = (at | 63) + 1) {
			unsigned b = swap_slots_block_in_word(s->bits[at / 64], nr,
							      (unsigned)(at % 64), align);

			if (b < 64) {
				at = (at & ~63ull) + b;
				break;
			}
		}
	} else {
		/* whole words: nr / 64 of them all free */
		for (; at + nr <= s->nslots; at += nr) {
			unsigned i = 0;

			while (i < nr / 64 && !s->bits[at / 64 + i])
				i++;
			if (i == nr / 64)
				break;
		}
	}
	if (at + nr > s->nslots)
		return SWAP_SLOTS_NONE;
	swap_slots_mark(s, (uint32_t)at, nr, 1);
	s->used += nr;
	if (at <= s->low)
		s->low = (uint32_t)swap_slots_next_free(s, s->low);
	return (uint32_t)at;
}

void swap_slots_free(struct swap_slots *s, uint32_t slot, unsigned nr)
{
	swap_slots_mark(s, slot, nr, 0);
	s->used -= nr;
	if (slot < s->low)
		s->low = slot;
}
