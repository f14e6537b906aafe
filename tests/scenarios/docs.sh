#!/usr/bin/env bash
# docs/config.md is generated from the key tables: fail when it is out of date.
set -u
BIN=${BIN:-build/zswapsim}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
scripts/gen-config-doc.sh "$BIN" "$T/config.md"
if diff -u docs/config.md "$T/config.md" >"$T/diff"; then
  echo "ok   docs/config.md is up to date"
else
  echo "FAIL docs/config.md is out of date: run 'make docs'"; head -20 "$T/diff"; exit 1
fi
