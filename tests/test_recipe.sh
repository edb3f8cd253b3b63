#!/usr/bin/env bash
# The README's "Adding a primitive" and "Adding a workload", to the letter,
# in a copy of the tree: one file in locks/ and one line in
# locks/registry.def, one file in benches/ and one line in
# benches/registry.def, then `make` and nothing else.  The new primitive
# must then be in `syncbench list`, in `--prim all` and in the sweep plan's
# exclusion check (not in lock's sweep, whose sweep_prims names its own),
# pass the exclusion stress (validate over the whole registry) and the
# trylock tests; the new workload must be listed, planned for sweeps and run.
. "$(dirname "$0")/lib.sh"
src=$(cd "$(dirname "$0")/.." && pwd)
copy=$scratch/tree

# The sources as git sees them (committed, or new and not ignored), and the
# build's objects and the Go program, so that make rebuilds only what changed.
mkdir "$copy"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$src" ls-files -z --cached --others --exclude-standard |
		tar -C "$src" --null -T - -cf - | tar -C "$copy" -xf -
	for built in build syncbench syncbench-go; do
		[ -e "$src/$built" ] && cp -a "$src/$built" "$copy/"
	done
else
	cp -a "$src/." "$copy/"
fi

cat >"$copy/locks/throwaway.c" <<'C'
/*
 * throwaway: a test-and-set spinlock that tests/test_recipe.sh adds to a
 * copy of the tree, as the README says a primitive is added.
 *
 * Lock word: 0 = free, 1 = held.  lock: xchg 0 -> 1 until it returns 0;
 * unlock: store 1 -> 0.  Unfair; never use it.
 */
#include <stdatomic.h>

#include "../harness/compiler.h"
#include "lock.h"

struct throwaway_lock {
	atomic_uint held;
};

static int throwaway_init(void *lock, const int64_t *params)
{
	(void)params;
	atomic_init(&((struct throwaway_lock *)lock)->held, 0);
	return 0;
}

static bool throwaway_trylock(void *lock, void *self)
{
	(void)self;
	/* acquire: pairs with the release in throwaway_unlock() */
	return atomic_exchange_explicit(&((struct throwaway_lock *)lock)->held, 1,
					memory_order_acquire) == 0;
}

static void throwaway_lock(void *lock, void *self)
{
	while (!throwaway_trylock(lock, self))
		cpu_relax();
}

static void throwaway_unlock(void *lock, void *self)
{
	(void)self;
	/* release: pairs with the acquire in throwaway_trylock() */
	atomic_store_explicit(&((struct throwaway_lock *)lock)->held, 0, memory_order_release);
}

const struct lock_ops throwaway_ops = {
	.name = "throwaway",
	.summary = "a test-and-set lock added by tests/test_recipe.sh",
	.flags = LOCK_UNBOUNDED_WAIT,
	.size = sizeof(struct throwaway_lock),
	.init = throwaway_init,
	.lock = throwaway_lock,
	.trylock = throwaway_trylock,
	.unlock = throwaway_unlock,
};
C
echo 'LOCK(throwaway)' >>"$copy/locks/registry.def"

cat >"$copy/benches/tally.c" <<'C'
/*
 * tally: each thread counts its own operations, and check() finds that
 * they add up to the harness's count; added by tests/test_recipe.sh to a
 * copy of the tree, as the README says a workload is added.
 */
#include <inttypes.h>
#include <stdio.h>

#include "bench.h"

struct tally_thread {
	uint64_t ops;
};

static const struct param_decl tally_params[] = {
	{ "units", PARAM_INT, 10, 0, 1000, NULL, "work units per operation" },
};

static unsigned tally_op(const struct bench_run *run, struct bench_thread *t)
{
	bench_work(t, (uint64_t)run->params[0]);
	((struct tally_thread *)t->local)->ops++;
	return 0;
}

static enum check_result tally_check(const struct bench_run *run,
				     struct bench_thread *const *threads, uint64_t total_ops,
				     char *why, size_t whylen)
{
	uint64_t sum = 0;
	for (int i = 0; i < run->nthreads; i++)
		sum += ((struct tally_thread *)threads[i]->local)->ops;
	if (sum == total_ops)
		return CHECK_PASSED;
	snprintf(why, whylen, "threads counted %" PRIu64 " operations, the harness %" PRIu64, sum,
		 total_ops);
	return CHECK_FAILED;
}

const struct bench_ops tally_bench = {
	.name = "tally",
	.summary = "each thread counts its operations (tests/test_recipe.sh)",
	.needs = NEEDS_NOTHING,
	.sweep_sets = "units=0,10",
	.params = tally_params,
	.nparams = 1,
	.thread_size = sizeof(struct tally_thread),
	.op = tally_op,
	.check = tally_check,
};
C
echo 'BENCH(tally)' >>"$copy/benches/registry.def"

cd "$copy"
# The plain build, ./syncbench, also under make check-asan, whose SANITIZE
# reaches this test through the environment.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE make -s -j2 >"$scratch/make.log" 2>&1 ||
	fail "make failed in the copy with the new files: $(tail -5 "$scratch/make.log")"

# Each output whole in a file first: grep -q would end a pipe early (pipefail).
./syncbench list >"$scratch/list"
./syncbench list --sweep >"$scratch/plan"
./syncbench run --bench lock --prim all --threads 1 --dry-run >"$scratch/lock.dry" 2>/dev/null
./syncbench run --bench validate --prim all --threads 2 --dry-run >"$scratch/validate.dry" 2>/dev/null
grep -q '^  throwaway ' "$scratch/list" || fail "syncbench list does not show the new primitive"
grep -q '^  tally ' "$scratch/list" || fail "syncbench list does not show the new workload"
# validate takes every real lock; lock sweeps the primitives its sweep_prims names.
awk -F'\t' '$1 == "validate" && $3 ~ /(^|,)throwaway(,|$)/' "$scratch/plan" | grep -q . ||
	fail "the sweep plan's exclusion check (validate) leaves out the new primitive"
awk -F'\t' '$1 == "lock" && $3 ~ /(^|,)throwaway(,|$)/' "$scratch/plan" | grep -q . &&
	fail "the lock workload's sweep measures the new primitive, which its sweep_prims does not name"
awk -F'\t' '$1 == "tally" && $2 == "sweep" && $4 == "units=0,10"' "$scratch/plan" | grep -q . ||
	fail "the sweep plan does not list the new workload with its levels"
grep -q '/throwaway/' "$scratch/lock.dry" || fail "--prim all leaves out the new primitive"
grep -q '/throwaway/' "$scratch/validate.dry" ||
	fail "the exclusion stress (validate --prim all) does not reach the new primitive"
./syncbench run --bench tally --threads 2 --set units=0,10 --duration 0.02 --warmup 0 --reps 1 \
	--out "$scratch/tally.json" >/dev/null 2>"$scratch/tally.err" ||
	fail "the new workload did not run: $(tail -1 "$scratch/tally.err")"
BIN=$copy/syncbench PYTHON=$PYTHON bash tests/test_exclusion.sh >"$scratch/exclusion.log" 2>&1 ||
	fail "the exclusion stress failed in the copy: $(tail -3 "$scratch/exclusion.log")"
# The trylock tests go over the registry they are linked with.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE make -s build/tests/test_trylock >>"$scratch/make.log" 2>&1 &&
	build/tests/test_trylock >"$scratch/trylock.log" 2>&1 ||
	fail "the trylock tests failed in the copy: $(tail -3 "$scratch/trylock.log")"
nm build/tests/test_trylock >"$scratch/trylock.nm"
grep -q ' throwaway_ops$' "$scratch/trylock.nm" ||
	fail "the trylock tests were not built with the new primitive"
echo "test_recipe.sh: a primitive and a workload added as the README says are built, listed, swept and tested"
