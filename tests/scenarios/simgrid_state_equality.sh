#!/usr/bin/env bash
# An open replay in which no two operations overlap gives the same state under
# the simgrid backend as under the none backend: stats.global and stats.memcg
# are equal key by key (docs/models.md, "When the backends agree").  Uses
# configs/simgrid/equality.json: two streams, pool-limit hits, shrink-worker
# writeback, disk swap-ins, a memcg without writeback.  Also checks that the
# simgrid report carries its sections, that the run is deterministic, and that
# coalescing (and leaving out wakeups nobody can tell apart) does not change
# any result.
set -u
BIN=${BIN:-build/zswapsim}
CFG=configs/simgrid/equality.json
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
expect() {   # NAME WANT GOT
	if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: got '$3', want '$2'"; fails=$((fails + 1)); fi
}

"$BIN" run "$CFG" -o "$T/none.json" >/dev/null 2>&1
expect "none backend runs" 0 $?
"$BIN" run "$CFG" --set timing.backend=simgrid -o "$T/sg.json" >/dev/null 2>&1
expect "simgrid backend runs" 0 $?
"$BIN" run "$CFG" --set timing.backend=simgrid -o "$T/sg2.json" >/dev/null 2>&1

for sec in global memcg; do
	diff <(jq -S ".stats.$sec" "$T/none.json") <(jq -S ".stats.$sec" "$T/sg.json") >"$T/diff" 2>&1
	expect "stats.$sec equal under both backends" "" "$(cat "$T/diff")"
done
# the trace exercises what matters
expect "pool limit was hit" true "$(jq '.stats.global.pool_limit_hit > 0' "$T/sg.json")"
expect "pages were written back" true "$(jq '.stats.global.written_back_pages > 0' "$T/sg.json")"
expect "pages were read from disk" true "$(jq '.stats.global.pswpin > 0' "$T/sg.json")"
# the simgrid sections
expect "latency, hardware, streams, elapsed_ns present" "true true true true" \
	"$(jq -r '[has("latency"), has("hardware"), has("streams"), has("elapsed_ns")] | map(tostring) | join(" ")' "$T/sg.json")"
expect "writeback latency = decompress 3656 + disk write 20000 + 4096e3/1050 ns (defaults, 1 page)" 27557 \
	"$(jq '.latency.writeback.p50_ns' "$T/sg.json")"
expect "elapsed = last record (600 ms) + nothing pending" 600000000 "$(jq '.elapsed_ns' "$T/sg.json")"
# deterministic: same inputs, same report (the runtime section aside)
diff <(jq -S 'del(.runtime)' "$T/sg.json") <(jq -S 'del(.runtime)' "$T/sg2.json") >"$T/det" 2>&1
expect "two simgrid runs give the same report" "" "$(cat "$T/det")"

# coalescing (timing.coalesce) changes the speed, not the results: a lone
# stream's CPU, disk and IAA work worked out in C equals the actors' run
strip='del(.runtime, .simgrid, .config, .config_hash) | .hardware.swap_device.utilization |= (. * 1e9 | round)'
for run in "configs/calibration/iaa-batch-8.json" "configs/calibration/iaa-irq.json" \
	   "configs/experiments/replay-default.json --set timing.backend=simgrid"; do
	# shellcheck disable=SC2086
	"$BIN" run $run --set timing.coalesce=true -o "$T/on.json" >/dev/null 2>&1
	# shellcheck disable=SC2086
	"$BIN" run $run --set timing.coalesce=false -o "$T/off.json" >/dev/null 2>&1
	diff <(jq -S "$strip" "$T/on.json") <(jq -S "$strip" "$T/off.json") >"$T/co" 2>&1
	expect "coalescing on = off: ${run%% *}" "" "$(head -5 "$T/co")"
done
expect "default config: the stream left last coalesced records" true \
	"$(jq '.simgrid.coalesced_records > 0' "$T/on.json")"

# the worker's timer passes (proactive writeback) keep a lone stream from
# coalescing past their CPU, IAA and disk work, as shrink runs do
pa=(configs/experiments/iaa-batching.json --set 'policy.writeback={"name":"proactive-age","age_ns":100000,"period_ns":100000}'
    --set hw.iaa.descs_per_wq=2 --set hw.iaa.wq_size=2)
"$BIN" run "${pa[@]}" --set timing.coalesce=true -o "$T/on.json" >/dev/null 2>&1
"$BIN" run "${pa[@]}" --set timing.coalesce=false -o "$T/off.json" >/dev/null 2>&1
diff <(jq -S "$strip" "$T/on.json") <(jq -S "$strip" "$T/off.json") >"$T/co" 2>&1
expect "coalescing on = off: proactive-age writeback on IAA" "" "$(head -5 "$T/co")"
expect "proactive-age: timer passes ran and wrote back" true \
	"$(jq '.simgrid.timer_runs > 0 and .stats.global.written_back_pages > 0' "$T/on.json")"

# proactive-age passes that never find an old entry change nothing: a workload
# run (4 tasks contending, the default experiment) gives the pool-limit
# report.  The worker woke at every pass before and those wakeups alone
# moved activity ends in SimGrid (33,887 report lines differed).
never='policy.writeback={"name":"proactive-age","age_ns":9000000000000000000,"period_ns":10000}'
"$BIN" run configs/default.json -q -o "$T/wl-pl.json" >/dev/null 2>&1
"$BIN" run configs/default.json --set "$never" -q -o "$T/wl-pa.json" >/dev/null 2>&1
rest='del(.runtime, .tool, .config, .config_hash, .stats.policy, .simgrid.coalesced_records, .simgrid.timer_runs)'
diff <(jq -S "$rest" "$T/wl-pl.json") <(jq -S "$rest" "$T/wl-pa.json") >"$T/pa" 2>&1
expect "idle proactive-age passes: the pool-limit report" "" "$(head -5 "$T/pa")"
expect "idle proactive-age passes were counted" true \
	"$(jq '.stats.policy.results.writeback.passes > 1000 and .simgrid.timer_runs < 10' "$T/wl-pa.json")"

# several streams sharing the cores, waiting for each other's records: the
# slot-order wakeups that only reorder actors within an instant are left out
# when nobody else can act at it (timing_simgrid_order.c), which must change
# nothing.  The bench's multistream trace, smaller; the second run fills the
# pool (shrink worker, disk writes).  ZSWAPSIM_CHECK_EVERY_STEP also checks
# that every CPU execution ended when the CPU-sharing model behind it said.
"$BIN" trace gen zipf --streams 4 --size 32M --orders 0:0.5,4:0.5 \
	--content traces/bundled/default.pages --max-pages 4096 --seed 1 --quiet -o "$T/ms.zswt"
printf '{"base": "%s/configs/hw/local.json", "trace": {"path": "ms.zswt"}, "system": {"ram": "1GiB"},
 "timing": {"backend": "simgrid"}, "report": {"progress": false}}\n' "$(pwd)" >"$T/ms.json"
for ram in 1GiB 24MiB; do
	ZSWAPSIM_CHECK_EVERY_STEP=1 "$BIN" run "$T/ms.json" --set system.ram=$ram -q -o "$T/on.json" 2>"$T/err"
	expect "4 streams, RAM $ram: checked run ok" 0 $?
	"$BIN" run "$T/ms.json" --set system.ram=$ram --set timing.coalesce=false -q -o "$T/off.json" 2>&1
	diff <(jq -S "$strip" "$T/on.json") <(jq -S "$strip" "$T/off.json") >"$T/co" 2>&1
	expect "coalescing on = off: 4 streams, RAM $ram" "" "$(head -5 "$T/co")"
	left=$(sed -n 's/.*; \([0-9]*\) slot-order wakeups left out$/\1/p' "$T/err")
	expect "4 streams, RAM $ram: slot-order waits, wakeups left out" true \
		"$(jq --argjson left "${left:-0}" '.simgrid.slot_order_waits > 0 and $left > 0' "$T/on.json")"
done
expect "4 streams, RAM 24MiB: the shrink worker wrote back" true \
	"$(jq '.simgrid.shrink_worker_runs > 0 and .hardware.swap_device.writes > 0' "$T/on.json")"

[ "$fails" = 0 ]
