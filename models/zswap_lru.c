/* SPDX-License-Identifier: MIT */
/*
 * zswap LRU and writeback (mm/zswap.c zswap_lru_add/del, shrink_memcg_cb(),
 * shrink_memcg(), shrink_worker(), zswap_writeback_entry(); mm/list_lru.c
 * list_lru_walk_one()).
 *
 * One list per memcg (a single NUMA node), entries linked by slot index.  New
 * entries go to the tail; walks start at the head.  Which entry a walk spares
 * is the LRU policy's call (kernel: the referenced bit, second chance).
 */
#include <errno.h>

#include "models/zswap_internal.h"

/* ---- list primitives ---------------------------------------------------------- */

void zswap_lru_link_tail(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot)
{
	struct zswap_slot *s = &zs->slots[slot];

	s->next = ZSWAP_NIL;
	s->prev = mc->lru_tail;
	mc->lru_len++;
	if (mc->lru_tail != ZSWAP_NIL) {
		zs->slots[mc->lru_tail].next = slot;
		mc->lru_tail = slot;
		return;
	}
	mc->lru_head = mc->lru_tail = slot;
	zswap_timer_moved(zs);   /* a first entry: a proactive pass may find it */
}

void zswap_lru_add(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot, int referenced)
{
	if (referenced)
		zs->slots[slot].state |= ZSWAP_S_REF;
	zswap_lru_link_tail(zs, mc, slot);
}

/* Link slot in front of `before` (ZSWAP_NIL = at the tail). */
void zswap_lru_link_before(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot,
			   uint32_t before)
{
	if (before == ZSWAP_NIL) {
		zswap_lru_link_tail(zs, mc, slot);
		return;
	}
	struct zswap_slot *s = &zs->slots[slot], *b = &zs->slots[before];

	s->next = before;
	s->prev = b->prev;
	b->prev = slot;
	mc->lru_len++;
	if (s->prev != ZSWAP_NIL) {
		zs->slots[s->prev].next = slot;
		return;
	}
	mc->lru_head = slot;
	zswap_timer_moved(zs);
}

void zswap_lru_unlink(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot)
{
	struct zswap_slot *s = &zs->slots[slot];
	int was_head = s->prev == ZSWAP_NIL;

	if (!was_head)
		zs->slots[s->prev].next = s->next;
	else
		mc->lru_head = s->next;
	if (s->next != ZSWAP_NIL)
		zs->slots[s->next].prev = s->prev;
	else
		mc->lru_tail = s->prev;
	s->prev = s->next = ZSWAP_NIL;
	mc->lru_len--;
	if (was_head)   /* the next head may be older (rotated entries keep their age) */
		zswap_timer_moved(zs);
}

void zswap_lru_move_tail(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot)
{
	if (mc->lru_tail == slot)
		return;
	zswap_lru_unlink(zs, mc, slot);
	zswap_lru_link_tail(zs, mc, slot);
}

/* ---- writeback ------------------------------------------------------------------ */

/* Submit the queued writes: one swap-device submission per wb_batch entries
 * (the kernel submits one bio per written-back folio: wb_batch = 1). */
void zswap_wb_flush(struct zswap *zs)
{
	if (!zs->wbq_n)
		return;
	unsigned n = zs->wbq_n;

	zs->wbq_n = 0;
	zswap_time_disk_write(zs, zs->wbq_who, zs->wbq_first, n);
}

static void zswap_wb_submit(struct zswap *zs, uint32_t slot, int who)
{
	if (zs->wbq_n && zs->wbq_who != who)
		zswap_wb_flush(zs);
	if (!zs->wbq_n) {
		zs->wbq_first = slot;
		zs->wbq_who = who;
	}
	if (++zs->wbq_n >= zs->wb_batch)
		zswap_wb_flush(zs);
}

/*
 * zswap_writeback_entry(): decompress into a new swap-cache folio, free the
 * entry, zswpwb, and write the folio to its own slot (__swap_writepage counts
 * pswpout).  The entry is marked while the decompress hook runs; if another
 * stream freed or replaced it meanwhile, the writeback fails with -ENOMEM as
 * the kernel's "entry != xa_load()" check does.  An entry already under
 * writeback is the kernel's -EEXIST (folio already in the swap cache).
 */
int zswap_writeback_entry(struct zswap *zs, uint32_t slot, int who)
{
	struct zswap_slot *s = &zs->slots[slot];

	if ((s->state & ZSWAP_S_MASK) != ZSWAP_S_ZSWAP)
		return -ENOMEM;
	if ((s->state & ZSWAP_S_WB) || (s->io & ZSWAP_IO_BUSY))
		return -EEXIST;           /* the folio is already in the swap cache */

	uint32_t len = s->length;
	uint64_t stored_at = s->store_ns;
	const struct zswap_env *env = zs->env;

	s->state |= ZSWAP_S_WB;
	/* a workload run's swap-cache folio, charged to the entry's memcg */
	if (env && env->wb_folio) {
		int ret = env->wb_folio(zs->env_ctx, slot, who);

		if (ret) {
			if ((s->state & ZSWAP_S_MASK) == ZSWAP_S_ZSWAP && s->store_ns == stored_at)
				s->state &= (uint8_t)~ZSWAP_S_WB;
			return ret;
		}
	}
	zswap_time_decompress(zs, who, &len, 1);
	if ((s->state & (ZSWAP_S_MASK | ZSWAP_S_WB)) != (ZSWAP_S_ZSWAP | ZSWAP_S_WB) ||
	    s->store_ns != stored_at) {
		if (env && env->wb_written)
			env->wb_written(zs->env_ctx, slot, who, 0);
		return -ENOMEM;
	}

	struct zswap_memcg *mc = &zs->memcg[s->memcg];

	zswap_entry_free(zs, slot);
	zs->st.zswpwb++;
	ZSWAP_MEMCG_ADD(zs, mc, zswpwb, 1);
	s->state = ZSWAP_S_DISK;
	zs->st.pswpout++;
	ZSWAP_MEMCG_ADD(zs, mc, pswpout, 1);
	zswap_wb_submit(zs, slot, who);
	if (env && env->wb_written)
		env->wb_written(zs->env_ctx, slot, who, 1);
	return 0;
}

/*
 * list_lru_walk_one() with shrink_memcg_cb(): look at up to nr_to_walk
 * entries from the head.  Spared entries consume budget; a candidate is moved
 * to the tail before its writeback, so a failure leaves it there too.
 *
 * __list_lru_walk_one() iterates with list_for_each_safe(): the next item is
 * taken before the callback, and only a writeback (LRU_REMOVED_RETRY,
 * LRU_RETRY) restarts from the head.  A spared entry that was the last one
 * (n is the list head) therefore ends the walk, whatever budget is left: a
 * single referenced entry is rotated once, not rotated and written back.
 */
unsigned long zswap_lru_walk(struct zswap *zs, struct zswap_memcg *mc,
			     unsigned long nr_to_walk, int who, int *stop)
{
	unsigned long freed = 0;

	while (nr_to_walk && mc->lru_head != ZSWAP_NIL) {
		uint32_t slot = zs->lru->pick ? zs->lru->pick(zs, zs->lru_st, mc) : mc->lru_head;
		int last = zs->slots[slot].next == ZSWAP_NIL;
		enum zswap_lru_verdict v;

		nr_to_walk--;
		if (mc->pf_ahead)
			mc->pf_ahead--;       /* the walk consumes the head */
		v = zs->lru->examine(zs, zs->lru_st, mc, slot);
		if (v == ZSWAP_LRU_ROTATE)
			zswap_lru_move_tail(zs, mc, slot);
		if (v == ZSWAP_LRU_ROTATE || v == ZSWAP_LRU_KEEP) {
			if (last)
				break;
			continue;
		}
		int ret = zswap_lru_writeback_one(zs, slot, who);
		if (!ret) {
			freed++;
		} else if (ret == -EEXIST && stop) {
			*stop = 1;
			break;
		}
	}
	return freed;
}

int zswap_lru_writeback_one(struct zswap *zs, uint32_t slot, int who)
{
	int ret;

	if ((zs->slots[slot].state & ZSWAP_S_MASK) != ZSWAP_S_ZSWAP)
		return -ENOENT;
	/* rotate before the writeback: a failure leaves it at the tail, a
	 * success or a concurrent free unlinks it */
	zswap_lru_move_tail(zs, zswap_slot_memcg(zs, slot), slot);
	ret = zswap_writeback_entry(zs, slot, who);
	if (ret)
		zs->st.reject_reclaim_fail++;
	else
		zs->st.written_back_pages++;
	return ret;
}

/* shrink_memcg(): at most one entry per node (one node here). */
int zswap_shrink_memcg(struct zswap *zs, struct zswap_memcg *mc, int who)
{
	unsigned long shrunk;

	if (!mc->wb_enabled)
		return -ENOENT;
	if (mc->lru_head == ZSWAP_NIL)
		return -ENOENT;       /* nothing scanned */
	shrunk = zswap_lru_walk(zs, mc, 1, who, NULL);
	/* The shrink worker flushes when it ends, so its one-entry walks over
	 * the memcgs fill writeback batches (policy param `batch`). */
	if (who != ZSWAP_WHO_WORKER)
		zswap_wb_flush(zs);
	return shrunk ? 0 : -EAGAIN;
}

void zswap_kick_shrink_worker(struct zswap *zs)
{
	if (zs->shrink_pending)
		return;               /* queue_work() on pending work is a no-op */
	zs->shrink_pending = 1;
	if (zs->t && zs->t->kick_shrink_worker)
		zs->t->kick_shrink_worker(zs->tctx);
}

void zswap_wb_kernel_store_failed(struct zswap *zs, void *st)
{
	(void)st;
	if (zs->reached_full)
		zswap_kick_shrink_worker(zs);
}

/*
 * Writeback walks chase the LRU list from its head, one cache miss per entry
 * on a random-slot trace, in bursts (the shrink worker writes back down to
 * the accept threshold).  Between bursts, an engine calls this once per
 * event: a cursor runs ahead of the walks one list entry at a time,
 * prefetching the next entry and the zspage the walk will free, so a burst
 * finds its entries cached.  It restarts from the head when its entry left
 * the list (written back, rotated to the tail, freed) or the walks caught up.
 */
#define ZSWAP_PF_LRU_AHEAD 64u

static void zswap_prefetch_lru_memcg(struct zswap *zs, struct zswap_memcg *mc)
{
	uint32_t c = mc->pf_slot;

	if (mc->lru_head == ZSWAP_NIL)
		return;
	if (c == ZSWAP_NIL || !mc->pf_ahead ||
	    (zs->slots[c].state & ZSWAP_S_MASK) != ZSWAP_S_ZSWAP || zs->slots[c].next == ZSWAP_NIL) {
		c = mc->lru_head;
		mc->pf_ahead = 1;
		__builtin_prefetch(&zs->slots[c], 1, 1);
	} else if (mc->pf_ahead < ZSWAP_PF_LRU_AHEAD) {
		zs_prefetch(zs->pool, zs->slots[c].zspage, 0);
		c = zs->slots[c].next;
		mc->pf_ahead++;
		__builtin_prefetch(&zs->slots[c], 1, 1);
	}
	mc->pf_slot = c;
}

void zswap_prefetch_lru(struct zswap *zs)
{
	int pos = zs->shrink_cursor + 1;

	if (!zs->nmemcg)
		return;
	if (pos >= (int)zs->nmemcg)
		pos = 0;
	zswap_prefetch_lru_memcg(zs, &zs->memcg[zs->preorder[pos]]);
}

/* mem_cgroup_iter(NULL, zswap_next_shrink, NULL): next memcg in pre-order,
 * -1 at the end of the tree (then the walk starts over). */
static int zswap_next_shrink(struct zswap *zs)
{
	int pos = zs->shrink_cursor + 1;

	if (pos >= (int)zs->nmemcg) {
		zs->shrink_cursor = -1;
		return -1;
	}
	zs->shrink_cursor = pos;
	return zs->preorder[pos];
}

/*
 * shrink_worker(): round robin over memcgs, one shrink_memcg() each, until
 * the pool is at or below the accept threshold.  Gives up after
 * MAX_RECLAIM_RETRIES failures: a tree walk that found no candidate, or a
 * candidate memcg whose shrink failed.
 */
void zswap_shrink_worker_begin(struct zswap *zs)
{
	zs->shrink_pending = 0;      /* the work item is dequeued when it starts */
	zs->st.sim_shrink_worker_runs++;
	zs->wk_running = 1;
	zs->wk_failures = zs->wk_attempts = 0;
	zs->wk_thr = zs->accept_pages;
}

/* One turn of the do { } while (zswap_total_pages() > thr) loop. */
int zswap_shrink_worker_step(struct zswap *zs, unsigned *examined)
{
	int idx;

	*examined = 0;
	if (!zs->wk_running)
		return 0;
	idx = zswap_next_shrink(zs);
	if (idx < 0) {
		/* No failure if the last tree walk found candidates. */
		if (!zs->wk_attempts && ++zs->wk_failures == ZSWAP_MAX_RECLAIM_RETRIES)
			goto done;
		zs->wk_attempts = 0;
	} else {
		int ret = zswap_shrink_memcg(zs, &zs->memcg[idx], ZSWAP_WHO_WORKER);

		/* -ENOENT: not a candidate, neither attempt nor failure */
		if (ret != -ENOENT) {
			*examined = 1;
			++zs->wk_attempts;
			if (ret && ++zs->wk_failures == ZSWAP_MAX_RECLAIM_RETRIES)
				goto done;
		}
	}
	if (zs->pool_pages > zs->wk_thr)
		return 1;
done:
	zs->wk_running = 0;
	zswap_wb_flush(zs);
	return 0;
}

void zswap_shrink_worker(struct zswap *zs)
{
	unsigned examined;

	zswap_shrink_worker_begin(zs);
	while (zswap_shrink_worker_step(zs, &examined))
		;
}
