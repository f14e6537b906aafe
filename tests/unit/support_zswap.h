/* SPDX-License-Identifier: MIT */
/*
 * Scaffolding shared by the unit tests of the zswap model and its policies:
 * the trace metadata and zswap_config the tests start from, HINT records, the
 * invariant check, and the Check runner.  Each test keeps its own meta and cfg
 * and changes what its case needs after the *_init() calls.
 */
#ifndef ZSWAPSIM_TEST_SUPPORT_ZSWAP_H
#define ZSWAPSIM_TEST_SUPPORT_ZSWAP_H

#include <check.h>
#include <stdint.h>

#include "models/zswap.h"

/* slot_count slots, nstreams streams, nmemcg top-level memcgs named cg0,
 * cg1, ... */
void zt_meta_init(struct trace_meta *m, uint32_t slot_count, uint32_t nmemcg,
		  uint32_t nstreams);

/* The kernel's defaults on a machine of ram_pages pages: enabled, 20% pool,
 * 90% accept threshold, chain size 8, one page per (de)compress call,
 * shrinker priority 12 (DEF_PRIORITY), every memcg unlimited with writeback;
 * the kernel's policies. */
void zt_cfg_init(struct zswap_config *c, uint64_t ram_pages);

/* zswap_create(), failing the test with its error if it fails. */
struct zswap *zt_create(const struct zswap_config *c, const struct trace_meta *m,
			struct compressor *comp);

/* A record whose content is a compressed-length hint (TRACE_F_HINT). */
struct trace_record zt_hint_rec(unsigned op, uint32_t slot, unsigned order, uint32_t hint,
				unsigned memcg, unsigned stream, uint64_t time_ns);

/* One HINT event at time 0 on stream 0 through the model (memcg 0 for in
 * and inval, whose memcg is the stored entry's). */
enum zswap_out_result zt_out(struct zswap *zs, uint32_t slot, unsigned order, uint32_t hint,
			     unsigned memcg);
enum zswap_in_result zt_in(struct zswap *zs, uint32_t slot);
void zt_inval(struct zswap *zs, uint32_t slot, unsigned order);

/* zswap_check_invariants(), failing the test with the reason. */
void zt_check_inv(struct zswap *zs);

/* Run the suite in fork mode; the exit status for main(). */
int zt_run_suite(Suite *s);

#endif
