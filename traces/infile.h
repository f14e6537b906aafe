/* SPDX-License-Identifier: MIT */
/* Input files: the one way zswapsim opens a file it reads.
 *
 * infile_open() opens path read-only without blocking (open() of a FIFO with
 * no writer blocks for ever, and one with a writer would feed a stream that
 * never ends), accepts only a regular file, then clears O_NONBLOCK so reads
 * behave as on any file.  It returns the descriptor (close-on-exec), or a
 * negative errno with one line naming path in err (err may be NULL):
 * "PATH: <strerror>" when it cannot be opened, -EISDIR "PATH: is a directory",
 * -EINVAL "PATH: not a regular file" (FIFO, socket, device node).
 *
 * infile_fopen() is the same as a FILE for reading, NULL with *ret set. */
#ifndef TRACES_INFILE_H
#define TRACES_INFILE_H

#include <stddef.h>
#include <stdio.h>

int infile_open(const char *path, char *err, size_t errlen);
FILE *infile_fopen(const char *path, int *ret, char *err, size_t errlen);

#endif
