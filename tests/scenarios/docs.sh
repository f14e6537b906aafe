#!/usr/bin/env bash
# What the docs show of the tool is generated, and a test fails when it is
# out of date: docs/config.md from the key tables (scripts/gen-config-doc.sh),
# and every marked sample and generated block of README.md and docs/*.md (the
# policy tables of docs/policies.md, command output in regression.md,
# sweeps.md, workloads.md: scripts/gen-doc-samples.py).  `make docs` rewrites them.
set -u
BIN=${BIN:-build/zswapsim}
. tests/scenarios/lib/expect.sh
scripts/gen-config-doc.sh "$BIN" "$T/config.md"
if diff -u docs/config.md "$T/config.md" >"$T/diff"; then
  pass "docs/config.md is up to date"
else
  fail "docs/config.md is out of date: run 'make docs'"; head -20 "$T/diff"
fi
# under ASan only the generated tables (the samples' output is the plain build's to check:
# the CI gate's sample alone takes half a minute there)
files=()
case "${BUILD:-}" in *asan*) files=(docs/policies.md) ;; esac
python3 scripts/gen-doc-samples.py --check --bin "$BIN" "${files[@]}" >"$T/out" 2>&1
rc=$?
expect "doc samples and generated blocks are up to date" 0 "$rc"
[ "$rc" -eq 0 ] || head -40 "$T/out"
nsamples=$(cat README.md docs/*.md | grep -c '^<!-- sample: ')
expect "... and there are some: the policy tables and at least 7 samples" "2 1" \
  "$(grep -c '^<!-- generated: zswapsim policies' docs/policies.md) $([ "$nsamples" -ge 7 ] && echo 1)"
# a stale sample fails the check
cp docs/workloads.md "$T/workloads.md"
sed -i 's/(ratio [0-9.]*)/(ratio 0.00)/' "$T/workloads.md"
python3 scripts/gen-doc-samples.py --check --bin "$BIN" "$T/workloads.md" >"$T/out" 2>&1
expect "a stale sample (ratio 0.00) fails the check" "1 1" "$? $(grep -c '^-.*(ratio 0.00)' "$T/out")"
# hw.cpu.stream_cores of a length other than the stream count is valid (it
# repeats; extra entries go unused), and its help says so: before, "0,1,0,1,0"
# for 4 streams and "1" ran without the rule being written anywhere
expect "hw.cpu.stream_cores: the help states the length rule" 1 \
  "$("$BIN" config keys --json | jq -r '.[] | select(.key == "hw.cpu.stream_cores") | .help' |
     grep -cF 'a shorter list repeats ("1": all on core 1) and entries past the stream count go unused')"
[ "$fails" -eq 0 ]
