#!/usr/bin/env bash
# make test-slurm: a real one-node Slurm cluster on this machine (Debian's
# slurm-wlm and munge, as root), a 2-shard quick sweep and its merge
# submitted through `./run.sh slurm`, and the merged data set checked: every
# configuration of the sweep exactly once, valid against the schema.
# The daemons (munged, slurmctld, slurmd) run from a temporary directory and
# are stopped by their PIDs on any exit, as are the results it made.
# Not in tests/run.sh: it needs root, installs packages and takes a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
WAIT_S=${SLURM_WAIT_S:-240}	# for the sweep and the merge; the quick sweep takes ~30 s a shard here

say() { echo "test-slurm: $*"; }
fail() {
	echo "test-slurm: FAIL: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || fail "needs root (it installs slurm-wlm and munge and runs slurmd as root)"
packages=(slurm-wlm munge)
missing=$(for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"
done)
if [ -n "$missing" ]; then
	say "installing" $missing
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086  # one word per package
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

tmp=$(mktemp -d /tmp/syncbench-slurm.XXXXXX)
pids=() sweep_dir=
stop_all() {
	local rc=$? pid
	set +e	# clean up as much as can be, whatever fails
	[ -n "${SLURM_CONF:-}" ] && cancel_jobs
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	done
	if [ "$rc" -ne 0 ]; then
		for log in "$tmp"/*.log "${sweep_dir:-/nonexistent}"/slurm/*.out; do
			[ -f "$log" ] && { echo "--- $log"; tail -n 20 "$log"; }
		done
	fi
	rm -rf "$tmp" ${sweep_dir:+"$sweep_dir"}
	exit "$rc"
}
# A job still running when the test stops (a failure, a timeout) is
# cancelled while slurmctld and slurmd are up to do it; whatever of its
# processes outlives the grace period is killed by the PIDs slurmd knows.
cancel_jobs() {
	scancel --quiet --user=root 2>/dev/null || true
	wait_for 20 test -z "$(squeue -h 2>/dev/null)" || true
	for pid in $(scontrol listpids 2>/dev/null | awk 'NR > 1 { print $1 }'); do
		kill -KILL "$pid" 2>/dev/null
	done
}
trap stop_all EXIT
trap 'exit 1' INT TERM

# Waits up to $1 seconds for the command after it to succeed.
wait_for() {
	local limit=$1 start=$SECONDS; shift
	until "$@" >/dev/null 2>&1; do
		[ $((SECONDS - start)) -lt "$limit" ] || return 1
		sleep 1
	done
}

free_port() {
	"$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- munge: its own key and socket, so that nothing of the host's is used.
mkdir -m 0700 "$tmp/munge"
mungekey --create --keyfile="$tmp/munge/munge.key"
munged --foreground --force --socket="$tmp/munge/munge.socket" --key-file="$tmp/munge/munge.key" \
	--pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munged.log" \
	--seed-file="$tmp/munge/munged.seed" 2>>"$tmp/munged.log" &
pids+=($!)
wait_for 10 test -S "$tmp/munge/munge.socket" || fail "munged did not start"

# --- Slurm: the minimal one-node configuration; slurmd -C describes this machine.
node=$(hostname -s)
mkdir -p "$tmp/state" "$tmp/spool"
cat >"$tmp/slurm.conf" <<EOF
ClusterName=syncbench-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/munge.socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
$(slurmd -C | head -n 1 | sed 's/^NodeName=[^ ]*/NodeName='"$node"' NodeAddr=127.0.0.1/') State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf
# In the foreground (-D), so that $! is the daemon's PID; they log to $tmp.
slurmctld -D -i -f "$SLURM_CONF" 2>>"$tmp/slurmctld.log" &
pids+=($!)
slurmd -D -f "$SLURM_CONF" 2>>"$tmp/slurmd.log" &
pids+=($!)
node_idle() { [ "$(sinfo -h -n "$node" -o %t)" = idle ]; }
wait_for 30 node_idle || fail "node $node is not idle: $(sinfo -h -o '%t %E' 2>&1)"
say "cluster up: $(sinfo -h -o '%P %D nodes, %c CPUs, state %t')"

# --- The sweep and its merge, through run.sh as a user would submit them.
./run.sh slurm --shards 2 -- quick | tee "$tmp/submit.txt"
read -r sweep_id job merge_job < <(sed -n 's/^run.sh: sweep \([^:]*\): job \([0-9]*\) .*, merge job \([0-9]*\)$/\1 \2 \3/p' \
	"$tmp/submit.txt")
[ -n "${merge_job:-}" ] || fail "run.sh slurm printed no job ids"
sweep_dir=results/$sweep_id
job_gone() { [ -z "$(squeue -h -j "$1" 2>/dev/null)" ]; }
wait_for "$WAIT_S" job_gone "$merge_job" || fail "the merge job $merge_job did not finish in ${WAIT_S} s"
for id in "${job}_1" "${job}_2" "$merge_job"; do
	state=$(scontrol show job "$id" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
	say "job $id: $state"
	[ "$state" = COMPLETED ] || fail "job $id ended $state"
done

grep -h -e '^run.sh: [0-9]* configurations to run' -e '^merge:' "$sweep_dir"/slurm/*.out |
	sed 's/^/test-slurm: job output: /'

# --- The merged set: the whole quick sweep, each configuration once, from both shards.
while read -r line; do
	[[ $line == run\ * ]] || continue
	read -r _ _ rest <<<"$line"
	eval "args=($rest)"
	whole=()
	for ((k = 0; k < ${#args[@]}; k++)); do
		[ "${args[k]}" = --shard ] && { k=$((k + 1)); continue; }
		whole+=("${args[k]}")
	done
	./syncbench run "${whole[@]}" --dry-run 2>/dev/null | cut -f2
done <"$(ls -d "$sweep_dir"/part-1-*)/manifest.txt" | sort >"$tmp/planned.txt"
./syncbench export --format jsonl "$sweep_dir/merged" >"$tmp/merged.jsonl"
"$PYTHON" - "$tmp" "$sweep_dir/merged" "$sweep_id" results/schema.json <<'PY'
import glob, json, sys
from jsonschema import Draft202012Validator
tmp, merged, sweep_id, schema = sys.argv[1:]
planned = open(f"{tmp}/planned.txt").read().split()
got = [json.loads(l)["config"] for l in open(f"{tmp}/merged.jsonl")]
names = sorted(set(got))
assert len(planned) == len(set(planned)) > 0, "the sweep plan names a configuration twice"
assert names == planned, f"merged {len(names)} configurations, the sweep has {len(planned)}"
validator = Draft202012Validator(json.load(open(schema)))
shards, entries = set(), 0
for path in glob.glob(f"{merged}/*.json"):
    doc = json.load(open(path))
    validator.validate(doc)
    assert doc["context"]["sweep_id"] == sweep_id, path
    entries += len(doc["results"])
    shards |= {(m["shard"]["index"], m["shard"]["count"]) for m in doc["context"]["merged_from"]}
assert entries == len(planned), f"{entries} entries for {len(planned)} configurations"
assert shards == {(1, 2), (2, 2)}, f"shards in the merged set: {shards}"
print(f"test-slurm: merged data set: {len(names)} configurations, each once, from shards 1/2 and 2/2, "
      "valid against results/schema.json")
PY
say "passed"
