#!/usr/bin/env bash
# Traces from elsewhere, through the CLI: `trace import csv` (exact records,
# errors with the CSV line), `trace info FILE.pages` (numbers checked against
# the sizes table of the test pages), `trace convert` into another directory,
# the note and report key of hint-only traces, and sim_in_unknown_slot of a
# trace cut mid-run (checked against a count made here with awk).
set -u
BIN=${BIN:-build/zswapsim}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=$(pwd)
HELPERS=$(pwd)/tests/scenarios/cli-helpers.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
. "$HELPERS"

# --- trace import csv ------------------------------------------------------------
cat >ev.csv <<'EOF'
time_ns,op,slot,order,cgroup
100,out,0,0,/app
200,out,4,2,/app
300,out,9,0,/db
400,in,0,0,/app
450,out,0,0,/app
500,inval,4,2,/app
600,out,4,2,/app
700,in,20,0,/db
EOF
check "import --help" 0 "$BIN" trace import --help
grep -q "^    time_ns,op,slot,order,cgroup$" out && pass "help shows the default header" ||
	fail "help lacks the default header"
check "import --ratio" 0 "$BIN" trace import csv ev.csv -o ev.zswt --ratio 2.5
has "import summary" out "wrote ev.zswt: 8 records (5 out, 2 in, 1 inval), 2 streams, 2 memcgs, 21 slots, hints of 1638 bytes per page (ratio 2.5)"
check "convert import to text" 0 "$BIN" trace convert ev.zswt ev.txt
cat >want.txt <<'EOF'
zswapsim-trace 1
page_size 4096
slot_count 21
stream_count 2
memcg 0 /app -1
memcg 1 /db -1
# time_ns op slot order stream memcg content flags
100 out 0 0 0 0 1638 hint
200 out 4 2 0 0 1638 hint
300 out 9 0 1 1 1638 hint
400 in 0 0 0 0 0 -
450 out 0 0 0 0 1638 hint
500 inval 4 2 0 0 0 -
600 out 4 2 0 0 1638 hint
700 in 20 0 1 1 0 -
EOF
cmp -s ev.txt want.txt && pass "imported records exact" || { fail "imported records differ"; diff want.txt ev.txt; }
check "info of imported trace" 0 "$BIN" trace info ev.zswt
has "info content hints" out "content         hints"

# pages from a page store: a slot keeps its pages until inval
check "import --content" 0 "$BIN" trace import csv ev.csv -o evp.txt --content "$ROOT/tests/data/corpus-sample.pages" --seed 3
has "content summary" out "wrote evp.txt: 8 records (5 out, 2 in, 1 inval), 2 streams, 2 memcgs, 21 slots, 10 pages in evp.pages"
awk '!/^#/ && $2 == "out" { print $3, $7 }' evp.txt >contents
same "slot 0 keeps page 0, slots 4..7 get new pages after inval" "$(tr '\n' ' ' <contents)" "0 0 4 1 9 5 0 0 4 6 "
check "info content pages" 0 "$BIN" trace info evp.txt
has "info content pages line" out "content         pages"
ps_sum=$(sed -n 's/^page store .*checksum \(0x[0-9a-f]*\))$/\1/p' out)
check "info of the written store" 0 "$BIN" trace info evp.pages
has "store checksum = the trace header's" out "checksum        $ps_sum"
has "store pages" out "pages           10 (10 distinct)"

# a mapping for other header names, and errors with the CSV line
printf 'cpu,ts,kind,slot\n1,10,out,3\n2,5,out,4\n' >mapped.csv
check "import --columns" 0 "$BIN" trace import csv mapped.csv -o mapped.txt --ratio 4 --columns time_ns=ts,op=kind,stream=cpu
has "mapped: sorted by time; cpu 2 is stream 1 (file order)" mapped.txt "5 out 4 0 1 0 1024 hint"
printf 'time_ns,op,slot,order,cgroup\n1,out,0,0,a\n\n2,swapout,1,0,a\n' >badop.csv
bad "bad op names the line" "badop.csv:4: op 'swapout': want out, in or inval" \
	"$BIN" trace import csv badop.csv -o badop.zswt --ratio 2
[ ! -e badop.zswt ] && pass "no output on bad input" || fail "badop.zswt was written"
bad "missing column" "mapped.csv:1: no column 'time_ns' for time_ns in the header 'cpu,ts,kind,slot'" \
	"$BIN" trace import csv mapped.csv -o x.zswt --ratio 2
bad "no content option" "give one of --ratio R" "$BIN" trace import csv ev.csv -o x.zswt
bad "unknown format" "unknown format (want csv)" "$BIN" trace import json ev.csv -o x.zswt --ratio 2
bad "bad ratio" "--ratio 0.5: want 1..4096" "$BIN" trace import csv ev.csv -o x.zswt --ratio 0.5

# --- hint-only replay: one note, trace.content, the hints' ratio ----------------------
cat >hints.json <<'EOF'
{ "trace": { "path": "ev.zswt" }, "system": { "ram": "1MiB" } }
EOF
check "run hint trace" 0 "$BIN" run hints.json -o hints-report.json
same "one note and one warning on stderr" "$(wc -l <err)" 2
same "one stderr line about hints" "$(grep -c hint err)" 1
grep -qF "zswapsim: note: ev.zswt: every swap-out is a compressed-length hint: compressed sizes come from the hints, not from zswap.compressor (lzo)" err &&
	pass "hint note names the codec" || fail "hint note: $(cat err)"
grep -qF "hints (ratio 2.50; sizes from the hints, not lzo)" out && pass "summary prints the hints' ratio" ||
	fail "summary: $(grep stores out)"
same "trace.content" "$(jq -r .trace.content hints-report.json)" hints
# slot 20 was never swapped out: one page read from before the trace
same "sim_in_unknown_slot of the import" "$(jq .stats.global.sim_in_unknown_slot hints-report.json)" 1
grep -qF "zswapsim: warning: ev.zswt: 1 swap-in page hit a slot the trace never swapped out" err &&
	pass "unknown-slot warning" || fail "unknown-slot warning: $(cat err)"
check "run hint trace with zstd" 0 "$BIN" run hints.json --set zswap.compressor=zstd -o zstd-report.json
same "zstd gives the same counters on hints" "$(jq -c .stats.global zstd-report.json)" \
	"$(jq -c .stats.global hints-report.json)"

# --- a trace cut mid-run ---------------------------------------------------------------
"$BIN" trace convert "$ROOT/traces/bundled/default.zswt" full.txt >/dev/null 2>&1
cp "$ROOT/traces/bundled/default.pages" .
cat >full.json <<'EOF'
{ "trace": { "path": "full.txt" }, "system": { "ram": "12MiB" } }
EOF
check "run full trace" 0 "$BIN" run full.json -q -o full-report.json
same "no stderr for the full trace" "$(wc -c <err)" 0
same "full trace: sim_in_unknown_slot 0" "$(jq .stats.global.sim_in_unknown_slot full-report.json)" 0
same "full trace: content pages" "$(jq -r .trace.content full-report.json)" pages
# drop the first 2000 records
awk '/^[0-9]/ { if (++n <= 2000) next } { print }' full.txt >cut.txt
# pages of `in` records on slots no earlier `out` of cut.txt covered
want=$(awk '/^[0-9]/ { n = 2 ^ $4
	if ($2 == "out") for (i = 0; i < n; i++) seen[$3 + i] = 1
	else if ($2 == "in") for (i = 0; i < n; i++) if (!(($3 + i) in seen)) u++ }
	END { print u + 0 }' cut.txt)
[ "$want" -gt 0 ] && pass "the cut trace swaps in $want unknown slot pages" || fail "cut trace has no unknown slots"
sed 's/full.txt/cut.txt/' full.json >cut.json
check "run cut trace" 0 "$BIN" run cut.json -q -o cut-report.json
same "cut trace: sim_in_unknown_slot" "$(jq .stats.global.sim_in_unknown_slot cut-report.json)" "$want"
same "cut trace: one warning" "$(grep -c "swap-in pages hit slots the trace never swapped out" err)" 1

# --- convert into another directory --------------------------------------------------
mkdir -p sub/deeper
check "convert into another directory" 0 "$BIN" trace convert evp.txt sub/deeper/evp.zswt
check "converted trace validates" 0 "$BIN" trace validate sub/deeper/evp.zswt
check "info of converted trace" 0 "$BIN" trace info sub/deeper/evp.zswt
has "reference relative to the new place" out "page store      ../../evp.pages (10 pages, checksum $ps_sum)"
check "convert back next to the store" 0 "$BIN" trace convert sub/deeper/evp.zswt back.txt
cmp -s evp.txt back.txt && pass "round trip through another directory is byte identical" ||
	fail "back.txt differs from evp.txt"

# --- trace info FILE.pages against the sizes table -------------------------------------
check "info of a page store" 0 "$BIN" trace info "$ROOT/tests/data/corpus-sample.pages"
grep -qE '^checksum        0x[0-9a-f]{16}$' out && pass "checksum line" || fail "no checksum line"
has "store pages" out "pages           57 (55 distinct)"
has "store zero" out "zero            2"
has "store same-filled" out "same-filled     1 (one non-zero 64-bit word repeated)"
# corpus-sample.tsv: the sizes of these pages measured with the libraries
# (docs/compressor.md); the zero pages are python 47 and gcc 9
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{ zero = ($2 == "python" && $3 == 47) || ($2 == "gcc" && $3 == 9)
	  split("lzo1x-1 lz4 zstd-3 zlib-6-w11 isal-0-static", c, " ")
	  split("lzo lz4 zstd deflate deflate-iaa", name, " ")
	  for (k = 1; k <= 5; k++) { s = $col[c[k]]; if (s >= 4096) { inc[k]++; s = 4096 }
	    if (!zero) { bytes[k] += s; n[k]++ } } }
	END { for (k = 1; k <= 5; k++)
	  printf "  %-13s %14d  %5.2f\n", name[k], inc[k], n[k] * 4096 / bytes[k] }' \
	"$ROOT/tests/data/corpus-sample.tsv" >want-codecs
grep -A5 '^by codec' out | tail -5 >got-codecs
cmp -s want-codecs got-codecs && pass "incompressible pages and ratio per codec = the sizes table" ||
	{ fail "per-codec lines differ from the sizes table"; diff want-codecs got-codecs; }
check "info --json of a page store" 0 "$BIN" trace info --json "$ROOT/tests/data/corpus-sample.pages"
same "json incompressible lzo" "$(jq .codecs.lzo.incompressible out)" 2
head -c 5000 "$ROOT/tests/data/corpus-sample.pages" >odd.pages
bad "page store of odd size" "odd.pages" "$BIN" trace info odd.pages

echo "$fails failed"
[ "$fails" -eq 0 ]
