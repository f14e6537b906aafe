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
 *
 * This file: the entry point and setup, each actor's clock and CPU time
 * accounting, and the zswap_timing hooks; the actors and the rest are in
 * timing_simgrid_*.c (timing_simgrid.h lists them).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/timing_simgrid.h"
#include "models/reclaim.h"

struct sg_backend *sgb;

/* ---- clocks and CPU ---------------------------------------------------------- */

int sg_can_coalesce(const struct sg_act *a)
{
	return sgb->coalesce && a->who >= 0 && sgb->streams_left == 1 && !sgb->worker_busy &&
	       !sgb->kick_pending && !sgb->kswapd_busy && !sgb->kswapd_kick;
}

/* ---- who can act at the current instant ---------------------------------------- */

/*
 * Some SimGrid calls only matter for the order in which actors run within
 * one instant (a wakeup of the slot-order waiters that none of them waits
 * for, timing_simgrid_order.c).  Such a call may be left out when the
 * calling actor is alone at the current instant: no other actor can run at
 * it any more.  None was released at it, no other actor's sleep, timeout or
 * CPU execution ends within SG_INSTANT_NS of it, and neither the shrink
 * worker nor the swap device's actor has run at it.  A stream that already
 * ran at the instant and is blocked again until later (or until released)
 * does not count: it cannot complete a record, start waiting for one or
 * release anyone at this instant, so the waiters' round trip through the
 * mutex meets nothing of it (on the bench's multistream trace this leaves
 * out 20,131 more wakeups: 63,157 -> 43,026 broadcasts, 800,579 -> 760,228
 * simcalls).  CPU executions end when
 * SimGrid's CPU model says: a core's k running executions each get 1/k of
 * it; struct sg_core follows them (exact to a fraction of a nanosecond;
 * SimGrid rounds ends that close together to one instant, hence the margin).
 *
 * Only trace replays with coalescing on, without IAA devices (whose engine
 * actors are not followed) and with at most SG_WATCH_STREAMS streams (each
 * check looks at every actor) use it; elsewhere sg_alone() says no.
 */
#define SG_WATCH_STREAMS 64

static void core_advance(struct sg_core *c, double now)
{
	if (c->k) {
		double done = (now - c->last) / c->k;

		for (unsigned i = 0; i < c->k; i++)
			c->run[i]->exec_rem -= done;
	}
	c->last = now;
}

/* ZSWAPSIM_CHECK_EVERY_STEP: the execution ended when struct sg_core said. */
static void check_exec_end(const struct sg_act *a, const struct sg_core *c)
{
	sgb->exec_checks++;
	if (fabs(a->exec_rem) * c->k <= SG_INSTANT_NS || sgb->ret)
		return;
	snprintf(sgb->err, sgb->errlen, "CPU sharing: an execution on core %u ended at %.3f ns, "
		 "%.3f ns from its predicted end", a->core, sg_now(), a->exec_rem * c->k);
	sgb->ret = -EFAULT;
	sgb->stop = 1;
}

/* An actor other than a that may start CPU work on a's core. */
static int core_neighbour(const struct sg_act *a, const struct sg_act *x)
{
	return x != a && x->core == a->core && (x->who < 0 || x->nrec);
}

/*
 * ZSWAPSIM_CHECK_EVERY_STEP: what a stream's execution of ns meets on its
 * core as it starts.  Only SG_EXEC_ALONE could end where an execution alone
 * would without SimGrid's CPU sharing; the others need it (docs/models.md §7).
 */
static int sg_exec_class(const struct sg_act *a, const struct sg_core *c, double ns)
{
	double end = sg_now() + ns;
	int cls = SG_EXEC_ALONE;

	if (c->k)
		return SG_EXEC_SHARED;
	for (unsigned k = 0; k <= sgb->nstreams; k++) {
		const struct sg_act *x = k < sgb->nstreams ? &sgb->streams[k] : &sgb->worker;

		if (!core_neighbour(a, x))
			continue;
		if (x->wake_at == INFINITY)
			return SG_EXEC_RELEASED;
		if (x->wake_at <= end + SG_INSTANT_NS)
			cls = SG_EXEC_WAKING;
	}
	return cls;
}

/* CPU work on the actor's core, through SimGrid. */
void sg_exec_cpu(struct sg_act *a, double ns)
{
	struct sg_core *c = &sgb->cores[a->core];

	core_advance(c, sg_now());
	if (sgb->check_steps && sgb->watch && a->who >= 0)
		sgb->exec_start[sg_exec_class(a, c, ns)]++;
	a->exec_rem = ns;
	a->in_exec = 1;
	c->run[c->k++] = a;
	sgb->sg_execs++;
	sg_execute(ns);
	core_advance(c, sg_now());
	if (sgb->check_steps && sgb->watch)
		check_exec_end(a, c);
	for (unsigned i = 0; i < c->k; i++)
		if (c->run[i] == a) {
			c->run[i] = c->run[--c->k];
			break;
		}
	a->in_exec = 0;
	sg_act_resumed(a);
}

/* When x acts next if nobody else acts first, ns: the end of its sleep,
 * timeout or CPU execution (INFINITY: when another actor releases it). */
static double act_next(const struct sg_act *x)
{
	if (x->in_exec) {
		const struct sg_core *c = &sgb->cores[x->core];

		return c->last + x->exec_rem * c->k;
	}
	return x->wake_at;
}

/* May x act at the current instant, or before `until` (ns)? */
static int act_busy(const struct sg_act *x, double now, double until)
{
	return act_next(x) <= until + SG_INSTANT_NS || x->resumed_at >= now - SG_INSTANT_NS;
}

/* May a act at the current instant, or be about to? */
static int act_active(const struct sg_act *x, double now)
{
	return act_busy(x, now, now);
}

int sg_alone(const struct sg_act *a)
{
	const struct sg_ssd *d = &sgb->ssd;
	double now = sg_act_now(a);

	if (!sgb->watch)
		return 0;
	/* a stream counts by when it acts next only: one that already ran at
	 * this instant and is blocked again until later cannot run again at it */
	for (unsigned k = 0; k < sgb->nstreams; k++)
		if (&sgb->streams[k] != a && sgb->streams[k].nrec &&
		    act_next(&sgb->streams[k]) <= now + SG_INSTANT_NS)
			return 0;
	if (&sgb->worker != a && act_active(&sgb->worker, now))
		return 0;
	return d->wake_at > now + SG_INSTANT_NS && d->resumed_at < now - SG_INSTANT_NS;
}

/*
 * Running ahead (streams of a trace replay with several streams, where
 * sg_alone() works; ZSWAPSIM_SIMGRID_RUN_AHEAD=0 turns it off): a stream's
 * CPU execution on a core with nothing else running, or its sleep until
 * its next record, that ends before any other actor can act (each one
 * blocked until later: struct sg_core's predicted execution ends, sleeps
 * and timeouts; or until another actor releases it) is left out, and the
 * stream's local clock moves on instead.  Nobody can tell: no other actor
 * runs meanwhile and the core had no other execution to share with it.
 * SimGrid's clock is brought to the stream's with one sleep before the
 * stream's next SimGrid call, and before it wakes anyone or looks at who
 * else may act (sg_act_catch_up()), so several executions and the sleep
 * to the next record become one sleep.  The clock is worked out in
 * seconds with SimGrid's own arithmetic (an execution alone on its 1
 * Gflop/s host ends at start + flops / 1e9, a sleep until t at start + (t
 * - start)), and the catching-up sleep lands exactly on it (t - start is
 * exact when start >= t / 2), so every time the model sees is the same
 * double as without running ahead.  Not while the stream has a slot-order
 * wakeup pending or shrink work is queued or running.  Reports are
 * identical with it on and off (tests/scenarios/simgrid_run_ahead.sh).
 */
int sg_run_ahead(const struct sg_act *a, double until)
{
	const struct sg_ssd *d = &sgb->ssd;
	double now = sg_now();

	/* a clock ahead by coalescing (a lone stream) is not one it can extend */
	if (!sgb->ahead || a->who < 0 || a->dep_pending || sgb->kick_pending || sgb->worker_busy ||
	    sgb->cores[a->core].k || until < now + 2 || until > 2 * now || (!a->ahead && a->clock > now + 0.5))
		return 0;
	for (unsigned k = 0; k < sgb->nstreams; k++)
		if (&sgb->streams[k] != a && sgb->streams[k].nrec && act_busy(&sgb->streams[k], now, until))
			return 0;
	if (act_busy(&sgb->worker, now, until) || sgb->worker_wake <= until + SG_INSTANT_NS)
		return 0;
	return d->wake_at > until + SG_INSTANT_NS && d->resumed_at < now - SG_INSTANT_NS;
}

static void ahead_to(struct sg_act *a, double sclock)
{
	sgb->ahead_steps++;
	a->ahead = 1;
	a->sclock = sclock;
	a->clock = sclock * 1e9;
	zswap_set_now(sgb->zs, sg_ns(a->clock));
}

/* SimGrid's clock as stream a sees it, s. */
static double act_sclock(const struct sg_act *a)
{
	return a->ahead ? a->sclock : simgrid_get_clock();
}

/* Leave out a CPU execution of ns (sg_run_ahead() said yes). */
void sg_ahead_cpu(struct sg_act *a, double ns)
{
	ahead_to(a, act_sclock(a) + ns / 1e9);
}

/* Where a sleep until `until` (ns) from a's clock would end, s. */
double sg_ahead_sleep_end(const struct sg_act *a, double until)
{
	double s0 = act_sclock(a);

	return s0 + (until * 1e-9 - s0);
}

/* Leave out a sleep until `until` (sg_run_ahead() said yes). */
void sg_ahead_sleep(struct sg_act *a, double until)
{
	ahead_to(a, sg_ahead_sleep_end(a, until));
}

/* A stream's sleep through SimGrid until `until_s` (s), seen by sg_alone()
 * as blocked until `wake_ns` (ns): one sleep, counted in sg_sleeps. */
void sg_act_sleep(struct sg_act *a, double wake_ns, double until_s)
{
	sg_act_blocks(a, wake_ns);
	sgb->sg_sleeps++;
	sg_actor_sleep_until(until_s);
	sg_act_resumed(a);
}

/* Before a stream that ran ahead calls SimGrid: SimGrid's clock to its own. */
void sg_act_catch_up(struct sg_act *a)
{
	if (!a->ahead)
		return;
	a->ahead = 0;
	sg_act_sleep(a, a->clock, a->sclock);
	sg_act_sync_clock(a);
}

/* Bring SimGrid's clock to the actor's local clock (leave coalescing), then
 * execute the CPU work a workload task has done but not executed yet.  A
 * wakeup of the slot-order waiters left pending by a stream is sent first,
 * or dropped if the actor now leaves the instant alone (sg_dep_wake_drop()). */
void sg_act_flush(struct sg_act *a)
{
	sg_debug_check(a, "flush");
	if (sgb->wl)
		sg_wake_deferred();
	double now = sg_now();
	if (a->dep_pending) {
		sg_dep_wake_drop(a, a->clock > now + 0.5 ? a->clock : now + a->pend);
		now = sg_now();   /* a stream that ran ahead caught up to send it */
	}
	if (a->ahead) {
		sg_act_catch_up(a);
	} else if (a->clock > now + 0.5) {
		sg_act_sleep(a, a->clock, a->clock * 1e-9);
	}
	if (a->pend > 0) {
		double p = a->pend;

		a->pend = 0;
		sg_exec_cpu(a, p);
	}
	sg_act_sync_clock(a);
}

void sg_debug_check_now(const struct sg_act *a, const char *where)
{
	char reason[256];
	int bad;

	if (sgb->ret)
		return;           /* the run is failing already */
	sgb->checks++;
	bad = sgb->wl ? workload_check(sgb->s, reason, sizeof(reason)) :
			zswap_check_invariants(sgb->zs, reason, sizeof(reason));
	if (!bad)
		return;
	if (a->who >= 0)
		snprintf(sgb->err, sgb->errlen, "invariant violated when %s %d yielded (%s) at %.0f ns: %s",
			 sgb->wl ? "task" : "stream", a->who, where, sg_now(), reason);
	else
		snprintf(sgb->err, sgb->errlen, "invariant violated when the %s yielded (%s) at %.0f ns: %s",
			 a == &sgb->worker ? "shrink worker" : a == &sgb->kswapd ? "kswapd" : "swap writer",
			 where, sg_now(), reason);
	sgb->ret = -EFAULT;
	sgb->stop = 1;
}

/* Execute a workload task's pending CPU work (before it blocks or waits). */
void sg_act_settle(struct sg_act *a)
{
	if (a->pend > 0)
		sg_act_flush(a);
}

/* Count ns of CPU time of category cat on the actor's core (no time passes). */
void sg_cpu_charge(const struct sg_act *a, int cat, double ns)
{
	sgb->cpu[(size_t)a->core * CPU_NR + cat] += ns;
}

/* CPU work on the actor's core. */
void sg_cpu_run(struct sg_act *a, int cat, double ns)
{
	if (ns <= 0)
		return;
	sg_cpu_charge(a, cat, ns);
	if (sg_can_coalesce(a)) {
		a->clock += ns;
		zswap_set_now(sgb->zs, sg_ns(a->clock));
		return;
	}
	if (ns >= 1 && sgb->ahead && a->who >= 0) {
		/* the pending wakeup first, as sg_act_flush() sends or drops it */
		if (a->dep_pending)
			sg_dep_wake_drop(a, a->clock + ns);
		if (sg_run_ahead(a, a->clock + ns)) {
			sg_ahead_cpu(a, ns);
			return;
		}
	}
	a->pend += ns;
	sg_act_flush(a);
}

/* ---- zswap_timing hooks ----------------------------------------------------- */

static struct sg_act *act_of(int who)
{
	if (who >= 0 && (unsigned)who < sgb->nstreams)
		return &sgb->streams[who];
	if (who == RECLAIM_WHO_KSWAPD)
		return &sgb->kswapd;
	return &sgb->worker;
}

/* Writeback work: everything the worker does, and decompressions a stream
 * does while storing (direct reclaim by the replay-driven shrinker). */
static int in_writeback(const struct sg_act *a)
{
	return a->who < 0 || a->op == TRACE_OP_OUT;
}

static void record_call(int batch_lat, int page_lat, double ns, unsigned n)
{
	lat_add(&sgb->lat[batch_lat], sg_ns(ns));
	lat_add_n(&sgb->lat[page_lat], sg_ns(ns / n), n);
}

/* n pages through codec in direction dir: IAA calls of up to HW_MAX_BATCH
 * descriptors, or software on the actor's core.  Returns the time taken. */
static double codec_run(struct sg_act *a, int dir, int codec, const uint32_t *lens, unsigned n)
{
	double ns = 0;

	if (hw_codec_uses_iaa(&sgb->hw, codec)) {
		for (unsigned i = 0; i < n; i += HW_MAX_BATCH)
			ns += sg_iaa_call(a, dir, lens + i, n - i < HW_MAX_BATCH ? n - i : HW_MAX_BATCH, 0);
	} else {
		int cat = dir == HW_COMPRESS ? CPU_compress : CPU_decompress;

		for (unsigned i = 0; i < n; i++)
			ns += hw_codec_ns(&sgb->hw, codec, dir, lens[i]);
		if (sgb->wl)
			sg_task_cpu(a, cat, -1, ns);   /* lazily, like the task's other work */
		else
			sg_cpu_run(a, cat, ns);
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
	sg_task_time(act_of(who), WL_TIME_compress, ns);
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
	sg_task_time(a, WL_TIME_decompress, ns);
}

static void hook_disk_write(void *ctx, int who, uint32_t slot, unsigned nr_pages)
{
	(void)ctx;
	struct sg_act *a = act_of(who);

	if (sgb->wl) {
		/* a workload run: the write is submitted, reclaim goes on */
		sg_disk_io_async(a, 1, slot, nr_pages);
		return;
	}
	sg_disk_io(a, 1, nr_pages);
	if (a->wb_start >= 0) {
		lat_add(&sgb->lat[LAT_writeback], sg_ns(a->clock - a->wb_start));
		a->wb_start = -1;
	}
}

static void hook_disk_read(void *ctx, int who, uint32_t slot, unsigned nr_pages, int readahead)
{
	(void)ctx;
	struct sg_act *a = act_of(who);
	double t0 = sg_now();

	if (sgb->wl && readahead) {
		/* a workload run: readahead reads are submitted, not waited for */
		sg_disk_io_async(a, 0, slot, nr_pages);
		return;
	}
	sg_disk_io(a, 0, nr_pages);
	sg_task_time(a, WL_TIME_disk_wait, sg_now() - t0);
}

/* queue_work() of an idle work item (zswap_kick_shrink_worker() calls this
 * only when it was not pending).  In a replay the worker starts when the
 * kicking record is done, so an open replay without overlap sees the state
 * the `none` backend sees.  In a workload run it starts work_start_ns after
 * the failed store's time (the caller's clock with its CPU work not yet
 * executed), or as soon as its current run ends if it is running. */
static void hook_kick(void *ctx)
{
	(void)ctx;
	sgb->kick_pending = 1;
	if (sgb->wl && !sgb->worker_running) {
		const struct sg_act *a = sg_actor_self_get_data();

		sgb->kick_at = sg_now() + (a ? a->pend : 0);
	}
}

/* A list's head changed (proactive writeback): the worker may have to wake
 * before the pass it sleeps until. */
static void hook_timer_moved(void *ctx)
{
	(void)ctx;
	sg_worker_rearm();
}

static const struct zswap_timing sg_timing = {
	.compress = hook_compress,
	.decompress = hook_decompress,
	.disk_write = hook_disk_write,
	.disk_read = hook_disk_read,
	.kick_shrink_worker = hook_kick,
	.timer_moved = hook_timer_moved,
};

/* ---- setup ------------------------------------------------------------------ */

static void init_act(struct sg_act *a, int who, unsigned core)
{
	a->who = who;
	a->core = core;
	a->sem = sg_sem_init(0);
	a->wb_start = -1;
	a->op = -1;
	a->wake_at = 0;      /* every actor starts at time 0 */
	a->resumed_at = 0;
}

/* Running ahead follows the arithmetic of SimGrid's default CPU model and
 * precision (sg_run_ahead()): not with --cfg options other than the
 * contexts' (a --cfg=surf/precision:X rounds sleeps shorter than X up,
 * cpu/optim:Full updates executions at every step). */
static int sg_default_models(const struct sim *s)
{
	for (int i = 0; i < s->sg_argc; i++)
		if (!strncmp(s->sg_argv[i], "--cfg=", 6) && strncmp(s->sg_argv[i], "--cfg=contexts/", 15))
			return 0;
	return 1;
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
	if (s->wl) {
		/* a workload run: one actor per task, always closed (the gaps
		 * between a task's accesses are its CPU work), no coalescing */
		b->wl = s->wl;
		b->closed = 1;
		b->coalesce = 0;
		b->nstreams = workload_tasks(s);
	}
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
	uint64_t n = b->wl ? 0 : sim_record_count(s);
	if (b->wl) {
		r = sg_task_init(b, err, errlen);
		if (r)
			return r;
	} else if (b->nstreams == 1) {
		b->streams[0].nrec = n;
	} else if (sg_split_streams(b, n) || sg_slot_deps(b, n)) {
		goto nomem;
	}
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
	b->ssd.cap = b->nstreams + 1 + b->nio;
	b->ssd.slot_wait = calloc(b->ssd.cap, sizeof(*b->ssd.slot_wait));
	b->ssd.xfer = calloc(b->ssd.cap, sizeof(*b->ssd.xfer));
	if (!b->ssd.slot_wait || !b->ssd.xfer)
		goto nomem;
	b->cores = calloc(b->hw.cores, sizeof(*b->cores));
	if (!b->cores)
		goto nomem;
	for (unsigned c = 0; c < b->hw.cores; c++) {
		b->cores[c].run = calloc(b->nstreams + 1 + b->nio, sizeof(*b->cores[c].run));
		if (!b->cores[c].run)
			goto nomem;
	}
	b->watch = b->coalesce && !b->wl && !b->iaa && b->nstreams <= SG_WATCH_STREAMS;
	const char *ahead = getenv("ZSWAPSIM_SIMGRID_RUN_AHEAD");
	b->ahead = b->watch && !(ahead && !strcmp(ahead, "0")) && sg_default_models(s);
	b->worker_wake = INFINITY;
	b->check_steps = sim_check_every_step();
	return 0;
nomem:
	snprintf(err, errlen, "simgrid backend: out of memory");
	return -ENOMEM;
}

static void backend_free(struct sg_backend *b)
{
	sg_task_free(b);
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
	for (unsigned c = 0; b->cores && c < b->hw.cores; c++)
		free(b->cores[c].run);
	free(b->cores);
	free(b->dep_wq);
	free(b->cpu);
	free(b->ssd.slot_wait);
	free(b->ssd.xfer);
}

/* ---- entry point ------------------------------------------------------------ */

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
	r = sim_simgrid_load(err, errlen);   /* before the fork of sg_check_options() */
	if (r)
		return r;
	r = sg_check_options(s, err, errlen);
	if (r)
		return r;
	started = 1;
	memset(&b, 0, sizeof(b));
	sgb = &b;
	r = backend_init(&b, s, err, errlen);
	if (r)
		goto out;
	r = sg_check_actor_count(&b, err, errlen);
	if (r)
		goto out;
	r = sg_write_platform(&b, platform, sizeof(platform));
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
		sg_actor_daemonize(sg_start_actor(name, name, sg_engine_main, &b.engines[e]));
	}
	b.ssd.sem = sg_sem_init(0);
	b.ssd.idle = 1;
	sg_actor_daemonize(sg_start_actor("swap", "swap", sg_ssd_main, NULL));
	/* one actor per stream that has records (streams_left counts them) */
	b.streams_left = 0;
	for (unsigned k = 0; k < b.nstreams; k++)
		b.streams_left += b.streams[k].nrec > 0;
	if (b.wl)
		sg_task_start(&b);   /* one actor per task */
	for (unsigned k = 0; !b.wl && k < b.nstreams; k++) {
		char host[32];
		init_act(&b.streams[k], (int)k, b.streams[k].core);
		if (!b.streams[k].nrec)
			continue;
		snprintf(name, sizeof(name), "stream%u", k);
		snprintf(host, sizeof(host), "core%u", b.streams[k].core);
		sg_start_actor(name, host, sg_stream_main, &b.streams[k]);
	}
	char host[32];
	init_act(&b.worker, ZSWAP_WHO_WORKER, (unsigned)b.hw.worker_core);
	snprintf(host, sizeof(host), "core%d", b.hw.worker_core);
	sg_start_actor("shrink_worker", host, sg_worker_main, &b.worker);

	sim_codec_ahead_start(s);   /* a trace replay's coming swap-outs */
	simgrid_run();
	sim_codec_ahead_stop(s);
	zswap_set_timing(s->zs, NULL, NULL);
	if (b.check_steps)
		fprintf(stderr, "zswapsim: ZSWAPSIM_CHECK_EVERY_STEP: the models checked at %llu yields "
			"and after every record\n", (unsigned long long)b.checks);
	if (b.check_steps && b.watch)
		fprintf(stderr, "zswapsim: ZSWAPSIM_CHECK_EVERY_STEP: CPU sharing followed to %llu "
			"execution ends; %llu slot-order wakeups left out\n",
			(unsigned long long)b.exec_checks, (unsigned long long)b.dep_wakeups_skipped);
	if (b.check_steps && b.watch)
		fprintf(stderr, "zswapsim: ZSWAPSIM_CHECK_EVERY_STEP: streams: %llu CPU executions and "
			"%llu sleeps through SimGrid, %llu left out by running ahead\n",
			(unsigned long long)b.sg_execs, (unsigned long long)b.sg_sleeps,
			(unsigned long long)b.ahead_steps);
	if (b.check_steps && b.watch)
		fprintf(stderr, "zswapsim: ZSWAPSIM_CHECK_EVERY_STEP: streams' CPU executions by what "
			"their core held at the start: %llu shared it, %llu beside an actor blocked until "
			"released, %llu beside one waking before their end, %llu alone to their end\n",
			(unsigned long long)b.exec_start[SG_EXEC_SHARED],
			(unsigned long long)b.exec_start[SG_EXEC_RELEASED],
			(unsigned long long)b.exec_start[SG_EXEC_WAKING],
			(unsigned long long)b.exec_start[SG_EXEC_ALONE]);

	uint64_t end = sg_ns(sg_now());
	for (unsigned k = 0; k < b.nstreams; k++)
		if (b.streams[k].finish_ns > end)
			end = b.streams[k].finish_ns;
	r = b.ret;
	if (!r) {
		sim_finish(s, end);
		json_decref(s->backend_report);
		s->backend_report = sg_backend_report(&b, end);
		if (b.wl) {
			json_t *t = sg_task_report(&b);

			json_object_update(json_object_get(s->backend_report, "simgrid"), t);
			json_decref(t);
		}
	}
out:
	backend_free(&b);
	sgb = NULL;
	return r;
}
