/* SPDX-License-Identifier: MIT */
/*
 * Shared by the workload generators (traces/gen*.c): option parsing, the
 * options every kind takes, and writing the trace with its page store.
 * The entry point is trace_gen_main() in sim/cli.h.
 */
#ifndef ZSWAPSIM_GEN_H
#define ZSWAPSIM_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "traces/content.h"
#include "traces/reclaim.h"

enum gen_opt_type { GO_U64, GO_SIZE, GO_DOUBLE, GO_STR, GO_FLAG };

struct gen_opt {
	const char *name;     /* "--size" */
	enum gen_opt_type type;
	void *ptr;            /* uint64_t, uint64_t (bytes), double, const char *, int */
	const char *help;
};

/* Options of every kind. */
struct gen_common {
	const char *out;          /* -o FILE.zswt|FILE.txt */
	uint64_t seed;
	const char *content;      /* --content SPEC */
	double zero, same, random;
	double dirty;
	uint64_t max_pages;       /* --max-pages: distinct content pages */
	uint64_t readahead;       /* --readahead W pages */
	uint64_t swap;            /* --swap SIZE (0: auto) */
	int quiet;
};

#define GEN_COMMON_OPTS(g) \
	{ "-o", GO_STR, &(g)->out, "output trace FILE.zswt or FILE.txt; FILE.pages is written next to it" }, \
	{ "--seed", GO_U64, &(g)->seed, "seed of every random choice (default 1)" }, \
	{ "--content", GO_STR, &(g)->content, "source page stores PATH[:WEIGHT],... (default: random pages)" }, \
	{ "--zero", GO_DOUBLE, &(g)->zero, "fraction of folios entirely zero-filled (default 0)" }, \
	{ "--same", GO_DOUBLE, &(g)->same, "fraction of folios same-filled with a non-zero word (default 0)" }, \
	{ "--random", GO_DOUBLE, &(g)->random, "fraction of folios of random bytes (default 0)" }, \
	{ "--dirty", GO_DOUBLE, &(g)->dirty, "probability a page written since its last swap-out gets new content (default 0)" }, \
	{ "--max-pages", GO_U64, &(g)->max_pages, "distinct pages in the page store; beyond it runs are shared (0 = no limit)" }, \
	{ "--readahead", GO_U64, &(g)->readahead, "swap-in readahead window in pages, power of two (default 0 = off)" }, \
	{ "--swap", GO_SIZE, &(g)->swap, "swap device size (default: twice the mapped memory)" }, \
	{ "--quiet", GO_FLAG, &(g)->quiet, "no summary on stdout" }

void gen_common_defaults(struct gen_common *g);

/* Parse argv[1..argc) against opts (NULL-name terminated); bare words go to
 * pos[0..maxpos).  Returns the number of positional words, or -1 with err. */
int gen_parse(int argc, char **argv, const struct gen_opt *opts, const char **pos, int maxpos,
	      char *err, size_t errlen);
void gen_usage(const char *kind, const char *args, const struct gen_opt *opts);

/* The command line of a kind that takes no bare words and a folio order mix
 * (--orders, read through *orders_spec once the options are parsed) into
 * orders[]/prob[] (TRACE_MAX_ORDER + 1 entries).  Returns the number of
 * orders, or -1 when the command is done: *status is EXIT_OK after --help
 * (usage printed) or EXIT_USAGE after a bad option (error printed). */
int gen_parse_kind(const char *kind, int argc, char **argv, const struct gen_opt *opts,
		   const char *const *orders_spec, unsigned *orders, double *prob, int *status);

int gen_parse_size(const char *s, uint64_t *out);
/* "0:0.5,4:0.5" -> orders[], prob[] (normalised); returns n or -1. */
int gen_parse_orders(const char *s, unsigned *orders, double *prob, unsigned max);

/* Set up content and the reclaim model from the common options. */
int gen_setup(const struct gen_common *g, struct content *ct, struct reclaim *rm,
	      unsigned nstreams, uint64_t mapped_pages, uint64_t ram_pages,
	      char *err, size_t errlen);

/* The memcgs of a kind with ns streams of npages each: nm top-level memcgs
 * PREFIX0, PREFIX1, ..., stream s in memcg s % nm; memory.max of each is max
 * bytes (0 = none), or half its streams' pages when max is UINT64_MAX. */
void gen_add_memcgs(struct reclaim *rm, const char *prefix, unsigned nm, unsigned ns,
		    uint32_t npages, uint64_t max);

/* Finish rm, write FILE.pages and the trace.  Returns 0 or negative errno. */
int gen_write(const struct gen_common *g, struct reclaim *rm, struct content *ct,
	      char *err, size_t errlen);

/* Exit status for a generator's error: bad input (-EINVAL, a missing or
 * unreadable --content file) is a usage error, anything else a runtime one. */
int gen_exit_status(int err);

/* The kinds: return the process exit status. */
int gen_usemem(int argc, char **argv);
int gen_zipf(int argc, char **argv);
int gen_selftest(int argc, char **argv);

#endif
