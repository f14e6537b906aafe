/* SPDX-License-Identifier: MIT */
/*
 * zswap's limits: memory.zswap.max of a memcg and its ancestors
 * (mm/memcontrol.c obj_cgroup_may_zswap()), the global pool limit with its
 * hysteresis (mm/zswap.c zswap_check_limits()), and the admission checks the
 * limit policies build on: the kernel's (zswap_store()) and room making for
 * policies that admit a folio by its expected size.
 */
#include "models/zswap_internal.h"

int zswap_memcg_fits(const struct zswap *zs, const struct zswap_memcg *mc, uint64_t extra_bytes)
{
	for (const struct zswap_memcg *m = mc;; m = &zs->memcg[m->parent]) {
		if (m->max_pages != UINT64_MAX &&
		    (m->st.zswap + extra_bytes) / SIM_PAGE_SIZE >= m->max_pages)
			return 0;
		if (m->parent < 0)
			return 1;
	}
}

/*
 * obj_cgroup_may_zswap(): false if the memcg or an ancestor has its
 * (hierarchical) zswap pages at or above zswap.max.  The kernel's separate
 * zswap.max == 0 test only skips a stats flush: 0 pages >= 0 already fails.
 */
int zswap_memcg_may_zswap(const struct zswap *zs, const struct zswap_memcg *mc)
{
	return zswap_memcg_fits(zs, mc, 0);
}

/* zswap_check_limits(): the sticky full state, released at the accept threshold. */
int zswap_check_limits(struct zswap *zs)
{
	uint64_t cur = zs->pool_pages;

	if (cur >= zs->max_pages) {
		zs->st.pool_limit_hit++;
		zs->reached_full = 1;
	} else if (zs->reached_full && cur <= zs->accept_pages) {
		zs->reached_full = 0;
	}
	return zs->reached_full;
}

int zswap_pool_fits(const struct zswap *zs, uint64_t extra_pages)
{
	if (zs->reached_full && zs->pool_pages > zs->accept_pages)
		return 0;
	return zs->pool_pages + extra_pages < zs->max_pages;
}

/* ---- admission -------------------------------------------------------------- */

int zswap_limit_check_kernel(struct zswap *zs, struct zswap_memcg *mc, int who)
{
	return zswap_limit_check(zs, mc, who);
}

int zswap_limit_admit_kernel(struct zswap *zs, void *st, struct zswap_memcg *mc,
			     uint32_t nr_pages, int who)
{
	(void)st;
	(void)nr_pages;
	return zswap_limit_check(zs, mc, who);
}

int zswap_memcg_make_room(struct zswap *zs, struct zswap_memcg *mc, uint64_t extra_bytes,
			  uint32_t tries, int who)
{
	while (!zswap_memcg_fits(zs, mc, extra_bytes)) {
		if (!tries-- || zswap_shrink_memcg(zs, mc, who))
			return -1;
	}
	return 0;
}

int zswap_pool_make_room(struct zswap *zs, uint64_t extra_pages)
{
	if (zswap_check_limits(zs))
		return -1;
	if (zswap_pool_fits(zs, extra_pages))
		return 0;
	zs->st.pool_limit_hit++;
	zs->reached_full = 1;
	return -1;
}
