/* SPDX-License-Identifier: MIT */
/*
 * Helper threads (the page store's checksum, the codec workers, the
 * prefaulter, the trace checker) start with every signal blocked, so that an
 * interrupt is always taken by the main thread, which knows what it was
 * writing (sim/interrupt.c); the kernel still delivers a fault (SIGSEGV,
 * SIGBUS) to the thread that caused it.
 */
#ifndef ZSWAPSIM_MODELS_THREAD_H
#define ZSWAPSIM_MODELS_THREAD_H

#include <pthread.h>
#include <signal.h>

/* pthread_create() of a thread that takes no signal: 0 or an error number. */
static inline int thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int r;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

#endif
