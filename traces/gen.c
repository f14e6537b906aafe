// SPDX-License-Identifier: MIT
/*
 * Workload generators (traces/gen.h): the kinds, option values, and the
 * setup and output shared by every kind.
 *
 * Each kind drives the reclaim model (traces/reclaim.c) with a page-access
 * pattern and writes the swap events it produces as a trace, with the page
 * content of every `out` in FILE.pages next to it (traces/content.c).  Every
 * kind takes --seed and is deterministic: the same arguments give
 * byte-identical trace and page store.  See docs/workloads.md.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "traces/access_source_impl.h"
#include "traces/gen.h"
#include "traces/outfile.h"
#include "traces/trace_priv.h"

const struct gen_kind *const gen_kinds[] = {
	&gen_kind_usemem,
	&gen_kind_zipf,
	&gen_kind_selftest,
	NULL,
};

const struct gen_kind *gen_find_kind(const char *name)
{
	for (unsigned i = 0; gen_kinds[i]; i++)
		if (!strcmp(gen_kinds[i]->name, name))
			return gen_kinds[i];
	return NULL;
}

void gen_common_defaults(struct gen_common *g)
{
	memset(g, 0, sizeof(*g));
	g->seed = 1;
	g->jitter = 0.5;
	g->start_offset = GEN_START_THINK;
}

const char *gen_opt_name(const struct gen_common *g, const char *opt, char *buf, size_t len)
{
	size_t n;

	if (!g->cfg_names || !len)
		return opt;
	n = (size_t)snprintf(buf, len, "workload.");
	while (*opt == '-')
		opt++;
	for (; *opt && n + 1 < len; opt++)
		buf[n++] = *opt == '-' ? '_' : *opt;
	buf[n < len ? n : len - 1] = 0;
	return buf;
}

int gen_check_range(const struct gen_common *g, const char *opt, uint64_t v, uint64_t lo,
		    uint64_t hi, char *err, size_t errlen)
{
	char name[64];

	if (v >= lo && v <= hi)
		return 0;
	snprintf(err, errlen, "%s: %llu is not in %llu..%llu", gen_opt_name(g, opt, name, sizeof(name)),
		 (unsigned long long)v, (unsigned long long)lo, (unsigned long long)hi);
	return -EINVAL;
}

int gen_check_real(const struct gen_common *g, const char *opt, double v, double lo, double hi,
		   char *err, size_t errlen)
{
	char name[64];

	if (v >= lo && v <= hi)   /* false for NaN too */
		return 0;
	snprintf(err, errlen, "%s: %g is not in %g..%g", gen_opt_name(g, opt, name, sizeof(name)),
		 v, lo, hi);
	return -EINVAL;
}

/* The content mix of the options, as an access trace's header must have it
 * (a workload run takes it from there: --zero 5 would otherwise pass). */
int gen_check_content(const struct gen_common *g, char *err, size_t errlen)
{
	struct access_content c = { g->zero, g->same, g->random, g->dirty };
	char why[160], n[3][64];

	if (gen_check_real(g, "--zero", g->zero, 0, 1, err, errlen) ||
	    gen_check_real(g, "--same", g->same, 0, 1, err, errlen) ||
	    gen_check_real(g, "--random", g->random, 0, 1, err, errlen) ||
	    gen_check_real(g, "--dirty", g->dirty, 0, 1, err, errlen))
		return -EINVAL;
	if (!access_check_content(&c, why, sizeof(why)))
		return 0;
	snprintf(err, errlen, "%s + %s + %s: %g + %g + %g is more than 1",
		 gen_opt_name(g, "--zero", n[0], sizeof(n[0])),
		 gen_opt_name(g, "--same", n[1], sizeof(n[1])),
		 gen_opt_name(g, "--random", n[2], sizeof(n[2])), g->zero, g->same, g->random);
	return -EINVAL;
}

/* --- jitter ------------------------------------------------------------------------ */

int gen_jitter_check(const struct gen_common *g, char *err, size_t errlen)
{
	return gen_check_real(g, "--jitter", g->jitter, 0, 1, err, errlen);
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A draw in [0, n) (n > 0); the modulo bias is below 2^-40 for any n a
 * think time or an offset takes. */
static uint64_t gen_jitter_below(struct gen_jitter *j, uint64_t n)
{
	return splitmix64(&j->state) % n;
}

uint64_t gen_jitter_init(struct gen_jitter *j, const struct gen_common *g, unsigned task,
			 uint64_t think)
{
	double f = g->no_jitter ? 0 : g->jitter;
	uint64_t spread = g->no_jitter ? 0 : g->start_offset == GEN_START_THINK ? think :
			  g->start_offset;
	uint64_t half = (uint64_t)(f * (double)think);

	/* symmetric around think, so the mean rate is the one asked for */
	if (half > think || half > UINT64_MAX - think || half > UINT64_MAX / 4)
		half = think < UINT64_MAX - think ? think : UINT64_MAX - think;
	if (half > UINT64_MAX / 4)
		half = UINT64_MAX / 4;
	j->state = g->seed * 0x2545f4914f6cdd1dull ^ (0x6a69747465720000ull + task);
	j->lo = think - half;
	j->span = 2 * half + 1;
	return spread ? gen_jitter_below(j, spread) : 0;
}

uint64_t gen_jitter_think(struct gen_jitter *j)
{
	return j->span > 1 ? j->lo + gen_jitter_below(j, j->span) : j->lo;
}

int gen_parse_size(const char *s, uint64_t *out)
{
	char *end;
	double v;
	uint64_t mul = 1;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !(v >= 0))   /* also "nan" */
		return -EINVAL;
	if (*end) {
		switch (*end) {
		case 'k': case 'K': mul = 1ull << 10; break;
		case 'm': case 'M': mul = 1ull << 20; break;
		case 'g': case 'G': mul = 1ull << 30; break;
		case 't': case 'T': mul = 1ull << 40; break;
		default: return -EINVAL;
		}
		end++;
		if (!strcmp(end, "iB") || !strcmp(end, "B"))
			end += strlen(end);
		if (*end)
			return -EINVAL;
	}
	v *= (double)mul;
	if (v > 1.8e19)
		return -EINVAL;
	*out = (uint64_t)v;
	return 0;
}

int gen_parse_orders(const char *s, unsigned *orders, double *prob, unsigned max)
{
	unsigned n = 0;
	double total = 0;

	while (s && *s) {
		char *end;
		long o = strtol(s, &end, 10);
		if (end == s || *end != ':' || o < 0 || o > TRACE_MAX_ORDER || n == max)
			return -1;
		s = end + 1;
		double p = strtod(s, &end);
		if (end == s || !(p >= 0) || p > 1e9)
			return -1;
		orders[n] = (unsigned)o;
		prob[n++] = p;
		total += p;
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	if (!n || !(total > 0))
		return -1;
	for (unsigned i = 0; i < n; i++)
		prob[i] /= total;
	return (int)n;
}

int gen_opt_set(const struct gen_opt *o, void *args, const char *v, char *err, size_t errlen)
{
	void *ptr = (char *)args + o->offset;
	char *end;

	switch (o->type) {
	case GO_U64: {
		errno = 0;
		unsigned long long x = strtoull(v, &end, 0);
		if (errno || end == v || *end || v[0] == '-') {
			snprintf(err, errlen, "%s: '%s' is not a non-negative integer", o->name,
				 TRACE_SHOW(v));
			return -EINVAL;
		}
		*(uint64_t *)ptr = x;
		return 0;
	}
	case GO_SIZE:
		if (gen_parse_size(v, ptr)) {
			snprintf(err, errlen, "%s: '%s' is not a size (bytes, or with K/M/G/T)", o->name,
				 TRACE_SHOW(v));
			return -EINVAL;
		}
		return 0;
	case GO_DOUBLE: {
		errno = 0;
		double x = strtod(v, &end);
		if (errno || end == v || *end || x != x) {
			snprintf(err, errlen, "%s: '%s' is not a number", o->name, TRACE_SHOW(v));
			return -EINVAL;
		}
		*(double *)ptr = x;
		return 0;
	}
	case GO_STR:
		*(const char **)ptr = v;
		return 0;
	case GO_FLAG:
		*(int *)ptr = 1;
		return 0;
	}
	return -EINVAL;
}

int gen_orders(const struct gen_common *g, const char *spec, unsigned *orders, double *prob,
	       char *err, size_t errlen)
{
	int n = gen_parse_orders(spec, orders, prob, TRACE_MAX_ORDER + 1);
	char name[64];

	if (n < 0) {
		snprintf(err, errlen, "%s: '%s' is not ORDER:WEIGHT,... with orders 0..%d",
			 gen_opt_name(g, "--orders", name, sizeof(name)), TRACE_SHOW(spec),
			 TRACE_MAX_ORDER);
		return -EINVAL;
	}
	return n;
}

/* The content store and the reclaim model of a swap-event trace, from the
 * common options. */
static int gen_setup(const struct gen_common *g, struct content *ct, struct reclaim *rm,
		     unsigned nstreams, uint64_t mapped_pages, uint64_t ram_pages,
		     char *err, size_t errlen)
{
	struct content_params cp = {
		.spec = g->content, .zero = g->zero, .same = g->same, .random = g->random,
		.max_pages = g->max_pages,
	};
	uint64_t slots = g->swap ? g->swap / SIM_PAGE_SIZE : 2 * mapped_pages + 1024;
	struct rm_params p = {
		.nslots = 0, .nstreams = nstreams, .ram_pages = ram_pages,
		.readahead = (unsigned)g->readahead, .dirty = g->dirty, .seed = g->seed,
	};
	int ret;

	if (g->readahead > 512 || (g->readahead & (g->readahead - 1))) {
		snprintf(err, errlen, "--readahead %llu: want a power of two <= 512",
			 (unsigned long long)g->readahead);
		return -EINVAL;
	}
	if (slots < 1 || slots > UINT32_MAX / 2) {
		snprintf(err, errlen, "--swap: %llu slots out of range",
			 (unsigned long long)slots);
		return -EINVAL;
	}
	p.nslots = (uint32_t)((slots + 511) & ~511ull);
	ret = content_init(ct, &cp, g->seed, err, errlen);
	if (ret)
		return ret;
	ret = rm_init(rm, &p, ct, err, errlen);
	if (ret)
		content_free(ct);
	return ret;
}

/* The memcgs of a kind with ns tasks of npages each: nm top-level memcgs
 * PREFIX0, PREFIX1, ..., task s in memcg s % nm; memory.max of each is max
 * bytes (0 = none), or half its tasks' pages when max is UINT64_MAX. */
static void gen_memcgs(struct access_meta *m, const char *prefix, unsigned nm, unsigned ns,
		uint32_t npages, uint64_t max)
{
	m->memcg_count = nm;
	for (unsigned i = 0; i < nm; i++) {
		unsigned members = ns / nm + (i < ns % nm);

		snprintf(m->memcgs[i].name, sizeof(m->memcgs[i].name), "%s%u", prefix, i);
		m->memcgs[i].parent = -1;
		m->memcgs[i].max_pages = max == UINT64_MAX ? (uint64_t)members * npages / 2
							   : max / SIM_PAGE_SIZE;
		m->memcgs[i].high_pages = 0;
	}
}

/* The content mix of the common options in an access meta, and its page
 * store: with --content, --max-pages (default 4096) pages drawn from the
 * weighted sources in runs of 16 (*pages, malloc'd, *npages of them); without,
 * none.  0 or a negative errno with err. */
static int gen_content_store(const struct gen_common *g, struct access_meta *m, uint8_t **pages,
		      uint64_t *npages, char *err, size_t errlen)
{
	struct content_params cp = { .spec = g->content };
	uint64_t want = g->max_pages ? g->max_pages : 4096;
	struct content ct;
	int ret;

	m->seed = g->seed;
	m->content = (struct access_content){ g->zero, g->same, g->random, g->dirty };
	*pages = NULL;
	*npages = 0;
	if (gen_check_content(g, err, errlen))
		return -EINVAL;
	if (!g->content || !*g->content)
		return 0;
	if (want >= ACCESS_CONTENT_DRAW) {
		snprintf(err, errlen, "--max-pages %llu: at most %u pages in an access trace's"
			 " page store", (unsigned long long)want, ACCESS_CONTENT_DRAW - 1);
		return -EINVAL;
	}
	/* zero, same and random stay fractions of the header: the store is
	 * source pages only */
	ret = content_init(&ct, &cp, g->seed, err, errlen);
	if (ret)
		return ret;
	while (ct.npages < want) {
		unsigned run = want - ct.npages < 16 ? (unsigned)(want - ct.npages) : 16;

		if (content_new(&ct, run) == CONTENT_NONE) {
			content_free(&ct);
			snprintf(err, errlen, "out of memory for %llu content pages",
				 (unsigned long long)want);
			return -ENOMEM;
		}
	}
	*pages = ct.pages;
	*npages = ct.npages;
	ct.pages = NULL;
	content_free(&ct);
	/* in memory; a writer puts it next to the trace under its own name */
	strcpy(m->page_store, "content.pages");
	m->page_store_pages = *npages;
	m->page_store_checksum = XXH3_64bits(*pages, *npages * SIM_PAGE_SIZE);
	return 0;
}

/* --- first-touch folio layout --------------------------------------------------- */

/* First-touch folio orders of ns tasks of npages each: each aligned block of
 * 2^(largest order) pages draws an order of the mix (n orders; a tail shorter
 * than a block is order 0), from one generator seeded with seed, blocks of
 * task 0 first, as the reclaim model's rm_map() drew them. */
struct gen_layout {
	unsigned kmax, fixed;          /* largest order; the order when there is one */
	uint32_t npages;
	uint8_t **block;               /* per task, per block; NULL with one order */
	unsigned ntasks;
};

static void gen_layout_free(struct gen_layout *l);

static int gen_layout_init(struct gen_layout *l, unsigned ns, uint32_t npages, const unsigned *orders,
		    const double *prob, unsigned n, uint64_t seed)
{
	uint64_t nblocks;
	gsl_rng *rng;

	memset(l, 0, sizeof(*l));
	l->ntasks = ns;
	l->npages = npages;
	for (unsigned i = 0; i < n; i++)
		l->kmax = orders[i] > l->kmax ? orders[i] : l->kmax;
	l->fixed = n ? orders[0] : 0;
	if (n <= 1)
		return 0;
	nblocks = ((uint64_t)npages >> l->kmax) + 1;
	l->block = calloc(ns, sizeof(*l->block));
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!l->block || !rng)
		goto nomem;
	gsl_rng_set(rng, (unsigned long)seed);
	for (unsigned t = 0; t < ns; t++) {
		l->block[t] = malloc(nblocks);
		if (!l->block[t])
			goto nomem;
		for (uint64_t b = 0; (b << l->kmax) < npages; b++) {
			double u = gsl_rng_uniform(rng);
			unsigned i = 0;

			while (i + 1 < n && u >= prob[i]) {
				u -= prob[i];
				i++;
			}
			l->block[t][b] = (uint8_t)orders[i];
		}
	}
	gsl_rng_free(rng);
	return 0;
nomem:
	if (rng)
		gsl_rng_free(rng);
	gen_layout_free(l);
	return -ENOMEM;
}

static unsigned gen_layout_order(const struct gen_layout *l, unsigned task, uint32_t page)
{
	uint64_t b = page >> l->kmax;

	/* a tail shorter than a block is order 0 */
	if (((b + 1) << l->kmax) > l->npages)
		return 0;
	return l->block ? l->block[task][b] : l->fixed;
}

static void gen_layout_free(struct gen_layout *l)
{
	for (unsigned t = 0; l->block && t < l->ntasks; t++)
		free(l->block[t]);
	free(l->block);
	l->block = NULL;
}

/* --- per-task generators ------------------------------------------------------------ */

static int gen_tasks_init(struct gen_task **tasks, unsigned ns, uint64_t seed, int shared)
{
	struct gen_task *t = calloc(ns, sizeof(*t));

	*tasks = t;
	if (!t)
		return -ENOMEM;
	for (unsigned i = 0; i < ns; i++) {
		if (shared && i) {
			t[i].rng = t[0].rng;
			continue;
		}
		t[i].rng = gsl_rng_alloc(gsl_rng_mt19937);
		if (!t[i].rng)
			return -ENOMEM;
		gsl_rng_set(t[i].rng, (unsigned long)(seed + i * 0x9e3779b9ull));
	}
	return 0;
}

static void gen_tasks_free(struct gen_task *tasks, unsigned ns)
{
	for (unsigned i = 0; tasks && i < ns; i++)
		if (tasks[i].rng && (!i || tasks[i].rng != tasks[0].rng))
			gsl_rng_free(tasks[i].rng);
	free(tasks);
}

struct gen_tasks_src {
	struct access_meta meta;
	struct gen_tasks_spec spec;
	struct gen_task *task;
	struct gen_layout layout;
	uint8_t *pages;     /* the content store, or NULL */
};

static int gen_tasks_next_task(struct access_source *src, unsigned t, struct access_record *r)
{
	struct gen_tasks_src *s = src->priv;
	const struct gen_tasks_spec *k = &s->spec;
	struct gen_task *x = &s->task[t];
	uint16_t memcg = (uint16_t)(t % k->memcgs);
	uint32_t page;
	int write;

	if (x->exited)
		return 0;
	if (x->done == k->accesses) {
		/* exit: one more think time, then the mapping is freed */
		x->exited = 1;
		if (k->no_exit)
			return 0;
		*r = (struct access_record){ .time_ns = x->t, .task = (uint16_t)t, .memcg = memcg,
					     .op = ACCESS_EXIT };
		return 1;
	}
	k->touch(k->kind, t, x, &page, &write);
	x->done++;
	*r = (struct access_record){
		.time_ns = x->t, .vpage = page, .arg = write ? ACCESS_CONTENT_DRAW : 0,
		.task = (uint16_t)t, .memcg = memcg, .op = write ? ACCESS_WRITE : ACCESS_READ,
		.order = (uint8_t)gen_layout_order(&s->layout, t, page),
	};
	x->t += gen_jitter_think(&x->jit);
	return 1;
}

/* One generator for all tasks: the task whose next record is the earliest
 * (the lowest index on a tie) makes it, until every task has ended. */
static int gen_tasks_next(struct access_source *src, struct access_record *r)
{
	struct gen_tasks_src *s = src->priv;

	for (;;) {
		int best = -1, ret;

		for (unsigned i = 0; i < s->spec.tasks; i++)
			if (!s->task[i].exited && (best < 0 || s->task[i].t < s->task[best].t))
				best = (int)i;
		if (best < 0)
			return 0;
		ret = gen_tasks_next_task(src, (unsigned)best, r);
		if (ret)
			return ret;
	}
}

static void gen_tasks_src_free(struct access_source *src)
{
	struct gen_tasks_src *s = src->priv;

	s->spec.free(s->spec.kind, s->spec.tasks);
	gen_tasks_free(s->task, s->spec.tasks);
	gen_layout_free(&s->layout);
	free(s->pages);
	free(s);
}

/* Tasks with their own generators: per task natively. */
static const struct access_source_ops gen_tasks_ops = {
	.next_task = gen_tasks_next_task,
	.free = gen_tasks_src_free,
};

/* One generator for all tasks (swap-event traces): global order natively. */
static const struct access_source_ops gen_tasks_shared_ops = {
	.next = gen_tasks_next,
	.free = gen_tasks_src_free,
};

/* A memory.max or RAM limit (--max, --ram) is 0 for none or at least a
 * page: below one, the page count it stands for is 0, which means none too,
 * so --max 1 would silently be no limit at all. */
static int gen_check_limit(const struct gen_common *g, const char *opt, uint64_t bytes,
			   char *err, size_t errlen)
{
	char name[64];

	if (!bytes || bytes >= SIM_PAGE_SIZE || bytes == UINT64_MAX)
		return 0;
	snprintf(err, errlen, "%s: %llu bytes is less than a page (%u); 0 means no limit",
		 gen_opt_name(g, opt, name, sizeof(name)), (unsigned long long)bytes,
		 SIM_PAGE_SIZE);
	return -EINVAL;
}

/* The last record of a task (its exit) comes after its start offset and
 * accesses + 1 think times, each at most think + its jitter: all of it must
 * fit in the 2^63 - 1 ns a record's time may take, or the clock would wrap
 * and the run go on with nonsense times.  Checked on the largest draws, so
 * the outcome does not depend on the seed. */
static int gen_check_span(const struct gen_common *g, const struct gen_tasks_spec *spec,
			  char *err, size_t errlen)
{
	struct gen_jitter j;
	uint64_t start = g->no_jitter ? 0 : g->start_offset == GEN_START_THINK ? spec->think :
			 g->start_offset;
	uint64_t most_think, steps = spec->accesses + 1;
	char name[64];

	if (!g->no_jitter && g->start_offset != GEN_START_THINK &&
	    gen_check_range(g, "--start-offset", g->start_offset, 0, INT64_MAX, err, errlen))
		return -EINVAL;
	gen_jitter_init(&j, g, 0, spec->think);
	most_think = j.lo + j.span - 1;
	if (start > INT64_MAX || most_think > (INT64_MAX - start) / steps) {
		snprintf(err, errlen, "%s: %llu ns between the %llu accesses of a stream (up to"
			 " %llu ns with jitter) pass 2^63-1 ns of simulated time",
			 gen_opt_name(g, "--think", name, sizeof(name)),
			 (unsigned long long)spec->think, (unsigned long long)spec->accesses,
			 (unsigned long long)most_think);
		return -EINVAL;
	}
	return 0;
}

int gen_tasks_source(const struct gen_common *g, const struct gen_tasks_spec *spec,
		     struct access_source **out, char *err, size_t errlen)
{
	unsigned orders[TRACE_MAX_ORDER + 1];
	double prob[TRACE_MAX_ORDER + 1];
	struct gen_tasks_src *s = calloc(1, sizeof(*s));
	struct access_source *src = NULL;
	int n = gen_orders(g, spec->orders, orders, prob, err, errlen), ret;

	if (n >= 0 && (gen_jitter_check(g, err, errlen) ||
		       gen_check_limit(g, "--max", spec->max, err, errlen) ||
		       gen_check_limit(g, "--ram", spec->ram, err, errlen) ||
		       gen_check_span(g, spec, err, errlen)))
		n = -EINVAL;
	if (n < 0 || !s) {
		spec->free(spec->kind, spec->tasks);
		free(s);
		if (n >= 0)
			snprintf(err, errlen, "out of memory");
		return n < 0 ? n : -ENOMEM;
	}
	s->spec = *spec;
	src = access_source_alloc(g->shared_rng ? &gen_tasks_shared_ops : &gen_tasks_ops, s);
	if (!src) {
		gen_tasks_src_free(&(struct access_source){ .priv = s });
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	access_meta_init(&s->meta, spec->pages);
	s->meta.task_count = spec->tasks;
	for (unsigned t = 0; t < spec->tasks; t++)
		s->meta.task_pages[t] = spec->pages;
	s->meta.ram_pages = spec->ram / SIM_PAGE_SIZE;
	gen_memcgs(&s->meta, spec->prefix, spec->memcgs, spec->tasks, spec->pages, spec->max);
	src->meta = &s->meta;
	ret = gen_tasks_init(&s->task, spec->tasks, spec->seed, g->shared_rng);
	for (unsigned t = 0; !ret && t < spec->tasks; t++)
		s->task[t].t = gen_jitter_init(&s->task[t].jit, g, t, spec->think) +
			       gen_jitter_think(&s->task[t].jit);
	if (!ret && spec->init)
		ret = spec->init(spec->kind, s->task, spec->tasks);
	if (!ret)
		ret = gen_layout_init(&s->layout, spec->tasks, spec->pages, orders, prob, (unsigned)n,
				      g->seed);
	if (ret)
		snprintf(err, errlen, "out of memory");
	else
		ret = gen_content_store(g, &s->meta, &s->pages, &src->npages, err, errlen);
	if (ret) {
		access_source_close(src);
		return ret;
	}
	src->pages = s->pages;
	*out = src;
	return 0;
}

/* --- the swap-event trace: accesses through the reclaim model ------------------------- */

/* The selftest's loop asks how much of a memcg is swapped out. */
static uint64_t gen_probe(void *ctx, unsigned memcg)
{
	const struct reclaim *rm = ctx;

	return memcg < rm->nmemcg ? rm->memcg[memcg].out_pages - rm->memcg[memcg].in_pages : 0;
}

/* The content-store index of page i of the source's page store, added on
 * first use (so the store holds the pages the trace uses, in that order). */
static uint32_t gen_content_of(struct content *ct, uint32_t *map, const uint8_t *pages,
			       uint32_t i)
{
	if (map[i] == CONTENT_NONE)
		map[i] = content_add(ct, pages + (size_t)i * SIM_PAGE_SIZE, 1);
	return map[i];
}

/* One record through the model. */
static void gen_apply(struct reclaim *rm, const struct access_meta *m, const uint32_t *base,
		      const struct access_record *r, struct content *ct, uint32_t *map,
		      const uint8_t *pages)
{
	uint32_t page = base[r->task] + r->vpage;

	switch (r->op) {
	case ACCESS_READ:
	case ACCESS_WRITE:
		rm_first_touch(rm, page, r->order, r->memcg);
		if (r->op == ACCESS_WRITE && r->arg != ACCESS_CONTENT_DRAW) {
			uint32_t c = gen_content_of(ct, map, pages, r->arg);

			if (c == CONTENT_NONE)
				rm_fail_nomem(rm);
			rm_set_content(rm, page, c);
		}
		rm_touch(rm, r->task, page, r->op == ACCESS_WRITE, r->time_ns);
		break;
	case ACCESS_FREE:
		rm_unmap(rm, r->task, page, r->arg, r->time_ns);
		break;
	case ACCESS_EXIT:
		if (m->task_pages[r->task])
			rm_unmap(rm, r->task, base[r->task], m->task_pages[r->task], r->time_ns);
		break;
	case ACCESS_RECLAIM:
		rm_reclaim(rm, r->task, r->memcg, r->arg, r->time_ns);
		break;
	case ACCESS_PAGEOUT:
		rm_pageout(rm, r->task, page, r->arg, r->time_ns);
		break;
	case ACCESS_SET_MAX:
		rm_set_limit(rm, r->task, r->memcg, r->arg, r->time_ns);
		break;
	case ACCESS_SET_RAM:
		rm_set_ram(rm, r->task, r->arg, r->time_ns);
		break;
	}
}

int gen_replay(struct access_source *src, struct reclaim *rm, struct content *ct,
	       char *err, size_t errlen)
{
	const struct access_meta *m = access_source_meta(src);
	uint32_t *base = calloc(m->task_count, sizeof(*base)), *map = NULL;
	uint64_t npages = 0;
	const uint8_t *pages = access_source_pages(src, &npages, err, errlen);
	struct access_record r;
	int ret = 0;

	if (!pages && m->page_store_pages) {
		free(base);
		return -EIO;   /* the page store could not be mapped: err says why */
	}
	if (npages)
		map = malloc(npages * sizeof(*map));
	if (!base || (npages && !map)) {
		free(base);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (npages)
		memset(map, 0xff, npages * sizeof(*map));
	/* memory.high is not modelled here */
	for (uint32_t i = 0; i < m->memcg_count; i++)
		rm_add_memcg(rm, m->memcgs[i].name, m->memcgs[i].parent, m->memcgs[i].max_pages);
	for (uint32_t t = 0; t < m->task_count; t++)
		base[t] = m->task_pages[t] ? rm_map(rm, t, 0, m->task_pages[t], NULL, NULL, 0)
					   : RM_NONE;
	access_source_set_probe(src, gen_probe, rm);
	while (!rm->err && (ret = access_source_next(src, &r)) == 1)
		gen_apply(rm, m, base, &r, ct, map, pages);
	access_source_set_probe(src, NULL, NULL);
	if (ret < 0)
		snprintf(err, errlen, "%s", access_source_error(src));
	free(base);
	free(map);
	return ret < 0 ? ret : 0;
}

/* FILE.pages and the trace, landing together (outfile_hold()). */
static int gen_write_pair(const struct gen_common *g, struct trace_meta *meta, struct reclaim *rm,
			  struct content *ct, char *err, size_t errlen)
{
	char pages[PATH_MAX];
	int ret;

	if (ct->npages) {
		const char *base;
		if (trace_pages_path(g->out, pages, sizeof(pages))) {
			snprintf(err, errlen, "%s: path too long", g->out);
			return -ENAMETOOLONG;
		}
		base = strrchr(pages, '/') ? strrchr(pages, '/') + 1 : pages;
		if (strlen(base) >= TRACE_PATH_MAX) {
			snprintf(err, errlen, "%s: page-store name too long", pages);
			return -ENAMETOOLONG;
		}
		/* from memory: the file is under its temp name until the trace is */
		meta->page_store_checksum = XXH3_64bits(ct->pages, ct->npages * SIM_PAGE_SIZE);
		ret = content_write(ct, pages, err, errlen);
		if (ret)
			return ret;
		memcpy(meta->page_store, base, strlen(base) + 1);   /* length checked above */
		meta->page_store_pages = ct->npages;
	}
	return trace_write(g->out, meta, rm->ev, rm->nev, err, errlen);
}

/* Finish rm, write FILE.pages and the trace, fill sum. */
static int gen_write(const struct gen_common *g, struct reclaim *rm, struct content *ct,
		     struct gen_summary *sum, char *err, size_t errlen)
{
	static struct trace_meta meta;   /* 70 KiB: not on the stack */
	int ret;

	ret = rm_finish(rm, &meta, err, errlen);
	if (ret)
		return ret;
	outfile_hold();
	ret = outfile_release(gen_write_pair(g, &meta, rm, ct, err, errlen), err, errlen);
	if (ret)
		return ret;
	sum->records = rm->nev;
	for (uint64_t i = 0; i < rm->nev; i++)
		sum->ops[rm->ev[i].op]++;
	sum->streams = meta.stream_count;
	sum->memcgs = meta.memcg_count;
	sum->pages = ct->npages;
	memcpy(sum->page_store, meta.page_store, sizeof(sum->page_store));
	return 0;
}

static int gen_swap_trace(const struct gen_kind *k, void *args, const char *word,
			  struct access_source *src, struct gen_summary *sum,
			  char *err, size_t errlen)
{
	const struct gen_common *g = args;
	const struct access_meta *m = access_source_meta(src);
	uint64_t mapped = 0;
	struct content ct;
	struct reclaim rm;
	int ret;

	if (k->mapped_pages)
		mapped = k->mapped_pages(args, word);
	else
		for (uint32_t t = 0; t < m->task_count; t++)
			mapped += m->task_pages[t];
	ret = gen_setup(g, &ct, &rm, m->task_count, mapped, m->ram_pages, err, errlen);
	if (ret)
		return ret;
	ret = gen_replay(src, &rm, &ct, err, errlen);
	if (!ret)
		ret = gen_write(g, &rm, &ct, sum, err, errlen);
	rm_free(&rm);
	content_free(&ct);
	return ret;
}

/* The output form the options and the name of -o ask for. */
static int gen_form(const struct gen_common *g, enum gen_form *form, char *err, size_t errlen)
{
	if (!g->out) {
		snprintf(err, errlen, "missing -o FILE");
		return -EINVAL;
	}
	if (g->access && g->oracle) {
		snprintf(err, errlen, "--access and --oracle-general: choose one");
		return -EINVAL;
	}
	*form = g->access ? GEN_ACCESS : g->oracle ? GEN_ORACLE : GEN_SWAP;
	if (*form == GEN_SWAP && trace_path_form(g->out) < 0) {
		snprintf(err, errlen, "%s: output must end in .zswt or .txt (or give --access,"
			 " --oracle-general)", g->out);
		return -EINVAL;
	}
	if (*form == GEN_ACCESS && access_path_form(g->out) < 0) {
		snprintf(err, errlen, "%s: an access trace must end in .zswa or .txt", g->out);
		return -EINVAL;
	}
	/* the swap device is the reclaim model's, which only the swap events use */
	if (*form != GEN_SWAP && (g->readahead || g->swap)) {
		snprintf(err, errlen, "--readahead and --swap shape swap events: not with %s",
			 g->access ? "--access" : "--oracle-general");
		return -EINVAL;
	}
	return 0;
}

int gen_run(const struct gen_kind *k, void *args, const char *word, struct gen_summary *sum,
	    char *err, size_t errlen)
{
	const struct gen_common *g = args;
	struct access_source *src = NULL;
	enum gen_form form;
	int ret;

	memset(sum, 0, sizeof(*sum));
	ret = gen_form(g, &form, err, errlen);
	if (!ret)
		ret = trace_check_outputs(g->out, form != GEN_ORACLE, err, errlen);   /* before the work */
	if (ret)
		return ret;
	((struct gen_common *)args)->shared_rng = form == GEN_SWAP;
	ret = k->source(args, word, &src, err, errlen);
	if (ret)
		return ret;
	sum->out = g->out;
	sum->form = form;
	sum->random_content = form != GEN_ORACLE && (!g->content || !*g->content) && !src->npages &&
			      g->zero + g->same + g->random < 1.0;
	sum->streams = access_source_meta(src)->task_count;
	sum->memcgs = access_source_meta(src)->memcg_count;
	switch (form) {
	case GEN_SWAP:
		ret = gen_swap_trace(k, args, word, src, sum, err, errlen);
		break;
	case GEN_ACCESS:
		ret = access_source_write(g->out, src, sum->access_ops, err, errlen);
		for (unsigned i = 0; i < ACCESS_OP_COUNT; i++)
			sum->records += sum->access_ops[i];
		if (!ret && access_source_pages(src, &sum->pages, err, errlen) && sum->pages)
			trace_pages_path(strrchr(g->out, '/') ? strrchr(g->out, '/') + 1 : g->out,
					 sum->page_store, sizeof(sum->page_store));
		break;
	case GEN_ORACLE:
		ret = access_oracle_write(g->out, src, &sum->records, err, errlen);
		break;
	}
	access_source_close(src);
	return ret;
}
