/* SPDX-License-Identifier: MIT */
/* Config keys of the zswap model (module parameters, memcgs, batching,
 * policies) and their translation into a struct zswap_config at load. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/config.h"
#include "models/policy/policy.h"

const struct cfg_key cfg_keys_zswap[] = {
	{ "zswap.enabled", CFG_BOOL, "true", 0, 0, NULL,
	  "module parameter zswap.enabled" },
	{ "zswap.compressor", CFG_ENUM, "\"lzo\"", 0, 0, "lzo|lz4|zstd|deflate|deflate-iaa",
	  "module parameter zswap.compressor (6.18 Kconfig default: lzo)" },
	{ "zswap.zstd_level", CFG_INT, "3", 1, 22, NULL,
	  "zstd compression level (the kernel's default is 3)" },
	{ "zswap.max_pool_percent", CFG_INT, "20", 0, 100, NULL,
	  "module parameter: pool limit in % of system.ram" },
	{ "zswap.accept_threshold_percent", CFG_INT, "90", 0, 100, NULL,
	  "module parameter: after the pool was full, accept again below this % of the limit" },
	{ "zswap.shrinker_enabled", CFG_BOOL, "false", 0, 0, NULL,
	  "module parameter: memory-pressure shrinker (CONFIG_ZSWAP_SHRINKER_DEFAULT_ON=n)" },
	{ "zswap.zsmalloc_chain_size", CFG_INT, "8", 1, 16, NULL,
	  "CONFIG_ZSMALLOC_CHAIN_SIZE: max pages per zspage" },
	{ "memcg", CFG_OBJECT, "{}", 0, 0, NULL,
	  "per-memcg knobs by memcg name: {\"name\": {\"zswap_max\": size|\"max\", \"writeback\": bool}} (cgroup v2 files: not in a v1 workload run); workload runs also memory_max, memory_high, memory_swap_max (v2), memsw_max (v1): size|\"max\"" },
	{ "batch.compress", CFG_INT, "1", 1, 8, NULL,
	  "pages of a folio compressed per call (1 = kernel 6.18; 8 = IAA batching series)" },
	{ "batch.decompress", CFG_INT, "1", 1, 8, NULL,
	  "zswap pages of a readahead window decompressed per call" },
	{ "swapin.page_cluster", CFG_INT, "0", 0, 5, NULL,
	  "vm.page-cluster: swap-in readahead of at most 2^page_cluster slots around a fault, adapted to readahead hits as swapin_nr_pages() does (0 = off: the trace gives every swap-in)" },
	{ "shrinker.every", CFG_INT, "64", 0, 1000000000, NULL,
	  "replay-driven reclaim: one pressure-shrinker pass per this many swapped-out pages of a memcg (0 = never)" },
	{ "shrinker.priority", CFG_INT, "12", 0, 12, NULL,
	  "reclaim priority of those passes (scan = 2 * (freeable >> priority) per DEFAULT_SEEKS)" },
	{ "policy.limit", CFG_OBJECT, "{\"name\": \"folio-once\"}", 0, 0, NULL,
	  "limit-check policy {\"name\": ..., params}; see `zswapsim policies`" },
	{ "policy.lru", CFG_OBJECT, "{\"name\": \"kernel\"}", 0, 0, NULL,
	  "LRU policy {\"name\": ..., params}; see `zswapsim policies`" },
	{ "policy.writeback", CFG_OBJECT, "{\"name\": \"pool-limit\"}", 0, 0, NULL,
	  "writeback policy {\"name\": ..., params}; see `zswapsim policies`" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL },
};

/* ---- translation at load --------------------------------------------------- */

static const char *const policy_family[3] = { "limit", "lru", "writeback" };

/* policy.<family> = {"name": ..., params}: the vtable and its parameters. */
static int load_policy(struct cfg *c, unsigned f, const struct policy_common **pol,
		       char *err, size_t errlen)
{
	char key[32], names[256];

	snprintf(key, sizeof(key), "policy.%s", policy_family[f]);
	json_t *obj = cfg_json(c, key);
	json_t *n = json_object_get(obj, "name");
	if (!json_is_string(n)) {
		snprintf(err, errlen, "%s.name: expected a policy name (see 'zswapsim policies')", key);
		return -EINVAL;
	}
	*pol = policy_find(policy_family[f], json_string_value(n));
	if (!*pol) {
		policy_family_names(policy_family[f], names, sizeof(names));
		snprintf(err, errlen, "%s: unknown policy '%s' (known: %s)", key,
			 json_string_value(n), names);
		return -EINVAL;
	}
	return policy_parse_params(*pol, policy_family[f], obj, &c->policy_params[f], err, errlen);
}

/* zswap_max: bytes, a size string, or "max". */
static int memcg_zswap_max(json_t *v, uint64_t *bytes)
{
	if (json_is_string(v) && !strcmp(json_string_value(v), "max"))
		*bytes = ZSWAP_MAX_UNLIMITED;
	else if (json_is_integer(v) && json_integer_value(v) >= 0)
		*bytes = (uint64_t)json_integer_value(v);
	else if (!json_is_string(v) || cfg_parse_size(json_string_value(v), bytes))
		return -EINVAL;
	return 0;
}

static int memcg_writeback(json_t *v, int *on)
{
	if (json_is_boolean(v))
		*on = json_is_true(v);
	else if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1))
		*on = (int)json_integer_value(v);
	else
		return -EINVAL;
	return 0;
}

/* memcg.<name> = {"zswap_max": ..., "writeback": ...}, in the config's order. */
static int load_memcgs(struct cfg *c, char *err, size_t errlen)
{
	json_t *memcgs = cfg_json(c, "memcg"), *knobs;
	const char *name;

	c->memcg = calloc(json_object_size(memcgs) + 1, sizeof(*c->memcg));
	if (!c->memcg) {
		snprintf(err, errlen, "memcg: out of memory");
		return -ENOMEM;
	}
	json_object_foreach(memcgs, name, knobs) {
		struct cfg_memcg *m = &c->memcg[c->nmemcg];
		const char *knob;
		json_t *v;

		if (!json_is_object(knobs)) {
			snprintf(err, errlen, "memcg.%s: expected an object {\"zswap_max\": ..., \"writeback\": ...}", name);
			return -EINVAL;
		}
		m->name = strdup(name);
		if (!m->name) {
			snprintf(err, errlen, "memcg: out of memory");
			return -ENOMEM;
		}
		c->nmemcg++;
		m->zswap_max = ZSWAP_MAX_UNLIMITED;
		m->writeback = 1;
		m->memory_max = m->memory_high = m->memory_swap_max = m->memsw_max = CFG_MEMCG_UNSET;
		json_object_foreach(knobs, knob, v) {
			uint64_t *lim = !strcmp(knob, "memory_max") ? &m->memory_max :
					!strcmp(knob, "memory_high") ? &m->memory_high :
					!strcmp(knob, "memory_swap_max") ? &m->memory_swap_max :
					!strcmp(knob, "memsw_max") ? &m->memsw_max : NULL;

			if (lim) {
				if (memcg_zswap_max(v, lim)) {
					snprintf(err, errlen, "memcg.%s.%s: expected bytes, a size such as \"64M\", or \"max\"", name, knob);
					return -EINVAL;
				}
			} else if (!strcmp(knob, "zswap_max")) {
				if (memcg_zswap_max(v, &m->zswap_max)) {
					snprintf(err, errlen, "memcg.%s.zswap_max: expected bytes, a size such as \"10K\", or \"max\"", name);
					return -EINVAL;
				}
			} else if (!strcmp(knob, "writeback")) {
				if (memcg_writeback(v, &m->writeback)) {
					snprintf(err, errlen, "memcg.%s.writeback: expected true/false (or 0/1)", name);
					return -EINVAL;
				}
			} else {
				snprintf(err, errlen, "memcg.%s.%s: unknown memcg knob (known: zswap_max, writeback, memory_max, memory_high, memory_swap_max, memsw_max)", name, knob);
				return -EINVAL;
			}
		}
	}
	return 0;
}

int cfg_zswap_load(struct cfg *c, char *err, size_t errlen)
{
	struct zswap_config *zc = &c->zswap;
	const struct policy_common *pol[3];
	int r;

	zc->enabled = cfg_bool(c, "zswap.enabled");
	zc->max_pool_percent = (unsigned)cfg_int(c, "zswap.max_pool_percent");
	zc->accept_threshold_percent = (unsigned)cfg_int(c, "zswap.accept_threshold_percent");
	zc->shrinker_enabled = cfg_bool(c, "zswap.shrinker_enabled");
	zc->total_ram_bytes = cfg_size(c, "system.ram");
	zc->zsmalloc_chain_size = (unsigned)cfg_int(c, "zswap.zsmalloc_chain_size");
	zc->compress_batch = (unsigned)cfg_int(c, "batch.compress");
	zc->decompress_batch = (unsigned)cfg_int(c, "batch.decompress");
	zc->page_cluster = (unsigned)cfg_int(c, "swapin.page_cluster");
	zc->shrinker_every = (unsigned)cfg_int(c, "shrinker.every");
	zc->shrinker_priority = (unsigned)cfg_int(c, "shrinker.priority");
	r = load_memcgs(c, err, errlen);
	for (unsigned f = 0; !r && f < 3; f++)
		r = load_policy(c, f, &pol[f], err, errlen);
	if (r)
		return r;
	/* each vtable starts with its struct policy_common */
	zc->limit_policy = (const struct zswap_limit_policy *)pol[0];
	zc->lru_policy = (const struct zswap_lru_policy *)pol[1];
	zc->wb_policy = (const struct zswap_wb_policy *)pol[2];
	zc->limit_params = c->policy_params[0];
	zc->lru_params = c->policy_params[1];
	zc->wb_params = c->policy_params[2];
	return 0;
}

void cfg_zswap_free(struct cfg *c)
{
	for (unsigned i = 0; i < c->nmemcg; i++)
		free(c->memcg[i].name);
	free(c->memcg);
	c->memcg = NULL;
	c->nmemcg = 0;
	for (unsigned f = 0; f < 3; f++) {
		free(c->policy_params[f]);
		c->policy_params[f] = NULL;
	}
}

const struct cfg_memcg *cfg_memcg_find(const struct cfg *c, const char *name)
{
	for (unsigned i = 0; i < c->nmemcg; i++)
		if (!strcmp(c->memcg[i].name, name))
			return &c->memcg[i];
	return NULL;
}
