/* SPDX-License-Identifier: MIT */
/*
 * The slot array's first touch, on a second thread (sim.h).
 *
 * The model's slot array is zeroed memory mapped on demand (a slot_count of
 * 2^28 with a few events costs the pages of the slots used), so the replay
 * pays for the kernel clearing each 2 MiB huge page the first time one of
 * its slots is written.  On this project's VM that clearing is unsteady: the
 * bench's `none` run (10.4 M page events, 190 MB of slot state) spent
 * 0.02-0.05 s of system time in some runs and 0.4-0.5 s in others, nearly
 * all of it in clear_page_erms.  The overlapped record check knows
 * which slot groups the records use, in the order they first appear, so a
 * thread faults those groups in with MADV_POPULATE_WRITE ahead of the
 * replay: the same memory, mapped by another CPU.  It changes no byte, so
 * it needs no lock against the replay; a group the replay reaches first is
 * simply mapped already when this thread asks.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "models/thread.h"

struct sim_prefault {
	pthread_t thread;
	struct sim *s;
	atomic_int stop;
};

static void *prefault_main(void *arg)
{
	struct sim_prefault *pf = arg;
	uint32_t groups[256], have = 0, k;

	while ((k = trace_wait_slot_groups(&pf->s->trace, have, groups, 256)) > 0) {
		for (uint32_t i = 0; i < k; i++) {
			if (atomic_load_explicit(&pf->stop, memory_order_relaxed))
				return NULL;
			/* an error (no MADV_POPULATE_WRITE before Linux 5.14)
			 * leaves the first touch to the replay */
			if (zswap_prefault_slots(pf->s->zs, groups[i] << TRACE_SLOT_GROUP_SHIFT,
						 TRACE_SLOT_GROUP))
				return NULL;
		}
		have += k;
	}
	return NULL;
}

void sim_prefault_start(struct sim *s)
{
	const char *env = getenv("ZSWAPSIM_PREFAULT");

	/* only while the check runs (it finds the groups), and for a whole
	 * trace: with replay.max_events the groups of later records would be
	 * mapped for nothing */
	if (s->pf || !s->zs || !s->trace.checker || sim_record_count(s) != s->trace.nrec ||
	    (env && !strcmp(env, "0")))
		return;
	struct sim_prefault *pf = calloc(1, sizeof(*pf));

	if (!pf)
		return;
	pf->s = s;
	atomic_init(&pf->stop, 0);
	if (thread_start(&pf->thread, prefault_main, pf)) {
		free(pf);
		return;
	}
	s->pf = pf;
}

void sim_prefault_stop(struct sim *s)
{
	struct sim_prefault *pf = s->pf;

	if (!pf)
		return;
	atomic_store_explicit(&pf->stop, 1, memory_order_relaxed);
	pthread_join(pf->thread, NULL);   /* at most until the check ends */
	free(pf);
	s->pf = NULL;
}
