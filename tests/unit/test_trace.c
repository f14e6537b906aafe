/* SPDX-License-Identifier: MIT */
/*
 * Trace format v1: round trips between the binary and text forms, every
 * validation error (message names the file, the record or line, the reason),
 * page-store checks, and a fuzz loop of byte flips and truncations.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "tests/unit/support_files.h"
#include "traces/trace.h"

#define HDR_SIZE(nmemcg) (320 + 72 * (nmemcg))
#define REC_OFF(i)       (HDR_SIZE(2) + 24 * (i))
#define PS_PAGES         8

static char dir[256];
static char ps_path[512];

/* A small trace that uses every op, order 0..3, hint, zero and ra, both
 * memcgs and both streams. */
static const struct trace_record sample[] = {
	{ .time_ns = 100, .op = TRACE_OP_OUT, .slot = 0, .order = 0, .stream = 0, .memcg = 1, .content = 3 },
	{ .time_ns = 100, .op = TRACE_OP_OUT, .slot = 4, .order = 2, .stream = 1, .memcg = 0, .content = 4 },
	{ .time_ns = 150, .op = TRACE_OP_OUT, .slot = 8, .order = 0, .stream = 0, .memcg = 1, .content = 100,
	  .flags = TRACE_F_HINT },
	{ .time_ns = 200, .op = TRACE_OP_OUT, .slot = 9, .order = 3, .stream = 1, .memcg = 1, .content = 0,
	  .flags = TRACE_F_HINT | TRACE_F_ZERO },
	{ .time_ns = 300, .op = TRACE_OP_IN, .slot = 0, .order = 0, .stream = 0, .memcg = 1 },
	{ .time_ns = 310, .op = TRACE_OP_IN, .slot = 4, .order = 0, .stream = 1, .memcg = 0,
	  .flags = TRACE_F_READAHEAD },
	{ .time_ns = 400, .op = TRACE_OP_INVAL, .slot = 8, .order = 0, .stream = 0, .memcg = 1 },
	{ .time_ns = 9223372036854775807ull, .op = TRACE_OP_OUT, .slot = 63, .order = 0, .stream = 0,
	  .memcg = 0, .content = 7 },
};
#define NSAMPLE (sizeof(sample) / sizeof(sample[0]))

static const char sample_text_fmt[] =
	"zswapsim-trace 1\n"
	"page_size 4096\n"
	"slot_count 64\n"
	"stream_count 2\n"
	"memcg 0 / -1\n"
	"memcg 1 /a.slice 0\n"
	"page_store ps.pages 8 0x%016llx\n"
	"# time_ns op slot order stream memcg content flags\n"
	"100 out 0 0 0 1 3 -\n"
	"100 out 4 2 1 0 4 -\n"
	"150 out 8 0 0 1 100 hint\n"
	"200 out 9 3 1 1 0 hint|zero\n"
	"300 in 0 0 0 1 0 -\n"
	"310 in 4 0 1 0 0 ra\n"
	"400 inval 8 0 0 1 0 -\n"
	"9223372036854775807 out 63 0 0 0 7 -\n";

static struct trace_meta meta;

static void path_in_dir(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}


/* A fresh directory with a page store of PS_PAGES distinct pages. */
static void setup(void)
{
	unsigned char page[SIM_PAGE_SIZE * PS_PAGES];
	char err[512];

	sf_mkdir(dir, sizeof(dir), "test_trace");
	for (size_t i = 0; i < sizeof(page); i++)
		page[i] = (unsigned char)(i * 7 + i / SIM_PAGE_SIZE);
	path_in_dir(ps_path, sizeof(ps_path), "ps.pages");
	sf_write(ps_path, page, sizeof(page));

	memset(&meta, 0, sizeof(meta));
	meta.page_size = SIM_PAGE_SIZE;
	meta.slot_count = 64;
	meta.stream_count = 2;
	meta.memcg_count = 2;
	strcpy(meta.memcgs[0].name, "/");
	meta.memcgs[0].parent = -1;
	strcpy(meta.memcgs[1].name, "/a.slice");
	meta.memcgs[1].parent = 0;
	strcpy(meta.page_store, "ps.pages");
	meta.page_store_pages = PS_PAGES;
	ck_assert_int_eq(trace_file_checksum(ps_path, &meta.page_store_checksum, err, sizeof(err)), 0);
	ck_assert_uint_eq(meta.page_store_checksum, XXH3_64bits(page, sizeof(page)));
}

static void teardown(void)
{
	sf_rmdir(dir);
}

static void write_sample(const char *name, char *path, size_t len)
{
	char err[512];

	path_in_dir(path, len, name);
	ck_assert_msg(trace_write(path, &meta, sample, NSAMPLE, err, sizeof(err)) == 0, "%s", err);
}

/* Open must fail; the message must contain each of the given substrings. */
static void expect_error(const char *path, int want_errno, const char *s1, const char *s2)
{
	struct trace t;
	char err[512] = "";
	int ret = trace_open(&t, path, err, sizeof(err));

	ck_assert_msg(ret == -want_errno, "ret %d, want %d (%s)", ret, -want_errno, err);
	ck_assert_msg(strstr(err, path) != NULL, "'%s' does not name the file", err);
	ck_assert_msg(!s1 || strstr(err, s1), "'%s' lacks '%s'", err, s1);
	ck_assert_msg(!s2 || strstr(err, s2), "'%s' lacks '%s'", err, s2);
	ck_assert_msg(!strchr(err, '\n'), "'%s' is not one line", err);
}

START_TEST(test_binary_round_trip)
{
	char bin[512], bin2[512], txt[512], err[512];
	struct trace t;
	size_t n1, n2;
	char *a, *b;

	write_sample("a.zswt", bin, sizeof(bin));
	ck_assert_msg(trace_open(&t, bin, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(t.nrec, NSAMPLE);
	ck_assert_int_eq(memcmp(t.rec, sample, sizeof(sample)), 0);
	ck_assert_uint_eq(((uintptr_t)t.rec) % 8, 0);
	ck_assert_str_eq(t.meta.memcgs[1].name, "/a.slice");
	ck_assert_int_eq(t.meta.memcgs[1].parent, 0);
	ck_assert_str_eq(t.page_store_path, ps_path);
	a = sf_read(bin, &n1);
	ck_assert_uint_eq(n1, HDR_SIZE(2) + 24 * NSAMPLE);
	ck_assert_int_eq(memcmp(a, "ZSWTRACE", 8), 0);
	ck_assert_uint_eq(t.checksum, XXH3_64bits(a, n1));

	/* binary -> text -> binary: byte for byte */
	path_in_dir(txt, sizeof(txt), "a.txt");
	ck_assert_int_eq(trace_write(txt, &t.meta, t.rec, t.nrec, err, sizeof(err)), 0);
	trace_close(&t);
	ck_assert_msg(trace_open(&t, txt, err, sizeof(err)) == 0, "%s", err);
	path_in_dir(bin2, sizeof(bin2), "b.zswt");
	ck_assert_int_eq(trace_write(bin2, &t.meta, t.rec, t.nrec, err, sizeof(err)), 0);
	trace_close(&t);
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
	struct trace t;
	size_t n1, n2;
	char *a, *b;

	write_sample("a.txt", txt, sizeof(txt));
	snprintf(want, sizeof(want), sample_text_fmt, (unsigned long long)meta.page_store_checksum);
	a = sf_read(txt, &n1);
	ck_assert_str_eq(a, want);

	/* text -> binary -> text: byte for byte */
	ck_assert_msg(trace_open(&t, txt, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(t.nrec, NSAMPLE);
	ck_assert_int_eq(memcmp(t.rec, sample, sizeof(sample)), 0);
	ck_assert_uint_eq(t.checksum, XXH3_64bits(a, n1));
	path_in_dir(bin, sizeof(bin), "a.zswt");
	ck_assert_int_eq(trace_write(bin, &t.meta, t.rec, t.nrec, err, sizeof(err)), 0);
	trace_close(&t);
	ck_assert_msg(trace_open(&t, bin, err, sizeof(err)) == 0, "%s", err);
	path_in_dir(txt2, sizeof(txt2), "b.txt");
	ck_assert_int_eq(trace_write(txt2, &t.meta, t.rec, t.nrec, err, sizeof(err)), 0);
	trace_close(&t);
	b = sf_read(txt2, &n2);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_text_hand_written)
{
	static const char text[] =
		"# a hand-written trace\n"
		"\n"
		"zswapsim-trace 1   # magic and version\n"
		"slot_count 16\n"
		"stream_count 1\n"
		"memcg 0 root -1\n"
		"\t\n"
		"10\tout  3 1 0 0 512 hint   # two pages, 512 bytes each\n"
		"20 in 3 0 0 0 0 -\r\n"
		"30 inval 3 1 0 0 0 -";
	char txt[512], err[512];
	struct trace t;

	path_in_dir(txt, sizeof(txt), "hand.txt");
	sf_write(txt, text, strlen(text));
	ck_assert_msg(trace_open(&t, txt, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(t.nrec, 3);
	ck_assert_uint_eq(t.meta.page_size, 4096);
	ck_assert_str_eq(t.meta.page_store, "");
	ck_assert_str_eq(t.page_store_path, "");
	ck_assert_uint_eq(t.rec[0].time_ns, 10);
	ck_assert_uint_eq(t.rec[0].order, 1);
	ck_assert_uint_eq(t.rec[0].content, 512);
	ck_assert_uint_eq(t.rec[0].flags, TRACE_F_HINT);
	ck_assert_uint_eq(t.rec[1].op, TRACE_OP_IN);
	ck_assert_uint_eq(t.rec[2].op, TRACE_OP_INVAL);
	ck_assert_uint_eq(t.rec[2].time_ns, 30);
	trace_close(&t);
}
END_TEST

START_TEST(test_empty_trace)
{
	char bin[512], err[512];
	struct trace t;

	path_in_dir(bin, sizeof(bin), "empty.zswt");
	ck_assert_int_eq(trace_write(bin, &meta, NULL, 0, err, sizeof(err)), 0);
	ck_assert_msg(trace_open(&t, bin, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(t.nrec, 0);
	trace_close(&t);
}
END_TEST

START_TEST(test_flags_and_ops)
{
	char buf[32];
	uint16_t f;

	trace_flags_format(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	trace_flags_format(TRACE_F_KNOWN, buf, sizeof(buf));
	ck_assert_str_eq(buf, "hint|zero|ra|clean");
	trace_flags_format(TRACE_F_READAHEAD, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ra");
	ck_assert_int_eq(trace_flags_parse("clean|hint", 10, &f), 0);
	ck_assert_uint_eq(f, TRACE_F_HINT | TRACE_F_CLEAN);
	ck_assert_int_eq(trace_flags_parse("zero|hint", 9, &f), 0);
	ck_assert_uint_eq(f, TRACE_F_HINT | TRACE_F_ZERO);
	ck_assert_int_eq(trace_flags_parse("-", 1, &f), 0);
	ck_assert_uint_eq(f, 0);
	ck_assert_int_eq(trace_flags_parse("hint|", 5, &f), -1);
	ck_assert_int_eq(trace_flags_parse("hint|hint", 9, &f), -1);
	ck_assert_int_eq(trace_flags_parse("bogus", 5, &f), -1);
	ck_assert_int_eq(trace_flags_parse("", 0, &f), -1);
	ck_assert_int_eq(trace_op_parse("inval"), TRACE_OP_INVAL);
	ck_assert_int_eq(trace_op_parse("swap"), -1);
	ck_assert_str_eq(trace_op_name(TRACE_OP_IN), "in");
	ck_assert_int_eq(trace_path_form("x.zswt"), TRACE_FORM_BINARY);
	ck_assert_int_eq(trace_path_form("dir.zswt/x.txt"), TRACE_FORM_TEXT);
	ck_assert_int_eq(trace_path_form("x.bin"), -1);
	ck_assert_int_eq(trace_path_form(".txt"), -1);
}
END_TEST

START_TEST(test_write_errors)
{
	struct trace_record r[2] = { sample[0], sample[1] };
	char path[512], err[512];

	path_in_dir(path, sizeof(path), "x.bin");
	ck_assert_int_eq(trace_write(path, &meta, sample, NSAMPLE, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "unknown trace extension"));
	ck_assert_int_eq(access(path, F_OK), -1);

	path_in_dir(path, sizeof(path), "x.zswt");
	r[1].order = 12;
	ck_assert_int_eq(trace_write(path, &meta, r, 2, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "x.zswt: record 1: order 12 > 9"));
	ck_assert_int_eq(access(path, F_OK), -1);

	meta.memcgs[1].parent = 1;
	ck_assert_int_eq(trace_write(path, &meta, sample, NSAMPLE, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "memcg 1 (/a.slice): parent 1 invalid"));

	/* No temporary file is left behind. */
	meta.memcgs[1].parent = 0;
	path_in_dir(path, sizeof(path), "nodir/x.zswt");
	ck_assert_int_eq(trace_write(path, &meta, sample, NSAMPLE, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "cannot create temporary file"));

	/* Only a regular file is ever replaced: a link, a FIFO and a directory
	 * stay as they are (and so does the link's target). */
	{
		static const char *const names[] = { "link.zswt", "fifo.zswt", "dir.zswt" };
		char target[512];
		struct stat st;

		path_in_dir(target, sizeof(target), "target.zswt");
		sf_write(target, "keep", 4);
		path_in_dir(path, sizeof(path), names[0]);
		ck_assert_int_eq(symlink(target, path), 0);
		path_in_dir(path, sizeof(path), names[1]);
		ck_assert_int_eq(mkfifo(path, 0600), 0);
		path_in_dir(path, sizeof(path), names[2]);
		ck_assert_int_eq(mkdir(path, 0700), 0);
		for (int i = 0; i < 3; i++) {
			path_in_dir(path, sizeof(path), names[i]);
			ck_assert_int_eq(trace_write(path, &meta, sample, NSAMPLE, err, sizeof(err)),
					 -EEXIST);
			ck_assert_ptr_nonnull(strstr(err, "exists and is not a regular file"));
			ck_assert_int_eq(lstat(path, &st), 0);
			ck_assert(!S_ISREG(st.st_mode));
		}
		ck_assert_int_eq(stat(target, &st), 0);
		ck_assert_int_eq(st.st_size, 4);
	}
}
END_TEST

/* Each case: a valid binary file with one field patched. */
START_TEST(test_binary_header_errors)
{
	char p[512];
	char name[64];

	write_sample("m.zswt", p, sizeof(p));
	sf_patch_u8(p, 0, 'X');
	expect_error(p, EINVAL, "bad magic", NULL);

	write_sample("v.zswt", p, sizeof(p));
	sf_patch_u32(p, 8, 2);
	expect_error(p, EINVAL, "header: unsupported version 2", NULL);

	write_sample("r.zswt", p, sizeof(p));
	sf_patch_u32(p, 16, 32);
	expect_error(p, EINVAL, "header: wrong record size 32", NULL);

	write_sample("ps.zswt", p, sizeof(p));
	sf_patch_u32(p, 20, 8192);
	expect_error(p, EINVAL, "header: page_size 8192", NULL);

	write_sample("sc.zswt", p, sizeof(p));
	sf_patch_u32(p, 32, 0);
	expect_error(p, EINVAL, "header: slot_count 0", NULL);

	write_sample("st.zswt", p, sizeof(p));
	sf_patch_u32(p, 36, 65536);
	expect_error(p, EINVAL, "header: stream_count 65536 out of range", NULL);

	write_sample("mc.zswt", p, sizeof(p));
	sf_patch_u32(p, 40, 3);
	expect_error(p, EINVAL, "header: header_size 464 does not match memcg_count 3", NULL);

	write_sample("mc0.zswt", p, sizeof(p));
	sf_patch_u32(p, 40, 0);
	expect_error(p, EINVAL, "header: memcg_count 0 out of range", NULL);

	write_sample("par.zswt", p, sizeof(p));
	sf_patch_u32(p, 320 + 72 + 64, 1);
	expect_error(p, EINVAL, "header: memcg 1 (/a.slice): parent 1 invalid", NULL);

	write_sample("par2.zswt", p, sizeof(p));
	sf_patch_u32(p, 320 + 64, 0);
	expect_error(p, EINVAL, "memcg 0 (/): parent 0 invalid", NULL);

	write_sample("dup.zswt", p, sizeof(p));
	memset(name, 0, sizeof(name));
	name[0] = '/';
	sf_patch(p, 320 + 72, name, sizeof(name));
	expect_error(p, EINVAL, "memcg 1: name '/' repeats memcg 0", NULL);

	write_sample("pad.zswt", p, sizeof(p));
	sf_patch_u8(p, 320 + 72 + 60, 'x');
	expect_error(p, EINVAL, "memcg 1: name not NUL-terminated and zero-padded", NULL);

	write_sample("psn.zswt", p, sizeof(p));
	sf_patch_u8(p, 64 + 200, 'x');
	expect_error(p, EINVAL, "page-store name not NUL-terminated", NULL);

	write_sample("trunc.zswt", p, sizeof(p));
	ck_assert_int_eq(truncate(p, REC_OFF(NSAMPLE) - 5), 0);
	expect_error(p, EINVAL, "truncated file", "header says 8 records");

	write_sample("trunch.zswt", p, sizeof(p));
	ck_assert_int_eq(truncate(p, 100), 0);
	expect_error(p, EINVAL, "truncated file: 100 bytes", NULL);

	write_sample("trail.zswt", p, sizeof(p));
	ck_assert_int_eq(truncate(p, REC_OFF(NSAMPLE) + 24), 0);
	expect_error(p, EINVAL, "trailing bytes", NULL);

	write_sample("cnt.zswt", p, sizeof(p));
	sf_patch_u64(p, 24, UINT64_MAX);
	expect_error(p, EINVAL, "truncated file", NULL);

	path_in_dir(p, sizeof(p), "zero.zswt");
	sf_write(p, "", 0);
	expect_error(p, EINVAL, "bad magic", NULL);

	path_in_dir(p, sizeof(p), "short.zswt");
	sf_write(p, "ZSWT", 4);
	expect_error(p, EINVAL, "truncated file: 4 bytes", NULL);

	path_in_dir(p, sizeof(p), "absent.zswt");
	expect_error(p, ENOENT, "No such file", NULL);

	path_in_dir(p, sizeof(p), "a.trace");
	expect_error(p, EINVAL, "unknown trace extension", NULL);
}
END_TEST

START_TEST(test_binary_record_errors)
{
	char p[512];

	write_sample("op.zswt", p, sizeof(p));
	sf_patch_u8(p, REC_OFF(3) + 20, 3);
	expect_error(p, EINVAL, "record 3: unknown op 3", NULL);

	write_sample("ord.zswt", p, sizeof(p));
	sf_patch_u8(p, REC_OFF(2) + 21, 10);
	expect_error(p, EINVAL, "record 2: order 10 > 9", NULL);

	write_sample("fl.zswt", p, sizeof(p));
	sf_patch_u16(p, REC_OFF(5) + 22, TRACE_F_READAHEAD | 0x80);
	expect_error(p, EINVAL, "record 5: unknown flag bits 0x80", NULL);

	write_sample("slot.zswt", p, sizeof(p));
	sf_patch_u32(p, REC_OFF(1) + 8, 61);	/* 61 + 4 pages > 64 */
	expect_error(p, EINVAL, "record 1: slot range 61 + 4 pages beyond slot_count 64", NULL);

	write_sample("slot2.zswt", p, sizeof(p));
	sf_patch_u32(p, REC_OFF(0) + 8, 64);
	expect_error(p, EINVAL, "record 0: slot range 64 + 1 pages", NULL);

	write_sample("stream.zswt", p, sizeof(p));
	sf_patch_u16(p, REC_OFF(4) + 16, 2);
	expect_error(p, EINVAL, "record 4: stream 2 >= stream_count 2", NULL);

	write_sample("memcg.zswt", p, sizeof(p));
	sf_patch_u16(p, REC_OFF(6) + 18, 2);
	expect_error(p, EINVAL, "record 6: memcg 2 >= memcg_count 2", NULL);

	write_sample("page.zswt", p, sizeof(p));
	sf_patch_u32(p, REC_OFF(1) + 12, 5);	/* pages 5..8 of an 8-page store */
	expect_error(p, EINVAL, "record 1: page index 5 + 4 pages beyond the page store (8 pages)",
		     NULL);

	write_sample("hint.zswt", p, sizeof(p));
	sf_patch_u32(p, REC_OFF(2) + 12, 4097);
	expect_error(p, EINVAL, "record 2: hint 4097 > 4096", NULL);

	write_sample("zero.zswt", p, sizeof(p));
	sf_patch_u16(p, REC_OFF(0) + 22, TRACE_F_ZERO);
	expect_error(p, EINVAL, "record 0: zero flag without hint", NULL);

	write_sample("incontent.zswt", p, sizeof(p));
	sf_patch_u32(p, REC_OFF(4) + 12, 1);
	expect_error(p, EINVAL, "record 4: content 1 on an 'in' record", NULL);

	write_sample("ra.zswt", p, sizeof(p));
	sf_patch_u16(p, REC_OFF(6) + 22, TRACE_F_READAHEAD);
	expect_error(p, EINVAL, "record 6: ra flag on an 'inval' record", NULL);

	write_sample("clean.zswt", p, sizeof(p));
	sf_patch_u16(p, REC_OFF(4) + 22, TRACE_F_CLEAN);
	expect_error(p, EINVAL, "record 4: clean flag on an 'in' record (only 'out')", NULL);

	write_sample("time.zswt", p, sizeof(p));
	sf_patch_u64(p, REC_OFF(6), 299);	/* stream 0 was at 300 */
	expect_error(p, EINVAL, "record 6: time going backwards in stream 0: 299 after 300", NULL);

	write_sample("time2.zswt", p, sizeof(p));
	sf_patch_u64(p, REC_OFF(7), 1ull << 63);
	expect_error(p, EINVAL, "record 7: time 9223372036854775808 > 2^63-1", NULL);
}
END_TEST

START_TEST(test_page_store_errors)
{
	char p[512], err[512];
	unsigned char b = 0xff;
	struct trace t;

	write_sample("a.zswt", p, sizeof(p));
	sf_patch(ps_path, 5000, &b, 1);
	expect_error(p, EINVAL, "checksum mismatch", ps_path);

	ck_assert_int_eq(truncate(ps_path, 4096 * 7), 0);
	expect_error(p, EINVAL, "size mismatch", "header says 8 pages");

	ck_assert_int_eq(unlink(ps_path), 0);
	expect_error(p, ENOENT, "page store", "ps.pages' missing");

	/* A trace without a page store needs no file, but then only hints. */
	meta.page_store[0] = '\0';
	meta.page_store_pages = 0;
	ck_assert_int_eq(trace_write(p, &meta, &sample[2], 2, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "header: no page store but page_store_pages 0, checksum 0x"));
	meta.page_store_checksum = 0;
	ck_assert_int_eq(trace_write(p, &meta, &sample[2], 2, err, sizeof(err)), 0);
	ck_assert_msg(trace_open(&t, p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(t.page_store_path, "");
	trace_close(&t);
	ck_assert_int_eq(trace_write(p, &meta, sample, 1, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "record 0: page index 3 + 1 pages beyond the page store (0 pages)"));
}
END_TEST

/* One text case: the sample's text with line `lineno` (1-based) replaced. */
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
	expect_error(p, EINVAL, want, NULL);
	if (line)
		expect_error(p, EINVAL, loc, NULL);
}

START_TEST(test_text_errors)
{
	char p[512];

	/* Records are lines 9..16 (record 0..7). */
	text_case("magic.txt", 1, "zswap-trace 1", "bad magic");
	text_case("ver.txt", 1, "zswapsim-trace 2", "unsupported version '2'");
	text_case("psize.txt", 2, "page_size 8192", "page_size 8192 out of range 4096..4096");
	text_case("slots.txt", 3, "slot_count 0", "slot_count 0 out of range");
	text_case("streams.txt", 4, "stream_count 70000", "stream_count 70000 out of range");
	text_case("mcidx.txt", 6, "memcg 2 /a.slice 0", "memcg index '2' out of order (expected 1)");
	text_case("mcpar.txt", 6, "memcg 1 /a.slice 1", "memcg 1: parent '1' invalid");
	text_case("mcname.txt", 6, "memcg 1 / 0", "memcg 1: name '/' repeats memcg 0");
	text_case("store.txt", 7, "page_store ps.pages 8 12345", "checksum '12345' is not 0x");
	text_case("unk.txt", 3, "slots 64", "unknown header line 'slots'");
	text_case("late.txt", 10, "slot_count 64", "header line 'slot_count' after the first record");
	text_case("fields.txt", 9, "100 out 0 0 0 1 3", "record 0: needs 8 fields");
	text_case("many.txt", 9, "100 out 0 0 0 1 3 - - - -", "got 11");   /* was "got 8 or more" */
	text_case("op.txt", 10, "100 swap 4 2 1 0 4 -", "record 1: unknown op 'swap'");
	text_case("order.txt", 11, "150 out 8 10 0 1 100 hint", "record 2: order 10 > 9");
	text_case("order2.txt", 11, "150 out 8 300 0 1 100 hint", "record 2: order '300' > 9");
	text_case("flags.txt", 12, "200 out 9 3 1 1 0 hint|big", "record 3: unknown flags 'hint|big'");
	/* a repeated name, and the message lists every name (clean too) */
	text_case("flags.txt", 12, "200 out 9 3 1 1 0 hint|hint",
		  "record 3: unknown flags 'hint|hint' (want '-' or some of hint|zero|ra|clean, each once");
	text_case("slot.txt", 13, "300 in 64 0 0 1 0 -", "record 4: slot range 64 + 1 pages beyond slot_count 64");
	text_case("stream.txt", 14, "310 in 4 0 2 0 0 ra", "record 5: stream 2 >= stream_count 2");
	text_case("memcg.txt", 15, "400 inval 8 0 0 2 0 -", "record 6: memcg 2 >= memcg_count 2");
	text_case("page.txt", 16, "500 out 63 0 0 0 8 -", "record 7: page index 8 + 1 pages beyond");
	text_case("hint.txt", 11, "150 out 8 0 0 1 5000 hint", "record 2: hint 5000 > 4096");
	text_case("time.txt", 13, "99 in 0 0 0 1 0 -", "record 4: time going backwards in stream 0: 99 after 150");
	text_case("neg.txt", 9, "-100 out 0 0 0 1 3 -", "unknown header line '-100'");
	text_case("big2.txt", 16, "18446744073709551615 out 63 0 0 0 7 -", "record 7: time 18446744073709551615 > 2^63-1");
	text_case("big.txt", 9, "18446744073709551616 out 0 0 0 1 3 -", "record 0: time '18446744073709551616'");
	text_case("ctl.txt", 9, "100 out\x01 0 0 0 1 3 -", "invalid character 0x01");
	text_case("noslots.txt", 3, NULL, "missing 'slot_count' header line");

	path_in_dir(p, sizeof(p), "empty.txt");
	sf_write(p, "# nothing\n\n", 11);
	expect_error(p, EINVAL, "empty.txt:2: bad magic", NULL);
}
END_TEST

/* A byte-flipped or truncated variant of n bytes: accepted with at most as
 * many records as bytes, or rejected with one line. */
static int try_open(const char *path, size_t n, char *err, size_t errlen)
{
	struct trace t;
	int ret = trace_open(&t, path, err, errlen);

	if (!ret) {
		ck_assert_uint_le(t.nrec, n);
		trace_close(&t);
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
	fuzz_file("fz.zswt", 3000);
}
END_TEST

START_TEST(test_fuzz_text)
{
	fuzz_file("fz.txt", 3000);
}
END_TEST

START_TEST(test_file_checksum)
{
	char p[512], err[512];
	uint64_t sum;

	path_in_dir(p, sizeof(p), "empty");
	sf_write(p, "", 0);
	ck_assert_int_eq(trace_file_checksum(p, &sum, err, sizeof(err)), 0);
	ck_assert_uint_eq(sum, XXH3_64bits("", 0));
	/* XXH3-64 of "abc" (seed 0), the reference value of the xxHash test vectors. */
	sf_write(p, "abc", 3);
	ck_assert_int_eq(trace_file_checksum(p, &sum, err, sizeof(err)), 0);
	ck_assert_uint_eq(sum, 0x78af5f94892f3950ull);
	path_in_dir(p, sizeof(p), "none");
	ck_assert_int_eq(trace_file_checksum(p, &sum, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "none: No such file"));
}
END_TEST

/* Where `convert` points a page-store reference: the same name when it still
 * resolves, else a path relative to the new trace, else an absolute one. */
START_TEST(test_page_store_name)
{
	char out[600], name[TRACE_PATH_MAX], abs[700], sub[600], err[1024], want[700];

	path_in_dir(out, sizeof(out), "copy.zswt");
	ck_assert_int_eq(trace_page_store_name(ps_path, "ps.pages", out, name, sizeof(name),
					       err, sizeof(err)), 0);
	ck_assert_str_eq(name, "ps.pages");
	path_in_dir(sub, sizeof(sub), "a");
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	path_in_dir(sub, sizeof(sub), "a/b");
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	path_in_dir(out, sizeof(out), "a/b/t.txt");
	ck_assert_int_eq(trace_page_store_name(ps_path, "ps.pages", out, name, sizeof(name),
					       err, sizeof(err)), 0);
	ck_assert_str_eq(name, "../../ps.pages");
	/* back from a/b to the store's own directory: the plain name again */
	path_in_dir(out, sizeof(out), "t2.zswt");
	ck_assert_int_eq(trace_page_store_name(ps_path, "../../ps.pages", out, name, sizeof(name),
					       err, sizeof(err)), 0);
	ck_assert_str_eq(name, "ps.pages");
	/* from the root directory: the path without its leading '/' */
	ck_assert_ptr_nonnull(realpath(ps_path, abs));
	ck_assert_int_eq(trace_page_store_name(ps_path, "ps.pages", "/t.zswt", name, sizeof(name),
					       err, sizeof(err)), 0);
	ck_assert_str_eq(name, abs + 1);
	/* a name with a space cannot go into a header */
	path_in_dir(sub, sizeof(sub), "with space");
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	snprintf(want, sizeof(want), "%s/ps.pages", sub);
	sf_write(want, "", 0);
	ck_assert_int_eq(trace_page_store_name(want, "ps.pages", out, name, sizeof(name),
					       err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "cannot be named in a trace"));
	/* missing store, missing directory */
	path_in_dir(want, sizeof(want), "none.pages");
	ck_assert_int_eq(trace_page_store_name(want, "none.pages", out, name, sizeof(name),
					       err, sizeof(err)), -ENOENT);
	path_in_dir(out, sizeof(out), "nodir/t.zswt");
	ck_assert_int_eq(trace_page_store_name(ps_path, "ps.pages", out, name, sizeof(name),
					       err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "nodir/t.zswt: directory"));
}
END_TEST

START_TEST(test_content_kind)
{
	struct trace_record r[3] = {
		{ .op = TRACE_OP_IN }, { .op = TRACE_OP_OUT, .content = 3 },
		{ .op = TRACE_OP_OUT, .content = 100, .flags = TRACE_F_HINT },
	};

	ck_assert_int_eq(trace_content_kind(r, 1), TRACE_CONTENT_NONE);
	ck_assert_int_eq(trace_content_kind(r, 2), TRACE_CONTENT_PAGES);
	ck_assert_int_eq(trace_content_kind(r + 2, 1), TRACE_CONTENT_HINTS);
	ck_assert_int_eq(trace_content_kind(r, 3), TRACE_CONTENT_MIXED);
	ck_assert_str_eq(trace_content_name(TRACE_CONTENT_HINTS), "hints");
	ck_assert_str_eq(trace_content_name(TRACE_CONTENT_MIXED), "mixed");
}
END_TEST

/* An overlapped open lists the slot groups the records use, in the order
 * they first appear, a record across a group boundary giving both; only
 * checked records count, and a plain open lists none. */
START_TEST(test_slot_groups)
{
	const uint32_t G = TRACE_SLOT_GROUP;
	struct trace_record r[] = {
		{ .time_ns = 1, .op = TRACE_OP_IN, .slot = 3 * G + 5 },
		{ .time_ns = 2, .op = TRACE_OP_IN, .slot = 10 },
		{ .time_ns = 3, .op = TRACE_OP_IN, .slot = G - 1 },
		{ .time_ns = 4, .op = TRACE_OP_IN, .slot = 4 * G },
		{ .time_ns = 5, .op = TRACE_OP_IN, .slot = 2 * G - 2, .order = 2 },
		{ .time_ns = 6, .op = TRACE_OP_IN, .slot = 3 * G },
	};
	const uint32_t want[] = { 3, 0, 4, 1, 2 };
	uint32_t got[8], k, have = 0;
	char path[512], err[512];
	struct trace t;

	meta.slot_count = 5 * G;
	path_in_dir(path, sizeof(path), "g.zswt");
	ck_assert_msg(trace_write(path, &meta, r, 6, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(trace_open_overlapped(&t, path, err, sizeof(err)) == 0, "%s", err);
	while ((k = trace_wait_slot_groups(&t, have, got + have, 2)) > 0) {
		ck_assert_uint_le(k, 2);
		ck_assert_uint_le(have + k, 5);
		have += k;
	}
	ck_assert_uint_eq(have, 5);
	ck_assert_int_eq(memcmp(got, want, sizeof(want)), 0);
	ck_assert_int_eq(trace_check_join(&t, err, sizeof(err)), 0);
	ck_assert_uint_eq(trace_wait_slot_groups(&t, 0, got, 8), 0);   /* joined */
	trace_close(&t);

	ck_assert_msg(trace_open(&t, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(trace_wait_slot_groups(&t, 0, got, 8), 0);
	trace_close(&t);

	/* the last record out of range: the check fails, its batch gives none */
	uint32_t bad = 5 * G;
	FILE *f = fopen(path, "r+b");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, REC_OFF(5) + 8, SEEK_SET), 0);
	ck_assert_uint_eq(fwrite(&bad, sizeof(bad), 1, f), 1);
	ck_assert_int_eq(fclose(f), 0);
	if (trace_open_overlapped(&t, path, err, sizeof(err)) == 0) {
		ck_assert_uint_eq(trace_wait_slot_groups(&t, 0, got, 8), 0);
		ck_assert_int_eq(trace_check_join(&t, err, sizeof(err)), -EINVAL);
		trace_close(&t);
	}
	ck_assert_msg(strstr(err, "record 5") != NULL, "%s", err);
}
END_TEST

static Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_binary_round_trip);
	tcase_add_test(tc, test_text_exact_and_round_trip);
	tcase_add_test(tc, test_text_hand_written);
	tcase_add_test(tc, test_empty_trace);
	tcase_add_test(tc, test_flags_and_ops);
	tcase_add_test(tc, test_write_errors);
	tcase_add_test(tc, test_binary_header_errors);
	tcase_add_test(tc, test_binary_record_errors);
	tcase_add_test(tc, test_page_store_errors);
	tcase_add_test(tc, test_text_errors);
	tcase_add_test(tc, test_fuzz_binary);
	tcase_add_test(tc, test_fuzz_text);
	tcase_add_test(tc, test_file_checksum);
	tcase_add_test(tc, test_page_store_name);
	tcase_add_test(tc, test_content_kind);
	tcase_add_test(tc, test_slot_groups);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(trace_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
