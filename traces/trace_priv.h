/* SPDX-License-Identifier: MIT */
/*
 * Private to traces/: the text form's reader and writer, and the helpers both
 * forms (and the other trace writers and readers: content.c, capture_events.c,
 * the access-trace files of access.c) share.
 */
#ifndef ZSWAPSIM_TRACE_PRIV_H
#define ZSWAPSIM_TRACE_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
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

/* The page store written next to an output FILE.EXT: FILE.pages.  0 or
 * -ENAMETOOLONG. */
int trace_pages_path(const char *out, char *buf, size_t len);

/* Refuse a bad trace output before the work (outfile_check_here()), and its
 * FILE.pages too when a page store goes with it (with_pages, not stdout). */
int trace_check_outputs(const char *out, int with_pages, char *err, size_t errlen);

/* fwrite of n items of size bytes: 0, or a negative errno. */
int trace_fwrite(FILE *f, const void *buf, size_t size, size_t n);

/* Map a whole regular file read-only (MADV_SEQUENTIAL).  An empty file maps to
 * NULL, len 0.  0 or a negative errno with one line naming path in err. */
int trace_map_file(const char *path, void **map, size_t *len, char *err, size_t errlen);

/* Text forms: map path, give its bytes to parse(ctx, buf, len) (never NULL,
 * "" for an empty file) and, when parse returns 0 and checksum is not NULL,
 * hash them into *checksum (XXH3-64).  Returns parse's result or a negative
 * errno with one line in err. */
int trace_parse_file(const char *path, int (*parse)(void *ctx, const char *buf, size_t len),
		     void *ctx, uint64_t *checksum, char *err, size_t errlen);

/* Call fn(ctx, line, n) for each line of buf (without its '\n'), counting
 * them from 1 in *lineno, until fn returns non-zero; returns that or 0. */
int trace_for_each_line(const char *buf, size_t len, size_t *lineno,
			int (*fn)(void *ctx, const char *s, size_t n), void *ctx);

/* A fixed-size string field of a binary header: NUL-terminated and zero after
 * the NUL. */
bool trace_field_zero_padded(const char *f, size_t size);

/* The memcg table rules of both trace formats: names valid tokens and
 * unique, parents -1 or earlier.  The table is count entries of stride bytes,
 * each starting like struct trace_memcg (char name[TRACE_NAME_MAX], int32_t
 * parent).  0 or -EINVAL with the reason. */
int trace_check_memcg_table(const void *table, size_t stride, uint32_t count,
			    char *reason, size_t len);

/* A page-store reference: a valid name, or "" with pages = checksum = 0. */
int trace_check_store_ref(const char *name, uint64_t pages, uint64_t checksum,
			  char *reason, size_t len);

/* The first 32 bytes every zswapsim binary file starts with. */
struct trace_file_prefix {
	char     magic[8];
	uint32_t version;
	uint32_t header_size;    /* offset of record 0 */
	uint32_t record_size;
	uint32_t page_size;
	uint64_t record_count;
};

/* Checks of a binary file of size bytes at p, each 0 or -EINVAL with one line
 * naming path: its magic (what names the format: "bad magic (not WHAT)"), that
 * it holds the fixed_size-byte fixed header, its version and record size; that
 * header_size is hs, the size its counts (described by counts, e.g.
 * "memcg_count 2") give, and the file holds it; and that the file holds
 * exactly count records after it. */
int trace_bin_check_prefix(const char *path, const void *p, size_t size, const char *magic,
			   const char *what, size_t fixed_size, uint32_t version,
			   uint32_t record_size, char *err, size_t errlen);
int trace_bin_check_header_size(const char *path, size_t size, uint32_t header_size, size_t hs,
				const char *counts, char *err, size_t errlen);
int trace_bin_check_file_size(const char *path, size_t size, size_t hs, uint64_t count,
			      size_t record_size, char *err, size_t errlen);

/* The page store a trace file names lives next to it: resolve name against
 * trace_path's directory into resolved ("" when name is "") and check its
 * size (pages) and, with hash, its XXH3-64 checksum.  0 or a negative errno
 * with one line. */
int trace_page_store_check(const char *trace_path, const char *name, uint64_t pages,
			   uint64_t checksum, int hash, char *resolved, size_t rlen,
			   char *err, size_t errlen);

/* Text forms: a token is a run of printable ASCII without '#'. */
struct trace_tok {
	const char *s;
	size_t n;
};

/* Split the part of a line before any '#' into tokens; at most max are stored
 * in tv, all are counted (index tv only below min(count, max)).  Returns the count, or
 * -1 (with the offending byte in *bad) on a control or non-ASCII character
 * outside a comment.  Spaces, tabs and '\r' separate tokens. */
int trace_tokenize(const char *s, size_t n, struct trace_tok *tv, int max, unsigned char *bad);
bool trace_tok_is(const struct trace_tok *k, const char *s);
/* Unsigned decimal, no sign, no spaces; false on anything else or overflow. */
bool trace_tok_u64(const struct trace_tok *k, uint64_t *out);
/* "0x" and 1..16 hex digits. */
bool trace_tok_hex64(const struct trace_tok *k, uint64_t *out);
/* Text header lines both formats share.  The name and parent tokens of memcg
 * idx into entry idx of a table laid out as for trace_check_memcg_table()
 * whose entries 0..idx-1 are filled (the name must differ from theirs); and
 * "page_store NAME PAGES 0xCHECKSUM" (tv[0] the key, nt tokens).  0 or
 * -EINVAL with the reason. */
int trace_text_memcg(const struct trace_tok *name, const struct trace_tok *parent, uint64_t idx,
		     void *table, size_t stride, char *reason, size_t len);
int trace_text_page_store(const struct trace_tok *tv, int nt, char *name, uint64_t *pages,
			  uint64_t *checksum, char *reason, size_t len);

/* Write v in decimal at p followed by sep; returns the end (at most 21 bytes). */
char *trace_append_u64(char *p, uint64_t v, char sep);

/* snprintf that tolerates a NULL or empty buffer. */
void trace_msg(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
