# Shared by the shell tests: a scratch directory and a failure helper.
set -euo pipefail
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() {
	echo "$(basename "$0"): $*" >&2
	exit 1
}
# results/plot.py exports through the syncbench under test, not whichever is beside it.
[ -z "${BIN:-}" ] || export SYNCBENCH=$BIN
