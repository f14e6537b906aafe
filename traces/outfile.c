/* SPDX-License-Identifier: MIT */
/* Output files: exclusive temp file, fsync, atomic rename (see outfile.h). */
#include "traces/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "traces/trace_priv.h"

struct outfile_sink {
	int fd;
	int err;        /* first failed write, negative errno */
	char *tmp;      /* pending_path[slot], NULL for standard output */
	const char *path;
	int slot;
};

/* Temp files not renamed yet, for a signal handler.  A writer has at most
 * two open at once (a trace and its page store); sweeps one.  The names live
 * in static storage, never freed, so a handler running at any moment (or on
 * another thread) reads a whole name; pending_used[] says which to read: set
 * after the name is written and before the file is created, cleared only
 * after the rename (or the unlink), with the fatal signals blocked. */
#define OUTFILE_PENDING_MAX 16
static char pending_path[OUTFILE_PENDING_MAX][PATH_MAX];
static volatile sig_atomic_t pending_used[OUTFILE_PENDING_MAX];
/* Outputs renamed into place so far (a handler's "nothing written"). */
static volatile sig_atomic_t completed;

/* Between outfile_hold() and outfile_release(): complete temp files waiting
 * for their rename (each still pending for a signal handler). */
struct held_file {
	char *tmp;      /* pending_path[slot] */
	char *path;
	int slot;
};
static struct held_file held[OUTFILE_PENDING_MAX];
static int nheld;
static bool holding;

int outfile_remove_pending(void)
{
	int n = 0;

	for (int i = 0; i < OUTFILE_PENDING_MAX; i++)
		if (pending_used[i] && !unlink(pending_path[i]))
			n++;
	return n;
}

int outfile_completed(void)
{
	return completed;
}

static void on_fatal_signal(int sig)
{
	sigset_t s;

	outfile_remove_pending();
	/* then die of the signal as if no handler had been there */
	signal(sig, SIG_DFL);
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	raise(sig);
}

static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP };

/* Only where the default action is in force: a caller's own handling (the
 * zswapsim command's handler, which calls outfile_remove_pending() itself;
 * an ignored signal) is left alone. */
static void install_handlers(void)
{
	struct sigaction old, sa = { .sa_handler = on_fatal_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		if (!sigaction(fatal_signals[i], NULL, &old) && old.sa_handler == SIG_DFL)
			sigaction(fatal_signals[i], &sa, NULL);
	/* RLIMIT_FSIZE: a failed write (EFBIG) that removes the temp file,
	 * rather than a kill that leaves it. */
	if (!sigaction(SIGXFSZ, NULL, &old) && old.sa_handler == SIG_DFL)
		signal(SIGXFSZ, SIG_IGN);
}

static void block_fatal(sigset_t *old)
{
	sigset_t s;

	sigemptyset(&s);
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaddset(&s, fatal_signals[i]);
	sigprocmask(SIG_BLOCK, &s, old);
}

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
	struct outfile_sink *s = cookie;
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(s->fd, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!s->err)
				s->err = w < 0 ? -errno : -EIO;
			errno = -s->err;
			return 0;   /* stdio's "error" */
		}
		done += (size_t)w;
	}
	return (ssize_t)n;
}

/* The binary access-trace writer rewrites its header's record count. */
static int sink_seek(void *cookie, off64_t *pos, int whence)
{
	struct outfile_sink *s = cookie;
	off_t at = lseek(s->fd, (off_t)*pos, whence);

	if (at < 0)
		return -1;
	*pos = at;
	return 0;
}

int outfile_is_stdout(const char *path)
{
	return !strcmp(path, "-");
}

static int fail(struct outfile_sink *s, int ret, const char *what, char *err, size_t errlen)
{
	if (err)
		trace_msg(err, errlen, "%s: %s: %s", s->path, what, strerror(-ret));
	return ret;
}

/* Six characters of [A-Za-z0-9] that nobody can guess (mkostemp()'s
 * suffix; our own, because the name is registered before the file exists). */
static void random_suffix(char *x)
{
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	static unsigned counter;
	uint8_t r[6];

	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		struct timespec ts;
		uint64_t v;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		v = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid() << 20 ^ ++counter;
		memcpy(r, &v, sizeof(r));
	}
	for (size_t i = 0; i < sizeof(r); i++)
		x[i] = chars[r[i] % (sizeof(chars) - 1)];
}

static int free_slot(void)
{
	for (int i = 0; i < OUTFILE_PENDING_MAX; i++)
		if (!pending_used[i])
			return i;
	return -1;
}

/* "<path>.tmp.XXXXXX" created exclusively (a link planted there is never
 * followed) with the mode fopen() would give (0666 less the umask).  Its name
 * is registered for the signal handler before the file is created, so no
 * signal finds a temp file it does not know; a name taken already (EEXIST)
 * is dropped and another one tried, as mkostemp() does. */
static int create_tmp(struct outfile_sink *s)
{
	size_t n = strlen(s->path);
	sigset_t old;
	int ret = 0;

	if (n + sizeof(".tmp.XXXXXX") > PATH_MAX)
		return -ENAMETOOLONG;
	block_fatal(&old);
	s->slot = free_slot();
	if (s->slot < 0) {
		ret = -EMFILE;
		goto out;
	}
	s->tmp = pending_path[s->slot];
	memcpy(s->tmp, s->path, n);
	memcpy(s->tmp + n, ".tmp.", 5);
	s->tmp[n + 11] = 0;
	for (int tries = 0; tries < 100; tries++) {
		random_suffix(s->tmp + n + 5);
		atomic_signal_fence(memory_order_seq_cst);   /* the name before the flag */
		pending_used[s->slot] = 1;
		s->fd = open(s->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (s->fd >= 0)
			goto out;
		ret = -errno;
		pending_used[s->slot] = 0;
		if (ret != -EEXIST)
			break;
	}
	s->tmp = NULL;
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

/* With the fatal signals blocked: a handler finds the temp file or nothing. */
static void drop_slot(int slot, const char *tmp, bool remove)
{
	if (remove)
		unlink(tmp);
	pending_used[slot] = 0;
}

static void forget_tmp(struct outfile_sink *s, bool remove)
{
	sigset_t old;

	block_fatal(&old);
	drop_slot(s->slot, s->tmp, remove);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* The last component of path: "" after a trailing '/'. */
static const char *last_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int outfile_check(const char *path, char *err, size_t errlen)
{
	const char *name = last_name(path);
	struct stat st;

	if (outfile_is_stdout(path))
		return 0;
	if (!*path) {
		trace_msg(err, errlen, "empty output file name ('')");
		return -EINVAL;
	}
	/* "dir/" would be created as a directory by a caller's mkdir -p, and a
	 * rename cannot make a file of it */
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
		trace_msg(err, errlen, "%s: names a directory, not a file", path);
		return -EISDIR;
	}
	/* The rename replaces whatever path names: only ever a regular file. */
	if (!lstat(path, &st) && !S_ISREG(st.st_mode)) {
		trace_msg(err, errlen, "%s: exists and is not a regular file (not replaced)", path);
		return -EEXIST;
	}
	return 0;
}

int outfile_check_here(const char *path, char *err, size_t errlen)
{
	const char *name = last_name(path);
	char dir[PATH_MAX];
	struct stat st;
	int ret = outfile_check(path, err, errlen);

	if (ret || outfile_is_stdout(path) || name == path)
		return ret;               /* the current directory is there */
	if ((size_t)(name - path) >= sizeof(dir)) {
		trace_msg(err, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	/* "/x" is in "/", "d/x" in "d" */
	snprintf(dir, sizeof(dir), "%.*s", name - path > 1 ? (int)(name - path - 1) : 1, path);
	if (stat(dir, &st)) {
		ret = -errno;
		trace_msg(err, errlen, "%s: directory %s: %s", path, dir, strerror(-ret));
		return ret;
	}
	if (!S_ISDIR(st.st_mode)) {
		trace_msg(err, errlen, "%s: %s is not a directory", path, dir);
		return -ENOTDIR;
	}
	return 0;
}

static int open_sink(struct outfile_sink *s, char *err, size_t errlen)
{
	int ret;

	if (outfile_is_stdout(s->path)) {
		fflush(stdout);   /* what was printed before comes first */
		s->fd = STDOUT_FILENO;
		return 0;
	}
	ret = outfile_check(s->path, err, errlen);
	if (ret)
		return ret;
	install_handlers();
	ret = create_tmp(s);
	if (ret)
		return fail(s, ret, "cannot create temporary file", err, errlen);
	return 0;
}

static void free_sink(struct outfile_sink *s)
{
	free(s);
}

int outfile_open(struct outfile *o, const char *path, char *err, size_t errlen)
{
	static const cookie_io_functions_t io = { .write = sink_write, .seek = sink_seek };
	struct outfile_sink *s = calloc(1, sizeof(*s));
	int ret;

	o->f = NULL;
	o->sink = s;
	if (!s)
		return -ENOMEM;
	s->path = path;
	s->fd = -1;
	ret = open_sink(s, err, errlen);
	if (!ret) {
		o->f = fopencookie(s, "w", io);
		if (!o->f) {
			ret = fail(s, -errno, "cannot open", err, errlen);
			if (s->tmp) {
				close(s->fd);
				forget_tmp(s, true);
			}
		}
	}
	if (ret) {
		free_sink(s);
		o->sink = NULL;
		return ret;
	}
	setvbuf(o->f, NULL, _IOFBF, 1 << 20);
	return 0;
}

/* The new name reaches the disk too. */
static int sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
	int fd, ret = 0;

	if (!dir)
		return -ENOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -errno;
	/* Some file systems cannot sync a directory: the rename stands. */
	if (fsync(fd) && errno != EINVAL && errno != EROFS)
		ret = -errno;
	close(fd);
	return ret;
}

/* Keep the complete temp file of s for outfile_release(). */
static int hold_tmp(struct outfile_sink *s)
{
	char *path = strdup(s->path);

	if (!path || nheld == OUTFILE_PENDING_MAX) {
		free(path);
		forget_tmp(s, true);
		return -ENOMEM;
	}
	held[nheld++] = (struct held_file){ .tmp = s->tmp, .path = path, .slot = s->slot };
	s->tmp = NULL;   /* held[] has it now */
	return 0;
}

static int finish_tmp(struct outfile_sink *s, int ret)
{
	sigset_t old;

	if (!ret && fsync(s->fd))
		ret = -errno;
	if (close(s->fd) && !ret)
		ret = -errno;
	if (!ret && holding)
		return hold_tmp(s);
	/* the rename and its record as one step: a handler never sees the
	 * file in place and its temp name still pending */
	block_fatal(&old);
	if (!ret)
		ret = rename(s->tmp, s->path) ? -errno : 0;
	if (!ret)
		completed++;
	drop_slot(s->slot, s->tmp, ret != 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return !ret ? sync_dir(s->path) : ret;
}

int outfile_close(struct outfile *o, int ret, char *err, size_t errlen)
{
	struct outfile_sink *s = o->sink;

	if (!s)
		return ret ? ret : -EINVAL;
	if (fflush(o->f) && !ret)
		ret = -EIO;
	/* the kernel's reason beats the writer's "stdio failed" */
	if (s->err && (!ret || ret == -EIO))
		ret = s->err;
	fclose(o->f);   /* no close function: frees the stream only */
	if (s->tmp)
		ret = finish_tmp(s, ret);
	if (ret && ret != -ECANCELED)
		fail(s, ret, "write failed", err, errlen);
	free_sink(s);
	o->f = NULL;
	o->sink = NULL;
	return ret;
}

void outfile_hold(void)
{
	holding = true;
}

int outfile_release(int ret, char *err, size_t errlen)
{
	sigset_t old;
	int i, renamed = 0;

	holding = false;
	/* A signal meanwhile waits: a pair lands together or not at all. */
	block_fatal(&old);
	for (; !ret && renamed < nheld; renamed++)
		if (rename(held[renamed].tmp, held[renamed].path)) {
			ret = -errno;
			trace_msg(err, errlen, "%s: write failed: %s", held[renamed].path,
				  strerror(-ret));
			break;
		}
	/* a later rename failed: take back the earlier ones, never half a pair */
	for (i = 0; ret && i < renamed; i++)
		unlink(held[i].path);
	for (i = 0; i < nheld; i++)
		drop_slot(held[i].slot, held[i].tmp, i >= renamed);
	if (!ret)
		completed += nheld;
	sigprocmask(SIG_SETMASK, &old, NULL);
	for (i = 0; i < nheld; i++) {
		if (!ret) {
			int r = sync_dir(held[i].path);

			if (r) {
				ret = r;
				trace_msg(err, errlen, "%s: write failed: %s", held[i].path,
					  strerror(-r));
			}
		}
		free(held[i].path);
	}
	nheld = 0;
	return ret;
}

int outfile_write_text(const char *path, const char *text, char *err, size_t errlen)
{
	struct outfile o;
	int ret = outfile_open(&o, path, err, errlen);

	if (ret)
		return ret;
	return outfile_close(&o, fputs(text, o.f) < 0 ? -EIO : 0, err, errlen);
}
