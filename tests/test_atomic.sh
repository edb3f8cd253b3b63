# atomic: the read-modify-write ops lose nothing.  From 1, 2 and 3 threads
# (3 > PUs here: preemption mid-loop too), in every layout, the words must
# end where the operations put them: faa and the CAS-increment loop sum
# exactly to the operation count, xchg conserves what it moves.  The check
# inside syncbench decides; this test asserts that it ran and passed.
. "$(dirname "$0")/lib.sh"

"$BIN" run --bench atomic --threads 1,2,3 --set op=faa,cas,xchg \
	--set order=relaxed,seq_cst --set layout=shared,padded,packed \
	--duration 0.03 --warmup 0 --reps 1 --out "$scratch/a.json" >/dev/null ||
	fail "the sweep exited with status $?"

"$PYTHON" - "$scratch/a.json" <<'PY'
import sys
import sbtest
doc = sbtest.load(sys.argv[1])
bad = []
for r in doc["results"]:
    tag = f"{r['params']} threads={r['threads']}"
    if r["prim"] is not None:
        bad.append(f"{tag}: prim {r['prim']!r}, expected null")
    if r["status"] != "ok" or r["check"]["result"] != "passed":
        bad.append(f"{tag}: {r['status']} {r['check']}")
    if r["params"]["op"] == "cas":
        for rep in r["reps"]:
            f = rep["bench_stats"].get("cas_failures_per_success")
            if f is None or f < 0:
                bad.append(f"{tag}: cas_failures_per_success {f}")
if len(doc["results"]) != 3 * 2 * 3 * 3:
    bad.append(f"{len(doc['results'])} entries, expected 54")
if bad:
    sys.exit("\n".join(bad))
print(f"{len(doc['results'])} faa/cas/xchg configurations summed exactly")
PY
