/* SPDX-License-Identifier: MIT */
/*
 * Real compressor: compresses the real bytes of page-store pages with the
 * kernel's codecs and caches the result, so each distinct page is compressed
 * once per codec.  A page store is a file of raw 4 KiB pages; when it is
 * loaded, equal pages are found by XXH3 content hash (dedup) and zero /
 * same-filled pages are flagged.  After the first compression of a page the
 * per-event path is one array lookup: no hashing, no compression.
 *
 * Compression cost (time) is never measured here: timing comes from the cost
 * model of the hardware preset (models/hw.h), which keeps runs deterministic.
 */
#ifndef ZSWAPSIM_COMPRESSOR_H
#define ZSWAPSIM_COMPRESSOR_H

#include <stddef.h>
#include <stdint.h>

#include "models/page.h"


enum codec_id {
	CODEC_LZO = 0,      /* lzo1x-1, the kernel's "lzo" (6.18 default) */
	CODEC_LZ4,          /* LZ4_compress_default, the kernel's "lz4" */
	CODEC_ZSTD,         /* zstd at a configurable level (kernel default 3) */
	CODEC_DEFLATE,      /* raw deflate with crypto/deflate.c's settings */
	CODEC_DEFLATE_IAA,  /* software stand-in for IAA fixed mode: ISA-L level 0,
			       static Huffman tables, 4 KiB history */
	CODEC_COUNT
};

/* Outcome of compressing one page, as zswap_compress() sees it. */
enum comp_result {
	COMP_OK = 0,     /* 0 < len < 4096 */
	COMP_POOR,       /* output would not fit in PAGE_SIZE: the kernel sees -ENOSPC */
	COMP_FAIL,       /* other compressor error (or dlen >= PAGE_SIZE with success) */
};

/* Per-page facts found when the page store is loaded. */
#define PS_F_ZERO  0x1u   /* all bytes zero */
#define PS_F_SAME  0x2u   /* all 64-bit words equal (includes zero) */

struct page_store {
	char path[1280];
	const uint8_t *base;     /* npages * 4096 bytes, mmap'd read-only */
	uint64_t npages;
	uint64_t checksum;       /* XXH3-64 of the file */
	uint32_t *canon;         /* canonical (first equal) page index per page */
	uint8_t *flags;          /* PS_F_* per page */
	uint64_t ndistinct;
	/* private */
	size_t map_len;
};

int page_store_open(struct page_store *ps, const char *path, char *err, size_t errlen);
/* A page store over len bytes at base, an mmap'd region the store now owns
 * (page_store_close() unmaps it); name is for messages. */
int page_store_adopt(struct page_store *ps, const void *base, size_t len, const char *name,
		     char *err, size_t errlen);
void page_store_close(struct page_store *ps);

static inline const uint8_t *page_store_page(const struct page_store *ps, uint64_t i)
{
	return ps->base + i * (uint64_t)SIM_PAGE_SIZE;
}

struct compressor {
	int codec;                /* enum codec_id */
	int level;                /* zstd level; ignored by the others */
	const struct page_store *ps;
	/* cache by canonical page index: 0 = not compressed yet, else len + 1 in the
	 * low 13 bits and the comp_result in bits 13..14 */
	uint16_t *cache;
	uint64_t compressions;    /* distinct pages compressed (here or ahead, adopted) */
	uint64_t compress_ticks;  /* time spent in them, codec-clock ticks (runtime report only) */
	uint64_t clock0_ticks;    /* codec clock and CLOCK_MONOTONIC at init: the tick rate */
	uint64_t clock0_ns;
	uint64_t clock_cost_ticks; /* what one read of the codec clock costs */
	void *work;               /* codec state and buffers, allocated once */
	/* Lengths worked out ahead of use by other threads (compressor_ahead_*),
	 * as cache words, by canonical page index; NULL when none run.  The
	 * replay takes one over only when it first needs the page, so what it
	 * counts (compressions) is what it would have compressed itself. */
	uint16_t *ahead;
	uint64_t adopted;         /* of the compressions, taken from ahead[] */
	/* pages given a length by each side while ahead[] exists, on cache
	 * lines of their own (compressor_ahead_done()) */
	struct compressor_ahead_known *ahead_known;
	uint64_t ahead_ticks;     /* codec-clock ticks of the freed ahead workers' calls */
	uint64_t ahead_calls;     /* their codec calls */
};

int codec_by_name(const char *name);            /* -1 if unknown */
const char *codec_name(int codec);
/* Comma-separated list of codec names, for error messages and help. */
const char *codec_names(void);

/* ps may be NULL (hint-only traces).  Returns 0 or negative errno. */
int compressor_init(struct compressor *c, int codec, int level,
		    const struct page_store *ps, char *err, size_t errlen);
void compressor_free(struct compressor *c);

/* Compressed length of page-store page idx under c's codec, computing and
 * caching it on first use.  Sets *res.  A page that does not compress reports
 * len >= 4096 with COMP_POOR or COMP_FAIL as the kernel's codec would.
 * Hot path: one load after the first call for a given content. */
uint32_t compressor_page_len(struct compressor *c, uint64_t idx, enum comp_result *res);

/* Wall time spent in the real codec calls of compressor_page_len() so far,
 * in seconds (runtime.codec_seconds).  Each call is timed with the CPU's
 * time-stamp counter where there is one (x86: fenced, a few ns), converted
 * with the rate it had against CLOCK_MONOTONIC since compressor_init();
 * elsewhere with CLOCK_MONOTONIC.  The timer's own cost inside the timed
 * interval (one read per call, calibrated at init) is left out. */
double compressor_codec_seconds(const struct compressor *c);

/* What timing the codec calls cost: two clock reads per call, in seconds
 * (runtime.timer_seconds; neither codec nor model time). */
double compressor_timer_seconds(const struct compressor *c);

/*
 * Compression ahead of use.  A replay knows its trace in advance, so other
 * threads may compress the pages of coming swap-outs while it runs; the
 * replay thread then finds their lengths instead of calling the codec
 * (sim/codec_ahead.c).  The result is the same either way: a page's length
 * depends only on its bytes and the codec.
 *
 * compressor_ahead_enable() (before any worker starts) makes the table;
 * each worker thread has its own codec state (compressor_ahead_worker_new())
 * and calls compressor_ahead_page() for the pages it expects; the owner of
 * c keeps calling compressor_page_len() meanwhile.  A page already known to
 * either side is skipped.  compressor_ahead_worker_free() after the thread
 * has stopped adds its time to compressor_ahead_seconds().
 */
struct compressor_ahead_worker;
int compressor_ahead_enable(struct compressor *c);
struct compressor_ahead_worker *compressor_ahead_worker_new(struct compressor *c);
void compressor_ahead_page(struct compressor_ahead_worker *w, uint64_t idx);
/* Nonzero once every non-zero distinct page of the store has a length: a
 * worker may stop (called on the worker's thread). */
int compressor_ahead_done(struct compressor_ahead_worker *w);
void compressor_ahead_worker_free(struct compressor_ahead_worker *w);
/* Codec calls the worker made so far (its own thread). */
uint64_t compressor_ahead_worker_calls(const struct compressor_ahead_worker *w);
/* Codec time of the ahead workers freed so far, in seconds (their own
 * threads: runtime.codec_ahead_seconds); pages they compressed. */
double compressor_ahead_seconds(const struct compressor *c);
uint64_t compressor_ahead_pages(const struct compressor *c);

/* Compress / decompress raw buffers (tests, calibration, capture tools).
 * dst must hold at least dst_cap bytes; returns the length, or a negative
 * errno (-ENOSPC when the output does not fit in dst_cap). */
int compressor_compress_buf(struct compressor *c, const uint8_t *src, size_t slen,
			    uint8_t *dst, size_t dst_cap);
int compressor_decompress_buf(struct compressor *c, const uint8_t *src, size_t slen,
			      uint8_t *dst, size_t dst_cap);

/* What the 6.18 kernel's zswap_compress() sees from codec for a page whose
 * true compressed length is len (negative: a codec error), with the output
 * limited to PAGE_SIZE: COMP_OK, or the error class of that codec's driver. */
enum comp_result compressor_kernel_result(int codec, int len);

/* True when all 64-bit words of a 4 KiB page are equal; *value gets the word. */
int page_same_filled(const uint8_t *page, uint64_t *value);

#endif
