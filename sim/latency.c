/* SPDX-License-Identifier: MIT */
/* Log-linear latency histograms with exact count, mean and max. */
#include "sim/latency.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int lat_init(struct lat_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->bucket = calloc(LAT_BUCKETS, sizeof(*h->bucket));
	if (!h->bucket)
		return -ENOMEM;
	h->min = UINT64_MAX;
	return 0;
}

void lat_free(struct lat_hist *h)
{
	free(h->bucket);
	h->bucket = NULL;
}

void lat_reset(struct lat_hist *h)
{
	memset(h->bucket, 0, LAT_BUCKETS * sizeof(*h->bucket));
	h->count = h->sum = h->max = 0;
	h->min = UINT64_MAX;
}

/* Below LAT_LINEAR: the value itself.  Above: the exponent picks a run of
 * 128 buckets, the 7 bits after the leading one pick the bucket. */
unsigned lat_bucket_of(uint64_t v)
{
	if (v < LAT_LINEAR)
		return (unsigned)v;
	unsigned e = 63u - (unsigned)__builtin_clzll(v);
	unsigned shift = e - LAT_SUB_BITS;
	unsigned sub = (unsigned)(v >> shift) & ((1u << LAT_SUB_BITS) - 1);
	return LAT_LINEAR + (e - LAT_SUB_BITS - 1) * (1u << LAT_SUB_BITS) + sub;
}

uint64_t lat_bucket_low(unsigned b)
{
	if (b < LAT_LINEAR)
		return b;
	unsigned run = (b - LAT_LINEAR) >> LAT_SUB_BITS;
	unsigned sub = (b - LAT_LINEAR) & ((1u << LAT_SUB_BITS) - 1);
	unsigned shift = run + 1;
	return ((uint64_t)(1u << LAT_SUB_BITS) + sub) << shift;
}

uint64_t lat_bucket_width(unsigned b)
{
	if (b < LAT_LINEAR)
		return 1;
	return (uint64_t)1 << (((b - LAT_LINEAR) >> LAT_SUB_BITS) + 1);
}

void lat_add_n(struct lat_hist *h, uint64_t v, uint64_t n)
{
	if (!n)
		return;
	h->bucket[lat_bucket_of(v)] += n;
	h->count += n;
	uint64_t add = v * n;
	if (add / n != v || h->sum + add < h->sum)
		h->sum = UINT64_MAX;
	else
		h->sum += add;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void lat_merge(struct lat_hist *dst, const struct lat_hist *src)
{
	if (!src->count)
		return;
	for (unsigned b = 0; b < LAT_BUCKETS; b++)
		dst->bucket[b] += src->bucket[b];
	dst->count += src->count;
	dst->sum = dst->sum + src->sum < dst->sum ? UINT64_MAX : dst->sum + src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t lat_percentile(const struct lat_hist *h, double p)
{
	if (!h->count)
		return 0;
	uint64_t rank = (uint64_t)ceil(p / 100.0 * (double)h->count);
	if (rank < 1)
		rank = 1;
	if (rank >= h->count)
		return h->max;   /* the top rank is known exactly */
	uint64_t seen = 0;
	for (unsigned b = 0; b < LAT_BUCKETS; b++) {
		seen += h->bucket[b];
		if (seen >= rank) {
			uint64_t v = lat_bucket_low(b) + lat_bucket_width(b) / 2;
			if (v < h->min)
				v = h->min;
			if (v > h->max)
				v = h->max;
			return v;
		}
	}
	return h->max;
}

double lat_mean(const struct lat_hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0.0;
}

/* The non-empty buckets as three parallel arrays, lowest first. */
static json_t *histogram_json(const struct lat_hist *h)
{
	json_t *low = json_array(), *width = json_array(), *count = json_array();
	for (unsigned b = 0; h->count && b < LAT_BUCKETS; b++) {
		if (!h->bucket[b])
			continue;
		json_array_append_new(low, json_integer((json_int_t)lat_bucket_low(b)));
		json_array_append_new(width, json_integer((json_int_t)lat_bucket_width(b)));
		json_array_append_new(count, json_integer((json_int_t)h->bucket[b]));
	}
	return json_pack("{s:o, s:o, s:o}", "bucket_low_ns", low, "bucket_width_ns", width,
			 "count", count);
}

json_t *lat_json(const struct lat_hist *h)
{
	json_t *o = json_pack("{s:I, s:f, s:I, s:I, s:I, s:I, s:I}",
			      "count", (json_int_t)h->count,
			      "mean_ns", lat_mean(h),
			      "p50_ns", (json_int_t)lat_percentile(h, 50),
			      "p90_ns", (json_int_t)lat_percentile(h, 90),
			      "p99_ns", (json_int_t)lat_percentile(h, 99),
			      "p999_ns", (json_int_t)lat_percentile(h, 99.9),
			      "max_ns", (json_int_t)h->max);
	if (o) {
		json_object_set_new(o, "min_ns", json_integer(h->count ? (json_int_t)h->min : 0));
		json_object_set_new(o, "histogram", histogram_json(h));
	}
	return o;
}
