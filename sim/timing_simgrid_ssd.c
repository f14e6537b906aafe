/* SPDX-License-Identifier: MIT */
/*
 * The swap device in the simgrid backend: one actor executes transfers in
 * FIFO order; up to queue_depth requests overlap their access latency.
 */
#include "sim/timing_simgrid.h"

static void ssd_busy(int more)
{
	struct sg_ssd *d = &sgb->ssd;
	double now = sg_now();
	if (more && !d->inflight++)
		d->busy_since = now;
	if (!more && !--d->inflight)
		d->busy_ns += now - d->busy_since;
}

void sg_disk_io(struct sg_act *a, int write, unsigned nr_pages)
{
	struct sg_ssd *d = &sgb->ssd;
	double lat = hw_ssd_latency_ns(&sgb->hw, write);
	double xfer = hw_ssd_transfer_ns(&sgb->hw, write, nr_pages);

	d->reqs[write]++;
	d->pages[write] += nr_pages;
	if (sg_can_coalesce(a) && !d->inflight && !d->x_n && a->clock + lat + xfer < sgb->worker_wake) {
		/* An idle device and nobody else to use it before we are done: the
		 * request takes exactly latency + transfer, no activity needed. */
		d->busy_ns += lat + xfer;
		d->xfer_ns += xfer;
		a->clock += lat + xfer;
		zswap_set_now(sgb->zs, sg_ns(a->clock));
		lat_add(&sgb->lat[write ? LAT_disk_write : LAT_disk_read], sg_ns(lat + xfer));
		return;
	}
	sg_act_flush(a);
	double start = a->clock;
	if (d->inflight >= sgb->hw.ssd.queue_depth) {
		d->slot_wait[(d->sw_head + d->sw_n++) % d->cap] = a;
		if (d->sw_n > d->max_waiting)
			d->max_waiting = d->sw_n;
		sg_act_blocks(a, INFINITY);
		sg_sem_acquire(a->sem);           /* the slot is handed over */
		sg_act_resumed(a);
	} else {
		ssd_busy(1);
	}
	sg_act_blocks(a, sg_now() + lat);
	sg_actor_sleep_for(lat * 1e-9);
	sg_act_resumed(a);
	a->xfer_ns = xfer;
	d->xfer[(d->x_head + d->x_n++) % d->cap] = a;
	if (d->idle) {
		d->idle = 0;
		d->wake_at = sg_now();
		sg_sem_release(d->sem);
	}
	sg_act_blocks(a, INFINITY);
	sg_sem_acquire(a->sem);
	sg_act_resumed(a);
	if (d->sw_n) {
		struct sg_act *w = d->slot_wait[d->sw_head];
		d->sw_head = (d->sw_head + 1) % d->cap;
		d->sw_n--;
		sg_act_released(w);
		sg_sem_release(w->sem);
	} else {
		ssd_busy(0);
	}
	sg_act_sync_clock(a);
	lat_add(&sgb->lat[write ? LAT_disk_write : LAT_disk_read], sg_ns(a->clock - start));
}

void sg_ssd_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct sg_ssd *d = &sgb->ssd;

	for (;;) {
		if (!d->x_n) {
			d->idle = 1;
			d->wake_at = INFINITY;
			sg_sem_acquire(d->sem);
			d->resumed_at = sg_now();
			continue;
		}
		struct sg_act *a = d->xfer[d->x_head];
		d->x_head = (d->x_head + 1) % d->cap;
		d->x_n--;
		/* the swap host runs nothing else: the transfer takes xfer_ns */
		d->wake_at = sg_now() + a->xfer_ns;
		sg_execute(a->xfer_ns);
		d->resumed_at = sg_now();
		d->xfer_ns += a->xfer_ns;
		sg_act_released(a);
		sg_sem_release(a->sem);
	}
}
