/* SPDX-License-Identifier: MIT */
/*
 * Scaffolding shared by the zswap model and policy unit tests
 * (support_zswap.h).
 */
#include <stdio.h>
#include <string.h>

#include "models/zswap.h"
#include "tests/unit/support_zswap.h"

void zt_meta_init(struct trace_meta *m, uint32_t slot_count, uint32_t nmemcg,
		  uint32_t nstreams)
{
	memset(m, 0, sizeof(*m));
	m->page_size = 4096;
	m->slot_count = slot_count;
	m->stream_count = nstreams;
	m->memcg_count = nmemcg;
	for (uint32_t i = 0; i < nmemcg; i++) {
		snprintf(m->memcgs[i].name, TRACE_NAME_MAX, "cg%u", i);
		m->memcgs[i].parent = -1;
	}
}

void zt_cfg_init(struct zswap_config *c, uint64_t ram_pages)
{
	memset(c, 0, sizeof(*c));
	c->enabled = 1;
	c->max_pool_percent = 20;
	c->accept_threshold_percent = 90;
	c->total_ram_bytes = ram_pages * 4096;
	c->zsmalloc_chain_size = 8;
	c->compress_batch = 1;
	c->decompress_batch = 1;
	c->shrinker_priority = 12;
	for (unsigned i = 0; i < TRACE_MAX_MEMCGS; i++) {
		c->memcg[i].zswap_max = ZSWAP_MAX_UNLIMITED;
		c->memcg[i].writeback = 1;
	}
}

struct zswap *zt_create(const struct zswap_config *c, const struct trace_meta *m,
			struct compressor *comp)
{
	char err[256];
	struct zswap *zs = zswap_create(c, m, comp, err, sizeof(err));

	ck_assert_msg(zs != NULL, "zswap_create: %s", err);
	return zs;
}

struct trace_record zt_hint_rec(unsigned op, uint32_t slot, unsigned order, uint32_t hint,
				unsigned memcg, unsigned stream, uint64_t time_ns)
{
	struct trace_record r = {
		.time_ns = time_ns, .slot = slot, .content = hint, .stream = (uint16_t)stream,
		.memcg = (uint16_t)memcg, .op = (uint8_t)op, .order = (uint8_t)order,
		.flags = TRACE_F_HINT,
	};
	return r;
}

enum zswap_out_result zt_out(struct zswap *zs, uint32_t slot, unsigned order, uint32_t hint,
			     unsigned memcg)
{
	struct trace_record r = zt_hint_rec(TRACE_OP_OUT, slot, order, hint, memcg, 0, 0);

	return zswap_swap_out(zs, &r);
}

enum zswap_in_result zt_in(struct zswap *zs, uint32_t slot)
{
	struct trace_record r = zt_hint_rec(TRACE_OP_IN, slot, 0, 0, 0, 0, 0);

	return zswap_swap_in(zs, &r);
}

void zt_inval(struct zswap *zs, uint32_t slot, unsigned order)
{
	struct trace_record r = zt_hint_rec(TRACE_OP_INVAL, slot, order, 0, 0, 0, 0);

	zswap_invalidate(zs, &r);
}

void zt_check_inv(struct zswap *zs)
{
	char reason[256];

	ck_assert_msg(zswap_check_invariants(zs, reason, sizeof(reason)) == 0, "invariant: %s",
		      reason);
}

int zt_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
