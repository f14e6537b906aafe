/* SPDX-License-Identifier: MIT */
/*
 * zswapsim trace info|validate|convert for access traces and the other access
 * formats (libCacheSim oracleGeneral, CSV): called by sim/cmd_trace.c when the
 * input is an access trace (.zswa, or .txt with the access magic) or --format
 * names one.  Reading goes through an access source, so every subcommand
 * validates the whole input first; a bad one is one line on stderr and exit
 * status 2.
 */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli.h"
#include "sim/cmd_access.h"
#include "traces/access_source.h"
#include "traces/outfile.h"

/* What info counts. */
struct access_stats {
	uint64_t records, ops[ACCESS_OP_COUNT], pages[ACCESS_OP_COUNT];
	uint64_t by_order[ACCESS_MAX_ORDER + 1];
	uint64_t first_ns, last_ns, distinct;
	uint32_t tasks_used;
	uint64_t *memcg_records;   /* memcg_count */
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Distinct (task, vpage) of the touches: sorted, so memory follows the
 * records, not the address-space sizes a header claims. */
static uint64_t count_distinct(uint64_t *key, uint64_t n)
{
	uint64_t d = 0;

	qsort(key, n, sizeof(*key), cmp_u64);
	for (uint64_t i = 0; i < n; i++)
		d += !i || key[i] != key[i - 1];
	return d;
}

static int collect(struct access_source *src, struct access_stats *st, char *err, size_t errlen)
{
	const struct access_meta *m = access_source_meta(src);
	uint8_t *used = calloc(m->task_count, 1);
	uint64_t *key = NULL, nkey = 0, cap = 0;
	struct access_record r;
	int ret;

	memset(st, 0, sizeof(*st));
	st->memcg_records = calloc(m->memcg_count, sizeof(uint64_t));
	st->first_ns = UINT64_MAX;
	if (!used || !st->memcg_records)
		goto nomem;
	while ((ret = access_source_next(src, &r)) == 1) {
		st->records++;
		st->ops[r.op]++;
		st->memcg_records[r.memcg]++;
		st->first_ns = r.time_ns < st->first_ns ? r.time_ns : st->first_ns;
		st->last_ns = r.time_ns > st->last_ns ? r.time_ns : st->last_ns;
		st->tasks_used += !used[r.task];
		used[r.task] = 1;
		if (r.op == ACCESS_FREE || r.op == ACCESS_PAGEOUT || r.op == ACCESS_RECLAIM)
			st->pages[r.op] += r.arg;
		if (r.op != ACCESS_READ && r.op != ACCESS_WRITE)
			continue;
		st->pages[r.op]++;
		st->by_order[r.order]++;
		if (nkey == cap) {
			uint64_t *k = realloc(key, (cap = cap ? 2 * cap : 4096) * sizeof(*key));

			if (!k)
				goto nomem;
			key = k;
		}
		key[nkey++] = (uint64_t)r.task << 32 | r.vpage;
	}
	if (ret < 0)
		snprintf(err, errlen, "%s", access_source_error(src));
	if (!st->records)
		st->first_ns = 0;
	st->distinct = count_distinct(key, nkey);
	free(key);
	free(used);
	return ret;
nomem:
	free(key);
	free(used);
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

static json_t *ju64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static void print_json(const char *file, const char *format, struct access_source *src,
		       const struct access_stats *st)
{
	const struct access_meta *m = access_source_meta(src);
	json_t *o = json_object(), *ops = json_object(), *orders = json_array();
	json_t *memcgs = json_array(), *time = json_object(), *content = json_object();
	json_t *ps = json_null();
	uint64_t pages = 0;
	char *s;

	for (uint32_t t = 0; t < m->task_count; t++)
		pages += m->task_pages[t];
	json_object_set_new(o, "file", json_string(file));
	json_object_set_new(o, "format", json_string(format));
	json_object_set_new(o, "records", ju64(st->records));
	for (unsigned op = 0; op < ACCESS_OP_COUNT; op++) {
		json_t *e = json_object();

		json_object_set_new(e, "records", ju64(st->ops[op]));
		json_object_set_new(e, "pages", ju64(st->pages[op]));
		json_object_set_new(ops, access_op_name(op), e);
	}
	json_object_set_new(o, "ops", ops);
	for (int i = 0; i <= ACCESS_MAX_ORDER; i++)
		json_array_append_new(orders, ju64(st->by_order[i]));
	json_object_set_new(o, "touches_by_order", orders);
	json_object_set_new(o, "distinct_pages", ju64(st->distinct));
	json_object_set_new(time, "first_ns", ju64(st->first_ns));
	json_object_set_new(time, "last_ns", ju64(st->last_ns));
	json_object_set_new(time, "span_ns", ju64(st->last_ns - st->first_ns));
	json_object_set_new(o, "time", time);
	json_object_set_new(o, "task_count", json_integer(m->task_count));
	json_object_set_new(o, "tasks_used", json_integer(st->tasks_used));
	json_object_set_new(o, "task_pages", ju64(pages));
	for (uint32_t i = 0; i < m->memcg_count; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "index", json_integer(i));
		json_object_set_new(e, "name", json_string(m->memcgs[i].name));
		json_object_set_new(e, "parent", json_integer(m->memcgs[i].parent));
		json_object_set_new(e, "max_pages", ju64(m->memcgs[i].max_pages));
		json_object_set_new(e, "high_pages", ju64(m->memcgs[i].high_pages));
		json_object_set_new(e, "records", ju64(st->memcg_records[i]));
		json_array_append_new(memcgs, e);
	}
	json_object_set_new(o, "memcgs", memcgs);
	json_object_set_new(o, "ram_pages", ju64(m->ram_pages));
	json_object_set_new(o, "seed", ju64(m->seed));
	json_object_set_new(content, "zero", json_real(m->content.zero));
	json_object_set_new(content, "same", json_real(m->content.same));
	json_object_set_new(content, "random", json_real(m->content.random));
	json_object_set_new(content, "dirty", json_real(m->content.dirty));
	json_object_set_new(o, "content", content);
	if (m->page_store[0]) {
		ps = json_object();
		json_object_set_new(ps, "name", json_string(m->page_store));
		json_object_set_new(ps, "path", json_string(access_source_page_store(src)));
		json_object_set_new(ps, "pages", ju64(m->page_store_pages));
		json_object_set_new(ps, "checksum", ju64(m->page_store_checksum));
	}
	json_object_set_new(o, "page_store", ps);
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(o);
}

static void print_text(const char *file, const char *format, struct access_source *src,
		       const struct access_stats *st)
{
	const struct access_meta *m = access_source_meta(src);
	uint64_t pages = 0;

	for (uint32_t t = 0; t < m->task_count; t++)
		pages += m->task_pages[t];
	printf("file            %s (%s access trace)\n", file, format);
	printf("records         %llu\n", (unsigned long long)st->records);
	printf("time            %llu .. %llu ns (span %llu ns)\n",
	       (unsigned long long)st->first_ns, (unsigned long long)st->last_ns,
	       (unsigned long long)(st->last_ns - st->first_ns));
	printf("tasks           %u used of %u, %llu pages of address space\n", st->tasks_used,
	       m->task_count, (unsigned long long)pages);
	printf("pages touched   %llu distinct\n", (unsigned long long)st->distinct);
	if (m->ram_pages)
		printf("ram limit       %llu pages\n", (unsigned long long)m->ram_pages);
	else
		printf("ram limit       none\n");
	if (m->page_store[0])
		printf("page store      %s (%llu pages, checksum 0x%016llx)\n", m->page_store,
		       (unsigned long long)m->page_store_pages,
		       (unsigned long long)m->page_store_checksum);
	else
		printf("page store      none\n");
	printf("content         zero %g, same %g, random %g, dirty %g, seed %llu\n",
	       m->content.zero, m->content.same, m->content.random, m->content.dirty,
	       (unsigned long long)m->seed);
	printf("by op           records      pages\n");
	for (unsigned op = 0; op < ACCESS_OP_COUNT; op++)
		printf("  %-13s %8llu %10llu\n", access_op_name(op),
		       (unsigned long long)st->ops[op], (unsigned long long)st->pages[op]);
	printf("touches by order\n");
	for (int i = 0; i <= ACCESS_MAX_ORDER; i++)
		if (st->by_order[i])
			printf("  %-13d %8llu\n", i, (unsigned long long)st->by_order[i]);
	printf("by memcg        records  max_pages  high_pages  parent  name\n");
	for (uint32_t i = 0; i < m->memcg_count; i++)
		printf("  %-13u %8llu %10llu %11llu  %6d  %s\n", i,
		       (unsigned long long)st->memcg_records[i],
		       (unsigned long long)m->memcgs[i].max_pages,
		       (unsigned long long)m->memcgs[i].high_pages, m->memcgs[i].parent,
		       m->memcgs[i].name);
}

int access_cli_options(int argc, char **argv, struct access_cli *c, int npos)
{
	memset(c, 0, sizeof(*c));
	c->format = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--json")) {
			c->json = true;
		} else if (!strcmp(a, "--oracle-general")) {
			c->oracle = true;
		} else if (!strcmp(a, "--format") || !strcmp(a, "--think") ||
			   !strcmp(a, "--columns")) {
			char *end;

			if (!v) {
				cli_error("trace: %s needs a value", a);
				return -1;
			}
			i++;
			if (a[2] == 'f' && (c->format = access_format_parse(v)) < 0) {
				cli_error("trace: --format '%s' (want zswapsim, oracleGeneral or csv)", v);
				return -1;
			}
			if (a[2] == 'c')
				c->opts.csv_columns = v;
			if (a[2] == 't' && (c->opts.think_ns = strtoull(v, &end, 10), *end || *v == '-' || !*v)) {
				cli_error("trace: --think '%s' is not a number of ns", v);
				return -1;
			}
		} else if (a[0] == '-' && a[1]) {
			cli_error("trace: unknown option '%s' (try --help)", a);
			return -1;
		} else if (c->npos < npos) {
			c->pos[c->npos++] = argv[i];
		} else {
			cli_error("trace: unexpected argument '%s' (try --help)", a);
			return -1;
		}
	}
	if (c->npos < npos) {
		cli_error("trace: missing %s (try --help)", c->npos ? "output file" : "file");
		return -1;
	}
	if (c->format < 0 && strlen(c->pos[0]) > 4 &&
	    !strcmp(c->pos[0] + strlen(c->pos[0]) - 4, ".csv"))
		c->format = ACCESS_FMT_CSV;
	return 0;
}

/* The input as a source, errors printed. */
static struct access_source *open_input(const struct access_cli *c, int *status)
{
	struct access_source *src;
	char err[1024];
	int fmt = c->format < 0 ? ACCESS_FMT_ZSWAPSIM : c->format;
	int ret = access_source_open(&src, c->pos[0], (enum access_format)fmt, &c->opts, err,
				     sizeof(err));

	if (ret) {
		cli_error("%s", err);
		*status = cli_exit_status(ret);
		return NULL;
	}
	return src;
}

static const char *format_of(const struct access_cli *c)
{
	if (c->format > 0)
		return access_format_name((unsigned)c->format);
	return access_path_form(c->pos[0]) == TRACE_FORM_BINARY ? "binary" : "text";
}

int access_cli_info(const struct access_cli *c)
{
	struct access_stats st;
	struct access_source *src;
	char err[1024];
	int status = EXIT_OK, ret;

	src = open_input(c, &status);
	if (!src)
		return status;
	ret = collect(src, &st, err, sizeof(err));
	if (ret) {
		cli_error("%s: %s", c->pos[0], err);
		status = cli_exit_status(ret);
	} else if (c->json) {
		print_json(c->pos[0], format_of(c), src, &st);
	} else {
		print_text(c->pos[0], format_of(c), src, &st);
	}
	free(st.memcg_records);
	access_source_close(src);
	return status;
}

int access_cli_validate(const struct access_cli *c)
{
	struct access_source *src;
	int status = EXIT_OK;

	src = open_input(c, &status);
	if (!src)
		return status;
	/* every record was checked when the source opened */
	printf("%s: ok, %llu records\n", c->pos[0],
	       (unsigned long long)access_source_records(src));
	access_source_close(src);
	return EXIT_OK;
}

int access_cli_convert(const struct access_cli *c)
{
	struct access_source *src;
	char err[1024];
	int status = EXIT_OK, ret;

	/* Refuse a bad output name before reading a large input. */
	if (!c->oracle && access_path_form(c->pos[1]) < 0) {
		cli_error("%s: unknown access-trace extension (want .zswa or .txt, or give"
			  " --oracle-general)", c->pos[1]);
		return EXIT_USAGE;
	}
	ret = outfile_check_here(c->pos[1], err, sizeof(err));
	if (ret) {
		cli_error("%s", err);
		return cli_exit_status(ret);
	}
	src = open_input(c, &status);
	if (!src)
		return status;
	ret = c->oracle ? access_oracle_write(c->pos[1], src, NULL, err, sizeof(err))
			: access_source_write(c->pos[1], src, NULL, err, sizeof(err));
	access_source_close(src);
	if (ret) {
		cli_error("%s", err);
		return cli_exit_status(ret);
	}
	return EXIT_OK;
}
