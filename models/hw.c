/* SPDX-License-Identifier: MIT */
/*
 * Hardware parameters and cost formulas.  Everything here is a pure function
 * of the parameters (sim/cfg_hw.c fills them from the hw.* keys): no time is
 * ever measured, so runs stay deterministic.
 */
#include "models/hw.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Constraints that involve more than one key. */
static int check_hw(const struct hw *hw, char *err, size_t errlen)
{
	const struct hw_iaa *p = &hw->iaa;

	if (hw->cores % hw->sockets) {
		snprintf(err, errlen, "hw.cpu.cores: %u cores do not split evenly over %u sockets",
			 hw->cores, hw->sockets);
		return -EINVAL;
	}
	if (hw->worker_core >= (int)hw->cores) {
		snprintf(err, errlen, "hw.cpu.worker_core: %d is not a core (0..%u)",
			 hw->worker_core, hw->cores - 1);
		return -EINVAL;
	}
	if (hw->kswapd_core >= (int)hw->cores) {
		snprintf(err, errlen, "hw.cpu.kswapd_core: %d is not a core (0..%u)",
			 hw->kswapd_core, hw->cores - 1);
		return -EINVAL;
	}
	if (p->devices_per_socket * hw->sockets > HW_MAX_IAA) {
		snprintf(err, errlen, "hw.iaa.devices_per_socket: more than %u devices in all", HW_MAX_IAA);
		return -EINVAL;
	}
	if (p->comp_engines > p->engines) {
		snprintf(err, errlen, "hw.iaa.comp_engines: %u is more than hw.iaa.engines (%u)",
			 p->comp_engines, p->engines);
		return -EINVAL;
	}
	if (p->wqs * p->wq_size > HW_IAA_WQ_TOTAL) {
		snprintf(err, errlen, "hw.iaa.wq_size: %u WQs x %u entries exceed the device's %u",
			 p->wqs, p->wq_size, HW_IAA_WQ_TOTAL);
		return -EINVAL;
	}
	if (p->comp_wqs >= p->wqs && p->comp_wqs) {
		snprintf(err, errlen, "hw.iaa.comp_wqs: %u leaves no decompress WQ among %u (0 = all generic)",
			 p->comp_wqs, p->wqs);
		return -EINVAL;
	}
	if (p->wq_mode == HW_WQ_DEDICATED && p->descs_per_wq > p->wq_size) {
		snprintf(err, errlen, "hw.iaa.descs_per_wq: %u exceeds wq_size %u on a dedicated WQ "
			 "(MOVDIR64B to a full DWQ is dropped)", p->descs_per_wq, p->wq_size);
		return -EINVAL;
	}
	return 0;
}

/* Entries of a comma-separated list (an empty list counts as one). */
static unsigned list_entries(const char *list)
{
	unsigned n = 1;

	for (const char *p = list; *p; p++)
		n += *p == ',';
	return n;
}

int hw_check(struct hw *hw, char *err, size_t errlen)
{
	int r = check_hw(hw, err, errlen);
	if (r)
		return r;
	if (hw->worker_core < 0)
		hw->worker_core = (int)hw->cores - 1;
	if (hw->kswapd_core < 0)
		hw->kswapd_core = (int)hw->cores - 1;
	/* validate the stream list once so the backend can rely on it */
	unsigned n = list_entries(hw->stream_cores);
	for (unsigned i = 0; i < n; i++) {
		unsigned core;
		r = hw_stream_core(hw, i, &core, err, errlen);
		if (r)
			return r;
	}
	return 0;
}

/* The i-th entry of the comma list, or round robin when the list is empty or
 * shorter than the stream count (the list then repeats). */
int hw_stream_core(const struct hw *hw, unsigned stream, unsigned *core, char *err, size_t errlen)
{
	const char *p = hw->stream_cores;
	if (!*p) {
		*core = stream % hw->cores;
		return 0;
	}
	unsigned want = stream % list_entries(p);
	for (unsigned i = 0; i < want; i++)
		p = strchr(p, ',') + 1;
	char *end;
	errno = 0;
	long v = strtol(p, &end, 10);
	while (*end == ' ')
		end++;
	if (end == p || errno || (*end && *end != ',') || v < 0 || v >= (long)hw->cores) {
		snprintf(err, errlen, "hw.cpu.stream_cores: entry %u is not a core number 0..%u",
			 want, hw->cores - 1);
		return -EINVAL;
	}
	*core = (unsigned)v;
	return 0;
}

double hw_cpu_scale(const struct hw *hw)
{
	return hw->ref_ghz / hw->ghz;
}

double hw_codec_ns(const struct hw *hw, int codec, int dir, uint32_t len)
{
	const struct hw_codec_cost *k = &hw->codec[codec];
	return (k->ns[dir] + k->ns_per_byte[dir] * len) * hw_cpu_scale(hw);
}

double hw_iaa_submit_ns(const struct hw *hw, int dir)
{
	return hw->iaa.submit_ns[dir] * hw_cpu_scale(hw);
}

double hw_iaa_service_ns(const struct hw *hw, int dir, uint32_t len)
{
	return hw->iaa.service_ns[dir] + hw->iaa.service_ns_per_byte[dir] * len;
}

unsigned hw_iaa_engines_for(const struct hw *hw, int dir)
{
	return dir == HW_COMPRESS ? hw->iaa.comp_engines : hw->iaa.engines;
}

/*
 * The descriptors of one call reach the WQ together after the CPU has
 * submitted them all (n * submit), and idle engines take them in FIFO order:
 * list scheduling, each job to the engine that frees first.  With equal
 * service times S this is ceil(n / k) * S, i.e. the fit
 * L(B) = t0 + B * t_sub + ceil(B / C) * S of iaa-model.md 2.2.
 */
double hw_iaa_idle_call_ns(const struct hw *hw, int dir, const uint32_t *lens, unsigned n)
{
	double free_at[HW_IAA_ENGINES] = { 0 };
	unsigned k = hw_iaa_engines_for(hw, dir);
	double done = 0;

	for (unsigned i = 0; i < n; i++) {
		unsigned e = 0;
		for (unsigned j = 1; j < k; j++)
			if (free_at[j] < free_at[e])
				e = j;
		free_at[e] += hw_iaa_service_ns(hw, dir, lens[i]);
		if (free_at[e] > done)
			done = free_at[e];
	}
	double t = n * hw_iaa_submit_ns(hw, dir) + done + hw->iaa.fixed_ns[dir];
	if (hw->iaa.sync_mode == HW_IAA_IRQ)
		t += hw->iaa.irq_latency_ns;
	return t;
}

double hw_ssd_latency_ns(const struct hw *hw, int write)
{
	return write ? hw->ssd.write_ns : hw->ssd.read_ns;
}

double hw_ssd_transfer_ns(const struct hw *hw, int write, unsigned nr_pages)
{
	double mbps = write ? hw->ssd.write_mbps : hw->ssd.read_mbps;
	return (double)nr_pages * SIM_PAGE_SIZE * 1e3 / mbps;
}

int hw_codec_uses_iaa(const struct hw *hw, int codec)
{
	return codec == CODEC_DEFLATE_IAA && hw->iaa.devices_per_socket > 0;
}
