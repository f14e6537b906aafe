/* SPDX-License-Identifier: MIT */
/*
 * The `simgrid` timing backend: the trace replayed by SimGrid 3.32 actors over
 * the hardware models of models/hw.h and models/iaa.h.
 *
 * Platform (generated from the config, never written by users): one 1-core
 * host per CPU core, one 1-core host per IAA engine, one host for the swap
 * device; every host runs at 1 Gflop/s, so executing x flops takes x ns.
 *
 * Actors, all long-lived: one per trace stream (on its core), the global
 * shrink worker (also runs time-driven policy timers), one per IAA engine
 * (takes descriptors from the C work-queue FIFOs of models/iaa.c and executes
 * their service time on its own host) and one for the swap device (executes
 * transfers in FIFO order; access latency overlaps up to the queue depth).
 *
 * A stream replays its records: it waits for the record's time (open) or
 * computes for the gap since its previous record (closed), then calls
 * sim_apply(); the zswap model calls the zswap_timing hooks below, which cost
 * CPU time on the stream's core, block on IAA engines or the swap device,
 * and move zswap's clock forward.
 *
 * Coalescing (timing.coalesce): while a stream is the only one left and the
 * shrink worker is idle, no other actor can act before that stream's next
 * request, so it keeps a local clock ahead of SimGrid's: CPU costs, waits for
 * record times, swap-device requests on an idle device and IAA calls on idle
 * devices are worked out in C with the same formulas and FIFO rules the
 * actors follow, and SimGrid is only entered (the local clock slept to)
 * before the shrink worker's next wakeup or when the worker is kicked.  A
 * single-stream trace that never fills the pool thus runs with no SimGrid
 * activity at all.  Reports are identical with coalescing on and off
 * (tests/scenarios/simgrid_state_equality.sh, docs/models.md).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/semaphore.h>
#include <simgrid/mutex.h>
#include <simgrid/cond.h>
#include <simgrid/version.h>

#include "models/hw.h"
#include "models/iaa.h"
#include "sim/latency.h"
#include "sim/sim.h"

/* Latency histograms, by report name. */
#define SG_LAT_OPS(X) \
	X(store_folio) X(compress_page) X(compress_batch) X(load) X(decompress_page) \
	X(decompress_batch) X(writeback) X(disk_read) X(disk_write)

enum sg_lat {
#define SG_X(name) LAT_##name,
	SG_LAT_OPS(SG_X)
#undef SG_X
	LAT_NR
};

static const char *const sg_lat_name[LAT_NR] = {
#define SG_X(name) #name,
	SG_LAT_OPS(SG_X)
#undef SG_X
};

/* CPU time categories, by report name. */
#define SG_CPU_CATS(X) \
	X(compress) X(decompress) X(iaa_submit) X(iaa_poll) X(iaa_irq) X(iaa_spin) \
	X(sw_fallback) X(app)

enum sg_cpu {
#define SG_X(name) CPU_##name,
	SG_CPU_CATS(SG_X)
#undef SG_X
	CPU_NR
};

static const char *const sg_cpu_name[CPU_NR] = {
#define SG_X(name) #name,
	SG_CPU_CATS(SG_X)
#undef SG_X
};

/* One stream or the shrink worker. */
struct sg_act {
	int who;                  /* stream index, or ZSWAP_WHO_WORKER */
	unsigned core;
	sg_sem_t sem;             /* this actor's wakeups */
	double clock;             /* local time, ns (ahead of SimGrid while coalescing) */
	int op;                   /* trace op of the current record (-1: worker) */
	double wb_start;          /* first decompress of a pending writeback, or < 0 */
	/* IAA call in progress */
	unsigned remaining;       /* descriptors not completed */
	int waiting;              /* blocked until remaining == 0 */
	int granted;              /* a freed descriptor was handed to us */
	struct iaa_desc desc[HW_MAX_BATCH];
	struct sg_engine *wake[HW_MAX_BATCH];   /* engines to release once the call is queued */
	unsigned nwake;
	/* swap device request in progress */
	double xfer_ns;
	/* stream replay */
	const uint64_t *idx;      /* record indices of this stream (NULL: all records) */
	uint64_t nrec;
	uint64_t finish_ns;
};

struct sg_engine {
	unsigned dev, eng;
	sg_sem_t sem;
};

/* The swap device: queue_depth requests overlap their access latency, the
 * transfers go one at a time in FIFO order. */
struct sg_ssd {
	unsigned inflight;
	struct sg_act **slot_wait;     /* FIFO of requests waiting for a queue slot */
	unsigned sw_head, sw_n;
	struct sg_act **xfer;          /* FIFO of transfers */
	unsigned x_head, x_n;
	unsigned cap;
	int idle;
	sg_sem_t sem;
	double busy_since, busy_ns;    /* time with at least one request in flight */
	double xfer_ns;                /* time transferring */
	uint64_t reqs[2], pages[2];    /* by write */
	unsigned max_waiting;
};

struct sg_backend {
	struct sim *s;
	struct zswap *zs;
	struct hw hw;
	struct iaa *iaa;               /* NULL without IAA devices */
	int closed;
	int coalesce;
	struct sg_act *streams;
	unsigned nstreams, streams_left;
	uint64_t *idx;                 /* per-stream record lists (multi-stream traces) */
	/* Cross-stream order per swap slot: dep[i] is the last earlier record of
	 * another stream touching a slot of record i (DEP_NONE if none); record i
	 * is applied only after it.  done[i] marks applied records. */
	uint64_t *dep;
	uint8_t *done;
	sg_mutex_t dep_mutex;
	sg_cond_t dep_cond;
	unsigned dep_waiters;
	uint64_t dep_waits;
	struct sg_act worker;
	int kick_pending, worker_busy, worker_waiting, stop;
	double worker_wake;            /* ns the sleeping worker wakes at */
	struct sg_engine *engines;
	unsigned nengines;
	struct sg_ssd ssd;
	struct lat_hist lat[LAT_NR];
	double *cpu;                   /* cores * CPU_NR ns */
	uint64_t coalesced_records;
	uint64_t worker_runs, timer_runs;
	double max_advance;
	int ret;
	char *err;
	size_t errlen;
};

/* One engine per process (design decision 8): the backend is a singleton. */
static struct sg_backend *g;

static double sg_now(void)
{
	return simgrid_get_clock() * 1e9;
}

static uint64_t ns_u64(double ns)
{
	return ns <= 0 ? 0 : (uint64_t)llround(ns);
}

static void act_sync_clock(struct sg_act *a)
{
	a->clock = sg_now();
	zswap_set_now(g->zs, ns_u64(a->clock));
}

/* ---- CPU ------------------------------------------------------------------ */

static int can_coalesce(const struct sg_act *a)
{
	return g->coalesce && a->who >= 0 && g->streams_left == 1 && !g->worker_busy &&
	       !g->kick_pending;
}

/* Bring SimGrid's clock to the actor's local clock (leave coalescing). */
static void act_flush(struct sg_act *a)
{
	double now = sg_now();
	if (a->clock > now + 0.5)
		sg_actor_sleep_until(a->clock * 1e-9);
	act_sync_clock(a);
}

/* Count ns of CPU time of category cat on the actor's core (no time passes). */
static void cpu_charge(const struct sg_act *a, int cat, double ns)
{
	g->cpu[(size_t)a->core * CPU_NR + cat] += ns;
}

/* CPU work on the actor's core. */
static void cpu_run(struct sg_act *a, int cat, double ns)
{
	if (ns <= 0)
		return;
	cpu_charge(a, cat, ns);
	if (can_coalesce(a)) {
		a->clock += ns;
		zswap_set_now(g->zs, ns_u64(a->clock));
		return;
	}
	act_flush(a);
	sg_actor_execute(ns);
	act_sync_clock(a);
}

/* ---- IAA -------------------------------------------------------------------- */

/* Engines woken by the descriptors of a call are released once the whole
 * call is queued (or before the submitter blocks), so a call's descriptors
 * reach the WQ together whatever SimGrid's order of same-instant actors. */
static void wake_engines(struct sg_act *a)
{
	for (unsigned i = 0; i < a->nwake; i++)
		sg_sem_release(a->wake[i]->sem);
	a->nwake = 0;
}

/* Wait for a descriptor of (dev, wq) for up to retries * spin_ns, as the
 * series' bounded spin in iaa_comp_compress()/decompress does.  1 if one was
 * handed over. */
static int iaa_wait_desc(struct sg_act *a, int dir, unsigned dev, unsigned wq)
{
	double budget = g->hw.iaa.alloc_retries[dir] * g->hw.iaa.spin_ns * hw_cpu_scale(&g->hw);
	double t0 = sg_now();
	int ok;

	g->iaa->st.alloc_waits[dir]++;
	wake_engines(a);
	a->granted = 0;
	iaa_wait_push(g->iaa, dev, wq, a);
	ok = budget > 0 && sg_sem_acquire_timeout(a->sem, budget * 1e-9) == 0;
	if (!ok) {
		if (a->granted) {
			sg_sem_acquire(a->sem);   /* handed over at the deadline: consume it */
			ok = 1;
		} else {
			iaa_wait_remove(g->iaa, dev, wq, a);
		}
	}
	cpu_charge(a, CPU_iaa_spin, sg_now() - t0);
	return ok;
}

/* Shared WQ: ENQCMDS is retried while the WQ is full. */
static int iaa_enqueue(struct sg_act *a, struct iaa_desc *d)
{
	for (unsigned tries = 0;; tries++) {
		int e = iaa_submit(g->iaa, d, ns_u64(sg_now()));
		if (e >= 0) {
			a->wake[a->nwake++] = &g->engines[d->dev * g->hw.iaa.engines + (unsigned)e];
			return 0;
		}
		if (e == -1)
			return 0;   /* every able engine is busy: one of them will take it */
		if (tries >= g->hw.iaa.enqcmds_retries)
			return -EAGAIN;
		wake_engines(a);
		double spin = g->hw.iaa.spin_ns * hw_cpu_scale(&g->hw);
		cpu_charge(a, CPU_iaa_spin, spin);
		sg_actor_sleep_for(spin * 1e-9);
	}
}

/* Decompress batches submit their two largest jobs first (head start for the
 * longest, iaa_comp_adecompress_batch()). */
static void order_lens(int dir, const uint32_t *lens, unsigned n, uint32_t *out)
{
	memcpy(out, lens, n * sizeof(*out));
	if (dir != HW_DECOMPRESS || n < 3)
		return;
	for (unsigned k = 0; k < 2; k++) {
		unsigned big = k;
		for (unsigned i = k + 1; i < n; i++)
			if (out[i] > out[big])
				big = i;
		uint32_t t = out[k];
		out[k] = out[big];
		out[big] = t;
	}
}

static double iaa_call(struct sg_act *a, int dir, const uint32_t *lens_in, unsigned n, int verify);

/* Fill descriptor i of a's call for a job of len bytes on (dev, wq). */
static struct iaa_desc *desc_fill(struct sg_act *a, unsigned i, int dir, unsigned dev, unsigned wq,
				  uint32_t len, int verify)
{
	struct iaa_desc *d = &a->desc[i];

	d->owner = a;
	d->len = len;
	d->dir = (uint8_t)dir;
	d->dev = (uint16_t)dev;
	d->wq = (uint8_t)wq;
	d->service_ns = hw_iaa_service_ns(&g->hw, dir, len);
	if (verify)
		g->iaa->st.verify_descs++;
	return d;
}

/* Give a descriptor of (dev, wq) back; a submitter waiting for one gets it. */
static void desc_release(unsigned dev, unsigned wq)
{
	struct sg_act *w = iaa_desc_free(g->iaa, dev, wq);

	if (w) {
		w->granted = 1;
		sg_sem_release(w->sem);
	}
}

/* May a call of n descriptors of a lone stream be worked out without SimGrid?
 * Every device idle (nothing queued, no engine running or woken) and room
 * for the whole call in every WQ: then no other actor can touch the devices
 * before the call ends. */
static int iaa_can_coalesce(const struct sg_act *a, unsigned n)
{
	if (!can_coalesce(a))
		return 0;
	for (unsigned d = 0; d < g->iaa->ndev; d++) {
		const struct iaa_device *dv = &g->iaa->dev[d];
		if (dv->queued)
			return 0;
		for (unsigned e = 0; e < dv->neng; e++)
			if (!dv->eng[e].idle)
				return 0;
		for (unsigned w = 0; w < dv->nwq; w++)
			if (dv->wq[w].pool - dv->wq[w].alloc < n || dv->wq[w].size < n)
				return 0;
	}
	return 1;
}

/*
 * The same call as iaa_call() below, replayed in C on idle devices: the
 * engines woken by the submissions take descriptors in time order exactly as
 * their actors would (ties between engines free at the same instant go to
 * the lower device and engine number).  Returns the latency, or a negative
 * value when the call would end after the shrink worker's next wakeup (then
 * nothing has been changed and the caller goes through SimGrid).
 */
static double iaa_call_coalesced(struct sg_act *a, int dir, const uint32_t *lens, unsigned n, int verify)
{
	const struct hw_iaa *p = &g->hw.iaa;
	double start = a->clock, free_at[HW_MAX_IAA][HW_IAA_ENGINES];
	struct iaa_desc *running[HW_MAX_IAA][HW_IAA_ENGINES];
	double t = start + n * hw_iaa_submit_ns(&g->hw, dir), done = t;

	/* the end is known before anything changes: idle list scheduling */
	double end = t + hw_iaa_idle_call_ns(&g->hw, dir, lens, n) - n * hw_iaa_submit_ns(&g->hw, dir);
	if (end >= g->worker_wake)
		return -1;
	cpu_charge(a, CPU_iaa_submit, t - start);
	for (unsigned i = 0; i < n; i++) {
		unsigned dev = iaa_pick_device(g->iaa, a->core, dir);
		unsigned wq = iaa_pick_wq(g->iaa, dev, a->core, dir);
		iaa_desc_alloc(g->iaa, dev, wq);
		struct iaa_desc *d = desc_fill(a, i, dir, dev, wq, lens[i], verify);
		int e = iaa_submit(g->iaa, d, ns_u64(t));
		if (e >= 0) {
			free_at[dev][e] = t;
			running[dev][e] = NULL;
		}
	}
	for (;;) {
		/* the woken engine that is free first takes the next job */
		int bd = -1, be = -1;
		for (unsigned dv = 0; dv < g->iaa->ndev; dv++)
			for (unsigned e = 0; e < g->iaa->dev[dv].neng; e++)
				if (!g->iaa->dev[dv].eng[e].idle && (bd < 0 || free_at[dv][e] < free_at[bd][be])) {
					bd = (int)dv;
					be = (int)e;
				}
		if (bd < 0)
			break;
		double f = free_at[bd][be];
		struct iaa_desc *prev = running[bd][be];
		if (prev) {
			/* its job ends now: in the order engine_main() does things */
			iaa_engine_done(g->iaa, (unsigned)bd, (unsigned)be, ns_u64(f - prev->service_ns), ns_u64(f));
			g->iaa->st.descs[prev->dir]++;
			iaa_desc_free(g->iaa, prev->dev, prev->wq);   /* nobody waits while coalescing */
			if (f > done)
				done = f;
		}
		running[bd][be] = iaa_engine_take(g->iaa, (unsigned)bd, (unsigned)be, ns_u64(f));
		if (running[bd][be])
			free_at[bd][be] = f + running[bd][be]->service_ns;
	}
	done += p->fixed_ns[dir];
	if (p->sync_mode == HW_IAA_IRQ) {
		done += p->irq_latency_ns;
		cpu_charge(a, CPU_iaa_irq, p->irq_cpu_ns * hw_cpu_scale(&g->hw));
	} else {
		cpu_charge(a, CPU_iaa_poll, done - t);
	}
	a->clock = done;
	zswap_set_now(g->zs, ns_u64(a->clock));
	if (dir == HW_COMPRESS && p->verify_compress && !verify)
		iaa_call(a, HW_DECOMPRESS, lens, n, 1);
	return a->clock - start;
}

/*
 * One call of n <= 8 descriptors: the CPU submits them all (n * submit),
 * they queue on their WQs and engines serve them; the caller then sees the
 * fixed per-call latency (and the irq latency in irq mode).  Poll mode keeps
 * the CPU busy until the end; irq mode charges only the wakeup.  Pages whose
 * descriptor could not be had are done in software afterwards (deflate).
 * Returns the call's latency in ns.
 */
static double iaa_call(struct sg_act *a, int dir, const uint32_t *lens_in, unsigned n, int verify)
{
	const struct hw_iaa *p = &g->hw.iaa;
	uint32_t lens[HW_MAX_BATCH];
	double fallback = 0;

	order_lens(dir, lens_in, n, lens);
	if (iaa_can_coalesce(a, n)) {
		double ns = iaa_call_coalesced(a, dir, lens, n, verify);
		if (ns >= 0)
			return ns;
	}
	act_flush(a);
	double start = a->clock;
	cpu_run(a, CPU_iaa_submit, n * hw_iaa_submit_ns(&g->hw, dir));
	act_flush(a);
	a->remaining = 0;
	unsigned on_device = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned dev = iaa_pick_device(g->iaa, a->core, dir);
		unsigned wq = iaa_pick_wq(g->iaa, dev, a->core, dir);
		if (iaa_desc_alloc(g->iaa, dev, wq) && !iaa_wait_desc(a, dir, dev, wq)) {
			g->iaa->st.fallbacks[dir]++;
			fallback += hw_codec_ns(&g->hw, CODEC_DEFLATE, dir, lens[i]);
			continue;
		}
		struct iaa_desc *d = desc_fill(a, i, dir, dev, wq, lens[i], verify);
		a->remaining++;
		if (iaa_enqueue(a, d)) {
			a->remaining--;
			desc_release(dev, wq);
			g->iaa->st.fallbacks[dir]++;
			fallback += hw_codec_ns(&g->hw, CODEC_DEFLATE, dir, lens[i]);
			continue;
		}
		on_device++;
	}
	wake_engines(a);
	double submitted = sg_now();
	if (a->remaining) {
		a->waiting = 1;
		sg_sem_acquire(a->sem);
	}
	double delay = on_device ? p->fixed_ns[dir] : 0;
	if (on_device && p->sync_mode == HW_IAA_IRQ) {
		delay += p->irq_latency_ns;
		cpu_charge(a, CPU_iaa_irq, p->irq_cpu_ns * hw_cpu_scale(&g->hw));
	}
	if (delay > 0)
		sg_actor_sleep_for(delay * 1e-9);
	if (p->sync_mode == HW_IAA_POLL)
		cpu_charge(a, CPU_iaa_poll, sg_now() - submitted);
	act_sync_clock(a);
	if (fallback > 0) {
		cpu_charge(a, CPU_sw_fallback, fallback);
		sg_actor_execute(fallback);
		act_sync_clock(a);
	}
	if (dir == HW_COMPRESS && p->verify_compress && !verify)
		iaa_call(a, HW_DECOMPRESS, lens, n, 1);
	return a->clock - start;
}

static void engine_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct sg_engine *e = sg_actor_self_get_data();

	for (;;) {
		struct iaa_desc *d = iaa_engine_take(g->iaa, e->dev, e->eng, ns_u64(sg_now()));
		if (!d) {
			sg_sem_acquire(e->sem);
			continue;
		}
		double start = sg_now();
		sg_actor_execute(d->service_ns);
		double end = sg_now();
		iaa_engine_done(g->iaa, e->dev, e->eng, ns_u64(start), ns_u64(end));
		g->iaa->st.descs[d->dir]++;
		desc_release(d->dev, d->wq);
		struct sg_act *o = d->owner;
		if (!--o->remaining && o->waiting) {
			o->waiting = 0;
			sg_sem_release(o->sem);
		}
	}
}

/* ---- swap device ----------------------------------------------------------- */

static void ssd_busy(int more)
{
	struct sg_ssd *d = &g->ssd;
	double now = sg_now();
	if (more && !d->inflight++)
		d->busy_since = now;
	if (!more && !--d->inflight)
		d->busy_ns += now - d->busy_since;
}

static void disk_io(struct sg_act *a, int write, unsigned nr_pages)
{
	struct sg_ssd *d = &g->ssd;
	double lat = hw_ssd_latency_ns(&g->hw, write);
	double xfer = hw_ssd_transfer_ns(&g->hw, write, nr_pages);

	d->reqs[write]++;
	d->pages[write] += nr_pages;
	if (can_coalesce(a) && !d->inflight && !d->x_n && a->clock + lat + xfer < g->worker_wake) {
		/* An idle device and nobody else to use it before we are done: the
		 * request takes exactly latency + transfer, no activity needed. */
		d->busy_ns += lat + xfer;
		d->xfer_ns += xfer;
		a->clock += lat + xfer;
		zswap_set_now(g->zs, ns_u64(a->clock));
		lat_add(&g->lat[write ? LAT_disk_write : LAT_disk_read], ns_u64(lat + xfer));
		return;
	}
	act_flush(a);
	double start = a->clock;
	if (d->inflight >= g->hw.ssd.queue_depth) {
		d->slot_wait[(d->sw_head + d->sw_n++) % d->cap] = a;
		if (d->sw_n > d->max_waiting)
			d->max_waiting = d->sw_n;
		sg_sem_acquire(a->sem);           /* the slot is handed over */
	} else {
		ssd_busy(1);
	}
	sg_actor_sleep_for(lat * 1e-9);
	a->xfer_ns = xfer;
	d->xfer[(d->x_head + d->x_n++) % d->cap] = a;
	if (d->idle) {
		d->idle = 0;
		sg_sem_release(d->sem);
	}
	sg_sem_acquire(a->sem);
	if (d->sw_n) {
		struct sg_act *w = d->slot_wait[d->sw_head];
		d->sw_head = (d->sw_head + 1) % d->cap;
		d->sw_n--;
		sg_sem_release(w->sem);
	} else {
		ssd_busy(0);
	}
	act_sync_clock(a);
	lat_add(&g->lat[write ? LAT_disk_write : LAT_disk_read], ns_u64(a->clock - start));
}

static void ssd_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct sg_ssd *d = &g->ssd;

	for (;;) {
		if (!d->x_n) {
			d->idle = 1;
			sg_sem_acquire(d->sem);
			continue;
		}
		struct sg_act *a = d->xfer[d->x_head];
		d->x_head = (d->x_head + 1) % d->cap;
		d->x_n--;
		sg_actor_execute(a->xfer_ns);
		d->xfer_ns += a->xfer_ns;
		sg_sem_release(a->sem);
	}
}

/* ---- zswap_timing hooks ----------------------------------------------------- */

static struct sg_act *act_of(int who)
{
	return who >= 0 && (unsigned)who < g->nstreams ? &g->streams[who] : &g->worker;
}

/* Writeback work: everything the worker does, and decompressions a stream
 * does while storing (direct reclaim by the replay-driven shrinker). */
static int in_writeback(const struct sg_act *a)
{
	return a->who < 0 || a->op == TRACE_OP_OUT;
}

static void record_call(int batch_lat, int page_lat, double ns, unsigned n)
{
	lat_add(&g->lat[batch_lat], ns_u64(ns));
	lat_add_n(&g->lat[page_lat], ns_u64(ns / n), n);
}

/* n pages through codec in direction dir: IAA calls of up to HW_MAX_BATCH
 * descriptors, or software on the actor's core.  Returns the time taken. */
static double codec_run(struct sg_act *a, int dir, int codec, const uint32_t *lens, unsigned n)
{
	double ns = 0;

	if (hw_codec_uses_iaa(&g->hw, codec)) {
		for (unsigned i = 0; i < n; i += HW_MAX_BATCH)
			ns += iaa_call(a, dir, lens + i, n - i < HW_MAX_BATCH ? n - i : HW_MAX_BATCH, 0);
	} else {
		for (unsigned i = 0; i < n; i++)
			ns += hw_codec_ns(&g->hw, codec, dir, lens[i]);
		cpu_run(a, dir == HW_COMPRESS ? CPU_compress : CPU_decompress, ns);
	}
	return ns;
}

static void hook_compress(void *ctx, int who, int codec, const uint32_t *lens, unsigned n)
{
	(void)ctx;
	if (!n)
		return;
	double ns = codec_run(act_of(who), HW_COMPRESS, codec, lens, n);
	record_call(LAT_compress_batch, LAT_compress_page, ns, n);
}

static void hook_decompress(void *ctx, int who, int codec, const uint32_t *lens, unsigned n)
{
	(void)ctx;
	struct sg_act *a = act_of(who);

	if (!n)
		return;
	if (in_writeback(a) && a->wb_start < 0)
		a->wb_start = a->clock;
	double ns = codec_run(a, HW_DECOMPRESS, codec, lens, n);
	record_call(LAT_decompress_batch, LAT_decompress_page, ns, n);
}

static void hook_disk_write(void *ctx, int who, uint32_t slot, unsigned nr_pages)
{
	(void)ctx;
	(void)slot;
	struct sg_act *a = act_of(who);

	disk_io(a, 1, nr_pages);
	if (a->wb_start >= 0) {
		lat_add(&g->lat[LAT_writeback], ns_u64(a->clock - a->wb_start));
		a->wb_start = -1;
	}
}

static void hook_disk_read(void *ctx, int who, uint32_t slot, unsigned nr_pages)
{
	(void)ctx;
	(void)slot;
	disk_io(act_of(who), 0, nr_pages);
}

/* queue_work(): the worker starts when the kicking record is done, so an
 * open replay without overlap sees the state the `none` backend sees. */
static void hook_kick(void *ctx)
{
	(void)ctx;
	g->kick_pending = 1;
}

static const struct zswap_timing sg_timing = {
	.compress = hook_compress,
	.decompress = hook_decompress,
	.disk_write = hook_disk_write,
	.disk_read = hook_disk_read,
	.kick_shrink_worker = hook_kick,
};

/* ---- shrink worker and timers ------------------------------------------------ */

static void worker_wake(void)
{
	if (g->worker_waiting) {
		g->worker_waiting = 0;
		sg_sem_release(g->worker.sem);
	}
}

/* After a record of stream a: start pending shrink work (from the end of the
 * record: SimGrid's clock is brought there first), or re-arm the worker's
 * timer wait when an earlier timer appeared.  Setting worker_wake here stops
 * the stream from coalescing past the new timer before the worker runs. */
static void worker_poke(struct sg_act *a)
{
	if (g->kick_pending) {
		act_flush(a);
		g->worker_busy = 1;
		worker_wake();
		return;
	}
	uint64_t t = zswap_next_timer(g->zs);
	if ((double)t < g->worker_wake) {
		g->worker_wake = (double)t;
		worker_wake();
	}
}

static void worker_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct sg_act *a = &g->worker;

	for (;;) {
		act_sync_clock(a);
		if (g->kick_pending) {
			g->kick_pending = 0;
			g->worker_busy = 1;
			a->wb_start = -1;
			g->worker_runs++;
			zswap_shrink_worker(g->zs);
			g->worker_busy = 0;
			continue;
		}
		g->worker_busy = 0;
		if (!g->streams_left || g->stop)
			break;
		uint64_t t = zswap_next_timer(g->zs);
		if (t <= ns_u64(a->clock)) {
			g->timer_runs++;
			/* busy like a shrink run: its writebacks use the CPU, the
			 * IAA and the disk, so a lone stream must not coalesce past them */
			g->worker_busy = 1;
			zswap_timer(g->zs);
			g->worker_busy = 0;
			continue;
		}
		g->worker_waiting = 1;
		if (t == UINT64_MAX) {
			g->worker_wake = INFINITY;
			sg_sem_acquire(a->sem);
		} else {
			g->worker_wake = (double)t;
			if (sg_sem_acquire_timeout(a->sem, ((double)t - a->clock) * 1e-9) && !g->worker_waiting)
				sg_sem_acquire(a->sem);   /* woken at the deadline: consume it */
		}
		g->worker_waiting = 0;
		g->worker_wake = INFINITY;
	}
	a->finish_ns = ns_u64(sg_now());
}

/* ---- streams ----------------------------------------------------------------- */

#define DEP_NONE UINT64_MAX

static uint64_t stream_rec_index(const struct sg_act *a, uint64_t i)
{
	return a->idx ? a->idx[i] : i;
}

static const struct trace_record *stream_rec(const struct sg_act *a, uint64_t i)
{
	return &g->s->trace.rec[stream_rec_index(a, i)];
}

/*
 * A swap slot's events keep their trace order across streams.  In the kernel
 * a slot is allocated when reclaim (maybe run by another task) swaps the folio
 * out, so the owner's later free or fault of that slot cannot overtake the
 * swap-out.  Streams replay on their own clocks here, so a stream held up in
 * a long store could otherwise apply its swap-out after another stream freed
 * the slot, and leak the entry.  Dependencies point backwards in trace order
 * and each stream applies its records in order, so the earliest unapplied
 * record can always go: no deadlock.
 */
static void wait_for_dep(struct sg_act *a, uint64_t rec)
{
	uint64_t d = g->dep ? g->dep[rec] : DEP_NONE;
	if (d == DEP_NONE || g->done[d])
		return;
	g->dep_waits++;
	if (!g->dep_mutex) {   /* created inside the simulation, on first need */
		g->dep_mutex = sg_mutex_init();
		g->dep_cond = sg_cond_init();
	}
	sg_mutex_lock(g->dep_mutex);
	g->dep_waiters++;
	while (!g->done[d])
		sg_cond_wait(g->dep_cond, g->dep_mutex);
	g->dep_waiters--;
	sg_mutex_unlock(g->dep_mutex);
	act_sync_clock(a);
}

static void mark_done(uint64_t rec)
{
	if (!g->done)
		return;
	g->done[rec] = 1;
	if (g->dep_waiters)
		sg_cond_notify_all(g->dep_cond);
}

static void stream_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct sg_act *a = sg_actor_self_get_data();
	uint64_t prev_t = 0;

	a->clock = sg_now();
	for (uint64_t i = 0; i < a->nrec && !g->stop; i++) {
		const struct trace_record *r = stream_rec(a, i);
		double target;
		if (!g->closed || i == 0) {
			target = (double)r->time_ns;
		} else {
			/* closed: the application computes for the recorded gap */
			cpu_run(a, CPU_app, (double)(r->time_ns - prev_t));
			target = a->clock;
		}
		prev_t = r->time_ns;
		if (target < a->clock)
			target = a->clock;
		if (can_coalesce(a) && target < g->worker_wake) {
			/* nothing else can happen in SimGrid before our next request */
			g->coalesced_records++;
			a->clock = target;
			zswap_set_now(g->zs, ns_u64(target));
		} else {
			if (target > sg_now() + 0.5)
				sg_actor_sleep_until(target * 1e-9);
			act_sync_clock(a);
		}

		uint64_t ri = stream_rec_index(a, i);
		wait_for_dep(a, ri);
		double start = a->clock;
		if (start > g->max_advance)
			g->max_advance = start;
		sim_advance(g->s, ns_u64(g->max_advance));
		a->op = r->op;
		a->wb_start = -1;
		sim_apply(g->s, r);
		if (r->op == TRACE_OP_OUT && !(r->flags & TRACE_F_CLEAN))
			lat_add(&g->lat[LAT_store_folio], ns_u64(a->clock - start));
		else if (r->op == TRACE_OP_IN)
			lat_add(&g->lat[LAT_load], ns_u64(a->clock - start));
		mark_done(ri);
		int ret = sim_event_done(g->s, r, g->err, g->errlen);
		if (ret && !g->ret) {
			g->ret = ret;
			g->stop = 1;
		}
		worker_poke(a);
	}
	act_flush(a);
	a->finish_ns = ns_u64(a->clock);
	if (!--g->streams_left)
		worker_wake();
}

/* ---- setup --------------------------------------------------------------------- */

/* Record lists per stream over the first n records (multi-stream traces). */
static int split_streams(struct sg_backend *b, uint64_t n)
{
	uint64_t *count = calloc(b->nstreams + 1, sizeof(*count));
	if (!count)
		return -ENOMEM;
	for (uint64_t i = 0; i < n; i++)
		count[b->s->trace.rec[i].stream + 1]++;
	for (unsigned k = 0; k < b->nstreams; k++)
		count[k + 1] += count[k];
	b->idx = malloc((n ? n : 1) * sizeof(*b->idx));
	if (!b->idx) {
		free(count);
		return -ENOMEM;
	}
	for (unsigned k = 0; k < b->nstreams; k++) {
		b->streams[k].idx = b->idx + count[k];
		b->streams[k].nrec = count[k + 1] - count[k];
	}
	for (uint64_t i = 0; i < n; i++)
		b->idx[count[b->s->trace.rec[i].stream]++] = i;
	free(count);
	return 0;
}

/* dep[] of the first n records (see wait_for_dep()). */
static int slot_deps(struct sg_backend *b, uint64_t n)
{
	const struct trace *t = &b->s->trace;
	uint64_t *last = malloc((t->meta.slot_count ? t->meta.slot_count : 1) * sizeof(*last));
	b->dep = malloc((n ? n : 1) * sizeof(*b->dep));
	b->done = calloc(n ? n : 1, 1);
	if (!last || !b->dep || !b->done) {
		free(last);
		return -ENOMEM;
	}
	for (uint32_t sl = 0; sl < t->meta.slot_count; sl++)
		last[sl] = DEP_NONE;
	for (uint64_t i = 0; i < n; i++) {
		const struct trace_record *r = &t->rec[i];
		uint64_t d = DEP_NONE;
		for (uint32_t k = 0; k < trace_nr_pages(r); k++) {
			uint64_t p = last[r->slot + k];
			/* a same-stream predecessor is ordered already, and carries
			 * its own dependency on anything before it */
			if (p != DEP_NONE && t->rec[p].stream != r->stream && (d == DEP_NONE || p > d))
				d = p;
			last[r->slot + k] = i;
		}
		b->dep[i] = d;
	}
	free(last);
	return 0;
}

/*
 * Every stream with records is a SimGrid actor with its own stack mapping (and
 * guard page); Linux allows 65,530 mappings per process by default, and SimGrid
 * aborts when it runs out.  Refuse such a trace up front.
 */
#define SG_MAX_STREAM_ACTORS 16384

static int check_actor_count(const struct sg_backend *b, char *err, size_t errlen)
{
	unsigned active = 0;
	for (unsigned k = 0; k < b->nstreams; k++)
		active += b->streams[k].nrec > 0;
	if (active <= SG_MAX_STREAM_ACTORS)
		return 0;
	snprintf(err, errlen, "%s: %u streams have records; the simgrid backend runs one actor per "
		 "stream and supports at most %u (the none backend has no limit)",
		 b->s->trace.path, active, SG_MAX_STREAM_ACTORS);
	return -EINVAL;
}

static int write_platform(const struct sg_backend *b, char *path, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(path, len, "%s/zswapsim-platform-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -errno;
	}
	fprintf(f, "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
		"<platform version=\"4.1\">\n<zone id=\"zswapsim\" routing=\"Full\">\n");
	for (unsigned c = 0; c < b->hw.cores; c++)
		fprintf(f, "<host id=\"core%u\" speed=\"1Gf\"/>\n", c);
	for (unsigned e = 0; e < b->nengines; e++)
		fprintf(f, "<host id=\"iaa%u.e%u\" speed=\"1Gf\"/>\n", b->engines[e].dev, b->engines[e].eng);
	fprintf(f, "<host id=\"swap\" speed=\"1Gf\"/>\n</zone>\n</platform>\n");
	int bad = ferror(f);
	if (fclose(f) || bad)
		return -EIO;
	return 0;
}

static sg_actor_t start_actor(const char *name, const char *host, xbt_main_func_t fn, void *data)
{
	sg_actor_t act = sg_actor_init(name, sg_host_by_name(host));
	sg_actor_set_data(act, data);
	sg_actor_start(act, fn, 0, NULL);
	return act;
}

static void init_act(struct sg_act *a, int who, unsigned core)
{
	a->who = who;
	a->core = core;
	a->sem = sg_sem_init(0);
	a->wb_start = -1;
	a->op = -1;
}

static int backend_init(struct sg_backend *b, struct sim *s, char *err, size_t errlen)
{
	int r;

	b->s = s;
	b->zs = s->zs;
	b->err = err;
	b->errlen = errlen;
	b->hw = s->cfg->hw;   /* translated and checked when the config was loaded */
	b->closed = !strcmp(cfg_str(s->cfg, "replay.mode"), "closed");
	b->coalesce = cfg_bool(s->cfg, "timing.coalesce");
	b->nstreams = s->trace.meta.stream_count ? s->trace.meta.stream_count : 1;
	b->streams = calloc(b->nstreams, sizeof(*b->streams));
	b->cpu = calloc((size_t)b->hw.cores * CPU_NR, sizeof(*b->cpu));
	if (!b->streams || !b->cpu)
		goto nomem;
	for (unsigned k = 0; k < b->nstreams; k++) {
		unsigned core;
		r = hw_stream_core(&b->hw, k, &core, err, errlen);
		if (r)
			return r;
		b->streams[k].who = (int)k;
		b->streams[k].core = core;
	}
	uint64_t n = sim_record_count(s);
	if (b->nstreams == 1)
		b->streams[0].nrec = n;
	else if (split_streams(b, n) || slot_deps(b, n))
		goto nomem;
	for (int i = 0; i < LAT_NR; i++)
		if (lat_init(&b->lat[i]))
			goto nomem;
	uint64_t sample = (uint64_t)cfg_int(s->cfg, "timing.hw_sample_ns");
	if (!sample)
		sample = s->ts.interval_ns ? s->ts.interval_ns : 1000000;
	if (b->hw.iaa.devices_per_socket) {
		r = iaa_create(&b->iaa, &b->hw, b->nstreams + 1, sample, err, errlen);
		if (r)
			return r;
		b->nengines = b->iaa->ndev * b->hw.iaa.engines;
		b->engines = calloc(b->nengines, sizeof(*b->engines));
		if (!b->engines)
			goto nomem;
		for (unsigned e = 0; e < b->nengines; e++) {
			b->engines[e].dev = e / b->hw.iaa.engines;
			b->engines[e].eng = e % b->hw.iaa.engines;
		}
	}
	b->ssd.cap = b->nstreams + 1;
	b->ssd.slot_wait = calloc(b->ssd.cap, sizeof(*b->ssd.slot_wait));
	b->ssd.xfer = calloc(b->ssd.cap, sizeof(*b->ssd.xfer));
	if (!b->ssd.slot_wait || !b->ssd.xfer)
		goto nomem;
	b->worker_wake = INFINITY;
	return 0;
nomem:
	snprintf(err, errlen, "simgrid backend: out of memory");
	return -ENOMEM;
}

static void backend_free(struct sg_backend *b)
{
	for (int i = 0; i < LAT_NR; i++)
		lat_free(&b->lat[i]);
	for (unsigned k = 0; b->streams && k < b->nstreams; k++)
		if (b->streams[k].sem)
			sg_sem_destroy(b->streams[k].sem);
	if (b->worker.sem)
		sg_sem_destroy(b->worker.sem);
	for (unsigned e = 0; b->engines && e < b->nengines; e++)
		if (b->engines[e].sem)
			sg_sem_destroy(b->engines[e].sem);
	if (b->ssd.sem)
		sg_sem_destroy(b->ssd.sem);
	iaa_destroy(b->iaa);
	free(b->engines);
	free(b->streams);
	free(b->idx);
	free(b->dep);
	free(b->done);
	if (b->dep_cond)
		sg_cond_destroy(b->dep_cond);
	if (b->dep_mutex)
		sg_mutex_destroy(b->dep_mutex);
	free(b->cpu);
	free(b->ssd.slot_wait);
	free(b->ssd.xfer);
}

/* simgrid_init() argv: our program name, quiet logs unless asked, the
 * --cfg/--log options the CLI collected.  Under AddressSanitizer the raw
 * contexts confuse ASan's stack tracking: use thread contexts there. */
static void sg_start(struct sim *s)
{
	static char *argv[256];
	static char name[] = "zswapsim", quiet[] = "--log=root.thresh:warning";
	int argc = 0;

	argv[argc++] = name;
	argv[argc++] = quiet;
#if defined(__SANITIZE_ADDRESS__)
	static char thread[] = "--cfg=contexts/factory:thread";
	argv[argc++] = thread;
#endif
	for (int i = 0; i < s->sg_argc && argc < 255; i++)
		if (!strncmp(s->sg_argv[i], "--", 2))   /* the CLI's argv[0] stays out */
			argv[argc++] = s->sg_argv[i];
	argv[argc] = NULL;
	simgrid_init(&argc, argv);
}

/*
 * SimGrid rejects a bad --cfg/--log option by throwing or by xbt_die(), both of
 * which abort the process.  Try them first in a child whose stderr we read, and
 * turn a failure into one line of error: bad input, exit 2, no report.
 */
static int sg_check_options(struct sim *s, char *err, size_t errlen)
{
	int fds[2], status;
	int any = 0;

	for (int i = 0; i < s->sg_argc; i++)
		if (!strncmp(s->sg_argv[i], "--", 2))
			any = 1;
	if (!any)
		return 0;
	if (pipe(fds))
		return 0;   /* cannot check: SimGrid reports it itself */
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	if (!pid) {
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		sg_start(s);
		_exit(0);
	}
	close(fds[1]);
	char buf[8192], chunk[4096];
	size_t n = 0;
	ssize_t got;
	/* read to EOF (the child may print a lot), keep the beginning */
	while ((got = read(fds[0], chunk, sizeof(chunk))) > 0) {
		size_t take = (size_t)got < sizeof(buf) - 1 - n ? (size_t)got : sizeof(buf) - 1 - n;
		memcpy(buf + n, chunk, take);
		n += take;
	}
	buf[n] = 0;
	close(fds[0]);
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	/* the first line with text after SimGrid's "[time] file: [category] " prefix */
	const char *msg = "rejected by SimGrid";
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char *text = strstr(line, "] ");
		text = text ? strstr(text + 2, "] ") : NULL;
		text = text ? text + 2 : line;
		while (*text == ' ')
			text++;
		if (*text && line[0] != ' ') {
			const char *colon = strstr(text, ": ");
			if (!strncmp(text, "Uncaught exception ", 19) && colon)
				text = (char *)colon + 2;   /* drop the C++ exception type */
			msg = text;
			break;
		}
	}
	snprintf(err, errlen, "SimGrid option (--cfg/--log): %s", msg);
	return -EINVAL;
}

/* ---- report ----------------------------------------------------------------------- */

static json_t *cpu_report(const struct sg_backend *b)
{
	json_t *cores = json_array(), *total = json_object();
	double sum[CPU_NR] = { 0 };
	for (unsigned c = 0; c < b->hw.cores; c++) {
		const double *v = b->cpu + (size_t)c * CPU_NR;
		double all = 0;
		json_t *cat = json_object();
		for (int k = 0; k < CPU_NR; k++) {
			all += v[k];
			sum[k] += v[k];
			json_object_set_new(cat, sg_cpu_name[k], json_integer((json_int_t)ns_u64(v[k])));
		}
		if (all <= 0) {
			json_decref(cat);
			continue;
		}
		json_array_append_new(cores, json_pack("{s:i, s:I, s:o}", "core", (int)c,
						       "busy_ns", (json_int_t)ns_u64(all), "ns", cat));
	}
	for (int k = 0; k < CPU_NR; k++)
		json_object_set_new(total, sg_cpu_name[k], json_integer((json_int_t)ns_u64(sum[k])));
	return json_pack("{s:i, s:f, s:o, s:o}", "cores", (int)b->hw.cores, "ghz", b->hw.ghz,
			 "by_core", cores, "total_ns", total);
}

static json_t *ssd_report(const struct sg_backend *b, uint64_t elapsed)
{
	const struct sg_ssd *d = &b->ssd;
	return json_pack("{s:I, s:I, s:I, s:I, s:f, s:f, s:i}",
		"reads", (json_int_t)d->reqs[0], "writes", (json_int_t)d->reqs[1],
		"read_pages", (json_int_t)d->pages[0], "write_pages", (json_int_t)d->pages[1],
		"utilization", elapsed ? d->busy_ns / (double)elapsed : 0.0,
		"transfer_utilization", elapsed ? d->xfer_ns / (double)elapsed : 0.0,
		"max_waiting", (int)d->max_waiting);
}

static json_t *backend_report(struct sg_backend *b, uint64_t elapsed)
{
	json_t *lat = json_object(), *streams = json_array();
	for (int i = 0; i < LAT_NR; i++)
		json_object_set_new(lat, sg_lat_name[i], lat_json(&b->lat[i]));
	for (unsigned k = 0; k < b->nstreams; k++)
		json_array_append_new(streams, json_pack("{s:i, s:i, s:I, s:I}",
			"stream", (int)k, "core", (int)b->streams[k].core,
			"records", (json_int_t)b->streams[k].nrec,
			"finish_ns", (json_int_t)b->streams[k].finish_ns));
	json_t *hwj = json_pack("{s:o, s:o, s:o}", "cpu", cpu_report(b),
		"iaa", b->iaa ? iaa_report(b->iaa, elapsed) : json_null(),
		"swap_device", ssd_report(b, elapsed));
	json_t *sg = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I}",
		"version", SIMGRID_VERSION_STRING,
		"coalesce", b->coalesce,
		"coalesced_records", (json_int_t)b->coalesced_records,
		"slot_order_waits", (json_int_t)b->dep_waits,
		"shrink_worker_runs", (json_int_t)b->worker_runs,
		"timer_runs", (json_int_t)b->timer_runs);
	return json_pack("{s:o, s:o, s:o, s:I, s:o}", "latency", lat, "hardware", hwj,
			 "streams", streams, "elapsed_ns", (json_int_t)elapsed, "simgrid", sg);
}

/* ---- entry point -------------------------------------------------------------------- */

int sim_run_simgrid(struct sim *s, char *err, size_t errlen)
{
	static int started;
	struct sg_backend b;
	char platform[512], name[64];
	int r;

	if (started) {
		snprintf(err, errlen, "simgrid backend: one SimGrid run per process");
		return -EBUSY;
	}
	r = sg_check_options(s, err, errlen);
	if (r)
		return r;
	started = 1;
	memset(&b, 0, sizeof(b));
	g = &b;
	r = backend_init(&b, s, err, errlen);
	if (r)
		goto out;
	r = check_actor_count(&b, err, errlen);
	if (r)
		goto out;
	r = write_platform(&b, platform, sizeof(platform));
	if (r) {
		snprintf(err, errlen, "simgrid backend: cannot write the platform file: %s", strerror(-r));
		goto out;
	}
	sg_start(s);
	simgrid_load_platform(platform);
	unlink(platform);

	zswap_set_timing(s->zs, &sg_timing, &b);
	for (unsigned e = 0; e < b.nengines; e++) {
		b.engines[e].sem = sg_sem_init(0);
		/* each engine actor runs on its own host of the same name */
		snprintf(name, sizeof(name), "iaa%u.e%u", b.engines[e].dev, b.engines[e].eng);
		sg_actor_daemonize(start_actor(name, name, engine_main, &b.engines[e]));
	}
	b.ssd.sem = sg_sem_init(0);
	b.ssd.idle = 1;
	sg_actor_daemonize(start_actor("swap", "swap", ssd_main, NULL));
	/* one actor per stream that has records (streams_left counts them) */
	b.streams_left = 0;
	for (unsigned k = 0; k < b.nstreams; k++)
		b.streams_left += b.streams[k].nrec > 0;
	for (unsigned k = 0; k < b.nstreams; k++) {
		char host[32];
		init_act(&b.streams[k], (int)k, b.streams[k].core);
		if (!b.streams[k].nrec)
			continue;
		snprintf(name, sizeof(name), "stream%u", k);
		snprintf(host, sizeof(host), "core%u", b.streams[k].core);
		start_actor(name, host, stream_main, &b.streams[k]);
	}
	char host[32];
	init_act(&b.worker, ZSWAP_WHO_WORKER, (unsigned)b.hw.worker_core);
	snprintf(host, sizeof(host), "core%d", b.hw.worker_core);
	start_actor("shrink_worker", host, worker_main, &b.worker);

	simgrid_run();
	zswap_set_timing(s->zs, NULL, NULL);

	uint64_t end = ns_u64(sg_now());
	for (unsigned k = 0; k < b.nstreams; k++)
		if (b.streams[k].finish_ns > end)
			end = b.streams[k].finish_ns;
	r = b.ret;
	if (!r) {
		sim_finish(s, end);
		json_decref(s->backend_report);
		s->backend_report = backend_report(&b, end);
	}
out:
	backend_free(&b);
	g = NULL;
	return r;
}
