/* SPDX-License-Identifier: MIT */
/*
 * Limit policy "per-page": both limits are checked before every page of a
 * folio is compressed, as early revisions of the 6.13 large-folio series did
 * (zswap_check_limits() inside zswap_store_page()).  A folio takes the pool
 * at most one page past its limit (memcg usage can still drift up when the
 * one writeback each page triggers frees less than the page adds), but a
 * check failing part-way through aborts the folio: the pages already
 * compressed are discarded (wasted work), and concurrent large-folio stores
 * can all fail near their last page while none completes.
 */
#include "models/policy/policy.h"

struct per_page { int unused; };

/* Nothing to decide before the first page: the page checks do it all. */
static int per_page_admit_folio(struct zswap *zs, void *st, struct zswap_memcg *mc,
				uint32_t nr_pages, int who)
{
	(void)zs;
	(void)st;
	(void)mc;
	(void)nr_pages;
	(void)who;
	return 0;
}

/* The kernel's folio check, applied to each page. */
static int per_page_admit_page(struct zswap *zs, void *st, struct zswap_memcg *mc,
			       uint32_t index, uint32_t nr_pages, int who)
{
	(void)st;
	(void)index;
	(void)nr_pages;
	return zswap_limit_check_kernel(zs, mc, who);
}

const struct zswap_limit_policy limit_per_page = {
	.c = {
		.name = "per-page",
		.desc = "memcg zswap.max and the global pool limit checked before each page; a failure aborts the folio and discards the pages compressed so far",
		.params = NULL,
		.nparams = 0,
		.state_size = sizeof(struct per_page),
	},
	.admit_folio = per_page_admit_folio,
	.admit_page = per_page_admit_page,
};
