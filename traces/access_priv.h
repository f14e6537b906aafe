/* SPDX-License-Identifier: MIT */
/*
 * Private to traces/access*.c: the text form of access traces, and the
 * in-memory record array the text and CSV readers fill.
 */
#ifndef ZSWAPSIM_ACCESS_PRIV_H
#define ZSWAPSIM_ACCESS_PRIV_H

#include <stdbool.h>
#include <stdio.h>

#include "traces/access.h"

/* The first line of a text access trace: "# zswapsim-access 1". */
#define ACCESS_TEXT_MAGIC "zswapsim-access"

/* Records parsed into memory, grown by doubling. */
struct access_recbuf {
	struct access_record *rec;
	uint64_t n, cap;
};

/* Append r; 0 or -ENOMEM. */
int access_recbuf_push(struct access_recbuf *b, const struct access_record *r);

/* Parse the text form in buf[0..len) into t->meta and t->owned / t->nrec,
 * validating each line (t->path names the file in messages). */
int access_text_parse(struct access_trace *t, const char *buf, size_t len,
		      char *err, size_t errlen);

/* The text form's header lines, and one record line.  0 or negative errno. */
int access_text_write_header(FILE *f, const struct access_meta *meta);
int access_text_write_record(FILE *f, const struct access_record *r);

/* A content fraction: finite, in [0, 1], no sign bit.  0 or -EINVAL. */
int access_check_fraction(const char *name, double v, char *reason, size_t len);

/* A fraction as the shortest decimal that reads back as the same double. */
void access_format_double(char *buf, size_t len, double v);

/* Check a whole record array against meta; on error the message names path and
 * the record number.  Sets *global_order when the records are in (time, task)
 * order.  0 or -EINVAL / -ENOMEM. */
int access_check_records(const char *path, const struct access_meta *meta,
			 const struct access_record *rec, uint64_t nrec, int *global_order,
			 char *err, size_t errlen);

#endif
