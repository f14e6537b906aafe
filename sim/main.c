/* SPDX-License-Identifier: MIT */
/* zswapsim: trace-driven simulator of Linux zswap with an Intel IAA model. */
#include <stdio.h>
#include <string.h>

#include "sim/cli.h"
#include "git_rev.h"

/* writes: the command writes files, and a signal that interrupts it says so
 * and removes what is unfinished (cli_catch_interrupts()). */
static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *usage;
	int writes;
} commands[] = {
	{ "run", cmd_run, "run CONFIG [-o REPORT] [--set key=value]... [--print-config] [--quiet]\n"
			  "                 [--cfg=simgrid:option] [--log=simgrid-log-spec]", 1 },
	{ "trace", cmd_trace, "trace info|validate|convert|import|gen ...", 1 },
	{ "sweep", cmd_sweep, "sweep SWEEP.json [-j N] [-o DIR] [--emit slurm|parallel] [--list]\n"
			      "                 | sweep --collect DIR", 1 },
	{ "compare", cmd_compare, "compare BASE.json NEW.json [--tolerance FILE] [--all] "
				  "[--allow-schema-change]", 0 },
	{ "policies", cmd_policies, "policies [--markdown]  list every policy with its parameters", 0 },
	{ "config", cmd_config, "config keys [--markdown|--json] | config print|hash CONFIG [--set k=v]...", 0 },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: zswapsim COMMAND [ARGS]\n\n"
		   "Simulator of Linux 6.18 zswap with an Intel IAA model: swap-trace replays and\n"
		   "workload runs with live reclaim.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  zswapsim %s\n", commands[i].usage);
	fprintf(f, "\n'zswapsim COMMAND --help' describes one command; 'zswapsim --version' prints\n"
		   "the version and build.\n"
		   "Exit status: 0 success, 1 runtime failure, 2 bad usage or bad input; run, trace\n"
		   "and sweep interrupted by SIGINT, SIGTERM or SIGHUP: 128 + the signal's number\n"
		   "(130 for Ctrl-C), one line on stderr, no temp file left.\n");
}

int main(int argc, char **argv)
{
	cli_self_path = argv[0];
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("zswapsim %s (%s)\n", ZSWAPSIM_VERSION, ZSWAPSIM_GIT_REV);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name)) {
			if (commands[i].writes)
				cli_catch_interrupts();
			return commands[i].fn(argc - 1, argv + 1);
		}
	cli_error("unknown command '%s' (try 'zswapsim --help')", argv[1]);
	return EXIT_USAGE;
}
