// SPDX-License-Identifier: MIT
/*
 * calibrate_mm: measure this machine's memory-management costs behind the
 * hw.mm.* keys of workload runs (docs/workload-runs.md, "Time model").
 *
 *   calibrate_mm fault   MIB REPS        first-touch faults (write, then read)
 *   calibrate_mm access  MIB N REPS      hits: N random one-byte reads over MIB
 *                                        (independent, and as a dependent chain)
 *   calibrate_mm zero    MIB REPS        the zero check of a zero page
 *   calibrate_mm reclaim MIB REPS        MADV_COLD and MADV_PAGEOUT per page
 *
 * Every figure is the best of REPS runs of this thread's CPU time
 * (CLOCK_THREAD_CPUTIME_ID: user + system time of this thread, so time the
 * other jobs of a shared machine take the CPU away is not counted), divided by
 * the pages or accesses.  The buffer is madvise(MADV_NOHUGEPAGE): base pages
 * only, as the workload runs' usemem.
 *
 * reclaim needs an active swap device.  Its pages are written with zeros, so
 * MADV_PAGEOUT's swap-out ends in the swap layer's zero-page check
 * (swap_writeout(): zeromap, no zswap store, no I/O): what is timed is the
 * reclaim path without compression: page-table walk, isolation, unmap, swap
 * entry and swap cache, the zero check and the free.  MADV_COLD on the same
 * mapped pages is timed first: the page-table walk and the accessed-bit test
 * and clear.  The pages' residency is checked with mincore() after each
 * pageout; the run fails (exit 1) when fewer than 99 % left memory.
 *
 * Output: one "key value" line per figure, ns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PAGE 4096ul

static double cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "calibrate_mm: %s: %s\n", what, strerror(errno));
	exit(1);
}

static char *map_pages(size_t npages)
{
	char *p = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	if (madvise(p, npages * PAGE, MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");
	return p;
}

/* The fault path of a first touch: exception, memcg charge, allocation,
 * zeroing (write) or the shared zero page (read), PTE, LRU add. */
static void measure_fault(size_t npages, int reps)
{
	double best_w = 1e300, best_r = 1e300;
	volatile char sink = 0;

	for (int r = 0; r < reps; r++) {
		char *p = map_pages(npages);
		double t0 = cpu_ns();

		for (size_t i = 0; i < npages; i++)
			p[i * PAGE] = 1;
		double w = (cpu_ns() - t0) / (double)npages;

		munmap(p, npages * PAGE);
		p = map_pages(npages);
		t0 = cpu_ns();
		for (size_t i = 0; i < npages; i++)
			sink += p[i * PAGE];
		double rd = (cpu_ns() - t0) / (double)npages;

		munmap(p, npages * PAGE);
		if (w < best_w)
			best_w = w;
		if (rd < best_r)
			best_r = rd;
	}
	(void)sink;
	printf("fault_write_ns %.1f\nfault_read_ns %.1f\n", best_w, best_r);
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* A hit: one read of a random mapped page (independent loads, as
 * zsw-usemem's passes and the simulator's accesses are), the index array
 * streamed from memory; the loop's own cost is included. */
static void measure_access(size_t npages, size_t n, int reps)
{
	char *p = map_pages(npages);
	uint32_t *idx = malloc((n > npages ? n : npages) * sizeof(*idx));
	uint64_t x = 88172645463325252ull, sum = 0;
	double best = 1e300;

	if (!idx)
		die("malloc");
	for (size_t i = 0; i < npages; i++)
		p[i * PAGE] = (char)i;
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint32_t)(xorshift(&x) % npages);
	for (int r = 0; r < reps; r++) {
		double t0 = cpu_ns();

		for (size_t i = 0; i < n; i++)
			sum += (unsigned char)p[idx[i] * PAGE + 64];
		double t = (cpu_ns() - t0) / (double)n;

		if (t < best)
			best = t;
	}
	/* the same pages as one dependent chain (a random cycle): the load
	 * latency, for comparison; each page holds the index of the next */
	for (size_t i = 0; i < npages; i++)
		idx[i] = (uint32_t)i;
	for (size_t i = npages - 1; i > 0; i--) {
		size_t j = xorshift(&x) % i;     /* Sattolo: one cycle */
		uint32_t t = idx[i];

		idx[i] = idx[j];
		idx[j] = t;
	}
	for (size_t i = 0; i < npages; i++)
		memcpy(p + (size_t)idx[i] * PAGE + 64, &idx[(i + 1) % npages], sizeof(uint32_t));
	double best_chain = 1e300;

	for (int r = 0; r < reps; r++) {
		uint32_t cur = idx[0];
		double t0 = cpu_ns();

		for (size_t i = 0; i < n; i++)
			memcpy(&cur, p + (size_t)cur * PAGE + 64, sizeof(cur));
		double t = (cpu_ns() - t0) / (double)n;

		sum += cur;
		if (t < best_chain)
			best_chain = t;
	}
	printf("access_ns %.1f\naccess_chain_ns %.1f\naccess_checksum %llu\n", best, best_chain,
	       (unsigned long long)sum);
	free(idx);
	munmap(p, npages * PAGE);
}

static size_t resident(char *p, size_t npages)
{
	unsigned char *v = malloc(npages);
	size_t n = 0;

	if (!v)
		die("malloc");
	if (mincore(p, npages * PAGE, v))
		die("mincore");
	for (size_t i = 0; i < npages; i++)
		n += v[i] & 1;
	free(v);
	return n;
}

static void measure_reclaim(size_t npages, int reps)
{
	double best_cold = 1e300, best_out = 1e300;

	for (int r = 0; r < reps; r++) {
		char *p = map_pages(npages);

		for (size_t i = 0; i < npages; i++)
			p[i * PAGE] = 0;          /* a written page, all zero */
		double t0 = cpu_ns();

		if (madvise(p, npages * PAGE, MADV_COLD))
			die("madvise(MADV_COLD)");
		double cold = (cpu_ns() - t0) / (double)npages;

		t0 = cpu_ns();
		if (madvise(p, npages * PAGE, MADV_PAGEOUT))
			die("madvise(MADV_PAGEOUT)");
		double out = (cpu_ns() - t0) / (double)npages;
		size_t left = resident(p, npages);

		if (left > npages / 100) {
			fprintf(stderr, "calibrate_mm: MADV_PAGEOUT left %zu of %zu pages resident "
				"(is a swap device active?)\n", left, npages);
			exit(1);
		}
		munmap(p, npages * PAGE);
		if (cold < best_cold)
			best_cold = cold;
		if (out < best_out)
			best_out = out;
	}
	printf("madv_cold_ns %.1f\nmadv_pageout_zero_ns %.1f\n", best_cold, best_out);
}

/* is_folio_zero_filled() (mm/swapfile.c): the last word first, then every
 * word, stopping at the first non-zero one; as the kernel's C loop. */
static __attribute__((noinline)) int page_is_zero(const uint64_t *data)
{
	const size_t n = PAGE / sizeof(*data);

	if (data[n - 1])
		return 0;
	for (size_t pos = 0; pos < n; pos++)
		if (data[pos])
			return 0;
	return 1;
}

/* The swap layer's zero check of a zero page, on pages not in the cache:
 * what MADV_PAGEOUT of the zero pages above spends beyond reclaim itself. */
static void measure_zero_check(size_t npages, int reps)
{
	char *p = map_pages(npages);
	double best = 1e300;
	size_t zero = 0;

	for (size_t i = 0; i < npages; i++)
		p[i * PAGE] = 0;
	for (int r = 0; r < reps; r++) {
		double t0 = cpu_ns();

		for (size_t i = 0; i < npages; i++)
			zero += page_is_zero((const uint64_t *)(p + i * PAGE));
		double t = (cpu_ns() - t0) / (double)npages;

		if (t < best)
			best = t;
	}
	if (zero != npages * (size_t)reps) {
		fprintf(stderr, "calibrate_mm: zero check: %zu pages not zero\n", npages * reps - zero);
		exit(1);
	}
	printf("zero_check_ns %.1f\n", best);
	munmap(p, npages * PAGE);
}

static unsigned long arg(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*end || !v) {
		fprintf(stderr, "calibrate_mm: '%s': expected a positive number\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "fault"))
		measure_fault(arg(argv[2]) * 256, (int)arg(argv[3]));
	else if (argc == 5 && !strcmp(argv[1], "access"))
		measure_access(arg(argv[2]) * 256, arg(argv[3]), (int)arg(argv[4]));
	else if (argc == 4 && !strcmp(argv[1], "zero"))
		measure_zero_check(arg(argv[2]) * 256, (int)arg(argv[3]));
	else if (argc == 4 && !strcmp(argv[1], "reclaim"))
		measure_reclaim(arg(argv[2]) * 256, (int)arg(argv[3]));
	else {
		fputs("usage: calibrate_mm fault MIB REPS | access MIB N REPS | zero MIB REPS |"
		      " reclaim MIB REPS\n",
		      stderr);
		return 2;
	}
	return 0;
}
