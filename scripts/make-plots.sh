#!/usr/bin/env bash
# make plots: the figures of the default experiment in out/default/
# (timeseries, and latency/hardware when the report has them), PNG and SVG.
# Uses out/default/report.json, running configs/default.json first if it is
# not there (`make run` writes it).
set -u
cd "$(dirname "$0")/.." || exit 2
BIN=${1:-build/zswapsim}
REPORT=out/default/report.json
PY=$(scripts/find-python.sh) || exit 2
if [ ! -e "$REPORT" ]; then
	echo "$REPORT missing: running $BIN run configs/default.json -o $REPORT"
	"$BIN" run configs/default.json -o "$REPORT" || exit 1
fi
"$PY" scripts/plot.py report "$REPORT" -o out/default
