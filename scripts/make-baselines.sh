#!/usr/bin/env bash
# make baselines: regenerate tests/baselines/NAME.json for every entry of
# tests/baselines/manifest.txt.  Legitimate only for a deliberate, reviewed
# change of behaviour, noted in the commit (docs/regression.md).  Every entry
# is produced first; then, for each, the `zswapsim compare` table of what
# moved against the current baseline is printed; only then are the baselines
# replaced, all of them or (when one entry fails to run) none.
set -u
cd "$(dirname "$0")/.." || exit 2
BIN=${1:-build/zswapsim}
. scripts/baselines-lib.sh
trap 'produce_cleanup; rm -f tests/baselines/*.json.new' EXIT
status=0
names=()
while read -r name kind file sets; do
	# shellcheck disable=SC2086 # the overrides are space-separated on purpose
	if produce "$BIN" "tests/baselines/$name.json.new" "$kind" "$file" $sets; then
		names+=("$name")
	else
		echo "FAILED     $name: $kind $file $sets" >&2
		status=1
	fi
done < <(manifest_entries)
if [ $status -ne 0 ]; then
	echo "nothing replaced: an entry failed to run" >&2
	exit $status
fi
for name in "${names[@]}"; do
	base=tests/baselines/$name.json
	if [ ! -e "$base" ]; then
		echo "== $name: new baseline"
	elif "$BIN" compare "$base" "$base.new" >"$base.cmp" 2>&1; then
		echo "== $name: unchanged ($(tail -1 "$base.cmp"))"
	else
		echo "== $name: moved"
		sed 's/^/    /' "$base.cmp"
	fi
	rm -f "$base.cmp"
done
for name in "${names[@]}"; do
	mv "tests/baselines/$name.json.new" "tests/baselines/$name.json"
done
echo "written: ${names[*]} (git diff tests/baselines shows the change)"
# experiments without a baseline are worth a line: add them to the manifest
for f in configs/experiments/*.json; do
	[ -e "$f" ] || continue
	grep -qF " $f" <(manifest_entries) || echo "note: $f has no baseline (add it to $MANIFEST)" >&2
done
exit 0
