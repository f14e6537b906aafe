/* SPDX-License-Identifier: MIT */
/*
 * Access traces: the binary reader, the writer of both forms, and the
 * validation every access trace goes through before a workload run sees it.
 *
 * A binary access trace is read in place: the file is mmap'd and the records
 * after the header are used directly as struct access_record (little-endian,
 * 8-byte aligned on disk as in memory).  Every byte of the file is determined
 * by its meta and its records (padding and reserved fields must be zero), so
 * binary -> text -> binary reproduces the file.  The byte layout is in
 * docs/trace-format.md ("Access traces").
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xxhash.h>

#include "traces/access.h"
#include "traces/access_priv.h"
#include "traces/infile.h"
#include "traces/outfile.h"
#include "traces/trace_priv.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "access records are little-endian on disk and are read in place"
#endif

#define ACCESS_MAGIC     "ZSWACCES"
#define ACCESS_MAGIC_LEN 8
/* Fractions may add up to 1 with rounding (0.1 + 0.2 + 0.7). */
#define ACCESS_SUM_SLACK 1e-9

/* The fixed part of the binary header: 360 bytes at offset 0. */
struct access_file_header {
	char     magic[ACCESS_MAGIC_LEN];	/* "ZSWACCES", no NUL */
	uint32_t version;			/* ACCESS_VERSION */
	uint32_t header_size;			/* offset of record 0 */
	uint32_t record_size;			/* 24 */
	uint32_t page_size;			/* 4096 */
	uint64_t record_count;
	uint32_t task_count;
	uint32_t memcg_count;
	uint64_t ram_pages;
	uint64_t seed;
	double   content_zero, content_same, content_random, content_dirty;
	uint64_t page_store_pages;
	uint64_t page_store_checksum;
	char     page_store[TRACE_PATH_MAX];	/* NUL-terminated, zero-padded */
};

/* One memcg table entry: 88 bytes, memcg_count of them after the fixed header. */
struct access_file_memcg {
	char     name[TRACE_NAME_MAX];		/* NUL-terminated, zero-padded */
	int32_t  parent;			/* -1 or an earlier index */
	uint32_t reserved;			/* 0 */
	uint64_t max_pages;			/* 0 = max */
	uint64_t high_pages;			/* 0 = max */
};

_Static_assert(sizeof(struct access_file_header) == 360, "binary header layout");
_Static_assert(offsetof(struct access_file_header, record_count) == 24, "binary header layout");
_Static_assert(offsetof(struct access_file_header, ram_pages) == 40, "binary header layout");
_Static_assert(offsetof(struct access_file_header, content_zero) == 56, "binary header layout");
_Static_assert(offsetof(struct access_file_header, page_store_pages) == 88, "binary header layout");
_Static_assert(offsetof(struct access_file_header, page_store) == 104, "binary header layout");
_Static_assert(sizeof(struct access_file_memcg) == 88, "memcg entry layout");
_Static_assert(offsetof(struct access_memcg, parent) == offsetof(struct trace_memcg, parent),
	       "memcg tables are checked by trace_check_memcg_table()");
_Static_assert(offsetof(struct access_file_header, version) ==
	       offsetof(struct trace_file_prefix, version), "common prefix");
_Static_assert(offsetof(struct access_file_header, record_count) ==
	       offsetof(struct trace_file_prefix, record_count), "common prefix");
_Static_assert(sizeof(struct access_record) == 24, "record layout");
_Static_assert(offsetof(struct access_record, vpage) == 8, "record layout");
_Static_assert(offsetof(struct access_record, arg) == 12, "record layout");
_Static_assert(offsetof(struct access_record, task) == 16, "record layout");
_Static_assert(offsetof(struct access_record, memcg) == 18, "record layout");
_Static_assert(offsetof(struct access_record, op) == 20, "record layout");
_Static_assert(offsetof(struct access_record, order) == 21, "record layout");
_Static_assert(offsetof(struct access_record, flags) == 22, "record layout");

static const char *const op_names[ACCESS_OP_COUNT] = {
	[ACCESS_READ] = "read",
	[ACCESS_WRITE] = "write",
	[ACCESS_FREE] = "free",
	[ACCESS_EXIT] = "exit",
	[ACCESS_RECLAIM] = "reclaim",
	[ACCESS_PAGEOUT] = "pageout",
	[ACCESS_SET_MAX] = "set_max",
	[ACCESS_SET_RAM] = "set_ram",
};

const char *access_op_name(unsigned op)
{
	return op < ACCESS_OP_COUNT ? op_names[op] : "?";
}

int access_op_parse(const char *s, size_t n)
{
	for (int i = 0; i < ACCESS_OP_COUNT; i++)
		if (strlen(op_names[i]) == n && !memcmp(s, op_names[i], n))
			return i;
	return -1;
}

int access_path_form(const char *path)
{
	size_t n = strlen(path);

	if (n > 5 && !strcmp(path + n - 5, ".zswa"))
		return TRACE_FORM_BINARY;
	if (n > 4 && !strcmp(path + n - 4, ".txt"))
		return TRACE_FORM_TEXT;
	return -1;
}

int access_path_is_access(const char *path)
{
	char buf[4096];
	size_t n, i = 0;
	FILE *f;
	int ret;

	if (access_path_form(path) != TRACE_FORM_TEXT)
		return access_path_form(path) == TRACE_FORM_BINARY;
	f = infile_fopen(path, &ret, NULL, 0);   /* never waits on a FIFO */
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	while (i < n && strchr(" \t\r\n", buf[i]))
		i++;
	if (i == n || buf[i++] != '#')
		return 0;
	while (i < n && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	return n - i >= strlen(ACCESS_TEXT_MAGIC) &&
	       !memcmp(buf + i, ACCESS_TEXT_MAGIC, strlen(ACCESS_TEXT_MAGIC));
}

void access_meta_init(struct access_meta *m, uint32_t task_pages)
{
	memset(m, 0, sizeof(*m));
	m->page_size = SIM_PAGE_SIZE;
	m->task_count = 1;
	m->task_pages[0] = task_pages;
	m->memcg_count = 1;
	strcpy(m->memcgs[0].name, "root");
	m->memcgs[0].parent = -1;
}

/* --- validation ------------------------------------------------------------ */

int access_check_fraction(const char *name, double v, char *reason, size_t len)
{
	/* The sign bit too: -0 would print as "-0" and is not a fraction. */
	if (!isfinite(v) || signbit(v) || v > 1) {
		trace_msg(reason, len, "content %s %g out of range 0..1", name, v);
		return -EINVAL;
	}
	return 0;
}

int access_check_content(const struct access_content *c, char *reason, size_t len)
{
	if (access_check_fraction("zero", c->zero, reason, len) ||
	    access_check_fraction("same", c->same, reason, len) ||
	    access_check_fraction("random", c->random, reason, len) ||
	    access_check_fraction("dirty", c->dirty, reason, len))
		return -EINVAL;
	if (c->zero + c->same + c->random > 1 + ACCESS_SUM_SLACK) {
		trace_msg(reason, len, "content fractions zero %g + same %g + random %g > 1",
			  c->zero, c->same, c->random);
		return -EINVAL;
	}
	return 0;
}

int access_check_meta(const struct access_meta *m, char *reason, size_t len)
{
	if (m->page_size != SIM_PAGE_SIZE) {
		trace_msg(reason, len, "page_size %u (must be %u)", m->page_size, SIM_PAGE_SIZE);
		return -EINVAL;
	}
	if (!m->task_count || m->task_count > ACCESS_MAX_TASKS) {
		trace_msg(reason, len, "task_count %u out of range 1..%u", m->task_count,
			  ACCESS_MAX_TASKS);
		return -EINVAL;
	}
	if (!m->memcg_count || m->memcg_count > ACCESS_MAX_MEMCGS) {
		trace_msg(reason, len, "memcg_count %u out of range 1..%u", m->memcg_count,
			  ACCESS_MAX_MEMCGS);
		return -EINVAL;
	}
	if (trace_check_memcg_table(m->memcgs, sizeof(m->memcgs[0]), m->memcg_count,
				    reason, len) ||
	    trace_check_store_ref(m->page_store, m->page_store_pages, m->page_store_checksum,
				  reason, len))
		return -EINVAL;
	/* A WRITE's arg is a page index or ACCESS_CONTENT_DRAW = 2^32 - 1. */
	if (m->page_store_pages > ACCESS_CONTENT_DRAW) {
		trace_msg(reason, len, "page_store_pages %llu > 2^32-1",
			  (unsigned long long)m->page_store_pages);
		return -EINVAL;
	}
	return access_check_content(&m->content, reason, len);
}

int access_check_init(struct access_check *c, const struct access_meta *meta)
{
	memset(c, 0, sizeof(*c));
	c->meta = meta;
	c->global_order = 1;
	c->last = calloc(meta->task_count ? meta->task_count : 1, sizeof(*c->last));
	return c->last ? 0 : -ENOMEM;
}

void access_check_free(struct access_check *c)
{
	free(c->last);
	c->last = NULL;
}

/* READ / WRITE: the folio a first touch allocates lies within the task. */
static int check_touch(const struct access_meta *m, const struct access_record *r,
		       char *reason, size_t len)
{
	uint32_t pages = m->task_pages[r->task];
	uint64_t nr, base;

	if (r->order > ACCESS_MAX_ORDER) {
		trace_msg(reason, len, "order %u > %u", r->order, ACCESS_MAX_ORDER);
		return -EINVAL;
	}
	nr = 1ull << r->order;
	base = r->vpage & ~(nr - 1);
	if (r->vpage >= pages) {
		trace_msg(reason, len, "vpage %u beyond task %u's %u pages", r->vpage, r->task, pages);
		return -EINVAL;
	}
	if (base + nr > pages) {
		trace_msg(reason, len, "order-%u folio of vpage %u (pages %llu..%llu) beyond task"
			  " %u's %u pages", r->order, r->vpage, (unsigned long long)base,
			  (unsigned long long)(base + nr - 1), r->task, pages);
		return -EINVAL;
	}
	if (r->op == ACCESS_READ && r->arg) {
		trace_msg(reason, len, "arg %u on a 'read' record (must be 0)", r->arg);
		return -EINVAL;
	}
	if (r->op == ACCESS_WRITE && r->arg != ACCESS_CONTENT_DRAW &&
	    r->arg >= m->page_store_pages) {
		trace_msg(reason, len, "content %u beyond the page store (%llu pages)", r->arg,
			  (unsigned long long)m->page_store_pages);
		return -EINVAL;
	}
	return 0;
}

/* The other ops: one spelling each (unused fields 0). */
static int check_other(const struct access_meta *m, const struct access_record *r,
		       char *reason, size_t len)
{
	const char *name = access_op_name(r->op);
	int range = r->op == ACCESS_FREE || r->op == ACCESS_PAGEOUT;

	if (r->order) {
		trace_msg(reason, len, "order %u on a '%s' record (must be 0)", r->order, name);
		return -EINVAL;
	}
	if (!range && r->vpage) {
		trace_msg(reason, len, "vpage %u on a '%s' record (must be 0)", r->vpage, name);
		return -EINVAL;
	}
	if (r->op == ACCESS_EXIT && r->arg) {
		trace_msg(reason, len, "arg %u on an 'exit' record (must be 0)", r->arg);
		return -EINVAL;
	}
	if ((range || r->op == ACCESS_RECLAIM) && !r->arg) {
		trace_msg(reason, len, "'%s' of 0 pages (arg must be at least 1)", name);
		return -EINVAL;
	}
	if (range && (uint64_t)r->vpage + r->arg > m->task_pages[r->task]) {
		trace_msg(reason, len, "'%s' of pages %u + %u beyond task %u's %u pages", name,
			  r->vpage, r->arg, r->task, m->task_pages[r->task]);
		return -EINVAL;
	}
	return 0;
}

int access_check_record(struct access_check *c, const struct access_record *r,
			char *reason, size_t len)
{
	const struct access_meta *m = c->meta;
	uint64_t last;

	if (r->op >= ACCESS_OP_COUNT) {
		trace_msg(reason, len, "unknown op %u", r->op);
		return -EINVAL;
	}
	if (r->flags & ~ACCESS_F_KNOWN) {
		trace_msg(reason, len, "unknown flag bits 0x%x", r->flags & ~ACCESS_F_KNOWN);
		return -EINVAL;
	}
	if (r->task >= m->task_count) {
		trace_msg(reason, len, "task %u >= task_count %u", r->task, m->task_count);
		return -EINVAL;
	}
	if (r->memcg >= m->memcg_count) {
		trace_msg(reason, len, "memcg %u >= memcg_count %u", r->memcg, m->memcg_count);
		return -EINVAL;
	}
	if (r->op <= ACCESS_WRITE ? check_touch(m, r, reason, len) : check_other(m, r, reason, len))
		return -EINVAL;
	/* Signed 64-bit nanoseconds leave the engine room for offsets. */
	if (r->time_ns > INT64_MAX) {
		trace_msg(reason, len, "time %llu > 2^63-1", (unsigned long long)r->time_ns);
		return -EINVAL;
	}
	last = c->last[r->task];
	if (last & ACCESS_CHECK_EXITED) {
		trace_msg(reason, len, "task %u has a record after its exit", r->task);
		return -EINVAL;
	}
	if (r->time_ns < last) {
		trace_msg(reason, len, "time going backwards in task %u: %llu after %llu", r->task,
			  (unsigned long long)r->time_ns, (unsigned long long)last);
		return -EINVAL;
	}
	c->last[r->task] = r->time_ns | (r->op == ACCESS_EXIT ? ACCESS_CHECK_EXITED : 0);
	if (r->time_ns < c->prev_time || (r->time_ns == c->prev_time && r->task < c->prev_task))
		c->global_order = 0;
	c->prev_time = r->time_ns;
	c->prev_task = r->task;
	return 0;
}

int access_check_records(const char *path, const struct access_meta *m,
			 const struct access_record *rec, uint64_t nrec, int *global_order,
			 char *err, size_t errlen)
{
	struct access_check c;
	char reason[256];

	if (access_check_init(&c, m)) {
		trace_msg(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < nrec; i++) {
		if (access_check_record(&c, &rec[i], reason, sizeof(reason))) {
			trace_msg(err, errlen, "%s: record %llu: %s", path, (unsigned long long)i,
				  reason);
			access_check_free(&c);
			return -EINVAL;
		}
	}
	if (global_order)
		*global_order = c.global_order;
	access_check_free(&c);
	return 0;
}

/* --- binary reader ----------------------------------------------------------- */

static size_t task_table_size(uint32_t task_count)
{
	return ((size_t)task_count * sizeof(uint32_t) + 7) & ~(size_t)7;
}

static size_t header_size(uint32_t memcg_count, uint32_t task_count)
{
	return sizeof(struct access_file_header) +
	       (size_t)memcg_count * sizeof(struct access_file_memcg) + task_table_size(task_count);
}

static int header_error(const struct access_trace *t, char *err, size_t errlen,
			const char *reason)
{
	trace_msg(err, errlen, "%s: header: %s", t->path, reason);
	return -EINVAL;
}

/* The memcg table and the task table after the fixed header. */
static int parse_tables(struct access_trace *t, const unsigned char *p, char *err, size_t errlen)
{
	struct access_meta *m = &t->meta;
	const unsigned char *tasks = p + m->memcg_count * sizeof(struct access_file_memcg);
	char reason[256];

	for (uint32_t i = 0; i < m->memcg_count; i++) {
		struct access_file_memcg fm;

		memcpy(&fm, p + i * sizeof(fm), sizeof(fm));
		if (!trace_field_zero_padded(fm.name, sizeof(fm.name)) || fm.reserved) {
			snprintf(reason, sizeof(reason), "memcg %u: name not NUL-terminated and"
				 " zero-padded, or reserved field not 0", i);
			return header_error(t, err, errlen, reason);
		}
		memcpy(m->memcgs[i].name, fm.name, sizeof(fm.name));
		m->memcgs[i].parent = fm.parent;
		m->memcgs[i].max_pages = fm.max_pages;
		m->memcgs[i].high_pages = fm.high_pages;
	}
	memcpy(m->task_pages, tasks, m->task_count * sizeof(uint32_t));
	for (size_t i = m->task_count * sizeof(uint32_t); i < task_table_size(m->task_count); i++)
		if (tasks[i])
			return header_error(t, err, errlen, "task table padding is not 0");
	return 0;
}

static int parse_binary_header(struct access_trace *t, const unsigned char *p, size_t size,
			       size_t *hdr_size, char *err, size_t errlen)
{
	struct access_file_header h;
	struct access_meta *m = &t->meta;
	char reason[256];
	size_t hs;

	if (size >= ACCESS_MAGIC_LEN && !memcmp(p, "ZSWTRACE", ACCESS_MAGIC_LEN)) {
		trace_msg(err, errlen, "%s: a swap-event trace (magic ZSWTRACE), not an access"
			  " trace", t->path);
		return -EINVAL;
	}
	if (trace_bin_check_prefix(t->path, p, size, ACCESS_MAGIC,
				   "a zswapsim binary access trace", sizeof(h), ACCESS_VERSION,
				   sizeof(struct access_record), err, errlen))
		return -EINVAL;
	memcpy(&h, p, sizeof(h));
	if (!h.memcg_count || h.memcg_count > ACCESS_MAX_MEMCGS) {
		snprintf(reason, sizeof(reason), "memcg_count %u out of range 1..%u",
			 h.memcg_count, ACCESS_MAX_MEMCGS);
		return header_error(t, err, errlen, reason);
	}
	if (!h.task_count || h.task_count > ACCESS_MAX_TASKS) {
		snprintf(reason, sizeof(reason), "task_count %u out of range 1..%u",
			 h.task_count, ACCESS_MAX_TASKS);
		return header_error(t, err, errlen, reason);
	}
	hs = header_size(h.memcg_count, h.task_count);
	snprintf(reason, sizeof(reason), "memcg_count %u and task_count %u", h.memcg_count,
		 h.task_count);
	if (trace_bin_check_header_size(t->path, size, h.header_size, hs, reason, err, errlen))
		return -EINVAL;
	if (!trace_field_zero_padded(h.page_store, sizeof(h.page_store)))
		return header_error(t, err, errlen,
				    "page-store name not NUL-terminated and zero-padded");
	m->page_size = h.page_size;
	m->task_count = h.task_count;
	m->memcg_count = h.memcg_count;
	m->ram_pages = h.ram_pages;
	m->seed = h.seed;
	m->content.zero = h.content_zero;
	m->content.same = h.content_same;
	m->content.random = h.content_random;
	m->content.dirty = h.content_dirty;
	m->page_store_pages = h.page_store_pages;
	m->page_store_checksum = h.page_store_checksum;
	memcpy(m->page_store, h.page_store, sizeof(m->page_store));
	if (parse_tables(t, p + sizeof(h), err, errlen))
		return -EINVAL;
	if (access_check_meta(m, reason, sizeof(reason)))
		return header_error(t, err, errlen, reason);

	if (trace_bin_check_file_size(t->path, size, hs, h.record_count,
				      sizeof(struct access_record), err, errlen))
		return -EINVAL;
	t->nrec = h.record_count;
	*hdr_size = hs;
	return 0;
}

static int open_binary(struct access_trace *t, char *err, size_t errlen)
{
	size_t hs;
	int ret;

	ret = trace_map_file(t->path, &t->map, &t->map_len, err, errlen);
	if (ret)
		return ret;
	ret = parse_binary_header(t, t->map ? t->map : "", t->map_len, &hs, err, errlen);
	if (ret)
		return ret;
	t->rec = (const struct access_record *)((const char *)t->map + hs);
	ret = access_check_records(t->path, &t->meta, t->rec, t->nrec, &t->global_order,
				   err, errlen);
	if (ret)
		return ret;
	t->checksum = XXH3_64bits(t->map, t->map_len);
	return 0;
}

struct text_ctx {
	struct access_trace *t;
	char *err;
	size_t errlen;
};

static int parse_text(void *ctx, const char *buf, size_t len)
{
	struct text_ctx *c = ctx;

	return access_text_parse(c->t, buf, len, c->err, c->errlen);
}

static int open_text(struct access_trace *t, char *err, size_t errlen)
{
	struct text_ctx c = { t, err, errlen };

	return trace_parse_file(t->path, parse_text, &c, &t->checksum, err, errlen);
}

int access_open(struct access_trace *t, const char *path, char *err, size_t errlen)
{
	int form, ret;

	t->map = NULL;
	t->owned = NULL;
	t->rec = NULL;
	t->nrec = 0;
	t->global_order = 1;
	if (strlen(path) >= sizeof(t->path)) {
		trace_msg(err, errlen, "%.64s...: path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(t->path, path);
	form = access_path_form(path);
	if (form < 0) {
		trace_msg(err, errlen, "%s: unknown access-trace extension (want .zswa or .txt)",
			  path);
		return -EINVAL;
	}
	memset(&t->meta, 0, sizeof(t->meta));
	ret = form == TRACE_FORM_BINARY ? open_binary(t, err, errlen) : open_text(t, err, errlen);
	if (!ret)
		ret = trace_page_store_check(t->path, t->meta.page_store, t->meta.page_store_pages,
					     t->meta.page_store_checksum, 1, t->page_store_path,
					     sizeof(t->page_store_path), err, errlen);
	if (ret)
		access_close(t);
	return ret;
}

void access_close(struct access_trace *t)
{
	if (t->map)
		munmap(t->map, t->map_len);
	free(t->owned);
	t->map = NULL;
	t->map_len = 0;
	t->owned = NULL;
	t->rec = NULL;
	t->nrec = 0;
}

int access_recbuf_push(struct access_recbuf *b, const struct access_record *r)
{
	if (b->n == b->cap) {
		uint64_t cap = b->cap ? b->cap * 2 : 4096;
		struct access_record *p;

		if (cap > SIZE_MAX / sizeof(*p))
			return -ENOMEM;
		p = realloc(b->rec, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		b->rec = p;
		b->cap = cap;
	}
	b->rec[b->n++] = *r;
	return 0;
}

/* --- writer -------------------------------------------------------------------- */

struct access_writer {
	FILE *f;
	struct outfile out;
	int form;
	uint64_t nrec;
	struct access_check check;
	struct access_meta meta;   /* a copy: the caller's may go away */
	char *path;
};

/* The header exactly as the reader demands it: zero padding everywhere. */
static int write_binary_header(FILE *f, const struct access_meta *m, uint64_t nrec)
{
	size_t hs = header_size(m->memcg_count, m->task_count);
	unsigned char *buf = calloc(1, hs), *p;
	struct access_file_header h;
	int ret;

	if (!buf)
		return -ENOMEM;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, ACCESS_MAGIC, ACCESS_MAGIC_LEN);
	h.version = ACCESS_VERSION;
	h.header_size = (uint32_t)hs;
	h.record_size = sizeof(struct access_record);
	h.page_size = m->page_size;
	h.record_count = nrec;
	h.task_count = m->task_count;
	h.memcg_count = m->memcg_count;
	h.ram_pages = m->ram_pages;
	h.seed = m->seed;
	h.content_zero = m->content.zero;
	h.content_same = m->content.same;
	h.content_random = m->content.random;
	h.content_dirty = m->content.dirty;
	h.page_store_pages = m->page_store_pages;
	h.page_store_checksum = m->page_store_checksum;
	/* access_check_meta() made sure every name is NUL-terminated. */
	memcpy(h.page_store, m->page_store, strlen(m->page_store));
	memcpy(buf, &h, sizeof(h));
	p = buf + sizeof(h);
	for (uint32_t i = 0; i < m->memcg_count; i++, p += sizeof(struct access_file_memcg)) {
		struct access_file_memcg fm;

		memset(&fm, 0, sizeof(fm));
		memcpy(fm.name, m->memcgs[i].name, strlen(m->memcgs[i].name));
		fm.parent = m->memcgs[i].parent;
		fm.max_pages = m->memcgs[i].max_pages;
		fm.high_pages = m->memcgs[i].high_pages;
		memcpy(p, &fm, sizeof(fm));
	}
	memcpy(p, m->task_pages, m->task_count * sizeof(uint32_t));
	ret = trace_fwrite(f, buf, hs, 1);
	free(buf);
	return ret;
}

int access_writer_open(struct access_writer **out, const char *path,
		       const struct access_meta *meta, char *err, size_t errlen)
{
	struct access_writer *w;
	char reason[256];
	int ret;

	*out = NULL;
	if (access_path_form(path) < 0) {
		trace_msg(err, errlen, "%s: unknown access-trace extension (want .zswa or .txt)",
			  path);
		return -EINVAL;
	}
	if (access_check_meta(meta, reason, sizeof(reason))) {
		trace_msg(err, errlen, "%s: header: %s", path, reason);
		return -EINVAL;
	}
	w = calloc(1, sizeof(*w));
	if (w) {
		w->meta = *meta;
		w->path = strdup(path);
	}
	if (!w || !w->path || access_check_init(&w->check, &w->meta)) {
		if (w)
			free(w->path);
		free(w);
		trace_msg(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	w->form = access_path_form(path);
	ret = outfile_open(&w->out, path, err, errlen);
	w->f = w->out.f;
	if (!ret)
		ret = w->form == TRACE_FORM_BINARY ? write_binary_header(w->f, &w->meta, 0)
						   : access_text_write_header(w->f, &w->meta);
	if (ret) {
		if (w->f)
			outfile_close(&w->out, ret, err, errlen);
		access_check_free(&w->check);
		free(w->path);
		free(w);
		return ret;
	}
	*out = w;
	return 0;
}

int access_writer_add(struct access_writer *w, const struct access_record *r,
		      char *err, size_t errlen)
{
	char reason[256];

	if (access_check_record(&w->check, r, reason, sizeof(reason))) {
		trace_msg(err, errlen, "%s: record %llu: %s", w->path,
			  (unsigned long long)w->nrec, reason);
		return -EINVAL;
	}
	w->nrec++;
	if (w->form == TRACE_FORM_BINARY)
		return trace_fwrite(w->f, r, sizeof(*r), 1);
	return access_text_write_record(w->f, r);
}

void access_writer_abort(struct access_writer *w)
{
	if (!w)
		return;
	outfile_close(&w->out, -ECANCELED, NULL, 0);
	access_check_free(&w->check);
	free(w->path);
	free(w);
}

int access_writer_commit(struct access_writer *w, char *err, size_t errlen)
{
	int ret = 0;

	/* The binary header went out with 0 records: now the count is known. */
	if (w->form == TRACE_FORM_BINARY) {
		if (fseek(w->f, offsetof(struct access_file_header, record_count), SEEK_SET))
			ret = -errno;
		else
			ret = trace_fwrite(w->f, &w->nrec, sizeof(w->nrec), 1);
	}
	ret = outfile_close(&w->out, ret, err, errlen);
	access_check_free(&w->check);
	free(w->path);
	free(w);
	return ret;
}

int access_write(const char *path, const struct access_meta *meta,
		 const struct access_record *rec, uint64_t nrec, char *err, size_t errlen)
{
	struct access_writer *w;
	int ret;

	/* Check everything before a temporary file exists. */
	ret = access_check_records(path, meta, rec, nrec, NULL, err, errlen);
	if (ret)
		return ret;
	ret = access_writer_open(&w, path, meta, err, errlen);
	if (ret)
		return ret;
	for (uint64_t i = 0; i < nrec && !ret; i++)
		ret = access_writer_add(w, &rec[i], err, errlen);
	if (ret) {
		access_writer_abort(w);
		return ret;
	}
	return access_writer_commit(w, err, errlen);
}
