/* SPDX-License-Identifier: MIT */
/*
 * Compression ahead of the replay, on other threads (sim.h).
 *
 * A trace names the page content of every swap-out, so the pages a replay
 * (`none`, or `simgrid`'s streams) will compress are known before it gets
 * there.  On a trace of distinct pages the real codec is most of the
 * replay's time (lzo on random bytes: 62 ms of a 75 ms replay on make
 * bench's distinct trace), and it ran on one core while the others idled.
 * Worker threads walk the checked records a little ahead of the replay and
 * compress the pages of the swap-outs they find (compressor_ahead_page());
 * the replay thread takes a length over when it first needs the page, or
 * compresses the page itself when no worker has got there.  Lengths depend
 * only on the bytes and the codec, so the report is the same with any
 * number of workers (the compressions counted are the replay's first uses,
 * as without them).
 *
 * Workers claim chunks of records from a shared cursor and work through
 * each from its end.  One that finds the replay past the cursor moves the
 * cursor to just ahead of it (compressing what the replay is about to
 * compress itself would be wasted), and one that gets more than
 * SIM_AHEAD_WINDOW records ahead waits: far ahead, the trace's mapped pages
 * would stay resident and a run stopped early (replay.max_events) would
 * have compressed for nothing.  ZSWAPSIM_CODEC_THREADS=N sets the number of
 * workers (0: none); the default is one fewer than the online CPUs, at
 * most 4.  None start when zswap is off.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/sim.h"
#include "models/thread.h"

#define SIM_AHEAD_MAX_THREADS 64
#define SIM_AHEAD_CHUNK  64                /* records a worker claims at once */
/* records ahead of the replay at least: the two sides then write different
 * cache lines of the length tables (32 pages a line) and compress different
 * pages; on make bench's distinct trace 1024 gave a replay of 37.4 ms
 * median against 40.1 ms with 64 (10 runs each, alternated) */
#define SIM_AHEAD_LEAD   1024
#define SIM_AHEAD_WINDOW (1u << 15)        /* ... and at most */

struct sim_codec_ahead {
	struct sim *s;
	uint64_t n;                          /* records the replay will apply */
	atomic_uint_fast64_t next;           /* first record not yet claimed */
	atomic_int stop;
	unsigned nthreads;
	pthread_t thread[SIM_AHEAD_MAX_THREADS];
	struct compressor_ahead_worker *w[SIM_AHEAD_MAX_THREADS];
};

/* ZSWAPSIM_CODEC_THREADS: 0 ..  SIM_AHEAD_MAX_THREADS; -EINVAL otherwise. */
int sim_codec_threads(unsigned *n)
{
	const char *v = getenv("ZSWAPSIM_CODEC_THREADS");
	long cpus;

	if (v) {
		char *end;
		unsigned long k;

		errno = 0;
		k = strtoul(v, &end, 10);
		if (errno || *v < '0' || *v > '9' || *end || k > SIM_AHEAD_MAX_THREADS)
			return -EINVAL;
		*n = (unsigned)k;
		return 0;
	}
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	*n = cpus > 1 ? (unsigned)(cpus - 1 < 4 ? cpus - 1 : 4) : 0;
	return 0;
}

static void ahead_record(struct compressor_ahead_worker *w, const struct trace_record *r)
{
	if (r->op != TRACE_OP_OUT || (r->flags & (TRACE_F_HINT | TRACE_F_ZERO)))
		return;
	for (uint64_t k = 0; k < trace_nr_pages(r); k++)
		compressor_ahead_page(w, (uint64_t)r->content + k);
}

/* Ahead by the whole window: a short nap while pages still need compressing,
 * a longer one when the last stretch needed none (a trace of few distinct
 * pages: the replay has them all soon, and a worker only costs wakeups). */
static void ahead_nap(int busy)
{
	struct timespec ts = { 0, busy ? 50 * 1000 : 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* Move the cursor up to `to`, unless another worker has moved it further. */
static void cursor_raise(struct sim_codec_ahead *ca, uint64_t to)
{
	uint64_t cur = atomic_load_explicit(&ca->next, memory_order_relaxed);

	while (cur < to &&
	       !atomic_compare_exchange_weak_explicit(&ca->next, &cur, to, memory_order_relaxed,
						      memory_order_relaxed))
		;
}

struct ahead_arg {
	struct sim_codec_ahead *ca;
	struct compressor_ahead_worker *w;
};

static void *ahead_main(void *arg)
{
	struct sim_codec_ahead *ca = ((struct ahead_arg *)arg)->ca;
	struct compressor_ahead_worker *w = ((struct ahead_arg *)arg)->w;
	struct sim *s = ca->s;
	uint64_t checked = 0, calls = 0;

	free(arg);
	while (!atomic_load_explicit(&ca->stop, memory_order_relaxed) && !compressor_ahead_done(w)) {
		uint64_t pos = atomic_load_explicit(&s->replay_pos, memory_order_relaxed);
		uint64_t j = atomic_load_explicit(&ca->next, memory_order_relaxed);

		if (j < pos + SIM_AHEAD_LEAD) {
			cursor_raise(ca, pos + SIM_AHEAD_LEAD);
			continue;
		}
		if (j >= ca->n)
			break;
		if (j > pos + SIM_AHEAD_WINDOW) {
			uint64_t now = compressor_ahead_worker_calls(w);

			ahead_nap(now != calls);
			calls = now;
			continue;
		}
		j = atomic_fetch_add_explicit(&ca->next, SIM_AHEAD_CHUNK, memory_order_relaxed);
		uint64_t end = j + SIM_AHEAD_CHUNK < ca->n ? j + SIM_AHEAD_CHUNK : ca->n;

		if (j >= end)
			break;
		/* only checked records: a bad one fails the run unread */
		if (end > checked) {
			checked = trace_wait_checked(&s->trace, end);
			if (checked < end)
				break;
		}
		/* last record first: a replay that catches up with this chunk
		 * compresses from its start, and the two meet once, not at
		 * every page */
		while (end-- > j && !atomic_load_explicit(&ca->stop, memory_order_relaxed))
			ahead_record(w, &s->trace.rec[end]);
	}
	return NULL;
}

void sim_codec_ahead_start(struct sim *s)
{
	unsigned want = 0;

	atomic_store_explicit(&s->replay_pos, 0, memory_order_relaxed);
	/* zswap off: the replay compresses nothing */
	if (s->ca || !s->zs || s->wl || !s->have_ps || !s->comp.cache ||
	    !cfg_bool(s->cfg, "zswap.enabled") ||
	    sim_codec_threads(&want) || !want || compressor_ahead_enable(&s->comp))
		return;
	struct sim_codec_ahead *ca = calloc(1, sizeof(*ca));

	if (!ca)
		return;
	ca->s = s;
	ca->n = sim_record_count(s);
	atomic_init(&ca->next, 0);
	atomic_init(&ca->stop, 0);
	for (unsigned i = 0; i < want; i++) {
		struct ahead_arg *a = malloc(sizeof(*a));
		struct compressor_ahead_worker *w = compressor_ahead_worker_new(&s->comp);

		if (!a || !w) {
			free(a);
			compressor_ahead_worker_free(w);
			break;
		}
		*a = (struct ahead_arg){ .ca = ca, .w = w };
		if (thread_start(&ca->thread[ca->nthreads], ahead_main, a)) {
			free(a);
			compressor_ahead_worker_free(w);
			break;
		}
		ca->w[ca->nthreads++] = w;
	}
	if (!ca->nthreads) {
		free(ca);
		return;
	}
	s->ca = ca;
}

void sim_codec_ahead_stop(struct sim *s)
{
	struct sim_codec_ahead *ca = s->ca;

	if (!ca)
		return;
	atomic_store_explicit(&ca->stop, 1, memory_order_relaxed);
	for (unsigned i = 0; i < ca->nthreads; i++) {
		pthread_join(ca->thread[i], NULL);   /* at most one record, or one nap */
		compressor_ahead_worker_free(ca->w[i]);
	}
	s->codec_threads = ca->nthreads;
	free(ca);
	s->ca = NULL;
}
