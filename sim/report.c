/* SPDX-License-Identifier: MIT */
/*
 * The report: one JSON document per run (schema "zswapsim-report/1", every key
 * documented in docs/report-schema.md).  Everything but the "runtime" section
 * is a function of the config, the trace and the seed, so two runs of the same
 * inputs give byte-identical reports apart from "runtime".  Keys are emitted in
 * a fixed order (jansson preserves insertion order).
 */
#include "sim/report.h"
#include "sim/workload.h"
#include "sim/sweep.h"
#include "git_rev.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *hex64(uint64_t v)
{
	char buf[17];
	snprintf(buf, sizeof(buf), "%016" PRIx64, v);
	return json_string(buf);
}

static json_t *u64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *global_counters(const struct zswap_stats *st)
{
	json_t *o = json_object();
#define G_X(name) json_object_set_new(o, #name, u64(st->name));
	ZSWAP_GLOBAL_COUNTERS(G_X)
#undef G_X
	return o;
}

static json_t *memcg_counters(const struct zswap_memcg_stats *m)
{
	json_t *o = json_object();
#define M_X(name) json_object_set_new(o, #name, u64(m->name));
	ZSWAP_MEMCG_COUNTERS(M_X)
#undef M_X
	/* memory.zswap.current is the same quantity as memory.stat's zswap */
	json_object_set_new(o, "zswap.current", u64(m->zswap));
	return o;
}

double report_compression_ratio(const struct zswap_stats *st)
{
	return st->sim_stored_bytes
		? (double)st->zswpout * SIM_PAGE_SIZE / (double)st->sim_stored_bytes : 0.0;
}

static json_t *compression_section(const struct sim *s)
{
	const struct zswap_stats *st = zswap_stats(s->zs);
	json_t *o = json_object();
	json_object_set_new(o, "codec", json_string(codec_name(s->comp.codec)));
	if (s->comp.codec == CODEC_ZSTD)
		json_object_set_new(o, "level", json_integer(s->comp.level));
	json_object_set_new(o, "codec_calls", u64(s->comp.compressions));
	if (s->have_ps) {
		json_object_set_new(o, "page_store_pages", u64(s->ps.npages));
		json_object_set_new(o, "page_store_distinct", u64(s->ps.ndistinct));
	}
	/* Ratio of every page stored (report_compression_ratio()), and of what
	 * is in the pool at the end (stored bytes / zsmalloc bytes). */
	double ratio = report_compression_ratio(st);
	double pool_ratio = st->pool_total_size
		? (double)st->stored_pages * SIM_PAGE_SIZE / (double)st->pool_total_size : 0.0;
	json_object_set_new(o, "ratio", json_real(ratio));
	json_object_set_new(o, "pool_ratio", json_real(pool_ratio));
	return o;
}

static json_t *timeseries_section(const struct sim *s)
{
	static const char *const names[] = {
#define N_X(name) #name,
		SIM_TS_FIELDS(N_X)
#undef N_X
	};
	json_t *o = json_object();
	json_t *fields = json_array();
	json_t *t = json_array();
	json_t *rows = json_array();
	for (unsigned f = 0; f < SIM_TS_NFIELDS; f++)
		json_array_append_new(fields, json_string(names[f]));
	for (uint64_t i = 0; i < s->ts.n; i++) {
		json_array_append_new(t, u64(s->ts.t_ns[i]));
		json_t *row = json_array();
		for (unsigned f = 0; f < SIM_TS_NFIELDS; f++)
			json_array_append_new(row, u64(s->ts.values[i * SIM_TS_NFIELDS + f]));
		json_array_append_new(rows, row);
	}
	json_object_set_new(o, "interval_ns", u64(s->ts.interval_ns));
	json_object_set_new(o, "fields", fields);
	json_object_set_new(o, "t_ns", t);
	json_object_set_new(o, "rows", rows);
	return o;
}

static json_t *trace_section(const struct sim *s)
{
	const struct trace *t = &s->trace;
	json_t *o = json_object();
	json_object_set_new(o, "path", json_string(t->path));
	json_object_set_new(o, "checksum", hex64(t->checksum));
	json_object_set_new(o, "records", u64(t->nrec));
	json_object_set_new(o, "events", u64(s->events_done));
	json_object_set_new(o, "pages", u64(s->pages_done));
	json_object_set_new(o, "streams", u64(t->meta.stream_count));
	json_object_set_new(o, "slots", u64(t->meta.slot_count));
	json_object_set_new(o, "content", json_string(trace_content_name(s->content)));
	if (t->meta.page_store[0]) {
		json_object_set_new(o, "page_store", json_string(t->meta.page_store));
		json_object_set_new(o, "page_store_checksum", hex64(t->meta.page_store_checksum));
	}
	return o;
}

json_t *sim_report(const struct sim *s)
{
	json_t *rep = json_object();
	json_t *tool = json_object();
	json_object_set_new(tool, "name", json_string("zswapsim"));
	json_object_set_new(tool, "version", json_string(ZSWAPSIM_VERSION));
	json_object_set_new(tool, "git_rev", json_string(ZSWAPSIM_GIT_REV));

	json_object_set_new(rep, "schema", json_string(REPORT_SCHEMA));
	json_object_set_new(rep, "tool", tool);
	json_object_set_new(rep, "config", json_deep_copy(s->cfg->root));
	json_object_set_new(rep, "config_hash", hex64(cfg_hash(s->cfg)));
	if (!s->wl)
		json_object_set_new(rep, "trace", trace_section(s));
	json_object_set_new(rep, "seed", u64(s->seed));

	json_t *stats = json_object();
	json_object_set_new(stats, "global", global_counters(zswap_stats(s->zs)));
	json_t *memcgs = json_object();
	for (unsigned i = 0; i < zswap_memcg_count(s->zs); i++)
		json_object_set_new(memcgs, sim_memcg_name(s, i),
				    memcg_counters(zswap_memcg_stats(s->zs, i)));
	if (s->wl)
		workload_report(s, rep, memcgs);
	json_object_set_new(stats, "memcg", memcgs);
	json_object_set_new(stats, "compression", compression_section(s));
	zswap_report_policies(s->zs, stats);
	json_object_set_new(rep, "stats", stats);

	json_object_set_new(rep, "timeseries", timeseries_section(s));
	json_object_set_new(rep, "elapsed_ns", u64(s->sim_end_ns));
	if (s->backend_report) {
		const char *key;
		json_t *v;
		json_object_foreach(s->backend_report, key, v)
			json_object_set(rep, key, v);
	}
	return rep;
}

void report_add_runtime(json_t *rep, const struct report_runtime *r)
{
	json_t *rt = json_object();
	json_object_set_new(rt, "wall_seconds", json_real(r->wall_s));
	json_object_set_new(rt, "replay_seconds", json_real(r->replay_s));
	json_object_set_new(rt, "replay_cpu_seconds", json_real(r->replay_cpu_s));
	json_object_set_new(rt, "events_per_second",
			    json_real(r->replay_s > 0 ? (double)r->events / r->replay_s : 0));
	json_object_set_new(rt, "page_events_per_second",
			    json_real(r->replay_s > 0 ? (double)r->pages / r->replay_s : 0));
	json_object_set_new(rt, "codec_seconds", json_real(r->codec_s));
	json_object_set_new(rt, "timer_seconds", json_real(r->timer_s));
	json_object_set_new(rt, "codec_threads", json_integer(r->codec_threads));
	json_object_set_new(rt, "codec_ahead_seconds", json_real(r->codec_ahead_s));
	json_object_set_new(rt, "codec_ahead_pages", json_integer((json_int_t)r->codec_ahead_pages));
	json_object_set_new(rt, "codec_ahead_used_pages", json_integer((json_int_t)r->codec_ahead_used));
	double model = r->replay_s - r->codec_s - r->timer_s;
	json_object_set_new(rt, "model_seconds", json_real(model > 0 ? model : 0));
	json_object_set_new(rt, "peak_rss_kb", json_integer(r->peak_rss_kb));
	json_object_set_new(rt, "state_bytes_per_slot", json_integer((json_int_t)r->bytes_per_slot));
	if (r->bytes_per_page)
		json_object_set_new(rt, "state_bytes_per_page", json_integer((json_int_t)r->bytes_per_page));
	json_object_set_new(rep, "runtime", rt);
}

int report_write(const json_t *rep, const char *path, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	/* before the mkdir -p below: "newdir/" must not make newdir */
	int r = outfile_check(path, err, errlen);
	if (r)
		return r;
	if (slash && slash != path && !outfile_is_stdout(path)) {
		char *dir = strndup(path, (size_t)(slash - path));
		r = dir ? sweep_mkdirs(dir, err, errlen) : -ENOMEM;
		free(dir);
		if (r)
			return r;
	}
	char *text = json_dumps(rep, JSON_INDENT(1) | JSON_REAL_PRECISION(12));
	if (!text) {
		snprintf(err, errlen, "%s: cannot encode report", path);
		return -ENOMEM;
	}
	r = outfile_write_text(path, text, err, errlen);
	free(text);
	return r;
}
