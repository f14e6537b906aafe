/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer targets: the parsers under test take a path, not a
 * buffer, so each input is written to a file in a per-process scratch
 * directory and the parser opens that file, exactly as the CLI would.
 */
#ifndef ZSWAPSIM_FUZZ_INPUT_H
#define ZSWAPSIM_FUZZ_INPUT_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The scratch directory, made once per process and removed by the OS's
 * tmp cleaning only: a fuzzer that crashes leaves the input there as well,
 * next to libFuzzer's own crash-* file. */
static inline const char *fuzz_dir(void)
{
	static char dir[64];

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/zswapsim-fuzz-XXXXXX");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			abort();
		}
	}
	return dir;
}

/* Write data to <scratch>/<name> (truncating) and return its path in buf. */
static inline const char *fuzz_write_file(const char *name, const uint8_t *data, size_t size,
					  char *buf, size_t len)
{
	size_t off = 0;
	int fd;

	snprintf(buf, len, "%s/%s", fuzz_dir(), name);
	fd = open(buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		perror(buf);
		abort();
	}
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		if (n <= 0) {
			perror(buf);
			abort();
		}
		off += (size_t)n;
	}
	close(fd);
	return buf;
}

/* A parser's error must be a negative errno with one non-empty line,
 * NUL-terminated inside the buffer.  echoes_input: the message may quote the
 * input verbatim (the config loader names an unknown key as written, and a
 * JSON key may hold "\n"), so a newline there is the input's, not a second
 * line of the message. */
static inline void fuzz_check_err(int ret, const char *err, size_t errlen, int echoes_input)
{
	size_t n = strnlen(err, errlen);

	if (!ret)
		return;
	if (ret > 0 || n == 0 || n == errlen || (!echoes_input && memchr(err, '\n', n))) {
		fprintf(stderr, "bad error report: ret %d, message '%.*s'\n", ret, (int)n, err);
		abort();
	}
}

#endif
