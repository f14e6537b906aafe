#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Figures of zswapsim reports and sweep summaries (PNG and SVG).

  plot.py report REPORT.json -o DIR
      DIR/timeseries.{png,svg}  pool size, stored pages and writeback over time
      DIR/latency.{png,svg}     latency CDF per operation (simgrid reports)
      DIR/hardware.{png,svg}    CPU time, IAA engine and swap device utilisation (simgrid)
  plot.py sweep SUMMARY.json --x AXIS --y METRIC [--group AXIS] -o FILE
      one line per value of the group axis (AXIS1,AXIS2,...: per combination of
      their values); points that differ only in other axes (repetitions) are
      averaged, with their min..max as error bars.

Only Python 3 and matplotlib (Debian python3-matplotlib); the Agg backend, so
no display is needed.  Exit status: 0 ok, 2 bad input.
"""
import argparse
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MIB = 1024.0 * 1024.0
# Figures must not depend on the time they were made: no dates in SVG/PNG metadata.
SAVE_META = {"svg": {"Date": None}, "png": {"Software": None}}
plt.rcParams["svg.hashsalt"] = "zswapsim"
plt.rcParams["svg.fonttype"] = "none"   # text stays text: smaller, searchable SVGs


class BadInput(Exception):
    pass


def load(path, schema):
    try:
        with open(path) as f:
            doc = json.load(f)
    except OSError as e:
        raise BadInput(f"{path}: cannot open: {e.strerror}")
    except ValueError as e:
        raise BadInput(f"{path}: bad JSON: {e}")
    if not isinstance(doc, dict) or not str(doc.get("schema", "")).startswith(schema):
        raise BadInput(f"{path}: not a {schema}1 document")
    return doc


def save(fig, stem):
    """Write stem.png and stem.svg; return the two paths."""
    out = []
    for ext in ("png", "svg"):
        path = f"{stem}.{ext}"
        tmp = f"{path}.tmp.{os.getpid()}"   # temp + rename: never half a figure
        try:
            fig.savefig(tmp, format=ext, dpi=110 if ext == "png" else None,
                        metadata=SAVE_META[ext], bbox_inches="tight")
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        out.append(path)
    plt.close(fig)
    return out


def time_axis(t_ns):
    """Times in the unit that keeps the numbers readable."""
    span = max(t_ns) if t_ns else 0
    for div, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if span >= 10 * div:
            return [t / div for t in t_ns], unit
    return list(t_ns), "ns"


def config_label(rep):
    cfg = rep.get("config", {})
    zs = cfg.get("zswap", {})
    trace = os.path.basename(str(cfg.get("trace", {}).get("path", ""))) or "?"
    backend = cfg.get("timing", {}).get("backend", "?")
    return (f"{trace}, {zs.get('compressor', '?')}, max_pool_percent={zs.get('max_pool_percent', '?')}, "
            f"backend={backend}")


# ---- report figures --------------------------------------------------------

def plot_timeseries(rep, outdir):
    ts = rep.get("timeseries")
    if not ts or not ts.get("rows"):
        return []
    fields = ts["fields"]
    col = {name: [row[i] for row in ts["rows"]] for i, name in enumerate(fields)}
    t, unit = time_axis(ts["t_ns"])
    panels = [
        ("pool_total_size", "pool size (MiB)", lambda v: v / MIB, "zswap pool size"),
        ("stored_pages", "pages", None, "pages stored in zswap"),
        ("written_back_pages", "pages (cumulative)", None, "written back to swap"),
    ]
    panels = [p for p in panels if p[0] in col]
    if not panels:
        return []
    fig, axes = plt.subplots(len(panels), 1, sharex=True, figsize=(7.5, 2.3 * len(panels) + 0.6))
    if len(panels) == 1:
        axes = [axes]
    for ax, (name, ylabel, conv, title) in zip(axes, panels):
        ys = [conv(v) for v in col[name]] if conv else col[name]
        ax.plot(t, ys, drawstyle="steps-post", color="C0")
        if name == "stored_pages" and "stored_incompressible_pages" in col:
            ax.plot(t, col["stored_incompressible_pages"], drawstyle="steps-post", color="C3",
                    label="incompressible")
            ax.legend(loc="upper left", fontsize="small")
        if name == "written_back_pages" and "pswpout" in col:
            ax.plot(t, col["pswpout"], drawstyle="steps-post", color="C2", linestyle="--",
                    label="pswpout (to swap device)")
            ax.legend(loc="upper left", fontsize="small")
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize="medium")
        ax.grid(True, alpha=0.3)
    axes[-1].set_xlabel(f"simulated time ({unit})")
    fig.suptitle(config_label(rep), fontsize="small")
    return save(fig, os.path.join(outdir, "timeseries"))


PERCENTILES = (("p50_ns", 0.50), ("p90_ns", 0.90), ("p99_ns", 0.99), ("p999_ns", 0.999),
               ("max_ns", 1.0))


def plot_latency(rep, outdir):
    lat = rep.get("latency")
    ops = {op: v for op, v in (lat or {}).items()
           if isinstance(v, dict) and v.get("count") and "p50_ns" in v}
    if not ops:
        return []
    fig, (ax, tail) = plt.subplots(1, 2, figsize=(10, 3.8))
    for i, (op, v) in enumerate(sorted(ops.items())):
        xs = [v[k] / 1e3 for k, _ in PERCENTILES if k in v]
        ys = [q for k, q in PERCENTILES if k in v]
        label = f"{op} (n={v['count']}, mean {v.get('mean_ns', float('nan')) / 1e3:.2f} µs)"
        ax.plot(xs, ys, marker="o", color=f"C{i}", label=label)
        # the tail: 1 - CDF on a log scale shows p99/p99.9 apart
        tx = [x for x, q in zip(xs, ys) if q < 1.0]
        tail.plot(tx, [1 - q for q in ys if q < 1.0], marker="o", color=f"C{i}")
    ax.set_xscale("log")
    ax.set_xlabel("latency (µs, log)")
    ax.set_ylabel("fraction of operations ≤ latency")
    ax.set_title("latency CDF (p50, p90, p99, p99.9, max)", fontsize="medium")
    ax.set_ylim(0, 1.02)
    ax.grid(True, which="both", alpha=0.3)
    fig.legend(*ax.get_legend_handles_labels(), fontsize="small", loc="upper center",
               bbox_to_anchor=(0.5, 0.0), ncol=3, frameon=False)
    tail.set_xscale("log")
    tail.set_yscale("log")
    tail.set_xlabel("latency (µs, log)")
    tail.set_ylabel("fraction of operations > latency")
    tail.set_title("tail (1 − CDF)", fontsize="medium")
    tail.grid(True, which="both", alpha=0.3)
    fig.suptitle(config_label(rep), fontsize="small")
    return save(fig, os.path.join(outdir, "latency"))


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def hardware_utilisation(rep, hw):
    """(label, fraction busy) of every CPU core, IAA engine and the swap device."""
    util = []
    elapsed = rep.get("elapsed_ns") or 0
    for c in hw.get("cpu", {}).get("by_core", []):
        if elapsed and "busy_ns" in c:
            util.append((f"cpu{c.get('core', len(util))}", c["busy_ns"] / elapsed))
    for d, dev in enumerate(hw.get("iaa", {}).get("devices", [])):
        for e, eng in enumerate(dev.get("engine", [])):
            if "utilization" in eng:
                util.append((f"iaa{d}.eng{e}", eng["utilization"]))
    sd = hw.get("swap_device", {})
    if "utilization" in sd:
        util.append(("swap dev", sd["utilization"]))
    if "transfer_utilization" in sd:
        util.append(("swap dev xfer", sd["transfer_utilization"]))
    return util


def plot_hardware(rep, outdir):
    """CPU time by category, utilisation of each resource, and the IAA
    work-queue depth and utilisation over time (report-schema.md, hardware)."""
    hw = rep.get("hardware")
    if not isinstance(hw, dict) or not hw:
        return []
    cpu_ns = {k: v for k, v in hw.get("cpu", {}).get("total_ns", {}).items() if is_num(v)}
    util = hardware_utilisation(rep, hw)
    iaa = hw.get("iaa", {})
    interval = iaa.get("sample_interval_ns") or 0
    series = [(d, dev) for d, dev in enumerate(iaa.get("devices", []))
              if interval and dev.get("queued_samples")]
    panels = [p for p, present in (("cpu", cpu_ns), ("util", util), ("iaa", series)) if present]
    if not panels:
        return []
    fig, axes = plt.subplots(len(panels), 1, figsize=(8, 2.9 * len(panels) + 0.6))
    axes = list(axes) if len(panels) > 1 else [axes]
    for ax, panel in zip(axes, panels):
        if panel == "cpu":
            ax.barh(list(cpu_ns), [v / 1e6 for v in cpu_ns.values()], color="C1")
            ax.set_xlabel("CPU time (ms, all cores)")
            ax.set_title("CPU time by category", fontsize="medium")
            ax.grid(True, axis="x", alpha=0.3)
        elif panel == "util":
            ax.bar([u[0] for u in util], [100.0 * u[1] for u in util], color="C0")
            ax.set_ylabel("utilisation (%)")
            ax.set_ylim(0, 100)
            ax.set_title("utilisation: CPU cores, IAA engines, swap device", fontsize="medium")
            ax.tick_params(axis="x", labelrotation=45, labelsize="small")
            for lbl in ax.get_xticklabels():
                lbl.set_horizontalalignment("right")
            ax.grid(True, axis="y", alpha=0.3)
        else:
            n = max(len(dev["queued_samples"]) for _, dev in series)
            t, unit = time_axis([i * interval for i in range(n)])
            right = ax.twinx()
            for d, dev in series:
                q = dev["queued_samples"]
                ax.plot(t[:len(q)], q, drawstyle="steps-post", color=f"C{2 * d}",
                        label=f"iaa{d} descriptors queued")
                u = dev.get("utilization_samples", [])
                right.plot(t[:len(u)], [100.0 * x for x in u], drawstyle="steps-post",
                           color=f"C{2 * d + 1}", alpha=0.6, label=f"iaa{d} utilisation")
            ax.set_xlabel(f"simulated time ({unit})")
            ax.set_ylabel("descriptors queued")
            right.set_ylabel("engine utilisation (%)")
            right.set_ylim(0, 100)
            ax.set_title("IAA work queue over time", fontsize="medium")
            lines = ax.get_legend_handles_labels()
            lines2 = right.get_legend_handles_labels()
            ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], fontsize="small", loc="upper right")
            ax.grid(True, alpha=0.3)
    fig.suptitle(config_label(rep), fontsize="small")
    fig.tight_layout()
    return save(fig, os.path.join(outdir, "hardware"))


def cmd_report(args):
    rep = load(args.report, "zswapsim-report/")
    os.makedirs(args.output, exist_ok=True)
    written = plot_timeseries(rep, args.output) + plot_latency(rep, args.output) + \
        plot_hardware(rep, args.output)
    if not written:
        raise BadInput(f"{args.report}: nothing to plot (no timeseries, latency or hardware section)")
    for p in written:
        print(p)


# ---- sweep figures ---------------------------------------------------------

UNITS = (("_ns", "ns"), ("_bytes", "bytes"), ("pool_total_size", "bytes"), ("_size", "bytes"),
         ("_pages", "pages"), ("_percent", "%"), ("_seconds", "s"), ("_kb", "KiB"),
         ("ratio", "ratio"), ("fairness", "index"), ("events_per_second", "events/s"))


def value_label(v):
    """An axis value as text: a policy object {"name": n, k: x} as "n(k=x)"."""
    if isinstance(v, dict):
        rest = ", ".join(f"{k}={v[k]}" for k in sorted(v) if k != "name")
        if "name" in v:
            return f"{v['name']}({rest})" if rest else str(v["name"])
        return json.dumps(v, sort_keys=True)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def metric_label(metric, values):
    """Axis label with a unit, scaling bytes to MiB and ns to µs when large."""
    name = metric.split(".")[-1]
    unit = next((u for suffix, u in UNITS if name.endswith(suffix) or suffix in name), None)
    big = max((abs(v) for v in values), default=0)
    if unit == "bytes" and big >= MIB:
        return f"{metric} (MiB)", 1 / MIB
    if unit == "ns" and big >= 1e4:
        return f"{metric} (µs)", 1e-3
    if unit is None:
        unit = "pages" if metric.startswith("stats.") else "count"
    return f"{metric} ({unit})", 1.0


def cmd_sweep(args):
    summ = load(args.summary, "zswapsim-sweep/")
    points = [p for p in summ.get("points", []) if p.get("status") == "ok"]
    if not points:
        raise BadInput(f"{args.summary}: no finished points")
    axes = summ.get("axes", [])
    groups_by = args.group.split(",") if args.group else []   # several axes: one line per combination
    for a in [args.x] + groups_by:
        if a and a not in axes:
            raise BadInput(f"{args.summary}: no axis '{a}' (axes: {', '.join(axes)})")
    if not any(args.y in p.get("metrics", {}) for p in points):
        raise BadInput(f"{args.summary}: no metric '{args.y}' (metrics: "
                       f"{', '.join(summ.get('metrics', []))})")

    def key(v):
        return json.dumps(v, sort_keys=True)

    xs_raw = []
    for p in points:
        v = p["axes"].get(args.x)
        if key(v) not in map(key, xs_raw):
            xs_raw.append(v)
    numeric_x = all(is_num(v) for v in xs_raw)
    if numeric_x:
        xs_raw.sort()
    xpos = {key(v): (v if numeric_x else i) for i, v in enumerate(xs_raw)}

    groups = {}
    for p in points:
        g = None
        if len(groups_by) == 1:
            g = p["axes"].get(groups_by[0])
        elif groups_by:
            g = " / ".join(value_label(p["axes"].get(a)) for a in groups_by)
        y = p.get("metrics", {}).get(args.y)
        if not is_num(y):
            continue
        groups.setdefault(key(g), (g, {}))[1].setdefault(key(p["axes"].get(args.x)), []).append(y)
    all_y = [y for _, byx in groups.values() for ys in byx.values() for y in ys]
    ylabel, scale = metric_label(args.y, all_y)

    fig, ax = plt.subplots(figsize=(7, 4.2))
    order = list(groups.values())   # the sweep's order of values
    if all(is_num(g) for g, _ in order):
        order.sort(key=lambda gv: gv[0])
    repeated = False
    for i, (g, byx) in enumerate(order):
        pts = sorted((xpos[k], ys) for k, ys in byx.items())
        mean = [sum(ys) / len(ys) * scale for _, ys in pts]
        lo = [m - min(ys) * scale for m, (_, ys) in zip(mean, pts)]
        hi = [max(ys) * scale - m for m, (_, ys) in zip(mean, pts)]
        repeated |= any(len(ys) > 1 for _, ys in pts)
        label = value_label(g) if args.group else None
        if args.table:
            for (x, ys), m in zip(pts, mean):
                xv = x if numeric_x else xs_raw[x]
                print(f"{value_label(g) if args.group else '-'}\t{value_label(xv)}\t{m / scale:g}\t{min(ys):g}\t{max(ys):g}\t{len(ys)}")
        ax.errorbar([x for x, _ in pts], mean, yerr=[lo, hi], marker="o", capsize=3, color=f"C{i}",
                    label=label)
    if not numeric_x:
        ax.set_xticks(range(len(xs_raw)))
        labels = [value_label(v) for v in xs_raw]
        # long or many categories: slant them so neighbours do not overlap
        slant = len(xs_raw) > 4 or sum(len(l) for l in labels) > 60
        ax.set_xticklabels(labels, rotation=20 if slant else 0, ha="right" if slant else "center")
    ax.set_xlabel(args.x + (f" ({axis_unit(args.x)})" if axis_unit(args.x) else ""))
    ax.set_ylabel(ylabel + (" — mean, min..max" if repeated else ""))
    base = os.path.basename(str(summ.get("base", "")))
    ax.set_title(f"{args.y.split('.')[-1]} vs {args.x.split('.')[-1]}"
                 + (f" ({base})" if base else ""), fontsize="medium")
    ax.grid(True, alpha=0.3)
    if args.group:
        ax.legend(title=args.group, fontsize="small", title_fontsize="small")
    stem, ext = os.path.splitext(args.output)
    if ext not in (".png", ".svg"):
        stem = args.output
    os.makedirs(os.path.dirname(stem) or ".", exist_ok=True)
    for p in save(fig, stem):
        if not args.table:
            print(p)


def axis_unit(axis):
    name = axis.split(".")[-1]
    if name.endswith("_percent"):
        return "%"
    if name.endswith("_ns"):
        return "ns"
    if name in ("ram", "size") or name.endswith("_bytes"):
        return "bytes"
    return ""


def main(argv):
    ap = argparse.ArgumentParser(prog="plot.py", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("report", help="figures of one report")
    r.add_argument("report")
    r.add_argument("-o", "--output", required=True, help="output directory")
    s = sub.add_parser("sweep", help="a metric against an axis of a sweep summary")
    s.add_argument("summary")
    s.add_argument("--x", required=True, help="axis on the x axis (a config key)")
    s.add_argument("--y", required=True, help="metric (a dotted report path)")
    s.add_argument("--group", help="axis whose values get one line each; AXIS1,AXIS2,...: one line "
                   "per combination of their values")
    s.add_argument("-o", "--output", required=True, help="output file (.png and .svg are written)")
    s.add_argument("--table", action="store_true",
                   help="print the plotted values (group, x, mean, min, max, n) instead of the file names")
    args = ap.parse_args(argv)
    try:
        (cmd_report if args.cmd == "report" else cmd_sweep)(args)
    except BadInput as e:
        print(f"plot.py: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
