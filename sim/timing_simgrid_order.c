/* SPDX-License-Identifier: MIT */
/*
 * Cross-stream order of each swap slot's events in the simgrid backend.
 */
#include <errno.h>
#include <stdlib.h>

#include "sim/timing_simgrid.h"

#define DEP_NONE UINT64_MAX

/*
 * A swap slot's events keep their trace order across streams.  In the kernel
 * a slot is allocated when reclaim (maybe run by another task) swaps the folio
 * out, so the owner's later free or fault of that slot cannot overtake the
 * swap-out.  Streams replay on their own clocks here, so a stream held up in
 * a long store could otherwise apply its swap-out after another stream freed
 * the slot, and leak the entry.  Dependencies point backwards in trace order
 * and each stream applies its records in order, so the earliest unapplied
 * record can always go: no deadlock.
 *
 * The end of a record wakes the waiters (a broadcast: each checks its own
 * record and waits again) whenever there are some.  When none of them waits
 * for that record, the broadcast changes nothing but the order in which
 * actors run within the current instant: the waiters take the mutex one
 * after the other, each in its own round of SimGrid's scheduler.  So it is
 * left pending (sg_act.dep_pending) and sent before the stream's next
 * SimGrid call, unless that call leaves the instant (a CPU execution or a
 * sleep) while no other actor can act at it (sg_alone()): then nobody could
 * tell, and the broadcast is dropped.  On the bench's multistream trace
 * 124,834 wakeups are left out in all (ZSWAPSIM_CHECK_EVERY_STEP prints
 * the count; 94,751 before sg_alone() let a stream that already ran at the
 * instant be alone with it and before the two cases of sg_wait_for_dep()
 * and sg_mark_done()) and about 35,000 broadcasts are sent;
 * tests/scenarios/simgrid_state_equality.sh checks that reports are the same
 * with it (timing.coalesce = true) and without.
 */
void sg_wait_for_dep(struct sg_act *a, uint64_t rec)
{
	uint64_t d = sgb->dep ? sgb->dep[rec] : DEP_NONE;
	if (d == DEP_NONE || sgb->done[d])
		return;
	sg_act_catch_up(a);
	/* a blocks until another actor releases it: after this instant if
	 * none can act at it, and the waiters woken by the pending wakeup would
	 * only have checked and waited again, in the same order, before it */
	sg_dep_wake_drop(a, INFINITY);
	sgb->dep_waits++;
	if (!sgb->dep_mutex) {   /* created inside the simulation, on first need */
		sgb->dep_mutex = sg_mutex_init();
		sgb->dep_cond = sg_cond_init();
	}
	sg_act_blocks(a, sg_now());   /* the mutex may be held at this instant */
	sg_mutex_lock(sgb->dep_mutex);
	sg_act_resumed(a);
	a->dep_on = d;
	sgb->dep_wq[sgb->dep_waiters++] = a;
	while (!sgb->done[d]) {
		sg_act_blocks(a, INFINITY);
		sg_cond_wait(sgb->dep_cond, sgb->dep_mutex);
		sg_act_resumed(a);
	}
	unsigned i = 0;

	while (sgb->dep_wq[i] != a)
		i++;
	sgb->dep_wq[i] = sgb->dep_wq[--sgb->dep_waiters];
	sg_mutex_unlock(sgb->dep_mutex);
	sg_act_resumed(a);
	sg_act_sync_clock(a);
}

static void dep_broadcast(struct sg_act *a)
{
	sg_act_catch_up(a);   /* sent at a's time */
	for (unsigned i = 0; i < sgb->dep_waiters; i++)
		sg_act_released(sgb->dep_wq[i]);
	sg_cond_notify_all(sgb->dep_cond);
}

/* Send the wakeup stream a left pending. */
void sg_dep_wake_flush(struct sg_act *a)
{
	if (a->dep_pending) {
		a->dep_pending = 0;
		dep_broadcast(a);
	}
}

/* Stream a is about to leave the current instant (sleep or compute until
 * `until`, ns): drop its pending wakeup if nobody can tell, else send it. */
void sg_dep_wake_drop(struct sg_act *a, double until)
{
	if (until > sg_act_now(a) + SG_INSTANT_NS && sg_alone(a)) {
		a->dep_pending = 0;
		sgb->dep_wakeups_skipped++;
		return;
	}
	sg_dep_wake_flush(a);
}

static int dep_waited_for(uint64_t rec)
{
	for (unsigned i = 0; i < sgb->dep_waiters; i++)
		if (sgb->dep_wq[i]->dep_on == rec)
			return 1;
	return 0;
}

/* Stream a applied record rec: wake the waiters, at once if one of them
 * waits for rec, else maybe never (see above).  Two wakeups in a row are
 * one when a single stream waits and a is alone: the first would only make
 * it check and wait again before the second, which it then answers in the
 * same order after a (with more waiters, the second would reorder them on
 * the mutex).  On the bench's multistream trace this and the drop before a
 * wait (sg_wait_for_dep()) leave out 9,942 more wakeups. */
void sg_mark_done(struct sg_act *a, uint64_t rec)
{
	if (!sgb->done)
		return;
	if (a->dep_pending && sgb->dep_waiters == 1 && sg_alone(a)) {
		sgb->done[rec] = 1;
		sgb->dep_wakeups_skipped++;
		if (dep_waited_for(rec)) {
			a->dep_pending = 0;
			dep_broadcast(a);
		}
		return;
	}
	sg_dep_wake_flush(a);   /* its waiters check done[] as it was then */
	sgb->done[rec] = 1;
	if (!sgb->dep_waiters)
		return;
	if (dep_waited_for(rec))
		dep_broadcast(a);
	else if (sg_alone(a))
		a->dep_pending = 1;   /* nobody can run before a's next SimGrid call */
	else
		dep_broadcast(a);
}

/*
 * dep[] of the first n records (see sg_wait_for_dep()).
 *
 * last[sl] is 1 + the last record so far that used slot sl, 0 for none:
 * zeroed memory from calloc() is mapped on demand, so a slot_count of 2^28
 * with a few records costs the pages of the slots they use, not 2 GiB
 * written up front (as the model's own slot array, models/zswap_internal.h).
 */
int sg_slot_deps(struct sg_backend *b, uint64_t n)
{
	const struct trace *t = &b->s->trace;
	uint64_t *last = calloc(t->meta.slot_count ? t->meta.slot_count : 1, sizeof(*last));
	b->dep = malloc((n ? n : 1) * sizeof(*b->dep));
	b->done = calloc(n ? n : 1, 1);
	b->dep_wq = calloc(b->nstreams, sizeof(*b->dep_wq));
	if (!last || !b->dep || !b->done || !b->dep_wq) {
		free(last);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < n; i++) {
		const struct trace_record *r = &t->rec[i];
		uint64_t d = DEP_NONE;
		for (uint32_t k = 0; k < trace_nr_pages(r); k++) {
			uint64_t p = last[r->slot + k];
			/* a same-stream predecessor is ordered already, and carries
			 * its own dependency on anything before it */
			if (p && t->rec[p - 1].stream != r->stream && (d == DEP_NONE || p - 1 > d))
				d = p - 1;
			last[r->slot + k] = i + 1;
		}
		b->dep[i] = d;
	}
	free(last);
	return 0;
}
