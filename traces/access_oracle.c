/* SPDX-License-Identifier: MIT */
/*
 * libCacheSim's oracleGeneral traces as an access source, and the writer
 * that turns any access source into one, so that the same file can be
 * replayed by both tools.
 *
 * A record is 24 packed little-endian bytes {u32 real_time (s); u64 obj_id;
 * u32 obj_size; i64 next_access_vtime}.  Requests of size 0 are skipped, as
 * libCacheSim's reader does by default (ignore_size_zero_req).  Every object
 * is one 4 KiB page of task 0: object ids become dense page numbers in the
 * order they are first seen, in one pass at open (a hash table), which leaves
 * a u32 page per request; the hot path is then an array read.  Every access
 * is a READ except an object's first, a WRITE (its page gets content); the k-th request (k = 1, 2, ...) is at
 * k * think_ns.  real_time, obj_size (beyond the zero test) and
 * next_access_vtime are not used.  A .zst file is decompressed as a stream
 * (libzstd) in the same pass; nothing is written to disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include "traces/access_source.h"
#include "traces/access_source_impl.h"
#include "traces/infile.h"
#include "traces/outfile.h"
#include "traces/trace_priv.h"

#define OG_RECORD 24
#define OG_NONE   UINT32_MAX

struct og_record {
	uint32_t real_time;
	uint64_t obj_id;
	uint32_t obj_size;
	int64_t next_access_vtime;
} __attribute__((packed));

_Static_assert(sizeof(struct og_record) == OG_RECORD, "oracleGeneral record layout");

static int is_zst(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && !strcmp(path + n - 4, ".zst");
}

/* --- object id -> dense page: open addressing, linear probing ------------------ */

/* One slot: key and value in one 16-byte entry, so a lookup touches one
 * cache line. */
struct obj_slot {
	uint64_t key;
	uint32_t val;       /* OG_NONE: empty slot */
	uint32_t pad;
};

struct obj_map {
	struct obj_slot *slot;
	uint64_t mask;      /* slots - 1 */
	uint32_t n;         /* objects, = the next page number */
};

/* splitmix64's finalizer: ids in real traces are often hashes already, but
 * synthetic ones are small consecutive numbers. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static int obj_map_init(struct obj_map *m, uint64_t slots)
{
	m->slot = malloc(slots * sizeof(*m->slot));
	m->mask = slots - 1;
	m->n = 0;
	if (!m->slot)
		return -ENOMEM;
	for (uint64_t i = 0; i < slots; i++)
		m->slot[i].val = OG_NONE;
	return 0;
}

static void obj_map_free(struct obj_map *m)
{
	free(m->slot);
	m->slot = NULL;
}

/* The slot of key, or the empty slot where it would go; h = mix64(key). */
static struct obj_slot *obj_map_find(const struct obj_map *m, uint64_t key, uint64_t h)
{
	uint64_t i = h & m->mask;

	while (m->slot[i].val != OG_NONE && m->slot[i].key != key)
		i = (i + 1) & m->mask;
	return &m->slot[i];
}

static int obj_map_grow(struct obj_map *m)
{
	struct obj_map g;

	if (obj_map_init(&g, 2 * (m->mask + 1)))
		return -ENOMEM;
	for (uint64_t i = 0; i <= m->mask; i++)
		if (m->slot[i].val != OG_NONE)
			*obj_map_find(&g, m->slot[i].key, mix64(m->slot[i].key)) = m->slot[i];
	g.n = m->n;
	obj_map_free(m);
	*m = g;
	return 0;
}

/* The page of key (h = mix64(key)), numbering a new key with the next page.
 * -E2BIG when the pages would reach OG_NONE, -ENOMEM. */
static int obj_map_page(struct obj_map *m, uint64_t key, uint64_t h, uint32_t *page)
{
	struct obj_slot *s = obj_map_find(m, key, h);

	if (s->val != OG_NONE) {
		*page = s->val;
		return 0;
	}
	if (m->n == OG_NONE - 1)
		return -E2BIG;
	/* at most half full, so probes stay short */
	if (2 * ((uint64_t)m->n + 1) > m->mask + 1) {
		if (obj_map_grow(m))
			return -ENOMEM;
		s = obj_map_find(m, key, h);
	}
	s->key = key;
	s->val = m->n;
	*page = m->n++;
	return 0;
}

/* --- the pass over the file: plain (mmap) or .zst (stream) ---------------------- */

/* Growing array of u32. */
struct u32_vec {
	uint32_t *v;
	uint64_t n, cap;
};

/* Room for at least cap entries in all. */
static int u32_reserve(struct u32_vec *a, uint64_t cap)
{
	uint32_t *v;

	if (cap <= a->cap)
		return 0;
	if (cap > SIZE_MAX / sizeof(*v))
		return -ENOMEM;
	v = realloc(a->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	a->v = v;
	a->cap = cap;
	return 0;
}

static int u32_push(struct u32_vec *a, uint32_t x)
{
	if (a->n == a->cap && u32_reserve(a, a->cap ? 2 * a->cap : 1 << 16))
		return -ENOMEM;
	a->v[a->n++] = x;
	return 0;
}

struct og_pass {
	const char *path;
	struct obj_map map;
	struct u32_vec page;    /* per delivered request */
	char *err;
	size_t errlen;
};

/* n whole records at p.  The table is larger than the caches once a trace
 * has a few hundred thousand objects, so the slots of a batch of requests are
 * prefetched before any of them is looked up: the misses overlap. */
#define OG_BATCH 64

static int og_add(struct og_pass *ps, const unsigned char *p, size_t n)
{
	uint64_t key[OG_BATCH], h[OG_BATCH];

	for (size_t done = 0; done < n;) {
		size_t nb = n - done < OG_BATCH ? n - done : OG_BATCH, k = 0;

		for (size_t i = 0; i < nb; i++, p += OG_RECORD) {
			struct og_record r;

			memcpy(&r, p, sizeof(r));
			if (!r.obj_size)
				continue;   /* libCacheSim skips zero-size requests */
			key[k] = r.obj_id;
			h[k] = mix64(r.obj_id);
			__builtin_prefetch(&ps->map.slot[h[k] & ps->map.mask]);
			k++;
		}
		for (size_t i = 0; i < k; i++) {
			uint32_t page;
			int ret = obj_map_page(&ps->map, key[i], h[i], &page);

			if (!ret)
				ret = u32_push(&ps->page, page);
			if (ret == -E2BIG) {
				trace_msg(ps->err, ps->errlen, "%s: more than %u distinct objects",
					  ps->path, OG_NONE - 1);
				return ret;
			}
			if (ret) {
				trace_msg(ps->err, ps->errlen, "%s: out of memory", ps->path);
				return ret;
			}
		}
		done += nb;
	}
	return 0;
}

static int og_pass_plain(struct og_pass *ps)
{
	void *map;
	size_t len;
	int ret;

	ret = trace_map_file(ps->path, &map, &len, ps->err, ps->errlen);
	if (ret)
		return ret;
	if (len % OG_RECORD) {
		trace_msg(ps->err, ps->errlen, "%s: size %zu is not a multiple of the %d-byte"
			  " oracleGeneral record (truncated?)", ps->path, len, OG_RECORD);
		ret = -EINVAL;
	} else {
		ret = u32_reserve(&ps->page, len / OG_RECORD);
		if (ret)
			trace_msg(ps->err, ps->errlen, "%s: out of memory", ps->path);
		else
			ret = og_add(ps, map, len / OG_RECORD);
	}
	if (map)
		munmap(map, len);
	return ret;
}

/* Decompress into out[] and take whole records; a record cut by the end of
 * out[] moves to its start. */
static int og_pass_zst(struct og_pass *ps)
{
	size_t in_cap = ZSTD_DStreamInSize(), out_cap = OG_RECORD * 43691, have = 0, zret = 0;
	unsigned char *in = malloc(in_cap), *out = malloc(out_cap);
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	int fd = infile_open(ps->path, ps->err, ps->errlen), ret = 0;
	ssize_t n;

	if (fd < 0) {
		ret = fd;
		goto out;
	}
	if (!in || !out || !dctx) {
		ret = -ENOMEM;
		trace_msg(ps->err, ps->errlen, "%s: out of memory", ps->path);
		goto out;
	}
	while (!ret && (n = read(fd, in, in_cap)) != 0) {
		ZSTD_inBuffer ib = { in, 0, 0 };

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			trace_msg(ps->err, ps->errlen, "%s: %s", ps->path, strerror(-ret));
			break;
		}
		ib.size = (size_t)n;
		/* zstd keeps the frame's last input byte until all output is out */
		while (!ret && ib.pos < ib.size) {
			ZSTD_outBuffer ob = { out + have, out_cap - have, 0 };

			zret = ZSTD_decompressStream(dctx, &ob, &ib);
			if (ZSTD_isError(zret)) {
				ret = -EINVAL;
				trace_msg(ps->err, ps->errlen, "%s: zstd: %s", ps->path,
					  ZSTD_getErrorName(zret));
				break;
			}
			have += ob.pos;
			ret = og_add(ps, out, have / OG_RECORD);
			memmove(out, out + have / OG_RECORD * OG_RECORD, have % OG_RECORD);
			have %= OG_RECORD;
		}
	}
	if (!ret && zret) {
		ret = -EINVAL;
		trace_msg(ps->err, ps->errlen, "%s: zstd: truncated frame (the file ends inside"
			  " compressed data)", ps->path);
	}
	if (!ret && have) {
		ret = -EINVAL;
		trace_msg(ps->err, ps->errlen, "%s: decompressed size is not a multiple of the"
			  " %d-byte oracleGeneral record (%zu bytes left over)", ps->path,
			  OG_RECORD, have);
	}
out:
	if (fd >= 0)
		close(fd);
	ZSTD_freeDCtx(dctx);
	free(in);
	free(out);
	return ret;
}

/* --- the source ------------------------------------------------------------------ */

struct og_src {
	struct access_meta meta;
	uint32_t *page;     /* per request */
	uint64_t n, pos, think;
	uint32_t fresh;     /* pages are numbered in first-seen order: the next new one */
};

static int og_next(struct access_source *src, struct access_record *r)
{
	struct og_src *s = src->priv;
	uint64_t i = s->pos;

	if (i == s->n)
		return 0;
	s->pos = i + 1;
	/* an object's first request writes its page (a cache fill: the page
	 * gets its content); the others read it */
	int first = s->page[i] == s->fresh;

	s->fresh += first;
	*r = (struct access_record){
		.time_ns = (i + 1) * s->think,
		.vpage = s->page[i],
		.arg = first ? ACCESS_CONTENT_DRAW : 0,
		.op = first ? ACCESS_WRITE : ACCESS_READ,
	};
	return 1;
}

/* og_next() n times in one loop. */
static int og_next_batch(struct access_source *src, struct access_record *r, unsigned n)
{
	struct og_src *s = src->priv;
	uint64_t i = s->pos, end = s->n - i < n ? s->n : i + n;
	uint32_t fresh = s->fresh;

	for (; i < end; i++, r++) {
		uint32_t page = s->page[i];
		int first = page == fresh;

		fresh += first;
		*r = (struct access_record){
			.time_ns = (i + 1) * s->think,
			.vpage = page,
			.arg = first ? ACCESS_CONTENT_DRAW : 0,
			.op = first ? ACCESS_WRITE : ACCESS_READ,
		};
	}
	n = (unsigned)(i - s->pos);
	s->pos = i;
	s->fresh = fresh;
	return (int)n;
}

/* One task: its order is the global one. */
static int og_next_task(struct access_source *src, unsigned task, struct access_record *r)
{
	(void)task;
	return og_next(src, r);
}

static void og_free(struct access_source *src)
{
	struct og_src *s = src->priv;

	free(s->page);
	free(s);
}

static const struct access_source_ops og_ops = {
	.next = og_next,
	.next_task = og_next_task,
	.next_batch = og_next_batch,
	.free = og_free,
};

int access_source_open_oracle(struct access_source **out, const char *path,
			      const struct access_file_opts *opts, char *err, size_t errlen)
{
	struct og_pass ps = { .path = path, .err = err, .errlen = errlen };
	struct access_source *src = NULL;
	struct og_src *s = NULL;
	int ret;

	*out = NULL;
	if (obj_map_init(&ps.map, 1 << 16)) {
		trace_msg(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	ret = is_zst(path) ? og_pass_zst(&ps) : og_pass_plain(&ps);
	obj_map_free(&ps.map);
	if (ret)
		goto fail;
	if (opts->think_ns && ps.page.n > (uint64_t)INT64_MAX / opts->think_ns) {
		trace_msg(err, errlen, "%s: %llu requests x think %llu ns > 2^63-1 ns", path,
			  (unsigned long long)ps.page.n, (unsigned long long)opts->think_ns);
		ret = -EINVAL;
		goto fail;
	}
	s = malloc(sizeof(*s));
	src = s ? access_source_alloc(&og_ops, s) : NULL;
	if (!src) {
		trace_msg(err, errlen, "%s: out of memory", path);
		ret = -ENOMEM;
		goto fail;
	}
	access_meta_init(&s->meta, ps.map.n);
	s->page = ps.page.v;
	s->n = ps.page.n;
	s->pos = 0;
	s->fresh = 0;
	s->think = opts->think_ns;
	src->meta = &s->meta;
	src->nrec = s->n;
	*out = src;
	return 0;
fail:
	free(ps.page.v);
	free(s);
	return ret;
}

/* --- writing a source as oracleGeneral ---------------------------------------------- */

struct og_writer {
	FILE *f;
	ZSTD_CCtx *cctx;
	unsigned char *zbuf;
	size_t zcap;
};

/* Compress (or copy) len bytes; with end, finish the zstd frame. */
static int og_emit(struct og_writer *w, const void *buf, size_t len, int end)
{
	ZSTD_inBuffer ib = { buf, len, 0 };
	size_t left;

	if (!w->cctx)
		return trace_fwrite(w->f, buf, 1, len);
	do {
		ZSTD_outBuffer ob = { w->zbuf, w->zcap, 0 };

		left = ZSTD_compressStream2(w->cctx, &ob, &ib, end ? ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(left))
			return -EIO;
		if (trace_fwrite(w->f, w->zbuf, 1, ob.pos))
			return -EIO;
	} while (end ? left != 0 : ib.pos < ib.size);
	return 0;
}

/* The requests of src: dense object per request, time in seconds. */
struct og_reqs {
	struct obj_map map;
	struct u32_vec obj, sec;
	uint64_t *ids;         /* dense object -> object id */
	uint64_t ids_cap;
};

static int og_collect(struct og_reqs *q, struct access_source *src, const char *path,
		      char *err, size_t errlen)
{
	struct access_record r;
	int ret;

	while ((ret = access_source_next(src, &r)) == 1) {
		uint64_t id = (uint64_t)r.task << 32 | r.vpage, sec = r.time_ns / 1000000000ull;
		uint32_t o;

		if (r.op != ACCESS_READ && r.op != ACCESS_WRITE)
			continue;
		if (sec > UINT32_MAX || q->obj.n == OG_NONE - 1) {
			trace_msg(err, errlen, "%s: request %llu: %s", path,
				  (unsigned long long)q->obj.n, sec > UINT32_MAX
				  ? "time beyond oracleGeneral's 32-bit seconds"
				  : "more than 2^32-2 requests");
			return -E2BIG;
		}
		if (obj_map_page(&q->map, id, mix64(id), &o) || u32_push(&q->obj, o) ||
		    u32_push(&q->sec, (uint32_t)sec))
			goto nomem;
		if (o == q->ids_cap) {
			uint64_t cap = q->ids_cap ? 2 * q->ids_cap : 1 << 16;
			uint64_t *ids = realloc(q->ids, cap * sizeof(*ids));

			if (!ids)
				goto nomem;
			q->ids = ids;
			q->ids_cap = cap;
		}
		q->ids[o] = id;
	}
	if (ret < 0)
		trace_msg(err, errlen, "%s: %s", path, access_source_error(src));
	return ret;
nomem:
	trace_msg(err, errlen, "%s: out of memory", path);
	return -ENOMEM;
}

/* next[i] := the index of the next request of request i's object, or
 * OG_NONE: one backward pass with the last index per object. */
static uint32_t *og_next_uses(const struct og_reqs *q)
{
	uint32_t *next = malloc((q->obj.n ? q->obj.n : 1) * sizeof(*next));
	uint32_t *last = malloc(((uint64_t)q->map.n + 1) * sizeof(*last));

	if (next && last) {
		memset(last, 0xff, ((uint64_t)q->map.n + 1) * sizeof(*last));
		for (uint64_t i = q->obj.n; i-- > 0;) {
			next[i] = last[q->obj.v[i]];
			last[q->obj.v[i]] = (uint32_t)i;
		}
	} else {
		free(next);
		next = NULL;
	}
	free(last);
	return next;
}

static int og_write_records(struct og_writer *w, const struct og_reqs *q, const uint32_t *next)
{
	struct og_record buf[1024];
	size_t nb = 0;
	int ret = 0;

	for (uint64_t i = 0; i < q->obj.n && !ret; i++) {
		buf[nb++] = (struct og_record){
			.real_time = q->sec.v[i],
			.obj_id = q->ids[q->obj.v[i]],
			.obj_size = SIM_PAGE_SIZE,
			/* libCacheSim counts requests from 1 */
			.next_access_vtime = next[i] == OG_NONE ? -1 : (int64_t)next[i] + 1,
		};
		if (nb == sizeof(buf) / sizeof(buf[0]) || i + 1 == q->obj.n) {
			ret = og_emit(w, buf, nb * sizeof(buf[0]), 0);
			nb = 0;
		}
	}
	if (!ret)
		ret = og_emit(w, NULL, 0, 1);
	return ret;
}

int access_oracle_write(const char *path, struct access_source *src, uint64_t *nreq,
			char *err, size_t errlen)
{
	struct og_reqs q = { 0 };
	struct og_writer w = { 0 };
	uint32_t *next = NULL;
	struct outfile o;
	int ret;

	if (obj_map_init(&q.map, 1 << 16)) {
		trace_msg(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	ret = og_collect(&q, src, path, err, errlen);
	if (!ret) {
		next = og_next_uses(&q);
		if (!next) {
			trace_msg(err, errlen, "%s: out of memory", path);
			ret = -ENOMEM;
		}
	}
	if (!ret && is_zst(path)) {
		w.zcap = ZSTD_CStreamOutSize();
		w.zbuf = malloc(w.zcap);
		w.cctx = ZSTD_createCCtx();
		if (!w.zbuf || !w.cctx ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(w.cctx, ZSTD_c_checksumFlag, 1))) {
			trace_msg(err, errlen, "%s: out of memory", path);
			ret = -ENOMEM;
		}
	}
	if (!ret)
		ret = outfile_open(&o, path, err, errlen);
	if (!ret) {
		w.f = o.f;
		ret = og_write_records(&w, &q, next);
		ret = outfile_close(&o, ret, err, errlen);
	}
	if (!ret && nreq)
		*nreq = q.obj.n;
	ZSTD_freeCCtx(w.cctx);
	free(w.zbuf);
	free(next);
	free(q.obj.v);
	free(q.sec.v);
	free(q.ids);
	obj_map_free(&q.map);
	return ret;
}
