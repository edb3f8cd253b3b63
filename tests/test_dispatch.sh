# The dispatch workload: every task exactly once under every policy (the
# check, on both channel primitives, closed and open loop, one and two
# dispatchers, buffered and unbuffered channels); bad parameter values
# refused with exit status 2 and nothing run; a closed-loop and an
# open-loop run end to end against results/schema.json with the figures
# each must report; a dispatcher that cannot keep its schedule reported as
# lagging; short runs stopping cleanly, also in the middle of a long sleep
# between arrivals; and the balance predicate passing every real policy
# while failing policy=worker0 (every task to worker 0).
. "$(dirname "$0")/lib.sh"

short=(--duration 0.05 --warmup 0.01 --reps 1)
e2e=(--duration 0.05 --warmup 0.01 --reps 2)
policies=rr,random,least,p2c,shared,worker0

# Exactly once: any lost, duplicated or reordered task fails the check (exit 1).
"$BIN" run --bench dispatch --prim gochan,condchan --threads 2,4 --set policy=$policies \
	--set load=0,90 --set mean=2us "${short[@]}" --out "$scratch/once.json" >/dev/null ||
	fail "exactly-once runs exited with status $?"
"$BIN" run --bench dispatch --prim gochan --threads 5 --set dispatchers=2 --set policy=$policies \
	--set load=0,90 --set cap=0,4 --set service=const,bimodal --set mean=1us "${short[@]}" \
	--out "$scratch/once2.json" >/dev/null || fail "two-dispatcher runs exited with status $?"

# Bad values: one line on stderr, exit 2, nothing on stdout, no file.
ok=(run --bench dispatch --prim gochan --duration 0.01 --warmup 0 --reps 1)
bad=(
	"--threads 1"
	"--threads 2 --set dispatchers=2"
	"--threads 4 --set dispatchers=0"
	"--threads 2 --set dispatchers=33"
	"--threads 2 --set policy=fastest"
	"--threads 2 --set service=pareto"
	"--threads 2 --set mean=0"
	"--threads 2 --set mean=-5us"
	"--threads 2 --set mean=soon"
	"--threads 2 --set load=101"
	"--threads 2 --set load=-1"
	"--threads 2 --set load=0.8"
	"--threads 2 --set cap=-1"
	"--threads 2 --set cap=65537"
	"--threads 20 --set cap=65536"
	"--threads 20 --set cap=65536 --set policy=shared"
)
for b in "${bad[@]}"; do
	rc=0
	# shellcheck disable=SC2086  # one word per argument
	"$BIN" "${ok[@]}" $b --out "$scratch/bad.json" >"$scratch/stdout" 2>"$scratch/stderr" || rc=$?
	[ "$rc" -eq 2 ] && [ "$(wc -l <"$scratch/stderr")" -eq 1 ] && [ ! -s "$scratch/stdout" ] &&
		[ ! -e "$scratch/bad.json" ] ||
		fail "'$b': exit $rc, stderr: $(head -c 300 "$scratch/stderr")"
done
rc=0
"$BIN" run --bench dispatch --prim ttas --threads 2 "${short[@]}" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "dispatch on a lock exited with status $rc, not 2"

# End to end, closed and open loop, and a dispatcher that falls behind: an
# arrival every few ns is more than any dispatcher can make.
"$BIN" run --bench dispatch --prim gochan --threads 3 --set policy=least,shared --set load=0 \
	--set service=bimodal --set mean=5us "${e2e[@]}" --out "$scratch/closed.json" >/dev/null ||
	fail "the closed loop exited with status $?"
"$BIN" run --bench dispatch --prim gochan --threads 3 --set policy=p2c,rr --set load=50 \
	--set service=exp --set mean=5us "${e2e[@]}" --out "$scratch/open.json" >/dev/null ||
	fail "the open loop exited with status $?"
"$BIN" run --bench dispatch --prim gochan --threads 2 --set load=95 --set mean=4 "${e2e[@]}" \
	--out "$scratch/behind.json" >/dev/null || fail "the lagging run exited with status $?"

# Stops: many short windows in a row, and windows that end while 8
# dispatchers sleep towards arrivals seconds away (mean 10^7 units at load
# 1%, 1/8 of it each: gaps of about 10 s here): a dispatcher that slept
# through the stop would time the repetition out (status timeout, exit 1).
"$BIN" run --bench dispatch --prim gochan,condchan --threads 3,5 --set policy=rr,least,shared \
	--set load=0,80 --set mean=1us --duration 0.002 --warmup 0 --reps 8 --interleave 0 \
	>/dev/null || fail "short windows did not all stop cleanly"
start=$SECONDS
"$BIN" run --bench dispatch --prim gochan --threads 9 --set dispatchers=8 --set load=1 \
	--set mean=10000000 --set service=const --duration 0.02 --warmup 0 --reps 2 \
	--out "$scratch/sleepy.json" >/dev/null || fail "the long-gap run exited with status $?"
[ $((SECONDS - start)) -le 30 ] || fail "the long-gap run took $((SECONDS - start)) s"

# Balance: closed loop, 2 workers; every real policy must give each
# worker a fifth of the tasks or more, and worker0 must not.  least, p2c
# and shared follow the workers' speed, and on a loaded machine two PUs
# need not run alike: both workers share the last PU, which the scheduler
# splits evenly between them, and the dispatcher has PU 0.
last_pu=$(($(nproc) - 1))
"$BIN" run --bench dispatch --prim gochan --threads 3 --placement "list:0,$last_pu,$last_pu" \
	--set policy=$policies --set mean=100us --duration 0.1 --warmup 0.02 --reps 2 \
	--out "$scratch/balance.json" >/dev/null || fail "the balance runs exited with status $?"

"$PYTHON" - "$scratch" <<'PY'
import os, sys
import sbtest
d = sys.argv[1]
schema_problems = sbtest.schema_checker("test_dispatch.sh")

bad = []
def doc(name):
    path = os.path.join(d, name)
    document = sbtest.load(path)
    bad.extend(schema_problems(document, name))
    return document["results"]

def tag(name, r):
    return f"{name}: {r['prim']} threads={r['threads']} {r['params']}"

STATS = {"workers", "tasks_max_over_mean", "tasks_jain", "offered_load", "achieved_load",
         "service_mean_ns", "counter_loads_per_task", "counter_writes_per_task",
         "last_lag_ns", "left_at_stop", "clock_went_back"}

# Every run passed its check and reports every figure.  A window in which
# no thread returned from its operation (a VM stalled, or a loaded one
# starved the threads) counts nothing, so completions are only required of
# most configurations: a workload that did nothing would fail all of them.
for name in ("once.json", "once2.json", "closed.json", "open.json", "behind.json",
             "sleepy.json", "balance.json"):
    idle = []
    results = doc(name)
    for r in results:
        if r["status"] != "ok" or r["check"]["result"] != "passed":
            bad.append(f"{tag(name, r)}: {r['status']} {r['status_detail']}")
            continue
        for rep in r["reps"]:
            if set(rep["bench_stats"]) != STATS:
                bad.append(f"{tag(name, r)}: bench_stats {sorted(rep['bench_stats'])}")
            if set(rep["ops_by_kind"]) != {"dispatch", "sojourn", "lag"} or rep["ops_by_kind"]["lag"]:
                bad.append(f"{tag(name, r)}: ops_by_kind {rep['ops_by_kind']}")
        if all(rep["ops"] == 0 for rep in r["reps"]):
            idle.append(tag(name, r))
    if name != "sleepy.json" and len(idle) > len(results) // 2:
        bad.append(f"{name}: no task completed in {len(idle)} of {len(results)}: {idle[:3]}")
    for t in idle:
        print(f"test_dispatch.sh: note: no task completed in {t}")

def busiest(r):
    """The figures of the repetition that completed the most tasks."""
    return max(r["reps"], key=lambda rep: rep["ops"])["bench_stats"]

def loads(r):
    stats = busiest(r)
    return stats["counter_loads_per_task"], stats["counter_writes_per_task"]

for name, open_loop in (("closed.json", False), ("open.json", True)):
    for r in doc(name):
        if r["status"] != "ok":
            continue
        kinds = (r["summary"]["acquire_latency"] or {}).get("kinds", {})
        want = {"dispatch", "sojourn", "lag"} if open_loop else {"dispatch", "sojourn"}
        if set(kinds) != want:
            bad.append(f"{tag(name, r)}: latency kinds {sorted(kinds)}, not {sorted(want)}")
            continue
        s = kinds["sojourn"]
        if not (s["samples"] > 0 and 0 < s["p50_ns"] <= s["p99_ns"] <= s["p999_ns"] <= s["max_ns"]):
            bad.append(f"{tag(name, r)}: sojourn {s}")
        # No task completes sooner than its demand, whose median is 0.53 x mean or more.
        if s["p50_ns"] < 0.4 * r["work_ns"]["mean"]:
            bad.append(f"{tag(name, r)}: p50 sojourn {s['p50_ns']} ns below the demand")
        stats = busiest(r)
        if (stats["offered_load"] is not None) != open_loop or not stats["achieved_load"] > 0:
            bad.append(f"{tag(name, r)}: offered {stats['offered_load']}, "
                       f"achieved {stats['achieved_load']}")
        # Per task: p2c loads 2 counters, least 1 to W = 2 (it stops at an idle
        # worker); both write 2 (the dispatcher adds, the worker subtracts), less
        # the tasks left at the stop; rr and shared touch none.
        policy, (got_loads, got_writes) = r["params"]["policy"], loads(r)
        lo, hi = {"rr": (0, 0), "shared": (0, 0), "p2c": (2, 2.01), "least": (1, 2.01)}[policy]
        w_lo, w_hi = (0, 0) if policy in ("rr", "shared") else (1.5, 2.01)
        if not (lo <= got_loads <= hi and w_lo <= got_writes <= w_hi):
            bad.append(f"{tag(name, r)}: counter loads {got_loads} and writes {got_writes} per task")

for r in doc("behind.json"):
    stats = busiest(r)
    lag = r["summary"]["acquire_latency"]["kinds"]["lag"]
    # Behind from its first task: at the window's end it is late by about the time since.
    if not (stats["achieved_load"] < 0.5 * stats["offered_load"] and stats["last_lag_ns"] > 0.02e9
            and lag["max_ns"] >= stats["last_lag_ns"] * 0.99):
        bad.append(f"behind.json: not reported as lagging: {stats}, lag {lag['p99_ns']}")

def balanced(rep):
    """Each of 2 workers completed a fifth of the tasks or more."""
    return rep["bench_stats"]["tasks_max_over_mean"] <= 1.6

for r in doc("balance.json"):
    for rep in r["reps"]:
        if balanced(rep) != (r["params"]["policy"] != "worker0"):
            bad.append(f"balance.json: policy={r['params']['policy']} "
                       f"tasks_max_over_mean={rep['bench_stats']['tasks_max_over_mean']}, "
                       f"jain={rep['bench_stats']['tasks_jain']}")
if bad:
    sys.exit("test_dispatch.sh:\n" + "\n".join(bad))
PY

# plot.py draws p99 sojourn against the load, one line per policy.
if "$PYTHON" -c 'import matplotlib' 2>/dev/null; then
	mkdir "$scratch/plot" && cp "$scratch/open.json" "$scratch/closed.json" "$scratch/plot/"
	"$PYTHON" "$(dirname "$0")/../results/plot.py" "$scratch/plot" >/dev/null || fail "plot.py failed"
	for f in sojourn-dispatch.{png,svg}; do
		[ -s "$scratch/plot/figures/$f" ] || fail "plot.py did not draw $f"
	done
else
	echo "test_dispatch.sh: SKIPPED plot.py: python3-matplotlib is missing (./run.sh test installs it)"
fi
