/* SPDX-License-Identifier: MIT */
/*
 * Intel IAA device logic (iaa_crypto + idxd) without time: the simgrid backend
 * supplies the clock and runs the engines.  See models/iaa.h.
 */
#include "models/iaa.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* With comp_wqs = k > 0 the last k WQs of a device take compress jobs and
 * the others decompress jobs (g_comp_wqs_per_iaa); else all take both. */
static unsigned wq_accepts(const struct hw_iaa *p, unsigned w)
{
	if (!p->comp_wqs)
		return 1u << HW_COMPRESS | 1u << HW_DECOMPRESS;
	return w >= p->wqs - p->comp_wqs ? 1u << HW_COMPRESS : 1u << HW_DECOMPRESS;
}

static int init_device(struct iaa_device *d, const struct hw_iaa *p, unsigned socket,
		       unsigned max_waiters)
{
	d->socket = socket;
	d->nwq = p->wqs;
	d->neng = p->engines;
	for (unsigned w = 0; w < d->nwq; w++) {
		struct iaa_wq *q = &d->wq[w];
		q->pool = p->descs_per_wq;
		q->size = p->wq_size;
		q->accepts = wq_accepts(p, w);
		q->ring = calloc(q->pool, sizeof(*q->ring));
		q->wait_cap = max_waiters ? max_waiters : 1;
		q->waiters = calloc(q->wait_cap, sizeof(*q->waiters));
		if (!q->ring || !q->waiters)
			return -ENOMEM;
	}
	for (unsigned e = 0; e < d->neng; e++) {
		d->eng[e].can_comp = e < p->comp_engines;
		d->eng[e].idle = 1;
	}
	return 0;
}

int iaa_create(struct iaa **out, const struct hw *hw, unsigned max_waiters,
	       uint64_t sample_ns, char *err, size_t errlen)
{
	if (!hw->iaa.devices_per_socket || !sample_ns) {
		snprintf(err, errlen, "iaa: no devices or no sample interval");
		return -EINVAL;
	}
	struct iaa *iaa = calloc(1, sizeof(*iaa));
	if (!iaa)
		goto nomem;
	*out = iaa;
	iaa->p = hw->iaa;
	iaa->ndev = hw->iaa.devices_per_socket * hw->sockets;
	iaa->cores = hw->cores;
	iaa->cores_per_socket = hw->cores / hw->sockets;
	iaa->interval_ns = sample_ns;
	iaa->dev = calloc(iaa->ndev, sizeof(*iaa->dev));
	iaa->cpu_dev_rr = calloc((size_t)iaa->cores * 2, sizeof(*iaa->cpu_dev_rr));
	iaa->cpu_wq_rr = calloc((size_t)iaa->cores * iaa->ndev * 2, sizeof(*iaa->cpu_wq_rr));
	if (!iaa->dev || !iaa->cpu_dev_rr || !iaa->cpu_wq_rr)
		goto nomem;
	for (unsigned d = 0; d < iaa->ndev; d++)
		if (init_device(&iaa->dev[d], &iaa->p, d / iaa->p.devices_per_socket, max_waiters))
			goto nomem;
	iaa->cap = 64;
	iaa->depth = calloc(iaa->cap * iaa->ndev, sizeof(*iaa->depth));
	iaa->busy = calloc(iaa->cap * iaa->ndev, sizeof(*iaa->busy));
	if (!iaa->depth || !iaa->busy)
		goto nomem;
	return 0;
nomem:
	snprintf(err, errlen, "iaa: out of memory");
	iaa_destroy(iaa);
	*out = NULL;
	return -ENOMEM;
}

void iaa_destroy(struct iaa *iaa)
{
	if (!iaa)
		return;
	for (unsigned d = 0; iaa->dev && d < iaa->ndev; d++)
		for (unsigned w = 0; w < HW_IAA_WQS; w++) {
			free(iaa->dev[d].wq[w].ring);
			free(iaa->dev[d].wq[w].waiters);
		}
	free(iaa->dev);
	free(iaa->cpu_dev_rr);
	free(iaa->cpu_wq_rr);
	free(iaa->depth);
	free(iaa->busy);
	free(iaa);
}

/* Upstream mapping: the cores of a socket in order, cpus_per_iaa at a time,
 * to the socket's devices. */
unsigned iaa_cpu_device(const struct iaa *iaa, unsigned cpu)
{
	unsigned dps = iaa->p.devices_per_socket;
	unsigned socket = cpu / iaa->cores_per_socket;
	unsigned local = cpu % iaa->cores_per_socket;
	unsigned per = iaa->cores_per_socket / dps;
	unsigned d = per ? local / per : local % dps;
	if (d >= dps)
		d = dps - 1;
	return socket * dps + d;
}

unsigned iaa_pick_device(struct iaa *iaa, unsigned cpu, int dir)
{
	int distribute = dir == HW_COMPRESS ? iaa->p.distribute_comps : iaa->p.distribute_decomps;
	unsigned dps = iaa->p.devices_per_socket;
	if (!distribute || dps == 1)
		return iaa_cpu_device(iaa, cpu);
	/* g_consec_descs_per_gwq = 1: move on after every descriptor */
	uint16_t *rr = &iaa->cpu_dev_rr[cpu * 2 + dir];
	unsigned d = (cpu / iaa->cores_per_socket) * dps + *rr;
	*rr = (uint16_t)((*rr + 1) % dps);
	return d;
}

unsigned iaa_pick_wq(struct iaa *iaa, unsigned dev, unsigned cpu, int dir)
{
	struct iaa_device *d = &iaa->dev[dev];
	uint8_t *cur = &iaa->cpu_wq_rr[((size_t)cpu * iaa->ndev + dev) * 2 + dir];
	for (unsigned i = 0; i < d->nwq; i++) {
		unsigned w = (*cur + i) % d->nwq;
		if (d->wq[w].accepts & (1u << dir)) {
			*cur = (uint8_t)((w + 1) % d->nwq);
			return w;
		}
	}
	return 0;   /* not reached: check_hw() leaves a WQ for each direction */
}

int iaa_desc_alloc(struct iaa *iaa, unsigned dev, unsigned wq)
{
	struct iaa_wq *q = &iaa->dev[dev].wq[wq];
	if (q->alloc >= q->pool)
		return -EBUSY;
	q->alloc++;
	return 0;
}

void iaa_wait_push(struct iaa *iaa, unsigned dev, unsigned wq, int dir, void *waiter)
{
	struct iaa_wq *q = &iaa->dev[dev].wq[wq];

	iaa->st.alloc_waits[dir]++;
	q->waiters[(q->wait_head + q->wait_n) % q->wait_cap] = waiter;
	q->wait_n++;
}

int iaa_wait_remove(struct iaa *iaa, unsigned dev, unsigned wq, void *waiter)
{
	struct iaa_wq *q = &iaa->dev[dev].wq[wq];
	for (unsigned i = 0; i < q->wait_n; i++) {
		unsigned at = (q->wait_head + i) % q->wait_cap;
		if (q->waiters[at] != waiter)
			continue;
		for (unsigned j = i; j + 1 < q->wait_n; j++)
			q->waiters[(q->wait_head + j) % q->wait_cap] =
				q->waiters[(q->wait_head + j + 1) % q->wait_cap];
		q->wait_n--;
		return 1;
	}
	return 0;
}

void *iaa_desc_free(struct iaa *iaa, unsigned dev, unsigned wq)
{
	struct iaa_wq *q = &iaa->dev[dev].wq[wq];
	if (q->wait_n) {
		void *w = q->waiters[q->wait_head];
		q->wait_head = (q->wait_head + 1) % q->wait_cap;
		q->wait_n--;
		return w;    /* the descriptor passes to the waiter */
	}
	q->alloc--;
	return NULL;
}

void iaa_desc_fill(struct iaa *iaa, struct iaa_desc *d, void *owner, int dir, unsigned dev,
		   unsigned wq, uint32_t len, double service_ns, int verify)
{
	d->owner = owner;
	d->len = len;
	d->dir = (uint8_t)dir;
	d->dev = (uint16_t)dev;
	d->wq = (uint8_t)wq;
	d->service_ns = service_ns;
	if (verify)
		iaa->st.verify_descs++;
}

void iaa_fallback(struct iaa *iaa, int dir)
{
	iaa->st.fallbacks[dir]++;
}

static int grow_series(struct iaa *iaa, uint64_t need)
{
	if (need <= iaa->cap)
		return 0;
	uint64_t cap = iaa->cap;
	while (cap < need)
		cap *= 2;
	uint32_t *depth = realloc(iaa->depth, cap * iaa->ndev * sizeof(*depth));
	if (!depth)
		return -ENOMEM;
	iaa->depth = depth;
	double *busy = realloc(iaa->busy, cap * iaa->ndev * sizeof(*busy));
	if (!busy)
		return -ENOMEM;
	iaa->busy = busy;
	memset(depth + iaa->cap * iaa->ndev, 0, (cap - iaa->cap) * iaa->ndev * sizeof(*depth));
	memset(busy + iaa->cap * iaa->ndev, 0, (cap - iaa->cap) * iaa->ndev * sizeof(*busy));
	iaa->cap = cap;
	return 0;
}

/* Keep every other depth sample and add up neighbouring busy times: the
 * series covers twice the time at the same size. */
static void thin_series(struct iaa *iaa)
{
	uint64_t n = iaa->nsamples, k;

	for (k = 0; 2 * k < n; k++)
		for (unsigned d = 0; d < iaa->ndev; d++) {
			double b = iaa->busy[2 * k * iaa->ndev + d];

			if (2 * k + 1 < n)
				b += iaa->busy[(2 * k + 1) * iaa->ndev + d];
			iaa->depth[k * iaa->ndev + d] = iaa->depth[2 * k * iaa->ndev + d];
			iaa->busy[k * iaa->ndev + d] = b;
		}
	memset(iaa->busy + k * iaa->ndev, 0, (n - k) * iaa->ndev * sizeof(*iaa->busy));
	iaa->nsamples = k;
	iaa->interval_ns *= 2;
}

/* Sample k is the queue depth at start + k * interval: the depth that held
 * just before the first change at or after that time.  The series starts at
 * the first event, so a run that starts late has no samples of its past. */
void iaa_advance(struct iaa *iaa, uint64_t now_ns)
{
	if (!iaa->started) {
		iaa->started = 1;
		iaa->start_ns = now_ns;
	}
	if (now_ns < iaa->start_ns)
		return;
	/* a division, not nsamples * interval: that product can overflow */
	while ((now_ns - iaa->start_ns) / iaa->interval_ns >= iaa->nsamples) {
		if (iaa->nsamples == IAA_MAX_SAMPLES) {
			thin_series(iaa);
			continue;
		}
		if (grow_series(iaa, iaa->nsamples + 1))
			return;   /* out of memory: the series stops, the run goes on */
		for (unsigned d = 0; d < iaa->ndev; d++)
			iaa->depth[iaa->nsamples * iaa->ndev + d] = iaa->dev[d].queued;
		iaa->nsamples++;
	}
}

static int pick_engine(struct iaa_device *d, int dir)
{
	for (unsigned e = 0; e < d->neng; e++)
		if (d->eng[e].idle && (dir == HW_DECOMPRESS || d->eng[e].can_comp)) {
			d->eng[e].idle = 0;
			return (int)e;
		}
	return -1;
}

int iaa_submit(struct iaa *iaa, struct iaa_desc *desc, uint64_t now_ns)
{
	struct iaa_device *d = &iaa->dev[desc->dev];
	struct iaa_wq *q = &d->wq[desc->wq];

	iaa_advance(iaa, now_ns);
	if (q->queued >= q->size) {
		/* only a shared WQ can be full here: a dedicated WQ's pool is at most its size */
		iaa->st.enqcmds_retries++;
		return -EAGAIN;
	}
	q->ring[(q->head + q->queued) % q->pool] = desc;
	q->queued++;
	d->queued++;
	if (d->queued > d->max_queued)
		d->max_queued = d->queued;
	return pick_engine(d, desc->dir);
}

struct iaa_desc *iaa_engine_take(struct iaa *iaa, unsigned dev, unsigned eng, uint64_t now_ns)
{
	struct iaa_device *d = &iaa->dev[dev];
	struct iaa_engine *e = &d->eng[eng];

	iaa_advance(iaa, now_ns);
	for (unsigned i = 0; i < d->nwq; i++) {
		unsigned w = (d->arb + i) % d->nwq;
		struct iaa_wq *q = &d->wq[w];
		if (!q->queued)
			continue;
		struct iaa_desc *desc = q->ring[q->head];
		if (desc->dir == HW_COMPRESS && !e->can_comp)
			continue;   /* FIFO per WQ: a decompress engine cannot pass it */
		q->head = (q->head + 1) % q->pool;
		q->queued--;
		d->queued--;
		d->arb = (w + 1) % d->nwq;
		e->idle = 0;
		return desc;
	}
	e->idle = 1;
	return NULL;
}

void iaa_engine_done(struct iaa *iaa, unsigned dev, unsigned eng, const struct iaa_desc *d,
		     uint64_t start_ns, uint64_t end_ns)
{
	struct iaa_engine *e = &iaa->dev[dev].eng[eng];
	iaa->st.descs[d->dir]++;
	e->jobs++;
	e->busy_ns += (double)(end_ns - start_ns);
	iaa_advance(iaa, end_ns);
	/* a job cannot start before the first event; the advance above made
	 * samples up to end_ns, unless memory ran out */
	if (start_ns < iaa->start_ns)
		start_ns = iaa->start_ns;
	if (end_ns < iaa->start_ns || (end_ns - iaa->start_ns) / iaa->interval_ns >= iaa->nsamples)
		return;
	/* spread the busy time over the intervals it covers */
	for (uint64_t t = start_ns; t < end_ns;) {
		uint64_t k = (t - iaa->start_ns) / iaa->interval_ns;
		uint64_t stop = iaa->start_ns + (k + 1) * iaa->interval_ns;
		if (stop > end_ns)
			stop = end_ns;
		iaa->busy[k * iaa->ndev + dev] += (double)(stop - t);
		t = stop;
	}
}

static json_t *device_json(struct iaa *iaa, unsigned dv, uint64_t elapsed_ns)
{
	struct iaa_device *d = &iaa->dev[dv];
	json_t *eng = json_array(), *depth = json_array(), *util = json_array();
	double busy = 0;
	for (unsigned e = 0; e < d->neng; e++) {
		busy += d->eng[e].busy_ns;
		json_array_append_new(eng, json_pack("{s:b, s:I, s:f, s:f}",
			"compress", d->eng[e].can_comp, "jobs", (json_int_t)d->eng[e].jobs,
			"busy_ns", d->eng[e].busy_ns,
			"utilization", elapsed_ns ? d->eng[e].busy_ns / (double)elapsed_ns : 0.0));
	}
	for (uint64_t k = 0; k < iaa->nsamples; k++) {
		json_array_append_new(depth, json_integer(iaa->depth[k * iaa->ndev + dv]));
		json_array_append_new(util, json_real(iaa->busy[k * iaa->ndev + dv] /
						     ((double)iaa->interval_ns * d->neng)));
	}
	return json_pack("{s:i, s:i, s:i, s:f, s:i, s:o, s:o, s:o}",
		"socket", (int)d->socket, "engines", (int)d->neng, "wqs", (int)d->nwq,
		"utilization", elapsed_ns ? busy / ((double)elapsed_ns * d->neng) : 0.0,
		"max_queued", (int)d->max_queued, "engine", eng,
		"queued_samples", depth, "utilization_samples", util);
}

json_t *iaa_report(struct iaa *iaa, uint64_t elapsed_ns)
{
	iaa_advance(iaa, elapsed_ns);
	json_t *devs = json_array();
	for (unsigned d = 0; d < iaa->ndev; d++)
		json_array_append_new(devs, device_json(iaa, d, elapsed_ns));
	return json_pack("{s:I, s:I, s:I, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}}",
		"sample_start_ns", (json_int_t)iaa->start_ns,
		"sample_interval_ns", (json_int_t)iaa->interval_ns,
		"samples", (json_int_t)iaa->nsamples,
		"devices", devs,
		"counters",
		"compress_descs", (json_int_t)iaa->st.descs[HW_COMPRESS],
		"decompress_descs", (json_int_t)iaa->st.descs[HW_DECOMPRESS],
		"verify_descs", (json_int_t)iaa->st.verify_descs,
		"compress_alloc_waits", (json_int_t)iaa->st.alloc_waits[HW_COMPRESS],
		"decompress_alloc_waits", (json_int_t)iaa->st.alloc_waits[HW_DECOMPRESS],
		"compress_fallback_pages", (json_int_t)iaa->st.fallbacks[HW_COMPRESS],
		"decompress_fallback_pages", (json_int_t)iaa->st.fallbacks[HW_DECOMPRESS],
		"enqcmds_retries", (json_int_t)iaa->st.enqcmds_retries);
}
