/* SPDX-License-Identifier: MIT */
/*
 * Writeback policy "pool-limit" (kernel default): the global shrink worker,
 * queued by a store that fails while the pool is full, plus the kernel's
 * memory-pressure shrinker when zswap.shrinker_enabled is set.  A swap trace
 * has no reclaim events, so reclaim is replayed: one shrinker pass (count +
 * scan of the memcg's list at shrinker.priority) per shrinker.every pages the
 * memcg swaps out.
 */
#include <stddef.h>
#include <stdio.h>

#include "models/zswap_internal.h"

const struct policy_param wb_pool_limit_params[1] = {
	{ "batch", PP_INT, 1, 1, 512, offsetof(struct wb_pool_limit_state, batch),
	  "entries written back per swap-device submission (1 = kernel: one bio per folio)" },
};

int wb_pool_limit_attach(struct zswap *zs, void *st, char *err, size_t errlen)
{
	struct wb_pool_limit_state *p = st;

	(void)err;
	(void)errlen;
	zs->wb_batch = (unsigned)p->batch;
	return 0;
}

void wb_pool_limit_store_failed(struct zswap *zs, void *st)
{
	(void)st;
	if (zs->reached_full)
		zswap_kick_shrink_worker(zs);
}

void wb_pool_limit_swapped_out(struct zswap *zs, void *st, struct zswap_memcg *mc,
			       uint32_t nr_pages, int who)
{
	(void)st;
	if (zs->cfg.shrinker_enabled)
		zswap_shrinker_replay(zs, mc, nr_pages, who);
}

const struct zswap_wb_policy wb_pool_limit = {
	.c = {
		.name = "pool-limit",
		.desc = "kernel: shrink worker when the pool is full, plus the pressure shrinker if zswap.shrinker_enabled",
		.params = wb_pool_limit_params,
		.nparams = sizeof(wb_pool_limit_params) / sizeof(wb_pool_limit_params[0]),
		.state_size = sizeof(struct wb_pool_limit_state),
		.attach = wb_pool_limit_attach,
	},
	.store_failed = wb_pool_limit_store_failed,
	.swapped_out = wb_pool_limit_swapped_out,
};
