/* SPDX-License-Identifier: MIT */
/*
 * Memory cgroups of the reclaim model: page counters, limits, memory.high
 * arithmetic, events (see memcg.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/memcg.h"
#include "models/page.h"

/* mm/memcontrol.c: memory.high throttling */
#define MEMCG_DELAY_PRECISION_SHIFT 20
#define MEMCG_DELAY_SCALING_SHIFT   14

static int memcg_build_preorder(struct memcg_set *s)
{
	unsigned k = 0;

	s->preorder = calloc(s->n ? s->n : 1, sizeof(*s->preorder));
	if (!s->preorder)
		return -ENOMEM;
	/* pre-order, children in index order: the top-level memcgs first, each
	 * followed by its subtree (mem_cgroup_iter() order) */
	for (unsigned i = 0; i < s->n; i++) {
		if (s->m[i].parent >= 0)
			continue;
		unsigned start = k;

		s->preorder[k++] = (int)i;
		for (unsigned j = start; j < k; j++) {
			int parent = s->preorder[j];
			unsigned ins = j + 1, nch = 0;

			for (unsigned c = 0; c < s->n; c++)
				nch += s->m[c].parent == parent;
			if (!nch)
				continue;
			memmove(&s->preorder[ins + nch], &s->preorder[ins], (k - ins) * sizeof(int));
			for (unsigned c = 0; c < s->n; c++)
				if (s->m[c].parent == parent)
					s->preorder[ins++] = (int)c;
			k += nch;
		}
	}
	return 0;
}

int memcg_set_init(struct memcg_set *s, enum memcg_version v, unsigned n, const int *parents,
		   const char *const *names, const struct memcg_limits *limits, unsigned hz,
		   char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->version = v;
	s->hz = hz ? hz : 250;
	s->m = calloc(n ? n : 1, sizeof(*s->m));
	if (!s->m) {
		snprintf(err, errlen, "memcg: out of memory for %u memcgs", n);
		return -ENOMEM;
	}
	s->n = n;
	for (unsigned i = 0; i < n; i++) {
		struct memcg *m = &s->m[i];
		const char *name = names ? names[i] : "?";

		if (parents[i] < -1 || parents[i] >= (int)n || parents[i] == (int)i) {
			snprintf(err, errlen, "memcg %s: bad parent index %d", name, parents[i]);
			goto inval;
		}
		m->parent = parents[i];
		m->lim = limits[i];
		if (v == MEMCG_V1 && (m->lim.high != MEMCG_NOLIMIT || m->lim.swap_max != MEMCG_NOLIMIT)) {
			snprintf(err, errlen, "memcg.%s: memory_high and memory_swap_max are cgroup v2 "
				 "files (system.cgroup is v1)", name);
			goto inval;
		}
		if (v == MEMCG_V2 && m->lim.memsw_max != MEMCG_NOLIMIT) {
			snprintf(err, errlen, "memcg.%s: memsw_max is a cgroup v1 file (system.cgroup is v2)",
				 name);
			goto inval;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		int p = s->m[i].parent;

		for (unsigned d = 0; p >= 0; d++, p = s->m[p].parent)
			if (d >= n) {
				snprintf(err, errlen, "memcg %s: parent chain has a cycle",
					 names ? names[i] : "?");
				goto inval;
			}
	}
	if (memcg_build_preorder(s)) {
		snprintf(err, errlen, "memcg: out of memory");
		memcg_set_free(s);
		return -ENOMEM;
	}
	return 0;
inval:
	memcg_set_free(s);
	return -EINVAL;
}

void memcg_set_free(struct memcg_set *s)
{
	free(s->m);
	free(s->preorder);
	memset(s, 0, sizeof(*s));
}

/* ---- page counters ---------------------------------------------------------- */

static void memcg_add(struct memcg_set *s, unsigned m, uint64_t nr, int memsw)
{
	for (int i = (int)m; i >= 0; i = s->m[i].parent) {
		struct memcg *c = &s->m[i];

		c->memory += nr;
		if (c->memory > c->memory_peak)
			c->memory_peak = c->memory;
		if (memsw)
			c->memsw += nr;
	}
}

static void memcg_sub(struct memcg_set *s, unsigned m, uint64_t nr, int memory, int memsw)
{
	for (int i = (int)m; i >= 0; i = s->m[i].parent) {
		struct memcg *c = &s->m[i];

		if (memory)
			c->memory -= nr < c->memory ? nr : c->memory;
		if (memsw)
			c->memsw -= nr < c->memsw ? nr : c->memsw;
	}
}

int memcg_try_charge(struct memcg_set *s, unsigned m, uint64_t nr, int *over, int *memsw_over)
{
	int v1 = s->version == MEMCG_V1;

	/* try_charge_memcg(): memsw first (v1), then memory; the first
	 * counter up the tree that would go over its limit fails the charge */
	if (v1)
		for (int i = (int)m; i >= 0; i = s->m[i].parent)
			if (s->m[i].lim.memsw_max != MEMCG_NOLIMIT &&
			    s->m[i].memsw + nr > s->m[i].lim.memsw_max) {
				*over = i;
				*memsw_over = 1;
				return -ENOMEM;
			}
	for (int i = (int)m; i >= 0; i = s->m[i].parent)
		if (s->m[i].lim.max != MEMCG_NOLIMIT && s->m[i].memory + nr > s->m[i].lim.max) {
			*over = i;
			*memsw_over = 0;
			return -ENOMEM;
		}
	memcg_add(s, m, nr, v1);
	return 0;
}

void memcg_force_charge(struct memcg_set *s, unsigned m, uint64_t nr)
{
	memcg_add(s, m, nr, s->version == MEMCG_V1);
}

void memcg_uncharge(struct memcg_set *s, unsigned m, uint64_t nr)
{
	memcg_sub(s, m, nr, 1, s->version == MEMCG_V1);
}

uint64_t memcg_margin(const struct memcg_set *s, unsigned m)
{
	const struct memcg *c = &s->m[m];
	uint64_t margin = 0;

	if (c->lim.max == MEMCG_NOLIMIT)
		margin = UINT64_MAX;
	else if (c->memory < c->lim.max)
		margin = c->lim.max - c->memory;
	if (s->version == MEMCG_V1 && c->lim.memsw_max != MEMCG_NOLIMIT) {
		uint64_t sw = c->memsw < c->lim.memsw_max ? c->lim.memsw_max - c->memsw : 0;

		if (sw < margin)
			margin = sw;
	}
	return margin;
}

void memcg_swapout(struct memcg_set *s, unsigned m, uint64_t nr)
{
	/* v1 memcg1_swapout(): the memsw charge moves to the swap entry */
	memcg_sub(s, m, nr, 1, 0);
}

int memcg_try_charge_swap(struct memcg_set *s, unsigned m, uint64_t nr)
{
	if (s->version != MEMCG_V2)
		return 0;
	for (int i = (int)m; i >= 0; i = s->m[i].parent)
		if (s->m[i].lim.swap_max != MEMCG_NOLIMIT && s->m[i].swap + nr > s->m[i].lim.swap_max)
			return -ENOMEM;
	for (int i = (int)m; i >= 0; i = s->m[i].parent)
		s->m[i].swap += nr;
	return 0;
}

void memcg_uncharge_swap(struct memcg_set *s, unsigned m, uint64_t nr, int resident)
{
	if (s->version == MEMCG_V1 && resident)
		return;
	for (int i = (int)m; i >= 0; i = s->m[i].parent) {
		struct memcg *c = &s->m[i];

		if (s->version == MEMCG_V2)
			c->swap -= nr < c->swap ? nr : c->swap;
		else
			c->memsw -= nr < c->memsw ? nr : c->memsw;
	}
}

void memcg_swapin_uncharge_swap(struct memcg_set *s, unsigned m, uint64_t nr)
{
	if (s->version == MEMCG_V1)
		memcg_sub(s, m, nr, 0, 1);
}

int64_t memcg_charge_zswap(struct memcg_set *s, unsigned m, int64_t delta_bytes)
{
	struct memcg *c = &s->m[m];

	if (s->version != MEMCG_V2)
		return 0;
	c->zswap_bytes = (uint64_t)((int64_t)c->zswap_bytes + delta_bytes);
	uint64_t pages = (c->zswap_bytes + SIM_PAGE_SIZE - 1) / SIM_PAGE_SIZE;
	int64_t delta = (int64_t)pages - (int64_t)c->zswap_pages;

	c->zswap_pages = pages;
	return delta;
}

/* ---- memory.high -------------------------------------------------------------- */

int memcg_over_high(const struct memcg_set *s, unsigned m)
{
	for (int i = (int)m; i >= 0; i = s->m[i].parent)
		if (s->m[i].lim.high != MEMCG_NOLIMIT && s->m[i].memory > s->m[i].lim.high)
			return 1;
	return 0;
}

/* calculate_overage() */
static uint64_t memcg_overage(uint64_t usage, uint64_t high)
{
	if (usage <= high)
		return 0;
	if (!high)
		high = 1;
	return ((usage - high) << MEMCG_DELAY_PRECISION_SHIFT) / high;
}

uint64_t memcg_max_overage(const struct memcg_set *s, unsigned m)
{
	uint64_t max = 0;

	for (int i = (int)m; i >= 0; i = s->m[i].parent) {
		if (s->m[i].lim.high == MEMCG_NOLIMIT)
			continue;
		uint64_t o = memcg_overage(s->m[i].memory, s->m[i].lim.high);

		if (o > max)
			max = o;
	}
	return max;
}

uint64_t memcg_high_delay(const struct memcg_set *s, uint64_t nr_pages, uint64_t max_overage)
{
	if (!max_overage)
		return 0;
	/* overage squared grows fast: saturate instead of wrapping (the clamp
	 * to MEMCG_MAX_HIGH_DELAY_JIFFIES follows anyway) */
	if (max_overage > (UINT64_MAX / max_overage) / s->hz)
		return UINT64_MAX / MEMCG_CHARGE_BATCH;
	uint64_t penalty = max_overage * max_overage * s->hz;

	penalty >>= MEMCG_DELAY_PRECISION_SHIFT;
	penalty >>= MEMCG_DELAY_SCALING_SHIFT;
	if (nr_pages && penalty > UINT64_MAX / nr_pages)
		return UINT64_MAX / MEMCG_CHARGE_BATCH;
	return penalty * nr_pages / MEMCG_CHARGE_BATCH;
}

/* ---- tree ------------------------------------------------------------------------ */

int memcg_in_subtree(const struct memcg_set *s, unsigned m, unsigned root)
{
	for (int i = (int)m; i >= 0; i = s->m[i].parent)
		if (i == (int)root)
			return 1;
	return 0;
}

void memcg_events_hier(const struct memcg_set *s, unsigned m, struct memcg_events *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < s->n; i++) {
		if (!memcg_in_subtree(s, i, m))
			continue;
#define MEMCG_X(n) out->n += s->m[i].ev.n;
		MEMCG_EVENT_LIST(MEMCG_X)
		MEMCG_STAT_LIST(MEMCG_X)
#undef MEMCG_X
	}
}
