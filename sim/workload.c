/* SPDX-License-Identifier: MIT */
/*
 * Workload runs (see workload.h): the access source, the run's page content,
 * the reclaim model bound to the zswap model, the `none` backend's loop, and
 * the report's `workload` section.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli.h"
#include "sim/sim.h"
#include "sim/workload.h"
#include "models/reclaim.h"
#include "traces/access_source.h"
#include "traces/content_pool.h"
#include "traces/gen.h"

/* The `none` loop's buffer of records read ahead (workload_run_none()). */
#define WL_BUF   512
#define WL_AHEAD 64
#define WL_CHUNK 16
/* prefetch stages: page state, then the swap layer's stages 1..3 (see
 * reclaim_swap_ops.prefetch), each this many records ahead of a chunk */
#define WL_PF_STAGES 4
static const unsigned wl_pf_ahead[WL_PF_STAGES] = { WL_AHEAD, WL_AHEAD / 2, WL_AHEAD / 4,
						    WL_AHEAD / 8 };

struct wl_buf {
	struct reclaim_req q[WL_BUF];
	uint64_t t[WL_BUF];         /* each record's time */
	uint64_t now[WL_BUF];       /* the engine's clock at it: the running maximum */
	struct access_record a[WL_BUF];
	unsigned n, i;              /* records q[i..n) not applied yet */
	unsigned pf[WL_PF_STAGES];  /* prefetched up to (exclusive), per stage */
	uint64_t clock;             /* the running maximum up to q[n - 1] */
	int r;                      /* the last pull: > 0, 0 = end, < 0 = error */
};

const char *const wl_time_names[WL_TIME_COUNT] = {
#define WL_N(n) #n,
	WL_TIME_LIST(WL_N)
#undef WL_N
};

/* ---- the swap layer of the reclaim model: zswap ---------------------------------- */

static const int out_result[] = {
	[ZSWAP_OUT_ZERO] = RECLAIM_OUT_ZERO,
	[ZSWAP_OUT_STORED] = RECLAIM_OUT_STORED,
	[ZSWAP_OUT_DISK] = RECLAIM_OUT_DISK,
	[ZSWAP_OUT_ACTIVATED] = RECLAIM_OUT_ACTIVATE,
};

/* zswap gets the reclaimer's id as it is: the worker's is the same in both
 * models, and kswapd's stores and writebacks reach the hooks as its own
 * (its charge stock, its PF_MEMALLOC, its actor). */
_Static_assert(RECLAIM_WHO_WORKER == ZSWAP_WHO_WORKER, "one id for the shrink worker");

static struct zswap_folio wl_folio(const struct reclaim_folio *f, int who, unsigned flags)
{
	return (struct zswap_folio){
		.slot = f->slot, .who = who, .memcg = (uint16_t)f->memcg,
		.order = (uint8_t)f->order, .flags = (uint8_t)flags,
		.content = {
			.kind = ZSWAP_CONTENT_LIST, .list = f->content,
			.stride = (uint16_t)f->content_stride,
		},
	};
}

static void wl_swap_out(void *ctx, const struct reclaim_folio *f, unsigned n, int who, int *res)
{
	struct sim *s = ctx;
	/* on the stack: under simgrid another task's reclaim runs while this
	 * one waits in a compression hook */
	struct zswap_folio zf[ZSWAP_OUT_BATCH_MAX];
	enum zswap_out_result r[ZSWAP_OUT_BATCH_MAX];

	if (!n || n > ZSWAP_OUT_BATCH_MAX)
		return;           /* reclaim batches are 1..64 folios */
	memset(zf, 0, n * sizeof(*zf));
	for (unsigned i = 0; i < n; i++)
		zf[i] = wl_folio(&f[i], who, 0);
	double t0 = s->wl->task_clock ? s->wl->task_clock() : 0;
	zswap_swap_out_batch(s->zs, zf, n, r);
	if (s->wl->store_done)
		s->wl->store_done(s->wl->task_clock() - t0, n);
	for (unsigned i = 0; i < n; i++) {
		res[i] = out_result[r[i]];
		if (r[i] == ZSWAP_OUT_DISK && s->wl->async_disk)
			res[i] = RECLAIM_OUT_DISK_ASYNC;
		s->wl->swap_outs++;
	}
}

static int wl_swap_in(void *ctx, uint32_t slot, uint32_t memcg, int who, int readahead)
{
	struct sim *s = ctx;
	struct zswap_folio zf = {
		.slot = slot, .who = who, .memcg = (uint16_t)memcg,
		.flags = readahead ? ZSWAP_FOLIO_READAHEAD : 0,
	};

	s->wl->swap_ins++;
	switch (zswap_swap_in(s->zs, &zf)) {
	case ZSWAP_IN_ZERO:
		return RECLAIM_IN_ZERO;
	case ZSWAP_IN_ZSWAP:
		return RECLAIM_IN_ZSWAP;
	case ZSWAP_IN_DISK:
		/* simgrid: a readahead read is submitted, the faulting task goes on */
		return readahead && s->wl->async_disk ? RECLAIM_IN_DISK_ASYNC : RECLAIM_IN_DISK;
	default:
		return RECLAIM_IN_ABSENT;
	}
}

static void wl_swap_free(void *ctx, uint32_t slot, uint32_t nr, uint32_t memcg, int who)
{
	struct sim *s = ctx;

	for (uint32_t i = 0; i < nr; i++) {
		struct zswap_folio zf = { .slot = slot + i, .who = who, .memcg = (uint16_t)memcg };

		zswap_invalidate(s->zs, &zf);
	}
}

static void wl_swap_clean(void *ctx, const struct reclaim_folio *f, int who)
{
	struct sim *s = ctx;
	struct zswap_folio zf = wl_folio(f, who, ZSWAP_FOLIO_CLEAN);

	zswap_swap_out(s->zs, &zf);
}

static uint64_t wl_shrink_slab(void *ctx, uint32_t memcg, int priority, int who)
{
	struct sim *s = ctx;

	return zswap_shrink_slab(s->zs, memcg, priority, who);
}

static uint64_t wl_pool_pages(void *ctx)
{
	struct sim *s = ctx;

	return zswap_stats(s->zs)->pool_total_size / SIM_PAGE_SIZE;
}

static void wl_prefetch(void *ctx, uint32_t slot, int stage)
{
	struct sim *s = ctx;

	if (stage == 1)
		zswap_prefetch_slots(s->zs, slot, 1);
	else
		zswap_prefetch_state(s->zs, slot, 1, stage);
}

static const struct reclaim_swap_ops wl_ops = {
	.swap_out = wl_swap_out,
	.swap_in = wl_swap_in,
	.swap_free = wl_swap_free,
	.swap_clean = wl_swap_clean,
	.shrink_slab = wl_shrink_slab,
	.pool_pages = wl_pool_pages,
	.prefetch = wl_prefetch,
};

/* ---- what zswap does to the reclaim model ---------------------------------------- */

static void wl_charge(void *ctx, unsigned memcg, int who, int64_t delta)
{
	struct sim *s = ctx;

	reclaim_zswap_charge(s->wl->rm, memcg, who, delta);
}

static int wl_wb_folio(void *ctx, uint32_t slot, int who)
{
	struct sim *s = ctx;

	return reclaim_writeback_folio(s->wl->rm, slot, who);
}

static void wl_wb_written(void *ctx, uint32_t slot, int who, int ok)
{
	struct sim *s = ctx;

	reclaim_writeback_unlock(s->wl->rm, slot, who, ok);
	/* the `none` backend: the write is done as soon as it is submitted */
	if (ok && !s->wl->async_disk)
		reclaim_write_done(s->wl->rm, slot);
}

static const struct zswap_env wl_env = {
	.charge = wl_charge,
	.wb_folio = wl_wb_folio,
	.wb_written = wl_wb_written,
};

static void wl_draw(void *ctx, unsigned task, unsigned nr, uint32_t *out)
{
	content_pool_draw(ctx, task, nr, out);
}

/* ---- setup -------------------------------------------------------------------------- */

static uint64_t bytes_to_pages(uint64_t bytes)
{
	return bytes == ZSWAP_MAX_UNLIMITED ? MEMCG_NOLIMIT : bytes / SIM_PAGE_SIZE;
}

/* A memcg limit: the workload's (pages, 0 = none), unless the config sets it. */
static uint64_t wl_limit(uint64_t wl_pages, uint64_t cfg_bytes)
{
	if (cfg_bytes != CFG_MEMCG_UNSET)
		return bytes_to_pages(cfg_bytes);
	return wl_pages ? wl_pages : MEMCG_NOLIMIT;
}

/* A generator from the `workload` members named like its options (values as
 * text; kept in wl->gen_text while the source lives: string options point
 * into it). */
static int wl_open_generator(struct sim *s, const struct cfg_workload *w, char *err, size_t errlen)
{
	struct wl_run *wl = s->wl;
	const struct gen_kind *k = gen_find_kind(w->kind);
	const char *key, *word = NULL;
	json_t *v;
	size_t n = 0;

	wl->gen_args = calloc(1, k->args_size);
	wl->gen_text = calloc(json_object_size(w->gen) + 1, sizeof(char *));
	if (!wl->gen_args || !wl->gen_text) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	k->defaults(wl->gen_args);
	/* the generator's messages name workload.KEY, as the config spells it */
	((struct gen_common *)wl->gen_args)->cfg_names = 1;
	json_object_foreach(w->gen, key, v) {
		const struct gen_opt *o;
		char num[64], *text;

		if (!strcmp(key, "name")) {
			word = json_string_value(v);
			continue;
		}
		o = cfg_workload_gen_opt(k, key);
		if (!o)
			continue;           /* kind, seed, swap: the run's own */
		if (json_is_string(v))
			text = strdup(json_string_value(v));
		else if (json_is_integer(v))
			text = (snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v)),
				strdup(num));
		else if (json_is_real(v))
			text = (snprintf(num, sizeof(num), "%.17g", json_real_value(v)), strdup(num));
		else if (json_is_true(v))
			text = strdup("1");
		else
			continue;           /* false: a flag left off */
		if (!text) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		wl->gen_text[n++] = text;
		if (o->type == GO_STR && !strcmp(o->name, "--content")) {
			/* paths of the content spec are relative to the config file */
			char *joined = malloc(4096);

			if (!joined) {
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
			wl->gen_text[n++] = joined;
			if (cfg_content_spec_join(s->cfg, text, joined, 4096)) {
				snprintf(err, errlen, "workload.content: longer than 4095 bytes once "
					 "relative to the config's directory");
				return -ENAMETOOLONG;
			}
			text = joined;
		}
		char oerr[512];
		int r = gen_opt_set(o, wl->gen_args, text, oerr, sizeof(oerr));

		if (r) {
			/* the generator names the option as on its command line */
			size_t on = strlen(o->name);
			const char *why = !strncmp(oerr, o->name, on) && !strncmp(oerr + on, ": ", 2) ?
					  oerr + on + 2 : oerr;

			snprintf(err, errlen, "workload.%s: %s", key, why);
			return r;
		}
	}
	/* the run's seed drives the generator too */
	((struct gen_common *)wl->gen_args)->seed = w->seed;
	if (k->word[0] && !word) {
		snprintf(err, errlen, "workload.name: %s needs the name of what to run", k->name);
		return -EINVAL;
	}
	int r = k->source(wl->gen_args, word, &wl->src, err, errlen);

	if (r)
		return r;
	wl->gen_kind = k;
	return 0;
}

static int wl_open_source(struct sim *s, const struct cfg_workload *w, char *err, size_t errlen)
{
	struct wl_run *wl = s->wl;

	if (!strcmp(w->kind, "file")) {
		struct access_file_opts o = {
			.think_ns = w->think_ns, .csv_columns = w->columns[0] ? w->columns : NULL,
		};

		return access_source_open(&wl->src, w->path, (enum access_format)w->format, &o, err,
					  errlen);
	}
	return wl_open_generator(s, w, err, errlen);
}

/* The run's page content: the source's own page store (an access trace's, or
 * a generator's drawn from --content; WRITE records name pages of it) with
 * the source's mix, else the config's content (oracleGeneral, CSV). */
static int wl_content(struct sim *s, const struct cfg_workload *w, char *err, size_t errlen)
{
	struct wl_run *wl = s->wl;
	const struct access_meta *m = access_source_meta(wl->src);
	uint64_t npages = 0;
	const uint8_t *pages = access_source_pages(wl->src, &npages, err, errlen);
	int has_mix = strcmp(w->kind, "file") || w->format == ACCESS_FMT_ZSWAPSIM;
	struct content_params p = { 0 };

	if (!pages && npages == 0 && err[0])
		return -EINVAL;
	if (has_mix) {
		p.zero = m->content.zero;
		p.same = m->content.same;
		p.random = m->content.random;
		wl->dirty = m->content.dirty;
	} else {
		p.spec = w->content;
		p.zero = w->zero;
		p.same = w->same;
		p.random = w->random;
		wl->dirty = w->dirty;
	}
	if (!pages && (!p.spec || !p.spec[0]) && p.zero + p.same + p.random < 1.0)
		fprintf(stderr, "zswapsim: workload: no page content given (%s): the pages are "
			"random bytes, which do not compress\n",
			has_mix ? "the workload has no page store" : "workload.content");
	int r;

	if (pages) {
		p.spec = access_source_page_store(wl->src)[0] ? access_source_page_store(wl->src) :
								  "(generated content)";
		r = content_pool_init_pages(&wl->pool, pages, npages, &p, w->seed, err, errlen);
	} else {
		r = content_pool_init(&wl->pool, &p, w->seed, err, errlen);
	}
	if (!r && content_pool_set_tasks(&wl->pool, access_source_meta(wl->src)->task_count, w->seed)) {
		snprintf(err, errlen, "workload: out of memory");
		r = -ENOMEM;
	}
	return r;
}

/*
 * The reclaim model numbers the pages of all tasks in one uint32_t space,
 * each task's first page at a multiple of 2^RECLAIM_MAX_ORDER, and keeps
 * RECLAIM_NIL (2^32 - 1) as "no page": the tasks' pages, so aligned, may add
 * up to 2^32 - 2.  Said here with the input's name, before any memory is
 * allocated for them and before the warnings of the page content.
 */
static int wl_check_pages(const struct cfg_workload *w, const struct access_meta *m,
			  char *err, size_t errlen)
{
	const uint64_t align = 1ull << RECLAIM_MAX_ORDER;
	uint64_t pages = 0;

	for (unsigned t = 0; t < m->task_count; t++)
		pages = ((pages + align - 1) & ~(align - 1)) + m->task_pages[t];
	if (pages < RECLAIM_NIL)
		return 0;
	if (!strcmp(w->kind, "file"))
		snprintf(err, errlen, "%s: the tasks' address spaces add up to %llu pages (each task's"
			 " first page aligned to %llu); at most %u", w->path,
			 (unsigned long long)pages, (unsigned long long)align, RECLAIM_NIL - 1);
	else
		snprintf(err, errlen, "workload.streams x workload.size: %llu pages in all (each"
			 " task's first page aligned to %llu); at most %u",
			 (unsigned long long)pages, (unsigned long long)align, RECLAIM_NIL - 1);
	return -EINVAL;
}

static int wl_models(struct sim *s, const struct cfg_workload *w, char *err, size_t errlen)
{
	struct wl_run *wl = s->wl;
	struct cfg *cfg = s->cfg;
	const struct access_meta *m = access_source_meta(wl->src);
	unsigned nm = m->memcg_count, nt = m->task_count;
	struct zswap_memcg_desc *zd = calloc(nm, sizeof(*zd));
	int *parents = calloc(nm, sizeof(*parents));
	const char **names = calloc(nm, sizeof(*names));
	struct memcg_limits *lim = calloc(nm, sizeof(*lim));
	struct reclaim_task_desc *td = calloc(nt, sizeof(*td));
	uint64_t pages = 0;
	int r = -ENOMEM;

	if (!zd || !parents || !names || !lim || !td) {
		snprintf(err, errlen, "workload: out of memory");
		goto out;
	}
	for (unsigned i = 0; i < cfg->nmemcg; i++) {
		unsigned j = 0;

		while (j < nm && strcmp(m->memcgs[j].name, cfg->memcg[i].name))
			j++;
		if (j == nm) {
			snprintf(err, errlen, "memcg.%s: the workload has no memcg of that name (it has %s%s)",
				 cfg->memcg[i].name, m->memcgs[0].name, nm > 1 ? ", ..." : "");
			r = -EINVAL;
			goto out;
		}
	}
	for (unsigned i = 0; i < nm; i++) {
		const struct cfg_memcg *c = cfg_memcg_find(cfg, m->memcgs[i].name);

		names[i] = m->memcgs[i].name;
		parents[i] = m->memcgs[i].parent;
		zd[i] = (struct zswap_memcg_desc){
			.name = names[i], .parent = parents[i],
			.zswap_max = c ? c->zswap_max : ZSWAP_MAX_UNLIMITED,
			.writeback = c ? c->writeback : 1,
		};
		lim[i] = (struct memcg_limits){
			.max = wl_limit(m->memcgs[i].max_pages, c ? c->memory_max : CFG_MEMCG_UNSET),
			.high = wl_limit(m->memcgs[i].high_pages, c ? c->memory_high : CFG_MEMCG_UNSET),
			.swap_max = wl_limit(0, c ? c->memory_swap_max : CFG_MEMCG_UNSET),
			.memsw_max = wl_limit(0, c ? c->memsw_max : CFG_MEMCG_UNSET),
		};
	}
	for (unsigned t = 0; t < nt; t++) {
		unsigned core;

		td[t].pages = m->task_pages[t];
		pages += m->task_pages[t];
		r = hw_stream_core(&cfg->hw, t, &core, err, errlen);
		if (r)
			goto out;
		td[t].cpu = core;
	}
	uint64_t slots = w->swap_bytes ? w->swap_bytes / SIM_PAGE_SIZE : 2 * pages;

	if (!slots)
		slots = 1;
	if (slots >= UINT32_MAX) {
		snprintf(err, errlen, "workload.swap: %llu slots, more than 2^32 - 1",
			 (unsigned long long)slots);
		r = -EINVAL;
		goto out;
	}
	/* zswap: reclaim does the readahead and drives the shrinker */
	struct zswap_config zc = cfg->zswap;
	struct zswap_topology topo = { (uint32_t)slots, nt, nm, zd };

	zc.page_cluster = 0;
	zc.shrinker_every = 0;
	zc.cgroup_v1 = w->cgroup == MEMCG_V1;
	s->zs = zswap_create(&zc, &topo, &s->comp, err, errlen);
	if (!s->zs) {
		r = errno == ENOMEM ? -ENOMEM : -EINVAL;   /* a bad config, or no memory */
		goto out;
	}
	struct reclaim_config rc = {
		.cgroup = w->cgroup, .hz = w->hz, .nslots = (uint32_t)slots,
		.ram_pages = m->ram_pages, .page_cluster = w->page_cluster,
		.swappiness = w->swappiness, .reclaim_batch = w->reclaim_batch,
		.ncpus = cfg->hw.cores, .worker_cpu = (unsigned)cfg->hw.worker_core,
		.kswapd_cpu = (unsigned)cfg->hw.kswapd_core,
		.min_free_kbytes = w->min_free_kbytes,
		.watermark_scale_factor = w->watermark_scale_factor,
		.draw_content = wl_draw, .draw_ctx = &wl->pool,
		.dirty = wl->dirty, .seed = w->seed,
	};
	struct reclaim_topology rt = { nt, td, nm, parents, names, lim };

	wl->rm = reclaim_create(&rc, &rt, &wl_ops, s, err, errlen);
	if (!wl->rm) {
		r = -EINVAL;
		goto out;
	}
	zswap_set_env(s->zs, &wl_env, s);
	wl->slots = (uint32_t)slots;
	r = 0;
out:
	free(zd);
	free(parents);
	free(names);
	free(lim);
	free(td);
	return r;
}

int workload_setup(struct sim *s, char *err, size_t errlen)
{
	const struct cfg_workload *w = s->cfg->workload;
	int r;

	s->wl = calloc(1, sizeof(*s->wl));
	if (!s->wl) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->seed = w->seed;
	r = wl_open_source(s, w, err, errlen);
	if (!r)   /* before wl_content(), which may warn: one line, the error */
		r = wl_check_pages(w, access_source_meta(s->wl->src), err, errlen);
	if (!r)
		r = wl_content(s, w, err, errlen);
	if (!r) {
		int codec = codec_by_name(cfg_str(s->cfg, "zswap.compressor"));

		r = compressor_init(&s->comp, codec, (int)cfg_int(s->cfg, "zswap.zstd_level"),
				    &s->wl->pool.ps, err, errlen);
	}
	if (!r)
		r = wl_models(s, w, err, errlen);
	if (!r) {
		unsigned nt = access_source_meta(s->wl->src)->task_count;

		s->wl->last_ns = calloc(nt, sizeof(uint64_t));
		s->wl->first_ns = calloc(nt, sizeof(uint64_t));
		s->wl->think_ns = calloc(nt, sizeof(uint64_t));
		s->wl->seen = calloc(nt, 1);
		s->wl->buf = malloc(sizeof(*s->wl->buf));
		if (!s->wl->last_ns || !s->wl->first_ns || !s->wl->think_ns || !s->wl->seen ||
		    !s->wl->buf) {
			snprintf(err, errlen, "out of memory");
			r = -ENOMEM;
		}
	}
	return r;
}

void workload_teardown(struct sim *s)
{
	struct wl_run *wl = s->wl;

	if (!wl)
		return;
	reclaim_destroy(wl->rm);
	if (wl->src)
		access_source_close(wl->src);
	if (wl->pool.rng)
		content_pool_free(&wl->pool);
	free(wl->last_ns);
	free(wl->first_ns);
	free(wl->think_ns);
	free(wl->seen);
	free(wl->buf);
	free(wl->end_ns);
	if (wl->gen_text)
		for (size_t i = 0; wl->gen_text[i]; i++)
			free(wl->gen_text[i]);
	free(wl->gen_text);
	free(wl->gen_args);
	free(wl);
	s->wl = NULL;
}

/* ---- running ----------------------------------------------------------------------------- */

static const uint8_t reclaim_op_of[ACCESS_OP_COUNT] = {
	[ACCESS_READ] = RECLAIM_OP_READ,
	[ACCESS_WRITE] = RECLAIM_OP_WRITE,
	[ACCESS_FREE] = RECLAIM_OP_FREE,
	[ACCESS_EXIT] = RECLAIM_OP_EXIT,
	[ACCESS_RECLAIM] = RECLAIM_OP_RECLAIM,
	[ACCESS_PAGEOUT] = RECLAIM_OP_PAGEOUT,
	[ACCESS_SET_MAX] = RECLAIM_OP_SET_MAX,
	[ACCESS_SET_RAM] = RECLAIM_OP_SET_RAM,
};

static void wl_req_of(const struct access_record *a, struct reclaim_req *q)
{
	*q = (struct reclaim_req){
		.task = a->task, .vpage = a->vpage, .memcg = a->memcg, .op = reclaim_op_of[a->op],
		.order = a->order,
		.count = a->op == ACCESS_WRITE || a->op == ACCESS_READ ? 0 : a->arg,
		.content = a->op == ACCESS_WRITE ? a->arg : RECLAIM_CONTENT_DRAW,
	};
}

/* A record of task at time_ns was applied: the task's times, the counts. */
static void wl_note(struct sim *s, unsigned task, uint64_t time_ns)
{
	struct wl_run *wl = s->wl;

	if (!wl->seen[task]) {
		wl->seen[task] = 1;
		wl->first_ns[task] = time_ns;
	} else {
		wl->think_ns[task] += time_ns - wl->last_ns[task];
	}
	wl->last_ns[task] = time_ns;
	s->events_done++;
	s->pages_done++;
}

static int wl_apply(struct sim *s, const struct reclaim_req *q, uint64_t time_ns, char *err,
		    size_t errlen)
{
	struct wl_run *wl = s->wl;
	int ret = reclaim_step(wl->rm, q);

	if (ret < 0) {
		snprintf(err, errlen, "workload: task %u: %s", q->task, reclaim_error(wl->rm));
		return ret;
	}
	if (ret == RECLAIM_KILLED)
		wl->oom_killed++;
	wl_note(s, q->task, time_ns);
	return 0;
}

int workload_apply(struct sim *s, const struct access_record *a, char *err, size_t errlen)
{
	struct reclaim_req q;

	wl_req_of(a, &q);
	return wl_apply(s, &q, a->time_ns, err, errlen);
}

/*
 * The `none` loop reads records into a buffer ahead of the one it applies,
 * so that a coming record's page state is prefetched WL_AHEAD records ahead
 * and, closer, what a swap-in of it touches in zswap (slot, LRU neighbours,
 * zspage and its list neighbours, each stage reading what the one before
 * fetched): random accesses do not wait on memory one after another.  Runs
 * of hits go to the model WL_CHUNK at a time
 * (reclaim_hits()) when none of the engine's per-record work can be due:
 * no zswap timer at or before their times, no time-series sample before them,
 * no shrink work pending (a hit changes nothing in zswap, so none becomes
 * due).  Every other record takes the full path (WL_BUF etc.: see the top).
 */

static void wl_refill(struct wl_run *wl, struct wl_buf *b)
{
	if (b->i) {
		memmove(b->q, b->q + b->i, (b->n - b->i) * sizeof(b->q[0]));
		memmove(b->t, b->t + b->i, (b->n - b->i) * sizeof(b->t[0]));
		memmove(b->now, b->now + b->i, (b->n - b->i) * sizeof(b->now[0]));
		b->n -= b->i;
		for (int k = 0; k < WL_PF_STAGES; k++)
			b->pf[k] -= b->i;
		b->i = 0;
	}
	while (b->r > 0 && b->n < WL_BUF) {
		b->r = access_source_next_batch(wl->src, b->a, WL_BUF - b->n);
		for (int k = 0; k < b->r; k++, b->n++) {
			const struct access_record *a = &b->a[k];

			wl_req_of(a, &b->q[b->n]);
			b->t[b->n] = a->time_ns;
			if (a->time_ns > b->clock)
				b->clock = a->time_ns;
			b->now[b->n] = b->clock;
		}
	}
}

static void wl_prefetch_ahead(struct sim *s, struct wl_buf *b, unsigned upto)
{
	struct reclaim *rm = s->wl->rm;

	for (int k = 0; k < WL_PF_STAGES; k++) {
		unsigned end = upto + wl_pf_ahead[k];

		if (end > b->n)
			end = b->n;
		if (b->pf[k] >= end)
			continue;
		if (!k)
			reclaim_prefetch_pages(rm, b->q + b->pf[k], end - b->pf[k]);
		else
			reclaim_prefetch_slots(rm, b->q + b->pf[k], end - b->pf[k], k);
		b->pf[k] = end;
	}
}

/* Apply the run of hits at the buffer's front (see above); 0 when the first
 * record needs the full path, or a negative errno. */
static int wl_hits(struct sim *s, struct wl_buf *b, uint64_t *now, char *err, size_t errlen)
{
	uint64_t timer = zswap_next_timer(s->zs), sample = s->ts.next_ns;
	unsigned end = b->n - b->i < WL_CHUNK ? b->n : b->i + WL_CHUNK, run, k;

	if (zswap_shrink_pending(s->zs))
		return 0;
	/* the clock never goes back: the chunk is clear when its end is */
	if (b->now[end - 1] < timer && b->now[end - 1] <= sample)
		run = end - b->i;
	else
		for (run = 0; b->i + run < end; run++)
			if (b->now[b->i + run] >= timer || b->now[b->i + run] > sample)
				break;
	k = run ? reclaim_hits(s->wl->rm, &b->q[b->i], run) : 0;
	for (unsigned j = 0; j < k; j++, b->i++) {
		wl_note(s, b->q[b->i].task, b->t[b->i]);
		int ret = sim_workload_event_done(s, err, errlen);

		if (ret)
			return ret;
	}
	if (k) {
		*now = b->now[b->i - 1];
		sim_advance(s, *now);          /* no sample is due: only the end time moves */
		zswap_set_now(s->zs, *now);
	}
	return (int)k;
}

int workload_run_none(struct sim *s, char *err, size_t errlen)
{
	struct wl_run *wl = s->wl;
	struct wl_buf *b = wl->buf;
	uint64_t now = 0;

	b->n = b->i = 0;
	memset(b->pf, 0, sizeof(b->pf));
	b->clock = 0;
	b->r = 1;
	wl_refill(wl, b);
	while (b->i < b->n) {
		if (b->n - b->i < WL_AHEAD + WL_CHUNK && b->r > 0)
			wl_refill(wl, b);
		wl_prefetch_ahead(s, b, b->i + WL_CHUNK);
		int ret = wl_hits(s, b, &now, err, errlen);

		if (ret < 0)
			return ret;
		if (ret)
			continue;
		const struct reclaim_req *q = &b->q[b->i];
		uint64_t t = b->t[b->i];

		now = b->now[b->i++];
		sim_run_timers(s, now);
		sim_advance(s, now);
		zswap_set_now(s->zs, now);
		ret = wl_apply(s, q, t, err, errlen);
		if (ret)
			return ret;
		if (zswap_shrink_pending(s->zs))
			zswap_shrink_worker(s->zs);
		ret = sim_workload_event_done(s, err, errlen);
		if (ret)
			return ret;
	}
	if (b->r < 0) {
		snprintf(err, errlen, "%s", access_source_error(wl->src));
		return b->r;
	}
	sim_finish(s, now);
	return 0;
}

/* ---- report ---------------------------------------------------------------------------------- */

static json_t *u64j(uint64_t v)
{
	return json_integer((json_int_t)v);
}

/* The task's elapsed time: first record to the end of its last one. */
static uint64_t wl_task_elapsed(const struct wl_run *wl, unsigned t)
{
	uint64_t end = wl->end_ns ? wl->end_ns[t] : wl->last_ns[t];

	return wl->seen[t] && end > wl->first_ns[t] ? end - wl->first_ns[t] : 0;
}

/* The tasks' totals, shared by the report and the summary. */
struct wl_totals {
	uint64_t acc, faults, maj, min, first, zero, bytes, killed;
	uint64_t elapsed;      /* first task's start to the last task's end */
	uint64_t task_time;    /* sum of the tasks' elapsed times */
};

static void wl_totals(const struct wl_run *wl, struct wl_totals *tt)
{
	const struct access_meta *m = access_source_meta(wl->src);
	uint64_t start = UINT64_MAX, end = 0;

	memset(tt, 0, sizeof(*tt));
	for (unsigned t = 0; t < m->task_count; t++) {
		const struct reclaim_task_stats *ts = reclaim_task(wl->rm, t);
		uint64_t el = wl_task_elapsed(wl, t);

		tt->acc += ts->accesses;
		tt->faults += ts->faults;
		tt->maj += ts->majfaults;
		tt->min += ts->minfaults;
		tt->first += ts->first_touch;
		tt->zero += ts->zero_faults;
		tt->bytes += ts->bytes;
		tt->killed += ts->killed;
		tt->task_time += el;
		if (wl->seen[t]) {
			if (wl->first_ns[t] < start)
				start = wl->first_ns[t];
			if (wl->first_ns[t] + el > end)
				end = wl->first_ns[t] + el;
		}
	}
	tt->elapsed = end > start ? end - start : 0;
}

/* workload.cpu_ns.<c>: runqueue is the rest of the tasks' time (simgrid). */
static uint64_t wl_time_of(const struct wl_run *wl, const struct wl_totals *tt, unsigned c)
{
	uint64_t accounted = 0;

	if (c != WL_TIME_runqueue)
		return (uint64_t)llround(wl->time_ns[c]);
	for (unsigned k = 0; k < WL_TIME_COUNT; k++)
		if (k != WL_TIME_runqueue)
			accounted += (uint64_t)llround(wl->time_ns[k]);
	return wl->end_ns && tt->task_time > accounted ? tt->task_time - accounted : 0;
}

/* workload.watermarks and workload.vmstat: the zone and kswapd. */
static void wl_report_kswapd(const struct wl_run *wl, json_t *o)
{
	const struct reclaim_wmark *wm = reclaim_watermarks(wl->rm);
	const struct reclaim_vmstat *vs = reclaim_vmstat(wl->rm);
	json_t *w = json_object(), *v = json_object();

	json_object_set_new(w, "min_free_kbytes", u64j(wm->min_free_kbytes));
	json_object_set_new(w, "min", u64j(wm->min));
	json_object_set_new(w, "low", u64j(wm->low));
	json_object_set_new(w, "high", u64j(wm->high));
#define WL_X(n) json_object_set_new(v, #n, u64j(vs->n));
	RECLAIM_VMSTAT_LIST(WL_X)
#undef WL_X
	json_object_set_new(o, "watermarks", w);
	json_object_set_new(o, "vmstat", v);
}

/* workload.mthp: each large-folio order that first touches asked for, by
 * the kernel's directory name (hugepages-64kB: "64kB"), whatever the run
 * made of them, so a key set depends on the workload only. */
static void wl_report_mthp(const struct wl_run *wl, json_t *o)
{
	json_t *all = json_object();
	uint32_t used = reclaim_orders_used(wl->rm);

	for (unsigned order = 1; order <= RECLAIM_MAX_ORDER; order++) {
		const struct reclaim_mthp *st = reclaim_mthp(wl->rm, order);
		json_t *x;
		char key[16];

		if (!(used >> order & 1))
			continue;
		x = json_object();
#define WL_X(n) json_object_set_new(x, #n, u64j(st->n));
		RECLAIM_MTHP_LIST(WL_X)
#undef WL_X
		snprintf(key, sizeof(key), "%ukB", 4u << order);
		json_object_set_new(all, key, x);
	}
	json_object_set_new(o, "mthp", all);
}

void workload_report(const struct sim *s, json_t *root, json_t *memcgs)
{
	const struct wl_run *wl = s->wl;
	const struct access_meta *m = access_source_meta(wl->src);
	const struct memcg_set *mc = reclaim_memcgs(wl->rm);
	json_t *o = json_object(), *tasks = json_object(), *cpu = json_object();
	struct wl_totals tt;

	wl_totals(wl, &tt);
	for (unsigned t = 0; t < m->task_count; t++) {
		const struct reclaim_task_stats *ts = reclaim_task(wl->rm, t);
		uint64_t el = wl_task_elapsed(wl, t);
		json_t *x = json_object();
		char key[16];

		json_object_set_new(x, "accesses", u64j(ts->accesses));
		json_object_set_new(x, "faults", u64j(ts->faults));
		json_object_set_new(x, "major_faults", u64j(ts->majfaults));
		json_object_set_new(x, "bytes", u64j(ts->bytes));
		json_object_set_new(x, "elapsed_ns", u64j(el));
		json_object_set_new(x, "throughput_bytes_per_s",
				    json_real(el ? (double)ts->bytes * 1e9 / (double)el : 0));
		json_object_set_new(x, "throttle_ns", u64j(ts->throttle_ns));
		json_object_set_new(x, "oom_killed", json_boolean(ts->killed));
		snprintf(key, sizeof(key), "%u", t);
		json_object_set_new(tasks, key, x);
	}
	uint64_t elapsed = tt.elapsed;

	json_object_set_new(o, "kind", json_string(s->cfg->workload->kind));
	json_object_set_new(o, "tasks_count", u64j(m->task_count));
	json_object_set_new(o, "accesses", u64j(tt.acc));
	json_object_set_new(o, "faults", u64j(tt.faults));
	json_object_set_new(o, "major_faults", u64j(tt.maj));
	json_object_set_new(o, "minor_faults", u64j(tt.min));
	json_object_set_new(o, "first_touches", u64j(tt.first));
	json_object_set_new(o, "zero_page_faults", u64j(tt.zero));
	json_object_set_new(o, "bytes", u64j(tt.bytes));
	json_object_set_new(o, "elapsed_ns", u64j(elapsed));
	json_object_set_new(o, "throughput_bytes_per_s",
			    json_real(elapsed ? (double)tt.bytes * 1e9 / (double)elapsed : 0));
	json_object_set_new(o, "oom_kills", u64j(tt.killed));
	json_object_set_new(o, "swap_slots", u64j(wl->slots));
	json_object_set_new(o, "content_pages", u64j(wl->pool.ps.npages));
	for (unsigned c = 0; c < WL_TIME_COUNT; c++)
		json_object_set_new(cpu, wl_time_names[c], u64j(wl_time_of(wl, &tt, c)));
	if (!wl->end_ns) {
		/* none: only the workload's own think time passes */
		uint64_t think = 0;

		for (unsigned t = 0; t < m->task_count; t++)
			think += wl->think_ns[t];
		json_object_set_new(cpu, "app", u64j(think));
	}
	json_object_set_new(o, "cpu_ns", cpu);
	json_object_set_new(o, "tasks", tasks);
	wl_report_kswapd(wl, o);
	wl_report_mthp(wl, o);
	json_object_set_new(root, "workload", o);

	for (unsigned i = 0; i < mc->n; i++) {
		json_t *x = json_object_get(memcgs, m->memcgs[i].name);
		struct memcg_events e;

		if (!x)
			continue;
		memcg_events_hier(mc, i, &e);
#define WL_X(n) json_object_set_new(x, #n, u64j(e.n));
		MEMCG_EVENT_LIST(WL_X)
		MEMCG_STAT_LIST(WL_X)
#undef WL_X
		json_object_set_new(x, "memory_current", u64j(mc->m[i].memory * SIM_PAGE_SIZE));
		json_object_set_new(x, "memory_peak", u64j(mc->m[i].memory_peak * SIM_PAGE_SIZE));
		if (mc->version == MEMCG_V2)
			json_object_set_new(x, "memory_swap_current", u64j(mc->m[i].swap * SIM_PAGE_SIZE));
		else
			json_object_set_new(x, "memsw_current", u64j(mc->m[i].memsw * SIM_PAGE_SIZE));
	}
}

int workload_check(const struct sim *s, char *reason, size_t len)
{
	const struct reclaim *rm = s->wl->rm;

	if (reclaim_check_invariants(rm, reason, len) || zswap_check_invariants(s->zs, reason, len))
		return -EFAULT;
	for (uint32_t slot = 0; slot < s->wl->slots; slot++) {
		uint32_t st = reclaim_slot_state(rm, slot);
		int data = zswap_slot_has_data(s->zs, slot);

		if ((st == RECLAIM_SLOT_FREE && data) || (st == RECLAIM_SLOT_SWAPPED && !data)) {
			snprintf(reason, len, "slot %u: %s, but zswap %s", slot,
				 st == RECLAIM_SLOT_FREE ? "free" : "holds a page that is out",
				 data ? "holds data there" : "has nothing there");
			return -EFAULT;
		}
	}
	return 0;
}

unsigned workload_tasks(const struct sim *s)
{
	return access_source_meta(s->wl->src)->task_count;
}

/* "1.23 GB/s" (decimal, as usemem prints its throughput) */
static void wl_rate(double bytes_per_s, char *buf, size_t len)
{
	if (bytes_per_s >= 1e9)
		snprintf(buf, len, "%.2f GB/s", bytes_per_s / 1e9);
	else
		snprintf(buf, len, "%.1f MB/s", bytes_per_s / 1e6);
}

/* The memcgs' reclaim events, one line each (the first few). */
static void wl_summary_memcgs(const struct sim *s, FILE *f)
{
	const struct memcg_set *mc = reclaim_memcgs(s->wl->rm);
	const unsigned show = 4;

	for (unsigned i = 0; i < mc->n && i < show; i++) {
		struct memcg_events e;

		memcg_events_hier(mc, i, &e);
		fprintf(f, "  memcg      %s: events high %llu, max %llu, oom_kill %llu; pgscan %llu, "
			"pgsteal %llu, workingset_refault_anon %llu\n",
			sim_memcg_name(s, i), (unsigned long long)e.high, (unsigned long long)e.max,
			(unsigned long long)e.oom_kill, (unsigned long long)e.pgscan,
			(unsigned long long)e.pgsteal, (unsigned long long)e.workingset_refault_anon);
	}
	if (mc->n > show)
		fprintf(f, "  memcg      ... %u more in the report (stats.memcg)\n", mc->n - show);
}

/* Where the tasks' time went: the categories of workload.cpu_ns over 1 %. */
static void wl_summary_time(const struct wl_run *wl, const struct wl_totals *tt, FILE *f)
{
	fprintf(f, "  task time ");
	int any = 0;

	for (unsigned c = 0; c < WL_TIME_COUNT; c++) {
		double pct = tt->task_time ? 100.0 * (double)wl_time_of(wl, tt, c) / (double)tt->task_time : 0;

		if (pct >= 1) {
			fprintf(f, "%s %s %.0f %%", any ? "," : "", wl_time_names[c], pct);
			any = 1;
		}
	}
	fprintf(f, "%s (workload.cpu_ns)\n", any ? "" : " none");
}

void workload_summary(const struct sim *s, FILE *f)
{
	const struct wl_run *wl = s->wl;
	const struct access_meta *m = access_source_meta(wl->src);
	struct wl_totals tt;
	char rate[32];

	wl_totals(wl, &tt);
	fprintf(f, "  workload   %s: %u task%s, %llu access%s of %.1f MiB", s->cfg->workload->kind,
		m->task_count, PLURAL(m->task_count), (unsigned long long)tt.acc,
		tt.acc == 1 ? "" : "es", (double)tt.bytes / (1 << 20));
	if (wl->end_ns && tt.elapsed) {
		wl_rate((double)tt.bytes * 1e9 / (double)tt.elapsed, rate, sizeof(rate));
		fprintf(f, " in %.3f ms: throughput %s\n", (double)tt.elapsed / 1e6, rate);
	} else {
		fprintf(f, " (backend none: no time passes, so no throughput;"
			" --set timing.backend=simgrid)\n");
	}
	/* the four kinds: a fault that ended in an OOM kill is none of them */
	fprintf(f, "  faults     %llu: %llu major (swap-ins), %llu minor (swap cache), "
		"%llu first touch%s, %llu zero-page read%s; %llu OOM kill%s\n",
		(unsigned long long)tt.faults, (unsigned long long)tt.maj,
		(unsigned long long)tt.min, (unsigned long long)tt.first, tt.first == 1 ? "" : "es",
		(unsigned long long)tt.zero, PLURAL(tt.zero), (unsigned long long)tt.killed,
		PLURAL(tt.killed));
	wl_summary_memcgs(s, f);
	if (wl->end_ns)
		wl_summary_time(wl, &tt, f);
}

const char *sim_memcg_name(const struct sim *s, unsigned i)
{
	if (s->wl)
		return access_source_meta(s->wl->src)->memcgs[i].name;
	return s->trace.meta.memcgs[i].name;
}
