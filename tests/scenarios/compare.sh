#!/usr/bin/env bash
# zswapsim compare: identical reports pass (exit 0) whatever their runtime
# section; an edited counter fails (exit 1) and the table names it with old,
# new and change; timings pass within 2 % and fail beyond; a tolerance file
# widens or narrows that; config and trace changes are warnings; bad input
# exits 2 with one line on stderr.  Uses the hand-written sample reports in
# tests/data/ and two runs of configs/experiments/replay-default.json.
set -u
BIN=${BIN:-build/zswapsim}
NONE=tests/data/report-none.json
SG=tests/data/report-simgrid.json
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
expect() {   # NAME WANT GOT
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$3', want '$2'"; fi
}
edit() {   # IN OUT JQ-FILTER
	jq "$3" "$1" >"$2"
}
cmp_() {   # compare args...: sets rc, output in $T/out, $T/err
	"$BIN" compare "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# --- identical -----------------------------------------------------------------
cmp_ "$NONE" "$NONE"
expect "identical reports: exit 0" 0 "$rc"
expect "identical reports: verdict" "OK: 111 metrics compared, 0 moved within tolerance" "$(cat "$T/out")"
edit "$SG" "$T/rt.json" '.runtime.wall_seconds = 7.5 | .runtime.peak_rss_kb = 1 | .tool.git_rev = "000000000000"'
cmp_ "$SG" "$T/rt.json"
expect "runtime.* and tool.* are ignored" "0 OK: 230 metrics compared, 0 moved within tolerance" "$rc $(cat "$T/out")"

# --- an edited counter ------------------------------------------------------------
edit "$NONE" "$T/wb.json" '.stats.global.written_back_pages = 1338'
cmp_ "$NONE" "$T/wb.json"
expect "changed counter: exit 1" 1 "$rc"
expect "the table names it with old, new, change" \
	"stats.global.written_back_pages 1337 1338 +1 (+0.07%) exact FAIL" \
	"$(grep '^stats.global.written_back_pages ' "$T/out" | tr -s ' ')"
expect "verdict" "FAIL: 1 of 111 metrics outside tolerance (1 moved)" "$(tail -1 "$T/out")"
edit "$NONE" "$T/ts.json" '.timeseries.rows[3][0] = 8103'
cmp_ "$NONE" "$T/ts.json"
expect "a time-series sample is named by field and index" "1 timeseries.stored_pages[3] 8102 8103" \
	"$rc $(grep '^timeseries' "$T/out" | tr -s ' ' | cut -d' ' -f1-3)"
edit "$NONE" "$T/rm.json" 'del(.stats.memcg.workload.zswpin)'
cmp_ "$NONE" "$T/rm.json"
expect "a metric that disappeared fails" "1 stats.memcg.workload.zswpin 4021 - removed missing FAIL" \
	"$rc $(grep '^stats.memcg' "$T/out" | tr -s ' ')"

# --- timings: 2 % by default ---------------------------------------------------------
edit "$SG" "$T/lat.json" '.latency.load.p99_ns = 6242 | .latency.store_folio.p50_ns = 2950'
cmp_ "$SG" "$T/lat.json"
expect "p99 +1.99 % passes, p50 +2.08 % fails" "1 latency.store_folio.p50_ns FAIL latency.load.p99_ns ok" \
	"$rc $(grep '^latency' "$T/out" | awk '{printf "%s%s %s", (NR > 1 ? " " : ""), $1, $NF}')"
edit "$SG" "$T/cnt.json" '.stats.global.zswpout = 15400'
cmp_ "$SG" "$T/cnt.json"
expect "counters get 2 % off the none backend" "0 stats.global.zswpout rel 2% ok" \
	"$rc $(grep '^stats' "$T/out" | awk '{print $1, $(NF-2), $(NF-1), $NF}')"

# --- tolerance files -----------------------------------------------------------------
cat >"$T/tol.json" <<'EOF'
{"comment": "wider for writeback, exact for load latency",
 "stats.global.written_back_pages": {"abs": 5},
 "latency.load.*": {"rel": 0},
 "latency.*": {"rel": 0.10}}
EOF
# (a rule must match a key: the none report has no latency section)
jq 'del(.["latency.*"], .["latency.load.*"])' "$T/tol.json" >"$T/tolnone.json"
edit "$NONE" "$T/wb3.json" '.stats.global.written_back_pages = 1340'
cmp_ "$NONE" "$T/wb3.json" --tolerance "$T/tolnone.json"
expect "abs 5 lets +3 pass" "0 abs 5" "$rc $(grep '^stats.global.written_back_pages' "$T/out" | awk '{print $(NF-2), $(NF-1)}')"
edit "$NONE" "$T/wb9.json" '.stats.global.written_back_pages = 1346'
cmp_ "$NONE" "$T/wb9.json" --tolerance "$T/tolnone.json"
expect "abs 5 fails +9" 1 "$rc"
cmp_ "$SG" "$T/lat.json" --tolerance "$T/tol.json"
expect "longest glob wins: latency.load.* exact fails, latency.* 10 % passes" \
	"1 latency.load.p99_ns FAIL latency.store_folio.p50_ns ok" \
	"$rc $(grep '^latency' "$T/out" | awk '{printf "%s%s %s", (NR > 1 ? " " : ""), $1, $NF}')"
echo '{"stats.*": {"ignore": true}}' >"$T/ign.json"
cmp_ "$NONE" "$T/wb.json" --tolerance "$T/ign.json"
expect "ignore" "0 OK: 58 metrics compared, 0 moved within tolerance" "$rc $(cat "$T/out")"

# --- one-sided rules: a gate against regressions passes an improvement ----------------------
echo '{"stats.global.written_back_pages": {"max_increase": 0.05}}' >"$T/inc.json"
edit "$NONE" "$T/better.json" '.stats.global.written_back_pages = 749'
cmp_ "$NONE" "$T/better.json" --tolerance "$T/inc.json"
expect "max_increase: -44 % passes" "0 +5%|-any ok" \
	"$rc $(grep '^stats.global.written_back_pages' "$T/out" | awk '{print $(NF-1), $NF}')"
edit "$NONE" "$T/worse.json" '.stats.global.written_back_pages = 1404'
cmp_ "$NONE" "$T/worse.json" --tolerance "$T/inc.json"
expect "max_increase: +5.01 % fails" 1 "$rc"
echo '{"*": {"ignore": true}}' >"$T/all.json"
cmp_ "$NONE" "$NONE" --tolerance "$T/all.json"
expect "a comparison of nothing fails" "1 FAIL: no metric compared (every key of BASE is ignored or not a metric)" \
	"$rc $(cat "$T/out")"

# --- warnings --------------------------------------------------------------------------
edit "$NONE" "$T/cfg.json" '.config.zswap.max_pool_percent = 25 | .trace.checksum = "00000000deadbeef" | .config_hash = "0000000000000001"'
cmp_ "$NONE" "$T/cfg.json"
expect "config and trace changes warn, do not fail" \
	"0|warning: config differs in 1 key: zswap.max_pool_percent|warning: trace checksum differs: 9a3c51e07d2b4f18 -> 00000000deadbeef" \
	"$rc|$(head -2 "$T/out" | paste -sd'|')"

# --- sweep summaries ---------------------------------------------------------------------
cat >"$T/s1.json" <<'EOF'
{"schema": "zswapsim-sweep/1", "axes": ["zswap.max_pool_percent"], "base_config": {"timing": {"backend": "none"}},
 "points": [{"id": "000-1a2b3c4d", "axes": {"zswap.max_pool_percent": 10}, "status": "ok",
             "metrics": {"stats.global.written_back_pages": 120}},
            {"id": "001-5e6f7a8b", "axes": {"zswap.max_pool_percent": 20}, "status": "ok",
             "metrics": {"stats.global.written_back_pages": 0}}]}
EOF
edit "$T/s1.json" "$T/s2.json" '.points[1].metrics["stats.global.written_back_pages"] = 4'
cmp_ "$T/s1.json" "$T/s2.json"
expect "summaries: a point's metric" "1 001-5e6f7a8b:stats.global.written_back_pages 0 4" \
	"$rc $(grep '^001' "$T/out" | awk '{print $1, $2, $3}')"

# --- real runs: two runs of the default experiment are identical --------------------------
"$BIN" run configs/experiments/replay-default.json -q --set timing.backend='"none"' -o "$T/r1.json" >/dev/null 2>&1 &&
	"$BIN" run configs/experiments/replay-default.json -q --set timing.backend='"none"' -o "$T/r2.json" >/dev/null 2>&1
expect "two runs of configs/experiments/replay-default.json" 0 $?
cmp_ "$T/r1.json" "$T/r2.json"
expect "are equal but for runtime" "0 OK" "$rc $(cut -d: -f1 "$T/out")"
jq '.stats.global.zswpout += 1' "$T/r1.json" >"$T/r3.json"
cmp_ "$T/r1.json" "$T/r3.json"
expect "and an edited zswpout fails" "1 stats.global.zswpout" "$rc $(grep -o '^stats.global.zswpout' "$T/out")"

# --- bad input --------------------------------------------------------------------------
bad() {   # NAME SUBSTRING ARGS...
	local name=$1 want=$2; shift 2
	"$BIN" compare "$@" >"$T/out" 2>"$T/err"
	local rc=$?
	if [ "$rc" -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -qF -- "$want" "$T/err"; then
		pass "$name"
	else
		fail "$name: exit $rc, want 2 and one line with '$want'"; sed 's/^/    /' "$T/err"
	fi
}
bad "missing file" "$T/nope.json: cannot open" "$NONE" "$T/nope.json"
echo '{"schema": "something-else/1"}' >"$T/other.json"
bad "not a report" "not a zswapsim report or sweep summary" "$NONE" "$T/other.json"
echo '{"stats": ' >"$T/broken.json"
bad "broken JSON" "bad JSON" "$T/broken.json" "$NONE"
bad "report vs summary" "cannot compare a report with a sweep summary" "$NONE" "$T/s1.json"
echo '{"stats.*": {"rel": "2%"}}' >"$T/badtol.json"
bad "bad tolerance rule" "\"stats.*\": bad entry \"rel\"" "$NONE" "$NONE" --tolerance "$T/badtol.json"
bad "missing tolerance file" "cannot open tolerance file" "$NONE" "$NONE" --tolerance "$T/nope.json"
echo '{"stats.global.writen_back_pages": {"rel": 0.05}}' >"$T/typo.json"
bad "a rule that matches no metric" \
	"rule \"stats.global.writen_back_pages\" matches no metric of either document (nearest: stats.global.written_back_pages," \
	"$NONE" "$NONE" --tolerance "$T/typo.json"
edit "$NONE" "$T/v2.json" '.schema = "zswapsim-report/2"'
bad "schema versions differ" "schema differs: zswapsim-report/1 -> zswapsim-report/2" "$NONE" "$T/v2.json"
cmp_ "$NONE" "$T/v2.json" --allow-schema-change
expect "unless asked for: a warning" "0 warning: schema differs: zswapsim-report/1 -> zswapsim-report/2" \
	"$rc $(head -1 "$T/out")"
bad "one argument" "compare: expected BASE.json NEW.json" "$NONE"
bad "unknown option" "compare: unknown option '--tol'" "$NONE" "$NONE" --tol x

[ "$fails" -eq 0 ]
