# pingpong: two threads pass the turn; the handoffs all arrive (check) and
# the one-way transfer time is positive and finite, median below p99.
. "$(dirname "$0")/lib.sh"

"$BIN" run --bench pingpong --threads 2 --duration 0.1 --warmup 0 --reps 2 \
	--out "$scratch/p.json" >/dev/null || fail "the run exited with status $?"

"$PYTHON" - "$scratch/p.json" <<'PY'
import json, math, sys
r = json.load(open(sys.argv[1]))["results"][0]
if r["prim"] is not None or r["status"] != "ok" or r["check"]["result"] != "passed":
    sys.exit(f"prim {r['prim']}, {r['status']} {r['check']}")
lat = r["summary"]["acquire_latency"]["kinds"]["one_way"]
p50, p99 = lat["p50_ns"], lat["p99_ns"]
if not (lat["samples"] > 0 and 0 < p50 <= p99 and math.isfinite(p99)):
    sys.exit(f"one_way latency {lat['samples']} samples, p50 {p50}, p99 {p99}")
if not 0 < r["summary"]["ns_per_op"]["median"] < math.inf:
    sys.exit(f"ns_per_op {r['summary']['ns_per_op']}")
print(f"one-way transfer: median {p50:.0f} ns, p99 {p99:.0f} ns over {lat['samples']} round trips")
PY
