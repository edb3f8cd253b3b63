/*
 * lock: mutual exclusion under critical and non-critical work.
 *
 * Each operation: acquire; increment a shared counter; `cs` units of
 * work; release; `ncs` units of work outside.  cs sets how long the lock
 * is held, ncs how often it is asked for: cs=0,ncs=0 is the handoff
 * stress, larger ncs/cs ratios approach real programs.  The units extend
 * the thread's one chain of work (bench_work), and the critical
 * section's units start from the counter value read under the lock, so
 * they run while the lock is held.  At the end the counter must equal
 * the number of operations, or the lock let two threads in at once.
 *
 * Every sample_every-th acquisition is timed, from the request to the
 * return of lock(); the sample is recorded after the release.
 *
 * A primitive that excludes nothing (null) gets a counter per thread,
 * on the thread's own line: with no shared line to move, null is the
 * harness's own cost at every thread count.
 */
#include <stdatomic.h>
#include <stdio.h>

#include "../harness/compiler.h"
#include "bench.h"

enum { LOCK_CS, LOCK_NCS, LOCK_SAMPLE_EVERY };

static const struct param_decl lock_params[] = {
	[LOCK_CS] = { "cs", PARAM_WORK, 0, 0, 1000000, NULL,
		      "work units inside the critical section" },
	[LOCK_NCS] = { "ncs", PARAM_WORK, 0, 0, 1000000, NULL,
		       "work units outside, between releases and acquires" },
	[LOCK_SAMPLE_EVERY] = { "sample_every", PARAM_INT, LATENCY_SAMPLE_EVERY, 0, 1 << 30, NULL,
				"time the acquisition of every Nth operation (1: all, 0: none)" },
};

/*
 * The protected counter lives on its own line, apart from the lock, as
 * data guarded by a lock usually does: each handoff then moves two lines,
 * the lock's and the data's.
 */
struct lock_shared {
	_Alignas(CACHELINE) atomic_uint_least64_t counter;
};

/* On the thread's own lines (the harness pads each thread's state). */
struct lock_thread {
	atomic_uint_least64_t counter;	/* for primitives that exclude nothing */
};

static atomic_uint_least64_t *counter_of(const struct bench_run *run, struct bench_thread *t)
{
	if (run->prim->flags & LOCK_NO_EXCLUSION)
		return &((struct lock_thread *)t->local)->counter;
	return &((struct lock_shared *)run->shared)->counter;
}

static unsigned lock_op(const struct bench_run *run, struct bench_thread *t)
{
	atomic_uint_least64_t *counter = counter_of(run, t);
	uint64_t start = latency_begin(&t->lat, run->params[LOCK_SAMPLE_EVERY]);

	run->prim->lock(run->lock, t->self);
	uint64_t acquired = latency_stamp(start);
	/*
	 * A relaxed load and store, not an atomic increment: under a lock
	 * that excludes, nothing is lost; under one that does not, updates
	 * are lost and check() sees it.  Atomics keep the null lock free of
	 * undefined behaviour; the lock itself provides the ordering.
	 */
	uint64_t c = atomic_load_explicit(counter, memory_order_relaxed);
	atomic_store_explicit(counter, c + 1, memory_order_relaxed);
	bench_work_after(t, (uint64_t)run->params[LOCK_CS], c);
	run->prim->unlock(run->lock, t->self);
	latency_end(&t->lat, start, acquired, 0);
	bench_work(t, (uint64_t)run->params[LOCK_NCS]);
	return 0;
}

static enum check_result lock_check(const struct bench_run *run,
				    struct bench_thread *const *threads, uint64_t total_ops,
				    char *why, size_t whylen)
{
	(void)threads;
	struct lock_shared *s = run->shared;
	uint64_t c = atomic_load_explicit(&s->counter, memory_order_relaxed);

	if (c == total_ops)
		return CHECK_PASSED;
	snprintf(why, whylen, "counter %llu != %llu operations: the lock let threads in together",
		 (unsigned long long)c, (unsigned long long)total_ops);
	return CHECK_FAILED;
}

const struct bench_ops lock_bench = {
	.name = "lock",
	.summary = "acquire; counter++; cs units; release; ncs units",
	.needs = NEEDS_LOCK,
	.flags = BENCH_WANTS_FLOOR,	/* every operation passes the lock on */
	.sweep_sets = "cs=20 ncs=0,400",	/* high and low contention */
	.sweep_sets_full = "cs=0,20,100 ncs=0,100,400,2000",
	.params = lock_params,
	.nparams = ARRAY_SIZE(lock_params),
	.shared_size = sizeof(struct lock_shared),
	.thread_size = sizeof(struct lock_thread),
	.op = lock_op,
	.check = lock_check,
};
