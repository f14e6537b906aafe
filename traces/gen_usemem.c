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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli.h"
#include "traces/gen.h"

struct usemem_stream {
	uint32_t first, npages;
	uint64_t t;         /* time of the next access */
	uint64_t done;      /* accesses made */
	int exited;
};

struct usemem_args {
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

static int usemem_run(const struct gen_common *g, const struct usemem_args *a,
		      const unsigned *orders, const double *prob, unsigned norders,
		      char *err, size_t errlen)
{
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
	ret = gen_write(g, &rm, &ct, err, errlen);
	rm_free(&rm);
	content_free(&ct);
out_rng:
	gsl_rng_free(rng);
	free(st);
	return ret;
}

int gen_usemem(int argc, char **argv)
{
	struct gen_common g;
	struct usemem_args a = {
		.streams = 1, .size = 16ull << 20, .passes = 2, .think = 1000, .max = UINT64_MAX,
		.memcgs = 0, .ram = 0, .write = 1.0, .orders = "0:1", .pattern = "seq",
	};
	const struct gen_opt opts[] = {
		{ "--streams", GO_U64, &a.streams, "streams (tasks), each with its own mapping (default 1)" },
		{ "--size", GO_SIZE, &a.size, "bytes mapped per stream (default 16M)" },
		{ "--orders", GO_STR, &a.orders, "folio order mix ORDER:WEIGHT,... (default 0:1; e.g. 0:0.5,4:0.5)" },
		{ "--pattern", GO_STR, &a.pattern, "seq|random: order of the passes after the first (default seq)" },
		{ "--passes", GO_U64, &a.passes, "passes over the mapping, the first writes every page (default 2)" },
		{ "--think", GO_U64, &a.think, "ns between two accesses of a stream (default 1000)" },
		{ "--write", GO_DOUBLE, &a.write, "probability an access after the first pass writes (default 1)" },
		{ "--memcgs", GO_U64, &a.memcgs, "memcgs usemem0.., stream s in memcg s % M (default: one per stream)" },
		{ "--max", GO_SIZE, &a.max, "memory.max of each memcg (default: half its streams' memory; 0 = none)" },
		{ "--ram", GO_SIZE, &a.ram, "RAM limit on all resident pages (default 0 = none)" },
		{ "--no-exit", GO_FLAG, &a.no_exit, "do not unmap the memory at the end" },
		GEN_COMMON_OPTS(&g),
		{ NULL, 0, NULL, NULL },
	};
	unsigned orders[TRACE_MAX_ORDER + 1];
	double prob[TRACE_MAX_ORDER + 1];
	char err[512];
	int n, ret;

	gen_common_defaults(&g);
	n = gen_parse_kind("usemem", argc, argv, opts, &a.orders, orders, prob, &ret);
	if (n < 0)
		return ret;
	if (!a.memcgs)
		a.memcgs = a.streams;
	if (!a.streams || a.streams > TRACE_MAX_STREAMS || a.memcgs > a.streams ||
	    a.memcgs > TRACE_MAX_MEMCGS || a.size < SIM_PAGE_SIZE ||
	    a.size / SIM_PAGE_SIZE > (1u << 28) || !a.passes || a.passes > 1000000 ||
	    (strcmp(a.pattern, "seq") && strcmp(a.pattern, "random")) || a.write < 0 || a.write > 1) {
		cli_error("trace gen usemem: bad arguments (want 1 <= memcgs <= streams <= %d,"
			  " 4K <= size <= 1T, 1 <= passes, --pattern seq|random, 0 <= write <= 1)",
			  TRACE_MAX_STREAMS);
		return EXIT_USAGE;
	}
	ret = usemem_run(&g, &a, orders, prob, (unsigned)n, err, sizeof(err));
	if (ret) {
		cli_error("trace gen usemem: %s", err);
		return gen_exit_status(ret);
	}
	return EXIT_OK;
}
