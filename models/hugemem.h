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
/* Free what hugemem_alloc(bytes) gave (p may be NULL). */
void hugemem_free(void *p, size_t bytes);

#endif
