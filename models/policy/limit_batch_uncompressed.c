/* SPDX-License-Identifier: MIT */
/*
 * Limit policy "batch-uncompressed": the folio is admitted only if its
 * uncompressed size (nr_pages * 4096 bytes, nr_pages pool pages) fits under
 * memcg zswap.max and the global pool limit.  No limit is overshot and no
 * compression is thrown away, but a folio that would have fitted once
 * compressed is rejected (fails early).
 *
 * A memcg the folio does not fit in gets up to nr_pages writebacks from its
 * own LRU (one shrink_memcg() per page of the folio, the room the per-page
 * check would have made) before the folio is rejected.  A folio that does not
 * fit in the pool counts as the pool reaching its limit (pool_limit_hit, the
 * full state), so the shrink worker runs and the hysteresis applies as in
 * zswap_check_limits().
 */
#include "models/policy/policy.h"

struct batch_uncompressed { int unused; };

static int batch_uncompressed_admit(struct zswap *zs, void *st, struct zswap_memcg *mc,
				    uint32_t nr_pages, int who)
{
	(void)st;
	if (zswap_memcg_make_room(zs, mc, (uint64_t)nr_pages * SIM_PAGE_SIZE, nr_pages, who))
		return -1;
	return zswap_pool_make_room(zs, nr_pages);
}

const struct zswap_limit_policy limit_batch_uncompressed = {
	.c = {
		.name = "batch-uncompressed",
		.desc = "admit a folio only if its uncompressed size fits under zswap.max and the pool limit (no overshoot, rejects some folios that would have fitted)",
		.params = NULL,
		.nparams = 0,
		.state_size = sizeof(struct batch_uncompressed),
	},
	.admit_folio = batch_uncompressed_admit,
};
