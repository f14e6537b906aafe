// SPDX-License-Identifier: MIT
/*
 * zsw-usemem: a usemem-like workload for zswapsim-capture.
 *
 * Maps SIZE of anonymous memory, fills it page by page with real content taken
 * from files or page stores (4 KiB chunks, in the order given, wrapping
 * around; the last chunk of a file is zero-padded), then reads every page
 * PASSES times in sequential or seeded random order.  Under a memory limit the
 * fill swaps pages out and the passes swap them back in.
 *
 * Nothing special happens at the end: zswapsim-capture stops any program at
 * its exit (ptrace) and reads the kernel's counters there.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096u

struct src {
	char **path;
	size_t n, cap;
};

static void usage(void)
{
	fputs("usage: zsw-usemem -m MIB [-L LISTFILE]... [-F FILE]... [-p PASSES] [-o seq|rand]\n"
	      "                  [-s SEED] [-H] [-z] [-Z N]\n"
	      "  -m MIB      anonymous memory to use\n"
	      "  -L LIST     a file naming content files, one per line\n"
	      "  -F FILE     a content file or page store (raw 4 KiB pages)\n"
	      "  -p PASSES   read passes over all pages after the fill (default 1)\n"
	      "  -o ORDER    page order of the passes: seq (default) or rand\n"
	      "  -s SEED     seed of the random order (default 1)\n"
	      "  -H          madvise(MADV_HUGEPAGE) the buffer (large folios)\n"
	      "  -z          no content: leave pages zero-filled (after touching them)\n"
	      "  -Z N        then zero every N-th page again (zero-filled pages among the content)\n", stderr);
	exit(2);
}

static void add_src(struct src *s, const char *p)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->path = realloc(s->path, s->cap * sizeof(*s->path));
		if (!s->path) {
			perror("zsw-usemem");
			exit(1);
		}
	}
	s->path[s->n] = strdup(p);
	if (!s->path[s->n]) {
		perror("zsw-usemem");
		exit(1);
	}
	s->n++;
}

static void add_list(struct src *s, const char *list)
{
	char line[4096];
	FILE *f = fopen(list, "r");

	if (!f) {
		fprintf(stderr, "zsw-usemem: %s: %s\n", list, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0])
			add_src(s, line);
	}
	fclose(f);
}

/* Fill pages [0, npages) from the sources, chunk by chunk, wrapping around. */
static void fill(uint8_t *buf, size_t npages, const struct src *s)
{
	size_t page = 0, si = 0, rounds = 0;

	while (page < npages) {
		int fd = open(s->path[si], O_RDONLY);
		off_t off = 0;
		ssize_t n;

		if (fd < 0) {
			fprintf(stderr, "zsw-usemem: %s: %s\n", s->path[si], strerror(errno));
			exit(1);
		}
		while (page < npages && (n = pread(fd, buf + page * PAGE, PAGE, off)) > 0) {
			/* the mapping is fresh, so a short chunk stays zero-padded */
			off += n;
			page++;
		}
		close(fd);
		si = (si + 1) % s->n;
		if (si == 0 && ++rounds > 1000000) {
			fprintf(stderr, "zsw-usemem: the content files are empty\n");
			exit(1);
		}
	}
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

int main(int argc, char **argv)
{
	struct src s = { 0 };
	size_t mib = 0, npages, *perm;
	unsigned passes = 1, huge = 0, zero = 0, rnd = 0, zevery = 0;
	uint64_t seed = 1, sum = 0, x;
	uint8_t *buf;
	int c;

	while ((c = getopt(argc, argv, "m:L:F:p:o:s:HzZ:")) != -1) {
		switch (c) {
		case 'm': mib = strtoull(optarg, NULL, 10); break;
		case 'L': add_list(&s, optarg); break;
		case 'F': add_src(&s, optarg); break;
		case 'p': passes = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'o':
			if (!strcmp(optarg, "rand"))
				rnd = 1;
			else if (strcmp(optarg, "seq"))
				usage();
			break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'H': huge = 1; break;
		case 'z': zero = 1; break;
		case 'Z': zevery = (unsigned)strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (!mib || optind != argc || (!s.n && !zero))
		usage();
	npages = mib * (1u << 20) / PAGE;
	buf = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("zsw-usemem: mmap");
		return 1;
	}
	if (huge && madvise(buf, npages * PAGE, MADV_HUGEPAGE))
		perror("zsw-usemem: madvise(MADV_HUGEPAGE)");
	if (zero) {
		for (size_t i = 0; i < npages; i++)
			buf[i * PAGE] = 0;   /* a write fault: a real zero-filled page */
	} else {
		fill(buf, npages, &s);
	}
	for (size_t i = 0; zevery && i < npages; i += zevery)
		memset(buf + i * PAGE, 0, PAGE);
	perm = malloc(npages * sizeof(*perm));
	if (!perm) {
		perror("zsw-usemem");
		return 1;
	}
	for (size_t i = 0; i < npages; i++)
		perm[i] = i;
	x = seed ? seed : 1;
	for (unsigned p = 0; p < passes; p++) {
		if (rnd)
			for (size_t i = npages - 1; i > 0; i--) {
				size_t j = xorshift(&x) % (i + 1), t = perm[i];

				perm[i] = perm[j];
				perm[j] = t;
			}
		for (size_t i = 0; i < npages; i++)
			sum += buf[perm[i] * PAGE + 64];
	}
	printf("zsw-usemem: %zu pages, %u passes (%s), checksum %" PRIu64 "\n", npages, passes,
	       rnd ? "rand" : "seq", sum);
	fflush(stdout);
	return 0;
}
