/* SPDX-License-Identifier: MIT */
/* Config keys of the engine: trace, seed, timing backend, replay, report. */
#include "sim/config.h"

const struct cfg_key cfg_keys_core[] = {
	{ "trace.path", CFG_PATH, "\"\"", 0, 0, NULL,
	  "trace file (.zswt or .txt); relative to the config file that names it" },
	{ "seed", CFG_INT, "1", 0, 4294967295.0, NULL,
	  "seed of every random choice (GSL mt19937); same config + trace + seed = same report" },
	{ "timing.backend", CFG_ENUM, "\"none\"", 0, 0, "none|simgrid",
	  "none: events in trace order, no latency; simgrid: latencies, queueing, throughput" },
	{ "replay.mode", CFG_ENUM, "\"open\"", 0, 0, "open|closed",
	  "open: each event at its trace time; closed: gaps between a stream's events are compute time" },
	{ "replay.max_events", CFG_INT, "0", 0, 9.2e18, NULL,
	  "stop after this many trace records (0 = all)" },
	{ "report.timeseries_interval_ns", CFG_INT, "0", 0, 9.2e18, NULL,
	  "simulated ns between time-series samples of the main gauges, from the first event (0 = auto: 200 samples over the records that run); at most 10000 samples, the interval doubles when full" },
	{ "report.progress", CFG_BOOL, "true", 0, 0, NULL,
	  "show progress on stderr when it is a terminal" },
	{ "system.ram", CFG_SIZE, "\"8GiB\"", 4096, 1.8e19, NULL,
	  "total RAM of the simulated machine (totalram_pages * PAGE_SIZE), bytes" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL },
};
