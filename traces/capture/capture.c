// SPDX-License-Identifier: MIT
/*
 * zswapsim-capture: run a command in a new memory cgroup (cgroup v1, below our
 * own) under a limit, record every swap-out (with page content), swap-in and
 * zswap writeback of that cgroup with BTF tracepoints, and write
 *
 *   DIR/events.bin DIR/content.raw   the recorded events (capture_events.h)
 *   DIR/trace.zswt DIR/trace.pages   the trace and its deduplicated page store
 *   DIR/kernel.json                  the kernel's zswap/vmstat counters over the run
 *
 * It touches only the cgroup it creates and the process it starts.  See
 * docs/capture.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <jansson.h>

#include "traces/capture_events.h"
#include "traces/capture/capture.h"
#include "capture.skel.h"
#include "tracer.h"

#define DEBUGFS_ZSWAP "/sys/kernel/debug/zswap"

static const char *const zswap_files[] = {
	"pool_limit_hit", "reject_alloc_fail", "reject_compress_fail", "reject_compress_poor",
	"reject_kmemcache_fail", "reject_reclaim_fail", "decompress_fail", "written_back_pages",
	"pool_total_size", "stored_pages", "stored_incompressible_pages", NULL,
};
static const char *const vmstat_keys[] = {
	"zswpin", "zswpout", "zswpwb", "pswpin", "pswpout", "swpin_zero", "swpout_zero",
	"swap_ra", "swap_ra_hit", "thp_swpout", "thp_swpout_fallback", "pgmajfault", NULL,
};
#define NZ 11
#define NV 12

struct counters {
	int64_t z[NZ];
	int64_t v[NV];
	int64_t zswap_bytes;     /* /proc/meminfo Zswap: the pool (= pool_total_size) */
	int64_t zswapped_pages;  /* /proc/meminfo Zswapped / 4 KiB (= stored_pages) */
	bool have_z;
};

struct opts {
	const char *dir;
	uint64_t limit;
	uint64_t memsw;
	uint64_t ring_mb;
	unsigned timeout;
	bool check;
	char **cmd;
};

struct out_pos {
	uint64_t seq, base;
	uint32_t nr;
	bool valid;
};

struct capture {
	int efd;                   /* events.bin */
	int cfd;                   /* content.raw */
	struct cap_event *ev;      /* buffered, written at the end with the header */
	uint64_t nev, cap;
	uint64_t next_content;
	uint64_t missing;
	uint64_t t0;               /* CLOCK_MONOTONIC ns at start */
	/* seq -> first content index, for the PAGE records that follow an OUT */
	struct out_pos ring[4096];
	bool io_error;
};

static volatile sig_atomic_t got_signal;
static char cg_path[PATH_MAX];
static bool cg_created;
static struct tracer tracer = { .pid = -1 };
static int die_status = 1;     /* 3 under --check: "not possible here" */

static void on_signal(int sig)
{
	got_signal = sig;
}

static const char *procs_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/cgroup.procs", cg_path);
	return buf;
}

/* Kill every task of our cgroup (the command and whatever it started). */
static void kill_cgroup_tasks(void)
{
	char procs[PATH_MAX + 16];
	FILE *f = fopen(procs_path(procs, sizeof(procs)), "r");
	int pid;

	if (!f)
		return;
	while (fscanf(f, "%d", &pid) == 1)
		if (pid > 0)
			kill(pid, SIGKILL);
	fclose(f);
}

/*
 * Remove our cgroup.  Processes still in it were started by the command (it
 * ran there from exec on) and would keep it alive: they are killed first.
 */
static bool remove_cgroup(void)
{
	for (int i = 0; i < 50; i++) {
		kill_cgroup_tasks();
		/* traced tasks stop at their exit even when killed: let them go */
		if (tracer.pid > 0)
			tracer_poll(&tracer);
		if (!rmdir(cg_path) || errno == ENOENT) {
			cg_created = false;
			return true;
		}
		usleep(100000);
	}
	fprintf(stderr, "zswapsim-capture: could not remove %s: %s\n", cg_path, strerror(errno));
	return false;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("zswapsim-capture: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	tracer_kill(&tracer);
	if (cg_created)
		remove_cgroup();
	exit(die_status);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	double v = strtod(s, &end);
	uint64_t mul = 1;

	if (end == s || v < 0)
		return -1;
	switch (*end) {
	case 'k': case 'K': mul = 1ull << 10; end++; break;
	case 'm': case 'M': mul = 1ull << 20; end++; break;
	case 'g': case 'G': mul = 1ull << 30; end++; break;
	case '\0': break;
	default: return -1;
	}
	if (*end == 'i')
		end++;
	if (*end == 'B')
		end++;
	if (*end)
		return -1;
	*out = (uint64_t)(v * (double)mul);
	return 0;
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int read_i64(const char *path, int64_t *out)
{
	char buf[64];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	*out = strtoll(buf, NULL, 10);
	return 0;
}

static void read_counters(struct counters *c)
{
	char path[256], key[64];
	long long val;
	FILE *f;

	memset(c, 0, sizeof(*c));
	c->have_z = true;
	for (int i = 0; zswap_files[i]; i++) {
		snprintf(path, sizeof(path), DEBUGFS_ZSWAP "/%s", zswap_files[i]);
		if (read_i64(path, &c->z[i]))
			c->have_z = false;
	}
	f = fopen("/proc/vmstat", "r");
	if (!f)
		die("cannot read /proc/vmstat: %s", strerror(errno));
	while (fscanf(f, "%63s %lld", key, &val) == 2)
		for (int i = 0; vmstat_keys[i]; i++)
			if (!strcmp(key, vmstat_keys[i]))
				c->v[i] = val;
	fclose(f);
	f = fopen("/proc/meminfo", "r");
	if (!f)
		die("cannot read /proc/meminfo: %s", strerror(errno));
	while (fscanf(f, "%63s %lld%*[^\n]", key, &val) == 2) {
		if (!strcmp(key, "Zswap:"))
			c->zswap_bytes = val * 1024;
		else if (!strcmp(key, "Zswapped:"))
			c->zswapped_pages = val * 1024 / CAP_PAGE_SIZE;
	}
	fclose(f);
}

/* Our own v1 memory cgroup, from /proc/self/cgroup ("N:memory:/path"). */
static int own_memcg_dir(char *buf, size_t len)
{
	char line[1024];
	FILE *f = fopen("/proc/self/cgroup", "r");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2;

		if (!c1 || !(c2 = strchr(c1 + 1, ':')))
			continue;
		*c2 = 0;
		if (strcmp(c1 + 1, "memory"))
			continue;
		c2[1 + strcspn(c2 + 1, "\n")] = 0;
		snprintf(buf, len, "/sys/fs/cgroup/memory%s", strcmp(c2 + 1, "/") ? c2 + 1 : "");
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

static uint64_t make_cgroup(const struct opts *o, char *name, size_t namelen)
{
	char dir[PATH_MAX - 64], file[PATH_MAX + 32], val[32];
	struct stat st;
	int r;

	if ((r = own_memcg_dir(dir, sizeof(dir))))
		die("no v1 memory cgroup in /proc/self/cgroup (%s): the memory controller is needed",
		    strerror(-r));
	snprintf(name, namelen, "zswapsim-cap-%d", (int)getpid());
	snprintf(cg_path, sizeof(cg_path), "%s/%s", dir, name);
	if (mkdir(cg_path, 0755))
		die("mkdir %s: %s", cg_path, strerror(errno));
	cg_created = true;
	if (stat(cg_path, &st))
		die("stat %s: %s", cg_path, strerror(errno));
	snprintf(file, sizeof(file), "%s/memory.limit_in_bytes", cg_path);
	snprintf(val, sizeof(val), "%" PRIu64, o->limit);
	if ((r = write_file(file, val)))
		die("%s: %s", file, strerror(-r));
	if (o->memsw) {
		snprintf(file, sizeof(file), "%s/memory.memsw.limit_in_bytes", cg_path);
		snprintf(val, sizeof(val), "%" PRIu64, o->memsw);
		if ((r = write_file(file, val)))
			fprintf(stderr, "zswapsim-capture: %s: %s (swap use not bounded by the cgroup)\n",
				file, strerror(-r));
	}
	/* kernfs id of the directory == its inode number on 64-bit */
	return (uint64_t)st.st_ino;
}

/* A locked page with random content and its physical address from pagemap. */
static void *marker_page(uint64_t magic[4], uint64_t *phys)
{
	void *p = mmap(NULL, CAP_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	uint64_t ent;
	int fd;

	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	if (getrandom(magic, 4 * sizeof(uint64_t), 0) != 4 * sizeof(uint64_t))
		die("getrandom: %s", strerror(errno));
	memset(p, 0x5a, CAP_PAGE_SIZE);
	memcpy(p, magic, 4 * sizeof(uint64_t));
	if (mlock(p, CAP_PAGE_SIZE))
		die("mlock: %s", strerror(errno));
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || pread(fd, &ent, 8, (off_t)((uintptr_t)p / CAP_PAGE_SIZE) * 8) != 8)
		die("/proc/self/pagemap: %s", strerror(errno));
	close(fd);
	if (!(ent >> 63) || !(ent & ((1ull << 55) - 1)))
		die("pagemap gives no PFN for the marker page (not root?)");
	*phys = (ent & ((1ull << 55) - 1)) * CAP_PAGE_SIZE;
	return p;
}

static void calibrate(struct capture_bpf *skel)
{
	struct bpf_link *l = bpf_program__attach(skel->progs.calibrate);

	if (!l)
		die("attach calibrate: %s", strerror(errno));
	for (int i = 0; i < 100 && !skel->bss->page_offset_base; i++) {
		syscall(SYS_getppid);
		usleep(1000);
	}
	bpf_link__destroy(l);
	if (!skel->bss->page_offset_base)
		die("could not find the kernel direct map (page_offset_base) after %" PRIu64
		    " candidate reads", (uint64_t)skel->bss->calib_tries);
	fprintf(stderr, "zswapsim-capture: direct map at 0x%llx (verified on the marker page)\n",
		(unsigned long long)skel->bss->page_offset_base);
}

static void push_event(struct capture *c, const struct cap_event *e)
{
	if (c->nev == c->cap) {
		uint64_t ncap = c->cap ? c->cap * 2 : 1 << 16;
		struct cap_event *n = realloc(c->ev, ncap * sizeof(*n));

		if (!n)
			die("out of memory for %" PRIu64 " events", ncap);
		c->ev = n;
		c->cap = ncap;
	}
	c->ev[c->nev++] = *e;
}

static uint8_t outcome_of(unsigned item)
{
	switch (item) {
	case CAP_ITEM_ZSWPOUT: return CAP_OUT_ZSWAP;
	case CAP_ITEM_SWPOUT_ZERO: return CAP_OUT_ZERO;
	case CAP_ITEM_PSWPOUT: return CAP_OUT_DISK;
	default: return CAP_OUT_UNKNOWN;
	}
}

#define SWP_TYPE_SHIFT 58   /* BITS_PER_XA_VALUE (63) - MAX_SWAPFILES_SHIFT (5) */

static int on_record(void *ctx, void *data, size_t size)
{
	struct capture *c = ctx;
	const struct cap_rb_hdr *h = data;
	struct cap_event e;

	if (size < sizeof(*h))
		return 0;
	if (h->type == CAP_RB_PAGE) {
		const struct cap_rb_page *p = data;
		struct out_pos *r = &c->ring[h->seq % 4096];

		if (size < sizeof(*p) || !r->valid || r->seq != h->seq || h->b >= r->nr)
			return 0;
		if (pwrite(c->cfd, p->data, CAP_PAGE_SIZE,
			   (off_t)((r->base + h->b) * CAP_PAGE_SIZE)) != CAP_PAGE_SIZE)
			c->io_error = true;
		return 0;
	}
	memset(&e, 0, sizeof(e));
	e.time_ns = h->time_ns > c->t0 ? h->time_ns - c->t0 : 0;
	e.tid = h->tid;
	e.content = CAP_NO_CONTENT;
	switch (h->type) {
	case CAP_RB_OUT: {
		struct out_pos *r = &c->ring[h->seq % 4096];
		uint32_t nr = 1u << h->order;

		e.type = CAP_EV_OUT;
		e.slot = h->a & ((1ull << SWP_TYPE_SHIFT) - 1);
		e.swap_type = (uint32_t)(h->a >> SWP_TYPE_SHIFT);
		e.vpn = h->b;
		e.order = h->order;
		e.outcome = outcome_of(h->outcome);
		e.flags = h->flags;
		/* Positions are reserved even when pages went missing, so the
		 * ones that did arrive land where the PAGE records say. */
		e.content = h->missing ? CAP_NO_CONTENT : c->next_content;
		r->seq = h->seq;
		r->base = c->next_content;
		r->nr = nr;
		r->valid = true;
		c->next_content += nr;
		c->missing += h->missing;
		break;
	}
	case CAP_RB_IN:
		e.type = CAP_EV_IN;
		e.slot = h->a & ((1ull << SWP_TYPE_SHIFT) - 1);
		e.swap_type = (uint32_t)(h->a >> SWP_TYPE_SHIFT);
		e.vpn = h->b;
		e.order = h->order;
		e.flags = h->flags;
		break;
	case CAP_RB_MEMCG:
		e.type = CAP_EV_MEMCG;
		e.slot = h->a;
		e.vpn = h->b;
		break;
	case CAP_RB_FAULT:
		e.type = CAP_EV_FAULT;
		e.slot = h->a;
		e.vpn = h->b;
		break;
	default:
		return 0;
	}
	push_event(c, &e);
	return 0;
}

/* The cgroup's own view at the end mark: memory.stat and the OOM kills. */
static json_t *memcg_state(void)
{
	static const char *const files[] = { "memory.stat", "memory.oom_control", NULL };
	json_t *o = json_object();
	char path[PATH_MAX + 32], key[64];
	long long v;

	for (int i = 0; files[i]; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", cg_path, files[i]);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fscanf(f, "%63s %lld", key, &v) == 2)
			json_object_set_new(o, key, json_integer(v));
		fclose(f);
	}
	return o;
}

/* What is read at the end mark, while the command is stopped at its exit. */
struct end_mark {
	struct capture *cap;
	struct ring_buffer *rb;
	struct counters *end;
	json_t *memcg;
	uint64_t t_start, end_ns;
	long vm_rss_kb, vm_swap_kb;  /* the command's, at the mark (-1: gone) */
	uint64_t held;               /* swap PTEs of the command at the mark */
	bool have_end, snapshot;
};

#define PM_SWAP        (1ull << 62)
#define PM_SWAP_TYPE(e) ((uint32_t)((e) & 0x1f))
#define PM_SWAP_OFF(e)  (((e) >> 5) & ((1ull << 50) - 1))

/*
 * The swap slots the stopped command still holds: every swap PTE of its
 * address space (/proc/TID/maps and pagemap), as HELD events at the mark.  The
 * conversion frees, at the mark, the slots out in the trace that are not among
 * them: the program freed them itself earlier (munmap, madvise), unseen.
 */
static bool snapshot_slots(struct end_mark *m, pid_t tid)
{
	char path[64], line[512];
	uint64_t buf[512];
	FILE *maps;
	int pm;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)tid);
	maps = fopen(path, "r");
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)tid);
	pm = open(path, O_RDONLY | O_CLOEXEC);
	if (!maps || pm < 0) {
		if (maps)
			fclose(maps);
		if (pm >= 0)
			close(pm);
		return false;
	}
	while (fgets(line, sizeof(line), maps)) {
		unsigned long long lo, hi;

		if (sscanf(line, "%llx-%llx", &lo, &hi) != 2)
			continue;
		for (uint64_t v = lo / CAP_PAGE_SIZE; v < hi / CAP_PAGE_SIZE;) {
			uint64_t n = hi / CAP_PAGE_SIZE - v;
			ssize_t got;

			if (n > 512)
				n = 512;
			got = pread(pm, buf, n * 8, (off_t)(v * 8));
			if (got <= 0)
				break;
			for (uint64_t i = 0; i < (uint64_t)got / 8; i++) {
				struct cap_event e = { .time_ns = m->end_ns, .type = CAP_EV_HELD,
						       .content = CAP_NO_CONTENT };

				if (!(buf[i] & PM_SWAP))
					continue;
				e.slot = PM_SWAP_OFF(buf[i]);
				e.swap_type = PM_SWAP_TYPE(buf[i]);
				e.vpn = v + i;
				push_event(m->cap, &e);
				m->held++;
			}
			v += (uint64_t)got / 8;
		}
	}
	fclose(maps);
	close(pm);
	return true;
}

static void read_end(struct end_mark *m)
{
	while (ring_buffer__consume(m->rb) > 0)
		;
	read_counters(m->end);
	m->end_ns = now_ns() - m->t_start;
	json_decref(m->memcg);
	m->memcg = memcg_state();
	m->vm_rss_kb = tracer_vm_kb(&tracer, "VmRSS");
	m->vm_swap_kb = tracer_vm_kb(&tracer, "VmSwap");
	if (tracer.ended)
		m->snapshot = snapshot_slots(m, tracer.end_tid);
	m->have_end = true;
}

static void on_end(void *ctx)
{
	read_end(ctx);
}

static void put_counters(json_t *g, const struct counters *a, const struct counters *b)
{
	/* Gauges are reported as their value at the end mark minus at the start,
	 * so pages other processes had in zswap before the run do not count. */
	if (a->have_z && b->have_z)
		for (int i = 0; zswap_files[i]; i++)
			json_object_set_new(g, zswap_files[i], json_integer(b->z[i] - a->z[i]));
	else {
		/* No debugfs: the two gauges from /proc/meminfo; the event counters
		 * that only debugfs has are left out rather than guessed. */
		json_object_set_new(g, "pool_total_size", json_integer(b->zswap_bytes - a->zswap_bytes));
		json_object_set_new(g, "stored_pages", json_integer(b->zswapped_pages - a->zswapped_pages));
	}
	for (int i = 0; vmstat_keys[i]; i++)
		json_object_set_new(g, vmstat_keys[i], json_integer(b->v[i] - a->v[i]));
}

static json_t *raw_counters(const struct counters *c)
{
	json_t *o = json_object();

	for (int i = 0; zswap_files[i]; i++)
		json_object_set_new(o, zswap_files[i], json_integer(c->z[i]));
	for (int i = 0; vmstat_keys[i]; i++)
		json_object_set_new(o, vmstat_keys[i], json_integer(c->v[i]));
	json_object_set_new(o, "meminfo_zswap_bytes", json_integer(c->zswap_bytes));
	json_object_set_new(o, "meminfo_zswapped_pages", json_integer(c->zswapped_pages));
	return o;
}

static json_t *zswap_params(void)
{
	static const char *const p[] = { "enabled", "compressor", "max_pool_percent",
					 "accept_threshold_percent", "shrinker_enabled", NULL };
	json_t *o = json_object();
	char path[128], buf[64];

	for (int i = 0; p[i]; i++) {
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/sys/module/zswap/parameters/%s", p[i]);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		buf[strcspn(buf, "\n")] = 0;
		json_object_set_new(o, p[i], json_string(buf));
	}
	return o;
}

static uint64_t mem_total(void)
{
	char key[64];
	unsigned long long v;
	FILE *f = fopen("/proc/meminfo", "r");
	uint64_t r = 0;

	if (!f)
		return 0;
	while (fscanf(f, "%63s %llu kB", key, &v) == 2)
		if (!strcmp(key, "MemTotal:"))
			r = v * 1024;
	fclose(f);
	return r;
}

static void usage(void)
{
	fputs("usage: zswapsim-capture -o DIR -m LIMIT [--memsw LIMIT] [--ring-mb N] [--timeout SEC] -- CMD [ARG]...\n"
	      "       zswapsim-capture --check\n"
	      "  Runs CMD in a new v1 memory cgroup (below this shell's) limited to LIMIT bytes\n"
	      "  (suffix K/M/G), records its swap events with BPF and writes DIR/events.bin,\n"
	      "  DIR/content.raw, DIR/trace.zswt, DIR/trace.pages and DIR/kernel.json.\n"
	      "  The command is traced (ptrace) so that its exit stops it before its memory\n"
	      "  is freed: the kernel's counters are read there (the end mark).\n"
	      "  Needs root and BTF.  Exit 0 on success, 1 on failure, 2 on bad usage,\n"
	      "  4 when the command ran into --timeout (killed; the capture is still written).\n"
	      "  --check: only load the BPF programs and find the direct map; exit 0 if a\n"
	      "  capture is possible here, 3 if not.\n", stderr);
	exit(2);
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "memsw", required_argument, NULL, 'w' },
		{ "ring-mb", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->ring_mb = 256;
	while ((c = getopt_long(argc, argv, "+o:m:h", lo, NULL)) != -1) {
		switch (c) {
		case 'o': o->dir = optarg; break;
		case 'm': if (parse_size(optarg, &o->limit)) usage(); break;
		case 'w': if (parse_size(optarg, &o->memsw)) usage(); break;
		case 'r': o->ring_mb = strtoull(optarg, NULL, 10); break;
		case 't': o->timeout = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'c': o->check = true; break;
		default: usage();
		}
	}
	if (o->check)
		return;
	if (!o->dir || !o->limit || optind >= argc || o->ring_mb < 1 || o->ring_mb > 4096)
		usage();
	o->cmd = argv + optind;
}

/*
 * Why the gauges (stored_pages, pool_total_size, stored_incompressible_pages)
 * at the end mark do not describe the run the trace holds, or NULL.
 */
static const char *gauges_unusable(int status, bool timed_out, char *buf, size_t len)
{
	if (!tracer.ended)
		return "read after the command's exit (it was not traced), when its memory was freed";
	if (timed_out)
		return "the command was killed at the timeout";
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return "the command was killed (SIGKILL: the memcg OOM killer?), and the OOM "
		       "reaper frees a victim's memory on its own";
	if (tracer.other_swap_pages) {
		snprintf(buf, len, "%" PRIu64 " other processes of the workload exited before the "
			 "end with %" PRIu64 " pages swapped out, freed without an event",
			 tracer.other_exits, tracer.other_swap_pages);
		return buf;
	}
	return NULL;
}

/* vm.page-cluster: swap readahead of 2^N pages (see docs/capture.md). */
static int page_cluster(void)
{
	int64_t v;

	return read_i64("/proc/sys/vm/page-cluster", &v) ? -1 : (int)v;
}

static void put_end(json_t *cap, const struct opts *o, const struct end_mark *mark,
		    int status, bool timed_out)
{
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	json_t *oom = json_object_get(mark->memcg, "oom_kill");
	const char *why;
	char buf[256];

	json_object_set_new(cap, "end", json_string(tracer.ended ?
		"exit stop (ptrace): the command's memory still mapped" : "after the command's exit"));
	json_object_set_new(cap, "end_mark", json_boolean(tracer.ended));
	json_object_set_new(cap, "exit_status", json_integer(code));
	json_object_set_new(cap, "killed_by_signal",
			    json_integer(WIFSIGNALED(status) ? WTERMSIG(status) : 0));
	json_object_set_new(cap, "timed_out", json_boolean(timed_out));
	json_object_set_new(cap, "timeout_s", json_integer(o->timeout));
	json_object_set_new(cap, "oom_kill", json_integer(oom ? json_integer_value(oom) : 0));
	json_object_set_new(cap, "other_processes_exited", json_integer((json_int_t)tracer.other_exits));
	json_object_set_new(cap, "other_processes_swap_pages",
			    json_integer((json_int_t)tracer.other_swap_pages));
	why = gauges_unusable(status, timed_out, buf, sizeof(buf));
	json_object_set_new(cap, "gauges_unusable", why ? json_string(why) : json_null());
	json_object_set_new(cap, "page_cluster", json_integer(page_cluster()));
	json_object_set_new(cap, "memcg_end", json_incref(mark->memcg));
	json_object_set_new(cap, "command_vm_rss_kb_at_end", json_integer(mark->vm_rss_kb));
	json_object_set_new(cap, "command_vm_swap_kb_at_end", json_integer(mark->vm_swap_kb));
	json_object_set_new(cap, "end_snapshot", json_boolean(mark->snapshot));
	json_object_set_new(cap, "end_held_slots", json_integer((json_int_t)mark->held));
}

static void write_kernel_json(const struct opts *o, const char *path, const struct counters *a,
			      const struct counters *b, const struct capture *c,
			      const struct capture_bpf *skel, const struct cap_convert_stats *st,
			      const struct end_mark *mark, int status, bool timed_out)
{
	json_t *root = json_object(), *stats = json_object(), *g = json_object();
	json_t *cap = json_object();
	uint64_t drops = skel->bss->drops;

	put_counters(g, a, b);
	json_object_set_new(stats, "global", g);
	json_object_set_new(root, "stats", stats);
	json_object_set_new(cap, "command", json_string(o->cmd[0]));
	json_object_set_new(cap, "memory_limit", json_integer((json_int_t)o->limit));
	json_object_set_new(cap, "mem_total", json_integer((json_int_t)mem_total()));
	json_object_set_new(cap, "zswap_parameters", zswap_params());
	json_object_set_new(cap, "debugfs_zswap_available", json_boolean(a->have_z && b->have_z));
	put_end(cap, o, mark, status, timed_out);
	json_object_set_new(cap, "duration_ns", json_integer((json_int_t)mark->end_ns));
	json_object_set_new(cap, "dropped_records", json_integer((json_int_t)drops));
	json_object_set_new(cap, "complete", json_boolean(drops == 0 && c->missing == 0));
	json_object_set_new(cap, "missing_pages", json_integer((json_int_t)c->missing));
	json_object_set_new(cap, "events", json_integer((json_int_t)c->nev));
	json_object_set_new(cap, "content_pages", json_integer((json_int_t)c->next_content));
	json_object_set_new(cap, "bpf_out_seen", json_integer((json_int_t)skel->bss->out_seen));
	json_object_set_new(cap, "bpf_in_seen", json_integer((json_int_t)skel->bss->in_seen));
	json_object_set_new(cap, "start", raw_counters(a));
	json_object_set_new(cap, "end_counters", raw_counters(b));
	if (st) {
		json_t *cv = json_object();

		json_object_set_new(cv, "outs", json_integer((json_int_t)st->outs));
		json_object_set_new(cv, "out_pages", json_integer((json_int_t)st->out_pages));
		json_object_set_new(cv, "out_pages_zswap", json_integer((json_int_t)st->out_by_outcome[CAP_OUT_ZSWAP]));
		json_object_set_new(cv, "out_pages_zero", json_integer((json_int_t)st->out_by_outcome[CAP_OUT_ZERO]));
		json_object_set_new(cv, "out_pages_disk", json_integer((json_int_t)st->out_by_outcome[CAP_OUT_DISK]));
		json_object_set_new(cv, "out_pages_unknown", json_integer((json_int_t)st->out_by_outcome[CAP_OUT_UNKNOWN]));
		json_object_set_new(cv, "large_outs", json_integer((json_int_t)st->large_outs));
		json_object_set_new(cv, "ins", json_integer((json_int_t)st->ins));
		json_object_set_new(cv, "ins_readahead", json_integer((json_int_t)st->ins_readahead));
		json_object_set_new(cv, "ins_dup", json_integer((json_int_t)st->ins_dup));
		json_object_set_new(cv, "ins_reread_zero", json_integer((json_int_t)st->ins_reread[0]));
		json_object_set_new(cv, "ins_reread_disk", json_integer((json_int_t)st->ins_reread[1]));
		json_object_set_new(cv, "ins_writeback", json_integer((json_int_t)st->ins_writeback));
		json_object_set_new(cv, "invals", json_integer((json_int_t)st->invals));
		json_object_set_new(cv, "invals_at_end", json_integer((json_int_t)st->invals_at_end));
		json_object_set_new(cv, "memcg_zswpin", json_integer((json_int_t)st->memcg_items[0]));
		json_object_set_new(cv, "memcg_zswpwb", json_integer((json_int_t)st->memcg_items[1]));
		json_object_set_new(cv, "memcg_swpin_zero", json_integer((json_int_t)st->memcg_items[2]));
		json_object_set_new(cv, "memcg_pswpin", json_integer((json_int_t)st->memcg_items[3]));
		json_object_set_new(cv, "faults", json_integer((json_int_t)st->faults));
		json_object_set_new(cv, "unique_pages", json_integer((json_int_t)st->unique_pages));
		json_object_set_new(cv, "streams", json_integer((json_int_t)st->streams));
		json_object_set_new(cv, "slot_count", json_integer(st->slot_count));
		json_object_set_new(cap, "conversion", cv);
	}
	json_object_set_new(root, "capture", cap);
	if (json_dump_file(root, path, JSON_INDENT(2) | JSON_SORT_KEYS))
		die("cannot write %s", path);
	json_decref(root);
}

/* --check: can this machine capture?  Nothing is changed but a locked page of
 * our own and BPF programs that go away with the process. */
static int check_only(void)
{
	struct capture_bpf *skel;
	uint64_t magic[4], phys;
	int r;

	die_status = 3;
	if (geteuid() != 0) {
		fprintf(stderr, "zswapsim-capture: not root\n");
		return 3;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		fprintf(stderr, "zswapsim-capture: no kernel BTF\n");
		return 3;
	}
	marker_page(magic, &phys);
	skel = capture_bpf__open();
	if (!skel) {
		fprintf(stderr, "zswapsim-capture: cannot open the BPF object\n");
		return 3;
	}
	skel->rodata->calib_tgid = (uint32_t)getpid();
	skel->rodata->calib_phys = phys;
	memcpy((void *)skel->rodata->calib_magic, magic, sizeof(magic));
	bpf_map__set_max_entries(skel->maps.rb, 1 << 20);
	if ((r = capture_bpf__load(skel))) {
		fprintf(stderr, "zswapsim-capture: BPF programs do not load here: %s\n", strerror(-r));
		capture_bpf__destroy(skel);
		return 3;
	}
	calibrate(skel);
	capture_bpf__destroy(skel);
	fprintf(stderr, "zswapsim-capture: capture possible\n");
	return 0;
}

/*
 * Drain the ring buffer and serve the traced tasks until the command is gone.
 * The tracer calls on_end() at its exit stop.  At the timeout the command and
 * everything in its cgroup are killed; the capture goes on to write what it
 * recorded, marked as timed out.
 */
static void run_workload(const struct opts *o, struct ring_buffer *rb, uint64_t t_start,
			 bool *timed_out)
{
	struct epoll_event ev = { .events = EPOLLIN }, got[2];
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, ring_buffer__epoll_fd(rb), &ev) ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, tracer_fd(&tracer), &ev))
		die("epoll: %s", strerror(errno));
	while (!tracer.done) {
		epoll_wait(ep, got, 2, 100);
		ring_buffer__consume(rb);
		if (got_signal)
			die("interrupted by signal %d: command killed, cgroup removed", (int)got_signal);
		if (o->timeout && !*timed_out &&
		    now_ns() - t_start > (uint64_t)o->timeout * 1000000000ull) {
			fprintf(stderr, "zswapsim-capture: timeout after %u s: killing the command\n",
				o->timeout);
			*timed_out = true;
			kill_cgroup_tasks();
		}
		tracer_poll(&tracer);
	}
	close(ep);
}

int main(int argc, char **argv)
{
	static struct capture c;
	struct opts o;
	struct capture_bpf *skel;
	struct ring_buffer *rb;
	struct counters start, end;
	struct cap_events_header hdr;
	struct cap_convert_stats st;
	char path[PATH_MAX], path2[PATH_MAX], procs[PATH_MAX + 16], cgname[64], err[512];
	uint64_t magic[4], phys, cgid, t_start;
	struct end_mark mark = { 0 };
	bool timed_out = false;
	int status = 0, r;

	parse_opts(argc, argv, &o);
	if (o.check)
		return check_only();
	if (geteuid() != 0)
		die("needs root (BPF, cgroups, pagemap)");
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		die("no kernel BTF (/sys/kernel/btf/vmlinux)");
	if (mkdir(o.dir, 0755) && errno != EEXIST)
		die("mkdir %s: %s", o.dir, strerror(errno));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);

	marker_page(magic, &phys);
	skel = capture_bpf__open();
	if (!skel)
		die("open BPF object: %s", strerror(errno));
	cgid = make_cgroup(&o, cgname, sizeof(cgname));
	skel->rodata->target_cgid = cgid;
	skel->rodata->calib_tgid = (uint32_t)getpid();
	skel->rodata->calib_phys = phys;
	memcpy((void *)skel->rodata->calib_magic, magic, sizeof(magic));
	bpf_map__set_max_entries(skel->maps.rb, (uint32_t)(o.ring_mb << 20));
	if ((r = capture_bpf__load(skel)))
		die("load BPF programs: %s", strerror(-r));
	calibrate(skel);

	snprintf(path, sizeof(path), "%s/content.raw", o.dir);
	c.cfd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (c.cfd < 0)
		die("%s: %s", path, strerror(errno));
	rb = ring_buffer__new(bpf_map__fd(skel->maps.rb), on_record, &c, NULL);
	if (!rb)
		die("ring buffer: %s", strerror(errno));
	if (!(skel->links.memcg_event = bpf_program__attach(skel->progs.memcg_event)) ||
	    !(skel->links.write_folio = bpf_program__attach(skel->progs.write_folio)) ||
	    !(skel->links.lru_insertion = bpf_program__attach(skel->progs.lru_insertion)) ||
	    !(skel->links.fault_user = bpf_program__attach(skel->progs.fault_user)))
		die("attach: %s", strerror(errno));

	read_counters(&start);
	if (!start.have_z)
		fprintf(stderr, "zswapsim-capture: no " DEBUGFS_ZSWAP " (debugfs not mounted, or zswap never "
			"enabled): pool_total_size/stored_pages from /proc/meminfo, no reject_* counters\n");
	t_start = now_ns();
	c.t0 = t_start;
	mark.cap = &c;
	mark.rb = rb;
	mark.end = &end;
	mark.t_start = t_start;
	if ((r = tracer_start(&tracer, o.cmd, procs_path(procs, sizeof(procs)), err, sizeof(err))))
		die("%s", err);
	tracer.on_end = on_end;
	tracer.ctx = &mark;
	run_workload(&o, rb, t_start, &timed_out);
	if (!mark.have_end)
		read_end(&mark);    /* not traced: after the exit, gauges already dropped */
	status = tracer.wait_status;
	while (ring_buffer__consume(rb) > 0)
		;
	capture_bpf__detach(skel);
	ring_buffer__consume(rb);
	if (c.io_error)
		die("writing %s/content.raw failed", o.dir);
	close(c.cfd);

	remove_cgroup();

	memset(&hdr, 0, sizeof(hdr));
	hdr.content_pages = c.next_content;
	hdr.drops = skel->bss->drops;
	hdr.end_time_ns = tracer.ended ? mark.end_ns : 0;
	hdr.end_snapshot = mark.snapshot;
	hdr.missing_pages = c.missing;
	snprintf(hdr.memcg, sizeof(hdr.memcg), "%s", cgname);
	snprintf(path, sizeof(path), "%s/events.bin", o.dir);
	if (cap_events_write(path, &hdr, c.ev, c.nev, err, sizeof(err)))
		die("%s", err);

	snprintf(path, sizeof(path), "%s/trace.zswt", o.dir);
	snprintf(path2, sizeof(path2), "%s/trace.pages", o.dir);
	{
		char evp[PATH_MAX], cop[PATH_MAX];

		snprintf(evp, sizeof(evp), "%s/events.bin", o.dir);
		snprintf(cop, sizeof(cop), "%s/content.raw", o.dir);
		r = cap_convert(evp, cop, path, path2, &st, err, sizeof(err));
	}
	if (r)
		fprintf(stderr, "zswapsim-capture: conversion failed: %s\n", err);
	snprintf(path2, sizeof(path2), "%s/kernel.json", o.dir);
	write_kernel_json(&o, path2, &start, &end, &c, skel, r ? NULL : &st, &mark, status,
			  timed_out);
	if (skel->bss->drops || c.missing)
		fprintf(stderr, "zswapsim-capture: INCOMPLETE capture: %" PRIu64 " ring records dropped, "
			"%" PRIu64 " page contents missing (raise --ring-mb)\n",
			(uint64_t)skel->bss->drops, c.missing);
	fprintf(stderr, "zswapsim-capture: %" PRIu64 " events, %" PRIu64 " pages of content; %s\n",
		c.nev, c.next_content, o.dir);
	ring_buffer__free(rb);
	capture_bpf__destroy(skel);
	free(c.ev);
	json_decref(mark.memcg);
	if (r)
		return 1;
	if (timed_out) {
		fprintf(stderr, "zswapsim-capture: the command timed out after %u s and was killed\n",
			o.timeout);
		return 4;
	}
	return 0;
}
