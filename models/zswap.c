/* SPDX-License-Identifier: MIT */
/*
 * The zswap model, store / load / invalidate paths (mm/zswap.c zswap_store(),
 * zswap_store_page(), zswap_compress(), zswap_load(), zswap_invalidate(),
 * zswap_entry_free(); mm/page_io.c swap_writeout(), swap_read_folio()).
 *
 * Writeback, the LRU and the shrink worker are in zswap_lru.c, the pressure
 * shrinker in zswap_shrinker.c, the limits and admission checks in
 * zswap_limit.c, what policies may read in zswap_view.c; memcgs, creation,
 * statistics, reports and invariants in zswap_core.c.
 *
 * Consistency under blocking timing hooks: a hook may let another stream's
 * event run, so the state is published before every hook call, page by page
 * as zswap_store_page() does (entry stored, charged, counted, on the LRU).
 */
#include <errno.h>
#include <string.h>

#include "models/zswap_internal.h"

/* ---- timing hooks ---------------------------------------------------------- */

static inline int zswap_codec(const struct zswap *zs)
{
	return zs->comp ? zs->comp->codec : CODEC_LZO;
}

void zswap_time_decompress(struct zswap *zs, int who, const uint32_t *lens, unsigned n)
{
	if (zs->t && zs->t->decompress) {
		zs->t->decompress(zs->tctx, who, zswap_codec(zs), lens, n);
		zs->charge_who = who;
	}
}

void zswap_time_disk_write(struct zswap *zs, int who, uint32_t slot, unsigned nr)
{
	if (zs->t && zs->t->disk_write) {
		zs->t->disk_write(zs->tctx, who, slot, nr);
		zs->charge_who = who;
	}
}

static void zswap_time_disk_read(struct zswap *zs, int who, uint32_t slot, unsigned nr, int ra)
{
	if (zs->t && zs->t->disk_read) {
		zs->t->disk_read(zs->tctx, who, slot, nr, ra);
		zs->charge_who = who;
	}
}

/* ---- page content ------------------------------------------------------------ */

/* is_folio_zero_filled(): every page of the folio is zero.  Inline: every
 * swap-out asks. */
static inline __attribute__((always_inline)) int
zswap_folio_is_zero(const struct zswap *zs, const struct zswap_folio *f)
{
	const struct zswap_content *c = &f->content;

	if (c->kind == ZSWAP_CONTENT_HINT)
		return c->zero != 0;

	const struct page_store *ps = zs->comp ? zs->comp->ps : NULL;
	uint32_t nr = zswap_folio_nr_pages(f);

	if (!ps)
		return 0;
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t idx = zswap_content_page(c, i);

		if (idx >= ps->npages || !(ps->flags[idx] & PS_F_ZERO))
			return 0;
	}
	return 1;
}

/*
 * What zswap_compress() gets from the compressor for page i of the folio.
 * A hint of 0 is the kernel's "!dlen" (-EINVAL, a compress failure).  A hint
 * >= 4096 is output that does not fit in the PAGE_SIZE destination; the
 * errno is the codec's, as compressor.c's kernel view has it: only
 * crypto/deflate.c returns -ENOSPC ("poor"), lzo/lz4/zstd return -EINVAL and
 * IAA -E2BIG ("fail").  Without a compressor the codec is lzo, the default.
 * Inlined into the store (its one caller), which asks once per page.
 */
static inline __attribute__((always_inline)) uint32_t
zswap_page_len(struct zswap *zs, const struct zswap_content *c, uint32_t i, enum comp_result *res)
{
	if (c->kind == ZSWAP_CONTENT_HINT) {
		uint32_t h = c->value;

		/* a hint >= 4096 means "does not fit in a page" */
		*res = compressor_kernel_result(zswap_codec(zs),
						h >= SIM_PAGE_SIZE ? (int)SIM_PAGE_SIZE + 1 : (int)h);
		return *res == COMP_OK ? h : SIM_PAGE_SIZE;
	}

	uint64_t idx = zswap_content_page(c, i);

	if (!zs->comp || !zs->comp->ps || idx >= zs->comp->ps->npages) {
		*res = COMP_FAIL;
		return SIM_PAGE_SIZE;
	}
	/* COMP_OK comes with 0 < len < 4096 (compressor_kernel_result()) */
	uint32_t len = compressor_page_len(zs->comp, idx, res);

	return *res == COMP_OK ? len : SIM_PAGE_SIZE;
}

/*
 * The limit policy's check of a folio.  The kernel's (folio-once, the
 * default) is called inline: through the hook, the call made every store
 * save and reload its registers around it.
 */
static inline __attribute__((always_inline)) int
zswap_admit_folio(struct zswap *zs, struct zswap_memcg *mc, uint32_t nr, int who)
{
	const struct zswap_limit_policy *lp = zs->limit;

	if (lp->admit_folio == zswap_limit_admit_kernel)
		return zswap_limit_check(zs, mc, who);
	return lp->admit_folio(zs, zs->limit_st, mc, nr, who);
}

/*
 * The LRU policy's link of a new entry.  The kernel's (the default: at the
 * tail, referenced) runs inline, as zswap_admit_folio() does the limit check.
 */
static inline __attribute__((always_inline)) void
zswap_lru_stored(struct zswap *zs, struct zswap_memcg *mc, uint32_t slot, uint64_t prev_store_ns)
{
	if (zs->lru->stored == zswap_lru_stored_referenced) {
		zs->slots[slot].state |= ZSWAP_S_REF;
		zswap_lru_link_tail_inline(zs, mc, slot);
		return;
	}
	zs->lru->stored(zs, zs->lru_st, mc, slot, prev_store_ns);
}

/* ---- entries ------------------------------------------------------------------ */

/* zswap_entry_free(): LRU del, zs_free, memcg uncharge, stored_pages--. */
void zswap_entry_free(struct zswap *zs, uint32_t slot)
{
	struct zswap_slot *s = &zs->slots[slot];
	struct zswap_memcg *mc = &zs->memcg[s->memcg];
	uint32_t len = s->length;

	zswap_lru_del(zs, mc, slot);
	/* a slot in state ZSWAP holds the handle of its live object */
	zs_free_live(zs->pool, (struct zs_handle){ .zspage = s->zspage, .klass = s->klass });
	zswap_memcg_uncharge(zs, mc, len);
	zs->st.stored_pages--;
	if (len == SIM_PAGE_SIZE)
		zs->st.stored_incompressible_pages--;
	zs->st.sim_compressed_bytes -= len;
	s->state = ZSWAP_S_NONE;
	zswap_pool_changed(zs);
}

/* Drop whatever a slot holds (stale entry, zeromap bit, disk copy). */
static void zswap_slot_clear(struct zswap *zs, uint32_t slot)
{
	if ((zs->slots[slot].state & ZSWAP_S_MASK) == ZSWAP_S_ZSWAP)
		zswap_entry_free(zs, slot);
	zs->slots[slot].state = ZSWAP_S_NONE;
}

/*
 * zswap_store_page() after the compression: zswap_compress()'s raw-storage
 * decision and zs_malloc(), then xa_store() replacing a stale entry, charge,
 * count, and the LRU add last.  Returns the stored length, 0 on failure.
 */
static uint32_t zswap_store_page(struct zswap *zs, uint32_t slot, uint32_t len,
				 enum comp_result res, struct zswap_memcg *mc)
{
	struct zswap_slot *s = &zs->slots[slot];
	struct zs_handle h;
	int ret;

	if (res != COMP_OK) {
		/* An incompressible page is stored as is only if it can be
		 * written back later; otherwise it is only metadata overhead. */
		if (!mc->wb_enabled) {
			if (res == COMP_POOR)
				zs->st.reject_compress_poor++;
			else
				zs->st.reject_compress_fail++;
			return 0;
		}
		len = SIM_PAGE_SIZE;
	}
	ret = zs_malloc(zs->pool, len, &h);
	if (ret) {
		if (ret == -ENOSPC)
			zs->st.reject_compress_poor++;
		else
			zs->st.reject_alloc_fail++;
		return 0;
	}

	uint64_t prev_store_ns = zswap_slot_store_ns(zs, slot);

	if ((s->state & ZSWAP_S_MASK) == ZSWAP_S_ZSWAP)
		zswap_entry_free(zs, slot);       /* stale copy of a redirtied folio */

	s->state = ZSWAP_S_ZSWAP;
	s->length = (uint16_t)len;
	s->zspage = h.zspage;
	s->klass = h.klass;
	s->memcg = (uint16_t)mc->idx;
	if (zs->keep_store_ns)
		zs->store_ns[slot] = zs->now_ns;
	zswap_slot_set_lru_pos(s, ZSWAP_NIL);

	zswap_memcg_charge(zs, mc, len);
	if (++zs->st.stored_pages > zs->st.stored_pages_peak)
		zs->st.stored_pages_peak = zs->st.stored_pages;
	if (len == SIM_PAGE_SIZE)
		zs->st.stored_incompressible_pages++;
	zs->st.sim_compressed_bytes += len;
	zswap_pool_changed(zs);

	zswap_lru_stored(zs, mc, slot, prev_store_ns);
	return len;
}

/* A per-page check cut the store of a folio short before page index. */
static void zswap_limit_abort(struct zswap *zs, uint32_t index, uint32_t nr)
{
	if (!index)
		return;   /* failed before any work: an ordinary rejection */
	zs->lim.aborted_folios++;
	zs->lim.abort_quarter[(uint64_t)index * 4 / nr]++;
	zs->lim.abort_concurrent_sum += zs->lim.stores_in_flight - 1;
}

static void zswap_limit_count(struct zswap *zs, int who, int stored)
{
	if (who < 0 || (uint32_t)who >= zs->lim.nstreams)
		return;
	if (stored)
		zs->lim.stream_stored[who]++;
	else
		zs->lim.stream_rejected[who]++;
}

/* One folio of a store (zswap_store()). */
struct zswap_store_folio {
	const struct zswap_folio *f;
	struct zswap_memcg *mc;
	uint32_t nr, compressed;
	uint64_t comp_bytes;
	int state;            /* ZS_ST_* */
};

enum { ZS_ST_OFF, ZS_ST_OK, ZS_ST_REJECT };

/* A compressed page waiting for its batch's compression call. */
struct zswap_store_page_req {
	uint32_t folio, index, len;
	enum comp_result res;
};

/* The compression call of the n pages in req[] (the lengths are gathered
 * only for a timing engine: a replay without one has nothing to time). */
static inline void zswap_time_compress(struct zswap *zs, int who,
				       const struct zswap_store_page_req *req, unsigned n)
{
	uint32_t lens[8];

	if (!zs->t || !zs->t->compress)
		return;
	for (unsigned j = 0; j < n; j++)
		lens[j] = req[j].len;
	zs->t->compress(zs->tctx, who, zswap_codec(zs), lens, n);
	zs->charge_who = who;
}

/* One compression call over the pages in req[], then each page published
 * (zswap_store_page()) unless its folio failed meanwhile.  Inlined, as
 * zswap_store_finish(): a swap-out of one page calls each once. */
static inline __attribute__((always_inline)) void
zswap_store_flush(struct zswap *zs, struct zswap_store_folio *sf, struct zswap_store_page_req *req,
		  unsigned n, int who)
{
	if (!n)
		return;
	zswap_time_compress(zs, who, req, n);
	for (unsigned j = 0; j < n; j++) {
		struct zswap_store_folio *x = &sf[req[j].folio];
		uint32_t len;

		if (x->state != ZS_ST_OK)
			continue;
		len = zswap_store_page(zs, x->f->slot + req[j].index, req[j].len, req[j].res, x->mc);
		if (!len)
			x->state = ZS_ST_REJECT;
		else
			x->comp_bytes += len;
	}
}

/* The end of one folio's store: counters on success; on failure the
 * shrinker kick and the erase of whatever the attempt published. */
static inline __attribute__((always_inline)) int
zswap_store_finish(struct zswap *zs, struct zswap_store_folio *x, int who)
{
	const struct zswap_limit_policy *lp = zs->limit;
	const struct zswap_folio *f = x->f;

	if (x->state == ZS_ST_OK) {
		zs->st.zswpout += x->nr;
		ZSWAP_MEMCG_ADD(zs, x->mc, zswpout, x->nr);
		zs->st.sim_stored_folios++;
		zs->st.sim_stored_bytes += x->comp_bytes;
		zs->lim.stores_in_flight--;
		zs->lim.fail_run = 0;
		zswap_limit_count(zs, who, 1);
		if (lp->stored)
			lp->stored(zs, zs->limit_st, x->mc, x->nr, x->comp_bytes);
		return 1;
	}
	if (x->state == ZS_ST_REJECT) {
		zs->lim.stores_in_flight--;
		if (++zs->lim.fail_run > zs->lim.fail_run_max)
			zs->lim.fail_run_max = zs->lim.fail_run;
		zs->lim.wasted_compressions += x->compressed;
		/* kernel: if (!ret && zswap_pool_reached_full) queue_work(shrink_wq, ...) */
		if (zs->wb->store_failed)
			zs->wb->store_failed(zs, zs->wb_st);
	}
	/* Erase the entries this attempt published and any stale ones, or a
	 * later writeback could overwrite the newer data on disk. */
	for (uint32_t i = 0; i < x->nr; i++)
		if ((zs->slots[f->slot + i].state & ZSWAP_S_MASK) == ZSWAP_S_ZSWAP)
			zswap_entry_free(zs, f->slot + i);
	zs->st.sim_rejected_folios++;
	zs->lim.rejected_folios++;
	zswap_limit_count(zs, who, 0);
	return 0;
}

/* The start of one folio's store: zswap on, counted in flight, admitted by
 * the limit policy.  Returns 1 when its pages go on to the compressor. */
static inline __attribute__((always_inline)) int
zswap_store_admit(struct zswap *zs, struct zswap_store_folio *x, int who)
{
	x->state = ZS_ST_OFF;
	if (!zs->cfg.enabled)
		return 0;
	zs->lim.stores_in_flight++;
	x->state = ZS_ST_OK;
	if (zswap_admit_folio(zs, x->mc, x->nr, who)) {
		x->state = ZS_ST_REJECT;
		return 0;
	}
	return 1;
}

/*
 * zswap_store() of n folios of one reclaimer: the limit policy admits each
 * folio (kernel: memcg zswap.max with shrink_memcg(), then
 * zswap_check_limits()), then its pages are compressed and published; any
 * failure erases every slot of that folio.  Pages go to the compressor
 * batch.compress at a time: within a folio as the IAA batching series'
 * zswap_store_pages() does, and across the folios of a reclaim batch
 * (batch.reclaim_folios) as its reclaim-batching patch does.  ok[k] = 1 if
 * folio k was stored.
 */
static inline __attribute__((always_inline)) void
zswap_store(struct zswap *zs, struct zswap_store_folio *sf, unsigned n, int *ok)
{
	const struct zswap_limit_policy *lp = zs->limit;
	unsigned batch = zs->cfg.compress_batch, nreq = 0;
	struct zswap_store_page_req req[8];
	int who = sf[0].f->who;

	for (unsigned k = 0; k < n; k++) {
		struct zswap_store_folio *x = &sf[k];

		x->nr = zswap_folio_nr_pages(x->f);
		if (!zswap_store_admit(zs, x, who))
			continue;
		for (uint32_t i = 0; i < x->nr && x->state == ZS_ST_OK; i++) {
			if (lp->admit_page && lp->admit_page(zs, zs->limit_st, x->mc, i, x->nr, who)) {
				zswap_limit_abort(zs, i, x->nr);
				x->state = ZS_ST_REJECT;
				/* its pages waiting for the call are not compressed:
				 * the checks of a batch come before its call */
				while (nreq && req[nreq - 1].folio == k) {
					nreq--;
					x->compressed--;
				}
				break;
			}
			req[nreq].folio = k;
			req[nreq].index = i;
			req[nreq].len = zswap_page_len(zs, &x->f->content, i, &req[nreq].res);
			x->compressed++;
			if (++nreq == batch) {
				zswap_store_flush(zs, sf, req, nreq, who);
				nreq = 0;
			}
		}
	}
	zswap_store_flush(zs, sf, req, nreq, who);
	for (unsigned k = 0; k < n; k++)
		ok[k] = zswap_store_finish(zs, &sf[k], who);
}

/*
 * zswap_store() of one order-0 folio, alone: what zswap_store() does with
 * n = 1 and one page (one admission, one compression call, one publish),
 * with the folio's state in a local of its own.  zswap_store()'s batch
 * arrays are indexed by variables, so the compiler kept them in a 2.8 KB
 * stack frame and went through memory for every field; most swap-outs of
 * a replay are of one page.  A per-page check that fails at page 0 is an
 * ordinary rejection (zswap_limit_abort() counts nothing for index 0).
 */
static inline __attribute__((always_inline)) int
zswap_store_one_page(struct zswap *zs, const struct zswap_folio *f, struct zswap_memcg *mc)
{
	const struct zswap_limit_policy *lp = zs->limit;
	struct zswap_store_folio x = { .f = f, .mc = mc, .nr = 1 };
	struct zswap_store_page_req req = { .folio = 0, .index = 0 };
	int who = f->who;

	if (zswap_store_admit(zs, &x, who)) {
		if (lp->admit_page && lp->admit_page(zs, zs->limit_st, mc, 0, 1, who)) {
			x.state = ZS_ST_REJECT;
		} else {
			req.len = zswap_page_len(zs, &f->content, 0, &req.res);
			x.compressed = 1;
			zswap_store_flush(zs, &x, &req, 1, who);
		}
	}
	return zswap_store_finish(zs, &x, who);
}

static void zswap_set_slots(struct zswap *zs, uint32_t slot, uint32_t nr, uint8_t state,
			    const struct zswap_memcg *mc)
{
	for (uint32_t i = 0; i < nr; i++) {
		zs->slots[slot + i].state = state;
		zs->slots[slot + i].memcg = (uint16_t)mc->idx;
	}
}

/* Lock the folio's slots for the swap-out; on unlock apply the frees that
 * arrived meanwhile. */
static inline void zswap_slots_lock(struct zswap *zs, uint32_t slot, uint32_t nr)
{
	for (uint32_t i = 0; i < nr; i++)
		zs->slots[slot + i].io = ZSWAP_IO_BUSY | ZSWAP_IO_SWAPPED;
}

static inline __attribute__((always_inline)) void
zswap_slots_unlock(struct zswap *zs, uint32_t slot, uint32_t nr)
{
	for (uint32_t i = 0; i < nr; i++) {
		uint16_t io = zs->slots[slot + i].io;

		zs->slots[slot + i].io = ZSWAP_IO_SWAPPED;
		if (io & ZSWAP_IO_INVAL_PENDING)
			zswap_slot_clear(zs, slot + i);
	}
}

/*
 * A clean swap-cache folio that reclaim dropped without pageout()
 * (ZSWAP_FOLIO_CLEAN): after a swap-in from the swap device or the zeromap the slot
 * keeps its data and the folio stays clean, so shrink_folio_list() frees it
 * through __remove_mapping() with no write and no counter.  The slot holds the
 * data again; the next swap-in reads it (pswpin / swpin_zero once more).  A
 * folio that was never read back (stored, then kept by reclaim because a
 * fault held it) still has its zswap entry: nothing changes, the next
 * swap-in loads it from zswap.
 */
static enum zswap_out_result zswap_evict_clean(struct zswap *zs, const struct zswap_folio *f,
					       const struct zswap_memcg *mc)
{
	uint32_t nr = zswap_folio_nr_pages(f);
	int zero = zswap_folio_is_zero(zs, f);

	if ((zs->slots[f->slot].state & ZSWAP_S_MASK) == ZSWAP_S_ZSWAP)
		return ZSWAP_OUT_STORED;
	for (uint32_t i = 0; i < nr; i++) {
		zswap_slot_clear(zs, f->slot + i);
		zs->slots[f->slot + i].io |= ZSWAP_IO_SWAPPED;   /* the trace says it holds data */
	}
	zswap_set_slots(zs, f->slot, nr, zero ? ZSWAP_S_ZERO : ZSWAP_S_DISK, mc);
	return zero ? ZSWAP_OUT_ZERO : ZSWAP_OUT_DISK;
}

/* After zswap_store() failed: __swap_writepage() to the folio's own slots
 * on disk, or AOP_WRITEPAGE_ACTIVATE (writeback disabled: it stays). */
static enum zswap_out_result zswap_store_fallback(struct zswap *zs, const struct zswap_folio *f,
						  struct zswap_memcg *mc)
{
	uint32_t nr = zswap_folio_nr_pages(f);

	if (mc->wb_enabled) {
		zswap_set_slots(zs, f->slot, nr, ZSWAP_S_DISK, mc);
		zs->st.pswpout += nr;
		ZSWAP_MEMCG_ADD(zs, mc, pswpout, nr);
		zswap_time_disk_write(zs, f->who, f->slot, nr);
		return ZSWAP_OUT_DISK;
	}
	zswap_set_slots(zs, f->slot, nr, ZSWAP_S_NONE, mc);
	zs->st.sim_reactivated_pages += nr;
	ZSWAP_MEMCG_ADD(zs, mc, sim_reactivated_pages, nr);
	return ZSWAP_OUT_ACTIVATED;
}

/* The start of a folio's swap_writeout() (not a clean one's): its slots
 * locked, and a zero-filled folio to the zeromap (returns 1). */
static inline __attribute__((always_inline)) int
zswap_swap_out_begin(struct zswap *zs, const struct zswap_folio *f, struct zswap_memcg *mc)
{
	uint32_t nr = zswap_folio_nr_pages(f);

	zs->st.sim_swapout_folios++;
	zswap_slots_lock(zs, f->slot, nr);
	if (!zswap_folio_is_zero(zs, f))
		return 0;
	for (uint32_t i = 0; i < nr; i++)
		zswap_slot_clear(zs, f->slot + i);
	zswap_set_slots(zs, f->slot, nr, ZSWAP_S_ZERO, mc);
	zs->st.swpout_zero += nr;
	ZSWAP_MEMCG_ADD(zs, mc, swpout_zero, nr);
	return 1;
}

/* Its end, once every folio of the batch is written: the frees that came
 * meanwhile applied, and the writeback policy told. */
static inline __attribute__((always_inline)) void
zswap_swap_out_end(struct zswap *zs, const struct zswap_folio *f, struct zswap_memcg *mc)
{
	uint32_t nr = zswap_folio_nr_pages(f);

	zswap_slots_unlock(zs, f->slot, nr);
	if (zs->swapped_out)
		zs->swapped_out(zs, zs->wb_st, mc, nr, f->who);
}

/* swap_writeout() of n folios of one reclaimer: zeromap, zswap_store(),
 * else disk or re-activation.  Inlined into its two callers, so that a
 * replay's one-folio swap-outs run it with n = 1 known (no loops over the
 * batch arrays). */
static inline __attribute__((always_inline)) void
zswap_swap_out_n(struct zswap *zs, const struct zswap_folio *f, unsigned n,
		 enum zswap_out_result *res)
{
	struct zswap_store_folio sf[ZSWAP_OUT_BATCH_MAX];
	unsigned idx[ZSWAP_OUT_BATCH_MAX], m = 0;
	int ok[ZSWAP_OUT_BATCH_MAX];

	for (unsigned k = 0; k < n; k++) {
		struct zswap_memcg *mc = &zs->memcg[f[k].memcg];

		if (f[k].flags & ZSWAP_FOLIO_CLEAN) {
			res[k] = zswap_evict_clean(zs, &f[k], mc);
			continue;
		}
		if (zswap_swap_out_begin(zs, &f[k], mc)) {
			res[k] = ZSWAP_OUT_ZERO;
			continue;
		}
		sf[m] = (struct zswap_store_folio){ .f = &f[k], .mc = mc };
		idx[m++] = k;
	}
	if (m)
		zswap_store(zs, sf, m, ok);
	for (unsigned j = 0; j < m; j++)
		res[idx[j]] = ok[j] ? ZSWAP_OUT_STORED : zswap_store_fallback(zs, sf[j].f, sf[j].mc);
	for (unsigned k = 0; k < n; k++)
		if (!(f[k].flags & ZSWAP_FOLIO_CLEAN))
			zswap_swap_out_end(zs, &f[k], &zs->memcg[f[k].memcg]);
}

void zswap_swap_out_batch(struct zswap *zs, const struct zswap_folio *f, unsigned n,
			  enum zswap_out_result *res)
{
	zs->charge_who = n ? f[0].who : 0;    /* one reclaimer's batch */
	zswap_swap_out_n(zs, f, n, res);
}

/* A large folio alone: out of line, so that its batch arrays are not in
 * the frame of every one-page swap-out. */
static __attribute__((noinline)) enum zswap_out_result
zswap_swap_out_large(struct zswap *zs, const struct zswap_folio *f)
{
	enum zswap_out_result res;

	zs->charge_who = f->who;
	zswap_swap_out_n(zs, f, 1, &res);
	return res;
}

/* One folio: zswap_swap_out_n() with n = 1, and a one-page folio's store
 * through zswap_store_one_page(). */
enum zswap_out_result zswap_swap_out(struct zswap *zs, const struct zswap_folio *f)
{
	struct zswap_memcg *mc = &zs->memcg[f->memcg];
	enum zswap_out_result res;

	if (f->order)
		return zswap_swap_out_large(zs, f);
	zs->charge_who = f->who;
	if (f->flags & ZSWAP_FOLIO_CLEAN)
		return zswap_evict_clean(zs, f, mc);
	if (zswap_swap_out_begin(zs, f, mc))
		res = ZSWAP_OUT_ZERO;
	else if (zswap_store_one_page(zs, f, mc))
		res = ZSWAP_OUT_STORED;
	else
		res = zswap_store_fallback(zs, f, mc);
	zswap_swap_out_end(zs, f, mc);
	return res;
}

/*
 * swap_read_folio() for one slot: zeromap, zswap_load() (exclusive: the entry
 * is freed), else a disk read that feeds the shrinker's nr_disk_swapins.
 * The entry is freed before the decompress hook so the state is final when
 * another stream runs during the hook.  Inlined into its two callers: every
 * swap-in reads a slot.
 */
static inline __attribute__((always_inline)) enum zswap_in_result
zswap_read_slot(struct zswap *zs, uint32_t slot, int who, int ra, uint32_t *dlen)
{
	struct zswap_slot *s = &zs->slots[slot];
	struct zswap_memcg *mc = &zs->memcg[s->memcg];

	*dlen = 0;
	if (s->io & ZSWAP_IO_BUSY)
		return ZSWAP_IN_ABSENT;   /* folio locked in the swap cache: a hit */
	switch (s->state & ZSWAP_S_MASK) {
	case ZSWAP_S_ZERO:
		s->state = ZSWAP_S_NONE;
		zs->st.swpin_zero++;
		ZSWAP_MEMCG_ADD(zs, mc, swpin_zero, 1);
		return ZSWAP_IN_ZERO;
	case ZSWAP_S_ZSWAP:
		*dlen = s->length;
		zswap_entry_free(zs, slot);
		zs->st.zswpin++;
		ZSWAP_MEMCG_ADD(zs, mc, zswpin, 1);
		return ZSWAP_IN_ZSWAP;
	case ZSWAP_S_DISK:
		s->state = ZSWAP_S_NONE;
		zs->st.pswpin++;
		ZSWAP_MEMCG_ADD(zs, mc, pswpin, 1);
		mc->nr_disk_swapins++;
		zswap_time_disk_read(zs, who, slot, 1, ra);
		return ZSWAP_IN_DISK;
	default:
		return ZSWAP_IN_ABSENT;
	}
}

/*
 * swapin_nr_pages() (mm/swap_state.c): the adaptive cluster readahead
 * window.  Readahead hits (faults that found a readahead folio in the swap
 * cache) since the last fault widen it to the next power of two >= hits + 2;
 * without hits it is 2 pages for a fault next to the previous one, else 1;
 * it never shrinks below half the previous window, and never grows beyond
 * 2^page_cluster.  Global, like the kernel's static variables.
 */
static uint64_t zswap_ra_window(struct zswap *zs, uint64_t offset)
{
	uint64_t max_pages = 1ull << zs->cfg.page_cluster;
	uint64_t hits, pages, last_ra;

	if (max_pages <= 1)
		return 1;
	hits = zs->ra_hits;
	zs->ra_hits = 0;
	pages = hits + 2;
	if (pages == 2) {
		if (offset != zs->ra_prev_offset + 1 && offset != zs->ra_prev_offset - 1)
			pages = 1;
	} else {
		uint64_t roundup = 4;

		while (roundup < pages)
			roundup <<= 1;
		pages = roundup;
	}
	if (pages > max_pages)
		pages = max_pages;
	last_ra = zs->ra_last_pages / 2;     /* don't shrink readahead too fast */
	if (pages < last_ra)
		pages = last_ra;
	if (!hits)
		zs->ra_prev_offset = offset;
	zs->ra_last_pages = pages;
	return pages;
}

/*
 * swap_cluster_readahead(): the aligned window of swapin_nr_pages() slots
 * around the fault; every swapped-out neighbour is read into the swap cache
 * too and marked PG_readahead.  zswap neighbours are decompressed
 * decompress_batch pages per call.
 */
static __attribute__((noinline)) void zswap_readahead(struct zswap *zs,
						     const struct zswap_folio *f)
{
	uint64_t mask = zswap_ra_window(zs, f->slot) - 1;
	uint64_t start = f->slot & ~mask, end = (uint64_t)f->slot | mask;
	uint32_t fend = f->slot + zswap_folio_nr_pages(f);
	unsigned dbatch = zs->cfg.decompress_batch;
	uint32_t lens[8];
	unsigned n = 0;

	if (!mask)
		return;
	if (end >= zs->nslots)
		end = zs->nslots - 1;
	for (uint64_t slot = start; slot <= end; slot++) {
		uint32_t dlen;
		enum zswap_in_result res;

		if (slot >= f->slot && slot < fend)
			continue;
		res = zswap_read_slot(zs, (uint32_t)slot, f->who, 1, &dlen);
		if (res == ZSWAP_IN_ABSENT)
			continue;
		zs->slots[slot].state |= ZSWAP_S_RA;
		if (res != ZSWAP_IN_ZSWAP)
			continue;
		lens[n++] = dlen;
		if (n == dbatch) {
			zswap_time_decompress(zs, f->who, lens, n);
			n = 0;
		}
	}
	if (n)
		zswap_time_decompress(zs, f->who, lens, n);
}

/* swap_update_readahead(): a fault found a readahead folio in the swap cache. */
static void zswap_ra_hit(struct zswap *zs, uint32_t slot)
{
	struct zswap_slot *s = &zs->slots[slot];

	if (s->state & ZSWAP_S_RA) {
		s->state &= (uint8_t)~ZSWAP_S_RA;
		zs->ra_hits++;
	}
}

/* The swap-in of page i of the folio. */
static inline __attribute__((always_inline)) enum zswap_in_result
zswap_swap_in_page(struct zswap *zs, const struct zswap_folio *f, uint32_t i, int ra_rec)
{
	uint32_t dlen;
	enum zswap_in_result res = zswap_read_slot(zs, f->slot + i, f->who, ra_rec, &dlen);

	if (res == ZSWAP_IN_ZSWAP)
		zswap_time_decompress(zs, f->who, &dlen, 1);
	/* A recorded readahead read leaves a PG_readahead folio; a
	 * fault that finds one in the swap cache is a readahead hit. */
	if (res != ZSWAP_IN_ABSENT && ra_rec)
		zs->slots[f->slot + i].state |= ZSWAP_S_RA;
	else if (res == ZSWAP_IN_ABSENT && !ra_rec)
		zswap_ra_hit(zs, f->slot + i);
	if (res == ZSWAP_IN_ABSENT && !(zs->slots[f->slot + i].io & ZSWAP_IO_SWAPPED))
		zs->st.sim_in_unknown_slot++;   /* swapped out before the trace began */
	return res;
}

/* A large folio's pages; out of line, as the readahead is, so that the
 * swap-in of a one-page folio keeps a small frame. */
static __attribute__((noinline)) enum zswap_in_result
zswap_swap_in_pages(struct zswap *zs, const struct zswap_folio *f, uint32_t nr, int ra_rec)
{
	enum zswap_in_result first = zswap_swap_in_page(zs, f, 0, ra_rec);

	for (uint32_t i = 1; i < nr; i++)
		zswap_swap_in_page(zs, f, i, ra_rec);
	return first;
}

enum zswap_in_result zswap_swap_in(struct zswap *zs, const struct zswap_folio *f)
{
	uint32_t nr = zswap_folio_nr_pages(f);
	int ra_rec = (f->flags & ZSWAP_FOLIO_READAHEAD) != 0;

	zs->charge_who = f->who;
	enum zswap_in_result first = nr == 1 ? zswap_swap_in_page(zs, f, 0, ra_rec)
					     : zswap_swap_in_pages(zs, f, nr, ra_rec);

	/* A swap-cache hit (nothing to read) does no readahead; records that
	 * are themselves readahead (captured traces) are not expanded again. */
	if (zs->cfg.page_cluster && first != ZSWAP_IN_ABSENT && !ra_rec)
		zswap_readahead(zs, f);
	return first;
}

static inline void zswap_invalidate_slot(struct zswap *zs, uint32_t slot)
{
	struct zswap_slot *s = &zs->slots[slot];

	if (s->io & ZSWAP_IO_BUSY)
		s->io |= ZSWAP_IO_INVAL_PENDING;  /* freed when the swap-out ends */
	else if ((s->state & ZSWAP_S_MASK) == ZSWAP_S_ZSWAP)
		zswap_entry_free(zs, slot);       /* zswap_slot_clear(): the state is then NONE */
	else
		s->state = ZSWAP_S_NONE;
}

/* Out of line: zswap_invalidate() of a one-page folio then saves no
 * registers for the loop, and its entry free is a tail call. */
static __attribute__((noinline)) void zswap_invalidate_pages(struct zswap *zs, uint32_t slot,
							     uint32_t nr)
{
	for (uint32_t i = 0; i < nr; i++)
		zswap_invalidate_slot(zs, slot + i);
}

/* zswap_invalidate() plus the swap layer freeing the slots (zeromap, disk). */
void zswap_invalidate(struct zswap *zs, const struct zswap_folio *f)
{
	uint32_t nr = zswap_folio_nr_pages(f);

	zs->charge_who = f->who;
	if (nr == 1)
		zswap_invalidate_slot(zs, f->slot);
	else
		zswap_invalidate_pages(zs, f->slot, nr);
}
