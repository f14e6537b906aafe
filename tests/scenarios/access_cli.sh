#!/usr/bin/env bash
# Access traces on the command line: trace info|validate|convert of a
# hand-written access trace (numbers worked out by hand), the binary <-> text
# round trip byte for byte, trace gen KIND --access / --oracle-general, the
# oracleGeneral and CSV readers through --format, and one-line errors with
# exit status 2 for bad input.
set -u
BIN=${BIN:-build/zswapsim}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
. "$ROOT/tests/scenarios/cli-helpers.bash"

# The example of docs/trace-format.md ("Access traces"): every op once or twice.
cat >a.txt <<'EOF'
# zswapsim-access 1
# page_size 4096
# task 0 64
# task 1 16
# memcg 0 root -1 0 0
# memcg 1 a 0 48 40
# ram_pages 100
# seed 7
# zero 0.25
# same 0
# random 0
# dirty 0.5
# columns time_ns op vpage order task memcg arg flags
100 read 0 0 0 1 0 -
100 write 9 3 1 1 draw -
150 write 3 2 0 1 draw -
200 free 8 0 0 1 4 -
200 pageout 0 0 1 1 16 -
300 reclaim 0 0 0 0 10 -
310 set_max 0 0 1 1 20 -
400 set_ram 0 0 0 0 0 -
500 exit 0 0 1 1 0 -
600 read 63 0 0 0 0 -
EOF

check "validate text" 0 "$BIN" trace validate a.txt
has "validate line" out "a.txt: ok, 10 records"
check "convert text -> binary" 0 "$BIN" trace convert a.txt a.zswa
size=$(stat -c %s a.zswa)
[ "$size" -eq 784 ] && pass "binary size 360 + 2*88 + 8 + 10*24 = 784" || fail "binary size $size, want 784"
check "convert binary -> text" 0 "$BIN" trace convert a.zswa b.txt
same_file "text -> binary -> text" a.txt b.txt
check "convert text -> binary again" 0 "$BIN" trace convert b.txt b.zswa
same_file "binary -> text -> binary" a.zswa b.zswa

check "info" 0 "$BIN" trace info a.zswa
# 2 reads and 2 writes; touched (task, vpage): (0,0), (1,9), (0,3), (0,63)
has "info records" out "records         10"
has "info tasks" out "tasks           2 used of 2, 80 pages of address space"
has "info distinct" out "pages touched   4 distinct"
has "info free" out "  free                 1          4"
has "info reclaim" out "  reclaim              1         10"
has "info order 3" out "  3                    1"
check "info --json" 0 "$BIN" trace info --json a.zswa
python3 -c 'import json,sys; d=json.load(open("out")); assert d["ops"]["pageout"]["pages"] == 16 and d["memcgs"][1]["max_pages"] == 48 and d["distinct_pages"] == 4, d' \
	&& pass "info json values" || fail "info json values"

# bad input: one line, exit 2
sed '15s/.*/100 write 9 3 2 1 draw -/' a.txt >task.txt
bad "text task" "task.txt:15: record 1: task 2 >= task_count 2" "$BIN" trace validate task.txt
sed '7s/.*/# rampages 100/' a.txt >key.txt
bad "text key" "key.txt:7: unknown header key 'rampages'" "$BIN" trace info key.txt
sed '18s/.*/200 pageout 0 0 1 1 17 -/' a.txt >range.txt
bad "text range" "record 4: 'pageout' of pages 0 + 17 beyond task 1's 16 pages" \
	"$BIN" trace convert range.txt r.zswa
[ ! -e r.zswa ] && pass "no output on bad input" || fail "r.zswa was written"
# the output is checked before the input is read (it was refused only after)
mkfifo fo.zswa
bad "convert to a FIFO refused first" "fo.zswa: exists and is not a regular file" \
	timeout 10 "$BIN" trace convert range.txt fo.zswa
[ -p fo.zswa ] && pass "the FIFO is kept" || fail "fo.zswa was replaced"
cp a.zswa trunc.zswa && truncate -s 700 trunc.zswa
bad "binary truncated" "trunc.zswa: truncated file: 700 bytes, header says 10 records" \
	"$BIN" trace validate trunc.zswa
bad "access to a swap-trace name" "x.zswt: unknown access-trace extension" \
	"$BIN" trace convert a.zswa x.zswt
bad "unknown format" "--format 'libcachesim'" "$BIN" trace info a.zswa --format libcachesim
bad "bad think" "--think 'x'" "$BIN" trace info a.zswa --think x

# trace gen --access: deterministic; the page store goes next to the trace
gen="usemem --streams 2 --size 512K --orders 0:0.5,4:0.5 --passes 2 --pattern random --write 0.5 \
     --content $ROOT/traces/bundled/default.pages --max-pages 32 --zero 0.1 --quiet"
mkdir g1 g2
check "gen --access" 0 "$BIN" trace gen $gen --access -o g1/u.zswa
check "gen --access again" 0 "$BIN" trace gen $gen --access -o g2/u.zswa
same_file "gen --access deterministic" g1/u.zswa g2/u.zswa
same_file "gen --access page store" g1/u.pages g2/u.pages
size=$(stat -c %s g1/u.pages)
[ "$size" -eq $((32 * 4096)) ] && pass "32-page store" || fail "page store of $size bytes"
check "gen --access validates" 0 "$BIN" trace validate g1/u.zswa
# 2 tasks x (2 passes over 128 pages + the exit)
has "gen --access records" out "g1/u.zswa: ok, 514 records"
check "gen selftest --access" 0 "$BIN" trace gen selftest zswap_writeback_enabled --access -o st.txt
has "selftest summary" out "wrote st.txt: 4102 accesses (2048 read, 2048 write, 2 free, 4 reclaim), 1 task, 2 memcgs, 1 page in st.pages"
bad "gen --access wrong name" "x.zswt: an access trace must end in .zswa or .txt" \
	"$BIN" trace gen usemem --access -o x.zswt
bad "gen --access --readahead" "--readahead and --swap shape swap events: not with --access" \
	"$BIN" trace gen usemem --access --readahead 4 -o x.zswa

# libCacheSim oracleGeneral: written by gen, read with --format, both ways
check "gen --oracle-general" 0 "$BIN" trace gen zipf --size 1M --accesses 3000 --no-exit \
	--oracle-general -o z.oracleGeneral.zst
has "oracle summary" out "wrote z.oracleGeneral.zst: 3000 oracleGeneral requests of 1 task"
check "oracle info" 0 "$BIN" trace info z.oracleGeneral.zst --format oracleGeneral --think 100
has "oracle records" out "records         3000"
has "oracle time" out "time            100 .. 300000 ns (span 299900 ns)"
check "oracle -> access" 0 "$BIN" trace convert z.oracleGeneral.zst z.zswa --format oracleGeneral --think 100
check "access -> oracle" 0 "$BIN" trace convert z.zswa z2.oracleGeneral --oracle-general
check "oracle -> access again" 0 "$BIN" trace convert z2.oracleGeneral z2.zswa --format oracleGeneral --think 100
same_file "oracleGeneral round trip" z.zswa z2.zswa
head -c 100 z2.oracleGeneral >odd.oracleGeneral
bad "oracle truncated" "odd.oracleGeneral: size 100 is not a multiple of the 24-byte oracleGeneral record" \
	"$BIN" trace validate odd.oracleGeneral --format oracleGeneral

# CSV: a .csv file is read as CSV; errors name the line
printf 'time_ns,task,vpage,op\n10,0,5,r\n20,1,0x1f,w\n30,0,5,write\n' >c.csv
check "csv info" 0 "$BIN" trace info c.csv
has "csv tasks" out "tasks           2 used of 2, 38 pages of address space"
check "csv convert" 0 "$BIN" trace convert c.csv c.txt
has "csv record" c.txt "20 write 31 0 1 0 draw -"
printf 'ts,page\n5,1\n4,2\n' >bad.csv
bad "csv time" "bad.csv:3: time going backwards in task 0: 4 after 5" \
	"$BIN" trace info bad.csv --columns time_ns=ts,vpage=page
bad "csv column" "bad.csv:1: no column 'vpage' (for vpage) in the header" "$BIN" trace info bad.csv

echo "$fails failed"
[ "$fails" -eq 0 ]
