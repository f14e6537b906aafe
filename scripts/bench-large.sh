#!/usr/bin/env bash
# make bench-large: cost grows linearly with trace length (issue 13).
#
# The none row of make bench (usemem, 2 streams x 10 GiB of 64 KiB folios,
# one pass, memory.max 64 MiB each, content from 4096 distinct pages:
# 10,420,224 page events over 10.5 M swap slots) and the same at 2 x 100 GiB
# (104,792,064 page events, 104.9 M slots).  Prints page events per second of
# replay (best of 3), peak RSS and RSS per swap slot of both, and their
# ratios: events/s should stay within 20 %, and the RSS should follow the
# swap slots (the model's state), not the events (the trace's pages are
# dropped behind as they are read).  Needs about 1 GB of memory (887 MB of
# peak RSS at 075f5df).
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build/zswapsim}
D=build/bench
mkdir -p "$D"

gen() {   # name, size per stream
  if [ ! -e "$D/$1.zswt" ] || [ "$BIN" -nt "$D/$1.zswt" ]; then
    "$BIN" trace gen usemem --streams 2 --size "$2" --orders 4:1 --passes 1 --max 64M --think 100 \
      --content traces/bundled/default.pages --max-pages 4096 --seed 1 --quiet -o "$D/$1.zswt"
  fi
  printf '{"trace": {"path": "%s.zswt"}, "system": {"ram": "1GiB"}, "report": {"progress": false}}\n' \
    "$1" >"$D/$1.json"
}
gen none 10G
gen none-large 100G

best() {   # name -> "page events/s (best of 3) peak_rss_kb page_events slots"
  local b=0 rss=0 v r
  for _ in 1 2 3; do
    "$BIN" run "$D/$1.json" -q -o "$D/$1-report.json"
    read -r v r <<<"$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(int(r["runtime"]["page_events_per_second"]), r["runtime"]["peak_rss_kb"])' "$D/$1-report.json")"
    if [ "$v" -gt "$b" ]; then b=$v rss=$r; fi
  done
  echo "$b $rss $(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["trace"]; print(t["pages"], t["slots"])' "$D/$1-report.json")"
}
ratio() { python3 -c 'import sys; print(round(float(sys.argv[2]) / float(sys.argv[1]), 3))' "$1" "$2"; }
per_slot() { python3 -c 'import sys; print(round(int(sys.argv[1]) * 1024 / int(sys.argv[2]), 1))' "$1" "$2"; }
read -r ev rss pages slots <<<"$(best none)"
read -r lev lrss lpages lslots <<<"$(best none-large)"
echo "none_events_per_s=$ev"
echo "none_page_events=$pages"
echo "none_peak_rss_kb=$rss"
echo "none_rss_bytes_per_slot=$(per_slot "$rss" "$slots")"
echo "none_large_events_per_s=$lev"
echo "none_large_page_events=$lpages"
echo "none_large_peak_rss_kb=$lrss"
echo "none_large_rss_bytes_per_slot=$(per_slot "$lrss" "$lslots")"
echo "large_events_ratio=$(ratio "$ev" "$lev")"
echo "large_page_events_ratio=$(ratio "$pages" "$lpages")"
echo "large_rss_ratio=$(ratio "$rss" "$lrss")"
echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores"
