/* SPDX-License-Identifier: MIT */
/*
 * Page content of generated traces: builds the .pages store written next to a
 * generated trace.
 *
 * Content comes from one or more source page stores with weights (real corpus
 * pages), plus fractions of zero-filled, same-filled (a non-zero 64-bit word
 * repeated) and random pages.  The kind of content is drawn once per folio, so
 * a zero folio is entirely zero (as the swap layer's whole-folio zero check
 * needs); corpus folios copy consecutive source pages.  The output store holds
 * only the pages that `out` records reference, in the order they were first
 * needed; runs of fixed content (selftest patterns, zero folios) are stored once
 * per (pattern, order) and shared by every record that uses them.
 *
 * Not a hot path: the generator runs once per trace.
 */
#ifndef ZSWAPSIM_CONTENT_H
#define ZSWAPSIM_CONTENT_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "traces/trace.h"

#define CONTENT_MAX_SOURCES 16
#define CONTENT_NONE        UINT32_MAX
#define CONTENT_MAX_KEYS    64      /* fixed patterns cached by content_fixed() */
#define CONTENT_KEY_ZERO    0       /* key of the zero-filled pattern; callers use 1.. */

struct content_source {
	char path[TRACE_PATH_MAX * 4];
	const uint8_t *base;   /* mmap'd source store */
	size_t len;
	uint64_t npages;
	double weight;
};

struct content_params {
	const char *spec;      /* "path[:weight],path[:weight]..." or NULL/"" for none */
	double zero;           /* fraction of folios entirely zero-filled */
	double same;           /* fraction of folios same-filled with a non-zero word */
	double random;         /* fraction of folios of random bytes */
	uint64_t max_pages;    /* once the store holds this many pages, new content
				  reuses an existing run (0 = no limit) */
};

struct content {
	struct content_source src[CONTENT_MAX_SOURCES];
	unsigned nsrc;
	double total_weight;
	struct content_params p;
	gsl_rng *rng;          /* owned */
	uint8_t *pages;        /* the output store, npages * 4096 bytes */
	uint64_t npages, cap;
	/* fixed runs: key * (TRACE_MAX_ORDER + 1) + order -> base index or NONE */
	uint32_t fixed[CONTENT_MAX_KEYS * (TRACE_MAX_ORDER + 1)];
	/* how many runs of each kind were drawn (tests) */
	uint64_t n_zero, n_same, n_random, n_corpus, n_reused;
};

/* Parse the source spec, map the sources, seed the generator.  Without sources
 * the remaining fraction (1 - zero - same - random) is random content.
 * Returns 0 or a negative errno with one line in err. */
int content_init(struct content *c, const struct content_params *p, uint64_t seed,
		 char *err, size_t errlen);
void content_free(struct content *c);

/* A fresh run of nr consecutive pages drawn from the content mix; returns the
 * index of its first page, or CONTENT_NONE when memory runs out. */
uint32_t content_new(struct content *c, unsigned nr);

/* A run of nr copies of the 4 KiB page tmpl, stored once per (key, nr) and
 * shared afterwards.  key < CONTENT_MAX_KEYS names the pattern. */
uint32_t content_fixed(struct content *c, unsigned key, const uint8_t *tmpl, unsigned nr);

/* A run of nr pages given explicitly (nr * 4096 bytes), always appended. */
uint32_t content_add(struct content *c, const uint8_t *pages, unsigned nr);

/* Write the store (temp file + rename).  Returns 0 or negative errno. */
int content_write(const struct content *c, const char *path, char *err, size_t errlen);

#endif
