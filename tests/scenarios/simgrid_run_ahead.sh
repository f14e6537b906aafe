#!/usr/bin/env bash
# Running ahead (sim/timing_simgrid.c, sg_run_ahead()): a stream of a
# multi-stream replay leaves out CPU executions and sleeps that end before
# any other actor can act, and catches SimGrid up later.  Reports must be
# byte-identical with it on and off (ZSWAPSIM_SIMGRID_RUN_AHEAD=0), the
# runtime and tool sections aside: on four overlapping zipf streams (the
# bench's multistream row, smaller), open and closed, with readahead, with
# shrink-worker and proactive writeback to the swap device, and on the
# simgrid equality config.  The model's full check after every step
# (ZSWAPSIM_CHECK_EVERY_STEP) passes with it on, and it did leave work out;
# it is off with SimGrid --cfg options other than the contexts'.
set -u
BIN=${BIN:-build/zswapsim}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
expect() {   # NAME WANT GOT
	if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: got '$3', want '$2'"; fails=$((fails + 1)); fi
}

gen() {   # NAME ARGS...
	local name=$1
	shift
	"$BIN" trace gen zipf "$@" --content traces/bundled/default.pages --max-pages 4096 --seed 1 \
		--quiet -o "$T/$name.zswt"
	expect "trace $name generated" 0 $?
}
gen ms --streams 4 --size 64M --orders 0:0.5,4:0.5
gen ra --streams 4 --size 32M --orders 0:0.5,4:0.5 --readahead 8 --think 5000
gen slow --streams 3 --size 32M --orders 0:0.7,2:0.3 --think 20000

cfg() {   # NAME TRACE EXTRA-JSON
	cat >"$T/$1.json" <<J
{"base": "$PWD/configs/hw/local.json", "trace": {"path": "$2.zswt"}, "system": {"ram": "1GiB"},
 "timing": {"backend": "simgrid"}, "report": {"progress": false}$3}
J
}
cfg ms ms ''
cfg closed ms ', "replay": {"mode": "closed"}'
cfg ra ra ''
cfg slow slow ''
cfg wb ms ', "zswap": {"max_pool_percent": 2}'
cfg proactive slow ', "policy": {"writeback": {"name": "proactive-age", "age_ns": 2000000, "period_ns": 1000000}}'

strip='del(.runtime, .tool)'
compare() {   # NAME RUN-ARGS...
	local name=$1
	shift
	"$BIN" run "$@" -q -o "$T/on.json" >/dev/null 2>&1
	expect "$name: runs" 0 $?
	ZSWAPSIM_SIMGRID_RUN_AHEAD=0 "$BIN" run "$@" -q -o "$T/off.json" >/dev/null 2>&1
	diff <(jq -S "$strip" "$T/on.json") <(jq -S "$strip" "$T/off.json") >"$T/d" 2>&1
	expect "$name: running ahead on = off" "" "$(head -5 "$T/d")"
}
for c in ms closed ra slow wb proactive; do
	compare "$c" "$T/$c.json"
done
compare "equality config" configs/simgrid/equality.json --set timing.backend=simgrid
expect "wb: the shrink worker wrote back" true "$(jq '.stats.global.written_back_pages > 0' "$T/on.json" 2>/dev/null || echo false)"

# it did leave CPU executions and sleeps out, and only when on
left() {   # CONFIG [SIMGRID-OPTION] -> the count ZSWAPSIM_CHECK_EVERY_STEP prints
	ZSWAPSIM_CHECK_EVERY_STEP=1 "$BIN" run "$@" -q -o "$T/chk.json" 2>&1 >/dev/null |
		sed -n 's/.* \([0-9]*\) left out by running ahead$/\1/p'
}
n=$(left "$T/ms.json")
expect "checked every step: runs" 0 $?
expect "multistream: some CPU executions and sleeps left out" true "$([ "${n:-0}" -gt 0 ] && echo true || echo false)"
expect "multistream, checked every step: the same report" "" \
	"$(diff <(jq -S "$strip" "$T/chk.json") <("$BIN" run "$T/ms.json" -q -o - 2>/dev/null | jq -S "$strip") | head -5)"
# what each CPU execution met on its core: the four kinds add up to the
# executions through SimGrid, and on 4 streams over 2 cores most share one
ZSWAPSIM_CHECK_EVERY_STEP=1 "$BIN" run "$T/ms.json" -q -o "$T/chk.json" 2>"$T/err" >/dev/null
execs=$(sed -n 's/.*streams: \([0-9]*\) CPU executions and .*/\1/p' "$T/err")
kinds=$(sed -n 's/.*at the start: \([0-9]*\) shared it, \([0-9]*\) beside an actor blocked until released, \([0-9]*\) beside one waking before their end, \([0-9]*\) alone to their end$/\1 \2 \3 \4/p' "$T/err")
read -r shared released waking alone <<<"$kinds"
expect "execution kinds printed" true "$([ -n "$execs" ] && [ -n "${alone:-}" ] && echo true || echo false)"
expect "execution kinds add up to the executions" "${execs:-none}" "$(( ${shared:-0} + ${released:-0} + ${waking:-0} + ${alone:-0} ))"
expect "most executions share their core" true "$([ "${shared:-0}" -gt $(( ${execs:-0} / 2 )) ] && echo true || echo false)"
n=$(left "$T/slow.json")
expect "sleeping streams: some sleeps left out" true "$([ "${n:-0}" -gt 0 ] && echo true || echo false)"
n=$(ZSWAPSIM_SIMGRID_RUN_AHEAD=0 left "$T/ms.json")
expect "ZSWAPSIM_SIMGRID_RUN_AHEAD=0: nothing left out" 0 "$n"
# it follows SimGrid's default models: off with other --cfg options
n=$(left "$T/ms.json" --cfg=surf/precision:1e-9)
expect "with --cfg=surf/precision: nothing left out" 0 "$n"
n=$(left "$T/ms.json" --cfg=contexts/factory:raw)
expect "with --cfg=contexts/factory:raw: some left out" true "$([ "${n:-0}" -gt 0 ] && echo true || echo false)"

[ "$fails" -eq 0 ]
