# Work that costs what it says: at one thread, with null and sampling off,
# n units of cs or ncs cost n x context.work_unit_ns more than none, cs and
# ncs add, and a time given as `cs=1us` means 1 us of units.  Each figure is
# the CPU ns per operation of the least disturbed of 7 repetitions: CPU time,
# so that another process taking this thread's PU does not count.  Under a
# sanitizer the table is printed, not held to 15%: the instrumentation adds
# hundreds of ns to every operation, which the CPU overlaps with the chain.
. "$(dirname "$0")/lib.sh"

"$BIN" run --bench lock --prim null --threads 1 --set cs=0,100,1000 --set ncs=0,100,1000 \
	--set sample_every=0 --duration 0.03 --warmup 0.01 --reps 7 --events none \
	--out "$scratch/work.json" >/dev/null || fail "the run exited with status $?"
"$BIN" run --bench lock --prim null --threads 1 --set cs=1us --set sample_every=0 \
	--duration 0.01 --warmup 0 --reps 1 --events none --out "$scratch/time.json" >/dev/null ||
	fail "cs=1us: exit status $?"

"$PYTHON" - "$scratch/work.json" "$scratch/time.json" <<'PY'
import sys
import sbtest
doc = sbtest.load(sys.argv[1])
unit = doc["context"]["work_unit_ns"]
cost = {}
for e in doc["results"]:
    assert e["status"] == "ok", e["status_detail"]
    per_rep = [r["cpu_ns"] / r["ops"] for r in e["reps"] if r["ops"]]
    cost[(e["params"]["cs"], e["params"]["ncs"])] = min(per_rep)
    for name in ("cs", "ncs"):
        assert abs(e["work_ns"][name] - e["params"][name] * unit) < 1e-6 * (1 + e["work_ns"][name]), \
            f"work_ns.{name} {e['work_ns'][name]} is not {e['params'][name]} units"
base = cost[(0, 0)]
bad = []
print(f"work_unit_ns {unit:.4f}; null at 1 thread, sampling off, cs=0 ncs=0: {base:.2f} ns/op")
print(f"{'cs':>5} {'ncs':>5} {'ns/op':>9} {'- base':>9} {'N x unit':>9} {'ratio':>6}")
for (cs, ncs), ns in sorted(cost.items()):
    if cs + ncs == 0:
        continue
    extra, want = ns - base, (cs + ncs) * unit
    print(f"{cs:5} {ncs:5} {ns:9.1f} {extra:9.1f} {want:9.1f} {extra / want:6.3f}")
    # 100 and 1000 units each, and every sum of cs and ncs: within 15%
    if abs(extra / want - 1) > 0.15:
        bad.append(f"cs={cs} ncs={ncs}: {extra:.1f} ns over cs=0 ncs=0, not {want:.1f}")
if bad and "-fsanitize" in doc["context"]["cflags"]:
    print("a sanitizer build: linearity not asserted (" + "; ".join(bad) + ")")
elif bad:
    sys.exit("work is not linear: " + "; ".join(bad))

t = sbtest.load(sys.argv[2])
e = t["results"][0]
units, unit_t = e["params"]["cs"], t["context"]["work_unit_ns"]
if abs(units * unit_t - 1000) > unit_t / 2 + 1e-9 or abs(e["work_ns"]["cs"] - 1000) > unit_t / 2 + 1e-9:
    sys.exit(f"cs=1us became {units} units of {unit_t} ns = {e['work_ns']['cs']} ns")
print(f"cs=1us: {units} units of {unit_t:.4f} ns = {e['work_ns']['cs']:.1f} ns")
PY
