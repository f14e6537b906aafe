#!/usr/bin/env bash
# Measure this machine's software codec costs and write the hardware-preset
# fragment configs/hw/local-codecs.json (hw.codec.<name>.* keys).
#
#   scripts/calibrate-codecs.sh CORPUS_DIR [OUT_JSON] [PASSES] [STRIDE]
#
# CORPUS_DIR holds <workload>.pages files (e.g. ../shared/corpus).  Every
# STRIDE-th page (default 1: all) is timed PASSES times (default 5) per codec;
# see scripts/calibrate_codecs.c.  The program is built against
# build/libzswapsim.a, so it times the simulator's own compressor code.
# Run from the repository root.  About 1-2 minutes on the project VM.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 CORPUS_DIR [OUT_JSON] [PASSES] [STRIDE]" >&2
	exit 2
fi
corpus=$1
out=${2:-configs/hw/local-codecs.json}
passes=${3:-5}
stride=${4:-1}
build=${BUILD:-build}
pkgs="gsl liblz4 libzstd lzo2 zlib libisal libxxhash"

make -s -j2 BUILD="$build" "$build/libzswapsim.a" >&2
mkdir -p "$build/scripts" "$(dirname "$out")"
# shellcheck disable=SC2046,SC2086 # the package list and flags split on purpose
${CC:-gcc} -std=c11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -I. \
	$(pkg-config --cflags $pkgs) scripts/calibrate_codecs.c "$build/libzswapsim.a" \
	$(pkg-config --libs $pkgs) -lisal -lm -o "$build/scripts/calibrate_codecs"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -n), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "# command: $0 $*"
"$build/scripts/calibrate_codecs" "$corpus" "$out" "$passes" "$stride"
echo
echo "wrote $out"
