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

#include "traces/gen.h"

struct zipf_args {
	struct gen_common g;
	uint64_t streams, size, accesses, phases, think, max, memcgs, ram;
	double alpha, write;
	const char *orders;
	int no_exit;
};

struct zipf_stream {
	uint32_t first;
	uint32_t *perm;     /* rank -> page offset */
	uint64_t t, done;
	int exited;
};

static int zipf_next(const struct zipf_stream *s, unsigned n)
{
	int best = -1;

	for (unsigned i = 0; i < n; i++)
		if (!s[i].exited && (best < 0 || s[i].t < s[best].t))
			best = (int)i;
	return best;
}

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

static int zipf_run(const struct zipf_args *a, const unsigned *orders, const double *prob,
		    unsigned norders, struct gen_summary *sum, char *err, size_t errlen)
{
	const struct gen_common *g = &a->g;
	unsigned ns = (unsigned)a->streams, nm = (unsigned)a->memcgs;
	uint32_t npages = (uint32_t)(a->size / SIM_PAGE_SIZE);
	uint64_t phase_len = (a->accesses + a->phases - 1) / a->phases;
	uint32_t shift = npages / (uint32_t)a->phases;
	struct zipf_stream *st = calloc(ns, sizeof(*st));
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_ran_discrete_t *tab = zipf_table(npages, a->alpha);
	struct content ct;
	struct reclaim rm;
	int ret = -ENOMEM;

	snprintf(err, errlen, "out of memory");
	if (!st || !rng || !tab)
		goto out;
	gsl_rng_set(rng, (unsigned long)(g->seed ^ 0x7a697066ull));
	for (unsigned s = 0; s < ns; s++) {
		st[s].perm = malloc(npages * sizeof(uint32_t));
		if (!st[s].perm)
			goto out;
		for (uint32_t i = 0; i < npages; i++)
			st[s].perm[i] = i;
		gsl_ran_shuffle(rng, st[s].perm, npages, sizeof(uint32_t));
	}
	ret = gen_setup(g, &ct, &rm, ns, (uint64_t)ns * npages, a->ram / SIM_PAGE_SIZE,
			err, errlen);
	if (ret)
		goto out;
	gen_add_memcgs(&rm, "zipf", nm, ns, npages, a->max);
	for (unsigned s = 0; s < ns; s++)
		st[s].first = rm_map(&rm, s, s % nm, npages, orders, prob, norders);
	for (int s; (s = zipf_next(st, ns)) >= 0;) {
		struct zipf_stream *x = &st[s];
		if (x->done == a->accesses) {
			x->t += a->think;   /* exit, picked in (time, stream) order */
			if (!a->no_exit)
				rm_unmap(&rm, (unsigned)s, x->first, npages, x->t);
			x->exited = 1;
			continue;
		}
		uint64_t phase = x->done / phase_len;
		uint32_t rank = (uint32_t)gsl_ran_discrete(rng, tab);
		uint32_t page = x->perm[(rank + phase * shift) % npages];
		int write = gsl_rng_uniform(rng) < a->write;
		x->t += a->think;
		rm_touch(&rm, (unsigned)s, x->first + page, write, x->t);
		x->done++;
		if (rm.err)
			break;
	}
	ret = gen_write(g, &rm, &ct, sum, err, errlen);
	rm_free(&rm);
	content_free(&ct);
out:
	if (tab)
		gsl_ran_discrete_free(tab);
	if (rng)
		gsl_rng_free(rng);
	for (unsigned s = 0; st && s < ns; s++)
		free(st[s].perm);
	free(st);
	return ret;
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

static int zipf_gen(void *args, const char *word, struct gen_summary *sum, char *err, size_t errlen)
{
	struct zipf_args *a = args;
	unsigned orders[TRACE_MAX_ORDER + 1];
	double prob[TRACE_MAX_ORDER + 1];
	int n = gen_orders(a->orders, orders, prob, err, errlen);

	(void)word;
	if (n < 0)
		return n;
	if (!a->memcgs)
		a->memcgs = a->streams;
	if (!a->streams || a->streams > TRACE_MAX_STREAMS || a->memcgs > a->streams ||
	    a->memcgs > TRACE_MAX_MEMCGS || a->size < SIM_PAGE_SIZE ||
	    a->size / SIM_PAGE_SIZE > (1u << 26) || !a->phases ||
	    a->phases > a->size / SIM_PAGE_SIZE || !(a->alpha >= 0) || a->alpha > 10 ||
	    a->write < 0 || a->write > 1 || a->accesses > (1ull << 32)) {
		snprintf(err, errlen, "bad arguments (want 1 <= memcgs <= streams, 4K <= size"
			 " <= 256G, 1 <= phases <= pages, 0 <= alpha <= 10, 0 <= write <= 1)");
		return -EINVAL;
	}
	if (!a->accesses)
		a->accesses = 4 * (a->size / SIM_PAGE_SIZE);
	return zipf_run(a, orders, prob, (unsigned)n, sum, err, errlen);
}

const struct gen_kind gen_kind_zipf = {
	.name = "zipf",
	.help = "a working set with Zipf popularity, phases shifting the hot set",
	.word = "",
	.args_size = sizeof(struct zipf_args),
	.opts = zipf_opts,
	.defaults = zipf_defaults,
	.run = zipf_gen,
};
