/* SPDX-License-Identifier: MIT */
/*
 * Writeback policy "proactive-age": the kernel's pool-limit writeback (and
 * the pressure shrinker if zswap.shrinker_enabled), plus a periodic pass that
 * writes back every entry older than age_ns, so the pool drains cold entries
 * before it fills.  Proposed on the list as proactive zswap writeback (a 2026
 * RFC adds test_zswap_proactive_writeback to the cgroup selftests); the age
 * threshold is the cold-age idea of software-defined far memory (ASPLOS'19).
 *
 * Every period_ns of simulated time the pass walks each memcg's list from the
 * head (oldest store first) and writes back, through the kworker, entries
 * stored at least age_ns ago, stopping at the first younger one: the head of
 * the list is in store order (entries an LRU policy spared sit at the tail
 * and are reached when they come round).  The age is the criterion here; the
 * LRU policy's referenced bit is not consulted.  Memcgs with writeback
 * disabled are skipped.
 */
#include <stddef.h>
#include <jansson.h>

#include "models/policy/policy.h"

struct proactive_age {
	int64_t age_ns;
	int64_t period_ns;
	int64_t batch;
	uint64_t next_ns;       /* time of the next pass */
	uint64_t passes;
	uint64_t written_back;  /* by the passes */
};

static const struct policy_param proactive_age_params[] = {
	{ "age_ns", PP_INT, 10e9, 0, 9.2e18, offsetof(struct proactive_age, age_ns),
	  "write back entries stored at least this many ns ago" },
	{ "period_ns", PP_INT, 1e9, 1000, 9.2e18, offsetof(struct proactive_age, period_ns),
	  "simulated ns between two proactive passes" },
	POLICY_PARAM_WB_BATCH(struct proactive_age, batch),
};

static int proactive_age_attach(struct zswap *zs, void *st, char *err, size_t errlen)
{
	struct proactive_age *p = st;

	(void)err;
	(void)errlen;
	zswap_set_wb_batch(zs, (unsigned)p->batch);
	p->next_ns = zswap_now(zs) + (uint64_t)p->period_ns;
	return 0;
}

static uint64_t proactive_age_next_timer(const struct zswap *zs, const void *st)
{
	(void)zs;
	return ((const struct proactive_age *)st)->next_ns;
}

static int proactive_age_is_old(const struct zswap *zs, uint32_t slot, uint64_t age)
{
	uint64_t t = zswap_entry_stored_ns(zs, slot), now = zswap_now(zs);

	return now >= t && now - t >= age;
}

/* Old entries of one memcg, head first.  A failed writeback leaves the entry
 * at the tail; the budget (the list's length) bounds the walk. */
static void proactive_age_memcg(struct zswap *zs, struct proactive_age *p, struct zswap_memcg *mc)
{
	uint64_t budget = zswap_lru_length(mc);

	while (budget-- && zswap_lru_first(mc) != ZSWAP_NIL &&
	       proactive_age_is_old(zs, zswap_lru_first(mc), (uint64_t)p->age_ns))
		if (!zswap_lru_writeback_one(zs, zswap_lru_first(mc), ZSWAP_WHO_WORKER))
			p->written_back++;
}

static void proactive_age_timer(struct zswap *zs, void *st)
{
	struct proactive_age *p = st;

	p->passes++;
	for (unsigned i = 0; i < zswap_memcg_count(zs); i++)
		if (zswap_memcg_writeback_enabled(zswap_memcg(zs, i)))
			proactive_age_memcg(zs, p, zswap_memcg(zs, i));
	zswap_wb_flush(zs);
	p->next_ns += (uint64_t)p->period_ns;
	if (p->next_ns <= zswap_now(zs))
		p->next_ns = zswap_now(zs) + (uint64_t)p->period_ns;
}

/* The earliest time a pass could write anything back: the oldest head of a
 * writeback-enabled memcg's list turns age_ns old (UINT64_MAX: all empty). */
static uint64_t proactive_age_first_due(const struct zswap *zs, const struct proactive_age *p)
{
	uint64_t due = UINT64_MAX;

	for (unsigned i = 0; i < zswap_memcg_count(zs); i++) {
		struct zswap_memcg *mc = zswap_memcg((struct zswap *)zs, i);
		uint32_t head = zswap_lru_first(mc);

		if (!zswap_memcg_writeback_enabled(mc) || head == ZSWAP_NIL)
			continue;
		uint64_t t = zswap_entry_stored_ns(zs, head);
		uint64_t d = t > UINT64_MAX - (uint64_t)p->age_ns ? UINT64_MAX : t + (uint64_t)p->age_ns;
		if (d < due)
			due = d;
	}
	return due;
}

/* A pass before the first due time finds no old head and changes nothing but
 * the count: skip those at or before until, in one step (known_idle: the
 * engine knows they all were idle, whatever the lists look like now). */
static void proactive_age_skip_idle(struct zswap *zs, void *st, uint64_t until, int known_idle)
{
	struct proactive_age *p = st;
	uint64_t period = (uint64_t)p->period_ns, due, stop, k;

	if (p->next_ns > until)
		return;
	due = known_idle ? UINT64_MAX : proactive_age_first_due(zs, p);
	if (due <= p->next_ns)
		return;
	stop = due <= until ? due - 1 : until;    /* idle passes: next_ns .. stop */
	k = (stop - p->next_ns) / period + 1;
	p->passes += k;
	p->next_ns += (k - 1) * period;           /* <= stop: no overflow */
	p->next_ns = p->next_ns > UINT64_MAX - period ? UINT64_MAX : p->next_ns + period;
}

/* The first pass, at or after the next one, that finds an old head as the
 * lists are now: the first period boundary at or after the first due time. */
static uint64_t proactive_age_next_due(const struct zswap *zs, const void *st)
{
	const struct proactive_age *p = st;
	uint64_t period = (uint64_t)p->period_ns, due = proactive_age_first_due(zs, p), k;

	if (due <= p->next_ns)
		return p->next_ns;
	if (due == UINT64_MAX)
		return UINT64_MAX;
	k = (due - p->next_ns - 1) / period + 1;   /* periods to reach due */
	if (k > (UINT64_MAX - p->next_ns) / period)
		return UINT64_MAX;
	return p->next_ns + k * period;
}

static void proactive_age_report(const struct zswap *zs, const void *st, void *json_obj)
{
	const struct proactive_age *p = st;

	(void)zs;
	json_object_set_new(json_obj, "passes", json_integer((json_int_t)p->passes));
	json_object_set_new(json_obj, "proactive_written_back_pages",
			    json_integer((json_int_t)p->written_back));
}

const struct zswap_wb_policy wb_proactive_age = {
	.c = {
		.name = "proactive-age",
		.desc = "pool-limit plus a pass every period_ns writing back entries older than age_ns",
		.params = proactive_age_params,
		.nparams = sizeof(proactive_age_params) / sizeof(proactive_age_params[0]),
		.state_size = sizeof(struct proactive_age),
		.store_times = 1,
		.attach = proactive_age_attach,
		.report = proactive_age_report,
	},
	.store_failed = zswap_wb_kernel_store_failed,
	.swapped_out = zswap_wb_kernel_swapped_out,
	.next_timer = proactive_age_next_timer,
	.timer = proactive_age_timer,
	.skip_idle = proactive_age_skip_idle,
	.next_due = proactive_age_next_due,
};
