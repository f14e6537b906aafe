// SPDX-License-Identifier: MIT
/*
 * trace gen zipf: each stream maps a working set of SIZE bytes and makes
 * --accesses touches whose pages follow a Zipf popularity: the page of rank k
 * (k = 1 .. npages) is touched with probability proportional to 1 / k^alpha
 * (sampled with GSL's Walker tables, gsl_ran_discrete).  Ranks map to pages
 * through a random permutation; --phases P splits the accesses into P equal
 * phases and at each new phase the rank -> page mapping rotates by npages / P
 * ranks, so the hot set moves to other pages and the old hot pages go cold.
 * A touch is a write with probability --write.
 */
#include <errno.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "traces/access_source_impl.h"
#include "traces/gen.h"

struct zipf_args {
	struct gen_common g;
	uint64_t streams, size, accesses, phases, think, max, memcgs, ram;
	double alpha, write;
	const char *orders;
	int no_exit;
};

/* What a zipf task's accesses depend on. */
struct zipf_kind {
	uint32_t npages, shift;     /* pages per task; hot-set rotation per phase */
	uint64_t phase_len;         /* accesses per phase */
	double write;
	gsl_ran_discrete_t *tab;    /* rank popularity, shared by the tasks */
	uint32_t **perm;            /* per task: rank -> page */
};

static gsl_ran_discrete_t *zipf_table(uint32_t n, double alpha)
{
	double *w = malloc(n * sizeof(*w));
	gsl_ran_discrete_t *t;

	if (!w)
		return NULL;
	for (uint32_t k = 0; k < n; k++)
		w[k] = 1.0 / pow((double)k + 1, alpha);
	t = gsl_ran_discrete_preproc(n, w);
	free(w);
	return t;
}

/* A rank by popularity, its page in the task's permutation rotated by the
 * phase; a write with probability write. */
static void zipf_touch(void *kind, unsigned t, struct gen_task *x, uint32_t *page, int *write)
{
	const struct zipf_kind *k = kind;
	uint64_t phase = x->done / k->phase_len;
	uint32_t rank = (uint32_t)gsl_ran_discrete(x->rng, k->tab);

	*page = k->perm[t][(rank + phase * k->shift) % k->npages];
	*write = gsl_rng_uniform(x->rng) < k->write;
}

/* Each task's rank -> page permutation, the first draws of its generator. */
static int zipf_init(void *kind, struct gen_task *tasks, unsigned ntasks)
{
	struct zipf_kind *k = kind;

	k->perm = calloc(ntasks, sizeof(*k->perm));
	if (!k->perm)
		return -ENOMEM;
	for (unsigned t = 0; t < ntasks; t++) {
		k->perm[t] = malloc(k->npages * sizeof(uint32_t));
		if (!k->perm[t])
			return -ENOMEM;
		for (uint32_t i = 0; i < k->npages; i++)
			k->perm[t][i] = i;
		gsl_ran_shuffle(tasks[t].rng, k->perm[t], k->npages, sizeof(uint32_t));
	}
	return 0;
}

static void zipf_free(void *kind, unsigned ntasks)
{
	struct zipf_kind *k = kind;

	for (unsigned t = 0; k->perm && t < ntasks; t++)
		free(k->perm[t]);
	free(k->perm);
	if (k->tab)
		gsl_ran_discrete_free(k->tab);
	free(k);
}

/* Each option in its range, the first one out of it named with the range. */
static int zipf_check(struct zipf_args *a, char *err, size_t errlen)
{
	const struct gen_common *g = &a->g;
	uint64_t most_memcgs = a->streams < TRACE_MAX_MEMCGS ? a->streams : TRACE_MAX_MEMCGS;

	if (!a->memcgs)
		a->memcgs = a->streams;
	if (gen_check_range(g, "--streams", a->streams, 1, TRACE_MAX_STREAMS, err, errlen) ||
	    gen_check_range(g, "--memcgs", a->memcgs, 1, most_memcgs, err, errlen) ||
	    gen_check_range(g, "--size", a->size, SIM_PAGE_SIZE, (uint64_t)SIM_PAGE_SIZE << 26,
			    err, errlen) ||
	    gen_check_range(g, "--phases", a->phases, 1, a->size / SIM_PAGE_SIZE, err, errlen) ||
	    gen_check_real(g, "--alpha", a->alpha, 0, 10, err, errlen) ||
	    gen_check_real(g, "--write", a->write, 0, 1, err, errlen) ||
	    gen_check_range(g, "--accesses", a->accesses, 0, 1ull << 32, err, errlen))
		return -EINVAL;
	if (!a->accesses)
		a->accesses = 4 * (a->size / SIM_PAGE_SIZE);
	return 0;
}

static int zipf_source(void *args, const char *word, struct access_source **out,
		       char *err, size_t errlen)
{
	struct zipf_args *a = args;
	struct zipf_kind *k;
	int ret = zipf_check(a, err, errlen);

	(void)word;
	if (ret)
		return ret;
	k = calloc(1, sizeof(*k));
	if (k) {
		k->npages = (uint32_t)(a->size / SIM_PAGE_SIZE);
		k->tab = zipf_table(k->npages, a->alpha);
	}
	if (!k || !k->tab) {
		free(k);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	k->phase_len = (a->accesses + a->phases - 1) / a->phases;
	k->shift = k->npages / (uint32_t)a->phases;
	k->write = a->write;
	return gen_tasks_source(&a->g, &(struct gen_tasks_spec){
		.prefix = "zipf", .tasks = (unsigned)a->streams, .memcgs = (unsigned)a->memcgs,
		.pages = k->npages, .max = a->max, .ram = a->ram,
		.accesses = a->accesses, .think = a->think, .no_exit = a->no_exit,
		.orders = a->orders, .seed = a->g.seed ^ 0x7a697066ull,
		.init = zipf_init, .touch = zipf_touch, .free = zipf_free, .kind = k,
	}, out, err, errlen);
}

static const struct gen_opt zipf_opts[] = {
	{ "--streams", GO_U64, offsetof(struct zipf_args, streams), "streams, each with its own working set (default 1)" },
	{ "--size", GO_SIZE, offsetof(struct zipf_args, size), "working set bytes per stream (default 16M)" },
	{ "--accesses", GO_U64, offsetof(struct zipf_args, accesses), "touches per stream (default 4 x pages)" },
	{ "--alpha", GO_DOUBLE, offsetof(struct zipf_args, alpha), "Zipf exponent: rank k has weight 1/k^alpha (default 1)" },
	{ "--phases", GO_U64, offsetof(struct zipf_args, phases), "phases; each new one rotates the hot set by pages/phases (default 1)" },
	{ "--orders", GO_STR, offsetof(struct zipf_args, orders), "folio order mix ORDER:WEIGHT,... (default 0:1)" },
	{ "--think", GO_U64, offsetof(struct zipf_args, think), "ns between two accesses of a stream (default 1000)" },
	{ "--write", GO_DOUBLE, offsetof(struct zipf_args, write), "probability a touch writes (default 0.3)" },
	{ "--memcgs", GO_U64, offsetof(struct zipf_args, memcgs), "memcgs zipf0.., stream s in memcg s % M (default: one per stream)" },
	{ "--max", GO_SIZE, offsetof(struct zipf_args, max), "memory.max of each memcg (default: half its streams' memory; 0 = none)" },
	{ "--ram", GO_SIZE, offsetof(struct zipf_args, ram), "RAM limit on all resident pages (default 0 = none)" },
	{ "--no-exit", GO_FLAG, offsetof(struct zipf_args, no_exit), "do not unmap the memory at the end" },
	GEN_COMMON_OPTS(struct zipf_args),
	{ NULL, 0, 0, NULL },
};

static void zipf_defaults(void *args)
{
	struct zipf_args *a = args;

	*a = (struct zipf_args){
		.streams = 1, .size = 16ull << 20, .accesses = 0, .phases = 1, .think = 1000,
		.max = UINT64_MAX, .memcgs = 0, .ram = 0, .alpha = 1.0, .write = 0.3,
		.orders = "0:1",
	};
	gen_common_defaults(&a->g);
}

const struct gen_kind gen_kind_zipf = {
	.name = "zipf",
	.help = "a working set with Zipf popularity, phases shifting the hot set",
	.word = "",
	.args_size = sizeof(struct zipf_args),
	.opts = zipf_opts,
	.defaults = zipf_defaults,
	.source = zipf_source,
};
