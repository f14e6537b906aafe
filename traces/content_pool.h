/* SPDX-License-Identifier: MIT */
/*
 * The page content of a workload run: one in-memory page store assembled
 * once at setup from the source page stores of the content mix (real
 * anonymous-memory pages), one zero page, CONTENT_POOL_SAME same-filled pages
 * and CONTENT_POOL_RANDOM pages of random bytes, all seeded.  New content is
 * drawn per folio as traces/content.c draws it for generated traces (the kind
 * once per folio: a zero folio is zero in full; a source folio copies
 * consecutive source pages from a uniform start), but as indices into this
 * store, so a run never writes a page store and the compressor sees each
 * distinct page once.
 */
#ifndef ZSWAPSIM_CONTENT_POOL_H
#define ZSWAPSIM_CONTENT_POOL_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "models/compressor.h"
#include "traces/content.h"

#define CONTENT_POOL_SAME   16u
#define CONTENT_POOL_RANDOM 1024u

struct content_pool {
	struct page_store ps;          /* every page of the pool */
	struct content_params p;
	uint32_t src_base[CONTENT_MAX_SOURCES], src_pages[CONTENT_MAX_SOURCES];
	double src_weight[CONTENT_MAX_SOURCES], total_weight;
	unsigned nsrc;
	uint32_t zero, same, random;   /* first index of each synthetic kind */
	gsl_rng *rng;                  /* building the synthetic pages */
	uint64_t *task_rng;            /* per task: its draws' stream (models/rng.h) */
	unsigned ntasks;
	uint64_t n_zero, n_same, n_random, n_source;   /* folios drawn of each kind */
};

/* Map the sources of p->spec (PATH[:WEIGHT],...; p->max_pages is ignored),
 * build the store, seed the draws.  Returns 0 or a negative errno with one
 * line in err. */
int content_pool_init(struct content_pool *cp, const struct content_params *p, uint64_t seed,
		      char *err, size_t errlen);
/* The same over one source given as bytes (npages pages; the first pages of
 * the pool, so index i of them is pool page i): an access trace's or a
 * generator's page store.  p->spec only names it in messages. */
int content_pool_init_pages(struct content_pool *cp, const uint8_t *pages, uint64_t npages,
			    const struct content_params *p, uint64_t seed, char *err, size_t errlen);
void content_pool_free(struct content_pool *cp);

/* One stream of draws per task (0 .. ntasks - 1), seeded from seed: what a
 * task draws depends on its own history only.  0 or -ENOMEM. */
int content_pool_set_tasks(struct content_pool *cp, unsigned ntasks, uint64_t seed);

/* Content for a new folio of nr pages (nr <= 512) of task: nr page indices. */
void content_pool_draw(struct content_pool *cp, unsigned task, unsigned nr, uint32_t *out);

#endif
