#!/usr/bin/env bash
# An open replay in which no two operations overlap gives the same state under
# the simgrid backend as under the none backend: stats.global and stats.memcg
# are equal key by key (docs/models.md, "When the backends agree").  Uses
# configs/simgrid/equality.json: two streams, pool-limit hits, shrink-worker
# writeback, disk swap-ins, a memcg without writeback.  Also checks that the
# simgrid report carries its sections and that the run is deterministic.
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
expect "writeback latency = decompress 3656 + disk write 18000 + 2048 ns (lzo defaults, 1 page)" 23704 \
	"$(jq '.latency.writeback.p50_ns' "$T/sg.json")"
expect "elapsed = last record (600 ms) + nothing pending" 600000000 "$(jq '.elapsed_ns' "$T/sg.json")"
# deterministic: same inputs, same report (the runtime section aside)
diff <(jq -S 'del(.runtime)' "$T/sg.json") <(jq -S 'del(.runtime)' "$T/sg2.json") >"$T/det" 2>&1
expect "two simgrid runs give the same report" "" "$(cat "$T/det")"

[ "$fails" = 0 ]
