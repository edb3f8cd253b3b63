# The Go reference program, syncbench-go (benches/go/): go vet, gofmt and
# its unit tests; every workload runs and passes its check in both modes,
# pinned where the mode pins; a broken run (-test-break) fails its check,
# for every workload; bad arguments exit 2 with one line on stderr and
# nothing on stdout.  Skipped, saying so, where go is not installed.
. "$(dirname "$0")/lib.sh"

gosrc=$(cd "$(dirname "$0")/../benches/go" && pwd)
GOREF=${GOREF:-$(dirname "$BIN")/syncbench-go}
if [ ! -x "$GOREF" ]; then
	if ! command -v go >/dev/null; then
		echo "test_go_ref: skipped: go is not installed (Debian package golang-go; run.sh installs it)"
		exit 0
	fi
	fail "$GOREF is missing: make builds it when go is installed"
fi
[ -n "${HOME:-}${GOCACHE:-}${XDG_CACHE_HOME:-}" ] || export GOCACHE="$scratch/go-cache"

(cd "$gosrc" && go vet ./... && go test -count=1 ./... >"$scratch/gotest" 2>&1) ||
	fail "go vet or go test failed: $(cat "$scratch/gotest")"
unformatted=$(cd "$gosrc" && gofmt -l .)
[ -z "$unformatted" ] || fail "not gofmt-formatted: $unformatted"

# One PU per worker for the threads mode, cycling over the PUs we may use.
mapfile -t allowed < <("$PYTHON" -c 'import os; print(*sorted(os.sched_getaffinity(0)), sep="\n")')
pus_for() {
	local n=$1 i list=()
	for ((i = 0; i < n; i++)); do list+=("${allowed[i % ${#allowed[@]}]}"); done
	(IFS=,; echo "${list[*]}")
}

# run NAME EXPECT ARGS...: one repetition into $scratch/NAME.json; EXPECT is
# the check's result it must report.
run() {
	local name=$1 expect=$2; shift 2
	local rc=0
	"$GOREF" -warmup 0.02 -duration 0.2 "$@" >"$scratch/$name.json" 2>"$scratch/$name.err" || rc=$?
	[ "$rc" -eq 0 ] || fail "$name: exit $rc: $(cat "$scratch/$name.err")"
	"$PYTHON" - "$scratch/$name.json" "$name" "$expect" "$*" <<'PY' || fail "$name: bad result"
import json, sys
path, name, expect, args = sys.argv[1:]
d = json.load(open(path))
bad = []
def need(cond, what):
    if not cond:
        bad.append(what)
need(d["check"]["result"] == expect, f"check {d['check']} (expected {expect})")
need(d["wall_ns"] > 0 and d["work_unit_ns"] > 0, "no window or no unit calibration")
threads = d["per_thread"]
need(len(threads) == d["threads"], "one entry per thread")
window = sum(t["ops"] for t in threads)
need(window > 0 and d["all_ops"] >= window, f"ops: window {window}, all {d['all_ops']}")
for t in threads:
    need(sum(t["ops_by_kind"]) == t["ops"] and len(t["ops_by_kind"]) == len(d["op_kinds"]),
         "ops_by_kind must add up to ops, one per kind")
    if d["mode"] == "threads":
        need(isinstance(t["cpu_ns"], int) and t["cpu_ns"] >= 0, "threads: cpu_ns per thread")
    else:
        need(t["cpu_ns"] is None and t["pu"] is None and d["per_thread_null"], "goroutines: null, with why")
if d["mode"] == "threads" and d["pus"]:
    need([t["pu"] for t in threads] == d["pus"], f"pinned threads ran elsewhere: {[t['pu'] for t in threads]}")
counted = {"chan-pingpong": ["round_trip"], "chan-prodcons": ["recv"]}.get(d["workload"], d["op_kinds"])
need(d["counted_kinds"] == counted, f"counted kinds {d['counted_kinds']}, want {counted}")
clock = d["latency_clock"]
given = "-pair-ticks 40" in args
need(clock["ticks_per_ns"] > 0 and clock["pair_source"] == ("harness" if given else "measured") and
     (not given or clock["pair_ticks"] == 40), f"latency clock {clock}")
lat = d["latency"]
if d["params"].get("sample_every"):
    need(lat and all(k in lat["kinds"] for k in d["op_kinds"]), "sampled, but no latency")
    for k in (lat or {}).get("kinds", {}).values():
        need(sum(k["count_per_bucket"]) == k["count"] and len(k["bucket_low_ticks"]) == len(k["count_per_bucket"]),
             "histogram counts")
        need(k["bucket_low_ticks"] == sorted(k["bucket_low_ticks"]), "buckets in order")
        need(not k["bucket_low_ticks"] or k["bucket_low_ticks"][-1] <= k["max_ticks"], "max below its bucket")
else:
    need(lat is None, "latency without sampling")
if bad:
    sys.exit(f"{name}: " + "; ".join(bad))
PY
}

configs=(
	"lock -threads 2 cs=10 ncs=10"
	"lock -threads 2 -prim sync.RWMutex sample_every=1"
	"lock -threads 2 sample_every=0"
	"rw -threads 2 cs=10"
	"rw -threads 2 -prim sync.Mutex read_pct=50"
	"chan-pingpong -threads 2"
	"chan-pingpong -threads 2 cap=1"
	"chan-pingpong -threads 2 -clock tsc -pair-ticks 40"
	"chan-prodcons -threads 2"
	"chan-prodcons -threads 4 cap=0 elem_bytes=64"
	"ring -threads 3"
	"ring -threads 3 handoff=mutex"
	"ring -threads 3 handoff=cond"
)
i=0
for mode in goroutines threads; do
	for c in "${configs[@]}"; do
		read -r -a args <<<"$c"
		n=${args[2]}
		pin=()
		[ "$mode" = threads ] && pin=(-pus "$(pus_for "$n")")
		run "ok$i" passed -mode "$mode" "${pin[@]}" -workload "${args[@]}"
		i=$((i + 1))
	done
done

# The program's own checks catch a broken run.  4 threads for the locks, so
# that lost updates come from preemption as well as from the PUs.
broken=(
	"lock -threads 4"
	"rw -threads 4"
	"chan-pingpong -threads 2"
	"chan-prodcons -threads 2"
	"ring -threads 3"
)
for c in "${broken[@]}"; do
	read -r -a args <<<"$c"
	run "broken$i" failed -test-break -workload "${args[@]}"
	i=$((i + 1))
done

# Bad arguments: exit 2, one line on stderr, nothing on stdout.
bad_args=(
	""
	"-workload nope -threads 2"
	"-workload lock"
	"-workload lock -threads 0"
	"-workload lock -threads 1025"
	"-workload lock -threads 2 cs=-1"
	"-workload lock -threads 2 cs=1000001"
	"-workload lock -threads 2 bogus=1"
	"-workload lock -threads 2 cs"
	"-workload lock -threads 2 cs=1 cs=2"
	"-workload lock -threads 2 -mode fibers"
	"-workload lock -threads 2 -prim chan"
	"-workload ring -threads 3 -prim sync.Mutex"
	"-workload ring -threads 3 handoff=spin"
	"-workload ring -threads 1"
	"-workload chan-pingpong -threads 3"
	"-workload chan-prodcons -threads 4 producers=3 consumers=3"
	"-workload chan-prodcons -threads 2 elem_bytes=24"
	"-workload lock -threads 2 -pus 0"
	"-workload lock -threads 2 -pus 0,x"
	"-workload lock -threads 2 -pus 0,99999"
	"-workload lock -threads 2 -duration 0"
	"-workload lock -threads 2 -warmup -1"
	"-workload lock -threads 2 -nosuchflag"
	"-workload lock -threads 2 -clock sundial"
	"-workload lock -threads 2 -ticks-per-ns 2.5"
	"-workload lock -threads 2 -clock tsc -ticks-per-ns 0"
	"-workload lock -threads 2 -pair-ticks -1"
	"-workload lock -threads 2 -min-ops many"
	"-workload lock -threads 2 -duration 1 -max-window 0.5"
	"-workload lock -threads 2 -notify-fd 1"
)
check_bad() {
	local what=$1 rc=0; shift
	"$@" >"$scratch/bad.out" 2>"$scratch/bad.err" || rc=$?
	[ "$rc" -eq 2 ] || fail "$what: exit $rc, expected 2"
	[ ! -s "$scratch/bad.out" ] || fail "$what: wrote to stdout"
	[ "$(wc -l <"$scratch/bad.err")" -eq 1 ] || fail "$what: not one line on stderr: $(cat "$scratch/bad.err")"
}
for a in "${bad_args[@]}"; do
	read -r -a args <<<"$a"
	check_bad "'$a'" "$GOREF" "${args[@]}"
done
# A PU outside the process's affinity is bad input too.
if [ "${#allowed[@]}" -ge 2 ]; then
	check_bad "a PU outside the affinity" taskset -c "${allowed[0]}" "$GOREF" -workload lock -threads 2 \
		-mode threads -pus "${allowed[0]},${allowed[1]}"
fi

echo "test_go_ref: $i runs checked (${#configs[@]} configurations x 2 modes, ${#broken[@]} broken), ${#bad_args[@]} bad arguments refused"
