# Shared by the shell tests: a scratch directory, a failure helper, and
# tests/sbtest.py importable from their Python heredocs.
set -euo pipefail
export PYTHONPATH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)${PYTHONPATH:+:$PYTHONPATH}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() {
	echo "$(basename "$0"): $*" >&2
	exit 1
}
# results/plot.py exports through the syncbench under test, not whichever is beside it.
[ -z "${BIN:-}" ] || export SYNCBENCH=$BIN
