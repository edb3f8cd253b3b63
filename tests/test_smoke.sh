#!/usr/bin/env bash
# Every registered workload runs once, for a short window, on the first
# primitive its sweep measures (none for a workload that takes none), at
# its sweep's first thread count (2 when the sweep takes the default), with
# its parameters' defaults: it must end ok with its check passed (or
# skipped) and some operations counted.  The workloads come from `syncbench
# list --sweep`, the registry's own listing, so a new one is covered as soon
# as it has its registry line.
. "$(dirname "$0")/lib.sh"

"$BIN" list --sweep >"$scratch/plan"
[ -s "$scratch/plan" ] || fail "syncbench list --sweep listed no workload"
while IFS=$'\t' read -r bench _ prims _ _ threads; do
	args=(run --bench "$bench" --duration 0.02 --warmup 0 --reps 1 --events none
		--out "$scratch/$bench.json")
	[ "$prims" = - ] || args+=(--prim "${prims%%,*}")
	[ "$threads" = - ] && threads=2
	args+=(--threads "${threads%%,*}")
	"$BIN" "${args[@]}" >/dev/null 2>"$scratch/$bench.err" ||
		fail "$bench: syncbench ${args[*]} exited with status $?: $(tail -1 "$scratch/$bench.err")"
	printf '%s\n' "$scratch/$bench.json" >>"$scratch/docs"
done <"$scratch/plan"

"$PYTHON" - $(cat "$scratch/docs") <<'PY'
import sys
import sbtest
bad = []
for path in sys.argv[1:]:
    doc = sbtest.load(path)
    for e in doc["results"]:
        tag = f"{e['bench']}/{e['prim']} threads={e['threads']}"
        check = (e["check"] or {}).get("result")
        if e["status"] != "ok" or check not in ("passed", "skipped"):
            bad.append(f"{tag}: {e['status']} {e['check']} {e['status_detail']}")
        elif not any(r["ops"] for r in e["reps"]):
            bad.append(f"{tag}: no operation counted")
if bad:
    sys.exit("test_smoke.sh: " + "\n".join(bad))
print(f"test_smoke.sh: {len(sys.argv) - 1} workloads ran once each and passed their checks")
PY
