"""The report's data: `syncbench export` (the tidy tables, results/export-*.schema.json)
read with pandas, each configuration labelled for the figures and the
summary, and the ranked comparisons the summary shows."""
import glob
import math
import os
import subprocess
import tempfile
from dataclasses import dataclass, field

import pandas as pd

import report_stats


class BadInput(Exception):
    """The results were refused (syncbench's one line): exit status 2."""


class ToolFailed(Exception):
    """syncbench itself failed (not the input's fault)."""


@dataclass(frozen=True)
class Spec:
    """How one workload is read.  candidate: workload parameters that tell
    one contender from another in the summary (beside the primitive);
    lines: what a figure's lines are (None: the contenders); unit: the
    figure's y ('ops/s', or a time per operation where that is what one
    operation is); baselines: the contender the others are divided by, the
    first present of (primitive, {parameter: value}), '-' for none."""
    candidate: tuple = ()
    lines: tuple = None
    unit: str = "ops/s"
    baselines: tuple = ()
    with_prim_in_lines: bool = True


SPECS = {
    "lock": Spec(baselines=(("pthread-mutex", {}),)),
    "rw": Spec(baselines=(("pthread-rwlock", {}), ("pthread-mutex", {}))),
    "validate": Spec(baselines=(("pthread-mutex", {}),)),
    "optimistic": Spec(candidate=("strategy",), baselines=(("pthread-mutex", {"strategy": "lock"}),)),
    "atomic": Spec(candidate=("op", "order"), lines=("layout",), baselines=(("-", {"op": "faa"}),),
                   with_prim_in_lines=False),
    "pingpong": Spec(unit="ns per transfer"),
    "chan-pingpong": Spec(unit="ns per round trip", baselines=(("go-chan", {"mode": "goroutines"}),
                                                               ("go-chan", {}), ("gochan", {}))),
    "chan-prodcons": Spec(unit="messages/s", baselines=(("go-chan", {"mode": "goroutines"}), ("go-chan", {}),
                                                        ("gochan", {}))),
    "chan-select": Spec(unit="messages/s", baselines=(("go-chan", {"mode": "goroutines"}), ("gochan", {}))),
    "ring": Spec(candidate=("handoff",), unit="ns per handoff", baselines=(("-", {"handoff": "futex"}),)),
    "dispatch": Spec(candidate=("policy",), unit="tasks/s", baselines=(("gochan", {"policy": "rr"}),
                                                                       ("condchan", {"policy": "rr"}))),
}
DEFAULT_SPEC = Spec(baselines=(("pthread-mutex", {}),))

# Families for small multiples: a line per primitive gets crowded past
# FACET_ABOVE lines in one panel.  A primitive not named here is "other".
FACET_ABOVE = 12
FAMILIES = (
    ("spinlocks", ("tas", "ttas", "pthread-spin", "ticket", "ticket-prop")),
    ("queue locks", ("mcs", "clh")),
    ("parking locks", ("pthread-mutex", "pthread-rwlock", "condchan")),
    ("Go ports", ("gomutex", "gomutex-normal", "gomutex-fifo", "gorwmutex", "gochan")),
    ("references (CK, Go)", ("ck-ticket", "ck-fas", "ck-cas", "ck-mcs", "ck-clh", "ck-anderson", "ck-rwlock",
                             "go-mutex", "go-rwmutex", "go-chan")),
)


def family(prim):
    for name, members in FAMILIES:
        if prim in members:
            return name
    return "other"


def spec(bench):
    return SPECS.get(bench, DEFAULT_SPEC)


def find_syncbench(given):
    """--syncbench, else $SYNCBENCH, else the build beside results/, else PATH."""
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "syncbench")
    for candidate in (given, os.environ.get("SYNCBENCH"), here):
        if candidate:
            return candidate
    return "syncbench"


def run_tool(argv):
    try:
        done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
    except OSError as e:
        raise ToolFailed(f"cannot run {argv[0]}: {e.strerror} (build it with make, or give --syncbench PATH)")
    if done.returncode == 2:
        line = (done.stderr.strip().splitlines() or ["refused"])[-1]
        raise BadInput(line.removeprefix("syncbench: ").split(": ", 1)[-1] if line.startswith("syncbench: ")
                       else line)
    if done.returncode != 0:
        raise ToolFailed(f"{' '.join(argv[:3])} exited {done.returncode}: {done.stderr.strip()[:300]}")
    return done.stdout


def read_tables(pattern):
    tables = {}
    for f in sorted(glob.glob(pattern)):
        if f.endswith(".context.json"):
            continue
        df = pd.read_json(f, lines=True, dtype=False)
        for bench, rows in df.groupby("bench", sort=True):
            tables[bench] = rows.reset_index(drop=True)
    return tables


def export(syncbench, results):
    """({bench: configurations}, {bench: repetitions}, {source: context}),
    from syncbench export --format jsonl at both levels."""
    import json
    with tempfile.TemporaryDirectory(prefix="syncbench-report.") as tmp:
        run_tool([syncbench, "export", "--format", "jsonl", "--level", "config",
                  "--out", os.path.join(tmp, "config.jsonl"), results])
        with open(os.path.join(tmp, "config.jsonl.context.json")) as f:
            contexts = json.load(f)["contexts"]
        configs = read_tables(os.path.join(tmp, "config*.jsonl"))
        try:
            run_tool([syncbench, "export", "--format", "jsonl", "--level", "rep",
                      "--out", os.path.join(tmp, "rep.jsonl"), results])
            reps = read_tables(os.path.join(tmp, "rep*.jsonl"))
        except BadInput:
            reps = {}  # nothing measured a repetition: the configurations say why
    return configs, reps, contexts


def compare_ports(syncbench, results):
    """`compare --pair ports --format json`: each port against its original."""
    import json
    return json.loads(run_tool([syncbench, "compare", "--pair", "ports", "--format", "json", results]))


def split_params(text):
    if not isinstance(text, str) or text == "-":
        return {}
    return dict(item.split("=", 1) for item in text.split(" ") if "=" in item)


@dataclass
class Row:
    """One configuration as the report uses it."""
    rec: dict
    prim: str
    own: dict
    wparams: dict
    line: str = ""
    panel: str = ""
    contender: str = ""
    group: tuple = ()
    group_title: str = ""
    reps: list = field(default_factory=list)

    def get(self, key):
        v = self.rec.get(key)
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else v

    @property
    def key(self):
        return f"{self.rec['host']}|{self.rec['config']}"

    @property
    def ok(self):
        return self.rec["status"] == "ok" and self.get("ops_per_s_median") is not None


def join(*parts):
    return " ".join(p for p in parts if p)


def kv(d, keys):
    return " ".join(f"{k}={d[k]}" for k in keys if k in d)


@dataclass
class Workload:
    bench: str
    rows: list
    fixed: dict          # workload parameters with one value here
    varying: list        # workload parameters with several, in declaration order
    hosts: list
    spec: Spec

    @property
    def fixed_text(self):
        return kv(self.fixed, self.fixed)


def ordered_keys(dicts):
    seen = []
    for d in dicts:
        for k in d:
            if k not in seen:
                seen.append(k)
    return seen


def build_workload(bench, table, reps):
    sp = spec(bench)
    by_config = {}
    for rec in (reps.to_dict("records") if reps is not None else []):
        if rec.get("ops_per_s") is not None and not math.isnan(rec["ops_per_s"]):
            by_config.setdefault((rec["host"], rec["config"]), []).append(rec["ops_per_s"])
    rows = []
    for rec in table.to_dict("records"):
        own = split_params(rec["series"])
        params = split_params(rec["params"])
        rows.append(Row(rec, rec["prim"], own, {k: v for k, v in params.items() if k not in own},
                        reps=by_config.get((rec["host"], rec["config"]), [])))
    wkeys = ordered_keys(r.wparams for r in rows)
    varying = [k for k in wkeys if len({r.wparams.get(k) for r in rows}) > 1]
    fixed = {k: rows[0].wparams[k] for k in wkeys if k not in varying and k in rows[0].wparams}
    own_varying = {}
    for r in rows:
        for k, v in r.own.items():
            own_varying.setdefault((r.prim, k), set()).add(v)
    hosts = sorted({r.rec["host"] for r in rows})
    lines = sp.lines if sp.lines is not None else sp.candidate
    for r in rows:
        prim_label = "" if r.prim == "-" else join(r.prim, " ".join(
            f"{k}={v}" for k, v in r.own.items() if len(own_varying[(r.prim, k)]) > 1))
        r.contender = join(prim_label, kv(r.wparams, [k for k in sp.candidate if k in varying])) or "(no primitive)"
        r.line = join(prim_label if sp.with_prim_in_lines else "",
                      kv(r.wparams, [k for k in lines if k in varying])) or bench
        host = f"on {r.rec['host']}" if len(hosts) > 1 else ""
        r.panel = join(host, kv(r.wparams, [k for k in varying if k not in lines]))
        level = [k for k in varying if k not in sp.candidate]
        pairs = r.rec["placement"] == "pairs"
        r.group = (r.rec["host"], r.rec["contention"], kv(r.wparams, level), r.rec["threads"],
                   r.rec["pus"] if pairs else "")
        where = f"on PUs {r.rec['pus']}" if pairs else ""
        setting = kv(r.wparams, [k for k in wkeys if k not in sp.candidate or k not in varying])
        r.group_title = join(host, f"{r.rec['threads']} thread{'s' if r.rec['threads'] != 1 else ''}"
                             + ("," if setting else ""), where, setting, contention_words(r.rec["contention"]))
    name_contention_in_lines(rows)
    return Workload(bench, rows, fixed, varying, hosts, sp)


def name_contention_in_lines(rows):
    """Where a panel's lines are contention levels (atomic's layouts), the
    legend names them: 'layout=shared (high contention)'."""
    by_line, by_panel = {}, {}
    for r in rows:
        by_line.setdefault(r.line, set()).add(r.rec["contention"])
        by_panel.setdefault(r.panel, set()).add(r.rec["contention"])
    if all(len(v) == 1 for v in by_line.values()) and any(len(v) > 1 for v in by_panel.values()):
        for r in rows:
            r.line = join(r.line, contention_words(r.rec["contention"]))


def contention_words(level):
    return {"-": "", "none": "(no contention)", "false-sharing": "(false sharing)"}.get(
        level, f"({level} contention)")


def is_baseline(row, choice):
    prim, params = choice
    return row.prim == prim and all(row.wparams.get(k, row.own.get(k)) == v for k, v in params.items())


@dataclass
class Ranked:
    """One summary table: the group's configurations, best first."""
    title: str
    rows: list           # Row, ok ones ranked by throughput, then the rest
    baseline: Row = None
    ratio: dict = field(default_factory=dict)      # row.key -> (ratio, lo, hi) against the baseline
    p_next: dict = field(default_factory=dict)     # row.key -> p against the next-ranked


def median(values):
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def ratio_of(a, b):
    """median(b) / median(a) over the repetitions, with compare's bootstrap interval."""
    if not a or not b:
        return (math.nan, math.nan, math.nan)
    lo, hi = report_stats.ratio_interval(a, b)
    ma = median(a)
    return (median(b) / ma if ma else math.nan, lo, hi)


def rank(workload):
    groups = {}
    for r in workload.rows:
        groups.setdefault(r.group, []).append(r)
    tables = []
    for key in sorted(groups, key=lambda k: (k[0], k[1] != "high", k[2], k[3], k[4])):
        members = groups[key]
        ok = sorted((r for r in members if r.ok), key=lambda r: -r.get("ops_per_s_median"))
        rest = sorted((r for r in members if not r.ok), key=lambda r: r.contender)
        t = Ranked(members[0].group_title, ok + rest)
        for choice in workload.spec.baselines:
            t.baseline = next((r for r in ok if is_baseline(r, choice)), None)
            if t.baseline:
                break
        if t.baseline is None and len(ok) > 1:
            t.baseline = ok[-1]  # none of the declared ones ran here: the slowest, named as such
        for r in ok:
            if t.baseline is not None and r is not t.baseline:
                t.ratio[r.key] = ratio_of(t.baseline.reps, r.reps)
        for a, b in zip(ok, ok[1:]):
            if a.reps and b.reps:
                t.p_next[a.key] = report_stats.mann_whitney_p(a.reps, b.reps)
        tables.append(t)
    return tables
