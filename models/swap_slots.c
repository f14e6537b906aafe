/* SPDX-License-Identifier: MIT */
/* The reclaim models' swap-slot allocator (see swap_slots.h). */
#include <errno.h>
#include <stdlib.h>

#include "models/swap_slots.h"

static uint64_t swap_slots_words(uint32_t nslots)
{
	return ((uint64_t)nslots + 63) / 64;
}

int swap_slots_init(struct swap_slots *s, uint32_t nslots)
{
	uint64_t nw = swap_slots_words(nslots), ns = (nw + 63) / 64;

	s->nslots = nslots;
	s->low = 0;
	s->used = 0;
	s->bits = calloc(nw ? nw : 1, sizeof(uint64_t));
	s->nonfull = calloc(ns ? ns : 1, sizeof(uint64_t));
	if (!s->bits || !s->nonfull) {
		swap_slots_destroy(s);
		return -ENOMEM;
	}
	for (uint64_t w = 0; w < nw; w++)    /* every word has free slots */
		s->nonfull[w / 64] |= 1ull << (w % 64);
	return 0;
}

void swap_slots_destroy(struct swap_slots *s)
{
	free(s->bits);
	free(s->nonfull);
	s->bits = NULL;
	s->nonfull = NULL;
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
	for (uint64_t w = slot / 64; w <= ((uint64_t)slot + nr - 1) / 64; w++) {
		uint64_t bit = 1ull << (w % 64);

		if (s->bits[w] == UINT64_MAX)
			s->nonfull[w / 64] &= ~bit;
		else
			s->nonfull[w / 64] |= bit;
	}
}

/* The first word at or after w with a free slot, or the word count: the
 * summary skips 4,096 slots at a time over a full stretch of the area. */
static uint64_t swap_slots_next_nonfull(const struct swap_slots *s, uint64_t w)
{
	uint64_t nw = swap_slots_words(s->nslots);

	while (w < nw) {
		uint64_t m = s->nonfull[w / 64] & (~0ull << (w % 64));

		if (m)
			return (w & ~63ull) + (uint64_t)__builtin_ctzll(m);
		w = (w | 63) + 1;
	}
	return nw;
}

/* The lowest free slot at or after from, or nslots (the bits past nslots
 * in the last word are 0, so they are cut off here). */
static uint64_t swap_slots_next_free(const struct swap_slots *s, uint64_t from)
{
	uint64_t w, m;

	if (from >= s->nslots)
		return s->nslots;
	m = ~s->bits[from / 64] & (~0ull << (from % 64));
	if (m) {
		w = from / 64;
	} else {
		w = swap_slots_next_nonfull(s, from / 64 + 1);
		if (w >= swap_slots_words(s->nslots))
			return s->nslots;
		m = ~s->bits[w];
	}
	uint64_t slot = w * 64 + (uint64_t)__builtin_ctzll(m);

	return slot < s->nslots ? slot : s->nslots;
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

		while (at + nr <= s->nslots) {
			unsigned b = swap_slots_block_in_word(s->bits[at / 64], nr,
							      (unsigned)(at % 64), align);

			if (b < 64) {
				at = (at & ~63ull) + b;
				break;
			}
			at = swap_slots_next_nonfull(s, at / 64 + 1) * 64;
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
