/* SPDX-License-Identifier: MIT */
/*
 * The pre-pass of a sweep, before any point runs.
 *
 * The traces of "trace_gen" are generated first, one `zswapsim trace gen`
 * process per distinct set of options, into DIR/traces/<kind>-<checksum>/:
 * named by their content, so a trace is never overwritten, and a point's
 * config hash (which holds the trace's path) changes with what it replays.
 *
 * Then every point's setup is built as `zswapsim run` builds it in
 * sim_setup(), without running: the trace and its page store (opened and
 * checked once per trace), the memcg knobs and the policies with their
 * parameters (sim_zswap_config(), then zswap_create() on a copy of the trace
 * header with one swap slot, so no per-slot state is allocated), and with the
 * simgrid backend the hardware (hw_load(), a core for every stream).  The
 * checksums of the trace and page store become part of the point's resume key.
 */
#include "sim/sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "models/hw.h"
#include "sim/cli.h"
#include "sim/config.h"
#include "sim/sim.h"
#include "sim/workload.h"

/* ---- generated traces ------------------------------------------------------------- */

/* argv of `self trace gen KIND --OPTION value ... --quiet -o out`. */
static char **gen_argv(const char *self, const char *kind, json_t *opts, const char *out)
{
	size_t n = 0, cap = 2 * json_object_size(opts) + 8;
	char **argv = calloc(cap, sizeof(char *));
	const char *name;
	json_t *v;
	if (!argv)
		return NULL;
	argv[n++] = strdup(self);
	argv[n++] = strdup("trace");
	argv[n++] = strdup("gen");
	argv[n++] = strdup(kind);
	json_object_foreach(opts, name, v) {
		char num[40];
		if (json_is_false(v))
			continue;   /* a flag left off */
		if (asprintf(&argv[n++], "--%s", name) < 0)
			argv[n - 1] = NULL;
		if (json_is_true(v))
			continue;
		if (json_is_integer(v))
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		else if (json_is_real(v))
			sweep_format_double(json_real_value(v), num, sizeof(num));
		argv[n++] = strdup(json_is_string(v) ? json_string_value(v) : num);
	}
	argv[n++] = strdup("--quiet");
	argv[n++] = strdup("-o");
	argv[n++] = strdup(out);
	for (size_t i = 0; i < n; i++)
		if (!argv[i]) {
			for (size_t j = 0; j < n; j++)
				free(argv[j]);
			free(argv);
			return NULL;
		}
	return argv;
}

static void free_argv(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/*
 * An interrupt while the traces are generated: the sweep (not holding the
 * signals yet, sim/sweep.c) passes it on to the generator running, waits for
 * it to end, removes its scratch directory and stops with -EINTR before
 * starting anything else.  A kill aimed at the sweep alone would otherwise
 * end the sweep and leave the generator writing an orphan .gen-* directory.
 * An interrupt ignored since the start stays ignored.
 */
static volatile sig_atomic_t prep_signal;
static volatile pid_t prep_child;

static void on_prepare_interrupt(int sig)
{
	prep_signal = sig;
	if (prep_child > 0)
		kill(prep_child, sig);
}

static void catch_prepare_interrupts(struct sigaction was[CLI_NINTERRUPTS])
{
	struct sigaction sa = { .sa_handler = on_prepare_interrupt };

	sigemptyset(&sa.sa_mask);
	prep_signal = 0;
	for (size_t i = 0; i < CLI_NINTERRUPTS; i++)
		if (!sigaction(cli_interrupts[i], NULL, &was[i]) && was[i].sa_handler != SIG_IGN)
			sigaction(cli_interrupts[i], &sa, NULL);
}

static void release_prepare_interrupts(const struct sigaction was[CLI_NINTERRUPTS])
{
	for (size_t i = 0; i < CLI_NINTERRUPTS; i++)
		sigaction(cli_interrupts[i], &was[i], NULL);
}

int sweep_prepare_signal(void)
{
	return prep_signal;
}

/* Run argv with stdout to /dev/null and stderr to errfile; its wait status
 * or -errno.  The child gets the signals the sweep blocks back; an interrupt
 * reaches it through on_prepare_interrupt() (blocked from the fork until its
 * pid is known, so none is lost in between). */
static int run_child(char **argv, const char *errfile)
{
	sigset_t block, old;

	sigemptyset(&block);
	for (size_t i = 0; i < CLI_NINTERRUPTS; i++)
		sigaddset(&block, cli_interrupts[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -e;
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		int out = open("/dev/null", O_WRONLY), err = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (out < 0 || err < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
			_exit(126);
		if (strchr(argv[0], '/'))
			execv(argv[0], argv);
		else
			execvp(argv[0], argv);
		fprintf(stderr, "zswapsim sweep: cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status, r;
	prep_child = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	prep_child = 0;
	return r < 0 ? -errno : status;
}

/* The last non-empty line of a file, into buf. */
static void last_line(const char *path, char *buf, size_t len)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	buf[0] = 0;
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (line[0])
			snprintf(buf, len, "%s", line);
	}
	if (f)
		fclose(f);
}

/* The generator's message for ours: without its "zswapsim: " prefix (ours
 * has one), and its scratch output path (meaningless to the user) named as
 * what it is. */
static void child_message(const char *msg, const char *scratch, char *buf, size_t len)
{
	const char *at;
	size_t n;

	if (!strncmp(msg, "zswapsim: ", 10))
		msg += 10;
	at = strstr(msg, scratch);
	if (!at) {
		snprintf(buf, len, "%s", msg);
		return;
	}
	n = (size_t)(at - msg);
	snprintf(buf, len, "%.*sthe point's trace%s", (int)n, msg, at + strlen(scratch));
}

static void remove_tree(const char *dir)
{
	static const char *const files[] = { "trace.zswt", "trace.pages", "stderr.txt", NULL };
	char path[2200];
	for (int i = 0; files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Generate the trace of one point's options into DIR/traces/<kind>-<checksum>
 * and put its path into out. */
static int generate(const struct sweep_plan *p, const struct sweep_point *pt, const char *dir,
		    const char *self, char *out, size_t outlen, char *err, size_t errlen)
{
	const char *kind = json_string_value(json_object_get(p->trace_gen, "kind"));
	char tmp[2048], trace[2100], errfile[2100], msg[1024], cmsg[1100], what[700], desc[512];
	sweep_point_describe(pt, desc, sizeof(desc));
	snprintf(what, sizeof(what), "trace_gen of point %s (%s)", pt->id, desc);
	snprintf(tmp, sizeof(tmp), "%s/traces", dir);
	int r = sweep_mkdirs(tmp, err, errlen);
	if (r)
		return r;
	snprintf(tmp, sizeof(tmp), "%s/traces/.gen-XXXXXX", dir);
	if (!mkdtemp(tmp)) {
		snprintf(err, errlen, "%s: cannot create directory: %s", tmp, strerror(errno));
		return -EIO;
	}
	snprintf(trace, sizeof(trace), "%s/trace.zswt", tmp);
	snprintf(errfile, sizeof(errfile), "%s/stderr.txt", tmp);
	char **argv = gen_argv(self, kind, pt->gen, trace);
	int status = argv ? run_child(argv, errfile) : -ENOMEM;
	free_argv(argv);
	last_line(errfile, msg, sizeof(msg));
	r = 0;
	if (prep_signal) {
		remove_tree(tmp);
		return -EINTR;     /* whatever became of the generator */
	}
	if (status < 0) {
		snprintf(err, errlen, "%s: %s: %s", p->sweep, what, strerror(-status));
		r = status;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		/* the generator's own message names the bad option */
		child_message(msg, trace, cmsg, sizeof(cmsg));
		snprintf(err, errlen, "%s: %s: %s", p->sweep, what,
			 msg[0] ? cmsg : WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "failed");
		r = WIFEXITED(status) && WEXITSTATUS(status) == 2 ? -EINVAL : -EIO;
	}
	uint64_t sum;
	char cerr[1200];
	if (!r && (r = trace_file_checksum(trace, &sum, cerr, sizeof(cerr))))
		snprintf(err, errlen, "%s: %s: %s", p->sweep, what, cerr);
	if (r) {
		remove_tree(tmp);
		return r;
	}
	unlink(errfile);
	snprintf(out, outlen, "%s/traces/%s-%016" PRIx64, dir, kind, sum);
	struct stat st;
	if (!stat(out, &st) || rename(tmp, out))
		remove_tree(tmp);   /* the same trace is there already */
	if (stat(out, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: cannot keep the generated trace: %s", out, strerror(errno));
		return -EIO;
	}
	strncat(out, "/trace.zswt", outlen - strlen(out) - 1);
	return 0;
}

/* Generate every distinct trace once and point each point at its own. */
static int generate_traces(struct sweep_plan *p, const char *dir, const char *self, char *err,
			   size_t errlen)
{
	json_t *done = json_object();   /* options (canonical JSON) -> trace path */
	int r = 0;
	if (!self) {
		snprintf(err, errlen, "%s: trace_gen: no zswapsim binary to run", p->sweep);
		r = -EINVAL;
	}
	for (size_t i = 0; i < p->npoints && !r && !prep_signal; i++) {
		struct sweep_point *pt = &p->points[i];
		char *key = json_dumps(pt->gen, JSON_COMPACT | JSON_SORT_KEYS), path[2200];
		const char *have = key ? json_string_value(json_object_get(done, key)) : NULL;
		if (!key) {
			r = -ENOMEM;
		} else if (have) {
			snprintf(path, sizeof(path), "%s", have);
		} else if (!(r = generate(p, pt, dir, self, path, sizeof(path), err, errlen))) {
			json_object_set_new(done, key, json_string(path));
		}
		free(key);
		if (r)
			break;
		json_t *v = json_string(path);
		char *val = v ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
		if (!val || asprintf(&pt->overrides[pt->noverrides], "trace.path=%s", val) < 0)
			r = -ENOMEM;
		else
			pt->noverrides++;
		free(val);
		json_decref(v);
	}
	json_decref(done);
	if (r == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", p->sweep);
	return r;
}

/* ---- checking a point's setup ------------------------------------------------------- */

/* The traces the points replay, each opened (and checked) once. */
struct trace_cache {
	struct trace *t;
	size_t n, cap;
};

static struct trace *cached_trace(struct trace_cache *c, const char *path, char *err, size_t errlen,
				  int *r)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->t[i].path, path))
			return &c->t[i];
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;
		struct trace *t = realloc(c->t, cap * sizeof(*t));
		if (!t) {
			*r = -ENOMEM;
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
		c->t = t;
		c->cap = cap;
	}
	*r = trace_open(&c->t[c->n], path, err, errlen);
	return *r ? NULL : &c->t[c->n++];
}

static void trace_cache_free(struct trace_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		trace_close(&c->t[i]);
	free(c->t);
}

/* What sim_setup() checks, without the per-slot state: memcgs, policies and
 * their parameters; with simgrid, the hardware and a core for every stream. */
static int check_setup(const struct cfg *cfg, const struct trace *t, char *err, size_t errlen)
{
	int r = sim_check_memcg_names(cfg, &t->meta, err, errlen);
	if (r)
		return r;
	struct zswap_memcg_desc *desc = calloc(t->meta.memcg_count, sizeof(*desc));
	struct zswap_topology topo;
	if (!desc) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* the model as sim_setup() makes it, with a single slot */
	sim_trace_topology(cfg, &t->meta, desc, &topo);
	topo.nslots = 1;
	struct zswap *zs = zswap_create(&cfg->zswap, &topo, NULL, err, errlen);
	free(desc);
	if (!zs)
		return -EINVAL;
	zswap_destroy(zs);
	if (strcmp(cfg_str(cfg, "timing.backend"), "simgrid"))
		return 0;
	for (unsigned k = 0; !r && k < (t->meta.stream_count ? t->meta.stream_count : 1); k++) {
		unsigned core;
		r = hw_stream_core(&cfg->hw, k, &core, err, errlen);
	}
	return r;
}

/* A workload run's setup as `zswapsim run` builds it (its access source
 * opened, its memcgs, zswap and reclaim models made), without running;
 * with simgrid, a core for every task. */
static int check_workload_setup(struct cfg *cfg, char *err, size_t errlen)
{
	struct sim s;
	int r = sim_setup(&s, cfg, err, errlen);
	if (r)
		return r;
	if (!strcmp(cfg_str(cfg, "timing.backend"), "simgrid"))
		for (unsigned k = 0; !r && k < workload_tasks(&s); k++) {
			unsigned core;
			r = hw_stream_core(&cfg->hw, k, &core, err, errlen);
		}
	sim_teardown(&s);
	return r;
}

static int prepare_point(struct sweep_plan *p, struct sweep_point *pt, struct trace_cache *c,
			 char *err, size_t errlen)
{
	struct cfg cfg;
	char path[2048], cerr[2048];
	int r = sweep_point_config(p, pt, &cfg, err, errlen);
	if (r)
		return r;
	if (!cfg_path(&cfg, "trace.path", path, sizeof(path))) {
		snprintf(cerr, sizeof(cerr), "trace.path: longer than %zu bytes", sizeof(path) - 1);
		r = -ENAMETOOLONG;
	} else if (cfg.workload) {
		r = check_workload_setup(&cfg, cerr, sizeof(cerr));
	} else if (!path[0]) {
		snprintf(cerr, sizeof(cerr), "trace.path: no trace given");
		r = -EINVAL;
	} else {
		char terr[1800];
		const struct trace *t = cached_trace(c, path, terr, sizeof(terr), &r);
		if (!t)
			snprintf(cerr, sizeof(cerr), "trace.path: %s", terr);
		if (t)
			r = check_setup(&cfg, t, cerr, sizeof(cerr));
		if (!r) {
			snprintf(pt->trace_checksum, sizeof(pt->trace_checksum), "%016" PRIx64, t->checksum);
			if (t->meta.page_store[0])
				snprintf(pt->page_store_checksum, sizeof(pt->page_store_checksum),
					 "%016" PRIx64, t->meta.page_store_checksum);
		}
	}
	cfg_free(&cfg);
	if (r && r != -ENOMEM)
		r = -EINVAL;   /* a missing trace is bad input too */
	if (r) {
		char desc[512];
		sweep_point_describe(pt, desc, sizeof(desc));
		snprintf(err, errlen, "%s: point %s (%s): %s", p->sweep, pt->id, desc, cerr);
	}
	return r;
}

int sweep_plan_prepare(struct sweep_plan *p, const char *dir, const char *self,
		       char *err, size_t errlen)
{
	struct trace_cache c = { 0 };
	struct sigaction was[CLI_NINTERRUPTS];

	catch_prepare_interrupts(was);
	int r = p->trace_gen ? generate_traces(p, dir, self, err, errlen) : 0;
	for (size_t i = 0; i < p->npoints && !r && !prep_signal; i++)
		r = prepare_point(p, &p->points[i], &c, err, errlen);
	trace_cache_free(&c);
	release_prepare_interrupts(was);
	return prep_signal ? -EINTR : r;
}
