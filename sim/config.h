/* SPDX-License-Identifier: MIT */
/*
 * Experiment configuration: one JSON document per experiment.
 *
 * Every key is declared once, in a key table {key, type, default, range, help}
 * that lives next to the code that uses it (sim/cfg_*.c) and is listed in the
 * registry in sim/config.c.  The effective config is the defaults, overlaid by
 * the config file (and the chain of files it names under "base"), overlaid by
 * --set a.b=v overrides.  Unknown keys are errors naming the nearest valid key;
 * wrong types and out-of-range values name the key and the allowed range.
 *
 * Keys of type CFG_OBJECT hold a free-form subtree (policy parameters, the
 * memcg table, ...) that its section's loader validates.
 *
 * Translation happens once, at load, for every backend: beside each key
 * table, a loader (cfg_zswap_load(), cfg_hw_load()) turns its keys into the
 * plain structs the models take (struct zswap_config with the policies and
 * their parsed parameters, struct hw, the memcg knobs), checking what involves
 * more than one key.  So `--print-config`, `config print` and a `none` run
 * reject every value a `simgrid` run would reject.
 */
#ifndef ZSWAPSIM_CONFIG_H
#define ZSWAPSIM_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "models/hw.h"
#include "models/zswap.h"

enum cfg_type {
	CFG_BOOL,
	CFG_INT,      /* integer in [min, max] */
	CFG_DOUBLE,   /* real in [min, max] */
	CFG_SIZE,     /* bytes: an integer or a string with a unit ("8GiB", "512M") */
	CFG_STRING,
	CFG_ENUM,     /* one of choices ("a|b|c") */
	CFG_PATH,     /* string; relative paths are relative to the config file */
	CFG_OBJECT,   /* free-form subtree, validated by its consumer */
};

struct cfg_key {
	const char *key;      /* dotted path, e.g. "zswap.max_pool_percent" */
	enum cfg_type type;
	const char *def;      /* default as JSON text, e.g. "20", "\"lzo\"", "{}" */
	double min, max;      /* CFG_INT, CFG_DOUBLE, CFG_SIZE */
	const char *choices;  /* CFG_ENUM */
	const char *help;     /* one line, with unit */
};

/* memcg.<name>: the knobs of one memcg, matched by name to the memcgs of the
 * trace when a run starts. */
struct cfg_memcg {
	char *name;
	uint64_t zswap_max;   /* bytes, ZSWAP_MAX_UNLIMITED = "max" */
	int writeback;
	/* workload runs (cgroup limits, bytes; CFG_MEMCG_UNSET = as the workload says,
	 * ZSWAP_MAX_UNLIMITED = "max") */
	uint64_t memory_max, memory_high, memory_swap_max, memsw_max;
};

#define CFG_MEMCG_UNSET (UINT64_MAX - 1)

struct cfg_workload;

struct cfg {
	json_t *root;         /* the effective config */
	char dir[1024];       /* directory of the config file, for CFG_PATH keys */
	char path[1024];
	/* translated at load (see above) */
	struct hw hw;                 /* hw.* (sim/cfg_hw.c) */
	struct zswap_config zswap;    /* zswap.*, system.ram, batch.*, swapin.*, shrinker.*,
					 policy.* (sim/cfg_zswap.c) */
	struct cfg_memcg *memcg;      /* memcg.* in the config's order (sim/cfg_zswap.c) */
	unsigned nmemcg;
	void *policy_params[3];       /* limit, lru, writeback: what zswap.*_params point to */
	struct cfg_workload *workload; /* workload.*, system.cgroup, vm.* (sim/cfg_workload.c);
					  NULL for a swap-trace replay */
};

/* Load path (or defaults only when path is NULL), apply overrides ("a.b=v"),
 * validate and translate.  Returns 0 or -EINVAL/-ENOENT/-ENOMEM with one line
 * in err. */
int cfg_load(struct cfg *c, const char *path, const char *const *overrides, int noverrides,
	     char *err, size_t errlen);
void cfg_free(struct cfg *c);

/* Typed getters for declared keys (abort on programming errors: an undeclared
 * key or a type mismatch is a bug, not bad input). */
int64_t cfg_int(const struct cfg *c, const char *key);
double cfg_double(const struct cfg *c, const char *key);
int cfg_bool(const struct cfg *c, const char *key);
uint64_t cfg_size(const struct cfg *c, const char *key);
const char *cfg_str(const struct cfg *c, const char *key);
/* CFG_PATH resolved against the config file's directory into buf; NULL (and
 * buf "") when it does not fit: never a truncated path. */
const char *cfg_path(const struct cfg *c, const char *key, char *buf, size_t len);

/* Show control characters of an error message as '?': messages quote keys
 * and values as the user wrote them, and must stay one line. */
void cfg_err_one_line(char *err, size_t errlen);
json_t *cfg_json(const struct cfg *c, const char *key);   /* borrowed */

/* Parse a size ("4096", "8GiB", "512M", "1.5G"); 0 or -EINVAL. */
int cfg_parse_size(const char *s, uint64_t *out);

/* rel resolved against dir (rel itself when absolute), "." and ".." collapsed
 * lexically ("configs/../traces/x.zswt" -> "traces/x.zswt"); "." if empty.
 * 0, or -ENAMETOOLONG when it does not fit in len bytes (out is then ""),
 * or -ENOMEM: never a truncated path, which would name another file. */
int cfg_path_join(char *out, size_t len, const char *dir, const char *rel);

/* Read the JSON file path (jansson decoding flags).  NULL on failure, with
 * *ret -ENOENT and "PATH: cannot open WHAT: reason" (WHAT may be NULL), or
 * *ret -EINVAL and "PATH: not a regular file" (never blocks on a FIFO) or
 * "PATH:LINE:COLUMN: bad JSON: reason" in err. */
json_t *cfg_read_json(const char *path, const char *what, size_t flags, int *ret,
		      char *err, size_t errlen);

/* Print the effective config as indented JSON, keys sorted. */
void cfg_print(const struct cfg *c, FILE *f);
/* Print every declared key with type, default, range and help (docs/config.md). */
void cfg_print_keys(FILE *f, int markdown);
/* The same as JSON: [{key, type, default, help, min, max (numbers), choices
 * (choice keys: "a|b|c")}, ...], for tools (scripts/plot.py's labels). */
json_t *cfg_keys_json(void);

/* XXH3-64 of the effective config as compact, key-sorted JSON: a stable
 * hash (the report's config_hash, and sweep resumption). */
uint64_t cfg_hash(const struct cfg *c);

/* The loaders of the key tables (called by cfg_load(), in this order). */
int cfg_zswap_load(struct cfg *c, char *err, size_t errlen);
void cfg_zswap_free(struct cfg *c);
int cfg_hw_load(struct cfg *c, char *err, size_t errlen);
int cfg_workload_load(struct cfg *c, char *err, size_t errlen);
void cfg_workload_free(struct cfg *c);

/* The knobs of memcg name (memcg.<name>), NULL if the config has none. */
const struct cfg_memcg *cfg_memcg_find(const struct cfg *c, const char *name);

/* The registry: NULL-terminated list of key tables. */
extern const struct cfg_key *const cfg_registry[];

/* The declaration of a key, or NULL when it is not declared. */
const struct cfg_key *cfg_find_key(const char *key);

/* Levenshtein-nearest declared key to s (for error messages). */
const char *cfg_nearest_key(const char *s);
/* The edit distance of a and b (SIZE_MAX when out of memory). */
size_t cfg_levenshtein(const char *a, const char *b);

#endif
