// SPDX-License-Identifier: MIT
/*
 * The page content of a workload run (see content_pool.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "models/page.h"
#include "models/rng.h"
#include "traces/content_pool.h"

/* The pool over nsrc source regions (pages, npages each, weights): copy them,
 * then the synthetic pages. */
static int pool_build(struct content_pool *cp, const struct content_params *p, uint64_t seed,
		      const uint8_t *const *base, const uint64_t *npages, const double *weight,
		      unsigned nsrc, char *err, size_t errlen)
{
	uint64_t total = 1 + CONTENT_POOL_SAME + CONTENT_POOL_RANDOM;

	memset(cp, 0, sizeof(*cp));
	cp->p = *p;
	for (unsigned i = 0; i < nsrc; i++)
		total += npages[i];
	if (total >= UINT32_MAX) {
		snprintf(err, errlen, "content: more than 2^32 pages");
		return -EFBIG;
	}
	size_t len = (size_t)total * SIM_PAGE_SIZE;
	uint8_t *buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED) {
		snprintf(err, errlen, "content: out of memory for %llu pages", (unsigned long long)total);
		return -ENOMEM;
	}
	cp->rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!cp->rng) {
		munmap(buf, len);
		snprintf(err, errlen, "content: out of memory");
		return -ENOMEM;
	}
	gsl_rng_set(cp->rng, (unsigned long)(seed ^ 0x706f6f6cull));
	/* sources first, then the zero page (mmap gave zeros), same-filled and
	 * random pages from the seeded generator */
	uint64_t at = 0;

	for (unsigned i = 0; i < nsrc; i++) {
		memcpy(buf + at * SIM_PAGE_SIZE, base[i], npages[i] * SIM_PAGE_SIZE);
		cp->src_base[i] = (uint32_t)at;
		cp->src_pages[i] = (uint32_t)npages[i];
		cp->src_weight[i] = weight[i];
		cp->total_weight += weight[i];
		at += npages[i];
	}
	cp->nsrc = nsrc;
	cp->zero = (uint32_t)at++;
	cp->same = (uint32_t)at;
	for (unsigned k = 0; k < CONTENT_POOL_SAME; k++, at++) {
		uint64_t word = gsl_rng_get(cp->rng) | 1;   /* never zero */
		uint64_t *pg = (uint64_t *)(buf + at * SIM_PAGE_SIZE);

		for (unsigned w = 0; w < SIM_PAGE_SIZE / 8; w++)
			pg[w] = word;
	}
	cp->random = (uint32_t)at;
	for (unsigned k = 0; k < CONTENT_POOL_RANDOM; k++, at++)
		for (unsigned b = 0; b < SIM_PAGE_SIZE; b++)
			buf[at * SIM_PAGE_SIZE + b] = (uint8_t)gsl_rng_uniform_int(cp->rng, 256);
	int ret = page_store_adopt(&cp->ps, buf, len, p->spec && *p->spec ? p->spec : "(content)",
				   err, errlen);

	if (ret) {
		munmap(buf, len);
		gsl_rng_free(cp->rng);
		memset(cp, 0, sizeof(*cp));
	}
	return ret;
}

int content_pool_init(struct content_pool *cp, const struct content_params *p, uint64_t seed,
		      char *err, size_t errlen)
{
	struct content src;
	struct content_params sp = *p;
	const uint8_t *base[CONTENT_MAX_SOURCES];
	uint64_t npages[CONTENT_MAX_SOURCES];
	double weight[CONTENT_MAX_SOURCES];
	int ret;

	sp.max_pages = 0;
	ret = content_init(&src, &sp, seed, err, errlen);
	if (ret)
		return ret;
	for (unsigned i = 0; i < src.nsrc; i++) {
		base[i] = src.src[i].base;
		npages[i] = src.src[i].npages;
		weight[i] = src.src[i].weight;
	}
	ret = pool_build(cp, p, seed, base, npages, weight, src.nsrc, err, errlen);
	content_free(&src);
	return ret;
}

int content_pool_init_pages(struct content_pool *cp, const uint8_t *pages, uint64_t npages,
			    const struct content_params *p, uint64_t seed, char *err, size_t errlen)
{
	double w = 1.0;

	return pool_build(cp, p, seed, &pages, &npages, &w, npages ? 1 : 0, err, errlen);
}

int content_pool_set_tasks(struct content_pool *cp, unsigned ntasks, uint64_t seed)
{
	free(cp->task_rng);
	cp->task_rng = calloc(ntasks ? ntasks : 1, sizeof(*cp->task_rng));
	if (!cp->task_rng)
		return -ENOMEM;
	cp->ntasks = ntasks;
	for (unsigned t = 0; t < ntasks; t++)
		cp->task_rng[t] = rng_stream(seed ^ 0x706f6f6cull, t);
	return 0;
}

void content_pool_free(struct content_pool *cp)
{
	free(cp->task_rng);
	page_store_close(&cp->ps);
	if (cp->rng)
		gsl_rng_free(cp->rng);
	memset(cp, 0, sizeof(*cp));
}

void content_pool_draw(struct content_pool *cp, unsigned task, unsigned nr, uint32_t *out)
{
	uint64_t *r = &cp->task_rng[task < cp->ntasks ? task : 0];
	double u = rng_uniform(r);
	uint32_t base;

	if (u < cp->p.zero) {
		cp->n_zero++;
		for (unsigned i = 0; i < nr; i++)
			out[i] = cp->zero;
		return;
	}
	u -= cp->p.zero;
	if (u < cp->p.same) {
		uint32_t k = cp->same + rng_below(r, CONTENT_POOL_SAME);

		cp->n_same++;
		for (unsigned i = 0; i < nr; i++)
			out[i] = k;
		return;
	}
	u -= cp->p.same;
	if (u < cp->p.random || !cp->nsrc) {
		cp->n_random++;
		base = rng_below(r, CONTENT_POOL_RANDOM);
		for (unsigned i = 0; i < nr; i++)
			out[i] = cp->random + (base + i) % CONTENT_POOL_RANDOM;
		return;
	}
	/* a source by weight, consecutive pages from a uniform start */
	double w = rng_uniform(r) * cp->total_weight;
	unsigned s = 0;

	while (s + 1 < cp->nsrc && w >= cp->src_weight[s]) {
		w -= cp->src_weight[s];
		s++;
	}
	cp->n_source++;
	base = rng_below(r, cp->src_pages[s]);
	for (unsigned i = 0; i < nr; i++)
		out[i] = cp->src_base[s] + (base + i) % cp->src_pages[s];
}
