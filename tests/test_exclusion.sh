# Mutual-exclusion stress over every lock in the registry, through the
# `validate` workload: 2 threads (one per PU here) and 2 x PUs
# (oversubscribed), bounded in time by the harness's per-configuration
# limit.  Every real lock must pass; the deliberately broken one must fail,
# or the check proves nothing.  Under ThreadSanitizer the broken lock's
# data race kills its child first, which is recorded as crashed: caught too.
. "$(dirname "$0")/lib.sh"

pus=$(nproc)
"$BIN" run --bench validate --prim all,broken --threads "2,$((2 * pus))" \
	--duration 0.3 --warmup 0 --reps 1 --out "$scratch/v.json" >"$scratch/table" 2>"$scratch/stderr" || true

"$PYTHON" - "$scratch/v.json" <<'PY'
import sys
import sbtest
doc = sbtest.load(sys.argv[1])
assert doc["complete"], "sweep did not complete"
bad = []
for r in doc["results"]:
    name, status, check = r["prim"], r["status"], (r["check"] or {}).get("result")
    if name == "broken":
        if status not in ("failed", "crashed"):
            bad.append(f"broken lock at {r['threads']} threads was not caught ({status})")
    elif name == "null":
        if check != "skipped":
            bad.append(f"null: exclusion check not skipped ({check})")
    elif status != "ok" or check != "passed":
        bad.append(f"{name} at {r['threads']} threads: {status} {r['check']} {r['status_detail']}")
seen = {r["prim"] for r in doc["results"]}
if "broken" not in seen:
    bad.append("the broken lock was not run")
if bad:
    sys.exit("\n".join(bad))
print(f"{len(doc['results'])} configurations checked over {len(seen)} primitives")
PY
