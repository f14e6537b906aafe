#!/usr/bin/env bash
# zswapsim sweep, what a resumed or interrupted sweep must get right:
# - repetitions regenerate the workload: a sweep with "trace_gen" makes one
#   trace per seed (content-addressed under DIR/traces), the repetitions'
#   results differ, and summary-groups.csv gives mean, min, max and a 95 % CI;
# - the resume key holds the inputs' content: after the trace file changes
#   (same path, other content) every point runs again;
# - every point's whole setup is checked before anything runs (a bad policy,
#   policy parameter or memcg, a missing trace named by its resolved path):
#   exit 2 and no point started;
# - a FIFO at points/<id>/report.json does not hang --collect, and it and a
#   corrupt report are "corrupt", not "missing";
# - a SIGTERM after the last point finished but before the summary is written
#   (delivered by an LD_PRELOAD shim at the rename of summary.json) still
#   leaves a complete summary, with a message and exit 143 (128 + SIGTERM).
set -u
BIN=${BIN:-build/zswapsim}
REPO=$PWD
. tests/scenarios/lib/expect.sh
nreports() { ls "$1"/points/*/report.json 2>/dev/null | wc -l; }

# --- repetitions regenerate the workload -------------------------------------------
# a small zipf workload in the shape of configs/experiments/writeback.json
cat >"$T/reps.json" <<EOF
{"base": "$REPO/configs/experiments/writeback.json",
 "trace_gen": {"kind": "zipf", "options": {"streams": 4, "size": "2M", "accesses": 4096,
   "alpha": 0.9, "phases": 2, "think": 50000, "memcgs": 2, "max-pages": 64,
   "content": "$REPO/traces/bundled/writeback.pages"}},
 "set": {"system.ram": "4MiB"},
 "axes": [{"key": "policy.lru", "values": [{"name": "kernel"}, {"name": "fifo"}]}],
 "repetitions": 3,
 "metrics": ["stats.global.written_back_pages", "stats.global.zswpout"]}
EOF
"$BIN" sweep "$T/reps.json" -j 2 -o "$T/r" >"$T/out" 2>"$T/err"
expect "trace_gen sweep: 6 points run" "0 sweep: 6 points: 6 run, 0 skipped (already done), 0 failed; summary in $T/r/summary.json" \
	"$? $(cat "$T/out")"
expect "one generated trace per seed, named by its checksum" 3 \
	"$(ls "$T/r/traces" | grep -c '^zipf-[0-9a-f]\{16\}$')"
expect "each point replays the trace of its seed" \
	"1 2 3 1 2 3" \
	"$(for f in "$T"/r/points/*/report.json; do jq -r '.trace.path' "$f"; done | xargs -n1 dirname | xargs -n1 basename |
	   awk '{ if (!($0 in n)) n[$0] = ++k; printf "%s%d", (NR > 1 ? " " : ""), n[$0] }')"
expect "the repetitions' zswpout differ (another workload each)" 3 \
	"$(jq '[.points[:3][].metrics["stats.global.zswpout"]] | unique | length' "$T/r/summary.json")"
expect "summary.json: repeat_keys and two groups of 3" '["seed","trace_gen.seed"] 3 3' \
	"$(jq -c '.repeat_keys' "$T/r/summary.json") $(jq '.groups[0].metrics["stats.global.zswpout"].n' "$T/r/summary.json") $(jq '.groups[1].points | length' "$T/r/summary.json")"
expect "summary-groups.csv: header and two rows" 3 "$(wc -l <"$T/r/summary-groups.csv")"
# the group's mean, min, max and CI are those of its three points
expect "group 0: mean, min, max of its points; mean inside the CI" "true true true" \
	"$(jq -r '[.points[:3][].metrics["stats.global.zswpout"]] as $x | .groups[0].metrics["stats.global.zswpout"] |
		"\((.mean - ($x | add / 3)) | fabs < 1e-6) \(.min == ($x | min) and .max == ($x | max)) \(.ci95[0] < .mean and .mean < .ci95[1])"' "$T/r/summary.json")"
"$BIN" sweep "$T/reps.json" -j 2 -o "$T/r" >"$T/out" 2>/dev/null
expect "rerun: the same traces again, nothing to run" \
	"sweep: 6 points: 0 run, 6 skipped (already done), 0 failed; summary in $T/r/summary.json" "$(cat "$T/out")"

# the bundled sweep with repetitions (relative paths: its content resolves against the sweep file)
"$BIN" sweep configs/sweeps/writeback-seeds.json -o "$T/wbs" --list >"$T/out" 2>"$T/err"
expect "configs/sweeps/writeback-seeds.json: 40 points to do, 5 traces" "0 40 5" \
	"$? $(grep -c ' todo ' "$T/out") $(ls "$T/wbs/traces" | wc -l)"

# --- a changed trace reruns its points ---------------------------------------------------
mkdir -p "$T/t"
gen() {   # SEED: a small usemem trace at $T/t/w.zswt
	"$BIN" trace gen usemem --streams 3 --memcgs 3 --size 256K --passes 2 --pattern random \
		--write 0.5 --max-pages 32 --seed "$1" --quiet -o "$T/t/w.zswt"
}
gen 1
jq --arg t "$T/t/w.zswt" '.trace.path = $t' configs/experiments/replay-default.json >"$T/t/base.json"
cat >"$T/t/sweep.json" <<'EOF'
{"base": "base.json", "axes": [{"key": "zswap.max_pool_percent", "values": [10, 20]}]}
EOF
"$BIN" sweep "$T/t/sweep.json" -o "$T/s" >"$T/out" 2>/dev/null
expect "a sweep of a trace file" "sweep: 2 points: 2 run, 0 skipped (already done), 0 failed; summary in $T/s/summary.json" "$(cat "$T/out")"
gen 2   # the same path, another workload
"$BIN" sweep "$T/t/sweep.json" -o "$T/s" >"$T/out" 2>/dev/null
expect "the trace changed: both points run again" "sweep: 2 points: 2 run, 0 skipped (already done), 0 failed; summary in $T/s/summary.json" "$(cat "$T/out")"
expect "and their reports are of the new trace" "$("$BIN" trace info "$T/t/w.zswt" --json | jq -r .checksum | sed 's/^0x//')" \
	"$(jq -r .trace.checksum "$T"/s/points/*/report.json | sort -u)"

# --- the pre-pass: nothing runs before every point's setup is checked ---------------------
prepass() {   # NAME AXIS-JSON WANT-SUBSTRING
	printf '{"base": "%s/configs/experiments/replay-default.json", "axes": [%s]}\n' "$REPO" "$2" >"$T/bad.json"
	rm -rf "$T/b"
	"$BIN" sweep "$T/bad.json" -o "$T/b" >/dev/null 2>"$T/err"
	local rc=$?
	if [ "$rc" -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -qF -- "$3" "$T/err" &&
	   [ ! -e "$T/b/points" ]; then
		pass "$1"
	else
		fail "$1: exit $rc, want 2, one line with '$3' and no point started"; sed 's/^/    /' "$T/err"
	fi
}
prepass "an unknown policy in an axis: exit 2 before any point runs" \
	'{"key": "policy.lru", "values": [{"name": "kernel"}, {"name": "nosuch"}]}' \
	"point 001-"
prepass "... naming the policy" \
	'{"key": "policy.lru", "values": [{"name": "kernel"}, {"name": "nosuch"}]}' \
	"policy.lru: unknown policy 'nosuch' (known: kernel, fifo, lru, cold-first)"
prepass "a bad policy parameter" \
	'{"key": "policy.writeback", "values": [{"name": "proactive-age", "period_ns": 1}]}' \
	"period_ns"
prepass "an unknown memcg" '{"key": "memcg", "values": [{"usemem9": {"writeback": false}}]}' \
	"memcg.usemem9: the trace has no memcg of that name"
mkdir -p "$T/sub"
printf '{"base": "%s/configs/experiments/replay-default.json", "axes": [{"key": "trace.path", "values": ["../traces/none.zswt"]}]}\n' \
	"$REPO" >"$T/sub/trace.json"
"$BIN" sweep "$T/sub/trace.json" -o "$T/b" >/dev/null 2>"$T/err"
expect "a trace path in an axis resolves against the sweep file; missing: exit 2 with that path" \
	"2 $T/traces/none.zswt: No such file or directory" "$? $(grep -o "$T/traces/none.zswt: .*" "$T/err")"

# --- reports that are not regular files, or not reports ---------------------------------
ids=($(ls "$T/s/points"))
rm "$T/s/points/${ids[0]}/report.json"
mkfifo "$T/s/points/${ids[0]}/report.json"
echo '{"schema": ' >"$T/s/points/${ids[1]}/report.json"
timeout 20 "$BIN" sweep --collect "$T/s" >"$T/out" 2>"$T/err"
expect "a FIFO report.json does not hang --collect (exit 1, not a timeout)" 1 $?
expect "the FIFO is corrupt: not a regular file" "corrupt $T/s/points/${ids[0]}/report.json: not a regular file" \
	"$(jq -r '.points[0] | "\(.status) \(.error)"' "$T/s/summary.json")"
expect "a report that is not JSON is corrupt, not missing" "corrupt" "$(jq -r '.points[1].status' "$T/s/summary.json")"
expect "summary.csv says so too" "${ids[1]},corrupt" "$(sed -n 3p "$T/s/summary.csv" | cut -d, -f1-2)"

# --- SIGTERM between the last point and the summary ------------------------------------
cat >"$T/shim.c" <<'EOF'
/* rename() of DIR/summary.json first sends the process a SIGTERM */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <string.h>
int rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	size_t n = strlen(to);
	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	if (n >= 13 && !strcmp(to + n - 13, "/summary.json"))
		raise(SIGTERM);
	return real(from, to);
}
EOF
if ${CC:-cc} -shared -fPIC -o "$T/shim.so" "$T/shim.c" -ldl 2>"$T/err"; then
	LD_PRELOAD="$T/shim.so" ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
		"$BIN" sweep "$T/t/sweep.json" -o "$T/g" >"$T/out" 2>"$T/err"
	expect "SIGTERM before the summary: exit 128 + SIGTERM, not killed" 143 $?
	expect "the summary is complete" "ok ok" "$(jq -r '[.points[].status] | join(" ")' "$T/g/summary.json" 2>&1)"
	expect "and it says what happened" "zswapsim: interrupted (SIGTERM) after the last point finished: the summary is complete" \
		"$(grep SIGTERM "$T/err")"
else
	fail "cannot build the LD_PRELOAD shim"; cat "$T/err"
fi


# --- a bad trace_gen option: one line with one prefix, naming the point -----------------
cat >"$T/badgen.json" <<EOF
{"base": "$REPO/configs/experiments/writeback.json",
 "trace_gen": {"kind": "zipf", "options": {"streams": 4, "size": "2M", "alpha": -3,
   "content": "$REPO/traces/bundled/writeback.pages"}},
 "axes": [{"key": "policy.lru", "values": [{"name": "kernel"}]}],
 "metrics": ["stats.global.zswpout"]}
EOF
"$BIN" sweep "$T/badgen.json" -o "$T/bg" >"$T/out" 2>"$T/err"
expect "bad trace_gen option: exit 2, one line" "2 1" "$? $(wc -l <"$T/err")"
expect "... with one zswapsim: prefix, naming the point and the generator" "1 1" \
	"$(grep -o 'zswapsim:' "$T/err" | wc -l) $(grep -c ': trace_gen of point 000-[0-9a-f]* (policy.lru=.*): trace gen zipf: ' "$T/err")"

[ "$fails" -eq 0 ]
