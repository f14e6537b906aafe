#!/usr/bin/env bash
# zswapsim sweep: the bundled 12-point sweep (4 pool limits x 3 codecs over
# configs/experiments/replay-default.json, none backend) runs with -j 2; deleted points and an
# interrupted sweep resume without rerunning finished points (their reports
# are back-dated to 2000-01-01 first: a point that ran again would have a new
# file with a current mtime); a
# failing point is reported and does not stop the others; the GNU parallel job
# list runs and --collect gives the same summary; the Slurm script is valid
# bash; bad sweep files exit 2.  A wrapper standing in for the binary (sweeps
# re-execute their own argv[0]) holds or fails chosen points deterministically.
set -u
BIN=${BIN:-build/zswapsim}
SWEEP=${SWEEP:-configs/sweeps/default-pool-codec.json}
PY=python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
expect() {   # NAME WANT GOT
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$3', want '$2'"; fi
}
backdate() { touch -d '2000-01-01 00:00:00 UTC' "$1"/points/*/report.json; }
# reports still back-dated, i.e. not rewritten since backdate
untouched() { stat -c %Y "$1"/points/*/report.json 2>/dev/null | grep -cx 946684800; }
nreports() { ls "$1"/points/*/report.json 2>/dev/null | wc -l; }

# --- the plan ------------------------------------------------------------------
"$BIN" sweep "$SWEEP" -o "$T/a" --list >"$T/out" 2>&1
expect "--list: 12 points to do, nothing written" "12 12 no" \
	"$(wc -l <"$T/out") $(grep -c '^[0-9]\{3\}-[0-9a-f]\{8\} todo {"zswap.max_pool_percent":[0-9]*,"zswap.compressor":"[a-z0-9]*"}$' "$T/out") $([ -e "$T/a" ] && echo yes || echo no)"

# --- a full run with -j 2 ------------------------------------------------------
"$BIN" sweep "$SWEEP" -j 2 -o "$T/a" >"$T/out" 2>"$T/err"
expect "12 points run with -j 2 (exit 0)" 0 $?
expect "stdout counts them" "sweep: 12 points: 12 run, 0 skipped (already done), 0 failed; summary in $T/a/summary.json" "$(cat "$T/out")"
expect "one stderr line per finished point" 12 "$(grep -c '^sweep: \[[0-9]*/12\] [0-9]\{3\}-[0-9a-f]\{8\} ok ' "$T/err")"
expect "12 reports" 12 "$(nreports "$T/a")"
expect "summary.csv: header + 12 rows" 13 "$(wc -l <"$T/a/summary.csv")"
expect "csv header" "id,status,zswap.max_pool_percent,zswap.compressor,stats.global.written_back_pages,stats.global.pool_total_size_peak,stats.global.stored_pages_peak,stats.global.pool_limit_hit,stats.global.reject_compress_poor,stats.global.zswpout,stats.global.zswpin,stats.global.pswpin,stats.global.sim_compressed_bytes,error" "$(head -1 "$T/a/summary.csv")"
# every summary value is the one in its point's report, every axis value the one set
"$PY" - "$T/a" <<'EOF' >"$T/check" 2>&1
import json, sys, os
d = sys.argv[1]
s = json.load(open(os.path.join(d, "summary.json")))
assert s["schema"] == "zswapsim-sweep/1", s["schema"]
assert s["axes"] == ["zswap.max_pool_percent", "zswap.compressor"], s["axes"]
pts = s["points"]
assert len(pts) == 12 and all(p["status"] == "ok" for p in pts)
combos = [(p["axes"]["zswap.max_pool_percent"], p["axes"]["zswap.compressor"]) for p in pts]
assert combos == [(m, c) for m in (5, 10, 20, 40) for c in ("lzo", "lz4", "zstd")], combos
for i, p in enumerate(pts):
    assert p["id"].startswith("%03d-" % i), p["id"]
    rep = json.load(open(os.path.join(d, "points", p["id"], "report.json")))
    assert rep["config"]["zswap"]["max_pool_percent"] == p["axes"]["zswap.max_pool_percent"]
    assert rep["config"]["zswap"]["compressor"] == p["axes"]["zswap.compressor"]
    assert rep["config"]["timing"]["backend"] == "none"
    # points run two at a time: no codec workers of their own
    assert rep["runtime"]["codec_threads"] == 0, rep["runtime"]
    for m, v in p["metrics"].items():
        node = rep
        for k in m.split("."):
            node = node[k]
        assert node == v, (p["id"], m, node, v)
print("consistent")
EOF
expect "summary values = report values, axes = configs" consistent "$(cat "$T/check")"

# --- resume after deleting three points ------------------------------------------
backdate "$T/a"
ids=($(ls "$T/a/points"))
rm "$T/a/points/${ids[1]}/report.json" "$T/a/points/${ids[5]}/report.json" "$T/a/points/${ids[9]}/report.json"
"$BIN" sweep "$SWEEP" -j 2 -o "$T/a" >"$T/out" 2>"$T/err"
expect "resume exits 0" 0 $?
expect "only the 3 deleted points run" "sweep: 12 points: 3 run, 9 skipped (already done), 0 failed; summary in $T/a/summary.json" "$(cat "$T/out")"
expect "the 3 that ran are the deleted ones" "${ids[1]} ${ids[5]} ${ids[9]}" "$(grep -o '[0-9]\{3\}-[0-9a-f]\{8\} ok' "$T/err" | cut -d' ' -f1 | sort | tr '\n' ' ' | sed 's/ $//')"
expect "the 9 others were not rewritten" "9 12" "$(untouched "$T/a") $(nreports "$T/a")"
"$BIN" sweep "$SWEEP" -j 2 -o "$T/a" >"$T/out" 2>/dev/null
expect "a finished sweep runs nothing" "sweep: 12 points: 0 run, 12 skipped (already done), 0 failed; summary in $T/a/summary.json" "$(cat "$T/out")"
# a different config for the same point id (another fixed override) is rerun, not reused
cp "$T/a/points/${ids[0]}/report.json" "$T/keep.json"
"$PY" -c "import json,sys; r=json.load(open(sys.argv[1])); r['config_hash']='0000000000000000'; json.dump(r,open(sys.argv[1],'w'))" "$T/a/points/${ids[0]}/report.json"
"$BIN" sweep "$SWEEP" -j 2 -o "$T/a" >"$T/out" 2>/dev/null
expect "a report of another config is rerun" "sweep: 12 points: 1 run, 11 skipped (already done), 0 failed; summary in $T/a/summary.json" "$(cat "$T/out")"

# --- the stand-in binary: holds point HOLD_ID, fails point FAIL_ID ---------------
mkdir -p "$T/w"
REAL=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
cat >"$T/w/zswapsim" <<EOF
#!/usr/bin/env bash
if [ "\$1" = run ]; then
	prev= out=
	for a in "\$@"; do [ "\$prev" = -o ] && out=\$a; prev=\$a; done
	id=\$(basename "\$(dirname "\$out")")
	if [ "\$id" = "\${HOLD_ID:-}" ]; then
		echo partial >"\$out.tmp.\$\$"      # what a run killed mid-write leaves
		echo \$\$ >"$T/held.pid"
		exec sleep 300
	fi
	if [ "\$id" = "\${FAIL_ID:-}" ]; then
		echo "zswapsim: injected failure of point \$id" >&2
		exit 1
	fi
fi
exec -a "\$0" "$REAL" "\$@"
EOF
chmod +x "$T/w/zswapsim"

# --- Ctrl-C: finished points stay, the held one leaves nothing ------------------
set -m   # the sweep gets its own process group, as in an interactive shell
HOLD_ID=${ids[4]} "$T/w/zswapsim" sweep "$SWEEP" -j 1 -o "$T/b" >"$T/out" 2>"$T/err" &
sweep_pid=$!
set +m
for _ in $(seq 600); do [ -s "$T/held.pid" ] && break; sleep 0.1; done
kill -INT "$sweep_pid"
wait "$sweep_pid"
expect "interrupted sweep exits 128 + SIGINT" 130 $?
expect "it says so" "sweep: 12 points: 4 run, 0 skipped (already done), 0 failed, interrupted (rerun to resume); summary in $T/b/summary.json" "$(cat "$T/out")"
expect "... and on stderr, once" "zswapsim: interrupted (SIGINT): 4 of 12 points done, summary in $T/b/summary.json; rerun the sweep to resume" "$(grep interrupted "$T/err")"
expect "4 finished points kept" 4 "$(nreports "$T/b")"
expect "the held point left no report and no temp file" "point.json stderr.txt stdout.txt" "$(ls "$T/b/points/${ids[4]}" | tr '\n' ' ' | sed 's/ $//')"
kill -0 "$(cat "$T/held.pid")" 2>/dev/null
expect "the held run was killed" 1 $?
expect "summary: 4 ok, 8 missing" "ok=4 missing=8" "$(jq -r '[.points[].status] | "ok=\(map(select(.=="ok"))|length) missing=\(map(select(.=="missing"))|length)"' "$T/b/summary.json")"
backdate "$T/b"
"$BIN" sweep "$SWEEP" -j 2 -o "$T/b" >"$T/out" 2>/dev/null
expect "the rerun runs the 8 others" "sweep: 12 points: 8 run, 4 skipped (already done), 0 failed; summary in $T/b/summary.json" "$(cat "$T/out")"
expect "and leaves the 4 finished ones alone" "4 12" "$(untouched "$T/b") $(nreports "$T/b")"

# --- a failing point ----------------------------------------------------------------
FAIL_ID=${ids[2]} "$T/w/zswapsim" sweep "$SWEEP" -j 2 -o "$T/c" >"$T/out" 2>"$T/err"
expect "a failed point makes the sweep exit 1" 1 $?
expect "the others still run" "sweep: 12 points: 12 run, 0 skipped (already done), 1 failed; summary in $T/c/summary.json" "$(cat "$T/out")"
expect "11 reports" 11 "$(nreports "$T/c")"
expect "stderr names the point and its error" 1 "$(grep -c "${ids[2]} FAILED (zswapsim: injected failure of point ${ids[2]})" "$T/err")"
expect "summary row has status and error" "failed|zswapsim: injected failure of point ${ids[2]}" "$(jq -r ".points[2] | \"\(.status)|\(.error)\"" "$T/c/summary.json")"
expect "csv row ends with the error" "${ids[2]},failed,5,zstd,,,,,,,,,,zswapsim: injected failure of point ${ids[2]}" "$(sed -n 4p "$T/c/summary.csv")"

# --- beyond one machine: GNU parallel job list and Slurm array ---------------------
"$BIN" sweep "$SWEEP" -o "$T/d" --emit parallel >"$T/out" 2>&1
expect "--emit parallel exits 0" 0 $?
expect "12 job lines" 12 "$(wc -l <"$T/d/jobs.txt")"
expect "nothing ran yet" 0 "$(nreports "$T/d")"
parallel --will-cite -j 2 <"$T/d/jobs.txt"
expect "GNU parallel runs the job list" 0 $?
"$BIN" sweep --collect "$T/d" >"$T/out" 2>&1
expect "--collect" "sweep: 12 points: 12 finished, 0 not (failed, missing or stale); summary in $T/d/summary.json" "$(cat "$T/out")"
"$BIN" compare "$T/a/summary.json" "$T/d/summary.json" >"$T/out" 2>&1
expect "parallel summary = local summary (compare exit 0)" 0 $?
"$BIN" sweep "$SWEEP" -o "$T/d" --emit parallel >/dev/null 2>&1
expect "a re-emitted list leaves out finished points" 0 "$(wc -l <"$T/d/jobs.txt")"
"$BIN" sweep "$SWEEP" -o "$T/e" --emit slurm >/dev/null 2>&1
expect "--emit slurm exits 0" 0 $?
expect "job array of 12 tasks" "#SBATCH --array=1-12" "$(grep '^#SBATCH --array' "$T/e/sweep.slurm")"
bash -n "$T/e/sweep.slurm"
expect "the Slurm script is valid bash" 0 $?
# a task runs its line of jobs.txt: task 3 makes point 2's report
(cd /tmp && SLURM_ARRAY_TASK_ID=3 bash "$T/e/sweep.slurm")
expect "Slurm task 3 runs point ${ids[2]}" "$T/e/points/${ids[2]}/report.json" "$(ls "$T"/e/points/*/report.json)"

# --- the summary's plot ---------------------------------------------------------------
if PY3=$(scripts/find-python.sh 2>/dev/null); then
	"$PY3" scripts/plot.py sweep "$T/a/summary.json" --x zswap.max_pool_percent \
		--y stats.global.written_back_pages --group zswap.compressor -o "$T/wb.png" >/dev/null
	expect "plot of the summary (PNG + SVG)" "PNG yes" "$(head -c 4 "$T/wb.png" | tail -c 3) $([ -s "$T/wb.svg" ] && echo yes)"
else
	fail "no python3 with matplotlib for the plot"
fi

# --- bad input ------------------------------------------------------------------------
"$BIN" sweep "$T/none.json" >/dev/null 2>"$T/err"
expect "missing sweep file: exit 2" 2 $?
printf '{"base": "%s/configs/experiments/replay-default.json", "axes": [{"key": "zswap.max_pool_pct", "values": [1]}]}\n' "$PWD" >"$T/bad.json"
"$BIN" sweep "$T/bad.json" -o "$T/f" >/dev/null 2>"$T/err"
expect "unknown axis key: exit 2" 2 $?
expect "the error names the point and the nearest key" 1 "$(grep -c "point 000-[0-9a-f]* (zswap.max_pool_pct=1): --set: unknown config key 'zswap.max_pool_pct' (did you mean 'zswap.max_pool_percent'?)" "$T/err")"
expect "nothing was run" no "$([ -e "$T/f" ] && echo yes || echo no)"
"$BIN" sweep "$SWEEP" -j 0 >/dev/null 2>&1
expect "-j 0: exit 2" 2 $?
printf '{"base": "x.json", "axes": [{"keys": ["a", "b"], "values": [[1]]}]}\n' >"$T/zip.json"
"$BIN" sweep "$T/zip.json" >/dev/null 2>"$T/err"
expect "zipped axis with a short tuple: exit 2" "2 zip.json: axes[0]: values[0]: a zipped axis takes lists of 2 values, one per key" "$? $(sed "s|$T/||; s/^zswapsim: //" "$T/err")"


# --- a metric no report has: the summary is written, with a warning naming it --------------
cat >"$T/typo.json" <<EOF
{"base": "$PWD/configs/experiments/replay-default.json", "set": {"timing.backend": "none"},
 "axes": [{"key": "zswap.max_pool_percent", "values": [20]}],
 "metrics": ["stats.global.zswpout", "stats.global.zswpuot"]}
EOF
"$BIN" sweep "$T/typo.json" -o "$T/typo" >"$T/out" 2>"$T/err"
expect "misspelt metric: the sweep still succeeds" 0 $?
expect "misspelt metric: one warning, naming it" \
	"sweep: warning: metric 'stats.global.zswpuot' is in none of the 1 finished report (a misspelt path? docs/report-schema.md names them)" \
	"$(grep 'warning: metric' "$T/err")"


# --- the hints --emit prints are shell words, whatever the directory's name ----------------
wd="$T/we ird'dir"
mkdir -p "$wd"
"$BIN" sweep "$SWEEP" --emit parallel -o "$wd/o" >"$T/out" 2>"$T/err"
p=$(sed -n 's/^run:     parallel -j N < //p' "$T/out")
eval "set -- $p"
expect "--emit parallel: the jobs file hint is one shell word" "1 $wd/o/jobs.txt" "$# ${1:-}"

[ "$fails" -eq 0 ]
