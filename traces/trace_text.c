/* SPDX-License-Identifier: MIT */
/*
 * Trace format v1, text form: header lines for the metadata, then one event
 * per line, "time_ns op slot order stream memcg content flags".  Written by
 * hand for small tests, so the reader allows comments ('#' to end of line),
 * blank lines and any run of spaces or tabs between fields, and names the line
 * of the first error.  The writer's output is canonical: reading it and
 * writing it again gives the same bytes.  Grammar in docs/trace-format.md.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "traces/trace.h"
#include "traces/trace_priv.h"

#define MAX_TOKENS 8

struct text_parser {
	struct trace *t;
	size_t line;
	uint64_t cap;		/* records allocated in t->owned */
	uint64_t *prev_time;	/* per stream, once the header is complete */
	bool have_magic, have_page_size, have_slots, have_streams, have_store, in_records;
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

bool trace_tok_is(const struct trace_tok *k, const char *s)
{
	return strlen(s) == k->n && !memcmp(k->s, s, k->n);
}

bool trace_tok_u64(const struct trace_tok *k, uint64_t *out)
{
	uint64_t v = 0;

	if (!k->n || k->n > 20)
		return false;
	for (size_t i = 0; i < k->n; i++) {
		unsigned d = (unsigned char)k->s[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool trace_tok_hex64(const struct trace_tok *k, uint64_t *out)
{
	uint64_t v = 0;

	if (k->n < 3 || k->n > 18 || k->s[0] != '0' || k->s[1] != 'x')
		return false;
	for (size_t i = 2; i < k->n; i++) {
		char c = k->s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

int trace_tokenize(const char *s, size_t n, struct trace_tok *tv, int max, unsigned char *bad)
{
	int nt = 0;
	size_t i = 0;

	while (i < n && s[i] != '#') {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\r') {
			i++;
			continue;
		}
		if (c < ' ' || c > '~') {
			*bad = c;
			return -1;
		}
		if (nt < max) {
			tv[nt].s = s + i;
			tv[nt].n = 0;
		}
		while (i < n && s[i] > ' ' && s[i] <= '~' && s[i] != '#') {
			i++;
			if (nt < max)
				tv[nt].n++;
		}
		nt++;   /* counted even when not stored: errors say how many */
	}
	return nt;
}

static int parse_magic(struct text_parser *p, const struct trace_tok *tv, int nt)
{
	uint64_t v;

	if (!trace_tok_is(&tv[0], TRACE_TEXT_MAGIC) || nt != 2)
		return fail(p, "bad magic: the first line must be '%s %d'", TRACE_TEXT_MAGIC,
			    TRACE_VERSION);
	if (!trace_tok_u64(&tv[1], &v) || v != TRACE_VERSION)
		return fail(p, "unsupported version '%.*s' (this reader supports %d)",
			    (int)tv[1].n, tv[1].s, TRACE_VERSION);
	p->have_magic = true;
	return 0;
}

/* "KEY N" with 1 <= N <= max, at most once. */
static int parse_count(struct text_parser *p, const struct trace_tok *tv, int nt, bool *seen,
		       uint64_t min, uint64_t max, uint32_t *out)
{
	uint64_t v;

	if (*seen)
		return fail(p, "duplicate '%.*s' line", (int)tv[0].n, tv[0].s);
	if (nt != 2 || !trace_tok_u64(&tv[1], &v))
		return fail(p, "'%.*s' needs one unsigned number", (int)tv[0].n, tv[0].s);
	if (v < min || v > max)
		return fail(p, "%.*s %llu out of range %llu..%llu", (int)tv[0].n, tv[0].s,
			    (unsigned long long)v, (unsigned long long)min,
			    (unsigned long long)max);
	*seen = true;
	*out = (uint32_t)v;
	return 0;
}

int trace_text_memcg(const struct trace_tok *name, const struct trace_tok *parent, uint64_t idx,
		     void *table, size_t stride, char *reason, size_t len)
{
	char *entry = (char *)table + idx * stride;
	uint64_t up = 0;
	int32_t p;
	bool top;

	if (name->n >= TRACE_NAME_MAX || !trace_name_ok(name->s, name->n)) {
		trace_msg(reason, len, "memcg %llu: bad name (want 1..%d printable characters)",
			  (unsigned long long)idx, TRACE_NAME_MAX - 1);
		return -EINVAL;
	}
	top = trace_tok_is(parent, "-1");
	if (!top && (!trace_tok_u64(parent, &up) || up >= idx)) {
		trace_msg(reason, len, "memcg %llu: parent '%.*s' invalid (must be -1 or an earlier"
			  " index)", (unsigned long long)idx, (int)parent->n, parent->s);
		return -EINVAL;
	}
	for (uint64_t j = 0; j < idx; j++) {
		if (trace_tok_is(name, (const char *)table + j * stride)) {
			trace_msg(reason, len, "memcg %llu: name '%.*s' repeats memcg %llu",
				  (unsigned long long)idx, (int)name->n, name->s,
				  (unsigned long long)j);
			return -EINVAL;
		}
	}
	memcpy(entry, name->s, name->n);
	entry[name->n] = '\0';
	p = top ? -1 : (int32_t)up;
	memcpy(entry + offsetof(struct trace_memcg, parent), &p, sizeof(p));
	return 0;
}

int trace_text_page_store(const struct trace_tok *tv, int nt, char *name, uint64_t *pages,
			  uint64_t *checksum, char *reason, size_t len)
{
	if (nt != 4) {
		trace_msg(reason, len, "'page_store' needs 3 fields: name pages checksum");
		return -EINVAL;
	}
	if (tv[1].n >= TRACE_PATH_MAX || !trace_name_ok(tv[1].s, tv[1].n)) {
		trace_msg(reason, len, "bad page-store name (want 1..%d printable characters)",
			  TRACE_PATH_MAX - 1);
		return -EINVAL;
	}
	if (!trace_tok_u64(&tv[2], pages)) {
		trace_msg(reason, len, "page-store pages '%.*s' is not an unsigned number",
			  (int)tv[2].n, tv[2].s);
		return -EINVAL;
	}
	if (!trace_tok_hex64(&tv[3], checksum)) {
		trace_msg(reason, len, "page-store checksum '%.*s' is not 0x and 1..16 hex digits",
			  (int)tv[3].n, tv[3].s);
		return -EINVAL;
	}
	memcpy(name, tv[1].s, tv[1].n);
	name[tv[1].n] = '\0';
	return 0;
}

/* memcg IDX NAME PARENT: indices in order from 0, parent -1 or earlier. */
static int parse_memcg(struct text_parser *p, const struct trace_tok *tv, int nt)
{
	struct trace_meta *m = &p->t->meta;
	char reason[256];
	uint64_t idx;

	if (nt != 4)
		return fail(p, "'memcg' needs 3 fields: index name parent");
	if (!trace_tok_u64(&tv[1], &idx) || idx != m->memcg_count)
		return fail(p, "memcg index '%.*s' out of order (expected %u)", (int)tv[1].n,
			    tv[1].s, m->memcg_count);
	if (m->memcg_count >= TRACE_MAX_MEMCGS)
		return fail(p, "more than %d memcgs", TRACE_MAX_MEMCGS);
	if (trace_text_memcg(&tv[2], &tv[3], idx, m->memcgs, sizeof(m->memcgs[0]), reason,
			     sizeof(reason)))
		return fail(p, "%s", reason);
	m->memcg_count++;
	return 0;
}

/* page_store NAME PAGES CHECKSUM */
static int parse_page_store(struct text_parser *p, const struct trace_tok *tv, int nt)
{
	struct trace_meta *m = &p->t->meta;
	char reason[256];

	if (p->have_store)
		return fail(p, "duplicate 'page_store' line");
	if (trace_text_page_store(tv, nt, m->page_store, &m->page_store_pages,
				  &m->page_store_checksum, reason, sizeof(reason)))
		return fail(p, "%s", reason);
	p->have_store = true;
	return 0;
}

static int parse_header_line(struct text_parser *p, const struct trace_tok *tv, int nt)
{
	struct trace_meta *m = &p->t->meta;

	if (p->in_records)
		return fail(p, "header line '%.*s' after the first record", (int)tv[0].n, tv[0].s);
	if (trace_tok_is(&tv[0], "page_size"))
		return parse_count(p, tv, nt, &p->have_page_size, SIM_PAGE_SIZE, SIM_PAGE_SIZE,
				   &m->page_size);
	if (trace_tok_is(&tv[0], "slot_count"))
		return parse_count(p, tv, nt, &p->have_slots, 1, UINT32_MAX, &m->slot_count);
	if (trace_tok_is(&tv[0], "stream_count"))
		return parse_count(p, tv, nt, &p->have_streams, 1, TRACE_MAX_STREAMS,
				   &m->stream_count);
	if (trace_tok_is(&tv[0], "memcg"))
		return parse_memcg(p, tv, nt);
	if (trace_tok_is(&tv[0], "page_store"))
		return parse_page_store(p, tv, nt);
	return fail(p, "unknown header line '%.*s'", (int)tv[0].n, tv[0].s);
}

/* The header ends at the first record (or the end of the file). */
static int finish_header(struct text_parser *p)
{
	struct trace_meta *m = &p->t->meta;
	char reason[256];

	if (!p->have_slots)
		return fail(p, "missing 'slot_count' header line");
	if (!p->have_streams)
		return fail(p, "missing 'stream_count' header line");
	if (!m->memcg_count)
		return fail(p, "missing 'memcg' header line (need at least one)");
	if (!p->have_page_size)
		m->page_size = SIM_PAGE_SIZE;
	if (trace_check_meta(m, reason, sizeof(reason)))
		return fail(p, "%s", reason);
	p->prev_time = calloc(m->stream_count, sizeof(*p->prev_time));
	if (!p->prev_time) {
		trace_msg(p->err, p->errlen, "%s: out of memory", p->t->path);
		return -ENOMEM;
	}
	p->in_records = true;
	return 0;
}

static int grow_records(struct text_parser *p)
{
	uint64_t cap = p->cap ? p->cap * 2 : 4096;
	struct trace_record *r;

	if (cap > SIZE_MAX / sizeof(*r))
		return -ENOMEM;
	r = realloc(p->t->owned, cap * sizeof(*r));
	if (!r)
		return -ENOMEM;
	p->t->owned = r;
	p->cap = cap;
	return 0;
}

/* A number field of a record that must fit in max. */
static bool rec_field(const struct trace_tok *k, uint64_t max, uint64_t *v)
{
	return trace_tok_u64(k, v) && *v <= max;
}

static int parse_record(struct text_parser *p, const struct trace_tok *tv, int nt)
{
	struct trace *t = p->t;
	unsigned long long nr = (unsigned long long)t->nrec;
	struct trace_record r;
	char reason[256], op[8];
	uint64_t v;
	int ret;

	if (nt != 8)
		return fail(p, "record %llu: needs 8 fields (time_ns op slot order stream memcg"
			    " content flags), got %d", nr, nt);
	memset(&r, 0, sizeof(r));
	if (!trace_tok_u64(&tv[0], &r.time_ns))
		return fail(p, "record %llu: time '%.*s' is not an unsigned 64-bit number", nr,
			    (int)tv[0].n, tv[0].s);
	snprintf(op, sizeof(op), "%.*s", (int)tv[1].n, tv[1].s);
	ret = tv[1].n < sizeof(op) ? trace_op_parse(op) : -1;
	if (ret < 0)
		return fail(p, "record %llu: unknown op '%.*s' (want out, in or inval)", nr,
			    (int)tv[1].n, tv[1].s);
	r.op = (uint8_t)ret;
	if (!rec_field(&tv[2], UINT32_MAX, &v))
		return fail(p, "record %llu: slot '%.*s' is not a 32-bit unsigned number", nr,
			    (int)tv[2].n, tv[2].s);
	r.slot = (uint32_t)v;
	if (!rec_field(&tv[3], UINT8_MAX, &v))
		return fail(p, "record %llu: order '%.*s' > %d", nr, (int)tv[3].n, tv[3].s,
			    TRACE_MAX_ORDER);
	r.order = (uint8_t)v;
	if (!rec_field(&tv[4], UINT16_MAX, &v))
		return fail(p, "record %llu: stream '%.*s' >= stream_count %u", nr, (int)tv[4].n,
			    tv[4].s, t->meta.stream_count);
	r.stream = (uint16_t)v;
	if (!rec_field(&tv[5], UINT16_MAX, &v))
		return fail(p, "record %llu: memcg '%.*s' >= memcg_count %u", nr, (int)tv[5].n,
			    tv[5].s, t->meta.memcg_count);
	r.memcg = (uint16_t)v;
	if (!rec_field(&tv[6], UINT32_MAX, &v))
		return fail(p, "record %llu: content '%.*s' is not a 32-bit unsigned number", nr,
			    (int)tv[6].n, tv[6].s);
	r.content = (uint32_t)v;
	if (trace_flags_parse(tv[7].s, tv[7].n, &r.flags))
		return fail(p, "record %llu: unknown flags '%.*s' (want '-' or some of "
			    "hint|zero|ra|clean, each once, joined by '|')", nr, (int)tv[7].n, tv[7].s);
	if (trace_check_record(&t->meta, &r, p->prev_time, reason, sizeof(reason)))
		return fail(p, "record %llu: %s", nr, reason);
	if (t->nrec == p->cap && grow_records(p)) {
		trace_msg(p->err, p->errlen, "%s: out of memory", t->path);
		return -ENOMEM;
	}
	t->owned[t->nrec++] = r;
	return 0;
}

static int parse_line(void *ctx, const char *s, size_t n)
{
	struct text_parser *p = ctx;
	struct trace_tok tv[MAX_TOKENS + 1];
	unsigned char bad = 0;
	int nt, ret;

	nt = trace_tokenize(s, n, tv, MAX_TOKENS + 1, &bad);
	if (nt < 0)
		return fail(p, "invalid character 0x%02x", bad);
	if (!nt)
		return 0;
	if (!p->have_magic)
		return parse_magic(p, tv, nt);
	if (tv[0].s[0] >= '0' && tv[0].s[0] <= '9') {
		if (!p->in_records && (ret = finish_header(p)))
			return ret;
		return parse_record(p, tv, nt);
	}
	return parse_header_line(p, tv, nt);
}

int trace_text_parse(struct trace *t, const char *buf, size_t len, char *err, size_t errlen)
{
	struct text_parser p = { .t = t, .err = err, .errlen = errlen };
	int ret = trace_for_each_line(buf, len, &p.line, parse_line, &p);

	if (!ret && !p.have_magic) {
		p.line = p.line ? p.line : 1;
		ret = fail(&p, "bad magic: no '%s %d' line", TRACE_TEXT_MAGIC, TRACE_VERSION);
	}
	if (!ret && !p.in_records)
		ret = finish_header(&p);
	free(p.prev_time);
	t->rec = t->owned;
	return ret;
}

/* Unsigned decimal into the end of buf; returns the start. */
static char *put_u64(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

char *trace_append_u64(char *p, uint64_t v, char sep)
{
	char tmp[24];
	char *s = put_u64(tmp + sizeof(tmp), v);
	size_t n = (size_t)(tmp + sizeof(tmp) - s);

	memcpy(p, s, n);
	p[n] = sep;
	return p + n + 1;
}

int trace_text_write(FILE *f, const struct trace_meta *m,
		     const struct trace_record *rec, uint64_t nrec)
{
	char flags[TRACE_F_KNOWN + 1][16];

	fprintf(f, "%s %d\n", TRACE_TEXT_MAGIC, TRACE_VERSION);
	fprintf(f, "page_size %u\nslot_count %u\nstream_count %u\n", m->page_size,
		m->slot_count, m->stream_count);
	for (uint32_t i = 0; i < m->memcg_count; i++)
		fprintf(f, "memcg %u %s %d\n", i, m->memcgs[i].name, m->memcgs[i].parent);
	if (m->page_store[0])
		fprintf(f, "page_store %s %llu 0x%016llx\n", m->page_store,
			(unsigned long long)m->page_store_pages,
			(unsigned long long)m->page_store_checksum);
	fputs("# time_ns op slot order stream memcg content flags\n", f);

	/* Records were validated, so flags <= TRACE_F_KNOWN and op is known. */
	for (unsigned i = 0; i <= TRACE_F_KNOWN; i++)
		trace_flags_format(i, flags[i], sizeof(flags[i]));
	for (uint64_t i = 0; i < nrec; i++) {
		const struct trace_record *r = &rec[i];
		const char *op = trace_op_name(r->op), *fl = flags[r->flags & TRACE_F_KNOWN];
		char line[160], *q = line;
		size_t n;

		q = trace_append_u64(q, r->time_ns, ' ');
		n = strlen(op);
		memcpy(q, op, n);
		q[n] = ' ';
		q += n + 1;
		q = trace_append_u64(q, r->slot, ' ');
		q = trace_append_u64(q, r->order, ' ');
		q = trace_append_u64(q, r->stream, ' ');
		q = trace_append_u64(q, r->memcg, ' ');
		q = trace_append_u64(q, r->content, ' ');
		n = strlen(fl);
		memcpy(q, fl, n);
		q[n] = '\n';
		q += n + 1;
		fwrite(line, 1, (size_t)(q - line), f);
	}
	return ferror(f) ? -EIO : 0;
}
