#!/usr/bin/env bash
# The policy experiments of docs/policies.md in a reduced form: the first half
# of each bundled trace (replay.max_events), every policy of the comparison,
# and the orderings the full runs show (docs/policies.md has the tables).
#   limit-checks: configs/experiments/limit-checks.json, 768 of 1536 records
#   writeback:    configs/experiments/writeback.json, 12000 of 24288 records
set -u
BIN=${BIN:-build/zswapsim}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
ok()  { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

# run NAME CONFIG --set ...: report in $T/NAME.json
run() {
  local name=$1 cfg=$2; shift 2
  if ! "$BIN" run "$cfg" -q "$@" -o "$T/$name.json" >/dev/null 2>"$T/$name.err"; then
    bad "$name: run failed: $(tail -n 1 "$T/$name.err")"
    return 1
  fi
}

# check DESCRIPTION PYTHON-EXPRESSION: r(name) is the report of run name,
# l(name, key) its stats.limit.<key>, g(name, key) its stats.global.<key>.
check() {
  local desc=$1 expr=$2
  if python3 - "$T" "$expr" <<'PY'; then ok "$desc"; else bad "$desc"; fi
import json, os, sys
d, expr = sys.argv[1], sys.argv[2]
def r(n): return json.load(open(os.path.join(d, n + ".json")))
def l(n, k): return r(n)["stats"]["limit"][k]
def g(n, k): return r(n)["stats"]["global"][k]
def res(n, fam, k): return r(n)["stats"]["policy"]["results"][fam][k]
v = eval(expr)
if not v:
    print("  false:", expr, file=sys.stderr)
sys.exit(0 if v else 1)
PY
}

# --- limit checks -----------------------------------------------------------
LC=configs/experiments/limit-checks.json
for b in none simgrid; do
  for p in folio-once per-page batch-uncompressed batch-estimate; do
    run "lc-$b-$p" $LC --set replay.max_events=768 --set timing.backend=$b --set policy.limit.name=$p
  done
done
for p in folio-once per-page batch-uncompressed; do
  run "lc-fifo-$p" $LC --set replay.max_events=768 --set policy.lru.name=fifo --set policy.limit.name=$p
done

check "limit: batch-uncompressed never overshoots a limit and wastes nothing (none)" \
  'l("lc-none-batch-uncompressed", "overshoot_max_bytes") == 0 and l("lc-none-batch-uncompressed", "wasted_compressions") == 0'
check "limit: only per-page throws compressions away (none)" \
  'l("lc-none-per-page", "wasted_compressions") > 0 and all(l("lc-none-" + p, "wasted_compressions") == 0 for p in ("folio-once", "batch-uncompressed", "batch-estimate"))'
check "limit: pool overshoot folio-once > per-page > 0 (none)" \
  'l("lc-none-folio-once", "overshoot_max_bytes_global") > l("lc-none-per-page", "overshoot_max_bytes_global") > 0'
check "limit: byte-seconds above the limits folio-once > batch-estimate > batch-uncompressed = 0 (none)" \
  'l("lc-none-folio-once", "overshoot_byte_seconds") > l("lc-none-batch-estimate", "overshoot_byte_seconds") > l("lc-none-batch-uncompressed", "overshoot_byte_seconds") == 0'
check "limit: per-page aborts folios part-way; atomic stores (none) never overlap an abort" \
  'l("lc-none-per-page", "aborted_folios") > 0 and l("lc-none-per-page", "abort_concurrent_stores_mean") == 0'
check "limit: under simgrid per-page aborts happen while other large-folio stores are in flight" \
  'l("lc-simgrid-per-page", "aborted_folios") > 0 and l("lc-simgrid-per-page", "abort_concurrent_stores_mean") > 1'
check "limit: only per-page aborts part-way" \
  'all(l("lc-" + b + "-" + p, "aborted_folios") == 0 for b in ("none", "simgrid") for p in ("folio-once", "batch-uncompressed", "batch-estimate"))'
check "limit: every run stores and rejects folios, Jain index in (0.8, 1]" \
  'all(g("lc-" + b + "-" + p, "sim_stored_folios") > 0 and l("lc-" + b + "-" + p, "rejected_folios") > 0 and 0.8 < l("lc-" + b + "-" + p, "jain_fairness") <= 1 for b in ("none", "simgrid") for p in ("folio-once", "per-page", "batch-uncompressed", "batch-estimate"))'
check "limit: with writeback that always succeeds (fifo), folio-once runs past zswap.max (> 1 MiB), per-page stays within 64 KiB" \
  'l("lc-fifo-folio-once", "overshoot_max_bytes_memcg") > 1 << 20 and 0 < l("lc-fifo-per-page", "overshoot_max_bytes_memcg") < 64 << 10 and l("lc-fifo-batch-uncompressed", "overshoot_max_bytes_memcg") == 0'
check "limit: simgrid interleaving: per-page wastes compressions, folio-once overshoots the pool most" \
  'l("lc-simgrid-per-page", "wasted_compressions") > 0 and l("lc-simgrid-folio-once", "overshoot_max_bytes_global") > max(l("lc-simgrid-" + p, "overshoot_max_bytes_global") for p in ("per-page", "batch-uncompressed", "batch-estimate"))'

# --- LRU and writeback ----------------------------------------------------------
WB=configs/experiments/writeback.json
S="--set replay.max_events=12000"
run wb-kernel $WB $S
run wb-fifo $WB $S --set policy.lru.name=fifo
run wb-lru $WB $S --set policy.lru.name=lru
run wb-cold $WB $S --set 'policy.lru={"name": "cold-first", "age_ns": 100000000}'
run wb-shrinker $WB $S --set policy.writeback.name=shrinker
run wb-proactive $WB $S --set 'policy.writeback={"name": "proactive-age", "age_ns": 100000000, "period_ns": 10000000}'
run wb-off $WB $S --set policy.writeback.name=off

check "writeback: the pool overflows (pool_limit_hit > 0, written back > 0) with the kernel policies" \
  'g("wb-kernel", "pool_limit_hit") > 0 and g("wb-kernel", "written_back_pages") > 0'
check "writeback: rejected stores fifo < lru < kernel (second chance makes the shrink worker give up)" \
  'g("wb-fifo", "sim_rejected_folios") < g("wb-lru", "sim_rejected_folios") < g("wb-kernel", "sim_rejected_folios")'
check "writeback: off writes nothing back, reads nothing from disk, re-activates the rejected folios" \
  'g("wb-off", "written_back_pages") == 0 and g("wb-off", "pswpin") == 0 and g("wb-off", "pswpout") == 0 and g("wb-off", "sim_reactivated_pages") == g("wb-off", "sim_rejected_folios") > 0'
check "writeback: the shrinker keeps the pool smaller and serves more swap-ins from disk" \
  'g("wb-shrinker", "pool_total_size_peak") < g("wb-kernel", "pool_total_size_peak") and g("wb-shrinker", "pswpin") > g("wb-kernel", "pswpin") and g("wb-shrinker", "zswpin") < g("wb-kernel", "zswpin")'
check "writeback: proactive-age writes back old entries on its timer and rejects fewer stores" \
  'res("wb-proactive", "writeback", "proactive_written_back_pages") > 0 and res("wb-proactive", "writeback", "passes") > 0 and g("wb-proactive", "sim_rejected_folios") < g("wb-kernel", "sim_rejected_folios")'
check "writeback: cold-first protects re-stored entries" \
  'res("wb-cold", "lru", "protected_entries") > 0 and g("wb-cold", "written_back_pages") > 0'
check "writeback: every swap-in is served from zswap or disk (zswpin + pswpin equal across writeback-enabled runs)" \
  'len({g(n, "zswpin") + g(n, "pswpin") for n in ("wb-kernel", "wb-fifo", "wb-lru", "wb-cold", "wb-shrinker", "wb-proactive")}) == 1'

exit $fail
