#!/usr/bin/env bash
# The suite's counters against an independent tool: one run under
# `perf stat` (Debian's linux-perf).  perf counts the whole process tree,
# set-up included; the suite counts only the measured windows.  So:
#
#   suite <= perf              the windows are a part of the run (1% and a
#                              few units of slack for rounding)
#   perf - suite <= 2 B + 5%   what the suite leaves out is the set-up, and
#                              the same command with 1 ms windows (B,
#                              measured here, under perf too) is that set-up:
#                              twice it, plus 5% of the run, absorbs a
#                              loaded machine; --warmup 0, so no warmup lies
#                              outside the windows
#   suite >= B                 (task-clock and CPU time) the windows hold
#                              more than the set-up, or the bound above
#                              would pass a suite that counted nothing
#
# for task-clock (the suite's per-thread task-clock counter against perf's),
# context switches (the same), and CPU time (the suite's cpu_ns, from
# CLOCK_THREAD_CPUTIME_ID, against the user + sys time of the process tree,
# which the kernel derives from the same scheduler account).  The run joins
# two workloads with --then: `atomic` spins, so the windows hold most of the
# CPU time; chan-pingpong with gochan blocks on every handoff, so context
# switches are many and the two CPU clocks differ (results/README.md, "CPU
# time"): that difference per switch is printed, not asserted.  Neither
# workload measures a coherence floor, which is set-up whose length does
# not follow --duration.
. "$(dirname "$0")/lib.sh"

command -v perf >/dev/null || fail "perf is missing: apt-get install linux-perf (./run.sh test installs it)"

"$PYTHON" - "$BIN" "$scratch" <<'PY'
import resource, subprocess, sys
import sbtest

binary, scratch = sys.argv[1], sys.argv[2]

def command(duration, name):
    each = ["--threads", "2", "--warmup", "0", "--reps", "2", "--duration", duration]
    return [binary, "run", "--bench", "atomic", "--set", "op=faa", *each,
            "--out", f"{scratch}/{name}-atomic.json",
            "--then", "--bench", "chan-pingpong", "--prim", "gochan", "--set", "cap=0", *each,
            "--out", f"{scratch}/{name}-chan.json"]

def under_perf(duration, name):
    """perf's task-clock (ms) and context switches, user+sys (ms); the documents."""
    stat = f"{scratch}/{name}.perf"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["perf", "stat", "-x,", "-o", stat, "-e", "task-clock,context-switches",
                    "--", *command(duration, name)], check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    perf = {}
    for line in open(stat):
        f = line.strip().split(",")
        if len(f) > 2 and not line.startswith("#") and f[2] in ("task-clock", "context-switches"):
            try:
                perf[f[2]] = float(f[0])
            except ValueError:
                sys.exit(f"perf stat could not count {f[2]}: {line.strip()}")
    if len(perf) != 2:
        sys.exit(f"perf stat printed no counts: {open(stat).read()}")
    cpu_ms = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1e3
    docs = [sbtest.load(f"{scratch}/{name}-{w}.json") for w in ("atomic", "chan")]
    return {"task-clock": perf["task-clock"], "context-switches": perf["context-switches"],
            "cpu": cpu_ms}, docs

def suite_totals(docs):
    total = {"task-clock": 0.0, "context-switches": 0.0, "cpu": 0.0}
    for entry in (e for doc in docs for e in doc["results"]):
        if entry["status"] != "ok":
            sys.exit(f"the run did not measure: {entry['status']}: {entry['status_detail']}")
        for rep in entry["reps"]:
            for t in rep["threads"]:
                total["task-clock"] += t["counters"]["task-clock"]["value"] / 1e6
                total["context-switches"] += t["counters"]["context-switches"]["value"]
                total["cpu"] += t["cpu_ns"] / 1e6
    return total

base, _ = under_perf("0.001", "setup")
whole, docs = under_perf("0.5", "run")
suite = suite_totals(docs)
slack = {"task-clock": 1.0, "context-switches": 5, "cpu": 1.0}
failed = []
for k in ("task-clock", "context-switches", "cpu"):
    outside = whole[k] - suite[k]
    bound = 2 * base[k] + 0.05 * whole[k]
    print(f"{k:17} suite {suite[k]:10.1f}  perf/rusage {whole[k]:10.1f}  outside the windows "
          f"{outside:8.1f} (set-up alone {base[k]:.1f}, bound {bound:.1f})")
    if suite[k] > 1.01 * whole[k] + slack[k]:
        failed.append(f"{k}: the suite counts {suite[k]:.1f}, more than the whole run's {whole[k]:.1f}")
    if outside > bound:
        failed.append(f"{k}: {outside:.1f} outside the windows, more than set-up explains ({bound:.1f})")
    if k != "context-switches" and suite[k] < base[k]:
        failed.append(f"{k}: the windows hold {suite[k]:.1f}, less than the set-up's {base[k]:.1f}")
chan = suite_totals(docs[1:])
if chan["context-switches"]:
    print(f"chan-pingpong: cpu_ns - task-clock = {chan['cpu'] - chan['task-clock']:.1f} ms over "
          f"{chan['context-switches']:.0f} switches, "
          f"{(chan['cpu'] - chan['task-clock']) * 1e6 / chan['context-switches']:.0f} ns each")
if failed:
    sys.exit("\n".join(failed))
PY
