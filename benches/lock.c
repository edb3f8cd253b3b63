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
 * Under the lock, each thread also notes that it holds it: an operation
 * whose previous holder was another thread is of kind `handoff`, one that
 * re-took the lock its own thread released is `reacquire`.  Only a
 * handoff moves the lock's line and the data's line from one core to
 * another, so only handoffs are held against the coherence floor
 * (summary.handoff_vs_floor), and only when the lock is saturated (ncs=0:
 * every thread asks again as soon as it releases, so the lock is never
 * idle and the time between handoffs is the handoff's cost).
 *
 * A primitive that excludes nothing (null) gets a counter per thread,
 * on the thread's own line: with no shared line to move, null is the
 * harness's own cost at every thread count.
 */
#include <assert.h>
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

enum { KIND_HANDOFF, KIND_REACQUIRE };
static const char *const lock_kinds[] = { [KIND_HANDOFF] = "handoff",
					  [KIND_REACQUIRE] = "reacquire", NULL };

/*
 * The protected data (the counter and who holds the lock) live on their
 * own line, apart from the lock, as data guarded by a lock usually does:
 * each handoff then moves two lines, the lock's and the data's.
 */
struct guarded {
	atomic_uint_least64_t counter;
	atomic_int holder;	/* the last holder's thread id + 1; 0 before anyone held it */
};

struct lock_shared {
	_Alignas(CACHELINE) struct guarded data;
};

static_assert(sizeof(struct lock_shared) == CACHELINE, "the guarded data is one line of its own");

/* On the thread's own lines (the harness pads each thread's state). */
struct lock_thread {
	struct guarded data;	/* for primitives that exclude nothing */
};

static struct guarded *guarded_of(const struct bench_run *run, struct bench_thread *t)
{
	if (run->prim->flags & LOCK_NO_EXCLUSION)
		return &((struct lock_thread *)t->local)->data;
	return &((struct lock_shared *)run->shared)->data;
}

static unsigned lock_op(const struct bench_run *run, struct bench_thread *t)
{
	struct guarded *g = guarded_of(run, t);
	uint64_t start = latency_begin(&t->lat, run->params[LOCK_SAMPLE_EVERY]);

	run->prim->lock(run->lock, t->self);
	uint64_t acquired = latency_stamp(start);
	/*
	 * A relaxed load and store, not an atomic increment: under a lock
	 * that excludes, nothing is lost; under one that does not, updates
	 * are lost and check() sees it.  Atomics keep the null lock free of
	 * undefined behaviour; the lock itself provides the ordering.
	 */
	uint64_t c = atomic_load_explicit(&g->counter, memory_order_relaxed);
	atomic_store_explicit(&g->counter, c + 1, memory_order_relaxed);
	int previous = atomic_load_explicit(&g->holder, memory_order_relaxed);
	unsigned kind = previous == 0 || previous == t->id + 1 ? KIND_REACQUIRE : KIND_HANDOFF;
	atomic_store_explicit(&g->holder, t->id + 1, memory_order_relaxed);
	bench_work_after(t, (uint64_t)run->params[LOCK_CS], c);
	run->prim->unlock(run->lock, t->self);
	latency_end(&t->lat, start, acquired, kind);
	bench_work(t, (uint64_t)run->params[LOCK_NCS]);
	return kind;
}

/* With no work outside, every thread asks again at once: the lock is never idle. */
static bool lock_saturated(const int64_t *params, int threads)
{
	return threads >= 2 && params[LOCK_NCS] == 0;
}

static enum check_result lock_check(const struct bench_run *run,
				    struct bench_thread *const *threads, uint64_t total_ops,
				    char *why, size_t whylen)
{
	(void)threads;
	struct lock_shared *s = run->shared;
	uint64_t c = atomic_load_explicit(&s->data.counter, memory_order_relaxed);

	if (c == total_ops)
		return CHECK_PASSED;
	snprintf(why, whylen, "counter %llu != %llu operations: the lock let threads in together",
		 (unsigned long long)c, (unsigned long long)total_ops);
	return CHECK_FAILED;
}

/* ncs=0: every thread asks again as soon as it releases (saturated). */
static const struct contention_level lock_contention[] = {
	{ "ncs", 0, 0, "high" },
	{ "ncs", 1, INT64_MAX, "low" },
	{ NULL, 0, 0, NULL },
};

const struct bench_ops lock_bench = {
	.name = "lock",
	.contention = lock_contention,
	.summary = "acquire; counter++; cs units; release; ncs units",
	.needs = NEEDS_LOCK,
	.flags = BENCH_WANTS_FLOOR,	/* its handoffs move the lock between cores */
	/* High and low contention; mode: the Go references' goroutines and threads. */
	/* Every lock, its reference beside it; the reader-writer locks are rw's. */
	.sweep_prims = "pthread-mutex,pthread-spin,tas,ttas,ticket,ticket-prop,mcs,clh,gomutex,"
		       "gomutex-normal,gomutex-fifo,ck-ticket,ck-fas,ck-cas,ck-mcs,ck-clh,ck-anderson,"
		       "go-mutex",
	.sweep_sets = "cs=20 ncs=0,400 mode=threads,goroutines",
	.sweep_sets_full = "cs=0,20,100 ncs=0,100,400,2000 mode=threads,goroutines",
	.op_kinds = lock_kinds,
	.saturated = lock_saturated,
	.params = lock_params,
	.nparams = ARRAY_SIZE(lock_params),
	.shared_size = sizeof(struct lock_shared),
	.thread_size = sizeof(struct lock_thread),
	.op = lock_op,
	.check = lock_check,
};
