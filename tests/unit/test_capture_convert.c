// SPDX-License-Identifier: MIT
/*
 * Tests of traces/capture_events.c: the conversion of recorded kernel events
 * (tests/data/capture/, a real capture made with zswapsim-capture, see its
 * README) into a trace and a deduplicated page store, and the conversion rules
 * on small hand-made event lists.
 *
 * The expected values for the recorded data were worked out by an independent
 * reading of the events (a Python re-implementation of the rules in
 * docs/capture.md), not by running this code.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "traces/capture_events.h"
#include "traces/trace.h"

#define DATA "tests/data/capture"

static char tmpdir[64];
static char p_trace[128], p_pages[128], p_events[128], p_content[128];
static char err[512];

static void setup(void)
{
	strcpy(tmpdir, "/tmp/zswapsim-capconv-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(p_trace, sizeof(p_trace), "%s/t.zswt", tmpdir);
	snprintf(p_pages, sizeof(p_pages), "%s/t.pages", tmpdir);
	snprintf(p_events, sizeof(p_events), "%s/events.bin", tmpdir);
	snprintf(p_content, sizeof(p_content), "%s/content.raw", tmpdir);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *data_dir(void)
{
	static const char *const cands[] = { DATA, "../../" DATA, "../" DATA };

	for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++)
		if (access(cands[i], R_OK) == 0)
			return cands[i];
	return DATA;
}

static int convert_recorded(struct cap_convert_stats *st)
{
	char ev[256], co[256];

	snprintf(ev, sizeof(ev), "%s/events.bin.gz", data_dir());
	snprintf(co, sizeof(co), "%s/content.raw.gz", data_dir());
	return cap_convert(ev, co, p_trace, p_pages, st, err, sizeof(err));
}

START_TEST(recorded_counts)
{
	struct cap_convert_stats st;

	ck_assert_msg(convert_recorded(&st) == 0, "%s", err);
	ck_assert_uint_eq(st.outs, 599);
	ck_assert_uint_eq(st.out_pages, 2132);
	ck_assert_uint_eq(st.large_outs, 3);
	ck_assert_uint_eq(st.out_by_outcome[CAP_OUT_ZSWAP], 1987);
	ck_assert_uint_eq(st.out_by_outcome[CAP_OUT_ZERO], 145);
	ck_assert_uint_eq(st.out_by_outcome[CAP_OUT_DISK], 0);
	ck_assert_uint_eq(st.out_by_outcome[CAP_OUT_UNKNOWN], 0);
	ck_assert_uint_eq(st.ins, 1548);
	ck_assert_uint_eq(st.ins_readahead, 145);
	ck_assert_uint_eq(st.ins_dup, 0);
	ck_assert_uint_eq(st.ins_reread[0], 0);
	ck_assert_uint_eq(st.ins_writeback, 0);
	ck_assert_uint_eq(st.invals, 0);
	ck_assert_uint_eq(st.faults, 1573);
	ck_assert_uint_eq(st.memcg_items[0], 1467);   /* zswpin */
	ck_assert_uint_eq(st.memcg_items[2], 81);     /* swpin_zero */
	ck_assert_uint_eq(st.unique_pages, 1053);
	ck_assert_uint_eq(st.streams, 1);
	ck_assert_uint_eq(st.slot_count, 2048);
	/* every swap-in is a zswap load or a zeromap read */
	ck_assert_uint_eq(st.ins, st.memcg_items[0] + st.memcg_items[2]);
}
END_TEST

START_TEST(recorded_trace_opens)
{
	struct cap_convert_stats st;
	struct trace t;
	struct stat sb;

	ck_assert_msg(convert_recorded(&st) == 0, "%s", err);
	ck_assert_msg(trace_open(&t, p_trace, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(t.nrec, 2147);
	ck_assert_uint_eq(t.meta.slot_count, 2048);
	ck_assert_uint_eq(t.meta.stream_count, 1);
	ck_assert_uint_eq(t.meta.memcg_count, 1);
	ck_assert_int_eq(t.meta.memcgs[0].parent, -1);
	ck_assert_str_eq(t.meta.page_store, "t.pages");
	ck_assert_uint_eq(t.meta.page_store_pages, 1053);
	ck_assert_int_eq(stat(p_pages, &sb), 0);
	ck_assert_int_eq(sb.st_size, 1053 * 4096);

	/* the first swap-outs: slots 1.. in order, each a new page */
	for (unsigned i = 0; i < 5; i++) {
		ck_assert_uint_eq(t.rec[i].op, TRACE_OP_OUT);
		ck_assert_uint_eq(t.rec[i].slot, i + 1);
		ck_assert_uint_eq(t.rec[i].order, 0);
		ck_assert_uint_eq(t.rec[i].content, i);
		ck_assert_uint_eq(t.rec[i].flags, 0);
	}
	/* record 24: the first swap-in, slot 12, by readahead */
	ck_assert_uint_eq(t.rec[24].op, TRACE_OP_IN);
	ck_assert_uint_eq(t.rec[24].slot, 12);
	ck_assert_uint_eq(t.rec[24].flags, TRACE_F_READAHEAD);
	ck_assert_uint_eq(t.rec[t.nrec - 1].op, TRACE_OP_IN);
	ck_assert_uint_eq(t.rec[t.nrec - 1].slot, 22);

	/* the three THPs, swapped whole; the first two hold the same bytes and
	 * share one run of the store */
	{
		static const uint32_t slot[3] = { 512, 1024, 1536 }, content[3] = { 23, 23, 535 };
		unsigned k = 0;

		for (uint64_t i = 0; i < t.nrec; i++) {
			if (t.rec[i].op != TRACE_OP_OUT || !t.rec[i].order)
				continue;
			ck_assert_uint_lt(k, 3);
			ck_assert_uint_eq(t.rec[i].order, 9);
			ck_assert_uint_eq(t.rec[i].slot, slot[k]);
			ck_assert_uint_eq(t.rec[i].content, content[k]);
			k++;
		}
		ck_assert_uint_eq(k, 3);
	}
	trace_close(&t);
}
END_TEST

/* Every order-0 swap-out the kernel sent to the zeromap (swpout_zero) has
 * all-zero captured bytes, all share store page 1047, and no other order-0
 * swap-out is zero-filled: the captured content agrees with the kernel's own
 * zero check. */
START_TEST(recorded_zero_pages)
{
	static const unsigned char z[4096];
	struct cap_convert_stats st;
	unsigned char page[4096];
	struct trace t;
	unsigned zero_outs = 0;
	FILE *f;

	ck_assert_msg(convert_recorded(&st) == 0, "%s", err);
	ck_assert_msg(trace_open(&t, p_trace, err, sizeof(err)) == 0, "%s", err);
	f = fopen(p_pages, "rb");
	ck_assert_ptr_nonnull(f);
	for (uint64_t i = 0; i < t.nrec; i++) {
		const struct trace_record *r = &t.rec[i];

		if (r->op != TRACE_OP_OUT || r->order)
			continue;
		ck_assert_int_eq(fseek(f, (long)r->content * 4096, SEEK_SET), 0);
		ck_assert_int_eq(fread(page, sizeof(page), 1, f), 1);
		if (!memcmp(page, z, sizeof(page))) {
			ck_assert_uint_eq(r->content, 1047);
			zero_outs++;
		} else {
			ck_assert_uint_ne(r->content, 1047);
		}
	}
	fclose(f);
	ck_assert_uint_eq(zero_outs, 145);
	ck_assert_uint_eq(zero_outs, st.out_by_outcome[CAP_OUT_ZERO]);
	trace_close(&t);
}
END_TEST

/* --- rules on hand-made events ------------------------------------------ */

static struct cap_event mk(uint64_t t, uint16_t type, uint64_t slot, uint8_t order,
			   uint64_t content, uint32_t flags, uint32_t tid)
{
	struct cap_event e;

	memset(&e, 0, sizeof(e));
	e.time_ns = t;
	e.type = type;
	e.slot = slot;
	e.order = order;
	e.content = content;
	e.flags = flags;
	e.tid = tid;
	e.outcome = type == CAP_EV_OUT ? CAP_OUT_ZSWAP : 0;
	return e;
}

static void write_content(unsigned npages)
{
	FILE *f = fopen(p_content, "wb");
	unsigned char page[4096];

	ck_assert_ptr_nonnull(f);
	for (unsigned i = 0; i < npages; i++) {
		/* pages 0 and 2 are equal, pages 4..7 equal 8..11 (a repeated run) */
		unsigned v = i == 2 ? 0 : (i >= 8 && i < 12 ? i - 4 : i);

		memset(page, (int)(v + 1), sizeof(page));
		ck_assert_int_eq(fwrite(page, sizeof(page), 1, f), 1);
	}
	fclose(f);
}

static int convert_made(const struct cap_event *ev, unsigned n, uint64_t end, unsigned npages,
			struct cap_convert_stats *st)
{
	struct cap_events_header h;

	memset(&h, 0, sizeof(h));
	h.content_pages = npages;
	h.end_time_ns = end;
	strcpy(h.memcg, "test-cg");
	ck_assert_int_eq(cap_events_write(p_events, &h, ev, n, err, sizeof(err)), 0);
	write_content(npages);
	return cap_convert(p_events, p_content, p_trace, p_pages, st, err, sizeof(err));
}

START_TEST(rules)
{
	/* deliberately out of time order: the conversion sorts (stable) */
	const struct cap_event ev[] = {
		mk(30, CAP_EV_IN, 5, 0, 0, CAP_FL_SWAPCACHE | CAP_FL_WRITEBACK, 99), /* writeback's folio */
		mk(10, CAP_EV_OUT, 5, 0, 0, 0, 7),
		mk(20, CAP_EV_OUT, 6, 0, 2, 0, 7),        /* same bytes as page 0 */
		mk(40, CAP_EV_IN, 5, 0, 0, CAP_FL_SWAPCACHE, 8),   /* from disk now */
		mk(45, CAP_EV_IN, 5, 0, 0, CAP_FL_SWAPCACHE, 8),   /* re-read of the disk slot */
		mk(50, CAP_EV_OUT, 6, 0, 1, 0, 7),        /* slot 6 still out: reused unseen */
		mk(60, CAP_EV_OUT, 8, 2, 4, 0, 7),        /* order 2, pages 4..7 */
		mk(70, CAP_EV_OUT, 16, 2, 8, 0, 7),       /* same run again */
		mk(75, CAP_EV_IN, 9, 0, 0, CAP_FL_SWAPCACHE | CAP_FL_RECLAIM, 8), /* readahead */
		mk(76, CAP_EV_MEMCG, 1, 0, 0, 0, 99),     /* ZSWPWB by task 99 (set below) */
		mk(77, CAP_EV_IN, 16, 0, 0, CAP_FL_SWAPCACHE, 99),  /* clean, in the writer: writeback */
		mk(78, CAP_EV_IN, 17, 0, 0, CAP_FL_SWAPCACHE | CAP_FL_DIRTY, 99), /* a zswap load */
		mk(79, CAP_EV_IN, 16, 0, 0, CAP_FL_SWAPCACHE, 99), /* slot 16 on disk now: a swap-in */
		mk(80, CAP_EV_OUT, 20, 0, CAP_NO_CONTENT, 0, 7),  /* content lost */
		mk(82, CAP_EV_OUT, 21, 0, 3, 0, 7),       /* zero outcome (set below) */
		mk(84, CAP_EV_IN, 21, 0, 0, CAP_FL_SWAPCACHE, 8),
		mk(86, CAP_EV_IN, 21, 0, 0, CAP_FL_SWAPCACHE, 8),  /* re-read of the zero slot */
		mk(87, CAP_EV_OUT, 22, 0, 3, 0, 7),       /* zero outcome (set below) */
		mk(88, CAP_EV_IN, 22, 0, 0, CAP_FL_SWAPCACHE, 99), /* zero slot: a swap-in, not writeback */
		mk(90, CAP_EV_IN, 17, 0, 0, CAP_FL_SWAPCACHE, 8),  /* zswap slot not out: a putback */
		mk(200, CAP_EV_OUT, 30, 0, 3, 0, 7),      /* after the end mark */
	};
	enum { N = sizeof(ev) / sizeof(ev[0]) };
	/* the trace: op, slot, order, content, flags, stream */
	static const struct { uint8_t op; uint32_t slot; uint8_t order; uint32_t content;
			      uint16_t flags, stream; } want[] = {
		{ TRACE_OP_OUT, 5, 0, 0, 0, 0 },
		{ TRACE_OP_OUT, 6, 0, 0, 0, 0 },
		{ TRACE_OP_IN, 5, 0, 0, 0, 1 },
		{ TRACE_OP_OUT, 5, 0, 0, TRACE_F_CLEAN, 1 },   /* the re-read: page 0 back on disk */
		{ TRACE_OP_IN, 5, 0, 0, 0, 1 },
		{ TRACE_OP_INVAL, 6, 0, 0, 0, 0 },
		{ TRACE_OP_OUT, 6, 0, 1, 0, 0 },
		{ TRACE_OP_OUT, 8, 2, 2, 0, 0 },
		{ TRACE_OP_OUT, 16, 2, 2, 0, 0 },
		{ TRACE_OP_IN, 9, 0, 0, TRACE_F_READAHEAD, 1 },
		{ TRACE_OP_IN, 17, 0, 0, 0, 2 },
		{ TRACE_OP_IN, 16, 0, 0, 0, 2 },
		{ TRACE_OP_OUT, 20, 0, 4096, TRACE_F_HINT, 0 },
		{ TRACE_OP_OUT, 21, 0, 6, 0, 0 },
		{ TRACE_OP_IN, 21, 0, 0, 0, 1 },
		{ TRACE_OP_OUT, 21, 0, 6, TRACE_F_CLEAN, 1 },  /* the zero re-read */
		{ TRACE_OP_IN, 21, 0, 0, 0, 1 },
		{ TRACE_OP_OUT, 22, 0, 6, 0, 0 },
		{ TRACE_OP_IN, 22, 0, 0, 0, 2 },
	};
	struct cap_event e2[N];
	struct cap_convert_stats st;
	struct trace t;

	memcpy(e2, ev, sizeof(ev));
	e2[9].vpn = CAP_ITEM_ZSWPWB;
	e2[14].outcome = CAP_OUT_ZERO;
	e2[17].outcome = CAP_OUT_ZERO;
	ck_assert_msg(convert_made(e2, N, 100, 12, &st) == 0, "%s", err);
	ck_assert_uint_eq(st.events, N - 1);
	ck_assert_uint_eq(st.outs, 8);
	ck_assert_uint_eq(st.out_pages, 14);
	ck_assert_uint_eq(st.out_by_outcome[CAP_OUT_ZERO], 2);
	ck_assert_uint_eq(st.ins, 8);
	ck_assert_uint_eq(st.ins_readahead, 1);
	ck_assert_uint_eq(st.ins_dup, 1);
	ck_assert_uint_eq(st.ins_reread[0], 1);
	ck_assert_uint_eq(st.ins_reread[1], 1);   /* slot 5: written back, read, read again */
	ck_assert_uint_eq(st.ins_writeback, 2);
	ck_assert_uint_eq(st.memcg_items[1], 1);
	ck_assert_uint_eq(st.invals, 1);
	ck_assert_uint_eq(st.invals_at_end, 0);
	ck_assert_uint_eq(st.unique_pages, 7);    /* pages 0, 1, 3, 4..7 */
	ck_assert_uint_eq(st.slot_count, 23);
	ck_assert_uint_eq(st.streams, 3);

	ck_assert_msg(trace_open(&t, p_trace, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(t.meta.memcgs[0].name, "test-cg");
	ck_assert_uint_eq(t.nrec, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < t.nrec; i++) {
		ck_assert_msg(t.rec[i].op == want[i].op && t.rec[i].slot == want[i].slot &&
			      t.rec[i].order == want[i].order && t.rec[i].content == want[i].content &&
			      t.rec[i].flags == want[i].flags && t.rec[i].stream == want[i].stream,
			      "record %u: op %u slot %u order %u content %u flags 0x%x stream %u", i,
			      t.rec[i].op, t.rec[i].slot, t.rec[i].order, t.rec[i].content,
			      t.rec[i].flags, t.rec[i].stream);
	}
	ck_assert_uint_eq(t.rec[3].time_ns, 45);  /* the clean out goes with the re-read */
	ck_assert_uint_eq(t.rec[5].time_ns, 50);
	ck_assert_uint_eq(t.rec[11].time_ns, 79);
	trace_close(&t);
}
END_TEST

/* With the end snapshot, a slot out in the trace that the command no longer
 * held at its exit stop was freed by the program itself: an inval at the end
 * mark.  HELD events of another swap device do not count. */
START_TEST(end_snapshot)
{
	struct cap_event ev[] = {
		mk(10, CAP_EV_OUT, 1, 0, 0, 0, 7),
		mk(11, CAP_EV_OUT, 2, 0, 1, 0, 7),
		mk(12, CAP_EV_OUT, 3, 0, 3, 0, 7),
		mk(20, CAP_EV_IN, 2, 0, 0, CAP_FL_SWAPCACHE, 7),
		mk(100, CAP_EV_HELD, 1, 0, 0, 0, 0),
		mk(100, CAP_EV_HELD, 3, 0, 0, 0, 0),      /* swap type 1 (set below) */
	};
	struct cap_events_header h;
	struct cap_convert_stats st;
	struct trace t;

	ev[5].swap_type = 1;
	memset(&h, 0, sizeof(h));
	h.content_pages = 12;
	h.end_time_ns = 100;
	h.end_snapshot = 1;
	ck_assert_int_eq(cap_events_write(p_events, &h, ev, 6, err, sizeof(err)), 0);
	write_content(12);
	ck_assert_msg(cap_convert(p_events, p_content, p_trace, p_pages, &st, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(st.invals, 1);
	ck_assert_uint_eq(st.invals_at_end, 1);
	ck_assert_msg(trace_open(&t, p_trace, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(t.nrec, 5);
	ck_assert_uint_eq(t.rec[4].op, TRACE_OP_INVAL);
	ck_assert_uint_eq(t.rec[4].slot, 3);
	ck_assert_uint_eq(t.rec[4].time_ns, 100);
	trace_close(&t);

	/* without the snapshot nothing is freed */
	h.end_snapshot = 0;
	ck_assert_int_eq(cap_events_write(p_events, &h, ev, 6, err, sizeof(err)), 0);
	ck_assert_msg(cap_convert(p_events, p_content, p_trace, p_pages, &st, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(st.invals, 0);
}
END_TEST

START_TEST(two_swap_devices)
{
	struct cap_event ev[2] = {
		mk(1, CAP_EV_OUT, 1, 0, 0, 0, 1),
		mk(2, CAP_EV_OUT, 2, 0, 1, 0, 1),
	};
	struct cap_convert_stats st;

	ev[1].swap_type = 1;
	ck_assert_int_eq(convert_made(ev, 2, 0, 12, &st), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "two swap devices"));
	ck_assert_int_ne(access(p_trace, F_OK), 0);
	ck_assert_int_ne(access(p_pages, F_OK), 0);
}
END_TEST

/* The trace's path a FIFO: refused before the work, and no page store left
 * behind (the page store was written, then the trace refused); a content
 * file that is a FIFO is refused instead of waited on. */
START_TEST(outputs_checked_first)
{
	const struct cap_event ev[1] = { mk(1, CAP_EV_OUT, 1, 0, 0, 0, 1) };
	struct cap_events_header h;
	struct cap_convert_stats st;
	struct stat sb;

	memset(&h, 0, sizeof(h));
	h.content_pages = 4;
	ck_assert_int_eq(cap_events_write(p_events, &h, ev, 1, err, sizeof(err)), 0);
	write_content(4);
	ck_assert_int_eq(mkfifo(p_trace, 0600), 0);
	ck_assert_int_eq(cap_convert(p_events, p_content, p_trace, p_pages, &st, err, sizeof(err)),
			 -EEXIST);
	ck_assert_ptr_nonnull(strstr(err, "exists and is not a regular file"));
	ck_assert_int_ne(access(p_pages, F_OK), 0);
	ck_assert_int_eq(lstat(p_trace, &sb), 0);
	ck_assert(S_ISFIFO(sb.st_mode));
	ck_assert_int_eq(unlink(p_trace), 0);

	ck_assert_int_eq(unlink(p_content), 0);
	ck_assert_int_eq(mkfifo(p_content, 0600), 0);
	ck_assert_int_eq(cap_convert(p_events, p_content, p_trace, p_pages, &st, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "content.raw: not a regular file"));
	ck_assert_int_ne(access(p_pages, F_OK), 0);
	ck_assert_int_ne(access(p_trace, F_OK), 0);
}
END_TEST

START_TEST(bad_inputs)
{
	const struct cap_event ev[1] = { mk(1, CAP_EV_OUT, 1, 0, 11, 0, 1) };
	struct cap_events_header h;
	struct cap_convert_stats st;
	struct cap_event bad;
	FILE *f;

	/* content index beyond the content file the header announces */
	memset(&h, 0, sizeof(h));
	h.content_pages = 4;
	ck_assert_int_eq(cap_events_write(p_events, &h, ev, 1, err, sizeof(err)), 0);
	write_content(12);
	ck_assert_int_eq(cap_convert(p_events, p_content, p_trace, p_pages, &st, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "event 0"));

	/* content file shorter than the header says */
	h.content_pages = 12;
	ck_assert_int_eq(cap_events_write(p_events, &h, ev, 1, err, sizeof(err)), 0);
	write_content(6);
	ck_assert_int_eq(cap_convert(p_events, p_content, p_trace, p_pages, &st, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "need 12"));

	/* an unknown event type */
	bad = mk(1, 9, 1, 0, 0, 0, 1);
	ck_assert_int_eq(cap_events_write(p_events, &h, &bad, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(cap_convert(p_events, p_content, p_trace, p_pages, &st, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "bad type 9"));

	/* not an event file; truncated event file */
	f = fopen(p_events, "wb");
	ck_assert_ptr_nonnull(f);
	fputs("hello", f);
	fclose(f);
	ck_assert_int_eq(cap_convert(p_events, p_content, p_trace, p_pages, &st, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "bad magic"));
	ck_assert_int_eq(cap_events_write(p_events, &h, ev, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(truncate(p_events, 256 + 20), 0);
	ck_assert_int_eq(cap_convert(p_events, p_content, p_trace, p_pages, &st, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "ends after 0"));

	/* a swap-out at slot 2^64 - 1: slot + 1 wrapped to 0 in the slot-count
	 * computation and the converter wrote out of its arrays (found after
	 * fuzz_capture's out-of-memory inputs) */
	bad = mk(1, CAP_EV_OUT, UINT64_MAX, 0, 0, CAP_OUT_ZSWAP, 1);
	ck_assert_int_eq(cap_events_write(p_events, &h, &bad, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(cap_convert(p_events, p_content, p_trace, p_pages, &st, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "event 0: swap slot 18446744073709551615 + 1 pages beyond 2^32"));

	/* a header announcing 2^34 events in front of one (found by
	 * fuzz_capture): an error naming the shortfall, not an 800 GB
	 * allocation (out of memory, or an abort under ASan) */
	{
		uint64_t many = 1ull << 34;
		int fd;

		ck_assert_int_eq(cap_events_write(p_events, &h, ev, 1, err, sizeof(err)), 0);
		fd = open(p_events, O_WRONLY);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(pwrite(fd, &many, 8, offsetof(struct cap_events_header, nevents)), 8);
		close(fd);
		ck_assert_int_eq(cap_convert(p_events, p_content, p_trace, p_pages, &st, err,
					     sizeof(err)), -EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "header says 17179869184 events, the file ends after 1"));
	}

	/* missing file; page store in another directory */
	ck_assert_int_eq(cap_convert("/nonexistent/events.bin", p_content, p_trace, p_pages, &st,
				     err, sizeof(err)), -ENOENT);
	ck_assert_int_eq(cap_convert(p_events, p_content, p_trace, "/tmp/elsewhere.pages", &st,
				     err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "next to the trace"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("capture_convert");
	TCase *tc = tcase_create("convert");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, recorded_counts);
	tcase_add_test(tc, recorded_trace_opens);
	tcase_add_test(tc, recorded_zero_pages);
	tcase_add_test(tc, rules);
	tcase_add_test(tc, end_snapshot);
	tcase_add_test(tc, two_swap_devices);
	tcase_add_test(tc, bad_inputs);
	tcase_add_test(tc, outputs_checked_first);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
