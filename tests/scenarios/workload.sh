#!/usr/bin/env bash
# Workload runs (`workload` section) end to end with the `none` backend: a
# generator inside `run`, the same accesses from a file, determinism, the
# properties reclaim must have, and bad input (one line, exit 2, no report).
set -u
BIN=${BIN:-build/zswapsim}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=$(pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$T"
. "$ROOT/tests/scenarios/cli-helpers.bash"

CORPUS=$ROOT/traces/bundled/corpus.pages
# 2 tasks of 4 MiB under one memcg of 4 MiB: every page goes out once at
# least, random passes fault them back
cat >u.json <<EOF
{ "workload": { "kind": "usemem", "streams": 2, "size": "4M", "passes": 3, "pattern": "random",
                "write": 0.5, "memcgs": 1, "max": "4M", "content": "$CORPUS", "zero": 0.02 },
  "report": { "progress": false } }
EOF
j() { jq -r "$2" "$1"; }

check "usemem workload run" 0 "$BIN" run u.json -o a.json
has "summary names the workload" out "  workload   usemem: 2 tasks, 6144 accesses of 24.0 MiB (backend none: no time passes, so no throughput; --set timing.backend=simgrid)"
has "summary: the faults by kind" out "  faults     $(j a.json .workload.faults): $(j a.json .workload.major_faults) major (swap-ins), $(j a.json .workload.minor_faults) minor (swap cache), $(j a.json .workload.first_touches) first touches, $(j a.json .workload.zero_page_faults) zero-page reads; 0 OOM kills"
same "no OOM kill: the four kinds add up to the faults" \
  "$(j a.json '.workload | .major_faults + .minor_faults + .first_touches + .zero_page_faults == .faults')" true
has "summary: the memcg's events" out "  memcg      usemem0: events high 0, max $(j a.json .stats.memcg.usemem0.max), oom_kill 0; pgscan $(j a.json .stats.memcg.usemem0.pgscan), pgsteal $(j a.json .stats.memcg.usemem0.pgsteal), workingset_refault_anon $(j a.json .stats.memcg.usemem0.workingset_refault_anon)"
same "accesses: 2 tasks x 1024 pages x 3 passes" "$(j a.json .workload.accesses)" 6144
same "first touches: every page once" "$(j a.json .workload.first_touches)" 2048
same "no trace section" "$(j a.json '.trace // "none"')" none
# the kernel counters agree with each other
same "every swap-out went somewhere" \
  "$(j a.json '.stats.global | .zswpout + .swpout_zero + .pswpout + .sim_reactivated_pages')" \
  "$(j a.json '.stats.memcg.usemem0.pgsteal - .stats.memcg.usemem0.sim_swapcache_drop')"
same "every major fault read a page" "$(j a.json .workload.major_faults)" \
  "$(j a.json '.stats.memcg.usemem0.pgmajfault')"

check "same config, same report" 0 "$BIN" run u.json -o b.json
same "byte-identical apart from runtime and tool" "$(jq -S 'del(.runtime,.tool)' a.json | md5sum)" \
  "$(jq -S 'del(.runtime,.tool)' b.json | md5sum)"

# the same accesses from an access trace give the same counters
check "trace gen usemem --access" 0 "$BIN" trace gen usemem --streams 2 --size 4M --passes 3 \
  --pattern random --write 0.5 --memcgs 1 --max 4M --content "$CORPUS" --zero 0.02 --seed 1 \
  --access --quiet -o u.zswa
cat >f.json <<EOF
{ "workload": { "kind": "file", "path": "u.zswa" }, "report": { "progress": false } }
EOF
check "file workload run" 0 "$BIN" run f.json -o f.json.out
same "file gives the generator's counters" "$(jq -S '.stats.global' a.json | md5sum)" \
  "$(jq -S '.stats.global' f.json.out | md5sum)"

# no limit: nothing is reclaimed, nothing swapped
check "no memory.max" 0 "$BIN" run u.json --set workload.max=0 -o n.json
same "no limit: no swap-out" "$(j n.json '.stats.global.zswpout + .stats.global.pswpout')" 0
same "no limit: no scan" "$(j n.json .stats.memcg.usemem0.pgscan)" 0

# cgroup v2 charges zswap to the memcg: a better ratio never reclaims more
prev=
for c in lz4 lzo zstd; do
  "$BIN" run u.json --set zswap.compressor=$c -o r-$c.json >/dev/null
  echo "$(j r-$c.json .stats.compression.ratio) $(j r-$c.json .stats.memcg.usemem0.pgsteal) $c"
done | sort -n >ratios
if [ "$(wc -l <ratios)" -eq 3 ] && awk 'NR > 1 && $2 > last { bad = 1 } { last = $2 } END { exit bad }' ratios; then
  pass "v2: reclaim does not grow with the compression ratio"
else
  fail "v2: reclaim grew with a better ratio:"; sed 's/^/    /' ratios
fi

# v1 does not charge zswap: the pool can exceed memory.max without OOM
check "v1 run" 0 "$BIN" run u.json --set system.cgroup=v1 -o v1.json
same "v1: no memsw limit, no OOM" "$(j v1.json .workload.oom_kills)" 0
# (v2 charges zswap by force, past memory.max; v1 charges only folios)
same "v1: memory.max held" "$(j v1.json '.stats.memcg.usemem0.memory_peak <= 4194304')" true

# one access: the summary counts in the singular, and with nothing stored there is no ratio
"$BIN" trace gen usemem --size 4K --passes 1 --access --content "$ROOT/traces/bundled/default.pages" \
  --quiet -o one.txt
echo '{"workload": {"kind": "file", "path": "one.txt"}}' >one.json
"$BIN" run one.json -o one.r.json >out 2>&1
has "one access: singular" out "  workload   file: 1 task, 1 access of 0.0 MiB (backend none: no time passes, so no throughput; --set timing.backend=simgrid)"
has "one access: one first touch" out "  faults     1: 0 major (swap-ins), 0 minor (swap cache), 1 first touch, 0 zero-page reads; 0 OOM kills"
has "nothing stored: no ratio" out "  stores     zswpout 0 pages in 0 folios, swpout_zero 0, compressor lzo (ratio n/a: nothing stored)"
# reads of untouched pages map the zero page (do_anonymous_page()): faults,
# no first touch; a PMD block's read maps the huge zero page in one fault,
# and the write after the 4 KiB zero page's read is a first touch
{ printf '# zswapsim-access 1\n# page_size 4096\n# task 0 1024\n# memcg 0 wl -1 1024 0\n'
  printf '# ram_pages 0\n# seed 1\n# zero 0\n# same 0\n# random 0\n# dirty 0\n'
  printf '# columns time_ns op vpage order task memcg arg flags\n'
  printf '1000 read 0 0 0 0 0 -\n2000 read 1 0 0 0 0 -\n3000 write 1 0 0 0 draw -\n'
  printf '4000 read 512 9 0 0 0 -\n5000 read 700 9 0 0 0 -\n6000 exit 0 0 0 0 0 -\n'; } >zero.txt
echo '{"workload": {"kind": "file", "path": "zero.txt", "content": "'"$ROOT"'/traces/bundled/default.pages"}}' >zero.json
"$BIN" run zero.json -o zero.r.json >out 2>&1
has "zero-page reads: three faults of their own kind" out "  faults     4: 0 major (swap-ins), 0 minor (swap cache), 1 first touch, 3 zero-page reads; 0 OOM kills"
same "zero-page reads: the report's keys" \
  "$(jq -c '.workload | [.faults, .first_touches, .zero_page_faults, .accesses]' zero.r.json)" '[4,1,3,5]'

# bad input
bad "workload and trace" "both trace.path and a workload section" \
  "$BIN" run u.json --set trace.path=x.zswt -o e.json
bad "unknown generator option" "workload.stream: not an option of usemem" \
  "$BIN" run u.json --set workload.stream=4 -o e.json
bad "bad generator value" "workload.size:" "$BIN" run u.json --set workload.size=lots -o e.json
bad "v1 knob under v2" "memsw_max is a cgroup v1 file" \
  "$BIN" run u.json --set memcg.usemem0.memsw_max=8M -o e.json
bad "v2 knob under v1" "memory_high and memory_swap_max are cgroup v2 files" \
  "$BIN" run u.json --set system.cgroup=v1 --set memcg.usemem0.memory_high=8M -o e.json
bad "zswap knobs under v1" "zswap_max and writeback are cgroup v2 files" \
  "$BIN" run u.json --set system.cgroup=v1 --set memcg.usemem0.zswap_max=1M -o e.json
bad "zswap.writeback under v1" "zswap_max and writeback are cgroup v2 files" \
  "$BIN" run u.json --set system.cgroup=v1 --set memcg.usemem0.writeback=false -o e.json
bad "memcg the workload lacks" "memcg.nosuch: the workload has no memcg" \
  "$BIN" run u.json --set memcg.nosuch.memory_max=8M -o e.json
bad "unknown kind" "workload.kind: 'nosuch'" "$BIN" run u.json --set workload.kind=nosuch -o e.json
# a generator's bad value names its key and range in one line, and a
# command-line spelling names the config's (before: "bad arguments (want
# 1 <= memcgs <= streams <= 65535, ...)" for any of them)
bad "streams 0: key and range" "zswapsim: workload.streams: 0 is not in 1..65535" \
  "$BIN" run u.json --set workload.streams=0 -o e.json
bad "write 2: key and range" "zswapsim: workload.write: 2 is not in 0..1" \
  "$BIN" run u.json --set workload.write=2 -o e.json
bad "memcgs above streams" "zswapsim: workload.memcgs: 3 is not in 1..2" \
  "$BIN" run u.json --set workload.memcgs=3 -o e.json
bad "pattern" "zswapsim: workload.pattern: 'zigzag' is not seq or random" \
  "$BIN" run u.json --set workload.pattern=zigzag -o e.json
bad "no-jitter: the config spells it no_jitter" "workload.no-jitter: not a key of a workload; the config spells usemem's option --no-jitter as no_jitter" \
  "$BIN" run u.json --set workload.no-jitter=true -o e.json
bad "trace gen: passes out of range named" "zswapsim: trace gen usemem: --passes: 1000000000 is not in 1..1000000" \
  "$BIN" trace gen usemem --size 1M --passes 1000000000 --quiet -o e.zswt
bad "trace gen zipf: alpha out of range named" "zswapsim: trace gen zipf: --alpha: 11 is not in 0..10" \
  "$BIN" trace gen zipf --size 1M --alpha 11 --quiet -o e.zswt
# every generator message names the config's key in a workload run (before:
# "--jitter 2: want 0 <= F <= 1", "unknown test 'nope' (try --help for the
# names)", "workload.start_offset: --start-offset: '-1' ...")
bad "jitter: key and range" "zswapsim: workload.jitter: 2 is not in 0..1" \
  "$BIN" run u.json --set workload.jitter=2 -o e.json
bad "orders: key" "zswapsim: workload.orders: 'x' is not ORDER:WEIGHT,... with orders 0..9" \
  "$BIN" run u.json --set workload.orders=x -o e.json
bad "content mix: keys" "zswapsim: workload.zero + workload.same + workload.random: 0.5 + 0.6 + 0 is more than 1" \
  "$BIN" run u.json --set workload.zero=0.5 --set workload.same=0.6 -o e.json
bad "start_offset: key once" "zswapsim: workload.start_offset: '-1' is not a non-negative integer" \
  "$BIN" run u.json --set workload.start_offset=-1 -o e.json
echo '{ "workload": { "kind": "selftest", "name": "nope" } }' >st.json
bad "selftest name: key and the names" "zswapsim: workload.name: 'nope' is not a test; the tests are zswap_usage, swapin_nozswap," \
  "$BIN" run st.json -o e.json
bad "selftest ram: key and range" "zswapsim: workload.ram: 1024 is not in 262144..4294967296" \
  "$BIN" run st.json --set workload.name=no_kmem_bypass --set workload.ram=1K -o e.json
# a memory.max or RAM limit below one page meant no limit at all
bad "workload.max 4095" "zswapsim: workload.max: 4095 bytes is less than a page (4096); 0 means no limit" \
  "$BIN" run u.json --set workload.max=4095 -o e.json
bad "trace gen usemem --max 1" "zswapsim: trace gen usemem: --max: 1 bytes is less than a page (4096); 0 means no limit" \
  "$BIN" trace gen usemem --size 1M --max 1 --quiet -o e.zswt
bad "trace gen zipf --ram 1" "zswapsim: trace gen zipf: --ram: 1 bytes is less than a page (4096); 0 means no limit" \
  "$BIN" trace gen zipf --size 1M --ram 1 --quiet -o e.zswt
check "workload.max 4096 is one page" 0 "$BIN" run u.json --set workload.max=4096 --set workload.size=64K -o e.json
rm -f e.json
# a think time whose stream passes 2^63 - 1 ns: before, exit 0 under simgrid
# with elapsed_ns clamped to 2^63 - 1 (and "reclaim model: stream time went
# backwards" from trace gen)
bad "think past 2^63 ns, simgrid" "zswapsim: workload.think: 4611686018427387904 ns between the 512 accesses of a stream" \
  "$BIN" run u.json --set workload.think=4611686018427387904 --set workload.size=1M \
  --set workload.streams=1 --set workload.memcgs=1 --set workload.passes=2 --set timing.backend=simgrid -o e.json
bad "think past 2^63 ns, trace gen" "zswapsim: trace gen usemem: --think: 4611686018427387904 ns between the 512 accesses" \
  "$BIN" trace gen usemem --size 1M --think 4611686018427387904 --quiet -o e.zswt
# the documented limits themselves: 65535 tasks (task indices are u16, with
# 65535 marking the gaps between tasks' pages) ran into "reclaim: bad
# parameters (tasks 65535, ...)"; the tasks' pages may add up to 2^32 - 2
# (2^32 - 1 is the reclaim model's "no page"), said up front with the file
# (no memory.max: under u.json's 4M each of the 65535 OOM kills would look
# at every task, 20 s instead of 2)
check "65535 streams, the maximum, run" 0 "$BIN" run u.json --set workload.streams=65535 \
  --set workload.size=4K --set workload.passes=1 --set workload.memcgs=1 --set workload.max=0 \
  -o big.json
rm -f big.json
{ echo "# zswapsim-access 1"; echo "# page_size 4096"; echo "# task 0 4294967295"
  echo "# memcg 0 m0 -1 0 0"; printf '# %s 0\n' ram_pages seed zero same random dirty
  echo "# columns time_ns op vpage order task memcg arg flags"; echo "0 write 0 0 0 0 draw -"; } >huge.txt
echo '{"workload": {"kind": "file", "path": "huge.txt", "swap": "1G"}}' >huge.json
bad "task pages 2^32 - 1: the limit, with the file" "zswapsim: huge.txt: the tasks' address spaces add up to 4294967295 pages (each task's first page aligned to 512); at most 4294967294" \
  "$BIN" run huge.json -o e.json
same "no report after errors" "$(ls e.json 2>/dev/null | wc -l)" 0

[ "$fails" -eq 0 ]
