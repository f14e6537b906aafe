/* SPDX-License-Identifier: MIT */
/*
 * File scaffolding of the format unit tests (see support_files.h).
 */
#include <check.h>
#include <fcntl.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/support_files.h"

void sf_mkdir(char *dir, size_t len, const char *prefix)
{
	snprintf(dir, len, "/tmp/%s.XXXXXX", prefix);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

void sf_rmdir(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

void sf_write(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

char *sf_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

void sf_patch(const char *path, long off, const void *bytes, size_t len)
{
	int fd = open(path, O_WRONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, bytes, len, off), (ssize_t)len);
	close(fd);
}

size_t sf_replace_line(const char *text, int lineno, const char *line, char *buf, size_t len)
{
	char *copy = strdup(text), *s, *save = NULL;
	size_t off = 0;
	int i = 0;

	ck_assert_ptr_nonnull(copy);
	for (s = strtok_r(copy, "\n", &save); s; s = strtok_r(NULL, "\n", &save)) {
		const char *put = ++i == lineno ? line : s;

		if (put)
			off += (size_t)snprintf(buf + off, len - off, "%s\n", put);
		ck_assert_uint_lt(off, len);
	}
	free(copy);
	return off;
}

void sf_fuzz_file(const char *path, int iterations,
		  int (*try_open)(const char *path, size_t n, char *err, size_t errlen))
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	int bad = 0;
	size_t len;
	char *orig = sf_read(path, &len), err[512];

	gsl_rng_set(rng, 42);
	for (int it = 0; it < iterations; it++) {
		char *buf = malloc(len);
		size_t n = len;

		memcpy(buf, orig, len);
		if (gsl_rng_uniform_int(rng, 4) == 0) {
			n = gsl_rng_uniform_int(rng, len);
		} else {
			int flips = 1 + (int)gsl_rng_uniform_int(rng, 4);

			for (int f = 0; f < flips; f++) {
				size_t at = gsl_rng_uniform_int(rng, len);

				if (gsl_rng_uniform_int(rng, 2))
					buf[at] ^= (char)(1u << gsl_rng_uniform_int(rng, 8));
				else
					buf[at] = (char)gsl_rng_uniform_int(rng, 256);
			}
		}
		sf_write(path, buf, n);
		free(buf);
		err[0] = '\0';
		if (try_open(path, n, err, sizeof(err))) {
			ck_assert_msg(strstr(err, path) && !strchr(err, '\n'), "bad message '%s'", err);
			bad++;
		}
	}
	ck_assert_int_gt(bad, iterations / 2);
	free(orig);
	gsl_rng_free(rng);
}
