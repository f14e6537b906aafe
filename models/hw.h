/* SPDX-License-Identifier: MIT */
/*
 * Hardware parameters and cost formulas of the timing backend: CPU cores and
 * frequency, software-codec costs, the Intel IAA device, and the swap SSD.
 * Plain C, no SimGrid: the simgrid backend (sim/timing_simgrid*.c) executes these costs.
 *
 * Units: nanoseconds and bytes.  CPU-side costs are given at the reference
 * frequency hw.cpu.ref_ghz and scale by ref_ghz / ghz; device-side costs
 * (IAA engine service, fixed device latency, SSD) do not scale.
 *
 * Parameters come from the hw.* config keys, translated when the config is
 * loaded (sim/cfg_hw.c); presets live in configs/hw/<preset>.json.  docs/models.md gives every formula and its source.
 */
#ifndef ZSWAPSIM_HW_H
#define ZSWAPSIM_HW_H

#include <stddef.h>
#include <stdint.h>

#include "models/compressor.h"

#define HW_MAX_CORES    4096u
#define HW_MAX_IAA      64u     /* devices in the machine */
#define HW_IAA_ENGINES  8u      /* max engines per device */
#define HW_IAA_WQS      8u      /* max work queues per device */
#define HW_IAA_WQ_TOTAL 128u    /* WQ entries per device (WQCAP) */
#define HW_MAX_BATCH    8u      /* ZSWAP_MAX_BATCH_SIZE / IAA_CRYPTO_MAX_BATCH_SIZE */

enum hw_dir { HW_COMPRESS = 0, HW_DECOMPRESS = 1 };

/* Software codec: cost per page = fixed + per_byte * compressed length. */
struct hw_codec_cost {
	double ns[2];            /* fixed, by enum hw_dir */
	double ns_per_byte[2];   /* per compressed byte, by enum hw_dir */
};

enum hw_wq_mode { HW_WQ_DEDICATED = 0, HW_WQ_SHARED = 1 };
enum hw_iaa_sync { HW_IAA_POLL = 0, HW_IAA_IRQ = 1 };

struct hw_iaa {
	unsigned devices_per_socket;   /* 0 = no IAA: deflate-iaa runs in software */
	unsigned engines;              /* per device */
	unsigned comp_engines;         /* engines that accept COMPRESS (the first ones) */
	unsigned wqs;                  /* work queues per device */
	unsigned wq_size;              /* entries per WQ */
	unsigned comp_wqs;             /* 0: every WQ generic; k: last k compress-only, others decompress-only */
	unsigned descs_per_wq;         /* descriptor pool per WQ (0 = wq_size) */
	int wq_mode;                   /* enum hw_wq_mode */
	unsigned enqcmds_retries;      /* shared WQ: ENQCMDS retries before giving up */
	int distribute_comps;          /* compress jobs round robin over the socket's devices */
	int distribute_decomps;        /* decompress jobs likewise (else the CPU's mapped device) */
	int sync_mode;                 /* enum hw_iaa_sync */
	int verify_compress;           /* a verify (decompress) descriptor after each compress */
	double submit_ns[2];           /* CPU per descriptor (alloc, map, fill, doorbell), at ref_ghz */
	double fixed_ns[2];            /* per call, not occupying an engine (device pipeline) */
	double service_ns[2];          /* engine occupancy per descriptor: fixed ... */
	double service_ns_per_byte[2]; /* ... + per compressed byte */
	double irq_latency_ns;         /* irq mode: extra completion latency per call */
	double irq_cpu_ns;             /* irq mode: CPU cost of the wakeup per call, at ref_ghz */
	double spin_ns;                /* one descriptor-allocation retry (cpu_relax), at ref_ghz */
	unsigned alloc_retries[2];     /* retries before giving up (comp 1000, decomp 500) */
};

struct hw_ssd {
	double read_ns, write_ns;        /* access latency per request */
	double read_mbps, write_mbps;    /* transfer bandwidth, MB/s (1e6 bytes/s) */
	unsigned queue_depth;            /* requests served concurrently */
};

/* CPU costs of memory management in workload runs, ns at ref_ghz. */
struct hw_mm {
	double access_ns;         /* one access to a mapped page (a hit) */
	double fault_ns;          /* a page fault's own path (no I/O, no decompression) */
	double scan_ns;           /* reclaim looking at one folio (isolate, references) */
	double unmap_ns;          /* reclaim unmapping and freeing one folio */
	double lru_lock_ns;       /* LRU lock hold per folio moved on or off a list */
	double work_start_ns;     /* queue_work() on an idle workqueue to the work running */
};

struct hw {
	unsigned cores;
	unsigned sockets;
	double ghz, ref_ghz;
	int worker_core;                 /* core of the shrink worker */
	int kswapd_core;                 /* core of kswapd (workload runs) */
	struct hw_codec_cost codec[CODEC_COUNT];
	struct hw_iaa iaa;
	struct hw_ssd ssd;
	struct hw_mm mm;
	char stream_cores[512];          /* hw.cpu.stream_cores as given */
};

/* Check the constraints that involve more than one parameter (comp_engines
 * <= engines, wqs * wq_size <= 128, the stream_cores list, ...) and resolve
 * worker_core -1 to the last core.  0 or -EINVAL with err naming the key. */
int hw_check(struct hw *hw, char *err, size_t errlen);

/* Core of replay stream `stream` (hw.cpu.stream_cores list, else round robin). */
int hw_stream_core(const struct hw *hw, unsigned stream, unsigned *core, char *err, size_t errlen);

/* CPU-time scale: ref_ghz / ghz. */
double hw_cpu_scale(const struct hw *hw);

/* Software codec CPU time for one page of compressed length len. */
double hw_codec_ns(const struct hw *hw, int codec, int dir, uint32_t len);

/* IAA: CPU submit cost per descriptor; engine service time of one descriptor. */
double hw_iaa_submit_ns(const struct hw *hw, int dir);
double hw_iaa_service_ns(const struct hw *hw, int dir, uint32_t len);

/* Latency of one IAA call of n descriptors on an idle device with k engines
 * able to take them: n * submit + FIFO list scheduling of the n service times
 * on k engines + fixed (+ irq latency).  The simgrid backend reproduces it
 * exactly when nothing else uses the device; tests and docs use it. */
double hw_iaa_idle_call_ns(const struct hw *hw, int dir, const uint32_t *lens, unsigned n);

/* Engines of one device that can serve dir. */
unsigned hw_iaa_engines_for(const struct hw *hw, int dir);

/* SSD: access latency and transfer time of one request of nr_pages pages
 * (write != 0: a write, else a read). */
double hw_ssd_latency_ns(const struct hw *hw, int write);
double hw_ssd_transfer_ns(const struct hw *hw, int write, unsigned nr_pages);

/* Does codec go through the IAA model (deflate-iaa with devices present)? */
int hw_codec_uses_iaa(const struct hw *hw, int codec);

#endif
