// SPDX-License-Identifier: MIT
/*
 * Tests of the reclaim models' swap-slot allocator (models/swap_slots.c):
 * the lowest naturally aligned free block, reuse of freed slots, full words
 * skipped, NONE when no block fits.
 */
#include <check.h>

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

int main(void)
{
	Suite *s = suite_create("swap_slots");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_lowest_aligned_block);
	tcase_add_test(tc, test_full_words_and_exhaustion);
	suite_add_tcase(s, tc);
	return zt_run_suite(s);
}
