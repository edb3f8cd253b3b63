#!/usr/bin/env bash
# The result document against results/schema.json, and the figures in it
# against each other: two real sweeps (one passing, one with the broken
# lock failing its check) must validate, and a few corrupted copies must not,
# or the schema proves nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

schema="$(dirname "$0")/../results/schema.json"
reps=6	# the fewest with a 95% interval of the median

"$BIN" run --bench lock --prim null,pthread-mutex,ttas,ticket --threads 1,2 --set cs=0,20 \
	--duration 0.02 --warmup 0 --reps "$reps" --out "$scratch/ok.json" >/dev/null ||
	fail "the passing sweep exited with status $?"

rc=0
"$BIN" run --bench lock --prim broken --threads 2 --set cs=0,20 \
	--duration 0.02 --warmup 0 --reps "$reps" --out "$scratch/broken.json" >/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "the broken lock's sweep exited with status $rc, not 1"
"$BIN" run --bench rw --prim pthread-mutex,ttas --threads 2 --set read_pct=90 --set sample_every=1 \
	--duration 0.02 --warmup 0 --reps "$reps" --out "$scratch/rw.json" >/dev/null ||
	fail "the rw sweep exited with status $?"

# The workloads of issue 4: without a primitive (prim null), and optimistic
# with one entry using none (strategy=cas) beside one under a lock.
"$BIN" run --bench atomic --threads 2 --set op=cas --set layout=shared,packed \
	--duration 0.02 --warmup 0 --reps "$reps" --out "$scratch/atomic.json" >/dev/null ||
	fail "the atomic sweep exited with status $?"
"$BIN" run --bench optimistic --prim ttas --threads 2 --set strategy=cas,lock --set shape=record \
	--set write_pct=50 --duration 0.02 --warmup 0 --reps "$reps" --out "$scratch/optimistic.json" \
	>/dev/null || fail "the optimistic sweep exited with status $?"
"$BIN" run --bench pingpong --threads 2 --duration 0.02 --warmup 0 --reps "$reps" \
	--out "$scratch/pingpong.json" >/dev/null || fail "the pingpong run exited with status $?"

"$PYTHON" - "$schema" "$reps" "$scratch/ok.json" "$scratch/broken.json" "$scratch/rw.json" \
	"$scratch/atomic.json" "$scratch/optimistic.json" "$scratch/pingpong.json" <<'PY'
import copy, math, sys
import sbtest
from jsonschema import Draft202012Validator

schema_path, reps, ok_path, broken_path, rw_path = sys.argv[1], int(sys.argv[2]), *sys.argv[3:6]
new_paths = sys.argv[6:9]
schema = sbtest.load(schema_path)
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
bad = []

def validate(doc, name):
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in e.absolute_path) or "(document)"
        msg = e.message if len(e.message) <= 160 else e.message[:157] + "..."
        bad.append(f"{name}: {where}: {msg}")

def close(a, b, rel=1e-6):
    return math.isclose(a, b, rel_tol=rel)

def semantics(doc, name, expected_entries):
    if doc["complete"] is not True or doc["interrupted_by"] is not None:
        bad.append(f"{name}: complete={doc['complete']} interrupted_by={doc['interrupted_by']}")
    if len(doc["results"]) != expected_entries:
        bad.append(f"{name}: {len(doc['results'])} entries, expected {expected_entries}")
    for r in doc["results"]:
        tag = f"{name}: {r['prim']} threads={r['threads']} params={r['params']}"
        if len(r["placement"]["pus"]) != r["threads"]:
            bad.append(f"{tag}: {len(r['placement']['pus'])} placement pus")
        if r["status"] not in ("ok", "failed"):
            bad.append(f"{tag}: status {r['status']}: {r['status_detail']}")
            continue
        if len(r["reps"]) != reps:
            bad.append(f"{tag}: {len(r['reps'])} reps, expected {reps}")
        started = [rep.get("started_s") for rep in r["reps"]]
        if None in started or started != sorted(started):
            bad.append(f"{tag}: repetitions' started_s missing or out of order: {started}")
        for i, rep in enumerate(r["reps"]):
            t = rep["threads"]
            if len(t) != r["threads"]:
                bad.append(f"{tag} rep {i}: {len(t)} thread records")
            # ops counts the workload's counted kinds; threads[].ops every call
            every_call = sum(rep["ops_by_kind"].values()) if "ops_by_kind" in rep else rep["ops"]
            if every_call != sum(x["ops"] for x in t) or rep["cpu_ns"] != sum(x["cpu_ns"] for x in t):
                bad.append(f"{tag} rep {i}: ops or cpu_ns is not the sum over threads")
            if rep["ops"] > 0 and not (close(rep["ops_per_sec"], rep["ops"] * 1e9 / rep["wall_ns"])
                                       and close(rep["ns_per_op"], 1e9 / rep["ops_per_sec"])):
                bad.append(f"{tag} rep {i}: ops_per_sec {rep['ops_per_sec']} ns_per_op "
                           f"{rep['ns_per_op']} disagree with ops {rep['ops']} wall_ns {rep['wall_ns']}")
        s = r["summary"]
        for k in ("ops_per_sec", "ns_per_op"):
            if None in (s[k]["min"], s[k]["median"], s[k]["max"]):
                continue    # a repetition with no operation: ns_per_op is infinite, written null
            if not s[k]["min"] <= s[k]["median"] <= s[k]["max"]:
                bad.append(f"{tag}: summary {k} median outside [min, max]: {s[k]}")
        if r["status"] == "ok" and not s["ops_per_sec"]["median"] > 0:
            bad.append(f"{tag}: median ops/s {s['ops_per_sec']['median']}")
        for i, rep in enumerate(r["reps"]):
            if "ops_by_kind" in rep and sum(rep["ops_by_kind"].values()) < rep["ops"]:
                bad.append(f"{tag} rep {i}: ops_by_kind holds fewer than ops")
        for k in ("ops_per_sec", "ns_per_op"):
            f = s[k]
            if f["ci95_lo"] is None:
                if f["n"] >= 6 or f["ci95_level"] is not None or "ci95_reason" not in f:
                    bad.append(f"{tag}: {k}: no interval with {f['n']} repetitions: {f}")
            elif not (f["ci95_lo"] <= f["median"] <= f["ci95_hi"] and f["ci95_level"] >= 0.95
                      and f["min"] <= f["ci95_lo"] and f["ci95_hi"] <= f["max"]):
                bad.append(f"{tag}: {k}: the interval does not hold its median within the extremes: {f}")
        few = [rep["ops"] for rep in r["reps"] if rep["ops"] < doc["context"]["min_ops"]]
        if bool(few) != ("few_ops" in r["flags"]):
            bad.append(f"{tag}: repetitions under min_ops {few}, flags {r['flags']}")
        for kind, lat in ((s["acquire_latency"] or {}).get("kinds") or {}).items():
            q = [lat[k] for k in ("p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns")]
            if q != sorted(q) or sum(lat["histogram"]["count"]) != lat["samples"]:
                bad.append(f"{tag}: {kind} latency quantiles {q} or histogram inconsistent")

ok = sbtest.load(ok_path)
broken = sbtest.load(broken_path)
validate(ok, "ok.json")
validate(broken, "broken.json")
rw = sbtest.load(rw_path)
validate(rw, "rw.json")
new = {p.rsplit("/", 1)[1]: sbtest.load(p) for p in new_paths}
for name, doc in new.items():
    validate(doc, name)
if bad:    # the figures below are read as the schema promises them
    sys.exit("test_schema.sh: " + "\n  ".join(bad[:20]))
for name, doc in new.items():
    semantics(doc, name, 1 if name == "pingpong.json" else 2)
    for r in doc["results"]:
        uses = r["bench"] == "optimistic" and r["params"]["strategy"] == "lock"
        if (r["prim"] is not None) != uses or r["check"]["result"] != "passed":
            bad.append(f"{name}: prim {r['prim']} with {r['params']}, check {r['check']}")
semantics(ok, "ok.json", 4 * 2 * 2)
semantics(broken, "broken.json", 1 * 1 * 2)
semantics(rw, "rw.json", 2)
for r in rw["results"]:
    kinds = r["summary"]["acquire_latency"]["kinds"]
    if set(r["summary"]["ops_per_sec_by_kind"]) != {"read", "write"} or set(kinds) != {"read", "write"}:
        bad.append(f"rw.json: {r['prim']}: reads and writes are not reported apart")

# handoff_vs_floor: on lock entries only, ns per handoff over the mean floor of
# the pairs of distinct PUs the threads used, where saturated (ncs=0, 2+ threads);
# null on one PU or with work outside the lock.
floor = {(a, b): ns for a, b, ns, lo, hi in ok["context"]["coherence_floor"]["pairs"]}
if not floor or not all(ns is not None and 0 < ns < math.inf for ns in floor.values()):
    bad.append(f"ok.json: coherence floor {floor}")
for r in ok["results"]:
    pus = sorted(set(r["placement"]["pus"]))
    pairs = [(a, b) for i, a in enumerate(pus) for b in pus[i + 1:]]
    got, s = r["summary"]["handoff_vs_floor"], r["summary"]
    if s["saturated"] != (r["threads"] >= 2 and r["params"]["ncs"] == 0):
        bad.append(f"ok.json: {r['prim']} threads={r['threads']}: saturated {s['saturated']}")
    if not all(p in floor for p in pairs):
        bad.append(f"ok.json: {r['prim']} threads={r['threads']}: no floor for {pairs}")
        continue
    run_floor = sum(floor[p] for p in pairs) / len(pairs) if pairs else None
    # each repetition against its own floor (measured just before it), else the run's
    ratios = sorted(rep["wall_ns"] / rep["ops_by_kind"]["handoff"] / (rep["floor_ns"] or run_floor)
                    for rep in r["reps"] if rep["ops_by_kind"]["handoff"] and (rep["floor_ns"] or run_floor))
    if not pairs or not s["saturated"] or not ratios:
        want = None
    else:
        mid = len(ratios) // 2
        want = ratios[mid] if len(ratios) % 2 else (ratios[mid - 1] + ratios[mid]) / 2
    if (got is None) != (want is None) or (want is not None and not close(got, want)):
        bad.append(f"ok.json: {r['prim']} threads={r['threads']}: handoff_vs_floor {got}, expected {want}")
for name, doc in [("rw.json", rw), *new.items()]:
    if "coherence_floor" in doc["context"] or any("handoff_vs_floor" in r["summary"] or "saturated" in r["summary"]
                                                  for r in doc["results"]):
        bad.append(f"{name}: a floor for a workload that does not want one")

for r in ok["results"]:
    want = "skipped" if r["prim"] == "null" else "passed"
    if r["status"] != "ok" or r["check"]["result"] != want:
        bad.append(f"ok.json: {r['prim']} threads={r['threads']}: {r['status']} {r['check']}, "
                   f"expected ok with check {want}")
if not any(r["status"] == "failed" and r["check"]["result"] == "failed" and r["check"]["detail"]
           for r in broken["results"]):
    bad.append("broken.json: no entry failed its check")

# Corrupted copies of a valid document: each must be rejected, or the schema is
# too loose.  Skipped when the real documents already failed: the noise would hide why.
corruptions = 0
def corrupt(what, change):
    global corruptions
    if bad:
        return
    corruptions += 1
    doc = copy.deepcopy(ok)
    change(doc)
    if validator.is_valid(doc):
        bad.append(f"schema accepts a document with {what}")

e0 = lambda d: d["results"][0]
corrupt("a wrong schema version", lambda d: d.update(schema="syncbench/2"))
corrupt("complete and interrupted", lambda d: d.update(interrupted_by="SIGINT"))
corrupt("an unknown entry key", lambda d: e0(d).update(extra=1))
corrupt("an unknown status", lambda d: e0(d).update(status="passed"))
corrupt("an ok entry without summary", lambda d: e0(d).update(summary=None))
corrupt("a crashed entry with reps", lambda d: e0(d).update(status="crashed", status_detail="x",
                                                            check=None, summary=None))
corrupt("a string ops count", lambda d: e0(d)["reps"][0].update(ops="12"))
corrupt("a missing ci95_hi", lambda d: e0(d)["summary"]["ns_per_op"].pop("ci95_hi"))
corrupt("an interval below 95%", lambda d: e0(d)["summary"]["ns_per_op"].update(ci95_level=0.9))
corrupt("an unknown flag", lambda d: e0(d).update(flags={"slow": "why"}))
corrupt("no work_ns", lambda d: e0(d).pop("work_ns"))
corrupt("no harness cost", lambda d: d["context"].pop("harness_ns_per_op"))
corrupt("an unknown fairness key", lambda d: e0(d)["summary"]["fairness"].update(gini=0.1))
corrupt("a float thread count", lambda d: e0(d).update(threads=1.5))
corrupt("a negative handoff_vs_floor", lambda d: e0(d)["summary"].update(handoff_vs_floor=-1.0))
corrupt("a floor pair without its spread",
        lambda d: d["context"]["coherence_floor"].update(pairs=[[0, 1, 50.0]]))

# What the harness writes when a child gives no result (report_entry_failed), and
# an interrupted sweep (report_set_complete): both must be accepted.
def accept(what, change):
    if bad:
        return
    doc = copy.deepcopy(ok)
    change(doc)
    for e in validator.iter_errors(doc):
        bad.append(f"schema rejects {what}: {e.message}")

accept("a timeout entry", lambda d: e0(d).update(status="timeout", check=None, reps=[],
                                                 summary=None, status_detail="no result"))
accept("an interrupted sweep", lambda d: d.update(complete=False, interrupted_by="SIGTERM"))
accept("new context keys", lambda d: d["context"].update(numa_policy="interleave"))
accept("an entry without a primitive", lambda d: e0(d).update(prim=None))
corrupt("an empty primitive name", lambda d: e0(d).update(prim=""))
accept("a resumed sweep", lambda d: d["context"].update(resumes=[{"date": "2026-01-01T00:00:00Z",
                                                                  "command_line": ["syncbench", "run"]}]))
ctx = ok["context"]
if (ctx["host"], ctx["sweep_id"], ctx["shard"]) != (ctx["hostname"], None, {"index": 1, "count": 1}):
    bad.append(f"ok.json: a run without --host, --sweep-id or --shard says host {ctx['host']}, "
               f"sweep_id {ctx['sweep_id']}, shard {ctx['shard']}")
corrupt("shard 0", lambda d: d["context"].update(shard={"index": 0, "count": 2}))
corrupt("an empty host", lambda d: d["context"].update(host=""))
accept("a merged document", lambda d: d["context"].update(merged_from=[{
    "source": "results/x/part-1-vm", "date": "2026-01-01T00:00:00Z", "command_line": ["syncbench", "run"],
    "git_commit": "abc", "shard": {"index": 1, "count": 2}}]))
corrupt("a merge record without its source", lambda d: d["context"].update(merged_from=[{
    "date": "2026-01-01T00:00:00Z", "command_line": ["syncbench"]}]))
corrupt("a resume without its command", lambda d: d["context"].update(resumes=[{"date": "x"}]))

if bad:
    sys.exit("test_schema.sh: " + "\n  ".join(bad[:20]) +
             (f"\n  ... {len(bad) - 20} more" if len(bad) > 20 else ""))
n = len(ok["results"]) + len(broken["results"]) + len(rw["results"]) + 5
print(f"{n} entries valid against results/schema.json and consistent; {corruptions} corruptions rejected")
PY
