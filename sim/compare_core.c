/* SPDX-License-Identifier: MIT */
/* Metric-by-metric comparison of two reports or two sweep summaries. */
#include "sim/compare.h"
#include "sim/config.h"
#include "traces/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CMP_REPORT_SCHEMA "zswapsim-report/"
#define CMP_SWEEP_SCHEMA  "zswapsim-sweep/"

/* ---- tolerances ---------------------------------------------------------- */

int cmp_glob_match(const char *glob, const char *key)
{
	/* iterative matcher with one backtrack point: enough for '*' and '?' */
	const char *star = NULL, *resume = NULL;
	while (*key) {
		if (*glob == '*') {
			star = glob++;
			resume = key;
		} else if (*glob == '?' || *glob == *key) {
			glob++;
			key++;
		} else if (star) {
			glob = star + 1;
			key = ++resume;
		} else {
			return 0;
		}
	}
	while (*glob == '*')
		glob++;
	return *glob == 0;
}

static int parse_rule(struct cmp_rule *r, const char *glob, json_t *v, const char *path,
		      char *err, size_t errlen)
{
	static const char *const names[] = { "rel", "abs", "max_increase", "max_decrease", NULL };
	double *fields[] = { &r->rel, &r->abs, &r->max_inc, &r->max_dec };
	const char *name;
	json_t *x;
	memset(r, 0, sizeof(*r));
	r->rel = r->abs = r->max_inc = r->max_dec = -1;
	if (!json_is_object(v)) {
		snprintf(err, errlen, "%s: \"%s\": expected {\"rel\": x}, {\"abs\": y}, "
			 "{\"max_increase\": x}, {\"max_decrease\": x} or {\"ignore\": true}", path, glob);
		return -EINVAL;
	}
	json_object_foreach(v, name, x) {
		int i;
		for (i = 0; names[i] && strcmp(names[i], name); i++)
			;
		if (!strcmp(name, "ignore") && json_is_boolean(x)) {
			r->ignore = json_is_true(x);
		} else if (names[i] && json_is_number(x) && json_number_value(x) >= 0) {
			*fields[i] = json_number_value(x);
		} else {
			snprintf(err, errlen, "%s: \"%s\": bad entry \"%s\" (rel, abs, max_increase and "
				 "max_decrease take a number >= 0, ignore takes true or false)", path, glob, name);
			return -EINVAL;
		}
	}
	int symmetric = r->rel >= 0 || r->abs >= 0, one_sided = r->max_inc >= 0 || r->max_dec >= 0;
	if (!symmetric && !one_sided && !r->ignore) {
		snprintf(err, errlen, "%s: \"%s\": give \"rel\", \"abs\", \"max_increase\", "
			 "\"max_decrease\" or \"ignore\"", path, glob);
		return -EINVAL;
	}
	if (symmetric && one_sided) {
		snprintf(err, errlen, "%s: \"%s\": a rule is symmetric (rel, abs) or one-sided "
			 "(max_increase, max_decrease), not both", path, glob);
		return -EINVAL;
	}
	r->glob = strdup(glob);
	if (!r->glob) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	return 0;
}

static int cmp_tolerance_load_quoted(struct cmp_tolerance *t, const char *path, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->default_rel = CMP_DEFAULT_REL;
	if (!path)
		return 0;
	int r = 0;
	json_t *doc = cfg_read_json(path, "tolerance file", JSON_REJECT_DUPLICATES, &r, err, errlen);
	if (!doc)
		return r;
	if (!json_is_object(doc)) {
		snprintf(err, errlen, "%s:1: tolerance file must be a JSON object of glob -> rule", path);
		json_decref(doc);
		return -EINVAL;
	}
	t->rules = calloc(json_object_size(doc) + 1, sizeof(*t->rules));
	t->path = strdup(path);
	if (!t->rules || !t->path) {
		snprintf(err, errlen, "%s: out of memory", path);
		json_decref(doc);
		return -ENOMEM;
	}
	const char *glob;
	json_t *v;
	json_object_foreach(doc, glob, v) {
		if (!strcmp(glob, "comment") && json_is_string(v))
			continue;
		r = parse_rule(&t->rules[t->n], glob, v, path, err, errlen);
		if (r)
			break;
		t->n++;
	}
	json_decref(doc);
	if (r)
		cmp_tolerance_free(t);
	return r;
}

void cmp_tolerance_free(struct cmp_tolerance *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->rules[i].glob);
	free(t->rules);
	free(t->path);
	t->rules = NULL;
	t->path = NULL;
	t->n = 0;
}

const struct cmp_rule *cmp_tolerance_rule(const struct cmp_tolerance *t, const char *key,
					  const char *alt)
{
	const struct cmp_rule *best = NULL;
	for (size_t i = 0; i < t->n; i++)
		if ((cmp_glob_match(t->rules[i].glob, key) ||
		     (alt && cmp_glob_match(t->rules[i].glob, alt))) &&
		    (!best || strlen(t->rules[i].glob) > strlen(best->glob)))
			best = &t->rules[i];
	return best;
}

/* ---- documents ----------------------------------------------------------- */

static const char *doc_schema(json_t *doc)
{
	return json_string_value(json_object_get(doc, "schema"));
}

static int is_report(json_t *doc)
{
	const char *s = doc_schema(doc);
	return s && !strncmp(s, CMP_REPORT_SCHEMA, strlen(CMP_REPORT_SCHEMA));
}

static int is_summary(json_t *doc)
{
	const char *s = doc_schema(doc);
	return s && !strncmp(s, CMP_SWEEP_SCHEMA, strlen(CMP_SWEEP_SCHEMA));
}

static int cmp_load_document_quoted(const char *path, json_t **out, char *err, size_t errlen)
{
	int r = 0;
	json_t *doc = cfg_read_json(path, NULL, 0, &r, err, errlen);
	if (!doc)
		return r;
	if (!json_is_object(doc) || (!is_report(doc) && !is_summary(doc))) {
		snprintf(err, errlen, "%s: not a zswapsim report or sweep summary (no \"schema\": "
			 "\"%s1\" or \"%s1\")", path, CMP_REPORT_SCHEMA, CMP_SWEEP_SCHEMA);
		json_decref(doc);
		return -EINVAL;
	}
	*out = doc;
	return 0;
}

/* ---- flattening ---------------------------------------------------------- */

/* One leaf: its display key, where the report path starts inside it (sweep
 * keys are "<point id>:<report path>"), and whether counters are exact. */
struct flat_entry {
	char *key;
	size_t path_off;
	json_t *leaf;        /* borrowed from the document */
	int exact_counters;
};

struct flat {
	struct flat_entry *e;
	size_t n, cap;
	json_t *index;       /* key -> position in e */
	char *dup;           /* a key met twice (-EEXIST) */
};

static int flat_add(struct flat *fl, const char *key, size_t path_off, json_t *leaf, int exact)
{
	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? fl->cap * 2 : 256;
		struct flat_entry *e = realloc(fl->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		fl->e = e;
		fl->cap = cap;
	}
	/* Two leaves with one key (two points with one id; "a.b" beside
	 * "a": {"b"}) would be compared with each other's values. */
	if (json_object_get(fl->index, key)) {
		fl->dup = strdup(key);
		return fl->dup ? -EEXIST : -ENOMEM;
	}
	char *k = strdup(key);
	if (!k)
		return -ENOMEM;
	fl->e[fl->n] = (struct flat_entry){ k, path_off, leaf, exact };
	json_object_set_new(fl->index, key, json_integer((json_int_t)fl->n));
	fl->n++;
	return 0;
}

static void flat_free(struct flat *fl)
{
	for (size_t i = 0; i < fl->n; i++)
		free(fl->e[i].key);
	free(fl->e);
	free(fl->dup);
	json_decref(fl->index);
}

static int flatten(struct flat *fl, json_t *v, char *key, size_t len, size_t cap,
		   size_t path_off, int exact)
{
	int r = 0;
	if (json_is_object(v)) {
		const char *name;
		json_t *x;
		json_object_foreach(v, name, x) {
			int n = snprintf(key + len, cap - len, "%s%s", len > path_off ? "." : "", name);
			if (n < 0 || (size_t)n >= cap - len)
				return -ENAMETOOLONG;
			r = flatten(fl, x, key, len + (size_t)n, cap, path_off, exact);
			if (r)
				return r;
		}
		key[len] = 0;
		return 0;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			int n = snprintf(key + len, cap - len, "[%zu]", i);
			if (n < 0 || (size_t)n >= cap - len)
				return -ENAMETOOLONG;
			r = flatten(fl, x, key, len + (size_t)n, cap, path_off, exact);
			if (r)
				return r;
		}
		key[len] = 0;
		return 0;
	}
	return flat_add(fl, key, path_off, v, exact);
}

/* timeseries.rows[i][j] is shown as timeseries.<field j>[i]. */
static int flatten_timeseries(struct flat *fl, json_t *ts, char *key, size_t cap, int exact)
{
	json_t *fields = json_object_get(ts, "fields"), *rows = json_object_get(ts, "rows");
	if (!json_is_array(fields) || !json_is_array(rows)) {
		snprintf(key, cap, "timeseries");
		return flatten(fl, ts, key, strlen(key), cap, 0, exact);
	}
	const char *name;
	json_t *x;
	json_object_foreach(ts, name, x) {
		if (!strcmp(name, "fields") || !strcmp(name, "rows"))
			continue;
		snprintf(key, cap, "timeseries.%s", name);
		int r = flatten(fl, x, key, strlen(key), cap, 0, exact);
		if (r)
			return r;
	}
	size_t i, j;
	json_t *row, *f;
	json_array_foreach(rows, i, row) {
		json_array_foreach(fields, j, f) {
			snprintf(key, cap, "timeseries.%s[%zu]",
				 json_is_string(f) ? json_string_value(f) : "?", i);
			int r = flat_add(fl, key, 0, json_array_get(row, j) ? json_array_get(row, j)
							   : json_null(), exact);
			if (r)
				return r;
		}
	}
	return 0;
}

static int backend_is_none(json_t *config)
{
	const char *b = json_string_value(json_object_get(json_object_get(config, "timing"), "backend"));
	return !b || !strcmp(b, "none");
}

/* Sections that describe the run rather than measure it. */
static int report_section_skipped(const char *name)
{
	static const char *const skip[] = { "schema", "tool", "runtime", "config", "config_hash",
					    "trace", "seed", NULL };
	for (int i = 0; skip[i]; i++)
		if (!strcmp(name, skip[i]))
			return 1;
	return 0;
}

static int flatten_report(struct flat *fl, json_t *doc)
{
	char key[2048];
	int exact = backend_is_none(json_object_get(doc, "config"));
	const char *name;
	json_t *v;
	json_object_foreach(doc, name, v) {
		if (report_section_skipped(name))
			continue;
		int r;
		if (!strcmp(name, "timeseries") && json_is_object(v)) {
			r = flatten_timeseries(fl, v, key, sizeof(key), exact);
		} else {
			snprintf(key, sizeof(key), "%s", name);
			r = flatten(fl, v, key, strlen(key), sizeof(key), 0, exact);
		}
		if (r)
			return r;
	}
	return 0;
}

/* Summary rows: "<id>:status" and "<id>:<metric>" for every chosen metric. */
static int flatten_summary(struct flat *fl, json_t *doc)
{
	char key[2048];
	int base_exact = backend_is_none(json_object_get(doc, "base_config"));
	size_t i;
	json_t *pt;
	json_array_foreach(json_object_get(doc, "points"), i, pt) {
		const char *id = json_string_value(json_object_get(pt, "id"));
		if (!id)
			continue;
		json_t *axes = json_object_get(pt, "axes");
		const char *b = json_string_value(json_object_get(axes, "timing.backend"));
		int exact = b ? !strcmp(b, "none") : base_exact;
		int n = snprintf(key, sizeof(key), "%s:", id);
		if (n < 0 || (size_t)n >= sizeof(key))
			return -ENAMETOOLONG;
		snprintf(key + n, sizeof(key) - (size_t)n, "status");
		json_t *st = json_object_get(pt, "status");
		int r = flat_add(fl, key, (size_t)n, st ? st : json_null(), 1);
		if (r)
			return r;
		const char *metric;
		json_t *v;
		json_object_foreach(json_object_get(pt, "metrics"), metric, v) {
			int m = snprintf(key + n, sizeof(key) - (size_t)n, "%s", metric);
			if (m < 0 || (size_t)m >= sizeof(key) - (size_t)n)
				return -ENAMETOOLONG;
			r = flatten(fl, v, key, (size_t)(n + m), sizeof(key), (size_t)n, exact);
			if (r)
				return r;
		}
	}
	return 0;
}

/* ---- comparison ---------------------------------------------------------- */

static int has_prefix(const char *path, const char *section)
{
	size_t n = strlen(section);
	return !strncmp(path, section, n) && (path[n] == 0 || path[n] == '.' || path[n] == '[');
}

static int is_timing(const char *path)
{
	return has_prefix(path, "latency") || has_prefix(path, "hardware") ||
	       has_prefix(path, "streams") || has_prefix(path, "elapsed_ns") ||
	       has_prefix(path, "simgrid");
}

static int is_state(const char *path)
{
	return has_prefix(path, "stats") || has_prefix(path, "timeseries");
}

/* The tolerance of one key (a copy of its rule, or the section's default);
 * 1 when it is ignored.  Summary keys "<id>:path" match rules by path or by
 * the whole key, the longest glob winning. */
static int key_tolerance(const struct cmp_tolerance *t, const struct flat_entry *e,
			 struct cmp_rule *tol)
{
	const char *path = e->key + e->path_off;
	if (!strcmp(path, "simgrid.version"))
		return 1;   /* an input of the run, like tool.*: a warning at most */
	const struct cmp_rule *r = cmp_tolerance_rule(t, path, e->path_off ? e->key : NULL);
	if (r) {
		*tol = *r;
		return r->ignore;
	}
	*tol = (struct cmp_rule){ .rel = -1, .abs = 0, .max_inc = -1, .max_dec = -1 };
	if (is_timing(path) || (is_state(path) && !e->exact_counters))
		tol->rel = t->default_rel;
	return 0;
}

static void describe_tolerance(char *buf, size_t len, const struct cmp_rule *r)
{
	if (r->max_inc >= 0 || r->max_dec >= 0) {
		char inc[24] = "+any", dec[24] = "-any";
		if (r->max_inc >= 0)
			snprintf(inc, sizeof(inc), "+%g%%", r->max_inc * 100);
		if (r->max_dec >= 0)
			snprintf(dec, sizeof(dec), "-%g%%", r->max_dec * 100);
		snprintf(buf, len, "%s|%s", inc, dec);
	} else if (r->rel > 0 && r->abs > 0) {
		snprintf(buf, len, "rel %g%%|abs %g", r->rel * 100, r->abs);
	} else if (r->rel > 0) {
		snprintf(buf, len, "rel %g%%", r->rel * 100);
	} else if (r->abs > 0) {
		snprintf(buf, len, "abs %g", r->abs);
	} else {
		snprintf(buf, len, "exact");
	}
}

static char *value_text(json_t *v)
{
	if (!v)
		return strdup("-");
	if (json_is_string(v))
		return strdup(json_string_value(v));
	return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(12));
}

static int add_row(struct cmp_result *res, const char *key, json_t *o, json_t *n, int fail,
		   const char *tol)
{
	if (res->nrows == res->cap) {
		size_t cap = res->cap ? res->cap * 2 : 64;
		struct cmp_row *rows = realloc(res->rows, cap * sizeof(*rows));
		if (!rows)
			return -ENOMEM;
		res->rows = rows;
		res->cap = cap;
	}
	struct cmp_row *r = &res->rows[res->nrows++];
	memset(r, 0, sizeof(*r));
	r->key = strdup(key);
	r->old_text = value_text(o);
	r->new_text = value_text(n);
	r->numeric = o && n && json_is_number(o) && json_is_number(n);
	if (r->numeric) {
		r->old = json_number_value(o);
		r->new = json_number_value(n);
	}
	r->fail = fail;
	snprintf(r->tol, sizeof(r->tol), "%s", tol);
	if (fail)
		res->failed++;
	return r->key && r->old_text && r->new_text ? 0 : -ENOMEM;
}

static void add_warning(struct cmp_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_warning(struct cmp_result *res, const char *fmt, ...)
{
	if (res->nwarnings == res->wcap) {
		size_t cap = res->wcap ? res->wcap * 2 : 8;
		char **w = realloc(res->warnings, cap * sizeof(*w));
		if (!w)
			return;
		res->warnings = w;
		res->wcap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&res->warnings[res->nwarnings], fmt, ap) >= 0)
		res->nwarnings++;
	va_end(ap);
}

/* Are two numbers equal, or within the rule: symmetric {rel, abs}, or
 * one-sided {max_increase, max_decrease} (a direction without a bound may
 * move freely)? */
static int within(json_t *o, json_t *n, const struct cmp_rule *r)
{
	if (json_is_integer(o) && json_is_integer(n) && json_integer_value(o) == json_integer_value(n))
		return 1;
	double a = json_number_value(o), b = json_number_value(n), d = b - a;
	if (d == 0)
		return 1;
	if (r->max_inc >= 0 || r->max_dec >= 0)
		return d > 0 ? r->max_inc < 0 || d <= r->max_inc * fabs(a)
			     : r->max_dec < 0 || -d <= r->max_dec * fabs(a);
	return (r->abs > 0 && fabs(d) <= r->abs) || (r->rel > 0 && fabs(d) <= r->rel * fabs(a));
}

static int compare_entry(const struct cmp_tolerance *t, const struct flat_entry *e, json_t *n,
			 struct cmp_result *res)
{
	struct cmp_rule rule;
	if (key_tolerance(t, e, &rule))
		return 0;
	char tol[48];
	json_t *o = e->leaf;
	res->compared++;
	if (!n)
		return add_row(res, e->key, o, NULL, 1, "missing");
	if (json_is_number(o) && json_is_number(n)) {
		if (json_number_value(o) == json_number_value(n))
			return 0;
		describe_tolerance(tol, sizeof(tol), &rule);
		return add_row(res, e->key, o, n, !within(o, n, &rule), tol);
	}
	if (json_equal(o, n))
		return 0;
	return add_row(res, e->key, o, n, 1, "equal");
}

/* Equal config values: numbers by value (a tool such as jq writes 2.0 as 2). */
static int config_leaf_equal(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	return json_equal(a, b);
}

/* Warnings for what the run was given rather than what it measured. */
static void compare_inputs(json_t *base, json_t *new, const char *cfgkey, struct cmp_result *res)
{
	const char *sb = doc_schema(base), *sn = doc_schema(new);
	if (strcmp(sb, sn))   /* only with allow_schema_change */
		add_warning(res, "schema differs: %s -> %s", sb, sn);
	json_t *cb = json_object_get(base, cfgkey), *cn = json_object_get(new, cfgkey);
	if (cb && cn && !json_equal(cb, cn)) {
		struct flat fb = { .index = json_object() }, fn = { .index = json_object() };
		char key[2048] = "";
		char list[512] = "";
		size_t diffs = 0, len = 0;
		if (!flatten(&fb, cb, key, 0, sizeof(key), 0, 1) &&
		    !flatten(&fn, cn, key, 0, sizeof(key), 0, 1)) {
			for (size_t i = 0; i < fb.n + fn.n; i++) {
				const struct flat_entry *e = i < fb.n ? &fb.e[i] : &fn.e[i - fb.n];
				struct flat *other = i < fb.n ? &fn : &fb;
				json_t *idx = json_object_get(other->index, e->key);
				if (i >= fb.n && idx)
					continue;   /* seen from the base side */
				if (idx && config_leaf_equal(e->leaf,
							     other->e[json_integer_value(idx)].leaf))
					continue;
				if (diffs++ < 6 && len < sizeof(list))
					len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
								 diffs > 1 ? ", " : "", e->key);
			}
		}
		if (diffs)
			add_warning(res, "config differs in %zu key%s: %s%s", diffs,
				    diffs == 1 ? "" : "s", list, diffs > 6 ? ", ..." : "");
		flat_free(&fb);
		flat_free(&fn);
	}
	const char *kb = json_string_value(json_object_get(json_object_get(base, "trace"), "checksum"));
	const char *kn = json_string_value(json_object_get(json_object_get(new, "trace"), "checksum"));
	if (kb && kn && strcmp(kb, kn))
		add_warning(res, "trace checksum differs: %s -> %s", kb, kn);
	const char *vb = json_string_value(json_object_get(json_object_get(base, "simgrid"), "version"));
	const char *vn = json_string_value(json_object_get(json_object_get(new, "simgrid"), "version"));
	if (vb && vn && strcmp(vb, vn))
		add_warning(res, "SimGrid differs: %s -> %s", vb, vn);
}

static int flat_matches(const struct flat *fl, const char *glob)
{
	for (size_t i = 0; i < fl->n; i++)
		if (cmp_glob_match(glob, fl->e[i].key + fl->e[i].path_off) ||
		    (fl->e[i].path_off && cmp_glob_match(glob, fl->e[i].key)))
			return 1;
	return 0;
}

/* The (up to) three report paths of fl nearest to glob, "a, b, c". */
static void nearest_paths(const struct flat *fl, const char *glob, char *buf, size_t len)
{
	const char *best[3] = { NULL, NULL, NULL };
	size_t dist[3] = { SIZE_MAX, SIZE_MAX, SIZE_MAX };
	for (size_t i = 0; i < fl->n; i++) {
		const char *p = fl->e[i].key + fl->e[i].path_off;
		int dup = 0;
		for (int k = 0; k < 3; k++)
			dup |= best[k] && !strcmp(best[k], p);
		size_t d = dup ? SIZE_MAX : cfg_levenshtein(glob, p);
		for (int k = 0; k < 3 && d != SIZE_MAX; k++) {
			if (d >= dist[k])
				continue;
			for (int m = 2; m > k; m--) {
				dist[m] = dist[m - 1];
				best[m] = best[m - 1];
			}
			dist[k] = d;
			best[k] = p;
			break;
		}
	}
	size_t off = 0;
	buf[0] = 0;
	for (int k = 0; k < 3 && best[k] && off < len; k++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", k ? ", " : "", best[k]);
}

/* A rule that matches no key of either document is a typo or a stale rule:
 * an error naming it and the nearest keys, never a silent pass. */
static int check_rules_match(const struct cmp_tolerance *t, const struct flat *fb,
			     const struct flat *fn, char *err, size_t errlen)
{
	for (size_t i = 0; i < t->n; i++) {
		const char *glob = t->rules[i].glob;
		if (flat_matches(fb, glob) || flat_matches(fn, glob))
			continue;
		char near[600];
		nearest_paths(fb->n ? fb : fn, glob, near, sizeof(near));
		snprintf(err, errlen, "%s: rule \"%s\" matches no metric of either document%s%s%s",
			 t->path ? t->path : "tolerance", glob, near[0] ? " (nearest: " : "", near,
			 near[0] ? ")" : "");
		return -EINVAL;
	}
	return 0;
}

static int cmp_documents_quoted(json_t *base, json_t *new, const struct cmp_tolerance *t,
				int allow_schema_change, struct cmp_result *res, char *err, size_t errlen)
{
	memset(res, 0, sizeof(*res));
	int summary = is_summary(base);
	if (summary != is_summary(new) || (!summary && (!is_report(base) || !is_report(new)))) {
		snprintf(err, errlen, "cannot compare a %s with a %s", summary ? "sweep summary" : "report",
			 is_summary(new) ? "sweep summary" : "report");
		return -EINVAL;
	}
	if (strcmp(doc_schema(base), doc_schema(new)) && !allow_schema_change) {
		snprintf(err, errlen, "schema differs: %s -> %s (the documents may not mean the same "
			 "by the same key; --allow-schema-change compares them anyway)",
			 doc_schema(base), doc_schema(new));
		return -EINVAL;
	}
	struct flat fb = { .index = json_object() }, fn = { .index = json_object() };
	int r = summary ? flatten_summary(&fb, base) : flatten_report(&fb, base);
	if (!r)
		r = summary ? flatten_summary(&fn, new) : flatten_report(&fn, new);
	if (r == -EEXIST) {
		const char *d = fb.dup ? fb.dup : fn.dup;

		snprintf(err, errlen, "%s has the key '%s' twice (two points with one id, or a dotted"
			 " name beside a nested one): not comparable", fb.dup ? "BASE" : "NEW",
			 TRACE_SHOW(d));
		r = -EINVAL;
		goto out;
	}
	if (r) {
		snprintf(err, errlen, "cannot flatten the documents: %s", strerror(-r));
		goto out;
	}
	r = check_rules_match(t, &fb, &fn, err, errlen);
	if (r)
		goto out;
	compare_inputs(base, new, summary ? "base_config" : "config", res);
	for (size_t i = 0; i < fb.n && !r; i++) {
		json_t *idx = json_object_get(fn.index, fb.e[i].key);
		r = compare_entry(t, &fb.e[i], idx ? fn.e[json_integer_value(idx)].leaf : NULL, res);
	}
	size_t added = 0;
	const char *first = NULL;
	for (size_t i = 0; i < fn.n; i++)
		if (!json_object_get(fb.index, fn.e[i].key) && !added++)
			first = fn.e[i].key;
	if (added)
		add_warning(res, "%zu metric%s only in NEW (first: %s)", added, added == 1 ? "" : "s", first);
	if (r)
		snprintf(err, errlen, "out of memory");
out:
	flat_free(&fb);
	flat_free(&fn);
	return r;
}

void cmp_result_free(struct cmp_result *res)
{
	for (size_t i = 0; i < res->nrows; i++) {
		free(res->rows[i].key);
		free(res->rows[i].old_text);
		free(res->rows[i].new_text);
	}
	free(res->rows);
	for (size_t i = 0; i < res->nwarnings; i++)
		free(res->warnings[i]);
	free(res->warnings);
	memset(res, 0, sizeof(*res));
}

/* ---- output -------------------------------------------------------------- */

static void change_text(const struct cmp_row *r, char *buf, size_t len)
{
	if (!r->numeric) {
		snprintf(buf, len, "%s", strcmp(r->new_text, "-") ? "changed" : "removed");
		return;
	}
	double d = r->new - r->old;
	if (r->old != 0)
		snprintf(buf, len, "%+.6g (%+.2f%%)", d, 100.0 * d / fabs(r->old));
	else
		snprintf(buf, len, "%+.6g", d);
}

static size_t print_rows(const struct cmp_result *res, FILE *f, int fails, size_t budget)
{
	size_t printed = 0;
	for (size_t i = 0; i < res->nrows && printed < budget; i++) {
		const struct cmp_row *r = &res->rows[i];
		if (r->fail != fails)
			continue;
		char change[64];
		change_text(r, change, sizeof(change));
		fprintf(f, "%-46s %16s %16s %24s %-14s %s\n", r->key, r->old_text, r->new_text, change,
			r->tol, r->fail ? "FAIL" : "ok");
		printed++;
	}
	return printed;
}

/* "stats: 3 (3 FAIL), timeseries: 240 (240 FAIL)": where the moved metrics
 * are, since one change often moves a whole time series. */
static void print_sections(const struct cmp_result *res, FILE *f)
{
	json_t *moved = json_object(), *failed = json_object();
	for (size_t i = 0; i < res->nrows; i++) {
		const char *k = res->rows[i].key, *colon = strchr(k, ':');
		if (colon)
			k = colon + 1;
		char sec[64];
		size_t n = strcspn(k, ".[");
		snprintf(sec, sizeof(sec), "%.*s", (int)(n < sizeof(sec) ? n : sizeof(sec) - 1), k);
		json_t *m = json_object_get(moved, sec), *x = json_object_get(failed, sec);
		json_object_set_new(moved, sec, json_integer(m ? json_integer_value(m) + 1 : 1));
		json_object_set_new(failed, sec, json_integer((x ? json_integer_value(x) : 0) +
							      res->rows[i].fail));
	}
	const char *sec;
	json_t *m;
	int first = 1;
	fputs("moved by section:", f);
	json_object_foreach(moved, sec, m) {
		fprintf(f, "%s %s %lld (%lld FAIL)", first ? "" : ",", sec, (long long)json_integer_value(m),
			(long long)json_integer_value(json_object_get(failed, sec)));
		first = 0;
	}
	fputc('\n', f);
	json_decref(moved);
	json_decref(failed);
}

void cmp_print(const struct cmp_result *res, FILE *f, size_t max_rows)
{
	for (size_t i = 0; i < res->nwarnings; i++)
		fprintf(f, "warning: %s\n", res->warnings[i]);
	if (res->nrows) {
		size_t budget = max_rows ? max_rows : res->nrows;
		fprintf(f, "%-46s %16s %16s %24s %-14s %s\n", "metric", "old", "new", "change",
			"tolerance", "status");
		size_t shown = print_rows(res, f, 1, budget);
		shown += print_rows(res, f, 0, budget - shown);
		if (shown < res->nrows)
			fprintf(f, "... %zu more moved metrics not shown (--all shows every one)\n",
				res->nrows - shown);
		print_sections(res, f);
	}
	if (!res->compared)
		fprintf(f, "FAIL: no metric compared (every key of BASE is ignored or not a metric)\n");
	else if (res->failed)
		fprintf(f, "FAIL: %zu of %zu metrics outside tolerance (%zu moved)\n", res->failed,
			res->compared, res->nrows);
	else
		fprintf(f, "OK: %zu metrics compared, %zu moved within tolerance\n", res->compared,
			res->nrows);
}

int cmp_tolerance_load(struct cmp_tolerance *t, const char *path, char *err, size_t errlen)
{
	int r = cmp_tolerance_load_quoted(t, path, err, errlen);
	if (r)
		cfg_err_one_line(err, errlen);
	return r;
}

int cmp_load_document(const char *path, json_t **out, char *err, size_t errlen)
{
	int r = cmp_load_document_quoted(path, out, err, errlen);
	if (r)
		cfg_err_one_line(err, errlen);
	return r;
}

/* The documents' and the tolerance file's keys appear in the messages as written. */
int cmp_documents(json_t *base, json_t *new, const struct cmp_tolerance *t,
		  int allow_schema_change, struct cmp_result *res, char *err, size_t errlen)
{
	int r = cmp_documents_quoted(base, new, t, allow_schema_change, res, err, errlen);
	if (r)
		cfg_err_one_line(err, errlen);
	return r;
}
