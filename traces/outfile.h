/* SPDX-License-Identifier: MIT */
/* Output files: the one way zswapsim writes a file it was asked for.
 *
 * outfile_open() refuses a path that exists and is not a regular file (a
 * device, a FIFO, a socket, a directory or a symbolic link: -EEXIST, "exists
 * and is not a regular file (not replaced)"), creates "<path>.tmp.XXXXXX" in
 * the same directory with mkostemp() (exclusive, unpredictable name, so a link
 * planted there is never followed) with the mode fopen() would give, and
 * returns a FILE to write.  "-" is standard output, written in place.
 * The temp file's name is recorded (static storage) before the file is
 * created and forgotten only after its rename, for outfile_remove_pending().
 *
 * outfile_close() flushes, fsyncs the file, renames it over path and fsyncs
 * the directory (after a power loss path holds the old file or the whole new
 * one), or removes the temp file when ret (the caller's own write status) is
 * negative or any step fails.  The error is the first one the kernel gave a
 * write (ENOSPC stays ENOSPC, a file-size limit is EFBIG), not stdio's EIO.
 *
 * Until closed, the temp file is also removed when SIGINT, SIGTERM or SIGHUP
 * kills the process: where the signal's action is still the default one,
 * outfile_open() installs a handler that unlinks and re-raises (a caller with
 * a handler of its own calls outfile_remove_pending() in it); SIGXFSZ is ignored so a file-size limit fails the write instead
 * of killing the process.  Both return 0 or a negative errno with one line
 * naming path in err (err may be NULL).
 *
 * outfile_check() is outfile_open()'s test of path without creating
 * anything, for a caller to refuse a bad output before its work: "" is
 * -EINVAL, a name ending in '/' (or "." or "..") -EISDIR, a path that exists
 * and is not a regular file -EEXIST.
 *
 * A trace and its page store land together or not at all: between
 * outfile_hold() and outfile_release(), outfile_close() leaves each complete
 * file (written, fsynced) under its temp name, still removed by a fatal
 * signal; outfile_release(ret) renames them all in the order they were closed
 * when ret is 0, else (or when a rename fails) removes them, and returns ret
 * or the rename's error (one line in err). */
#ifndef TRACES_OUTFILE_H
#define TRACES_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

struct outfile_sink;

struct outfile {
	FILE *f;
	struct outfile_sink *sink;
};

int outfile_open(struct outfile *o, const char *path, char *err, size_t errlen);
int outfile_close(struct outfile *o, int ret, char *err, size_t errlen);

int outfile_check(const char *path, char *err, size_t errlen);
/* outfile_check() for a writer that makes no directories: the directory
 * path names must exist too (-ENOENT "PATH: directory D: No such file or
 * directory", -ENOTDIR). */
int outfile_check_here(const char *path, char *err, size_t errlen);

void outfile_hold(void);
int outfile_release(int ret, char *err, size_t errlen);

/* open, write text, close. */
int outfile_write_text(const char *path, const char *text, char *err, size_t errlen);

/* For a signal handler (async-signal-safe: unlink() only): remove every temp
 * file this process created and has not renamed yet; returns how many. */
int outfile_remove_pending(void);
/* For a signal handler: how many outputs this process has renamed into
 * place so far (0: nothing written).  A rename and its count happen with the
 * fatal signals blocked, so a handler sees either the temp file pending or
 * the output in place and counted, and never undoes a rename. */
int outfile_completed(void);

/* Whether path names standard output. */
int outfile_is_stdout(const char *path);

#endif
