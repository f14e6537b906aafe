#!/usr/bin/env bash
# make bench-large: cost grows linearly with trace length (issue 13).
#
# The none row of make bench (usemem, 2 streams x 10 GiB of 64 KiB folios,
# memory.max 64 MiB each, content from 4096 distinct pages: 10,420,224 page
# events) and the same streams with --passes 10: the same 10.5 M swap slots,
# ten times the page events (> 10^8).  Prints page events per second of replay
# (best of 3) and peak RSS of both, and their ratios: events/s should stay
# within 20 % and the RSS should not grow with the events (it follows the
# swap slots: the model's state; the trace is dropped behind as it is read).
#
# Generating the long trace takes minutes; it is kept in build/bench/ until
# the binary changes.
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build/zswapsim}
D=build/bench
mkdir -p "$D"

gen() {   # name, passes
  if [ ! -e "$D/$1.zswt" ] || [ "$BIN" -nt "$D/$1.zswt" ]; then
    "$BIN" trace gen usemem --streams 2 --size 10G --orders 4:1 --passes "$2" --max 64M --think 100 \
      --content traces/bundled/default.pages --max-pages 4096 --seed 1 --quiet -o "$D/$1.zswt"
  fi
  printf '{"trace": {"path": "%s.zswt"}, "system": {"ram": "1GiB"}, "report": {"progress": false}}\n' \
    "$1" >"$D/$1.json"
}
gen none 1
gen none-large 10

best() {   # name -> "page events/s (best of 3) peak_rss_kb (of that run) page events"
  local b=0 rss=0 v r
  for _ in 1 2 3; do
    "$BIN" run "$D/$1.json" -q -o "$D/$1-report.json"
    read -r v r <<<"$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(int(r["runtime"]["page_events_per_second"]), r["runtime"]["peak_rss_kb"])' "$D/$1-report.json")"
    if [ "$v" -gt "$b" ]; then b=$v rss=$r; fi
  done
  echo "$b $rss $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["trace"]["pages"])' "$D/$1-report.json")"
}
read -r ev rss pages <<<"$(best none)"
read -r lev lrss lpages <<<"$(best none-large)"
echo "none_events_per_s=$ev"
echo "none_page_events=$pages"
echo "none_peak_rss_kb=$rss"
echo "none_large_events_per_s=$lev"
echo "none_large_page_events=$lpages"
echo "none_large_peak_rss_kb=$lrss"
echo "large_events_ratio=$(python3 -c 'import sys; print(round(int(sys.argv[2]) / int(sys.argv[1]), 3))' "$ev" "$lev")"
echo "large_rss_ratio=$(python3 -c 'import sys; print(round(int(sys.argv[2]) / int(sys.argv[1]), 3))' "$rss" "$lrss")"
echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores"
