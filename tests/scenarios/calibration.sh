#!/usr/bin/env bash
# IAA calibration (docs/models.md): the simgrid backend with the emr-1iaa preset
# reproduces the single-device batch curve of iaa-model.md 2.2 within +-10 % on
# p50 (per page = call latency / B, and per call), and with the spr preset the
# poll versus interrupt single-page latencies of 2.1.  Runs the configs of
# configs/calibration/.
set -u
BIN=${BIN:-build/zswapsim}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

within() {   # NAME TARGET GOT: |GOT - TARGET| <= 10 % of TARGET
	if [ -n "$3" ] && [ "$3" != null ] && awk -v t="$2" -v g="$3" \
		'BEGIN { d = g - t; if (d < 0) d = -d; exit !(d <= 0.10 * t) }'; then
		echo "ok   $1: p50 $3 ns, target $2 ns"
	else
		echo "FAIL $1: p50 '$3' ns, target $2 ns +-10 %"
		fails=$((fails + 1))
	fi
}

run() {   # CONFIG -> $T/CONFIG.json
	if ! "$BIN" run "configs/calibration/$1.json" -o "$T/$1.json" >"$T/$1.out" 2>&1; then
		echo "FAIL $1: zswapsim run failed: $(tail -1 "$T/$1.out")"
		fails=$((fails + 1))
	fi
}

p50() {   # CONFIG OP
	jq -r ".latency.$2.p50_ns" "$T/$1.json" 2>/dev/null
}

# B, per-page compress and decompress p50 (measured), per-call p50 (B x per page)
while read -r b cp dp cb db; do
	run "iaa-batch-$b"
	within "batch $b compress per page" "$cp" "$(p50 "iaa-batch-$b" compress_page)"
	within "batch $b decompress per page" "$dp" "$(p50 "iaa-batch-$b" decompress_page)"
	within "batch $b compress per call" "$cb" "$(p50 "iaa-batch-$b" compress_batch)"
	within "batch $b decompress per call" "$db" "$(p50 "iaa-batch-$b" decompress_batch)"
done <<'CURVE'
1 3571 2999 3571 2999
2 1971 1719 3942 3438
4 1568 1103 6272 4412
8 1378 773 11024 6184
CURVE

run iaa-poll
run iaa-irq
within "poll compress" 3177 "$(p50 iaa-poll compress_page)"
within "poll decompress" 2235 "$(p50 iaa-poll decompress_page)"
within "irq compress" 6847 "$(p50 iaa-irq compress_page)"
within "irq decompress" 5840 "$(p50 iaa-irq decompress_page)"

# every call of the batch traces has exactly B pages
calls=$(jq -r '.latency.compress_batch.count' "$T/iaa-batch-4.json" 2>/dev/null)
if [ "$calls" = 64 ]; then echo "ok   batch 4: 64 compress calls of 4 pages"; else
	echo "FAIL batch 4: $calls compress calls, want 64"; fails=$((fails + 1)); fi

[ "$fails" = 0 ]
