# Counters that the probe could open but a worker cannot (its file
# descriptors run out, as when a fleet's ulimit is tight): the event turns
# null with the reason, the other figures and the run go on.
. "$(dirname "$0")/lib.sh"

# 9 descriptors: enough for the harness and some of the workers' events, not all.
prlimit --nofile=9:9 "$BIN" run --bench lock --prim ttas --threads 2 --duration 0.05 \
	--warmup 0 --reps 1 --events default --out "$scratch/fd.json" >/dev/null ||
	fail "the run failed when counters could not all be opened"

"$PYTHON" - "$scratch/fd.json" <<'PY'
import sys
import sbtest
r = sbtest.load(sys.argv[1])["results"][0]
assert r["status"] == "ok" and r["summary"]["ops_per_sec"]["median"] > 0, r["status_detail"]
lost = {k: v for k, v in r["summary"]["counters"].items()
        if v["per_op"] is None and v.get("reason") == "a thread could not open or read it"}
assert lost, "no event went missing: raise no limit, or the test no longer provokes the fault"
kept = [k for k, v in r["summary"]["counters"].items() if v["per_op"] is not None]
print(f"descriptors exhausted: {', '.join(sorted(lost))} null with the reason; "
      f"{', '.join(kept) or 'no event'} still counted; the run went on")
PY
