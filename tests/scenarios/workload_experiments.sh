#!/usr/bin/env bash
# The workload experiments of docs/experiments.md in a reduced form (smaller
# mappings and limits, the same shape), with exact counters, the properties
# the latency histograms must have, a sweep over a workload run, and the
# summary of the bundled default experiment (`make run`).  The full
# experiments are regression baselines (tests/baselines/manifest.txt).
#   workload-iaa-batching.json   8 tasks x 2 MiB, memory.high 8 MiB, max 12 MiB; B = 1, 8
#   workload-writeback.json      8 tasks x 4 MiB, memory.max 12 MiB; reclaim_folios 1, 32
#   workload-limit-checks.json   8 tasks x 2 MiB, memory.max 4 MiB, RAM 16 MiB; 2 policies x 2 backends
set -u
BIN=${BIN:-build/zswapsim}
. tests/scenarios/lib/expect.sh
E=configs/experiments

run() {   # NAME CONFIG --set ...: report in $T/NAME.json
	local name=$1 cfg=$2; shift 2
	"$BIN" run "$cfg" -q "$@" -o "$T/$name.json" >/dev/null 2>"$T/$name.err" ||
		fail "$name: run failed: $(tail -n 1 "$T/$name.err")"
}
j() { jq -r "$2" "$T/$1.json"; }
counters='[.workload.accesses, .workload.major_faults, .stats.global.zswpout, .stats.global.zswpin,
	.stats.global.written_back_pages, .stats.memcg.usemem0.high, .stats.memcg.usemem0.max] | join(" ")'

# --- compress batching under memory.high -------------------------------------------------
S=(--set workload.size=2M --set workload.streams=8 --set memcg.usemem0.memory_high=8MiB
   --set memcg.usemem0.memory_max=12MiB)
run iaa1 $E/workload-iaa-batching.json "${S[@]}" --set batch.compress=1 --set batch.decompress=1
run iaa8 $E/workload-iaa-batching.json "${S[@]}"
expect "iaa B=1: accesses, major faults, zswpout, zswpin, written back, high and max events" \
	"12288 6139 8015 6065 0 142 0" "$(j iaa1 "$counters")"
expect "iaa B=8: the same counters" "12288 5807 7200 5729 0 142 0" "$(j iaa8 "$counters")"
expect "iaa: throughput B=1, B=8 (bytes/s, rounded)" "3568106131 725655254" \
	"$(j iaa1 '.workload.throughput_bytes_per_s | round') $(j iaa8 '.workload.throughput_bytes_per_s | round')"
# nothing goes to the swap device here (no writeback, no rejection), so
# nothing may come from it: a folio reclaim kept for a waiting fault, then
# dropped clean, still has its zswap entry (a disk read of 1 page before)
expect "iaa: pswpout and pswpin, B=1 and B=8" "0 0 0 0" \
	"$(j iaa1 '[.stats.global.pswpout, .stats.global.pswpin] | join(" ")') $(j iaa8 '[.stats.global.pswpout, .stats.global.pswpin] | join(" ")')"
expect "iaa B=1: one page per compress call; B=8: fewer calls than pages" "true true" \
	"$(j iaa1 '.latency.compress_batch.count == .latency.compress_page.count') $(j iaa8 '.latency.compress_batch.count < .latency.compress_page.count')"
for r in iaa1 iaa8; do
	expect "$r: a fault histogram per kind, counts as the workload's" "true true true" \
		"$(j $r '(.latency.major_fault.count == .workload.major_faults), (.latency.minor_fault.count == .workload.minor_faults), (.latency.first_touch.count == .workload.faults - .workload.major_faults - .workload.minor_faults)' | paste -sd' ')"
	expect "$r: a store per folio handed to zswap, a major fault costs at least the fault path" "true true" \
		"$(j $r '(.latency.store_folio.count >= .stats.global.sim_stored_folios), (.latency.major_fault.min_ns >= (.config.hw.mm.fault_ns | floor))' | paste -sd' ')"
done
expect "histogram counts add up to count (major_fault, store_folio)" "true true" \
	"$(j iaa8 '(.latency.major_fault.histogram.count | add) == .latency.major_fault.count, (.latency.store_folio.histogram.count | add) == .latency.store_folio.count' | paste -sd' ')"

# --- writeback with the shrinker on --------------------------------------------------------
W=(--set workload.size=4M --set workload.max=12M)
run wb1 $E/workload-writeback.json "${W[@]}"
run wb32 $E/workload-writeback.json "${W[@]}" --set batch.reclaim_folios=32
expect "writeback rf=1: counters" "24576 10554 12427 973 10888 0 5671" "$(j wb1 "$counters")"
expect "writeback rf=32: counters" "24576 10569 12458 1050 10758 0 5799" "$(j wb32 "$counters")"
expect "writeback: every page written back is a zswpwb of the memcg" "true true" \
	"$(for r in wb1 wb32; do j $r '.stats.global.written_back_pages == .stats.memcg.usemem0.zswpwb'; done | paste -sd' ')"

# --- limit checks near the pool limit ----------------------------------------------------------
L=(--set workload.size=2M --set workload.max=4M --set system.ram=16MiB)
for p in folio-once per-page; do
	for be in none simgrid; do
		run "lc-$p-$be" $E/workload-limit-checks.json "${L[@]}" --set policy.limit.name=$p \
			--set timing.backend=$be
	done
done
lc='[.stats.global.pool_limit_hit, .stats.limit.wasted_compressions, .stats.limit.aborted_folios,
	.stats.global.written_back_pages, .stats.global.zswpout, .workload.major_faults] | join(" ")'
expect "limit checks: pool_limit_hit, wasted, aborted, written back, zswpout, major faults" \
	"271 0 0 1086 2243 4460|1191 0 0 780 2037 4436|382 11 1 1049 2228 4491|290 30 4 550 1683 4137" \
	"$(for r in lc-folio-once-none lc-folio-once-simgrid lc-per-page-none lc-per-page-simgrid; do j $r "$lc"; done | paste -sd'|')"

# --- a sweep over a workload run: repetitions vary the workload, metric paths ----------------------
cat >"$T/sweep.json" <<EOF
{"base": "$PWD/$E/workload-limit-checks.json",
 "set": {"workload.size": "1M", "workload.max": "2M", "system.ram": "8MiB"},
 "axes": [{"key": "policy.limit.name", "values": ["folio-once"]}],
 "repetitions": 2,
 "metrics": ["workload.throughput_bytes_per_s", "workload.cpu_ns.reclaim", "workload.major_faults",
             "stats.memcg.usemem1.zswap.current", "stats.memcg.usemem1.high", "latency.major_fault.p99_ns"]}
EOF
"$BIN" sweep "$T/sweep.json" -j 2 -o "$T/sw" >/dev/null 2>"$T/sw.err"
expect "workload sweep: exit 0" 0 $?
expect "repetitions set seed and workload.seed" '["seed","workload.seed"]' "$(jq -c .repeat_keys "$T/sw/summary.json")"
expect "every metric found (a memcg key with a dot in its name too)" "0" \
	"$(jq '[.points[].metrics[] | select(. == null)] | length' "$T/sw/summary.json")"
expect "the two workloads differ" "true" \
	"$(jq '.points[0].metrics["workload.major_faults"] != .points[1].metrics["workload.major_faults"]' "$T/sw/summary.json")"

# --- the bundled default experiment: a workload run, its summary --------------------------------------
"$BIN" run configs/default.json -o "$T/default.json" >"$T/sum.txt" 2>"$T/default.err"
expect "make run's experiment: exit 0" 0 $?
expect "summary: throughput, faults, memcg events, task time, then the zswap counters" \
	"workload|faults|memcg|memcg|task time|stores|rejects|swap-ins|pool|wall time" \
	"$(sed -n '2,$p' "$T/sum.txt" | sed 's/^  //; s/  .*//; s/ *$//' | paste -sd'|')"
expect "summary: throughput as the report has it" \
	"$(printf '%.1f' "$(j default '.workload.throughput_bytes_per_s / 1e6')") MB/s" \
	"$(sed -n 's/.*throughput \([0-9.]*\) MB\/s.*/\1 MB\/s/p' "$T/sum.txt")"
expect "default: counters (it swaps, writes back, faults back)" "24576 9640 7173 3811 1898 0 377" \
	"$(j default "$counters")"

# the shrink work runs concurrently with the tasks, starting hw.mm.work_start_ns
# after a failed store queued it (docs/workload-runs.md): the sooner it starts,
# the more often it runs; `none` runs it once after the access that queued it
for ws in 0 1000000; do
	run "default-ws$ws" configs/default.json --set hw.mm.work_start_ns=$ws
done
run default-none configs/default.json --set timing.backend=none
expect "default: shrink worker runs with a start delay of 0, 24 us (default), 1 ms; none" \
	"310 269 104 130" \
	"$(for r in default-ws0 default default-ws1000000 default-none; do j $r .stats.global.sim_shrink_worker_runs; done | paste -sd' ')"

[ "$fails" -eq 0 ]
