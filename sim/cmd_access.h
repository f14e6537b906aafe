/* SPDX-License-Identifier: MIT */
/*
 * The access-trace side of `zswapsim trace info|validate|convert`
 * (sim/cmd_access.c), called by sim/cmd_trace.c.
 */
#ifndef ZSWAPSIM_CMD_ACCESS_H
#define ZSWAPSIM_CMD_ACCESS_H

#include <stdbool.h>

#include "traces/access_source.h"

/* The command line of one subcommand: positional files and the options
 * --json, --oracle-general (convert), --format F, --think NS, --columns MAP. */
struct access_cli {
	char *pos[2];
	int npos;
	bool json, oracle;
	int format;                    /* enum access_format, -1 if not given */
	struct access_file_opts opts;
};

/* Parse argv[1..argc) wanting npos files: 0, or -1 with the error printed. */
int access_cli_options(int argc, char **argv, struct access_cli *c, int npos);

/* The subcommands; each returns the exit status. */
int access_cli_info(const struct access_cli *c);
int access_cli_validate(const struct access_cli *c);
int access_cli_convert(const struct access_cli *c);

#endif
