// SPDX-License-Identifier: MIT
/*
 * Workload generators: the reclaim model on hand-worked cases, determinism,
 * content fractions, event order, and every generated trace passing
 * trace_open()'s validation; the kinds as access sources (global and per-task
 * order give the same records; access traces and oracleGeneral written from
 * them; the selftest loop asking its consumer).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "sim/cli.h"
#include "traces/access.h"
#include "traces/access_source.h"
#include "traces/content.h"
#include "traces/gen.h"
#include "traces/reclaim.h"
#include "traces/trace.h"

static char tmpdir[64];

static void setup_tmp(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_gen.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown_tmp(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd)) {
		/* nothing to do: a leftover temp dir does not fail the test */
	}
}

/* A model with no content sources (random pages) and nslots slots. */
static void model(struct reclaim *rm, struct content *ct, uint32_t nslots, unsigned ra)
{
	struct content_params cp = { 0 };
	struct rm_params p = { .nslots = nslots, .nstreams = 2, .readahead = ra, .seed = 1 };
	char err[256];

	ck_assert_int_eq(content_init(ct, &cp, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(rm_init(rm, &p, ct, err, sizeof(err)), 0);
}

static void expect(const struct reclaim *rm, uint64_t i, uint64_t t, unsigned op,
		   uint32_t slot, unsigned order)
{
	ck_assert_msg(i < rm->nev, "event %llu missing (have %llu)", (unsigned long long)i,
		      (unsigned long long)rm->nev);
	const struct trace_record *r = &rm->ev[i];
	ck_assert_msg(r->time_ns == t && r->op == op && r->slot == slot && r->order == order,
		      "event %llu: got t=%llu %s slot %u order %u, want t=%llu %s slot %u order %u",
		      (unsigned long long)i, (unsigned long long)r->time_ns, trace_op_name(r->op),
		      r->slot, r->order, (unsigned long long)t, trace_op_name(op), slot, order);
}

/*
 * memory.max = 4 pages; write pages 0..5 at t = 1..6.  Touching page 4 finds
 * pages 0..3 young: each gets PG_referenced and a trip round the inactive
 * list, then page 0 (oldest, no longer young) goes to slot 0; page 5 pushes
 * page 1 to slot 1.  Then: read 0 (t7: page 2 out to slot 2, page 0 in from
 * slot 0, keeping it as swapcache), write 0 (t8: slot 0 freed), read 1 (t9:
 * page 3 out to slot 0, the lowest free slot, then in slot 1), read 4 (t10,
 * resident: nothing), read 2 (t11: pages 4, 5, 0, 1 are young and rotate,
 * page 4 goes to slot 3; in slot 2).  Exit at t12 frees slots 1 and 2 (the
 * swapcache of pages 1, 2), 0 (page 3) and 3 (page 4).
 */
START_TEST(test_reclaim_hand_worked)
{
	struct reclaim rm;
	struct content ct;
	uint64_t t = 0;

	model(&rm, &ct, 16, 0);
	int cg = rm_add_memcg(&rm, "cg", -1, 4);
	uint32_t f = rm_map(&rm, 0, (unsigned)cg, 6, NULL, NULL, 0);
	for (uint32_t p = 0; p < 6; p++)
		rm_touch(&rm, 0, f + p, 1, ++t);
	rm_touch(&rm, 0, f + 0, 0, ++t);
	rm_touch(&rm, 0, f + 0, 1, ++t);
	rm_touch(&rm, 0, f + 1, 0, ++t);
	rm_touch(&rm, 0, f + 4, 0, ++t);
	rm_touch(&rm, 0, f + 2, 0, ++t);
	rm_unmap(&rm, 0, f, 6, ++t);

	uint64_t i = 0;
	expect(&rm, i++, 5, TRACE_OP_OUT, 0, 0);
	expect(&rm, i++, 6, TRACE_OP_OUT, 1, 0);
	expect(&rm, i++, 7, TRACE_OP_OUT, 2, 0);
	expect(&rm, i++, 7, TRACE_OP_IN, 0, 0);
	expect(&rm, i++, 8, TRACE_OP_INVAL, 0, 0);
	expect(&rm, i++, 9, TRACE_OP_OUT, 0, 0);
	expect(&rm, i++, 9, TRACE_OP_IN, 1, 0);
	expect(&rm, i++, 11, TRACE_OP_OUT, 3, 0);
	expect(&rm, i++, 11, TRACE_OP_IN, 2, 0);
	expect(&rm, i++, 12, TRACE_OP_INVAL, 1, 0);
	expect(&rm, i++, 12, TRACE_OP_INVAL, 2, 0);
	expect(&rm, i++, 12, TRACE_OP_INVAL, 0, 0);
	expect(&rm, i++, 12, TRACE_OP_INVAL, 3, 0);
	ck_assert_uint_eq(rm.nev, i);
	/* each out got fresh content: pages 0, 1, 2, 3, 4 in that order */
	ck_assert_uint_eq(rm.ev[0].content, 0);
	ck_assert_uint_eq(rm.ev[1].content, 1);
	ck_assert_uint_eq(rm.ev[2].content, 2);
	ck_assert_uint_eq(rm.ev[5].content, 3);
	ck_assert_uint_eq(rm.ev[7].content, 4);
	ck_assert_uint_eq(ct.npages, 5);
	ck_assert_uint_eq(rm.memcg[cg].usage, 0);
	ck_assert_uint_eq(rm.slots.used, 0);
	rm_free(&rm);
	content_free(&ct);
}
END_TEST

/*
 * Order-2 folios, memory.max 4: writing page 4 allocates folio 4..7, which
 * needs the whole limit, so folio 0..3 goes out whole to slots 0..3.  Reading
 * page 0 back pushes folio 4..7 out to slots 4..7 and brings page 0 in alone
 * (order 0).  Exit: the swapcache slot 0, then pages 1..3 one by one (no
 * longer an aligned run of their folio), then folio 4..7 as one order-2 inval.
 */
START_TEST(test_reclaim_large_folio)
{
	struct reclaim rm;
	struct content ct;
	unsigned orders[] = { 2 };
	double prob[] = { 1.0 };

	model(&rm, &ct, 16, 0);
	int cg = rm_add_memcg(&rm, "cg", -1, 4);
	uint32_t f = rm_map(&rm, 0, (unsigned)cg, 8, orders, prob, 1);
	for (uint32_t p = 0; p < 8; p++)
		rm_touch(&rm, 0, f + p, 1, 10 + p);
	rm_touch(&rm, 0, f, 0, 20);
	rm_unmap(&rm, 0, f, 8, 21);

	uint64_t i = 0;
	expect(&rm, i++, 14, TRACE_OP_OUT, 0, 2);
	expect(&rm, i++, 20, TRACE_OP_OUT, 4, 2);
	expect(&rm, i++, 20, TRACE_OP_IN, 0, 0);
	expect(&rm, i++, 21, TRACE_OP_INVAL, 0, 3);
	ck_assert_uint_eq(rm.nev, i);
	ck_assert_uint_eq(rm.ev[0].content, 0);   /* pages 0..3 of the store */
	ck_assert_uint_eq(rm.ev[1].content, 4);   /* pages 4..7 */
	ck_assert_uint_eq(ct.npages, 8);
	rm_free(&rm);
	content_free(&ct);
}
END_TEST

/* memory.max 1 page: a page read back keeps its slot (swapcache) and, when
 * reclaimed again unwritten, goes out to that slot with no inval; a write
 * frees the slot. */
START_TEST(test_reclaim_swapcache)
{
	struct reclaim rm;
	struct content ct;

	model(&rm, &ct, 16, 0);
	int cg = rm_add_memcg(&rm, "cg", -1, 1);
	uint32_t f = rm_map(&rm, 0, (unsigned)cg, 2, NULL, NULL, 0);
	rm_touch(&rm, 0, f, 1, 1);
	rm_touch(&rm, 0, f + 1, 1, 2);      /* page 0 -> slot 0 */
	rm_touch(&rm, 0, f, 0, 3);          /* page 1 -> slot 1; in 0 */
	rm_touch(&rm, 0, f + 1, 0, 4);      /* page 0 -> slot 0 again; in 1 */
	rm_touch(&rm, 0, f + 1, 1, 5);      /* write: slot 1 freed */
	expect(&rm, 0, 2, TRACE_OP_OUT, 0, 0);
	expect(&rm, 1, 3, TRACE_OP_OUT, 1, 0);
	expect(&rm, 2, 3, TRACE_OP_IN, 0, 0);
	expect(&rm, 3, 4, TRACE_OP_OUT, 0, 0);
	expect(&rm, 4, 4, TRACE_OP_IN, 1, 0);
	expect(&rm, 5, 5, TRACE_OP_INVAL, 1, 0);
	ck_assert_uint_eq(rm.nev, 6);
	ck_assert_uint_eq(rm.ev[3].content, rm.ev[0].content);  /* unwritten: same content */
	ck_assert_uint_eq(ct.npages, 2);
	rm_free(&rm);
	content_free(&ct);
}
END_TEST

/* Readahead window 4: a fault on page 1 also brings back the swapped pages
 * 0, 2, 3 of its aligned window, flagged, after the fault's own `in`. */
START_TEST(test_reclaim_readahead)
{
	struct reclaim rm;
	struct content ct;

	model(&rm, &ct, 16, 4);
	int cg = rm_add_memcg(&rm, "cg", -1, 0);
	uint32_t f = rm_map(&rm, 0, (unsigned)cg, 8, NULL, NULL, 0);
	for (uint32_t p = 0; p < 8; p++)
		rm_touch(&rm, 0, f + p, 1, 1 + p);
	ck_assert_uint_eq(rm_reclaim(&rm, 0, cg, 8, 10), 8);
	rm_touch(&rm, 0, f + 1, 0, 11);
	/* pages went out oldest first: page p to slot p */
	for (uint32_t p = 0; p < 8; p++)
		expect(&rm, p, 10, TRACE_OP_OUT, p, 0);
	expect(&rm, 8, 11, TRACE_OP_IN, 1, 0);
	expect(&rm, 9, 11, TRACE_OP_IN, 0, 0);
	expect(&rm, 10, 11, TRACE_OP_IN, 2, 0);
	expect(&rm, 11, 11, TRACE_OP_IN, 3, 0);
	ck_assert_uint_eq(rm.nev, 12);
	ck_assert_uint_eq(rm.ev[8].flags, 0);
	for (int k = 9; k < 12; k++)
		ck_assert_uint_eq(rm.ev[k].flags, TRACE_F_READAHEAD);
	rm_free(&rm);
	content_free(&ct);
}
END_TEST

/* Hierarchical limit: two children under a parent limited to 4 pages; the
 * child with more resident pages gives them up. */
START_TEST(test_reclaim_hierarchy)
{
	struct reclaim rm;
	struct content ct;

	model(&rm, &ct, 16, 0);
	int parent = rm_add_memcg(&rm, "parent", -1, 4);
	int a = rm_add_memcg(&rm, "a", parent, 0);
	int b = rm_add_memcg(&rm, "b", parent, 0);
	uint32_t fa = rm_map(&rm, 0, (unsigned)a, 3, NULL, NULL, 0);
	uint32_t fb = rm_map(&rm, 1, (unsigned)b, 2, NULL, NULL, 0);
	for (uint32_t p = 0; p < 3; p++)
		rm_touch(&rm, 0, fa + p, 1, 1 + p);
	rm_touch(&rm, 1, fb, 1, 4);
	rm_touch(&rm, 1, fb + 1, 1, 5);   /* over: a (3 pages) gives its oldest */
	ck_assert_uint_eq(rm.nev, 1);
	ck_assert_uint_eq(rm.ev[0].memcg, (unsigned)a);
	ck_assert_uint_eq(rm.ev[0].stream, 1);     /* reclaim runs in the charging task */
	ck_assert_uint_eq(rm.memcg[parent].usage, 4);
	ck_assert_uint_eq(rm.memcg[a].out_pages, 1);
	rm_free(&rm);
	content_free(&ct);
}
END_TEST

/* Pages of a content mix: exact kinds, fractions near the asked ones. */
START_TEST(test_content_fractions)
{
	struct content ct;
	struct content_params cp = { .zero = 0.2, .same = 0.3, .random = 0.5 };
	char err[256];
	unsigned nz = 0, ns = 0, nr = 0;

	ck_assert_int_eq(content_init(&ct, &cp, 7, err, sizeof(err)), 0);
	for (int i = 0; i < 2000; i++)
		ck_assert_uint_ne(content_new(&ct, 1), CONTENT_NONE);
	ck_assert_uint_eq(ct.n_zero + ct.n_same + ct.n_random, 2000);
	ck_assert_msg(ct.n_zero > 340 && ct.n_zero < 460, "zero %llu", (unsigned long long)ct.n_zero);
	ck_assert_msg(ct.n_same > 530 && ct.n_same < 670, "same %llu", (unsigned long long)ct.n_same);
	/* zero runs are shared: one zero page in the store */
	ck_assert_uint_eq(ct.npages, 2000 - ct.n_zero + 1);
	for (uint64_t p = 0; p < ct.npages; p++) {
		const uint64_t *w = (const uint64_t *)(ct.pages + p * SIM_PAGE_SIZE);
		int same = 1;
		for (int k = 1; k < 512; k++)
			same &= w[k] == w[0];
		if (same && !w[0])
			nz++;
		else if (same)
			ns++;
		else
			nr++;
	}
	ck_assert_uint_eq(nz, 1);
	ck_assert_uint_eq(ns, ct.n_same);
	ck_assert_uint_eq(nr, ct.n_random);
	content_free(&ct);
}
END_TEST

/* --max-pages: beyond the limit, runs are shared, never appended. */
START_TEST(test_content_max_pages)
{
	struct content ct;
	struct content_params cp = { .random = 1.0, .max_pages = 10 };
	char err[256];

	ck_assert_int_eq(content_init(&ct, &cp, 7, err, sizeof(err)), 0);
	for (int i = 0; i < 100; i++) {
		uint32_t c = content_new(&ct, 4);
		ck_assert_uint_le((uint64_t)c + 4, ct.npages);
	}
	ck_assert_uint_eq(ct.npages, 12);    /* three runs of 4, then sharing */
	content_free(&ct);
}
END_TEST

static int run_gen(const char *args)
{
	char buf[2048], *argv[64];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", args);
	for (char *tok = strtok(buf, " "); tok && argc < 63; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return trace_gen_main(argc, argv);
}

static int same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int same = fa && fb;

	while (same) {
		int ca = fgetc(fa), cb = fgetc(fb);
		if (ca != cb)
			same = 0;
		if (ca == EOF || cb == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* Open, validate, and check the global (time, stream) order. */
static void check_trace(const char *path, struct trace *t)
{
	char err[512];

	ck_assert_msg(trace_open(t, path, err, sizeof(err)) == 0, "%s", err);
	for (uint64_t i = 1; i < t->nrec; i++) {
		const struct trace_record *a = &t->rec[i - 1], *b = &t->rec[i];
		ck_assert(a->time_ns < b->time_ns ||
			  (a->time_ns == b->time_ns && a->stream <= b->stream));
	}
}

START_TEST(test_usemem_deterministic)
{
	char args[2048], p[3][160], pages[3][160], dir[96];
	static struct trace t;

	/* same name in three directories: the header names the page store */
	setup_tmp();
	for (int k = 0; k < 3; k++) {
		snprintf(dir, sizeof(dir), "%s/%d", tmpdir, k);
		ck_assert_int_eq(mkdir(dir, 0755), 0);
		snprintf(p[k], sizeof(p[k]), "%s/u.zswt", dir);
		snprintf(pages[k], sizeof(pages[k]), "%s/u.pages", dir);
		snprintf(args, sizeof(args), "usemem --streams 3 --memcgs 2 --size 512K"
			 " --orders 0:0.5,4:0.5 --passes 3 --pattern random --write 0.5"
			 " --zero 0.1 --same 0.1 --dirty 0.3 --readahead 4 --quiet --seed %d -o %s",
			 k == 2 ? 8 : 7, p[k]);
		ck_assert_int_eq(run_gen(args), 0);
	}
	ck_assert(same_file(p[0], p[1]));
	ck_assert(same_file(pages[0], pages[1]));
	ck_assert(!same_file(p[0], p[2]));
	ck_assert(!same_file(pages[0], pages[2]));

	check_trace(p[0], &t);
	ck_assert_uint_eq(t.meta.stream_count, 3);
	ck_assert_uint_eq(t.meta.memcg_count, 2);
	ck_assert_str_eq(t.meta.page_store, "u.pages");
	uint64_t n[TRACE_OP_COUNT] = { 0 }, large = 0, ra = 0;
	for (uint64_t i = 0; i < t.nrec; i++) {
		n[t.rec[i].op]++;
		large += t.rec[i].op == TRACE_OP_OUT && t.rec[i].order == 4;
		ra += !!(t.rec[i].flags & TRACE_F_READAHEAD);
	}
	ck_assert(n[TRACE_OP_OUT] > 100 && n[TRACE_OP_IN] > 100 && n[TRACE_OP_INVAL] > 100);
	ck_assert(large > 0 && ra > 0);
	trace_close(&t);
	teardown_tmp();
}
END_TEST

START_TEST(test_zipf_and_text)
{
	char args[2048], path[128];
	static struct trace t;

	setup_tmp();
	snprintf(path, sizeof(path), "%s/z.txt", tmpdir);
	snprintf(args, sizeof(args), "zipf --size 256K --accesses 4000 --phases 4 --alpha 1.2"
		 " --max 128K --quiet -o %s", path);
	ck_assert_int_eq(run_gen(args), 0);
	check_trace(path, &t);
	ck_assert(t.nrec > 100);
	trace_close(&t);
	/* bad input is a usage error, not a crash */
	ck_assert_int_eq(run_gen("zipf --size 0 -o x.zswt"), EXIT_USAGE);
	ck_assert_int_eq(run_gen("usemem --orders 0:1,12:1 -o x.zswt"), EXIT_USAGE);
	ck_assert_int_eq(run_gen("usemem --size 1M -o x.bin"), EXIT_USAGE);
	ck_assert_int_eq(run_gen("nosuchkind"), EXIT_USAGE);
	ck_assert_int_eq(run_gen("selftest nosuchtest -o x.zswt"), EXIT_USAGE);
	teardown_tmp();
}
END_TEST

static const char *const selftests[] = {
	"zswap_usage", "swapin_nozswap", "zswapin", "zswap_writeback_enabled",
	"zswap_writeback_disabled", "no_kmem_bypass", "no_invasive_cgroup_shrink",
	"zswap_incompressible",
};

/* Every selftest trace validates; per-test shapes worked out from the tests. */
START_TEST(test_selftests)
{
	char args[2048], path[128];
	static struct trace t;

	setup_tmp();
	snprintf(path, sizeof(path), "%s/s.zswt", tmpdir);
	snprintf(args, sizeof(args), "selftest %s --quiet -o %s", selftests[_i], path);
	ck_assert_int_eq(run_gen(args), 0);
	check_trace(path, &t);
	uint64_t n[TRACE_OP_COUNT] = { 0 };
	for (uint64_t i = 0; i < t.nrec; i++)
		n[t.rec[i].op] += 1u << t.rec[i].order;
	switch (_i) {
	case 0:   /* 1024 pages under a 256-page limit, freed */
		ck_assert_uint_eq(n[TRACE_OP_OUT], 768);
		ck_assert_uint_eq(n[TRACE_OP_IN], 0);
		ck_assert_uint_eq(n[TRACE_OP_INVAL], 768);
		break;
	case 2:   /* 8192 pages written and read back under 2048: every page
		   * swapped once in the write pass is faulted back */
		ck_assert_uint_ge(n[TRACE_OP_IN], 6144);
		break;
	case 3:
	case 4:   /* two memcgs x (1024 reclaimed, read back, reclaimed again
		   * to the same slots, freed) */
		ck_assert_uint_eq(t.meta.memcg_count, 2);
		ck_assert_int_eq(t.meta.memcgs[1].parent, 0);
		ck_assert_uint_eq(n[TRACE_OP_OUT], 4096);
		ck_assert_uint_eq(n[TRACE_OP_IN], 2048);
		ck_assert_uint_eq(n[TRACE_OP_INVAL], 2048);
		ck_assert_uint_eq(t.meta.page_store_pages, 1);
		break;
	case 7:   /* 1024 random pages paged out, 4 distinct in the store */
		ck_assert_uint_eq(n[TRACE_OP_OUT], 1024);
		ck_assert_uint_eq(t.meta.page_store_pages, 4);
		break;
	default:
		ck_assert_uint_gt(n[TRACE_OP_OUT], 0);
	}
	trace_close(&t);
	teardown_tmp();
}
END_TEST

/* --- the kinds as access sources ------------------------------------------------- */

/* A kind's source from a command line ("usemem --streams 3 ..."); shared:
 * as for a swap-event trace (one generator for all tasks). */
static struct access_source *kind_source_mode(const char *cmd, int shared)
{
	char buf[1024], *tok, *save = NULL, err[512];
	const struct gen_kind *k;
	const char *word = NULL;
	struct access_source *src;
	void *args;

	snprintf(buf, sizeof(buf), "%s", cmd);
	k = gen_find_kind(strtok_r(buf, " ", &save));
	ck_assert_ptr_nonnull(k);
	args = calloc(1, k->args_size);
	k->defaults(args);
	while ((tok = strtok_r(NULL, " ", &save))) {
		const struct gen_opt *o;

		if (tok[0] != '-') {
			word = tok;
			continue;
		}
		for (o = k->opts; o->name && strcmp(o->name, tok); o++)
			;
		ck_assert_ptr_nonnull(o->name);
		ck_assert_int_eq(gen_opt_set(o, args, o->type == GO_FLAG ? "" : strtok_r(NULL, " ", &save),
					     err, sizeof(err)), 0);
	}
	((struct gen_common *)args)->shared_rng = shared;
	ck_assert_msg(k->source(args, word, &src, err, sizeof(err)) == 0, "%s", err);
	free(args);
	return src;
}

static struct access_source *kind_source(const char *cmd)
{
	return kind_source_mode(cmd, 0);
}

/* All records in global order; each is valid for the source's meta and the
 * order is (time, task). */
static struct access_record *pull_global(struct access_source *src, uint64_t *n)
{
	struct access_record *a = NULL, r;
	struct access_check c;
	uint64_t cap = 0;
	char reason[256];
	int ret;

	*n = 0;
	ck_assert_int_eq(access_check_init(&c, access_source_meta(src)), 0);
	while ((ret = access_source_next(src, &r)) == 1) {
		ck_assert_msg(!access_check_record(&c, &r, reason, sizeof(reason)), "%s", reason);
		ck_assert(c.global_order);
		if (*n == cap)
			a = realloc(a, (cap = cap ? 2 * cap : 1024) * sizeof(*a));
		a[(*n)++] = r;
	}
	ck_assert_int_eq(ret, 0);
	access_check_free(&c);
	return a;
}

static const char *const source_cmds[] = {
	"usemem --streams 3 --memcgs 2 --size 512K --orders 0:0.5,4:0.5 --passes 3"
	" --pattern random --write 0.5 --think 700",
	"zipf --streams 2 --size 256K --accesses 3000 --phases 3 --orders 0:0.7,2:0.3 --no-exit",
	"selftest no_invasive_cgroup_shrink",
	"selftest zswap_writeback_enabled",
};

/* Per-task pulls (task 0 to its end, then the others, so the FIFOs of a
 * source that is global natively (selftest, and usemem and zipf with one
 * shared generator, _i >= 4) hold a whole task) give each task's records of
 * the global order, in that order. */
START_TEST(test_source_orders)
{
	struct access_source *src = kind_source_mode(source_cmds[_i % 4], _i >= 4);
	uint64_t n, got = 0;
	struct access_record *all = pull_global(src, &n), r;
	unsigned ntasks = access_source_meta(src)->task_count;

	access_source_close(src);
	ck_assert_uint_gt(n, 100);
	src = kind_source_mode(source_cmds[_i % 4], _i >= 4);
	for (unsigned t = 0; t < ntasks; t++) {
		uint64_t j = 0;
		int ret;

		while ((ret = access_source_next_task(src, t, &r)) == 1) {
			while (j < n && all[j].task != t)
				j++;
			ck_assert_uint_lt(j, n);
			ck_assert(!memcmp(&r, &all[j], sizeof(r)));
			j++;
			got++;
		}
		ck_assert_int_eq(ret, 0);
	}
	ck_assert_uint_eq(got, n);
	access_source_close(src);
	free(all);
}
END_TEST

/* Same seed, same records; another seed, other records. */
START_TEST(test_source_deterministic)
{
	uint64_t n1, n2, n3;
	struct access_source *a = kind_source("usemem --streams 2 --size 256K --pattern random"
					      " --write 0.5 --seed 5");
	struct access_source *b = kind_source("usemem --streams 2 --size 256K --pattern random"
					      " --write 0.5 --seed 5");
	struct access_source *c = kind_source("usemem --streams 2 --size 256K --pattern random"
					      " --write 0.5 --seed 6");
	struct access_record *ra = pull_global(a, &n1), *rb = pull_global(b, &n2);
	struct access_record *rc = pull_global(c, &n3);

	ck_assert_uint_eq(n1, n2);
	ck_assert_uint_eq(n1, n3);
	ck_assert(!memcmp(ra, rb, n1 * sizeof(*ra)));
	ck_assert(memcmp(ra, rc, n1 * sizeof(*ra)));
	/* usemem: 2 passes of 64 pages per task, then the exit */
	ck_assert_uint_eq(n1, 2 * (2 * 64 + 1));
	free(ra);
	free(rb);
	free(rc);
	access_source_close(a);
	access_source_close(b);
	access_source_close(c);
}
END_TEST

/* --access writes the source's records and its page store: reading the file
 * back gives the same records, and replaying the file through the reclaim
 * model gives the same swap events as replaying the generator. */
static void replay(struct access_source *src, struct reclaim *rm, struct content *ct)
{
	struct content_params cp = { 0 };
	struct rm_params p = { .nslots = 1 << 16, .nstreams = access_source_meta(src)->task_count,
			       .ram_pages = access_source_meta(src)->ram_pages, .seed = 1 };
	char err[256];

	ck_assert_int_eq(content_init(ct, &cp, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(rm_init(rm, &p, ct, err, sizeof(err)), 0);
	ck_assert_msg(gen_replay(src, rm, ct, err, sizeof(err)) == 0, "%s", err);
}

START_TEST(test_access_output)
{
	static const char *const kinds[] = {
		"selftest zswapin", "selftest zswap_incompressible",
		"usemem --streams 2 --size 512K --orders 0:0.5,3:0.5 --pattern random --write 0.7"
		" --content traces/bundled/default.pages --max-pages 40 --zero 0.1",
	};
	char args[1024], path[256], err[512];
	struct access_source *gen, *file;
	struct reclaim rm1, rm2;
	struct content ct1, ct2;
	uint64_t n1, n2;

	setup_tmp();
	for (unsigned k = 0; k < 3; k++) {
		snprintf(path, sizeof(path), "%s/a%u.%s", tmpdir, k, k == 1 ? "txt" : "zswa");
		snprintf(args, sizeof(args), "%s --access --quiet -o %s", kinds[k], path);
		ck_assert_int_eq(run_gen(args), 0);
		gen = kind_source(kinds[k]);
		ck_assert_msg(access_source_open(&file, path, ACCESS_FMT_ZSWAPSIM, NULL, err,
						 sizeof(err)) == 0, "%s", err);
		struct access_record *a = pull_global(gen, &n1), *b = pull_global(file, &n2);
		ck_assert_uint_eq(n1, n2);
		ck_assert(!memcmp(a, b, n1 * sizeof(*a)));
		ck_assert_uint_eq(access_source_meta(file)->page_store_pages,
				  access_source_meta(gen)->page_store_pages);
		ck_assert_uint_eq(access_source_meta(file)->page_store_checksum,
				  access_source_meta(gen)->page_store_checksum);
		ck_assert(access_source_meta(file)->content.zero == (k == 2 ? 0.1 : 0));
		free(a);
		free(b);
		access_source_close(gen);
		access_source_close(file);

		gen = kind_source(kinds[k]);
		ck_assert_int_eq(access_source_open(&file, path, ACCESS_FMT_ZSWAPSIM, NULL, err,
						    sizeof(err)), 0);
		replay(gen, &rm1, &ct1);
		replay(file, &rm2, &ct2);
		ck_assert_uint_gt(rm1.nev, 0);
		ck_assert_uint_eq(rm1.nev, rm2.nev);
		ck_assert(!memcmp(rm1.ev, rm2.ev, rm1.nev * sizeof(*rm1.ev)));
		ck_assert_uint_eq(ct1.npages, ct2.npages);
		ck_assert(!memcmp(ct1.pages, ct2.pages, ct1.npages * SIM_PAGE_SIZE));
		rm_free(&rm1);
		rm_free(&rm2);
		content_free(&ct1);
		content_free(&ct2);
		access_source_close(gen);
		access_source_close(file);
	}
	teardown_tmp();
}
END_TEST

/* --oracle-general: every read and write is a request; read back, the pages
 * come in first-seen order. */
START_TEST(test_oracle_output)
{
	const char *cmd = "zipf --streams 2 --size 256K --accesses 2000 --no-exit";
	struct access_file_opts o = { .think_ns = 1 };
	char args[512], path[256], err[512];
	struct access_source *gen, *og;
	uint64_t n1, n2, touches = 0;

	setup_tmp();
	snprintf(path, sizeof(path), "%s/z.oracleGeneral.zst", tmpdir);
	snprintf(args, sizeof(args), "%s --oracle-general --quiet -o %s", cmd, path);
	ck_assert_int_eq(run_gen(args), 0);
	gen = kind_source(cmd);
	struct access_record *a = pull_global(gen, &n1);
	ck_assert_int_eq(access_source_open(&og, path, ACCESS_FMT_ORACLE, &o, err, sizeof(err)), 0);
	struct access_record *b = pull_global(og, &n2);
	for (uint64_t i = 0; i < n1; i++)
		touches += a[i].op <= ACCESS_WRITE;
	ck_assert_uint_eq(n2, touches);
	ck_assert_uint_eq(n2, 4000);
	free(a);
	free(b);
	access_source_close(gen);
	access_source_close(og);
	teardown_tmp();
}
END_TEST

/* no_kmem_bypass asks its consumer how much is swapped out: without an
 * answer it makes all 20 rounds, with a large one it stops after the first. */
static uint64_t swapped_a_lot(void *ctx, unsigned memcg)
{
	(void)ctx;
	return memcg == 1 ? UINT64_MAX : 0;
}

START_TEST(test_selftest_probe)
{
	for (int probe = 0; probe < 2; probe++) {
		struct access_source *src = kind_source("selftest no_kmem_bypass");
		struct access_record r;
		uint64_t frees = 0;

		if (probe)
			access_source_set_probe(src, swapped_a_lot, NULL);
		while (access_source_next(src, &r) == 1)
			frees += r.op == ACCESS_FREE;
		ck_assert_uint_eq(frees, probe ? 1 : 20);
		access_source_close(src);
	}
}
END_TEST

START_TEST(test_gen_output_errors)
{
	ck_assert_int_eq(run_gen("usemem --access -o x.zswt"), EXIT_USAGE);
	ck_assert_int_eq(run_gen("usemem --access --oracle-general -o x.zswa"), EXIT_USAGE);
	ck_assert_int_eq(run_gen("usemem --access --readahead 4 -o x.zswa"), EXIT_USAGE);
	ck_assert_int_eq(run_gen("usemem --oracle-general --swap 1G -o x.og"), EXIT_USAGE);
	ck_assert_int_eq(run_gen("usemem --size 1M"), EXIT_USAGE);
	ck_assert_int_eq(run_gen("usemem --access --content nosuch.pages -o /tmp/x.zswa"),
			 EXIT_USAGE);
}
END_TEST

/* An argument with a newline is shown as '?' in the one-line error (found by
 * fuzz_gen_opts: "unknown test 'sw\nx'" was two lines). */
START_TEST(test_gen_errors_one_line)
{
	static const char *const bad[][2] = {
		{ "selftest", "sw\nx" },
		{ "zipf", "--size=1\nx" },
		{ "zipf", "--si\nze=1" },
		{ "usemem", "--orders=0:1\n" },
		{ "usemem", "a\nb" },
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct gen_kind *k = gen_find_kind(bad[i][0]);
		char *argv[] = { (char *)bad[i][0], (char *)bad[i][1], NULL }, err[512] = "";
		const char *word = NULL;
		void *args = calloc(1, k->args_size);
		struct access_source *src = NULL;
		int r;

		k->defaults(args);
		r = trace_gen_parse_args(k, 2, argv, args, &word, err, sizeof(err));
		if (!r)
			r = k->source(args, word, &src, err, sizeof(err));
		ck_assert_int_eq(r, -EINVAL);
		ck_assert_msg(!strchr(err, '\n') && strchr(err, '?'), "%u: '%s'", i, err);
		free(args);
	}
}
END_TEST

/* The records of a source, all in global order. */
static uint64_t jitter_records(const char *cmd, struct access_record **all)
{
	struct access_source *src = kind_source(cmd);
	uint64_t n;

	*all = pull_global(src, &n);
	access_source_close(src);
	return n;
}

/* Jitter (docs/workloads.md): by default the streams start at distinct
 * offsets below one think time and their think times vary around the one
 * asked for (mean kept); --no-jitter is the lockstep of before, where every
 * task's k-th record is at k x think; the pages touched are the same. */
START_TEST(test_gen_jitter)
{
	const char *base = "usemem --streams 4 --size 256K --pattern random --write 0.5 --think 1000";
	char cmd[256];
	struct access_record *on, *off, *on2;
	uint64_t non, noff, n2, first[4], seen = 0, k[4] = { 0 };
	double sum = 0;
	uint64_t gaps = 0, last[4] = { 0 }, distinct_gap = 0;

	non = jitter_records(base, &on);
	snprintf(cmd, sizeof(cmd), "%s --no-jitter", base);
	noff = jitter_records(cmd, &off);
	n2 = jitter_records(base, &on2);
	ck_assert_uint_eq(non, noff);
	ck_assert_uint_eq(non, n2);
	ck_assert(!memcmp(on, on2, non * sizeof(*on)));        /* seeded: the same again */
	for (uint64_t i = 0; i < noff; i++) {
		unsigned t = off[i].task;

		k[t]++;
		ck_assert_uint_eq(off[i].time_ns, k[t] * 1000);   /* lockstep */
	}
	for (uint64_t i = 0; i < non; i++) {
		unsigned t = on[i].task;

		if (!(seen & (1u << t))) {
			seen |= 1u << t;
			first[t] = on[i].time_ns;
		} else {
			uint64_t gap = on[i].time_ns - last[t];

			ck_assert(gap >= 500 && gap <= 1500);          /* think x [0.5, 1.5] */
			distinct_gap += gap != 1000;
			sum += (double)gap;
			gaps++;
		}
		last[t] = on[i].time_ns;
	}
	/* start offset in [0, 1000) plus one think time in [500, 1500] */
	for (unsigned t = 0; t < 4; t++)
		ck_assert(first[t] >= 500 && first[t] < 2500);
	ck_assert(first[0] != first[1] || first[1] != first[2] || first[2] != first[3]);
	ck_assert_uint_gt(distinct_gap, gaps / 2);
	ck_assert_double_eq_tol(sum / (double)gaps, 1000, 10);
	/* the same pages in each task's order, only the times move */
	for (unsigned t = 0; t < 4; t++) {
		uint64_t i = 0, j = 0;

		for (;;) {
			while (i < non && on[i].task != t)
				i++;
			while (j < noff && off[j].task != t)
				j++;
			if (i == non || j == noff)
				break;
			ck_assert_uint_eq(on[i].vpage, off[j].vpage);
			ck_assert_uint_eq(on[i].op, off[j].op);
			i++;
			j++;
		}
		ck_assert(i == non && j == noff);
	}
	free(on);
	free(off);
	free(on2);
	/* --jitter 0 --start-offset 0 is --no-jitter; out of range is an error */
	snprintf(cmd, sizeof(cmd), "%s --jitter 0 --start-offset 0", base);
	noff = jitter_records(cmd, &off);
	for (uint64_t i = 0, kk[4] = { 0 }; i < noff; i++)
		ck_assert_uint_eq(off[i].time_ns, ++kk[off[i].task] * 1000);
	free(off);
	ck_assert_int_eq(run_gen("usemem --jitter 1.5 --access -o /tmp/x.zswa"), EXIT_USAGE);
}
END_TEST

/* The content mix is checked when the source opens (found by fuzz_gen_opts:
 * --zero 5.1 gave a source whose header an access trace may not have, and a
 * workload run used it with exit 0). */
START_TEST(test_gen_content_mix_checked)
{
	static const char *const bad[] = {
		"usemem --zero 5.1", "zipf --dirty 7", "usemem --zero 0.6 --same 0.6",
		"selftest zswapin --random 2",
	};
	char err[512];

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char buf[128], *argv[8], *tok, *save = NULL;
		int argc = 0, r;
		const char *word = NULL;
		struct access_source *src = NULL;

		snprintf(buf, sizeof(buf), "%s", bad[i]);
		for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
		argv[argc] = NULL;
		const struct gen_kind *k = gen_find_kind(argv[0]);
		void *args = calloc(1, k->args_size);

		k->defaults(args);
		ck_assert_int_eq(trace_gen_parse_args(k, argc, argv, args, &word, err, sizeof(err)), 0);
		r = k->source(args, word, &src, err, sizeof(err));
		ck_assert_msg(r == -EINVAL, "%s: accepted", bad[i]);
		/* each option named as the command line spells it */
		static const char *const want[] = {
			"--zero: 5.1 is not in 0..1", "--dirty: 7 is not in 0..1",
			"--zero + --same + --random: 0.6 + 0.6 + 0 is more than 1",
			"--random: 2 is not in 0..1",
		};
		ck_assert_msg(!strcmp(err, want[i]), "%s: '%s'", bad[i], err);
		free(args);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gen");
	TCase *tc = tcase_create("gen");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_reclaim_hand_worked);
	tcase_add_test(tc, test_reclaim_large_folio);
	tcase_add_test(tc, test_reclaim_swapcache);
	tcase_add_test(tc, test_reclaim_readahead);
	tcase_add_test(tc, test_reclaim_hierarchy);
	tcase_add_test(tc, test_content_fractions);
	tcase_add_test(tc, test_content_max_pages);
	tcase_add_test(tc, test_usemem_deterministic);
	tcase_add_test(tc, test_zipf_and_text);
	tcase_add_loop_test(tc, test_selftests, 0, 8);
	tcase_add_loop_test(tc, test_source_orders, 0, 8);
	tcase_add_test(tc, test_source_deterministic);
	tcase_add_test(tc, test_access_output);
	tcase_add_test(tc, test_oracle_output);
	tcase_add_test(tc, test_selftest_probe);
	tcase_add_test(tc, test_gen_output_errors);
	tcase_add_test(tc, test_gen_errors_one_line);
	tcase_add_test(tc, test_gen_jitter);
	tcase_add_test(tc, test_gen_content_mix_checked);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
