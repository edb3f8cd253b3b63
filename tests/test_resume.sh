# --resume and the readers against documents that do not fit (issue 15,
# defects 4 and 7): other settings or another workload are refused before
# anything runs, with the file left as it was; no finished result is
# dropped; a damaged entry is never kept but measured again; and export,
# compare and plot.py refuse damaged documents with one line.
. "$(dirname "$0")/lib.sh"

schema="$(dirname "$0")/../results/schema.json"
args=(run --bench lock --prim ttas,ticket --threads 1,2 --duration 0.02 --warmup 0 --reps 2
      --interleave 0 --events none)
out="$scratch/r.json"
"$BIN" "${args[@]}" --out "$out" >/dev/null || fail "the first run failed"
cp "$out" "$scratch/before.json"

# --- 4. Other settings, another workload: status 2, one line naming what
# differs, the file byte for byte as it was, no lock left behind.
refused() {
	local label=$1 expect=$2; shift 2
	local rc=0
	"$BIN" "$@" --out "$out" --resume >"$scratch/stdout" 2>"$scratch/stderr" || rc=$?
	[ "$rc" -eq 2 ] && [ "$(wc -l <"$scratch/stderr")" -eq 1 ] && [ ! -s "$scratch/stdout" ] ||
		fail "$label: status $rc: $(cat "$scratch/stderr")"
	grep -q -- "$expect" "$scratch/stderr" || fail "$label: the reason does not name $expect: $(cat "$scratch/stderr")"
	cmp -s "$out" "$scratch/before.json" || fail "$label: the file was changed"
	[ ! -e "$out.lock" ] || fail "$label: the lock file was left behind"
}
refused "--reps 3" "with --reps 2 .*asks for 3" "${args[@]}" --reps 3
refused "--duration 0.03" "with --duration 0.02 .*asks for 0.03" "${args[@]}" --duration 0.03
refused "--warmup 0.01" "with --warmup 0 .*asks for 0.01" "${args[@]}" --warmup 0.01
refused "--events default" "counted --events none, this run asks for default" "${args[@]}" --events default
refused "another workload" "holds results of workload lock, this run measures pingpong" \
	run --bench pingpong --threads 2 --duration 0.02 --warmup 0 --reps 2 --events none
echo "resume with other --reps, --duration, --warmup, --events or workload: refused, file unchanged"

# A finished result outside this run's sweep stays, whatever its status:
# the ticket entries and a tas timeout, when resuming with --prim ttas only.
"$PYTHON" - "$out" <<'PY'
import copy, json, sys
import sbtest
d = sbtest.load(sys.argv[1])
t = copy.deepcopy(d["results"][0])
t.update(prim="tas", status="timeout", status_detail="no result", check=None, reps=[], summary=None)
t["params"] = {"cs": 0, "ncs": 0, "sample_every": 16}
d["results"].append(t)
json.dump(d, open(sys.argv[1], "w"))
PY
"$BIN" run --bench lock --prim ttas --threads 1,2 --duration 0.02 --warmup 0 --reps 2 --events none \
	--out "$out" --resume >/dev/null || fail "resuming a subset of the primitives failed"
"$PYTHON" - "$out" <<'PY'
import sys
import sbtest
d = sbtest.load(sys.argv[1])
got = sorted((e["prim"], e["threads"], e["status"]) for e in d["results"])
assert got == [("tas", 1, "timeout"), ("ticket", 1, "ok"), ("ticket", 2, "ok"), ("ttas", 1, "ok"), ("ttas", 2, "ok")], got
print("resume of a subset: the other configurations' entries, a timeout among them, kept")
PY
cp "$scratch/before.json" "$out"

# --- 7. Damaged entries: an "ok" entry without a summary and one whose
# repetitions are null are not kept; their configurations are measured
# again and the document ends valid against the schema.
"$PYTHON" - "$out" <<'PY'
import json, sys
import sbtest
d = sbtest.load(sys.argv[1])
d["results"][0]["summary"] = None
d["results"][1]["reps"] = [None, None]
json.dump(d, open(sys.argv[1], "w"))
PY
"$BIN" "${args[@]}" --out "$out" --resume --dry-run >"$scratch/plan.txt" 2>"$scratch/notes.txt"
[ "$(grep -c '^run' "$scratch/plan.txt")" -eq 2 ] && [ "$(grep -c '^kept' "$scratch/plan.txt")" -eq 2 ] ||
	fail "damaged entries: the plan is not 2 to run and 2 kept: $(cat "$scratch/plan.txt")"
[ "$(grep -c 'is not kept, it is damaged' "$scratch/notes.txt")" -eq 2 ] ||
	fail "damaged entries: not said on stderr: $(cat "$scratch/notes.txt")"
"$BIN" "${args[@]}" --out "$out" --resume >/dev/null 2>&1 || fail "resuming past damaged entries failed"
"$PYTHON" - "$out" "$scratch/before.json" "$schema" <<'PY'
import sys
import sbtest
d, before = (sbtest.load(p) for p in sys.argv[1:3])
sbtest.check_schema("test_resume.sh", d, "resumed past damaged entries", sys.argv[3])
assert d["complete"] and len(d["results"]) == 4
assert d["results"][0]["summary"] and all(d["results"][1]["reps"]), "a damaged entry was kept"
assert d["results"][2:] == before["results"][2:], "an intact entry was measured again"
print("damaged entries: not kept, measured again; the document is valid against the schema")
PY

# export, compare and plot.py on wrong-typed entries: status 2, one line,
# nothing on stdout and nothing written.
"$PYTHON" - "$scratch/before.json" "$scratch" <<'PY'
import json, sys
import sbtest
d = sbtest.load(sys.argv[1])
for name, change in {"threads-string": lambda e: e.update(threads="2"),
                     "bench-number": lambda e: e.update(bench=5),
                     "summary-null": lambda e: e.update(summary=None),
                     "reps-null": lambda e: e.update(reps=[None])}.items():
    bad = json.loads(json.dumps(d))
    change(bad["results"][0])
    json.dump(bad, open(f"{sys.argv[2]}/bad-{name}.json", "w"))
# Nested deeper than any parser's recursion: a clean refusal, not a crash.
text = json.dumps(d)
open(f"{sys.argv[2]}/bad-deep.json", "w").write(text[:-1] + ', "x": ' + "[" * 100000 + "]" * 100000 + "}")
PY
for f in "$scratch"/bad-*.json; do
	for cmd in "export --format csv" "export --format gbench" "compare $scratch/before.json"; do
		rc=0
		# shellcheck disable=SC2086  # the command's words
		"$BIN" $cmd "$f" >"$scratch/stdout" 2>"$scratch/stderr" || rc=$?
		[ "$rc" -eq 2 ] && [ "$(wc -l <"$scratch/stderr")" -eq 1 ] && [ ! -s "$scratch/stdout" ] ||
			fail "$cmd $(basename "$f"): status $rc, $(head -c 300 "$scratch/stderr")"
	done
	if "$PYTHON" -c 'import matplotlib' 2>/dev/null; then
		rc=0
		"$PYTHON" "$(dirname "$0")/../results/plot.py" "$f" --out "$scratch/plot" \
			>"$scratch/stdout" 2>"$scratch/stderr" || rc=$?
		[ "$rc" -eq 2 ] && [ "$(wc -l <"$scratch/stderr")" -eq 1 ] && [ ! -e "$scratch/plot" ] ||
			fail "plot.py $(basename "$f"): status $rc, $(head -c 300 "$scratch/stderr")"
	fi
done
echo "export, compare and plot.py on 5 damaged documents: status 2, one line each, nothing written"

# A work parameter given as a time names its configuration by that time, not
# by the units this machine's calibration made of it: another calibration
# (another machine of a sharded sweep, or this one on another day) must find
# the configuration done.  Here the units in the file are changed as another
# calibration would change them.
"$BIN" run --bench lock --prim ticket --threads 1 --set cs=40ns,40 --duration 0.01 --warmup 0 \
	--reps 1 --out "$scratch/timed.json" >/dev/null || fail "the run with cs=40ns exited with status $?"
"$PYTHON" - "$scratch/timed.json" <<'PY' || fail "cs=40ns is not recorded as asked (above)"
import json, sys
d = json.load(open(sys.argv[1]))
timed, plain = d["results"]
assert timed.get("work_asked_ns") == {"cs": 40.0}, timed.get("work_asked_ns")
assert "work_asked_ns" not in plain, plain
assert plain["params"]["cs"] == 40, plain["params"]
timed["params"]["cs"] += 7
json.dump(d, open(sys.argv[1], "w"))
PY
"$BIN" run --bench lock --prim ticket --threads 1 --set cs=40ns,40 --duration 0.01 --warmup 0 \
	--reps 1 --out "$scratch/timed.json" --resume --dry-run >"$scratch/timed.plan" 2>/dev/null ||
	fail "the dry resume exited with status $?"
[ "$(cut -f1 "$scratch/timed.plan" | sort | uniq -c | tr -s ' ')" = " 2 kept" ] ||
	fail "another calibration's cs=40ns is not kept on resume: $(cat "$scratch/timed.plan")"
grep -q $'^kept\tlock/ticket/threads:1/cs:40ns/' "$scratch/timed.plan" ||
	fail "cs=40ns is not named by its time: $(cat "$scratch/timed.plan")"
echo "cs=40ns: named by its time, kept on resume whatever the units another calibration made of it"
