/*
 * rw: readers and writers sharing one record.
 *
 * Each operation is a read with probability read_pct (rlock; read the
 * record and `cs` units of work; runlock) or else a write (lock; rewrite
 * the record and `cs` units; unlock), followed by `ncs` units outside.
 * Reader-writer primitives let readers in together; a plain lock serves
 * both roles, so ticket or gomutex can be compared with gorwmutex on the
 * same mix.  Reads and writes are counted and timed as separate kinds.
 *
 * The record is RECORD_WORDS copies of one value: a write stores a new
 * value into every word, a read checks they agree.  A reader that sees
 * two values met a writer inside: the run fails.
 */
#include <assert.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>

#include "../harness/compiler.h"
#include "bench.h"

enum { RW_READ_PCT, RW_CS, RW_NCS, RW_SAMPLE_EVERY };

static const struct param_decl rw_params[] = {
	[RW_READ_PCT] = { "read_pct", PARAM_INT, 90, 0, 100, NULL,
			  "percentage of operations that read" },
	[RW_CS] = { "cs", PARAM_WORK, 0, 0, 1000000, NULL,
		    "work units inside each read or write section" },
	[RW_NCS] = { "ncs", PARAM_WORK, 0, 0, 1000000, NULL,
		     "work units outside, between operations" },
	[RW_SAMPLE_EVERY] = { "sample_every", PARAM_INT, LATENCY_SAMPLE_EVERY, 0, 1 << 30, NULL,
			      "time the acquisition of every Nth operation (1: all, 0: none)" },
};

enum { KIND_READ, KIND_WRITE };
static const char *const rw_kinds[] = { [KIND_READ] = "read", [KIND_WRITE] = "write", NULL };

#define RECORD_WORDS 8

/*
 * The record fills one line of its own, apart from the lock: readers
 * share it in their caches until a writer takes it away, which is the
 * traffic a reader-writer lock exists to avoid.  Torn reads are counted
 * on a separate line so that counting never disturbs the readers.
 */
struct rw_shared {
	_Alignas(CACHELINE) atomic_uint_least64_t record[RECORD_WORDS];
	_Alignas(CACHELINE) atomic_uint_least64_t torn_reads;
};

static_assert(offsetof(struct rw_shared, torn_reads) % CACHELINE == 0 &&
		      sizeof(struct rw_shared) % CACHELINE == 0,
	      "counting torn reads must not share the record's lines");

/* Relaxed loads and stores: the lock orders them; atomics keep null defined. */
static unsigned read_record(const struct bench_run *run, struct bench_thread *t,
			    struct rw_shared *s)
{
	uint64_t first = atomic_load_explicit(&s->record[0], memory_order_relaxed);
	int torn = 0;
	for (int i = 1; i < RECORD_WORDS; i++)
		torn |= atomic_load_explicit(&s->record[i], memory_order_relaxed) != first;
	bench_work_after(t, (uint64_t)run->params[RW_CS], first);
	if (torn)
		atomic_fetch_add_explicit(&s->torn_reads, 1, memory_order_relaxed);
	return KIND_READ;
}

static unsigned write_record(const struct bench_run *run, struct bench_thread *t,
			     struct rw_shared *s)
{
	uint64_t next = atomic_load_explicit(&s->record[0], memory_order_relaxed) + 1;
	for (int i = 0; i < RECORD_WORDS; i++)
		atomic_store_explicit(&s->record[i], next, memory_order_relaxed);
	bench_work_after(t, (uint64_t)run->params[RW_CS], next);
	return KIND_WRITE;
}

static unsigned rw_op(const struct bench_run *run, struct bench_thread *t)
{
	const struct lock_ops *p = run->prim;
	struct rw_shared *s = run->shared;
	int reading = (int64_t)(rng_next(&t->rng) % 100) < run->params[RW_READ_PCT];
	uint64_t start = latency_begin(&t->lat, run->params[RW_SAMPLE_EVERY]), acquired;
	unsigned kind;

	if (reading && p->rlock) {
		p->rlock(run->lock, t->self);
		acquired = latency_stamp(start);
		kind = read_record(run, t, s);
		p->runlock(run->lock, t->self);
	} else {
		p->lock(run->lock, t->self);
		acquired = latency_stamp(start);
		kind = reading ? read_record(run, t, s) : write_record(run, t, s);
		p->unlock(run->lock, t->self);
	}
	latency_end(&t->lat, start, acquired, kind);
	bench_work(t, (uint64_t)run->params[RW_NCS]);
	return kind;
}

static enum check_result rw_check(const struct bench_run *run,
				struct bench_thread *const *threads, uint64_t total_ops,
				char *why, size_t whylen)
{
	(void)threads;
	(void)total_ops;
	struct rw_shared *s = run->shared;
	uint64_t torn = atomic_load_explicit(&s->torn_reads, memory_order_relaxed);

	if (torn == 0)
		return CHECK_PASSED;
	snprintf(why, whylen, "%" PRIu64 " reads saw a half-written record: a writer was not excluded",
		 torn);
	return CHECK_FAILED;
}

/* As lock: ncs=0 asks again at once. */
static const struct contention_level rw_contention[] = {
	{ "ncs", 0, 0, "high" },
	{ "ncs", 1, INT64_MAX, "low" },
	{ NULL, 0, 0, NULL },
};

const struct bench_ops rw_bench = {
	.name = "rw",
	.contention = rw_contention,
	.summary = "read_pct% reads under rlock, the rest writes under lock",
	.needs = NEEDS_LOCK,
	/* The reader-writer locks (Go's own beside its port), and glibc's mutex in both roles. */
	.sweep_prims = "gorwmutex,pthread-rwlock,ck-rwlock,go-rwmutex,pthread-mutex",
	/* High and low contention; mode: the Go references' goroutines and threads. */
	.sweep_sets = "cs=20 ncs=0,400 mode=threads,goroutines",
	.sweep_sets_full = "cs=0,20,100 ncs=0,100,400,2000 mode=threads,goroutines",
	.op_kinds = rw_kinds,
	.params = rw_params,
	.nparams = ARRAY_SIZE(rw_params),
	.shared_size = sizeof(struct rw_shared),
	.op = rw_op,
	.check = rw_check,
};
