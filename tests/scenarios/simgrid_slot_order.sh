#!/usr/bin/env bash
# Cross-stream order of a swap slot's events under the simgrid backend: in the
# bundled default trace reclaim by one stream swaps out pages another stream
# later frees.  Streams run on their own clocks, so without the per-slot order
# a swap-out held up in a long store would be applied after the free and leak
# its entry.  Every stream unmaps its memory at the end, so the run must end
# with an empty pool, and the order must actually have been enforced.
set -u
BIN=${BIN:-build/zswapsim}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
"$BIN" run configs/experiments/replay-default.json --set timing.backend=simgrid -q -o "$T/sg.json" || { echo "FAIL run"; exit 1; }
python3 - "$T/sg.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
g = r["stats"]["global"]
fail = 0
def check(what, ok):
    global fail
    print(("ok   " if ok else "FAIL ") + what)
    fail |= not ok
check("stored_pages == 0 at the end (got %d)" % g["stored_pages"], g["stored_pages"] == 0)
check("pool_total_size == 0 at the end (got %d)" % g["pool_total_size"], g["pool_total_size"] == 0)
check("zswpout > 0 (got %d)" % g["zswpout"], g["zswpout"] > 0)
w = r["simgrid"]["slot_order_waits"]
check("slot-order waits happened (got %d)" % w, w > 0)
sys.exit(fail)
PY
