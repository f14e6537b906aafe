/* SPDX-License-Identifier: MIT */
/*
 * Workload runs in the simgrid backend: one actor per task, on its core,
 * pulls the task's access records from the access source
 * (access_source_next_task()) and applies them to the reclaim model, whose
 * timing hooks (struct reclaim_timing) turn the work it does into CPU time,
 * LRU-lock holds and waits, memory.high sleeps and waits for locked folios;
 * zswap's own hooks (timing_simgrid.c) add compression on the CPU or IAA and
 * the swap device.
 *
 * Time of a task: it starts at its first record's time; the gap between two
 * of its records is CPU work of the application (the run is closed: a slow
 * fault delays everything after it), and each access costs hw.mm.access_ns.
 *
 * CPU work is executed lazily: a task's CPU work accumulates in its actor
 * (sg_act.pend) and is executed as one SimGrid activity when it reaches
 * timing.cpu_quantum_ns, or before the task blocks on anything (a lock, a
 * folio, IAA, the swap device, a sleep) or ends.  Another task can thus see
 * the effect of an access up to one quantum before its time; everything
 * that waits or contends is exact.  A quantum of 0 executes every access.
 *
 * Swap-device writes of a workload run are asynchronous, as swap_writeout()
 * is: the reclaimer submits them and goes on; queue_depth writer actors take
 * them in FIFO order through the device model (timing_simgrid_ssd.c) and end
 * each with reclaim_write_done(), which rotates a PG_reclaim folio to the
 * inactive tail for the next scan to free.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/timing_simgrid.h"
#include "sim/workload.h"
#include "models/reclaim.h"
#include "traces/access_source.h"

#define WHO_WRITER (-2)     /* the asynchronous writers' actors */

/* ---- time of a task --------------------------------------------------------------- */

/* The actor a hook runs on: a task, the shrink worker, or a writer ending a
 * write (whose follow-up work, in the kernel's I/O completion, is not
 * timed: NULL). */
static struct sg_act *task_act(int who)
{
	struct sg_act *a = sg_actor_self_get_data();

	(void)who;
	return a->who == WHO_WRITER ? NULL : a;
}

void sg_task_time(const struct sg_act *a, int wl, double ns)
{
	if (sgb->wl && a->who >= 0 && wl >= 0 && ns > 0)
		sgb->wl->time_ns[wl] += ns;
}

/* A task alone in the simulation: no other task, the shrink worker idle
 * with no timer before the task's own time, no asynchronous I/O whose end
 * would change the model.  Nobody can see its work early, so it need not
 * be executed every quantum (it is before the task waits on anything). */
static int task_alone(const struct sg_act *a)
{
	return sgb->streams_left == 1 && a->who >= 0 && !sgb->worker_busy && !sgb->kick_pending &&
	       !sgb->kswapd_busy && !sgb->kswapd_kick &&
	       !sgb->io_inflight && sg_now() + a->pend < sgb->worker_wake;
}

void sg_task_cpu(struct sg_act *a, int cat, int wl, double ns)
{
	if (ns <= 0)
		return;
	sg_cpu_charge(a, cat, ns);
	sg_task_time(a, wl, ns);
	a->pend += ns;
	if (a->pend >= sgb->quantum && !task_alone(a))
		sg_act_flush(a);
}

/* ---- the reclaim model's timing hooks --------------------------------------------- */

static void hook_work(void *ctx, int who, enum reclaim_work w, uint64_t n)
{
	(void)ctx;
	const struct hw_mm *mm = &sgb->hw.mm;
	double scale = hw_cpu_scale(&sgb->hw), k = (double)n * scale;
	struct sg_act *a = task_act(who);

	if (!a)
		return;
	switch (w) {
	case RECLAIM_W_ACCESS:
		sg_task_cpu(a, CPU_app, WL_TIME_app, k * mm->access_ns);
		break;
	case RECLAIM_W_FAULT:
		sg_task_cpu(a, CPU_fault, WL_TIME_fault, k * mm->fault_ns);
		break;
	case RECLAIM_W_SCAN:
		sg_task_cpu(a, CPU_reclaim, WL_TIME_reclaim, k * mm->scan_ns);
		break;
	case RECLAIM_W_UNMAP:
		sg_task_cpu(a, CPU_reclaim, WL_TIME_reclaim, k * mm->unmap_ns);
		break;
	default:
		break;
	}
}

/* The lruvec's spinlock, worked out in C: a task that reaches it at its own
 * time (SimGrid's clock plus its CPU work not executed yet) spins until the
 * holder lets go, then holds it for n folios' list work.  Spinning and
 * holding are CPU work on its core, executed lazily like the rest.  Tasks
 * get the lock in the order they reach it in the simulation, which is the
 * order of their own times give or take one timing.cpu_quantum_ns. */
static void hook_lru_lock(void *ctx, int who, uint32_t memcg, uint64_t n)
{
	(void)ctx;
	struct sg_act *a = task_act(who);
	double hold = (double)n * sgb->hw.mm.lru_lock_ns * hw_cpu_scale(&sgb->hw);
	double *free_at = &sgb->lru_free_at[memcg < sgb->nlru ? memcg : sgb->nlru - 1];

	if (hold <= 0 || !a)
		return;
	double t = sg_now() + a->pend;
	double wait = *free_at > t ? *free_at - t : 0;

	*free_at = t + wait + hold;
	if (wait > 0)
		sgb->lru_lock_waits++;
	sg_task_time(a, WL_TIME_lock_wait, wait);
	sg_task_cpu(a, CPU_lru_lock, WL_TIME_reclaim, hold);
	if (wait > 0) {
		sg_cpu_charge(a, CPU_lru_lock, wait);
		a->pend += wait;
	}
}

/* memory.high throttling and the too_many_isolated() sleep. */
static void hook_throttle(void *ctx, int who, uint64_t ns)
{
	(void)ctx;
	struct sg_act *a = task_act(who);

	if (!a)
		return;
	sg_act_flush(a);
	sg_actor_sleep_for((double)ns * 1e-9);
	sg_act_sync_clock(a);
	sg_task_time(a, WL_TIME_throttle, (double)ns);
}

/* ---- wait queues ---------------------------------------------------------------------- */

static int waitq_init(struct sg_waitq *q, unsigned n)
{
	q->w = calloc(n, sizeof(*q->w));
	q->waking = calloc(n, sizeof(*q->waking));
	return q->w && q->waking ? 0 : -ENOMEM;
}

static void waitq_free(struct sg_waitq *q)
{
	free(q->w);
	free(q->waking);
}

/* a waits on q for up to ns: 1 if woken, 0 at the timeout. */
static int waitq_wait(struct sg_waitq *q, struct sg_act *a, double ns)
{
	a->queued = 1;
	q->w[q->n++] = a;
	if (!sg_sem_acquire_timeout(a->sem, ns * 1e-9))
		return 1;
	if (!a->queued) {
		sg_sem_acquire(a->sem);   /* woken at the deadline: consume it */
		return 1;
	}
	unsigned i = 0;

	while (q->w[i] != a)
		i++;
	q->w[i] = q->w[--q->n];
	a->queued = 0;
	return 0;
}

/* Wake every task on q.  A release may run the woken task before it returns,
 * and that task may wait again or wake others on q in turn (a nested call):
 * the queue is emptied first, onto a stack of tasks still to release that
 * every call pops from, so each waiter is released exactly once.  A task is
 * on the stack or on the queue, never both: the stack needs no more room
 * than the queue. */
static unsigned waitq_wake_all(struct sg_waitq *q)
{
	unsigned n = q->n;

	if (!n)
		return 0;
	sg_debug_check(sg_actor_self_get_data(), "wakeup");
	for (unsigned i = n; i-- > 0;) {      /* popped in the order they came */
		q->w[i]->queued = 0;
		q->waking[q->nwaking++] = q->w[i];
	}
	q->n = 0;
	while (q->nwaking)
		sg_sem_release(q->waking[--q->nwaking]->sem);
	return n;
}

/* Wait until some folio is unlocked, freed or written (folio_wake()); the
 * caller checks its folio again.  A wait also ends after a millisecond
 * (counted in folio_wait_polls), so a wakeup the model failed to send shows
 * up in the report instead of hanging the run.  The task's pending CPU work
 * runs first, and other tasks with it: a wakeup delivered meanwhile may be
 * the one it waits for, so it returns for the caller to look again (it
 * would otherwise sleep until the poll). */
#define FOLIO_WAIT_POLL_NS 1e6

/* Task who waits on q until woken, for at most poll_ns: its pending CPU
 * work runs first, and other tasks with it; a wakeup sent meanwhile (*wakes
 * moved) returns at once for the caller to look again.  The wait is counted
 * in *waits, one ended by the poll in *polls, its time in category cat. */
static void task_wait_woken(int who, struct sg_waitq *q, const uint64_t *wakes, double poll_ns,
			    uint64_t *waits, uint64_t *polls, int cat)
{
	struct sg_act *a = task_act(who);

	if (!a)
		return;
	uint64_t w0 = *wakes;

	sg_act_flush(a);
	if (*wakes != w0)
		return;
	double t0 = sg_now();

	(*waits)++;
	if (!waitq_wait(q, a, poll_ns))
		(*polls)++;
	sg_act_sync_clock(a);
	sg_task_time(a, cat, sg_now() - t0);
}

static void hook_folio_wait(void *ctx, int who, uint32_t head)
{
	(void)ctx;
	(void)head;
	task_wait_woken(who, &sgb->folio_q, &sgb->folio_wakes, FOLIO_WAIT_POLL_NS,
			&sgb->folio_waits, &sgb->folio_wait_polls, WL_TIME_folio_wait);
}

/* A wakeup runs the woken task at once (a SimGrid release), and the model
 * sends it half-way through a change (a folio unlocked, not yet back on its
 * list): it is sent when the waker next yields or ends its step, when the
 * model is consistent again (sg_wake_deferred()). */
static void hook_folio_wake(void *ctx, uint32_t head)
{
	(void)ctx;
	(void)head;
	sgb->wake_folio = 1;
}

void sg_wake_deferred(void)
{
	if (sgb->wake_folio) {
		sgb->wake_folio = 0;
		sgb->folio_wakes++;
		/* few wait at once, and each checks its own folio */
		waitq_wake_all(&sgb->folio_q);
	}
	/* shrink work queued by a store of the step: the worker can start in
	 * the middle of the queuing task's record, as a kworker on another CPU */
	if (sgb->kick_pending && sgb->worker_waiting) {
		sgb->worker_busy = 1;
		sg_worker_wake();
	}
	sg_kswapd_wake();
}

/* reclaim_throttle(VMSCAN_THROTTLE_ISOLATED): counted as throttling. */
static void hook_isolated_wait(void *ctx, int who, uint64_t ns)
{
	(void)ctx;
	struct sg_act *a = task_act(who);

	if (!a)
		return;
	sg_act_flush(a);
	double t0 = sg_now();

	sgb->isolated_waits++;
	waitq_wait(&sgb->isolated_q, a, (double)ns);
	sg_act_sync_clock(a);
	sg_task_time(a, WL_TIME_throttle, sg_now() - t0);
}

/* Sent at once: the model sends it from a consistent state (a reclaimer
 * about to isolate, nothing half-done), unlike a folio wakeup. */
static void hook_isolated_wake(void *ctx)
{
	(void)ctx;
	sgb->isolated_wakeups += waitq_wake_all(&sgb->isolated_q);
}

/*
 * throttle_direct_reclaim(): wait on pfmemalloc_wait until kswapd wakes the
 * throttled tasks (the model checks allow_direct_reclaim() again), counted
 * as throttling.  The kernel's wait has no timeout; this one ends after
 * HZ (counted in pfmemalloc_wait_polls), so a wakeup the model failed to
 * send shows up in the report instead of hanging the run.  As with a folio
 * wait, a wakeup sent while the task ran its pending CPU work sends it back
 * to check.
 */
#define PFMEMALLOC_POLL_NS 1e9

static void hook_pfmemalloc_wait(void *ctx, int who)
{
	(void)ctx;
	/* the flush sends the kswapd wakeup too */
	task_wait_woken(who, &sgb->pfmemalloc_q, &sgb->pfmemalloc_wakes, PFMEMALLOC_POLL_NS,
			&sgb->pfmemalloc_waits, &sgb->pfmemalloc_wait_polls, WL_TIME_throttle);
}

/* From kswapd (balance_pgdat(), prepare_kswapd_sleep()): sent at once, the
 * model is consistent between kswapd's rounds. */
static void hook_pfmemalloc_wake(void *ctx)
{
	(void)ctx;
	sgb->pfmemalloc_wakes++;
	waitq_wake_all(&sgb->pfmemalloc_q);
}

static const struct reclaim_timing sg_reclaim_timing = {
	.work = hook_work,
	.lru_lock = hook_lru_lock,
	.throttle = hook_throttle,
	.folio_wait = hook_folio_wait,
	.folio_wake = hook_folio_wake,
	.isolated_wait = hook_isolated_wait,
	.isolated_wake = hook_isolated_wake,
	.pfmemalloc_wait = hook_pfmemalloc_wait,
	.pfmemalloc_wake = hook_pfmemalloc_wake,
	.kswapd_wake = sg_kswapd_kick,
};

/* ---- asynchronous swap writes ------------------------------------------------------- */

/* A writer's stack, KiB.  There is one writer per hw.ssd.queue_depth (up to
 * 4096), and with SimGrid's default 8 MiB stacks 4096 writers mapped 32 GiB:
 * under `ulimit -v` 2 GB SimGrid aborted ("Failed to allocate stack").  A
 * writer runs no codec, only the swap device's wait and
 * folio_end_writeback()/folio_end_read(): workload_stress.sh, workload_simgrid.sh
 * and the workload experiments ran with 16 KiB writer stacks.  With 256 KiB
 * the default experiment at queue depth 4096 peaks at 1.29 GB of address
 * space (tests/scenarios/bounded_runs.sh). */
#if defined(__SANITIZE_ADDRESS__)
#define SG_WRITER_STACK_KIB 0      /* ASan's frames are larger: SimGrid's default */
#else
#define SG_WRITER_STACK_KIB 256
#endif

void sg_disk_io_async(struct sg_act *a, int write, uint32_t slot, unsigned nr_pages)
{
	if (sgb->wq_n == sgb->wq_cap) {
		/* grow the ring (amortised: writes in flight are bounded by the
		 * swap slots, the ring doubles) */
		size_t cap = sgb->wq_cap ? sgb->wq_cap * 2 : 256;
		struct sg_wio *q = malloc(cap * sizeof(*q));

		if (!q) {
			if (!sgb->ret) {
				snprintf(sgb->err, sgb->errlen, "simgrid backend: out of memory");
				sgb->ret = -ENOMEM;
			}
			sgb->stop = 1;
			return;
		}
		for (size_t i = 0; i < sgb->wq_n; i++)
			q[i] = sgb->wq[(sgb->wq_head + i) % sgb->wq_cap];
		free(sgb->wq);
		sgb->wq = q;
		sgb->wq_cap = cap;
		sgb->wq_head = 0;
	}
	sgb->wq[(sgb->wq_head + sgb->wq_n++) % sgb->wq_cap] =
		(struct sg_wio){ .slot = slot, .nr = nr_pages, .write = write, .who = a->who };
	if (write)
		sgb->async_writes++;
	else
		sgb->async_reads++;
	sgb->io_inflight++;
	sg_debug_check(a, "submit");    /* the release may run a writer */
	sg_sem_release(sgb->wq_sem);
}

static void sg_writer_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct sg_act *a = sg_actor_self_get_data();

	for (;;) {
		sg_debug_check(a, "writer wait");
		sg_sem_acquire(sgb->wq_sem);
		struct sg_wio w = sgb->wq[sgb->wq_head];

		sgb->wq_head = (sgb->wq_head + 1) % sgb->wq_cap;
		sgb->wq_n--;
		sg_act_sync_clock(a);
		sg_disk_io(a, w.write, w.nr);
		for (uint32_t i = 0; i < w.nr; i++) {
			if (w.write)    /* folio_end_writeback() */
				reclaim_write_done(sgb->wl->rm, w.slot + i);
			else            /* the read's end: folio_end_read() */
				reclaim_read_done(sgb->wl->rm, w.slot + i, w.who);
		}
		sgb->io_inflight--;
		sg_wake_deferred();
	}
}

/* ---- task actors -------------------------------------------------------------------- */

static void task_fail(int ret, const char *msg)
{
	if (!sgb->ret) {
		snprintf(sgb->err, sgb->errlen, "%s", msg);
		sgb->ret = ret;
	}
	sgb->stop = 1;
}

/* The task's own time: SimGrid's clock plus its CPU work not executed yet. */
static double task_now(const struct sg_act *a)
{
	return sg_now() + a->pend;
}

/* The latency of one access that faulted, by kind (from the task's fault
 * counters before and after it): a swap-in (major), a page found in the swap
 * cache (minor), or a page never touched (do_anonymous_page(), a read that
 * maps the zero page included).  Hits are not recorded. */
static void record_fault(const struct reclaim_task_stats *before,
			 const struct reclaim_task_stats *after, double ns)
{
	int op;

	if (after->faults == before->faults)
		return;
	if (after->majfaults != before->majfaults)
		op = LAT_major_fault;
	else if (after->minfaults != before->minfaults)
		op = LAT_minor_fault;
	else
		op = LAT_first_touch;
	lat_add(&sgb->lat[op], sg_ns(ns));
}

/* wl_run.task_clock: the calling actor's own time, for the swap-out latency. */
static double task_clock(void)
{
	return task_now(sg_actor_self_get_data());
}

static void store_done(double ns, unsigned nr_folios)
{
	lat_add_n(&sgb->lat[LAT_store_folio], sg_ns(ns / nr_folios), nr_folios);
}

static void sg_task_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct sg_act *a = sg_actor_self_get_data();
	struct wl_run *wl = sgb->wl;
	struct access_record r;
	uint64_t prev = 0;
	int k = 0;         /* the run may stop before this task reads a record */

	a->clock = sg_now();
	while (!sgb->stop && (k = access_source_next_task(wl->src, (unsigned)a->who, &r)) == 1) {
		if (!a->nrec) {
			if ((double)r.time_ns > sg_now() + 0.5)
				sg_actor_sleep_until((double)r.time_ns * 1e-9);
			sg_act_sync_clock(a);
		} else {
			sg_task_cpu(a, CPU_app, WL_TIME_app, (double)(r.time_ns - prev));
		}
		prev = r.time_ns;
		a->nrec++;
		double now = sg_now() + a->pend;

		if (now > sgb->max_advance)
			sgb->max_advance = now;
		sim_advance(sgb->s, sg_ns(sgb->max_advance));
		zswap_set_now(sgb->zs, sg_ns(now));
		const struct reclaim_task_stats st0 = *reclaim_task(wl->rm, (unsigned)a->who);
		int ret = workload_apply(sgb->s, &r, sgb->err, sgb->errlen);

		record_fault(&st0, reclaim_task(wl->rm, (unsigned)a->who), task_now(a) - now);

		if (!ret)
			ret = sim_workload_event_done(sgb->s, sgb->err, sgb->errlen);
		if (ret) {
			if (!sgb->ret)
				sgb->ret = ret;
			sgb->stop = 1;
			break;
		}
		sg_wake_deferred();
		sg_worker_poke(a);
		if (reclaim_task(wl->rm, (unsigned)a->who)->killed)
			break;      /* OOM-killed: it does nothing more */
	}
	if (k < 0)
		task_fail(k, access_source_error(wl->src));
	sg_act_flush(a);
	a->finish_ns = sg_ns(a->clock);
	wl->end_ns[a->who] = a->finish_ns;
	if (!--sgb->streams_left)
		sg_worker_wake();
}

/* ---- setup --------------------------------------------------------------------------- */

int sg_task_init(struct sg_backend *b, char *err, size_t errlen)
{
	struct wl_run *wl = b->wl;

	b->quantum = (double)cfg_int(b->s->cfg, "timing.cpu_quantum_ns");
	b->nlru = reclaim_memcgs(wl->rm)->n + 1;
	b->lru_free_at = calloc(b->nlru, sizeof(*b->lru_free_at));
	/* the tasks, the shrink worker and kswapd */
	int qr = waitq_init(&b->folio_q, b->nstreams + 2) | waitq_init(&b->isolated_q, b->nstreams + 2) |
		 waitq_init(&b->pfmemalloc_q, b->nstreams + 2);
	b->nio = b->hw.ssd.queue_depth;
	b->io = calloc(b->nio, sizeof(*b->io));
	wl->end_ns = calloc(b->nstreams, sizeof(*wl->end_ns));
	if (!b->lru_free_at || qr || !b->io || !wl->end_ns) {
		snprintf(err, errlen, "simgrid backend: out of memory");
		return -ENOMEM;
	}
	wl->async_disk = 1;
	wl->task_clock = task_clock;
	wl->store_done = store_done;
	memset(wl->time_ns, 0, sizeof(wl->time_ns));
	return 0;
}

void sg_task_start(struct sg_backend *b)
{
	char name[32], host[32];

	b->wq_sem = sg_sem_init(0);
	for (unsigned i = 0; i < b->nio; i++) {
		struct sg_act *a = &b->io[i];

		a->who = WHO_WRITER;
		a->sem = sg_sem_init(0);
		a->wb_start = -1;
		a->op = -1;
		snprintf(name, sizeof(name), "swap_writer%u", i);
		sg_actor_daemonize(sg_start_actor_stack(name, "swap", sg_writer_main, a, SG_WRITER_STACK_KIB));
	}
	reclaim_set_timing(b->wl->rm, &sg_reclaim_timing, b);
	/* kswapd: a daemon, as the writers, so that the run ends with its tasks */
	b->kswapd.who = RECLAIM_WHO_KSWAPD;
	b->kswapd.core = (unsigned)b->hw.kswapd_core;
	b->kswapd.sem = sg_sem_init(0);
	b->kswapd.wb_start = -1;
	b->kswapd.op = -1;
	b->kswapd.wake_at = INFINITY;
	snprintf(host, sizeof(host), "core%d", b->hw.kswapd_core);
	sg_actor_daemonize(sg_start_actor("kswapd0", host, sg_kswapd_main, &b->kswapd));
	b->streams_left = b->nstreams;
	for (unsigned k = 0; k < b->nstreams; k++) {
		struct sg_act *a = &b->streams[k];

		a->sem = sg_sem_init(0);
		a->wb_start = -1;
		a->op = -1;
		snprintf(name, sizeof(name), "task%u", k);
		snprintf(host, sizeof(host), "core%u", a->core);
		sg_start_actor(name, host, sg_task_main, a);
	}
}

void sg_task_free(struct sg_backend *b)
{
	if (!b->wl)
		return;
	reclaim_set_timing(b->wl->rm, NULL, NULL);
	for (unsigned i = 0; b->io && i < b->nio; i++)
		if (b->io[i].sem)
			sg_sem_destroy(b->io[i].sem);
	if (b->wq_sem)
		sg_sem_destroy(b->wq_sem);
	if (b->kswapd.sem)
		sg_sem_destroy(b->kswapd.sem);
	free(b->lru_free_at);
	waitq_free(&b->folio_q);
	waitq_free(&b->isolated_q);
	waitq_free(&b->pfmemalloc_q);
	free(b->io);
	free(b->wq);
}

json_t *sg_task_report(const struct sg_backend *b)
{
	return json_pack("{s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"cpu_quantum_ns", b->quantum,
		"lru_lock_waits", (json_int_t)b->lru_lock_waits,
		"folio_waits", (json_int_t)b->folio_waits,
		"folio_wait_polls", (json_int_t)b->folio_wait_polls,
		"isolated_waits", (json_int_t)b->isolated_waits,
		"isolated_wakeups", (json_int_t)b->isolated_wakeups,
		"pfmemalloc_waits", (json_int_t)b->pfmemalloc_waits,
		"pfmemalloc_wait_polls", (json_int_t)b->pfmemalloc_wait_polls,
		"async_writes", (json_int_t)b->async_writes,
		"async_reads", (json_int_t)b->async_reads,
		"writes_queued_at_end", (json_int_t)b->wq_n,
		"kswapd_runs", (json_int_t)b->kswapd_runs);
}
