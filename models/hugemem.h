/* SPDX-License-Identifier: MIT */
/*
 * Large zeroed arrays of per-page and per-slot state, backed by transparent
 * huge pages where the kernel allows it (madvise mode): a run touches these
 * arrays at random, and with 4 KiB pages nearly every touch of a large array
 * is a TLB miss as well as a cache miss.
 */
#ifndef ZSWAPSIM_HUGEMEM_H
#define ZSWAPSIM_HUGEMEM_H

#include <stddef.h>

/* bytes of zeroed memory, or NULL. */
void *hugemem_alloc(size_t bytes);
/* Map the pages of bytes [off, off + len) of an array of `bytes` from
 * hugemem_alloc() as written to, without writing to them
 * (MADV_POPULATE_WRITE): another thread may fault an array's memory in ahead
 * of the one that uses it.  Contents are unchanged, so it may run while that
 * thread reads and writes the array.  0, or -errno (the kernel has no
 * MADV_POPULATE_WRITE: -EINVAL; the caller stops asking). */
int hugemem_populate(void *p, size_t bytes, size_t off, size_t len);
/* Free what hugemem_alloc(bytes) gave (p may be NULL). */
void hugemem_free(void *p, size_t bytes);

#endif
