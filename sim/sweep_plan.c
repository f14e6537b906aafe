/* SPDX-License-Identifier: MIT */
/* Sweep files: expansion into points, resumption checks, the summary. */
#include "sim/sweep.h"

#include <errno.h>
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

static const char *const sweep_file_keys[] = {
	"description", "comment", "base", "set", "axes", "repetitions", "seed_start", "metrics",
	"plots", NULL,
};

/* ---- files ----------------------------------------------------------------- */

int sweep_mkdirs(const char *path, char *err, size_t errlen)
{
	char buf[2048];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;
		*p = 0;
		if (mkdir(buf, 0777) && errno != EEXIST) {
			snprintf(err, errlen, "%s: cannot create directory: %s", buf, strerror(errno));
			return -errno;
		}
		*p = c;
		if (!c)
			return 0;
	}
}

int sweep_write_file(const char *path, const char *text, char *err, size_t errlen)
{
	char tmp[2200];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%.64s...: path too long", path);
		return -ENAMETOOLONG;
	}
	FILE *f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
		return -EIO;
	}
	int bad = fputs(text, f) < 0;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path)) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

static int write_json(const char *path, const json_t *doc, char *err, size_t errlen)
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
	int r = sweep_write_file(path, withnl, err, errlen);
	free(withnl);
	return r;
}

static json_t *read_json(const char *path, char *err, size_t errlen)
{
	int r;
	return cfg_read_json(path, NULL, JSON_REJECT_DUPLICATES, &r, err, errlen);
}

/* ---- parsing --------------------------------------------------------------- */

/* One axis of the product: a key, or zipped keys moving together. */
struct axis {
	json_t *keys;     /* [key, ...] */
	json_t *values;   /* [value, ...] or, zipped, [[v1, v2, ...], ...] */
	int zipped;
};

static char *override_text(const char *key, json_t *v)
{
	char *val = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS), *s = NULL;
	if (val && asprintf(&s, "%s=%s", key, val) < 0)
		s = NULL;
	free(val);
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
				 "repetitions, seed_start, metrics, plots, description)", path, name);
			return -EINVAL;
		}
	}
	return 0;
}

static int parse_axis(json_t *a, size_t i, struct axis *ax, json_t *seen, const char *path,
		      char *err, size_t errlen)
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

/* The fixed overrides of "set", as "key=value" strings. */
static int parse_set(json_t *set, char ***out, size_t *n, const char *path, char *err, size_t errlen)
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
	json_object_foreach(set, k, v)
		if (!((*out)[(*n)++] = override_text(k, v)))
			return -ENOMEM;
	return 0;
}

static void free_strings(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

/* Describe a point's axis values for error messages. */
static void axes_text(json_t *axes, char *buf, size_t len)
{
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

/* Fill point number idx: axis values (mixed radix, first axis slowest),
 * overrides, id and config hash. */
static int expand_point(struct sweep_plan *p, struct axis *ax, size_t nax, size_t idx,
			char **fixed, size_t nfixed, int width, const char *path, char *err, size_t errlen)
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
	pt->overrides = calloc(nfixed + nkeys + 1, sizeof(char *));
	if (!pt->axes || !pt->overrides)
		return -ENOMEM;
	for (size_t i = 0; i < nfixed; i++)
		if (!(pt->overrides[pt->noverrides++] = strdup(fixed[i])))
			return -ENOMEM;
	for (size_t a = 0; a < nax; a++) {
		json_t *v = json_array_get(ax[a].values, digit[a]);
		size_t j;
		json_t *k;
		json_array_foreach(ax[a].keys, j, k) {
			json_t *kv = ax[a].zipped ? json_array_get(v, j) : v;
			json_object_set(pt->axes, json_string_value(k), kv);
			if (!(pt->overrides[pt->noverrides++] = override_text(json_string_value(k), kv)))
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
	char cerr[1024];
	int r = cfg_load(&cfg, p->base, (const char *const *)pt->overrides, (int)pt->noverrides,
			 cerr, sizeof(cerr));
	if (r) {
		char desc[512];
		axes_text(pt->axes, desc, sizeof(desc));
		snprintf(err, errlen, "%s: point %s (%s): %s", path, pt->id, desc, cerr);
		return r;
	}
	snprintf(pt->config_hash, sizeof(pt->config_hash), "%016" PRIx64, cfg_hash(&cfg));
	cfg_free(&cfg);
	return 0;
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

/* "repetitions": N adds a last axis "seed" of N consecutive seeds. */
static int add_repetitions(json_t *doc, struct axis *ax, size_t *nax, int64_t base_seed,
			   json_t *seen, const char *path, char *err, size_t errlen)
{
	json_t *reps = json_object_get(doc, "repetitions"), *start = json_object_get(doc, "seed_start");
	if (!reps && !start)
		return 0;
	if ((reps && (!json_is_integer(reps) || json_integer_value(reps) < 1 ||
		      json_integer_value(reps) > 10000)) ||
	    (start && (!json_is_integer(start) || json_integer_value(start) < 0))) {
		snprintf(err, errlen, "%s: \"repetitions\" takes an integer in [1, 10000] and "
			 "\"seed_start\" an integer >= 0", path);
		return -EINVAL;
	}
	if (json_object_get(seen, "seed")) {
		snprintf(err, errlen, "%s: \"repetitions\" sets the seed, which is also an axis", path);
		return -EINVAL;
	}
	int64_t n = reps ? json_integer_value(reps) : 1;
	int64_t s0 = start ? json_integer_value(start) : base_seed;
	ax[*nax].keys = json_pack("[s]", "seed");
	ax[*nax].values = json_array();
	for (int64_t i = 0; i < n; i++)
		json_array_append_new(ax[*nax].values, json_integer(s0 + i));
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
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	cfg_path_join(p->base, sizeof(p->base), slash ? dir : ".", json_string_value(base));

	if (!json_is_array(axes) || !json_array_size(axes) || json_array_size(axes) > 62) {
		snprintf(err, errlen, "%s: \"axes\" must be a list of 1 to 62 axes", path);
		goto out;
	}
	size_t i;
	json_t *a;
	json_array_foreach(axes, i, a)
		if ((r = parse_axis(a, i, &ax[nax++], seen, path, err, errlen)))
			goto out;
	if ((r = parse_set(json_object_get(doc, "set"), &fixed, &nfixed, path, err, errlen)) ||
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
	cfg_free(&cfg);
	if ((r = add_repetitions(doc, ax, &nax, seed, seen, path, err, errlen)))
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
	for (size_t k = 0; k < total && !r; k++)
		r = expand_point(p, ax, nax, k, fixed, nfixed, width, path, err, errlen);
out:
	if (r == -ENOMEM)   /* the steps that fail so leave no message */
		snprintf(err, errlen, "%s: out of memory", path);
	for (size_t k = 0; k < nax; k++) {
		json_decref(ax[k].keys);
		if (k >= json_array_size(axes))
			json_decref(ax[k].values);   /* the repetitions axis is ours */
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
		free_strings(p->points[i].overrides, p->points[i].noverrides);
	}
	free(p->points);
	json_decref(p->axes);
	json_decref(p->metrics);
	json_decref(p->base_config);
	memset(p, 0, sizeof(*p));
}

/* ---- plan.json --------------------------------------------------------------- */

static json_t *point_json(const struct sweep_point *pt)
{
	json_t *ov = json_array();
	for (size_t i = 0; i < pt->noverrides; i++)
		json_array_append_new(ov, json_string(pt->overrides[i]));
	return json_pack("{s:s, s:O, s:o, s:s}", "id", pt->id, "axes", pt->axes, "overrides", ov,
			 "config_hash", pt->config_hash);
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
			r = write_json(path, pj, err, errlen);
		}
		json_decref(pj);
	}
	if (!r) {
		json_t *plan = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O, s:O}", "schema", SWEEP_PLAN_SCHEMA,
					 "sweep", p->sweep, "base", p->base, "axes", p->axes,
					 "metrics", p->metrics, "base_config", p->base_config,
					 "points", points);
		snprintf(path, sizeof(path), "%s/plan.json", dir);
		r = plan ? write_json(path, plan, err, errlen) : -ENOMEM;
		if (!plan)
			snprintf(err, errlen, "%s: out of memory", path);
		json_decref(plan);
	}
	json_decref(points);
	return r;
}

int sweep_plan_read(struct sweep_plan *p, const char *dir, char *err, size_t errlen)
{
	char path[2048], jerr[4096];
	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "%s/plan.json", dir);
	json_t *plan = read_json(path, jerr, sizeof(jerr));
	if (!plan) {
		snprintf(err, errlen, "%s: not a sweep directory (%s)", dir,
			 access(path, F_OK) ? "no plan.json" : jerr);
		return access(path, F_OK) ? -ENOENT : -EINVAL;
	}
	const char *schema = NULL, *sweep = NULL, *base = NULL;
	json_t *points = NULL;
	if (json_unpack(plan, "{s:s, s:s, s:s, s:O, s:O, s:O, s:o}", "schema", &schema, "sweep", &sweep,
			"base", &base, "axes", &p->axes, "metrics", &p->metrics,
			"base_config", &p->base_config, "points", &points) ||
	    strcmp(schema, SWEEP_PLAN_SCHEMA) || !json_is_array(points))
		goto bad;
	snprintf(p->sweep, sizeof(p->sweep), "%s", sweep);
	snprintf(p->base, sizeof(p->base), "%s", base);
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
				"config_hash", &hash) || !json_is_array(ov) || strchr(id, '/'))
			goto bad;
		snprintf(pt->id, sizeof(pt->id), "%s", id);
		snprintf(pt->config_hash, sizeof(pt->config_hash), "%s", hash);
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

/* ---- points and the summary ------------------------------------------------------ */

static json_t *load_report(const char *dir, const struct sweep_point *pt)
{
	char path[2048];
	sweep_point_path(dir, pt, "report.json", path, sizeof(path));
	json_t *rep = read_json(path, NULL, 0);
	const char *schema = json_string_value(json_object_get(rep, "schema"));
	if (!schema || strncmp(schema, "zswapsim-report/", 16)) {
		json_decref(rep);
		return NULL;
	}
	return rep;
}

static int report_matches(json_t *rep, const struct sweep_point *pt)
{
	const char *h = json_string_value(json_object_get(rep, "config_hash"));
	return h && !strcmp(h, pt->config_hash);
}

int sweep_point_done(const char *dir, const struct sweep_point *pt)
{
	json_t *rep = load_report(dir, pt);
	int done = rep && report_matches(rep, pt);
	json_decref(rep);
	return done;
}

int sweep_point_git_rev(const char *dir, const struct sweep_point *pt, char *buf, size_t len)
{
	json_t *rep = load_report(dir, pt);
	const char *rev = json_string_value(json_object_get(json_object_get(rep, "tool"), "git_rev"));
	int ok = rep && rev && report_matches(rep, pt);
	if (ok)
		snprintf(buf, len, "%s", rev);
	json_decref(rep);
	return ok ? 0 : -ENOENT;
}

void sweep_point_error(const char *dir, const struct sweep_point *pt, char *buf, size_t len)
{
	char path[2048], line[1024];
	buf[0] = 0;
	sweep_point_path(dir, pt, "stderr.txt", path, sizeof(path));
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (line[0])
			snprintf(buf, len, "%s", line);
	}
	fclose(f);
}

/* The value at a dotted path ("stats.global.zswpout") of a report, or NULL. */
static json_t *report_value(json_t *rep, const char *dotted)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", dotted);
	json_t *v = rep;
	for (char *save = NULL, *c = strtok_r(buf, ".", &save); c && v; c = strtok_r(NULL, ".", &save))
		v = json_object_get(v, c);
	return v;
}

static json_t *point_row(const struct sweep_plan *p, const char *dir, const struct sweep_point *pt,
			 int *ok)
{
	json_t *row = json_pack("{s:s, s:O}", "id", pt->id, "axes", pt->axes);
	json_t *rep = load_report(dir, pt), *metrics = json_object();
	*ok = rep && report_matches(rep, pt);
	if (*ok) {
		size_t i;
		json_t *m;
		json_array_foreach(p->metrics, i, m) {
			json_t *v = report_value(rep, json_string_value(m));
			json_object_set(metrics, json_string_value(m), v ? v : json_null());
		}
		json_object_set_new(row, "status", json_string("ok"));
	} else {
		char msg[1024];
		sweep_point_error(dir, pt, msg, sizeof(msg));
		if (rep) {
			json_object_set_new(row, "status", json_string("stale"));
			json_object_set_new(row, "error", json_string("report.json is from another config "
								      "(config_hash differs)"));
		} else {
			json_object_set_new(row, "status", json_string(msg[0] ? "failed" : "missing"));
			json_object_set_new(row, "error", json_string(msg[0] ? msg : "no report.json"));
		}
	}
	json_object_set_new(row, "metrics", metrics);
	json_decref(rep);
	return row;
}

json_t *sweep_summary(const struct sweep_plan *p, const char *dir, size_t *nok, size_t *nbad)
{
	json_t *points = json_array();
	*nok = *nbad = 0;
	for (size_t i = 0; i < p->npoints; i++) {
		int ok;
		json_array_append_new(points, point_row(p, dir, &p->points[i], &ok));
		(*(ok ? nok : nbad))++;
	}
	return json_pack("{s:s, s:s, s:s, s:O, s:O, s:O, s:o}", "schema", SWEEP_SUMMARY_SCHEMA,
			 "sweep", p->sweep, "base", p->base, "axes", p->axes, "metrics", p->metrics,
			 "base_config", p->base_config, "points", points);
}

/* One CSV field: numbers and booleans as they are, text quoted when needed. */
static void csv_field(FILE *f, json_t *v, int first)
{
	if (!first)
		fputc(',', f);
	if (!v || json_is_null(v))
		return;
	char *text = json_is_string(v) ? strdup(json_string_value(v))
				       : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	if (!text)
		return;
	if (strpbrk(text, ",\"\n\r")) {
		fputc('"', f);
		for (const char *c = text; *c; c++) {
			if (*c == '"')
				fputc('"', f);
			fputc(*c, f);
		}
		fputc('"', f);
	} else {
		fputs(text, f);
	}
	free(text);
}

static char *summary_csv(const json_t *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	json_t *axes = json_object_get(s, "axes"), *metrics = json_object_get(s, "metrics"), *v, *row;
	size_t i, j;
	fputs("id,status", f);
	json_array_foreach(axes, i, v)
		csv_field(f, v, 0);
	json_array_foreach(metrics, i, v)
		csv_field(f, v, 0);
	fputs(",error\n", f);
	json_array_foreach(json_object_get(s, "points"), j, row) {
		csv_field(f, json_object_get(row, "id"), 1);
		csv_field(f, json_object_get(row, "status"), 0);
		json_array_foreach(axes, i, v)
			csv_field(f, json_object_get(json_object_get(row, "axes"), json_string_value(v)), 0);
		json_array_foreach(metrics, i, v)
			csv_field(f, json_object_get(json_object_get(row, "metrics"), json_string_value(v)), 0);
		csv_field(f, json_object_get(row, "error"), 0);
		fputc('\n', f);
	}
	fclose(f);
	return buf;
}

int sweep_summary_write(const json_t *summary, const char *dir, char *err, size_t errlen)
{
	char path[2048];
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	int r = write_json(path, summary, err, errlen);
	if (r)
		return r;
	char *csv = summary_csv(summary);
	if (!csv) {
		snprintf(err, errlen, "%s/summary.csv: out of memory", dir);
		return -ENOMEM;
	}
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	r = sweep_write_file(path, csv, err, errlen);
	free(csv);
	return r;
}
