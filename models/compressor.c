// SPDX-License-Identifier: MIT
/*
 * Real compressor and page store.
 *
 * A page store is an mmap'd file of raw 4 KiB pages.  Loading it hashes every
 * page once (XXH3-128), finds equal pages with an open-addressing table and
 * records the first equal page as the canonical one, and flags zero and
 * same-filled pages.  The compressor then compresses the real bytes of a page
 * with the kernel's codec the first time that content is asked for and keeps
 * the (length, result) pair in a per-page cache, so the per-event path is one
 * array load.
 *
 * Codec settings follow the kernel's crypto/ drivers (see docs/compressor.md):
 *   lzo          lzo1x_1_compress / lzo1x_decompress_safe
 *   lz4          LZ4_compress_default / LZ4_decompress_safe
 *   zstd         ZSTD_compressCCtx(level, source size 4096) / ZSTD_decompressDCtx
 *   deflate      raw deflate, level 6 (Z_DEFAULT_COMPRESSION), windowBits 11,
 *                memLevel 9 (MAX_MEM_LEVEL), reset per page: crypto/deflate.c
 *   deflate-iaa  software stand-in for IAA fixed mode: ISA-L level 0, deflate's
 *                fixed Huffman codes, 4 KiB history
 */
#include "models/compressor.h"
#include "models/thread.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <isa-l/igzip_lib.h>
#include <lz4.h>
#include <lzo/lzo1x.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif


/*
 * Every page is first compressed into a buffer large enough for any codec's
 * worst case on 4 KiB (lzo: 4096 + 4096/16 + 64 + 3 = 4419), so the true
 * length is always known; the kernel's PAGE_SIZE limit is applied afterwards.
 */
#define SCRATCH_CAP (2 * SIM_PAGE_SIZE + 1024)

/* crypto/deflate.c: DEFLATE_DEF_LEVEL, DEFLATE_DEF_WINBITS, DEFLATE_DEF_MEMLEVEL */
#define KDEFLATE_LEVEL    Z_DEFAULT_COMPRESSION   /* = 6 */
#define KDEFLATE_WINBITS  11
#define KDEFLATE_MEMLEVEL 9                       /* MAX_MEM_LEVEL */

/* IAA fixed mode analogue: 4 KiB history (hist_bits 12), ISA-L level 0. */
#define IAA_HIST_BITS 12

/* Cache word layout (compressor.h): len + 1 in bits 0..12, result in 13..14. */
#define CACHE_LEN_MASK   0x1fffu
#define CACHE_RES_SHIFT  13

static const char *const codec_names_tab[CODEC_COUNT] = {
	[CODEC_LZO] = "lzo",
	[CODEC_LZ4] = "lz4",
	[CODEC_ZSTD] = "zstd",
	[CODEC_DEFLATE] = "deflate",
	[CODEC_DEFLATE_IAA] = "deflate-iaa",
};

struct codec_work {
	uint8_t scratch[SCRATCH_CAP];
	void *lzo_wrkmem;
	ZSTD_CCtx *zcctx;
	ZSTD_DCtx *zdctx;
	z_stream zdef;
	z_stream zinf;
	int zdef_live, zinf_live;
	struct isal_zstream isal;
	struct inflate_state isal_inf;
};

int codec_by_name(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < CODEC_COUNT; i++)
		if (!strcmp(name, codec_names_tab[i]))
			return i;
	return -1;
}

const char *codec_name(int codec)
{
	if (codec < 0 || codec >= CODEC_COUNT)
		return "?";
	return codec_names_tab[codec];
}

const char *codec_names(void)
{
	return "lzo, lz4, zstd, deflate, deflate-iaa";
}

/* ------------------------------------------------------------------------ */
/* Page store                                                               */
/* ------------------------------------------------------------------------ */

int page_same_filled(const uint8_t *page, uint64_t *value)
{
	uint64_t first, w;

	memcpy(&first, page, sizeof(first));
	for (size_t off = sizeof(first); off < SIM_PAGE_SIZE; off += sizeof(w)) {
		memcpy(&w, page + off, sizeof(w));
		if (w != first)
			return 0;
	}
	if (value)
		*value = first;
	return 1;
}

static uint64_t next_pow2(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

/* The file's checksum (XXH3-64 of its bytes), on a thread of its own. */
struct page_store_sum {
	const void *base;
	size_t len;
	uint64_t sum;
};

static void *page_store_sum_main(void *arg)
{
	struct page_store_sum *a = arg;

	a->sum = XXH3_64bits(a->base, a->len);
	return NULL;
}

/*
 * Find equal pages.  Hash every page once with XXH3-128, insert into an
 * open-addressing table keyed by the hash, and confirm a hash hit with
 * memcmp so a collision can never merge two different pages.  The file's
 * checksum (XXH3-64 of the whole file) is worked out meanwhile on a second
 * thread, or after the pages when no thread can be started.  On make bench's
 * distinct trace (a 256 MiB page store of distinct pages) the whole run took
 * 0.127 s median before (one thread, the checksum streamed a page at a time
 * beside the page's hash) and 0.091 s after (10 runs each, alternated); the
 * store mapped with MAP_POPULATE (page_store_open()) took it to 0.088 s.
 */
static int page_store_dedup(struct page_store *ps, char *err, size_t errlen)
{
	uint64_t n = ps->npages;
	uint64_t cap = next_pow2(n * 2 < 16 ? 16 : n * 2);
	uint64_t mask = cap - 1;
	XXH128_hash_t *hash = malloc(n * sizeof(*hash));
	uint32_t *table = malloc(cap * sizeof(*table));
	struct page_store_sum sum = { .base = ps->base, .len = ps->map_len };
	pthread_t thread;
	int threaded;

	if (!hash || !table) {
		free(hash);
		free(table);
		snprintf(err, errlen, "%s: out of memory building the dedup table", ps->path);
		return -ENOMEM;
	}
	threaded = !thread_start(&thread, page_store_sum_main, &sum);
	memset(table, 0xff, cap * sizeof(*table));
	ps->ndistinct = 0;

	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *pg = page_store_page(ps, i);
		uint64_t slot;

		hash[i] = XXH3_128bits(pg, SIM_PAGE_SIZE);
		slot = hash[i].low64 & mask;
		for (;;) {
			uint32_t j = table[slot];

			if (j == UINT32_MAX) {
				table[slot] = (uint32_t)i;
				ps->canon[i] = (uint32_t)i;
				ps->ndistinct++;
				break;
			}
			if (XXH128_isEqual(hash[j], hash[i]) &&
			    !memcmp(page_store_page(ps, j), pg, SIM_PAGE_SIZE)) {
				ps->canon[i] = j;
				break;
			}
			slot = (slot + 1) & mask;
		}
	}
	if (threaded)
		pthread_join(thread, NULL);
	else
		page_store_sum_main(&sum);
	ps->checksum = sum.sum;
	free(hash);
	free(table);
	return 0;
}

static void page_store_flag(struct page_store *ps)
{
	for (uint64_t i = 0; i < ps->npages; i++) {
		uint64_t v;
		uint8_t f = 0;

		if (ps->canon[i] != i) {
			ps->flags[i] = ps->flags[ps->canon[i]];
			continue;
		}
		if (page_same_filled(page_store_page(ps, i), &v))
			f = PS_F_SAME | (v == 0 ? PS_F_ZERO : 0);
		ps->flags[i] = f;
	}
}

int page_store_open(struct page_store *ps, const char *path, char *err, size_t errlen)
{
	struct stat st;
	void *map;
	int fd, ret;

	memset(ps, 0, sizeof(*ps));
	if (!path || strlen(path) >= sizeof(ps->path)) {
		snprintf(err, errlen, "page store path missing or too long");
		return -EINVAL;
	}
	strcpy(ps->path, path);

	/* O_NONBLOCK: a FIFO is refused below instead of waiting for a writer
	 * (models/ cannot use traces/infile.h; mmap ignores the flag) */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", path,
			 S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	if (st.st_size <= 0 || st.st_size % SIM_PAGE_SIZE) {
		snprintf(err, errlen, "%s: size %lld is not a positive multiple of %u bytes",
			 path, (long long)st.st_size, SIM_PAGE_SIZE);
		close(fd);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size / SIM_PAGE_SIZE >= UINT32_MAX) {
		snprintf(err, errlen, "%s: more than %u pages", path, UINT32_MAX - 1);
		close(fd);
		return -EFBIG;
	}
	/* populated: the dedup reads every page anyway, and mapping them all
	 * at once costs less than a fault per 16 pages */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	ret = -errno;
	close(fd);
	if (map == MAP_FAILED) {
		snprintf(err, errlen, "%s: mmap: %s", path, strerror(-ret));
		return ret;
	}
	return page_store_adopt(ps, map, (size_t)st.st_size, path, err, errlen);
}

int page_store_adopt(struct page_store *ps, const void *base, size_t len, const char *name,
		     char *err, size_t errlen)
{
	int ret;

	if (ps->path != name)
		snprintf(ps->path, sizeof(ps->path), "%s", name);
	ps->base = base;
	ps->map_len = len;
	ps->npages = len / SIM_PAGE_SIZE;

	ps->canon = malloc(ps->npages * sizeof(*ps->canon));
	ps->flags = malloc(ps->npages);
	if (!ps->canon || !ps->flags) {
		snprintf(err, errlen, "%s: out of memory for %llu pages", name,
			 (unsigned long long)ps->npages);
		page_store_close(ps);
		return -ENOMEM;
	}
	ret = page_store_dedup(ps, err, errlen);
	if (ret) {
		page_store_close(ps);
		return ret;
	}
	page_store_flag(ps);
	return 0;
}

void page_store_close(struct page_store *ps)
{
	if (!ps)
		return;
	if (ps->base)
		munmap((void *)ps->base, ps->map_len);
	free(ps->canon);
	free(ps->flags);
	ps->base = NULL;
	ps->canon = NULL;
	ps->flags = NULL;
	ps->npages = 0;
	ps->ndistinct = 0;
	ps->map_len = 0;
}

/* ------------------------------------------------------------------------ */
/* Codec timer                                                              */
/* ------------------------------------------------------------------------ */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * The clock of the codec timer.  clock_gettime() costs 70-120 ns on this
 * project's VM (measured: a loop of 10^6 calls), two per compression: on a
 * trace of distinct pages that was as much as the model's own work per page,
 * half of it counted as model time, half as codec time.  The time-stamp
 * counter (invariant on the CPUs this runs on) costs a few ns: 9 ns a read
 * on the AMD EPYC VM of 2026-12-03 (codec_clock_cost(), runtime.timer_seconds
 * over 131,072 reads).  Not fenced: lfence on both sides made a read cost
 * 22 ns there, and the model's time per run did not go down (make bench's
 * distinct trace, 5 runs each, old and new binaries interleaved).
 */
#if defined(__x86_64__) || defined(__i386__)
static inline uint64_t codec_clock(void)
{
	return __rdtsc();
}
#else
static inline uint64_t codec_clock(void)
{
	return mono_ns();
}
#endif

/*
 * What one read of the codec clock costs, in ticks: the least, over 64
 * tries, of a run of back-to-back reads divided by its intervals (the least
 * leaves out the tries an interrupt or a migration lengthened).  Each timed
 * compression holds about one read's cost between its two samples, and pays
 * for two.
 */
#define CLOCK_COST_TRIES 64
#define CLOCK_COST_READS 16

static uint64_t codec_clock_cost(void)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < CLOCK_COST_TRIES; i++) {
		uint64_t t0 = codec_clock();

		for (int j = 0; j < CLOCK_COST_READS; j++)
			(void)codec_clock();
		uint64_t d = (codec_clock() - t0) / (CLOCK_COST_READS + 1);
		if (d < best)
			best = d;
	}
	return best;
}

/* Codec-clock ticks to seconds, at the rate the clock ran against
 * CLOCK_MONOTONIC since compressor_init(). */
static double ticks_to_seconds(const struct compressor *c, uint64_t n)
{
	uint64_t ticks = codec_clock() - c->clock0_ticks, ns = mono_ns() - c->clock0_ns;

	if (!n || !ticks)
		return 0;
	return (double)n * ((double)ns / (double)ticks) * 1e-9;
}

/* codec calls the owner made itself (the others' lengths came from ahead) */
static uint64_t own_calls(const struct compressor *c)
{
	return c->compressions - c->adopted;
}

double compressor_codec_seconds(const struct compressor *c)
{
	uint64_t in_timer = own_calls(c) * c->clock_cost_ticks;

	return ticks_to_seconds(c, c->compress_ticks > in_timer ? c->compress_ticks - in_timer : 0);
}

double compressor_timer_seconds(const struct compressor *c)
{
	return ticks_to_seconds(c, 2 * own_calls(c) * c->clock_cost_ticks);
}

/* ------------------------------------------------------------------------ */
/* Codec state                                                              */
/* ------------------------------------------------------------------------ */

static int codec_work_init(struct codec_work *w, int codec, char *err, size_t errlen)
{
	switch (codec) {
	case CODEC_LZO:
		if (lzo_init() != LZO_E_OK) {
			snprintf(err, errlen, "lzo: lzo_init failed");
			return -EINVAL;
		}
		w->lzo_wrkmem = malloc(LZO1X_1_MEM_COMPRESS);
		if (!w->lzo_wrkmem)
			goto nomem;
		return 0;
	case CODEC_LZ4:
		return 0;
	case CODEC_ZSTD:
		w->zcctx = ZSTD_createCCtx();
		w->zdctx = ZSTD_createDCtx();
		if (!w->zcctx || !w->zdctx)
			goto nomem;
		return 0;
	case CODEC_DEFLATE:
		if (deflateInit2(&w->zdef, KDEFLATE_LEVEL, Z_DEFLATED, -KDEFLATE_WINBITS,
				 KDEFLATE_MEMLEVEL, Z_DEFAULT_STRATEGY) != Z_OK)
			goto nomem;
		w->zdef_live = 1;
		if (inflateInit2(&w->zinf, -KDEFLATE_WINBITS) != Z_OK)
			goto nomem;
		w->zinf_live = 1;
		return 0;
	case CODEC_DEFLATE_IAA:
		/* level 0 needs no level buffer; the stream struct is reused per page */
		return 0;
	}
	snprintf(err, errlen, "unknown codec %d (known: %s)", codec, codec_names());
	return -EINVAL;
nomem:
	snprintf(err, errlen, "%s: out of memory for codec state", codec_name(codec));
	return -ENOMEM;
}

static void codec_work_free(struct codec_work *w)
{
	if (!w)
		return;
	free(w->lzo_wrkmem);
	ZSTD_freeCCtx(w->zcctx);
	ZSTD_freeDCtx(w->zdctx);
	if (w->zdef_live)
		deflateEnd(&w->zdef);
	if (w->zinf_live)
		inflateEnd(&w->zinf);
	free(w);
}

int compressor_init(struct compressor *c, int codec, int level,
		    const struct page_store *ps, char *err, size_t errlen)
{
	struct codec_work *w;
	int ret;

	memset(c, 0, sizeof(*c));
	if (codec < 0 || codec >= CODEC_COUNT) {
		snprintf(err, errlen, "unknown codec %d (known: %s)", codec, codec_names());
		return -EINVAL;
	}
	if (codec == CODEC_ZSTD && (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel() ||
				    level == 0)) {
		snprintf(err, errlen, "zstd level %d out of range %d..%d (not 0)", level,
			 ZSTD_minCLevel(), ZSTD_maxCLevel());
		return -EINVAL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "%s: out of memory for codec state", codec_name(codec));
		return -ENOMEM;
	}
	ret = codec_work_init(w, codec, err, errlen);
	if (ret) {
		codec_work_free(w);
		return ret;
	}
	c->codec = codec;
	c->level = level;
	c->ps = ps;
	c->work = w;
	c->clock0_ns = mono_ns();
	c->clock0_ticks = codec_clock();
	c->clock_cost_ticks = codec_clock_cost();
	if (ps && ps->npages) {
		c->cache = calloc(ps->npages, sizeof(*c->cache));
		if (!c->cache) {
			snprintf(err, errlen, "%s: out of memory for the length cache", ps->path);
			compressor_free(c);
			return -ENOMEM;
		}
	}
	return 0;
}

void compressor_free(struct compressor *c)
{
	if (!c)
		return;
	codec_work_free(c->work);
	free(c->cache);
	free(c->ahead);
	free(c->ahead_known);
	c->work = NULL;
	c->cache = NULL;
	c->ahead = NULL;
	c->ahead_known = NULL;
}

/* ------------------------------------------------------------------------ */
/* Compress / decompress one buffer                                         */
/* ------------------------------------------------------------------------ */

static int lzo_compress_buf(struct codec_work *w, const uint8_t *src, size_t slen,
			    uint8_t *dst, size_t cap)
{
	/* liblzo2's lzo1x_1_compress never checks the output size: give it room
	 * for the worst case and copy out only when the result fits. */
	size_t bound = slen + slen / 16 + 64 + 3;
	uint8_t *out = cap >= bound ? dst : w->scratch;
	lzo_uint olen = 0;

	if (out == w->scratch && bound > sizeof(w->scratch))
		return -EINVAL;
	if (lzo1x_1_compress(src, slen, out, &olen, w->lzo_wrkmem) != LZO_E_OK)
		return -EINVAL;
	if (olen > cap)
		return -ENOSPC;
	if (out != dst)
		memcpy(dst, out, olen);
	return (int)olen;
}

static int lz4_compress_buf(const uint8_t *src, size_t slen, uint8_t *dst, size_t cap)
{
	int n = LZ4_compress_default((const char *)src, (char *)dst, (int)slen, (int)cap);

	/* LZ4 reports "does not fit" as 0 */
	return n > 0 ? n : -ENOSPC;
}

static int zstd_compress_buf(struct codec_work *w, int level, const uint8_t *src,
			     size_t slen, uint8_t *dst, size_t cap)
{
	size_t n = ZSTD_compressCCtx(w->zcctx, dst, cap, src, slen, level);

	if (ZSTD_isError(n))
		return ZSTD_getErrorCode(n) == ZSTD_error_dstSize_tooSmall ? -ENOSPC : -EINVAL;
	return (int)n;
}

static int deflate_compress_buf(struct codec_work *w, const uint8_t *src, size_t slen,
				uint8_t *dst, size_t cap)
{
	z_stream *s = &w->zdef;
	int r;

	if (deflateReset(s) != Z_OK)
		return -EINVAL;
	s->next_in = (Bytef *)src;
	s->avail_in = (uInt)slen;
	s->next_out = dst;
	s->avail_out = (uInt)cap;
	r = deflate(s, Z_FINISH);
	if (r == Z_STREAM_END)
		return (int)s->total_out;
	return (r == Z_OK || r == Z_BUF_ERROR) ? -ENOSPC : -EINVAL;
}

static int iaa_compress_buf(struct codec_work *w, const uint8_t *src, size_t slen,
			    uint8_t *dst, size_t cap)
{
	struct isal_zstream *s = &w->isal;
	int r;

	isal_deflate_stateless_init(s);
	s->level = 0;
	s->hist_bits = IAA_HIST_BITS;
	s->gzip_flag = IGZIP_DEFLATE;
	s->end_of_stream = 1;
	s->flush = NO_FLUSH;
	if (isal_deflate_set_hufftables(s, NULL, IGZIP_HUFFTABLE_STATIC) != COMP_OK)
		return -EINVAL;
	s->next_in = (uint8_t *)src;
	s->avail_in = (uint32_t)slen;
	s->next_out = dst;
	s->avail_out = (uint32_t)cap;
	r = isal_deflate_stateless(s);
	if (r == COMP_OK)
		return (int)s->total_out;
	return r == STATELESS_OVERFLOW ? -ENOSPC : -EINVAL;
}

int compressor_compress_buf(struct compressor *c, const uint8_t *src, size_t slen,
			    uint8_t *dst, size_t dst_cap)
{
	struct codec_work *w = c->work;

	if (!w || !src || !dst || slen == 0 || slen > INT32_MAX || dst_cap > INT32_MAX)
		return -EINVAL;
	switch (c->codec) {
	case CODEC_LZO:
		return lzo_compress_buf(w, src, slen, dst, dst_cap);
	case CODEC_LZ4:
		return lz4_compress_buf(src, slen, dst, dst_cap);
	case CODEC_ZSTD:
		return zstd_compress_buf(w, c->level, src, slen, dst, dst_cap);
	case CODEC_DEFLATE:
		return deflate_compress_buf(w, src, slen, dst, dst_cap);
	case CODEC_DEFLATE_IAA:
		return iaa_compress_buf(w, src, slen, dst, dst_cap);
	}
	return -EINVAL;
}

static int deflate_decompress_buf(struct codec_work *w, const uint8_t *src, size_t slen,
				  uint8_t *dst, size_t cap)
{
	z_stream *s = &w->zinf;
	int r;

	if (inflateReset(s) != Z_OK)
		return -EINVAL;
	s->next_in = (Bytef *)src;
	s->avail_in = (uInt)slen;
	s->next_out = dst;
	s->avail_out = (uInt)cap;
	r = inflate(s, Z_FINISH);
	if (r == Z_STREAM_END)
		return (int)s->total_out;
	return r == Z_BUF_ERROR && s->avail_out == 0 ? -ENOSPC : -EINVAL;
}

static int iaa_decompress_buf(struct codec_work *w, const uint8_t *src, size_t slen,
			      uint8_t *dst, size_t cap)
{
	struct inflate_state *s = &w->isal_inf;
	int r;

	isal_inflate_init(s);
	s->crc_flag = ISAL_DEFLATE;
	s->next_in = (uint8_t *)src;
	s->avail_in = (uint32_t)slen;
	s->next_out = dst;
	s->avail_out = (uint32_t)cap;
	r = isal_inflate_stateless(s);
	if (r == ISAL_DECOMP_OK)
		return (int)s->total_out;
	return r == ISAL_OUT_OVERFLOW ? -ENOSPC : -EINVAL;
}

int compressor_decompress_buf(struct compressor *c, const uint8_t *src, size_t slen,
			      uint8_t *dst, size_t dst_cap)
{
	struct codec_work *w = c->work;

	if (!w || !src || !dst || slen == 0 || slen > INT32_MAX || dst_cap > INT32_MAX)
		return -EINVAL;
	switch (c->codec) {
	case CODEC_LZO: {
		lzo_uint olen = dst_cap;
		int r = lzo1x_decompress_safe(src, slen, dst, &olen, NULL);

		if (r == LZO_E_OK)
			return (int)olen;
		return r == LZO_E_OUTPUT_OVERRUN ? -ENOSPC : -EINVAL;
	}
	case CODEC_LZ4: {
		int n = LZ4_decompress_safe((const char *)src, (char *)dst, (int)slen,
					    (int)dst_cap);
		return n >= 0 ? n : -EINVAL;
	}
	case CODEC_ZSTD: {
		size_t n = ZSTD_decompressDCtx(w->zdctx, dst, dst_cap, src, slen);

		if (ZSTD_isError(n))
			return ZSTD_getErrorCode(n) == ZSTD_error_dstSize_tooSmall ? -ENOSPC
										   : -EINVAL;
		return (int)n;
	}
	case CODEC_DEFLATE:
		return deflate_decompress_buf(w, src, slen, dst, dst_cap);
	case CODEC_DEFLATE_IAA:
		return iaa_decompress_buf(w, src, slen, dst, dst_cap);
	}
	return -EINVAL;
}

/* ------------------------------------------------------------------------ */
/* Kernel view of one page                                                  */
/* ------------------------------------------------------------------------ */

/*
 * What zswap_compress() (mm/zswap.c, 6.18) sees for a page whose true
 * compressed length is len, with the destination limited to PAGE_SIZE.
 * Output that does not fit makes each crypto driver fail differently:
 *   lzo      lzo1x_1_compress_safe -> LZO_E_OUTPUT_OVERRUN -> -EINVAL  (crypto/lzo.c)
 *   lz4      LZ4_compress_default returns 0 -> -EINVAL                  (crypto/lz4.c)
 *   zstd     zstd_compress_cctx error -> -EINVAL                        (crypto/zstd.c)
 *   deflate  destination walk exhausted -> -ENOSPC                      (crypto/deflate.c)
 *   IAA      IAA_ERROR_COMP_BUF_OVERFLOW -> -E2BIG (drivers/crypto/intel/iaa)
 * Only -ENOSPC counts as "compress poor".  Output of exactly PAGE_SIZE is a
 * success from the driver that zswap_compress() rejects as dlen >= PAGE_SIZE
 * (-EINVAL, "compress fail").
 */
enum comp_result compressor_kernel_result(int codec, int len)
{
	if (len < 0)
		return COMP_FAIL;
	if (len > 0 && len < (int)SIM_PAGE_SIZE)
		return COMP_OK;
	if (len > (int)SIM_PAGE_SIZE && codec == CODEC_DEFLATE)
		return COMP_POOR;
	return COMP_FAIL;
}

/*
 * The two sides' counts of pages given a length, each on a cache line of its
 * own: the owner writes its count at every compression of its own and the
 * workers theirs once per call of compressor_ahead_done(), and a count
 * sharing a line with what the other side writes would bring that line over
 * from the other core at every page.  On make bench's distinct trace this
 * and the workers' reads of the owner's struct (below), whose counters the
 * owner writes at every page, made the model's time 20.6 ms median against
 * 11.5 ms without (10 runs each, alternated; 10.5 ms with no worker).
 */
struct compressor_ahead_known {
	_Alignas(64) uint64_t owner;    /* written by the owner only */
	_Alignas(64) uint64_t workers;  /* atomic adds of the workers */
};

/* One real codec call: the cache word of page canon, and its time in
 * codec-clock ticks added to *ticks. */
static uint16_t compress_page_word(struct compressor *c, uint64_t canon, uint64_t *ticks)
{
	struct codec_work *w = c->work;
	uint64_t t0 = codec_clock();
	int len = compressor_compress_buf(c, page_store_page(c->ps, canon), SIM_PAGE_SIZE,
					  w->scratch, sizeof(w->scratch));
	enum comp_result res = compressor_kernel_result(c->codec, len);
	uint32_t stored;

	*ticks += codec_clock() - t0;
	/* a codec error has no length: report it as one full page */
	stored = len < 0 ? SIM_PAGE_SIZE : (uint32_t)len;
	if (stored + 1 > CACHE_LEN_MASK)
		stored = CACHE_LEN_MASK - 1;
	return (uint16_t)((stored + 1) | ((uint32_t)res << CACHE_RES_SHIFT));
}

/* The one codec call per distinct content, timed so that a run can tell
 * its codec time from the model's (runtime.codec_seconds); or the word an
 * ahead worker found, if one did. */
static uint16_t compress_page_entry(struct compressor *c, uint64_t canon)
{
	uint16_t v = c->ahead ? __atomic_load_n(&c->ahead[canon], __ATOMIC_RELAXED) : 0;

	c->compressions++;
	if (v) {
		c->adopted++;
		return v;
	}
	v = compress_page_word(c, canon, &c->compress_ticks);
	if (c->ahead)   /* the workers stop once every page has a length */
		__atomic_store_n(&c->ahead_known->owner,
				 __atomic_load_n(&c->ahead_known->owner, __ATOMIC_RELAXED) + 1,
				 __ATOMIC_RELAXED);
	return v;
}

/* A page's first lookup.  Out of line: inlined, its compression call made
 * every lookup save and restore registers, for a path taken once a page. */
static __attribute__((noinline)) uint16_t compressor_page_first(struct compressor *c,
							       uint64_t idx)
{
	uint32_t canon = c->ps->canon[idx];
	uint16_t v = c->cache[canon];

	if (!v) {
		v = compress_page_entry(c, canon);
		/* ahead workers read the cache: a whole-word store */
		__atomic_store_n(&c->cache[canon], v, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&c->cache[idx], v, __ATOMIC_RELAXED);
	return v;
}

/*
 * The cache is indexed by page index.  The canonical page's entry is filled on
 * the first use of that content; a duplicate copies it on its own first use,
 * so after that every lookup is one load of cache[idx].
 */
uint32_t compressor_page_len(struct compressor *c, uint64_t idx, enum comp_result *res)
{
	uint16_t v = c->cache[idx];

	if (__builtin_expect(v == 0, 0))
		v = compressor_page_first(c, idx);
	*res = (enum comp_result)(v >> CACHE_RES_SHIFT);
	return (uint32_t)(v & CACHE_LEN_MASK) - 1;
}

/* ------------------------------------------------------------------------ */
/* Compression ahead of use                                                 */
/* ------------------------------------------------------------------------ */

struct compressor_ahead_worker {
	/* the owner's settings and pointers, copied: the worker reads nothing
	 * of the owner's struct, which the owner writes at every page; and the
	 * struct starts a cache line, so that the counters the worker writes at
	 * every page share none with another thread's data */
	_Alignas(64) struct compressor c;
	struct compressor *owner; /* for compressor_ahead_worker_free() only */
	uint64_t ticks, calls;
	uint64_t unpublished;     /* lengths not yet added to ahead_known->workers */
	uint64_t pages;           /* non-zero distinct pages of the store, 0 = not counted yet */
};

int compressor_ahead_enable(struct compressor *c)
{
	if (!c->ps || !c->ps->npages || !c->cache)
		return -EINVAL;
	if (!c->ahead) {
		c->ahead = calloc(c->ps->npages, sizeof(*c->ahead));
		c->ahead_known = aligned_alloc(_Alignof(struct compressor_ahead_known),
					       sizeof(*c->ahead_known));
		if (c->ahead_known)
			*c->ahead_known = (struct compressor_ahead_known){ 0 };
		if (!c->ahead || !c->ahead_known) {
			free(c->ahead);
			free(c->ahead_known);
			c->ahead = NULL;
			c->ahead_known = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

struct compressor_ahead_worker *compressor_ahead_worker_new(struct compressor *c)
{
	struct compressor_ahead_worker *w;
	char err[160];

	if (!c->ahead)
		return NULL;
	w = aligned_alloc(_Alignof(struct compressor_ahead_worker), sizeof(*w));
	if (!w)
		return NULL;
	*w = (struct compressor_ahead_worker){ 0 };
	w->c = *c;
	w->c.work = calloc(1, sizeof(struct codec_work));
	if (!w->c.work || codec_work_init(w->c.work, c->codec, err, sizeof(err))) {
		codec_work_free(w->c.work);
		free(w);
		return NULL;
	}
	w->owner = c;
	return w;
}

/* Only pages neither side has: the owner's cache and ahead[] are read
 * whole-word; two workers (or a worker and the owner) may still compress
 * the same page at once, and both store the same word. */
void compressor_ahead_page(struct compressor_ahead_worker *w, uint64_t idx)
{
	const struct compressor *c = &w->c;
	uint32_t canon;

	if (idx >= c->ps->npages)
		return;
	canon = c->ps->canon[idx];
	if (c->ps->flags[canon] & PS_F_ZERO)   /* zswap never compresses one */
		return;
	if (__atomic_load_n(&c->cache[canon], __ATOMIC_RELAXED) ||
	    __atomic_load_n(&c->ahead[canon], __ATOMIC_RELAXED))
		return;
	uint16_t v = compress_page_word(&w->c, canon, &w->ticks);

	w->calls++;
	w->unpublished++;
	__atomic_store_n(&c->ahead[canon], v, __ATOMIC_RELAXED);
}

/*
 * Every non-zero distinct page of the store has a length, compressed here or
 * by the replay: nothing is left to do ahead (a trace of few distinct pages
 * has them all early, and a worker would only walk the rest of the trace).
 * A page both sides compressed at once counts twice, so this may say so a
 * little early; the replay then compresses what is left, with the same
 * lengths.  The count is made on the worker's thread, on its first call.
 */
int compressor_ahead_done(struct compressor_ahead_worker *w)
{
	const struct compressor *c = &w->c;
	uint64_t known;

	if (!w->pages) {
		for (uint64_t i = 0; i < c->ps->npages; i++)
			w->pages += c->ps->canon[i] == i && !(c->ps->flags[i] & PS_F_ZERO);
		if (!w->pages)
			return 1;
	}
	known = __atomic_add_fetch(&c->ahead_known->workers, w->unpublished, __ATOMIC_RELAXED);
	w->unpublished = 0;
	return known + __atomic_load_n(&c->ahead_known->owner, __ATOMIC_RELAXED) >= w->pages;
}

uint64_t compressor_ahead_worker_calls(const struct compressor_ahead_worker *w)
{
	return w->calls;
}

void compressor_ahead_worker_free(struct compressor_ahead_worker *w)
{
	if (!w)
		return;
	w->owner->ahead_ticks += w->ticks;
	w->owner->ahead_calls += w->calls;
	codec_work_free(w->c.work);
	free(w);
}

double compressor_ahead_seconds(const struct compressor *c)
{
	uint64_t in_timer = c->ahead_calls * c->clock_cost_ticks;

	return ticks_to_seconds(c, c->ahead_ticks > in_timer ? c->ahead_ticks - in_timer : 0);
}

uint64_t compressor_ahead_pages(const struct compressor *c)
{
	return c->ahead_calls;
}
