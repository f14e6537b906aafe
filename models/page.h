/* SPDX-License-Identifier: MIT */
/*
 * The page size of the simulated machine, one constant for the whole project:
 * x86-64's 4 KiB base page.  Folios are 2^order of these pages, a swap slot
 * holds one, a page store is made of them and a trace's page_size field must
 * equal SIM_PAGE_SIZE.  Named so that it cannot clash with the PAGE_SIZE /
 * PAGE_SHIFT of system headers (<sys/user.h>).
 */
#ifndef ZSWAPSIM_PAGE_H
#define ZSWAPSIM_PAGE_H

#define SIM_PAGE_SHIFT 12
#define SIM_PAGE_SIZE  (1u << SIM_PAGE_SHIFT)

#endif
