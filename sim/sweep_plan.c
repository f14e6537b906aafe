/* SPDX-License-Identifier: MIT */
/* Sweep files: expansion into points, plan.json, the state of a point's report. */
#include "sim/sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "sim/config.h"

/* Metrics of the summary when the sweep file names none. */
static const char *const default_metrics[] = {
	"stats.global.stored_pages", "stats.global.pool_total_size", "stats.global.zswpout",
	"stats.global.zswpin", "stats.global.written_back_pages", "stats.global.reject_compress_poor",
	"stats.global.pool_limit_hit", NULL,
};

/* ... and in front of them for a workload run: what the tasks got done. */
static const char *const default_workload_metrics[] = {
	"workload.throughput_bytes_per_s", "workload.elapsed_ns", "workload.major_faults", NULL,
};

static const char *const sweep_file_keys[] = {
	"description", "comment", "base", "set", "axes", "repetitions", "seed_start", "repeat_keys",
	"trace_gen", "metrics", "plots", NULL,
};

/* Keys of the sweep that are options of its trace generator, not config keys. */
#define GEN_PREFIX "trace_gen."

static int is_gen_key(const char *key)
{
	return !strncmp(key, GEN_PREFIX, strlen(GEN_PREFIX));
}

/* ---- files ----------------------------------------------------------------- */

int sweep_mkdirs(const char *path, char *err, size_t errlen)
{
	char *buf = strdup(path);
	int ret = buf ? 0 : -ENOMEM;
	for (char *p = buf + 1; !ret; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;
		*p = 0;
		if (mkdir(buf, 0777) && errno != EEXIST) {
			ret = -errno;
			snprintf(err, errlen, "%s: cannot create directory: %s", buf, strerror(errno));
		}
		*p = c;
		if (!c)
			break;
	}
	free(buf);
	return ret;
}

int sweep_write_json(const char *path, const json_t *doc, char *err, size_t errlen)
{
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
	if (!text) {
		snprintf(err, errlen, "%s: cannot encode JSON", path);
		return -ENOMEM;
	}
	size_t n = strlen(text);
	char *withnl = realloc(text, n + 2);
	if (!withnl) {
		free(text);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	memcpy(withnl + n, "\n", 2);
	int r = outfile_write_text(path, withnl, err, errlen);
	free(withnl);
	return r;
}

/* Open read-only without blocking (a FIFO with no writer would block a plain
 * open or read for ever), then accept only a regular file.  NULL when not. */
static FILE *open_regular(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	FILE *f = fstat(fd, &st) || !S_ISREG(st.st_mode) ? NULL : fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

json_t *sweep_read_json(const char *path, int *ret, char *err, size_t errlen)
{
	json_t *doc = cfg_read_json(path, NULL, JSON_REJECT_DUPLICATES, ret, err, errlen);
	if (!doc && *ret == -ENOENT && !access(path, F_OK))
		*ret = -EINVAL;   /* there, but cannot be opened */
	return doc;
}

/* ---- parsing --------------------------------------------------------------- */

/* One axis of the product: a key, or zipped keys moving together. */
struct axis {
	json_t *keys;     /* [key, ...] */
	json_t *values;   /* [value, ...] or, zipped, [[v1, v2, ...], ...] */
	int zipped;
	int owned;        /* values made here (the repetitions), not borrowed from the file */
};

/* "key=<compact JSON>"; a relative path of a path-typed key is resolved
 * against dir, the directory of the sweep file that names it. */
static char *override_text(const char *key, json_t *v, const char *dir)
{
	const struct cfg_key *k = cfg_find_key(key);
	json_t *resolved = NULL;
	if (k && k->type == CFG_PATH && json_is_string(v) && json_string_value(v)[0] &&
	    json_string_value(v)[0] != '/') {
		size_t len = strlen(dir) + strlen(json_string_value(v)) + 2;
		char *path = malloc(len);
		if (!path || cfg_path_join(path, len, dir, json_string_value(v))) {
			free(path);
			return NULL;
		}
		v = resolved = json_string(path);
		free(path);
	}
	char *val = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS), *s = NULL;
	if (val && asprintf(&s, "%s=%s", key, val) < 0)
		s = NULL;
	free(val);
	json_decref(resolved);
	return s;
}

static int check_known_keys(json_t *doc, const char *path, char *err, size_t errlen)
{
	const char *name;
	json_t *v;
	json_object_foreach(doc, name, v) {
		int ok = 0;
		for (int i = 0; sweep_file_keys[i] && !ok; i++)
			ok = !strcmp(name, sweep_file_keys[i]);
		if (!ok) {
			snprintf(err, errlen, "%s: unknown key '%s' (a sweep file has base, set, axes, "
				 "repetitions, seed_start, repeat_keys, trace_gen, metrics, plots, "
				 "description)", path, name);
			return -EINVAL;
		}
	}
	return 0;
}

/* A key of an axis, "set" or "repeat_keys": a config key (cfg_load checks it)
 * or trace_gen.OPTION, which needs a "trace_gen" section. */
static int check_key(const struct sweep_plan *p, const char *key, const char *where,
		     const char *path, char *err, size_t errlen)
{
	if (is_gen_key(key) && !p->trace_gen) {
		snprintf(err, errlen, "%s: %s: '%s' is an option of the trace generator, but the sweep "
			 "has no \"trace_gen\"", path, where, key);
		return -EINVAL;
	}
	return 0;
}

static int parse_axis(const struct sweep_plan *p, json_t *a, size_t i, struct axis *ax,
		      json_t *seen, const char *path, char *err, size_t errlen)
{
	json_t *key = json_object_get(a, "key"), *keys = json_object_get(a, "keys");
	json_t *values = json_object_get(a, "values");
	if (!json_is_object(a) || !!key == !!keys || !json_is_array(values) ||
	    !json_array_size(values) || json_object_size(a) != 2) {
		snprintf(err, errlen, "%s: axes[%zu]: expected {\"key\": K, \"values\": [...]} or "
			 "{\"keys\": [K1, K2, ...], \"values\": [[v1, v2, ...], ...]} with at least one value",
			 path, i);
		return -EINVAL;
	}
	ax->keys = key ? json_pack("[O]", key) : json_incref(keys);
	ax->values = values;
	ax->zipped = keys != NULL;
	size_t nk = json_array_size(ax->keys), j;
	json_t *k, *v;
	char where[32];
	snprintf(where, sizeof(where), "axes[%zu]", i);
	if (!nk) {
		snprintf(err, errlen, "%s: axes[%zu]: \"keys\" is empty", path, i);
		return -EINVAL;
	}
	json_array_foreach(ax->keys, j, k) {
		if (!json_is_string(k)) {
			snprintf(err, errlen, "%s: axes[%zu]: keys must be config keys (strings)", path, i);
			return -EINVAL;
		}
		if (json_object_get(seen, json_string_value(k))) {
			snprintf(err, errlen, "%s: axes[%zu]: key '%s' is on two axes", path, i,
				 json_string_value(k));
			return -EINVAL;
		}
		if (check_key(p, json_string_value(k), where, path, err, errlen))
			return -EINVAL;
		json_object_set_new(seen, json_string_value(k), json_true());
	}
	if (keys)
		json_array_foreach(values, j, v)
			if (!json_is_array(v) || json_array_size(v) != nk) {
				snprintf(err, errlen, "%s: axes[%zu]: values[%zu]: a zipped axis takes "
					 "lists of %zu values, one per key", path, i, j, nk);
				return -EINVAL;
			}
	return 0;
}

/* The fixed overrides of "set", as "key=value" strings; its trace_gen.*
 * keys go into the generator's options instead. */
static int parse_set(struct sweep_plan *p, json_t *set, char ***out, size_t *n, const char *path,
		     char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	if (!set)
		return 0;
	if (!json_is_object(set)) {
		snprintf(err, errlen, "%s: \"set\" must be an object of config key -> value", path);
		return -EINVAL;
	}
	*out = calloc(json_object_size(set) + 1, sizeof(char *));
	if (!*out)
		return -ENOMEM;
	const char *k;
	json_t *v;
	json_object_foreach(set, k, v) {
		if (check_key(p, k, "set", path, err, errlen))
			return -EINVAL;
		if (is_gen_key(k))
			json_object_set(json_object_get(p->trace_gen, "options"), k + strlen(GEN_PREFIX), v);
		else if (!((*out)[(*n)++] = override_text(k, v, p->dir)))
			return -ENOMEM;
	}
	return 0;
}

static void free_strings(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

void sweep_point_describe(const struct sweep_point *pt, char *buf, size_t len)
{
	json_t *axes = pt->axes;
	size_t off = 0;
	const char *k;
	json_t *v;
	buf[0] = 0;
	json_object_foreach(axes, k, v) {
		char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s=%s", off ? " " : "", k,
						t ? t : "?");
		free(t);
	}
}

int sweep_point_config(const struct sweep_plan *p, struct sweep_point *pt, struct cfg *cfg,
		       char *err, size_t errlen)
{
	char cerr[1536];
	int r = cfg_load(cfg, p->base, (const char *const *)pt->overrides, (int)pt->noverrides,
			 cerr, sizeof(cerr));
	if (r) {
		char desc[512];
		sweep_point_describe(pt, desc, sizeof(desc));
		snprintf(err, errlen, "%s: point %s (%s): %s", p->sweep, pt->id, desc, cerr);
		return r;
	}
	snprintf(pt->config_hash, sizeof(pt->config_hash), "%016" PRIx64, cfg_hash(cfg));
	return 0;
}

/* Fill point number idx: axis values (mixed radix, first axis slowest),
 * overrides, generator options, id and config hash. */
static int expand_point(struct sweep_plan *p, struct axis *ax, size_t nax, size_t idx,
			char **fixed, size_t nfixed, int width, char *err, size_t errlen)
{
	struct sweep_point *pt = &p->points[idx];
	size_t rest = idx, digit[64];
	for (size_t a = nax; a-- > 0;) {
		size_t n = json_array_size(ax[a].values);
		digit[a] = rest % n;
		rest /= n;
	}
	pt->axes = json_object();
	size_t nkeys = 0;
	for (size_t a = 0; a < nax; a++)
		nkeys += json_array_size(ax[a].keys);
	/* one more for the trace.path of a generated trace (sweep_plan_prepare) */
	pt->overrides = calloc(nfixed + nkeys + 2, sizeof(char *));
	if (!pt->axes || !pt->overrides)
		return -ENOMEM;
	if (p->trace_gen && !(pt->gen = json_deep_copy(json_object_get(p->trace_gen, "options"))))
		return -ENOMEM;
	for (size_t i = 0; i < nfixed; i++)
		if (!(pt->overrides[pt->noverrides++] = strdup(fixed[i])))
			return -ENOMEM;
	for (size_t a = 0; a < nax; a++) {
		json_t *v = json_array_get(ax[a].values, digit[a]);
		size_t j;
		json_t *k;
		json_array_foreach(ax[a].keys, j, k) {
			const char *key = json_string_value(k);
			json_t *kv = ax[a].zipped ? json_array_get(v, j) : v;
			json_object_set(pt->axes, key, kv);
			if (is_gen_key(key))
				json_object_set(pt->gen, key + strlen(GEN_PREFIX), kv);
			else if (!(pt->overrides[pt->noverrides++] = override_text(key, kv, p->dir)))
				return -ENOMEM;
		}
	}
	char *canon = json_dumps(pt->axes, JSON_COMPACT | JSON_SORT_KEYS);
	if (!canon)
		return -ENOMEM;
	uint64_t h = XXH3_64bits(canon, strlen(canon));
	free(canon);
	if (snprintf(pt->id, sizeof(pt->id), "%0*zu-%08" PRIx32, width, idx,
		     (uint32_t)(h >> 32)) >= (int)sizeof(pt->id))
		return -EINVAL;

	struct cfg cfg;
	int r = sweep_point_config(p, pt, &cfg, err, errlen);
	if (!r)
		cfg_free(&cfg);
	return r;
}

static int parse_metrics(struct sweep_plan *p, json_t *m, const char *path, char *err, size_t errlen)
{
	if (!m) {
		p->metrics = json_array();
		for (int i = 0; default_metrics[i]; i++)
			json_array_append_new(p->metrics, json_string(default_metrics[i]));
		return 0;
	}
	size_t i;
	json_t *v;
	if (!json_is_array(m) || !json_array_size(m))
		goto bad;
	json_array_foreach(m, i, v)
		if (!json_is_string(v) || !json_string_length(v))
			goto bad;
	p->metrics = json_incref(m);
	return 0;
bad:
	snprintf(err, errlen, "%s: \"metrics\" must be a list of dotted report paths "
		 "(e.g. \"stats.global.written_back_pages\")", path);
	return -EINVAL;
}

/* The default metrics of a workload run: its throughput first. */
static void prepend_workload_metrics(struct sweep_plan *p)
{
	json_t *m = json_array();
	for (int i = 0; default_workload_metrics[i]; i++)
		json_array_append_new(m, json_string(default_workload_metrics[i]));
	json_array_extend(m, p->metrics);
	json_decref(p->metrics);
	p->metrics = m;
}

/* "content": "PATH[:WEIGHT],..." with each relative PATH resolved against
 * dir (the generator runs in the working directory).  NULL when out of memory. */
static json_t *resolve_content(const char *spec, const char *dir)
{
	char *copy = strdup(spec), *out = NULL, *save = NULL;
	size_t len = 0;
	FILE *f = copy ? open_memstream(&out, &len) : NULL;
	if (!f) {
		free(copy);
		return NULL;
	}
	int first = 1;
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *colon = strrchr(item, ':'), *end = NULL;
		if (colon && colon[1]) {
			strtod(colon + 1, &end);
			if (*end)
				colon = NULL;   /* a ':' of the path, not a weight */
		} else {
			colon = NULL;
		}
		if (colon)
			*colon = 0;
		size_t plen = strlen(dir) + strlen(item) + 2;
		char *path = malloc(plen);
		if (!path || cfg_path_join(path, plen, dir, item)) {
			free(path);
			fclose(f);
			free(out);
			free(copy);
			return NULL;
		}
		fprintf(f, "%s%s%s%s", first ? "" : ",", path, colon ? ":" : "", colon ? colon + 1 : "");
		free(path);
		first = 0;
	}
	fclose(f);
	free(copy);
	json_t *v = out ? json_string(out) : NULL;
	free(out);
	return v;
}

/* "trace_gen": {"kind": KIND, "options": {OPTION: value, ...}}: the points
 * replay traces made by `zswapsim trace gen KIND --OPTION value ...`. */
static int parse_trace_gen(struct sweep_plan *p, json_t *tg, const char *path, char *err,
			   size_t errlen)
{
	if (!tg)
		return 0;
	json_t *kind = json_object_get(tg, "kind"), *opts = json_object_get(tg, "options");
	if (!json_is_object(tg) || !json_is_string(kind) || (opts && !json_is_object(opts)) ||
	    json_object_size(tg) != 1u + (opts != NULL)) {
		snprintf(err, errlen, "%s: \"trace_gen\" must be {\"kind\": KIND, \"options\": "
			 "{OPTION: value, ...}} (the options of `zswapsim trace gen KIND`)", path);
		return -EINVAL;
	}
	const char *name;
	json_t *v;
	json_object_foreach(opts, name, v) {
		if (!strcmp(name, "o") || !strcmp(name, "quiet") || name[0] == '-' || !name[0]) {
			snprintf(err, errlen, "%s: trace_gen.options: '%s': give options without their "
				 "dashes; the sweep chooses the output (-o) itself", path, name);
			return -EINVAL;
		}
		if (!json_is_string(v) && !json_is_number(v) && !json_is_boolean(v)) {
			snprintf(err, errlen, "%s: trace_gen.options.%s: expected a string, a number, or "
				 "true for an option without a value", path, name);
			return -EINVAL;
		}
	}
	p->trace_gen = json_pack("{s:O, s:o}", "kind", kind, "options",
				 opts ? json_deep_copy(opts) : json_object());
	return p->trace_gen ? 0 : -ENOMEM;
}

/* Paths in the generator's options, resolved against the sweep file. */
static int resolve_gen_paths(const struct sweep_plan *p, json_t *opts)
{
	json_t *content = json_object_get(opts, "content");
	if (!json_is_string(content))
		return 0;
	json_t *v = resolve_content(json_string_value(content), p->dir);
	return v ? json_object_set_new(opts, "content", v) : -ENOMEM;
}

/* "repetitions": N adds a last, zipped axis of N consecutive seeds for every
 * key of "repeat_keys" (default: the config's seed and, with trace_gen, the
 * generator's, with a workload section its workload.seed, which need not
 * follow the config's): repetition r sets each to seed_start + r, so every
 * repetition replays another workload. */
static int add_repetitions(struct sweep_plan *p, json_t *doc, struct axis *ax, size_t *nax,
			   int64_t base_seed, json_t *seen, const char *path, char *err, size_t errlen)
{
	json_t *reps = json_object_get(doc, "repetitions"), *start = json_object_get(doc, "seed_start");
	json_t *keys = json_object_get(doc, "repeat_keys");
	p->repeat_keys = json_array();
	if (!reps && !start && !keys)
		return 0;
	if ((reps && (!json_is_integer(reps) || json_integer_value(reps) < 1 ||
		      json_integer_value(reps) > 10000)) ||
	    (start && (!json_is_integer(start) || json_integer_value(start) < 0))) {
		snprintf(err, errlen, "%s: \"repetitions\" takes an integer in [1, 10000] and "
			 "\"seed_start\" an integer >= 0", path);
		return -EINVAL;
	}
	if (keys && (!json_is_array(keys) || !json_array_size(keys))) {
		snprintf(err, errlen, "%s: \"repeat_keys\" must be a list of the keys each repetition "
			 "sets to its seed (e.g. [\"seed\", \"trace_gen.seed\"])", path);
		return -EINVAL;
	}
	if (keys) {
		json_array_extend(p->repeat_keys, keys);
	} else {
		json_array_append_new(p->repeat_keys, json_string("seed"));
		if (p->trace_gen)
			json_array_append_new(p->repeat_keys, json_string(GEN_PREFIX "seed"));
		if (p->workload)
			json_array_append_new(p->repeat_keys, json_string("workload.seed"));
	}
	size_t i;
	json_t *k;
	json_array_foreach(p->repeat_keys, i, k) {
		const char *key = json_string_value(k);
		if (!key) {
			snprintf(err, errlen, "%s: repeat_keys[%zu]: expected a key (a string)", path, i);
			return -EINVAL;
		}
		if (json_object_get(seen, key)) {
			snprintf(err, errlen, "%s: \"repetitions\" sets '%s', which is also an axis", path,
				 key);
			return -EINVAL;
		}
		if (check_key(p, key, "repeat_keys", path, err, errlen))
			return -EINVAL;
	}
	int64_t n = reps ? json_integer_value(reps) : 1;
	int64_t s0 = start ? json_integer_value(start) : base_seed;
	size_t nk = json_array_size(p->repeat_keys);
	ax[*nax].keys = json_incref(p->repeat_keys);
	ax[*nax].values = json_array();
	ax[*nax].zipped = 1;
	ax[*nax].owned = 1;
	for (int64_t r = 0; r < n; r++) {
		json_t *tuple = json_array();
		for (size_t j = 0; j < nk; j++)
			json_array_append_new(tuple, json_integer(s0 + r));
		json_array_append_new(ax[*nax].values, tuple);
	}
	(*nax)++;
	return 0;
}

int sweep_plan_load(struct sweep_plan *p, const char *path, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->sweep, sizeof(p->sweep), "%s", path);
	int r = 0;
	json_t *doc = cfg_read_json(path, "sweep file", JSON_REJECT_DUPLICATES, &r, err, errlen);
	if (!doc)
		return r;
	json_t *seen = json_object(), *axes = NULL;
	struct axis ax[64];
	size_t nax = 0;
	char **fixed = NULL;
	size_t nfixed = 0;
	r = -EINVAL;
	memset(ax, 0, sizeof(ax));
	if (!json_is_object(doc)) {
		snprintf(err, errlen, "%s: sweep file must be a JSON object", path);
		goto out;
	}
	if ((r = check_known_keys(doc, path, err, errlen)))
		goto out;
	r = -EINVAL;
	json_t *base = json_object_get(doc, "base");
	axes = json_object_get(doc, "axes");
	if (!json_is_string(base)) {
		snprintf(err, errlen, "%s: \"base\" must name the base config (relative to the sweep file)",
			 path);
		goto out;
	}
	/* The base is named as a user would name it ("a/./b" and "a/x/../b"
	 * collapsed): its relative paths then resolve to the same strings as in
	 * a plain `zswapsim run` of it, and so does the config hash. */
	if ((size_t)snprintf(p->dir, sizeof(p->dir), "%s", path) >= sizeof(p->dir)) {
		snprintf(err, errlen, "%.64s...: sweep file path longer than %zu bytes", path,
			 sizeof(p->dir) - 1);
		r = -ENAMETOOLONG;
		goto out;
	}
	char *slash = strrchr(p->dir, '/');
	if (slash)
		*slash = 0;
	else
		snprintf(p->dir, sizeof(p->dir), ".");
	if (cfg_path_join(p->base, sizeof(p->base), p->dir, json_string_value(base))) {
		snprintf(err, errlen, "%s: \"base\": path longer than %zu bytes", path,
			 sizeof(p->base) - 1);
		r = -ENAMETOOLONG;
		goto out;
	}

	if ((r = parse_trace_gen(p, json_object_get(doc, "trace_gen"), path, err, errlen)))
		goto out;
	r = -EINVAL;
	if (!json_is_array(axes) || !json_array_size(axes) || json_array_size(axes) > 62) {
		snprintf(err, errlen, "%s: \"axes\" must be a list of 1 to 62 axes", path);
		goto out;
	}
	size_t i;
	json_t *a;
	json_array_foreach(axes, i, a)
		if ((r = parse_axis(p, a, i, &ax[nax++], seen, path, err, errlen)))
			goto out;
	if ((r = parse_set(p, json_object_get(doc, "set"), &fixed, &nfixed, path, err, errlen)) ||
	    (r = parse_metrics(p, json_object_get(doc, "metrics"), path, err, errlen)))
		goto out;

	struct cfg cfg;
	char cerr[1024];
	if ((r = cfg_load(&cfg, p->base, (const char *const *)fixed, (int)nfixed, cerr, sizeof(cerr)))) {
		snprintf(err, errlen, "%s: base: %s", path, cerr);
		goto out;
	}
	p->base_config = json_incref(cfg.root);
	int64_t seed = cfg_int(&cfg, "seed");
	p->workload = cfg.workload != NULL;
	if (!json_object_get(doc, "metrics") && p->workload)
		prepend_workload_metrics(p);
	cfg_free(&cfg);
	if ((r = add_repetitions(p, doc, ax, &nax, seed, seen, path, err, errlen)))
		goto out;

	p->axes = json_array();
	size_t total = 1;
	for (size_t k = 0; k < nax; k++) {
		json_array_extend(p->axes, ax[k].keys);
		total *= json_array_size(ax[k].values);
		if (total > SWEEP_MAX_POINTS) {
			snprintf(err, errlen, "%s: more than %d points", path, SWEEP_MAX_POINTS);
			r = -EINVAL;
			goto out;
		}
	}
	p->points = calloc(total, sizeof(*p->points));
	if (!p->points) {
		r = -ENOMEM;
		goto out;
	}
	p->npoints = total;
	int width = 3;
	for (size_t t = total - 1; t >= 1000; t /= 10)
		width++;
	/* the points copy the generator's options as written, then resolve them */
	for (size_t k = 0; k < total && !r; k++) {
		r = expand_point(p, ax, nax, k, fixed, nfixed, width, err, errlen);
		if (!r && p->points[k].gen)
			r = resolve_gen_paths(p, p->points[k].gen);
	}
	if (!r && p->trace_gen)
		r = resolve_gen_paths(p, json_object_get(p->trace_gen, "options"));
out:
	if (r == -ENOMEM)   /* the steps that fail so leave no message */
		snprintf(err, errlen, "%s: out of memory", path);
	for (size_t k = 0; k < nax; k++) {
		json_decref(ax[k].keys);
		if (ax[k].owned)
			json_decref(ax[k].values);
	}
	free_strings(fixed, nfixed);
	json_decref(seen);
	json_decref(doc);
	if (r)
		sweep_plan_free(p);
	return r;
}

void sweep_plan_free(struct sweep_plan *p)
{
	for (size_t i = 0; i < p->npoints; i++) {
		json_decref(p->points[i].axes);
		json_decref(p->points[i].gen);
		free_strings(p->points[i].overrides, p->points[i].noverrides);
	}
	free(p->points);
	json_decref(p->axes);
	json_decref(p->repeat_keys);
	json_decref(p->metrics);
	json_decref(p->base_config);
	json_decref(p->trace_gen);
	memset(p, 0, sizeof(*p));
}

/* ---- plan.json --------------------------------------------------------------- */

static json_t *point_json(const struct sweep_point *pt)
{
	json_t *ov = json_array();
	for (size_t i = 0; i < pt->noverrides; i++)
		json_array_append_new(ov, json_string(pt->overrides[i]));
	json_t *pj = json_pack("{s:s, s:O, s:o, s:s, s:s, s:s}", "id", pt->id, "axes", pt->axes,
			       "overrides", ov, "config_hash", pt->config_hash,
			       "trace_checksum", pt->trace_checksum,
			       "page_store_checksum", pt->page_store_checksum);
	if (pj && pt->gen)
		json_object_set(pj, "trace_gen_options", pt->gen);
	return pj;
}

void sweep_point_path(const char *dir, const struct sweep_point *pt, const char *file,
		      char *buf, size_t len)
{
	snprintf(buf, len, "%s/points/%s%s%s", dir, pt->id, file ? "/" : "", file ? file : "");
}

int sweep_plan_write(const struct sweep_plan *p, const char *dir, char *err, size_t errlen)
{
	json_t *points = json_array();
	char path[2048];
	int r = 0;
	for (size_t i = 0; i < p->npoints && !r; i++) {
		json_t *pj = point_json(&p->points[i]);
		json_array_append(points, pj);
		sweep_point_path(dir, &p->points[i], NULL, path, sizeof(path));
		r = sweep_mkdirs(path, err, errlen);
		if (!r) {
			sweep_point_path(dir, &p->points[i], "point.json", path, sizeof(path));
			r = sweep_write_json(path, pj, err, errlen);
		}
		json_decref(pj);
	}
	if (!r) {
		json_t *plan = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O, s:O, s:O}", "schema",
					 SWEEP_PLAN_SCHEMA, "sweep", p->sweep, "base", p->base,
					 "axes", p->axes, "repeat_keys", p->repeat_keys,
					 "metrics", p->metrics, "base_config", p->base_config,
					 "points", points);
		if (plan && p->trace_gen)
			json_object_set(plan, "trace_gen", p->trace_gen);
		snprintf(path, sizeof(path), "%s/plan.json", dir);
		r = plan ? sweep_write_json(path, plan, err, errlen) : -ENOMEM;
		if (!plan)
			snprintf(err, errlen, "%s: out of memory", path);
		json_decref(plan);
	}
	json_decref(points);
	return r;
}

/* A checksum field of plan.json ("" in plans written before it was recorded). */
static int read_checksum(json_t *pj, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(pj, key);
	if (!v)
		return 0;
	if (!json_is_string(v) || json_string_length(v) >= len)
		return -1;
	snprintf(buf, len, "%s", json_string_value(v));
	return 0;
}

int sweep_plan_read(struct sweep_plan *p, const char *dir, char *err, size_t errlen)
{
	char path[2048], jerr[4096];
	int r = 0;
	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "%s/plan.json", dir);
	json_t *plan = sweep_read_json(path, &r, jerr, sizeof(jerr));
	if (!plan) {
		snprintf(err, errlen, "%s: not a sweep directory (%s)", dir,
			 r == -ENOENT ? "no plan.json" : jerr);
		return r == -ENOENT ? -ENOENT : -EINVAL;
	}
	const char *schema = NULL, *sweep = NULL, *base = NULL;
	json_t *points = NULL, *reps = NULL;
	if (json_unpack(plan, "{s:s, s:s, s:s, s:O, s:O, s:O, s:o, s?o}", "schema", &schema,
			"sweep", &sweep, "base", &base, "axes", &p->axes, "metrics", &p->metrics,
			"base_config", &p->base_config, "points", &points, "repeat_keys", &reps) ||
	    strcmp(schema, SWEEP_PLAN_SCHEMA) || !json_is_array(points) || (reps && !json_is_array(reps)))
		goto bad;
	snprintf(p->sweep, sizeof(p->sweep), "%s", sweep);
	snprintf(p->base, sizeof(p->base), "%s", base);
	p->repeat_keys = reps ? json_incref(reps) : json_array();
	p->trace_gen = json_incref(json_object_get(plan, "trace_gen"));
	p->points = calloc(json_array_size(points) + 1, sizeof(*p->points));
	if (!p->points)
		goto bad;
	size_t i;
	json_t *pj;
	json_array_foreach(points, i, pj) {
		struct sweep_point *pt = &p->points[p->npoints++];
		const char *id, *hash;
		json_t *ov;
		if (json_unpack(pj, "{s:s, s:O, s:o, s:s}", "id", &id, "axes", &pt->axes, "overrides", &ov,
				"config_hash", &hash) || !json_is_array(ov) || strchr(id, '/') ||
		    read_checksum(pj, "trace_checksum", pt->trace_checksum, sizeof(pt->trace_checksum)) ||
		    read_checksum(pj, "page_store_checksum", pt->page_store_checksum,
				  sizeof(pt->page_store_checksum)))
			goto bad;
		snprintf(pt->id, sizeof(pt->id), "%s", id);
		snprintf(pt->config_hash, sizeof(pt->config_hash), "%s", hash);
		pt->gen = json_incref(json_object_get(pj, "trace_gen_options"));
		pt->overrides = calloc(json_array_size(ov) + 1, sizeof(char *));
		size_t j;
		json_t *o;
		json_array_foreach(ov, j, o)
			if (!pt->overrides || !json_is_string(o) ||
			    !(pt->overrides[pt->noverrides++] = strdup(json_string_value(o))))
				goto bad;
	}
	json_decref(plan);
	return 0;
bad:
	snprintf(err, errlen, "%s: malformed sweep plan", path);
	json_decref(plan);
	sweep_plan_free(p);
	return -EINVAL;
}

/* ---- a point's report ------------------------------------------------------------- */

/* Does the report record the point's inputs: the config hash and, when the
 * plan knows them, the checksums of the trace and of its page store? */
static int report_matches(json_t *rep, const struct sweep_point *pt, char *why, size_t len)
{
	json_t *trace = json_object_get(rep, "trace");
	const char *h = json_string_value(json_object_get(rep, "config_hash"));
	const char *tc = json_string_value(json_object_get(trace, "checksum"));
	const char *pc = json_string_value(json_object_get(trace, "page_store_checksum"));
	if (!h || strcmp(h, pt->config_hash))
		snprintf(why, len, "report.json is from another config (config_hash differs)");
	else if (pt->trace_checksum[0] && (!tc || strcmp(tc, pt->trace_checksum)))
		snprintf(why, len, "report.json is from another trace (trace checksum %s, now %s)",
			 tc ? tc : "none", pt->trace_checksum);
	else if (pt->page_store_checksum[0] && (!pc || strcmp(pc, pt->page_store_checksum)))
		snprintf(why, len, "report.json is from another page store (checksum %s, now %s)",
			 pc ? pc : "none", pt->page_store_checksum);
	else
		return 1;
	return 0;
}

enum sweep_report_state sweep_point_report(const char *dir, const struct sweep_point *pt,
					   json_t **out, char *why, size_t whylen)
{
	char path[2048], err[2600];
	int r = 0;
	if (out)
		*out = NULL;
	why[0] = 0;
	sweep_point_path(dir, pt, "report.json", path, sizeof(path));
	json_t *rep = sweep_read_json(path, &r, err, sizeof(err));
	if (!rep) {
		if (r == -ENOENT)
			return SWEEP_REPORT_MISSING;
		snprintf(why, whylen, "%s", err);
		return SWEEP_REPORT_CORRUPT;
	}
	const char *schema = json_string_value(json_object_get(rep, "schema"));
	enum sweep_report_state st = SWEEP_REPORT_OK;
	if (!json_is_object(rep) || !schema || strncmp(schema, "zswapsim-report/", 16)) {
		snprintf(why, whylen, "%s: not a zswapsim report", path);
		st = SWEEP_REPORT_CORRUPT;
	} else if (!report_matches(rep, pt, why, whylen)) {
		st = SWEEP_REPORT_STALE;
	}
	if (st == SWEEP_REPORT_OK && out)
		*out = rep;
	else
		json_decref(rep);
	return st;
}

int sweep_point_done(const char *dir, const struct sweep_point *pt)
{
	char why[512];
	return sweep_point_report(dir, pt, NULL, why, sizeof(why)) == SWEEP_REPORT_OK;
}

int sweep_point_git_rev(const char *dir, const struct sweep_point *pt, char *buf, size_t len)
{
	char why[512];
	json_t *rep;
	if (sweep_point_report(dir, pt, &rep, why, sizeof(why)) != SWEEP_REPORT_OK)
		return -ENOENT;
	const char *rev = json_string_value(json_object_get(json_object_get(rep, "tool"), "git_rev"));
	if (rev)
		snprintf(buf, len, "%s", rev);
	json_decref(rep);
	return rev ? 0 : -ENOENT;
}

void sweep_point_error(const char *dir, const struct sweep_point *pt, char *buf, size_t len)
{
	char path[2048], line[1024];
	buf[0] = 0;
	sweep_point_path(dir, pt, "stderr.txt", path, sizeof(path));
	FILE *f = open_regular(path);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (line[0])
			snprintf(buf, len, "%s", line);
	}
	fclose(f);
}
