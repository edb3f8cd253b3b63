# The time limit of a repetition (issue 15, defect 8) counts only the
# measured part, from the child's "ready" (threads created, pinned and at
# the gate) to its figures.  With --duration 0.01 that limit is 3.2 s
# (5 x a window that may be extended to 4 x 0.01 s, + 3 s);
# the test-only primitive `slow` makes each other part longer than that:
#  - a set-up of 4 s (init_ms: a 4 GiB channel to fill, a thousand threads),
#  - a teardown of 4 s (destroy_ms),
#  - a drain of 64 x 100 ms after the window closes (hold_ms: every
#    stopping thread still finishes the acquisition it waits in),
# and none may be recorded as a timeout, while a lock that truly hangs is,
# within the measured part's limit.
. "$(dirname "$0")/lib.sh"

base=(run --bench lock --prim slow --duration 0.01 --warmup 0 --reps 1 --events none)
"$BIN" "${base[@]}" --threads 2 --set init_ms=4000 --out "$scratch/setup.json" >/dev/null ||
	fail "a 4 s set-up: exit status $?"
"$BIN" "${base[@]}" --threads 2 --set destroy_ms=4000 --out "$scratch/teardown.json" >/dev/null ||
	fail "a 4 s teardown: exit status $?"
"$BIN" "${base[@]}" --threads 64 --set hold_ms=100 --out "$scratch/drain.json" >/dev/null ||
	fail "a drain of 64 x 100 ms: exit status $?"
"$PYTHON" - "$scratch" <<'PY'
import sys
import sbtest
for name in ("setup", "teardown", "drain"):
    e = sbtest.load(f"{sys.argv[1]}/{name}.json")["results"][0]
    assert e["status"] == "ok", f"{name}: {e['status']}: {e['status_detail']}"
print("a 4 s set-up, a 4 s teardown and a 6.4 s drain, each longer than the 3.2 s limit: all ok")
PY

# A deadlock is still caught, within the measured part's limit, with the
# limit and the set-up time in its reason.
start=$SECONDS
rc=0
"$BIN" run --bench lock --prim deadlock --threads 2 --duration 0.01 --warmup 0 --reps 1 --events none \
	--out "$scratch/deadlock.json" >/dev/null || rc=$?
elapsed=$((SECONDS - start))
[ "$rc" -eq 1 ] || fail "a deadlock: exit status $rc, not 1"
# 3.2 s of limit; the rest is start-up, on a machine that may be loaded.
[ "$elapsed" -le 15 ] || fail "a deadlock took $elapsed s to be caught"
"$PYTHON" - "$scratch/deadlock.json" <<'PY'
import sys
import sbtest
e = sbtest.load(sys.argv[1])["results"][0]
assert e["status"] == "timeout", e["status"]
assert e["status_detail"].startswith("no result within the 3.2 s time limit after set-up"), e["status_detail"]
print(f"a deadlock: timeout, {e['status_detail']!r}")
PY
