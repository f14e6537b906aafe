/* SPDX-License-Identifier: MIT */
/*
 * Scaffolding shared by the unit tests of file formats (test_trace.c,
 * test_access.c): a scratch directory, whole-file reads and writes, patching
 * bytes in place, editing one line of a text, and a loop of random byte flips
 * and truncations that a reader must survive.
 */
#ifndef ZSWAPSIM_TEST_SUPPORT_FILES_H
#define ZSWAPSIM_TEST_SUPPORT_FILES_H

#include <stddef.h>
#include <stdint.h>

/* mkdtemp("/tmp/<prefix>.XXXXXX") into dir; sf_rmdir() removes it and all in it. */
void sf_mkdir(char *dir, size_t len, const char *prefix);
void sf_rmdir(const char *dir);

void sf_write(const char *path, const void *buf, size_t len);
/* The whole file, NUL-terminated (free() it); *len its size. */
char *sf_read(const char *path, size_t *len);

/* Overwrite len bytes at off. */
void sf_patch(const char *path, long off, const void *bytes, size_t len);
static inline void sf_patch_u8(const char *p, long off, uint8_t v) { sf_patch(p, off, &v, 1); }
static inline void sf_patch_u16(const char *p, long off, uint16_t v) { sf_patch(p, off, &v, 2); }
static inline void sf_patch_u32(const char *p, long off, uint32_t v) { sf_patch(p, off, &v, 4); }
static inline void sf_patch_u64(const char *p, long off, uint64_t v) { sf_patch(p, off, &v, 8); }

/* text with its line lineno (1-based) replaced by line, or removed when line
 * is NULL, into buf; returns the length. */
size_t sf_replace_line(const char *text, int lineno, const char *line, char *buf, size_t len);

/* Write iterations random variants of the file at path (1..4 byte flips, or
 * a truncation) and open each with try_open, which returns 0 (accepted, and
 * checks what it got against the variant's size n) or a negative errno with
 * one line in err.  A rejection must name path in one line.  More than half
 * the variants must be rejected (a reader that accepts anything checks
 * nothing).  The file is left as the last variant. */
void sf_fuzz_file(const char *path, int iterations,
		  int (*try_open)(const char *path, size_t n, char *err, size_t errlen));

#endif
