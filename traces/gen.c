// SPDX-License-Identifier: MIT
/*
 * zswapsim trace gen KIND ...: workload generators.
 *
 * Each kind drives the reclaim model (traces/reclaim.c) with a page-access
 * pattern and writes the swap events it produces as a trace, with the page
 * content of every `out` in FILE.pages next to it (traces/content.c).  Every
 * kind takes --seed and is deterministic: the same arguments give
 * byte-identical trace and page store.  See docs/workloads.md.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli.h"
#include "traces/gen.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} gen_kinds[] = {
	{ "usemem", gen_usemem, "N streams writing/reading their memory in passes (like usemem)" },
	{ "zipf", gen_zipf, "a working set with Zipf popularity, phases shifting the hot set" },
	{ "selftest", gen_selftest, "the patterns of tools/testing/selftests/cgroup/test_zswap.c" },
};

static void gen_kinds_usage(FILE *f)
{
	fprintf(f, "usage: zswapsim trace gen KIND [options] -o FILE.zswt\n\nkinds:\n");
	for (size_t i = 0; i < sizeof(gen_kinds) / sizeof(gen_kinds[0]); i++)
		fprintf(f, "  %-9s %s\n", gen_kinds[i].name, gen_kinds[i].help);
	fprintf(f, "\n'zswapsim trace gen KIND --help' lists the options of a kind.\n");
}

int trace_gen_main(int argc, char **argv)
{
	/* tolerate being called with argv[0] = "gen" */
	if (argc > 0 && !strcmp(argv[0], "gen")) {
		argc--;
		argv++;
	}
	if (argc < 1) {
		gen_kinds_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
		gen_kinds_usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(gen_kinds) / sizeof(gen_kinds[0]); i++)
		if (!strcmp(argv[0], gen_kinds[i].name))
			return gen_kinds[i].fn(argc, argv);
	cli_error("trace gen: unknown kind '%s' (want usemem, zipf or selftest)", argv[0]);
	return EXIT_USAGE;
}

int gen_exit_status(int err)
{
	return err == -EINVAL || err == -ENOENT || err == -EACCES ? EXIT_USAGE : EXIT_RUNTIME;
}

void gen_common_defaults(struct gen_common *g)
{
	memset(g, 0, sizeof(*g));
	g->seed = 1;
}

int gen_parse_size(const char *s, uint64_t *out)
{
	char *end;
	double v;
	uint64_t mul = 1;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !(v >= 0))   /* also "nan" */
		return -EINVAL;
	if (*end) {
		switch (*end) {
		case 'k': case 'K': mul = 1ull << 10; break;
		case 'm': case 'M': mul = 1ull << 20; break;
		case 'g': case 'G': mul = 1ull << 30; break;
		case 't': case 'T': mul = 1ull << 40; break;
		default: return -EINVAL;
		}
		end++;
		if (!strcmp(end, "iB") || !strcmp(end, "B"))
			end += strlen(end);
		if (*end)
			return -EINVAL;
	}
	v *= (double)mul;
	if (v > 1.8e19)
		return -EINVAL;
	*out = (uint64_t)v;
	return 0;
}

int gen_parse_orders(const char *s, unsigned *orders, double *prob, unsigned max)
{
	unsigned n = 0;
	double total = 0;

	while (s && *s) {
		char *end;
		long o = strtol(s, &end, 10);
		if (end == s || *end != ':' || o < 0 || o > TRACE_MAX_ORDER || n == max)
			return -1;
		s = end + 1;
		double p = strtod(s, &end);
		if (end == s || !(p >= 0) || p > 1e9)
			return -1;
		orders[n] = (unsigned)o;
		prob[n++] = p;
		total += p;
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	if (!n || !(total > 0))
		return -1;
	for (unsigned i = 0; i < n; i++)
		prob[i] /= total;
	return (int)n;
}

static int gen_set_opt(const struct gen_opt *o, const char *v, char *err, size_t errlen)
{
	char *end;

	switch (o->type) {
	case GO_U64: {
		errno = 0;
		unsigned long long x = strtoull(v, &end, 0);
		if (errno || end == v || *end || v[0] == '-') {
			snprintf(err, errlen, "%s: '%s' is not a non-negative integer", o->name, v);
			return -1;
		}
		*(uint64_t *)o->ptr = x;
		return 0;
	}
	case GO_SIZE:
		if (gen_parse_size(v, o->ptr)) {
			snprintf(err, errlen, "%s: '%s' is not a size (bytes, or with K/M/G/T)", o->name, v);
			return -1;
		}
		return 0;
	case GO_DOUBLE: {
		errno = 0;
		double x = strtod(v, &end);
		if (errno || end == v || *end || x != x) {
			snprintf(err, errlen, "%s: '%s' is not a number", o->name, v);
			return -1;
		}
		*(double *)o->ptr = x;
		return 0;
	}
	case GO_STR:
		*(const char **)o->ptr = v;
		return 0;
	case GO_FLAG:
		*(int *)o->ptr = 1;
		return 0;
	}
	return -1;
}

int gen_parse(int argc, char **argv, const struct gen_opt *opts, const char **pos, int maxpos,
	      char *err, size_t errlen)
{
	int npos = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct gen_opt *o = NULL;

		if (a[0] != '-' || !a[1]) {
			if (npos == maxpos) {
				snprintf(err, errlen, "unexpected argument '%s'", a);
				return -1;
			}
			pos[npos++] = a;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			snprintf(err, errlen, "help");
			return -2;
		}
		const char *eq = strchr(a, '=');
		size_t n = eq ? (size_t)(eq - a) : strlen(a);
		for (const struct gen_opt *p = opts; p->name; p++)
			if (strlen(p->name) == n && !strncmp(p->name, a, n))
				o = p;
		if (!o) {
			snprintf(err, errlen, "unknown option '%.*s'", (int)n, a);
			return -1;
		}
		if (o->type == GO_FLAG) {
			if (eq) {
				snprintf(err, errlen, "%s takes no value", o->name);
				return -1;
			}
			*(int *)o->ptr = 1;
			continue;
		}
		const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!v) {
			snprintf(err, errlen, "%s needs a value", o->name);
			return -1;
		}
		if (gen_set_opt(o, v, err, errlen))
			return -1;
	}
	return npos;
}

void gen_usage(const char *kind, const char *args, const struct gen_opt *opts)
{
	printf("usage: zswapsim trace gen %s %s[options] -o FILE.zswt\n\noptions:\n", kind, args);
	for (const struct gen_opt *o = opts; o->name; o++)
		printf("  %-14s %s\n", o->name, o->help);
}

int gen_parse_kind(const char *kind, int argc, char **argv, const struct gen_opt *opts,
		   const char *const *orders_spec, unsigned *orders, double *prob, int *status)
{
	char err[512];
	int n;

	n = gen_parse(argc, argv, opts, NULL, 0, err, sizeof(err));
	if (n == -2) {
		gen_usage(kind, "", opts);
		*status = EXIT_OK;
		return -1;
	}
	if (n < 0) {
		cli_error("trace gen %s: %s", kind, err);
		*status = EXIT_USAGE;
		return -1;
	}
	n = gen_parse_orders(*orders_spec, orders, prob, TRACE_MAX_ORDER + 1);
	if (n < 0) {
		cli_error("trace gen %s: --orders '%s': want ORDER:WEIGHT,... with orders 0..%d",
			  kind, *orders_spec, TRACE_MAX_ORDER);
		*status = EXIT_USAGE;
		return -1;
	}
	return n;
}

int gen_setup(const struct gen_common *g, struct content *ct, struct reclaim *rm,
	      unsigned nstreams, uint64_t mapped_pages, uint64_t ram_pages,
	      char *err, size_t errlen)
{
	struct content_params cp = {
		.spec = g->content, .zero = g->zero, .same = g->same, .random = g->random,
		.max_pages = g->max_pages,
	};
	uint64_t slots = g->swap ? g->swap / SIM_PAGE_SIZE : 2 * mapped_pages + 1024;
	struct rm_params p = {
		.nslots = 0, .nstreams = nstreams, .ram_pages = ram_pages,
		.readahead = (unsigned)g->readahead, .dirty = g->dirty, .seed = g->seed,
	};
	int ret;

	if (!g->out) {
		snprintf(err, errlen, "missing -o FILE.zswt");
		return -EINVAL;
	}
	if (trace_path_form(g->out) < 0) {
		snprintf(err, errlen, "%s: output must end in .zswt or .txt", g->out);
		return -EINVAL;
	}
	if (g->readahead > 512 || (g->readahead & (g->readahead - 1))) {
		snprintf(err, errlen, "--readahead %llu: want a power of two <= 512",
			 (unsigned long long)g->readahead);
		return -EINVAL;
	}
	if (slots < 1 || slots > UINT32_MAX / 2) {
		snprintf(err, errlen, "--swap: %llu slots out of range",
			 (unsigned long long)slots);
		return -EINVAL;
	}
	p.nslots = (uint32_t)((slots + 511) & ~511ull);
	ret = content_init(ct, &cp, g->seed, err, errlen);
	if (ret)
		return ret;
	ret = rm_init(rm, &p, ct, err, errlen);
	if (ret)
		content_free(ct);
	return ret;
}

void gen_add_memcgs(struct reclaim *rm, const char *prefix, unsigned nm, unsigned ns,
		    uint32_t npages, uint64_t max)
{
	for (unsigned m = 0; m < nm; m++) {
		char name[TRACE_NAME_MAX];
		unsigned members = ns / nm + (m < ns % nm);
		uint64_t limit = max == UINT64_MAX ? (uint64_t)members * npages / 2
						   : max / SIM_PAGE_SIZE;
		snprintf(name, sizeof(name), "%s%u", prefix, m);
		rm_add_memcg(rm, name, -1, limit);
	}
}

/* FILE.zswt / FILE.txt -> FILE.pages */
static int gen_pages_path(const char *out, char *buf, size_t len)
{
	const char *dot = strrchr(out, '.');
	size_t n = dot ? (size_t)(dot - out) : strlen(out);

	return snprintf(buf, len, "%.*s.pages", (int)n, out) >= (int)len ? -ENAMETOOLONG : 0;
}

int gen_write(const struct gen_common *g, struct reclaim *rm, struct content *ct,
	      char *err, size_t errlen)
{
	static struct trace_meta meta;   /* 70 KiB: not on the stack */
	char pages[PATH_MAX];
	uint64_t n[TRACE_OP_COUNT] = { 0 };
	int ret;

	ret = rm_finish(rm, &meta, err, errlen);
	if (ret)
		return ret;
	if (ct->npages) {
		const char *base;
		if (gen_pages_path(g->out, pages, sizeof(pages))) {
			snprintf(err, errlen, "%s: path too long", g->out);
			return -ENAMETOOLONG;
		}
		base = strrchr(pages, '/') ? strrchr(pages, '/') + 1 : pages;
		if (strlen(base) >= TRACE_PATH_MAX) {
			snprintf(err, errlen, "%s: page-store name too long", pages);
			return -ENAMETOOLONG;
		}
		ret = content_write(ct, pages, err, errlen);
		if (!ret)
			ret = trace_file_checksum(pages, &meta.page_store_checksum, err, errlen);
		if (ret)
			return ret;
		memcpy(meta.page_store, base, strlen(base) + 1);   /* length checked above */
		meta.page_store_pages = ct->npages;
	}
	ret = trace_write(g->out, &meta, rm->ev, rm->nev, err, errlen);
	if (ret)
		return ret;
	for (uint64_t i = 0; i < rm->nev; i++)
		n[rm->ev[i].op]++;
	if (!g->quiet)
		printf("wrote %s: %llu records (%llu out, %llu in, %llu inval), %u streams,"
		       " %u memcgs, %llu pages in %s\n", g->out, (unsigned long long)rm->nev,
		       (unsigned long long)n[TRACE_OP_OUT], (unsigned long long)n[TRACE_OP_IN],
		       (unsigned long long)n[TRACE_OP_INVAL], meta.stream_count, meta.memcg_count,
		       (unsigned long long)ct->npages, ct->npages ? meta.page_store : "(none)");
	return 0;
}
