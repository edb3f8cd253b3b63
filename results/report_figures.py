"""The report's figures, each with its caption, alt text and the style of
every series (the manifest tests/test_page.sh checks), drawn from the rows
of report_data.  Every figure: one legend, outside the panels; a style per
series that no other series of the figure shares (report_style); titles
with every fixed parameter and the contention level named; the
oversubscribed region shaded and labelled; intervals the median's (order
statistics), never drawn below zero on a log axis."""
import json
import math
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.lines  # noqa: E402
import matplotlib.patches  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

import report_data  # noqa: E402
import report_style  # noqa: E402
from report_style import si  # noqa: E402

PANELS_PER_ROW = 4
INTERVAL_NOTE = ("points are medians over the repetitions, bars the 95% interval of the median "
                 "(order statistics; none under 6 repetitions)")


class Figure:
    """What the page and the manifest say about one drawn figure."""

    def __init__(self, name, caption, alt, series, panels):
        self.name, self.caption, self.alt, self.series, self.panels = name, caption, alt, series, panels
        self.png = f"figures/{name}.png"
        self.svg = f"figures/{name}.svg"

    def manifest(self):
        return {"name": self.name, "png": self.png, "svg": self.svg, "caption": self.caption, "alt": self.alt,
                "panels": self.panels, "series": self.series}


def metric(w):
    """(y of a row: (median, lo, hi), y label, higher is better)."""
    unit = w.spec.unit
    if unit.startswith("ns per"):
        return (lambda r: (r.get("ns_per_op_median"), r.get("ns_per_op_ci95_lo"), r.get("ns_per_op_ci95_hi")),
                f"{unit} (log scale; lower is better)", False)
    # Each workload's ops count its unit: messages received (chan-prodcons, chan-select), tasks done (dispatch).
    col = "ops_per_s"
    return (lambda r: (r.get(f"{col}_median"), r.get(f"{col}_ci95_lo"), r.get(f"{col}_ci95_hi")),
            f"{unit} (log scale; higher is better)", True)


def fixed_title(w):
    first = w.rows[0].rec
    run = f"{first['duration_s']:g} s windows, {first['reps_count']} repetitions" \
        if first.get("duration_s") is not None else ""
    return report_data.join(w.bench + (":" if w.fixed_text else ""), w.fixed_text, f"({run})" if run else "")


def contention_of(rows):
    levels = {r.rec["contention"] for r in rows}
    return report_data.contention_words(levels.pop()) if len(levels) == 1 else ""


LEGEND_IN = 3.2  # inches at the right for the legend, outside the panels


def grid(n, sharey, cols=None):
    """A fixed layout (tight_layout on shared log axes costs seconds a figure)."""
    cols = cols or min(n, PANELS_PER_ROW)
    nrows = -(-n // cols)
    width, height = 4.0 * cols + 0.8 + LEGEND_IN, 3.4 * nrows + 1.1
    fig, axes = plt.subplots(nrows, cols, figsize=(width, height), squeeze=False, sharey=sharey)
    # hspace is a fraction of a panel's height: room for the x label and the next title.
    fig.subplots_adjust(left=0.8 / width, right=(width - LEGEND_IN) / width, bottom=0.8 / height,
                        top=1 - 0.75 / height, wspace=0.1 if sharey else 0.3, hspace=0.45)
    flat = [ax for row in axes for ax in row]
    for ax in flat[n:]:
        ax.set_visible(False)
    fig.first_column = {id(ax) for ax in flat[::cols]}
    return fig, flat[:n]


def shade_oversubscribed(ax, rows, pus_of_host):
    """Threads beyond the PUs of the panel's host, shaded and labelled."""
    over = sorted({r.rec["threads"] for r in rows if r.rec["oversubscribed"]})
    under = [r.rec["threads"] for r in rows if not r.rec["oversubscribed"]]
    if not over:
        return None
    pus = pus_of_host.get(rows[0].rec["host"])
    start = math.sqrt(max(under) * over[0]) if under else over[0] / 1.4
    patch = ax.axvspan(start, over[-1] * 1.4, color=report_style.OVERSUBSCRIBED_SHADE, zorder=0)
    ax.text(start * 1.03, 0.98, "oversubscribed" + (f"\n(> {pus} PUs)" if pus else ""), transform=ax.get_xaxis_transform(),
            fontsize=7, va="top", color="0.3")
    return patch


def thread_axis(ax, threads):
    ax.set_xscale("log", base=2)
    ax.set_xticks(threads)
    ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.set_xlim(min(threads) / 1.4, max(threads) * 1.4)
    ax.set_xlabel("threads")
    ax.grid(True, which="both", alpha=0.3)


def errorbars(med, lo, hi):
    """Distances to the interval's ends: none where unknown, and the lower
    end never at or below zero (a log axis would send it to the bottom)."""
    if med is None:
        return (0.0, 0.0)
    low = med - lo if lo is not None and 0 < lo <= med else 0.0
    high = hi - med if hi is not None and hi >= med else 0.0
    return (low, high)


def legend(fig, styles, extra=()):
    handles = [matplotlib.lines.Line2D([], [], label=label, lw=1.2, ms=5, **st) for label, st in styles.items()]
    handles += list(extra)
    right = fig.subplotpars.right
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(right + 0.1 / fig.get_figwidth(), fig.subplotpars.top),
               fontsize=8, frameon=False)


def save(fig, outdir, name, write_atomic, tight=False):
    if tight:
        fig.tight_layout()
    for ext in ("png", "svg"):
        path = os.path.join(outdir, "figures", f"{name}.{ext}")
        write_atomic(path, lambda f: fig.savefig(f, format=ext, dpi=100, bbox_inches="tight" if tight else None))
    plt.close(fig)


def style_list(styles):
    return [dict(label=label, **st) for label, st in styles.items()]


FAMILY_ORDER = [name for name, _ in report_data.FAMILIES] + ["other", ""]


def families_of(rows, facet):
    return sorted({report_data.family(r.prim) if facet else "" for r in rows}, key=FAMILY_ORDER.index)


def panels_of(w, rows, facet):
    """[(panel title, rows)], a row of panels per setting and, when facet, a
    column per family (an empty panel where a family did not run there)."""
    out = {}
    for r in rows:
        out.setdefault((r.panel, report_data.family(r.prim) if facet else ""), []).append(r)
    keys = [(p, f) for p in sorted({k[0] for k in out}) for f in families_of(rows, facet)]
    return [(report_data.join(k[0], contention_of(out.get(k, [])), k[1] and f"- {k[1]}"), out.get(k, []))
            for k in keys]


def line_order(rows, facet):
    """The lines, by family first where faceted: a panel's lines then take
    consecutive styles, which differ in colour up to seven."""
    fam = {r.line: report_data.family(r.prim) for r in rows}
    return sorted(fam, key=lambda line: (FAMILY_ORDER.index(fam[line]) if facet else 0, line))


def value_text(w, v):
    """A figure's value as the tables write it: 561 ns, 28.7 M/s."""
    if w.spec.unit.startswith("ns per"):
        return si(v * 1e-9, "s")
    return si(v, "/s") if w.spec.unit.endswith("/s") else si(v)


def leader_text(w, rows, value, higher, fmt=None):
    """'at 2 threads (ncs=0): X best (28.7 M/s), Y worst (1.2 M/s)' for the alt text:
    at the most threads that are not oversubscribed, else the fewest that are."""
    fmt = fmt or (lambda v: value_text(w, v))
    rows = [r for r in rows if value(r) is not None]
    under = [r for r in rows if not r.rec["oversubscribed"]]
    if not rows:
        return ""
    t = max(r.rec["threads"] for r in under) if under else min(r.rec["threads"] for r in rows)
    at = sorted((r for r in rows if r.rec["threads"] == t), key=value, reverse=higher)
    best, worst = at[0], at[-1]
    text = f"at {t} threads{' (' + best.panel + ')' if best.panel else ''}: {best.line} best ({fmt(value(best))})"
    return text + (f", {worst.line} worst ({fmt(value(worst))})" if worst is not best else "")


def plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def line_figure(w, name, rows, y, ylabel, what, outdir, write_atomic, pus_of_host, log=True, higher=True,
                reference=None, note=INTERVAL_NOTE, ylim=None, fmt=None):
    """Lines over threads: y(row) -> (median, lo, hi)."""
    rows = [r for r in rows if y(r)[0] is not None]
    if not rows:
        return None
    facet = len({r.line for r in rows}) > report_data.FACET_ABOVE and any(r.prim != "-" for r in rows)
    lines = line_order(rows, facet)
    panel_rows = panels_of(w, rows, facet)
    styles = report_style.series_styles(lines)
    threads = sorted({r.rec["threads"] for r in rows})
    fig, axes = grid(len(panel_rows), sharey=True, cols=len(families_of(rows, facet)) if facet else None)
    shade = None
    for ax, (title, prs) in zip(axes, panel_rows):
        if not prs:
            ax.set_visible(False)
            continue
        shade = shade_oversubscribed(ax, prs, pus_of_host) or shade
        for line in lines:
            pts = sorted((r for r in prs if r.line == line), key=lambda r: r.rec["threads"])
            if not pts:
                continue
            vals = [y(r) for r in pts]
            bars = list(zip(*[errorbars(*v) for v in vals]))
            x, med = [r.rec["threads"] for r in pts], [v[0] for v in vals]
            if any(b for side in bars for b in side):
                ax.errorbar(x, med, yerr=bars, capsize=2, lw=1.2, ms=5, elinewidth=0.8, **styles[line])
            else:
                ax.plot(x, med, lw=1.2, ms=5, **styles[line])
        if reference is not None:
            ax.axhline(reference, color="0.4", lw=0.8)
        thread_axis(ax, threads)
        ax.set_title(title or w.bench, fontsize=9)
        if log:
            ax.set_yscale("log")
        if ylim:
            ax.set_ylim(*ylim)
        if id(ax) in fig.first_column:
            ax.set_ylabel(ylabel, fontsize=8)
    fig.suptitle(f"{fixed_title(w)}: {what}", fontsize=10)
    extra = [matplotlib.patches.Patch(color=report_style.OVERSUBSCRIBED_SHADE, label="oversubscribed")] if shade else []
    legend(fig, styles, extra)
    save(fig, outdir, name, write_atomic)
    grouped = " in small multiples by family (spinlocks, queue locks, parking locks, Go ports, references)," \
        " sharing one y axis" if facet else ""
    caption = (f"{what[0].upper() + what[1:]} of {w.bench} against the thread count, "
               f"{'one panel per setting' if len(panel_rows) > 1 else 'in one panel'}{grouped}; each line is one "
               f"{'layout' if w.spec.lines == ('layout',) else 'contender'} ({len(lines)} in all). "
               f"{note[0].upper() + note[1:]}. {ylabel.split('(')[-1].rstrip(')').capitalize()}."
               + (" The gray band is oversubscribed: more threads than PUs, where spinning threads wait "
                  "for the scheduler, not the lock." if shade else ""))
    alt = (f"Line chart of {w.bench}, {what}, {plural(sum(1 for _, p in panel_rows if p), 'panel')}, "
           f"{plural(len(lines), 'line')} over threads {', '.join(map(str, threads))}; "
           + leader_text(w, rows, lambda r: y(r)[0], higher, fmt))
    return Figure(name, caption, alt, style_list(styles), [t for t, _ in panel_rows])


def throughput(w, tables, ctx):
    y, ylabel, higher = metric(w)
    what = w.spec.unit if w.spec.unit.startswith("ns per") else f"throughput ({w.spec.unit})"
    return line_figure(w, f"throughput-{w.bench}", line_rows(w), y, ylabel, what, *ctx, higher=higher)


def line_rows(w):
    return [r for r in w.rows if r.ok and r.rec["placement"] != "pairs"]


def normalized(w, tables, ctx):
    """Each contender's throughput over its table's baseline's, with the bootstrap interval."""
    if w.spec.lines is not None:
        return None
    ratio, names = {}, set()
    for t in tables:
        if t.baseline is None:
            continue
        names.add(t.baseline.contender)
        ratio[t.baseline.key] = (1.0, None, None)
        ratio.update({k: (v[0], v[1], v[2]) for k, v in t.ratio.items()})
    rows = [r for r in line_rows(w) if r.key in ratio]
    if len({r.line for r in rows}) < 2:
        return None
    clean = {k: tuple(None if v is None or math.isnan(v) else v for v in vals) for k, vals in ratio.items()}
    base = ", ".join(sorted(names))
    return line_figure(w, f"normalized-{w.bench}", rows, lambda r: clean[r.key],
                       f"x {base}'s throughput (log scale; higher is better)",
                       f"throughput relative to {base} (bars: bootstrap 95% interval)", *ctx, reference=1.0,
                       fmt=lambda v: f"{report_style.plain3(v)}x")


def worst_latency(r, q):
    vals = [v for k, v in r.rec.items() if k.startswith("latency_") and k.endswith(f"_{q}_ns")
            and v is not None and not math.isnan(v)]
    return max(vals) if vals else None


def latency(w, tables, ctx):
    out = []
    for q in ("p50", "p99", "max"):
        f = line_figure(w, f"latency-{q}-{w.bench}", line_rows(w), lambda r, q=q: (worst_latency(r, q), None, None),
                        f"{q} ns (log scale; lower is better)",
                        f"{q} acquire latency (the worst operation kind)", *ctx, higher=False,
                        fmt=lambda v: si(v * 1e-9, "s"),
                        note="each point is the percentile of the sampled acquisitions of every repetition merged")
        out.append(f)
    return out


def fairness(w, tables, ctx):
    if all(r.rec["threads"] == 1 for r in line_rows(w)):
        return None
    return line_figure(w, f"fairness-{w.bench}", line_rows(w), lambda r: (r.get("jain_index_median"), None, None),
                       "Jain's index (1: every thread alike; higher is fairer)",
                       "fairness between threads (Jain's index)", *ctx, log=False, ylim=(0, 1.05),
                       fmt=lambda v: f"{v:.3g}",
                       note="each point is the median over the repetitions")


def pair_matrix(w, tables, ctx):
    """ns/op by the PUs of the two threads, where two or more pairs ran."""
    outdir, write_atomic, _ = ctx
    groups = {}
    for r in w.rows:
        if r.ok and r.rec["placement"] == "pairs":
            pus = tuple(json.loads(r.rec["pus"]))
            groups.setdefault((r.panel, r.line), {})[pus] = r.get("ns_per_op_median")
    groups = {k: g for k, g in groups.items() if len(g) >= 2}
    if not groups:
        return None
    fig, axes = plt.subplots(1, len(groups), figsize=(4.8 * len(groups) + 1, 4.2), squeeze=False)
    titles = []
    for ax, ((panel, line), cells) in zip(axes[0], sorted(groups.items())):
        pus = sorted({p for pair in cells for p in pair})
        grid_ = [[cells.get((a, b), math.nan) for b in pus] for a in pus]
        im = ax.imshow(grid_, cmap="cividis", origin="upper")
        ax.set_xticks(range(len(pus)), [str(p) for p in pus])
        ax.set_yticks(range(len(pus)), [str(p) for p in pus])
        ax.set_xlabel("PU of thread 1")
        ax.set_ylabel("PU of thread 0")
        titles.append(report_data.join(line if line != w.bench else "", panel))
        ax.set_title(titles[-1] or w.bench, fontsize=9)
        if len(pus) <= 16:
            lo, hi = im.get_clim()
            for i, row in enumerate(grid_):
                for j, v in enumerate(row):
                    if not math.isnan(v):
                        # Dark text on cividis's light (slow) end, light on its dark end.
                        light = hi > lo and (v - lo) / (hi - lo) > 0.55
                        ax.text(j, i, f"{v:.0f}", ha="center", va="center", color="k" if light else "w", fontsize=8)
        fig.colorbar(im, ax=ax, label=f"{w.spec.unit if w.spec.unit.startswith('ns') else 'ns per operation'}")
    fig.suptitle(f"{fixed_title(w)}: by the PUs of the pair", fontsize=10)
    save(fig, outdir, f"pairs-{w.bench}", write_atomic, tight=True)
    n = sum(len(g) for g in groups.values())
    caption = (f"{w.bench} placed on each ordered pair of PUs (--placement pairs): the cell at row a, column b is "
               f"the median ns per operation with thread 0 on PU a and thread 1 on PU b; darker is faster. "
               f"{n} pairs; empty cells did not run.")
    alt = (f"Heat map of {w.bench}, ns per operation by PU pair, {n} pairs; "
           f"from {si(min(v for g in groups.values() for v in g.values()))} to "
           f"{si(max(v for g in groups.values() for v in g.values()))} ns")
    return Figure(f"pairs-{w.bench}", caption, alt, [], titles)


def by_parameter(w, key, name, rows, x_label, y, ylabel, what, ctx, higher=True, x_scale=lambda v: v, fmt=None,
                 min_values=2):
    """Lines over one parameter's values (capacity, load), a panel per thread count and the rest."""
    outdir, write_atomic, _ = ctx
    fmt = fmt or (lambda v: value_text(w, v))
    rows = [r for r in rows if y(r) is not None]
    if len({r.wparams.get(key) for r in rows if key in r.wparams}) < min_values:
        return None
    panels = {}
    for r in rows:
        rest = report_data.kv(r.wparams, [k for k in w.varying if k != key and k not in (w.spec.lines or ())
                                          and k not in w.spec.candidate])
        title = report_data.join(f"on {r.rec['host']}" if len(w.hosts) > 1 else "", f"{r.rec['threads']} threads", rest,
                                 "(oversubscribed)" if r.rec["oversubscribed"] else "")
        panels.setdefault(title, []).append(r)
    lines = sorted({r.line for r in rows})
    styles = report_style.series_styles(lines)
    fig, axes = grid(len(panels), sharey=True)
    values = sorted({int(r.wparams[key]) for r in rows})
    for ax, title in zip(axes, sorted(panels)):
        for line in lines:
            pts = sorted((r for r in panels[title] if r.line == line), key=lambda r: int(r.wparams[key]))
            if pts:
                ax.plot([values.index(int(r.wparams[key])) for r in pts] if x_scale is None
                        else [x_scale(int(r.wparams[key])) for r in pts], [y(r) for r in pts], lw=1.2, ms=5,
                        **styles[line])
        if x_scale is None:
            ax.set_xticks(range(len(values)), [tick(rows, key, v) for v in values])
        ax.set_yscale("log")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(x_label)
        if id(ax) in fig.first_column:
            ax.set_ylabel(ylabel, fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
    fig.suptitle(f"{fixed_title(w)}: {what}", fontsize=10)
    legend(fig, styles)
    save(fig, outdir, name, write_atomic)
    caption = (f"{what[0].upper() + what[1:]} of {w.bench} against {x_label}, one panel per thread count and "
               f"setting, one line per contender ({len(lines)}); points are medians over the repetitions. "
               f"{ylabel.split('(')[-1].rstrip(')').capitalize()}."
               + (" A tick names the contention level its value stands for." if x_scale is None else "")
               + (" A panel marked oversubscribed has more threads than PUs." if any(
                   "(oversubscribed)" in t for t in panels) else ""))
    best = max(rows, key=y) if higher else min(rows, key=y)
    alt = (f"Line chart of {w.bench}, {what} against {x_label}, {plural(len(panels), 'panel')}, "
           f"{plural(len(lines), 'line')}; best: {best.line} at {key}={best.wparams[key]}, "
           f"{best.rec['threads']} threads ({fmt(y(best))})")
    return Figure(name, caption, alt, style_list(styles), sorted(panels))


def tick(rows, key, value):
    """The value, and the contention level it stands for where it decides one (cap 0: high)."""
    levels = {r.rec["contention"] for r in rows if int(r.wparams[key]) == value} - {"-"}
    return f"{value}\n{levels.pop()}" if len(levels) == 1 else str(value)


def capacity(w, tables, ctx):
    if "cap" not in w.varying:
        return None
    y, ylabel, higher = metric(w)
    return by_parameter(w, "cap", f"capacity-{w.bench}", line_rows(w), "channel capacity (0: unbuffered)",
                        lambda r: y(r)[0], ylabel, w.spec.unit, ctx, higher=higher, x_scale=None)


def sojourn(w, tables, ctx):
    if not any("load" in r.wparams and "policy" in r.wparams for r in w.rows):
        return None
    rows = [r for r in line_rows(w) if int(r.wparams.get("load", 0)) > 0]
    p99 = lambda r: (lambda v: v / 1e3 if v is not None else None)(r.get("latency_sojourn_p99_ns"))  # noqa: E731
    return by_parameter(w, "load", f"sojourn-{w.bench}", rows, "offered load (% of W / mean)", p99,
                        "p99 sojourn, us (log; lower is better)", "p99 sojourn (send to completion)", ctx,
                        higher=False, fmt=lambda v: si(v * 1e-6, "s"), min_values=1)


FIGURES = (throughput, normalized, latency, fairness, pair_matrix, capacity, sojourn)
