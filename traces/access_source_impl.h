/* SPDX-License-Identifier: MIT */
/*
 * For implementations of access sources (files, oracleGeneral, CSV,
 * generators): the source object, and the generic adapters that give the
 * order a source does not implement natively.
 *
 * A source sets ops->next (global order) or ops->next_task (per-task order) or
 * both; for a missing one access_source_next*() use an adapter:
 *  - global from per-task: a heap merge over the tasks' next records, keyed by
 *    (time, task); a task's records come in its own order, so ties within a
 *    task keep their sequence.  Memory O(tasks).
 *  - per-task from global: per-task FIFOs filled from the global order while
 *    looking for the asked task's next record.  Memory grows with how far the
 *    tasks' pulls drift apart (a generator that is global by nature, such as
 *    a script of sequential steps).
 */
#ifndef ZSWAPSIM_ACCESS_SOURCE_IMPL_H
#define ZSWAPSIM_ACCESS_SOURCE_IMPL_H

#include "traces/access_source.h"

struct access_source_ops {
	/* 1 = *r filled, 0 = end, < 0 = error (set with access_source_fail()). */
	int (*next)(struct access_source *src, struct access_record *r);
	/* task < task_count is checked by the caller. */
	int (*next_task)(struct access_source *src, unsigned task, struct access_record *r);
	/* Optional: up to n records in global order (as next() gives them, n
	 * calls in one): how many (0 = end), or < 0 = error. */
	int (*next_batch)(struct access_source *src, struct access_record *r, unsigned n);
	void (*free)(struct access_source *src);
};

struct access_merge;
struct access_fifo;

struct access_source {
	int (*next)(struct access_source *src, struct access_record *r);
	int (*next_task)(struct access_source *src, unsigned task, struct access_record *r);
	const struct access_source_ops *ops;
	const struct access_meta *meta;    /* set by the implementation before the first pull */
	const char *page_store;            /* resolved page-store path, "" for none */
	uint64_t nrec;                     /* records in all, UINT64_MAX if unknown */
	void *priv;                        /* the implementation's */
	struct access_merge *merge;        /* adapters, made on first use */
	struct access_fifo *fifo;
	struct access_check *check;        /* ZSWAPSIM_DEBUG_INVARIANTS */
	const uint8_t *pages;              /* page store in memory (a generator's), or NULL */
	uint64_t npages;
	void *pages_map;                   /* the page-store file, mapped by access_source_pages() */
	size_t pages_len;
	access_probe_fn probe;
	void *probe_ctx;
	char err[512];
};

/* The consumer's answer to a probe (access_source_set_probe()), 0 without one. */
uint64_t access_source_probe(struct access_source *src, unsigned memcg);

/* A source with these ops and private state; meta is set by the caller.
 * NULL when out of memory. */
struct access_source *access_source_alloc(const struct access_source_ops *ops, void *priv);

/* Record a one-line error in src (printf-style); returns ret. */
int access_source_fail(struct access_source *src, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The file openers behind access_source_open() (access_source.c, access_oracle.c,
 * access_csv.c). */
int access_source_open_trace(struct access_source **src, const char *path,
			     char *err, size_t errlen);
int access_source_open_oracle(struct access_source **src, const char *path,
			      const struct access_file_opts *opts, char *err, size_t errlen);
int access_source_open_csv(struct access_source **src, const char *path,
			   const struct access_file_opts *opts, char *err, size_t errlen);

/* A source over an opened access trace (binary, text or parsed from CSV); it
 * takes t over (access_close() and free() at the end). */
int access_source_from_trace(struct access_source **src, struct access_trace *t,
			     char *err, size_t errlen);

#endif
