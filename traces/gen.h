/* SPDX-License-Identifier: MIT */
/*
 * The workload generators (traces/gen*.c): each kind drives the reclaim model
 * (traces/reclaim.c) with a page-access pattern and writes the swap events it
 * produces as a trace, with the page content of every `out` in FILE.pages
 * next to it.  A kind is plain data: its options (name, type, offset in its
 * argument struct, help) and a run function, so a front end (the CLI's
 * `zswapsim trace gen`, sim/cmd_gen.c) fills the arguments from its own input
 * and nothing here parses a command line or prints.  Errors are negative
 * errno codes with one line in err.
 */
#ifndef ZSWAPSIM_GEN_H
#define ZSWAPSIM_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "traces/content.h"
#include "traces/reclaim.h"

enum gen_opt_type { GO_U64, GO_SIZE, GO_DOUBLE, GO_STR, GO_FLAG };

/* One option of a kind. */
struct gen_opt {
	const char *name;       /* "--size" */
	enum gen_opt_type type; /* uint64_t, uint64_t (bytes), double, const char *, int */
	size_t offset;          /* of the value in the kind's argument struct */
	const char *help;       /* one line, with the default */
};

/* The options of every kind: each kind's argument struct starts with one. */
struct gen_common {
	const char *out;          /* -o FILE.zswt|FILE.txt */
	uint64_t seed;
	const char *content;      /* --content SPEC */
	double zero, same, random;
	double dirty;
	uint64_t max_pages;       /* --max-pages: distinct content pages */
	uint64_t readahead;       /* --readahead W pages */
	uint64_t swap;            /* --swap SIZE (0: auto) */
	int quiet;                /* for the front end: no summary */
};

#define GEN_COMMON_OPTS(type) \
	{ "-o", GO_STR, offsetof(type, g.out), "output trace FILE.zswt or FILE.txt; FILE.pages is written next to it" }, \
	{ "--seed", GO_U64, offsetof(type, g.seed), "seed of every random choice (default 1)" }, \
	{ "--content", GO_STR, offsetof(type, g.content), "source page stores PATH[:WEIGHT],... (default: random pages)" }, \
	{ "--zero", GO_DOUBLE, offsetof(type, g.zero), "fraction of folios entirely zero-filled (default 0)" }, \
	{ "--same", GO_DOUBLE, offsetof(type, g.same), "fraction of folios same-filled with a non-zero word (default 0)" }, \
	{ "--random", GO_DOUBLE, offsetof(type, g.random), "fraction of folios of random bytes (default 0)" }, \
	{ "--dirty", GO_DOUBLE, offsetof(type, g.dirty), "probability a page written since its last swap-out gets new content (default 0)" }, \
	{ "--max-pages", GO_U64, offsetof(type, g.max_pages), "distinct pages in the page store; beyond it runs are shared (0 = no limit)" }, \
	{ "--readahead", GO_U64, offsetof(type, g.readahead), "swap-in readahead window in pages, power of two (default 0 = off)" }, \
	{ "--swap", GO_SIZE, offsetof(type, g.swap), "swap device size (default: twice the mapped memory)" }, \
	{ "--quiet", GO_FLAG, offsetof(type, g.quiet), "no summary on stdout" }

/* What a generator wrote. */
struct gen_summary {
	const char *out;                  /* the trace */
	uint64_t records;
	uint64_t ops[TRACE_OP_COUNT];     /* records by op */
	uint32_t streams, memcgs;
	uint64_t pages;                   /* in the page store (0: none written) */
	char page_store[TRACE_PATH_MAX];  /* its name */
};

/* One kind of workload. */
struct gen_kind {
	const char *name;
	const char *help;              /* one line */
	const char *word;              /* the positional word of the usage ("NAME "), "" if none */
	const char *const *words;      /* the values it may take (NULL-terminated), or NULL */
	size_t args_size;              /* the argument struct, which starts with struct gen_common */
	const struct gen_opt *opts;    /* NULL-name terminated, the common ones included */
	void (*defaults)(void *args);
	/* Check the arguments and write the trace; word is the positional word
	 * (NULL if none was given).  0 or a negative errno with err. */
	int (*run)(void *args, const char *word, struct gen_summary *sum, char *err, size_t errlen);
};

/* The kinds, NULL-terminated; by name (NULL if unknown). */
extern const struct gen_kind *const gen_kinds[];
const struct gen_kind *gen_find_kind(const char *name);

/* Set option o of args from its text value: 0, or -EINVAL with err naming
 * the option. */
int gen_opt_set(const struct gen_opt *o, void *args, const char *value, char *err, size_t errlen);

void gen_common_defaults(struct gen_common *g);

int gen_parse_size(const char *s, uint64_t *out);
/* "0:0.5,4:0.5" -> orders[], prob[] (normalised); returns n or -1. */
int gen_parse_orders(const char *s, unsigned *orders, double *prob, unsigned max);
/* --orders of a kind into orders[]/prob[] (TRACE_MAX_ORDER + 1 entries):
 * the number of orders, or -EINVAL with err. */
int gen_orders(const char *spec, unsigned *orders, double *prob, char *err, size_t errlen);

/* Set up content and the reclaim model from the common options. */
int gen_setup(const struct gen_common *g, struct content *ct, struct reclaim *rm,
	      unsigned nstreams, uint64_t mapped_pages, uint64_t ram_pages,
	      char *err, size_t errlen);

/* The memcgs of a kind with ns streams of npages each: nm top-level memcgs
 * PREFIX0, PREFIX1, ..., stream s in memcg s % nm; memory.max of each is max
 * bytes (0 = none), or half its streams' pages when max is UINT64_MAX. */
void gen_add_memcgs(struct reclaim *rm, const char *prefix, unsigned nm, unsigned ns,
		    uint32_t npages, uint64_t max);

/* Finish rm, write FILE.pages and the trace, fill sum.  0 or negative errno. */
int gen_write(const struct gen_common *g, struct reclaim *rm, struct content *ct,
	      struct gen_summary *sum, char *err, size_t errlen);

/* The kinds. */
extern const struct gen_kind gen_kind_usemem, gen_kind_zipf, gen_kind_selftest;

#endif
