#!/usr/bin/env bash
# make test-kernel: capture a small workload on the running kernel with
# zswapsim-capture, replay it in zswapsim (scripts/kernel-compare) and check
# that the simulator reproduces the kernel's counters.  Prints SKIP and exits 0
# when this machine does not allow it (not root, no BPF/BTF, no zswap, no loop
# device, another swap device active, clang/bpftool/libbpf missing).
# Everything the run changes is put back by kernel-compare; this script checks
# the zswap parameters are the same before and after.
set -u
cd "$(dirname "$0")/.." || exit 2
BIN=${1:-build/zswapsim}
BUILD=$(dirname "$BIN")

skip() { echo "SKIP test-kernel: $*"; exit 0; }
fail=0
check() {   # name, condition (shell words)
	local name=$1; shift
	if "$@"; then echo "PASS $name"; else echo "FAIL $name"; fail=1; fi
}

[ "$(id -u)" = 0 ] || skip "not root"
[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF (/sys/kernel/btf/vmlinux)"
[ -d /sys/module/zswap/parameters ] || skip "no zswap in this kernel"
for t in clang bpftool losetup mkswap swapon; do
	command -v "$t" >/dev/null || skip "$t not installed"
done
pkg-config --exists libbpf || skip "libbpf-dev not installed"
[ "$(wc -l < /proc/swaps)" -le 1 ] || skip "another swap device is active"
grep -q ':memory:' /proc/self/cgroup || skip "no cgroup v1 memory controller"

make -s capture BUILD="$BUILD" >/dev/null || { echo "FAIL build of zswapsim-capture"; exit 1; }
"$BUILD/capture/zswapsim-capture" --check 2>/dev/null
case $? in 0) ;; 3) skip "BPF capture not possible here (zswapsim-capture --check)";; *) echo "FAIL zswapsim-capture --check"; exit 1;; esac

before=$(grep -r . /sys/module/zswap/parameters/ | sort)
pc_before=$(cat /proc/sys/vm/page-cluster)
out=$(mktemp -d /tmp/zswapsim-test-kernel-XXXXXX)
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$out"' EXIT
kc() { scripts/kernel-compare --build "$BUILD" --swap-size 256M "$@"; }

# 1. the bundled workload: exact stores, counters within a few pages
kc --mem 96 --limit 48M --content bin --zero-every 7 --out "$out/usemem" --json "$out/usemem.json"
rc=$?
[ $rc -eq 3 ] && skip "kernel-compare: kernel side not possible here"
check "kernel-compare usemem ran (exit $rc)" test $rc -eq 0

# 2. a real, multi-threaded program that does not stop itself: sort, with
#    swap readahead off (docs/capture.md, vm.page-cluster).  Its input is page
#    cache warmed outside the test cgroup (the content list).
find /usr/include -type f -name '*.h' | LC_ALL=C sort | head -3000 | xargs cat > "$out/input.txt"
echo "$out/input.txt" > "$out/list.txt"
kc --limit 64M --page-cluster 0 --content "list:$out/list.txt" --out "$out/sort" \
	--json "$out/sort.json" -- sort -S 64M --parallel=2 -o "$out/sorted.txt" "$out/input.txt"
rc=$?
check "kernel-compare sort ran (exit $rc)" test $rc -eq 0
check "sort's output is sorted" env LC_ALL=C sort -c "$out/sorted.txt" 2>/dev/null

# 3. a workload killed by the memcg OOM killer (memory+swap limit below its
#    size) fails the comparison with one line saying why
kc --mem 160 --limit 32M --swap-size 64M --content bin --out "$out/oom" --json "$out/oom.json" \
	2>"$out/oom.err" >/dev/null
rc=$?
check "OOM-killed workload: exit 1 (got $rc)" test $rc -eq 1
check "OOM-killed workload: one FAILED line naming the OOM killer" \
	test "$(grep -c 'FAILED: .*killed by the memcg OOM killer (exit status 137' "$out/oom.err")" = 1

# 4. a timed-out workload fails too
kc --limit 32M --timeout 2 --no-replay --content bin --out "$out/timeout" -- sleep 30 \
	2>"$out/timeout.err" >/dev/null
rc=$?
check "timed-out workload: exit 1 (got $rc)" test $rc -eq 1
check "timed-out workload: FAILED line" grep -q 'FAILED: .*timed out after 2 s' "$out/timeout.err"

# 5. --workload-run: the same usemem as a zswapsim workload run from its
#    description (no capture replay); the stores and loads must be within the
#    aim (the kernel's min-max over 3 runs or 10 % of its mean)
kc --workload-run --mem 96 --limit 32M --content corpus --order seq --repeat 3 \
	--out "$out/wl" --json "$out/wl.json" >"$out/wl.out" 2>"$out/wl.err"
rc=$?
check "kernel-compare --workload-run ran (exit $rc)" test $rc -eq 0
for c in zswpout zswpin pswpout pswpin; do
	check "workload run: $c within the aim" \
		test "$(jq -r ".rows[] | select(.counter == \"$c\") | .verdict" "$out/wl.json")" != OUT
done

after=$(grep -r . /sys/module/zswap/parameters/ | sort)
check "zswap parameters restored" test "$before" = "$after"
check "vm.page-cluster restored" test "$pc_before" = "$(cat /proc/sys/vm/page-cluster)"
check "swap device removed" test "$(wc -l < /proc/swaps)" -le 1

# The replay of an exact capture must reproduce the event counters and the
# gauges closely (zsmalloc's layout is modelled, not copied).  The kernel's
# counters are global: pages of other processes that reclaim into the same swap
# device while it is on can add a few pages, hence "within 64 pages"; against
# the capture itself the stores must match exactly.
python3 - "$out/usemem.json" "$out/sort.json" "$out/oom.json" <<'PY' || fail=1
import json, sys
bad = 0
def chk(name, ok, detail):
    global bad
    print("%s %s (%s)" % ("PASS" if ok else "FAIL", name, detail))
    bad += not ok
def compare(label, path):
    res = json.load(open(path))[0]
    rows = {r["counter"]: r for r in res["replays"][0]["rows"]}
    cap = json.load(open(res["run"] + "/kernel.json"))["capture"]
    conv = cap["conversion"]
    chk(label + ": capture complete", res["capture_complete"], "no dropped records")
    chk(label + ": end mark at the exit stop", cap["end_mark"] and not res["gauges_unusable"],
        cap["end"])
    chk(label + ": zswpout > 0", (rows["zswpout"]["kernel"] or 0) > 0, "the workload swapped")
    chk(label + ": zswpout = captured zswap stores",
        rows["zswpout"]["sim"] == conv["out_pages_zswap"],
        "sim %s, captured %s" % (rows["zswpout"]["sim"], conv["out_pages_zswap"]))
    for c in ("zswpout", "zswpin", "swpout_zero", "swpin_zero", "stored_pages",
              "stored_incompressible_pages", "pswpin"):
        r = rows[c]
        chk("%s: %s within 64 pages" % (label, c), r["kernel"] is not None and
            r["sim"] is not None and abs(r["kernel"] - r["sim"]) <= 64,
            "kernel %s, sim %s" % (r["kernel"], r["sim"]))
    r = rows["pool_total_size"]
    d = r["rel_diff"]
    chk(label + ": pool_total_size within 2% or 64 KiB",
        r["kernel"] is not None and r["sim"] is not None and
        (abs(r["sim"] - r["kernel"]) <= 65536 or (d is not None and abs(d) <= 0.02)),
        "kernel %s, sim %s" % (r["kernel"], r["sim"]))
    return cap
compare("usemem", sys.argv[1])
cap = compare("sort", sys.argv[2])
chk("sort: several threads traced", cap["conversion"]["streams"] > 1,
    "%d streams" % cap["conversion"]["streams"])
oom = json.load(open(sys.argv[3]))[0]
chk("OOM run: gauges marked unusable", oom["gauges_unusable"] is not None and
    all(not r["usable"] for r in oom["replays"][0]["rows"]
        if r["counter"] in ("stored_pages", "pool_total_size", "stored_incompressible_pages")),
    str(oom["gauges_unusable"]))
sys.exit(1 if bad else 0)
PY
exit $fail
