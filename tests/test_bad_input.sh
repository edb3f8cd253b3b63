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
	"run --bench lock --prim ttas --set =5"
	"run --bench lock --prim ttas --set cs=1 --set cs=2"
	"run --bench lock --prim ttas --set cs=1,1"
	"run --bench lock --prim ttas --set start_ticket=1"
	"run --bench lock --prim ticket --set start_ticket=4294967296"
	"run --bench lock --prim ttas --placement spread"
	"run --bench lock --prim ttas --placement list:99999"
	"run --bench lock --prim ttas --placement list:"
	"run --bench lock --prim ttas --duration 0"
	"run --bench lock --prim ttas --duration -1"
	"run --bench lock --prim ttas --duration abc"
	"run --bench lock --prim ttas --duration inf"
	"run --bench lock --prim ttas --duration nan"
	"run --bench lock --prim ttas --warmup -0.5"
	"run --bench lock --prim ttas --reps 0"
	"run --bench lock --prim ttas --reps 1.5"
	"run --bench lock --prim ttas --events nosuchevent"
	"run --bench lock --prim ttas --events cycles,,instructions"
	"run --bench lock --prim ttas --events perf::CYCLES:nosuchumask"
	"run --bench lock --prim ttas --frobnicate"
	"run --bench lock --prim ttas extra"
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
if [ "$(id -u)" -ne 0 ]; then
	mkdir "$scratch/ro" && chmod 555 "$scratch/ro"
	check "--out unwritable" "${ok[@]}" --out "$scratch/ro/out.json"
	rmdir "$scratch/ro"
fi

# The same arguments made valid do run and write the file.
"$BIN" "${ok[@]}" --out "$out" >/dev/null || fail "the valid command failed"
[ -s "$out" ] || fail "the valid command wrote no file"

total=$((${#cases[@]} + 3))
[ "$failures" -eq 0 ] || fail "$failures of $total bad command lines were not rejected cleanly"
echo "$total bad command lines rejected with exit 2 and one line each"
