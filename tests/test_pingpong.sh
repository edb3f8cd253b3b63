# pingpong: two threads pass the turn; the handoffs all arrive (check) and
# the one-way transfer time is positive and finite, median below p99.
. "$(dirname "$0")/lib.sh"

"$BIN" run --bench pingpong --threads 2 --duration 0.1 --warmup 0 --reps 2 \
	--out "$scratch/p.json" >/dev/null || fail "the run exited with status $?"

"$PYTHON" - "$scratch/p.json" <<'PY'
import math, sys
import sbtest
r = sbtest.load(sys.argv[1])["results"][0]
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

# --placement pairs: one entry per ordered pair of PUs, each with a positive,
# finite transfer time.  Whether the matrix is symmetric is a figure, not a
# property: a loaded VM makes one direction slow now and then, so it is
# printed, not asserted.
"$BIN" run --bench pingpong --threads 2 --placement pairs --duration 0.05 --warmup 0.01 \
	--reps 3 --out "$scratch/pairs.json" >/dev/null || fail "the pairs run exited with status $?"

"$PYTHON" - "$scratch/pairs.json" <<'PY'
import math, sys
import sbtest
doc = sbtest.load(sys.argv[1])
npus = doc["context"]["topology"]["pus"]
ns = {}
for r in doc["results"]:
    a, b = r["placement"]["pus"]
    v = r["summary"]["acquire_latency"]["kinds"]["one_way"]["p50_ns"]
    per_op = r["summary"]["ns_per_op"]["median"]
    if r["placement"]["policy"] != "pairs" or r["status"] != "ok" or a == b or (a, b) in ns:
        sys.exit(f"entry on {a},{b}: policy {r['placement']['policy']}, {r['status']}")
    if not (0 < v < math.inf and per_op is not None and 0 < per_op < math.inf):
        sys.exit(f"pair {a},{b}: one-way median {v} ns, ns/op {per_op}")
    ns[(a, b)] = v
if len(ns) != npus * (npus - 1):
    sys.exit(f"{len(ns)} pairs measured on {npus} PUs")
print("pairs, median one way:", ", ".join(f"{a}->{b} {v:.0f} ns" for (a, b), v in sorted(ns.items())))
PY

# plot.py draws the matrix as a heat map, and only so: one line at x=2 would say nothing.
if "$PYTHON" -c 'import matplotlib' 2>/dev/null; then
	"$PYTHON" "$(dirname "$0")/../results/plot.py" "$scratch/pairs.json" --out "$scratch/plot" >/dev/null
	for f in figures/pairs-pingpong.{png,svg}; do
		[ -s "$scratch/plot/$f" ] || fail "plot.py did not write $f"
	done
	[ ! -e "$scratch/plot/figures/throughput-pingpong.png" ] || fail "plot.py drew the pairs as lines too"
else
	echo "test_pingpong.sh: SKIPPED plot.py: python3-matplotlib is missing"
fi

# sample_every: one round trip timed in every N, whatever N (a skipped turn
# once threw the pending sample away, and N >= 2 recorded nothing), none with 0.
for every in 0 1 2 16; do
	"$BIN" run --bench pingpong --threads 2 --set sample_every=$every --duration 0.02 --warmup 0.005 \
		--reps 2 --events none --out "$scratch/every-$every.json" >/dev/null ||
		fail "sample_every=$every: exit status $?"
done
"$PYTHON" - "$scratch"/every-{0,1,2,16}.json <<'PY'
import sys
import sbtest
for path in sys.argv[1:]:
    r = sbtest.load(path)["results"][0]
    every = r["params"]["sample_every"]
    turns = sum(rep["threads"][0]["ops"] for rep in r["reps"])    # thread 0's turns
    lat = r["summary"]["acquire_latency"]
    samples = lat["kinds"]["one_way"]["samples"] if lat else 0
    want = turns // every if every else 0
    # each repetition can gain or lose one at either edge of its window
    if abs(samples - want) > 2 * len(r["reps"]) or (every == 0 and samples):
        sys.exit(f"sample_every={every}: {samples} samples over {turns} turns of thread 0, not about {want}")
    print(f"sample_every={every}: {samples} round trips timed of {turns}")
PY
