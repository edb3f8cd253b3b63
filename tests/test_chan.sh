# The channel workloads end to end: chan-pingpong and chan-prodcons on
# every channel primitive, ring over every handoff (its chan handoff on
# both C channel primitives) at 3 threads and 4 (on
# 2 PUs: oversubscribed), all passing their checks, finishing (the stop
# hook releases blocked threads) and matching results/schema.json; the
# ring's order check must catch handoff=none; and `syncbench demo
# catdogfish` must print exactly cat, dog, fish 100 times.
. "$(dirname "$0")/lib.sh"

short=(--duration 0.05 --warmup 0.01 --reps 1)
"$BIN" run --bench chan-pingpong --prim gochan,condchan --threads 2 --set cap=0,1 "${short[@]}" \
	--out "$scratch/pp.json" >/dev/null || fail "chan-pingpong exited with status $?"
"$BIN" run --bench chan-pingpong --prim gochan --threads 2 --set spin=500 "${short[@]}" \
	--out "$scratch/pps.json" >/dev/null || fail "chan-pingpong spin=500 exited with status $?"
"$BIN" run --bench chan-prodcons --prim gochan,condchan --threads 2,4 --set cap=0,1,1024 \
	--set elem_bytes=8,64 "${short[@]}" --out "$scratch/pc.json" >/dev/null ||
	fail "chan-prodcons exited with status $?"
"$BIN" run --bench chan-prodcons --prim gochan --threads 4 --set producers=3 "${short[@]}" \
	--out "$scratch/pc31.json" >/dev/null || fail "chan-prodcons 3P1C exited with status $?"
"$BIN" run --bench ring --prim gochan,condchan --threads 3,4 --set handoff=chan,condvar,futex,spin,gomutex "${short[@]}" \
	--out "$scratch/ring.json" >/dev/null || fail "ring exited with status $?"
# Many stops in a row: each must release every thread blocked on a baton,
# a channel, the condvar or the futex, without a fatal double unlock.
"$BIN" run --bench ring --prim gochan,condchan --threads 2,3,5 --set handoff=chan,condvar,futex,gomutex --duration 0.002 \
	--warmup 0 --reps 10 --interleave 0 >/dev/null || fail "ring: a short run did not stop cleanly"
rc=0
"$BIN" run --bench ring --threads 2 --set handoff=none "${short[@]}" --out "$scratch/none.json" \
	>/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "ring handoff=none exited with status $rc, not 1 (a failed check)"

"$PYTHON" - "$scratch"/{pp,pps,pc,pc31,ring,none}.json <<'PY'
import sys
import sbtest
paths = sys.argv[1:]
schema_problems = sbtest.schema_checker("test_chan.sh")
bad = []
for path in paths:
    doc = sbtest.load(path)
    name = path.rsplit("/", 1)[1]
    bad += schema_problems(doc, name)
    for r in doc["results"]:
        tag = f"{name}: {r['prim']} threads={r['threads']} {r['params']}"
        want = "failed" if name == "none.json" else "ok"
        if r["status"] != want:
            bad.append(f"{tag}: {r['status']} {r['status_detail']} {r['check']}")
        elif want == "ok" and r["reps"][0]["ops"] == 0:
            bad.append(f"{tag}: no operations")
        if name.startswith("pp") and r["status"] == "ok":
            rt = r["summary"]["acquire_latency"]["kinds"]["round_trip"]
            if not (rt["samples"] > 0 and 0 < rt["p50_ns"] <= rt["p99_ns"]):
                bad.append(f"{tag}: round_trip {rt}")
        if name.startswith("pc") and r["status"] == "ok":
            kinds = r["reps"][0]["ops_by_kind"]
            if set(kinds) != {"send", "recv"} or kinds["recv"] == 0:
                bad.append(f"{tag}: ops_by_kind {kinds}")
if bad:
    sys.exit("\n".join(bad))
PY

"$BIN" demo catdogfish >"$scratch/demo" || fail "demo exited with status $?"
for i in $(seq 100); do printf 'cat\ndog\nfish\n'; done >"$scratch/want"
cmp -s "$scratch/demo" "$scratch/want" ||
	fail "demo catdogfish: $(wc -l <"$scratch/demo") lines, differing from cat/dog/fish x 100 at line $(cmp "$scratch/demo" "$scratch/want" | awk '{print $NF}')"

# plot.py draws messages/s by capacity for a workload with several capacities.
if "$PYTHON" -c 'import matplotlib' 2>/dev/null; then
	mkdir "$scratch/plot" && cp "$scratch/pc.json" "$scratch/plot/"
	"$PYTHON" "$(dirname "$0")/../results/plot.py" "$scratch/plot" >/dev/null || fail "plot.py failed"
	for f in capacity-chan-prodcons.{png,svg}; do
		[ -s "$scratch/plot/figures/$f" ] || fail "plot.py did not draw $f"
	done
else
	echo "test_chan.sh: SKIPPED plot.py: python3-matplotlib is missing (./run.sh test installs it)"
fi
