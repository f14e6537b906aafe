/* SPDX-License-Identifier: MIT */
/*
 * SimGrid's own options (--cfg=..., --log=...) passed through from the CLI,
 * and simgrid_init(), which must not take over the interrupt signals.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/cli.h"
#include "sim/timing_simgrid.h"

/* simgrid_init() argv: our program name, quiet logs unless asked, the
 * --cfg/--log options the CLI collected.  Under AddressSanitizer the raw
 * contexts confuse ASan's stack tracking: use thread contexts there. */
#define SG_ARGV_MAX 256                       /* with the NULL */
#define SG_OWN_ARGS 3                         /* name, quiet, thread contexts */
#define SG_USER_OPTIONS_MAX (SG_ARGV_MAX - 1 - SG_OWN_ARGS)

/*
 * simgrid_init() installs SimGrid's SIGINT handler, which calls exit(1) from
 * inside whatever actor runs: the exit handlers then make a second engine and
 * abort (SimGrid's "more than one instance of kernel::EngineImpl" and a
 * backtrace, status 134).  What the process had for SIGINT, SIGTERM and SIGHUP
 * before (zswapsim's handler, sim/interrupt.c; SIG_IGN inherited from nohup or
 * a background job; the default) is put back after it, with the signals
 * blocked meanwhile so that none meets SimGrid's handler.
 */
static void sg_init_keeping_signals(int *argc, char **argv)
{
	struct sigaction was[CLI_NINTERRUPTS];
	sigset_t block, old;

	sigemptyset(&block);
	for (size_t i = 0; i < CLI_NINTERRUPTS; i++) {
		sigaddset(&block, cli_interrupts[i]);
		sigaction(cli_interrupts[i], NULL, &was[i]);
	}
	sigprocmask(SIG_BLOCK, &block, &old);
	simgrid_init(argc, argv);
	for (size_t i = 0; i < CLI_NINTERRUPTS; i++)
		sigaction(cli_interrupts[i], &was[i], NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void sg_start(struct sim *s)
{
	static char *argv[SG_ARGV_MAX];
	static char name[] = "zswapsim", quiet[] = "--log=root.thresh:warning";
	int argc = 0;

	argv[argc++] = name;
	argv[argc++] = quiet;
#if defined(__SANITIZE_ADDRESS__)
	static char thread[] = "--cfg=contexts/factory:thread";
	argv[argc++] = thread;
#endif
	for (int i = 0; i < s->sg_argc && argc < SG_ARGV_MAX - 1; i++)
		if (!strncmp(s->sg_argv[i], "--", 2))   /* the CLI's argv[0] stays out */
			argv[argc++] = s->sg_argv[i];
	argv[argc] = NULL;
	sg_init_keeping_signals(&argc, argv);
}

/* Actor stacks, KiB.  Below the minimum an actor overflows its stack in the
 * codecs (measured on configs/experiments/replay-default.json under simgrid: lz4 crashes with
 * 16 KiB and runs with 32; a workload run crashes with 8); SimGrid itself
 * accepts any value, down to 1 and -1, and the run dies of SIGSEGV. */
#define SG_STACK_MIN_KIB 256
#define SG_STACK_MAX_KIB 65536

/* The options whose values we can check before SimGrid sees them. */
static int check_known_option(const char *arg, char *err, size_t errlen)
{
	static const char *const stack[] = { "--cfg=contexts/stack-size:", "--cfg=contexts/stack_size:" };

	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(stack[i]);
		if (strncmp(arg, stack[i], n))
			continue;
		char *end;
		errno = 0;
		long v = strtol(arg + n, &end, 10);
		if (end == arg + n || *end || errno || v < SG_STACK_MIN_KIB || v > SG_STACK_MAX_KIB) {
			snprintf(err, errlen, "SimGrid option %s: want a stack size of %d..%d KiB",
				 arg, SG_STACK_MIN_KIB, SG_STACK_MAX_KIB);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * SimGrid rejects a bad --cfg/--log option by throwing or by xbt_die(), both of
 * which abort the process.  Try them first in a child whose stderr we read, and
 * turn a failure into one line of error: bad input, exit 2, no report.
 */
int sg_check_options(struct sim *s, char *err, size_t errlen)
{
	int fds[2], status;
	int any = 0;

	for (int i = 0; i < s->sg_argc; i++)
		if (!strncmp(s->sg_argv[i], "--", 2)) {
			int r = check_known_option(s->sg_argv[i], err, errlen);
			if (r)
				return r;
			any++;
		}
	if (!any)
		return 0;
	if (any > SG_USER_OPTIONS_MAX) {   /* sg_start() would drop the rest */
		snprintf(err, errlen, "%d SimGrid options (--cfg/--log): at most %d", any,
			 SG_USER_OPTIONS_MAX);
		return -E2BIG;
	}
	if (pipe(fds))
		return 0;   /* cannot check: SimGrid reports it itself */
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	if (!pid) {
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		sg_start(s);
		_exit(0);
	}
	close(fds[1]);
	char buf[8192], chunk[4096];
	size_t n = 0;
	ssize_t got;
	/* read to EOF (the child may print a lot), keep the beginning */
	while ((got = read(fds[0], chunk, sizeof(chunk))) > 0) {
		size_t take = (size_t)got < sizeof(buf) - 1 - n ? (size_t)got : sizeof(buf) - 1 - n;
		memcpy(buf + n, chunk, take);
		n += take;
	}
	buf[n] = 0;
	close(fds[0]);
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	/* the first line with text after SimGrid's "[time] file: [category] " prefix */
	const char *msg = "rejected by SimGrid";
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char *text = strstr(line, "] ");
		text = text ? strstr(text + 2, "] ") : NULL;
		text = text ? text + 2 : line;
		while (*text == ' ')
			text++;
		if (*text && line[0] != ' ') {
			const char *colon = strstr(text, ": ");
			if (!strncmp(text, "Uncaught exception ", 19) && colon)
				text = (char *)colon + 2;   /* drop the C++ exception type */
			msg = text;
			break;
		}
	}
	snprintf(err, errlen, "SimGrid option (--cfg/--log): %s", msg);
	return -EINVAL;
}
