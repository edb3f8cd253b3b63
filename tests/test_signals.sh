# Signals (issue 15, defect 5), each checked on the processes left, by
# PID, and on the file: SIGHUP is a stop like SIGTERM; the per-repetition
# child dies with its parent, even one killed by SIGKILL; a signal before
# anything ran still exits 4 with nothing written; a SIGINT inherited as
# ignored stays ignored; and run.sh leaves no syncbench or tee behind when
# it is hung up or killed.
. "$(dirname "$0")/lib.sh"

repo=$(cd "$(dirname "$0")/.." && pwd)

# Gone: no such process, or a zombie waiting for a reaper that may be slow.
gone() {
	[ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}
# Waits up to 20 s for every PID given to be gone.
wait_gone() {
	local what=$1 p; shift
	for _ in $(seq 200); do
		for p in "$@"; do gone "$p" || continue 2; done
		return 0
	done
	fail "$what: still running: $(for p in "$@"; do gone "$p" || ps -o pid=,comm= -p "$p"; done)"
}
# The PIDs of the children of $1 named $2, once there is one (bounded).
children_named() {
	local p
	for _ in $(seq 200); do
		p=$(pgrep -P "$1" -x "$2" || true)
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.05
	done
	fail "no $2 under PID $1"
}

# --- SIGHUP mid-sweep: exit 4, the finished configurations kept, the file
# marked interrupted by SIGHUP, and the running repetition's child gone.
out="$scratch/hup.json"
"$BIN" run --bench lock --prim tas,ttas,ticket --threads 1,2 --duration 0.3 --warmup 0 --reps 1 \
	--interleave 0 --events none --out "$out" >/dev/null 2>"$scratch/hup.err" &
pid=$!
for _ in $(seq 200); do [ -s "$out" ] && break; sleep 0.05; done
child=$(children_named "$pid" syncbench)
kill -HUP "$pid"
rc=0; wait "$pid" || rc=$?
[ "$rc" -eq 4 ] || fail "SIGHUP: exit status $rc, not 4 ($(cat "$scratch/hup.err"))"
wait_gone "SIGHUP: the repetition's child" "$child"
"$PYTHON" - "$out" <<'PY' || fail "SIGHUP: the file left is not as expected"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["complete"] is False and doc["interrupted_by"] == "SIGHUP", doc["interrupted_by"]
assert 1 <= len(doc["results"]) < 6 and all(r["status"] == "ok" for r in doc["results"])
print(f"SIGHUP: exit 4, {len(doc['results'])} configurations kept, interrupted_by SIGHUP, child gone")
PY

# --- The parent dies while a repetition hangs (a deadlocked lock, limit
# 5 x 3 + 3 s away): by SIGKILL, which no handler sees, and by SIGHUP.
for sig in KILL HUP; do
	"$BIN" run --bench lock --prim deadlock --threads 2 --duration 3 --warmup 0 --reps 1 \
		--events none --out "$scratch/hang-$sig.json" >/dev/null 2>&1 &
	pid=$!
	child=$(children_named "$pid" syncbench)
	sleep 0.5
	kill "-$sig" "$pid"
	wait "$pid" || true
	wait_gone "SIG$sig to the parent of a hung repetition: its child" "$child"
done
echo "SIGKILL and SIGHUP to the parent of a hung repetition: the child is gone too"

# --- A signal before anything ran (during start-up and calibration):
# exit 4 and no file.
for sig in TERM INT HUP; do
	rc=0
	# env --default-signal: a background job of a script starts with SIGINT ignored.
	bash -c 'sleep 0.2; exec "$@"' - env --default-signal=INT "$BIN" run --bench lock --prim ttas --threads 1 --duration 0.05 \
		--warmup 0 --reps 1 --out "$scratch/early-$sig.json" >/dev/null 2>"$scratch/early.err" &
	pid=$!
	# Its pid was known before it became syncbench: signal it 50 ms after the exec.
	for _ in $(seq 200); do [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = syncbench ] && break; sleep 0.01; done
	sleep 0.05
	kill "-$sig" "$pid"
	wait "$pid" || rc=$?
	[ "$rc" -eq 4 ] || fail "SIG$sig in the first 0.1 s: exit status $rc, not 4 ($(cat "$scratch/early.err"))"
	[ ! -e "$scratch/early-$sig.json" ] && [ ! -e "$scratch/early-$sig.json.lock" ] ||
		fail "SIG$sig in the first 0.1 s: something was written: $(ls "$scratch" | grep early-)"
done
echo "SIGTERM, SIGINT and SIGHUP in the first 0.1 s: exit 4, nothing written"

# --- A SIGINT inherited as ignored (a background job of a script, nohup's
# kin) stays ignored: the run ends normally, complete.
out="$scratch/ignored.json"
bash -c 'trap "" INT; exec "$@"' - "$BIN" run --bench lock --prim tas,ttas --threads 1 \
	--duration 0.2 --warmup 0 --reps 1 --interleave 0 --events none --out "$out" >/dev/null &
pid=$!
for _ in $(seq 200); do [ -s "$out" ] && break; sleep 0.05; done
kill -INT "$pid"
rc=0; wait "$pid" || rc=$?
[ "$rc" -eq 0 ] || fail "SIGINT inherited as ignored: exit status $rc, not 0"
"$PYTHON" -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["complete"] and len(d["results"]) == 2' "$out" ||
	fail "SIGINT inherited as ignored: the run did not complete"
echo "SIGINT inherited as ignored: ignored, the run completed"

# --- run.sh hung up or killed: its syncbench and tee do not outlive it.
# A one-workload sweep directory to resume, long enough to be caught running.
make_dir() {
	mkdir -p "$1"
	printf '%s\n' "mode quick" \
		"run lock --bench lock --prim tas,ttas,ticket --threads 1,2 --duration 0.3 --warmup 0 --reps 2 --interleave 0 --events none" \
		>"$1/manifest.txt"
}
for sig in HUP TERM KILL; do
	dir="$scratch/runsh-$sig"
	make_dir "$dir"
	"$repo/run.sh" --resume "$dir" >"$scratch/runsh.out" 2>&1 &
	runsh=$!
	# The sweep itself, once it has written: not the build or the dry run before it.
	for _ in $(seq 600); do [ -s "$dir/lock.json" ] && break; sleep 0.05; done
	bench=$(children_named "$runsh" syncbench)
	tee_pid=$(children_named "$runsh" tee)
	kill "-$sig" "$runsh"
	rc=0; wait "$runsh" || rc=$?
	wait_gone "SIG$sig to run.sh: its syncbench and tee" "$bench" "$tee_pid"
	if [ "$sig" != KILL ]; then
		[ "$rc" -eq 4 ] || fail "SIG$sig to run.sh: exit status $rc, not 4: $(tail -3 "$scratch/runsh.out")"
	fi
	"$PYTHON" -c 'import json, sys; d = json.load(open(sys.argv[1])); assert not d["complete"] and d["interrupted_by"] == "SIGTERM" and d["results"]' \
		"$dir/lock.json" || fail "SIG$sig to run.sh: syncbench did not stop as on SIGTERM, keeping what finished"
done
echo "SIGHUP, SIGTERM and SIGKILL to run.sh: syncbench stopped keeping what finished, no syncbench or tee left"
