/* SPDX-License-Identifier: MIT */
/*
 * Recorded kernel events (zswapsim-capture) and their conversion to a trace.
 *
 * zswapsim-capture writes two files while a command runs in a memory cgroup:
 *   events.bin   a header then fixed-size little-endian struct cap_event, in
 *                the order the ring buffer delivered them (nearly time order)
 *   content.raw  the 4 KiB content of every swapped-out sub-page, in capture
 *                order; an OUT event names the index of its first sub-page,
 *                the others follow it.  May be gzip-compressed (content.raw.gz).
 * cap_convert() turns them into a .zswt trace and a deduplicated .pages store
 * (see docs/capture.md for the rules).  No BPF here: this part is in the core
 * library and unit-tested on recorded data.
 */
#ifndef ZSWAPSIM_CAPTURE_EVENTS_H
#define ZSWAPSIM_CAPTURE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#define CAP_EVENTS_MAGIC   "ZSWCAPEV"
#define CAP_EVENTS_VERSION 1

enum cap_ev_type {
	CAP_EV_OUT   = 1,  /* a folio written to swap (mm_vmscan_write_folio) */
	CAP_EV_IN    = 2,  /* a swap-cache folio entered the LRU (mm_lru_insertion) */
	CAP_EV_MEMCG = 3,  /* a memcg swap event (count_memcg_events) */
	CAP_EV_FAULT = 4,  /* a user page fault (page_fault_user) */
	CAP_EV_HELD  = 5,  /* at the end mark, a swap PTE of the command still holds this
			      slot (/proc/PID/pagemap read at its exit stop) */
};

enum cap_outcome {
	CAP_OUT_UNKNOWN = 0,  /* no outcome event seen in the storing task */
	CAP_OUT_ZSWAP   = 1,  /* ZSWPOUT: stored in zswap */
	CAP_OUT_ZERO    = 2,  /* SWPOUT_ZERO: zero-filled, zeromap */
	CAP_OUT_DISK    = 3,  /* PSWPOUT: written to the swap device */
};

/* Memcg event items (enum vm_event_item of the 6.18 kernel the data came from). */
#define CAP_ITEM_PSWPIN      2
#define CAP_ITEM_PSWPOUT     3
#define CAP_ITEM_PGMAJFAULT  24
#define CAP_ITEM_SWPIN_ZERO  108
#define CAP_ITEM_SWPOUT_ZERO 109
#define CAP_ITEM_ZSWPIN      112
#define CAP_ITEM_ZSWPOUT     113
#define CAP_ITEM_ZSWPWB      114

/* Folio flags at the tracepoint (struct cap_event.flags). */
#define CAP_FL_LOCKED     (1u << 0)
#define CAP_FL_WRITEBACK  (1u << 1)
#define CAP_FL_DIRTY      (1u << 2)
#define CAP_FL_UPTODATE   (1u << 3)
#define CAP_FL_RECLAIM    (1u << 4)  /* PG_reclaim, alias PG_readahead */
#define CAP_FL_SWAPCACHE  (1u << 5)
#define CAP_FL_HEAD       (1u << 6)

#define CAP_NO_CONTENT UINT64_MAX

/* 48 bytes. */
struct cap_event {
	uint64_t time_ns;   /* since the start of the capture (CLOCK_MONOTONIC) */
	uint64_t slot;      /* OUT/IN/HELD: swap offset; MEMCG: count; FAULT: address */
	uint64_t vpn;       /* OUT/IN: folio->index; MEMCG: item; FAULT: error code */
	uint64_t content;   /* OUT: content.raw index of the first sub-page, or CAP_NO_CONTENT */
	uint32_t tid;       /* task that hit the tracepoint */
	uint16_t type;      /* enum cap_ev_type */
	uint8_t  order;     /* OUT/IN: folio order */
	uint8_t  outcome;   /* OUT: enum cap_outcome */
	uint32_t flags;     /* OUT/IN: CAP_FL_* */
	uint32_t swap_type; /* OUT/IN/HELD: swap device index (swp_type) */
};

/* 256 bytes at the start of events.bin. */
struct cap_events_header {
	char     magic[8];        /* CAP_EVENTS_MAGIC, no NUL */
	uint32_t version;         /* CAP_EVENTS_VERSION */
	uint32_t event_size;      /* sizeof(struct cap_event) */
	uint64_t nevents;
	uint64_t content_pages;   /* pages in content.raw */
	uint64_t drops;           /* ring-buffer records lost (0 for a clean capture) */
	uint64_t end_time_ns;     /* workload's end mark, 0 = none (events after it are ignored) */
	uint64_t missing_pages;   /* OUT sub-pages whose content was lost */
	char     memcg[64];       /* the cgroup's name, NUL-terminated */
	uint64_t end_snapshot;    /* 1: the HELD events list every slot the command still
				     held at the end mark (0: no snapshot, e.g. not traced) */
	uint8_t  reserved[256 - 64 - 64];
};

struct cap_events {
	struct cap_events_header hdr;
	struct cap_event *ev;     /* hdr.nevents events, owned */
};

/* What cap_convert() did. */
struct cap_convert_stats {
	uint64_t events;          /* events read (before the end mark) */
	uint64_t outs;            /* OUT records written */
	uint64_t out_pages;       /* pages they cover */
	uint64_t out_by_outcome[4];  /* OUT pages by enum cap_outcome */
	uint64_t large_outs;      /* OUT records of order > 0 */
	uint64_t ins;             /* IN records written */
	uint64_t ins_readahead;   /* of which flagged readahead */
	uint64_t ins_dup;         /* insertions of a slot that was not out (putbacks): dropped */
	uint64_t ins_reread[2];   /* re-reads of a slot not out whose data stayed in swap
				     (last outcome zero, disk): reclaim had dropped the
				     clean swap-cache folio without a write; in the trace
				     as a 'clean' out and an 'in' (counted in ins) */
	uint64_t ins_writeback;   /* insertions under writeback (zswap writeback's folio): dropped */
	uint64_t invals;          /* INVAL records (slot reused without a swap-in) */
	uint64_t invals_at_end;   /* of those, slots out in the trace that the command no
				     longer held at the end mark: freed by the program itself
				     (munmap, madvise, exit of another process), time unknown */
	uint64_t memcg_items[4];  /* pages by event: zswpin, zswpwb, swpin_zero, pswpin */
	uint64_t faults;
	uint64_t unique_pages;    /* pages in the .pages store */
	uint64_t streams;
	uint32_t slot_count;
};

/* Read events.bin into ev (allocated; free with cap_events_free). */
int cap_events_read(const char *path, struct cap_events *ev, char *err, size_t errlen);
void cap_events_free(struct cap_events *ev);

/* Write events.bin (header fields other than magic/version/sizes come from hdr). */
int cap_events_write(const char *path, const struct cap_events_header *hdr,
		     const struct cap_event *ev, uint64_t n, char *err, size_t errlen);

/* Convert events + content into trace_path (.zswt or .txt) and pages_path, which
 * must be in the same directory (the trace names the store by its file name).
 * Content is read with zlib, so content_path may be plain or gzip-compressed. */
int cap_convert(const char *events_path, const char *content_path,
		const char *trace_path, const char *pages_path,
		struct cap_convert_stats *st, char *err, size_t errlen);

#endif
