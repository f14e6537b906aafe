/* SPDX-License-Identifier: MIT */
/*
 * Large arrays on transparent huge pages (hugemem.h).  Below 2 MiB, or
 * where huge pages are off, they are ordinary zeroed memory.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "models/hugemem.h"

#define HUGEMEM_MIN (2u << 20)

void *hugemem_alloc(size_t bytes)
{
	if (bytes < HUGEMEM_MIN)
		return calloc(1, bytes ? bytes : 1);
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);   /* a hint: without it the array still works */
#endif
	return p;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23   /* Linux 5.14 */
#endif

int hugemem_populate(void *p, size_t bytes, size_t off, size_t len)
{
	if (!p || off >= bytes)
		return 0;
	if (len > bytes - off)
		len = bytes - off;
	if (bytes < HUGEMEM_MIN)
		return 0;             /* calloc()'d: small, and maybe not page-aligned */
	uintptr_t a = (uintptr_t)p + off, e = a + len;

	a &= ~(uintptr_t)4095;   /* the mapping is page-aligned, so these stay inside it */
	e = (e + 4095) & ~(uintptr_t)4095;
	if (e > (uintptr_t)p + bytes)
		e = (uintptr_t)p + bytes;
	return madvise((void *)a, e - a, MADV_POPULATE_WRITE) ? -errno : 0;
}

void hugemem_free(void *p, size_t bytes)
{
	if (!p)
		return;
	if (bytes < HUGEMEM_MIN)
		free(p);
	else
		munmap(p, bytes);
}
