/* SPDX-License-Identifier: MIT */
/*
 * Limit policy "folio-once" (kernel 6.13+ default): both limits are checked
 * once per folio, before any page is compressed (zswap_store()).  A folio may
 * therefore overshoot a limit by up to its own size ("racy and inaccurate, but
 * it should be sufficient for now").
 */
#include "models/policy/policy.h"

struct folio_once { int unused; };

const struct zswap_limit_policy limit_folio_once = {
	.c = {
		.name = "folio-once",
		.desc = "kernel 6.18: memcg zswap.max then the global pool limit, checked once per folio before compression",
		.params = NULL,
		.nparams = 0,
		.state_size = sizeof(struct folio_once),
	},
	/* zswap_limit_check_kernel(), which the store calls directly */
	.admit_folio = zswap_limit_admit_kernel,
};
