#!/usr/bin/env bash
# The IAA batching experiment of docs/experiments.md, end to end: the sweep
# (configs/sweeps/iaa-batching.json), the variants run by hand, the result
# tables (scripts/iaa-batching-table.py) and the figures in docs/experiments/.
# Deterministic: the same binary gives the same tables.  Run from anywhere:
#     scripts/run-iaa-batching.sh [OUT_DIR]      (default out/iaa-batching)
# BIN selects the binary (default build/zswapsim); figures need matplotlib
# (scripts/find-python.sh) and are skipped without it.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/zswapsim}
OUT=${1:-out/iaa-batching}
E=configs/experiments/iaa-batching.json
mkdir -p "$OUT/runs"

rm -rf "$OUT/sweep"   # reports of an older build would be reused (docs/sweeps.md)
"$BIN" sweep configs/sweeps/iaa-batching.json -j 2 -o "$OUT/sweep"

# run NAME --set ...: one variant of the base run (SPR, 4 devices, batch 8)
run() {
	local name=$1; shift
	"$BIN" run "$E" -q "$@" -o "$OUT/runs/$name.json"
}
run spr4-b8                                              # the base config
run spr4-c8-d1 --set batch.decompress=1
run spr4-c1-d8 --set batch.compress=1
run spr4-b1-pc0 --set batch.compress=1 --set batch.decompress=1 --set swapin.page_cluster=0
run spr4-b8-pc0 --set swapin.page_cluster=0
run spr4-b1-spread --set batch.compress=1 --set batch.decompress=1 --set 'hw.cpu.stream_cores="0,14,28,42,1,15,29,43"'
run spr4-b8-spread --set 'hw.cpu.stream_cores="0,14,28,42,1,15,29,43"'
for b in 1 8; do
	run spr1-2wq-b$b --set hw.iaa.devices_per_socket=1 --set hw.iaa.wqs=2 --set hw.iaa.wq_size=64 \
		--set hw.iaa.comp_wqs=1 --set batch.compress=$b --set batch.decompress=$b
	run spr4-verify-b$b --set hw.iaa.verify_compress=true --set batch.compress=$b --set batch.decompress=$b
	run spr4-irq-b$b --set hw.iaa.sync_mode=irq --set batch.compress=$b --set batch.decompress=$b
done
EMR="--set hw.cpu.sockets=1 --set hw.cpu.cores=56 --set hw.iaa.devices_per_socket=1 --set hw.iaa.wqs=2
 --set hw.iaa.wq_size=64 --set hw.iaa.comp_wqs=1 --set hw.iaa.comp_fixed_ns=1612 --set hw.iaa.decomp_fixed_ns=800"
# shellcheck disable=SC2086 # $EMR is a list of options
run emr-c8-d1 $EMR --set batch.decompress=1          # the sweep's EMR machine
# shellcheck disable=SC2086
run emr-c1-d8 $EMR --set batch.compress=1
run spr4-b8-4percore --set 'hw.cpu.stream_cores="0,0,0,0,1,1,1,1"'
run lzo-4percore --set zswap.compressor=lzo --set 'hw.cpu.stream_cores="0,0,0,0,1,1,1,1"'

scripts/iaa-batching-table.py "$OUT/sweep" >"$OUT/tables.md"
echo >>"$OUT/tables.md"
scripts/iaa-batching-table.py --runs "$OUT"/runs/*.json >>"$OUT/tables.md"
echo "wrote $OUT/tables.md"

if PY=$(scripts/find-python.sh 2>/dev/null); then
	G=zswap.compressor,hw.cpu.sockets,hw.iaa.devices_per_socket
	mkdir -p docs/experiments
	"$PY" scripts/plot.py sweep "$OUT/sweep/summary.json" --x batch.compress --y elapsed_ns \
		--group $G -o docs/experiments/iaa-batching-elapsed.png
	"$PY" scripts/plot.py sweep "$OUT/sweep/summary.json" --x batch.compress \
		--y latency.compress_page.p50_ns --group $G -o docs/experiments/iaa-batching-compress-page.png
	rm -f docs/experiments/iaa-batching-*.svg
fi
