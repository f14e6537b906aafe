#!/usr/bin/env bash
# The IAA batching experiment of docs/experiments.md: the bundled trace is what
# its documented generation command makes today, then the whole sweep
# (configs/sweeps/iaa-batching.json, 20 points of ~0.1 s) runs with -j 2 and
# the report values the model fixes exactly, and the orderings it implies, are
# checked:
#   - state: 256 order-4 + 2048 order-0 swap-outs = 6144 pages, 4096 faults
#     back, no limit anywhere, so every point stores and loads the same pages
#     (the backend only decides when);
#   - CPU: app = 8 streams x 768 gaps x 1,000 ns (closed replay); IAA submit =
#     6144 x 371 + 4096 x 450 ns (one descriptor per page, whatever the batch);
#   - software codecs cost the sum of their pages: the batch size changes
#     nothing (elapsed within rounding, CPU exactly);
#   - SPR with 4 devices per socket is not saturated (compress descriptors of a
#     call spread over 4 devices x 2 compress engines): per-page compress and
#     decompress latency and elapsed time fall strictly with the batch size;
#   - with one device the 2 compress engines are the bottleneck: busy >= 85 %,
#     elapsed >= 6144 x comp_service_ns / 2, and batching cannot beat that: it
#     moves elapsed by little on SPR-1 (decompress descriptors queue behind
#     compress ones in the device's one WQ) and does not slow EMR down (separate
#     compress and decompress WQs);
#   - decompress calls never saturate the 8 engines: per-page decompress
#     latency falls with the batch size on every IAA machine.
set -u
BIN=${BIN:-build/zswapsim}
SWEEP=${SWEEP:-configs/sweeps/iaa-batching.json}   # another sweep file: to see the checks fail
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
ok()  { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

# --- the bundled trace is reproducible ------------------------------------------
if "$BIN" trace gen usemem --streams 8 --size 2M --orders 4:1 --passes 2 --pattern seq \
	--write 0.5 --think 1000 --content traces/bundled/default.pages --max-pages 64 --seed 7 --no-jitter \
	--quiet -o "$T/iaa-batching.zswt" 2>"$T/gen.err" &&
   cmp -s "$T/iaa-batching.zswt" traces/bundled/iaa-batching.zswt &&
   cmp -s "$T/iaa-batching.pages" traces/bundled/iaa-batching.pages; then
	ok "traces/bundled/iaa-batching.{zswt,pages} are what the documented command makes"
else
	bad "traces/bundled/iaa-batching.{zswt,pages} differ from the documented command's output $(cat "$T/gen.err")"
fi

# --- the sweep ---------------------------------------------------------------------
if "$BIN" sweep "$SWEEP" -j 2 -o "$T/s" >"$T/out" 2>"$T/err"; then
	ok "sweep: $(cat "$T/out")"
else
	bad "sweep failed: $(tail -n 3 "$T/err")"
	exit 1
fi

# check DESCRIPTION PYTHON-EXPRESSION over the points: P(machine, b) is a point's
# report, machine one of lzo zstd spr4 spr1 emr; M lists the machines, B the
# batch sizes; el(m, b), lat(m, b, op, q), cpu(m, b, cat), g(m, b, key).
check() {
	local desc=$1 expr=$2
	if python3 - "$T/s" "$expr" <<'PY'; then ok "$desc"; else bad "$desc"; fi
import json, os, sys
d, expr = sys.argv[1], sys.argv[2]
summ = json.load(open(os.path.join(d, "summary.json")))
def machine(a):
    if a["zswap.compressor"] != "deflate-iaa":
        return a["zswap.compressor"]
    return "emr" if a["hw.cpu.sockets"] == 1 else "spr%d" % a["hw.iaa.devices_per_socket"]
R = {}
for p in summ["points"]:
    R[(machine(p["axes"]), p["axes"]["batch.compress"])] = \
        json.load(open(os.path.join(d, "points", p["id"], "report.json")))
M, IAA, B = ["lzo", "zstd", "spr4", "spr1", "emr"], ["spr4", "spr1", "emr"], [1, 2, 4, 8]
def P(m, b): return R[(m, b)]
def el(m, b): return P(m, b)["elapsed_ns"]
def lat(m, b, op, q): return P(m, b)["latency"][op][q]
def cpu(m, b, cat): return P(m, b)["hardware"]["cpu"]["total_ns"][cat]
def g(m, b, k): return P(m, b)["stats"]["global"][k]
def busiest_comp_engine(m, b):
    r = P(m, b)
    return max(e["busy_ns"] for dv in r["hardware"]["iaa"]["devices"] for e in dv["engine"] if e["compress"]) / r["elapsed_ns"]
def ratio(m, b): return g(m, b, "zswpout") * 4096 / g(m, b, "sim_stored_bytes")
def finish_spread(m, b):
    f = [s["finish_ns"] for s in P(m, b)["streams"]]
    return (max(f) - min(f)) / el(m, b)
v = len(R) == 20 and eval(expr)
if not v:
    print("  false:", expr, file=sys.stderr)
sys.exit(0 if v else 1)
PY
}

check "state: every point swaps out 6144 pages in 2304 folios, loads 4096 from zswap, nothing to disk" \
  'all((g(m, b, "zswpout"), g(m, b, "sim_stored_folios"), g(m, b, "zswpin"), g(m, b, "pswpout"), g(m, b, "pswpin"), g(m, b, "reject_compress_poor")) == (6144, 2304, 4096, 0, 0, 0) for m in M for b in B)'
check "CPU app = 8 streams x 768 gaps x 1000 ns in every point (closed replay)" \
  'all(cpu(m, b, "app") == 6144000 for m in M for b in B)'
check "CPU iaa_submit = 6144 x 371 + 4096 x 450 ns on IAA at every batch size, 0 on the CPU codecs" \
  'all(cpu(m, b, "iaa_submit") == 4122624 for m in IAA for b in B) and all(cpu(m, b, "iaa_submit") == 0 for m in ("lzo", "zstd") for b in B)'
check "IAA: no descriptor waits, no software fallback" \
  'all(P(m, b)["hardware"]["iaa"]["counters"][k] == 0 for m in IAA for b in B for k in ("compress_alloc_waits", "decompress_alloc_waits", "compress_fallback_pages", "decompress_fallback_pages"))'
check "CPU codecs: batch size changes no CPU time and the elapsed time by rounding only (<= 10 ns)" \
  'all(cpu(m, b, c) == cpu(m, 1, c) and abs(el(m, b) - el(m, 1)) <= 10 for m in ("lzo", "zstd") for b in B for c in ("compress", "decompress"))'
check "SPR 4 devices/socket: per-page compress p50 falls strictly with the batch size" \
  'all(lat("spr4", a, "compress_page", "p50_ns") > lat("spr4", b, "compress_page", "p50_ns") for a, b in zip(B, B[1:]))'
check "SPR 4 devices/socket: elapsed falls strictly with the batch size; batch 8 <= 0.7 x batch 1" \
  'all(el("spr4", a) > el("spr4", b) for a, b in zip(B, B[1:])) and el("spr4", 8) <= 0.7 * el("spr4", 1)'
check "every IAA machine: per-page decompress p50 falls strictly with the batch size (readahead calls)" \
  'all(lat(m, a, "decompress_page", "p50_ns") > lat(m, b, "decompress_page", "p50_ns") for m in IAA for a, b in zip(B, B[1:]))'
check "one IAA device: its 2 compress engines are >= 85 % busy at every batch size, SPR-4 below 75 %" \
  'all(busiest_comp_engine(m, b) >= 0.85 for m in ("spr1", "emr") for b in B) and all(busiest_comp_engine("spr4", b) < 0.75 for b in B)'
check "one IAA device: elapsed >= 6144 x 1334 ns / 2 compress engines at every batch size" \
  'all(el(m, b) >= 6144 * 1334 / 2 for m in ("spr1", "emr") for b in B)'
check "one IAA device: batching moves elapsed by <= 10 % on SPR-1 (one WQ for both); EMR batch 8 <= batch 1" \
  'abs(el("spr1", 8) - el("spr1", 1)) <= 0.1 * el("spr1", 1) and el("emr", 8) <= el("emr", 1)'
check "batch 8: SPR-4 < EMR < SPR-1 (one WQ for both) < lzo < zstd in elapsed time" \
  'el("spr4", 8) < el("emr", 8) < el("spr1", 8) < el("lzo", 8) < el("zstd", 8)'
check "compression ratio zstd > deflate-iaa > lzo, the same on every IAA machine" \
  'ratio("zstd", 1) > ratio("spr4", 1) > ratio("lzo", 1) and len({round(ratio(m, b), 9) for m in IAA for b in B}) == 1'
check "streams are alike: finish times within 10 % of the elapsed time" \
  'all(finish_spread(m, b) <= 0.10 for m in M for b in B)'

exit $fail
