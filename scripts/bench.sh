#!/usr/bin/env bash
# make bench: replay speed of both timing backends and the zswap model's state
# per swap slot, on generated traces with warm compression caches.
#
#   none:    2 streams x 10 GiB of 64 KiB folios (usemem, one pass, memory.max
#            64 MiB each): >= 10 million page events (stores, writebacks,
#            invalidates), content drawn from 4096 distinct real pages.
#   simgrid: 1 stream x 1 GiB of 64 KiB folios, same content, software lzo.
#
#   access:  the access-source reader (issue 10) on a libCacheSim oracleGeneral
#            Zipf(1.0) trace of 10M requests over 1M objects (4 GiB of pages),
#            made by `trace gen zipf --oracle-general`: build/bench_access.
#
#   none_random: a Zipf(1.0) swap trace of order-0 pages over 3 GiB with
#            memory.max 768M (issue 13: random slots, the cache-unfriendly case):
#            page events per second of replay, and of the whole process
#            (trace and page-store loading included: none_random_process_...,
#            per wall second and per CPU second).
#   simgrid_multistream: 4 overlapping zipf streams of 256 MiB, orders 0 and 4,
#            configs/hw/local.json: every operation contends in SimGrid.
#
#   distinct: every page of the trace distinct (usemem 256 MiB of order-0
#            pages, two passes, random content, no --max-pages): the run's
#            real compression (distinct_codec_seconds: runtime.codec_seconds,
#            on the replay's thread, plus runtime.codec_ahead_seconds, on the
#            codec workers', sim/codec_ahead.c) apart from the model's own
#            time (runtime.model_seconds), and the replay's time, of the run
#            with the least replay time of 3; distinct_model_share = model /
#            codec; distinct_timer_seconds: what timing the replay thread's
#            codec calls cost (runtime.timer_seconds, neither side);
#            distinct_process_seconds: that run's whole process
#            (runtime.wall_seconds: the 256 MiB page store's loading, its
#            dedup and checksum, included).
#   distinct_real: the same on real pages: usemem 45 MiB of order-0 pages,
#            two passes, content drawn from five programs' pages of the
#            corpus ($ZSWAPSIM_CORPUS, default ../shared/corpus; the rows are
#            left out without it), no --max-pages: every page of the trace a
#            different corpus page (the corpus's own duplicates, zero- and
#            same-filled pages aside).
#
#   workload runs (live reclaim): that trace as one task under memory.max
#            25 % of the 786,783 pages it touches (805,666,816 bytes = 196,696
#            pages; cgroup v1, lzo), with both
#            backends; and the hard case, 16 zipf tasks of 32 MiB sharing one
#            memcg of 256 MiB on 8 simulated cores (simgrid: every task an
#            actor, LRU lock contention).  Rows: accesses per wall second of
#            replay, best of 3 (the first also per second of the replay's CPU
#            time, runtime.replay_cpu_seconds: robust to a busy machine), and
#            the reclaim model's bytes per page.
#
# Prints key=value lines (none_events_per_s, simgrid_events_per_s: page events
# per second of replay, best of 3; bytes_per_slot; access_open_s,
# access_next_ns_per_record, access_records_per_s: best of 3) and a short table.
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build/zswapsim}
D=build/bench
mkdir -p "$D"

gen() {   # name, args...
  local name=$1; shift
  if [ ! -e "$D/$name.zswt" ] || [ "$BIN" -nt "$D/$name.zswt" ]; then
    "$BIN" trace gen usemem "$@" --content traces/bundled/default.pages --max-pages 4096 \
      --seed 1 --quiet -o "$D/$name.zswt"
  fi
}
gen none --streams 2 --size 10G --orders 4:1 --passes 1 --max 64M --think 100
gen simgrid --streams 1 --size 1G --orders 4:1 --passes 1 --max 64M --think 1000

genzipf() {   # name, args...
  local name=$1; shift
  if [ ! -e "$D/$name.zswt" ] || [ "$BIN" -nt "$D/$name.zswt" ]; then
    "$BIN" trace gen zipf "$@" --content traces/bundled/default.pages --max-pages 4096 \
      --seed 1 --quiet -o "$D/$name.zswt"
  fi
}
if [ ! -e "$D/distinct.zswt" ] || [ "$BIN" -nt "$D/distinct.zswt" ]; then
  "$BIN" trace gen usemem --streams 1 --size 256M --orders 0:1 --passes 2 --max 64M --random 1 \
    --seed 1 --quiet -o "$D/distinct.zswt"
fi
genzipf random --size 3G --accesses 10000000 --alpha 1.0 --orders 0:1 --max 768M
genzipf multistream --streams 4 --size 256M --orders 0:0.5,4:0.5

cat >"$D/none.json" <<'J'
{"trace": {"path": "none.zswt"}, "system": {"ram": "1GiB"}, "report": {"progress": false}}
J
cat >"$D/simgrid.json" <<'J'
{"base": "../../configs/hw/local.json", "trace": {"path": "simgrid.zswt"}, "system": {"ram": "1GiB"},
 "timing": {"backend": "simgrid"}, "report": {"progress": false}}
J

cat >"$D/random.json" <<'J'
{"trace": {"path": "random.zswt"}, "system": {"ram": "1GiB"}, "report": {"progress": false}}
J
cat >"$D/distinct.json" <<'J'
{"trace": {"path": "distinct.zswt"}, "system": {"ram": "1GiB"}, "report": {"progress": false}}
J
cat >"$D/multistream.json" <<'J'
{"base": "../../configs/hw/local.json", "trace": {"path": "multistream.zswt"}, "system": {"ram": "1GiB"},
 "timing": {"backend": "simgrid"}, "report": {"progress": false}}
J

best() {   # config, report[, python expression of r] -> best of 3 runs (default:
           # page events per second of replay), and the last report
  local cfg=$1 out=$2 b=0 v
  local expr=${3:-'r["runtime"]["page_events_per_second"]'}
  for _ in 1 2 3; do
    "$BIN" run "$cfg" -q -o "$out"
    v=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(int('"$expr"'))' "$out")
    [ "$v" -gt "$b" ] && b=$v
  done
  echo "$b"
}

none=$(best "$D/none.json" "$D/none-report.json")
pages=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["trace"]["pages"])' "$D/none-report.json")
bps=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runtime"]["state_bytes_per_slot"])' "$D/none-report.json")
if [ -e configs/hw/local.json ]; then
  sg=$(best "$D/simgrid.json" "$D/simgrid-report.json")
  sgpages=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["trace"]["pages"])' "$D/simgrid-report.json")
else
  sg=0 sgpages=0
fi

rnd=$(best "$D/random.json" "$D/random-report.json")
procbest() {   # config, report -> best page events per second of the whole
               # process (exec to exit: loading, replay, report) per wall
               # second and per CPU second (user + system; steadier on a
               # shared machine), of 3 runs
  local cfg=$1 out=$2 b=0 c=0 v w
  for _ in 1 2 3; do
    read -r v w <<<"$(python3 - "$BIN" "$cfg" "$out" <<'PY'
import json, resource, subprocess, sys, time
t0 = time.monotonic()
subprocess.run([sys.argv[1], "run", sys.argv[2], "-q", "-o", sys.argv[3]], check=True)
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
pages = json.load(open(sys.argv[3]))["trace"]["pages"]
print(int(pages / wall), int(pages / (ru.ru_utime + ru.ru_stime)))
PY
)"
    [ "$v" -gt "$b" ] && b=$v
    [ "$w" -gt "$c" ] && c=$w
  done
  echo "$b $c"
}
read -r rndproc rndcpu <<<"$(procbest "$D/random.json" "$D/random-report.json")"
codec_split() {   # config -> "replay_s codec_s model_s timer_s ahead_s wall_s" of the run
                  # with the least replay time of 3 (codec_s: all real compression,
                  # the replay thread's and the codec workers', ahead_s; wall_s:
                  # the whole process, page store loading included)
  local cfg=$1 best="" bt=1e9 v
  for _ in 1 2 3; do
    "$BIN" run "$cfg" -q -o "$D/distinct-report.json"
    v=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runtime"]; print(r["replay_seconds"], r["codec_seconds"] + r["codec_ahead_seconds"], r["model_seconds"], r["timer_seconds"], r["codec_ahead_seconds"], r["wall_seconds"])' "$D/distinct-report.json")
    if python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "${v%% *}" "$bt"; then
      bt=${v%% *} best=$v
    fi
  done
  echo "$best"
}
read -r dreplay dcodec dmodel dtimer dahead dwall <<<"$(codec_split "$D/distinct.json")"
corpus=${ZSWAPSIM_CORPUS:-../shared/corpus}
if [ -e "$corpus/gcc.pages" ]; then
  if [ ! -e "$D/distinct-real.zswt" ] || [ "$BIN" -nt "$D/distinct-real.zswt" ]; then
    c=$corpus
    "$BIN" trace gen usemem --streams 1 --size 45M --orders 0:1 --passes 2 --max 12M \
      --content "$c/gcc.pages,$c/node.pages,$c/postgres.pages,$c/python.pages,$c/redis.pages" \
      --seed 1 --quiet -o "$D/distinct-real.zswt"
  fi
  cat >"$D/distinct-real.json" <<'J'
{"trace": {"path": "distinct-real.zswt"}, "system": {"ram": "1GiB"}, "report": {"progress": false}}
J
  read -r rreplay rcodec rmodel rtimer rahead rwall <<<"$(codec_split "$D/distinct-real.json")"
fi
if [ -e configs/hw/local.json ]; then
  msg=$(best "$D/multistream.json" "$D/multistream-report.json")
else
  msg=0
fi

og=$D/zipf-10M.oracleGeneral
if [ ! -e "$og" ] || [ "$BIN" -nt "$og" ]; then
  "$BIN" trace gen zipf --size 4G --accesses 10000000 --alpha 1 --no-exit --seed 1 --quiet \
    --oracle-general -o "$og"
fi
access=$("$(dirname "$BIN")/bench_access" oracleGeneral "$og" 1000 2>/dev/null)

wl_cfg() {   # name, json -> config file
  printf '%s\n' "$2" >"$D/$1.json"
}
wl_cfg wl-zipf '{"workload": {"kind": "file", "path": "zipf-10M.oracleGeneral", "format": "oracleGeneral",
 "think_ns": 1000, "content": "../../traces/bundled/corpus.pages"},
 "system": {"cgroup": "v1"}, "memcg": {"root": {"memory_max": "805666816"}}, "report": {"progress": false}}'
wl_cfg wl-tasks '{"workload": {"kind": "zipf", "streams": 16, "size": "32M", "accesses": 200000, "alpha": 0.9,
 "write": 0.3, "memcgs": 1, "max": "256M", "content": "../../traces/bundled/corpus.pages"},
 "hw": {"cpu": {"cores": 8}}, "timing": {"backend": "simgrid"}, "report": {"progress": false}}'
wlbest() {   # config, set... -> best accesses per second of 3 runs ($WL_RATE: wall or CPU)
  local cfg=$1 b=0 v; shift
  for _ in 1 2 3; do
    "$BIN" run "$cfg" "$@" -q -o "$D/wl-report.json"
    v=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(int(r["workload"]["accesses"] / r["runtime"][sys.argv[2]]))' "$D/wl-report.json" "${WL_RATE:-replay_seconds}")
    [ "$v" -gt "$b" ] && b=$v
  done
  echo "$b"
}
wl_none=$(wlbest "$D/wl-zipf.json")
# the same per second of the replay's CPU time: what one core does, whatever
# else the machine runs meanwhile
wl_none_cpu=$(WL_RATE=replay_cpu_seconds wlbest "$D/wl-zipf.json")
wl_sg=$(wlbest "$D/wl-zipf.json" --set timing.backend=simgrid)
wl_tasks=$(wlbest "$D/wl-tasks.json")
wl_bpp=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runtime"]["state_bytes_per_page"])' "$D/wl-report.json")

echo "none_events_per_s=$none"
echo "simgrid_events_per_s=$sg"
echo "bytes_per_slot=$bps"
echo "none_random_events_per_s=$rnd"
echo "none_random_process_events_per_s=$rndproc"
echo "none_random_process_cpu_events_per_s=$rndcpu"
echo "simgrid_multistream_events_per_s=$msg"
echo "distinct_replay_seconds=$dreplay"
echo "distinct_codec_seconds=$dcodec"
echo "distinct_codec_ahead_seconds=$dahead"
echo "distinct_model_seconds=$dmodel"
echo "distinct_model_share=$(python3 -c 'import sys; print(round(float(sys.argv[2]) / float(sys.argv[1]), 3))' "$dcodec" "$dmodel")"
echo "distinct_timer_seconds=$dtimer"
echo "distinct_process_seconds=$dwall"
if [ -n "${rcodec:-}" ]; then
  echo "distinct_real_replay_seconds=$rreplay"
  echo "distinct_real_codec_seconds=$rcodec"
  echo "distinct_real_codec_ahead_seconds=$rahead"
  echo "distinct_real_model_seconds=$rmodel"
  echo "distinct_real_model_share=$(python3 -c 'import sys; print(round(float(sys.argv[2]) / float(sys.argv[1]), 3))' "$rcodec" "$rmodel")"
  echo "distinct_real_process_seconds=$rwall"
fi
echo "none_trace_page_events=$pages"
echo "simgrid_trace_page_events=$sgpages"
echo "$access"
echo "workload_accesses_per_s=$wl_none"
echo "workload_accesses_per_cpu_s=$wl_none_cpu"
echo "workload_simgrid_accesses_per_s=$wl_sg"
echo "workload_16tasks_simgrid_accesses_per_s=$wl_tasks"
echo "workload_bytes_per_page=$wl_bpp"
echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores"
