// SPDX-License-Identifier: MIT
/*
 * Workload generators (traces/gen.h): the kinds, option values, and the
 * setup and output shared by every kind.
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

#include "traces/gen.h"

const struct gen_kind *const gen_kinds[] = {
	&gen_kind_usemem,
	&gen_kind_zipf,
	&gen_kind_selftest,
	NULL,
};

const struct gen_kind *gen_find_kind(const char *name)
{
	for (unsigned i = 0; gen_kinds[i]; i++)
		if (!strcmp(gen_kinds[i]->name, name))
			return gen_kinds[i];
	return NULL;
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

int gen_opt_set(const struct gen_opt *o, void *args, const char *v, char *err, size_t errlen)
{
	void *ptr = (char *)args + o->offset;
	char *end;

	switch (o->type) {
	case GO_U64: {
		errno = 0;
		unsigned long long x = strtoull(v, &end, 0);
		if (errno || end == v || *end || v[0] == '-') {
			snprintf(err, errlen, "%s: '%s' is not a non-negative integer", o->name, v);
			return -EINVAL;
		}
		*(uint64_t *)ptr = x;
		return 0;
	}
	case GO_SIZE:
		if (gen_parse_size(v, ptr)) {
			snprintf(err, errlen, "%s: '%s' is not a size (bytes, or with K/M/G/T)", o->name, v);
			return -EINVAL;
		}
		return 0;
	case GO_DOUBLE: {
		errno = 0;
		double x = strtod(v, &end);
		if (errno || end == v || *end || x != x) {
			snprintf(err, errlen, "%s: '%s' is not a number", o->name, v);
			return -EINVAL;
		}
		*(double *)ptr = x;
		return 0;
	}
	case GO_STR:
		*(const char **)ptr = v;
		return 0;
	case GO_FLAG:
		*(int *)ptr = 1;
		return 0;
	}
	return -EINVAL;
}

int gen_orders(const char *spec, unsigned *orders, double *prob, char *err, size_t errlen)
{
	int n = gen_parse_orders(spec, orders, prob, TRACE_MAX_ORDER + 1);

	if (n < 0) {
		snprintf(err, errlen, "--orders '%s': want ORDER:WEIGHT,... with orders 0..%d",
			 spec, TRACE_MAX_ORDER);
		return -EINVAL;
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
	      struct gen_summary *sum, char *err, size_t errlen)
{
	static struct trace_meta meta;   /* 70 KiB: not on the stack */
	char pages[PATH_MAX];
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
	memset(sum, 0, sizeof(*sum));
	sum->out = g->out;
	sum->records = rm->nev;
	for (uint64_t i = 0; i < rm->nev; i++)
		sum->ops[rm->ev[i].op]++;
	sum->streams = meta.stream_count;
	sum->memcgs = meta.memcg_count;
	sum->pages = ct->npages;
	memcpy(sum->page_store, meta.page_store, sizeof(sum->page_store));
	return 0;
}
