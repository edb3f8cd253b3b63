# The command line as users of other tools expect it (issue 18): -h and
# --help on every command, help TOPIC, --version with the commit, "did you
# mean" on unknown names, durations with units, a progress line on a
# terminal and none in a pipe, dry runs that count and estimate, file
# errors that name the file and the reason, and the man page and bash
# completion that `make install` puts in place.
. "$(dirname "$0")/lib.sh"

repo=$(cd "$(dirname "$0")/.." && pwd)
one=(--prim ttas --threads 1 --duration 0.01 --warmup 0 --reps 1 --events none)

# --- Help: every command, both spellings, and help TOPIC say the same.
commands=$("$BIN" help --list)
[ "$(wc -w <<<"$commands")" -ge 9 ] || fail "help --list: $commands"
"$BIN" --help >"$scratch/usage"
for c in $commands; do
	grep -q "^  $c" "$scratch/usage" || fail "the usage does not list $c"
	for h in -h --help; do
		"$BIN" "$c" "$h" >"$scratch/h" || fail "$c $h: status $?"
		"$BIN" help "$c" | cmp -s - "$scratch/h" || fail "$c $h differs from help $c"
		grep -q "^usage: syncbench $c" "$scratch/h" || fail "$c $h: $(head -1 "$scratch/h")"
	done
done
for h in -h --help help; do
	"$BIN" "$h" | cmp -s - "$scratch/usage" || fail "syncbench $h is not the usage"
done
# -h after other options still helps (run and compare parse it themselves).
grep -q '^usage: syncbench run' <<<"$("$BIN" run --bench lock -h)" || fail "run --bench lock -h"
grep -q '^usage: syncbench compare' <<<"$("$BIN" compare --metric ns_per_op --help)" || fail "compare ... --help"
echo "help: $(wc -w <<<"$commands") commands, -h, --help and help TOPIC the same"

# --- Version: the version, and the commit the run documents record.
"$BIN" --version >"$scratch/v1"
"$BIN" version >"$scratch/v2"
cmp -s "$scratch/v1" "$scratch/v2" || fail "--version and version differ"
grep -Eq '^syncbench [0-9]+\.[0-9]+\.[0-9]+$' "$scratch/v1" || fail "version line: $(head -1 "$scratch/v1")"
"$BIN" run --bench lock "${one[@]}" --out "$scratch/one.json" >/dev/null
commit=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["context"]["git_commit"])' "$scratch/one.json")
grep -q "^commit $commit, result schema syncbench/1" "$scratch/v1" || fail "--version does not give commit $commit: $(cat "$scratch/v1")"
echo "version: $(head -1 "$scratch/v1"), commit $commit"

# --- Did you mean: the closest valid name, in the one line of the refusal.
suggests() {	# WANT ARGS...
	local want=$1 rc=0; shift
	"$BIN" "$@" >/dev/null 2>"$scratch/err" || rc=$?
	[ "$rc" -eq 2 ] && [ "$(wc -l <"$scratch/err")" -eq 1 ] && grep -qF "did you mean '$want'?" "$scratch/err" ||
		fail "$*: status $rc, no suggestion of $want: $(cat "$scratch/err")"
}
fixture="$repo/results/fixtures/a"
suggests run rn
suggests export help exprot
suggests lock run --bench lokc --prim ttas
suggests ticket run --bench lock --prim tiket
suggests ncs run --bench lock --prim ttas --set ncs2=1
suggests --duration run --bench lock --prim ttas --durtion 1s
suggests plain run --bench lock --prim ttas --progress plian
suggests csv export --format cvs "$fixture"
suggests config export --format csv --level confg "$fixture"
suggests --bench export --format csv --bnech lock "$fixture"
suggests ops_per_sec compare --metric ops_per_secc "$fixture" "$fixture"
suggests json compare --format jsno "$fixture" "$fixture"
suggests lock compare --bench lokc "$fixture" "$fixture"
suggests events list evnets
suggests catdogfish demo catdogfsh
echo "did you mean: commands, topics, workloads, primitives, parameters, options, formats, levels, metrics"

# --- Durations with units: the same window as plain seconds.
"$BIN" run --bench lock "${one[@]}" --duration 20ms --warmup 5ms --interleave 2s \
	--out "$scratch/units.json" >/dev/null
"$PYTHON" - "$scratch/units.json" <<'PY'
import sys
import sbtest
d = sbtest.load(sys.argv[1])
e = d["results"][0]
assert (e["duration_s"], e["warmup_s"], d["context"]["interleave_s"]) == (0.02, 0.005, 2.0), \
    (e["duration_s"], e["warmup_s"], d["context"]["interleave_s"])
PY
echo "durations: 20ms, 5ms and 2s are 0.02, 0.005 and 2 seconds"

# --- Progress: in place on a terminal, nothing in a pipe, lines when asked.
prog=(run --bench lock --prim ttas,tas --threads 1,2 --duration 0.02 --warmup 0 --reps 2 --events none)
if command -v script >/dev/null; then
	script -qec "$BIN ${prog[*]}" /dev/null >"$scratch/tty" </dev/null || fail "the run on a terminal failed"
	grep -aq $'\r\e\\[Ksyncbench: 4/4 configurations done (8/8 repetitions), .* elapsed, about .* left' "$scratch/tty" ||
		fail "no progress line updated in place on a terminal: $(tr '\r\033' '|^' <"$scratch/tty" | head -c 600)"
	script -qec "$BIN ${prog[*]} --progress none" /dev/null >"$scratch/tty-none" </dev/null
	! grep -aq 'configurations done' "$scratch/tty-none" || fail "--progress none still shows progress"
	echo "progress: updated in place on a terminal (script(1)); none with --progress none"
else
	echo "test_cli.sh: SKIPPED the terminal progress check: script(1) (util-linux) is missing"
fi
"$BIN" "${prog[@]}" >/dev/null 2>"$scratch/pipe"
! grep -q 'configurations done' "$scratch/pipe" || fail "progress printed into a pipe: $(cat "$scratch/pipe")"
"$BIN" "${prog[@]}" --progress plain >/dev/null 2>"$scratch/plain"
grep -q '^syncbench: 4/4 configurations done (8/8 repetitions)' "$scratch/plain" && ! grep -q $'\r' "$scratch/plain" ||
	fail "--progress plain: $(cat "$scratch/plain")"
echo "progress: nothing into a pipe, plain lines with --progress plain"

# --- Dry runs: the count and the estimated time, nothing run or written.
"$BIN" run --bench lock --prim ttas,ticket --threads 1,2,4 --set cs=0,10 --duration 0.5 --warmup 0.1 \
	--reps 6 --dry-run --out "$scratch/dry.json" >"$scratch/dry.out" 2>"$scratch/dry.err"
[ "$(grep -c '^run' "$scratch/dry.out")" -eq 12 ] && [ ! -e "$scratch/dry.json" ] || fail "dry run: $(cat "$scratch/dry.out")"
grep -q '^syncbench: dry run: 12 configurations to run, 72 repetitions: 43s of warmups and windows, about .* in all' "$scratch/dry.err" ||
	fail "dry run summary: $(cat "$scratch/dry.err")"
before=$(ls "$repo/results")
"$repo/run.sh" full --dry-run --no-build >"$scratch/full.out" 2>"$scratch/full.err" || fail "run.sh full --dry-run: $(cat "$scratch/full.err")"
[ "$(ls "$repo/results")" = "$before" ] || fail "run.sh full --dry-run wrote into results/"
grep -Eq '^syncbench: dry run: [0-9]+ configurations to run, [0-9]+ repetitions: .*h[0-9]+m of warmups and windows' "$scratch/full.err" ||
	fail "run.sh full --dry-run: $(cat "$scratch/full.out" "$scratch/full.err")"
echo "dry run: $(grep -o '[0-9]* configurations to run' "$scratch/full.err") in run.sh full, $(grep -o 'about [^ ]* in all' "$scratch/full.err")"

# --- File errors: the file, the system's reason, no parser line -1.
file_error() {	# PATTERN ARGS...
	local pattern=$1 rc=0; shift
	"$BIN" "$@" >/dev/null 2>"$scratch/err" || rc=$?
	[ "$rc" -eq 2 ] && grep -Eq -- "$pattern" "$scratch/err" && ! grep -q 'line -1' "$scratch/err" ||
		fail "$*: status $rc: $(cat "$scratch/err")"
}
printf '{"schema": "syncbench/1", "context": {' >"$scratch/cut.json"
file_error "/nonexistent/x\.json: No such file or directory" export --format csv /nonexistent/x.json
file_error "/nonexistent/x\.json: No such file or directory" compare /nonexistent/x.json "$fixture"
file_error "cut\.json: not valid JSON: .*\(line 1, column [0-9]+\)" export --format gbench "$scratch/cut.json"
file_error "/nonexistent/m\.xml: No such file or directory" plan --topology /nonexistent/m.xml --threads 2
file_error "cannot write .*/no/such/dir/x\.json: No such file or directory" run --bench lock "${one[@]}" \
	--out "$scratch/no/such/dir/x.json"
echo "file errors: the file and the system's reason"

# --- The man page and the completion, installed.
san=$(basename "$(dirname "$BIN")")
case $san in build-*) make_args=(SANITIZE="${san#build-}") ;; *) make_args=() ;; esac
if command -v help2man >/dev/null; then
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$repo" ${make_args[@]+"${make_args[@]}"} \
		install PREFIX="$scratch/prefix" >/dev/null || fail "make install failed"
	p=$scratch/prefix
	[ -x "$p/bin/syncbench" ] && [ -s "$p/share/man/man1/syncbench.1" ] &&
		[ -s "$p/share/bash-completion/completions/syncbench" ] || fail "make install: $(find "$p" -type f)"
	[ "$("$p/bin/syncbench" --version | head -1)" = "$(head -1 "$scratch/v1")" ] || fail "the installed syncbench is another version"
	man -l "$p/share/man/man1/syncbench.1" >"$scratch/man.txt" 2>/dev/null || fail "man cannot read the page"
	grep -q '^SYNOPSIS' "$scratch/man.txt" && grep -q '^COMMANDS' "$scratch/man.txt" || fail "man page sections"
	for c in $commands; do
		grep -q "usage: syncbench $c" "$scratch/man.txt" || fail "the man page lacks $c's help"
	done
	completion=$p/share/bash-completion/completions/syncbench
	echo "make install: syncbench, its man page ($(wc -l <"$scratch/man.txt") lines) and completion"
else
	echo "test_cli.sh: SKIPPED make install: help2man is missing (./run.sh test installs it)"
	"$BIN" completion bash >"$scratch/completion"
	completion=$scratch/completion
fi
complete_words() {	# WORDS... (the last is the one completed)
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _syncbench; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$completion" "$@"
}
[ "$(complete_words syncbench run --bench l)" = lock ] || fail "completion of --bench l: $(complete_words syncbench run --bench l)"
grep -qx compare <<<"$(complete_words syncbench "")" || fail "completion of the commands"
grep -qx 'ticket,ttas' <<<"$(complete_words syncbench run --prim ticket,tt)" || fail "completion of a comma list"
grep -qx 'ncs=' <<<"$(complete_words syncbench run --set nc)" || fail "completion of a parameter"
grep -qx p99 <<<"$(complete_words syncbench compare --metric p9)" || fail "completion of a metric"
grep -qx -- --format <<<"$(complete_words syncbench export --fo)" || fail "completion of an option from the help text"
# Every workload and listed primitive of the registries, and nothing else.
"$BIN" list --sweep | cut -f1 | sort >"$scratch/benches"
sort <<<"$(complete_words syncbench run --bench "")" | cmp -s - "$scratch/benches" || fail "the completion's workloads differ from the registry"
echo "completion: commands, options from each help text, workloads (all $(wc -l <"$scratch/benches")), primitives, parameters, metrics"
echo "test_cli.sh: all passed"
