#!/usr/bin/env bash
# Workload runs under the simgrid backend: one actor per task, reclaim and
# zswap costing time, the time accounting, the feedback of memory pressure on
# throughput, reclaim batching into IAA calls, asynchronous swap writes, and
# agreement with the `none` backend where nothing overlaps.
set -u
BIN=${BIN:-build/zswapsim}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=$(pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$T"
. "$ROOT/tests/scenarios/cli-helpers.bash"
j() { jq -r "$2" "$1"; }

CORPUS=$ROOT/traces/bundled/corpus.pages
# 2 tasks of 4 MiB on 2 cores under one memcg of 4 MiB; explicit mm costs so
# the exact time assertions below do not follow the calibrated defaults
cat >u.json <<EOF
{ "workload": { "kind": "usemem", "streams": 2, "size": "4M", "passes": 3, "pattern": "random",
                "write": 0.5, "memcgs": 1, "max": "4M", "content": "$CORPUS", "zero": 0.02 },
  "timing": { "backend": "simgrid" },
  "hw": { "cpu": { "cores": 2 },
          "mm": { "access_ns": 50, "fault_ns": 1000, "scan_ns": 200, "unmap_ns": 800, "lru_lock_ns": 20 } },
  "report": { "progress": false } }
EOF

check "simgrid workload run" 0 "$BIN" run u.json -o a.json
same "accesses: 2 tasks x 1024 pages x 3 passes" "$(j a.json .workload.accesses)" 6144
check "same config, same report" 0 "$BIN" run u.json -o b.json
same "byte-identical apart from runtime and tool" "$(jq -S 'del(.runtime,.tool)' a.json | md5sum)" \
  "$(jq -S 'del(.runtime,.tool)' b.json | md5sum)"
# every fault costs fault_ns on its task's core
same "fault time = faults x hw.mm.fault_ns" "$(j a.json .workload.cpu_ns.fault)" \
  "$(j a.json '.workload.faults * 1000')"
# one task per core, no shrink worker: every ns of a task is in a category
same "time categories add up to the tasks' elapsed time" \
  "$(j a.json '[.workload.cpu_ns[]] | add')" "$(j a.json '[.workload.tasks[].elapsed_ns] | add')"
same "nothing waited for a core" "$(j a.json .workload.cpu_ns.runqueue)" 0
same "reclaim's CPU is in the hardware section" "$(j a.json '.hardware.cpu.total_ns.fault')" \
  "$(j a.json .workload.cpu_ns.fault)"
# the tasks start at seeded offsets below one think time (1000 ns; docs/workloads.md,
# "Jitter"): the run lasts from the first start to the last end
same "elapsed is the longest task plus at most one think time of start offset" \
  "$(j a.json '.workload.elapsed_ns - ([.workload.tasks[].elapsed_ns] | max) | . >= 0 and . < 1000')" true
check "simgrid workload run, no jitter" 0 "$BIN" run u.json --set workload.no_jitter=true -o nj.json
same "without jitter both tasks start at 0: elapsed is the longest task" \
  "$(j nj.json .workload.elapsed_ns)" "$(j nj.json '[.workload.tasks[].elapsed_ns] | max')"

# one task: nothing overlaps, the counters are the none backend's
check "one task, simgrid" 0 "$BIN" run u.json --set workload.streams=1 -o s1.json
check "one task, none" 0 "$BIN" run u.json --set workload.streams=1 --set timing.backend=none -o n1.json
same "one task: simgrid and none count the same" "$(jq -S .stats s1.json | md5sum)" \
  "$(jq -S .stats n1.json | md5sum)"
check "one task, every access executed" 0 "$BIN" run u.json --set workload.streams=1 \
  --set timing.cpu_quantum_ns=0 -o q0.json
same "the CPU quantum changes no counter of one task" "$(jq -S .stats q0.json | md5sum)" \
  "$(jq -S .stats s1.json | md5sum)"
same "... nor its time" "$(j q0.json .workload.elapsed_ns)" "$(j s1.json .workload.elapsed_ns)"

# tasks in memcgs of their own, one per core: what a task does depends on
# its own history only (its own content and dirty draws, its own CPU's LRU
# batch and charge stock), so the counters are the none backend's whatever
# the interleaving; only the pool's peaks, a sum over tasks, differ
check "4 independent tasks, simgrid" 0 "$BIN" run u.json --set workload.streams=4 \
  --set workload.memcgs=4 --set workload.max=2M --set hw.cpu.cores=4 -o i4s.json
check "4 independent tasks, none" 0 "$BIN" run u.json --set workload.streams=4 \
  --set workload.memcgs=4 --set workload.max=2M --set hw.cpu.cores=4 --set timing.backend=none -o i4n.json
peaks='del(.global.pool_total_size_peak, .global.stored_pages_peak)'
same "independent tasks: the same counters under both backends" \
  "$(jq -S ".stats | $peaks" i4s.json 2>/dev/null | md5sum)" "$(jq -S ".stats | $peaks" i4n.json | md5sum)"
same "... and they swapped" "$(j i4s.json '.workload.major_faults > 1000')" true

# at an equal compression ratio (the same codec, so the same compressed
# sizes), a faster compressor never lowers throughput: 4 tasks sharing one
# memcg, a core each (tasks sharing cores can finish later when the
# compressor gets faster: the run ends with its slowest task, and how the
# others crowd its core changes; docs/workload-runs.md), codec costs x4 .. x1/8
for f in 4 2 1 0.5 0.25 0.125; do
  c=$(awk -v f=$f 'BEGIN { print 5000 * f }')
  "$BIN" run u.json --set workload.streams=4 --set hw.cpu.cores=5 --set hw.codec.lzo.compress_ns=$c \
    --set hw.codec.lzo.decompress_ns=$c -o f-$f.json >/dev/null 2>&1
  echo "$f $(j f-$f.json .workload.throughput_bytes_per_s) $(j f-$f.json .stats.compression.ratio)"
done >speed
if [ "$(wc -l <speed)" -eq 6 ] && awk '$2 <= 0 || (NR > 1 && $2 < tp) { bad = 1 } { tp = $2 } END { exit bad }' speed; then
  pass "a faster compressor never lowered throughput (all above 0)"
else
  fail "throughput fell with a faster compressor:"; sed 's/^/    /' speed
fi

# memory pressure feeds back into throughput: a tighter memory.max means
# more major faults and a longer run (2 MiB would OOM-kill a task)
for m in 3M 4M 6M 8M; do
  "$BIN" run u.json --set workload.max=$m -o m-$m.json >/dev/null 2>&1
  echo "$m $(j m-$m.json .workload.major_faults) $(j m-$m.json .workload.elapsed_ns) $(j m-$m.json .workload.oom_kills)"
done >pressure
if [ "$(wc -l <pressure)" -eq 4 ] &&
   awk '$4 != 0 || (NR > 1 && ($2 >= mf || $3 >= el)) { bad = 1 } { mf = $2; el = $3 } END { exit bad }' pressure; then
  pass "more memory: fewer major faults and a shorter run"
else
  fail "pressure did not feed back:"; sed 's/^/    /' pressure
fi
same "no limit: no major fault" "$(j m-8M.json .workload.major_faults)" 0

# 4 tasks, a 1% pool and the shrinker: zswap writes back, the swap device
# writes asynchronously, and every write is accounted
cat >w.json <<EOF
{ "workload": { "kind": "usemem", "streams": 4, "size": "2M", "passes": 3, "pattern": "random",
                "write": 0.5, "memcgs": 1, "max": "4M", "content": "$CORPUS", "zero": 0.02 },
  "zswap": { "max_pool_percent": 1, "shrinker_enabled": true },
  "system": { "ram": "256M" },
  "timing": { "backend": "simgrid" },
  "hw": { "cpu": { "cores": 2 } },
  "report": { "progress": false } }
EOF
check "writeback run" 0 "$BIN" run w.json -o w.o.json
same "zswap wrote back" "$(j w.o.json '.stats.global.written_back_pages > 0')" true
same "every page written to disk went through the device" \
  "$(j w.o.json .hardware.swap_device.write_pages)" "$(j w.o.json .stats.global.pswpout)"
same "every write was asynchronous" "$(j w.o.json .simgrid.async_writes)" \
  "$(j w.o.json .hardware.swap_device.writes)"
same "no folio wait ended by the poll (no lost wakeup)" "$(j w.o.json .simgrid.folio_wait_polls)" 0
same "4 tasks on 2 cores waited for them" "$(j w.o.json '.workload.cpu_ns.runqueue > 0')" true
same "disk reads are waited for" "$(j w.o.json '.workload.cpu_ns.disk_wait > 0')" true

# reclaim batching: with IAA and 8-page calls, order-0 folios share calls
# only when reclaim hands zswap several folios at once
cat >i.json <<EOF
{ "base": "$ROOT/configs/hw/spr.json",
  "workload": { "kind": "usemem", "streams": 4, "size": "2M", "passes": 2, "pattern": "random",
                "write": 0.5, "memcgs": 1, "max": "4M", "content": "$CORPUS", "zero": 0.02 },
  "zswap": { "compressor": "deflate-iaa" },
  "batch": { "compress": 8 },
  "timing": { "backend": "simgrid" },
  "report": { "progress": false } }
EOF
check "IAA, one folio per store" 0 "$BIN" run i.json -o i1.json
check "IAA, 32 folios per store" 0 "$BIN" run i.json --set batch.reclaim_folios=32 -o i32.json
same "one folio per store: one call per page" "$(j i1.json .latency.compress_batch.count)" \
  "$(j i1.json .latency.compress_page.count)"
same "32 folios per store: up to 8 pages per call" \
  "$(j i32.json '.latency.compress_page.count > 4 * .latency.compress_batch.count')" true
same "reclaim batching cuts the tasks' compression time" \
  "$(jq -n --slurpfile a i1.json --slurpfile b i32.json \
    '$b[0].workload.cpu_ns.compress < $a[0].workload.cpu_ns.compress / 2')" true

bad "negative quantum" "timing.cpu_quantum_ns" "$BIN" run u.json --set timing.cpu_quantum_ns=-1 -o e.json
same "no report after errors" "$(ls e.json 2>/dev/null | wc -l)" 0

[ "$fails" -eq 0 ]
