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
 */
void sg_wait_for_dep(struct sg_act *a, uint64_t rec)
{
	uint64_t d = sgb->dep ? sgb->dep[rec] : DEP_NONE;
	if (d == DEP_NONE || sgb->done[d])
		return;
	sgb->dep_waits++;
	if (!sgb->dep_mutex) {   /* created inside the simulation, on first need */
		sgb->dep_mutex = sg_mutex_init();
		sgb->dep_cond = sg_cond_init();
	}
	sg_mutex_lock(sgb->dep_mutex);
	sgb->dep_waiters++;
	while (!sgb->done[d])
		sg_cond_wait(sgb->dep_cond, sgb->dep_mutex);
	sgb->dep_waiters--;
	sg_mutex_unlock(sgb->dep_mutex);
	sg_act_sync_clock(a);
}

void sg_mark_done(uint64_t rec)
{
	if (!sgb->done)
		return;
	sgb->done[rec] = 1;
	if (sgb->dep_waiters)
		sg_cond_notify_all(sgb->dep_cond);
}

/* dep[] of the first n records (see sg_wait_for_dep()). */
int sg_slot_deps(struct sg_backend *b, uint64_t n)
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
