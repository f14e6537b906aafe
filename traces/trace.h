/* SPDX-License-Identifier: MIT */
/*
 * Trace format v1: swap-out / swap-in / invalidate events with page content.
 *
 * A trace is a header (magic, version, record size and count, page size, slot
 * range, stream count, memcg table, page-store reference and checksum) followed
 * by fixed-size little-endian records.  Binary traces (.zswt) are mmap'd; text
 * traces (.txt) are parsed into memory.  Both are read through trace_open(),
 * which validates every record before returning, so the replay loop never sees
 * a bad record.  See docs/trace-format.md.
 *
 * Errors are negative errno codes; a one-line message naming the file, the
 * record number and the reason is written to err.
 */
#ifndef ZSWAPSIM_TRACE_H
#define ZSWAPSIM_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "models/page.h"

#define TRACE_VERSION     1
#define TRACE_MAX_ORDER   9
#define TRACE_MAX_MEMCGS  1024
#define TRACE_MAX_STREAMS 65535
#define TRACE_NAME_MAX    64     /* memcg name, incl. NUL */
#define TRACE_PATH_MAX    256    /* page-store file name, incl. NUL */

enum trace_op {
	TRACE_OP_OUT   = 0,  /* swap-out of a folio of 2^order pages */
	TRACE_OP_IN    = 1,  /* swap-in fault of 2^order pages (order 0 in practice) */
	TRACE_OP_INVAL = 2,  /* swap slots freed */
	TRACE_OP_COUNT
};

/* Record flags. */
#define TRACE_F_HINT      0x0001u /* content is a compressed-length hint (bytes, 0..4096)
				     applied to every page of the folio, not a page index;
				     a hint >= 4096 means "does not compress" */
#define TRACE_F_ZERO      0x0002u /* with HINT: the folio is entirely zero-filled */
#define TRACE_F_READAHEAD 0x0004u /* IN issued by readahead, not by a fault */
#define TRACE_F_CLEAN     0x0008u /* OUT without a write: reclaim dropped a clean swap-cache
				     folio whose data is still in its slot (swap device or
				     zeromap, after a swap-in from there); counts nothing, the
				     next IN reads the slot again */
#define TRACE_F_KNOWN     (TRACE_F_HINT | TRACE_F_ZERO | TRACE_F_READAHEAD | TRACE_F_CLEAN)

/* One event: 24 bytes, little-endian on disk, identical in memory. */
struct trace_record {
	uint64_t time_ns;  /* event time, <= INT64_MAX; never decreases within a stream */
	uint32_t slot;     /* first swap slot; the folio covers slot .. slot + 2^order - 1 */
	uint32_t content;  /* out: page-store index of the folio's first page, or hint
			      (F_HINT); in/inval: 0 */
	uint16_t stream;   /* replay stream (a task / CPU), < stream_count */
	uint16_t memcg;    /* index into the memcg table, < memcg_count */
	uint8_t  op;       /* enum trace_op */
	uint8_t  order;    /* 0..TRACE_MAX_ORDER */
	uint16_t flags;    /* TRACE_F_* */
};

struct trace_memcg {
	char name[TRACE_NAME_MAX];
	int32_t parent;    /* index of the parent memcg, or -1 for a top-level one */
};

/* Everything in the header except the records. */
struct trace_meta {
	uint32_t page_size;        /* must be 4096 */
	uint32_t slot_count;       /* valid slots are 0 .. slot_count - 1 */
	uint32_t stream_count;
	uint32_t memcg_count;      /* >= 1 */
	struct trace_memcg memcgs[TRACE_MAX_MEMCGS];
	char page_store[TRACE_PATH_MAX]; /* file name relative to the trace's directory, "" if none */
	uint64_t page_store_pages;       /* pages in the page store */
	uint64_t page_store_checksum;    /* XXH3-64 of the whole page-store file */
};

struct trace {
	char path[1024];
	struct trace_meta meta;
	const struct trace_record *rec;  /* nrec records, valid after trace_open() */
	uint64_t nrec;
	char page_store_path[1280];      /* resolved path of the page store, "" if none */
	uint64_t checksum;               /* XXH3-64 of the trace file's bytes */
	/* found while the records were checked (one pass over them) */
	int content;                     /* enum trace_content of all records */
	uint64_t time_lo, time_hi;       /* least and greatest record time (0, 0: none) */
	/* private */
	void *map;
	size_t map_len;
	size_t dropped;                  /* bytes of map released (trace_release_before) */
	struct trace_record *owned;      /* records parsed from text */
	struct trace_checker *checker;   /* trace_open_overlapped()'s check, until joined */
};

/* A hint: records before i will not be read again (a sequential replay), so
 * their pages of a mapped trace file may leave the resident set; reading
 * them anyway still works (the page cache has them).  Keeps peak RSS
 * proportional to the model's state, not to the trace's length. */
void trace_release_before(struct trace *t, uint64_t i);

/* Open, validate every record (and the page store's checksum when it has one),
 * and make the records available.  Binary or text by the file's extension
 * (.zswt / .txt).  Returns 0 or a negative errno; on error err holds one line. */
int trace_open(struct trace *t, const char *path, char *err, size_t errlen);
/* trace_open() that leaves the page store's checksum to the caller, who
 * reads the whole store anyway (page_store_open() hashes it): the file is
 * then read once, not twice.  The caller must check the sum it finds with
 * trace_page_store_sum_check() before using the store. */
int trace_open_store_unsummed(struct trace *t, const char *path, char *err, size_t errlen);
/*
 * trace_open_store_unsummed() whose record check runs on a second thread,
 * overlapping the caller's setup and replay (a binary trace; a text trace is
 * parsed and checked here as before).  Until trace_check_join() returns 0,
 * only records below trace_wait_checked()'s answer may be read, and content,
 * time_lo, time_hi and checksum are not yet known.  A bad record found here
 * (before the page store's errors, as trace_open()) fails the open.
 */
int trace_open_overlapped(struct trace *t, const char *path, char *err, size_t errlen);
/* Wait until at least need records are checked and good, or the check has
 * ended; returns how many are (>= need, unless the check failed before need:
 * then trace_check_join() has the error).  nrec for a trace checked at open. */
uint64_t trace_wait_checked(struct trace *t, uint64_t need);
/* Slots in groups of TRACE_SLOT_GROUP (1 MiB of 16-byte per-slot state). */
#define TRACE_SLOT_GROUP_SHIFT 16
#define TRACE_SLOT_GROUP (1u << TRACE_SLOT_GROUP_SHIFT)
/* The slot groups (slot >> TRACE_SLOT_GROUP_SHIFT) the checked records use,
 * in the order they first appear, for a thread that prepares per-slot memory
 * ahead of the replay (a hint).  Copies up to cap of them from the have-th
 * on into out, waiting until there is one or the check has ended; 0 once
 * all are given, and always 0 unless trace_open_overlapped()'s check runs.
 * Must return before trace_check_join() is called. */
uint32_t trace_wait_slot_groups(struct trace *t, uint32_t have, uint32_t *out, uint32_t cap);
/* The span of all record times (greatest - least, 0 without records) from
 * each stream's first and last records: what the check finds, without a
 * pass over every record unless a stream is missing.  Only for a trace whose
 * check is to pass (trace_check_join() verifies the answer).  0 or -ENOMEM. */
int trace_stream_ends_span(struct trace *t, uint64_t *span);
/* Wait for the whole check: 0 (the summary fields are then set) or its
 * negative errno with trace_open()'s one-line message.  0 for a trace
 * checked at open; trace_close() joins a check still running. */
int trace_check_join(struct trace *t, char *err, size_t errlen);
/* The page store's checksum against the trace header's: 0, or -EINVAL with
 * the message trace_open() gives for a mismatch. */
int trace_page_store_sum_check(const struct trace *t, uint64_t sum, char *err, size_t errlen);
void trace_close(struct trace *t);

/* Write a trace atomically (temp file + rename), binary or text by extension.
 * Records are validated against meta first.  Returns 0 or negative errno. */
int trace_write(const char *path, const struct trace_meta *meta,
		const struct trace_record *rec, uint64_t nrec, char *err, size_t errlen);

/* Validate one record against meta; prev_time[] holds the last time per stream
 * (stream_count entries, initialised to 0).  Returns 0 or -EINVAL with reason. */
int trace_check_record(const struct trace_meta *meta, const struct trace_record *r,
		       uint64_t *prev_time, char *reason, size_t len);

/* XXH3-64 of a whole file (used for page-store and trace checksums). */
int trace_file_checksum(const char *path, uint64_t *out, char *err, size_t errlen);

const char *trace_op_name(unsigned op);
/* Text from the input as an error message shows it: at most len - 4
 * characters, anything but printable ASCII as '?' (a message is one line).
 * TRACE_SHOW(v) for a NUL-terminated v, in a buffer of the statement. */
const char *trace_show(char *buf, size_t len, const char *v, size_t n);
#define TRACE_SHOW_MAX 64
#define TRACE_SHOW(v) trace_show((char[TRACE_SHOW_MAX]){ 0 }, TRACE_SHOW_MAX, (v), strlen(v))
int trace_op_parse(const char *s);   /* -1 if unknown */

/* Validate the header fields of meta (page size, counts, memcg table, page-store
 * reference).  Returns 0 or -EINVAL with the reason. */
int trace_check_meta(const struct trace_meta *meta, char *reason, size_t len);

/* The form of a trace file by its extension: .zswt or .txt; -1 for anything else. */
enum trace_form { TRACE_FORM_BINARY = 0, TRACE_FORM_TEXT = 1 };
int trace_path_form(const char *path);

/* Flags as text: "-" for none, else names joined by '|' ("hint|zero", "ra").
 * Returns the length written (buf always NUL-terminated when len > 0). */
int trace_flags_format(unsigned flags, char *buf, size_t len);
/* Parse that form (names in any order); -1 if a name is unknown. */
int trace_flags_parse(const char *s, size_t n, uint16_t *out);

/* The page-store name to write into a trace at out so that it names the file
 * store (trace_open() resolves a name against the trace's directory): name
 * itself when it still does, else store's path relative to out's directory,
 * else its absolute path.  0, or a negative errno with one line in err (a
 * missing file or directory, or no name that fits the header). */
int trace_page_store_name(const char *store, const char *name, const char *out,
			  char *buf, size_t len, char *err, size_t errlen);

/* What the `out` records of a trace carry: no `out` records, all page-store
 * pages, all compressed-length hints (the compressor is never used), or both. */
enum trace_content {
	TRACE_CONTENT_NONE = 0, TRACE_CONTENT_PAGES, TRACE_CONTENT_HINTS, TRACE_CONTENT_MIXED,
};
enum trace_content trace_content_kind(const struct trace_record *rec, uint64_t nrec);
const char *trace_content_name(enum trace_content k);   /* "none", "pages", "hints", "mixed" */

/* The number of pages an event covers. */
static inline uint32_t trace_nr_pages(const struct trace_record *r)
{
	return 1u << r->order;
}

#endif
