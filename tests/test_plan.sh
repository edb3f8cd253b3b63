#!/usr/bin/env bash
# syncbench plan: its JSON against the placement rules on a described
# 2-socket NUMA SMT machine, the same plan from an XML export of that
# machine (lstopo, Debian's hwloc), and on this machine what plan shows is
# what run pins, also inside a taskset.  (tests/test_placement.c checks the
# rules on every thread count of machines up to 256 PUs.)
. "$(dirname "$0")/lib.sh"

desc="pack:2 numa:2 core:16 pu:2"
for p in compact cores scatter cores@numa:1 scatter@package:1; do
	"$BIN" plan --topology "$desc" --placement "$p" --threads 1,2,16,32,64,200 --json \
		>"$scratch/plan-$p.jsonl" || fail "plan $p exited with status $?"
done

"$PYTHON" - "$scratch" <<'PY'
import json, sys
scratch = sys.argv[1]
def plans(p):
    return [json.loads(line) for line in open(f"{scratch}/plan-{p}.jsonl")]
bad = []
for p in ("compact", "cores", "scatter", "cores@numa:1", "scatter@package:1"):
    rows = plans(p)
    if [r["threads"] for r in rows] != [1, 2, 16, 32, 64, 200]:
        bad.append(f"{p}: thread counts {[r['threads'] for r in rows]}")
    for r in rows:
        at, n = r["threads_at"], r["threads"]
        if r["placement"] != p or len(at) != n or any(set(t) != {"pu", "core", "package", "numa"} for t in at):
            bad.append(f"{p} x{n}: malformed {str(r)[:120]}")
            continue
        cores = [t["core"] for t in at]
        pus = [t["pu"] for t in at]
        shared = r["shared"]
        # what plan says is shared is what its threads_at shows
        for level, values in (("pu", pus), ("core", cores), ("package", [t["package"] for t in at]),
                              ("numa", [t["numa"] for t in at])):
            if shared[level] != (len(set(values)) < n):
                bad.append(f"{p} x{n}: shared.{level} {shared[level]} against threads_at")
        if r["oversubscribed"] != (len(set(pus)) < n):
            bad.append(f"{p} x{n}: oversubscribed {r['oversubscribed']}")
        if p == "cores" and n <= 64 and len(set(cores)) != n:
            bad.append(f"cores x{n}: two threads on one core before every core has one")
        if p == "compact" and n >= 2 and cores[0] != cores[1]:
            bad.append(f"compact x{n}: threads 0 and 1 are not siblings")
        if p == "scatter" and n <= 128 and any(t["package"] != i % 2 for i, t in enumerate(at)):
            bad.append(f"scatter x{n}: packages {[t['package'] for t in at][:8]}... do not alternate")
        if p == "cores@numa:1" and any(t["numa"] != 1 for t in at):
            bad.append(f"cores@numa:1 x{n}: a thread outside NUMA node 1")
        if p == "scatter@package:1" and any(t["package"] != 1 for t in at):
            bad.append(f"scatter@package:1 x{n}: a thread outside package 1")
if bad:
    sys.exit("\n".join(bad))
PY

# The same machine exported as XML plans the same.
command -v lstopo-no-graphics >/dev/null || fail "lstopo-no-graphics is missing: apt-get install hwloc (./run.sh test installs it)"
lstopo-no-graphics --input "$desc" --of xml "$scratch/machine.xml" 2>/dev/null ||
	fail "lstopo could not export the synthetic machine"
for p in cores scatter; do
	"$BIN" plan --topology "$scratch/machine.xml" --placement "$p" --threads 1,2,16,32,64,200 \
		--json >"$scratch/xml-$p.jsonl" || fail "plan on the XML exited with status $?"
	cmp -s "$scratch/xml-$p.jsonl" "$scratch/plan-$p.jsonl" ||
		fail "$p: the XML export plans differently from its synthetic description"
done

# The table: a heading and one row per thread count, the PUs written as list: takes them.
"$BIN" plan --topology "$desc" --placement cores --threads 1,16 >"$scratch/table.txt"
grep -q '^placement cores on "pack:2 numa:2 core:16 pu:2": 2 packages, 4 NUMA nodes, 64 cores, 128 PUs$' \
	"$scratch/table.txt" || fail "plan's heading: $(head -1 "$scratch/table.txt")"
[ "$(wc -l <"$scratch/table.txt")" -eq 4 ] || fail "plan printed $(wc -l <"$scratch/table.txt") lines, not 4"
grep -Eq '^ +16 .* 0-30:2$' "$scratch/table.txt" || fail "16 threads under cores: $(tail -1 "$scratch/table.txt")"

# On this machine, what plan shows is what run pins: placement.pus and
# placement.shared of every result, for every policy, and inside a taskset.
pus=$(nproc)
threads=1,2,$((2 * pus + 1))
lstopo-no-graphics --of xml "$scratch/here.xml" 2>/dev/null || fail "lstopo could not export this machine"
for p in compact cores scatter list:0 none; do
	"$BIN" plan --placement "$p" --threads "$threads" --json >"$scratch/here-$p.jsonl" ||
		fail "plan $p on this machine exited with status $?"
	"$BIN" plan --topology "$scratch/here.xml" --placement "$p" --threads "$threads" --json \
		>"$scratch/xml-here-$p.jsonl" || fail "plan $p on this machine's XML exited with status $?"
	cmp -s "$scratch/here-$p.jsonl" "$scratch/xml-here-$p.jsonl" ||
		fail "$p: this machine and its lstopo export plan differently"
	"$BIN" run --bench validate --prim ttas --threads "$threads" --placement "$p" --duration 0.01 \
		--warmup 0 --reps 1 --out "$scratch/run-$p.json" >/dev/null || fail "run $p exited with status $?"
done
last=$((pus - 1))
taskset -c "$last" "$BIN" plan --placement cores --threads 2 --json >"$scratch/here-taskset.jsonl"
taskset -c "$last" "$BIN" run --bench validate --prim ttas --threads 2 --duration 0.01 --warmup 0 \
	--reps 1 --out "$scratch/run-taskset.json" >/dev/null || fail "run in a taskset exited with status $?"

"$PYTHON" - "$scratch" "$last" compact cores scatter list:0 none taskset <<'PY'
import json, sys
import sbtest
scratch, last, policies = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
bad = []
for p in policies:
    plan = [json.loads(line) for line in open(f"{scratch}/here-{p}.jsonl")]
    run = sbtest.load(f"{scratch}/run-{p}.json")["results"]
    if len(plan) != len(run):
        bad.append(f"{p}: plan has {len(plan)} thread counts, run {len(run)} entries")
    for shown, done in zip(plan, run):
        pl = done["placement"]
        # a result names the policy "list" and keeps the PUs in pus
        policy = shown["placement"].split(":")[0] if shown["placement"].startswith("list:") \
            else shown["placement"]
        if [t["pu"] for t in shown["threads_at"]] != pl["pus"] or shown["shared"] != pl["shared"] \
                or shown["oversubscribed"] != pl["oversubscribed"] or policy != pl["policy"]:
            bad.append(f"{p} x{shown['threads']}: plan {shown['threads_at']} {shown['shared']}, "
                       f"run {pl}")
    if p == "taskset" and plan[0]["threads_at"][0]["pu"] != last:
        bad.append(f"in taskset -c {last}, plan uses PU {plan[0]['threads_at'][0]['pu']}")
if bad:
    sys.exit("\n".join(bad))
print(f"what plan shows is what run pins, for {len(policies)} placements on this machine")
PY
