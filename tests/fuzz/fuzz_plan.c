/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: what `zswapsim sweep --collect DIR` reads: DIR/plan.json
 * (sweep_plan_read) and the points' report.json (sweep_summary).  The input
 * is plan.json, then optionally a NUL and a report.json given to the plan's
 * first point.  Checked:
 *  - a rejected plan is a negative errno with one line;
 *  - the summary has one row per point: finished + not finished = points;
 *  - the summary it writes (summary.json, summary.csv) is one that
 *    `zswapsim compare` loads (cmp_load_document).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "sim/compare.h"
#include "sim/sweep.h"
#include "tests/fuzz/fuzz_input.h"

static void put_report(const char *dir, const struct sweep_point *pt, const uint8_t *data,
		       size_t size)
{
	char path[2200];

	snprintf(path, sizeof(path), "%s/points", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/points/%s", dir, pt->id);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/points/%s/report.json", dir, pt->id);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return;   /* an id such as "" or "." names no file of its own */
	if (write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
}

static void check_summary(const struct sweep_plan *p, const char *dir)
{
	char path[400], err[4096];
	size_t nok, nbad;
	json_t *sum = sweep_summary(p, dir, &nok, &nbad), *doc;
	int r;

	if (!sum)
		return;
	if (nok + nbad != p->npoints) {
		fprintf(stderr, "summary: %zu finished + %zu not != %zu points\n", nok, nbad, p->npoints);
		abort();
	}
	err[0] = '\0';
	r = sweep_summary_write(sum, dir, err, sizeof(err));
	fuzz_check_err(r, err, sizeof(err));
	json_decref(sum);
	if (r)
		return;
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	r = cmp_load_document(path, &doc, err, sizeof(err));
	if (r) {
		fprintf(stderr, "compare cannot load the summary just written: %s\n", err);
		abort();
	}
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sweep_plan p;
	const uint8_t *nul = memchr(data, 0, size);
	size_t plan_len = nul ? (size_t)(nul - data) : size;
	char dir[300], path[400], err[4096];
	int ret;

	/* a fresh DIR: no report of an earlier input */
	snprintf(dir, sizeof(dir), "%s/d", fuzz_dir());
	fuzz_rmtree(dir);
	mkdir(dir, 0700);
	fuzz_write_file("d/plan.json", data, plan_len, path, sizeof(path));
	err[0] = '\0';
	ret = sweep_plan_read(&p, dir, err, sizeof(err));
	fuzz_check_err(ret, err, sizeof(err));
	if (ret)
		return 0;
	if (nul && p.npoints)
		put_report(dir, &p.points[0], nul + 1, size - plan_len - 1);
	check_summary(&p, dir);
	sweep_plan_free(&p);
	return 0;
}
