/* SPDX-License-Identifier: MIT */
/*
 * Scaffolding shared by the unit tests of the zswap model and its policies:
 * the topology and zswap_config the tests start from, policies chosen by
 * name, HINT folios, the invariant check, and the Check runner.  Each test
 * keeps its own topology and cfg and changes what its case needs after the
 * *_init() calls.
 */
#ifndef ZSWAPSIM_TEST_SUPPORT_ZSWAP_H
#define ZSWAPSIM_TEST_SUPPORT_ZSWAP_H

#include <check.h>
#include <stdint.h>

#include "models/zswap.h"

#define ZT_MAX_MEMCGS 16

/* A topology with room for its memcg table: change memcg[] (parents,
 * knobs) and topo's counts after zt_topo_init(). */
struct zt_topo {
	struct zswap_topology topo;
	struct zswap_memcg_desc memcg[ZT_MAX_MEMCGS];
	char name[ZT_MAX_MEMCGS][8];
};

/* slot_count slots, nstreams streams, nmemcg top-level memcgs named cg0,
 * cg1, ..., every one unlimited with writeback. */
void zt_topo_init(struct zt_topo *t, uint32_t slot_count, uint32_t nmemcg, uint32_t nstreams);

/* The kernel's defaults on a machine of ram_pages pages: enabled, 20% pool,
 * 90% accept threshold, chain size 8, one page per (de)compress call,
 * shrinker priority 12 (DEF_PRIORITY); the kernel's policies. */
void zt_cfg_init(struct zswap_config *c, uint64_t ram_pages);

/* Policy of family ("limit", "lru", "writeback") by name with parameters as
 * JSON text (NULL = defaults), as the config loader makes them; 0, or the
 * parser's negative errno with its message in err (-ENOENT: no such
 * policy).  The parameters live until the next zt_cfg_init(). */
int zt_policy(struct zswap_config *c, const char *family, const char *name, const char *params,
	      char *err, size_t errlen);

/* zswap_create(), failing the test with its error if it fails. */
struct zswap *zt_create(const struct zswap_config *c, const struct zt_topo *t,
			struct compressor *comp);

/* A folio whose content is a compressed-length hint. */
struct zswap_folio zt_hint_folio(uint32_t slot, unsigned order, uint32_t hint, unsigned memcg,
				 unsigned who);

/* One HINT event on stream 0 through the model (memcg 0 for in and inval,
 * whose memcg is the stored entry's). */
enum zswap_out_result zt_out(struct zswap *zs, uint32_t slot, unsigned order, uint32_t hint,
			     unsigned memcg);
enum zswap_in_result zt_in(struct zswap *zs, uint32_t slot);
void zt_inval(struct zswap *zs, uint32_t slot, unsigned order);

/* zswap_check_invariants(), failing the test with the reason. */
void zt_check_inv(struct zswap *zs);

/* Run the suite in fork mode; the exit status for main(). */
int zt_run_suite(Suite *s);

#endif
