#!/usr/bin/env bash
# Regenerate the bundled default trace (traces/bundled/default.zswt + default.pages)
# from the shared page corpus, deterministically: the same binary and corpus give
# byte-identical files.
#
# Needs ../shared/corpus (the *.pages files of the anonymous-memory corpus,
# relative to the repository root; override with CORPUS=DIR) and a built
# zswapsim (BIN, default build/zswapsim).  Run from anywhere:
#     scripts/make-bundled.sh
# The workload is described in docs/workloads.md ("The bundled default trace").
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/zswapsim}
CORPUS=${CORPUS:-../shared/corpus}

for c in python redis gcc postgres; do
  [ -r "$CORPUS/$c.pages" ] || { echo "make-bundled: $CORPUS/$c.pages not found (set CORPUS=DIR)" >&2; exit 2; }
done
[ -x "$BIN" ] || { echo "make-bundled: $BIN not built (make)" >&2; exit 2; }

# 4 streams of 2 MiB in 3 memcgs (usemem0 holds streams 0 and 3, each memcg
# limited to half its streams' memory), folios of order 0 and 4 (64 KiB),
# 3 passes: one allocating write pass, then two random passes half reads
# half writes; pages from four corpora, 3 % zero and 5 % random (incompressible)
# folios, at most 380 distinct pages so the page store stays small.
"$BIN" trace gen usemem \
  --streams 4 --memcgs 3 --size 2M --orders 0:0.5,4:0.5 \
  --passes 3 --pattern random --write 0.5 --think 2000 --no-jitter \
  --content "$CORPUS/python.pages:2,$CORPUS/redis.pages:1,$CORPUS/gcc.pages:1,$CORPUS/postgres.pages:1" \
  --zero 0.03 --random 0.05 --max-pages 380 --seed 42 \
  -o traces/bundled/default.zswt
ls -l traces/bundled/default.zswt traces/bundled/default.pages
