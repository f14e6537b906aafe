/* SPDX-License-Identifier: MIT */
/*
 * The one exit-status policy of the CLI (sim/cli.c): a library's negative
 * errno becomes 1 when the machine failed the run and 2 when the input was
 * bad, whatever subcommand returns it.
 */
#include <check.h>
#include <errno.h>

#include "sim/cli.h"
#include "tests/unit/support_zswap.h"

START_TEST(test_exit_status)
{
	ck_assert_int_eq(cli_exit_status(0), EXIT_OK);
	ck_assert_int_eq(cli_exit_status(1), EXIT_OK);
	/* the machine or the run failed */
	ck_assert_int_eq(cli_exit_status(-ENOMEM), EXIT_RUNTIME);
	ck_assert_int_eq(cli_exit_status(-EIO), EXIT_RUNTIME);
	ck_assert_int_eq(cli_exit_status(-ENOSPC), EXIT_RUNTIME);
	ck_assert_int_eq(cli_exit_status(-EFBIG), EXIT_RUNTIME);
	ck_assert_int_eq(cli_exit_status(-EROFS), EXIT_RUNTIME);
	ck_assert_int_eq(cli_exit_status(-EDQUOT), EXIT_RUNTIME);
	ck_assert_int_eq(cli_exit_status(-EFAULT), EXIT_RUNTIME);
	ck_assert_int_eq(cli_exit_status(-EBUSY), EXIT_RUNTIME);
	/* the input was bad */
	ck_assert_int_eq(cli_exit_status(-EINVAL), EXIT_USAGE);
	ck_assert_int_eq(cli_exit_status(-ENOENT), EXIT_USAGE);
	ck_assert_int_eq(cli_exit_status(-EACCES), EXIT_USAGE);
	ck_assert_int_eq(cli_exit_status(-ENAMETOOLONG), EXIT_USAGE);
	ck_assert_int_eq(cli_exit_status(-ENOTDIR), EXIT_USAGE);
	ck_assert_int_eq(cli_exit_status(-E2BIG), EXIT_USAGE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_add_test(tc, test_exit_status);
	suite_add_tcase(s, tc);
	return zt_run_suite(s);
}
