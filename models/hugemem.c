/* SPDX-License-Identifier: MIT */
/*
 * Large arrays on transparent huge pages (hugemem.h).  Below 2 MiB, or
 * where huge pages are off, they are ordinary zeroed memory.
 */
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

void hugemem_free(void *p, size_t bytes)
{
	if (!p)
		return;
	if (bytes < HUGEMEM_MIN)
		free(p);
	else
		munmap(p, bytes);
}
