/* SPDX-License-Identifier: MIT */
/*
 * zswap LRU and writeback (mm/zswap.c zswap_lru_add/del, shrink_memcg_cb(),
 * shrink_memcg(), shrink_worker(), zswap_writeback_entry(); mm/list_lru.c
 * list_lru_walk_one()).
 *
 * One list per memcg (a single NUMA node), a ring of slot indices in list
 * order (struct zswap_lru_ring).  New entries go to the tail; walks start at
 * the head.  Which entry a walk spares
 * is the LRU policy's call (kernel: the referenced bit, second chance).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models/idx_ring.h"
#include "models/zswap_internal.h"

/* ---- list primitives ---------------------------------------------------------- */

/* The unwrapped position of ring index idx (on the list: lo <= pos < hi). */
static inline uint32_t lru_ring_pos(const struct zswap_lru_ring *r, uint32_t idx)
{
	return r->lo + ((idx - r->lo) & r->mask);
}

/* Make room in a full ring (idx_ring_make_room()): every entry's ring index
 * is rewritten, the slots fetched ahead since the ring is read in order. */
static void lru_ring_moved(void *ctx, uint32_t slot, uint32_t ridx)
{
	zswap_slot_set_lru_pos(&((struct zswap *)ctx)->slots[slot], ridx);
}

static void lru_ring_ahead(void *ctx, uint32_t slot)
{
	__builtin_prefetch(&((struct zswap *)ctx)->slots[slot], 1, 1);
}

/* Out of line: inlined, it made every tail link save and restore six
 * registers for a path taken once per ring-full of links. */
__attribute__((noinline, cold)) int zswap_lru_ring_grow(struct zswap *zs, struct zswap_memcg *mc)
{
	struct zswap_lru_ring *r = &mc->lru;
	int err = idx_ring_make_room(&r->q, &r->mask, &r->lo, &r->hi, mc->lru_len,
				     ZSWAP_LRU_HOLE, lru_ring_moved, lru_ring_ahead, zs);

	if (!err)
		mc->pf_pos = r->lo;   /* positions changed: the cursor restarts */
	return err;
}

void zswap_lru_link_tail(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot)
{
	zswap_lru_link_tail_inline(zs, mc, slot);
}

void zswap_lru_add(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot, int referenced)
{
	if (referenced)
		zs->slots[slot].state |= ZSWAP_S_REF;
	zswap_lru_link_tail_inline(zs, mc, slot);
}

void zswap_lru_stored_referenced(struct zswap *zs, void *st, struct zswap_memcg *mc,
				 uint32_t slot, uint64_t prev_store_ns)
{
	(void)st;
	(void)prev_store_ns;
	zswap_lru_add(zs, mc, slot, 1);
}

/*
 * Link slot in front of `before` (ZSWAP_NIL = at the tail): the entries on
 * the shorter side of `before` move one position outwards, into the free
 * position at that end (an LRU policy inserts near the head: few move).
 */
void zswap_lru_link_before(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot,
			   uint32_t before)
{
	if (before == ZSWAP_NIL) {
		zswap_lru_link_tail(zs, mc, slot);
		return;
	}
	if (!zswap_lru_ring_room(zs, mc))
		return;

	struct zswap_lru_ring *r = &mc->lru;
	uint32_t pb = lru_ring_pos(r, zswap_slot_lru_pos(&zs->slots[before]));
	int new_head = pb == r->lo;

	if (pb - r->lo <= r->hi - pb) {
		/* lo .. pb-1 move to lo-1 .. pb-2; slot goes to pb-1 */
		for (uint32_t p = r->lo; p != pb; p++)
			zswap_lru_ring_set(zs, r, p - 1, r->q[p & r->mask]);
		r->lo--;
		zswap_lru_ring_set(zs, r, pb - 1, slot);
	} else {
		/* pb .. hi-1 move to pb+1 .. hi; slot goes to pb */
		for (uint32_t p = r->hi; p != pb; p--)
			zswap_lru_ring_set(zs, r, p, r->q[(p - 1) & r->mask]);
		r->hi++;
		zswap_lru_ring_set(zs, r, pb, slot);
	}
	mc->lru_len++;
	if (new_head)
		zswap_timer_moved(zs);
}

void zswap_lru_unlink(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot)
{
	zswap_lru_del(zs, mc, slot);
}

/* zswap_lru_move_tail()'s body, inlined into the walk, which rotates every
 * referenced entry it meets. */
static inline __attribute__((always_inline)) void lru_move_tail(struct zswap *zs,
								struct zswap_memcg *mc,
								uint32_t slot)
{
	if (zswap_lru_tail(mc) == slot)
		return;
	zswap_lru_del(zs, mc, slot);
	zswap_lru_link_tail_inline(zs, mc, slot);
}

void zswap_lru_move_tail(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot)
{
	lru_move_tail(zs, mc, slot);
}

/* lru_move_tail() of the head entry when it is not the tail (the kernel
 * LRU's rotation of a referenced entry, most entries once): its unlink
 * leaves a hole at lo, which is trimmed with the holes behind it and never
 * reaches hi (the tail stays live), and the head moved (what a timing
 * engine told of it reads: the new head).  The list keeps its length
 * (never 0: no first entry to tell), and the ring has room for the link
 * unless it is full, when zswap_lru_link_tail_inline() makes some as usual. */
static inline __attribute__((always_inline)) void lru_rotate_head(struct zswap *zs,
								  struct zswap_memcg *mc,
								  uint32_t slot)
{
	struct zswap_lru_ring *r = &mc->lru;
	uint32_t lo = r->lo;   /* in a register: the ring's stores may alias r->lo */

	r->q[lo & r->mask] = ZSWAP_LRU_HOLE;
	while (r->q[++lo & r->mask] == ZSWAP_LRU_HOLE)
		;
	r->lo = lo;
	zswap_timer_moved(zs);
	if (__builtin_expect(r->hi - r->lo > r->mask, 0)) {
		/* as zswap_lru_del() leaves it for the link */
		zswap_slot_set_lru_pos(&zs->slots[slot], ZSWAP_NIL);
		mc->lru_len--;
		zswap_lru_link_tail_inline(zs, mc, slot);
		return;
	}
	zswap_lru_ring_set(zs, r, r->hi++, slot);
}

/* The entry after slot on its list (towards the tail), ZSWAP_NIL at the end. */
uint32_t zswap_lru_next_entry(const struct zswap *zs, uint32_t slot)
{
	const struct zswap_slot *s = &zs->slots[slot];
	uint32_t pos = zswap_slot_lru_pos(s);

	if (pos == ZSWAP_NIL)
		return ZSWAP_NIL;

	const struct zswap_lru_ring *r = &zs->memcg[s->memcg].lru;

	for (uint32_t p = lru_ring_pos(r, pos) + 1; p != r->hi; p++)
		if (r->q[p & r->mask] != ZSWAP_LRU_HOLE)
			return r->q[p & r->mask];
	return ZSWAP_NIL;
}

uint64_t zswap_lru_ring_bytes(const struct zswap *zs)
{
	uint64_t b = 0;

	for (uint32_t i = 0; i < zs->nmemcg; i++)
		if (zs->memcg[i].lru.q)
			b += (uint64_t)(zs->memcg[i].lru.mask + 1) * sizeof(uint32_t);
	return b;
}

int zswap_failed(const struct zswap *zs)
{
	return zs->lru_nomem;
}

void zswap_lru_free(struct zswap_memcg *mc)
{
	free(mc->lru.q);
	memset(&mc->lru, 0, sizeof(mc->lru));
	mc->lru_len = 0;
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
 * hooks 0: the caller knows the run has neither timing engine nor
 * environment (zs->t, zs->env NULL), so they are not loaded and tested.
 */
static inline __attribute__((always_inline)) int writeback_entry(struct zswap *zs, uint32_t slot,
								  int who, int hooks)
{
	struct zswap_slot *s = &zs->slots[slot];

	if ((s->state & ZSWAP_S_MASK) != ZSWAP_S_ZSWAP)
		return -ENOMEM;
	if ((s->state & ZSWAP_S_WB) || (s->io & ZSWAP_IO_BUSY))
		return -EEXIST;           /* the folio is already in the swap cache */
	zs->charge_who = who;

	const struct zswap_env *env = hooks ? zs->env : NULL;
	const struct zswap_timing *t = hooks ? zs->t : NULL;

	/* Without a timing engine or a workload no hook runs here: nothing
	 * can free or replace the entry meanwhile, so it is neither marked
	 * nor checked again, and no disk write is timed (no queue). */
	if (env || t) {
		uint32_t len = s->length;
		uint64_t stored_at = zswap_slot_store_ns(zs, slot);

		s->state |= ZSWAP_S_WB;
		/* a workload run's swap-cache folio, charged to the entry's memcg */
		if (env && env->wb_folio) {
			int ret = env->wb_folio(zs->env_ctx, slot, who);

			zs->charge_who = who;

			if (ret) {
				if ((s->state & ZSWAP_S_MASK) == ZSWAP_S_ZSWAP &&
				    zswap_slot_store_ns(zs, slot) == stored_at)
					s->state &= (uint8_t)~ZSWAP_S_WB;
				return ret;
			}
		}
		zswap_time_decompress(zs, who, &len, 1);
		if ((s->state & (ZSWAP_S_MASK | ZSWAP_S_WB)) != (ZSWAP_S_ZSWAP | ZSWAP_S_WB) ||
		    zswap_slot_store_ns(zs, slot) != stored_at) {
			if (env && env->wb_written)
				env->wb_written(zs->env_ctx, slot, who, 0);
			return -ENOMEM;
		}
	}

	struct zswap_memcg *mc = &zs->memcg[s->memcg];

	zswap_entry_free(zs, slot);
	zs->st.zswpwb++;
	ZSWAP_MEMCG_ADD(zs, mc, zswpwb, 1);
	s->state = ZSWAP_S_DISK;
	zs->st.pswpout++;
	ZSWAP_MEMCG_ADD(zs, mc, pswpout, 1);
	if (t)
		zswap_wb_submit(zs, slot, who);
	if (env && env->wb_written)
		env->wb_written(zs->env_ctx, slot, who, 1);
	return 0;
}

int zswap_writeback_entry(struct zswap *zs, uint32_t slot, int who)
{
	return writeback_entry(zs, slot, who, 1);
}

/* zswap_lru_writeback_one()'s body, inlined into the walk: a writeback
 * walk runs it for every entry it does not spare. */
static inline __attribute__((always_inline)) int lru_writeback_one(struct zswap *zs, uint32_t slot,
								   int who, int hooks)
{
	const struct zswap_slot *s = &zs->slots[slot];
	int ret;

	if ((s->state & ZSWAP_S_MASK) != ZSWAP_S_ZSWAP)
		return -ENOENT;
	/* Rotate before the writeback: a failure leaves it at the tail, a
	 * success or a concurrent free unlinks it.  Without a timing engine or
	 * a workload nothing runs during the writeback, and an entry neither
	 * under writeback nor locked by a swap-out is written back for sure:
	 * its rotation would be undone at once (the ring's live entries keep
	 * their order either way), so it is left out. */
	if ((hooks && (zs->t || zs->env)) || (s->state & ZSWAP_S_WB) || (s->io & ZSWAP_IO_BUSY))
		zswap_lru_move_tail(zs, zswap_slot_memcg(zs, slot), slot);
	ret = writeback_entry(zs, slot, who, hooks);   /* inlined: once per written-back entry */
	if (ret)
		zs->st.reject_reclaim_fail++;
	else
		zs->st.written_back_pages++;
	return ret;
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
/* How a walk picks and examines entries, which the LRU policy decides for
 * the whole run: worked out once per walk (once per shrink worker run,
 * whose walks take one step each), not at every step. */
enum lru_walk_mode {
	LRU_WALK_POLICY,        /* the policy's examine() (and pick()) */
	LRU_WALK_KERNEL,        /* the kernel's second chance inline, pick() */
	LRU_WALK_KERNEL_HEAD,   /* the kernel's second chance inline, from the head */
};

static inline enum lru_walk_mode lru_walk_mode(const struct zswap *zs)
{
	if (zs->lru->examine != zswap_lru_kernel_examine)
		return LRU_WALK_POLICY;
	return zs->lru->pick ? LRU_WALK_KERNEL : LRU_WALK_KERNEL_HEAD;
}

static inline __attribute__((always_inline)) unsigned long
lru_walk_n(struct zswap *zs, struct zswap_memcg *mc, unsigned long nr_to_walk, int who, int *stop,
	   enum lru_walk_mode mode, int hooks)
{
	const struct zswap_lru_policy *lru = zs->lru;
	unsigned long freed = 0;

	while (nr_to_walk && mc->lru_len) {
		zswap_prefetch_walk(zs, mc);
		uint32_t slot = mode != LRU_WALK_KERNEL_HEAD && lru->pick ?
				lru->pick(zs, zs->lru_st, mc) : zswap_lru_head(mc);
		enum zswap_lru_verdict v;

		nr_to_walk--;
		if (mode != LRU_WALK_POLICY) {
			/* the kernel's second chance, inline; it leaves the
			 * list as it was, so the tail is looked up only for
			 * an entry it spares */
			v = zswap_slot_second_chance(&zs->slots[slot]);
			if (v == ZSWAP_LRU_ROTATE) {
				if (zswap_lru_tail(mc) == slot)
					break;
				if (mode == LRU_WALK_KERNEL_HEAD)
					lru_rotate_head(zs, mc, slot);
				else
					lru_move_tail(zs, mc, slot);
				continue;
			}
		} else {
			int last = zswap_lru_tail(mc) == slot;

			v = lru->examine(zs, zs->lru_st, mc, slot);
			if (v == ZSWAP_LRU_ROTATE)
				lru_move_tail(zs, mc, slot);
			if (v == ZSWAP_LRU_ROTATE || v == ZSWAP_LRU_KEEP) {
				if (last)
					break;
				continue;
			}
		}
		int ret = lru_writeback_one(zs, slot, who, hooks);
		if (!ret) {
			freed++;
		} else if (ret == -EEXIST && stop) {
			*stop = 1;
			break;
		}
	}
	return freed;
}

unsigned long zswap_lru_walk(struct zswap *zs, struct zswap_memcg *mc,
			     unsigned long nr_to_walk, int who, int *stop)
{
	return lru_walk_n(zs, mc, nr_to_walk, who, stop, lru_walk_mode(zs), 1);
}

int zswap_lru_writeback_one(struct zswap *zs, uint32_t slot, int who)
{
	return lru_writeback_one(zs, slot, who, 1);
}

/* shrink_memcg(): at most one entry per node (one node here).  Inlined into
 * the shrink worker's loop, which calls it once per entry it writes back
 * or rotates. */
static inline __attribute__((always_inline)) int shrink_memcg(struct zswap *zs,
							      struct zswap_memcg *mc, int who,
							      enum lru_walk_mode mode, int hooks)
{
	unsigned long shrunk;

	if (!mc->wb_enabled)
		return -ENOENT;
	if (!mc->lru_len)
		return -ENOENT;       /* nothing scanned */
	shrunk = lru_walk_n(zs, mc, 1, who, NULL, mode, hooks);   /* inlined: one step, no stop */
	/* The shrink worker flushes when it ends, so its one-entry walks over
	 * the memcgs fill writeback batches (policy param `batch`). */
	if (who != ZSWAP_WHO_WORKER)
		zswap_wb_flush(zs);
	return shrunk ? 0 : -EAGAIN;
}

int zswap_shrink_memcg(struct zswap *zs, struct zswap_memcg *mc, int who)
{
	return shrink_memcg(zs, mc, who, lru_walk_mode(zs), 1);
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
 * Writeback walks take entries from the head of a list, one cache miss per
 * entry's slot on a random-slot trace.  The ring says which entries come
 * next, so a cursor runs ahead of the walks over the ring's positions and
 * fetches the slots of the entries up to ZSWAP_PF_SLOTS positions from the
 * head.  Each position is looked at once, whatever distance the head jumps
 * over holes.  A walk moves it on at every step, and an engine calls
 * zswap_prefetch_lru() every ZSWAP_PREFETCH_LRU_EVERY events, so a burst
 * finds its first entries cached.  Hints only: nothing here changes the model.
 * A second cursor fetching the entries' zspages 24 positions ahead cost ~45
 * instructions per walk step and gained no time measurable here (the zspage
 * table mostly sits in L2; callgrind 2.21 G -> 2.14 G instructions on the
 * none_random replay without it, replay median 0.250/0.268 s -> 0.250/0.236 s
 * in two A/B rounds of 20-24 runs).
 */
#define ZSWAP_PF_SLOTS   64u

/* Move the cursor on, through at most `budget` positions, to `ahead`
 * positions from the head, fetching each entry's slot. */
static inline __attribute__((always_inline)) uint32_t
lru_pf_cursor(const struct zswap *zs, const struct zswap_lru_ring *r, uint32_t p, uint32_t ahead,
	      unsigned budget)
{
	uint32_t n = r->hi - r->lo;
	uint32_t lim = n < ahead ? n : ahead;

	if (p - r->lo > n)
		p = r->lo;            /* behind the head (or the ring was rebuilt) */
	/* a distance, not an end position: the head may have moved back (an
	 * entry linked in front of it) and left p beyond lo + ahead */
	if (p - r->lo >= lim)
		return p;

	uint32_t end = p + (lim - (p - r->lo) < budget ? lim - (p - r->lo) : budget);
	const uint32_t *q = r->q;
	const struct zswap_slot *slots = zs->slots;

	for (; p != end; p++) {
		uint32_t e = q[p & r->mask];

		if (e != ZSWAP_LRU_HOLE)
			__builtin_prefetch(&slots[e], 1, 1);
	}
	return p;
}

static inline void zswap_prefetch_lru_memcg(const struct zswap *zs, struct zswap_memcg *mc,
					    unsigned budget)
{
	if (!mc->lru_len)
		return;
	mc->pf_pos = lru_pf_cursor(zs, &mc->lru, mc->pf_pos, ZSWAP_PF_SLOTS, budget);
}

void zswap_prefetch_walk(const struct zswap *zs, struct zswap_memcg *mc)
{
	zswap_prefetch_lru_memcg(zs, mc, 8);
}

/* inline: into the replay's block loop, where link-time optimisation left
 * it out of line (a call per block of 4 records) */
inline void zswap_prefetch_lru(struct zswap *zs)
{
	int pos = zs->shrink_cursor + 1;

	if (!zs->nmemcg)
		return;
	if (pos >= (int)zs->nmemcg)
		pos = 0;
	zswap_prefetch_lru_memcg(zs, &zs->memcg[zs->preorder[pos]], 2 * ZSWAP_PREFETCH_LRU_EVERY);
}

/* mem_cgroup_iter(NULL, zswap_next_shrink, NULL): next memcg in pre-order,
 * -1 at the end of the tree (then the walk starts over).  *cursor is
 * zswap_next_shrink (zs->shrink_cursor, or a running worker's copy). */
static inline __attribute__((always_inline)) int zswap_next_shrink(const struct zswap *zs,
								   int *cursor)
{
	int pos = *cursor + 1;

	if (pos >= (int)zs->nmemcg) {
		*cursor = -1;
		return -1;
	}
	*cursor = pos;
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

/* A running worker's locals: its place in the memcg tree (shrink_cursor)
 * and counts (wk_failures, wk_attempts).  They live in struct zswap, where
 * zswap_shrink_worker_step() keeps them between steps; a whole run with no
 * hook to call keeps copies in registers (nothing else reads them then). */
struct shrink_worker_vars {
	int *cursor, *failures, *attempts;
	uint64_t thr;
	enum lru_walk_mode mode;
	int hooks;      /* 0: the run has no timing engine or environment */
};

/* One turn of the do { } while (zswap_total_pages() > thr) loop of a
 * running worker (inlined into zswap_shrink_worker()'s loop, which knows it
 * runs until a turn returns 0). */
static inline __attribute__((always_inline)) int
shrink_worker_turn(struct zswap *zs, const struct shrink_worker_vars *v, unsigned *examined)
{
	int idx;

	*examined = 0;
	idx = zswap_next_shrink(zs, v->cursor);
	if (idx < 0) {
		/* No failure if the last tree walk found candidates. */
		if (!*v->attempts && ++*v->failures == ZSWAP_MAX_RECLAIM_RETRIES)
			goto done;
		*v->attempts = 0;
	} else {
		int ret = shrink_memcg(zs, &zs->memcg[idx], ZSWAP_WHO_WORKER, v->mode, v->hooks);

		/* -ENOENT: not a candidate, neither attempt nor failure */
		if (ret != -ENOENT) {
			*examined = 1;
			++*v->attempts;
			if (ret && ++*v->failures == ZSWAP_MAX_RECLAIM_RETRIES)
				goto done;
		}
	}
	if (zs->pool_pages > v->thr)
		return 1;
done:
	zs->wk_running = 0;
	zswap_wb_flush(zs);
	return 0;
}

/* The worker's locals where they live between steps, in struct zswap (a
 * run whose hooks may let other actors see them). */
static inline struct shrink_worker_vars shrink_worker_vars_in_zs(struct zswap *zs)
{
	return (struct shrink_worker_vars){
		&zs->shrink_cursor, &zs->wk_failures, &zs->wk_attempts, zs->wk_thr,
		lru_walk_mode(zs), 1
	};
}

int zswap_shrink_worker_step(struct zswap *zs, unsigned *examined)
{
	const struct shrink_worker_vars v = shrink_worker_vars_in_zs(zs);

	if (!zs->wk_running) {
		*examined = 0;
		return 0;
	}
	return shrink_worker_turn(zs, &v, examined);
}

/* A whole worker run with no hook to call, its locals in registers and its
 * walk mode a constant (one copy of the loop per mode). */
static inline __attribute__((always_inline)) void shrink_worker_run(struct zswap *zs,
								    enum lru_walk_mode mode)
{
	unsigned examined;
	int cursor = zs->shrink_cursor, failures = 0, attempts = 0;
	const struct shrink_worker_vars v = {
		&cursor, &failures, &attempts, zs->wk_thr, mode, 0
	};

	while (shrink_worker_turn(zs, &v, &examined))
		;
	zs->shrink_cursor = cursor;
	zs->wk_failures = failures;
	zs->wk_attempts = attempts;
}

void zswap_shrink_worker(struct zswap *zs)
{
	unsigned examined;

	zswap_shrink_worker_begin(zs);
	if (zs->t || zs->env) {
		/* hooks may let other actors run meanwhile: state in zs */
		const struct shrink_worker_vars v = shrink_worker_vars_in_zs(zs);

		while (shrink_worker_turn(zs, &v, &examined))
			;
		return;
	}

	switch (lru_walk_mode(zs)) {
	case LRU_WALK_KERNEL_HEAD:
		shrink_worker_run(zs, LRU_WALK_KERNEL_HEAD);
		break;
	case LRU_WALK_KERNEL:
		shrink_worker_run(zs, LRU_WALK_KERNEL);
		break;
	default:
		shrink_worker_run(zs, LRU_WALK_POLICY);
		break;
	}
}
