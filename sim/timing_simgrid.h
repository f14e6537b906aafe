/* SPDX-License-Identifier: MIT */
/*
 * The `simgrid` timing backend, shared by its files (sim/timing_simgrid*.c,
 * the only files that include SimGrid):
 *
 *   timing_simgrid.c           entry point, setup, the actors' clocks and CPU
 *                              accounting, the zswap_timing hooks
 *   timing_simgrid_platform.c  the generated platform, starting actors
 *   timing_simgrid_stream.c    stream actors: one per trace stream
 *   timing_simgrid_order.c     cross-stream order of each swap slot's events
 *   timing_simgrid_iaa.c       IAA calls: the engines' actors and the call
 *                              path, with its coalesced C twin beside it
 *   timing_simgrid_ssd.c       the swap device's actor and its requests
 *   timing_simgrid_worker.c    the shrink worker's actor (and policy timers)
 *   timing_simgrid_task.c      workload runs: task actors, the reclaim
 *                              model's timing hooks, asynchronous swap writes
 *   timing_simgrid_options.c   SimGrid's --cfg/--log options, checked first
 *   timing_simgrid_report.c    latency, hardware and streams sections
 *   timing_simgrid_lib.c       libsimgrid loaded with dlopen(): the SimGrid C
 *                              functions called here, as forwarders
 *
 * See timing_simgrid.c for the design (actors, coalescing).
 */
#ifndef ZSWAPSIM_TIMING_SIMGRID_H
#define ZSWAPSIM_TIMING_SIMGRID_H

#include <math.h>
#include <stdint.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/exec.h>
#include <simgrid/semaphore.h>
#include <simgrid/mutex.h>
#include <simgrid/cond.h>

#include "models/hw.h"
#include "models/iaa.h"
#include "sim/latency.h"
#include "sim/sim.h"
#include "sim/workload.h"

#define SG_LAT_OPS(X) \
	X(store_folio) X(compress_page) X(compress_batch) X(load) X(decompress_page) \
	X(decompress_batch) X(writeback) X(disk_read) X(disk_write) \
	X(first_touch) X(minor_fault) X(major_fault)
/* the last three: accesses of workload runs only (sg_backend_report) */
#define SG_LAT_FIRST_WORKLOAD LAT_first_touch

enum sg_lat {
#define SG_X(name) LAT_##name,
	SG_LAT_OPS(SG_X)
#undef SG_X
	LAT_NR
};

/* CPU time categories, by report name. */
#define SG_CPU_CATS(X) \
	X(compress) X(decompress) X(iaa_submit) X(iaa_poll) X(iaa_irq) X(iaa_spin) \
	X(sw_fallback) X(app) X(fault) X(reclaim) X(lru_lock)

enum sg_cpu {
#define SG_X(name) CPU_##name,
	SG_CPU_CATS(SG_X)
#undef SG_X
	CPU_NR
};

/* One stream or the shrink worker. */
struct sg_act {
	int who;                  /* stream index, or ZSWAP_WHO_WORKER */
	unsigned core;
	sg_sem_t sem;             /* this actor's wakeups */
	double clock;             /* local time, ns (ahead of SimGrid while coalescing) */
	int op;                   /* trace op of the current record (-1: worker) */
	double wb_start;          /* first decompress of a pending writeback, or < 0 */
	/* IAA call in progress */
	unsigned remaining;       /* descriptors not completed */
	int waiting;              /* blocked until remaining == 0 */
	int granted;              /* a freed descriptor was handed to us */
	struct iaa_desc desc[HW_MAX_BATCH];
	struct sg_engine *wake[HW_MAX_BATCH];   /* engines to release once the call is queued */
	unsigned nwake;
	/* swap device request in progress */
	double xfer_ns;
	/* stream replay */
	const uint64_t *idx;      /* record indices of this stream (NULL: all records) */
	uint64_t nrec;
	uint64_t finish_ns;
	/* what other actors may see of it at the current instant (sg_alone()) */
	double wake_at;           /* blocked until then, ns (INFINITY: until released) */
	double resumed_at;        /* last resumed at, ns */
	double exec_rem;          /* in a CPU exec: work left at its core's last change, ns */
	int in_exec;
	uint64_t dep_on;          /* the record it waits for (sg_wait_for_dep()) */
	int dep_pending;          /* a wakeup of the slot-order waiters not sent yet */
	int ahead;                /* a stream running ahead of SimGrid (sg_run_ahead()) */
	double sclock;            /* then: SimGrid's clock at its local clock, s */
	/* workload runs */
	double pend;              /* CPU work done in the model, not yet executed, ns */
	int queued;               /* in a wait queue (struct sg_waitq), not woken yet */
};

/* Tasks waiting for an event (a folio unlocked; isolated pages put back). */
struct sg_waitq {
	struct sg_act **w;             /* the waiting tasks (and the worker) */
	struct sg_act **waking;        /* taken off w, not released yet (a stack) */
	unsigned n, nwaking;
};

/* An asynchronous swap-device request (workload runs): slots slot..
 * slot+nr-1, a write (swap-out, writeback) or a readahead read by who. */
struct sg_wio {
	uint32_t slot, nr;
	int write, who;
};

struct sg_engine {
	unsigned dev, eng;
	sg_sem_t sem;
};

/* The swap device: queue_depth requests overlap their access latency, the
 * transfers go one at a time in FIFO order. */
struct sg_ssd {
	unsigned inflight;
	struct sg_act **slot_wait;     /* FIFO of requests waiting for a queue slot */
	unsigned sw_head, sw_n;
	struct sg_act **xfer;          /* FIFO of transfers */
	unsigned x_head, x_n;
	unsigned cap;
	int idle;
	sg_sem_t sem;
	double wake_at, resumed_at;    /* its actor, as in struct sg_act */
	double busy_since, busy_ns;    /* time with at least one request in flight */
	double xfer_ns;                /* time transferring */
	uint64_t reqs[2], pages[2];    /* by write */
	unsigned max_waiting;
};

/* A core's CPU executions, shared equally as SimGrid's CPU model does:
 * each of the k running gets 1/k of the core (sg_alone()). */
struct sg_core {
	double last;                   /* ns of the last change */
	unsigned k;
	struct sg_act **run;
};

/* What a stream's CPU execution through SimGrid met on its core when it
 * started (ZSWAPSIM_CHECK_EVERY_STEP counts them, sg_exec_class()). */
enum {
	SG_EXEC_SHARED,     /* another execution running there: they share the core */
	SG_EXEC_RELEASED,   /* an actor of the core blocked until another releases it */
	SG_EXEC_WAKING,     /* an actor of the core waking before the execution would end */
	SG_EXEC_ALONE,      /* nobody else could use the core until its end */
	SG_EXEC_NR
};

struct sg_backend {
	struct sim *s;
	struct zswap *zs;
	struct hw hw;
	struct iaa *iaa;               /* NULL without IAA devices */
	int closed;
	int coalesce;
	struct sg_act *streams;
	unsigned nstreams, streams_left;
	uint64_t *idx;                 /* per-stream record lists (multi-stream traces) */
	/* Cross-stream order per swap slot: dep[i] is the last earlier record of
	 * another stream touching a slot of record i (DEP_NONE if none); record i
	 * is applied only after it.  done[i] marks applied records. */
	uint64_t *dep;
	uint8_t *done;
	sg_mutex_t dep_mutex;
	sg_cond_t dep_cond;
	struct sg_act **dep_wq;        /* the streams waiting for a record (a set) */
	unsigned dep_waiters;
	uint64_t dep_wakeups_skipped;
	uint64_t dep_waits;
	struct sg_core *cores;         /* hw.cores of them */
	int watch;                     /* sg_alone() may say yes (see there) */
	int ahead;                     /* streams may run ahead of SimGrid (sg_run_ahead()) */
	uint64_t ahead_steps;          /* CPU executions and sleeps it left out */
	uint64_t sg_execs, sg_sleeps;  /* CPU executions and sleeps of streams through SimGrid */
	struct sg_act worker;
	struct sg_act kswapd;          /* workload runs (timing_simgrid_kswapd.c) */
	int kswapd_kick, kswapd_waiting, kswapd_busy;
	uint64_t kswapd_runs;
	int kick_pending, worker_busy, worker_waiting, stop;
	int worker_running;            /* a workload run's shrink work is running */
	double kick_at;                /* ns its item was queued on an idle worker */
	double worker_wake;            /* ns the sleeping worker wakes at */
	struct sg_engine *engines;
	unsigned nengines;
	struct sg_ssd ssd;
	struct lat_hist lat[LAT_NR];
	double *cpu;                   /* cores * CPU_NR ns */
	uint64_t coalesced_records;
	uint64_t worker_runs, timer_runs;
	double max_advance;
	int ret;
	char *err;
	size_t errlen;
	/* workload runs (NULL/0 for trace replays) */
	struct wl_run *wl;
	double quantum;                /* timing.cpu_quantum_ns */
	double *lru_free_at;           /* per memcg LRU lock (+ the root's): released at, ns */
	uint64_t lru_lock_waits;
	unsigned nlru;
	struct sg_waitq folio_q, isolated_q, pfmemalloc_q;
	uint64_t folio_waits, folio_wait_polls, isolated_waits, isolated_wakeups;
	uint64_t pfmemalloc_waits, pfmemalloc_wakes, pfmemalloc_wait_polls;
	struct sg_act *io;             /* asynchronous I/O actors (queue_depth of them) */
	unsigned nio;
	struct sg_wio *wq;             /* their FIFO of requests (growing ring) */
	size_t wq_cap, wq_head, wq_n;
	sg_sem_t wq_sem;
	uint64_t async_writes, async_reads;
	unsigned io_inflight;          /* submitted, not ended */
	int wake_folio;                /* a folio wakeup the model sent, not delivered yet */
	uint64_t folio_wakes;          /* folio wakeups delivered (hook_folio_wait()) */
	int check_steps;               /* ZSWAPSIM_CHECK_EVERY_STEP */
	uint64_t checks;               /* checks run at yields */
	uint64_t exec_checks;          /* CPU execution ends checked against struct sg_core */
	uint64_t exec_start[SG_EXEC_NR];  /* streams' CPU executions by what their core held (ditto) */
};

/* One engine per process (design decision 8): the backend is a singleton. */

/* One engine per process (design decision 8): the backend is a singleton. */
extern struct sg_backend *sgb;

static inline double sg_now(void)
{
	return simgrid_get_clock() * 1e9;
}

static inline uint64_t sg_ns(double ns)
{
	if (ns <= 0)
		return 0;
	/* a trace time is at most 2^63 - 1 ns; llround() of more overflows */
	return ns >= 0x1p63 ? (uint64_t)INT64_MAX : (uint64_t)llround(ns);
}

/* CPU work of flops flops on the calling actor's host, as sg_actor_execute()
 * does it with its default priority: that sets the priority to 1 (the
 * default) with one more simcall, a fifth of an execution's five. */
static inline void sg_execute(double flops)
{
	sg_exec_wait(sg_actor_exec_async(flops));
}

/* The actor's local clock (and zswap's) to SimGrid's. */
static inline void sg_act_sync_clock(struct sg_act *a)
{
	a->clock = sg_now();
	zswap_set_now(sgb->zs, sg_ns(a->clock));
}

/* ZSWAPSIM_CHECK_EVERY_STEP (sim_check_every_step()): the models' full
 * consistency check whenever actor a is about to let other actors run (a
 * SimGrid activity, a sleep, a semaphore, a wakeup), which they must see
 * consistent.  A broken rule stops the run with the reason (exit 1). */
void sg_debug_check_now(const struct sg_act *a, const char *where);
static inline void sg_debug_check(const struct sg_act *a, const char *where)
{
	if (sgb->check_steps)
		sg_debug_check_now(a, where);
}

/* Events this close together may be one instant to SimGrid, ns (sg_alone()). */
#define SG_INSTANT_NS 10.0

/* The current instant as actor a sees it, ns: its own clock when it runs
 * ahead of SimGrid (sg_run_ahead()). */
static inline double sg_act_now(const struct sg_act *a)
{
	return a->ahead ? a->clock : sg_now();
}

/* timing_simgrid.c: coalescing and CPU time on the actor's core */
int sg_can_coalesce(const struct sg_act *a);
int sg_alone(const struct sg_act *a);
int sg_run_ahead(const struct sg_act *a, double until);
void sg_ahead_cpu(struct sg_act *a, double ns);
void sg_ahead_sleep(struct sg_act *a, double until);
double sg_ahead_sleep_end(const struct sg_act *a, double until);
void sg_act_sleep(struct sg_act *a, double wake_ns, double until_s);
void sg_act_catch_up(struct sg_act *a);
void sg_exec_cpu(struct sg_act *a, double ns);
/* An actor blocks until wake_at (ns; INFINITY: until released), resumes,
 * or is released by another at the current instant. */
static inline void sg_act_blocks(struct sg_act *a, double wake_at)
{
	a->wake_at = wake_at;
}
static inline void sg_act_resumed(struct sg_act *a)
{
	a->resumed_at = sg_now();
}
static inline void sg_act_released(struct sg_act *a)
{
	a->wake_at = sg_now();
}
void sg_act_settle(struct sg_act *a);
void sg_act_flush(struct sg_act *a);
void sg_cpu_charge(const struct sg_act *a, int cat, double ns);
void sg_cpu_run(struct sg_act *a, int cat, double ns);

/* timing_simgrid_platform.c */
int sg_write_platform(const struct sg_backend *b, char *path, size_t len);
sg_actor_t sg_start_actor(const char *name, const char *host, xbt_main_func_t fn, void *data);
sg_actor_t sg_start_actor_stack(const char *name, const char *host, xbt_main_func_t fn, void *data,
				unsigned stack_kib);

/* timing_simgrid_stream.c */
int sg_split_streams(struct sg_backend *b, uint64_t n);
int sg_check_actor_count(const struct sg_backend *b, char *err, size_t errlen);
void sg_stream_main(int argc, char **argv);

/* timing_simgrid_order.c */
int sg_slot_deps(struct sg_backend *b, uint64_t n);
void sg_wait_for_dep(struct sg_act *a, uint64_t rec);
void sg_mark_done(struct sg_act *a, uint64_t rec);
void sg_dep_wake_flush(struct sg_act *a);
void sg_dep_wake_drop(struct sg_act *a, double until);

/* timing_simgrid_iaa.c: one IAA call of n <= HW_MAX_BATCH descriptors;
 * returns its latency, ns */
double sg_iaa_call(struct sg_act *a, int dir, const uint32_t *lens_in, unsigned n, int verify);
void sg_engine_main(int argc, char **argv);

/* timing_simgrid_ssd.c: one request of nr_pages pages */
void sg_disk_io(struct sg_act *a, int write, unsigned nr_pages);
void sg_ssd_main(int argc, char **argv);

/* timing_simgrid_worker.c */
void sg_worker_wake(void);
void sg_worker_poke(struct sg_act *a);
void sg_worker_rearm(void);
void sg_worker_main(int argc, char **argv);

/* timing_simgrid_kswapd.c: kswapd's actor (workload runs) */
void sg_kswapd_kick(void *ctx);
void sg_kswapd_wake(void);
void sg_kswapd_main(int argc, char **argv);
/* timing_simgrid_task.c: workload runs */
int sg_task_init(struct sg_backend *b, char *err, size_t errlen);
void sg_task_start(struct sg_backend *b);
void sg_task_free(struct sg_backend *b);
/* a task's CPU work of category cat (enum sg_cpu) and wl (enum wl_time, or
 * -1: counted by the caller), executed lazily */
void sg_task_cpu(struct sg_act *a, int cat, int wl, double ns);
void sg_task_time(const struct sg_act *a, int wl, double ns);
void sg_disk_io_async(struct sg_act *a, int write, uint32_t slot, unsigned nr_pages);
/* Deliver the folio wakeups the reclaim model sent during the current
 * actor's step (a folio unlocked, freed or written): when it yields (in
 * sg_act_flush()) or ends its step (a task's record, a writer's request, a
 * shrink worker run), never half-way through a change of the model. */
void sg_wake_deferred(void);
json_t *sg_task_report(const struct sg_backend *b);

/* timing_simgrid_options.c */
void sg_start(struct sim *s);
int sg_check_options(struct sim *s, char *err, size_t errlen);

/* timing_simgrid_report.c */
json_t *sg_backend_report(struct sg_backend *b, uint64_t elapsed);

#endif
