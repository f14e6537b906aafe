/* SPDX-License-Identifier: MIT */
/*
 * SIGINT, SIGTERM and SIGHUP during a command that writes files: one line on
 * stderr, the temp files of unfinished outputs removed (traces/outfile.c
 * keeps their names for us), exit status 128 + the signal's number, as a
 * shell reports a process killed by it.  The handler runs at any moment, on
 * any thread, under SimGrid inside an actor: it only calls unlink(), write()
 * and _exit(), and builds its line in a local buffer.
 */
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli.h"
#include "traces/outfile.h"

const int cli_interrupts[CLI_NINTERRUPTS] = { SIGINT, SIGTERM, SIGHUP };

int cli_is_interrupt(int sig)
{
	for (size_t i = 0; i < CLI_NINTERRUPTS; i++)
		if (cli_interrupts[i] == sig)
			return 1;
	return 0;
}

const char *cli_signal_name(int sig)
{
	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	default:
		return "signal";
	}
}

/* A line being built without stdio (not async-signal-safe). */
struct line {
	char buf[200];
	size_t n;
};

static void put(struct line *l, const char *s)
{
	size_t len = strlen(s);   /* async-signal-safe since POSIX 2016 */

	if (len > sizeof(l->buf) - l->n)
		len = sizeof(l->buf) - l->n;
	memcpy(l->buf + l->n, s, len);
	l->n += len;
}

static void put_count(struct line *l, unsigned v)
{
	char digits[12];
	int i = (int)sizeof(digits) - 1;

	digits[i] = 0;
	do
		digits[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	put(l, digits + i);
}

/* What is true when the handler runs: nothing reached its name, or some
 * outputs did before the signal (a rename is never undone). */
static void on_interrupt(int sig)
{
	struct line l = { .n = 0 };
	int done;

	outfile_remove_pending();
	done = outfile_completed();
	put(&l, "zswapsim: interrupted (");
	put(&l, cli_signal_name(sig));
	if (!done) {
		put(&l, "): nothing written\n");
	} else {
		put(&l, "): ");
		put_count(&l, (unsigned)done);
		put(&l, done == 1 ? " file written before it, nothing else\n"
				  : " files written before it, nothing else\n");
	}
	if (write(STDERR_FILENO, l.buf, l.n) < 0) {
		/* nowhere left to say it */
	}
	_exit(EXIT_INTERRUPTED(sig));
}

/* An ignored signal stays ignored (nohup, a background job of a
 * non-interactive shell): whoever started us asked for that. */
void cli_catch_interrupts(void)
{
	struct sigaction old, sa = { .sa_handler = on_interrupt };

	sigfillset(&sa.sa_mask);   /* a second signal waits: one line, one exit */
	for (size_t i = 0; i < CLI_NINTERRUPTS; i++)
		if (!sigaction(cli_interrupts[i], NULL, &old) && old.sa_handler != SIG_IGN)
			sigaction(cli_interrupts[i], &sa, NULL);
}
