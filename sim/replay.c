/* SPDX-License-Identifier: MIT */
/*
 * The replay engine: builds a run from the effective config (trace, page store,
 * compressor, zswap model) and replays it with the `none` timing backend, or
 * hands it to the `simgrid` backend.  Shared by both backends: sim_apply() (one
 * record into the model), sim_advance() (time-series sampling) and
 * sim_event_done() (progress, invariants in debug builds).
 */
#include "sim/sim.h"
#include "sim/workload.h"
#include "models/reclaim.h"
#include "traces/access_source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* trace -> the model's input                                                */

static int memcg_index(const struct trace_meta *meta, const char *name)
{
	for (unsigned i = 0; i < meta->memcg_count; i++)
		if (!strcmp(meta->memcgs[i].name, name))
			return (int)i;
	return -1;
}

/* Every memcg.<name> of the config names a memcg of the trace. */
int sim_check_memcg_names(const struct cfg *cfg, const struct trace_meta *meta,
			     char *err, size_t errlen)
{
	for (unsigned k = 0; k < cfg->nmemcg; k++) {
		if (memcg_index(meta, cfg->memcg[k].name) >= 0)
			continue;
		char known[512] = "";
		for (unsigned i = 0; i < meta->memcg_count && strlen(known) < 400; i++) {
			strcat(known, i ? ", " : "");
			strncat(known, meta->memcgs[i].name, 64);
		}
		snprintf(err, errlen, "memcg.%s: the trace has no memcg of that name (it has: %s)",
			 cfg->memcg[k].name, known);
		return -EINVAL;
	}
	return 0;
}

/* The trace header as the model's topology: desc[] gets the memcg tree with
 * each memcg's knobs (memcg.<name>, else unlimited with writeback). */
void sim_trace_topology(const struct cfg *cfg, const struct trace_meta *meta,
			   struct zswap_memcg_desc *desc, struct zswap_topology *topo)
{
	for (unsigned i = 0; i < meta->memcg_count; i++) {
		const struct cfg_memcg *k = cfg_memcg_find(cfg, meta->memcgs[i].name);

		desc[i] = (struct zswap_memcg_desc){
			.name = meta->memcgs[i].name, .parent = meta->memcgs[i].parent,
			.zswap_max = k ? k->zswap_max : ZSWAP_MAX_UNLIMITED,
			.writeback = k ? k->writeback : 1,
		};
	}
	*topo = (struct zswap_topology){
		.nslots = meta->slot_count, .nwho = meta->stream_count,
		.nmemcg = meta->memcg_count, .memcg = desc,
	};
}

/* A trace record as the model's folio (per record: a few moves). */
static inline void trace_folio(const struct trace_record *r, struct zswap_folio *f)
{
	f->slot = r->slot;
	f->who = r->stream;
	f->memcg = r->memcg;
	f->order = r->order;
	f->flags = (r->flags & TRACE_F_READAHEAD ? ZSWAP_FOLIO_READAHEAD : 0) |
		   (r->flags & TRACE_F_CLEAN ? ZSWAP_FOLIO_CLEAN : 0);
	f->content.value = r->content;
	f->content.kind = r->flags & TRACE_F_HINT ? ZSWAP_CONTENT_HINT : ZSWAP_CONTENT_PAGES;
	f->content.zero = (r->flags & TRACE_F_ZERO) != 0;
}

/* ------------------------------------------------------------------------ */
/* setup                                                                     */

static uint64_t trace_span_ns(const struct trace *t, uint64_t nrec)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	for (uint64_t i = 0; i < nrec; i++) {
		uint64_t ts = t->rec[i].time_ns;
		if (ts < lo)
			lo = ts;
		if (ts > hi)
			hi = ts;
	}
	return nrec ? hi - lo : 0;
}

static int timeseries_init(struct sim *s)
{
	struct sim_timeseries *ts = &s->ts;
	uint64_t iv = (uint64_t)cfg_int(s->cfg, "report.timeseries_interval_ns");
	if (!iv && s->wl) {
		/* a workload's span is known only at its end: start fine, the
		 * sampler widens the interval as the series fills */
		iv = 100000;
	} else if (!iv) {
		uint64_t n = sim_record_count(s), span;

		if (s->trace.checker && n == s->trace.nrec) {
			/* the check still runs: the span from the streams' ends */
			if (trace_stream_ends_span(&s->trace, &span))
				return -ENOMEM;
		} else if (n == s->trace.nrec) {
			/* trace_open() found the span of all records */
			span = s->trace.time_hi - s->trace.time_lo;
		} else {
			/* records read here are checked first, as in the replay */
			if (trace_wait_checked(&s->trace, n) < n)
				return -EINVAL;
			span = trace_span_ns(&s->trace, n);
		}
		iv = span / 200 + 1;
	}
	ts->interval_ns = iv;
	ts->started = 0;
	ts->n = 0;
	ts->cap = 256;
	ts->t_ns = malloc(ts->cap * sizeof(*ts->t_ns));
	ts->values = malloc(ts->cap * SIM_TS_NFIELDS * sizeof(*ts->values));
	return ts->t_ns && ts->values ? 0 : -ENOMEM;
}

uint64_t sim_record_count(const struct sim *s)
{
	if (s->wl)
		return access_source_records(s->wl->src);
	uint64_t max = (uint64_t)cfg_int(s->cfg, "replay.max_events");
	return max && max < s->trace.nrec ? max : s->trace.nrec;
}

static int sim_check_join(struct sim *s, char *err, size_t errlen);

static int sim_setup_quoted(struct sim *s, struct cfg *cfg, int overlap, char *err,
			    size_t errlen)
{
	char path[2048];
	struct zswap_memcg_desc *desc = NULL;
	struct zswap_topology topo;
	int r;

	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->seed = (uint64_t)cfg_int(cfg, "seed");
	if (cfg->workload) {
		r = workload_setup(s, err, errlen);
		if (!r)
			r = timeseries_init(s) ? -ENOMEM : 0;
		if (r) {
			sim_teardown(s);
			return r;
		}
		s->show_progress = cfg_bool(cfg, "report.progress") && isatty(2);
		return 0;
	}
	if (!cfg_path(cfg, "trace.path", path, sizeof(path))) {
		snprintf(err, errlen, "%s: trace.path: longer than %zu bytes",
			 cfg->path[0] ? cfg->path : "config", sizeof(path) - 1);
		return -ENAMETOOLONG;
	}
	if (!path[0]) {
		snprintf(err, errlen, "%s: trace.path: no trace given", cfg->path[0] ? cfg->path : "config");
		return -EINVAL;
	}
	/* the page store is hashed once, by page_store_open(), and checked here */
	r = overlap ? trace_open_overlapped(&s->trace, path, err, errlen)
		    : trace_open_store_unsummed(&s->trace, path, err, errlen);
	if (r)
		return r;
	s->content = (enum trace_content)s->trace.content;   /* found by trace_open() */
	if (s->trace.page_store_path[0]) {
		r = page_store_open(&s->ps, s->trace.page_store_path, err, errlen);
		if (r)
			goto fail;
		s->have_ps = 1;
		r = trace_page_store_sum_check(&s->trace, s->ps.checksum, err, errlen);
		if (r)
			goto fail;
	}
	int codec = codec_by_name(cfg_str(cfg, "zswap.compressor"));
	r = compressor_init(&s->comp, codec, (int)cfg_int(cfg, "zswap.zstd_level"),
			    s->have_ps ? &s->ps : NULL, err, errlen);
	if (r)
		goto fail;
	r = sim_check_memcg_names(cfg, &s->trace.meta, err, errlen);
	if (r)
		goto fail;
	desc = calloc(s->trace.meta.memcg_count, sizeof(*desc));
	if (!desc) {
		r = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	sim_trace_topology(cfg, &s->trace.meta, desc, &topo);
	s->zs = zswap_create(&cfg->zswap, &topo, &s->comp, err, errlen);
	int nomem = !s->zs && errno == ENOMEM;   /* a bad config, or no memory */
	free(desc);
	desc = NULL;
	if (!s->zs) {
		r = nomem ? -ENOMEM : -EINVAL;
		goto fail;
	}
	r = timeseries_init(s);
	if (r) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	s->show_progress = cfg_bool(cfg, "report.progress") && isatty(2);
	return 0;
fail:
	free(desc);
	/* a bad record is the error sim_setup() gives first */
	if (s->trace.checker) {
		int bad = trace_check_join(&s->trace, err, errlen);

		r = bad ? bad : r;
	}
	sim_teardown(s);
	return r;
}

void sim_teardown(struct sim *s)
{
	sim_prefault_stop(s);   /* it uses the model and the check */
	sim_codec_ahead_stop(s);
	if (s->zs)
		zswap_destroy(s->zs);
	s->zs = NULL;
	if (s->comp.work || s->comp.cache)
		compressor_free(&s->comp);
	workload_teardown(s);
	if (s->have_ps)
		page_store_close(&s->ps);
	s->have_ps = 0;
	trace_close(&s->trace);
	free(s->ts.t_ns);
	free(s->ts.values);
	s->ts.t_ns = NULL;
	s->ts.values = NULL;
	json_decref(s->backend_report);
	s->backend_report = NULL;
}

/* ------------------------------------------------------------------------ */
/* shared replay steps                                                       */

static void show_progress(struct sim *s, int final);

/* At SIM_TS_MAX_SAMPLES the series keeps every other sample and the
 * interval doubles, so a run of any length keeps a bounded series. */
static void timeseries_thin(struct sim_timeseries *ts)
{
	uint64_t k = 0;

	for (uint64_t i = 0; i < ts->n; i += 2, k++) {
		ts->t_ns[k] = ts->t_ns[i];
		memmove(ts->values + k * SIM_TS_NFIELDS, ts->values + i * SIM_TS_NFIELDS,
			SIM_TS_NFIELDS * sizeof(*ts->values));
	}
	ts->n = k;
	ts->next_ns = ts->t_ns[k - 1] + 2 * ts->interval_ns;
	ts->interval_ns *= 2;
}

static void timeseries_sample(struct sim *s, uint64_t t)
{
	struct sim_timeseries *ts = &s->ts;
	if (ts->n == ts->cap) {
		uint64_t cap = ts->cap * 2;
		uint64_t *tn = realloc(ts->t_ns, cap * sizeof(*tn));
		if (tn)
			ts->t_ns = tn;
		uint64_t *v = realloc(ts->values, cap * SIM_TS_NFIELDS * sizeof(*v));
		if (v)
			ts->values = v;
		if (!tn || !v)
			return;   /* keep what we have; sampling is best effort under ENOMEM */
		ts->cap = cap;
	}
	const struct zswap_stats *st = zswap_stats(s->zs);
	uint64_t *row = ts->values + ts->n * SIM_TS_NFIELDS;
	unsigned f = 0;
#define TS_X(name) row[f++] = st->name;
	SIM_TS_FIELDS(TS_X)
#undef TS_X
	ts->t_ns[ts->n++] = t;
}

/* sim_advance() where no sample is due and the series has started (nearly
 * every event): only the end time moves. */
static inline __attribute__((always_inline)) void sim_advance_inline(struct sim *s, uint64_t now_ns)
{
	if (__builtin_expect(s->ts.started && s->ts.next_ns >= now_ns, 1)) {
		if (now_ns > s->sim_end_ns)
			s->sim_end_ns = now_ns;
		return;
	}
	sim_advance(s, now_ns);
}

void sim_advance(struct sim *s, uint64_t now_ns)
{
	/* A sample at time t shows the state after every event at or before t:
	 * it is taken when time first moves past t.  The first sample is at the
	 * first event (every caller advances to an event's time before applying
	 * it), so a trace that starts late has no series of its empty past. */
	if (!s->ts.started) {
		s->ts.started = 1;
		s->ts.next_ns = now_ns;
	}
	while (s->ts.next_ns < now_ns) {
		if (s->ts.n == SIM_TS_MAX_SAMPLES) {
			timeseries_thin(&s->ts);
			continue;
		}
		timeseries_sample(s, s->ts.next_ns);
		s->ts.next_ns += s->ts.interval_ns;
	}
	if (now_ns > s->sim_end_ns)
		s->sim_end_ns = now_ns;
}

void sim_finish(struct sim *s, uint64_t end_ns)
{
	sim_advance(s, end_ns);
	/* The samples sim_advance() took are all before end_ns, unless a backend
	 * advanced past the end: sample end_ns once. */
	if (!s->ts.n || s->ts.t_ns[s->ts.n - 1] != end_ns)
		timeseries_sample(s, end_ns);
	s->sim_end_ns = end_ns;
	if (s->show_progress)
		show_progress(s, 1);
}

/* A record into the model.  A folio per op: an invalidate reads only its
 * slots (after link-time IPA-SRA, zswap_invalidate() takes the slot and the
 * order), so the stores of its other fields are dead unless a folio in
 * memory is shared with the other ops.  Swap-outs are tested first (the
 * most common op in the bench traces), and the records are checked. */
static inline __attribute__((always_inline)) void sim_apply_inline(struct zswap *zs,
								  const struct trace_record *r)
{
	if (r->op == TRACE_OP_OUT) {
		struct zswap_folio f;

		trace_folio(r, &f);
		zswap_swap_out(zs, &f);
	} else if (r->op == TRACE_OP_IN) {
		struct zswap_folio f;

		trace_folio(r, &f);
		zswap_swap_in(zs, &f);
	} else {   /* TRACE_OP_INVAL: the check lets no other op through */
		struct zswap_folio f;

		trace_folio(r, &f);
		zswap_invalidate(zs, &f);
	}
}

void sim_apply(struct sim *s, const struct trace_record *r)
{
	sim_apply_inline(s->zs, r);
}

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void show_progress(struct sim *s, int final)
{
	static double last;
	double now = wall_now();
	if (!final && now - last < 0.25)
		return;
	last = now;
	uint64_t total = sim_record_count(s);
	fprintf(stderr, "\r[zswapsim] %5.1f%%  %llu/%llu events  sim time %.3f s%s",
		total ? 100.0 * (double)s->events_done / (double)total : 100.0,
		(unsigned long long)s->events_done, (unsigned long long)total,
		(double)s->sim_end_ns * 1e-9, final ? "\n" : "");
	fflush(stderr);
}

int sim_check_every_step(void)
{
	static int on = -1;

	if (on < 0) {
		const char *v = getenv("ZSWAPSIM_CHECK_EVERY_STEP");

		on = v && v[0] && strcmp(v, "0");
	}
	return on;
}

/* ZSWAPSIM_CHECK_EVERY_STEP: the model's full check after this event. */
static int sim_check_step(struct sim *s, const char *what, char *err, size_t errlen)
{
	char reason[256];
	int bad = s->wl ? workload_check(s, reason, sizeof(reason)) :
			  zswap_check_invariants(s->zs, reason, sizeof(reason));

	if (!bad)
		return 0;
	snprintf(err, errlen, "%s: record %llu: invariant violated: %s", what,
		 (unsigned long long)(s->events_done - 1), reason);
	return -EFAULT;
}

#ifdef ZSWAPSIM_DEBUG_INVARIANTS
#define SIM_DEBUG_INVARIANTS 1
#else
#define SIM_DEBUG_INVARIANTS 0
#endif

/* The debug (ASan) build's check of the model after record i of a trace
 * replay: sim_event_done()'s, and the `none` block loop's (which runs in
 * that build too, so that the sanitizers see it). */
static int sim_debug_check(struct sim *s, uint64_t i, char *err, size_t errlen)
{
#ifdef ZSWAPSIM_DEBUG_INVARIANTS
	char reason[256];
	if (zswap_check_invariants(s->zs, reason, sizeof(reason))) {
		snprintf(err, errlen, "%s: record %llu: invariant violated: %s", s->trace.path,
			 (unsigned long long)i, reason);
		return -EFAULT;
	}
#else
	(void)s;
	(void)i;
	(void)err;
	(void)errlen;
#endif
	return 0;
}

int sim_event_done(struct sim *s, const struct trace_record *r, char *err, size_t errlen)
{
	s->events_done++;
	s->pages_done += trace_nr_pages(r);
	if (sim_check_every_step())
		return sim_check_step(s, s->trace.path, err, errlen);
	if (SIM_DEBUG_INVARIANTS) {
		int ret = sim_debug_check(s, s->events_done - 1, err, errlen);

		if (ret)
			return ret;
	}
	if (s->show_progress && !(s->events_done & 0xffff))
		show_progress(s, 0);
	return 0;
}

/* Run time-driven policy work that is due at or before now.  No event comes
 * before now, so the passes that would find nothing to do are skipped in one
 * step (a trace spanning 2^63 ns with a pass every 1000 ns stays linear in
 * its events). */
void sim_run_timers(struct sim *s, uint64_t now)
{
	uint64_t t;

	zswap_skip_idle_timers(s->zs, now);
	while ((t = zswap_next_timer(s->zs)) <= now) {
		sim_advance(s, t);
		zswap_set_now(s->zs, t);
		zswap_timer(s->zs);
		zswap_skip_idle_timers(s->zs, now);
	}
}

/* ------------------------------------------------------------------------ */
/* the `none` backend                                                        */

/* Read-ahead distance in records: the trace is known in advance, so the
 * slot entries of an event are fetched SIM_PF_SLOTS events before it.  A
 * random-slot trace misses cache on them: without any per-record prefetch
 * the none_random replay took 0.545 s of CPU instead of 0.355 s (best of 12,
 * alternated).
 * Two further stages, reading the fetched entries for what they point to
 * (LRU ring position and zspage 12 events ahead, zspage fullness-list
 * neighbours 4 ahead), cost ~36 instructions per event each (callgrind, that
 * replay: 2.41 G -> 2.31 G -> 2.21 G instructions without the third, then
 * the second) and gained no time measurable here (A/B rounds of 20-24 runs
 * each: replay medians with and without, third stage 0.259/0.248,
 * 0.269/0.271, 0.284/0.258 s; second 0.301/0.309, 0.290/0.288,
 * 0.275/0.286 s): what they fetch mostly sits in L2 and L3 already (a
 * ring of 4-byte slot numbers, a table of 12-byte zspages), while the
 * slots are 32 bytes each over the whole swap space. */
#define SIM_PF_SLOTS  24

static inline void sim_prefetch(struct sim *s, uint64_t i, uint64_t n)
{
	const struct trace_record *rec = s->trace.rec;

	if (i + SIM_PF_SLOTS < n)
		zswap_prefetch_slots(s->zs, rec[i + SIM_PF_SLOTS].slot,
				     trace_nr_pages(&rec[i + SIM_PF_SLOTS]));
	if (!(i % ZSWAP_PREFETCH_LRU_EVERY))
		zswap_prefetch_lru(s->zs);
}

/* The overlapped check's end: its verdict, and what it found (content). */
static int sim_check_join(struct sim *s, char *err, size_t errlen)
{
	sim_prefault_stop(s);   /* it waits on the check */
	sim_codec_ahead_stop(s);
	int r = trace_check_join(&s->trace, err, errlen);

	s->content = (enum trace_content)s->trace.content;
	return r;
}

/* Where a `none` replay is: shared by its two loops. */
struct sim_none_run {
	uint64_t i, n;        /* the next record, the records to replay */
	uint64_t now;         /* the engine's clock: the greatest record time so far */
	uint64_t checked;     /* records the check has passed */
	int timers;           /* the policy has time-driven work */
	int plain_done;       /* sim_event_done() would only count */
	int stop;             /* the replay ends here, with the loop's answer */
};

/*
 * A record into the model at the engine's clock, in both `none` loops.
 * Records are in trace order; streams may interleave with their own clocks,
 * so the engine's clock is the running maximum.  in_block: the block loop,
 * which runs after the series has started and sets the end time at its end.
 */
static inline __attribute__((always_inline)) void
sim_none_step(struct sim *s, struct zswap *zs, const struct trace_record *r, uint64_t *now,
	      const int timers, const int in_block)
{
	if (r->time_ns > *now)
		*now = r->time_ns;
	if (timers)
		sim_run_timers(s, *now);
	if (!in_block)
		sim_advance_inline(s, *now);
	else if (__builtin_expect(s->ts.next_ns < *now, 0))
		sim_advance(s, *now);
	zswap_set_now(zs, *now);
	/* the worker is queued by a store that failed (zswap.h): it may be
	 * pending after a swap-out (or a timer's work), not after the others */
	if (r->op == TRACE_OP_OUT) {
		sim_apply_inline(zs, r);
		if (zswap_shrink_pending(zs))
			zswap_shrink_worker(zs);
	} else {
		sim_apply_inline(zs, r);
		if (timers && zswap_shrink_pending(zs))
			zswap_shrink_worker(zs);
	}
}

/* The general loop, over records p->i .. end - 1: every per-record test made
 * per record.  It replays what the block loop does not: a run with checks or
 * progress, the first records (the series starts), the last ones. */
static __attribute__((noinline)) int sim_run_none_range(struct sim *s, struct sim_none_run *p,
							uint64_t end, char *err, size_t errlen)
{
	uint64_t n = p->n, now = p->now, checked = p->checked;

	for (uint64_t i = p->i; i < end; i++) {
		const struct trace_record *r = &s->trace.rec[i];

		/* the prefetch reads records ahead: they too must be checked */
		if (__builtin_expect(i + SIM_PF_SLOTS >= checked, 0)) {
			uint64_t need = i + SIM_PF_SLOTS + 1 < n ? i + SIM_PF_SLOTS + 1 : n;

			checked = trace_wait_checked(&s->trace, need);
			if (checked < need) {
				p->stop = 1;
				return sim_check_join(s, err, errlen);
			}
		}
		sim_prefetch(s, i, n);
		if (!(i & 15))   /* where the codec workers must be ahead of */
			atomic_store_explicit(&s->replay_pos, i, memory_order_relaxed);
		sim_none_step(s, s->zs, r, &now, p->timers, 0);
		if (__builtin_expect(p->plain_done, 1)) {
			s->events_done++;
			s->pages_done += trace_nr_pages(r);
		} else {
			int ret = sim_event_done(s, r, err, errlen);

			if (ret) {
				p->stop = 1;
				return ret;
			}
		}
		if (!(i & 0xffff))
			trace_release_before(&s->trace, i);   /* RSS: model state, not trace length */
	}
	p->i = end;
	p->now = now;
	p->checked = checked;
	return 0;
}

static uint64_t sim_pages_of(const struct trace_record *rec, uint64_t lo, uint64_t hi)
{
	uint64_t pages = 0;

	for (uint64_t i = lo; i < hi; i++)
		pages += trace_nr_pages(&rec[i]);
	return pages;
}

/* One record of the block loop: sim_run_none_range()'s step without what
 * the block loop decides per block or per run. */
static inline __attribute__((always_inline)) int
sim_none_record(struct sim *s, struct zswap *zs, const struct trace_record *r, uint64_t *now,
		const int timers, char *err, size_t errlen)
{
	uint32_t nr = trace_nr_pages(&r[SIM_PF_SLOTS]);

	zswap_prefetch_slots(zs, r[SIM_PF_SLOTS].slot, nr);
	s->pages_done += nr;   /* one add to memory: no register kept for it */
	sim_none_step(s, zs, r, now, timers, 1);
	/* the debug build checks the model after every record here as the
	 * general loop does (sim_event_done()); in the others this is 0 */
	return SIM_DEBUG_INVARIANTS ? sim_debug_check(s, (uint64_t)(r - s->trace.rec), err, errlen) : 0;
}

/*
 * The block loop: sim_run_none_range() for a run whose records only count
 * (plain_done; the debug build also checks the model after each, as
 * sim_event_done() does there), after the first record (the series has
 * started), in blocks of ZSWAP_PREFETCH_LRU_EVERY (4) records, written
 * out, whose prefetch targets all exist.  What the general loop tests per
 * record is decided
 * here per block (the check, the codec workers' position, the trace's
 * release, the LRU prefetch) or per run (timers, as the constant `timers`:
 * the caller picks the copy).  The counters: events from the position at
 * the end; pages counted per record from the page count the slot prefetch
 * works out anyway (record i + SIM_PF_SLOTS's), put right at the end for
 * the SIM_PF_SLOTS records at each end of the loop's range.  No one reads
 * either, nor the end time (sim_end_ns, set at the end from the clock),
 * while the loop runs.
 */
static inline __attribute__((always_inline)) int
sim_run_none_blocks(struct sim *s, struct sim_none_run *p, const int timers, char *err,
		    size_t errlen)
{
	_Static_assert(ZSWAP_PREFETCH_LRU_EVERY == 4, "the block below is 4 records");
	const uint64_t block = 4;
	const struct trace_record *rec = s->trace.rec;
	struct zswap *zs = s->zs;
	uint64_t i = p->i, now = p->now;
	/* records the block loop may read up to: checked, and no further than n */
	uint64_t lim = p->checked < p->n ? p->checked : p->n;
	const uint64_t first = i;
	int bad = 0;

	for (;;) {
		const uint64_t need = i + block + SIM_PF_SLOTS;

		if (__builtin_expect(need > lim, 0)) {
			if (need > p->n)
				break;
			/* the prefetch reads records ahead: they too must be checked */
			p->checked = trace_wait_checked(&s->trace, need);
			if (p->checked < need) {
				bad = 1;
				break;
			}
			lim = p->checked < p->n ? p->checked : p->n;
		}
		if (!(i & 15))   /* where the codec workers must be ahead of */
			atomic_store_explicit(&s->replay_pos, i, memory_order_relaxed);
		if (!(i & 0xffff))
			trace_release_before(&s->trace, i);   /* RSS: model state, not trace length */
		zswap_prefetch_lru(zs);
		/* non-zero only from the debug build's check of a record */
		int ret = sim_none_record(s, zs, &rec[i], &now, timers, err, errlen);

		ret = ret ? ret : sim_none_record(s, zs, &rec[i + 1], &now, timers, err, errlen);
		ret = ret ? ret : sim_none_record(s, zs, &rec[i + 2], &now, timers, err, errlen);
		ret = ret ? ret : sim_none_record(s, zs, &rec[i + 3], &now, timers, err, errlen);
		if (ret) {
			p->stop = 1;
			return ret;
		}
		i += block;
	}
	s->events_done += i - first;
	if (i != first)   /* else the records past first may be unchecked */
		s->pages_done += sim_pages_of(rec, first, first + SIM_PF_SLOTS) -
				 sim_pages_of(rec, i, i + SIM_PF_SLOTS);
	if (now > s->sim_end_ns)
		s->sim_end_ns = now;
	p->i = i;
	p->now = now;
	p->stop = bad;
	return bad ? sim_check_join(s, err, errlen) : 0;
}

/* Kept out of line, so that a profile of the optimised binary can count the
 * replay alone (valgrind --toggle-collect=sim_run_none). */
__attribute__((noinline)) int sim_run_none(struct sim *s, char *err, size_t errlen)
{
	/* Per-event work that a run may not need, decided once: timers (a
	 * policy without them has none for the whole run), and what
	 * sim_event_done() adds to the two counters (checks, progress). */
	struct sim_none_run p = {
		.n = sim_record_count(s),
		.timers = zswap_has_timers(s->zs),
		.plain_done = !sim_check_every_step() && !s->show_progress && !SIM_DEBUG_INVARIANTS,
	};
	/* the block loop: records that only count, or only count and are
	 * checked by the debug build (which the block loop does too) */
	const int blocks = !sim_check_every_step() && !s->show_progress;
	int ret;

	sim_prefault_start(s);
	sim_codec_ahead_start(s);
	if (blocks) {
		/* the first block the general way: it starts the series */
		ret = sim_run_none_range(s, &p, p.n < ZSWAP_PREFETCH_LRU_EVERY ? p.n : ZSWAP_PREFETCH_LRU_EVERY,
					 err, errlen);
		if (p.stop)
			return ret;
		ret = p.timers ? sim_run_none_blocks(s, &p, 1, err, errlen)
			       : sim_run_none_blocks(s, &p, 0, err, errlen);
		if (p.stop)
			return ret;
	}
	ret = sim_run_none_range(s, &p, p.n, err, errlen);
	if (p.stop)
		return ret;
	/* replay.max_events: the records after n must pass the check too */
	ret = sim_check_join(s, err, errlen);
	if (ret)
		return ret;
	sim_finish(s, p.now);
	return 0;
}

int sim_workload_event_done(struct sim *s, char *err, size_t errlen)
{
	if (sim_check_every_step() && sim_check_step(s, "workload", err, errlen))
		return -EFAULT;
#ifdef ZSWAPSIM_DEBUG_INVARIANTS
	char reason[256];

	/* the reclaim model's check walks every page: every 4096 events */
	if (zswap_check_invariants(s->zs, reason, sizeof(reason)) ||
	    (!(s->events_done & 4095) && reclaim_check_invariants(s->wl->rm, reason, sizeof(reason)))) {
		snprintf(err, errlen, "workload: record %llu: invariant violated: %s",
			 (unsigned long long)(s->events_done - 1), reason);
		return -EFAULT;
	}
#else
	(void)err;
	(void)errlen;
#endif
	if (s->show_progress && !(s->events_done & 0xffff))
		show_progress(s, 0);
	return 0;
}

int sim_run(struct sim *s, char *err, size_t errlen)
{
	const char *backend = cfg_str(s->cfg, "timing.backend");
	int r;

	if (!strcmp(backend, "simgrid")) {
		r = sim_check_join(s, err, errlen);
		if (!r)
			r = sim_run_simgrid(s, err, errlen);
	} else {
		r = s->wl ? workload_run_none(s, err, errlen) : sim_run_none(s, err, errlen);
	}
	if (!r && s->zs && zswap_failed(s->zs)) {
		snprintf(err, errlen, "out of memory for a zswap LRU list");
		r = -ENOMEM;
	}
	return r;
}

/* Setup's messages quote memcg names, keys and paths as written: one line. */
static int sim_setup_mode(struct sim *s, struct cfg *cfg, int overlap, char *err, size_t errlen)
{
	int r = sim_setup_quoted(s, cfg, overlap, err, errlen);

	if (r) {
		cfg_err_one_line(err, errlen);
		return r;
	}
	if (!strcmp(cfg_str(cfg, "timing.backend"), "simgrid")) {
		/* the overlapped check runs on while libsimgrid loads; then the
		 * check ends here, out of the replay's time (a bad record is the
		 * error to give first, as sim_setup() does) */
		r = sim_simgrid_load(err, errlen);
		int bad = sim_check_join(s, err, errlen);

		r = bad ? bad : r;
		if (r)
			sim_teardown(s);
	}
	return r;
}

int sim_setup(struct sim *s, struct cfg *cfg, char *err, size_t errlen)
{
	return sim_setup_mode(s, cfg, 0, err, errlen);
}

int sim_setup_overlapped(struct sim *s, struct cfg *cfg, char *err, size_t errlen)
{
	return sim_setup_mode(s, cfg, 1, err, errlen);
}
