/* SPDX-License-Identifier: MIT */
/*
 * Access traces, text form: a header of "# key value" lines, then one record
 * per line, "time_ns op vpage order task memcg arg flags".  The header lines
 * start with '#' so that tools which skip '#' lines (awk, pandas with
 * comment='#') see only the records.  Comment lines start with "##"; on a
 * record line '#' starts a trailing comment.  Blank lines and any run of
 * spaces or tabs between fields are allowed, and the reader names the line of
 * the first error.  The writer's output is canonical: reading it and writing
 * it again gives the same bytes.  Grammar in docs/trace-format.md.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "traces/access.h"
#include "traces/access_priv.h"
#include "traces/trace_priv.h"

#define MAX_TOKENS 8
#define COLUMNS    "time_ns op vpage order task memcg arg flags"

struct text_parser {
	struct access_trace *t;
	size_t line;
	struct access_recbuf buf;
	struct access_check check;
	bool have_magic, have_page_size, have_ram, have_seed, have_store, have_columns;
	bool have_frac[4];
	bool in_records;
	char *err;
	size_t errlen;
};

static int fail(struct text_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct text_parser *p, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	trace_msg(p->err, p->errlen, "%s:%zu: %s", p->t->path, p->line, reason);
	return -EINVAL;
}

/* A decimal fraction ("0", "0.25", "1e-3"); strtod would also take "nan",
 * "inf" and hex floats, which are not fractions. */
static bool tok_double(const struct trace_tok *k, double *out)
{
	char buf[48], *end;

	if (!k->n || k->n >= sizeof(buf))
		return false;
	for (size_t i = 0; i < k->n; i++)
		if (!strchr("0123456789.eE+-", k->s[i]))
			return false;
	memcpy(buf, k->s, k->n);
	buf[k->n] = '\0';
	*out = strtod(buf, &end);
	return end == buf + k->n;
}

static int parse_magic(struct text_parser *p, const struct trace_tok *tv, int nt)
{
	uint64_t v;

	if (nt >= 1 && trace_tok_is(&tv[0], TRACE_TEXT_MAGIC))
		return fail(p, "a swap-event trace ('%s'), not an access trace", TRACE_TEXT_MAGIC);
	if (nt != 2 || !trace_tok_is(&tv[0], ACCESS_TEXT_MAGIC))
		return fail(p, "bad magic: the first line must be '# %s %d'", ACCESS_TEXT_MAGIC,
			    ACCESS_VERSION);
	if (!trace_tok_u64(&tv[1], &v) || v != ACCESS_VERSION)
		return fail(p, "unsupported version '%.*s' (this reader supports %d)",
			    (int)tv[1].n, tv[1].s, ACCESS_VERSION);
	p->have_magic = true;
	return 0;
}

/* "# KEY N" with N <= max, at most once. */
static int parse_u64_key(struct text_parser *p, const struct trace_tok *tv, int nt, bool *seen,
			 uint64_t max, uint64_t *out)
{
	if (*seen)
		return fail(p, "duplicate '%.*s' line", (int)tv[0].n, tv[0].s);
	if (nt != 2 || !trace_tok_u64(&tv[1], out) || *out > max)
		return fail(p, "'%.*s' needs one unsigned number <= %llu", (int)tv[0].n, tv[0].s,
			    (unsigned long long)max);
	*seen = true;
	return 0;
}

/* "# task IDX PAGES", indices in order from 0. */
static int parse_task(struct text_parser *p, const struct trace_tok *tv, int nt)
{
	struct access_meta *m = &p->t->meta;
	uint64_t idx, pages;

	if (nt != 3)
		return fail(p, "'task' needs 2 fields: index pages");
	if (!trace_tok_u64(&tv[1], &idx) || idx != m->task_count)
		return fail(p, "task index '%.*s' out of order (expected %u)", (int)tv[1].n,
			    tv[1].s, m->task_count);
	if (m->task_count >= ACCESS_MAX_TASKS)
		return fail(p, "more than %d tasks", ACCESS_MAX_TASKS);
	if (!trace_tok_u64(&tv[2], &pages) || pages > UINT32_MAX)
		return fail(p, "task %llu: pages '%.*s' is not a 32-bit unsigned number",
			    (unsigned long long)idx, (int)tv[2].n, tv[2].s);
	m->task_pages[m->task_count++] = (uint32_t)pages;
	return 0;
}

/* "# memcg IDX NAME PARENT MAX HIGH": indices in order, parent -1 or an
 * earlier index, names unique. */
static int parse_memcg(struct text_parser *p, const struct trace_tok *tv, int nt)
{
	struct access_meta *m = &p->t->meta;
	struct access_memcg *mc;
	char reason[256];
	uint64_t idx;

	if (nt != 6)
		return fail(p, "'memcg' needs 5 fields: index name parent max_pages high_pages");
	if (!trace_tok_u64(&tv[1], &idx) || idx != m->memcg_count)
		return fail(p, "memcg index '%.*s' out of order (expected %u)", (int)tv[1].n,
			    tv[1].s, m->memcg_count);
	if (m->memcg_count >= ACCESS_MAX_MEMCGS)
		return fail(p, "more than %d memcgs", ACCESS_MAX_MEMCGS);
	if (trace_text_memcg(&tv[2], &tv[3], idx, m->memcgs, sizeof(m->memcgs[0]), reason,
			     sizeof(reason)))
		return fail(p, "%s", reason);
	mc = &m->memcgs[idx];
	if (!trace_tok_u64(&tv[4], &mc->max_pages) || !trace_tok_u64(&tv[5], &mc->high_pages))
		return fail(p, "memcg %llu: max_pages and high_pages must be unsigned numbers"
			    " (0 = no limit)", (unsigned long long)idx);
	m->memcg_count++;
	return 0;
}

/* "# page_store NAME PAGES 0xCHECKSUM" */
static int parse_page_store(struct text_parser *p, const struct trace_tok *tv, int nt)
{
	struct access_meta *m = &p->t->meta;
	char reason[256];

	if (p->have_store)
		return fail(p, "duplicate 'page_store' line");
	if (trace_text_page_store(tv, nt, m->page_store, &m->page_store_pages,
				  &m->page_store_checksum, reason, sizeof(reason)))
		return fail(p, "%s", reason);
	p->have_store = true;
	return 0;
}

/* "# zero|same|random|dirty F" */
static int parse_fraction(struct text_parser *p, const struct trace_tok *tv, int nt,
			  unsigned which, double *out)
{
	static const char *const names[] = { "zero", "same", "random", "dirty" };
	char reason[128];

	if (p->have_frac[which])
		return fail(p, "duplicate '%.*s' line", (int)tv[0].n, tv[0].s);
	if (nt != 2 || !tok_double(&tv[1], out))
		return fail(p, "'%.*s' needs one decimal number", (int)tv[0].n, tv[0].s);
	if (access_check_fraction(names[which], *out, reason, sizeof(reason)))
		return fail(p, "%s", reason);
	p->have_frac[which] = true;
	return 0;
}

static int parse_columns(struct text_parser *p, const struct trace_tok *tv, int nt)
{
	static const char *const names[] = {
		"time_ns", "op", "vpage", "order", "task", "memcg", "arg", "flags",
	};

	if (p->have_columns)
		return fail(p, "duplicate 'columns' line");
	for (int i = 0; i < MAX_TOKENS; i++)
		if (nt != 1 + MAX_TOKENS || !trace_tok_is(&tv[i + 1], names[i]))
			return fail(p, "'columns' must be '%s'", COLUMNS);
	p->have_columns = true;
	return 0;
}

/* The known header keys are listed in this one function, so a header line
 * and a misplaced one are told apart the same way. */
static int header_key(const struct trace_tok *k)
{
	static const char *const keys[] = {
		"page_size", "task", "memcg", "ram_pages", "seed", "zero", "same", "random",
		"dirty", "page_store", "columns",
	};

	for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (trace_tok_is(k, keys[i]))
			return (int)i;
	return -1;
}

static int parse_header_line(struct text_parser *p, const struct trace_tok *tv, int nt)
{
	struct access_meta *m = &p->t->meta;
	uint64_t v;
	int key = header_key(&tv[0]);

	if (key < 0)
		return fail(p, "unknown header key '%.*s' (comment lines start with '##')",
			    (int)tv[0].n, tv[0].s);
	if (p->in_records)
		return fail(p, "header line '%.*s' after the first record", (int)tv[0].n, tv[0].s);
	switch (key) {
	case 0:
		if (parse_u64_key(p, tv, nt, &p->have_page_size, UINT64_MAX, &v))
			return -EINVAL;
		if (v != SIM_PAGE_SIZE)
			return fail(p, "page_size %llu (must be %u)", (unsigned long long)v,
				    SIM_PAGE_SIZE);
		m->page_size = (uint32_t)v;
		return 0;
	case 1:
		return parse_task(p, tv, nt);
	case 2:
		return parse_memcg(p, tv, nt);
	case 3:
		return parse_u64_key(p, tv, nt, &p->have_ram, UINT64_MAX, &m->ram_pages);
	case 4:
		return parse_u64_key(p, tv, nt, &p->have_seed, UINT64_MAX, &m->seed);
	case 5:
		return parse_fraction(p, tv, nt, 0, &m->content.zero);
	case 6:
		return parse_fraction(p, tv, nt, 1, &m->content.same);
	case 7:
		return parse_fraction(p, tv, nt, 2, &m->content.random);
	case 8:
		return parse_fraction(p, tv, nt, 3, &m->content.dirty);
	case 9:
		return parse_page_store(p, tv, nt);
	default:
		return parse_columns(p, tv, nt);
	}
}

/* The header ends at the first record (or the end of the file). */
static int finish_header(struct text_parser *p)
{
	struct access_meta *m = &p->t->meta;
	char reason[256];

	if (!m->task_count)
		return fail(p, "missing 'task' header line (need at least one)");
	if (!m->memcg_count)
		return fail(p, "missing 'memcg' header line (need at least one)");
	if (!p->have_page_size)
		m->page_size = SIM_PAGE_SIZE;
	if (access_check_meta(m, reason, sizeof(reason)))
		return fail(p, "%s", reason);
	if (access_check_init(&p->check, m)) {
		trace_msg(p->err, p->errlen, "%s: out of memory", p->t->path);
		return -ENOMEM;
	}
	p->in_records = true;
	return 0;
}

/* A number field of a record that must fit in max. */
static bool rec_field(const struct trace_tok *k, uint64_t max, uint64_t *v)
{
	return trace_tok_u64(k, v) && *v <= max;
}

/* ARG: a number, or "draw" on a write. */
static int parse_arg(struct text_parser *p, const struct trace_tok *k, struct access_record *r,
		     unsigned long long nr)
{
	uint64_t v;

	if (trace_tok_is(k, "draw")) {
		if (r->op != ACCESS_WRITE)
			return fail(p, "record %llu: 'draw' on a '%s' record (only 'write')", nr,
				    access_op_name(r->op));
		r->arg = ACCESS_CONTENT_DRAW;
		return 0;
	}
	if (!rec_field(k, UINT32_MAX, &v))
		return fail(p, "record %llu: arg '%.*s' is not a 32-bit unsigned number", nr,
			    (int)k->n, k->s);
	if (r->op == ACCESS_WRITE && v == ACCESS_CONTENT_DRAW)
		return fail(p, "record %llu: content %llu: write 'draw' for new content", nr,
			    (unsigned long long)v);
	r->arg = (uint32_t)v;
	return 0;
}

static int parse_record(struct text_parser *p, const struct trace_tok *tv, int nt)
{
	unsigned long long nr = (unsigned long long)p->buf.n;
	struct access_record r;
	char reason[256];
	uint64_t v;
	int op;

	if (nt != MAX_TOKENS)
		return nt > MAX_TOKENS ? fail(p, "record %llu: needs 8 fields (%s), got more", nr,
					      COLUMNS)
				       : fail(p, "record %llu: needs 8 fields (%s), got %d", nr,
					      COLUMNS, nt);
	memset(&r, 0, sizeof(r));
	if (!trace_tok_u64(&tv[0], &r.time_ns))
		return fail(p, "record %llu: time '%.*s' is not an unsigned 64-bit number", nr,
			    (int)tv[0].n, tv[0].s);
	op = access_op_parse(tv[1].s, tv[1].n);
	if (op < 0)
		return fail(p, "record %llu: unknown op '%.*s' (want read, write, free, exit,"
			    " reclaim, pageout, set_max or set_ram)", nr, (int)tv[1].n, tv[1].s);
	r.op = (uint8_t)op;
	if (!rec_field(&tv[2], UINT32_MAX, &v))
		return fail(p, "record %llu: vpage '%.*s' is not a 32-bit unsigned number", nr,
			    (int)tv[2].n, tv[2].s);
	r.vpage = (uint32_t)v;
	if (!rec_field(&tv[3], ACCESS_MAX_ORDER, &v))
		return fail(p, "record %llu: order '%.*s' > %d", nr, (int)tv[3].n, tv[3].s,
			    ACCESS_MAX_ORDER);
	r.order = (uint8_t)v;
	if (!rec_field(&tv[4], UINT16_MAX, &v))
		return fail(p, "record %llu: task '%.*s' >= task_count %u", nr, (int)tv[4].n,
			    tv[4].s, p->t->meta.task_count);
	r.task = (uint16_t)v;
	if (!rec_field(&tv[5], UINT16_MAX, &v))
		return fail(p, "record %llu: memcg '%.*s' >= memcg_count %u", nr, (int)tv[5].n,
			    tv[5].s, p->t->meta.memcg_count);
	r.memcg = (uint16_t)v;
	if (parse_arg(p, &tv[6], &r, nr))
		return -EINVAL;
	if (!trace_tok_is(&tv[7], "-"))
		return fail(p, "record %llu: unknown flags '%.*s' (want '-')", nr, (int)tv[7].n,
			    tv[7].s);
	if (access_check_record(&p->check, &r, reason, sizeof(reason)))
		return fail(p, "record %llu: %s", nr, reason);
	if (access_recbuf_push(&p->buf, &r)) {
		trace_msg(p->err, p->errlen, "%s: out of memory", p->t->path);
		return -ENOMEM;
	}
	return 0;
}

static int parse_line(void *ctx, const char *s, size_t n)
{
	struct text_parser *p = ctx;
	struct trace_tok tv[MAX_TOKENS + 2];   /* "columns" and 8 names, and one more */
	unsigned char bad = 0;
	bool hash = false;
	int nt, ret;

	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (n && *s == '#') {
		if (n > 1 && s[1] == '#')
			return 0;   /* a comment line */
		hash = true;
		s++;
		n--;
	}
	nt = trace_tokenize(s, n, tv, MAX_TOKENS + 2, &bad);
	if (nt < 0)
		return fail(p, "invalid character 0x%02x", bad);
	if (!nt)
		return 0;
	if (!p->have_magic)
		return hash ? parse_magic(p, tv, nt)
			    : fail(p, "bad magic: the first line must be '# %s %d'",
				   ACCESS_TEXT_MAGIC, ACCESS_VERSION);
	if (hash)
		return parse_header_line(p, tv, nt);
	if (tv[0].s[0] < '0' || tv[0].s[0] > '9')
		return fail(p, "'%.*s': want a record (starting with its time) or a '#' line",
			    (int)tv[0].n, tv[0].s);
	if (!p->in_records && (ret = finish_header(p)))
		return ret;
	return parse_record(p, tv, nt);
}

int access_text_parse(struct access_trace *t, const char *buf, size_t len,
		      char *err, size_t errlen)
{
	struct text_parser p = { .t = t, .err = err, .errlen = errlen };
	int ret = trace_for_each_line(buf, len, &p.line, parse_line, &p);

	if (!ret && !p.have_magic) {
		p.line = p.line ? p.line : 1;
		ret = fail(&p, "bad magic: no '# %s %d' line", ACCESS_TEXT_MAGIC, ACCESS_VERSION);
	}
	if (!ret && !p.in_records)
		ret = finish_header(&p);
	t->global_order = p.check.global_order;
	access_check_free(&p.check);
	t->owned = p.buf.rec;
	t->rec = t->owned;
	t->nrec = p.buf.n;
	return ret;
}

/* --- writer ------------------------------------------------------------------------ */

void access_format_double(char *buf, size_t len, double v)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

int access_text_write_header(FILE *f, const struct access_meta *m)
{
	const double frac[4] = { m->content.zero, m->content.same, m->content.random,
				 m->content.dirty };
	static const char *const frac_names[4] = { "zero", "same", "random", "dirty" };
	char num[40];

	fprintf(f, "# %s %d\n# page_size %u\n", ACCESS_TEXT_MAGIC, ACCESS_VERSION, m->page_size);
	for (uint32_t i = 0; i < m->task_count; i++)
		fprintf(f, "# task %u %u\n", i, m->task_pages[i]);
	for (uint32_t i = 0; i < m->memcg_count; i++)
		fprintf(f, "# memcg %u %s %d %llu %llu\n", i, m->memcgs[i].name,
			m->memcgs[i].parent, (unsigned long long)m->memcgs[i].max_pages,
			(unsigned long long)m->memcgs[i].high_pages);
	fprintf(f, "# ram_pages %llu\n# seed %llu\n", (unsigned long long)m->ram_pages,
		(unsigned long long)m->seed);
	for (int i = 0; i < 4; i++) {
		access_format_double(num, sizeof(num), frac[i]);
		fprintf(f, "# %s %s\n", frac_names[i], num);
	}
	if (m->page_store[0])
		fprintf(f, "# page_store %s %llu 0x%016llx\n", m->page_store,
			(unsigned long long)m->page_store_pages,
			(unsigned long long)m->page_store_checksum);
	fprintf(f, "# columns %s\n", COLUMNS);
	return ferror(f) ? -EIO : 0;
}

static char *append_str(char *q, const char *s, char sep)
{
	size_t n = strlen(s);

	memcpy(q, s, n);
	q[n] = sep;
	return q + n + 1;
}

int access_text_write_record(FILE *f, const struct access_record *r)
{
	char line[160], *q = line;

	/* Records were validated: op is known, flags are 0. */
	q = trace_append_u64(q, r->time_ns, ' ');
	q = append_str(q, access_op_name(r->op), ' ');
	q = trace_append_u64(q, r->vpage, ' ');
	q = trace_append_u64(q, r->order, ' ');
	q = trace_append_u64(q, r->task, ' ');
	q = trace_append_u64(q, r->memcg, ' ');
	if (r->op == ACCESS_WRITE && r->arg == ACCESS_CONTENT_DRAW)
		q = append_str(q, "draw", ' ');
	else
		q = trace_append_u64(q, r->arg, ' ');
	q = append_str(q, "-", '\n');
	return fwrite(line, 1, (size_t)(q - line), f) == (size_t)(q - line) ? 0 : -EIO;
}
