# The Go references inside the harness: one configuration of every
# workload syncbench-go runs (lock and rw on go-mutex and go-rwmutex,
# chan-pingpong, chan-prodcons and ring on go-chan), in both modes,
# through `syncbench run`, interleaved with their C ports in one run.
# Every document matches results/schema.json; every Go entry is ok and
# passed its check, with the workload's kinds, sampled latencies, CPU time,
# the process's counters and placement as documented (threads: each
# worker on its PU; goroutines: no thread pinned, the process confined).
# A window too short for min_ops is extended.  syncbench-go's failed
# check is the entry's failed status, and its garbage an error.  Bad
# input exits 2 with one line and writes nothing: a Go reference under a
# workload it does not run, a value it cannot take, a missing program.
# Where go is not installed, only the missing program is checked, saying so.
. "$(dirname "$0")/lib.sh"

# Bad input: exit 2, one line on stderr, no file.
check_bad() {
	local what=$1 rc=0; shift
	rm -f "$scratch/bad.json"
	"$@" --out "$scratch/bad.json" >"$scratch/bad.out" 2>"$scratch/bad.err" || rc=$?
	[ "$rc" -eq 2 ] || fail "$what: exit $rc, expected 2"
	[ ! -s "$scratch/bad.out" ] && [ ! -e "$scratch/bad.json" ] || fail "$what: wrote output"
	[ "$(wc -l <"$scratch/bad.err")" -eq 1 ] || fail "$what: not one line on stderr: $(cat "$scratch/bad.err")"
}

# Without the program (this copy of syncbench has none next to it), a Go
# reference is bad input naming the package, and `all` and the sweep plan
# leave the references out.  (Captured first: grep -q stopping early
# would break the pipe.)  This part needs no Go.
nogo=$scratch/nogo
mkdir "$nogo" && cp "$BIN" "$nogo/syncbench"
check_bad "go-mutex without syncbench-go" "$nogo/syncbench" run --bench lock --prim go-mutex --threads 2
grep -q "golang-go" "$scratch/bad.err" || fail "a missing syncbench-go: $(cat "$scratch/bad.err")"
all=$("$nogo/syncbench" run --bench lock --prim all --threads 2 --dry-run)
[[ $all != *go-* ]] || fail "--prim all took a Go reference whose program is missing"
plan=$("$nogo/syncbench" list --sweep)
[[ $plan != *go-* && $plan != *mode=* ]] || fail "the sweep plan names the missing Go references"

GOREF=$(dirname "$BIN")/syncbench-go
if [ ! -x "$GOREF" ]; then
	if ! command -v go >/dev/null; then
		echo "test_go_harness: a missing syncbench-go refused; the rest skipped: go is not installed (Debian package golang-go; run.sh installs it)"
		exit 0
	fi
	fail "$GOREF is missing: make builds it when go is installed"
fi

short=(--duration 0.05 --warmup 0.01 --reps 2 --set mode=threads,goroutines)
"$BIN" run --bench lock --prim go-mutex,go-rwmutex,gomutex --threads 2 --set cs=10 --set ncs=10 \
	--set sample_every=1 "${short[@]}" --out "$scratch/lock.json" \
	--then --bench rw --prim go-mutex,go-rwmutex,gorwmutex --threads 2 --set cs=10 "${short[@]}" \
	--out "$scratch/rw.json" \
	--then --bench chan-pingpong --prim go-chan,gochan --threads 2 --duration 0.002 --warmup 0.01 \
	--reps 2 --set mode=threads,goroutines --out "$scratch/pp.json" \
	--then --bench chan-prodcons --prim go-chan --threads 4 --set cap=16 "${short[@]}" \
	--out "$scratch/pc.json" \
	--then --bench ring --prim go-chan,gochan --threads 3 "${short[@]}" --out "$scratch/ring.json" \
	>"$scratch/table" 2>"$scratch/stderr" || fail "the run exited with status $?: $(cat "$scratch/stderr")"

"$PYTHON" - "$scratch"/{lock,rw,pp,pc,ring}.json <<'PY'
import sys
import sbtest
paths = sys.argv[1:]
schema_problems = sbtest.schema_checker("test_go_harness.sh")
kinds = {"lock": ["handoff", "reacquire"], "rw": ["read", "write"], "chan-pingpong": ["round_trip", "echo"],
         "chan-prodcons": ["send", "recv"]}
bad, go_seen = [], set()
for path in paths:
    doc = sbtest.load(path)
    bad += schema_problems(doc, path)
    events = {e["name"]: e["available"] for e in doc["context"]["counters"]["events"]}
    for e in doc["results"]:
        tag = f"{e['bench']}/{e['prim']}/{e['params']}"
        if e["status"] != "ok" or e["check"]["result"] != "passed":
            bad.append(f"{tag}: {e['status']} {e['status_detail']} {e['check']}")
            continue
        if not (e["prim"] or "").startswith("go-"):
            continue
        go_seen.add((e["bench"], e["prim"], e["params"]["mode"]))
        pl, s = e["placement"], e["summary"]
        for rep in e["reps"]:
            if rep["ops"] < doc["context"]["min_ops"] and "few_ops" not in e["flags"]:
                bad.append(f"{tag}: {rep['ops']} ops, the window was not extended, nor flagged")
            if kinds.get(e["bench"]) and set(rep["ops_by_kind"]) != set(kinds[e["bench"]]):
                bad.append(f"{tag}: kinds {rep['ops_by_kind']}")
            if "process_counters" not in rep or any(t["counters"] for t in rep["threads"]):
                bad.append(f"{tag}: counters not the process's")
            if e["params"]["mode"] == "threads":
                if [t["pu"] for t in rep["threads"]] != pl["pus"] or None in pl["pus"]:
                    bad.append(f"{tag}: threads ran on {[t['pu'] for t in rep['threads']]}, placement {pl}")
                if any(t["cpu_ns"] is None for t in rep["threads"]):
                    bad.append(f"{tag}: threads mode without per-thread CPU time")
            else:
                if any(p is not None for p in pl["pus"]) or not pl.get("confined_to"):
                    bad.append(f"{tag}: goroutines are pinned to nothing, confined to a set: {pl}")
                if any(t["cpu_ns"] is not None for t in rep["threads"]) or rep["cpu_ns"] <= 0:
                    bad.append(f"{tag}: goroutines: the process's CPU time, none per thread")
            if "goroutines_scheduled" not in rep["prim_stats"]:
                bad.append(f"{tag}: prim_stats {rep['prim_stats']}")
        if not s["cpu_ns_per_op"] or s["cpu_ns_per_op"] <= 0:
            bad.append(f"{tag}: cpu_ns_per_op {s['cpu_ns_per_op']}")
        clock = s["counters"].get("task-clock")
        if events.get("task-clock") and not (clock and clock["total"] and clock["total"] > 0):
            bad.append(f"{tag}: task-clock {clock}")
        if e["bench"] in ("lock", "chan-pingpong"):
            lat = (s["acquire_latency"] or {}).get("kinds", {})
            want = "round_trip" if e["bench"] == "chan-pingpong" else "reacquire"
            if want not in lat or not lat[want]["samples"] or lat[want]["p50_ns"] > lat[want]["p99_ns"]:
                bad.append(f"{tag}: acquire latency {lat}")
want = {(b, p, m) for m in ("threads", "goroutines")
        for b, p in [("lock", "go-mutex"), ("lock", "go-rwmutex"), ("rw", "go-mutex"), ("rw", "go-rwmutex"),
                     ("chan-pingpong", "go-chan"), ("chan-prodcons", "go-chan"), ("ring", "go-chan")]}
if want - go_seen:
    bad.append(f"not run: {sorted(want - go_seen)}")
if bad:
    sys.exit("\n".join(bad))
PY
[ $? -eq 0 ] || fail "the Go references' results are wrong (above)"

# The harness reports what the program says: a broken run's failed check
# fails the entry (exit 1), and output that is no result is an error.
# Each stand-in sits next to a copy of syncbench, where it looks.
fake=$scratch/fake
mkdir "$fake" && cp "$BIN" "$fake/syncbench"
printf '#!/bin/sh\nexec %q -test-break "$@"\n' "$GOREF" >"$fake/syncbench-go"
chmod +x "$fake/syncbench-go"
rc=0
"$fake/syncbench" run --bench lock --prim go-mutex --threads 4 --duration 0.1 --warmup 0 --reps 1 \
	--out "$scratch/broken.json" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "a broken syncbench-go run exited with status $rc, not 1"
"$PYTHON" -c 'import json, sys; e = json.load(open(sys.argv[1]))["results"][0]
sys.exit(e["status"] != "failed" or "together" not in e["status_detail"])' "$scratch/broken.json" ||
	fail "a broken syncbench-go run is not status failed: $(cat "$scratch/broken.json")"
printf '#!/bin/sh\necho "{not json"\n' >"$fake/syncbench-go"
rc=0
"$fake/syncbench" run --bench lock --prim go-mutex --threads 2 --duration 0.01 --warmup 0 --reps 1 \
	--out "$scratch/garbage.json" >/dev/null 2>&1 || rc=$?
"$PYTHON" -c 'import json, sys; e = json.load(open(sys.argv[1]))["results"][0]
sys.exit(e["status"] != "error" or "not one JSON object" not in e["status_detail"])' "$scratch/garbage.json" ||
	fail "garbage from syncbench-go is not an error (exit $rc): $(cat "$scratch/garbage.json")"

check_bad "go-mutex under validate" "$BIN" run --bench validate --prim go-mutex --threads 2
grep -q "external reference" "$scratch/bad.err" || fail "go-mutex under validate: $(cat "$scratch/bad.err")"
check_bad "go-chan under lock" "$BIN" run --bench lock --prim go-chan --threads 2
check_bad "go-mutex under chan-pingpong" "$BIN" run --bench chan-pingpong --prim go-mutex --threads 2
check_bad "elem_bytes=24 on go-chan" "$BIN" run --bench chan-prodcons --prim go-chan --threads 2 --set elem_bytes=8,24
grep -q "compile time" "$scratch/bad.err" || fail "elem_bytes=24: $(cat "$scratch/bad.err")"
check_bad "mode=fibers" "$BIN" run --bench lock --prim go-mutex --threads 2 --set mode=fibers
plan=$("$BIN" list --sweep)
[[ $plan == *go-mutex*mode=threads,goroutines* ]] || fail "the sweep plan lacks the Go references"

echo "test_go_harness: 7 Go configurations x 2 modes run and checked, 2 stand-ins, 6 bad inputs refused"
