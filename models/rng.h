/* SPDX-License-Identifier: MIT */
/*
 * A small counter-based random stream (splitmix64), 8 bytes of state, for
 * the draws that belong to one task or one CPU: each keeps its own stream,
 * so what a task draws depends on its own history, not on how the timing
 * backend interleaved it with other tasks.
 */
#ifndef ZSWAPSIM_RNG_H
#define ZSWAPSIM_RNG_H

#include <stdint.h>

/* The stream `key` of seed (a task or CPU number). */
static inline uint64_t rng_stream(uint64_t seed, uint64_t key)
{
	uint64_t z = seed ^ (key + 1) * 0xd1b54a32d192ed03ull;

	z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdull;
	return z ^ (z >> 33);
}

static inline uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double rng_uniform(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n), n >= 1 (Lemire's multiply-shift; bias below 2^-32
 * for the n < 2^32 used here). */
static inline uint32_t rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((rng_next(s) >> 32) * (uint64_t)n) >> 32);
}

#endif
