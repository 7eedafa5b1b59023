#!/usr/bin/env python3
"""Turn a benchmark run's raw results (.tsv) into the Markdown report and PNG chart.

    report.py RESULTS.tsv OUT.md OUT.png

The .tsv is written by scripts/bench.sh: '#'-prefixed metadata lines
('# info KEY VALUE', '# variant NAME DESC', '# metric NAME DESC BASELINE'), a
header, then one row per value: round, variant, metric, key, value, unit,
better (higher|lower|info). It can be re-rendered at any time.

Ratios are paired: value(variant, round) / value(baseline, same round), then
the median and min-max of those per-round ratios. On these shared 2-vCPU
machines absolute numbers drift 10-20% between runs; the ratio of two
measurements taken a minute apart in the same round does not.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict

CEILING = "veth"

# Issue 6's targets (and issue 14's IPv6 rows): (label, metric, key, kind, threshold). Kinds:
#   ceil  - median paired ratio against the ceiling >= threshold
#   fill  - median paired ratio of the 100k metric against its plain version
#           in the same variant and round >= threshold (cost under 5%)
#   abs   - median value <= threshold
#   faster - median paired ratio baseline(cni)/variant >= threshold
#   flat  - bpf_prog_cost: for every program, (largest - smallest) / smallest of
#           its per-size medians <= threshold %; the worst program is shown
TARGETS = [
    ("TCP_RR c<->c >= 0.97x ceiling", "tcp_rr", "tps", "ceil", 0.97),
    ("TCP_CRR c<->c >= 0.97x ceiling", "tcp_crr", "cps", "ceil", 0.97),
    ("bulk TCP >= 0.97x ceiling", "tcp_bulk", "gbps", "ceil", 0.97),
    ("64 B UDP pps >= 0.90x ceiling", "udp_pps", "pps", "ceil", 0.90),
    ("NAT TCP_RR >= 0.95x ceiling", "nat_tcp_rr", "tps", "ceil", 0.95),
    ("NAT TCP_CRR >= 0.92x ceiling", "nat_tcp_crr", "cps", "ceil", 0.92),
    # Issue 14: the IPv6 rows, with the same targets as IPv4's.
    ("IPv6 TCP_RR c<->c >= 0.97x ceiling", "tcp_rr6", "tps", "ceil", 0.97),
    ("IPv6 TCP_CRR c<->c >= 0.97x ceiling", "tcp_crr6", "cps", "ceil", 0.97),
    ("IPv6 UDP pps >= 0.90x ceiling", "udp_pps6", "pps", "ceil", 0.90),
    ("NAT66 TCP_RR >= 0.95x ceiling", "nat_tcp_rr6", "tps", "ceil", 0.95),
    ("NAT66 TCP_CRR >= 0.92x ceiling", "nat_tcp_crr6", "cps", "ceil", 0.92),
    ("NAT TCP_RR, 100k entries: cost < 5%", "nat_tcp_rr_100k", "tps", "fill", 0.95),
    ("NAT TCP_CRR, 100k entries: cost < 5%", "nat_tcp_crr_100k", "cps", "fill", 0.95),
    ("attach <= 10 ms per container", "attach", "add_ms", "abs", 10.0),
    ("attach >= 20x faster than CNI", "attach", "add_ms", "faster", 20.0),
    ("BPF cost per packet flat within 10% across table sizes", "bpf_prog_cost", None, "flat", 10.0),
]
TARGET_VARIANT = "bpfbr-tc"  # the default mode the targets are set for


def load(path):
    info, variants, metrics, rows = {}, {}, {}, []
    info["load"] = defaultdict(list)  # round -> 1-minute load averages after its steps
    info["own_base"] = {}  # variant -> the variant it is compared with instead
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("# "):
                parts = line[2:].split("\t")
                if parts[0] == "info":
                    info[parts[1]] = parts[2]
                elif parts[0] == "variant":
                    variants[parts[1]] = parts[2]
                    if len(parts) > 3 and parts[3]:
                        info["own_base"][parts[1]] = parts[3]
                elif parts[0] == "load":
                    info["load"][int(parts[1])].append(float(parts[4]))
                elif parts[0] == "metric":
                    metrics[parts[1]] = (parts[2], parts[3] if len(parts) > 3 else "bridge")
                continue
            r = line.split("\t")
            if r[0] == "round":
                continue
            rows.append(dict(round=int(r[0]), variant=r[1], metric=r[2], key=r[3],
                             value=float(r[4]), unit=r[5], better=r[6]))
    return info, variants, metrics, rows


def fmt(v):
    if v is None:
        return "–"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}".replace(",", " ")
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def fmt_ratio(rs):
    if not rs:
        return "–"
    return f"{statistics.median(rs):.2f} ({min(rs):.2f}–{max(rs):.2f})"


class Results:
    def __init__(self, rows):
        # (metric, key) -> variant -> round -> value
        self.v = defaultdict(lambda: defaultdict(dict))
        self.meta = {}
        for r in rows:
            self.v[(r["metric"], r["key"])][r["variant"]][r["round"]] = r["value"]
            self.meta[(r["metric"], r["key"])] = (r["unit"], r["better"])

    def values(self, mk, variant):
        return list(self.v[mk][variant].values())

    def ratios(self, mk, variant, base, base_mk=None, invert=False):
        """Per-round ratios variant/base (base/variant if invert)."""
        a, b = self.v[mk][variant], self.v[base_mk or mk][base]
        out = []
        for rnd in sorted(set(a) & set(b)):
            if a[rnd] > 0 and b[rnd] > 0:
                out.append(b[rnd] / a[rnd] if invert else a[rnd] / b[rnd])
        return out


def keys_in_order(res, metrics):
    """By the run's metric order, then by the order the metric emitted its keys."""
    order = list(metrics)
    first = {mk: i for i, mk in enumerate(res.v)}
    return sorted(res.v, key=lambda mk: (order.index(mk[0]) if mk[0] in order else 99, first[mk]))


PROG_COST = "bpf_prog_cost"


def prog_cost_groups(res, variant):
    """bpf_prog_cost keys of a variant: program group -> [(size label, key)] in
    emission order, e.g. "rnat_xdp" -> [("1", "rnat_xdp_1"), ("1k", ...)]."""
    groups = {}
    for mk in res.v:
        metric, key = mk
        if metric != PROG_COST or res.meta[mk][1] != "lower" or not res.v[mk].get(variant):
            continue
        parts = key.split("_")
        if len(parts) < 3:
            continue
        groups.setdefault("_".join(parts[:2]), []).append(("_".join(parts[2:]), key))
    return groups


def median_of(res, metric, key, variant):
    vs = res.values((metric, key), variant)
    return statistics.median(vs) if vs else None


def prog_cost_spread(res, variant, sizes):
    """(largest - smallest) / smallest of the per-size medians, in %."""
    meds = [m for m in (median_of(res, PROG_COST, k, variant) for _, k in sizes) if m]
    if len(meds) < 2 or min(meds) <= 0:
        return None
    return (max(meds) - min(meds)) / min(meds) * 100


def target_cell(res, variant, metric, key, kind, thr):
    mk = (metric, key)
    if kind == "ceil":
        rs = res.ratios(mk, variant, CEILING)
        return rs and (statistics.median(rs), statistics.median(rs) >= thr, f"{statistics.median(rs):.2f}×")
    if kind == "fill":
        plain = (metric.replace("_100k", ""), key)
        rs = res.ratios(mk, variant, variant, base_mk=plain)
        return rs and (statistics.median(rs), statistics.median(rs) >= thr,
                       f"{(1 - statistics.median(rs)) * 100:+.1f}% cost".replace("+-", "−"))
    if kind == "abs":
        vs = res.values(mk, variant)
        return vs and (statistics.median(vs), statistics.median(vs) <= thr, f"{statistics.median(vs):.2f} ms")
    if kind == "faster":
        rs = res.ratios(mk, variant, "cni", invert=True)
        return rs and (statistics.median(rs), statistics.median(rs) >= thr, f"{statistics.median(rs):.1f}×")
    if kind == "flat":
        spreads = {g: prog_cost_spread(res, variant, sz) for g, sz in prog_cost_groups(res, variant).items()}
        spreads = {g: v for g, v in spreads.items() if v is not None}
        if not spreads:
            return None
        worst = max(spreads, key=spreads.get)
        return (spreads[worst], spreads[worst] <= thr, f"{spreads[worst]:.1f}% ({worst})")
    return None


def write_md(path, png, info, variants, metrics, res):
    vs = list(variants)
    out = []
    w = out.append
    w(f"# Benchmark: {info.get('date', '?')}{' (quick run)' if info.get('quick') == '1' else ''}")
    w("")
    w(f"Generated by `scripts/bench.sh` (issue 6). {info.get('rounds')} interleaved rounds "
      f"(variant order rotated, every variant rebuilt each round), {info.get('duration_s')} s per "
      f"measurement, measured processes pinned to CPU {info.get('cpu')}; "
      f"attach: {info.get('attach_n')} containers per round. Kernel {info.get('kernel')}, "
      f"{info.get('machine')}, commit `{info.get('commit')}`, "
      f"run time {int(float(info.get('elapsed_s', 0))) // 60} min, load average "
      f"{info.get('load_start', '?')} at the start and {info.get('load_end', '?')} at the end "
      f"(anything else running on the 2 cores shows up as noise).")
    w("")
    w("Values are medians over rounds with min–max. Ratios are *paired*: each round's value divided "
      "by the baseline's value in the same round, then the median (min–max) of those ratios; "
      "on these shared 2-vCPU machines differences under ~5% cannot be resolved. "
      "↑ higher is better, ↓ lower is better.")
    w("")
    w("| variant | what it is |")
    w("|---|---|")
    for v in vs:
        w(f"| `{v}` | {variants[v]} |")
    w("")
    w(f"![ratios against the bridge]({os.path.basename(png)})")
    w("")
    if info["load"]:
        busy = statistics.median(x for r in info["load"].values() for x in r)
        if busy > 2:
            w(f"**Indicative only:** the load average stayed around {busy:.1f} during this run "
              "(other work on the 2 cores); trust paired ratios only where they repeat in another "
              "run.")
            w("")
        w("Load average (1 min) after the steps of each round, median (max); the measurements "
          "use one core, so a load well above 1 means something else shared the machine:")
        w("")
        w("| round | " + " | ".join(str(r) for r in sorted(info["load"])) + " |")
        w("|---|" + "---|" * len(info["load"]))
        w("| load | " + " | ".join(f"{statistics.median(info['load'][r]):.1f} ({max(info['load'][r]):.1f})"
                                   for r in sorted(info["load"])) + " |")
        w("")

    # Summary: every non-info key, ratio against its metric's baseline.
    w("## Summary: paired ratio against the baseline (median, min–max)")
    w("")
    w("Baseline is `bridge` except where noted (for the IPv6 rows, `*6`, the same bridge with "
      "ip6tables MASQUERADE). For the NAT metrics, `veth` is the "
      "container↔container ceiling (the issue's definition), not a NAT path.")
    if info["own_base"]:
        w(" Compared with their own baseline instead (the cross-node variants with the kernel's "
          "equivalent): " + ", ".join(f"`{v}` vs `{b}`" for v, b in info["own_base"].items()) + ".")
    w("")
    w("| metric | " + " | ".join(f"`{v}`" for v in vs) + " |")
    w("|---|" + "---|" * len(vs))
    for mk in keys_in_order(res, metrics):
        unit, better = res.meta[mk]
        if better == "info":
            continue
        base = metrics.get(mk[0], ("", "bridge"))[1]
        arrow = "↑" if better == "higher" else "↓"
        cells = []
        for v in vs:
            vb = info["own_base"].get(v, base)
            rs = res.ratios(mk, v, vb)
            cells.append("1.00" if v == vb and rs else fmt_ratio(rs))
        if all(c == "–" for c in cells):
            continue  # nothing to compare with (e.g. the BPF programs' own costs)
        label = f"{mk[0]} {mk[1]} {arrow}" + (f" (vs `{base}`)" if base != "bridge" else "")
        w(f"| {label} | " + " | ".join(cells) + " |")
    w("")

    # Against the ceiling, with issue 6's targets.
    if CEILING in vs:
        w(f"## Issue 6 and 14 targets (for `{TARGET_VARIANT}`; other variants shown for reference)")
        w("")
        if TARGET_VARIANT not in vs:
            w(f"No `{TARGET_VARIANT}` variant in this run; the table shows where the existing "
              "datapaths stand against the same targets.")
            w("")
        w("| target | " + " | ".join(f"`{v}`" for v in vs if v != CEILING) + " |")
        w("|---|" + "---|" * (len(vs) - 1))
        for label, metric, key, kind, thr in TARGETS:
            if (metric, key) not in res.v and not (kind == "flat" and metric in {m for m, _ in res.v}):
                continue
            cells = []
            for v in vs:
                if v == CEILING:
                    continue
                c = target_cell(res, v, metric, key, kind, thr)
                if not c:
                    cells.append("–")
                elif v == TARGET_VARIANT or (kind == "flat" and v.startswith("bpfbr")):
                    cells.append(f"{c[2]} {'✅' if c[1] else '❌ missed'}")
                else:
                    cells.append(c[2])
            w(f"| {label} | " + " | ".join(cells) + " |")
        w("")

    write_prog_cost(w, vs, res)

    # Per metric detail.
    w("## Per metric")
    w("")
    for m, (desc, base) in metrics.items():
        mks = [mk for mk in keys_in_order(res, metrics) if mk[0] == m]
        if not mks or m == PROG_COST:
            continue
        w(f"### `{m}`: {desc}")
        w("")
        w(f"| variant | value | median | min–max | rounds | ratio vs `{base}` | ratio vs `{CEILING}` |")
        w("|---|---|---|---|---|---|---|")
        for mk in mks:
            unit, better = res.meta[mk]
            arrow = {"higher": " ↑", "lower": " ↓"}.get(better, "")
            for v in vs:
                vals = res.values(mk, v)
                if not vals:
                    continue
                r_base = "–" if better == "info" else fmt_ratio(res.ratios(mk, v, base))
                r_ceil = "–" if better == "info" else fmt_ratio(res.ratios(mk, v, CEILING))
                w(f"| `{v}` | {mk[1]} ({unit}){arrow} | {fmt(statistics.median(vals))} | "
                  f"{fmt(min(vals))}–{fmt(max(vals))} | {len(vals)} | {r_base} | {r_ceil} |")
        w("")
    w("Raw per-round values: the `.tsv` next to this file (re-render with "
      "`scripts/bench/report.py FILE.tsv FILE.md FILE.png`).")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def write_prog_cost(w, vs, res):
    """The BPF programs' per-packet costs: one row per program, one column per
    table size, and how flat that is (issue 6: within 10%)."""
    rows = [(v, g, sizes) for v in vs for g, sizes in prog_cost_groups(res, v).items()]
    if not rows:
        return
    w(f"## Per-packet cost of the BPF programs (`{PROG_COST}`)")
    w("")
    w("BPF_PROG_TEST_RUN in a private namespace (`build/bench/progcost`): ns per packet, median over "
      "rounds, of one test run with a repeat count (the masquerade's programs behind a restorer "
      "that puts the headers back before each run, its own cost taken off); in parentheses the "
      "median of single runs on fresh copies, each after a system call (cache-cold; indicative "
      "only). Redirects are not executed by a test run. `port_*`: known unicast between two "
      "containers with N container ports in the tables; `snat_tc`: masquerade of a packet of an "
      "existing flow, `rnat_*`: its reply translated back, with S live flows in a table of S "
      "slots. Spread: (largest − smallest) / smallest of the medians; the target is ≤ 10%. "
      "Control: the same for two separately loaded tables of the smallest size, i.e. what the "
      "method itself cannot tell apart.")
    w("")
    for kind, title in (("port", "container ports"), ("nat", "live translations")):
        sel = [(v, g, sz) for v, g, sz in rows if (g.startswith("port") == (kind == "port"))]
        if not sel:
            continue
        labels = []
        for _, _, sz in sel:
            for lab, _ in sz:
                lab = lab.replace("ports", "")
                if lab not in labels:
                    labels.append(lab)
        ctl = kind == "nat"
        w(f"| variant | program | " + " | ".join(f"{lab} {'ports' if kind == 'port' else 'flows'}"
                                              for lab in labels)
          + " | spread |" + (" control |" if ctl else ""))
        w("|---|---|" + "---|" * (len(labels) + 1 + ctl))
        for v, g, sz in sel:
            by = {lab.replace("ports", ""): k for lab, k in sz}
            cells = []
            for lab in labels:
                k = by.get(lab)
                m = median_of(res, PROG_COST, k, v) if k else None
                single = median_of(res, PROG_COST, f"{k}_single", v) if k else None
                cells.append("–" if m is None else f"{fmt(m)}" + (f" ({fmt(single)})" if single else ""))
            sp = prog_cost_spread(res, v, sz)
            spread = "–" if sp is None else f"{sp:.1f}% {'✅' if sp <= 10 else '❌'}"
            row = f"| `{v}` | `{g}` | " + " | ".join(cells) + f" | {spread} |"
            if ctl:
                c = median_of(res, PROG_COST, f"{g}_control_pct", v)
                row += f" {'–' if c is None else f'{c:.1f}%'} |"
            w(row)
        w("")
    info = []
    for v in vs:
        for k in ("testrun_overhead_tc", "testrun_overhead_xdp", "restorer_tc", "restorer_xdp"):
            m = median_of(res, PROG_COST, k, v)
            if m is not None:
                info.append(f"`{v}` {k} {fmt(m)} ns")
    if info:
        w("Taken off: " + ", ".join(info) + ".")
        w("")


def write_png(path, variants, metrics, res):
    """Grouped bars: paired ratio vs bridge for each higher-is-better key."""
    if not shutil.which("gnuplot"):
        print("report: gnuplot not found, no chart", file=sys.stderr)
        return
    vs = list(variants)
    mks = [mk for mk in keys_in_order(res, metrics)
           if res.meta[mk][1] == "higher" and metrics.get(mk[0], ("", "bridge"))[1] == "bridge"
           and "bridge" in res.v[mk]]
    if not mks:
        return
    with tempfile.TemporaryDirectory() as td:
        dat = os.path.join(td, "ratios.dat")
        with open(dat, "w") as f:
            # No header line: gnuplot's histogram would count it as a row
            # and shift the error bars by one cluster.
            for mk in mks:
                label = mk[0] if mk[1] in ("tps", "cps", "pps", "gbps") else f"{mk[0]}:{mk[1]}"
                cols = []
                for v in vs:
                    rs = res.ratios(mk, v, "bridge")
                    cols += [statistics.median(rs), min(rs), max(rs)] if rs else ["NaN"] * 3
                f.write(label + " " + " ".join(str(c) for c in cols) + "\n")
        plots = ", ".join(
            f"'{dat}' using {2 + 3 * i}:{3 + 3 * i}:{4 + 3 * i}{':xtic(1)' if i == 0 else ''} title '{v}'"
            for i, v in enumerate(vs))
        gp = f"""
set terminal pngcairo size 1400,600 font 'sans,10'
set output '{path}'
set title 'Paired ratio against the Linux bridge + iptables (median over rounds, bars: min-max)'
set ylabel 'ratio (higher is better)'
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set key top left
set grid ytics
set yrange [0:*]
set xtics rotate by -25 noenhanced
set key noenhanced
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5
plot {plots}
"""
        subprocess.run(["gnuplot"], input=gp, text=True, check=True)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    tsv, md, png = sys.argv[1:]
    info, variants, metrics, rows = load(tsv)
    res = Results(rows)
    write_png(png, variants, metrics, res)
    write_md(md, png, info, variants, metrics, res)


if __name__ == "__main__":
    main()
