#!/usr/bin/env bash
# scripts/plot.py: the figures of a report (time series always; latency CDFs
# and hardware utilisation only when the report has them) and of a sweep
# summary (one line per group value, repetitions averaged), as PNG and SVG,
# byte-identical from one render to the next, with axis labels that carry
# units; bad input exits 2.  Uses tests/data/ and a run of configs/default.json.
set -u
BIN=${BIN:-build/zswapsim}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
expect() {   # NAME WANT GOT
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$3', want '$2'"; fi
}
if ! PY=$(scripts/find-python.sh); then
	fail "python3 with matplotlib (make deps installs python3-matplotlib)"
	exit 1
fi
plot() { "$PY" scripts/plot.py "$@"; }
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
svg_ok() { "$PY" -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); sys.exit(not r.tag.endswith("svg"))' "$1"; }
# every <text> of an SVG (the figures keep text as text), one per line
svg_text() { "$PY" -c 'import sys, xml.etree.ElementTree as E
for t in E.parse(sys.argv[1]).getroot().iter():
    if t.tag.endswith("text") and t.text: print(t.text)' "$1"; }

# --- a simgrid report: three figures --------------------------------------------------
plot report tests/data/report-simgrid.json -o "$T/sg" >"$T/out" 2>"$T/err"
expect "simgrid report: exit 0" 0 $?
expect "time series, latency and hardware, PNG and SVG" \
	"timeseries.png timeseries.svg latency.png latency.svg hardware.png hardware.svg" \
	"$(xargs -n1 basename <"$T/out" | tr '\n' ' ' | sed 's/ $//')"
ok=1
for f in "$T"/sg/*.png; do is_png "$f" || ok=0; done
for f in "$T"/sg/*.svg; do svg_ok "$f" || ok=0; done
expect "valid PNG and SVG files" 1 "$ok"
svg_text "$T/sg/timeseries.svg" >"$T/ts.txt"
expect "time-series labels carry units" "pages|pages (cumulative)|pool size (MiB)|simulated time (ms)" \
	"$(grep -x 'pool size (MiB)\|pages\|pages (cumulative)\|simulated time (ms)' "$T/ts.txt" | LC_ALL=C sort | paste -sd'|')"
svg_text "$T/sg/latency.svg" >"$T/lat.txt"
expect "one CDF per operation, with counts and means" \
	"load (n=4021, mean 1.84 µs)|store_folio (n=15412, mean 3.12 µs)|writeback (n=1337, mean 81.23 µs)" \
	"$(grep '(n=' "$T/lat.txt" | paste -sd'|')"
expect "latency axis in µs" 2 "$(grep -c '^latency (µs, log)$' "$T/lat.txt")"
svg_text "$T/sg/hardware.svg" >"$T/hw.txt"
expect "hardware: CPU time, utilisation of 2 cores, 8 IAA engines, swap device; wq depth" \
	"CPU time (ms, all cores)|cpu0|cpu1|descriptors queued|engine utilisation (%)|iaa0.eng0|iaa0.eng7|swap dev|utilisation (%)" \
	"$(grep -x 'CPU time (ms, all cores)\|utilisation (%)\|cpu[01]\|iaa0\.eng[07]\|swap dev\|descriptors queued\|engine utilisation (%)' "$T/hw.txt" | LC_ALL=C sort | paste -sd'|')"

# --- deterministic output ----------------------------------------------------------------
plot report tests/data/report-simgrid.json -o "$T/sg2" >/dev/null 2>&1
same=1
for f in "$T"/sg/*; do cmp -s "$f" "$T/sg2/$(basename "$f")" || same=0; done
expect "a second render is byte-identical" 1 "$same"

# --- a none-backend report: time series only -----------------------------------------------
plot report tests/data/report-none.json -o "$T/none" >"$T/out" 2>&1
expect "none report: only the time series" "0 timeseries.png timeseries.svg" \
	"$? $(xargs -n1 basename <"$T/out" | tr '\n' ' ' | sed 's/ $//')"
"$BIN" run configs/default.json -q -o "$T/default.json" >/dev/null 2>&1
expect "run configs/default.json" 0 $?
plot report "$T/default.json" -o "$T/def" >/dev/null 2>&1
expect "its figures" "0 yes" "$? $(is_png "$T/def/timeseries.png" && svg_ok "$T/def/timeseries.svg" && echo yes)"

# --- sweep summaries ------------------------------------------------------------------------
S=tests/data/summary-sample.json
plot sweep "$S" --x zswap.max_pool_percent --y stats.global.written_back_pages \
	--group zswap.compressor -o "$T/wb.png" --table >"$T/table" 2>&1
expect "sweep plot: exit 0" 0 $?
# two seeds per point are averaged; the failed point (zstd, 20, seed 2) is left out
expect "plotted values: group x mean min max n" \
	"lzo 10 416 412 420 2|lzo 20 98.5 96 101 2|zstd 10 378.5 377 380 2|zstd 20 71 71 71 1" \
	"$(tr '\t' ' ' <"$T/table" | paste -sd'|')"
expect "PNG and SVG written" "yes" "$(is_png "$T/wb.png" && svg_ok "$T/wb.svg" && echo yes)"
svg_text "$T/wb.svg" >"$T/wb.txt"
expect "labels: axis with unit, metric with unit, group legend" \
	"zswap.max_pool_percent (%)|stats.global.written_back_pages (pages) — mean, min..max|zswap.compressor|lzo|zstd" \
	"$(grep -x 'zswap.max_pool_percent (%)\|stats.global.written_back_pages (pages) — mean, min..max\|zswap.compressor\|lzo\|zstd' "$T/wb.txt" | paste -sd'|')"
plot sweep "$S" --x zswap.compressor --y latency.load.p99_ns -o "$T/cat.svg" --table >"$T/table" 2>&1
# lzo: (6120 + 6310 + 5410 + 5502) / 4; zstd: (5980 + 6044 + 5390) / 3, its 4th point failed
expect "a string axis on x, no group" "- lzo 5835.5 5410 6310 4|- zstd 5804.67 5390 6044 3" \
	"$(tr '\t' ' ' <"$T/table" | paste -sd'|')"

# --- bad input ---------------------------------------------------------------------------------
bad() {   # NAME SUBSTRING ARGS...
	local name=$1 want=$2; shift 2
	plot "$@" >/dev/null 2>"$T/err"
	local rc=$?
	if [ "$rc" -eq 2 ] && grep -qF -- "$want" "$T/err"; then pass "$name"; else
		fail "$name: exit $rc, want 2 with '$want'"; sed 's/^/    /' "$T/err"; fi
}
bad "missing report" "cannot open" report "$T/nope.json" -o "$T/x"
bad "a summary is not a report" "not a zswapsim-report/1 document" report "$S" -o "$T/x"
bad "unknown axis" "no axis 'zswap.nope'" sweep "$S" --x zswap.nope --y latency.load.p99_ns -o "$T/x.png"
bad "unknown metric" "no metric 'stats.global.nope'" sweep "$S" --x seed --y stats.global.nope -o "$T/x.png"
bad "missing --y" "required" sweep "$S" --x seed -o "$T/x.png"

[ "$fails" -eq 0 ]
