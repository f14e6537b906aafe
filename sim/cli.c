/* SPDX-License-Identifier: MIT */
/*
 * What every subcommand shares: the one-line error on stderr and the one
 * mapping from a library's negative errno to the process exit status.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "sim/cli.h"
#include "sim/config.h"

const char *cli_self_path = "zswapsim";

/* One line, whatever the message quotes: a key, a memcg name or a path as the
 * user wrote it may hold a newline, shown as '?' (cfg_err_one_line()). */
void cli_error(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg_err_one_line(msg, sizeof(msg));
	fprintf(stderr, "zswapsim: %s\n", msg);
}

/*
 * Libraries return 0 or a negative errno with a message.  The machine or the
 * run failing (memory, disk, I/O, a broken internal check, a resource busy or
 * exhausted) is a runtime failure; anything else means the input or the
 * command line was bad: a missing or unreadable file, a malformed record, a
 * value out of range, an output path that cannot be created.
 */
int cli_exit_status(int ret)
{
	if (ret >= 0)
		return EXIT_OK;
	switch (-ret) {
	case ENOMEM:
	case EIO:
	case ENOSPC:
	case EFBIG:          /* RLIMIT_FSIZE or the file system's limit */
	case EROFS:
	case EDQUOT:
	case EFAULT:
	case EBUSY:
	case EAGAIN:
	case EINTR:
	case EMFILE:
	case ENFILE:
	case EPIPE:
	case ECHILD:
		return EXIT_RUNTIME;
	default:
		return EXIT_USAGE;
	}
}
