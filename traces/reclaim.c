// SPDX-License-Identifier: MIT
/*
 * Reclaim model of the trace generators (see reclaim.h for what it models).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/reclaim.h"

/* Global page indices of a mapping start at a multiple of this, so natural
 * alignment of a folio in the region is alignment of its global index. */
#define RM_REGION_ALIGN (1u << TRACE_MAX_ORDER)

static void rm_fail(struct reclaim *rm, int err, const char *msg)
{
	if (!rm->err) {
		rm->err = err;
		snprintf(rm->errmsg, sizeof(rm->errmsg), "%s", msg);
	}
}

int rm_init(struct reclaim *rm, const struct rm_params *p, struct content *ct,
	    char *err, size_t errlen)
{
	memset(rm, 0, sizeof(*rm));
	rm->p = *p;
	rm->ct = ct;
	if (!p->nslots || !p->nstreams || p->nstreams > TRACE_MAX_STREAMS ||
	    (p->readahead & (p->readahead - 1)) || p->readahead > RM_REGION_ALIGN ||
	    p->dirty < 0 || p->dirty > 1) {
		snprintf(err, errlen, "reclaim model: bad parameters (slots %u, streams %u,"
			 " readahead %u, dirty %g)", p->nslots, p->nstreams, p->readahead, p->dirty);
		return -EINVAL;
	}
	rm->memcg = calloc(TRACE_MAX_MEMCGS, sizeof(*rm->memcg));
	rm->last_time = calloc(p->nstreams, sizeof(uint64_t));
	rm->rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!rm->memcg || swap_slots_init(&rm->slots, p->nslots) || !rm->last_time || !rm->rng) {
		rm_free(rm);
		snprintf(err, errlen, "reclaim model: out of memory");
		return -ENOMEM;
	}
	gsl_rng_set(rm->rng, (unsigned long)p->seed);
	return 0;
}

void rm_free(struct reclaim *rm)
{
	free(rm->pg);
	free(rm->memcg);
	swap_slots_destroy(&rm->slots);
	free(rm->ev);
	free(rm->last_time);
	if (rm->rng)
		gsl_rng_free(rm->rng);
	memset(rm, 0, sizeof(*rm));
}

int rm_add_memcg(struct reclaim *rm, const char *name, int parent, uint64_t limit_pages)
{
	struct rm_memcg *m;

	if (rm->nmemcg == TRACE_MAX_MEMCGS || strlen(name) >= TRACE_NAME_MAX ||
	    parent < -1 || parent >= (int)rm->nmemcg)
		return -EINVAL;
	m = &rm->memcg[rm->nmemcg];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->parent = parent;
	m->limit = limit_pages;
	for (int l = 0; l < 2; l++)
		m->lru_head[l] = m->lru_tail[l] = RM_NONE;
	return (int)rm->nmemcg++;
}

/* --- events ---------------------------------------------------------------- */

static void rm_emit(struct reclaim *rm, unsigned stream, uint64_t now, unsigned op,
		    uint32_t slot, unsigned order, uint32_t content, unsigned memcg, unsigned flags)
{
	struct trace_record *r;

	if (rm->err)
		return;
	if (now < rm->last_time[stream]) {
		rm_fail(rm, -EINVAL, "stream time went backwards");
		return;
	}
	rm->last_time[stream] = now;
	if (rm->nev == rm->ev_cap) {
		uint64_t cap = rm->ev_cap ? rm->ev_cap * 2 : 4096;
		struct trace_record *ev = realloc(rm->ev, cap * sizeof(*ev));
		if (!ev) {
			rm_fail(rm, -ENOMEM, "out of memory for events");
			return;
		}
		rm->ev = ev;
		rm->ev_cap = cap;
	}
	r = &rm->ev[rm->nev++];
	memset(r, 0, sizeof(*r));
	r->time_ns = now;
	r->slot = slot;
	r->content = op == TRACE_OP_OUT ? content : 0;
	r->stream = (uint16_t)stream;
	r->memcg = (uint16_t)memcg;
	r->op = (uint8_t)op;
	r->order = (uint8_t)order;
	r->flags = (uint16_t)flags;
	if (op == TRACE_OP_OUT)
		rm->memcg[memcg].out_pages += 1u << order;
	else if (op == TRACE_OP_IN)
		rm->memcg[memcg].in_pages += 1u << order;
}

/* --- swap slots ------------------------------------------------------------ */

/* Lowest naturally aligned free block of 2^order slots (models/swap_slots.h,
 * the allocator of the workload runs' reclaim model too), or RM_NONE. */
static uint32_t slot_alloc(struct reclaim *rm, unsigned order)
{
	uint32_t s = swap_slots_alloc(&rm->slots, order);

	if (s != SWAP_SLOTS_NONE)
		return s;
	rm_fail(rm, -ENOSPC, "swap slots exhausted (raise --swap)");
	return RM_NONE;
}

static void slot_free(struct reclaim *rm, uint32_t s, unsigned nr)
{
	swap_slots_free(&rm->slots, s, nr);
}

/* --- LRU lists --------------------------------------------------------------- */

static void lru_add_head(struct reclaim *rm, uint32_t h, int lru)
{
	struct rm_page *f = &rm->pg[h];
	struct rm_memcg *m = &rm->memcg[f->memcg];

	f->prev = RM_NONE;
	f->next = m->lru_head[lru];
	if (m->lru_head[lru] != RM_NONE)
		rm->pg[m->lru_head[lru]].prev = h;
	else
		m->lru_tail[lru] = h;
	m->lru_head[lru] = h;
	m->lru_pages[lru] += 1u << f->order;
	if (lru == RM_ACTIVE)
		f->flags |= RM_F_ACTIVE;
	else
		f->flags &= ~RM_F_ACTIVE;
}

static void lru_del(struct reclaim *rm, uint32_t h)
{
	struct rm_page *f = &rm->pg[h];
	struct rm_memcg *m = &rm->memcg[f->memcg];
	int lru = (f->flags & RM_F_ACTIVE) ? RM_ACTIVE : RM_INACTIVE;

	if (f->prev != RM_NONE)
		rm->pg[f->prev].next = f->next;
	else
		m->lru_head[lru] = f->next;
	if (f->next != RM_NONE)
		rm->pg[f->next].prev = f->prev;
	else
		m->lru_tail[lru] = f->prev;
	f->prev = f->next = RM_NONE;
	m->lru_pages[lru] -= 1u << f->order;
}

/* --- charging ---------------------------------------------------------------- */

static void rm_account(struct reclaim *rm, unsigned memcg, int64_t nr)
{
	for (int32_t m = (int32_t)memcg; m >= 0; m = rm->memcg[m].parent)
		rm->memcg[m].usage += (uint64_t)nr;
	rm->ram_usage += (uint64_t)nr;
}

static int rm_in_subtree(const struct reclaim *rm, unsigned m, int root)
{
	if (root < 0)
		return 1;
	for (int32_t a = (int32_t)m; a >= 0; a = rm->memcg[a].parent)
		if (a == root)
			return 1;
	return 0;
}

static uint64_t rm_swap_out(struct reclaim *rm, unsigned stream, uint32_t h, uint64_t now);

/* Deactivate from the active tail while the inactive list is the smaller one
 * (inactive_is_low() with inactive_ratio 1); deactivation clears young. */
static void rm_balance(struct reclaim *rm, unsigned memcg)
{
	struct rm_memcg *m = &rm->memcg[memcg];

	while (m->lru_pages[RM_INACTIVE] < m->lru_pages[RM_ACTIVE]) {
		uint32_t h = m->lru_tail[RM_ACTIVE];
		lru_del(rm, h);
		rm->pg[h].flags &= ~RM_F_YOUNG;
		lru_add_head(rm, h, RM_INACTIVE);
	}
}

/* Reclaim one folio of memcg's own lists; returns its pages (0: none). */
static uint64_t rm_shrink_one(struct reclaim *rm, unsigned stream, unsigned memcg, uint64_t now)
{
	struct rm_memcg *m = &rm->memcg[memcg];
	uint64_t budget = 4 * (m->lru_pages[0] + m->lru_pages[1]) + 4;

	while (budget--) {
		rm_balance(rm, memcg);
		uint32_t h = m->lru_tail[RM_INACTIVE];
		if (h == RM_NONE)
			return 0;
		struct rm_page *f = &rm->pg[h];
		if (f->flags & RM_F_YOUNG) {
			/* folio_check_references(): a second look before reclaim */
			f->flags &= ~RM_F_YOUNG;
			lru_del(rm, h);
			if (f->flags & RM_F_REFERENCED) {
				f->flags &= ~RM_F_REFERENCED;
				lru_add_head(rm, h, RM_ACTIVE);
			} else {
				f->flags |= RM_F_REFERENCED;
				lru_add_head(rm, h, RM_INACTIVE);
			}
			continue;
		}
		return rm_swap_out(rm, stream, h, now);
	}
	return 0;
}

/* One folio from the subtree of root (-1: every memcg): the descendant with
 * the most resident pages of its own gives it. */
static uint64_t rm_reclaim_one(struct reclaim *rm, unsigned stream, int root, uint64_t now)
{
	int best = -1;
	uint64_t best_pages = 0;

	for (unsigned m = 0; m < rm->nmemcg; m++) {
		uint64_t own = rm->memcg[m].lru_pages[0] + rm->memcg[m].lru_pages[1];
		if (own > best_pages && rm_in_subtree(rm, m, root)) {
			best = (int)m;
			best_pages = own;
		}
	}
	if (best < 0)
		return 0;
	return rm_shrink_one(rm, stream, (unsigned)best, now);
}

/* try_charge(): make room for nr pages in memcg and every ancestor, and in
 * RAM, reclaiming before the charge.  A limit that cannot be met is exceeded
 * (the kernel would OOM-kill). */
static void rm_charge(struct reclaim *rm, unsigned stream, unsigned memcg, unsigned nr,
		      uint64_t now)
{
	for (int32_t a = (int32_t)memcg; a >= 0; a = rm->memcg[a].parent) {
		struct rm_memcg *m = &rm->memcg[a];
		while (m->limit && m->usage + nr > m->limit && !rm->err)
			if (!rm_reclaim_one(rm, stream, a, now))
				break;
	}
	while (rm->p.ram_pages && rm->ram_usage + nr > rm->p.ram_pages && !rm->err)
		if (!rm_reclaim_one(rm, stream, -1, now))
			break;
	rm_account(rm, memcg, nr);
}

/* --- swap-out ------------------------------------------------------------------ */

/* Content of a folio being written out: the pages keep what they held at their
 * last swap-out unless they never had content, are not one consecutive run, or
 * were written since and draw a change with probability dirty. */
static uint32_t rm_folio_content(struct reclaim *rm, uint32_t h, unsigned nr)
{
	uint32_t base = rm->pg[h].content;
	int dirty = 0, fresh = base == CONTENT_NONE;

	for (unsigned i = 0; i < nr; i++) {
		const struct rm_page *p = &rm->pg[h + i];
		if (p->flags & RM_F_DIRTY)
			dirty = 1;
		if (!fresh && p->content != base + i)
			fresh = 1;
	}
	if (!fresh && dirty && rm->p.dirty > 0 && gsl_rng_uniform(rm->rng) < rm->p.dirty)
		fresh = 1;
	if (!fresh)
		return base;
	base = content_new(rm->ct, nr);
	if (base == CONTENT_NONE)
		rm_fail(rm, -ENOMEM, "out of memory for page content");
	return base;
}

static uint64_t rm_swap_out(struct reclaim *rm, unsigned stream, uint32_t h, uint64_t now)
{
	struct rm_page *f = &rm->pg[h];
	unsigned order = f->order, nr = 1u << order, memcg = f->memcg;
	uint32_t slot, content;

	/* A page still in the swapcache (order 0) is written to the slot it
	 * kept, as reclaim of a swapcache folio does; others get new slots. */
	slot = f->slot != RM_NONE ? f->slot : slot_alloc(rm, order);
	content = rm_folio_content(rm, h, nr);
	if (slot == RM_NONE || content == CONTENT_NONE)
		return 0;
	lru_del(rm, h);
	rm_account(rm, memcg, -(int64_t)nr);
	for (unsigned i = 0; i < nr; i++) {
		struct rm_page *p = &rm->pg[h + i];
		p->state = RM_P_SWAP;
		p->slot = slot + i;
		p->content = content + i;
		p->head = RM_NONE;
		p->order = 0;
		p->flags = 0;
	}
	rm_emit(rm, stream, now, TRACE_OP_OUT, slot, order, content, memcg, 0);
	return nr;
}

/* --- mapping and access ---------------------------------------------------------- */

uint32_t rm_map(struct reclaim *rm, unsigned stream, unsigned memcg, uint32_t npages,
		const unsigned *orders, const double *prob, unsigned n)
{
	uint64_t first = (rm->npages + RM_REGION_ALIGN - 1) & ~(uint64_t)(RM_REGION_ALIGN - 1);
	uint64_t end = first + npages;

	if (stream >= rm->p.nstreams || memcg >= rm->nmemcg || !npages || end >= RM_NONE) {
		rm_fail(rm, -EINVAL, "bad mapping");
		return RM_NONE;
	}
	if (end > rm->pages_cap) {
		uint64_t cap = rm->pages_cap ? rm->pages_cap : 4096;
		while (cap < end)
			cap *= 2;
		struct rm_page *pg = realloc(rm->pg, cap * sizeof(*pg));
		if (!pg) {
			rm_fail(rm, -ENOMEM, "out of memory for pages");
			return RM_NONE;
		}
		rm->pg = pg;
		rm->pages_cap = cap;
	}
	for (uint64_t i = rm->npages; i < end; i++) {
		struct rm_page *p = &rm->pg[i];
		memset(p, 0, sizeof(*p));
		p->slot = p->head = p->prev = p->next = RM_NONE;
		p->content = CONTENT_NONE;
		p->memcg = (uint16_t)memcg;
		p->stream = (uint16_t)stream;
		p->state = RM_P_NONE;
	}
	/* First-touch folio layout: for each aligned block of 2^kmax pages (kmax
	 * the largest order of the mix) draw one order and split the block into
	 * folios of that order, so the weights are fractions of memory and every
	 * folio is naturally aligned; a tail shorter than a block is order 0. */
	unsigned kmax = 0;
	for (unsigned i = 0; i < n; i++)
		kmax = orders[i] > kmax ? orders[i] : kmax;
	for (uint64_t pos = 0; pos < npages; pos += 1u << kmax) {
		unsigned k = 0;
		if (n > 1) {
			double u = gsl_rng_uniform(rm->rng);
			unsigned i = 0;
			while (i + 1 < n && u >= prob[i]) {
				u -= prob[i];
				i++;
			}
			k = orders[i];
		} else if (n == 1) {
			k = orders[0];
		}
		for (uint64_t i = pos; i < pos + (1u << kmax) && i < npages; i++)
			rm->pg[first + i].layout = pos + (1u << kmax) <= npages ? (uint8_t)k : 0;
	}
	rm->npages = end;
	return (uint32_t)first;
}

/* A new order-0 or large folio at head h (pages all RM_P_NONE or one swapped
 * page coming back): charge, then map it on the inactive head. */
static void rm_new_folio(struct reclaim *rm, unsigned stream, uint32_t h, unsigned order,
			 unsigned flags, uint64_t now)
{
	unsigned nr = 1u << order;

	rm_charge(rm, stream, rm->pg[h].memcg, nr, now);
	for (unsigned i = 0; i < nr; i++) {
		struct rm_page *p = &rm->pg[h + i];
		p->state = RM_P_RES;
		p->head = h;
	}
	rm->pg[h].order = (uint8_t)order;
	rm->pg[h].flags = (uint8_t)((rm->pg[h].flags & RM_F_DIRTY) | flags);
	lru_add_head(rm, h, RM_INACTIVE);
}

/* A write to a resident page: dirty it and free its swapcache slot. */
static void rm_write(struct reclaim *rm, unsigned stream, uint32_t page, uint64_t now)
{
	struct rm_page *p = &rm->pg[page];

	p->flags |= RM_F_DIRTY;
	if (p->slot != RM_NONE) {
		rm_emit(rm, stream, now, TRACE_OP_INVAL, p->slot, 0, 0, p->memcg, 0);
		slot_free(rm, p->slot, 1);
		p->slot = RM_NONE;
	}
}

/* Readahead of the swapped neighbours of a fault (same mapping: gaps between
 * mappings are never swapped). */
static void rm_readahead(struct reclaim *rm, unsigned stream, uint32_t page, uint64_t now)
{
	unsigned w = rm->p.readahead;
	uint32_t base = page & ~(w - 1);

	for (uint32_t q = base; q < base + w && q < rm->npages && !rm->err; q++) {
		struct rm_page *p = &rm->pg[q];
		if (q == page || p->state != RM_P_SWAP || p->stream != rm->pg[page].stream)
			continue;
		uint32_t slot = p->slot;
		rm_new_folio(rm, stream, q, 0, 0, now);
		rm_emit(rm, stream, now, TRACE_OP_IN, slot, 0, 0, p->memcg, TRACE_F_READAHEAD);
	}
}

void rm_touch(struct reclaim *rm, unsigned stream, uint32_t page, int write, uint64_t now)
{
	struct rm_page *p;

	if (rm->err)
		return;
	if (page >= rm->npages || stream >= rm->p.nstreams) {
		rm_fail(rm, -EINVAL, "touch outside the mappings");
		return;
	}
	p = &rm->pg[page];
	switch (p->state) {
	case RM_P_RES:
		rm->pg[p->head].flags |= RM_F_YOUNG;
		break;
	case RM_P_SWAP: {
		/* swap-in fault: charge (may reclaim), then read the page back */
		uint32_t slot = p->slot;
		rm_new_folio(rm, stream, page, 0, RM_F_YOUNG, now);
		rm_emit(rm, stream, now, TRACE_OP_IN, slot, 0, 0, p->memcg, 0);
		if (rm->p.readahead > 1)
			rm_readahead(rm, stream, page, now);
		break;
	}
	default: {
		unsigned k = p->layout;
		uint32_t h = page & ~((1u << k) - 1);
		for (unsigned i = 0; i < (1u << k); i++)
			if (rm->pg[h + i].state != RM_P_NONE)
				k = 0;
		if (!k)
			h = page;
		rm_new_folio(rm, stream, h, k, RM_F_YOUNG, now);
		break;
	}
	}
	if (write)
		rm_write(rm, stream, page, now);
}

/* --- unmap, forced reclaim ------------------------------------------------------------ */

/* The slot a page holds: swapped, or resident in the swapcache. */
static uint32_t rm_page_slot(const struct rm_page *p)
{
	return p->state == RM_P_NONE ? RM_NONE : p->slot;
}

/* Free the slots of pages q.. (below end) in one `inval` for the longest
 * aligned run of 2^k slots they hold in order (swap_range_free() frees
 * ranges; zswap invalidates each slot of it).  Returns the pages covered. */
static unsigned rm_inval_run(struct reclaim *rm, unsigned stream, uint32_t q, uint64_t end,
			     uint64_t now)
{
	uint32_t slot = rm_page_slot(&rm->pg[q]);
	unsigned k = 0;

	while (k < TRACE_MAX_ORDER && !(slot & ((2u << k) - 1)) && q + (2ull << k) <= end) {
		unsigned nr = 2u << k, ok = 1;
		for (unsigned i = 1u << k; i < nr && ok; i++)
			ok = rm_page_slot(&rm->pg[q + i]) == slot + i;
		if (!ok)
			break;
		k++;
	}
	rm_emit(rm, stream, now, TRACE_OP_INVAL, slot, k, 0, rm->pg[q].memcg, 0);
	slot_free(rm, slot, 1u << k);
	for (unsigned i = 0; i < (1u << k); i++)
		rm->pg[q + i].slot = RM_NONE;
	return 1u << k;
}

/* Free a resident folio: off the LRU, uncharged (its slots are freed). */
static void rm_drop_folio(struct reclaim *rm, uint32_t h)
{
	unsigned nr = 1u << rm->pg[h].order;

	lru_del(rm, h);
	rm_account(rm, rm->pg[h].memcg, -(int64_t)nr);
	for (unsigned i = 0; i < nr; i++) {
		struct rm_page *p = &rm->pg[h + i];
		p->state = RM_P_NONE;
		p->slot = p->head = RM_NONE;
		p->content = CONTENT_NONE;
		p->flags = 0;
		p->order = 0;
	}
}

void rm_unmap(struct reclaim *rm, unsigned stream, uint32_t first, uint32_t npages, uint64_t now)
{
	uint64_t end = (uint64_t)first + npages;

	if (end > rm->npages) {
		rm_fail(rm, -EINVAL, "unmap outside the mappings");
		return;
	}
	/* the slots first, in runs; then the pages (whole resident folios) */
	for (uint64_t q = first; q < end && !rm->err;)
		q += rm_page_slot(&rm->pg[q]) != RM_NONE ? rm_inval_run(rm, stream, (uint32_t)q, end, now)
							 : 1;
	for (uint64_t q = first; q < end; q++) {
		struct rm_page *p = &rm->pg[q];
		if (p->state == RM_P_RES) {
			rm_drop_folio(rm, p->head);
		} else if (p->state == RM_P_SWAP) {
			p->state = RM_P_NONE;
			p->content = CONTENT_NONE;
			p->flags = 0;
		}
	}
}

uint64_t rm_reclaim(struct reclaim *rm, unsigned stream, int memcg, uint64_t nr_pages, uint64_t now)
{
	uint64_t done = 0;

	while (done < nr_pages && !rm->err) {
		uint64_t got = rm_reclaim_one(rm, stream, memcg, now);
		if (!got)
			break;
		done += got;
	}
	return done;
}

uint64_t rm_pageout(struct reclaim *rm, unsigned stream, uint32_t first, uint32_t npages,
		    uint64_t now)
{
	uint64_t done = 0, end = (uint64_t)first + npages;

	for (uint64_t q = first; q < end && q < rm->npages && !rm->err; q++)
		if (rm->pg[q].state == RM_P_RES && rm->pg[q].head == q)
			done += rm_swap_out(rm, stream, (uint32_t)q, now);
	return done;
}

void rm_set_limit(struct reclaim *rm, unsigned stream, unsigned memcg, uint64_t limit_pages,
		  uint64_t now)
{
	struct rm_memcg *m = &rm->memcg[memcg];

	m->limit = limit_pages;
	while (m->limit && m->usage > m->limit && !rm->err)
		if (!rm_reclaim_one(rm, stream, (int)memcg, now))
			break;
}

void rm_set_ram(struct reclaim *rm, unsigned stream, uint64_t ram_pages, uint64_t now)
{
	rm->p.ram_pages = ram_pages;
	while (ram_pages && rm->ram_usage > ram_pages && !rm->err)
		if (!rm_reclaim_one(rm, stream, -1, now))
			break;
}

void rm_fail_nomem(struct reclaim *rm)
{
	rm_fail(rm, -ENOMEM, "out of memory");
}

void rm_first_touch(struct reclaim *rm, uint32_t page, unsigned order, unsigned memcg)
{
	uint32_t h = page & ~((1u << order) - 1);

	if (page >= rm->npages || rm->pg[page].state != RM_P_NONE || memcg >= rm->nmemcg)
		return;
	rm->pg[page].layout = (uint8_t)order;
	/* the folio's pages are charged to the memcg of the task that touched
	 * them (rm_touch() falls back to order 0 when some are in use) */
	for (uint32_t q = h; q < h + (1u << order) && q < rm->npages; q++)
		if (rm->pg[q].state == RM_P_NONE)
			rm->pg[q].memcg = (uint16_t)memcg;
}

void rm_set_content(struct reclaim *rm, uint32_t page, uint32_t content)
{
	if (page < rm->npages)
		rm->pg[page].content = content;
}

/* --- output -------------------------------------------------------------------------- */

static int rm_cmp_index(const void *a, const void *b, void *arg)
{
	const struct trace_record *ev = arg;
	uint64_t i = *(const uint64_t *)a, j = *(const uint64_t *)b;

	if (ev[i].time_ns != ev[j].time_ns)
		return ev[i].time_ns < ev[j].time_ns ? -1 : 1;
	if (ev[i].stream != ev[j].stream)
		return ev[i].stream < ev[j].stream ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Sort by (time, stream, sequence); events are usually generated in that
 * order already, then this is a check. */
static int rm_sort(struct reclaim *rm)
{
	int sorted = 1;

	for (uint64_t i = 1; i < rm->nev && sorted; i++)
		if (rm_cmp_index(&(uint64_t){ i - 1 }, &(uint64_t){ i }, rm->ev) > 0)
			sorted = 0;
	if (sorted)
		return 0;
	uint64_t *idx = malloc(rm->nev * sizeof(*idx));
	struct trace_record *out = malloc(rm->nev * sizeof(*out));
	if (!idx || !out) {
		free(idx);
		free(out);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < rm->nev; i++)
		idx[i] = i;
	qsort_r(idx, rm->nev, sizeof(*idx), rm_cmp_index, rm->ev);
	for (uint64_t i = 0; i < rm->nev; i++)
		out[i] = rm->ev[idx[i]];
	free(idx);
	free(rm->ev);
	rm->ev = out;
	rm->ev_cap = rm->nev;
	return 0;
}

int rm_finish(struct reclaim *rm, struct trace_meta *meta, char *err, size_t errlen)
{
	if (!rm->err && rm_sort(rm))
		rm_fail(rm, -ENOMEM, "out of memory sorting events");
	if (rm->err) {
		snprintf(err, errlen, "reclaim model: %s", rm->errmsg);
		return rm->err;
	}
	memset(meta, 0, sizeof(*meta));
	meta->page_size = SIM_PAGE_SIZE;
	meta->slot_count = rm->p.nslots;
	meta->stream_count = rm->p.nstreams;
	meta->memcg_count = rm->nmemcg ? rm->nmemcg : 1;
	if (!rm->nmemcg) {
		snprintf(meta->memcgs[0].name, TRACE_NAME_MAX, "root");
		meta->memcgs[0].parent = -1;
	}
	for (unsigned i = 0; i < rm->nmemcg; i++) {
		snprintf(meta->memcgs[i].name, TRACE_NAME_MAX, "%s", rm->memcg[i].name);
		meta->memcgs[i].parent = rm->memcg[i].parent;
	}
	return 0;
}
