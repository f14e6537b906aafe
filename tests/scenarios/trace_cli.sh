#!/usr/bin/env bash
# zswapsim trace info|validate|convert: the round trip binary <-> text is byte
# for byte, info reports the numbers worked out by hand below, and every bad
# input gives exit status 2 and exactly one line on stderr.
set -u
BIN=${BIN:-build/zswapsim}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
HELPERS=$(pwd)/tests/scenarios/cli-helpers.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
. "$HELPERS"

# A 4-page page store with fixed content; its XXH3-64 was computed once with
# trace_file_checksum() and is part of the trace header below.
seq 1 5000 | head -c 16384 >ps.pages
cat >small.txt <<'EOF'
zswapsim-trace 1
page_size 4096
slot_count 64
stream_count 2
memcg 0 / -1
memcg 1 /app 0
page_store ps.pages 4 0x9c1697ef532fe6db
# time_ns op slot order stream memcg content flags
0 out 0 0 0 1 0 -
0 out 8 2 1 1 0 -
100 out 1 0 0 0 3 -
150 out 16 0 1 0 2048 hint
200 out 17 1 0 1 0 hint|zero
300 in 0 0 0 1 0 -
310 in 8 0 1 1 0 ra
400 inval 1 0 0 0 0 -
EOF

# --- help and usage --------------------------------------------------------
check "trace --help" 0 "$BIN" trace --help
for sub in info validate convert; do
	check "trace $sub --help" 0 "$BIN" trace "$sub" --help
	grep -q "usage: zswapsim trace $sub" out || fail "trace $sub --help text"
done
check "trace without subcommand" 2 "$BIN" trace
bad "unknown subcommand" "unknown subcommand 'frob'" "$BIN" trace frob
bad "unknown option" "unknown option '--fast'" "$BIN" trace validate --fast small.txt
bad "validate without file" "trace validate: missing file" "$BIN" trace validate
bad "convert without output" "trace convert: missing output file" "$BIN" trace convert small.txt
bad "extra argument" "unexpected argument 'b.txt'" "$BIN" trace info small.txt b.txt

# --- validate, convert, round trips ----------------------------------------
check "validate text" 0 "$BIN" trace validate small.txt
has "validate text output" out "small.txt: ok, 8 records"
check "convert text -> binary" 0 "$BIN" trace convert small.txt small.zswt
[ "$(stat -c %s small.zswt)" -eq $((320 + 2 * 72 + 8 * 24)) ] && pass "binary size 656" ||
	fail "binary size $(stat -c %s small.zswt), want 656"
check "validate binary" 0 "$BIN" trace validate small.zswt
has "validate binary output" out "small.zswt: ok, 8 records"
check "convert binary -> text" 0 "$BIN" trace convert small.zswt back.txt
cmp -s small.txt back.txt && pass "text -> binary -> text is byte identical" ||
	fail "text -> binary -> text differs"
check "convert text -> binary again" 0 "$BIN" trace convert back.txt back.zswt
cmp -s small.zswt back.zswt && pass "binary -> text -> binary is byte identical" ||
	fail "binary -> text -> binary differs"
check "convert binary -> binary" 0 "$BIN" trace convert small.zswt copy.zswt
cmp -s small.zswt copy.zswt && pass "binary -> binary is byte identical" ||
	fail "binary -> binary differs"

# --- info ------------------------------------------------------------------
check "info" 0 "$BIN" trace info small.zswt
has "info records" out "records         8"
has "info time" out "time            0 .. 400 ns (span 400 ns)"
has "info slots" out "slots           9 distinct of 64"
has "info streams" out "streams         2 used of 2"
has "info page store" out "page store      ps.pages (4 pages, checksum 0x9c1697ef532fe6db)"
has "info flags" out "flags           hint 2, zero 1, ra 1"
has "info out" out "  out                  5          9"
has "info in" out "  in                   2          2"
has "info inval" out "  inval                1          1"
has "info order 0" out "  0                    6"
has "info order 1" out "  1                    1"
has "info order 2" out "  2                    1"
has "info memcg 0" out "  0                    3          2      -1  /"
has "info memcg 1" out "  1                    5          7       0  /app"
check "info --json" 0 "$BIN" trace info --json small.txt
tr -d ' \n' <out >flat.json
for want in '"records":8' '"out":{"events":5,"pages":9}' '"events_by_order":[6,1,1,0,0,0,0,0,0,0]' \
	'"distinct_slots":9' '"streams_used":2' '"span_ns":400' \
	'{"index":1,"name":"/app","parent":0,"events":5,"pages_out":7}' \
	'"page_store":{"name":"ps.pages","path":"ps.pages","pages":4,"checksum":"0x9c1697ef532fe6db"}'; do
	grep -qF -- "$want" flat.json && pass "info --json has $want" || fail "info --json lacks $want"
done

# --- bad inputs: exit 2, one line naming file and record/line --------------
bad "missing file" "nothere.zswt: No such file or directory" "$BIN" trace validate nothere.zswt
bad "unknown extension" "small.bin: unknown trace extension" "$BIN" trace validate small.bin
bad "convert to unknown extension" "out.dat: unknown trace extension" "$BIN" trace convert small.txt out.dat
[ ! -e out.dat ] && pass "no output on bad extension" || fail "out.dat was written"

sed '1s/.*/zswap 1/' small.txt >magic.txt
bad "text bad magic" "magic.txt:1: bad magic" "$BIN" trace validate magic.txt
sed '1s/.*/zswapsim-trace 2/' small.txt >version.txt
bad "text bad version" "version.txt:1: unsupported version '2'" "$BIN" trace validate version.txt
sed '11s/.*/100 out 1 10 0 0 3 -/' small.txt >order.txt
bad "text order > 9" "order.txt:11: record 2: order 10 > 9" "$BIN" trace info order.txt
sed '16s/.*/290 inval 1 0 0 0 0 -/' small.txt >time.txt
bad "text time backwards" "time.txt:16: record 7: time going backwards in stream 0: 290 after 300" \
	"$BIN" trace validate time.txt
sed '13s/.*/200 out 17 1 0 1 0 zero/' small.txt >zero.txt
bad "text zero without hint" "zero.txt:13: record 4: zero flag without hint" "$BIN" trace validate zero.txt
sed '10s/.*/0 out 8 2 1 1 1 -/' small.txt >page.txt
bad "text page beyond store" "page.txt:10: record 1: page index 1 + 4 pages beyond the page store (4 pages)" \
	"$BIN" trace validate page.txt
sed '15s/.*/310 in 8 0 2 1 0 ra/' small.txt >stream.txt
bad "text stream" "stream.txt:15: record 6: stream 2 >= stream_count 2" "$BIN" trace validate stream.txt
sed '6s/.*/memcg 1 \/app 3/' small.txt >parent.txt
bad "text memcg parent" "parent.txt:6: memcg 1: parent '3' invalid" "$BIN" trace validate parent.txt
bad "convert of bad input" "order.txt:11: record 2: order 10 > 9" "$BIN" trace convert order.txt o.zswt
[ ! -e o.zswt ] && pass "no output on bad input" || fail "o.zswt was written"

cp small.zswt trunc.zswt && truncate -s 650 trunc.zswt
bad "binary truncated" "trunc.zswt: truncated file: 650 bytes, header says 8 records" \
	"$BIN" trace validate trunc.zswt
cp small.zswt magic.zswt && printf 'X' | dd of=magic.zswt bs=1 seek=0 conv=notrunc status=none
bad "binary bad magic" "magic.zswt: bad magic" "$BIN" trace validate magic.zswt
cp small.zswt op.zswt && printf '\x07' | dd of=op.zswt bs=1 seek=$((464 + 3 * 24 + 20)) conv=notrunc status=none
bad "binary unknown op" "op.zswt: record 3: unknown op 7" "$BIN" trace info --json op.zswt
cp small.zswt rs.zswt && printf '\x20' | dd of=rs.zswt bs=1 seek=16 conv=notrunc status=none
bad "binary record size" "rs.zswt: header: wrong record size 32" "$BIN" trace validate rs.zswt

mkdir other && cp small.zswt other/
bad "page store missing" "other/small.zswt: page store 'other/ps.pages' missing" \
	"$BIN" trace validate other/small.zswt
head -c 12288 ps.pages >other/ps.pages
bad "page store size" "page store 'other/ps.pages' size mismatch: 12288 bytes, header says 4 pages" \
	"$BIN" trace validate other/small.zswt
cp ps.pages other/ps.pages && printf 'x' | dd of=other/ps.pages bs=1 seek=5000 conv=notrunc status=none
bad "page store checksum" "page store 'other/ps.pages' checksum mismatch" \
	"$BIN" trace validate other/small.zswt

# --- a FIFO as input: open() waited for a writer for ever (traces/infile.c) --
# timeout: a regression fails here instead of hanging the run
mkfifo f.zswt f.txt f.zswa f.pages f.csv f.og
for f in f.zswt f.txt f.zswa f.pages f.csv; do
	bad "info of FIFO $f" "$f: not a regular file" timeout 10 "$BIN" trace info "$f"
done
bad "info of FIFO oracleGeneral" "f.og: not a regular file" \
	timeout 10 "$BIN" trace info f.og --format oracleGeneral
bad "validate of FIFO" "f.zswt: not a regular file" timeout 10 "$BIN" trace validate f.zswt
bad "convert of FIFO" "f.zswt: not a regular file" timeout 10 "$BIN" trace convert f.zswt fo.txt
[ ! -e fo.txt ] && pass "no output from a FIFO" || fail "fo.txt was written"
# the output is checked before the input is read (it was refused only after)
bad "convert to a FIFO refused first" "f.txt: exists and is not a regular file" \
	timeout 10 "$BIN" trace convert order.txt f.txt
[ -p f.txt ] && pass "the FIFO is kept" || fail "f.txt was replaced"

echo "$fails failed"
[ "$fails" -eq 0 ]
