/* SPDX-License-Identifier: MIT */
/*
 * kswapd's actor in the simgrid backend (workload runs with a RAM limit):
 * one long-lived actor on hw.cpu.kswapd_core, as kswapd() is one kernel
 * thread per node.  An allocation under the low watermark wakes it
 * (wakeup_kswapd() through the reclaim model's kswapd_wake hook); it runs
 * balance_pgdat() (reclaim_kswapd_balance()), whose scans, unmaps, LRU-lock
 * holds and zswap stores are CPU work on its own core, executed lazily like
 * a task's, so the tasks go on allocating while it reclaims.  Then
 * kswapd_try_to_sleep(): a nap of HZ/10 that a wakeup cuts short
 * (kswapd_low_wmark_hit_quickly), then a check that sends it back to work
 * when the node fell under the high watermark meanwhile
 * (kswapd_high_wmark_hit_quickly), else sleep until woken.
 *
 * The wakeup is delivered when the waking actor next yields or ends its
 * step (sg_wake_deferred()), as folio wakeups are: the model sends it from
 * the allocator, and a SimGrid release may run the woken actor at once.
 */
#include "sim/timing_simgrid.h"
#include "models/reclaim.h"

#define KSWAPD_NAP_S 0.1       /* schedule_timeout(HZ/10): a tenth of a second */

/* The reclaim model's kswapd_wake hook: the node needs kswapd. */
void sg_kswapd_kick(void *ctx)
{
	(void)ctx;
	sgb->kswapd_kick = 1;
}

/* From sg_wake_deferred(): release a sleeping or napping kswapd. */
void sg_kswapd_wake(void)
{
	if (!sgb->kswapd_kick || !sgb->kswapd_waiting)
		return;
	sgb->kswapd_kick = 0;
	sgb->kswapd_waiting = 0;
	sg_act_released(&sgb->kswapd);
	sg_sem_release(sgb->kswapd.sem);
}

/* Sleep until woken, or for at most s seconds (s < 0: no limit).  1 when
 * woken (a wakeup sent while kswapd was still running counts at once). */
static int kswapd_wait(struct sg_act *a, double s)
{
	int woken = 1;

	sg_debug_check(a, "kswapd wait");
	if (sgb->kswapd_kick) {
		sgb->kswapd_kick = 0;
		return 1;
	}
	sgb->kswapd_waiting = 1;
	if (s < 0) {
		sg_act_blocks(a, INFINITY);
		sg_sem_acquire(a->sem);
	} else {
		sg_act_blocks(a, sg_now() + s * 1e9);
		if (sg_sem_acquire_timeout(a->sem, s)) {
			if (!sgb->kswapd_waiting)
				sg_sem_acquire(a->sem);   /* woken at the deadline: consume it */
			else
				woken = 0;
		}
	}
	sgb->kswapd_waiting = 0;
	sg_act_resumed(a);
	sg_act_sync_clock(a);
	return woken;
}

/* balance_pgdat() until kswapd may try to sleep, each round's CPU work
 * executed before the next (the tasks run meanwhile). */
static void kswapd_balance(struct sg_act *a, struct reclaim *rm)
{
	sgb->kswapd_busy = 1;
	sgb->kswapd_runs++;
	while (!reclaim_kswapd_balance(rm) && !sgb->stop) {
		sg_act_settle(a);
		sg_wake_deferred();
	}
	sg_act_settle(a);
	sg_wake_deferred();
	sgb->kswapd_busy = 0;
}

void sg_kswapd_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct sg_act *a = &sgb->kswapd;
	struct reclaim *rm = sgb->wl->rm;

	sg_act_sync_clock(a);
	while (!sgb->stop) {
		kswapd_wait(a, -1);
		for (;;) {
			kswapd_balance(a, rm);
			if (sgb->stop)
				break;
			if (kswapd_wait(a, KSWAPD_NAP_S)) {
				reclaim_kswapd_woken_early(rm);
				continue;
			}
			if (reclaim_kswapd_nap_end(rm))
				break;      /* balanced (or hopeless): sleep until woken */
		}
	}
}
