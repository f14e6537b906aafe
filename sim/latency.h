/* SPDX-License-Identifier: MIT */
/*
 * Latency histograms: log-linear buckets (HDR style).  Values below 256 ns
 * have a bucket each; above, every power of two is split into 128 equal
 * buckets, so a reported percentile (the bucket's midpoint, clamped to the
 * exact min and max) is within 0.4 % of a recorded value.  Count, sum, min
 * and max are exact.  Recording is a few integer operations and never
 * allocates; the bucket array is allocated once by lat_init().
 */
#ifndef ZSWAPSIM_LATENCY_H
#define ZSWAPSIM_LATENCY_H

#include <stdint.h>
#include <jansson.h>

#define LAT_SUB_BITS  7u                          /* 128 buckets per power of two */
#define LAT_LINEAR    (1u << (LAT_SUB_BITS + 1))  /* 256 exact buckets */
#define LAT_BUCKETS   (LAT_LINEAR + (64u - LAT_SUB_BITS - 1) * (1u << LAT_SUB_BITS))

struct lat_hist {
	uint64_t count;
	uint64_t sum;          /* ns; saturates at UINT64_MAX */
	uint64_t min, max;
	uint64_t *bucket;      /* LAT_BUCKETS counters */
};

int lat_init(struct lat_hist *h);     /* 0 or -ENOMEM */
void lat_free(struct lat_hist *h);
void lat_reset(struct lat_hist *h);

/* Record n samples of value v (n > 1: a batch's per-page share). */
void lat_add_n(struct lat_hist *h, uint64_t v, uint64_t n);
static inline void lat_add(struct lat_hist *h, uint64_t v) { lat_add_n(h, v, 1); }

/* Merge src into dst. */
void lat_merge(struct lat_hist *dst, const struct lat_hist *src);

/* Nearest-rank percentile p in (0, 100]: the smallest recorded value v with
 * at least ceil(p/100 * count) samples <= v, reported as its bucket's midpoint
 * clamped to [min, max]; the top rank is the exact max.  0 when empty. */
uint64_t lat_percentile(const struct lat_hist *h, double p);
double lat_mean(const struct lat_hist *h);

/* Bucket geometry (exposed for tests). */
unsigned lat_bucket_of(uint64_t v);
uint64_t lat_bucket_low(unsigned b);
uint64_t lat_bucket_width(unsigned b);

/* {count, mean_ns, p50_ns, p90_ns, p99_ns, p999_ns, max_ns, min_ns,
 * histogram: {bucket_low_ns[], bucket_width_ns[], count[]}} (new reference):
 * the histogram lists the non-empty buckets, lowest first; bucket i holds
 * count[i] samples in [bucket_low_ns[i], bucket_low_ns[i] + bucket_width_ns[i]). */
json_t *lat_json(const struct lat_hist *h);

#endif
