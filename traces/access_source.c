/* SPDX-License-Identifier: MIT */
/*
 * Access sources: the public pulls, the two generic adapters (heap merge for
 * the global order, per-task FIFOs for the per-task order), and the source
 * over an access-trace file (.zswa, .txt, or records parsed from CSV).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xxhash.h>

#include "traces/access_source.h"
#include "traces/access_source_impl.h"
#include "traces/outfile.h"
#include "traces/trace_priv.h"

/* --- the source object ------------------------------------------------------ */

static int merge_next(struct access_source *src, struct access_record *r);
static int fifo_next_task(struct access_source *src, unsigned task, struct access_record *r);

struct access_source *access_source_alloc(const struct access_source_ops *ops, void *priv)
{
	struct access_source *src = calloc(1, sizeof(*src));

	if (!src)
		return NULL;
	src->ops = ops;
	src->priv = priv;
	src->next = ops->next ? ops->next : merge_next;
	src->next_task = ops->next_task ? ops->next_task : fifo_next_task;
	src->page_store = "";
	src->nrec = UINT64_MAX;
	return src;
}

int access_source_fail(struct access_source *src, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(src->err, sizeof(src->err), fmt, ap);
	va_end(ap);
	return ret;
}

const struct access_meta *access_source_meta(const struct access_source *src)
{
	return src->meta;
}

const char *access_source_page_store(const struct access_source *src)
{
	return src->page_store;
}

uint64_t access_source_records(const struct access_source *src)
{
	return src->nrec;
}

const char *access_source_error(const struct access_source *src)
{
	return src->err;
}

void access_source_set_probe(struct access_source *src, access_probe_fn fn, void *ctx)
{
	src->probe = fn;
	src->probe_ctx = ctx;
}

uint64_t access_source_probe(struct access_source *src, unsigned memcg)
{
	return src->probe ? src->probe(src->probe_ctx, memcg) : 0;
}

const uint8_t *access_source_pages(struct access_source *src, uint64_t *npages,
				   char *err, size_t errlen)
{
	*npages = 0;
	if (src->pages) {
		*npages = src->npages;
		return src->pages;
	}
	if (!src->page_store[0])
		return NULL;
	/* The file was checked (size, checksum) when the source was opened. */
	if (!src->pages_map && trace_map_file(src->page_store, &src->pages_map, &src->pages_len,
					      err, errlen))
		return NULL;
	*npages = src->pages_len / SIM_PAGE_SIZE;
	return src->pages_map;
}

#ifdef ZSWAPSIM_DEBUG_INVARIANTS
/* Every record a source gives must pass the checks files pass at open. */
static int debug_check(struct access_source *src, int ret, const struct access_record *r,
		       int global)
{
	char reason[256];

	if (ret != 1)
		return ret;
	if (!src->check) {
		src->check = calloc(1, sizeof(*src->check));
		if (!src->check || access_check_init(src->check, src->meta))
			return access_source_fail(src, -ENOMEM, "out of memory");
	}
	if (access_check_record(src->check, r, reason, sizeof(reason)))
		return access_source_fail(src, -EINVAL, "source gave a bad record: %s", reason);
	if (global && !src->check->global_order)
		return access_source_fail(src, -EINVAL, "source gave a record out of global order"
					  " (task %u at %llu ns)", r->task,
					  (unsigned long long)r->time_ns);
	return ret;
}
#else
static inline int debug_check(struct access_source *src, int ret,
			      const struct access_record *r, int global)
{
	(void)src, (void)r, (void)global;
	return ret;
}
#endif

int access_source_next(struct access_source *src, struct access_record *r)
{
	return debug_check(src, src->next(src, r), r, 1);
}

int access_source_next_batch(struct access_source *src, struct access_record *r, unsigned n)
{
	int got = 0;

	if (src->ops->next_batch && src->next == src->ops->next) {
		got = src->ops->next_batch(src, r, n);
#ifdef ZSWAPSIM_DEBUG_INVARIANTS
		for (int i = 0; i < got; i++) {
			int ret = debug_check(src, 1, &r[i], 1);

			if (ret != 1)
				return ret;
		}
#endif
		return got;
	}
	for (; (unsigned)got < n; got++) {
		int ret = access_source_next(src, &r[got]);

		if (ret < 0)
			return ret;
		if (!ret)
			break;
	}
	return got;
}

int access_source_next_task(struct access_source *src, unsigned task, struct access_record *r)
{
	int ret;

	if (task >= src->meta->task_count)
		return access_source_fail(src, -EINVAL, "task %u >= task_count %u", task,
					  src->meta->task_count);
	ret = debug_check(src, src->next_task(src, task, r), r, 0);
	if (ret == 1 && r->task != task)
		return access_source_fail(src, -EINVAL, "source gave a record of task %u for"
					  " task %u", r->task, task);
	return ret;
}

static void merge_free(struct access_merge *m);
static void fifo_free(struct access_fifo *f, unsigned ntasks);

void access_source_close(struct access_source *src)
{
	if (!src)
		return;
	merge_free(src->merge);
	fifo_free(src->fifo, src->meta ? src->meta->task_count : 0);
	if (src->check) {
		access_check_free(src->check);
		free(src->check);
	}
	if (src->pages_map)
		munmap(src->pages_map, src->pages_len);
	if (src->ops->free)
		src->ops->free(src);
	free(src);
}

/* --- global order from per-task pulls: a heap merge ------------------------------ */

struct access_merge {
	struct access_record *head;   /* per task: its next record */
	uint16_t *heap;               /* tasks with a head, min-heap by (time, task) */
	unsigned n;
	int started;
};

static void merge_free(struct access_merge *m)
{
	if (!m)
		return;
	free(m->head);
	free(m->heap);
	free(m);
}

static int merge_less(const struct access_merge *m, unsigned a, unsigned b)
{
	const struct access_record *x = &m->head[m->heap[a]], *y = &m->head[m->heap[b]];

	return x->time_ns != y->time_ns ? x->time_ns < y->time_ns : x->task < y->task;
}

static void merge_swap(struct access_merge *m, unsigned a, unsigned b)
{
	uint16_t t = m->heap[a];

	m->heap[a] = m->heap[b];
	m->heap[b] = t;
}

static void merge_down(struct access_merge *m, unsigned i)
{
	for (;;) {
		unsigned l = 2 * i + 1, s = i;

		if (l < m->n && merge_less(m, l, s))
			s = l;
		if (l + 1 < m->n && merge_less(m, l + 1, s))
			s = l + 1;
		if (s == i)
			return;
		merge_swap(m, i, s);
		i = s;
	}
}

/* Pull every task's first record and heapify. */
static int merge_start(struct access_source *src)
{
	unsigned ntasks = src->meta->task_count;
	struct access_merge *m = calloc(1, sizeof(*m));
	int ret;

	if (m) {
		m->head = malloc(ntasks * sizeof(*m->head));
		m->heap = malloc(ntasks * sizeof(*m->heap));
	}
	src->merge = m;
	if (!m || !m->head || !m->heap)
		return access_source_fail(src, -ENOMEM, "out of memory");
	for (unsigned t = 0; t < ntasks; t++) {
		ret = src->ops->next_task(src, t, &m->head[t]);
		if (ret < 0)
			return ret;
		if (ret)
			m->heap[m->n++] = (uint16_t)t;
	}
	for (unsigned i = m->n / 2; i-- > 0;)
		merge_down(m, i);
	m->started = 1;
	return 0;
}

static int merge_next(struct access_source *src, struct access_record *r)
{
	struct access_merge *m = src->merge;
	unsigned t;
	int ret;

	if (!m || !m->started) {
		if (m)
			return -EINVAL;   /* a failed start stays failed (message kept) */
		ret = merge_start(src);
		if (ret)
			return ret;
		m = src->merge;
	}
	if (!m->n)
		return 0;
	t = m->heap[0];
	*r = m->head[t];
	ret = src->ops->next_task(src, t, &m->head[t]);
	if (ret < 0)
		return ret;
	if (!ret)
		m->heap[0] = m->heap[--m->n];
	merge_down(m, 0);
	return 1;
}

/* --- per-task order from the global one: FIFOs ------------------------------------- */

struct access_fifo_q {
	struct access_record *buf;   /* ring of cap (a power of two) records */
	uint32_t head, count, cap;
};

struct access_fifo {
	struct access_fifo_q *q;     /* per task */
	int done;                    /* the global order has ended */
};

static void fifo_free(struct access_fifo *f, unsigned ntasks)
{
	if (!f)
		return;
	for (unsigned t = 0; f->q && t < ntasks; t++)
		free(f->q[t].buf);
	free(f->q);
	free(f);
}

static int fifo_push(struct access_fifo_q *q, const struct access_record *r)
{
	if (q->count == q->cap) {
		uint32_t cap = q->cap ? q->cap * 2 : 64;
		struct access_record *buf;

		if (cap < q->cap)
			return -ENOMEM;
		buf = malloc((size_t)cap * sizeof(*buf));
		if (!buf)
			return -ENOMEM;
		/* unroll the ring into the new buffer */
		for (uint32_t i = 0; i < q->count; i++)
			buf[i] = q->buf[(q->head + i) & (q->cap - 1)];
		free(q->buf);
		q->buf = buf;
		q->head = 0;
		q->cap = cap;
	}
	q->buf[(q->head + q->count++) & (q->cap - 1)] = *r;
	return 0;
}

static int fifo_next_task(struct access_source *src, unsigned task, struct access_record *r)
{
	struct access_fifo *f = src->fifo;
	struct access_fifo_q *q;
	int ret;

	if (!f) {
		f = src->fifo = calloc(1, sizeof(*f));
		if (f)
			f->q = calloc(src->meta->task_count, sizeof(*f->q));
		if (!f || !f->q)
			return access_source_fail(src, -ENOMEM, "out of memory");
	}
	q = &f->q[task];
	if (q->count) {
		*r = q->buf[q->head];
		q->head = (q->head + 1) & (q->cap - 1);
		q->count--;
		return 1;
	}
	while (!f->done) {
		ret = src->ops->next(src, r);
		if (ret < 0)
			return ret;
		if (!ret) {
			f->done = 1;
			break;
		}
		if (r->task == task)
			return 1;
		if (r->task >= src->meta->task_count)
			return access_source_fail(src, -EINVAL, "source gave task %u >= task_count %u",
						  r->task, src->meta->task_count);
		if (fifo_push(&f->q[r->task], r))
			return access_source_fail(src, -ENOMEM, "out of memory");
	}
	return 0;
}

/* --- formats ------------------------------------------------------------------------- */

static const char *const format_names[ACCESS_FMT_COUNT] = {
	[ACCESS_FMT_ZSWAPSIM] = "zswapsim",
	[ACCESS_FMT_ORACLE] = "oracleGeneral",
	[ACCESS_FMT_CSV] = "csv",
};

int access_format_parse(const char *name)
{
	for (int i = 0; i < ACCESS_FMT_COUNT; i++)
		if (!strcmp(name, format_names[i]))
			return i;
	return -1;
}

const char *access_format_name(unsigned fmt)
{
	return fmt < ACCESS_FMT_COUNT ? format_names[fmt] : "?";
}

int access_source_open(struct access_source **src, const char *path, enum access_format fmt,
		       const struct access_file_opts *opts, char *err, size_t errlen)
{
	static const struct access_file_opts none;

	*src = NULL;
	if (!opts)
		opts = &none;
	switch (fmt) {
	case ACCESS_FMT_ZSWAPSIM:
		return access_source_open_trace(src, path, err, errlen);
	case ACCESS_FMT_ORACLE:
		return access_source_open_oracle(src, path, opts, err, errlen);
	case ACCESS_FMT_CSV:
		return access_source_open_csv(src, path, opts, err, errlen);
	default:
		trace_msg(err, errlen, "%s: unknown access format %d", path, (int)fmt);
		return -EINVAL;
	}
}

/* --- the source over an access-trace file -------------------------------------------- */

/* Records in the file's order; a task's records are its order, and the
 * global order is the file's order when the file is sorted by (time, task).
 * Per-task pulls use one index array, each task's slice in file order. */
struct trace_src {
	struct access_trace t;
	uint64_t pos;          /* global cursor */
	uint32_t *idx;         /* record numbers grouped by task, made on the first per-task pull */
	uint64_t *cur, *end;   /* per task: cursor and end in idx */
};

static int trace_src_next(struct access_source *src, struct access_record *r)
{
	struct trace_src *s = src->priv;

	if (s->pos == s->t.nrec)
		return 0;
	*r = s->t.rec[s->pos++];
	return 1;
}

static int trace_src_index(struct access_source *src, struct trace_src *s)
{
	unsigned ntasks = s->t.meta.task_count;

	if (s->t.nrec > UINT32_MAX)
		return access_source_fail(src, -E2BIG, "%s: %llu records: reading by task takes"
					  " at most 2^32-1", s->t.path,
					  (unsigned long long)s->t.nrec);
	s->idx = malloc((s->t.nrec ? s->t.nrec : 1) * sizeof(*s->idx));
	s->cur = calloc(ntasks, sizeof(*s->cur));
	s->end = calloc(ntasks, sizeof(*s->end));
	if (!s->idx || !s->cur || !s->end)
		return access_source_fail(src, -ENOMEM, "%s: out of memory", s->t.path);
	for (uint64_t i = 0; i < s->t.nrec; i++)
		s->end[s->t.rec[i].task]++;
	for (unsigned t = 0, start = 0; t < ntasks; t++) {
		s->cur[t] = start;
		start += (unsigned)s->end[t];
		s->end[t] = start;
	}
	for (uint64_t i = 0; i < s->t.nrec; i++)
		s->idx[s->cur[s->t.rec[i].task]++] = (uint32_t)i;
	for (unsigned t = ntasks; t-- > 0;)
		s->cur[t] = t ? s->end[t - 1] : 0;
	return 0;
}

static int trace_src_next_task(struct access_source *src, unsigned task, struct access_record *r)
{
	struct trace_src *s = src->priv;
	int ret;

	/* One task: its order is the file's. */
	if (s->t.meta.task_count == 1)
		return trace_src_next(src, r);
	if (!s->idx && (ret = trace_src_index(src, s)))
		return ret;
	if (s->cur[task] == s->end[task])
		return 0;
	*r = s->t.rec[s->idx[s->cur[task]++]];
	return 1;
}

static void trace_src_free(struct access_source *src)
{
	struct trace_src *s = src->priv;

	access_close(&s->t);
	free(s->idx);
	free(s->cur);
	free(s->end);
	free(s);
}

static const struct access_source_ops trace_src_sorted_ops = {
	.next = trace_src_next,
	.next_task = trace_src_next_task,
	.free = trace_src_free,
};

/* Not sorted by (time, task): the global order is a merge of the tasks. */
static const struct access_source_ops trace_src_merged_ops = {
	.next = NULL,
	.next_task = trace_src_next_task,
	.free = trace_src_free,
};

int access_source_from_trace(struct access_source **out, struct access_trace *t,
			     char *err, size_t errlen)
{
	struct trace_src *s = malloc(sizeof(*s));
	struct access_source *src;

	*out = NULL;
	if (!s) {
		access_close(t);
		trace_msg(err, errlen, "%s: out of memory", t->path);
		return -ENOMEM;
	}
	memcpy(&s->t, t, sizeof(*t));
	s->pos = 0;
	s->idx = NULL;
	s->cur = s->end = NULL;
	src = access_source_alloc(t->global_order ? &trace_src_sorted_ops : &trace_src_merged_ops,
				  s);
	if (!src) {
		access_close(&s->t);
		free(s);
		trace_msg(err, errlen, "%s: out of memory", t->path);
		return -ENOMEM;
	}
	src->meta = &s->t.meta;
	src->page_store = s->t.page_store_path;
	src->nrec = s->t.nrec;
	*out = src;
	return 0;
}

int access_source_open_trace(struct access_source **src, const char *path,
			     char *err, size_t errlen)
{
	struct access_trace *t = malloc(sizeof(*t));
	int ret;

	*src = NULL;
	if (!t) {
		trace_msg(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	ret = access_open(t, path, err, errlen);
	if (!ret)
		ret = access_source_from_trace(src, t, err, errlen);
	free(t);
	return ret;
}

/* --- writing a source as an access trace ------------------------------------------- */

/* A page store held in memory goes next to the trace as FILE.pages. */
static int write_mem_pages(const char *path, struct access_source *src, struct access_meta *m,
			   char *err, size_t errlen)
{
	char pages[4096];
	struct outfile o;
	const char *base;
	int ret;

	if (trace_pages_path(path, pages, sizeof(pages))) {
		trace_msg(err, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	base = strrchr(pages, '/') ? strrchr(pages, '/') + 1 : pages;
	if (strlen(base) >= sizeof(m->page_store)) {
		trace_msg(err, errlen, "%s: page-store name too long", pages);
		return -ENAMETOOLONG;
	}
	ret = outfile_open(&o, pages, err, errlen);
	if (ret)
		return ret;
	ret = trace_fwrite(o.f, src->pages, SIM_PAGE_SIZE, src->npages);
	ret = outfile_close(&o, ret, err, errlen);
	if (ret)
		return ret;
	strcpy(m->page_store, base);
	m->page_store_pages = src->npages;
	m->page_store_checksum = XXH3_64bits(src->pages, src->npages * SIM_PAGE_SIZE);
	return 0;
}

int access_source_write(const char *path, struct access_source *src, uint64_t *ops,
			char *err, size_t errlen)
{
	struct access_meta *m = malloc(sizeof(*m));
	struct access_writer *w = NULL;
	struct access_record r;
	int ret;

	if (!m) {
		trace_msg(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	*m = *src->meta;
	/* FILE.pages and the trace land together or not at all */
	outfile_hold();
	ret = src->pages && src->npages ? write_mem_pages(path, src, m, err, errlen) : 0;
	if (!ret)
		ret = access_writer_open(&w, path, m, err, errlen);
	while (!ret) {
		int got = access_source_next(src, &r);

		if (got <= 0) {
			if (got < 0)
				trace_msg(err, errlen, "%s", access_source_error(src));
			ret = got;
			break;
		}
		ret = access_writer_add(w, &r, err, errlen);
		if (ops && !ret)
			ops[r.op]++;
	}
	if (ret < 0)
		access_writer_abort(w);
	else if (w)
		ret = access_writer_commit(w, err, errlen);
	free(m);
	return outfile_release(ret, err, errlen);
}
