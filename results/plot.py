#!/usr/bin/env python3
"""The report page and its figures, from syncbench results.

usage: results/plot.py RESULTS [--out DIR] [--syncbench PATH]

RESULTS is a results directory or one result document.  The data come from
`syncbench export --format jsonl` (both levels: each configuration's summary,
and each repetition for the ratios and tests) and `syncbench compare --pair
ports`; PATH defaults to $SYNCBENCH, else the syncbench built beside
results/.  Writes into DIR (default: the results directory, or the
document's directory):

  index.html        the summary first (the machine in one line, the validity
        warnings, per workload a ranked table per thread count and contention
        level with a sentence on top), the ports against their originals,
        then per workload its figures, each with a caption and alt text, and
        every configuration in a collapsible table
  figures/throughput-<bench>.{png,svg}   the workload's unit (ops/s, or ns
        per transfer, round trip or handoff) against threads, a panel per
        setting (in small multiples by family past 12 lines)
  figures/normalized-<bench>     the same over the table's baseline, with its
        bootstrap interval
  figures/latency-{p50,p99,max}-<bench>   acquire latency, where sampled
  figures/fairness-<bench>       Jain's index against threads
  figures/pairs-<bench>          a PU x PU heat map (--placement pairs)
  figures/capacity-<bench>       channel workloads: against the capacity
  figures/sojourn-<bench>        dispatch: p99 sojourn against the load
  figures/report.json   the figures (files, caption, alt text, every series'
        colour, marker and line style) and the configurations the summary
        holds: what tests/test_page.sh checks the rendered page against

Every file is written to a temporary file of a random name beside it, then
renamed over it.  Input that is not a valid result document is refused
with syncbench's one line on stderr and status 2, before anything is
written; a file that cannot be written gives status 3 and the reason.

Needs Debian's python3-matplotlib and python3-pandas.
"""
import argparse
import json
import multiprocessing
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import report_data
    import report_figures
    import report_page
except ImportError as e:
    sys.exit(f"plot.py: {e.name} is missing; install it with: apt-get install python3-matplotlib python3-pandas")


def fail(status, msg):
    print(f"plot.py: {msg}", file=sys.stderr)
    sys.exit(status)


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


def sweep_order(benches):
    known = list(report_data.SPECS)
    return sorted(benches, key=lambda b: (known.index(b) if b in known else len(known), b))


def draw(job):
    """One figure function on one workload: the figures it drew."""
    fn, w, tables, outdir, pus = job
    out = fn(w, tables, (outdir, write_atomic, pus))
    return [f for f in (out if isinstance(out, list) else [out]) if f is not None]


def write_report(syncbench, results, outdir, results_dir):
    configs, reps, contexts = report_data.export(syncbench, results)
    ports = report_data.compare_ports(syncbench, results)
    workloads = [report_data.build_workload(b, configs[b], reps.get(b)) for b in sweep_order(configs)]
    tables = {w.bench: report_data.rank(w) for w in workloads}
    pus = {ctx.get("host", ctx.get("hostname")): (ctx.get("topology") or {}).get("pus") for ctx in contexts.values()}
    jobs = [(fn, w, tables[w.bench], outdir, pus) for w in workloads for fn in report_figures.FIGURES]
    os.makedirs(os.path.join(outdir, "figures"), exist_ok=True)
    # The figures are independent and matplotlib draws on one CPU: one process per CPU.
    with multiprocessing.get_context("fork").Pool(max(1, min(len(jobs), os.cpu_count() or 1))) as pool:
        drawn = pool.map(draw, jobs, chunksize=1)
    figures = {}
    for (_, w, _, _, _), figs in zip(jobs, drawn):
        figures.setdefault(w.bench, []).extend(figs)
    text = report_page.page(workloads, tables, figures, contexts, ports, results_dir)
    write_atomic(os.path.join(outdir, "index.html"), lambda f: f.write(text.encode()))
    manifest = {"figures": [f.manifest() for w in workloads for f in figures.get(w.bench, [])],
                "configurations": [{"host": r.rec["host"], "config": r.rec["config"]}
                                   for w in workloads for r in w.rows]}
    # In figures/: a .json beside the documents would be read as one (export, merge).
    write_atomic(os.path.join(outdir, "figures", "report.json"),
                 lambda f: f.write(json.dumps(manifest, indent=1).encode()))
    n = sum(len(v) for v in figures.values())
    print(f"plot.py: wrote {os.path.join(outdir, 'index.html')} and {n} figures (PNG and SVG)")


def main():
    ap = argparse.ArgumentParser(description="The report page and its figures, from syncbench results.")
    ap.add_argument("results", help="a results directory or one result document")
    ap.add_argument("--out", help="where to write (default: next to the results)")
    ap.add_argument("--syncbench", help="the syncbench to export with (default: $SYNCBENCH, else ../syncbench)")
    args = ap.parse_args()
    results_dir = args.results if os.path.isdir(args.results) else os.path.dirname(args.results) or "."
    outdir = args.out or results_dir
    figures_dir = os.path.join(outdir, "figures")
    if os.path.islink(figures_dir) or (os.path.exists(figures_dir) and not os.path.isdir(figures_dir)):
        fail(2, f"{figures_dir} is not a directory of its own (a symlink or a file); refusing to write there")
    try:
        write_report(report_data.find_syncbench(args.syncbench), args.results, outdir, results_dir)
    except report_data.BadInput as e:
        fail(2, e)
    except report_data.ToolFailed as e:
        fail(1, e)
    except OSError as e:
        fail(3, f"cannot write {e.filename or outdir}: {e.strerror or e}")


if __name__ == "__main__":
    main()
