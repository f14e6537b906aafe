// SPDX-License-Identifier: MIT
/*
 * Recorded kernel events -> trace + deduplicated page store.
 *
 * The rules (docs/capture.md):
 *  - events are replayed in time order (stable), up to the workload's end mark;
 *  - OUT: one 'out' record per folio; its 2^order pages are looked up as one
 *    run in the page store (identical runs are stored once).  If a slot of the
 *    folio is still out (no swap-in seen since its last swap-out) the kernel
 *    freed and reused it unobserved (exit, munmap, a re-write from the swap
 *    cache): an 'inval' of that slot comes first;
 *  - IN: a swap-cache folio entering the LRU is a swap-in of each of its slots
 *    that is out ('in', order 0; 'ra' when PG_readahead was set).  zswap
 *    writeback's own folio (is_writeback_folio()) is not a swap-in: dropped.
 *    A slot that is not out but whose data stayed in the slot (last swap-out
 *    to the zeromap or the disk) is read again after reclaim dropped the clean
 *    folio unseen: a 'clean' out, then the 'in'.  Any other slot that is not
 *    out is a putback: dropped;
 *  - HELD (the slots the command still held at its exit stop): a slot out in
 *    the trace but not held was freed by the program itself (munmap, ...) at
 *    an unknown time: an 'inval' at the end mark;
 *  - MEMCG and FAULT events only feed the statistics.
 * Not a hot path: runs once per capture.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zlib.h>

#include "traces/capture_events.h"
#include "traces/infile.h"
#include "traces/outfile.h"
#include "traces/trace.h"
#include "traces/trace_priv.h"

_Static_assert(sizeof(struct cap_event) == 48, "cap_event layout");
_Static_assert(sizeof(struct cap_events_header) == 256, "cap_events_header layout");

/* Read want bytes of events into ev->ev, growing the buffer as they arrive:
 * the header's count is not trusted for the allocation (a corrupt count of
 * 2^34 events would ask for 800 GB), and a gzip file's size says nothing of
 * its content.  0, -ENOMEM, or -EIO when the file ends early; *got: the
 * bytes read. */
static int read_events(gzFile gz, struct cap_events *ev, size_t want, size_t *got)
{
	size_t cap = want < (1u << 20) ? want : (1u << 20), off = 0;

	ev->ev = malloc(cap ? cap : 1);
	if (!ev->ev)
		return -ENOMEM;
	while (off < want) {
		if (off == cap) {
			size_t ncap = cap * 2 < want ? cap * 2 : want;
			void *n = realloc(ev->ev, ncap);

			if (!n)
				return -ENOMEM;
			ev->ev = n;
			cap = ncap;
		}
		size_t chunk = cap - off > (1u << 30) ? (1u << 30) : cap - off;
		int n = gzread(gz, (char *)ev->ev + off, (unsigned)chunk);

		if (n <= 0)
			return -EIO;
		off += (size_t)n;
		*got = off;
	}
	return 0;
}

/* events.bin is read through zlib, so a gzip-compressed file (the bundled test
 * data) works as well as a plain one. */
int cap_events_read(const char *path, struct cap_events *ev, char *err, size_t errlen)
{
	gzFile gz;
	size_t want;
	int ret = -EINVAL;
	char extra;

	memset(ev, 0, sizeof(*ev));
	gz = gzopen(path, "rb");
	if (!gz) {
		ret = errno ? -errno : -ENOMEM;
		trace_msg(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (gzread(gz, &ev->hdr, sizeof(ev->hdr)) != (int)sizeof(ev->hdr) ||
	    memcmp(ev->hdr.magic, CAP_EVENTS_MAGIC, 8)) {
		trace_msg(err, errlen, "%s: not a capture event file (bad magic)", path);
		goto out;
	}
	if (ev->hdr.version != CAP_EVENTS_VERSION || ev->hdr.event_size != sizeof(struct cap_event)) {
		trace_msg(err, errlen, "%s: version %u / event size %u not supported (want %u / %zu)",
			  path, ev->hdr.version, ev->hdr.event_size, CAP_EVENTS_VERSION,
			  sizeof(struct cap_event));
		goto out;
	}
	if (ev->hdr.nevents > (1ull << 34)) {
		trace_msg(err, errlen, "%s: header says %llu events", path,
			  (unsigned long long)ev->hdr.nevents);
		goto out;
	}
	want = ev->hdr.nevents * sizeof(struct cap_event);
	size_t got = 0;
	int r = read_events(gz, ev, want, &got);

	if (r == -ENOMEM) {
		ret = -ENOMEM;
		trace_msg(err, errlen, "%s: out of memory", path);
		goto out;
	}
	if (r) {
		trace_msg(err, errlen, "%s: header says %llu events, the file ends after %zu",
			  path, (unsigned long long)ev->hdr.nevents, got / sizeof(struct cap_event));
		goto out;
	}
	if (gzread(gz, &extra, 1) != 0) {
		trace_msg(err, errlen, "%s: data after the %llu events of the header", path,
			  (unsigned long long)ev->hdr.nevents);
		goto out;
	}
	for (uint64_t i = 0; i < ev->hdr.nevents; i++) {
		const struct cap_event *e = &ev->ev[i];

		if (e->type < CAP_EV_OUT || e->type > CAP_EV_HELD ||
		    ((e->type == CAP_EV_OUT || e->type == CAP_EV_IN) && e->order > TRACE_MAX_ORDER) ||
		    e->outcome > CAP_OUT_DISK) {
			trace_msg(err, errlen, "%s: event %llu: bad type %u / order %u / outcome %u",
				  path, (unsigned long long)i, e->type, e->order, e->outcome);
			goto out;
		}
		/* a swap offset is below 2^32 (and slot + pages must not wrap:
		 * the converter sizes its slot arrays by the largest) */
		if (e->type == CAP_EV_OUT && e->slot > (1ull << 32) - (1u << e->order)) {
			trace_msg(err, errlen, "%s: event %llu: swap slot %llu + %u pages beyond 2^32",
				  path, (unsigned long long)i, (unsigned long long)e->slot,
				  1u << e->order);
			goto out;
		}
		if (e->type == CAP_EV_OUT && e->content != CAP_NO_CONTENT &&
		    (e->content > ev->hdr.content_pages ||
		     ev->hdr.content_pages - e->content < (1u << e->order))) {
			trace_msg(err, errlen, "%s: event %llu: content %llu + %u pages beyond %llu",
				  path, (unsigned long long)i, (unsigned long long)e->content,
				  1u << e->order, (unsigned long long)ev->hdr.content_pages);
			goto out;
		}
	}
	ret = 0;
out:
	gzclose(gz);
	if (ret)
		cap_events_free(ev);
	return ret;
}

void cap_events_free(struct cap_events *ev)
{
	free(ev->ev);
	ev->ev = NULL;
}

int cap_events_write(const char *path, const struct cap_events_header *hdr,
		     const struct cap_event *ev, uint64_t n, char *err, size_t errlen)
{
	struct cap_events_header h = *hdr;
	struct outfile o;
	int ret;

	memcpy(h.magic, CAP_EVENTS_MAGIC, 8);
	h.version = CAP_EVENTS_VERSION;
	h.event_size = sizeof(struct cap_event);
	h.nevents = n;
	h.memcg[sizeof(h.memcg) - 1] = 0;
	ret = outfile_open(&o, path, err, errlen);
	if (ret)
		return ret;
	ret = trace_fwrite(o.f, &h, sizeof(h), 1);
	if (!ret)
		ret = trace_fwrite(o.f, ev, sizeof(*ev), n);
	return outfile_close(&o, ret, err, errlen);
}

/* --- content source: pread on a plain file, or a gzip file read whole ----- */

struct content_in {
	int fd;
	uint8_t *mem;       /* whole decompressed file when gzip */
	uint64_t pages;
};

static int content_open(struct content_in *c, const char *path, uint64_t need,
			char *err, size_t errlen)
{
	unsigned char magic[2] = { 0, 0 };
	struct stat st;

	memset(c, 0, sizeof(*c));
	c->fd = infile_open(path, err, errlen);
	if (c->fd < 0)
		return c->fd;
	if (fstat(c->fd, &st)) {
		int e = errno;

		trace_msg(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	if (pread(c->fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		int fd2 = dup(c->fd);
		gzFile gz = fd2 < 0 ? NULL : gzdopen(fd2, "rb");
		size_t len = need * SIM_PAGE_SIZE;
		int n = 0;

		c->mem = malloc(len ? len : 1);
		if (!gz || !c->mem) {
			if (gz)
				gzclose(gz);
			else if (fd2 >= 0)
				close(fd2);
			trace_msg(err, errlen, "%s: cannot decompress", path);
			return -ENOMEM;
		}
		for (size_t off = 0; off < len; off += (size_t)n) {
			size_t chunk = len - off > (1u << 30) ? (1u << 30) : len - off;

			n = gzread(gz, c->mem + off, (unsigned)chunk);
			if (n <= 0)
				break;
			c->pages = (off + (size_t)n) / SIM_PAGE_SIZE;
		}
		gzclose(gz);
	} else {
		c->pages = (uint64_t)st.st_size / SIM_PAGE_SIZE;
	}
	if (c->pages < need) {
		trace_msg(err, errlen, "%s: %llu pages, the events need %llu", path,
			  (unsigned long long)c->pages, (unsigned long long)need);
		return -EINVAL;
	}
	return 0;
}

static int content_read(struct content_in *c, uint64_t idx, uint64_t n, uint8_t *buf)
{
	size_t len = n * SIM_PAGE_SIZE;

	if (c->mem) {
		memcpy(buf, c->mem + idx * SIM_PAGE_SIZE, len);
		return 0;
	}
	return pread(c->fd, buf, len, (off_t)(idx * SIM_PAGE_SIZE)) == (ssize_t)len ? 0 : -EIO;
}

static void content_close(struct content_in *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->mem);
}

/* --- deduplicating page store ---------------------------------------------- */

struct run_slot {
	XXH128_hash_t h;
	uint32_t base;      /* first page in the store */
	uint8_t order;
	uint8_t used;
};

struct store {
	FILE *f;
	struct outfile out;
	XXH3_state_t *sum;   /* of what was written: the file is under its temp name till the end */
	uint64_t pages;
	struct run_slot *tab;
	uint64_t cap, used;
};

static int store_grow(struct store *s)
{
	uint64_t ncap = s->cap ? s->cap * 2 : 4096;
	struct run_slot *n = calloc(ncap, sizeof(*n));

	if (!n)
		return -ENOMEM;
	for (uint64_t i = 0; i < s->cap; i++) {
		uint64_t j;

		if (!s->tab[i].used)
			continue;
		for (j = s->tab[i].h.low64 & (ncap - 1); n[j].used; j = (j + 1) & (ncap - 1))
			;
		n[j] = s->tab[i];
	}
	free(s->tab);
	s->tab = n;
	s->cap = ncap;
	return 0;
}

/* The store index of a run of 2^order pages equal to buf, adding it if new. */
static int store_run(struct store *s, const uint8_t *buf, unsigned order, uint32_t *base)
{
	size_t len = (size_t)SIM_PAGE_SIZE << order;
	XXH128_hash_t h = XXH3_128bits_withSeed(buf, len, order);
	uint64_t j;

	if ((s->used + 1) * 2 > s->cap && store_grow(s))
		return -ENOMEM;
	for (j = h.low64 & (s->cap - 1); s->tab[j].used; j = (j + 1) & (s->cap - 1)) {
		if (s->tab[j].order == order && XXH128_isEqual(s->tab[j].h, h)) {
			*base = s->tab[j].base;
			return 0;
		}
	}
	if (s->pages + (1u << order) > UINT32_MAX)
		return -EFBIG;
	if (fwrite(buf, len, 1, s->f) != 1)
		return errno ? -errno : -EIO;
	XXH3_64bits_update(s->sum, buf, len);
	s->tab[j].h = h;
	s->tab[j].base = (uint32_t)s->pages;
	s->tab[j].order = (uint8_t)order;
	s->tab[j].used = 1;
	s->used++;
	*base = (uint32_t)s->pages;
	s->pages += 1u << order;
	return 0;
}

/* --- task -> stream ------------------------------------------------------- */

struct streams {
	uint32_t tid[TRACE_MAX_STREAMS];
	uint32_t n;
};

static int stream_of(struct streams *s, uint32_t tid)
{
	/* A handful of tasks per capture: a linear scan is enough. */
	for (uint32_t i = 0; i < s->n; i++)
		if (s->tid[i] == tid)
			return (int)i;
	if (s->n == TRACE_MAX_STREAMS)
		return -1;
	s->tid[s->n] = tid;
	return (int)s->n++;
}

/* --- conversion ------------------------------------------------------------ */

struct conv {
	const struct cap_events *ev;
	uint64_t *order;            /* event indices in time order */
	uint64_t nord;
	uint8_t *out;               /* per slot: 1 while the slot is out */
	uint8_t *last;              /* per slot: outcome of its last swap-out */
	uint32_t *content;          /* per slot: its page (or hint) at the last swap-out */
	uint16_t *cflags;           /* per slot: TRACE_F_HINT/ZERO of that content */
	uint8_t *held;              /* per slot: held by the command at the end mark */
	uint32_t swap_type;         /* the swap device of the swap-outs */
	uint32_t slot_count;
	struct trace_record *rec;
	uint64_t nrec, cap;
	struct streams *streams;
	struct store store;
	struct content_in cin;
	uint8_t *buf;               /* one folio */
	struct cap_convert_stats *st;
	uint32_t wb_tids[64];       /* tasks that counted ZSWPWB (shrink workers) */
	unsigned nwb_tids;
};

static int cmp_time(const void *a, const void *b, void *arg)
{
	const struct cap_event *ev = arg;
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	if (ev[x].time_ns != ev[y].time_ns)
		return ev[x].time_ns < ev[y].time_ns ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int push_rec(struct conv *c, const struct cap_event *e, uint8_t op, uint32_t slot,
		    uint8_t order, uint32_t content, uint16_t flags)
{
	int stream = stream_of(c->streams, e->tid);

	if (stream < 0)
		return -E2BIG;
	if (c->nrec == c->cap) {
		uint64_t ncap = c->cap ? c->cap * 2 : 4096;
		struct trace_record *n = realloc(c->rec, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		c->rec = n;
		c->cap = ncap;
	}
	c->rec[c->nrec++] = (struct trace_record){
		.time_ns = e->time_ns, .slot = slot, .content = content, .stream = (uint16_t)stream,
		.memcg = 0, .op = op, .order = order, .flags = flags,
	};
	return 0;
}

static int convert_out(struct conv *c, const struct cap_event *e)
{
	uint32_t nr = 1u << e->order, base = 0, slot = (uint32_t)e->slot;
	uint16_t flags = 0;
	int r;

	for (uint32_t i = 0; i < nr; i++) {
		if (!c->out[slot + i])
			continue;
		if ((r = push_rec(c, e, TRACE_OP_INVAL, slot + i, 0, 0, 0)))
			return r;
		c->st->invals++;
	}
	if (e->content == CAP_NO_CONTENT) {
		/* Content lost in the ring buffer: "does not compress" is the
		 * conservative stand-in (counted in kernel.json as missing_pages). */
		flags = TRACE_F_HINT;
		base = SIM_PAGE_SIZE;
	} else {
		if (content_read(&c->cin, e->content, nr, c->buf))
			return -EIO;
		if ((r = store_run(&c->store, c->buf, e->order, &base)))
			return r;
	}
	if ((r = push_rec(c, e, TRACE_OP_OUT, slot, e->order, base, flags)))
		return r;
	memset(c->out + slot, 1, nr);
	memset(c->last + slot, e->outcome, nr);
	for (uint32_t i = 0; i < nr; i++) {
		/* a hint applies to every page; a page-store run is consecutive */
		c->content[slot + i] = flags ? base : base + i;
		c->cflags[slot + i] = flags;
	}
	c->st->outs++;
	c->st->out_pages += nr;
	c->st->out_by_outcome[e->outcome] += nr;
	c->st->large_outs += e->order > 0;
	return 0;
}

/*
 * zswap writeback reads an entry into a new swap-cache folio, which enters the
 * LRU like a swap-in.  Under writeback I/O it carries PG_writeback.  The LRU
 * insertion is batched per CPU, so it often fires after the I/O completed;
 * it then fires in the shrink worker that did the writeback (a task that
 * counted ZSWPWB), and unlike a zswap load (which dirties the folio) the folio
 * is clean.  A clean insertion in such a task is taken as writeback's folio
 * when its slot can be written back at all: out, and last stored in zswap.
 */
static bool is_writeback_folio(const struct conv *c, const struct cap_event *e)
{
	if (e->order || e->slot >= c->slot_count || !c->out[e->slot] ||
	    c->last[e->slot] != CAP_OUT_ZSWAP)
		return false;
	if (e->flags & CAP_FL_WRITEBACK)
		return true;
	if (e->flags & CAP_FL_DIRTY)
		return false;
	for (unsigned i = 0; i < c->nwb_tids; i++)
		if (c->wb_tids[i] == e->tid)
			return true;
	return false;
}

static int convert_in(struct conv *c, const struct cap_event *e)
{
	uint32_t nr = 1u << e->order;
	uint16_t flags = (e->flags & CAP_FL_RECLAIM) ? TRACE_F_READAHEAD : 0;
	int r;

	if (is_writeback_folio(c, e)) {
		/* still out, but on the swap device now */
		c->last[e->slot] = CAP_OUT_DISK;
		c->st->ins_writeback++;
		return 0;
	}
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t s = e->slot + i;

		if (s >= c->slot_count || !c->out[s]) {
			/* A putback of a folio already counted: dropped. */
			if (s >= c->slot_count || (c->last[s] != CAP_OUT_ZERO &&
						   c->last[s] != CAP_OUT_DISK)) {
				c->st->ins_dup++;
				continue;
			}
			/* A re-read: a zero or disk slot keeps its data after a
			 * swap-in, and reclaim drops such a clean swap-cache
			 * folio without writing it (no tracepoint); reading it
			 * again counts swpin_zero or pswpin once more. */
			if ((r = push_rec(c, e, TRACE_OP_OUT, (uint32_t)s, 0, c->content[s],
					  c->cflags[s] | TRACE_F_CLEAN)))
				return r;
			c->st->ins_reread[c->last[s] == CAP_OUT_DISK]++;
		}
		if ((r = push_rec(c, e, TRACE_OP_IN, (uint32_t)s, 0, 0, flags)))
			return r;
		c->out[s] = 0;
		c->st->ins++;
		c->st->ins_readahead += flags != 0;
	}
	return 0;
}

static void count_memcg(struct conv *c, const struct cap_event *e)
{
	switch (e->vpn) {
	case CAP_ITEM_ZSWPIN: c->st->memcg_items[0] += e->slot; break;
	case CAP_ITEM_ZSWPWB: c->st->memcg_items[1] += e->slot; break;
	case CAP_ITEM_SWPIN_ZERO: c->st->memcg_items[2] += e->slot; break;
	case CAP_ITEM_PSWPIN: c->st->memcg_items[3] += e->slot; break;
	default: break;
	}
}

static void note_wb_tid(struct conv *c, uint32_t tid)
{
	for (unsigned i = 0; i < c->nwb_tids; i++)
		if (c->wb_tids[i] == tid)
			return;
	if (c->nwb_tids < sizeof(c->wb_tids) / sizeof(c->wb_tids[0]))
		c->wb_tids[c->nwb_tids++] = tid;
}

/* Time order, the end mark, one swap device, the slot range, writeback tasks. */
static int prepare(struct conv *c, const char *path, char *err, size_t errlen)
{
	const struct cap_events *ev = c->ev;
	uint64_t max_slot = 0, end = ev->hdr.end_time_ns;
	int64_t swap_type = -1;

	c->order = malloc((ev->hdr.nevents ? ev->hdr.nevents : 1) * sizeof(*c->order));
	if (!c->order)
		return -ENOMEM;
	for (uint64_t i = 0; i < ev->hdr.nevents; i++)
		if (!end || ev->ev[i].time_ns <= end)
			c->order[c->nord++] = i;
	qsort_r(c->order, c->nord, sizeof(*c->order), cmp_time, ev->ev);
	for (uint64_t i = 0; i < c->nord; i++) {
		const struct cap_event *e = &ev->ev[c->order[i]];

		if (e->type == CAP_EV_MEMCG && e->vpn == CAP_ITEM_ZSWPWB)
			note_wb_tid(c, e->tid);
		if (e->type != CAP_EV_OUT)
			continue;
		if (swap_type >= 0 && e->swap_type != swap_type) {
			trace_msg(err, errlen, "%s: swap-outs to two swap devices (%lld and %u); "
				  "capture with a single swap device", path, (long long)swap_type,
				  e->swap_type);
			return -EINVAL;
		}
		swap_type = e->swap_type;
		if (e->slot + (1u << e->order) > max_slot)
			max_slot = e->slot + (1u << e->order);
	}
	if (max_slot > UINT32_MAX) {
		trace_msg(err, errlen, "%s: swap slot %llu beyond 2^32", path,
			  (unsigned long long)max_slot);
		return -EINVAL;
	}
	c->slot_count = max_slot ? (uint32_t)max_slot : 1;
	c->swap_type = swap_type >= 0 ? (uint32_t)swap_type : 0;
	c->out = calloc(c->slot_count, 1);
	c->last = calloc(c->slot_count, 1);
	c->content = calloc(c->slot_count, sizeof(*c->content));
	c->cflags = calloc(c->slot_count, sizeof(*c->cflags));
	c->held = calloc(c->slot_count, 1);
	c->st->events = c->nord;
	c->st->slot_count = c->slot_count;
	return c->out && c->last && c->content && c->cflags && c->held ? 0 : -ENOMEM;
}

/*
 * The command's own frees: a slot still out in the trace that no swap PTE of
 * the command held at its exit stop was freed before (munmap, madvise, a
 * child's exit) with no event.  Its time is unknown; it is freed at the end
 * mark, in the first stream.
 */
static int free_unheld(struct conv *c)
{
	struct cap_event e = { .time_ns = c->ev->hdr.end_time_ns };
	int r;

	if (!c->streams->n)
		return 0;
	e.tid = c->streams->tid[0];
	for (uint32_t s = 0; s < c->slot_count; s++) {
		if (!c->out[s] || c->held[s])
			continue;
		if ((r = push_rec(c, &e, TRACE_OP_INVAL, s, 0, 0, 0)))
			return r;
		c->out[s] = 0;
		c->st->invals++;
		c->st->invals_at_end++;
	}
	return 0;
}

static int run_events(struct conv *c)
{
	for (uint64_t i = 0; i < c->nord; i++) {
		const struct cap_event *e = &c->ev->ev[c->order[i]];
		int r = 0;

		switch (e->type) {
		case CAP_EV_OUT: r = convert_out(c, e); break;
		case CAP_EV_IN: r = convert_in(c, e); break;
		case CAP_EV_MEMCG: count_memcg(c, e); break;
		case CAP_EV_FAULT: c->st->faults++; break;
		case CAP_EV_HELD:
			if (e->slot < c->slot_count && e->swap_type == c->swap_type)
				c->held[e->slot] = 1;
			break;
		default: break;
		}
		if (r)
			return r;
	}
	return c->ev->hdr.end_snapshot ? free_unheld(c) : 0;
}

static int same_dir(const char *a, const char *b)
{
	char *x = strdup(a), *y = strdup(b);
	int r = x && y && !strcmp(dirname(x), dirname(y));

	free(x);
	free(y);
	return r;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static int finish(struct conv *c, const char *trace_path, const char *pages_path,
		  char *err, size_t errlen)
{
	static struct trace_meta meta;
	const char *name = c->ev->hdr.memcg[0] ? c->ev->hdr.memcg : "capture";
	int r;

	memset(&meta, 0, sizeof(meta));
	meta.page_size = SIM_PAGE_SIZE;
	meta.slot_count = c->slot_count;
	meta.stream_count = c->streams->n ? c->streams->n : 1;
	meta.memcg_count = 1;
	snprintf(meta.memcgs[0].name, TRACE_NAME_MAX, "%s",
		 trace_name_ok(name, strnlen(name, TRACE_NAME_MAX - 1)) ? name : "capture");
	meta.memcgs[0].parent = -1;
	r = outfile_close(&c->store.out, 0, err, errlen);
	c->store.f = NULL;
	if (r)
		return r;
	snprintf(meta.page_store, TRACE_PATH_MAX, "%s", base_name(pages_path));
	meta.page_store_pages = c->store.pages;
	meta.page_store_checksum = XXH3_64bits_digest(c->store.sum);
	c->st->unique_pages = c->store.pages;
	c->st->streams = meta.stream_count;
	return trace_write(trace_path, &meta, c->rec, c->nrec, err, errlen);
}

int cap_convert(const char *events_path, const char *content_path,
		const char *trace_path, const char *pages_path,
		struct cap_convert_stats *st, char *err, size_t errlen)
{
	struct cap_events ev;
	struct conv c;
	int r;

	memset(st, 0, sizeof(*st));
	if (!same_dir(trace_path, pages_path) ||
	    strlen(base_name(pages_path)) >= TRACE_PATH_MAX) {
		trace_msg(err, errlen, "%s: the page store must sit next to the trace (%s), "
			  "with a name under %d bytes", pages_path, trace_path, TRACE_PATH_MAX);
		return -EINVAL;
	}
	/* both outputs refused before the work, not after it */
	if ((r = outfile_check(trace_path, err, errlen)) ||
	    (r = outfile_check(pages_path, err, errlen)))
		return r;
	if ((r = cap_events_read(events_path, &ev, err, errlen)))
		return r;
	memset(&c, 0, sizeof(c));
	c.ev = &ev;
	c.st = st;
	c.cin.fd = -1;
	c.streams = calloc(1, sizeof(*c.streams));
	c.buf = malloc((size_t)SIM_PAGE_SIZE << TRACE_MAX_ORDER);
	c.store.sum = XXH3_createState();
	if (!c.streams || !c.buf || !c.store.sum) {
		r = -ENOMEM;
		trace_msg(err, errlen, "%s: out of memory", events_path);
		goto out;
	}
	if ((r = content_open(&c.cin, content_path, ev.hdr.content_pages, err, errlen)))
		goto out;
	XXH3_64bits_reset(c.store.sum);
	/* the page store and the trace land together or not at all */
	outfile_hold();
	if ((r = outfile_open(&c.store.out, pages_path, err, errlen)))
		goto out;
	c.store.f = c.store.out.f;
	if ((r = prepare(&c, events_path, err, errlen)))
		goto out;
	if ((r = run_events(&c))) {
		trace_msg(err, errlen, "%s: conversion failed: %s", events_path, strerror(-r));
		goto out;
	}
	r = finish(&c, trace_path, pages_path, err, errlen);
out:
	if (c.store.f)
		outfile_close(&c.store.out, -ECANCELED, NULL, 0);
	r = outfile_release(r, err, errlen);
	XXH3_freeState(c.store.sum);
	content_close(&c.cin);
	free(c.order);
	free(c.out);
	free(c.last);
	free(c.content);
	free(c.cflags);
	free(c.held);
	free(c.rec);
	free(c.streams);
	free(c.buf);
	free(c.store.tab);
	cap_events_free(&ev);
	return r;
}
