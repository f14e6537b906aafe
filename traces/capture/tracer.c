// SPDX-License-Identifier: MIT
/*
 * The workload of zswapsim-capture, traced so that its exit can be caught
 * before its memory is freed (tracer.h).
 *
 * Why an exit stop is the right end mark: do_exit() reports
 * PTRACE_EVENT_EXIT before exit_mm(), and the address space is torn down
 * (exit_mmap(): swap slots freed, zswap entries invalidated) only when the
 * last user of the mm drops it.  Threads share one mm, so the mark is the
 * exit stop of the command's last live thread: every other thread is past its
 * own exit stop (it only dropped its reference) or gone.  Threads that exit
 * earlier (pthread_exit, or the other threads of an exit_group) are let go at
 * once: holding them would block a pthread_join.
 *
 * Other processes the command forks are traced too (their exits can be seen),
 * but their memory is freed when they exit, before the end mark: the number
 * of swapped-out pages they still had (VmSwap at their own exit stop) is
 * reported, since the trace has no event for those frees.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "tracer.h"

#define TRACE_OPTS (PTRACE_O_TRACEEXIT | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | \
		    PTRACE_O_TRACEVFORK | PTRACE_O_EXITKILL)

int tracer_fd(const struct tracer *t)
{
	return t->sfd;
}

/* A field "Key:  N" of /proc/TGID/task/TID/status, -1 if absent. */
static long status_field(pid_t tgid, pid_t tid, const char *key)
{
	char path[96], line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)tgid, (int)tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* The state letter of a thread (/proc/TGID/task/TID/stat, after the comm). */
long tracer_vm_kb(const struct tracer *t, const char *field)
{
	return status_field(t->pid, t->end_tid > 0 ? t->end_tid : t->pid, field);
}

static char thread_state(pid_t tgid, pid_t tid)
{
	char path[96], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)tgid, (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 'X';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 'X';
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 'X';
}

static bool is_gone(const struct tracer *t, pid_t tid)
{
	for (size_t i = 0; i < t->ngone; i++)
		if (t->gone[i] == tid)
			return true;
	return false;
}

static void remember_gone(struct tracer *t, pid_t tid)
{
	if (is_gone(t, tid))
		return;
	if (t->ngone == t->capgone) {
		size_t ncap = t->capgone ? t->capgone * 2 : 64;
		pid_t *n = realloc(t->gone, ncap * sizeof(*n));

		if (!n)
			return;    /* then the thread counts as alive: the mark comes later, never early */
		t->gone = n;
		t->capgone = ncap;
	}
	t->gone[t->ngone++] = tid;
}

static void forget_gone(struct tracer *t, pid_t tid)
{
	for (size_t i = 0; i < t->ngone; i++)
		if (t->gone[i] == tid) {
			t->gone[i] = t->gone[--t->ngone];
			return;
		}
}

/* Is a thread of tgid other than tid still running, i.e. not past its exit stop
 * and not dead?  Then tid's exit does not free the address space. */
static bool others_alive(const struct tracer *t, pid_t tgid, pid_t tid)
{
	char path[64];
	struct dirent *d;
	bool alive = false;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)tgid);
	dir = opendir(path);
	if (!dir)
		return false;
	while (!alive && (d = readdir(dir))) {
		pid_t o = (pid_t)atoi(d->d_name);
		char st;

		if (o <= 0 || o == tid || is_gone(t, o))
			continue;
		st = thread_state(tgid, o);
		alive = st != 'Z' && st != 'X';
	}
	closedir(dir);
	return alive;
}

static void on_exit_stop(struct tracer *t, pid_t tid)
{
	pid_t tgid = (pid_t)status_field(tid, tid, "Tgid");
	unsigned long msg = 0;

	if (tgid <= 0)
		return;
	remember_gone(t, tid);
	if (others_alive(t, tgid, tid))
		return;
	if (tgid != t->pid) {
		long kb = status_field(tgid, tid, "VmSwap");

		t->other_exits++;
		if (kb > 0)
			t->other_swap_pages += (uint64_t)kb / 4;
		return;
	}
	if (t->ended)
		return;
	if (!ptrace(PTRACE_GETEVENTMSG, tid, NULL, &msg))
		t->exit_status = (int)msg;
	t->ended = true;
	t->end_tid = tid;
	if (t->on_end)
		t->on_end(t->ctx);
}

static void handle(struct tracer *t, pid_t w, int st)
{
	int sig;

	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		forget_gone(t, w);
		if (w == t->pid) {
			t->done = true;
			t->wait_status = st;
		}
		return;
	}
	if (!WIFSTOPPED(st))
		return;
	sig = WSTOPSIG(st);
	switch ((unsigned)st >> 16) {
	case 0:
		break;                  /* signal-delivery stop: deliver it */
	case PTRACE_EVENT_EXIT:
		on_exit_stop(t, w);
		sig = 0;
		break;
	default:
		/* clone/fork/vfork (the new task is traced already), or
		 * PTRACE_EVENT_STOP: a new task's first stop or a group stop,
		 * which is resumed: a stopped workload would only run into
		 * the timeout. */
		sig = 0;
		break;
	}
	ptrace(PTRACE_CONT, w, NULL, (void *)(long)sig);
}

void tracer_poll(struct tracer *t)
{
	struct signalfd_siginfo si;
	pid_t w;
	int st;

	while (read(t->sfd, &si, sizeof(si)) == sizeof(si))
		;
	while ((w = waitpid(-1, &st, __WALL | WNOHANG)) > 0)
		handle(t, w, st);
}

void tracer_kill(struct tracer *t)
{
	pid_t w;
	int st;

	if (t->pid <= 0 || t->done)
		return;
	t->on_end = NULL;
	kill(t->pid, SIGKILL);
	while (!t->done) {
		w = waitpid(-1, &st, __WALL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		handle(t, w, st);
	}
}

static int child_join(const char *procs)
{
	char buf[32];
	int fd = open(procs, O_WRONLY | O_CLOEXEC);
	int n = snprintf(buf, sizeof(buf), "%d", (int)getpid());
	bool ok;

	if (fd < 0)
		return -1;
	ok = write(fd, buf, (size_t)n) == n;
	close(fd);
	return ok ? 0 : -1;
}

int tracer_start(struct tracer *t, char **cmd, const char *procs, char *err, size_t errlen)
{
	int ready[2], go[2], e;
	sigset_t set;
	char ok = 0;

	memset(t, 0, sizeof(*t));
	t->pid = -1;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) ||
	    (t->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		e = errno;
		snprintf(err, errlen, "signalfd: %s", strerror(e));
		return -e;
	}
	if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC)) {
		e = errno;
		snprintf(err, errlen, "pipe: %s", strerror(e));
		return -e;
	}
	t->pid = fork();
	if (t->pid < 0) {
		e = errno;
		snprintf(err, errlen, "fork: %s", strerror(e));
		return -e;
	}
	if (t->pid == 0) {
		/* Join the cgroup before exec so every page of the command is
		 * charged there; wait until the parent traces us. */
		close(ready[0]);
		close(go[1]);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		if (child_join(procs)) {
			fprintf(stderr, "zswapsim-capture: cannot join %s: %s\n", procs, strerror(errno));
			_exit(126);
		}
		ok = 1;
		if (write(ready[1], &ok, 1) != 1 || read(go[0], &ok, 1) != 1)
			_exit(126);
		execvp(cmd[0], cmd);
		fprintf(stderr, "zswapsim-capture: exec %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &ok, 1) != 1) {
		close(ready[0]);
		close(go[1]);
		waitpid(t->pid, NULL, 0);
		t->done = true;
		snprintf(err, errlen, "the command could not join the cgroup (%s)", procs);
		return -EIO;
	}
	close(ready[0]);
	t->traced = ptrace(PTRACE_SEIZE, t->pid, NULL, (void *)(long)TRACE_OPTS) == 0;
	if (!t->traced)
		fprintf(stderr, "zswapsim-capture: ptrace: %s: the counters will be read after the "
			"command's exit, when its memory is freed\n", strerror(errno));
	ok = 1;
	if (write(go[1], &ok, 1) != 1) {
		e = errno;
		close(go[1]);
		snprintf(err, errlen, "cannot start the command: %s", strerror(e));
		return -e;
	}
	close(go[1]);
	return 0;
}
