/* SPDX-License-Identifier: MIT */
/*
 * The report sections of the simgrid backend: latency percentiles per
 * operation, CPU time per core and category, IAA and swap-device
 * utilisation, per-stream finish times and the backend's own counters.
 */
#include "sim/timing_simgrid.h"

#include <simgrid/version.h>

static const char *const sg_lat_name[LAT_NR] = {
#define SG_X(name) #name,
	SG_LAT_OPS(SG_X)
#undef SG_X
};

static const char *const sg_cpu_name[CPU_NR] = {
#define SG_X(name) #name,
	SG_CPU_CATS(SG_X)
#undef SG_X
};

static json_t *cpu_report(const struct sg_backend *b)
{
	json_t *cores = json_array(), *total = json_object();
	double sum[CPU_NR] = { 0 };
	for (unsigned c = 0; c < b->hw.cores; c++) {
		const double *v = b->cpu + (size_t)c * CPU_NR;
		double all = 0;
		json_t *cat = json_object();
		for (int k = 0; k < CPU_NR; k++) {
			all += v[k];
			sum[k] += v[k];
			json_object_set_new(cat, sg_cpu_name[k], json_integer((json_int_t)sg_ns(v[k])));
		}
		if (all <= 0) {
			json_decref(cat);
			continue;
		}
		json_array_append_new(cores, json_pack("{s:i, s:I, s:o}", "core", (int)c,
						       "busy_ns", (json_int_t)sg_ns(all), "ns", cat));
	}
	for (int k = 0; k < CPU_NR; k++)
		json_object_set_new(total, sg_cpu_name[k], json_integer((json_int_t)sg_ns(sum[k])));
	return json_pack("{s:i, s:f, s:o, s:o}", "cores", (int)b->hw.cores, "ghz", b->hw.ghz,
			 "by_core", cores, "total_ns", total);
}

static json_t *ssd_report(const struct sg_backend *b, uint64_t elapsed)
{
	const struct sg_ssd *d = &b->ssd;
	return json_pack("{s:I, s:I, s:I, s:I, s:f, s:f, s:i}",
		"reads", (json_int_t)d->reqs[0], "writes", (json_int_t)d->reqs[1],
		"read_pages", (json_int_t)d->pages[0], "write_pages", (json_int_t)d->pages[1],
		"utilization", elapsed ? d->busy_ns / (double)elapsed : 0.0,
		"transfer_utilization", elapsed ? d->xfer_ns / (double)elapsed : 0.0,
		"max_waiting", (int)d->max_waiting);
}

json_t *sg_backend_report(struct sg_backend *b, uint64_t elapsed)
{
	json_t *lat = json_object(), *streams = json_array();
	for (int i = 0; i < (b->wl ? LAT_NR : SG_LAT_FIRST_WORKLOAD); i++)
		json_object_set_new(lat, sg_lat_name[i], lat_json(&b->lat[i]));
	for (unsigned k = 0; k < b->nstreams; k++)
		json_array_append_new(streams, json_pack("{s:i, s:i, s:I, s:I}",
			"stream", (int)k, "core", (int)b->streams[k].core,
			"records", (json_int_t)b->streams[k].nrec,
			"finish_ns", (json_int_t)b->streams[k].finish_ns));
	json_t *hwj = json_pack("{s:o, s:o, s:o}", "cpu", cpu_report(b),
		"iaa", b->iaa ? iaa_report(b->iaa, elapsed) : json_null(),
		"swap_device", ssd_report(b, elapsed));
	json_t *sg = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I}",
		"version", SIMGRID_VERSION_STRING,
		"coalesce", b->coalesce,
		"coalesced_records", (json_int_t)b->coalesced_records,
		"slot_order_waits", (json_int_t)b->dep_waits,
		"shrink_worker_runs", (json_int_t)b->worker_runs,
		"timer_runs", (json_int_t)b->timer_runs);
	return json_pack("{s:o, s:o, s:o, s:I, s:o}", "latency", lat, "hardware", hwj,
			 "streams", streams, "elapsed_ns", (json_int_t)elapsed, "simgrid", sg);
}
