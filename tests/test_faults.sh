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
import sys
import sbtest
doc = sbtest.load(sys.argv[1])
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

# SIGINT and SIGTERM mid-sweep: exit 4, and the file holds the finished
# configurations, valid, marked incomplete and interrupted by that signal.
for sig in INT TERM; do
	out="$scratch/sig$sig.json"
	# env --default-signal: a background job of a script starts with SIGINT
	# ignored, and syncbench leaves an inherited SIG_IGN as it is.
	env --default-signal=INT "$BIN" run --bench lock --prim tas,ttas,ticket --threads 1,2 --duration 0.3 --warmup 0 \
		--reps 1 --interleave 0 --out "$out" >/dev/null 2>"$scratch/sig.err" &
	pid=$!
	for _ in $(seq 200); do	# the first configuration is on disk
		[ -s "$out" ] && break
		sleep 0.05
	done
	kill "-$sig" "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 4 ] || fail "SIG$sig: exit status $rc, not 4 ($(cat "$scratch/sig.err"))"
	"$PYTHON" - "$out" "SIG$sig" <<'PY' || fail "SIG$sig: the file left is not as expected"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["complete"] is False and doc["interrupted_by"] == sys.argv[2], doc["interrupted_by"]
assert 1 <= len(doc["results"]) < 6, len(doc["results"])
assert all(r["status"] == "ok" for r in doc["results"]), [r["status"] for r in doc["results"]]
print(f"{sys.argv[2]}: exit 4, {len(doc['results'])} finished configurations kept, marked interrupted")
PY
done

# SIGTERM in a run of two workloads joined by --then: exit 4, and both
# files are left valid, marked interrupted, the second one still empty.
"$BIN" run --bench lock --prim tas,ttas,ticket --threads 1,2 --duration 0.3 --warmup 0 --reps 1 \
	--interleave 0 --out "$scratch/j1.json" --then --bench pingpong --threads 2 --duration 0.3 \
	--warmup 0 --reps 1 --out "$scratch/j2.json" >/dev/null 2>"$scratch/j.err" &
pid=$!
for _ in $(seq 200); do
	[ -s "$scratch/j1.json" ] && break
	sleep 0.05
done
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 4 ] || fail "--then, SIGTERM: exit status $rc, not 4 ($(cat "$scratch/j.err"))"
"$PYTHON" - "$scratch/j1.json" "$scratch/j2.json" <<'PY' || fail "--then, SIGTERM: the files left are not as expected"
import json, sys
first, second = (json.load(open(p)) for p in sys.argv[1:])
for doc in (first, second):
    assert doc["complete"] is False and doc["interrupted_by"] == "SIGTERM", doc["interrupted_by"]
assert 1 <= len(first["results"]) < 6 and second["results"] == [], (len(first["results"]), len(second["results"]))
print(f"--then, SIGTERM: exit 4, {len(first['results'])} configurations of the first workload kept, both files marked interrupted")
PY

# The disk fills mid-sweep, made real by a file-size limit that the first
# configuration's document fits under and the second's does not: a clear
# error, exit 3, the first document intact, no temporary file left.
one=(run --bench lock --threads 1 --duration 0.05 --warmup 0 --reps 1 --interleave 0)
"$BIN" "${one[@]}" --prim tas --out "$scratch/size1.json" >/dev/null
"$BIN" "${one[@]}" --prim tas,ttas --out "$scratch/size2.json" >/dev/null
s1=$(stat -c %s "$scratch/size1.json") s2=$(stat -c %s "$scratch/size2.json")
mkdir "$scratch/full"
rc=0
prlimit --fsize=$(((s1 + s2) / 2)) "$BIN" "${one[@]}" --prim tas,ttas,ticket \
	--out "$scratch/full/out.json" >/dev/null 2>"$scratch/full.err" || rc=$?
[ "$rc" -eq 3 ] || fail "disk full: exit status $rc, not 3"
grep -q "cannot write .*out.json: File too large; the configurations finished before it are intact" \
	"$scratch/full.err" || fail "disk full: unclear error: $(cat "$scratch/full.err")"
[ "$(ls "$scratch/full")" = out.json ] || fail "disk full: left behind: $(ls "$scratch/full")"
"$PYTHON" - "$scratch/full/out.json" <<'PY' || fail "disk full: the earlier result was damaged"
import json, sys
doc = json.load(open(sys.argv[1]))
assert [(r["prim"], r["status"]) for r in doc["results"]] == [("tas", "ok")], doc["results"]
assert doc["complete"] is False
print("disk full after the first configuration: exit 3, clear error, first result intact")
PY

# The directory turns read-only after the first configuration (only
# meaningful without root, which ignores the mode).
if [ "$(id -u)" -ne 0 ]; then
	mkdir "$scratch/ro"
	"$BIN" run --bench lock --prim tas,ttas,ticket --threads 1,2 --duration 0.3 --warmup 0 \
		--reps 1 --interleave 0 --out "$scratch/ro/out.json" >/dev/null 2>"$scratch/ro.err" &
	pid=$!
	for _ in $(seq 200); do
		[ -s "$scratch/ro/out.json" ] && break
		sleep 0.05
	done
	chmod 555 "$scratch/ro"
	rc=0
	wait "$pid" || rc=$?
	chmod 755 "$scratch/ro"
	[ "$rc" -eq 3 ] || fail "read-only directory: exit status $rc, not 3"
	"$PYTHON" -c 'import json, sys; assert json.load(open(sys.argv[1]))["results"]' \
		"$scratch/ro/out.json" || fail "read-only directory: the earlier result was damaged"
	echo "read-only directory mid-sweep: exit 3, earlier results intact"
fi

# A process restricted to one PU (taskset): placements resolve within it,
# and a list naming a PU outside it fails with exit 2 and one line.
taskset -c 0 "$BIN" run --bench validate --prim ttas --threads 2 --placement scatter \
	--duration 0.05 --warmup 0 --reps 1 --out "$scratch/one-pu.json" >/dev/null ||
	fail "under taskset -c 0 the sweep failed"
"$PYTHON" - "$scratch/one-pu.json" <<'PY'
import sys
import sbtest
doc = sbtest.load(sys.argv[1])
assert doc["context"]["topology"]["pus"] == 1, doc["context"]["topology"]
p = doc["results"][0]["placement"]
assert p["pus"] == [0, 0] and p["oversubscribed"] is True, p
PY
rc=0
taskset -c 0 "$BIN" run --bench validate --prim ttas --threads 2 --placement list:1 \
	--duration 0.05 --warmup 0 --reps 1 >"$scratch/list.out" 2>"$scratch/list.err" || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$scratch/list.err")" -eq 1 ] && [ ! -s "$scratch/list.out" ] ||
	fail "list:1 under taskset -c 0: exit $rc: $(cat "$scratch/list.err")"
grep -q "names PU 1, which this process cannot use (1 PUs available)" "$scratch/list.err" ||
	fail "list:1 under taskset -c 0: unclear error: $(cat "$scratch/list.err")"
echo "under taskset -c 0: scatter resolves to PU 0 (oversubscribed); list:1 is refused with exit 2"
