/* SPDX-License-Identifier: MIT */
/*
 * The workload of zswapsim-capture: a command started in a memory cgroup and
 * traced with ptrace (PTRACE_SEIZE with PTRACE_O_TRACEEXIT, and its threads
 * and children through PTRACE_O_TRACECLONE/FORK/VFORK), so that its exit
 * stops it before its address space is torn down.  When the last thread of
 * the command reaches that stop, the command's memory (and so its swap slots
 * and zswap entries) is still all there: the tracer calls on_end() then, and
 * lets the exit go on afterwards.  Works for any program; the program does
 * nothing special.
 */
#ifndef ZSWAPSIM_CAPTURE_TRACER_H
#define ZSWAPSIM_CAPTURE_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tracer {
	pid_t pid;                 /* the command (its thread-group id) */
	bool traced;               /* PTRACE_SEIZE worked: its exit will stop it */
	bool ended;                /* on_end() was called at the command's exit stop */
	bool done;                 /* the command was reaped */
	int wait_status;           /* its wait status, once done */
	int exit_status;           /* wait status at the exit stop (PTRACE_GETEVENTMSG) */
	pid_t end_tid;             /* the thread whose exit stop was the end mark */
	uint64_t other_exits;      /* other processes of the workload that exited before the end */
	uint64_t other_swap_pages; /* pages they still had swapped out (VmSwap) when they exited */
	void (*on_end)(void *ctx); /* the end mark: the command is stopped, its memory intact */
	void *ctx;
	/* private */
	pid_t *gone;               /* threads of pid past their exit stop */
	size_t ngone, capgone;
	int sfd;                   /* signalfd of SIGCHLD */
};

/* Fork cmd, move it into the cgroup whose cgroup.procs file is procs, trace it,
 * exec it.  0, or a negative errno with a message in err. */
int tracer_start(struct tracer *t, char **cmd, const char *procs, char *err, size_t errlen);

/* A descriptor that becomes readable when a traced task changes state. */
int tracer_fd(const struct tracer *t);

/* Handle every pending state change of the traced tasks, without blocking. */
void tracer_poll(struct tracer *t);

/* A "Vm*" field (VmRSS, VmSwap) in KiB of the command's thread stopped at the
 * end mark, while on_end() runs; -1 if there is none. */
long tracer_vm_kb(const struct tracer *t, const char *field);

/* SIGKILL the command and wait until it is gone (the tasks of the cgroup are
 * the caller's to kill). */
void tracer_kill(struct tracer *t);

#endif
