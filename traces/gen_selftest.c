// SPDX-License-Identifier: MIT
/*
 * trace gen selftest NAME: the allocation patterns of the kernel's cgroup
 * zswap selftests (tools/testing/selftests/cgroup/test_zswap.c), with their
 * memcg hierarchy, memory limits and page content, as an access source.  A
 * test is a short program of steps (write a buffer, read it back, free it,
 * memory.reclaim, MADV_PAGEOUT, change the RAM limit, sleep, repeat until
 * enough is swapped out) built when the source opens; the steps become access
 * records as they are pulled, on one clock (the tests' steps are sequential),
 * each page touch and each call one think time (1 us, jittered as the other
 * generators' unless --no-jitter) apart.  The zswap knobs the tests set
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
#include <xxhash.h>

#include "traces/access_source_impl.h"
#include "traces/gen.h"

#define MIB          (1ull << 20)
#define ST_THINK_NS  1000ull      /* one page touch */
#define ST_NPAT      4            /* stride-4095 patterns kept */
#define ST_NRAND     4            /* random pages kept */
#define ST_MAX_STEPS 16
#define ST_NONE      UINT32_MAX

enum st_fill { ST_FILL_A, ST_FILL_B, ST_FILL_RAMP, ST_FILL_RANDOM };

/* The kind's arguments. */
struct st_args {
	struct gen_common g;
	uint64_t ram;                /* --ram */
};

enum st_op {
	ST_WRITE,     /* write pages vpage .. vpage + n - 1 with fill's content */
	ST_READ,      /* read them */
	ST_FREE,      /* munmap them */
	ST_PAGEOUT,   /* MADV_PAGEOUT of them */
	ST_RECLAIM,   /* memory.reclaim of arg pages from memcg */
	ST_SET_RAM,   /* the RAM limit := arg pages */
	ST_SLEEP,     /* arg ns pass, no record */
	ST_UNTIL,     /* back to step `back` unless memcg has more than arg pages swapped
		       * out or this is round n */
};

struct st_step {
	uint8_t op, task, fill;
	uint16_t memcg;
	uint32_t vpage, n, back, rounds;
	uint64_t arg;
};

struct st_src {
	struct access_meta meta;
	struct st_step step[ST_MAX_STEPS];
	unsigned nsteps, pc;         /* the program and the step being run */
	uint32_t i;                  /* page of the step being run */
	uint64_t t;                  /* one clock for every task */
	struct gen_jitter jit;       /* of the think time (the steps stay in order) */
	/* the page store: the patterns the test uses, in the order it first uses them */
	uint8_t *pages;
	uint32_t npages, cap;
	uint32_t pat_a[ST_NPAT], pat_b[ST_NPAT], ramp, rnd[ST_NRAND];
	gsl_rng *rng;                /* of the random pages */
	int nomem;
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

/* A new page at the end of the store; NULL when memory runs out. */
static uint8_t *st_new_page(struct st_src *s)
{
	if (s->npages == s->cap) {
		uint32_t cap = s->cap ? 2 * s->cap : 4;
		uint8_t *p = realloc(s->pages, (size_t)cap * SIM_PAGE_SIZE);

		if (!p) {
			s->nomem = 1;
			return NULL;
		}
		s->pages = p;
		s->cap = cap;
	}
	return s->pages + (size_t)s->npages * SIM_PAGE_SIZE;
}

/* The page-store index of page p of a buffer with fill f, stored on first use
 * (only patterns a test uses are in its page store).  The random pages are
 * drawn as the generators' content store drew them. */
static uint32_t st_content(struct st_src *s, enum st_fill f, uint32_t p)
{
	uint32_t *idx = f == ST_FILL_A ? &s->pat_a[p % ST_NPAT]
		      : f == ST_FILL_B ? &s->pat_b[p % ST_NPAT]
		      : f == ST_FILL_RAMP ? &s->ramp : &s->rnd[p % ST_NRAND];
	uint8_t *page;

	if (*idx != ST_NONE)
		return *idx;
	page = st_new_page(s);
	if (!page)
		return 0;
	switch (f) {
	case ST_FILL_A:
	case ST_FILL_B:
		st_stride_page(page, p % ST_NPAT, f == ST_FILL_A ? 'a' : 'b');
		break;
	case ST_FILL_RAMP:
		for (unsigned i = 0; i < SIM_PAGE_SIZE; i++)
			page[i] = i < SIM_PAGE_SIZE / 2 ? (uint8_t)i : 0;
		break;
	case ST_FILL_RANDOM:
		for (unsigned i = 0; i < SIM_PAGE_SIZE; i++)
			page[i] = (uint8_t)gsl_rng_uniform_int(s->rng, 256);
		break;
	}
	*idx = s->npages++;
	return *idx;
}

/* --- building a test's program ---------------------------------------------------- */

static int st_memcg(struct st_src *s, const char *name, int parent, uint64_t max_pages)
{
	struct access_memcg *m = &s->meta.memcgs[s->meta.memcg_count];

	snprintf(m->name, sizeof(m->name), "%s", name);
	m->parent = parent;
	m->max_pages = max_pages;
	return (int)s->meta.memcg_count++;
}

static struct st_step *st_step(struct st_src *s, enum st_op op, unsigned task, int memcg)
{
	struct st_step *x = &s->step[s->nsteps++];

	*x = (struct st_step){ .op = (uint8_t)op, .task = (uint8_t)task, .memcg = (uint16_t)memcg };
	return x;
}

/* malloc + fill: n pages of task's address space (at a 2 MiB-aligned address
 * after its last buffer) written in memcg with the fill's content. */
static uint32_t st_alloc(struct st_src *s, unsigned task, int memcg, uint64_t bytes, enum st_fill f)
{
	uint32_t n = (uint32_t)((bytes + SIM_PAGE_SIZE - 1) / SIM_PAGE_SIZE);
	uint32_t v = (s->meta.task_pages[task] + 511) & ~511u;
	struct st_step *x = st_step(s, ST_WRITE, task, memcg);

	x->vpage = v;
	x->n = n;
	x->fill = (uint8_t)f;
	s->meta.task_pages[task] = v + n;
	for (uint32_t p = 0; p < n && p < ST_NPAT; p++)
		st_content(s, f, p);
	return v;
}

static void st_range(struct st_src *s, enum st_op op, unsigned task, int memcg, uint32_t v,
		     uint32_t n)
{
	struct st_step *x = st_step(s, op, task, memcg);

	x->vpage = v;
	x->n = n;
}

static void st_arg(struct st_src *s, enum st_op op, unsigned task, int memcg, uint64_t arg)
{
	st_step(s, op, task, memcg)->arg = arg;
}

/* test_zswap_usage: memory.max 1M; allocate_bytes(4M). */
static void st_zswap_usage(struct st_src *s, uint64_t ram)
{
	int cg = st_memcg(s, "no_shrink_test", -1, MIB / SIM_PAGE_SIZE);
	uint32_t n = 4 * MIB / SIM_PAGE_SIZE, v = st_alloc(s, 0, cg, 4 * MIB, ST_FILL_A);

	(void)ram;
	st_range(s, ST_FREE, 0, cg, v, n);
}

/* allocate_and_read_bytes(size) in memcg: write, read back, free. */
static void st_alloc_and_read(struct st_src *s, int cg, uint64_t size)
{
	uint32_t n = (uint32_t)(size / SIM_PAGE_SIZE), v = st_alloc(s, 0, cg, size, ST_FILL_A);

	st_range(s, ST_READ, 0, cg, v, n);
	st_range(s, ST_FREE, 0, cg, v, n);
}

/* test_swapin_nozswap (current form, 512 pages): memory.max 3/4 of the
 * allocation, memory.zswap.max 0 (config); allocate_and_read_bytes. */
static void st_swapin_nozswap(struct st_src *s, uint64_t ram)
{
	uint64_t size = 512 * SIM_PAGE_SIZE;
	int cg = st_memcg(s, "no_zswap_test", -1, size * 3 / 4 / SIM_PAGE_SIZE);

	(void)ram;
	st_alloc_and_read(s, cg, size);
}

/* test_zswapin: memory.max 8M, memory.zswap.max max; allocate_and_read_bytes(32M). */
static void st_zswapin(struct st_src *s, uint64_t ram)
{
	int cg = st_memcg(s, "zswapin_test", -1, 8 * MIB / SIM_PAGE_SIZE);

	(void)ram;
	st_alloc_and_read(s, cg, 32 * MIB);
}

/* attempt_writeback() in memcg: 1024 ramp pages, memory.reclaim of all,
 * read back (zswpin), [memory.zswap.max = usage / 4: in the config],
 * memory.reclaim of all again, free. */
static void st_attempt_writeback(struct st_src *s, int cg)
{
	uint32_t n = 1024, v = st_alloc(s, 0, cg, n * SIM_PAGE_SIZE, ST_FILL_RAMP);

	st_arg(s, ST_RECLAIM, 0, cg, n);
	st_range(s, ST_READ, 0, cg, v, n);
	st_arg(s, ST_RECLAIM, 0, cg, n);
	st_range(s, ST_FREE, 0, cg, v, n);
}

/* test_zswap_writeback_{enabled,disabled}: the parent (writeback 1 or 0) and
 * then its child (writeback 1, the parent's setting in effect). */
static void st_zswap_writeback(struct st_src *s, uint64_t ram)
{
	int parent = st_memcg(s, "zswap_writeback_test", -1, 0);
	int child = st_memcg(s, "zswap_writeback_test_child", parent, 0);

	(void)ram;
	st_attempt_writeback(s, parent);
	st_attempt_writeback(s, child);
}

/* test_no_kmem_bypass on a machine of ram bytes: a child in the memcg fills
 * most of RAM with min_free_kbytes low; then min_free_kbytes goes high, and
 * kswapd reclaims to the high watermark while the test (root cgroup) makes up
 * to 20 allocations of ram/20, 100 ms apart, until stored pages exceed
 * ram/5/4096 (asked of the consumer: access_source_set_probe(); without an
 * answer all 20 are made).  The trace stops there, where the test reads its
 * counters (the child is killed only afterwards). */
static void st_no_kmem_bypass(struct st_src *s, uint64_t ram)
{
	uint64_t high_kb = ram / 2000, low_kb = ram / 500000;
	uint64_t target = (ram - high_kb * 1000) + ram * 5 / 100;
	uint64_t threshold = ram / 5 / SIM_PAGE_SIZE, trigger = ram / 20;
	int root = st_memcg(s, "root", -1, 0);
	int cg = st_memcg(s, "kmem_bypass_test", -1, 0);

	/* watermarks (__setup_per_zone_wmarks): min = min_free_kbytes,
	 * low = min + max(min/4, ram/1000), high = low + the same step;
	 * kswapd reclaims until free pages reach high */
	uint64_t min_b = low_kb * 1024, step = min_b / 4 > ram / 1000 ? min_b / 4 : ram / 1000;
	s->meta.ram_pages = (ram - (min_b + 2 * step)) / SIM_PAGE_SIZE;
	st_alloc(s, 0, cg, target, ST_FILL_A);

	min_b = high_kb * 1024;
	step = min_b / 4 > ram / 1000 ? min_b / 4 : ram / 1000;
	st_arg(s, ST_SET_RAM, 1, root, (ram - (min_b + 2 * step)) / SIM_PAGE_SIZE);

	unsigned loop = s->nsteps;
	uint32_t n = (uint32_t)((trigger + SIM_PAGE_SIZE - 1) / SIM_PAGE_SIZE);
	uint32_t v = st_alloc(s, 1, root, trigger, ST_FILL_B);   /* the same buffer each round */
	struct st_step *x;

	st_arg(s, ST_SLEEP, 1, root, 100000000ull);   /* usleep(100000) */
	st_range(s, ST_FREE, 1, root, v, n);
	x = st_step(s, ST_UNTIL, 1, cg);
	x->arg = threshold;
	x->back = loop;
	x->n = 20;
}

/* test_no_invasive_cgroup_shrink: wb_group memory.max 1M, memory.zswap.max 10K
 * (config); control group memory.max 1M.  The test process enters the control
 * group and touches 10M (kept), then a child in wb_group allocate_bytes(10M). */
static void st_no_invasive_cgroup_shrink(struct st_src *s, uint64_t ram)
{
	int wb = st_memcg(s, "per_memcg_wb_test1", -1, MIB / SIM_PAGE_SIZE);
	int control = st_memcg(s, "per_memcg_wb_test2", -1, MIB / SIM_PAGE_SIZE);
	uint32_t n = 10 * MIB / SIM_PAGE_SIZE, v;

	(void)ram;
	st_alloc(s, 0, control, 10 * MIB, ST_FILL_A);
	v = st_alloc(s, 1, wb, 10 * MIB, ST_FILL_A);
	st_range(s, ST_FREE, 1, wb, v, n);
}

/* test_zswap_incompressible (post-6.18 test): memory.max 32M; a child mmaps
 * 4M, fills it from /dev/urandom, MADV_PAGEOUT, and waits; the test reads the
 * memcg's counters while the child still holds the memory. */
static void st_zswap_incompressible(struct st_src *s, uint64_t ram)
{
	int cg = st_memcg(s, "zswap_incompressible_test", -1, 32 * MIB / SIM_PAGE_SIZE);
	uint32_t n = 4 * MIB / SIM_PAGE_SIZE, v = st_alloc(s, 0, cg, 4 * MIB, ST_FILL_RANDOM);

	(void)ram;
	st_range(s, ST_PAGEOUT, 0, cg, v, n);
}

/* The tests, in the order of st_tests[]. */
static const char *const st_names[] = {
	"zswap_usage", "swapin_nozswap", "zswapin", "zswap_writeback_enabled",
	"zswap_writeback_disabled", "no_kmem_bypass", "no_invasive_cgroup_shrink",
	"zswap_incompressible", NULL,
};

static const struct {
	void (*build)(struct st_src *s, uint64_t ram);
	unsigned tasks;
	uint64_t mapped;      /* bytes mapped in all, for the swap size (0: 2 x RAM) */
} st_tests[] = {
	{ st_zswap_usage, 1, 4 * MIB },
	{ st_swapin_nozswap, 1, 512 * SIM_PAGE_SIZE },
	{ st_zswapin, 1, 32 * MIB },
	{ st_zswap_writeback, 1, 8 * MIB },
	{ st_zswap_writeback, 1, 8 * MIB },
	{ st_no_kmem_bypass, 2, 0 },
	{ st_no_invasive_cgroup_shrink, 2, 20 * MIB },
	{ st_zswap_incompressible, 1, 4 * MIB },
};

/* --- running it: steps into records ------------------------------------------------- */

/* The record of page i of a WRITE or READ step. */
static void st_touch(struct st_src *s, const struct st_step *x, struct access_record *r)
{
	*r = (struct access_record){
		.time_ns = s->t, .vpage = x->vpage + s->i, .task = x->task, .memcg = x->memcg,
		.op = x->op == ST_WRITE ? ACCESS_WRITE : ACCESS_READ,
		.arg = x->op == ST_WRITE ? st_content(s, (enum st_fill)x->fill, s->i) : 0,
	};
}

static int st_next(struct access_source *src, struct access_record *r)
{
	static const uint8_t op_of[] = {
		[ST_FREE] = ACCESS_FREE, [ST_PAGEOUT] = ACCESS_PAGEOUT,
		[ST_RECLAIM] = ACCESS_RECLAIM, [ST_SET_RAM] = ACCESS_SET_RAM,
	};
	struct st_src *s = src->priv;

	while (s->pc < s->nsteps) {
		struct st_step *x = &s->step[s->pc];

		switch (x->op) {
		case ST_WRITE:
		case ST_READ:
			if (s->i == x->n) {
				s->i = 0;
				s->pc++;
				continue;
			}
			s->t += gen_jitter_think(&s->jit);
			st_touch(s, x, r);
			s->i++;
			return 1;
		case ST_SLEEP:
			s->t += x->arg;
			s->pc++;
			continue;
		case ST_UNTIL:
			x->rounds++;
			if (x->rounds < x->n && access_source_probe(src, x->memcg) <= x->arg)
				s->pc = x->back;
			else
				s->pc++;
			continue;
		default:
			s->t += gen_jitter_think(&s->jit);
			*r = (struct access_record){ .time_ns = s->t, .task = x->task, .memcg = x->memcg,
						     .op = op_of[x->op], .arg = (uint32_t)x->arg };
			if (x->op == ST_FREE || x->op == ST_PAGEOUT) {
				r->vpage = x->vpage;
				r->arg = x->n;
			}
			s->pc++;
			return 1;
		}
	}
	return 0;
}

static void st_free_src(struct access_source *src)
{
	struct st_src *s = src->priv;

	if (s->rng)
		gsl_rng_free(s->rng);
	free(s->pages);
	free(s);
}

/* One clock: the global order is the order of the steps. */
static const struct access_source_ops st_ops = {
	.next = st_next,
	.free = st_free_src,
};

static int st_find(const struct gen_common *g, const char *name, char *err, size_t errlen)
{
	char names[512] = "";
	size_t n = 0;

	for (unsigned i = 0; name && st_names[i]; i++)
		if (!strcmp(name, st_names[i]))
			return (int)i;
	for (unsigned i = 0; st_names[i] && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", i ? ", " : "", st_names[i]);
	if (!name)
		snprintf(err, errlen, "missing test NAME, one of: %s", names);
	else
		snprintf(err, errlen, "%s'%s' is not a test; the tests are %s",
			 g->cfg_names ? "workload.name: " : "",
			 TRACE_SHOW(name), names);
	return -EINVAL;
}

static int st_source(void *args, const char *name, struct access_source **out,
		     char *err, size_t errlen)
{
	const struct st_args *a = args;
	struct access_source *src;
	struct st_src *s;
	int t = st_find(&a->g, name, err, errlen);

	if (t < 0)
		return t;
	if (gen_check_range(&a->g, "--ram", a->ram, 64 * SIM_PAGE_SIZE, 4ull << 30, err, errlen))
		return -EINVAL;
	if (gen_jitter_check(&a->g, err, errlen) || gen_check_content(&a->g, err, errlen))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	src = s ? access_source_alloc(&st_ops, s) : NULL;
	if (s)
		s->rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!src || !s->rng) {
		if (s && s->rng)
			gsl_rng_free(s->rng);
		free(s);
		free(src);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* the seed the content store gives its generator (content_init()) */
	gsl_rng_set(s->rng, (unsigned long)(a->g.seed ^ 0x636f6e74656e74ull));
	memset(s->pat_a, 0xff, sizeof(s->pat_a));
	memset(s->pat_b, 0xff, sizeof(s->pat_b));
	memset(s->rnd, 0xff, sizeof(s->rnd));
	s->ramp = ST_NONE;
	s->t = gen_jitter_init(&s->jit, &a->g, 0, ST_THINK_NS);
	access_meta_init(&s->meta, 0);
	s->meta.task_count = st_tests[t].tasks;
	s->meta.memcg_count = 0;
	s->meta.seed = a->g.seed;
	s->meta.content = (struct access_content){ a->g.zero, a->g.same, a->g.random, a->g.dirty };
	st_tests[t].build(s, a->ram);
	src->meta = &s->meta;
	if (s->nomem) {
		access_source_close(src);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* in memory; a writer puts it next to the trace */
	strcpy(s->meta.page_store, "selftest.pages");
	s->meta.page_store_pages = s->npages;
	s->meta.page_store_checksum = XXH3_64bits(s->pages, (size_t)s->npages * SIM_PAGE_SIZE);
	src->pages = s->pages;
	src->npages = s->npages;
	*out = src;
	return 0;
}

static uint64_t st_mapped_pages(const void *args, const char *name)
{
	const struct st_args *a = args;
	int t = st_find(&a->g, name, NULL, 0);

	return (t < 0 ? 0 : st_tests[t].mapped ? st_tests[t].mapped : 2 * a->ram) / SIM_PAGE_SIZE;
}

static const struct gen_opt st_opts[] = {
	{ "--ram", GO_SIZE, offsetof(struct st_args, ram), "no_kmem_bypass: the machine's RAM (default 32M; the test wants <= 4G)" },
	GEN_COMMON_OPTS(struct st_args),
	{ NULL, 0, 0, NULL },
};

static void st_defaults(void *args)
{
	struct st_args *a = args;

	memset(a, 0, sizeof(*a));
	gen_common_defaults(&a->g);
	a->ram = 32 * MIB;
}

const struct gen_kind gen_kind_selftest = {
	.name = "selftest",
	.help = "the patterns of tools/testing/selftests/cgroup/test_zswap.c",
	.word = "NAME ",
	.words = st_names,
	.args_size = sizeof(struct st_args),
	.opts = st_opts,
	.defaults = st_defaults,
	.source = st_source,
	.mapped_pages = st_mapped_pages,
};
