/* SPDX-License-Identifier: MIT */
/*
 * Intel IAA device logic in plain C: devices per socket, engines per device
 * (the first comp_engines accept COMPRESS, all accept DECOMPRESS), work queues
 * with their descriptor pools and FIFOs, the group arbiter, the CPU-to-device
 * mapping with distribute_comps round robin, and the per-CPU WQ round robin of
 * iaa_crypto (wq_table_next_wq).  No time passes here: the simgrid backend
 * (sim/timing_simgrid_iaa.c) runs one actor per engine on its own 1-core host
 * that takes descriptors with iaa_engine_take() and executes their service
 * time, and it blocks submitters on descriptor exhaustion.  The counters
 * (struct iaa_stats) change only in the functions here.
 *
 * Also keeps the hardware time series: queued descriptors per device sampled
 * at a fixed interval, and engine busy time per device and interval.
 */
#ifndef ZSWAPSIM_IAA_H
#define ZSWAPSIM_IAA_H

#include <stdint.h>
#include <stddef.h>
#include <jansson.h>

#include "models/hw.h"

/* One descriptor, owned by its submitter (no allocation per job). */
struct iaa_desc {
	void *owner;           /* the backend's call that waits for it */
	double service_ns;     /* engine occupancy */
	uint32_t len;          /* compressed length */
	uint8_t dir;           /* enum hw_dir */
	uint8_t wq;
	uint16_t dev;
};

struct iaa_wq {
	struct iaa_desc **ring;   /* FIFO of queued descriptors, pool entries */
	unsigned head, queued;
	unsigned pool, alloc;     /* descriptor pool size, descriptors allocated */
	unsigned size;            /* WQ entries (ENQCMDS rejects when queued == size) */
	unsigned accepts;         /* bit HW_COMPRESS, bit HW_DECOMPRESS */
	void **waiters;           /* FIFO of submitters waiting for a descriptor */
	unsigned wait_head, wait_n, wait_cap;
};

struct iaa_engine {
	int can_comp;
	int idle;                 /* waiting for work and not yet woken */
	uint64_t jobs;
	double busy_ns;
};

struct iaa_device {
	unsigned socket;
	unsigned nwq, neng;
	unsigned arb;             /* arbiter: next WQ to look at */
	unsigned queued;          /* descriptors queued in all WQs */
	unsigned max_queued;
	struct iaa_wq wq[HW_IAA_WQS];
	struct iaa_engine eng[HW_IAA_ENGINES];
};

struct iaa_stats {
	uint64_t descs[2];          /* descriptors executed, by dir */
	uint64_t verify_descs;      /* of which verify descriptors */
	uint64_t alloc_waits[2];    /* allocations that found the pool empty */
	uint64_t fallbacks[2];      /* pages done in software after exhaustion */
	uint64_t enqcmds_retries;   /* shared WQ: rejected ENQCMDS (each retried) */
};

struct iaa {
	struct hw_iaa p;
	unsigned ndev, cores, cores_per_socket;
	struct iaa_device *dev;
	uint16_t *cpu_dev_rr;     /* per CPU and dir: next device (distribute) */
	uint8_t *cpu_wq_rr;       /* per CPU, device and dir: next WQ */
	struct iaa_stats st;
	/* time series: sample k at start_ns + k * interval_ns, start_ns the
	 * first event's time; at IAA_MAX_SAMPLES neighbours merge and the
	 * interval doubles, so a run of any length keeps a bounded series */
	uint64_t start_ns, interval_ns, nsamples, cap;
	int started;
	uint32_t *depth;          /* cap * ndev: queued descriptors at sample k */
	double *busy;             /* cap * ndev: engine busy ns in [k, k+1) */
};

#define IAA_MAX_SAMPLES 10000

/* hw->iaa.devices_per_socket must be > 0.  max_waiters: submitters that can
 * wait at once (actors).  sample_ns > 0.  0 or -ENOMEM/-EINVAL. */
int iaa_create(struct iaa **out, const struct hw *hw, unsigned max_waiters,
	       uint64_t sample_ns, char *err, size_t errlen);
void iaa_destroy(struct iaa *iaa);

/* The CPU's device for a job (mapped device, or round robin over the socket's
 * devices when distribute_comps / distribute_decomps). */
unsigned iaa_pick_device(struct iaa *iaa, unsigned cpu, int dir);
/* The CPU's next WQ of dev that accepts dir (per-CPU round robin). */
unsigned iaa_pick_wq(struct iaa *iaa, unsigned dev, unsigned cpu, int dir);
/* The mapped device of a CPU (cores of a socket split evenly over its devices). */
unsigned iaa_cpu_device(const struct iaa *iaa, unsigned cpu);

/* Descriptor pool of a WQ: 0, or -EBUSY when all are in use. */
int iaa_desc_alloc(struct iaa *iaa, unsigned dev, unsigned wq);
/* Queue a submitter of a dir job for the next freed descriptor (counts an
 * allocation wait); remove it (after a timeout; returns 1 if it was still
 * queued). */
void iaa_wait_push(struct iaa *iaa, unsigned dev, unsigned wq, int dir, void *waiter);
int iaa_wait_remove(struct iaa *iaa, unsigned dev, unsigned wq, void *waiter);
/* Give a descriptor back: handed to the first waiter (returned), or NULL. */
void *iaa_desc_free(struct iaa *iaa, unsigned dev, unsigned wq);

/* Fill the descriptor of a job of len bytes on (dev, wq) for owner, with its
 * engine service time; a verify descriptor (after a compress, with
 * verify_compress) is counted as such. */
void iaa_desc_fill(struct iaa *iaa, struct iaa_desc *d, void *owner, int dir, unsigned dev,
		   unsigned wq, uint32_t len, double service_ns, int verify);
/* A page of a dir job that could not get a descriptor was done in software. */
void iaa_fallback(struct iaa *iaa, int dir);

/* Put d (with dev, wq set) on its WQ at time now.  Returns the engine to wake
 * (marked busy-woken) or -1; -EAGAIN (< -1) when a shared WQ is full. */
int iaa_submit(struct iaa *iaa, struct iaa_desc *d, uint64_t now_ns);
/* Engine eng of dev takes its next job (arbiter round robin over the WQs,
 * FIFO within each); NULL marks it idle. */
struct iaa_desc *iaa_engine_take(struct iaa *iaa, unsigned dev, unsigned eng, uint64_t now_ns);
/* Engine eng of dev ran job d from start to end (counts it). */
void iaa_engine_done(struct iaa *iaa, unsigned dev, unsigned eng, const struct iaa_desc *d,
		     uint64_t start_ns, uint64_t end_ns);

/* Record the time series up to now (called before every queue change). */
void iaa_advance(struct iaa *iaa, uint64_t now_ns);

/* "iaa" report section: devices, per-engine utilisation over elapsed_ns,
 * sampled queue depth and utilisation, counters.  New reference. */
json_t *iaa_report(struct iaa *iaa, uint64_t elapsed_ns);

#endif
