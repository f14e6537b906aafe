/* SPDX-License-Identifier: MIT */
/*
 * Limit policy "folio-once" (kernel 6.13+ default): both limits are checked
 * once per folio, before any page is compressed (zswap_store()).  A folio may
 * therefore overshoot a limit by up to its own size ("racy and inaccurate, but
 * it should be sufficient for now").
 */
#include "models/zswap_internal.h"

struct folio_once { int unused; };

int limit_kernel_check(struct zswap *zs, struct zswap_memcg *mc, int who)
{
	/* Over zswap.max: write back one entry of this memcg (second chance
	 * applies); go on without re-checking only if one went. */
	if (!zswap_memcg_may_zswap(zs, mc) && zswap_shrink_memcg(zs, mc, who))
		return -1;
	return zswap_check_limits(zs) ? -1 : 0;
}

static int folio_once_admit(struct zswap *zs, void *st, struct zswap_memcg *mc,
			    uint32_t nr_pages, int who)
{
	(void)st;
	(void)nr_pages;
	return limit_kernel_check(zs, mc, who);
}

const struct zswap_limit_policy limit_folio_once = {
	.c = {
		.name = "folio-once",
		.desc = "kernel 6.18: memcg zswap.max then the global pool limit, checked once per folio before compression",
		.params = NULL,
		.nparams = 0,
		.state_size = sizeof(struct folio_once),
	},
	.admit_folio = folio_once_admit,
};
