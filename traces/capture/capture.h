/* SPDX-License-Identifier: MIT */
/*
 * Shared between capture.bpf.c and capture.c: the ring-buffer records the BPF
 * program emits.  Fixed-width types only, so both sides agree on the layout.
 */
#ifndef ZSWAPSIM_CAPTURE_H
#define ZSWAPSIM_CAPTURE_H

#define CAP_PAGE_SIZE   4096
#define CAP_MAX_ORDER   9

enum cap_rb_type {
	CAP_RB_OUT     = 1,  /* mm_vmscan_write_folio of a folio of the target memcg */
	CAP_RB_PAGE    = 2,  /* the 4 KiB content of one sub-page of the last OUT */
	CAP_RB_IN      = 3,  /* mm_lru_insertion of a swap-cache folio of the target memcg */
	CAP_RB_MEMCG   = 4,  /* count_memcg_events on the target memcg (swap items only) */
	CAP_RB_FAULT   = 5,  /* page_fault_user in a task of the target memcg */
};

/* Folio flag bits copied into cap_rb_hdr.flags for IN (and OUT) records. */
#define CAP_PF_LOCKED     (1u << 0)
#define CAP_PF_WRITEBACK  (1u << 1)
#define CAP_PF_DIRTY      (1u << 2)
#define CAP_PF_UPTODATE   (1u << 3)
#define CAP_PF_RECLAIM    (1u << 4)  /* PG_reclaim == PG_readahead */
#define CAP_PF_SWAPCACHE  (1u << 5)
#define CAP_PF_HEAD       (1u << 6)

struct cap_rb_hdr {
	unsigned long long time_ns;  /* bpf_ktime_get_ns() */
	unsigned long long a;        /* OUT/IN: swp_entry_t.val; MEMCG: count; FAULT: address */
	unsigned long long b;        /* OUT: folio->index; MEMCG: item; PAGE: sub-page */
	unsigned long long seq;      /* OUT/PAGE: the OUT's sequence number */
	unsigned int tid;
	unsigned short type;         /* enum cap_rb_type */
	unsigned char order;
	unsigned char outcome;       /* OUT: enum cap_outcome (capture_events.h) */
	unsigned int flags;          /* CAP_PF_* */
	unsigned int missing;        /* OUT: sub-pages whose content record was dropped */
};

struct cap_rb_page {
	struct cap_rb_hdr h;
	unsigned char data[CAP_PAGE_SIZE];
};

#endif
