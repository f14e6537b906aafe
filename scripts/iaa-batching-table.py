#!/usr/bin/env python3
"""Print the result tables of the IAA batching experiment (docs/experiments.md).

Usage: scripts/iaa-batching-table.py SWEEP_DIR
       scripts/iaa-batching-table.py --runs REPORT.json...

SWEEP_DIR is the output of `zswapsim sweep configs/sweeps/iaa-batching.json`.
Reads SWEEP_DIR/summary.json and, for what the summary's dotted metric paths
cannot reach (per-stream finish times, per-device IAA utilisation), each
point's report.json.  Prints two Markdown tables: time and latency; CPU,
IAA and zswap state.  With --runs, one compact table of the given reports
(variants run by hand), a row per report named after its file.  Times in the
tables are simulated.
"""
import json
import os
import sys


def machine(a):
    """A short name for the first (machine) axis of the sweep."""
    if a["zswap.compressor"] != "deflate-iaa":
        return a["zswap.compressor"] + " (CPU)"
    if a["hw.cpu.sockets"] == 1:
        return "IAA EMR, 1 dev"
    return f"IAA SPR, {a['hw.iaa.devices_per_socket']} dev/socket"


def us(ns):
    return f"{ns / 1000:.2f}"


def ms(ns):
    return f"{ns / 1e6:.3f}"


def iaa_cells(rep):
    """Busiest device's engine utilisation and its compress engines' busy share."""
    iaa = rep["hardware"].get("iaa")
    if not iaa:
        return "–", "–"
    el = rep["elapsed_ns"]
    dev = max(iaa["devices"], key=lambda d: d["utilization"])
    comp = [e["busy_ns"] / el for e in dev["engine"] if e["compress"]]
    used = sum(1 for d in iaa["devices"] if d["utilization"] > 0)
    return f"{dev['utilization']:.2f} ({used} used)", f"{max(comp):.2f}"


def runs_table(paths):
    print("| run | elapsed ms | store_folio µs p90 / p99 | compress µs/page p50 | load µs mean / p99 "
          "| decompress µs/page p50 | CPU ms: iaa_submit / iaa_poll / iaa_irq / iaa_spin / sw_fallback "
          "| IAA busiest device util |")
    print("|---|---|---|---|---|---|---|---|")
    for path in paths:
        with open(path) as f:
            r = json.load(f)
        L, c = r["latency"], r["hardware"]["cpu"]["total_ns"]
        cpu = " / ".join(f"{c[k] / 1e6:.2f}" for k in ("iaa_submit", "iaa_poll", "iaa_irq", "iaa_spin", "sw_fallback"))
        name = os.path.splitext(os.path.basename(path))[0]
        print(f"| {name} | {ms(r['elapsed_ns'])} | {us(L['store_folio']['p90_ns'])} / {us(L['store_folio']['p99_ns'])} "
              f"| {us(L['compress_page']['p50_ns'])} | {us(L['load']['mean_ns'])} / {us(L['load']['p99_ns'])} "
              f"| {us(L['decompress_page']['p50_ns'])} | {cpu} | {iaa_cells(r)[0]} |")
    return 0


def main(argv):
    if len(argv) > 2 and argv[1] == "--runs":
        return runs_table(argv[2:])
    if len(argv) != 2:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    d = argv[1]
    with open(os.path.join(d, "summary.json")) as f:
        summ = json.load(f)
    rows = []
    for p in summ["points"]:
        if p["status"] != "ok":
            print(f"{p['id']}: {p['status']}", file=sys.stderr)
            return 1
        with open(os.path.join(d, "points", p["id"], "report.json")) as f:
            rows.append((p, json.load(f)))
    base = next(r["elapsed_ns"] for p, r in rows if p["axes"]["zswap.compressor"] == "lzo")

    print("| machine | B | elapsed ms | vs lzo | stream finish ms (min–max) | store_folio µs p50 / p90 / p99 "
          "| compress µs/page p50 | load µs mean / p99 | decompress µs/page p50 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for p, r in rows:
        a, L = p["axes"], r["latency"]
        fin = [s["finish_ns"] for s in r["streams"]]
        sf = L["store_folio"]
        print(f"| {machine(a)} | {a['batch.compress']} | {ms(r['elapsed_ns'])} | {r['elapsed_ns'] / base:.2f} "
              f"| {ms(min(fin))}–{ms(max(fin))} | {us(sf['p50_ns'])} / {us(sf['p90_ns'])} / {us(sf['p99_ns'])} "
              f"| {us(L['compress_page']['p50_ns'])} | {us(L['load']['mean_ns'])} / {us(L['load']['p99_ns'])} "
              f"| {us(L['decompress_page']['p50_ns'])} |")
    print()
    print("| machine | B | CPU ms: compress / decompress / iaa_submit / iaa_poll / app | IAA busiest device "
          "util | its busiest compress engine | alloc waits / fallback pages | ratio | pool peak MiB "
          "| zswpout / zswpin / pswpout / pswpin |")
    print("|---|---|---|---|---|---|---|---|---|")
    for p, r in rows:
        a, c, g = p["axes"], r["hardware"]["cpu"]["total_ns"], r["stats"]["global"]
        util, comp = iaa_cells(r)
        cnt = (r["hardware"].get("iaa") or {}).get("counters")
        waits = f"{cnt['compress_alloc_waits'] + cnt['decompress_alloc_waits']} / " \
                f"{cnt['compress_fallback_pages'] + cnt['decompress_fallback_pages']}" if cnt else "–"
        cpu = " / ".join(f"{c[k] / 1e6:.2f}" for k in ("compress", "decompress", "iaa_submit", "iaa_poll", "app"))
        ratio = g["zswpout"] * 4096 / g["sim_stored_bytes"] if g["sim_stored_bytes"] else 0
        print(f"| {machine(a)} | {a['batch.compress']} | {cpu} | {util} | {comp} | {waits} | {ratio:.2f} "
              f"| {g['pool_total_size_peak'] / 2**20:.2f} | {g['zswpout']} / {g['zswpin']} / {g['pswpout']} / "
              f"{g['pswpin']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
