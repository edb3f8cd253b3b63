# The ticket locks across the 2^32 wrap: both counters start a few tickets
# below UINT32_MAX and cross it under contention, oversubscribed too.
. "$(dirname "$0")/lib.sh"

"$BIN" run --bench validate --prim ticket,ticket-prop --set start_ticket=4294967290 \
	--threads 2,4 --duration 0.2 --warmup 0 --reps 2 --out "$scratch/w.json" >/dev/null

"$PYTHON" - "$scratch/w.json" <<'PY'
import sys
import sbtest
for r in sbtest.load(sys.argv[1])["results"]:
    assert r["params"]["start_ticket"] == 4294967290, r["params"]
    assert r["status"] == "ok" and r["check"]["result"] == "passed", (r["status"], r["check"])
    for rep in r["reps"]:
        ops = rep["bench_stats"]["writes"] + rep["bench_stats"]["reads"]
        assert ops > 6, f"only {ops} acquisitions: the wrap was not crossed"
print("ticket and ticket-prop crossed UINT32_MAX under contention and kept exclusion")
PY
