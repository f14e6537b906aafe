/* SPDX-License-Identifier: MIT */
/*
 * Writeback policy "pool-limit" (kernel default): the global shrink worker,
 * queued by a store that fails while the pool is full, plus the kernel's
 * memory-pressure shrinker when zswap.shrinker_enabled is set.  A swap trace
 * has no reclaim events, so reclaim is replayed: one shrinker pass (count +
 * scan of the memcg's list at shrinker.priority) per shrinker.every pages the
 * memcg swaps out.
 */
#include "models/policy/policy.h"

struct pool_limit {
	int64_t batch;   /* first: zswap_wb_attach_batch() */
};

static const struct policy_param pool_limit_params[] = {
	POLICY_PARAM_WB_BATCH(struct pool_limit, batch),
};

const struct zswap_wb_policy wb_pool_limit = {
	.c = {
		.name = "pool-limit",
		.desc = "kernel: shrink worker when the pool is full, plus the pressure shrinker if zswap.shrinker_enabled",
		.params = pool_limit_params,
		.nparams = sizeof(pool_limit_params) / sizeof(pool_limit_params[0]),
		.state_size = sizeof(struct pool_limit),
		.attach = zswap_wb_attach_batch,
	},
	.store_failed = zswap_wb_kernel_store_failed,
	.swapped_out = zswap_wb_kernel_swapped_out,
};
