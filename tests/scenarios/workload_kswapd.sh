#!/usr/bin/env bash
# Zone watermarks and kswapd in workload runs (models/kswapd.c,
# sim/timing_simgrid_kswapd.c): the watermarks from vm.min_free_kbytes and
# vm.watermark_scale_factor, kswapd's and direct reclaim's counters under
# their /proc/vmstat and memory.stat names, kswapd's CPU on
# hw.cpu.kswapd_core, and the keys' range checks.
set -u
BIN=${BIN:-build/zswapsim}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=$(pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$T"
. "$ROOT/tests/scenarios/cli-helpers.bash"
j() { jq -r "$2" "$1"; }
jc() { jq -c "$2" "$1"; }

CORPUS=$ROOT/traces/bundled/corpus.pages
# 2 tasks of 4 MiB under a RAM limit of 4 MiB; the memcgs' limits do not bite
cat >k.json <<EOF2
{ "workload": { "kind": "usemem", "streams": 2, "size": "4M", "passes": 2, "pattern": "random",
                "write": 0.5, "ram": "4M", "max": "64M", "content": "$CORPUS" },
  "zswap": { "compressor": "lzo" },
  "timing": { "backend": "none" },
  "hw": { "cpu": { "cores": 3 } },
  "report": { "progress": false } }
EOF2

check "none: a run under a RAM limit" 0 "$BIN" run k.json -o a.json
# 4 MiB = 4096 KiB: int_sqrt(4096 * 16) = 256 KiB, min 64 pages;
# low and high + max(64 / 4, 1024 * 10 / 10000) = 16 each
same "watermarks of 4 MiB" "$(jc a.json .workload.watermarks)" \
  '{"min_free_kbytes":256,"min":64,"low":80,"high":96}'
same "none: kswapd's counters" "$(jc a.json .workload.vmstat)" \
  '{"pgscan_kswapd":8078,"pgscan_direct":0,"pgsteal_kswapd":4040,"pgsteal_direct":0,"allocstall_movable":0,"pageoutrun":206,"kswapd_low_wmark_hit_quickly":0,"kswapd_high_wmark_hit_quickly":76,"pgscan_direct_throttle":0,"oom_kill":0,"thp_fault_alloc":0,"thp_fault_fallback":0,"thp_fault_fallback_charge":0,"thp_split_page":0,"thp_swpout":0,"thp_swpout_fallback":0,"sim_kswapd_wakeups":130,"sim_kswapd_failures_max":1}'
same "memory.stat: pgscan is kswapd + direct + proactive" \
  "$(j a.json '[.stats.memcg[] | select(.pgscan != null) | .pgscan == .pgscan_kswapd + .pgscan_direct + .pgscan_proactive] | all')" true
same "memory.stat: pgsteal is kswapd + direct + proactive" \
  "$(j a.json '[.stats.memcg[] | select(.pgsteal != null) | .pgsteal == .pgsteal_kswapd + .pgsteal_direct + .pgsteal_proactive] | all')" true
same "global reclaim only: the memcgs' kswapd scans add up to vmstat's" \
  "$(j a.json '[.stats.memcg[] | .pgscan_kswapd // 0] | add')" 8078
check "none again" 0 "$BIN" run k.json -o b.json
same "byte-identical apart from runtime and tool" "$(jq -S 'del(.runtime,.tool)' a.json | md5sum)" \
  "$(jq -S 'del(.runtime,.tool)' b.json | md5sum)"

# out_of_memory() under the RAM limit (__alloc_pages_may_oom()): with 256
# swap slots the two tasks fill the swap, reclaim makes no progress and the
# zone could not pass min with all it can reclaim (should_reclaim_retry());
# the OOM killer takes the task with more rss + swap entries (the later one
# on a tie: task 1 at 481 pages), then task 0 alone, at 888.  oom_kill
# counts in the victim's memcg and in vmstat; memory.events oom is only a
# memcg's OOM's.
check "none: swap of 1 MiB" 0 "$BIN" run k.json --set workload.swap=1M -o o.json
same "swap full: both tasks OOM-killed, by the machine's OOM killer" \
  "$(jc o.json '[.workload.oom_kills, .workload.vmstat.oom_kill, [.workload.tasks[] | .accesses, .oom_killed], [.stats.memcg[] | .oom_kill, .oom]]')" \
  '[2,2,[888,true,481,true],[1,0,1,0]]'
# a min watermark above the RAM fails every allocation at once: each task
# dies at its first fault (the kernel would then panic, nothing left to kill)
check "vm.min_free_kbytes past the RAM" 0 "$BIN" run k.json --set vm.min_free_kbytes=2147483647 -o p.json
same "min past the RAM: every task killed at its first fault" \
  "$(jc p.json '[.workload.oom_kills, .workload.vmstat.oom_kill, .workload.faults, .workload.first_touches]')" '[2,2,2,0]'
check "none: summary of the killed faults" 0 "$BIN" run k.json --set vm.min_free_kbytes=2147483647 -o q.json
has "summary: a fault ended by an OOM kill is no first touch" out \
  "  faults     2: 0 major (swap-ins), 0 minor (swap cache), 0 first touches, 0 zero-page reads; 2 OOM kills"

# PMD THPs (usemem orders 9:1, MADV_HUGEPAGE) under the RAM limit: a PMD's
# allocation is one round of direct reclaim at order 9, then it fails
# (__alloc_pages_slowpath(): a costly order, no __GFP_RETRY_MAYFAIL) and the
# fault falls back to order 0 (thp_fault_fallback), never an OOM kill.  Of
# the 4 PMD blocks (2 tasks x 4 MiB) 2 are mapped whole and 2 fall back:
# 1,024 order-0 first touches after 3 direct reclaim rounds (the model before
# let all 4 through after 84 rounds, over the RAM limit meanwhile)
check "none: PMD THPs under a 4 MiB RAM limit" 0 "$BIN" run k.json --set workload.orders=9:1 -o h.json
same "PMD THPs: 2 mapped, 2 fall back to order 0, no OOM" \
  "$(jc h.json '[.workload.vmstat | .thp_fault_alloc, .thp_fault_fallback, .thp_fault_fallback_charge, .allocstall_movable, .oom_kill] + [.workload.first_touches, ([.stats.memcg[] | .thp_fault_alloc] | add)]')" \
  '[2,2,0,3,0,1026,2]'
same "PMD THPs: hugepages-2048kB/stats, both mapped PMDs stored whole by zswap" "$(jc h.json .workload.mthp)" \
  '{"2048kB":{"anon_fault_alloc":2,"anon_fault_fallback":2,"anon_fault_fallback_charge":0,"zswpout":2,"swpout":0,"swpout_fallback":0,"split":0}}'
same "order-0 pages only: no large-folio sizes" "$(jc a.json .workload.mthp)" '{}'
has "summary: the fallbacks' pages are first touches" out \
  "  faults     3999: 2127 major (swap-ins), 846 minor (swap cache), 1026 first touches, 0 zero-page reads; 0 OOM kills"
check "none: PMD THPs, 12 MiB of RAM" 0 "$BIN" run k.json --set workload.orders=9:1 --set workload.ram=12M -o h12.json
same "12 MiB: every PMD mapped, no reclaim" \
  "$(jc h12.json '[.workload.vmstat | .thp_fault_alloc, .thp_fault_fallback, .allocstall_movable] + [.workload.first_touches]')" '[4,0,0,4]'

# the keys
check "vm.min_free_kbytes=1000" 0 "$BIN" run k.json --set vm.min_free_kbytes=1000 -o m.json
same "a user's min_free_kbytes: min 250, low/high + max(62, 1)" "$(jc m.json .workload.watermarks)" \
  '{"min_free_kbytes":1000,"min":250,"low":312,"high":374}'
check "vm.watermark_scale_factor=3000" 0 "$BIN" run k.json --set vm.watermark_scale_factor=3000 -o w.json
same "scale factor 3000: + 1024 * 3000 / 10000 = 307" "$(jc w.json .workload.watermarks)" \
  '{"min_free_kbytes":256,"min":64,"low":371,"high":678}'
check "no RAM limit" 0 "$BIN" run k.json --set workload.ram=0 -o n.json
same "no RAM limit: no zone, no kswapd" \
  "$(jc n.json '[.workload.watermarks.high, .workload.vmstat.sim_kswapd_wakeups, .workload.vmstat.pageoutrun]')" '[0,0,0]'
bad "watermark_scale_factor 0" "vm.watermark_scale_factor" "$BIN" run k.json --set vm.watermark_scale_factor=0 -o e.json
bad "watermark_scale_factor 3001" "vm.watermark_scale_factor" "$BIN" run k.json --set vm.watermark_scale_factor=3001 -o e.json
bad "min_free_kbytes -2" "vm.min_free_kbytes" "$BIN" run k.json --set vm.min_free_kbytes=-2 -o e.json
bad "kswapd_core past the cores" "hw.cpu.kswapd_core: 3 is not a core (0..2)" \
  "$BIN" run k.json --set hw.cpu.kswapd_core=3 -o e.json
same "no report after errors" "$(ls e.json 2>/dev/null | wc -l)" 0

# simgrid: kswapd is an actor on hw.cpu.kswapd_core (the last core by default)
check "simgrid" 0 "$BIN" run k.json --set timing.backend=simgrid -o s.json
same "simgrid: kswapd's counters" "$(jc s.json .workload.vmstat)" \
  '{"pgscan_kswapd":5153,"pgscan_direct":2839,"pgsteal_kswapd":2305,"pgsteal_direct":1696,"allocstall_movable":69,"pageoutrun":104,"kswapd_low_wmark_hit_quickly":39,"kswapd_high_wmark_hit_quickly":64,"pgscan_direct_throttle":2,"oom_kill":0,"thp_fault_alloc":0,"thp_fault_fallback":0,"thp_fault_fallback_charge":0,"thp_split_page":0,"thp_swpout":0,"thp_swpout_fallback":0,"sim_kswapd_wakeups":40,"sim_kswapd_failures_max":1}'
# throttle_direct_reclaim(): twice a task about to reclaim directly found
# free pages at or under half the min watermark and waited on
# pfmemalloc_wait until kswapd woke it (never under `none`, where kswapd
# runs to the end of its work when woken)
same "simgrid: throttled direct reclaimers waited, each wait ended by kswapd's wakeup" \
  "$(jc s.json '[.simgrid.pfmemalloc_waits > 0, .simgrid.pfmemalloc_wait_polls]')" '[true,0]'
same "simgrid: kswapd's reclaim on core 2, where no task runs" \
  "$(j s.json '.hardware.cpu.by_core[] | select(.core == 2) | .ns | [.reclaim > 0, .compress > 0, .app, .fault]' | tr -d ' \n')" '[true,true,0,0]'
same "simgrid: woken as often as it ran" "$(j s.json .simgrid.kswapd_runs)" \
  "$(j s.json '.workload.vmstat.sim_kswapd_wakeups')"
check "simgrid again" 0 "$BIN" run k.json --set timing.backend=simgrid -o s2.json
same "simgrid: byte-identical apart from runtime and tool" "$(jq -S 'del(.runtime,.tool)' s.json | md5sum)" \
  "$(jq -S 'del(.runtime,.tool)' s2.json | md5sum)"
check "simgrid, kswapd on core 0" 0 "$BIN" run k.json --set timing.backend=simgrid \
  --set hw.cpu.kswapd_core=0 -o s0.json
same "kswapd_core=0: nothing on core 2 (its compressions too)" \
  "$(j s0.json '[.hardware.cpu.by_core[] | select(.core == 2) | .busy_ns] | add // 0')" 0

[ "$fails" -eq 0 ]
