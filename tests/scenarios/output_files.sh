#!/usr/bin/env bash
# Output files (traces/outfile.c, issue 12): -o never replaces a device, FIFO,
# socket or link; "-" is standard output; a file-size limit or a full disk
# gives one line naming the real error and leaves no temp file behind.
# Special files are made inside this test's scratch directory only.
set -u
BIN=${BIN:-build/zswapsim}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=$(pwd)
HELPERS=$ROOT/tests/scenarios/cli-helpers.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
. "$HELPERS"
CFG=$ROOT/configs/default.json
TRACE=$ROOT/traces/bundled/default.zswt

# only_type NAME PATH TYPE: PATH is still of that type (find -type letter)
only_type() {
	if [ -n "$(find "$2" -maxdepth 0 -type "$3")" ]; then pass "$1"; else fail "$1: $2 was replaced"; fi
}
# no_temp NAME PREFIX: nothing named PREFIX.* is left
no_temp() {
	local left
	left=$(ls -A | grep -F "$2." || true)
	if [ -z "$left" ]; then pass "$1"; else fail "$1: left $left"; fi
}

mkfifo fifo
bad "run -o FIFO" "fifo: exists and is not a regular file (not replaced)" "$BIN" run "$CFG" -o fifo
only_type "run -o FIFO keeps the FIFO" fifo p
if mknod null c 1 3 2>/dev/null; then
	bad "run -o device" "null: exists and is not a regular file" "$BIN" run "$CFG" -o null
	only_type "run -o device keeps the device" null c
fi
echo keep >target && ln -s target link
bad "run -o symlink" "link: exists and is not a regular file" "$BIN" run "$CFG" -o link
same "symlink target untouched" "$(cat target)" keep
mkdir adir.txt
bad "trace convert to a directory" "adir.txt: exists and is not a regular file" \
	"$BIN" trace convert "$TRACE" adir.txt

# Every output is checked before the work: a trace's FILE.pages was written
# (256 MiB for --size 256M) before the trace's own path was refused, and left.
CORPUS=$ROOT/traces/bundled/corpus.pages
ln -s target s1.zswt
bad "gen -o symlink" "s1.zswt: exists and is not a regular file" \
	"$BIN" trace gen usemem --size 16M --content "$CORPUS" --quiet -o s1.zswt
same "gen -o symlink leaves no page store" "$(ls s1.* 2>/dev/null)" "s1.zswt"
ln -s target a1.zswa
bad "gen --access -o symlink" "a1.zswa: exists and is not a regular file" \
	"$BIN" trace gen usemem --size 16M --content "$CORPUS" --access --quiet -o a1.zswa
same "gen --access -o symlink leaves no page store" "$(ls a1.* 2>/dev/null)" "a1.zswa"
ln -s target p2.pages
bad "gen with FILE.pages a symlink" "p2.pages: exists and is not a regular file" \
	"$BIN" trace gen usemem --size 16M --content "$CORPUS" --quiet -o p2.zswt
same "gen with FILE.pages a symlink writes no trace" "$(ls p2.* 2>/dev/null)" "p2.pages"
same "symlink target untouched by gen" "$(cat target)" keep
printf 'time_ns,op,slot,order,cgroup\n1,out,0,0,a\n2,out,1,0,a\n' >ev.csv
mkfifo f2.zswt
bad "import -o FIFO" "f2.zswt: exists and is not a regular file" \
	timeout 10 "$BIN" trace import csv ev.csv --content "$CORPUS" -o f2.zswt
same "import -o FIFO leaves no page store" "$(ls f2.* 2>/dev/null)" "f2.zswt"
only_type "import -o FIFO keeps the FIFO" f2.zswt p

# A trace and its page store land together or not at all: here the page
# store (64 pages, 256 KiB) fits the file-size limit and the trace does not;
# the page store was renamed into place and left without its trace.
(ulimit -f 400; "$BIN" trace gen usemem --size 64M --max-pages 64 --content "$CORPUS" --quiet \
	-o big.zswt >out 2>err; echo $? >rc)
same "pair over the size limit: exit status (a runtime failure, as a full disk)" "$(cat rc)" 1
has "pair over the size limit: one line" err "zswapsim: trace gen usemem: big.zswt: write failed: File too large"
same "pair over the size limit: neither file, no temp file" "$(ls -A | grep -F big. || true)" ""
check "pair within the limit" 0 "$BIN" trace gen usemem --size 64M --max-pages 64 --content "$CORPUS" \
	--quiet -o big.zswt
check "the pair validates (checksum of the page store)" 0 "$BIN" trace validate big.zswt
check "access pair" 0 "$BIN" trace gen usemem --size 16M --content "$CORPUS" --access --quiet -o acc.zswa
check "the access pair validates" 0 "$BIN" trace validate acc.zswa
check "import pair" 0 "$BIN" trace import csv ev.csv --content "$CORPUS" -o imp.zswt
check "the import pair validates" 0 "$BIN" trace validate imp.zswt

# run -o: "newdir/" made newdir and then refused it; "" said ": write failed";
# a directory was refused only after the run (here the run would fail first:
# its trace is missing)
bad "run -o newdir/" "newdir/: names a directory, not a file" "$BIN" run "$CFG" -q -o newdir/
same "run -o newdir/ makes nothing" "$(ls -d newdir 2>/dev/null)" ""
bad "run -o ''" "empty output file name ('')" "$BIN" run "$CFG" -q -o ''
echo '{ "trace": { "path": "missing.zswt" } }' >m.json
bad "run -o DIR refused before the run" "adir.txt: exists and is not a regular file" \
	"$BIN" run m.json -q -o adir.txt
check "run -o sub/r.json makes sub/" 0 "$BIN" run "$CFG" -q -o sub/r.json
same "sub/r.json written" "$(ls sub)" r.json

# "-": the report on stdout, the summary on stderr, no file named "-"
check "run -o -" 0 "$BIN" run "$CFG" -o -
if python3 -c 'import json,sys; r=json.load(open("out")); sys.exit(r["schema"] != "zswapsim-report/1")'; then
	pass "run -o - writes the report to stdout"
else
	fail "run -o - writes the report to stdout"
fi
has "run -o - summary on stderr" err "zswapsim: $CFG -> -"
same "run -o - writes no file" "$(ls -A | grep -cx -- -)" 0

# RLIMIT_FSIZE: used to die of SIGXFSZ leaving report.json.tmp.<pid>
(ulimit -f 8; "$BIN" run "$CFG" -o r.json >out 2>err; echo $? >rc)
# a limit of the environment, as a full disk below: a runtime failure
same "file-size limit: exit status" "$(cat rc)" 1
has "file-size limit: one line with the errno" err "zswapsim: r.json: write failed: File too large"
no_temp "file-size limit leaves no temp file" r.json
same "file-size limit: no report" "$(ls r.json 2>/dev/null)" ""

# A full disk: a 64 KiB tmpfs in a mount namespace of our own (gone with it).
mkdir mnt
if unshare -m true 2>/dev/null; then
	unshare -m sh -c "mount -t tmpfs -o size=64k tmpfs mnt && cd mnt &&
		\"$BIN\" trace convert \"$TRACE\" full.txt >../out 2>../err; echo \$? >../rc; ls -A >../left"
	same "full disk: exit status" "$(cat rc)" 1
	has "full disk: ENOSPC, not EIO" err "zswapsim: full.txt: write failed: No space left on device"
	same "full disk: no temp file" "$(cat left)" ""
else
	echo "skip full disk: no mount namespace here"
fi

# A writer that makes no directories (trace gen, import, convert) names a
# missing or non-directory parent before the work, not after it (a 512 MiB
# zipf trace was generated first)
(timeout 10 "$BIN" trace gen zipf --size 512M --accesses 2000000 --content "$CORPUS" --quiet \
	-o nodir/x.zswt >out 2>err; echo $? >rc)
same "gen into a missing directory: exit 2, one line" "$(cat rc) $(wc -l <err)" "2 1"
has "gen into a missing directory: names it" err "zswapsim: trace gen zipf: nodir/x.zswt: directory nodir: No such file or directory"
same "gen into a missing directory: nothing made" "$(ls -d nodir 2>/dev/null)" ""
echo x >afile
(timeout 10 "$BIN" trace gen zipf --size 512M --content "$CORPUS" --quiet -o afile/x.zswt >out 2>err; echo $? >rc)
same "gen under a file: exit 2" "$(cat rc)" 2
has "gen under a file: names it" err "zswapsim: trace gen zipf: afile/x.zswt: afile is not a directory"

echo "$fails failed"

[ "$fails" -eq 0 ]
