// SPDX-License-Identifier: MIT
/*
 * The page content of a workload run (see content_pool.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "models/page.h"
#include "traces/content_pool.h"

int content_pool_init(struct content_pool *cp, const struct content_params *p, uint64_t seed,
		      char *err, size_t errlen)
{
	struct content src;
	uint64_t npages = 1 + CONTENT_POOL_SAME + CONTENT_POOL_RANDOM;
	struct content_params sp = *p;
	int ret;

	memset(cp, 0, sizeof(*cp));
	cp->p = *p;
	sp.max_pages = 0;
	ret = content_init(&src, &sp, seed, err, errlen);
	if (ret)
		return ret;
	for (unsigned i = 0; i < src.nsrc; i++)
		npages += src.src[i].npages;
	if (npages >= UINT32_MAX) {
		snprintf(err, errlen, "content %s: more than 2^32 pages", p->spec);
		content_free(&src);
		return -EFBIG;
	}
	size_t len = (size_t)npages * SIM_PAGE_SIZE;
	uint8_t *base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (base == MAP_FAILED) {
		snprintf(err, errlen, "content: out of memory for %llu pages", (unsigned long long)npages);
		content_free(&src);
		return -ENOMEM;
	}
	/* sources first, then the zero page (mmap gave zeros), same-filled and
	 * random pages from the seeded generator */
	uint64_t at = 0;

	for (unsigned i = 0; i < src.nsrc; i++) {
		memcpy(base + at * SIM_PAGE_SIZE, src.src[i].base, src.src[i].len);
		cp->src_base[i] = (uint32_t)at;
		cp->src_pages[i] = (uint32_t)src.src[i].npages;
		cp->src_weight[i] = src.src[i].weight;
		cp->total_weight += src.src[i].weight;
		at += src.src[i].npages;
	}
	cp->nsrc = src.nsrc;
	cp->rng = src.rng;            /* keep the seeded generator */
	src.rng = NULL;
	content_free(&src);
	cp->zero = (uint32_t)at++;
	cp->same = (uint32_t)at;
	for (unsigned k = 0; k < CONTENT_POOL_SAME; k++, at++) {
		uint64_t word = gsl_rng_get(cp->rng) | 1;   /* never zero */
		uint64_t *pg = (uint64_t *)(base + at * SIM_PAGE_SIZE);

		for (unsigned w = 0; w < SIM_PAGE_SIZE / 8; w++)
			pg[w] = word;
	}
	cp->random = (uint32_t)at;
	for (unsigned k = 0; k < CONTENT_POOL_RANDOM; k++, at++)
		for (unsigned b = 0; b < SIM_PAGE_SIZE; b++)
			base[at * SIM_PAGE_SIZE + b] = (uint8_t)gsl_rng_uniform_int(cp->rng, 256);
	ret = page_store_adopt(&cp->ps, base, len, p->spec && *p->spec ? p->spec : "(random)",
			       err, errlen);
	if (ret) {
		munmap(base, len);
		gsl_rng_free(cp->rng);
		memset(cp, 0, sizeof(*cp));
	}
	return ret;
}

void content_pool_free(struct content_pool *cp)
{
	page_store_close(&cp->ps);
	if (cp->rng)
		gsl_rng_free(cp->rng);
	memset(cp, 0, sizeof(*cp));
}

void content_pool_draw(struct content_pool *cp, unsigned nr, uint32_t *out)
{
	double u = gsl_rng_uniform(cp->rng);
	uint32_t base;

	if (u < cp->p.zero) {
		cp->n_zero++;
		for (unsigned i = 0; i < nr; i++)
			out[i] = cp->zero;
		return;
	}
	u -= cp->p.zero;
	if (u < cp->p.same) {
		uint32_t k = cp->same + (uint32_t)gsl_rng_uniform_int(cp->rng, CONTENT_POOL_SAME);

		cp->n_same++;
		for (unsigned i = 0; i < nr; i++)
			out[i] = k;
		return;
	}
	u -= cp->p.same;
	if (u < cp->p.random || !cp->nsrc) {
		cp->n_random++;
		base = (uint32_t)gsl_rng_uniform_int(cp->rng, CONTENT_POOL_RANDOM);
		for (unsigned i = 0; i < nr; i++)
			out[i] = cp->random + (base + i) % CONTENT_POOL_RANDOM;
		return;
	}
	/* a source by weight, consecutive pages from a uniform start */
	double w = gsl_rng_uniform(cp->rng) * cp->total_weight;
	unsigned s = 0;

	while (s + 1 < cp->nsrc && w >= cp->src_weight[s]) {
		w -= cp->src_weight[s];
		s++;
	}
	cp->n_source++;
	base = (uint32_t)gsl_rng_uniform_int(cp->rng, cp->src_pages[s]);
	for (unsigned i = 0; i < nr; i++)
		out[i] = cp->src_base[s] + (base + i) % cp->src_pages[s];
}
