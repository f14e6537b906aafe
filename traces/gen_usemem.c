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

#include "traces/access_source_impl.h"
#include "traces/gen.h"

struct usemem_args {
	struct gen_common g;
	uint64_t streams, size, passes, think, max, memcgs, ram;
	double write;
	const char *orders, *pattern;
	int no_exit;
};

/* What a usemem task's accesses depend on. */
struct usemem_kind {
	uint32_t npages;
	int random;
	double write;
};

/* Pass 0 writes every page in order; later passes touch every page in order
 * or npages random ones, each a write with probability write. */
static void usemem_touch(void *kind, unsigned t, struct gen_task *x, uint32_t *page, int *write)
{
	const struct usemem_kind *k = kind;
	uint64_t pass = x->done / k->npages, i = x->done % k->npages;

	(void)t;
	*page = (pass && k->random) ? (uint32_t)gsl_rng_uniform_int(x->rng, k->npages) : (uint32_t)i;
	*write = !pass || gsl_rng_uniform(x->rng) < k->write;
}

static void usemem_free(void *kind, unsigned ntasks)
{
	(void)ntasks;
	free(kind);
}

/* Each option in its range, the first one out of it named with the range
 * (one line: "--passes: 0 is not in 1..1000000"). */
static int usemem_check(struct usemem_args *a, char *err, size_t errlen)
{
	const struct gen_common *g = &a->g;
	uint64_t most_memcgs = a->streams < TRACE_MAX_MEMCGS ? a->streams : TRACE_MAX_MEMCGS;
	char name[64];

	if (!a->memcgs)
		a->memcgs = a->streams;
	if (gen_check_range(g, "--streams", a->streams, 1, TRACE_MAX_STREAMS, err, errlen) ||
	    gen_check_range(g, "--memcgs", a->memcgs, 1, most_memcgs, err, errlen) ||
	    gen_check_range(g, "--size", a->size, SIM_PAGE_SIZE, (uint64_t)SIM_PAGE_SIZE << 28,
			    err, errlen) ||
	    gen_check_range(g, "--passes", a->passes, 1, 1000000, err, errlen) ||
	    gen_check_real(g, "--write", a->write, 0, 1, err, errlen))
		return -EINVAL;
	if (strcmp(a->pattern, "seq") && strcmp(a->pattern, "random")) {
		snprintf(err, errlen, "%s: '%s' is not seq or random",
			 gen_opt_name(g, "--pattern", name, sizeof(name)), TRACE_SHOW(a->pattern));
		return -EINVAL;
	}
	return 0;
}

static int usemem_source(void *args, const char *word, struct access_source **out,
			 char *err, size_t errlen)
{
	struct usemem_args *a = args;
	struct usemem_kind *k;
	int ret = usemem_check(a, err, errlen);

	(void)word;
	if (ret)
		return ret;
	k = malloc(sizeof(*k));
	if (!k) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	*k = (struct usemem_kind){ (uint32_t)(a->size / SIM_PAGE_SIZE),
				   !strcmp(a->pattern, "random"), a->write };
	return gen_tasks_source(&a->g, &(struct gen_tasks_spec){
		.prefix = "usemem", .tasks = (unsigned)a->streams, .memcgs = (unsigned)a->memcgs,
		.pages = k->npages, .max = a->max, .ram = a->ram,
		.accesses = a->passes * k->npages, .think = a->think, .no_exit = a->no_exit,
		.orders = a->orders, .seed = a->g.seed ^ 0x7573656d656dull,
		.touch = usemem_touch, .free = usemem_free, .kind = k,
	}, out, err, errlen);
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

const struct gen_kind gen_kind_usemem = {
	.name = "usemem",
	.help = "N streams writing/reading their memory in passes (like usemem)",
	.word = "",
	.args_size = sizeof(struct usemem_args),
	.opts = usemem_opts,
	.defaults = usemem_defaults,
	.source = usemem_source,
};
