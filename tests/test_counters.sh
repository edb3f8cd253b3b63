# Counters through libpfm4 and perf_event_open, in both worlds: events that
# count here give figures, events that cannot (hardware ones in a VM
# without a PMU) give null and a reason, and the run goes on.
. "$(dirname "$0")/lib.sh"

run() { "$BIN" run --bench lock --prim pthread-mutex --reps 2 --warmup 0 "$@" >/dev/null; }

run --threads 1,4 --duration 0.2 --events default --out "$scratch/default.json"
# A long warmup must not show in the counts: counters run in the window only.
run --threads 1 --duration 0.2 --warmup 1 --events task-clock --out "$scratch/warm.json"
# A PMU-specific event with modifiers: encoded by libpfm4, then probed.
pmu=$("$BIN" list events | sed -n 's/.*core PMU: \([^ ]*\)$/\1/p')
"$BIN" run --bench lock --prim ttas --threads 1 --duration 0.05 --warmup 0 --reps 1 \
	--events coherence --out "$scratch/coherence.json" >/dev/null 2>"$scratch/err" ||
	grep -q "no cache-to-cache events are known" "$scratch/err" ||
	fail "--events coherence on PMU '$pmu' failed: $(cat "$scratch/err")"

"$PYTHON" - "$scratch" <<'PY'
import os, sys
import sbtest
d = sys.argv[1]
default = sbtest.load(f"{d}/default.json")
events = {e["name"]: e for e in default["context"]["counters"]["events"]}
assert set(events) == {"task-clock", "context-switches", "cpu-migrations", "page-faults",
                       "cycles", "instructions", "branch-misses", "LLC-load-misses"}, events
for name in ("task-clock", "context-switches", "cpu-migrations", "page-faults"):
    assert events[name]["available"], f"software event {name} does not count: {events[name]}"

by_threads = {r["threads"]: r for r in default["results"]}
for r in default["results"]:
    assert r["status"] == "ok", r["status_detail"]
    for name, e in events.items():
        s = r["summary"]["counters"][name]
        if e["available"]:
            assert s["per_op"] is not None and "reason" not in s, (name, s)
        else:   # the hardware path where no PMU counts: null with the reason, and the run went on
            assert s["total"] is None and s["per_op"] is None and s["reason"], (name, s)
            assert e["reason"] == s["reason"]
    for rep in r["reps"]:
        for t in rep["threads"]:
            assert t["counters"]["task-clock"]["value"] > 0, f"a thread with no task-clock: {t}"
            assert set(t["counters"]) == {n for n, e in events.items() if e["available"]}

cs = lambda r: r["summary"]["counters"]["context-switches"]["per_op"]
assert cs(by_threads[4]) > cs(by_threads[1]), \
    f"4 threads on {os.cpu_count()} PUs switch no more per op than 1: {cs(by_threads[4])} vs {cs(by_threads[1])}"

warm = sbtest.load(f"{d}/warm.json")
for rep, r in ((rep, r) for r in warm["results"] for rep in r["reps"]):
    clock = rep["threads"][0]["counters"]["task-clock"]["value"]
    # A counted 1 s warmup would add 5 windows' worth; preemption only subtracts.
    assert clock < 1.5 * rep["wall_ns"], \
        f"task-clock {clock} ns in a {rep['wall_ns']} ns window after a 1 s warmup: warmup counted"
    # Against the thread's own CPU clock over the same window, not the wall
    # clock: on a loaded machine the thread may get well under half a CPU.
    cpu = rep["threads"][0]["cpu_ns"]
    assert abs(clock - cpu) <= 0.2 * cpu + 2e6, f"task-clock {clock} ns, thread CPU time {cpu} ns"

if os.path.exists(f"{d}/coherence.json"):
    co = sbtest.load(f"{d}/coherence.json")
    assert co["context"]["counters"]["preset"] == "coherence"
    for e in co["context"]["counters"]["events"]:
        assert e["available"] or e["reason"], e
hw = [n for n, e in events.items() if e["hardware"]]
print(f"software counters count; hardware events {'count' if all(events[n]['available'] for n in hw) else 'report null with a reason'}; "
      f"context switches per op rise when oversubscribed; warmup not counted")
PY

# An event libpfm4 does not know is bad input, named with its closest matches.
rc=0
"$BIN" run --bench lock --prim ttas --events cylces --out "$scratch/x.json" 2>"$scratch/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "closest known" "$scratch/err" && [ ! -e "$scratch/x.json" ] ||
	fail "an unknown event gave exit $rc: $(cat "$scratch/err")"
