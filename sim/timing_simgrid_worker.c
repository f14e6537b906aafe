/* SPDX-License-Identifier: MIT */
/*
 * The global shrink worker's actor in the simgrid backend: runs the shrink
 * work a failed store queued and the time-driven work of writeback policies
 * (proactive writeback).  In a trace replay a run starts from the end of the
 * record that queued it and is done at once; in a workload run it starts
 * after the workqueue's start latency and runs concurrently with the tasks,
 * step by step (worker_run_concurrent()).
 */
#include <math.h>

#include "sim/timing_simgrid.h"

void sg_worker_wake(void)
{
	if (sgb->worker_waiting) {
		struct sg_act *self = sg_actor_self_get_data();

		if (sgb->ahead && self && self->who >= 0)
			sg_act_catch_up(self);     /* released at the stream's time */
		if (sgb->watch && self)
			sg_dep_wake_flush(self);   /* a stream's pending wakeup goes first */
		sgb->worker_waiting = 0;
		sg_act_released(&sgb->worker);
		sg_sem_release(sgb->worker.sem);
	}
}

/* Re-arm the worker's timer wait when an earlier useful pass appeared.
 * Lowering sgb->worker_wake also stops a lone stream from coalescing past
 * that pass before the worker runs. */
void sg_worker_rearm(void)
{
	uint64_t t = zswap_next_due_timer(sgb->zs);

	/* no timer is UINT64_MAX, which is below the sleeping worker's INFINITY */
	if (t != UINT64_MAX && (double)t < sgb->worker_wake) {
		sgb->worker_wake = (double)t;
		sg_worker_wake();
	}
}

/* After a record of stream a: start pending shrink work (from the end of the
 * record: SimGrid's clock is brought there first), or re-arm the timer wait. */
void sg_worker_poke(struct sg_act *a)
{
	if (sgb->kick_pending) {
		sg_act_flush(a);
		sgb->worker_busy = 1;
		sg_worker_wake();
		return;
	}
	sg_worker_rearm();
}

/* The worker sleeps until the first pass of a time-driven policy that can do
 * work as the state is (zswap_next_due_timer()), not until every pass: a
 * change that makes an earlier pass useful (a list's head) re-arms the wait
 * (sg_worker_rearm() from the timing hook timer_moved), so the passes the
 * worker slept through were idle; they are counted on waking, in one step.
 * A pass due at the very ns a change happens sees the change. */
static void worker_wait(struct sg_act *a)
{
	uint64_t t = zswap_next_due_timer(sgb->zs);

	sg_debug_check(a, "worker wait");
	sgb->worker_waiting = 1;
	if (t == UINT64_MAX) {
		sgb->worker_wake = INFINITY;
		sg_act_blocks(a, INFINITY);
		sg_sem_acquire(a->sem);
	} else {
		sgb->worker_wake = (double)t;
		sg_act_blocks(a, (double)t);
		if (sg_sem_acquire_timeout(a->sem, ((double)t - a->clock) * 1e-9) && !sgb->worker_waiting)
			sg_sem_acquire(a->sem);   /* woken at the deadline: consume it */
	}
	sg_act_resumed(a);
	sgb->worker_waiting = 0;
	sgb->worker_wake = INFINITY;
	sg_act_sync_clock(a);
	uint64_t now = sg_ns(a->clock);
	if (now)
		zswap_skip_known_idle_timers(sgb->zs, now - 1);
}

/*
 * A workload run's shrink work, as the kernel's workqueue runs it: the item
 * queued by a failed store (hook_kick()) starts hw.mm.work_start_ns after it
 * was queued on an idle worker (a kworker's wakeup on another CPU), or at
 * once when it was queued again while running.  It then goes through
 * shrink_worker()'s loop one step at a time on the worker's core, taking
 * scan_ns + lru_lock_ns per LRU entry it looks at (plus, for a writeback, the
 * folio, the decompression and the write submission, through the hooks), so
 * the tasks go on storing, failing and queuing it again while it runs.
 */
static void worker_run_concurrent(struct sg_act *a)
{
	const struct hw_mm *mm = &sgb->hw.mm;
	double per_entry = (mm->scan_ns + mm->lru_lock_ns) * hw_cpu_scale(&sgb->hw);
	double start = sgb->kick_at + mm->work_start_ns;
	unsigned examined;
	int more;

	if (start > sg_now() + 0.5)
		sg_actor_sleep_until(start * 1e-9);
	sg_act_sync_clock(a);
	sgb->kick_pending = 0;
	sgb->worker_runs++;
	sgb->worker_running = 1;
	zswap_shrink_worker_begin(sgb->zs);
	do {
		more = zswap_shrink_worker_step(sgb->zs, &examined);
		if (examined)
			sg_task_cpu(a, CPU_reclaim, -1, per_entry);
		sg_act_settle(a);          /* the tasks run meanwhile */
		sg_wake_deferred();
	} while (more && !sgb->stop);
	sgb->worker_running = 0;
}

void sg_worker_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct sg_act *a = &sgb->worker;

	for (;;) {
		sg_act_settle(a);       /* a workload run's reclaim work, executed */
		sg_act_sync_clock(a);
		if (sgb->kick_pending) {
			sgb->worker_busy = 1;
			a->wb_start = -1;
			if (sgb->wl) {
				worker_run_concurrent(a);
				/* time-driven passes that fell due during the run
				 * and would find nothing as the state is now: run
				 * now, they would do nothing, so count them done */
				uint64_t now = sg_ns(sg_now());
				if (now)
					zswap_skip_idle_timers(sgb->zs, now - 1);
			} else {
				sgb->kick_pending = 0;
				sgb->worker_runs++;
				zswap_shrink_worker(sgb->zs);
			}
			sgb->worker_busy = 0;
			continue;
		}
		sgb->worker_busy = 0;
		if (!sgb->streams_left || sgb->stop)
			break;
		uint64_t t = zswap_next_timer(sgb->zs);
		if (t <= sg_ns(a->clock)) {
			sgb->timer_runs++;
			/* busy like a shrink run: its writebacks use the CPU, the
			 * IAA and the disk, so a lone stream must not coalesce past them */
			sgb->worker_busy = 1;
			zswap_timer(sgb->zs);
			if (sgb->wl)
				sg_wake_deferred();
			sgb->worker_busy = 0;
			continue;
		}
		worker_wait(a);
	}
	a->finish_ns = sg_ns(sg_now());
}
