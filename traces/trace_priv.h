/* SPDX-License-Identifier: MIT */
/*
 * Private to traces/: the text form's reader and writer, and the helpers both
 * forms (and the other trace writers: content.c, capture_events.c) share.
 */
#ifndef ZSWAPSIM_TRACE_PRIV_H
#define ZSWAPSIM_TRACE_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "traces/trace.h"

/* The first line of a text trace: its magic and version. */
#define TRACE_TEXT_MAGIC "zswapsim-trace"

/* Parse the text form held in buf[0..len) into t->meta and t->owned/t->nrec,
 * validating each line.  t->path names the file in messages. */
int trace_text_parse(struct trace *t, const char *buf, size_t len, char *err, size_t errlen);

/* Write meta and records in the text form.  Returns 0 or negative errno. */
int trace_text_write(FILE *f, const struct trace_meta *meta,
		     const struct trace_record *rec, uint64_t nrec);

/* A memcg or page-store name: printable ASCII without spaces or '#', so the text
 * form can carry it as one token.  n bytes, not NUL-terminated. */
bool trace_name_ok(const char *s, size_t n);

/* Atomic output, shared by every writer in traces/: trace_tmp_open() refuses a
 * path that exists and is not a regular file (-EEXIST), creates
 * "<path>.XXXXXX" next to path (mkostemp: exclusive, unpredictable; the rename
 * is atomic) with the mode fopen() would give and opens it for writing;
 * trace_tmp_commit() flushes, fsyncs and closes it and renames it over path,
 * or removes it when ret (the caller's own write status) is negative or any
 * of those fails.  Both return 0 or a negative errno
 * with one line naming path in err. */
int trace_tmp_open(const char *path, FILE **f, char *tmp, size_t tmplen,
		   char *err, size_t errlen);
int trace_tmp_commit(FILE *f, const char *tmp, const char *path, int ret,
		     char *err, size_t errlen);
/* fwrite of n items of size bytes: 0, or a negative errno. */
int trace_fwrite(FILE *f, const void *buf, size_t size, size_t n);

/* Map the whole file read-only (a regular file only).  An empty file maps to
 * NULL, len 0.  0, or a negative errno with one line naming path in err. */
int trace_map_file(const char *path, void **map, size_t *len, char *err, size_t errlen);

/* snprintf that tolerates a NULL or empty buffer. */
void trace_msg(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
