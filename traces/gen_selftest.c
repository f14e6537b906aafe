// SPDX-License-Identifier: MIT
/*
 * trace gen selftest NAME: the allocation patterns of the kernel's cgroup
 * zswap selftests (tools/testing/selftests/cgroup/test_zswap.c), with their
 * memcg hierarchy, memory limits and page content, run through the reclaim
 * model.  memory.reclaim is a forced swap-out of that many bytes from the
 * memcg, MADV_PAGEOUT a forced swap-out of the range, and reading memory back
 * is a fault per swapped page.  The zswap knobs the tests set
 * (memory.zswap.max, memory.zswap.writeback) are in the scenario configs
 * (configs/scenarios/NAME.json), not in the trace.
 *
 * Page content: the tests write one byte 'a' every 4095 bytes of a malloc'd
 * buffer (allocate_bytes / allocate_and_read_bytes), so every page holds one
 * or two non-zero bytes: mostly zero, never all zero.  The byte positions
 * differ from page to page; the store holds the exact patterns of the first 4
 * pages of such a buffer (malloc's 16-byte header included) and page p uses
 * pattern p % 4.  The writeback tests fill each page with a byte ramp in its
 * first half and zeros in the second (one page, shared by every record); the
 * incompressible test reads /dev/urandom: 4 random pages used in turn.
 * Folios are order 0 (THP "madvise", the common default).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/gen.h"

#define MIB          (1ull << 20)
#define ST_THINK_NS  1000ull      /* one page touch */
#define ST_NPAT      4            /* stride-4095 patterns kept */
#define ST_NRAND     4            /* random pages kept */

enum st_fill { ST_FILL_A, ST_FILL_B, ST_FILL_RAMP, ST_FILL_RANDOM };

struct st {
	struct gen_common g;
	uint64_t ram;                /* --ram */
	struct content ct;
	struct reclaim rm;
	uint64_t t;                  /* one clock: the tests' steps are sequential */
	uint32_t pat_a[ST_NPAT], pat_b[ST_NPAT], ramp, rnd[ST_NRAND];
};

/* Page p of a malloc'd buffer whose every 4095th byte is c; the buffer starts
 * 16 bytes into its first page (glibc's chunk header of an mmap'd chunk). */
static void st_stride_page(uint8_t *page, unsigned p, char c)
{
	uint64_t lo = (uint64_t)p * SIM_PAGE_SIZE, hi = lo + SIM_PAGE_SIZE;

	memset(page, 0, SIM_PAGE_SIZE);
	for (uint64_t i = 0; i < hi; i += 4095)
		if (i + 16 >= lo && i + 16 < hi)
			page[i + 16 - lo] = (uint8_t)c;
}

/* The page-store index of page p of a buffer with fill f, stored on first use
 * (only patterns a trace references are in its page store). */
static uint32_t st_content(struct st *s, enum st_fill f, uint32_t p)
{
	static uint8_t page[SIM_PAGE_SIZE];
	uint32_t *idx = f == ST_FILL_A ? &s->pat_a[p % ST_NPAT]
		      : f == ST_FILL_B ? &s->pat_b[p % ST_NPAT]
		      : f == ST_FILL_RAMP ? &s->ramp : &s->rnd[p % ST_NRAND];

	if (*idx != CONTENT_NONE)
		return *idx;
	switch (f) {
	case ST_FILL_A:
	case ST_FILL_B:
		st_stride_page(page, p % ST_NPAT, f == ST_FILL_A ? 'a' : 'b');
		*idx = content_add(&s->ct, page, 1);
		break;
	case ST_FILL_RAMP:
		for (unsigned i = 0; i < SIM_PAGE_SIZE; i++)
			page[i] = i < SIM_PAGE_SIZE / 2 ? (uint8_t)i : 0;
		*idx = content_add(&s->ct, page, 1);
		break;
	case ST_FILL_RANDOM:
		for (unsigned i = 0; i < SIM_PAGE_SIZE; i++)
			page[i] = (uint8_t)gsl_rng_uniform_int(s->ct.rng, 256);
		*idx = content_add(&s->ct, page, 1);
		break;
	}
	if (*idx == CONTENT_NONE)
		rm_fail_nomem(&s->rm);
	return *idx;
}

/* malloc + fill: map npages in memcg with the fill's content, write each. */
static uint32_t st_alloc(struct st *s, unsigned stream, int memcg, uint64_t bytes, enum st_fill f)
{
	uint32_t n = (uint32_t)((bytes + SIM_PAGE_SIZE - 1) / SIM_PAGE_SIZE);
	uint32_t first = rm_map(&s->rm, stream, (unsigned)memcg, n, NULL, NULL, 0);

	if (first == RM_NONE)
		return RM_NONE;
	for (uint32_t p = 0; p < n; p++) {
		rm_set_content(&s->rm, first + p, st_content(s, f, p));
	}
	for (uint32_t p = 0; p < n; p++) {
		s->t += ST_THINK_NS;
		rm_touch(&s->rm, stream, first + p, 1, s->t);
	}
	return first;
}

static void st_read(struct st *s, unsigned stream, uint32_t first, uint32_t n)
{
	for (uint32_t p = 0; p < n; p++) {
		s->t += ST_THINK_NS;
		rm_touch(&s->rm, stream, first + p, 0, s->t);
	}
}

static void st_free(struct st *s, unsigned stream, uint32_t first, uint32_t n)
{
	s->t += ST_THINK_NS;
	rm_unmap(&s->rm, stream, first, n, s->t);
}

static uint64_t st_memory_reclaim(struct st *s, unsigned stream, int memcg, uint64_t bytes)
{
	s->t += ST_THINK_NS;
	return rm_reclaim(&s->rm, stream, memcg, bytes / SIM_PAGE_SIZE, s->t);
}

/* test_zswap_usage: memory.max 1M; allocate_bytes(4M). */
static void st_zswap_usage(struct st *s)
{
	int cg = rm_add_memcg(&s->rm, "no_shrink_test", -1, MIB / SIM_PAGE_SIZE);
	uint32_t n = 4 * MIB / SIM_PAGE_SIZE, first = st_alloc(s, 0, cg, 4 * MIB, ST_FILL_A);

	st_free(s, 0, first, n);
}

/* allocate_and_read_bytes(size) in memcg: write, read back, free. */
static void st_alloc_and_read(struct st *s, int cg, uint64_t size)
{
	uint32_t n = (uint32_t)(size / SIM_PAGE_SIZE), first = st_alloc(s, 0, cg, size, ST_FILL_A);

	st_read(s, 0, first, n);
	st_free(s, 0, first, n);
}

/* test_swapin_nozswap (current form, 512 pages): memory.max 3/4 of the
 * allocation, memory.zswap.max 0 (config); allocate_and_read_bytes. */
static void st_swapin_nozswap(struct st *s)
{
	uint64_t size = 512 * SIM_PAGE_SIZE;
	int cg = rm_add_memcg(&s->rm, "no_zswap_test", -1, size * 3 / 4 / SIM_PAGE_SIZE);

	st_alloc_and_read(s, cg, size);
}

/* test_zswapin: memory.max 8M, memory.zswap.max max; allocate_and_read_bytes(32M). */
static void st_zswapin(struct st *s)
{
	int cg = rm_add_memcg(&s->rm, "zswapin_test", -1, 8 * MIB / SIM_PAGE_SIZE);

	st_alloc_and_read(s, cg, 32 * MIB);
}

/* attempt_writeback() in memcg: 1024 ramp pages, memory.reclaim of all,
 * read back (zswpin), [memory.zswap.max = usage / 4: in the config],
 * memory.reclaim of all again, free. */
static void st_attempt_writeback(struct st *s, int cg)
{
	uint64_t size = 1024 * SIM_PAGE_SIZE;
	uint32_t n = 1024, first = st_alloc(s, 0, cg, size, ST_FILL_RAMP);

	st_memory_reclaim(s, 0, cg, size);
	st_read(s, 0, first, n);
	st_memory_reclaim(s, 0, cg, size);
	st_free(s, 0, first, n);
}

/* test_zswap_writeback_{enabled,disabled}: the parent (writeback 1 or 0) and
 * then its child (writeback 1, the parent's setting in effect). */
static void st_zswap_writeback(struct st *s)
{
	int parent = rm_add_memcg(&s->rm, "zswap_writeback_test", -1, 0);
	int child = rm_add_memcg(&s->rm, "zswap_writeback_test_child", parent, 0);

	st_attempt_writeback(s, parent);
	st_attempt_writeback(s, child);
}

/* test_no_kmem_bypass on a machine of ram bytes: a child in the memcg fills
 * most of RAM with min_free_kbytes low; then min_free_kbytes goes high, and
 * kswapd reclaims to the high watermark while the test (root cgroup) makes up
 * to 20 allocations of ram/20, 100 ms apart, until stored pages exceed
 * ram/5/4096.  The trace stops there, where the test reads its counters (the
 * child is killed only afterwards). */
static void st_no_kmem_bypass(struct st *s, uint64_t ram)
{
	uint64_t high_kb = ram / 2000, low_kb = ram / 500000;
	uint64_t target = (ram - high_kb * 1000) + ram * 5 / 100;
	uint64_t threshold = ram / 5 / SIM_PAGE_SIZE, trigger = ram / 20;
	int root = rm_add_memcg(&s->rm, "root", -1, 0);
	int cg = rm_add_memcg(&s->rm, "kmem_bypass_test", -1, 0);

	/* watermarks (__setup_per_zone_wmarks): min = min_free_kbytes,
	 * low = min + max(min/4, ram/1000), high = low + the same step;
	 * kswapd reclaims until free pages reach high */
	uint64_t min_b = low_kb * 1024, step = min_b / 4 > ram / 1000 ? min_b / 4 : ram / 1000;
	s->rm.p.ram_pages = (ram - (min_b + 2 * step)) / SIM_PAGE_SIZE;
	st_alloc(s, 0, cg, target, ST_FILL_A);

	min_b = high_kb * 1024;
	step = min_b / 4 > ram / 1000 ? min_b / 4 : ram / 1000;
	s->t += ST_THINK_NS;
	rm_set_ram(&s->rm, 1, (ram - (min_b + 2 * step)) / SIM_PAGE_SIZE, s->t);
	for (int i = 0; i < 20; i++) {
		uint32_t n = (uint32_t)((trigger + SIM_PAGE_SIZE - 1) / SIM_PAGE_SIZE);
		uint32_t first = st_alloc(s, 1, root, trigger, ST_FILL_B);
		s->t += 100000000ull;   /* usleep(100000) */
		st_free(s, 1, first, n);
		const struct rm_memcg *m = &s->rm.memcg[cg];
		if (m->out_pages - m->in_pages > threshold)
			break;
	}
}

/* test_no_invasive_cgroup_shrink: wb_group memory.max 1M, memory.zswap.max 10K
 * (config); control group memory.max 1M.  The test process enters the control
 * group and touches 10M (kept), then a child in wb_group allocate_bytes(10M). */
static void st_no_invasive_cgroup_shrink(struct st *s)
{
	int wb = rm_add_memcg(&s->rm, "per_memcg_wb_test1", -1, MIB / SIM_PAGE_SIZE);
	int control = rm_add_memcg(&s->rm, "per_memcg_wb_test2", -1, MIB / SIM_PAGE_SIZE);
	uint32_t n = 10 * MIB / SIM_PAGE_SIZE;

	st_alloc(s, 0, control, 10 * MIB, ST_FILL_A);
	uint32_t first = st_alloc(s, 1, wb, 10 * MIB, ST_FILL_A);
	st_free(s, 1, first, n);
}

/* test_zswap_incompressible (post-6.18 test): memory.max 32M; a child mmaps
 * 4M, fills it from /dev/urandom, MADV_PAGEOUT, and waits; the test reads the
 * memcg's counters while the child still holds the memory. */
static void st_zswap_incompressible(struct st *s)
{
	int cg = rm_add_memcg(&s->rm, "zswap_incompressible_test", -1, 32 * MIB / SIM_PAGE_SIZE);
	uint32_t n = 4 * MIB / SIM_PAGE_SIZE, first = st_alloc(s, 0, cg, 4 * MIB, ST_FILL_RANDOM);

	s->t += ST_THINK_NS;
	rm_pageout(&s->rm, 0, first, n, s->t);
}

/* The tests, in the order of st_tests[]. */
static const char *const st_names[] = {
	"zswap_usage", "swapin_nozswap", "zswapin", "zswap_writeback_enabled",
	"zswap_writeback_disabled", "no_kmem_bypass", "no_invasive_cgroup_shrink",
	"zswap_incompressible", NULL,
};

static const struct {
	unsigned streams;
	uint64_t mapped;      /* bytes mapped in all, for the swap size */
} st_tests[] = {
	{ 1, 4 * MIB },
	{ 1, 512 * SIM_PAGE_SIZE },
	{ 1, 32 * MIB },
	{ 1, 8 * MIB },
	{ 1, 8 * MIB },
	{ 2, 0 },
	{ 2, 20 * MIB },
	{ 1, 4 * MIB },
};

static int st_run(struct st *s, unsigned t, uint64_t ram, struct gen_summary *sum,
		  char *err, size_t errlen)
{
	uint64_t mapped = st_tests[t].mapped ? st_tests[t].mapped : 2 * ram;
	const char *name = st_names[t];
	int ret = gen_setup(&s->g, &s->ct, &s->rm, st_tests[t].streams, mapped / SIM_PAGE_SIZE, 0, err, errlen);

	if (ret)
		return ret;
	memset(s->pat_a, 0xff, sizeof(s->pat_a));
	memset(s->pat_b, 0xff, sizeof(s->pat_b));
	memset(s->rnd, 0xff, sizeof(s->rnd));
	s->ramp = CONTENT_NONE;
	if (!strcmp(name, "zswap_usage"))
		st_zswap_usage(s);
	else if (!strcmp(name, "swapin_nozswap"))
		st_swapin_nozswap(s);
	else if (!strcmp(name, "zswapin"))
		st_zswapin(s);
	else if (!strncmp(name, "zswap_writeback_", 16))
		st_zswap_writeback(s);
	else if (!strcmp(name, "no_kmem_bypass"))
		st_no_kmem_bypass(s, ram);
	else if (!strcmp(name, "no_invasive_cgroup_shrink"))
		st_no_invasive_cgroup_shrink(s);
	else
		st_zswap_incompressible(s);
	ret = gen_write(&s->g, &s->rm, &s->ct, sum, err, errlen);
	rm_free(&s->rm);
	content_free(&s->ct);
	return ret;
}


static const struct gen_opt st_opts[] = {
	{ "--ram", GO_SIZE, offsetof(struct st, ram), "no_kmem_bypass: the machine's RAM (default 32M; the test wants <= 4G)" },
	GEN_COMMON_OPTS(struct st),
	{ NULL, 0, 0, NULL },
};

static void st_defaults(void *args)
{
	struct st *s = args;

	memset(s, 0, sizeof(*s));
	gen_common_defaults(&s->g);
	s->ram = 32 * MIB;
}

static int st_gen(void *args, const char *name, struct gen_summary *sum, char *err, size_t errlen)
{
	struct st *s = args;
	int ret;

	for (unsigned i = 0; name && i < sizeof(st_tests) / sizeof(st_tests[0]); i++) {
		if (strcmp(name, st_names[i]))
			continue;
		if (s->ram < 64 * SIM_PAGE_SIZE || s->ram > (4ull << 30)) {
			snprintf(err, errlen, "--ram must be between 256K and 4G");
			return -EINVAL;
		}
		ret = st_run(s, i, s->ram, sum, err, errlen);
		if (ret) {
			/* name the test: "zswapin: reason" */
			char why[512];

			snprintf(why, sizeof(why), "%s", err);
			snprintf(err, errlen, "%s: %s", name, why);
		}
		return ret;
	}
	snprintf(err, errlen, "%s '%s' (try --help for the names)",
		 name ? "unknown test" : "missing test NAME", name ? name : "");
	return -EINVAL;
}

const struct gen_kind gen_kind_selftest = {
	.name = "selftest",
	.help = "the patterns of tools/testing/selftests/cgroup/test_zswap.c",
	.word = "NAME ",
	.words = st_names,
	.args_size = sizeof(struct st),
	.opts = st_opts,
	.defaults = st_defaults,
	.run = st_gen,
};
