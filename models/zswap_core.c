/* SPDX-License-Identifier: MIT */
/*
 * The zswap model: creation, memcg charges (mm/memcontrol.c
 * obj_cgroup_charge_zswap(), mem_cgroup_zswap_writeback_enabled()), the pool's
 * gauges, statistics, the policy report and the invariant check.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "models/hugemem.h"
#include "models/zswap_internal.h"

/* ---- memcgs ----------------------------------------------------------------- */

/* Add v to one memory.stat field of mc and of every ancestor: memory.stat is
 * hierarchical. */
void zswap_memcg_add(struct zswap *zs, struct zswap_memcg *mc, size_t field_off, uint64_t v)
{
	for (;;) {
		*(uint64_t *)((char *)&mc->st + field_off) += v;
		if (mc->parent < 0)
			break;
		mc = &zs->memcg[mc->parent];
	}
}

/* Integrate the overshoot up to now before it changes. */
static void zswap_limit_advance(struct zswap *zs)
{
	struct zswap_limit_stats *l = &zs->lim;

	if (zs->now_ns > l->over_since_ns) {
		double dt = (double)(zs->now_ns - l->over_since_ns);

		l->over_global_bns += (double)l->over_global * dt;
		l->over_memcg_bns += (double)l->over_memcg_sum * dt;
		l->over_since_ns = zs->now_ns;
	}
}

static void zswap_memcg_over_update(struct zswap *zs, struct zswap_memcg *m)
{
	uint64_t max_bytes = m->max_pages * SIM_PAGE_SIZE;
	uint64_t over = m->st.zswap > max_bytes ? m->st.zswap - max_bytes : 0;

	if (over == m->over_bytes)
		return;
	zswap_limit_advance(zs);
	zs->lim.over_memcg_sum = zs->lim.over_memcg_sum - m->over_bytes + over;
	m->over_bytes = over;
	if (over > zs->lim.overshoot_max_memcg)
		zs->lim.overshoot_max_memcg = over;
}

/* obj_cgroup_charge_zswap(): MEMCG_ZSWAP_B += length, MEMCG_ZSWAPPED += 1. */
void zswap_memcg_charge(struct zswap *zs, struct zswap_memcg *mc, uint32_t len)
{
	if (zs->env && zs->env->charge)
		zs->env->charge(zs->env_ctx, (unsigned)mc->idx, zs->charge_who, (int64_t)len);
	for (struct zswap_memcg *m = mc;; m = &zs->memcg[m->parent]) {
		m->st.zswap += len;
		if (m->st.zswap > m->st.zswap_peak)
			m->st.zswap_peak = m->st.zswap;
		m->st.zswapped += SIM_PAGE_SIZE;
		if (m->st.zswapped > m->st.zswapped_peak)
			m->st.zswapped_peak = m->st.zswapped;
		if (m->max_pages != UINT64_MAX)
			zswap_memcg_over_update(zs, m);
		if (m->parent < 0)
			break;
	}
}

void zswap_memcg_uncharge(struct zswap *zs, struct zswap_memcg *mc, uint32_t len)
{
	if (zs->env && zs->env->charge)
		zs->env->charge(zs->env_ctx, (unsigned)mc->idx, zs->charge_who, -(int64_t)len);
	for (struct zswap_memcg *m = mc;; m = &zs->memcg[m->parent]) {
		m->st.zswap -= len;
		if (m->max_pages != UINT64_MAX)
			zswap_memcg_over_update(zs, m);
		/* apart from zswap's: together GCC made the two subtractions
		 * seven vector instructions */
		m->st.zswapped -= SIM_PAGE_SIZE;
		if (m->parent < 0)
			break;
	}
}

/* mem_cgroup_zswap_writeback_enabled(): true when zswap is disabled, else
 * false if the memcg or any ancestor has memory.zswap.writeback = 0. */
static void zswap_memcg_update_wb(struct zswap *zs)
{
	for (uint32_t i = 0; i < zs->nmemcg; i++) {
		int en = 1;

		for (const struct zswap_memcg *m = &zs->memcg[i];; m = &zs->memcg[m->parent]) {
			en &= m->wb_own;
			if (m->parent < 0)
				break;
		}
		zs->memcg[i].wb_enabled = !zs->cfg.enabled || en;
	}
}

void zswap_set_writeback_all(struct zswap *zs, int enabled)
{
	for (uint32_t i = 0; i < zs->nmemcg; i++)
		zs->memcg[i].wb_own = enabled;
	zswap_memcg_update_wb(zs);
}

/* The pool's page count is now pages (zswap_pool_changed() saw it move):
 * gauges, peak, overshoot. */
void zswap_pool_resized(struct zswap *zs, uint64_t pages)
{
	zs->pool_pages = pages;
	zs->st.pool_total_size = pages * SIM_PAGE_SIZE;
	if (zs->st.pool_total_size > zs->st.pool_total_size_peak)
		zs->st.pool_total_size_peak = zs->st.pool_total_size;

	uint64_t over = pages > zs->max_pages ? (pages - zs->max_pages) * SIM_PAGE_SIZE : 0;

	if (over != zs->lim.over_global) {
		zswap_limit_advance(zs);
		zs->lim.over_global = over;
		if (over > zs->lim.overshoot_max_global)
			zs->lim.overshoot_max_global = over;
	}
}

/* ---- creation ------------------------------------------------------------------ */

static int zswap_setup_memcgs(struct zswap *zs, const struct zswap_topology *topo,
			      char *err, size_t errlen)
{
	uint32_t n = topo->nmemcg;

	zs->memcg = calloc(n, sizeof(*zs->memcg));
	zs->preorder = calloc(n, sizeof(*zs->preorder));
	zs->inv_scratch = calloc(2 * (size_t)n, sizeof(uint64_t));
	if (!zs->memcg || !zs->preorder || !zs->inv_scratch) {
		snprintf(err, errlen, "zswap: out of memory for %u memcgs", n);
		return -ENOMEM;
	}
	zs->nmemcg = n;
	for (uint32_t i = 0; i < n; i++) {
		struct zswap_memcg *m = &zs->memcg[i];
		const struct zswap_memcg_desc *d = &topo->memcg[i];
		int32_t p = d->parent;
		uint64_t maxb = d->zswap_max;

		if (p >= (int32_t)n || p < -1 || p == (int32_t)i) {
			snprintf(err, errlen, "memcg %s: bad parent index %d", d->name, p);
			return -EINVAL;
		}
		m->idx = (int)i;
		m->parent = p;
		/* page_counter_memparse(): bytes to pages, rounded down */
		m->max_pages = maxb == ZSWAP_MAX_UNLIMITED ? UINT64_MAX : maxb / SIM_PAGE_SIZE;
		m->wb_own = d->writeback != 0;
	}
	/* No cycles: every ancestor chain ends within n steps. */
	for (uint32_t i = 0; i < n; i++) {
		int p = zs->memcg[i].parent;

		for (uint32_t d = 0; p >= 0; d++, p = zs->memcg[p].parent)
			if (d >= n) {
				snprintf(err, errlen, "memcg %s: parent chain has a cycle",
					 topo->memcg[i].name);
				return -EINVAL;
			}
	}
	/* mem_cgroup_iter() order: pre-order, children in creation (index) order. */
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (zs->memcg[i].parent >= 0)
			continue;
		/* iterative DFS from top-level memcg i using preorder as the stack output */
		uint32_t start = k;
		zs->preorder[k++] = (int)i;
		for (uint32_t j = start; j < k; j++) {
			/* insert the children of preorder[j] right after it, keeping order */
			int parent = zs->preorder[j];
			uint32_t ins = j + 1, nch = 0;

			for (uint32_t c = 0; c < n; c++)
				if (zs->memcg[c].parent == parent)
					nch++;
			if (!nch)
				continue;
			memmove(&zs->preorder[ins + nch], &zs->preorder[ins],
				(k - ins) * sizeof(int));
			for (uint32_t c = 0; c < n; c++)
				if (zs->memcg[c].parent == parent)
					zs->preorder[ins++] = (int)c;
			k += nch;
		}
	}
	zswap_memcg_update_wb(zs);
	zs->shrink_cursor = -1;
	return 0;
}

/* The policies and a copy of their parameters; attach each in turn. */
static int zswap_setup_policies(struct zswap *zs, const struct zswap_config *cfg,
				char *err, size_t errlen)
{
	int r;

	zs->limit = cfg->limit_policy ? cfg->limit_policy : policy_find_limit(POLICY_DEFAULT_LIMIT);
	zs->lru = cfg->lru_policy ? cfg->lru_policy : policy_find_lru(POLICY_DEFAULT_LRU);
	zs->wb = cfg->wb_policy ? cfg->wb_policy : policy_find_wb(POLICY_DEFAULT_WB);
	zs->keep_store_ns = zs->limit->c.store_times || zs->lru->c.store_times ||
			    zs->wb->c.store_times;
	zs->swapped_out = zs->wb->swapped_out;
	if (zs->swapped_out == zswap_wb_kernel_swapped_out && !zs->cfg.shrinker_enabled)
		zs->swapped_out = NULL;
	if (!zs->limit->admit_folio || !zs->lru->stored || !zs->lru->examine) {
		snprintf(err, errlen, "policy %s/%s: a required hook is missing (admit_folio, stored, examine)",
			 zs->limit->c.name, zs->lru->c.name);
		return -EINVAL;
	}
	r = policy_state_new(&zs->limit->c, "limit", cfg->limit_params, &zs->limit_st, err, errlen);
	if (!r)
		r = policy_state_new(&zs->lru->c, "lru", cfg->lru_params, &zs->lru_st, err, errlen);
	if (!r)
		r = policy_state_new(&zs->wb->c, "writeback", cfg->wb_params, &zs->wb_st, err, errlen);
	if (!r && zs->limit->c.attach)
		r = zs->limit->c.attach(zs, zs->limit_st, err, errlen);
	if (!r)
		zs->limit_attached = 1;
	if (!r && zs->lru->c.attach)
		r = zs->lru->c.attach(zs, zs->lru_st, err, errlen);
	if (!r)
		zs->lru_attached = 1;
	if (!r && zs->wb->c.attach)
		r = zs->wb->c.attach(zs, zs->wb_st, err, errlen);
	if (!r)
		zs->wb_attached = 1;
	return r;
}

struct zswap *zswap_create(const struct zswap_config *cfg, const struct zswap_topology *topo,
			   struct compressor *comp, char *err, size_t errlen)
{
	struct zswap *zs;
	int r = -EINVAL;

	errno = 0;   /* ENOMEM on return tells memory from a bad config */

	if (cfg->max_pool_percent > 100 || cfg->accept_threshold_percent > 100) {
		snprintf(err, errlen, "zswap: max_pool_percent and accept_threshold_percent must be 0..100");
		return NULL;
	}
	if (cfg->compress_batch > 8 || cfg->decompress_batch > 8) {
		snprintf(err, errlen, "zswap: batch.compress and batch.decompress must be 1..8");
		return NULL;
	}
	if (cfg->page_cluster > 16) {
		snprintf(err, errlen, "zswap: swapin.page_cluster %u is above 16", cfg->page_cluster);
		return NULL;
	}
	if (topo->nmemcg < 1 || topo->nmemcg > ZSWAP_MAX_MEMCGS) {
		snprintf(err, errlen, "zswap: %u memcgs (1..%u)", topo->nmemcg, ZSWAP_MAX_MEMCGS);
		return NULL;
	}
	if (topo->nslots > ZSWAP_MAX_SLOTS) {
		snprintf(err, errlen, "zswap: slot_count %u above the simulator's limit of %u swap"
			 " slots (2^28: 1 TiB of swap)", topo->nslots, ZSWAP_MAX_SLOTS);
		return NULL;
	}
	zs = calloc(1, sizeof(*zs));
	if (!zs) {
		snprintf(err, errlen, "zswap: out of memory");
		return NULL;
	}
	zs->cfg = *cfg;
	/* the caller may free the policy parameters after zswap_create() */
	zs->cfg.limit_params = zs->cfg.lru_params = zs->cfg.wb_params = NULL;
	if (!zs->cfg.compress_batch)
		zs->cfg.compress_batch = 1;
	if (!zs->cfg.decompress_batch)
		zs->cfg.decompress_batch = 1;
	if (!zs->cfg.zsmalloc_chain_size)
		zs->cfg.zsmalloc_chain_size = ZS_DEFAULT_CHAIN_SIZE;
	zs->comp = comp;
	zs->wb_batch = 1;

	/* zswap_max_pages() and zswap_accept_thr_pages(), integer math in that order */
	zs->max_pages = cfg->total_ram_bytes / SIM_PAGE_SIZE * cfg->max_pool_percent / 100;
	zs->accept_pages = zs->max_pages * cfg->accept_threshold_percent / 100;
	/* "Initial readahead hits is 4 to start up with a small window" */
	zs->ra_hits = 4;

	zs->nslots = topo->nslots;
	zs->slots = hugemem_alloc((zs->nslots ? zs->nslots : 1) * sizeof(*zs->slots));
	/* mapped on demand like the slots: untouched unless store times are kept */
	zs->store_ns = hugemem_alloc((zs->nslots ? zs->nslots : 1) * sizeof(*zs->store_ns));
	zs->pool = zs_pool_create(zs->cfg.zsmalloc_chain_size);
	zs->lim.nstreams = topo->nwho;
	zs->lim.stream_stored = calloc(topo->nwho + 1, sizeof(uint64_t));
	zs->lim.stream_rejected = calloc(topo->nwho + 1, sizeof(uint64_t));
	if (!zs->slots || !zs->store_ns || !zs->pool || !zs->lim.stream_stored || !zs->lim.stream_rejected) {
		snprintf(err, errlen, "zswap: out of memory for %u slots (chain size %u)",
			 zs->nslots, zs->cfg.zsmalloc_chain_size);
		r = -ENOMEM;
		goto fail;
	}
	r = zswap_setup_memcgs(zs, topo, err, errlen);
	if (!r)
		r = zswap_setup_policies(zs, cfg, err, errlen);
	if (!r)
		return zs;
fail:
	zswap_destroy(zs);
	errno = r == -ENOMEM ? ENOMEM : 0;
	return NULL;
}

void zswap_destroy(struct zswap *zs)
{
	if (!zs)
		return;
	if (zs->wb_attached && zs->wb->c.detach)
		zs->wb->c.detach(zs, zs->wb_st);
	if (zs->lru_attached && zs->lru->c.detach)
		zs->lru->c.detach(zs, zs->lru_st);
	if (zs->limit_attached && zs->limit->c.detach)
		zs->limit->c.detach(zs, zs->limit_st);
	if (zs->pool)
		zs_pool_destroy(zs->pool);
	free(zs->limit_st);
	free(zs->lru_st);
	free(zs->wb_st);
	free(zs->lim.stream_stored);
	free(zs->lim.stream_rejected);
	free(zs->preorder);
	free(zs->inv_scratch);
	for (uint32_t i = 0; zs->memcg && i < zs->nmemcg; i++)
		zswap_lru_free(&zs->memcg[i]);
	free(zs->memcg);
	hugemem_free(zs->slots, (zs->nslots ? zs->nslots : 1) * sizeof(*zs->slots));
	hugemem_free(zs->store_ns, (zs->nslots ? zs->nslots : 1) * sizeof(*zs->store_ns));
	free(zs);
}

/* Hooks may run other actors in the middle of a writeback, which then
 * tells by the store time whether its entry was replaced: keep them. */
void zswap_set_timing(struct zswap *zs, const struct zswap_timing *t, void *ctx)
{
	zs->t = t;
	zs->tctx = ctx;
	if (t)
		zs->keep_store_ns = 1;
}

void zswap_set_env(struct zswap *zs, const struct zswap_env *env, void *ctx)
{
	zs->env = env;
	zs->env_ctx = ctx;
	if (env)
		zs->keep_store_ns = 1;
}

void zswap_set_now(struct zswap *zs, uint64_t now_ns)
{
	zs->now_ns = now_ns;
}

uint64_t zswap_now(const struct zswap *zs)
{
	return zs->now_ns;
}

int zswap_shrink_pending(const struct zswap *zs)
{
	return zs->shrink_pending;
}

uint64_t zswap_shrink_slab(struct zswap *zs, unsigned memcg, int priority, int who)
{
	if (!zs->cfg.enabled || !zs->cfg.shrinker_enabled || memcg >= zs->nmemcg)
		return 0;
	return zswap_shrinker_pass(zs, &zs->memcg[memcg], (unsigned)priority, who);
}

void zswap_skip_idle_timers(struct zswap *zs, uint64_t until)
{
	if (zs->wb->skip_idle)
		zs->wb->skip_idle(zs, zs->wb_st, until, 0);
}

void zswap_skip_known_idle_timers(struct zswap *zs, uint64_t until)
{
	if (zs->wb->skip_idle)
		zs->wb->skip_idle(zs, zs->wb_st, until, 1);
}

int zswap_has_timers(const struct zswap *zs)
{
	return zs->wb->skip_idle || zs->wb->next_timer;
}

uint64_t zswap_next_due_timer(const struct zswap *zs)
{
	return zs->wb->next_due ? zs->wb->next_due(zs, zs->wb_st) : zswap_next_timer(zs);
}

uint64_t zswap_next_timer(const struct zswap *zs)
{
	return zs->wb->next_timer ? zs->wb->next_timer(zs, zs->wb_st) : UINT64_MAX;
}

void zswap_timer(struct zswap *zs)
{
	if (zs->wb->timer)
		zs->wb->timer(zs, zs->wb_st);
}

const struct zswap_stats *zswap_stats(const struct zswap *zs)
{
	return &zs->st;
}

const struct zswap_memcg_stats *zswap_memcg_stats(const struct zswap *zs, unsigned memcg)
{
	return memcg < zs->nmemcg ? &zs->memcg[memcg].st : NULL;
}

unsigned zswap_memcg_count(const struct zswap *zs)
{
	return zs->nmemcg;
}

void zswap_prefetch(const struct zswap *zs, uint32_t slot)
{
	if (slot < zs->nslots)
		__builtin_prefetch(&zs->slots[slot], 1, 1);
}

int zswap_prefault_slots(struct zswap *zs, uint32_t slot, uint32_t nr)
{
	if (slot >= zs->nslots)
		return 0;
	return hugemem_populate(zs->slots, (size_t)zs->nslots * sizeof(*zs->slots),
				(size_t)slot * sizeof(*zs->slots), (size_t)nr * sizeof(*zs->slots));
}

/* GCC counts __builtin_prefetch() as free of side effects, so a function
 * made only of loads and prefetches is pure to it, and with link-time
 * optimisation a call whose result is unused is deleted: this empty volatile
 * asm (no instruction) keeps the prefetch functions below. */
#define ZSWAP_KEEP_HINTS() __asm__ volatile("")

/* Stage 1: the slot entries of a folio (one line per four slots). */
inline void zswap_prefetch_slots(const struct zswap *zs, uint32_t slot, uint32_t nr)
{
	ZSWAP_KEEP_HINTS();
	if ((uint64_t)slot + nr > zs->nslots)
		return;
	const char *a = (const char *)&zs->slots[slot];

	/* the first and the last line, then those between.  One slot is one
	 * line, once (the entries divide a line and the array starts on a
	 * page): the test every record of a random trace takes, before last
	 * is worked out. */
	_Static_assert(64 % sizeof(*zs->slots) == 0, "a slot entry spans two lines");
	__builtin_prefetch(a, 1, 1);
	if (__builtin_expect(nr == 1, 1))
		return;
	const char *last = a + (size_t)nr * sizeof(*zs->slots) - 1;

	if (((uintptr_t)a ^ (uintptr_t)last) < 64)
		return;
	__builtin_prefetch(last, 1, 1);
	for (a += 64; a < last; a += 64)
		__builtin_prefetch(a, 1, 1);
}

/* Stage 2 and 3 read the slot entry, so they run once stage 1 has likely
 * brought it in: what freeing its entry touches (zswap_entry_free(): its
 * place in the LRU ring, the zspage; then the zspage's fullness-list
 * neighbours). */
inline void zswap_prefetch_state(const struct zswap *zs, uint32_t slot, uint32_t nr, int stage)
{
	ZSWAP_KEEP_HINTS();
	if ((uint64_t)slot + nr > zs->nslots)
		return;
	const struct zswap_slot *s = &zs->slots[slot];
	const struct zswap_slot *end = s + (nr < 4 ? nr : 4);

	for (; s < end; s++) {
		if ((s->state & ZSWAP_S_MASK) != ZSWAP_S_ZSWAP)
			continue;
		if (stage == 3) {
			zs_prefetch(zs->pool, s->zspage, 1);
			continue;
		}
		uint32_t pos = zswap_slot_lru_pos(s);

		if (pos != ZSWAP_NIL)
			__builtin_prefetch(&zs->memcg[s->memcg].lru.q[pos], 1, 1);
		zs_prefetch(zs->pool, s->zspage, 0);
	}
}

size_t zswap_bytes_per_slot(const struct zswap *zs)
{
	return sizeof(struct zswap_slot) + (zs->keep_store_ns ? sizeof(*zs->store_ns) : 0);
}

/* ---- report ------------------------------------------------------------------------ */

static json_t *policy_params_json(const struct policy_common *c, const void *st)
{
	json_t *o = json_object();

	for (unsigned i = 0; i < c->nparams; i++) {
		const struct policy_param *p = &c->params[i];
		const char *f = (const char *)st + p->offset;

		switch (p->type) {
		case PP_INT:
			json_object_set_new(o, p->name, json_integer(*(const int64_t *)f));
			break;
		case PP_DOUBLE:
			json_object_set_new(o, p->name, json_real(*(const double *)f));
			break;
		case PP_BOOL:
			json_object_set_new(o, p->name, json_boolean(*(const int *)f));
			break;
		}
	}
	return o;
}

/* Jain's fairness index over streams of their share of successful folio
 * stores: x_i = stored_i / (stored_i + rejected_i), streams with attempts. */
static double zswap_jain(const struct zswap_limit_stats *l)
{
	double sum = 0, sum2 = 0;
	unsigned n = 0;

	for (uint32_t i = 0; i < l->nstreams; i++) {
		uint64_t att = l->stream_stored[i] + l->stream_rejected[i];

		if (!att)
			continue;
		double x = (double)l->stream_stored[i] / (double)att;
		sum += x;
		sum2 += x * x;
		n++;
	}
	if (!n)
		return 1.0;
	if (sum2 == 0)
		return 1.0;   /* every stream got nothing: equally (un)served */
	return sum * sum / (n * sum2);
}

void zswap_report_policies(const struct zswap *zs, void *json_stats)
{
	json_t *stats = json_stats;
	const struct zswap_limit_stats *l = &zs->lim;
	json_t *pol = json_object(), *params = json_object();

	json_object_set_new(pol, "limit", json_string(zs->limit->c.name));
	json_object_set_new(pol, "lru", json_string(zs->lru->c.name));
	json_object_set_new(pol, "writeback", json_string(zs->wb->c.name));
	json_object_set_new(params, "limit", policy_params_json(&zs->limit->c, zs->limit_st));
	json_object_set_new(params, "lru", policy_params_json(&zs->lru->c, zs->lru_st));
	json_object_set_new(params, "writeback", policy_params_json(&zs->wb->c, zs->wb_st));
	json_object_set_new(pol, "params", params);
	json_t *results = json_object();
	const struct { const char *family; const struct policy_common *c; const void *st; } fam[] = {
		{ "limit", &zs->limit->c, zs->limit_st },
		{ "lru", &zs->lru->c, zs->lru_st },
		{ "writeback", &zs->wb->c, zs->wb_st },
	};
	for (unsigned i = 0; i < 3; i++) {
		if (!fam[i].c->report)
			continue;
		json_t *o = json_object();
		fam[i].c->report(zs, fam[i].st, o);
		json_object_set_new(results, fam[i].family, o);
	}
	json_object_set_new(pol, "results", results);
	json_object_set_new(stats, "policy", pol);

	/* integrals up to now */
	double dt = zs->now_ns > l->over_since_ns ? (double)(zs->now_ns - l->over_since_ns) : 0;
	double g = (l->over_global_bns + (double)l->over_global * dt) / 1e9;
	double m = (l->over_memcg_bns + (double)l->over_memcg_sum * dt) / 1e9;
	uint64_t omax = l->overshoot_max_global > l->overshoot_max_memcg ?
			l->overshoot_max_global : l->overshoot_max_memcg;

	json_t *lim = json_object(), *streams = json_object();
	json_object_set_new(lim, "rejected_folios", json_integer((json_int_t)l->rejected_folios));
	json_object_set_new(lim, "overshoot_max_bytes", json_integer((json_int_t)omax));
	json_object_set_new(lim, "overshoot_max_bytes_global",
			    json_integer((json_int_t)l->overshoot_max_global));
	json_object_set_new(lim, "overshoot_max_bytes_memcg",
			    json_integer((json_int_t)l->overshoot_max_memcg));
	json_object_set_new(lim, "overshoot_byte_seconds", json_real(g + m));
	json_object_set_new(lim, "overshoot_byte_seconds_global", json_real(g));
	json_object_set_new(lim, "overshoot_byte_seconds_memcg", json_real(m));
	json_object_set_new(lim, "wasted_compressions",
			    json_integer((json_int_t)l->wasted_compressions));
	json_object_set_new(lim, "jain_fairness", json_real(zswap_jain(l)));
	json_object_set_new(lim, "aborted_folios", json_integer((json_int_t)l->aborted_folios));
	json_t *q = json_array();
	for (int i = 0; i < 4; i++)
		json_array_append_new(q, json_integer((json_int_t)l->abort_quarter[i]));
	json_object_set_new(lim, "aborts_by_quarter", q);
	json_object_set_new(lim, "abort_concurrent_stores_mean",
			    json_real(l->aborted_folios ? (double)l->abort_concurrent_sum /
							  (double)l->aborted_folios : 0.0));
	json_object_set_new(lim, "max_failed_stores_in_a_row", json_integer((json_int_t)l->fail_run_max));
	for (uint32_t i = 0; i < l->nstreams; i++) {
		char key[16];

		if (!l->stream_stored[i] && !l->stream_rejected[i])
			continue;
		json_t *s = json_object();
		json_object_set_new(s, "stored_folios", json_integer((json_int_t)l->stream_stored[i]));
		json_object_set_new(s, "rejected_folios",
				    json_integer((json_int_t)l->stream_rejected[i]));
		snprintf(key, sizeof(key), "%u", i);
		json_object_set_new(streams, key, s);
	}
	json_object_set_new(lim, "streams", streams);
	json_object_set_new(stats, "limit", lim);
}

/* ---- invariants -------------------------------------------------------------------- */

#define INV_FAIL(...) do { snprintf(reason, len, __VA_ARGS__); return -EFAULT; } while (0)

/* Walk every LRU ring: each element is a zswap entry of that memcg that
 * knows its place, both ends are entries; own charges per memcg then add up
 * hierarchically to the reported figures. */
static int zswap_check_lists(const struct zswap *zs, char *reason, size_t len)
{
	uint64_t total = 0, bytes = 0;

	for (uint32_t i = 0; i < zs->nmemcg; i++) {
		const struct zswap_memcg *mc = &zs->memcg[i];
		const struct zswap_lru_ring *r = &mc->lru;
		uint64_t n = 0;

		if (r->hi - r->lo > (r->q ? r->mask + 1 : 0))
			INV_FAIL("memcg %u: LRU ring holds %u positions, capacity %u", i,
				 r->hi - r->lo, r->q ? r->mask + 1 : 0);
		for (uint32_t p = r->lo; p != r->hi; p++) {
			uint32_t s = r->q[p & r->mask];

			if (s == ZSWAP_LRU_HOLE) {
				if (p == r->lo || p + 1 == r->hi)
					INV_FAIL("memcg %u: a hole at an end of the LRU ring", i);
				continue;
			}
			if (s >= zs->nslots)
				INV_FAIL("memcg %u: LRU ring holds slot %u of %u", i, s, zs->nslots);

			const struct zswap_slot *e = &zs->slots[s];

			if ((e->state & ZSWAP_S_MASK) != ZSWAP_S_ZSWAP || e->memcg != i)
				INV_FAIL("slot %u on memcg %u's LRU is not its zswap entry", s, i);
			if (zswap_slot_lru_pos(e) != (p & r->mask))
				INV_FAIL("slot %u: LRU ring index %u, found at %u", s, zswap_slot_lru_pos(e),
					 p & r->mask);
			n++;
			bytes += e->length;
		}
		if (n != mc->lru_len)
			INV_FAIL("memcg %u: LRU has %llu entries, lru_len %llu", i,
				 (unsigned long long)n, (unsigned long long)mc->lru_len);
		total += n;
	}
	if (total != zs->st.stored_pages)
		INV_FAIL("LRU lists hold %llu entries, stored_pages %llu",
			 (unsigned long long)total, (unsigned long long)zs->st.stored_pages);
	if (bytes != zs->st.sim_compressed_bytes)
		INV_FAIL("entries hold %llu bytes, sim_compressed_bytes %llu",
			 (unsigned long long)bytes, (unsigned long long)zs->st.sim_compressed_bytes);
	return 0;
}

int zswap_check_invariants(const struct zswap *zs, char *reason, size_t len)
{
	uint64_t pages = zs_get_total_pages(zs->pool);
	uint64_t top_b = 0, top_pages = 0, lru_total = 0;

	if (pages != zs->pool_pages || zs->st.pool_total_size != pages * SIM_PAGE_SIZE)
		INV_FAIL("pool_total_size %llu, zsmalloc model holds %llu pages",
			 (unsigned long long)zs->st.pool_total_size, (unsigned long long)pages);
	if (zs_objects(zs->pool) != zs->st.stored_pages)
		INV_FAIL("stored_pages %llu, zsmalloc objects %llu",
			 (unsigned long long)zs->st.stored_pages,
			 (unsigned long long)zs_objects(zs->pool));
	if (zs->st.stored_incompressible_pages > zs->st.stored_pages)
		INV_FAIL("stored_incompressible_pages above stored_pages");

	/* children's charges per parent, in one pass (scratch is a cache) */
	uint64_t *cb = zs->inv_scratch, *cz = zs->inv_scratch + zs->nmemcg;

	memset(cb, 0, 2 * zs->nmemcg * sizeof(uint64_t));
	for (uint32_t i = 0; i < zs->nmemcg; i++)
		if (zs->memcg[i].parent >= 0) {
			cb[zs->memcg[i].parent] += zs->memcg[i].st.zswap;
			cz[zs->memcg[i].parent] += zs->memcg[i].st.zswapped;
		}
	for (uint32_t i = 0; i < zs->nmemcg; i++) {
		const struct zswap_memcg *mc = &zs->memcg[i];

		lru_total += mc->lru_len;
		if (mc->st.zswap < cb[i] || mc->st.zswapped < cz[i])
			INV_FAIL("memcg %u: charge below its children's", i);
		if (mc->st.zswapped - cz[i] != mc->lru_len * SIM_PAGE_SIZE)
			INV_FAIL("memcg %u: zswapped %llu, own entries %llu", i,
				 (unsigned long long)(mc->st.zswapped - cz[i]),
				 (unsigned long long)mc->lru_len);
		if (mc->parent < 0) {
			top_b += mc->st.zswap;
			top_pages += mc->st.zswapped / SIM_PAGE_SIZE;
		}
	}
	if (lru_total != zs->st.stored_pages)
		INV_FAIL("LRU lengths add up to %llu, stored_pages %llu",
			 (unsigned long long)lru_total, (unsigned long long)zs->st.stored_pages);
	if (top_b != zs->st.sim_compressed_bytes || top_pages != zs->st.stored_pages)
		INV_FAIL("memcg charges %llu bytes / %llu pages, global %llu bytes / %llu pages",
			 (unsigned long long)top_b, (unsigned long long)top_pages,
			 (unsigned long long)zs->st.sim_compressed_bytes,
			 (unsigned long long)zs->st.stored_pages);

	/* Slot states: a window of 4096 slots per call (all of them when the
	 * trace is small), so running this after every event stays cheap.  The
	 * cursor is a cache, not model state. */
	uint32_t n = zs->nslots <= 65536 ? zs->nslots : 4096;
	uint64_t cur = zs->nslots <= 65536 ? 0 : zs->inv_cursor;

	for (uint32_t k = 0; k < n; k++) {
		uint32_t s = (uint32_t)((cur + k) % zs->nslots);
		const struct zswap_slot *e = &zs->slots[s];
		unsigned st = e->state & ZSWAP_S_MASK;

		if (st == ZSWAP_S_ZSWAP) {
			if (!e->length || e->length > SIM_PAGE_SIZE || e->memcg >= zs->nmemcg)
				INV_FAIL("slot %u: zswap entry with length %u memcg %u", s,
					 e->length, e->memcg);
		} else if (e->state & (ZSWAP_S_REF | ZSWAP_S_WB)) {
			INV_FAIL("slot %u: state %u (not zswap) carries entry flags", s, st);
		}
	}
	if (zs->nslots > 65536)
		((struct zswap *)zs)->inv_cursor = (cur + n) % zs->nslots;
	else if (zswap_check_lists(zs, reason, len))
		return -EFAULT;
	return 0;
}
