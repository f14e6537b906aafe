/* SPDX-License-Identifier: MIT */
/*
 * LRU policy "kernel" (6.12+): new entries at the tail with the referenced
 * bit set; a writeback walk clears the bit of a referenced entry and rotates
 * it (second chance), writing it back only when it reaches the head again.
 */
#include "models/policy/policy.h"

struct lru_kernel { int unused; };

const struct zswap_lru_policy lru_kernel = {
	.c = {
		.name = "kernel",
		.desc = "kernel 6.12+: per-memcg LRU, second chance through the referenced bit set at store",
		.params = NULL,
		.nparams = 0,
		.state_size = sizeof(struct lru_kernel),
	},
	.stored = zswap_lru_stored_referenced,   /* run inline by the store */
	.examine = zswap_lru_kernel_examine,   /* second chance, run inline by walks */
};
