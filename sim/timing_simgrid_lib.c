/* SPDX-License-Identifier: MIT */
/*
 * libsimgrid, loaded on the first simgrid run instead of linked: the binary
 * does not load it (nor the C++ runtime it pulls in) at every start.  Linked,
 * the dynamic loader relocated the 5.7 MB C++ library before main() of every
 * run, `none` runs and `zswapsim --version` included: `perf stat -e
 * task-clock zswapsim --version` took 29-31 ms linked, 1.3-1.5 ms with this
 * file (3 runs each, interleaved, machine loaded: load average 4).
 *
 * The functions of SimGrid's C API that the backend calls are defined here
 * with SimGrid's own prototypes (the headers are included, so a signature that
 * differs is a compile error) as forwarders through pointers that
 * sim_simgrid_load() resolves with dlopen()/dlsym() once.  A new SimGrid function
 * is one line of SG_LIB_FUNCS; a name missing from it is an undefined symbol
 * at link time, not a silent fallback.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <simgrid/host.h>

#include "sim/cli.h"
#include "sim/timing_simgrid.h"

#ifndef ZSWAPSIM_SIMGRID_LIB
#error "ZSWAPSIM_SIMGRID_LIB (libsimgrid's soname) comes from the Makefile"
#endif

/* R(return type, name, (parameters), (arguments)); V(name, (parameters),
 * (arguments)) for a function returning void. */
#define SG_LIB_FUNCS(R, V) \
	V(sg_actor_daemonize, (sg_actor_t actor), (actor)) \
	R(sg_exec_t, sg_actor_exec_async, (double flops), (flops)) \
	R(sg_actor_t, sg_actor_init, (const char *name, sg_host_t host), (name, host)) \
	R(void *, sg_actor_self_get_data, (void), ()) \
	V(sg_actor_set_data, (sg_actor_t actor, void *userdata), (actor, userdata)) \
	V(sg_actor_set_stacksize, (sg_actor_t actor, unsigned size), (actor, size)) \
	V(sg_actor_sleep_for, (double duration), (duration)) \
	V(sg_actor_sleep_until, (double wakeup_time), (wakeup_time)) \
	V(sg_actor_start_, (sg_actor_t actor, xbt_main_func_t code, int argc, \
			    const char *const *argv), (actor, code, argc, argv)) \
	V(sg_cond_destroy, (const_sg_cond_t cond), (cond)) \
	R(sg_cond_t, sg_cond_init, (void), ()) \
	V(sg_cond_notify_all, (sg_cond_t cond), (cond)) \
	V(sg_cond_wait, (sg_cond_t cond, sg_mutex_t mutex), (cond, mutex)) \
	R(sg_error_t, sg_exec_wait, (sg_exec_t exec), (exec)) \
	R(sg_host_t, sg_host_by_name, (const char *name), (name)) \
	V(sg_mutex_destroy, (const_sg_mutex_t mutex), (mutex)) \
	R(sg_mutex_t, sg_mutex_init, (void), ()) \
	V(sg_mutex_lock, (sg_mutex_t mutex), (mutex)) \
	V(sg_mutex_unlock, (sg_mutex_t mutex), (mutex)) \
	V(sg_sem_acquire, (sg_sem_t sem), (sem)) \
	R(int, sg_sem_acquire_timeout, (sg_sem_t sem, double timeout), (sem, timeout)) \
	V(sg_sem_destroy, (const_sg_sem_t sem), (sem)) \
	R(sg_sem_t, sg_sem_init, (int initial_value), (initial_value)) \
	V(sg_sem_release, (sg_sem_t sem), (sem)) \
	V(simgrid_init, (int *argc, char **argv), (argc, argv)) \
	V(simgrid_load_platform, (const char *filename), (filename)) \
	V(simgrid_run, (void), ())

/* The same, and simgrid_get_clock(), whose forwarder is written out below. */
#define SG_LIB_ALL(R, V) SG_LIB_FUNCS(R, V) R(double, simgrid_get_clock, (void), ())

enum sg_lib_fn {
#define SG_ENUM_R(ret, name, params, args) SG_FN_##name,
#define SG_ENUM_V(name, params, args) SG_FN_##name,
	SG_LIB_ALL(SG_ENUM_R, SG_ENUM_V)
	SG_FN_COUNT
};

static const char *const sg_fn_names[SG_FN_COUNT] = {
#define SG_NAME_R(ret, name, params, args) [SG_FN_##name] = #name,
#define SG_NAME_V(name, params, args) [SG_FN_##name] = #name,
	SG_LIB_ALL(SG_NAME_R, SG_NAME_V)
};

static void *sg_fn[SG_FN_COUNT];
static int sg_loaded;

int sim_simgrid_load(char *err, size_t errlen)
{
	void *h;

	if (sg_loaded)
		return 0;
	h = dlopen(ZSWAPSIM_SIMGRID_LIB, RTLD_NOW | RTLD_GLOBAL);
	if (!h) {
		snprintf(err, errlen, "simgrid backend: cannot load %s: %s", ZSWAPSIM_SIMGRID_LIB,
			 dlerror());
		return -ELIBACC;
	}
	for (int i = 0; i < SG_FN_COUNT; i++) {
		sg_fn[i] = dlsym(h, sg_fn_names[i]);
		if (!sg_fn[i]) {
			snprintf(err, errlen, "simgrid backend: %s has no %s", ZSWAPSIM_SIMGRID_LIB,
				 sg_fn_names[i]);
			dlclose(h);
			return -ELIBACC;
		}
	}
	/* loaded for the rest of the process: SimGrid's actors run until exit */
	sg_loaded = 1;
	return 0;
}

/* A forwarder called before sim_simgrid_load() (sim_run_simgrid() loads first):
 * load now, or end the run with the loader's one line. */
static void sg_lib_need(void)
{
	char err[512];

	if (sim_simgrid_load(err, sizeof(err))) {
		fprintf(stderr, "zswapsim: %s\n", err);
		exit(cli_exit_status(-ELIBACC));
	}
}

/*
 * SimGrid's clock, read once per stretch of an actor's code: the backend
 * reads it (sg_now()) several times per step, 1.85 M calls on the bench's
 * multistream trace, each through libsimgrid's engine lookup.  The clock
 * moves only while maestro runs, and the code here gets control back from
 * maestro only by returning from a SimGrid call, which goes through one of
 * the forwarders below: each of them forgets the clock on its way back.
 * (An actor's body first runs at the instant it was started, at which the
 * clock is the one its creator read.)
 */
static double sg_clock;
static int sg_clock_known;

double simgrid_get_clock(void)
{
	if (!sg_clock_known) {
		if (__builtin_expect(!sg_loaded, 0))
			sg_lib_need();
		sg_clock = ((double (*)(void))sg_fn[SG_FN_simgrid_get_clock])();
		sg_clock_known = 1;
	}
	return sg_clock;
}

#define SG_FWD_R(ret, name, params, args) \
	ret name params \
	{ \
		if (__builtin_expect(!sg_loaded, 0)) \
			sg_lib_need(); \
		ret r = ((ret (*) params)sg_fn[SG_FN_##name]) args; \
		sg_clock_known = 0; \
		return r; \
	}
#define SG_FWD_V(name, params, args) \
	void name params \
	{ \
		if (__builtin_expect(!sg_loaded, 0)) \
			sg_lib_need(); \
		((void (*) params)sg_fn[SG_FN_##name]) args; \
		sg_clock_known = 0; \
	}
SG_LIB_FUNCS(SG_FWD_R, SG_FWD_V)
