#!/usr/bin/env bash
# The kernel's cgroup zswap selftests (tools/testing/selftests/cgroup/test_zswap.c)
# replayed as scenarios: run configs/scenarios/<name>.json and check the test's
# own assertion on the report, after checking that the committed trace is what
# `zswapsim trace gen selftest NAME` makes.  One line per check with the measured values;
# exit 0 only if all pass.  Run from the repository root; BIN = zswapsim binary.
set -u
BIN=${BIN:-build/zswapsim}
OUT=${BUILD:-build}/scenarios
mkdir -p "$OUT"

# name|python expression over g (stats.global) and m (stats.memcg) -> (ok, values)
checks=(
  # zswpout of the memcg grows when 4M is written under memory.max 1M
  "zswap_usage|(m['no_shrink_test']['zswpout'] > 0, 'zswpout=%d' % m['no_shrink_test']['zswpout'])"
  # memory.zswap.max 0: nothing in zswap, at least allocation/4 (128 pages) on disk
  "swapin_nozswap|(m['no_zswap_test']['zswpout'] == 0 and m['no_zswap_test']['pswpout'] >= 128, 'zswpout=%d pswpout=%d (want 0, >=128)' % (m['no_zswap_test']['zswpout'], m['no_zswap_test']['pswpout']))"
  # at least 24 MiB faulted back from zswap
  "zswapin|(m['zswapin_test']['zswpin'] >= 6144, 'zswpin=%d (want >=6144)' % m['zswapin_test']['zswpin'])"
  # writeback happened in the parent and in the child
  "zswap_writeback_enabled|(m['zswap_writeback_test']['zswpwb'] > 0 and m['zswap_writeback_test_child']['zswpwb'] > 0, 'zswpwb parent=%d child=%d (want >0)' % (m['zswap_writeback_test']['zswpwb'], m['zswap_writeback_test_child']['zswpwb']))"
  # no writeback; the second memory.reclaim falls short (folios re-activated)
  "zswap_writeback_disabled|(m['zswap_writeback_test']['zswpwb'] == 0 and m['zswap_writeback_test_child']['zswpwb'] == 0 and m['zswap_writeback_test']['sim_reactivated_pages'] > 0 and m['zswap_writeback_test_child']['sim_reactivated_pages'] > 0, 'zswpwb parent=%d child=%d (want 0) reactivated parent=%d child=%d (want >0)' % (m['zswap_writeback_test']['zswpwb'], m['zswap_writeback_test_child']['zswpwb'], m['zswap_writeback_test']['sim_reactivated_pages'], m['zswap_writeback_test_child']['sim_reactivated_pages']))"
  # kswapd's stores are charged to the memcg: zswapped within 25 % of stored_pages*4096,
  # once stored_pages > totalram/5/4096 (32 MiB RAM: 1638)
  "no_kmem_bypass|(g['stored_pages'] > 1638 and g['stored_pages'] * 4096 - m['kmem_bypass_test']['zswapped'] < g['stored_pages'] * 4096 / 4, 'stored_pages=%d zswapped=%d (want >1638, within 25%%)' % (g['stored_pages'], m['kmem_bypass_test']['zswapped']))"
  # memcg-limit writeback only touches the memcg over its zswap.max
  "no_invasive_cgroup_shrink|(m['per_memcg_wb_test1']['zswpwb'] > 0 and m['per_memcg_wb_test2']['zswpwb'] == 0, 'zswpwb wb_group=%d (want >0) control=%d (want 0)' % (m['per_memcg_wb_test1']['zswpwb'], m['per_memcg_wb_test2']['zswpwb']))"
  # random pages stored raw (memcg zswap_incomp is post-6.18: the global gauge)
  "zswap_incompressible|(g['stored_incompressible_pages'] > 0, 'stored_incompressible_pages=%d (want >0)' % g['stored_incompressible_pages'])"
)

fail=0
for c in "${checks[@]}"; do
  name=${c%%|*} expr=${c#*|}
  # the committed trace is what the generator makes today (in lockstep, as
  # the tests' own steps are: no think-time jitter)
  if "$BIN" trace gen selftest "$name" --no-jitter --quiet -o "$OUT/$name.zswt" &&
     cmp -s "$OUT/$name.zswt" "configs/scenarios/$name.zswt" &&
     cmp -s "$OUT/$name.pages" "configs/scenarios/$name.pages"; then
    echo "PASS $name: committed trace matches 'trace gen selftest $name --no-jitter'"
  else
    echo "FAIL $name: configs/scenarios/$name.zswt/.pages differ from 'trace gen selftest $name --no-jitter'"
    fail=1
  fi
  report=$OUT/$name.json
  if ! "$BIN" run "configs/scenarios/$name.json" -o "$report" >"$OUT/$name.log" 2>&1; then
    echo "FAIL $name: run failed: $(tail -n 1 "$OUT/$name.log")"
    fail=1
    continue
  fi
  if ! python3 - "$report" "$name" "$expr" <<'PY'
import json, sys
report, name, expr = sys.argv[1:4]
with open(report) as f:
    stats = json.load(f)["stats"]
g, m = stats["global"], stats["memcg"]
try:
    ok, values = eval(expr)
except KeyError as e:
    print("FAIL %s: report has no %s" % (name, e))
    sys.exit(1)
print("%s %s: %s" % ("PASS" if ok else "FAIL", name, values))
sys.exit(0 if ok else 1)
PY
  then
    fail=1
  fi
done
exit $fail
