#!/usr/bin/env bash
# zswapsim policies: every family is listed with its kernel default marked,
# parameters come with default and range, --markdown works, a bad argument
# exits 2 with one line on stderr; a run names the policies in use under
# stats.policy and reports stats.limit; an unknown policy parameter in a
# config exits 2 naming it.
set -u
BIN=${BIN:-build/zswapsim}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
expect() {   # NAME WANT GOT
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$3', want '$2'"; fi
}

"$BIN" policies >"$T/out" 2>"$T/err"; rc=$?
expect "policies: exit 0" 0 "$rc"
expect "limit default folio-once" 1 "$(grep -c '^  folio-once .*\[default\]$' "$T/out")"
expect "lru default kernel" 1 "$(grep -c '^  kernel .*\[default\]$' "$T/out")"
expect "writeback default pool-limit" 1 "$(grep -c '^  pool-limit .*\[default\]$' "$T/out")"
expect "pool-limit batch parameter" 1 \
	"$(grep -A1 '^  pool-limit ' "$T/out" | grep -c 'batch (int, default 1, range 1..512)')"

"$BIN" policies --markdown >"$T/md" 2>&1; rc=$?
expect "markdown: exit 0" 0 "$rc"
expect "markdown: three family headings" 3 "$(grep -c '^### ' "$T/md")"

"$BIN" policies --bogus >"$T/out" 2>"$T/err"; rc=$?
expect "bad argument: exit 2" 2 "$rc"
expect "bad argument: one line naming it" 1 "$(grep -c "'--bogus'" "$T/err")"

"$BIN" run configs/experiments/replay-default.json -o "$T/rep.json" >/dev/null 2>"$T/err"; rc=$?
expect "default run: exit 0" 0 "$rc"
expect "stats.policy names the defaults" "folio-once kernel pool-limit" \
	"$(jq -r '.stats.policy | "\(.limit) \(.lru) \(.writeback)"' "$T/rep.json")"
expect "stats.limit rejected_folios = sim_rejected_folios" \
	"$(jq '.stats.global.sim_rejected_folios' "$T/rep.json")" \
	"$(jq '.stats.limit.rejected_folios' "$T/rep.json")"

"$BIN" run configs/experiments/replay-default.json --set 'policy.writeback={"name":"pool-limit","bogus":1}' \
	-o "$T/bad.json" >/dev/null 2>"$T/err"; rc=$?
expect "unknown policy parameter: exit 2" 2 "$rc"
expect "unknown policy parameter: named" 1 "$(grep -c "'bogus'" "$T/err")"

# a bare name for an object-typed policy key: say which key takes the name
"$BIN" run configs/experiments/replay-default.json --set policy.lru=refault -o "$T/bad.json" >/dev/null 2>"$T/err"; rc=$?
expect "policy.lru=NAME: exit 2, suggests policy.lru.name" \
	"2 zswapsim: --set: policy.lru: expected an object {\"name\": ..., params}: to choose a policy by name, set policy.lru.name=refault" \
	"$rc $(cat "$T/err")"

[ "$fails" -eq 0 ]
