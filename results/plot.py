#!/usr/bin/env python3
"""Figures and a static report page from syncbench results.

usage: results/plot.py RESULTS [--out DIR]

RESULTS is a results directory (every syncbench/1 *.json in it) or one
result document.  A merged data set (syncbench merge) holds several hosts:
each figure then has one panel per host and contention level, each shaded
by its own host's PU count.  Writes into DIR (default: the results directory, or the
document's directory):

  figures/throughput-<bench>.{png,svg}   ops/s vs threads, one panel per
        contention level (the workload's parameter values), one line per
        primitive, log2 x axis, 95% interval of the median as error bars (none under 6 repetitions), the
        oversubscribed region (threads > PUs) shaded
  figures/normalized-<bench>.{png,svg}   the same divided by the baseline
        primitive's (pthread-mutex, else the first one), where some panel
        has two or more lines
  figures/latency-{p50,p99,max}-<bench>.{png,svg}   acquire latency (the
        worst over operation kinds), where the workload measured it
  figures/fairness-<bench>.{png,svg}     Jain's index vs threads
  figures/pairs-<bench>.{png,svg}        ns/op as a PU x PU heat map, where
        the results hold two or more pairs from `--placement pairs` (for
        pingpong: the core-to-core one-way transfer matrix)
  figures/capacity-<bench>.{png,svg}     for channel workloads (a `cap`
        parameter with two or more values): received messages/s (else ops/s)
        vs capacity, log scale, one line per primitive and its own varying
        parameters, one panel per thread count and other parameter values
  figures/sojourn-<bench>.{png,svg}      for dispatch (a `load`, a `policy`
        and a `sojourn` latency kind): p99 sojourn vs offered load, open loop
        only, log scale, one line per policy, one panel per primitive, thread
        count and other parameter values
  index.html                             the figures, a table per workload and
        the run's context (machine, topology, commit, command); no network use

Every file is written to a temporary file of a random name beside it,
then renamed over it.  Input that is not a valid result document is
refused with one line on stderr and status 2, before anything is written;
a file that cannot be written gives status 3 and the reason.

Needs Debian's python3-matplotlib (apt-get install python3-matplotlib).
"""
import argparse
import glob
import html
import json
import math
import os
import re
import stat
import sys
import tempfile

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker
except ImportError:
    sys.exit("plot.py: matplotlib is missing; install it with: apt-get install python3-matplotlib")

BASELINE = "pthread-mutex"


class BadInput(Exception):
    """What is wrong with an input, as one line: exit status 2."""


def bad_input(msg):
    print(f"plot.py: {msg}", file=sys.stderr)
    sys.exit(2)


def write_error(path, e):
    print(f"plot.py: cannot write {path}: {e.strerror or e}", file=sys.stderr)
    sys.exit(3)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return (is_int(v) or isinstance(v, float)) and math.isfinite(v)


def is_num_or_none(v):
    return v is None or is_num(v)


def need(ok, where, what):
    if not ok:
        raise BadInput(f"{where} {what}")


# A workload or primitive name, as syncbench writes them: it names figure files.
LABEL = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}")


def is_label(v):
    return isinstance(v, str) and LABEL.fullmatch(v) is not None


def is_count(v):
    return is_int(v) and v >= 0


def check_rep(r, threads, where):
    need(isinstance(r, dict), where, "is not an object")
    need(is_count(r.get("wall_ns")) and r["wall_ns"] >= 1 and is_count(r.get("ops")) and is_count(r.get("cpu_ns")),
         where, "does not have wall_ns, ops and cpu_ns counts")
    need(isinstance(r.get("threads"), list) and len(r["threads"]) == threads
         and all(isinstance(t, dict) and is_count(t.get("ops")) for t in r["threads"]),
         f"{where}.threads", "is not one record per thread")


def check_spread(s, where):
    need(isinstance(s, dict), where, "is not an object")
    for k in ("median", "ci95_lo", "ci95_hi"):
        need(k in s and is_num_or_none(s[k]), f"{where}.{k}", "is neither a number nor null")


def check_summary(s, where):
    need(isinstance(s, dict), where, "is not an object (an ok entry has one)")
    check_spread(s.get("ops_per_sec"), f"{where}.ops_per_sec")
    check_spread(s.get("ns_per_op"), f"{where}.ns_per_op")
    for kind, spread in (s.get("ops_per_sec_by_kind") or {}).items():
        check_spread(spread, f"{where}.ops_per_sec_by_kind.{kind}")
    need(isinstance(s.get("fairness"), dict) and "jain" in s["fairness"]
         and is_num_or_none(s["fairness"]["jain"]), f"{where}.fairness", "is not {jain, max_min_ratio}")
    need("cpu_ns_per_op" in s and is_num_or_none(s["cpu_ns_per_op"]), f"{where}.cpu_ns_per_op",
         "is neither a number nor null")
    lat = s.get("acquire_latency")
    need(lat is None or (isinstance(lat, dict) and isinstance(lat.get("kinds"), dict)),
         f"{where}.acquire_latency", "is neither null nor {max_gap_ns, kinds}")
    for kind, k in ((lat or {}).get("kinds") or {}).items():
        need(isinstance(k, dict) and all(is_num_or_none(k.get(q)) for q in ("p50_ns", "p99_ns", "max_ns")),
             f"{where}.acquire_latency.kinds.{kind}", "is not a latency summary")


def check_entry(e, where):
    """The fields the figures and tables read, with the types they need."""
    need(isinstance(e, dict), where, "is not an object")
    need(is_label(e.get("bench")), f"{where}.bench", "is not a workload name")
    need("prim" in e and (e["prim"] is None or is_label(e["prim"])), f"{where}.prim",
         "is neither null nor a primitive name")
    need(is_int(e.get("threads")) and e["threads"] >= 1, f"{where}.threads", "is not a whole number >= 1")
    params = e.get("params")
    need(isinstance(params, dict) and all(is_int(v) or isinstance(v, str) for v in params.values()),
         f"{where}.params", "is not an object of integers and strings")
    pl = e.get("placement")
    need(isinstance(pl, dict) and isinstance(pl.get("policy"), str)
         and isinstance(pl.get("oversubscribed"), bool) and isinstance(pl.get("pus"), list)
         and len(pl["pus"]) == e["threads"] and all(p is None or is_count(p) for p in pl["pus"]),
         f"{where}.placement", "is not {policy, pus (one per thread), oversubscribed}")
    need(e.get("status") in ("ok", "failed", "error", "crashed", "timeout"), f"{where}.status",
         "is not one of ok, failed, error, crashed, timeout")
    need(e.get("status_detail") is None or isinstance(e["status_detail"], str), f"{where}.status_detail",
         "is neither null nor a string")
    need(isinstance(e.get("reps"), list) and all(isinstance(r, dict) for r in e["reps"]), f"{where}.reps",
         "is not a list of repetitions")
    if e["status"] in ("ok", "failed"):
        need(e["reps"], f"{where}.reps", f"is empty (status {e['status']})")
        for i, r in enumerate(e["reps"]):
            check_rep(r, e["threads"], f"{where}.reps[{i}]")
        check_summary(e.get("summary"), f"{where}.summary")
    else:
        need(e.get("summary") is None, f"{where}.summary", f"is not null (status {e['status']})")


def check_context(ctx, where):
    need(isinstance(ctx, dict), where, "is not an object")
    for k in ("hostname", "date", "cpu_model", "kernel", "compiler", "cflags", "git_commit"):
        need(isinstance(ctx.get(k), str), f"{where}.{k}", "is not a string")
    need(ctx.get("host") is None or isinstance(ctx["host"], str), f"{where}.host", "is not a string")
    topo = ctx.get("topology")
    need(isinstance(topo, dict) and all(is_int(topo.get(k)) for k in ("packages", "cores", "pus", "numa_nodes")),
         f"{where}.topology", "is not {packages, cores, pus, numa_nodes, caches}")
    need(isinstance(topo.get("caches"), list) and all(
        isinstance(c, dict) and is_int(c.get("level")) and isinstance(c.get("type"), str)
        and is_int(c.get("size_bytes")) and is_int(c.get("count")) for c in topo["caches"]),
        f"{where}.topology.caches", "is not a list of {level, type, size_bytes, count}")
    need(isinstance(ctx.get("clock"), dict) and isinstance(ctx["clock"].get("source"), str),
         f"{where}.clock", "is not {source, ...}")
    need(is_num(ctx.get("work_unit_ns")), f"{where}.work_unit_ns", "is not a number")
    need(isinstance(ctx.get("command_line"), list) and all(isinstance(a, str) for a in ctx["command_line"]),
         f"{where}.command_line", "is not a list of strings")


def check_document(doc, where):
    check_context(doc.get("context"), f"{where}: context")
    need(isinstance(doc.get("complete"), bool), f"{where}: complete", "is not true or false")
    need(doc.get("interrupted_by") is None or isinstance(doc["interrupted_by"], str),
         f"{where}: interrupted_by", "is neither null nor a string")
    need(isinstance(doc.get("results"), list), f"{where}: results", "is not a list")
    for i, e in enumerate(doc["results"]):
        check_entry(e, f"{where}: results[{i}]")


def reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def load(path):
    """(source file, document) for every syncbench/1 document at path; other
    JSON files are passed over, and anything damaged is refused (BadInput)."""
    files = sorted(glob.glob(os.path.join(path, "*.json"))) if os.path.isdir(path) else [path]
    docs = []
    for f in files:
        try:
            # O_NONBLOCK, then a regular file only: a FIFO named like a document must not hang us.
            fd = os.open(f, os.O_RDONLY | os.O_NONBLOCK)
            with os.fdopen(fd) as fh:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise BadInput(f"{f}: not a regular file")
                doc = json.load(fh, parse_constant=reject_constant)
        except OSError as e:
            raise BadInput(f"{f}: {e.strerror}")
        except (ValueError, RecursionError) as e:
            raise BadInput(f"{f}: {e if not isinstance(e, RecursionError) else 'nested too deeply'}")
        if isinstance(doc, dict) and doc.get("schema") == "syncbench/1":
            check_document(doc, f)
            ctx = doc["context"]
            for e in doc["results"]:
                e["_host"] = ctx.get("host", ctx["hostname"])
                e["_pus"] = ctx["topology"]["pus"]
            docs.append((f, doc))
    if not docs:
        raise BadInput(f"no syncbench/1 result document in {path}")
    return docs


def write_atomic(path, write):
    """write(file) into a temporary file of a random name beside path, synced,
    then renamed over path: never a part, never through a planted symlink."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=f".{os.path.basename(path)}.")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def workload_keys(entries):
    """The workload's parameters that vary in these entries: what tells one
    contention level from another.  The workload's parameters are those every
    entry has (a primitive's own differ from one primitive to the next)."""
    common = set.intersection(*(set(e["params"]) for e in entries))
    return sorted(k for k in common if len({e["params"][k] for e in entries}) > 1)


def prim_name(e):
    """A workload such as atomic, or optimistic with strategy=cas, takes no primitive."""
    return e["prim"] or "(no primitive)"


def own_labels(entries):
    """{id(entry): its line label}: the primitive, plus its own parameters
    (those not every entry has) that take several values, such as spin."""
    common = set.intersection(*(set(e["params"]) for e in entries))
    values = {}
    for e in entries:
        for k, v in e["params"].items():
            if k not in common:
                values.setdefault((prim_name(e), k), set()).add(v)
    return {id(e): " ".join([prim_name(e)] + [f"{k}={v}" for k, v in sorted(e["params"].items())
                                              if k not in common and len(values[(prim_name(e), k)]) > 1])
            for e in entries}


def series(entries):
    """{level: {line label: [entries sorted by threads]}} for one workload;
    with several hosts, a level is a host's: "on HOST: cs=20 ..."."""
    wkeys = workload_keys(entries)
    several_hosts = len({e["_host"] for e in entries}) > 1
    labels = own_labels(entries)
    out = {}
    for e in entries:
        level = " ".join(f"{k}={e['params'][k]}" for k in wkeys)
        if several_hosts:
            level = f"on {e['_host']}" + (f": {level}" if level else "")
        out.setdefault(level, {}).setdefault(labels[id(e)], []).append(e)
    for lines in out.values():
        for v in lines.values():
            v.sort(key=lambda e: e["threads"])
    return out


def title(bench, level):
    return f"{bench} {level}" if level else bench


def shade_oversubscribed(ax, lines, max_threads):
    """Threads beyond the PUs of the panel's host."""
    pus = max(e["_pus"] for es in lines.values() for e in es)
    if max_threads > pus:
        ax.axvspan(pus * 1.1, max_threads * 1.5, color="0.9", zorder=0,
                   label="oversubscribed")


def setup_axes(ax, title, ylabel, threads):
    ax.set_xscale("log", base=2)
    ax.set_xticks(threads)
    ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("threads")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)


PANELS_PER_ROW = 4


def panels(levels):
    """One panel per contention level, PANELS_PER_ROW to a row; spare panels hidden."""
    n = len(levels)
    cols = min(n, PANELS_PER_ROW)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.5 * cols, 4 * rows), squeeze=False)
    flat = [ax for row in axes for ax in row]
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def thread_counts(by_level):
    return sorted({e["threads"] for lines in by_level.values() for es in lines.values() for e in es})


def save(fig, outdir, name):
    fig.tight_layout()
    paths = []
    for ext in ("png", "svg"):
        p = os.path.join(outdir, "figures", f"{name}.{ext}")
        write_atomic(p, lambda f: fig.savefig(f, format=ext, dpi=100))
        paths.append(p)
    plt.close(fig)
    return paths


def med(e, key):
    v = e["summary"][key]["median"]
    return v if v is not None else math.nan


def plot_throughput(bench, by_level, outdir):
    fig, axes = panels(by_level)
    maxt = max(thread_counts(by_level))
    for ax, (level, lines) in zip(axes, sorted(by_level.items())):
        shade_oversubscribed(ax, lines, maxt)
        for label, es in sorted(lines.items()):
            x = [e["threads"] for e in es]
            y = [med(e, "ops_per_sec") for e in es]
            lo = [max(0.0, yi - (e["summary"]["ops_per_sec"]["ci95_lo"] or yi)) for yi, e in zip(y, es)]
            hi = [max(0.0, (e["summary"]["ops_per_sec"]["ci95_hi"] or yi) - yi) for yi, e in zip(y, es)]
            ax.errorbar(x, y, yerr=[lo, hi], marker="o", ms=3, capsize=2, label=label)
        setup_axes(ax, title(bench, level), "ops/s (median, 95% CI of the median)", thread_counts(by_level))
        ax.set_yscale("log")
    axes[0].legend(fontsize=7)
    return save(fig, outdir, f"throughput-{bench}")


def plot_normalized(bench, by_level, outdir):
    """Nothing where every panel has one line only (a workload without a
    primitive): it would be a flat line at 1."""
    if all(len(lines) < 2 for lines in by_level.values()):
        return []
    fig, axes = panels(by_level)
    maxt = max(thread_counts(by_level))
    base_name = None
    for ax, (level, lines) in zip(axes, sorted(by_level.items())):
        base_name = BASELINE if BASELINE in lines else sorted(lines)[0]
        base = {e["threads"]: med(e, "ops_per_sec") for e in lines[base_name]}
        shade_oversubscribed(ax, lines, maxt)
        for label, es in sorted(lines.items()):
            pts = [(e["threads"], med(e, "ops_per_sec") / base[e["threads"]])
                   for e in es if base.get(e["threads"])]
            if pts:
                ax.plot(*zip(*pts), marker="o", ms=3, label=label)
        ax.axhline(1, color="k", lw=0.5)
        setup_axes(ax, title(bench, level), f"ops/s relative to {base_name}", thread_counts(by_level))
    axes[0].legend(fontsize=7)
    return save(fig, outdir, f"normalized-{bench}")


def worst_latency(e, q):
    kinds = ((e["summary"].get("acquire_latency") or {}).get("kinds") or {}).values()
    vals = [k[q] for k in kinds if k.get(q) is not None]
    return max(vals) if vals else math.nan


def plot_latency(bench, by_level, outdir):
    """One figure per quantile: p50, p99 and max of the acquire latency."""
    if not any(e["summary"].get("acquire_latency") for lines in by_level.values()
               for es in lines.values() for e in es):
        return []
    maxt = max(thread_counts(by_level))
    paths = []
    for q, qname in (("p50_ns", "p50"), ("p99_ns", "p99"), ("max_ns", "max")):
        fig, axes = panels(by_level)
        for ax, (level, lines) in zip(axes, sorted(by_level.items())):
            shade_oversubscribed(ax, lines, maxt)
            for label, es in sorted(lines.items()):
                ax.plot([e["threads"] for e in es], [worst_latency(e, q) for e in es],
                        marker="o", ms=3, label=label)
            setup_axes(ax, f"{title(bench, level)}: acquire latency {qname}",
                       f"{qname} ns (worst operation kind)", thread_counts(by_level))
            ax.set_yscale("log")
        axes[0].legend(fontsize=7)
        paths += save(fig, outdir, f"latency-{qname}-{bench}")
    return paths


def plot_fairness(bench, by_level, outdir):
    fig, axes = panels(by_level)
    maxt = max(thread_counts(by_level))
    for ax, (level, lines) in zip(axes, sorted(by_level.items())):
        shade_oversubscribed(ax, lines, maxt)
        for label, es in sorted(lines.items()):
            y = [e["summary"]["fairness"]["jain"] for e in es]
            ax.plot([e["threads"] for e in es], [math.nan if v is None else v for v in y],
                    marker="o", ms=3, label=label)
        setup_axes(ax, title(bench, level), "Jain's fairness index (1: fair)", thread_counts(by_level))
        ax.set_ylim(0, 1.05)
    axes[0].legend(fontsize=7)
    return save(fig, outdir, f"fairness-{bench}")


def plot_pair_matrix(bench, entries, outdir):
    """ns/op as a PU x PU heat map for entries placed with `--placement pairs`
    (for pingpong, the core-to-core one-way transfer matrix): one panel per
    primitive and parameter values; nothing unless two or more pairs exist."""
    groups = {}
    several_hosts = len({e["_host"] for e in entries}) > 1
    for e in entries:
        if e["placement"]["policy"] == "pairs":
            prim = f"{e['_host']}: {prim_name(e)}" if several_hosts else prim_name(e)
            key = (prim, json.dumps(e["params"], sort_keys=True))
            groups.setdefault(key, {})[tuple(e["placement"]["pus"])] = med(e, "ns_per_op")
    groups = {k: g for k, g in groups.items() if len(g) >= 2}
    if not groups:
        return []
    fig, axes = plt.subplots(1, len(groups), figsize=(5 * len(groups), 4.2), squeeze=False)
    for ax, ((prim, params), cells) in zip(axes[0], sorted(groups.items())):
        pus = sorted({p for pair in cells for p in pair})
        grid = [[cells.get((a, b), math.nan) for b in pus] for a in pus]
        im = ax.imshow(grid, cmap="viridis", origin="upper")
        ax.set_xticks(range(len(pus)), [str(p) for p in pus])
        ax.set_yticks(range(len(pus)), [str(p) for p in pus])
        ax.set_xlabel("PU of thread 1")
        ax.set_ylabel("PU of thread 0")
        levels = " ".join(f"{k}={v}" for k, v in json.loads(params).items())
        ax.set_title(f"{bench}, {prim}: {levels}", fontsize=9)
        if len(pus) <= 16:
            for i, row in enumerate(grid):
                for j, v in enumerate(row):
                    if not math.isnan(v):
                        ax.text(j, i, f"{v:.0f}", ha="center", va="center", color="w", fontsize=8)
        fig.colorbar(im, ax=ax, label="ns/op (one transfer for pingpong)")
    return save(fig, outdir, f"pairs-{bench}")


CAPACITY = "cap"


def message_rate(e):
    """(median, ci95_lo, ci95_hi): received messages/s where the workload
    counts receives as a kind of its own (chan-prodcons), else ops/s."""
    by_kind = e["summary"].get("ops_per_sec_by_kind") or {}
    s = by_kind.get("recv") or e["summary"]["ops_per_sec"]
    v = s["median"] if s["median"] is not None else math.nan
    return v, s["ci95_lo"] if s["ci95_lo"] is not None else v, s["ci95_hi"] if s["ci95_hi"] is not None else v


def plot_by_capacity(bench, entries, outdir):
    """For channel workloads (a `cap` parameter with two or more values):
    messages/s vs capacity on a log scale, one line per primitive (and its
    own varying parameters, such as spin), one panel per thread count and
    other parameter values (and host, in a merged data set); cap 0
    (unbuffered) sits at the left end."""
    entries = [e for e in entries if is_int(e["params"].get(CAPACITY))]
    caps = sorted({e["params"][CAPACITY] for e in entries})
    if len(caps) < 2:
        return []
    wkeys = [k for k in workload_keys(entries) if k != CAPACITY]
    several_hosts = len({e["_host"] for e in entries}) > 1
    labels = own_labels(entries)
    panels_by = {}
    for e in entries:
        level = " ".join(([f"on {e['_host']}:"] if several_hosts else []) + [f"threads={e['threads']}"]
                         + [f"{k}={e['params'][k]}" for k in wkeys])
        panels_by.setdefault(level, {}).setdefault(labels[id(e)], []).append(e)
    fig, axes = panels(sorted(panels_by))
    for ax, level in zip(axes, sorted(panels_by)):
        for label, es in sorted(panels_by[level].items()):
            es.sort(key=lambda e: e["params"][CAPACITY])
            rates = [message_rate(e) for e in es]
            ax.errorbar([caps.index(e["params"][CAPACITY]) for e in es], [r[0] for r in rates],
                        yerr=[[max(0, r[0] - r[1]) for r in rates], [max(0, r[2] - r[0]) for r in rates]],
                        marker="o", capsize=3, label=label)
        ax.set_xticks(range(len(caps)), [str(c) for c in caps])
        ax.set_yscale("log")
        ax.set_title(f"{bench} {level}", fontsize=9)
        ax.set_xlabel("channel capacity (0: unbuffered)")
        ax.set_ylabel("messages/s (received; else ops/s)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    return save(fig, outdir, f"capacity-{bench}")


LOAD, POLICY, SOJOURN = "load", "policy", "sojourn"


def sojourn_p99(e):
    kind = ((e["summary"].get("acquire_latency") or {}).get("kinds") or {}).get(SOJOURN) or {}
    v = kind.get("p99_ns")
    return v / 1e3 if v is not None else math.nan


def plot_sojourn_vs_load(bench, entries, outdir):
    """For workloads with a `load` (percent; 0 is the closed loop, left out),
    a `policy` and a `sojourn` latency kind (dispatch): p99 sojourn vs offered
    load, log scale, one line per policy, one panel per primitive, thread
    count and other varying parameters (and host, in a merged data set)."""
    open_loop = [e for e in entries if e["params"].get(LOAD, 0) > 0 and POLICY in e["params"]
                 and not math.isnan(sojourn_p99(e))]
    if not open_loop:
        return []
    wkeys = [k for k in workload_keys(open_loop) if k not in (LOAD, POLICY)]
    several_hosts = len({e["_host"] for e in open_loop}) > 1
    panels_by = {}
    for e in open_loop:
        level = " ".join(([f"on {e['_host']}:"] if several_hosts else [])
                         + [prim_name(e), f"threads={e['threads']}"]
                         + [f"{k}={e['params'][k]}" for k in wkeys])
        panels_by.setdefault(level, {}).setdefault(e["params"][POLICY], []).append(e)
    fig, axes = panels(sorted(panels_by))
    for ax, level in zip(axes, sorted(panels_by)):
        for policy, es in sorted(panels_by[level].items()):
            es.sort(key=lambda e: e["params"][LOAD])
            ax.plot([e["params"][LOAD] / 100 for e in es], [sojourn_p99(e) for e in es],
                    marker="o", ms=3, label=policy)
        ax.set_yscale("log")
        plain = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}")
        ax.yaxis.set_major_formatter(plain)
        ax.yaxis.set_minor_formatter(plain)
        ax.set_title(f"{bench} {level}", fontsize=9)
        ax.set_xlabel("offered load (fraction of W / mean)")
        ax.set_ylabel("p99 sojourn, us (send to completion)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    return save(fig, outdir, f"sojourn-{bench}")


def fmt(v, spec="{:.3g}"):
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else spec.format(v)


def table_html(entries):
    rows = ["<tr><th>host</th><th>prim</th><th>threads</th><th>params</th><th>ops/s</th><th>ns/op</th>"
            "<th>Jain</th><th>cpu ns/op</th><th>p99 acquire ns</th><th>status</th></tr>"]
    for e in entries:
        s = e.get("summary") or {}
        ok = bool(s)
        params = " ".join(f"{k}={v}" for k, v in e["params"].items())
        over = " (oversubscribed)" if e["placement"]["oversubscribed"] else ""
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in (
            e["_host"], prim_name(e), f"{e['threads']}{over}", params,
            fmt(s["ops_per_sec"]["median"]) if ok else "-",
            fmt(s["ns_per_op"]["median"]) if ok else "-",
            fmt(s["fairness"]["jain"]) if ok else "-",
            fmt(s["cpu_ns_per_op"]) if ok else "-",
            fmt(worst_latency(e, "p99_ns")) if ok else "-",
            e["status"] + (f": {e['status_detail']}" if e.get("status_detail") else ""))) + "</tr>")
    return "<table>" + "\n".join(rows) + "</table>"


def context_html(docs, results_dir):
    ctx = docs[0][1]["context"]
    topo = ctx["topology"]
    caches = ", ".join(f"L{c['level']} {c['type']} {c['size_bytes'] // 1024} KiB x{c['count']}"
                       for c in topo["caches"])
    items = [("host", ctx.get("host", ctx["hostname"])), ("date", ctx["date"]), ("cpu", ctx["cpu_model"]),
             ("topology", f"{topo['packages']} packages, {topo['cores']} cores, {topo['pus']} PUs, "
                          f"{topo['numa_nodes']} NUMA nodes; {caches}"),
             ("kernel", ctx["kernel"]), ("compiler", ctx["compiler"]), ("cflags", ctx["cflags"]),
             ("commit", ctx["git_commit"]), ("clock", f"{ctx['clock']['source']}"),
             ("work unit", f"{ctx['work_unit_ns']:.3g} ns")]
    others = {}
    for _, d in docs[1:]:
        c = d["context"]
        others.setdefault(c.get("host", c["hostname"]), c)
    for name, c in sorted(others.items()):
        if name != ctx.get("host", ctx["hostname"]):
            items.append((f"host {name}", f"{c['cpu_model']}; {c['topology']['pus']} PUs; "
                                          f"commit {c['git_commit']}"))
    for f, d in docs:
        items.append((f"command ({os.path.basename(f)})", " ".join(d["context"]["command_line"])))
        if not d["complete"]:
            items.append((os.path.basename(f), f"INCOMPLETE (interrupted by {d['interrupted_by']})"))
    manifest = os.path.join(results_dir, "manifest.txt")
    # Not through a symlink: the page would show whatever file it points at.
    if os.path.isfile(manifest) and not os.path.islink(manifest):
        with open(manifest, errors="replace") as f:
            items.append(("manifest", "<pre>" + html.escape(f.read()) + "</pre>"))
    return "<table>" + "".join(
        f"<tr><th>{html.escape(k)}</th><td>{v if k == 'manifest' else html.escape(str(v))}</td></tr>"
        for k, v in items) + "</table>"


def write_index(outdir, docs, sections, results_dir):
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>syncbench results</title>",
             "<style>body{font-family:sans-serif;margin:1em 2em}table{border-collapse:collapse;"
             "font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
             "img{max-width:100%}</style></head><body>",
             "<h1>syncbench results</h1>", "<h2>Context</h2>", context_html(docs, results_dir)]
    for bench, figures, entries in sections:
        parts.append(f"<h2>{html.escape(bench)}</h2>")
        for png in figures:
            rel = os.path.relpath(png, outdir)
            svg = rel[:-4] + ".svg"
            parts.append(f"<p><a href='{html.escape(svg)}'><img src='{html.escape(rel)}' "
                         f"alt='{html.escape(rel)}'></a></p>")
        parts.append(table_html(entries))
    parts.append("<p>Fields: results/README.md in the syncbench repository.</p></body></html>")
    path = os.path.join(outdir, "index.html")
    write_atomic(path, lambda f: f.write("\n".join(parts).encode()))
    return path


def write_report(docs, outdir, results_dir):
    by_bench = {}
    for _, doc in docs:
        for e in doc["results"]:
            by_bench.setdefault(e["bench"], []).append(e)
    sections = []
    for bench, entries in sorted(by_bench.items()):
        ok = [e for e in entries if e["status"] == "ok" and e["summary"]]
        figures = []
        if ok:
            by_level = series(ok)
            for plot in (plot_throughput, plot_normalized, plot_latency, plot_fairness):
                figures += [p for p in plot(bench, by_level, outdir) if p.endswith(".png")]
            for plot in (plot_pair_matrix, plot_by_capacity, plot_sojourn_vs_load):
                figures += [p for p in plot(bench, ok, outdir) if p.endswith(".png")]
        sections.append((bench, figures, entries))
    index = write_index(outdir, docs, sections, results_dir)
    print(f"plot.py: wrote {index} and {sum(len(s[1]) for s in sections)} figures (PNG and SVG)")


def main():
    ap = argparse.ArgumentParser(description="Figures and index.html from syncbench results.")
    ap.add_argument("results", help="a results directory or one result document")
    ap.add_argument("--out", help="where to write (default: next to the results)")
    args = ap.parse_args()
    results_dir = args.results if os.path.isdir(args.results) else os.path.dirname(args.results) or "."
    outdir = args.out or results_dir
    try:
        docs = load(args.results)
    except BadInput as e:
        bad_input(e)
    figures_dir = os.path.join(outdir, "figures")
    if os.path.islink(figures_dir) or (os.path.exists(figures_dir) and not os.path.isdir(figures_dir)):
        bad_input(f"{figures_dir} is not a directory of its own (a symlink or a file); refusing to write there")
    try:
        os.makedirs(figures_dir, exist_ok=True)
        write_report(docs, outdir, results_dir)
    except OSError as e:
        write_error(e.filename or outdir, e)


if __name__ == "__main__":
    main()
