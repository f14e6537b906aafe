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

echo "$fails failed"
[ "$fails" -eq 0 ]
