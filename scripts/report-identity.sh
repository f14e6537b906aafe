#!/usr/bin/env bash
# report-identity.sh [-j N] [--no-sweeps] BIN OUTDIR
#
# Run every bundled config, scenario and sweep and save what it produced,
# stripped of what varies between runs or revisions, under OUTDIR; run it
# before and after a change that must not change behaviour (a refactoring, a
# speed-up) and compare the two directories with `diff -r`.  Saved per config:
#   run/NAME.BACKEND[.coalesce-off].json  the report without `tool` and `runtime`
#   run/NAME.BACKEND....out               its summary on stdout without the
#                                         wall-time line, and the exit status
#   print-config/NAME.json                `run --print-config`
#   sweep/NAME/summary.json, summary.csv, points/*.json (reports, stripped)
#   cli/...                               trace info/gen output, config keys,
#                                         policies, and error lines of bad input
# Each config runs under both backends (a `timing.backend` override); simgrid
# runs are repeated with timing.coalesce=false.  OUTDIR
# must not exist (or be empty), so that old results never mix with new ones.
set -u
JOBS=2 SWEEPS=1
while [ $# -gt 0 ]; do
	case $1 in
	-j) JOBS=$2; shift 2 ;;
	--no-sweeps) SWEEPS=0; shift ;;
	-h | --help) sed -n '2,18s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || { echo "usage: $0 [-j N] [--no-sweeps] BIN OUTDIR" >&2; exit 2; }
BIN=$(realpath "$1") OUT=$2
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
command -v jq >/dev/null || { echo "$0: needs jq" >&2; exit 2; }
[ -x "$BIN" ] || { echo "$0: $BIN: not an executable" >&2; exit 2; }
if [ -e "$OUT" ] && [ -n "$(ls -A "$OUT")" ]; then
	echo "$0: $OUT exists and is not empty" >&2
	exit 2
fi
mkdir -p "$OUT"/run "$OUT"/print-config "$OUT"/sweep "$OUT"/cli || exit 2
OUT=$(realpath "$OUT")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
STRIP='del(.tool, .runtime)'
failed=0

# strip_report IN OUT: the report without its tool and runtime sections
strip_report() {
	jq "$STRIP" "$1" >"$2" || { echo "FAIL $1: not JSON" >&2; failed=1; }
}

# one_run NAME CONFIG SUFFIX [ARGS...]: run, save report and summary
one_run() {
	local name=$1 cfg=$2 suffix=$3; shift 3
	local base="$OUT/run/$name.$suffix" rc
	"$BIN" run "$cfg" "$@" -o "$T/r.json" >"$T/out" 2>&1
	rc=$?
	{ grep -v '^  wall time' "$T/out" | sed "s|$T/r.json|REPORT|"; echo "exit $rc"; } >"$base.out"
	if [ $rc -eq 0 ]; then strip_report "$T/r.json" "$base.json"; fi
	rm -f "$T/r.json"
	echo "$name.$suffix: exit $rc"
}

configs=(configs/default.json configs/scenarios/*.json configs/experiments/*.json
	 configs/calibration/*.json configs/simgrid/*.json)
for cfg in "${configs[@]}"; do
	name=$(echo "${cfg#configs/}" | sed 's|/|-|g; s|\.json$||')
	"$BIN" run "$cfg" --print-config >"$OUT/print-config/$name.json" 2>&1
	echo "exit $?" >>"$OUT/print-config/$name.json"
	for backend in none simgrid; do
		one_run "$name" "$cfg" "$backend" --set "timing.backend=$backend"
		if [ "$backend" = simgrid ]; then
			one_run "$name" "$cfg" "$backend.coalesce-off" \
				--set timing.backend=simgrid --set timing.coalesce=false
		fi
	done
done

# the CLI around the runs: trace tools, generators, listings, error lines
cli() {   # NAME CMD...: stdout+stderr and exit status of a zswapsim command
	local name=$1; shift
	(cd "$T" && "$BIN" "$@") >"$T/cli.out" 2>&1
	echo "exit $?" >>"$T/cli.out"
	grep -v '^  wall time' "$T/cli.out" | sed "s|$T|TMP|g" >"$OUT/cli/$name.txt"
}
root=$(pwd)
for tr in traces/bundled/*.zswt configs/scenarios/*.zswt configs/calibration/*.txt \
	  configs/simgrid/*.txt; do
	n=$(echo "$tr" | sed 's|/|-|g')
	cli "info-$n" trace info "$root/$tr" --json
	cli "validate-$n" trace validate "$root/$tr"
done
cli keys config keys --markdown
cli policies policies --markdown
cli help --help
cli gen-usemem trace gen usemem --streams 2 --size 1M --orders 0:0.5,4:0.5 \
	--content "$root/traces/bundled/default.pages" -o gen-usemem.txt
cli gen-zipf trace gen zipf --streams 2 --size 1M -o gen-zipf.zswt
cli gen-selftest-help trace gen selftest --help
cli gen-selftest trace gen selftest zswapin -o gen-selftest.zswt
for f in "$T"/gen-*; do
	[ -e "$f" ] || continue
	sha256sum <"$f" >"$OUT/cli/$(basename "$f").sha256"
done
cli convert trace convert "$root/configs/simgrid/equality.txt" conv.zswt
[ -e "$T/conv.zswt" ] && sha256sum <"$T/conv.zswt" >"$OUT/cli/convert.sha256"
printf '{"trace": {"path": "nope.zswt"}}' >"$T/bad-trace.json"
cli err-missing-trace run "$T/bad-trace.json" -o r.json
printf '{"trace": {"path": "%s"}, "hw": {"iaa": {"wqs": -1}}}' \
	"$root/traces/bundled/default.zswt" >"$T/bad-hw.json"
cli err-bad-hw-none run "$T/bad-hw.json" -o r.json
cli err-bad-hw-simgrid run "$T/bad-hw.json" --set timing.backend=simgrid -o r.json
# a cross-key hw constraint (comp_engines <= engines)
cli err-hw-cross-none run "$root/configs/experiments/replay-default.json" --set hw.iaa.engines=2 \
	--set hw.iaa.comp_engines=4 -o r.json
cli err-hw-cross-print run "$root/configs/experiments/replay-default.json" --set hw.iaa.engines=2 \
	--set hw.iaa.comp_engines=4 --print-config
cli err-hw-cross-simgrid run "$root/configs/experiments/replay-default.json" --set hw.iaa.engines=2 \
	--set hw.iaa.comp_engines=4 --set timing.backend=simgrid -o r.json
cli err-bad-key run "$root/configs/experiments/replay-default.json" --set zswap.nope=1 -o r.json
cli err-bad-policy run "$root/configs/experiments/replay-default.json" --set 'policy.lru={"name":"nope"}' -o r.json
cli err-bad-memcg run "$root/configs/experiments/replay-default.json" --set 'memcg.usemem0.zswap_max=-5' -o r.json
cli err-trace-missing trace info nope.zswt

if [ "$SWEEPS" = 1 ]; then
	for sw in configs/sweeps/*.json; do
		name=$(basename "$sw" .json)
		d="$OUT/sweep/$name"
		mkdir -p "$d/points"
		# run from $T with a relative output directory: a sweep that generates
		# its traces names them by that path in its reports and config hashes,
		# which must not depend on the temp directory's random name
		(cd "$T" && "$BIN" sweep "$ROOT/$sw" -j "$JOBS" -o "sweep-$name" >"$T/sweep.log" 2>&1)
		echo "exit $?" >"$d/exit"
		echo "sweep $name: $(cat "$d/exit")"
		[ -e "$T/sweep-$name/summary.json" ] &&
			jq 'del(.tool, .runtime, .points[]?.runtime)' "$T/sweep-$name/summary.json" \
				>"$d/summary.json"
		[ -e "$T/sweep-$name/summary.csv" ] && cp "$T/sweep-$name/summary.csv" "$d/"
		while IFS= read -r rep; do
			rel=${rep#"$T/sweep-$name/"}
			strip_report "$rep" "$d/points/$(echo "$rel" | sed 's|/|-|g')"
		done < <(find "$T/sweep-$name" -name 'report.json' | sort)
		rm -rf "$T/sweep-$name"
	done
fi
echo "saved in $OUT"
exit $failed
