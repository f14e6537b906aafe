/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the capture event reader (cap_events_read) and the
 * converter to a trace (cap_convert), traces/capture_events.c.
 *
 * An input that starts with the magic is the whole events.bin.  Any other is
 * a header choice and events: byte 0 picks the content pages (0..7), whether
 * the HELD events are an end snapshot, and whether there is an end mark
 * (then bytes 1..8 are its time); the rest, cut to whole 48-byte events,
 * follows a valid header.  content.raw holds the chosen number of pages
 * (zero, text, random, ...).  Checked:
 *  - a rejected file is a negative errno with one line;
 *  - an accepted conversion writes a trace that trace_open() accepts, with
 *    one record per OUT, IN, INVAL and re-read it counted, and a page store
 *    of the unique pages it counted.
 * Inputs whose swap-outs reach slot 2^20 or beyond are read but not
 * converted: the converter keeps 13 bytes per slot of the swap device (a
 * valid slot near 2^32 asks for 56 GB), beyond the fuzzer's RSS limit.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz_input.h"
#include "traces/capture_events.h"
#include "traces/content.h"
#include "traces/trace.h"

#define PAGE 4096
#define MAX_EVENTS 80
#define MAX_SLOT (1ull << 20)

static struct trace tr;

static size_t events_file(const uint8_t *data, size_t size, uint8_t *buf, unsigned *pages)
{
	struct cap_events_header h;
	size_t skip = (data[0] & 0x10) ? 9 : 1;
	uint64_t n = size > skip ? (size - skip) / sizeof(struct cap_event) : 0;

	if (n > MAX_EVENTS)
		n = MAX_EVENTS;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, CAP_EVENTS_MAGIC, 8);
	h.version = CAP_EVENTS_VERSION;
	h.event_size = sizeof(struct cap_event);
	h.nevents = n;
	*pages = data[0] & 7;
	h.content_pages = *pages;
	h.end_snapshot = (data[0] >> 3) & 1;
	if (skip == 9 && size >= 9)
		memcpy(&h.end_time_ns, data + 1, 8);
	snprintf(h.memcg, sizeof(h.memcg), "fuzz");
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), data + skip, n * sizeof(struct cap_event));
	return sizeof(h) + n * sizeof(struct cap_event);
}

/* pages of every kind the converter dedups and classifies */
static void content_pages(uint8_t *c, unsigned pages)
{
	memset(c, 0, (size_t)pages * PAGE);
	for (unsigned p = 1; p < pages; p++)
		for (unsigned i = 0; i < PAGE; i++)
			c[p * PAGE + i] = p == 1 ? 0x5a : p % 2 ? (uint8_t)(i * 2654435761u >> 13)
								 : (uint8_t)"zswap "[i % 6];
}

static void check_converted(const char *trace, const struct cap_convert_stats *st)
{
	char err[512];
	uint64_t want = st->outs + st->ins + st->invals + st->ins_reread[0] + st->ins_reread[1];

	if (trace_open(&tr, trace, err, sizeof(err))) {
		fprintf(stderr, "the converted trace does not open: %s\n", err);
		abort();
	}
	if (tr.nrec != want) {
		fprintf(stderr, "converted trace: %llu records, counted %llu\n",
			(unsigned long long)tr.nrec, (unsigned long long)want);
		abort();
	}
	trace_close(&tr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[sizeof(struct cap_events_header) + MAX_EVENTS * sizeof(struct cap_event)];
	static uint8_t content[7 * PAGE];
	char ev[256], cpath[256], tpath[256], ppath[256], err[1024];
	struct cap_convert_stats st;
	struct cap_events e;
	unsigned pages = 4;
	int r;

	if (!size)
		return 0;
	if (size >= 8 && !memcmp(data, CAP_EVENTS_MAGIC, 8))
		fuzz_write_file("events.bin", data, size, ev, sizeof(ev));
	else
		fuzz_write_file("events.bin", buf, events_file(data, size, buf, &pages), ev,
				sizeof(ev));
	content_pages(content, pages);
	fuzz_write_file("content.raw", content, (size_t)pages * PAGE, cpath, sizeof(cpath));

	err[0] = '\0';
	r = cap_events_read(ev, &e, err, sizeof(err));
	fuzz_check_err(r, err, sizeof(err));
	if (r)
		return 0;
	for (uint64_t i = 0; i < e.hdr.nevents; i++)
		if (e.ev[i].type == CAP_EV_OUT && e.ev[i].slot + (1u << e.ev[i].order) > MAX_SLOT) {
			cap_events_free(&e);
			return 0;
		}
	cap_events_free(&e);

	snprintf(tpath, sizeof(tpath), "%s/t.zswt", fuzz_dir());
	snprintf(ppath, sizeof(ppath), "%s/t.pages", fuzz_dir());
	memset(&st, 0, sizeof(st));
	err[0] = '\0';
	r = cap_convert(ev, cpath, tpath, ppath, &st, err, sizeof(err));
	fuzz_check_err(r, err, sizeof(err));
	if (!r)
		check_converted(tpath, &st);
	return 0;
}
