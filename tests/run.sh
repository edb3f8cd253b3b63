#!/usr/bin/env bash
# Runs the tests: the compiled tests/test_*.c and the scripts tests/test_*.sh.
# usage: tests/run.sh BUILD_DIR SYNCBENCH_BINARY [TEST...]
# TEST is a compiled test or a script, by path; without any, every test runs
# (make test); make check names its tier's.  Each test has a time limit, so
# a hang fails that test instead of the run.
set -u
build=$1
export BIN=$2 PYTHON=${PYTHON:-python3}
# A sanitizer report must fail the test, also in the per-configuration child
# processes, which leave with _exit() and so skip the sanitizers' exit hooks.
export TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}"
export ASAN_OPTIONS="abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
limit=${TEST_TIME_LIMIT:-300}
passed=0 failed=0 failures=()

run_one() {
	local name=$1; shift
	local start=$SECONDS
	if timeout -k 5 "$limit" "$@"; then
		passed=$((passed + 1))
		printf 'ok    %-28s %3ds\n' "$name" $((SECONDS - start))
	else
		failed=$((failed + 1))
		failures+=("$name")
		printf 'FAIL  %-28s %3ds\n' "$name" $((SECONDS - start))
	fi
}

if [ $# -gt 2 ]; then
	selected=("${@:3}")
else
	selected=("$build"/tests/test_* tests/test_*.sh)
fi
for t in "${selected[@]}"; do
	case $t in
	*.sh) run_one "$(basename "$t")" bash "$t" ;;
	*) run_one "$(basename "$t")" "$t" ;;
	esac
done

[ "$failed" -gt 0 ] && echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
