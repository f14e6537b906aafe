#!/usr/bin/env bash
# Gate a policy change on the pages written back in the bundled experiments.
#
#   scripts/ci-gate.sh [--bin BIN] [--base-bin BIN] [--tolerance FILE] [--set key=value]...
#                      [--keep DIR] [--config FILE]...
#
# BIN defaults to $BIN or build/zswapsim.
# Runs configs/default.json and every configs/experiments/*.json (or only the
# --config files) twice: the
# baseline with BASE-BIN as configured, the candidate with BIN and the --set
# overrides (a config-level policy change, e.g. --set policy.lru.name=fifo;
# for a code change, give the baseline build as --base-bin).  Each pair of
# reports goes through `zswapsim compare --tolerance FILE`; the default FILE,
# configs/ci/written-back-gate.json, lets stats.global.written_back_pages grow
# by at most 5 % (a drop always passes) and ignores everything else.
# Prints one line per experiment and the compare table of a failure; --keep
# leaves the reports in DIR (NAME-base.json, NAME-new.json).
# Exit status: 0 every experiment passes, 1 one does not, 2 bad usage or a
# run that failed.  See docs/regression.md ("A CI gate for a policy change").
set -u
cd "$(dirname "$0")/.." || exit 2
BIN=${BIN:-build/zswapsim} BASE_BIN= TOL=configs/ci/written-back-gate.json
sets=()
usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }
configs=()
KEEP=
while [ $# -gt 0 ]; do
	case "$1" in
	--bin) BIN=${2:?--bin needs a binary}; shift 2 ;;
	--base-bin) BASE_BIN=${2:?--base-bin needs a binary}; shift 2 ;;
	--tolerance) TOL=${2:?--tolerance needs a file}; shift 2 ;;
	--set) sets+=(--set "${2:?--set needs key=value}"); shift 2 ;;
	--keep) KEEP=${2:?--keep needs a directory}; shift 2 ;;
	--config) configs+=("${2:?--config needs a config file}"); shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "ci-gate: unexpected argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
BASE_BIN=${BASE_BIN:-$BIN}
for b in "$BIN" "$BASE_BIN"; do
	[ -x "$b" ] || { echo "ci-gate: $b: not an executable (make)" >&2; exit 2; }
done
if [ -n "$KEEP" ]; then
	mkdir -p "$KEEP" || exit 2
	T=$KEEP
else
	T=$(mktemp -d)
	trap 'rm -rf "$T"' EXIT
fi
status=0
[ ${#configs[@]} -gt 0 ] || configs=(configs/default.json configs/experiments/*.json)
for cfg in "${configs[@]}"; do
	name=$(basename "$cfg" .json)
	if ! "$BASE_BIN" run "$cfg" -q -o "$T/$name-base.json" 2>"$T/err" ||
	   ! "$BIN" run "$cfg" "${sets[@]}" -q -o "$T/$name-new.json" 2>>"$T/err"; then
		echo "ERROR $name: $(tail -1 "$T/err")"
		exit 2
	fi
	"$BIN" compare "$T/$name-base.json" "$T/$name-new.json" --tolerance "$TOL" >"$T/out" 2>&1
	rc=$?
	old=$(jq '.stats.global.written_back_pages' "$T/$name-base.json")
	new=$(jq '.stats.global.written_back_pages' "$T/$name-new.json")
	case $rc in
	0) echo "ok    $name: written_back_pages $old -> $new" ;;
	1) echo "FAIL  $name: written_back_pages $old -> $new"; grep -v '^warning' "$T/out" | sed 's/^/      /'
	   status=1 ;;
	*) echo "ERROR $name: $(cat "$T/out")"; exit 2 ;;
	esac
done
exit "$status"
