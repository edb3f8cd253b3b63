# run.sh as an attacker and a careless user would use it (issue 15,
# defects 2 and 9): the files it appends to in a results directory are
# never written through a planted symlink (its manifest lines are read as
# data: see tests/test_bad_input.sh), and run.sh works through a symlink,
# from any directory, with paths taken from where the user stands.
. "$(dirname "$0")/lib.sh"

repo=$(cd "$(dirname "$0")/.." && pwd)
one="--prim ttas --threads 1 --duration 0.01 --warmup 0 --reps 1 --events none"

# --- 2. Hostile manifest lines are in tests/test_bad_input.sh, with the
# other hostile inputs.  A manifest or table that is a symlink is refused
# too: run.sh appends to both, and must not write through a planted link.
dir="$scratch/links"
mkdir "$dir"
echo "precious" >"$scratch/victim"
printf '%s\n' "mode quick" "run lock --bench lock $one" >"$scratch/real-manifest"
ln -s "$scratch/real-manifest" "$dir/manifest.txt"
rc=0; "$repo/run.sh" --resume "$dir" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$scratch/real-manifest")" -eq 2 ] || fail "a symlinked manifest: status $rc"
rm "$dir/manifest.txt"
cp "$scratch/real-manifest" "$dir/manifest.txt"
ln -s "$scratch/victim" "$dir/table.txt"
rc=0; "$repo/run.sh" --resume "$dir" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] && [ "$(cat "$scratch/victim")" = precious ] && [ ! -e "$dir/lock.json" ] ||
	fail "a symlinked table.txt: status $rc"
echo "a symlinked manifest.txt or table.txt: refused with status 2, its target untouched"

# --- 9. Through a symlink, from another directory: run.sh finds its
# repository, and --out, --resume and merge's paths are the user's.
mkdir "$scratch/bin" "$scratch/work"
ln -s "$repo/run.sh" "$scratch/bin/syncbench-run"
cd "$scratch/work"
# shellcheck disable=SC2086  # the options' words
"$scratch/bin/syncbench-run" -- --bench lock $one --out rel.json >/dev/null ||
	fail "run.sh -- through a symlink, from another directory, failed"
[ -s "$scratch/work/rel.json" ] || fail "run.sh -- --out rel.json did not write it where the user stands"
mkdir sweep
printf '%s\n' "mode quick" "run lock --bench lock $one" >sweep/manifest.txt
"$scratch/bin/syncbench-run" --resume sweep >/dev/null 2>&1 ||
	fail "run.sh --resume sweep through a symlink, from another directory, failed"
[ -s sweep/lock.json ] && grep -q '^complete' sweep/manifest.txt ||
	fail "run.sh --resume sweep did not run the sweep in the user's directory"
"$scratch/bin/syncbench-run" merge --no-build --out merged sweep >/dev/null 2>&1 ||
	fail "run.sh merge through a symlink, with relative paths, failed"
[ -d merged ] && ls merged/*.lock.json >/dev/null || fail "run.sh merge did not write merged/ where the user stands"
cd - >/dev/null
[ ! -e "$repo/rel.json" ] && [ ! -e "$repo/sweep" ] && [ ! -e "$repo/merged" ] ||
	fail "run.sh wrote into the repository instead of where the user stands"
echo "run.sh through a symlink from another directory: -- --out, --resume and merge use the user's paths"
