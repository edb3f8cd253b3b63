# Sourced by run.sh: `./run.sh slurm` and `./run.sh k8s`, which turn a sweep
# into cluster jobs.  Every job runs ./run.sh itself (--no-build: the
# submitting command built ./syncbench), gives each part of the sweep its own
# directory under results/<sweep id>/, and `./run.sh merge` makes them one
# data set.  Uses run.sh's die, label, new_sweep_id, sweep_settings, build.
#
# A submission's settings live in one associative array, local to
# slurm_command or k8s_command, whose name every function here takes first
# (and reads through a nameref, j): nodes, shards (empty: per host),
# dry_run, sweep_mode, partition, time_limit, image, cpus, memory, and the
# sweep_id and dir of the submission.

# The options both schedulers take, into the array named $1; $2 is the scheduler.
parse_cluster_options() {
	local -n j=$1
	local scheduler=$2; shift 2
	local key
	for key in nodes shards dry_run sweep_mode partition time_limit image cpus; do j[$key]=; done
	j[memory]=1Gi
	while [ $# -gt 0 ]; do
		case "$scheduler:$1" in
		*:--nodes) j[nodes]=$(whole_number --nodes "${2:-}"); shift 2 ;;
		*:--shards) j[shards]=$(whole_number --shards "${2:-}"); shift 2 ;;
		*:--per-host) j[shards]=; shift ;;
		*:--dry-run) j[dry_run]=1; shift ;;
		slurm:--partition) j[partition]=$(label --partition "${2:-}"); shift 2 ;;
		slurm:--time) [ -n "${2:-}" ] || die "--time needs a Slurm time limit (e.g. 30, 2:00:00)"
			j[time_limit]=$2; shift 2 ;;
		k8s:--image) [ -n "${2:-}" ] || die "--image needs an image name"; j[image]=$2; shift 2 ;;
		k8s:--cpus) j[cpus]=$(whole_number --cpus "${2:-}"); shift 2 ;;
		k8s:--memory) [[ ${2:-} =~ ^[0-9]+(Mi|Gi)$ ]] || die "--memory needs a size such as 512Mi or 2Gi"
			j[memory]=$2; shift 2 ;;
		*:--) [ $# -eq 2 ] || die "$scheduler: name one sweep after -- (accepted: quick, default, full)"
			j[sweep_mode]=$2
			sweep_settings "$2" >/dev/null
			shift 2 ;;
		slurm:*) die "slurm: unknown option '$1' (accepted: --nodes N, --partition P, --time T, --per-host, --shards N, --dry-run, -- SWEEP)" ;;
		k8s:*) die "k8s: unknown option '$1' (accepted: --nodes N, --image IMAGE, --cpus C, --memory M, --per-host, --shards N, --dry-run, -- SWEEP)" ;;
		esac
	done
	[ -n "${j[sweep_mode]:-}" ] || die "$scheduler: name the sweep after -- (accepted: quick, default, full)"
	# Without --nodes: every shard at once, or the whole sweep on one node.
	j[nodes]=${j[nodes]:-${j[shards]:-1}}
	j[sweep_id]=$(new_sweep_id)
	j[dir]=results/${j[sweep_id]}
}

whole_number() {
	[[ $2 =~ ^[1-9][0-9]{0,4}$ ]] || die "$1 needs a whole number from 1 to 99999, not '$2'"
	echo "$2"
}

# The command one part of the sweep runs; $2 names its directory and
# $3 is its --shard (empty: the whole sweep).
part_command() {
	local -n j=$1; shift
	local args="./run.sh ${j[sweep_mode]} --no-build --sweep-id ${j[sweep_id]} --dir $1"
	[ -n "$2" ] && args+=" --shard $2"
	echo "$args"
}

# --- Slurm ---------------------------------------------------------------

# $2: the job's name after syncbench-; $3: its log's name (%j job, %A_%a array task).
slurm_header() {
	local -n j=$1; shift
	echo "#!/bin/bash"
	echo "#SBATCH --job-name=syncbench-$1"
	echo "#SBATCH --chdir=$PWD"
	echo "#SBATCH --output=$PWD/${j[dir]}/slurm/$2.out"
	[ -n "${j[partition]}" ] && echo "#SBATCH --partition=${j[partition]}"
	[ -n "${j[time_limit]}" ] && echo "#SBATCH --time=${j[time_limit]}"
	return 0
}

# Shards: an array job, one task per shard, each alone on a node; at most
# --nodes run at once.  --cpu-bind=none: syncbench pins its own threads with
# hwloc, and Slurm's binding would confine them.
slurm_sweep_sharded() {
	local -n j=$1
	slurm_header "$1" "${j[sweep_id]}" "sweep-%A_%a"
	cat <<EOF
#SBATCH --array=1-${j[shards]}%${j[nodes]}
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --exclusive
# syncbench sweep ${j[sweep_id]}: shard \$SLURM_ARRAY_TASK_ID of ${j[shards]}, alone on its node.
set -euo pipefail
i=\$SLURM_ARRAY_TASK_ID
exec srun --ntasks=1 --cpu-bind=none $(part_command "$1" "${j[dir]}/part-\$i-\$(hostname -s)" "\$i/${j[shards]}")
EOF
}

# Per host: one job on --nodes nodes, one task each, so every node runs the
# whole sweep exactly once (an array could put two tasks on one node).
slurm_sweep_per_host() {
	local -n j=$1
	slurm_header "$1" "${j[sweep_id]}" "sweep-%j"
	cat <<EOF
#SBATCH --nodes=${j[nodes]}
#SBATCH --ntasks-per-node=1
#SBATCH --exclusive
# syncbench sweep ${j[sweep_id]}: the whole sweep on each of ${j[nodes]} nodes.
set -euo pipefail
exec srun --ntasks-per-node=1 --cpu-bind=none bash -c '$(part_command "$1" "${j[dir]}/part-\$(hostname -s)" "")'
EOF
}

# After the sweep, whatever became of it: merge what is there (merge says
# which shard is missing, and refuses conflicts), then the report.
slurm_merge() {
	local -n j=$1
	slurm_header "$1" "${j[sweep_id]}-merge" "merge-%j"
	cat <<EOF
#SBATCH --ntasks=1
# syncbench sweep ${j[sweep_id]}: one data set from its parts, into ${j[dir]}/merged/.
set -euo pipefail
exec ./run.sh merge --no-build --out ${j[dir]}/merged ${j[dir]}/part-*
EOF
}

# The two batch scripts of the submission $1, into directory $2.
slurm_scripts() {
	local -n j=$1
	if [ -n "${j[shards]}" ]; then slurm_sweep_sharded "$1"; else slurm_sweep_per_host "$1"; fi >"$2/sweep.sbatch"
	slurm_merge "$1" >"$2/merge.sbatch"
}

slurm_command() {
	local -A sub
	local -n j=sub
	local job merge_job
	parse_cluster_options sub slurm "$@"
	if [ -n "${j[dry_run]}" ]; then
		local tmp
		tmp=$(mktemp -d)
		slurm_scripts sub "$tmp"
		echo "# ${j[dir]}/slurm/sweep.sbatch"; cat "$tmp/sweep.sbatch"
		echo "# ${j[dir]}/slurm/merge.sbatch"; cat "$tmp/merge.sbatch"
		echo "# submitted with: sbatch --parsable ${j[dir]}/slurm/sweep.sbatch, then"
		echo "#   sbatch --parsable --dependency=afterany:JOB ${j[dir]}/slurm/merge.sbatch"
		rm -rf "$tmp"
		return
	fi
	command -v sbatch >/dev/null || die "slurm: sbatch not found: run this on a Slurm submit host"
	install_missing "${build_packages[@]}"
	build
	mkdir -p "${j[dir]}/slurm"
	slurm_scripts sub "${j[dir]}/slurm"
	job=$(sbatch --parsable "${j[dir]}/slurm/sweep.sbatch")
	job=${job%%;*}
	merge_job=$(sbatch --parsable --dependency="afterany:$job" "${j[dir]}/slurm/merge.sbatch")
	merge_job=${merge_job%%;*}
	echo "run.sh: sweep ${j[sweep_id]}: job $job ($([ -n "${j[shards]}" ] && echo "${j[shards]} shards" || echo "${j[nodes]} nodes, the whole sweep each")), merge job $merge_job"
	echo "run.sh: results in ${j[dir]}/merged/ once job $merge_job is done (squeue -j $job,$merge_job)"
}

# --- Kubernetes ----------------------------------------------------------

# One pod per index on distinct nodes (required anti-affinity on the sweep's
# label), each Guaranteed: requests equal limits, whole CPUs, so the
# kubelet's static CPU manager gives it cores of its own.  The parts go to a
# ReadWriteMany volume, which the collect pod (k8s_collect_pod) reads back.
# The pod's hostname is not the machine's: --host names it by its node.
k8s_manifest() {
	local -n j=$1
	local name=syncbench-${j[sweep_id]} shard_arg=
	[ -n "${j[shards]}" ] && shard_arg="\$((JOB_COMPLETION_INDEX + 1))/${j[shards]}"
	cat <<EOF
# syncbench sweep ${j[sweep_id]}: run it with collect.sh beside this file.
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: $name
spec:
  accessModes: [ReadWriteMany]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: batch/v1
kind: Job
metadata:
  name: $name
  labels:
    app.kubernetes.io/name: syncbench
    syncbench/sweep-id: "${j[sweep_id]}"
spec:
  completionMode: Indexed
  completions: ${j[shards]:-${j[nodes]}}
  parallelism: ${j[nodes]}
  backoffLimit: 0
  template:
    metadata:
      labels:
        app.kubernetes.io/name: syncbench
        syncbench/sweep-id: "${j[sweep_id]}"
    spec:
      restartPolicy: Never
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector:
              matchLabels:
                syncbench/sweep-id: "${j[sweep_id]}"
            topologyKey: kubernetes.io/hostname
      containers:
      - name: syncbench
        image: ${j[image]}
        workingDir: /syncbench
        command: [/bin/sh, -c]
        args:
        - '$(part_command "$1" '/results/part-$JOB_COMPLETION_INDEX-$NODE_NAME' "$shard_arg") --host "\$NODE_NAME"'
        env:
        - name: NODE_NAME
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName
        resources:
          requests:
            cpu: "${j[cpus]}"
            memory: ${j[memory]}
          limits:
            cpu: "${j[cpus]}"
            memory: ${j[memory]}
        volumeMounts:
        - name: results
          mountPath: /results
      volumes:
      - name: results
        persistentVolumeClaim:
          claimName: $name
EOF
}

# A pod that mounts the results volume, so that kubectl cp can read it.
k8s_collect_pod() {
	local -n j=$1
	local name=syncbench-${j[sweep_id]}
	cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $name-collect
  labels:
    app.kubernetes.io/name: syncbench-collect
spec:
  restartPolicy: Never
  containers:
  - name: collect
    image: ${j[image]}
    command: [sleep, "3600"]
    volumeMounts:
    - name: results
      mountPath: /results
  volumes:
  - name: results
    persistentVolumeClaim:
      claimName: $name
EOF
}

k8s_collect() {
	local -n j=$1
	local name=syncbench-${j[sweep_id]}
	cat <<EOF
#!/bin/sh
# syncbench sweep ${j[sweep_id]} on Kubernetes: run, collect, merge.
set -eu
kubectl apply -f ${j[dir]}/k8s/job.yaml
kubectl wait --for=condition=complete --timeout=24h job/$name
kubectl apply -f ${j[dir]}/k8s/collect.yaml
kubectl wait --for=condition=Ready --timeout=10m pod/$name-collect
kubectl cp $name-collect:/results ${j[dir]}/parts
kubectl delete -f ${j[dir]}/k8s/collect.yaml
./run.sh merge --out ${j[dir]}/merged ${j[dir]}/parts/part-*
EOF
}

k8s_command() {
	local -A sub
	local -n j=sub
	parse_cluster_options sub k8s "$@"
	[ -n "${j[image]}" ] || die "k8s: --image is required: an image with this repository built in /syncbench (README.md, Running on a cluster)"
	[ -n "${j[cpus]}" ] || die "k8s: --cpus is required: whole CPUs per pod, requested and limited alike (Guaranteed QoS)"
	if [ -n "${j[dry_run]}" ]; then
		echo "# ${j[dir]}/k8s/job.yaml"; k8s_manifest sub
		echo "---"
		echo "# ${j[dir]}/k8s/collect.yaml"; k8s_collect_pod sub
		echo "# ${j[dir]}/k8s/collect.sh"; k8s_collect sub | sed 's/^/# /'
		return
	fi
	mkdir -p "${j[dir]}/k8s"
	k8s_manifest sub >"${j[dir]}/k8s/job.yaml"
	k8s_collect_pod sub >"${j[dir]}/k8s/collect.yaml"
	k8s_collect sub >"${j[dir]}/k8s/collect.sh"
	chmod +x "${j[dir]}/k8s/collect.sh"
	echo "run.sh: wrote ${j[dir]}/k8s/job.yaml; to run it, collect and merge: sh ${j[dir]}/k8s/collect.sh"
}
