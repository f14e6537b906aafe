// SPDX-License-Identifier: MIT
/*
 * Tests of models/compressor.c on real pages: tests/data/corpus-sample.pages
 * holds 57 pages taken from the seven corpora (scripts/make-corpus-sample.py),
 * and tests/data/corpus-sample.tsv their rows of the corpus's sizes.tsv, i.e.
 * the compressed sizes an independent benchmark measured for each page.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lz4.h>
#include <lzo/lzo1x.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

/* compressor.h first: ISA-L defines a COMP_OK macro of the same value (0) */
#include "models/compressor.h"
#include <isa-l/igzip_lib.h>

#define SAMPLE_PAGES    57
#define SAMPLE_DISTINCT 55   /* python 47 == gcc 9 (zero pages); 56 repeats 3 */
#define MAX_CORPORA     7

struct sample_row {
	char corpus[16];
	unsigned page;
	int same_filled;
	unsigned size[CODEC_COUNT];     /* expected size per codec_id */
};

static struct sample_row rows[SAMPLE_PAGES];
static char pages_path[512];

/* sizes.tsv column for each codec_id */
static const char *const tsv_column[CODEC_COUNT] = {
	[CODEC_LZO] = "lzo1x-1",
	[CODEC_LZ4] = "lz4",
	[CODEC_ZSTD] = "zstd-3",
	[CODEC_DEFLATE] = "zlib-6-w11",
	[CODEC_DEFLATE_IAA] = "isal-0-static",
};

static const char *data_dir(void)
{
	static const char *const cands[] = { "tests/data", "../../tests/data", "../tests/data" };
	const char *env = getenv("ZSWAPSIM_TESTDATA");

	if (env)
		return env;
	for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
		char p[512];

		snprintf(p, sizeof(p), "%s/corpus-sample.pages", cands[i]);
		if (access(p, R_OK) == 0)
			return cands[i];
	}
	return "tests/data";
}

static void load_rows(void)
{
	char path[512], line[1024];
	int col[CODEC_COUNT];
	FILE *f;
	int n = 0;

	snprintf(pages_path, sizeof(pages_path), "%s/corpus-sample.pages", data_dir());
	snprintf(path, sizeof(path), "%s/corpus-sample.tsv", data_dir());
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert(fgets(line, sizeof(line), f) != NULL);
	for (int c = 0; c < CODEC_COUNT; c++) {
		char *save = NULL, *tok;
		int i = 0;
		char hdr[1024];

		col[c] = -1;
		strcpy(hdr, line);
		for (tok = strtok_r(hdr, "\t\n", &save); tok; tok = strtok_r(NULL, "\t\n", &save), i++)
			if (!strcmp(tok, tsv_column[c]))
				col[c] = i;
		ck_assert_msg(col[c] >= 0, "column %s missing", tsv_column[c]);
	}
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok;
		int i = 0;

		ck_assert_int_lt(n, SAMPLE_PAGES);
		for (tok = strtok_r(line, "\t\n", &save); tok; tok = strtok_r(NULL, "\t\n", &save), i++) {
			if (i == 1)
				snprintf(rows[n].corpus, sizeof(rows[n].corpus), "%s", tok);
			else if (i == 2)
				rows[n].page = (unsigned)atoi(tok);
			else if (i == 3)
				rows[n].same_filled = atoi(tok);
			for (int c = 0; c < CODEC_COUNT; c++)
				if (i == col[c])
					rows[n].size[c] = (unsigned)atoi(tok);
		}
		n++;
	}
	fclose(f);
	ck_assert_int_eq(n, SAMPLE_PAGES);
}

static void open_sample(struct page_store *ps)
{
	char err[256];

	load_rows();
	ck_assert_msg(page_store_open(ps, pages_path, err, sizeof(err)) == 0, "%s", err);
}

static void init_codec(struct compressor *c, int codec, const struct page_store *ps)
{
	char err[256];

	ck_assert_msg(compressor_init(c, codec, 3, ps, err, sizeof(err)) == 0, "%s", err);
}

/* ---- page store --------------------------------------------------------- */

START_TEST(test_store_loads_sample)
{
	struct page_store ps;
	FILE *f;
	uint8_t *buf = malloc(SAMPLE_PAGES * 4096);

	open_sample(&ps);
	ck_assert_uint_eq(ps.npages, SAMPLE_PAGES);
	ck_assert_uint_eq(ps.ndistinct, SAMPLE_DISTINCT);
	/* the gcc zero page equals the python zero page; page 56 repeats page 3 */
	ck_assert_uint_eq(ps.canon[8], 0);
	ck_assert_uint_eq(ps.canon[56], 3);
	for (unsigned i = 0; i < SAMPLE_PAGES; i++)
		if (i != 8 && i != 56)
			ck_assert_uint_eq(ps.canon[i], i);

	/* the checksum is XXH3-64 of the whole file */
	f = fopen(pages_path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(buf, 4096, SAMPLE_PAGES, f), SAMPLE_PAGES);
	fclose(f);
	ck_assert_uint_eq(ps.checksum, XXH3_64bits(buf, SAMPLE_PAGES * 4096));
	free(buf);
	page_store_close(&ps);
}
END_TEST

START_TEST(test_store_flags)
{
	struct page_store ps;

	open_sample(&ps);
	for (unsigned i = 0; i < SAMPLE_PAGES; i++) {
		unsigned want = 0;

		if (rows[i].same_filled)
			want = PS_F_SAME;
		/* the python and gcc same-filled pages are zero; node 95 is not */
		if (i == 0 || i == 8)
			want |= PS_F_ZERO;
		ck_assert_msg(ps.flags[i] == want, "page %u flags %u want %u", i, ps.flags[i], want);
	}
	ck_assert_uint_eq(ps.flags[32], PS_F_SAME);
	page_store_close(&ps);
}
END_TEST

START_TEST(test_same_filled)
{
	uint8_t page[4096];
	uint64_t v = 1;

	memset(page, 0, sizeof(page));
	ck_assert_int_eq(page_same_filled(page, &v), 1);
	ck_assert_uint_eq(v, 0);
	memset(page, 0xab, sizeof(page));
	ck_assert_int_eq(page_same_filled(page, &v), 1);
	ck_assert_uint_eq(v, 0xababababababababull);
	/* a repeating 8-byte word that is not one repeated byte */
	for (int i = 0; i < 4096; i++)
		page[i] = (uint8_t)(i % 8);
	ck_assert_int_eq(page_same_filled(page, &v), 1);
	ck_assert_uint_eq(v, 0x0706050403020100ull);
	page[4095] ^= 1;    /* only the last word differs */
	ck_assert_int_eq(page_same_filled(page, NULL), 0);
	memset(page, 0, sizeof(page));
	page[3] = 1;        /* only the first word differs */
	ck_assert_int_eq(page_same_filled(page, NULL), 0);
}
END_TEST

static void write_file(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	fclose(f);
}

START_TEST(test_store_truncated)
{
	char path[] = "/tmp/zswapsim-trunc-XXXXXX";
	int fd = mkstemp(path);
	uint8_t buf[4096 + 100];
	struct page_store ps;
	char err[256] = "";

	ck_assert_int_ge(fd, 0);
	close(fd);
	memset(buf, 7, sizeof(buf));
	write_file(path, buf, sizeof(buf));
	ck_assert_int_eq(page_store_open(&ps, path, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, path) != NULL, "error does not name the file: %s", err);
	ck_assert_msg(strchr(err, '\n') == NULL, "error is not one line: %s", err);
	write_file(path, buf, 0);
	ck_assert_int_eq(page_store_open(&ps, path, err, sizeof(err)), -EINVAL);
	unlink(path);
	ck_assert_int_eq(page_store_open(&ps, path, err, sizeof(err)), -ENOENT);
	ck_assert_msg(strstr(err, path) != NULL, "%s", err);
}
END_TEST

/* Pages A B A A C B: 3 distinct contents, each compressed once. */
START_TEST(test_dedup_compresses_once)
{
	char path[] = "/tmp/zswapsim-dedup-XXXXXX";
	int fd = mkstemp(path);
	static const char pattern[] = "ABAACB";
	uint8_t *buf = malloc(6 * 4096);
	struct page_store ps;
	struct compressor c;
	char err[256];
	enum comp_result res;

	ck_assert_int_ge(fd, 0);
	close(fd);
	for (int i = 0; i < 6; i++)
		for (int b = 0; b < 4096; b++)
			buf[i * 4096 + b] = (uint8_t)(pattern[i] * 31 + b * (pattern[i] - 'A' + 3) % 251);
	write_file(path, buf, 6 * 4096);
	ck_assert_msg(page_store_open(&ps, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(ps.npages, 6);
	ck_assert_uint_eq(ps.ndistinct, 3);
	ck_assert_uint_eq(ps.canon[0], 0);
	ck_assert_uint_eq(ps.canon[1], 1);
	ck_assert_uint_eq(ps.canon[2], 0);
	ck_assert_uint_eq(ps.canon[3], 0);
	ck_assert_uint_eq(ps.canon[4], 4);
	ck_assert_uint_eq(ps.canon[5], 1);

	for (int codec = 0; codec < CODEC_COUNT; codec++) {
		uint32_t len[6];

		init_codec(&c, codec, &ps);
		ck_assert(compressor_codec_seconds(&c) == 0 && compressor_timer_seconds(&c) == 0);
		for (int pass = 0; pass < 2; pass++)
			for (int i = 5; i >= 0; i--) {
				uint32_t l = compressor_page_len(&c, (uint64_t)i, &res);

				ck_assert_int_eq(res, COMP_OK);
				if (pass == 0)
					len[i] = l;
				ck_assert_uint_eq(l, len[i]);
			}
		ck_assert_uint_eq(c.compressions, 3);
		/* the timer's cost (two clock reads a call) is apart from, and far
		 * below, the codec's (a page compression: microseconds) */
		ck_assert(compressor_timer_seconds(&c) > 0);
		ck_assert(compressor_timer_seconds(&c) < compressor_codec_seconds(&c));
		ck_assert_uint_eq(len[2], len[0]);
		ck_assert_uint_eq(len[5], len[1]);
		compressor_free(&c);
	}
	page_store_close(&ps);
	unlink(path);
	free(buf);
}
END_TEST

/* Lengths worked out ahead (compressor_ahead_*) are the ones the replay
 * would find itself; the replay counts a page it takes over as it would a
 * page it compressed, but not its time; a page either side knows, a zero
 * page and an index past the store are not compressed again. */
START_TEST(test_ahead_same_lengths)
{
	char path[] = "/tmp/zswapsim-ahead-XXXXXX";
	int fd = mkstemp(path);
	static const char pattern[] = "ABAZCB";   /* Z: a zero page */
	uint8_t *buf = calloc(6, 4096);
	struct page_store ps;
	char err[256];
	enum comp_result res, res2;

	ck_assert_int_ge(fd, 0);
	close(fd);
	for (int i = 0; i < 6; i++)
		for (int b = 0; pattern[i] != 'Z' && b < 4096; b++)
			buf[i * 4096 + b] = (uint8_t)(pattern[i] * 31 + b * (pattern[i] - 'A' + 3) % 251);
	write_file(path, buf, 6 * 4096);
	ck_assert_msg(page_store_open(&ps, path, err, sizeof(err)) == 0, "%s", err);
	for (int codec = 0; codec < CODEC_COUNT; codec++) {
		struct compressor own, c;
		struct compressor_ahead_worker *w;

		init_codec(&own, codec, &ps);
		init_codec(&c, codec, &ps);
		ck_assert_ptr_null(compressor_ahead_worker_new(&c));   /* not enabled */
		ck_assert_int_eq(compressor_ahead_enable(&c), 0);
		w = compressor_ahead_worker_new(&c);
		ck_assert_ptr_nonnull(w);
		/* three non-zero distinct pages (A, B, C), none known yet */
		ck_assert_int_eq(compressor_ahead_done(w), 0);
		/* the replay knows page 1 (B) already */
		uint32_t b = compressor_page_len(&c, 1, &res);

		ck_assert_int_eq(compressor_ahead_done(w), 0);
		ck_assert_uint_eq(compressor_ahead_worker_calls(w), 0);
		compressor_ahead_page(w, 0);
		ck_assert_int_eq(compressor_ahead_done(w), 0);   /* C is left */
		for (uint64_t i = 0; i < 8; i++)   /* 6, 7: past the store */
			compressor_ahead_page(w, i);
		/* every page has a length: B the replay's, A and C the worker's */
		ck_assert_int_eq(compressor_ahead_done(w), 1);
		/* A (0, 2 its copy) and C (4): not B, not the zero page */
		ck_assert_uint_eq(compressor_ahead_worker_calls(w), 2);
		compressor_ahead_page(w, 2);
		ck_assert_uint_eq(compressor_ahead_worker_calls(w), 2);
		uint64_t ticks = c.compress_ticks;

		for (uint64_t i = 0; i < 6; i++) {
			if (pattern[i] == 'Z')
				continue;
			uint32_t l = compressor_page_len(&c, i, &res);

			ck_assert_uint_eq(l, compressor_page_len(&own, i, &res2));
			ck_assert_int_eq(res, res2);
		}
		ck_assert_uint_eq(compressor_page_len(&c, 5, &res), b);
		/* three distinct pages counted as without workers, two taken over
		 * without a codec call of the replay's */
		ck_assert_uint_eq(c.compressions, own.compressions);
		ck_assert_uint_eq(c.compressions, 3);
		ck_assert_uint_eq(c.adopted, 2);
		ck_assert_uint_eq(c.compress_ticks, ticks);
		ck_assert(compressor_ahead_seconds(&c) == 0);
		compressor_ahead_worker_free(w);
		ck_assert_uint_eq(compressor_ahead_pages(&c), 2);
		ck_assert(compressor_ahead_seconds(&c) > 0);
		compressor_free(&c);
		compressor_free(&own);
	}
	page_store_close(&ps);
	unlink(path);
	free(buf);
}
END_TEST

/* ---- codecs ------------------------------------------------------------- */

START_TEST(test_codec_names)
{
	for (int i = 0; i < CODEC_COUNT; i++)
		ck_assert_int_eq(codec_by_name(codec_name(i)), i);
	ck_assert_int_eq(codec_by_name("lzo"), CODEC_LZO);
	ck_assert_int_eq(codec_by_name("deflate-iaa"), CODEC_DEFLATE_IAA);
	ck_assert_int_eq(codec_by_name("lzo-rle"), -1);
	ck_assert_int_eq(codec_by_name(NULL), -1);
	ck_assert_ptr_nonnull(strstr(codec_names(), "deflate-iaa"));
}
END_TEST

START_TEST(test_round_trip)
{
	struct page_store ps;
	struct compressor c;
	uint8_t cbuf[9216], out[4096];
	int codec = _i;

	open_sample(&ps);
	init_codec(&c, codec, &ps);
	for (unsigned i = 0; i < SAMPLE_PAGES; i++) {
		int n = compressor_compress_buf(&c, page_store_page(&ps, i), 4096, cbuf, sizeof(cbuf));
		int m;

		ck_assert_msg(n > 0, "%s page %u: %d", codec_name(codec), i, n);
		memset(out, 0x5a, sizeof(out));
		m = compressor_decompress_buf(&c, cbuf, (size_t)n, out, sizeof(out));
		ck_assert_msg(m == 4096, "%s page %u: decompressed %d", codec_name(codec), i, m);
		ck_assert_msg(!memcmp(out, page_store_page(&ps, i), 4096), "%s page %u differs",
			      codec_name(codec), i);
		/* a destination that is too small is -ENOSPC, not a crash */
		ck_assert_int_eq(compressor_compress_buf(&c, page_store_page(&ps, i), 4096, cbuf,
							 (size_t)n - 1), -ENOSPC);
	}
	/* corrupt input does not decompress to a page */
	memset(cbuf, 0xff, 64);
	ck_assert_int_lt(compressor_decompress_buf(&c, cbuf, 64, out, sizeof(out)), 0);
	compressor_free(&c);
	page_store_close(&ps);
}
END_TEST

/* Sizes per page equal the independent benchmark's sizes.tsv columns. */
START_TEST(test_sizes_match_tsv)
{
	struct page_store ps;
	struct compressor c;
	int codec = _i;

	open_sample(&ps);
	init_codec(&c, codec, &ps);
	for (unsigned i = 0; i < SAMPLE_PAGES; i++) {
		enum comp_result res;
		uint32_t len = compressor_page_len(&c, i, &res);
		enum comp_result want = rows[i].size[codec] < 4096 ? COMP_OK : COMP_FAIL;

		ck_assert_msg(len == rows[i].size[codec], "%s page %u (%s %u): %u want %u",
			      codec_name(codec), i, rows[i].corpus, rows[i].page, len,
			      rows[i].size[codec]);
		/* no sample page exceeds 4096 under deflate, so no COMP_POOR here */
		ck_assert_int_eq(res, want);
	}
	ck_assert_uint_eq(c.compressions, SAMPLE_DISTINCT);
	compressor_free(&c);
	page_store_close(&ps);
}
END_TEST

/* The incompressible pages of the sample, and what the kernel calls them. */
START_TEST(test_incompressible_results)
{
	struct page_store ps;
	struct compressor c;
	enum comp_result res;

	open_sample(&ps);
	init_codec(&c, CODEC_LZ4, &ps);
	ck_assert_uint_eq(compressor_page_len(&c, 9, &res), 4114);     /* gcc 164 */
	ck_assert_int_eq(res, COMP_FAIL);                              /* lz4: -EINVAL */
	compressor_free(&c);
	init_codec(&c, CODEC_LZO, &ps);
	ck_assert_uint_eq(compressor_page_len(&c, 9, &res), 4116);
	ck_assert_int_eq(res, COMP_FAIL);                              /* lzo: -EINVAL */
	ck_assert_uint_eq(compressor_page_len(&c, 19, &res), 4116);    /* sqlite 827 */
	ck_assert_int_eq(res, COMP_FAIL);
	ck_assert_uint_eq(compressor_page_len(&c, 38, &res), 3715);    /* node 1296 */
	ck_assert_int_eq(res, COMP_OK);
	ck_assert_uint_eq(c.compressions, 3);
	compressor_free(&c);
	page_store_close(&ps);
}
END_TEST

/* Random bytes do not compress: deflate gets -ENOSPC (poor), the others fail. */
START_TEST(test_random_page_results)
{
	char path[] = "/tmp/zswapsim-rand-XXXXXX";
	int fd = mkstemp(path);
	uint8_t buf[4096];
	uint64_t x = 88172645463325252ull;
	struct page_store ps;
	struct compressor c;
	char err[256];

	ck_assert_int_ge(fd, 0);
	close(fd);
	for (int i = 0; i < 4096; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)(x >> 32);
	}
	write_file(path, buf, sizeof(buf));
	ck_assert_msg(page_store_open(&ps, path, err, sizeof(err)) == 0, "%s", err);
	for (int codec = 0; codec < CODEC_COUNT; codec++) {
		enum comp_result res;
		uint32_t len;

		init_codec(&c, codec, &ps);
		len = compressor_page_len(&c, 0, &res);
		ck_assert_msg(len > 4096, "%s: %u", codec_name(codec), len);
		ck_assert_int_eq(res, codec == CODEC_DEFLATE ? COMP_POOR : COMP_FAIL);
		compressor_free(&c);
	}
	page_store_close(&ps);
	unlink(path);
}
END_TEST

/* ---- the same sizes straight from the libraries ------------------------ */

static unsigned direct_len(int codec, const uint8_t *src)
{
	static uint8_t dst[9216];
	static uint8_t wrk[LZO1X_1_MEM_COMPRESS];

	switch (codec) {
	case CODEC_LZO: {
		lzo_uint n = 0;

		ck_assert_int_eq(lzo_init(), LZO_E_OK);
		ck_assert_int_eq(lzo1x_1_compress(src, 4096, dst, &n, wrk), LZO_E_OK);
		return (unsigned)n;
	}
	case CODEC_LZ4:
		return (unsigned)LZ4_compress_default((const char *)src, (char *)dst, 4096,
						      (int)sizeof(dst));
	case CODEC_ZSTD: {
		size_t n = ZSTD_compress(dst, sizeof(dst), src, 4096, 3);

		ck_assert(!ZSTD_isError(n));
		return (unsigned)n;
	}
	case CODEC_DEFLATE: {
		z_stream s;
		unsigned n;

		memset(&s, 0, sizeof(s));
		ck_assert_int_eq(deflateInit2(&s, 6, Z_DEFLATED, -11, 9, Z_DEFAULT_STRATEGY), Z_OK);
		s.next_in = (Bytef *)src;
		s.avail_in = 4096;
		s.next_out = dst;
		s.avail_out = sizeof(dst);
		ck_assert_int_eq(deflate(&s, Z_FINISH), Z_STREAM_END);
		n = (unsigned)s.total_out;
		deflateEnd(&s);
		return n;
	}
	case CODEC_DEFLATE_IAA: {
		struct isal_zstream s;

		isal_deflate_stateless_init(&s);
		s.level = 0;
		s.hist_bits = 12;
		s.gzip_flag = IGZIP_DEFLATE;
		s.end_of_stream = 1;
		ck_assert_int_eq(isal_deflate_set_hufftables(&s, NULL, IGZIP_HUFFTABLE_STATIC), 0);
		s.next_in = (uint8_t *)src;
		s.avail_in = 4096;
		s.next_out = dst;
		s.avail_out = sizeof(dst);
		ck_assert_int_eq(isal_deflate_stateless(&s), 0);
		return s.total_out;
	}
	}
	return 0;
}

/* Per-corpus ratio (pages >= 4096 counted as 4096) equals the library's. */
START_TEST(test_ratio_per_corpus_matches_library)
{
	struct page_store ps;
	struct compressor c;
	int codec = _i;
	const char *corpora[MAX_CORPORA] = { "python", "gcc", "sqlite", "redis", "node", "sort",
					     "postgres" };

	open_sample(&ps);
	init_codec(&c, codec, &ps);
	for (int k = 0; k < MAX_CORPORA; k++) {
		uint64_t ours = 0, lib = 0, raw = 0;

		for (unsigned i = 0; i < SAMPLE_PAGES; i++) {
			enum comp_result res;
			unsigned a, b;

			if (strcmp(rows[i].corpus, corpora[k]))
				continue;
			a = compressor_page_len(&c, i, &res);
			b = direct_len(codec, page_store_page(&ps, i));
			ours += a < 4096 ? a : 4096;
			lib += b < 4096 ? b : 4096;
			raw += 4096;
		}
		ck_assert_uint_gt(raw, 0);
		ck_assert_msg(ours == lib, "%s %s: %llu vs library %llu bytes (ratio %.4f vs %.4f)",
			      codec_name(codec), corpora[k], (unsigned long long)ours,
			      (unsigned long long)lib, (double)raw / ours, (double)raw / lib);
	}
	compressor_free(&c);
	page_store_close(&ps);
}
END_TEST

START_TEST(test_init_errors)
{
	struct compressor c;
	char err[256] = "";

	ck_assert_int_eq(compressor_init(&c, CODEC_COUNT, 3, NULL, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "lzo"));
	ck_assert_int_eq(compressor_init(&c, CODEC_ZSTD, 99, NULL, err, sizeof(err)), -EINVAL);
	/* hint-only traces: no page store */
	ck_assert_int_eq(compressor_init(&c, CODEC_ZSTD, 1, NULL, err, sizeof(err)), 0);
	ck_assert_ptr_null(c.cache);
	compressor_free(&c);
}
END_TEST

static Suite *compressor_suite(void)
{
	Suite *s = suite_create("compressor");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_store_loads_sample);
	tcase_add_test(tc, test_store_flags);
	tcase_add_test(tc, test_same_filled);
	tcase_add_test(tc, test_store_truncated);
	tcase_add_test(tc, test_dedup_compresses_once);
	tcase_add_test(tc, test_ahead_same_lengths);
	tcase_add_test(tc, test_codec_names);
	tcase_add_loop_test(tc, test_round_trip, 0, CODEC_COUNT);
	tcase_add_loop_test(tc, test_sizes_match_tsv, 0, CODEC_COUNT);
	tcase_add_test(tc, test_incompressible_results);
	tcase_add_test(tc, test_random_page_results);
	tcase_add_loop_test(tc, test_ratio_per_corpus_matches_library, 0, CODEC_COUNT);
	tcase_add_test(tc, test_init_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(compressor_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
