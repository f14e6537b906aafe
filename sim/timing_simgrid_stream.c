/* SPDX-License-Identifier: MIT */
/*
 * The simgrid backend's stream actors: one per trace stream with records, on
 * its core.  A stream replays its records: it waits for the record's time
 * (open) or computes for the gap since its previous record (closed), keeps
 * each slot's cross-stream order (timing_simgrid_order.c), then calls
 * sim_apply(); the zswap model calls the timing hooks, which cost CPU time,
 * block on IAA engines or the swap device, and move zswap's clock forward.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/timing_simgrid.h"

static uint64_t stream_rec_index(const struct sg_act *a, uint64_t i)
{
	return a->idx ? a->idx[i] : i;
}

static const struct trace_record *stream_rec(const struct sg_act *a, uint64_t i)
{
	return &sgb->s->trace.rec[stream_rec_index(a, i)];
}

/* Sleep until target, ns (a record's time), if later than the stream's
 * clock.  A stream that ran ahead sleeps until where this sleep would have
 * ended had it not (when that sleep lands exactly on it, else it catches
 * up first). */
static void stream_sleep(struct sg_act *a, double target)
{
	if (target <= sg_act_now(a) + 0.5) {
		if (!a->ahead)
			sg_act_sync_clock(a);
		return;   /* no sleep */
	}
	if (a->dep_pending)
		sg_dep_wake_drop(a, target);
	if (sg_run_ahead(a, target)) {
		sg_ahead_sleep(a, target);
		return;
	}
	if (a->ahead) {
		double end = sg_ahead_sleep_end(a, target);

		if (end > 2 * simgrid_get_clock()) {
			sg_act_catch_up(a);
		} else {
			a->ahead = 0;
			sg_act_sleep(a, target, end);
			sg_act_sync_clock(a);
			return;
		}
	}
	if (target > sg_now() + 0.5)
		sg_act_sleep(a, target, target * 1e-9);
	sg_act_sync_clock(a);
}

void sg_stream_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct sg_act *a = sg_actor_self_get_data();
	uint64_t prev_t = 0;

	a->clock = sg_now();
	for (uint64_t i = 0; i < a->nrec && !sgb->stop; i++) {
		const struct trace_record *r = stream_rec(a, i);
		double target;
		if (!sgb->closed || i == 0) {
			target = (double)r->time_ns;
		} else {
			/* closed: the application computes for the recorded gap */
			sg_cpu_run(a, CPU_app, (double)(r->time_ns - prev_t));
			target = a->clock;
		}
		prev_t = r->time_ns;
		if (target < a->clock)
			target = a->clock;
		if (sg_can_coalesce(a) && target < sgb->worker_wake) {
			/* nothing else can happen in SimGrid before our next request */
			sgb->coalesced_records++;
			a->clock = target;
			zswap_set_now(sgb->zs, sg_ns(target));
		} else {
			stream_sleep(a, target);
		}

		uint64_t ri = stream_rec_index(a, i);
		sg_wait_for_dep(a, ri);
		double start = a->clock;
		if (start > sgb->max_advance)
			sgb->max_advance = start;
		sim_advance(sgb->s, sg_ns(sgb->max_advance));
		a->op = r->op;
		a->wb_start = -1;
		sim_apply(sgb->s, r);
		/* streams interleave in trace order, roughly: the furthest
		 * record applied is where the codec workers must be ahead of */
		if (ri > atomic_load_explicit(&sgb->s->replay_pos, memory_order_relaxed))
			atomic_store_explicit(&sgb->s->replay_pos, ri, memory_order_relaxed);
		if (r->op == TRACE_OP_OUT && !(r->flags & TRACE_F_CLEAN))
			lat_add(&sgb->lat[LAT_store_folio], sg_ns(a->clock - start));
		else if (r->op == TRACE_OP_IN)
			lat_add(&sgb->lat[LAT_load], sg_ns(a->clock - start));
		sg_mark_done(a, ri);
		int ret = sim_event_done(sgb->s, r, sgb->err, sgb->errlen);
		if (ret && !sgb->ret) {
			sgb->ret = ret;
			sgb->stop = 1;
		}
		sg_worker_poke(a);
	}
	sg_act_flush(a);
	sg_dep_wake_flush(a);
	a->finish_ns = sg_ns(a->clock);
	sg_act_blocks(a, INFINITY);   /* done: it never acts again */
	if (!--sgb->streams_left)
		sg_worker_wake();
}

/* ---- setup ------------------------------------------------------------------ */

/* Record lists per stream over the first n records (multi-stream traces). */
int sg_split_streams(struct sg_backend *b, uint64_t n)
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

/*
 * Every stream with records is a SimGrid actor with its own stack mapping (and
 * guard page); Linux allows 65,530 mappings per process by default, and SimGrid
 * aborts when it runs out.  Refuse such a trace up front.
 */
#define SG_MAX_STREAM_ACTORS 16384

int sg_check_actor_count(const struct sg_backend *b, char *err, size_t errlen)
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
