/* SPDX-License-Identifier: MIT */
/*
 * Config keys of the hardware models and the simgrid timing backend.  Sources
 * of the defaults are in docs/models.md: CPU-side costs at hw.cpu.ref_ghz,
 * IAA terms fitted to the Emerald Rapids calibration curve (iaa-model.md 2.2),
 * software codecs from the corpus medians measured on the project VM
 * (compressors.md 1), SSD from Lenovo's product guide of the Intel P4500 2 TB
 * NVMe drive (random 4 KiB access latency, sequential bandwidth), hw.mm.* from
 * scripts/calibrate-mm on the project VM (configs/calibration/mm.txt; scan_ns
 * and lru_lock_ns are provisional, docs/workload-runs.md "Time model").  At load,
 * cfg_hw_load() turns the keys into a struct hw (models/hw.h) and checks it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/config.h"

#define CODEC_KEYS(name, c_ns, d_ns) \
	{ "hw.codec." name ".compress_ns", CFG_DOUBLE, c_ns, 0, 1e9, NULL, \
	  "software " name " compress: fixed CPU ns per page at hw.cpu.ref_ghz" }, \
	{ "hw.codec." name ".compress_ns_per_byte", CFG_DOUBLE, "0", 0, 1e6, NULL, \
	  "software " name " compress: CPU ns per compressed byte at hw.cpu.ref_ghz" }, \
	{ "hw.codec." name ".decompress_ns", CFG_DOUBLE, d_ns, 0, 1e9, NULL, \
	  "software " name " decompress: fixed CPU ns per page at hw.cpu.ref_ghz" }, \
	{ "hw.codec." name ".decompress_ns_per_byte", CFG_DOUBLE, "0", 0, 1e6, NULL, \
	  "software " name " decompress: CPU ns per compressed byte at hw.cpu.ref_ghz" }

const struct cfg_key cfg_keys_hw[] = {
	/* CPU */
	{ "hw.cpu.cores", CFG_INT, "2", 1, 4096, NULL,
	  "CPU cores of the simulated machine" },
	{ "hw.cpu.sockets", CFG_INT, "1", 1, 8, NULL,
	  "sockets (packages); cores and IAA devices are split evenly among them" },
	{ "hw.cpu.ghz", CFG_DOUBLE, "2.0", 0.1, 10, NULL,
	  "core frequency, GHz; CPU-side costs scale by ref_ghz / ghz" },
	{ "hw.cpu.ref_ghz", CFG_DOUBLE, "2.0", 0.1, 10, NULL,
	  "frequency, GHz, at which the preset's CPU-side costs hold" },
	{ "hw.cpu.stream_cores", CFG_STRING, "\"\"", 0, 0, NULL,
	  "core of each replay stream or workload task, comma-separated (\"0,2,4\"): stream i "
	  "on entry i mod the list's length, so a shorter list repeats (\"1\": all on core 1) "
	  "and entries past the stream count go unused; \"\" = stream i on core i mod cores" },
	{ "hw.cpu.worker_core", CFG_INT, "-1", -1, 4095, NULL,
	  "core of the global shrink worker (-1 = the last core)" },
	{ "hw.cpu.kswapd_core", CFG_INT, "-1", -1, 4095, NULL,
	  "core of kswapd in workload runs with a RAM limit: its reclaim's CPU time is charged there "
	  "(-1 = the last core, with the shrink worker: both are kernel threads off the tasks' cores)" },
	/* software codecs (defaults: corpus medians on the project VM, compressors.md 1) */
	CODEC_KEYS("lzo", "5354", "3656"),
	CODEC_KEYS("lz4", "4792", "1345"),
	CODEC_KEYS("zstd", "16523", "5406"),
	CODEC_KEYS("deflate", "99762", "11469"),
	CODEC_KEYS("deflate-iaa", "6022", "5455"),
	/* IAA topology and driver */
	{ "hw.iaa.devices_per_socket", CFG_INT, "1", 0, 8, NULL,
	  "IAA devices per socket (0 = none: deflate-iaa runs in software at hw.codec.deflate-iaa.*)" },
	{ "hw.iaa.engines", CFG_INT, "8", 1, 8, NULL,
	  "engines per IAA device" },
	{ "hw.iaa.comp_engines", CFG_INT, "2", 1, 8, NULL,
	  "engines per device that can compress (all can decompress)" },
	{ "hw.iaa.wqs", CFG_INT, "1", 1, 8, NULL,
	  "work queues per device" },
	{ "hw.iaa.wq_size", CFG_INT, "128", 1, 128, NULL,
	  "entries per work queue (wqs * wq_size <= 128)" },
	{ "hw.iaa.comp_wqs", CFG_INT, "0", 0, 8, NULL,
	  "g_comp_wqs_per_iaa: 0 = every WQ takes both; k = the last k WQs compress, the others decompress" },
	{ "hw.iaa.descs_per_wq", CFG_INT, "0", 0, 4096, NULL,
	  "descriptor pool per WQ (0 = wq_size; larger only for shared WQs)" },
	{ "hw.iaa.wq_mode", CFG_ENUM, "\"dedicated\"", 0, 0, "dedicated|shared",
	  "dedicated (MOVDIR64B, posted) or shared (ENQCMDS, retried when the WQ is full)" },
	{ "hw.iaa.enqcmds_retries", CFG_INT, "32", 0, 64, NULL,
	  "shared WQ: ENQCMDS retries before the job falls back to software" },
	{ "hw.iaa.distribute_comps", CFG_BOOL, "true", 0, 0, NULL,
	  "compress descriptors round robin over the socket's devices (else the CPU's mapped device)" },
	{ "hw.iaa.distribute_decomps", CFG_BOOL, "false", 0, 0, NULL,
	  "decompress descriptors round robin over the socket's devices" },
	{ "hw.iaa.sync_mode", CFG_ENUM, "\"poll\"", 0, 0, "poll|irq",
	  "completion: poll (CPU spins for the whole call) or irq (CPU free, extra latency)" },
	{ "hw.iaa.verify_compress", CFG_BOOL, "false", 0, 0, NULL,
	  "verify_compress: a decompress descriptor checks every compress" },
	/* IAA timing (fit to the EMR 2.0 GHz batch curve, docs/models.md) */
	{ "hw.iaa.comp_submit_ns", CFG_DOUBLE, "371", 0, 1e7, NULL,
	  "CPU ns per compress descriptor (alloc, dma_map, fill, MOVDIR64B) at ref_ghz" },
	{ "hw.iaa.comp_fixed_ns", CFG_DOUBLE, "1612", 0, 1e7, NULL,
	  "ns per compress call not occupying an engine (device pipeline, completion)" },
	{ "hw.iaa.comp_service_ns", CFG_DOUBLE, "1334", 0, 1e7, NULL,
	  "engine occupancy per compress descriptor: fixed ns" },
	{ "hw.iaa.comp_service_ns_per_byte", CFG_DOUBLE, "0.13", 0, 1e3, NULL,
	  "engine occupancy per compress descriptor: ns per compressed byte" },
	{ "hw.iaa.decomp_submit_ns", CFG_DOUBLE, "450", 0, 1e7, NULL,
	  "CPU ns per decompress descriptor at ref_ghz" },
	{ "hw.iaa.decomp_fixed_ns", CFG_DOUBLE, "800", 0, 1e7, NULL,
	  "ns per decompress call not occupying an engine" },
	{ "hw.iaa.decomp_service_ns", CFG_DOUBLE, "200", 0, 1e7, NULL,
	  "engine occupancy per decompress descriptor: fixed ns" },
	{ "hw.iaa.decomp_service_ns_per_byte", CFG_DOUBLE, "0.80", 0, 1e3, NULL,
	  "engine occupancy per decompress descriptor: ns per compressed byte" },
	{ "hw.iaa.irq_latency_ns", CFG_DOUBLE, "3640", 0, 1e8, NULL,
	  "irq mode: extra ns per call between the last completion and the caller running" },
	{ "hw.iaa.irq_cpu_ns", CFG_DOUBLE, "1000", 0, 1e8, NULL,
	  "irq mode: CPU ns per call for the interrupt and wakeup at ref_ghz" },
	{ "hw.iaa.spin_ns", CFG_DOUBLE, "70", 0, 1e6, NULL,
	  "one descriptor-allocation or ENQCMDS retry (cpu_relax), ns at ref_ghz" },
	{ "hw.iaa.comp_alloc_retries", CFG_INT, "1000", 0, 1000000, NULL,
	  "compress descriptor-allocation retries before software fallback" },
	{ "hw.iaa.decomp_alloc_retries", CFG_INT, "500", 0, 1000000, NULL,
	  "decompress descriptor-allocation retries before software fallback" },
	/* swap device */
	{ "hw.ssd.read_ns", CFG_DOUBLE, "85000", 0, 1e10, NULL,
	  "swap device read access latency per request, ns" },
	{ "hw.ssd.write_ns", CFG_DOUBLE, "20000", 0, 1e10, NULL,
	  "swap device write access latency per request, ns" },
	{ "hw.ssd.read_mbps", CFG_DOUBLE, "3200", 1, 1e6, NULL,
	  "swap device read bandwidth, MB/s (1e6 bytes/s)" },
	{ "hw.ssd.write_mbps", CFG_DOUBLE, "1050", 1, 1e6, NULL,
	  "swap device write bandwidth, MB/s" },
	{ "hw.ssd.queue_depth", CFG_INT, "32", 1, 4096, NULL,
	  "requests the swap device serves concurrently (more wait in FIFO order)" },
	/* memory management (workload runs, simgrid) */
	{ "hw.mm.access_ns", CFG_DOUBLE, "25.3", 0, 1e6, NULL,
	  "CPU ns of one access to a mapped page (a hit), at hw.cpu.ref_ghz (measured: random page of 256 MiB, scripts/calibrate-mm)" },
	{ "hw.mm.fault_ns", CFG_DOUBLE, "1468.3", 0, 1e8, NULL,
	  "CPU ns of a page fault's own path (exception, allocation, zeroing or mapping; no I/O, no decompression; measured: first-touch write fault)" },
	{ "hw.mm.scan_ns", CFG_DOUBLE, "300", 0, 1e8, NULL,
	  "CPU ns of reclaim looking at one folio (isolation, reference check; provisional, not measured)" },
	{ "hw.mm.unmap_ns", CFG_DOUBLE, "1600.7", 0, 1e8, NULL,
	  "CPU ns of reclaim unmapping and freeing one folio (rmap walk, TLB flush, swap-cache delete; measured: MADV_PAGEOUT of zero pages less the zero check, less scan_ns), charged when try_to_unmap() unmaps it, before pageout" },
	{ "hw.mm.lru_lock_ns", CFG_DOUBLE, "50", 0, 1e8, NULL,
	  "ns the per-memcg LRU lock is held per folio moved on or off a list (provisional, not measured)" },
	{ "hw.mm.work_start_ns", CFG_DOUBLE, "24000", 0, 1e9, NULL,
	  "workload runs: ns from a failed store's queue_work() of the idle zswap shrink work to its start on the worker's core (a kworker wakeup; measured: median queue-to-start of the workqueue tracepoints, scripts/trace-shrink-worker)" },
	/* simgrid backend */
	{ "timing.cpu_quantum_ns", CFG_INT, "10000", 0, 1000000000, NULL,
	  "workload runs: a task's CPU work is executed in SimGrid once this much has accumulated, "
	  "or before it waits on anything (0: every access)" },
	{ "timing.coalesce", CFG_BOOL, "true", 0, 0, NULL,
	  "merge a lone stream's CPU work into one SimGrid activity per event, and leave out wakeups of waiting streams that nobody can tell apart (same results, faster)" },
	{ "timing.hw_sample_ns", CFG_INT, "0", 0, 9.2e18, NULL,
	  "interval of the IAA time series from the first IAA event, ns (0 = the report's time-series interval); at most 10000 samples per device, the interval doubles when full" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL },
};

/* ---- translation at load ----------------------------------------------------- */

/* hw.codec.<name>.<what>, named as zswap.compressor names the codec. */
static double codec_key(const struct cfg *c, int codec, const char *what)
{
	char key[96];
	snprintf(key, sizeof(key), "hw.codec.%s.%s", codec_name(codec), what);
	return cfg_double(c, key);
}

static void load_codecs(struct hw *hw, const struct cfg *c)
{
	for (int i = 0; i < CODEC_COUNT; i++) {
		hw->codec[i].ns[HW_COMPRESS] = codec_key(c, i, "compress_ns");
		hw->codec[i].ns_per_byte[HW_COMPRESS] = codec_key(c, i, "compress_ns_per_byte");
		hw->codec[i].ns[HW_DECOMPRESS] = codec_key(c, i, "decompress_ns");
		hw->codec[i].ns_per_byte[HW_DECOMPRESS] = codec_key(c, i, "decompress_ns_per_byte");
	}
}

static void load_iaa(struct hw_iaa *p, const struct cfg *c)
{
	p->devices_per_socket = (unsigned)cfg_int(c, "hw.iaa.devices_per_socket");
	p->engines = (unsigned)cfg_int(c, "hw.iaa.engines");
	p->comp_engines = (unsigned)cfg_int(c, "hw.iaa.comp_engines");
	p->wqs = (unsigned)cfg_int(c, "hw.iaa.wqs");
	p->wq_size = (unsigned)cfg_int(c, "hw.iaa.wq_size");
	p->comp_wqs = (unsigned)cfg_int(c, "hw.iaa.comp_wqs");
	p->descs_per_wq = (unsigned)cfg_int(c, "hw.iaa.descs_per_wq");
	if (!p->descs_per_wq)
		p->descs_per_wq = p->wq_size;
	p->wq_mode = strcmp(cfg_str(c, "hw.iaa.wq_mode"), "shared") ? HW_WQ_DEDICATED : HW_WQ_SHARED;
	p->enqcmds_retries = (unsigned)cfg_int(c, "hw.iaa.enqcmds_retries");
	p->distribute_comps = cfg_bool(c, "hw.iaa.distribute_comps");
	p->distribute_decomps = cfg_bool(c, "hw.iaa.distribute_decomps");
	p->sync_mode = strcmp(cfg_str(c, "hw.iaa.sync_mode"), "irq") ? HW_IAA_POLL : HW_IAA_IRQ;
	p->verify_compress = cfg_bool(c, "hw.iaa.verify_compress");
	p->submit_ns[HW_COMPRESS] = cfg_double(c, "hw.iaa.comp_submit_ns");
	p->fixed_ns[HW_COMPRESS] = cfg_double(c, "hw.iaa.comp_fixed_ns");
	p->service_ns[HW_COMPRESS] = cfg_double(c, "hw.iaa.comp_service_ns");
	p->service_ns_per_byte[HW_COMPRESS] = cfg_double(c, "hw.iaa.comp_service_ns_per_byte");
	p->submit_ns[HW_DECOMPRESS] = cfg_double(c, "hw.iaa.decomp_submit_ns");
	p->fixed_ns[HW_DECOMPRESS] = cfg_double(c, "hw.iaa.decomp_fixed_ns");
	p->service_ns[HW_DECOMPRESS] = cfg_double(c, "hw.iaa.decomp_service_ns");
	p->service_ns_per_byte[HW_DECOMPRESS] = cfg_double(c, "hw.iaa.decomp_service_ns_per_byte");
	p->irq_latency_ns = cfg_double(c, "hw.iaa.irq_latency_ns");
	p->irq_cpu_ns = cfg_double(c, "hw.iaa.irq_cpu_ns");
	p->spin_ns = cfg_double(c, "hw.iaa.spin_ns");
	p->alloc_retries[HW_COMPRESS] = (unsigned)cfg_int(c, "hw.iaa.comp_alloc_retries");
	p->alloc_retries[HW_DECOMPRESS] = (unsigned)cfg_int(c, "hw.iaa.decomp_alloc_retries");
}

int cfg_hw_load(struct cfg *c, char *err, size_t errlen)
{
	struct hw *hw = &c->hw;

	memset(hw, 0, sizeof(*hw));
	hw->cores = (unsigned)cfg_int(c, "hw.cpu.cores");
	hw->sockets = (unsigned)cfg_int(c, "hw.cpu.sockets");
	hw->ghz = cfg_double(c, "hw.cpu.ghz");
	hw->ref_ghz = cfg_double(c, "hw.cpu.ref_ghz");
	hw->worker_core = (int)cfg_int(c, "hw.cpu.worker_core");
	hw->kswapd_core = (int)cfg_int(c, "hw.cpu.kswapd_core");
	const char *sc = cfg_str(c, "hw.cpu.stream_cores");
	if (strlen(sc) >= sizeof(hw->stream_cores)) {
		snprintf(err, errlen, "hw.cpu.stream_cores: list longer than %zu characters "
			 "(leave it empty for round robin over hw.cpu.cores)", sizeof(hw->stream_cores) - 1);
		return -EINVAL;
	}
	snprintf(hw->stream_cores, sizeof(hw->stream_cores), "%s", sc);
	load_codecs(hw, c);
	load_iaa(&hw->iaa, c);
	hw->ssd.read_ns = cfg_double(c, "hw.ssd.read_ns");
	hw->ssd.write_ns = cfg_double(c, "hw.ssd.write_ns");
	hw->ssd.read_mbps = cfg_double(c, "hw.ssd.read_mbps");
	hw->ssd.write_mbps = cfg_double(c, "hw.ssd.write_mbps");
	hw->ssd.queue_depth = (unsigned)cfg_int(c, "hw.ssd.queue_depth");
	hw->mm.access_ns = cfg_double(c, "hw.mm.access_ns");
	hw->mm.fault_ns = cfg_double(c, "hw.mm.fault_ns");
	hw->mm.scan_ns = cfg_double(c, "hw.mm.scan_ns");
	hw->mm.unmap_ns = cfg_double(c, "hw.mm.unmap_ns");
	hw->mm.lru_lock_ns = cfg_double(c, "hw.mm.lru_lock_ns");
	hw->mm.work_start_ns = cfg_double(c, "hw.mm.work_start_ns");
	return hw_check(hw, err, errlen);
}
