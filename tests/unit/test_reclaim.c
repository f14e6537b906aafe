// SPDX-License-Identifier: MIT
/*
 * Tests of the reclaim model (models/reclaim.c, vmscan.c, fault.c, memcg.c)
 * against the kernel rules of docs/kernel-parity.md §Workload runs.  A fake
 * swap layer records what reclaim asks of it and answers what each test
 * sets; expected figures are worked out in the comments from the kernel's
 * arithmetic.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/reclaim_internal.h"

/* ---- a fake swap layer ---------------------------------------------------------- */

struct fake {
	uint64_t outs, out_pages, out_calls, ins, ra_ins, frees, cleans, slab;
	int out_res;          /* what swap_out answers */
	int in_res;           /* what swap_in answers */
	int ra_res;           /* ... to a readahead read, if set (else in_res) */
	uint32_t last_out_slot;
	/* memcg 0's memory.current and the resident pages at each swap_out call */
	const struct reclaim *watch;
	uint64_t mem_at_out[64], res_at_out[64];
	unsigned nwatch;
};

static struct fake F;
static uint32_t next_content;

static void draw(void *ctx, unsigned task, unsigned nr, uint32_t *out)
{
	(void)ctx;
	(void)task;
	for (unsigned i = 0; i < nr; i++)
		out[i] = next_content++;
}

static void f_out(void *ctx, const struct reclaim_folio *f, unsigned n, int who, int *res)
{
	(void)ctx;
	(void)who;
	F.out_calls++;
	if (F.watch && F.nwatch < 64) {
		F.mem_at_out[F.nwatch] = F.watch->mc.m[0].memory;
		F.res_at_out[F.nwatch++] = reclaim_resident(F.watch);
	}
	for (unsigned i = 0; i < n; i++) {
		res[i] = F.out_res;
		F.outs++;
		F.out_pages += 1u << f[i].order;
		F.last_out_slot = f[i].slot;
	}
}

static int f_in(void *ctx, uint32_t slot, uint32_t memcg, int who, int ra)
{
	(void)ctx;
	(void)slot;
	(void)memcg;
	(void)who;
	F.ins++;
	F.ra_ins += ra != 0;
	return ra && F.ra_res ? F.ra_res : F.in_res;
}

static void f_free(void *ctx, uint32_t slot, uint32_t nr, uint32_t memcg, int who)
{
	(void)ctx;
	(void)slot;
	(void)memcg;
	(void)who;
	F.frees += nr;
}

static void f_clean(void *ctx, const struct reclaim_folio *f, int who)
{
	(void)ctx;
	(void)who;
	F.cleans += 1u << f->order;
}

static const struct reclaim_swap_ops fake_ops = {
	.swap_out = f_out, .swap_in = f_in, .swap_free = f_free, .swap_clean = f_clean,
};

/* One or more tasks (task t on CPU t), memcgs with limits, v1 or v2. */
struct setup {
	unsigned ntasks, nmemcg;
	uint32_t pages;
	int parents[4];
	struct memcg_limits lim[4];
	struct reclaim_config cfg;
};

static void setup_init(struct setup *s, enum memcg_version v, unsigned ntasks, uint32_t pages)
{
	memset(s, 0, sizeof(*s));
	memset(&F, 0, sizeof(F));
	F.out_res = RECLAIM_OUT_STORED;
	F.in_res = RECLAIM_IN_ZSWAP;
	next_content = 0;
	s->ntasks = ntasks;
	s->nmemcg = 1;
	s->pages = pages;
	for (int i = 0; i < 4; i++) {
		s->parents[i] = -1;
		s->lim[i] = (struct memcg_limits){ MEMCG_NOLIMIT, MEMCG_NOLIMIT, MEMCG_NOLIMIT,
						    MEMCG_NOLIMIT };
	}
	s->cfg = (struct reclaim_config){
		.cgroup = v, .hz = 250, .nslots = 1u << 16, .page_cluster = 0, .swappiness = 60,
		.reclaim_batch = 1, .ncpus = ntasks, .draw_content = draw, .seed = 1,
	};
}

static struct reclaim *setup_create(struct setup *s)
{
	struct reclaim_task_desc td[4];
	const char *names[4] = { "a", "b", "c", "d" };
	char err[256];

	for (unsigned i = 0; i < s->ntasks; i++)
		td[i] = (struct reclaim_task_desc){ s->pages, i };
	struct reclaim_topology t = { s->ntasks, td, s->nmemcg, s->parents, names, s->lim };
	struct reclaim *rm = reclaim_create(&s->cfg, &t, &fake_ops, NULL, err, sizeof(err));

	ck_assert_msg(rm, "reclaim_create: %s", err);
	return rm;
}

/* One request of a task in memcg. */
static int step_memcg(struct reclaim *rm, uint16_t memcg, unsigned task, unsigned op,
		      uint32_t vpage, uint32_t count)
{
	struct reclaim_req r = {
		.task = task, .vpage = vpage, .count = count, .content = RECLAIM_CONTENT_DRAW,
		.memcg = memcg, .op = (uint8_t)op,
	};
	int ret = reclaim_step(rm, &r);
	char reason[256];

	ck_assert_msg(ret >= 0, "reclaim_step: %d", ret);
	ck_assert_msg(!reclaim_check_invariants(rm, reason, sizeof(reason)), "invariant: %s", reason);
	return ret;
}

static int step(struct reclaim *rm, unsigned task, unsigned op, uint32_t vpage, uint32_t count)
{
	return step_memcg(rm, 0, task, op, vpage, count);
}

static void write_pages(struct reclaim *rm, unsigned task, uint32_t from, uint32_t n)
{
	for (uint32_t v = from; v < from + n; v++)
		step(rm, task, RECLAIM_OP_WRITE, v, 0);
}

/* ---- page state made ready on first touch -------------------------------------------------- */

static unsigned ready_chunks(const struct reclaim *rm)
{
	unsigned n = 0;

	for (uint64_t w = 0; w <= (rm->npages >> RC_CHUNK_SHIFT) / 64; w++)
		n += (unsigned)__builtin_popcountll(rm->ready[w]);
	return n;
}

/* Each task's base is aligned to the largest folio that fits in it (no
 * 512-page gap after a one-page task), and the page array is made ready one
 * 512-page chunk at a time when a task first touches it: a task declaring
 * 2^20 pages and touching one costs one chunk.  Walks over its whole range
 * (MADV_PAGEOUT, the exit) pass over the chunks never made ready. */
START_TEST(test_lazy_pages)
{
	struct setup s;
	char err[256];

	setup_init(&s, MEMCG_V2, 4, 0);
	struct reclaim_task_desc td[4] = { { 1, 0 }, { 3, 1 }, { 600, 2 }, { 1u << 20, 3 } };
	const char *names[1] = { "a" };
	struct reclaim_topology t = { 4, td, 1, s.parents, names, s.lim };
	struct reclaim *rm = reclaim_create(&s.cfg, &t, &fake_ops, NULL, err, sizeof(err));

	ck_assert_msg(rm, "reclaim_create: %s", err);
	ck_assert_uint_eq(rm->task[0].base, 0);
	ck_assert_uint_eq(rm->task[1].base, 2);      /* order 1 at most: 2-aligned */
	ck_assert_uint_eq(rm->task[2].base, 512);
	ck_assert_uint_eq(rm->task[3].base, 1536);
	ck_assert_uint_eq(ready_chunks(rm), 0);

	struct reclaim_req r = { .task = 1, .vpage = 1, .order = 1, .op = RECLAIM_OP_WRITE,
				 .content = RECLAIM_CONTENT_DRAW };

	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->pg[2].order, 1);       /* the folio of pages 0 and 1 */
	ck_assert_uint_eq(rm->pg[2].state, PS_MAPPED);
	ck_assert_uint_eq(rm->pg[3].state, PS_MAPPED);
	ck_assert_uint_eq(rm->pg[0].task, 0);
	ck_assert_uint_eq(rm->pg[1].task, UINT16_MAX);   /* the gap */
	ck_assert_uint_eq(rm->pg[4].task, 1);
	ck_assert_uint_eq(rm->pg[5].task, UINT16_MAX);
	ck_assert_uint_eq(rm->pg[512].task, 0);      /* chunk 1 not ready: zeroes, */
	ck_assert_uint_eq(rm->pg[512].slot, 0);
	ck_assert_uint_eq(rm->pg[512].state, PS_NONE);   /* which read as never touched */
	ck_assert_uint_eq(ready_chunks(rm), 1);

	step(rm, 3, RECLAIM_OP_WRITE, (1u << 20) - 1, 0);
	step(rm, 2, RECLAIM_OP_WRITE, 599, 0);
	ck_assert_uint_eq(ready_chunks(rm), 3);      /* chunks 0, 2 and the last */
	uint32_t g = 1536 + (1u << 20) - 1;

	ck_assert_uint_eq(rm->pg[g].task, 3);
	ck_assert_uint_eq(rm->pg[g].slot, RECLAIM_NIL);
	ck_assert_uint_eq(rm->pg[1536].task, 0);    /* chunk 3: not ready */
	rc_lru_add_drain(rm, 3);
	step(rm, 3, RECLAIM_OP_PAGEOUT, 0, 1u << 20);
	ck_assert_uint_eq(rm->pg[g].state, PS_SWAPPED);
	ck_assert_uint_eq(rc_slot_page(rm, rm->pg[g].slot), g);
	ck_assert_uint_eq(reclaim_task(rm, 3)->swapents, 1);
	step(rm, 3, RECLAIM_OP_EXIT, 0, 0);
	ck_assert_uint_eq(rm->pg[g].state, PS_NONE);
	ck_assert_uint_eq(rm->pg[g].slot, RECLAIM_NIL);
	ck_assert_uint_eq(reclaim_task(rm, 3)->swapents, 0);
	ck_assert_uint_eq(ready_chunks(rm), 3);      /* the walks made none ready */
	reclaim_destroy(rm);
}
END_TEST

/* ---- memory.high arithmetic ------------------------------------------------------------ */

START_TEST(test_high_delay_table)
{
	/* The table in mm/memcontrol.c above calculate_high_delay(): HZ 1000,
	 * memory.high 100M, one 64-page batch: 101M -> 6 ms, 102M -> 25,
	 * 103M -> 57, 104M -> 102, 105M -> 159, 110M -> 639, 117M -> 1849,
	 * 118M -> 2000 after the 2*HZ clamp (2073 before it). */
	static const struct { unsigned mb; uint64_t ms; } row[] = {
		{ 100, 0 }, { 101, 6 }, { 102, 25 }, { 103, 57 }, { 104, 102 }, { 105, 159 },
		{ 110, 639 }, { 117, 1849 }, { 118, 2073 },
	};
	struct memcg_set s;
	int parent = -1;
	struct memcg_limits lim = { MEMCG_NOLIMIT, 100 * 256, MEMCG_NOLIMIT, MEMCG_NOLIMIT };
	char err[128];

	ck_assert_int_eq(memcg_set_init(&s, MEMCG_V2, 1, &parent, NULL, &lim, 1000, err, sizeof(err)), 0);
	for (unsigned i = 0; i < sizeof(row) / sizeof(row[0]); i++) {
		s.m[0].memory = row[i].mb * 256ull;
		ck_assert_uint_eq(memcg_high_delay(&s, MEMCG_CHARGE_BATCH, memcg_max_overage(&s, 0)),
				  row[i].ms);
	}
	/* a quarter of the batch owes a quarter of the delay */
	s.m[0].memory = 110 * 256;
	ck_assert_uint_eq(memcg_high_delay(&s, 16, memcg_max_overage(&s, 0)), 639 * 16 / 64);
	/* try_charge_memcg(): over high means above it (page_counter_read() >
	 * memory.high), so usage at high schedules no reclaim */
	s.m[0].memory = 100 * 256;
	ck_assert_int_eq(memcg_over_high(&s, 0), 0);
	s.m[0].memory++;
	ck_assert_int_eq(memcg_over_high(&s, 0), 1);
	memcg_set_free(&s);
}
END_TEST

/* ---- charging ----------------------------------------------------------------------------- */

START_TEST(test_charge_stock)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 256);
	struct reclaim *rm = setup_create(&s);

	/* the first fault charges a batch of 64: 63 go to the CPU's stock */
	step(rm, 0, RECLAIM_OP_WRITE, 0, 0);
	ck_assert_uint_eq(reclaim_memcgs(rm)->m[0].memory, 64);
	write_pages(rm, 0, 1, 63);
	ck_assert_uint_eq(reclaim_memcgs(rm)->m[0].memory, 64);
	step(rm, 0, RECLAIM_OP_WRITE, 64, 0);
	ck_assert_uint_eq(reclaim_memcgs(rm)->m[0].memory, 128);
	reclaim_destroy(rm);
}
END_TEST

/* refill_stock() (mm/memcontrol.c): a CPU's stock caches NR_MEMCG_STOCK (7)
 * memcgs; the surplus of a batch for an eighth memcg, with every slot taken,
 * goes to slot get_random_u32_below(NR_MEMCG_STOCK) after drain_stock() gave
 * that slot's pages back (memcg_uncharge(): the memcg and every ancestor).
 * Eight memcgs under a parent p; task 0 on CPU 0 charges one page to each
 * in turn: a batch of 64 to the counters, 63 into the next empty slot, so
 * memcg c_i sits in slot i with memory 64 (p: 7 * 64 = 448).  From then on
 * the test charges one page to the one child that is not in the stock: its
 * counters take 64, 63 of them replace slot k, and the memcg that held k
 * falls to its own pages.  The model's get_random_u32_below() is CPU 0's
 * stream of the run's seed (rng_stream(seed ^ "stock", cpu), models/rng.h),
 * so the test draws the same numbers from its own copy: slot k of each
 * eviction is the next rng_below(7) of that stream.  Those draws being the
 * model's picks, the counts check the kernel's sense of random: uniform over
 * all 7 slots (7000 evictions: 1000 each on average, sd about 29), none
 * left out.  (Memcg indices: p is 0, c0..c7 are 1..8.) */
START_TEST(test_stock_eviction)
{
	enum { NCHILD = 8, ROUNDS = 7000 };
	struct setup s;
	char err[256];
	int parents[NCHILD + 1];
	struct memcg_limits lim[NCHILD + 1];
	const char *names[NCHILD + 1] = { "p", "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7" };
	uint64_t mem[NCHILD + 1] = { 0 }, stocked[NCHILD + 1] = { 0 };
	int slot[7];                            /* the child (memcg index) in each slot */
	unsigned given_up[7] = { 0 };
	int killed;

	setup_init(&s, MEMCG_V2, 1, 16);
	for (int i = 0; i <= NCHILD; i++) {
		parents[i] = i ? 0 : -1;
		lim[i] = s.lim[0];
	}
	struct reclaim_task_desc td[1] = { { 16, 0 } };
	struct reclaim_topology t = { 1, td, NCHILD + 1, parents, names, lim };
	struct reclaim *rm = reclaim_create(&s.cfg, &t, &fake_ops, NULL, err, sizeof(err));

	ck_assert_msg(rm, "reclaim_create: %s", err);
	/* slots 0..6 filled in order: no draw */
	for (int i = 0; i < 7; i++) {
		ck_assert_int_eq(rc_charge(rm, 0, (uint32_t)(1 + i), 1, 1, &killed), 0);
		slot[i] = 1 + i;
		mem[1 + i] = 64;
		stocked[1 + i] = 63;
	}
	mem[0] = 7 * 64;
	for (int m = 0; m <= NCHILD; m++)
		ck_assert_uint_eq(rm->mc.m[m].memory, mem[m]);
	/* a page of c0 again: slot 0 has 63, consume_stock() takes it */
	ck_assert_int_eq(rc_charge(rm, 0, 1, 1, 1, &killed), 0);
	stocked[1]--;
	ck_assert_uint_eq(rm->mc.m[1].memory, 64);

	uint64_t draw = rng_stream(s.cfg.seed ^ 0x73746f636bull, 0);   /* "stock", CPU 0 */
	int out = NCHILD;                       /* c7, in no slot */

	for (int r = 0; r < ROUNDS; r++) {
		unsigned k = rng_below(&draw, 7);
		int victim = slot[k];

		ck_assert_int_eq(rc_charge(rm, 0, (uint32_t)out, 1, 1, &killed), 0);
		mem[out] += 64;
		mem[victim] -= stocked[victim];
		mem[0] += 64 - stocked[victim];
		stocked[victim] = 0;
		stocked[out] = 63;
		slot[k] = out;
		given_up[k]++;
		for (int m = 0; m <= NCHILD; m++)
			if (rm->mc.m[m].memory != mem[m])   /* (ck_assert per round: slow) */
				ck_abort_msg("round %d (slot %u: memcg %d out, %d in): memcg %d "
					     "memory %llu, expected %llu", r, k, victim, out, m,
					     (unsigned long long)rm->mc.m[m].memory,
					     (unsigned long long)mem[m]);
		out = victim;
	}
	for (int k = 0; k < 7; k++)
		ck_assert_msg(given_up[k] > 850 && given_up[k] < 1150, "slot %d given up %u times",
			      k, given_up[k]);
	reclaim_destroy(rm);
}
END_TEST

START_TEST(test_zero_page_read)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 16);
	struct reclaim *rm = setup_create(&s);

	/* do_anonymous_page(): a read maps the zero page, nothing is charged */
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 3, 0), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(reclaim_memcgs(rm)->m[0].memory, 0);
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 3, 0), RECLAIM_HIT);
	ck_assert_uint_eq(reclaim_resident(rm), 0);
	/* the first write copies it into a folio */
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_WRITE, 3, 0), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(reclaim_resident(rm), 1);
	ck_assert_uint_eq(reclaim_memcgs(rm)->m[0].ev.pgfault, 2);
	reclaim_destroy(rm);
}
END_TEST

/* try_charge_memcg() with nothing reclaimable: 18 reclaim calls (one, the
 * stock drain, then 16 retries), then the OOM killer. */
START_TEST(test_oom_after_retries)
{
	struct setup s;

	setup_init(&s, MEMCG_V1, 1, 256);
	s.lim[0].max = 64;
	s.lim[0].memsw_max = 64;   /* memsw full: reclaim may not swap */
	struct reclaim *rm = setup_create(&s);

	write_pages(rm, 0, 0, 64);
	ck_assert_uint_eq(reclaim_memcgs(rm)->m[0].memsw, 64);
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_WRITE, 64, 0), RECLAIM_KILLED);
	const struct memcg_events *e = &reclaim_memcgs(rm)->m[0].ev;

	ck_assert_uint_eq(e->sim_reclaim_calls, 18);
	ck_assert_uint_eq(e->max, 18);
	ck_assert_uint_eq(e->oom, 1);
	ck_assert_uint_eq(e->oom_kill, 1);
	ck_assert_int_eq(reclaim_task(rm, 0)->killed, 1);
	ck_assert_uint_eq(reclaim_memcgs(rm)->m[0].memory, 0);
	ck_assert_uint_eq(F.outs, 0);
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_WRITE, 1, 0), RECLAIM_DEAD);
	reclaim_destroy(rm);
}
END_TEST

/* oom_evaluate_task(): points >= chosen, so the later of two equal tasks
 * dies and the charging task goes on. */
START_TEST(test_oom_victim_tie)
{
	struct setup s;

	setup_init(&s, MEMCG_V1, 2, 256);
	s.lim[0].max = 128;
	s.lim[0].memsw_max = 128;
	struct reclaim *rm = setup_create(&s);

	write_pages(rm, 0, 0, 64);
	write_pages(rm, 1, 0, 64);
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_WRITE, 64, 0), RECLAIM_FIRST_TOUCH);
	ck_assert_int_eq(reclaim_task(rm, 1)->killed, 1);
	ck_assert_int_eq(reclaim_task(rm, 0)->killed, 0);
	ck_assert_uint_eq(reclaim_memcgs(rm)->m[0].ev.oom_kill, 1);
	ck_assert_uint_eq(reclaim_task(rm, 0)->rss, 65);
	reclaim_destroy(rm);
}
END_TEST

/* ---- references ------------------------------------------------------------------------------ */

START_TEST(test_check_references_table)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 16);
	struct reclaim *rm = setup_create(&s);

	write_pages(rm, 0, 0, 1);
	struct rc_page *p = &rm->pg[rm->task[0].base];

	/* a fresh fault's PTE is young: first look keeps it and sets PG_referenced */
	ck_assert_int_eq(rc_check_references(rm, rm->task[0].base), FOLIOREF_KEEP);
	ck_assert(p->fflags & FF_REFERENCED);
	ck_assert(!(p->flags & PF_YOUNG));
	/* not young since: reclaim, PG_referenced cleared */
	ck_assert_int_eq(rc_check_references(rm, rm->task[0].base), FOLIOREF_RECLAIM);
	ck_assert(!(p->fflags & FF_REFERENCED));
	/* young and referenced: activate */
	p->flags |= PF_YOUNG;
	p->fflags |= FF_REFERENCED;
	ck_assert_int_eq(rc_check_references(rm, rm->task[0].base), FOLIOREF_ACTIVATE);
	reclaim_destroy(rm);
}
END_TEST

/* ---- the swap cache --------------------------------------------------------------------------- */

/* A page read back from disk is clean: reclaimed again it is dropped with
 * no write; one read back from zswap is dirty and written again. */
START_TEST(test_swapcache_clean_drop)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 16);
	struct reclaim *rm = setup_create(&s);

	write_pages(rm, 0, 0, 1);
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 1);
	ck_assert_uint_eq(F.outs, 1);
	uint32_t slot = F.last_out_slot;

	F.in_res = RECLAIM_IN_DISK;
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 0, 0), RECLAIM_MAJOR_DISK);
	ck_assert_uint_eq(rm->pg[rm->task[0].base].slot, slot);   /* keeps its slot */
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 1);
	ck_assert_uint_eq(F.outs, 1);                             /* no second write */
	ck_assert_uint_eq(F.cleans, 1);
	ck_assert_uint_eq(reclaim_memcgs(rm)->m[0].ev.sim_swapcache_drop, 1);

	F.in_res = RECLAIM_IN_ZSWAP;
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 0, 0), RECLAIM_MAJOR_ZSWAP);
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 1);
	ck_assert_uint_eq(F.outs, 2);
	ck_assert_uint_eq(F.last_out_slot, slot);                 /* the same slot again */

	/* a write fault frees the slot; the next swap-out takes a new one */
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_WRITE, 0, 0), RECLAIM_MAJOR_ZSWAP);
	ck_assert_uint_eq(F.frees, 1);
	ck_assert_uint_eq(rm->pg[rm->task[0].base].slot, RECLAIM_NIL);
	reclaim_destroy(rm);
}
END_TEST

/* ---- readahead ---------------------------------------------------------------------------------- */

/* swap_vma_ra_win(): the first fault of a VMA counts 4 hits -> window 8,
 * centred: (8 - 1) / 2 = 3 pages before the fault. */
START_TEST(test_vma_readahead)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	s.cfg.page_cluster = 3;
	struct reclaim *rm = setup_create(&s);

	write_pages(rm, 0, 0, 64);
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 64);
	ck_assert_uint_eq(F.out_pages, 64);
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 20, 0), RECLAIM_MAJOR_ZSWAP);
	ck_assert_uint_eq(F.ins, 8);          /* pages 17..24 */
	ck_assert_uint_eq(F.ra_ins, 7);
	for (uint32_t v = 17; v < 25; v++)
		ck_assert_int_ne(rm->pg[rm->task[0].base + v].state, PS_SWAPPED);
	ck_assert_int_eq(rm->pg[rm->task[0].base + 16].state, PS_SWAPPED);
	ck_assert_int_eq(rm->pg[rm->task[0].base + 25].state, PS_SWAPPED);
	/* a hit on a readahead page: minor fault, one readahead hit */
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 21, 0), RECLAIM_MINOR);
	ck_assert_uint_eq(reclaim_memcgs(rm)->m[0].ev.swap_ra_hit, 1);
	/* next miss at 25: 1 hit -> 3 pages -> 4, at least half the last
	 * window (4); 25 is not next to 21: centred, 1 before: 24..27, and 24
	 * is in the swap cache already */
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 25, 0), RECLAIM_MAJOR_ZSWAP);
	ck_assert_uint_eq(F.ins, 11);
	ck_assert_int_eq(rm->pg[rm->task[0].base + 28].state, PS_SWAPPED);
	reclaim_destroy(rm);
}
END_TEST


/* A task's first swap fault has no previous address to be next to (the
 * kernel's empty swap_readahead_info reads as address 0, 4 hits): at vpage
 * 1, 4 hits give 6 pages, rounded up to 8, centred: 1 - 3 .. 1 + 5, clipped
 * to the VMA: pages 0..5.  Before, vpage 1 counted as next to vpage 0 and
 * read 1..8. */
START_TEST(test_readahead_first_fault)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	s.cfg.page_cluster = 3;
	struct reclaim *rm = setup_create(&s);
	uint32_t base = rm->task[0].base;

	write_pages(rm, 0, 0, 64);
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 64);
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 1, 0), RECLAIM_MAJOR_ZSWAP);
	ck_assert_uint_eq(F.ins, 6);
	ck_assert_int_ne(rm->pg[base].state, PS_SWAPPED);
	ck_assert_int_ne(rm->pg[base + 5].state, PS_SWAPPED);
	ck_assert_int_eq(rm->pg[base + 6].state, PS_SWAPPED);
	reclaim_destroy(rm);
}
END_TEST

/* PG_readahead is PG_reclaim: a fault on a folio whose pageout write is in
 * flight (PG_reclaim set by pageout()) counts a readahead hit, raises the
 * VMA's hits (4 -> 5) and clears the bit (swap_update_readahead()), so the
 * write's end does not rotate the folio (folio_end_writeback()).  Before,
 * the model kept two bits: no hit, and a rotation. */
START_TEST(test_readahead_is_reclaim)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	s.cfg.page_cluster = 3;
	struct reclaim *rm = setup_create(&s);
	uint32_t base = rm->task[0].base;

	write_pages(rm, 0, 0, 31);
	F.out_res = RECLAIM_OUT_DISK_ASYNC;
	step(rm, 0, RECLAIM_OP_PAGEOUT, 5, 1);
	uint32_t slot = rm->pg[base + 5].slot;

	ck_assert(rm->pg[base + 5].fflags & FF_WRITEBACK);
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 5, 0), RECLAIM_MINOR);
	ck_assert_uint_eq(rm->mc.m[0].ev.swap_ra_hit, 1);
	ck_assert_uint_eq(rm->task[0].ra_hits, 5);
	reclaim_write_done(rm, slot);
	ck_assert_uint_eq(rm->mc.m[0].ev.pgrotated, 0);
	ck_assert(!(rm->pg[base + 5].fflags & (FF_WRITEBACK | FF_RECLAIM)));
	reclaim_destroy(rm);
}
END_TEST

/* A folio that zswap rejects with writeback off comes back from pageout()
 * as AOP_WRITEPAGE_ACTIVATE, and writeout() clears the PG_reclaim it set:
 * the fault on it (a swap-cache hit, the PTE is a swap entry since
 * try_to_unmap()) is no readahead hit.  Before, the bit stayed and read as
 * PG_readahead: swap_ra_hit 1 and the VMA's hits raised. */
START_TEST(test_activate_clears_reclaim)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	s.cfg.page_cluster = 3;
	struct reclaim *rm = setup_create(&s);
	uint32_t base = rm->task[0].base;

	write_pages(rm, 0, 0, 31);
	F.out_res = RECLAIM_OUT_ACTIVATE;
	step(rm, 0, RECLAIM_OP_PAGEOUT, 5, 1);
	ck_assert_uint_eq(F.outs, 1);
	ck_assert(!(rm->pg[base + 5].fflags & FF_RECLAIM));
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 5, 0), RECLAIM_MINOR);
	ck_assert_uint_eq(rm->mc.m[0].ev.swap_ra_hit, 0);
	ck_assert_uint_eq(rm->task[0].ra_hits, 4);
	reclaim_destroy(rm);
}
END_TEST

/* obj_cgroup_charge_zswap() goes through try_charge_memcg() under
 * PF_MEMALLOC: at memory.max the charge is forced and counts a `max` event
 * (force:), never reclaims; below max it charges a 64-page batch and keeps
 * 63 in the CPU's stock, and over memory.high the task owes the batch
 * (done_restock:).  Uncharged pages go back to the stock (refill_stock()).
 * Before, the model added the pages to memory.current directly: no event,
 * no stock, no debt. */
START_TEST(test_zswap_charge_try_charge)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	s.lim[0].max = 16;
	struct reclaim *rm = setup_create(&s);

	write_pages(rm, 0, 0, 16);
	ck_assert_uint_eq(rm->mc.m[0].memory, 16);
	uint64_t max0 = rm->mc.m[0].ev.max, out0 = F.outs;

	rm->task[0].in_reclaim = 1;          /* zswap_store() runs in reclaim */
	reclaim_zswap_charge(rm, 0, 0, 2000);
	ck_assert_uint_eq(rm->mc.m[0].memory, 17);
	ck_assert_uint_eq(rm->mc.m[0].ev.max, max0 + 1);
	ck_assert_uint_eq(F.outs, out0);     /* no reclaim from inside reclaim */
	rm->task[0].in_reclaim = 0;
	reclaim_zswap_charge(rm, 0, 0, -2000);
	ck_assert_uint_eq(rm->mc.m[0].zswap_pages, 0);
	reclaim_destroy(rm);

	setup_init(&s, MEMCG_V2, 1, 64);
	s.lim[0].high = 4;
	rm = setup_create(&s);
	rm->task[0].in_reclaim = 1;
	reclaim_zswap_charge(rm, 0, 0, 3000); /* stock miss: a 64-page batch */
	ck_assert_uint_eq(rm->mc.m[0].memory, 64);
	ck_assert_uint_eq(rm->task[0].nr_over_high, 64);
	reclaim_zswap_charge(rm, 0, 0, 4096); /* one more page, from the stock */
	ck_assert_uint_eq(rm->mc.m[0].memory, 64);
	ck_assert_uint_eq(rm->task[0].nr_over_high, 64);
	reclaim_zswap_charge(rm, 0, 0, -7096); /* two pages back to the stock */
	ck_assert_uint_eq(rm->mc.m[0].memory, 64);
	rm->task[0].in_reclaim = 0;
	reclaim_destroy(rm);
}
END_TEST

/* The LRU batch around a swap fault: swap_vma_readahead() drains it after a
 * readahead loop, not when the window is one page (goto skip); do_swap_page()
 * drains it before mapping a write to a folio not on the LRU, so that the
 * batch's reference does not keep the slot: the write frees it
 * (should_try_to_free_swap(): refcount 1 + nr). */
START_TEST(test_swapin_lru_drain)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 256);
	struct reclaim *rm = setup_create(&s);
	uint32_t base = rm->task[0].base;

	write_pages(rm, 0, 0, 31);                     /* one batch: on the list */
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 4);
	write_pages(rm, 0, 31, 5);                     /* 5 in CPU 0's batch */
	ck_assert_uint_eq(rm->cpu[0].n, 5);
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 0, 0), RECLAIM_MAJOR_ZSWAP);
	ck_assert_uint_eq(rm->cpu[0].n, 6);            /* window 1: no drain */
	ck_assert(rm->pg[base].flags & PF_PENDING);
	ck_assert_uint_ne(rm->pg[base].slot, RECLAIM_NIL);   /* a read keeps the slot */
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_WRITE, 1, 0), RECLAIM_MAJOR_ZSWAP);
	ck_assert_uint_eq(rm->cpu[0].n, 0);            /* drained for the write */
	ck_assert(rm->pg[base + 1].flags & PF_ONLRU);
	ck_assert_uint_eq(rm->pg[base + 1].slot, RECLAIM_NIL);
	ck_assert_uint_eq(F.frees, 1);
	reclaim_destroy(rm);
}
END_TEST

/* A readahead read from the swap device in flight (a timing backend's
 * asynchronous read): the folio is in the swap cache, locked and off the
 * LRU until the read ends (folio_end_read()); then it is an ordinary
 * readahead folio. */
START_TEST(test_readahead_async)
{
	struct setup s;
	char reason[256];

	setup_init(&s, MEMCG_V2, 1, 64);
	s.cfg.page_cluster = 3;
	struct reclaim *rm = setup_create(&s);

	write_pages(rm, 0, 0, 64);
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 64);
	F.in_res = RECLAIM_IN_DISK;
	F.ra_res = RECLAIM_IN_DISK_ASYNC;
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 20, 0), RECLAIM_MAJOR_DISK);
	ck_assert_uint_eq(F.ra_ins, 7);
	uint32_t g = rm->task[0].base + 21;
	struct rc_page *p = &rm->pg[g];

	ck_assert_int_eq(p->state, PS_CACHED);
	ck_assert(p->fflags & FF_LOCKED);
	ck_assert(!(p->flags & (PF_ONLRU | PF_PENDING)));
	ck_assert_uint_eq(reclaim_memcgs(rm)->m[0].ev.swap_ra, 7);
	reclaim_read_done(rm, p->slot, 0);
	ck_assert(!(p->fflags & FF_LOCKED));
	ck_assert(p->flags & PF_PENDING);            /* in the CPU's LRU batch */
	ck_assert_msg(!reclaim_check_invariants(rm, reason, sizeof(reason)), "%s", reason);
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 21, 0), RECLAIM_MINOR);
	ck_assert_uint_eq(reclaim_memcgs(rm)->m[0].ev.swap_ra_hit, 1);
	/* a second end for the same slot changes nothing */
	reclaim_read_done(rm, p->slot, 0);
	ck_assert_int_eq(p->state, PS_MAPPED);
	reclaim_destroy(rm);
}
END_TEST

/* ---- more rules --------------------------------------------------------------------------------- */

static void to_active(struct reclaim *rm, unsigned task, uint32_t from, uint32_t n)
{
	rc_lru_add_drain(rm, (int)task);
	for (uint32_t v = from; v < from + n; v++) {
		uint32_t g = rm->task[task].base + v;

		rc_lru_del(rm, g);
		rc_lru_add(rm, g, LRU_ACTIVE, 0);
	}
}

/* workingset_refault(): activated iff the pages evicted since (the refault
 * distance, the page's own eviction included) are at most the active list. */
START_TEST(test_workingset_refault)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	struct reclaim *rm = setup_create(&s);
	const struct memcg_events *e = &rm->mc.m[0].ev;

	write_pages(rm, 0, 0, 32);
	to_active(rm, 0, 24, 8);                       /* active list: 8 pages */
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 1);         /* evict 0 */
	step(rm, 0, RECLAIM_OP_PAGEOUT, 1, 7);         /* 7 more: distance 8 */
	step(rm, 0, RECLAIM_OP_READ, 0, 0);
	ck_assert_uint_eq(e->workingset_refault_anon, 1);
	ck_assert_uint_eq(e->workingset_activate_anon, 1);
	ck_assert(rm->pg[rm->task[0].base].fflags & FF_ACTIVE);
	/* now 9 active; evict 8, then 9 more: distance 10 > 9 */
	step(rm, 0, RECLAIM_OP_PAGEOUT, 8, 1);
	step(rm, 0, RECLAIM_OP_PAGEOUT, 9, 9);
	step(rm, 0, RECLAIM_OP_READ, 8, 0);
	ck_assert_uint_eq(e->workingset_refault_anon, 2);
	ck_assert_uint_eq(e->workingset_activate_anon, 1);
	ck_assert_uint_eq(e->workingset_restore_anon, 0);
	reclaim_destroy(rm);
}
END_TEST

/* MADV_PAGEOUT (reclaim_pages(), reclaim_folio_list()): no target memcg, so
 * evictions take the root's workingset clock and nothing counts PGSTEAL; the
 * folios lose PG_active on the way (folio_clear_active()), so one kept under
 * writeback goes back to the inactive list. */
START_TEST(test_pageout_root_clock)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	struct reclaim *rm = setup_create(&s);
	uint32_t base = rm->task[0].base;

	write_pages(rm, 0, 0, 32);
	to_active(rm, 0, 24, 8);                       /* 24 inactive, 8 active */
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 4);
	ck_assert_uint_eq(rm->mc.m[0].ev.pgsteal, 0);
	ck_assert_uint_eq(rm->lru[rm->mc.n].nonresident_age, 4);
	ck_assert_uint_eq(rm->lru[0].nonresident_age, 0);
	ck_assert_uint_eq(rm->pg[base].next, rm->mc.n);      /* the shadow's clock */
	F.out_res = RECLAIM_OUT_DISK_ASYNC;
	step(rm, 0, RECLAIM_OP_PAGEOUT, 24, 1);        /* active, its write in flight */
	ck_assert_uint_eq(rm->lru[0].pages[LRU_ACTIVE], 7);
	ck_assert_uint_eq(rm->lru[0].pages[LRU_INACTIVE], 21);
	reclaim_destroy(rm);
}
END_TEST

/* activate_locked: folio_free_swap() when swap is getting full (v2: half of
 * memory.swap.max charged) gives a slot back only when nothing else holds
 * it: a folio rejected after its unmap keeps its slot (its swap PTE holds
 * the entry), and so does one met again while its write is in flight. */
START_TEST(test_activate_keeps_held_slot)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	s.lim[0].swap_max = 4;
	struct reclaim *rm = setup_create(&s);
	uint32_t base = rm->task[0].base;

	write_pages(rm, 0, 0, 31);                     /* one batch: on the list */
	F.out_res = RECLAIM_OUT_ACTIVATE;              /* rejected, writeback off */
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 2);         /* the second fills half */
	ck_assert_uint_eq(rm->mc.m[0].ev.pgactivate, 2);
	ck_assert_uint_eq(F.frees, 0);
	ck_assert_uint_eq(rm->mc.m[0].swap, 2);
	ck_assert_uint_ne(rm->pg[base + 1].slot, RECLAIM_NIL);
	F.out_res = RECLAIM_OUT_DISK_ASYNC;
	step(rm, 0, RECLAIM_OP_PAGEOUT, 2, 1);         /* in flight, kept */
	for (uint32_t v = 3; v < 31; v++)
		rm->pg[base + v].flags &= (uint8_t)~PF_YOUNG;
	step(rm, 0, RECLAIM_OP_RECLAIM, 0, 64);         /* meets page 2 again */
	ck_assert(rm->pg[base + 2].fflags & FF_RECLAIM);  /* met under writeback */
	ck_assert_uint_eq(rm->mc.m[0].ev.pgactivate, 3);   /* and activated */
	ck_assert_uint_ne(rm->pg[base + 2].slot, RECLAIM_NIL);
	ck_assert_uint_eq(F.frees, 0);
	reclaim_destroy(rm);
}
END_TEST

/* do_swap_page(): a write fault on a folio whose write to the swap device is
 * in flight maps it but keeps its slot (folio_free_swap() ->
 * folio_swapcache_freeable() refuses a folio under writeback); the write's
 * end then clears PG_writeback, and the slot is not handed to another folio
 * meanwhile.  Before, the fault freed the slot: the write's end found no
 * owner, PG_writeback stayed set and every later scan activated the folio. */
START_TEST(test_fault_keeps_slot_under_writeback)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	struct reclaim *rm = setup_create(&s);
	uint32_t base = rm->task[0].base;

	write_pages(rm, 0, 0, 31);
	F.out_res = RECLAIM_OUT_DISK_ASYNC;
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 1);
	uint32_t slot = rm->pg[base].slot;

	ck_assert_uint_ne(slot, RECLAIM_NIL);
	ck_assert(rm->pg[base].fflags & FF_WRITEBACK);
	step(rm, 0, RECLAIM_OP_WRITE, 0, 0);           /* a write fault meanwhile */
	ck_assert_uint_eq(rm->pg[base].state, PS_MAPPED);
	ck_assert_uint_eq(rm->pg[base].slot, slot);    /* kept */
	ck_assert_uint_eq(F.frees, 0);
	ck_assert_uint_eq(rm->mc.m[0].swap, 1);
	step(rm, 0, RECLAIM_OP_PAGEOUT, 5, 1);         /* another folio: another slot */
	ck_assert_uint_ne(rm->pg[base + 5].slot, slot);
	reclaim_write_done(rm, slot);
	ck_assert(!(rm->pg[base].fflags & FF_WRITEBACK));
	ck_assert(rm->pg[base].fflags & FF_DIRTY);      /* written since: a new copy is due */
	reclaim_destroy(rm);
}
END_TEST

/* An mTHP fault without MADV_HUGEPAGE charges with GFP_TRANSHUGE_LIGHT, which
 * has no __GFP_RECLAIM bit: try_charge_memcg() charges exactly the folio
 * (!gfpflags_allow_spinning(): batch = nr_pages, no stock refill), and over
 * memory.high still adds the folio to the task's debt (done_restock), paid
 * on the way back to user space: reclaim_high() counts a high event.
 * Before, the model charged a batch of 64 (48 pages to the stock) and owed
 * nothing. */
START_TEST(test_mthp_charge_exact)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 256);
	s.lim[0].high = 40;
	struct reclaim *rm = setup_create(&s);
	struct reclaim_req r = { .task = 0, .vpage = 0, .order = 4, .op = RECLAIM_OP_WRITE,
				 .content = RECLAIM_CONTENT_DRAW };

	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->pg[rm->task[0].base].order, 4);
	ck_assert_uint_eq(rm->mc.m[0].memory, 16);     /* not 64, 48 of them stocked */
	r.vpage = 16;
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->mc.m[0].memory, 32);
	ck_assert_uint_eq(rm->mc.m[0].ev.high, 0);     /* 32 <= 40 */
	r.vpage = 32;
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->pg[rm->task[0].base + 32].order, 4);
	ck_assert_uint_eq(rm->mc.m[0].ev.high, 1);     /* 48 > 40: the debt of 16 paid */
	ck_assert_uint_eq(rm->task[0].nr_over_high, 0);
	reclaim_destroy(rm);
}
END_TEST

/* The same allocation may not reclaim for the RAM either (alloc_anon_folio()
 * with vma_thp_gfp_mask(): no __GFP_DIRECT_RECLAIM): with fewer free pages
 * than the folio, the fault falls back to order 0, reclaiming for that one
 * page.  Before, the model reclaimed until the mTHP fitted. */
START_TEST(test_mthp_no_direct_reclaim)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 256);
	s.cfg.ram_pages = 40;
	struct reclaim *rm = setup_create(&s);
	struct reclaim_req r = { .task = 0, .order = 4, .op = RECLAIM_OP_WRITE,
				 .content = RECLAIM_CONTENT_DRAW };
	uint32_t base = rm->task[0].base;

	for (r.vpage = 0; r.vpage < 32; r.vpage += 16)
		ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->resident, 32);
	r.vpage = 32;                                   /* 16 more do not fit in 40 */
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->pg[base + 32].order, 0);
	ck_assert_uint_eq(rm->pg[base + 33].state, PS_NONE);
	ck_assert_uint_eq(rm->resident, 33);
	ck_assert_uint_eq(rm->mc.m[0].ev.pgscan, 0);   /* and nothing reclaimed */
	ck_assert_uint_eq(reclaim_mthp(rm, 4)->anon_fault_alloc, 2);
	ck_assert_uint_eq(reclaim_mthp(rm, 4)->anon_fault_fallback, 1);
	ck_assert_uint_eq(reclaim_mthp(rm, 4)->anon_fault_fallback_charge, 0);
	reclaim_destroy(rm);
}
END_TEST

/* workingset_test_recent(): active anon counts in the workingset size when
 * the eviction memcg may still swap (mem_cgroup_get_nr_swap_pages()); for the
 * root's clock that is the machine's free swap, whatever memory.swap.max any
 * memcg has.  Memcg a may not swap; the task is in b; its pages are paged out
 * on the root's clock: distance 8 <= 8 active pages, activated. */
START_TEST(test_refault_root_swap)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	s.nmemcg = 2;
	s.lim[0].swap_max = 0;
	struct reclaim *rm = setup_create(&s);
	const struct memcg_events *e = &rm->mc.m[1].ev;

	for (uint32_t v = 0; v < 32; v++)
		step_memcg(rm, 1, 0, RECLAIM_OP_WRITE, v, 0);
	to_active(rm, 0, 24, 8);
	step_memcg(rm, 1, 0, RECLAIM_OP_PAGEOUT, 0, 1);
	step_memcg(rm, 1, 0, RECLAIM_OP_PAGEOUT, 1, 7);
	step_memcg(rm, 1, 0, RECLAIM_OP_READ, 0, 0);
	ck_assert_uint_eq(e->workingset_refault_anon, 1);
	ck_assert_uint_eq(e->workingset_activate_anon, 1);
	reclaim_destroy(rm);
}
END_TEST

/* alloc_anon_folio(): an mTHP charge may not block; over the limit the fault
 * falls back to order 0. */
START_TEST(test_mthp_fallback)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	s.lim[0].max = 16;
	struct reclaim *rm = setup_create(&s);
	struct reclaim_req r = {
		.task = 0, .vpage = 0, .content = RECLAIM_CONTENT_DRAW, .op = RECLAIM_OP_WRITE,
		.order = 4,
	};

	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->pg[rm->task[0].base + 5].order, 4);
	ck_assert_uint_eq(rm->mc.m[0].memory, 16);    /* the batch did not fit, the exact 16 did */
	r.vpage = 16;
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->pg[rm->task[0].base + 16].order, 0);
	ck_assert_int_eq(rm->pg[rm->task[0].base + 17].state, PS_NONE);
	/* hugepages-64kB/stats: one mapped, one charge fallback */
	ck_assert_uint_eq(reclaim_mthp(rm, 4)->anon_fault_alloc, 1);
	ck_assert_uint_eq(reclaim_mthp(rm, 4)->anon_fault_fallback, 1);
	ck_assert_uint_eq(reclaim_mthp(rm, 4)->anon_fault_fallback_charge, 1);
	ck_assert_uint_eq(reclaim_orders_used(rm), 1u << 4);
	ck_assert_ptr_null(reclaim_mthp(rm, 0));
	ck_assert_ptr_null(reclaim_mthp(rm, RECLAIM_MAX_ORDER + 1));
	reclaim_destroy(rm);
}
END_TEST

/* A read in a MADV_HUGEPAGE (order-9) region whose 512 pages are all
 * unpopulated maps the huge zero page (do_huge_pmd_anonymous_page()): one
 * fault, no charge, the region's other reads are hits; a write then
 * allocates a PMD folio (do_huge_zero_wp_pmd()).  When the PMD folio's
 * charge fails, or part of the region was unmapped, the PMD is split into
 * zero-page PTEs (__split_huge_pmd()) and a write copies one page.  Before,
 * each read faulted a 4 KiB zero page and a write got order 0. */
START_TEST(test_huge_zero_page)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 2048);
	s.lim[0].max = 700;
	struct reclaim *rm = setup_create(&s);
	struct reclaim_req r = { .task = 0, .vpage = 5, .order = 9, .op = RECLAIM_OP_READ,
				 .content = RECLAIM_CONTENT_DRAW };
	uint32_t base = rm->task[0].base;

	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_int_eq(rm->pg[base + 511].state, PS_ZEROPAGE);
	r.vpage = 300;
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_HIT);
	ck_assert_uint_eq(rm->mc.m[0].ev.pgfault, 1);
	ck_assert_uint_eq(rm->mc.m[0].memory, 0);
	r.op = RECLAIM_OP_WRITE;
	r.vpage = 7;
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->pg[base].order, 9);
	ck_assert_int_eq(rm->pg[base + 300].state, PS_MAPPED);
	ck_assert_uint_eq(rm->mc.m[0].memory, 512);
	ck_assert_uint_eq(reclaim_task(rm, 0)->rss, 512);

	/* the next region: read, then a write whose 512 pages do not fit
	 * under memory.max 700 beside the first (a PMD charge never OOM-kills,
	 * and reclaim finds nothing it can take without swap) */
	r.op = RECLAIM_OP_READ;
	r.vpage = 512;
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	r.op = RECLAIM_OP_WRITE;
	r.vpage = 520;
	F.out_res = RECLAIM_OUT_ACTIVATE;              /* nothing leaves memory */
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_int_eq(rm->pg[base + 520].state, PS_MAPPED);
	ck_assert_uint_eq(rm->pg[base + 520].order, 0);
	ck_assert_int_eq(rm->pg[base + 521].state, PS_ZEROPAGE);
	ck_assert_uint_eq(rm->pg[base + 521].order, 0);   /* split */
	/* vma_alloc_anon_folio_pmd(): the first PMD counted thp_fault_alloc,
	 * the second's failed charge thp_fault_fallback and _charge */
	ck_assert_uint_eq(reclaim_vmstat(rm)->thp_fault_alloc, 1);
	ck_assert_uint_eq(rm->mc.m[0].ev.thp_fault_alloc, 1);
	ck_assert_uint_eq(reclaim_vmstat(rm)->thp_fault_fallback, 1);
	ck_assert_uint_eq(reclaim_vmstat(rm)->thp_fault_fallback_charge, 1);
	ck_assert_uint_eq(reclaim_task(rm, 0)->zero_faults, 2);
	ck_assert_uint_eq(reclaim_task(rm, 0)->first_touch, 2);
	ck_assert_uint_eq(reclaim_task(rm, 0)->faults, 4);

	/* a third region, part of it unmapped: split, a write gets order 0 */
	r.op = RECLAIM_OP_READ;
	r.vpage = 1024;
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	step(rm, 0, RECLAIM_OP_FREE, 1030, 1);
	ck_assert_int_eq(rm->pg[base + 1030].state, PS_NONE);
	ck_assert_uint_eq(rm->pg[base + 1031].order, 0);
	r.op = RECLAIM_OP_WRITE;
	r.vpage = 1031;
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->pg[base + 1031].order, 0);
	ck_assert_int_eq(rm->pg[base + 1032].state, PS_ZEROPAGE);
	char reason[256];

	ck_assert_msg(!reclaim_check_invariants(rm, reason, sizeof(reason)), "%s", reason);
	reclaim_destroy(rm);
}
END_TEST

/* do_swap_page() on a large folio in the swap cache (here an order-4 folio
 * that zswap rejected with writeback off: unmapped, activated, its 16 swap
 * entries in its PTEs): one fault maps the whole folio (swap_pte_batch() ==
 * nr), and a write by its one user frees all 16 slots
 * (should_try_to_free_swap(): refcount 1 + nr; folio_free_swap()).  Before,
 * each page took a fault of its own and the slots stayed. */
START_TEST(test_large_swapcache_fault)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	struct reclaim *rm = setup_create(&s);
	struct reclaim_req r = { .task = 0, .vpage = 0, .order = 4, .op = RECLAIM_OP_WRITE,
				 .content = RECLAIM_CONTENT_DRAW };
	uint32_t base = rm->task[0].base;

	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	F.out_res = RECLAIM_OUT_ACTIVATE;
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 16);
	ck_assert_int_eq(rm->pg[base + 3].state, PS_CACHED);
	ck_assert_uint_eq(rm->mc.m[0].swap, 16);
	ck_assert_uint_eq(reclaim_task(rm, 0)->rss, 0);
	uint64_t pgfault = rm->mc.m[0].ev.pgfault;

	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_WRITE, 3, 0), RECLAIM_MINOR);
	ck_assert_uint_eq(reclaim_task(rm, 0)->rss, 16);
	ck_assert_uint_eq(reclaim_task(rm, 0)->swapents, 0);
	ck_assert_uint_eq(rm->mc.m[0].ev.pgfault, pgfault + 1);
	for (uint32_t i = 0; i < 16; i++) {
		ck_assert_int_eq(rm->pg[base + i].state, PS_MAPPED);
		ck_assert_uint_eq(rm->pg[base + i].slot, RECLAIM_NIL);
	}
	ck_assert_uint_eq(rm->mc.m[0].swap, 0);
	ck_assert_uint_eq(F.frees, 16);
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 9, 0), RECLAIM_HIT);
	reclaim_destroy(rm);
}
END_TEST

/* zswap writeback's folio: charged to the entry's memcg, in the swap cache
 * unmapped and clean; freed by a later scan without another write. */
START_TEST(test_writeback_folio)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 16);
	struct reclaim *rm = setup_create(&s);
	uint32_t g = rm->task[0].base;

	write_pages(rm, 0, 0, 1);
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 1);
	ck_assert_int_eq(rm->pg[g].state, PS_SWAPPED);
	uint32_t slot = rm->pg[g].slot, resident = (uint32_t)reclaim_resident(rm);

	ck_assert_int_eq(reclaim_writeback_folio(rm, slot, RECLAIM_WHO_WORKER), 0);
	ck_assert_int_eq(rm->pg[g].state, PS_CACHED);
	ck_assert_uint_eq(reclaim_resident(rm), resident + 1);
	ck_assert_uint_eq(rm->mc.m[0].ev.workingset_refault_anon, 1);
	ck_assert_int_eq(reclaim_writeback_folio(rm, slot, RECLAIM_WHO_WORKER), -EEXIST);
	reclaim_writeback_unlock(rm, slot, RECLAIM_WHO_WORKER, 1);
	reclaim_write_done(rm, slot);
	ck_assert(!(rm->pg[g].fflags & FF_WRITEBACK));
	/* it waits in CPU 0's LRU batch: memory.reclaim finds it only in its
	 * last round, which drains every CPU (16 empty rounds before) */
	step(rm, 0, RECLAIM_OP_RECLAIM, 0, 1);
	ck_assert_int_eq(rm->pg[g].state, PS_SWAPPED);
	ck_assert_uint_eq(rm->mc.m[0].ev.sim_reclaim_calls, 17);
	ck_assert_uint_eq(rm->mc.m[0].ev.sim_swapcache_drop, 1);
	ck_assert_uint_eq(F.outs, 1);
	reclaim_destroy(rm);
}
END_TEST

/* memory.high: over it and unable to reclaim (swappiness 0), the task
 * reclaims 1 + 16 times and sleeps the clamped 2 * HZ jiffies. */
START_TEST(test_high_throttle)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 256);
	s.lim[0].high = 64;
	s.cfg.swappiness = 0;
	struct reclaim *rm = setup_create(&s);

	write_pages(rm, 0, 0, 64);
	ck_assert_uint_eq(reclaim_task(rm, 0)->throttle_ns, 0);
	/* the second batch: 128 pages, overage 100 %: penalty 16000 jiffies,
	 * clamped to 500 = 2 s at HZ 250 */
	step(rm, 0, RECLAIM_OP_WRITE, 64, 0);
	ck_assert_uint_eq(rm->mc.m[0].ev.high, 17);
	ck_assert_uint_eq(reclaim_task(rm, 0)->throttle_ns, 2000000000ull);
	reclaim_destroy(rm);
}
END_TEST

/* reclaim_high() goes up the tree past levels under their memory.high: a
 * task in a child with no high, its parent over high (the same arithmetic as
 * test_high_throttle, on the parent). */
START_TEST(test_high_parent)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 256);
	s.nmemcg = 2;
	s.parents[1] = 0;
	s.lim[0].high = 64;
	s.cfg.swappiness = 0;
	struct reclaim *rm = setup_create(&s);

	for (uint32_t v = 0; v <= 64; v++)
		step_memcg(rm, 1, 0, RECLAIM_OP_WRITE, v, 0);
	ck_assert_uint_eq(rm->mc.m[0].ev.high, 17);
	ck_assert_uint_eq(rm->mc.m[1].ev.high, 0);
	ck_assert_uint_eq(reclaim_task(rm, 0)->throttle_ns, 2000000000ull);
	reclaim_destroy(rm);
}
END_TEST

/* try_charge_memcg() (mm/memcontrol.c): a charge that reaches the page
 * counters while the memcg is over memory.high adds its batch to the task's
 * debt (current->memcg_nr_pages_over_high += batch) and handles it at once,
 * before the charge returns, only when the debt is more than
 * MEMCG_CHARGE_BATCH (64) pages; otherwise on the return to user space.
 * Charges straight through rc_charge(), as a kernel path charging several
 * times before it returns to user space would.  memory.high 32, swappiness 0
 * and no pages on the lists: reclaim frees nothing.
 *   - 64 pages: the stock is empty, batch = max(64, 64) = 64, no refill;
 *     memory 64 > 32, debt 64, not more than 64: left for user space.
 *   - 64 more: debt 128 > 64: __mem_cgroup_handle_over_high() with
 *     nr_pages 128.  Overage ((128 - 32) << 20) / 32 = 3 << 20; penalty
 *     ((3 << 20)^2 * 250) >> 34 = 9 * 64 * 250 = 144000 jiffies, * 128 / 64
 *     = 288000, clamped to 2 * HZ = 500 > HZ / 100: reclaim_high() 1 + 16
 *     times (nothing reclaimed, 16 retries), then a 500-jiffy sleep = 2 s;
 *     the debt is 0.  (A threshold of 128 leaves the debt at 128 here.)
 *   - one 128-page charge (an order-7 folio): batch 128, debt 128 > 64:
 *     handled again, 17 more MEMCG_HIGH events and 2 s more (overage 7 << 20,
 *     clamped to 500 jiffies again). */
START_TEST(test_high_debt_threshold)
{
	struct setup s;
	int killed;

	setup_init(&s, MEMCG_V2, 1, 256);
	s.lim[0].high = 32;
	s.cfg.swappiness = 0;
	struct reclaim *rm = setup_create(&s);
	const struct reclaim_task_stats *ts = reclaim_task(rm, 0);

	ck_assert_int_eq(rc_charge(rm, 0, 0, 64, 1, &killed), 0);
	ck_assert_uint_eq(rm->mc.m[0].memory, 64);
	ck_assert_uint_eq(rm->task[0].nr_over_high, 64);
	ck_assert_uint_eq(rm->mc.m[0].ev.high, 0);
	ck_assert_uint_eq(ts->throttle_ns, 0);

	ck_assert_int_eq(rc_charge(rm, 0, 0, 64, 1, &killed), 0);
	ck_assert_uint_eq(rm->mc.m[0].memory, 128);
	ck_assert_uint_eq(rm->task[0].nr_over_high, 0);
	ck_assert_uint_eq(rm->mc.m[0].ev.high, 17);
	ck_assert_uint_eq(ts->throttle_ns, 2000000000ull);

	ck_assert_int_eq(rc_charge(rm, 0, 0, 128, 1, &killed), 0);
	ck_assert_uint_eq(rm->mc.m[0].memory, 256);
	ck_assert_uint_eq(rm->task[0].nr_over_high, 0);
	ck_assert_uint_eq(rm->mc.m[0].ev.high, 34);
	ck_assert_uint_eq(ts->throttle_ns, 4000000000ull);
	ck_assert_uint_eq(rm->charging[0], 0);
	rc_uncharge(rm, 0, 256);
	reclaim_destroy(rm);
}
END_TEST

/* vm_swap_full(): free swap under half of it; mem_cgroup_swap_full(): v2
 * swap usage at half of memory.swap.max or more, at any level. */
START_TEST(test_swap_full)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	s.cfg.nslots = 8;
	s.nmemcg = 2;
	s.parents[1] = 0;
	s.lim[0].swap_max = 4;
	struct reclaim *rm = setup_create(&s);

	rm->slots.used = 4;                     /* 4 free of 8: not under half */
	ck_assert_int_eq(rc_swap_full(rm, 1), 0);
	rm->slots.used = 5;
	ck_assert_int_eq(rc_swap_full(rm, 1), 1);
	rm->slots.used = 0;
	rm->mc.m[0].swap = 1;
	ck_assert_int_eq(rc_swap_full(rm, 1), 0);
	rm->mc.m[0].swap = 2;                   /* 2 * 2 >= 4, the parent's */
	ck_assert_int_eq(rc_swap_full(rm, 1), 1);
	rm->mc.m[0].swap = 0;
	reclaim_destroy(rm);
}
END_TEST

/* v2 charges zswap's bytes in whole pages of the objcg; v1 not at all. */
START_TEST(test_zswap_charge)
{
	struct memcg_set s;
	int parent[2] = { -1, 0 };
	struct memcg_limits lim[2] = {
		{ MEMCG_NOLIMIT, MEMCG_NOLIMIT, MEMCG_NOLIMIT, MEMCG_NOLIMIT },
		{ MEMCG_NOLIMIT, MEMCG_NOLIMIT, MEMCG_NOLIMIT, MEMCG_NOLIMIT },
	};
	char err[128];

	ck_assert_int_eq(memcg_set_init(&s, MEMCG_V2, 2, parent, NULL, lim, 250, err, sizeof(err)), 0);
	ck_assert_int_eq(memcg_charge_zswap(&s, 1, 100), 1);
	ck_assert_int_eq(memcg_charge_zswap(&s, 1, 3996), 0);
	ck_assert_int_eq(memcg_charge_zswap(&s, 1, 4000), 1);
	ck_assert_int_eq(memcg_charge_zswap(&s, 1, -4100), -1);
	ck_assert_int_eq(memcg_charge_zswap(&s, 1, -3996), -1);
	ck_assert_uint_eq(s.m[1].zswap_bytes, 0);
	ck_assert_uint_eq(s.m[1].memory, 0);     /* the caller charges */
	memcg_set_free(&s);
	ck_assert_int_eq(memcg_set_init(&s, MEMCG_V1, 2, parent, NULL, lim, 250, err, sizeof(err)), 0);
	ck_assert_int_eq(memcg_charge_zswap(&s, 1, 100), 0);
	ck_assert_uint_eq(s.m[1].memory, 0);
	/* memcg1_swapout(): memory goes, memsw stays with the swap entry;
	 * memcg1_swapin() drops the entry's share */
	memcg_force_charge(&s, 1, 10);
	memcg_swapout(&s, 1, 4);
	ck_assert_uint_eq(s.m[1].memory, 6);
	ck_assert_uint_eq(s.m[1].memsw, 10);
	ck_assert_uint_eq(s.m[0].memsw, 10);
	memcg_swapin_uncharge_swap(&s, 1, 4);
	ck_assert_uint_eq(s.m[1].memsw, 6);
	ck_assert_uint_eq(s.m[1].memory, 6);
	/* a slot freed while its page is resident: memsw counts the page (v1
	 * has no swap counter of its own); a swapped-out page's slot: memsw
	 * drops (mem_cgroup_uncharge_swap()) */
	memcg_uncharge_swap(&s, 1, 2, 1);
	ck_assert_uint_eq(s.m[1].memsw, 6);
	memcg_uncharge_swap(&s, 1, 2, 0);
	ck_assert_uint_eq(s.m[1].memsw, 4);
	memcg_set_free(&s);
}
END_TEST

/* folio_add_lru(): order-0 folios wait in the CPU's batch of 31, off the
 * lists; the 31st flushes them; large folios go on at once. */
START_TEST(test_lru_add_batch)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 256);
	struct reclaim *rm = setup_create(&s);

	write_pages(rm, 0, 0, 30);
	ck_assert_uint_eq(rm->lru[0].pages[LRU_INACTIVE], 0);
	write_pages(rm, 0, 30, 1);
	ck_assert_uint_eq(rm->lru[0].pages[LRU_INACTIVE], 31);
	write_pages(rm, 0, 31, 1);
	struct reclaim_req r = {
		.task = 0, .vpage = 64, .content = RECLAIM_CONTENT_DRAW, .op = RECLAIM_OP_WRITE,
		.order = 4,
	};

	reclaim_step(rm, &r);
	ck_assert_uint_eq(rm->lru[0].pages[LRU_INACTIVE], 31 + 16);
	rc_lru_add_drain(rm, 0);
	ck_assert_uint_eq(rm->lru[0].pages[LRU_INACTIVE], 32 + 16);
	reclaim_destroy(rm);
}
END_TEST

/* MADV_PAGEOUT of one order-4 folio, its swap limited by nslots slots or a
 * v2 memory.swap.max of swap_max pages. */
static struct reclaim *pageout_folio(uint32_t nslots, uint64_t swap_max)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	s.cfg.nslots = nslots;
	s.lim[0].swap_max = swap_max;
	struct reclaim *rm = setup_create(&s);
	struct reclaim_req r = {
		.task = 0, .vpage = 0, .content = RECLAIM_CONTENT_DRAW, .op = RECLAIM_OP_WRITE,
		.order = 4,
	};

	ck_assert_int_ge(reclaim_step(rm, &r), 0);
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 16);
	return rm;
}

/* add_to_swap(): a large folio with no free contiguous run is split; its
 * pages get single slots while they last, the rest are activated. */
START_TEST(test_split_on_swap_full)
{
	struct reclaim *rm = pageout_folio(8, MEMCG_NOLIMIT);

	ck_assert_uint_eq(F.outs, 8);
	ck_assert_uint_eq(F.out_pages, 8);
	ck_assert_uint_eq(reclaim_resident(rm), 8);
	ck_assert_uint_eq(rm->mc.m[0].ev.pgactivate, 8);
	/* v2 swap charge: a page is charged once it has its slot, so the
	 * eight stored pages and nothing for the ones left without one */
	ck_assert_uint_eq(rm->mc.m[0].swap, 8);
	/* split and swpout_fallback at order 4; its pages stored one by one
	 * are no order-4 zswpout */
	ck_assert_uint_eq(reclaim_mthp(rm, 4)->split, 1);
	ck_assert_uint_eq(reclaim_mthp(rm, 4)->swpout_fallback, 1);
	ck_assert_uint_eq(reclaim_mthp(rm, 4)->zswpout, 0);
	ck_assert_uint_eq(reclaim_vmstat(rm)->thp_split_page, 0);    /* PMD folios only */
	reclaim_destroy(rm);
}
END_TEST

/* swap_writeout() of large folios: zswap_store() takes one whole (zswpout at
 * its order), __swap_writepage() writes one (swpout; thp_swpout in vmstat and
 * memory.stat for a PMD folio); a zero-filled one is neither.  A PMD folio
 * without a contiguous run of 512 slots is split: thp_split_page and
 * thp_swpout_fallback. */
START_TEST(test_mthp_swpout_counts)
{
	struct reclaim *rm = pageout_folio(1u << 16, MEMCG_NOLIMIT);
	struct setup s;

	ck_assert_uint_eq(F.outs, 1);
	ck_assert_uint_eq(reclaim_mthp(rm, 4)->zswpout, 1);
	ck_assert_uint_eq(reclaim_mthp(rm, 4)->swpout, 0);
	reclaim_destroy(rm);

	for (int pass = 0; pass < 3; pass++) {
		setup_init(&s, MEMCG_V2, 1, 1024);
		s.cfg.nslots = pass == 1 ? 511 : 1u << 16;   /* 511: no run of 512 */
		rm = setup_create(&s);
		F.out_res = pass == 2 ? RECLAIM_OUT_ZERO : RECLAIM_OUT_DISK;
		struct reclaim_req r = { .task = 0, .vpage = 512, .order = 9,
					 .op = RECLAIM_OP_WRITE, .content = RECLAIM_CONTENT_DRAW };

		ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
		step(rm, 0, RECLAIM_OP_PAGEOUT, 512, 512);
		const struct reclaim_vmstat *vs = reclaim_vmstat(rm);
		const struct reclaim_mthp *st = reclaim_mthp(rm, 9);

		ck_assert_uint_eq(F.out_pages, pass == 1 ? 511 : 512);
		ck_assert_uint_eq(st->swpout, pass == 0);
		ck_assert_uint_eq(vs->thp_swpout, pass == 0);
		ck_assert_uint_eq(rm->mc.m[0].ev.thp_swpout, pass == 0);
		ck_assert_uint_eq(st->zswpout, 0);
		ck_assert_uint_eq(st->split, pass == 1);
		ck_assert_uint_eq(st->swpout_fallback, pass == 1);
		ck_assert_uint_eq(vs->thp_split_page, pass == 1);
		ck_assert_uint_eq(vs->thp_swpout_fallback, pass == 1);
		ck_assert_uint_eq(rm->mc.m[0].ev.thp_swpout_fallback, pass == 1);
		reclaim_destroy(rm);
	}
}
END_TEST

/* The same when the v2 swap charge fails: folio_alloc_swap() gives the run
 * back, shrink_folio_list() splits the folio and tries each page alone;
 * memory.swap.max 3 takes the first three pages, the other 13 activate. */
START_TEST(test_split_on_swap_charge)
{
	struct reclaim *rm = pageout_folio(1u << 16, 3);

	ck_assert_uint_eq(F.outs, 3);
	ck_assert_uint_eq(F.out_pages, 3);
	ck_assert_uint_eq(reclaim_resident(rm), 13);
	ck_assert_uint_eq(rm->mc.m[0].ev.pgactivate, 13);
	ck_assert_uint_eq(rm->mc.m[0].swap, 3);
	reclaim_destroy(rm);
}
END_TEST

/* ---- concurrency: a timing backend may run other tasks inside a hook --------------------- */

/* The swap layer of test_refault_during_pageout: on its second call (the
 * reclaimer is still busy with its isolated list) the owner of the folio
 * stored by the first call faults it back in and its CPU's LRU batch is
 * drained, as another task on a SimGrid actor can do while the reclaimer
 * compresses. */
static struct reclaim *race_rm;
static uint32_t race_slot;
static uint64_t race_isolated;
static int race_fired;
static uint32_t race_page;      /* the page faulted back */

static void race_out(void *ctx, const struct reclaim_folio *f, unsigned n, int who, int *res)
{
	f_out(ctx, f, n, who, res);
	/* the isolated count stays put while one list is shrunk: the same
	 * count on two calls in a row means one list, the first call's folio
	 * stored and gone from it */
	if (!race_fired && race_isolated >= 2 && race_rm->isolated == race_isolated) {
		uint32_t g = rc_slot_page(race_rm, race_slot);
		struct reclaim_req r = {
			.task = 1, .vpage = g - race_rm->task[1].base, .op = RECLAIM_OP_READ,
			.content = RECLAIM_CONTENT_DRAW,
		};

		ck_assert_int_eq(race_rm->pg[g].state, PS_SWAPPED);
		ck_assert_int_eq(reclaim_step(race_rm, &r), RECLAIM_MAJOR_ZSWAP);
		rc_lru_add_drain(race_rm, 1);
		race_fired = 1;
		race_page = g;
	}
	race_slot = f[0].slot;
	race_isolated = race_rm->isolated;
}

static const struct reclaim_swap_ops race_ops = {
	.swap_out = race_out, .swap_in = f_in, .swap_free = f_free, .swap_clean = f_clean,
};

/* A folio that reclaim swapped out leaves its isolated list: when its task
 * faults it back onto the LRU before the reclaimer's putback, the putback
 * must not add it a second time (move_folios_to_lru() only sees the folios
 * still on the private list). */
START_TEST(test_refault_during_pageout)
{
	struct setup s;
	char err[256], reason[256];

	setup_init(&s, MEMCG_V2, 2, 2048);
	struct reclaim_task_desc td[2] = { { 2048, 0 }, { 2048, 1 } };
	const char *names[1] = { "a" };
	struct reclaim_topology t = { 2, td, 1, s.parents, names, s.lim };

	race_rm = reclaim_create(&s.cfg, &t, &race_ops, NULL, err, sizeof(err));
	ck_assert_msg(race_rm, "reclaim_create: %s", err);
	race_fired = 0;
	race_isolated = 0;
	write_pages(race_rm, 1, 0, 2048);
	rc_lru_add_drain(race_rm, 1);
	for (uint32_t v = 0; v < 2048; v++)
		race_rm->pg[race_rm->task[1].base + v].flags &= (uint8_t)~PF_YOUNG;   /* old */
	step(race_rm, 0, RECLAIM_OP_RECLAIM, 0, 64);
	ck_assert(race_fired);
	ck_assert_msg(!reclaim_check_invariants(race_rm, reason, sizeof(reason)), "%s", reason);
	ck_assert_int_eq(race_rm->pg[race_page].state, PS_MAPPED);
	reclaim_destroy(race_rm);
}
END_TEST

/* too_many_isolated(): while one reclaimer holds more than an eighth of the
 * inactive pages isolated, another (cgroup v2) is throttled
 * (reclaim_throttle(VMSCAN_THROTTLE_ISOLATED), HZ/50 at most) and gives up the
 * list; the shrink worker, a workqueue, is not throttled; a later check that
 * finds the count low wakes the throttled (wake_throttle_isolated()). */
static struct {
	unsigned waits[3], wakes;   /* waits by task 0, task 1, the worker */
	uint64_t ns;
	int inside;
} iso;

static void iso_wait(void *ctx, int who, uint64_t ns)
{
	(void)ctx;
	iso.waits[who < 0 ? 2 : who]++;
	iso.ns = ns;
}

static void iso_wake(void *ctx)
{
	(void)ctx;
	iso.wakes++;
}

static const struct reclaim_timing iso_timing = { .isolated_wait = iso_wait, .isolated_wake = iso_wake };

static void iso_out(void *ctx, const struct reclaim_folio *f, unsigned n, int who, int *res)
{
	f_out(ctx, f, n, who, res);
	if (!iso.inside && race_rm->isolated > race_rm->inactive / 8) {
		iso.inside = 1;
		step(race_rm, 1, RECLAIM_OP_RECLAIM, 0, 8);
		rc_try_to_free(race_rm, RECLAIM_WHO_WORKER, 0, 8, 1, 0);
	}
}

static const struct reclaim_swap_ops iso_ops = {
	.swap_out = iso_out, .swap_in = f_in, .swap_free = f_free, .swap_clean = f_clean,
};

START_TEST(test_too_many_isolated)
{
	struct setup s;
	char err[256];

	setup_init(&s, MEMCG_V2, 2, 256);
	struct reclaim_task_desc td[2] = { { 256, 0 }, { 256, 1 } };
	const char *names[1] = { "a" };
	struct reclaim_topology t = { 2, td, 1, s.parents, names, s.lim };

	memset(&iso, 0, sizeof(iso));
	race_rm = reclaim_create(&s.cfg, &t, &iso_ops, NULL, err, sizeof(err));
	ck_assert_msg(race_rm, "reclaim_create: %s", err);
	reclaim_set_timing(race_rm, &iso_timing, NULL);
	write_pages(race_rm, 0, 0, 256);
	rc_lru_add_drain(race_rm, 0);
	for (uint32_t v = 0; v < 256; v++)
		race_rm->pg[race_rm->task[0].base + v].flags &= (uint8_t)~PF_YOUNG;
	step(race_rm, 0, RECLAIM_OP_RECLAIM, 0, 240);
	ck_assert(iso.inside);
	ck_assert_uint_gt(iso.waits[1], 0);          /* task 1 was throttled */
	ck_assert_uint_eq(iso.ns, 1000000000ull / 50);
	ck_assert_uint_eq(iso.waits[2], 0);          /* the worker never */
	ck_assert_uint_eq(iso.waits[0], 0);
	ck_assert_uint_gt(iso.wakes, 0);             /* task 0's later checks found it low */
	reclaim_destroy(race_rm);
}
END_TEST

/* ---- scan balance and reclaim cost ------------------------------------------------------- */

/* Global reclaim of N = 16,399 = 31 * 529 written pages of one memcg (all on
 * the inactive list, young bits cleared: every scanned folio is swapped out
 * and freed), nr_to_reclaim 32.  One pass of priorities from 12; the numbers
 * scanned at each, worked out from get_scan_count() and lru_note_cost(). */
static uint64_t global_scan(int refaults)
{
	struct setup s;
	const uint32_t n = 31 * 529;

	setup_init(&s, MEMCG_V2, 1, n);
	struct reclaim *rm = setup_create(&s);
	char reason[256];

	/* reclaim_step() without step()'s check of the whole model after each
	 * write (quadratic in n: seconds under ASan); one check at the end */
	for (uint32_t v = 0; v < n; v++) {
		struct reclaim_req r = {
			.task = 0, .vpage = v, .content = RECLAIM_CONTENT_DRAW, .op = RECLAIM_OP_WRITE,
		};

		ck_assert_int_ge(reclaim_step(rm, &r), 0);
	}
	ck_assert_msg(!reclaim_check_invariants(rm, reason, sizeof(reason)), "invariant: %s", reason);
	rc_lru_add_drain(rm, 0);
	for (uint32_t v = 0; v < n; v++)
		rm->pg[rm->task[0].base + v].flags &= (uint8_t)~PF_YOUNG;
	/* WORKINGSET_ACTIVATE_ANON moved since the last reclaim: a new
	 * workingset, so prepare_scan_control() sets DEACTIVATE_ANON */
	rm->lru[rm->mc.n].activate_hier += (uint64_t)refaults;
	/* try_to_free_pages() asks for SWAP_CLUSTER_MAX whatever the caller needs */
	ck_assert_uint_eq(rc_try_to_free(rm, 0, -1, 100, 1, 0), refaults ? 42 : 59);
	uint64_t scanned = rm->mc.m[0].ev.pgscan;

	ck_assert_uint_eq(rm->mc.m[0].ev.pgsteal, scanned);
	/* the root's anon_cost: 32 per page written, halved whenever it grew
	 * over a quarter of the LRU (at priority 9 without refaults) */
	ck_assert_uint_eq(rm->lru[rm->mc.n].anon_cost, refaults ? 1344 : 1888);
	ck_assert_uint_eq(rm->lru[0].anon_cost, rm->lru[rm->mc.n].anon_cost);
	reclaim_destroy(rm);
	return scanned;
}

START_TEST(test_global_scan_balance)
{
	/* No refaults, inactive_is_low() false: file_is_tiny holds (no file
	 * pages, anon not being deactivated, 16399 >> 12 = 4 > 0): SCAN_ANON,
	 * size >> priority at each: 4 + 8 (16395 >> 11) + 16 (16387 >> 10)
	 * + 31 (16371 >> 9) = 59. */
	ck_assert_uint_eq(global_scan(0), 59);
	/* With refaults, DEACTIVATE_ANON: SCAN_FRACT on the root's anon_cost
	 * (calculate_pressure_balance() with file cost 0, swappiness 60):
	 *   prio 12, cost 0:   ap 60, fp 140,   4 * 60 / 200 = 1
	 *   prio 11, cost 32:  ap 89, fp 411,   7 * 89 / 500 = 1
	 *   prio 10, cost 64:  ap 89, fp 415,  15 * 89 / 504 = 2
	 *   prio 9,  cost 128: ap 89, fp 417,  31 * 89 / 506 = 5
	 *   prio 8,  cost 288: ap 89, fp 419,  63 * 89 / 508 = 11
	 *   prio 7,  cost 640: ap 89, fp 419, 127 * 89 / 508 = 22
	 * 42 in all.  (SCAN_ANON, as global reclaim was before, scans 59; a
	 * root lruvec that lru_note_cost() never reaches keeps ap 60, fp 140:
	 * 1 + 2 + 4 + 9 + 18 = 34.) */
	ck_assert_uint_eq(global_scan(1), 42);
}
END_TEST

/* shrink_lruvec() (mm/vmscan.c): global direct reclaim at DEF_PRIORITY (12)
 * is proportional_reclaim: it scans the whole of get_scan_count()'s target
 * even once nr_to_reclaim is met; memcg reclaim stops at the first
 * SWAP_CLUSTER_MAX batch that meets it.  The target is size >> 12, so the
 * difference needs a list of 33 << 12 = 135,168 pages or more (32 pages of
 * target are a single batch either way).  N = 135,168 + 33 written pages of
 * one memcg, on the inactive list, young bits cleared: every folio scanned
 * is swapped out and freed.  Swappiness 200 (fp 0 in
 * calculate_pressure_balance(): memcg reclaim's SCAN_FRACT scans all of
 * size >> priority).
 *   - global (try_to_free_pages(), nr_to_reclaim 32): file_is_tiny, so
 *     SCAN_ANON, 135,201 >> 12 = 33: a batch of 32 (32 reclaimed, not below
 *     32, but proportional: go on), a batch of 1: 33.
 *   - memcg 0 (try_to_free_mem_cgroup_pages(), nr_to_reclaim 32): 135,168
 *     left, >> 12 = 33 again; the batch of 32 meets the target, no file
 *     pages: stop (!nr_file): 32. */
START_TEST(test_proportional_reclaim)
{
	struct setup s;
	const uint32_t n = (33u << 12) + 33;
	char reason[256];

	setup_init(&s, MEMCG_V2, 1, n);
	s.cfg.swappiness = 200;
	struct reclaim *rm = setup_create(&s);

	/* reclaim_step() without step()'s check of the whole model after each
	 * write, nor a ck_assert (a message to the parent) per write; one
	 * check at the end */
	for (uint32_t v = 0; v < n; v++) {
		struct reclaim_req r = {
			.task = 0, .vpage = v, .content = RECLAIM_CONTENT_DRAW, .op = RECLAIM_OP_WRITE,
		};
		int ret = reclaim_step(rm, &r);

		if (ret < 0)
			ck_abort_msg("write %u: reclaim_step: %d", v, ret);
	}
	rc_lru_add_drain(rm, 0);
	ck_assert_msg(!reclaim_check_invariants(rm, reason, sizeof(reason)), "invariant: %s", reason);
	ck_assert_uint_eq(rm->lru[0].pages[LRU_INACTIVE], n);
	for (uint32_t v = 0; v < n; v++)
		rm->pg[rm->task[0].base + v].flags &= (uint8_t)~PF_YOUNG;

	ck_assert_uint_eq(rc_try_to_free(rm, 0, -1, 1, 1, 0), 33);
	ck_assert_uint_eq(rm->mc.m[0].ev.pgscan, 33);
	ck_assert_uint_eq(rm->lru[0].pages[LRU_INACTIVE], n - 33);
	ck_assert_uint_eq(rc_try_to_free(rm, 0, 0, 32, 1, 0), 32);
	ck_assert_uint_eq(rm->mc.m[0].ev.pgscan, 33 + 32);
	ck_assert_uint_eq(rm->mc.m[0].ev.pgsteal, 33 + 32);
	ck_assert_msg(!reclaim_check_invariants(rm, reason, sizeof(reason)), "invariant: %s", reason);
	reclaim_destroy(rm);
}
END_TEST

/* lru_note_cost_unlock_irq(): nothing to note (no I/O, no rotation) leaves
 * the costs alone, decay included; a cost goes to every level up to the
 * root's lruvec and decays each by its own size. */
START_TEST(test_note_cost)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 256);
	s.nmemcg = 2;
	s.parents[1] = 0;
	struct reclaim *rm = setup_create(&s);

	write_pages(rm, 0, 0, 124);             /* 4 batches of 31: on the list */
	rm->lru[1].anon_cost = 0;
	rm->lru[0].anon_cost = 1000;            /* over 124 / 4 */
	rm->lru[rm->mc.n].anon_cost = 10;
	rc_note_cost(rm, 0, 0, 0);
	ck_assert_uint_eq(rm->lru[0].anon_cost, 1000);
	ck_assert_uint_eq(rm->lru[rm->mc.n].anon_cost, 10);
	rc_note_cost(rm, 0, 1, 2);              /* 1 * 32 + 2 = 34 */
	ck_assert_uint_eq(rm->lru[0].anon_cost, (1000 + 34) / 2);
	ck_assert_uint_eq(rm->lru[rm->mc.n].anon_cost, (10 + 34) / 2);   /* 44 > 31 */
	ck_assert_uint_eq(rm->lru[1].anon_cost, 0);                       /* a child */
	rc_note_cost(rm, 1, 0, 3);              /* memcg 1 (empty): 3 > 0 / 4 */
	ck_assert_uint_eq(rm->lru[1].anon_cost, 3 / 2);
	ck_assert_uint_eq(rm->lru[0].anon_cost, (517 + 3) / 2);           /* 520 > 31 */
	reclaim_destroy(rm);
}
END_TEST

/* shrink_node_memcgs(): a memcg that is not the target and has no memory
 * charged is skipped (mem_cgroup_below_min(): emin 0 >= usage 0), its
 * shrink_slab() (the zswap shrinker) too; the target itself never is. */
static unsigned slab_calls[2];

static uint64_t f_slab(void *ctx, uint32_t memcg, int priority, int who)
{
	(void)ctx;
	(void)priority;
	(void)who;
	slab_calls[memcg]++;
	return 0;
}

START_TEST(test_empty_memcg_skipped)
{
	struct setup s;
	char err[256];
	struct reclaim_swap_ops ops = fake_ops;

	ops.shrink_slab = f_slab;
	setup_init(&s, MEMCG_V2, 1, 256);
	s.nmemcg = 2;                           /* two top-level memcgs */
	struct reclaim_task_desc td[1] = { { 256, 0 } };
	const char *names[2] = { "a", "b" };
	struct reclaim_topology t = { 1, td, 2, s.parents, names, s.lim };
	struct reclaim *rm = reclaim_create(&s.cfg, &t, &ops, NULL, err, sizeof(err));

	ck_assert_msg(rm, "reclaim_create: %s", err);
	memset(slab_calls, 0, sizeof(slab_calls));
	write_pages(rm, 0, 0, 124);             /* all in memcg a */
	ck_assert_uint_eq(rm->mc.m[1].memory, 0);
	rc_try_to_free(rm, 0, -1, 32, 1, 0);
	ck_assert_uint_gt(slab_calls[0], 0);
	ck_assert_uint_eq(slab_calls[1], 0);
	rc_try_to_free(rm, 0, 1, 32, 1, 0);      /* b is the target */
	ck_assert_uint_gt(slab_calls[1], 0);
	reclaim_destroy(rm);
}
END_TEST

/* ---- the model is consistent at every timing hook (reclaim.h) ------------------------------ */

/* Timing hooks that check the whole model at each call, as the simgrid
 * backend does at every yield with ZSWAPSIM_CHECK_EVERY_STEP: a hook may run
 * other tasks, which must find the model consistent.  hk.action, when set,
 * is what another task does inside the next hook of the given kind. */
enum { HK_WORK_FAULT = 1, HK_LOCK };

static struct {
	struct reclaim *rm;
	unsigned calls, bad, waits;
	char reason[256];
	int armed;                    /* the action runs once, in a hook of this kind */
	int when;                     /* HK_WORK_FAULT or HK_LOCK */
	void (*action)(void);
	int mapped_at_wait;           /* the faulting page was mapped when it waited */
	int pinned_at_wait;           /* ... and its folio pinned by the waiter */
	uint32_t page;                /* the page the test is about */
} hk;

static void hk_check(void)
{
	hk.calls++;
	if (!hk.bad && reclaim_check_invariants(hk.rm, hk.reason, sizeof(hk.reason)))
		hk.bad = hk.calls;
}

static void hk_fire(int kind)
{
	if (hk.armed && hk.when == kind) {
		hk.armed = 0;
		hk.action();
	}
}

static void hk_work(void *ctx, int who, enum reclaim_work w, uint64_t n)
{
	(void)ctx;
	(void)n;
	hk_check();
	if (who == 0 && w == RECLAIM_W_FAULT)
		hk_fire(HK_WORK_FAULT);
}

static void hk_lock(void *ctx, int who, uint32_t memcg, uint64_t n)
{
	(void)ctx;
	(void)memcg;
	(void)n;
	hk_check();
	if (who == 0)
		hk_fire(HK_LOCK);
}

static void hk_throttle(void *ctx, int who, uint64_t ns)
{
	(void)ctx;
	(void)who;
	(void)ns;
	hk_check();
}

/* The other task's reclaimer, that isolated the folio (hk_isolate()), puts
 * it back: the waiter goes on. */
static void hk_folio_wait(void *ctx, int who, uint32_t head)
{
	struct reclaim *rm = hk.rm;
	struct rc_page *f = &rm->pg[head];

	(void)ctx;
	(void)who;
	hk_check();
	hk.waits++;
	hk.mapped_at_wait = rm->pg[hk.page].state == PS_MAPPED;
	hk.pinned_at_wait = (f->fflags & FF_PINNED) != 0;
	ck_assert(f->fflags & FF_LOCKED);
	f->fflags &= (uint8_t)~FF_LOCKED;
	rc_lru_add(rm, head, LRU_INACTIVE, 0);
	rm->lru[f->memcg].isolated -= rc_nr(rm, head);
	rm->isolated -= rc_nr(rm, head);
}

static const struct reclaim_timing hk_timing = {
	.work = hk_work, .lru_lock = hk_lock, .throttle = hk_throttle, .folio_wait = hk_folio_wait,
};

/* try_to_unmap() comes before pageout() whatever the outcome, so a folio
 * pays hw.mm.unmap_ns once, in the pass that unmaps it: stored in zswap,
 * written to the disk (freed by a later scan, already unmapped then), or
 * rejected and activated with writeback off.  Before, the cost came when
 * the folio was freed: nothing for the rejected one, and the disk one paid
 * only in the later scan. */
static uint64_t unmap_work;

static void count_unmap(void *ctx, int who, enum reclaim_work w, uint64_t n)
{
	(void)ctx;
	(void)who;
	if (w == RECLAIM_W_UNMAP)
		unmap_work += n;
}

static const struct reclaim_timing unmap_timing = { .work = count_unmap };

START_TEST(test_unmap_cost_at_unmap)
{
	struct setup s;
	static const int outcome[] = { RECLAIM_OUT_STORED, RECLAIM_OUT_DISK_ASYNC,
				       RECLAIM_OUT_ACTIVATE };

	for (unsigned k = 0; k < 3; k++) {
		setup_init(&s, MEMCG_V2, 1, 64);
		struct reclaim *rm = setup_create(&s);
		uint32_t base = rm->task[0].base;

		reclaim_set_timing(rm, &unmap_timing, NULL);
		write_pages(rm, 0, 0, 1);
		unmap_work = 0;
		F.out_res = outcome[k];
		step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 1);
		ck_assert_uint_eq(F.outs, 1);
		ck_assert_uint_eq(unmap_work, 1);
		if (outcome[k] == RECLAIM_OUT_DISK_ASYNC) {
			ck_assert(rm->pg[base].fflags & FF_WRITEBACK);
			reclaim_write_done(rm, rm->pg[base].slot);
			step(rm, 0, RECLAIM_OP_RECLAIM, 0, 1);   /* the next scan frees it */
			ck_assert_int_eq(rm->pg[base].state, PS_SWAPPED);
			ck_assert_uint_eq(F.outs, 1);
			ck_assert_uint_eq(unmap_work, 1);
		}
		reclaim_destroy(rm);
	}
}
END_TEST

static struct reclaim *hk_create(struct setup *s)
{
	memset(&hk, 0, sizeof(hk));
	hk.rm = setup_create(s);
	reclaim_set_timing(hk.rm, &hk_timing, NULL);
	return hk.rm;
}

static void hk_assert_consistent(void)
{
	ck_assert_msg(hk.calls > 0, "no hook ran");
	ck_assert_msg(!hk.bad, "hook call %u of %u found: %s", hk.bad, hk.calls, hk.reason);
}

/* folio_add_lru() of a large folio: on its list before the LRU-lock hook
 * runs other tasks. */
START_TEST(test_hook_large_folio_lru_add)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	struct reclaim *rm = hk_create(&s);
	struct reclaim_req r = {
		.task = 0, .vpage = 0, .content = RECLAIM_CONTENT_DRAW, .op = RECLAIM_OP_WRITE,
		.order = 4,
	};

	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->pg[rm->task[0].base].order, 4);
	hk_assert_consistent();
	reclaim_destroy(rm);
}
END_TEST

/* A THP charge over memory.high reclaims and throttles before the fault
 * maps the folio (try_charge_memcg() -> mem_cgroup_handle_over_high() when
 * more than MEMCG_CHARGE_BATCH is owed): its 512 charged pages are counted
 * while the hooks run. */
START_TEST(test_hook_charge_over_high)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 1024);
	s.lim[0].high = 64;
	struct reclaim *rm = hk_create(&s);
	struct reclaim_req r = {
		.task = 0, .vpage = 512, .content = RECLAIM_CONTENT_DRAW, .op = RECLAIM_OP_WRITE,
		.order = 9,
	};

	write_pages(rm, 0, 0, 32);
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->pg[rm->task[0].base + 512].order, 9);
	ck_assert_uint_gt(rm->mc.m[0].ev.high, 0);
	ck_assert_uint_gt(reclaim_task(rm, 0)->throttle_ns, 0);
	hk_assert_consistent();
	ck_assert_uint_eq(rm->charging[0], 0);
	reclaim_destroy(rm);
}
END_TEST

/* Page 1 of task 0 is in the swap cache, clean (read by readahead from the
 * swap device) and on the LRU. */
static struct reclaim *hk_cached_page(struct setup *s)
{
	setup_init(s, MEMCG_V1, 2, 16);
	s->cfg.page_cluster = 1;
	struct reclaim *rm = hk_create(s);

	F.in_res = RECLAIM_IN_DISK;
	write_pages(rm, 0, 0, 2);
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 2);
	step(rm, 0, RECLAIM_OP_READ, 0, 0);          /* reads page 1 ahead */
	hk.page = rm->task[0].base + 1;
	ck_assert_int_eq(rm->pg[hk.page].state, PS_CACHED);
	ck_assert(rm->pg[hk.page].flags & PF_ONLRU);
	return rm;
}

/* Another task's memory.reclaim, run inside a hook of task 0's fault. */
static void hk_reclaim_by_task1(void)
{
	rc_try_to_free(hk.rm, 1, 0, SWAP_CLUSTER_MAX, 1, 0);
}

/* do_swap_page() on a swap-cache hit: the page is mapped before the fault's
 * time is taken, so a reclaimer that runs meanwhile finds it mapped and young
 * (folio_referenced()) and unmaps it properly, instead of dropping a clean
 * unmapped folio that the fault then maps. */
START_TEST(test_hook_minor_fault_maps_first)
{
	struct setup s;
	struct reclaim *rm = hk_cached_page(&s);

	hk.when = HK_WORK_FAULT;
	hk.action = hk_reclaim_by_task1;
	hk.armed = 1;
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 1, 0), RECLAIM_MINOR);
	ck_assert(!hk.armed);
	/* the reclaimer met a mapped page: it kept it once (young), then
	 * unmapped and freed it at a lower priority, the task's gauges
	 * following (step() checked the whole model) */
	ck_assert_uint_eq(rm->task[0].st.rss + rm->task[0].st.swapents, 2);
	hk_assert_consistent();
	reclaim_destroy(rm);
}
END_TEST

/* Another task's reclaimer isolates (locks) the folio of hk.page, as
 * isolate_lru_folios() does, and is still busy with it when task 0 runs on. */
static void hk_isolate(void)
{
	struct reclaim *rm = hk.rm;
	uint32_t h = rc_head(rm, hk.page);

	if (!(rm->pg[h].flags & PF_ONLRU))
		return;
	rc_lru_del(rm, h);
	rm->pg[h].fflags |= FF_LOCKED;
	rm->lru[rm->pg[h].memcg].isolated += rc_nr(rm, h);
	rm->isolated += rc_nr(rm, h);
}

/* do_swap_page() after the swap-in of a write fault: a reclaimer isolated
 * the folio while the faulting task waited on the LRU lock (draining its
 * batch before the write), so the fault takes the folio lock first
 * (folio_lock_or_retry()): it waits for the reclaimer and maps the page
 * after, never a folio another task has locked.  The fault counts once for
 * the task (a major fault: the page was read), and PGFAULT once too
 * (mm_account_fault() skips the VM_FAULT_RETRY attempt). */
START_TEST(test_hook_swapin_retries_locked)
{
	struct setup s;

	setup_init(&s, MEMCG_V1, 2, 16);
	struct reclaim *rm = hk_create(&s);

	write_pages(rm, 0, 0, 1);
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 1);
	hk.page = rm->task[0].base;
	ck_assert_int_eq(rm->pg[hk.page].state, PS_SWAPPED);
	uint64_t faults = reclaim_task(rm, 0)->faults, pgfault = rm->mc.m[0].ev.pgfault;

	hk.when = HK_LOCK;
	hk.action = hk_isolate;
	hk.armed = 1;
	step(rm, 0, RECLAIM_OP_WRITE, 0, 0);
	ck_assert(!hk.armed);
	ck_assert_uint_eq(hk.waits, 1);
	ck_assert_msg(!hk.mapped_at_wait, "the page was mapped while another task held its folio");
	/* the waiter's reference pins the folio while it waits, and only then */
	ck_assert(hk.pinned_at_wait);
	ck_assert(!(rm->pg[hk.page].fflags & FF_PINNED));
	ck_assert_int_eq(rm->pg[hk.page].state, PS_MAPPED);
	ck_assert_uint_eq(reclaim_task(rm, 0)->faults, faults + 1);
	ck_assert_uint_eq(reclaim_task(rm, 0)->majfaults, 1);
	ck_assert_uint_eq(reclaim_task(rm, 0)->minfaults, 0);
	ck_assert_uint_eq(rm->mc.m[0].ev.pgmajfault, 1);
	ck_assert_uint_eq(rm->mc.m[0].ev.pgfault, pgfault + 1);
	hk_assert_consistent();
	reclaim_destroy(rm);
}
END_TEST

/* ---- the LRU rings ----------------------------------------------------------------------- */

/* Random adds at both ends, deletions from anywhere and tail takes against
 * a plain array: the ring keeps the list order through holes, the
 * squeezing of a full ring and its growth, and every folio's ring index
 * names its entry. */
START_TEST(test_lru_ring_order)
{
	enum { N = 3000, OPS = 40000 };
	static uint32_t ref[N], where[N];    /* ref[0] = head ... ref[n-1] = tail */
	struct setup s;
	unsigned n = 0, squeezes = 0, grows = 0;
	uint64_t x = 12345;

	setup_init(&s, MEMCG_V1, 1, N);
	struct reclaim *rm = setup_create(&s);
	struct rc_list *l = &rm->lru[0].list[LRU_INACTIVE];
	uint32_t base = rm->task[0].base;

	for (uint32_t i = 0; i < N; i++)
		where[i] = 0;                    /* 0: off the list */
	for (unsigned op = 0; op < OPS; op++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		unsigned r = (unsigned)(x >> 33), kind = r % 8;
		uint32_t cap = l->q ? l->mask + 1 : 0, used = l->hi - l->lo;

		if (kind < 5 || n == 0) {        /* add a folio that is off the list */
			uint32_t v = (r / 8) % N;

			if (where[v])
				continue;
			rm->pg[base + v].state = PS_MAPPED;
			int tail = kind == 4;

			rc_lru_add(rm, base + v, LRU_INACTIVE, tail);
			if (tail) {
				ref[n++] = v;
			} else {
				memmove(ref + 1, ref, n * sizeof(*ref));
				ref[0] = v;
				n++;
			}
			where[v] = 1;
		} else if (kind < 7) {           /* delete from anywhere */
			unsigned k = (r / 8) % n;

			rc_lru_del(rm, base + ref[k]);
			where[ref[k]] = 0;
			memmove(ref + k, ref + k + 1, (n - k - 1) * sizeof(*ref));
			n--;
		} else {                         /* take the tail, as reclaim does */
			uint32_t h = rc_list_tail(l);

			ck_assert_uint_eq(h, base + ref[n - 1]);
			rc_lru_del(rm, h);
			where[ref[--n]] = 0;
		}
		/* an add that leaves fewer entries squeezed holes out */
		grows += (l->q ? l->mask + 1 : 0) != cap;
		squeezes += (kind < 5 || !n) && cap && l->mask + 1 == cap && l->hi - l->lo <= used;
		ck_assert_uint_eq(l->folios, n);
		ck_assert_uint_eq(rm->lru[0].pages[LRU_INACTIVE], n);
		if (op % 97 && op != OPS - 1)
			continue;
		/* one check per walk: a ck_assert costs a write to Check's
		 * channel, and one per entry made this test take 2-3 s under
		 * ASan, past Check's 4 s timeout on a busy machine */
		unsigned k = 0;
		int ok = 1;

		for (uint32_t pos = l->lo; ok && pos != l->hi; pos++) {
			uint32_t h = l->q[pos & l->mask];

			if (h == RC_HOLE)
				continue;
			ok = k < n && h == base + ref[k] && rm->pg[h].prev == (pos & l->mask);
			k += ok;
		}
		ck_assert_msg(ok && k == n, "op %u: the ring's entry %u of %u is not the list's", op, k, n);
	}
	/* the ring grew from empty to hold the list, and was squeezed in place */
	ck_assert_uint_ge(grows, 2);
	ck_assert_uint_gt(squeezes, 0);
	reclaim_destroy(rm);
}
END_TEST

/* folio_end_writeback() of a folio its task unmapped during the write,
 * while another reclaimer has it isolated (locked): the write's end leaves
 * it to the reclaimer, whose putback frees it (a free under the reclaimer's
 * feet took it off an LRU list it was not on). */
START_TEST(test_write_done_of_isolated_freed_folio)
{
	struct setup s;

	setup_init(&s, MEMCG_V1, 2, 16);
	F.out_res = RECLAIM_OUT_DISK_ASYNC;
	struct reclaim *rm = hk_create(&s);
	uint32_t g = rm->task[0].base;

	write_pages(rm, 0, 0, 1);
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 1);
	ck_assert(rm->pg[g].fflags & FF_WRITEBACK);
	uint32_t slot = rm->pg[g].slot;

	step(rm, 0, RECLAIM_OP_FREE, 0, 1);
	ck_assert(rm->pg[g].flags & PF_FREEPEND);
	hk.page = g;
	hk_isolate();
	reclaim_write_done(rm, slot);
	ck_assert_int_eq(rm->pg[g].state, PS_CACHED);
	ck_assert(rm->pg[g].fflags & FF_LOCKED);
	hk_check();
	hk_assert_consistent();
	/* the reclaimer puts it back (move_folios_to_lru()), then frees it */
	rm->pg[g].fflags &= (uint8_t)~FF_LOCKED;
	rc_lru_add(rm, g, LRU_INACTIVE, 0);
	rm->lru[0].isolated -= 1;
	rm->isolated -= 1;
	rc_free_pending(rm, 1, g);
	ck_assert_int_eq(rm->pg[g].state, PS_NONE);
	ck_assert_uint_eq(reclaim_resident(rm), 0);
	hk_check();
	hk_assert_consistent();
	reclaim_destroy(rm);
}
END_TEST

/* An asynchronous write can end before swap_out() returns: a batch's later
 * folios take time to compress, or the device is quick.  The write's end
 * must find PG_writeback set and clear it, and the reclaimer then frees the
 * folio at once, as shrink_folio_list() does after a pageout() whose write
 * is already done.  (Setting PG_writeback only after swap_out() lost the
 * end: the folio stayed under writeback for good.) */
static struct reclaim *wd_rm;

static void wd_out(void *ctx, const struct reclaim_folio *f, unsigned n, int who, int *res)
{
	f_out(ctx, f, n, who, res);
	for (unsigned i = 0; i < n; i++)
		res[i] = RECLAIM_OUT_DISK_ASYNC;
	reclaim_write_done(wd_rm, f[0].slot);
}

static const struct reclaim_swap_ops wd_ops = {
	.swap_out = wd_out, .swap_in = f_in, .swap_free = f_free, .swap_clean = f_clean,
};

START_TEST(test_write_ended_during_swap_out)
{
	struct setup s;
	char err[256];

	setup_init(&s, MEMCG_V2, 1, 16);
	s.cfg.reclaim_batch = 4;
	struct reclaim_task_desc td[1] = { { 16, 0 } };
	const char *names[1] = { "a" };
	struct reclaim_topology t = { 1, td, 1, s.parents, names, s.lim };

	wd_rm = reclaim_create(&s.cfg, &t, &wd_ops, NULL, err, sizeof(err));
	ck_assert_msg(wd_rm, "reclaim_create: %s", err);
	write_pages(wd_rm, 0, 0, 4);
	step(wd_rm, 0, RECLAIM_OP_PAGEOUT, 0, 4);
	ck_assert_uint_eq(F.out_calls, 1);
	ck_assert_uint_eq(F.outs, 4);
	uint32_t g = wd_rm->task[0].base;

	/* the first folio's write ended inside the call: freed, written */
	ck_assert(!(wd_rm->pg[g].fflags & FF_WRITEBACK));
	ck_assert_int_eq(wd_rm->pg[g].state, PS_SWAPPED);
	/* the others' writes are in flight: kept, under writeback */
	for (uint32_t v = 1; v < 4; v++) {
		ck_assert(wd_rm->pg[g + v].fflags & FF_WRITEBACK);
		ck_assert_int_eq(wd_rm->pg[g + v].state, PS_CACHED);
	}
	ck_assert_uint_eq(reclaim_resident(wd_rm), 3);
	reclaim_destroy(wd_rm);
}
END_TEST

/* ---- runs of hits ------------------------------------------------------------------------ */

/* reclaim_hits() and then reclaim_step() for the request it stopped at give
 * the same model, page for page, as reclaim_step() for every request: random
 * reads and writes over a task twice the size of its memcg (faults, reclaim,
 * zero-page reads), a second task, a FREE now and then. */
static void draw_own(void *ctx, unsigned task, unsigned nr, uint32_t *out)
{
	uint32_t *next = ctx;

	(void)task;
	for (unsigned i = 0; i < nr; i++)
		out[i] = (*next)++;
}

START_TEST(test_hits_match_steps)
{
	enum { PAGES = 512, N = 20000 };
	struct setup s;
	struct reclaim *a, *b;
	struct reclaim_req q[64];
	uint64_t x = 99;
	unsigned hits = 0;

	uint32_t draws_a = 0, draws_b = 0;

	setup_init(&s, MEMCG_V1, 2, PAGES);
	s.lim[0].max = PAGES;
	s.cfg.draw_content = draw_own;
	s.cfg.draw_ctx = &draws_a;
	a = setup_create(&s);
	s.cfg.draw_ctx = &draws_b;
	b = setup_create(&s);
	for (unsigned done = 0; done < N;) {
		unsigned n = 0;

		for (; n < 64; n++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			unsigned r = (unsigned)(x >> 33);

			q[n] = (struct reclaim_req){
				.task = r % 8 == 0, .vpage = (r >> 4) % PAGES,
				.op = r % 97 == 0 ? RECLAIM_OP_FREE :
				      r % 5 == 0 ? RECLAIM_OP_WRITE : RECLAIM_OP_READ,
				.count = 3, .content = r % 3 ? RECLAIM_CONTENT_DRAW : r % 1000,
			};
			if (q[n].op == RECLAIM_OP_FREE && q[n].vpage > PAGES - 3)
				q[n].vpage = 0;
		}
		for (unsigned i = 0; i < n; i++)
			ck_assert_int_ge(reclaim_step(a, &q[i]), 0);
		for (unsigned i = 0; i < n;) {
			unsigned k = reclaim_hits(b, q + i, n - i);

			hits += k;
			i += k;
			if (i < n)
				ck_assert_int_ge(reclaim_step(b, &q[i++]), 0);
		}
		done += n;
		ck_assert(!memcmp(a->pg, b->pg, a->npages * sizeof(*a->pg)));
		for (unsigned t = 0; t < 2; t++)
			ck_assert(!memcmp(&a->task[t], &b->task[t], sizeof(a->task[t])));
	}
	ck_assert_uint_gt(hits, N / 4);
	ck_assert_uint_lt(hits, N);
	reclaim_destroy(a);
	reclaim_destroy(b);
}
END_TEST

/* ---- suite -------------------------------------------------------------------------------------------- */

/* ---- zone watermarks and kswapd (models/kswapd.c) ------------------------------------------ */

/* A task of `pages` pages under a RAM limit of ram pages, with the kernel's
 * defaults: min_free_kbytes from the formula, watermark_scale_factor 10. */
/* ntasks tasks of pages each in one v2 memcg under a RAM limit of ram
 * pages, the default watermarks. */
static void ram_setup_init(struct setup *s, unsigned ntasks, uint32_t pages, uint64_t ram)
{
	setup_init(s, MEMCG_V2, ntasks, pages);
	s->cfg.ram_pages = ram;
	s->cfg.min_free_kbytes = -1;
	s->cfg.watermark_scale_factor = 10;
}

static struct reclaim *kswapd_setup(struct setup *s, uint32_t pages, uint64_t ram)
{
	ram_setup_init(s, 1, pages, ram);
	return setup_create(s);
}

static uint64_t zone_free(struct reclaim *rm)
{
	return rm->ram_pages - rc_ram_used(rm);
}

static void wmark_expect(struct reclaim *rm, uint64_t ram, unsigned kbytes, uint64_t min,
			 uint64_t low, uint64_t high)
{
	const struct reclaim_wmark *wm = reclaim_watermarks(rm);

	rm->ram_pages = ram;
	rc_wmark_setup(rm);
	ck_assert_uint_eq(wm->min_free_kbytes, kbytes);
	ck_assert_uint_eq(wm->min, min);
	ck_assert_uint_eq(wm->low, low);
	ck_assert_uint_eq(wm->high, high);
}

/* calculate_min_free_kbytes() and __setup_per_zone_wmarks(), by hand:
 * min_free_kbytes = clamp(int_sqrt(KiB * 16), 128, 262144), min = it >> 2
 * pages, low = min + tmp, high = low + tmp with tmp = max(min >> 2,
 * mult_frac(managed, watermark_scale_factor, 10000)). */
START_TEST(test_wmark_formula)
{
	struct setup s;
	struct reclaim *rm = kswapd_setup(&s, 64, 1024);

	/* 4 MiB: int_sqrt(4096 * 16) = 256; min 64; tmp max(16, 10240/10000 = 1) */
	wmark_expect(rm, 1024, 256, 64, 80, 96);
	/* 8 GiB: int_sqrt(8388608 * 16) = 11585 (11585^2 = 134212225); min 2896;
	 * tmp max(724, 209 * 10 + 7152 * 10 / 10000 = 2097) */
	wmark_expect(rm, 2097152, 11585, 2896, 4993, 7090);
	/* 256 KiB: int_sqrt(4096) = 64, clamped up to 128; min 32, tmp 8 */
	wmark_expect(rm, 64, 128, 32, 40, 48);
	/* 8 TiB: int_sqrt(2^37) = 370727, clamped down to 262144; min 65536;
	 * tmp 214748 * 10 + 3648 * 10 / 10000 = 2147483 */
	wmark_expect(rm, 1ull << 31, 262144, 65536, 2213019, 4360502);
	/* watermark_scale_factor 3000 at 4 MiB: tmp 1024 * 3000 / 10000 = 307 */
	rm->cfg.watermark_scale_factor = 3000;
	wmark_expect(rm, 1024, 256, 64, 371, 678);
	/* a user's min_free_kbytes wins over the formula: 1000 KiB = 250 pages */
	rm->cfg.watermark_scale_factor = 10;
	rm->cfg.min_free_kbytes = 1000;
	wmark_expect(rm, 1024, 1000, 250, 312, 374);
	/* no RAM limit: no zone */
	wmark_expect(rm, 0, 0, 0, 0, 0);
	reclaim_destroy(rm);
}
END_TEST

static unsigned kswapd_wakes;

static void count_kswapd_wake(void *ctx)
{
	(void)ctx;
	kswapd_wakes++;
}

/* An allocation that would leave free pages at or under the low watermark
 * wakes kswapd (the slow path's wake_all_kswapds()), and goes on without
 * reclaiming while it stays above min; at min the allocating task reclaims
 * directly (allocstall).  kswapd, woken on an actor of its own here, does
 * not run.  4 MiB: min 64, low 80.  Before, the model only reclaimed when
 * the page did not fit at all. */
START_TEST(test_kswapd_wake_low_direct_min)
{
	static const struct reclaim_timing t = { .kswapd_wake = count_kswapd_wake };
	struct setup s;
	struct reclaim *rm = kswapd_setup(&s, 1024, 1024);
	const struct reclaim_vmstat *vs = reclaim_vmstat(rm);

	kswapd_wakes = 0;
	reclaim_set_timing(rm, &t, NULL);
	write_pages(rm, 0, 0, 944);           /* free 81 > 80 before the last */
	ck_assert_uint_eq(zone_free(rm), 80);
	ck_assert_uint_eq(kswapd_wakes, 0);
	step(rm, 0, RECLAIM_OP_WRITE, 944, 0);  /* 80 is not above low */
	ck_assert_uint_eq(kswapd_wakes, 1);
	ck_assert_uint_eq(vs->sim_kswapd_wakeups, 1);
	ck_assert(reclaim_kswapd_pending(rm));
	write_pages(rm, 0, 945, 15);          /* down to 64: above min each time */
	ck_assert_uint_eq(zone_free(rm), 64);
	ck_assert_uint_eq(kswapd_wakes, 1);   /* awake already: not woken again */
	ck_assert_uint_eq(vs->allocstall_movable, 0);
	ck_assert_uint_eq(vs->pgscan_direct, 0);
	step(rm, 0, RECLAIM_OP_WRITE, 960, 0);  /* 64 is not above min */
	ck_assert_uint_eq(vs->allocstall_movable, 1);
	ck_assert_uint_ge(vs->pgsteal_direct, SWAP_CLUSTER_MAX);
	ck_assert_uint_eq(rm->mc.m[0].ev.pgsteal_direct, vs->pgsteal_direct);
	ck_assert_uint_eq(vs->pgscan_kswapd, 0);
	ck_assert_uint_eq(zone_free(rm), 64 + vs->pgsteal_direct - 1);
	reclaim_destroy(rm);
}
END_TEST

/* Under the min watermark with no swap space left (one slot, taken by
 * kswapd's first write), direct reclaim frees nothing and the zone could
 * not pass min even with every LRU page freed (zone_reclaimable_pages()
 * counts no anon without swap): should_reclaim_retry() gives up after one
 * round, and out_of_memory() kills the task with the most rss + swap
 * entries (task 0, 600 pages against 400), on the other's allocation,
 * which then goes on.  oom_kill counts in the victim's memcg and vmstat;
 * memory.events oom is a memcg OOM's only.  Before, the model let the
 * allocation through after 17 rounds and RAM was overcommitted. */
START_TEST(test_global_oom_no_swap)
{
	struct setup s;

	ram_setup_init(&s, 2, 1024, 1024);     /* min 64, low 80, high 96 */
	s.cfg.nslots = 1;
	struct reclaim *rm = setup_create(&s);
	const struct reclaim_vmstat *vs = reclaim_vmstat(rm);
	const struct memcg_events *e = &rm->mc.m[0].ev;

	write_pages(rm, 0, 0, 600);
	write_pages(rm, 1, 0, 361);
	ck_assert_uint_eq(vs->oom_kill, 0);
	ck_assert_uint_eq(zone_free(rm), 64);    /* kswapd wrote one page */
	ck_assert_uint_eq(vs->pgsteal_kswapd, 1);
	ck_assert_uint_eq(vs->allocstall_movable, 0);
	ck_assert_int_eq(step(rm, 1, RECLAIM_OP_WRITE, 361, 0), RECLAIM_FIRST_TOUCH);
	/* one try_to_free_pages(): do_try_to_free_pages() and its memcg_full_walk retry */
	ck_assert_uint_eq(vs->allocstall_movable, 2);
	ck_assert_uint_eq(vs->pgsteal_direct, 0);
	ck_assert_uint_eq(vs->oom_kill, 1);
	ck_assert_uint_eq(e->oom_kill, 1);
	ck_assert_uint_eq(e->oom, 0);
	ck_assert_int_eq(reclaim_task(rm, 0)->killed, 1);
	ck_assert_int_eq(reclaim_task(rm, 1)->killed, 0);
	ck_assert_uint_eq(reclaim_task(rm, 1)->rss, 362);
	ck_assert_uint_eq(reclaim_task(rm, 0)->rss, 0);
	ck_assert_uint_eq(reclaim_resident(rm), 362);
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_WRITE, 0, 0), RECLAIM_DEAD);
	reclaim_destroy(rm);
}
END_TEST

/* With swap space but nothing that reclaim can free (every store rejected
 * with writeback disabled: AOP_WRITEPAGE_ACTIVATE), should_reclaim_retry()
 * allows MAX_RECLAIM_RETRIES rounds without progress after the first, and
 * the 17th ends in the OOM killer, which here kills the allocating task
 * itself (the larger one): its fault ends, its memory is freed. */
START_TEST(test_global_oom_after_retries)
{
	struct setup s;

	ram_setup_init(&s, 2, 1024, 1024);
	struct reclaim *rm = setup_create(&s);
	const struct reclaim_vmstat *vs = reclaim_vmstat(rm);

	F.out_res = RECLAIM_OUT_ACTIVATE;
	write_pages(rm, 1, 0, 300);
	write_pages(rm, 0, 0, 660);
	ck_assert_uint_eq(vs->oom_kill, 0);
	ck_assert_uint_eq(vs->pgsteal_kswapd, 0);
	uint64_t stalls = vs->allocstall_movable;

	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_WRITE, 660, 0), RECLAIM_KILLED);
	/* 17 try_to_free_pages(), 3 do_try_to_free_pages() rounds each */
	ck_assert_uint_eq(vs->allocstall_movable - stalls, 17 * 3);
	ck_assert_uint_eq(vs->pgsteal_direct, 0);
	ck_assert_uint_eq(vs->oom_kill, 1);
	ck_assert_int_eq(reclaim_task(rm, 0)->killed, 1);
	ck_assert_int_eq(reclaim_task(rm, 1)->killed, 0);
	ck_assert_uint_eq(reclaim_task(rm, 0)->rss, 0);
	ck_assert_uint_eq(reclaim_resident(rm), 300);
	reclaim_destroy(rm);
}
END_TEST

/* Woken without an actor of its own (the `none` backend), kswapd runs at
 * the wake point: balance_pgdat() reclaims until free pages are above the
 * high watermark (96), counted as kswapd's (pgscan_kswapd, pgsteal_kswapd,
 * per memcg too), and the task never reclaims itself. */
START_TEST(test_kswapd_balance_to_high)
{
	struct setup s;
	struct reclaim *rm = kswapd_setup(&s, 1024, 1024);
	const struct reclaim_vmstat *vs = reclaim_vmstat(rm);
	const struct memcg_events *e = &rm->mc.m[0].ev;

	write_pages(rm, 0, 0, 944);
	ck_assert_uint_eq(vs->pageoutrun, 0);
	step(rm, 0, RECLAIM_OP_WRITE, 944, 0);
	ck_assert_uint_eq(vs->sim_kswapd_wakeups, 1);
	/* the first run finds the new pages young: round again until high */
	ck_assert_uint_ge(vs->pageoutrun, 1);
	ck_assert_uint_eq(vs->kswapd_high_wmark_hit_quickly, vs->pageoutrun - 1);
	ck_assert_uint_eq(rm->kswapd.failures, 0);   /* progress resets them */
	ck_assert(!reclaim_kswapd_pending(rm));
	ck_assert_uint_gt(zone_free(rm), 96);
	/* the slow path woke kswapd from free 80, which took it above 96, then
	 * took the page */
	ck_assert_uint_ge(vs->pgsteal_kswapd, 17);
	ck_assert_uint_eq(zone_free(rm), 80 + vs->pgsteal_kswapd - 1);
	ck_assert_uint_ge(vs->pgscan_kswapd, vs->pgsteal_kswapd);
	ck_assert_uint_eq(e->pgscan_kswapd, vs->pgscan_kswapd);
	ck_assert_uint_eq(e->pgsteal_kswapd, vs->pgsteal_kswapd);
	ck_assert_uint_eq(e->pgscan, e->pgscan_kswapd);
	ck_assert_uint_eq(vs->pgscan_direct + vs->allocstall_movable + e->pgscan_direct, 0);
	reclaim_destroy(rm);
}
END_TEST

/* A kswapd that reclaims nothing (every swap-out refused, the folio
 * activated) counts a failure per balance_pgdat() and, not balanced, goes
 * round again at once (kswapd_high_wmark_hit_quickly) until
 * MAX_RECLAIM_RETRIES failures make the node hopeless: then it sleeps and
 * wakeup_kswapd() leaves the node to direct reclaim, until reclaim
 * progress (here a direct reclaim once swap-outs succeed again) resets the
 * count and the next allocation under low wakes it. */
START_TEST(test_kswapd_failures)
{
	struct setup s;
	struct reclaim *rm = kswapd_setup(&s, 2048, 1024);
	const struct reclaim_vmstat *vs = reclaim_vmstat(rm);
	uint32_t v;

	F.out_res = RECLAIM_OUT_ACTIVATE;
	write_pages(rm, 0, 0, 945);           /* the last one wakes kswapd */
	ck_assert_uint_eq(vs->sim_kswapd_wakeups, 1);
	ck_assert_uint_eq(vs->pageoutrun, 16);
	ck_assert_uint_eq(vs->sim_kswapd_failures_max, 16);
	ck_assert_uint_eq(vs->kswapd_high_wmark_hit_quickly, 15);
	ck_assert_uint_eq(vs->pgsteal_kswapd, 0);
	ck_assert_uint_gt(vs->pgscan_kswapd, 0);
	ck_assert_uint_eq(rm->kswapd.failures, 16);
	write_pages(rm, 0, 945, 15);          /* hopeless: not woken again */
	ck_assert_uint_eq(vs->sim_kswapd_wakeups, 1);
	ck_assert_uint_eq(zone_free(rm), 64);
	F.out_res = RECLAIM_OUT_STORED;
	step(rm, 0, RECLAIM_OP_WRITE, 960, 0);  /* direct reclaim succeeds */
	ck_assert_uint_eq(vs->allocstall_movable, 1);
	ck_assert_uint_gt(vs->pgsteal_direct, 0);
	ck_assert_uint_eq(rm->kswapd.failures, 0);
	for (v = 961; zone_free(rm) > 80; v++)
		step(rm, 0, RECLAIM_OP_WRITE, v, 0);
	ck_assert_uint_eq(vs->sim_kswapd_wakeups, 1);
	step(rm, 0, RECLAIM_OP_WRITE, v, 0);
	ck_assert_uint_eq(vs->sim_kswapd_wakeups, 2);
	ck_assert_uint_gt(vs->pgsteal_kswapd, 0);
	reclaim_destroy(rm);
}
END_TEST

/* kswapd is never held back by too_many_isolated() (the kernel returns
 * false for it first): with other reclaimers holding far more than an
 * eighth of the inactive pages isolated, it still reclaims, where a task
 * would give up the list. */
START_TEST(test_kswapd_not_throttled)
{
	static const struct reclaim_timing t = { .kswapd_wake = count_kswapd_wake };
	struct setup s;
	struct reclaim *rm = kswapd_setup(&s, 1024, 1024);
	const struct reclaim_vmstat *vs = reclaim_vmstat(rm);
	char reason[256];

	reclaim_set_timing(rm, &t, NULL);
	write_pages(rm, 0, 0, 945);           /* kswapd woken, not run yet */
	ck_assert(reclaim_kswapd_pending(rm));
	rm->isolated += 1000;                 /* another reclaimer's batch */
	for (int i = 0; i < 3; i++)           /* the first run finds them young */
		reclaim_kswapd_balance(rm);
	rm->isolated -= 1000;
	ck_assert_uint_gt(vs->pgsteal_kswapd, 0);
	ck_assert_msg(!reclaim_check_invariants(rm, reason, sizeof(reason)), "invariant: %s", reason);
	reclaim_destroy(rm);
}
END_TEST

/* A folio its task's fault waits for (the waiter holds a reference, FF_PINNED)
 * is not freed after its pageout: __remove_mapping()'s refcount freeze fails
 * and shrink_folio_list() keeps it (keep_locked:), clean in the swap cache
 * with its slot, PG_reclaim cleared as folio_end_writeback() does; the
 * fault then maps it, a minor fault with no swap-in.  A clean swap-cache
 * folio is kept the same way, without the swap layer hearing of a drop.
 * sim_pinned_kept counts the pages.  Before, the model freed the folio and
 * the fault read it back from zswap. */
START_TEST(test_pinned_folio_kept)
{
	struct setup s;

	setup_init(&s, MEMCG_V2, 1, 64);
	struct reclaim *rm = setup_create(&s);
	uint32_t g = rm->task[0].base + 3;

	write_pages(rm, 0, 0, 8);
	rm->pg[g].fflags |= FF_PINNED;
	step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 8);
	ck_assert_uint_eq(F.outs, 8);                   /* all stored */
	ck_assert_int_eq(rm->pg[g].state, PS_CACHED);
	ck_assert_uint_ne(rm->pg[g].slot, RECLAIM_NIL);
	ck_assert(!(rm->pg[g].fflags & (FF_DIRTY | FF_RECLAIM | FF_LOCKED)));
	ck_assert_uint_eq(rm->mc.m[0].ev.sim_pinned_kept, 1);
	ck_assert_uint_eq(reclaim_resident(rm), 1);
	rm->pg[g].fflags &= (uint8_t)~FF_PINNED;        /* the fault goes on */
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 3, 0), RECLAIM_MINOR);
	ck_assert_uint_eq(F.ins, 0);
	ck_assert_uint_eq(reclaim_task(rm, 0)->majfaults, 0);
	/* clean now (read back, not written): pinned, kept without a drop */
	rm->pg[g].fflags |= FF_PINNED;
	step(rm, 0, RECLAIM_OP_PAGEOUT, 3, 1);
	ck_assert_uint_eq(F.outs, 8);
	ck_assert_uint_eq(F.cleans, 0);
	ck_assert_int_eq(rm->pg[g].state, PS_CACHED);
	ck_assert_uint_eq(rm->mc.m[0].ev.sim_pinned_kept, 2);
	rm->pg[g].fflags &= (uint8_t)~FF_PINNED;
	ck_assert_int_eq(step(rm, 0, RECLAIM_OP_READ, 3, 0), RECLAIM_MINOR);
	step(rm, 0, RECLAIM_OP_PAGEOUT, 3, 1);           /* unpinned: dropped */
	ck_assert_uint_eq(F.cleans, 1);
	ck_assert_int_eq(rm->pg[g].state, PS_SWAPPED);
	reclaim_destroy(rm);
}
END_TEST

/* shrink_folio_list() frees its folios in batches (free_folios, PAGEVEC_SIZE
 * = 31): their pages go back to RAM when the batch is full and at the end of
 * the list, and so does their memory charge on v2 (mem_cgroup_uncharge_folios());
 * v1 uncharges each in __remove_mapping() (memcg1_swapout()).  MADV_PAGEOUT
 * of 32 pages, one swap_out call per folio: at the k-th call k folios are
 * gone.  Before, every folio was uncharged and freed at once. */
START_TEST(test_free_batch)
{
	for (int v = 0; v < 2; v++) {
		struct setup s;
		struct reclaim *rm;

		setup_init(&s, v ? MEMCG_V2 : MEMCG_V1, 1, 64);
		rm = setup_create(&s);
		write_pages(rm, 0, 0, 32);
		uint64_t mem0 = rm->mc.m[0].memory, res0 = reclaim_resident(rm);

		ck_assert_uint_eq(res0, 32);
		F.watch = rm;
		step(rm, 0, RECLAIM_OP_PAGEOUT, 0, 32);
		F.watch = NULL;
		ck_assert_uint_eq(F.nwatch, 32);
		for (unsigned k = 0; k < 32; k++) {
			uint64_t freed = k < 31 ? 0 : 31;

			ck_assert_uint_eq(F.res_at_out[k], res0 - freed);
			ck_assert_uint_eq(F.mem_at_out[k], mem0 - (v ? freed : k));
		}
		ck_assert_uint_eq(reclaim_resident(rm), 0);
		ck_assert_uint_eq(rm->mc.m[0].memory, mem0 - 32);
		reclaim_destroy(rm);
	}
}
END_TEST

/* throttle_direct_reclaim(): a backend's pfmemalloc wait that emulates
 * kswapd restoring free pages on its n-th call. */
static struct {
	struct reclaim *rm;
	unsigned waits, wakes, restore_at;
	uint64_t restore_ram;
} PF;

static void pf_wait(void *ctx, int who)
{
	(void)ctx;
	ck_assert_int_eq(who, 0);
	ck_assert_uint_eq(PF.rm->kswapd.throttled, 1);
	if (++PF.waits == PF.restore_at)
		PF.rm->ram_pages = PF.restore_ram;
}

static void pf_wake(void *ctx)
{
	(void)ctx;
	PF.wakes++;
}

/* A task's global direct reclaim with free pages at or under half the min
 * watermark (allow_direct_reclaim(): the PFMEMALLOC reserve) is throttled
 * first: counted once in pgscan_direct_throttle, it waits on
 * pfmemalloc_wait and checks again after each wakeup until free pages are
 * above min / 2, then reclaims.  Above min / 2 (but under min) it reclaims
 * at once.  4 MiB: min 64, so the line is 32 free pages.  Before, direct
 * reclaim was never throttled. */
START_TEST(test_direct_reclaim_throttled)
{
	static const struct reclaim_timing t = {
		.kswapd_wake = count_kswapd_wake, .pfmemalloc_wait = pf_wait,
		.pfmemalloc_wake = pf_wake,
	};
	struct setup s;
	struct reclaim *rm = kswapd_setup(&s, 1024, 1024);
	const struct reclaim_vmstat *vs = reclaim_vmstat(rm);

	memset(&PF, 0, sizeof(PF));
	PF.rm = rm;
	kswapd_wakes = 0;
	reclaim_set_timing(rm, &t, NULL);
	write_pages(rm, 0, 0, 900);            /* free 124: no wakeup */
	ck_assert_uint_eq(kswapd_wakes, 0);
	/* free 33 (other memory taken, as PF_MEMALLOC allocations may): under
	 * min, above the reserve's half: reclaims at once */
	rm->ram_pages = 900 + 33;
	step(rm, 0, RECLAIM_OP_WRITE, 900, 0);
	ck_assert_uint_eq(vs->allocstall_movable, 1);
	ck_assert_uint_eq(vs->pgscan_direct_throttle, 0);
	ck_assert_uint_eq(PF.waits, 0);
	/* free 32: throttled; kswapd (woken, on an actor of its own here)
	 * frees memory while the task sleeps through two wakeups */
	rm->ram_pages = rc_ram_used(rm) + 32;
	PF.restore_at = 2;
	PF.restore_ram = 1024;
	step(rm, 0, RECLAIM_OP_WRITE, 901, 0);
	ck_assert_uint_eq(vs->pgscan_direct_throttle, 1);
	ck_assert_uint_eq(PF.waits, 2);
	ck_assert_uint_eq(rm->kswapd.throttled, 0);
	ck_assert_uint_ge(kswapd_wakes, 1);
	/* then reclaimed as before (try_to_free_pages() goes on) */
	ck_assert_uint_eq(vs->allocstall_movable, 2);
	reclaim_destroy(rm);
}
END_TEST

/* No throttling for a hopeless node (kswapd_failures at
 * MAX_RECLAIM_RETRIES), nor for a zone with nothing on the LRU lists, nor
 * for kernel threads (the shrink worker's writeback folios). */
START_TEST(test_direct_reclaim_not_throttled)
{
	static const struct reclaim_timing t = {
		.kswapd_wake = count_kswapd_wake, .pfmemalloc_wait = pf_wait,
	};
	struct setup s;
	struct reclaim *rm = kswapd_setup(&s, 1024, 1024);
	const struct reclaim_vmstat *vs = reclaim_vmstat(rm);

	memset(&PF, 0, sizeof(PF));
	PF.rm = rm;
	reclaim_set_timing(rm, &t, NULL);
	write_pages(rm, 0, 0, 900);
	rm->ram_pages = 900 + 10;
	ck_assert(!rc_allow_direct_reclaim(rm));
	rm->kswapd.failures = 16;
	ck_assert(rc_allow_direct_reclaim(rm));
	rc_throttle_direct_reclaim(rm, 0);
	rm->kswapd.failures = 0;
	rc_throttle_direct_reclaim(rm, RECLAIM_WHO_WORKER);
	rc_throttle_direct_reclaim(rm, RECLAIM_WHO_KSWAPD);
	ck_assert_uint_eq(vs->pgscan_direct_throttle, 0);
	ck_assert_uint_eq(PF.waits, 0);
	reclaim_destroy(rm);

	/* nothing on the lists (the task only reads the zero page) */
	rm = kswapd_setup(&s, 1024, 1024);
	reclaim_set_timing(rm, &t, NULL);
	ck_assert(rc_allow_direct_reclaim(rm));
	rm->ram_pages = rc_ram_used(rm) + 1;
	ck_assert(rc_allow_direct_reclaim(rm));
	reclaim_destroy(rm);
}
END_TEST

/* kswapd wakes the throttled tasks after each balance_pgdat() round that
 * leaves free pages above the reserve's half, and before it sleeps
 * (prepare_kswapd_sleep(), whatever the free pages); nobody throttled,
 * nothing is sent. */
START_TEST(test_kswapd_wakes_throttled)
{
	static const struct reclaim_timing t = {
		.kswapd_wake = count_kswapd_wake, .pfmemalloc_wake = pf_wake,
	};

	for (unsigned throttled = 0; throttled <= 1; throttled++) {
		struct setup s;
		struct reclaim *rm = kswapd_setup(&s, 1024, 1024);
		const struct reclaim_vmstat *vs = reclaim_vmstat(rm);
		unsigned runs = 0;

		memset(&PF, 0, sizeof(PF));
		reclaim_set_timing(rm, &t, NULL);
		write_pages(rm, 0, 0, 945);       /* kswapd woken, not run yet */
		ck_assert(reclaim_kswapd_pending(rm));
		rm->kswapd.throttled = throttled;  /* a task on pfmemalloc_wait */
		do
			runs++;
		while (!reclaim_kswapd_balance(rm));
		ck_assert_uint_gt(vs->pgsteal_kswapd, 0);
		/* DEF_PRIORITY's round, at least, reclaimed above the reserve's
		 * half, and each run ended in prepare_kswapd_sleep() */
		if (throttled)
			ck_assert_uint_ge(PF.wakes, runs + 1);
		else
			ck_assert_uint_eq(PF.wakes, 0);
		/* balanced now: the end of a nap wakes them all the same */
		PF.wakes = 0;
		ck_assert(reclaim_kswapd_nap_end(rm));
		ck_assert_uint_eq(PF.wakes, throttled);
		rm->kswapd.throttled = 0;
		reclaim_destroy(rm);
	}
}
END_TEST

/* An mTHP fault allocates with GFP_TRANSHUGE_LIGHT (vma_thp_gfp_mask()
 * without MADV_HUGEPAGE), which has neither __GFP_DIRECT_RECLAIM nor
 * __GFP_KSWAPD_RECLAIM: it takes pages down to the min watermark (the slow
 * path's ALLOC_WMARK_MIN) without waking kswapd, and fails under it; the
 * fault's order-0 fallback (GFP_HIGHUSER_MOVABLE) wakes kswapd.  A PMD THP
 * (GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM) reclaims directly and does
 * not wake kswapd either. */
START_TEST(test_kswapd_mthp_gfp)
{
	struct setup s;
	struct reclaim *rm = kswapd_setup(&s, 1024, 1024);
	const struct reclaim_vmstat *vs = reclaim_vmstat(rm);
	struct reclaim_req r = { .task = 0, .order = 4, .op = RECLAIM_OP_WRITE,
				 .content = RECLAIM_CONTENT_DRAW };
	uint32_t base = rm->task[0].base;

	/* 60 folios of 16: the last from free 80, 80 - 15 > 64, leaves 64 */
	for (r.vpage = 0; r.vpage < 960; r.vpage += 16)
		ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(zone_free(rm), 64);
	ck_assert_uint_eq(vs->sim_kswapd_wakeups, 0);
	ck_assert_uint_eq(vs->pgscan_direct + vs->pgscan_kswapd, 0);
	r.vpage = 960;                        /* 64 - 15 is under min: order 0 */
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->pg[base + 960].order, 0);
	ck_assert_uint_eq(rm->pg[base + 961].state, PS_NONE);
	ck_assert_uint_eq(vs->sim_kswapd_wakeups, 1);
	ck_assert_uint_gt(zone_free(rm), 96);
	reclaim_destroy(rm);

	/* a PMD, then mTHPs down to min (free 512 - 28 * 16 = 64), then a
	 * PMD at free 64, under high: one direct reclaim round, no kswapd
	 * wakeup; the first PMD is the inactive list's oldest folio, so its
	 * 512 pages are what the round frees, and the allocation passes */
	rm = kswapd_setup(&s, 2048, 1024);
	vs = reclaim_vmstat(rm);
	r.order = 9;
	r.vpage = 0;
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(vs->thp_fault_alloc, 1);
	r.order = 4;
	for (r.vpage = 512; r.vpage < 960; r.vpage += 16)
		ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(zone_free(rm), 64);
	r.order = 9;
	r.vpage = 1024;
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->pg[rm->task[0].base + 1024].order, 9);
	ck_assert_uint_eq(vs->sim_kswapd_wakeups, 0);
	ck_assert_uint_eq(vs->allocstall_movable, 1);
	ck_assert_uint_eq(vs->pgsteal_direct, 512);
	ck_assert_uint_eq(vs->thp_fault_alloc, 2);
	reclaim_destroy(rm);

	/* mTHPs only, down to min, then a PMD: its one round frees a pass's
	 * folios, not 512 pages (the 960 inactive pages are under
	 * compact_gap() = 1024: no second pass), so the costly order fails
	 * (`goto nopage`, no retry, no OOM kill) and the fault falls back to
	 * order 0 */
	rm = kswapd_setup(&s, 2048, 1024);
	vs = reclaim_vmstat(rm);
	r.order = 4;
	for (r.vpage = 0; r.vpage < 960; r.vpage += 16)
		ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(zone_free(rm), 64);
	r.order = 9;
	r.vpage = 1024;
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->pg[rm->task[0].base + 1024].order, 0);
	ck_assert_int_eq(rm->pg[rm->task[0].base + 1025].state, PS_NONE);
	ck_assert_uint_eq(vs->allocstall_movable, 1);
	ck_assert_uint_gt(vs->pgsteal_direct, 0);
	ck_assert_uint_lt(vs->pgsteal_direct, 512);
	ck_assert_uint_eq(vs->thp_fault_alloc, 0);
	ck_assert_uint_eq(vs->thp_fault_fallback, 1);
	ck_assert_uint_eq(vs->thp_fault_fallback_charge, 0);
	ck_assert_uint_eq(vs->oom_kill, 0);
	reclaim_destroy(rm);
}
END_TEST

/* A PMD THP's direct reclaim is reclaim/compaction (sc->order 9): with more
 * inactive pages than compact_gap(9) = 1024, shrink_node() goes again while
 * a pass reclaims something and the allocation cannot pass min yet
 * (should_continue_reclaim()), all in one try_to_free_pages(): one
 * allocstall, and it stops once free - 511 > min. */
START_TEST(test_thp_reclaim_compaction)
{
	struct setup s;
	struct reclaim *rm = kswapd_setup(&s, 4608, 4096);
	const struct reclaim_vmstat *vs = reclaim_vmstat(rm);
	const struct reclaim_wmark *wm = reclaim_watermarks(rm);
	struct reclaim_req r = { .task = 0, .order = 4, .op = RECLAIM_OP_WRITE,
				 .content = RECLAIM_CONTENT_DRAW };

	ck_assert_uint_eq(wm->min, 128);
	/* mTHPs take free down to min: 4096 - 248 * 16 = 128 */
	for (r.vpage = 0; r.vpage < 3968; r.vpage += 16)
		ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(zone_free(rm), 128);
	ck_assert_uint_eq(vs->allocstall_movable + vs->sim_kswapd_wakeups, 0);
	r.order = 9;
	r.vpage = 4096;
	ck_assert_int_eq(reclaim_step(rm, &r), RECLAIM_FIRST_TOUCH);
	ck_assert_uint_eq(rm->pg[rm->task[0].base + 4096].order, 9);
	ck_assert_uint_eq(vs->allocstall_movable, 1);
	ck_assert_uint_eq(vs->sim_kswapd_wakeups, 0);
	ck_assert_uint_eq(vs->thp_fault_alloc, 1);
	ck_assert_uint_eq(vs->thp_fault_fallback, 0);
	/* reclaimed past the 32 pages of nr_to_reclaim, to 512 over min, and
	 * stopped there: the 512 taken leave free over min by less than a
	 * last pass's folios */
	ck_assert_uint_gt(vs->pgsteal_direct, 480);
	ck_assert_uint_gt(zone_free(rm), wm->min);
	ck_assert_uint_le(zone_free(rm), wm->min + 64);
	reclaim_destroy(rm);
}
END_TEST

static Suite *reclaim_suite(void)
{
	Suite *s = suite_create("reclaim");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_high_delay_table);
	tcase_add_test(tc, test_lazy_pages);
	tcase_add_test(tc, test_charge_stock);
	tcase_add_test(tc, test_stock_eviction);
	tcase_add_test(tc, test_zero_page_read);
	tcase_add_test(tc, test_oom_after_retries);
	tcase_add_test(tc, test_oom_victim_tie);
	tcase_add_test(tc, test_check_references_table);
	tcase_add_test(tc, test_swapcache_clean_drop);
	tcase_add_test(tc, test_vma_readahead);
	tcase_add_test(tc, test_readahead_first_fault);
	tcase_add_test(tc, test_swapin_lru_drain);
	tcase_add_test(tc, test_readahead_is_reclaim);
	tcase_add_test(tc, test_activate_clears_reclaim);
	tcase_add_test(tc, test_zswap_charge_try_charge);
	tcase_add_test(tc, test_unmap_cost_at_unmap);
	tcase_add_test(tc, test_readahead_async);
	tcase_add_test(tc, test_workingset_refault);
	tcase_add_test(tc, test_pageout_root_clock);
	tcase_add_test(tc, test_refault_root_swap);
	tcase_add_test(tc, test_activate_keeps_held_slot);
	tcase_add_test(tc, test_fault_keeps_slot_under_writeback);
	tcase_add_test(tc, test_mthp_charge_exact);
	tcase_add_test(tc, test_mthp_no_direct_reclaim);
	tcase_add_test(tc, test_mthp_fallback);
	tcase_add_test(tc, test_large_swapcache_fault);
	tcase_add_test(tc, test_huge_zero_page);
	tcase_add_test(tc, test_writeback_folio);
	tcase_add_test(tc, test_high_throttle);
	tcase_add_test(tc, test_high_parent);
	tcase_add_test(tc, test_high_debt_threshold);
	tcase_add_test(tc, test_swap_full);
	tcase_add_test(tc, test_zswap_charge);
	tcase_add_test(tc, test_lru_add_batch);
	tcase_add_test(tc, test_split_on_swap_full);
	tcase_add_test(tc, test_split_on_swap_charge);
	tcase_add_test(tc, test_refault_during_pageout);
	tcase_add_test(tc, test_too_many_isolated);
	tcase_add_test(tc, test_global_scan_balance);
	tcase_add_test(tc, test_proportional_reclaim);
	tcase_add_test(tc, test_note_cost);
	tcase_add_test(tc, test_empty_memcg_skipped);
	tcase_add_test(tc, test_hook_large_folio_lru_add);
	tcase_add_test(tc, test_hook_charge_over_high);
	tcase_add_test(tc, test_hook_minor_fault_maps_first);
	tcase_add_test(tc, test_hook_swapin_retries_locked);
	tcase_add_test(tc, test_write_done_of_isolated_freed_folio);
	tcase_add_test(tc, test_write_ended_during_swap_out);
	tcase_add_test(tc, test_lru_ring_order);
	tcase_add_test(tc, test_hits_match_steps);
	tcase_add_test(tc, test_wmark_formula);
	tcase_add_test(tc, test_kswapd_wake_low_direct_min);
	tcase_add_test(tc, test_global_oom_no_swap);
	tcase_add_test(tc, test_global_oom_after_retries);
	tcase_add_test(tc, test_kswapd_balance_to_high);
	tcase_add_test(tc, test_kswapd_failures);
	tcase_add_test(tc, test_kswapd_mthp_gfp);
	tcase_add_test(tc, test_thp_reclaim_compaction);
	tcase_add_test(tc, test_mthp_swpout_counts);
	tcase_add_test(tc, test_kswapd_not_throttled);
	tcase_add_test(tc, test_free_batch);
	tcase_add_test(tc, test_pinned_folio_kept);
	tcase_add_test(tc, test_direct_reclaim_throttled);
	tcase_add_test(tc, test_direct_reclaim_not_throttled);
	tcase_add_test(tc, test_kswapd_wakes_throttled);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(reclaim_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
