/*
 * lock: mutual exclusion under critical and non-critical work.
 *
 * Each operation: acquire; increment a shared counter; `cs` units of
 * work; release; `ncs` units of work outside.  cs sets how long the lock
 * is held, ncs how often it is asked for: cs=0,ncs=0 is the handoff
 * stress, larger ncs/cs ratios approach real programs.  At the end the
 * counter must equal the number of operations, or the lock let two
 * threads in at once.  Every sample_every-th acquisition is timed, from
 * the request to the return of lock().
 */
#include <stdatomic.h>
#include <stdio.h>

#include "../harness/compiler.h"
#include "bench.h"

enum { LOCK_CS, LOCK_NCS, LOCK_SAMPLE_EVERY };

static const struct param_decl lock_params[] = {
	[LOCK_CS] = { "cs", PARAM_INT, 0, 0, 1000000, NULL,
		      "work units inside the critical section" },
	[LOCK_NCS] = { "ncs", PARAM_INT, 0, 0, 1000000, NULL,
		       "work units outside, between releases and acquires" },
	[LOCK_SAMPLE_EVERY] = { "sample_every", PARAM_INT, 16, 1, 1 << 30, NULL,
				"time the acquisition of every Nth operation (1: all)" },
};

/*
 * The protected counter lives on its own line, apart from the lock, as
 * data guarded by a lock usually does: each handoff then moves two lines,
 * the lock's and the data's.
 */
struct lock_shared {
	_Alignas(CACHELINE) atomic_uint_least64_t counter;
};

static unsigned lock_op(const struct bench_run *run, struct bench_thread *t)
{
	struct lock_shared *s = run->shared;
	uint64_t start = latency_begin(&t->lat, run->params[LOCK_SAMPLE_EVERY]);

	run->prim->lock(run->lock, t->self);
	latency_end(&t->lat, start, 0);
	/*
	 * A relaxed load and store, not an atomic increment: under a lock
	 * that excludes, nothing is lost; under one that does not, updates
	 * are lost and check() sees it.  Atomics keep the null lock free of
	 * undefined behaviour; the lock itself provides the ordering.
	 */
	uint64_t c = atomic_load_explicit(&s->counter, memory_order_relaxed);
	atomic_store_explicit(&s->counter, c + 1, memory_order_relaxed);
	work_units((uint64_t)run->params[LOCK_CS], c);
	run->prim->unlock(run->lock, t->self);
	work_units((uint64_t)run->params[LOCK_NCS], (uint64_t)t->id);
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
	.op = lock_op,
	.check = lock_check,
};
