/* SPDX-License-Identifier: MIT */
/* Experiment configuration: defaults from key tables, file, base chain, --set. */
#include "sim/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

extern const struct cfg_key cfg_keys_core[];
extern const struct cfg_key cfg_keys_zswap[];
extern const struct cfg_key cfg_keys_hw[];
extern const struct cfg_key cfg_keys_workload[];

const struct cfg_key *const cfg_registry[] = {
	cfg_keys_core,
	cfg_keys_zswap,
	cfg_keys_hw,
	cfg_keys_workload,
	NULL,
};

#define CFG_MAX_BASE_DEPTH 8

static const char *type_name(enum cfg_type t)
{
	switch (t) {
	case CFG_BOOL: return "boolean";
	case CFG_INT: return "integer";
	case CFG_DOUBLE: return "number";
	case CFG_SIZE: return "size";
	case CFG_STRING: return "string";
	case CFG_ENUM: return "choice";
	case CFG_PATH: return "path";
	case CFG_OBJECT: return "object";
	}
	return "?";
}

static const struct cfg_key *find_key(const char *key)
{
	for (int t = 0; cfg_registry[t]; t++)
		for (const struct cfg_key *k = cfg_registry[t]; k->key; k++)
			if (!strcmp(k->key, key))
				return k;
	return NULL;
}

const struct cfg_key *cfg_find_key(const char *key)
{
	return find_key(key);
}

/* Is prefix a proper interior node of some key ("zswap" for "zswap.enabled")? */
static int is_interior(const char *prefix)
{
	size_t n = strlen(prefix);
	for (int t = 0; cfg_registry[t]; t++)
		for (const struct cfg_key *k = cfg_registry[t]; k->key; k++)
			if (!strncmp(k->key, prefix, n) && k->key[n] == '.')
				return 1;
	return 0;
}

/* The first key of section prefix (an example for a message). */
static const char *first_key_of(const char *prefix)
{
	size_t n = strlen(prefix);
	for (int t = 0; cfg_registry[t]; t++)
		for (const struct cfg_key *k = cfg_registry[t]; k->key; k++)
			if (!strncmp(k->key, prefix, n) && k->key[n] == '.')
				return k->key;
	return NULL;
}

size_t cfg_levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = calloc(lb + 1, sizeof(*row));
	if (!row)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = diag + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	size_t d = row[lb];
	free(row);
	return d;
}

const char *cfg_nearest_key(const char *s)
{
	const char *best = NULL;
	size_t bestd = SIZE_MAX;
	for (int t = 0; cfg_registry[t]; t++)
		for (const struct cfg_key *k = cfg_registry[t]; k->key; k++) {
			size_t d = cfg_levenshtein(s, k->key);
			if (d < bestd) {
				bestd = d;
				best = k->key;
			}
		}
	return best;
}

int cfg_parse_size(const char *s, uint64_t *out)
{
	char *end;
	/* decimal only: strtod() also takes "0x1000", " 5" and "+5" */
	if (!isdigit((unsigned char)s[0]) && s[0] != '.')
		return -EINVAL;
	/* a plain count of bytes is taken exactly (a double near 1.8e19 is
	 * 2048 wide) */
	size_t digits = strspn(s, "0123456789");
	if (!s[digits] || (toupper((unsigned char)s[digits]) == 'B' && !s[digits + 1])) {
		errno = 0;
		unsigned long long n = strtoull(s, &end, 10);
		if (errno || n > 18000000000000000000ull)
			return -ERANGE;
		*out = n;
		return 0;
	}
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || v < 0 || !isfinite(v) || memchr(s, 'x', (size_t)(end - s)) ||
	    memchr(s, 'X', (size_t)(end - s)))
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	double mul = 1;
	if (*end) {
		char u = (char)toupper((unsigned char)*end);
		switch (u) {
		case 'B': mul = 1; break;
		case 'K': mul = 1024.0; break;
		case 'M': mul = 1024.0 * 1024; break;
		case 'G': mul = 1024.0 * 1024 * 1024; break;
		case 'T': mul = 1024.0 * 1024 * 1024 * 1024; break;
		case 'P': mul = 1024.0 * 1024 * 1024 * 1024 * 1024; break;
		case 'E': mul = 1024.0 * 1024 * 1024 * 1024 * 1024 * 1024; break;
		default: return -EINVAL;
		}
		end++;
		if (u != 'B') {
			if (*end == 'i' || *end == 'I')
				end++;
			if (*end == 'B' || *end == 'b')
				end++;
		}
		if (*end)
			return -EINVAL;
	}
	double r = v * mul;
	if (r > 1.8e19)
		return -ERANGE;
	if (r != floor(r))
		return -EINVAL;
	*out = (uint64_t)r;
	return 0;
}

/* Append the components of path to res (n bytes, root bytes of which are the
 * leading "/"), resolving "." and ".." lexically. */
static size_t join_components(char *res, size_t n, size_t root, const char *path)
{
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		size_t l = strcspn(p, "/");
		size_t last = n;   /* start of the last component in res */
		while (last > root && res[last - 1] != '/')
			last--;
		int last_is_up = n - last == 2 && res[last] == '.' && res[last + 1] == '.';
		if (l == 1 && p[0] == '.') {
			/* skip */
		} else if (l == 2 && p[0] == '.' && p[1] == '.' && n > root && !last_is_up) {
			n = last > root ? last - 1 : root;
		} else {
			if (n > root)
				res[n++] = '/';
			memcpy(res + n, p, l);
			n += l;
		}
		p += l;
	}
	return n;
}

/* Lexical, so that the effective config shows "traces/x.zswt", not
 * "configs/../traces/x.zswt". */
int cfg_path_join(char *out, size_t len, const char *dir, const char *rel)
{
	int absolute = rel[0] == '/' || dir[0] == '/';
	char *res = malloc(strlen(dir) + strlen(rel) + 3);
	size_t n = 0;

	if (!res)
		return -ENOMEM;
	if (absolute)
		res[n++] = '/';
	if (rel[0] != '/')
		n = join_components(res, n, n, dir);
	n = join_components(res, n, (size_t)absolute, rel);
	if (!n)
		res[n++] = '.';
	res[n] = 0;
	int r = n < len ? 0 : -ENAMETOOLONG;
	if (!r)
		memcpy(out, res, n + 1);
	else if (len)
		out[0] = 0;
	free(res);
	return r;
}

/* Walk / create the object that holds the last component of a dotted key. */
static json_t *parent_of(json_t *root, const char *key, const char **last, int create)
{
	char buf[256];
	json_t *node = root;
	const char *p = key;
	for (;;) {
		const char *dot = strchr(p, '.');
		if (!dot)
			break;
		size_t n = (size_t)(dot - p);
		if (n >= sizeof(buf))
			return NULL;
		memcpy(buf, p, n);
		buf[n] = 0;
		json_t *child = json_object_get(node, buf);
		if (!child || !json_is_object(child)) {
			if (!create)
				return NULL;
			child = json_object();
			json_object_set_new(node, buf, child);
		}
		node = child;
		p = dot + 1;
	}
	*last = p;
	return node;
}

static json_t *get_key(json_t *root, const char *key)
{
	const char *last;
	json_t *parent = parent_of(root, key, &last, 0);
	return parent ? json_object_get(parent, last) : NULL;
}

static int check_value(const struct cfg_key *k, json_t *v, const char *src, char *err, size_t errlen)
{
	char where[1200];
	snprintf(where, sizeof(where), "%s%s%s", src ? src : "", src ? ": " : "", k->key);
	switch (k->type) {
	case CFG_BOOL:
		if (!json_is_boolean(v))
			goto wrong_type;
		return 0;
	case CFG_INT: {
		if (!json_is_integer(v))
			goto wrong_type;
		json_int_t i = json_integer_value(v);
		if ((double)i < k->min || (double)i > k->max) {
			snprintf(err, errlen, "%s: value %lld out of range [%.0f, %.0f]", where,
				 (long long)i, k->min, k->max);
			return -EINVAL;
		}
		return 0;
	}
	case CFG_DOUBLE: {
		if (!json_is_number(v))
			goto wrong_type;
		double d = json_number_value(v);
		if (!(d >= k->min && d <= k->max)) {
			snprintf(err, errlen, "%s: value %g out of range [%g, %g]", where, d, k->min, k->max);
			return -EINVAL;
		}
		return 0;
	}
	case CFG_SIZE: {
		uint64_t sz;
		int pr = json_is_string(v) ? cfg_parse_size(json_string_value(v), &sz) : -EINVAL;
		if (json_is_integer(v) && json_integer_value(v) >= 0)
			sz = (uint64_t)json_integer_value(v);
		else if (!pr)
			;
		else if (pr == -ERANGE) {
			snprintf(err, errlen, "%s: size %s out of range [%.0f, %.0f] bytes", where,
				 json_string_value(v), k->min, k->max);
			return -EINVAL;
		} else {
			snprintf(err, errlen, "%s: expected a size in bytes: an integer, or a string with a "
				 "unit B, K, M, G, T, P or E (KiB ... EiB: powers of 1024), e.g. \"8GiB\"",
				 where);
			return -EINVAL;
		}
		/* in integers: near 2^64 a double cannot tell 1.8e19 from 1.8e19 + 1024 */
		if (sz < (uint64_t)k->min || (k->max < 18446744073709551615.0 && sz > (uint64_t)k->max)) {
			snprintf(err, errlen, "%s: size %llu out of range [%.0f, %.0f] bytes", where,
				 (unsigned long long)sz, k->min, k->max);
			return -EINVAL;
		}
		return 0;
	}
	case CFG_STRING:
	case CFG_PATH:
		if (!json_is_string(v))
			goto wrong_type;
		return 0;
	case CFG_ENUM: {
		if (!json_is_string(v))
			goto wrong_type;
		const char *s = json_string_value(v);
		size_t n = strlen(s);
		for (const char *c = k->choices; c && *c;) {
			const char *bar = strchr(c, '|');
			size_t m = bar ? (size_t)(bar - c) : strlen(c);
			if (m == n && !strncmp(c, s, n))
				return 0;
			c = bar ? bar + 1 : c + m;
		}
		snprintf(err, errlen, "%s: \"%s\" is not one of %s", where, s, k->choices);
		return -EINVAL;
	}
	case CFG_OBJECT:
		if (json_is_string(v) && !strncmp(k->key, "policy.", 7)) {
			/* the mistake everyone makes once: name the key that takes a name */
			snprintf(err, errlen, "%s: expected an object {\"name\": ..., params}: to choose "
				 "a policy by name, set %s.name=%s", where, k->key, json_string_value(v));
			return -EINVAL;
		}
		if (!json_is_object(v))
			goto wrong_type;
		return 0;
	}
wrong_type:
	snprintf(err, errlen, "%s: expected %s %s%s%s", where,
		 strchr("aeiou", type_name(k->type)[0]) ? "an" : "a", type_name(k->type),
		 k->type == CFG_ENUM ? " among " : "", k->type == CFG_ENUM ? k->choices : "");
	return -EINVAL;
}

/* Overlay src onto dst, validating every leaf against the key tables. */
static int overlay(json_t *dst, json_t *src, const char *prefix, const char *file,
		   const char *dir, char *err, size_t errlen)
{
	const char *name;
	json_t *v;
	json_object_foreach(src, name, v) {
		char key[512];
		if (prefix[0])
			snprintf(key, sizeof(key), "%s.%s", prefix, name);
		else
			snprintf(key, sizeof(key), "%s", name);
		if (!prefix[0] && !strcmp(name, "base"))
			continue;   /* handled by the loader */
		if (!prefix[0] && (!strcmp(name, "comment") || !strcmp(name, "description")))
			continue;   /* free text, ignored */
		const struct cfg_key *k = find_key(key);
		if (k) {
			int r = check_value(k, v, file, err, errlen);
			if (r)
				return r;
			const char *last;
			json_t *parent = parent_of(dst, key, &last, 1);
			if (k->type == CFG_OBJECT) {
				json_t *cur = json_object_get(parent, last);
				/* an object key's "name" change replaces its params */
				json_t *newname = json_object_get(v, "name");
				if (cur && json_is_object(cur) &&
				    !(newname && json_is_string(json_object_get(cur, "name")) &&
				      !json_equal(newname, json_object_get(cur, "name"))))
					json_object_update_recursive(cur, v);
				else
					json_object_set(parent, last, v);
			} else if (k->type == CFG_PATH && dir && strcmp(dir, ".") &&
				   json_string_value(v)[0] && json_string_value(v)[0] != '/') {
				/* relative paths are relative to the file that names them */
				size_t len = strlen(dir) + strlen(json_string_value(v)) + 2;
				char *np = malloc(len);
				int r = np ? cfg_path_join(np, len, dir, json_string_value(v)) : -ENOMEM;
				if (!r)
					json_object_set_new(parent, last, json_string(np));
				free(np);
				if (r) {
					snprintf(err, errlen, "%s: %s: out of memory", file, key);
					return r;
				}
			} else {
				json_object_set(parent, last, v);
			}
			continue;
		}
		if (json_is_object(v) && is_interior(key)) {
			int r = overlay(dst, v, key, file, dir, err, errlen);
			if (r)
				return r;
			continue;
		}
		if (is_interior(key)) {
			snprintf(err, errlen, "%s%s'%s' is a section of keys: expected an object such as "
				 "{\"%s\": ...} ('zswapsim config keys' lists them)", file ? file : "",
				 file ? ": " : "", key, first_key_of(key) + strlen(key) + 1);
			return -EINVAL;
		}
		const char *near = cfg_nearest_key(key);
		snprintf(err, errlen, "%s%sunknown config key '%s'%s%s%s", file ? file : "",
			 file ? ": " : "", key, near ? " (did you mean '" : "", near ? near : "",
			 near ? "'?)" : "");
		return -EINVAL;
	}
	return 0;
}

json_t *cfg_read_json(const char *path, const char *what, size_t flags, int *ret,
		      char *err, size_t errlen)
{
	json_error_t je;
	struct stat st;
	/* without blocking (a FIFO with no writer would), and only a regular file */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		*ret = -ENOENT;
		snprintf(err, errlen, "%s: cannot open%s%s: %s", path, what ? " " : "", what ? what : "",
			 strerror(errno));
		return NULL;
	}
	FILE *f = fstat(fd, &st) || !S_ISREG(st.st_mode) ? NULL : fdopen(fd, "r");
	if (!f) {
		close(fd);
		*ret = -EINVAL;
		snprintf(err, errlen, "%s: not a regular file", path);
		return NULL;
	}
	json_t *doc = json_loadf(f, flags, &je);
	fclose(f);
	if (!doc) {
		*ret = -EINVAL;
		snprintf(err, errlen, "%s:%d:%d: bad JSON: %s", path, je.line, je.column, je.text);
		/* jansson quotes the input near the error, newlines included */
		cfg_err_one_line(err, errlen);
	}
	return doc;
}

/* The files of a "base" chain so far, so that a loop is named as one. */
struct cfg_chain {
	dev_t dev;
	ino_t ino;
	const char *path;
	const struct cfg_chain *up;
};

static const struct cfg_chain *chain_find(const struct cfg_chain *c, const struct stat *st)
{
	for (; c; c = c->up)
		if (c->dev == st->st_dev && c->ino == st->st_ino)
			return c;
	return NULL;
}

static int load_file(json_t *dst, const char *path, int depth, const struct cfg_chain *up,
		     char *dir_out, size_t dirlen, char *err, size_t errlen)
{
	if (depth > CFG_MAX_BASE_DEPTH) {
		snprintf(err, errlen, "%s: \"base\" chain deeper than %d", path, CFG_MAX_BASE_DEPTH);
		return -EINVAL;
	}
	int r = 0;
	json_t *doc = cfg_read_json(path, "config", JSON_REJECT_DUPLICATES, &r, err, errlen);
	if (!doc)
		return r;
	if (!json_is_object(doc)) {
		snprintf(err, errlen, "%s: config must be a JSON object", path);
		json_decref(doc);
		return -EINVAL;
	}
	/* allocated: a truncated directory would resolve relative paths
	 * against another directory, and find another trace there */
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
	char *bpath = NULL;
	if (!dir) {
		json_decref(doc);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}

	json_t *base = json_object_get(doc, "base");
	if (base) {
		if (!json_is_string(base)) {
			snprintf(err, errlen, "%s: base: expected a path", path);
			r = -EINVAL;
			goto out;
		}
		const char *b = json_string_value(base);
		if (b[0] == '/' ? !(bpath = strdup(b)) : asprintf(&bpath, "%s/%s", dir, b) < 0) {
			bpath = NULL;
			snprintf(err, errlen, "%s: out of memory", path);
			r = -ENOMEM;
			goto out;
		}
		struct cfg_chain self = { .path = path, .up = up };
		const struct cfg_chain *seen;
		struct stat st;

		if (!stat(path, &st)) {
			self.dev = st.st_dev;
			self.ino = st.st_ino;
			if (!stat(bpath, &st) && (seen = chain_find(&self, &st))) {
				snprintf(err, errlen, "%s: base: \"%s\" is %s again, a loop", path, b,
					 seen->path);
				r = -EINVAL;
				goto out;
			}
		}
		r = load_file(dst, bpath, depth + 1, &self, NULL, 0, err, errlen);
		if (r)
			goto out;
	}
	r = overlay(dst, doc, "", path, dir, err, errlen);
	if (!r && dir_out && (size_t)snprintf(dir_out, dirlen, "%s", dir) >= dirlen) {
		snprintf(err, errlen, "%.64s...: config path longer than %zu bytes", path, dirlen - 1);
		r = -ENAMETOOLONG;
	}
out:
	free(bpath);
	free(dir);
	json_decref(doc);
	return r;
}

static int apply_override(json_t *root, const char *ov, char *err, size_t errlen)
{
	const char *eq = strchr(ov, '=');
	if (!eq || eq == ov) {
		snprintf(err, errlen, "--set '%s': expected key=value", ov);
		return -EINVAL;
	}
	char key[512];
	size_t n = (size_t)(eq - ov);
	if (n >= sizeof(key)) {
		snprintf(err, errlen, "--set: key too long");
		return -EINVAL;
	}
	memcpy(key, ov, n);
	key[n] = 0;
	const char *val = eq + 1;

	/* The value is JSON if it parses as JSON, else a string. */
	json_error_t je;
	json_t *v = json_loads(val, JSON_DECODE_ANY, &je);
	if (!v)
		v = json_string(val);

	/* A key inside an object-typed key (policy.limit.weight) is allowed. */
	const struct cfg_key *k = find_key(key);
	if (!k) {
		char pfx[512];
		snprintf(pfx, sizeof(pfx), "%s", key);
		char *dot;
		while ((dot = strrchr(pfx, '.'))) {
			*dot = 0;
			const struct cfg_key *pk = find_key(pfx);
			if (pk && pk->type == CFG_OBJECT) {
				const char *last;
				json_t *parent = parent_of(root, key, &last, 1);
				/* parent_of() gives up on a part of 256 or more characters */
				if (!parent) {
					snprintf(err, errlen, "--set: key '%s': a part is longer than"
						 " 255 characters", key);
					json_decref(v);
					return -EINVAL;
				}
				json_object_set_new(parent, last, v);
				return 0;
			}
		}
		if (is_interior(key)) {
			snprintf(err, errlen, "--set: '%s' is a section of keys: set one of them, "
				 "e.g. --set %s=... ('zswapsim config keys' lists them)", key,
				 first_key_of(key));
			json_decref(v);
			return -EINVAL;
		}
		const char *near = cfg_nearest_key(key);
		snprintf(err, errlen, "--set: unknown config key '%s'%s%s%s", key,
			 near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
		json_decref(v);
		return -EINVAL;
	}
	/* numbers given to string keys stay strings */
	if ((k->type == CFG_STRING || k->type == CFG_PATH || k->type == CFG_ENUM) && !json_is_string(v)) {
		json_decref(v);
		v = json_string(val);
	}
	if (k->type == CFG_SIZE && json_is_real(v)) {
		json_decref(v);
		v = json_string(val);
	}
	int r = check_value(k, v, "--set", err, errlen);
	if (r) {
		json_decref(v);
		return r;
	}
	const char *last;
	json_t *parent = parent_of(root, key, &last, 1);
	if (k->type == CFG_OBJECT) {
		json_t *cur = json_object_get(parent, last);
		if (cur && json_is_object(cur))
			json_object_update_recursive(cur, v);
		else
			json_object_set(parent, last, v);
		json_decref(v);
	} else {
		json_object_set_new(parent, last, v);
	}
	return 0;
}

static int build_defaults(json_t *root, char *err, size_t errlen)
{
	for (int t = 0; cfg_registry[t]; t++)
		for (const struct cfg_key *k = cfg_registry[t]; k->key; k++) {
			json_error_t je;
			json_t *v = json_loads(k->def, JSON_DECODE_ANY, &je);
			if (!v) {
				snprintf(err, errlen, "internal: bad default for %s: %s", k->key, je.text);
				return -EINVAL;
			}
			const char *last;
			json_t *parent = parent_of(root, k->key, &last, 1);
			json_object_set_new(parent, last, v);
		}
	return 0;
}

/* Errors quote keys and values as written, and a JSON key or a --set argument
 * may hold a newline or any other control character: keep the message one
 * line by showing those as '?'. */
void cfg_err_one_line(char *err, size_t errlen)
{
	for (size_t i = 0; err && i < errlen && err[i]; i++)
		if ((unsigned char)err[i] < ' ' || err[i] == 0x7f)
			err[i] = '?';
}

int cfg_load(struct cfg *c, const char *path, const char *const *overrides, int noverrides,
	     char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->root = json_object();
	snprintf(c->dir, sizeof(c->dir), ".");
	int r = build_defaults(c->root, err, errlen);
	if (r)
		goto fail;
	if (path) {
		if (strlen(path) >= sizeof(c->path)) {
			snprintf(err, errlen, "%.64s...: config path longer than %zu bytes", path,
				 sizeof(c->path) - 1);
			r = -ENAMETOOLONG;
			goto fail;
		}
		snprintf(c->path, sizeof(c->path), "%s", path);
		r = load_file(c->root, path, 0, NULL, c->dir, sizeof(c->dir), err, errlen);
		if (r)
			goto fail;
	}
	for (int i = 0; i < noverrides; i++) {
		r = apply_override(c->root, overrides[i], err, errlen);
		if (r)
			goto fail;
	}
	r = cfg_zswap_load(c, err, errlen);
	if (!r)
		r = cfg_hw_load(c, err, errlen);
	if (!r)
		r = cfg_workload_load(c, err, errlen);
	if (!r)
		return 0;
fail:
	cfg_free(c);
	cfg_err_one_line(err, errlen);
	return r;
}

void cfg_free(struct cfg *c)
{
	json_decref(c->root);
	c->root = NULL;
	cfg_zswap_free(c);
	cfg_workload_free(c);
}

static json_t *must_get(const struct cfg *c, const char *key, enum cfg_type t1, enum cfg_type t2)
{
	const struct cfg_key *k = find_key(key);
	if (!k || (k->type != t1 && k->type != t2)) {
		fprintf(stderr, "zswapsim: internal error: config key '%s' %s\n", key,
			k ? "read with the wrong type" : "is not declared");
		abort();
	}
	json_t *v = get_key(c->root, key);
	if (!v) {
		fprintf(stderr, "zswapsim: internal error: config key '%s' has no value\n", key);
		abort();
	}
	return v;
}

int64_t cfg_int(const struct cfg *c, const char *key)
{
	return json_integer_value(must_get(c, key, CFG_INT, CFG_INT));
}

double cfg_double(const struct cfg *c, const char *key)
{
	return json_number_value(must_get(c, key, CFG_DOUBLE, CFG_INT));
}

int cfg_bool(const struct cfg *c, const char *key)
{
	return json_is_true(must_get(c, key, CFG_BOOL, CFG_BOOL));
}

uint64_t cfg_size(const struct cfg *c, const char *key)
{
	json_t *v = must_get(c, key, CFG_SIZE, CFG_SIZE);
	uint64_t sz = 0;
	if (json_is_integer(v))
		return (uint64_t)json_integer_value(v);
	cfg_parse_size(json_string_value(v), &sz);
	return sz;
}

const char *cfg_str(const struct cfg *c, const char *key)
{
	const struct cfg_key *k = find_key(key);
	if (k && k->type == CFG_ENUM)
		return json_string_value(must_get(c, key, CFG_ENUM, CFG_ENUM));
	if (k && k->type == CFG_PATH)
		return json_string_value(must_get(c, key, CFG_PATH, CFG_PATH));
	return json_string_value(must_get(c, key, CFG_STRING, CFG_STRING));
}

const char *cfg_path(const struct cfg *c, const char *key, char *buf, size_t len)
{
	/* relative paths were made relative to the cwd when their file was read */
	if ((size_t)snprintf(buf, len, "%s", json_string_value(must_get(c, key, CFG_PATH, CFG_PATH))) >= len) {
		buf[0] = 0;
		return NULL;
	}
	return buf;
}

json_t *cfg_json(const struct cfg *c, const char *key)
{
	const struct cfg_key *k = find_key(key);
	if (!k) {
		fprintf(stderr, "zswapsim: internal error: config key '%s' is not declared\n", key);
		abort();
	}
	return get_key(c->root, key);
}

void cfg_print(const struct cfg *c, FILE *f)
{
	json_dumpf(c->root, f, JSON_INDENT(2) | JSON_SORT_KEYS);
	fputc('\n', f);
}

/* Print s, escaping '|' inside markdown tables. */
static void put_text(FILE *f, const char *s, int markdown)
{
	for (; *s; s++) {
		if (markdown && *s == '|')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void print_range(FILE *f, const struct cfg_key *k, int markdown)
{
	switch (k->type) {
	case CFG_INT:
	case CFG_SIZE:
		fprintf(f, "%.0f..%.0f", k->min, k->max);
		break;
	case CFG_DOUBLE:
		fprintf(f, "%g..%g", k->min, k->max);
		break;
	case CFG_ENUM:
		put_text(f, k->choices, markdown);
		break;
	default:
		fprintf(f, "-");
	}
}

void cfg_print_keys(FILE *f, int markdown)
{
	if (markdown)
		fprintf(f, "| key | type | default | range | meaning |\n|---|---|---|---|---|\n");
	for (int t = 0; cfg_registry[t]; t++)
		for (const struct cfg_key *k = cfg_registry[t]; k->key; k++) {
			if (markdown) {
				fprintf(f, "| `%s` | %s | `", k->key, type_name(k->type));
				put_text(f, k->def, 1);
				fprintf(f, "` | ");
				print_range(f, k, 1);
				fprintf(f, " | ");
				put_text(f, k->help, 1);
				fprintf(f, " |\n");
			} else {
				fprintf(f, "%-40s %-8s default %-12s range ", k->key, type_name(k->type), k->def);
				print_range(f, k, 0);
				fprintf(f, "\n    %s\n", k->help);
			}
		}
}

json_t *cfg_keys_json(void)
{
	json_t *keys = json_array();
	for (int t = 0; cfg_registry[t]; t++)
		for (const struct cfg_key *k = cfg_registry[t]; k->key; k++) {
			json_t *def = json_loads(k->def, JSON_DECODE_ANY, NULL);
			json_t *o = json_pack("{s:s, s:s, s:o, s:s}", "key", k->key, "type",
					      type_name(k->type), "default", def ? def : json_null(),
					      "help", k->help);
			if (k->type == CFG_INT || k->type == CFG_DOUBLE || k->type == CFG_SIZE) {
				json_object_set_new(o, "min", json_real(k->min));
				json_object_set_new(o, "max", json_real(k->max));
			}
			if (k->type == CFG_ENUM)
				json_object_set_new(o, "choices", json_string(k->choices));
			json_array_append_new(keys, o);
		}
	return keys;
}

uint64_t cfg_hash(const struct cfg *c)
{
	char *s = json_dumps(c->root, JSON_COMPACT | JSON_SORT_KEYS);
	uint64_t h = s ? XXH3_64bits(s, strlen(s)) : 0;
	free(s);
	return h;
}
