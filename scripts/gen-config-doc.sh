#!/usr/bin/env bash
# Regenerate docs/config.md from the key tables (sim/cfg_*.c): `make docs`.
# tests/scenarios/docs.sh fails when the committed file is out of date.
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build/zswapsim}
out=${2:-docs/config.md}
trap 'rm -f "$out.tmp"' EXIT   # left only when the binary failed
{
cat <<'EOF2'
# Config reference

One JSON document per experiment. Every key has a default; a config file names only what it
changes. This table is generated from the key tables in `sim/cfg_*.c` by `make docs`
(`zswapsim config keys --markdown`); a test fails when it is out of date.

- **Files.** `zswapsim run CONFIG`. A config may name a `"base"` config (a path relative to itself)
  that it overlays, for example a hardware preset: `{"base": "../hw/emr-1iaa.json", ...}`. Chains
  go up to 8 deep. `"comment"` and `"description"` at the top level are free text.
- **Paths** (type `path`) are relative to the file that names them; `--set` paths are relative to
  the working directory.
- **Overrides.** `--set a.b=v` sets any key; `v` is parsed as JSON when it parses (`10`, `true`,
  `{"name": "fifo"}`), else it is a string (`--set zswap.compressor=zstd`). Keys inside an
  object-typed key can be set directly: `--set policy.limit.weight=0.25`.
- **Sizes** (type `size`) are bytes, as an integer or a string with a binary unit: `"8GiB"`,
  `"512M"`, `"10K"`.
- **Errors.** An unknown key is an error naming the nearest valid key; a wrong type or an
  out-of-range value names the key and the allowed range. `zswapsim run CONFIG --print-config`
  prints the effective config; it is also copied into every report.
- **memcg knobs.** `memcg` maps a memcg name of the trace to `{"zswap_max": size | "max",
  "writeback": bool}` (memory.zswap.max and memory.zswap.writeback; writeback is hierarchical as
  in the kernel). A name the trace does not have is an error.
- **Policies.** `policy.limit`, `policy.lru` and `policy.writeback` are `{"name": ..., params}`;
  `zswapsim policies` lists the names and parameters (docs/policies.md).

## Keys

EOF2
"$BIN" config keys --markdown
} >"$out.tmp"
mv "$out.tmp" "$out"
