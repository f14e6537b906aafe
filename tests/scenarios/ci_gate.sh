#!/usr/bin/env bash
# The ready CI example (scripts/ci-gate.sh with configs/ci/written-back-gate.json):
# it gates a policy change on the written-back pages of every bundled
# experiment.  No change passes; a change that writes back 21 % more in the
# writeback experiment (the shrinker) fails, naming the experiment and the
# metric; a change that writes back nothing at all passes (the gate is
# one-sided: a symmetric tolerance would fail it); a tolerance rule that
# matches no metric is an error, not a silent pass.
set -u
BIN=${BIN:-build/zswapsim}
. tests/scenarios/lib/expect.sh

# Not under ASan: a run of the gate takes 30-40 s there (iaa-batching under
# SimGrid with thread contexts), and it is a shell script around `run` and
# `compare`, which the ASan build checks in the other scenarios (as
# scripts/run-tests.sh leaves the baselines to the plain build).
case "${BUILD:-}" in *asan*) echo "skip the CI gate under ASan (checked by the plain build)"; exit 0 ;; esac

# the swap-event replays (the workload experiments would double the time of
# this test; scripts/ci-gate.sh runs them too when no --config is given)
only=()
for c in replay-default limit-checks writeback iaa-batching; do
	only+=(--config "configs/experiments/$c.json")
done

scripts/ci-gate.sh --bin "$BIN" "${only[@]}" >"$T/out" 2>&1
expect "no change: exit 0, four experiments" "0 4" "$? $(grep -c '^ok ' "$T/out")"

scripts/ci-gate.sh --bin "$BIN" "${only[@]}" --set policy.writeback.name=shrinker >"$T/out" 2>&1
expect "more writeback: exit 1" 1 $?
expect "the failing experiment and its numbers" "FAIL  writeback: written_back_pages 5015 -> 6052" \
	"$(grep '^FAIL' "$T/out")"
expect "the compare table names the metric and the rule" \
	"stats.global.written_back_pages 5015 6052 +1037 (+20.68%) +5%|-any FAIL" \
	"$(grep '^ *stats.global.written_back_pages' "$T/out" | tr -s ' ' | sed 's/^ //')"

scripts/ci-gate.sh --bin "$BIN" "${only[@]}" --set policy.writeback.name=off --keep "$T/off" >"$T/out" 2>&1
expect "no writeback at all: a drop passes the one-sided gate" "0 ok    writeback: written_back_pages 5015 -> 0" \
	"$? $(grep 'writeback:' "$T/out")"
sed 's/"max_increase"/"rel"/' configs/ci/written-back-gate.json >"$T/sym.json"
"$BIN" compare "$T/off/writeback-base.json" "$T/off/writeback-new.json" --tolerance "$T/sym.json" >/dev/null 2>&1
expect "(the same drop fails a symmetric 5 % rule)" 1 $?

sed 's/written_back_pages/writen_back_pages/' configs/ci/written-back-gate.json >"$T/typo.json"
scripts/ci-gate.sh --bin "$BIN" "${only[@]}" --tolerance "$T/typo.json" >"$T/out" 2>&1
expect "a typo in the tolerance file: exit 2, named" "2 1" \
	"$? $(grep -c 'rule "stats.global.writen_back_pages" matches no metric' "$T/out")"

[ "$fails" -eq 0 ]
