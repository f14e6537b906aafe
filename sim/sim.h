/* SPDX-License-Identifier: MIT */
/*
 * One simulation run: the effective config, the trace, the page store, the
 * compressor, the zswap model, and what the report collects.  The replay
 * engine (sim/replay.c) builds it; a timing backend runs it:
 *
 *   none     sim/replay.c        events in trace order, atomic, no latency
 *   simgrid  sim/timing_simgrid*.c  one actor per stream, hardware models
 *
 * Both backends call sim_advance() whenever simulated time moves forward, so
 * time series are sampled the same way, and sim_event_done() after each trace
 * record.
 */
#ifndef ZSWAPSIM_SIM_H
#define ZSWAPSIM_SIM_H

#include <stdatomic.h>
#include <stdint.h>
#include <jansson.h>

#include "sim/config.h"
#include "traces/trace.h"
#include "models/compressor.h"
#include "models/zswap.h"

/* Time series of the main gauges at a fixed simulated interval. */
#define SIM_TS_FIELDS(X) \
	X(stored_pages) X(pool_total_size) X(written_back_pages) X(zswpout) X(zswpin) \
	X(pswpout) X(pswpin) X(stored_incompressible_pages)

#define SIM_TS_MAX_SAMPLES 10000   /* then every other sample goes, the interval doubles */
#define SIM_TS_COUNT_X(name) +1
#define SIM_TS_NFIELDS (0 SIM_TS_FIELDS(SIM_TS_COUNT_X))

struct sim_timeseries {
	uint64_t interval_ns;
	uint64_t next_ns;    /* valid once started */
	int started;         /* at the first event: no samples of the empty time before it */
	uint64_t n, cap;
	uint64_t *t_ns;      /* n sample times */
	uint64_t *values;    /* n * nfields, row-major */
};

struct wl_run;

struct sim {
	struct cfg *cfg;
	struct wl_run *wl;          /* a workload run (sim/workload.h), NULL for a replay */
	struct trace trace;
	struct page_store ps;
	int have_ps;
	struct compressor comp;
	struct zswap *zs;
	uint64_t seed;
	enum trace_content content;  /* what the trace's swap-outs carry (hints: no compressor) */

	/* progress */
	uint64_t events_done;
	uint64_t pages_done;        /* page events (sum of 2^order) */
	uint64_t sim_end_ns;        /* simulated time at the end of the run */
	int show_progress;

	struct sim_timeseries ts;

	/* SimGrid's own options (--cfg=..., --log=...) passed through from the CLI */
	int sg_argc;
	char **sg_argv;

	struct sim_prefault *pf;    /* sim/prefault.c, while the `none` replay runs */
	struct sim_codec_ahead *ca; /* sim/codec_ahead.c, while a trace replay runs */
	atomic_uint_fast64_t replay_pos; /* the replay's record (none: every 16th;
					  * simgrid: the furthest applied), for ca */
	unsigned codec_threads;     /* ahead workers the run had (runtime report) */

	/* Sections a backend adds to the report (latency, hardware, streams);
	 * owned by the sim, NULL if none. */
	json_t *backend_report;
};

/* Build the run from a loaded config: open trace, page store, compressor,
 * zswap.  Returns 0, or a negative errno with one line in err. */
int sim_setup(struct sim *s, struct cfg *cfg, char *err, size_t errlen);
/* sim_setup() for `zswapsim run` with the `none` backend: a binary trace's
 * records are checked on a second thread (trace_open_overlapped()) while
 * the setup and the replay go on; sim_run() waits for the check where it
 * must and fails with its error (the one sim_setup() would give).  For the
 * simgrid backend the check ends within the setup, while libsimgrid loads. */
int sim_setup_overlapped(struct sim *s, struct cfg *cfg, char *err, size_t errlen);
void sim_teardown(struct sim *s);

/* Every memcg.<name> of the config names a memcg of the trace: 0 or -EINVAL. */
int sim_check_memcg_names(const struct cfg *cfg, const struct trace_meta *meta,
			  char *err, size_t errlen);
/* The trace header as the model's topology: desc[] (meta->memcg_count
 * entries) gets the memcg tree with each memcg's knobs. */
void sim_trace_topology(const struct cfg *cfg, const struct trace_meta *meta,
			struct zswap_memcg_desc *desc, struct zswap_topology *topo);

/* Records to replay (replay.max_events applied). */
uint64_t sim_record_count(const struct sim *s);

/* Fault the model's slot array in on a second thread, ahead of the `none`
 * replay, group by group as the overlapped record check finds the slots in
 * use (sim/prefault.c): the first touch of zeroed memory (the kernel
 * clearing a huge page) then overlaps the replay.  Hints only: the model
 * and its report do not change.  ZSWAPSIM_PREFAULT=0 turns it off.
 * sim_prefault_stop() must come before the check is joined. */
void sim_prefault_start(struct sim *s);
void sim_prefault_stop(struct sim *s);

/* Compress the pages of coming swap-outs on other threads, ahead of the
 * replay (`none` or `simgrid`, not a workload run) of a trace with a page
 * store (sim/codec_ahead.c): the replay then finds most lengths instead of
 * calling the codec.  Hints only:
 * the model and its report do not change.  ZSWAPSIM_CODEC_THREADS=N workers
 * (sim_codec_threads(): 0..64, -EINVAL for anything else; default one fewer
 * than the online CPUs, at most 4).  sim_codec_ahead_stop() must come before
 * the check is joined. */
int sim_codec_threads(unsigned *n);
void sim_codec_ahead_start(struct sim *s);
void sim_codec_ahead_stop(struct sim *s);

/* Run with the configured backend. */
int sim_run(struct sim *s, char *err, size_t errlen);

/* The `none` backend. */
int sim_run_none(struct sim *s, char *err, size_t errlen);
/* The `simgrid` backend (sim/timing_simgrid.c and its timing_simgrid_*.c). */
int sim_run_simgrid(struct sim *s, char *err, size_t errlen);
/* Load libsimgrid (sim/timing_simgrid_lib.c: the binary does not link it):
 * 0, or -ELIBACC with one line in err.  sim_setup() does it for a simgrid
 * run, so that the replay's time does not include it; sim_run_simgrid()
 * makes sure. */
int sim_simgrid_load(char *err, size_t errlen);

/* Simulated time moved to now_ns: sample the time series up to it. */
void sim_advance(struct sim *s, uint64_t now_ns);
/* The run ended at end_ns: take the final time-series sample. */
void sim_finish(struct sim *s, uint64_t end_ns);
/* ZSWAPSIM_CHECK_EVERY_STEP is set (and not "0"): the model's full
 * consistency check runs after every event and, under simgrid, at every
 * yield of an actor (docs/testing.md).  Read once. */
int sim_check_every_step(void);
/* One trace record finished (progress, invariants in debug builds). */
int sim_event_done(struct sim *s, const struct trace_record *r, char *err, size_t errlen);

/* Apply one trace record to the model (shared by both backends): the record
 * becomes the model's struct zswap_folio here. */
void sim_apply(struct sim *s, const struct trace_record *r);

/* Time-driven policy work due at or before now (both kinds of runs). */
void sim_run_timers(struct sim *s, uint64_t now);
/* One workload record finished (progress, invariants in debug builds). */
int sim_workload_event_done(struct sim *s, char *err, size_t errlen);
/* Name of memcg i of the run (trace or workload). */
const char *sim_memcg_name(const struct sim *s, unsigned i);

/* The report document (without the runtime section). */
json_t *sim_report(const struct sim *s);

#endif
