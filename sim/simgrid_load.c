/* SPDX-License-Identifier: MIT */
/*
 * The binary's way to the `simgrid` backend: load the plugin
 * zswapsim-simgrid.so from the binary's own directory on the first simgrid
 * run and call its sim_run_simgrid().  Loading libsimgrid and the ns-3
 * libraries it depends on costs ~25 ms of CPU (relocations, static
 * constructors), a tenth of a `none` run of make bench, so only a simgrid run
 * pays it.  The unit tests link the backend directly (libzswapsim.a) and do
 * not use this file.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/sim.h"

#define SIM_SIMGRID_PLUGIN "zswapsim-simgrid.so"

typedef int (*sim_run_fn)(struct sim *s, char *err, size_t errlen);

/* The plugin's path: next to /proc/self/exe.  0 or -ENAMETOOLONG / -errno. */
static int plugin_path(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return -errno;
	exe[n] = '\0';

	char *slash = strrchr(exe, '/');
	int dir = slash ? (int)(slash - exe) : 0;

	if ((size_t)snprintf(buf, len, "%.*s/%s", dir, exe, SIM_SIMGRID_PLUGIN) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int sim_run_simgrid(struct sim *s, char *err, size_t errlen)
{
	static sim_run_fn run;

	if (!run) {
		char path[PATH_MAX + sizeof(SIM_SIMGRID_PLUGIN)];
		int r = plugin_path(path, sizeof(path));

		if (r) {
			snprintf(err, errlen, "timing.backend simgrid: cannot find the binary's directory: %s",
				 strerror(-r));
			return -EIO;
		}
		void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);

		if (!h) {
			snprintf(err, errlen, "timing.backend simgrid: cannot load the backend (%s): %s",
				 SIM_SIMGRID_PLUGIN, dlerror());
			return -EIO;
		}
		*(void **)&run = dlsym(h, "sim_run_simgrid");
		if (!run) {
			snprintf(err, errlen, "timing.backend simgrid: %s has no sim_run_simgrid", path);
			return -EIO;
		}
	}
	return run(s, err, errlen);
}
