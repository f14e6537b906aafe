#!/usr/bin/env bash
# Fuzz smoke test (`make fuzz-smoke`, part of `make test`): run every libFuzzer
# target in build/fuzz/ for FUZZ_SMOKE_SECONDS (default 3) from its committed
# seeds, two at a time.  New inputs go to a scratch directory, never to
# tests/fuzz/corpus/.  A crash, a sanitizer report, a failed property check or
# a timeout fails the test, with the target's log tail and the crashing input
# left in build/fuzz/smoke/<target>/.  The long runs are `make fuzz`
# (docs/testing.md).
set -u
cd "$(dirname "$0")/.." || exit 2
secs=${FUZZ_SMOKE_SECONDS:-3}
# A fixed seed: make test runs the same inputs each time (as far as the seconds
# reach), so a CI failure is reproducible and not a roll of the dice; long runs
# with fresh seeds are `make fuzz`.
seed=${FUZZ_SMOKE_SEED:-1}
# the targets' scratch files on tmpfs where there is one (tests/fuzz/fuzz_input.h)
[ -d /dev/shm ] && [ -w /dev/shm ] && export TMPDIR=/dev/shm
out=build/fuzz/smoke
rm -rf "$out"
mkdir -p "$out"

one() {   # target
  local t=$1 d="$out/$1" maxlen=4096 dict=()
  mkdir -p "$d/new"
  [ "$t" = page_store ] && maxlen=20480
  [ -e "tests/fuzz/fuzz_$t.dict" ] && dict=(-dict="tests/fuzz/fuzz_$t.dict")
  if build/fuzz/fuzz_"$t" -max_total_time="$secs" -seed="$seed" -timeout=20 -max_len=$maxlen "${dict[@]}" \
       -artifact_prefix="$d/" -print_final_stats=1 "$d/new" "tests/fuzz/corpus/$t" \
       >"$d/log" 2>&1; then
    printf 'fuzz_%-12s ok   %s\n' "$t" "$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$d/log" | grep -o '[0-9]*$') runs"
  else
    printf 'fuzz_%-12s FAIL (log %s)\n' "$t" "$d/log"
    tail -n 30 "$d/log" | sed 's/^/    | /'
    return 1
  fi
}
export -f one
export out secs seed

targets=$(ls tests/fuzz/fuzz_*.c | sed 's|tests/fuzz/fuzz_||; s|\.c$||')
for t in $targets; do
  [ -x "build/fuzz/fuzz_$t" ] || { echo "build/fuzz/fuzz_$t missing: run 'make fuzz-smoke'" >&2; exit 2; }
done
printf '%s\n' $targets | xargs -P 2 -I{} bash -c 'one {}'
