#!/usr/bin/env bash
# The layout's rules, read from the sources (README, "Adding a primitive"):
# every primitive and workload file has its registry line and every
# registry line its file; a file in locks/ or benches/ that defines no ops
# is one of the few named helpers; locks/ and benches/ include from the
# harness only the headers locks/lock.h names; no harness file is over
# HARNESS_MAX_LINES.  SRC=DIR checks another tree (the test of this test).
. "$(dirname "$0")/lib.sh"
src=${SRC:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$src"

# What each half of the registry is called, and the files that are no entry.
declare -A def=([locks]=LOCK [benches]=BENCH)
declare -A suffix=([locks]=_ops [benches]=_bench)
declare -A kind=([locks]=lock_ops [benches]=bench_ops)
helpers=" locks/chan.c locks/gosema.c locks/go_ref.c locks/registry.c benches/registry.c "
allowed_harness="compiler.h clock.h params.h stat_emit.h latency.h stats.h work.h"
HARNESS_MAX_LINES=${HARNESS_MAX_LINES:-420}

problems=()
for dir in locks benches; do
	ids=$(sed -n "s/^${def[$dir]}(\([a-z0-9_]*\))$/\1/p" "$dir/registry.def")
	for f in "$dir"/*.c; do
		defined=$(sed -n "s/^const struct ${kind[$dir]} \([a-z0-9_]*\)${suffix[$dir]} = {$/\1/p" "$f")
		if [ -z "$defined" ]; then
			[[ $helpers == *" $f "* ]] ||
				problems+=("$f defines no 'const struct ${kind[$dir]} NAME${suffix[$dir]}' and is not a named helper")
			continue
		fi
		for id in $defined; do
			grep -qx "$id" <<<"$ids" ||
				problems+=("$f defines ${id}${suffix[$dir]} but $dir/registry.def has no ${def[$dir]}($id)")
		done
	done
	for id in $ids; do
		grep -lq "^const struct ${kind[$dir]} ${id}${suffix[$dir]} = {$" "$dir"/*.c ||
			problems+=("$dir/registry.def lists ${def[$dir]}($id), but no $dir/*.c defines ${id}${suffix[$dir]}")
	done
done

for f in locks/*.[ch] benches/*.[ch]; do
	while read -r header; do
		[[ " $allowed_harness " == *" $header "* ]] ||
			problems+=("$f includes harness/$header: locks/ and benches/ include only $allowed_harness (locks/lock.h)")
	done < <(sed -n 's|^#include "\.\./harness/\([a-z_]*\.h\)"$|\1|p' "$f")
done

for f in harness/*.c; do
	n=$(wc -l <"$f")
	[ "$n" -le "$HARNESS_MAX_LINES" ] ||
		problems+=("$f has $n lines: a harness file does one job, in at most about 400 ($HARNESS_MAX_LINES)")
done

if [ ${#problems[@]} -gt 0 ]; then
	printf '%s\n' "${problems[@]}" >&2
	fail "${#problems[@]} layout problems"
fi
echo "test_layout.sh: registries, includes and file sizes as the README says"
