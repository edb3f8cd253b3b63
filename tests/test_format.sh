#!/usr/bin/env bash
# C code written since .clang-format came in is formatted as it says
# (clang-format 14, through git clang-format: only the lines changed since
# the commit before .clang-format's first).  The code before it is laid out
# by hand in places no formatter keeps (json_pack's key-value pairs, one
# pair a line), and is left as it is.  A change that is not formatted
# fails, with clang-format's diff; FIX=1 (make format) formats those lines.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
format=$(command -v clang-format-14 || command -v clang-format) ||
	fail "clang-format not found: install the Debian package clang-format (./run.sh test does)"
git_format=$(command -v git-clang-format-14 || command -v git-clang-format) ||
	fail "git-clang-format not found: install the Debian package clang-format"
if ! git rev-parse --git-dir >/dev/null 2>&1; then
	echo "test_format.sh: SKIPPED: not a git checkout, so no change to check"
	exit 0
fi
first=$(git log --diff-filter=A --format=%H -- .clang-format | tail -1)
[ -n "$first" ] || fail ".clang-format is not committed: nothing says where formatted code starts"
base=$first~1
paths=(harness locks benches examples tests)
if [ -n "${FIX:-}" ]; then
	"$git_format" --binary "$format" --extensions c,h --force "$base" -- "${paths[@]}"
	exit 0
fi
"$git_format" --binary "$format" --extensions c,h --diff "$base" -- "${paths[@]}" >"$scratch/diff" ||
	fail "git clang-format failed: $(tail -1 "$scratch/diff")"
if grep -q '^diff ' "$scratch/diff"; then
	sed -n '1,40p' "$scratch/diff" >&2
	fail "C code changed since $(git rev-parse --short "$base") is not formatted as .clang-format says (make format fixes it)"
fi
echo "test_format.sh: the C code changed since $(git rev-parse --short "$base") is formatted as .clang-format says"
