/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer targets: the parsers under test take a path, not a
 * buffer, so each input is written to a file in a per-process scratch
 * directory and the parser opens that file, exactly as the CLI would.
 */
#ifndef ZSWAPSIM_FUZZ_INPUT_H
#define ZSWAPSIM_FUZZ_INPUT_H

#include <ftw.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_scratch[64];

/* Empty and remove the scratch directory at exit (libFuzzer exit()s at the
 * end of -max_total_time/-runs; after a crash the directory stays, with the
 * last input in it, next to libFuzzer's own crash-* file).  Depth first:
 * the sweep targets write subdirectories. */
static inline int fuzz_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* rm -r path */
static inline void fuzz_rmtree(const char *path)
{
	nftw(path, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void fuzz_dir_remove(void)
{
	fuzz_rmtree(fuzz_scratch);
}

/* The scratch directory, made once per process, in $TMPDIR (default /tmp;
 * scripts/fuzz-smoke.sh uses /dev/shm: the writers fsync their output, which
 * on a disk shared with other builds made a target wait more than it ran). */
static inline const char *fuzz_dir(void)
{
	if (!fuzz_scratch[0]) {
		const char *tmp = getenv("TMPDIR");

		if (!tmp || !*tmp || strlen(tmp) > 32)
			tmp = "/tmp";
		snprintf(fuzz_scratch, sizeof(fuzz_scratch), "%s/zswapsim-fuzz-XXXXXX", tmp);
		if (!mkdtemp(fuzz_scratch)) {
			perror("mkdtemp");
			abort();
		}
		atexit(fuzz_dir_remove);
	}
	return fuzz_scratch;
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
 * NUL-terminated inside the buffer; anything else is reported as a crash. */
static inline void fuzz_check_err(int ret, const char *err, size_t errlen)
{
	size_t n = strnlen(err, errlen);

	if (!ret)
		return;
	if (ret > 0 || n == 0 || n == errlen || memchr(err, '\n', n)) {
		fprintf(stderr, "bad error report: ret %d, message '%.*s'\n", ret, (int)n, err);
		abort();
	}
}

#endif
