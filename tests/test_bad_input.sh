# Every invalid command line: exit status 2, exactly one line on stderr
# naming what is wrong, nothing on stdout, and no output file left behind.
# Then hostile inputs of every reader and writer: damaged documents, FIFOs
# and devices where files are expected, resumes that do not fit, planted
# lock files, damaged input to plot.py, and hand-edited run.sh manifests
# (parsed in bash, so covered here rather than by a fuzzer).
. "$(dirname "$0")/lib.sh"

out="$scratch/out.json"
ok=(run --bench lock --prim ttas --threads 1 --duration 0.01 --warmup 0 --reps 1)
cases=(
	""
	"frobnicate"
	"list --bogus"
	"run"
	"run --prim ttas"
	"run --bench nosuch --prim ttas"
	"run --bench lock"
	"run --bench lock --prim nosuch"
	"run --bench lock --prim ttas,ttas"
	"run --bench lock --prim ttas, "
	"run --bench lock --prim ttas --threads 0"
	"run --bench lock --prim ttas --threads -2"
	"run --bench lock --prim ttas --threads two"
	"run --bench lock --prim ttas --threads 1,,2"
	"run --bench lock --prim ttas --threads 2,2"
	"run --bench lock --prim ttas --threads 100000"
	"run --bench lock --prim ttas --threads 99999999999999999999"
	"run --bench lock --prim ttas --set nosuch=1"
	"run --bench lock --prim ttas --set cs=abc"
	"run --bench lock --prim ttas --set cs=-1"
	"run --bench lock --prim ttas --set cs=1000001"
	"run --bench lock --prim ttas --set cs"
	"run --bench lock --prim ttas --set cs=1h"
	"run --bench lock --prim ttas --set cs=10s"
	"run --bench lock --prim ttas --set ncs=1.2.3us"
	"run --bench lock --prim ttas --set ncs=-5ns"
	"run --bench lock --prim ttas --set sample_every=-1"
	"run --bench pingpong --threads 2 --set batch=0"
	"run --bench lock --prim ttas --set =5"
	"run --bench lock --prim ttas --set cs=1 --set cs=2"
	"run --bench lock --prim ttas --set cs=1,1"
	"run --bench lock --prim ttas --set start_ticket=1"
	"run --bench lock --prim ticket --set start_ticket=4294967296"
	"run --bench lock --prim ttas --placement spread"
	"run --bench lock --prim ttas --placement list:99999"
	"run --bench lock --prim ttas --placement list:"
	"run --bench lock --prim ttas --placement list:1-0"
	"run --bench lock --prim ttas --placement list:0-1:0"
	"run --bench lock --prim ttas --placement list:0-99999"
	"run --bench lock --prim ttas --placement cores@numa:9"
	"run --bench lock --prim ttas --placement cores@core:0"
	"run --bench lock --prim ttas --placement scatter@package:x"
	"run --bench lock --prim ttas --placement pairs@package:0"
	"run --bench lock --prim ttas --mem-node 99"
	"run --bench lock --prim ttas --mem-node -1"
	"run --bench lock --prim ttas --mem-node zero"
	"run --bench lock --prim ttas --duration 0"
	"run --bench lock --prim ttas --duration -1"
	"run --bench lock --prim ttas --duration abc"
	"run --bench lock --prim ttas --duration inf"
	"run --bench lock --prim ttas --duration nan"
	"run --bench lock --prim ttas --warmup -0.5"
	"run --bench lock --prim ttas --reps 0"
	"run --bench lock --prim ttas --reps 1.5"
	"run --bench lock --prim ttas --interleave -1"
	"run --bench lock --prim ttas --interleave soon"
	"run --bench lock --prim ttas --interleave"
	"run --bench lock --prim ttas --then"
	"run --bench lock --prim ttas --then --bench nosuch"
	"run --bench lock --prim ttas --then --bench pingpong --interleave 5"
	"run --bench lock --prim ttas --then --bench pingpong --dry-run"
	"run --bench lock --prim ttas --events nosuchevent"
	"run --bench lock --prim ttas --events cycles,,instructions"
	"run --bench lock --prim ttas --events perf::CYCLES:nosuchumask"
	"run --bench lock --prim ttas --frobnicate"
	"run --bench lock --prim ttas extra"
	"run --bench atomic --prim ttas"
	"run --bench pingpong --threads 2 --prim ttas"
	"run --bench pingpong --threads 2,3"
	"run --bench lock --prim gochan"
	"run --bench chan-prodcons --prim ttas --threads 2"
	"run --bench chan-prodcons --prim gochan --threads 2 --set cap=-1"
	"run --bench chan-prodcons --prim gochan --threads 2 --set elem_bytes=0"
	"run --bench chan-prodcons --prim gochan --threads 2 --set elem_bytes=1000000"
	"run --bench chan-prodcons --prim gochan --threads 3 --set producers=1 --set consumers=1"
	"run --bench chan-prodcons --prim gochan --threads 1"
	"run --bench chan-pingpong --prim condchan --threads 2 --set spin=10"
	"run --bench chan-pingpong --prim gochan --threads 3"
	"run --bench ring --threads 3 --set handoff=carrier-pigeon"
	"run --bench ring --threads 1"
	"demo"
	"demo cats"
	"run --bench atomic --set op=load --set order=release"
	"run --bench atomic --set op=store,load --set order=acquire"
	"run --bench atomic --set op=fence --set order=relaxed"
	"run --bench atomic --set layout=packed --threads 2,1000"
	"run --bench lock --prim ttas --set cs=$(seq -s, 1 65)"
	"run --bench lock --prim ttas --threads $(seq -s, 1 65)"
	"run --bench lock --prim ttas --progress 5/3"
	"run --bench lock --prim ttas --progress five"
	"export"
	"export --format xml results/fixtures/a"
	"export --format csv /nonexistent"
	"export --format csv"
	"export --format csv results/fixtures/a --frobnicate"
	"compare results/fixtures/a"
	"compare /nonexistent /nonexistent"
	"list --sweep extra"
	"run --bench lock --prim go_mutex"
	"run --bench lock --prim gomutex,gomutex-fifo,gomutex"
	"run --bench lock --prim gochan"
	"run --bench chan-pingpong --prim gomutex --threads 2"
	"run --bench rw --prim gorwmutex --set read_pct=101"
)
failures=0
check() {
	local label=$1; shift
	local rc=0
	"$BIN" "$@" >"$scratch/stdout" 2>"$scratch/stderr" || rc=$?
	local lines
	lines=$(wc -l <"$scratch/stderr")
	if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] || [ -s "$scratch/stdout" ] ||
		[ -n "$(ls "$scratch" | grep -v -e '^std' -e '^in$' || true)" ]; then
		echo "FAIL: $label: exit $rc, $lines stderr lines: $(head -c 300 "$scratch/stderr")" >&2
		ls "$scratch" | grep -v -e '^std' -e '^in$' | sed 's/^/  left behind: /' >&2 || true
		rm -f "$scratch"/out.json*
		failures=$((failures + 1))
	fi
}
for c in "${cases[@]}"; do
	# shellcheck disable=SC2086  # word splitting of the case is intended
	check "$c" $c --out "$out"
done
# Issue 18's options and commands, run as they are (no --out added): help
# topics, versions, completion, durations with units, progress modes,
# export's levels and filters, compare's metrics, filters, formats and
# alpha.  F is a document; every case must name what is wrong in one line.
F="$(dirname "$0")/../results/fixtures/a/lock.json"
plain_cases=(
	"help nosuch"
	"help run extra"
	"help --frob"
	"version extra"
	"--frobnicate"
	"-x"
	"completion"
	"completion zsh"
	"completion bash extra"
	"list events extra"
	"demo catdogfish extra"
	"run --bench lock --prim ttas --duration 1h"
	"run --bench lock --prim ttas --duration 5parsecs"
	"run --bench lock --prim ttas --duration 1.2.3s"
	"run --bench lock --prim ttas --duration ms"
	"run --bench lock --prim ttas --duration 0ms"
	"run --bench lock --prim ttas --duration 2h"
	"run --bench lock --prim ttas --warmup -5ms"
	"run --bench lock --prim ttas --warmup 1e9s"
	"run --bench lock --prim ttas --interleave 3x"
	"run --bench lock --prim ttas --interleave -1s"
	"run --bench lock --prim ttas --progress sometimes"
	"run --bench lock --prim ttas --progress"
	"run --bench lock --prim ttas --progress 1/0"
	"run --bench lock --prim ttas --durat"
	"run --bench lock --prim ttas --duration"
	"run --bench lock --prim ttas -q"
	"export --format csv --level rep2 $F"
	"export --format csv --level $F"
	"export --format csv --bench nosuch $F"
	"export --format csv --bench lock,,rw $F"
	"export --format csv --prim nosuch $F"
	"export --format csv --threads 0 $F"
	"export --format csv --threads two $F"
	"export --format csv --set cs $F"
	"export --format csv --set nosuch=1 $F"
	"export --format csv --set cs=1 --set cs=2 $F"
	"export --format csv --bench lock --bench rw $F"
	"export --format csv --threads 3 $F"
	"export --format csv --frob $F"
	"export --format csv $(dirname "$0")/../results/fixtures"
	"compare --metric nosuch $F $F"
	"compare --metric rate: $F $F"
	"compare --metric counter: $F $F"
	"compare --metric p99: $F $F"
	"compare --metric $F $F"
	"compare --format xml $F $F"
	"compare --alpha 0 $F $F"
	"compare --alpha 1.5 $F $F"
	"compare --alpha x $F $F"
	"compare --alpha nan $F $F"
	"compare --bench nosuch $F $F"
	"compare --prim nosuch $F $F"
	"compare --threads x $F $F"
	"compare --threads 3 $F $F"
	"compare --set cs $F $F"
	"compare --set nosuch=1 $F $F"
	"compare --set cs=99 $F $F"
	"compare --frobnicate $F $F"
	"compare --fail-on-regression=yes $F $F"
	"compare $F"
	"compare $F $F $F"
	"compare"
)
for c in "${plain_cases[@]}"; do
	# shellcheck disable=SC2086  # word splitting of the case is intended
	check "$c" $c
done
check "run --duration ''" run --bench lock --prim ttas --duration ""
check "compare --metric ''" compare --metric "" "$F" "$F"
check "compare --set with a 100 kB value" compare --set "cs=$(head -c 100000 /dev/zero | tr '\0' 1)" "$F" "$F"
check "export --bench with a 100 kB name" export --format csv --bench "$(head -c 100000 /dev/zero | tr '\0' x)" "$F"

check "--out into a missing directory" "${ok[@]}" --out "$scratch/missing/dir/out.json"
check "--out naming a directory" "${ok[@]}" --out "$(dirname "$0")"
check "--out empty" "${ok[@]}" --out ""
check "--then to the same --out" "${ok[@]}" --out "$out" --then "${ok[@]:1}" --out "$out"
# Arguments that word splitting cannot carry: empty, blank, unicode, huge.
long=$(head -c 100000 /dev/zero | tr '\0' x)
odd_cases=0
odd() {
	local label=$1; shift
	check "$label" run --threads 1 --duration 0.01 --warmup 0 --reps 1 "$@"
	odd_cases=$((odd_cases + 1))
}
odd "--prim ''" --bench lock --prim "" --out "$out"
odd "--prim ' '" --bench lock --prim " " --out "$out"
odd "--threads ''" --bench lock --prim ttas --threads "" --out "$out"
odd "--set 'cs='" --bench lock --prim ttas --set "cs=" --out "$out"
odd "--set 'cs= 1'" --bench lock --prim ttas --set "cs= 1" --out "$out"
odd "unicode workload" --bench "verrou🔒" --prim ttas --out "$out"
odd "unicode primitive" --bench lock --prim "tïcket" --out "$out"
odd "unicode digits" --bench lock --prim ttas --threads "١٢" --out "$out"
odd "fullwidth digits" --bench lock --prim ttas --set "cs=１０" --out "$out"
odd "100 kB primitive" --bench lock --prim "$long" --out "$out"
odd "100 kB parameter" --bench lock --prim ttas --set "$long=1" --out "$out"
odd "100 kB value" --bench lock --prim ttas --set "cs=$long" --out "$out"
odd "100 kB placement" --bench lock --prim ttas --placement "list:$long" --out "$out"
odd "2000 listed PUs" --bench lock --prim ttas --out "$out" \
	--placement "list:$(yes 0 | head -2000 | paste -s -d,)"
odd "--reps overflow" --bench lock --prim ttas --reps 99999999999999999999 --out "$out"
odd "--set int64 overflow" --bench lock --prim ttas --set cs=9223372036854775808 --out "$out"
odd "--set int64 min" --bench lock --prim ttas --set cs=-9223372036854775808 --out "$out"
odd "--duration 1e999" --bench lock --prim ttas --duration 1e999 --out "$out"
odd "--duration tiny hex" --bench lock --prim ttas --duration 0x1p-2000 --out "$out"
odd "--out with special characters into a missing directory" --bench lock --prim ttas \
	--out "$scratch/no such dir/ü \$(x)*?;&.json"
# syncbench plan: bad topology descriptions and placements, one line each.
plan_cases=0
plan() {
	check "plan $*" plan "$@"
	plan_cases=$((plan_cases + 1))
}
plan --topology "pack:2 frob:3" --threads 2
plan --topology "core:2 pack:2" --threads 2
plan --topology "" --threads 2
plan --topology "pu:100000" --threads 2
plan --topology "pack:64 core:64 pu:64" --threads 2
plan --topology /nonexistent/machine.xml --threads 2
plan --topology /dev/null --threads 2
plan --topology "$(dirname "$0")" --threads 2
plan --topology "$0" --threads 2
plan --topology "pack:2 core:2 pu:2" --placement cores@numa:3 --threads 2
plan --topology "pack:2 core:2 pu:2" --placement cores@package:2 --threads 2
plan --topology "pack:2 core:2 pu:2" --placement list:0-8 --threads 2
plan --topology "pack:2 core:2 pu:2" --placement pairs --threads 3
plan --topology "pack:2 core:2 pu:2" --placement frob
plan --threads 0
plan --threads 2,2
plan --threads "$long"
plan --placement "list:$long"
plan --topology "$long"
plan --json extra
plan --bogus
plan --topology
if [ "$(id -u)" -ne 0 ]; then
	mkdir "$scratch/ro" && chmod 555 "$scratch/ro"
	check "--out unwritable" "${ok[@]}" --out "$scratch/ro/out.json"
	rmdir "$scratch/ro"
fi

total=$((${#cases[@]} + ${#plain_cases[@]} + 4 + 3 + odd_cases + plan_cases))

# --- Hostile files.  Inputs live in $scratch/in; check() still requires
# that nothing appears beside them, and each case below that names a file
# in $scratch/in as an output requires it unchanged.
in="$scratch/in"
mkdir "$in"
fixture="$(dirname "$0")/../results/fixtures/a/lock.json"
mkfifo "$in/fifo.json"
"$BIN" "${ok[@]}" --reps 2 --events none --out "$in/prev.json" >/dev/null || fail "cannot make a document to resume"
cp "$in/prev.json" "$in/prev.copy"
ln -s /nonexistent "$in/planted.json.lock"
"$PYTHON" - "$fixture" "$in" <<'PY'
import json, sys
import sbtest
d = sbtest.load(sys.argv[1])
changes = {
    "threads-string": lambda e: e.update(threads="2"),
    "threads-zero": lambda e: e.update(threads=0),
    "bench-number": lambda e: e.update(bench=5),
    "bench-path": lambda e: e.update(bench="../x"),
    "prim-empty": lambda e: e.update(prim=""),
    "status-unknown": lambda e: e.update(status="passed"),
    "summary-null": lambda e: e.update(summary=None),
    "summary-string": lambda e: e.update(summary="fast"),
    "reps-null": lambda e: e.update(reps=[None]),
    "reps-empty": lambda e: e.update(reps=[]),
    "rep-ops-string": lambda e: e["reps"][0].update(ops="12"),
    "rep-threads-short": lambda e: e["reps"][0].update(threads=[]),
    "pus-short": lambda e: e["placement"].update(pus=[]),
    "params-list": lambda e: e.update(params=[1]),
    "entry-string": lambda e: None,
}
for name, change in changes.items():
    bad = json.loads(json.dumps(d))
    change(bad["results"][0])
    if name == "entry-string":
        bad["results"][0] = "lock/ttas"
    json.dump(bad, open(f"{sys.argv[2]}/bad-{name}.json", "w"))
text = json.dumps(d)
open(f"{sys.argv[2]}/bad-deep.json", "w").write(text[:-1] + ', "x": ' + "[" * 100000 + "]" * 100000 + "}")
open(f"{sys.argv[2]}/bad-nan.json", "w").write(text.replace('"wall_ns": 10098392', '"wall_ns": NaN', 1))
PY
file_cases=0
file_check() {
	check "$@"
	file_cases=$((file_cases + 1))
}
unchanged() {
	cmp -s "$in/prev.json" "$in/prev.copy" && [ ! -e "$in/prev.json.lock" ] ||
		{ echo "FAIL: $1: the resumed file was changed or its lock left" >&2; failures=$((failures + 1)); }
}
for f in "$in"/bad-*.json; do
	name=$(basename "$f" .json)
	file_check "export $name" export --format csv "$f"
	file_check "export --format gbench $name" export --format gbench "$f"
	file_check "compare $name" compare "$fixture" "$f"
	file_check "merge $name" merge --out "$scratch/merged" "$f"
done
file_check "compare --host-a without its value" compare --host-a "$fixture" "$fixture"
file_check "compare --host-a of no host in A" compare --host-a nosuch "$fixture" "$fixture"
file_check "compare --host-b of no host in B" compare --host-b "" "$fixture" "$fixture"
file_check "compare of a directory of damaged documents" compare "$in" "$fixture"
file_check "merge --out without inputs" merge --out "$scratch/merged"
file_check "merge --out an existing directory" merge --out "$in" "$fixture"
file_check "merge of a FIFO" merge --out "$scratch/merged" "$in/fifo.json"
file_check "export --out without its value" export --format csv "$fixture" --out
file_check "export of a FIFO" export --format csv "$in/fifo.json"
file_check "compare with a FIFO" compare "$in/fifo.json" "$fixture"
file_check "export --out a FIFO" export --format csv --out "$in/fifo.json" "$fixture"
file_check "export --out /dev/null" export --format csv --out /dev/null "$fixture"
file_check "export --out ''" export --format csv --out "" "$fixture"
file_check "export --out a directory" export --format csv --out "$in" "$fixture"
file_check "run --out a FIFO" "${ok[@]}" --out "$in/fifo.json"
file_check "run --out /dev/null" "${ok[@]}" --out /dev/null
file_check "run --resume --out a FIFO" "${ok[@]}" --resume --out "$in/fifo.json"
file_check "run --out whose lock file is a planted symlink" "${ok[@]}" --out "$in/planted.json"
for change in "--reps 3" "--duration 0.02" "--warmup 0.1" "--events default"; do
	# shellcheck disable=SC2086  # the option and its value
	file_check "--resume with $change" "${ok[@]}" --reps 2 --events none $change --out "$in/prev.json" --resume
	unchanged "--resume with $change"
done
file_check "--resume with another workload" run --bench pingpong --threads 2 --duration 0.01 \
	--warmup 0 --reps 2 --events none --out "$in/prev.json" --resume
unchanged "--resume with another workload"
file_check "--resume of a damaged document" "${ok[@]}" --resume --out "$in/bad-deep.json"
total=$((total + file_cases))

# plot.py: the same one line and status 2, and nothing written.
plot_cases=0
if "$PYTHON" -c 'import matplotlib' 2>/dev/null; then
	# A sample of the damaged documents: plot.py takes a second to start.
	for f in "$in"/bad-{deep,nan,bench-path,prim-empty,summary-string,reps-null,rep-threads-short,pus-short}.json \
		"$in/fifo.json" /nonexistent.json "$in"; do
		rc=0
		timeout 60 "$PYTHON" "$(dirname "$0")/../results/plot.py" "$f" --out "$scratch/plot" \
			>"$scratch/stdout" 2>"$scratch/stderr" || rc=$?
		plot_cases=$((plot_cases + 1))
		if [ "$rc" -ne 2 ] || [ "$(wc -l <"$scratch/stderr")" -ne 1 ] || [ -e "$scratch/plot" ]; then
			echo "FAIL: plot.py $f: exit $rc: $(head -c 300 "$scratch/stderr")" >&2
			rm -rf "$scratch/plot"
			failures=$((failures + 1))
		fi
	done
fi
total=$((total + plot_cases))

# run.sh --resume of hand-edited manifests: read as data, nothing in them
# runs (the marker file), no name leads out of the directory, no option in
# them says where to write; status 2 and one line naming the line.
repo=$(cd "$(dirname "$0")/.." && pwd)
one="--prim ttas --threads 1 --duration 0.01 --warmup 0 --reps 1 --events none"
marker="$scratch/pwned"
lines=(
	"run lock --bench lock $one --set cs=\$(touch $marker)"
	"run lock --bench lock $one \$(touch $marker)"
	"run lock --bench lock $one \`touch $marker\`"
	"run lock --bench lock $one; touch $marker"
	"run lock --bench lock $one | touch $marker"
	"run lock --bench lock $one --prim 'ttas'\"\$(touch $marker)\""
	"run lock --bench lock $one --prim \$'\\x74\\x74as'"
	"run lock --bench lock $one --threads \${IFS}1"
	"run ../escape --bench ../escape $one"
	"run .hidden --bench .hidden $one"
	"run /tmp/abs --bench /tmp/abs $one"
	"run lock --bench pingpong --threads 2 --duration 0.01 --warmup 0 --reps 1"
	"run lock --bench lock $one --out $scratch/elsewhere.json"
	"run lock --bench lock $one --then --bench lock $one --out $scratch/elsewhere.json"
	"run lock --bench lock $one --resume"
	"run lock --bench lock $one --dry-run"
	"run lock --bench lock $one --progress 0/1"
	"run lock --bench lock $one --reps"
	"run lock --bench lock $one --prim --out"
	"run lock"
	"run"
)
dir="$in/sweep"
for line in "${lines[@]}"; do
	rm -rf "$dir"
	mkdir "$dir"
	printf '%s\n' "mode quick" "$line" >"$dir/manifest.txt"
	cp "$dir/manifest.txt" "$in/manifest.before"
	rc=0
	"$repo/run.sh" --resume "$dir" >"$scratch/stdout" 2>"$scratch/stderr" || rc=$?
	left=$(ls "$dir" | grep -v '^manifest.txt$' || true)
	if [ "$rc" -ne 2 ] || [ "$(wc -l <"$scratch/stderr")" -ne 1 ] || [ -e "$marker" ] ||
		[ -n "$left" ] || [ -e "$in/escape.json" ] || [ -e "$scratch/elsewhere.json" ] ||
		[ -e /tmp/abs.json ] || ! cmp -s "$dir/manifest.txt" "$in/manifest.before" ||
		! grep -q "manifest.txt line 2" "$scratch/stderr"; then
		echo "FAIL: manifest line '$line': status $rc, $(head -c 300 "$scratch/stderr")${left:+, left: $left}" >&2
		rm -f "$marker" "$in/escape.json" "$scratch/elsewhere.json"
		failures=$((failures + 1))
	fi
done
rm -rf "$dir"
total=$((total + ${#lines[@]}))

# The same arguments made valid do run and write the file.
"$BIN" "${ok[@]}" --out "$out" >/dev/null || fail "the valid command failed"
[ -s "$out" ] || fail "the valid command wrote no file"

[ "$failures" -eq 0 ] || fail "$failures of $total bad command lines and inputs were not rejected cleanly"
echo "$total bad command lines and hostile inputs rejected with exit 2 and one line each" \
	"($file_cases hostile files, $plot_cases for plot.py, ${#lines[@]} manifest lines, $plan_cases for plan)"
