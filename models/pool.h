/* SPDX-License-Identifier: MIT */
/*
 * zsmalloc model (mm/zsmalloc.c, 4 KiB pages, 64-bit): 255 size classes 16 bytes
 * apart from 32 bytes, an 8-byte handle prepended to every non-huge object,
 * zspages of 1..chain_size pages chosen to minimise tail waste, classes with the
 * same (pages per zspage, objects per zspage) merged, huge classes holding one
 * object per page.  Objects live in concrete zspages, so a zspage (and its
 * pages) is freed only when its last object goes: the pool size follows real
 * fragmentation, not a packed estimate.
 *
 * zs_get_total_pages() is what zswap_total_pages() returns in the kernel and
 * what the global limit compares against.  All operations are O(1) amortised
 * and do not allocate on the hot path once the zspage table has grown.
 */
#ifndef ZSWAPSIM_POOL_H
#define ZSWAPSIM_POOL_H

#include <stdint.h>

#define ZS_HANDLE_SIZE        8u
#define ZS_MIN_ALLOC_SIZE     32u
#define ZS_SIZE_CLASS_DELTA   16u
#define ZS_NR_CLASSES         255u
#define ZS_DEFAULT_CHAIN_SIZE 8u

/* A compact reference to one object: what the per-slot state stores. */
struct zs_handle {
	uint32_t zspage;   /* zspage id */
	uint8_t  klass;    /* merged class index */
};

struct zs_pool;        /* opaque */

struct zs_pool *zs_pool_create(unsigned chain_size);   /* NULL on ENOMEM or bad chain */
void zs_pool_destroy(struct zs_pool *p);

/* Allocate an object of len bytes (1..4096).  Returns 0, -EINVAL (len 0),
 * -ENOSPC (len > 4096) or -ENOMEM. */
int zs_malloc(struct zs_pool *p, uint32_t len, struct zs_handle *h);
void zs_free(struct zs_pool *p, struct zs_handle h);
/* zs_free() of a handle the caller knows names a live object (zs_malloc()
 * gave it and it was not freed since: zswap's entries), without zs_free()'s
 * checks of the handle, which every free of a replay paid.  The debug build
 * (ZSWAPSIM_DEBUG_INVARIANTS) checks it and aborts on a bad one. */
void zs_free_live(struct zs_pool *p, struct zs_handle h);

/* Prefetch hints (no effect on the model): zspage id, or with links its
 * fullness-list neighbours. */
void zs_prefetch(const struct zs_pool *p, uint32_t zspage, int links);
uint64_t zs_get_total_pages(const struct zs_pool *p);
uint64_t zs_objects(const struct zs_pool *p);

/* Class geometry, for tests and docs. */
uint32_t zs_class_size_for(uint32_t len);        /* object size incl. handle */
unsigned zs_pages_per_zspage(uint32_t len);
unsigned zs_objs_per_zspage(uint32_t len);
int zs_is_huge(uint32_t len);

/* Geometry for any chain size (1..16): the class an object of len bytes lands
 * in (size incl. handle, after class merging), its pages and objects per
 * zspage.  Returns 0, -EINVAL (len 0 or bad chain) or -ENOSPC (len > 4096). */
int zs_class_geometry(unsigned chain, uint32_t len, uint32_t *size, unsigned *pages,
		      unsigned *objs);
/* zs_huge_class_size(): the smallest compressed length stored in a huge
 * (one object per page) class; 0 for a bad chain size. */
uint32_t zs_huge_class_size(unsigned chain);
/* len + handle rounded up to its size class, before class merging (the
 * "size-class" rounding of compressors.md); 0 for len 0 or > 4096. */
uint32_t zs_rounded_size(uint32_t len);
uint64_t zs_zspages(const struct zs_pool *p);          /* live zspages */
unsigned zs_pool_chain_size(const struct zs_pool *p);
uint32_t zs_pool_huge_class_size(const struct zs_pool *p);

#endif
