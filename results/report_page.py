"""index.html: the summary first (the machine, what makes the figures worth
less, a ranked table per workload and contention level with a sentence on
top), the ports against their originals, then per workload its figures with
captions and every configuration in a collapsible table.  No script, no
network: the page is read from disk."""
import html
import math
import os

import report_data
from report_style import missing, p_text, ratio_interval_text, ratio_text, si, si_interval

STYLE = ("body{font-family:sans-serif;margin:1em 2em;max-width:110em}table{border-collapse:collapse;"
         "font-size:12px;margin:0.3em 0 1em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
         "td.n{text-align:right;font-variant-numeric:tabular-nums}img{max-width:100%}"
         "figure{margin:1em 0 2em}figcaption{font-size:13px;max-width:60em;color:#333}"
         ".machine{font-size:14px}.warn li{color:#8a3b00}.verdict{margin:0.8em 0 0.2em;font-weight:bold}"
         "details>summary{cursor:pointer}details>summary h2,details>summary h3{display:inline}"
         "tr.not-ok td{color:#999}")

esc = html.escape


def td(v, numeric=False):
    return f"<td class='n'>{esc(str(v))}</td>" if numeric else f"<td>{esc(str(v))}</td>"


def machine_line(ctx):
    topo = ctx.get("topology") or {}
    cond = ctx.get("conditions") or {}
    smt, freq, steal = cond.get("smt") or {}, cond.get("cpufreq") or {}, cond.get("steal") or {}
    smt_text = "SMT unknown" if smt.get("active") is None else f"SMT {'on' if smt['active'] else 'off'}"
    if freq.get("governor"):
        gov = f"governor {freq['governor']}" + ("" if freq.get("turbo") is None else
                                                f", turbo {'on' if freq['turbo'] else 'off'}")
    else:
        gov = "governor: none exposed (no cpufreq policy)" if cond else "governor: not recorded"
    if steal.get("seconds"):
        vm = f"VM: yes (the hypervisor stole {100 * steal['fraction']:.2g}% of the CPU time)"
    else:
        vm = "VM: not shown (no steal recorded)"
    parts = [ctx.get("host", ctx.get("hostname", "?")) + ":", ctx.get("cpu_model", "unknown CPU") + ",",
             f"{topo.get('packages', '?')} package(s), {topo.get('cores', '?')} cores, {topo.get('pus', '?')} PUs,",
             f"{smt_text}, {topo.get('numa_nodes', '?')} NUMA node(s), {gov}, {vm};",
             f"{ctx.get('kernel', '')}, commit {ctx.get('git_commit', '?')}"]
    return " ".join(parts)


def hosts_contexts(contexts):
    by_host = {}
    for ctx in contexts.values():
        by_host.setdefault(ctx.get("host", ctx.get("hostname")), ctx)
    return by_host


def warnings(workloads, contexts):
    out = []
    for msg in sorted({w["message"] for c in contexts.values() for w in (c.get("warnings") or [])}):
        out.append(msg)
    for host, c in hosts_contexts(contexts).items():
        gov = ((c.get("conditions") or {}).get("cpufreq") or {}).get("governor")
        if gov and gov != "performance":
            out.append(f"{host}: frequency scaling: the cpufreq governor is {gov}, not performance")
        if str(c.get("git_commit", "")).endswith("-dirty"):
            out.append(f"{host}: built from uncommitted source ({c['git_commit']})")
    rows = [r for w in workloads for r in w.rows]
    pus = sorted({c.get("topology", {}).get("pus") for c in contexts.values()} - {None})
    flagged = [
        ("few_ops", lambda r: r.rec.get("few_ops"),
         "counted fewer operations in some repetition than the run's minimum (few_ops): read them as an order "
         "of magnitude"),
        ("oversubscribed", lambda r: r.rec.get("oversubscribed"),
         f"ran more threads than the {'/'.join(map(str, pus))} PUs (oversubscribed): shaded in the figures, "
         "marked in the tables; a spinning waiter there waits for the scheduler"),
        ("not ok", lambda r: r.rec["status"] != "ok", "did not finish ok (failed, error, crashed or timeout)"),
        ("few repetitions", lambda r: r.rec["status"] == "ok" and 0 < r.rec.get("ops_per_s_n", 0) < 6,
         "have fewer than 6 repetitions: no interval of the median"),
    ]
    for _, pick, what in flagged:
        hit = [r for r in rows if pick(r)]
        if hit:
            names = ", ".join(r.rec["config"] for r in hit[:4]) + (", ..." if len(hit) > 4 else "")
            out.append(f"{len(hit)} of {len(rows)} configurations {what}: {names}")
    return out


def marks(r):
    m = []
    if r.rec.get("oversubscribed"):
        m.append("oversubscribed")
    if r.rec.get("few_ops"):
        m.append("few_ops")
    if r.rec["status"] != "ok":
        m.append(r.rec["status"] + ("" if r.rec.get("status_detail") in (None, "-") else f": {r.rec['status_detail']}"))
    return "; ".join(m)


def value_of(w, r):
    """(median, lo, hi, unit) in the workload's unit."""
    if w.spec.unit.startswith("ns per"):
        return r.get("ns_per_op_median"), r.get("ns_per_op_ci95_lo"), r.get("ns_per_op_ci95_hi"), "s"
    return r.get("ops_per_s_median"), r.get("ops_per_s_ci95_lo"), r.get("ops_per_s_ci95_hi"), "/s"


def shown(v, unit):
    """ns figures as seconds with a prefix (28.7 ns), rates as 28.7 M/s."""
    return si(v * 1e-9 if unit == "s" and not missing(v) else v, unit)


def verdict(w, t):
    ok = [r for r in t.rows if r.ok]
    if not ok:
        return f"At {t.title}: nothing finished ok."
    lead = ok[0]
    med, _, _, unit = value_of(w, lead)
    s = f"At {t.title}: {lead.contender} leads ({shown(med, unit)})"
    if t.baseline is not None and lead is not t.baseline and lead.key in t.ratio:
        r, lo, hi = t.ratio[lead.key]
        s += f", {ratio_text(r)} {t.baseline.contender}'s throughput"
        s += f" {ratio_interval_text(lo, hi)}" if not missing(lo) else ""
    elif lead is t.baseline:
        s += " (the baseline)"
    if len(ok) > 1:
        p = t.p_next.get(lead.key)
        if p is None:
            s += f"; {ok[1].contender} next"
        elif p < 0.05:
            s += f"; ahead of {ok[1].contender} (p = {p_text(p)})"
        else:
            s += f"; not told apart from {ok[1].contender} at these repetitions (p = {p_text(p)})"
    return s + "."


def ranked_table(w, t):
    unit_name = w.spec.unit
    head = ("<tr><th>#</th><th>contender</th><th>median " + esc(unit_name) + " [95% interval]</th>"
            f"<th>x {esc(t.baseline.contender) if t.baseline is not None else 'baseline'} [95% bootstrap]</th>"
            "<th>p vs next</th><th>Jain</th><th>p99 acquire</th><th>n</th><th>flags</th></tr>")
    body = []
    for i, r in enumerate(t.rows, 1):
        med, lo, hi, unit = value_of(w, r)
        ratio = t.ratio.get(r.key)
        ratio_cell = ("baseline" if r is t.baseline else "-" if ratio is None else
                      f"{ratio_text(ratio[0])} {ratio_interval_text(ratio[1], ratio[2])}".strip())
        lo_hi = si_interval(*(v * 1e-9 if unit == "s" and not missing(v) else v for v in (lo, hi)), unit)
        p99 = report_data_worst(r, "p99")
        cls = "" if r.ok else " class='not-ok'"
        body.append(f"<tr{cls} data-config='{esc(r.rec['config'])}' data-host='{esc(r.rec['host'])}'>"
                    + td(i if r.ok else "-", True) + td(r.contender)
                    + td(f"{shown(med, unit)} {lo_hi}".strip(), True) + td(ratio_cell, True)
                    + td(p_text(t.p_next.get(r.key)), True) + td(fmt3(r.get("jain_index_median")), True)
                    + td(shown(p99, "s") if p99 is not None else "-", True)
                    + td(r.rec.get("ops_per_s_n", 0), True) + td(marks(r)) + "</tr>")
    return f"<table class='ranked'>{head}{''.join(body)}</table>"


def report_data_worst(r, q):
    vals = [v for k, v in r.rec.items() if k.startswith("latency_") and k.endswith(f"_{q}_ns")
            and v is not None and not (isinstance(v, float) and math.isnan(v))]
    return max(vals) if vals else None


def ns_interval(r, col):
    lo, hi = r.get(f"{col}_ci95_lo"), r.get(f"{col}_ci95_hi")
    return "" if lo is None or hi is None else si_interval(lo * 1e-9, hi * 1e-9, "s")


def fmt3(v):
    return "-" if missing(v) else f"{v:.3g}"


def baseline_note(w, tables):
    names = sorted({t.baseline.contender for t in tables if t.baseline is not None})
    declared = ", ".join(p if not params else f"{p if p != '-' else ''} {report_data.kv(params, params)}".strip()
                         for p, params in w.spec.baselines)
    return (f"baseline: {', '.join(names) or 'none (one contender)'}"
            + (f" (declared for {w.bench}: {declared}; where none ran, the slowest)" if declared else ""))


def summary_html(workloads, tables, contexts, first_open):
    parts = ["<section id='summary'><h2>Summary</h2>"]
    parts += [f"<p class='machine'>{esc(machine_line(c))}</p>" for c in hosts_contexts(contexts).values()]
    warns = warnings(workloads, contexts)
    parts.append("<div class='warn'><h3>Validity warnings</h3>" + (
        "<ul>" + "".join(f"<li>{esc(m)}</li>" for m in warns) + "</ul>" if warns else "<p>none</p>") + "</div>")
    parts.append("<p>Each table ranks one workload at one thread count and contention level by median "
                 "throughput. The ratio is the contender's median throughput over the baseline's, with a 95% "
                 "percentile-bootstrap interval; p is the two-sided Mann-Whitney U test against the next-ranked "
                 "contender over the repetitions (as <code>syncbench compare</code> computes both), not "
                 "corrected for the many tables.</p>")
    for w in workloads:
        ts = tables[w.bench]
        opened = " open" if w.bench == first_open else ""
        parts.append(f"<details class='workload' id='summary-{esc(w.bench)}'{opened}><summary><h3>{esc(w.bench)}"
                     f"</h3> {len(w.rows)} configurations, {len(ts)} tables; {esc(baseline_note(w, ts))}</summary>")
        for t in ts:
            parts.append(f"<p class='verdict'>{esc(verdict(w, t))}</p>" + ranked_table(w, t))
        parts.append("</details>")
    parts.append("</section>")
    return "\n".join(parts)


def ports_html(ports):
    rows = (ports or {}).get("comparisons") or []
    if not rows:
        return ""
    head = ("<tr><th>original | port | configuration</th><th>original ops/s</th><th>port ops/s</th>"
            "<th>port / original [95% bootstrap]</th><th>p</th><th>q</th><th>verdict</th></tr>")
    body = []
    for c in sorted(rows, key=lambda c: c["configuration"]):
        a, b = c["a"], c["b"]
        ratio = f"{ratio_text(c['ratio'])} {ratio_interval_text(c['ratio_ci95_lo'], c['ratio_ci95_hi'])}".strip()
        body.append("<tr>" + td(c["configuration"]) + td(f"{si(a['median'], '/s')} {si_interval(a['ci95_lo'], a['ci95_hi'], '/s')}", True)
                    + td(f"{si(b['median'], '/s')} {si_interval(b['ci95_lo'], b['ci95_hi'], '/s')}", True)
                    + td(ratio, True) + td(p_text(c["p"]), True) + td(p_text(c["q"]), True) + td(c["verdict"]) + "</tr>")
    outside = sum(1 for c in rows if c["ratio"] is not None and not 0.9 <= c["ratio"] <= 1.1
                  and c["ratio_ci95_lo"] is not None and (c["ratio_ci95_lo"] > 1 or c["ratio_ci95_hi"] < 1))
    return ("<section id='ports'><details open><summary><h2>Ports against their originals</h2></summary>"
            f"<p>From <code>syncbench compare --pair ports</code>: {outside} of {len(rows)} rows have the port's "
            "throughput outside [0.9, 1.1] of its original's with an interval that excludes 1; q is corrected over "
            f"these {len(rows)} rows (Benjamini-Hochberg).</p><table>{head}{''.join(body)}</table></details></section>")


def figure_html(f):
    return (f"<figure id='fig-{esc(f.name)}'><a href='{esc(f.svg)}'><img src='{esc(f.png)}' alt='{esc(f.alt)}'>"
            f"</a><figcaption>{esc(f.caption)}</figcaption></figure>")


def all_table(w, tables):
    order = {r.key: (i, j) for i, t in enumerate(tables) for j, r in enumerate(t.rows)}
    head = ("<tr><th>contender</th><th>threads</th><th>params</th><th>ops/s [95%]</th><th>wall time/op [95%]</th>"
            "<th>Jain</th><th>CPU time/op</th><th>p99 acquire</th><th>flags</th></tr>")
    body = []
    for r in sorted(w.rows, key=lambda r: order.get(r.key, (1e9, 0))):
        body.append("<tr>" + td(r.contender) + td(r.rec["threads"], True) + td(r.rec["params"])
                    + td(f"{si(r.get('ops_per_s_median'), '/s')} {si_interval(r.get('ops_per_s_ci95_lo'), r.get('ops_per_s_ci95_hi'), '/s')}", True)
                    + td(f"{shown(r.get('ns_per_op_median'), 's')} {ns_interval(r, 'ns_per_op')}", True)
                    + td(fmt3(r.get("jain_index_median")), True) + td(shown(r.get("cpu_ns_per_op_median"), "s"), True)
                    + td(shown(report_data_worst(r, "p99"), "s"), True) + td(marks(r)) + "</tr>")
    return (f"<details><summary>All {len(w.rows)} configurations of {esc(w.bench)}, in the summary's order"
            f"</summary><table>{head}{''.join(body)}</table></details>")


def context_html(contexts, results_dir):
    items = []
    for source, ctx in contexts.items():
        topo = ctx.get("topology") or {}
        caches = ", ".join(f"L{c['level']} {c['type']} {c['size_bytes'] // 1024} KiB x{c['count']}"
                           for c in topo.get("caches", []))
        items += [(f"{os.path.basename(source)}: date", ctx.get("date")), ("caches", caches),
                  ("compiler", f"{ctx.get('compiler')} {ctx.get('cflags')}"),
                  ("clock", (ctx.get("clock") or {}).get("source")),
                  ("work unit", f"{fmt3(ctx.get('work_unit_ns'))} ns"),
                  ("command", " ".join(ctx.get("command_line", [])))]
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(str(v))}</td></tr>" for k, v in items)
    manifest = os.path.join(results_dir, "manifest.txt")
    extra = ""
    # Not through a symlink: the page would show whatever file it points at.
    if os.path.isfile(manifest) and not os.path.islink(manifest):
        with open(manifest, errors="replace") as f:
            extra = f"<h3>manifest.txt</h3><pre>{esc(f.read())}</pre>"
    return f"<section id='context'><details><summary><h2>Context</h2></summary><table>{rows}</table>{extra}</details></section>"


def page(workloads, tables, figures, contexts, ports, results_dir):
    first = workloads[0].bench if workloads else ""
    parts = ["<!DOCTYPE html>", "<html>", "<head><meta charset='utf-8'><title>syncbench results</title>",
             f"<style>{STYLE}</style></head><body>", "<h1>syncbench results</h1>",
             summary_html(workloads, tables, contexts, first), ports_html(ports)]
    for w in workloads:
        parts.append(f"<section class='bench' id='bench-{esc(w.bench)}'><h2>{esc(w.bench)}</h2>")
        parts += [figure_html(f) for f in figures.get(w.bench, [])]
        parts.append(all_table(w, tables[w.bench]) + "</section>")
    parts.append(context_html(contexts, results_dir))
    parts.append("<p>Fields: results/README.md in the syncbench repository.</p></body></html>")
    return "\n".join(parts)
