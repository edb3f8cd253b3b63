# Faults a sweep must survive, each checked on what is left on disk.
#
# Primitives that hang, crash and lose a wakeup: each configuration is
# recorded (timeout, crashed with the signal, timeout) and the sweep goes
# on, so the correct lock after each of them is measured and passes.
. "$(dirname "$0")/lib.sh"

rc=0
"$BIN" run --bench validate --prim deadlock,tas,crash,ttas,lost-wakeup,ticket --threads 2 \
	--duration 0.1 --warmup 0 --reps 1 --out "$scratch/faulty.json" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "the sweep over faulty primitives exited with $rc, not 1"
"$PYTHON" - "$scratch/faulty.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["complete"] is True and doc["interrupted_by"] is None, "the sweep did not complete"
got = [(r["prim"], r["status"], r["status_detail"] or "") for r in doc["results"]]
expected = [("deadlock", "timeout"), ("tas", "ok"), ("crash", "crashed"), ("ttas", "ok"),
            ("lost-wakeup", "timeout"), ("ticket", "ok")]
assert [(p, s) for p, s, _ in got] == expected, got
crash_detail = got[2][2]
assert "signal 6" in crash_detail and "Aborted" in crash_detail, crash_detail
print("deadlock and lost wakeup recorded as timeout, crash as", repr(crash_detail),
      "and the sweep went on after each")
PY
