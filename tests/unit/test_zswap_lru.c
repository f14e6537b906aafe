/* SPDX-License-Identifier: MIT */
/*
 * The zswap LRU ring (models/zswap_lru.c, struct zswap_lru_ring) against
 * the doubly linked list it replaced: every operation policies and the core
 * use (link at the tail, link before an entry, unlink from anywhere, move to
 * the tail, first / next, the walk's head and tail) applied at random to
 * both, with the list order compared after each step, through the ring's
 * growth, hole trimming and compaction.  Plus a writeback walk over a list
 * with holes, and the prefetch cursors (hints) never changing the model.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/zswap.h"
#include "models/zswap_internal.h"
#include "tests/unit/support_zswap.h"

#define NSLOTS 5000u

/* The old list: prev/next links by slot index, ZSWAP_NIL at the ends. */
struct ref_list {
	uint32_t prev[NSLOTS], next[NSLOTS];
	uint8_t on[NSLOTS];
	uint32_t head, tail, len;
};

static void ref_init(struct ref_list *l)
{
	memset(l, 0, sizeof(*l));
	l->head = l->tail = ZSWAP_NIL;
}

static void ref_link_before(struct ref_list *l, uint32_t s, uint32_t before)
{
	uint32_t p = before == ZSWAP_NIL ? l->tail : l->prev[before];

	l->prev[s] = p;
	l->next[s] = before;
	if (p != ZSWAP_NIL)
		l->next[p] = s;
	else
		l->head = s;
	if (before != ZSWAP_NIL)
		l->prev[before] = s;
	else
		l->tail = s;
	l->on[s] = 1;
	l->len++;
}

static void ref_unlink(struct ref_list *l, uint32_t s)
{
	if (l->prev[s] != ZSWAP_NIL)
		l->next[l->prev[s]] = l->next[s];
	else
		l->head = l->next[s];
	if (l->next[s] != ZSWAP_NIL)
		l->prev[l->next[s]] = l->prev[s];
	else
		l->tail = l->prev[s];
	l->on[s] = 0;
	l->len--;
}

/* A random member of the list (by walking from the head), or ZSWAP_NIL. */
static uint32_t ref_pick(const struct ref_list *l, unsigned r)
{
	if (!l->len)
		return ZSWAP_NIL;
	uint32_t s = l->head;

	for (unsigned k = r % l->len; k; k--)
		s = l->next[s];
	return s;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static unsigned rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state >> 11);
}

/* The ring's order, through the policy API and the ring's own invariants,
 * equals the reference list's (with all_slots, slots off the list know it
 * too).  Plain comparisons and one assertion: Check reports every assertion
 * to its parent process. */
static void same_order(struct zswap *zs, struct zswap_memcg *mc, const struct ref_list *l,
		       int all_slots)
{
	const struct zswap_lru_ring *r = &mc->lru;
	uint32_t s = zswap_lru_first(mc), t = l->head;
	uint32_t n = 0;
	const char *bad = NULL;

	if (zswap_lru_length(mc) != l->len || zswap_lru_head(mc) != l->head ||
	    zswap_lru_tail(mc) != l->tail)
		bad = "length, head or tail";
	while (!bad && t != ZSWAP_NIL) {
		if (s != t)
			bad = "order";
		else if (r->q[zswap_slot_lru_pos(&zs->slots[s])] != s)
			bad = "ring index";
		s = zswap_lru_next(zs, s);
		t = l->next[t];
		n++;
	}
	if (!bad && (s != ZSWAP_NIL || n != l->len))
		bad = "end of the list";
	if (!bad && r->hi - r->lo > r->mask + 1)
		bad = "ring span above capacity";
	if (!bad && l->len && (r->q[r->lo & r->mask] == ZSWAP_LRU_HOLE ||
			       r->q[(r->hi - 1) & r->mask] == ZSWAP_LRU_HOLE))
		bad = "a hole at an end";
	if (!bad && !l->len && r->hi != r->lo)
		bad = "empty list, non-empty ring";
	for (uint32_t i = 0; !bad && all_slots && i < NSLOTS; i++)
		if (!l->on[i] && zswap_slot_lru_pos(&zs->slots[i]) != ZSWAP_NIL)
			bad = "a slot off the list has a ring index";
	ck_assert_msg(!bad, "ring differs from the list: %s (entry %u of %u)", bad ? bad : "",
		      n, l->len);
}

static struct zswap *mk_zs(void)
{
	static struct zt_topo meta;
	static struct zswap_config cfg;

	zt_topo_init(&meta, NSLOTS, 1, 1);
	zt_cfg_init(&cfg, 100);
	return zt_create(&cfg, &meta, NULL);
}

/*
 * Random operations, weighted so the list grows past the ring's first
 * capacity (growth), shrinks from the middle (holes, compaction when the
 * ring fills with them) and from the ends (trimming), with insertions near
 * the head as the "lru" policy makes them.
 */
static void random_ops(unsigned nops, unsigned grow_pct)
{
	static struct ref_list l;
	struct zswap *zs = mk_zs();
	struct zswap_memcg *mc = &zs->memcg[0];

	ref_init(&l);
	for (unsigned op = 0; op < nops; op++) {
		unsigned kind = rnd() % 100;
		uint32_t s = rnd() % NSLOTS;

		if (kind < grow_pct) {
			if (l.on[s])
				continue;
			unsigned where = rnd() % 4;
			uint32_t before = ZSWAP_NIL;

			if (where == 1)          /* near the head */
				before = ref_pick(&l, rnd() % 8);
			else if (where == 2)     /* anywhere */
				before = ref_pick(&l, rnd());
			if (before == ZSWAP_NIL)
				zswap_lru_link_tail(zs, mc, s);
			else
				zswap_lru_link_before(zs, mc, s, before);
			ref_link_before(&l, s, before);
		} else if (kind < grow_pct + (100 - grow_pct) / 2) {
			s = rnd() % 3 ? ref_pick(&l, rnd()) : l.head;
			if (s == ZSWAP_NIL)
				continue;
			zswap_lru_unlink(zs, mc, s);
			ref_unlink(&l, s);
		} else {
			s = rnd() % 2 ? ref_pick(&l, rnd()) : l.head;
			if (s == ZSWAP_NIL)
				continue;
			zswap_lru_move_tail(zs, mc, s);
			ref_unlink(&l, s);
			ref_link_before(&l, s, ZSWAP_NIL);
		}
		/* run the prefetch cursors too: hints that must not change the lists
		 * nor read outside the list (the free positions hold garbage) */
		for (uint32_t p = mc->lru.hi; mc->lru.q && p - mc->lru.lo <= mc->lru.mask &&
		     p - mc->lru.hi < 64; p++)
			mc->lru.q[p & mc->lru.mask] = 0x7fffffffu;
		zswap_prefetch_walk(zs, mc);
		zswap_prefetch_lru(zs);
		if (op % 3 == 0)
			same_order(zs, mc, &l, op % 101 == 0);
	}
	same_order(zs, mc, &l, 1);
	ck_assert_int_eq(zswap_failed(zs), 0);
	zswap_destroy(zs);
}

START_TEST(test_ring_random_growing)
{
	random_ops(40000, 60);
}
END_TEST

START_TEST(test_ring_random_steady)
{
	random_ops(60000, 50);
}
END_TEST

/* Fill, then free most entries from the middle and keep adding at the tail:
 * the ring fills with holes and is squeezed in place (capacity unchanged),
 * order kept. */
START_TEST(test_ring_compaction_in_place)
{
	static struct ref_list l;
	struct zswap *zs = mk_zs();
	struct zswap_memcg *mc = &zs->memcg[0];

	ref_init(&l);
	for (uint32_t s = 0; s < 1024; s++) {
		zswap_lru_link_tail(zs, mc, s);
		ref_link_before(&l, s, ZSWAP_NIL);
	}
	ck_assert_uint_eq(mc->lru.mask + 1, 1024);
	for (uint32_t s = 1; s < 1023; s++)
		if (s % 8) {
			zswap_lru_unlink(zs, mc, s);
			ref_unlink(&l, s);
		}
	same_order(zs, mc, &l, 1);
	/* the ring is full of holes: the next adds squeeze them out */
	for (uint32_t s = 2000; s < 2600; s++) {
		zswap_lru_link_tail(zs, mc, s);
		ref_link_before(&l, s, ZSWAP_NIL);
	}
	ck_assert_uint_eq(mc->lru.mask + 1, 1024);   /* compacted, not grown */
	same_order(zs, mc, &l, 1);
	/* more than half live when full again: the ring doubles */
	for (uint32_t s = 3000; s < 3800; s++) {
		zswap_lru_link_tail(zs, mc, s);
		ref_link_before(&l, s, ZSWAP_NIL);
	}
	ck_assert_uint_eq(mc->lru.mask + 1, 2048);
	same_order(zs, mc, &l, 1);
	zswap_destroy(zs);
}
END_TEST

/* Unlinking the head trims the holes behind it; unlinking the tail those in
 * front; an emptied list has lo == hi. */
START_TEST(test_ring_trim_ends)
{
	static struct ref_list l;
	struct zswap *zs = mk_zs();
	struct zswap_memcg *mc = &zs->memcg[0];

	ref_init(&l);
	for (uint32_t s = 0; s < 10; s++) {
		zswap_lru_link_tail(zs, mc, s);
		ref_link_before(&l, s, ZSWAP_NIL);
	}
	uint32_t drop[] = { 1, 2, 3, 7, 8, 0, 9, 6, 4, 5 };

	for (unsigned i = 0; i < 10; i++) {
		zswap_lru_unlink(zs, mc, drop[i]);
		ref_unlink(&l, drop[i]);
		same_order(zs, mc, &l, 1);
	}
	ck_assert_uint_eq(mc->lru.lo, mc->lru.hi);
	ck_assert_uint_eq(zswap_lru_first(mc), ZSWAP_NIL);
	zswap_destroy(zs);
}
END_TEST

/* A writeback walk over a list with holes takes the entries in list order
 * (the kernel policy: referenced entries rotated once, then written back). */
START_TEST(test_ring_walk_order)
{
	static struct zt_topo meta;
	static struct zswap_config cfg;

	zt_topo_init(&meta, 64, 1, 1);
	zt_cfg_init(&cfg, 100);
	struct zswap *zs = zt_create(&cfg, &meta, NULL);
	struct zswap_memcg *mc = &zs->memcg[0];

	for (uint32_t s = 0; s < 12; s++)
		ck_assert_int_eq(zt_out(zs, s, 0, 1000, 0), ZSWAP_OUT_STORED);
	for (uint32_t s = 1; s < 12; s += 3)
		zt_inval(zs, s, 0);           /* holes at 1, 4, 7, 10 */
	zt_check_inv(zs);
	/* first lap: every entry is referenced and rotated, in list order */
	uint32_t want[] = { 0, 2, 3, 5, 6, 8, 9, 11 };

	for (unsigned i = 0; i < 8; i++) {
		ck_assert_uint_eq(zswap_lru_head(mc), want[i]);
		ck_assert_int_eq(zswap_shrink_memcg(zs, mc, 0), -EAGAIN);
	}
	/* second lap: written back in the same order */
	for (unsigned i = 0; i < 8; i++) {
		ck_assert_uint_eq(zswap_lru_head(mc), want[i]);
		ck_assert_int_eq(zswap_shrink_memcg(zs, mc, 0), 0);
		ck_assert_int_eq(zs->slots[want[i]].state & ZSWAP_S_MASK, ZSWAP_S_DISK);
		zt_check_inv(zs);
	}
	ck_assert_uint_eq(zswap_lru_length(mc), 0);
	zswap_destroy(zs);
}
END_TEST

/* The invariant check finds a ring entry whose slot does not know its place. */
START_TEST(test_ring_invariant_detects)
{
	static struct zt_topo meta;
	static struct zswap_config cfg;
	char reason[256];

	zt_topo_init(&meta, 64, 1, 1);
	zt_cfg_init(&cfg, 100);
	struct zswap *zs = zt_create(&cfg, &meta, NULL);

	for (uint32_t s = 0; s < 4; s++)
		ck_assert_int_eq(zt_out(zs, s, 0, 1000, 0), ZSWAP_OUT_STORED);
	ck_assert_int_eq(zswap_check_invariants(zs, reason, sizeof(reason)), 0);
	zs->slots[2].lru_ipos ^= 1;
	ck_assert_int_ne(zswap_check_invariants(zs, reason, sizeof(reason)), 0);
	ck_assert_ptr_nonnull(strstr(reason, "LRU ring index"));
	zs->slots[2].lru_ipos ^= 1;
	ck_assert_int_eq(zswap_check_invariants(zs, reason, sizeof(reason)), 0);
	zswap_destroy(zs);
}
END_TEST

static Suite *lru_suite(void)
{
	Suite *s = suite_create("zswap_lru");
	TCase *tc = tcase_create("ring");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ring_random_growing);
	tcase_add_test(tc, test_ring_random_steady);
	tcase_add_test(tc, test_ring_compaction_in_place);
	tcase_add_test(tc, test_ring_trim_ends);
	tcase_add_test(tc, test_ring_walk_order);
	tcase_add_test(tc, test_ring_invariant_detects);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return zt_run_suite(lru_suite());
}
