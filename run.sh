#!/usr/bin/env bash
# syncbench's front door.  On a fresh Debian 12 machine it installs what is
# missing (as root with apt-get; otherwise it prints the command), builds,
# and then:
#
#   ./run.sh              runs the default sweep into results/<host>-<time>/
#   ./run.sh test         runs every test (make test)
#   ./run.sh torture      every primitive under a longer randomized stress
#                         (make torture; TORTURE_SECONDS=S per configuration)
#   ./run.sh quick        a smoke sweep of a few seconds
#   ./run.sh -- ARGS...   syncbench run ARGS... (anything custom)
#   ./run.sh --help       this text
set -euo pipefail
cd "$(dirname "$0")"

build_packages=(gcc make pkg-config libc6-dev libhwloc-dev libpfm4-dev libjansson-dev)
# clang for `make fuzz`; libFuzzer's runtime is only a Recommends of clang on Debian 12.
test_packages=(python3 python3-jsonschema clang libclang-rt-14-dev)

usage() {
	sed -n '2,12s/^# \{0,1\}//p' "$0"
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

build() {
	make -s -j"$(nproc)"
}

# Powers of two up to the PU count, the PU count, and twice it (oversubscribed).
default_threads() {
	local pus t list=""
	pus=$(nproc)
	for ((t = 1; t < pus; t *= 2)); do list+="$t,"; done
	echo "${list}${pus},$((2 * pus))"
}

sweep() {
	local dir
	dir="results/$(hostname)-$(date -u +%Y%m%dT%H%M%SZ)"
	mkdir -p "$dir"
	echo "run.sh: results go to $dir/"
	./syncbench run --bench lock --prim all --threads "$(default_threads)" \
		--set cs=0,50 --set ncs=0,50 "$@" --out "$dir/lock.json"
	echo "run.sh: wrote $dir/lock.json (fields: results/README.md)"
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
quick)
	install_missing "${build_packages[@]}"
	build
	sweep --duration 0.05 --warmup 0.01 --reps 2
	;;
--)
	shift
	install_missing "${build_packages[@]}"
	build
	./syncbench run "$@"
	;;
"")
	install_missing "${build_packages[@]}"
	build
	sweep --duration 0.5 --warmup 0.1 --reps 3
	;;
*)
	echo "run.sh: unknown command '$1' (accepted: test, torture, quick, -- ARGS, --help)" >&2
	exit 2
	;;
esac
