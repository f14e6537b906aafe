#!/usr/bin/env bash
# The generators' defaults a new user meets (docs/workloads.md): without
# --content the pages are random bytes and `trace gen` says so on stderr (no
# word when the content is given, when the kind brings its own, or for an
# oracleGeneral trace, which has no content); think-time jitter and start
# offsets are on by default, seeded, and --no-jitter gives the lockstep
# traces (the bundled ones are made with it).
set -u
BIN=${BIN:-build/zswapsim}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ROOT=$(pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$T"
. "$ROOT/tests/scenarios/cli-helpers.bash"

warn="no --content: the pages are random bytes"
check "zipf without --content" 0 "$BIN" trace gen zipf --size 64K --accesses 200 --quiet -o z.zswt
if grep -qF "$warn" err && [ "$(wc -l <err)" -eq 1 ]; then pass "... warns on stderr (one line)"; else
	fail "... no warning: $(cat err)"; fi
check "usemem --access without --content" 0 "$BIN" trace gen usemem --size 64K --access --quiet -o u.zswa
if grep -qF "$warn" err; then pass "... warns too"; else fail "... no warning: $(cat err)"; fi
check "zipf with --content" 0 "$BIN" trace gen zipf --size 64K --accesses 200 --quiet \
	--content "$ROOT/traces/bundled/default.pages" -o c.zswt
same "... no warning" "$(cat err)" ""
check "zipf, all pages zero or same-filled" 0 "$BIN" trace gen zipf --size 64K --accesses 200 --quiet \
	--zero 0.5 --same 0.5 -o zs.zswt
same "... no warning" "$(cat err)" ""
check "selftest (its own content)" 0 "$BIN" trace gen selftest zswapin --quiet -o s.zswt
same "... no warning" "$(cat err)" ""
check "oracleGeneral (no content)" 0 "$BIN" trace gen zipf --size 64K --accesses 200 --quiet \
	--oracle-general -o z.og
same "... no warning" "$(cat err)" ""

# jitter: seeded, on by default, off with --no-jitter
gen() { "$BIN" trace gen usemem --streams 3 --size 64K --passes 2 --think 1000 --access --quiet "$@" 2>/dev/null; }
gen -o a.txt && gen -o b.txt && gen --seed 2 -o c.txt && gen --no-jitter -o l.txt
same_file "jittered trace: the same seed gives the same file" a.txt b.txt
if ! cmp -s a.txt c.txt; then pass "... another seed, other times"; else fail "... seed 2 gives the same file"; fi
# lockstep: the three tasks' k-th records share one time, k x 1000
same "--no-jitter: every task at k x think" \
	"$(grep -v '^#' l.txt | awk '$2 != "exit" { n[$5]++; if ($1 != n[$5] * 1000) bad++ } END { print bad + 0 }')" 0
same "default: no two tasks act at the same nanosecond" \
	"$(grep -v '^#' a.txt | awk '{ c[$1]++ } END { for (t in c) if (c[t] > 1) d++; print d + 0 }')" 0
bad "--jitter out of range" "--jitter: 2 is not in 0..1" "$BIN" trace gen usemem --jitter 2 -o x.zswt
cat >w.json <<EOF2
{ "workload": { "kind": "usemem", "streams": 2, "size": "64K", "passes": 2, "no_jitter": true,
                "content": "$ROOT/traces/bundled/default.pages" }, "report": { "progress": false } }
EOF2
check "a workload run turns it off with workload.no_jitter" 0 "$BIN" run w.json -o r.json
check "... and sets it with workload.jitter" 0 "$BIN" run w.json --set workload.no_jitter=false \
	--set workload.jitter=0.2 -o r2.json
bad "... in range" "workload.jitter: 3 is not in 0..1" "$BIN" run w.json --set workload.no_jitter=false --set workload.jitter=3 -o r3.json

[ "$fails" -eq 0 ]
