#!/usr/bin/env bash
# `zswapsim run` end to end on the bundled default experiment: the report and
# summary, byte-identical reports across runs (runtime aside), and bad input:
# one line on stderr, exit status 2, no report file.
set -u
BIN=${BIN:-build/zswapsim}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
ok()  { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

# --- a good run -------------------------------------------------------------
if "$BIN" run configs/experiments/replay-default.json -o "$T/a/report.json" >"$T/sum.txt" 2>"$T/err.txt"; then
  ok "default run"
else
  bad "default run failed: $(cat "$T/err.txt")"
fi
grep -q "zswpout" "$T/sum.txt" && grep -q "wall time" "$T/sum.txt" && ok "summary printed" || bad "summary missing"
python3 - "$T/a/report.json" <<'PY' && ok "report keys" || bad "report keys"
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("schema", "tool", "config", "trace", "seed", "stats", "runtime"):
    assert k in r, k
assert r["schema"] == "zswapsim-report/1"
g = r["stats"]["global"]
for k in ("pool_limit_hit", "stored_pages", "pool_total_size", "zswpout", "zswpin", "pswpout",
          "written_back_pages", "reject_compress_poor", "swpout_zero", "stored_incompressible_pages"):
    assert k in g, k
assert g["zswpout"] > 0
# the codec's time is part of the replay's, the model's the rest (issue 13)
rt = r["runtime"]
assert r["stats"]["compression"]["codec_calls"] > 0
assert 0 < rt["codec_seconds"] <= rt["replay_seconds"], rt
assert 0 < rt["timer_seconds"] < rt["codec_seconds"], rt
assert abs(rt["codec_seconds"] + rt["timer_seconds"] + rt["model_seconds"] - rt["replay_seconds"]) < 1e-6, rt
assert r["stats"]["memcg"], "no memcg stats"
for m in r["stats"]["memcg"].values():
    for k in ("zswap", "zswapped", "zswpin", "zswpout", "zswpwb", "zswap.current"):
        assert k in m, k
assert r["trace"]["events"] > 0
PY

# --- determinism ------------------------------------------------------------
"$BIN" run configs/experiments/replay-default.json -q -o "$T/b/report.json" 2>/dev/null
strip() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r.pop("runtime"); print(json.dumps(r, indent=1))' "$1"; }
if cmp -s <(strip "$T/a/report.json") <(strip "$T/b/report.json"); then ok "reports identical apart from runtime"; else bad "reports differ"; fi
# the bytes before the runtime section are identical too
if cmp -s <(sed '/"runtime"/,$d' "$T/a/report.json") <(sed '/"runtime"/,$d' "$T/b/report.json"); then
  ok "report bytes identical up to runtime"; else bad "report bytes differ"; fi

# --- bad input --------------------------------------------------------------
expect_bad() {   # description, expected stderr substring, args...
  local what=$1 want=$2; shift 2
  rm -f "$T/bad.json"
  "$BIN" "$@" -o "$T/bad.json" >/dev/null 2>"$T/e.txt"; local st=$?
  local lines; lines=$(wc -l <"$T/e.txt")
  if [ $st -eq 2 ] && [ "$lines" -eq 1 ] && grep -q -- "$want" "$T/e.txt" && [ ! -e "$T/bad.json" ]; then
    ok "$what: exit 2, '$(cat "$T/e.txt")'"
  else
    bad "$what: status $st, $lines lines: $(cat "$T/e.txt")"
  fi
}
echo '{"zswap": {"max_pool_precent": 5}}' >"$T/unknown.json"
echo '{"trace": {"path": "nope.zswt"}}' >"$T/missing-trace.json"
echo '{"zswap": {"enabled": true' >"$T/badjson.json"
expect_bad "unknown key" "did you mean 'zswap.max_pool_percent'" run "$T/unknown.json"
expect_bad "memcg limit on a trace replay" "memcg.usemem0.memory_max: a knob of workload runs" \
  run configs/experiments/replay-default.json --set memcg.usemem0.memory_max=1M
expect_bad "missing config" "no-such.json" run "$T/no-such.json"
expect_bad "missing trace" "nope.zswt" run "$T/missing-trace.json"
expect_bad "bad JSON" "bad JSON" run "$T/badjson.json"
expect_bad "out of range" "[0, 100]" run configs/experiments/replay-default.json --set zswap.max_pool_percent=150
expect_bad "bad enum" "lzo|lz4" run configs/experiments/replay-default.json --set zswap.compressor=brotli
expect_bad "bad memcg" "no memcg of that name" run configs/experiments/replay-default.json --set 'memcg={"nosuch": {"zswap_max": 0}}'
expect_bad "bad policy" "policy.limit" run configs/experiments/replay-default.json --set 'policy.limit={"name": "no-such-policy"}'
expect_bad "unknown option" "unknown option" run configs/experiments/replay-default.json --frobnicate
# SimGrid's own options pass through; a bad one is bad input, not an abort
expect_bad "bad --cfg key" "Bad config key: bogus/key" run configs/experiments/replay-default.json --set timing.backend=simgrid --cfg=bogus/key:1
expect_bad "bad --cfg value" "Invalid value 'Nope' for option cpu/optim" run configs/experiments/replay-default.json --set timing.backend=simgrid --cfg=cpu/optim:Nope
expect_bad "bad --log" "Unknown priority name: bogus" run configs/experiments/replay-default.json --set timing.backend=simgrid --log=root.thresh:bogus
"$BIN" run configs/experiments/replay-default.json --set timing.backend=simgrid --cfg=cpu/optim:Full --log=root.thresh:critical -q -o "$T/sgcfg.json" \
  && [ -s "$T/sgcfg.json" ] && ok "good --cfg/--log pass through to SimGrid" || bad "good --cfg/--log"

# truncated trace: copy the bundled trace and cut it
cp traces/bundled/default.zswt "$T/cut.zswt"
cp traces/bundled/default.pages "$T/default.pages" 2>/dev/null
truncate -s -7 "$T/cut.zswt"
echo "{\"trace\": {\"path\": \"cut.zswt\"}}" >"$T/cut.json"
expect_bad "truncated trace" "cut.zswt" run "$T/cut.json"

# every reader error reaches `run` as one line naming the file and record
"$BIN" trace convert traces/bundled/default.zswt "$T/good.txt"
cp traces/bundled/default.pages "$T/default.pages"
mutate() {   # name, sed expression applied to the first record line (line 10)
  sed "10$2" "$T/good.txt" >"$T/$1.txt"
  echo "{\"trace\": {\"path\": \"$1.txt\"}}" >"$T/$1.json"
}
mutate op     's/ out / swap /'
mutate order  's/^514000 out 0 0 /514000 out 0 10 /'
mutate slot   's/^514000 out 0 0 /514000 out 99999 0 /'
mutate stream 's/^514000 out 0 0 0 0 /514000 out 0 0 9 0 /'
mutate memcg  's/^514000 out 0 0 0 0 /514000 out 0 0 0 7 /'
mutate page   's/^514000 out 0 0 0 0 0 /514000 out 0 0 0 0 380 /'
mutate time   's/^514000 out 0 0 0 0 /999999999 out 0 0 0 0 /'
expect_bad "unknown op"        "op.txt:10"     run "$T/op.json"
expect_bad "order > 9"         "order.txt:10"  run "$T/order.json"
expect_bad "slot out of range" "slot.txt:10"   run "$T/slot.json"
expect_bad "stream out of range" "stream.txt:10" run "$T/stream.json"
expect_bad "memcg out of range" "memcg.txt:10" run "$T/memcg.json"
expect_bad "page index out of range" "page.txt:10" run "$T/page.json"
expect_bad "time backwards in a stream" "time.txt" run "$T/time.json"
# binary: bad magic, bad version, page-store checksum mismatch
cp traces/bundled/default.zswt "$T/magic.zswt"; printf 'XXXX' | dd of="$T/magic.zswt" conv=notrunc 2>/dev/null
echo '{"trace": {"path": "magic.zswt"}}' >"$T/magic.json"
expect_bad "bad magic" "magic.zswt" run "$T/magic.json"
cp traces/bundled/default.zswt "$T/version.zswt"; printf '\x07' | dd of="$T/version.zswt" bs=1 seek=8 conv=notrunc 2>/dev/null
echo '{"trace": {"path": "version.zswt"}}' >"$T/version.json"
expect_bad "bad version" "version" run "$T/version.json"
mkdir -p "$T/ps"; cp traces/bundled/default.zswt "$T/ps/"; cp traces/bundled/default.pages "$T/ps/"
printf 'Z' | dd of="$T/ps/default.pages" bs=1 seek=100 conv=notrunc 2>/dev/null
echo '{"trace": {"path": "ps/default.zswt"}}' >"$T/ps.json"
expect_bad "page-store checksum mismatch" "default.pages" run "$T/ps.json"

# libsimgrid is opened by the first simgrid run (sim/timing_simgrid_lib.c), not
# linked: one it cannot load (here a file of that name that is no library, found
# first through LD_LIBRARY_PATH) is one line of error, exit 2, no report; a none
# run does not need it
soname=$(grep -ao 'libsimgrid\.so\.[0-9][0-9.]*[0-9]' "$BIN" | head -n 1)
if [ -n "$soname" ]; then
  mkdir -p "$T/nolib" && echo "not a library" >"$T/nolib/$soname"
  LD_LIBRARY_PATH="$T/nolib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    expect_bad "libsimgrid that cannot be loaded" "simgrid backend: cannot load $soname" \
    run configs/experiments/replay-default.json --set timing.backend=simgrid
  rm -f "$T/none-nolib.json"
  if LD_LIBRARY_PATH="$T/nolib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$BIN" run configs/experiments/replay-default.json \
       --set timing.backend=none -q -o "$T/none-nolib.json" && [ -s "$T/none-nolib.json" ]; then
    ok "a none run does not load libsimgrid"
  else
    bad "a none run failed without libsimgrid"
  fi
else
  bad "no libsimgrid soname in $BIN"
fi

# simgrid runs one actor per stream with records: a sparse stream table is fine,
# more active streams than the process can map stacks for is a clear error
python3 - "$T" <<'PY'
import sys
d = sys.argv[1]
def trace(name, streams, active):
    with open(f"{d}/{name}.txt", "w") as f:
        f.write(f"zswapsim-trace 1\npage_size 4096\nslot_count {active}\nstream_count {streams}\nmemcg 0 a -1\n")
        for i in range(active):
            f.write(f"{1000 + i} out {i} 0 {i * (streams // active)} 0 1000 hint\n")
    with open(f"{d}/{name}.json", "w") as f:
        f.write('{"trace": {"path": "%s.txt"}, "timing": {"backend": "simgrid"}}' % name)
trace("sparse", 65535, 2)
trace("crowd", 16385, 16385)
PY
"$BIN" run "$T/sparse.json" -q -o "$T/sparse-out.json" && ok "simgrid: 65535 declared streams, 2 with records" || bad "simgrid sparse streams"
expect_bad "simgrid: too many active streams" "supports at most 16384" run "$T/crowd.json"

"$BIN" run configs/experiments/replay-default.json --print-config >"$T/pc.json" && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/pc.json" \
  && ok "--print-config prints JSON" || bad "--print-config"
"$BIN" --help >/dev/null && "$BIN" run --help >/dev/null && ok "--help" || bad "--help"
# the overview names every subcommand and option that the commands' own helps list
"$BIN" --help >"$T/help.txt" 2>&1
missing=
for w in import 'print|hash' --quiet --cfg --log --list --all --allow-schema-change --version; do
  grep -qF -- "$w" "$T/help.txt" || missing="$missing $w"
done
[ -z "$missing" ] && ok "--help names every subcommand and option" || bad "--help lacks:$missing"
exit $fail
