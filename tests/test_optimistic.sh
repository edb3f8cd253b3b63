# optimistic: CAS-loop increments from T threads sum exactly; the seqlock
# record never yields a torn read under stress; and with the readers'
# version check turned off, the invariant check does catch torn reads, so
# it is the version check that keeps them out.  strategy=cas entries carry
# no primitive (prim null); strategy=lock entries carry theirs.
. "$(dirname "$0")/lib.sh"

common=(--duration 0.1 --warmup 0 --reps 1)
"$BIN" run --bench optimistic --prim ttas,pthread-mutex --threads 1,2,3 \
	--set strategy=cas,lock --set shape=word,record --set write_pct=100,50 --set window=0,20 \
	--set record_words=64 "${common[@]}" --out "$scratch/ok.json" >/dev/null ||
	fail "the stress sweep exited with status $?"
rc=0
"$BIN" run --bench optimistic --prim ttas --threads 2 --set strategy=cas --set shape=record \
	--set version_check=off --set write_pct=50 --set record_words=64 --set window=20 \
	--duration 0.3 --warmup 0 --reps 1 --out "$scratch/off.json" >/dev/null || rc=$?
[ "$rc" -eq 1 ] || fail "without the version check the sweep exited with status $rc, not 1"

"$PYTHON" - "$scratch/ok.json" "$scratch/off.json" <<'PY'
import sys
import sbtest
ok, off = (sbtest.load(p) for p in sys.argv[1:3])
bad = []
# cas: 3 threads x 2 shapes x 2 pct x 2 windows, once; lock: the same per primitive
want = {None: 24, "ttas": 24, "pthread-mutex": 24}
got = {}
for r in ok["results"]:
    got[r["prim"]] = got.get(r["prim"], 0) + 1
    tag = f"{r['prim']} {r['params']} threads={r['threads']}"
    if (r["prim"] is None) != (r["params"]["strategy"] == "cas"):
        bad.append(f"{tag}: prim does not match the strategy")
    if r["status"] != "ok" or r["check"]["result"] != "passed":
        bad.append(f"{tag}: {r['status']} {r['check']}")
    st = r["reps"][0]["bench_stats"]
    if st["torn_reads"] != 0:
        bad.append(f"{tag}: torn_reads {st['torn_reads']}")
    if set(r["summary"]["ops_per_sec_by_kind"]) != {"read", "write"}:
        bad.append(f"{tag}: reads and writes not reported apart")
if got != want:
    bad.append(f"entries per primitive {got}, expected {want}")
r = off["results"][0]
if r["check"]["result"] != "failed" or "torn" not in r["check"]["detail"]:
    bad.append(f"version_check=off was not caught: {r['status']} {r['check']}")
if bad:
    sys.exit("\n".join(bad))
print(f"{len(ok['results'])} configurations exact and untorn; without the version check: "
      f"{r['check']['detail']}")
PY
