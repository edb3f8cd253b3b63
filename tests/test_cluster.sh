#!/usr/bin/env bash
# Sweeps across hosts, without a cluster: --shard splits a sweep exactly
# (the shards' dry runs together are the whole one, without overlap);
# merge puts hosts side by side, refuses different sweeps and conflicts;
# compare, export and plot.py read the merged set by host; the Slurm
# scripts and the Kubernetes manifest that run.sh generates are checked for
# what they must hold.  make test-slurm runs the Slurm side for real.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."

# --- sharding: the union of shards 1..N is the sweep, each configuration once.
sweep=(run --bench lock --prim ttas,ticket,pthread-mutex --threads 1,2,4 --set cs=0,10,20)
"$BIN" "${sweep[@]}" --dry-run 2>/dev/null | cut -f2 | sort >"$scratch/whole.txt"
for n in 1 2 5 100; do
	for ((i = 1; i <= n; i++)); do
		"$BIN" "${sweep[@]}" --dry-run --shard "$i/$n" 2>/dev/null | cut -f2
	done | sort >"$scratch/union.txt"
	[ -z "$(uniq -d "$scratch/union.txt")" ] || fail "$n shards: a configuration in two shards"
	cmp -s "$scratch/union.txt" "$scratch/whole.txt" || fail "$n shards do not cover the sweep"
done
[ "$("$BIN" "${sweep[@]}" --dry-run --shard 2/5 2>/dev/null | wc -l)" -eq 6 ] || fail "27 configurations: shard 2/5 should hold 6"
for bad in 0/2 3/2 2 /2 1/0 a/b 1/2x; do
	rc=0; "$BIN" "${sweep[@]}" --dry-run --shard "$bad" >"$scratch/out" 2>"$scratch/err" || rc=$?
	[ "$rc" -eq 2 ] && [ ! -s "$scratch/out" ] && [ "$(wc -l <"$scratch/err")" -eq 1 ] ||
		fail "--shard $bad: status $rc, $(cat "$scratch/err")"
done
echo "shards: 1, 2, 5 and 100 shards cover the 27 configurations exactly once; bad --shard refused"

# --- merge: hosts a and b each ran the sweep; host c ran it as two shards
# (with the same sweep id: the split is what merge refuses to mix).
small=(run --bench lock --prim ttas,ticket --threads 1,2 --set cs=0 --duration 0.01 --warmup 0
       --reps 2 --events none --sweep-id s1)
mkdir -p "$scratch"/{a,b,c1,c2,other}
"$BIN" "${small[@]}" --host a --out "$scratch/a/lock.json" >/dev/null
"$BIN" "${small[@]}" --host b --out "$scratch/b/lock.json" >/dev/null
"$BIN" "${small[@]}" --host c --shard 1/2 --out "$scratch/c1/lock.json" >/dev/null
"$BIN" "${small[@]}" --host c --shard 2/2 --out "$scratch/c2/lock.json" >/dev/null
"$BIN" run --bench pingpong --threads 2 --duration 0.01 --warmup 0 --reps 2 --events none \
	--sweep-id s1 --host a --out "$scratch/a/pingpong.json" >/dev/null
"$BIN" merge --out "$scratch/m" "$scratch"/{a,b} >"$scratch/merge.txt"
grep -q '^merge: sweep s1: 9 configurations from 2 hosts (a, b) in 3 documents' "$scratch/merge.txt" ||
	fail "merge: $(cat "$scratch/merge.txt")"
"$BIN" merge --out "$scratch/mc" "$scratch"/{c1,c2} >"$scratch/merge.txt"
grep -q '^merge: sweep s1: 4 configurations from 1 hosts (c) in 1 documents' "$scratch/merge.txt" ||
	fail "merge of shards: $(cat "$scratch/merge.txt")"
"$PYTHON" - "$scratch/m" "$scratch/mc" results/schema.json <<'PY'
import glob, os, sys
import sbtest
from jsonschema import Draft202012Validator
merged, merged_c, schema = sys.argv[1:]
v = Draft202012Validator(sbtest.load(schema))
files = sorted(os.path.basename(p) for p in glob.glob(f"{merged}/*.json"))
assert files == ["a.lock.json", "a.pingpong.json", "b.lock.json"], files
assert os.listdir(merged_c) == ["c.lock.json"]
for f in files + ["../mc/c.lock.json"]:
    doc = sbtest.load(f"{merged}/{f}")
    v.validate(doc)
    host, bench = os.path.basename(f).split(".")[:2]
    assert doc["context"]["host"] == host and doc["context"]["sweep_id"] == "s1", f
    assert all(e["bench"] == bench for e in doc["results"]), f
c = sbtest.load(f"{merged_c}/c.lock.json")
assert len(c["results"]) == 4 and "shard" not in c["context"], "c: the two shards are not one document"
assert sorted(m["shard"]["index"] for m in c["context"]["merged_from"]) == [1, 2]
print("merge: one valid document per host x workload; c's two shards made one")
PY

# compare: two hosts of one merged set, and two merged sets host by host.
"$BIN" compare --host-a a --host-b b "$scratch/m" "$scratch/m" >"$scratch/cmp.txt"
grep -q '^summary: 4 configurations compared' "$scratch/cmp.txt" || fail "compare a with b: $(tail -1 "$scratch/cmp.txt")"
"$BIN" compare "$scratch/m" "$scratch/m" >"$scratch/cmp2.txt"
grep -q '^summary: 9 configurations compared' "$scratch/cmp2.txt" && grep -q '^b:lock/ttas/threads:2/' "$scratch/cmp2.txt" ||
	fail "compare by host: $(tail -1 "$scratch/cmp2.txt")"
rc=0; "$BIN" compare "$scratch/m" "$scratch/a" >/dev/null 2>"$scratch/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q 'holds results of 2 hosts (a, b).*--host-a' "$scratch/err" ||
	fail "compare of 2 hosts against 1: status $rc, $(cat "$scratch/err")"
rc=0; "$BIN" compare --host-a zz "$scratch/m" "$scratch/a" >/dev/null 2>"$scratch/err" || rc=$?
[ "$rc" -eq 2 ] || fail "compare --host-a of an absent host: status $rc"
"$BIN" export --format csv --bench lock "$scratch/m" >"$scratch/m.csv" && head -1 "$scratch/m.csv" | grep -q '^source,host,' || fail "export has no host column: $(head -1 "$scratch/m.csv")"
"$BIN" export --format gbench "$scratch/m" >"$scratch/m.gb.json"
"$PYTHON" - "$scratch/m.gb.json" <<'PY' || fail "gbench export of several hosts: names not unique per host"
import json, sys
runs = [b for b in json.load(open(sys.argv[1]))["benchmarks"] if b["run_type"] == "iteration"]
keys = [(b["name"], b["repetition_index"]) for b in runs]
assert len(keys) == len(set(keys)), "a name and repetition twice"
assert {b["name"].split(":", 1)[0] for b in runs} == {"a", "b"}, {b["name"] for b in runs}
PY

# refusals: nothing written, one line (conflicts: one per conflict, then the count).
refused() {	# STATUS PATTERN ARGS...
	local want=$1 pattern=$2 rc=0; shift 2
	"$BIN" merge --out "$scratch/no" "$@" >/dev/null 2>"$scratch/err" || rc=$?
	[ "$rc" -eq "$want" ] && grep -q -- "$pattern" "$scratch/err" && [ ! -e "$scratch/no" ] ||
		fail "merge $*: status $rc (expected $want), $(cat "$scratch/err")"
	[ -z "$(ls "$scratch" | grep '^no\.tmp')" ] || fail "merge $*: left a temporary directory"
}
"$BIN" "${small[@]/s1/s2}" --host d --out "$scratch/other/lock.json" >/dev/null
refused 2 'results of different sweeps: .* has sweep_id s1, .* has s2' "$scratch/a" "$scratch/other"
refused 1 '2 conflicts' "$scratch/c1" "$scratch/c2" "$scratch/c1"
grep -q 'conflict: host c, configuration lock/ticket/threads:1/.*: in .*/c1/lock.json and in .*/c1/lock.json$' "$scratch/err" ||
	fail "the conflict is not named: $(cat "$scratch/err")"
refused 2 'is of 1 shards' "$scratch/a" "$scratch/c1"
refused 2 'not a syncbench/1 result document' "$scratch/a" results/schema.json
"$BIN" merge --out "$scratch/m1" "$scratch/c1" 2>"$scratch/err" >/dev/null || fail "a missing shard is refused"
grep -q 'note: shard 2/2 is in no input' "$scratch/err" || fail "a missing shard is not noted"
rc=0; "$BIN" merge --out "$scratch/m" "$scratch/a" 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "merge into an existing directory: status $rc"
echo "merge: different sweeps, conflicts, mixed splits and non-documents refused, nothing written"

if "$PYTHON" -c 'import matplotlib' 2>/dev/null; then
	"$PYTHON" results/plot.py "$scratch/m" --out "$scratch/plot" >/dev/null
	[ -s "$scratch/plot/figures/throughput-lock.svg" ] || fail "plot.py drew no throughput figure"
	for h in a b; do
		grep -Eq "<!-- on $h( [^>]*)? -->" "$scratch/plot/figures/throughput-lock.svg" ||
			fail "plot.py: no panel for host $h"
	done
	echo "plot.py: one panel per host"
else
	echo "test_cluster.sh: SKIPPED plot.py: python3-matplotlib is missing (./run.sh test installs it)"
fi

# --- the Slurm scripts: exclusive nodes, no Slurm binding, an array of the
# shards, the merge after it; and bash must parse them.
./run.sh slurm --shards 3 --nodes 2 --partition p1 --dry-run -- quick >"$scratch/slurm.txt"
for want in '^#SBATCH --array=1-3%2$' '^#SBATCH --exclusive$' '^#SBATCH --partition=p1$' \
	'srun --ntasks=1 --cpu-bind=none ./run.sh quick --no-build --sweep-id [^ ]* --dir .* --shard \$i/3$' \
	'^exec ./run.sh merge --no-build --out results/[^ ]*/merged results/[^ ]*/part-\*$' \
	'--dependency=afterany:JOB'; do
	grep -q -- "$want" "$scratch/slurm.txt" || fail "the Slurm scripts lack $want"
done
./run.sh slurm --nodes 4 --dry-run -- default >"$scratch/slurm-hosts.txt"
grep -q '^#SBATCH --nodes=4$' "$scratch/slurm-hosts.txt" && grep -q '^#SBATCH --ntasks-per-node=1$' "$scratch/slurm-hosts.txt" &&
	! grep -q -- '--shard\|--array' "$scratch/slurm-hosts.txt" || fail "per-host Slurm script"
awk '/^# results\/.*\.sbatch$/ { f = FILENAME "." ++n } f { print > f }' "$scratch/slurm.txt"
for f in "$scratch"/slurm.txt.*; do bash -n "$f" || fail "$f does not parse"; done
for bad in "--shards 0" "--nodes x" "--bogus" "-- nope" ""; do
	rc=0
	# shellcheck disable=SC2086  # the words of $bad are the options
	./run.sh slurm $bad --dry-run ${bad:+-- quick} >"$scratch/out" 2>"$scratch/err" || rc=$?
	[ "$rc" -eq 2 ] && [ ! -s "$scratch/out" ] && [ "$(wc -l <"$scratch/err")" -eq 1 ] ||
		fail "run.sh slurm $bad: status $rc, $(cat "$scratch/err")"
done
echo "slurm: the array of shards, exclusive nodes, --cpu-bind=none, the merge after any end"

# --- the Kubernetes manifest: it parses, holds what the scheduler needs, and
# its pods' commands, run for every index, cover the shards once.
./run.sh k8s --nodes 3 --shards 4 --image registry.example/syncbench:1 --cpus 2 --memory 2Gi \
	--dry-run -- quick >"$scratch/k8s.txt"
"$PYTHON" - "$scratch/k8s.txt" <<'PY'
import re, subprocess, sys
import yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
kinds = [d["kind"] for d in docs]
assert kinds == ["PersistentVolumeClaim", "Job", "Pod"], kinds
pvc, job, collect = docs
spec = job["spec"]
assert spec["completionMode"] == "Indexed" and spec["completions"] == 4 and spec["parallelism"] == 3
pod = spec["template"]["spec"]
label = spec["template"]["metadata"]["labels"]["syncbench/sweep-id"]
term = pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
assert term["topologyKey"] == "kubernetes.io/hostname"
assert term["labelSelector"]["matchLabels"] == {"syncbench/sweep-id": label}, "anti-affinity misses its own pods"
assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", job["metadata"]["name"]) and len(job["metadata"]["name"]) <= 63
(c,) = pod["containers"]
res = c["resources"]
assert res["requests"] == res["limits"], "not Guaranteed: requests differ from limits"
assert str(res["requests"]["cpu"]).isdigit(), "the static CPU manager needs whole CPUs"
assert res["requests"]["memory"] == "2Gi"
mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
vols = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]}
assert mounts == {"results": "/results"} and vols == {"results": pvc["metadata"]["name"]}
assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]
assert {v["persistentVolumeClaim"]["claimName"] for v in collect["spec"]["volumes"]} == {pvc["metadata"]["name"]}
env = {e["name"]: e["valueFrom"]["fieldRef"]["fieldPath"] for e in c["env"]}
assert env == {"NODE_NAME": "spec.nodeName"}
assert c["command"] == ["/bin/sh", "-c"] and len(c["args"]) == 1
# The pod's command, with run.sh replaced by echo, for every completion index.
shards = []
for i in range(spec["completions"]):
    out = subprocess.run(["/bin/sh", "-c", c["args"][0].replace("./run.sh", "echo", 1)],
                         env={"JOB_COMPLETION_INDEX": str(i), "NODE_NAME": f"node{i}", "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[out.index("--host") + 1] == f"node{i}" and out[out.index("--dir") + 1] == f"/results/part-{i}-node{i}"
    assert out[out.index("--sweep-id") + 1] == label
    shards.append(out[out.index("--shard") + 1])
assert sorted(shards) == ["1/4", "2/4", "3/4", "4/4"], shards
print("k8s: Indexed Job of 4 completions, 3 at once on distinct nodes, Guaranteed, shards 1/4..4/4 once each")
PY
grep -q "^# kubectl cp syncbench-.*-collect:/results results/.*/parts$" "$scratch/k8s.txt" &&
	grep -q "^# ./run.sh merge --out results/.*/merged results/.*/parts/part-\*$" "$scratch/k8s.txt" ||
	fail "the collect commands"
rc=0; ./run.sh k8s --nodes 2 --image x --dry-run -- quick >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "k8s without --cpus: status $rc"
echo "test_cluster.sh: all passed"
