/* SPDX-License-Identifier: MIT */
/* Input files (traces/infile.c): only a regular file is opened, a FIFO is
 * refused at once instead of waiting for a writer, and the descriptor reads
 * normally (O_NONBLOCK cleared).  The FIFO is made inside a scratch directory;
 * the test runs in Check's fork mode so a regression that blocks times out. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/support_files.h"
#include "traces/infile.h"

static char dir[256];

static void setup(void)
{
	sf_mkdir(dir, sizeof(dir), "test_infile");
}

static void teardown(void)
{
	sf_rmdir(dir);
}

static const char *in_dir(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

START_TEST(a_regular_file_opens_blocking)
{
	char err[512] = "", buf[8] = "";
	int fd;

	sf_write(in_dir("r.txt"), "abc", 3);
	fd = infile_open(in_dir("r.txt"), err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 3);
	close(fd);
}
END_TEST

/* err is "PATH: why" on one line, the value ret */
static void refused(const char *name, int ret, const char *why)
{
	char err[512] = "", want[600];
	int fret = 1;

	ck_assert_int_eq(infile_open(in_dir(name), err, sizeof(err)), ret);
	snprintf(want, sizeof(want), "%s: %s", in_dir(name), why);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(infile_fopen(in_dir(name), &fret, err, sizeof(err)));
	ck_assert_int_eq(fret, ret);
	ck_assert_str_eq(err, want);
}

START_TEST(only_a_regular_file_is_opened)
{
	ck_assert_int_eq(mkfifo(in_dir("fifo"), 0600), 0);
	refused("fifo", -EINVAL, "not a regular file");
	ck_assert_int_eq(mkdir(in_dir("d"), 0700), 0);
	refused("d", -EISDIR, "is a directory");
	refused("none", -ENOENT, strerror(ENOENT));
}
END_TEST

START_TEST(fopen_reads_a_regular_file)
{
	char err[512] = "", line[16] = "";
	int ret = 1;
	FILE *f;

	sf_write(in_dir("l.txt"), "one\n", 4);
	f = infile_fopen(in_dir("l.txt"), &ret, err, sizeof(err));
	ck_assert_msg(f, "%s", err);
	ck_assert_int_eq(ret, 0);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "one\n");
	fclose(f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("infile");
	TCase *tc = tcase_create("infile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_regular_file_opens_blocking);
	tcase_add_test(tc, only_a_regular_file_is_opened);
	tcase_add_test(tc, fopen_reads_a_regular_file);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
