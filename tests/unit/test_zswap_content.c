/* SPDX-License-Identifier: MIT */
/*
 * zswap model with real page content: a 4-page page store written to a temp
 * file (page 0 compressible text, page 1 pseudo-random, pages 2-3 zero) and
 * the lzo compressor.  Checks the zero-folio rule (every page zero), raw
 * storage, and a folio that fails part-way (all-or-nothing, wasted
 * compressions).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "models/zswap.h"
#include "models/zswap_internal.h"
#include "tests/unit/support_zswap.h"

static char path[64];
static struct page_store ps;
static struct compressor comp;
static struct zt_topo meta;
static struct zswap_config cfg;
static char err[256];

static void write_store(void)
{
	static uint8_t buf[4 * 4096];
	uint64_t x = 0x9e3779b97f4a7c15ull;

	memset(buf, 0, sizeof(buf));
	for (unsigned i = 0; i < 4096; i++)
		buf[i] = (uint8_t)("zswap compresses anonymous memory. "[i % 35]);
	for (unsigned i = 0; i < 4096; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		buf[4096 + i] = (uint8_t)x;
	}
	strcpy(path, "/tmp/zswap_content_XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
}

static struct zswap *setup(int wb)
{
	write_store();
	ck_assert_msg(page_store_open(&ps, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(compressor_init(&comp, CODEC_LZO, 0, &ps, err, sizeof(err)) == 0, "%s", err);
	zt_topo_init(&meta, 64, 1, 1);
	zt_cfg_init(&cfg, 1000);
	meta.memcg[0].writeback = wb;
	return zt_create(&cfg, &meta, &comp);
}

static void teardown(struct zswap *zs)
{
	zswap_destroy(zs);
	compressor_free(&comp);
	page_store_close(&ps);
	unlink(path);
}

static enum zswap_out_result out(struct zswap *zs, uint32_t slot, unsigned order, uint32_t page)
{
	struct zswap_folio f = { .slot = slot, .order = (uint8_t)order,
				 .content = { .value = page, .kind = ZSWAP_CONTENT_PAGES } };
	return zswap_swap_out(zs, &f);
}

START_TEST(test_content_zero_and_raw)
{
	struct zswap *zs = setup(1);
	const struct zswap_stats *st = zswap_stats(zs);
	enum comp_result res;
	uint32_t len0 = compressor_page_len(&comp, 0, &res);

	ck_assert_int_eq(res, COMP_OK);
	ck_assert_uint_lt(len0, 4096);
	compressor_page_len(&comp, 1, &res);
	ck_assert_int_ne(res, COMP_OK);       /* random bytes do not compress */
	uint32_t len2 = compressor_page_len(&comp, 2, &res);

	/* pages 2-3 both zero: the swap zeromap */
	ck_assert_int_eq(out(zs, 0, 1, 2), ZSWAP_OUT_ZERO);
	ck_assert_uint_eq(st->swpout_zero, 2);
	/* pages 1-2: one zero page is not enough; page 1 is stored raw, page
	 * 2 compresses like any page */
	ck_assert_int_eq(out(zs, 2, 1, 1), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(st->stored_pages, 2);
	ck_assert_uint_eq(st->stored_incompressible_pages, 1);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 0)->zswap, 4096 + len2);
	ck_assert_int_eq(out(zs, 4, 0, 0), ZSWAP_OUT_STORED);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 0)->zswap, 4096 + len2 + len0);
	ck_assert_uint_eq(st->sim_compressed_bytes, 4096 + len2 + len0);
	teardown(zs);
}
END_TEST

/*
 * Writeback off: the order-1 folio of pages 0-1 compresses page 0 (stored,
 * published), then page 1 is poor and rejected: the folio fails, page 0's
 * entry is erased, both compressions are wasted, the folio stays resident.
 */
START_TEST(test_content_partial_failure)
{
	struct zswap *zs = setup(0);
	const struct zswap_stats *st = zswap_stats(zs);
	char reason[256];

	ck_assert_int_eq(out(zs, 10, 1, 0), ZSWAP_OUT_ACTIVATED);
	ck_assert_uint_eq(st->stored_pages, 0);
	ck_assert_uint_eq(st->pool_total_size, 0);
	ck_assert_uint_eq(st->reject_compress_poor + st->reject_compress_fail, 1);
	ck_assert_uint_eq(st->sim_reactivated_pages, 2);
	ck_assert_uint_eq(zswap_memcg_stats(zs, 0)->zswap, 0);
	ck_assert_int_eq(zswap_check_invariants(zs, reason, sizeof(reason)), 0);

	json_t *stats = json_object();
	zswap_report_policies(zs, stats);
	json_t *lim = json_object_get(stats, "limit");
	ck_assert_int_eq(json_integer_value(json_object_get(lim, "wasted_compressions")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(lim, "rejected_folios")), 1);
	json_decref(stats);
	teardown(zs);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("zswap_content");
	TCase *tc = tcase_create("content");

	tcase_add_test(tc, test_content_zero_and_raw);
	tcase_add_test(tc, test_content_partial_failure);
	suite_add_tcase(s, tc);
	return zt_run_suite(s);
}
