/* SPDX-License-Identifier: MIT */
/*
 * Access sources: where a workload run gets its access records from.
 *
 * A source is an access-trace file (.zswa / .txt), a libCacheSim oracleGeneral
 * trace (plain or .zst), a CSV file of accesses, or a generator running from
 * its options.  It gives its records in one of two orders, whichever the
 * consumer wants:
 *
 *  - per task (access_source_next_task()): each task's records in that task's
 *    order; SimGrid task actors pull this way, each at its own pace;
 *  - global (access_source_next()): all records ordered by (time, task,
 *    sequence within the task); the `none` backend pulls this way.
 *
 * A consumer uses one of the two orders for the life of the source.  Each
 * kind of source implements one order natively and gets the other from a
 * generic adapter (access_source_impl.h).  Records are valid for the source's
 * meta: files are validated when they are opened; under
 * ZSWAPSIM_DEBUG_INVARIANTS (the ASan build) every record a source gives is
 * checked again as it is pulled.
 *
 * Errors are negative errno codes; the message is one line, from
 * access_source_error() after a failed pull, or in err for the openers.
 */
#ifndef ZSWAPSIM_ACCESS_SOURCE_H
#define ZSWAPSIM_ACCESS_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "traces/access.h"

struct access_source;

/* Formats of an access file (the config's workload.format). */
enum access_format {
	ACCESS_FMT_ZSWAPSIM = 0,  /* access trace, .zswa or .txt */
	ACCESS_FMT_ORACLE,        /* libCacheSim oracleGeneral, plain or .zst */
	ACCESS_FMT_CSV,           /* time_ns,task,vpage,op[,order][,memcg] */
	ACCESS_FMT_COUNT
};

/* "zswapsim", "oracleGeneral", "csv"; -1 if unknown. */
int access_format_parse(const char *name);
const char *access_format_name(unsigned fmt);

/* What a file leaves open. */
struct access_file_opts {
	uint64_t think_ns;        /* oracleGeneral, and CSV without a time column: the k-th
				     access of a task (k = 1, 2, ...) is at k * think_ns */
	const char *csv_columns;  /* CSV: "FIELD=COLUMN,..." renames (NULL: the header
				     names the fields); see docs/trace-format.md */
};

/* Open path as fmt, read and validate all of it.  opts may be NULL (think 0,
 * default CSV columns).  Returns 0 or a negative errno with one line in err. */
int access_source_open(struct access_source **src, const char *path, enum access_format fmt,
		       const struct access_file_opts *opts, char *err, size_t errlen);

/* The header of the records: tasks, memcgs, limits, content mix. */
const struct access_meta *access_source_meta(const struct access_source *src);

/* The resolved path of the page store WRITE args index, or "" for none. */
const char *access_source_page_store(const struct access_source *src);

/* Records in all when known up front (files), else UINT64_MAX. */
uint64_t access_source_records(const struct access_source *src);

/* The page store's bytes (*npages pages of 4096 bytes): a generator's own, in
 * memory, or the file the header names, mapped on the first call and kept
 * until the source is closed.  NULL with *npages = 0 when there is none; NULL
 * with a one-line err when the file cannot be mapped. */
const uint8_t *access_source_pages(struct access_source *src, uint64_t *npages,
				   char *err, size_t errlen);

/* A source whose next steps depend on the system it drives (the selftest
 * no_kmem_bypass loop allocates until enough of a memcg is swapped out) asks
 * its consumer through a probe: the pages of memcg swapped out now (swap-outs
 * minus swap-ins).  Without a probe it assumes 0.  The consumer must have
 * applied every record it pulled before it pulls the next. */
typedef uint64_t (*access_probe_fn)(void *ctx, unsigned memcg);
void access_source_set_probe(struct access_source *src, access_probe_fn fn, void *ctx);

/* Next record of one task, in that task's order: 1 = *r filled, 0 = the task
 * has no more, < 0 = error (access_source_error()). */
int access_source_next_task(struct access_source *src, unsigned task, struct access_record *r);

/* Next record in global order ((time, task, sequence)); same return values. */
int access_source_next(struct access_source *src, struct access_record *r);

/* Up to n next records in global order into r[], as n access_source_next()
 * calls would give them: how many (0 at the end), or a negative errno.  A
 * source may decode a batch faster than one record at a time. */
int access_source_next_batch(struct access_source *src, struct access_record *r, unsigned n);

/* The message of the last failed pull. */
const char *access_source_error(const struct access_source *src);

void access_source_close(struct access_source *src);

/* Write all of src (global order) as an access trace at path (.zswa or
 * .txt), atomically.  A page store the source holds in memory (a generator's)
 * is written next to the trace as FILE.pages and named in the header; a file
 * source's page-store reference is copied as it is (relative to the trace, as
 * for `trace convert`).  ops[] (ACCESS_OP_COUNT counters, or NULL) gets the
 * records written by op.  0 or a negative errno with one line. */
int access_source_write(const char *path, struct access_source *src, uint64_t *ops,
			char *err, size_t errlen);

/* Write the READ and WRITE records of src (global order) as a libCacheSim
 * oracleGeneral trace (zstd-compressed when path ends in .zst): object id =
 * task << 32 | vpage, size 4096, real_time = time_ns / 10^9, next_access_vtime
 * = the 1-based number of the object's next request, or -1.  Other ops are
 * left out.  Atomic (temp file + fsync + rename).  *nreq (may be NULL) gets
 * the number of requests written.  0 or a negative errno with one line. */
int access_oracle_write(const char *path, struct access_source *src, uint64_t *nreq,
			char *err, size_t errlen);

#endif
