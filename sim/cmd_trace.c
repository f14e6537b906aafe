/* SPDX-License-Identifier: MIT */
/*
 * zswapsim trace info|validate|convert|gen: look at, check and convert trace
 * files.  Reading goes through trace_open(), so every subcommand validates the
 * whole trace (and its page store) first; a bad trace is one line on stderr
 * and exit status 2.
 */
#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/compressor.h"
#include "sim/cli.h"
#include "sim/cmd_access.h"
#include "traces/access.h"
#include "traces/gen.h"
#include "traces/import.h"
#include "traces/outfile.h"
#include "traces/trace.h"

static const char trace_usage[] =
	"usage: zswapsim trace info FILE [--json] [ACCESS-OPTIONS]\n"
	"       zswapsim trace validate FILE [ACCESS-OPTIONS]\n"
	"       zswapsim trace convert IN OUT [--oracle-general] [ACCESS-OPTIONS]\n"
	"       zswapsim trace import csv IN.csv -o OUT.zswt (--ratio R | --content SPEC) ...\n"
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
	"streams, what the swap-outs carry (pages, hints, mixed), and the page\n"
	"store.  An access trace (or --format): records and pages by op, touches by\n"
	"folio order, distinct pages touched, time span, tasks, memcgs with their\n"
	"limits, RAM limit, content mix and page store.  A page store (FILE.pages):\n"
	"pages, distinct pages, its checksum as trace headers carry it, zero and\n"
	"same-filled pages, and per codec the pages that do not compress and the\n"
	"ratio.  --json prints the same as one JSON object.  ACCESS-OPTIONS: see\n"
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
	".zst).  Lossless between the binary and text forms.  The page-store name is\n"
	"relative to the trace: it is copied as is when it names the same file from\n"
	"OUT's directory, else OUT gets the store's path relative to OUT (or its\n"
	"absolute path when that does not fit).\n";

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

/* Print o as indented JSON on stdout and free it. */
static void print_json_doc(json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));

	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(o);
}

static void print_json(const struct trace *t, const struct trace_stats *st)
{
	const struct trace_meta *m = &t->meta;
	json_t *o = json_object(), *ops = json_object(), *orders = json_array();
	json_t *memcgs = json_array(), *flags = json_object(), *time = json_object();
	json_t *ps = json_null();

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
	json_object_set_new(o, "content",
			    json_string(trace_content_name(trace_content_kind(t->rec, t->nrec))));
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
	print_json_doc(o);
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
	printf("content         %s\n", trace_content_name(trace_content_kind(t->rec, t->nrec)));
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

/* ---- trace info FILE.pages ----------------------------------------------------------- */

#define STORE_ZSTD_LEVEL 3   /* the kernel's zstd default, as zswap.zstd_level */

/* What a page store holds, as zswap would see it. */
struct store_stats {
	uint64_t zero, same;                     /* same: a non-zero word repeated */
	uint64_t incompressible[CODEC_COUNT];    /* output does not fit in a page */
	uint64_t bytes[CODEC_COUNT];             /* compressed bytes of the non-zero pages,
						    4096 for one that does not compress */
};

static bool is_page_store(const char *path)
{
	size_t n = strlen(path);

	return n > 6 && !strcmp(path + n - 6, ".pages");
}

static int collect_store_stats(struct page_store *ps, struct store_stats *st, char *err,
			       size_t errlen)
{
	memset(st, 0, sizeof(*st));
	for (uint64_t i = 0; i < ps->npages; i++) {
		st->zero += !!(ps->flags[i] & PS_F_ZERO);
		st->same += (ps->flags[i] & (PS_F_SAME | PS_F_ZERO)) == PS_F_SAME;
	}
	for (int codec = 0; codec < CODEC_COUNT; codec++) {
		struct compressor c;
		int ret = compressor_init(&c, codec, STORE_ZSTD_LEVEL, ps, err, errlen);

		if (ret)
			return ret;
		for (uint64_t i = 0; i < ps->npages; i++) {
			enum comp_result res;
			uint32_t len = compressor_page_len(&c, i, &res);

			st->incompressible[codec] += res != COMP_OK;
			/* zero pages go to the swap zeromap, never to the compressor */
			if (!(ps->flags[i] & PS_F_ZERO))
				st->bytes[codec] += res == COMP_OK ? len : SIM_PAGE_SIZE;
		}
		compressor_free(&c);
	}
	return 0;
}

static double store_ratio(const struct page_store *ps, const struct store_stats *st, int codec)
{
	return st->bytes[codec] ? (double)(ps->npages - st->zero) * SIM_PAGE_SIZE /
				  (double)st->bytes[codec] : 0.0;
}

static void print_store_text(const struct page_store *ps, const struct store_stats *st)
{
	printf("file            %s (page store)\n", ps->path);
	printf("pages           %llu (%llu distinct)\n", (unsigned long long)ps->npages,
	       (unsigned long long)ps->ndistinct);
	printf("checksum        0x%016llx\n", (unsigned long long)ps->checksum);
	printf("zero            %llu\n", (unsigned long long)st->zero);
	printf("same-filled     %llu (one non-zero 64-bit word repeated)\n",
	       (unsigned long long)st->same);
	printf("by codec        incompressible  ratio\n");
	for (int codec = 0; codec < CODEC_COUNT; codec++)
		printf("  %-13s %14llu  %5.2f\n", codec_name(codec),
		       (unsigned long long)st->incompressible[codec], store_ratio(ps, st, codec));
}

static void print_store_json(const struct page_store *ps, const struct store_stats *st)
{
	json_t *o = json_object(), *codecs = json_object();

	json_object_set_new(o, "file", json_string(ps->path));
	json_object_set_new(o, "format", json_string("page store"));
	json_object_set_new(o, "pages", ju64(ps->npages));
	json_object_set_new(o, "distinct", ju64(ps->ndistinct));
	json_object_set_new(o, "checksum", jhex(ps->checksum));
	json_object_set_new(o, "zero", ju64(st->zero));
	json_object_set_new(o, "same_filled", ju64(st->same));
	for (int codec = 0; codec < CODEC_COUNT; codec++) {
		json_t *e = json_object();

		json_object_set_new(e, "incompressible", ju64(st->incompressible[codec]));
		json_object_set_new(e, "ratio", json_real(store_ratio(ps, st, codec)));
		json_object_set_new(codecs, codec_name(codec), e);
	}
	json_object_set_new(o, "codecs", codecs);
	print_json_doc(o);
}

static int page_store_info(const char *file, bool json)
{
	struct page_store ps;
	struct store_stats st;
	char err[1024];
	int ret = page_store_open(&ps, file, err, sizeof(err));

	if (!ret) {
		ret = collect_store_stats(&ps, &st, err, sizeof(err));
		if (!ret && json)
			print_store_json(&ps, &st);
		else if (!ret)
			print_store_text(&ps, &st);
		page_store_close(&ps);
	}
	if (ret)
		cli_error("%s", err);
	return cli_exit_status(ret);
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
	if (is_page_store(file))
		return page_store_info(file, json);
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
	static struct trace_meta meta;   /* 70 KiB: not on the stack */
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
	ret = outfile_check_here(pos[1], err, sizeof(err));
	if (!ret)
		ret = trace_open(&t, pos[0], err, sizeof(err));
	if (ret) {
		cli_error("%s", err);
		return cli_exit_status(ret);
	}
	/* The page-store name is relative to the trace: rewrite it so that it
	 * still names the same file from OUT's directory. */
	meta = t.meta;
	ret = meta.page_store[0] ? trace_page_store_name(t.page_store_path, t.meta.page_store,
							 pos[1], meta.page_store,
							 sizeof(meta.page_store), err, sizeof(err)) : 0;
	if (!ret)
		ret = trace_write(pos[1], &meta, t.rec, t.nrec, err, sizeof(err));
	trace_close(&t);
	if (ret) {
		cli_error("%s", err);
		return cli_exit_status(ret);
	}
	return EXIT_OK;
}

/* ---- trace import ------------------------------------------------------------------------ */

static const char import_usage[] =
	"usage: zswapsim trace import csv IN.csv -o OUT.zswt (--ratio R | --content SPEC) [options]\n"
	"\n"
	"Turn a CSV file of swap events into a trace.  Its first line is the header;\n"
	"the columns are found by name, by default\n"
	"\n"
	"    " IMPORT_CSV_HEADER "\n"
	"\n"
	"  time_ns  event time in ns, an integer (rows are sorted by it; ties keep file order)\n"
	"  op       out (swap-out), in (swap-in) or inval (slots freed)\n"
	"  slot     first swap slot; the event covers slot .. slot + 2^order - 1\n"
	"  order    folio order 0..9 (column optional: 0)\n"
	"  cgroup   the memcg's name (column optional: all in '/')\n"
	"  stream   the task or CPU, an integer (column optional, not in the default\n"
	"           header: without it each cgroup is one stream)\n"
	"Other columns are ignored.  A CSV has no page content: --ratio gives every\n"
	"swap-out a compressed-length hint, --content draws its pages from page stores\n"
	"(a slot keeps its pages until an inval frees it).  docs/trace-format.md,\n"
	"\"Importing CSV\", has the details.\n"
	"\n"
	"options:\n";

/* What `trace import` fills from the command line. */
struct import_cli {
	struct import_params p;
	const char *out;
	int quiet;
};

static const struct gen_opt import_opts[] = {
	{ "-o", GO_STR, offsetof(struct import_cli, out),
	  "output trace OUT.zswt or OUT.txt (with --content also OUT.pages)" },
	{ "--columns", GO_STR, offsetof(struct import_cli, p.columns),
	  "FIELD=NAME,...: header names other than the defaults, e.g. time_ns=ts,op=event" },
	{ "--ratio", GO_DOUBLE, offsetof(struct import_cli, p.ratio),
	  "hint records: every page compresses to 4096/R bytes (1 <= R <= 4096)" },
	{ "--content", GO_STR, offsetof(struct import_cli, p.content),
	  "page stores PATH[:WEIGHT],... to draw pages from (e.g. traces/bundled/corpus.pages)" },
	{ "--seed", GO_U64, offsetof(struct import_cli, p.seed), "seed of the draws (default 1)" },
	{ "--max-pages", GO_U64, offsetof(struct import_cli, p.max_pages),
	  "distinct pages in OUT.pages; beyond it runs are shared (default 0 = no limit)" },
	{ "--slots", GO_U64, offsetof(struct import_cli, p.slots),
	  "slot_count of the trace (default: the highest slot used + 1)" },
	{ "--quiet", GO_FLAG, offsetof(struct import_cli, quiet), "no summary on stdout" },
	{ NULL, GO_FLAG, 0, NULL },
};

static const struct gen_opt *import_opt(const char *a, size_t n)
{
	for (const struct gen_opt *o = import_opts; o->name; o++)
		if (strlen(o->name) == n && !strncmp(o->name, a, n))
			return o;
	return NULL;
}

/* argv[1..argc) into a, the format and the input: 0, 1 after --help, -1 on
 * a usage error (printed). */
static int import_parse(int argc, char **argv, struct import_cli *a, const char **pos)
{
	char err[512];
	int npos = 0;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq = strchr(arg, '='), *v;
		const struct gen_opt *o;
		size_t n;

		if (arg[0] != '-' || !arg[1]) {
			if (npos == 2) {
				cli_error("trace import: unexpected argument '%s' (try --help)", arg);
				return -1;
			}
			pos[npos++] = arg;
			continue;
		}
		n = eq ? (size_t)(eq - arg) : strlen(arg);
		o = import_opt(arg, n);
		if (!o) {
			cli_error("trace import: unknown option '%.*s' (try --help)", (int)n, arg);
			return -1;
		}
		v = o->type == GO_FLAG ? "" : eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
		if (!v || (o->type == GO_FLAG && eq)) {
			cli_error("trace import: %s %s", o->name, v ? "takes no value" : "needs a value");
			return -1;
		}
		if (gen_opt_set(o, a, v, err, sizeof(err))) {
			cli_error("trace import: %s", err);
			return -1;
		}
	}
	if (npos < 2 || strcmp(pos[0], "csv") || !a->out) {
		cli_error("trace import: %s (try --help)",
			  npos && strcmp(pos[0], "csv") ? "unknown format (want csv)" :
			  npos < 2 ? "missing input file" : "missing -o OUT.zswt");
		return -1;
	}
	return 0;
}

static int trace_import(int argc, char **argv)
{
	struct import_cli a = { .p = { .seed = 1 } };
	struct import_summary sum;
	const char *pos[2] = { NULL, NULL };
	char err[1024];
	int ret;

	if (want_help(argc, argv)) {
		fputs(import_usage, stdout);
		for (const struct gen_opt *o = import_opts; o->name; o++)
			printf("  %-12s %s\n", o->name, o->help);
		return EXIT_OK;
	}
	if (import_parse(argc, argv, &a, pos))
		return EXIT_USAGE;
	ret = import_csv(pos[1], a.out, &a.p, &sum, err, sizeof(err));
	if (ret) {
		cli_error("trace import: %s", err);
		return cli_exit_status(ret);
	}
	if (a.quiet)
		return EXIT_OK;
	printf("wrote %s: %llu record%s (%llu out, %llu in, %llu inval), %u stream%s, %u memcg%s,"
	       " %u slot%s, ", a.out, (unsigned long long)sum.records, PLURAL(sum.records),
	       (unsigned long long)sum.ops[TRACE_OP_OUT], (unsigned long long)sum.ops[TRACE_OP_IN],
	       (unsigned long long)sum.ops[TRACE_OP_INVAL], sum.streams, PLURAL(sum.streams),
	       sum.memcgs, PLURAL(sum.memcgs), sum.slot_count, PLURAL(sum.slot_count));
	if (sum.hint)
		printf("hints of %u bytes per page (ratio %g)\n", sum.hint, a.p.ratio);
	else
		printf("%llu page%s in %s\n", (unsigned long long)sum.pages, PLURAL(sum.pages),
		       sum.pages ? sum.page_store : "(none)");
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
	if (!strcmp(sub, "import"))
		return trace_import(argc - 1, argv + 1);
	if (!strcmp(sub, "gen"))
		return trace_gen_main(argc - 1, argv + 1);
	cli_error("trace: unknown subcommand '%s' (want info, validate, convert, import or gen)",
		  sub);
	return EXIT_USAGE;
}
