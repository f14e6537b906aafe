/* SPDX-License-Identifier: MIT */
/*
 * Shared by the config targets (fuzz_config and the section targets
 * fuzz_policy, fuzz_memcg, fuzz_hw, fuzz_workload): load a config as
 * `zswapsim run` does and, when it is accepted, take it as far as the run
 * would before the first event: sim_setup() builds the policies with their
 * parameters, the memcgs with their knobs, the hardware model and a
 * workload's access source.  Checked on the way:
 *  - a rejected config or setup is a negative errno with one line;
 *  - every declared key reads back with its type (the getters abort);
 *  - the effective config, printed (`config print`) and loaded again, is the
 *    same config: same config_hash (so a sweep's plan.json and a report
 *    describe the run that was made).
 * A replay needs a trace: the scratch directory holds t.txt (memcgs root,
 * app, a and b), and setup runs only when trace.path names it (a workload
 * only without workload.path and workload.content), so an input never makes
 * the target open a file of its choosing.
 */
#ifndef ZSWAPSIM_FUZZ_SETUP_H
#define ZSWAPSIM_FUZZ_SETUP_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/config.h"
#include "sim/sim.h"
#include "tests/fuzz/fuzz_input.h"

static const char fuzz_setup_trace[] =
	"zswapsim-trace 1\nslot_count 64\nstream_count 2\n"
	"memcg 0 root -1\nmemcg 1 app 0\nmemcg 2 a 0\nmemcg 3 b 2\n"
	"100 out 0 0 0 1 1200 hint\n150 out 8 3 1 2 0 hint|zero\n"
	"200 in 0 0 0 1 0 -\n250 out 9 0 1 3 3000 hint\n300 inval 8 3 1 2 0 -\n";

static void fuzz_read_every_key(const struct cfg *c)
{
	char buf[2200];

	for (int t = 0; cfg_registry[t]; t++)
		for (const struct cfg_key *k = cfg_registry[t]; k->key; k++) {
			switch (k->type) {
			case CFG_BOOL:
				(void)cfg_bool(c, k->key);
				break;
			case CFG_INT:
				(void)cfg_int(c, k->key);
				break;
			case CFG_DOUBLE:
				(void)cfg_double(c, k->key);
				break;
			case CFG_SIZE:
				(void)cfg_size(c, k->key);
				break;
			case CFG_STRING:
			case CFG_ENUM:
				if (!cfg_str(c, k->key))
					abort();
				break;
			case CFG_PATH:
				(void)cfg_path(c, k->key, buf, sizeof(buf));
				break;
			case CFG_OBJECT:
				if (!json_is_object(cfg_json(c, k->key)))
					abort();
				break;
			}
		}
}

/* The printed effective config loads again into the same config. */
static void fuzz_check_reload(const struct cfg *c)
{
	char path[256], err[1024];
	struct cfg again;
	char *text = json_dumps(c->root, JSON_INDENT(2) | JSON_SORT_KEYS);
	int r;

	if (!text)
		return;
	fuzz_write_file("again.json", (const uint8_t *)text, strlen(text), path, sizeof(path));
	free(text);
	r = cfg_load(&again, path, NULL, 0, err, sizeof(err));
	if (r) {
		fprintf(stderr, "the printed effective config does not load: %s\n", err);
		abort();
	}
	if (cfg_hash(&again) != cfg_hash(c)) {
		fprintf(stderr, "the printed effective config has another hash\n");
		abort();
	}
	cfg_free(&again);
}

/* A workload member's size in bytes (a number or a size string), or dflt
 * (the generators' default --size is 16M). */
static uint64_t fuzz_wl_size(json_t *w, const char *key, uint64_t dflt)
{
	json_t *v = json_object_get(w, key);
	uint64_t n = dflt;

	if (json_is_integer(v) && json_integer_value(v) >= 0)
		n = (uint64_t)json_integer_value(v);
	else if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) < 1.8e19)
		n = (uint64_t)json_real_value(v);
	else if (json_is_string(v) && cfg_parse_size(json_string_value(v), &n))
		n = dflt;
	return n;
}

/* A workload run keeps state per page of its tasks' address spaces and per
 * swap slot: what a valid "size": "21T" asks for, not a bug, and beyond the
 * fuzzer's 2 GB RSS limit.  Set up only workloads of at most 64 MiB mapped
 * (size x streams) with at most 256 MiB of swap, as fuzz_gen_opts does. */
#define FUZZ_WL_MAPPED_MAX (64ull << 20)
#define FUZZ_WL_SWAP_MAX (256ull << 20)

static int fuzz_workload_small(json_t *w)
{
	uint64_t size = fuzz_wl_size(w, "size", 16ull << 20), streams = fuzz_wl_size(w, "streams", 1);
	uint64_t swap = fuzz_wl_size(w, "swap", 0);

	return size <= FUZZ_WL_MAPPED_MAX && streams <= FUZZ_WL_MAPPED_MAX &&
	       size * streams <= FUZZ_WL_MAPPED_MAX && swap <= FUZZ_WL_SWAP_MAX;
}

/* Does the config replay the scratch trace (or run a small workload that
 * reads no file: no workload.path, no workload.content)? */
static int fuzz_setup_allowed(const struct cfg *c)
{
	char want[256], got[2200];
	json_t *w = cfg_json(c, "workload");

	if (c->workload)
		return !json_object_get(w, "path") && !json_object_get(w, "content") &&
		       fuzz_workload_small(w);
	snprintf(want, sizeof(want), "%s/t.txt", fuzz_dir());
	cfg_path(c, "trace.path", got, sizeof(got));
	return !strcmp(want, got);
}

static void fuzz_config_setup(const char *path, const char *const *ov, int nov)
{
	static struct sim s;
	char tpath[256], err[1024];
	struct cfg c;
	int ret;

	fuzz_write_file("t.txt", (const uint8_t *)fuzz_setup_trace, sizeof(fuzz_setup_trace) - 1,
			tpath, sizeof(tpath));
	err[0] = '\0';
	ret = cfg_load(&c, path, ov, nov, err, sizeof(err));
	fuzz_check_err(ret, err, sizeof(err));
	if (ret)
		return;
	fuzz_read_every_key(&c);
	fuzz_check_reload(&c);
	if (fuzz_setup_allowed(&c)) {
		err[0] = '\0';
		ret = sim_setup(&s, &c, err, sizeof(err));
		fuzz_check_err(ret, err, sizeof(err));
		if (!ret)
			sim_teardown(&s);
	}
	cfg_free(&c);
}

#endif
