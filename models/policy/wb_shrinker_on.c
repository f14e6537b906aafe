/* SPDX-License-Identifier: MIT */
/*
 * Writeback policy "shrinker": the kernel with zswap.shrinker_enabled = Y
 * (CONFIG_ZSWAP_SHRINKER_DEFAULT_ON): the pool-limit shrink worker, plus the
 * memory-pressure shrinker writing back from each memcg's LRU during reclaim
 * (zswap_shrinker_count()/zswap_shrinker_scan(), models/zswap_shrinker.c),
 * whatever the zswap.shrinker_enabled key says.  Reclaim is replayed as for
 * pool-limit: one shrinker pass at shrinker.priority per shrinker.every pages
 * a memcg swaps out.
 */
#include "models/policy/policy.h"

struct shrinker_on {
	int64_t batch;   /* first: zswap_wb_attach_batch() */
};

static const struct policy_param shrinker_on_params[] = {
	POLICY_PARAM_WB_BATCH(struct shrinker_on, batch),
};

static void shrinker_on_swapped_out(struct zswap *zs, void *st, struct zswap_memcg *mc,
				    uint32_t nr_pages, int who)
{
	(void)st;
	zswap_shrinker_replay(zs, mc, nr_pages, who);
}

const struct zswap_wb_policy wb_shrinker_on = {
	.c = {
		.name = "shrinker",
		.desc = "kernel with zswap.shrinker_enabled=Y: pool-limit plus the memory-pressure shrinker (a pass per shrinker.every swapped-out pages)",
		.params = shrinker_on_params,
		.nparams = sizeof(shrinker_on_params) / sizeof(shrinker_on_params[0]),
		.state_size = sizeof(struct shrinker_on),
		.attach = zswap_wb_attach_batch,
	},
	.store_failed = zswap_wb_kernel_store_failed,
	.swapped_out = shrinker_on_swapped_out,
};
