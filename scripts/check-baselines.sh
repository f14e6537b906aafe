#!/usr/bin/env bash
# Regression check (run by scripts/run-tests.sh): re-run every entry of
# tests/baselines/manifest.txt and compare it with its baseline using
# `zswapsim compare` and tests/baselines/tolerance.json.  One line per
# baseline; the compare table of any that moved; exit 1 if one is outside
# tolerance or fails to run.  Regenerate with `make baselines` only for a
# deliberate behaviour change (docs/regression.md).
set -u
cd "$(dirname "$0")/.." || exit 2
BIN=${1:-build/zswapsim}
. scripts/baselines-lib.sh
T=$(mktemp -d)
trap 'rm -rf "$T"; produce_cleanup' EXIT
status=0 n=0
while read -r name kind file sets; do
	n=$((n + 1))
	base=tests/baselines/$name.json
	if [ ! -e "$base" ]; then
		echo "FAIL $name: no $base (run make baselines)"
		status=1
		continue
	fi
	# shellcheck disable=SC2086 # the overrides are space-separated on purpose
	if ! produce "$BIN" "$T/$name.json" "$kind" "$file" $sets 2>"$T/$name.err"; then
		echo "FAIL $name: $kind $file $sets did not run:"
		sed 's/^/    /' "$T/$name.err"
		status=1
		continue
	fi
	"$BIN" compare "$base" "$T/$name.json" --tolerance "$TOLERANCE" >"$T/$name.cmp" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok   $name ($(tail -1 "$T/$name.cmp"))"
		grep '^warning:' "$T/$name.cmp" | sed 's/^/    /'
	else
		echo "FAIL $name: differs from $base"
		sed 's/^/    /' "$T/$name.cmp"
		status=1
	fi
done < <(manifest_entries)
[ $n -gt 0 ] || { echo "FAIL no entries in $MANIFEST"; status=1; }
exit $status
