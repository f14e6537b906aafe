// SPDX-License-Identifier: MIT
/*
 * CSV swap-event traces into zswapsim traces (see import.h).
 *
 * The parser is deliberately small: comma-separated fields, a field may be
 * quoted with "..." ("" inside is one quote, no line breaks), spaces around
 * a field are dropped, a trailing \r and a leading UTF-8 byte-order mark are
 * ignored, blank lines are skipped.  The first line is the header; every row
 * has as many fields as the header.  Columns the mapping does not name are
 * ignored.  Every bad row is one error line "IN:LINE: reason", and the file
 * is read once, in time and memory proportional to its rows.
 *
 * Rows are sorted by time (rows with equal times keep their order), so a
 * trace's streams never go back in time.  Content is assigned after the sort:
 * a hint of 4096 / ratio bytes, or pages drawn from page stores; a slot keeps
 * its pages while it stays allocated (a swap-out after a swap-in of the same
 * slot writes the same page back, as the kernel does for a clean swap-cache
 * folio), and an `inval` forgets them, so the next swap-out to the slot is a
 * different page with fresh content.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xxhash.h>

#include "traces/content.h"
#include "traces/import.h"
#include "traces/outfile.h"
#include "traces/trace_priv.h"

enum csv_field { F_TIME, F_OP, F_SLOT, F_ORDER, F_CGROUP, F_STREAM, NFIELDS };

static const char *const field_names[NFIELDS] = {
	[F_TIME] = "time_ns", [F_OP] = "op", [F_SLOT] = "slot",
	[F_ORDER] = "order", [F_CGROUP] = "cgroup", [F_STREAM] = "stream",
};

static bool printable(const char *v, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (v[k] < ' ' || v[k] > '~')
			return false;
	return true;
}

#define SHOW_MAX 48
#define SHOW(v, n) trace_show((char[SHOW_MAX]){ 0 }, SHOW_MAX, (v), (n))

#define CSV_VALUE_MAX 128    /* longest value of a field we read (a cgroup name is < 64) */
#define CSV_MAX_STREAMS TRACE_MAX_STREAMS

/* Which header name holds each field, and which column that is. */
struct csv_map {
	char name[NFIELDS][CSV_VALUE_MAX];
	bool named[NFIELDS];   /* given with --columns: the column must exist */
	long col[NFIELDS];     /* column index, -1 if absent */
};

/* ---- a small hash map of 32-bit keys (slots, stream ids) to 32-bit values --------- */

/* Open addressing with linear probing; an entry is (key + 1) << 32 | value,
 * 0 when empty, so keys go up to 2^32 - 2. */
struct u32map {
	uint64_t *e;
	uint64_t cap, n;   /* cap a power of two, n < cap / 2 */
};

static uint64_t map_home(const struct u32map *m, uint32_t key)
{
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ull;

	return (h ^ h >> 29) & (m->cap - 1);
}

static uint64_t *map_find(struct u32map *m, uint32_t key)
{
	uint64_t i = map_home(m, key);

	while (m->e[i] && (uint32_t)(m->e[i] >> 32) != key + 1)
		i = (i + 1) & (m->cap - 1);
	return &m->e[i];
}

static int map_grow(struct u32map *m)
{
	struct u32map bigger = { .cap = m->cap ? m->cap * 2 : 1024 };

	bigger.e = calloc(bigger.cap, sizeof(*bigger.e));
	if (!bigger.e)
		return -ENOMEM;
	for (uint64_t i = 0; i < m->cap; i++)
		if (m->e[i])
			*map_find(&bigger, (uint32_t)(m->e[i] >> 32) - 1) = m->e[i];
	bigger.n = m->n;
	free(m->e);
	*m = bigger;
	return 0;
}

static bool map_get(struct u32map *m, uint32_t key, uint32_t *val)
{
	uint64_t *e = m->cap ? map_find(m, key) : NULL;

	if (!e || !*e)
		return false;
	*val = (uint32_t)*e;
	return true;
}

static int map_put(struct u32map *m, uint32_t key, uint32_t val)
{
	uint64_t *e;

	if ((m->n + 1) * 2 > m->cap && map_grow(m))
		return -ENOMEM;
	e = map_find(m, key);
	m->n += !*e;
	*e = (uint64_t)(key + 1) << 32 | val;
	return 0;
}

/* Remove key, shifting back the entries of its probe run that would no
 * longer be found (no tombstones). */
static void map_del(struct u32map *m, uint32_t key)
{
	uint64_t *e = m->cap ? map_find(m, key) : NULL;
	uint64_t hole, i;

	if (!e || !*e)
		return;
	hole = (uint64_t)(e - m->e);
	m->e[hole] = 0;
	m->n--;
	for (i = (hole + 1) & (m->cap - 1); m->e[i]; i = (i + 1) & (m->cap - 1)) {
		uint64_t home = map_home(m, (uint32_t)(m->e[i] >> 32) - 1);

		/* move the entry into the hole unless its home lies in (hole, i] */
		if ((i - home) % m->cap >= (i - hole) % m->cap) {
			m->e[hole] = m->e[i];
			m->e[i] = 0;
			hole = i;
		}
	}
}

/* ---- the mapping --------------------------------------------------------------- */

static int parse_columns(const char *spec, struct csv_map *m, char *err, size_t errlen)
{
	for (int f = 0; f < NFIELDS; f++) {
		snprintf(m->name[f], sizeof(m->name[f]), "%s", field_names[f]);
		m->named[f] = false;
		m->col[f] = -1;
	}
	for (const char *p = spec; p && *p;) {
		const char *end = strchr(p, ','), *eq = strchr(p, '=');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int f;

		if (!eq || eq >= p + n) {
			trace_msg(err, errlen, "--columns '%s': want FIELD=NAME,... (fields time_ns, op,"
				  " slot, order, cgroup, stream)", SHOW(spec, strlen(spec)));
			return -EINVAL;
		}
		for (f = 0; f < NFIELDS; f++)
			if (strlen(field_names[f]) == (size_t)(eq - p) &&
			    !strncmp(p, field_names[f], (size_t)(eq - p)))
				break;
		if (f == NFIELDS || m->named[f]) {
			trace_msg(err, errlen, "--columns: %s field '%s' (fields time_ns, op, slot,"
				  " order, cgroup, stream)", f == NFIELDS ? "unknown" : "repeated",
				  SHOW(p, (size_t)(eq - p)));
			return -EINVAL;
		}
		n -= (size_t)(eq + 1 - p);
		if (!n || n >= CSV_VALUE_MAX ||
		    memchr(eq + 1, '"', n) || !printable(eq + 1, n)) {
			trace_msg(err, errlen, "--columns: %s=: the column name must have 1..%d"
				  " printable characters, no '\"'", field_names[f], CSV_VALUE_MAX - 1);
			return -EINVAL;
		}
		memcpy(m->name[f], eq + 1, n);
		m->name[f][n] = '\0';
		m->named[f] = true;
		p = end ? end + 1 : NULL;
	}
	for (int f = 0; f < NFIELDS; f++)
		for (int g = 0; g < f; g++)
			if (!strcmp(m->name[f], m->name[g])) {
				trace_msg(err, errlen, "--columns: fields %s and %s both name column"
					  " '%s'", field_names[g], field_names[f], m->name[f]);
				return -EINVAL;
			}
	return 0;
}

/* ---- lines and fields ---------------------------------------------------------------- */

struct csv_reader {
	const char *path;
	const char *p, *end;     /* the rest of the file */
	uint64_t line;           /* number of the current line, from 1 */
	const char *lp, *le;     /* the current line's unread part */
};

/* The next non-blank line into lp..le (without \n or a trailing \r). */
static bool csv_next_line(struct csv_reader *r)
{
	while (r->p < r->end) {
		const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
		const char *e = nl ? nl : r->end, *q;

		r->line++;
		r->lp = r->p;
		r->le = e > r->p && e[-1] == '\r' ? e - 1 : e;
		r->p = nl ? nl + 1 : r->end;
		for (q = r->lp; q < r->le && (*q == ' ' || *q == '\t'); q++)
			;
		if (q < r->le)
			return true;
	}
	return false;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The next field of the current line.  An unquoted field is a span of the
 * line (*val, *n); a quoted one is unescaped into buf (at most CSV_VALUE_MAX
 * - 1 bytes; a longer value comes back with *n = CSV_VALUE_MAX, too long for
 * any field we read).  *last is set on the line's last field.  Returns NULL,
 * or the reason the field is malformed.
 */
static const char *csv_field(struct csv_reader *r, char *buf, const char **val, size_t *n,
			     bool *last)
{
	const char *p = r->lp, *e = r->le;

	while (p < e && is_blank(*p))
		p++;
	if (p < e && *p == '"') {
		size_t k = 0;

		for (p++;; p++) {
			if (p == e)
				return "unterminated quote";
			if (*p == '"' && (p + 1 == e || p[1] != '"'))
				break;
			p += *p == '"';        /* "" is one quote */
			if (k < CSV_VALUE_MAX)
				buf[k++] = *p;
		}
		for (p++; p < e && is_blank(*p); p++)
			;
		if (p < e && *p != ',')
			return "text after a closing quote";
		*val = buf;
		*n = k;
	} else {
		const char *s = p, *t;

		while (p < e && *p != ',') {
			if (*p == '"')
				return "quote inside an unquoted field";
			p++;
		}
		for (t = p; t > s && is_blank(t[-1]); t--)
			;
		*val = s;
		*n = (size_t)(t - s);
	}
	*last = p == e;
	r->lp = p < e ? p + 1 : e;
	return NULL;
}

/* ---- values ------------------------------------------------------------------------ */

static bool parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!n || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9 || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* ---- the import ---------------------------------------------------------------------- */

struct importer {
	const struct import_params *p;
	struct csv_reader r;
	struct csv_map map;
	long ncols;
	signed char *colfield;          /* field of each column, -1 for none */
	struct trace_meta *meta;
	struct trace_record *rec;
	uint64_t nrec, cap;
	uint64_t slot_end;              /* highest slot used + 1 */
	struct u32map streams;          /* stream column value -> stream index */
	int last_memcg;
	char *err;
	size_t errlen;
};

static int row_error(struct importer *im, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int row_error(struct importer *im, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	trace_msg(im->err, im->errlen, "%s:%llu: %s", im->r.path,
		  (unsigned long long)im->r.line, reason);
	return -EINVAL;
}

/* The header: find the column of every field. */
static int read_header(struct importer *im)
{
	char buf[CSV_VALUE_MAX], cols[256] = "";
	const char *why, *v;
	bool last = false;
	size_t n;
	int f;

	if (!csv_next_line(&im->r)) {
		trace_msg(im->err, im->errlen, "%s: no header line (the default header is %s)",
			  im->r.path, IMPORT_CSV_HEADER);
		return -EINVAL;
	}
	for (long c = 0; !last; c++) {
		why = csv_field(&im->r, buf, &v, &n, &last);
		if (why)
			return row_error(im, "header column %ld: %s", c + 1, why);
		if (strlen(cols) + n + 3 < sizeof(cols))
			snprintf(cols + strlen(cols), sizeof(cols) - strlen(cols), "%s%s",
				 c ? "," : "", SHOW(v, n));
		for (f = 0; f < NFIELDS; f++)
			if (strlen(im->map.name[f]) == n && !memcmp(im->map.name[f], v, n))
				break;
		if (f < NFIELDS && im->map.col[f] >= 0)
			return row_error(im, "column '%s' appears twice in the header",
					 im->map.name[f]);
		if (f < NFIELDS)
			im->map.col[f] = c;
		im->ncols = c + 1;
	}
	for (f = 0; f < NFIELDS; f++) {
		bool required = f == F_TIME || f == F_OP || f == F_SLOT || im->map.named[f];

		if (im->map.col[f] < 0 && required)
			return row_error(im, "no column '%s' for %s in the header '%s' (name it with"
					 " --columns %s=NAME)", im->map.name[f], field_names[f],
					 cols, field_names[f]);
	}
	im->colfield = malloc((size_t)im->ncols);
	if (!im->colfield)
		return -ENOMEM;
	memset(im->colfield, -1, (size_t)im->ncols);
	for (f = 0; f < NFIELDS; f++)
		if (im->map.col[f] >= 0)
			im->colfield[im->map.col[f]] = (signed char)f;
	return 0;
}

static int memcg_index(struct importer *im, const char *name, size_t n)
{
	struct trace_meta *m = im->meta;
	uint32_t i;

	if (im->last_memcg >= 0 && strlen(m->memcgs[im->last_memcg].name) == n &&
	    !memcmp(m->memcgs[im->last_memcg].name, name, n))
		return im->last_memcg;
	for (i = 0; i < m->memcg_count; i++)
		if (strlen(m->memcgs[i].name) == n && !memcmp(m->memcgs[i].name, name, n))
			return im->last_memcg = (int)i;
	if (n >= TRACE_NAME_MAX || !trace_name_ok(name, n))
		return row_error(im, "cgroup '%s': want 1..%d printable characters other than"
				 " space and '#'", SHOW(name, n), TRACE_NAME_MAX - 1);
	if (m->memcg_count == TRACE_MAX_MEMCGS)
		return row_error(im, "more than %d cgroups", TRACE_MAX_MEMCGS);
	memcpy(m->memcgs[i].name, name, n);
	m->memcgs[i].name[n] = '\0';
	m->memcgs[i].parent = -1;
	m->memcg_count++;
	return im->last_memcg = (int)i;
}

static int stream_index(struct importer *im, uint64_t id)
{
	uint32_t idx;

	if (map_get(&im->streams, (uint32_t)id, &idx))
		return (int)idx;
	if (im->streams.n == CSV_MAX_STREAMS)
		return row_error(im, "more than %d streams", CSV_MAX_STREAMS);
	idx = (uint32_t)im->streams.n;
	if (map_put(&im->streams, (uint32_t)id, idx))
		return -ENOMEM;
	return (int)idx;
}

/* One value of a row into r (stream: *stream_id). */
static int set_field(struct importer *im, int f, const char *v, size_t n,
		     struct trace_record *r, int *memcg, uint64_t *stream_id)
{
	uint64_t x;
	int op;

	switch (f) {
	case F_TIME:
		if (!parse_u64(v, n, INT64_MAX, &x))
			return row_error(im, "time_ns '%s': want an integer 0..2^63-1", SHOW(v, n));
		r->time_ns = x;
		return 0;
	case F_OP:
		for (op = 0; op < TRACE_OP_COUNT; op++)
			if (strlen(trace_op_name((unsigned)op)) == n &&
			    !memcmp(trace_op_name((unsigned)op), v, n))
				break;
		if (op == TRACE_OP_COUNT)
			return row_error(im, "op '%s': want out, in or inval", SHOW(v, n));
		r->op = (uint8_t)op;
		return 0;
	case F_SLOT:
		if (!parse_u64(v, n, UINT32_MAX - 1, &x))
			return row_error(im, "slot '%s': want an integer 0..%u", SHOW(v, n),
					 UINT32_MAX - 1);
		r->slot = (uint32_t)x;
		return 0;
	case F_ORDER:
		if (!parse_u64(v, n, TRACE_MAX_ORDER, &x))
			return row_error(im, "order '%s': want 0..%d", SHOW(v, n), TRACE_MAX_ORDER);
		r->order = (uint8_t)x;
		return 0;
	case F_CGROUP:
		*memcg = memcg_index(im, v, n);
		return *memcg < 0 ? *memcg : 0;
	case F_STREAM:
		if (!parse_u64(v, n, UINT32_MAX - 1, stream_id))
			return row_error(im, "stream '%s': want an integer 0..%u", SHOW(v, n),
					 UINT32_MAX - 1);
		return 0;
	}
	return 0;
}

static int add_record(struct importer *im, const struct trace_record *r)
{
	if (im->nrec == im->cap) {
		uint64_t cap = im->cap ? im->cap * 2 : 4096;
		struct trace_record *p = realloc(im->rec, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		im->rec = p;
		im->cap = cap;
	}
	im->rec[im->nrec++] = *r;
	return 0;
}

static int read_row(struct importer *im)
{
	struct trace_record r = { 0 };
	char buf[CSV_VALUE_MAX];
	uint64_t stream_id = 0, end;
	int memcg = -1, ret;
	bool last = false;
	long c;

	for (c = 0; !last; c++) {
		const char *why, *v;
		size_t n;

		why = csv_field(&im->r, buf, &v, &n, &last);
		if (why)
			return row_error(im, "column %ld: %s", c + 1, why);
		if (c < im->ncols && im->colfield[c] >= 0) {
			ret = set_field(im, im->colfield[c], v, n, &r, &memcg, &stream_id);
			if (ret)
				return ret;
		}
	}
	if (c != im->ncols)
		return row_error(im, "%ld columns, the header has %ld", c, im->ncols);
	if (memcg < 0)
		memcg = memcg_index(im, "/", 1);
	r.memcg = (uint16_t)memcg;
	if (im->map.col[F_STREAM] >= 0) {
		ret = stream_index(im, stream_id);
		if (ret < 0)
			return ret;
		r.stream = (uint16_t)ret;
	} else {
		r.stream = r.memcg;      /* one stream per cgroup */
	}
	end = (uint64_t)r.slot + trace_nr_pages(&r);
	if (end > (im->p->slots ? im->p->slots : UINT32_MAX))
		return row_error(im, "slot range %u + %u pages beyond %s%llu", r.slot,
				 trace_nr_pages(&r), im->p->slots ? "--slots " : "the trace format's slot limit ",
				 (unsigned long long)(im->p->slots ? im->p->slots : UINT32_MAX));
	if (end > im->slot_end)
		im->slot_end = end;
	return add_record(im, &r) ? -ENOMEM : 0;
}

/* ---- order and content -------------------------------------------------------------- */

static int by_time(const void *a, const void *b, void *arg)
{
	const struct trace_record *rec = arg;
	uint64_t i = *(const uint64_t *)a, j = *(const uint64_t *)b;

	if (rec[i].time_ns != rec[j].time_ns)
		return rec[i].time_ns < rec[j].time_ns ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Sort the records by time, keeping the file order of equal times. */
static int sort_by_time(struct importer *im)
{
	uint64_t *idx, i;
	struct trace_record *sorted;

	for (i = 1; i < im->nrec && im->rec[i - 1].time_ns <= im->rec[i].time_ns; i++)
		;
	if (i >= im->nrec)
		return 0;
	idx = malloc(im->nrec * sizeof(*idx));
	sorted = malloc(im->nrec * sizeof(*sorted));
	if (!idx || !sorted) {
		free(idx);
		free(sorted);
		return -ENOMEM;
	}
	for (i = 0; i < im->nrec; i++)
		idx[i] = i;
	qsort_r(idx, im->nrec, sizeof(*idx), by_time, im->rec);
	for (i = 0; i < im->nrec; i++)
		sorted[i] = im->rec[idx[i]];
	free(idx);
	free(im->rec);
	im->rec = sorted;
	im->cap = im->nrec;
	return 0;
}

/* Every page compresses to 4096 / ratio bytes. */
static uint32_t ratio_hint(double ratio)
{
	double h = (double)SIM_PAGE_SIZE / ratio + 0.5;

	return h < 1 ? 1 : h > SIM_PAGE_SIZE ? SIM_PAGE_SIZE : (uint32_t)h;
}

/* The pages of a swap-out: those the slots kept since their last swap-out
 * when they are one run, else a fresh draw. */
static uint32_t folio_content(struct u32map *kept, struct content *ct, const struct trace_record *r)
{
	uint32_t n = trace_nr_pages(r), base = CONTENT_NONE, c;

	for (uint32_t i = 0; i < n; i++) {
		if (!map_get(kept, r->slot + i, &c) || (i && c != base + i)) {
			base = CONTENT_NONE;
			break;
		}
		if (!i)
			base = c;
	}
	if (base != CONTENT_NONE)
		return base;
	base = content_new(ct, n);
	for (uint32_t i = 0; i < n && base != CONTENT_NONE; i++)
		if (map_put(kept, r->slot + i, base + i))
			return CONTENT_NONE;
	return base;
}

static int assign_pages(struct importer *im, struct content *ct)
{
	struct u32map kept = { 0 };
	int ret = 0;

	for (uint64_t i = 0; i < im->nrec && !ret; i++) {
		struct trace_record *r = &im->rec[i];

		if (r->op == TRACE_OP_OUT) {
			r->content = folio_content(&kept, ct, r);
			if (r->content == CONTENT_NONE)
				ret = -ENOMEM;
		} else if (r->op == TRACE_OP_INVAL) {
			for (uint32_t k = 0; k < trace_nr_pages(r); k++)
				map_del(&kept, r->slot + k);
		}
	}
	free(kept.e);
	if (ret)
		trace_msg(im->err, im->errlen, "%s: out of memory for page content", im->r.path);
	return ret;
}

/* FILE.zswt / FILE.txt -> FILE.pages, written and named in meta. */
static int write_pages(struct importer *im, struct content *ct, const char *out)
{
	const char *dot = strrchr(out, '.'), *base;
	char path[PATH_MAX];
	int ret;

	if ((size_t)snprintf(path, sizeof(path), "%.*s.pages", (int)(dot - out), out) >= sizeof(path)) {
		trace_msg(im->err, im->errlen, "%s: path too long", out);
		return -ENAMETOOLONG;
	}
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (strlen(base) >= TRACE_PATH_MAX || !trace_name_ok(base, strlen(base))) {
		trace_msg(im->err, im->errlen, "%s: a page-store name has at most %d printable"
			  " characters, no spaces or '#'", path, TRACE_PATH_MAX - 1);
		return -EINVAL;
	}
	/* from memory: the file is under its temp name until the trace is */
	im->meta->page_store_checksum = XXH3_64bits(ct->pages, ct->npages * SIM_PAGE_SIZE);
	ret = content_write(ct, path, im->err, im->errlen);
	if (ret)
		return ret;
	strcpy(im->meta->page_store, base);
	im->meta->page_store_pages = ct->npages;
	return 0;
}

static int check_params(const struct import_params *p, const char *out, char *err, size_t errlen)
{
	if (trace_path_form(out) < 0) {
		trace_msg(err, errlen, "%s: unknown trace extension (want .zswt or .txt)", out);
		return -EINVAL;
	}
	if (p->ratio < 0 || p->ratio != p->ratio) {
		trace_msg(err, errlen, "--ratio: want 1..4096");
		return -EINVAL;
	}
	if ((p->ratio > 0) == (p->content && *p->content)) {
		trace_msg(err, errlen, "give one of --ratio R (hint records) or --content SPEC"
			  " (pages from page stores, e.g. traces/bundled/corpus.pages)");
		return -EINVAL;
	}
	if (p->ratio > 0 && !(p->ratio >= 1 && p->ratio <= SIM_PAGE_SIZE)) {
		trace_msg(err, errlen, "--ratio %g: want 1..4096 (4096 / ratio bytes per page)",
			  p->ratio);
		return -EINVAL;
	}
	if (p->slots > UINT32_MAX) {
		trace_msg(err, errlen, "--slots %llu: want 1..%u", (unsigned long long)p->slots,
			  UINT32_MAX);
		return -EINVAL;
	}
	/* before reading the CSV; FILE.pages is written with --content */
	return trace_check_outputs(out, p->content && *p->content, err, errlen);
}

static int import_rows(struct importer *im, const char *in)
{
	void *map;
	size_t len;
	int ret = trace_map_file(in, &map, &len, im->err, im->errlen);

	if (ret)
		return ret;
	im->r = (struct csv_reader){ .path = in, .p = map ? map : "" };
	im->r.end = im->r.p + len;
	if (len >= 3 && !memcmp(map, "\xef\xbb\xbf", 3))
		im->r.p += 3;             /* UTF-8 byte-order mark */
	ret = read_header(im);
	while (!ret && csv_next_line(&im->r))
		ret = read_row(im);
	if (map)
		munmap(map, len);
	if (ret == -ENOMEM)
		trace_msg(im->err, im->errlen, "%s: out of memory", in);
	return ret;
}

int import_csv(const char *in, const char *out, const struct import_params *p,
	       struct import_summary *sum, char *err, size_t errlen)
{
	struct importer im = { .p = p, .err = err, .errlen = errlen, .last_memcg = -1 };
	struct content ct;
	bool have_ct = false;
	int ret;

	ret = check_params(p, out, err, errlen);
	if (!ret)
		ret = parse_columns(p->columns, &im.map, err, errlen);
	if (ret)
		return ret;
	im.meta = calloc(1, sizeof(*im.meta));
	if (!im.meta) {
		trace_msg(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = import_rows(&im, in);
	if (!ret && !im.meta->memcg_count)
		memcg_index(&im, "/", 1);            /* a trace has at least one memcg */
	if (!ret && (ret = sort_by_time(&im)))
		trace_msg(err, errlen, "%s: out of memory", in);
	if (!ret && p->ratio > 0) {
		uint32_t hint = ratio_hint(p->ratio);

		for (uint64_t i = 0; i < im.nrec; i++)
			if (im.rec[i].op == TRACE_OP_OUT) {
				im.rec[i].content = hint;
				im.rec[i].flags = TRACE_F_HINT;
			}
	}
	/* FILE.pages and the trace land together or not at all */
	outfile_hold();
	if (!ret && p->ratio <= 0) {
		struct content_params cp = { .spec = p->content, .max_pages = p->max_pages };

		ret = content_init(&ct, &cp, p->seed, err, errlen);
		have_ct = !ret;
		if (!ret)
			ret = assign_pages(&im, &ct);
		if (!ret && ct.npages)
			ret = write_pages(&im, &ct, out);
	}
	if (!ret) {
		im.meta->page_size = SIM_PAGE_SIZE;
		im.meta->slot_count = (uint32_t)(p->slots ? p->slots : im.slot_end ? im.slot_end : 1);
		im.meta->stream_count = im.map.col[F_STREAM] >= 0
			? (uint32_t)(im.streams.n ? im.streams.n : 1) : im.meta->memcg_count;
		ret = trace_write(out, im.meta, im.rec, im.nrec, err, errlen);
	}
	ret = outfile_release(ret, err, errlen);
	if (!ret && sum) {
		memset(sum, 0, sizeof(*sum));
		sum->records = im.nrec;
		for (uint64_t i = 0; i < im.nrec; i++)
			sum->ops[im.rec[i].op]++;
		sum->streams = im.meta->stream_count;
		sum->memcgs = im.meta->memcg_count;
		sum->slot_count = im.meta->slot_count;
		sum->hint = p->ratio > 0 ? ratio_hint(p->ratio) : 0;
		sum->pages = im.meta->page_store_pages;
		memcpy(sum->page_store, im.meta->page_store, sizeof(sum->page_store));
	}
	if (have_ct)
		content_free(&ct);
	free(im.streams.e);
	free(im.colfield);
	free(im.rec);
	free(im.meta);
	return ret;
}
