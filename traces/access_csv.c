/* SPDX-License-Identifier: MIT */
/*
 * Plain CSV access traces as an access source.
 *
 * The first line (after blank and '#' lines) is a header of column names; a
 * column is found by its field's name (time_ns, task, vpage, op, order,
 * memcg), or by the name the column mapping gives it ("vpage=page,
 * time_ns=ts").  Only vpage is required: without time_ns the k-th access of a
 * task (k = 1, 2, ...) is at k * think_ns; without task every access is task
 * 0's; without op every access reads; order and memcg default to 0.  Other
 * columns are ignored.  Fields are separated by ',' with optional spaces;
 * numbers are unsigned decimal or 0x-hex; op is r, w, read or write (any
 * case); quoting is not supported.  Tasks, their address-space sizes and the
 * memcgs follow from the largest values seen.  Errors name the line.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "traces/access_priv.h"
#include "traces/access_source.h"
#include "traces/access_source_impl.h"
#include "traces/trace_priv.h"

#define CSV_MAX_COLUMNS 64

enum csv_field { F_TIME, F_TASK, F_VPAGE, F_OP, F_ORDER, F_MEMCG, F_COUNT };

static const char *const field_names[F_COUNT] = {
	"time_ns", "task", "vpage", "op", "order", "memcg",
};

struct csv_cell {
	const char *s;
	size_t n;
};

struct csv_parser {
	struct access_trace *t;
	const struct access_file_opts *opts;
	size_t line;
	int col[F_COUNT];          /* column of each field, -1 if absent */
	int ncol;
	uint64_t *last;            /* per task: time of its last access */
	uint64_t *count;           /* per task: accesses so far */
	struct access_recbuf buf;
	uint32_t max_task, max_memcg;
	char *err;
	size_t errlen;
};

static int fail(struct csv_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct csv_parser *p, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (p->line)
		trace_msg(p->err, p->errlen, "%s:%zu: %s", p->t->path, p->line, reason);
	else
		trace_msg(p->err, p->errlen, "%s: %s", p->t->path, reason);
	return -EINVAL;
}

/* Split a line at ',' into at most max cells, trimming spaces and tabs.
 * Returns the number of cells (max + 1 when there are more), or -1 on a
 * quote or a control character. */
static int split(const char *s, size_t n, struct csv_cell *c, int max)
{
	int nc = 0;
	size_t i = 0;

	for (;;) {
		size_t a = i, b;

		while (i < n && s[i] != ',') {
			if (s[i] == '"' || ((unsigned char)s[i] < ' ' && s[i] != '\t' && s[i] != '\r'))
				return -1;
			i++;
		}
		b = i;
		while (a < b && (s[a] == ' ' || s[a] == '\t'))
			a++;
		while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
			b--;
		if (nc == max)
			return max + 1;
		c[nc].s = s + a;
		c[nc].n = b - a;
		nc++;
		if (i == n)
			return nc;
		i++;
	}
}

static bool cell_is(const struct csv_cell *c, const char *s, size_t n)
{
	return c->n == n && !memcmp(c->s, s, n);
}

/* Unsigned decimal or 0x-hex; false on anything else or overflow. */
static bool cell_u64(const struct csv_cell *c, uint64_t *out)
{
	struct trace_tok k = { c->s, c->n };

	if (c->n > 2 && c->s[0] == '0' && (c->s[1] == 'x' || c->s[1] == 'X')) {
		char buf[20];

		if (c->n > 18)
			return false;
		memcpy(buf, c->s, c->n);
		buf[1] = 'x';
		k.s = buf;
		return trace_tok_hex64(&k, out);
	}
	return trace_tok_u64(&k, out);
}

/* The column of each field: the mapping's name or the field's own. */
static int map_columns(struct csv_parser *p, const struct csv_cell *hdr, int ncol)
{
	const char *spec = p->opts->csv_columns ? p->opts->csv_columns : "";
	struct csv_cell want[F_COUNT];
	bool mapped[F_COUNT] = { false };

	for (int f = 0; f < F_COUNT; f++) {
		want[f].s = field_names[f];
		want[f].n = strlen(field_names[f]);
	}
	while (*spec) {
		const char *eq = strchr(spec, '='), *end = strchr(spec, ',');
		int f;

		end = end ? end : spec + strlen(spec);
		if (!eq || eq > end)
			return fail(p, "column mapping '%s': want FIELD=COLUMN,...",
				    p->opts->csv_columns);
		for (f = 0; f < F_COUNT; f++)
			if (strlen(field_names[f]) == (size_t)(eq - spec) &&
			    !memcmp(spec, field_names[f], (size_t)(eq - spec)))
				break;
		if (f == F_COUNT)
			return fail(p, "column mapping: unknown field '%.*s' (want time_ns, task,"
				    " vpage, op, order or memcg)", (int)(eq - spec), spec);
		want[f].s = eq + 1;
		want[f].n = (size_t)(end - eq - 1);
		mapped[f] = true;
		spec = *end ? end + 1 : end;
	}
	for (int f = 0; f < F_COUNT; f++) {
		p->col[f] = -1;
		for (int c = 0; c < ncol; c++) {
			if (!cell_is(&hdr[c], want[f].s, want[f].n))
				continue;
			if (p->col[f] >= 0)
				return fail(p, "column '%.*s' appears twice in the header",
					    (int)want[f].n, want[f].s);
			p->col[f] = c;
		}
		if (p->col[f] < 0 && (mapped[f] || f == F_VPAGE))
			return fail(p, "no column '%.*s' (for %s) in the header", (int)want[f].n,
				    want[f].s, field_names[f]);
	}
	p->ncol = ncol;
	return 0;
}

/* Field f of the record: its cell as a number <= max, or def when absent. */
static int field_u64(struct csv_parser *p, const struct csv_cell *c, int f, uint64_t max,
		     uint64_t def, uint64_t *out)
{
	if (p->col[f] < 0) {
		*out = def;
		return 0;
	}
	c += p->col[f];
	if (!cell_u64(c, out))
		return fail(p, "%s '%.*s' is not an unsigned number", field_names[f], (int)c->n,
			    c->s);
	if (*out > max)
		return fail(p, "%s %llu > %llu", field_names[f], (unsigned long long)*out,
			    (unsigned long long)max);
	return 0;
}

static int field_op(struct csv_parser *p, const struct csv_cell *c, uint8_t *op)
{
	static const char *const names[] = { "r", "read", "w", "write" };

	*op = ACCESS_READ;
	if (p->col[F_OP] < 0)
		return 0;
	c += p->col[F_OP];
	for (unsigned i = 0; i < 4; i++) {
		if (c->n == strlen(names[i]) && !strncasecmp(c->s, names[i], c->n)) {
			*op = i < 2 ? ACCESS_READ : ACCESS_WRITE;
			return 0;
		}
	}
	return fail(p, "op '%.*s' (want r, w, read or write)", (int)c->n, c->s);
}

static int parse_record(struct csv_parser *p, const struct csv_cell *c)
{
	struct access_record r = { .arg = 0 };
	uint64_t time, task, vpage, order, memcg, end;

	if (field_u64(p, c, F_TASK, ACCESS_MAX_TASKS - 1, 0, &task) ||
	    field_u64(p, c, F_VPAGE, UINT32_MAX, 0, &vpage) ||
	    field_u64(p, c, F_ORDER, ACCESS_MAX_ORDER, 0, &order) ||
	    field_u64(p, c, F_MEMCG, ACCESS_MAX_MEMCGS - 1, 0, &memcg) ||
	    field_op(p, c, &r.op))
		return -EINVAL;
	p->count[task]++;
	if (p->col[F_TIME] < 0) {
		if (p->opts->think_ns && p->count[task] > (uint64_t)INT64_MAX / p->opts->think_ns)
			return fail(p, "access %llu of task %llu x think %llu ns > 2^63-1 ns",
				    (unsigned long long)p->count[task], (unsigned long long)task,
				    (unsigned long long)p->opts->think_ns);
		time = p->count[task] * p->opts->think_ns;
	} else if (field_u64(p, c, F_TIME, INT64_MAX, 0, &time)) {
		return -EINVAL;
	}
	if (time < p->last[task])
		return fail(p, "time going backwards in task %llu: %llu after %llu",
			    (unsigned long long)task, (unsigned long long)time,
			    (unsigned long long)p->last[task]);
	/* the task's address space ends after the last folio it touches */
	end = (vpage & ~((1ull << order) - 1)) + (1ull << order);
	if (end > UINT32_MAX)
		return fail(p, "vpage %llu: its order-%llu folio ends beyond 2^32-1 pages",
			    (unsigned long long)vpage, (unsigned long long)order);
	p->last[task] = time;
	r.time_ns = time;
	r.task = (uint16_t)task;
	r.vpage = (uint32_t)vpage;
	r.order = (uint8_t)order;
	r.memcg = (uint16_t)memcg;
	if (r.op == ACCESS_WRITE)
		r.arg = ACCESS_CONTENT_DRAW;
	if (end > p->t->meta.task_pages[task])
		p->t->meta.task_pages[task] = (uint32_t)end;
	p->max_task = task > p->max_task ? (uint32_t)task : p->max_task;
	p->max_memcg = memcg > p->max_memcg ? (uint32_t)memcg : p->max_memcg;
	if (access_recbuf_push(&p->buf, &r)) {
		trace_msg(p->err, p->errlen, "%s: out of memory", p->t->path);
		return -ENOMEM;
	}
	return 0;
}

static int parse_line(void *ctx, const char *s, size_t n)
{
	struct csv_parser *p = ctx;
	struct csv_cell c[CSV_MAX_COLUMNS];
	size_t i = 0;
	int nc;

	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	if (i == n || s[i] == '#')
		return 0;
	nc = split(s, n, c, CSV_MAX_COLUMNS);
	if (nc < 0)
		return fail(p, "quote or control character (quoted fields are not supported)");
	if (nc > CSV_MAX_COLUMNS)
		return fail(p, "more than %d columns", CSV_MAX_COLUMNS);
	if (!p->ncol)
		return map_columns(p, c, nc);
	if (nc != p->ncol)
		return fail(p, "%d fields, the header has %d", nc, p->ncol);
	return parse_record(p, c);
}

/* Tasks and memcgs from the largest indices seen. */
static void finish_meta(struct csv_parser *p)
{
	struct access_meta *m = &p->t->meta;

	m->page_size = SIM_PAGE_SIZE;
	m->task_count = p->max_task + 1;
	m->memcg_count = p->max_memcg + 1;
	for (uint32_t i = 0; i < m->memcg_count; i++) {
		if (p->col[F_MEMCG] < 0)
			strcpy(m->memcgs[i].name, "root");
		else
			snprintf(m->memcgs[i].name, sizeof(m->memcgs[i].name), "memcg%u", i);
		m->memcgs[i].parent = -1;
	}
}

static int csv_parse(void *ctx, const char *buf, size_t len)
{
	struct csv_parser *p = ctx;
	int ret = trace_for_each_line(buf, len, &p->line, parse_line, p);

	if (ret)
		return ret;
	p->line = 0;
	if (!p->ncol)
		return fail(p, "no header line (want column names, e.g. time_ns,task,vpage,op)");
	finish_meta(p);
	p->t->owned = p->buf.rec;
	p->t->rec = p->buf.rec;
	p->t->nrec = p->buf.n;
	p->buf.rec = NULL;
	/* Checked line by line already; this is the rule book every source meets. */
	return access_check_records(p->t->path, &p->t->meta, p->t->rec, p->t->nrec,
				    &p->t->global_order, p->err, p->errlen);
}

int access_source_open_csv(struct access_source **src, const char *path,
			   const struct access_file_opts *opts, char *err, size_t errlen)
{
	struct access_trace *t = calloc(1, sizeof(*t));
	struct csv_parser p = { .t = t, .opts = opts, .err = err, .errlen = errlen };
	int ret;

	*src = NULL;
	p.last = calloc(ACCESS_MAX_TASKS, sizeof(*p.last));
	p.count = calloc(ACCESS_MAX_TASKS, sizeof(*p.count));
	if (!t || !p.last || !p.count || strlen(path) >= sizeof(t->path)) {
		ret = t && p.last && p.count ? -ENAMETOOLONG : -ENOMEM;
		trace_msg(err, errlen, "%.64s: %s", path, strerror(-ret));
		goto out;
	}
	strcpy(t->path, path);
	ret = trace_parse_file(path, csv_parse, &p, NULL, err, errlen);
	if (!ret)
		ret = access_source_from_trace(src, t, err, errlen);
	else
		access_close(t);
out:
	free(p.buf.rec);
	free(p.last);
	free(p.count);
	free(t);
	return ret;
}
