/* SPDX-License-Identifier: MIT */
/*
 * Trace format v1: the binary reader, the writer of both forms, and the
 * validation every trace goes through before the replay loop sees it; also
 * the atomic-output helpers (trace_priv.h) every writer in traces/ uses.
 *
 * A binary trace is read in place: the file is mmap'd and the records after
 * the header are used directly as struct trace_record (they are little-endian
 * and 8-byte aligned on disk, as in memory).  Every byte of a binary trace is
 * determined by its meta and its records (padding and reserved fields must be
 * zero), which is what makes binary -> text -> binary reproduce the file.
 * The byte layout is documented in docs/trace-format.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "traces/trace.h"
#include "traces/infile.h"
#include "traces/outfile.h"
#include "traces/trace_priv.h"
#include "models/thread.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "trace records are little-endian on disk and are read in place"
#endif

#define TRACE_MAGIC     "ZSWTRACE"
#define TRACE_MAGIC_LEN 8

/* The fixed part of the binary header: 320 bytes at offset 0. */
struct trace_file_header {
	char     magic[TRACE_MAGIC_LEN];	/* "ZSWTRACE", no NUL */
	uint32_t version;			/* TRACE_VERSION */
	uint32_t header_size;			/* 320 + 72 * memcg_count: offset of record 0 */
	uint32_t record_size;			/* sizeof(struct trace_record) = 24 */
	uint32_t page_size;			/* 4096 */
	uint64_t record_count;
	uint32_t slot_count;
	uint32_t stream_count;
	uint32_t memcg_count;
	uint32_t reserved;			/* 0 */
	uint64_t page_store_pages;
	uint64_t page_store_checksum;
	char     page_store[TRACE_PATH_MAX];	/* NUL-terminated, zero-padded */
};

/* One memcg table entry: 72 bytes, memcg_count of them after the fixed header. */
struct trace_file_memcg {
	char    name[TRACE_NAME_MAX];		/* NUL-terminated, zero-padded */
	int32_t parent;				/* -1 or an earlier index */
	uint32_t reserved;			/* 0 */
};

_Static_assert(sizeof(struct trace_file_header) == 320, "binary header layout");
_Static_assert(offsetof(struct trace_file_header, record_count) == 24, "binary header layout");
_Static_assert(offsetof(struct trace_file_header, page_store_pages) == 48, "binary header layout");
_Static_assert(offsetof(struct trace_file_header, page_store) == 64, "binary header layout");
_Static_assert(sizeof(struct trace_file_memcg) == 72, "memcg entry layout");
_Static_assert(offsetof(struct trace_file_header, version) ==
	       offsetof(struct trace_file_prefix, version), "common prefix");
_Static_assert(offsetof(struct trace_file_header, record_count) ==
	       offsetof(struct trace_file_prefix, record_count), "common prefix");
_Static_assert(sizeof(struct trace_record) == 24, "record layout");
_Static_assert(offsetof(struct trace_record, slot) == 8, "record layout");
_Static_assert(offsetof(struct trace_record, stream) == 16, "record layout");
_Static_assert(offsetof(struct trace_record, op) == 20, "record layout");
_Static_assert(offsetof(struct trace_record, flags) == 22, "record layout");

static const char *const op_names[TRACE_OP_COUNT] = {
	[TRACE_OP_OUT] = "out",
	[TRACE_OP_IN] = "in",
	[TRACE_OP_INVAL] = "inval",
};

static const struct {
	uint16_t bit;
	const char *name;
} flag_names[] = {
	{ TRACE_F_HINT, "hint" },
	{ TRACE_F_ZERO, "zero" },
	{ TRACE_F_READAHEAD, "ra" },
	{ TRACE_F_CLEAN, "clean" },
};

#define NR_FLAG_NAMES (sizeof(flag_names) / sizeof(flag_names[0]))

void trace_msg(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

const char *trace_show(char *buf, size_t len, const char *v, size_t n)
{
	size_t k = 0;

	for (; k < n && k + 4 < len; k++)
		buf[k] = v[k] >= ' ' && v[k] <= '~' ? v[k] : '?';
	strcpy(buf + k, k < n ? "..." : "");
	return buf;
}

const char *trace_op_name(unsigned op)
{
	return op < TRACE_OP_COUNT ? op_names[op] : "?";
}

int trace_op_parse(const char *s)
{
	for (int i = 0; i < TRACE_OP_COUNT; i++)
		if (!strcmp(s, op_names[i]))
			return i;
	return -1;
}

int trace_flags_format(unsigned flags, char *buf, size_t len)
{
	size_t n = 0;

	if (!len)
		return 0;
	buf[0] = '\0';
	if (!flags)
		return snprintf(buf, len, "-");
	for (size_t i = 0; i < NR_FLAG_NAMES; i++) {
		if (!(flags & flag_names[i].bit))
			continue;
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "|" : "",
			      flag_names[i].name);
		if (n >= len)
			return (int)n;
	}
	return (int)n;
}

int trace_flags_parse(const char *s, size_t n, uint16_t *out)
{
	uint16_t flags = 0;
	size_t i = 0;

	if (n == 1 && s[0] == '-') {
		*out = 0;
		return 0;
	}
	while (i <= n) {
		size_t j = i, k;

		while (j < n && s[j] != '|')
			j++;
		for (k = 0; k < NR_FLAG_NAMES; k++)
			if (strlen(flag_names[k].name) == j - i &&
			    !memcmp(flag_names[k].name, s + i, j - i))
				break;
		if (k == NR_FLAG_NAMES || (flags & flag_names[k].bit))
			return -1;	/* unknown, empty or repeated name */
		flags |= flag_names[k].bit;
		i = j + 1;
	}
	*out = flags;
	return 0;
}

int trace_path_form(const char *path)
{
	size_t n = strlen(path);

	if (n > 5 && !strcmp(path + n - 5, ".zswt"))
		return TRACE_FORM_BINARY;
	if (n > 4 && !strcmp(path + n - 4, ".txt"))
		return TRACE_FORM_TEXT;
	return -1;
}

bool trace_name_ok(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '#')
			return false;
	return true;
}

int trace_check_memcg_table(const void *table, size_t stride, uint32_t count,
			    char *reason, size_t len)
{
	for (uint32_t i = 0; i < count; i++) {
		const char *name = (const char *)table + i * stride;
		size_t n = strnlen(name, TRACE_NAME_MAX);
		int32_t parent;

		memcpy(&parent, name + offsetof(struct trace_memcg, parent), sizeof(parent));
		if (n == TRACE_NAME_MAX || !trace_name_ok(name, n)) {
			trace_msg(reason, len, "memcg %u: bad name (want 1..%u printable characters,"
				  " no spaces or '#')", i, TRACE_NAME_MAX - 1);
			return -EINVAL;
		}
		if (parent != -1 && (parent < 0 || (uint32_t)parent >= i)) {
			trace_msg(reason, len, "memcg %u (%s): parent %d invalid (must be -1 or an"
				  " earlier index)", i, name, parent);
			return -EINVAL;
		}
		/* Names identify memcgs in configs and reports, so they are unique. */
		for (uint32_t j = 0; j < i; j++) {
			if (!strcmp((const char *)table + j * stride, name)) {
				trace_msg(reason, len, "memcg %u: name '%s' repeats memcg %u",
					  i, name, j);
				return -EINVAL;
			}
		}
	}
	return 0;
}

int trace_check_store_ref(const char *name, uint64_t pages, uint64_t checksum,
			  char *reason, size_t len)
{
	size_t n = strnlen(name, TRACE_PATH_MAX);

	if (n == TRACE_PATH_MAX || (n && !trace_name_ok(name, n))) {
		trace_msg(reason, len, "bad page-store name (want 0..%u printable characters,"
			  " no spaces or '#')", TRACE_PATH_MAX - 1);
		return -EINVAL;
	}
	/* the rule of page_store_open(), which run applies: a store has pages */
	if (n && !pages) {
		trace_msg(reason, len, "page store '%s' has page_store_pages 0 (a page store has at"
			  " least one page; no page store is an empty name)", name);
		return -EINVAL;
	}
	if (!n && (pages || checksum)) {
		trace_msg(reason, len, "no page store but page_store_pages %llu, checksum 0x%016llx"
			  " (both must be 0)", (unsigned long long)pages,
			  (unsigned long long)checksum);
		return -EINVAL;
	}
	return 0;
}

int trace_check_meta(const struct trace_meta *m, char *reason, size_t len)
{
	if (m->page_size != SIM_PAGE_SIZE) {
		trace_msg(reason, len, "page_size %u (must be %u)", m->page_size, SIM_PAGE_SIZE);
		return -EINVAL;
	}
	if (!m->slot_count) {
		trace_msg(reason, len, "slot_count 0 (must be at least 1)");
		return -EINVAL;
	}
	if (!m->stream_count || m->stream_count > TRACE_MAX_STREAMS) {
		trace_msg(reason, len, "stream_count %u out of range 1..%u",
			  m->stream_count, TRACE_MAX_STREAMS);
		return -EINVAL;
	}
	if (!m->memcg_count || m->memcg_count > TRACE_MAX_MEMCGS) {
		trace_msg(reason, len, "memcg_count %u out of range 1..%u",
			  m->memcg_count, TRACE_MAX_MEMCGS);
		return -EINVAL;
	}
	if (trace_check_memcg_table(m->memcgs, sizeof(m->memcgs[0]), m->memcg_count,
				    reason, len) ||
	    trace_check_store_ref(m->page_store, m->page_store_pages, m->page_store_checksum,
				  reason, len))
		return -EINVAL;
	/* Record content is a 32-bit page index. */
	if (m->page_store_pages > (1ull << 32)) {
		trace_msg(reason, len, "page_store_pages %llu > 2^32",
			  (unsigned long long)m->page_store_pages);
		return -EINVAL;
	}
	return 0;
}

/* The content field means something only for swap-outs: a page-store index or
 * a compressed-length hint.  Swap-ins and invalidations carry 0 and no content
 * flags, so every record has one spelling. */
static int check_content(const struct trace_meta *m, const struct trace_record *r,
			 char *reason, size_t len)
{
	if (r->op != TRACE_OP_OUT) {
		if (r->flags & (TRACE_F_HINT | TRACE_F_ZERO)) {
			trace_msg(reason, len, "hint/zero flag on an '%s' record (only 'out' has content)",
				  trace_op_name(r->op));
			return -EINVAL;
		}
		if (r->content) {
			trace_msg(reason, len, "content %u on an '%s' record (must be 0)",
				  r->content, trace_op_name(r->op));
			return -EINVAL;
		}
		if ((r->flags & TRACE_F_READAHEAD) && r->op != TRACE_OP_IN) {
			trace_msg(reason, len, "ra flag on an '%s' record (only 'in')",
				  trace_op_name(r->op));
			return -EINVAL;
		}
		if (r->flags & TRACE_F_CLEAN) {
			trace_msg(reason, len, "clean flag on an '%s' record (only 'out')",
				  trace_op_name(r->op));
			return -EINVAL;
		}
		return 0;
	}
	if (r->flags & TRACE_F_READAHEAD) {
		trace_msg(reason, len, "ra flag on an 'out' record (only 'in')");
		return -EINVAL;
	}
	if (r->flags & TRACE_F_HINT) {
		if (r->content > SIM_PAGE_SIZE) {
			trace_msg(reason, len, "hint %u > %u", r->content, SIM_PAGE_SIZE);
			return -EINVAL;
		}
		return 0;
	}
	if (r->flags & TRACE_F_ZERO) {
		trace_msg(reason, len, "zero flag without hint");
		return -EINVAL;
	}
	if ((uint64_t)r->content + trace_nr_pages(r) > m->page_store_pages) {
		trace_msg(reason, len, "page index %u + %u pages beyond the page store (%llu pages)",
			  r->content, trace_nr_pages(r),
			  (unsigned long long)m->page_store_pages);
		return -EINVAL;
	}
	return 0;
}

int trace_check_record(const struct trace_meta *m, const struct trace_record *r,
		       uint64_t *prev_time, char *reason, size_t len)
{
	if (r->op >= TRACE_OP_COUNT) {
		trace_msg(reason, len, "unknown op %u", r->op);
		return -EINVAL;
	}
	if (r->order > TRACE_MAX_ORDER) {
		trace_msg(reason, len, "order %u > %u", r->order, TRACE_MAX_ORDER);
		return -EINVAL;
	}
	if (r->flags & ~TRACE_F_KNOWN) {
		trace_msg(reason, len, "unknown flag bits 0x%x", r->flags & ~TRACE_F_KNOWN);
		return -EINVAL;
	}
	if ((uint64_t)r->slot + trace_nr_pages(r) > m->slot_count) {
		trace_msg(reason, len, "slot range %u + %u pages beyond slot_count %u",
			  r->slot, trace_nr_pages(r), m->slot_count);
		return -EINVAL;
	}
	if (r->stream >= m->stream_count) {
		trace_msg(reason, len, "stream %u >= stream_count %u", r->stream, m->stream_count);
		return -EINVAL;
	}
	if (r->memcg >= m->memcg_count) {
		trace_msg(reason, len, "memcg %u >= memcg_count %u", r->memcg, m->memcg_count);
		return -EINVAL;
	}
	if (check_content(m, r, reason, len))
		return -EINVAL;
	/* Signed 64-bit nanoseconds (292 years) leave the replay engine room for
	 * time differences and offsets without overflow checks. */
	if (r->time_ns > INT64_MAX) {
		trace_msg(reason, len, "time %llu > 2^63-1", (unsigned long long)r->time_ns);
		return -EINVAL;
	}
	if (r->time_ns < prev_time[r->stream]) {
		trace_msg(reason, len, "time going backwards in stream %u: %llu after %llu",
			  r->stream, (unsigned long long)r->time_ns,
			  (unsigned long long)prev_time[r->stream]);
		return -EINVAL;
	}
	prev_time[r->stream] = r->time_ns;
	return 0;
}

/*
 * The common case of trace_check_record() without a branch per rule (a trace
 * of 10^7 records is checked at every open): a well-formed record of any op.
 * A record it refuses goes through trace_check_record() for the verdict and
 * its message, so the two can never disagree on what is accepted.
 */
static inline int record_plainly_ok(const struct trace_meta *m, const struct trace_record *r,
				    const uint64_t *prev)
{
	uint32_t nr = 1u << (r->order & 15);
	unsigned f = r->flags;
	int out = r->op == TRACE_OP_OUT, hint = (f & TRACE_F_HINT) != 0;
	int ok = (r->op < TRACE_OP_COUNT) & (r->order <= TRACE_MAX_ORDER) &
		 !(f & ~TRACE_F_KNOWN) & ((uint64_t)r->slot + nr <= m->slot_count) &
		 (r->stream < m->stream_count) & (r->memcg < m->memcg_count) &
		 (r->time_ns <= INT64_MAX);
	/* in/inval: no content, no hint/zero/clean flags; ra only on in */
	int ok_in = !r->content & !(f & (TRACE_F_HINT | TRACE_F_ZERO | TRACE_F_CLEAN)) &
		    (!(f & TRACE_F_READAHEAD) | (r->op == TRACE_OP_IN));
	/* out: a hint of at most a page, or pages of the store; no ra */
	int ok_hint = !(f & TRACE_F_READAHEAD) & (r->content <= SIM_PAGE_SIZE);
	int ok_pages = !(f & (TRACE_F_READAHEAD | TRACE_F_ZERO)) &
		       ((uint64_t)r->content + nr <= m->page_store_pages);
	int ok_out = hint ? ok_hint : ok_pages;

	/* one branch, not one per op: a trace mixes its ops at random */
	if (!ok)
		return 0;
	return (out ? ok_out : ok_in) & (r->time_ns >= prev[r->stream]);
}

/* A check of records in order, possibly over several calls (chunks). */
struct rec_scan {
	uint64_t *prev;       /* last time per stream */
	uint64_t lo, hi;      /* time span so far */
	unsigned seen;        /* 1: page-store content, 2: hints */
};

static int rec_scan_init(struct rec_scan *sc, const struct trace_meta *m, const char *path,
			 char *err, size_t errlen)
{
	sc->prev = calloc(m->stream_count ? m->stream_count : 1, sizeof(*sc->prev));
	sc->lo = UINT64_MAX;
	sc->hi = 0;
	sc->seen = 0;
	if (sc->prev)
		return 0;
	trace_msg(err, errlen, "%s: out of memory", path);
	return -ENOMEM;
}

static inline void rec_scan_note(struct rec_scan *sc, const struct trace_record *r)
{
	unsigned out = r->op == TRACE_OP_OUT, hint = (r->flags & TRACE_F_HINT) != 0;

	sc->lo = r->time_ns < sc->lo ? r->time_ns : sc->lo;
	sc->hi = r->time_ns > sc->hi ? r->time_ns : sc->hi;
	sc->seen |= out << hint;   /* out: 1 page-store content, 2 hints */
}

/* Check records from..to-1 (rec points at record from: the mapping, or a
 * copy of those records); on error the message names file and record. */
static int rec_scan_run(struct rec_scan *sc, const char *path, const struct trace_meta *m,
			const struct trace_record *rec, uint64_t from, uint64_t to,
			char *err, size_t errlen)
{
	char reason[256];

	for (uint64_t i = from; i < to; i++) {
		const struct trace_record *r = &rec[i - from];

		if (__builtin_expect(record_plainly_ok(m, r, sc->prev), 1)) {
			sc->prev[r->stream] = r->time_ns;
		} else if (trace_check_record(m, r, sc->prev, reason, sizeof(reason))) {
			trace_msg(err, errlen, "%s: record %llu: %s", path,
				  (unsigned long long)i, reason);
			return -EINVAL;
		}
		rec_scan_note(sc, r);
	}
	return 0;
}

/* The content kind and time span the scan found, into t; frees the scan. */
static void rec_scan_finish(struct rec_scan *sc, struct trace *t, uint64_t nrec)
{
	unsigned seen = sc->seen;

	free(sc->prev);
	sc->prev = NULL;
	if (!t)
		return;
	t->content = seen == 3 ? TRACE_CONTENT_MIXED : seen == 2 ? TRACE_CONTENT_HINTS
		   : seen == 1 ? TRACE_CONTENT_PAGES : TRACE_CONTENT_NONE;
	t->time_lo = nrec ? sc->lo : 0;
	t->time_hi = sc->hi;
}

/* Check every record; on error the message names file and record number.
 * The same pass finds what trace_content_kind() would and the time span
 * (into summary, which may be NULL). */
static int check_records_summary(const char *path, const struct trace_meta *m,
				 const struct trace_record *rec, uint64_t nrec,
				 struct trace *summary, char *err, size_t errlen)
{
	struct rec_scan sc;
	int ret = rec_scan_init(&sc, m, path, err, errlen);

	if (!ret)
		ret = rec_scan_run(&sc, path, m, rec, 0, nrec, err, errlen);
	rec_scan_finish(&sc, ret ? NULL : summary, nrec);
	return ret;
}

static int check_records(const char *path, const struct trace_meta *m,
			 const struct trace_record *rec, uint64_t nrec, char *err, size_t errlen)
{
	return check_records_summary(path, m, rec, nrec, NULL, err, errlen);
}

static int hash_fd(int fd, const struct stat *st, uint64_t *out)
{
	XXH3_state_t *state;
	char buf[1 << 16];
	ssize_t n;

	if (S_ISREG(st->st_mode) && st->st_size > 0) {
		void *p = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_PRIVATE, fd, 0);

		if (p != MAP_FAILED) {
			madvise(p, (size_t)st->st_size, MADV_SEQUENTIAL);
			*out = XXH3_64bits(p, (size_t)st->st_size);
			munmap(p, (size_t)st->st_size);
			return 0;
		}
	}
	/* Empty files, pipes, or mmap refused: stream it. */
	state = XXH3_createState();
	if (!state)
		return -ENOMEM;
	XXH3_64bits_reset(state);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			XXH3_freeState(state);
			return (int)n;
		}
		XXH3_64bits_update(state, buf, (size_t)n);
	}
	*out = XXH3_64bits_digest(state);
	XXH3_freeState(state);
	return 0;
}

int trace_file_checksum(const char *path, uint64_t *out, char *err, size_t errlen)
{
	struct stat st;
	int fd, ret;

	fd = infile_open(path, err, errlen);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		ret = -errno;
		trace_msg(err, errlen, "%s: %s", path, strerror(-ret));
		close(fd);
		return ret;
	}
	ret = hash_fd(fd, &st, out);
	if (ret)
		trace_msg(err, errlen, "%s: %s", path, strerror(-ret));
	close(fd);
	return ret;
}

bool trace_field_zero_padded(const char *f, size_t size)
{
	size_t n = strnlen(f, size);

	if (n == size)
		return false;
	for (size_t i = n; i < size; i++)
		if (f[i])
			return false;
	return true;
}

int trace_bin_check_prefix(const char *path, const void *p, size_t size, const char *magic,
			   const char *what, size_t fixed_size, uint32_t version,
			   uint32_t record_size, char *err, size_t errlen)
{
	struct trace_file_prefix h;
	size_t mlen = sizeof(h.magic);

	if (!size || memcmp(p, magic, size < mlen ? size : mlen)) {
		trace_msg(err, errlen, "%s: bad magic (not %s)", path, what);
		return -EINVAL;
	}
	if (size < fixed_size) {
		trace_msg(err, errlen, "%s: truncated file: %zu bytes, shorter than the %zu-byte header",
			  path, size, fixed_size);
		return -EINVAL;
	}
	memcpy(&h, p, sizeof(h));
	if (h.version != version) {
		trace_msg(err, errlen, "%s: header: unsupported version %u (this reader supports %u)",
			  path, h.version, version);
		return -EINVAL;
	}
	if (h.record_size != record_size) {
		trace_msg(err, errlen, "%s: header: wrong record size %u (must be %u)", path,
			  h.record_size, record_size);
		return -EINVAL;
	}
	return 0;
}

int trace_bin_check_header_size(const char *path, size_t size, uint32_t header_size, size_t hs,
				const char *counts, char *err, size_t errlen)
{
	if (header_size != hs) {
		trace_msg(err, errlen, "%s: header: header_size %u does not match %s (want %zu)",
			  path, header_size, counts, hs);
		return -EINVAL;
	}
	if (size < hs) {
		trace_msg(err, errlen, "%s: truncated file: %zu bytes, shorter than the %zu-byte header",
			  path, size, hs);
		return -EINVAL;
	}
	return 0;
}

int trace_bin_check_file_size(const char *path, size_t size, size_t hs, uint64_t count,
			      size_t record_size, char *err, size_t errlen)
{
	if (count > (size - hs) / record_size) {
		trace_msg(err, errlen, "%s: truncated file: %zu bytes, header says %llu records"
			  " (%zu + %llu * %zu bytes)", path, size, (unsigned long long)count, hs,
			  (unsigned long long)count, record_size);
		return -EINVAL;
	}
	if (hs + count * record_size != size) {
		trace_msg(err, errlen, "%s: file size %zu does not match header: %llu records"
			  " need %llu bytes (trailing bytes)", path, size, (unsigned long long)count,
			  (unsigned long long)(hs + count * record_size));
		return -EINVAL;
	}
	return 0;
}

static int header_error(const struct trace *t, char *err, size_t errlen, const char *reason)
{
	trace_msg(err, errlen, "%s: header: %s", t->path, reason);
	return -EINVAL;
}

/* Validate the binary header at p (size bytes) and fill t->meta. */
static int parse_binary_header(struct trace *t, const unsigned char *p, size_t size,
			       size_t *hdr_size, char *err, size_t errlen)
{
	struct trace_file_header h;
	struct trace_meta *m = &t->meta;
	char reason[256];
	size_t hs;

	if (trace_bin_check_prefix(t->path, p, size, TRACE_MAGIC, "a zswapsim binary trace",
				   sizeof(h), TRACE_VERSION, sizeof(struct trace_record), err, errlen))
		return -EINVAL;
	memcpy(&h, p, sizeof(h));
	if (!h.memcg_count || h.memcg_count > TRACE_MAX_MEMCGS) {
		snprintf(reason, sizeof(reason), "memcg_count %u out of range 1..%u",
			 h.memcg_count, TRACE_MAX_MEMCGS);
		return header_error(t, err, errlen, reason);
	}
	hs = sizeof(h) + (size_t)h.memcg_count * sizeof(struct trace_file_memcg);
	snprintf(reason, sizeof(reason), "memcg_count %u", h.memcg_count);
	if (trace_bin_check_header_size(t->path, size, h.header_size, hs, reason, err, errlen))
		return -EINVAL;
	if (h.reserved)
		return header_error(t, err, errlen, "reserved field is not 0");
	if (!trace_field_zero_padded(h.page_store, sizeof(h.page_store)))
		return header_error(t, err, errlen,
				    "page-store name not NUL-terminated and zero-padded");

	m->page_size = h.page_size;
	m->slot_count = h.slot_count;
	m->stream_count = h.stream_count;
	m->memcg_count = h.memcg_count;
	m->page_store_pages = h.page_store_pages;
	m->page_store_checksum = h.page_store_checksum;
	memcpy(m->page_store, h.page_store, sizeof(m->page_store));
	for (uint32_t i = 0; i < h.memcg_count; i++) {
		struct trace_file_memcg fm;

		memcpy(&fm, p + sizeof(h) + i * sizeof(fm), sizeof(fm));
		if (!trace_field_zero_padded(fm.name, sizeof(fm.name)) || fm.reserved) {
			snprintf(reason, sizeof(reason), "memcg %u: name not NUL-terminated and"
				 " zero-padded, or reserved field not 0", i);
			return header_error(t, err, errlen, reason);
		}
		memcpy(m->memcgs[i].name, fm.name, sizeof(fm.name));
		m->memcgs[i].parent = fm.parent;
	}
	if (trace_check_meta(m, reason, sizeof(reason)))
		return header_error(t, err, errlen, reason);

	if (trace_bin_check_file_size(t->path, size, hs, h.record_count, sizeof(struct trace_record),
				      err, errlen))
		return -EINVAL;
	t->nrec = h.record_count;
	*hdr_size = hs;
	return 0;
}

/* trace_map_file(), and with keep the open descriptor of the mapped file
 * (the caller closes it; -1 on error). */
static int map_file_fd(const char *path, void **map, size_t *len, int *keep, char *err,
		       size_t errlen)
{
	struct stat st;
	int fd, ret = 0;

	*map = NULL;
	*len = 0;
	if (keep)
		*keep = -1;
	fd = infile_open(path, err, errlen);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		ret = -errno;
		trace_msg(err, errlen, "%s: %s", path, strerror(-ret));
	} else if (st.st_size > 0) {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);

		if (p == MAP_FAILED) {
			ret = -errno;
			trace_msg(err, errlen, "%s: mmap: %s", path, strerror(-ret));
		} else {
			madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
			*map = p;
			*len = (size_t)st.st_size;
		}
	}
	if (keep && !ret)
		*keep = fd;
	else
		close(fd);
	return ret;
}

int trace_map_file(const char *path, void **map, size_t *len, char *err, size_t errlen)
{
	return map_file_fd(path, map, len, NULL, err, errlen);
}

/* Bytes of a binary trace hashed and checked at a time: the records are read
 * from memory once for both (a chunk stays in the L2 cache between the hash
 * and the check: 8 MiB chunks made the check wait on memory for a third of
 * its time), and dropped behind (trace_drop_to). */
#define TRACE_CHUNK (256u << 10)

/* Unmap the pages of the trace file wholly before byte off from the process
 * (MADV_DONTNEED on a private read-only file mapping: the page cache keeps
 * them, a later access maps them again), so a long trace does not count in
 * the resident set once read. */
static void trace_drop_to(struct trace *t, size_t off)
{
	off &= ~((size_t)sysconf(_SC_PAGESIZE) - 1);
	if (!t->map || off <= t->dropped)
		return;
	madvise((char *)t->map + t->dropped, off - t->dropped, MADV_DONTNEED);
	t->dropped = off;
}

void trace_release_before(struct trace *t, uint64_t i)
{
	if (t->map && i <= t->nrec)
		trace_drop_to(t, (size_t)((const char *)&t->rec[i] - (const char *)t->map));
}

/*
 * The record check of an overlapped open (trace_open_overlapped()): a second
 * thread hashes and checks the mapped records chunk by chunk while the caller
 * sets up and replays, and publishes how many records it has found good.
 * The replay asks trace_wait_checked() before it reads a record, so it never
 * acts on one the check has not passed.  What the check finds (checksum,
 * content kind, time span, the verdict) stays here until trace_check_join().
 */
struct trace_checker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	_Atomic uint64_t upto;   /* records 0..upto-1 are checked and good */
	int finished;            /* under lock: the thread has its verdict */
	int ret;                 /* the verdict, once finished */
	int joined;
	int have_ends;           /* trace_stream_ends_span() answered ends_span */
	uint64_t ends_span;
	size_t hs;               /* header size: offset of record 0 */
	int fd;                  /* the mapped file, read with pread() */
	/* trace_wait_slot_groups(): the slot groups of the checked records in
	 * the order they first appear (groups[0..ngroups-1]), NULL if no memory */
	uint32_t *groups;
	uint64_t *group_seen;    /* bitmap over the groups */
	_Atomic uint32_t ngroups;
	uint64_t checksum;
	struct trace summary;    /* content, time_lo, time_hi only */
	char err[1400];
};

/* Hash and check the records of t's mapping (header already parsed, hs
 * bytes), a TRACE_CHUNK at a time, dropping them behind; fills t's summary
 * and checksum, or returns the error. */
static int scan_binary(struct trace *t, size_t hs, char *err, size_t errlen)
{
	struct rec_scan sc;
	XXH3_state_t *h;
	uint64_t done = 0;
	int ret;

	h = XXH3_createState();
	if (!h || XXH3_64bits_reset(h) != XXH_OK) {
		XXH3_freeState(h);
		trace_msg(err, errlen, "%s: out of memory", t->path);
		return -ENOMEM;
	}
	ret = rec_scan_init(&sc, &t->meta, t->path, err, errlen);
	for (size_t off = 0; !ret && off < t->map_len; off += TRACE_CHUNK) {
		size_t end = t->map_len - off > TRACE_CHUNK ? off + TRACE_CHUNK : t->map_len;
		uint64_t upto = end <= hs ? 0 : (end - hs) / sizeof(struct trace_record);

		if (upto > t->nrec)
			upto = t->nrec;
		XXH3_64bits_update(h, (const char *)t->map + off, end - off);
		ret = rec_scan_run(&sc, t->path, &t->meta, t->rec + done, done, upto, err, errlen);
		done = upto;
		trace_release_before(t, done);
	}
	rec_scan_finish(&sc, ret ? NULL : t, t->nrec);
	t->checksum = XXH3_64bits_digest(h);
	XXH3_freeState(h);
	return ret;
}

static int open_binary_header(struct trace *t, size_t *hs, int *keep, char *err, size_t errlen)
{
	int ret = map_file_fd(t->path, &t->map, &t->map_len, keep, err, errlen);

	if (!ret)
		ret = parse_binary_header(t, t->map ? t->map : "", t->map_len, hs, err, errlen);
	if (!ret)
		t->rec = (const struct trace_record *)((const char *)t->map + *hs);
	return ret;
}

static int open_binary(struct trace *t, char *err, size_t errlen)
{
	size_t hs;
	int ret = open_binary_header(t, &hs, NULL, err, errlen);

	return ret ? ret : scan_binary(t, hs, err, errlen);
}

/* Note the slot groups of n checked records that no earlier record used. */
static void checker_note_groups(struct trace_checker *c, const struct trace_record *rec,
				uint64_t n)
{
	uint32_t ng = atomic_load_explicit(&c->ngroups, memory_order_relaxed);
	uint32_t last = UINT32_MAX;

	if (!c->groups)
		return;
	for (uint64_t i = 0; i < n; i++) {
		uint32_t g = rec[i].slot >> TRACE_SLOT_GROUP_SHIFT;
		uint32_t ge = (uint32_t)((rec[i].slot + (uint64_t)trace_nr_pages(&rec[i]) - 1) >>
					 TRACE_SLOT_GROUP_SHIFT);

		if (g == last && ge == last)
			continue;     /* the common case: the previous record's group */
		for (; g <= ge; g++) {
			if (c->group_seen[g / 64] & (1ull << (g % 64)))
				continue;
			c->group_seen[g / 64] |= 1ull << (g % 64);
			c->groups[ng++] = g;
		}
		last = ge;
	}
	/* published before the records' count: a waiter checks both under lock */
	atomic_store_explicit(&c->ngroups, ng, memory_order_release);
}

static void checker_publish(void *ctx, uint64_t upto)
{
	struct trace_checker *c = ctx;

	pthread_mutex_lock(&c->lock);
	atomic_store_explicit(&c->upto, upto, memory_order_release);
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

/*
 * The checker's pass: the records are read from the mapped file with pread()
 * into a buffer, not through the mapping.  Touching the mapping, it would
 * have to drop its pages behind it to keep the resident set small, and each
 * MADV_DONTNEED of a two-thread process interrupts the replay's CPU for a TLB
 * flush; a copy from the page cache replaces the mapping's page faults, and
 * the replay maps each page once, as it reads it.  The header's bytes come
 * from the mapping (parse_binary_header() read them there), so the hash is
 * still of the whole file.
 */
static int scan_binary_fd(const struct trace *t, struct trace_checker *c, char *err,
			  size_t errlen)
{
	const uint64_t batch = TRACE_CHUNK / sizeof(struct trace_record);
	struct trace_record *buf = malloc(batch * sizeof(*buf));
	XXH3_state_t *h = XXH3_createState();
	struct rec_scan sc;
	int ret;

	if (!buf || !h || XXH3_64bits_reset(h) != XXH_OK) {
		free(buf);
		XXH3_freeState(h);
		trace_msg(err, errlen, "%s: out of memory", t->path);
		return -ENOMEM;
	}
	XXH3_64bits_update(h, t->map, c->hs);
	ret = rec_scan_init(&sc, &t->meta, t->path, err, errlen);
	for (uint64_t done = 0; !ret && done < t->nrec;) {
		uint64_t n = t->nrec - done < batch ? t->nrec - done : batch;
		size_t len = (size_t)n * sizeof(*buf), got = 0;

		while (got < len) {
			ssize_t r = pread(c->fd, (char *)buf + got, len - got,
					  (off_t)(c->hs + done * sizeof(*buf) + got));

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				ret = r ? -errno : -EIO;
				trace_msg(err, errlen, "%s: read: %s", t->path,
					  r ? strerror(errno) : "file shrank while read");
				break;
			}
			got += (size_t)r;
		}
		if (ret)
			break;
		XXH3_64bits_update(h, buf, len);
		ret = rec_scan_run(&sc, t->path, &t->meta, buf, done, done + n, err, errlen);
		done += n;
		if (!ret) {
			checker_note_groups(c, buf, n);
			checker_publish(c, done);
		}
	}
	rec_scan_finish(&sc, ret ? NULL : &c->summary, t->nrec);
	c->checksum = XXH3_64bits_digest(h);
	XXH3_freeState(h);
	free(buf);
	return ret;
}

static void *checker_main(void *arg)
{
	struct trace *t = arg;
	struct trace_checker *c = t->checker;
	int ret = scan_binary_fd(t, c, c->err, sizeof(c->err));

	pthread_mutex_lock(&c->lock);
	c->ret = ret;
	c->finished = 1;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

static int start_checker(struct trace *t, size_t hs, int fd, char *err, size_t errlen)
{
	struct trace_checker *c = calloc(1, sizeof(*c));

	if (!c) {
		close(fd);
		trace_msg(err, errlen, "%s: out of memory", t->path);
		return -ENOMEM;
	}
	c->hs = hs;
	c->fd = fd;
	atomic_init(&c->upto, 0);
	atomic_init(&c->ngroups, 0);
	/* slot_count < 2^32: at most 2^16 groups; without memory, no groups */
	uint32_t ngroups = (uint32_t)(((uint64_t)t->meta.slot_count + TRACE_SLOT_GROUP - 1) >>
				      TRACE_SLOT_GROUP_SHIFT);
	c->groups = malloc((ngroups ? ngroups : 1) * sizeof(*c->groups));
	c->group_seen = calloc((ngroups + 63) / 64 + 1, sizeof(*c->group_seen));
	if (!c->groups || !c->group_seen) {
		free(c->groups);
		free(c->group_seen);
		c->groups = NULL;
		c->group_seen = NULL;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	t->checker = c;
	if (thread_start(&c->thread, checker_main, t)) {
		/* no second thread: check here, as trace_open() does */
		c->joined = 1;
		checker_main(t);
	}
	return 0;
}

uint64_t trace_wait_checked(struct trace *t, uint64_t need)
{
	struct trace_checker *c = t->checker;
	uint64_t upto;

	if (!c)
		return t->nrec;
	upto = atomic_load_explicit(&c->upto, memory_order_acquire);
	if (upto >= need)
		return upto;
	pthread_mutex_lock(&c->lock);
	while ((upto = atomic_load_explicit(&c->upto, memory_order_acquire)) < need && !c->finished)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
	return upto;
}

uint32_t trace_wait_slot_groups(struct trace *t, uint32_t have, uint32_t *out, uint32_t cap)
{
	struct trace_checker *c = t->checker;
	uint32_t ng;

	if (!c || !c->groups)
		return 0;
	pthread_mutex_lock(&c->lock);
	while ((ng = atomic_load_explicit(&c->ngroups, memory_order_acquire)) <= have &&
	       !c->finished)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
	if (ng <= have)
		return 0;
	ng = ng - have < cap ? ng - have : cap;
	memcpy(out, c->groups + have, ng * sizeof(*out));
	return ng;
}

int trace_stream_ends_span(struct trace *t, uint64_t *span)
{
	uint32_t ns = t->meta.stream_count, found = 0;
	unsigned char *seen = calloc(ns ? ns : 1, 1);
	uint64_t lo = UINT64_MAX, hi = 0, i;

	if (!seen)
		return -ENOMEM;
	/* Each stream's times never fall (the check's rule), so the least time
	 * is a stream's first and the greatest a stream's last: scan from each
	 * end until every stream is seen.  A record out of range is skipped;
	 * the check fails such a trace before anything uses this span. */
	for (i = 0; i < t->nrec && found < ns; i++) {
		const struct trace_record *r = &t->rec[i];

		if (r->stream < ns && !seen[r->stream]) {
			seen[r->stream] = 1;
			found++;
			lo = r->time_ns < lo ? r->time_ns : lo;
		}
		hi = r->time_ns > hi ? r->time_ns : hi;
	}
	if (i < t->nrec) {
		memset(seen, 0, ns);
		found = 0;
		for (uint64_t j = t->nrec; j-- > 0 && found < ns;) {
			const struct trace_record *r = &t->rec[j];

			if (r->stream < ns && !seen[r->stream]) {
				seen[r->stream] = 1;
				found++;
				hi = r->time_ns > hi ? r->time_ns : hi;
			}
		}
	}
	free(seen);
	*span = t->nrec ? hi - lo : 0;
	if (t->checker) {
		t->checker->ends_span = *span;
		t->checker->have_ends = 1;
	}
	return 0;
}

int trace_check_join(struct trace *t, char *err, size_t errlen)
{
	struct trace_checker *c = t->checker;
	int ret;

	if (!c)
		return 0;
	if (!c->joined)
		pthread_join(c->thread, NULL);
	c->joined = 1;
	ret = c->ret;
	if (!ret && c->have_ends && c->ends_span != c->summary.time_hi - c->summary.time_lo) {
		/* cannot happen in a trace the check passed: every stream's times rise */
		trace_msg(err, errlen, "%s: internal error: time span %llu ns from the streams'"
			  " ends, %llu ns from every record", t->path,
			  (unsigned long long)c->ends_span,
			  (unsigned long long)(c->summary.time_hi - c->summary.time_lo));
		ret = -EFAULT;
	} else if (ret) {
		trace_msg(err, errlen, "%s", c->err);
	} else {
		t->content = c->summary.content;
		t->time_lo = c->summary.time_lo;
		t->time_hi = c->summary.time_hi;
		t->checksum = c->checksum;
	}
	close(c->fd);
	free(c->groups);
	free(c->group_seen);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	free(c);
	t->checker = NULL;
	return ret;
}

int trace_parse_file(const char *path, int (*parse)(void *ctx, const char *buf, size_t len),
		     void *ctx, uint64_t *checksum, char *err, size_t errlen)
{
	void *map;
	size_t len;
	int ret;

	ret = trace_map_file(path, &map, &len, err, errlen);
	if (ret)
		return ret;
	ret = parse(ctx, map ? map : "", len);
	if (!ret && checksum)
		*checksum = XXH3_64bits(map ? map : "", len);
	if (map)
		munmap(map, len);
	return ret;
}

/* A page-store name as a trace at trace_path means it: relative to the
 * trace's directory, unless it is absolute. */
static void resolve_store_name(const char *trace_path, const char *name, char *buf, size_t len)
{
	const char *slash = strrchr(trace_path, '/');
	int dirlen = slash && name[0] != '/' ? (int)(slash - trace_path + 1) : 0;

	snprintf(buf, len, "%.*s%s", dirlen, trace_path, name);
}

int trace_for_each_line(const char *buf, size_t len, size_t *lineno,
			int (*fn)(void *ctx, const char *s, size_t n), void *ctx)
{
	size_t off = 0;
	int ret = 0;

	while (off < len && !ret) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;

		++*lineno;
		ret = fn(ctx, buf + off, n);
		off += n + 1;
	}
	return ret;
}

struct text_ctx {
	struct trace *t;
	char *err;
	size_t errlen;
};

static int parse_text(void *ctx, const char *buf, size_t len)
{
	struct text_ctx *c = ctx;

	return trace_text_parse(c->t, buf, len, c->err, c->errlen);
}

static int open_text(struct trace *t, char *err, size_t errlen)
{
	struct text_ctx c = { t, err, errlen };
	int ret = trace_parse_file(t->path, parse_text, &c, &t->checksum, err, errlen);

	/* checked line by line; one more pass for the summary */
	return ret ? ret : check_records_summary(t->path, &t->meta, t->rec, t->nrec, t, err, errlen);
}

static int store_sum_mismatch(const char *trace_path, const char *resolved, uint64_t sum,
			      uint64_t checksum, char *err, size_t errlen)
{
	if (sum == checksum)
		return 0;
	trace_msg(err, errlen, "%s: page store '%s' checksum mismatch: file 0x%016llx,"
		  " header 0x%016llx", trace_path, resolved,
		  (unsigned long long)sum, (unsigned long long)checksum);
	return -EINVAL;
}

int trace_page_store_sum_check(const struct trace *t, uint64_t sum, char *err, size_t errlen)
{
	if (!t->page_store_path[0])
		return 0;
	return store_sum_mismatch(t->path, t->page_store_path, sum, t->meta.page_store_checksum,
				  err, errlen);
}

int trace_page_store_check(const char *trace_path, const char *name, uint64_t pages,
			   uint64_t checksum, int hash, char *resolved, size_t rlen,
			   char *err, size_t errlen)
{
	const char *slash = strrchr(trace_path, '/');
	int dirlen = slash && name[0] != '/' ? (int)(slash - trace_path + 1) : 0;
	struct stat st;
	uint64_t sum;
	int ret;

	resolved[0] = '\0';
	if (!name[0])
		return 0;
	if ((size_t)snprintf(resolved, rlen, "%.*s%s", dirlen, trace_path, name) >= rlen) {
		trace_msg(err, errlen, "%s: page store '%s': path too long", trace_path, name);
		return -ENAMETOOLONG;
	}
	if (stat(resolved, &st)) {
		ret = -errno;
		trace_msg(err, errlen, "%s: page store '%s' missing: %s", trace_path,
			  resolved, strerror(-ret));
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		trace_msg(err, errlen, "%s: page store '%s' %s", trace_path, resolved,
			  S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file");
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	if ((uint64_t)st.st_size != pages * SIM_PAGE_SIZE) {
		trace_msg(err, errlen, "%s: page store '%s' size mismatch: %lld bytes, header says"
			  " %llu pages (%llu bytes)", trace_path, resolved,
			  (long long)st.st_size, (unsigned long long)pages,
			  (unsigned long long)(pages * SIM_PAGE_SIZE));
		return -EINVAL;
	}
	if (!hash)
		return 0;
	ret = trace_file_checksum(resolved, &sum, err, errlen);
	if (ret)
		return ret;
	return store_sum_mismatch(trace_path, resolved, sum, checksum, err, errlen);
}

/* The path of the file abs_to relative to the directory abs_dir (both
 * canonical, absolute). */
static int relative_path(const char *abs_dir, const char *abs_to, char *buf, size_t len)
{
	size_t common = 0, i, n = 0;

	/* common: the '/' that ends the longest directory prefix they share */
	for (i = 0; abs_dir[i] && abs_dir[i] == abs_to[i]; i++)
		if (abs_dir[i] == '/')
			common = i;
	if (!abs_dir[i] && abs_to[i] == '/')
		common = i;
	/* one ".." for each component of abs_dir below it */
	for (i = common; abs_dir[i]; i++) {
		if (abs_dir[i] != '/' || !abs_dir[i + 1])
			continue;
		if (n + 3 >= len)
			return -ENAMETOOLONG;
		memcpy(buf + n, "../", 4);
		n += 3;
	}
	if ((size_t)snprintf(buf + n, len - n, "%s", abs_to + common + 1) >= len - n)
		return -ENAMETOOLONG;
	return 0;
}

int trace_page_store_name(const char *store, const char *name, const char *out,
			  char *buf, size_t len, char *err, size_t errlen)
{
	char there[PATH_MAX + TRACE_PATH_MAX], dir[PATH_MAX], abs_dir[PATH_MAX];
	char abs_store[PATH_MAX], rel[PATH_MAX];
	const char *slash = strrchr(out, '/'), *pick;
	struct stat a, b;
	int ret;

	if (stat(store, &a)) {
		ret = -errno;
		trace_msg(err, errlen, "%s: %s", store, strerror(-ret));
		return ret;
	}
	/* Keep the name when it still names the store as seen from out. */
	resolve_store_name(out, name, there, sizeof(there));
	if (!stat(there, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino &&
	    strlen(name) < len) {
		strcpy(buf, name);
		return 0;
	}
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - out) + (slash == out) : 1,
		 slash ? out : ".");
	for (int k = 0; k < 2; k++) {
		const char *p = k ? dir : store;

		if (!realpath(p, k ? abs_dir : abs_store)) {
			ret = -errno;
			if (k)
				trace_msg(err, errlen, "%s: directory '%s': %s", out, p, strerror(-ret));
			else
				trace_msg(err, errlen, "%s: %s", p, strerror(-ret));
			return ret;
		}
	}
	pick = relative_path(abs_dir, abs_store, rel, sizeof(rel)) ? abs_store : rel;
	if (strlen(pick) >= TRACE_PATH_MAX || !trace_name_ok(pick, strlen(pick)))
		pick = abs_store;
	if (strlen(pick) >= TRACE_PATH_MAX || strlen(pick) >= len ||
	    !trace_name_ok(pick, strlen(pick))) {
		trace_msg(err, errlen, "%s: page store %s cannot be named in a trace (%d characters"
			  " at most, no spaces or '#'): copy it next to %s", out, abs_store,
			  TRACE_PATH_MAX - 1, out);
		return -EINVAL;
	}
	strcpy(buf, pick);
	return 0;
}

enum trace_content trace_content_kind(const struct trace_record *rec, uint64_t nrec)
{
	unsigned seen = 0;

	for (uint64_t i = 0; i < nrec && seen != 3; i++)
		if (rec[i].op == TRACE_OP_OUT)
			seen |= rec[i].flags & TRACE_F_HINT ? 2 : 1;
	return seen == 3 ? TRACE_CONTENT_MIXED : seen == 2 ? TRACE_CONTENT_HINTS
		: seen == 1 ? TRACE_CONTENT_PAGES : TRACE_CONTENT_NONE;
}

const char *trace_content_name(enum trace_content k)
{
	static const char *const names[] = {
		[TRACE_CONTENT_NONE] = "none", [TRACE_CONTENT_PAGES] = "pages",
		[TRACE_CONTENT_HINTS] = "hints", [TRACE_CONTENT_MIXED] = "mixed",
	};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

static int trace_open_hash(struct trace *t, const char *path, int hash_store, char *err,
			   size_t errlen)
{
	int form, ret;

	memset(t, 0, sizeof(*t));
	if (strlen(path) >= sizeof(t->path)) {
		trace_msg(err, errlen, "%.64s...: path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(t->path, path);
	form = trace_path_form(path);
	if (form < 0) {
		trace_msg(err, errlen, "%s: unknown trace extension (want .zswt or .txt)", path);
		return -EINVAL;
	}
	ret = form == TRACE_FORM_BINARY ? open_binary(t, err, errlen) : open_text(t, err, errlen);
	if (!ret)
		ret = trace_page_store_check(t->path, t->meta.page_store, t->meta.page_store_pages,
					     t->meta.page_store_checksum, hash_store, t->page_store_path,
					     sizeof(t->page_store_path), err, errlen);
	if (ret)
		trace_close(t);
	return ret;
}

int trace_open(struct trace *t, const char *path, char *err, size_t errlen)
{
	return trace_open_hash(t, path, 1, err, errlen);
}

int trace_open_store_unsummed(struct trace *t, const char *path, char *err, size_t errlen)
{
	return trace_open_hash(t, path, 0, err, errlen);
}

int trace_open_overlapped(struct trace *t, const char *path, char *err, size_t errlen)
{
	size_t hs;
	int ret, fd;

	if (trace_path_form(path) != TRACE_FORM_BINARY || strlen(path) >= sizeof(t->path))
		return trace_open_hash(t, path, 0, err, errlen);
	memset(t, 0, sizeof(*t));
	strcpy(t->path, path);
	ret = open_binary_header(t, &hs, &fd, err, errlen);
	if (!ret)
		ret = start_checker(t, hs, fd, err, errlen);
	else if (fd >= 0)
		close(fd);
	if (!ret)
		ret = trace_page_store_check(t->path, t->meta.page_store, t->meta.page_store_pages,
					     t->meta.page_store_checksum, 0, t->page_store_path,
					     sizeof(t->page_store_path), err, errlen);
	if (ret) {
		/* a bad record is reported before the page store, as trace_open() does */
		int bad = trace_check_join(t, err, errlen);

		trace_close(t);
		return bad ? bad : ret;
	}
	return 0;
}

void trace_close(struct trace *t)
{
	if (t->checker) {
		char ignored[8];

		(void)trace_check_join(t, ignored, sizeof(ignored));
	}
	if (t->map)
		munmap(t->map, t->map_len);
	free(t->owned);
	t->map = NULL;
	t->map_len = 0;
	t->owned = NULL;
	t->rec = NULL;
	t->nrec = 0;
}

int trace_pages_path(const char *out, char *buf, size_t len)
{
	const char *dot = strrchr(out, '.'), *slash = strrchr(out, '/');
	size_t n = dot && (!slash || dot > slash) ? (size_t)(dot - out) : strlen(out);

	return snprintf(buf, len, "%.*s.pages", (int)n, out) >= (int)len ? -ENAMETOOLONG : 0;
}

int trace_check_outputs(const char *out, int with_pages, char *err, size_t errlen)
{
	char pages[PATH_MAX];
	int ret = outfile_check_here(out, err, errlen);

	if (ret || !with_pages || outfile_is_stdout(out))
		return ret;
	if (trace_pages_path(out, pages, sizeof(pages))) {
		trace_msg(err, errlen, "%s: path too long", out);
		return -ENAMETOOLONG;
	}
	return outfile_check(pages, err, errlen);
}

int trace_fwrite(FILE *f, const void *buf, size_t size, size_t n)
{
	if (n && fwrite(buf, size, n, f) != n)
		return errno ? -errno : -EIO;
	return 0;
}

/* Build the header exactly as the reader demands it: zero padding everywhere. */
static int write_binary(FILE *f, const struct trace_meta *m, const struct trace_record *rec,
			uint64_t nrec)
{
	size_t hs = sizeof(struct trace_file_header) +
		    (size_t)m->memcg_count * sizeof(struct trace_file_memcg);
	unsigned char *buf = calloc(1, hs);
	struct trace_file_header h;
	int ret;

	if (!buf)
		return -ENOMEM;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, TRACE_MAGIC, TRACE_MAGIC_LEN);
	h.version = TRACE_VERSION;
	h.header_size = (uint32_t)hs;
	h.record_size = sizeof(struct trace_record);
	h.page_size = m->page_size;
	h.record_count = nrec;
	h.slot_count = m->slot_count;
	h.stream_count = m->stream_count;
	h.memcg_count = m->memcg_count;
	h.page_store_pages = m->page_store_pages;
	h.page_store_checksum = m->page_store_checksum;
	/* trace_check_meta() made sure both names are NUL-terminated. */
	memcpy(h.page_store, m->page_store, strlen(m->page_store));
	memcpy(buf, &h, sizeof(h));
	for (uint32_t i = 0; i < m->memcg_count; i++) {
		struct trace_file_memcg fm;

		memset(&fm, 0, sizeof(fm));
		memcpy(fm.name, m->memcgs[i].name, strlen(m->memcgs[i].name));
		fm.parent = m->memcgs[i].parent;
		memcpy(buf + sizeof(h) + i * sizeof(fm), &fm, sizeof(fm));
	}
	ret = trace_fwrite(f, buf, hs, 1);
	free(buf);
	if (!ret)
		ret = trace_fwrite(f, rec, sizeof(*rec), nrec);
	return ret;
}

int trace_write(const char *path, const struct trace_meta *meta,
		const struct trace_record *rec, uint64_t nrec, char *err, size_t errlen)
{
	char reason[256];
	struct outfile o;
	int form, ret;

	form = trace_path_form(path);
	if (form < 0) {
		trace_msg(err, errlen, "%s: unknown trace extension (want .zswt or .txt)", path);
		return -EINVAL;
	}
	if (trace_check_meta(meta, reason, sizeof(reason))) {
		trace_msg(err, errlen, "%s: header: %s", path, reason);
		return -EINVAL;
	}
	ret = check_records(path, meta, rec, nrec, err, errlen);
	if (ret)
		return ret;

	ret = outfile_open(&o, path, err, errlen);
	if (ret)
		return ret;
	if (form == TRACE_FORM_BINARY)
		ret = write_binary(o.f, meta, rec, nrec);
	else
		ret = trace_text_write(o.f, meta, rec, nrec);
	return outfile_close(&o, ret, err, errlen);
}
