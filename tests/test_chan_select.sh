# chan-select end to end: both shapes, with and without reply sends, at
# capacities 0, 1 and 16, on 2 threads and oversubscribed (3 and 5 on 2
# PUs), all passing their exactly-once checks, reporting their kinds,
# select latencies (every select timed) and fairness figures, and matching
# results/schema.json; many short runs in a row, each stop releasing every
# select; and the refusals: a primitive without select (condchan), a
# lock, and configurations the shapes cannot run, each with exit 2 and
# one line.
. "$(dirname "$0")/lib.sh"

short=(--duration 0.05 --warmup 0.01 --reps 1 --set sample_every=1)
"$BIN" run --bench chan-select --prim gochan --threads 2,3,5 --set cases=0,4,64 --set mix=0,50 \
	--set cap=0,16 "${short[@]}" --out "$scratch/fanin.json" >/dev/null ||
	fail "chan-select shape=fanin exited with status $?"
"$BIN" run --bench chan-select --prim gochan --threads 2,5 --set cases=8 --set cap=1 \
	--set mix=100 --set spin=200 "${short[@]}" --out "$scratch/spin.json" >/dev/null ||
	fail "chan-select spin=200 exited with status $?"
"$BIN" run --bench chan-select --prim gochan --threads 2,3,5 --set shape=quit --set cap=0,1,16 \
	"${short[@]}" --out "$scratch/quit.json" >/dev/null ||
	fail "chan-select shape=quit exited with status $?"
# Many stops in a row: closing done must release every select, blocked or not.
"$BIN" run --bench chan-select --prim gochan --threads 2,4 --set shape=fanin,quit --set cap=0,1 \
	--duration 0.002 --warmup 0 --reps 10 --interleave 0 >/dev/null ||
	fail "chan-select: a short run did not stop cleanly"

"$PYTHON" - "$scratch"/{fanin,spin,quit}.json <<'PY'
import sys
import sbtest
paths = sys.argv[1:]
schema_problems = sbtest.schema_checker("test_chan_select.sh")
bad = []
for path in paths:
    doc = sbtest.load(path)
    name = path.rsplit("/", 1)[1]
    bad += schema_problems(doc, name)
    received = 0
    for r in doc["results"]:
        tag = f"{name}: threads={r['threads']} {r['params']}"
        if r["status"] != "ok":
            bad.append(f"{tag}: {r['status']} {r['status_detail']} {r['check']}")
            continue
        rep = r["reps"][0]
        kinds = rep["ops_by_kind"]
        if set(kinds) != {"recv", "send", "reply", "reply_recv"}:
            bad.append(f"{tag}: ops_by_kind {kinds}")
        # On a loaded VM (more so under a sanitizer) a thread can be off its
        # PU for all of a 50 ms window; each select done in it is timed.
        if kinds["recv"] == 0:
            continue
        received += 1
        # mix=100 over 8 cases: a ready reply wins 1 select in 9; none in 200: odds 6e-11.
        if r["params"]["mix"] == 100 and kinds["recv"] + kinds["reply"] >= 200 and kinds["reply"] == 0:
            bad.append(f"{tag}: mix=100 but no reply was sent: {kinds}")
        lat = (r["summary"]["acquire_latency"] or {}).get("kinds", {}).get("recv")
        if not (lat and lat["samples"] > 0 and 0 < lat["p50_ns"] <= lat["p99_ns"]):
            bad.append(f"{tag}: {kinds['recv']} receives but recv latency {lat}")
        key = "worker_jain" if r["params"]["shape"] == "quit" else "case_jain"
        jain = rep["bench_stats"].get(key)
        if jain is None or not 0 < jain <= 1:
            bad.append(f"{tag}: bench_stats {rep['bench_stats']}")
    if received < len(doc["results"]) / 2:
        bad.append(f"{name}: only {received} of {len(doc['results'])} configurations received")
if bad:
    sys.exit("\n".join(bad))
PY

# Refusals: exit 2, one line on stderr saying what is wrong, nothing on stdout, nothing run.
refused() {
	local want=$1 rc=0; shift
	"$BIN" run --bench chan-select "$@" --duration 0.01 --warmup 0 --reps 1 \
		>"$scratch/stdout" 2>"$scratch/stderr" || rc=$?
	[ "$rc" -eq 2 ] && [ ! -s "$scratch/stdout" ] && [ "$(wc -l <"$scratch/stderr")" -eq 1 ] &&
		grep -q -- "$want" "$scratch/stderr" ||
		fail "chan-select $*: exit $rc, stderr '$(cat "$scratch/stderr")' (wanted exit 2, one line: $want)"
}
refused "a channel without select: primitive 'condchan'" --prim condchan --threads 2
refused "accepted: gochan, all" --prim condchan --threads 2
refused "a lock, not a channel: primitive 'ttas'" --prim ttas --threads 2
refused "runs 2 to 1025 threads, not 1" --prim gochan --threads 1
refused "has 2 producers" --prim gochan --threads 3 --set cases=1
refused "cases and mix are for shape=fanin" --prim gochan --threads 2 --set shape=quit --set cases=4
refused "cases and mix are for shape=fanin" --prim gochan --threads 2 --set shape=quit --set mix=10
refused "cases" --prim gochan --threads 2 --set cases=1025

"$BIN" list >"$scratch/list"
grep -q "^  chan-select .*\[channel primitives with select\]" "$scratch/list" ||
	fail "syncbench list does not mark chan-select as needing select"
[ "$("$BIN" list --sweep | awk -F'\t' '$1 == "chan-select" { print $3 }')" = gochan ] ||
	fail "sweeps of chan-select should measure gochan alone"
