#!/usr/bin/env bash
# Compression ahead of the replay (sim/codec_ahead.c): worker threads
# compress the pages of coming swap-outs and the replay takes their lengths
# over.  A hint only: the report (apart from runtime) must be the same with
# any number of workers, with the replay stopped early (replay.max_events),
# and the codec calls counted must be the replay's first uses.  The workers
# must take part (else the equality compares nothing), and a bad
# ZSWAPSIM_CODEC_THREADS fails the run with one line and exit 2, no report.
set -u
BIN=${BIN:-build/zswapsim}
. "$(dirname "$0")/lib/expect.sh"

# 2,048 distinct pages of random bytes, two passes (the second swaps the
# first pass's pages out again: lengths from the cache), 4 KiB and 16 KiB
# folios; deflate takes tens of microseconds a page, so the workers have
# time to start ahead of the replay
"$BIN" trace gen usemem --size 8M --orders 0:1,2:1 --passes 2 --max 4M --random 1 \
  --seed 3 --quiet -o "$T/d.zswt" 2>/dev/null || exit 1
printf '{"trace": {"path": "d.zswt"}, "system": {"ram": "64MiB"}, "zswap": {"compressor": "deflate"},
 "report": {"progress": false}}\n' >"$T/d.json"

run() {   # name, threads ("" = unset), extra args...
  local name=$1 th=$2; shift 2
  if [ -n "$th" ]; then
    ZSWAPSIM_CODEC_THREADS=$th "$BIN" run "$T/d.json" -q -o "$T/$name.json" "$@" 2>"$T/stderr"
  else
    env -u ZSWAPSIM_CODEC_THREADS "$BIN" run "$T/d.json" -q -o "$T/$name.json" "$@" 2>"$T/stderr"
  fi || fail "$name: $(cat "$T/stderr")"
}
run t0 0
run t1 1
run t3 3
run tdef ""
python3 - "$T" <<'PY' && pass "reports equal with 0, 1, 3 and the default number of codec workers" ||
import json, sys
d = sys.argv[1]
r = {k: json.load(open(f"{d}/{k}.json")) for k in ("t0", "t1", "t3", "tdef")}
rt = {k: v.pop("runtime") for k, v in r.items()}
calls = r["t0"]["stats"]["compression"]["codec_calls"]
assert calls > 2000, calls
assert rt["t0"]["codec_threads"] == 0 and rt["t0"]["codec_ahead_pages"] == 0, rt["t0"]
assert rt["t1"]["codec_threads"] == 1 and rt["t3"]["codec_threads"] == 3, (rt["t1"], rt["t3"])
# the workers took part: some lengths came from them
for k in ("t1", "t3"):
    assert 0 < rt[k]["codec_ahead_used_pages"] <= rt[k]["codec_ahead_pages"], (k, rt[k])
    assert rt[k]["codec_ahead_used_pages"] <= calls, (k, rt[k])
    assert rt[k]["codec_ahead_seconds"] > 0, (k, rt[k])
for k in ("t1", "t3", "tdef"):
    assert r[k] == r["t0"], k
PY
  fail "reports differ with codec workers"

# stopped after 300 records: the workers may have compressed pages of later
# records, but only what the replay used is counted
run m0 0 --set replay.max_events=300
run m3 3 --set replay.max_events=300
python3 - "$T/m0.json" "$T/m3.json" <<'PY' && pass "replay.max_events: same report with workers" ||
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for r in (a, b):
    del r["runtime"]
assert 0 < a["stats"]["compression"]["codec_calls"] < 2000, a["stats"]["compression"]
assert a == b
PY
  fail "replay.max_events: reports differ with codec workers"

# zswap off: the replay compresses nothing, so no workers start
run off 2 --set zswap.enabled=false
expect "zswap.enabled=false: no codec workers" "0 0" \
  "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["runtime"]["codec_threads"], r["stats"]["compression"]["codec_calls"])' "$T/off.json")"

# the simgrid backend: three streams, whose records the workers follow in
# trace order
"$BIN" trace gen usemem --streams 3 --size 3M --orders 0:1,2:1 --passes 2 --max 1M --random 1 \
  --seed 4 --quiet -o "$T/s.zswt" 2>/dev/null || exit 1
printf '{"trace": {"path": "s.zswt"}, "system": {"ram": "64MiB"}, "zswap": {"compressor": "deflate"},
 "timing": {"backend": "simgrid"}, "report": {"progress": false}}\n' >"$T/s.json"
for th in 0 2; do
  ZSWAPSIM_CODEC_THREADS=$th "$BIN" run "$T/s.json" -q -o "$T/s$th.json" 2>"$T/stderr" ||
    fail "simgrid, $th workers: $(cat "$T/stderr")"
done
python3 - "$T/s0.json" "$T/s2.json" <<'PY' && pass "simgrid, 3 streams: same report with 2 codec workers" ||
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ra, rb = a.pop("runtime"), b.pop("runtime")
assert ra["codec_threads"] == 0 and rb["codec_threads"] == 2, (ra, rb)
assert rb["codec_ahead_used_pages"] > 0, rb
assert a["stats"]["compression"]["codec_calls"] > 1000, a["stats"]["compression"]
assert a == b
PY
  fail "simgrid: reports differ with codec workers"

for v in x 65 -1 '' ' 1' 1x 99999999999999999999; do
  rm -f "$T/bad.json"
  ZSWAPSIM_CODEC_THREADS=$v "$BIN" run "$T/d.json" -q -o "$T/bad.json" 2>"$T/stderr"
  st=$?
  expect "ZSWAPSIM_CODEC_THREADS='$v': exit status" 2 "$st"
  expect "ZSWAPSIM_CODEC_THREADS='$v': message" \
    "zswapsim: ZSWAPSIM_CODEC_THREADS=$v: not a number of codec threads 0..64" "$(cat "$T/stderr")"
  [ ! -e "$T/bad.json" ] && pass "ZSWAPSIM_CODEC_THREADS='$v': no report" ||
    fail "ZSWAPSIM_CODEC_THREADS='$v': a report was written"
done
[ "$fails" -eq 0 ]
