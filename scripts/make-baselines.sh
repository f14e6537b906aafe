#!/usr/bin/env bash
# make baselines: regenerate tests/baselines/NAME.json for every entry of
# tests/baselines/manifest.txt.  Legitimate only for a deliberate, reviewed
# change of behaviour, noted in the commit (docs/regression.md); afterwards
# `git diff tests/baselines` shows exactly which metrics moved.
set -u
cd "$(dirname "$0")/.." || exit 2
BIN=${1:-build/zswapsim}
. scripts/baselines-lib.sh
trap produce_cleanup EXIT
status=0
while read -r name kind file sets; do
	# shellcheck disable=SC2086 # the overrides are space-separated on purpose
	if produce "$BIN" "tests/baselines/$name.json.new" "$kind" "$file" $sets; then
		if [ -e "tests/baselines/$name.json" ] &&
		   "$BIN" compare "tests/baselines/$name.json" "tests/baselines/$name.json.new" >/dev/null 2>&1; then
			echo "unchanged  tests/baselines/$name.json"
		else
			echo "written    tests/baselines/$name.json"
		fi
		mv "tests/baselines/$name.json.new" "tests/baselines/$name.json"
	else
		rm -f "tests/baselines/$name.json.new"
		echo "FAILED     $name: $kind $file $sets" >&2
		status=1
	fi
done < <(manifest_entries)
# experiments without a baseline are worth a line: add them to the manifest
for f in configs/experiments/*.json; do
	[ -e "$f" ] || continue
	grep -qF " $f" <(manifest_entries) || echo "note: $f has no baseline (add it to $MANIFEST)" >&2
done
exit $status
