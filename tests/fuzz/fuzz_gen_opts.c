/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the option parsers of `zswapsim trace gen KIND` (and of a
 * workload run, which fills the same argument structs).  The first byte picks
 * the kind; the rest is the argument list, NUL-separated ("--size\0004M\0"
 * or "--size=4M").  The arguments go through the CLI's own parser
 * (trace_gen_parse_args) and the kind's source(), which checks them and
 * makes the access source.  Checked:
 *  - a rejected argument list is a negative errno with one line;
 *  - an accepted one gives a source whose meta passes access_check_meta()
 *    and whose first 4096 accesses, pulled in global order, each pass
 *    access_check_record() (times ordered, pages inside the task's range).
 * -o, --content and --help are dropped: the target writes nothing, reads no
 * file of the input's choosing and prints no usage; without --content the
 * generators draw their own pages.  A source is opened only for at most
 * 64 MiB mapped in all (--size x --streams): a generator keeps state per
 * page of its working set (zipf's rank permutation), which is what a valid
 * --size 200G asks for, not a bug, and beyond the fuzzer's 2 GB RSS limit.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/cli.h"
#include "tests/fuzz/fuzz_input.h"
#include "traces/access.h"
#include "traces/gen.h"

#define MAX_ARGS 16
#define MAX_PULLS 4096

static int dropped(const char *a)
{
	return !strncmp(a, "-o", 2) || !strncmp(a, "--content", 9) || !strcmp(a, "--help") ||
	       !strcmp(a, "-h");
}

#define MAX_MAPPED (64ull << 20)

/* The value of option name of kind k in args, or dflt when it has none. */
static uint64_t opt_u64(const struct gen_kind *k, const void *args, const char *name, uint64_t dflt)
{
	for (const struct gen_opt *o = k->opts; o->name; o++)
		if (!strcmp(o->name, name) && (o->type == GO_U64 || o->type == GO_SIZE))
			return *(const uint64_t *)((const char *)args + o->offset);
	return dflt;
}

static int too_big(const struct gen_kind *k, const void *args)
{
	uint64_t size = opt_u64(k, args, "--size", 0), streams = opt_u64(k, args, "--streams", 1);

	return size > MAX_MAPPED || streams > MAX_MAPPED || size * streams > MAX_MAPPED;
}

static void check_source(struct access_source *src)
{
	const struct access_meta *m = access_source_meta(src);
	struct access_check chk;
	struct access_record r;
	char reason[256];
	int n;

	if (access_check_meta(m, reason, sizeof(reason))) {
		fprintf(stderr, "a generator made a bad header: %s\n", reason);
		abort();
	}
	if (access_check_init(&chk, m))
		return;
	for (int i = 0; i < MAX_PULLS && (n = access_source_next(src, &r)) > 0; i++)
		if (access_check_record(&chk, &r, reason, sizeof(reason))) {
			fprintf(stderr, "a generator made a bad access %d: %s\n", i, reason);
			abort();
		}
	access_check_free(&chk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned nkinds = 0;
	char *buf, *argv[MAX_ARGS + 1], err[1024];
	const char *word = NULL;
	struct access_source *src = NULL;
	int argc = 1, r;
	void *args;

	if (!size)
		return 0;
	while (gen_kinds[nkinds])
		nkinds++;
	const struct gen_kind *k = gen_kinds[data[0] % nkinds];

	/* argv[1..]: the NUL-separated strings after the first byte */
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	argv[0] = (char *)k->name;
	for (size_t off = 0; off < size - 1 && argc < MAX_ARGS;) {
		char *a = buf + off;

		off += strlen(a) + 1;
		if (dropped(a)) {
			/* and the value of a spaced -o / --content */
			if ((!strcmp(a, "-o") || !strcmp(a, "--content")) && off < size - 1)
				off += strlen(buf + off) + 1;
			continue;
		}
		argv[argc++] = a;
	}
	argv[argc] = NULL;

	args = calloc(1, k->args_size);
	if (!args) {
		free(buf);
		return 0;
	}
	k->defaults(args);
	err[0] = '\0';
	r = trace_gen_parse_args(k, argc, argv, args, &word, err, sizeof(err));
	fuzz_check_err(r < 0 ? r : 0, err, sizeof(err));
	if (!r && !too_big(k, args)) {
		err[0] = '\0';
		r = k->source(args, word, &src, err, sizeof(err));
		fuzz_check_err(r, err, sizeof(err));
		if (!r) {
			check_source(src);
			access_source_close(src);
		}
	}
	free(args);
	free(buf);
	return 0;
}
