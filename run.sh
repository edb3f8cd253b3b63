#!/usr/bin/env bash
# syncbench's front door.  On a fresh Debian 12 machine it installs what is
# missing (as root with apt-get; otherwise it prints the command), builds,
# and then:
#
#   ./run.sh               the default sweep: every workload that is a
#                          figure, each with its primitives, threads 1, 2, 4,
#                          ... up to the PUs and twice the PUs
#                          (oversubscribed), placed one per core before any SMT
#                          sibling (--placement cores), at the workload's
#                          contention levels; 6 repetitions of 0.05 s (warmup
#                          0.01 s); then the report (plot.py).  On 2 vCPUs:
#                          259 configurations (211 without Go: the Go
#                          references are 48), 2m24s of sweep and 26 s of report
#   ./run.sh quick         the same sweep as a smoke run (6 x 0.01 s; about a
#                          minute here, the report included)
#   ./run.sh full          10 repetitions of 1 s, at the workloads' full set of
#                          levels (more contention levels: `./run.sh full
#                          --dry-run` prints how many and the time, here hours)
#   ./run.sh SWEEP --dry-run   the sweep's configurations and its estimated time;
#                          runs and writes nothing
#   ./run.sh SWEEP --no-report the sweep without plot.py's report
#   ./run.sh --resume DIR  finish an interrupted sweep in DIR: runs only the
#                          configurations missing there, then the report
#   ./run.sh test          builds and runs every test (make test)
#   ./run.sh torture       every primitive under a longer randomized stress
#                          (make torture; TORTURE_SECONDS=S per configuration)
#   ./run.sh -- ARGS...    syncbench run ARGS... (anything custom)
#   ./run.sh --help        this text
#
# Sweeps on many hosts (README.md, "Running on a cluster"):
#   ./run.sh [quick|full] [--shard I/N | --per-host] [--sweep-id ID] [--host NAME]
#            [--dir DIR] [--no-build] [--no-report] [--dry-run]
#                          --shard I/N runs the I-th of N slices (N hosts cover
#                          the sweep once); --per-host (the default) the whole sweep
#   ./run.sh merge --out DIR RESULTS...   syncbench merge, then the report
#   ./run.sh slurm [--nodes N] [--partition P] [--time T] [--per-host | --shards N]
#            [--dry-run] -- quick|default|full
#                          submits an sbatch job (exclusive nodes) and a merge job
#   ./run.sh k8s --nodes N --image IMAGE --cpus C [--memory M] [--per-host | --shards N]
#            [--dry-run] -- quick|default|full
#                          writes an Indexed Job manifest and the commands to
#                          collect and merge its results
#
# A sweep is one `syncbench run` of all its workloads joined by --then, so
# that their repetitions interleave.  It writes results/<host>-<UTC time>/:
# one JSON document per workload (results/README.md), manifest.txt (the
# commands asked for, and whether they finished), table.txt, and the report
# (index.html, figures/).  Ctrl-C keeps every finished configuration;
# --resume picks up from there.  Paths are taken from where you stand, and
# run.sh works through a symlink to it.
set -euo pipefail
# Where the user stands, for the paths they give; then the repository,
# found through any symlink to this script, for everything else.
here=$PWD
self=$(readlink -f -- "${BASH_SOURCE[0]}")
cd "$(dirname "$self")"

# golang-go builds syncbench-go, the Go reference program (benches/go/); `test` installs it
# with the rest of build_packages.
build_packages=(gcc make pkg-config libc6-dev libhwloc-dev libpfm4-dev libjansson-dev libck-dev golang-go)
# The report (results/plot.py) draws with matplotlib and reads syncbench's tidy export with pandas.
report_packages=(python3 python3-matplotlib python3-pandas)
# libbenchmark-tools and python3-scipy: Google Benchmark's compare.py, which a test runs on our export;
# help2man writes the man page (make install) and
# bash-completion is what the completion script is tested under.
# clang for `make fuzz`; libFuzzer's runtime is only a Recommends of clang on Debian 12;
# clang-format for tests/test_format.sh (make check).
# chromium renders the report page in tests/test_page.sh; python3-yaml reads the
# Kubernetes manifest in tests/test_cluster.sh; linux-perf is the independent
# count tests/test_perf.sh checks the counters against; hwloc's lstopo exports
# the XML topology tests/test_plan.sh plans on.
test_packages=(python3 python3-jsonschema python3-matplotlib libbenchmark-tools python3-scipy
	python3-pandas help2man bash-completion clang libclang-rt-14-dev clang-format chromium
	python3-yaml linux-perf hwloc)

usage() {
	sed -n '2,/^set -euo/s/^# \{0,1\}//p' "$self"
}

missing_packages() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"
	done
}

install_missing() {
	command -v dpkg-query >/dev/null || return 0	# not Debian: make names what is missing
	local missing
	missing=$(missing_packages "$@")
	[ -z "$missing" ] && return 0
	# shellcheck disable=SC2086  # one word per package
	if [ "$(id -u)" -ne 0 ]; then
		echo "run.sh: missing packages; install them with:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y" $missing >&2
		exit 1
	fi
	echo "run.sh: installing" $missing
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# A make of its own, also when run.sh runs under one (the tests run it
# from make test): the outer make's job-server flags would only draw a
# warning on stderr.
build() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -j"$(nproc)"
}

# Powers of two below the PU count, the PU count, and twice it (oversubscribed).
default_threads() {
	local pus t list=""
	pus=$(nproc)
	for ((t = 1; t < pus; t *= 2)); do list+="$t,"; done
	echo "${list}${pus},$((2 * pus))"
}

# Prints the manifest: one line per workload, `run NAME ARGS` with ARGS
# plain words (run_manifest reads them back as data), from the
# registries, so a new workload or primitive needs no edit here.
plan_sweep() {
	local mode=$1; shift
	local name role prims sets sets_full threads set_args=() a prim_args=()
	echo "# syncbench sweep: what was asked and what is done.  Resume: ./run.sh --resume DIR"
	echo "mode $mode"
	echo "started $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	while IFS=$'\t' read -r name role prims sets sets_full threads; do
		[ "$role" = sweep ] && [ -n "$prims" ] || continue
		[ "$mode" = full ] && sets=$sets_full
		[ "$sets" = - ] && sets=
		[ "$threads" = - ] && threads=
		read -r -a set_args <<<"$sets"
		prim_args=()
		[ "$prims" = - ] || prim_args=(--prim "$prims")
		printf 'run %s --bench %s' "$name" "$name"
		for a in ${prim_args[@]+"${prim_args[@]}"}; do printf ' %s' "$a"; done
		printf ' --threads %s' "${threads:-$(default_threads)}"
		# One thread per core before any SMT sibling: the thread axis does not
		# mix sibling handoffs into cross-core ones until the cores run out.
		printf ' --placement cores'
		for a in ${set_args[@]+"${set_args[@]}"}; do printf ' --set %s' "$a"; done
		for a in "$@"; do printf ' %s' "$a"; done
		echo
	done < <(./syncbench list --sweep)
}

# A path the user gave, made absolute against where they stand.
absolute() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s\n' "$here/$1" ;;
	esac
}

child= stopping=
forward_stop() {
	stopping=1
	[ -n "$child" ] && kill -TERM "$child" 2>/dev/null
	return 0
}

# However run.sh ends (an error, a signal it traps), no syncbench is left running.
stop_child_at_exit() {
	[ -n "$child" ] && kill -TERM "$child" 2>/dev/null
	return 0
}
trap stop_child_at_exit EXIT

# SIGKILL cannot be trapped: syncbench is started with a parent-death
# signal instead (util-linux setpriv), so that it stops, keeping what
# finished, when run.sh dies that way.
launcher=()
command -v setpriv >/dev/null && launcher=(setpriv --pdeathsig TERM)

# Runs a command in the background so that Ctrl-C, a hangup or a kill of
# run.sh reaches syncbench as SIGTERM, which keeps what finished and exits 4.
run_forwarding() {
	local rc=0
	trap forward_stop INT TERM HUP
	${launcher[@]+"${launcher[@]}"} "$@" &
	child=$!
	wait "$child" || rc=$?
	if [ "$rc" -gt 128 ]; then	# a trapped signal ended the wait: collect the real status
		rc=0
		wait "$child" || rc=$?
	fi
	child=
	return "$rc"
}

# Opens FILE for appending on a new descriptor, whose number goes into the
# variable named $1.  Results directories are shared, so FILE must be a
# regular file of its own: created with noclobber's O_EXCL if missing,
# never written through a symlink, and checked after opening to be the
# file that was looked at.
open_append() {
	local var=$1 file=$2 fd
	[ -L "$file" ] && die "$file is a symbolic link; refusing to write through it"
	if [ ! -e "$file" ]; then
		(set -C; : >"$file") 2>/dev/null || die "cannot create $file"
	fi
	[ -f "$file" ] || die "$file is not a regular file; refusing to write to it"
	exec {fd}>>"$file"
	[ "$(stat -L -c %d:%i "/proc/self/fd/$fd")" = "$(stat -c %d:%i "$file")" ] ||
		die "$file was replaced while it was opened; refusing to write to it"
	printf -v "$var" %s "$fd"
}

# The options a manifest's `run` line may hold: plan_sweep's, each with a
# value.  Nothing that says where to write or how the run goes (--out,
# --then, --resume, --dry-run, --progress): run_manifest adds those.
manifest_options=" --bench --prim --threads --set --duration --warmup --reps --events --placement --interleave --sweep-id --host --shard "

# One `run NAME ARG...` line of a manifest, read as data: split on blanks,
# never expanded or evaluated.  NAME is a workload name (it names
# DIR/NAME.json) and is the line's --bench; every ARG is a plain word.
# Sets manifest_name and manifest_args; dies with status 2 on anything else.
parse_manifest_line() {
	local where=$1 line=$2 words=() i opt val bench=
	read -r -a words <<<"$line"
	manifest_name=${words[1]:-}
	[[ $manifest_name =~ ^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$ ]] ||
		die "$where: '$manifest_name' is not a workload name (letters, digits, '.', '_', '-'; not starting with '.')"
	manifest_args=("${words[@]:2}")
	for ((i = 0; i < ${#manifest_args[@]}; i += 2)); do
		opt=${manifest_args[i]} val=${manifest_args[i + 1]:-}
		[[ $manifest_options == *" $opt "* ]] ||
			die "$where: '$opt' is not an option a sweep's manifest holds (accepted: ${manifest_options:1:-1})"
		[[ $val =~ ^[A-Za-z0-9_.,=:/+][A-Za-z0-9_.,=:/+-]*$ ]] ||
			die "$where: $opt needs a plain value (letters, digits and . _ , = : / + -), not '$val'"
		[ "$opt" = --bench ] && bench=$val
	done
	[ "$bench" = "$manifest_name" ] ||
		die "$where: the line for $manifest_name runs --bench '${bench}'; a line runs its own workload"
}

# The `run` lines of a manifest, checked and joined by --then into the
# global array manifest_run; with a directory, each writes DIR/NAME.json
# with --resume.  Every line is checked before anything runs.
manifest_run=()
collect_manifest() {
	local manifest=$1 where=$2 dir=${3:-} line n=0
	manifest_run=()
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		[[ $line == run || $line == run[[:blank:]]* ]] || continue
		parse_manifest_line "$where line $n" "$line"
		[ ${#manifest_run[@]} -eq 0 ] || manifest_run+=(--then)
		manifest_run+=("${manifest_args[@]}")
		[ -z "$dir" ] || manifest_run+=(--out "$dir/$manifest_name.json" --resume)
	done <"$manifest"
	[ ${#manifest_run[@]} -gt 0 ] || die "$where has no run line"
}

# Runs every `run` line of DIR/manifest.txt with --resume, joined by --then
# into one syncbench run, so that the repetitions of all the workloads
# interleave (syncbench run --help) and a fresh sweep and a resumed one are
# the same code.
run_manifest() {
	local dir=$1 total rc=0 manifest_fd table_fd progress=()
	[ ! -L "$dir/manifest.txt" ] && [ -f "$dir/manifest.txt" ] ||
		die "$dir/manifest.txt is not a regular file"
	collect_manifest "$dir/manifest.txt" "$dir/manifest.txt" "$dir"
	open_append manifest_fd "$dir/manifest.txt"
	open_append table_fd "$dir/table.txt"
	total=$(./syncbench run --dry-run "${manifest_run[@]}" 2>/dev/null | grep -c '^run' || true)
	echo "to run: $total configurations ($(date -u +%Y-%m-%dT%H:%M:%SZ))" >&"$manifest_fd"
	echo "run.sh: $total configurations to run into $dir/"
	# In place on a terminal (syncbench's default); a line per pass in a log.
	[ -t 2 ] || progress=(--progress plain)
	run_forwarding ./syncbench run ${progress[@]+"${progress[@]}"} "${manifest_run[@]}" \
		> >(tee -a "/dev/fd/$table_fd") || rc=$?
	if [ -n "$stopping" ] || [ "$rc" -eq 4 ]; then
		echo "run.sh: interrupted; finished configurations are kept. Resume with:" >&2
		echo "  ./run.sh --resume $dir" >&2
		exit 4
	fi
	echo "done exit $rc" >&"$manifest_fd"
	echo "complete $(date -u +%Y-%m-%dT%H:%M:%SZ)" >&"$manifest_fd"
}

# Debian's python3 first: python3-matplotlib is installed for it, not for a pyenv on PATH.
python=$(command -v /usr/bin/python3 || command -v python3 || echo python3)

report() {
	local dir=$1
	if "$python" -c 'import matplotlib, pandas' 2>/dev/null; then
		"$python" results/plot.py --syncbench ./syncbench "$dir"
	else
		echo "run.sh: no report: python3-matplotlib or python3-pandas is missing" \
			"(apt-get install python3-matplotlib python3-pandas)" >&2
	fi
}

# The sweep's options (see the header), each with its argument if it takes
# one: the names that start a sweep and the refusal's "accepted:" list come
# from here.
sweep_options=("--shard I/N" --per-host "--sweep-id ID" "--host NAME" "--dir DIR" --no-build
	--no-report --dry-run)

is_sweep_option() {
	local o
	for o in "${sweep_options[@]}"; do [ "${o%% *}" = "$1" ] && return 0; done
	return 1
}

# The sweep's options, into the globals below; exits 2 on bad input.
sweep_dir= no_build= no_report= dry_run= shard= sweep_id= host=
parse_sweep_options() {
	while [ $# -gt 0 ]; do
		case "$1" in
		--shard)
			[[ ${2:-} =~ ^([0-9]+)/([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" -ge 1 ] &&
				[ "${BASH_REMATCH[1]}" -le "${BASH_REMATCH[2]}" ] ||
				die "--shard needs I/N with 1 <= I <= N (e.g. 2/4), not '${2:-}'"
			shard=$2; shift 2 ;;
		--per-host) shard=; shift ;;
		--sweep-id) sweep_id=$(label --sweep-id "${2:-}"); shift 2 ;;
		--host) host=$(label --host "${2:-}"); shift 2 ;;
		--dir) [ -n "${2:-}" ] || die "--dir needs a directory"; sweep_dir=$(absolute "$2"); shift 2 ;;
		--no-build) no_build=1; shift ;;
		--no-report) no_report=1; shift ;;
		--dry-run) dry_run=1; shift ;;
		*) die "unknown sweep option '$1' (accepted: $(printf '%s, ' "${sweep_options[@]}" | sed 's/, $//'))" ;;
		esac
	done
}

die() {
	echo "run.sh: $*" >&2
	exit 2
}

# A host name or sweep id as syncbench accepts it (it names files).
label() {
	[[ $2 =~ ^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$ ]] ||
		die "$1: '$2' is not 1 to 128 letters, digits, '.', '_' or '-' (not starting with '.')"
	echo "$2"
}

# A new sweep id: the UTC time and 32 random bits, so that concurrent
# submissions never share one.
new_sweep_id() {
	echo "$(date -u +%Y%m%dt%H%M%Sz)-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
}

# The cluster jobs pass --no-build: the submitting command built ./syncbench.
prepare() {
	[ -n "$no_build" ] && return 0
	install_missing "${build_packages[@]}" "$@"
	build
}

# The sweep's configurations and estimated time (syncbench run --dry-run),
# from the manifest it would write; nothing is run or written.
sweep_dry_run() {
	local mode=$1 plan workloads; shift
	plan=$(mktemp)
	plan_sweep "$mode" "$@" >"$plan"
	workloads=$(grep -c '^run ' "$plan" || true)
	collect_manifest "$plan" "the $mode sweep"
	rm -f "$plan"
	echo "run.sh: the $mode sweep, $workloads workloads in one run (nothing is run or written):"
	./syncbench run --dry-run "${manifest_run[@]}" >/dev/null
}

sweep() {
	local mode=$1 dir extra=(); shift
	dir=${sweep_dir:-"results/$(hostname)-$(date -u +%Y%m%dT%H%M%SZ)"}
	extra+=(--sweep-id "${sweep_id:-$(new_sweep_id)}")
	[ -n "$host" ] && extra+=(--host "$host")
	[ -n "$shard" ] && extra+=(--shard "$shard")
	if [ -n "$dry_run" ]; then
		sweep_dry_run "$mode" "$@" "${extra[@]}"
		return
	fi
	[ -e "$dir/manifest.txt" ] && die "$dir already holds a sweep; resume it with ./run.sh --resume $dir"
	mkdir -p "$dir"
	local manifest_fd
	open_append manifest_fd "$dir/manifest.txt"
	plan_sweep "$mode" "$@" "${extra[@]}" >&"$manifest_fd"
	exec {manifest_fd}>&-
	run_manifest "$dir"
	# One shard's figures would show a random part of each curve: plot the merged set.
	if [ -n "$shard" ]; then
		echo "run.sh: shard $shard in $dir/; merge the shards with ./run.sh merge"
		return
	fi
	[ -n "$no_report" ] || report "$dir"
	echo "run.sh: results in $dir/ (fields: results/README.md)"
}

# The syncbench run arguments of a sweep mode.
sweep_settings() {
	case "$1" in
	quick) echo "--duration 0.01 --warmup 0 --reps 6" ;;
	full) echo "--duration 1 --warmup 0.2 --reps 10" ;;
	default) echo "--duration 0.05 --warmup 0.01 --reps 6" ;;
	*) die "unknown sweep '$1' (accepted: quick, default, full)" ;;
	esac
}

sweep_command() {
	local mode=$1 settings; shift
	parse_sweep_options "$@"
	settings=$(sweep_settings "$mode")
	# A dry run needs syncbench, not the report's packages.
	if [ -n "$dry_run" ]; then prepare; else prepare "${report_packages[@]}"; fi
	# shellcheck disable=SC2086  # one word per argument
	sweep "$mode" $settings
}

merge_command() {
	local out=
	[ "${1:-}" = --no-build ] && { no_build=1; shift; }
	[ "${1:-}" = --out ] && [ -n "${2:-}" ] || die "merge needs --out DIR, then the results to merge"
	out=$(absolute "$2"); shift 2
	[ $# -gt 0 ] || die "merge needs the results directories to merge"
	local inputs=() a
	for a in "$@"; do inputs+=("$(absolute "$a")"); done
	prepare "${report_packages[@]}"
	./syncbench merge --out "$out" "${inputs[@]}"
	report "$out"
}

resume() {
	[ -n "${1:-}" ] || die "--resume needs a results directory"
	local dir
	dir=$(absolute "$1")
	[ -f "$dir/manifest.txt" ] || die "$dir/manifest.txt not found"
	run_manifest "$dir"
	# A shard's report would show a random part of each curve.
	grep -q -- '--shard' "$dir/manifest.txt" || report "$dir"
	echo "run.sh: results in $dir/"
}

case "${1:-}" in
--help|-h|help)
	usage
	;;
test)
	install_missing "${build_packages[@]}" "${test_packages[@]}"
	make -s -j"$(nproc)" test
	;;
torture)
	install_missing "${build_packages[@]}" "${test_packages[@]}"
	make -s -j"$(nproc)" torture
	;;
# Every sweep has 6 repetitions or more: with fewer, the median has no 95%
# interval (order statistics) and compare's U test can barely reach p < 0.05.
quick|full)
	mode=$1; shift
	sweep_command "$mode" "$@"
	;;
"")
	sweep_command default
	;;
merge)
	shift
	merge_command "$@"
	;;
slurm|k8s)
	# The job generators, apart because they are long.
	. scripts/cluster.sh
	cmd=$1; shift
	"${cmd}_command" "$@"
	;;
--resume)
	install_missing "${build_packages[@]}" "${report_packages[@]}"
	build
	resume "${2:-}"
	;;
--)
	shift
	install_missing "${build_packages[@]}"
	build
	# Back where the user stands: their --out is relative to it.
	cd "$here"
	rc=0
	run_forwarding "$(dirname "$self")/syncbench" run "$@" || rc=$?
	exit "$rc"
	;;
*)
	if is_sweep_option "$1"; then
		sweep_command default "$@"
		exit
	fi
	echo "run.sh: unknown command '$1' (accepted: quick, full, --resume DIR, merge, slurm, k8s, test, torture, -- ARGS, --help)" >&2
	exit 2
	;;
esac
