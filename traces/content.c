// SPDX-License-Identifier: MIT
/*
 * Page content of generated traces (see content.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "traces/content.h"
#include "traces/infile.h"
#include "traces/outfile.h"
#include "traces/trace_priv.h"


static int content_map_source(struct content_source *s, char *err, size_t errlen)
{
	struct stat st;
	int fd = infile_open(s->path, err, errlen);

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size % SIM_PAGE_SIZE) {
		close(fd);
		trace_msg(err, errlen, "%s: not a page store (size is not a positive multiple of 4096)",
			  s->path);
		return -EINVAL;
	}
	s->len = (size_t)st.st_size;
	s->base = mmap(NULL, s->len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (s->base == MAP_FAILED) {
		int e = errno;
		s->base = NULL;
		trace_msg(err, errlen, "%s: mmap: %s", s->path, strerror(e));
		return -e;
	}
	s->npages = s->len / SIM_PAGE_SIZE;
	return 0;
}

/* "path[:weight],..." -> c->src[].  A weight is the text after the last ':'
 * when it parses as a positive number. */
static int content_parse_spec(struct content *c, const char *spec, char *err, size_t errlen)
{
	const char *p = spec;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		struct content_source *s;
		const char *colon;
		char *wend;

		if (c->nsrc == CONTENT_MAX_SOURCES) {
			trace_msg(err, errlen, "--content %s: more than %d sources", spec,
				  CONTENT_MAX_SOURCES);
			return -EINVAL;
		}
		s = &c->src[c->nsrc];
		if (n == 0 || n >= sizeof(s->path)) {
			trace_msg(err, errlen, "--content %s: empty or too long source path", spec);
			return -EINVAL;
		}
		memcpy(s->path, p, n);
		s->path[n] = '\0';
		s->weight = 1.0;
		colon = strrchr(s->path, ':');
		if (colon) {
			double w = strtod(colon + 1, &wend);
			if (*wend || wend == colon + 1 || !(w > 0) || w > 1e9) {
				trace_msg(err, errlen, "--content %s: weight after ':' must be a positive"
					  " number", spec);
				return -EINVAL;
			}
			s->weight = w;
			s->path[colon - s->path] = '\0';
		}
		int ret = content_map_source(s, err, errlen);
		if (ret)
			return ret;
		c->total_weight += s->weight;
		c->nsrc++;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

int content_init(struct content *c, const struct content_params *p, uint64_t seed,
		 char *err, size_t errlen)
{
	int ret;

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < sizeof(c->fixed) / sizeof(c->fixed[0]); i++)
		c->fixed[i] = CONTENT_NONE;
	c->p = *p;
	if (p->zero < 0 || p->same < 0 || p->random < 0 || p->zero + p->same + p->random > 1.0 + 1e-9) {
		trace_msg(err, errlen, "--zero, --same and --random must be >= 0 with a sum <= 1");
		return -EINVAL;
	}
	c->rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!c->rng) {
		trace_msg(err, errlen, "out of memory");
		return -ENOMEM;
	}
	gsl_rng_set(c->rng, (unsigned long)(seed ^ 0x636f6e74656e74ull));
	ret = p->spec ? content_parse_spec(c, p->spec, err, errlen) : 0;
	if (ret)
		content_free(c);
	return ret;
}

void content_free(struct content *c)
{
	for (unsigned i = 0; i < c->nsrc; i++)
		if (c->src[i].base)
			munmap((void *)c->src[i].base, c->src[i].len);
	if (c->rng)
		gsl_rng_free(c->rng);
	free(c->pages);
	memset(c, 0, sizeof(*c));
}

/* Room for nr more pages; returns a pointer to the first, or NULL. */
static uint8_t *content_grow(struct content *c, unsigned nr)
{
	if (c->npages + nr > UINT32_MAX - 1)
		return NULL;
	if (c->npages + nr > c->cap) {
		uint64_t cap = c->cap ? c->cap * 2 : 64;
		while (cap < c->npages + nr)
			cap *= 2;
		uint8_t *p = realloc(c->pages, cap * SIM_PAGE_SIZE);
		if (!p)
			return NULL;
		c->pages = p;
		c->cap = cap;
	}
	return c->pages + c->npages * SIM_PAGE_SIZE;
}

static uint64_t content_rand64(struct content *c)
{
	uint64_t hi = gsl_rng_get(c->rng) & 0xffffffffu;
	uint64_t lo = gsl_rng_get(c->rng) & 0xffffffffu;
	return hi << 32 | lo;
}

static void content_fill_same(struct content *c, uint8_t *dst, unsigned nr)
{
	uint64_t v;

	do
		v = content_rand64(c);
	while (!v);
	for (size_t i = 0; i < (size_t)nr * SIM_PAGE_SIZE / 8; i++)
		memcpy(dst + i * 8, &v, 8);
}

static void content_fill_random(struct content *c, uint8_t *dst, unsigned nr)
{
	for (size_t i = 0; i < (size_t)nr * SIM_PAGE_SIZE; i += 4) {
		uint32_t v = (uint32_t)gsl_rng_get(c->rng);
		dst[i] = (uint8_t)v;
		dst[i + 1] = (uint8_t)(v >> 8);
		dst[i + 2] = (uint8_t)(v >> 16);
		dst[i + 3] = (uint8_t)(v >> 24);
	}
}

/* nr consecutive pages of one weighted source, from a uniform start page. */
static void content_fill_corpus(struct content *c, uint8_t *dst, unsigned nr)
{
	double x = gsl_rng_uniform(c->rng) * c->total_weight;
	unsigned s = 0;

	while (s + 1 < c->nsrc && x >= c->src[s].weight) {
		x -= c->src[s].weight;
		s++;
	}
	const struct content_source *src = &c->src[s];
	uint64_t span = src->npages >= nr ? src->npages - nr + 1 : 1;
	uint64_t start = gsl_rng_uniform_int(c->rng, span);
	for (unsigned i = 0; i < nr; i++)
		memcpy(dst + (size_t)i * SIM_PAGE_SIZE, src->base + ((start + i) % src->npages) * SIM_PAGE_SIZE, SIM_PAGE_SIZE);
}

uint32_t content_new(struct content *c, unsigned nr)
{
	uint8_t *dst;
	double u;

	if (c->p.max_pages && c->npages >= c->p.max_pages && c->npages >= nr) {
		/* The store is full: share an existing run (same draw for any kind). */
		c->n_reused++;
		return (uint32_t)gsl_rng_uniform_int(c->rng, c->npages - nr + 1);
	}
	dst = content_grow(c, nr);
	if (!dst)
		return CONTENT_NONE;
	u = gsl_rng_uniform(c->rng);
	if (u < c->p.zero) {
		static const uint8_t zero_page[SIM_PAGE_SIZE];
		c->n_zero++;
		return content_fixed(c, CONTENT_KEY_ZERO, zero_page, nr);
	}
	if (u < c->p.zero + c->p.same) {
		content_fill_same(c, dst, nr);
		c->n_same++;
	} else if (u < c->p.zero + c->p.same + c->p.random || !c->nsrc) {
		content_fill_random(c, dst, nr);
		c->n_random++;
	} else {
		content_fill_corpus(c, dst, nr);
		c->n_corpus++;
	}
	uint32_t base = (uint32_t)c->npages;
	c->npages += nr;
	return base;
}

uint32_t content_add(struct content *c, const uint8_t *pages, unsigned nr)
{
	uint8_t *dst = content_grow(c, nr);

	if (!dst)
		return CONTENT_NONE;
	memcpy(dst, pages, (size_t)nr * SIM_PAGE_SIZE);
	uint32_t base = (uint32_t)c->npages;
	c->npages += nr;
	return base;
}

uint32_t content_fixed(struct content *c, unsigned key, const uint8_t *tmpl, unsigned nr)
{
	unsigned order = 0;

	while ((1u << order) < nr && order < TRACE_MAX_ORDER)
		order++;
	if (key >= CONTENT_MAX_KEYS || (1u << order) != nr)
		return CONTENT_NONE;
	uint32_t *slot = &c->fixed[key * (TRACE_MAX_ORDER + 1) + order];
	if (*slot != CONTENT_NONE)
		return *slot;
	uint8_t *dst = content_grow(c, nr);
	if (!dst)
		return CONTENT_NONE;
	for (unsigned i = 0; i < nr; i++)
		memcpy(dst + (size_t)i * SIM_PAGE_SIZE, tmpl, SIM_PAGE_SIZE);
	*slot = (uint32_t)c->npages;
	c->npages += nr;
	return *slot;
}

int content_write(const struct content *c, const char *path, char *err, size_t errlen)
{
	struct outfile o;
	int ret = outfile_open(&o, path, err, errlen);

	if (ret)
		return ret;
	ret = trace_fwrite(o.f, c->pages, SIM_PAGE_SIZE, c->npages);
	return outfile_close(&o, ret, err, errlen);
}
