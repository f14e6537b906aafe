#!/usr/bin/env bash
# Correct inputs, correct answers (issue 12): no path is truncated, sizes are
# decimal, any number of --set, one page-store rule for validate and run, and
# SimGrid options that crashed are refused up front.  Each bad input: exit 2,
# one line naming what is wrong, no report.
set -u
BIN=${BIN:-build/zswapsim}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
. "$ROOT/tests/scenarios/cli-helpers.bash"
CORPUS=$ROOT/traces/bundled/corpus.pages
DEFAULT=$ROOT/configs/default.json

# A config whose path is longer than 1023 bytes used to be cut to 1023, so
# its relative trace.path was looked up in another directory -- here the
# cut-off directory holds a different trace, which was replayed, exit 0.
long=d
while [ ${#long} -lt 1100 ]; do long="$long/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"; done
mkdir -p "$long"
cfg="$long/c.json"
echo '{ "trace": { "path": "t.zswt" }, "system": { "ram": "12MiB" } }' >"$cfg"
cut=${cfg:0:1023}; cut=${cut%/*}
mkdir -p "$cut" && cp "$ROOT/traces/bundled/default.zswt" "$cut/t.zswt" && cp "$ROOT"/traces/bundled/*.pages "$cut/"
bad "config path over 1023 bytes" "config path longer than 1023 bytes" "$BIN" run "$cfg" -q -o r.json
same "no report from the wrong trace" "$(ls r.json 2>/dev/null)" ""
# the same config as the base of a short one: its directory was cut to 1023
# bytes too (the trace in the cut-off directory was replayed); now the whole
# directory is kept and the trace path, too long for the trace reader, is an error
echo "{ \"base\": \"$cfg\" }" >short.json
bad "base config at a path over 1023 bytes" "...: path too long" "$BIN" run short.json -q -o r.json
same "no report from the wrong trace (base)" "$(ls r.json 2>/dev/null)" ""

# sizes are decimal: strtod() took "0x1000" as 4096
echo "{ \"base\": \"$DEFAULT\", \"system\": { \"ram\": \"0x1000\" } }" >hex.json
bad "ram 0x1000" "system.ram: expected a size" "$BIN" run hex.json -q -o r2.json

# any number of --set: config print said "unexpected argument" past 256
sets=()
for i in $(seq 1 300); do sets+=(--set "seed=$i"); done
check "config print with 300 --set" 0 "$BIN" config print "$DEFAULT" "${sets[@]}"
same "the last --set wins" "$(jq .seed out)" 300
check "run with 300 --set" 0 "$BIN" run "$DEFAULT" "${sets[@]}" -q -o r3.json
same "run: the last --set wins" "$(jq .seed r3.json)" 300

# trace gen --content DIRECTORY: exit 1 "mmap: No such device" before
mkdir cdir
bad "gen --content a directory" "cdir: is a directory" "$BIN" trace gen usemem --content cdir -o g.zswt

# a FIFO as input waited for a writer for ever: --content, an imported CSV,
# and a config's trace.path, workload.path and workload.content
mkfifo f.pages f.csv f.zswt f.zswa
bad "gen --content a FIFO" "f.pages: not a regular file" \
	timeout 10 "$BIN" trace gen usemem --content f.pages -o g.zswt
bad "import csv from a FIFO" "f.csv: not a regular file" \
	timeout 10 "$BIN" trace import csv f.csv --ratio 2 -o i.zswt
same "no output from a FIFO" "$(ls g.* i.* 2>/dev/null)" ""
echo '{ "trace": { "path": "f.zswt" } }' >ft.json
echo '{ "workload": { "kind": "file", "path": "f.zswa" } }' >fw.json
echo '{ "workload": { "kind": "usemem", "size": "1M", "content": "f.pages" } }' >fc.json
for c in ft:f.zswt fw:f.zswa fc:f.pages; do
	bad "run: ${c#*:} as ${c%%:*}.json's input" "${c#*:}: not a regular file" \
		timeout 10 "$BIN" run "${c%%:*}.json" -q -o rf.json
done
same "no report from a FIFO" "$(ls rf.json 2>/dev/null)" ""

# a nine-field text record said "got 8 or more"
header='zswapsim-trace 1
page_size 4096
slot_count 64
stream_count 1
memcg 0 / -1'
printf '%s\n0 out 0 0 0 0 2048 hint extra\n' "$header" >nine.txt
bad "nine-field record" "needs 8 fields (time_ns op slot order stream memcg content flags), got 9" \
	"$BIN" trace validate nine.txt

# an empty page store: validate accepted it, run rejected it; now both reject
: >empty.pages
printf '%s\npage_store empty.pages 0 0x2d06800538d394c2\n0 out 0 0 0 0 2048 hint\n' "$header" >e.txt
bad "validate: empty page store" "page store 'empty.pages' has page_store_pages 0" \
	"$BIN" trace validate e.txt
echo '{ "trace": { "path": "e.txt" } }' >e.json
bad "run: empty page store, same rule" "page store 'empty.pages' has page_store_pages 0" \
	"$BIN" run e.json -q -o r4.json
# a page store that is a directory said "size mismatch"
mkdir -p psdir/ps.pages
printf '%s\npage_store ps.pages 224 0x7633801b850eab73\n0 out 0 0 0 0 1 -\n' "$header" >psdir/d.txt
bad "validate: page store is a directory" "page store 'psdir/ps.pages' is a directory" \
	"$BIN" trace validate psdir/d.txt

# --cfg=contexts/stack-size:-1 or :1 crashed the simgrid run with SIGSEGV
for v in -1 1 16 abc; do
	bad "stack-size:$v refused" "want a stack size of 256..65536 KiB" \
		"$BIN" run "$DEFAULT" --set timing.backend=simgrid "--cfg=contexts/stack-size:$v" -q -o r5.json
done
check "stack-size:256 runs" 0 "$BIN" run "$DEFAULT" --set timing.backend=simgrid \
	--set zswap.compressor=lz4 --cfg=contexts/stack-size:256 -q -o r5.json

# a memcg name holding a newline made setup's error two lines (fuzz_memcg)
printf '{"base": "%s/configs/experiments/replay-default.json", "memcg": {"x\\ny": {}}}' "$ROOT" >nl.json
bad "memcg name with a newline: one line" "memcg.x?y: the trace has no memcg of that name" \
	"$BIN" run nl.json -q -o r7.json

# more than 252 SimGrid options: the ones past the 252nd were dropped without a word
many() { for _ in $(seq "$1"); do printf -- '--log=root.thresh:warning\n'; done; }
mapfile -t opts < <(many 253)
bad "253 SimGrid options refused" "253 SimGrid options (--cfg/--log): at most 252" \
	"$BIN" run "$ROOT/configs/experiments/replay-default.json" --set timing.backend=simgrid "${opts[@]}" -q -o r6.json
check "252 SimGrid options run" 0 "$BIN" run "$ROOT/configs/experiments/replay-default.json" \
	--set timing.backend=simgrid "${opts[@]:1}" -q -o r6.json

echo "$fails failed"
[ "$fails" -eq 0 ]
