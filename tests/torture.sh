#!/usr/bin/env bash
# Torture: every primitive in the registry under the `validate` workload
# with random hold and gap times, yields and short sleeps inside and
# outside the critical section, at 2 threads up to 4 x PUs (after the
# kernel's locktorture and Concurrency Kit's validate programs).
#
# usage: BIN=./syncbench [TORTURE_SECONDS=S] tests/torture.sh
#   TORTURE_SECONDS: the measured seconds of each configuration (default 5).
#   TORTURE_THREADS: the thread counts (default 2, PUs, 2 x PUs, 4 x PUs).
#
# Fails when a lock breaks exclusion (the validate check) or reader/writer
# exclusion, when a configuration crashes or hangs, or when some thread
# made no acquisition in its measured window (progress; read from the
# per-thread `ops` of the result).  Unfairness -- the busiest thread
# acquiring more than twice as often as the least busy, locktorture's
# flag -- prints a warning line and does not fail.  To prove that the
# checks can fail, the deliberately broken lock must fail its check and
# the lost-wakeup lock must hang into the sweep's time limit.
. "$(dirname "$0")/lib.sh"

seconds=${TORTURE_SECONDS:-5}
pus=$(nproc)
threads=${TORTURE_THREADS:-$(printf '%s\n' 2 "$pus" $((2 * pus)) $((4 * pus)) | sort -n -u | paste -s -d,)}
stress=(--bench validate --set hold=200 --set gap=200 --set yield_pct=5 --set sleep_pct=1
	--warmup 0 --reps 1)

start=$SECONDS
"$BIN" run "${stress[@]}" --duration "$seconds" --prim all --threads "$threads" --out "$scratch/torture.json" \
	>"$scratch/table" 2>"$scratch/stderr" || true
"$BIN" run "${stress[@]}" --duration 0.2 --prim broken,lost-wakeup --threads 2 --out "$scratch/proof.json" \
	>/dev/null 2>&1 || true	# a short window: it keeps the lost wakeup's time limit short

"$PYTHON" - "$scratch/torture.json" "$scratch/proof.json" "$((SECONDS - start))" <<'PY'
import json, sys
doc, proof, elapsed = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
bad, warnings = [], []
for r in doc["results"]:
    tag = f"{r['prim']} at {r['threads']} threads"
    expected_check = "skipped" if r["prim"] == "null" else "passed"
    if r["status"] != "ok" or (r["check"] or {}).get("result") != expected_check:
        bad.append(f"{tag}: {r['status']}: {r['status_detail'] or r['check']}")
        continue
    for rep in r["reps"]:
        ops = [t["ops"] for t in rep["threads"]]
        if min(ops) == 0:
            bad.append(f"{tag}: no progress: {ops.count(0)} of {len(ops)} threads never acquired")
        elif max(ops) > 2 * min(ops):
            warnings.append(f"warning: unfair: {tag}: busiest thread {max(ops)} ops, "
                            f"least busy {min(ops)} ({max(ops) / min(ops):.1f}x)")
proof_status = {r["prim"]: r["status"] for r in proof["results"]}
if proof_status.get("broken") not in ("failed", "crashed"):
    bad.append(f"the broken lock was not caught: {proof_status.get('broken')}")
if proof_status.get("lost-wakeup") != "timeout":
    bad.append(f"the lost-wakeup lock was not caught as a hang: {proof_status.get('lost-wakeup')}")
for w in warnings:
    print(w)
if not doc["complete"] or not doc["results"]:
    bad.append("the torture sweep did not complete")
if bad:
    sys.exit("torture FAILED:\n  " + "\n  ".join(bad))
prims = sorted({r["prim"] for r in doc["results"]})
print(f"torture: {len(doc['results'])} configurations over {len(prims)} primitives passed "
      f"exclusion and progress ({len(warnings)} unfairness warnings); broken caught as "
      f"{proof_status['broken']}, lost-wakeup as {proof_status['lost-wakeup']}; {elapsed} s")
PY
