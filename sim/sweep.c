/* SPDX-License-Identifier: MIT */
/*
 * zswapsim sweep SWEEP.json [-j N] [-o DIR] [--emit slurm|parallel]
 * zswapsim sweep --collect DIR
 *
 * Runs every point of a sweep as its own `zswapsim run` process (SimGrid
 * allows one engine per process), N at a time, skipping points whose report
 * is already there for the same config, then writes the summary.  SIGINT,
 * SIGTERM or SIGHUP stops starting points, passes the signal on to the
 * running ones and keeps the finished ones: reports are written atomically,
 * so an interrupted point simply has none and runs next time.  The sweep
 * then writes the summary of what finished and exits 128 + the signal.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/cli.h"
#include "sim/sweep.h"

static const char sweep_usage[] =
	"usage: zswapsim sweep SWEEP.json [-j N] [-o DIR] [--emit slurm|parallel]\n"
	"       zswapsim sweep --collect DIR\n"
	"\n"
	"Run every point of a sweep (docs/sweeps.md), each as `zswapsim run BASE --set ...`\n"
	"in its own process, and write DIR/summary.json and DIR/summary.csv (with\n"
	"repetitions also DIR/summary-groups.csv: mean, min, max, 95 % CI).  Before any\n"
	"point runs, the traces of \"trace_gen\" are generated into DIR/traces and every\n"
	"point's setup is checked.  Points whose report already exists for the same\n"
	"effective config, trace and page store are not run again.\n"
	"  -j, --jobs N         points run at once (default: the number of online CPUs)\n"
	"  -o, --output DIR     output directory (default: out/sweeps/<sweep name>)\n"
	"  --emit slurm         write DIR/jobs.txt and DIR/sweep.slurm (a job array) instead of running\n"
	"  --emit parallel      write DIR/jobs.txt, one shell command per point, for GNU parallel\n"
	"  --collect DIR        build the summary of DIR from the reports found there\n"
	"  --list               print the points (id, done or todo, axis values) and exit\n"
	"Exit status: 0 every point finished, 1 a point failed, 2 bad usage or a bad sweep\n"
	"file, 128 + N interrupted by signal N (130: SIGINT; rerun to resume).\n";

/* One running point. */
struct job {
	pid_t pid;
	size_t point;
};

struct sweep_run {
	const struct sweep_plan *plan;
	const char *dir;
	int jobs;
	int tty;
	size_t total, todo, done_before, finished, failed;
	struct job *running;
	size_t nrunning;
	double start;
	int start_failed;       /* a point could not be started: the sweep stopped */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void default_dir(const char *sweep, char *buf, size_t len)
{
	const char *name = strrchr(sweep, '/');
	name = name ? name + 1 : sweep;
	size_t n = strlen(name);
	if (n > 5 && !strcmp(name + n - 5, ".json"))
		n -= 5;
	snprintf(buf, len, "out/sweeps/%.*s", (int)n, name);
}

/* ---- progress ------------------------------------------------------------------ */

static void progress_bar(const struct sweep_run *s)
{
	if (!s->tty)
		return;
	size_t done = s->done_before + s->finished, width = 30;
	size_t fill = s->total ? done * width / s->total : width;
	char bar[64], eta[32] = "--:--";
	for (size_t i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[width] = 0;
	size_t ran = s->finished, left = s->todo - s->finished;
	if (ran) {
		long secs = (long)((now_s() - s->start) / (double)ran * (double)left + 0.5);
		snprintf(eta, sizeof(eta), "%ld:%02ld", secs / 60, secs % 60);
	}
	fprintf(stderr, "\r\033[K[%s] %zu/%zu done, %zu running, %zu failed, ETA %s", bar, done,
		s->total, s->nrunning, s->failed, eta);
	fflush(stderr);
}

/* One line per finished point: above the bar on a terminal, alone otherwise. */
static void point_line(const struct sweep_run *s, size_t i, const char *what)
{
	const struct sweep_point *pt = &s->plan->points[i];
	char *axes = json_dumps(pt->axes, JSON_COMPACT);
	if (s->tty)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "sweep: [%zu/%zu] %s %s %s\n", s->done_before + s->finished, s->total, pt->id,
		what, axes ? axes : "");
	free(axes);
	progress_bar(s);
}

/* ---- running points ------------------------------------------------------------ */

static int redirect(const char *path, int fd)
{
	int f = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (f < 0 || dup2(f, fd) < 0)
		return -1;
	close(f);
	return 0;
}

/* argv of `zswapsim run BASE --set ... -q -o DIR/points/<id>/report.json`. */
static char **run_argv(const struct sweep_plan *p, const struct sweep_point *pt, const char *report)
{
	char **argv = calloc(2 * pt->noverrides + 8, sizeof(char *));
	if (!argv)
		return NULL;
	size_t n = 0;
	argv[n++] = (char *)cli_self_path;
	argv[n++] = "run";
	argv[n++] = (char *)p->base;
	for (size_t i = 0; i < pt->noverrides; i++) {
		argv[n++] = "--set";
		argv[n++] = pt->overrides[i];
	}
	argv[n++] = "-q";
	argv[n++] = "-o";
	argv[n++] = (char *)report;
	return argv;
}

/* The point runs with the signal mask the sweep started with, and the
 * interrupts it holds at their default action until the run installs its own
 * handler: the sweep's (sim/interrupt.c), inherited by the fork, would speak
 * for the sweep in the point's stderr.txt. */
static pid_t start_point(struct sweep_run *s, size_t i, const sigset_t *child_mask,
			 const sigset_t *interrupts)
{
	const struct sweep_point *pt = &s->plan->points[i];
	char report[2048], out[2048], errf[2048];
	sweep_point_path(s->dir, pt, "report.json", report, sizeof(report));
	sweep_point_path(s->dir, pt, "stdout.txt", out, sizeof(out));
	sweep_point_path(s->dir, pt, "stderr.txt", errf, sizeof(errf));
	char **argv = run_argv(s->plan, pt, report);
	if (!argv)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		for (int sig = 1; sig < NSIG; sig++)
			if (sigismember(interrupts, sig))
				signal(sig, SIG_DFL);
		sigprocmask(SIG_SETMASK, child_mask, NULL);
		if (redirect(out, STDOUT_FILENO) || redirect(errf, STDERR_FILENO))
			_exit(126);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		if (strchr(cli_self_path, '/'))
			execv(cli_self_path, argv);
		else
			execvp(cli_self_path, argv);
		fprintf(stderr, "zswapsim sweep: cannot execute %s: %s\n", cli_self_path, strerror(errno));
		_exit(127);
	}
	free(argv);
	return pid;
}

/* A killed run leaves no report, but may leave its report's temp file. */
static void remove_partial(const char *dir, const struct sweep_point *pt)
{
	char pattern[2100];
	glob_t g;
	sweep_point_path(dir, pt, "report.json.tmp.*", pattern, sizeof(pattern));
	if (!glob(pattern, 0, NULL, &g))
		for (size_t i = 0; i < g.gl_pathc; i++)
			unlink(g.gl_pathv[i]);
	globfree(&g);
}

/* Append why a point failed when its own stderr does not say. */
static void note_failure(const char *dir, const struct sweep_point *pt, int status, char *msg,
			 size_t len)
{
	sweep_point_error(dir, pt, msg, len);
	if (WIFSIGNALED(status))
		snprintf(msg, len, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (!msg[0] || WEXITSTATUS(status) == 0)
		snprintf(msg, len, "exit status %d%s", WEXITSTATUS(status),
			 WEXITSTATUS(status) == 0 ? " but no report for this config" : "");
	else
		return;
	char path[2048];
	sweep_point_path(dir, pt, "stderr.txt", path, sizeof(path));
	FILE *f = fopen(path, "a");
	if (f) {
		fprintf(f, "zswapsim sweep: %s\n", msg);
		fclose(f);
	}
}

/* A run ended by an interrupt: its own handler's exit status (sim/interrupt.c),
 * or killed by it (a run that had not installed the handler yet). */
static int point_interrupted(int status)
{
	if (WIFSIGNALED(status))
		return cli_is_interrupt(WTERMSIG(status));
	return WIFEXITED(status) && WEXITSTATUS(status) > 128 &&
	       cli_is_interrupt(WEXITSTATUS(status) - 128);
}

static void reap(struct sweep_run *s, int interrupted)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		size_t k;
		for (k = 0; k < s->nrunning && s->running[k].pid != pid; k++)
			;
		if (k == s->nrunning)
			continue;
		size_t i = s->running[k].point;
		s->running[k] = s->running[--s->nrunning];
		const struct sweep_point *pt = &s->plan->points[i];
		remove_partial(s->dir, pt);
		/* Stopped by us, or by the Ctrl-C the terminal sent to the whole
		 * process group before we saw it: not a failure, it runs next time. */
		if (!sweep_point_done(s->dir, pt) && (interrupted || point_interrupted(status)))
			continue;
		s->finished++;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && sweep_point_done(s->dir, pt)) {
			if (!s->tty)   /* the bar shows it on a terminal */
				point_line(s, i, "ok");
			else
				progress_bar(s);
		} else {
			char msg[1024], what[1100];
			note_failure(s->dir, pt, status, msg, sizeof(msg));
			snprintf(what, sizeof(what), "FAILED (%s)", msg);
			s->failed++;
			point_line(s, i, what);
		}
	}
}

/* Pass sig on to the running points, which remove their temp files and
 * exit (sim/interrupt.c); SIGKILL what is still there 5 s later. */
static void stop_running(struct sweep_run *s, int sig)
{
	for (size_t k = 0; k < s->nrunning; k++)
		kill(s->running[k].pid, sig);
	for (int waited = 0; s->nrunning; waited++) {
		size_t before = s->nrunning;
		reap(s, 1);
		if (s->nrunning != before)
			continue;
		if (waited == 500)
			for (size_t k = 0; k < s->nrunning; k++)
				kill(s->running[k].pid, SIGKILL);
		usleep(10000);
	}
}

static void on_sigchld(int sig)
{
	(void)sig;
}

/* SIGINT, SIGTERM, SIGHUP and SIGCHLD are held (blocked, then taken with
 * sigtimedwait) from before the first point starts until the summary is
 * written: a signal at any moment of the run, even after the last point
 * finished, stops the sweep only once the summary says what finished.  An
 * interrupt ignored since the start is left out: Linux queues a blocked
 * signal even when it is ignored, and sigtimedwait() would take it. */
struct held_signals {
	sigset_t set, stop, old;
};

static void hold_signals(struct held_signals *h)
{
	struct sigaction was;

	sigemptyset(&h->stop);
	for (size_t i = 0; i < CLI_NINTERRUPTS; i++)
		if (!sigaction(cli_interrupts[i], NULL, &was) && was.sa_handler != SIG_IGN)
			sigaddset(&h->stop, cli_interrupts[i]);
	h->set = h->stop;
	sigaddset(&h->set, SIGCHLD);
	struct sigaction sa = { .sa_handler = on_sigchld };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigprocmask(SIG_BLOCK, &h->set, &h->old);
}

/* Take any interrupt still pending, then unblock: the signal that was
 * held, or 0. */
static int release_signals(struct held_signals *h)
{
	struct timespec zero = { 0, 0 };
	int sig = sigtimedwait(&h->stop, NULL, &zero);
	sigprocmask(SIG_SETMASK, &h->old, NULL);
	signal(SIGCHLD, SIG_DFL);
	return sig > 0 ? sig : 0;
}

/* Run the points not done yet, with the signals held.  Returns the signal
 * that interrupted the run, or 0. */
static int run_points(struct sweep_run *s, const char *pending, const struct held_signals *h)
{
	size_t next = 0;
	int interrupted = 0;
	s->start = now_s();
	progress_bar(s);
	for (;;) {
		reap(s, 0);
		while (!interrupted && s->nrunning < (size_t)s->jobs && next < s->total) {
			if (!pending[next]) {
				next++;
				continue;
			}
			pid_t pid = start_point(s, next, &h->old, &h->stop);
			if (pid < 0) {
				cli_error("sweep: cannot start point %s: %s", s->plan->points[next].id,
					  strerror(errno));
				s->start_failed = 1;
				break;
			}
			s->running[s->nrunning++] = (struct job){ pid, next++ };
			progress_bar(s);
		}
		if (interrupted || s->start_failed || (!s->nrunning && next >= s->total))
			break;
		struct timespec tick = { 1, 0 };
		int sig = sigtimedwait(&h->set, NULL, &tick);
		if (sig > 0 && sig != SIGCHLD)
			interrupted = sig;
		if (sig < 0 || sig == SIGCHLD)
			progress_bar(s);
	}
	if (interrupted || s->start_failed)
		stop_running(s, interrupted ? interrupted : SIGTERM);
	if (s->tty)
		fputs("\r\033[K", stderr);
	return interrupted;
}

/* ---- emitting jobs -------------------------------------------------------------- */

/* Single-quote s for the shell. */
static void shell_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* s as one shell word: as is when nothing in it is special to the shell. */
static void shell_word(FILE *f, const char *s)
{
	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			    "_/.,:+-=@%") == strlen(s))
		fputs(s, f);
	else
		shell_quote(f, s);
}

static void job_line(FILE *f, const struct sweep_plan *p, const struct sweep_point *pt,
		     const char *cwd, const char *bin, const char *dir)
{
	char path[2048];
	fputs("cd ", f);
	shell_quote(f, cwd);
	fputs(" && ", f);
	shell_quote(f, bin);
	fputs(" run ", f);
	shell_quote(f, p->base);
	for (size_t i = 0; i < pt->noverrides; i++) {
		fputs(" --set ", f);
		shell_quote(f, pt->overrides[i]);
	}
	fputs(" -q -o ", f);
	sweep_point_path(dir, pt, "report.json", path, sizeof(path));
	shell_quote(f, path);
	fputs(" >", f);
	sweep_point_path(dir, pt, "stdout.txt", path, sizeof(path));
	shell_quote(f, path);
	fputs(" 2>", f);
	sweep_point_path(dir, pt, "stderr.txt", path, sizeof(path));
	shell_quote(f, path);
	fputc('\n', f);
}

static int emit(const struct sweep_plan *p, const char *dir, const char *pending, size_t todo,
		const char *kind)
{
	char cwd[1024], bin[1024], absdir[1024], path[2100], err[2300];
	if (!getcwd(cwd, sizeof(cwd)) || !realpath(dir, absdir)) {
		cli_error("sweep: %s: %s", dir, strerror(errno));
		return EXIT_RUNTIME;
	}
	if (!strchr(cli_self_path, '/') || !realpath(cli_self_path, bin))
		snprintf(bin, sizeof(bin), "%s", cli_self_path);

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f) {
		cli_error("sweep: out of memory");
		return EXIT_RUNTIME;
	}
	for (size_t i = 0; i < p->npoints; i++)
		if (pending[i])
			job_line(f, p, &p->points[i], cwd, bin, absdir);
	fclose(f);
	snprintf(path, sizeof(path), "%s/jobs.txt", absdir);
	int r = outfile_write_text(path, text, err, sizeof(err));
	free(text);
	if (r) {
		cli_error("%s", err);
		return cli_exit_status(r);
	}
	printf("%s: %zu job%s (%zu of %zu points already done)\n", path, todo, PLURAL(todo),
	       p->npoints - todo, p->npoints);
	if (!strcmp(kind, "parallel")) {
		fputs("run:     parallel -j N < ", stdout);
		shell_word(stdout, path);
		fputs("\nthen:    ", stdout);
		shell_word(stdout, bin);
		fputs(" sweep --collect ", stdout);
		shell_word(stdout, absdir);
		fputc('\n', stdout);
		return EXIT_OK;
	}
	snprintf(path, sizeof(path), "%s/sweep.slurm", absdir);
	if (!todo) {
		unlink(path);   /* an array of no task cannot be submitted */
		printf("every point is done: nothing to submit\n");
		return EXIT_OK;
	}
	f = open_memstream(&text, &len);
	if (!f) {
		cli_error("sweep: out of memory");
		return EXIT_RUNTIME;
	}
	fprintf(f, "#!/bin/bash\n"
		   "# Slurm job array of the sweep %s: one point per task.\n"
		   "# Submit with `sbatch %s/sweep.slurm`; when it is done, build the summary\n"
		   "# with `%s sweep --collect %s`.\n"
		   "#SBATCH --job-name=zswapsim-sweep\n"
		   "#SBATCH --array=1-%zu\n"
		   "#SBATCH --ntasks=1\n"
		   "#SBATCH --cpus-per-task=1\n"
		   "#SBATCH --output=%s/points/slurm-%%A_%%a.out\n"
		   "set -euo pipefail\n"
		   "line=$(sed -n \"${SLURM_ARRAY_TASK_ID}p\" %s/jobs.txt)\n"
		   "exec bash -c \"$line\"\n",
		p->sweep, absdir, bin, absdir, todo, absdir, absdir);
	fclose(f);
	r = outfile_write_text(path, text, err, sizeof(err));
	free(text);
	if (r || chmod(path, 0755)) {
		cli_error("%s", r ? err : strerror(errno));
		return r ? cli_exit_status(r) : EXIT_RUNTIME;
	}
	printf("%s: array of %zu task%s; submit with: sbatch ", path, todo, PLURAL(todo));
	shell_word(stdout, path);
	fputc('\n', stdout);
	return EXIT_OK;
}

/* ---- summary ------------------------------------------------------------------- */

/* A metric that no finished report has is most likely a misspelt path: its
 * column would be empty without a word. */
static void warn_unmatched_metrics(const json_t *sum, size_t nok)
{
	const json_t *points = json_object_get(sum, "points"), *m, *row;
	size_t i, j;

	if (!nok)
		return;
	json_array_foreach(json_object_get(sum, "metrics"), i, m) {
		int found = 0;

		json_array_foreach(points, j, row) {
			const json_t *v = json_object_get(json_object_get(row, "metrics"),
							  json_string_value(m));
			if (v && !json_is_null(v)) {
				found = 1;
				break;
			}
		}
		if (!found)
			fprintf(stderr, "sweep: warning: metric '%s' is in none of the %zu finished "
				"report%s (a misspelt path? docs/report-schema.md names them)\n",
				json_string_value(m), nok, PLURAL(nok));
	}
}

static int write_summary(const struct sweep_plan *p, const char *dir, size_t *nok, size_t *nbad)
{
	char err[2300];
	json_t *sum = sweep_summary(p, dir, nok, nbad);
	int r = sum ? sweep_summary_write(sum, dir, err, sizeof(err)) : -ENOMEM;

	if (!r)
		warn_unmatched_metrics(sum, *nok);
	json_decref(sum);
	if (r) {
		cli_error("%s", sum ? err : "out of memory");
		return cli_exit_status(r);
	}
	return EXIT_OK;
}

/* Finished points are reused whatever build made them (a changed simulator
 * keeps the config hash): say so when the reports come from several builds. */
static void warn_mixed_builds(const struct sweep_plan *p, const char *dir)
{
	json_t *revs = json_object();
	char rev[64];
	for (size_t i = 0; i < p->npoints; i++) {
		if (sweep_point_git_rev(dir, &p->points[i], rev, sizeof(rev)))
			continue;
		json_t *n = json_object_get(revs, rev);
		json_object_set_new(revs, rev, json_integer(n ? json_integer_value(n) + 1 : 1));
	}
	if (json_object_size(revs) > 1) {
		const char *k;
		json_t *n;
		fprintf(stderr, "sweep: warning: the reports in %s come from %zu builds (", dir,
			json_object_size(revs));
		int first = 1;
		json_object_foreach(revs, k, n) {
			fprintf(stderr, "%s%s: %lld points", first ? "" : ", ", k, (long long)json_integer_value(n));
			first = 0;
		}
		fprintf(stderr, "); delete %s/points to rerun them all with this one\n", dir);
	}
	json_decref(revs);
}

/* The sweep's one line about an interrupt, after the summary is written;
 * the exit status it makes. */
static int say_interrupted(int sig, int after_last, size_t nok, size_t npoints, const char *dir)
{
	if (after_last)
		cli_error("interrupted (%s) after the last point finished: the summary is complete",
			  cli_signal_name(sig));
	else
		cli_error("interrupted (%s): %zu of %zu point%s done, summary in %s/summary.json; "
			  "rerun the sweep to resume", cli_signal_name(sig), nok, npoints,
			  PLURAL(npoints), dir);
	return EXIT_INTERRUPTED(sig);
}

static int collect(const char *dir)
{
	struct sweep_plan p;
	char err[2300];
	int r = sweep_plan_read(&p, dir, err, sizeof(err));
	if (r) {
		cli_error("%s", err);
		return EXIT_USAGE;
	}
	size_t nok, nbad;
	warn_mixed_builds(&p, dir);
	int status = write_summary(&p, dir, &nok, &nbad);
	if (!status) {
		printf("sweep: %zu point%s: %zu finished, %zu not (failed, missing or stale); "
		       "summary in %s/summary.json\n", p.npoints, PLURAL(p.npoints), nok, nbad, dir);
		status = nbad ? EXIT_RUNTIME : EXIT_OK;
	}
	sweep_plan_free(&p);
	return status;
}

/* One line per point: id, done or todo in DIR, axis values. */
static void list_points(const struct sweep_plan *p, const char *dir)
{
	for (size_t i = 0; i < p->npoints; i++) {
		char *axes = json_dumps(p->points[i].axes, JSON_COMPACT);
		printf("%s %s %s\n", p->points[i].id, sweep_point_done(dir, &p->points[i]) ? "done" : "todo",
		       axes ? axes : "");
		free(axes);
	}
}

/* ---- command ------------------------------------------------------------------- */

static int parse_jobs(const char *s, int *jobs)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*end || n < 1 || n > 1024) {
		cli_error("sweep: -j takes a number of processes in [1, 1024], not '%s'", s);
		return -1;
	}
	*jobs = (int)n;
	return 0;
}

int cmd_sweep(int argc, char **argv)
{
	const char *file = NULL, *dir = NULL, *kind = NULL, *collect_dir = NULL;
	int list = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int jobs = cpus > 0 ? (int)cpus : 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(sweep_usage, stdout);
			return EXIT_OK;
		} else if ((!strcmp(a, "-j") || !strcmp(a, "--jobs")) && v) {
			if (parse_jobs(v, &jobs))
				return EXIT_USAGE;
			i++;
		} else if (!strncmp(a, "-j", 2) && a[2]) {
			if (parse_jobs(a + 2, &jobs))
				return EXIT_USAGE;
		} else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && v) {
			dir = argv[++i];
		} else if (!strcmp(a, "--emit") && v) {
			kind = argv[++i];
			if (strcmp(kind, "slurm") && strcmp(kind, "parallel")) {
				cli_error("sweep: --emit takes slurm or parallel, not '%s'", kind);
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--list")) {
			list = 1;
		} else if (!strcmp(a, "--collect") && v) {
			collect_dir = argv[++i];
		} else if (a[0] == '-' || file) {
			cli_error("sweep: unexpected argument '%s' (see zswapsim sweep --help)", a);
			return EXIT_USAGE;
		} else {
			file = a;
		}
	}
	if (collect_dir)
		return file || kind ? (cli_error("sweep: --collect takes only DIR"), EXIT_USAGE)
				    : collect(collect_dir);
	if (!file) {
		cli_error("sweep: expected SWEEP.json or --collect DIR (see zswapsim sweep --help)");
		return EXIT_USAGE;
	}

	struct sweep_plan p;
	char err[4096], defdir[1100];
	int r = sweep_plan_load(&p, file, err, sizeof(err));
	if (r) {
		cli_error("%s", err);
		return cli_exit_status(r);
	}
	if (!dir) {
		default_dir(file, defdir, sizeof(defdir));
		dir = defdir;
	}
	/* nothing runs before every point's whole setup was checked */
	r = sweep_plan_prepare(&p, dir, cli_self_path, err, sizeof(err));
	if (r == -EINTR) {
		int sig = sweep_prepare_signal();

		cli_error("interrupted (%s) while preparing the points: nothing run",
			  cli_signal_name(sig));
		sweep_plan_free(&p);
		return EXIT_INTERRUPTED(sig);
	}
	if (r) {
		cli_error("%s", err);
		sweep_plan_free(&p);
		return r == -EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
	}
	int status = EXIT_RUNTIME;
	if (list) {
		list_points(&p, dir);
		sweep_plan_free(&p);
		return EXIT_OK;
	}
	char *pending = calloc(p.npoints + 1, 1);
	struct job *running = calloc((size_t)jobs, sizeof(*running));
	if (!pending || !running || sweep_mkdirs(dir, err, sizeof(err)) ||
	    sweep_plan_write(&p, dir, err, sizeof(err))) {
		cli_error("%s", pending && running ? err : "out of memory");
		goto out;
	}
	/* points that run at once fill the CPUs already: no codec workers
	 * (sim/codec_ahead.c) of their own, unless the user asked for them */
	if (jobs > 1 && !getenv("ZSWAPSIM_CODEC_THREADS"))
		setenv("ZSWAPSIM_CODEC_THREADS", "0", 0);
	struct sweep_run s = { .plan = &p, .dir = dir, .jobs = jobs, .tty = isatty(STDERR_FILENO),
			       .total = p.npoints, .running = running };
	for (size_t i = 0; i < p.npoints; i++) {
		pending[i] = !sweep_point_done(dir, &p.points[i]);
		s.todo += pending[i];
	}
	s.done_before = p.npoints - s.todo;
	if (kind) {
		status = emit(&p, dir, pending, s.todo, kind);
		goto out;
	}
	fprintf(stderr, "sweep: %zu point%s, %zu already done, running %zu with -j %d into %s\n",
		p.npoints, PLURAL(p.npoints), s.done_before, s.todo, jobs, dir);
	struct held_signals held;
	hold_signals(&held);
	int interrupted = run_points(&s, pending, &held);
	warn_mixed_builds(&p, dir);
	size_t nok, nbad;
	status = write_summary(&p, dir, &nok, &nbad);
	int late = release_signals(&held);   /* after the summary is written */
	if (status)
		goto out;
	printf("sweep: %zu point%s: %zu run, %zu skipped (already done), %zu failed%s; summary in "
	       "%s/summary.json\n", p.npoints, PLURAL(p.npoints), s.finished, s.done_before, s.failed,
	       interrupted || s.start_failed ? ", interrupted (rerun to resume)" : "", dir);
	status = nbad || s.start_failed ? EXIT_RUNTIME : EXIT_OK;
	if (interrupted || late)
		status = say_interrupted(interrupted ? interrupted : late, !interrupted, nok,
					 p.npoints, dir);
out:
	free(pending);
	free(running);
	sweep_plan_free(&p);
	return status;
}
