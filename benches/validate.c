/*
 * validate: a correctness check, not a performance figure (after
 * Concurrency Kit's validate programs and the kernel's locktorture).
 *
 * Operations are drawn at random: a write under lock(), a write under a
 * spinning trylock() where the primitive has one, and a read under
 * rlock() where it is reader-writer.  Inside, every thread announces
 * itself in shared occupancy counters and checks that nobody it excludes
 * is there; a write also bumps a counter `bumps` times with a plain
 * load+store and a pause between, so that a lock leaking two writers in
 * loses updates.  Any overlap or lost update fails the run.
 *
 * For torture (tests/torture.sh), the hold and gap times can be drawn at
 * random, and threads can yield or sleep for a few microseconds inside and
 * outside the critical section: preemption of a holder and parked waiters
 * are where handoff, wakeup and fairness bugs hide.  At the defaults (all
 * 0) none of this runs and no random number is drawn for it.
 *
 * Those checks use atomics, which a lock's memory orders do not affect.
 * So a write also bumps a plain, non-atomic word: under ThreadSanitizer a
 * lock whose acquire and release do not order its critical sections is a
 * data race on that word, and the run dies with the report.
 */
#include <inttypes.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "../harness/compiler.h"
#include "bench.h"

enum { VALIDATE_BUMPS, VALIDATE_CS, VALIDATE_HOLD, VALIDATE_GAP, VALIDATE_YIELD_PCT,
       VALIDATE_SLEEP_PCT };

/* Long enough to be descheduled, short enough for thousands per second. */
#define VALIDATE_SLEEP_MAX_NS 50000

static const struct param_decl validate_params[] = {
	[VALIDATE_BUMPS] = { "bumps", PARAM_INT, 10, 1, 1000, NULL,
			     "non-atomic increments per write critical section" },
	[VALIDATE_CS] = { "cs", PARAM_WORK, 0, 0, 1000000, NULL,
			  "extra work units inside each critical section" },
	[VALIDATE_HOLD] = { "hold", PARAM_WORK, 0, 0, 1000000, NULL,
			    "up to this many random work units more inside" },
	[VALIDATE_GAP] = { "gap", PARAM_WORK, 0, 0, 1000000, NULL,
			   "up to this many random work units after each release" },
	[VALIDATE_YIELD_PCT] = { "yield_pct", PARAM_INT, 0, 0, 100, NULL,
				 "percent chance of sched_yield() inside and again outside" },
	[VALIDATE_SLEEP_PCT] = { "sleep_pct", PARAM_INT, 0, 0, 100, NULL,
				 "percent chance of a sleep of up to 50 us inside and again outside" },
};

static bool chance(struct bench_thread *t, int64_t pct)
{
	return pct > 0 && (int64_t)(rng_next(&t->rng) % 100) < pct;
}

/* Up to max_units of work, then maybe a yield and maybe a short sleep. */
static void dawdle(const struct bench_run *run, struct bench_thread *t, int64_t max_units)
{
	if (max_units > 0)
		bench_work(t, rng_next(&t->rng) % (uint64_t)(max_units + 1));
	if (chance(t, run->params[VALIDATE_YIELD_PCT]))
		sched_yield();
	if (chance(t, run->params[VALIDATE_SLEEP_PCT])) {
		struct timespec ts = { 0, (long)(rng_next(&t->rng) % VALIDATE_SLEEP_MAX_NS) + 1 };
		nanosleep(&ts, NULL);
	}
}

/* All on one line on purpose: this workload checks, it does not measure. */
struct validate_shared {
	_Alignas(CACHELINE) atomic_int writers_inside;
	atomic_int readers_inside;
	atomic_uint_least64_t counter;
	atomic_uint_least64_t writes, reads, overlaps;
	uint64_t plain;		/* guarded by the lock alone */
};

static void enter_as_writer(struct validate_shared *s)
{
	int w = atomic_fetch_add_explicit(&s->writers_inside, 1, memory_order_relaxed);
	int r = atomic_load_explicit(&s->readers_inside, memory_order_relaxed);
	if (w != 0 || r != 0)
		atomic_fetch_add_explicit(&s->overlaps, 1, memory_order_relaxed);
}

static void write_section(const struct bench_run *run, struct bench_thread *t,
			  struct validate_shared *s)
{
	enter_as_writer(s);
	dawdle(run, t, run->params[VALIDATE_HOLD]);
	for (int64_t i = 0; i < run->params[VALIDATE_BUMPS]; i++) {
		uint64_t c = atomic_load_explicit(&s->counter, memory_order_relaxed);
		cpu_relax();
		atomic_store_explicit(&s->counter, c + 1, memory_order_relaxed);
	}
	bench_work(t, (uint64_t)run->params[VALIDATE_CS]);
	if (!(run->prim->flags & LOCK_NO_EXCLUSION))
		s->plain++;
	atomic_fetch_add_explicit(&s->writes, 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&s->writers_inside, 1, memory_order_relaxed);
}

static void read_section(const struct bench_run *run, struct bench_thread *t,
			 struct validate_shared *s)
{
	atomic_fetch_add_explicit(&s->readers_inside, 1, memory_order_relaxed);
	uint64_t before = atomic_load_explicit(&s->counter, memory_order_relaxed);
	dawdle(run, t, run->params[VALIDATE_HOLD]);
	uint64_t plain = run->prim->flags & LOCK_NO_EXCLUSION ? 0 : s->plain;
	bench_work_after(t, (uint64_t)run->params[VALIDATE_CS], before + plain);
	if (atomic_load_explicit(&s->writers_inside, memory_order_relaxed) != 0 ||
	    atomic_load_explicit(&s->counter, memory_order_relaxed) != before)
		atomic_fetch_add_explicit(&s->overlaps, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->reads, 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&s->readers_inside, 1, memory_order_relaxed);
}

enum { KIND_WRITE, KIND_READ };
static const char *const validate_kinds[] = { [KIND_WRITE] = "write", [KIND_READ] = "read", NULL };

static unsigned validate_op(const struct bench_run *run, struct bench_thread *t)
{
	const struct lock_ops *p = run->prim;
	struct validate_shared *s = run->shared;
	uint64_t dice = rng_next(&t->rng) % 4;

	if (dice == 0 && p->rlock) {
		p->rlock(run->lock, t->self);
		read_section(run, t, s);
		p->runlock(run->lock, t->self);
		dawdle(run, t, run->params[VALIDATE_GAP]);
		return KIND_READ;
	}
	if (dice == 1 && p->trylock) {
		while (!p->trylock(run->lock, t->self))
			cpu_relax();
	} else {
		p->lock(run->lock, t->self);
	}
	write_section(run, t, s);
	p->unlock(run->lock, t->self);
	dawdle(run, t, run->params[VALIDATE_GAP]);
	return KIND_WRITE;
}

static enum check_result validate_check(const struct bench_run *run,
				struct bench_thread *const *threads, uint64_t total_ops,
				char *why, size_t whylen)
{
	(void)threads;
	struct validate_shared *s = run->shared;
	uint64_t overlaps = atomic_load_explicit(&s->overlaps, memory_order_relaxed);
	uint64_t writes = atomic_load_explicit(&s->writes, memory_order_relaxed);
	uint64_t reads = atomic_load_explicit(&s->reads, memory_order_relaxed);
	uint64_t counter = atomic_load_explicit(&s->counter, memory_order_relaxed);
	uint64_t expected = writes * (uint64_t)run->params[VALIDATE_BUMPS];

	if (overlaps == 0 && counter == expected && writes + reads == total_ops)
		return CHECK_PASSED;
	snprintf(why, whylen,
		 "%" PRIu64 " overlapping critical sections, counter %" PRIu64
		 " (expected %" PRIu64 "), %" PRIu64 " writes + %" PRIu64
		 " reads of %" PRIu64 " operations",
		 overlaps, counter, expected, writes, reads, total_ops);
	return CHECK_FAILED;
}

static void validate_stats(const struct bench_run *run, struct bench_thread *const *threads,
			   stat_emit_fn *emit, void *sink)
{
	(void)threads;
	struct validate_shared *s = run->shared;
	emit(sink, "writes", (double)atomic_load_explicit(&s->writes, memory_order_relaxed));
	emit(sink, "reads", (double)atomic_load_explicit(&s->reads, memory_order_relaxed));
	emit(sink, "overlaps", (double)atomic_load_explicit(&s->overlaps, memory_order_relaxed));
}

const struct bench_ops validate_bench = {
	.name = "validate",
	.summary = "correctness: exclusion, reader/writer exclusion and trylock under stress",
	.needs = NEEDS_LOCK,
	.flags = BENCH_CHECK_ONLY,
	.op_kinds = validate_kinds,
	.params = validate_params,
	.nparams = ARRAY_SIZE(validate_params),
	.shared_size = sizeof(struct validate_shared),
	.op = validate_op,
	.check = validate_check,
	.stats = validate_stats,
};
