/* SPDX-License-Identifier: MIT */
/*
 * Access traces: what tasks do to their memory, one record per page access
 * (or per munmap, exit, memory.reclaim, MADV_PAGEOUT, limit change), for
 * workload runs in which the reclaim model decides what is swapped (issue 10).
 *
 * An access trace is a header (task count and each task's address-space size,
 * memcg table with memory.max / memory.high, RAM limit, page-store reference,
 * content mix, seed) followed by fixed-size little-endian records.  Binary
 * files (.zswa) are mmap'd; text files (.txt, header as "# key value" lines)
 * are parsed into memory.  access_open() validates every record before it
 * returns.  See docs/trace-format.md ("Access traces").
 *
 * Errors are negative errno codes; a one-line message naming the file, the
 * record or line number and the reason is written to err.
 */
#ifndef ZSWAPSIM_ACCESS_H
#define ZSWAPSIM_ACCESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "traces/trace.h"

#define ACCESS_VERSION      1
#define ACCESS_MAX_TASKS    65535              /* task is a u16 */
#define ACCESS_MAX_MEMCGS   TRACE_MAX_MEMCGS
#define ACCESS_MAX_ORDER    TRACE_MAX_ORDER
#define ACCESS_CONTENT_DRAW UINT32_MAX         /* WRITE arg: new content from the mix */
#define ACCESS_F_KNOWN      0u                 /* no record flags are defined yet */

enum access_op {
	ACCESS_READ = 0,   /* load from vpage; a first touch allocates (zero-fill, content drawn) */
	ACCESS_WRITE,      /* store to vpage; arg = ACCESS_CONTENT_DRAW (the page may get new
			      content: drawn from the content mix with the dirty probability)
			      or a page-store index: the page now holds exactly that page */
	ACCESS_FREE,       /* munmap of arg pages starting at vpage */
	ACCESS_EXIT,       /* the task exits: every page it mapped is freed; no later records */
	ACCESS_RECLAIM,    /* memory.reclaim: reclaim arg pages from the record's memcg subtree */
	ACCESS_PAGEOUT,    /* MADV_PAGEOUT of arg pages starting at vpage */
	ACCESS_SET_MAX,    /* the record's memcg memory.max := arg pages (0 = max) */
	ACCESS_SET_RAM,    /* the machine's RAM limit := arg pages (0 = none) */
	ACCESS_OP_COUNT
};

/* One thing a task does: 24 bytes, little-endian on disk, identical in memory. */
struct access_record {
	uint64_t time_ns;  /* on the task's own clock, <= INT64_MAX; never decreases within a
			      task.  The gap to the task's previous record is its think time */
	uint32_t vpage;    /* virtual page in the task's address space (< task_pages[task]);
			      0 for EXIT, RECLAIM, SET_MAX, SET_RAM */
	uint32_t arg;      /* op-specific (enum access_op); 0 for READ and EXIT */
	uint16_t task;     /* < task_count */
	uint16_t memcg;    /* < memcg_count: the memcg the task runs in (new pages are charged
			      to it) */
	uint8_t  op;       /* enum access_op */
	uint8_t  order;    /* READ/WRITE: the folio order a first touch at vpage allocates (the
			      mapping's layout at that address, 0..9); other ops: 0 */
	uint16_t flags;    /* ACCESS_F_*: 0 */
};

struct access_memcg {
	char name[TRACE_NAME_MAX];
	int32_t parent;      /* index of an earlier memcg, or -1 for a top-level one */
	uint64_t max_pages;  /* memory.max at the start, in pages; 0 = max (no limit) */
	uint64_t high_pages; /* memory.high at the start, in pages; 0 = max */
};

/* How a first touch or a WRITE with ACCESS_CONTENT_DRAW draws new content:
 * a zero-filled page with probability zero, same-filled (one non-zero word)
 * with probability same, random bytes with probability random, else a run
 * of pages from the page store (random bytes when there is none). */
struct access_content {
	double zero, same, random;   /* each in [0, 1], zero + same + random <= 1 */
	double dirty;                /* probability a WRITE with DRAW changes the content */
};

/* Everything in the header except the records (~350 KiB: not on the stack). */
struct access_meta {
	uint32_t page_size;          /* must be 4096 */
	uint32_t task_count;         /* 1 .. ACCESS_MAX_TASKS */
	uint32_t memcg_count;        /* 1 .. ACCESS_MAX_MEMCGS */
	uint64_t ram_pages;          /* the machine's RAM limit at the start; 0 = none */
	uint64_t seed;               /* of the content draws (the source's own seed) */
	struct access_content content;
	char page_store[TRACE_PATH_MAX]; /* relative to the trace's directory; "" if none */
	uint64_t page_store_pages;       /* < 2^32 (an index must differ from DRAW) */
	uint64_t page_store_checksum;    /* XXH3-64 of the whole page-store file */
	struct access_memcg memcgs[ACCESS_MAX_MEMCGS];
	uint32_t task_pages[ACCESS_MAX_TASKS];  /* address-space size of each task in pages */
};

/* An access-trace file, opened and validated. */
struct access_trace {
	char path[1024];
	struct access_meta meta;
	const struct access_record *rec;  /* nrec records, valid after access_open() */
	uint64_t nrec;
	char page_store_path[1280];       /* resolved path of the page store, "" if none */
	uint64_t checksum;                /* XXH3-64 of the file's bytes */
	int global_order;                 /* records are in (time, task) order */
	/* private */
	void *map;
	size_t map_len;
	struct access_record *owned;      /* records parsed from text */
};

/* Open, validate every record (and the page store's size and checksum when
 * it has one).  Binary or text by extension (.zswa / .txt).  t is large
 * (~350 KiB): allocate it.  Returns 0 or a negative errno with one line. */
int access_open(struct access_trace *t, const char *path, char *err, size_t errlen);
void access_close(struct access_trace *t);

/* The form of an access-trace path by extension: TRACE_FORM_BINARY (.zswa),
 * TRACE_FORM_TEXT (.txt), -1 otherwise. */
int access_path_form(const char *path);

/* Whether path names an access trace rather than a swap-event trace: a .zswa
 * file, or a .txt file whose first non-blank line is the access magic
 * ("# zswapsim-access").  Reads at most the first 4 KiB. */
int access_path_is_access(const char *path);

/* Validate the header fields (page size, counts, memcg table, page-store
 * reference, content mix).  0 or -EINVAL with the reason. */
int access_check_meta(const struct access_meta *meta, char *reason, size_t len);
/* The content mix alone: each fraction in [0, 1], zero + same + random <= 1. */
int access_check_content(const struct access_content *c, char *reason, size_t len);

/* Per-task state of the record checks: the last time of each task and
 * whether it has exited (times are <= INT64_MAX, so bit 63 is free). */
#define ACCESS_CHECK_EXITED (1ull << 63)

struct access_check {
	const struct access_meta *meta;
	uint64_t *last;    /* per task: last time, | ACCESS_CHECK_EXITED after EXIT */
	int global_order;  /* so far in (time, task) order, as access_source_next() gives */
	uint64_t prev_time;
	uint16_t prev_task;
};

int access_check_init(struct access_check *c, const struct access_meta *meta);
void access_check_free(struct access_check *c);
/* Validate the next record of a stream of records against the header and
 * what came before.  0 or -EINVAL with the reason. */
int access_check_record(struct access_check *c, const struct access_record *r,
			char *reason, size_t len);

/* Write an access trace atomically (temp file + fsync + rename), binary or
 * text by extension, validating meta and every record first. */
int access_write(const char *path, const struct access_meta *meta,
		 const struct access_record *rec, uint64_t nrec, char *err, size_t errlen);

/* The same, one record at a time, for records that are not all in memory
 * (generators): open, add each (validated as it comes), commit.  A failed
 * add or commit, or abort, removes the temporary file. */
struct access_writer;
int access_writer_open(struct access_writer **w, const char *path,
		       const struct access_meta *meta, char *err, size_t errlen);
int access_writer_add(struct access_writer *w, const struct access_record *r,
		      char *err, size_t errlen);
int access_writer_commit(struct access_writer *w, char *err, size_t errlen);
void access_writer_abort(struct access_writer *w);

const char *access_op_name(unsigned op);
int access_op_parse(const char *s, size_t n);   /* -1 if unknown */

/* A fresh meta: page size 4096, one task of task_pages pages, one top-level
 * memcg "root" without limits, nothing else. */
void access_meta_init(struct access_meta *meta, uint32_t task_pages);

#endif
