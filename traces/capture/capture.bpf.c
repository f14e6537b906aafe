// SPDX-License-Identifier: GPL-2.0
/*
 * zswapsim-capture, kernel side: BTF tracepoints only (no kprobes/fentry on
 * this kernel).  Everything is filtered on the memory cgroup the loader
 * created, identified by its kernfs id (= the inode number of its v1
 * directory).
 *
 *  vmscan:mm_vmscan_write_folio  swap-out: slot, order, index, content
 *  memcg:count_memcg_events      outcome of the store just done by this task
 *                                (ZSWPOUT / SWPOUT_ZERO / PSWPOUT), swap-in
 *                                and writeback counts
 *  pagemap:mm_lru_insertion      swap-cache folios entering the LRU: swap-in
 *                                (fault, readahead) or writeback's folio
 *  exceptions:page_fault_user    fault addresses of the target's tasks
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "capture.h"

char LICENSE[] SEC("license") = "GPL";

#define GIB (1ULL << 30)

/* Set by the loader before load. */
const volatile __u64 target_cgid = 0;
const volatile __u32 calib_tgid = 0;
const volatile __u64 calib_phys = 0;      /* physical address of the loader's marker page */
const volatile __u64 calib_magic[4] = {};

/* Set by calibration, read by everything else. */
__u64 page_offset_base = 0;   /* direct map base, 0 until calibrated */
__u64 calib_tries = 0;
__u64 drops = 0;              /* ring records that could not be reserved */
__u64 out_seq = 0;
__u64 out_seen = 0;
__u64 in_seen = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 << 20);   /* resized by the loader */
} rb SEC(".maps");

/* tid -> the swap-out outcome item counted last by this task. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} pending SEC(".maps");

static __always_inline bool memcg_is_target(struct mem_cgroup *memcg)
{
	if (!memcg)
		return false;
	return BPF_CORE_READ(memcg, css.cgroup, kn, id) == target_cgid;
}

static __always_inline struct mem_cgroup *folio_memcg_ptr(struct folio *folio)
{
	unsigned long md = BPF_CORE_READ(folio, memcg_data);

	/* Low bits are MEMCG_DATA_OBJEXTS / MEMCG_DATA_KMEM; anon folios have neither. */
	if (md & 3)
		return NULL;
	return (struct mem_cgroup *)md;
}

static __always_inline __u32 folio_flag_bits(struct folio *folio)
{
	unsigned long f = BPF_CORE_READ(folio, flags.f);
	__u32 r = 0;

	if (f & (1UL << PG_locked))
		r |= CAP_PF_LOCKED;
	if (f & (1UL << PG_writeback))
		r |= CAP_PF_WRITEBACK;
	if (f & (1UL << PG_dirty))
		r |= CAP_PF_DIRTY;
	if (f & (1UL << PG_uptodate))
		r |= CAP_PF_UPTODATE;
	if (f & (1UL << PG_reclaim))
		r |= CAP_PF_RECLAIM;
	if (f & (1UL << PG_swapcache))
		r |= CAP_PF_SWAPCACHE;
	if (f & (1UL << PG_head))
		r |= CAP_PF_HEAD;
	return r;
}

static __always_inline __u32 folio_order_of(struct folio *folio, __u32 fl)
{
	if (!(fl & CAP_PF_HEAD))
		return 0;
	return BPF_CORE_READ(folio, _flags_1) & 0xff;
}

/*
 * Calibration: find page_offset_base.  mm->pgd is a direct-map address, and
 * the direct map starts at a 1 GiB-aligned base at most (RAM size) below it.
 * For each candidate base, read the loader's mlocked marker page at
 * base + its physical address (from /proc/self/pagemap) and compare the
 * magic.  A wrong candidate lands either in RAM (the direct map) or below the
 * direct map, which is unmapped; bpf_probe_read_kernel() fails safely there.
 */
SEC("tp_btf/sys_enter")
int BPF_PROG(calibrate, struct pt_regs *regs, long id)
{
	struct task_struct *task;
	__u64 pgd, top, m[4];
	int k;

	if ((bpf_get_current_pid_tgid() >> 32) != calib_tgid || page_offset_base)
		return 0;
	task = bpf_get_current_task_btf();
	pgd = (__u64)BPF_CORE_READ(task, mm, pgd);
	if (!pgd)
		return 0;
	top = pgd & ~(GIB - 1);
	for (k = 0; k < 128; k++) {
		__u64 base = top - (__u64)k * GIB;

		calib_tries++;
		if (bpf_probe_read_kernel(m, sizeof(m), (void *)(base + calib_phys)))
			continue;
		if (m[0] == calib_magic[0] && m[1] == calib_magic[1] &&
		    m[2] == calib_magic[2] && m[3] == calib_magic[3]) {
			page_offset_base = base;
			break;
		}
	}
	return 0;
}

/* Reserve a zeroed ring-buffer record of type for thread tid, stamped now;
 * NULL (and a counted drop) when the ring buffer is full. */
static __always_inline struct cap_rb_hdr *rb_record(__u32 type, __u32 tid)
{
	struct cap_rb_hdr *h = bpf_ringbuf_reserve(&rb, sizeof(*h), 0);

	if (!h) {
		__sync_fetch_and_add(&drops, 1);
		return NULL;
	}
	__builtin_memset(h, 0, sizeof(*h));
	h->time_ns = bpf_ktime_get_ns();
	h->type = type;
	h->tid = tid;
	return h;
}

SEC("tp_btf/count_memcg_events")
int BPF_PROG(memcg_event, struct mem_cgroup *memcg, int item, unsigned long count)
{
	struct cap_rb_hdr *h;
	__u32 tid, it = item;

	if (item != ZSWPOUT && item != ZSWPIN && item != ZSWPWB && item != SWPOUT_ZERO &&
	    item != SWPIN_ZERO && item != PSWPOUT && item != PSWPIN && item != PGMAJFAULT)
		return 0;
	if (!memcg_is_target(memcg))
		return 0;
	tid = (__u32)bpf_get_current_pid_tgid();
	if (item == ZSWPOUT || item == SWPOUT_ZERO || item == PSWPOUT)
		bpf_map_update_elem(&pending, &tid, &it, BPF_ANY);
	h = rb_record(CAP_RB_MEMCG, tid);
	if (!h)
		return 0;
	h->a = count;
	h->b = item;
	bpf_ringbuf_submit(h, 0);
	return 0;
}

/* Content of the sub-pages of the folio whose struct page is at address fp. */
static __always_inline __u32 emit_pages(__u64 fp, __u32 nr, __u64 seq, __u32 tid)
{
	__u64 vmemmap, pfn, psz = bpf_core_type_size(struct page);
	__u32 i, missing = 0;

	if (!page_offset_base || !psz)
		return nr;
	/* struct pages of < 1 GiB of RAM per GiB of vmemmap: the base is the
	 * folio address rounded down to the (PUD-aligned, randomised) base. */
	vmemmap = fp & ~(GIB - 1);
	pfn = (fp - vmemmap) / psz;
	for (i = 0; i < (1u << CAP_MAX_ORDER); i++) {
		struct cap_rb_page *p;

		if (i >= nr)
			break;
		p = bpf_ringbuf_reserve(&rb, sizeof(*p), 0);
		if (!p) {
			missing++;
			__sync_fetch_and_add(&drops, 1);
			continue;
		}
		p->h.time_ns = 0;
		p->h.a = 0;
		p->h.b = i;
		p->h.seq = seq;
		p->h.tid = tid;
		p->h.type = CAP_RB_PAGE;
		p->h.order = 0;
		p->h.outcome = 0;
		p->h.flags = 0;
		p->h.missing = 0;
		if (bpf_probe_read_kernel(p->data, CAP_PAGE_SIZE,
					  (void *)(page_offset_base + (pfn + i) * CAP_PAGE_SIZE))) {
			missing++;
			bpf_ringbuf_discard(p, 0);
			continue;
		}
		bpf_ringbuf_submit(p, 0);
	}
	return missing;
}

SEC("tp_btf/mm_vmscan_write_folio")
int BPF_PROG(write_folio, struct folio *folio)
{
	struct cap_rb_hdr *h;
	__u32 tid, fl, order, *item, outcome = 0;
	__u64 seq, fp;

	if (!memcg_is_target(folio_memcg_ptr(folio)))
		return 0;
	fl = folio_flag_bits(folio);
	if (!(fl & CAP_PF_SWAPCACHE))
		return 0;
	order = folio_order_of(folio, fl);
	if (order > CAP_MAX_ORDER)
		return 0;
	tid = (__u32)bpf_get_current_pid_tgid();
	item = bpf_map_lookup_elem(&pending, &tid);
	if (item) {
		outcome = *item;
		bpf_map_delete_elem(&pending, &tid);
	}
	__sync_fetch_and_add(&out_seen, 1);
	/* Reserve the OUT record first and commit it last: the consumer then
	 * sees it before its pages and learns how many pages went missing. */
	h = rb_record(CAP_RB_OUT, tid);
	if (!h)
		return 0;
	seq = __sync_fetch_and_add(&out_seq, 1);
	h->a = BPF_CORE_READ(folio, swap.val);
	h->b = BPF_CORE_READ(folio, index);
	h->seq = seq;
	h->order = order;
	h->outcome = outcome;
	h->flags = fl;
	/* The folio's address as a number (the verifier allows no arithmetic
	 * on a BTF pointer): read the raw tracepoint argument. */
	if (bpf_probe_read_kernel(&fp, sizeof(fp), ctx))
		fp = 0;
	h->missing = fp ? emit_pages(fp, 1u << order, seq, tid) : 1u << order;
	bpf_ringbuf_submit(h, 0);
	return 0;
}

SEC("tp_btf/mm_lru_insertion")
int BPF_PROG(lru_insertion, struct folio *folio)
{
	struct cap_rb_hdr *h;
	__u32 fl;

	fl = folio_flag_bits(folio);
	if (!(fl & CAP_PF_SWAPCACHE))
		return 0;
	if (!memcg_is_target(folio_memcg_ptr(folio)))
		return 0;
	__sync_fetch_and_add(&in_seen, 1);
	h = rb_record(CAP_RB_IN, (__u32)bpf_get_current_pid_tgid());
	if (!h)
		return 0;
	h->a = BPF_CORE_READ(folio, swap.val);
	h->b = BPF_CORE_READ(folio, index);
	h->flags = fl;
	h->order = folio_order_of(folio, fl);
	bpf_ringbuf_submit(h, 0);
	return 0;
}

SEC("tp_btf/page_fault_user")
int BPF_PROG(fault_user, unsigned long address, struct pt_regs *regs, unsigned long error_code)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct cap_rb_hdr *h;
	struct mem_cgroup *memcg;

	/* The task's v1 memory css: cgroups->subsys[memory_cgrp_id]. */
	memcg = (struct mem_cgroup *)BPF_CORE_READ(task, cgroups, subsys[memory_cgrp_id]);
	if (!memcg_is_target(memcg))
		return 0;
	h = rb_record(CAP_RB_FAULT, (__u32)bpf_get_current_pid_tgid());
	if (!h)
		return 0;
	h->a = address;
	h->b = error_code;
	bpf_ringbuf_submit(h, 0);
	return 0;
}
