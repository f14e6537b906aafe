#!/usr/bin/env bash
# scripts/kernel-compare --workload-run without the kernel: the pure parts
# (zsw-usemem command parsing, the zswapsim config built from a kernel run,
# the verdict, the table) and the whole comparison against hand-made kernel
# runs (--kernel-runs DIR: kernel.json + command.txt as the capture writes
# them).  The kernel side itself is checked by `make test-kernel`.
set -u
BIN=${BIN:-build/zswapsim}
BUILD=$(dirname "$BIN")
KC=scripts/kernel-compare
. "$(dirname "$0")/lib/expect.sh"

# --- pure functions ---------------------------------------------------------------
python3 - "$KC" <<'PY' || fails=$((fails + 1))
import importlib.machinery, importlib.util, sys
loader = importlib.machinery.SourceFileLoader("kc", sys.argv[1])
spec = importlib.util.spec_from_loader("kc", loader)
kc = importlib.util.module_from_spec(spec)
loader.exec_module(kc)
bad = 0
def chk(name, got, want):
    global bad
    ok = got == want
    print("%s %s%s" % ("ok  " if ok else "FAIL", name, "" if ok else ": got %r, want %r" % (got, want)))
    bad += not ok

# the verdict: in min-max, else within 10 % of the mean, else OUT
chk("verdict inside min-max", kc.verdict([10, 12, 14], 14), "range")
chk("verdict at the min", kc.verdict([10, 12, 14], 10), "range")
chk("verdict outside min-max, within 10 % of the mean", kc.verdict([100, 100, 102], 110), "10%")
chk("verdict 10 % of the mean is the edge", kc.verdict([100, 100, 100], 110), "10%")
chk("verdict beyond 10 % and the range", kc.verdict([100, 100, 100], 111), "OUT")
chk("verdict below", kc.verdict([100, 101, 102], 80), "OUT")
chk("verdict all zero, sim zero", kc.verdict([0, 0, 0], 0), "range")
chk("verdict all zero, sim not", kc.verdict([0, 0, 0], 1), "OUT")
chk("verdict no kernel value", kc.verdict([], 5), None)
chk("verdict no sim value", kc.verdict([1, 2], None), None)

# a recorded zsw-usemem command
o = kc.usemem_options("-m 1024 -L /tmp/x/content.txt -p 1 -o seq -s 7".split())
chk("usemem options", (o["mem_mib"], o["passes"], o["order"], o["seed"], o["huge"]),
    (1024, 1, "seq", 7, False))
chk("random order is not modelled", kc.workload_unsupported(
    kc.usemem_options("-m 8 -o rand".split())) is not None, True)
chk("THP is not modelled", kc.workload_unsupported(kc.usemem_options("-m 8 -H".split())) is not None, True)
chk("-Z is not modelled", kc.workload_unsupported(kc.usemem_options("-m 8 -Z 7".split())) is not None, True)
for argv, what in (("-p 1".split(), "no -m"), ("-m 8 -q 3".split(), "unknown option"),
                   ("-m".split(), "option without a value")):
    try:
        kc.usemem_options(argv)
        chk("usemem options reject " + what, "accepted", "ValueError")
    except ValueError:
        chk("usemem options reject " + what, "ValueError", "ValueError")
chk("content list paths are ignored when runs are compared",
    kc.usemem_key("/a/zsw-usemem -m 8 -L /tmp/a/c.txt -p 1".split()),
    kc.usemem_key("/b/zsw-usemem -m 8 -L /tmp/b/c.txt -p 1".split()))

# page stores weighted by their pages; a file that is not a store is refused
chk("page store spec", kc.page_store_spec([("/s/a.pages", 8192), ("/s/b.pages", 4096 * 5)]),
    "/s/a.pages:2,/s/b.pages:5")
try:
    kc.page_store_spec([("/usr/bin/x", 5000)])
    chk("not a page store", "accepted", "ValueError")
except ValueError:
    chk("not a page store", "ValueError", "ValueError")

# the config: one usemem task, one pass more than zsw-usemem (its fill), the
# kernel cgroup's limits, v1, zswap and page-cluster as the kernel had them
kern = {"zswap_parameters": {"compressor": "deflate", "max_pool_percent": "1",
                             "accept_threshold_percent": "90", "shrinker_enabled": "N"},
        "memory_limit": 256 << 20, "memsw": (256 << 20) + (2 << 30), "mem_total": 25275990016,
        "page_cluster": 3}
o = kc.usemem_options("-m 1024 -p 1 -o seq -s 1".split())
chk("store sample: 4 x the stores' pages", kc.store_sample_pages(o, [("/s/a.pages", 8192)]), 8)
chk("store sample: at most the workload's pages",
    kc.store_sample_pages(o, [("/s/a.pages", 4096 << 20)]), 1024 * 256)
cfg = kc.workload_config(o, kern, "/s/a.pages:2", 8)
chk("config", cfg, {
    "workload": {"kind": "usemem", "streams": 1, "memcgs": 1, "size": "1024M", "passes": 2,
                 "pattern": "seq", "write": 0, "max": 268435456, "no_exit": True,
                 "content": "/s/a.pages:2", "max_pages": 8, "seed": 1, "swap": 2147483648},
    "system": {"cgroup": "v1", "ram": 25275990016},
    "memcg": {"usemem0": {"memory_max": 268435456, "memsw_max": 2415919104}},
    "zswap": {"compressor": "deflate", "max_pool_percent": 1, "accept_threshold_percent": 90,
              "shrinker_enabled": False},
    "vm": {"page_cluster": 3}})

# rows and table: gauges of a run marked unusable are left out (None)
rows = kc.workload_rows([{"zswpout": 10, "stored_pages": 4}, {"zswpout": 14}, {"zswpout": 12}],
                        {"zswpout": 13, "stored_pages": 9})
r = {x["counter"]: x for x in rows}
chk("rows: every counter of the issue", [x["counter"] for x in rows], kc.WL_ROWS)
chk("rows: zswpout", (r["zswpout"]["runs"], r["zswpout"]["min"], r["zswpout"]["mean"],
                      r["zswpout"]["max"], r["zswpout"]["verdict"]), (3, 10, 12.0, 14, "range"))
chk("rows: a gauge from one run", (r["stored_pages"]["runs"], r["stored_pages"]["verdict"]),
    (1, "OUT"))
lines = kc.workload_table("L", rows)
chk("table line", lines[2].split(), ["zswpout", "3", "10", "12.0", "14", "13", "+8.3%", "ok",
                                     "(in", "min-max)"])
chk("table: OUTSIDE marked", "OUTSIDE" in [l for l in lines if l.startswith("stored_pages")][0], True)
sys.exit(1 if bad else 0)
PY

# --- the whole comparison against hand-made kernel runs -----------------------------
# run N COMPRESSOR LIMIT ZSWPOUT ...: a kernel run directory as the capture leaves it
mkrun() {   # DIR N LIMIT EXIT OOM STATS-JSON
	mkdir -p "$1/run$2"
	cat >"$1/run$2/command.txt" <<EOF
/x/zswapsim-capture -o $1/run$2 -m $3 --memsw $(($3 + 33554432)) --ring-mb 512 --timeout 600 -- /x/zsw-usemem -m 24 -L /tmp/kc$2/content.txt -p 1 -o seq -s 1
EOF
	cat >"$1/run$2/kernel.json" <<EOF
{"stats": {"global": $6},
 "capture": {"zswap_parameters": {"compressor": "lzo", "max_pool_percent": "20",
   "accept_threshold_percent": "90", "shrinker_enabled": "N", "enabled": "Y"},
   "memory_limit": $3, "mem_total": 1073741824, "page_cluster": 0, "exit_status": $4,
   "oom_kill": $5, "killed_by_signal": 0, "timed_out": false, "end_mark": true,
   "gauges_unusable": null, "complete": true}}
EOF
}
echo "$PWD/traces/bundled/corpus.pages" >"$T/stores.txt"
zero='{"zswpout": 0, "zswpin": 0, "pswpout": 0, "pswpin": 0, "written_back_pages": 0, "pool_limit_hit": 0, "stored_pages": 0, "pool_total_size": 0}'
for n in 1 2 3; do mkrun "$T/k" "$n" 8388608 0 0 "$zero"; done
"$KC" --build "$BUILD" --workload-run --content "list:$T/stores.txt" --kernel-runs "$T/k" \
	>"$T/out" 2>"$T/err"
expect "kernel runs in a directory: exit 0" 0 $?
cfg=$T/k/workload-config.json
expect "config: size" '"24M"' "$(jq -c .workload.size "$cfg")"
expect "config: passes (fill + 1)" 2 "$(jq .workload.passes "$cfg")"
expect "config: memory_max" 8388608 "$(jq .memcg.usemem0.memory_max "$cfg")"
expect "config: memsw_max" 41943040 "$(jq .memcg.usemem0.memsw_max "$cfg")"
expect "config: swap" 33554432 "$(jq .workload.swap "$cfg")"
expect "config: v1, RAM" '"v1" 1073741824' "$(jq -r '.system.cgroup | tojson' "$cfg") $(jq .system.ram "$cfg")"
expect "config: page-cluster" 0 "$(jq .vm.page_cluster "$cfg")"
expect "config: content sample (4 x 224 pages)" 896 "$(jq .workload.max_pages "$cfg")"
expect "config: content (corpus.pages: 224 pages)" \
	"\"$PWD/traces/bundled/corpus.pages:224\"" "$(jq .workload.content "$cfg")"
sim=$T/k/workload-sim.json
zo=$(jq .stats.global.zswpout "$sim")
[ "$zo" -gt 0 ] && pass "the workload run swapped ($zo zswpout)" || fail "no zswpout in the workload run"
expect "table: zswapsim column is the report's" "$zo" \
	"$(awk '$1 == "zswpout" { print $6 }' "$T/out")"
expect "table: kernel zero, sim not: OUTSIDE" OUTSIDE "$(awk '$1 == "zswpout" { print $8 }' "$T/out")"
expect "table: zero on both sides: ok" ok "$(awk '$1 == "pswpout" { print $8 }' "$T/out")"
expect "table: eight rows" 8 "$(grep -cE '^(zswpout|zswpin|pswpout|pswpin|written_back_pages|pool_limit_hit|stored_pages|pool_total_size) ' "$T/out")"
expect "JSON: outside names zswpout" true \
	"$(jq '.outside | index("zswpout") != null' "$T/k/workload-compare.json")"

# kernel runs around the simulator's figures: in min-max, within 10 %, outside
g() { jq ".stats.global.$1" "$sim"; }
zi=$(g zswpin); sp=$(g stored_pages); ps=$(g pool_total_size)
mk() { echo "{\"zswpout\": $1, \"zswpin\": $2, \"pswpout\": 0, \"pswpin\": 0, \"written_back_pages\": 0, \"pool_limit_hit\": 0, \"stored_pages\": $3, \"pool_total_size\": $4}"; }
mkrun "$T/a" 1 8388608 0 0 "$(mk $((zo - 1)) $((zi * 95 / 100)) $((sp * 2)) $ps)"
mkrun "$T/a" 2 8388608 0 0 "$(mk $((zo + 1)) $((zi * 95 / 100)) $((sp * 2)) $ps)"
mkrun "$T/a" 3 8388608 0 0 "$(mk "$zo" $((zi * 95 / 100)) $((sp * 2)) $ps)"
"$KC" --build "$BUILD" --workload-run --content "list:$T/stores.txt" --kernel-runs "$T/a" \
	>"$T/out" 2>"$T/err"
expect "runs around the sim: exit 0" 0 $?
expect "zswpout in min-max" "(in" "$(awk '$1 == "zswpout" { print $9 }' "$T/out")"
expect "zswpin within 10 % of the mean" "(within" "$(awk '$1 == "zswpin" { print $9 }' "$T/out")"
expect "stored_pages at half the kernel's: OUTSIDE" OUTSIDE "$(awk '$1 == "stored_pages" { print $8 }' "$T/out")"
expect "outside line" "outside the aim (kernel min-max or +-10 % of its mean): stored_pages" \
	"$(grep '^outside the aim' "$T/out")"

# --- errors -----------------------------------------------------------------------
mkrun "$T/b" 1 8388608 0 0 "$zero"
mkrun "$T/b" 2 16777216 0 0 "$zero"
"$KC" --build "$BUILD" --workload-run --content "list:$T/stores.txt" --kernel-runs "$T/b" \
	>/dev/null 2>"$T/err"
expect "runs with different limits: exit 2" 2 $?
expect "... one line naming the setting" 1 "$(grep -c 'memory_limit.* differ from' "$T/err")"
mkrun "$T/c" 1 8388608 0 0 "$zero"
mkrun "$T/c" 2 8388608 137 1 "$zero"
"$KC" --build "$BUILD" --workload-run --content "list:$T/stores.txt" --kernel-runs "$T/c" \
	>"$T/out" 2>"$T/err"
expect "an OOM-killed kernel run: exit 1" 1 $?
expect "... FAILED line" 1 "$(grep -c 'FAILED: .*run2: the workload was killed by the memcg OOM killer' "$T/err")"
expect "... left out of min/mean/max" 1 "$(awk '$1 == "zswpout" { print $2 }' "$T/out")"
mkdir -p "$T/empty"
"$KC" --build "$BUILD" --workload-run --content "list:$T/stores.txt" --kernel-runs "$T/empty" \
	>/dev/null 2>"$T/err"
expect "no kernel runs: exit 2" 2 $?
"$KC" --workload-run --order rand --content "list:$T/stores.txt" >/dev/null 2>"$T/err"
expect "random order: exit 2" 2 $?
expect "... says why" 1 "$(grep -c 'permutation' "$T/err")"
"$KC" --workload-run --order seq --content bin >/dev/null 2>"$T/err"
expect "content that is not page stores: exit 2" 2 $?
"$KC" --kernel-runs "$T/k" >/dev/null 2>"$T/err"
expect "--kernel-runs alone: exit 2" 2 $?

# --- scripts/trace-shrink-worker --summary on hand-made events ---------------------------
# task a: 3 queuings (one by kdamond) and 3 runs of 10, 20, 30 us, queued 4, 6, 8 us
# before they start, the third 2 s after the second; then task b: 1 queuing, 1 run
q() { printf '  %s [001] d..1. %s: workqueue_queue_work: work struct=1 function=shrink_worker workqueue=zswap-shrink req_cpu=256 cpu=-1\n' "$1" "$2"; }
x() { printf '  kworker/u8:1-32 [000] ..... %s: workqueue_execute_%s: work struct 1: function shrink_worker\n' "$1" "$2"; }
{ q zsw-usemem-7 100.000000; x 100.000004 start; x 100.000014 end
  q kdamond.0-78 100.000100; x 100.000106 start; x 100.000126 end
  q zsw-usemem-7 102.000000; x 102.000008 start; x 102.000038 end
  q zsw-usemem-9 200.000000; x 200.000010 start; x 200.000020 end
  echo "garbage line"; } >"$T/wq.txt"
expect "trace-shrink-worker --summary: per task, kernel threads in the current one" \
	"zsw-usemem-7: queued 3 (1 by kernel threads), runs 3 (in bursts 1 s apart: 2 + 1), run time 0.000 s (mean 20.0 us, median 20.0 us), queue-to-start mean 6.0 us, median 6.0 us|zsw-usemem-9: queued 1 (0 by kernel threads), runs 1 (in bursts 1 s apart: 1), run time 0.000 s (mean 10.0 us, median 10.0 us), queue-to-start mean 10.0 us, median 10.0 us" \
	"$(scripts/trace-shrink-worker --summary "$T/wq.txt" | paste -sd'|')"
scripts/trace-shrink-worker --summary "$T/none.txt" 2>"$T/err"
expect "trace-shrink-worker --summary of a missing file: exit 2, one line" "2 1" "$? $(wc -l <"$T/err")"
scripts/trace-shrink-worker "$T/out.txt" sleep 1 >/dev/null 2>&1
expect "trace-shrink-worker without -- : exit 2" 2 $?

[ "$fails" -eq 0 ]
