# `syncbench compare --pair`: two primitives inside one result set.  A
# row per pair of entries that share workload, threads and workload
# parameters, whatever each primitive's own parameters (gochan spin=0 and
# spin=2000 are two rows, each labelled); each side's median and the
# ratio as the document's repetitions give them, in compare's CSV; the
# text's fidelity line; `ports` pairs every port
# with its original; bad input exits 2 with one line.
. "$(dirname "$0")/lib.sh"

"$BIN" run --bench chan-pingpong --prim condchan,gochan --threads 2 --set spin=0,2000 \
	--duration 0.02 --warmup 0 --reps 3 --out "$scratch/pp.json" \
	--then --bench lock --prim ticket,ck-ticket,tas --threads 1,2 --set cs=5 --duration 0.02 \
	--warmup 0 --reps 3 --out "$scratch/lock.json" >/dev/null || fail "the run exited with status $?"

"$BIN" compare --pair condchan=gochan --format csv "$scratch/pp.json" >"$scratch/pair" ||
	fail "compare --pair exited with status $?"
"$BIN" compare --pair ports --format csv "$scratch" >"$scratch/ports" 2>"$scratch/ports.err" ||
	fail "compare --pair ports exited with status $?"
grep -q '^syncbench: compare --pair: no configuration has both ck-fas and tas$' "$scratch/ports.err" ||
	fail "compare --pair ports: no warning for ck-fas=tas, whose original was not run: $(cat "$scratch/ports.err")"
"$BIN" compare --pair ports "$scratch" >"$scratch/ports.txt" 2>/dev/null || fail "compare --pair ports (text) exited with status $?"
grep -q '^fidelity: [0-9]* of 2 rows have B/A outside \[0.9, 1.1\]' "$scratch/ports.txt" ||
	fail "compare --pair ports: no fidelity line over its 2 rows: $(cat "$scratch/ports.txt")"

"$PYTHON" - "$scratch/pp.json" "$scratch/pair" "$scratch/ports" <<'PY'
import csv, statistics, sys
import sbtest
pp, pair, ports = sys.argv[1:]
def rows(path):
    """(A label, B label, configuration, B/A) per row, from 'A | B | configuration'."""
    out = []
    for row in csv.DictReader(open(path)):
        a, b, config = row["configuration"].split(" | ")
        out.append((a, b, config, float(row["ratio"])))
    return out
def median_rate(e):
    return statistics.median(r["ops_per_sec"] for r in e["reps"])
bad = []
doc = sbtest.load(pp)
got = rows(pair)
if sorted((a, b) for a, b, _, _ in got) != [("condchan", "gochan"), ("condchan", "gochan spin=2000")]:
    bad.append(f"condchan=gochan: rows {got}, want gochan and gochan spin=2000 against condchan")
for a, b, config, ratio in got:
    spin = 2000 if "spin=2000" in b else 0
    ea = next(e for e in doc["results"] if e["prim"] == "condchan")
    eb = next(e for e in doc["results"] if e["prim"] == "gochan" and e["params"]["spin"] == spin)
    want = median_rate(eb) / median_rate(ea)
    if abs(ratio - want) > 0.0005 * want + 0.0005:
        bad.append(f"{b}: B/A {ratio}, the medians give {want:.4f}")
    if not config.startswith("chan-pingpong 2 cap=0"):
        bad.append(f"{b}: configuration '{config}'")
port_rows = [(a, b) for a, b, _, _ in rows(ports)]
if sorted(port_rows) != [("ck-ticket", "ticket")] * 2:
    bad.append(f"ports: rows {port_rows}, want ck-ticket/ticket at 1 and 2 threads (ck-fas was not run)")
if bad:
    sys.exit("\n".join(bad))
PY
[ $? -eq 0 ] || fail "compare --pair printed the wrong rows (above)"

for args in "--pair" "--pair gochan $scratch/pp.json" "--pair nope=gochan $scratch/pp.json" \
	"--pair gochan=gochan $scratch/pp.json" "--pair condchan=gochan" "--pair condchan=gochan $scratch/none.json" \
	"--pair condchan=gochan --format xml $scratch/pp.json" "--pair condchan=gochan --metric nope $scratch/pp.json" \
	"--pair condchan=gochan --format"; do
	rc=0
	read -r -a argv <<<"$args"
	"$BIN" compare "${argv[@]}" >"$scratch/bad.out" 2>"$scratch/bad.err" || rc=$?
	[ "$rc" -eq 2 ] || fail "compare $args: exit $rc, expected 2"
	[ ! -s "$scratch/bad.out" ] || fail "compare $args: wrote to stdout"
	[ "$(wc -l <"$scratch/bad.err")" -eq 1 ] || fail "compare $args: not one line on stderr: $(cat "$scratch/bad.err")"
done
echo "test_compare_pair: rows, ratios, labels and ports checked; 9 bad inputs refused"
