/* SPDX-License-Identifier: MIT */
/*
 * Limit policy "batch-estimate": the folio is admitted if its estimated
 * compressed size, nr_pages * 4096 / ratio, fits under memcg zswap.max and
 * the global pool limit.  ratio is a running average of the compression
 * ratio (uncompressed / stored bytes) of the folios stored so far, an EWMA
 * kept per memcg (for zswap.max) and globally (for the pool limit):
 *
 *	avg = avg * (1 - weight) + sample * weight
 *
 * seeded by the first sample, as ewma_add() of include/linux/average.h does.
 * Until a memcg stored a folio its estimate uses initial_ratio.  The review of
 * the 6.13 large-folio store floated the idea (an average compression ratio
 * instead of the uncompressed size); a folio compressing worse than the
 * average overshoots, one compressing better wastes nothing.
 *
 * Room is made and a miss is counted as in batch-uncompressed: up to nr_pages
 * shrink_memcg() writebacks for the memcg, and a folio that does not fit in
 * the pool sets the full state (pool_limit_hit) so the shrink worker runs.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <jansson.h>

#include "models/policy/policy.h"

struct batch_estimate {
	double weight;          /* EWMA weight of a new sample */
	double initial_ratio;   /* before the first sample */
	double global;          /* 0 = no sample yet */
	double *memcg;          /* per memcg, 0 = no sample yet */
	uint32_t nmemcg;
};

static const struct policy_param batch_estimate_params[] = {
	{ "weight", PP_DOUBLE, 0.125, 0.001, 1, offsetof(struct batch_estimate, weight),
	  "EWMA weight of each stored folio's compression ratio (0.125 = ewma weight_rcp 8; 1 = last folio only)" },
	{ "initial_ratio", PP_DOUBLE, 1, 1, 64, offsetof(struct batch_estimate, initial_ratio),
	  "compression ratio assumed before the first folio was stored (1 = uncompressed size)" },
};

static int batch_estimate_attach(struct zswap *zs, void *state, char *err, size_t errlen)
{
	struct batch_estimate *b = state;

	b->nmemcg = zswap_memcg_count(zs);
	b->memcg = calloc(b->nmemcg, sizeof(*b->memcg));
	if (!b->memcg) {
		snprintf(err, errlen, "policy.limit: batch-estimate: out of memory for %u memcgs",
			 b->nmemcg);
		return -ENOMEM;
	}
	return 0;
}

static void batch_estimate_detach(struct zswap *zs, void *state)
{
	struct batch_estimate *b = state;

	(void)zs;
	free(b->memcg);
	b->memcg = NULL;
}

static double ewma_add(double avg, double sample, double weight)
{
	return avg ? avg * (1 - weight) + sample * weight : sample;
}

/* Bytes nr_pages are expected to take at ratio avg (0 = no sample). */
static uint64_t batch_estimate_bytes(const struct batch_estimate *b, double avg, uint32_t nr_pages)
{
	double ratio = avg ? avg : b->initial_ratio;
	double bytes = (double)nr_pages * SIM_PAGE_SIZE / ratio;

	return (uint64_t)bytes + ((double)(uint64_t)bytes < bytes);
}

static int batch_estimate_admit(struct zswap *zs, void *state, struct zswap_memcg *mc,
				uint32_t nr_pages, int who)
{
	struct batch_estimate *b = state;
	uint64_t memcg_bytes = batch_estimate_bytes(b, b->memcg[zswap_memcg_index(mc)], nr_pages);
	uint64_t pool_bytes = batch_estimate_bytes(b, b->global, nr_pages);

	if (zswap_memcg_make_room(zs, mc, memcg_bytes, nr_pages, who))
		return -1;
	return zswap_pool_make_room(zs, (pool_bytes + SIM_PAGE_SIZE - 1) / SIM_PAGE_SIZE);
}

static void batch_estimate_stored(struct zswap *zs, void *state, struct zswap_memcg *mc,
				  uint32_t nr_pages, uint64_t comp_bytes)
{
	struct batch_estimate *b = state;
	unsigned i = zswap_memcg_index(mc);
	double sample;

	(void)zs;
	if (!comp_bytes)
		return;
	sample = (double)nr_pages * SIM_PAGE_SIZE / (double)comp_bytes;
	b->memcg[i] = ewma_add(b->memcg[i], sample, b->weight);
	b->global = ewma_add(b->global, sample, b->weight);
}

static void batch_estimate_report(const struct zswap *zs, const void *state, void *json_obj)
{
	const struct batch_estimate *b = state;
	json_t *o = json_obj, *m = json_array();

	(void)zs;
	json_object_set_new(o, "ratio_global", json_real(b->global ? b->global : b->initial_ratio));
	for (uint32_t i = 0; i < b->nmemcg; i++)
		json_array_append_new(m, json_real(b->memcg[i] ? b->memcg[i] : b->initial_ratio));
	json_object_set_new(o, "ratio_memcg", m);
}

const struct zswap_limit_policy limit_batch_estimate = {
	.c = {
		.name = "batch-estimate",
		.desc = "admit a folio if nr_pages * 4096 / (running average compression ratio) fits under zswap.max and the pool limit",
		.params = batch_estimate_params,
		.nparams = sizeof(batch_estimate_params) / sizeof(batch_estimate_params[0]),
		.state_size = sizeof(struct batch_estimate),
		.attach = batch_estimate_attach,
		.detach = batch_estimate_detach,
		.report = batch_estimate_report,
	},
	.admit_folio = batch_estimate_admit,
	.stored = batch_estimate_stored,
};
