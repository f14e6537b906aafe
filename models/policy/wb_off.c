/* SPDX-License-Identifier: MIT */
/*
 * Writeback policy "off": memory.zswap.writeback = 0 in every memcg (the
 * knob is hierarchical; setting it everywhere is what a system-wide "no
 * zswap writeback" means in 6.18).  Nothing is ever written back from zswap:
 * shrink_memcg() and the shrinker find no candidate, a folio zswap rejects is
 * re-activated (stays resident) instead of going to the swap device, and an
 * incompressible page is rejected instead of stored raw.  A store failing
 * while the pool is full still queues the shrink worker, as the kernel does;
 * it finds nothing to do.
 */
#include "models/policy/policy.h"

struct wb_off { int unused; };

static int wb_off_attach(struct zswap *zs, void *st, char *err, size_t errlen)
{
	(void)st;
	(void)err;
	(void)errlen;
	zswap_set_writeback_all(zs, 0);
	return 0;
}

const struct zswap_wb_policy wb_off = {
	.c = {
		.name = "off",
		.desc = "memory.zswap.writeback = 0 in every memcg: no writeback; rejected folios stay resident",
		.params = NULL,
		.nparams = 0,
		.state_size = sizeof(struct wb_off),
		.attach = wb_off_attach,
	},
	.store_failed = zswap_wb_kernel_store_failed,
};
