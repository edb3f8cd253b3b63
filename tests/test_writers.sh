# Every file syncbench writes, against a hostile neighbour and a careless
# user (issue 15, defects 1, 3 and 6):
#  - a symlink or a FIFO planted, by another user, at the name the writer
#    used to open (FILE.tmp.PID) or beside it: no file is clobbered through
#    it, nothing hangs on it, the result is still written;
#  - two writers of one --out, however spelled: the second is refused with
#    status 2 and the first keeps every configuration;
#  - a full disk or a full or closed stdout: status 3 with the OS reason,
#    no partial file, and a run's results on disk before its table.
. "$(dirname "$0")/lib.sh"

fixtures="$(dirname "$0")/../results/fixtures"
one=(run --bench lock --prim ttas --threads 1 --warmup 0 --reps 1 --events none)

# A directory shared with another user, who plants things in it.  As root,
# that user is a throwaway account; otherwise the planting is our own.
shared="$scratch/shared"
mkdir "$shared"
chmod 0711 "$scratch"
chmod 0777 "$shared"
as_other=()
if [ "$(id -u)" -eq 0 ]; then
	id -u sbhostile >/dev/null 2>&1 ||
		useradd --system --no-create-home --shell /usr/sbin/nologin sbhostile 2>/dev/null ||
		id -u sbhostile >/dev/null 2>&1 || fail "cannot create the user sbhostile"
	as_other=(setpriv --reuid=sbhostile --regid=sbhostile --clear-groups)
fi
plant() {	# plant symlink|fifo PATH [TARGET]
	if [ "$1" = symlink ]; then
		${as_other[@]+"${as_other[@]}"} ln -s "$3" "$2"
	else
		${as_other[@]+"${as_other[@]}"} mkfifo "$2"
	fi
}
echo "precious" >"$scratch/victim"
victim_intact() {
	[ "$(cat "$scratch/victim")" = precious ] || fail "$1: the symlink's target was overwritten"
}

# --- 1. The result file: the name the old writer opened is planted after
# syncbench starts (its pid is known before it execs) and before its first
# write.  It must be neither followed nor opened.
for kind in symlink fifo; do
	out="$shared/$kind.json"
	bash -c 'sleep 0.5; exec "$@"' - "$BIN" "${one[@]}" --duration 1 --out "$out" \
		>/dev/null 2>"$scratch/plant.err" &
	pid=$!
	sleep 1
	plant "$kind" "$out.tmp.$pid" "$scratch/victim"
	rc=0
	# A FIFO opened for writing would block for ever: bound the wait.
	for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		fail "$kind planted at $out.tmp.$pid: the run hung on it"
	fi
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] || fail "$kind planted at the old temporary name: status $rc: $(cat "$scratch/plant.err")"
	victim_intact "$kind planted at the old temporary name"
	"$PYTHON" -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["complete"] and len(d["results"]) == 1' \
		"$out" || fail "$kind planted at the old temporary name: the result was not written"
	rm -f "$out.tmp.$pid"
done
echo "a symlink and a FIFO planted by another user at the old temporary name: neither followed nor opened, the result written"

# The lock file is the one predictable name syncbench opens: never through
# a symlink, never blocking on a FIFO, and the run is refused (status 2).
for kind in symlink fifo; do
	out="$shared/locked-$kind.json"
	plant "$kind" "$out.lock" "$scratch/victim"
	rc=0
	timeout 60 "$BIN" "${one[@]}" --duration 0.01 --out "$out" >/dev/null 2>"$scratch/lock.err" || rc=$?
	[ "$rc" -eq 2 ] && [ "$(wc -l <"$scratch/lock.err")" -eq 1 ] && [ ! -e "$out" ] ||
		fail "$kind planted at $out.lock: status $rc: $(cat "$scratch/lock.err")"
	victim_intact "$kind planted at the lock file"
done
echo "a symlink or a FIFO at FILE.lock: refused with status 2, nothing written through it"

# export's sidecar, merge's directory and plot.py's page, each with the
# name it writes planted as a symlink: each replaces the link, never its target.
plant symlink "$shared/x.csv.context.json" "$scratch/victim"
"$BIN" export --format csv --out "$shared/x.csv" "$fixtures/a" ||
	fail "export with a planted sidecar symlink failed"
victim_intact "export --out with a planted sidecar"
[ ! -L "$shared/x.csv.context.json" ] && grep -q '"contexts"' "$shared/x.csv.context.json" ||
	fail "export: the sidecar was not written in place of the planted link"
bash -c 'sleep 0.3; exec "$@"' - "$BIN" merge --out "$shared/merged" "$fixtures/a" >/dev/null &
pid=$!
plant symlink "$shared/merged.tmp.$pid" "$scratch"
rc=0; wait "$pid" || rc=$?
[ "$rc" -eq 0 ] && [ -f "$shared/merged/vm.lock.json" ] ||
	fail "merge with its old temporary directory name planted: status $rc"
if "$PYTHON" -c 'import matplotlib' 2>/dev/null; then
	mkdir -m 0777 "$shared/report"
	plant symlink "$shared/report/index.html" "$scratch/victim"
	"$PYTHON" "$(dirname "$0")/../results/plot.py" "$fixtures/a" --out "$shared/report" >/dev/null ||
		fail "plot.py with a planted index.html symlink failed"
	victim_intact "plot.py with a planted index.html"
	[ ! -L "$shared/report/index.html" ] && grep -q '<html>' "$shared/report/index.html" ||
		fail "plot.py: index.html was not written in place of the planted link"
	[ -z "$(find "$shared/report" -name '.*' ! -name . | head -1)" ] ||
		fail "plot.py left a temporary file: $(find "$shared/report" -name '.*')"
fi
echo "export's sidecar, merge's directory, plot.py's page: a planted link is replaced, its target untouched"

# --- 3. Two writers of one file.  The second run, whether it spells the
# file the same or not, is refused while the first holds it; the first
# ends with every one of its configurations.
cd "$scratch"
long=(run --bench lock --prim tas,ttas,ticket --threads 1,2 --duration 0.2 --warmup 0 --reps 1
      --interleave 0 --events none)
"$BIN" "${long[@]}" --out first.json >/dev/null 2>"$scratch/first.err" &
pid=$!
for _ in $(seq 200); do [ -e first.json.lock ] && break; sleep 0.05; done
for spelling in first.json ./first.json "$scratch/first.json" "../$(basename "$scratch")/first.json"; do
	rc=0
	"$BIN" "${one[@]}" --duration 0.01 --out "$spelling" >/dev/null 2>"$scratch/second.err" || rc=$?
	[ "$rc" -eq 2 ] && grep -q "is being written by another syncbench run" "$scratch/second.err" ||
		fail "a second writer of $spelling: status $rc: $(cat "$scratch/second.err")"
done
rc=0; wait "$pid" || rc=$?
[ "$rc" -eq 0 ] || fail "the first writer exited with $rc: $(cat "$scratch/first.err")"
"$PYTHON" -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["complete"] and len(d["results"]) == 6, len(d["results"])' \
	first.json || fail "the first writer's configurations are not all in its file"
[ ! -e first.json.lock ] || fail "the lock file was left behind"
for spelling in ./j.json "$scratch/j.json"; do
	rc=0
	"$BIN" "${one[@]}" --duration 0.01 --out j.json --then "${one[@]:1}" --duration 0.01 \
		--out "$spelling" >/dev/null 2>"$scratch/then.err" || rc=$?
	[ "$rc" -eq 2 ] && [ ! -e j.json ] || fail "--then to j.json and $spelling: status $rc: $(cat "$scratch/then.err")"
done
cd - >/dev/null
echo "a second writer of the same file, in 4 spellings, and --then to one file in 2: refused with status 2; the first keeps its 6 configurations"

# --- 6. Full disks and full or closed stdouts.  export --out past a
# file-size limit: status 3 and the reason, the old file intact.
echo "old" >"$scratch/full.csv"
rc=0
prlimit --fsize=2000 "$BIN" export --format csv --out "$scratch/full.csv" "$fixtures/a" \
	2>"$scratch/full.err" || rc=$?
[ "$rc" -eq 3 ] && grep -q "cannot write .*full.csv: File too large" "$scratch/full.err" ||
	fail "export on a full disk: status $rc: $(cat "$scratch/full.err")"
[ "$(cat "$scratch/full.csv")" = old ] || fail "export on a full disk left a partial file"
[ -z "$(find "$scratch" -maxdepth 1 -name '.full.csv.*' | head -1)" ] || fail "export left its temporary file"
for cmd in "export --format csv $fixtures/a" "export --format gbench $fixtures/a" \
	"compare $fixtures/a $fixtures/b" "list" "list --sweep" "merge --help" "help"; do
	rc=0
	# shellcheck disable=SC2086  # the command's words
	"$BIN" $cmd >/dev/full 2>"$scratch/devfull.err" || rc=$?
	[ "$rc" -eq 3 ] && grep -q "cannot write stdout: No space left on device" "$scratch/devfull.err" ||
		fail "$cmd >/dev/full: status $rc: $(cat "$scratch/devfull.err")"
done
echo "export on a full disk and 7 commands into a full stdout: status 3 with the OS reason, no partial file"

# A closed stdout (| head -1) after the header: the run goes on, every
# configuration is on disk, and the lost table is status 3, not a death.
rc=0
set +o pipefail
"$BIN" "${long[@]}" --duration 0.05 --out "$scratch/head.json" 2>"$scratch/head.err" | head -1 >/dev/null
rc=${PIPESTATUS[0]}
set -o pipefail
[ "$rc" -eq 3 ] && grep -q "cannot write stdout: Broken pipe" "$scratch/head.err" ||
	fail "run | head -1: status $rc: $(cat "$scratch/head.err")"
"$PYTHON" -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["complete"] and len(d["results"]) == 6, len(d["results"])' \
	"$scratch/head.json" || fail "run | head -1: the results are not all on disk"
echo "run | head -1: all 6 configurations on disk, status 3 for the lost table"
