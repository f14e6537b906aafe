/* SPDX-License-Identifier: MIT */
/*
 * Scaffolding shared by the zswap model and policy unit tests
 * (support_zswap.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "models/zswap.h"
#include "models/policy/policy.h"
#include "tests/unit/support_zswap.h"

void zt_topo_init(struct zt_topo *t, uint32_t slot_count, uint32_t nmemcg, uint32_t nstreams)
{
	ck_assert_uint_le(nmemcg, ZT_MAX_MEMCGS);
	memset(t, 0, sizeof(*t));
	for (uint32_t i = 0; i < ZT_MAX_MEMCGS; i++) {
		snprintf(t->name[i], sizeof(t->name[i]), "cg%u", i);
		t->memcg[i] = (struct zswap_memcg_desc){
			.name = t->name[i], .parent = -1, .zswap_max = ZSWAP_MAX_UNLIMITED,
			.writeback = 1,
		};
	}
	t->topo = (struct zswap_topology){
		.nslots = slot_count, .nwho = nstreams, .nmemcg = nmemcg, .memcg = t->memcg,
	};
}

/* Parameter states made by zt_policy(), by family: freed by zt_cfg_init(). */
static void *zt_params[3];

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
	for (unsigned f = 0; f < 3; f++) {
		free(zt_params[f]);
		zt_params[f] = NULL;
	}
}

int zt_policy(struct zswap_config *c, const char *family, const char *name, const char *params,
	      char *err, size_t errlen)
{
	static const char *const fam[3] = { "limit", "lru", "writeback" };
	const struct policy_common *p = policy_find(family, name);
	json_t *j = NULL;
	void *st;
	unsigned f = 0;
	int r;

	while (f < 3 && strcmp(fam[f], family))
		f++;
	ck_assert_uint_lt(f, 3);
	if (!p) {
		snprintf(err, errlen, "policy.%s: unknown policy '%s'", family, name);
		return -ENOENT;
	}
	if (params) {
		j = json_loads(params, JSON_DECODE_ANY, NULL);
		ck_assert_msg(j != NULL, "bad JSON in a test: %s", params);
	}
	r = policy_parse_params(p, family, j, &st, err, errlen);
	json_decref(j);
	if (r)
		return r;
	free(zt_params[f]);
	zt_params[f] = st;
	if (f == 0) {
		c->limit_policy = (const struct zswap_limit_policy *)p;
		c->limit_params = st;
	} else if (f == 1) {
		c->lru_policy = (const struct zswap_lru_policy *)p;
		c->lru_params = st;
	} else {
		c->wb_policy = (const struct zswap_wb_policy *)p;
		c->wb_params = st;
	}
	return 0;
}

struct zswap *zt_create(const struct zswap_config *c, const struct zt_topo *t,
			struct compressor *comp)
{
	char err[256];
	struct zswap *zs = zswap_create(c, &t->topo, comp, err, sizeof(err));

	ck_assert_msg(zs != NULL, "zswap_create: %s", err);
	return zs;
}

struct zswap_folio zt_hint_folio(uint32_t slot, unsigned order, uint32_t hint, unsigned memcg,
				 unsigned who)
{
	return (struct zswap_folio){
		.slot = slot, .who = (int32_t)who, .memcg = (uint16_t)memcg, .order = (uint8_t)order,
		.content = { .value = hint, .kind = ZSWAP_CONTENT_HINT },
	};
}

enum zswap_out_result zt_out(struct zswap *zs, uint32_t slot, unsigned order, uint32_t hint,
			     unsigned memcg)
{
	struct zswap_folio f = zt_hint_folio(slot, order, hint, memcg, 0);

	return zswap_swap_out(zs, &f);
}

enum zswap_in_result zt_in(struct zswap *zs, uint32_t slot)
{
	struct zswap_folio f = zt_hint_folio(slot, 0, 0, 0, 0);

	return zswap_swap_in(zs, &f);
}

void zt_inval(struct zswap *zs, uint32_t slot, unsigned order)
{
	struct zswap_folio f = zt_hint_folio(slot, order, 0, 0, 0);

	zswap_invalidate(zs, &f);
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
