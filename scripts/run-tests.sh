#!/usr/bin/env bash
# Run zswapsim's tests: Check unit-test binaries (given as arguments), then the
# CLI scenario tests (tests/scenarios/*.sh), then the baseline regression check.
# Prints one line per test and a closing "N passed, N failed" line; exit 1 if
# any failed.  BUILD selects the build directory (build, build/asan).
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
export BIN=${BIN:-$BUILD/zswapsim}
export BUILD
# SimGrid under the sanitizers needs thread contexts (see docs/testing.md).
case "$BUILD" in *asan*) export ZSWAPSIM_SG_CONTEXTS=thread ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} ;; esac

mode=all
case "${1:-}" in
  --unit-only) mode=unit; shift ;;
  --scenarios-only) mode=scenarios; shift ;;
esac

passed=0 failed=0 failures=()
mkdir -p "$BUILD/test-logs"

run_one() {   # name, command...
  local name=$1; shift
  local log="$BUILD/test-logs/${name//\//_}.log"
  local t0=$SECONDS
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1)); printf 'PASS %-40s %3ds\n' "$name" $((SECONDS - t0))
  else
    failed=$((failed + 1)); failures+=("$name")
    printf 'FAIL %-40s %3ds  (log: %s)\n' "$name" $((SECONDS - t0)) "$log"
    tail -n 25 "$log" | sed 's/^/    | /'
  fi
}

if [ "$mode" != scenarios ]; then
  for t in "$@"; do
    run_one "unit/$(basename "$t")" "$t"
  done
fi
if [ "$mode" != unit ]; then
  for s in tests/scenarios/*.sh; do
    [ -e "$s" ] || continue
    run_one "scenario/$(basename "$s" .sh)" bash "$s"
  done
  if [ "$mode" = all ] && [ -x scripts/check-baselines.sh ] && [ "$BUILD" = build ]; then
    run_one "regression/baselines" scripts/check-baselines.sh "$BIN"
  fi
  # every fuzz target a few seconds (built by the Makefile's test target)
  if [ "$mode" = all ] && [ "$BUILD" = build ]; then
    run_one "fuzz/smoke" scripts/fuzz-smoke.sh
  fi
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
