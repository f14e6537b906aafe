/* SPDX-License-Identifier: MIT */
/* Output files (traces/outfile.c): what may be replaced, the temp file's name,
 * standard output, and no temp file left by a failed write or a fatal signal.
 * Device nodes, FIFOs, sockets and links are made inside a scratch directory. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/support_files.h"
#include "traces/outfile.h"

static char dir[256];

static void setup(void)
{
	sf_mkdir(dir, sizeof(dir), "test_outfile");
}

static void teardown(void)
{
	sf_rmdir(dir);
}

static const char *in_dir(const char *name)
{
	static char path[2][512];
	static int k;

	k ^= 1;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	return path[k];
}

/* Files in dir whose names start with name. */
static size_t count_like(const char *name)
{
	char pattern[600];
	glob_t g;
	size_t n = 0;

	snprintf(pattern, sizeof(pattern), "%s/%s*", dir, name);
	if (!glob(pattern, 0, NULL, &g))
		n = g.gl_pathc;
	globfree(&g);
	return n;
}

static void refused(const char *path, mode_t type)
{
	char err[512];
	struct stat st;

	ck_assert_int_eq(outfile_write_text(path, "x\n", err, sizeof(err)), -EEXIST);
	ck_assert_msg(strstr(err, "exists and is not a regular file"), "%s", err);
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & S_IFMT, type);
}

START_TEST(only_a_regular_file_is_replaced)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char sock[512], err[512], *got;
	size_t n;
	int fd;

	ck_assert_int_eq(mkfifo(in_dir("fifo"), 0600), 0);
	refused(in_dir("fifo"), S_IFIFO);
	/* a character device like /dev/null (its numbers), in the scratch directory */
	ck_assert_int_eq(mknod(in_dir("null"), S_IFCHR | 0600, makedev(1, 3)), 0);
	refused(in_dir("null"), S_IFCHR);
	snprintf(sock, sizeof(sock), "%s", in_dir("sock"));
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_uint_lt(strlen(sock), sizeof(a.sun_path));
	memcpy(a.sun_path, sock, strlen(sock) + 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	refused(sock, S_IFSOCK);
	close(fd);
	ck_assert_int_eq(mkdir(in_dir("d"), 0700), 0);
	refused(in_dir("d"), S_IFDIR);
	sf_write(in_dir("target"), "old\n", 4);
	ck_assert_int_eq(symlink(in_dir("target"), in_dir("link")), 0);
	refused(in_dir("link"), S_IFLNK);
	/* a regular file and a missing path are written */
	ck_assert_int_eq(outfile_write_text(in_dir("target"), "new\n", err, sizeof(err)), 0);
	got = sf_read(in_dir("target"), &n);
	ck_assert_str_eq(got, "new\n");
	free(got);
	ck_assert_int_eq(outfile_write_text(in_dir("fresh"), "a\n", err, sizeof(err)), 0);
	ck_assert_uint_eq(count_like("fresh"), 1);
	ck_assert_uint_eq(count_like("target"), 1);
}
END_TEST

/* The old writer used "<path>.tmp.<pid>" with fopen("w"): a link planted
 * there made it write through the link. */
START_TEST(a_planted_link_is_not_followed)
{
	char link[600], err[512];
	size_t n;
	char *got;

	sf_write(in_dir("victim"), "precious\n", 9);
	snprintf(link, sizeof(link), "%s/out.json.tmp.%d", dir, (int)getpid());
	ck_assert_int_eq(symlink(in_dir("victim"), link), 0);
	ck_assert_int_eq(outfile_write_text(in_dir("out.json"), "{}\n", err, sizeof(err)), 0);
	got = sf_read(in_dir("victim"), &n);
	ck_assert_str_eq(got, "precious\n");
	free(got);
	got = sf_read(in_dir("out.json"), &n);
	ck_assert_str_eq(got, "{}\n");
	free(got);
}
END_TEST

START_TEST(dash_is_standard_output)
{
	char err[512];
	size_t n;
	int fd = open(in_dir("stdout"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int saved = dup(STDOUT_FILENO);
	char *got;

	ck_assert_int_ge(fd, 0);
	fflush(stdout);
	dup2(fd, STDOUT_FILENO);
	ck_assert_int_eq(outfile_write_text("-", "to stdout\n", err, sizeof(err)), 0);
	dup2(saved, STDOUT_FILENO);
	close(fd);
	close(saved);
	got = sf_read(in_dir("stdout"), &n);
	ck_assert_str_eq(got, "to stdout\n");
	free(got);
	ck_assert_uint_eq(count_like("-"), 0);
}
END_TEST

/* A child writes half a file and then meets sig: it dies of it, and its temp
 * file goes with it. */
static void die_while_writing(int sig)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (!pid) {
		struct outfile o;
		char err[512];

		signal(sig, SIG_DFL);   /* not Check's handler, which kills the group */
		if (outfile_open(&o, in_dir("killed.json"), err, sizeof(err)))
			_exit(3);
		fputs("{ \"half\": ", o.f);
		fflush(o.f);
		raise(sig);
		_exit(4);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == sig, "status %#x", status);
	ck_assert_uint_eq(count_like("killed.json"), 0);
}

START_TEST(a_fatal_signal_removes_the_temp_file)
{
	die_while_writing(SIGTERM);
	die_while_writing(SIGINT);
	die_while_writing(SIGHUP);
}
END_TEST

/* A caller's own handler (zswapsim's: sim/interrupt.c) is kept by
 * outfile_open() and cleans up through outfile_remove_pending(); its exit
 * status tells the test what the handler saw: 10 per output completed in the
 * child, 1 per temp file removed. */
static int base_completed;

static void on_term(int sig)
{
	(void)sig;
	_exit((outfile_completed() - base_completed) * 10 + outfile_remove_pending());
}

START_TEST(a_callers_handler_removes_the_pending_temp_files)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (!pid) {
		struct outfile o;
		char err[512];

		base_completed = outfile_completed();
		signal(SIGTERM, on_term);
		if (outfile_write_text(in_dir("done.json"), "{}\n", err, sizeof(err)) ||
		    outfile_open(&o, in_dir("half.json"), err, sizeof(err)))
			_exit(3);
		fputs("{ \"half\": ", o.f);
		fflush(o.f);
		raise(SIGTERM);
		_exit(4);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 11, "status %#x", status);
	ck_assert_uint_eq(count_like("done.json"), 1);   /* the rename stands */
	ck_assert_uint_eq(count_like("half.json"), 0);
}
END_TEST

/* RLIMIT_FSIZE used to kill with SIGXFSZ and leave the temp file: now the
 * write fails with EFBIG and nothing is left. */
START_TEST(a_file_size_limit_fails_the_write)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (!pid) {
		struct rlimit rl = { 4096, 4096 };
		static char big[65536];
		char err[512];

		signal(SIGXFSZ, SIG_DFL);
		memset(big, 'x', sizeof(big) - 1);
		setrlimit(RLIMIT_FSIZE, &rl);
		int r = outfile_write_text(in_dir("big.json"), big, err, sizeof(err));
		_exit(r == -EFBIG && strstr(err, "big.json: write failed: File too large") ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	ck_assert_uint_eq(count_like("big.json"), 0);
}
END_TEST

/* A failed writer (ret < 0) keeps the old file and leaves no temp file. */
START_TEST(a_failed_writer_keeps_the_old_file)
{
	struct outfile o;
	char err[512];
	size_t n;
	char *got;

	sf_write(in_dir("keep"), "old\n", 4);
	ck_assert_int_eq(outfile_open(&o, in_dir("keep"), err, sizeof(err)), 0);
	fputs("partial", o.f);
	ck_assert_int_eq(outfile_close(&o, -EINVAL, err, sizeof(err)), -EINVAL);
	got = sf_read(in_dir("keep"), &n);
	ck_assert_str_eq(got, "old\n");
	free(got);
	ck_assert_uint_eq(count_like("keep"), 1);
}
END_TEST

/* outfile_check() refuses what outfile_open() would, and creates nothing:
 * run -o "newdir/" made newdir, -o "" failed at the rename (": write failed"). */
START_TEST(check_refuses_up_front)
{
	char err[512], path[600];

	ck_assert_int_eq(outfile_check("", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "empty output file name ('')");
	snprintf(path, sizeof(path), "%s/newdir/", dir);
	ck_assert_int_eq(outfile_check(path, err, sizeof(err)), -EISDIR);
	ck_assert_msg(strstr(err, "newdir/: names a directory, not a file"), "%s", err);
	snprintf(path, sizeof(path), "%s/..", dir);
	ck_assert_int_eq(outfile_check(path, err, sizeof(err)), -EISDIR);
	ck_assert_int_eq(outfile_write_text(in_dir("w/"), "x\n", err, sizeof(err)), -EISDIR);
	ck_assert_int_eq(mkfifo(in_dir("fifo"), 0600), 0);
	ck_assert_int_eq(outfile_check(in_dir("fifo"), err, sizeof(err)), -EEXIST);
	ck_assert_int_eq(outfile_check(in_dir("fresh"), err, sizeof(err)), 0);
	ck_assert_int_eq(outfile_check("-", err, sizeof(err)), 0);
	ck_assert_uint_eq(count_like(""), 1);   /* the FIFO only */
}
END_TEST

/* Two files written while held: neither under its name until released. */
static void write_pair(const char *a, const char *b)
{
	struct outfile o;
	char err[512];

	ck_assert_int_eq(outfile_open(&o, in_dir(a), err, sizeof(err)), 0);
	fputs("pages\n", o.f);
	ck_assert_int_eq(outfile_close(&o, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(outfile_open(&o, in_dir(b), err, sizeof(err)), 0);
	fputs("trace\n", o.f);
	ck_assert_int_eq(outfile_close(&o, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(access(in_dir(a), F_OK), -1);
	ck_assert_int_eq(access(in_dir(b), F_OK), -1);
	ck_assert_uint_eq(count_like(a), 1);   /* its temp file */
}

START_TEST(a_held_pair_lands_together_or_not_at_all)
{
	char err[512];
	size_t n;
	char *got;

	outfile_hold();
	write_pair("t.pages", "t.zswt");
	ck_assert_int_eq(outfile_release(0, err, sizeof(err)), 0);
	got = sf_read(in_dir("t.pages"), &n);
	ck_assert_str_eq(got, "pages\n");
	free(got);
	got = sf_read(in_dir("t.zswt"), &n);
	ck_assert_str_eq(got, "trace\n");
	free(got);
	ck_assert_uint_eq(count_like("t."), 2);   /* no temp file */

	/* the writer failed after both closed: both temp files go */
	outfile_hold();
	write_pair("u.pages", "u.zswt");
	ck_assert_int_eq(outfile_release(-EIO, err, sizeof(err)), -EIO);
	ck_assert_uint_eq(count_like("u."), 0);

	/* a failed close of the second file: the first one's temp goes too */
	outfile_hold();
	{
		struct outfile o;

		ck_assert_int_eq(outfile_open(&o, in_dir("v.pages"), err, sizeof(err)), 0);
		ck_assert_int_eq(outfile_close(&o, 0, err, sizeof(err)), 0);
		ck_assert_int_eq(outfile_open(&o, in_dir("v.zswt"), err, sizeof(err)), 0);
		ck_assert_int_eq(outfile_close(&o, -ENOSPC, err, sizeof(err)), -ENOSPC);
		ck_assert_int_eq(outfile_release(-ENOSPC, err, sizeof(err)), -ENOSPC);
	}
	ck_assert_uint_eq(count_like("v."), 0);
	/* released: back to renaming at close */
	ck_assert_int_eq(outfile_write_text(in_dir("w"), "x\n", err, sizeof(err)), 0);
	ck_assert_uint_eq(count_like("w"), 1);
}
END_TEST

/* Outside a handler too: what is pending goes, what is closed is counted. */
START_TEST(pending_and_completed_are_counted)
{
	int before = outfile_completed();
	struct outfile o;
	char err[512];

	ck_assert_int_eq(outfile_write_text(in_dir("c1"), "x\n", err, sizeof(err)), 0);
	ck_assert_int_eq(outfile_completed(), before + 1);
	ck_assert_int_eq(outfile_remove_pending(), 0);
	ck_assert_int_eq(outfile_open(&o, in_dir("c2"), err, sizeof(err)), 0);
	ck_assert_uint_eq(count_like("c2.tmp."), 1);
	ck_assert_int_eq(outfile_remove_pending(), 1);
	ck_assert_uint_eq(count_like("c2"), 0);
	ck_assert_int_eq(outfile_close(&o, -ECANCELED, NULL, 0), -ECANCELED);
	ck_assert_int_eq(outfile_completed(), before + 1);
	/* a held pair counts once both are in place */
	outfile_hold();
	write_pair("c3.pages", "c3.zswt");
	ck_assert_int_eq(outfile_completed(), before + 1);
	ck_assert_int_eq(outfile_release(0, err, sizeof(err)), 0);
	ck_assert_int_eq(outfile_completed(), before + 3);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("outfile");
	TCase *tc = tcase_create("outfile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, only_a_regular_file_is_replaced);
	tcase_add_test(tc, a_planted_link_is_not_followed);
	tcase_add_test(tc, dash_is_standard_output);
	tcase_add_test(tc, a_fatal_signal_removes_the_temp_file);
	tcase_add_test(tc, a_callers_handler_removes_the_pending_temp_files);
	tcase_add_test(tc, pending_and_completed_are_counted);
	tcase_add_test(tc, a_file_size_limit_fails_the_write);
	tcase_add_test(tc, a_failed_writer_keeps_the_old_file);
	tcase_add_test(tc, check_refuses_up_front);
	tcase_add_test(tc, a_held_pair_lands_together_or_not_at_all);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
