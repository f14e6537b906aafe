// SPDX-License-Identifier: MIT
/*
 * zswapsim trace gen KIND [options] -o FILE: the command line of the workload
 * generators (traces/gen.h).  The options of a kind come from its table; this
 * file walks argv, prints the usage and the summary, and turns errors into
 * exit statuses.  Every kind takes --seed and is deterministic: the same
 * arguments give a byte-identical trace and page store (docs/workloads.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli.h"
#include "traces/gen.h"

static void kinds_usage(FILE *f)
{
	fprintf(f, "usage: zswapsim trace gen KIND [options] -o FILE.zswt\n"
		"       zswapsim trace gen KIND [options] --access -o FILE.zswa\n"
		"       zswapsim trace gen KIND [options] --oracle-general -o FILE[.zst]\n\nkinds:\n");
	for (unsigned i = 0; gen_kinds[i]; i++)
		fprintf(f, "  %-9s %s\n", gen_kinds[i]->name, gen_kinds[i]->help);
	fprintf(f, "\n'zswapsim trace gen KIND --help' lists the options of a kind.\n");
}

static void kind_usage(const struct gen_kind *k)
{
	printf("usage: zswapsim trace gen %s %s[options] -o FILE.zswt\n\noptions:\n", k->name, k->word);
	for (const struct gen_opt *o = k->opts; o->name; o++)
		printf("  %-16s %s\n", o->name, o->help);
	if (k->words) {
		printf("\nnames:");
		for (unsigned i = 0; k->words[i]; i++)
			printf(" %s", k->words[i]);
		printf("\n");
	}
}

static const struct gen_opt *find_opt(const struct gen_kind *k, const char *a, size_t n)
{
	for (const struct gen_opt *o = k->opts; o->name; o++)
		if (strlen(o->name) == n && !strncmp(o->name, a, n))
			return o;
	return NULL;
}

int trace_gen_parse_args(const struct gen_kind *k, int argc, char **argv, void *args,
		      const char **word, char *err, size_t errlen)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || !a[1]) {
			if (!*k->word || *word) {
				snprintf(err, errlen, "unexpected argument '%s'", TRACE_SHOW(a));
				return -EINVAL;
			}
			*word = a;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			kind_usage(k);
			return 1;
		}
		const char *eq = strchr(a, '=');
		size_t n = eq ? (size_t)(eq - a) : strlen(a);
		const struct gen_opt *o = find_opt(k, a, n);

		if (!o) {
			snprintf(err, errlen, "unknown option '%s'",
				 trace_show((char[TRACE_SHOW_MAX]){ 0 }, TRACE_SHOW_MAX, a, n));
			return -EINVAL;
		}
		if (o->type == GO_FLAG && eq) {
			snprintf(err, errlen, "%s takes no value", o->name);
			return -EINVAL;
		}
		const char *v = o->type == GO_FLAG ? "" : eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;

		if (!v) {
			snprintf(err, errlen, "%s needs a value", o->name);
			return -EINVAL;
		}
		int r = gen_opt_set(o, args, v, err, errlen);

		if (r)
			return r;
	}
	return 0;
}

static void print_summary(const struct gen_summary *s)
{
	const char *store = s->pages ? s->page_store : "(none)";

	switch (s->form) {
	case GEN_SWAP:
		printf("wrote %s: %llu record%s (%llu out, %llu in, %llu inval), %u stream%s,"
		       " %u memcg%s, %llu page%s in %s\n", s->out, (unsigned long long)s->records,
		       PLURAL(s->records), (unsigned long long)s->ops[TRACE_OP_OUT],
		       (unsigned long long)s->ops[TRACE_OP_IN],
		       (unsigned long long)s->ops[TRACE_OP_INVAL], s->streams, PLURAL(s->streams),
		       s->memcgs, PLURAL(s->memcgs), (unsigned long long)s->pages, PLURAL(s->pages),
		       store);
		break;
	case GEN_ACCESS:
		printf("wrote %s: %llu access%s (", s->out, (unsigned long long)s->records,
		       s->records == 1 ? "" : "es");
		for (unsigned op = 0, first = 1; op < ACCESS_OP_COUNT; op++) {
			if (!s->access_ops[op])
				continue;
			printf("%s%llu %s", first ? "" : ", ",
			       (unsigned long long)s->access_ops[op], access_op_name(op));
			first = 0;
		}
		printf("), %u task%s, %u memcg%s, %llu page%s in %s\n", s->streams,
		       PLURAL(s->streams), s->memcgs, PLURAL(s->memcgs), (unsigned long long)s->pages,
		       PLURAL(s->pages), store);
		break;
	case GEN_ORACLE:
		printf("wrote %s: %llu oracleGeneral request%s of %u task%s\n", s->out,
		       (unsigned long long)s->records, PLURAL(s->records), s->streams,
		       PLURAL(s->streams));
		break;
	}
}

static void unknown_kind(const char *name)
{
	char known[256] = "";
	size_t n = 0;

	for (unsigned i = 0; gen_kinds[i] && n < sizeof(known); i++)
		n += (size_t)snprintf(known + n, sizeof(known) - n, "%s%s",
				      !i ? "" : gen_kinds[i + 1] ? ", " : " or ", gen_kinds[i]->name);
	cli_error("trace gen: unknown kind '%s' (want %s)", name, known);
}

int trace_gen_main(int argc, char **argv)
{
	const struct gen_kind *k;
	struct gen_summary sum;
	const char *word = NULL;
	char err[1024];
	void *args;
	int r;

	/* tolerate being called with argv[0] = "gen" */
	if (argc > 0 && !strcmp(argv[0], "gen")) {
		argc--;
		argv++;
	}
	if (argc < 1) {
		kinds_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
		kinds_usage(stdout);
		return EXIT_OK;
	}
	k = gen_find_kind(argv[0]);
	if (!k) {
		unknown_kind(argv[0]);
		return EXIT_USAGE;
	}
	args = calloc(1, k->args_size);
	if (!args) {
		cli_error("trace gen %s: out of memory", k->name);
		return EXIT_RUNTIME;
	}
	k->defaults(args);
	r = trace_gen_parse_args(k, argc, argv, args, &word, err, sizeof(err));
	if (!r)
		r = gen_run(k, args, word, &sum, err, sizeof(err));
	if (!r && sum.random_content)
		fprintf(stderr, "zswapsim: trace gen %s: no --content: the pages are random bytes, which"
			" do not compress (--content traces/bundled/default.pages gives real content)\n",
			k->name);
	if (r < 0)
		cli_error("trace gen %s: %s", k->name, err);
	else if (!r && !((const struct gen_common *)args)->quiet)
		print_summary(&sum);
	free(args);
	return r > 0 ? EXIT_OK : cli_exit_status(r);
}
