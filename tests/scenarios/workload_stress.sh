#!/usr/bin/env bash
# Concurrent workload runs under simgrid with the models checked at every
# step: 6 tasks (3 usemem, 3 zipf, order-0, 2, 4 and 9 folios) in two small
# memcgs under a parent, so that direct reclaim, memory.high throttling,
# zswap writeback by the shrinker, folio waits, LRU-lock contention and the
# isolated-pages throttle all happen while tasks interleave.  With
# ZSWAPSIM_CHECK_EVERY_STEP=1 the full consistency check of the reclaim
# model and zswap (sim/workload.c workload_check()) runs after every record
# and whenever an actor yields; a broken rule fails the run (exit 1).  Exact
# counters: the run is deterministic.  docs/testing.md says how this test
# was checked against deliberately broken invariants.
set -u
BIN=${BIN:-build/zswapsim}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=$(pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$T"
. "$ROOT/tests/scenarios/cli-helpers.bash"
j() { jq -r "$2" "$1"; }

CORPUS=$ROOT/traces/bundled/corpus.pages
# --no-jitter: the exact counters below (and the conditions the stress must
# reach: a poll-ended folio wait, memory.high throttling) were established on
# the generators' lockstep traces; jitter has its own tests (gen_defaults.sh)
"$BIN" trace gen usemem --streams 3 --size 2M --passes 3 --pattern random --write 0.5 \
  --orders 0:0.6,4:0.2,9:0.2 --content "$CORPUS" --zero 0.02 --access -o u.txt --quiet --no-jitter
"$BIN" trace gen zipf --streams 3 --size 2M --accesses 3000 --write 0.4 --orders 0:0.8,2:0.2 \
  --content "$CORPUS" --zero 0.02 --access -o z.txt --quiet --no-jitter
# one access trace of 6 tasks: usemem's as tasks 0-2 in memcg u, zipf's as
# tasks 3-5 in memcg z, both under top; records in time order (sort -s keeps
# each task's own order), content drawn from usemem's page store
{
  printf '# zswapsim-access 1\n# page_size 4096\n'
  for t in 0 1 2 3 4 5; do echo "# task $t 512"; done
  printf '# memcg 0 top -1 0 0\n# memcg 1 u 0 0 0\n# memcg 2 z 0 0 0\n'
  printf '# ram_pages 0\n# seed 1\n# zero 0.02\n# same 0\n# random 0\n# dirty 0.3\n'
  grep '^# page_store' u.txt
  echo '# columns time_ns op vpage order task memcg arg flags'
  awk 'FNR == 1 { f++ } /^#/ { next }
       { if (f == 2) { $5 += 3; $6 = 2 } else { $6 = 1 }; print }' u.txt z.txt | sort -s -n -k1,1
} >s.txt
check "the merged trace is valid" 0 "$BIN" trace validate s.txt

# v2: memory.high below memory.max throttles; a 1% pool of 128M RAM and the
# shrinker write back; IAA with compress and reclaim batching.  The hw.mm
# costs are fixed here (the provisional values it was written against),
# so the interleaving it covers, e.g. a wait ended by the poll, does not move
# with the measured defaults (docs/workload-runs.md, "Time model").
cat >v2.json <<EOF
{ "base": "$ROOT/configs/hw/spr.json",
  "workload": { "kind": "file", "path": "s.txt" },
  "memcg": { "top": { "memory_max": "4M" },
             "u": { "memory_max": "3M", "memory_high": "2M" },
             "z": { "memory_max": "2M", "memory_high": "1536K" } },
  "zswap": { "compressor": "deflate-iaa", "max_pool_percent": 1, "shrinker_enabled": true },
  "batch": { "compress": 8, "reclaim_folios": 8 },
  "system": { "ram": "128M", "cgroup": "v2" },
  "timing": { "backend": "simgrid" },
  "hw": { "cpu": { "cores": 4 },
          "mm": { "access_ns": 64, "fault_ns": 4000, "scan_ns": 300, "unmap_ns": 1500,
                  "lru_lock_ns": 50 } },
  "report": { "progress": false } }
EOF
# v1: memory.limit_in_bytes and memsw, no memory.high, no zswap charge
jq '.system.cgroup = "v1" | .memcg = { "top": { "memory_max": "4M" }, "u": { "memory_max": "3M",
    "memsw_max": "6M" }, "z": { "memory_max": "2M" } }' v2.json >v1.json

for v in v2 v1; do
  check "$v: checked at every step" 0 env ZSWAPSIM_CHECK_EVERY_STEP=1 "$BIN" run $v.json -o $v.r.json
  checks=$(sed -n 's/^zswapsim: ZSWAPSIM_CHECK_EVERY_STEP: the models checked at \([0-9]*\) yields.*/\1/p' err)
  same "$v: the checks ran at thousands of yields" "$([ "${checks:-0}" -gt 5000 ] && echo yes)" yes
  check "$v: without the checks" 0 "$BIN" run $v.json -o $v.plain.json
  same "$v: checking changes nothing in the report" \
    "$(jq -S 'del(.runtime,.tool)' $v.r.json | md5sum)" "$(jq -S 'del(.runtime,.tool)' $v.plain.json | md5sum)"
done
# a wait that ends by the 1 ms poll is either a lost wakeup or a folio held
# longer (before the shrink worker ran concurrently with the tasks, v2 had
# one: a readahead read queued behind the writeback writes)
same "folio waits ended by the poll: none" \
  "$(jq -s -r 'map(.simgrid.folio_wait_polls) | @tsv' v2.r.json v1.r.json)" "$(printf '0\t0')"


# v1 with one swap-device queue slot: writes end long after they start, so
# tasks free folios under writeback that other reclaimers have isolated
# when the write ends (reclaim_write_done() leaves them to the putback)
check "v1, queue depth 1: checked at every step" 0 env ZSWAPSIM_CHECK_EVERY_STEP=1 "$BIN" run v1.json \
  --set hw.ssd.queue_depth=1 -o q1.json
same "v1, queue depth 1: counters" "$(j q1.json '[.workload.accesses, .workload.faults,
  .workload.major_faults, .stats.global.zswpout, .stats.global.written_back_pages,
  .simgrid.folio_waits] | @tsv')" "$(printf '13608\t3922\t1136\t746\t189\t8837')"

# what the stress covered (each a condition for the checks to mean something)
same "v2: tasks waited for locked folios, the LRU lock, isolated pages" \
  "$(j v2.r.json '.simgrid | .folio_waits > 0 and .lru_lock_waits > 0 and .isolated_waits > 0')" true
same "v2: memory.high throttled" "$(j v2.r.json '.stats.memcg.u.sim_high_throttle_ns > 0')" true
same "v2 and v1: zswap wrote back" \
  "$(jq -s 'map(.stats.global.written_back_pages > 0) | all' v2.r.json v1.r.json)" true
same "v1: tasks waited for locked folios" "$(j v1.r.json '.simgrid.folio_waits > 0')" true

# exact counters (deterministic; a change of the model's interleaving moves
# them: say why in the commit that updates them)
same "v2 counters" "$(j v2.r.json '[.workload.accesses, .workload.faults, .workload.major_faults,
  .workload.oom_kills, .stats.global.zswpout, .stats.global.zswpin, .stats.global.written_back_pages,
  .stats.global.pswpin, .stats.memcg.top.high, .stats.memcg.top.max, .stats.memcg.top.pgscan] | @tsv')" \
  "$(printf '13608\t5636\t2692\t0\t3949\t912\t2868\t2242\t123\t67\t15275')"
same "v1 counters" "$(j v1.r.json '[.workload.accesses, .workload.faults, .workload.major_faults,
  .workload.oom_kills, .stats.global.zswpout, .stats.global.zswpin, .stats.global.written_back_pages,
  .stats.global.pswpin, .stats.memcg.top.high, .stats.memcg.top.max, .stats.memcg.top.pgscan] | @tsv')" \
  "$(printf '13608\t3508\t1036\t0\t623\t342\t135\t771\t0\t38\t10702')"

[ "$fails" -eq 0 ]
