// SPDX-License-Identifier: MIT
/*
 * calibrate_codecs: measure this machine's software codec costs for the
 * timing model (hw.codec.<name>.{compress,decompress}_ns[_per_byte]).
 *
 *   calibrate_codecs CORPUS_DIR OUT_JSON [PASSES [STRIDE]]
 *
 * Every STRIDE-th page of each CORPUS_DIR/<name>.pages is compressed and
 * decompressed PASSES times with every codec through models/compressor.c
 * (the simulator's own code path), one page per timed call, like zswap.  A
 * page's cost is the median of its passes; the per-codec line
 *     ns = fixed + ns_per_byte * compressed_length
 * is then fitted over the pages by least squares (gsl_fit_linear).  A
 * negative coefficient (not a valid cost) is refitted with that term held at
 * zero.  Decompression is timed on the pages zswap would store compressed
 * (length < 4096).  The JSON fragment goes to OUT_JSON; a Markdown summary
 * goes to stdout.
 */
#include "models/compressor.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_fit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#define PAGE 4096u
#define MAX_CORPORA 32

struct corpus {
	char name[64];
	uint8_t *pages;
	size_t npages;
};

struct fit {
	double fixed, per_byte, r2, median;
	size_t n;
};

static struct corpus corpora[MAX_CORPORA];
static int ncorpora;
static int have_avx;

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* compressors.md, surprise 5: ISA-L returns with dirty upper AVX state, which
 * slows SSE code that runs next.  Clear it after every library call. */
static inline void clear_upper_avx(void)
{
#if defined(__x86_64__)
	if (have_avx)
		__asm__ volatile("vzeroupper" ::: "memory");
#endif
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct corpus *)a)->name, ((const struct corpus *)b)->name);
}

static int load_corpora(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		fprintf(stderr, "calibrate_codecs: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) && ncorpora < MAX_CORPORA) {
		size_t l = strlen(e->d_name);
		char path[4096];
		struct corpus *c = &corpora[ncorpora];
		FILE *f;
		long sz;

		if (l < 7 || strcmp(e->d_name + l - 6, ".pages") || l - 6 >= sizeof(c->name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		if (!f || fseek(f, 0, SEEK_END) || (sz = ftell(f)) <= 0 || sz % PAGE) {
			fprintf(stderr, "calibrate_codecs: %s: not a page file\n", path);
			if (f)
				fclose(f);
			closedir(d);
			return -1;
		}
		rewind(f);
		c->pages = malloc((size_t)sz);
		if (!c->pages || fread(c->pages, 1, (size_t)sz, f) != (size_t)sz) {
			fprintf(stderr, "calibrate_codecs: %s: read failed\n", path);
			fclose(f);
			closedir(d);
			return -1;
		}
		fclose(f);
		memcpy(c->name, e->d_name, l - 6);
		c->name[l - 6] = 0;
		c->npages = (size_t)sz / PAGE;
		ncorpora++;
	}
	closedir(d);
	if (!ncorpora) {
		fprintf(stderr, "calibrate_codecs: no *.pages in %s\n", dir);
		return -1;
	}
	qsort(corpora, (size_t)ncorpora, sizeof(corpora[0]), cmp_name);
	return 0;
}

/* The cost of reading the clock twice, subtracted from every sample. */
static double timer_overhead(void)
{
	double s[2001];

	for (int i = 0; i < 2001; i++) {
		uint64_t t0 = now_ns();
		uint64_t t1 = now_ns();

		s[i] = (double)(t1 - t0);
	}
	gsl_sort(s, 1, 2001);
	return gsl_stats_median_from_sorted_data(s, 1, 2001);
}

/* Least squares ns = fixed + per_byte * len with both terms >= 0. */
static struct fit fit_cost(const double *len, const double *ns, size_t n)
{
	struct fit f = { .n = n };
	double c0, c1, cov00, cov01, cov11, sumsq, *tmp;
	double mean = gsl_stats_mean(ns, 1, n), tss = 0;

	if (n < 2)
		return f;
	gsl_fit_linear(len, 1, ns, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
	if (c1 < 0) {
		c1 = 0;
		c0 = mean;
	} else if (c0 < 0) {
		c0 = 0;
		gsl_fit_mul(len, 1, ns, 1, n, &c1, &cov11, &sumsq);
	}
	sumsq = 0;
	for (size_t i = 0; i < n; i++) {
		double r = ns[i] - (c0 + c1 * len[i]);

		sumsq += r * r;
		tss += (ns[i] - mean) * (ns[i] - mean);
	}
	f.fixed = c0;
	f.per_byte = c1;
	f.r2 = tss > 0 ? 1 - sumsq / tss : 0;
	tmp = malloc(n * sizeof(*tmp));
	memcpy(tmp, ns, n * sizeof(*tmp));
	gsl_sort(tmp, 1, n);
	f.median = gsl_stats_median_from_sorted_data(tmp, 1, n);
	free(tmp);
	return f;
}

static double median_of(double *v, size_t n)
{
	gsl_sort(v, 1, n);
	return gsl_stats_median_from_sorted_data(v, 1, n);
}

struct sample {
	const uint8_t *page;
	int corpus;
	int len;
	size_t off;       /* compressed bytes in the arena */
};

static int calibrate_codec(int codec, struct sample *s, size_t n, int passes, double overhead,
			   struct fit *fc, struct fit *fd, double corpus_med[][2])
{
	struct compressor c;
	char err[256];
	static uint8_t dst[2 * PAGE + 1024], out[PAGE];
	uint8_t *arena = malloc(n * (2 * PAGE + 1024));
	double *tc = malloc(n * passes * sizeof(double)), *td = malloc(n * passes * sizeof(double));
	double *xc = malloc(n * sizeof(double)), *yc = malloc(n * sizeof(double));
	double *xd = malloc(n * sizeof(double)), *yd = malloc(n * sizeof(double));
	double *tmp = malloc(n * sizeof(double));
	size_t nd = 0, arena_used = 0;

	if (!arena || !tc || !td || !xc || !yc || !xd || !yd || !tmp ||
	    compressor_init(&c, codec, 3, NULL, err, sizeof(err))) {
		fprintf(stderr, "calibrate_codecs: %s: init failed\n", codec_name(codec));
		return -1;
	}
	/* keep every page's compressed form for the decompression passes */
	for (size_t i = 0; i < n; i++) {
		int len = compressor_compress_buf(&c, s[i].page, PAGE, arena + arena_used,
						  2 * PAGE + 1024);

		if (len <= 0) {
			fprintf(stderr, "calibrate_codecs: %s: compress failed (%d)\n",
				codec_name(codec), len);
			return -1;
		}
		s[i].len = len;
		s[i].off = arena_used;
		arena_used += (size_t)len;
		if (len < (int)PAGE) {
			int m = compressor_decompress_buf(&c, arena + s[i].off, (size_t)len, out, PAGE);

			if (m != (int)PAGE || memcmp(out, s[i].page, PAGE)) {
				fprintf(stderr, "calibrate_codecs: %s: round trip failed\n",
					codec_name(codec));
				return -1;
			}
		}
	}
	for (int p = 0; p < passes; p++) {
		for (size_t i = 0; i < n; i++) {
			uint64_t t0 = now_ns();

			compressor_compress_buf(&c, s[i].page, PAGE, dst, sizeof(dst));
			clear_upper_avx();
			tc[i * passes + p] = (double)(now_ns() - t0) - overhead;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t t0;

			if (s[i].len >= (int)PAGE)
				continue;
			t0 = now_ns();
			compressor_decompress_buf(&c, arena + s[i].off, (size_t)s[i].len, out, PAGE);
			clear_upper_avx();
			td[i * passes + p] = (double)(now_ns() - t0) - overhead;
		}
	}
	for (size_t i = 0; i < n; i++) {
		xc[i] = s[i].len;
		yc[i] = median_of(&tc[i * passes], (size_t)passes);
		if (s[i].len < (int)PAGE) {
			xd[nd] = s[i].len;
			yd[nd++] = median_of(&td[i * passes], (size_t)passes);
		}
	}
	*fc = fit_cost(xc, yc, n);
	*fd = fit_cost(xd, yd, nd);
	for (int k = 0; k < ncorpora; k++) {
		size_t m = 0, md = 0;

		for (size_t i = 0; i < n; i++)
			if (s[i].corpus == k)
				tmp[m++] = yc[i];
		corpus_med[k][0] = m ? median_of(tmp, m) : 0;
		for (size_t i = 0, j = 0; i < n; i++) {
			if (s[i].len >= (int)PAGE)
				continue;
			if (s[i].corpus == k)
				tmp[md++] = yd[j];
			j++;
		}
		corpus_med[k][1] = md ? median_of(tmp, md) : 0;
	}
	compressor_free(&c);
	free(arena);
	free(tc);
	free(td);
	free(xc);
	free(yc);
	free(xd);
	free(yd);
	free(tmp);
	return 0;
}

int main(int argc, char **argv)
{
	int passes = argc > 3 ? atoi(argv[3]) : 5;
	int stride = argc > 4 ? atoi(argv[4]) : 1;
	struct fit fc[CODEC_COUNT], fd[CODEC_COUNT];
	double cmed[CODEC_COUNT][MAX_CORPORA][2];
	struct sample *s;
	size_t n = 0, cap = 0;
	double overhead;
	FILE *out;

	if (argc < 3 || passes < 1 || passes > 99 || stride < 1) {
		fprintf(stderr, "usage: calibrate_codecs CORPUS_DIR OUT_JSON [PASSES [STRIDE]]\n");
		return 2;
	}
	if (load_corpora(argv[1]))
		return 2;
	__builtin_cpu_init();
	have_avx = __builtin_cpu_supports("avx");
	for (int k = 0; k < ncorpora; k++)
		cap += corpora[k].npages / (size_t)stride + 1;
	s = calloc(cap, sizeof(*s));
	for (int k = 0; k < ncorpora; k++)
		for (size_t i = 0; i < corpora[k].npages; i += (size_t)stride) {
			s[n].page = corpora[k].pages + i * PAGE;
			s[n].corpus = k;
			n++;
		}
	overhead = timer_overhead();
	for (int codec = 0; codec < CODEC_COUNT; codec++) {
		fprintf(stderr, "calibrate_codecs: %s, %zu pages x %d passes\n", codec_name(codec),
			n, passes);
		if (calibrate_codec(codec, s, n, passes, overhead, &fc[codec], &fd[codec],
				    cmed[codec]))
			return 1;
	}

	out = fopen(argv[2], "w");
	if (!out) {
		fprintf(stderr, "calibrate_codecs: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	fprintf(out, "{\"hw\": {\"codec\": {\n");
	for (int codec = 0; codec < CODEC_COUNT; codec++)
		fprintf(out, "  \"%s\": {\"compress_ns\": %.1f, \"compress_ns_per_byte\": %.4f, "
			"\"decompress_ns\": %.1f, \"decompress_ns_per_byte\": %.4f}%s\n",
			codec_name(codec), fc[codec].fixed, fc[codec].per_byte, fd[codec].fixed,
			fd[codec].per_byte, codec + 1 < CODEC_COUNT ? "," : "");
	fprintf(out, "}}}\n");
	fclose(out);

	printf("%zu pages (stride %d) of %d corpora, %d passes, timer overhead %.0f ns "
	       "subtracted\n\n", n, stride, ncorpora, passes, overhead);
	printf("| codec | compress median ns/page | fixed ns | ns/byte | R² | decompress median "
	       "ns/page | fixed ns | ns/byte | R² | pages decompressed |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|\n");
	for (int codec = 0; codec < CODEC_COUNT; codec++)
		printf("| %s | %.0f | %.1f | %.4f | %.2f | %.0f | %.1f | %.4f | %.2f | %zu |\n",
		       codec_name(codec), fc[codec].median, fc[codec].fixed, fc[codec].per_byte,
		       fc[codec].r2, fd[codec].median, fd[codec].fixed, fd[codec].per_byte,
		       fd[codec].r2, fd[codec].n);
	printf("\nMedian ns/page per corpus, compress / decompress:\n\n| codec |");
	for (int k = 0; k < ncorpora; k++)
		printf(" %s |", corpora[k].name);
	printf("\n|---|");
	for (int k = 0; k < ncorpora; k++)
		printf("---|");
	printf("\n");
	for (int codec = 0; codec < CODEC_COUNT; codec++) {
		printf("| %s |", codec_name(codec));
		for (int k = 0; k < ncorpora; k++)
			printf(" %.0f / %.0f |", cmed[codec][k][0], cmed[codec][k][1]);
		printf("\n");
	}
	for (int k = 0; k < ncorpora; k++)
		free(corpora[k].pages);
	free(s);
	return 0;
}
