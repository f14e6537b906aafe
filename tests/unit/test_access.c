/* SPDX-License-Identifier: MIT */
/*
 * Access traces and access sources: round trips between the binary and text
 * forms, every validation error (message names the file, the record or line,
 * the reason), the two adapters (global order and per-task order give the
 * same records), libCacheSim oracleGeneral (first-seen mapping, zero-size
 * skip, .zst equals plain, the writer), CSV mapping, and a fuzz loop of byte
 * flips and truncations.
 */
#include <check.h>
#include <errno.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "tests/unit/support_files.h"
#include "traces/access.h"
#include "traces/access_source.h"
#include "traces/access_source_impl.h"

#define HDR_SIZE   (360 + 88 * 2 + 8)   /* 2 memcgs, 2 tasks (8 bytes of task table) */
#define REC_OFF(i) (HDR_SIZE + 24 * (i))
#define PS_PAGES   8
#define DRAW       ACCESS_CONTENT_DRAW

static char dir[256];
static char ps_path[512];
static struct access_meta meta;
static struct access_trace tr;   /* ~350 KiB: not on the stack */

/* Every op, orders 0..4, DRAW and an explicit page, both tasks and memcgs,
 * in global order. */
static const struct access_record sample[] = {
	{ .time_ns = 100, .op = ACCESS_READ, .vpage = 0, .task = 0, .memcg = 1 },
	{ .time_ns = 100, .op = ACCESS_WRITE, .vpage = 17, .order = 4, .task = 1, .memcg = 1, .arg = DRAW },
	{ .time_ns = 150, .op = ACCESS_WRITE, .vpage = 3, .order = 2, .task = 0, .memcg = 1, .arg = 7 },
	{ .time_ns = 200, .op = ACCESS_FREE, .vpage = 8, .arg = 4, .task = 0, .memcg = 1 },
	{ .time_ns = 200, .op = ACCESS_PAGEOUT, .vpage = 16, .arg = 16, .task = 1, .memcg = 1 },
	{ .time_ns = 300, .op = ACCESS_RECLAIM, .arg = 10, .task = 0, .memcg = 0 },
	{ .time_ns = 310, .op = ACCESS_SET_MAX, .arg = 20, .task = 1, .memcg = 1 },
	{ .time_ns = 400, .op = ACCESS_SET_RAM, .arg = 0, .task = 0, .memcg = 0 },
	{ .time_ns = 500, .op = ACCESS_EXIT, .task = 1, .memcg = 1 },
	{ .time_ns = 9223372036854775807ull, .op = ACCESS_READ, .vpage = 63, .task = 0, .memcg = 0 },
};
#define NSAMPLE (sizeof(sample) / sizeof(sample[0]))

static const char sample_text_fmt[] =
	"# zswapsim-access 1\n"
	"# page_size 4096\n"
	"# task 0 64\n"
	"# task 1 32\n"
	"# memcg 0 / -1 0 0\n"
	"# memcg 1 /app 0 48 40\n"
	"# ram_pages 100\n"
	"# seed 7\n"
	"# zero 0.25\n"
	"# same 0.1\n"
	"# random 0.3\n"
	"# dirty 0.5\n"
	"# page_store ps.pages 8 0x%016llx\n"
	"# columns time_ns op vpage order task memcg arg flags\n"
	"100 read 0 0 0 1 0 -\n"                  /* line 15: record 0 */
	"100 write 17 4 1 1 draw -\n"
	"150 write 3 2 0 1 7 -\n"
	"200 free 8 0 0 1 4 -\n"
	"200 pageout 16 0 1 1 16 -\n"
	"300 reclaim 0 0 0 0 10 -\n"
	"310 set_max 0 0 1 1 20 -\n"
	"400 set_ram 0 0 0 0 0 -\n"
	"500 exit 0 0 1 1 0 -\n"
	"9223372036854775807 read 63 0 0 0 0 -\n";

static void path_in_dir(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}


static void setup(void)
{
	unsigned char page[SIM_PAGE_SIZE * PS_PAGES];
	char err[512];

	sf_mkdir(dir, sizeof(dir), "test_access");
	for (size_t i = 0; i < sizeof(page); i++)
		page[i] = (unsigned char)(i * 7 + i / SIM_PAGE_SIZE);
	path_in_dir(ps_path, sizeof(ps_path), "ps.pages");
	sf_write(ps_path, page, sizeof(page));

	memset(&meta, 0, sizeof(meta));
	meta.page_size = SIM_PAGE_SIZE;
	meta.task_count = 2;
	meta.task_pages[0] = 64;
	meta.task_pages[1] = 32;
	meta.memcg_count = 2;
	strcpy(meta.memcgs[0].name, "/");
	meta.memcgs[0].parent = -1;
	strcpy(meta.memcgs[1].name, "/app");
	meta.memcgs[1].parent = 0;
	meta.memcgs[1].max_pages = 48;
	meta.memcgs[1].high_pages = 40;
	meta.ram_pages = 100;
	meta.seed = 7;
	meta.content.zero = 0.25;
	meta.content.same = 0.1;
	meta.content.random = 0.3;
	meta.content.dirty = 0.5;
	strcpy(meta.page_store, "ps.pages");
	meta.page_store_pages = PS_PAGES;
	ck_assert_int_eq(trace_file_checksum(ps_path, &meta.page_store_checksum, err, sizeof(err)), 0);
}

static void teardown(void)
{
	sf_rmdir(dir);
}

static void write_sample(const char *name, char *path, size_t len)
{
	char err[512];

	path_in_dir(path, len, name);
	ck_assert_msg(access_write(path, &meta, sample, NSAMPLE, err, sizeof(err)) == 0, "%s", err);
}

/* Open must fail; the message must contain each of the given substrings. */
static void expect_error(const char *path, int want_errno, const char *s1, const char *s2)
{
	char err[512] = "";
	int ret = access_open(&tr, path, err, sizeof(err));

	ck_assert_msg(ret == -want_errno, "ret %d, want %d (%s)", ret, -want_errno, err);
	ck_assert_msg(strstr(err, path) != NULL, "'%s' does not name the file", err);
	ck_assert_msg(!s1 || strstr(err, s1), "'%s' lacks '%s'", err, s1);
	ck_assert_msg(!s2 || strstr(err, s2), "'%s' lacks '%s'", err, s2);
	ck_assert_msg(!strchr(err, '\n'), "'%s' is not one line", err);
}

/* --- round trips --------------------------------------------------------------- */

START_TEST(test_binary_round_trip)
{
	char bin[512], bin2[512], txt[512], err[512];
	size_t n1, n2;
	char *a, *b;

	write_sample("a.zswa", bin, sizeof(bin));
	ck_assert_msg(access_open(&tr, bin, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(tr.nrec, NSAMPLE);
	ck_assert_int_eq(memcmp(tr.rec, sample, sizeof(sample)), 0);
	ck_assert_uint_eq(((uintptr_t)tr.rec) % 8, 0);
	ck_assert_int_eq(tr.global_order, 1);
	ck_assert_int_eq(memcmp(&tr.meta, &meta, sizeof(meta)), 0);
	ck_assert_str_eq(tr.page_store_path, ps_path);
	a = sf_read(bin, &n1);
	ck_assert_uint_eq(n1, HDR_SIZE + 24 * NSAMPLE);
	ck_assert_int_eq(memcmp(a, "ZSWACCES", 8), 0);
	ck_assert_uint_eq(tr.checksum, XXH3_64bits(a, n1));

	/* binary -> text -> binary: byte for byte */
	path_in_dir(txt, sizeof(txt), "a.txt");
	ck_assert_int_eq(access_write(txt, &tr.meta, tr.rec, tr.nrec, err, sizeof(err)), 0);
	access_close(&tr);
	ck_assert_msg(access_open(&tr, txt, err, sizeof(err)) == 0, "%s", err);
	path_in_dir(bin2, sizeof(bin2), "b.zswa");
	ck_assert_int_eq(access_write(bin2, &tr.meta, tr.rec, tr.nrec, err, sizeof(err)), 0);
	access_close(&tr);
	b = sf_read(bin2, &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert_int_eq(memcmp(a, b, n1), 0);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_text_exact_and_round_trip)
{
	char txt[512], txt2[512], bin[512], err[512], want[4096];
	size_t n1, n2;
	char *a, *b;

	write_sample("a.txt", txt, sizeof(txt));
	snprintf(want, sizeof(want), sample_text_fmt, (unsigned long long)meta.page_store_checksum);
	a = sf_read(txt, &n1);
	ck_assert_str_eq(a, want);

	/* text -> binary -> text: byte for byte */
	ck_assert_msg(access_open(&tr, txt, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(tr.nrec, NSAMPLE);
	ck_assert_int_eq(memcmp(tr.rec, sample, sizeof(sample)), 0);
	ck_assert_int_eq(memcmp(&tr.meta, &meta, sizeof(meta)), 0);
	ck_assert_uint_eq(tr.checksum, XXH3_64bits(a, n1));
	path_in_dir(bin, sizeof(bin), "a.zswa");
	ck_assert_int_eq(access_write(bin, &tr.meta, tr.rec, tr.nrec, err, sizeof(err)), 0);
	access_close(&tr);
	ck_assert_msg(access_open(&tr, bin, err, sizeof(err)) == 0, "%s", err);
	path_in_dir(txt2, sizeof(txt2), "b.txt");
	ck_assert_int_eq(access_write(txt2, &tr.meta, tr.rec, tr.nrec, err, sizeof(err)), 0);
	access_close(&tr);
	b = sf_read(txt2, &n2);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
}
END_TEST

/* Fractions print as the shortest decimal that reads back exactly. */
START_TEST(test_fractions_round_trip)
{
	static const double v[] = { 0, 1, 0.1, 1.0 / 3, 1e-300, 0.30000000000000004, 5e-324 };
	char txt[512], bin[512], err[512];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		meta.content.zero = 0;
		meta.content.same = 0;
		meta.content.random = v[i] <= 0.5 ? v[i] : 0;
		meta.content.dirty = v[i];
		path_in_dir(txt, sizeof(txt), "f.txt");
		ck_assert_int_eq(access_write(txt, &meta, sample, 1, err, sizeof(err)), 0);
		ck_assert_msg(access_open(&tr, txt, err, sizeof(err)) == 0, "%s", err);
		ck_assert(tr.meta.content.dirty == v[i]);
		ck_assert(tr.meta.content.random == meta.content.random);
		path_in_dir(bin, sizeof(bin), "f.zswa");
		ck_assert_int_eq(access_write(bin, &tr.meta, tr.rec, tr.nrec, err, sizeof(err)), 0);
		access_close(&tr);
	}
	/* 0.1 + 0.2 + 0.7 is a little over 1 in binary: still a valid mix */
	meta.content.zero = 0.1;
	meta.content.same = 0.2;
	meta.content.random = 0.7;
	ck_assert_int_eq(access_write(bin, &meta, sample, 1, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_text_hand_written)
{
	static const char text[] =
		"\n"
		"  # zswapsim-access 1   # magic and version\n"
		"## a hand-written trace: two tasks, defaults for the rest\n"
		"# task 0 16\n"
		"#task 1 4\n"
		"# memcg 0 root -1 0 0\n"
		"\t\n"
		"10\tread  3 1 0 0 0 -   # an order-1 folio: pages 2..3\n"
		"## a comment between records\n"
		"10 write 0 2 1 0 draw -\r\n"
		"30 exit 0 0 0 0 0 -";
	char txt[512], err[512];

	path_in_dir(txt, sizeof(txt), "hand.txt");
	sf_write(txt, text, strlen(text));
	ck_assert_msg(access_open(&tr, txt, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(tr.nrec, 3);
	ck_assert_uint_eq(tr.meta.page_size, 4096);
	ck_assert_uint_eq(tr.meta.task_count, 2);
	ck_assert_uint_eq(tr.meta.task_pages[1], 4);
	ck_assert_uint_eq(tr.meta.ram_pages, 0);
	ck_assert(tr.meta.content.dirty == 0);
	ck_assert_str_eq(tr.meta.page_store, "");
	ck_assert_str_eq(tr.page_store_path, "");
	ck_assert_uint_eq(tr.rec[0].order, 1);
	ck_assert_uint_eq(tr.rec[1].arg, DRAW);
	ck_assert_uint_eq(tr.rec[1].task, 1);
	ck_assert_uint_eq(tr.rec[2].op, ACCESS_EXIT);
	ck_assert_uint_eq(tr.rec[2].time_ns, 30);
	ck_assert_int_eq(tr.global_order, 1);
	access_close(&tr);
}
END_TEST

START_TEST(test_empty_and_streaming_writer)
{
	char bin[512], bin2[512], err[512];
	struct access_writer *w;
	size_t n1, n2;
	char *a, *b;

	path_in_dir(bin, sizeof(bin), "empty.zswa");
	ck_assert_int_eq(access_write(bin, &meta, NULL, 0, err, sizeof(err)), 0);
	ck_assert_msg(access_open(&tr, bin, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(tr.nrec, 0);
	access_close(&tr);

	/* one record at a time gives the same bytes as the whole array */
	write_sample("a.zswa", bin, sizeof(bin));
	path_in_dir(bin2, sizeof(bin2), "s.zswa");
	ck_assert_int_eq(access_writer_open(&w, bin2, &meta, err, sizeof(err)), 0);
	for (size_t i = 0; i < NSAMPLE; i++)
		ck_assert_int_eq(access_writer_add(w, &sample[i], err, sizeof(err)), 0);
	ck_assert_int_eq(access_writer_commit(w, err, sizeof(err)), 0);
	a = sf_read(bin, &n1);
	b = sf_read(bin2, &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert_int_eq(memcmp(a, b, n1), 0);
	free(a);
	free(b);

	/* a bad record stops the writer; abort leaves nothing behind */
	path_in_dir(bin2, sizeof(bin2), "bad.zswa");
	ck_assert_int_eq(access_writer_open(&w, bin2, &meta, err, sizeof(err)), 0);
	ck_assert_int_eq(access_writer_add(w, &sample[2], err, sizeof(err)), 0);
	ck_assert_int_eq(access_writer_add(w, &sample[0], err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "bad.zswa: record 1: time going backwards in task 0:"
				     " 100 after 150"));
	access_writer_abort(w);
	ck_assert_int_eq(access(bin2, F_OK), -1);
	snprintf(err, sizeof(err), "ls %s | grep -c bad.zswa >/dev/null", dir);
	ck_assert_int_ne(system(err), 0);
}
END_TEST

START_TEST(test_ops_and_forms)
{
	ck_assert_int_eq(access_op_parse("set_max", 7), ACCESS_SET_MAX);
	ck_assert_int_eq(access_op_parse("readx", 5), -1);
	ck_assert_int_eq(access_op_parse("rea", 3), -1);
	ck_assert_str_eq(access_op_name(ACCESS_PAGEOUT), "pageout");
	ck_assert_str_eq(access_op_name(99), "?");
	ck_assert_int_eq(access_path_form("x.zswa"), TRACE_FORM_BINARY);
	ck_assert_int_eq(access_path_form("d.zswa/x.txt"), TRACE_FORM_TEXT);
	ck_assert_int_eq(access_path_form("x.zswt"), -1);
	ck_assert_int_eq(access_format_parse("oracleGeneral"), ACCESS_FMT_ORACLE);
	ck_assert_int_eq(access_format_parse("csv"), ACCESS_FMT_CSV);
	ck_assert_int_eq(access_format_parse("oraclegeneral"), -1);
	ck_assert_str_eq(access_format_name(ACCESS_FMT_ZSWAPSIM), "zswapsim");
}
END_TEST

/* --- validation ------------------------------------------------------------------ */

START_TEST(test_write_errors)
{
	struct access_record r[2] = { sample[0], sample[2] };
	char path[512], err[512];

	path_in_dir(path, sizeof(path), "x.bin");
	ck_assert_int_eq(access_write(path, &meta, sample, NSAMPLE, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "unknown access-trace extension"));
	ck_assert_int_eq(access(path, F_OK), -1);

	path_in_dir(path, sizeof(path), "x.zswa");
	r[1].order = 12;
	ck_assert_int_eq(access_write(path, &meta, r, 2, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "x.zswa: record 1: order 12 > 9"));
	ck_assert_int_eq(access(path, F_OK), -1);

	meta.content.zero = 0.5;
	meta.content.same = 0.6;
	ck_assert_int_eq(access_write(path, &meta, sample, NSAMPLE, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "header: content fractions zero 0.5 + same 0.6 + random 0.3 > 1"));
	meta.content.zero = -0.0;
	meta.content.same = 0;
	ck_assert_int_eq(access_write(path, &meta, sample, NSAMPLE, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "content zero -0 out of range 0..1"));
	meta.content.zero = 0;

	/* No temporary file is left behind. */
	path_in_dir(path, sizeof(path), "nodir/x.zswa");
	ck_assert_int_eq(access_write(path, &meta, sample, NSAMPLE, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "cannot create temporary file"));
}
END_TEST

/* Each case: a valid binary file with one field patched. */
START_TEST(test_binary_header_errors)
{
	char p[512], name[64];

	write_sample("m.zswa", p, sizeof(p));
	sf_patch_u8(p, 0, 'X');
	expect_error(p, EINVAL, "bad magic (not a zswapsim binary access trace)", NULL);

	write_sample("swap.zswa", p, sizeof(p));
	sf_patch(p, 0, "ZSWTRACE", 8);
	expect_error(p, EINVAL, "a swap-event trace (magic ZSWTRACE), not an access trace", NULL);

	write_sample("v.zswa", p, sizeof(p));
	sf_patch_u32(p, 8, 2);
	expect_error(p, EINVAL, "header: unsupported version 2", NULL);

	write_sample("hs.zswa", p, sizeof(p));
	sf_patch_u32(p, 12, 600);
	expect_error(p, EINVAL, "header: header_size 600 does not match memcg_count 2 and"
		     " task_count 2 (want 544)", NULL);

	write_sample("r.zswa", p, sizeof(p));
	sf_patch_u32(p, 16, 32);
	expect_error(p, EINVAL, "header: wrong record size 32", NULL);

	write_sample("ps.zswa", p, sizeof(p));
	sf_patch_u32(p, 20, 8192);
	expect_error(p, EINVAL, "header: page_size 8192", NULL);

	write_sample("tc.zswa", p, sizeof(p));
	sf_patch_u32(p, 32, 0);
	expect_error(p, EINVAL, "header: task_count 0 out of range 1..65535", NULL);

	write_sample("tc2.zswa", p, sizeof(p));
	sf_patch_u32(p, 32, 3);
	expect_error(p, EINVAL, "header_size 544 does not match memcg_count 2 and task_count 3"
		     " (want 552)", NULL);

	write_sample("mc0.zswa", p, sizeof(p));
	sf_patch_u32(p, 36, 0);
	expect_error(p, EINVAL, "header: memcg_count 0 out of range", NULL);

	write_sample("fz.zswa", p, sizeof(p));
	sf_patch_u64(p, 56, 0x3ff8000000000000ull);   /* 1.5 */
	expect_error(p, EINVAL, "header: content zero 1.5 out of range 0..1", NULL);

	write_sample("fn.zswa", p, sizeof(p));
	sf_patch_u64(p, 80, 0x7ff8000000000000ull);   /* NaN dirty */
	expect_error(p, EINVAL, "header: content dirty nan out of range", NULL);

	write_sample("psp.zswa", p, sizeof(p));
	sf_patch_u64(p, 88, 1ull << 32);
	expect_error(p, EINVAL, "header: page_store_pages 4294967296 > 2^32-1", NULL);

	write_sample("psn.zswa", p, sizeof(p));
	sf_patch_u8(p, 104 + 200, 'x');
	expect_error(p, EINVAL, "page-store name not NUL-terminated", NULL);

	write_sample("nops.zswa", p, sizeof(p));
	memset(name, 0, sizeof(name));
	sf_patch(p, 104, name, sizeof(name));
	expect_error(p, EINVAL, "header: no page store but page_store_pages 8", NULL);

	write_sample("par.zswa", p, sizeof(p));
	sf_patch_u32(p, 360 + 88 + 64, 1);
	expect_error(p, EINVAL, "header: memcg 1 (/app): parent 1 invalid", NULL);

	write_sample("dup.zswa", p, sizeof(p));
	memset(name, 0, sizeof(name));
	name[0] = '/';
	sf_patch(p, 360 + 88, name, sizeof(name));
	expect_error(p, EINVAL, "memcg 1: name '/' repeats memcg 0", NULL);

	write_sample("mres.zswa", p, sizeof(p));
	sf_patch_u32(p, 360 + 68, 1);
	expect_error(p, EINVAL, "memcg 0: name not NUL-terminated and zero-padded, or reserved"
		     " field not 0", NULL);

	write_sample("tpages.zswa", p, sizeof(p));
	sf_patch_u32(p, 360 + 2 * 88 + 4, 1);   /* task 1's pages: the sample is not in range */
	expect_error(p, EINVAL, "record 1: vpage 17 beyond task 1's 1 pages", NULL);

	write_sample("trunc.zswa", p, sizeof(p));
	ck_assert_int_eq(truncate(p, REC_OFF(NSAMPLE) - 5), 0);
	expect_error(p, EINVAL, "truncated file", "header says 10 records");

	write_sample("trunch.zswa", p, sizeof(p));
	ck_assert_int_eq(truncate(p, 400), 0);
	expect_error(p, EINVAL, "truncated file: 400 bytes, shorter than the 544-byte header", NULL);

	write_sample("trail.zswa", p, sizeof(p));
	ck_assert_int_eq(truncate(p, REC_OFF(NSAMPLE) + 24), 0);
	expect_error(p, EINVAL, "trailing bytes", NULL);

	write_sample("cnt.zswa", p, sizeof(p));
	sf_patch_u64(p, 24, UINT64_MAX);
	expect_error(p, EINVAL, "truncated file", NULL);

	path_in_dir(p, sizeof(p), "zero.zswa");
	sf_write(p, "", 0);
	expect_error(p, EINVAL, "bad magic", NULL);

	path_in_dir(p, sizeof(p), "short.zswa");
	sf_write(p, "ZSWA", 4);
	expect_error(p, EINVAL, "truncated file: 4 bytes", NULL);

	path_in_dir(p, sizeof(p), "absent.zswa");
	expect_error(p, ENOENT, "No such file", NULL);

	path_in_dir(p, sizeof(p), "a.trace");
	expect_error(p, EINVAL, "unknown access-trace extension", NULL);
}
END_TEST

START_TEST(test_binary_header_padding)
{
	char p[512], err[512];
	struct access_meta *m = malloc(sizeof(*m));

	/* one task: its u32 is followed by 4 bytes of padding that must be 0 */
	*m = meta;
	m->task_count = 1;
	path_in_dir(p, sizeof(p), "pad.zswa");
	ck_assert_int_eq(access_write(p, m, sample, 1, err, sizeof(err)), 0);
	ck_assert_msg(access_open(&tr, p, err, sizeof(err)) == 0, "%s", err);
	access_close(&tr);
	sf_patch_u8(p, 360 + 2 * 88 + 5, 1);
	expect_error(p, EINVAL, "header: task table padding is not 0", NULL);
	free(m);
}
END_TEST

START_TEST(test_binary_record_errors)
{
	static const struct {
		int rec, off, size;
		uint64_t value;
		const char *want;
	} cases[] = {
		{ 3, 20, 1, 8, "record 3: unknown op 8" },
		{ 5, 22, 2, 1, "record 5: unknown flag bits 0x1" },
		{ 4, 16, 2, 2, "record 4: task 2 >= task_count 2" },
		{ 6, 18, 2, 2, "record 6: memcg 2 >= memcg_count 2" },
		{ 2, 21, 1, 10, "record 2: order 10 > 9" },
		{ 0, 8, 4, 64, "record 0: vpage 64 beyond task 0's 64 pages" },
		{ 1, 21, 1, 6, "record 1: order-6 folio of vpage 17 (pages 0..63) beyond task 1's 32 pages" },
		{ 0, 12, 4, 1, "record 0: arg 1 on a 'read' record (must be 0)" },
		{ 2, 12, 4, 8, "record 2: content 8 beyond the page store (8 pages)" },
		{ 3, 21, 1, 1, "record 3: order 1 on a 'free' record (must be 0)" },
		{ 5, 8, 4, 3, "record 5: vpage 3 on a 'reclaim' record (must be 0)" },
		{ 8, 12, 4, 2, "record 8: arg 2 on an 'exit' record (must be 0)" },
		{ 3, 12, 4, 0, "record 3: 'free' of 0 pages (arg must be at least 1)" },
		{ 5, 12, 4, 0, "record 5: 'reclaim' of 0 pages" },
		{ 4, 12, 4, 17, "record 4: 'pageout' of pages 16 + 17 beyond task 1's 32 pages" },
		{ 3, 8, 4, 61, "record 3: 'free' of pages 61 + 4 beyond task 0's 64 pages" },
		{ 2, 0, 8, 99, "record 2: time going backwards in task 0: 99 after 100" },
		{ 9, 0, 8, 1ull << 63, "record 9: time 9223372036854775808 > 2^63-1" },
	};
	char p[512], name[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long off = REC_OFF(cases[i].rec) + cases[i].off;

		snprintf(name, sizeof(name), "rec%zu.zswa", i);
		write_sample(name, p, sizeof(p));
		if (cases[i].size == 1)
			sf_patch_u8(p, off, (uint8_t)cases[i].value);
		else if (cases[i].size == 2)
			sf_patch_u16(p, off, (uint16_t)cases[i].value);
		else if (cases[i].size == 4)
			sf_patch_u32(p, off, (uint32_t)cases[i].value);
		else
			sf_patch_u64(p, off, cases[i].value);
		expect_error(p, EINVAL, cases[i].want, NULL);
	}
}
END_TEST

START_TEST(test_page_store_errors)
{
	char p[512];
	unsigned char b = 0xff;

	write_sample("a.zswa", p, sizeof(p));
	sf_patch(ps_path, 5000, &b, 1);
	expect_error(p, EINVAL, "checksum mismatch", ps_path);

	ck_assert_int_eq(truncate(ps_path, 4096 * 7), 0);
	expect_error(p, EINVAL, "size mismatch", "header says 8 pages");

	ck_assert_int_eq(unlink(ps_path), 0);
	expect_error(p, ENOENT, "page store", "ps.pages' missing");
}
END_TEST

/* One text case: the sample's text with line `lineno` (1-based) replaced
 * (or removed when line is NULL); the error must name that line. */
static void text_case(const char *name, int lineno, const char *line, const char *want)
{
	char want_text[4096], buf[4096], p[512], loc[600];
	size_t n;

	snprintf(want_text, sizeof(want_text), sample_text_fmt,
		 (unsigned long long)meta.page_store_checksum);
	n = sf_replace_line(want_text, lineno, line, buf, sizeof(buf));
	path_in_dir(p, sizeof(p), name);
	sf_write(p, buf, n);
	snprintf(loc, sizeof(loc), "%s:%d: ", p, lineno);
	expect_error(p, EINVAL, want, line ? loc : NULL);
}

START_TEST(test_text_errors)
{
	char p[512];

	/* Header lines 1..14, records are lines 15..24 (record 0..9). */
	text_case("magic.txt", 1, "# zswap-access 1", "bad magic: the first line must be"
		  " '# zswapsim-access 1'");
	text_case("magic2.txt", 1, "zswapsim-access 1", "bad magic");
	text_case("swap.txt", 1, "zswapsim-trace 1", "bad magic");
	text_case("swap2.txt", 1, "# zswapsim-trace 1", "a swap-event trace ('zswapsim-trace')");
	text_case("ver.txt", 1, "# zswapsim-access 2", "unsupported version '2'");
	text_case("psize.txt", 2, "# page_size 8192", "page_size 8192 (must be 4096)");
	text_case("psize2.txt", 2, "# page_size", "'page_size' needs one unsigned number");
	text_case("task.txt", 4, "# task 2 32", "task index '2' out of order (expected 1)");
	text_case("task2.txt", 4, "# task 1 4294967296", "task 1: pages '4294967296' is not a"
		  " 32-bit unsigned number");
	text_case("task3.txt", 4, "# task 1", "'task' needs 2 fields: index pages");
	text_case("mcidx.txt", 6, "# memcg 2 /app 0 0 0", "memcg index '2' out of order (expected 1)");
	text_case("mcpar.txt", 6, "# memcg 1 /app 1 0 0", "memcg 1: parent '1' invalid");
	text_case("mcname.txt", 6, "# memcg 1 / 0 0 0", "memcg 1: name '/' repeats memcg 0");
	text_case("mcmax.txt", 6, "# memcg 1 /app 0 max 0", "max_pages and high_pages must be"
		  " unsigned numbers (0 = no limit)");
	text_case("mcfields.txt", 6, "# memcg 1 /app 0", "'memcg' needs 5 fields");
	text_case("ram.txt", 7, "# ram_pages -1", "'ram_pages' needs one unsigned number");
	text_case("dup.txt", 8, "# ram_pages 5", "duplicate 'ram_pages' line");
	text_case("frac.txt", 9, "# zero nan", "'zero' needs one decimal number");
	text_case("frac2.txt", 9, "# zero 0x1p-2", "'zero' needs one decimal number");
	text_case("frac3.txt", 10, "# same 1.5", "content same 1.5 out of range 0..1");
	text_case("frac4.txt", 11, "# zero 0.25", "duplicate 'zero' line");
	text_case("store.txt", 13, "# page_store ps.pages 8 12345", "checksum '12345' is not 0x");
	text_case("cols.txt", 14, "# columns time op vpage order task memcg arg flags",
		  "'columns' must be 'time_ns op vpage order task memcg arg flags'");
	text_case("cols2.txt", 14, "# columns time_ns op vpage order task memcg arg flags x",
		  "'columns' must be");
	text_case("unk.txt", 7, "# rampages 100", "unknown header key 'rampages' (comment lines"
		  " start with '##')");
	text_case("late.txt", 16, "# ram_pages 64", "header line 'ram_pages' after the first record");
	text_case("word.txt", 16, "hello", "'hello': want a record (starting with its time) or a '#' line");
	text_case("fields.txt", 15, "100 read 0 0 0 1 0", "record 0: needs 8 fields (time_ns op"
		  " vpage order task memcg arg flags), got 7");
	text_case("many.txt", 15, "100 read 0 0 0 1 0 - -", "record 0: needs 8 fields (time_ns op"
		  " vpage order task memcg arg flags), got more");
	text_case("op.txt", 15, "100 load 0 0 0 1 0 -", "record 0: unknown op 'load'");
	text_case("vpage.txt", 15, "100 read x 0 0 1 0 -", "record 0: vpage 'x' is not");
	text_case("order.txt", 17, "150 write 3 10 0 1 7 -", "record 2: order '10' > 9");
	text_case("taskr.txt", 16, "100 write 17 4 65536 1 draw -", "record 1: task '65536'");
	text_case("task4.txt", 16, "100 write 17 4 2 1 draw -", "record 1: task 2 >= task_count 2");
	text_case("memcgr.txt", 16, "100 write 17 4 1 2 draw -", "record 1: memcg 2 >= memcg_count 2");
	text_case("draw.txt", 18, "200 free 8 0 0 1 draw -", "record 3: 'draw' on a 'free' record"
		  " (only 'write')");
	text_case("draw2.txt", 17, "150 write 3 2 0 1 4294967295 -", "record 2: content"
		  " 4294967295: write 'draw' for new content");
	text_case("arg.txt", 17, "150 write 3 2 0 1 4294967296 -", "record 2: arg '4294967296'");
	text_case("flags.txt", 15, "100 read 0 0 0 1 0 0", "record 0: unknown flags '0' (want '-')");
	text_case("range.txt", 19, "200 pageout 16 0 1 1 17 -", "record 4: 'pageout' of pages 16"
		  " + 17 beyond task 1's 32 pages");
	text_case("time.txt", 17, "99 write 3 2 0 1 7 -", "record 2: time going backwards in"
		  " task 0: 99 after 100");
	text_case("big.txt", 24, "18446744073709551615 read 63 0 0 0 0 -", "record 9: time"
		  " 18446744073709551615 > 2^63-1");
	text_case("exit.txt", 24, "9223372036854775807 read 3 0 1 0 0 -", "record 9: task 1 has"
		  " a record after its exit");
	text_case("ctl.txt", 15, "100 read\x01 0 0 0 1 0 -", "invalid character 0x01");
	text_case("notask.txt", 3, NULL, "task index '1' out of order (expected 0)");

	path_in_dir(p, sizeof(p), "empty.txt");
	sf_write(p, "## nothing\n\n", strlen("## nothing\n\n"));
	expect_error(p, EINVAL, "empty.txt:2: bad magic: no '# zswapsim-access 1' line", NULL);

	path_in_dir(p, sizeof(p), "nomemcg.txt");
	sf_write(p, "# zswapsim-access 1\n# task 0 1\n",
		    strlen("# zswapsim-access 1\n# task 0 1\n"));
	expect_error(p, EINVAL, "nomemcg.txt:2: missing 'memcg' header line", NULL);

	path_in_dir(p, sizeof(p), "notask2.txt");
	sf_write(p, "# zswapsim-access 1\n# memcg 0 r -1 0 0\n0 read 0 0 0 0 0 -\n",
		    strlen("# zswapsim-access 1\n# memcg 0 r -1 0 0\n0 read 0 0 0 0 0 -\n"));
	expect_error(p, EINVAL, "notask2.txt:3: missing 'task' header line", NULL);
}
END_TEST

/* A byte-flipped or truncated variant of n bytes: accepted with at most as
 * many records as fit, or rejected with one line. */
static int try_open(const char *path, size_t n, char *err, size_t errlen)
{
	int ret = access_open(&tr, path, err, errlen);

	if (!ret) {
		ck_assert_uint_le(tr.nrec * 18, n);   /* the shortest text record is 18 bytes */
		access_close(&tr);
	}
	return ret;
}

static void fuzz_file(const char *name, int iterations)
{
	char p[512];

	write_sample(name, p, sizeof(p));
	sf_fuzz_file(p, iterations, try_open);
}

START_TEST(test_fuzz_binary)
{
	fuzz_file("fz.zswa", 3000);
}
END_TEST

START_TEST(test_fuzz_text)
{
	fuzz_file("fz.txt", 3000);
}
END_TEST

/* --- sources and adapters ------------------------------------------------------------ */

#define ATASKS 3
#define AREC   600

/* Records of ATASKS tasks, in global order, with ties in time across tasks
 * and runs of one task (so the FIFOs grow past their first size). */
static struct access_record arec[AREC];
static struct access_meta ameta;

static void make_records(void)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	uint64_t t[ATASKS] = { 0 };
	int exited[ATASKS] = { 0 };

	gsl_rng_set(rng, 3);
	access_meta_init(&ameta, 16);
	ameta.task_count = ATASKS;
	for (unsigned i = 0; i < ATASKS; i++)
		ameta.task_pages[i] = 16;
	/* per task: random think times, many zero; then sort by (time, task) */
	for (unsigned i = 0; i < AREC; i++) {
		unsigned k = i < 200 ? 0 : (unsigned)gsl_rng_uniform_int(rng, ATASKS);

		t[k] += gsl_rng_uniform_int(rng, 3) * 10;
		arec[i] = (struct access_record){ .time_ns = t[k], .task = (uint16_t)k,
			.vpage = (uint32_t)gsl_rng_uniform_int(rng, 16), .op = ACCESS_READ };
	}
	for (unsigned i = 1; i < AREC; i++) {   /* insertion sort: stable */
		struct access_record r = arec[i];
		unsigned j = i;

		while (j && (arec[j - 1].time_ns > r.time_ns ||
			     (arec[j - 1].time_ns == r.time_ns && arec[j - 1].task > r.task))) {
			arec[j] = arec[j - 1];
			j--;
		}
		arec[j] = r;
	}
	/* each task's last record becomes its exit */
	for (unsigned i = AREC; i-- > 0;) {
		if (!exited[arec[i].task]) {
			exited[arec[i].task] = 1;
			arec[i].op = ACCESS_EXIT;
			arec[i].vpage = 0;
		}
	}
	gsl_rng_free(rng);
}

/* A source over arec with only one order implemented. */
struct test_src {
	uint64_t pos[ATASKS + 1];   /* per task cursor; [ATASKS]: the global one */
};

static int tsrc_next(struct access_source *src, struct access_record *r)
{
	struct test_src *s = src->priv;

	if (s->pos[ATASKS] == AREC)
		return 0;
	*r = arec[s->pos[ATASKS]++];
	return 1;
}

static int tsrc_next_task(struct access_source *src, unsigned task, struct access_record *r)
{
	struct test_src *s = src->priv;

	while (s->pos[task] < AREC && arec[s->pos[task]].task != task)
		s->pos[task]++;
	if (s->pos[task] == AREC)
		return 0;
	*r = arec[s->pos[task]++];
	return 1;
}

static void tsrc_free(struct access_source *src)
{
	free(src->priv);
}

static const struct access_source_ops global_only = { .next = tsrc_next, .free = tsrc_free };
static const struct access_source_ops task_only = { .next_task = tsrc_next_task, .free = tsrc_free };

static struct access_source *test_source(const struct access_source_ops *ops)
{
	struct access_source *src = access_source_alloc(ops, calloc(1, sizeof(struct test_src)));

	ck_assert_ptr_nonnull(src);
	src->meta = &ameta;
	return src;
}

/* The global order must be arec exactly. */
static void expect_global(struct access_source *src)
{
	struct access_record r;

	for (unsigned i = 0; i < AREC; i++) {
		ck_assert_int_eq(access_source_next(src, &r), 1);
		ck_assert_msg(!memcmp(&r, &arec[i], sizeof(r)), "record %u differs", i);
	}
	ck_assert_int_eq(access_source_next(src, &r), 0);
	ck_assert_int_eq(access_source_next(src, &r), 0);
}

/* Per-task pulls, tasks taken in a drifting pattern (task 2 far ahead, then
 * 0, then 1), must give each task's records of arec in order. */
static void expect_per_task(struct access_source *src)
{
	static const unsigned order[] = { 2, 2, 2, 2, 2, 0, 1, 0 };
	uint64_t want[ATASKS] = { 0 };
	unsigned done = 0, step = 0, got = 0;
	struct access_record r;

	while (done != (1u << ATASKS) - 1) {
		unsigned k = order[step++ % 8];
		int ret;

		if (done & (1u << k))
			k = (unsigned)__builtin_ctz(~done);
		ret = access_source_next_task(src, k, &r);
		ck_assert_int_ge(ret, 0);
		while (want[k] < AREC && arec[want[k]].task != k)
			want[k]++;
		if (!ret) {
			ck_assert_uint_eq(want[k], AREC);
			done |= 1u << k;
			continue;
		}
		ck_assert_msg(!memcmp(&r, &arec[want[k]], sizeof(r)), "task %u record differs", k);
		want[k]++;
		got++;
	}
	ck_assert_uint_eq(got, AREC);
	ck_assert_int_eq(access_source_next_task(src, ATASKS, &r), -EINVAL);
	ck_assert_str_eq(access_source_error(src), "task 3 >= task_count 3");
}

START_TEST(test_adapters)
{
	struct access_source *src;

	make_records();
	src = test_source(&task_only);      /* global order by heap merge */
	expect_global(src);
	access_source_close(src);
	src = test_source(&global_only);    /* per task by FIFOs */
	expect_per_task(src);
	access_source_close(src);
	src = test_source(&global_only);
	expect_global(src);
	access_source_close(src);
	src = test_source(&task_only);
	expect_per_task(src);
	access_source_close(src);
}
END_TEST

/* The file source: a sorted file reads in place; a file whose records are
 * grouped by task is merged into the same global order. */
START_TEST(test_file_source_orders)
{
	struct access_record *grouped = malloc(sizeof(arec));
	struct access_source *src;
	char p[512], err[512];
	unsigned n = 0;

	make_records();
	for (unsigned k = 0; k < ATASKS; k++)
		for (unsigned i = 0; i < AREC; i++)
			if (arec[i].task == k)
				grouped[n++] = arec[i];
	for (int f = 0; f < 4; f++) {
		const char *name = f & 1 ? "grouped.zswa" : "sorted.txt";

		path_in_dir(p, sizeof(p), name);
		ck_assert_int_eq(access_write(p, &ameta, f & 1 ? grouped : arec, AREC, err,
					      sizeof(err)), 0);
		ck_assert_msg(access_source_open(&src, p, ACCESS_FMT_ZSWAPSIM, NULL, err,
						 sizeof(err)) == 0, "%s", err);
		ck_assert_uint_eq(access_source_records(src), AREC);
		ck_assert_str_eq(access_source_page_store(src), "");
		ck_assert_uint_eq(access_source_meta(src)->task_count, ATASKS);
		if (f < 2)
			expect_global(src);
		else
			expect_per_task(src);
		access_source_close(src);
	}
	free(grouped);
	path_in_dir(p, sizeof(p), "absent.zswa");
	ck_assert_int_eq(access_source_open(&src, p, ACCESS_FMT_ZSWAPSIM, NULL, err, sizeof(err)),
			 -ENOENT);
	ck_assert_ptr_null(src);
	ck_assert_int_eq(access_source_open(&src, p, ACCESS_FMT_COUNT, NULL, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "unknown access format 3"));
}
END_TEST

/* Under ZSWAPSIM_DEBUG_INVARIANTS a source that breaks the rules is caught
 * as it is pulled. */
#ifdef ZSWAPSIM_DEBUG_INVARIANTS
START_TEST(test_debug_checks)
{
	struct access_source *src;
	struct access_record r;

	make_records();
	ameta.task_pages[1] = 1;    /* records of task 1 now reach beyond its pages */
	src = test_source(&global_only);
	while (access_source_next(src, &r) == 1)
		;
	ck_assert_ptr_nonnull(strstr(access_source_error(src), "source gave a bad record: vpage"));
	access_source_close(src);
}
END_TEST
#endif

/* --- oracleGeneral ----------------------------------------------------------------------- */

struct og {
	uint32_t t;
	uint64_t id;
	uint32_t size;
	int64_t next;
} __attribute__((packed));

static const struct og og_sample[] = {
	{ 1, 5, 4096, 3 }, { 1, 9, 100, 6 }, { 2, 5, 4096, -1 }, { 2, 77, 0, -1 },
	{ 3, 7, 1, -1 }, { 3, 9, 4096, -1 }, { 4, 1ull << 63, 4096, -1 }, { 5, 77, 5, -1 },
};
#define NOG (sizeof(og_sample) / sizeof(og_sample[0]))
/* pages in first-seen order, the zero-size request of 77 skipped */
static const uint32_t og_pages[] = { 0, 1, 0, 2, 1, 3, 4 };

static void write_zst(const char *path, const void *buf, size_t len, int frames)
{
	size_t cap = ZSTD_compressBound(len) * 2 + 64, off = 0;
	char *z = malloc(cap);

	for (int f = 0; f < frames; f++) {
		size_t part = f + 1 < frames ? len / 2 : len - len / 2 * (size_t)(frames - 1);
		size_t r = ZSTD_compress(z + off, cap - off, (const char *)buf + (f ? len / 2 : 0),
					 frames == 1 ? len : part, 3);

		ck_assert(!ZSTD_isError(r));
		off += r;
	}
	sf_write(path, z, off);
	free(z);
}

static void expect_og(const char *path, uint64_t think, const uint32_t *pages, size_t n,
		      uint32_t nobj)
{
	struct access_file_opts o = { .think_ns = think };
	struct access_source *src;
	struct access_record r;
	char err[512];

	ck_assert_msg(access_source_open(&src, path, ACCESS_FMT_ORACLE, &o, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(access_source_meta(src)->task_count, 1);
	ck_assert_uint_eq(access_source_meta(src)->task_pages[0], nobj);
	ck_assert_str_eq(access_source_meta(src)->memcgs[0].name, "root");
	ck_assert_uint_eq(access_source_records(src), n);
	for (size_t i = 0, fresh = 0; i < n; i++) {
		/* an object's first request writes (fills) its page, the others read */
		int first = pages[i] == fresh;

		fresh += first;
		ck_assert_int_eq(i % 2 ? access_source_next(src, &r)
				       : access_source_next_task(src, 0, &r), 1);
		ck_assert_uint_eq(r.vpage, pages[i]);
		ck_assert_uint_eq(r.time_ns, (i + 1) * think);
		ck_assert_uint_eq(r.op, (first ? ACCESS_WRITE : ACCESS_READ));
		ck_assert_uint_eq(r.arg, (first ? DRAW : 0));
		ck_assert_uint_eq(r.task, 0);
		ck_assert_uint_eq(r.order | r.memcg | r.flags, 0);
	}
	ck_assert_int_eq(access_source_next(src, &r), 0);
	access_source_close(src);
}

/* access_source_next_batch() gives what access_source_next() gives, in
 * batches of every size up to a few hundred (the oracle source's own batch
 * decoder), then 0 at the end. */
static void expect_og_batches(const char *path, uint64_t think)
{
	struct access_file_opts o = { .think_ns = think };
	struct access_source *one, *many;
	struct access_record r, b[300];
	char err[512];
	unsigned size = 1;
	int got;

	ck_assert(access_source_open(&one, path, ACCESS_FMT_ORACLE, &o, err, sizeof(err)) == 0);
	ck_assert(access_source_open(&many, path, ACCESS_FMT_ORACLE, &o, err, sizeof(err)) == 0);
	while ((got = access_source_next_batch(many, b, size)) > 0) {
		ck_assert_int_le(got, size);
		for (int i = 0; i < got; i++) {
			ck_assert_int_eq(access_source_next(one, &r), 1);
			ck_assert(!memcmp(&r, &b[i], sizeof(r)));
		}
		size = size % 300 + 1 + size / 7;
		if (size > 300)
			size = 1;
	}
	ck_assert_int_eq(got, 0);
	ck_assert_int_eq(access_source_next(one, &r), 0);
	ck_assert_int_eq(access_source_next_batch(many, b, 5), 0);
	access_source_close(one);
	access_source_close(many);
}

static void expect_og_error(const char *path, const char *want)
{
	struct access_file_opts o = { .think_ns = 1000 };
	struct access_source *src;
	char err[512] = "";

	ck_assert_int_lt(access_source_open(&src, path, ACCESS_FMT_ORACLE, &o, err, sizeof(err)), 0);
	ck_assert_ptr_null(src);
	ck_assert_msg(strstr(err, path) && strstr(err, want) && !strchr(err, '\n'),
		      "'%s' lacks '%s'", err, want);
}

START_TEST(test_oracle_mapping)
{
	char p[512], z[512], z2[512];

	path_in_dir(p, sizeof(p), "t.oracleGeneral");
	sf_write(p, og_sample, sizeof(og_sample));
	expect_og(p, 1000, og_pages, 7, 5);
	expect_og_batches(p, 1000);
	path_in_dir(z, sizeof(z), "t.oracleGeneral.zst");
	write_zst(z, og_sample, sizeof(og_sample), 1);
	expect_og(z, 1000, og_pages, 7, 5);
	/* two frames, the cut inside a record */
	path_in_dir(z2, sizeof(z2), "t2.oracleGeneral.zst");
	write_zst(z2, og_sample, sizeof(og_sample) - 24, 2);
	expect_og(z2, 7, og_pages, 6, 4);
	path_in_dir(p, sizeof(p), "empty.oracleGeneral");
	sf_write(p, "", 0);
	expect_og(p, 1, NULL, 0, 0);
}
END_TEST

/* Many objects (the table grows) with ids whose low bits collide. */
START_TEST(test_oracle_many)
{
	enum { N = 300000, OBJ = 70000 };
	struct og *rec = malloc(N * sizeof(*rec));
	uint32_t *pages = malloc(N * sizeof(*pages));
	char p[512], z[512];

	for (uint32_t i = 0; i < N; i++) {
		uint32_t o = i < OBJ ? i : (uint32_t)((i * 2654435761u) % OBJ);

		rec[i] = (struct og){ i, (uint64_t)o << 20, 4096, -1 };
		pages[i] = o;   /* object o is first seen at request o */
	}
	path_in_dir(p, sizeof(p), "many.oracleGeneral");
	sf_write(p, rec, N * sizeof(*rec));
	expect_og(p, 1, pages, N, OBJ);
	expect_og_batches(p, 3);
	path_in_dir(z, sizeof(z), "many.oracleGeneral.zst");
	write_zst(z, rec, N * sizeof(*rec), 1);
	expect_og(z, 1, pages, N, OBJ);
	free(rec);
	free(pages);
}
END_TEST

START_TEST(test_oracle_errors)
{
	struct access_file_opts o = { .think_ns = 1ull << 62 };
	struct access_source *src;
	char p[512], err[512];
	size_t len;
	char *z;

	path_in_dir(p, sizeof(p), "odd.oracleGeneral");
	sf_write(p, og_sample, sizeof(og_sample) - 1);
	expect_og_error(p, "size 191 is not a multiple of the 24-byte oracleGeneral record");

	path_in_dir(p, sizeof(p), "odd.oracleGeneral.zst");
	write_zst(p, og_sample, sizeof(og_sample) - 1, 1);
	expect_og_error(p, "decompressed size is not a multiple of the 24-byte oracleGeneral"
			" record (23 bytes left over)");

	write_zst(p, og_sample, sizeof(og_sample), 1);
	z = sf_read(p, &len);
	sf_write(p, z, len - 3);
	expect_og_error(p, "zstd: truncated frame");
	z[4] |= 0x08;   /* a reserved bit of the frame header descriptor */
	sf_write(p, z, len);
	expect_og_error(p, "zstd: ");
	free(z);
	sf_write(p, og_sample, sizeof(og_sample));
	expect_og_error(p, "zstd: Unknown frame descriptor");

	path_in_dir(p, sizeof(p), "absent.oracleGeneral");
	expect_og_error(p, "No such file or directory");
	path_in_dir(p, sizeof(p), "absent.oracleGeneral.zst");
	expect_og_error(p, "No such file or directory");

	path_in_dir(p, sizeof(p), "t.oracleGeneral");
	sf_write(p, og_sample, sizeof(og_sample));
	ck_assert_int_eq(access_source_open(&src, p, ACCESS_FMT_ORACLE, &o, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "7 requests x think 4611686018427387904 ns > 2^63-1 ns"));
}
END_TEST

/* Any source written as oracleGeneral: ids task << 32 | vpage, other ops
 * dropped, next_access_vtime counted from 1; reading it back gives the pages
 * in first-seen order, plain and .zst alike. */
START_TEST(test_oracle_write)
{
	struct access_source *src;
	struct og *og;
	char p[512], z[512], err[512];
	uint64_t n, nz;
	size_t len;

	make_records();
	src = test_source(&global_only);
	path_in_dir(p, sizeof(p), "w.oracleGeneral");
	ck_assert_msg(access_oracle_write(p, src, &n, err, sizeof(err)) == 0, "%s", err);
	access_source_close(src);
	ck_assert_uint_eq(n, AREC - ATASKS);   /* the exits are not requests */
	og = (struct og *)sf_read(p, &len);
	ck_assert_uint_eq(len, n * 24);
	for (uint64_t i = 0, j = 0; i < AREC; i++) {
		if (arec[i].op != ACCESS_READ)
			continue;
		ck_assert_uint_eq(og[j].id, (uint64_t)arec[i].task << 32 | arec[i].vpage);
		ck_assert_uint_eq(og[j].size, 4096);
		ck_assert_uint_eq(og[j].t, arec[i].time_ns / 1000000000);
		/* the next request of the same object, 1-based */
		int64_t want = -1;
		for (uint64_t k = j + 1; k < n && want < 0; k++)
			if (og[k].id == og[j].id)
				want = (int64_t)k + 1;
		ck_assert_int_eq(og[j].next, want);
		j++;
	}

	src = test_source(&task_only);
	path_in_dir(z, sizeof(z), "w.oracleGeneral.zst");
	ck_assert_msg(access_oracle_write(z, src, &nz, err, sizeof(err)) == 0, "%s", err);
	access_source_close(src);
	ck_assert_uint_eq(nz, n);
	{
		struct access_file_opts o = { .think_ns = 10 };
		struct access_source *a, *b;
		struct access_record ra, rb;
		int x, y;

		ck_assert_int_eq(access_source_open(&a, p, ACCESS_FMT_ORACLE, &o, err, sizeof(err)), 0);
		ck_assert_int_eq(access_source_open(&b, z, ACCESS_FMT_ORACLE, &o, err, sizeof(err)), 0);
		do {
			x = access_source_next(a, &ra);
			y = access_source_next(b, &rb);
			ck_assert_int_eq(x, y);
			ck_assert(!x || !memcmp(&ra, &rb, sizeof(ra)));
		} while (x == 1);
		access_source_close(a);
		access_source_close(b);
	}
	free(og);

	src = test_source(&global_only);
	path_in_dir(p, sizeof(p), "nodir/w.oracleGeneral");
	ck_assert_int_eq(access_oracle_write(p, src, NULL, err, sizeof(err)), -ENOENT);
	access_source_close(src);
}
END_TEST

/* --- CSV ------------------------------------------------------------------------------------ */

static struct access_source *open_csv(const char *name, const char *text, const char *columns,
				      uint64_t think)
{
	struct access_file_opts o = { .think_ns = think, .csv_columns = columns };
	struct access_source *src;
	char p[512], err[512];

	path_in_dir(p, sizeof(p), name);
	sf_write(p, text, strlen(text));
	ck_assert_msg(access_source_open(&src, p, ACCESS_FMT_CSV, &o, err, sizeof(err)) == 0,
		      "%s", err);
	return src;
}

static void expect_rec(struct access_source *src, uint64_t time, unsigned task, uint32_t vpage,
		       unsigned op, unsigned order, unsigned memcg)
{
	struct access_record r;

	ck_assert_int_eq(access_source_next(src, &r), 1);
	ck_assert_uint_eq(r.time_ns, time);
	ck_assert_uint_eq(r.task, task);
	ck_assert_uint_eq(r.vpage, vpage);
	ck_assert_uint_eq(r.op, op);
	ck_assert_uint_eq(r.order, order);
	ck_assert_uint_eq(r.memcg, memcg);
	ck_assert_uint_eq(r.arg, op == ACCESS_WRITE ? DRAW : 0);
}

START_TEST(test_csv_default)
{
	struct access_source *src = open_csv("d.csv",
		"# accesses of two tasks\n"
		"time_ns,task,vpage,op\n"
		"10,0,5,r\n"
		" 10 , 1 , 0x1f , W \r\n"
		"\n"
		"20,1,3,read\n"
		"30,0,5,write\n", NULL, 0);
	const struct access_meta *m = access_source_meta(src);

	ck_assert_uint_eq(m->task_count, 2);
	ck_assert_uint_eq(m->task_pages[0], 6);
	ck_assert_uint_eq(m->task_pages[1], 32);
	ck_assert_uint_eq(m->memcg_count, 1);
	ck_assert_str_eq(m->memcgs[0].name, "root");
	ck_assert_uint_eq(access_source_records(src), 4);
	expect_rec(src, 10, 0, 5, ACCESS_READ, 0, 0);
	expect_rec(src, 10, 1, 31, ACCESS_WRITE, 0, 0);
	expect_rec(src, 20, 1, 3, ACCESS_READ, 0, 0);
	expect_rec(src, 30, 0, 5, ACCESS_WRITE, 0, 0);
	access_source_close(src);
}
END_TEST

START_TEST(test_csv_mapping)
{
	/* renamed columns, order and memcg, an extra column, out of global order */
	struct access_source *src = open_csv("m.csv",
		"page,extra,kind,cg,ord,pid,ts\n"
		"5,x,w,1,2,1,100\n"
		"0,y,r,0,0,0,200\n"
		"9,z,r,2,0,1,150\n",
		"vpage=page,op=kind,memcg=cg,order=ord,task=pid,time_ns=ts", 0);
	const struct access_meta *m = access_source_meta(src);

	ck_assert_uint_eq(m->task_count, 2);
	ck_assert_uint_eq(m->task_pages[0], 1);
	ck_assert_uint_eq(m->task_pages[1], 10);   /* order-2 folio 4..7, then vpage 9 */
	ck_assert_uint_eq(m->memcg_count, 3);
	ck_assert_str_eq(m->memcgs[2].name, "memcg2");
	expect_rec(src, 100, 1, 5, ACCESS_WRITE, 2, 1);
	expect_rec(src, 150, 1, 9, ACCESS_READ, 0, 2);
	expect_rec(src, 200, 0, 0, ACCESS_READ, 0, 0);
	access_source_close(src);

	/* only vpage: task 0, reads, times k * think */
	src = open_csv("v.csv", "addr\n7\n7\n1\n", "vpage=addr", 250);
	expect_rec(src, 250, 0, 7, ACCESS_READ, 0, 0);
	expect_rec(src, 500, 0, 7, ACCESS_READ, 0, 0);
	expect_rec(src, 750, 0, 1, ACCESS_READ, 0, 0);
	access_source_close(src);

	/* no time column: per-task clocks */
	src = open_csv("t.csv", "task,vpage\n0,1\n1,1\n1,2\n0,3\n", NULL, 10);
	expect_rec(src, 10, 0, 1, ACCESS_READ, 0, 0);
	expect_rec(src, 10, 1, 1, ACCESS_READ, 0, 0);
	expect_rec(src, 20, 0, 3, ACCESS_READ, 0, 0);
	expect_rec(src, 20, 1, 2, ACCESS_READ, 0, 0);
	access_source_close(src);
}
END_TEST

static void csv_error(const char *name, const char *text, const char *columns, const char *want)
{
	struct access_file_opts o = { .think_ns = 1ull << 62, .csv_columns = columns };
	struct access_source *src;
	char p[512], err[512] = "";

	path_in_dir(p, sizeof(p), name);
	sf_write(p, text, strlen(text));
	ck_assert_int_eq(access_source_open(&src, p, ACCESS_FMT_CSV, &o, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, p) && strstr(err, want) && !strchr(err, '\n'),
		      "'%s' lacks '%s'", err, want);
}

START_TEST(test_csv_errors)
{
	csv_error("e1.csv", "", NULL, "e1.csv: no header line");
	csv_error("e2.csv", "time_ns,task,op\n1,0,r\n", NULL, "e2.csv:1: no column 'vpage' (for"
		  " vpage) in the header");
	csv_error("e3.csv", "vpage\n1\n", "vpage=page", "e3.csv:1: no column 'page' (for vpage)");
	csv_error("e4.csv", "vpage\n1\n", "page=vpage", "e4.csv:1: column mapping: unknown field 'page'");
	csv_error("e5.csv", "vpage\n1\n", "vpage", "column mapping 'vpage': want FIELD=COLUMN");
	csv_error("e6.csv", "vpage,vpage\n1,2\n", NULL, "e6.csv:1: column 'vpage' appears twice");
	csv_error("e7.csv", "vpage,op\n1,r\n2\n", NULL, "e7.csv:3: 1 fields, the header has 2");
	csv_error("e8.csv", "vpage,op\n1,x\n", NULL, "e8.csv:2: op 'x' (want r, w, read or write)");
	csv_error("e9.csv", "vpage\n-1\n", NULL, "e9.csv:2: vpage '-1' is not an unsigned number");
	csv_error("e10.csv", "vpage\n4294967296\n", NULL, "e10.csv:2: vpage 4294967296 > 4294967295");
	csv_error("e11.csv", "vpage,order\n4294967295,1\n", NULL, "e11.csv:2: vpage 4294967295:"
		  " its order-1 folio ends beyond 2^32-1 pages");
	csv_error("e12.csv", "vpage,order\n1,10\n", NULL, "e12.csv:2: order 10 > 9");
	csv_error("e13.csv", "vpage,task\n1,65535\n", NULL, "e13.csv:2: task 65535 > 65534");
	csv_error("e14.csv", "vpage,memcg\n1,1024\n", NULL, "e14.csv:2: memcg 1024 > 1023");
	csv_error("e15.csv", "time_ns,vpage\n5,1\n4,1\n", NULL, "e15.csv:3: time going backwards"
		  " in task 0: 4 after 5");
	csv_error("e16.csv", "time_ns,vpage\n9223372036854775808,1\n", NULL,
		  "e16.csv:2: time_ns 9223372036854775808 > 9223372036854775807");
	csv_error("e17.csv", "vpage\n\"1\"\n", NULL, "e17.csv:2: quote or control character");
	csv_error("e18.csv", "vpage\n1\n2\n", NULL, "e18.csv:3: access 2 of task 0 x think"
		  " 4611686018427387904 ns > 2^63-1 ns");
	csv_error("e19.csv", "vpage\n0x\n", NULL, "e19.csv:2: vpage '0x' is not an unsigned number");
}
END_TEST

static Suite *access_suite(void)
{
	Suite *s = suite_create("access");
	TCase *tc = tcase_create("access");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_binary_round_trip);
	tcase_add_test(tc, test_text_exact_and_round_trip);
	tcase_add_test(tc, test_fractions_round_trip);
	tcase_add_test(tc, test_text_hand_written);
	tcase_add_test(tc, test_empty_and_streaming_writer);
	tcase_add_test(tc, test_ops_and_forms);
	tcase_add_test(tc, test_write_errors);
	tcase_add_test(tc, test_binary_header_errors);
	tcase_add_test(tc, test_binary_header_padding);
	tcase_add_test(tc, test_binary_record_errors);
	tcase_add_test(tc, test_page_store_errors);
	tcase_add_test(tc, test_text_errors);
	tcase_add_test(tc, test_fuzz_binary);
	tcase_add_test(tc, test_fuzz_text);
	tcase_add_test(tc, test_adapters);
	tcase_add_test(tc, test_file_source_orders);
#ifdef ZSWAPSIM_DEBUG_INVARIANTS
	tcase_add_test(tc, test_debug_checks);
#endif
	tcase_add_test(tc, test_oracle_mapping);
	tcase_add_test(tc, test_oracle_many);
	tcase_add_test(tc, test_oracle_errors);
	tcase_add_test(tc, test_oracle_write);
	tcase_add_test(tc, test_csv_default);
	tcase_add_test(tc, test_csv_mapping);
	tcase_add_test(tc, test_csv_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(access_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
