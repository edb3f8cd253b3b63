# What results/README.md says about when the file is written and what
# limits topology.pus, against what syncbench does (issue 15, defect 10).
. "$(dirname "$0")/lib.sh"

readme="$(dirname "$0")/../results/README.md"

# The file is rewritten after every window, not every configuration: with
# the default --interleave every configuration of a short run shares one
# window, so the file appears only when the whole window is done.
"$BIN" run --bench lock --prim tas,ttas,ticket --threads 1,2 --duration 0.2 --warmup 0 --reps 1 \
	--events none --out "$scratch/w.json" >/dev/null &
pid=$!
# Once the first repetition runs, the window still has 6 x 0.2 s to go.
for _ in $(seq 500); do pgrep -P "$pid" >/dev/null && break; sleep 0.02; done
sleep 0.5	# a configuration or two have finished: their window has not
[ ! -e "$scratch/w.json" ] || fail "the file was written before its window ended"
wait "$pid" || fail "the run failed"
grep -q "after every window of configurations" "$readme" ||
	fail "results/README.md does not say the file is rewritten after every window"
! grep -q "rewrites FILE after every configuration" "$readme" ||
	fail "results/README.md still says the file is rewritten after every configuration"

# taskset limits topology.pus, as a cgroup cpuset does.
taskset -c 0 "$BIN" run --bench lock --prim ttas --threads 1 --duration 0.01 --warmup 0 --reps 1 \
	--events none --out "$scratch/t.json" >/dev/null
pus=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["context"]["topology"]["pus"])' "$scratch/t.json")
[ "$pus" -eq 1 ] || fail "under taskset -c 0, topology.pus is $pus"
grep -q 'a cgroup cpuset and `taskset` both limit them' "$readme" ||
	fail "results/README.md does not say that taskset limits topology.pus"
echo "results/README.md: rewritten after every window; taskset limits topology.pus (1 under taskset -c 0)"
