# Every invalid command line: exit status 2, exactly one line on stderr
# naming what is wrong, nothing on stdout, and no output file left behind.
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
)
failures=0
check() {
	local label=$1; shift
	local rc=0
	"$BIN" "$@" >"$scratch/stdout" 2>"$scratch/stderr" || rc=$?
	local lines
	lines=$(wc -l <"$scratch/stderr")
	if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] || [ -s "$scratch/stdout" ] ||
		[ -n "$(ls "$scratch" | grep -v '^std' || true)" ]; then
		echo "FAIL: $label: exit $rc, $lines stderr lines: $(head -c 300 "$scratch/stderr")" >&2
		ls "$scratch" | grep -v '^std' | sed 's/^/  left behind: /' >&2 || true
		rm -f "$scratch"/out.json*
		failures=$((failures + 1))
	fi
}
for c in "${cases[@]}"; do
	# shellcheck disable=SC2086  # word splitting of the case is intended
	check "$c" $c --out "$out"
done
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

# The same arguments made valid do run and write the file.
"$BIN" "${ok[@]}" --out "$out" >/dev/null || fail "the valid command failed"
[ -s "$out" ] || fail "the valid command wrote no file"

total=$((${#cases[@]} + 3 + odd_cases + plan_cases))
[ "$failures" -eq 0 ] || fail "$failures of $total bad command lines were not rejected cleanly"
echo "$total bad command lines rejected with exit 2 and one line each"
