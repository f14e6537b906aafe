/* SPDX-License-Identifier: MIT */
/*
 * zswapsim compare BASE.json NEW.json [--tolerance FILE] [--all]
 *
 * Exit 0 when every metric is within its tolerance, 1 when one is not, 2 on
 * bad input.  The rules are in sim/compare.h and docs/regression.md.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/cli.h"
#include "sim/compare.h"

#define COMPARE_MAX_ROWS 50

static void compare_usage(void)
{
	printf("usage: zswapsim compare BASE.json NEW.json [--tolerance FILE] [--all]\n"
	       "                        [--allow-schema-change]\n\n"
	       "Compare two reports (or two sweep summaries) metric by metric.  Counters\n"
	       "(stats.*, timeseries.*) must match exactly with the none backend; timings\n"
	       "(latency.*, hardware.*, streams.*, simgrid.*, elapsed_ns) within %g%% relative.\n"
	       "FILE maps dotted-key globs (\"<point id>:KEY\" in summaries; the longest\n"
	       "match wins) to {\"rel\": x} or {\"abs\": y} (either direction),\n"
	       "{\"max_increase\": x} and/or {\"max_decrease\": x} (one direction, x relative:\n"
	       "0.05 = 5 %%), or {\"ignore\": true}.  A rule that matches no key is an error.\n"
	       "--all prints every moved metric (default: the first %d).\n"
	       "--allow-schema-change compares documents of different schema versions.\n"
	       "Exit status: 0 within tolerance, 1 a metric moved too far or nothing was\n"
	       "compared, 2 bad input.\n",
	       CMP_DEFAULT_REL * 100, COMPARE_MAX_ROWS);
}

int cmd_compare(int argc, char **argv)
{
	const char *paths[2] = { NULL, NULL }, *tolfile = NULL;
	int npaths = 0, all = 0, allow_schema = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			compare_usage();
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--tolerance") && i + 1 < argc) {
			tolfile = argv[++i];
		} else if (!strncmp(argv[i], "--tolerance=", 12)) {
			tolfile = argv[i] + 12;
		} else if (!strcmp(argv[i], "--all")) {
			all = 1;
		} else if (!strcmp(argv[i], "--allow-schema-change")) {
			allow_schema = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			cli_error("compare: unknown option '%s' (see zswapsim compare --help)", argv[i]);
			return EXIT_USAGE;
		} else if (npaths < 2) {
			paths[npaths++] = argv[i];
		} else {
			cli_error("compare: too many arguments ('%s')", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (npaths != 2) {
		cli_error("compare: expected BASE.json NEW.json (see zswapsim compare --help)");
		return EXIT_USAGE;
	}

	char err[1024];
	struct cmp_tolerance tol;
	json_t *base = NULL, *new = NULL;
	struct cmp_result res;
	int status, r = cmp_tolerance_load(&tol, tolfile, err, sizeof(err));
	if (r) {
		cli_error("%s", err);
		return cli_exit_status(r);
	}
	if ((r = cmp_load_document(paths[0], &base, err, sizeof(err))) ||
	    (r = cmp_load_document(paths[1], &new, err, sizeof(err))) ||
	    (r = cmp_documents(base, new, &tol, allow_schema, &res, err, sizeof(err)))) {
		cli_error("%s", err);
		status = cli_exit_status(r);
		goto out;
	}
	cmp_print(&res, stdout, all ? 0 : COMPARE_MAX_ROWS);
	status = res.failed || !res.compared ? EXIT_RUNTIME : EXIT_OK;
	cmp_result_free(&res);
out:
	json_decref(base);
	json_decref(new);
	cmp_tolerance_free(&tol);
	return status;
}
