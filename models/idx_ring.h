/* SPDX-License-Identifier: MIT */
/*
 * A list kept as a ring of 32-bit indices in list order, with holes where
 * entries were taken out (zswap's LRU lists, models/zswap_lru.c; the reclaim
 * model's LRU lists, models/reclaim.c).  The capacity is a power of two;
 * positions lo <= pos < hi are unwrapped, the ring index is pos & mask.
 * Each user keeps, per entry, its ring index; this header only moves entries.
 */
#ifndef ZSWAPSIM_IDX_RING_H
#define ZSWAPSIM_IDX_RING_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#define IDX_RING_MIN   1024u
#define IDX_RING_AHEAD 16u   /* how far ahead ahead() is told of an entry */

/*
 * Make room in a full ring: squeeze the holes out, in place and in order (the
 * write position never passes the read position), or move the entries into a
 * ring twice the size when more than half of it is live (or into a first ring
 * of IDX_RING_MIN).  moved(ctx, idx, ring index) is called for every entry
 * with its new ring index; ahead(ctx, idx), when not NULL, for the entry
 * IDX_RING_AHEAD places further on, so that its state can be prefetched.
 * Static inline so that the callbacks are inlined.  -ENOMEM.
 */
static inline int idx_ring_make_room(uint32_t **qp, uint32_t *maskp, uint32_t *lop, uint32_t *hip,
				     uint32_t live, uint32_t hole,
				     void (*moved)(void *ctx, uint32_t idx, uint32_t ridx),
				     void (*ahead)(void *ctx, uint32_t idx), void *ctx)
{
	uint32_t *old = *qp, omask = *maskp, lo = *lop;
	uint32_t cap = old ? omask + 1 : 0, n = *hip - lo, w = lo;
	uint32_t *q = old, nmask = omask;

	if (!cap || live > cap / 2) {
		uint32_t ncap = cap ? 2 * cap : IDX_RING_MIN;

		if (cap > (1u << 30))
			return -ENOMEM;
		q = malloc((size_t)ncap * sizeof(*q));
		if (!q)
			return -ENOMEM;
		nmask = ncap - 1;
		w = 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t idx = old[(lo + i) & omask];

		if (ahead && i + IDX_RING_AHEAD < n) {
			uint32_t next = old[(lo + i + IDX_RING_AHEAD) & omask];

			if (next != hole)
				ahead(ctx, next);
		}
		if (idx == hole)
			continue;
		q[w & nmask] = idx;
		moved(ctx, idx, w & nmask);
		w++;
	}
	if (q != old) {
		free(old);
		*qp = q;
		*maskp = nmask;
		*lop = 0;
	}
	*hip = w;
	return 0;
}

#endif
