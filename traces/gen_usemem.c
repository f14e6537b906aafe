// SPDX-License-Identifier: MIT
/*
 * trace gen usemem: N streams, each mapping SIZE bytes and touching them in
 * passes, like the usemem benchmark of vm-scalability.  Pass 0 writes every
 * page in order (the allocation); later passes touch every page once more in
 * order (--pattern seq) or npages uniformly random pages (--pattern random),
 * each a write with probability --write.  Every access advances the stream's
 * clock by --think ns.  Streams run interleaved by time; at the end each
 * stream exits (its mapping is unmapped) unless --no-exit.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/gen.h"

struct usemem_stream {
	uint32_t first, npages;
	uint64_t t;         /* time of the next access */
	uint64_t done;      /* accesses made */
	int exited;
};

struct usemem_args {
	struct gen_common g;
	uint64_t streams, size, passes, think, max, memcgs, ram;
	double write;
	const char *orders, *pattern;
	int no_exit;
};

/* The next stream to act: the earliest, the lowest index on a tie. */
static int usemem_next(const struct usemem_stream *s, unsigned n)
{
	int best = -1;

	for (unsigned i = 0; i < n; i++)
		if (!s[i].exited && (best < 0 || s[i].t < s[best].t))
			best = (int)i;
	return best;
}

static int usemem_run(const struct usemem_args *a, const unsigned *orders, const double *prob,
		      unsigned norders, struct gen_summary *sum, char *err, size_t errlen)
{
	const struct gen_common *g = &a->g;
	unsigned ns = (unsigned)a->streams, nm = (unsigned)a->memcgs;
	uint32_t npages = (uint32_t)(a->size / SIM_PAGE_SIZE);
	uint64_t per_pass = npages, total = a->passes * per_pass;
	int random = !strcmp(a->pattern, "random");
	struct usemem_stream *st = calloc(ns, sizeof(*st));
	struct content ct;
	struct reclaim rm;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	int ret;

	if (!st || !rng) {
		free(st);
		if (rng)
			gsl_rng_free(rng);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	gsl_rng_set(rng, (unsigned long)(g->seed ^ 0x7573656d656dull));
	ret = gen_setup(g, &ct, &rm, ns, (uint64_t)ns * npages, a->ram / SIM_PAGE_SIZE,
			err, errlen);
	if (ret)
		goto out_rng;
	gen_add_memcgs(&rm, "usemem", nm, ns, npages, a->max);
	for (unsigned s = 0; s < ns; s++) {
		st[s].npages = npages;
		st[s].first = rm_map(&rm, s, s % nm, npages, orders, prob, norders);
	}
	for (int s; (s = usemem_next(st, ns)) >= 0;) {
		struct usemem_stream *x = &st[s];
		if (x->done == total) {
			/* exit: one more think time, so that actions happen in
			 * (time, stream) order as they are picked */
			x->t += a->think;
			if (!a->no_exit)
				rm_unmap(&rm, (unsigned)s, x->first, x->npages, x->t);
			x->exited = 1;
			continue;
		}
		uint64_t pass = x->done / per_pass, i = x->done % per_pass;
		uint32_t page = (pass && random) ? (uint32_t)gsl_rng_uniform_int(rng, npages)
						 : (uint32_t)i;
		int write = !pass || gsl_rng_uniform(rng) < a->write;
		x->t += a->think;
		rm_touch(&rm, (unsigned)s, x->first + page, write, x->t);
		x->done++;
		if (rm.err)
			break;
	}
	ret = gen_write(g, &rm, &ct, sum, err, errlen);
	rm_free(&rm);
	content_free(&ct);
out_rng:
	gsl_rng_free(rng);
	free(st);
	return ret;
}

static const struct gen_opt usemem_opts[] = {
	{ "--streams", GO_U64, offsetof(struct usemem_args, streams), "streams (tasks), each with its own mapping (default 1)" },
	{ "--size", GO_SIZE, offsetof(struct usemem_args, size), "bytes mapped per stream (default 16M)" },
	{ "--orders", GO_STR, offsetof(struct usemem_args, orders), "folio order mix ORDER:WEIGHT,... (default 0:1; e.g. 0:0.5,4:0.5)" },
	{ "--pattern", GO_STR, offsetof(struct usemem_args, pattern), "seq|random: order of the passes after the first (default seq)" },
	{ "--passes", GO_U64, offsetof(struct usemem_args, passes), "passes over the mapping, the first writes every page (default 2)" },
	{ "--think", GO_U64, offsetof(struct usemem_args, think), "ns between two accesses of a stream (default 1000)" },
	{ "--write", GO_DOUBLE, offsetof(struct usemem_args, write), "probability an access after the first pass writes (default 1)" },
	{ "--memcgs", GO_U64, offsetof(struct usemem_args, memcgs), "memcgs usemem0.., stream s in memcg s % M (default: one per stream)" },
	{ "--max", GO_SIZE, offsetof(struct usemem_args, max), "memory.max of each memcg (default: half its streams' memory; 0 = none)" },
	{ "--ram", GO_SIZE, offsetof(struct usemem_args, ram), "RAM limit on all resident pages (default 0 = none)" },
	{ "--no-exit", GO_FLAG, offsetof(struct usemem_args, no_exit), "do not unmap the memory at the end" },
	GEN_COMMON_OPTS(struct usemem_args),
	{ NULL, 0, 0, NULL },
};

static void usemem_defaults(void *args)
{
	struct usemem_args *a = args;

	*a = (struct usemem_args){
		.streams = 1, .size = 16ull << 20, .passes = 2, .think = 1000, .max = UINT64_MAX,
		.memcgs = 0, .ram = 0, .write = 1.0, .orders = "0:1", .pattern = "seq",
	};
	gen_common_defaults(&a->g);
}

static int usemem_gen(void *args, const char *word, struct gen_summary *sum,
		      char *err, size_t errlen)
{
	struct usemem_args *a = args;
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
	    a->size / SIM_PAGE_SIZE > (1u << 28) || !a->passes || a->passes > 1000000 ||
	    (strcmp(a->pattern, "seq") && strcmp(a->pattern, "random")) || a->write < 0 ||
	    a->write > 1) {
		snprintf(err, errlen, "bad arguments (want 1 <= memcgs <= streams <= %d,"
			 " 4K <= size <= 1T, 1 <= passes, --pattern seq|random, 0 <= write <= 1)",
			 TRACE_MAX_STREAMS);
		return -EINVAL;
	}
	return usemem_run(a, orders, prob, (unsigned)n, sum, err, errlen);
}

const struct gen_kind gen_kind_usemem = {
	.name = "usemem",
	.help = "N streams writing/reading their memory in passes (like usemem)",
	.word = "",
	.args_size = sizeof(struct usemem_args),
	.opts = usemem_opts,
	.defaults = usemem_defaults,
	.run = usemem_gen,
};
