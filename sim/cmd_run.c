/* SPDX-License-Identifier: MIT */
/* `zswapsim run` (replay one experiment) and `zswapsim config` (keys, print, hash). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "sim/cli.h"
#include "sim/config.h"
#include "sim/report.h"
#include "sim/sim.h"
#include "sim/workload.h"
#include "models/reclaim.h"
#include "traces/outfile.h"


static const char run_usage[] =
	"usage: zswapsim run CONFIG [-o REPORT] [--set key=value]... [--print-config] [--quiet]\n"
	"                    [--cfg=simgrid:option] [--log=simgrid-log-spec]\n"
	"\n"
	"Replay the experiment CONFIG (a JSON file; see docs/config.md) and write its\n"
	"report (docs/report-schema.md) to REPORT, default out/<config name>/report.json.\n"
	"  -o, --output REPORT  where to write the report (written atomically)\n"
	"  --set key=value      override any config key (value parsed as JSON, else a string)\n"
	"  --print-config       print the effective config and exit\n"
	"  -q, --quiet          no summary on stdout\n"
	"  --cfg=..., --log=... passed to SimGrid (timing.backend = simgrid)\n"
	"\n"
	"environment:\n"
	"  ZSWAPSIM_CODEC_THREADS=N  threads that compress a trace's pages ahead of the\n"
	"                       replay (0..64; default: online CPUs - 1, at most 4); the\n"
	"                       report is the same with any N\n";

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of the process (user + system): what a run costs whatever else
 * the machine runs meanwhile. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* "out/<config name>/report.json", allocated (NULL when out of memory). */
static char *default_report_path(const char *config)
{
	const char *base = strrchr(config, '/');
	base = base ? base + 1 : config;
	size_t n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".json"))
		n -= 5;
	char *buf = NULL;
	return asprintf(&buf, "out/%.*s/report.json", (int)n, base) < 0 ? NULL : buf;
}

static void human_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= (1ull << 30))
		snprintf(buf, len, "%.2f GiB", (double)bytes / (1ull << 30));
	else if (bytes >= (1ull << 20))
		snprintf(buf, len, "%.2f MiB", (double)bytes / (1ull << 20));
	else if (bytes >= 1024)
		snprintf(buf, len, "%.1f KiB", (double)bytes / 1024);
	else
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
}

static void print_summary(const struct sim *s, const char *config, const char *out, double wall,
			  double replay)
{
	const struct zswap_stats *st = zswap_stats(s->zs);
	char pool[32], peak[32];
	human_size(st->pool_total_size, pool, sizeof(pool));
	human_size(st->pool_total_size_peak, peak, sizeof(peak));
	double ratio = report_compression_ratio(st);
	FILE *o = outfile_is_stdout(out) ? stderr : stdout;   /* stdout carries the report */

	fprintf(o, "zswapsim: %s -> %s\n", config, out);
	if (s->wl)
		workload_summary(s, o);
	else
		fprintf(o, "  events     %llu replayed (%llu pages) from %s, backend %s\n",
		       (unsigned long long)s->events_done, (unsigned long long)s->pages_done,
		       s->trace.path, cfg_str(s->cfg, "timing.backend"));
	char rtext[32] = "ratio n/a: nothing stored";

	if (st->sim_stored_bytes)
		snprintf(rtext, sizeof(rtext), "ratio %.2f", ratio);
	fprintf(o, "  stores     zswpout %llu page%s in %llu folio%s, swpout_zero %llu, ",
	       (unsigned long long)st->zswpout, PLURAL(st->zswpout),
	       (unsigned long long)st->sim_stored_folios, PLURAL(st->sim_stored_folios),
	       (unsigned long long)st->swpout_zero);
	if (s->content == TRACE_CONTENT_HINTS)
		fprintf(o, "hints (%s; sizes from the hints, not %s)\n", rtext,
		       codec_name(s->comp.codec));
	else
		fprintf(o, "compressor %s (%s)\n", codec_name(s->comp.codec), rtext);
	fprintf(o, "  rejects    %llu folios: pool_limit_hit %llu, reject_compress_poor %llu, "
	       "reject_compress_fail %llu, reject_reclaim_fail %llu; pswpout %llu, reactivated %llu pages\n",
	       (unsigned long long)st->sim_rejected_folios, (unsigned long long)st->pool_limit_hit,
	       (unsigned long long)st->reject_compress_poor, (unsigned long long)st->reject_compress_fail,
	       (unsigned long long)st->reject_reclaim_fail, (unsigned long long)st->pswpout,
	       (unsigned long long)st->sim_reactivated_pages);
	fprintf(o, "  swap-ins   zswpin %llu, pswpin %llu, swpin_zero %llu; written_back_pages %llu\n",
	       (unsigned long long)st->zswpin, (unsigned long long)st->pswpin,
	       (unsigned long long)st->swpin_zero, (unsigned long long)st->written_back_pages);
	fprintf(o, "  pool       pool_total_size %s (peak %s), stored_pages %llu, incompressible %llu\n",
	       pool, peak, (unsigned long long)st->stored_pages,
	       (unsigned long long)st->stored_incompressible_pages);
	fprintf(o, "  wall time  %.3f s, replay %.3f s (%.2f M events/s, %.2f M page events/s)\n", wall,
	       replay, replay > 0 ? (double)s->events_done / replay / 1e6 : 0.0,
	       replay > 0 ? (double)s->pages_done / replay / 1e6 : 0.0);
}

/*
 * What a user must know to read the results, once, after a good run: a
 * hint-only trace never asks the compressor for a size; a trace that starts
 * mid-run swaps in slots it never swapped out, and those swap-ins read
 * nothing (docs/trace-format.md).
 */
static void run_notes(const struct sim *s)
{
	uint64_t n = zswap_stats(s->zs)->sim_in_unknown_slot;

	if (s->content == TRACE_CONTENT_HINTS)
		fprintf(stderr, "zswapsim: note: %s: every swap-out is a compressed-length hint:"
			" compressed sizes come from the hints, not from zswap.compressor (%s),"
			" which sets only the compression cost and the error class of a hint >= 4096\n",
			s->trace.path, codec_name(s->comp.codec));
	if (n)
		fprintf(stderr, "zswapsim: warning: %s: %llu swap-in page%s hit %s the trace never"
			" swapped out (it starts mid-run?): nothing was read; see"
			" stats.global.sim_in_unknown_slot\n", s->trace.path, (unsigned long long)n,
			PLURAL(n), n == 1 ? "a slot" : "slots");
}

struct run_args {
	const char *config;
	const char *out;
	const char **overrides;   /* argc entries: any number of --set */
	int noverrides;
	int print_config;
	int quiet;
	char **sg_argv;           /* argc + 1 entries */
	int sg_argc;
};

/* a->overrides and a->sg_argv allocated (free them), or -ENOMEM. */
static int parse_run_args(int argc, char **argv, struct run_args *a)
{
	memset(a, 0, sizeof(*a));
	a->overrides = calloc((size_t)argc + 1, sizeof(*a->overrides));
	a->sg_argv = calloc((size_t)argc + 2, sizeof(*a->sg_argv));
	if (!a->overrides || !a->sg_argv) {
		cli_error("run: out of memory");
		return -1;
	}
	a->sg_argv[a->sg_argc++] = (char *)"zswapsim";
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(run_usage, stdout);
			return 1;
		} else if (!strcmp(arg, "-o") || !strcmp(arg, "--output")) {
			if (++i >= argc) {
				cli_error("run: %s needs a file name", arg);
				return -1;
			}
			a->out = argv[i];
		} else if (!strcmp(arg, "--set") || !strncmp(arg, "--set=", 6)) {
			const char *kv = arg[5] == '=' ? arg + 6 : (++i < argc ? argv[i] : NULL);
			if (!kv) {
				cli_error("run: --set needs key=value");
				return -1;
			}
			a->overrides[a->noverrides++] = kv;
		} else if (!strcmp(arg, "--print-config")) {
			a->print_config = 1;
		} else if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) {
			a->quiet = 1;
		} else if (!strncmp(arg, "--cfg=", 6) || !strncmp(arg, "--log=", 6)) {
			a->sg_argv[a->sg_argc++] = argv[i];
		} else if (arg[0] == '-' && arg[1]) {
			cli_error("run: unknown option '%s' (see 'zswapsim run --help')", arg);
			return -1;
		} else if (!a->config) {
			a->config = arg;
		} else {
			cli_error("run: unexpected argument '%s'", arg);
			return -1;
		}
	}
	if (!a->config) {
		cli_error("run: no CONFIG given (see 'zswapsim run --help')");
		return -1;
	}
	a->sg_argv[a->sg_argc] = NULL;
	return 0;
}

static int run_config(struct run_args a);

int cmd_run(int argc, char **argv)
{
	struct run_args a;
	int r = parse_run_args(argc, argv, &a);
	if (!r)
		r = run_config(a);
	else
		r = r > 0 ? EXIT_OK : EXIT_USAGE;
	free(a.overrides);
	free(a.sg_argv);
	return r;
}

static int run_config(struct run_args a)
{
	char err[1536] = "";
	int r;

	struct cfg cfg;
	r = cfg_load(&cfg, a.config, a.overrides, a.noverrides, err, sizeof(err));
	if (r) {
		cli_error("%s", err);
		return cli_exit_status(r);
	}
	if (a.print_config) {
		cfg_print(&cfg, stdout);
		cfg_free(&cfg);
		return EXIT_OK;
	}
	unsigned threads;
	if (sim_codec_threads(&threads)) {
		cli_error("ZSWAPSIM_CODEC_THREADS=%s: not a number of codec threads 0..64",
			  getenv("ZSWAPSIM_CODEC_THREADS"));
		cfg_free(&cfg);
		return EXIT_USAGE;
	}
	char *dflt = a.out ? NULL : default_report_path(a.config);
	const char *out = a.out ? a.out : dflt;
	struct sim *s = out ? calloc(1, sizeof(*s)) : NULL;
	if (!s) {
		cli_error("out of memory");
		free(dflt);
		cfg_free(&cfg);
		return EXIT_RUNTIME;
	}
	/* a bad -o is refused before the run, not after it */
	r = outfile_check(out, err, sizeof(err));
	if (r) {
		cli_error("%s", err);
		free(s);
		free(dflt);
		cfg_free(&cfg);
		return cli_exit_status(r);
	}
	double t0 = wall_now();
	r = sim_setup_overlapped(s, &cfg, err, sizeof(err));
	if (r) {
		cli_error("%s", err);
		free(s);
		cfg_free(&cfg);
		return cli_exit_status(r);
	}
	s->sg_argc = a.sg_argc;
	s->sg_argv = a.sg_argv;
	double t1 = wall_now(), c1 = cpu_now();
	r = sim_run(s, err, sizeof(err));
	double t2 = wall_now(), c2 = cpu_now();
	double wall = t2 - t0;
	int status = EXIT_OK;
	if (r) {
		cli_error("%s", err);
		status = cli_exit_status(r);
	} else {
		run_notes(s);
		json_t *rep = sim_report(s);
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		struct report_runtime rt = {
			.wall_s = wall, .replay_s = t2 - t1, .replay_cpu_s = c2 - c1,
			.events = s->events_done,
			.pages = s->pages_done, .peak_rss_kb = ru.ru_maxrss,
			.bytes_per_slot = s->zs ? zswap_bytes_per_slot(s->zs) : 0,
			.bytes_per_page = s->wl ? reclaim_bytes_per_page() : 0,
			.codec_s = compressor_codec_seconds(&s->comp),
			.timer_s = compressor_timer_seconds(&s->comp),
			.codec_ahead_s = compressor_ahead_seconds(&s->comp),
			.codec_ahead_pages = compressor_ahead_pages(&s->comp),
			.codec_ahead_used = s->comp.adopted,
			.codec_threads = s->codec_threads,
		};
		report_add_runtime(rep, &rt);
		r = report_write(rep, out, err, sizeof(err));
		json_decref(rep);
		if (r) {
			cli_error("%s", err);
			status = cli_exit_status(r);
		} else if (!a.quiet) {
			print_summary(s, a.config, out, wall, t2 - t1);
		}
	}
	sim_teardown(s);
	free(s);
	free(dflt);
	cfg_free(&cfg);
	return status;
}

/* ------------------------------------------------------------------------ */

static const char config_usage[] =
	"usage: zswapsim config keys [--markdown | --json]\n"
	"       zswapsim config print CONFIG [--set key=value]...\n"
	"       zswapsim config hash CONFIG [--set key=value]...\n"
	"\n"
	"keys   every config key with type, default, range and meaning (--json: for tools)\n"
	"print  the effective config (defaults + CONFIG + overrides)\n"
	"hash   the hash of the effective config, as in a report's config_hash\n";

int cmd_config(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(config_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (!strcmp(argv[1], "keys")) {
		const char *opt = argc > 2 ? argv[2] : "";
		if (argc > 3 || (argc == 3 && strcmp(opt, "--markdown") && strcmp(opt, "--json"))) {
			cli_error("config keys: unexpected argument '%s' (--markdown or --json)",
				  argc > 3 ? argv[3] : opt);
			return EXIT_USAGE;
		}
		if (!strcmp(opt, "--json")) {
			json_t *keys = cfg_keys_json();
			if (!keys || json_dumpf(keys, stdout, JSON_INDENT(1)) || puts("") < 0) {
				json_decref(keys);
				cli_error("config keys: cannot write");
				return EXIT_RUNTIME;
			}
			json_decref(keys);
			return EXIT_OK;
		}
		cfg_print_keys(stdout, !strcmp(opt, "--markdown"));
		return EXIT_OK;
	}
	if (strcmp(argv[1], "print") && strcmp(argv[1], "hash")) {
		cli_error("config: unknown subcommand '%s' (keys, print, hash)", argv[1]);
		return EXIT_USAGE;
	}
	const char *config = NULL;
	const char **ov = calloc((size_t)argc, sizeof(*ov));   /* any number of --set */
	int nov = 0;
	if (!ov) {
		cli_error("config: out of memory");
		return EXIT_RUNTIME;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--set") && i + 1 < argc)
			ov[nov++] = argv[++i];
		else if (!strncmp(argv[i], "--set=", 6))
			ov[nov++] = argv[i] + 6;
		else if (argv[i][0] != '-' && !config)
			config = argv[i];
		else {
			cli_error("config: unexpected argument '%s'", argv[i]);
			free(ov);
			return EXIT_USAGE;
		}
	}
	if (!config) {
		cli_error("config %s: no CONFIG given", argv[1]);
		free(ov);
		return EXIT_USAGE;
	}
	struct cfg cfg;
	char err[1536];
	int r = cfg_load(&cfg, config, ov, nov, err, sizeof(err));
	free(ov);
	if (r) {
		cli_error("%s", err);
		return cli_exit_status(r);
	}
	if (!strcmp(argv[1], "print"))
		cfg_print(&cfg, stdout);
	else
		printf("%016" PRIx64 "\n", cfg_hash(&cfg));
	cfg_free(&cfg);
	return EXIT_OK;
}
