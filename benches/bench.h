/*
 * The workload interface.  A workload is one file in benches/ whose
 * functions are all static and whose only exported symbol is one `const
 * struct bench_ops NAME_bench`, listed in benches/registry.def.  It
 * includes from the harness only the headers locks/lock.h names
 * (tests/test_layout.sh checks it), and from locks/ only lock.h, chan.h,
 * futex.h and the building blocks' own headers (gomutex.h, gochan.h).
 *
 * The harness owns everything around the operation: it allocates and
 * zeroes the shared and per-thread state, creates and pins the threads,
 * calls op() in its one measurement loop, counts operations, and turns
 * check() and stats() into the result.
 */
#ifndef SYNCBENCH_BENCH_H
#define SYNCBENCH_BENCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../harness/compiler.h"
#include "../harness/latency.h"
#include "../harness/params.h"
#include "../harness/stat_emit.h"
#include "../locks/lock.h"

/* What kind of primitive a workload runs on. */
enum bench_needs {
	NEEDS_LOCK,	/* any lock in the registry (rlock used where present) */
	NEEDS_CHAN,	/* any channel primitive (prim->chan); the workload creates them */
	NEEDS_CHAN_SELECT,	/* a channel primitive with a select (prim->chan->select) */
	NEEDS_NOTHING,	/* no primitive: --prim is refused, the result's prim is null */
};

/* Where a repetition stands; the harness moves it forward only. */
enum bench_phase { PHASE_WARMUP, PHASE_MEASURE, PHASE_STOP };

/* Shared by all threads of one repetition; read-only while they run. */
struct bench_run {
	const struct lock_ops *prim;	/* NULL when the configuration uses none */
	void *lock;		/* prim->size bytes, CACHELINE-aligned; NULL without prim */
	const int64_t *prim_params;	/* the primitive's, in declaration order */
	void *shared;		/* bench->shared_size bytes, aligned, zeroed */
	const int64_t *params;	/* the workload's, in declaration order */
	int nthreads;
	const atomic_int *phase;	/* an enum bench_phase; see bench_stopping() */
};

/*
 * Whether the run is ending.  An op() that waits for another thread must
 * poll it while it waits: the other thread may already have left the
 * loop, and would never answer.
 */
static inline bool bench_stopping(const struct bench_run *run)
{
	/* relaxed: only the value matters; join() orders everything else */
	return atomic_load_explicit(run->phase, memory_order_relaxed) == PHASE_STOP;
}

/* One thread's view; the harness keeps it on the thread's own lines. */
struct bench_thread {
	int id;			/* 0 .. nthreads-1 */
	void *self;		/* prim->self_size bytes, or NULL */
	void *local;		/* bench->thread_size bytes, aligned, zeroed */
	uint64_t rng;		/* seeded per thread, for rng_next() */
	/*
	 * The thread's one chain of work units (harness/compiler.h): every
	 * unit the thread performs in the whole run extends it, so that one
	 * section's units cannot overlap the next section's in the CPU and n
	 * units cost n times the calibrated unit (context.work_unit_ns).
	 */
	uint64_t work;
	struct latency_recorder lat;	/* see harness/latency.h */
};

/* n units of work on the thread's chain. */
static inline void bench_work(struct bench_thread *t, uint64_t n)
{
	t->work = work_units(n, t->work);
}

/*
 * n units of work that cannot start before `after` is known: a critical
 * section passes a value it read under the lock, so that its units run
 * while the lock is held, not speculatively before the acquisition.
 */
static inline void bench_work_after(struct bench_thread *t, uint64_t n, uint64_t after)
{
	t->work = work_units(n, t->work ^ after);
}

enum check_result { CHECK_PASSED, CHECK_FAILED, CHECK_SKIPPED };

enum bench_flags {
	/* A correctness check, not a figure: sweeps (run.sh) leave it out. */
	BENCH_CHECK_ONLY = 1u << 0,
	/*
	 * Runs 2 threads, and the latency it samples as its first kind is one
	 * cache-line transfer between their PUs: the harness runs it to
	 * measure the coherence floor (harness/floor.h).
	 */
	BENCH_FLOOR_PROBE = 1u << 1,
	/*
	 * Its first kind (op_kinds[0], "handoff") counts operations that took
	 * the primitive from another thread, whose lines then moved between
	 * cores: results report the fraction of operations that were
	 * handoffs and ns per handoff, and, where saturated() says the
	 * primitive was never idle and the threads are on 2 or more PUs, ns
	 * per handoff over the coherence floor (summary.handoff_vs_floor).
	 */
	BENCH_WANTS_FLOOR = 1u << 2,
};

/*
 * One row of a workload's contention levels: a configuration is at the
 * level of the first row whose parameter's value (a choice's index) lies
 * in [min, max]; a row with param NULL matches every configuration.  The
 * level names say how hard the threads fight over shared state
 * ("high", "low", ...); exports show them (the `contention` column).
 */
struct contention_level {
	const char *param;
	int64_t min, max;
	const char *level;	/* NULL ends the table */
};

struct bench_ops {
	const char *name;
	const char *summary;
	enum bench_needs needs;
	unsigned flags;		/* enum bench_flags */
	/*
	 * The --set arguments, separated by spaces, that run.sh's sweeps use
	 * for this workload: typically two contention levels, such as
	 * "cs=20 ncs=0,200".  NULL: the parameters' defaults.
	 */
	const char *sweep_sets;
	/* The same for `run.sh full`: more levels.  NULL: sweep_sets. */
	const char *sweep_sets_full;
	/*
	 * The primitives run.sh's sweeps measure, comma-separated: the ones
	 * the workload's comparison is about.  NULL: every real primitive it
	 * accepts.
	 */
	const char *sweep_prims;
	/* The --threads list for sweeps, e.g. "2"; NULL: 1, 2, 4, ... 2 x PUs. */
	const char *sweep_threads;
	/* Its contention levels, by parameter value; NULL: it has no such axis. */
	const struct contention_level *contention;
	const struct param_decl *params;
	size_t nparams;
	size_t shared_size;
	size_t thread_size;

	/*
	 * NULL-terminated names of the kinds of operation op() reports (e.g.
	 * "read", "write"), at most MAX_OP_KINDS; NULL: one kind, "op".
	 */
	const char *const *op_kinds;
	/*
	 * The kinds (bit i: op_kinds[i]) that are the workload's unit of
	 * throughput: ops/s, ns/op and CPU ns/op count their operations
	 * alone (chan-pingpong counts round trips, not echoes).  0: all.
	 */
	unsigned counted_kinds;

	/* One operation, the unit that ops/s counts; returns its kind's index. */
	unsigned (*op)(const struct bench_run *run, struct bench_thread *t);
	/*
	 * After the threads have stopped: is the shared state, and each
	 * thread's own, consistent with total_ops, the number of op() calls
	 * made (warmup included)?  Writes a one-line reason into why.
	 */
	enum check_result (*check)(const struct bench_run *run, struct bench_thread *const *threads,
				   uint64_t total_ops, char *why, size_t whylen);
	/* NULL, or emits the workload's own figures for one repetition. */
	void (*stats)(const struct bench_run *run, struct bench_thread *const *threads,
		      stat_emit_fn *emit, void *sink);
	/*
	 * NULL, or whether one configuration (parameter values and thread
	 * count) can run: 0, or -1 with a one-line reason in why that says
	 * what is accepted (e.g. the orders a load can have).  The command
	 * line calls it for every configuration of a sweep, before any runs.
	 */
	int (*validate)(const int64_t *params, int threads, char *why, size_t whylen);
	/*
	 * BENCH_WANTS_FLOOR: whether a configuration keeps the primitive busy
	 * all the time (nothing between a release and the next request), so
	 * that the time between handoffs is what a handoff costs.
	 */
	bool (*saturated)(const int64_t *params, int threads);
	/*
	 * NULL, or for a NEEDS_LOCK workload some of whose parameter values
	 * leave the primitive unused (an optimistic strategy): false makes
	 * such a configuration carry no primitive, run once per sweep.
	 */
	bool (*uses_prim)(const int64_t *params);
	/*
	 * Optional, for state that needs more than zeroed memory (channels
	 * sized by the workload's parameters, condition variables):
	 * setup() runs before the threads start, 0 or -1 with a one-line
	 * reason; teardown() after check() and stats(), also after a failed
	 * setup().
	 */
	int (*setup)(const struct bench_run *run, char *why, size_t whylen);
	void (*teardown)(const struct bench_run *run);
	/*
	 * NULL, or called once by the controller just after the phase turns
	 * to PHASE_STOP, while the threads still run: releases those blocked
	 * where they cannot poll bench_stopping() (closing channels does).
	 */
	void (*stop)(const struct bench_run *run);
};

/* Whether a configuration of b with these parameter values runs on a primitive. */
static inline bool bench_uses_prim(const struct bench_ops *b, const int64_t *params)
{
	return b->needs != NEEDS_NOTHING && (!b->uses_prim || b->uses_prim(params));
}

/* Its number of kinds of operation (1 for a workload without op_kinds). */
static inline int bench_kind_count(const struct bench_ops *b)
{
	int n = 0;
	while (b->op_kinds && b->op_kinds[n])
		n++;
	return n ? n : 1;
}

static inline const char *bench_kind_name(const struct bench_ops *b, int k)
{
	return b->op_kinds ? b->op_kinds[k] : "op";
}

/* The kinds its throughput counts, as a mask: counted_kinds, or every kind. */
static inline unsigned bench_counted_kinds(const struct bench_ops *b)
{
	return b->counted_kinds ? b->counted_kinds : (1u << bench_kind_count(b)) - 1;
}

extern const struct bench_ops *const bench_registry[];
extern const size_t bench_registry_len;

const struct bench_ops *bench_find(const char *name);

/*
 * Whether the workload can run on the primitive: its `needs` (a lock or a
 * channel), or for an external reference the workloads it lists.
 */
bool bench_accepts(const struct bench_ops *b, const struct lock_ops *p);
/* Why it cannot, for messages: "a lock, not a channel", ...; NULL if it can. */
const char *bench_refusal(const struct bench_ops *b, const struct lock_ops *p);
/*
 * Whether the workload offers the primitive by name: one it accepts and
 * that is listed (lock_listed()): `--prim all`, the names in messages and
 * hints.
 */
bool bench_offers(const struct bench_ops *b, const struct lock_ops *p);

#endif
