/* SPDX-License-Identifier: MIT */
/*
 * The workload generators (traces/gen*.c).  A kind is an access source: the
 * page accesses its tasks make (traces/access_source.h), generated from its
 * options as they are pulled.  `zswapsim trace gen KIND` writes them
 *  - as a swap-event trace (the default): the accesses drive the generators'
 *    reclaim model (traces/reclaim.c) through a thin adapter (gen_replay()),
 *    and the swap events it produces are the trace, with the page content of
 *    every `out` in FILE.pages next to it;
 *  - as an access trace (--access, FILE.zswa or FILE.txt), with the page
 *    store its writes and content draws use in FILE.pages;
 *  - as a libCacheSim oracleGeneral trace (--oracle-general).
 * A kind is plain data: its options (name, type, offset in its argument
 * struct, help) and a source function, so a front end (the CLI's `zswapsim
 * trace gen`, sim/cmd_gen.c; a workload run) fills the arguments from its own
 * input and nothing here parses a command line or prints.  Errors are
 * negative errno codes with one line in err.
 */
#ifndef ZSWAPSIM_GEN_H
#define ZSWAPSIM_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "traces/access_source.h"
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
	int access;               /* --access: -o is an access trace */
	int oracle;               /* --oracle-general: -o is an oracleGeneral trace */
	int quiet;                /* for the front end: no summary */
	double jitter;            /* --jitter F: each think time uniform in think x [1-F, 1+F] */
	uint64_t start_offset;    /* --start-offset NS: each task starts at a uniform offset in
				     [0, NS); GEN_START_THINK: one think time */
	int no_jitter;            /* --no-jitter: both off (lockstep, the bundled traces) */
	int shared_rng;           /* not an option: gen_run() sets it for swap-event
				     traces (struct gen_task) */
	int cfg_names;            /* not an option: a workload run sets it, so that
				     messages name --max-pages as workload.max_pages,
				     the key its user wrote */
};

#define GEN_COMMON_OPTS(type) \
	{ "-o", GO_STR, offsetof(type, g.out), "output trace FILE.zswt or FILE.txt; FILE.pages is written next to it" }, \
	{ "--seed", GO_U64, offsetof(type, g.seed), "seed of every random choice (default 1)" }, \
	{ "--content", GO_STR, offsetof(type, g.content), "source page stores PATH[:WEIGHT],... (default: random, incompressible pages, with a warning; real content: traces/bundled/default.pages)" }, \
	{ "--zero", GO_DOUBLE, offsetof(type, g.zero), "fraction of folios entirely zero-filled (default 0)" }, \
	{ "--same", GO_DOUBLE, offsetof(type, g.same), "fraction of folios same-filled with a non-zero word (default 0)" }, \
	{ "--random", GO_DOUBLE, offsetof(type, g.random), "fraction of folios of random bytes (default 0)" }, \
	{ "--dirty", GO_DOUBLE, offsetof(type, g.dirty), "probability a page written since its last swap-out gets new content (default 0)" }, \
	{ "--max-pages", GO_U64, offsetof(type, g.max_pages), "distinct pages in the page store; beyond it runs are shared (0 = no limit)" }, \
	{ "--readahead", GO_U64, offsetof(type, g.readahead), "swap-in readahead window in pages, power of two (default 0 = off)" }, \
	{ "--swap", GO_SIZE, offsetof(type, g.swap), "swap device size (default: twice the mapped memory)" }, \
	{ "--access", GO_FLAG, offsetof(type, g.access), "write the accesses, not swap events: -o FILE.zswa or FILE.txt" }, \
	{ "--oracle-general", GO_FLAG, offsetof(type, g.oracle), "write the accesses as libCacheSim oracleGeneral: -o FILE (zstd if FILE.zst)" }, \
	{ "--quiet", GO_FLAG, offsetof(type, g.quiet), "no summary on stdout" }, \
	{ "--jitter", GO_DOUBLE, offsetof(type, g.jitter), "each think time uniform in think x [1-F, 1+F], seeded (default 0.5; 0 = fixed)" }, \
	{ "--start-offset", GO_U64, offsetof(type, g.start_offset), "each stream starts at a seeded offset in [0, NS) (default one think time; 0 = all at t = 0)" }, \
	{ "--no-jitter", GO_FLAG, offsetof(type, g.no_jitter), "--jitter 0 --start-offset 0: streams in lockstep (the bundled traces)" }

/* What a generator wrote. */
enum gen_form { GEN_SWAP, GEN_ACCESS, GEN_ORACLE };

struct gen_summary {
	const char *out;                  /* the trace */
	enum gen_form form;
	uint64_t records;                 /* records (oracleGeneral: requests) */
	uint64_t ops[TRACE_OP_COUNT];     /* GEN_SWAP: records by op */
	uint64_t access_ops[ACCESS_OP_COUNT]; /* GEN_ACCESS: records by op */
	uint32_t streams, memcgs;         /* streams: tasks */
	uint64_t pages;                   /* in the page store (0: none written) */
	int random_content;               /* no --content and no content of the kind's own:
					     the pages are random bytes (the front end warns) */
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
	/* Check the arguments and make the accesses' source; word is the
	 * positional word (NULL if none was given).  0 or a negative errno
	 * with err. */
	int (*source)(void *args, const char *word, struct access_source **src,
		      char *err, size_t errlen);
	/* The pages the default swap size (twice this + 1024) is made for;
	 * NULL: every task's pages. */
	uint64_t (*mapped_pages)(const void *args, const char *word);
};

/* Write the accesses of kind k with its arguments to -o in the form the
 * options ask for (above), fill sum.  0 or a negative errno with err. */
int gen_run(const struct gen_kind *k, void *args, const char *word, struct gen_summary *sum,
	    char *err, size_t errlen);

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
int gen_orders(const struct gen_common *g, const char *spec, unsigned *orders, double *prob,
	       char *err, size_t errlen);

/* Per-task generators (usemem, zipf): tasks of the same size, each making a
 * number of accesses one think time apart and then exiting; the kind says
 * which page each access touches and whether it writes.
 *
 * Each task has its own random generator, MT19937 seeded with seed + t *
 * 0x9e3779b9, so tasks do not depend on the order their records are pulled
 * in: access traces and workload runs (per-task order natively).  Swap-event
 * traces (gen_common.shared_rng) keep the generators' older way, which the
 * bundled traces were made with: one generator (seeded with seed) shared by
 * the tasks and drawn in global order, the task whose last record is the
 * earliest (the lowest index on a tie) making the next one (global order
 * natively).  With one task the two are the same.  The first-touch folio
 * orders are drawn when the source opens, from a generator seeded with the
 * common --seed, block by block and task by task, as the reclaim model's
 * rm_map() drew them. */
/* Think-time jitter and start offsets (docs/workloads.md, "Jitter"): without
 * them N streams of one think time act at the same nanosecond, a lockstep no
 * set of real tasks shows.  Drawn from a generator of their own (splitmix64,
 * seeded from --seed and the task), so the pages a task touches are the same
 * with and without jitter, and --no-jitter draws nothing at all: the traces
 * of before jitter existed, byte for byte. */
#define GEN_START_THINK UINT64_MAX

struct gen_jitter {
	uint64_t state;
	uint64_t lo, span;      /* think time: lo + a draw in [0, span) */
};

/* Option opt ("--max-pages") as its user spelled it: itself, or the config
 * key ("workload.max_pages", in buf) when g->cfg_names. */
const char *gen_opt_name(const struct gen_common *g, const char *opt, char *buf, size_t len);
/* 0 if lo <= v <= hi, else -EINVAL with err "OPTION: V is not in LO..HI". */
int gen_check_range(const struct gen_common *g, const char *opt, uint64_t v, uint64_t lo,
		    uint64_t hi, char *err, size_t errlen);
/* The same for a fraction or other real-valued option. */
int gen_check_real(const struct gen_common *g, const char *opt, double v, double lo, double hi,
		   char *err, size_t errlen);

/* -EINVAL with err unless --zero, --same, --random and --dirty are fractions
 * and zero + same + random <= 1. */
int gen_check_content(const struct gen_common *g, char *err, size_t errlen);
/* -EINVAL with err unless 0 <= --jitter <= 1. */
int gen_jitter_check(const struct gen_common *g, char *err, size_t errlen);
/* Task task's jitter for think time think; returns its start offset. */
uint64_t gen_jitter_init(struct gen_jitter *j, const struct gen_common *g, unsigned task,
			 uint64_t think);
/* The next think time. */
uint64_t gen_jitter_think(struct gen_jitter *j);

struct gen_task {
	gsl_rng *rng;
	struct gen_jitter jit;
	uint64_t t;         /* time of its next record */
	uint64_t done;      /* accesses made */
	int exited;
};

struct gen_tasks_spec {
	const char *prefix;            /* memcgs PREFIX0, PREFIX1, ..., task t in t % memcgs */
	unsigned tasks, memcgs;
	uint32_t pages;                /* each task's address space */
	uint64_t max, ram;             /* bytes: each memcg's memory.max (0 = none, UINT64_MAX:
					  half its tasks' pages); the RAM limit (0 = none) */
	uint64_t accesses, think;      /* per task; ns between two records of a task */
	int no_exit;
	const char *orders;            /* --orders */
	uint64_t seed;                 /* of the tasks' generators */
	/* After the tasks' generators are made (draw per-task state from them);
	 * may be NULL.  0 or -ENOMEM. */
	int (*init)(void *kind, struct gen_task *tasks, unsigned ntasks);
	/* Task t's next access (its x->done-th): the page and whether it writes. */
	void (*touch)(void *kind, unsigned t, struct gen_task *x, uint32_t *page, int *write);
	void (*free)(void *kind, unsigned ntasks);   /* the kind's state, also on failure */
	void *kind;
};

/* The source of a per-task kind, taking spec->kind over.  0 or a negative
 * errno with err. */
int gen_tasks_source(const struct gen_common *g, const struct gen_tasks_spec *spec,
		     struct access_source **src, char *err, size_t errlen);

/* Feed the accesses of src (global order) to the reclaim model rm, whose
 * content store is ct: a thin adapter until workload runs have their own
 * reclaim model.  Tasks become streams; each task's address space is one
 * mapping; a first touch allocates the record's folio order in the record's
 * memcg; a write with a page-store index gives the page that content (added
 * to ct on first use).  Returns 0 or rm's / the source's error. */
int gen_replay(struct access_source *src, struct reclaim *rm, struct content *ct,
	       char *err, size_t errlen);

/* The kinds. */
extern const struct gen_kind gen_kind_usemem, gen_kind_zipf, gen_kind_selftest;

#endif
