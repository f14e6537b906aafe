/* SPDX-License-Identifier: MIT */
/*
 * The CSV importer (traces/import_csv.c): exact records for the default
 * header, the column mapping, quoting, sorting, hints, page content kept per
 * slot until an inval (checked against a reference model over thousands of
 * random events), determinism, and one error line with the CSV line number
 * for every kind of bad input.
 */
#include <check.h>
#include <errno.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "traces/import.h"
#include "traces/trace.h"

static char dir[256], csv[512], out[512], src[512];
static char err[1024];
static struct trace t;

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static void write_csv(const char *text)
{
	write_file(csv, text, strlen(text));
}

/* A source page store of 16 distinct pages (page i filled with byte i + 1). */
static void setup(void)
{
	static unsigned char pages[16 * SIM_PAGE_SIZE];

	snprintf(dir, sizeof(dir), "/tmp/test_import.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(csv, sizeof(csv), "%s/in.csv", dir);
	snprintf(out, sizeof(out), "%s/out.zswt", dir);
	snprintf(src, sizeof(src), "%s/src.pages", dir);
	for (size_t i = 0; i < sizeof(pages); i++)
		pages[i] = (unsigned char)(i / SIM_PAGE_SIZE + 1);
	write_file(src, pages, sizeof(pages));
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const struct import_params hints = { .ratio = 2.5, .seed = 1 };

/* Import csv with p, then open the result. */
static void import_ok(const struct import_params *p, struct import_summary *sum)
{
	int ret = import_csv(csv, out, p, sum, err, sizeof(err));

	ck_assert_msg(ret == 0, "%s", err);
	ck_assert_msg(trace_open(&t, out, err, sizeof(err)) == 0, "%s", err);
}

static void import_fails(const struct import_params *p, const char *want)
{
	char line[600];
	int ret = import_csv(csv, out, p, NULL, err, sizeof(err));

	ck_assert_int_eq(ret, -EINVAL);
	snprintf(line, sizeof(line), "%s%s", want[0] == ':' ? csv : "", want);
	ck_assert_msg(strstr(err, line), "error '%s' lacks '%s'", err, line);
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_int_ne(access(out, F_OK), 0);
}

static void rec_is(uint64_t i, uint64_t time, unsigned op, uint32_t slot, unsigned order,
		   unsigned stream, unsigned memcg, uint32_t content, unsigned flags)
{
	const struct trace_record *r = &t.rec[i];

	ck_assert_uint_eq(r->time_ns, time);
	ck_assert_uint_eq(r->op, op);
	ck_assert_uint_eq(r->slot, slot);
	ck_assert_uint_eq(r->order, order);
	ck_assert_uint_eq(r->stream, stream);
	ck_assert_uint_eq(r->memcg, memcg);
	ck_assert_uint_eq(r->content, content);
	ck_assert_uint_eq(r->flags, flags);
}

START_TEST(test_default_header_hints)
{
	struct import_summary sum;

	/* rows out of time order; the two at t = 300 keep their file order */
	write_csv(IMPORT_CSV_HEADER "\n"
		  "100,out,0,0,/app\n"
		  "300,in,0,0,/app\n"
		  "200,out,8,2,/db\n"
		  "300,inval,8,2,/db\n"
		  "\n"
		  "250,out,3,0,/app\n");
	import_ok(&hints, &sum);
	ck_assert_uint_eq(t.nrec, 5);
	ck_assert_uint_eq(t.meta.slot_count, 12);
	ck_assert_uint_eq(t.meta.memcg_count, 2);
	ck_assert_str_eq(t.meta.memcgs[0].name, "/app");
	ck_assert_str_eq(t.meta.memcgs[1].name, "/db");
	ck_assert_int_eq(t.meta.memcgs[1].parent, -1);
	ck_assert_uint_eq(t.meta.stream_count, 2);       /* one stream per cgroup */
	ck_assert_str_eq(t.meta.page_store, "");
	/* 4096 / 2.5 = 1638.4 -> 1638 bytes per page */
	rec_is(0, 100, TRACE_OP_OUT, 0, 0, 0, 0, 1638, TRACE_F_HINT);
	rec_is(1, 200, TRACE_OP_OUT, 8, 2, 1, 1, 1638, TRACE_F_HINT);
	rec_is(2, 250, TRACE_OP_OUT, 3, 0, 0, 0, 1638, TRACE_F_HINT);
	rec_is(3, 300, TRACE_OP_IN, 0, 0, 0, 0, 0, 0);
	rec_is(4, 300, TRACE_OP_INVAL, 8, 2, 1, 1, 0, 0);
	ck_assert_uint_eq(sum.records, 5);
	ck_assert_uint_eq(sum.ops[TRACE_OP_OUT], 3);
	ck_assert_uint_eq(sum.hint, 1638);
	ck_assert_uint_eq(sum.pages, 0);
	ck_assert_int_eq(trace_content_kind(t.rec, t.nrec), TRACE_CONTENT_HINTS);
	trace_close(&t);
}
END_TEST

START_TEST(test_ratio_bounds)
{
	struct import_params p = hints;

	write_csv("time_ns,op,slot\n1,out,0\n");
	p.ratio = 1;                      /* does not compress: hint 4096 */
	import_ok(&p, NULL);
	ck_assert_uint_eq(t.rec[0].content, 4096);
	ck_assert_str_eq(t.meta.memcgs[0].name, "/");   /* no cgroup column */
	ck_assert_uint_eq(t.rec[0].order, 0);           /* no order column */
	trace_close(&t);
	p.ratio = 4096;
	import_ok(&p, NULL);
	ck_assert_uint_eq(t.rec[0].content, 1);
	trace_close(&t);
	unlink(out);
	p.ratio = 0.5;
	import_fails(&p, "--ratio 0.5: want 1..4096");
	p.ratio = 0;
	import_fails(&p, "give one of --ratio R");
	p.ratio = 2;
	p.content = src;
	import_fails(&p, "give one of --ratio R");
}
END_TEST

START_TEST(test_mapping_quotes_streams)
{
	struct import_params p = hints;

	/* BOM, CRLF, quoted and padded fields, an extra column, a stream column */
	write_csv("\xef\xbb\xbf" "cpu, \"ts\" ,kind,swap_slot,note,cg\r\n"
		  "7,10,out,5,\"a, \"\"quoted\"\" note\",\"sys\"\r\n"
		  " 3 ,20,out,6,,sys\r\n"
		  "7,30,in,5,x,user\r\n");
	p.columns = "time_ns=ts,op=kind,slot=swap_slot,cgroup=cg,stream=cpu";
	import_ok(&p, NULL);
	ck_assert_uint_eq(t.nrec, 3);
	ck_assert_uint_eq(t.meta.stream_count, 2);   /* streams 7 and 3, in order of appearance */
	ck_assert_uint_eq(t.meta.memcg_count, 2);
	rec_is(0, 10, TRACE_OP_OUT, 5, 0, 0, 0, 1638, TRACE_F_HINT);
	rec_is(1, 20, TRACE_OP_OUT, 6, 0, 1, 0, 1638, TRACE_F_HINT);
	rec_is(2, 30, TRACE_OP_IN, 5, 0, 0, 1, 0, 0);
	ck_assert_uint_eq(t.meta.slot_count, 7);
	trace_close(&t);
	/* --slots sets a larger swap device */
	p.slots = 4096;
	import_ok(&p, NULL);
	ck_assert_uint_eq(t.meta.slot_count, 4096);
	trace_close(&t);
}
END_TEST

START_TEST(test_content_kept_per_slot)
{
	struct import_params p = { .content = src, .seed = 5 };
	struct import_summary sum;
	char pages[600];
	FILE *f;

	write_csv(IMPORT_CSV_HEADER "\n"
		  "1,out,0,0,a\n"        /* fresh: page 0 */
		  "2,out,4,2,a\n"        /* fresh: pages 1..4 */
		  "3,in,0,0,a\n"
		  "4,out,0,0,a\n"        /* slot 0 kept its page: 0 */
		  "5,in,5,0,a\n"
		  "6,out,5,0,a\n"        /* slot 5 holds page 2 of the run */
		  "7,inval,4,2,a\n"
		  "8,out,4,2,a\n"        /* freed since: fresh pages 5..8 */
		  "9,inval,0,0,a\n"
		  "10,out,0,1,a\n");     /* slot 1 never held a page: fresh 9..10 */
	import_ok(&p, &sum);
	ck_assert_uint_eq(t.rec[0].content, 0);
	ck_assert_uint_eq(t.rec[1].content, 1);
	ck_assert_uint_eq(t.rec[3].content, 0);
	ck_assert_uint_eq(t.rec[5].content, 2);
	ck_assert_uint_eq(t.rec[7].content, 5);
	ck_assert_uint_eq(t.rec[9].content, 9);
	ck_assert_uint_eq(t.rec[9].flags, 0);
	ck_assert_uint_eq(t.meta.page_store_pages, 11);
	ck_assert_str_eq(t.meta.page_store, "out.pages");
	ck_assert_uint_eq(sum.pages, 11);
	ck_assert_int_eq(trace_content_kind(t.rec, t.nrec), TRACE_CONTENT_PAGES);
	trace_close(&t);
	/* every stored page is one of the source's pages (bytes 1..16, whole) */
	snprintf(pages, sizeof(pages), "%s/out.pages", dir);
	f = fopen(pages, "rb");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 11; i++) {
		unsigned char pg[SIM_PAGE_SIZE];

		ck_assert_uint_eq(fread(pg, 1, sizeof(pg), f), sizeof(pg));
		ck_assert_uint_ge(pg[0], 1);
		ck_assert_uint_le(pg[0], 16);
		for (size_t k = 1; k < sizeof(pg); k++)
			ck_assert_uint_eq(pg[k], pg[0]);
	}
	fclose(f);
}
END_TEST

/* Import with p and read the page store it wrote into buf: its size. */
static size_t import_store(const struct import_params *p, unsigned char *buf, size_t cap)
{
	char pages[600];
	size_t n;
	FILE *f;

	import_ok(p, NULL);
	trace_close(&t);
	snprintf(pages, sizeof(pages), "%s/out.pages", dir);
	f = fopen(pages, "rb");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

START_TEST(test_deterministic)
{
	static unsigned char a[1 << 17], b[1 << 17];
	struct import_params p = { .content = src, .seed = 9 };
	size_t na;

	write_csv(IMPORT_CSV_HEADER "\n1,out,0,3,a\n2,out,8,3,a\n3,out,16,0,b\n");
	na = import_store(&p, a, sizeof(a));
	ck_assert_uint_eq(na, 17 * SIM_PAGE_SIZE);
	ck_assert_uint_eq(import_store(&p, b, sizeof(b)), na);
	ck_assert_int_eq(memcmp(a, b, na), 0);
	/* another seed draws other pages */
	p.seed = 10;
	ck_assert_uint_eq(import_store(&p, b, sizeof(b)), na);
	ck_assert_int_ne(memcmp(a, b, na), 0);
	/* --max-pages: the store stops growing, later folios share its runs */
	p.max_pages = 8;
	import_ok(&p, NULL);
	ck_assert_uint_eq(t.meta.page_store_pages, 8);
	ck_assert_uint_eq(t.rec[1].content, 0);   /* the one run of 8 pages */
	trace_close(&t);
}
END_TEST

/*
 * Thousands of random outs, ins and invals over few slots against a
 * reference model (an array per slot): an out reuses the pages its slots
 * kept when they are one run, else takes the next pages of the store.
 * Exercises the slot map's growth and deletion.
 */
START_TEST(test_content_reference_model)
{
	enum { NSLOT = 3000, NEV = 60000 };
	static uint32_t kept[NSLOT + 8];
	struct import_params p = { .content = src, .seed = 2 };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	size_t cap = (size_t)NEV * 40 + 64, n;
	char *text = malloc(cap);
	uint32_t next = 0;

	ck_assert_ptr_nonnull(text);
	gsl_rng_set(rng, 42);
	n = (size_t)sprintf(text, "%s\n", IMPORT_CSV_HEADER);
	for (int i = 0; i < NEV; i++) {
		static const char *const ops[] = { "out", "in", "inval" };
		unsigned order = gsl_rng_uniform(rng) < 0.2 ? 2 : 0;
		uint32_t slot = (uint32_t)gsl_rng_uniform_int(rng, NSLOT) & ~((1u << order) - 1);

		n += (size_t)sprintf(text + n, "%d,%s,%u,%u,cg\n", i,
				     ops[gsl_rng_uniform_int(rng, 3)], slot, order);
	}
	write_file(csv, text, n);
	import_ok(&p, NULL);
	for (size_t s = 0; s < NSLOT + 8; s++)
		kept[s] = UINT32_MAX;
	for (uint64_t i = 0; i < t.nrec; i++) {
		const struct trace_record *r = &t.rec[i];
		uint32_t nr = trace_nr_pages(r), base = kept[r->slot];

		if (r->op == TRACE_OP_INVAL)
			for (uint32_t k = 0; k < nr; k++)
				kept[r->slot + k] = UINT32_MAX;
		if (r->op != TRACE_OP_OUT)
			continue;
		for (uint32_t k = 0; k < nr && base != UINT32_MAX; k++)
			if (kept[r->slot + k] != base + k)
				base = UINT32_MAX;
		if (base == UINT32_MAX) {
			base = next;
			next += nr;
			for (uint32_t k = 0; k < nr; k++)
				kept[r->slot + k] = base + k;
		}
		ck_assert_msg(r->content == base, "record %llu: content %u, want %u",
			      (unsigned long long)i, r->content, base);
	}
	ck_assert_uint_eq(t.meta.page_store_pages, next);
	trace_close(&t);
	free(text);
	gsl_rng_free(rng);
}
END_TEST

START_TEST(test_errors)
{
	static const struct {
		const char *csv, *columns, *want;
	} cases[] = {
		{ "", NULL, ": no header line (the default header is time_ns,op,slot,order,cgroup)" },
		{ "ts,op,slot\n", NULL, ":1: no column 'time_ns' for time_ns in the header 'ts,op,slot'"
					" (name it with --columns time_ns=NAME)" },
		{ "time_ns,op,slot\n", "cgroup=cg", ":1: no column 'cg' for cgroup" },
		{ "time_ns,op,slot,op\n", NULL, ":1: column 'op' appears twice in the header" },
		{ "time_ns,op,\"slot\n", NULL, ":1: header column 3: unterminated quote" },
		{ "time_ns,op,slot\n\n1,out,0,9\n", NULL, ":3: 4 columns, the header has 3" },
		{ "time_ns,op,slot\n1,out\n", NULL, ":2: 2 columns, the header has 3" },
		{ "time_ns,op,slot\n1,swapout,0\n", NULL, ":2: op 'swapout': want out, in or inval" },
		{ "time_ns,op,slot\n-1,out,0\n", NULL, ":2: time_ns '-1': want an integer 0..2^63-1" },
		{ "time_ns,op,slot\n9223372036854775808,out,0\n", NULL,
		  ":2: time_ns '9223372036854775808': want an integer 0..2^63-1" },
		{ "time_ns,op,slot\n1,out,\n", NULL, ":2: slot '': want an integer 0..4294967294" },
		{ "time_ns,op,slot\n1,out,4294967295\n", NULL, ":2: slot '4294967295': want" },
		{ "time_ns,op,slot,order\n1,out,4294967294,1\n", NULL,
		  ":2: slot range 4294967294 + 2 pages beyond the trace format's slot limit 4294967295" },
		{ "time_ns,op,slot,order\n1,out,0,10\n", NULL, ":2: order '10': want 0..9" },
		{ "time_ns,op,slot,cgroup\n1,out,0,a b\n", NULL,
		  ":2: cgroup 'a b': want 1..63 printable characters other than space and '#'" },
		{ "time_ns,op,slot,cgroup\n1,out,0,\n", NULL, ":2: cgroup '': want" },
		{ "time_ns,op,slot\n1,out,\"0\"1\n", NULL, ":2: column 3: text after a closing quote" },
		{ "time_ns,op,slot\n1,out,0\"\n", NULL, ":2: column 3: quote inside an unquoted field" },
		{ "time_ns,op,slot,stream\n1,out,0,x\n", NULL, ":2: stream 'x': want an integer" },
		{ "time_ns,op,slot\n1,out,0\n", "time=ts", "--columns: unknown field 'time'" },
		{ "time_ns,op,slot\n1,out,0\n", "slot=a,slot=b", "--columns: repeated field 'slot'" },
		{ "time_ns,op,slot\n1,out,0\n", "slot=op", "--columns: fields op and slot both name column 'op'" },
		{ "time_ns,op,slot\n1,out,0\n", "slot", "--columns 'slot': want FIELD=NAME" },
		{ "time_ns,op,slot\n1,out,0\n", "slot=", "--columns: slot=: the column name must have" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct import_params p = hints;

		p.columns = cases[i].columns;
		write_csv(cases[i].csv);
		import_fails(&p, cases[i].want);
	}
}
END_TEST

START_TEST(test_limits)
{
	struct import_params p = hints;
	size_t cap = 1100 * 24 + 64, n;
	char *text = malloc(cap);

	/* the 1025th cgroup is one too many */
	ck_assert_ptr_nonnull(text);
	n = (size_t)sprintf(text, "time_ns,op,slot,cgroup\n");
	for (int i = 0; i <= TRACE_MAX_MEMCGS; i++)
		n += (size_t)sprintf(text + n, "%d,out,%d,c%d\n", i, i, i);
	write_file(csv, text, n);
	import_fails(&p, ":1026: more than 1024 cgroups");
	/* --slots smaller than a slot used */
	write_csv("time_ns,op,slot\n1,out,5\n");
	p.slots = 5;
	import_fails(&p, ":2: slot range 5 + 1 pages beyond --slots 5");
	/* a header and no rows: an empty trace with one memcg and one slot */
	write_csv("time_ns,op,slot\n");
	p.slots = 0;
	import_ok(&p, NULL);
	ck_assert_uint_eq(t.nrec, 0);
	ck_assert_uint_eq(t.meta.slot_count, 1);
	ck_assert_uint_eq(t.meta.memcg_count, 1);
	trace_close(&t);
	/* odd but valid: the latest time and the highest slot */
	write_csv("time_ns,op,slot\n9223372036854775807,out,4294967294\n");
	import_ok(&p, NULL);
	ck_assert_uint_eq(t.meta.slot_count, UINT32_MAX);
	ck_assert_uint_eq(t.rec[0].time_ns, INT64_MAX);
	trace_close(&t);
	free(text);
}
END_TEST

static Suite *import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("csv");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_default_header_hints);
	tcase_add_test(tc, test_ratio_bounds);
	tcase_add_test(tc, test_mapping_quotes_streams);
	tcase_add_test(tc, test_content_kept_per_slot);
	tcase_add_test(tc, test_deterministic);
	tcase_add_test(tc, test_content_reference_model);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(import_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
