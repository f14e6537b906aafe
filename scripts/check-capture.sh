#!/usr/bin/env bash
# CI: build the BPF capture tool (make capture installs clang, bpftool,
# libbpf-dev, libelf-dev) and load its programs with `zswapsim-capture --check`,
# which changes nothing on the machine.  Where the machine does not allow it
# (no kernel BTF to build against, not root, BPF refused) it prints one
# `SKIP check-capture: <reason>` line and exits 0; a build error or a crash of
# the loader is a failure (exit 1).
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}

skip() { echo "SKIP check-capture: $*"; exit 0; }

# vmlinux.h is generated from the running kernel's BTF: without it nothing can
# be built, and nothing could be loaded either.
[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF (/sys/kernel/btf/vmlinux)"
make -s capture BUILD="$BUILD" >"$BUILD/check-capture.log" 2>&1 || {
	tail -20 "$BUILD/check-capture.log"
	echo "FAIL check-capture: make capture failed (log: $BUILD/check-capture.log)"
	exit 1
}
[ "$(id -u)" = 0 ] || skip "not root (built, not loaded)"
msg=$("$BUILD/capture/zswapsim-capture" --check 2>&1)
rc=$?
case $rc in
0) echo "PASS check-capture: zswapsim-capture built and its BPF programs load here" ;;
3) skip "built; BPF not allowed here: $(printf '%s\n' "$msg" | tail -1)" ;;
*) printf '%s\n' "$msg"; echo "FAIL check-capture: zswapsim-capture --check exited $rc"; exit 1 ;;
esac
