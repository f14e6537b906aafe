/* SPDX-License-Identifier: MIT */
/*
 * IAA in the simgrid backend: one actor per engine, on its own host, takes
 * descriptors from the C work-queue FIFOs of models/iaa.c and executes their
 * service time; a call's submitter queues its descriptors, blocks on
 * descriptor exhaustion and waits for the completions.  Beside the actors'
 * path (sg_iaa_call()) is its coalesced C twin (sg_iaa_call_coalesced()):
 * the same call worked out without SimGrid, with the same formulas and FIFO
 * rules, when a lone stream has every device to itself.  A change to one
 * must be made to the other (tests/scenarios/simgrid_state_equality.sh runs
 * both).
 */
#include <errno.h>
#include <string.h>

#include "sim/timing_simgrid.h"

/* Engines woken by the descriptors of a call are released once the whole
 * call is queued (or before the submitter blocks), so a call's descriptors
 * reach the WQ together whatever SimGrid's order of same-instant actors. */
static void wake_engines(struct sg_act *a)
{
	for (unsigned i = 0; i < a->nwake; i++)
		sg_sem_release(a->wake[i]->sem);
	a->nwake = 0;
}

/* Wait for a descriptor of (dev, wq) for up to retries * spin_ns, as the
 * series' bounded spin in iaa_comp_compress()/decompress does.  1 if one was
 * handed over. */
static int iaa_wait_desc(struct sg_act *a, int dir, unsigned dev, unsigned wq)
{
	double budget = sgb->hw.iaa.alloc_retries[dir] * sgb->hw.iaa.spin_ns * hw_cpu_scale(&sgb->hw);
	double t0 = sg_now();
	int ok;

	wake_engines(a);
	a->granted = 0;
	iaa_wait_push(sgb->iaa, dev, wq, dir, a);
	ok = budget > 0 && sg_sem_acquire_timeout(a->sem, budget * 1e-9) == 0;
	if (!ok) {
		if (a->granted) {
			sg_sem_acquire(a->sem);   /* handed over at the deadline: consume it */
			ok = 1;
		} else {
			iaa_wait_remove(sgb->iaa, dev, wq, a);
		}
	}
	sg_cpu_charge(a, CPU_iaa_spin, sg_now() - t0);
	return ok;
}

/* Shared WQ: ENQCMDS is retried while the WQ is full. */
static int iaa_enqueue(struct sg_act *a, struct iaa_desc *d)
{
	for (unsigned tries = 0;; tries++) {
		int e = iaa_submit(sgb->iaa, d, sg_ns(sg_now()));
		if (e >= 0) {
			a->wake[a->nwake++] = &sgb->engines[d->dev * sgb->hw.iaa.engines + (unsigned)e];
			return 0;
		}
		if (e == -1)
			return 0;   /* every able engine is busy: one of them will take it */
		if (tries >= sgb->hw.iaa.enqcmds_retries)
			return -EAGAIN;
		wake_engines(a);
		double spin = sgb->hw.iaa.spin_ns * hw_cpu_scale(&sgb->hw);
		sg_cpu_charge(a, CPU_iaa_spin, spin);
		sg_actor_sleep_for(spin * 1e-9);
	}
}

/* Decompress batches submit their two largest jobs first (head start for the
 * longest, iaa_comp_adecompress_batch()). */
static void order_lens(int dir, const uint32_t *lens, unsigned n, uint32_t *out)
{
	memcpy(out, lens, n * sizeof(*out));
	if (dir != HW_DECOMPRESS || n < 3)
		return;
	for (unsigned k = 0; k < 2; k++) {
		unsigned big = k;
		for (unsigned i = k + 1; i < n; i++)
			if (out[i] > out[big])
				big = i;
		uint32_t t = out[k];
		out[k] = out[big];
		out[big] = t;
	}
}

/* Fill descriptor i of a's call for a job of len bytes on (dev, wq). */
static struct iaa_desc *desc_fill(struct sg_act *a, unsigned i, int dir, unsigned dev, unsigned wq,
				  uint32_t len, int verify)
{
	struct iaa_desc *d = &a->desc[i];

	iaa_desc_fill(sgb->iaa, d, a, dir, dev, wq, len, hw_iaa_service_ns(&sgb->hw, dir, len), verify);
	return d;
}

/* Give a descriptor of (dev, wq) back; a submitter waiting for one gets it. */
static void desc_release(unsigned dev, unsigned wq)
{
	struct sg_act *w = iaa_desc_free(sgb->iaa, dev, wq);

	if (w) {
		w->granted = 1;
		sg_sem_release(w->sem);
	}
}

/* May a call of n descriptors of a lone stream be worked out without SimGrid?
 * Every device idle (nothing queued, no engine running or woken) and room
 * for the whole call in every WQ: then no other actor can touch the devices
 * before the call ends. */
static int sg_iaa_can_coalesce(const struct sg_act *a, unsigned n)
{
	if (!sg_can_coalesce(a))
		return 0;
	for (unsigned d = 0; d < sgb->iaa->ndev; d++) {
		const struct iaa_device *dv = &sgb->iaa->dev[d];
		if (dv->queued)
			return 0;
		for (unsigned e = 0; e < dv->neng; e++)
			if (!dv->eng[e].idle)
				return 0;
		for (unsigned w = 0; w < dv->nwq; w++)
			if (dv->wq[w].pool - dv->wq[w].alloc < n || dv->wq[w].size < n)
				return 0;
	}
	return 1;
}

/*
 * The same call as sg_iaa_call() below, replayed in C on idle devices: the
 * engines woken by the submissions take descriptors in time order exactly as
 * their actors would (ties between engines free at the same instant go to
 * the lower device and engine number).  Returns the latency, or a negative
 * value when the call would end after the shrink worker's next wakeup (then
 * nothing has been changed and the caller goes through SimGrid).
 */
static double sg_iaa_call_coalesced(struct sg_act *a, int dir, const uint32_t *lens, unsigned n, int verify)
{
	const struct hw_iaa *p = &sgb->hw.iaa;
	double start = a->clock, free_at[HW_MAX_IAA][HW_IAA_ENGINES];
	struct iaa_desc *running[HW_MAX_IAA][HW_IAA_ENGINES];
	double t = start + n * hw_iaa_submit_ns(&sgb->hw, dir), done = t;

	/* the end is known before anything changes: idle list scheduling */
	double end = t + hw_iaa_idle_call_ns(&sgb->hw, dir, lens, n) - n * hw_iaa_submit_ns(&sgb->hw, dir);
	if (end >= sgb->worker_wake)
		return -1;
	sg_cpu_charge(a, CPU_iaa_submit, t - start);
	for (unsigned i = 0; i < n; i++) {
		unsigned dev = iaa_pick_device(sgb->iaa, a->core, dir);
		unsigned wq = iaa_pick_wq(sgb->iaa, dev, a->core, dir);
		iaa_desc_alloc(sgb->iaa, dev, wq);
		struct iaa_desc *d = desc_fill(a, i, dir, dev, wq, lens[i], verify);
		int e = iaa_submit(sgb->iaa, d, sg_ns(t));
		if (e >= 0) {
			free_at[dev][e] = t;
			running[dev][e] = NULL;
		}
	}
	for (;;) {
		/* the woken engine that is free first takes the next job */
		int bd = -1, be = -1;
		for (unsigned dv = 0; dv < sgb->iaa->ndev; dv++)
			for (unsigned e = 0; e < sgb->iaa->dev[dv].neng; e++)
				if (!sgb->iaa->dev[dv].eng[e].idle && (bd < 0 || free_at[dv][e] < free_at[bd][be])) {
					bd = (int)dv;
					be = (int)e;
				}
		if (bd < 0)
			break;
		double f = free_at[bd][be];
		struct iaa_desc *prev = running[bd][be];
		if (prev) {
			/* its job ends now: in the order sg_engine_main() does things */
			iaa_engine_done(sgb->iaa, (unsigned)bd, (unsigned)be, prev,
					sg_ns(f - prev->service_ns), sg_ns(f));
			iaa_desc_free(sgb->iaa, prev->dev, prev->wq);   /* nobody waits while coalescing */
			if (f > done)
				done = f;
		}
		running[bd][be] = iaa_engine_take(sgb->iaa, (unsigned)bd, (unsigned)be, sg_ns(f));
		if (running[bd][be])
			free_at[bd][be] = f + running[bd][be]->service_ns;
	}
	done += p->fixed_ns[dir];
	if (p->sync_mode == HW_IAA_IRQ) {
		done += p->irq_latency_ns;
		sg_cpu_charge(a, CPU_iaa_irq, p->irq_cpu_ns * hw_cpu_scale(&sgb->hw));
	} else {
		sg_cpu_charge(a, CPU_iaa_poll, done - t);
	}
	a->clock = done;
	zswap_set_now(sgb->zs, sg_ns(a->clock));
	if (dir == HW_COMPRESS && p->verify_compress && !verify)
		sg_iaa_call(a, HW_DECOMPRESS, lens, n, 1);
	return a->clock - start;
}

/*
 * One call of n <= 8 descriptors: the CPU submits them all (n * submit),
 * they queue on their WQs and engines serve them; the caller then sees the
 * fixed per-call latency (and the irq latency in irq mode).  Poll mode keeps
 * the CPU busy until the end; irq mode charges only the wakeup.  Pages whose
 * descriptor could not be had are done in software afterwards (deflate).
 * Returns the call's latency in ns.
 */
double sg_iaa_call(struct sg_act *a, int dir, const uint32_t *lens_in, unsigned n, int verify)
{
	const struct hw_iaa *p = &sgb->hw.iaa;
	uint32_t lens[HW_MAX_BATCH];
	double fallback = 0;

	order_lens(dir, lens_in, n, lens);
	if (sg_iaa_can_coalesce(a, n)) {
		double ns = sg_iaa_call_coalesced(a, dir, lens, n, verify);
		if (ns >= 0)
			return ns;
	}
	sg_act_flush(a);
	double start = a->clock;
	sg_cpu_run(a, CPU_iaa_submit, n * hw_iaa_submit_ns(&sgb->hw, dir));
	sg_act_flush(a);
	a->remaining = 0;
	unsigned on_device = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned dev = iaa_pick_device(sgb->iaa, a->core, dir);
		unsigned wq = iaa_pick_wq(sgb->iaa, dev, a->core, dir);
		if (iaa_desc_alloc(sgb->iaa, dev, wq) && !iaa_wait_desc(a, dir, dev, wq)) {
			iaa_fallback(sgb->iaa, dir);
			fallback += hw_codec_ns(&sgb->hw, CODEC_DEFLATE, dir, lens[i]);
			continue;
		}
		struct iaa_desc *d = desc_fill(a, i, dir, dev, wq, lens[i], verify);
		a->remaining++;
		if (iaa_enqueue(a, d)) {
			a->remaining--;
			desc_release(dev, wq);
			iaa_fallback(sgb->iaa, dir);
			fallback += hw_codec_ns(&sgb->hw, CODEC_DEFLATE, dir, lens[i]);
			continue;
		}
		on_device++;
	}
	wake_engines(a);
	double submitted = sg_now();
	if (a->remaining) {
		a->waiting = 1;
		sg_sem_acquire(a->sem);
	}
	double delay = on_device ? p->fixed_ns[dir] : 0;
	if (on_device && p->sync_mode == HW_IAA_IRQ) {
		delay += p->irq_latency_ns;
		sg_cpu_charge(a, CPU_iaa_irq, p->irq_cpu_ns * hw_cpu_scale(&sgb->hw));
	}
	if (delay > 0)
		sg_actor_sleep_for(delay * 1e-9);
	if (p->sync_mode == HW_IAA_POLL)
		sg_cpu_charge(a, CPU_iaa_poll, sg_now() - submitted);
	sg_act_sync_clock(a);
	if (fallback > 0) {
		sg_cpu_charge(a, CPU_sw_fallback, fallback);
		sg_exec_cpu(a, fallback);
		sg_act_sync_clock(a);
	}
	if (dir == HW_COMPRESS && p->verify_compress && !verify)
		sg_iaa_call(a, HW_DECOMPRESS, lens, n, 1);
	return a->clock - start;
}

void sg_engine_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct sg_engine *e = sg_actor_self_get_data();

	for (;;) {
		struct iaa_desc *d = iaa_engine_take(sgb->iaa, e->dev, e->eng, sg_ns(sg_now()));
		if (!d) {
			sg_sem_acquire(e->sem);
			continue;
		}
		double start = sg_now();
		sg_execute(d->service_ns);
		double end = sg_now();
		iaa_engine_done(sgb->iaa, e->dev, e->eng, d, sg_ns(start), sg_ns(end));
		desc_release(d->dev, d->wq);
		struct sg_act *o = d->owner;
		if (!--o->remaining && o->waiting) {
			o->waiting = 0;
			sg_sem_release(o->sem);
		}
	}
}
