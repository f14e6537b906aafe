/* SPDX-License-Identifier: MIT */
/*
 * zswapsim trace info|validate|convert|gen: look at, check and convert trace
 * files.  Reading goes through trace_open(), so every subcommand validates the
 * whole trace (and its page store) first; a bad trace is one line on stderr
 * and exit status 2.
 */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli.h"
#include "sim/cmd_access.h"
#include "traces/access.h"
#include "traces/trace.h"

static const char trace_usage[] =
	"usage: zswapsim trace info FILE [--json] [ACCESS-OPTIONS]\n"
	"       zswapsim trace validate FILE [ACCESS-OPTIONS]\n"
	"       zswapsim trace convert IN OUT [--oracle-general] [ACCESS-OPTIONS]\n"
	"       zswapsim trace gen KIND ...\n"
	"\n"
	"Swap-event traces are binary (.zswt) or text (.txt); access traces are\n"
	"binary (.zswa) or text (.txt starting '# zswapsim-access'), chosen by\n"
	"extension and first line; docs/trace-format.md describes them.  Other\n"
	"access formats are read with ACCESS-OPTIONS:\n"
	"  --format F      zswapsim, oracleGeneral (libCacheSim, plain or .zst) or csv\n"
	"                  (a .csv file is csv without it)\n"
	"  --think NS      oracleGeneral, CSV without a time column: the k-th access of\n"
	"                  a task is at k * NS (default 0)\n"
	"  --columns MAP   CSV: FIELD=COLUMN,... renames (fields time_ns, task, vpage,\n"
	"                  op, order, memcg)\n"
	"'zswapsim trace SUBCOMMAND --help' describes one subcommand.\n";

static const char info_usage[] =
	"usage: zswapsim trace info FILE [--json] [ACCESS-OPTIONS]\n"
	"\n"
	"Validate FILE and summarise it.  A swap-event trace: records and pages by\n"
	"op, events by folio order and by memcg, time span, distinct swap slots,\n"
	"streams, and the page store.  An access trace (or --format): records and\n"
	"pages by op, touches by folio order, distinct pages touched, time span,\n"
	"tasks, memcgs with their limits, RAM limit, content mix and page store.\n"
	"--json prints the same as one JSON object.  ACCESS-OPTIONS: see\n"
	"'zswapsim trace --help'.\n";

static const char validate_usage[] =
	"usage: zswapsim trace validate FILE [ACCESS-OPTIONS]\n"
	"\n"
	"Check every header field and record of FILE and its page store's size and\n"
	"checksum.  Prints 'FILE: ok, N records', or the first error (file, record or\n"
	"line number, reason) on stderr with exit status 2.\n";

static const char convert_usage[] =
	"usage: zswapsim trace convert IN OUT [--oracle-general] [ACCESS-OPTIONS]\n"
	"\n"
	"Validate IN and write it to OUT in the form OUT's extension names: a\n"
	"swap-event trace as .zswt (binary) or .txt (text); an access trace, or an\n"
	"oracleGeneral or CSV file read with --format, as .zswa or .txt, or as a\n"
	"libCacheSim oracleGeneral trace with --oracle-general (zstd if OUT ends in\n"
	".zst).  Lossless between the binary and text forms.  The page-store name\n"
	"is copied as is: it is relative to the trace, so keep OUT in IN's directory\n"
	"or copy the page store along.\n";

/* Statistics of one trace for `info`. */
struct trace_stats {
	uint64_t events[TRACE_OP_COUNT];
	uint64_t pages[TRACE_OP_COUNT];
	uint64_t by_order[TRACE_MAX_ORDER + 1];
	uint64_t memcg_events[TRACE_MAX_MEMCGS];
	uint64_t memcg_pages_out[TRACE_MAX_MEMCGS];
	uint64_t hint, zero, readahead;
	uint64_t first_ns, last_ns;
	uint64_t distinct_slots;
	uint32_t streams_used;
};

static bool want_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/* Set bits [from, from + n) of a bitmap; returns how many were clear. */
static uint64_t bitmap_set_range(uint64_t *map, uint64_t from, uint64_t n)
{
	uint64_t newly = 0;

	while (n) {
		uint64_t bit = from & 63, take = 64 - bit < n ? 64 - bit : n;
		uint64_t mask = (take == 64 ? ~0ull : ((1ull << take) - 1)) << bit;
		uint64_t *w = &map[from >> 6];

		newly += (uint64_t)__builtin_popcountll(mask & ~*w);
		*w |= mask;
		from += take;
		n -= take;
	}
	return newly;
}

static int collect_stats(const struct trace *t, struct trace_stats *st)
{
	uint64_t *slots = calloc(((uint64_t)t->meta.slot_count + 63) / 64, sizeof(uint64_t));
	uint8_t *streams = calloc(t->meta.stream_count, 1);

	memset(st, 0, sizeof(*st));
	if (!slots || !streams) {
		free(slots);
		free(streams);
		return -ENOMEM;
	}
	st->first_ns = t->nrec ? UINT64_MAX : 0;
	for (uint64_t i = 0; i < t->nrec; i++) {
		const struct trace_record *r = &t->rec[i];
		uint32_t n = trace_nr_pages(r);

		st->events[r->op]++;
		st->pages[r->op] += n;
		st->by_order[r->order]++;
		st->memcg_events[r->memcg]++;
		if (r->op == TRACE_OP_OUT)
			st->memcg_pages_out[r->memcg] += n;
		st->hint += !!(r->flags & TRACE_F_HINT);
		st->zero += !!(r->flags & TRACE_F_ZERO);
		st->readahead += !!(r->flags & TRACE_F_READAHEAD);
		if (r->time_ns < st->first_ns)
			st->first_ns = r->time_ns;
		if (r->time_ns > st->last_ns)
			st->last_ns = r->time_ns;
		st->distinct_slots += bitmap_set_range(slots, r->slot, n);
		if (!streams[r->stream]) {
			streams[r->stream] = 1;
			st->streams_used++;
		}
	}
	free(slots);
	free(streams);
	return 0;
}

static json_t *jhex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)v);
	return json_string(buf);
}

/* Counts and times are below 2^63 (times are validated so). */
static json_t *ju64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static void print_json(const struct trace *t, const struct trace_stats *st)
{
	const struct trace_meta *m = &t->meta;
	json_t *o = json_object(), *ops = json_object(), *orders = json_array();
	json_t *memcgs = json_array(), *flags = json_object(), *time = json_object();
	json_t *ps = json_null();
	char *s;

	json_object_set_new(o, "file", json_string(t->path));
	json_object_set_new(o, "format", json_string(trace_path_form(t->path) ==
						      TRACE_FORM_BINARY ? "binary" : "text"));
	json_object_set_new(o, "version", json_integer(TRACE_VERSION));
	json_object_set_new(o, "checksum", jhex(t->checksum));
	json_object_set_new(o, "records", ju64(t->nrec));
	json_object_set_new(o, "page_size", json_integer(m->page_size));
	for (int op = 0; op < TRACE_OP_COUNT; op++) {
		json_t *e = json_object();

		json_object_set_new(e, "events", ju64(st->events[op]));
		json_object_set_new(e, "pages", ju64(st->pages[op]));
		json_object_set_new(ops, trace_op_name((unsigned)op), e);
	}
	json_object_set_new(o, "ops", ops);
	for (int i = 0; i <= TRACE_MAX_ORDER; i++)
		json_array_append_new(orders, ju64(st->by_order[i]));
	json_object_set_new(o, "events_by_order", orders);
	for (uint32_t i = 0; i < m->memcg_count; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "index", json_integer(i));
		json_object_set_new(e, "name", json_string(m->memcgs[i].name));
		json_object_set_new(e, "parent", json_integer(m->memcgs[i].parent));
		json_object_set_new(e, "events", ju64(st->memcg_events[i]));
		json_object_set_new(e, "pages_out", ju64(st->memcg_pages_out[i]));
		json_array_append_new(memcgs, e);
	}
	json_object_set_new(o, "memcgs", memcgs);
	json_object_set_new(flags, "hint", ju64(st->hint));
	json_object_set_new(flags, "zero", ju64(st->zero));
	json_object_set_new(flags, "ra", ju64(st->readahead));
	json_object_set_new(o, "flags", flags);
	json_object_set_new(time, "first_ns", ju64(st->first_ns));
	json_object_set_new(time, "last_ns", ju64(st->last_ns));
	json_object_set_new(time, "span_ns", ju64(st->last_ns - st->first_ns));
	json_object_set_new(o, "time", time);
	json_object_set_new(o, "slot_count", json_integer(m->slot_count));
	json_object_set_new(o, "distinct_slots", ju64(st->distinct_slots));
	json_object_set_new(o, "stream_count", json_integer(m->stream_count));
	json_object_set_new(o, "streams_used", json_integer(st->streams_used));
	if (m->page_store[0]) {
		ps = json_object();
		json_object_set_new(ps, "name", json_string(m->page_store));
		json_object_set_new(ps, "path", json_string(t->page_store_path));
		json_object_set_new(ps, "pages", ju64(m->page_store_pages));
		json_object_set_new(ps, "checksum", jhex(m->page_store_checksum));
	}
	json_object_set_new(o, "page_store", ps);

	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(o);
}

static void print_text(const struct trace *t, const struct trace_stats *st)
{
	const struct trace_meta *m = &t->meta;

	printf("file            %s (%s, version %d)\n", t->path,
	       trace_path_form(t->path) == TRACE_FORM_BINARY ? "binary" : "text", TRACE_VERSION);
	printf("checksum        0x%016llx\n", (unsigned long long)t->checksum);
	printf("records         %llu\n", (unsigned long long)t->nrec);
	printf("time            %llu .. %llu ns (span %llu ns)\n",
	       (unsigned long long)st->first_ns, (unsigned long long)st->last_ns,
	       (unsigned long long)(st->last_ns - st->first_ns));
	printf("slots           %llu distinct of %u\n", (unsigned long long)st->distinct_slots,
	       m->slot_count);
	printf("streams         %u used of %u\n", st->streams_used, m->stream_count);
	if (m->page_store[0])
		printf("page store      %s (%llu pages, checksum 0x%016llx)\n", m->page_store,
		       (unsigned long long)m->page_store_pages,
		       (unsigned long long)m->page_store_checksum);
	else
		printf("page store      none\n");
	printf("flags           hint %llu, zero %llu, ra %llu\n", (unsigned long long)st->hint,
	       (unsigned long long)st->zero, (unsigned long long)st->readahead);
	printf("by op           events      pages\n");
	for (int op = 0; op < TRACE_OP_COUNT; op++)
		printf("  %-13s %8llu %10llu\n", trace_op_name((unsigned)op),
		       (unsigned long long)st->events[op], (unsigned long long)st->pages[op]);
	printf("by order        events\n");
	for (int i = 0; i <= TRACE_MAX_ORDER; i++)
		if (st->by_order[i])
			printf("  %-13d %8llu\n", i, (unsigned long long)st->by_order[i]);
	printf("by memcg        events  pages_out  parent  name\n");
	for (uint32_t i = 0; i < m->memcg_count; i++)
		printf("  %-13u %8llu %10llu  %6d  %s\n", i,
		       (unsigned long long)st->memcg_events[i],
		       (unsigned long long)st->memcg_pages_out[i], m->memcgs[i].parent,
		       m->memcgs[i].name);
}

/* Collect positional arguments; options other than those allowed are errors. */
static int positional(int argc, char **argv, const char *sub, char **pos, int npos,
		      bool *json)
{
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (json && !strcmp(argv[i], "--json")) {
			*json = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			cli_error("trace %s: unknown option '%s' (try --help)", sub, argv[i]);
			return -1;
		} else if (n < npos) {
			pos[n++] = argv[i];
		} else {
			cli_error("trace %s: unexpected argument '%s' (try --help)", sub, argv[i]);
			return -1;
		}
	}
	if (n < npos) {
		cli_error("trace %s: missing %s (try --help)", sub, n ? "output file" : "file");
		return -1;
	}
	return 0;
}

/* Whether a subcommand's input is an access trace (or an option says it
 * is another access format): then sim/cmd_access.c does the work. */
static bool wants_access(int argc, char **argv)
{
	const char *file = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--format") || !strcmp(a, "--think") || !strcmp(a, "--columns") ||
		    !strcmp(a, "--oracle-general"))
			return true;
		if (!file && (a[0] != '-' || !a[1]))
			file = a;
	}
	return file && (access_path_is_access(file) ||
			(strlen(file) > 4 && !strcmp(file + strlen(file) - 4, ".csv")));
}

static int access_sub(int argc, char **argv, int npos, int (*fn)(const struct access_cli *))
{
	struct access_cli c;

	if (access_cli_options(argc, argv, &c, npos))
		return EXIT_USAGE;
	return fn(&c);
}

static int trace_info(int argc, char **argv)
{
	struct trace_stats *st;
	struct trace t;
	bool json = false;
	char err[1024], *file;
	int ret;

	if (want_help(argc, argv)) {
		fputs(info_usage, stdout);
		return EXIT_OK;
	}
	if (wants_access(argc, argv))
		return access_sub(argc, argv, 1, access_cli_info);
	if (positional(argc, argv, "info", &file, 1, &json))
		return EXIT_USAGE;
	ret = trace_open(&t, file, err, sizeof(err));
	if (ret) {
		cli_error("%s", err);
		return cli_exit_status(ret);
	}
	st = malloc(sizeof(*st));
	if (!st || collect_stats(&t, st)) {
		cli_error("%s: out of memory", file);
		free(st);
		trace_close(&t);
		return EXIT_RUNTIME;
	}
	if (json)
		print_json(&t, st);
	else
		print_text(&t, st);
	free(st);
	trace_close(&t);
	return EXIT_OK;
}

static int trace_validate(int argc, char **argv)
{
	struct trace t;
	char err[1024], *file;
	int ret;

	if (want_help(argc, argv)) {
		fputs(validate_usage, stdout);
		return EXIT_OK;
	}
	if (wants_access(argc, argv))
		return access_sub(argc, argv, 1, access_cli_validate);
	if (positional(argc, argv, "validate", &file, 1, NULL))
		return EXIT_USAGE;
	ret = trace_open(&t, file, err, sizeof(err));
	if (ret) {
		cli_error("%s", err);
		return cli_exit_status(ret);
	}
	printf("%s: ok, %llu records\n", file, (unsigned long long)t.nrec);
	trace_close(&t);
	return EXIT_OK;
}

static int trace_convert(int argc, char **argv)
{
	struct trace t;
	char err[1024], *pos[2];
	int ret;

	if (want_help(argc, argv)) {
		fputs(convert_usage, stdout);
		return EXIT_OK;
	}
	if (wants_access(argc, argv))
		return access_sub(argc, argv, 2, access_cli_convert);
	if (positional(argc, argv, "convert", pos, 2, NULL))
		return EXIT_USAGE;
	/* Refuse a bad output name before reading a large input. */
	if (trace_path_form(pos[1]) < 0) {
		cli_error("%s: unknown trace extension (want .zswt or .txt)", pos[1]);
		return EXIT_USAGE;
	}
	ret = trace_open(&t, pos[0], err, sizeof(err));
	if (ret) {
		cli_error("%s", err);
		return cli_exit_status(ret);
	}
	ret = trace_write(pos[1], &t.meta, t.rec, t.nrec, err, sizeof(err));
	trace_close(&t);
	if (ret) {
		cli_error("%s", err);
		return cli_exit_status(ret);
	}
	return EXIT_OK;
}

int cmd_trace(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub) {
		fputs(trace_usage, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		fputs(trace_usage, stdout);
		return EXIT_OK;
	}
	if (!strcmp(sub, "info"))
		return trace_info(argc - 1, argv + 1);
	if (!strcmp(sub, "validate"))
		return trace_validate(argc - 1, argv + 1);
	if (!strcmp(sub, "convert"))
		return trace_convert(argc - 1, argv + 1);
	if (!strcmp(sub, "gen"))
		return trace_gen_main(argc - 1, argv + 1);
	cli_error("trace: unknown subcommand '%s' (want info, validate, convert or gen)", sub);
	return EXIT_USAGE;
}
