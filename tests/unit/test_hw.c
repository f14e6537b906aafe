/* SPDX-License-Identifier: MIT */
/* Hardware parameters, cost formulas and the IAA device logic. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "models/hw.h"
#include "models/iaa.h"
#include "sim/config.h"

static char err[512];

static int load(struct hw *hw, const char *const *sets, int n)
{
	struct cfg c;
	int r = cfg_load(&c, NULL, sets, n, err, sizeof(err));
	if (r)
		return r;
	*hw = c.hw;
	cfg_free(&c);
	return 0;
}

static double per_page(const struct hw *hw, int dir, unsigned b, uint32_t len)
{
	uint32_t lens[HW_MAX_BATCH];
	for (unsigned i = 0; i < b; i++)
		lens[i] = len;
	return hw_iaa_idle_call_ns(hw, dir, lens, b) / b;
}

/* The default IAA terms reproduce the EMR batch curve (iaa-model.md 2.2) at
 * the median Silesia length 1932 B within 1 %: the exact values follow from
 * L(B) = B * t_sub + ceil(B / C) * S + t0. */
START_TEST(test_defaults_batch_curve)
{
	struct hw hw;
	ck_assert_int_eq(load(&hw, NULL, 0), 0);
	const double comp[] = { 3571, 1971, 1568, 1378 }, dec[] = { 2999, 1719, 1103, 773 };
	const unsigned b[] = { 1, 2, 4, 8 };
	for (unsigned i = 0; i < 4; i++) {
		double c = per_page(&hw, HW_COMPRESS, b[i], 1932);
		double d = per_page(&hw, HW_DECOMPRESS, b[i], 1932);
		ck_assert_double_le(fabs(c - comp[i]) / comp[i], 0.01);
		ck_assert_double_le(fabs(d - dec[i]) / dec[i], 0.025);
	}
	/* S = 1334 + 0.13 * 1932 = 1585.16; L(8) = 8 * 371 + 4 * S + 1612 */
	ck_assert_double_eq_tol(per_page(&hw, HW_COMPRESS, 8, 1932) * 8, 10920.64, 1e-6);
	/* decompress: all 8 engines; L(8) = 8 * 450 + (200 + 0.8 * 1932) + 800 */
	ck_assert_double_eq_tol(per_page(&hw, HW_DECOMPRESS, 8, 1932) * 8, 6145.6, 1e-6);
}
END_TEST

START_TEST(test_irq_and_unequal_lengths)
{
	struct hw hw;
	const char *sets[] = { "hw.iaa.sync_mode=irq" };
	ck_assert_int_eq(load(&hw, sets, 1), 0);
	uint32_t one = 1932;
	ck_assert_double_eq_tol(hw_iaa_idle_call_ns(&hw, HW_COMPRESS, &one, 1),
				371 + 1585.16 + 1612 + 3640, 1e-6);
	/* list scheduling on 2 compress engines: 3 jobs of 1000, 0, 0 bytes */
	uint32_t lens[3] = { 1000, 0, 0 };
	double s0 = 1334, s1 = 1334 + 130;
	ck_assert_double_eq_tol(hw_iaa_idle_call_ns(&hw, HW_COMPRESS, lens, 3),
				3 * 371 + fmax(s1, 2 * s0) + 1612 + 3640, 1e-6);
}
END_TEST

START_TEST(test_frequency_scaling_and_codecs)
{
	struct hw hw;
	const char *sets[] = { "hw.cpu.ghz=4.0", "hw.codec.zstd.compress_ns_per_byte=2",
			       "hw.codec.zstd.compress_ns=1000" };
	ck_assert_int_eq(load(&hw, sets, 3), 0);
	ck_assert_double_eq_tol(hw_cpu_scale(&hw), 0.5, 1e-12);
	ck_assert_double_eq_tol(hw_codec_ns(&hw, CODEC_ZSTD, HW_COMPRESS, 500), (1000 + 1000) * 0.5, 1e-9);
	ck_assert_double_eq_tol(hw_codec_ns(&hw, CODEC_LZO, HW_DECOMPRESS, 500), 3656 * 0.5, 1e-9);
	ck_assert_double_eq_tol(hw_iaa_submit_ns(&hw, HW_COMPRESS), 185.5, 1e-9);
	/* device time does not scale */
	ck_assert_double_eq_tol(hw_iaa_service_ns(&hw, HW_DECOMPRESS, 1000), 1000, 1e-9);
	ck_assert(hw_codec_uses_iaa(&hw, CODEC_DEFLATE_IAA));
	ck_assert(!hw_codec_uses_iaa(&hw, CODEC_LZ4));
	/* SSD: 8 pages written at 1050 MB/s = 32768e3 / 1050 ns; read latency 85 us */
	ck_assert_double_eq_tol(hw_ssd_transfer_ns(&hw, 1, 8), 32768e3 / 1050, 1e-9);
	ck_assert_double_eq_tol(hw_ssd_transfer_ns(&hw, 0, 1), 1280, 1e-9);
	ck_assert_double_eq_tol(hw_ssd_latency_ns(&hw, 0), 85000, 1e-9);
}
END_TEST

START_TEST(test_cross_key_errors)
{
	struct hw hw;
	const char *a[] = { "hw.iaa.comp_engines=8", "hw.iaa.engines=4" };
	ck_assert_int_eq(load(&hw, a, 2), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "hw.iaa.comp_engines"));
	const char *b[] = { "hw.iaa.wqs=2", "hw.iaa.wq_size=128" };
	ck_assert_int_eq(load(&hw, b, 2), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "hw.iaa.wq_size"));
	const char *c[] = { "hw.cpu.stream_cores=0,7" };
	ck_assert_int_eq(load(&hw, c, 1), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "entry 1"));
	const char *d[] = { "hw.cpu.cores=3", "hw.cpu.sockets=2" };
	ck_assert_int_eq(load(&hw, d, 2), -EINVAL);
	const char *e[] = { "hw.iaa.descs_per_wq=200" };
	ck_assert_int_eq(load(&hw, e, 1), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "dedicated"));
	const char *f[] = { "hw.iaa.wqs=2", "hw.iaa.wq_size=64", "hw.iaa.comp_wqs=2" };
	ck_assert_int_eq(load(&hw, f, 3), -EINVAL);
}
END_TEST

START_TEST(test_stream_cores)
{
	struct hw hw;
	unsigned core;
	const char *a[] = { "hw.cpu.cores=4", "hw.cpu.stream_cores=3, 1" };
	ck_assert_int_eq(load(&hw, a, 2), 0);
	ck_assert_int_eq(hw_stream_core(&hw, 0, &core, err, sizeof(err)), 0);
	ck_assert_uint_eq(core, 3);
	ck_assert_int_eq(hw_stream_core(&hw, 1, &core, err, sizeof(err)), 0);
	ck_assert_uint_eq(core, 1);
	ck_assert_int_eq(hw_stream_core(&hw, 2, &core, err, sizeof(err)), 0);
	ck_assert_uint_eq(core, 3);
	ck_assert_int_eq(hw.worker_core, 3);
	const char *b[] = { "hw.cpu.cores=4" };
	ck_assert_int_eq(load(&hw, b, 1), 0);
	ck_assert_int_eq(hw_stream_core(&hw, 6, &core, err, sizeof(err)), 0);
	ck_assert_uint_eq(core, 2);
}
END_TEST

static struct iaa *make_iaa(struct hw *hw, const char *const *sets, int n)
{
	struct iaa *iaa = NULL;
	ck_assert_int_eq(load(hw, sets, n), 0);
	ck_assert_int_eq(iaa_create(&iaa, hw, 4, 100, err, sizeof(err)), 0);
	return iaa;
}

START_TEST(test_iaa_mapping)
{
	struct hw hw;
	const char *sets[] = { "hw.cpu.cores=8", "hw.cpu.sockets=2", "hw.iaa.devices_per_socket=2",
			       "hw.iaa.wqs=2", "hw.iaa.wq_size=64", "hw.iaa.comp_wqs=1" };
	struct iaa *iaa = make_iaa(&hw, sets, 6);
	ck_assert_uint_eq(iaa->ndev, 4);
	const unsigned mapped[8] = { 0, 0, 1, 1, 2, 2, 3, 3 };
	for (unsigned c = 0; c < 8; c++)
		ck_assert_uint_eq(iaa_cpu_device(iaa, c), mapped[c]);
	/* distribute_comps: round robin over the socket's devices */
	ck_assert_uint_eq(iaa_pick_device(iaa, 5, HW_COMPRESS), 2);
	ck_assert_uint_eq(iaa_pick_device(iaa, 5, HW_COMPRESS), 3);
	ck_assert_uint_eq(iaa_pick_device(iaa, 5, HW_COMPRESS), 2);
	/* decompress to the mapped device */
	ck_assert_uint_eq(iaa_pick_device(iaa, 5, HW_DECOMPRESS), 2);
	ck_assert_uint_eq(iaa_pick_device(iaa, 2, HW_DECOMPRESS), 1);
	/* comp_wqs = 1: wq 1 compresses, wq 0 decompresses */
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(iaa_pick_wq(iaa, 0, 0, HW_COMPRESS), 1);
		ck_assert_uint_eq(iaa_pick_wq(iaa, 0, 0, HW_DECOMPRESS), 0);
	}
	iaa_destroy(iaa);
	const char *gen[] = { "hw.iaa.wqs=2", "hw.iaa.wq_size=64" };
	iaa = make_iaa(&hw, gen, 2);
	ck_assert_uint_eq(iaa_pick_wq(iaa, 0, 1, HW_COMPRESS), 0);
	ck_assert_uint_eq(iaa_pick_wq(iaa, 0, 1, HW_COMPRESS), 1);
	ck_assert_uint_eq(iaa_pick_wq(iaa, 0, 1, HW_COMPRESS), 0);
	iaa_destroy(iaa);
}
END_TEST

START_TEST(test_iaa_descriptor_pool)
{
	struct hw hw;
	const char *sets[] = { "hw.iaa.wq_size=2" };
	struct iaa *iaa = make_iaa(&hw, sets, 1);
	int w1, w2;
	ck_assert_int_eq(iaa_desc_alloc(iaa, 0, 0), 0);
	ck_assert_int_eq(iaa_desc_alloc(iaa, 0, 0), 0);
	ck_assert_int_eq(iaa_desc_alloc(iaa, 0, 0), -EBUSY);
	iaa_wait_push(iaa, 0, 0, HW_COMPRESS, &w1);
	iaa_wait_push(iaa, 0, 0, HW_COMPRESS, &w2);
	ck_assert_uint_eq(iaa->st.alloc_waits[HW_COMPRESS], 2);
	ck_assert_int_eq(iaa_wait_remove(iaa, 0, 0, &w1), 1);   /* w1 timed out */
	ck_assert_int_eq(iaa_wait_remove(iaa, 0, 0, &w1), 0);
	ck_assert_ptr_eq(iaa_desc_free(iaa, 0, 0), &w2);        /* handed over */
	ck_assert_uint_eq(iaa->dev[0].wq[0].alloc, 2);
	ck_assert_ptr_null(iaa_desc_free(iaa, 0, 0));
	ck_assert_uint_eq(iaa->dev[0].wq[0].alloc, 1);
	iaa_destroy(iaa);
}
END_TEST

START_TEST(test_iaa_engines_and_series)
{
	struct hw hw;
	struct iaa *iaa = make_iaa(&hw, NULL, 0);
	struct iaa_desc c = { .dir = HW_COMPRESS }, d = { .dir = HW_DECOMPRESS };
	/* a compress job wakes a compress engine (0 or 1), a decompress job the next idle one */
	ck_assert_int_eq(iaa_submit(iaa, &c, 10), 0);
	ck_assert_int_eq(iaa_submit(iaa, &d, 20), 1);
	/* engine 5 cannot compress: the WQ's head blocks it (FIFO) */
	ck_assert_ptr_null(iaa_engine_take(iaa, 0, 5, 30));
	ck_assert_ptr_eq(iaa_engine_take(iaa, 0, 0, 40), &c);
	ck_assert_ptr_eq(iaa_engine_take(iaa, 0, 5, 50), &d);
	ck_assert_ptr_null(iaa_engine_take(iaa, 0, 1, 60));
	/* samples every 100 ns from the first event (10): depth at 10 was 0;
	 * at 110, 210 it is 0 again */
	iaa_engine_done(iaa, 0, 0, &c, 50, 250);
	ck_assert_uint_eq(iaa->st.descs[HW_COMPRESS], 1);
	ck_assert_uint_eq(iaa->start_ns, 10);
	ck_assert_uint_eq(iaa->nsamples, 3);
	ck_assert_double_eq(iaa->busy[0], 60);
	ck_assert_double_eq(iaa->busy[1], 100);
	ck_assert_double_eq(iaa->busy[2], 40);
	ck_assert_uint_eq(iaa->dev[0].max_queued, 2);
	json_t *j = iaa_report(iaa, 300);
	json_t *dev = json_array_get(json_object_get(j, "devices"), 0);
	ck_assert_double_eq_tol(json_real_value(json_object_get(dev, "utilization")), 200.0 / (300 * 8), 1e-12);
	ck_assert_uint_eq(json_array_size(json_object_get(dev, "queued_samples")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "sample_start_ns")), 10);
	json_decref(j);
	iaa_destroy(iaa);
}
END_TEST

/* The series starts at the first event and stays under IAA_MAX_SAMPLES: one
 * job at t = 10^15 and one 10^12 ns later gave 10^10 samples of 100 ns. */
START_TEST(test_iaa_series_bounded)
{
	struct hw hw;
	struct iaa *iaa = make_iaa(&hw, NULL, 0);
	struct iaa_desc c = { .dir = HW_COMPRESS };
	const uint64_t t0 = 1000000000000000ull, t1 = t0 + 1000000000000ull;
	double busy = 0;

	ck_assert_int_eq(iaa_submit(iaa, &c, t0), 0);
	ck_assert_ptr_eq(iaa_engine_take(iaa, 0, 0, t0), &c);
	iaa_engine_done(iaa, 0, 0, &c, t0, t0 + 1000);
	ck_assert_uint_eq(iaa->start_ns, t0);
	ck_assert_uint_eq(iaa->nsamples, 11);   /* t0, t0 + 100, ..., t0 + 1000 */
	int e = iaa_submit(iaa, &c, t1);   /* the next idle compress engine */
	ck_assert_int_ge(e, 0);
	ck_assert_ptr_eq(iaa_engine_take(iaa, 0, (unsigned)e, t1), &c);
	iaa_engine_done(iaa, 0, (unsigned)e, &c, t1, t1 + 500);
	ck_assert_uint_le(iaa->nsamples, IAA_MAX_SAMPLES);
	ck_assert_uint_gt(iaa->nsamples, IAA_MAX_SAMPLES / 2);
	/* the interval doubled until the span fits; busy time is kept whole */
	ck_assert_uint_ge(iaa->interval_ns * IAA_MAX_SAMPLES, t1 - t0);
	for (uint64_t k = 0; k < iaa->nsamples; k++)
		busy += iaa->busy[k * iaa->ndev];
	ck_assert_double_eq(busy, 1500);
	ck_assert_uint_eq(iaa->depth[0], 0);
	iaa_destroy(iaa);
}
END_TEST

START_TEST(test_iaa_shared_wq_full)
{
	struct hw hw;
	const char *sets[] = { "hw.iaa.wq_mode=shared", "hw.iaa.wq_size=1", "hw.iaa.descs_per_wq=4" };
	struct iaa *iaa = make_iaa(&hw, sets, 3);
	struct iaa_desc a = { .dir = HW_DECOMPRESS }, b = { .dir = HW_DECOMPRESS };
	ck_assert_int_eq(iaa_submit(iaa, &a, 0), 0);
	ck_assert_int_eq(iaa_submit(iaa, &b, 0), -EAGAIN);
	ck_assert_uint_eq(iaa->st.enqcmds_retries, 1);
	iaa_destroy(iaa);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hw");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_defaults_batch_curve);
	tcase_add_test(tc, test_iaa_series_bounded);
	tcase_add_test(tc, test_irq_and_unequal_lengths);
	tcase_add_test(tc, test_frequency_scaling_and_codecs);
	tcase_add_test(tc, test_cross_key_errors);
	tcase_add_test(tc, test_stream_cores);
	tcase_add_test(tc, test_iaa_mapping);
	tcase_add_test(tc, test_iaa_descriptor_pool);
	tcase_add_test(tc, test_iaa_engines_and_series);
	tcase_add_test(tc, test_iaa_shared_wq_full);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
