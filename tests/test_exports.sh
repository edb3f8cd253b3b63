# Exports and compare on two real quick sweeps (issue 18): the tidy tables
# load into pandas with every column's type as the schemas declare and no
# dtype fixing, every row validates against its schema; Google Benchmark's
# own compare.py (Debian libbenchmark-tools) reads the gbench export, also
# with failed and empty configurations in it, in `benchmarks` mode and with
# -a; and compare gives per-side figures, the correction, filters, formats,
# warnings, aligned columns and its exit status.
. "$(dirname "$0")/lib.sh"

repo=$(cd "$(dirname "$0")/.." && pwd)
schemas=$repo/results
fixtures=$repo/results/fixtures

# --- Two quick sweeps (run.sh runs its own ./syncbench), side by side.  They
# are data for the checks below, made by ./syncbench whatever $BIN is: the
# sanitizer runs of the suite (check-tsan, check-asan) take the ones the
# plain run made with the same ./syncbench, kept in build/, and check their
# own $BIN's export and compare on them.
sweeps=$repo/build/test_exports-sweeps-$(sha256sum "$repo/syncbench" | cut -c1-16)
if [ -d "$sweeps/q1" ] && [ -d "$sweeps/q2" ]; then
	cp -r "$sweeps/q1" "$sweeps/q2" "$scratch/"
else
	for s in 1 2; do
		"$repo/run.sh" quick --no-build --no-report --dir "$scratch/q$s" >"$scratch/q$s.log" 2>&1 &
	done
	for s in 1 2; do
		wait -n || fail "a quick sweep failed: $(tail -3 "$scratch"/q*.log)"
	done
	rm -rf "$repo"/build/test_exports-sweeps-*
	mkdir -p "$sweeps.tmp" && cp -r "$scratch/q1" "$scratch/q2" "$sweeps.tmp/" && mv "$sweeps.tmp" "$sweeps"
fi
# A configuration that crashed, and one whose windows counted no operation
# (counting the sweeps' events, so that its rows have the same columns).
mkdir -p "$scratch/bad"
"$BIN" run --bench lock --prim crash --threads 2 --duration 0.01 --warmup 0 --reps 2 --events none \
	--out "$scratch/bad/crash.json" >/dev/null 2>&1 && fail "the crashing lock did not fail"
"$BIN" run --bench lock --prim slow --set hold_ms=300 --threads 1 --duration 0.01 --warmup 0.02 --reps 3 \
	--out "$scratch/bad/slow.json" >/dev/null
echo "two quick sweeps: $(grep -c '^lock\|^rw\|^atomic' "$scratch/q1/table.txt") and $(grep -c '^lock\|^rw\|^atomic' "$scratch/q2/table.txt") rows of lock, rw and atomic; a crashed and an empty configuration"

# --- Tidy tables: one file per workload, each column its declared type in pandas.
mkdir "$scratch/t"
for level in rep config; do
	for format in csv jsonl; do
		"$BIN" export --format "$format" --level "$level" --out "$scratch/t/$level.$format" \
			"$scratch/q1" "$scratch/bad" 2>>"$scratch/export.err" || fail "export $format $level failed"
	done
done
grep -q "1 configuration measured no repetition (error, crashed or timeout)" "$scratch/export.err" ||
	fail "the configuration without repetitions was not counted: $(cat "$scratch/export.err")"
"$PYTHON" - "$scratch/t" "$schemas" "$scratch/q1" <<'PY'
import glob, json, re, sys
import sbtest
import pandas as pd
from jsonschema import Draft202012Validator
t, schemas, sweep = sys.argv[1:]
docs = {f.split("/")[-1][:-5]: sbtest.load(f) for f in glob.glob(f"{sweep}/*.json")}
dtype_of = {"integer": "int64", "number": "float64", "string": "object", "boolean": "bool"}
for level in ("rep", "config"):
    schema = sbtest.load(f"{schemas}/export-{level}.schema.json")
    check = Draft202012Validator(schema)
    def declared(col):
        if col in schema["properties"]:
            return schema["properties"][col]["type"]
        for pattern, s in schema["patternProperties"].items():
            if re.search(pattern, col):
                return s["type"]
        raise AssertionError(f"{level}: column {col} is in no schema")
    tables = sorted(glob.glob(f"{t}/{level}.*.csv"))
    assert len(tables) == len(docs), f"{level}: {len(tables)} tables for {len(docs)} workloads"
    rows = 0
    for path in tables:
        bench = path.split("/")[-1][len(level) + 1:-4]
        csv = pd.read_csv(path)
        jsonl = pd.read_json(path[:-4] + ".jsonl", lines=True, dtype=False)
        assert list(csv.columns) == list(jsonl.columns), f"{path}: csv and jsonl columns differ"
        assert len(csv) == len(jsonl) and (csv["bench"] == bench).all(), path
        for line in open(path[:-4] + ".jsonl"):
            check.validate(json.loads(line))
        for col in csv.columns:
            want = declared(col)
            if isinstance(want, list):      # parameters: integers or choices; numbers or null
                want = "number" if "number" in want else \
                    "integer" if all(isinstance(v, int) for v in jsonl[col]) else "string"
            for name, frame in (("csv", csv), ("jsonl", jsonl)):
                assert str(frame[col].dtype) == dtype_of[want], \
                    f"{path} ({name}): {col} is {frame[col].dtype}, declared {want}"
        # The data: every repetition (or configuration) of the workload's document, in order.
        entries = docs.get(bench, {"results": []})["results"]
        want_rows = sum(len(e["reps"]) for e in entries) if level == "rep" else len(entries)
        if bench == "lock":
            want_rows += 3 if level == "rep" else 2    # slow's 3 repetitions; crash's entry too
        assert len(csv) == want_rows, f"{path}: {len(csv)} rows, the documents have {want_rows}"
        if level == "rep" and bench == "lock":
            e = entries[0]
            first = csv.iloc[0]
            assert first["ops_count"] == e["reps"][0]["ops"] and first["wall_ns"] == e["reps"][0]["wall_ns"]
            assert first["started_s"] == e["reps"][0]["started_s"]
            assert json.loads(first["pus"]) == e["placement"]["pus"]
            assert first["contention"] == ("high" if e["params"]["ncs"] == 0 else "low")
            assert first["series"] == e["prim"] and first["param_ncs"] == e["params"]["ncs"]
            assert abs(first["latency_handoff_samples"] -
                       e["summary"]["acquire_latency"]["kinds"].get("handoff", {"samples": 0})["samples"]) == 0
            # Raw counts beside scaled ones: software events are never scaled.
            assert (csv["counter_context_switches_count"] == csv["counter_context_switches_scaled"]).all()
            assert "handoff_vs_floor_ratio" in csv and "prim_stat_parks" in csv
        if level == "config" and bench == "lock":
            crash = csv[csv["prim"] == "crash"].iloc[0]
            assert crash["status"] == "crashed" and crash["ops_per_s_n"] == 0 and crash["reps_count"] == 0
        rows += len(csv)
    print(f"{level}: {len(tables)} tables, {rows} rows; pandas read every column as its schema declares")
PY

# --- Google Benchmark's compare.py on the two sweeps, the failures included.
gb_compare=/usr/share/benchmark/compare.py
if [ -f "$gb_compare" ] && "$PYTHON" -c 'import scipy' 2>/dev/null; then
	"$BIN" export --format gbench "$scratch/q1" "$scratch/bad" >"$scratch/a.gb.json"
	"$BIN" export --format gbench "$scratch/q2" "$scratch/bad" >"$scratch/b.gb.json"
	"$PYTHON" - "$scratch/a.gb.json" <<'PY'
import sys
import sbtest
g = sbtest.load(sys.argv[1])
runs = g["benchmarks"]
errors = [b for b in runs if b.get("error_occurred")]
assert any(b["error_message"].startswith("crashed: ") for b in errors), "the crash is not an error"
empty = [b for b in errors if b["error_message"].startswith("no operation completed")]
# slow's 3; on a loaded machine a sweep's repetition may also count nothing in its window.
assert len([b for b in empty if b["run_name"].startswith("lock/slow/")]) == 3, empty
assert all(b["iterations"] == 0 and b["real_time"] > 1e6 for b in empty), empty[:1]
assert all(b["real_time"] is not None and b["cpu_time"] is not None for b in runs)
slow = [b for b in runs if b["run_name"].startswith("lock/slow/") and b["run_type"] == "aggregate"]
assert not slow, "aggregates over repetitions that all failed"
names = {b["aggregate_name"] for b in runs if b["run_type"] == "aggregate"}
assert names == {"mean", "median", "stddev", "cv"}, names
ctx = g["context"]
assert ctx["caches"] and ctx["num_cpus"] >= 1 and isinstance(ctx["cpu_scaling_enabled"], bool)
print(f"gbench: {len(runs)} runs and aggregates, {len(errors)} errors; context caches "
      f"{[c['type'][0] + str(c['level']) for c in ctx['caches']]}, {ctx.get('mhz_per_cpu', 'no')} MHz")
PY
	for mode in "" -a; do
		rc=0
		# shellcheck disable=SC2086  # -a or nothing
		"$PYTHON" "$gb_compare" $mode benchmarks "$scratch/a.gb.json" "$scratch/b.gb.json" \
			>"$scratch/gb.txt" 2>"$scratch/gb.err" || rc=$?
		[ "$rc" -eq 0 ] || fail "compare.py ${mode:-(benchmarks)}: status $rc: $(tail -3 "$scratch/gb.err")"
		sed -i 's/\x1b\[[0-9;]*m//g' "$scratch/gb.txt"
		pvalues=$(grep -c '_pvalue ' "$scratch/gb.txt" || true)
		medians=$(grep -c '_median ' "$scratch/gb.txt" || true)
		[ "$pvalues" -ge 200 ] && [ "$medians" -ge 200 ] ||
			fail "compare.py ${mode:-benchmarks}: $pvalues U tests, $medians medians"
		# Repetitions: lines whose name has no aggregate's suffix; -a shows none.
		reps=$(grep -E '^lock/ttas/threads:1/\S+ ' "$scratch/gb.txt" |
			grep -Evc '^\S+_(mean|median|stddev|cv|pvalue) ' || true)
		if [ "$mode" = -a ]; then
			[ "$reps" -eq 0 ] || fail "compare.py -a shows $reps repetitions"
		else
			[ "$reps" -ge 12 ] || fail "compare.py benchmarks shows $reps repetitions of lock/ttas/threads:1"
		fi
		echo "compare.py ${mode:-benchmarks}: $pvalues U tests, $medians medians compared, status 0"
	done
else
	echo "test_exports.sh: SKIPPED Google Benchmark's compare.py: libbenchmark-tools or python3-scipy missing"
fi

# --- compare on the two sweeps: every figure, the correction, JSON and CSV agree.
"$BIN" compare --format json "$scratch/q1" "$scratch/q2" >"$scratch/cmp.json" 2>"$scratch/cmp.err"
"$BIN" compare --format csv "$scratch/q1" "$scratch/q2" >"$scratch/cmp.csv" 2>/dev/null
"$BIN" compare "$scratch/q1" "$scratch/q2" >"$scratch/cmp.txt" 2>/dev/null
"$PYTHON" - "$scratch" <<'PY'
import csv, sys
import sbtest
d = sys.argv[1]
j = sbtest.load(f"{d}/cmp.json")
rows = list(csv.DictReader(open(f"{d}/cmp.csv")))
c = j["comparisons"]
assert len(c) == len(rows) == j["summary"]["compared"] >= 200, (len(c), len(rows))
assert j["correction"] == "benjamini-hochberg" and j["alpha"] == 0.05
for x, r in zip(c, rows):
    assert x["configuration"] == r["configuration"] and x["verdict"] == r["verdict"]
    assert x["a"]["n"] == 6 and x["b"]["n"] == 6, x
    assert x["a"]["ci95_lo"] <= x["a"]["median"] <= x["a"]["ci95_hi"]
    assert x["q"] >= x["p"] and x["q"] <= 1
    assert (x["verdict"] == "same") == (x["q"] >= 0.05), x
    assert x["ratio_ci95_lo"] <= x["ratio"] <= x["ratio_ci95_hi"] or x["ratio"] == 0, x
raw = sum(x["p"] < 0.05 for x in c)
assert raw == j["summary"]["raw_p_below_alpha"]
# The text: one line per configuration, every one as wide as the header.
lines = open(f"{d}/cmp.txt", encoding="utf-8").read().splitlines()
table = lines[lines.index(next(l for l in lines if l.startswith("configuration"))):][:len(c) + 1]
assert len({len(l) for l in table}) == 1, "the columns are not aligned"
same = sum(x["verdict"] == "same" for x in c)
print(f"compare: {len(c)} configurations, {raw} with raw p < 0.05, "
      f"{len(c) - same} after the correction; JSON, CSV and text agree, columns aligned")
PY

# --- Filters, warnings and the exit status.
"$BIN" compare --bench lock --threads 2 --set ncs=0 --prim ticket,ttas "$scratch/q1" "$scratch/q2" 2>/dev/null |
	awk '/^lock\//' >"$scratch/filtered"
[ "$(wc -l <"$scratch/filtered")" -eq 2 ] && ! grep -v '^lock/t[a-z]*/threads:2/cs:20/ncs:0/' "$scratch/filtered" ||
	fail "filters: $(cat "$scratch/filtered")"
grep -q '^pingpong/-/' <<<"$("$BIN" compare --bench pingpong --prim - "$scratch/q1" "$scratch/q2" 2>/dev/null)" ||
	fail "--prim - for configurations without a primitive"
w=(run --bench lock --prim ttas --threads 1 --warmup 0 --reps 2 --events none)
"$BIN" "${w[@]}" --duration 0.01 --out "$scratch/short.json" >/dev/null
"$BIN" "${w[@]}" --duration 0.02 --reps 3 --out "$scratch/long.json" >/dev/null
"$BIN" compare --format json "$scratch/short.json" "$scratch/long.json" >"$scratch/w.json" 2>"$scratch/w.err"
grep -q 'warning: the windows (--duration, s) differ in 1 of 1 configurations compared (A 0.01, B 0.02' "$scratch/w.err" &&
	grep -q 'warning: the repetitions (--reps) differ' "$scratch/w.err" ||
	fail "no warning for other windows or repetitions: $(cat "$scratch/w.err")"
"$PYTHON" -c 'import json, sys; assert len(json.load(open(sys.argv[1]))["warnings"]) == 2' "$scratch/w.json" ||
	fail "the JSON does not carry the warnings"
grep -q 'warning: the windows' <<<"$("$BIN" compare "$scratch/q1" "$scratch/q2" 2>&1 >/dev/null)" &&
	fail "a warning about windows between sweeps of one duration"
# b is a with ticket at 2 threads made 2x faster: a regression from b to a, not from a to b.
"$BIN" compare --fail-on-regression "$fixtures/a" "$fixtures/b" >/dev/null || fail "a to b is no regression"
"$BIN" compare --fail-on-regression --metric ns_per_op "$fixtures/a" "$fixtures/b" >/dev/null ||
	fail "a to b in ns/op is no regression"
rc=0; "$BIN" compare --fail-on-regression "$fixtures/b" "$fixtures/a" >/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "b to a: status $rc, not 1 for the regression"
rc=0; "$BIN" compare --fail-on-regression --metric ns_per_op "$fixtures/b" "$fixtures/a" >/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "b to a in ns/op: status $rc, not 1"
"$BIN" compare "$fixtures/b" "$fixtures/a" >/dev/null || fail "without --fail-on-regression, a regression is status 0"
echo "compare: filters, warnings for other windows and repetitions, --fail-on-regression 1 only for a regression"
echo "test_exports.sh: all passed"
