#!/usr/bin/env bash
# scripts/plot.py: the figures of a simgrid report (time series, latency CDFs
# drawn from the report's histograms, hardware) and of a sweep summary (bars
# for a categorical axis with the 95 % CI of the repetitions, lines with
# measured ticks and a log axis for a numeric one), each as a PNG of 300 dpi
# and at least 1500 px wide, an SVG and a PDF, byte-identical from one render
# to the next; labels and units come from the key table and the report
# schema; `python3 scripts/plot.py` works whatever python3 comes first in PATH
# (it re-executes itself with one that has matplotlib, or says what to
# install); bad input exits 2.  Kept lean: every plot.py process costs a
# second of matplotlib import, every 300 dpi figure more.
set -u
BIN=${BIN:-build/zswapsim}
export ZSWAPSIM=$BIN   # plot.py reads the key table from it
. tests/scenarios/lib/expect.sh
if ! PY=$(scripts/find-python.sh); then
	fail "python3 with matplotlib (make deps installs python3-matplotlib)"
	exit 1
fi
# the python3 of PATH, as a user runs it, for the report; the rest with the
# interpreter that has matplotlib (a pyenv shim costs a second a call)
plot() { "$PY" scripts/plot.py "$@"; }
# every <text> of an SVG (the figures keep text as text), one per line
svg_text() { "$PY" -c 'import sys, xml.etree.ElementTree as E
for t in E.parse(sys.argv[1]).getroot().iter():
    if t.tag.endswith("text") and t.text: print(t.text)' "$1"; }
# "WIDTH DPI" of a PNG (IHDR and pHYs chunks), "PDF" for a PDF, "SVG" for an SVG
kind() { "$PY" - "$1" <<'EOF'
import struct, sys, xml.etree.ElementTree as E
p = sys.argv[1]
data = open(p, "rb").read()
if data[:8] == b"\x89PNG\r\n\x1a\n":
    w = struct.unpack(">I", data[16:20])[0]
    i = data.find(b"pHYs")
    ppm = struct.unpack(">I", data[i + 4:i + 8])[0] if i > 0 else 0
    print(w, round(ppm * 0.0254))
elif data[:5] == b"%PDF-":
    print("PDF")
else:
    print("SVG" if E.fromstring(data).tag.endswith("svg") else "?")
EOF
}

# --- a simgrid report with IAA: three figures in three formats ----------------------------
"$BIN" run configs/experiments/replay-default.json --set timing.backend=simgrid --set zswap.compressor=deflate-iaa \
	-q -o "$T/sg.json" >/dev/null 2>&1
expect "a simgrid run with IAA" 0 $?
python3 scripts/plot.py report "$T/sg.json" -o "$T/sg" >"$T/out" 2>"$T/err"
expect "report: exit 0" 0 $?
expect "time series, latency and hardware as PNG, SVG and PDF" \
	"timeseries.png timeseries.svg timeseries.pdf latency.png latency.svg latency.pdf hardware.png hardware.svg hardware.pdf" \
	"$(xargs -n1 basename <"$T/out" | tr '\n' ' ' | sed 's/ $//')"
ok=1
for f in "$T"/sg/*.png; do read -r w dpi <<<"$(kind "$f")"; [ "$w" -ge 1500 ] && [ "$dpi" = 300 ] || { ok=0; echo "    $f: $w px, $dpi dpi"; }; done
expect "PNGs: 300 dpi, at least 1500 px wide" 1 "$ok"
expect "SVGs and PDFs" "SVG SVG SVG PDF PDF PDF" \
	"$(for f in "$T"/sg/*.svg "$T"/sg/*.pdf; do kind "$f"; done | tr '\n' ' ' | sed 's/ $//')"
svg_text "$T/sg/timeseries.svg" >"$T/ts.txt"
expect "time series: every line in a legend, the pool limit drawn, units on the axes" \
	"pages|pool limit (20 % of RAM)|pool size (MiB)|pswpout (all writes to the device)|simulated time (ms)|stored pages|stored uncompressed|written back from zswap" \
	"$(grep -x 'pool size (MiB)\|pages\|simulated time (ms)\|stored pages\|stored uncompressed\|written back from zswap\|pswpout (all writes to the device)\|pool limit (20 % of RAM)' "$T/ts.txt" | LC_ALL=C sort -u | paste -sd'|')"
expect "the title names the run" 1 \
	"$(grep -c '^default.zswt · deflate-iaa · pool limit 20 % of 12 MiB RAM · simgrid backend$' "$T/ts.txt")"
svg_text "$T/sg/latency.svg" >"$T/lat.txt"
expect "latency: the operations, their counts and means, the share of 0 ns" \
	"folio store (swap-out)|n=2445, mean 7.9 µs, 7.48 % at 0 ns|swap-in (load)|n=2006, mean 19.2 µs, 7.08 % at 0 ns|writeback|n=409, mean 27.1 µs" \
	"$(sed -n '/^folio store/,/^writeback/p; /^writeback$/{n;p}' "$T/lat.txt" | head -6 | paste -sd'|')"
expect "latency: per page = per call is drawn once" 1 "$(grep -c '^compression (per call = per page)$' "$T/lat.txt")"
expect "latency axes in µs, CDF and tail" "4 2 2" \
	"$(grep -c '^latency (µs)$' "$T/lat.txt") $(grep -c '^fraction ≤ latency$' "$T/lat.txt") $(grep -c '^fraction > latency$' "$T/lat.txt")"
svg_text "$T/sg/hardware.svg" >"$T/hw.txt"
expect "hardware: CPU time by category, utilisation per kind of unit, the IAA queue" \
	"CPU cores (2)|IAA 0 engines (8)|IAA completion polling|IAA submission|descriptors queued|engine utilisation (%)|swap device busy" \
	"$(grep -x 'CPU cores (2)\|IAA 0 engines (8)\|IAA completion polling\|IAA submission\|descriptors queued\|engine utilisation (%)\|swap device busy' "$T/hw.txt" | LC_ALL=C sort -u | paste -sd'|')"

# the CDF is the report's histogram: linear within a bucket, flat between
# buckets, clamped to the exact min and max
"$PY" - <<'EOF' >"$T/cdf" 2>&1
import sys
sys.path.insert(0, "scripts")
from plot import cdf_points
h = {"bucket_low_ns": [1000, 4000], "bucket_width_ns": [4, 16], "count": [3, 1]}
print(cdf_points(h, 1001, 4010))
EOF
expect "CDF points of a histogram" "([1001, 1004, 4000, 4010], [0.0, 0.75, 0.75, 1.0])" "$(cat "$T/cdf")"

# --- sweep summaries ---------------------------------------------------------------------------
S=tests/data/summary-sample.json
plot sweep "$S" --x zswap.max_pool_percent --y stats.global.written_back_pages \
	--group zswap.compressor -o "$T/wb.png" --table >"$T/table" 2>&1
expect "sweep plot: exit 0" 0 $?
# two seeds per point are averaged; the failed point (zstd, 20, seed 2) is left out;
# 95 % CI = mean -+ t(0.975, 1) * sd / sqrt(2), t = 12.7062
expect "plotted values: group x mean min max n ci95" \
	"lzo 10 416 412 420 2 365.175 466.825|lzo 20 98.5 96 101 2 66.7345 130.266|zstd 10 378.5 377 380 2 359.441 397.559|zstd 20 71 71 71 1 - -" \
	"$(tr '\t' ' ' <"$T/table" | paste -sd'|')"
read -r w dpi <<<"$(kind "$T/wb.png")"
expect "PNG (300 dpi, >= 1500 px), SVG and PDF" "yes 300|SVG|PDF" \
	"$([ "$w" -ge 1500 ] && echo yes) $dpi|$(kind "$T/wb.svg")|$(kind "$T/wb.pdf")"
svg_text "$T/wb.svg" >"$T/wb.txt"
expect "labels from the key table and the report schema; ticks at the measured values" \
	"10|20|Compressor|Pages written back|Pool limit in % of system.ram|lzo|zstd" \
	"$(grep -x 'Pool limit in % of system.ram\|Pages written back\|Compressor\|lzo\|zstd\|10\|20' "$T/wb.txt" | LC_ALL=C sort -u | paste -sd'|')"
expect "the title says what is plotted and how the repetitions are summarised" "1 1" \
	"$(grep -cx 'Pages written back by pool limit in % of system.ram and compressor' "$T/wb.txt") $(grep -cx 'default.json; mean of 2 repetitions; error bars: 95 % CI; band: min–max' "$T/wb.txt")"
plot sweep "$S" --x zswap.max_pool_percent --y stats.global.written_back_pages \
	--group zswap.compressor -o "$T/wb2.png" >/dev/null 2>&1
same=1
for e in png svg pdf; do cmp -s "$T/wb.$e" "$T/wb2.$e" || same=0; done
expect "a second render is byte-identical (PNG, SVG, PDF)" 1 "$same"
plot sweep "$S" --x zswap.compressor --y latency.load.p99_ns -o "$T/cat.svg" --table >"$T/table" 2>&1
expect "a string axis: bars; lzo (6120 + 6310 + 5410 + 5502) / 4, zstd's 4th point failed" \
	"- lzo 5835.5 5410 6310 4 5124.85 6546.15|- zstd 5804.67 5390 6044 3 4909.05 6700.28" \
	"$(tr '\t' ' ' <"$T/table" | paste -sd'|')"
svg_text "$T/cat.svg" >"$T/cat.txt"
expect "bars' axis labels: categories, the latency in µs" "Compressor|Swap-in (load) latency, p99 (µs)" \
	"$(grep -x 'Compressor\|Swap-in (load) latency, p99 (µs)' "$T/cat.txt" | paste -sd'|')"

# --- the interpreter ------------------------------------------------------------------------------
# a python3 without matplotlib in reach (-S: no site packages) re-executes with one that has it
"$PY" -S scripts/plot.py sweep "$S" --x seed --y stats.global.written_back_pages -o "$T/s.png" >"$T/out" 2>&1
expect "python3 without matplotlib: re-executed, exit 0" "0 $T/s.png" "$? $(head -1 "$T/out")"
ZSWAPSIM_PLOT_REEXEC=1 "$PY" -S scripts/plot.py sweep "$S" --x seed --y y -o "$T/s.png" >"$T/out" 2>&1
expect "none in reach: one line saying what to install" "1 1" \
	"$? $(grep -c "has no matplotlib: install Debian's python3-matplotlib" "$T/out")"

# --- bad input: exit 2 and one line naming what is wrong (one process for all) ---------------------
"$PY" - "$S" "$T" <<'EOF' >"$T/bad" 2>&1
import contextlib, io, sys
sys.path.insert(0, "scripts")
import plot
S, T = sys.argv[1], sys.argv[2]
for want, args in (
        ("not a zswapsim-report/1 document", ["report", S, "-o", f"{T}/x"]),
        ("no axis 'zswap.nope'", ["sweep", S, "--x", "zswap.nope", "--y", "latency.load.p99_ns", "-o", f"{T}/x.png"]),
        ("no metric 'stats.global.nope'", ["sweep", S, "--x", "seed", "--y", "stats.global.nope", "-o", f"{T}/x.png"])):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = plot.main(args)
    ok = rc == 2 and want in err.getvalue() and err.getvalue().count("\n") == 1
    print(f"{'ok  ' if ok else 'FAIL'} {want}: exit {rc}" + ("" if ok else f": {err.getvalue()!r}"))
EOF
cat "$T/bad"
fails=$((fails + $(grep -c '^FAIL' "$T/bad")))
expect "three bad inputs checked" 3 "$(grep -c '^ok ' "$T/bad")"

[ "$fails" -eq 0 ]
