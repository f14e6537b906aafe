/* SPDX-License-Identifier: MIT */
/*
 * Importers: swap-event traces made elsewhere, turned into zswapsim traces.
 *
 * CSV (traces/import_csv.c): one swap event per row, columns found by the
 * header line.  The default header is
 *
 *     time_ns,op,slot,order,cgroup
 *
 * (op `out`, `in` or `inval`; cgroup a name) and a mapping
 * "field=NAME,..." renames any of them; an optional `stream` field says
 * which task or CPU did the event.  Such traces have no page content, so the
 * importer gives every swap-out either a fixed compressed-length hint (a
 * compression ratio) or pages drawn with a seed from page stores
 * (traces/content.c), a slot keeping its pages across its swap-outs until
 * it is invalidated.  See docs/trace-format.md, "Importing CSV".
 *
 * Nothing here prints: errors are negative errno codes with one line in err,
 * naming the CSV file and line.
 */
#ifndef ZSWAPSIM_IMPORT_H
#define ZSWAPSIM_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "traces/trace.h"

/* The default header, in column order. */
#define IMPORT_CSV_HEADER "time_ns,op,slot,order,cgroup"

struct import_params {
	const char *columns;   /* "field=NAME,...": header names that differ from the
				  defaults (fields time_ns, op, slot, order, cgroup,
				  stream); NULL or "" for none */
	double ratio;          /* > 0: hint records, every page compresses to
				  4096 / ratio bytes (1 <= ratio <= 4096) */
	const char *content;   /* else: page stores "PATH[:WEIGHT],..." to draw from */
	uint64_t seed;         /* seed of the draws */
	uint64_t max_pages;    /* distinct pages in the written store (0 = no limit) */
	uint64_t slots;        /* slot_count of the trace; 0 = the highest slot used + 1 */
};

/* What an import wrote. */
struct import_summary {
	uint64_t records;
	uint64_t ops[TRACE_OP_COUNT];
	uint32_t streams, memcgs, slot_count;
	uint32_t hint;                    /* the hint of every swap-out (ratio mode) */
	uint64_t pages;                   /* pages in the written page store (0: none) */
	char page_store[TRACE_PATH_MAX];  /* its name, next to the trace */
};

/* Read the CSV file in, write the trace out (.zswt or .txt; with content,
 * OUT.pages next to it).  Both files are written atomically; nothing is
 * written when the input is bad.  0, or a negative errno with one line in
 * err (-EINVAL with "IN:LINE: reason" for a bad row). */
int import_csv(const char *in, const char *out, const struct import_params *p,
	       struct import_summary *sum, char *err, size_t errlen);

#endif
