// SPDX-License-Identifier: MIT
/*
 * zsmalloc model, following mainline mm/zsmalloc.c for 4 KiB pages on 64-bit.
 *
 * Size classes (zs_create_pool): class i holds objects of up to
 * 32 + 16 * i bytes (capped at PAGE_SIZE), i = 0..254.  Each class packs its
 * objects into zspages of calculate_zspage_chain_size() pages, the page count
 * in 1..chain_size that leaves the least tail waste (a power-of-two size
 * always gets one page).  Walking the classes from the largest down, a class
 * with the same (pages_per_zspage, objs_per_zspage) as the previously created
 * class is merged into it, so it uses the larger size.  A class with one
 * object in a one-page zspage is "huge".
 *
 * zs_malloc() rejects size 0 (-EINVAL) and size > PAGE_SIZE (-ENOSPC), then
 * always adds ZS_HANDLE_SIZE before looking the class up (huge objects keep
 * their handle out of line, but the lookup still adds it; a raw 4096-byte
 * object lands in the last class through the index clamp).
 *
 * Placement (find_get_zspage): the first zspage of the fullest non-empty
 * fullness group, searching ZS_INUSE_RATIO_99 down to ZS_INUSE_RATIO_0;
 * insert_zspage() puts a zspage at the head of its group's list.  A new
 * zspage is allocated only when no zspage of the class has a free slot, and
 * zs_free() frees a zspage (its pages) when its last object goes.  Compaction
 * (zs_compact) is not run here.
 */
#include "models/pool.h"
#include "models/page.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NR_FULLNESS_GROUPS 12     /* ZS_INUSE_RATIO_0, _10 .. _99, _100 */
#define ZS_INUSE_RATIO_0   0
#define ZS_INUSE_RATIO_99  10
#define ZS_INUSE_RATIO_100 11
#define ZS_MAX_CHAIN       16u    /* CONFIG_ZSMALLOC_CHAIN_SIZE range is 4..16 */
#define NIL                UINT32_MAX

struct zs_class_geom {
	uint16_t size;            /* object slot size in bytes */
	uint16_t pages;           /* pages per zspage */
	uint16_t objs;            /* objects per zspage */
	uint8_t index;            /* merged class index (its own index if not merged) */
	uint64_t fg_mult;         /* ceil(10 * 2^32 / objs), for fullness_group() */
};

/* One cache line per class: a store reads its class's list heads. */
struct zs_class {
	_Alignas(64) uint32_t head[NR_FULLNESS_GROUPS];   /* zspage lists per fullness group */
	uint32_t nonempty;        /* bit fg set: head[fg] != NIL (find_get_zspage() in one step) */
};

struct zspage {
	uint32_t prev, next;      /* fullness list links, or free-id list (next) */
	uint16_t inuse;
	uint8_t klass;
	uint8_t fullness;
};

struct zs_pool {
	unsigned chain;
	uint32_t huge_class_size;
	struct zs_class_geom geom[ZS_NR_CLASSES];
	struct zs_class cls[ZS_NR_CLASSES];
	struct zspage *zs;
	uint32_t nzs;             /* zspage ids handed out so far (high-water mark) */
	uint32_t cap;
	uint32_t free_ids;        /* list of released zspage ids */
	uint64_t total_pages;
	uint64_t objects;
	uint64_t zspages;
};

/* ------------------------------------------------------------------------ */
/* Class geometry                                                           */
/* ------------------------------------------------------------------------ */

static int is_power_of_2(unsigned v)
{
	return v && !(v & (v - 1));
}

/* mm/zsmalloc.c calculate_zspage_chain_size() */
static unsigned calculate_zspage_chain_size(unsigned class_size, unsigned chain)
{
	unsigned min_waste = UINT32_MAX, best = 1;

	if (is_power_of_2(class_size))
		return 1;
	for (unsigned i = 1; i <= chain; i++) {
		unsigned waste = (i * SIM_PAGE_SIZE) % class_size;

		if (waste < min_waste) {
			min_waste = waste;
			best = i;
		}
	}
	return best;
}

/* mm/zsmalloc.c get_size_class_index(), for a size that includes the handle */
static unsigned size_class_index(uint32_t size)
{
	unsigned idx = 0;

	if (size > ZS_MIN_ALLOC_SIZE)
		idx = (size - ZS_MIN_ALLOC_SIZE + ZS_SIZE_CLASS_DELTA - 1) / ZS_SIZE_CLASS_DELTA;
	return idx < ZS_NR_CLASSES - 1 ? idx : ZS_NR_CLASSES - 1;
}

/*
 * The class table of zs_create_pool(): from the largest class down, merging a
 * class into the previously created one when their (pages, objs) agree.
 * Returns huge_class_size: the first compressed length that lands in a huge
 * class (size of the largest non-huge class minus ZS_HANDLE_SIZE - 1).
 */
static uint32_t build_classes(unsigned chain, struct zs_class_geom *geom)
{
	int prev = -1;
	uint32_t huge = 0;

	for (int i = ZS_NR_CLASSES - 1; i >= 0; i--) {
		unsigned size = ZS_MIN_ALLOC_SIZE + (unsigned)i * ZS_SIZE_CLASS_DELTA;
		unsigned pages, objs;

		if (size > SIM_PAGE_SIZE)
			size = SIM_PAGE_SIZE;
		pages = calculate_zspage_chain_size(size, chain);
		objs = pages * SIM_PAGE_SIZE / size;
		if (pages != 1 && objs != 1 && !huge)
			huge = size - (ZS_HANDLE_SIZE - 1);
		if (prev >= 0 && geom[prev].pages == pages && geom[prev].objs == objs) {
			geom[i] = geom[prev];
			continue;
		}
		geom[i].size = (uint16_t)size;
		geom[i].pages = (uint16_t)pages;
		geom[i].objs = (uint16_t)objs;
		geom[i].fg_mult = ((10ull << 32) + objs - 1) / objs;
		geom[i].index = (uint8_t)i;
		prev = i;
	}
	return huge;
}

static int chain_ok(unsigned chain)
{
	return chain >= 1 && chain <= ZS_MAX_CHAIN;
}

int zs_class_geometry(unsigned chain, uint32_t len, uint32_t *size, unsigned *pages,
		      unsigned *objs)
{
	struct zs_class_geom geom[ZS_NR_CLASSES];
	const struct zs_class_geom *g;

	if (!chain_ok(chain))
		return -EINVAL;
	if (len == 0)
		return -EINVAL;
	if (len > SIM_PAGE_SIZE)
		return -ENOSPC;
	build_classes(chain, geom);
	g = &geom[size_class_index(len + ZS_HANDLE_SIZE)];
	if (size)
		*size = g->size;
	if (pages)
		*pages = g->pages;
	if (objs)
		*objs = g->objs;
	return 0;
}

uint32_t zs_huge_class_size(unsigned chain)
{
	struct zs_class_geom geom[ZS_NR_CLASSES];

	if (!chain_ok(chain))
		return 0;
	return build_classes(chain, geom);
}

uint32_t zs_rounded_size(uint32_t len)
{
	uint32_t size;

	if (len == 0 || len > SIM_PAGE_SIZE)
		return 0;
	size = ZS_MIN_ALLOC_SIZE + size_class_index(len + ZS_HANDLE_SIZE) * ZS_SIZE_CLASS_DELTA;
	return size < SIM_PAGE_SIZE ? size : SIM_PAGE_SIZE;
}

uint32_t zs_class_size_for(uint32_t len)
{
	uint32_t size = 0;

	zs_class_geometry(ZS_DEFAULT_CHAIN_SIZE, len, &size, NULL, NULL);
	return size;
}

unsigned zs_pages_per_zspage(uint32_t len)
{
	unsigned pages = 0;

	zs_class_geometry(ZS_DEFAULT_CHAIN_SIZE, len, NULL, &pages, NULL);
	return pages;
}

unsigned zs_objs_per_zspage(uint32_t len)
{
	unsigned objs = 0;

	zs_class_geometry(ZS_DEFAULT_CHAIN_SIZE, len, NULL, NULL, &objs);
	return objs;
}

int zs_is_huge(uint32_t len)
{
	unsigned pages = 0, objs = 0;

	if (zs_class_geometry(ZS_DEFAULT_CHAIN_SIZE, len, NULL, &pages, &objs))
		return 0;
	return pages == 1 && objs == 1;
}

/* ------------------------------------------------------------------------ */
/* Pool                                                                     */
/* ------------------------------------------------------------------------ */

static void fullness_debug_check(const struct zs_class_geom *geom);

struct zs_pool *zs_pool_create(unsigned chain_size)
{
	struct zs_pool *p;

	if (!chain_ok(chain_size))
		return NULL;
	/* aligned for the classes' lines (calloc() gives 16 bytes) */
	p = aligned_alloc(_Alignof(struct zs_pool),
			  (sizeof(*p) + _Alignof(struct zs_pool) - 1) & ~(_Alignof(struct zs_pool) - 1));
	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->chain = chain_size;
	p->huge_class_size = build_classes(chain_size, p->geom);
	fullness_debug_check(p->geom);
	for (unsigned i = 0; i < ZS_NR_CLASSES; i++)
		for (unsigned g = 0; g < NR_FULLNESS_GROUPS; g++)
			p->cls[i].head[g] = NIL;
	p->free_ids = NIL;
	return p;
}

void zs_pool_destroy(struct zs_pool *p)
{
	if (!p)
		return;
	free(p->zs);
	free(p);
}

/* A hint ahead of a zs_free() of an object in zspage id: its zspage; with
 * links, also the fullness-list neighbours fix_fullness_group() relinks
 * (read from the zspage, so only once that is likely cached). */
void zs_prefetch(const struct zs_pool *p, uint32_t id, int links)
{
	if (id >= p->nzs)
		return;
	const struct zspage *z = &p->zs[id];

	if (!links) {
		__builtin_prefetch(z, 1, 1);
		return;
	}
	if (z->prev < p->nzs)
		__builtin_prefetch(&p->zs[z->prev], 1, 1);
	if (z->next < p->nzs)
		__builtin_prefetch(&p->zs[z->next], 1, 1);
}

/* fullness_group() of a zspage neither empty nor full (0 < inuse < objs). */
static inline uint8_t fullness_group_partial(unsigned inuse, const struct zs_class_geom *g)
{
	return (uint8_t)((inuse * g->fg_mult >> 32) + 1);
}

/*
 * mm/zsmalloc.c get_fullness_group(): 100 * inuse / objs / 10 + 1, which is
 * 10 * inuse / objs + 1, computed without a division (every store and free
 * of the replay recomputes it): inuse * ceil(10 * 2^32 / objs) / 2^32 is
 * 10 * inuse / objs plus an error below inuse / 2^32, and a fraction
 * 10 * inuse / objs below 1 is at most 1 - 1 / objs, so the floor is exact
 * while inuse * objs < 2^32 (objs <= 16 pages of 32-byte objects: 2048).
 */
static uint8_t fullness_group(unsigned inuse, const struct zs_class_geom *g)
{
	if (inuse == 0)
		return ZS_INUSE_RATIO_0;
	if (inuse == g->objs)
		return ZS_INUSE_RATIO_100;
	return fullness_group_partial(inuse, g);
}

/* The debug (ASan) build checks fullness_group() against the kernel's
 * division for every inuse of every class of each pool it creates. */
static void fullness_debug_check(const struct zs_class_geom *geom)
{
#ifdef ZSWAPSIM_DEBUG_INVARIANTS
	for (unsigned i = 0; i < ZS_NR_CLASSES; i++)
		for (unsigned inuse = 1; inuse < geom[i].objs; inuse++)
			if (fullness_group(inuse, &geom[i]) != 100 * inuse / geom[i].objs / 10 + 1) {
				fprintf(stderr, "zswapsim: zsmalloc model bug: fullness of %u of %u"
					" objects\n", inuse, geom[i].objs);
				abort();
			}
#else
	(void)geom;
#endif
}

static void list_insert(struct zs_pool *p, struct zs_class *c, uint32_t id, uint8_t fg)
{
	struct zspage *z = &p->zs[id];

	z->fullness = fg;
	z->prev = NIL;
	z->next = c->head[fg];
	if (z->next != NIL)
		p->zs[z->next].prev = id;
	c->head[fg] = id;
	c->nonempty |= 1u << fg;
}

/* Inlined: called apart, it made fix_fullness_group() save six registers. */
static inline __attribute__((always_inline)) void
list_remove(struct zs_pool *p, struct zs_class *c, uint32_t id)
{
	struct zspage *z = &p->zs[id];

	if (z->prev != NIL)
		p->zs[z->prev].next = z->next;
	else if ((c->head[z->fullness] = z->next) == NIL)
		c->nonempty &= ~(1u << z->fullness);
	if (z->next != NIL)
		p->zs[z->next].prev = z->prev;
	z->prev = z->next = NIL;
}

/* mm/zsmalloc.c fix_fullness_group().  Inlined into zs_malloc() and
 * zs_free(): nearly every store and free of a replay calls it. */
static inline __attribute__((always_inline)) void
fix_fullness_group_to(struct zs_pool *p, uint32_t id, uint8_t fg)
{
	struct zspage *z = &p->zs[id];
	struct zs_class *c = &p->cls[z->klass];

	if (fg != z->fullness) {
		list_remove(p, c, id);
		list_insert(p, c, id, fg);
	}
}

static inline __attribute__((always_inline)) void fix_fullness_group(struct zs_pool *p, uint32_t id)
{
	fix_fullness_group_to(p, id, fullness_group(p->zs[id].inuse, &p->geom[p->zs[id].klass]));
}

/* mm/zsmalloc.c find_get_zspage(): fullest group with room, head of its
 * list (the highest non-empty group from ZS_INUSE_RATIO_99 down to _0). */
static uint32_t find_get_zspage(const struct zs_class *c)
{
	uint32_t room = c->nonempty & ((2u << ZS_INUSE_RATIO_99) - 1);

	return room ? c->head[31 - __builtin_clz(room)] : NIL;
}

/* A zspage id: a released one if any, else a new one (table grows 2x). */
static int zspage_id_get(struct zs_pool *p, uint32_t *id)
{
	if (p->free_ids != NIL) {
		*id = p->free_ids;
		p->free_ids = p->zs[*id].next;
		return 0;
	}
	if (p->nzs == p->cap) {
		uint32_t ncap = p->cap ? p->cap * 2 : 1024;
		struct zspage *nz;

		if (p->cap >= UINT32_MAX / 2)
			return -ENOMEM;
		nz = realloc(p->zs, (size_t)ncap * sizeof(*nz));
		if (!nz)
			return -ENOMEM;
		p->zs = nz;
		p->cap = ncap;
	}
	*id = p->nzs++;
	return 0;
}

static int alloc_zspage(struct zs_pool *p, uint8_t klass, uint32_t *id)
{
	int ret = zspage_id_get(p, id);

	if (ret)
		return ret;
	p->zs[*id].inuse = 0;
	p->zs[*id].klass = klass;
	p->zspages++;
	p->total_pages += p->geom[klass].pages;
	return 0;
}

static void free_zspage(struct zs_pool *p, uint32_t id)
{
	struct zspage *z = &p->zs[id];
	struct zs_class *c = &p->cls[z->klass];

	list_remove(p, c, id);
	p->zspages--;
	p->total_pages -= p->geom[z->klass].pages;
	z->next = p->free_ids;
	p->free_ids = id;
}

int zs_malloc(struct zs_pool *p, uint32_t len, struct zs_handle *h)
{
	uint8_t klass;
	uint32_t id;

	if (len == 0)
		return -EINVAL;
	if (len > SIM_PAGE_SIZE)
		return -ENOSPC;
	klass = p->geom[size_class_index(len + ZS_HANDLE_SIZE)].index;
	id = find_get_zspage(&p->cls[klass]);
	if (id == NIL) {
		int ret = alloc_zspage(p, klass, &id);

		if (ret)
			return ret;
		p->zs[id].inuse = 1;
		list_insert(p, &p->cls[klass], id, fullness_group(1, &p->geom[klass]));
	} else {
		p->zs[id].inuse++;
		fix_fullness_group(p, id);
	}
	p->objects++;
	h->zspage = id;
	h->klass = klass;
	return 0;
}

void zs_free_live(struct zs_pool *p, struct zs_handle h)
{
	struct zspage *z = &p->zs[h.zspage];

#ifdef ZSWAPSIM_DEBUG_INVARIANTS
	if (h.zspage >= p->nzs || z->inuse == 0 || z->klass != h.klass) {
		fprintf(stderr, "zswapsim: zsmalloc model bug: zs_free_live() of a handle"
			" that names no live object (zspage %u, class %u)\n", h.zspage, h.klass);
		abort();
	}
#endif
	p->objects--;
	/* a free leaves a zspage it does not empty below full: neither end
	 * of fullness_group() to test for */
	if (--z->inuse)
		fix_fullness_group_to(p, h.zspage, fullness_group_partial(z->inuse,
									  &p->geom[z->klass]));
	else
		free_zspage(p, h.zspage);   /* its last object: the pages go */
}

void zs_free(struct zs_pool *p, struct zs_handle h)
{
	/* a handle that names no live object is ignored, as zs_free(NULL) is */
	if (!p || h.zspage >= p->nzs)
		return;
	if (p->zs[h.zspage].inuse == 0 || p->zs[h.zspage].klass != h.klass)
		return;
	zs_free_live(p, h);
}

uint64_t zs_get_total_pages(const struct zs_pool *p)
{
	return p->total_pages;
}

uint64_t zs_objects(const struct zs_pool *p)
{
	return p->objects;
}

uint64_t zs_zspages(const struct zs_pool *p)
{
	return p->zspages;
}

unsigned zs_pool_chain_size(const struct zs_pool *p)
{
	return p->chain;
}

uint32_t zs_pool_huge_class_size(const struct zs_pool *p)
{
	return p->huge_class_size;
}
