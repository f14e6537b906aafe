/* SPDX-License-Identifier: MIT */
/* Latency histograms: bucket geometry, bounded error, exact moments. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "sim/latency.h"

START_TEST(test_exact_small_values)
{
	struct lat_hist h;
	ck_assert_int_eq(lat_init(&h), 0);
	for (uint64_t v = 1; v <= 100; v++)
		lat_add(&h, v);
	ck_assert_uint_eq(h.count, 100);
	ck_assert_uint_eq(h.sum, 5050);
	ck_assert_uint_eq(lat_percentile(&h, 50), 50);
	ck_assert_uint_eq(lat_percentile(&h, 90), 90);
	ck_assert_uint_eq(lat_percentile(&h, 99), 99);
	ck_assert_uint_eq(lat_percentile(&h, 99.9), 100);
	ck_assert_uint_eq(lat_percentile(&h, 100), 100);
	ck_assert_double_eq_tol(lat_mean(&h), 50.5, 1e-12);
	lat_free(&h);
}
END_TEST

START_TEST(test_bucket_geometry)
{
	unsigned prev = 0;
	for (uint64_t v = 0; v < 5000000; v += 1 + v / 97) {
		unsigned b = lat_bucket_of(v);
		ck_assert_uint_lt(b, LAT_BUCKETS);
		ck_assert_uint_ge(b, prev);
		ck_assert(lat_bucket_low(b) <= v && v < lat_bucket_low(b) + lat_bucket_width(b));
		prev = b;
	}
	ck_assert_uint_eq(lat_bucket_of(UINT64_MAX), LAT_BUCKETS - 1);
	ck_assert_uint_eq(lat_bucket_of(255), 255);
	ck_assert_uint_eq(lat_bucket_of(256), 256);
	ck_assert_uint_eq(lat_bucket_low(257), 258);
	ck_assert_uint_eq(lat_bucket_width(257), 2);
}
END_TEST

/* The reported value of a lone sample is within 0.4 % (half a bucket of
 * 1/128 of an octave) of what was recorded, from 1 ns to 10^15 ns. */
START_TEST(test_relative_error_bound)
{
	double worst = 0;
	for (double x = 1; x < 1e15; x *= 1.013) {
		uint64_t v = (uint64_t)x;
		unsigned b = lat_bucket_of(v);
		double mid = (double)lat_bucket_low(b) + (double)(lat_bucket_width(b) / 2);
		double e = fabs(mid - (double)v) / (double)v;
		if (e > worst)
			worst = e;
	}
	ck_assert_double_le(worst, 1.0 / 256 + 1e-12);
}
END_TEST

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

START_TEST(test_percentiles_vs_sorted)
{
	enum { N = 10007 };
	static uint64_t v[N];
	struct lat_hist h;
	ck_assert_int_eq(lat_init(&h), 0);
	uint64_t x = 88172645463325252ull;
	for (int i = 0; i < N; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;    /* xorshift64, fixed seed */
		v[i] = 1000 + x % 5000000;
		lat_add(&h, v[i]);
	}
	qsort(v, N, sizeof(v[0]), cmp_u64);
	const double ps[] = { 50, 90, 99, 99.9 };
	for (unsigned i = 0; i < 4; i++) {
		uint64_t rank = (uint64_t)ceil(ps[i] / 100 * N);
		double exact = (double)v[rank - 1];
		double got = (double)lat_percentile(&h, ps[i]);
		ck_assert_double_le(fabs(got - exact) / exact, 0.01);
	}
	ck_assert_uint_eq(lat_percentile(&h, 100), v[N - 1]);
	ck_assert_uint_eq(h.max, v[N - 1]);
	ck_assert_uint_eq(h.min, v[0]);
	lat_free(&h);
}
END_TEST

START_TEST(test_weighted_merge_json)
{
	struct lat_hist a, b;
	ck_assert_int_eq(lat_init(&a), 0);
	ck_assert_int_eq(lat_init(&b), 0);
	lat_add_n(&a, 1000, 3);       /* a batch of 3 pages at 1000 ns each */
	lat_add(&b, 4000);
	lat_merge(&a, &b);
	ck_assert_uint_eq(a.count, 4);
	ck_assert_uint_eq(a.sum, 7000);
	/* 1000 lies in bucket [1000, 1004): its midpoint is reported */
	ck_assert_uint_eq(lat_percentile(&a, 50), 1002);
	ck_assert_uint_eq(lat_percentile(&a, 75), 1002);
	ck_assert_uint_eq(lat_percentile(&a, 76), 4000);
	json_t *j = lat_json(&a);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "count")), 4);
	ck_assert_double_eq_tol(json_real_value(json_object_get(j, "mean_ns")), 1750.0, 1e-9);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "p50_ns")), 1002);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "p999_ns")), 4000);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "max_ns")), 4000);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "min_ns")), 1000);
	/* the histogram: [1000, 1004) x 3 and [4000, 4016) x 1 */
	json_t *hist = json_object_get(j, "histogram");
	json_t *low = json_object_get(hist, "bucket_low_ns"), *width = json_object_get(hist, "bucket_width_ns");
	json_t *cnt = json_object_get(hist, "count");
	ck_assert_uint_eq(json_array_size(low), 2);
	ck_assert_uint_eq(json_array_size(width), 2);
	ck_assert_uint_eq(json_array_size(cnt), 2);
	ck_assert_int_eq(json_integer_value(json_array_get(low, 0)), 1000);
	ck_assert_int_eq(json_integer_value(json_array_get(width, 0)), 4);
	ck_assert_int_eq(json_integer_value(json_array_get(cnt, 0)), 3);
	ck_assert_int_eq(json_integer_value(json_array_get(low, 1)), 4000);
	ck_assert_int_eq(json_integer_value(json_array_get(width, 1)), 16);
	ck_assert_int_eq(json_integer_value(json_array_get(cnt, 1)), 1);
	json_decref(j);
	lat_reset(&a);
	ck_assert_uint_eq(lat_percentile(&a, 50), 0);
	ck_assert_double_eq(lat_mean(&a), 0.0);
	j = lat_json(&a);   /* empty: no buckets, min 0 */
	ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(j, "histogram"), "count")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "min_ns")), 0);
	json_decref(j);
	lat_free(&a);
	lat_free(&b);
}
END_TEST

/* The histogram's buckets are the recorded values' buckets: their counts add
 * up to count, and every sample lies in the bucket that counts it. */
START_TEST(test_histogram_covers_every_sample)
{
	struct lat_hist h;
	ck_assert_int_eq(lat_init(&h), 0);
	uint64_t x = 7;
	for (int i = 0; i < 5000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		lat_add(&h, (x >> 33) % (1u << (i % 30)));
	}
	lat_add(&h, UINT64_MAX);   /* the last bucket */
	json_t *j = lat_json(&h), *hist = json_object_get(j, "histogram");
	json_t *low = json_object_get(hist, "bucket_low_ns"), *cnt = json_object_get(hist, "count");
	json_t *width = json_object_get(hist, "bucket_width_ns");
	uint64_t total = 0, prev_end = 0;
	for (size_t i = 0; i < json_array_size(cnt); i++) {
		uint64_t lo = (uint64_t)json_integer_value(json_array_get(low, i));
		uint64_t w = (uint64_t)json_integer_value(json_array_get(width, i));
		ck_assert_uint_ge(lo, prev_end);   /* ascending, disjoint */
		ck_assert_uint_eq(lo, lat_bucket_low(lat_bucket_of(lo)));
		ck_assert_uint_eq(w, lat_bucket_width(lat_bucket_of(lo)));
		ck_assert_uint_eq(json_integer_value(json_array_get(cnt, i)), h.bucket[lat_bucket_of(lo)]);
		total += (uint64_t)json_integer_value(json_array_get(cnt, i));
		prev_end = lo + w;
	}
	ck_assert_uint_eq(total, h.count);
	json_decref(j);
	lat_free(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("latency");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_exact_small_values);
	tcase_add_test(tc, test_bucket_geometry);
	tcase_add_test(tc, test_relative_error_bound);
	tcase_add_test(tc, test_percentiles_vs_sorted);
	tcase_add_test(tc, test_weighted_merge_json);
	tcase_add_test(tc, test_histogram_covers_every_sample);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
