/* SPDX-License-Identifier: MIT */
/*
 * The simgrid backend's platform, generated from the config (never written by
 * users): one 1-core host per CPU core, one per IAA engine, one for the swap
 * device; every host runs at 1 Gflop/s, so executing x flops takes x ns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <simgrid/host.h>

#include "sim/timing_simgrid.h"

int sg_write_platform(const struct sg_backend *b, char *path, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(path, len, "%s/zswapsim-platform-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -errno;
	}
	fprintf(f, "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
		"<platform version=\"4.1\">\n<zone id=\"zswapsim\" routing=\"Full\">\n");
	for (unsigned c = 0; c < b->hw.cores; c++)
		fprintf(f, "<host id=\"core%u\" speed=\"1Gf\"/>\n", c);
	for (unsigned e = 0; e < b->nengines; e++)
		fprintf(f, "<host id=\"iaa%u.e%u\" speed=\"1Gf\"/>\n", b->engines[e].dev, b->engines[e].eng);
	fprintf(f, "<host id=\"swap\" speed=\"1Gf\"/>\n</zone>\n</platform>\n");
	int bad = ferror(f);
	if (fclose(f) || bad)
		return -EIO;
	return 0;
}

/* stack_kib 0: SimGrid's contexts/stack-size.  sg_actor_set_stacksize() takes
 * KiB, like contexts/stack-size (measured: 262144 gave each actor 256 MiB of
 * address space, 256 gave 264 KiB with the guard page). */
sg_actor_t sg_start_actor_stack(const char *name, const char *host, xbt_main_func_t fn, void *data,
				unsigned stack_kib)
{
	sg_actor_t act = sg_actor_init(name, sg_host_by_name(host));
	sg_actor_set_data(act, data);
	if (stack_kib)
		sg_actor_set_stacksize(act, stack_kib);
	sg_actor_start(act, fn, 0, NULL);
	return act;
}

sg_actor_t sg_start_actor(const char *name, const char *host, xbt_main_func_t fn, void *data)
{
	return sg_start_actor_stack(name, host, fn, data, 0);
}
