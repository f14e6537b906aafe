/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the LRU policies (models/policy/lru_*.c): insertion order,
 * what a writeback walk spares and what it writes back, on hand-built
 * records with compressed-length hints (2040 bytes: two per pool page).
 * Walks are zswap_lru_walk(zs, memcg, budget): each look at the head costs
 * one unit of budget, whether the entry is written back or spared.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "models/zswap.h"
#include "models/zswap_internal.h"
#include "tests/unit/support_zswap.h"

static struct zt_topo meta;
static struct zswap_config cfg;
static char err[256];

static struct zswap *mk(const char *lru, const char *params)
{
	zt_topo_init(&meta, 64, 1, 1);
	zt_cfg_init(&cfg, 1000);
	ck_assert_msg(zt_policy(&cfg, "lru", lru, params, err, sizeof(err)) == 0, "%s", err);
	return zt_create(&cfg, &meta, NULL);
}

/* Store slot at time t. */
static void out_at(struct zswap *zs, uint32_t slot, uint64_t t)
{
	struct zswap_folio f = zt_hint_folio(slot, 0, 2040, 0, 0);

	zswap_set_now(zs, t);
	ck_assert_int_eq(zswap_swap_out(zs, &f), ZSWAP_OUT_STORED);
}

static void in_at(struct zswap *zs, uint32_t slot, uint64_t t)
{
	struct zswap_folio f = zt_hint_folio(slot, 0, 0, 0, 0);

	zswap_set_now(zs, t);
	ck_assert_int_eq(zswap_swap_in(zs, &f), ZSWAP_IN_ZSWAP);
}

static unsigned long walk(struct zswap *zs, unsigned long budget)
{
	int stop = 0;
	unsigned long n = zswap_lru_walk(zs, &zs->memcg[0], budget, 0, &stop);

	zswap_wb_flush(zs);
	return n;
}

/* The list of memcg 0 as "s0 s1 ...", head first. */
static const char *order(struct zswap *zs)
{
	static char buf[256];
	size_t n = 0;

	buf[0] = '\0';
	for (uint32_t s = zswap_lru_head(&zs->memcg[0]); s != ZSWAP_NIL && n < sizeof(buf) - 8;
	     s = zswap_lru_next_entry(zs, s))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%u", n ? " " : "", s);
	return buf;
}

static int on_disk(struct zswap *zs, uint32_t slot)
{
	return (zs->slots[slot].state & ZSWAP_S_MASK) == ZSWAP_S_DISK;
}

/* kernel (reference): a budget of 4 over 0 1 2 3 4 rotates 0..3 (second
 * chance); 4 more: 4 rotates, then 0 1 2 (bits cleared) are written back. */
START_TEST(test_kernel_second_chance)
{
	struct zswap *zs = mk("kernel", NULL);

	for (uint32_t s = 0; s < 5; s++)
		out_at(zs, s, 10 + s);
	ck_assert_uint_eq(walk(zs, 4), 0);
	ck_assert_str_eq(order(zs), "4 0 1 2 3");
	ck_assert_uint_eq(walk(zs, 4), 3);
	ck_assert_str_eq(order(zs), "3 4");
	zswap_destroy(zs);
}
END_TEST

/* fifo: every look writes back: a budget of 2 takes 0 and 1, the oldest. */
START_TEST(test_fifo)
{
	struct zswap *zs = mk("fifo", NULL);

	for (uint32_t s = 0; s < 5; s++)
		out_at(zs, s, 10 + s);
	ck_assert_str_eq(order(zs), "0 1 2 3 4");
	ck_assert_uint_eq(walk(zs, 2), 2);
	ck_assert_int_eq(on_disk(zs, 0) && on_disk(zs, 1), 1);
	ck_assert_str_eq(order(zs), "2 3 4");
	/* a load unlinks: 3 leaves, 2 and 4 stay in order */
	in_at(zs, 3, 20);
	ck_assert_str_eq(order(zs), "2 4");
	ck_assert_uint_eq(zswap_stats(zs)->written_back_pages, 2);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/*
 * lru: the first look at a referenced head clears the bit and leaves it in
 * store-time order (at the head); the second look writes it back.  Budget 5
 * over 0 1 2 3 4: 0 kept, 0 written, 1 kept, 1 written, 2 kept: two written
 * back (the kernel wrote none with budget 4, and spares 0..4 for a whole lap).
 */
START_TEST(test_lru_in_order)
{
	struct zswap *zs = mk("lru", NULL);

	for (uint32_t s = 0; s < 5; s++)
		out_at(zs, s, 10 + s);
	ck_assert_uint_eq(walk(zs, 5), 2);
	ck_assert_int_eq(on_disk(zs, 0) && on_disk(zs, 1), 1);
	ck_assert_str_eq(order(zs), "2 3 4");
	ck_assert_int_eq(zs->slots[2].state & ZSWAP_S_REF, 0);
	ck_assert_int_ne(zs->slots[3].state & ZSWAP_S_REF, 0);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/*
 * lru out of order: 0 (t 10), 1 (t 20), 2 (t 30); 1 moved to the tail as a
 * failed writeback leaves it: 0 2 1.  Budget 5: 0 kept (2 is younger: in
 * place), 0 written back; 2 (t 30) moves behind 1 (t 20): 1 2; 1 kept, 1
 * written back.  Slot 2 stays.  kernel, same list: 0 2 1 rotated, then 0
 * and 2 written back: slot 1 stays.
 */
START_TEST(test_lru_reposition)
{
	const char *names[] = { "lru", "kernel" };
	const uint32_t stays[] = { 2, 1 };

	for (unsigned p = 0; p < 2; p++) {
		struct zswap *zs = mk(names[p], NULL);

		out_at(zs, 0, 10);
		out_at(zs, 1, 20);
		out_at(zs, 2, 30);
		zswap_lru_move_tail(zs, &zs->memcg[0], 1);
		ck_assert_str_eq(order(zs), "0 2 1");
		ck_assert_uint_eq(walk(zs, 5), 2);
		ck_assert_uint_eq(zswap_lru_head(&zs->memcg[0]), stays[p]);
		ck_assert_uint_eq(zs->memcg[0].lru_len, 1);
		zt_check_inv(zs);
		zswap_destroy(zs);
	}
}
END_TEST

/*
 * cold-first, age_ns 100: 0 at t 10, 1 at t 20, 2 at t 30; 1 is loaded at
 * t 40 and stored again at t 50 (a re-store: protected until t 150).  List
 * 0 2 1.  At t 60 a budget of 3: 0 and 2 written back; the third look finds
 * only 1 (age 10): rotated, budget spent.  At t 149 still protected (age
 * 99); at t 150 (age 100) written back.  A first store (slot 5 at t 200) is
 * never protected.
 */
START_TEST(test_cold_first)
{
	struct zswap *zs = mk("cold-first", "{\"age_ns\": 100}");

	out_at(zs, 0, 10);
	out_at(zs, 1, 20);
	out_at(zs, 2, 30);
	in_at(zs, 1, 40);
	out_at(zs, 1, 50);
	ck_assert_str_eq(order(zs), "0 2 1");
	zswap_set_now(zs, 60);
	ck_assert_uint_eq(walk(zs, 3), 2);
	ck_assert_str_eq(order(zs), "1");
	zswap_set_now(zs, 149);
	ck_assert_uint_eq(walk(zs, 1), 0);
	zswap_set_now(zs, 150);
	ck_assert_uint_eq(walk(zs, 1), 1);
	out_at(zs, 5, 200);
	ck_assert_uint_eq(walk(zs, 1), 1);

	json_t *stats = json_object();
	zswap_report_policies(zs, stats);
	json_t *res = json_object_get(json_object_get(json_object_get(stats, "policy"), "results"),
				      "lru");
	ck_assert_int_eq(json_integer_value(json_object_get(res, "protected_entries")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(res, "rotated")), 2);
	json_decref(stats);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

/*
 * Skipping: 1 stored at t 10, loaded at t 20, stored again at t 50
 * (protected), 3 stored at t 60: list 1 3.  At t 70 one look skips 1 (no
 * budget) and writes back 3, the oldest unprotected entry.  With scan 0 the
 * look may skip nothing: 1 is rotated, nothing written back.
 */
START_TEST(test_cold_first_skip)
{
	const char *params[] = { "{\"age_ns\": 100}", "{\"age_ns\": 100, \"scan\": 0}" };
	const unsigned long written[] = { 1, 0 };

	for (unsigned i = 0; i < 2; i++) {
		struct zswap *zs = mk("cold-first", params[i]);

		out_at(zs, 1, 10);
		in_at(zs, 1, 20);
		out_at(zs, 1, 50);
		out_at(zs, 3, 60);
		ck_assert_str_eq(order(zs), "1 3");
		zswap_set_now(zs, 70);
		ck_assert_uint_eq(walk(zs, 1), written[i]);
		ck_assert_str_eq(order(zs), i == 0 ? "1" : "3 1");
		zt_check_inv(zs);
		zswap_destroy(zs);
	}
}
END_TEST

/* cold-first with age_ns 0 protects nothing: fifo. */
START_TEST(test_cold_first_zero_age)
{
	struct zswap *zs = mk("cold-first", "{\"age_ns\": 0}");

	out_at(zs, 0, 10);
	in_at(zs, 0, 20);
	out_at(zs, 0, 30);
	out_at(zs, 1, 40);
	ck_assert_uint_eq(walk(zs, 2), 2);
	zswap_destroy(zs);
}
END_TEST

/* The shrink worker with fifo: 20 raw pages fill the pool (max 20 of 100
 * RAM pages); the next store fails and queues the worker, which writes back
 * 0 and 1 (18 <= accept 18).  With kernel it would rotate 16 and give up. */
START_TEST(test_fifo_shrink_worker)
{
	struct zswap *zs = mk("fifo", NULL);

	zswap_destroy(zs);
	cfg.total_ram_bytes = 100 * 4096;
	zs = zswap_create(&cfg, &meta.topo, NULL, err, sizeof(err));
	ck_assert_ptr_nonnull(zs);
	for (uint32_t s = 0; s < 20; s++)
		ck_assert_int_eq(zt_out(zs, s, 0, 4096, 0), ZSWAP_OUT_STORED);
	ck_assert_int_eq(zt_out(zs, 40, 0, 4096, 0), ZSWAP_OUT_DISK);
	ck_assert_int_eq(zswap_shrink_pending(zs), 1);
	zswap_shrink_worker(zs);
	ck_assert_uint_eq(zswap_stats(zs)->written_back_pages, 2);
	ck_assert_int_eq(on_disk(zs, 0) && on_disk(zs, 1), 1);
	ck_assert_uint_eq(zswap_stats(zs)->pool_total_size, 18 * 4096);
	zt_check_inv(zs);
	zswap_destroy(zs);
}
END_TEST

START_TEST(test_lru_registry)
{
	const char *names[] = { "kernel", "fifo", "lru", "cold-first" };

	for (unsigned i = 0; i < 4; i++)
		ck_assert_ptr_nonnull(policy_find_lru(names[i]));
	zt_cfg_init(&cfg, 1000);
	const struct zswap_lru_policy *p = policy_find_lru("cold-first");
	void *st;
	ck_assert_int_eq(zt_policy(&cfg, "lru", "cold-first", "{\"age_ns\": -1}", err, sizeof(err)),
			 -EINVAL);
	ck_assert_msg(strstr(err, "age_ns"), "%s", err);
	ck_assert_int_eq(policy_parse_params(&p->c, "lru", NULL, &st, err, sizeof(err)), 0);
	ck_assert_int_eq(*(int64_t *)st, 1000000000);
	free(st);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy_lru");
	TCase *tc = tcase_create("lru");

	tcase_add_test(tc, test_kernel_second_chance);
	tcase_add_test(tc, test_fifo);
	tcase_add_test(tc, test_lru_in_order);
	tcase_add_test(tc, test_lru_reposition);
	tcase_add_test(tc, test_cold_first);
	tcase_add_test(tc, test_cold_first_skip);
	tcase_add_test(tc, test_cold_first_zero_age);
	tcase_add_test(tc, test_fifo_shrink_worker);
	tcase_add_test(tc, test_lru_registry);
	suite_add_tcase(s, tc);
	return zt_run_suite(s);
}
