/*
 * The lock interface.  A primitive is one file in locks/ whose functions
 * are all static and whose only exported symbol is one `const struct
 * lock_ops NAME_ops`, listed in locks/registry.def.  Optional operations
 * are NULL slots; the harness owns threads, timing and output.
 *
 * Three primitives are also building blocks that other code uses
 * directly, and so export a C API from a header of their own beside
 * their ops: gomutex (gomutex.h: the ring workload's batons), gochan
 * (gochan.h: `syncbench demo`, the tests) and gorwmutex (gorwmutex.h).
 * gosema.c (gosema.h, the semaphore gomutex and gorwmutex park on),
 * go_ref.c (go_ref.h) and chan.c (chan.h) are helpers, not primitives,
 * and have no registry line.
 *
 * What locks/ and benches/ may include from the harness is these
 * headers, no other: compiler.h (CACHELINE, cpu_relax, work units,
 * cacheline_zalloc), clock.h, params.h, stat_emit.h, latency.h, and for
 * workloads stats.h (pure statistics) and work.h (the work unit's cost);
 * from locks/, futex.h.  tests/test_layout.sh checks it.
 */
#ifndef SYNCBENCH_LOCK_H
#define SYNCBENCH_LOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../harness/params.h"
#include "../harness/stat_emit.h"
#include "chan.h"

enum lock_flags {
	/* Gives no mutual exclusion (the `null` baseline): checks are skipped. */
	LOCK_NO_EXCLUSION = 1u << 0,
	/* Deliberately broken: selectable by name, never listed or swept. */
	LOCK_TEST_ONLY = 1u << 1,
	/*
	 * No bound on how often a waiter can be overtaken: whoever's atomic
	 * lands first wins (test-and-set spinlocks).  Fairness tests expect a
	 * bounded wait only from the others.
	 */
	LOCK_UNBOUNDED_WAIT = 1u << 2,
};

/* A workload that an external program runs, and the program's -prim for it. */
struct external_workload {
	const char *bench;	/* the workload's name; NULL ends the list */
	const char *prim;	/* the program's -prim argument; NULL: none */
};

/*
 * A reference implementation that another program runs, one repetition
 * per process: the harness starts it for every repetition, in the
 * repetition's own child process, and reads its figures back
 * (harness/external.h describes the protocol).  The workload's parameters
 * go to it as NAME=VALUE, the primitive's own as -NAME VALUE.
 */
struct external_ref {
	const char *program;	/* an executable next to the syncbench binary */
	const char *package;	/* the Debian package that builds it, for messages */
	const struct external_workload *workloads;	/* those it runs */
	/*
	 * NULL, or whether the program takes this value of a workload's
	 * parameter: 0, or -1 with a one-line reason that says what it takes.
	 */
	int (*check_value)(const char *bench, const char *param, int64_t value, char *why,
			   size_t whylen);
	/*
	 * Whether, with these primitive parameters, each worker is pinned to
	 * its own PU; false: the program's threads are confined to the set of
	 * PUs together.
	 */
	bool (*pins_threads)(const int64_t *prim_params);
};

struct lock_ops {
	const char *name;
	const char *summary;
	unsigned flags;
	/* Bytes of lock state; the harness aligns it to CACHELINE and zeroes it. */
	size_t size;
	/* Bytes of per-thread state (a queue node), 0 if none; aligned, zeroed. */
	size_t self_size;
	const struct param_decl *params;
	size_t nparams;

	/* Returns 0, or an errno value; params follow the declaration order. */
	int (*init)(void *lock, const int64_t *params);
	void (*destroy)(void *lock);		/* NULL: nothing to release */
	void (*lock)(void *lock, void *self);
	bool (*trylock)(void *lock, void *self);	/* NULL: unsupported */
	void (*unlock)(void *lock, void *self);
	void (*rlock)(void *lock, void *self);	/* NULL: not reader-writer */
	void (*runlock)(void *lock, void *self);
	/*
	 * NULL, or called once per repetition after the threads have stopped:
	 * emits the primitive's own counters (selves[i] is thread i's state).
	 */
	void (*stats)(const void *lock, void *const *selves, int nthreads,
		      stat_emit_fn *emit, void *sink);
	/*
	 * Non-NULL for a channel primitive (see chan.h), whose lock slots,
	 * size and init are then NULL or 0: it is no lock, and the workload,
	 * not the harness, creates its channels.
	 */
	const struct chan_ops *chan;
	/*
	 * Non-NULL for a reference that another program runs (struct
	 * external_ref): its lock and chan slots, size and init are then NULL
	 * or 0, and it runs the workloads it lists, no others.
	 */
	const struct external_ref *external;
	/*
	 * NULL, or the primitive this one is a port of, by name (ticket:
	 * "ck-ticket"): `syncbench compare --pair ports` measures each port
	 * against its original.
	 */
	const char *original;
};

extern const struct lock_ops *const lock_registry[];
extern const size_t lock_registry_len;

/* The primitive called name, or NULL. */
const struct lock_ops *lock_find(const char *name);

/* Whether list, completion and --prim all show p: every primitive but the test-only ones. */
static inline bool lock_listed(const struct lock_ops *p)
{
	return !(p->flags & LOCK_TEST_ONLY);
}

#endif
