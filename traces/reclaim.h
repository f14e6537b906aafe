/* SPDX-License-Identifier: MIT */
/*
 * Reclaim model of the trace generators: turns page accesses into swap events.
 *
 * Every memcg holds its resident folios on an inactive and an active LRU list,
 * approximating the kernel's classic (non-MGLRU) anon LRU of mm/vmscan.c:
 *
 *  - A new anon folio goes to the head of the INACTIVE list (since 5.9,
 *    do_anonymous_page() -> folio_add_lru_vma() -> lru_add puts anon folios
 *    on the inactive list, "workingset detection for anon pages"), with its
 *    pte accessed bit set by the instantiating fault.
 *  - Accesses only set the accessed ("young") bit; they never move a folio.
 *  - Reclaim takes folios from the inactive tail.  folio_check_references()
 *    for a mapped anon folio: young and PG_referenced already set -> activate;
 *    young only -> set PG_referenced and rotate (one more trip); not young ->
 *    reclaim.  Before each scan, while the inactive list is smaller than the
 *    active list (inactive_is_low() with inactive_ratio 1, i.e. lruvecs under
 *    1 GiB), the active tail is deactivated with its young bit cleared, as
 *    shrink_active_list() does for anon folios.
 *  - Reclaim writes the folio out whole (`out` with its order) to 2^order
 *    contiguous, naturally aligned swap slots taken lowest-first from the
 *    trace's slot allocator (freed slots are reused, as the swap allocator's
 *    cluster scan does).
 *
 * Memory limits: memory.max per memcg (hierarchical: a folio is charged to its
 * memcg and every ancestor) and an optional global RAM limit.  A charge that
 * would exceed a limit first reclaims from that memcg's subtree, one folio at
 * a time from the descendant with the most resident pages (an approximation of
 * the kernel's size-proportional scan), before the new folio is added, as
 * try_charge() runs before the fault maps the folio.
 *
 * Swap-in: a touch of a swapped page is a fault: `in` of that one page,
 * order 0 (once zswap has been enabled the kernel swaps in base pages only).
 * The page comes back as an order-0 folio on the inactive list and keeps its
 * slot (swapcache) until it is written (a write fault frees the swap entry:
 * should_try_to_free_swap() / do_wp_page() -> `inval`); if it is reclaimed
 * again before that, it is written out to the slot it kept (`out` to the same
 * slot, no `inval`), as reclaim of a swapcache folio does.  The kernel would
 * drop such a folio without writing when it is clean (read back from disk);
 * zswap's exclusive load dirties the folio, so for zswap-served pages the
 * write happens in the kernel too.
 * Optional readahead: swapped neighbours in the aligned window of W pages
 * around the fault come back too (`in` flagged TRACE_F_READAHEAD, after the
 * fault's own `in`), not young.
 * Unmapping (free, exit) frees every slot of the range, swapped or swapcache:
 * one `inval` per aligned run of 2^k consecutive slots (swap_range_free()
 * frees ranges; zswap invalidates each slot).
 *
 * Left out: the zswap pool's own memory (charged to the memcg on cgroup v2),
 * file pages and page cache, kernel memory, kswapd watermarks vs direct
 * reclaim timing (reclaim happens synchronously in the charging stream),
 * MGLRU, workingset refault activation, swap-full fallbacks (the slot space
 * is sized so it never fills), large-folio splitting on partial unmap.
 */
#ifndef ZSWAPSIM_RECLAIM_H
#define ZSWAPSIM_RECLAIM_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "models/swap_slots.h"
#include "traces/trace.h"
#include "traces/content.h"

#define RM_NONE UINT32_MAX

enum rm_state { RM_P_NONE = 0, RM_P_RES, RM_P_SWAP };

#define RM_F_YOUNG      0x01u  /* folio head: pte accessed bit */
#define RM_F_REFERENCED 0x02u  /* folio head: PG_referenced */
#define RM_F_ACTIVE     0x04u  /* folio head: on the active list */
#define RM_F_DIRTY      0x08u  /* page: written since its last swap-out */

enum rm_lru { RM_INACTIVE = 0, RM_ACTIVE = 1 };

struct rm_page {
	uint32_t slot;     /* SWAP: its slot; RES: swapcache slot or RM_NONE */
	uint32_t content;  /* page-store index of its content, or CONTENT_NONE */
	uint32_t head;     /* RES: first page of its folio */
	uint32_t prev, next; /* LRU links of a folio head (toward head / toward tail) */
	uint16_t memcg;
	uint16_t stream;
	uint8_t state;     /* enum rm_state */
	uint8_t order;     /* RES head: order of the folio */
	uint8_t layout;    /* order of the folio a first touch allocates */
	uint8_t flags;     /* RM_F_* */
};

struct rm_memcg {
	char name[TRACE_NAME_MAX];
	int32_t parent;          /* -1: top level */
	uint64_t limit;          /* memory.max in pages; 0 = none */
	uint64_t usage;          /* resident pages of the memcg and its descendants */
	uint64_t lru_pages[2];   /* own resident pages per list */
	uint32_t lru_head[2];    /* most recently added folio */
	uint32_t lru_tail[2];    /* oldest folio: reclaim end */
	uint64_t out_pages, in_pages;  /* pages swapped out / in (read by gen_selftest.c) */
};

struct rm_params {
	uint32_t nslots;         /* swap slots (the swap device's size in pages) */
	uint32_t nstreams;       /* streams 0 .. nstreams - 1 */
	uint64_t ram_pages;      /* global RAM limit on resident pages; 0 = none */
	unsigned readahead;      /* readahead window in pages (power of two); <= 1 = off */
	double dirty;            /* probability a page written since its last out gets new content */
	uint64_t seed;
};

struct reclaim {
	struct rm_page *pg;
	uint64_t npages, pages_cap;
	struct rm_memcg *memcg;
	unsigned nmemcg;
	struct rm_params p;
	uint64_t ram_usage;
	struct swap_slots slots;   /* slot allocator (models/swap_slots.h) */
	/* events, in generation order */
	struct trace_record *ev;
	uint64_t nev, ev_cap;
	uint64_t *last_time;     /* per stream */
	struct content *ct;
	gsl_rng *rng;
	int err;                 /* sticky negative errno */
	char errmsg[256];
};

/* Set up the model; ct provides page content (must outlive rm). */
int rm_init(struct reclaim *rm, const struct rm_params *p, struct content *ct,
	    char *err, size_t errlen);
void rm_free(struct reclaim *rm);

/* A memcg; parent -1 for top level, limit in pages (0 = none).  Returns its
 * index or a negative errno. */
int rm_add_memcg(struct reclaim *rm, const char *name, int parent, uint64_t limit_pages);

/* Map npages virtual pages for stream in memcg.  First-touch folio orders:
 * each aligned block of 2^(largest order) pages draws orders[i] with
 * probability prob[i] (n entries; n = 0: order 0) and is split into naturally
 * aligned folios of that order, so prob[] are fractions of memory.  Returns
 * the global index of the first page, or RM_NONE. */
uint32_t rm_map(struct reclaim *rm, unsigned stream, unsigned memcg, uint32_t npages,
		const unsigned *orders, const double *prob, unsigned n);

/* A load (write = 0) or store (write = 1) by stream at time now. */
void rm_touch(struct reclaim *rm, unsigned stream, uint32_t page, int write, uint64_t now);

/* munmap / exit: free the pages (whole folios) and their swap slots. */
void rm_unmap(struct reclaim *rm, unsigned stream, uint32_t first, uint32_t npages, uint64_t now);

/* memory.reclaim: swap out up to nr_pages from memcg's subtree (-1: any).
 * Returns the pages swapped out. */
uint64_t rm_reclaim(struct reclaim *rm, unsigned stream, int memcg, uint64_t nr_pages, uint64_t now);

/* MADV_PAGEOUT: swap out every resident folio of the range, young or not. */
uint64_t rm_pageout(struct reclaim *rm, unsigned stream, uint32_t first, uint32_t npages,
		    uint64_t now);

/* Change a memcg's memory.max (pages) and reclaim down to it at time now. */
void rm_set_limit(struct reclaim *rm, unsigned stream, unsigned memcg, uint64_t limit_pages,
		  uint64_t now);

/* Change the global RAM limit (pages, 0 = none) and reclaim down to it. */
void rm_set_ram(struct reclaim *rm, unsigned stream, uint64_t ram_pages, uint64_t now);

/* The first touch of page, if it has not been touched since it was mapped or
 * freed: allocate a folio of order (the mapping's layout there, as an access
 * record gives it) charged to memcg. */
void rm_first_touch(struct reclaim *rm, uint32_t page, unsigned order, unsigned memcg);

/* Give a page the content it will have at its first swap-out (page-store
 * index), instead of a draw from the content mix. */
void rm_set_content(struct reclaim *rm, uint32_t page, uint32_t content);

/* Record an out-of-memory failure of the caller (sticky, reported by rm_finish). */
void rm_fail_nomem(struct reclaim *rm);

/* Fill meta (memcg table, slot and stream counts; no page store) and sort the
 * events by (time, stream, sequence) into rm->ev.  Returns 0 or rm's error. */
int rm_finish(struct reclaim *rm, struct trace_meta *meta, char *err, size_t errlen);

#endif
