#!/usr/bin/env bash
# The results side on the checked-in fixtures (results/fixtures/): export's
# rows and columns, compare's ratios and its planted change, plot.py's
# files; then a sweep killed midway and resumed must run exactly the
# configurations that were missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

fixtures="$(dirname "$0")/../results/fixtures"
a="$fixtures/a/lock.json" b="$fixtures/b/lock.json"

# --- export: 6 configurations x 5 repetitions in the fixture.
"$BIN" export --format csv --out "$scratch/a.csv" "$a"
"$BIN" export --format jsonl "$fixtures/a" >"$scratch/a.jsonl"
"$BIN" export --format gbench "$a" >"$scratch/a.gbench.json"
"$PYTHON" - "$scratch" <<'PY'
import csv, json, sys
import sbtest
d = sys.argv[1]
rows = list(csv.DictReader(open(f"{d}/a.csv")))
assert len(rows) == 30, f"csv: {len(rows)} rows, expected 30"
for col in ("config", "series", "contention", "params", "bench", "prim", "threads", "rep",
            "wall_ns", "ops_count", "cpu_ns", "ops_per_s", "ns_per_op", "cpu_ns_per_op",
            "jain_index", "param_cs", "param_ncs", "pus"):
    assert col in rows[0], f"csv: no column {col}"
# ticket's own parameter is not every row's: in its series key, not a column of its own.
assert "param_start_ticket" not in rows[0], "a primitive's parameter as a column with holes"
assert {r["series"] for r in rows} == {"pthread-mutex", "ticket start_ticket=0"}, {r["series"] for r in rows}
assert {r["contention"] for r in rows} == {"high"}, "ncs=0 is high contention"
assert sorted({r["rep"] for r in rows}) == list("01234")
side = sbtest.load(f"{d}/a.csv.context.json")
assert len(side["contexts"]) == 1, "csv: the context sidecar"
lines = [json.loads(l) for l in open(f"{d}/a.jsonl")]
assert len(lines) == 30 and set().union(*lines) == set(rows[0]), "jsonl: rows or keys differ from csv"
g = sbtest.load(f"{d}/a.gbench.json")
assert "json_schema_version" not in g["context"] and g["context"]["syncbench_schema"] == "syncbench/1"
bm = g["benchmarks"]
runs = [b for b in bm if b["run_type"] == "iteration"]
aggregates = [b for b in bm if b["run_type"] == "aggregate"]
assert len(runs) == 30 and len(aggregates) == 24, f"gbench: {len(runs)} runs, {len(aggregates)} aggregates"
e = bm[0]
assert e["name"].startswith("lock/pthread-mutex/threads:1/cs:20"), e["name"]
assert (e["run_type"], e["time_unit"], e["repetitions"], e["repetition_index"]) == ("iteration", "ns", 5, 0)
assert abs(e["real_time"] - 1e9 / e["ops_per_sec"]) < 1e-6 * e["real_time"]
import statistics
times = [b["real_time"] for b in runs if b["run_name"] == e["run_name"]]
agg = {b["aggregate_name"]: b for b in aggregates if b["run_name"] == e["run_name"]}
assert agg["median"]["name"] == e["name"] + "_median" and agg["cv"]["aggregate_unit"] == "percentage"
assert abs(agg["median"]["real_time"] - statistics.median(times)) < 1e-9 * agg["median"]["real_time"]
assert abs(agg["stddev"]["real_time"] - statistics.stdev(times)) < 1e-6 * agg["stddev"]["real_time"]
assert g["context"]["caches"] and g["context"]["caches"][0]["type"] == "Data", g["context"]["caches"]
print("export: csv, jsonl and gbench have the expected 30 rows and columns")
PY

# --- compare: b is a with ticket at 2 threads made 2x faster (make_b.py).
"$BIN" compare "$fixtures/a" "$b" >"$scratch/cmp.txt"
grep -Eq '^lock/ticket/threads:2/\S+ .* \+100\.0% +\[\+[0-9.]+%, \+[0-9.]+%\] +0\.0079 +0\.0476$' "$scratch/cmp.txt" ||
	fail "the planted 2x change is not flagged: $(grep ticket/threads:2 "$scratch/cmp.txt")"
[ "$(grep -Ec ' ~ +\[.*\] +1\.0000 +1\.0000$' "$scratch/cmp.txt")" -eq 5 ] || fail "unchanged configurations are not ~ with p 1"
grep -q 'summary: 6 configurations compared; 1 changed at a false discovery rate of 0.05 (1 better, 0 worse).*geometric mean of B/A 1\.1225' "$scratch/cmp.txt" ||
	fail "summary: $(grep summary "$scratch/cmp.txt")"
"$PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1])); d["results"] = d["results"][1:]
json.dump(d, open(sys.argv[2], "w"))' "$a" "$scratch/fewer.json"
"$BIN" compare "$a" "$scratch/fewer.json" | grep -q '^only in A: lock/pthread-mutex/threads:1/' ||
	fail "a configuration in A only is not listed"
rc=0; "$BIN" compare "$a" /nonexistent 2>"$scratch/err" || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$scratch/err")" -eq 1 ] || fail "compare with a missing file: status $rc"

# --- Google Benchmark's own compare.py (Debian: libbenchmark-tools) reads our gbench export.
gb_compare=/usr/share/benchmark/compare.py
if [ -f "$gb_compare" ] && "$PYTHON" -c 'import scipy' 2>/dev/null; then
	"$BIN" export --format gbench "$b" >"$scratch/b.gbench.json"
	"$PYTHON" "$gb_compare" benchmarks "$scratch/a.gbench.json" "$scratch/b.gbench.json" |
		sed 's/\x1b\[[0-9;]*m//g' >"$scratch/gb.txt"
	grep -Eq '^lock/ticket/threads:2/\S*_pvalue +0\.0079 ' "$scratch/gb.txt" ||
		fail "Google Benchmark's compare.py does not find the planted change"
	[ "$(grep -c '_pvalue' "$scratch/gb.txt")" -eq 6 ] || fail "compare.py: not 6 U tests"
else
	echo "test_results.sh: SKIPPED Google Benchmark's compare.py: libbenchmark-tools or python3-scipy missing"
fi

# --- plot.py: every figure and the page, non-empty.  The fixture predates
# the lock's latency kinds (its samples are kind "op"), so the export, and
# with it the page, has no acquire latency for it: tests/test_page.sh checks
# the latency figures on a fresh run.
if "$PYTHON" -c 'import matplotlib, pandas' 2>/dev/null; then
	"$PYTHON" "$(dirname "$0")/../results/plot.py" "$fixtures/a" --out "$scratch/plot" >/dev/null
	for f in index.html figures/{throughput,normalized,fairness}-lock.{png,svg}; do
		[ -s "$scratch/plot/$f" ] || fail "plot.py did not write $f"
	done
	grep -q 'throughput-lock.png' "$scratch/plot/index.html" || fail "index.html lacks the figures"
else
	echo "test_results.sh: SKIPPED plot.py: python3-matplotlib is missing (./run.sh test installs it)"
fi

# --- resume: kill a sweep midway; --resume runs exactly what is missing.
# Windows of 0.3 s hold two configurations of 2 x 0.1 s: their repetitions interleave.
args=(run --bench lock --prim ttas,ticket,pthread-mutex --threads 1,2 --set cs=0,10
      --duration 0.1 --warmup 0 --reps 2 --interleave 0.3 --events none --out "$scratch/r.json")
"$BIN" "${args[@]}" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do	# until at least one configuration is on disk
	[ -s "$scratch/r.json" ] && break
	sleep 0.05
done
sleep 0.5
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
[ "$rc" -eq 4 ] || fail "the killed sweep exited with status $rc, not 4"
"$BIN" "${args[@]}" --resume --dry-run >"$scratch/plan.txt" 2>/dev/null
kept=$(grep -c '^kept' "$scratch/plan.txt" || true)
torun=$(grep -c '^run' "$scratch/plan.txt" || true)
[ "$((kept + torun))" -eq 12 ] && [ "$kept" -ge 1 ] && [ "$torun" -ge 1 ] ||
	fail "after the kill: $kept kept, $torun to run (expected 12 in all, some of each)"
"$PYTHON" - "$scratch" <<'PY'
import sys
import sbtest
d = sbtest.load(f"{sys.argv[1]}/r.json")
plan = [l.split("\t") for l in open(f"{sys.argv[1]}/plan.txt").read().splitlines()]
assert d["complete"] is False and d["interrupted_by"] == "SIGTERM"
assert len(d["results"]) == sum(1 for k, _ in plan if k == "kept"), "the dry run disagrees with the file"
assert len(d["results"]) % 2 == 0, "a window of two configurations was split"
for a, b in zip(d["results"][::2], d["results"][1::2]):
    first, second = ([r["started_s"] for r in e["reps"]] for e in (a, b))
    assert max(first[0], second[0]) < min(first[1], second[1]), \
        f"repetitions not interleaved: {first} and {second}"
print(f"interleaved: each window's first pass ran before its second, over {len(d['results'])} configurations")
PY
cp "$scratch/r.json" "$scratch/before.json"
"$BIN" "${args[@]}" --resume --progress "0/$torun" >/dev/null 2>"$scratch/progress.txt"
grep -q "^syncbench: $torun/$torun configurations done" "$scratch/progress.txt" ||
	fail "progress did not reach $torun/$torun: $(tail -1 "$scratch/progress.txt")"
"$PYTHON" - "$scratch" "$(dirname "$0")/../results/schema.json" <<'PY'
import sys
import sbtest
d, before = (sbtest.load(f"{sys.argv[1]}/{n}.json") for n in ("r", "before"))
assert d["complete"] is True and len(d["results"]) == 12, (d["complete"], len(d["results"]))
names = [(e["prim"], e["threads"], e["params"]["cs"]) for e in d["results"]]
assert len(set(names)) == 12, "a configuration is missing or twice"
assert names == [(p, t, c) for p in ("ttas", "ticket", "pthread-mutex") for c in (0, 10) for t in (1, 2)], \
    "not in sweep order"
kept = {(e["prim"], e["threads"], e["params"]["cs"]): e for e in before["results"]}
for e in d["results"]:
    k = (e["prim"], e["threads"], e["params"]["cs"])
    if k in kept:
        assert e == kept[k], f"{k}: a kept configuration was measured again"
assert len(d["context"]["resumes"]) == 1 and before["context"]["date"] == d["context"]["date"]
sbtest.check_schema("test_results.sh", d, "resumed", sys.argv[2])
print(f"resume: {len(kept)} kept, {12 - len(kept)} run, 12 in sweep order")
PY
"$BIN" "${args[@]}" --resume --dry-run 2>/dev/null | grep -q '^run' && fail "a complete file still has configurations to run"
# --- --then: two workloads in one run, each into its own file, their
# repetitions in the same passes (every first repetition before any second).
one=(--duration 0.05 --warmup 0 --reps 3 --events none)
"$BIN" run --bench lock --prim ttas,ticket --threads 1,2 "${one[@]}" --out "$scratch/j-lock.json" \
	--then --bench pingpong --threads 2 "${one[@]}" --out "$scratch/j-pp.json" >/dev/null ||
	fail "a run of two workloads joined by --then failed"
"$PYTHON" - "$scratch" <<'PY'
import sys
import sbtest
lock, pp = (sbtest.load(f"{sys.argv[1]}/j-{n}.json") for n in ("lock", "pp"))
assert lock["complete"] and pp["complete"], "a joined workload's document is incomplete"
assert [len(lock["results"]), len(pp["results"])] == [4, 1], (len(lock["results"]), len(pp["results"]))
assert pp["context"]["command_line"][:4] == ["syncbench", "run", "--bench", "pingpong"], \
    pp["context"]["command_line"]
assert "--then" not in lock["context"]["command_line"], "a document's command line is not its own"
entries = lock["results"] + pp["results"]
starts = [[r["started_s"] for r in e["reps"]] for e in entries]
assert max(s[0] for s in starts) < min(s[1] for s in starts), f"not one pass per repetition: {starts}"
print("--then: lock and pingpong in one run, two documents, repetitions interleaved across both")
PY
echo "test_results.sh: all passed"
