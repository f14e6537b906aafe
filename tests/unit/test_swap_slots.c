// SPDX-License-Identifier: MIT
/*
 * Tests of the reclaim models' swap-slot allocator (models/swap_slots.c):
 * the lowest naturally aligned free block, reuse of freed slots, full words
 * skipped, NONE when no block fits.
 */
#include <check.h>
#include <stdlib.h>

#include "models/swap_slots.h"
#include "tests/unit/support_zswap.h"

START_TEST(test_lowest_aligned_block)
{
	struct swap_slots s;

	ck_assert_int_eq(swap_slots_init(&s, 64), 0);
	ck_assert_uint_eq(swap_slots_alloc(&s, 0), 0);
	/* order 2 skips the block 0..3 that slot 0 is in */
	ck_assert_uint_eq(swap_slots_alloc(&s, 2), 4);
	ck_assert_uint_eq(swap_slots_alloc(&s, 0), 1);
	ck_assert_uint_eq(swap_slots_alloc(&s, 3), 8);
	ck_assert_uint_eq(s.used, 14);
	/* freed slots are reused, lowest first */
	swap_slots_free(&s, 4, 4);
	ck_assert_uint_eq(swap_slots_alloc(&s, 0), 2);
	ck_assert_uint_eq(swap_slots_alloc(&s, 1), 4);
	ck_assert_uint_eq(s.used, 13);
	swap_slots_destroy(&s);
}
END_TEST

START_TEST(test_full_words_and_exhaustion)
{
	struct swap_slots s;

	ck_assert_int_eq(swap_slots_init(&s, 200), 0);
	for (uint32_t i = 0; i < 128; i++)
		ck_assert_uint_eq(swap_slots_alloc(&s, 0), i);
	/* two full words skipped: the next order-6 block, then the next slot */
	ck_assert_uint_eq(swap_slots_alloc(&s, 6), 128);
	ck_assert_uint_eq(swap_slots_alloc(&s, 0), 192);
	/* 8 slots left (193..199 and none aligned for 8): an order-3 block fails */
	ck_assert_uint_eq(swap_slots_alloc(&s, 3), SWAP_SLOTS_NONE);
	ck_assert_uint_eq(swap_slots_alloc(&s, 2), 196);
	ck_assert_uint_eq(s.used, 128 + 64 + 1 + 4);
	/* a block never runs past the end */
	struct swap_slots t;

	ck_assert_int_eq(swap_slots_init(&t, 6), 0);
	ck_assert_uint_eq(swap_slots_alloc(&t, 2), 0);
	ck_assert_uint_eq(swap_slots_alloc(&t, 2), SWAP_SLOTS_NONE);
	ck_assert_uint_eq(swap_slots_alloc(&t, 1), 4);
	ck_assert_uint_eq(swap_slots_alloc(&t, 0), SWAP_SLOTS_NONE);
	swap_slots_destroy(&t);
	swap_slots_destroy(&s);
}
END_TEST

/* The allocator as the rule reads, a slot at a time: the lowest naturally
 * aligned block of 2^order free slots that fits. */
static uint32_t ref_alloc(uint8_t *used, uint32_t nslots, unsigned order)
{
	uint32_t nr = 1u << order;

	for (uint64_t at = 0; at + nr <= nslots; at += nr) {
		uint32_t i = 0;

		while (i < nr && !used[at + i])
			i++;
		if (i == nr) {
			for (i = 0; i < nr; i++)
				used[at + i] = 1;
			return (uint32_t)at;
		}
	}
	return SWAP_SLOTS_NONE;
}

/* Random allocations of orders 0..9 and frees of whole blocks, the model's
 * word-at-a-time search against the slot-at-a-time rule: the same slot
 * every time, and low always the lowest free slot.  Sizes around word
 * boundaries, and swap areas kept nearly full (sparse holes far apart, the
 * case that made the search walk bit by bit). */
START_TEST(test_matches_slot_by_slot_rule)
{
	static const uint32_t sizes[] = { 1, 6, 63, 64, 65, 200, 1000, 4103, 20000 };
	uint64_t x = 12345;

	for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint32_t n = sizes[k], blocks[4096], orders[4096], nb = 0;
		uint8_t *used = calloc(n, 1);
		struct swap_slots s;

		ck_assert_ptr_nonnull(used);
		ck_assert_int_eq(swap_slots_init(&s, n), 0);
		for (unsigned step = 0; step < 20000; step++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			unsigned r = (unsigned)(x >> 33);
			/* mostly allocate while the area is under 95 % full */
			int alloc = nb == 0 || (nb < 4096 && (r % 100) < (s.used * 100 < (uint64_t)n * 95 ? 70 : 45));

			if (alloc) {
				unsigned order = (r >> 8) % 10;

				if (order > 4 && (r >> 12) % 4)
					order = (r >> 14) % 3;   /* small orders most of the time */
				uint32_t want = ref_alloc(used, n, order), got = swap_slots_alloc(&s, order);

				ck_assert_uint_eq(got, want);
				if (got != SWAP_SLOTS_NONE) {
					blocks[nb] = got;
					orders[nb++] = order;
				}
			} else {
				unsigned i = (r >> 8) % nb;

				swap_slots_free(&s, blocks[i], 1u << orders[i]);
				for (uint32_t j = 0; j < (1u << orders[i]); j++)
					used[blocks[i] + j] = 0;
				blocks[i] = blocks[--nb];
				orders[i] = orders[nb];
			}
			uint32_t low = 0, cnt = 0;

			while (low < n && used[low])
				low++;
			for (uint32_t j = 0; j < n; j++)
				cnt += used[j];
			ck_assert_uint_eq(s.used, cnt);
			ck_assert_uint_eq(s.low, low);
		}
		swap_slots_destroy(&s);
		free(used);
	}
}
END_TEST

/* A full area of 2^20 slots with a few holes far apart: each is found in
 * turn (over whole runs of full words), an aligned block only where one
 * is free, and NONE once all are taken. */
START_TEST(test_sparse_holes_far_apart)
{
	struct swap_slots s;
	const uint32_t n = 1u << 20;

	ck_assert_int_eq(swap_slots_init(&s, n), 0);
	for (uint32_t i = 0; i < n; i += 16)
		ck_assert_uint_eq(swap_slots_alloc(&s, 4), i);
	ck_assert_uint_eq(swap_slots_alloc(&s, 0), SWAP_SLOTS_NONE);
	swap_slots_free(&s, 999999, 1);
	swap_slots_free(&s, 5, 1);
	swap_slots_free(&s, 524288, 16);
	swap_slots_free(&s, n - 1, 1);
	swap_slots_free(&s, 70001, 1);
	ck_assert_uint_eq(s.low, 5);
	ck_assert_uint_eq(swap_slots_alloc(&s, 1), 524288);   /* 70001 is not aligned for 2 */
	ck_assert_uint_eq(swap_slots_alloc(&s, 0), 5);
	ck_assert_uint_eq(s.low, 70001);
	ck_assert_uint_eq(swap_slots_alloc(&s, 0), 70001);
	ck_assert_uint_eq(swap_slots_alloc(&s, 2), 524292);
	ck_assert_uint_eq(swap_slots_alloc(&s, 3), 524296);
	ck_assert_uint_eq(s.low, 524290);
	ck_assert_uint_eq(swap_slots_alloc(&s, 1), 524290);
	ck_assert_uint_eq(swap_slots_alloc(&s, 0), 999999);
	ck_assert_uint_eq(swap_slots_alloc(&s, 1), SWAP_SLOTS_NONE);
	ck_assert_uint_eq(swap_slots_alloc(&s, 0), n - 1);
	ck_assert_uint_eq(s.low, n);
	ck_assert_uint_eq(s.used, n);
	ck_assert_uint_eq(swap_slots_alloc(&s, 0), SWAP_SLOTS_NONE);
	swap_slots_destroy(&s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("swap_slots");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_lowest_aligned_block);
	tcase_add_test(tc, test_full_words_and_exhaustion);
	tcase_add_test(tc, test_matches_slot_by_slot_rule);
	tcase_add_test(tc, test_sparse_holes_far_apart);
	suite_add_tcase(s, tc);
	return zt_run_suite(s);
}
