# shellcheck shell=bash
# Shared by make-baselines.sh and check-baselines.sh (sourced, not run):
# reading tests/baselines/manifest.txt and producing one baseline's document.

MANIFEST=tests/baselines/manifest.txt
TOLERANCE=tests/baselines/tolerance.json

# manifest_entries: "NAME KIND FILE [k=v ...]" lines without comments
manifest_entries() {
	sed -e 's/#.*//' -e 's/[[:space:]]\+/ /g' -e 's/^ //' -e 's/ $//' "$MANIFEST" | grep -v '^$'
}

# The work directory of the entry being produced, "" between entries.
PRODUCE_WORK=

# produce_cleanup: remove what an interrupted produce left (both scripts call
# it from their EXIT trap).
produce_cleanup() {
	[ -z "$PRODUCE_WORK" ] || rm -rf "$PRODUCE_WORK"
}

# produce BIN OUT KIND FILE [k=v ...]: the report or sweep summary of one
# entry in OUT, reduced to what the regression check needs (baseline_filter)
# so that a regenerated baseline differs only where behaviour did.
# Diagnostics go to stderr; returns the zswapsim status.
produce() {
	local bin=$1 out=$2 kind=$3 file=$4; shift 4
	local work rc sets=()
	work=$(mktemp -d) || return 1
	PRODUCE_WORK=$work
	for kv in "$@"; do sets+=(--set "$kv"); done
	if [ "$kind" = run ]; then
		"$bin" run "$file" "${sets[@]}" -q -o "$work/doc.json" >&2
		rc=$?
	elif [ "$kind" = sweep ] && [ $# -eq 0 ]; then
		"$bin" sweep "$file" -j 2 -o "$work/sweep" >"$work/sweep.log" 2>&1
		rc=$?
		[ $rc -eq 0 ] || cat "$work/sweep.log" >&2
		[ -e "$work/sweep/summary.json" ] && cp "$work/sweep/summary.json" "$work/doc.json"
	else
		echo "$MANIFEST: bad entry: $kind $file $*" >&2
		rc=2
	fi
	if [ $rc -eq 0 ]; then
		baseline_filter "$work/doc.json" "$out" || rc=1
	fi
	rm -rf "$work"
	PRODUCE_WORK=
	return $rc
}

# baseline_filter IN OUT: what regression needs of a report -- counters
# (stats.*), latency percentiles, per-device and per-stream totals, the
# config and trace it ran -- without what varies between builds or only
# repeats those in time or in finer grain: the runtime section, tool.git_rev,
# the time series (timeseries, the IAA's sampled queue depth and utilisation),
# latency histograms (their percentiles stay) and per-engine and per-core
# dumps.  Sweep summaries pass unchanged.
baseline_filter() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d.pop("runtime", None)
d.pop("timeseries", None)
if isinstance(d.get("tool"), dict):
    d["tool"].pop("git_rev", None)
for lat in (d.get("latency") or {}).values() if isinstance(d.get("latency"), dict) else []:
    if isinstance(lat, dict):
        lat.pop("histogram", None)
hw = d.get("hardware") if isinstance(d.get("hardware"), dict) else {}
if isinstance(hw.get("cpu"), dict):
    hw["cpu"].pop("by_core", None)
iaa = hw.get("iaa")
if isinstance(iaa, dict):
    for k in ("sample_interval_ns", "samples"):
        iaa.pop(k, None)
    for dev in iaa.get("devices", []):
        for k in ("engine", "queued_samples", "utilization_samples"):
            dev.pop(k, None)
json.dump(d, open(sys.argv[2], "w"), indent=1)
open(sys.argv[2], "a").write("\n")' "$1" "$2"
}
