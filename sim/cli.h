/* SPDX-License-Identifier: MIT */
/*
 * Subcommands of the zswapsim binary.  Each takes argc/argv starting at the
 * subcommand's own name and returns the process exit status:
 * 0 success, 1 runtime failure, 2 bad usage or bad input, 128 + N when
 * signal N (SIGINT, SIGTERM, SIGHUP) interrupted a command that writes files.
 * Errors are printed as one line on stderr: "zswapsim: <file/key>: <reason>".
 * The libraries below (sim/, traces/, models/) return negative errno codes
 * with a message; cli_exit_status() is the one place that turns them into an
 * exit status.  Only the subcommands print or exit.
 */
#ifndef ZSWAPSIM_CLI_H
#define ZSWAPSIM_CLI_H

#include <stdio.h>

#define EXIT_OK      0
#define EXIT_RUNTIME 1
#define EXIT_USAGE   2

int cmd_run(int argc, char **argv);       /* sim/cmd_run.c */
int cmd_trace(int argc, char **argv);     /* sim/cmd_trace.c: info|validate|convert|gen */
int cmd_sweep(int argc, char **argv);     /* sim/sweep.c */
int cmd_compare(int argc, char **argv);   /* sim/compare.c */
int cmd_policies(int argc, char **argv);  /* sim/cmd_policies.c */
int cmd_config(int argc, char **argv);    /* sim/cmd_run.c: keys|print */

/* zswapsim trace gen KIND ... (sim/cmd_gen.c) */
int trace_gen_main(int argc, char **argv);
/* argv[1..argc) of `trace gen KIND` into args (the kind's argument struct,
 * defaults filled) and *word: 0, 1 after --help (usage printed), or -EINVAL
 * with err (fuzzed by tests/fuzz/fuzz_gen_opts.c). */
struct gen_kind;
int trace_gen_parse_args(const struct gen_kind *k, int argc, char **argv, void *args,
			 const char **word, char *err, size_t errlen);

/* The exit status of a library's result (0 or a negative errno): EXIT_OK,
 * EXIT_RUNTIME (out of memory or disk space, an I/O error, an internal check)
 * or EXIT_USAGE (anything else: bad input). */
int cli_exit_status(int ret);

/* The exit status of a command interrupted by signal sig (130 for SIGINT). */
#define EXIT_INTERRUPTED(sig) (128 + (sig))

/* SIGINT, SIGTERM and SIGHUP end the process with one line on stderr
 * ("zswapsim: interrupted (SIGINT): nothing written"), every temp file of an
 * unfinished output removed, and EXIT_INTERRUPTED(sig); a signal ignored when
 * the process started stays ignored (sim/interrupt.c).  main() calls it
 * before a command that writes files; a sweep holds the signals itself. */
void cli_catch_interrupts(void);
/* "SIGINT", "SIGTERM", "SIGHUP" (for the interrupt messages). */
const char *cli_signal_name(int sig);
/* The interrupts, in that order: the one list the handler, a sweep's held
 * signals and SimGrid's start-up (which must not replace their handlers)
 * share; cli_is_interrupt() says whether sig is one of them. */
#define CLI_NINTERRUPTS 3
extern const int cli_interrupts[CLI_NINTERRUPTS];
int cli_is_interrupt(int sig);

/* Print "zswapsim: " + message + newline on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The plural ending of a count's noun in a summary line: "1 stream", "2 streams". */
#define PLURAL(n) ((n) == 1 ? "" : "s")

/* argv[0] of the zswapsim binary as invoked (for re-execution by sweeps). */
extern const char *cli_self_path;

#endif
