/* SPDX-License-Identifier: MIT */
/*
 * Config keys of workload runs (the `workload` section, the cgroup version,
 * the vm sysctls, reclaim batching) and their translation at load into a
 * struct cfg_workload.  A generator's options are the `workload` members named
 * like `trace gen KIND`'s options (--max-pages is workload.max_pages).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/config.h"
#include "sim/workload.h"
#include "traces/access_source.h"
#include "traces/gen.h"

const struct cfg_key cfg_keys_workload[] = {
	{ "workload", CFG_OBJECT, "{}", 0, 0, NULL,
	  "a workload run instead of a trace replay: {\"kind\": usemem|zipf|selftest|file, ...}; "
	  "generators take the options of `trace gen KIND` (workload.streams, workload.size, "
	  "workload.max_pages ...); file takes path, format (zswapsim|oracleGeneral|csv), "
	  "think_ns, columns, content, zero, same, random, dirty; all take seed and swap" },
	{ "system.cgroup", CFG_ENUM, "\"v2\"", 0, 0, "v1|v2",
	  "memory controller semantics of workload runs: v2 (memory.max/high, swap.max, zswap charged to memory) or v1 (memory.limit_in_bytes, memsw, zswap not charged)" },
	{ "system.hz", CFG_INT, "250", 1, 10000, NULL,
	  "CONFIG_HZ: jiffies per second, the unit of memory.high throttling (250 on this project's machines)" },
	{ "vm.swappiness", CFG_INT, "60", 0, 200, NULL,
	  "vm.swappiness of workload runs: the anon share of reclaim's scan (get_scan_count())" },
	{ "vm.page_cluster", CFG_INT, "3", 0, 16, NULL,
	  "vm.page-cluster of workload runs: VMA swap readahead of at most 2^min(page_cluster, 5) pages (0 = off)" },
	{ "vm.min_free_kbytes", CFG_INT, "-1", -1, 2147483647, NULL,
	  "vm.min_free_kbytes of workload runs with a RAM limit: the zone's min watermark is this / 4 "
	  "pages (-1 = calculate_min_free_kbytes(): int_sqrt(RAM in KiB * 16), clamped to 128..262144)" },
	{ "vm.watermark_scale_factor", CFG_INT, "10", 1, 3000, NULL,
	  "vm.watermark_scale_factor of workload runs: the low and high watermarks are min + and min + 2 x "
	  "max(min / 4, RAM * factor / 10000) pages (__setup_per_zone_wmarks())" },
	{ "batch.reclaim_folios", CFG_INT, "1", 1, 64, NULL,
	  "folios of one reclaim batch whose pages are compressed together (1 = kernel 6.18)" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL },
};

/* Generator options that make no sense inside a run. */
static const char *const wl_gen_skip[] = { "-o", "--quiet", "--readahead", NULL };

static int in_list(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (!strcmp(*l, s))
			return 1;
	return 0;
}

/* "--max-pages" -> "max_pages" */
static void opt_key(const char *opt, char *buf, size_t len)
{
	const char *p = opt;
	size_t n = 0;

	while (*p == '-')
		p++;
	for (; *p && n + 1 < len; p++)
		buf[n++] = *p == '-' ? '_' : *p;
	buf[n] = 0;
}

const struct gen_opt *cfg_workload_gen_opt(const struct gen_kind *k, const char *key)
{
	char name[64];

	for (const struct gen_opt *o = k->opts; o->name; o++) {
		if (in_list(wl_gen_skip, o->name))
			continue;
		opt_key(o->name, name, sizeof(name));
		if (!strcmp(name, key))
			return o;
	}
	return NULL;
}

/* A content spec PATH[:WEIGHT],... with each relative path made relative to
 * the config file's directory. */
int cfg_content_spec_join(const struct cfg *c, const char *spec, char *out, size_t len)
{
	size_t n = 0;
	int r = 0;

	out[0] = 0;
	for (const char *p = spec; *p && !r;) {
		const char *end = strchr(p, ',');
		size_t m = end ? (size_t)(end - p) : strlen(p);
		char *part = strndup(p, m);

		if (n && n + 1 < len)
			out[n++] = ',';
		r = !part ? -ENOMEM : n + 1 >= len ? -ENAMETOOLONG
			: cfg_path_join(out + n, len - n, c->dir, part);
		n += strlen(out + n);
		free(part);
		p = end ? end + 1 : p + m;
	}
	return r;
}

static int wl_string(json_t *v, const char *key, char *buf, size_t len, char *err, size_t errlen)
{
	if (!json_is_string(v) || strlen(json_string_value(v)) >= len) {
		snprintf(err, errlen, "workload.%s: expected a string (of fewer than %zu characters)",
			 key, len);
		return -EINVAL;
	}
	snprintf(buf, len, "%s", json_string_value(v));
	return 0;
}

static int wl_number(json_t *v, const char *key, double lo, double hi, double *out, char *err,
		     size_t errlen)
{
	if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi) {
		snprintf(err, errlen, "workload.%s: expected a number in [%g, %g]", key, lo, hi);
		return -EINVAL;
	}
	*out = json_number_value(v);
	return 0;
}

static int wl_member(struct cfg *c, struct cfg_workload *w, const struct gen_kind *gk,
		     const char *key, json_t *v, char *err, size_t errlen)
{
	double d;
	int r = 0;

	if (!strcmp(key, "kind"))
		return 0;
	if (!strcmp(key, "seed")) {
		r = wl_number(v, key, 0, 4294967295.0, &d, err, errlen);
		if (!r)
			w->seed = (uint64_t)d;
		return r;
	}
	if (!strcmp(key, "swap")) {
		if (json_is_integer(v) && json_integer_value(v) >= 0)
			w->swap_bytes = (uint64_t)json_integer_value(v);
		else if (!json_is_string(v) || cfg_parse_size(json_string_value(v), &w->swap_bytes)) {
			snprintf(err, errlen, "workload.swap: expected bytes or a size such as \"2G\"");
			return -EINVAL;
		}
		return 0;
	}
	if (gk && !strcmp(key, "name") && gk->word[0]) {
		if (!json_is_string(v)) {
			snprintf(err, errlen, "workload.name: expected the name of a %s", gk->name);
			return -EINVAL;
		}
		return 0;
	}
	if (gk) {
		const struct gen_opt *o = cfg_workload_gen_opt(gk, key);

		if (!o)
			goto unknown;
		/* the generator checks the value itself when the run is set up */
		if (!json_is_string(v) && !json_is_number(v) && !json_is_boolean(v)) {
			snprintf(err, errlen, "workload.%s: expected a value of %s's %s", key, gk->name,
				 o->name);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "path")) {
		char rel[2048];

		r = wl_string(v, key, rel, sizeof(rel), err, errlen);
		if (!r && cfg_path_join(w->path, sizeof(w->path), c->dir, rel)) {
			snprintf(err, errlen, "workload.path: longer than %zu bytes once relative "
				 "to the config's directory", sizeof(w->path) - 1);
			r = -ENAMETOOLONG;
		}
		return r;
	}
	if (!strcmp(key, "format")) {
		if (!json_is_string(v) || access_format_parse(json_string_value(v)) < 0) {
			snprintf(err, errlen, "workload.format: expected zswapsim, oracleGeneral or csv");
			return -EINVAL;
		}
		w->format = access_format_parse(json_string_value(v));
		return 0;
	}
	if (!strcmp(key, "think_ns")) {
		r = wl_number(v, key, 0, 1e12, &d, err, errlen);
		if (!r)
			w->think_ns = (uint64_t)d;
		return r;
	}
	if (!strcmp(key, "columns"))
		return wl_string(v, key, w->columns, sizeof(w->columns), err, errlen);
	if (!strcmp(key, "content")) {
		char rel[2048];

		r = wl_string(v, key, rel, sizeof(rel), err, errlen);
		if (!r && cfg_content_spec_join(c, rel, w->content, sizeof(w->content))) {
			snprintf(err, errlen, "workload.content: longer than %zu bytes once relative "
				 "to the config's directory", sizeof(w->content) - 1);
			r = -ENAMETOOLONG;
		}
		return r;
	}
	if (!strcmp(key, "zero"))
		return wl_number(v, key, 0, 1, &w->zero, err, errlen);
	if (!strcmp(key, "same"))
		return wl_number(v, key, 0, 1, &w->same, err, errlen);
	if (!strcmp(key, "random"))
		return wl_number(v, key, 0, 1, &w->random, err, errlen);
	if (!strcmp(key, "dirty"))
		return wl_number(v, key, 0, 1, &w->dirty, err, errlen);
unknown:
	if (gk && strchr(key, '-')) {
		/* the option's name on the command line: say how the config spells it */
		char name[64], *q;

		snprintf(name, sizeof(name), "%s", key);
		for (q = name; *q; q++)
			if (*q == '-')
				*q = '_';
		if (cfg_workload_gen_opt(gk, name)) {
			snprintf(err, errlen, "workload.%s: not a key of a workload; the config spells"
				 " %s's option --%s as %s", key, gk->name, key, name);
			return -EINVAL;
		}
	}
	if (gk) {
		snprintf(err, errlen, "workload.%s: not an option of %s (see `zswapsim trace gen %s --help`;"
			 " every kind also takes seed and swap)", key, gk->name, gk->name);
	} else {
		snprintf(err, errlen, "workload.%s: unknown key of a file workload (known: kind, path, "
			 "format, think_ns, columns, content, zero, same, random, dirty, seed, swap)", key);
	}
	return -EINVAL;
}

int cfg_workload_load(struct cfg *c, char *err, size_t errlen)
{
	json_t *obj = cfg_json(c, "workload"), *kind, *v;
	const char *key;
	int r;

	if (!json_object_size(obj)) {
		/* a trace replay: the memcg limits are knobs of the reclaim model,
		 * which only workload runs have; one set here would do nothing */
		for (unsigned i = 0; i < c->nmemcg; i++) {
			const struct cfg_memcg *m = &c->memcg[i];
			const char *k = m->memory_max != CFG_MEMCG_UNSET ? "memory_max" :
					m->memory_high != CFG_MEMCG_UNSET ? "memory_high" :
					m->memory_swap_max != CFG_MEMCG_UNSET ? "memory_swap_max" :
					m->memsw_max != CFG_MEMCG_UNSET ? "memsw_max" : NULL;

			if (k) {
				snprintf(err, errlen, "memcg.%s.%s: a knob of workload runs (a trace "
					 "replay has no reclaim model to limit)", m->name, k);
				return -EINVAL;
			}
		}
		return 0;
	}
	kind = json_object_get(obj, "kind");
	if (!json_is_string(kind)) {
		snprintf(err, errlen, "workload.kind: expected usemem, zipf, selftest or file");
		return -EINVAL;
	}
	const struct gen_kind *gk = NULL;

	if (strcmp(json_string_value(kind), "file")) {
		gk = gen_find_kind(json_string_value(kind));
		if (!gk) {
			snprintf(err, errlen, "workload.kind: '%s' is not usemem, zipf, selftest or file",
				 TRACE_SHOW(json_string_value(kind)));
			return -EINVAL;
		}
	}
	if (cfg_str(c, "trace.path")[0]) {
		snprintf(err, errlen, "%s: both trace.path and a workload section: a run replays a "
			 "trace or runs a workload, not both", c->path[0] ? c->path : "config");
		return -EINVAL;
	}
	struct cfg_workload *w = calloc(1, sizeof(*w));

	if (!w) {
		snprintf(err, errlen, "workload: out of memory");
		return -ENOMEM;
	}
	c->workload = w;
	snprintf(w->kind, sizeof(w->kind), "%s", json_string_value(kind));
	w->format = ACCESS_FMT_ZSWAPSIM;
	w->seed = (uint64_t)cfg_int(c, "seed");
	w->gen = gk ? obj : NULL;
	w->cgroup = !strcmp(cfg_str(c, "system.cgroup"), "v1") ? MEMCG_V1 : MEMCG_V2;
	w->hz = (unsigned)cfg_int(c, "system.hz");
	w->swappiness = (unsigned)cfg_int(c, "vm.swappiness");
	w->page_cluster = (unsigned)cfg_int(c, "vm.page_cluster");
	w->min_free_kbytes = (int)cfg_int(c, "vm.min_free_kbytes");
	w->watermark_scale_factor = (unsigned)cfg_int(c, "vm.watermark_scale_factor");
	w->reclaim_batch = (unsigned)cfg_int(c, "batch.reclaim_folios");
	json_object_foreach(obj, key, v) {
		r = wl_member(c, w, gk, key, v, err, errlen);
		if (r)
			return r;
	}
	if (!gk && !w->path[0]) {
		snprintf(err, errlen, "workload.path: a file workload needs the file's path");
		return -EINVAL;
	}
	if (w->zero + w->same + w->random > 1.0 + 1e-9) {
		snprintf(err, errlen, "workload: zero + same + random must be at most 1");
		return -EINVAL;
	}
	for (unsigned i = 0; i < c->nmemcg; i++) {
		const struct cfg_memcg *m = &c->memcg[i];

		if (w->cgroup == MEMCG_V1 && (m->memory_high != CFG_MEMCG_UNSET ||
					      m->memory_swap_max != CFG_MEMCG_UNSET)) {
			snprintf(err, errlen, "memcg.%s: memory_high and memory_swap_max are cgroup v2 files "
				 "(system.cgroup is v1)", m->name);
			return -EINVAL;
		}
		/* memory.zswap.max and memory.zswap.writeback are cgroup v2 files
		 * (zswap_files[], cgroup_add_dfl_cftypes()) */
		if (w->cgroup == MEMCG_V1 && (m->zswap_max != ZSWAP_MAX_UNLIMITED || !m->writeback)) {
			snprintf(err, errlen, "memcg.%s: zswap_max and writeback are cgroup v2 files "
				 "(system.cgroup is v1)", m->name);
			return -EINVAL;
		}
		if (w->cgroup == MEMCG_V2 && m->memsw_max != CFG_MEMCG_UNSET) {
			snprintf(err, errlen, "memcg.%s: memsw_max is a cgroup v1 file (system.cgroup is v2)",
				 m->name);
			return -EINVAL;
		}
	}
	return 0;
}

void cfg_workload_free(struct cfg *c)
{
	free(c->workload);
	c->workload = NULL;
}
