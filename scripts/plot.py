#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Figures of zswapsim reports and sweep summaries (PNG at 300 dpi, SVG, PDF).

  plot.py report REPORT.json -o DIR
      DIR/timeseries.*  pool size, pages in zswap, written back, over time
      DIR/latency.*     latency CDFs and tails from the report's histograms (simgrid)
      DIR/hardware.*    CPU time by category, utilisation, the IAA work queues (simgrid)
  plot.py sweep SUMMARY.json --x AXIS --y METRIC [--group AXIS[,AXIS...]] -o FILE
      the metric against an axis, one series per value of the group axes;
      points that differ in other axes (repetitions) are averaged: the mean,
      its 95 % confidence interval and every repetition are shown.

Labels and units come from the config key table (`zswapsim config keys
--json`) and from the report schema (docs/report-schema.md).  Only Python 3
and matplotlib (Debian python3-matplotlib); run with another python3 that
lacks matplotlib, it re-executes itself with /usr/bin/python3.  Exit status:
0 ok, 2 bad input.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import textwrap


def find_matplotlib():
    """Import matplotlib, or re-execute with a python3 that has it (Debian's
    python3-matplotlib is in /usr/bin/python3; a pyenv or venv python3 earlier
    in PATH hides it), or say what to install."""
    try:
        import matplotlib  # noqa: F401
        return
    except ImportError:
        pass
    if not os.environ.get("ZSWAPSIM_PLOT_REEXEC"):   # once: never a loop
        for py in (os.environ.get("PYTHON"), "/usr/bin/python3"):
            if not py or not os.access(py, os.X_OK):
                continue
            if subprocess.run([py, "-c", "import matplotlib"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0:
                os.environ["ZSWAPSIM_PLOT_REEXEC"] = "1"
                os.execv(py, [py, os.path.abspath(__file__)] + sys.argv[1:])
    sys.exit(f"plot.py: {sys.executable} has no matplotlib: install Debian's python3-matplotlib "
             "(make deps), or run with a python3 that has it")


find_matplotlib()
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter  # noqa: E402

MIB = 1024.0 * 1024.0
DPI = 300
# Figures must not depend on the time they were made: no dates in the files.
SAVE_META = {"svg": {"Date": None}, "png": {"Software": None},
             "pdf": {"CreationDate": None, "Producer": None}}
plt.rcParams.update({
    "svg.hashsalt": "zswapsim",
    "svg.fonttype": "none",        # text stays text: smaller, searchable SVGs
    "pdf.fonttype": 42,            # TrueType in PDFs, as publishers ask
    "font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 8,
    "legend.title_fontsize": 8, "xtick.labelsize": 8, "ytick.labelsize": 8,
    "axes.spines.top": False, "axes.spines.right": False, "lines.linewidth": 1.5,
    "lines.markersize": 5, "axes.grid": True, "grid.alpha": 0.3, "grid.linewidth": 0.6,
})
# Okabe-Ito colours (safe for colour-blind readers), and a marker, a line
# style and a hatch per series, so a figure reads in grayscale too.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
LINES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)),
         (0, (6, 2))]
HATCHES = ["", "///", "\\\\\\", "xxx", "...", "+++", "---", "ooo"]


def style(i):
    return {"color": COLOURS[i % len(COLOURS)], "marker": MARKERS[i % len(MARKERS)],
            "linestyle": LINES[i % len(LINES)]}


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


def new_figure(args, default, rows=1, cols=1, **kw):
    size = default
    if getattr(args, "size", None):
        size = args.size
    return plt.subplots(rows, cols, figsize=size, **kw)


def save(fig, stem):
    """Write stem.png (300 dpi), stem.svg and stem.pdf; return their paths."""
    out = []
    # the tight bounding box once, not once per format
    fig.canvas.draw()
    bbox = fig.get_tightbbox(fig.canvas.get_renderer()).padded(0.05)
    for ext in ("png", "svg", "pdf"):
        path = f"{stem}.{ext}"
        tmp = f"{path}.tmp.{os.getpid()}"   # temp + rename: never half a figure
        try:
            fig.savefig(tmp, format=ext, dpi=DPI, metadata=SAVE_META[ext], bbox_inches=bbox)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        out.append(path)
    plt.close(fig)
    return out


# ---- labels and units --------------------------------------------------------

def zswapsim_binary():
    here = os.path.dirname(os.path.abspath(__file__))
    for b in (os.environ.get("ZSWAPSIM"), os.path.join(here, "..", "build", "zswapsim")):
        if b and os.access(b, os.X_OK):
            return b
    return "zswapsim"


_KEYS = None


def config_keys():
    """{key: {type, help, ...}} from `zswapsim config keys --json` ({} without a binary)."""
    global _KEYS
    if _KEYS is None:
        try:
            out = subprocess.run([zswapsim_binary(), "config", "keys", "--json"], check=True,
                                 capture_output=True, text=True).stdout
            _KEYS = {k["key"]: k for k in json.loads(out)}
        except (OSError, subprocess.CalledProcessError, ValueError):
            _KEYS = {}
    return _KEYS


def humanise(name):
    text = name.replace("_", " ").replace("-", " ")
    return text[:1].upper() + text[1:]


def lower_first(text):
    """"Writeback policy" -> "writeback policy", but "LRU policy" stays."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def parse_size(v):
    """A config size (4096, "12MiB", "8G") in bytes, or None."""
    if isinstance(v, int):
        return v
    m = re.fullmatch(r"\s*([0-9.]+)\s*([KMGT]?)(i?B)?\s*", str(v))
    if not m:
        return None
    return int(float(m.group(1)) * 1024 ** " KMGT".index(m.group(2) or " "))


def unit_of(name, key_type=None, help_text=""):
    """The unit of a key or metric from its name, type and description."""
    n = name.split(".")[-1]
    if key_type == "size" or n.endswith("_bytes") or n.startswith("pool_total_size") or \
            help_text.endswith(", bytes") or n in ("sim_compressed_bytes", "sim_stored_bytes"):
        return "bytes"
    if n.endswith("_ns") or ".total_ns." in name or help_text.endswith(", ns"):
        return "ns"
    if n.endswith("_percent"):
        return "%"
    if n.endswith("_mbps"):
        return "MB/s"
    if n.endswith("ghz"):
        return "GHz"
    return ""


# keys whose description's first clause is too long for an axis or a legend
KEY_LABELS = {
    "batch.reclaim_folios": ("Folios per reclaim store", "folios"),
    "batch.compress": ("Pages per compress call", "pages"),
    "batch.decompress": ("Pages per decompress call", "pages"),
}


def key_label(key):
    """Axis label (text, unit) of a config key, from its description in the key
    table: the description's first clause, or the key's name for choices."""
    if key.startswith("trace_gen."):
        return f"Workload {key.split('.', 1)[1].replace('-', ' ')}", ""
    if key in KEY_LABELS:
        return KEY_LABELS[key]
    k = config_keys().get(key)
    last = key.split(".")[-1]
    if not k:
        return humanise(last), unit_of(key)
    help_text = k.get("help", "")
    unit = unit_of(key, k.get("type"), help_text)
    text = help_text
    for prefix in ("module parameter:", "module parameter"):
        if text.startswith(prefix):
            text = text[len(prefix):].strip()
    for stop in (" (", "; ", " {", ", ns", ", bytes", ", GHz", ", MB/s", ": "):
        if stop in text:
            text = text[:text.index(stop)]
    text = text.strip(" ,:")
    if k.get("type") in ("choice", "object") and not text.lower().endswith("policy") or \
            not text or "." in text.split()[0] and " " not in text:
        # a choice's description lists its values; name it by its key
        parts = [p for p in key.split(".") if p != "zswap"]   # zswap's own keys: no prefix
        text = humanise(" ".join(parts[-2:]) if len(parts) > 1 and parts[0] != "policy" else last)
        if key.startswith("policy."):
            text = f"{humanise(last)} policy"
    if len(text) > 48:
        text = text[:47].rstrip() + "…"
    return text[:1].upper() + text[1:], unit


OPS = {
    "store_folio": "folio store (swap-out)", "load": "swap-in (load)", "writeback": "writeback",
    "compress_page": "compression, per page", "compress_batch": "compress call",
    "decompress_page": "decompression, per page", "decompress_batch": "decompress call",
    "disk_read": "swap-device read", "disk_write": "swap-device write",
    "first_touch": "first-touch fault", "minor_fault": "minor fault (swap cache)",
    "major_fault": "major fault (swap-in)",
}
STATS = {"mean_ns": "mean", "p50_ns": "median", "p90_ns": "p90", "p99_ns": "p99",
         "p999_ns": "p99.9", "max_ns": "max", "min_ns": "min"}
CPU = {"compress": "software compression", "decompress": "software decompression",
       "iaa_submit": "IAA submission", "iaa_poll": "IAA completion polling",
       "iaa_irq": "IAA interrupts", "iaa_spin": "IAA descriptor spinning",
       "sw_fallback": "software fallback", "app": "application (closed loop)",
       "fault": "page-fault path", "reclaim": "reclaim (scan, unmap)",
       "lru_lock": "LRU lock (held and spinning)"}
# (label, unit) of report metrics, after docs/report-schema.md
METRICS = {
    "stats.global.written_back_pages": ("Pages written back", "pages"),
    "stats.global.zswpwb": ("Pages written back (zswpwb)", "pages"),
    "stats.global.zswpout": ("Pages stored in zswap (zswpout)", "pages"),
    "stats.global.zswpin": ("Swap-ins from zswap (zswpin)", "pages"),
    "stats.global.pswpin": ("Swap-ins from the swap device", "pages"),
    "stats.global.pswpout": ("Pages written to the swap device", "pages"),
    "stats.global.stored_pages": ("Pages in zswap at the end", "pages"),
    "stats.global.stored_pages_peak": ("Peak pages in zswap", "pages"),
    "stats.global.pool_total_size": ("Pool size at the end", "bytes"),
    "stats.global.pool_total_size_peak": ("Peak pool size", "bytes"),
    "stats.global.pool_limit_hit": ("Pool limit hits", "events"),
    "stats.global.reject_compress_poor": ("Rejected: poorly compressible", "pages"),
    "stats.global.reject_compress_fail": ("Rejected: compression failed", "pages"),
    "stats.global.reject_reclaim_fail": ("Failed writebacks", "events"),
    "stats.global.sim_rejected_folios": ("Rejected folios", "folios"),
    "stats.global.sim_stored_folios": ("Stored folios", "folios"),
    "stats.global.sim_reactivated_pages": ("Re-activated pages", "pages"),
    "stats.global.sim_compressed_bytes": ("Compressed bytes", "bytes"),
    "stats.global.sim_stored_bytes": ("Stored bytes", "bytes"),
    "stats.limit.rejected_folios": ("Rejected folios", "folios"),
    "stats.limit.overshoot_max_bytes_global": ("Largest pool overshoot", "bytes"),
    "stats.limit.overshoot_max_bytes_memcg": ("Largest memcg overshoot", "bytes"),
    "stats.limit.overshoot_byte_seconds": ("Overshoot over time", "byte·s"),
    "stats.limit.wasted_compressions": ("Wasted compressions", "pages"),
    "stats.limit.jain_fairness": ("Jain fairness index", ""),
    "elapsed_ns": ("Simulated run time", "ns"),
    "workload.throughput_bytes_per_s": ("Workload throughput (all tasks)", "bytes/s"),
    "workload.elapsed_ns": ("Workload run time", "ns"),
    "workload.major_faults": ("Major faults (swap-ins)", "faults"),
    "workload.faults": ("Page faults", "faults"),
    "workload.accesses": ("Accesses", "accesses"),
}


def metric_label(metric):
    """(label, unit) of a dotted report path."""
    if metric in METRICS:
        return METRICS[metric]
    parts = metric.split(".")
    if parts[0] == "latency" and len(parts) == 3:
        op = OPS.get(parts[1], parts[1].replace("_", " "))
        if parts[2] == "count":
            return f"{op[:1].upper() + op[1:]}: operations", "operations"
        return f"{op[:1].upper() + op[1:]} latency, {STATS.get(parts[2], parts[2])}", "ns"
    if metric.startswith("workload.cpu_ns."):
        return f"Tasks' time: {parts[-1].replace('_', ' ')}", "ns"
    if len(parts) == 4 and parts[:2] == ["stats", "memcg"]:
        return f"{parts[3].replace('_', ' ')} ({parts[2]})", "events" if parts[3] in (
            "high", "max", "oom", "oom_kill", "low") else "pages"
    if metric.startswith("hardware.cpu.total_ns."):
        return f"CPU time: {CPU.get(parts[-1], parts[-1].replace('_', ' '))}", "ns"
    return humanise(parts[-1]), unit_of(metric) or ("pages" if parts[0] == "stats" else "")


def scaled(unit, values):
    """(unit shown, factor) so that the largest value reads in a sensible unit."""
    big = max((abs(v) for v in values if v is not None), default=0)
    if unit == "bytes":
        for div, name in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
            if big >= 2 * div:
                return name, 1.0 / div
    if unit == "bytes/s":
        for div, name in ((1e9, "GB/s"), (1e6, "MB/s"), (1e3, "kB/s")):
            if big >= 2 * div:
                return name, 1.0 / div
    if unit == "ns":
        for div, name in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
            if big >= 2 * div:
                return name, 1.0 / div
    return unit, 1.0


def with_unit(text, unit):
    return f"{text} ({unit})" if unit and unit.lower() not in text.lower() else text


def value_label(v, key=None):
    """An axis value as text: a policy object {"name": n, k: x} as "n (k x)",
    times in ns as ms or s."""
    if isinstance(v, dict):
        rest = []
        for k in sorted(v):
            if k == "name":
                continue
            x = v[k]
            if k.endswith("_ns") and isinstance(x, (int, float)) and x >= 1e6:
                x = f"{x / 1e6:g} ms" if x < 1e9 else f"{x / 1e9:g} s"
            rest.append(f"{k.removesuffix('_ns')} {x}")
        if "name" in v:
            return f"{v['name']} ({', '.join(rest)})" if rest else str(v["name"])
        return json.dumps(v, sort_keys=True)
    if isinstance(v, bool):
        return "on" if v else "off"
    return str(v)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def time_axis(t_ns):
    """Times in the unit that keeps the numbers readable."""
    span = max(t_ns) if t_ns else 0
    for div, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if span >= 10 * div:
            return [t / div for t in t_ns], unit
    return list(t_ns), "ns"


def human_bytes(n):
    for div, unit in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if n >= div:
            return f"{n / div:g} {unit}"
    return f"{n} B"


def workload_name(cfg):
    """A workload run's source: "usemem, 4 tasks" or the file's name."""
    wl = cfg.get("workload") or {}
    if wl.get("kind") == "file":
        return os.path.basename(str(wl.get("path", "?")))
    tasks = wl.get("streams")
    return f"{wl.get('kind', '?')}" + (f", {tasks} tasks" if tasks else "")


def run_title(rep):
    """What a report's run was: trace or workload, compressor, pool limit, RAM, backend,
    policies."""
    cfg = rep.get("config", {})
    zs = cfg.get("zswap", {})
    trace = (workload_name(cfg) if cfg.get("workload") else
             os.path.basename(str(cfg.get("trace", {}).get("path", "")))) or "?"
    ram = cfg.get("system", {}).get("ram")
    ram_b = parse_size(ram)
    parts = [trace, f"{zs.get('compressor', '?')}",
             f"pool limit {zs.get('max_pool_percent', '?')} % of "
             f"{human_bytes(ram_b) if ram_b else ram} RAM",
             f"{cfg.get('timing', {}).get('backend', '?')} backend"]
    pol = cfg.get("policy", {})
    names = [f"{fam} {value_label(pol[fam])}" for fam in ("limit", "lru", "writeback")
             if isinstance(pol.get(fam), dict)]
    defaults = {"limit folio-once", "lru kernel", "writeback pool-limit"}
    if any(n not in defaults for n in names):
        parts.append(", ".join(names))
    return " · ".join(parts)


# ---- report figures --------------------------------------------------------

def plot_timeseries(rep, outdir, args):
    ts = rep.get("timeseries")
    if not ts or not ts.get("rows"):
        return []
    fields = ts["fields"]
    col = {name: [row[i] for row in ts["rows"]] for i, name in enumerate(fields)}
    t, unit = time_axis(ts["t_ns"])
    # (panel title, y label, [(field, legend label)], factor)
    panels = [
        ("zswap pool size", "pool size (MiB)", [("pool_total_size", "pool_total_size")], 1 / MIB),
        ("pages in zswap", "pages", [("stored_pages", "stored pages"),
                                     ("stored_incompressible_pages", "stored uncompressed")], 1),
        ("pages written to the swap device (cumulative)", "pages",
         [("written_back_pages", "written back from zswap"),
          ("pswpout", "pswpout (all writes to the device)")], 1),
    ]
    panels = [(ti, yl, [(f, lb) for f, lb in lines if f in col], k) for ti, yl, lines, k in panels]
    panels = [p for p in panels if p[2]]
    if not panels:
        return []
    fig, axes = new_figure(args, (7, 1.9 * len(panels) + 0.5), len(panels), 1, sharex=True,
                           squeeze=False)
    axes = [a[0] for a in axes]
    cfg = rep.get("config", {})
    ram = parse_size(cfg.get("system", {}).get("ram"))
    pct = cfg.get("zswap", {}).get("max_pool_percent")
    for ax, (title, ylabel, lines, factor) in zip(axes, panels):
        for i, (field, label) in enumerate(lines):
            st = style(i)
            ax.plot(t, [v * factor for v in col[field]], drawstyle="steps-post", color=st["color"],
                    linestyle=st["linestyle"], label=label)
        top = max(max(col[f]) for f, _ in lines) * factor
        ymax = top
        if lines[0][0] == "pool_total_size" and ram and is_num(pct):
            limit = ram * pct / 100 * factor
            if limit <= 3 * top:   # far above the pool it would squash the curve
                ax.axhline(limit, color="0.4", linestyle=":", linewidth=1,
                           label=f"pool limit ({pct} % of RAM)")
                ymax = max(top, limit)
            else:
                title += f" (its limit, {limit:.4g} MiB, is off the scale)"
        if not top:
            ax.text(0.5, 0.5, "none", transform=ax.transAxes, ha="center", va="center",
                    color="0.3")
        if ylabel == "pages":
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(ylabel)
        ax.set_title(title, loc="left")
        if len(ax.get_lines()) > 1 and top:
            # one row of entries in a band above the data, so no curve is hidden
            ax.set_ylim(bottom=0, top=ymax * 1.35)
            ax.legend(loc="upper center", ncol=len(ax.get_lines()), frameon=False,
                      borderaxespad=0.2, columnspacing=1.5)
        else:
            ax.set_ylim(bottom=0, top=None if top else 1)
    axes[-1].set_xlabel(f"simulated time ({unit})")
    fig.suptitle(args.title or run_title(rep), fontsize=10)
    fig.tight_layout()
    return save(fig, os.path.join(outdir, "timeseries"))


def cdf_points(h, lo_ns, hi_ns):
    """(x in ns, cumulative fraction) of a histogram {bucket_low_ns, bucket_width_ns,
    count}: linear within a bucket, flat between buckets, clamped to [min, max]."""
    lows, widths, counts = h["bucket_low_ns"], h["bucket_width_ns"], h["count"]
    total = float(sum(counts))
    xs, ys, seen = [], [], 0
    for low, width, n in zip(lows, widths, counts):
        a = min(max(low, lo_ns), hi_ns)
        b = min(max(low + width, lo_ns), hi_ns)
        xs += [a, b]
        ys += [seen / total, (seen + n) / total]
        seen += n
    return xs, ys


# The user-facing operations, then their parts; a part whose histogram equals
# its sibling's (per page = per call without batching) is drawn once.
LATENCY_ROWS = (("page faults", ("major_fault", "minor_fault", "first_touch")),
                ("operations", ("store_folio", "load", "writeback")),
                ("their parts", ("compress_page", "compress_batch", "decompress_page",
                                 "decompress_batch", "disk_write", "disk_read")))
SAME = {"compress_batch": ("compress_page", "compression (per call = per page)"),
        "decompress_batch": ("decompress_page", "decompression (per call = per page)")}


def latency_series(ops):
    """[(row title, [(op, label)])] of the operations present."""
    rows, shown = [], set()
    for title, names in LATENCY_ROWS + (("other", tuple(o for o in sorted(ops) if o not in OPS)),):
        row = []
        for op in names:
            if op not in ops:
                continue
            twin = SAME.get(op)
            if twin and twin[0] in ops and ops[twin[0]]["histogram"] == ops[op]["histogram"]:
                row = [(o, twin[1] if o == twin[0] else lb) for o, lb in row]
                continue
            row.append((op, OPS.get(op, op.replace("_", " "))))
            shown.add(op)
        if row:
            rows.append((title, row))
    return rows


def plot_latency(rep, outdir, args):
    """CDF and tail (1 − CDF) of every operation, from the report's histograms;
    the operations the user sees on top, their parts below, a legend per row."""
    lat = rep.get("latency") or {}
    ops = {op: v for op, v in lat.items()
           if isinstance(v, dict) and v.get("count") and v.get("histogram", {}).get("count")}
    if not ops:
        return []
    rows = latency_series(ops)
    # a log axis has no 0: it starts below the smallest positive latency, and
    # a curve with samples of 0 ns (zero-filled pages) starts at their fraction
    positive = [low for v in ops.values() for low in v["histogram"]["bucket_low_ns"] if low > 0]
    left = min(positive + [min(v["max_ns"] for v in ops.values()) or 1]) / 1.6
    right = max(v["max_ns"] for v in ops.values()) * 1.6
    # within one decade a log axis has no labelled tick: widen it to the decade
    # (one latency, or a few close together)
    decade = math.floor(math.log10(left / 1e3))
    if math.floor(math.log10(right / 1e3)) == decade:
        left, right = 10 ** decade * 1e3, 10 ** (decade + 1) * 1e3
    fig, axes = new_figure(args, (7.5, 2.4 * len(rows) + 0.5), len(rows), 3, squeeze=False,
                           gridspec_kw={"width_ratios": [1, 1, 0.78]})
    fmt = FuncFormatter(lambda v, _: f"{v:g}")
    for (title, names), (cdf, tail, key) in zip(rows, axes):
        handles = []
        for i, (op, name) in enumerate(names):
            v, st = ops[op], style(i)
            xs, ys = cdf_points(v["histogram"], max(v.get("min_ns", 0), left), max(v["max_ns"], left))
            xs = [x / 1e3 for x in xs]
            zero = v["histogram"]["count"][0] / v["count"] if v["histogram"]["bucket_low_ns"][0] == 0 else 0
            label = f"{name}\nn={v['count']}, mean {v['mean_ns'] / 1e3:.3g} µs" + \
                (f", {100 * zero:.3g} % at 0 ns" if zero else "")
            h, = cdf.plot(xs, ys, color=st["color"], linestyle=st["linestyle"], marker=st["marker"],
                          markevery=[len(xs) - 1], label=label)
            handles.append(h)
            # markers at the reported percentiles tell the lines apart in grayscale
            px = [max(v[k], left) / 1e3 for k in ("p50_ns", "p90_ns", "p99_ns") if k in v]
            cdf.plot(px, [0.5, 0.9, 0.99][:len(px)], linestyle="none", marker=st["marker"],
                     color=st["color"])
            # the tail ends at the last sample's share, 1/n (1 − CDF is 0 after it)
            tx = [x for x, y in zip(xs, ys) if y < 1] + [xs[-1]]
            ty = [1 - y for y in ys if y < 1] + [1 / v["count"]]
            tail.plot(tx, ty, color=st["color"], linestyle=st["linestyle"])
            tail.plot(px, [0.5, 0.1, 0.01][:len(px)], linestyle="none", marker=st["marker"],
                      color=st["color"])
        cdf.set_title(f"CDF: {title}", loc="left")
        cdf.set_ylabel("fraction ≤ latency")
        cdf.set_ylim(0, 1.02)
        tail.set_title(f"tail (1 − CDF): {title}", loc="left")
        tail.set_ylabel("fraction > latency")
        tail.set_yscale("log")
        for ax in (cdf, tail):
            ax.set_xscale("log")
            ax.set_xlim(left / 1e3, right / 1e3)
            ax.xaxis.set_major_formatter(fmt)
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xlabel("latency (µs)")
        key.axis("off")
        key.legend(handles=handles, loc="center left", frameon=False, borderaxespad=0,
                   handlelength=2.6, labelspacing=0.9)
    fig.suptitle(args.title or run_title(rep), fontsize=10)
    fig.text(0.99, 0.005, "markers: p50, p90, p99 (and the maximum)", ha="right", va="bottom",
             fontsize=7, color="0.3")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return save(fig, os.path.join(outdir, "latency"))


def iaa_used(hw):
    """The IAA devices, or [] when none did any work (a software codec ran)."""
    devs = (hw.get("iaa") or {}).get("devices") or []
    busy = any(e.get("jobs") or e.get("busy_ns") for dev in devs for e in dev.get("engine", []))
    return devs if busy else []


def utilisation_bars(rep, hw):
    """(label, mean, min, max) per kind of resource: the CPU cores, each IAA
    device's engines, the swap device."""
    bars = []
    elapsed = rep.get("elapsed_ns") or 0
    cores = [c["busy_ns"] / elapsed for c in hw.get("cpu", {}).get("by_core", [])
             if elapsed and "busy_ns" in c]
    ncores = hw.get("cpu", {}).get("cores", len(cores))
    if ncores:
        cores += [0.0] * max(0, ncores - len(cores))   # cores that did nothing are not listed
        bars.append((f"CPU cores ({ncores})", sum(cores) / len(cores), min(cores), max(cores)))
    devs = iaa_used(hw)
    engines = [[e["utilization"] for e in dev.get("engine", []) if "utilization" in e] for dev in devs]
    if len(devs) > 4:   # many devices: one bar for all their engines
        eng = [u for e in engines for u in e]
        bars.append((f"IAA engines ({len(eng)} in {len(devs)} devices)", sum(eng) / len(eng),
                     min(eng), max(eng)))
    else:
        for d, eng in enumerate(engines):
            if eng:
                bars.append((f"IAA {d} engines ({len(eng)})", sum(eng) / len(eng), min(eng),
                             max(eng)))
    sd = hw.get("swap_device", {})
    for key, label in (("utilization", "swap device busy"),
                       ("transfer_utilization", "swap device transferring")):
        if key in sd:
            bars.append((label, sd[key], sd[key], sd[key]))
    return bars


def plot_hardware(rep, outdir, args):
    """CPU time by category, utilisation of the CPU, IAA engines and swap
    device, and the IAA work queues over time (report-schema.md, hardware)."""
    hw = rep.get("hardware")
    if not isinstance(hw, dict) or not hw:
        return []
    cpu_ns = {k: v for k, v in hw.get("cpu", {}).get("total_ns", {}).items() if is_num(v) and v > 0}
    util = utilisation_bars(rep, hw)
    iaa = hw.get("iaa") or {}
    interval = iaa.get("sample_interval_ns") or 0
    devs = [dev for dev in iaa_used(hw) if interval and dev.get("queued_samples")]
    panels = [p for p, present in (("cpu", cpu_ns), ("util", util), ("iaa", devs)) if present]
    if not panels:
        return []
    heights = {"cpu": 0.35 * len(cpu_ns) + 0.9, "util": 0.32 * len(util) + 0.9, "iaa": 2.8}
    fig, axes = new_figure(args, (7, sum(heights[p] for p in panels) + 0.6), len(panels), 1,
                           squeeze=False, gridspec_kw={"height_ratios": [heights[p] for p in panels]})
    for ax, panel in zip([a[0] for a in axes], panels):
        if panel == "cpu":
            names = sorted(cpu_ns, key=lambda k: cpu_ns[k])
            unit, f = scaled("ns", list(cpu_ns.values()))
            ax.barh([CPU.get(k, k) for k in names], [cpu_ns[k] * f for k in names],
                    color=COLOURS[0], height=0.6)
            for y, k in enumerate(names):
                ax.text(cpu_ns[k] * f, y, f" {cpu_ns[k] * f:.3g}", va="center", fontsize=7)
            ax.set_xlabel(f"CPU time, all cores ({unit})")
            ax.set_title("CPU time by category", loc="left")
            ax.grid(True, axis="x")
            ax.grid(False, axis="y")
        elif panel == "util":
            labels = [u[0] for u in util][::-1]
            mean = [100 * u[1] for u in util][::-1]
            lo = [100 * (u[1] - u[2]) for u in util][::-1]
            hi = [100 * (u[3] - u[1]) for u in util][::-1]
            ax.barh(labels, mean, color=COLOURS[2], height=0.6)
            # the value past the whisker's end, so the two never overlap;
            # named as the mean there, or it would read as the maximum
            for y, (m, h) in enumerate(zip(mean, hi)):
                ax.text(m + h, y, f" {'mean ' if h else ''}{m:.3g}", va="center", fontsize=7)
            spread = [(y, m, l, h) for y, (m, l, h) in enumerate(zip(mean, lo, hi)) if l or h]
            if spread:
                ax.errorbar([m for _, m, _, _ in spread], [y for y, _, _, _ in spread],
                            xerr=[[l for _, _, l, _ in spread], [h for _, _, _, h in spread]],
                            fmt="none", ecolor="black", capsize=2, elinewidth=0.8)
            ax.set_xlim(0, 100)
            ax.set_xlabel("utilisation (%): mean, whiskers min–max over the units")
            ax.set_title("utilisation", loc="left")
            ax.grid(True, axis="x")
            ax.grid(False, axis="y")
        else:
            n = max(len(dev["queued_samples"]) for dev in devs)
            # at most ~150 bins: the queue's peak and the engines' mean per bin
            step = max(1, math.ceil(n / 150))
            start = iaa.get("sample_start_ns") or 0   # the series starts at the first event
            t, unit = time_axis([start + i * interval for i in range(0, n, step)])
            right = ax.twinx()

            def binned(xs, how):
                return [how(xs[i:i + step]) for i in range(0, len(xs), step)]

            def mean(xs):
                return sum(xs) / len(xs)

            # many devices: their sum and mean; a few: one line each
            if len(devs) <= 2:
                series = [(f"IAA {d}", dev["queued_samples"], dev.get("utilization_samples", []))
                          for d, dev in enumerate(devs)]
            else:
                q = [sum(dv["queued_samples"][i] for dv in devs if i < len(dv["queued_samples"]))
                     for i in range(n)]
                u = [sum(dv["utilization_samples"][i] for dv in devs
                         if i < len(dv.get("utilization_samples", []))) / len(devs) for i in range(n)]
                series = [(f"{len(devs)} IAA devices", q, u)]
            bin_ns = step * interval
            bin_text = f"{bin_ns / 1e6:.3g} ms" if bin_ns >= 1e6 else f"{bin_ns / 1e3:.3g} µs"
            for i, (name, q, u) in enumerate(series):
                q, u = binned(q, max), binned(u, mean) if u else []
                ax.plot(t[:len(q)], q, drawstyle="steps-post", color=COLOURS[2 * i], linestyle="-",
                        label=f"{name}: descriptors queued (peak per {bin_text})")
                right.plot(t[:len(u)], [100.0 * x for x in u], drawstyle="steps-post",
                           color=COLOURS[2 * i + 1], linestyle="--",
                           label=f"{name}: engine utilisation (mean)")
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylim(bottom=0)
            ax.set_xlabel(f"simulated time ({unit})")
            ax.set_ylabel("descriptors queued")
            right.set_ylabel("engine utilisation (%)")
            right.set_ylim(0, 100)
            right.spines["right"].set_visible(True)
            right.grid(False)
            ax.set_title("IAA work queues over time", loc="left")
            h1, l1 = ax.get_legend_handles_labels()
            h2, l2 = right.get_legend_handles_labels()
            ax.legend(h1 + h2, l1 + l2, loc="upper center", bbox_to_anchor=(0.5, -0.25),
                      ncol=2, frameon=False)
    fig.suptitle(args.title or run_title(rep), fontsize=10)
    fig.tight_layout()
    return save(fig, os.path.join(outdir, "hardware"))


def cmd_report(args):
    rep = load(args.report, "zswapsim-report/")
    os.makedirs(args.output, exist_ok=True)
    written = plot_timeseries(rep, args.output, args) + plot_latency(rep, args.output, args) + \
        plot_hardware(rep, args.output, args)
    if not written:
        raise BadInput(f"{args.report}: nothing to plot (no timeseries, latency or hardware section)")
    for p in written:
        print(p)


# ---- sweep figures ---------------------------------------------------------

def t975(df):
    """The 0.975 quantile of Student's t with df degrees of freedom (for 95 %
    confidence intervals), by bisection on its CDF."""
    def betacf(a, b, x):   # continued fraction of the incomplete beta (Numerical Recipes)
        qab, qap, qam, c, d = a + b, a + 1, a - 1, 1.0, 1 - (a + b) * x / (a + 1)
        d = 1 / d if abs(d) > 1e-300 else 1e300
        h = d
        for m in range(1, 300):
            m2 = 2 * m
            aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            d = 1 / d if abs(d) > 1e-300 else 1e300
            c = 1 + aa / c if abs(c) > 1e-300 else 1e300
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            d = 1 / d if abs(d) > 1e-300 else 1e300
            c = 1 + aa / c if abs(c) > 1e-300 else 1e300
            h *= d * c
        return h

    def ibeta(a, b, x):
        if x <= 0 or x >= 1:
            return 0.0 if x <= 0 else 1.0
        lbt = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + \
            b * math.log(1 - x)
        if x < (a + 1) / (a + b + 2):
            return math.exp(lbt) * betacf(a, b, x) / a
        return 1 - math.exp(lbt) * betacf(b, a, 1 - x) / b

    def cdf(t):
        return 1 - 0.5 * ibeta(df / 2, 0.5, df / (df + t * t))

    lo, hi = 0.0, 1000.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) < 0.975 else (lo, mid)
    return (lo + hi) / 2


def summarise(ys):
    """(mean, min, max, n, ci_low, ci_high); the interval is None for n < 2."""
    n = len(ys)
    mean = sum(ys) / n
    if n < 2:
        return mean, min(ys), max(ys), n, None, None
    sd = math.sqrt(sum((y - mean) ** 2 for y in ys) / (n - 1))
    half = t975(n - 1) * sd / math.sqrt(n)
    return mean, min(ys), max(ys), n, mean - half, mean + half


def axis_values_text(key, values):
    """"lzo, lz4, zstd" or "1–8 (4 values)"."""
    texts = [value_label(v) for v in values]
    if len(texts) <= 4:
        return ", ".join(texts)
    return f"{texts[0]} … {texts[-1]} ({len(texts)} values)"


def cmd_sweep(args):
    summ = load(args.summary, "zswapsim-sweep/")
    points = [p for p in summ.get("points", []) if p.get("status") == "ok"]
    if not points:
        raise BadInput(f"{args.summary}: no finished points")
    axes = summ.get("axes", [])
    # summaries from before repeat_keys: repetitions were a "seed" axis
    repeat = summ.get("repeat_keys", ["seed"] if "seed" in axes else [])
    groups_by = args.group.split(",") if args.group else []   # several axes: one series per combination
    for a in [args.x] + groups_by:
        if a and a not in axes:
            raise BadInput(f"{args.summary}: no axis '{a}' (axes: {', '.join(axes)})")
    if not any(args.y in p.get("metrics", {}) for p in points):
        raise BadInput(f"{args.summary}: no metric '{args.y}' (metrics: "
                       f"{', '.join(summ.get('metrics', []))})")

    def key(v):
        return json.dumps(v, sort_keys=True)

    def distinct(name):
        out = []
        for p in points:
            v = p["axes"].get(name)
            if key(v) not in map(key, out):
                out.append(v)
        return out

    xs_raw = distinct(args.x)
    numeric_x = all(is_num(v) for v in xs_raw)
    if numeric_x:
        xs_raw.sort()
    # several group axes: each value named by its axis ("lzo, 2 sockets")
    glabels = {a: key_label(a)[0] for a in groups_by}

    def group_name(p):
        if not groups_by:
            return None
        if len(groups_by) == 1:
            return value_label(p["axes"].get(groups_by[0]))
        return ", ".join(value_label(p["axes"].get(a)) for a in groups_by)

    series = {}   # group name -> {x key: [y]}
    order = []
    for p in points:
        y = p.get("metrics", {}).get(args.y)
        if not is_num(y):
            continue
        g = group_name(p)
        if g not in series:
            series[g] = {}
            order.append((g, [p["axes"].get(a) for a in groups_by]))
        series[g].setdefault(key(p["axes"].get(args.x)), []).append(y)
    if len(groups_by) == 1 and all(is_num(v[0]) for _, v in order):
        order.sort(key=lambda gv: gv[1][0])
    ylabel, yunit = metric_label(args.y)
    all_y = [y for byx in series.values() for ys in byx.values() for y in ys]
    yunit_shown, f = scaled(yunit, all_y)
    stats = {g: {k: summarise([y * f for y in ys]) for k, ys in byx.items()}
             for g, byx in series.items()}
    nmax = max((s[3] for st in stats.values() for s in st.values()), default=1)
    if args.table:
        for g, _ in order:
            for xv in xs_raw:
                s = stats[g].get(key(xv))
                if s:
                    lo = "-" if s[4] is None else f"{s[4] / f:.6g}"
                    hi = "-" if s[5] is None else f"{s[5] / f:.6g}"
                    print(f"{g if g is not None else '-'}\t{value_label(xv)}\t{s[0] / f:g}\t"
                          f"{s[1] / f:g}\t{s[2] / f:g}\t{s[3]}\t{lo}\t{hi}")

    xlabel, xunit = key_label(args.x)
    xunit_shown, xf = scaled(xunit, [v for v in xs_raw if is_num(v)]) if numeric_x else ("", 1)
    fig, ax = new_figure(args, (7, 4.2))
    # values spanning two decades get a log axis; with zeros among them, one
    # that is linear below the smallest positive value (symlog) so 0 stays 0
    positive = [y * f for y in all_y if y > 0]
    wide = bool(positive) and max(positive) / min(positive) >= 100 and min(all_y) >= 0
    logy = args.logy == "on" or (args.logy == "auto" and wide)
    linthresh = min(positive) if len(positive) < len(all_y) and positive else None
    if numeric_x:
        xs_num = [v * xf for v in xs_raw]
        logx = args.logx == "on" or (args.logx == "auto" and min(xs_num) > 0 and
                                     max(xs_num) / min(xs_num) >= 8)
        for i, (g, _) in enumerate(order):
            st = style(i)
            pts = [(xv * xf, stats[g][key(xv)], series[g][key(xv)]) for xv in xs_raw
                   if key(xv) in stats[g]]
            x = [p[0] for p in pts]
            mean = [p[1][0] for p in pts]
            ax.plot(x, mean, label=g, **st)
            if nmax > 1:
                ax.fill_between(x, [p[1][1] for p in pts], [p[1][2] for p in pts],
                                color=st["color"], alpha=0.12, linewidth=0)
                ci = [(p[0], p[1]) for p in pts if p[1][4] is not None]
                if ci:
                    ax.errorbar([c[0] for c in ci], [c[1][0] for c in ci],
                                yerr=[[c[1][0] - c[1][4] for c in ci], [c[1][5] - c[1][0] for c in ci]],
                                fmt="none", ecolor=st["color"], capsize=3, elinewidth=1)
        if logx:
            base = 2 if all(float(v).is_integer() and int(v) & (int(v) - 1) == 0 for v in xs_num) else 10
            ax.set_xscale("log", base=base)
        # ticks where there are measurements, no others
        if len(xs_num) <= 12:
            ax.set_xticks(xs_num)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.tick_params(axis="x", which="minor", length=0)
    else:
        # categories: grouped bars, the mean with its 95 % CI; dots are the repetitions
        ng = max(len(order), 1)
        width = 0.8 / ng
        for i, (g, _) in enumerate(order):
            st = style(i)
            pos, mean, lo, hi = [], [], [], []
            for j, xv in enumerate(xs_raw):
                s = stats[g].get(key(xv))
                if not s:
                    continue
                pos.append(j - 0.4 + width * (i + 0.5))
                mean.append(s[0])
                lo.append(s[0] - s[4] if s[4] is not None else 0)
                hi.append(s[5] - s[0] if s[5] is not None else 0)
                if nmax > 1:
                    ys = [y * f for y in series[g][key(xv)]]
                    spread = [pos[-1] + width * 0.5 * ((k + 0.5) / len(ys) - 0.5) for k in range(len(ys))]
                    ax.plot(spread, ys, linestyle="none", marker=st["marker"], markersize=2.5,
                            color="0.15", alpha=0.8, zorder=3)
            ax.bar(pos, mean, width=width * 0.92, color=st["color"], hatch=HATCHES[i % len(HATCHES)],
                   edgecolor="white" if not HATCHES[i % len(HATCHES)] else "0.25", linewidth=0.4,
                   label=g, zorder=2)
            for x, m in zip(pos, mean):   # a bar of height 0 is there, not missing
                if m == 0 and nmax == 1:
                    ax.text(x, 0, "0", ha="center", va="bottom", fontsize=7, color="0.3")
            if nmax > 1:
                ax.errorbar(pos, mean, yerr=[lo, hi], fmt="none", ecolor="black", capsize=2.5,
                            elinewidth=0.9, zorder=4)
        labels = [value_label(v).replace(" (", "\n(") for v in xs_raw]
        ax.set_xticks(range(len(xs_raw)))
        slant = len(xs_raw) > 6 or max(len(line) for t in labels for line in t.split("\n")) > 28
        ax.set_xticklabels(labels, rotation=20 if slant else 0, ha="right" if slant else "center")
        ax.grid(False, axis="x")
        ax.set_xlim(-0.6, len(xs_raw) - 0.4)
    if logy and linthresh:
        ax.set_yscale("symlog", linthresh=linthresh, linscale=0.5)
        ax.set_ylim(bottom=0)
        decades = range(math.ceil(math.log10(linthresh)), math.floor(math.log10(max(positive))) + 1)
        ax.set_yticks([0] + [10.0 ** k for k in decades])
        ax.yaxis.set_major_formatter(FuncFormatter(
            lambda v, _: "0" if v == 0 else f"$10^{{{round(math.log10(v))}}}$"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    elif logy:
        ax.set_yscale("log")
    elif not any(y < 0 for y in all_y):
        ax.set_ylim(bottom=0)
    ax.set_xlabel(args.xlabel or with_unit(xlabel, xunit_shown))
    ax.set_ylabel(args.ylabel or with_unit(ylabel, yunit_shown))

    if groups_by:
        # the legend's title names the group keys, its entries their values
        legend_title = ", ".join(glabels[a] if i == 0 else lower_first(glabels[a])
                                 for i, a in enumerate(groups_by))
        longest = max(len(str(g)) for g, _ in order)
        crowded = len(order) >= 4 or longest > 24
        ax.legend(title=legend_title, frameon=False, loc="upper left" if crowded else "best",
                  bbox_to_anchor=(1.01, 1.0) if crowded else None)
        if crowded and not args.size:   # room for the legend beside the plot, not in it
            w, h = fig.get_size_inches()
            fig.set_size_inches(w + min(4.0, 0.055 * longest + 0.7), h)
    # title: what is plotted against what; below it, what else varied or was fixed
    title = args.title or f"{ylabel} by {lower_first(xlabel)}"
    if groups_by and not args.title:
        title += " and " + ", ".join(lower_first(glabels[a]) for a in groups_by)
    notes = []
    base = os.path.basename(str(summ.get("base", "")))
    if base:
        notes.append(base)
    # the other axes: fixed, moving with a plotted axis (zipped: not named), or averaged over
    others = [a for a in axes if a not in [args.x] + groups_by and a not in repeat]
    for a in others:
        vals = distinct(a)
        cells = {}
        for p in points:
            cell = key([p["axes"].get(b) for b in [args.x] + groups_by])
            cells.setdefault(cell, set()).add(key(p["axes"].get(a)))
        if len(vals) == 1:
            notes.append(f"{lower_first(key_label(a)[0])} {value_label(vals[0])}")
        elif any(len(c) > 1 for c in cells.values()):
            notes.append(f"averaged over {lower_first(key_label(a)[0])} ({axis_values_text(a, vals)})")
    if logy and linthresh:
        notes.append(f"y axis logarithmic above {linthresh:.3g}")
    if nmax > 1:
        gen = summ.get("trace_gen")
        what = f"{nmax} {'workloads' if gen else 'repetitions'}"
        if gen and "trace_gen.seed" in repeat:
            seeds = sorted(v for v in distinct("trace_gen.seed") if is_num(v))
            what += f" ({gen.get('kind')} seeds {seeds[0]}–{seeds[-1]})" if seeds else ""
        notes.append(f"mean of {what}; error bars: 95 % CI; "
                     + ("dots: each repetition" if not numeric_x else "band: min–max"))
    chars = int(14 * fig.get_size_inches()[0])   # what fits across the figure at 9 pt
    lines = textwrap.wrap(title, chars) + textwrap.wrap("; ".join(notes), int(chars * 1.1))
    ax.set_title("\n".join(lines), fontsize=9, loc="left")
    fig.tight_layout()
    stem, ext = os.path.splitext(args.output)
    if ext not in (".png", ".svg", ".pdf"):
        stem = args.output
    os.makedirs(os.path.dirname(stem) or ".", exist_ok=True)
    for p in save(fig, stem):
        if not args.table:
            print(p)


def size_arg(text):
    try:
        w, h = (float(v) for v in text.split(","))
        if w > 0 and h > 0:
            return (w, h)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"'{text}': want WIDTH,HEIGHT in inches, e.g. 7,4")


def main(argv):
    ap = argparse.ArgumentParser(prog="plot.py", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--title", help="title instead of the generated one")
    common.add_argument("--size", type=size_arg, metavar="W,H",
                        help="figure size in inches (default 7 wide; 300 dpi)")
    r = sub.add_parser("report", parents=[common], help="figures of one report")
    r.add_argument("report")
    r.add_argument("-o", "--output", required=True, help="output directory")
    s = sub.add_parser("sweep", parents=[common], help="a metric against an axis of a sweep summary")
    s.add_argument("summary")
    s.add_argument("--x", required=True, help="axis on the x axis (a config key)")
    s.add_argument("--y", required=True, help="metric (a dotted report path)")
    s.add_argument("--group", help="axis whose values get one series each; AXIS1,AXIS2,...: one "
                   "series per combination of their values")
    s.add_argument("-o", "--output", required=True, help="output file; .png, .svg and .pdf are written")
    s.add_argument("--xlabel", help="x axis label instead of the key's description")
    s.add_argument("--ylabel", help="y axis label instead of the metric's description")
    s.add_argument("--logx", choices=("auto", "on", "off"), default="auto",
                   help="log x axis (auto: numeric values spanning a factor of 8 or more)")
    s.add_argument("--logy", choices=("auto", "on", "off"), default="auto",
                   help="log y axis (auto: positive values spanning two decades or more)")
    s.add_argument("--table", action="store_true",
                   help="print the plotted values (group, x, mean, min, max, n, ci95 low, ci95 high)")
    args = ap.parse_args(argv)
    try:
        (cmd_report if args.cmd == "report" else cmd_sweep)(args)
    except BadInput as e:
        print(f"plot.py: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
